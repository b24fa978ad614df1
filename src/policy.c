/* policy.c: loads, checks and applies the policy library (rules, policies, dealer-support checklist, labels). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/globals.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>

#include "diag.h"
#include "policy.h"
#include "util.h"
#include "xmlsafe.h"

/* A space-separated attribute value, split. */
struct keylist {
	char **v;
	size_t n;
};

/* Condition attributes of <when>, in the order they are compared and printed. */
enum cond {
	C_TIER, C_QUADRANT, C_LIFECYCLE, C_VALUE, C_FLAG, C_UNLESS_FLAG,
	C_WEAK, C_TYPE, C__N
};

static const char *const S_cond_attr[C__N] = {
	"tier", "quadrant", "lifecycle", "value-group", "flag", "unless-flag",
	"weak-dimension", "customer-type"
};

struct when {
	struct keylist c[C__N];	/* empty list = no condition */
	size_t n_cond;		/* number of conditions given */
	long line;
};

struct policy {
	char *key, *category, *title, *text;
	int priority;
	long line;
};

struct rule {
	char *key;
	struct keylist policies;
	size_t *pidx;		/* index into lib->policies, per policies.v */
	struct when *when;
	size_t n_when;
	char *reason;
	long line, reason_line;
};

struct label {
	char *kind, *key, *text;
	long line;
};

struct category {
	char *key;
	long line;
};

struct item {
	char *key, *owner, *text;
	size_t cat;		/* index into lib->cats */
	int due_days;
	struct keylist dims, types, focus;
	long line;
};

struct pol_library {
	char *path;
	char *lang;
	struct label *labels;
	size_t n_labels;
	struct policy *policies;
	size_t n_policies;
	struct rule *rules;
	size_t n_rules;
	struct category *cats;
	size_t n_cats;
	struct item *items;
	size_t n_items;
	struct keylist check_types;
	size_t max_items, type_items;
	char *dim_reason, *type_reason;
	long dim_reason_line, type_reason_line;
};

/* ---- small helpers ---- */

