/* render_xml.c: the XML archive record, streamed with xmlTextWriter (schema: templates/report.xsd). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "labels.h"
#include "policy.h"
#include "prior.h"
#include "recommend.h"
#include "render.h"
#include "util.h"

#define REPORT_FORMAT_VERSION "1"

/* Writer state: the first failure sticks, later calls do nothing. */
struct xw {
	xmlTextWriterPtr w;
	int err;
};

/* Text must be valid XML characters; replace anything else with '?'. */
static const xmlChar *
S_clean(const char *s, struct buf *b)
{
	const char *p = s, *end = s + strlen(s), *q;
	long cp;

	if (cv_utf8_valid(s, (size_t)(end - s)))
		return (const xmlChar *)s;
	buf_reset(b);
	while (p < end) {
		q = p;
		cp = cv_utf8_next(&p, end);
		if (cp < 0) {
			buf_add(b, "?", 1);
			p = q + 1;
		} else if ((cp < 0x20 && cp != '\t' && cp != '\n' &&
		    cp != '\r') || cp == 0xFFFE || cp == 0xFFFF)
			buf_add(b, "?", 1);
		else
			buf_add(b, q, (size_t)(p - q));
	}
	buf_add(b, "", 0);
	return (const xmlChar *)b->data;
}

static void
S_start(struct xw *x, const char *name)
{
	if (!x->err && xmlTextWriterStartElement(x->w, (const xmlChar *)name) < 0)
		x->err = 1;
}

static void
S_end(struct xw *x)
{
	if (!x->err && xmlTextWriterEndElement(x->w) < 0)
		x->err = 1;
}

static void
S_attr(struct xw *x, const char *name, const char *v)
{
	struct buf b;

	if (x->err)
		return;
	buf_init(&b);
	if (xmlTextWriterWriteAttribute(x->w, (const xmlChar *)name,
	    S_clean(v != NULL ? v : "", &b)) < 0)
		x->err = 1;
	buf_free(&b);
}

static void
S_attr_money(struct xw *x, const char *name, int64_t v)
{
	char b[32];

	S_attr(x, name, cv_money_str(v, b));
}

static void
S_attr_num(struct xw *x, const char *name, double v, int dec)
{
	char b[64];

	if (!isnan(v))
		S_attr(x, name, cv_fixed(v, dec, b));
}

static void
S_attr_size(struct xw *x, const char *name, uint64_t v)
{
	char b[32];

	snprintf(b, sizeof(b), "%llu", (unsigned long long)v);
	S_attr(x, name, b);
}

static void
S_attr_date(struct xw *x, const char *name, int32_t day)
{
	char b[16];

	if (day != CV_DATE_NONE)
		S_attr(x, name, cv_date_str(day, b));
}

static void
S_text(struct xw *x, const char *s)
{
	struct buf b;

	if (x->err)
		return;
	buf_init(&b);
	if (xmlTextWriterWriteString(x->w, S_clean(s, &b)) < 0)
		x->err = 1;
	buf_free(&b);
}

static void
S_elem(struct xw *x, const char *name, const char *text)
{
	S_start(x, name);
	S_text(x, text);
	S_end(x);
}

static void
S_elem_num(struct xw *x, const char *name, double v, int dec)
{
	char b[64];

	S_elem(x, name, isnan(v) ? "NaN" : cv_fixed(v, dec, b));
}

static void
S_run(struct xw *x, const struct report *r)
{
	const struct config *cfg = r->cfg;
	const struct model *m = r->m;
	char b[16];
	int y;

	S_start(x, "run");
	S_attr(x, "tool-version", r->version);
	S_attr(x, "as-of", cv_date_str(m->as_of, b));
	S_attr(x, "window-start", cv_date_str(m->window_start, b));
	S_attr_size(x, "cycle-years", (uint64_t)m->cycle_years);
	S_attr(x, "granularity", cfg->granularity);
	S_attr(x, "lang", diag_lang_code(cfg->lang));
	S_attr(x, "title", cfg->title);
	S_attr(x, "client", cfg->client);
	S_attr(x, "consultant", cfg->consultant);
	S_attr(x, "config-sha256", r->config_sha256);
	for (y = 0; y < m->cycle_years; y++) {
		int32_t start = cv_days_from_civil((m->first_month + 12 * y) / 12,
		    (m->first_month + 12 * y) % 12 + 1, 1);
		int32_t next = cv_days_from_civil((m->first_month + 12 * y + 12) /
		    12, (m->first_month + 12 * y + 12) % 12 + 1, 1);
		S_start(x, "cycle-year");
		S_attr_size(x, "index", (uint64_t)(y + 1));
		S_attr_date(x, "start", start);
		S_attr_date(x, "end", next - 1 > m->as_of ? m->as_of : next - 1);
		S_attr_num(x, "weight", cfg->year_weights[y], 6);
		S_end(x);
	}
	S_end(x);
}

