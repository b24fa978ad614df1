/*
 * render_xml.c: the XML archive record (schema: templates/report.xsd).  The
 * document frame is streamed with xmlTextWriter; the customers, nearly all of
 * the file, are formatted here into a reusable buffer and handed to the
 * writer as raw, already escaped chunks.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "labels.h"
#include "policy.h"
#include "prior.h"
#include "recommend.h"
#include "render.h"
#include "render_xml_int.h"
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

/* ---- the customers: own formatting into a byte buffer ---- */

#define S_FLUSH_AT ((size_t)1 << 20)	/* hand over in chunks of ~1 MiB */

static void
S_grow(struct rx_out *o, size_t need)
{
	size_t cap = o->cap ? o->cap : 4096;

	while (cap - o->n < need)
		cap *= 2;
	o->p = cv_realloc(o->p, cap);
	o->cap = cap;
}

/* Room for need more bytes; returns where they go. */
static inline char *
S_room(struct rx_out *o, size_t need)
{
	if (o->cap - o->n < need)
		S_grow(o, need);
	return o->p + o->n;
}

static inline void
S_put(struct rx_out *o, const char *s, size_t n)
{
	if (n == 0)
		return;
	memcpy(S_room(o, n), s, n);
	o->n += n;
}

#define S_LIT(o, lit) S_put((o), (lit), sizeof(lit) - 1)

/*
 * Appends s escaped as XML text (attr 0) or as an attribute value (attr 1),
 * exactly as xmlTextWriter escapes them, after replacing with '?' what is not
 * an XML character (as S_clean does): bytes that are not UTF-8, C0 controls
 * other than tab, LF and CR, U+FFFE and U+FFFF.
 */
void
rx_esc(struct rx_out *o, const char *s, int attr)
{
	const unsigned char *p = (const unsigned char *)s, *end, *run;

	end = p + strlen(s);
	while (p < end) {
		unsigned ch;
		/* A run that needs nothing: printable ASCII but the markup
		 * characters, and three-byte UTF-8 (most CJK) below U+FFFE
		 * that is not a surrogate. */
		for (run = p; p < end; ) {
			ch = *p;
			if (ch >= 0x20 && ch < 0x80) {
				if (ch == '&' || ch == '<' || ch == '>' || ch == '"')
					break;
				p++;
			} else if ((ch & 0xF0) == 0xE0 && end - p >= 3 &&
			    (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
				unsigned cp = (ch & 0x0Fu) << 12 |
				    (p[1] & 0x3Fu) << 6 | (p[2] & 0x3Fu);
				if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF) ||
				    cp >= 0xFFFE)
					break;
				p += 3;
			} else
				break;
		}
		if (p > run)
			S_put(o, (const char *)run, (size_t)(p - run));
		if (p == end)
			break;
		ch = *p;
		if (ch >= 0x80) {
			const char *q = (const char *)p, *r = q;
			long cp = cv_utf8_next(&r, (const char *)end);
			if (cp < 0) {
				S_LIT(o, "?");
				p++;
				continue;
			}
			if (cp == 0xFFFE || cp == 0xFFFF)
				S_LIT(o, "?");
			else
				S_put(o, q, (size_t)(r - q));
			p = (const unsigned char *)r;
			continue;
		}
		p++;
		switch (ch) {
		case '&': S_LIT(o, "&amp;"); break;
		case '<': S_LIT(o, "&lt;"); break;
		case '>': S_LIT(o, "&gt;"); break;
		case '"': S_LIT(o, "&quot;"); break;
		case '\r': S_LIT(o, "&#13;"); break;
		case '\t':
			if (attr)
				S_LIT(o, "&#9;");
			else
				S_LIT(o, "\t");
			break;
		case '\n':
			if (attr)
				S_LIT(o, "&#10;");
			else
				S_LIT(o, "\n");
			break;
		default: S_LIT(o, "?"); break;
		}
	}
}