static int
S_streq(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

static int
S_is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void
S_split(const char *s, struct keylist *l)
{
	const char *p, *q;
	size_t cap = 0;

	l->v = NULL;
	l->n = 0;
	if (s == NULL)
		return;
	for (p = s; *p != '\0'; p = q) {
		while (S_is_ws(*p))
			p++;
		if (*p == '\0')
			break;
		for (q = p; *q != '\0' && !S_is_ws(*q); q++)
			continue;
		if (l->n == cap) {
			cap = cap ? cap * 2 : 4;
			l->v = cv_realloc(l->v, cap * sizeof(*l->v));
		}
		l->v[l->n++] = cv_strndup(p, (size_t)(q - p));
	}
}

static void
S_list_free(struct keylist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static int
S_list_has(const struct keylist *l, const char *s)
{
	size_t i;

	if (s == NULL)
		return 0;
	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return 1;
	return 0;
}

static void
S_list_join(struct buf *b, const struct keylist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (i > 0)
			buf_puts(b, " ");
		buf_puts(b, l->v[i]);
	}
}

/*
 * Collapses white space to one space and trims it; a line break between two
 * non-ASCII characters (CJK text wrapped in the file) is dropped entirely.
 */
static char *
S_norm(const char *s)
{
	size_t j = 0;
	char *o;
	const char *p, *q;
	int nl;

	o = cv_malloc(strlen(s) + 1);
	for (p = s; *p != '\0'; ) {
		if (!S_is_ws(*p)) {
			o[j++] = *p++;
			continue;
		}
		nl = 0;
		for (q = p; S_is_ws(*q); q++)
			if (*q == '\n')
				nl = 1;
		if (j > 0 && *q != '\0' && !(nl &&
		    ((unsigned char)o[j - 1] >= 0x80 ||
		    (unsigned char)*q >= 0x80)))
			o[j++] = ' ';
		p = q;
	}
	o[j] = '\0';
	return o;
}

static int
S_is(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE &&
	    xmlStrcmp(n->name, (const xmlChar *)name) == 0;
}

/* Attribute value (owned copy) or NULL. */
static char *
S_prop(xmlNode *n, const char *name)
{
	xmlChar *v;
	char *s;

	v = xmlGetProp(n, (const xmlChar *)name);
	if (v == NULL)
		return NULL;
	s = cv_strdup((const char *)v);
	xmlFree(v);
	return s;
}

/* Normalized text content (owned). */
static char *
S_content(xmlNode *n)
{
	xmlChar *v;
	char *s;

	v = xmlNodeGetContent(n);
	s = S_norm(v != NULL ? (const char *)v : "");
	xmlFree(v);
	return s;
}

static size_t
S_count(const xmlNode *parent, const char *name)
{
	const xmlNode *c;
	size_t n = 0;

	for (c = parent->children; c != NULL; c = c->next)
		if (S_is(c, name))
			n++;
	return n;
}

static long
S_line(const xmlNode *n)
{
	return xmlGetLineNo(n);
}

/* Appends s to out (size POL_REASON_MAX, length *len), cutting on a UTF-8 boundary. */
static void
S_append(char *out, size_t *len, const char *s, size_t n)
{
	size_t room = POL_REASON_MAX - 1 - *len;

	if (n > room) {
		n = room;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(out + *len, s, n);
	*len += n;
	out[*len] = '\0';
}

/* Length of a placeholder name at p ("tier}" -> 4), 0 if p is not one. */
static size_t
S_placeholder(const char *p)
{
	size_t n = 0;

	while ((p[n] >= 'a' && p[n] <= 'z') || p[n] == '-')
		n++;
	return n > 0 && p[n] == '}' ? n : 0;
}

static const char *const S_placeholders[] = {
	"tier", "quadrant", "lifecycle", "value", "flag", "dimension", "type"
};

static int
S_placeholder_known(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(S_placeholders) / sizeof(S_placeholders[0]); i++)
		if (strlen(S_placeholders[i]) == n &&
		    memcmp(S_placeholders[i], p, n) == 0)
			return 1;
	return 0;
}

/* ---- labels ---- */

const char *
pol_label(const struct pol_library *lib, const char *kind, const char *key)
{
	size_t i;

	if (key == NULL)
		return "";
	if (lib == NULL || kind == NULL)
		return key;
	for (i = 0; i < lib->n_labels; i++)
		if (strcmp(lib->labels[i].kind, kind) == 0 &&
		    strcmp(lib->labels[i].key, key) == 0)
			return lib->labels[i].text;
	return key;
}

/*
 * Fills a reason template.  flag and dim are the flag and weak dimension
 * that triggered the rule (NULL: the first of the facts, if any).
 */
static void
S_fill(const struct pol_library *lib, const char *tmpl,
    const struct pol_facts *f, const char *flag, const char *dim, char *out)
{
	const char *p, *v;
	size_t len = 0, n;

	out[0] = '\0';
	if (flag == NULL && f->n_flags > 0)
		flag = f->flags[0];
	if (dim == NULL && f->n_weak > 0)
		dim = f->weak_dims[0];
	for (p = tmpl; *p != '\0'; ) {
		if (*p != '{' || (n = S_placeholder(p + 1)) == 0) {
			S_append(out, &len, p, 1);
			p++;
			continue;
		}
		v = "";
		if (n == 4 && memcmp(p + 1, "tier", 4) == 0)
			v = pol_label(lib, "tier", f->tier);
		else if (n == 8 && memcmp(p + 1, "quadrant", 8) == 0)
			v = pol_label(lib, "quadrant", f->quadrant);
		else if (n == 9 && memcmp(p + 1, "lifecycle", 9) == 0)
			v = pol_label(lib, "lifecycle", f->lifecycle);
		else if (n == 5 && memcmp(p + 1, "value", 5) == 0)
			v = pol_label(lib, "value-group", f->value_group);
		else if (n == 4 && memcmp(p + 1, "flag", 4) == 0)
			v = pol_label(lib, "flag", flag);
		else if (n == 9 && memcmp(p + 1, "dimension", 9) == 0)
			v = pol_label(lib, "dimension", dim);
		else if (n == 4 && memcmp(p + 1, "type", 4) == 0)
			v = pol_label(lib, "customer-type", f->customer_type);
		S_append(out, &len, v, strlen(v));
		p += n + 2;
	}
}

struct loader {
	struct pol_library *lib;
	struct diag *d;
	int errors;
};

static char *
S_need(struct loader *ld, xmlNode *n, const char *attr)
{
	char *v = S_prop(n, attr);

	if (v == NULL || v[0] == '\0') {
		free(v);
		diag_add(ld->d, D_POLICY_MISSING, ld->lib->path, S_line(n), 0,
		    (const char *)n->name, attr);
		ld->errors++;
		return NULL;
	}
	return v;
}

static int
S_int_attr(xmlNode *n, const char *attr, int dflt, int lo, int hi)
{
	char *v = S_prop(n, attr), *end;
	long x;

	if (v == NULL)
		return dflt;
	errno = 0;
	x = strtol(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0')
		x = dflt;
	free(v);
	if (x < lo)
		x = lo;
	if (x > hi)
		x = hi;
	return (int)x;
}

static void
S_dup(struct loader *ld, const char *elem, const char *key, long line,
    long first)
{
	diag_add(ld->d, D_POLICY_DUPLICATE, ld->lib->path, line, 0, elem, key,
	    first);
	ld->errors++;
}

static void
S_load_labels(struct loader *ld, xmlNode *parent)
{
	struct pol_library *lib = ld->lib;
	struct label *lb;
	xmlNode *c;
	char *kind, *key;
	size_t i;

	lib->labels = cv_calloc(S_count(parent, "label") + 1,
	    sizeof(*lib->labels));
	for (c = parent->children; c != NULL; c = c->next) {
		if (!S_is(c, "label"))
			continue;
		kind = S_need(ld, c, "kind");
		key = S_need(ld, c, "key");
		if (kind == NULL || key == NULL) {
			free(kind);
			free(key);
			continue;
		}
		for (i = 0; i < lib->n_labels; i++)
			if (strcmp(lib->labels[i].kind, kind) == 0 &&
			    strcmp(lib->labels[i].key, key) == 0)
				break;
		if (i < lib->n_labels) {
			S_dup(ld, "<label>", key, S_line(c),
			    lib->labels[i].line);
			free(kind);
			free(key);
			continue;
		}
		lb = &lib->labels[lib->n_labels++];
		lb->kind = kind;
		lb->key = key;
		lb->text = S_content(c);
		lb->line = S_line(c);
	}
}

static void
S_load_policies(struct loader *ld, xmlNode *parent)
{
	struct pol_library *lib = ld->lib;
	struct policy *p;
	xmlNode *c, *g;
	char *key, *cat;
	size_t i;

	lib->policies = cv_calloc(S_count(parent, "policy") + 1,
	    sizeof(*lib->policies));
	for (c = parent->children; c != NULL; c = c->next) {
		if (!S_is(c, "policy"))
			continue;
		key = S_need(ld, c, "key");
		cat = S_need(ld, c, "category");
		if (key == NULL || cat == NULL) {
			free(key);
			free(cat);
			continue;
		}
		for (i = 0; i < lib->n_policies; i++)
			if (strcmp(lib->policies[i].key, key) == 0)
				break;
		if (i < lib->n_policies) {
			S_dup(ld, "<policy>", key, S_line(c),
			    lib->policies[i].line);
			free(key);
			free(cat);
			continue;
		}
		p = &lib->policies[lib->n_policies++];
		p->key = key;
		p->category = cat;
		p->priority = S_int_attr(c, "priority", 5, 1, 9);
		p->line = S_line(c);
		for (g = c->children; g != NULL; g = g->next) {
			if (S_is(g, "title") && p->title == NULL)
				p->title = S_content(g);
			else if (S_is(g, "text") && p->text == NULL)
				p->text = S_content(g);
		}
		if (p->title == NULL)
			p->title = cv_strdup(key);
		if (p->text == NULL)
			p->text = cv_strdup("");
	}
}

static void
S_load_rules(struct loader *ld, xmlNode *parent)
{
	struct pol_library *lib = ld->lib;
	struct rule *r;
	struct when *w;
	xmlNode *c, *g;
	char *key, *pols, *v;
	size_t i, k;

	lib->rules = cv_calloc(S_count(parent, "rule") + 1,
	    sizeof(*lib->rules));
	for (c = parent->children; c != NULL; c = c->next) {
		if (!S_is(c, "rule"))
			continue;
		key = S_need(ld, c, "key");
		pols = S_need(ld, c, "policies");
		if (key == NULL || pols == NULL) {
			free(key);
			free(pols);
			continue;
		}
		for (i = 0; i < lib->n_rules; i++)
			if (strcmp(lib->rules[i].key, key) == 0)
				break;
		if (i < lib->n_rules) {
			S_dup(ld, "<rule>", key, S_line(c), lib->rules[i].line);
			free(key);
			free(pols);
			continue;
		}
		r = &lib->rules[lib->n_rules++];
		r->key = key;
		r->line = S_line(c);
		S_split(pols, &r->policies);
		free(pols);
		r->pidx = cv_calloc(r->policies.n + 1, sizeof(*r->pidx));
		r->when = cv_calloc(S_count(c, "when") + 1, sizeof(*r->when));
		for (g = c->children; g != NULL; g = g->next) {
			if (S_is(g, "reason") && r->reason == NULL) {
				r->reason = S_content(g);
				r->reason_line = S_line(g);
			}
			if (!S_is(g, "when"))
				continue;
			w = &r->when[r->n_when++];
			w->line = S_line(g);
			for (k = 0; k < C__N; k++) {
				v = S_prop(g, S_cond_attr[k]);
				S_split(v, &w->c[k]);
				free(v);
				if (w->c[k].n > 0)
					w->n_cond++;
			}
			if (w->n_cond == 0) {
				diag_add(ld->d, D_POLICY_EMPTY_WHEN, lib->path,
				    w->line, 0, key);
				ld->errors++;
			}
		}
		if (r->n_when == 0) {
			diag_add(ld->d, D_POLICY_MISSING, lib->path, r->line,
			    0, "rule", "when");
			ld->errors++;
		}
		if (r->reason == NULL) {
			r->reason = cv_strdup("");
			r->reason_line = r->line;
		}
	}
}

static void
S_load_checklist(struct loader *ld, xmlNode *cl)
{
	struct pol_library *lib = ld->lib;
	struct item *it;
	xmlNode *c, *g;
	size_t n_items = 0, i;
	char *v, *key, *owner;

	v = S_prop(cl, "types");
	S_split(v, &lib->check_types);
	free(v);
	lib->max_items = (size_t)S_int_attr(cl, "max-items", 8, 1, 50);
	lib->type_items = (size_t)S_int_attr(cl, "type-items", 3, 0, 50);
	for (c = cl->children; c != NULL; c = c->next)
		if (S_is(c, "category"))
			n_items += S_count(c, "item");
	lib->cats = cv_calloc(S_count(cl, "category") + 1, sizeof(*lib->cats));
	lib->items = cv_calloc(n_items + 1, sizeof(*lib->items));
	for (c = cl->children; c != NULL; c = c->next) {
		if (S_is(c, "dimension-reason") && lib->dim_reason == NULL) {
			lib->dim_reason = S_content(c);
			lib->dim_reason_line = S_line(c);
			continue;
		}
		if (S_is(c, "type-reason") && lib->type_reason == NULL) {
			lib->type_reason = S_content(c);
			lib->type_reason_line = S_line(c);
			continue;
		}
		if (!S_is(c, "category") || (key = S_need(ld, c, "key")) == NULL)
			continue;
		for (i = 0; i < lib->n_cats; i++)
			if (strcmp(lib->cats[i].key, key) == 0)
				break;
		if (i < lib->n_cats) {
			S_dup(ld, "<category>", key, S_line(c),
			    lib->cats[i].line);
			free(key);
			continue;
		}
		lib->cats[lib->n_cats].key = key;
		lib->cats[lib->n_cats].line = S_line(c);
		lib->n_cats++;
		for (g = c->children; g != NULL; g = g->next) {
			if (!S_is(g, "item"))
				continue;
			key = S_need(ld, g, "key");
			owner = S_need(ld, g, "owner");
			if (key == NULL || owner == NULL) {
				free(key);
				free(owner);
				continue;
			}
			for (i = 0; i < lib->n_items; i++)
				if (strcmp(lib->items[i].key, key) == 0)
					break;
			if (i < lib->n_items) {
				S_dup(ld, "<item>", key, S_line(g),
				    lib->items[i].line);
				free(key);
				free(owner);
				continue;
			}
			it = &lib->items[lib->n_items++];
			it->key = key;
			it->owner = owner;
			it->cat = lib->n_cats - 1;
			it->due_days = S_int_attr(g, "due-days", 30, 0, 3650);
			it->text = S_content(g);
			it->line = S_line(g);
			v = S_prop(g, "dimensions");
			S_split(v, &it->dims);
			free(v);
			v = S_prop(g, "types");
			S_split(v, &it->types);
			free(v);
			v = S_prop(g, "focus");
			S_split(v, &it->focus);
			free(v);
		}
	}
	if (lib->dim_reason == NULL)
		lib->dim_reason = cv_strdup("{dimension}");
	if (lib->type_reason == NULL)
		lib->type_reason = cv_strdup("{type}");
}

static void
S_check_template(struct loader *ld, const char *tmpl, const char *owner,
    long line)
{
	const char *p;
	size_t n;
	char name[64];

	for (p = tmpl; (p = strchr(p, '{')) != NULL; p++) {
		if ((n = S_placeholder(p + 1)) == 0 ||
		    S_placeholder_known(p + 1, n))
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)n, p + 1);
		diag_add(ld->d, D_POLICY_PLACEHOLDER, ld->lib->path, line, 0,
		    name, owner);
		ld->errors++;
	}
}

