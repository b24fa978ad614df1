/* render_pdf_card.c: one customer's scorecard page (pack and letter): classes, indicator bars, revenue trend, explanation, policies, checklist. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labels.h"
#include "policy.h"
#include "recommend.h"
#include "render_pdf_int.h"
#include "util.h"

static const char *
S_name(const struct customer *c)
{
	return c->name[0] != '\0' ? c->name : c->id;
}

/* A row of small tiles: value over label. */
static void
S_tiles(struct rp_ctx *x, const char *const *vals, const char *const *labs,
    int n)
{
	struct pl_doc *doc = x->doc;
	const struct pl_palette *pal = pl_doc_palette(doc);
	struct pl_box b = pl_take(doc, 36);
	float gap = 5, w = (b.w - gap * (float)(n - 1)) / (float)n;
	struct buf k;
	int i;

	/* the tiles and their labels are the same on every card: a stamp */
	buf_init(&k);
	buf_add(&k, "tiles", 6);
	buf_add(&k, (const char *)&n, sizeof(n));
	buf_add(&k, (const char *)&b.w, sizeof(b.w));
	buf_add(&k, (const char *)&b.h, sizeof(b.h));
	for (i = 0; i < n; i++) {
		size_t len = strlen(labs[i]);

		buf_add(&k, (const char *)&len, sizeof(len));
		buf_add(&k, labs[i], len);
	}
	if (pl_stamp_begin(doc, k.data, k.len, b.x, b.y))
		for (i = 0; i < n; i++) {
			float bx = b.x + (float)i * (w + gap);
			pl_fill_rect(doc, bx, b.y, w, b.h, &pal->zebra);
			pl_fill_rect(doc, bx, b.y + b.h - 2, w, 2,
			    &pal->accent);
			pl_text_fit(doc, bx + 6, b.y + 5, w - 10,
			    RP_CAPTION - 0.5f, PL_LEFT, &pal->muted, labs[i]);
		}
	pl_stamp_end(doc);
	buf_free(&k);
	for (i = 0; i < n; i++) {
		float bx = b.x + (float)i * (w + gap), fs = 11;

		while (fs > 7.5f && pl_text_width(doc, vals[i], fs) > w - 10)
			fs -= 0.5f;
		pl_text_fit(doc, bx + 6, b.y + 17, w - 10, fs, PL_LEFT,
		    &pal->accent, vals[i]);
	}
	pl_space(doc, 5);
}

static void S_explain(struct rp_ctx *x, const struct eval_customer *e,
    float indent, float width);

static void
S_money_fmt(double v, char *buf, size_t n, void *ctx)
{
	char t[64];
	double a = fabs(v);

	(void)ctx;
	if (a >= 1e6)
		snprintf(buf, n, "%sM", pl_fixed(v / 1e6, a >= 1e7 ? 0 : 1, t));
	else if (a >= 1e3)
		snprintf(buf, n, "%sk", pl_fixed(v / 1e3, a >= 1e4 ? 0 : 1, t));
	else
		snprintf(buf, n, "%s", pl_fixed(v, 0, t));
}

/* Height of the chart row for n indicator bars: 8.5 points a bar. */
static float
S_chart_h(size_t n)
{
	float h = 26 + 8.5f * (float)(n > 8 ? n : 8);

	return h < 165 ? 165 : h;
}