static const char S_pairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/* Digits of v, right-aligned ending at e; returns the first. */
static inline char *
S_digits(char *e, uint64_t v)
{
	while (v >= 100) {
		unsigned k = (unsigned)(v % 100) * 2;
		v /= 100;
		*--e = S_pairs[k + 1];
		*--e = S_pairs[k];
	}
	if (v >= 10) {
		*--e = S_pairs[v * 2 + 1];
		*--e = S_pairs[v * 2];
	} else
		*--e = (char)('0' + v);
	return e;
}

static void
S_uint(struct rx_out *o, uint64_t v)
{
	char b[24], *s = S_digits(b + sizeof(b), v);

	S_put(o, s, (size_t)(b + sizeof(b) - s));
}

/* Money in minor units, as cv_money_str writes it: "-1234.56". */
static void
S_money(struct rx_out *o, int64_t minor)
{
	uint64_t u = minor < 0 ? (uint64_t)0 - (uint64_t)minor : (uint64_t)minor;
	char b[32], *e = b + sizeof(b) - 2, *s;

	memcpy(e, S_pairs + u % 100 * 2, 2);
	*--e = '.';
	s = S_digits(e, u / 100);
	if (minor < 0)
		*--s = '-';
	S_put(o, s, (size_t)(b + sizeof(b) - s));
}

/* v with six decimals (cv_fixed). */
void
rx_fix6(struct rx_out *o, double v)
{
	char b[64];

	S_put(o, b, cv_fixed_n(v, 6, b));
}

/* ` name="v"` with v escaped. */
static void
S_oattr(struct rx_out *o, const char *name, const char *v)
{
	S_LIT(o, " ");
	S_put(o, name, strlen(name));
	S_LIT(o, "=\"");
	rx_esc(o, v != NULL ? v : "", 1);
	S_LIT(o, "\"");
}

/* ---- the plan: policies and checklists per group of equal facts ---- */

#define S_NONE UINT32_MAX

/* An interned string, with its escaped form for attribute values. */
struct S_str {
	char *raw;
	char *esc;
	size_t len;		/* of esc */
	uint64_t hash;
};

struct S_pol {
	uint32_t key, rule, reason;	/* string ids */
};

struct S_item {
	uint32_t key, due, dim, reason;	/* string ids; dim S_NONE: for the type */
};

/* A group of customers with the same policies (recommend.h). */
struct S_group {
	size_t first;		/* the first customer with these facts */
	size_t count;		/* customers with them */
	size_t pol, n_pol;	/* range of plan.pol */
	size_t item, n_item;	/* range of plan.item */
	uint32_t type;		/* string id of the customer type's key */
};

/* Counts of one reason given by one rule, dimension or customer type. */
struct S_tally {
	int kind;		/* 0 rule, 1 dimension, 2 customer type */
	uint32_t who, reason;	/* string ids */
	size_t count;
	const char *key;	/* who's text, for sorting the library */
};

struct S_plan {
	struct S_str *s;	/* interned strings */
	size_t n_s, cap_s;
	uint32_t *s_slot;	/* hash slots of s, S_NONE empty */
	size_t n_s_slot;
	struct S_group *g;	/* as recommend's groups */
	size_t n_g;
	const uint32_t *of;	/* group of each customer (recommend's) */
	struct S_pol *pol;
	size_t n_pol, cap_pol;
	struct S_item *item;
	size_t n_item, cap_item;
	/*
	 * The library's reason of each rule, dimension and customer type (the
	 * one most customers got), by string id; S_NONE when there is none.
	 * A customer's reason equal to it is left out.
	 */
	uint32_t *def[3];
	uint32_t *due;		/* by item key: the library's due date */
	struct S_tally *lib;	/* the library entries, in output order */
	size_t n_lib;
	/* Markup that is the same for every customer, escaped once. */
	struct rx_out f_ind[IND_MAX];	/* <indicator key="K" raw=" */
	struct rx_out f_up[IND_MAX];	/* <raised-by indicator="K" */
	struct rx_out f_down[IND_MAX];	/* <lowered-by indicator="K" */
	struct rx_out f_tier[CFG_MAX_TIERS];	/* <tier>K</tier> */
	struct rx_out f_flag[FLAG__COUNT];	/* <flag>K</flag> */
};