static void
S_inputs(struct xw *x, const struct report *r)
{
	const struct model *m = r->m;
	size_t i;

	S_start(x, "inputs");
	for (i = 0; i < m->n_inputs; i++) {
		const struct input_stats *in = &m->inputs[i];
		S_start(x, "input");
		S_attr(x, "kind", in->kind);
		S_attr(x, "path", in->path);
		S_attr(x, "sha256", in->sha256);
		S_attr(x, "encoding", in->encoding);
		S_attr_size(x, "rows-read", in->rows_read);
		S_attr_size(x, "rows-accepted", in->rows_accepted);
		S_attr_size(x, "rows-rejected", in->rows_rejected);
		S_attr_size(x, "rows-outside-window", in->rows_outside);
		S_attr_money(x, "amount", in->amount_total);
		if (strcmp(in->kind, "sales") == 0)
			S_attr_money(x, "cost", in->cost_total);
		S_attr_date(x, "date-min", in->date_min);
		S_attr_date(x, "date-max", in->date_max);
		S_end(x);
	}
	S_end(x);
	S_start(x, "totals");
	S_attr_money(x, "revenue", m->revenue_total);
	S_attr_money(x, "cost", m->cost_total);
	S_attr_money(x, "payments", m->payments_total);
	S_attr_money(x, "revenue-in-window", m->revenue_in_window);
	S_attr_money(x, "gross-profit-in-window", r->ev->gp_cycle);
	S_end(x);
	S_start(x, "data-quality");
	for (i = 0; i < m->n_reasons; i++) {
		S_start(x, "reject");
		S_attr(x, "kind", m->reasons[i].kind);
		S_attr(x, "reason", diag_name(m->reasons[i].id));
		S_attr_size(x, "count", m->reasons[i].count);
		S_text(x, m->reasons[i].text);
		S_end(x);
	}
	S_end(x);
}

static void
S_method(struct xw *x, const struct report *r)
{
	const struct evaluation *ev = r->ev;
	const struct config *cfg = r->cfg;
	size_t i;

	S_start(x, "method");
	S_attr(x, "normalization", cfg->normalization);
	S_attr(x, "weighting", cfg->weighting);
	S_attr(x, "weighting-note", ev->weighting_note);
	S_attr(x, "scoring", cfg->scoring);
	S_attr(x, "tier-scheme", cfg->tier_scheme);
	S_attr(x, "quadrant-x", cfg->quad_x);
	S_attr(x, "quadrant-y", cfg->quad_y);
	S_attr(x, "quadrant-split", cfg->quad_split);
	S_attr_num(x, "x-split", ev->x_split, 6);
	S_attr_num(x, "y-split", ev->y_split, 6);
	if (ev->pareto_measure != NULL)
		S_attr(x, "pareto-measure", ev->pareto_measure);
	if (strcmp(cfg->weighting, "ahp") == 0) {
		S_start(x, "ahp");
		S_attr_num(x, "lambda-max", ev->ahp_lambda, 6);
		S_attr_num(x, "ci", ev->ahp_ci, 6);
		S_attr_num(x, "cr", ev->ahp_cr, 6);
		S_attr_num(x, "ri", ev->ahp_ri, 6);
		S_attr(x, "ri-table", cfg->ri_table);
		S_end(x);
	}
	for (i = 0; i < ev->n_ind; i++) {
		const struct ind_info *in = &ev->ind[i];
		S_start(x, "indicator");
		S_attr(x, "key", in->key);
		S_attr(x, "direction", in->dir > 0 ? "benefit" : "cost");
		S_attr(x, "unit", in->unit);
		S_attr(x, "needs", in->needs);
		S_attr_num(x, "configured-weight", in->weight_cfg, 6);
		S_attr_num(x, "weight", in->weight, 6);
		S_attr_size(x, "customers-with-data", in->n_data);
		S_attr(x, "status", in->excluded ? "no-data" :
		    in->weight > 0 ? "used" : "reference");
		S_attr_num(x, "mean", in->mean, 6);
		S_attr_num(x, "min", in->min, 6);
		S_attr_num(x, "max", in->max, 6);
		if (in->norm != NULL)
			S_attr(x, "normalization", in->norm);
		S_end(x);
	}
	S_end(x);
}

