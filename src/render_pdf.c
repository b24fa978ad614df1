/* render_pdf.c: the PDF management pack (and one customer's letter), laid out from the report template with the layout toolkit. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labels.h"
#include "policy.h"
#include "prior.h"
#include "recommend.h"
#include "render_pdf_int.h"
#include "util.h"

/* Defaults when a section gives no limit. */
#define S_DEF_TOP 20		/* Pareto: largest customers listed */
#define S_DEF_RISK 300		/* risk list rows */
#define S_DEF_MOVERS 40		/* migration: movers, new, lost listed */
#define S_DEF_CARDS 2000	/* scorecards */
#define S_MAX_POINTS 5000	/* scatter points before sampling */
#define S_NAMES 6		/* names quoted in a finding */

/* ---- formatting --------------------------------------------------------- */

char *
rp_int(uint64_t v, char *buf)
{
	char tmp[32];
	int n, i, j = 0;

	n = snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)v);
	for (i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			buf[j++] = ',';
		buf[j++] = tmp[i];
	}
	buf[j] = '\0';
	return buf;
}

char *
rp_pct(double v, int decimals, char *buf)
{
	char t[64];
	size_t n;

	if (isnan(v) || isinf(v))
		return strcpy(buf, "-");
	n = pl_fixed_n(100.0 * v, decimals, t);
	if (n > 30)
		n = 30;		/* buf holds 32 */
	memcpy(buf, t, n);
	memcpy(buf + n, "%", 2);
	return buf;
}

static char *
S_money(int64_t minor, char *buf)
{
	return cv_money_group(minor, buf);
}

/* Money in whole units with separators (KPI tiles, charts). */
static char *
S_money0(int64_t minor, char *buf)
{
	int64_t u = minor / 100;
	char t[40];

	if (minor % 100 >= 50)
		u++;
	else if (minor % 100 <= -50)
		u--;
	if (u < 0) {
		buf[0] = '-';
		rp_int((uint64_t)(-u), buf + 1);
	} else
		rp_int((uint64_t)u, buf);
	(void)t;
	return buf;
}

static char *
S_fix(double v, int decimals, char *buf)
{
	if (isnan(v))
		return strcpy(buf, "-");
	return pl_fixed(v, decimals, buf);
}

const char *
rp_lab(const struct rp_ctx *x, const char *key)
{
	return label(x->L, key);
}

char *
rp_labf(const struct rp_ctx *x, const char *key, ...)
{
	struct rp_vars vs;
	va_list ap;
	const char *n, *v;
	size_t i;

	memset(&vs, 0, sizeof(vs));
	va_start(ap, key);
	/* the call's own values are used in place (no length limit) */
	while ((n = va_arg(ap, const char *)) != NULL && vs.n < RP_MAX_VARS) {
		v = va_arg(ap, const char *);
		vs.v[vs.n].name = n;
		vs.v[vs.n++].value = v != NULL ? v : "";
	}
	va_end(ap);
	for (i = 0; i < x->vars.n && vs.n < RP_MAX_VARS; i++)
		vs.v[vs.n++] = x->vars.v[i];
	return rp_expand(label(x->L, key), &vs);
}

static const char *
S_name(const struct customer *c)
{
	return c->name[0] != '\0' ? c->name : c->id;
}

void
rp_flags_text(const struct rp_ctx *x, unsigned flags, char *buf, size_t n)
{
	size_t len = 0;
	int f;

	buf[0] = '\0';
	for (f = 0; f < FLAG__COUNT; f++) {
		if (!(flags & (1u << f)))
			continue;
		len += (size_t)snprintf(buf + len, len < n ? n - len : 0, "%s%s",
		    len > 0 ? x->sep : "", label2(x->L, "flag.", flag_key(f)));
		if (len >= n) {
			buf[n - 1] = '\0';
			return;
		}
	}
}

static const char *
S_tier_label(const struct rp_ctx *x, int t)
{
	return label2(x->L, "tier.", x->ev->tiers[t].key);
}

void
rp_customer_vars(struct rp_ctx *x, size_t i)
{
	const struct eval_customer *e = &x->ev->ec[i];
	char b[64];

	rp_vars_set(&x->vars, "customer", S_name(e->c));
	rp_vars_set(&x->vars, "customer_id", e->c->id);
	rp_vars_set(&x->vars, "tier", S_tier_label(x, e->tier));
	rp_vars_set(&x->vars, "score", S_fix(e->score, 1, b));
	rp_vars_set(&x->vars, "rank", rp_int(e->rank, b));
	rp_vars_set(&x->vars, "region", e->c->region);
	rp_vars_set(&x->vars, "rep", e->c->rep);
}

/* ---- aggregates over the customers in scope ----------------------------- */

struct S_agg {
	size_t n;
	int64_t rev, gp;
	size_t tier_n[CFG_MAX_TIERS];
	int64_t tier_rev[CFG_MAX_TIERS], tier_gp[CFG_MAX_TIERS];
	double tier_min[CFG_MAX_TIERS], tier_max[CFG_MAX_TIERS];
	size_t quad_n[4];
	int64_t quad_rev[4], quad_gp[4];
	size_t life_n[5], val_n[4];
	int64_t life_rev[5], val_rev[4];
	size_t flag_n[FLAG__COUNT], n_flagged;
	double top20_rev, top20_gp;
};


static int
S_cmp_idx(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

/* A customer's sort key, packed so that sorting 100,000 of them does not
 * touch the (large) evaluation records. */
struct S_key {
	uint64_t k;		/* ascending = larger amount first */
	size_t idx;		/* into ev->ec */
};

static int
S_cmp_id(const void *a, const void *b, void *ctx)
{
	const struct evaluation *ev = ctx;

	return strcmp(ev->ec[((const struct S_key *)a)->idx].c->id,
	    ev->ec[((const struct S_key *)b)->idx].c->id);
}

/*
 * The scope by revenue or gross profit, largest first, then by customer
 * id: the order evaluation_order() gives (evaluate.c), here by a radix
 * sort on the amounts (stable, a byte at a time) and then by id within
 * each run of equal amounts.
 */
static void
S_money_order(const struct rp_ctx *x, enum ev_order by, size_t *out)
{
	size_t n = x->n_scope, i, j, cnt[256];
	struct S_key *k = cv_malloc((n ? n : 1) * sizeof(*k));
	struct S_key *t = cv_malloc((n ? n : 1) * sizeof(*t)), *sw;
	int shift;

	for (i = 0; i < n; i++) {
		const struct eval_customer *e = &x->ev->ec[x->scope[i]];
		int64_t v = by == EV_BY_REVENUE ? e->rev_cycle : e->gp_cycle;

		/* order-preserving map to unsigned, inverted: largest first */
		k[i].k = ~((uint64_t)v ^ ((uint64_t)1 << 63));
		k[i].idx = x->scope[i];
	}
	for (shift = 0; shift < 64; shift += 8) {
		size_t pos = 0;

		memset(cnt, 0, sizeof(cnt));
		for (i = 0; i < n; i++)
			cnt[(k[i].k >> shift) & 0xFF]++;
		if (n > 0 && cnt[(k[0].k >> shift) & 0xFF] == n)
			continue;	/* this byte is the same everywhere */
		for (j = 0; j < 256; j++) {
			size_t c = cnt[j];
			cnt[j] = pos;
			pos += c;
		}
		for (i = 0; i < n; i++)
			t[cnt[(k[i].k >> shift) & 0xFF]++] = k[i];
		sw = k;
		k = t;
		t = sw;
	}
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && k[j].k == k[i].k; j++)
			;
		if (j - i > 1)
			qsort_r(k + i, j - i, sizeof(*k), S_cmp_id,
			    (void *)(uintptr_t)x->ev);
	}
	for (i = 0; i < n; i++)
		out[i] = k[i].idx;
	free(k);
	free(t);
}

/*
 * The scope sorted by `by` (a fresh array).  Each order is sorted once per
 * pack and kept in x->order; the rank order is the evaluation's own.
 */
static size_t *
S_sorted(struct rp_ctx *x, enum ev_order by)
{
	size_t *o = cv_malloc((x->n_scope ? x->n_scope : 1) * sizeof(*o));
	size_t i, k;

	if ((unsigned)by >= RP_N_ORDERS) {
		memcpy(o, x->scope, x->n_scope * sizeof(*o));
		evaluation_order(x->ev, o, x->n_scope, by);
		return o;
	}
	if (x->order[by] == NULL) {
		size_t *c = cv_malloc((x->n_scope ? x->n_scope : 1) *
		    sizeof(*c));

		if (by == EV_BY_RANK && x->ev->by_rank != NULL) {
			/* ranks are 1..n without ties: by_rank is that
			 * order; keep the customers in scope */
			char *in = cv_calloc(x->ev->n + 1, 1);

			for (i = 0; i < x->n_scope; i++)
				in[x->scope[i]] = 1;
			for (i = 0, k = 0; i < x->ev->n; i++)
				if (in[x->ev->by_rank[i]])
					c[k++] = x->ev->by_rank[i];
			free(in);
		} else if (by == EV_BY_REVENUE || by == EV_BY_GROSS_PROFIT) {
			S_money_order(x, by, c);
		} else {
			memcpy(c, x->scope, x->n_scope * sizeof(*c));
			evaluation_order(x->ev, c, x->n_scope, by);
		}
		x->order[by] = c;
	}
	memcpy(o, x->order[by], x->n_scope * sizeof(*o));
	return o;
}

static int
S_key_index(const char *const *keys, size_t n, const char *k)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (k != NULL && strcmp(keys[i], k) == 0)
			return (int)i;
	return -1;
}

