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

struct S_err {
	struct diag *d;
	const char *path;
	int n;
};

static void
S_xml_error(void *ctx, xmlErrorPtr e)
{
	struct S_err *ec = ctx;
	char msg[600];
	size_t n;

	if (e == NULL || e->level == XML_ERR_WARNING ||
	    e->level == XML_ERR_NONE)
		return;
	snprintf(msg, sizeof(msg), "%s",
	    e->message != NULL ? e->message : "invalid");
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	diag_add(ec->d, D_PDF_TEMPLATE, e->file != NULL ? e->file : ec->path,
	    (long)e->line, 0L, "PDF", msg);
	ec->n++;
}

/* Line of a <!DOCTYPE before the root element, 0 if none. */
static long
S_doctype_line(const char *path)
{
	FILE *fp;
	char buf[8192];
	size_t n, i;
	long line = 1;

	if ((fp = fopen(path, "rb")) == NULL)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	for (i = 0; i < n; i++) {
		if (buf[i] == '\n')
			line++;
		else if (strncmp(buf + i, "<!DOCTYPE", 9) == 0)
			return line;
		else if (strncmp(buf + i, "<report-template", 16) == 0)
			break;
	}
	return 0;
}

static int
S_validate(xmlDoc *doc, const char *path, const char *xsd, struct diag *d)
{
	struct S_err xe = { d, xsd, 0 }, ve = { d, path, 0 };
	xmlSchemaParserCtxtPtr pc;
	xmlSchemaValidCtxtPtr vc;
	xmlSchemaPtr schema = NULL;
	int rc = -1;

	xmlSetStructuredErrorFunc(&xe, S_xml_error);
	if ((pc = xmlSchemaNewParserCtxt(xsd)) != NULL) {
		xmlSchemaSetParserStructuredErrors(pc, S_xml_error, &xe);
		schema = xmlSchemaParse(pc);
		xmlSchemaFreeParserCtxt(pc);
	}
	if (schema == NULL) {
		if (xe.n == 0)
			diag_add(d, D_PDF_TEMPLATE, xsd, 0L, 0L, "PDF",
			    "report template schema cannot be loaded");
		return -1;
	}
	xmlSetStructuredErrorFunc(&ve, S_xml_error);
	if ((vc = xmlSchemaNewValidCtxt(schema)) != NULL) {
		xmlSchemaSetValidStructuredErrors(vc, S_xml_error, &ve);
		rc = xmlSchemaValidateDoc(vc, doc);
		xmlSchemaFreeValidCtxt(vc);
	}
	xmlSchemaFree(schema);
	if (rc != 0 && ve.n == 0)
		diag_add(d, D_PDF_TEMPLATE, path, 0L, 0L, "PDF",
		    "report template does not match report-template.xsd");
	return rc == 0 ? 0 : -1;
}

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
			diag_add(d, D_PDF_TEMPLATE, path, line, 0L, "PDF",
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
				    xmlGetLineNo(n), 0L, "PDF",
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
	struct S_err pe = { d, path, 0 };
	xmlStructuredErrorFunc old_fn = xmlStructuredError;
	void *old_ctx = xmlStructuredErrorContext;
	struct rp_template *t;
	xmlDoc *doc;
	FILE *fp;
	long line;
	int bad = 0;

	if ((fp = fopen(path, "rb")) == NULL) {
		char msg[300];
		snprintf(msg, sizeof(msg), "%s",
		    strerror(errno));
		diag_add(d, D_PDF_TEMPLATE, path, 0L, 0L, "PDF", msg);
		return NULL;
	}
	fclose(fp);
	if ((line = S_doctype_line(path)) > 0) {
		diag_add(d, D_XML_DOCTYPE, path, line, 0L);
		return NULL;
	}
	xmlSetStructuredErrorFunc(&pe, S_xml_error);
	doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
	if (doc == NULL) {
		if (pe.n == 0)
			diag_add(d, D_PDF_TEMPLATE, path, 0L, 0L, "PDF",
			    "report template is not well-formed XML");
		bad = 1;
	} else if (doc->intSubset != NULL || doc->extSubset != NULL) {
		diag_add(d, D_XML_DOCTYPE, path, 1L, 0L);
		bad = 1;
	} else if (xsd_path != NULL && S_validate(doc, path, xsd_path, d) != 0)
		bad = 1;
	xmlSetStructuredErrorFunc(old_ctx, old_fn);
	if (bad) {
		xmlFreeDoc(doc);
		return NULL;
	}
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