/* Cross-reference checks once everything is read. */
static void
S_check(struct loader *ld)
{
	struct pol_library *lib = ld->lib;
	struct rule *r;
	size_t i, k, p;
	char *used;

	used = cv_calloc(lib->n_policies + 1, 1);
	for (i = 0; i < lib->n_rules; i++) {
		r = &lib->rules[i];
		for (k = 0; k < r->policies.n; k++) {
			for (p = 0; p < lib->n_policies; p++)
				if (strcmp(lib->policies[p].key,
				    r->policies.v[k]) == 0)
					break;
			if (p == lib->n_policies) {
				diag_add(ld->d, D_POLICY_UNKNOWN_POLICY,
				    lib->path, r->line, 0, r->key,
				    r->policies.v[k]);
				ld->errors++;
			} else
				used[p] = 1;
			r->pidx[k] = p;
		}
		S_check_template(ld, r->reason, r->key, r->reason_line);
	}
	if (lib->dim_reason != NULL)
		S_check_template(ld, lib->dim_reason, "dimension-reason",
		    lib->dim_reason_line);
	if (lib->type_reason != NULL)
		S_check_template(ld, lib->type_reason, "type-reason",
		    lib->type_reason_line);
	for (p = 0; p < lib->n_policies; p++)
		if (!used[p])
			diag_add(ld->d, D_POLICY_UNUSED, lib->path,
			    lib->policies[p].line, 0, lib->policies[p].key);
	free(used);
}