static void
S_aggregate(struct rp_ctx *x, struct S_agg *a)
{
	const struct evaluation *ev = x->ev;
	size_t i, top, *o;
	int64_t s;
	int k;

	memset(a, 0, sizeof(*a));
	for (k = 0; k < CFG_MAX_TIERS; k++) {
		a->tier_min[k] = NAN;
		a->tier_max[k] = NAN;
	}
	a->n = x->n_scope;
	for (i = 0; i < x->n_scope; i++) {
		const struct eval_customer *e = &ev->ec[x->scope[i]];
		a->rev += e->rev_cycle;
		a->gp += e->gp_cycle;
		if (e->tier >= 0 && e->tier < CFG_MAX_TIERS) {
			a->tier_n[e->tier]++;
			a->tier_rev[e->tier] += e->rev_cycle;
			a->tier_gp[e->tier] += e->gp_cycle;
			if (isnan(a->tier_min[e->tier]) ||
			    e->score < a->tier_min[e->tier])
				a->tier_min[e->tier] = e->score;
			if (isnan(a->tier_max[e->tier]) ||
			    e->score > a->tier_max[e->tier])
				a->tier_max[e->tier] = e->score;
		}
		if ((k = S_key_index(quadrant_keys, 4, e->quadrant)) >= 0) {
			a->quad_n[k]++;
			a->quad_rev[k] += e->rev_cycle;
			a->quad_gp[k] += e->gp_cycle;
		}
		if ((k = S_key_index(lifecycle_keys, 5, e->lifecycle)) >= 0) {
			a->life_n[k]++;
			a->life_rev[k] += e->rev_cycle;
		}
		if ((k = S_key_index(value_group_keys, 4, e->value_group)) >=
		    0) {
			a->val_n[k]++;
			a->val_rev[k] += e->rev_cycle;
		}
		for (k = 0; k < FLAG__COUNT; k++)
			if (e->flags & (1u << k))
				a->flag_n[k]++;
		if (e->flags != 0)
			a->n_flagged++;
	}
	if (!x->subset) {
		/* the whole population: the evaluation's own figures */
		a->top20_rev = ev->top20_revenue_share;
		a->top20_gp = ev->top20_gp_share;
		return;
	}
	top = (size_t)ceil(0.2 * (double)x->n_scope);
	o = S_sorted(x, EV_BY_REVENUE);
	for (s = 0, i = 0; i < top; i++)
		s += ev->ec[o[i]].rev_cycle;
	a->top20_rev = a->rev > 0 ? (double)s / (double)a->rev : NAN;
	free(o);
	o = S_sorted(x, EV_BY_GROSS_PROFIT);
	for (s = 0, i = 0; i < top; i++)
		s += ev->ec[o[i]].gp_cycle;
	a->top20_gp = a->gp > 0 ? (double)s / (double)a->gp : NAN;
	free(o);
}

static double
S_share(int64_t part, int64_t whole)
{
	return whole != 0 ? (double)part / (double)whole : NAN;
}

static double
S_nshare(size_t part, size_t whole)
{
	return whole != 0 ? (double)part / (double)whole : NAN;
}

/* ---- common blocks ------------------------------------------------------ */

static void
S_para(struct rp_ctx *x, const char *text)
{
	char *t = rp_expand(text, &x->vars);

	pl_paragraph(x->doc, t, RP_BODY, 0, RP_BODY * 1.65f);
	free(t);
}

static void
S_note(struct rp_ctx *x, const char *text)
{
	pl_paragraph_ex(x->doc, text, RP_CAPTION, 0, 0, RP_CAPTION * 1.5f,
	    PL_LEFT, &pl_doc_palette(x->doc)->muted);
	pl_space(x->doc, 6);
}

static void
S_notef(struct rp_ctx *x, char *owned)
{
	S_note(x, owned);
	free(owned);
}

/* A section: new page, level-1 heading (bookmark, contents), intros. */
static void
S_section(struct rp_ctx *x, const struct rp_section *s, const char *fallback)
{
	size_t i;
	char *t;

	pl_page_new(x->doc, PL_PORTRAIT, 1);
	t = rp_expand(s->title[0] != '\0' ? s->title : rp_lab(x, fallback),
	    &x->vars);
	pl_heading(x->doc, 1, t);
	free(t);
	for (i = 0; i < s->n_intro; i++)
		S_para(x, s->intro[i]);
	pl_space(x->doc, 4);
}

static void
S_h2(struct rp_ctx *x, const char *text)
{
	pl_heading(x->doc, 2, text);
}

static long
S_limit(const struct rp_section *s, long def)
{
	return s != NULL && s->limit > 0 ? s->limit : def;
}

/* "name1、name2、name3 等 12 家" */
static char *
S_names(struct rp_ctx *x, const size_t *idx, size_t n)
{
	struct buf b;
	size_t i;
	char num[32];

	buf_init(&b);
	buf_add(&b, "", 0);
	for (i = 0; i < n && i < S_NAMES; i++) {
		if (i > 0)
			buf_puts(&b, x->sep);
		buf_puts(&b, S_name(x->ev->ec[idx[i]].c));
	}
	if (n > S_NAMES) {
		char *m = rp_labf(x, "pdf.more", "n", rp_int(n, num),
		    (const char *)NULL);
		buf_puts(&b, m);
		free(m);
	}
	return b.data;
}

/* ---- cover -------------------------------------------------------------- */

static const char *
S_title(const struct rp_ctx *x)
{
	if (x->r->cfg->title[0] != '\0')
		return x->r->cfg->title;
	if (x->tpl->title[0] != '\0')
		return x->tpl->title;
	return rp_lab(x, "pdf.title");
}

static void
S_cover_row(struct rp_ctx *x, const char *key, const char *value)
{
	struct pl_doc *doc = x->doc;
	float y;

	if (value == NULL || value[0] == '\0')
		return;
	pl_need(doc, 24);
	y = pl_y(doc);
	pl_text_fit(doc, pl_left(doc), y - 12, 110, 10, PL_LEFT,
	    &pl_doc_palette(doc)->muted, rp_lab(x, key));
	pl_paragraph_ex(doc, value, 12, 120, pl_width(doc) - 120, 18,
	    PL_LEFT, NULL);
	pl_space(doc, 5);
}

static void
S_cover(struct rp_ctx *x, const struct rp_section *s)
{
	const struct report *r = x->r;
	const struct config *cfg = r->cfg;
	struct pl_doc *doc = x->doc;
	const struct pl_palette *pal = pl_doc_palette(doc);
	char b[64];
	size_t i;

	pl_page_new(doc, PL_PORTRAIT, 0);
	pl_fill_rect(doc, 0, pl_top(doc) + 40, pl_right(doc) + 80, 24,
	    &pal->accent);
	if (cfg->logo != NULL && cfg->logo[0] != '\0') {
		char err[256];
		if (pl_image(doc, cfg->logo, pl_left(doc), pl_top(doc) - 70,
		    180, 64, err, sizeof(err)) != 0) {
			char *m = rp_labf(x, "pdf.logo-failed", "path",
			    cfg->logo, "error", err, (const char *)NULL);
			diag_add(x->d, D_PDF_WARNING, cfg->logo, 0L, 0L, m);
			free(m);
		}
	}
	pl_set_y(doc, pl_top(doc) - 190);
	pl_paragraph_ex(doc, S_title(x), 26, 0, 0, 36, PL_LEFT, &pal->accent);
	if (x->subset && r->subset_label != NULL && r->subset_label[0]) {
		char *t = rp_labf(x, "pdf.cover.scope", "scope",
		    r->subset_label, (const char *)NULL);
		pl_space(doc, 4);
		pl_paragraph_ex(doc, t, 15, 0, 0, 22, PL_LEFT, NULL);
		free(t);
	}
	pl_space(doc, 14);
	pl_line(doc, pl_left(doc), pl_y(doc), pl_left(doc) + 120, pl_y(doc),
	    2.5f, &pal->accent);
	pl_space(doc, 26);
	S_cover_row(x, "pdf.cover.client", cfg->client);
	S_cover_row(x, "pdf.cover.prepared-by", cfg->consultant);
	S_cover_row(x, "pdf.cover.period", x->vars.v[3].value);
	S_cover_row(x, "pdf.cover.as-of", x->vars.v[4].value);
	rp_int(x->n_scope, b);
	S_cover_row(x, "pdf.cover.customers", b);
	if (x->subset && r->subset_label != NULL)
		S_cover_row(x, "pdf.cover.scope-label", r->subset_label);
	if (s != NULL && s->n_intro > 0) {
		pl_set_y(doc, pl_bottom(doc) + 14.0f * (float)s->n_intro + 30);
		for (i = 0; i < s->n_intro; i++) {
			char *t = rp_expand(s->intro[i], &x->vars);
			pl_paragraph_ex(doc, t, RP_SMALL, 0, 0, 13, PL_LEFT,
			    &pal->muted);
			free(t);
		}
	}
	{
		char *t = rp_labf(x, "pdf.cover.made-by", "version",
		    r->version != NULL ? r->version : "", (const char *)NULL);
		pl_text(doc, pl_left(doc), pl_bottom(doc) - 4, RP_CAPTION,
		    PL_LEFT, &pal->muted, t);
		free(t);
	}
}

/* ---- executive summary -------------------------------------------------- */

static void
S_kpis(struct rp_ctx *x, const struct S_agg *a)
{
	struct pl_doc *doc = x->doc;
	const struct pl_palette *pal = pl_doc_palette(doc);
	char v[6][64];
	const char *keys[6] = { "pdf.kpi.customers", "pdf.kpi.revenue",
	    "pdf.kpi.profit", "pdf.kpi.margin", "pdf.kpi.top20-revenue",
	    "pdf.kpi.top20-profit" };
	struct pl_box b;
	float w, h = 52, gap = 8;
	int i;

	rp_int(a->n, v[0]);
	S_money0(a->rev, v[1]);
	S_money0(a->gp, v[2]);
	rp_pct(S_share(a->gp, a->rev), 1, v[3]);
	rp_pct(a->top20_rev, 1, v[4]);
	rp_pct(a->top20_gp, 1, v[5]);
	b = pl_take(doc, 2 * h + gap + 6);
	w = (b.w - 2 * gap) / 3;
	for (i = 0; i < 6; i++) {
		float bx = b.x + (float)(i % 3) * (w + gap);
		float by = b.y + b.h - (float)(i / 3 + 1) * h -
		    (float)(i / 3) * gap;
		pl_fill_rect(doc, bx, by, w, h, &pal->zebra);
		pl_fill_rect(doc, bx, by, 3, h, &pal->accent);
		pl_text_fit(doc, bx + 10, by + h - 17, w - 16, 15, PL_LEFT,
		    &pal->accent, v[i]);
		pl_text_fit(doc, bx + 10, by + 12, w - 16, RP_CAPTION + 0.5f,
		    PL_LEFT, &pal->muted, rp_lab(x, keys[i]));
	}
	pl_space(doc, 8);
}

static int
S_in_scope(const struct rp_ctx *x, const char *mark, size_t i)
{
	(void)x;
	return mark == NULL || mark[i];
}

static void
S_changes(struct rp_ctx *x, const char *mark)
{
	const struct prior *p = x->r->prior;
	const struct evaluation *ev = x->ev;
	size_t i, nu = 0, nd = 0, nn = 0, *up, *dn;
	char b1[32], b2[32], b3[32], b4[32], b5[32];
	char *t;

	S_h2(x, rp_lab(x, "pdf.sum.changes"));
	if (p == NULL) {
		pl_bullet(x->doc, rp_lab(x, "pdf.chg.none"), RP_BODY);
		return;
	}
	up = cv_malloc((p->n_movers + 1) * sizeof(*up));
	dn = cv_malloc((p->n_movers + 1) * sizeof(*dn));
	for (i = 0; i < p->n_movers; i++) {
		if (!S_in_scope(x, mark, p->movers[i].cur))
			continue;
		if (p->movers[i].steps > 0)
			up[nu++] = p->movers[i].cur;
		else
			dn[nd++] = p->movers[i].cur;
	}
	for (i = 0; i < p->n_new; i++)
		if (S_in_scope(x, mark, p->new_cust[i]))
			nn++;
	t = rp_labf(x, mark == NULL ? "pdf.chg.overview" :
	    "pdf.chg.overview-group", "up", rp_int(nu, b1), "down",
	    rp_int(nd, b2), "new", rp_int(nn, b3), "lost",
	    mark == NULL ? rp_int(p->n_lost, b4) : "-", "same",
	    rp_int(x->n_scope - nu - nd - nn, b5), (const char *)NULL);
	pl_bullet(x->doc, t, RP_BODY);
	free(t);
	if (nu > 0) {
		char *n = S_names(x, up, nu);
		t = rp_labf(x, "pdf.chg.up", "names", n, (const char *)NULL);
		pl_bullet(x->doc, t, RP_BODY);
		free(t);
		free(n);
	}
	if (nd > 0) {
		char *n = S_names(x, dn, nd);
		t = rp_labf(x, "pdf.chg.down", "names", n, (const char *)NULL);
		pl_bullet(x->doc, t, RP_BODY);
		free(t);
		free(n);
	}
	(void)ev;
	free(up);
	free(dn);
}

