/* evaluate.c: normalisation, weights, composite score, ranks, tiers, quadrant, classes, flags. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evaluate.h"
#include "methods.h"
#include "util.h"

const char *const quadrant_keys[4] = {
	"large-loyal", "large-disloyal", "small-loyal", "small-disloyal"
};
const char *const lifecycle_keys[5] = {
	"loyal", "fast-growing", "sleeping", "worth-cultivating", "none"
};
const char *const value_group_keys[4] = {
	"value", "potential", "over-served", "latent"
};

static const char *const S_flag_keys[FLAG__COUNT] = {
	"fake-big", "overdue", "over-limit", "sharp-decline",
	"large-disloyal-violations", "late-payer"
};

const char *
flag_key(enum flag f)
{
	return (unsigned)f < FLAG__COUNT ? S_flag_keys[f] : "";
}

void
evaluation_free(struct evaluation *ev)
{
	free(ev->ec);
	free(ev->by_rank);
	memset(ev, 0, sizeof(*ev));
}

static double
S_median(double *v, size_t n)
{
	size_t i, j;
	double t;

	if (n == 0)
		return NAN;
	for (i = 1; i < n; i++)	/* insertion sort is fine for a copy */
		for (j = i; j > 0 && v[j - 1] > v[j]; j--) {
			t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int
S_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
S_median_fast(double *v, size_t n)
{
	if (n == 0)
		return NAN;
	if (n < 64)
		return S_median(v, n);
	qsort(v, n, sizeof(*v), S_cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Normal CDF, to map z-scores into 0..1. */
static double
S_phi(double z)
{
	return 0.5 * erfc(-z / sqrt(2.0));
}

/* Order of customers for ranks and tiers: score, then revenue, then id. */
static const struct evaluation *S_sort_ev;

static int
S_cmp_rank(const void *a, const void *b)
{
	const struct eval_customer *x = &S_sort_ev->ec[*(const size_t *)a];
	const struct eval_customer *y = &S_sort_ev->ec[*(const size_t *)b];

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	if (x->rev_cycle != y->rev_cycle)
		return x->rev_cycle > y->rev_cycle ? -1 : 1;
	return strcmp(x->c->id, y->c->id);
}

static int
S_cmp_contrib(const void *a, const void *b)
{
	const struct eval_customer *x = &S_sort_ev->ec[*(const size_t *)a];
	const struct eval_customer *y = &S_sort_ev->ec[*(const size_t *)b];
	int64_t vx = x->gp_cycle != 0 ? x->gp_cycle : x->rev_cycle;
	int64_t vy = y->gp_cycle != 0 ? y->gp_cycle : y->rev_cycle;

	if (vx != vy)
		return vx > vy ? -1 : 1;
	return strcmp(x->c->id, y->c->id);
}

static int
S_cmp_revenue(const void *a, const void *b)
{
	const struct eval_customer *x = &S_sort_ev->ec[*(const size_t *)a];
	const struct eval_customer *y = &S_sort_ev->ec[*(const size_t *)b];

	if (x->rev_cycle != y->rev_cycle)
		return x->rev_cycle > y->rev_cycle ? -1 : 1;
	return strcmp(x->c->id, y->c->id);
}

/* Manual weights from the config, by indicator key. */
static void
S_manual_weights(struct evaluation *ev, const struct config *cfg)
{
	size_t i;
	int k;

	for (i = 0; i < ev->n_ind; i++) {
		ev->ind[i].weight_cfg = 0;
		for (k = 0; k < cfg->n_ind; k++)
			if (strcmp(cfg->ind[k].key, ev->ind[i].key) == 0 &&
			    cfg->ind[k].enabled)
				ev->ind[i].weight_cfg = cfg->ind[k].weight;
	}
}

/* Columns that take part in the score: configured weight > 0 and data. */
static size_t
S_columns(struct evaluation *ev, const struct config *cfg, int *cols)
{
	size_t i, n = 0;
	int k, listed;

	for (i = 0; i < ev->n_ind; i++) {
		listed = 0;
		for (k = 0; k < cfg->n_ind; k++)
			if (strcmp(cfg->ind[k].key, ev->ind[i].key) == 0 &&
			    cfg->ind[k].enabled)
				listed = 1;
		if (ev->ind[i].excluded || !listed)
			continue;
		if (strcmp(cfg->weighting, "manual") == 0 ||
		    strcmp(cfg->weighting, "combined") == 0 ||
		    strcmp(cfg->weighting, "ahp") == 0) {
			if (ev->ind[i].weight_cfg <= 0 &&
			    strcmp(cfg->weighting, "ahp") != 0)
				continue;
		}
		cols[n++] = (int)i;
	}
	return n;
}

/* Read an AHP matrix CSV (criterion names = indicator keys). */
static int
S_ahp_weights(struct evaluation *ev, const struct config *cfg, int *cols,
    size_t *ncols, double *w, struct diag *d)
{
	FILE *fp;
	char line[4096], *names[IND_MAX], *tok, *save;
	double a[IND_MAX * IND_MAX];
	size_t n = 0, r = 0, i, j;
	struct mt_ahp_result res;
	int idx[IND_MAX];
	long lineno = 0;

	if (cfg->ahp_matrix == NULL || cfg->ahp_matrix[0] == '\0') {
		diag_add(d, D_METHOD_INVALID, cfg->source, 0L, 0L,
		    "weighting=\"ahp\" needs ahp-matrix=\"FILE.csv\"");
		return -1;
	}
	if ((fp = fopen(cfg->ahp_matrix, "r")) == NULL) {
		diag_add(d, D_OPEN_FAILED, cfg->ahp_matrix, 0L, 0L,
		    cfg->ahp_matrix);
		return -1;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (lineno == 1) {
			char *p = line;
			if ((unsigned char)p[0] == 0xEF)
				p += 3;
			tok = strtok_r(p, ",", &save);	/* corner label */
			if (tok != NULL && indicator_index(tok) >= 0)
				names[n++] = cv_strdup(tok);
			while ((tok = strtok_r(NULL, ",", &save)) != NULL &&
			    n < IND_MAX)
				names[n++] = cv_strdup(tok);
			continue;
		}
		if (r >= n)
			break;
		tok = strtok_r(line, ",", &save);	/* row name */
		for (j = 0; j < n; j++) {
			char *slash;
			double v;
			tok = strtok_r(NULL, ",", &save);
			if (tok == NULL || *tok == '\0') {
				a[r * n + j] = NAN;
				continue;
			}
			if ((slash = strchr(tok, '/')) != NULL)
				v = strtod(tok, NULL) / strtod(slash + 1, NULL);
			else
				v = strtod(tok, NULL);
			a[r * n + j] = v;
		}
		r++;
	}
	fclose(fp);
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++) {
			if (i == j)
				a[i * n + j] = 1;
			else if (isnan(a[i * n + j]) && !isnan(a[j * n + i]))
				a[i * n + j] = 1.0 / a[j * n + i];
		}
	*ncols = 0;
	for (i = 0; i < n; i++) {
		idx[i] = indicator_index(names[i]);
		if (idx[i] < 0) {
			diag_add(d, D_CONFIG_VALUE, cfg->ahp_matrix, 1L, 0L,
			    names[i], "indicator");
			for (j = 0; j < n; j++)
				free(names[j]);
			return -1;
		}
		cols[(*ncols)++] = idx[i];
	}
	for (j = 0; j < n; j++)
		free(names[j]);
	res.w = w;
	if (r != n || mt_ahp(a, n, strcmp(cfg->ri_table, "saaty") == 0 ?
	    MT_RI_SAATY : MT_RI_CN, &res) != MT_OK) {
		diag_add(d, D_METHOD_INVALID, cfg->ahp_matrix, 0L, 0L,
		    "AHP matrix is not a complete positive square matrix");
		return -1;
	}
	ev->ahp_lambda = res.lambda_max;
	ev->ahp_ci = res.ci;
	ev->ahp_cr = res.cr;
	if (!res.consistent) {
		char msg[160];
		snprintf(msg, sizeof(msg), "AHP matrix is inconsistent: "
		    "CR = %.4f >= 0.10", res.cr);
		diag_add(d, D_METHOD_INVALID, cfg->ahp_matrix, 0L, 0L, msg);
		return -1;
	}
	return 0;
}

/* Weights of the score columns, per the configured method; sum 1. */
static int
S_weights(struct evaluation *ev, const struct config *cfg, int *cols,
    size_t *ncols, double *w, struct diag *d)
{
	size_t i, j, nc = *ncols, n = ev->n;
	double *x, subj[IND_MAX], obj[IND_MAX], sum = 0;
	const char *how = cfg->weighting;
	int rc = 0;

	if (strcmp(how, "ahp") == 0) {
		if (S_ahp_weights(ev, cfg, cols, ncols, w, d) != 0)
			return -1;
		snprintf(ev->weighting_note, sizeof(ev->weighting_note),
		    "ahp: lambda_max %.4f, CI %.4f, CR %.4f (%s RI)",
		    ev->ahp_lambda, ev->ahp_ci, ev->ahp_cr, cfg->ri_table);
		return 0;
	}
	for (i = 0; i < nc; i++) {
		subj[i] = ev->ind[cols[i]].weight_cfg;
		sum += subj[i];
	}
	for (i = 0; i < nc; i++)
		subj[i] = sum > 0 ? subj[i] / sum : 1.0 / (double)nc;
	if (strcmp(how, "manual") == 0) {
		memcpy(w, subj, nc * sizeof(double));
		snprintf(ev->weighting_note, sizeof(ev->weighting_note),
		    "manual");
		return 0;
	}
	/* Objective weights from the raw data of the evaluated customers. */
	x = cv_malloc((n ? n : 1) * nc * sizeof(double));
	for (i = 0; i < n; i++)
		for (j = 0; j < nc; j++)
			x[i * nc + j] = ev->ec[i].raw[cols[j]];
	{
		int dirs[IND_MAX];
		for (j = 0; j < nc; j++)
			dirs[j] = ev->ind[cols[j]].dir;
		if (strcmp(how, "critic") == 0)
			rc = mt_critic(x, n, nc, dirs, obj);
		else
			rc = mt_entropy(x, n, nc, dirs, obj);
	}
	free(x);
	if (rc != MT_OK) {
		char msg[200];
		snprintf(msg, sizeof(msg), "%s weights cannot be computed "
		    "from this data (code %d)", how, rc);
		diag_add(d, D_METHOD_INVALID, cfg->source, 0L, 0L, msg);
		return -1;
	}
	if (strcmp(how, "combined") == 0) {
		if (mt_combine(subj, obj, nc, cfg->combine_alpha, w) != MT_OK) {
			diag_add(d, D_METHOD_INVALID, cfg->source, 0L, 0L,
			    "combined weights are undefined");
			return -1;
		}
		snprintf(ev->weighting_note, sizeof(ev->weighting_note),
		    "combined: %.2f x manual + %.2f x entropy",
		    cfg->combine_alpha, 1 - cfg->combine_alpha);
	} else {
		memcpy(w, obj, nc * sizeof(double));
		snprintf(ev->weighting_note, sizeof(ev->weighting_note), "%s",
		    how);
	}
	return 0;
}

static void
S_normalise(struct evaluation *ev, const struct config *cfg)
{
	size_t i, k, n = ev->n;
	double *col = cv_malloc((n ? n : 1) * sizeof(double));
	enum mt_norm m = strcmp(cfg->normalization, "zscore") == 0 ?
	    MT_NORM_ZSCORE : strcmp(cfg->normalization, "percentile") == 0 ?
	    MT_NORM_PERCENTILE : MT_NORM_MINMAX;

	for (k = 0; k < ev->n_ind; k++) {
		struct ind_info *in = &ev->ind[k];
		double s = 0;
		in->n_data = 0;
		in->min = INFINITY;
		in->max = -INFINITY;
		for (i = 0; i < n; i++) {
			double v = ev->ec[i].raw[k];
			col[i] = v;
			if (isnan(v))
				continue;
			in->n_data++;
			s += v;
			if (v < in->min)
				in->min = v;
			if (v > in->max)
				in->max = v;
		}
		in->excluded = in->n_data == 0;
		in->mean = in->n_data ? s / (double)in->n_data : NAN;
		if (in->excluded) {
			in->min = in->max = NAN;
			for (i = 0; i < n; i++)
				ev->ec[i].norm[k] = NAN;
			continue;
		}
		mt_normalize(col, n, m, in->dir, col);
		for (i = 0; i < n; i++)
			ev->ec[i].norm[k] = m == MT_NORM_ZSCORE && !isnan(col[i]) ?
			    S_phi(col[i]) : col[i];
	}
	free(col);
}

/* Score: weighted mean of normalised values the customer has, 0..100. */
static int
S_score(struct evaluation *ev, const struct config *cfg, const int *cols,
    size_t nc, const double *w)
{
	size_t i, j, n = ev->n;
	double mean_norm[IND_MAX];

	for (j = 0; j < nc; j++) {
		double s = 0;
		size_t k = 0;
		for (i = 0; i < n; i++)
			if (!isnan(ev->ec[i].norm[cols[j]])) {
				s += ev->ec[i].norm[cols[j]];
				k++;
			}
		mean_norm[j] = k ? s / (double)k : 0.5;
	}
	if (strcmp(cfg->scoring, "topsis") == 0 && n > 0) {
		/* TOPSIS on the normalised matrix (already benefit-oriented);
		 * a missing value counts as the column mean. */
		double *x = cv_malloc(n * nc * sizeof(double));
		double *cl = cv_malloc(n * sizeof(double));
		for (i = 0; i < n; i++)
			for (j = 0; j < nc; j++) {
				double v = ev->ec[i].norm[cols[j]];
				x[i * nc + j] = isnan(v) ? mean_norm[j] : v;
			}
		if (mt_topsis(x, n, nc, w, NULL, MT_NORM_VECTOR, cl) != MT_OK) {
			free(x);
			free(cl);
			return -1;
		}
		for (i = 0; i < n; i++)
			ev->ec[i].score = 100.0 * (isnan(cl[i]) ? 0 : cl[i]);
		free(x);
		free(cl);
	}
	for (i = 0; i < n; i++) {
		struct eval_customer *e = &ev->ec[i];
		double s = 0, ws = 0;
		for (j = 0; j < nc; j++) {
			double v = e->norm[cols[j]];
			if (isnan(v))
				continue;
			s += w[j] * v;
			ws += w[j];
		}
		if (strcmp(cfg->scoring, "topsis") != 0)
			e->score = ws > 0 ? 100.0 * s / ws : 0;
		/* Round to 1e-9 so ties do not depend on summation order. */
		e->score = round(e->score * 1e9) / 1e9;
		for (j = 0; j < nc; j++) {
			double v = e->norm[cols[j]];
			e->contrib[cols[j]] = isnan(v) ? 0 :
			    100.0 * w[j] * (v - mean_norm[j]);
		}
	}
	return 0;
}

static void
S_explain(struct evaluation *ev, const int *cols, size_t nc)
{
	size_t i, j, k;

	for (i = 0; i < ev->n; i++) {
		struct eval_customer *e = &ev->ec[i];
		for (k = 0; k < 3; k++) {
			int best = -1, worst = -1;
			for (j = 0; j < nc; j++) {
				int c = cols[j], used = 0;
				size_t q;
				for (q = 0; q < k; q++)
					if (e->up[q] == c || e->down[q] == c)
						used = 1;
				if (used)
					continue;
				if (e->contrib[c] > 0.05 && (best < 0 ||
				    e->contrib[c] > e->contrib[best]))
					best = c;
				if (e->contrib[c] < -0.05 && (worst < 0 ||
				    e->contrib[c] < e->contrib[worst]))
					worst = c;
			}
			e->up[k] = best;
			e->down[k] = worst;
		}
		/* Weakest capability dimensions, weakest first: below 3, or
		 * the two lowest when none is. */
		{
			int order[DIM_N_CAPABILITY], n = 0, a, b, t;
			for (a = 0; a < DIM_N_CAPABILITY; a++)
				if (!isnan(e->c->dim[a]))
					order[n++] = a;
			for (a = 1; a < n; a++)
				for (b = a; b > 0 && e->c->dim[order[b]] <
				    e->c->dim[order[b - 1]]; b--) {
					t = order[b];
					order[b] = order[b - 1];
					order[b - 1] = t;
				}
			for (k = 0; k < 3; k++)
				e->weak[k] = -1;
			for (a = 0, k = 0; a < n && k < 3; a++)
				if (e->c->dim[order[a]] < 3.0 || (k < 2 &&
				    e->c->dim[order[a]] < 4.0))
					e->weak[k++] = order[a];
		}
	}
}

static void
S_tiers(struct evaluation *ev, const struct config *cfg)
{
	size_t n = ev->n, i, t, pos = 0;
	int nt = cfg->n_tiers;

	ev->n_tiers = (size_t)nt;
	for (t = 0; t < (size_t)nt; t++) {
		snprintf(ev->tiers[t].key, sizeof(ev->tiers[t].key), "%s",
		    cfg->tiers[t].key);
		ev->tiers[t].min_score = NAN;
		ev->tiers[t].max_score = NAN;
	}
	if (strcmp(cfg->tier_scheme, "share") == 0) {
		/* Largest remainder: counts add up to n exactly. */
		size_t cnt[CFG_MAX_TIERS], sum = 0;
		double rem[CFG_MAX_TIERS];
		for (t = 0; t < (size_t)nt; t++) {
			double q = cfg->tiers[t].share * (double)n;
			cnt[t] = (size_t)floor(q);
			rem[t] = q - floor(q);
			sum += cnt[t];
		}
		while (sum < n) {
			size_t best = 0;
			for (t = 1; t < (size_t)nt; t++)
				if (rem[t] > rem[best] + 1e-12)
					best = t;
			cnt[best]++;
			rem[best] = -1;
			sum++;
		}
		for (t = 0; t < (size_t)nt; t++)
			for (i = 0; i < cnt[t]; i++)
				ev->ec[ev->by_rank[pos++]].tier = (int)t;
	} else if (strcmp(cfg->tier_scheme, "cutoff") == 0) {
		for (i = 0; i < n; i++) {
			struct eval_customer *e = &ev->ec[ev->by_rank[i]];
			e->tier = nt - 1;
			for (t = 0; t < (size_t)nt; t++)
				if (e->score >= cfg->tiers[t].cutoff) {
					e->tier = (int)t;
					break;
				}
		}
	} else {
		/* Pareto: cumulative contribution (gross profit where there
		 * is cost data, else revenue), largest first. */
		size_t *ord = cv_malloc((n ? n : 1) * sizeof(size_t));
		double total = 0, cum = 0;
		for (i = 0; i < n; i++) {
			const struct eval_customer *e = &ev->ec[i];
			int64_t v = e->gp_cycle != 0 ? e->gp_cycle : e->rev_cycle;
			ord[i] = i;
			if (v > 0)
				total += (double)v;
		}
		S_sort_ev = ev;
		qsort(ord, n, sizeof(*ord), S_cmp_contrib);
		for (i = 0; i < n; i++) {
			struct eval_customer *e = &ev->ec[ord[i]];
			int64_t v = e->gp_cycle != 0 ? e->gp_cycle : e->rev_cycle;
			double before = total > 0 ? cum / total : 1;
			e->tier = nt - 1;
			for (t = 0; t < (size_t)nt; t++)
				if (before < cfg->tiers[t].cum - 1e-12) {
					e->tier = (int)t;
					break;
				}
			if (v > 0)
				cum += (double)v;
		}
		free(ord);
	}
	for (i = 0; i < n; i++) {
		struct eval_customer *e = &ev->ec[i];
		struct tier_info *ti = &ev->tiers[e->tier];
		ti->count++;
		ti->revenue += e->rev_cycle;
		ti->gp += e->gp_cycle;
		if (isnan(ti->min_score) || e->score < ti->min_score)
			ti->min_score = e->score;
		if (isnan(ti->max_score) || e->score > ti->max_score)
			ti->max_score = e->score;
	}
}

static void
S_quadrant(struct evaluation *ev, const struct config *cfg)
{
	size_t n = ev->n, i;
	double *v = cv_malloc((n ? n : 1) * sizeof(double));
	int ix = indicator_index(cfg->quad_x), iy = indicator_index(cfg->quad_y);
	double *rank = cv_malloc((n ? n : 1) * sizeof(double));

	/* Axes: "volume" = percentile of cycle-weighted revenue; "loyalty"
	 * = loyalty composite; "score" = composite; or any indicator's
	 * normalised value.  All scaled to 0..100. */
	for (i = 0; i < n; i++)
		v[i] = ev->ec[i].raw[0];	/* revenue */
	mt_normalize(v, n, MT_NORM_PERCENTILE, 1, rank);
	for (i = 0; i < n; i++) {
		struct eval_customer *e = &ev->ec[i];
		double x, y;
		if (strcmp(cfg->quad_x, "volume") == 0)
			x = isnan(rank[i]) ? 0 : 100 * rank[i];
		else if (strcmp(cfg->quad_x, "score") == 0)
			x = e->score;
		else
			x = ix >= 0 && !isnan(e->norm[ix]) ? 100 * e->norm[ix] : 0;
		if (strcmp(cfg->quad_y, "score") == 0)
			y = e->score;
		else if (iy >= 0 && strcmp(cfg->quad_y, "loyalty") == 0)
			y = isnan(e->raw[iy]) ? 0 : 100 * e->raw[iy];
		else
			y = iy >= 0 && !isnan(e->norm[iy]) ? 100 * e->norm[iy] : 0;
		e->volume = x;
		e->loyalty = y;
	}
	if (strcmp(cfg->quad_split, "fixed") == 0) {
		ev->x_split = cfg->quad_x_value;
		ev->y_split = cfg->quad_y_value;
	} else if (strcmp(cfg->quad_split, "mean") == 0) {
		double sx = 0, sy = 0;
		for (i = 0; i < n; i++) {
			sx += ev->ec[i].volume;
			sy += ev->ec[i].loyalty;
		}
		ev->x_split = n ? sx / (double)n : 50;
		ev->y_split = n ? sy / (double)n : 50;
	} else {
		for (i = 0; i < n; i++)
			v[i] = ev->ec[i].volume;
		ev->x_split = n ? S_median_fast(v, n) : 50;
		for (i = 0; i < n; i++)
			v[i] = ev->ec[i].loyalty;
		ev->y_split = n ? S_median_fast(v, n) : 50;
	}
	for (i = 0; i < 4; i++)
		ev->quads[i].key = quadrant_keys[i];
	for (i = 0; i < n; i++) {
		struct eval_customer *e = &ev->ec[i];
		int large = e->volume > ev->x_split ||
		    (e->volume == ev->x_split && ev->x_split > 0 &&
		    strcmp(cfg->quad_split, "fixed") == 0);
		int loyal = e->loyalty >= ev->y_split;
		int q = large ? (loyal ? 0 : 1) : (loyal ? 2 : 3);
		e->quadrant = quadrant_keys[q];
		ev->quads[q].count++;
		ev->quads[q].revenue += e->rev_cycle;
	}
	free(v);
	free(rank);
}

static void
S_classes(struct evaluation *ev, const struct config *cfg)
{
	size_t n = ev->n, i, top, *ord;
	int i_margin = indicator_index("margin"), i_yoy = indicator_index("yoy");
	int i_cagr = indicator_index("cagr"), i_rec = indicator_index("recency");
	int i_viol = indicator_index("violations");
	int i_cap = indicator_index("capability");
	double *v = cv_malloc((n ? n : 1) * sizeof(double)), med_score;

	for (i = 0; i < n; i++)
		v[i] = ev->ec[i].score;
	med_score = S_median_fast(v, n);
	free(v);

	/* Revenue rank, for "big" customers. */
	ord = cv_malloc((n ? n : 1) * sizeof(size_t));
	for (i = 0; i < n; i++)
		ord[i] = i;
	S_sort_ev = ev;
	qsort(ord, n, sizeof(*ord), S_cmp_revenue);
	top = (size_t)ceil(cfg->fake_big_rank_share * (double)n);

	for (i = 0; i < n; i++) {
		struct eval_customer *e = &ev->ec[ord[i]];
		const struct customer *c = e->c;
		double margin = e->raw[i_margin], yoy = e->raw[i_yoy];
		double cagr = e->raw[i_cagr], rec = e->raw[i_rec];
		double viol = e->raw[i_viol], cap = e->raw[i_cap];
		int big = i < top && e->rev_cycle > 0;
		int large = strcmp(e->quadrant, "large-loyal") == 0 ||
		    strcmp(e->quadrant, "large-disloyal") == 0;
		int loyal = strcmp(e->quadrant, "large-loyal") == 0 ||
		    strcmp(e->quadrant, "small-loyal") == 0;
		int late = !isnan(e->days_late) && e->days_late > cfg->late_days;

		e->flags = 0;
		if (big && ((!isnan(margin) && margin < cfg->fake_big_margin) ||
		    late || (!isnan(viol) && viol >= 3)))
			e->flags |= 1u << FLAG_FAKE_BIG;
		if (c->credit.present && c->credit.overdue > 0)
			e->flags |= 1u << FLAG_OVERDUE;
		if (c->credit.present && c->credit.limit > 0 &&
		    c->credit.balance > c->credit.limit)
			e->flags |= 1u << FLAG_OVER_LIMIT;
		if (!isnan(yoy) && yoy <= cfg->sharp_decline)
			e->flags |= 1u << FLAG_SHARP_DECLINE;
		if (strcmp(e->quadrant, "large-disloyal") == 0 &&
		    !isnan(viol) && viol > 0)
			e->flags |= 1u << FLAG_LARGE_DISLOYAL_VIOL;
		if (late)
			e->flags |= 1u << FLAG_LATE_PAYER;

		/* Lifecycle (IBM's four classes), first match wins. */
		if (c->last_sale != CV_DATE_NONE && !isnan(rec) &&
		    rec >= cfg->sleeping_months)
			e->lifecycle = "sleeping";
		else if ((!isnan(yoy) && yoy >= cfg->fast_growth) ||
		    (!isnan(cagr) && cagr >= cfg->fast_growth))
			e->lifecycle = "fast-growing";
		else if (loyal && !large)
			e->lifecycle = "loyal";
		else if (!(e->flags & (1u << FLAG_FAKE_BIG |
		    1u << FLAG_LARGE_DISLOYAL_VIOL)) &&
		    (e->score >= med_score || (!isnan(yoy) && yoy > 0) ||
		    (!isnan(cap) && cap >= 3.5)))
			e->lifecycle = "worth-cultivating";
		else
			e->lifecycle = "none";

		/* Value groups.  Over-served needs service-cost data, which
		 * the inputs do not carry, so it is never assigned here. */
		if (large && e->score >= med_score)
			e->value_group = "value";
		else if (!large && ((!isnan(yoy) && yoy > 0.1) ||
		    (!isnan(cap) && cap >= 3.5) || loyal))
			e->value_group = "potential";
		else if (large)
			e->value_group = "value";
		else
			e->value_group = "latent";
	}
	free(ord);
	for (i = 0; i < n; i++) {
		const struct eval_customer *e = &ev->ec[i];
		size_t k;
		int f;
		for (k = 0; k < 5; k++)
			if (strcmp(e->lifecycle, lifecycle_keys[k]) == 0)
				ev->lifecycle_count[k]++;
		for (k = 0; k < 4; k++)
			if (strcmp(e->value_group, value_group_keys[k]) == 0)
				ev->value_count[k]++;
		for (f = 0; f < FLAG__COUNT; f++)
			if (e->flags & (1u << f))
				ev->flag_count[f]++;
	}
}

static void
S_summary(struct evaluation *ev)
{
	size_t n = ev->n, i, top = (size_t)ceil(0.2 * (double)n), *ord;
	int64_t r = 0, g = 0;

	ord = cv_malloc((n ? n : 1) * sizeof(size_t));
	for (i = 0; i < n; i++) {
		ord[i] = i;
		ev->revenue_cycle += ev->ec[i].rev_cycle;
		ev->gp_cycle += ev->ec[i].gp_cycle;
		if (ev->ec[i].rev_cycle != 0)
			ev->n_evaluated++;
	}
	S_sort_ev = ev;
	qsort(ord, n, sizeof(*ord), S_cmp_revenue);
	for (i = 0; i < top && i < n; i++)
		r += ev->ec[ord[i]].rev_cycle;
	ev->top20_revenue_share = ev->revenue_cycle > 0 ?
	    (double)r / (double)ev->revenue_cycle : NAN;
	qsort(ord, n, sizeof(*ord), S_cmp_contrib);
	for (i = 0; i < top && i < n; i++)
		g += ev->ec[ord[i]].gp_cycle;
	ev->top20_gp_share = ev->gp_cycle > 0 ?
	    (double)g / (double)ev->gp_cycle : NAN;
	free(ord);
}

int
evaluate(struct evaluation *ev, const struct model *m,
    const struct config *cfg, struct diag *d)
{
	const struct ind_info *defs;
	size_t i, ndefs, nc;
	int cols[IND_MAX];
	double w[IND_MAX];

	memset(ev, 0, sizeof(*ev));
	ev->m = m;
	ev->cfg = cfg;
	defs = indicator_defs(&ndefs);
	ev->n_ind = ndefs;
	memcpy(ev->ind, defs, ndefs * sizeof(*defs));
	ev->n = m->n_cust;
	ev->ec = cv_calloc(ev->n ? ev->n : 1, sizeof(*ev->ec));
	ev->by_rank = cv_calloc(ev->n ? ev->n : 1, sizeof(size_t));
	for (i = 0; i < ev->n; i++)
		ev->ec[i].c = m->cust[i];

	indicators_compute(ev, m, cfg);
	S_normalise(ev, cfg);
	S_manual_weights(ev, cfg);
	nc = S_columns(ev, cfg, cols);
	if (nc == 0) {
		diag_add(d, D_METHOD_INVALID, cfg->source, 0L, 0L,
		    "no indicator with data and a weight above 0");
		return -1;
	}
	if (S_weights(ev, cfg, cols, &nc, w, d) != 0)
		return -1;
	for (i = 0; i < ev->n_ind; i++)
		ev->ind[i].weight = 0;
	for (i = 0; i < nc; i++)
		ev->ind[cols[i]].weight = w[i];
	if (S_score(ev, cfg, cols, nc, w) != 0) {
		diag_add(d, D_METHOD_INVALID, cfg->source, 0L, 0L,
		    "TOPSIS failed on this data");
		return -1;
	}
	for (i = 0; i < ev->n; i++)
		ev->by_rank[i] = i;
	S_sort_ev = ev;
	qsort(ev->by_rank, ev->n, sizeof(size_t), S_cmp_rank);
	for (i = 0; i < ev->n; i++)
		ev->ec[ev->by_rank[i]].rank = i + 1;
	S_explain(ev, cols, nc);
	S_tiers(ev, cfg);
	S_quadrant(ev, cfg);
	S_classes(ev, cfg);
	S_summary(ev);
	return 0;
}