static void
S_build(struct loader *ld, xmlDoc *doc)
{
	xmlNode *root, *c;
	char *v;

	root = xmlDocGetRootElement(doc);
	if (root == NULL || !S_is(root, "policy-library")) {
		diag_add(ld->d, D_POLICY_INVALID, ld->lib->path,
		    root != NULL ? S_line(root) : 0, 0,
		    "the root element must be <policy-library>");
		ld->errors++;
		return;
	}
	v = S_prop(root, "lang");
	ld->lib->lang = v != NULL ? v : cv_strdup("");
	for (c = root->children; c != NULL; c = c->next) {
		if (S_is(c, "labels") && ld->lib->labels == NULL)
			S_load_labels(ld, c);
		else if (S_is(c, "policies") && ld->lib->policies == NULL)
			S_load_policies(ld, c);
		else if (S_is(c, "rules") && ld->lib->rules == NULL)
			S_load_rules(ld, c);
		else if (S_is(c, "checklist") && ld->lib->items == NULL)
			S_load_checklist(ld, c);
	}
	if (ld->lib->policies == NULL || ld->lib->rules == NULL) {
		diag_add(ld->d, D_POLICY_INVALID, ld->lib->path, S_line(root),
		    0, "<policies> and <rules> are required");
		ld->errors++;
		return;
	}
	S_check(ld);
}

struct pol_library *
pol_load(const char *path, const char *xsd_path, struct diag *d)
{
	static const struct xml_msgs msgs = { D_POLICY_IO, D_POLICY_XML,
	    D_POLICY_SCHEMA, D_POLICY_DOCTYPE, D_POLICY_XSD };
	struct pol_library *lib;
	struct loader ld;
	xmlDoc *doc;

	if ((doc = xml_load(path, xsd_path, &msgs, d)) == NULL)
		return NULL;

	lib = cv_calloc(1, sizeof(*lib));
	lib->path = cv_strdup(path);
	ld.lib = lib;
	ld.d = d;
	ld.errors = 0;
	S_build(&ld, doc);
	xmlFreeDoc(doc);
	if (ld.errors > 0) {
		pol_free(lib);
		return NULL;
	}
	return lib;
}