static void
S_findings(struct rp_ctx *x, const struct S_agg *a)
{
	const struct evaluation *ev = x->ev;
	size_t *o, *sel, n, i;
	char b1[32], b2[32];
	char *t, *names;
	int f;

	S_h2(x, rp_lab(x, "pdf.sum.findings"));
	o = S_sorted(x, EV_BY_REVENUE);
	sel = cv_malloc((x->n_scope + 1) * sizeof(*sel));
	/* top tier concentration */
	if (ev->n_tiers > 0) {
		t = rp_labf(x, a->tier_n[0] > 0 ? "pdf.find.top-tier" :
		    "pdf.find.top-tier-none", "tier",
		    S_tier_label(x, 0), "n", rp_int(a->tier_n[0], b1), "share",
		    rp_pct(S_share(a->tier_rev[0], a->rev), 1, b2),
		    (const char *)NULL);
		pl_bullet(x->doc, t, RP_BODY);
		free(t);
	}
	/* "as follows:" only when the table follows */
	t = rp_labf(x, a->n_flagged > 0 ? "pdf.find.flagged" :
	    "pdf.find.flagged-none", "n", rp_int(a->n_flagged, b1),
	    (const char *)NULL);
	pl_bullet(x->doc, t, RP_BODY);
	free(t);
	if (a->n_flagged > 0) {
		struct pl_col cols[3] = {
			{ rp_lab(x, "col.flags"), 0, 1.5f, PL_LEFT },
			{ rp_lab(x, "col.customers"), 0, 1.0f, PL_RIGHT },
			{ rp_lab(x, "pdf.col.examples"), 0, 6, PL_LEFT },
		};
		const char *cells[3];

		pl_table_begin(x->doc, cols, 3, RP_TABLE - 0.5f, 1);
		for (f = 0; f < FLAG__COUNT; f++) {
			for (n = 0, i = 0; i < x->n_scope; i++)
				if (ev->ec[o[i]].flags & (1u << f))
					sel[n++] = o[i];
			if (n == 0)
				continue;
			names = S_names(x, sel, n);
			cells[0] = label2(x->L, "flag.", flag_key(f));
			cells[1] = rp_int(n, b1);
			cells[2] = names;
			pl_table_row(x->doc, cells, 3, PL_ROW_NORMAL);
			free(names);
		}
		pl_table_end(x->doc);
		pl_space(x->doc, 4);
	}
	for (n = 0, i = 0; i < x->n_scope; i++)
		if (strcmp(ev->ec[o[i]].lifecycle, "sleeping") == 0)
			sel[n++] = o[i];
	if (n > 0) {
		names = S_names(x, sel, n);
		t = rp_labf(x, "pdf.find.sleeping", "n", rp_int(n, b1),
		    "names", names, (const char *)NULL);
		pl_bullet(x->doc, t, RP_BODY);
		free(t);
		free(names);
	}
	t = rp_labf(x, a->quad_n[1] > 0 ? "pdf.find.dangerous" :
	    "pdf.find.dangerous-none", "n", rp_int(a->quad_n[1], b1),
	    "share", rp_pct(S_share(a->quad_rev[1], a->rev), 1, b2),
	    (const char *)NULL);
	pl_bullet(x->doc, t, RP_BODY);
	free(t);
	t = rp_labf(x, a->quad_n[2] > 0 ? "pdf.find.stars" :
	    "pdf.find.stars-none", "n", rp_int(a->quad_n[2], b1),
	    (const char *)NULL);
	pl_bullet(x->doc, t, RP_BODY);
	free(t);
	free(sel);
	free(o);
}

static void
S_summary(struct rp_ctx *x, const struct rp_section *s,
    const struct S_agg *a, const char *mark)
{
	S_section(x, s, "pdf.summary");
	S_kpis(x, a);
	if (x->r->prior != NULL)
		S_changes(x, mark);
	S_findings(x, a);
}

/* ---- tiers -------------------------------------------------------------- */

static void
S_pct_fmt(double v, char *buf, size_t n, void *ctx)
{
	char t[64];

	(void)ctx;
	snprintf(buf, n, "%s", rp_pct(v, 0, t));
}

static void
S_tiers(struct rp_ctx *x, const struct rp_section *s, const struct S_agg *a)
{
	const struct evaluation *ev = x->ev;
	struct pl_col cols[7] = {
		{ rp_lab(x, "col.tier"), 0, 1.6f, PL_LEFT },
		{ rp_lab(x, "col.customers"), 0, 0.9f, PL_RIGHT },
		{ rp_lab(x, "col.share"), 0, 0.8f, PL_RIGHT },
		{ rp_lab(x, "col.score-range"), 0, 1.2f, PL_RIGHT },
		{ rp_lab(x, "col.revenue"), 0, 1.6f, PL_RIGHT },
		{ rp_lab(x, "col.revenue-share"), 0, 0.9f, PL_RIGHT },
		{ rp_lab(x, "col.gp"), 0, 1.5f, PL_RIGHT },
	};
	char c[7][64];
	const char *cells[7];
	size_t i;
	int k;

	S_section(x, s, "pdf.tiers");
	for (k = 0; k < 7; k++)
		cells[k] = c[k];
	if (s->table) {
		pl_table_begin(x->doc, cols, 7, RP_TABLE + 0.5f, 1);
		for (i = 0; i < ev->n_tiers; i++) {
			char lo[64], hi[64];
			snprintf(c[0], 64, "%s", S_tier_label(x, (int)i));
			rp_int(a->tier_n[i], c[1]);
			rp_pct(S_nshare(a->tier_n[i], a->n), 1, c[2]);
			if (a->tier_n[i] > 0)
				snprintf(c[3], 64, "%s – %s",
				    S_fix(a->tier_min[i], 1, lo),
				    S_fix(a->tier_max[i], 1, hi));
			else
				strcpy(c[3], "-");
			S_money(a->tier_rev[i], c[4]);
			rp_pct(S_share(a->tier_rev[i], a->rev), 1, c[5]);
			S_money(a->tier_gp[i], c[6]);
			pl_table_row(x->doc, cells, 7, PL_ROW_NORMAL);
		}
		snprintf(c[0], 64, "%s", rp_lab(x, "word.total"));
		rp_int(a->n, c[1]);
		strcpy(c[2], "100.0%");
		c[3][0] = '\0';
		S_money(a->rev, c[4]);
		rp_pct(a->rev != 0 ? 1.0 : NAN, 1, c[5]);
		S_money(a->gp, c[6]);
		pl_table_row(x->doc, cells, 7, PL_ROW_TOTAL);
		pl_table_end(x->doc);
	}
	if (s->chart && ev->n_tiers > 0) {
		const char *labs[CFG_MAX_TIERS];
		double cn[CFG_MAX_TIERS], rs[CFG_MAX_TIERS];
		int ser[CFG_MAX_TIERS];
		struct pl_bar_chart bc;
		struct pl_box b, l, rt;

		for (i = 0; i < ev->n_tiers; i++) {
			labs[i] = ev->tiers[i].key;
			cn[i] = (double)a->tier_n[i];
			rs[i] = S_share(a->tier_rev[i], a->rev);
			if (isnan(rs[i]))
				rs[i] = 0;
			ser[i] = (int)i % PL_SERIES_MAX;
		}
		pl_space(x->doc, 6);
		b = pl_take(x->doc, 200);
		l = rt = b;
		l.w = b.w * 0.47f;
		rt.x = b.x + b.w * 0.53f;
		rt.w = b.w * 0.47f;
		memset(&bc, 0, sizeof(bc));
		bc.title = rp_lab(x, "pdf.tiers.chart-customers");
		bc.labels = labs;
		bc.values = cn;
		bc.n = ev->n_tiers;
		bc.series = ser;
		bc.value_labels = 1;
		bc.axis.decimals = 0;
		pl_chart_column(x->doc, l, &bc);
		memset(&bc, 0, sizeof(bc));
		bc.title = rp_lab(x, "pdf.tiers.chart-revenue");
		bc.labels = labs;
		bc.values = rs;
		bc.n = ev->n_tiers;
		bc.series = ser;
		bc.value_labels = 1;
		bc.axis.min = 0;
		bc.axis.max = 1;
		bc.axis.fmt = S_pct_fmt;
		pl_chart_column(x->doc, rt, &bc);
		pl_space(x->doc, 10);
	}
}

/* ---- Pareto ------------------------------------------------------------- */