static uint32_t
S_intern(struct S_plan *pl, const char *raw)
{
	uint64_t h = cv_hash(raw, strlen(raw));
	size_t i, mask;
	struct rx_out o = { NULL, 0, 0 };
	struct S_str *s;

	if (pl->n_s * 2 >= pl->n_s_slot) {
		size_t n = pl->n_s_slot ? pl->n_s_slot * 2 : 256;
		free(pl->s_slot);
		pl->s_slot = cv_malloc(n * sizeof(*pl->s_slot));
		memset(pl->s_slot, 0xff, n * sizeof(*pl->s_slot));
		pl->n_s_slot = n;
		for (i = 0; i < pl->n_s; i++) {
			size_t j = (size_t)pl->s[i].hash & (n - 1);
			while (pl->s_slot[j] != S_NONE)
				j = (j + 1) & (n - 1);
			pl->s_slot[j] = (uint32_t)i;
		}
	}
	mask = pl->n_s_slot - 1;
	for (i = (size_t)h & mask; pl->s_slot[i] != S_NONE; i = (i + 1) & mask) {
		s = &pl->s[pl->s_slot[i]];
		if (s->hash == h && strcmp(s->raw, raw) == 0)
			return pl->s_slot[i];
	}
	if (pl->n_s == pl->cap_s) {
		pl->cap_s = pl->cap_s ? pl->cap_s * 2 : 64;
		pl->s = cv_realloc(pl->s, pl->cap_s * sizeof(*pl->s));
	}
	rx_esc(&o, raw, 1);
	S_put(&o, "", 1);
	s = &pl->s[pl->n_s];
	s->raw = cv_strdup(raw);
	s->esc = o.p;
	s->len = o.n - 1;
	s->hash = h;
	pl->s_slot[i] = (uint32_t)pl->n_s;
	return (uint32_t)pl->n_s++;
}

static int
S_cmp_tally(const void *a, const void *b)
{
	const struct S_tally *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->who != y->who)
		return x->who < y->who ? -1 : 1;
	if (x->reason != y->reason)
		return x->reason < y->reason ? -1 : 1;
	return 0;
}

/* Library entries: rules, dimensions, customer types, each by key. */
static int
S_cmp_lib(const void *a, const void *b)
{
	const struct S_tally *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return strcmp(x->key, y->key);
}

/*
 * Chooses each rule's, dimension's and customer type's library reason: the
 * one most customers got (on a tie, the first in byte order).
 */
static void
S_defaults(struct S_plan *pl)
{
	struct S_tally *t;
	size_t n = 0, i, j, k, cap = 0;

	for (i = 0; i < pl->n_g; i++)
		cap += pl->g[i].n_pol + pl->g[i].n_item;
	t = cv_malloc((cap ? cap : 1) * sizeof(*t));
	for (i = 0; i < pl->n_g; i++) {
		const struct S_group *g = &pl->g[i];
		for (j = 0; j < g->n_pol; j++) {
			const struct S_pol *p = &pl->pol[g->pol + j];
			t[n].kind = 0;
			t[n].who = p->rule;
			t[n].reason = p->reason;
			t[n++].count = g->count;
		}
		for (j = 0; j < g->n_item; j++) {
			const struct S_item *it = &pl->item[g->item + j];
			if (it->dim != S_NONE) {
				t[n].kind = 1;
				t[n].who = it->dim;
			} else {
				t[n].kind = 2;
				t[n].who = g->type;
			}
			t[n].reason = it->reason;
			t[n++].count = g->count;
		}
	}
	qsort(t, n, sizeof(*t), S_cmp_tally);
	for (k = 0; k < 3; k++) {
		pl->def[k] = cv_malloc((pl->n_s ? pl->n_s : 1) * sizeof(uint32_t));
		memset(pl->def[k], 0xff, (pl->n_s ? pl->n_s : 1) * sizeof(uint32_t));
	}
	pl->lib = cv_malloc((n ? n : 1) * sizeof(*pl->lib));
	/* Sum equal (kind, who, reason); keep the best reason per (kind, who). */
	for (i = 0; i < n; ) {
		struct S_tally best = t[i];
		best.count = 0;
		for (j = i; j < n && t[j].kind == t[i].kind && t[j].who == t[i].who; ) {
			struct S_tally sum = t[j];
			for (j++; j < n && S_cmp_tally(&t[j], &sum) == 0; j++)
				sum.count += t[j].count;
			if (sum.count > best.count || (sum.count == best.count &&
			    strcmp(pl->s[sum.reason].raw,
			    pl->s[best.reason].raw) < 0))
				best = sum;
		}
		pl->def[best.kind][best.who] = best.reason;
		best.key = pl->s[best.who].raw;
		pl->lib[pl->n_lib++] = best;
		i = j;
	}
	free(t);
	qsort(pl->lib, pl->n_lib, sizeof(*pl->lib), S_cmp_lib);
}

