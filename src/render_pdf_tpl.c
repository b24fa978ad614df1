/* render_pdf_tpl.c: loads and checks the PDF report template (templates/report-*.xml) and fills its placeholders. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include "diag.h"
#include "render_pdf_int.h"
#include "util.h"
#include "xmlsafe.h"

static const char *const S_kinds[RP__COUNT] = {
	"cover", "contents", "summary", "tiers", "pareto", "quadrant",
	"classes", "risk", "policies", "migration", "method", "data-quality",
	"scorecards"
};

/* Every placeholder a template may use (docs/pdf-report.md). */
static const char *const S_known[] = {
	"title", "client", "consultant", "period", "as_of", "customers",
	"scope", "revenue", "profit", "margin", "top20_revenue", "pareto_verdict",
	"top20_profit", "flagged", "cycle_years", "prior_as_of", "scorecards",
	"customer", "customer_id", "tier", "score", "rank", "region", "rep",
	NULL
};

static int
S_known_name(const char *s, size_t n)
{
	size_t i;

	for (i = 0; S_known[i] != NULL; i++)
		if (strlen(S_known[i]) == n && strncmp(S_known[i], s, n) == 0)
			return 1;
	return 0;
}

/* Every {name} in s must be known; reports the first unknown one. */
static int
S_check_placeholders(const char *s, const char *path, long line,
    struct diag *d)
{
	const char *p, *e;
	char msg[300];

	for (p = s; (p = strchr(p, '{')) != NULL; p = e + 1) {
		if ((e = strchr(p + 1, '}')) == NULL)
			return 0;
		if (!S_known_name(p + 1, (size_t)(e - p - 1))) {
			snprintf(msg, sizeof(msg), "report template: unknown "
			    "placeholder {%.*s} (see docs/pdf-report.md)",
			    (int)(e - p - 1 > 60 ? 60 : e - p - 1), p + 1);
			diag_add(d, D_PDF_TEMPLATE, path, line, 0L,
			    msg);
			return -1;
		}
	}
	return 0;
}

static char *
S_text(xmlNode *n)
{
	xmlChar *c = xmlNodeGetContent(n);
	char *s, *p, *q;

	s = cv_strdup(c != NULL ? (const char *)c : "");
	xmlFree(c);
	/* collapse white space runs (template files are indented) */
	for (p = q = s; *p != '\0'; p++) {
		if (*p == '\n' || *p == '\r' || *p == '\t' || *p == ' ') {
			if (q > s && q[-1] != ' ')
				*q++ = ' ';
		} else
			*q++ = *p;
	}
	while (q > s && q[-1] == ' ')
		q--;
	*q = '\0';
	return s;
}

static char *
S_attr(xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	char *s = cv_strdup(v != NULL ? (const char *)v : "");

	xmlFree(v);
	return s;
}

static int
S_is(xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE &&
	    strcmp((const char *)n->name, name) == 0;
}

static char **
S_push(char **v, size_t *n, char *s)
{
	v = cv_realloc(v, (*n + 1) * sizeof(*v));
	v[(*n)++] = s;
	return v;
}

static int
S_build(struct rp_template *t, xmlDoc *doc, struct diag *d)
{
	xmlNode *n, *c;
	int seen[RP__COUNT] = { 0 }, bad = 0;
	size_t i;

	for (n = xmlDocGetRootElement(doc)->children; n; n = n->next) {
		if (S_is(n, "title")) {
			free(t->title);
			t->title = S_text(n);
			bad |= S_check_placeholders(t->title, t->path,
			    xmlGetLineNo(n), d);
		} else if (S_is(n, "section")) {
			struct rp_section *s;
			char *k = S_attr(n, "kind"), *v;
			int kind = -1;

			for (i = 0; i < RP__COUNT; i++)
				if (strcmp(k, S_kinds[i]) == 0)
					kind = (int)i;
			free(k);
			if (kind < 0)
				continue;	/* the schema rejects it */
			if (seen[kind]) {
				diag_add(d, D_PDF_TEMPLATE, t->path,
				    xmlGetLineNo(n), 0L,
				    "report template: a section kind appears "
				    "twice");
				bad = -1;
				continue;
			}
			seen[kind] = 1;
			t->sec = cv_realloc(t->sec, (t->n_sec + 1) *
			    sizeof(*t->sec));
			s = &t->sec[t->n_sec++];
			memset(s, 0, sizeof(*s));
			s->kind = (enum rp_kind)kind;
			s->line = xmlGetLineNo(n);
			s->title = S_attr(n, "title");
			bad |= S_check_placeholders(s->title, t->path,
			    s->line, d);
			v = S_attr(n, "table");
			s->table = !(strcmp(v, "false") == 0 ||
			    strcmp(v, "0") == 0);
			free(v);
			v = S_attr(n, "chart");
			s->chart = !(strcmp(v, "false") == 0 ||
			    strcmp(v, "0") == 0);
			free(v);
			v = S_attr(n, "limit");
			s->limit = strtol(v, NULL, 10);
			free(v);
			for (c = n->children; c; c = c->next)
				if (S_is(c, "intro")) {
					char *tx = S_text(c);
					bad |= S_check_placeholders(tx,
					    t->path, xmlGetLineNo(c), d);
					s->intro = S_push(s->intro,
					    &s->n_intro, tx);
				}
		} else if (S_is(n, "letter")) {
			for (c = n->children; c; c = c->next) {
				char *tx;
				if (c->type != XML_ELEMENT_NODE)
					continue;
				tx = S_text(c);
				bad |= S_check_placeholders(tx, t->path,
				    xmlGetLineNo(c), d);
				if (S_is(c, "greeting")) {
					free(t->greeting);
					t->greeting = tx;
				} else if (S_is(c, "para"))
					t->para = S_push(t->para, &t->n_para,
					    tx);
				else if (S_is(c, "closing")) {
					free(t->closing);
					t->closing = tx;
				} else if (S_is(c, "signature")) {
					free(t->signature);
					t->signature = tx;
				} else
					free(tx);
			}
		}
	}
	return bad ? -1 : 0;
}