static void
S_pareto(struct rp_ctx *x, const struct rp_section *s, const struct S_agg *a)
{
	const struct evaluation *ev = x->ev;
	size_t *o = S_sorted(x, EV_BY_REVENUE), i, lim;
	char c[7][64], *t;
	const char *cells[7];
	int64_t cum = 0;
	int k;

	S_section(x, s, "pdf.pareto");
	if (s->chart && x->n_scope > 0) {
		double *v = cv_malloc(x->n_scope * sizeof(*v));
		struct pl_lorenz_chart lz;

		for (i = 0; i < x->n_scope; i++)
			v[i] = (double)ev->ec[x->scope[i]].rev_cycle / 100.0;
		memset(&lz, 0, sizeof(lz));
		lz.title = rp_lab(x, "pdf.pareto.chart");
		lz.values = v;
		lz.n = x->n_scope;
		lz.x_title = rp_lab(x, "pdf.pareto.x");
		lz.y_title = rp_lab(x, "pdf.pareto.y");
		lz.ref_share = 0.8;
		lz.ref_label = "80%";
		lz.cross_fmt = rp_lab(x, "pdf.pareto.cross");
		pl_chart_lorenz(x->doc, pl_take(x->doc, 215), &lz);
		pl_space(x->doc, 10);
		free(v);
	}
	t = rp_labf(x, "pdf.pareto.top20", "share", rp_pct(a->top20_rev, 1,
	    c[0]), "gshare", rp_pct(a->top20_gp, 1, c[1]), (const char *)NULL);
	pl_paragraph(x->doc, t, RP_BODY, 0, RP_BODY * 1.65f);
	free(t);
	if (s->table && x->n_scope > 0) {
		struct pl_col cols[7] = {
			{ "#", 24, 0, PL_RIGHT },
			{ rp_lab(x, "col.id"), 0, 1.1f, PL_LEFT },
			{ rp_lab(x, "col.name"), 0, 3.2f, PL_LEFT },
			{ rp_lab(x, "col.tier"), 0, 1.2f, PL_LEFT },
			{ rp_lab(x, "col.revenue"), 0, 1.6f, PL_RIGHT },
			{ rp_lab(x, "col.revenue-share"), 0, 1, PL_RIGHT },
			{ rp_lab(x, "pdf.col.cum-share"), 0, 1, PL_RIGHT },
		};
		lim = (size_t)S_limit(s, S_DEF_TOP);
		if (lim > x->n_scope)
			lim = x->n_scope;
		S_h2(x, rp_lab(x, "pdf.pareto.top"));
		for (k = 0; k < 7; k++)
			cells[k] = c[k];
		pl_table_begin(x->doc, cols, 7, RP_TABLE, 1);
		for (i = 0; i < lim; i++) {
			const struct eval_customer *e = &ev->ec[o[i]];
			cum += e->rev_cycle;
			rp_int(i + 1, c[0]);
			cells[1] = e->c->id;
			cells[2] = S_name(e->c);
			cells[3] = S_tier_label(x, e->tier);
			S_money(e->rev_cycle, c[4]);
			rp_pct(S_share(e->rev_cycle, a->rev), 1, c[5]);
			rp_pct(S_share(cum, a->rev), 1, c[6]);
			pl_table_row(x->doc, cells, 7, PL_ROW_NORMAL);
		}
		pl_table_end(x->doc);
		if (lim < x->n_scope) {
			char b1[32], b2[32];
			S_notef(x, rp_labf(x, "pdf.note.top-n", "shown",
			    rp_int(lim, b1), "total", rp_int(x->n_scope, b2),
			    (const char *)NULL));
		}
	}
	free(o);
}

/* ---- quadrant ----------------------------------------------------------- */

static void
S_quadrant(struct rp_ctx *x, const struct rp_section *s,
    const struct S_agg *a)
{
	const struct evaluation *ev = x->ev;
	size_t i, k;
	int q;

	S_section(x, s, "pdf.quadrant");
	if (s->chart && x->n_scope > 0) {
		size_t step = (x->n_scope + S_MAX_POINTS - 1) / S_MAX_POINTS;
		size_t np = (x->n_scope + step - 1) / step;
		double *px = cv_malloc(np * sizeof(double));
		double *py = cv_malloc(np * sizeof(double));
		int *g = cv_malloc(np * sizeof(int));
		const char *gn[CFG_MAX_TIERS];
		struct pl_scatter_chart sc;

		/* every step-th customer in id order: deterministic */
		for (k = 0, i = 0; i < x->n_scope && k < np; i += step, k++) {
			const struct eval_customer *e = &ev->ec[x->scope[i]];
			px[k] = e->volume;
			py[k] = e->loyalty;
			g[k] = e->tier % PL_SERIES_MAX;
		}
		for (i = 0; i < ev->n_tiers && i < CFG_MAX_TIERS; i++)
			gn[i] = S_tier_label(x, (int)i);
		memset(&sc, 0, sizeof(sc));
		sc.title = rp_lab(x, "pdf.quad.chart");
		sc.x = px;
		sc.y = py;
		sc.group = g;
		sc.n = k;
		sc.xa.title = rp_lab(x, "col.volume");
		sc.xa.min = 0;
		sc.xa.max = 100;
		sc.xa.decimals = 0;
		sc.ya.title = rp_lab(x, "col.loyalty");
		sc.ya.min = 0;
		sc.ya.max = 100;
		sc.ya.decimals = 0;
		sc.split_x = ev->x_split;
		sc.split_y = ev->y_split;
		sc.zones[0] = label2(x->L, "quadrant-short.", "small-loyal");
		sc.zones[1] = label2(x->L, "quadrant-short.", "large-loyal");
		sc.zones[2] = label2(x->L, "quadrant-short.",
		    "small-disloyal");
		sc.zones[3] = label2(x->L, "quadrant-short.",
		    "large-disloyal");
		sc.group_names = gn;
		sc.n_groups = (int)ev->n_tiers;
		pl_chart_scatter(x->doc, pl_take(x->doc, 320), &sc);
		pl_space(x->doc, 6);
		{
			char b1[32], b2[32], b3[64], b4[64];
			S_notef(x, rp_labf(x, step > 1 ?
			    "pdf.quad.note-sampled" : "pdf.quad.note", "x",
			    S_fix(ev->x_split, 1, b3), "y",
			    S_fix(ev->y_split, 1, b4), "shown", rp_int(k, b1),
			    "total", rp_int(x->n_scope, b2),
			    (const char *)NULL));
		}
		free(px);
		free(py);
		free(g);
	}
	if (s->table) {
		struct pl_col cols[6] = {
			{ rp_lab(x, "col.quadrant"), 0, 3, PL_LEFT },
			{ rp_lab(x, "col.customers"), 0, 0.9f, PL_RIGHT },
			{ rp_lab(x, "col.share"), 0, 0.8f, PL_RIGHT },
			{ rp_lab(x, "col.revenue"), 0, 1.6f, PL_RIGHT },
			{ rp_lab(x, "col.revenue-share"), 0, 0.9f, PL_RIGHT },
			{ rp_lab(x, "col.gp"), 0, 1.5f, PL_RIGHT },
		};
		char c[6][64];
		const char *cells[6];

		for (q = 0; q < 6; q++)
			cells[q] = c[q];
		pl_table_begin(x->doc, cols, 6, RP_TABLE + 0.5f, 1);
		for (q = 0; q < 4; q++) {
			cells[0] = label2(x->L, "quadrant.", quadrant_keys[q]);
			rp_int(a->quad_n[q], c[1]);
			rp_pct(S_nshare(a->quad_n[q], a->n), 1, c[2]);
			S_money(a->quad_rev[q], c[3]);
			rp_pct(S_share(a->quad_rev[q], a->rev), 1, c[4]);
			S_money(a->quad_gp[q], c[5]);
			pl_table_row(x->doc, cells, 6, PL_ROW_NORMAL);
		}
		cells[0] = rp_lab(x, "word.total");
		rp_int(a->n, c[1]);
		strcpy(c[2], "100.0%");
		S_money(a->rev, c[3]);
		rp_pct(a->rev != 0 ? 1.0 : NAN, 1, c[4]);
		S_money(a->gp, c[5]);
		pl_table_row(x->doc, cells, 6, PL_ROW_TOTAL);
		pl_table_end(x->doc);
	}
}

/* ---- lifecycle and value groups ----------------------------------------- */

static void
S_class_table(struct rp_ctx *x, const char *head, const char *prefix,
    const char *const *keys, const size_t *n, const int64_t *rev, int nk,
    const struct S_agg *a)
{
	struct pl_col cols[5] = {
		{ rp_lab(x, "col.segment"), 0, 2.6f, PL_LEFT },
		{ rp_lab(x, "col.customers"), 0, 1, PL_RIGHT },
		{ rp_lab(x, "col.share"), 0, 1, PL_RIGHT },
		{ rp_lab(x, "col.revenue"), 0, 1.7f, PL_RIGHT },
		{ rp_lab(x, "col.revenue-share"), 0, 1, PL_RIGHT },
	};
	char c[5][64];
	const char *cells[5];
	int k;

	S_h2(x, head);
	for (k = 0; k < 5; k++)
		cells[k] = c[k];
	pl_table_begin(x->doc, cols, 5, RP_TABLE + 0.5f, 1);
	for (k = 0; k < nk; k++) {
		cells[0] = label2(x->L, prefix, keys[k]);
		rp_int(n[k], c[1]);
		rp_pct(S_nshare(n[k], a->n), 1, c[2]);
		S_money(rev[k], c[3]);
		rp_pct(S_share(rev[k], a->rev), 1, c[4]);
		pl_table_row(x->doc, cells, 5, PL_ROW_NORMAL);
	}
	pl_table_end(x->doc);
}

static void
S_classes(struct rp_ctx *x, const struct rp_section *s,
    const struct S_agg *a)
{
	S_section(x, s, "pdf.classes");
	S_class_table(x, rp_lab(x, "col.lifecycle"), "lifecycle.",
	    lifecycle_keys, a->life_n, a->life_rev, 5, a);
	if (s->chart) {
		const char *labs[5];
		double v[5];
		struct pl_bar_chart bc;
		int k;

		for (k = 0; k < 5; k++) {
			labs[k] = label2(x->L, "lifecycle.", lifecycle_keys[k]);
			v[k] = (double)a->life_n[k];
		}
		memset(&bc, 0, sizeof(bc));
		bc.title = rp_lab(x, "pdf.classes.chart");
		bc.labels = labs;
		bc.values = v;
		bc.n = 5;
		bc.value_labels = 1;
		bc.axis.decimals = 0;
		pl_chart_hbar(x->doc, pl_take(x->doc, 130), &bc);
		pl_space(x->doc, 10);
	}
	S_class_table(x, rp_lab(x, "col.value-group"), "value.",
	    value_group_keys, a->val_n, a->val_rev, 4, a);
}

/* ---- risk list ---------------------------------------------------------- */

static void
S_risk(struct rp_ctx *x, const struct rp_section *s, const struct S_agg *a)
{
	const struct evaluation *ev = x->ev;
	size_t *o = S_sorted(x, EV_BY_REVENUE), i, shown = 0, lim;
	struct pl_col cols[8] = {
		{ rp_lab(x, "col.id"), 0, 1.05f, PL_LEFT },
		{ rp_lab(x, "col.name"), 0, 3.0f, PL_LEFT },
		{ rp_lab(x, "col.tier"), 0, 0.5f, PL_LEFT },
		{ rp_lab(x, "col.flags"), 0, 1.8f, PL_LEFT },
		{ rp_lab(x, "col.revenue-cycle"), 0, 1.4f, PL_RIGHT },
		{ rp_lab(x, "pdf.col.margin"), 0, 0.8f, PL_RIGHT },
		{ rp_lab(x, "pdf.col.overdue"), 0, 1.35f, PL_RIGHT },
		{ rp_lab(x, "pdf.col.days-late"), 0, 0.8f, PL_RIGHT },
	};
	char c[8][256];
	const char *cells[8];
	int k;

	S_section(x, s, "pdf.risk");
	lim = (size_t)S_limit(s, S_DEF_RISK);
	if (a->n_flagged == 0) {
		pl_paragraph(x->doc, rp_lab(x, "pdf.risk.none"), RP_BODY, 0, 0);
		free(o);
		return;
	}
	for (k = 0; k < 8; k++)
		cells[k] = c[k];
	if (s->table) {
		pl_table_begin(x->doc, cols, 8, RP_TABLE - 0.5f, 1);
		for (i = 0; i < x->n_scope && shown < lim; i++) {
			const struct eval_customer *e = &ev->ec[o[i]];
			if (e->flags == 0)
				continue;
			cells[0] = e->c->id;
			cells[1] = S_name(e->c);
			cells[2] = ev->tiers[e->tier].key;
			rp_flags_text(x, e->flags, c[3], sizeof(c[3]));
			S_money(e->rev_cycle, c[4]);
			rp_pct(e->rev_cycle != 0 ? (double)e->gp_cycle /
			    (double)e->rev_cycle : NAN, 1, c[5]);
			if (e->c->credit.present)
				S_money(e->c->credit.overdue, c[6]);
			else
				strcpy(c[6], "-");
			S_fix(e->days_late, 0, c[7]);
			pl_table_row(x->doc, cells, 8, PL_ROW_NORMAL);
			shown++;
		}
		pl_table_end(x->doc);
		if (shown < a->n_flagged) {
			char b1[32], b2[32];
			S_notef(x, rp_labf(x, "pdf.note.risk-capped", "shown",
			    rp_int(shown, b1), "total",
			    rp_int(a->n_flagged, b2), (const char *)NULL));
		}
	}
	free(o);
}