static uint32_t
S_intern0(struct S_plan *pl, const char *raw)
{
	return S_intern(pl, raw != NULL ? raw : "");
}

/* The due date of each library item (item-text's due attribute). */
static void
S_lib_due(struct S_plan *pl, const struct report *r)
{
	size_t i, ni;
	uint32_t *key, *day;
	char b[16];

	pol_counts(r->pol, NULL, NULL, &ni);
	key = cv_malloc((ni ? ni : 1) * sizeof(*key));
	day = cv_malloc((ni ? ni : 1) * sizeof(*day));
	for (i = 0; i < ni; i++) {
		const char *k;
		int due;
		pol_item_at(r->pol, i, &k, NULL, NULL, NULL, &due);
		key[i] = S_intern0(pl, k);
		day[i] = S_intern0(pl, cv_date_str(r->m->as_of + due, b));
	}
	pl->due = cv_malloc((pl->n_s ? pl->n_s : 1) * sizeof(*pl->due));
	memset(pl->due, 0xff, (pl->n_s ? pl->n_s : 1) * sizeof(*pl->due));
	for (i = 0; i < ni; i++)
		if (pl->due[key[i]] == S_NONE)	/* the first of a key */
			pl->due[key[i]] = day[i];
	free(key);
	free(day);
}

static void
S_frags(struct S_plan *pl, const struct evaluation *ev)
{
	size_t k;

	for (k = 0; k < ev->n_ind && k < IND_MAX; k++) {
		S_LIT(&pl->f_ind[k], "\n   <indicator key=\"");
		rx_esc(&pl->f_ind[k], ev->ind[k].key, 1);
		S_LIT(&pl->f_ind[k], "\" raw=\"");
		S_LIT(&pl->f_up[k], "\n    <raised-by indicator=\"");
		rx_esc(&pl->f_up[k], ev->ind[k].key, 1);
		S_LIT(&pl->f_up[k], "\"");
		S_LIT(&pl->f_down[k], "\n    <lowered-by indicator=\"");
		rx_esc(&pl->f_down[k], ev->ind[k].key, 1);
		S_LIT(&pl->f_down[k], "\"");
	}
	for (k = 0; k < ev->n_tiers && k < CFG_MAX_TIERS; k++) {
		S_LIT(&pl->f_tier[k], "\n   <tier>");
		rx_esc(&pl->f_tier[k], ev->tiers[k].key, 0);
		S_LIT(&pl->f_tier[k], "</tier>");
	}
	for (k = 0; k < FLAG__COUNT; k++) {
		S_LIT(&pl->f_flag[k], "\n   <flag>");
		rx_esc(&pl->f_flag[k], flag_key((enum flag)k), 0);
		S_LIT(&pl->f_flag[k], "</flag>");
	}
}

/* Appends a prepared fragment. */
static void
S_frag(struct rx_out *o, const struct rx_out *f)
{
	S_put(o, f->p, f->n);
}

/*
 * Takes recommend's groups of customers with equal facts (equal policies
 * and checklist) and, when the archive has a policy-library, picks its
 * reasons.  Without
 * recommendations (no library), pl->of stays NULL.
 */
