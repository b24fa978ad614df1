/* render_pdf.c: the PDF management pack, drawn with the layout toolkit (src/pdf_layout.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labels.h"
#include "pdf_layout.h"
#include "render.h"
#include "util.h"

static void
S_pct(double v, char *buf, size_t n)
{
	if (isnan(v))
		snprintf(buf, n, "-");
	else
		snprintf(buf, n, "%.1f%%", 100.0 * v);
}

static void
S_cover(struct pl_doc *doc, const struct report *r)
{
	const struct config *cfg = r->cfg;
	const struct labels *L = r->labels;
	char date[16], line[512];

	pl_page_new(doc, PL_PORTRAIT, 0);
	pl_space(doc, 180);
	pl_paragraph_ex(doc, cfg->title[0] ? cfg->title :
	    label(L, "pdf.title"), 26, pl_width(doc), 34, 0, PL_LEFT, NULL);
	pl_space(doc, 12);
	if (cfg->client[0]) {
		pl_paragraph_ex(doc, cfg->client, 16, pl_width(doc), 22, 0,
		    PL_LEFT, NULL);
		pl_space(doc, 6);
	}
	snprintf(line, sizeof(line), "%s %s", label(L, "pdf.as-of"),
	    cv_date_str(r->m->as_of, date));
	pl_paragraph(doc, line, 12, pl_width(doc), 18);
	if (cfg->consultant[0])
		pl_paragraph(doc, cfg->consultant, 12, pl_width(doc), 18);
}

static void
S_tiers(struct pl_doc *doc, const struct report *r)
{
	const struct evaluation *ev = r->ev;
	const struct labels *L = r->labels;
	struct pl_col cols[5] = {
		{ label(L, "col.tier"), 0, 2, PL_LEFT },
		{ label(L, "col.customers"), 0, 1, PL_RIGHT },
		{ label(L, "col.score-range"), 0, 1.3f, PL_RIGHT },
		{ label(L, "col.revenue"), 0, 1.6f, PL_RIGHT },
		{ label(L, "col.revenue-share"), 0, 1, PL_RIGHT },
	};
	char c1[32], c2[64], c3[48], c4[32], c5[48];
	const char *cells[5];
	size_t i;

	pl_heading(doc, 1, label(L, "pdf.tiers"));
	pl_table_begin(doc, cols, 5, 9.5f, 1);
	for (i = 0; i < ev->n_tiers; i++) {
		const struct tier_info *t = &ev->tiers[i];
		snprintf(c1, sizeof(c1), "%zu", t->count);
		snprintf(c2, sizeof(c2), "%.1f – %.1f", isnan(t->min_score) ? 0 :
		    t->min_score, isnan(t->max_score) ? 0 : t->max_score);
		cv_money_group(t->revenue, c3);
		S_pct(ev->revenue_cycle ? (double)t->revenue /
		    (double)ev->revenue_cycle : NAN, c4, sizeof(c4));
		cells[0] = label2(L, "tier.", t->key);
		cells[1] = c1;
		cells[2] = c2;
		cells[3] = c3;
		cells[4] = c4;
		pl_table_row(doc, cells, 5, PL_ROW_NORMAL);
	}
	snprintf(c1, sizeof(c1), "%zu", ev->n);
	cv_money_group(ev->revenue_cycle, c5);
	cells[0] = label(L, "word.total");
	cells[1] = c1;
	cells[2] = "";
	cells[3] = c5;
	cells[4] = "100.0%";
	pl_table_row(doc, cells, 5, PL_ROW_TOTAL);
	pl_table_end(doc);
}

static void
S_quadrants(struct pl_doc *doc, const struct report *r)
{
	const struct evaluation *ev = r->ev;
	const struct labels *L = r->labels;
	struct pl_col cols[4] = {
		{ label(L, "col.quadrant"), 0, 3, PL_LEFT },
		{ label(L, "col.customers"), 0, 1, PL_RIGHT },
		{ label(L, "col.revenue"), 0, 1.6f, PL_RIGHT },
		{ label(L, "col.revenue-share"), 0, 1, PL_RIGHT },
	};
	char c1[32], c3[48], c4[32];
	const char *cells[4];
	size_t i;

	pl_space(doc, 14);
	pl_heading(doc, 1, label(L, "pdf.quadrant"));
	pl_table_begin(doc, cols, 4, 9.5f, 1);
	for (i = 0; i < 4; i++) {
		const struct quad_info *q = &ev->quads[i];
		snprintf(c1, sizeof(c1), "%zu", q->count);
		cv_money_group(q->revenue, c3);
		S_pct(ev->revenue_cycle ? (double)q->revenue /
		    (double)ev->revenue_cycle : NAN, c4, sizeof(c4));
		cells[0] = label2(L, "quadrant.", q->key);
		cells[1] = c1;
		cells[2] = c3;
		cells[3] = c4;
		pl_table_row(doc, cells, 4, PL_ROW_NORMAL);
	}
	pl_table_end(doc);
}

int
render_pdf(const struct report *r, const char *path, struct diag *d)
{
	const struct config *cfg = r->cfg;
	const struct labels *L = r->labels;
	struct pl_doc *doc;
	struct pl_palette pal;
	char err[256];
	int idx = r->font_index, y, mo, dd;
	const char *font;

	font = pl_font_choose(r->font_path, cfg->lang == LANG_ZH_TW, &idx);
	doc = pl_doc_new(font, idx, err, sizeof(err));
	if (doc == NULL) {
		diag_add(d, D_RENDER_FAILED, path, 0L, 0L, "PDF", err);
		return -1;
	}
	pl_palette_default(&pal);
	{
		unsigned long rgb = strtoul(cfg->accent + (cfg->accent[0] == '#'),
		    NULL, 16);
		struct pl_rgb c = pl_rgb_hex(rgb);
		pl_palette_accent(&pal, c.r, c.g, c.b);
	}
	pl_doc_set_palette(doc, &pal);
	pl_doc_set_info(doc, cfg->title[0] ? cfg->title : label(L, "pdf.title"),
	    cfg->consultant, cfg->client, "custeval", "custeval");
	cv_civil_from_days(r->m->as_of, &y, &mo, &dd);
	pl_doc_set_date(doc, y, mo, dd);
	pl_doc_set_decoration(doc, cfg->title[0] ? cfg->title :
	    label(L, "pdf.title"), cfg->client, "custeval",
	    label(L, "pdf.page-of"));

	S_cover(doc, r);
	pl_page_new(doc, PL_PORTRAIT, 1);
	S_tiers(doc, r);
	S_quadrants(doc, r);

	if (pl_doc_save(doc, path, err, sizeof(err)) != 0) {
		diag_add(d, D_RENDER_FAILED, path, 0L, 0L, "PDF", err);
		pl_doc_free(doc);
		return -1;
	}
	pl_doc_free(doc);
	return 0;
}