/* ---- policies per segment ----------------------------------------------- */

static void
S_policies(struct rp_ctx *x, const struct rp_section *s, const char *mark)
{
	const struct recommend *rec = x->r->rec;
	size_t i, j, n;
	char b[32], pr[16], *t;

	S_section(x, s, "pdf.policies");
	if (rec == NULL || rec->n_seg == 0) {
		pl_paragraph(x->doc, rp_lab(x, "pdf.pol.none"), RP_BODY, 0, 0);
		return;
	}
	for (i = 0; i < rec->n_seg; i++) {
		const struct rec_segment *sg = &rec->seg[i];
		int is_tier = strcmp(sg->kind, "tier") == 0;
		struct pl_col cols[3] = {
			{ rp_lab(x, "pdf.col.priority"), 0, 0.55f, PL_RIGHT },
			{ rp_lab(x, "col.category"), 0, 1.1f, PL_LEFT },
			{ rp_lab(x, "col.policy"), 0, 5.3f, PL_LEFT },
		};

		n = sg->customers;
		if (mark != NULL) {
			n = 0;
			for (j = 0; j < x->n_scope; j++) {
				const struct eval_customer *e =
				    &x->ev->ec[x->scope[j]];
				if (is_tier ? strcmp(x->ev->tiers[e->tier].key,
				    sg->key) == 0 : strcmp(e->quadrant,
				    sg->key) == 0)
					n++;
			}
		}
		t = rp_labf(x, is_tier ? "pdf.pol.tier" : "pdf.pol.quadrant",
		    "segment", label2(x->L, is_tier ? "tier." : "quadrant.",
		    sg->key), "n", rp_int(n, b), (const char *)NULL);
		S_h2(x, t);
		free(t);
		if (sg->n_pol == 0) {
			pl_paragraph(x->doc, rp_lab(x, "word.none"), RP_BODY, 0,
			    0);
			continue;
		}
		pl_table_begin(x->doc, cols, 3, RP_TABLE - 0.5f, 1);
		for (j = 0; j < sg->n_pol; j++) {
			const struct pol_rec *p = &sg->pol[j];
			struct buf cell;
			const char *cells[3];

			buf_init(&cell);
			buf_printf(&cell, "%s\n%s", p->title, p->text);
			snprintf(pr, sizeof(pr), "%d", p->priority);
			cells[0] = pr;
			cells[1] = p->category_label;
			cells[2] = cell.data;
			pl_table_row(x->doc, cells, 3, PL_ROW_NORMAL);
			buf_free(&cell);
		}
		pl_table_end(x->doc);
	}
}

/* ---- migration ---------------------------------------------------------- */

static int
S_cmp_pc_id(const void *k, const void *b)
{
	return strcmp((const char *)k, ((const struct prior_customer *)b)->id);
}

static void
S_movers(struct rp_ctx *x, const char *head, int up, size_t lim,
    const char *mark)
{
	const struct prior *p = x->r->prior;
	const struct evaluation *ev = x->ev;
	struct pl_col cols[5] = {
		{ rp_lab(x, "col.id"), 0, 1, PL_LEFT },
		{ rp_lab(x, "col.name"), 0, 2.8f, PL_LEFT },
		{ rp_lab(x, "pdf.col.from-to"), 0, 1.1f, PL_CENTER },
		{ rp_lab(x, "col.score"), 0, 0.8f, PL_RIGHT },
		{ rp_lab(x, "pdf.col.moved-by"), 0, 3.2f, PL_LEFT },
	};
	char c[5][512];
	const char *cells[5];
	size_t i, shown = 0, total = 0;
	int k;

	for (i = 0; i < p->n_movers; i++)
		if ((p->movers[i].steps > 0) == up &&
		    S_in_scope(x, mark, p->movers[i].cur))
			total++;
	if (total == 0)
		return;
	S_h2(x, head);
	for (k = 0; k < 5; k++)
		cells[k] = c[k];
	pl_table_begin(x->doc, cols, 5, RP_TABLE - 0.5f, 1);
	for (i = 0; i < p->n_movers && shown < lim; i++) {
		const struct prior_mover *mv = &p->movers[i];
		const struct eval_customer *e = &ev->ec[mv->cur];
		size_t len = 0;
		char d[64];

		if ((mv->steps > 0) != up || !S_in_scope(x, mark, mv->cur))
			continue;
		cells[0] = e->c->id;
		cells[1] = S_name(e->c);
		{
			char *ft = rp_labf(x, "pdf.mig.from-to", "from",
			    p->pc[mv->old].tier, "to", ev->tiers[e->tier].key,
			    (const char *)NULL);
			snprintf(c[2], sizeof(c[2]), "%s", ft);
			free(ft);
		}
		S_fix(e->score, 1, c[3]);
		c[4][0] = '\0';
		for (k = 0; k < 3; k++) {
			if (mv->ind[k] < 0)
				continue;
			len += (size_t)snprintf(c[4] + len, len < sizeof(c[4]) ?
			    sizeof(c[4]) - len : 0, "%s%s %s%s", len ? x->sep :
			    "", label2(x->L, "ind.", ev->ind[mv->ind[k]].key),
			    mv->delta[k] > 0 ? "+" : "",
			    S_fix(mv->delta[k], 1, d));
			if (len >= sizeof(c[4]))
				break;
		}
		pl_table_row(x->doc, cells, 5, PL_ROW_NORMAL);
		shown++;
	}
	pl_table_end(x->doc);
	if (shown < total) {
		char b1[32], b2[32];
		S_notef(x, rp_labf(x, "pdf.note.top-n", "shown",
		    rp_int(shown, b1), "total", rp_int(total, b2),
		    (const char *)NULL));
	}
}

static void
S_migration(struct rp_ctx *x, const struct rp_section *s, const char *mark)
{
	const struct prior *p = x->r->prior;
	const struct evaluation *ev = x->ev;
	size_t nt = ev->n_tiers, i, j, lim;
	size_t mat[CFG_MAX_TIERS + 1][CFG_MAX_TIERS + 1];
	struct pl_col cols[CFG_MAX_TIERS + 3];
	char c[CFG_MAX_TIERS + 3][32];
	const char *cells[CFG_MAX_TIERS + 3];

	if (p == NULL) {
		/* the intro speaks of the prior; say why there is none */
		struct rp_section s2 = *s;
		s2.n_intro = 0;
		S_section(x, &s2, "pdf.migration");
		pl_paragraph(x->doc, rp_lab(x, "pdf.chg.none"), RP_BODY, 0, 0);
		return;
	}
	S_section(x, s, "pdf.migration");
	lim = (size_t)S_limit(s, S_DEF_MOVERS);
	memcpy(mat, p->matrix, sizeof(mat));
	if (mark != NULL) {
		/* recount for the customers in scope; lost ones are unknown */
		memset(mat, 0, sizeof(mat));
		for (i = 0; i < x->n_scope; i++) {
			const struct eval_customer *e = &ev->ec[x->scope[i]];
			const struct prior_customer *pc = bsearch(e->c->id,
			    p->pc, p->n, sizeof(*p->pc), S_cmp_pc_id);
			int old;
			if (pc == NULL) {
				mat[nt][e->tier]++;
				continue;
			}
			old = prior_tier_index(ev, pc->tier);
			mat[old < 0 ? nt - 1 : (size_t)old][e->tier]++;
		}
	}
	if (s->table) {
		S_h2(x, rp_lab(x, "pdf.mig.matrix"));
		cols[0].title = rp_lab(x, "pdf.col.from-to");
		cols[0].width = 0;
		cols[0].weight = 2.2f;
		cols[0].align = PL_LEFT;
		for (j = 0; j <= nt; j++) {
			cols[j + 1].title = j < nt ? ev->tiers[j].key :
			    rp_lab(x, "pdf.mig.lost");
			cols[j + 1].width = 0;
			cols[j + 1].weight = 1;
			cols[j + 1].align = PL_RIGHT;
		}
		cols[nt + 2].title = rp_lab(x, "word.total");
		cols[nt + 2].width = 0;
		cols[nt + 2].weight = 1;
		cols[nt + 2].align = PL_RIGHT;
		pl_table_begin(x->doc, cols, (int)nt + 3, RP_TABLE + 0.5f, 1);
		for (i = 0; i <= nt; i++) {
			size_t rs = 0;
			cells[0] = i < nt ? S_tier_label(x, (int)i) :
			    rp_lab(x, "pdf.mig.new");
			for (j = 0; j <= nt; j++) {
				if (i == nt && j == nt) {
					cells[j + 1] = "";
					continue;
				}
				if (j == nt && mark != NULL) {
					cells[j + 1] = "-";
					continue;
				}
				rs += mat[i][j];
				rp_int(mat[i][j], c[j + 1]);
				cells[j + 1] = c[j + 1];
			}
			rp_int(rs, c[nt + 2]);
			cells[nt + 2] = c[nt + 2];
			pl_table_row(x->doc, cells, (int)nt + 3, i == nt ?
			    PL_ROW_SECTION : PL_ROW_NORMAL);
		}
		pl_table_end(x->doc);
		S_note(x, rp_lab(x, "pdf.mig.matrix-note"));
	}
	S_movers(x, rp_lab(x, "pdf.mig.up"), 1, lim, mark);
	S_movers(x, rp_lab(x, "pdf.mig.down"), 0, lim, mark);
	{
		size_t *sel = cv_malloc((p->n_new + 1) * sizeof(*sel)), n = 0;
		for (i = 0; i < p->n_new; i++)
			if (S_in_scope(x, mark, p->new_cust[i]))
				sel[n++] = p->new_cust[i];
		if (n > 0) {
			struct pl_col cols2[4] = {
				{ rp_lab(x, "col.id"), 0, 1, PL_LEFT },
				{ rp_lab(x, "col.name"), 0, 3.5f, PL_LEFT },
				{ rp_lab(x, "col.tier"), 0, 1.3f, PL_LEFT },
				{ rp_lab(x, "col.revenue-cycle"), 0, 1.6f,
				    PL_RIGHT },
			};
			char m[64];
			S_h2(x, rp_lab(x, "pdf.mig.new-list"));
			pl_table_begin(x->doc, cols2, 4, RP_TABLE - 0.5f, 1);
			for (i = 0; i < n && i < lim; i++) {
				const struct eval_customer *e = &ev->ec[sel[i]];
				cells[0] = e->c->id;
				cells[1] = S_name(e->c);
				cells[2] = S_tier_label(x, e->tier);
				cells[3] = S_money(e->rev_cycle, m);
				pl_table_row(x->doc, cells, 4, PL_ROW_NORMAL);
			}
			pl_table_end(x->doc);
			if (n > lim) {
				char b1[32], b2[32];
				S_notef(x, rp_labf(x, "pdf.note.top-n",
				    "shown", rp_int(lim, b1), "total",
				    rp_int(n, b2), (const char *)NULL));
			}
		}
		free(sel);
	}
	if (mark == NULL && p->n_lost > 0) {
		struct pl_col cols3[3] = {
			{ rp_lab(x, "col.id"), 0, 1, PL_LEFT },
			{ rp_lab(x, "col.name"), 0, 4, PL_LEFT },
			{ rp_lab(x, "pdf.col.prior-tier"), 0, 1.2f, PL_LEFT },
		};
		S_h2(x, rp_lab(x, "pdf.mig.lost-list"));
		pl_table_begin(x->doc, cols3, 3, RP_TABLE - 0.5f, 1);
		for (i = 0; i < p->n_lost && i < lim; i++) {
			const struct prior_customer *pc = &p->pc[p->lost[i]];
			cells[0] = pc->id;
			cells[1] = pc->name != NULL && pc->name[0] ? pc->name :
			    pc->id;
			cells[2] = pc->tier;
			pl_table_row(x->doc, cells, 3, PL_ROW_NORMAL);
		}
		pl_table_end(x->doc);
		if (p->n_lost > lim) {
			char b1[32], b2[32];
			S_notef(x, rp_labf(x, "pdf.note.top-n", "shown",
			    rp_int(lim, b1), "total", rp_int(p->n_lost, b2),
			    (const char *)NULL));
		}
	}
}