static void
S_charts(struct rp_ctx *x, const struct eval_customer *e)
{
	const struct evaluation *ev = x->ev;
	const struct model *m = x->r->m;
	const char *labs[IND_MAX];
	double vals[IND_MAX];
	size_t i, n = 0;
	struct pl_box b, l, r;
	float h;

	for (i = 0; i < ev->n_ind; i++) {
		if (!(ev->ind[i].weight > 0))
			continue;
		/* short names in the chart (a custom labels file may lack
		 * them: then the full name) */
		labs[n] = label2(x->L, "pdf.ind-short.", ev->ind[i].key);
		if (labs[n] == ev->ind[i].key)
			labs[n] = label2(x->L, "ind.", ev->ind[i].key);
		vals[n] = isnan(e->norm[i]) ? 0 : 100.0 * e->norm[i];
		n++;
	}
	h = S_chart_h(n);
	b = pl_take(x->doc, h);
	l = r = b;
	l.w = b.w * 0.56f;
	r.x = b.x + b.w * 0.60f;
	r.w = b.w * 0.40f;
	r.y = b.y + b.h - 128;
	r.h = 128;
	if (n > 0) {
		struct pl_bar_chart bc;

		memset(&bc, 0, sizeof(bc));
		bc.title = rp_lab(x, "pdf.card.bars");
		bc.labels = labs;
		bc.values = vals;
		bc.n = n;
		bc.axis.min = 0;
		bc.axis.max = 100;
		bc.axis.ticks = 5;
		bc.axis.decimals = 0;
		bc.value_labels = 1;
		bc.has_ref = 1;
		bc.ref = 50;
		bc.ref_label = "50";
		pl_chart_hbar(x->doc, l, &bc);
	}
	/* Any activity in the window (sales or payments): monthly chart. */
	if ((e->c->months != NULL || e->c->pay != NULL) && m->n_months > 0) {
		int nm = m->n_months, k;
		double *v = cv_malloc((size_t)nm * sizeof(double));
		char (*ml)[12] = cv_malloc((size_t)nm * sizeof(*ml));
		const char **xl = cv_malloc((size_t)nm * sizeof(char *));
		struct pl_series s;
		struct pl_line_chart lc;

		for (k = 0; k < nm; k++) {
			int32_t mi = m->first_month + k;
			v[k] = e->c->months != NULL ?
			    (double)e->c->months[k].revenue / 100.0 : 0;
			snprintf(ml[k], sizeof(ml[k]), "%04d-%02d",
			    (int)(mi / 12) % 10000, (int)(mi % 12) + 1);
			xl[k] = ml[k];
		}
		s.name = rp_lab(x, "pdf.card.monthly");
		s.values = v;
		memset(&lc, 0, sizeof(lc));
		lc.title = rp_lab(x, "pdf.card.trend");
		lc.x_labels = xl;
		lc.n_points = (size_t)nm;
		lc.series = &s;
		lc.n_series = 1;
		lc.y.fmt = S_money_fmt;
		lc.label_step = nm > 24 ? 12 : nm > 12 ? 6 : 3;
		lc.markers = nm <= 24;
		pl_chart_line(x->doc, r, &lc);
		free(v);
		free(ml);
		free(xl);
	} else if (ev->m != NULL && m->cycle_years > 0) {
		double v[CV_MAX_YEARS];
		char yl[CV_MAX_YEARS][16];
		const char *xl[CV_MAX_YEARS];
		struct pl_series s;
		struct pl_line_chart lc;
		int k;

		for (k = 0; k < m->cycle_years && k < CV_MAX_YEARS; k++) {
			v[k] = (double)e->rev_year[k] / 100.0;
			snprintf(yl[k], sizeof(yl[k]), "Y%d", k + 1);
			xl[k] = yl[k];
		}
		s.name = rp_lab(x, "pdf.card.yearly");
		s.values = v;
		memset(&lc, 0, sizeof(lc));
		lc.title = rp_lab(x, "pdf.card.trend");
		lc.x_labels = xl;
		lc.n_points = (size_t)k;
		lc.series = &s;
		lc.n_series = 1;
		lc.y.fmt = S_money_fmt;
		lc.markers = 1;
		pl_chart_line(x->doc, r, &lc);
	}
	/* the explanation goes under the trend, beside the bars */
	{
		float bottom = pl_y(x->doc);
		pl_set_y(x->doc, r.y - 10);
		S_explain(x, e, r.x - pl_left(x->doc), r.w);
		if (pl_y(x->doc) < bottom)
			bottom = pl_y(x->doc);
		pl_set_y(x->doc, bottom);
	}
	pl_space(x->doc, 2);
}