static void
S_plan_make(struct S_plan *pl, const struct report *r)
{
	const struct evaluation *ev = r->ev;
	struct pol_rec pol[REC_MAX_POLICIES];
	struct pol_check_item items[REC_MAX_ITEMS];
	char b[16];
	size_t i, k, n;

	memset(pl, 0, sizeof(*pl));
	S_frags(pl, r->ev);
	if (r->rec == NULL || r->rec->lib == NULL)
		return;
	pl->of = r->rec->group;
	pl->n_g = r->rec->n_groups;
	pl->g = cv_calloc(pl->n_g ? pl->n_g : 1, sizeof(*pl->g));
	for (i = 0; i < pl->n_g; i++) {
		struct S_group *g = &pl->g[i];
		g->first = r->rec->groups[i].first;
		g->count = r->rec->groups[i].count;
		g->type = S_intern0(pl, cust_type_key(ev->ec[g->first].c->type));
		n = recommend_customer(r->rec, g->first, pol, REC_MAX_POLICIES);
		if (pl->cap_pol - pl->n_pol < n) {
			pl->cap_pol = pl->cap_pol * 2 + n;
			pl->pol = cv_realloc(pl->pol, pl->cap_pol * sizeof(*pl->pol));
		}
		g->pol = pl->n_pol;
		g->n_pol = n;
		for (k = 0; k < n; k++) {
			struct S_pol *p = &pl->pol[pl->n_pol++];
			p->key = S_intern0(pl, pol[k].key);
			p->rule = S_intern0(pl, pol[k].rule);
			p->reason = S_intern0(pl, pol[k].reason);
		}
		n = recommend_checklist(r->rec, g->first, items, REC_MAX_ITEMS);
		if (pl->cap_item - pl->n_item < n) {
			pl->cap_item = pl->cap_item * 2 + n;
			pl->item = cv_realloc(pl->item,
			    pl->cap_item * sizeof(*pl->item));
		}
		g->item = pl->n_item;
		g->n_item = n;
		for (k = 0; k < n; k++) {
			struct S_item *it = &pl->item[pl->n_item++];
			it->key = S_intern0(pl, items[k].key);
			it->due = S_intern0(pl, cv_date_str(r->m->as_of +
			    items[k].due_days, b));
			it->dim = items[k].dimension != NULL ?
			    S_intern0(pl, items[k].dimension) : S_NONE;
			it->reason = S_intern0(pl, items[k].reason);
		}
	}
	if (r->pol != NULL) {
		S_defaults(pl);
		S_lib_due(pl, r);
	}
}

static void
S_plan_free(struct S_plan *pl)
{
	size_t i;

	for (i = 0; i < pl->n_s; i++) {
		free(pl->s[i].raw);
		free(pl->s[i].esc);
	}
	free(pl->s);
	free(pl->s_slot);
	free(pl->g);
	free(pl->pol);
	free(pl->item);
	for (i = 0; i < 3; i++)
		free(pl->def[i]);
	free(pl->due);
	for (i = 0; i < IND_MAX; i++) {
		free(pl->f_ind[i].p);
		free(pl->f_up[i].p);
		free(pl->f_down[i].p);
	}
	for (i = 0; i < CFG_MAX_TIERS; i++)
		free(pl->f_tier[i].p);
	for (i = 0; i < FLAG__COUNT; i++)
		free(pl->f_flag[i].p);
	free(pl->lib);
}

/* Is reason the library's for (kind, who)?  Then a customer leaves it out. */
static int
S_is_lib(const struct S_plan *pl, int kind, uint32_t who, uint32_t reason)
{
	return pl->def[kind] != NULL && pl->def[kind][who] == reason;
}

static void
S_sput(struct rx_out *o, const struct S_plan *pl, uint32_t id)
{
	S_put(o, pl->s[id].esc, pl->s[id].len);
}

/* An attribute (lead is ` name="`) with six decimals, left out for NaN as
 * S_attr_num does. */
static void
S_onum(struct rx_out *o, const char *lead, double v)
{
	if (isnan(v))
		return;
	S_put(o, lead, strlen(lead));
	rx_fix6(o, v);
	S_LIT(o, "\"");
}

