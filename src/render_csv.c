/* render_csv.c: scores.csv for spreadsheet users (UTF-8 with BOM, so Excel reads the Chinese). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ingest.h"
#include "labels.h"
#include "render.h"
#include "util.h"

static const char *
S_num(double v, int dec, char *buf)
{
	if (isnan(v)) {
		buf[0] = '\0';
		return buf;
	}
	return cv_fixed(v, dec, buf);
}

int
render_csv(const struct report *r, const char *path, struct diag *d)
{
	const struct evaluation *ev = r->ev;
	const struct labels *L = r->labels;
	FILE *fp;
	size_t i, k;
	char b1[64], b2[64], b3[64], b4[64], b5[64], b6[64];
	struct buf flags;

	if ((fp = fopen(path, "wb")) == NULL) {
		diag_add(d, D_WRITE_FAILED, path, 0L, 0L, path);
		return -1;
	}
	fputs("\xEF\xBB\xBF", fp);
	{
		static const char *const cols[] = { "col.id", "col.name",
		    "col.type", "col.region", "col.rep", "col.score",
		    "col.rank", "col.tier", "col.quadrant", "col.lifecycle",
		    "col.value-group", "col.flags", "col.revenue-cycle",
		    "col.gp-cycle", "col.volume", "col.loyalty" };
		for (k = 0; k < sizeof(cols) / sizeof(cols[0]); k++)
			csv_write_field(fp, label(L, cols[k]), 0);
		for (k = 0; k < ev->n_ind; k++)
			csv_write_field(fp, label2(L, "ind.", ev->ind[k].key),
			    k + 1 == ev->n_ind);
	}
	buf_init(&flags);
	for (i = 0; i < ev->n; i++) {
		const struct eval_customer *e = &ev->ec[ev->by_rank[i]];
		const struct customer *c = e->c;
		char rank[32];
		int f;

		buf_reset(&flags);
		buf_puts(&flags, "");
		for (f = 0; f < FLAG__COUNT; f++)
			if (e->flags & (1u << f)) {
				if (flags.len > 0)
					buf_puts(&flags, "; ");
				buf_puts(&flags, label2(L, "flag.", flag_key(f)));
			}
		snprintf(rank, sizeof(rank), "%zu", e->rank);
		csv_write_field(fp, c->id, 0);
		csv_write_field(fp, c->name, 0);
		csv_write_field(fp, label2(L, "type.", cust_type_key(c->type)), 0);
		csv_write_field(fp, c->region, 0);
		csv_write_field(fp, c->rep, 0);
		csv_write_field(fp, S_num(e->score, 2, b1), 0);
		csv_write_field(fp, rank, 0);
		csv_write_field(fp, ev->tiers[e->tier].key, 0);
		csv_write_field(fp, label2(L, "quadrant-short.", e->quadrant), 0);
		csv_write_field(fp, label2(L, "lifecycle.", e->lifecycle), 0);
		csv_write_field(fp, label2(L, "value.", e->value_group), 0);
		csv_write_field(fp, flags.data, 0);
		csv_write_field(fp, cv_money_str(e->rev_cycle, b2), 0);
		csv_write_field(fp, cv_money_str(e->gp_cycle, b3), 0);
		csv_write_field(fp, S_num(e->volume, 2, b4), 0);
		csv_write_field(fp, S_num(e->loyalty, 2, b5), 0);
		for (k = 0; k < ev->n_ind; k++)
			csv_write_field(fp, S_num(e->raw[k], 4, b6),
			    k + 1 == ev->n_ind);
	}
	buf_free(&flags);
	if (ferror(fp) | (fclose(fp) != 0)) {
		diag_add(d, D_WRITE_FAILED, path, 0L, 0L, path);
		return -1;
	}
	return 0;
}