static void
S_explain(struct rp_ctx *x, const struct eval_customer *e, float indent,
    float width)
{
	const struct evaluation *ev = x->ev;
	const int *sets[2] = { e->up, e->down };
	const char *keys[2] = { "col.raises", "col.lowers" };
	struct buf b;
	int s, k;

	for (s = 0; s < 2; s++) {
		buf_init(&b);
		buf_printf(&b, "%s%s", rp_lab(x, keys[s]),
		    rp_lab(x, "pdf.colon"));
		for (k = 0; k < 3; k++) {
			int j = sets[s][k];
			char t[64];
			if (j < 0 || (size_t)j >= ev->n_ind)
				continue;
			buf_printf(&b, "%s%s %s%s", k > 0 ? x->sep : "",
			    label2(x->L, "ind.", ev->ind[j].key),
			    evaluation_points(ev, e, j) > 0 ? "+" : "",
			    pl_fixed(evaluation_points(ev, e, j), 1, t));
		}
		if (sets[s][0] < 0)
			buf_puts(&b, rp_lab(x, "word.none"));
		pl_paragraph_ex(x->doc, b.data, RP_SMALL, indent, width,
		    RP_SMALL * 1.5f, PL_LEFT, NULL);
		pl_space(x->doc, 4);
		buf_free(&b);
	}
}

/* Has this customer a dealer-support checklist? */
static int
S_has_checklist(const struct rp_ctx *x, size_t i)
{
	enum cust_type t = x->ev->ec[i].c->type;

	return t == CT_DEALER || t == CT_WHOLESALER || t == CT_RETAILER ||
	    t == CT_AGENT;
}

/* Space a level-3 heading takes, with the room pl_heading keeps below it. */
static float
S_h3_need(struct rp_ctx *x, const char *t)
{
	return 8 + pl_heading_height(x->doc, 3, t) + 60;
}

/* A muted "+N more" note under a capped list. */
static void
S_more(struct rp_ctx *x, const char *key, size_t shown, size_t total)
{
	char b1[32], b2[32], b3[32];
	char *t = rp_labf(x, key, "shown", rp_int(shown, b1), "total",
	    rp_int(total, b2), "more", rp_int(total - shown, b3),
	    (const char *)NULL);

	pl_paragraph_ex(x->doc, t, RP_CAPTION, 0, 0, RP_CAPTION * 1.4f,
	    PL_LEFT, &pl_doc_palette(x->doc)->muted);
	free(t);
}
/* Height of that note: one line or two. */
static float
S_more_h(struct rp_ctx *x, const char *key, size_t shown, size_t total)
{
	char b1[32], b2[32], b3[32];
	char *t = rp_labf(x, key, "shown", rp_int(shown, b1), "total",
	    rp_int(total, b2), "more", rp_int(total - shown, b3),
	    (const char *)NULL);
	float w = pl_text_width(x->doc, t, RP_CAPTION);

	free(t);
	return (w < pl_width(x->doc) - 2 ? 1 : 2) * RP_CAPTION * 1.4f + 1;
}


/* The policy table's columns (letter: wide policy text). */
static void
S_pol_cols(struct rp_ctx *x, int full, struct pl_col *cols)
{
	struct pl_col c[3] = {
		{ rp_lab(x, "col.category"), 0, 1.1f, PL_LEFT },
		{ rp_lab(x, "col.policy"), 0, full ? 3.2f : 1.7f, PL_LEFT },
		{ rp_lab(x, "col.reason"), 0, full ? 3.0f : 4.4f, PL_LEFT },
	};

	memcpy(cols, c, sizeof(c));
}
#define S_POL_FS(full) ((full) ? RP_CAPTION + 0.5f : 7.0f)

static void
S_pol_cells(const struct pol_rec *p, int full, struct buf *t,
    const char **cells)
{
	buf_init(t);
	if (full)
		buf_printf(t, "%s\n%s", p->title, p->text);
	else
		buf_puts(t, p->title);
	cells[0] = p->category_label;
	cells[1] = t->data;
	cells[2] = p->reason;
}