void
pol_free(struct pol_library *lib)
{
	size_t i, k;

	if (lib == NULL)
		return;
	for (i = 0; i < lib->n_labels; i++) {
		free(lib->labels[i].kind);
		free(lib->labels[i].key);
		free(lib->labels[i].text);
	}
	free(lib->labels);
	for (i = 0; i < lib->n_policies; i++) {
		free(lib->policies[i].key);
		free(lib->policies[i].category);
		free(lib->policies[i].title);
		free(lib->policies[i].text);
	}
	free(lib->policies);
	for (i = 0; i < lib->n_rules; i++) {
		free(lib->rules[i].key);
		S_list_free(&lib->rules[i].policies);
		free(lib->rules[i].pidx);
		for (k = 0; k < lib->rules[i].n_when; k++) {
			size_t c;

			for (c = 0; c < C__N; c++)
				S_list_free(&lib->rules[i].when[k].c[c]);
		}
		free(lib->rules[i].when);
		free(lib->rules[i].reason);
	}
	free(lib->rules);
	for (i = 0; i < lib->n_cats; i++)
		free(lib->cats[i].key);
	free(lib->cats);
	for (i = 0; i < lib->n_items; i++) {
		free(lib->items[i].key);
		free(lib->items[i].owner);
		free(lib->items[i].text);
		S_list_free(&lib->items[i].dims);
		S_list_free(&lib->items[i].types);
		S_list_free(&lib->items[i].focus);
	}
	free(lib->items);
	S_list_free(&lib->check_types);
	free(lib->dim_reason);
	free(lib->type_reason);
	free(lib->lang);
	free(lib->path);
	free(lib);
}

const char *
pol_lang(const struct pol_library *lib)
{
	return lib->lang;
}

void
pol_policy_at(const struct pol_library *lib, size_t i, const char **key,
    const char **category, const char **title, const char **text,
    int *priority)
{
	const struct policy *p = &lib->policies[i];

	if (key != NULL)
		*key = p->key;
	if (category != NULL)
		*category = p->category;
	if (title != NULL)
		*title = p->title;
	if (text != NULL)
		*text = p->text;
	if (priority != NULL)
		*priority = p->priority;
}

void
pol_item_at(const struct pol_library *lib, size_t i, const char **key,
    const char **category, const char **owner, const char **text,
    int *due_days)
{
	const struct item *it = &lib->items[i];

	if (key != NULL)
		*key = it->key;
	if (category != NULL)
		*category = lib->cats[it->cat].key;
	if (owner != NULL)
		*owner = it->owner;
	if (text != NULL)
		*text = it->text;
	if (due_days != NULL)
		*due_days = it->due_days;
}

void
pol_counts(const struct pol_library *lib, size_t *n_policies, size_t *n_rules,
    size_t *n_items)
{
	if (n_policies != NULL)
		*n_policies = lib->n_policies;
	if (n_rules != NULL)
		*n_rules = lib->n_rules;
	if (n_items != NULL)
		*n_items = lib->n_items;
}

/* ---- matching ---- */

/* First of keys[0..n) that is in l, or NULL. */
static const char *
S_any_in(const struct keylist *l, const char *const *keys, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (keys[i] != NULL && S_list_has(l, keys[i]))
			return keys[i];
	return NULL;
}

static int
S_when_match(const struct when *w, const struct pol_facts *f,
    const char **flag, const char **dim)
{
	*flag = *dim = NULL;
	if (w->n_cond == 0)
		return 0;
	if (w->c[C_TIER].n > 0 && !S_list_has(&w->c[C_TIER], f->tier))
		return 0;
	if (w->c[C_QUADRANT].n > 0 &&
	    !S_list_has(&w->c[C_QUADRANT], f->quadrant))
		return 0;
	if (w->c[C_LIFECYCLE].n > 0 &&
	    !S_list_has(&w->c[C_LIFECYCLE], f->lifecycle))
		return 0;
	if (w->c[C_VALUE].n > 0 && !S_list_has(&w->c[C_VALUE], f->value_group))
		return 0;
	if (w->c[C_TYPE].n > 0 &&
	    !S_list_has(&w->c[C_TYPE], f->customer_type))
		return 0;
	if (w->c[C_UNLESS_FLAG].n > 0 &&
	    S_any_in(&w->c[C_UNLESS_FLAG], f->flags, f->n_flags) != NULL)
		return 0;
	if (w->c[C_FLAG].n > 0 &&
	    (*flag = S_any_in(&w->c[C_FLAG], f->flags, f->n_flags)) == NULL)
		return 0;
	if (w->c[C_WEAK].n > 0 &&
	    (*dim = S_any_in(&w->c[C_WEAK], f->weak_dims, f->n_weak)) == NULL)
		return 0;
	return 1;
}

/* The most specific matching <when> of r, or NULL. */
static const struct when *
S_rule_match(const struct rule *r, const struct pol_facts *f,
    const char **flag, const char **dim)
{
	const struct when *best = NULL;
	const char *fl, *dm;
	size_t k;

	*flag = *dim = NULL;
	for (k = 0; k < r->n_when; k++) {
		if (!S_when_match(&r->when[k], f, &fl, &dm))
			continue;
		if (best == NULL || r->when[k].n_cond > best->n_cond) {
			best = &r->when[k];
			*flag = fl;
			*dim = dm;
		}
	}
	return best;
}