static void
S_summary(struct xw *x, const struct report *r)
{
	const struct evaluation *ev = r->ev;
	size_t i;

	S_start(x, "summary");
	S_attr_size(x, "customers", ev->n);
	S_attr_size(x, "customers-with-sales", ev->n_evaluated);
	S_attr_money(x, "revenue", ev->revenue_cycle);
	S_attr_money(x, "gross-profit", ev->gp_cycle);
	S_attr_num(x, "top20-revenue-share", ev->top20_revenue_share, 6);
	S_attr_num(x, "top20-profit-share", ev->top20_gp_share, 6);
	S_attr_size(x, "customers-younger-than-cycle", ev->n_younger);
	S_end(x);
	S_start(x, "tiers");
	for (i = 0; i < ev->n_tiers; i++) {
		const struct tier_info *t = &ev->tiers[i];
		S_start(x, "tier");
		S_attr(x, "key", t->key);
		S_attr_size(x, "customers", t->count);
		S_attr_num(x, "min-score", t->min_score, 6);
		S_attr_num(x, "max-score", t->max_score, 6);
		S_attr_money(x, "revenue", t->revenue);
		S_attr_money(x, "gross-profit", t->gp);
		S_attr_num(x, "share", t->share, 6);
		S_attr_num(x, "bound", t->bound, 6);
		S_attr_num(x, "contribution", t->contribution, 6);
		S_end(x);
	}
	S_end(x);
	S_start(x, "quadrants");
	for (i = 0; i < 4; i++) {
		S_start(x, "quadrant");
		S_attr(x, "key", ev->quads[i].key);
		S_attr_size(x, "customers", ev->quads[i].count);
		S_attr_money(x, "revenue", ev->quads[i].revenue);
		S_end(x);
	}
	S_end(x);
	S_start(x, "classes");
	for (i = 0; i < 5; i++) {
		S_start(x, "lifecycle");
		S_attr(x, "key", lifecycle_keys[i]);
		S_attr_size(x, "customers", ev->lifecycle_count[i]);
		S_end(x);
	}
	for (i = 0; i < 4; i++) {
		S_start(x, "value-group");
		S_attr(x, "key", value_group_keys[i]);
		S_attr_size(x, "customers", ev->value_count[i]);
		S_end(x);
	}
	for (i = 0; i < FLAG__COUNT; i++) {
		S_start(x, "risk-flag");
		S_attr(x, "key", flag_key(i));
		S_attr_size(x, "customers", ev->flag_count[i]);
		S_end(x);
	}
	S_end(x);
}

/* A recommendation refers to the library entry by key; the texts are
 * written once, in <policy-library>. */
static void
S_policy(struct xw *x, const struct pol_rec *p)
{
	S_start(x, "policy");
	S_attr(x, "key", p->key);
	S_attr(x, "rule", p->rule);
	S_attr(x, "reason", p->reason);
	S_end(x);
}

static void
S_library(struct xw *x, const struct report *r)
{
	size_t i, np, ni;
	char b[16];

	if (r->pol == NULL)
		return;
	pol_counts(r->pol, &np, NULL, &ni);
	S_start(x, "policy-library");
	S_attr(x, "lang", pol_lang(r->pol));
	for (i = 0; i < np; i++) {
		const char *key, *cat, *title, *text;
		int prio;
		pol_policy_at(r->pol, i, &key, &cat, &title, &text, &prio);
		S_start(x, "policy-text");
		S_attr(x, "key", key);
		S_attr(x, "category", cat);
		snprintf(b, sizeof(b), "%d", prio);
		S_attr(x, "priority", b);
		S_attr(x, "title", title);
		S_text(x, text);
		S_end(x);
	}
	for (i = 0; i < ni; i++) {
		const char *key, *cat, *owner, *text;
		int due;
		pol_item_at(r->pol, i, &key, &cat, &owner, &text, &due);
		S_start(x, "item-text");
		S_attr(x, "key", key);
		S_attr(x, "category", cat);
		S_attr(x, "owner", owner);
		snprintf(b, sizeof(b), "%d", due);
		S_attr(x, "due-days", b);
		S_text(x, text);
		S_end(x);
	}
	S_end(x);
}

static void
S_segments(struct xw *x, const struct report *r)
{
	size_t i, j;

	if (r->rec == NULL)
		return;
	S_start(x, "segments");
	for (i = 0; i < r->rec->n_seg; i++) {
		const struct rec_segment *s = &r->rec->seg[i];
		S_start(x, "segment");
		S_attr(x, "kind", s->kind);
		S_attr(x, "key", s->key);
		S_attr_size(x, "customers", s->customers);
		for (j = 0; j < s->n_pol; j++)
			S_policy(x, &s->pol[j]);
		S_end(x);
	}
	S_end(x);
}

