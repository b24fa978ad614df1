/* config.c: reads XML configuration (default profile, then the user's) into struct config. */
#include <glob.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "config.h"
#include "model.h"
#include "util.h"
#include "xmlsafe.h"

static const char *const S_kind_names[IN__COUNT] = {
	"sales", "payments", "credit", "customers", "assessments"
};

const char *
input_kind_name(enum input_kind k)
{
	return (unsigned)k < IN__COUNT ? S_kind_names[k] : "";
}

static void
S_set(char **dst, const char *v)
{
	free(*dst);
	*dst = v != NULL ? cv_strdup(v) : NULL;
}

void
config_init(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->lang = LANG_ZH_CN;
	c->as_of = CV_DATE_NONE;
	c->cycle_years = 4;
	c->unknown_create = 1;
	c->default_terms = 30;
	c->combine_alpha = 0.5;
	c->sleeping_months = 6;
	c->fast_growth = 0.5;
	c->sharp_decline = -0.5;
	c->fake_big_margin = 0.05;
	c->fake_big_rank_share = 0.2;
	c->late_days = 30;
	S_set(&c->title, "");
	S_set(&c->client, "");
	S_set(&c->consultant, "");
	S_set(&c->logo, "");
	S_set(&c->accent, "#1F4E79");
	S_set(&c->granularity, "month");
	S_set(&c->legacy_encoding, "GB18030");
	S_set(&c->normalization, "minmax");
	S_set(&c->weighting, "manual");
	S_set(&c->scoring, "sum");
	S_set(&c->ahp_matrix, "");
	S_set(&c->ri_table, "saaty");
	S_set(&c->tier_scheme, "share");
	S_set(&c->quad_x, "volume");
	S_set(&c->quad_y, "loyalty");
	S_set(&c->quad_split, "median");
	S_set(&c->policies, "");
	S_set(&c->report_template, "");
	S_set(&c->scorecard_tiers, "A B");
	S_set(&c->out_dir, "out");
}

static void
S_free_input(struct input_cfg *in)
{
	int i;

	for (i = 0; i < in->n_paths; i++)
		free(in->paths[i]);
	for (i = 0; i < in->n_cols; i++) {
		free(in->cols[i].field);
		free(in->cols[i].headers);
		free(in->cols[i].date_format);
	}
	free(in->encoding);
}

void
config_free(struct config *c)
{
	int i;

	free(c->source);
	free(c->title);
	free(c->client);
	free(c->consultant);
	free(c->logo);
	free(c->accent);
	free(c->granularity);
	for (i = 0; i < IN__COUNT; i++)
		S_free_input(&c->in[i]);
	free(c->legacy_encoding);
	free(c->normalization);
	free(c->weighting);
	free(c->scoring);
	free(c->ahp_matrix);
	free(c->ri_table);
	for (i = 0; i < c->n_ind; i++)
		free(c->ind[i].key);
	free(c->tier_scheme);
	for (i = 0; i < c->n_tiers; i++)
		free(c->tiers[i].key);
	free(c->quad_x);
	free(c->quad_y);
	free(c->quad_split);
	free(c->policies);
	free(c->report_template);
	free(c->scorecard_tiers);
	free(c->out_dir);
	memset(c, 0, sizeof(*c));
}

/* Resolve a path written in a config file against that file's folder. */
static char *
S_resolve(const char *base, const char *p)
{
	const char *slash;
	struct buf b;

	if (p == NULL || p[0] == '\0' || p[0] == '/' || base == NULL ||
	    (slash = strrchr(base, '/')) == NULL)
		return cv_strdup(p != NULL ? p : "");
	buf_init(&b);
	buf_add(&b, base, (size_t)(slash - base + 1));
	buf_puts(&b, p);
	return b.data;
}

static const char *
S_attr(xmlNode *n, const char *name)
{
	xmlAttr *a;

	for (a = n->properties; a != NULL; a = a->next)
		if (strcmp((const char *)a->name, name) == 0 &&
		    a->children != NULL && a->children->content != NULL)
			return (const char *)a->children->content;
	return NULL;
}

static void
S_attr_str(xmlNode *n, const char *name, char **dst)
{
	const char *v = S_attr(n, name);

	if (v != NULL)
		S_set(dst, v);
}