/*
 * Heights of a capped list on a pack scorecard (policies, checklist),
 * measured once per scorecard: S_block_h(b, k) is the height of the block
 * with its first k rows, summed in the same order as drawing would use.
 */
#define S_MAX_ROWS (REC_MAX_POLICIES > REC_MAX_ITEMS ? REC_MAX_POLICIES : \
    REC_MAX_ITEMS)
struct S_block {
	size_t n;			/* rows in all */
	float base;			/* heading, header row, space after */
	float row[S_MAX_ROWS];		/* each row */
	float more[S_MAX_ROWS + 1];	/* "+N more" note after k rows; < 0:
					 * not measured yet */
	float least;			/* the block is never lower than this */
	const char *more_key;
};

static float
S_block_h(struct rp_ctx *x, struct S_block *b, size_t k)
{
	float h = b->base;
	size_t j;

	for (j = 0; j < k && j < b->n; j++)
		h += b->row[j];
	if (k < b->n) {
		if (b->more[k] < 0)
			b->more[k] = S_more_h(x, b->more_key, k, b->n);
		h += b->more[k];
	}
	return h > b->least ? h : b->least;
}

static void
S_block_init(struct S_block *b, size_t n, const char *more_key)
{
	size_t j;

	memset(b, 0, sizeof(*b));
	b->n = n < S_MAX_ROWS ? n : S_MAX_ROWS;
	for (j = 0; j <= S_MAX_ROWS; j++)
		b->more[j] = -1;
	b->more_key = more_key;
}

/* The policies block (pack form). */
static void
S_pol_block(struct rp_ctx *x, const struct pol_rec *pol, size_t n,
    struct S_block *b)
{
	struct pl_col cols[3];
	size_t j;

	S_block_init(b, n, "pdf.card.more-policies");
	if (n == 0) {
		b->base = S_h3_need(x, rp_lab(x, "pdf.card.policies"));
		return;
	}
	S_pol_cols(x, 0, cols);
	b->base = 8 + pl_heading_height(x->doc, 3,
	    rp_lab(x, "pdf.card.policies")) +
	    pl_table_measure(x->doc, cols, 3, S_POL_FS(0), NULL, 0) + 12;
	for (j = 0; j < b->n; j++) {
		struct buf t;
		const char *cells[3];

		S_pol_cells(&pol[j], 0, &t, cells);
		b->row[j] = pl_table_measure(x->doc, cols, 3, S_POL_FS(0),
		    cells, 3);
		buf_free(&t);
	}
}

/* Policies with their reasons: the first max of n (all in a letter). */
static void
S_policies(struct rp_ctx *x, const struct pol_rec *pol, size_t n, int full,
    size_t max)
{
	struct pl_col cols[3];
	size_t k;

	S_pol_cols(x, full, cols);
	pl_heading(x->doc, 3, rp_lab(x, "pdf.card.policies"));
	if (n == 0) {
		pl_paragraph(x->doc, rp_lab(x, "word.none"), RP_SMALL, 0, 0);
		return;
	}
	pl_table_begin(x->doc, cols, 3, S_POL_FS(full), 1);
	pl_table_stamp_rows(x->doc);	/* the same rows recur card after card */
	for (k = 0; k < n && k < max; k++) {
		struct buf t;
		const char *cells[3];

		S_pol_cells(&pol[k], full, &t, cells);
		pl_table_row(x->doc, cells, 3, PL_ROW_NORMAL);
		buf_free(&t);
	}
	pl_table_end(x->doc);
	if (n > max)
		S_more(x, "pdf.card.more-policies", max, n);
}

#define S_CL_FS 7.5f

static void
S_cl_cols(struct rp_ctx *x, struct pl_col *cols)
{
	struct pl_col c[5] = {
		{ "", 16, 0, PL_LEFT },
		{ rp_lab(x, "col.category"), 0, 1.25f, PL_LEFT },
		{ rp_lab(x, "col.item"), 0, 4.3f, PL_LEFT },
		{ rp_lab(x, "col.owner"), 0, 1.45f, PL_LEFT },
		{ rp_lab(x, "col.due"), 0, 0.95f, PL_LEFT },
	};

	memcpy(cols, c, sizeof(c));
}