/* One <customer> element, indented as xmlTextWriter indents the frame. */
static void
S_customer(struct rx_out *o, const struct report *r, const struct S_plan *pl,
    size_t i)
{
	const struct evaluation *ev = r->ev;
	const struct eval_customer *e = &ev->ec[i];
	const struct customer *c = e->c;
	size_t k;
	int y;

	S_LIT(o, "\n  <customer");
	S_oattr(o, "id", c->id);
	S_oattr(o, "name", c->name);
	S_oattr(o, "type", cust_type_key(c->type));
	S_oattr(o, "region", c->region);
	S_oattr(o, "rep", c->rep);
	if (c->in_master)
		S_LIT(o, " in-master=\"true\" cycle-years-present=\"");
	else
		S_LIT(o, " in-master=\"false\" cycle-years-present=\"");
	S_uint(o, (uint64_t)(e->years > 0 ? e->years : 0));
	S_LIT(o, "\" months-present=\"");
	S_uint(o, (uint64_t)(e->months > 0 ? e->months : 0));
	S_LIT(o, "\">\n   <score>");
	rx_fix6(o, e->score);
	S_LIT(o, "</score>\n   <rank>");
	S_uint(o, e->rank);
	S_LIT(o, "</rank>");
	S_frag(o, &pl->f_tier[e->tier]);
	S_LIT(o, "\n   <quadrant>");
	rx_esc(o, e->quadrant != NULL ? e->quadrant : "", 0);
	S_LIT(o, "</quadrant>\n   <lifecycle>");
	rx_esc(o, e->lifecycle != NULL ? e->lifecycle : "", 0);
	S_LIT(o, "</lifecycle>\n   <value-group>");
	rx_esc(o, e->value_group != NULL ? e->value_group : "", 0);
	S_LIT(o, "</value-group>\n   <volume>");
	rx_fix6(o, e->volume);
	S_LIT(o, "</volume>\n   <loyalty>");
	rx_fix6(o, e->loyalty);
	S_LIT(o, "</loyalty>\n   <revenue>");
	S_money(o, e->rev_cycle);
	S_LIT(o, "</revenue>\n   <gross-profit>");
	S_money(o, e->gp_cycle);
	S_LIT(o, "</gross-profit>");
	for (y = 0; y < r->m->cycle_years; y++) {
		S_LIT(o, "\n   <revenue-year index=\"");
		S_uint(o, (uint64_t)(y + 1));
		S_LIT(o, "\">");
		S_money(o, e->rev_year[y]);
		S_LIT(o, "</revenue-year>");
	}
	for (k = 0; k < ev->n_ind; k++) {
		if (isnan(e->raw[k]))
			continue;
		S_frag(o, &pl->f_ind[k]);
		rx_fix6(o, e->raw[k]);
		S_LIT(o, "\"");
		S_onum(o, " normalized=\"", e->norm[k]);
		if (ev->ind[k].weight > 0)
			S_onum(o, " points=\"", evaluation_points(ev, e, k));
		S_LIT(o, "/>");
	}
	for (k = 0; k < FLAG__COUNT; k++)
		if (e->flags & (1u << k))
			S_frag(o, &pl->f_flag[k]);
	if (e->up[0] < 0 && e->up[1] < 0 && e->up[2] < 0 && e->down[0] < 0 &&
	    e->down[1] < 0 && e->down[2] < 0)
		S_LIT(o, "\n   <explanation/>");
	else {
		S_LIT(o, "\n   <explanation>");
		for (k = 0; k < 3; k++)
			if (e->up[k] >= 0) {
				S_frag(o, &pl->f_up[e->up[k]]);
				S_onum(o, " points=\"", evaluation_points(ev, e, (size_t)e->up[k]));
				S_LIT(o, "/>");
			}
		for (k = 0; k < 3; k++)
			if (e->down[k] >= 0) {
				S_frag(o, &pl->f_down[e->down[k]]);
				S_onum(o, " points=\"", evaluation_points(ev, e, (size_t)e->down[k]));
				S_LIT(o, "/>");
			}
		S_LIT(o, "\n   </explanation>");
	}
	if (pl->of != NULL) {
		const struct S_group *g = &pl->g[pl->of[i]];
		for (k = 0; k < g->n_pol; k++) {
			const struct S_pol *p = &pl->pol[g->pol + k];
			S_LIT(o, "\n   <policy key=\"");
			S_sput(o, pl, p->key);
			S_LIT(o, "\" rule=\"");
			S_sput(o, pl, p->rule);
			if (!S_is_lib(pl, 0, p->rule, p->reason)) {
				S_LIT(o, "\" reason=\"");
				S_sput(o, pl, p->reason);
			}
			S_LIT(o, "\"/>");
		}
		if (g->n_item > 0) {
			S_LIT(o, "\n   <checklist>");
			for (k = 0; k < g->n_item; k++) {
				const struct S_item *it = &pl->item[g->item + k];
				int kind = it->dim != S_NONE ? 1 : 2;
				uint32_t who = it->dim != S_NONE ? it->dim : g->type;
				S_LIT(o, "\n    <item key=\"");
				S_sput(o, pl, it->key);
				if (pl->due == NULL || pl->due[it->key] != it->due) {
					S_LIT(o, "\" due=\"");
					S_sput(o, pl, it->due);
				}
				if (it->dim != S_NONE) {
					S_LIT(o, "\" dimension=\"");
					S_sput(o, pl, it->dim);
				}
				if (!S_is_lib(pl, kind, who, it->reason)) {
					S_LIT(o, "\" reason=\"");
					S_sput(o, pl, it->reason);
				}
				S_LIT(o, "\"/>");
			}
			S_LIT(o, "\n   </checklist>");
		}
	}
	S_LIT(o, "\n  </customer>");
}