static void
S_attr_path(xmlNode *n, const char *name, const char *base, char **dst)
{
	const char *v = S_attr(n, name);

	if (v != NULL) {
		free(*dst);
		*dst = S_resolve(base, v);
	}
}

static void
S_attr_double(xmlNode *n, const char *name, double *dst)
{
	const char *v = S_attr(n, name);

	if (v != NULL)
		*dst = strtod(v, NULL);
}

static void
S_attr_int(xmlNode *n, const char *name, int *dst)
{
	const char *v = S_attr(n, name);

	if (v != NULL)
		*dst = atoi(v);
}

static void
S_attr_bool(xmlNode *n, const char *name, int *dst)
{
	const char *v = S_attr(n, name);

	if (v != NULL)
		*dst = strcmp(v, "true") == 0 || strcmp(v, "1") == 0;
}

static int
S_is(xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE &&
	    strcmp((const char *)n->name, name) == 0;
}

/* Add files for a path that may be a glob pattern (sorted, so deterministic). */
static void
S_add_paths(struct input_cfg *in, const char *p)
{
	glob_t g;
	size_t i;

	if (strpbrk(p, "*?[") != NULL && glob(p, 0, NULL, &g) == 0 &&
	    g.gl_pathc > 0) {
		for (i = 0; i < g.gl_pathc && in->n_paths < CFG_MAX_PATHS; i++)
			in->paths[in->n_paths++] = cv_strdup(g.gl_pathv[i]);
		globfree(&g);
		return;
	}
	if (in->n_paths < CFG_MAX_PATHS)
		in->paths[in->n_paths++] = cv_strdup(p);
}

void
config_set_input(struct config *c, enum input_kind k, const char *path)
{
	struct input_cfg *in = &c->in[k];
	int i;

	for (i = 0; i < in->n_paths; i++)
		free(in->paths[i]);
	in->n_paths = 0;
	S_add_paths(in, path);
}

static void
S_read_input(struct input_cfg *in, xmlNode *n, const char *base)
{
	xmlNode *ch;
	const char *v;
	int i, have_files = 0;

	if ((v = S_attr(n, "path")) != NULL) {
		char *p = S_resolve(base, v);
		for (i = 0; i < in->n_paths; i++)
			free(in->paths[i]);
		in->n_paths = 0;
		have_files = 1;
		S_add_paths(in, p);
		free(p);
	}
	S_attr_str(n, "encoding", &in->encoding);
	if ((v = S_attr(n, "delimiter")) != NULL)
		in->delimiter = strcmp(v, "comma") == 0 ? ',' :
		    strcmp(v, "semicolon") == 0 ? ';' :
		    strcmp(v, "tab") == 0 ? '\t' : 0;
	for (ch = n->children; ch != NULL; ch = ch->next) {
		if (S_is(ch, "file")) {
			char *p = S_resolve(base, S_attr(ch, "path"));
			if (!have_files) {
				for (i = 0; i < in->n_paths; i++)
					free(in->paths[i]);
				in->n_paths = 0;
				have_files = 1;
			}
			S_add_paths(in, p);
			free(p);
		} else if (S_is(ch, "column")) {
			const char *f = S_attr(ch, "field");
			struct col_map *cm = NULL;
			for (i = 0; i < in->n_cols; i++)
				if (strcmp(in->cols[i].field, f) == 0)
					cm = &in->cols[i];
			if (cm == NULL) {
				if (in->n_cols == CFG_MAX_COLS)
					continue;
				cm = &in->cols[in->n_cols++];
				memset(cm, 0, sizeof(*cm));
				cm->field = cv_strdup(f);
			}
			S_attr_str(ch, "header", &cm->headers);
			S_attr_str(ch, "date-format", &cm->date_format);
		}
	}
}