static void
S_cl_cells(struct rp_ctx *x, const struct pol_check_item *it, char *due,
    const char **cells)
{
	cv_date_str(x->r->m->as_of + it->due_days, due);
	cells[0] = "";
	cells[1] = it->category_label;
	cells[2] = it->text;
	cells[3] = it->owner;
	cells[4] = due;
}

/* The checklist block. */
static void
S_cl_block(struct rp_ctx *x, const struct pol_check_item *it, size_t n,
    struct S_block *b)
{
	struct pl_col cols[5];
	const char *t = rp_lab(x, "pdf.card.checklist");
	size_t j;

	S_block_init(b, n, "pdf.card.more-items");
	if (n == 0)
		return;
	b->least = S_h3_need(x, t);
	S_cl_cols(x, cols);
	b->base = 8 + pl_heading_height(x->doc, 3, t) +
	    pl_table_measure(x->doc, cols, 5, S_CL_FS, NULL, 0) + 12;
	for (j = 0; j < b->n; j++) {
		char due[16];
		const char *cells[5];

		S_cl_cells(x, &it[j], due, cells);
		b->row[j] = pl_table_measure(x->doc, cols, 5, S_CL_FS, cells,
		    5);
	}
}

static void
S_checklist(struct rp_ctx *x, const struct pol_check_item *it, size_t n,
    size_t max)
{
	struct pl_col cols[5];
	const struct pl_palette *pal = pl_doc_palette(x->doc);
	float fs = S_CL_FS;
	size_t k;

	if (n == 0)
		return;
	pl_heading(x->doc, 3, rp_lab(x, "pdf.card.checklist"));
	S_cl_cols(x, cols);
	pl_table_begin(x->doc, cols, 5, fs, 0);
	pl_table_stamp_rows(x->doc);
	for (k = 0; k < n && k < max; k++) {
		char due[16];
		const char *cells[5];
		float y0;
		int pg;

		S_cl_cells(x, &it[k], due, cells);
		pg = pl_page_number(x->doc);
		y0 = pl_y(x->doc);
		pl_table_row(x->doc, cells, 5, PL_ROW_NORMAL);
		if (pl_page_number(x->doc) != pg)
			/* moved to a new page under the repeated
			 * (one-line) header row */
			y0 = pl_top(x->doc) - (fs * 1.32f + 7);
		/* the tick box, drawn in the first column's first line */
		pl_stroke_rect(x->doc, pl_left(x->doc) + 4.5f,
		    y0 - 3.5f - fs * 1.05f, fs, fs, 0.7f, &pal->text);
	}
	pl_table_end(x->doc);
	if (n > max)
		S_more(x, "pdf.card.more-items", max, n);
}

/*
 * Policies and checklist.  A letter (full) lists everything and may run
 * on; a pack scorecard keeps to its page: as many of the most urgent
 * policies as fit beside the whole checklist (at least two), then, if the
 * checklist still does not fit, as many of its items as fit, each capped
 * list followed by a "+N more" note.
 */
static void
S_actions(struct rp_ctx *x, size_t i, int full)
{
	struct pol_rec pol[REC_MAX_POLICIES];
	struct pol_check_item it[REC_MAX_ITEMS];
	size_t np, nc = 0, kp, kc, cap;
	struct S_block bp, bc;
	float avail;

	np = recommend_customer(x->r->rec, i, pol, REC_MAX_POLICIES);
	if (S_has_checklist(x, i))
		nc = recommend_checklist(x->r->rec, i, it, REC_MAX_ITEMS);
	if (full) {
		S_policies(x, pol, np, 1, np);
		S_checklist(x, it, nc, nc);
		return;
	}
	avail = pl_remaining(x->doc) - 2;
	/* a readable page: at most 8 policies beside a checklist, 14 alone */
	cap = nc > 0 ? 8 : 14;
	kp = np < cap ? np : cap;
	kc = nc;
	S_pol_block(x, pol, np, &bp);
	S_cl_block(x, it, nc, &bc);
	while (kp > 2 && S_block_h(x, &bp, kp) + S_block_h(x, &bc, kc) > avail)
		kp--;
	while (kc > 1 && S_block_h(x, &bp, kp) + S_block_h(x, &bc, kc) > avail)
		kc--;
	S_policies(x, pol, np, 0, kp);
	S_checklist(x, it, nc, kc);
}