size_t
pol_matching_rules(const struct pol_library *lib, const struct pol_facts *f,
    const char **out, size_t max)
{
	const char *fl, *dm;
	size_t i, n = 0;

	for (i = 0; i < lib->n_rules; i++) {
		if (S_rule_match(&lib->rules[i], f, &fl, &dm) == NULL)
			continue;
		if (n < max)
			out[n] = lib->rules[i].key;
		n++;
	}
	return n;
}

struct cand {
	int hit;
	size_t spec;		/* conditions in the winning <when> */
	size_t rule;		/* index of the rule giving the reason */
	size_t last_rule;	/* rule index + 1 that last counted this policy */
	size_t n_rules;
	const char *flag, *dim;
};

struct sortkey {
	int pri;
	const char *key;
	size_t idx;
};

static int
S_cmp_sortkey(const void *a, const void *b)
{
	const struct sortkey *x = a, *y = b;

	if (x->pri != y->pri)
		return x->pri < y->pri ? -1 : 1;
	return strcmp(x->key, y->key);
}

size_t
pol_recommend(const struct pol_library *lib, const struct pol_facts *f,
    struct pol_rec *out, size_t max)
{
	const struct when *w;
	const struct policy *p;
	const struct rule *r;
	struct cand *c;
	struct sortkey *sk;
	struct pol_rec *o;
	const char *fl, *dm;
	size_t i, k, n = 0, pi;

	c = cv_calloc(lib->n_policies + 1, sizeof(*c));
	for (i = 0; i < lib->n_rules; i++) {
		r = &lib->rules[i];
		if ((w = S_rule_match(r, f, &fl, &dm)) == NULL)
			continue;
		for (k = 0; k < r->policies.n; k++) {
			pi = r->pidx[k];
			if (pi >= lib->n_policies || c[pi].last_rule == i + 1)
				continue;
			c[pi].last_rule = i + 1;
			c[pi].n_rules++;
			if (!c[pi].hit || w->n_cond > c[pi].spec) {
				c[pi].hit = 1;
				c[pi].spec = w->n_cond;
				c[pi].rule = i;
				c[pi].flag = fl;
				c[pi].dim = dm;
			}
		}
	}
	sk = cv_calloc(lib->n_policies + 1, sizeof(*sk));
	for (i = 0; i < lib->n_policies; i++) {
		if (!c[i].hit)
			continue;
		sk[n].pri = lib->policies[i].priority;
		sk[n].key = lib->policies[i].key;
		sk[n].idx = i;
		n++;
	}
	qsort(sk, n, sizeof(*sk), S_cmp_sortkey);
	for (i = 0; i < n && i < max; i++) {
		pi = sk[i].idx;
		p = &lib->policies[pi];
		o = &out[i];
		o->key = p->key;
		o->category = p->category;
		o->category_label = pol_label(lib, "policy-category",
		    p->category);
		o->title = p->title;
		o->text = p->text;
		o->priority = p->priority;
		o->rule = lib->rules[c[pi].rule].key;
		o->n_rules = c[pi].n_rules;
		S_fill(lib, lib->rules[c[pi].rule].reason, f, c[pi].flag,
		    c[pi].dim, o->reason);
	}
	free(sk);
	free(c);
	return n;
}

size_t
pol_segment(const struct pol_library *lib, const char *kind, const char *key,
    struct pol_rec *out, size_t max)
{
	struct pol_facts f;
	const char *one[1];

	memset(&f, 0, sizeof(f));
	one[0] = key;
	if (S_streq(kind, "tier"))
		f.tier = key;
	else if (S_streq(kind, "quadrant"))
		f.quadrant = key;
	else if (S_streq(kind, "lifecycle"))
		f.lifecycle = key;
	else if (S_streq(kind, "value-group"))
		f.value_group = key;
	else if (S_streq(kind, "customer-type"))
		f.customer_type = key;
	else if (S_streq(kind, "flag")) {
		f.flags = one;
		f.n_flags = 1;
	} else if (S_streq(kind, "dimension")) {
		f.weak_dims = one;
		f.n_weak = 1;
	} else
		return 0;
	return pol_recommend(lib, &f, out, max);
}

/* ---- checklist ---- */

struct pick {
	size_t idx;
	size_t cat;		/* sort keys: category position, then item key */
	const char *key;
	const char *dim;	/* NULL = chosen for the type */
};

/* Items already picked in category cat. */
static size_t
S_cat_count(const struct pol_library *lib, const struct pick *pk, size_t n,
    size_t cat)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		if (lib->items[pk[i].idx].cat == cat)
			c++;
	return c;
}

static int
S_suits(const struct item *it, const char *type)
{
	return it->types.n == 0 || S_list_has(&it->types, type);
}

/*
 * Best unpicked item for dimension dim, or (size_t)-1: one that lists dim
 * first, then one meant for the type, then one from the category with the
 * fewest picks so far, then file order.
 */