/* ---- the frame's policy parts ---- */

/* A segment's recommendation: the key of its policy-library entry, the rule
 * that chose it and the reason, always written here. */
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
S_library(struct xw *x, const struct report *r, const struct S_plan *pl)
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
		S_attr_date(x, "due", r->m->as_of + due);
		S_text(x, text);
		S_end(x);
	}
	/* The reasons customers got, each once: a customer's policy or
	 * checklist item without a reason has the one given here. */
	for (i = 0; i < pl->n_lib; i++) {
		const struct S_tally *t = &pl->lib[i];
		if (t->kind == 0) {
			S_start(x, "rule");
			S_attr(x, "key", t->key);
		} else {
			S_start(x, "checklist-reason");
			S_attr(x, t->kind == 1 ? "dimension" : "customer-type",
			    t->key);
		}
		S_attr(x, "reason", pl->s[t->reason].raw);
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


/* Hands the buffered customer bytes to the writer. */
static void
S_raw(struct xw *x, struct rx_out *o)
{
	if (!x->err && o->n > 0 &&
	    xmlTextWriterWriteRawLen(x->w, (const xmlChar *)o->p, (int)o->n) < 0)
		x->err = 1;
	o->n = 0;
}

int
render_xml(const struct report *r, const char *path, struct diag *d)
{
	struct xw x;
	struct S_plan pl;
	struct rx_out o = { NULL, 0, 0 };
	size_t i;

	x.err = 0;
	x.w = xmlNewTextWriterFilename(path, 0);
	if (x.w == NULL) {
		diag_add(d, D_WRITE_FAILED, path, 0L, 0L, path);
		return -1;
	}
	S_plan_make(&pl, r);
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
	S_library(&x, r, &pl);
	S_segments(&x, r);
	if (r->prior != NULL)
		prior_write_xml(r->prior, x.w, &x.err);
	S_start(&x, "customers");
	for (i = 0; i < r->ev->n && !x.err; i++) {
		S_customer(&o, r, &pl, i);
		if (o.n >= S_FLUSH_AT)
			S_raw(&x, &o);
	}
	if (r->ev->n > 0) {
		S_LIT(&o, "\n ");
		S_raw(&x, &o);
	}
	S_end(&x);
	S_end(&x);
	if (!x.err && xmlTextWriterEndDocument(x.w) < 0)
		x.err = 1;
	xmlFreeTextWriter(x.w);
	free(o.p);
	S_plan_free(&pl);
	if (x.err) {
		diag_add(d, D_WRITE_FAILED, path, 0L, 0L, path);
		return -1;
	}
	return 0;
}