void
rp_scorecard(struct rp_ctx *x, size_t i, int level, int new_page)
{
	const struct evaluation *ev = x->ev;
	const struct eval_customer *e = &ev->ec[i];
	const struct customer *c = e->c;
	struct pl_doc *doc = x->doc;
	const struct pl_palette *pal = pl_doc_palette(doc);
	char head[600], v[6][96], meta[800], m1[48], m2[48], rk[64], n1[32];
	const char *vals[6], *labs[6];
	int k;

	if (!new_page) {
		/* under the section intro only if the card's fixed part and
		 * a short policy list and checklist fit below it */
		size_t j, ni = 0;
		for (j = 0; j < ev->n_ind; j++)
			ni += ev->ind[j].weight > 0;
		if (pl_remaining(doc) < 300 + S_chart_h(ni))
			new_page = 1;
	}
	if (new_page)
		pl_page_new(doc, PL_PORTRAIT, 1);
	snprintf(head, sizeof(head), "%s  %s", c->id, S_name(c));
	pl_heading(doc, level, head);

	pl_fixed(e->score, 1, v[0]);
	snprintf(rk, sizeof(rk), "%s / %s", rp_int(e->rank, m1),
	    rp_int(ev->n, n1));
	snprintf(v[1], sizeof(v[1]), "%s", rk);
	snprintf(v[2], sizeof(v[2]), "%s", label2(x->L, "tier.",
	    ev->tiers[e->tier].key));
	snprintf(v[3], sizeof(v[3]), "%s", label2(x->L, "quadrant-short.",
	    e->quadrant));
	snprintf(v[4], sizeof(v[4]), "%s", label2(x->L, "lifecycle.",
	    e->lifecycle));
	snprintf(v[5], sizeof(v[5]), "%s", label2(x->L, "value.",
	    e->value_group));
	labs[0] = rp_lab(x, "col.score");
	labs[1] = rp_lab(x, "col.rank");
	labs[2] = rp_lab(x, "col.tier");
	labs[3] = rp_lab(x, "pdf.card.quadrant");
	labs[4] = rp_lab(x, "col.lifecycle");
	labs[5] = rp_lab(x, "col.value-group");
	for (k = 0; k < 6; k++)
		vals[k] = v[k];
	S_tiles(x, vals, labs, 6);

	{
		char *t = rp_labf(x, "pdf.card.meta", "type",
		    label2(x->L, "type.", cust_type_key(c->type)), "region",
		    c->region[0] ? c->region : "-", "rep",
		    c->rep[0] ? c->rep : "-", "revenue",
		    cv_money_group(e->rev_cycle, m1), "profit",
		    cv_money_group(e->gp_cycle, m2), (const char *)NULL);
		snprintf(meta, sizeof(meta), "%s", t);
		free(t);
		pl_paragraph_ex(doc, meta, RP_SMALL, 0, 0, RP_SMALL * 1.5f,
		    PL_LEFT, &pal->muted);
	}
	if (e->flags != 0) {
		char fl[400];
		char *t;
		rp_flags_text(x, e->flags, fl, sizeof(fl));
		t = rp_labf(x, "pdf.card.flags", "flags", fl,
		    (const char *)NULL);
		pl_paragraph_ex(doc, t, RP_BODY, 0, 0, RP_BODY * 1.5f, PL_LEFT,
		    &pal->series[PL_SERIES_MAX - 1]);
		free(t);
	}
	pl_space(doc, 4);
	S_charts(x, e);
	S_actions(x, i, level == 1);
}