/* ---- method appendix ---------------------------------------------------- */

static void
S_kv_table(struct rp_ctx *x, const char *const (*rows)[2], size_t n)
{
	struct pl_col cols[2] = {
		{ rp_lab(x, "pdf.col.item"), 0, 1.3f, PL_LEFT },
		{ rp_lab(x, "col.value"), 0, 3.5f, PL_LEFT },
	};
	size_t i;

	pl_table_begin(x->doc, cols, 2, RP_TABLE, 0);
	for (i = 0; i < n; i++)
		pl_table_row(x->doc, rows[i], 2, PL_ROW_NORMAL);
	pl_table_end(x->doc);
}

/* A quadrant axis: an indicator's name, or volume / loyalty / score. */
static const char *
S_axis(struct rp_ctx *x, const char *key)
{
	if (indicator_index(key) >= 0)
		return label2(x->L, "ind.", key);
	return label2(x->L, "pdf.axis.", key);
}

static void
S_method(struct rp_ctx *x, const struct rp_section *s)
{
	const struct evaluation *ev = x->ev;
	const struct config *cfg = x->r->cfg;
	const char *rows[8][2];
	char ahp[128], split[160], sch[128];
	size_t i, nr = 0;

	S_section(x, s, "pdf.method");
	S_h2(x, rp_lab(x, "pdf.method.settings"));
	rows[nr][0] = rp_lab(x, "pdf.method.normalisation");
	rows[nr++][1] = label2(x->L, "pdf.norm.", cfg->normalization);
	rows[nr][0] = rp_lab(x, "pdf.method.weighting");
	rows[nr++][1] = label2(x->L, "pdf.wt.", cfg->weighting);
	if (ev->weighting_note[0] != '\0' &&
	    strcmp(ev->weighting_note, cfg->weighting) != 0) {
		/* the evaluation's own formula, e.g. "combined: 0.50 x ..." */
		rows[nr][0] = rp_lab(x, "pdf.method.weighting-note");
		rows[nr++][1] = ev->weighting_note;
	}
	rows[nr][0] = rp_lab(x, "pdf.method.scoring");
	rows[nr++][1] = label2(x->L, "pdf.scoring.", cfg->scoring);
	if (strcmp(cfg->weighting, "ahp") == 0 ||
	    (ev->ahp_cr > 0 && !isnan(ev->ahp_cr))) {
		char t1[64], t2[64], t3[64];
		snprintf(ahp, sizeof(ahp), "lambda max %s, CI %s, CR %s",
		    S_fix(ev->ahp_lambda, 4, t1), S_fix(ev->ahp_ci, 4, t2),
		    S_fix(ev->ahp_cr, 4, t3));
		rows[nr][0] = rp_lab(x, "pdf.method.ahp");
		rows[nr++][1] = ahp;
	}
	snprintf(sch, sizeof(sch), "%s", label2(x->L, "pdf.scheme.",
	    cfg->tier_scheme));
	rows[nr][0] = rp_lab(x, "pdf.method.tier-scheme");
	rows[nr++][1] = sch;
	{
		char t1[64], t2[64];
		char *q = rp_labf(x, "pdf.method.split-value", "x",
		    S_axis(x, cfg->quad_x), "xv",
		    S_fix(ev->x_split, 2, t1), "y",
		    S_axis(x, cfg->quad_y), "yv",
		    S_fix(ev->y_split, 2, t2), "how",
		    label2(x->L, "pdf.split.", cfg->quad_split),
		    (const char *)NULL);
		snprintf(split, sizeof(split), "%s", q);
		free(q);
	}
	rows[nr][0] = rp_lab(x, "pdf.method.split");
	rows[nr++][1] = split;
	S_kv_table(x, (const char *const (*)[2])rows, nr);

	/* cycle years */
	S_h2(x, rp_lab(x, "pdf.method.years"));
	{
		struct pl_col cols[3] = {
			{ rp_lab(x, "pdf.col.year"), 0, 1, PL_LEFT },
			{ rp_lab(x, "col.date-range"), 0, 2.2f, PL_LEFT },
			{ rp_lab(x, "col.weight"), 0, 1, PL_RIGHT },
		};
		const struct model *m = x->r->m;
		char c[3][64];
		const char *cells[3] = { c[0], c[1], c[2] };
		int y;

		pl_table_begin(x->doc, cols, 3, RP_TABLE, 1);
		for (y = 0; y < m->cycle_years; y++) {
			int yy, mm, dd;
			char d1[16], d2[16];
			int32_t start, end;
			cv_civil_from_days(m->window_start, &yy, &mm, &dd);
			start = cv_days_from_civil(yy + y, mm, dd);
			end = cv_days_from_civil(yy + y + 1, mm, dd) - 1;
			snprintf(c[0], 64, "%d", y + 1);
			snprintf(c[1], 64, "%s – %s", cv_date_str(start, d1),
			    cv_date_str(end, d2));
			rp_pct(y < cfg->n_year_weights ? cfg->year_weights[y] :
			    NAN, 1, c[2]);
			pl_table_row(x->doc, cells, 3, PL_ROW_NORMAL);
		}
		pl_table_end(x->doc);
	}

	/* indicators */
	S_h2(x, rp_lab(x, "pdf.method.indicators"));
	{
		struct pl_col cols[5] = {
			{ rp_lab(x, "col.indicator"), 0, 3, PL_LEFT },
			{ rp_lab(x, "col.direction"), 0, 1.1f, PL_LEFT },
			{ rp_lab(x, "col.weight"), 0, 0.8f, PL_RIGHT },
			{ rp_lab(x, "col.data"), 0, 0.9f, PL_RIGHT },
			{ rp_lab(x, "pdf.col.status"), 0, 2.2f, PL_LEFT },
		};
		char c[5][64];
		const char *cells[5];
		int k;

		for (k = 0; k < 5; k++)
			cells[k] = c[k];
		pl_table_begin(x->doc, cols, 5, RP_TABLE - 0.5f, 1);
		for (i = 0; i < ev->n_ind; i++) {
			const struct ind_info *in = &ev->ind[i];
			cells[0] = label2(x->L, "ind.", in->key);
			cells[1] = rp_lab(x, in->dir > 0 ? "dir.benefit" :
			    "dir.cost");
			rp_pct(in->weight, 1, c[2]);
			rp_int(in->n_data, c[3]);
			cells[4] = rp_lab(x, in->excluded ? "pdf.status.no-data" :
			    in->weight > 0 ? "pdf.status.used" :
			    "pdf.status.reference");
			pl_table_row(x->doc, cells, 5, PL_ROW_NORMAL);
		}
		pl_table_end(x->doc);
		for (i = 0; i < ev->n_ind; i++)
			if (ev->ind[i].excluded) {
				S_notef(x, rp_labf(x, "pdf.method.left-out",
				    (const char *)NULL));
				break;
			}
	}

	/* tier cut-offs */
	S_h2(x, rp_lab(x, "pdf.method.cutoffs"));
	{
		struct pl_col cols[4] = {
			{ rp_lab(x, "col.tier"), 0, 2, PL_LEFT },
			{ rp_lab(x, "pdf.col.setting"), 0, 1.4f, PL_RIGHT },
			{ rp_lab(x, "col.score-range"), 0, 1.6f, PL_RIGHT },
			{ rp_lab(x, "col.customers"), 0, 1, PL_RIGHT },
		};
		char c[4][64];
		const char *cells[4];
		int k;

		for (k = 0; k < 4; k++)
			cells[k] = c[k];
		pl_table_begin(x->doc, cols, 4, RP_TABLE, 1);
		for (i = 0; i < ev->n_tiers; i++) {
			const struct tier_info *t = &ev->tiers[i];
			char lo[64], hi[64];
			cells[0] = S_tier_label(x, (int)i);
			c[1][0] = '\0';
			if ((int)i < cfg->n_tiers) {
				const struct tier_cfg *tc = &cfg->tiers[i];
				if (strcmp(cfg->tier_scheme, "share") == 0)
					rp_pct(tc->share, 0, c[1]);
				else if (strcmp(cfg->tier_scheme, "cutoff") ==
				    0)
					S_fix(tc->cutoff, 1, c[1]);
				else
					rp_pct(tc->cum, 0, c[1]);
			}
			if (t->count > 0)
				snprintf(c[2], 64, "%s – %s",
				    S_fix(t->min_score, 2, lo),
				    S_fix(t->max_score, 2, hi));
			else
				strcpy(c[2], "-");
			rp_int(t->count, c[3]);
			pl_table_row(x->doc, cells, 4, PL_ROW_NORMAL);
		}
		pl_table_end(x->doc);
	}
}