static size_t
S_best_for_dim(const struct pol_library *lib, const char *type,
    const char *dim, const char *picked, const struct pick *pk, size_t n)
{
	const struct item *it;
	size_t i, best = (size_t)-1, rank, best_rank = (size_t)-1;

	for (i = 0; i < lib->n_items; i++) {
		it = &lib->items[i];
		if (picked[i] || !S_list_has(&it->dims, dim) ||
		    !S_suits(it, type))
			continue;
		rank = (strcmp(it->dims.v[0], dim) == 0 ? 0 : 2000) +
		    (S_list_has(&it->focus, type) ? 0 : 1000) +
		    S_cat_count(lib, pk, n, it->cat);
		if (best == (size_t)-1 || rank < best_rank) {
			best_rank = rank;
			best = i;
		}
	}
	return best;
}

/*
 * Best unpicked item meant for the type, or (size_t)-1: from the category
 * with the fewest picks so far, then the one meant for the fewest types
 * (the most specific), then file order.
 */
static size_t
S_best_for_type(const struct pol_library *lib, const char *type,
    const char *picked, const struct pick *pk, size_t n)
{
	const struct item *it;
	size_t i, best = (size_t)-1, rank, best_rank = (size_t)-1;

	for (i = 0; i < lib->n_items; i++) {
		it = &lib->items[i];
		if (picked[i] || !S_list_has(&it->focus, type) ||
		    !S_suits(it, type))
			continue;
		rank = S_cat_count(lib, pk, n, it->cat) * 100 + it->focus.n;
		if (best == (size_t)-1 || rank < best_rank) {
			best_rank = rank;
			best = i;
		}
	}
	return best;
}

static void
S_pick(const struct pol_library *lib, char *picked, struct pick *pk,
    size_t *n, size_t idx, const char *dim)
{
	picked[idx] = 1;
	pk[*n].idx = idx;
	pk[*n].cat = lib->items[idx].cat;
	pk[*n].key = lib->items[idx].key;
	pk[*n].dim = dim;
	(*n)++;
}

static void
S_pick_dims(const struct pol_library *lib, const struct pol_facts *f,
    char *picked, struct pick *pk, size_t *n, size_t limit)
{
	size_t k, b;
	int progress = 1;

	while (*n < limit && progress) {
		progress = 0;
		for (k = 0; k < f->n_weak && *n < limit; k++) {
			if (f->weak_dims[k] == NULL)
				continue;
			b = S_best_for_dim(lib, f->customer_type,
			    f->weak_dims[k], picked, pk, *n);
			if (b == (size_t)-1)
				continue;
			S_pick(lib, picked, pk, n, b, f->weak_dims[k]);
			progress = 1;
		}
	}
}

static int
S_cmp_pick(const void *a, const void *b)
{
	const struct pick *x = a, *y = b;

	if (x->cat != y->cat)
		return x->cat < y->cat ? -1 : 1;
	return strcmp(x->key, y->key);
}

size_t
pol_checklist(const struct pol_library *lib, const struct pol_facts *f,
    struct pol_check_item *out, size_t max)
{
	const char *type = f->customer_type;
	const struct item *it;
	struct pol_check_item *o;
	struct pick *pk;
	char *picked;
	size_t i, b, n = 0, n_focus = 0, reserve, cap;

	if (type == NULL || !S_list_has(&lib->check_types, type) ||
	    lib->n_items == 0)
		return 0;
	cap = lib->max_items;
	picked = cv_calloc(lib->n_items, 1);
	pk = cv_calloc(lib->n_items, sizeof(*pk));
	for (i = 0; i < lib->n_items; i++) {
		it = &lib->items[i];
		if (S_list_has(&it->focus, type) && S_suits(it, type))
			n_focus++;
	}
	reserve = lib->type_items < n_focus ? lib->type_items : n_focus;
	if (reserve > cap)
		reserve = cap;
	S_pick_dims(lib, f, picked, pk, &n, cap - reserve);
	while (n < cap && (b = S_best_for_type(lib, type, picked, pk, n)) !=
	    (size_t)-1)
		S_pick(lib, picked, pk, &n, b, NULL);
	S_pick_dims(lib, f, picked, pk, &n, cap);

	qsort(pk, n, sizeof(*pk), S_cmp_pick);
	for (i = 0; i < n && i < max; i++) {
		it = &lib->items[pk[i].idx];
		o = &out[i];
		o->key = it->key;
		o->category = lib->cats[it->cat].key;
		o->category_label = pol_label(lib, "category", o->category);
		o->text = it->text;
		o->owner_key = it->owner;
		o->owner = pol_label(lib, "role", it->owner);
		o->due_days = it->due_days;
		o->dimension = pk[i].dim;
		S_fill(lib, pk[i].dim != NULL ? lib->dim_reason :
		    lib->type_reason, f, NULL, pk[i].dim, o->reason);
	}
	free(pk);
	free(picked);
	return n;
}

/* ---- comparing two libraries ---- */

struct entry {
	int what;		/* index into S_what */
	char *key;
	char *sig;		/* what must agree besides the key */
	long line;
};

enum { W_POLICY, W_RULE, W_CATEGORY, W_ITEM, W_LABEL, W_CHECKLIST, W__N };

static const char *const S_what[W__N][3] = {	/* by enum diag_lang */
	{ "政策", "政策", "policy" },
	{ "规则", "規則", "rule" },
	{ "支援类别", "支援類別", "checklist category" },
	{ "清单项", "清單項目", "checklist item" },
	{ "标签", "標籤", "label" },
	{ "清单设置", "清單設定", "checklist settings" },
};

