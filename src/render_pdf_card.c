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
	struct pl_box b = pl_take(doc, 40);
	float gap = 5, w = (b.w - gap * (float)(n - 1)) / (float)n;
	int i;

	for (i = 0; i < n; i++) {
		float bx = b.x + (float)i * (w + gap);
		pl_fill_rect(doc, bx, b.y, w, b.h, &pal->zebra);
		pl_fill_rect(doc, bx, b.y + b.h - 2, w, 2, &pal->accent);
		{
			float fs = 11;
			while (fs > 7.5f && pl_text_width(doc, vals[i], fs) >
			    w - 10)
				fs -= 0.5f;
			pl_text_fit(doc, bx + 6, b.y + 19, w - 10, fs, PL_LEFT,
			    &pal->accent, vals[i]);
		}
		pl_text_fit(doc, bx + 6, b.y + 6, w - 10, RP_CAPTION - 0.5f,
		    PL_LEFT, &pal->muted, labs[i]);
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
		snprintf(buf, n, "%sM", cv_fixed(v / 1e6, a >= 1e7 ? 0 : 1, t));
	else if (a >= 1e3)
		snprintf(buf, n, "%sk", cv_fixed(v / 1e3, a >= 1e4 ? 0 : 1, t));
	else
		snprintf(buf, n, "%s", cv_fixed(v, 0, t));
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
	h = 28 + 9.0f * (float)(n > 8 ? n : 8);
	if (h < 190)
		h = 190;
	b = pl_take(x->doc, h);
	l = r = b;
	l.w = b.w * 0.56f;
	r.x = b.x + b.w * 0.60f;
	r.w = b.w * 0.40f;
	r.y = b.y + b.h - 140;
	r.h = 140;
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
	if (e->c->months != NULL && m->n_months > 0) {
		int nm = m->n_months, k;
		double *v = cv_malloc((size_t)nm * sizeof(double));
		char (*ml)[12] = cv_malloc((size_t)nm * sizeof(*ml));
		const char **xl = cv_malloc((size_t)nm * sizeof(char *));
		struct pl_series s;
		struct pl_line_chart lc;

		for (k = 0; k < nm; k++) {
			int32_t mi = m->first_month + k;
			v[k] = (double)e->c->months[k].revenue / 100.0;
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
			    e->contrib[j] > 0 ? "+" : "",
			    cv_fixed(e->contrib[j], 1, t));
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

/*
 * Policies with their reasons.  On a pack's one-page scorecard only the
 * most urgent (max) are listed, with a note; the letter lists them all.
 */
static void
S_policies(struct rp_ctx *x, size_t i, int full)
{
	struct pol_rec pol[REC_MAX_POLICIES];
	struct pl_col cols[3] = {
		{ rp_lab(x, "col.category"), 0, 1.1f, PL_LEFT },
		{ rp_lab(x, "col.policy"), 0, full ? 3.2f : 1.7f, PL_LEFT },
		{ rp_lab(x, "col.reason"), 0, full ? 3.0f : 4.4f, PL_LEFT },
	};
	int en = x->r->cfg->lang == LANG_EN;	/* longer lines in English */
	size_t n, k, max = full ? REC_MAX_POLICIES :
	    S_has_checklist(x, i) ? (en ? 5 : 9) : (en ? 10 : 14);

	n = recommend_customer(x->r->rec, i, pol, REC_MAX_POLICIES);
	pl_heading(x->doc, 3, rp_lab(x, "pdf.card.policies"));
	if (n == 0) {
		pl_paragraph(x->doc, rp_lab(x, "word.none"), RP_SMALL, 0, 0);
		return;
	}
	pl_table_begin(x->doc, cols, 3, full ? RP_CAPTION + 0.5f : 7, 1);
	for (k = 0; k < n && k < max; k++) {
		struct buf t;
		const char *cells[3];

		buf_init(&t);
		if (full)
			buf_printf(&t, "%s\n%s", pol[k].title, pol[k].text);
		else
			buf_puts(&t, pol[k].title);
		cells[0] = pol[k].category_label;
		cells[1] = t.data;
		cells[2] = pol[k].reason;
		pl_table_row(x->doc, cells, 3, PL_ROW_NORMAL);
		buf_free(&t);
	}
	pl_table_end(x->doc);
	if (n > max) {
		char b1[32], b2[32];
		char *t = rp_labf(x, "pdf.card.more-policies", "shown",
		    rp_int(max, b1), "total", rp_int(n, b2),
		    (const char *)NULL);
		pl_paragraph_ex(x->doc, t, RP_CAPTION, 0, 0, RP_CAPTION * 1.4f,
		    PL_LEFT, &pl_doc_palette(x->doc)->muted);
		free(t);
	}
}

static void
S_checklist(struct rp_ctx *x, size_t i)
{
	struct pol_check_item it[REC_MAX_ITEMS];
	size_t n, k;

	if (!S_has_checklist(x, i))
		return;
	n = recommend_checklist(x->r->rec, i, it, REC_MAX_ITEMS);
	if (n == 0)
		return;
	pl_heading(x->doc, 3, rp_lab(x, "pdf.card.checklist"));
	{
		struct pl_col cols[5] = {
			{ "", 16, 0, PL_LEFT },
			{ rp_lab(x, "col.category"), 0, 1.25f, PL_LEFT },
			{ rp_lab(x, "col.item"), 0, 4.3f, PL_LEFT },
			{ rp_lab(x, "col.owner"), 0, 1.45f, PL_LEFT },
			{ rp_lab(x, "col.due"), 0, 0.95f, PL_LEFT },
		};
		const struct pl_palette *pal = pl_doc_palette(x->doc);
		float fs = 7.5f;

		pl_table_begin(x->doc, cols, 5, fs, 0);
		for (k = 0; k < n; k++) {
			char due[16];
			const char *cells[5];
			float y0;
			int pg;

			cv_date_str(x->r->m->as_of + it[k].due_days, due);
			cells[0] = "";
			cells[1] = it[k].category_label;
			cells[2] = it[k].text;
			cells[3] = it[k].owner;
			cells[4] = due;
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
	}
}

void
rp_scorecard(struct rp_ctx *x, size_t i, int level)
{
	const struct evaluation *ev = x->ev;
	const struct eval_customer *e = &ev->ec[i];
	const struct customer *c = e->c;
	struct pl_doc *doc = x->doc;
	const struct pl_palette *pal = pl_doc_palette(doc);
	char head[600], v[6][96], meta[800], m1[48], m2[48], rk[64], n1[32];
	const char *vals[6], *labs[6];
	int k;

	pl_page_new(doc, PL_PORTRAIT, 1);
	snprintf(head, sizeof(head), "%s  %s", c->id, S_name(c));
	pl_heading(doc, level, head);

	cv_fixed(e->score, 1, v[0]);
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
	S_policies(x, i, level == 1);
	S_checklist(x, i);
}