/* ---- data-quality appendix ---------------------------------------------- */

static const char *
S_base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
}

static void
S_data_quality(struct rp_ctx *x, const struct rp_section *s)
{
	const struct model *m = x->r->m;
	const struct evaluation *ev = x->ev;
	size_t i;
	int k;

	S_section(x, s, "pdf.data-quality");
	S_h2(x, rp_lab(x, "pdf.dq.files"));
	{
		struct pl_col cols[8] = {
			{ rp_lab(x, "col.file"), 0, 1.9f, PL_LEFT },
			{ rp_lab(x, "col.encoding"), 0, 1.05f, PL_LEFT },
			{ rp_lab(x, "col.rows-read"), 0, 0.95f, PL_RIGHT },
			{ rp_lab(x, "col.rows-accepted"), 0, 0.95f, PL_RIGHT },
			{ rp_lab(x, "col.rows-rejected"), 0, 0.85f, PL_RIGHT },
			{ rp_lab(x, "col.rows-outside"), 0, 0.85f, PL_RIGHT },
			{ rp_lab(x, "col.date-range"), 0, 1.55f, PL_LEFT },
			{ "SHA-256", 0, 1.15f, PL_LEFT },
		};
		char c[8][128];
		const char *cells[8];

		for (k = 0; k < 8; k++)
			cells[k] = c[k];
		pl_table_begin(x->doc, cols, 8, RP_TABLE - 1, 1);
		for (i = 0; i < m->n_inputs; i++) {
			const struct input_stats *in = &m->inputs[i];
			char d1[16], d2[16];
			snprintf(c[0], sizeof(c[0]), "%s\n%s", S_base(in->path),
			    label2(x->L, "pdf.kind.", in->kind));
			snprintf(c[1], sizeof(c[1]), "%s", in->encoding ?
			    in->encoding : "");
			rp_int(in->rows_read, c[2]);
			rp_int(in->rows_accepted, c[3]);
			rp_int(in->rows_rejected, c[4]);
			rp_int(in->rows_outside, c[5]);
			if (in->date_min != CV_DATE_NONE &&
			    in->date_max != CV_DATE_NONE &&
			    in->date_min != 0)
				snprintf(c[6], sizeof(c[6]), "%s –\n%s",
				    cv_date_str(in->date_min, d1),
				    cv_date_str(in->date_max, d2));
			else
				strcpy(c[6], "-");
			snprintf(c[7], sizeof(c[7]), "%.12s", in->sha256);
			pl_table_row(x->doc, cells, 8, PL_ROW_NORMAL);
		}
		pl_table_end(x->doc);
	}
	S_h2(x, rp_lab(x, "pdf.dq.rejects"));
	if (m->n_reasons == 0)
		pl_paragraph(x->doc, rp_lab(x, "pdf.dq.no-rejects"), RP_BODY, 0,
		    0);
	else {
		struct pl_col cols[3] = {
			{ rp_lab(x, "col.kind"), 0, 1, PL_LEFT },
			{ rp_lab(x, "col.reason"), 0, 4.5f, PL_LEFT },
			{ rp_lab(x, "col.count"), 0, 0.9f, PL_RIGHT },
		};
		char cnt[32], why[1200];
		const char *cells[3];

		pl_table_begin(x->doc, cols, 3, RP_TABLE - 0.5f, 1);
		for (i = 0; i < m->n_reasons; i++) {
			/* Rows are grouped by reason; the text is the first
			 * row's, so with several rows it is an example. */
			cells[0] = label2(x->L, "pdf.kind.", m->reasons[i].kind);
			if (m->reasons[i].count > 1) {
				const char *eg = rp_lab(x, "check.example");
				size_t n = strlen(eg);
				/* a space after a Latin label only */
				snprintf(why, sizeof(why), "%s%s%s", eg,
				    n > 0 && (unsigned char)eg[n - 1] < 0x80 ?
				    " " : "", m->reasons[i].text);
				cells[1] = why;
			} else
				cells[1] = m->reasons[i].text;
			cells[2] = rp_int(m->reasons[i].count, cnt);
			pl_table_row(x->doc, cells, 3, PL_ROW_NORMAL);
		}
		pl_table_end(x->doc);
	}
	S_h2(x, rp_lab(x, "pdf.dq.reconcile"));
	{
		struct pl_col cols[4] = {
			{ rp_lab(x, "pdf.col.item"), 0, 3, PL_LEFT },
			{ rp_lab(x, "pdf.col.in-files"), 0, 1.6f, PL_RIGHT },
			{ rp_lab(x, "pdf.col.in-report"), 0, 1.6f, PL_RIGHT },
			{ rp_lab(x, "pdf.col.difference"), 0, 1.2f, PL_RIGHT },
		};
		int64_t f_rev = 0, f_cost = 0, f_pay = 0, c_rev = 0;
		char c[4][64];
		const char *cells[4] = { NULL, c[1], c[2], c[3] };

		for (i = 0; i < m->n_inputs; i++) {
			if (strcmp(m->inputs[i].kind, "sales") == 0) {
				f_rev += m->inputs[i].amount_total;
				f_cost += m->inputs[i].cost_total;
			} else if (strcmp(m->inputs[i].kind, "payments") == 0)
				f_pay += m->inputs[i].amount_total;
		}
		for (i = 0; i < ev->n; i++)
			c_rev += ev->ec[i].rev_cycle;
		pl_table_begin(x->doc, cols, 4, RP_TABLE, 1);
		cells[0] = rp_lab(x, "pdf.dq.rev-all");
		S_money(f_rev, c[1]);
		S_money(m->revenue_total, c[2]);
		S_money(f_rev - m->revenue_total, c[3]);
		pl_table_row(x->doc, cells, 4, PL_ROW_NORMAL);
		cells[0] = rp_lab(x, "pdf.dq.cost-all");
		S_money(f_cost, c[1]);
		S_money(m->cost_total, c[2]);
		S_money(f_cost - m->cost_total, c[3]);
		pl_table_row(x->doc, cells, 4, PL_ROW_NORMAL);
		cells[0] = rp_lab(x, "pdf.dq.payments");
		S_money(f_pay, c[1]);
		S_money(m->payments_total, c[2]);
		S_money(f_pay - m->payments_total, c[3]);
		pl_table_row(x->doc, cells, 4, PL_ROW_NORMAL);
		cells[0] = rp_lab(x, "pdf.dq.rev-window");
		S_money(m->revenue_in_window, c[1]);
		S_money(c_rev, c[2]);
		S_money(m->revenue_in_window - c_rev, c[3]);
		pl_table_row(x->doc, cells, 4, PL_ROW_NORMAL);
		pl_table_end(x->doc);
		S_note(x, rp_lab(x, "pdf.dq.reconcile-note"));
	}
}

/* ---- scorecards --------------------------------------------------------- */

/* Is the tier key listed in cfg->scorecard_tiers ("A B")? */
static int
S_card_tier(const char *list, const char *key)
{
	size_t n = strlen(key);
	const char *p = list;

	while (*p != '\0') {
		size_t l;
		while (*p == ' ' || *p == ',' || *p == '\t')
			p++;
		l = strcspn(p, " ,\t");
		if (l == n && strncmp(p, key, n) == 0)
			return 1;
		p += l;
	}
	return 0;
}

/* Customers that get a scorecard, in rank order; *n_all before the cap. */
static size_t *
S_card_list(struct rp_ctx *x, size_t cap, size_t *n, size_t *n_all)
{
	const struct evaluation *ev = x->ev;
	const char *tl = x->r->cfg->scorecard_tiers != NULL ?
	    x->r->cfg->scorecard_tiers : "A B";
	size_t *o = S_sorted(x, EV_BY_RANK), i, k = 0;
	char listed[CFG_MAX_TIERS];
	int t;

	for (t = 0; t < CFG_MAX_TIERS; t++)
		listed[t] = (size_t)t < ev->n_tiers &&
		    S_card_tier(tl, ev->tiers[t].key);
	for (i = 0; i < x->n_scope; i++) {
		const struct eval_customer *e = &ev->ec[o[i]];
		if (e->flags != 0 || (e->tier >= 0 && e->tier < CFG_MAX_TIERS ?
		    listed[e->tier] : S_card_tier(tl, ev->tiers[e->tier].key)))
			o[k++] = o[i];
	}
	*n_all = k;
	*n = k < cap ? k : cap;
	return o;
}

static void
S_scorecards(struct rp_ctx *x, const struct rp_section *s)
{
	size_t n, n_all, i, *o;
	char b1[32], b2[32];

	o = S_card_list(x, (size_t)S_limit(s, S_DEF_CARDS), &n, &n_all);
	rp_vars_set(&x->vars, "scorecards", rp_int(n, b1));
	S_section(x, s, "pdf.scorecards");
	if (n < n_all)
		S_notef(x, rp_labf(x, "pdf.note.cards-capped", "shown",
		    rp_int(n, b1), "total", rp_int(n_all, b2),
		    (const char *)NULL));
	if (n == 0)
		pl_paragraph(x->doc, rp_lab(x, "pdf.cards.none"), RP_BODY, 0,
		    0);
	for (i = 0; i < n; i++)
		rp_scorecard(x, o[i], 2, i > 0);
	free(o);
}

/* ---- the document ------------------------------------------------------- */

static int
S_open(struct rp_ctx *x, const struct report *r, const char *path,
    struct diag *d)
{
	const struct config *cfg = r->cfg;
	const struct model *m = r->m;
	struct pl_palette pal;
	char err[256], b[64], d1[16], d2[16], *tp, *xsd;
	const char *font;
	int idx = r->font_index, y, mo, dd;
	size_t i;

	memset(x, 0, sizeof(*x));
	x->r = r;
	x->d = d;
	x->ev = r->ev;
	x->L = r->labels;
	x->sep = rp_lab(x, "pdf.sep");
	tp = rp_template_path(r);
	xsd = rp_xsd_path(r);
	x->tpl = rp_template_load(tp, xsd, d);
	free(tp);
	free(xsd);
	if (x->tpl == NULL)
		return -1;
	font = pl_font_choose(r->font_path, cfg->lang == LANG_ZH_TW, &idx);
	if (font == NULL || (x->doc = pl_doc_new(font, idx, err,
	    sizeof(err))) == NULL) {
		diag_add(d, D_RENDER_FAILED, path, 0L, 0L, "PDF", font == NULL ?
		    "no usable font" : err);
		rp_template_free((struct rp_template *)x->tpl);
		x->tpl = NULL;
		return -1;
	}
	/* scope */
	if (r->subset != NULL) {
		x->subset = 1;
		x->own_scope = cv_malloc((r->n_subset + 1) * sizeof(size_t));
		for (i = 0; i < r->n_subset; i++)
			if (r->subset[i] < r->ev->n)
				x->own_scope[x->n_scope++] = r->subset[i];
		qsort(x->own_scope, x->n_scope, sizeof(size_t), S_cmp_idx);
	} else {
		x->own_scope = cv_malloc((r->ev->n + 1) * sizeof(size_t));
		for (i = 0; i < r->ev->n; i++)
			x->own_scope[i] = i;
		x->n_scope = r->ev->n;
	}
	x->scope = x->own_scope;