static void
S_customer(struct xw *x, const struct report *r, size_t i)
{
	const struct evaluation *ev = r->ev;
	const struct eval_customer *e = &ev->ec[i];
	const struct customer *c = e->c;
	struct pol_rec pol[REC_MAX_POLICIES];
	struct pol_check_item items[REC_MAX_ITEMS];
	size_t k, n;
	char b[64];
	int y;

	S_start(x, "customer");
	S_attr(x, "id", c->id);
	S_attr(x, "name", c->name);
	S_attr(x, "type", cust_type_key(c->type));
	S_attr(x, "region", c->region);
	S_attr(x, "rep", c->rep);
	S_attr(x, "in-master", c->in_master ? "true" : "false");
	S_attr_size(x, "cycle-years-present", (uint64_t)(e->years > 0 ? e->years : 0));
	S_attr_size(x, "months-present", (uint64_t)(e->months > 0 ? e->months : 0));
	S_elem_num(x, "score", e->score, 6);
	snprintf(b, sizeof(b), "%zu", e->rank);
	S_elem(x, "rank", b);
	S_elem(x, "tier", ev->tiers[e->tier].key);
	S_elem(x, "quadrant", e->quadrant);
	S_elem(x, "lifecycle", e->lifecycle);
	S_elem(x, "value-group", e->value_group);
	S_elem_num(x, "volume", e->volume, 6);
	S_elem_num(x, "loyalty", e->loyalty, 6);
	S_elem(x, "revenue", cv_money_str(e->rev_cycle, b));
	S_elem(x, "gross-profit", cv_money_str(e->gp_cycle, b));
	for (y = 0; y < r->m->cycle_years; y++) {
		S_start(x, "revenue-year");
		S_attr_size(x, "index", (uint64_t)(y + 1));
		S_text(x, cv_money_str(e->rev_year[y], b));
		S_end(x);
	}
	for (k = 0; k < ev->n_ind; k++) {
		if (isnan(e->raw[k]))
			continue;
		S_start(x, "indicator");
		S_attr(x, "key", ev->ind[k].key);
		S_attr_num(x, "raw", e->raw[k], 6);
		S_attr_num(x, "normalized", e->norm[k], 6);
		if (ev->ind[k].weight > 0)
			S_attr_num(x, "points", e->contrib[k], 6);
		S_end(x);
	}
	for (k = 0; k < FLAG__COUNT; k++)
		if (e->flags & (1u << k))
			S_elem(x, "flag", flag_key(k));
	S_start(x, "explanation");
	for (k = 0; k < 3; k++)
		if (e->up[k] >= 0) {
			S_start(x, "raised-by");
			S_attr(x, "indicator", ev->ind[e->up[k]].key);
			S_attr_num(x, "points", e->contrib[e->up[k]], 6);
			S_end(x);
		}
	for (k = 0; k < 3; k++)
		if (e->down[k] >= 0) {
			S_start(x, "lowered-by");
			S_attr(x, "indicator", ev->ind[e->down[k]].key);
			S_attr_num(x, "points", e->contrib[e->down[k]], 6);
			S_end(x);
		}
	S_end(x);
	n = recommend_customer(r->rec, i, pol, REC_MAX_POLICIES);
	for (k = 0; k < n; k++)
		S_policy(x, &pol[k]);
	n = recommend_checklist(r->rec, i, items, REC_MAX_ITEMS);
	if (n > 0) {
		S_start(x, "checklist");
		for (k = 0; k < n; k++) {
			S_start(x, "item");
			S_attr(x, "key", items[k].key);
			S_attr_date(x, "due", r->m->as_of + items[k].due_days);
			if (items[k].dimension != NULL)
				S_attr(x, "dimension", items[k].dimension);
			S_attr(x, "reason", items[k].reason);
			S_end(x);
		}
		S_end(x);
	}
	S_end(x);
}

int
render_xml(const struct report *r, const char *path, struct diag *d)
{
	struct xw x;
	size_t i;

	x.err = 0;
	x.w = xmlNewTextWriterFilename(path, 0);
	if (x.w == NULL) {
		diag_add(d, D_WRITE_FAILED, path, 0L, 0L, path);
		return -1;
	}
	xmlTextWriterSetIndent(x.w, 1);
	xmlTextWriterSetIndentString(x.w, (const xmlChar *)" ");
	if (xmlTextWriterStartDocument(x.w, "1.0", "UTF-8", NULL) < 0)
		x.err = 1;
	S_start(&x, "custeval-report");
	S_attr(&x, "version", REPORT_FORMAT_VERSION);
	S_run(&x, r);
	S_inputs(&x, r);
	S_method(&x, r);
	S_summary(&x, r);
	S_library(&x, r);
	S_segments(&x, r);
	if (r->prior != NULL)
		prior_write_xml(r->prior, x.w, &x.err);
	S_start(&x, "customers");
	for (i = 0; i < r->ev->n; i++)
		S_customer(&x, r, i);
	S_end(&x);
	S_end(&x);
	if (!x.err && xmlTextWriterEndDocument(x.w) < 0)
		x.err = 1;
	xmlFreeTextWriter(x.w);
	if (x.err) {
		diag_add(d, D_WRITE_FAILED, path, 0L, 0L, path);
		return -1;
	}
	return 0;
}