struct rp_template *
rp_template_load(const char *path, const char *xsd_path, struct diag *d)
{
	static const struct xml_msgs msgs = { D_PDF_TEMPLATE, D_PDF_TEMPLATE,
	    D_PDF_TEMPLATE, D_XML_DOCTYPE, D_XSD_OPEN };
	struct rp_template *t;
	xmlDoc *doc;

	if ((doc = xml_load(path, xsd_path, &msgs, d)) == NULL)
		return NULL;
	t = cv_calloc(1, sizeof(*t));
	t->path = cv_strdup(path);
	t->title = cv_strdup("");
	t->closing = cv_strdup("");
	t->signature = cv_strdup("");
	if (S_build(t, doc, d) != 0) {
		xmlFreeDoc(doc);
		rp_template_free(t);
		return NULL;
	}
	xmlFreeDoc(doc);
	return t;
}

void
rp_template_free(struct rp_template *t)
{
	size_t i, j;

	if (t == NULL)
		return;
	for (i = 0; i < t->n_sec; i++) {
		free(t->sec[i].title);
		for (j = 0; j < t->sec[i].n_intro; j++)
			free(t->sec[i].intro[j]);
		free(t->sec[i].intro);
	}
	free(t->sec);
	for (i = 0; i < t->n_para; i++)
		free(t->para[i]);
	free(t->para);
	free(t->greeting);
	free(t->closing);
	free(t->signature);
	free(t->title);
	free(t->path);
	free(t);
}

const struct rp_section *
rp_section(const struct rp_template *t, enum rp_kind k)
{
	size_t i;

	for (i = 0; i < t->n_sec; i++)
		if (t->sec[i].kind == k)
			return &t->sec[i];
	return NULL;
}

char *
rp_template_path(const struct report *r)
{
	struct buf b;

	if (r->template_path != NULL && r->template_path[0] != '\0')
		return cv_strdup(r->template_path);
	/* No resolved path: templates/report-<lang>.xml from here. */
	buf_init(&b);
	buf_printf(&b, "%s/report-%s.xml", r->datadir != NULL &&
	    r->datadir[0] != '\0' ? r->datadir : "templates",
	    diag_lang_code(r->cfg->lang));
	return b.data;
}

char *
rp_xsd_path(const struct report *r)
{
	struct buf b;

	buf_init(&b);
	buf_printf(&b, "%s/report-template.xsd", r->datadir != NULL &&
	    r->datadir[0] != '\0' ? r->datadir : "templates");
	return b.data;
}

void
rp_vars_set(struct rp_vars *vs, const char *name, const char *value)
{
	size_t i;

	for (i = 0; i < vs->n; i++)
		if (strcmp(vs->v[i].name, name) == 0)
			break;
	if (i == vs->n) {
		if (vs->n == RP_MAX_VARS)
			return;
		vs->n++;
	}
	snprintf(vs->store[i], sizeof(vs->store[i]), "%s", value);
	vs->v[i].name = name;
	vs->v[i].value = vs->store[i];
}

char *
rp_expand(const char *s, const struct rp_vars *vs)
{
	struct buf b;
	const char *p, *e;
	size_t i;

	buf_init(&b);
	for (p = s; *p != '\0';) {
		if (*p == '{' && (e = strchr(p + 1, '}')) != NULL) {
			for (i = 0; i < vs->n; i++)
				if (strlen(vs->v[i].name) == (size_t)(e - p - 1)
				    && strncmp(vs->v[i].name, p + 1,
				    (size_t)(e - p - 1)) == 0)
					break;
			if (i < vs->n) {
				buf_puts(&b, vs->v[i].value);
				p = e + 1;
				continue;
			}
		}
		buf_add(&b, p, 1);
		p++;
	}
	return b.data != NULL ? b.data : cv_strdup("");
}