	pl_palette_default(&pal);
	if (cfg->accent != NULL && cfg->accent[0] != '\0') {
		unsigned long rgb = strtoul(cfg->accent + (cfg->accent[0] ==
		    '#'), NULL, 16);
		struct pl_rgb c = pl_rgb_hex(rgb);
		pl_palette_accent(&pal, c.r, c.g, c.b);
	}
	pl_doc_set_palette(x->doc, &pal);
	cv_civil_from_days(m->as_of, &y, &mo, &dd);
	pl_doc_set_date(x->doc, y, mo, dd);

	/* placeholders: title .. as_of first (the cover reads v[3], v[4]) */
	rp_vars_set(&x->vars, "title", S_title(x));
	rp_vars_set(&x->vars, "client", cfg->client);
	rp_vars_set(&x->vars, "consultant", cfg->consultant);
	snprintf(err, sizeof(err), "%s – %s", cv_date_str(m->window_start, d1),
	    cv_date_str(m->as_of, d2));
	rp_vars_set(&x->vars, "period", err);
	rp_vars_set(&x->vars, "as_of", cv_date_str(m->as_of, d1));
	rp_vars_set(&x->vars, "customers", rp_int(x->n_scope, b));
	rp_vars_set(&x->vars, "scope", r->subset_label != NULL ?
	    r->subset_label : "");
	snprintf(b, sizeof(b), "%d", m->cycle_years);
	rp_vars_set(&x->vars, "cycle_years", b);
	rp_vars_set(&x->vars, "prior_as_of", r->prior != NULL ?
	    r->prior->as_of : "-");
	return 0;
}

static void
S_close(struct rp_ctx *x)
{
	int k;

	for (k = 0; k < RP_N_ORDERS; k++)
		free(x->order[k]);
	pl_doc_free(x->doc);
	rp_template_free((struct rp_template *)x->tpl);
	free(x->own_scope);
}

/* Characters the font lacks were drawn as '?': say so once. */
static void
S_replaced(struct rp_ctx *x)
{
	char b[32], *t;

	if (pl_doc_replaced(x->doc) == 0)
		return;
	t = rp_labf(x, "pdf.replaced", "n", rp_int(pl_doc_replaced(x->doc), b),
	    (const char *)NULL);
	diag_add(x->d, D_PDF_WARNING, NULL, 0L, 0L, t);
	free(t);
}

static int
S_save(struct rp_ctx *x, const char *path, struct diag *d)
{
	char err[256];

	if (pl_doc_save(x->doc, path, err, sizeof(err)) != 0) {
		diag_add(d, D_RENDER_FAILED, path, 0L, 0L, "PDF", err);
		return -1;
	}
	return 0;
}

static void
S_decorate(struct rp_ctx *x, const char *subject)
{
	const struct config *cfg = x->r->cfg;
	char kw[512];
	struct buf hr;

	snprintf(kw, sizeof(kw), "%s", rp_lab(x, "pdf.keywords"));
	pl_doc_set_info(x->doc, S_title(x), cfg->consultant[0] ?
	    cfg->consultant : cfg->client, subject, kw, "custeval");
	buf_init(&hr);
	buf_puts(&hr, cfg->client);
	if (x->subset && x->r->subset_label != NULL &&
	    x->r->subset_label[0] != '\0') {
		if (hr.len > 0)
			buf_puts(&hr, " · ");
		buf_puts(&hr, x->r->subset_label);
	}
	pl_doc_set_decoration(x->doc, S_title(x), hr.data != NULL ? hr.data :
	    "", x->vars.v[4].value, rp_lab(x, "pdf.page-of"));
	buf_free(&hr);
}

int
render_pdf(const struct report *r, const char *path, struct diag *d)
{
	struct rp_ctx x;
	struct S_agg a;
	char b1[64], b2[64], b3[64], *mark = NULL, *subj;
	const struct rp_section *sc;
	size_t i, n, n_all, *o;
	int rc, toc = 0;

	if (S_open(&x, r, path, d) != 0)
		return -1;
	S_aggregate(&x, &a);
	rp_vars_set(&x.vars, "revenue", S_money0(a.rev, b1));
	rp_vars_set(&x.vars, "profit", S_money0(a.gp, b1));
	rp_vars_set(&x.vars, "margin", rp_pct(S_share(a.gp, a.rev), 1, b1));
	rp_vars_set(&x.vars, "top20_revenue", rp_pct(a.top20_rev, 1, b1));
	rp_vars_set(&x.vars, "top20_profit", rp_pct(a.top20_gp, 1, b1));
	/* Whether the 80/20 pattern holds is read off the data, not assumed:
	 * "holds" when the top fifth brings at least 70% of revenue. */
	rp_vars_set(&x.vars, "pareto_verdict", label(r->labels,
	    !isnan(a.top20_rev) && a.top20_rev >= 0.70 ?
	    "pdf.pareto.verdict-holds" : "pdf.pareto.verdict-spread"));
	rp_vars_set(&x.vars, "flagged", rp_int(a.n_flagged, b1));
	sc = rp_section(x.tpl, RP_SCORECARDS);
	o = S_card_list(&x, (size_t)S_limit(sc, S_DEF_CARDS), &n, &n_all);
	free(o);
	rp_vars_set(&x.vars, "scorecards", rp_int(n, b1));
	if (x.subset) {
		mark = cv_calloc(r->ev->n + 1, 1);
		for (i = 0; i < x.n_scope; i++)
			mark[x.scope[i]] = 1;
	}
	subj = rp_labf(&x, "pdf.subject", "customers", rp_int(x.n_scope, b2),
	    "as_of", x.vars.v[4].value, (const char *)NULL);
	S_decorate(&x, subj);
	free(subj);
	(void)b3;

	for (i = 0; i < x.tpl->n_sec; i++) {
		const struct rp_section *s = &x.tpl->sec[i];
		switch (s->kind) {
		case RP_COVER:
			S_cover(&x, s);
			break;
		case RP_CONTENTS:
			pl_toc_reserve(x.doc, 1);
			toc = 1;
			break;
		case RP_SUMMARY:
			S_summary(&x, s, &a, mark);
			break;
		case RP_TIERS:
			S_tiers(&x, s, &a);
			break;
		case RP_PARETO:
			S_pareto(&x, s, &a);
			break;
		case RP_QUADRANT:
			S_quadrant(&x, s, &a);
			break;
		case RP_CLASSES:
			S_classes(&x, s, &a);
			break;
		case RP_RISK:
			S_risk(&x, s, &a);
			break;
		case RP_POLICIES:
			S_policies(&x, s, mark);
			break;
		case RP_MIGRATION:
			S_migration(&x, s, mark);
			break;
		case RP_METHOD:
			S_method(&x, s);
			break;
		case RP_DATA_QUALITY:
			S_data_quality(&x, s);
			break;
		case RP_SCORECARDS:
			S_scorecards(&x, s);
			break;
		case RP__COUNT:
			break;
		}
	}
	if (toc) {
		const struct rp_section *s = rp_section(x.tpl, RP_CONTENTS);
		char *t = rp_expand(s->title[0] ? s->title :
		    rp_lab(&x, "pdf.contents"), &x.vars);
		pl_toc_render(x.doc, t, 1);
		free(t);
	}
	if (pl_page_count(x.doc) == 0)
		pl_page_new(x.doc, PL_PORTRAIT, 1);
	S_replaced(&x);
	rc = S_save(&x, path, d);
	free(mark);
	S_close(&x);
	return rc;
}

/* A letter to one customer: cover letter, scorecard, policies, checklist. */
int
render_pdf_scorecard(const struct report *r, size_t i, const char *path,
    struct diag *d)
{
	struct rp_ctx x;
	const struct config *cfg;
	struct pl_doc *doc;
	char *subj;
	size_t k;
	int rc;

	if (i >= r->ev->n) {
		diag_add(d, D_RENDER_FAILED, path, 0L, 0L, "PDF",
		    "customer index out of range");
		return -1;
	}
	if (S_open(&x, r, path, d) != 0)
		return -1;
	cfg = r->cfg;
	doc = x.doc;
	rp_customer_vars(&x, i);
	subj = rp_labf(&x, "pdf.letter.subject", (const char *)NULL);
	S_decorate(&x, subj);
	free(subj);

	pl_page_new(doc, PL_PORTRAIT, 1);
	if (cfg->logo != NULL && cfg->logo[0] != '\0') {
		char err[256];
		if (pl_image(doc, cfg->logo, pl_left(doc), pl_y(doc) - 50, 150,
		    50, err, sizeof(err)) == 0)
			pl_space(doc, 62);
	}
	pl_paragraph_ex(doc, cfg->client, 12, 0, 0, 18, PL_LEFT,
	    &pl_doc_palette(doc)->accent);
	if (cfg->consultant[0] != '\0')
		pl_paragraph_ex(doc, cfg->consultant, RP_BODY, 0, 0, 14,
		    PL_LEFT, &pl_doc_palette(doc)->muted);
	pl_paragraph_ex(doc, x.vars.v[4].value, RP_BODY, 0, 0, 14, PL_RIGHT,
	    &pl_doc_palette(doc)->muted);
	pl_space(doc, 10);
	pl_rule(doc);
	pl_space(doc, 14);
	{
		char *t = rp_labf(&x, "pdf.letter.title", (const char *)NULL);
		pl_heading(doc, 1, t);
		free(t);
	}
	if (x.tpl->greeting != NULL) {
		char *t = rp_expand(x.tpl->greeting, &x.vars);
		pl_paragraph(doc, t, 10.5f, 0, 18);
		free(t);
		for (k = 0; k < x.tpl->n_para; k++) {
			t = rp_expand(x.tpl->para[k], &x.vars);
			pl_paragraph(doc, t, 10.5f, 0, 19);
			pl_space(doc, 4);
			free(t);
		}
		pl_space(doc, 12);
		t = rp_expand(x.tpl->closing, &x.vars);
		pl_paragraph(doc, t, 10.5f, 0, 18);
		free(t);
		t = rp_expand(x.tpl->signature, &x.vars);
		pl_paragraph_ex(doc, t, 10.5f, 0, 0, 18, PL_RIGHT, NULL);
		free(t);
	}
	rp_scorecard(&x, i, 1, 1);
	S_replaced(&x);
	rc = S_save(&x, path, d);
	S_close(&x);
	return rc;
}