static int
S_apply(struct config *c, xmlNode *root, const char *base, struct diag *d)
{
	xmlNode *n, *ch;
	const char *v;
	int k, i, lang;

	for (n = root->children; n != NULL; n = n->next) {
		if (S_is(n, "report")) {
			S_attr_str(n, "title", &c->title);
			S_attr_str(n, "client", &c->client);
			S_attr_str(n, "consultant", &c->consultant);
			S_attr_path(n, "logo", base, &c->logo);
			S_attr_str(n, "accent", &c->accent);
			if ((v = S_attr(n, "lang")) != NULL &&
			    (lang = diag_lang_parse(v)) >= 0)
				c->lang = (enum diag_lang)lang;
		} else if (S_is(n, "evaluation")) {
			if ((v = S_attr(n, "as-of")) != NULL &&
			    cv_date_parse_iso(v, &c->as_of) != 0) {
				diag_add(d, D_CONFIG_VALUE, base, xmlGetLineNo(n),
				    0L, v, "as-of");
				return -1;
			}
			S_attr_int(n, "cycle-years", &c->cycle_years);
			if ((v = S_attr(n, "year-weights")) != NULL) {
				char *end;
				c->n_year_weights = 0;
				while (c->n_year_weights < 10) {
					double w = strtod(v, &end);
					if (end == v)
						break;
					c->year_weights[c->n_year_weights++] = w;
					v = end;
				}
			}
			S_attr_str(n, "granularity", &c->granularity);
		} else if (S_is(n, "inputs")) {
			S_attr_str(n, "legacy-encoding", &c->legacy_encoding);
			if ((v = S_attr(n, "unknown-customers")) != NULL)
				c->unknown_create = strcmp(v, "create") == 0;
			S_attr_int(n, "default-terms-days", &c->default_terms);
			S_attr_bool(n, "strict", &c->strict);
			for (ch = n->children; ch != NULL; ch = ch->next)
				for (k = 0; k < IN__COUNT; k++)
					if (S_is(ch, S_kind_names[k]))
						S_read_input(&c->in[k], ch, base);
		} else if (S_is(n, "method")) {
			S_attr_str(n, "normalization", &c->normalization);
			S_attr_str(n, "weighting", &c->weighting);
			S_attr_str(n, "scoring", &c->scoring);
			S_attr_double(n, "combine-alpha", &c->combine_alpha);
			S_attr_path(n, "ahp-matrix", base, &c->ahp_matrix);
			S_attr_str(n, "ri-table", &c->ri_table);
			for (ch = n->children; ch != NULL; ch = ch->next) {
				struct indicator_cfg *ic = NULL;
				if (!S_is(ch, "indicator"))
					continue;
				v = S_attr(ch, "key");
				for (i = 0; i < c->n_ind; i++)
					if (strcmp(c->ind[i].key, v) == 0)
						ic = &c->ind[i];
				if (ic == NULL) {
					if (c->n_ind == CFG_MAX_IND)
						continue;
					ic = &c->ind[c->n_ind++];
					ic->key = cv_strdup(v);
					ic->weight = 0;
					ic->enabled = 1;
				}
				S_attr_double(ch, "weight", &ic->weight);
				S_attr_bool(ch, "enabled", &ic->enabled);
				{
					xmlNode *b;
					int seen = 0;
					for (b = ch->children; b != NULL; b = b->next) {
						if (!S_is(b, "band"))
							continue;
						if (!seen) {	/* a band list replaces the old one */
							ic->n_bands = 0;
							seen = 1;
						}
						if (ic->n_bands == CFG_MAX_BANDS)
							continue;
						ic->band_from[ic->n_bands] = 0;
						ic->band_points[ic->n_bands] = 0;
						S_attr_double(b, "from",
						    &ic->band_from[ic->n_bands]);
						S_attr_double(b, "points",
						    &ic->band_points[ic->n_bands]);
						ic->n_bands++;
					}
				}
			}
		} else if (S_is(n, "tiers")) {
			int seen = 0;
			S_attr_str(n, "scheme", &c->tier_scheme);
			for (ch = n->children; ch != NULL; ch = ch->next) {
				struct tier_cfg *t;
				if (!S_is(ch, "tier"))
					continue;
				if (!seen) {	/* a tier list replaces the old one */
					for (i = 0; i < c->n_tiers; i++)
						free(c->tiers[i].key);
					c->n_tiers = 0;
					seen = 1;
				}
				if (c->n_tiers == CFG_MAX_TIERS)
					continue;
				t = &c->tiers[c->n_tiers++];
				memset(t, 0, sizeof(*t));
				t->key = cv_strdup(S_attr(ch, "key"));
				t->cum = 1;
				S_attr_double(ch, "share", &t->share);
				S_attr_double(ch, "cutoff", &t->cutoff);
				S_attr_double(ch, "cumulative", &t->cum);
			}
		} else if (S_is(n, "quadrant")) {
			S_attr_str(n, "x", &c->quad_x);
			S_attr_str(n, "y", &c->quad_y);
			S_attr_str(n, "split", &c->quad_split);
			S_attr_double(n, "x-value", &c->quad_x_value);
			S_attr_double(n, "y-value", &c->quad_y_value);
		} else if (S_is(n, "classes")) {
			S_attr_int(n, "sleeping-months", &c->sleeping_months);
			S_attr_double(n, "fast-growth", &c->fast_growth);
			S_attr_double(n, "sharp-decline", &c->sharp_decline);
			S_attr_double(n, "fake-big-margin", &c->fake_big_margin);
			S_attr_double(n, "fake-big-top-share",
			    &c->fake_big_rank_share);
			S_attr_int(n, "late-days", &c->late_days);
		} else if (S_is(n, "outputs")) {
			S_attr_str(n, "dir", &c->out_dir);
			S_attr_path(n, "policies", base, &c->policies);
			S_attr_path(n, "report-template", base,
			    &c->report_template);
			S_attr_str(n, "scorecard-tiers", &c->scorecard_tiers);
		}
	}
	return 0;
}