static void
S_entry(struct entry **v, size_t *n, size_t *cap, int what, char *key,
    char *sig, long line)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		*v = cv_realloc(*v, *cap * sizeof(**v));
	}
	(*v)[*n].what = what;
	(*v)[*n].key = key;
	(*v)[*n].sig = sig;
	(*v)[*n].line = line;
	(*n)++;
}

static size_t
S_entries(const struct pol_library *lib, struct entry **out)
{
	struct entry *v = NULL;
	size_t n = 0, cap = 0, i, k, c;
	struct buf b;
	const struct rule *r;
	const struct item *it;

	buf_init(&b);
	for (i = 0; i < lib->n_policies; i++) {
		buf_reset(&b);
		buf_printf(&b, "category=%s priority=%d",
		    lib->policies[i].category, lib->policies[i].priority);
		S_entry(&v, &n, &cap, W_POLICY,
		    cv_strdup(lib->policies[i].key), cv_strdup(b.data),
		    lib->policies[i].line);
	}
	for (i = 0; i < lib->n_rules; i++) {
		r = &lib->rules[i];
		buf_reset(&b);
		buf_puts(&b, "policies=\"");
		S_list_join(&b, &r->policies);
		buf_puts(&b, "\"");
		for (k = 0; k < r->n_when; k++) {
			buf_puts(&b, " when(");
			for (c = 0; c < C__N; c++) {
				if (r->when[k].c[c].n == 0)
					continue;
				buf_printf(&b, "%s=\"", S_cond_attr[c]);
				S_list_join(&b, &r->when[k].c[c]);
				buf_puts(&b, "\"");
			}
			buf_puts(&b, ")");
		}
		S_entry(&v, &n, &cap, W_RULE, cv_strdup(r->key),
		    cv_strdup(b.data), r->line);
	}
	for (i = 0; i < lib->n_cats; i++) {
		buf_reset(&b);
		buf_printf(&b, "position=%zu", i + 1);
		S_entry(&v, &n, &cap, W_CATEGORY, cv_strdup(lib->cats[i].key),
		    cv_strdup(b.data), lib->cats[i].line);
	}
	for (i = 0; i < lib->n_items; i++) {
		it = &lib->items[i];
		buf_reset(&b);
		buf_printf(&b, "category=%s owner=%s due-days=%d dimensions=\"",
		    lib->cats[it->cat].key, it->owner, it->due_days);
		S_list_join(&b, &it->dims);
		buf_puts(&b, "\" types=\"");
		S_list_join(&b, &it->types);
		buf_puts(&b, "\" focus=\"");
		S_list_join(&b, &it->focus);
		buf_puts(&b, "\"");
		S_entry(&v, &n, &cap, W_ITEM, cv_strdup(it->key),
		    cv_strdup(b.data), it->line);
	}
	for (i = 0; i < lib->n_labels; i++) {
		buf_reset(&b);
		buf_printf(&b, "%s/%s", lib->labels[i].kind,
		    lib->labels[i].key);
		S_entry(&v, &n, &cap, W_LABEL, cv_strdup(b.data),
		    cv_strdup(""), lib->labels[i].line);
	}
	buf_reset(&b);
	buf_printf(&b, "max-items=%zu type-items=%zu types=\"",
	    lib->max_items, lib->type_items);
	S_list_join(&b, &lib->check_types);
	buf_puts(&b, "\"");
	S_entry(&v, &n, &cap, W_CHECKLIST, cv_strdup("checklist"),
	    cv_strdup(b.data), 0);
	buf_free(&b);
	*out = v;
	return n;
}

static const struct entry *
S_find_entry(const struct entry *v, size_t n, const struct entry *e)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].what == e->what && strcmp(v[i].key, e->key) == 0)
			return &v[i];
	return NULL;
}

int
pol_same_keys(const struct pol_library *a, const struct pol_library *b,
    struct diag *d)
{
	struct entry *va, *vb;
	const struct entry *m;
	size_t na, nb, i;
	int missing = 0;
	char detail[1024];

	na = S_entries(a, &va);
	nb = S_entries(b, &vb);
	for (i = 0; i < na; i++) {
		m = S_find_entry(vb, nb, &va[i]);
		if (m == NULL) {
			diag_add(d, D_POLICY_KEY_MISSING, a->path, va[i].line,
			    0, S_what[va[i].what][d->lang], va[i].key,
			    a->path, b->path);
			missing++;
		} else if (strcmp(m->sig, va[i].sig) != 0) {
			snprintf(detail, sizeof(detail), "%s | %s", va[i].sig,
			    m->sig);
			diag_add(d, D_POLICY_DIFFERS, a->path, va[i].line, 0,
			    S_what[va[i].what][d->lang], va[i].key, a->path,
			    b->path, detail);
		}
	}
	for (i = 0; i < nb; i++) {
		if (S_find_entry(va, na, &vb[i]) != NULL)
			continue;
		diag_add(d, D_POLICY_KEY_MISSING, b->path, vb[i].line, 0,
		    S_what[vb[i].what][d->lang], vb[i].key, b->path, a->path);
		missing++;
	}
	for (i = 0; i < na; i++) {
		free(va[i].key);
		free(va[i].sig);
	}
	for (i = 0; i < nb; i++) {
		free(vb[i].key);
		free(vb[i].sig);
	}
	free(va);
	free(vb);
	return missing;
}