static const struct xml_msgs S_msgs = {
	D_OPEN_FAILED, D_CONFIG_INVALID, D_CONFIG_INVALID, D_XML_DOCTYPE,
	D_XSD_OPEN
};

int
config_load(struct config *c, const char *path, const char *xsd_path,
    struct diag *d)
{
	xmlDoc *doc;
	int rc;

	if ((doc = xml_load(path, xsd_path, &S_msgs, d)) == NULL)
		return -1;
	rc = S_apply(c, xmlDocGetRootElement(doc), path, d);
	xmlFreeDoc(doc);
	return rc;
}

int
config_finish(struct config *c, struct diag *d)
{
	const char *src = c->source;
	double sum = 0;
	int i;

	if (c->cycle_years < 1 || c->cycle_years > CV_MAX_YEARS) {
		diag_add(d, D_CONFIG_VALUE, src, 0L, 0L, "cycle-years",
		    "cycle-years");
		return -1;
	}
	/* Year weights: take the most recent cycle_years, oldest first. */
	if (c->n_year_weights < c->cycle_years) {
		/* Not enough given: linear 1..n, recent years weigh more. */
		for (i = 0; i < c->cycle_years; i++)
			c->year_weights[i] = i + 1;
	} else if (c->n_year_weights > c->cycle_years) {
		int off = c->n_year_weights - c->cycle_years;
		memmove(c->year_weights, c->year_weights + off,
		    (size_t)c->cycle_years * sizeof(double));
	}
	c->n_year_weights = c->cycle_years;
	for (i = 0; i < c->cycle_years; i++) {
		if (!(c->year_weights[i] >= 0)) {
			diag_add(d, D_CONFIG_VALUE, src, 0L, 0L, "year-weights",
			    "year-weights");
			return -1;
		}
		sum += c->year_weights[i];
	}
	if (sum <= 0) {
		diag_add(d, D_CONFIG_VALUE, src, 0L, 0L, "year-weights",
		    "year-weights");
		return -1;
	}
	for (i = 0; i < c->cycle_years; i++)
		c->year_weights[i] /= sum;
	if (strcmp(c->tier_scheme, "share") == 0) {
		sum = 0;
		for (i = 0; i < c->n_tiers; i++)
			sum += c->tiers[i].share;
		if (c->n_tiers == 0 || fabs(sum - 1.0) > 1e-6) {
			diag_add(d, D_CONFIG_VALUE, src, 0L, 0L,
			    "tier shares must add up to 1", "tiers");
			return -1;
		}
	}
	if (c->n_tiers == 0) {
		diag_add(d, D_CONFIG_VALUE, src, 0L, 0L, "no tiers", "tiers");
		return -1;
	}
	return 0;
}
