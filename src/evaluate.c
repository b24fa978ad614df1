/* evaluate.c: normalisation, weights, composite score, ranks, tiers, quadrant, classes, flags. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <pthread.h>
#include <stdatomic.h>

#include "evaluate.h"
#include "labels.h"
#include "methods.h"
#include "util.h"

#ifndef CV_DATADIR
#define CV_DATADIR "templates"
#endif

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

/* Violations in the last 12 months from which a big customer is fake. */
#define S_FAKE_BIG_VIOLATIONS 3

const char *
flag_key(enum flag f)
{
	return (unsigned)f < FLAG__COUNT ? S_flag_keys[f] : "";
}

/*
 * Arrays as long as the customer list (the indicator values alone are
 * tens of MB): mapped with transparent huge pages when the kernel grants
 * them, which saves most of the page faults of touching them the first
 * time.  Zero-filled.
 */
static void *
S_big_alloc(size_t *size, size_t n)
{
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		*size = 0;
		return cv_calloc(1, n);
	}
#ifdef MADV_HUGEPAGE
	madvise(p, n, MADV_HUGEPAGE);
#endif
	*size = n;
	return p;
}

static void
S_big_free(void *p, size_t size)
{
	if (p == NULL)
		return;
	if (size > 0)
		munmap(p, size);
	else
		free(p);
}

/*
 * Run fn(a) on this thread and fn(b) on a second one (after fn(a) here
 * when no thread can be created).  The jobs write disjoint data, so the
 * result does not depend on the timing.
 */
static void
S_two(void *(*fn)(void *), void *a, void *b)
{
	pthread_t tid;
	int threaded = pthread_create(&tid, NULL, fn, b) == 0;

	fn(a);
	if (threaded)
		pthread_join(tid, NULL);
	else
		fn(b);
}

/*
 * Scratch of one thread, kept for the whole evaluation: the temporary
 * arrays are as large as the customer list, and memory the process has
 * not touched yet costs more than the sorting done in it.
 */
struct S_scratch {
	struct mt_kv *kv;	/* 2n: keys and the radix sort's buffer */
	double *col;		/* 2n */
	size_t *idx;		/* n (first thread's only) */
};

void
evaluation_free(struct evaluation *ev)
{
	S_big_free(ev->ec, ev->ec_size);
	S_big_free(ev->values, ev->values_size);
	free(ev->by_rank);
	memset(ev, 0, sizeof(*ev));
}

static int
S_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * Median of v (may be reordered); NaN for n = 0.  kv: 2n of scratch.  A
 * stable radix sort puts elements of the same value in the middle as the
 * comparison sort did; only -0 against 0 (equal there, in no promised
 * order: qsort need not be stable) could differ, and the median's sign of
 * zero is never printed apart from its value.  NaN has no place in that
 * order and keeps the comparison sort.
 */
static double
S_median(double *v, size_t n, struct mt_kv *kv)
{
	double a, b;
	size_t i;

	if (n == 0)
		return NAN;
	for (i = 0; i < n && !isnan(v[i]); i++)
		;
	if (i < n) {
		qsort(v, n, sizeof(*v), S_cmp_double);
		return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	}
	for (i = 0; i < n; i++) {
		kv[i].key = mt_key_double(v[i]);
		kv[i].idx = i;
	}
	mt_sort_kv(kv, n, kv + n);
	a = v[kv[n / 2].idx];
	b = n % 2 ? a : v[kv[n / 2 - 1].idx];
	return n % 2 ? a : (b + a) / 2;
}

/* Normal CDF, to map z-scores into 0..1. */
static double
S_phi(double z)
{
	return 0.5 * erfc(-z / sqrt(2.0));
}

static char *
S_num(double v, int dec, char *buf)
{
	return cv_fixed(v, dec, buf);
}

/* Pareto measure: gross profit when the run has cost data, else revenue. */
static int S_pareto_gp;

static int64_t
S_pareto_value(const struct eval_customer *e)
{
	return S_pareto_gp ? e->gp_cycle : e->rev_cycle;
}

struct S_order {
	const struct evaluation *ev;
	enum ev_order by;
};

/* Best first by the measure; ties by score (for EV_BY_SCORE: revenue),
 * then by customer id, so every order is total and deterministic. */
static int
S_cmp_order(const void *a, const void *b, void *arg)
{
	const struct S_order *o = arg;
	const struct eval_customer *x = &o->ev->ec[*(const size_t *)a];
	const struct eval_customer *y = &o->ev->ec[*(const size_t *)b];
	int64_t vx = 0, vy = 0;

	switch (o->by) {
	case EV_BY_SCORE:
		if (x->score != y->score)
			return x->score > y->score ? -1 : 1;
		vx = x->rev_cycle;
		vy = y->rev_cycle;
		break;
	case EV_BY_RANK:
		if (x->rank != y->rank)
			return x->rank < y->rank ? -1 : 1;
		break;
	case EV_BY_REVENUE:
		vx = x->rev_cycle;
		vy = y->rev_cycle;
		break;
	case EV_BY_GROSS_PROFIT:
		vx = x->gp_cycle;
		vy = y->gp_cycle;
		break;
	case EV_BY_PARETO:
		vx = S_pareto_value(x);
		vy = S_pareto_value(y);
		break;
	}
	if (vx != vy)
		return vx > vy ? -1 : 1;
	return strcmp(x->c->id, y->c->id);
}

/* The sort keys of one customer, copied together so that sorting does not
 * wander through the (large) eval_customer array. */
struct S_key {
	double score;
	int64_t v;
	const char *id;
	size_t idx;
};

static int
S_cmp_key(const void *a, const void *b)
{
	const struct S_key *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	if (x->v != y->v)
		return x->v > y->v ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* The measure an order sorts by after the score, as in S_cmp_order. */
static int64_t
S_order_value(const struct eval_customer *e, enum ev_order by)
{
	return by == EV_BY_GROSS_PROFIT ? e->gp_cycle :
	    by == EV_BY_PARETO ? S_pareto_value(e) : e->rev_cycle;
}

/*
 * The order of S_cmp_key by stable radix sorts, least significant key
 * first: index (which is id order when ev->ids_sorted), then the measure,
 * then the score.  0, or -1 when a score is NaN (no place in the order).
 * kv: 2n of scratch.
 */
static int
S_radix_order(const struct evaluation *ev, size_t *idx, size_t n,
    enum ev_order by, struct mt_kv *kv)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (by == EV_BY_SCORE && isnan(ev->ec[idx[i]].score))
			return -1;
		kv[i].key = idx[i];
		kv[i].idx = idx[i];
	}
	for (i = 1; i < n && idx[i - 1] < idx[i]; i++)
		;
	if (i < n)
		mt_sort_kv(kv, n, kv + n);
	/* largest first: the inverted keys ascending */
	for (i = 0; i < n; i++)
		kv[i].key = ~mt_key_int64(S_order_value(&ev->ec[kv[i].idx],
		    by));
	mt_sort_kv(kv, n, kv + n);
	if (by == EV_BY_SCORE) {
		for (i = 0; i < n; i++)
			kv[i].key = ~mt_key_double(ev->ec[kv[i].idx].score);
		mt_sort_kv(kv, n, kv + n);
	}
	for (i = 0; i < n; i++)
		idx[i] = kv[i].idx;
	return 0;
}

/* evaluation_order with scratch: sc->kv for the radix sort. */
static void
S_order(const struct evaluation *ev, size_t *idx, size_t n,
    enum ev_order by, const struct S_scratch *sc)
{
	if (n >= 2 && by != EV_BY_RANK && ev->ids_sorted &&
	    S_radix_order(ev, idx, n, by, sc->kv) == 0)
		return;
	evaluation_order(ev, idx, n, by);
}

void
evaluation_order(const struct evaluation *ev, size_t *idx, size_t n,
    enum ev_order by)
{
	struct S_order o;
	struct S_key *k;
	size_t i;

	if (n < 2)
		return;
	if (by != EV_BY_RANK && ev->ids_sorted) {
		struct mt_kv *kv = cv_malloc(2 * n * sizeof(*kv));
		int rc = S_radix_order(ev, idx, n, by, kv);

		free(kv);
		if (rc == 0)
			return;
	}
	if (by == EV_BY_RANK) {
		o.ev = ev;
		o.by = by;
		qsort_r(idx, n, sizeof(*idx), S_cmp_order, &o);
		return;
	}
	/* The same order as S_cmp_order, on compact keys. */
	k = cv_malloc(n * sizeof(*k));
	for (i = 0; i < n; i++) {
		const struct eval_customer *e = &ev->ec[idx[i]];

		k[i].idx = idx[i];
		k[i].id = e->c->id;
		k[i].score = by == EV_BY_SCORE ? e->score : 0;
		k[i].v = S_order_value(e, by);
	}
	qsort(k, n, sizeof(*k), S_cmp_key);
	for (i = 0; i < n; i++)
		idx[i] = k[i].idx;
	free(k);
}

static int
S_one_of(const char *v, const char *const *list)
{
	for (; *list != NULL; list++)
		if (v != NULL && strcmp(v, *list) == 0)
			return 1;
	return 0;
}

/* The method settings must be known values (the XSD checks files; a
 * config built in code is checked here). */
static int
S_check_config(const struct config *cfg, struct diag *d)
{
	static const char *const norms[] = { "minmax", "zscore", "percentile",
		"band", NULL };
	static const char *const weights[] = { "manual", "entropy", "critic",
		"ahp", "combined", NULL };
	static const char *const scorings[] = { "sum", "topsis", NULL };
	static const char *const schemes[] = { "share", "cutoff", "pareto",
		NULL };
	static const char *const splits[] = { "median", "mean", "fixed", NULL };
	static const char *const ris[] = { "saaty", "cn", NULL };
	static const char *const axes[] = { "volume", "score", NULL };
	const char *src = cfg->source;

	if (!S_one_of(cfg->normalization, norms)) {
		diag_add(d, D_METHOD_OPTION, src, 0L, 0L, "method",
		    "normalization",
		    cfg->normalization ? cfg->normalization : "",
		    "minmax, zscore, percentile, band");
		return -1;
	}
	if (!S_one_of(cfg->weighting, weights)) {
		diag_add(d, D_METHOD_OPTION, src, 0L, 0L, "method",
		    "weighting",
		    cfg->weighting ? cfg->weighting : "",
		    "manual, entropy, critic, ahp, combined");
		return -1;
	}
	if (!S_one_of(cfg->scoring, scorings)) {
		diag_add(d, D_METHOD_OPTION, src, 0L, 0L, "method",
		    "scoring",
		    cfg->scoring ? cfg->scoring : "", "sum, topsis");
		return -1;
	}
	if (!S_one_of(cfg->tier_scheme, schemes)) {
		diag_add(d, D_METHOD_OPTION, src, 0L, 0L, "tiers", "scheme",
		    cfg->tier_scheme ? cfg->tier_scheme : "",
		    "share, cutoff, pareto");
		return -1;
	}
	if (!S_one_of(cfg->quad_split, splits)) {
		diag_add(d, D_METHOD_OPTION, src, 0L, 0L, "quadrant", "split",
		    cfg->quad_split ? cfg->quad_split : "",
		    "median, mean, fixed");
		return -1;
	}
	if (strcmp(cfg->weighting, "ahp") == 0 &&
	    !S_one_of(cfg->ri_table, ris)) {
		diag_add(d, D_METHOD_OPTION, src, 0L, 0L, "method", "ri-table",
		    cfg->ri_table ? cfg->ri_table : "", "saaty, cn");
		return -1;
	}
	if (cfg->quad_x == NULL || (!S_one_of(cfg->quad_x, axes) &&
	    indicator_index(cfg->quad_x) < 0)) {
		diag_add(d, D_QUAD_AXIS, src, 0L, 0L,
		    cfg->quad_x ? cfg->quad_x : "");
		return -1;
	}
	if (cfg->quad_y == NULL || (!S_one_of(cfg->quad_y, axes) &&
	    indicator_index(cfg->quad_y) < 0)) {
		diag_add(d, D_QUAD_AXIS, src, 0L, 0L,
		    cfg->quad_y ? cfg->quad_y : "");
		return -1;
	}
	if (cfg->n_tiers < 1 || cfg->n_tiers > CFG_MAX_TIERS) {
		diag_add(d, D_TIERS_COUNT, src, 0L, 0L, CFG_MAX_TIERS,
		    cfg->n_tiers);
		return -1;
	}
	return 0;
}

static const struct indicator_cfg *
S_ind_cfg(const struct config *cfg, const char *key)
{
	int k;

	for (k = 0; k < cfg->n_ind; k++)
		if (cfg->ind[k].key != NULL && strcmp(cfg->ind[k].key, key) == 0)
			return &cfg->ind[k];
	return NULL;
}

/* Manual weights from the config, by indicator key (0 = not scored). */
static void
S_manual_weights(struct evaluation *ev, const struct config *cfg)
{
	size_t i;

	for (i = 0; i < ev->n_ind; i++) {
		const struct indicator_cfg *ic = S_ind_cfg(cfg, ev->ind[i].key);
		ev->ind[i].weight_cfg = ic != NULL && ic->enabled &&
		    ic->weight > 0 ? ic->weight : 0;
	}
}

/* The user-facing name of an indicator ("ind." labels), or its key. */
static const char *
S_ind_name(const struct evaluation *ev, const char *key)
{
	return ev->labels != NULL ? label2(ev->labels, "ind.", key) : key;
}

/*
 * Why no customer has a value for indicator i: the input it is built from
 * was not given, or the data given cannot produce it (too little history,
 * no cost, no snapshot on or before the evaluation date...).
 */
static enum diag_id
S_excluded_why(const struct evaluation *ev, size_t i)
{
	const struct config *cfg = ev->cfg;
	const char *key = ev->ind[i].key, *needs = ev->ind[i].needs;
	size_t k;
	int snap = 0;

	if (strcmp(needs, "payments") == 0 &&
	    cfg->in[IN_PAYMENTS].n_paths == 0)
		return D_IND_NO_PAYMENTS;
	if (strcmp(needs, "credit") == 0 && cfg->in[IN_CREDIT].n_paths == 0)
		return D_IND_NO_CREDIT;
	if (strcmp(needs, "assessments") == 0 &&
	    cfg->in[IN_ASSESSMENTS].n_paths == 0)
		return D_IND_NO_ASSESSMENTS;
	if (strcmp(key, "cagr") == 0)
		return D_IND_SHORT_CAGR;
	if (strcmp(key, "yoy") == 0)
		return D_IND_SHORT_YOY;
	if (strcmp(key, "trend") == 0)
		return D_IND_SHORT_TREND;
	if (strcmp(key, "margin") == 0 || strcmp(key, "gross-profit") == 0)
		return D_IND_NO_COST;
	if (strcmp(key, "days-to-pay") == 0 || strcmp(key, "on-time") == 0)
		return D_IND_NO_PAYMENT_OUTCOME;
	if (strcmp(needs, "credit") == 0) {
		for (k = 0; k < ev->n && !snap; k++)
			snap = ev->ec[k].c->credit.present;
		if (!snap)
			return D_IND_NO_CREDIT_SNAPSHOT;
		if (strcmp(key, "credit-use") == 0)
			return D_IND_NO_CREDIT_LIMIT;
	}
	if (strcmp(needs, "assessments") == 0 &&
	    strcmp(key, "violations") != 0)
		return D_IND_NO_DIMENSIONS;
	return D_IND_EXCLUDED;
}

/*
 * Columns that take part in the score: enabled, configured weight > 0
 * and data for at least one customer.  An indicator with a weight but no
 * data is left out with a note that says why: never filled with zero.
 * (AHP takes its columns from the matrix instead.)
 */
static size_t
S_columns(struct evaluation *ev, int *cols, struct diag *d)
{
	size_t i, n = 0;

	for (i = 0; i < ev->n_ind; i++) {
		if (ev->ind[i].weight_cfg <= 0)
			continue;
		if (ev->ind[i].excluded) {
			diag_add(d, S_excluded_why(ev, i), ev->cfg->source,
			    0L, 0L, S_ind_name(ev, ev->ind[i].key),
			    ev->ind[i].key);
			continue;
		}
		cols[n++] = (int)i;
	}
	return n;
}

/* Split one CSV line in place on commas; "" quotes are stripped. */
static size_t
S_split(char *line, char **cell, size_t max)
{
	size_t n = 0;
	char *p = line;

	for (;;) {
		char *start, *end;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '"') {
			start = ++p;
			while (*p != '\0' && *p != '"')
				p++;
			end = p;
			if (*p == '"')
				p++;
			while (*p != '\0' && *p != ',')
				p++;
		} else {
			start = p;
			while (*p != '\0' && *p != ',')
				p++;
			end = p;
			while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
				end--;
		}
		if (n < max)
			cell[n++] = start;
		if (*p == '\0') {
			*end = '\0';
			break;
		}
		*end = '\0';
		if (end != p)
			*p = '\0';
		p++;
	}
	return n;
}

/* "3", "0.5" or "1/3"; 0 and *v set, or -1. */
static int
S_judgement(const char *s, double *v)
{
	char *end;
	double a, b;

	a = strtod(s, &end);
	if (end == s)
		return -1;
	if (*end == '/') {
		const char *q = end + 1;
		b = strtod(q, &end);
		if (end == q || b <= 0)
			return -1;
		a /= b;
	}
	while (isspace((unsigned char)*end))
		end++;
	if (*end != '\0' || !(a > 0) || !isfinite(a))
		return -1;
	*v = a;
	return 0;
}

/*
 * Read an AHP pairwise matrix CSV, as the weights calculator does
 * (docs/calculator.md): header of criterion names (first cell a label or
 * empty), one row per criterion in the same order starting with its name,
 * upper triangle enough, mirror cells must be reciprocal within 5 %.
 * Criterion names are indicator keys.  On success n and idx/a are set.
 */
static int
S_ahp_read(const char *path, int *idx, size_t *np, double *a,
    struct diag *d)
{
	FILE *fp;
	char line[8192], *cell[IND_MAX + 2], names[IND_MAX][64];
	char raw[IND_MAX * IND_MAX][24];
	long lineno = 0, rowline[IND_MAX];
	size_t n = 0, r = 0, i, j, nc;
	int rc = -1;

	if ((fp = fopen(path, "r")) == NULL) {
		diag_add(d, D_OPEN_FAILED, path, 0L, 0L, path);
		return -1;
	}
	for (i = 0; i < IND_MAX * IND_MAX; i++)
		raw[i][0] = '\0';
	while (fgets(line, sizeof(line), fp) != NULL) {
		char *p = line;
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (lineno == 1 && (unsigned char)p[0] == 0xEF &&
		    (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF)
			p += 3;
		if (*p == '\0')
			continue;
		nc = S_split(p, cell, IND_MAX + 2);
		if (n == 0) {
			for (j = 1; j < nc && n < IND_MAX; j++) {
				if (cell[j][0] == '\0')
					continue;
				snprintf(names[n], sizeof(names[n]), "%s", cell[j]);
				if ((idx[n] = indicator_index(cell[j])) < 0) {
					diag_add(d, D_AHP_UNKNOWN_KEY, path, lineno,
					    0L, cell[j]);
					goto out;
				}
				for (i = 0; i < n; i++)
					if (idx[i] == idx[n]) {
						diag_add(d, D_CALC_MATRIX_NAME, path,
						    lineno, 0L, i + 1, names[i],
						    n + 1, cell[j]);
						goto out;
					}
				n++;
			}
			if (n == 0) {
				diag_add(d, D_CALC_NO_CRITERIA, path, lineno, 0L);
				goto out;
			}
			continue;
		}
		if (r >= n) {
			diag_add(d, D_CALC_MATRIX_SHAPE, path, lineno, 0L, n,
			    r + 1);
			goto out;
		}
		if (strcmp(cell[0], names[r]) != 0) {
			diag_add(d, D_CALC_MATRIX_NAME, path, lineno, 1L, r + 1,
			    cell[0], r + 1, names[r]);
			goto out;
		}
		rowline[r] = lineno;
		for (j = 0; j < n; j++)
			snprintf(raw[r * n + j], sizeof(raw[0]), "%s",
			    j + 1 < nc ? cell[j + 1] : "");
		r++;
	}
	if (n == 0) {
		diag_add(d, D_CALC_NO_CRITERIA, path, 1L, 0L);
		goto out;
	}
	if (r != n) {
		diag_add(d, D_CALC_MATRIX_SHAPE, path, lineno, 0L, n, r);
		goto out;
	}
	if (n > MT_RI_MAX_N) {
		diag_add(d, D_CALC_AHP_SIZE, path, 1L, 0L, n, MT_RI_MAX_N);
		goto out;
	}
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++) {
			const char *s = raw[i * n + j];
			double v;
			a[i * n + j] = NAN;
			if (s[0] == '\0')
				continue;
			if (S_judgement(s, &v) != 0) {
				diag_add(d, D_CALC_MATRIX_VALUE, path, rowline[i],
				    (long)j + 2, names[i], names[j], s);
				goto out;
			}
			if (i == j && fabs(v - 1) > 1e-9) {
				diag_add(d, D_CALC_MATRIX_DIAG, path, rowline[i],
				    (long)j + 2, names[i], names[j], s);
				goto out;
			}
			a[i * n + j] = v;
		}
	for (i = 0; i < n; i++) {
		a[i * n + i] = 1;
		for (j = i + 1; j < n; j++) {
			double u = a[i * n + j], l = a[j * n + i];
			if (isnan(u) && isnan(l)) {
				diag_add(d, D_CALC_MATRIX_EMPTY, path, rowline[i],
				    (long)j + 2, names[i], names[j], names[j],
				    names[i]);
				goto out;
			}
			if (isnan(l))
				l = 1 / u;
			else if (isnan(u))
				u = 1 / l;
			else if (u * l < 0.95 || u * l > 1.05) {
				char p1[64], p2[64], p3[64];
				diag_add(d, D_CALC_MATRIX_RECIPROCAL, path,
				    rowline[j], (long)i + 2, names[j], names[i],
				    S_num(l, 4, p1), names[i], names[j],
				    S_num(u, 4, p2), S_num(u * l, 4, p3));
				goto out;
			} else if (u >= 1)
				l = 1 / u;
			else
				u = 1 / l;
			a[i * n + j] = u;
			a[j * n + i] = l;
		}
	}
	*np = n;
	rc = 0;
out:
	fclose(fp);
	return rc;
}

/*
 * AHP weights.  The matrix names the criteria; a criterion without data
 * is dropped after the consistency check and the others rescaled.  CR at
 * or above 0.10 stops the run with the CR in the message.
 */
static int
S_ahp_weights(struct evaluation *ev, const struct config *cfg, int *cols,
    size_t *ncols, double *w, struct diag *d)
{
	double a[IND_MAX * IND_MAX], pw[IND_MAX], sum = 0;
	struct mt_ahp_result res;
	int idx[IND_MAX];
	size_t n = 0, i, k = 0;
	int st;

	if (cfg->ahp_matrix == NULL || cfg->ahp_matrix[0] == '\0') {
		diag_add(d, D_AHP_MATRIX_MISSING, cfg->source, 0L, 0L);
		return -1;
	}
	if (S_ahp_read(cfg->ahp_matrix, idx, &n, a, d) != 0)
		return -1;
	memset(&res, 0, sizeof(res));
	res.w = pw;
	st = mt_ahp(a, n, strcmp(cfg->ri_table, "cn") == 0 ? MT_RI_CN :
	    MT_RI_SAATY, &res);
	if (st != MT_OK) {
		diag_add(d, st == MT_ENOCONV ? D_CALC_NOT_CONVERGED :
		    D_AHP_NOT_RECIPROCAL, cfg->ahp_matrix, 0L, 0L);
		return -1;
	}
	ev->ahp_lambda = res.lambda_max;
	ev->ahp_ci = res.ci;
	ev->ahp_cr = res.cr;
	ev->ahp_ri = res.ri;
	if (!res.consistent) {
		char b1[64], b2[64], b3[64], b4[64];
		diag_add(d, D_AHP_CR, cfg->ahp_matrix, 0L, 0L,
		    S_num(res.cr, 4, b1), S_num(res.lambda_max, 4, b2),
		    S_num(res.ci, 4, b3), S_num(res.ri, 2, b4));
		return -1;
	}
	for (i = 0; i < n; i++) {
		ev->ind[idx[i]].weight_cfg = pw[i];
		if (ev->ind[idx[i]].excluded) {
			diag_add(d, D_AHP_NO_DATA, cfg->ahp_matrix, 0L, 0L,
			    ev->ind[idx[i]].key);
			continue;
		}
		cols[k] = idx[i];
		w[k++] = pw[i];
		sum += pw[i];
	}
	if (k == 0 || sum <= 0) {
		diag_add(d, D_NO_SCORE_COLUMNS, cfg->ahp_matrix, 0L, 0L);
		return -1;
	}
	for (i = 0; i < k; i++)
		w[i] /= sum;
	*ncols = k;
	return 0;
}

static const char *
S_mt_error(int rc)
{
	switch (rc) {
	case MT_ENODATA:
		return "an indicator has fewer than two values";
	case MT_EDEGENERATE:
		return "every indicator is constant across customers";
	case MT_ENEGATIVE:
		return "negative values";
	default:
		return "invalid input";
	}
}

/*
 * Objective weights (entropy or CRITIC) from the raw values of the score
 * columns.  A column with fewer than two values is dropped (warning) and
 * the rest retried.  Returns MT_OK, or the method's failure code when no
 * weights can be derived (fewer than 2 customers, everything constant).
 */
static int
S_objective(struct evaluation *ev, const char *how, int *cols, size_t *ncols,
    double *subj, double *obj, struct diag *d)
{
	size_t i, j, n = ev->n, nc = *ncols;
	int rc;

	if (n < 2)
		return MT_ENODATA;
	for (;;) {
		double *x = cv_malloc(n * (nc ? nc : 1) * sizeof(double));
		int dirs[IND_MAX];
		size_t bad = nc;
		if (nc == 0) {
			free(x);
			return MT_EDEGENERATE;
		}
		for (i = 0; i < n; i++)
			for (j = 0; j < nc; j++)
				x[i * nc + j] = ev->ec[i].raw[cols[j]];
		for (j = 0; j < nc; j++)
			dirs[j] = ev->ind[cols[j]].dir;
		rc = strcmp(how, "critic") == 0 ?
		    mt_critic(x, n, nc, dirs, obj) :
		    mt_entropy(x, n, nc, dirs, obj);
		free(x);
		if (rc != MT_ENODATA)
			break;
		for (j = 0; j < nc; j++)
			if (isnan(obj[j]))
				bad = j;
		if (bad == nc)
			break;
		diag_add(d, D_WEIGHTS_COLUMN_DROPPED, ev->cfg->source, 0L, 0L,
		    S_ind_name(ev, ev->ind[cols[bad]].key),
		    ev->ind[cols[bad]].key, ev->cfg->weighting);
		for (j = bad; j + 1 < nc; j++) {
			cols[j] = cols[j + 1];
			subj[j] = subj[j + 1];
		}
		nc--;
	}
	*ncols = nc;
	return rc;
}

/* Weights of the score columns, per the configured method; sum 1. */
static int
S_weights(struct evaluation *ev, const struct config *cfg, int *cols,
    size_t *ncols, double *w, struct diag *d)
{
	size_t i, nc = *ncols;
	double subj[IND_MAX], obj[IND_MAX], sum = 0;
	const char *how = cfg->weighting;
	const char *objm = strcmp(how, "critic") == 0 ? "critic" : "entropy";
	int rc;

	if (strcmp(how, "ahp") == 0) {
		if (S_ahp_weights(ev, cfg, cols, ncols, w, d) != 0)
			return -1;
		snprintf(ev->weighting_note, sizeof(ev->weighting_note),
		    "ahp: lambda_max %.4f, CI %.4f, RI %.2f, CR %.4f < 0.10 "
		    "(%s RI table)", ev->ahp_lambda, ev->ahp_ci, ev->ahp_ri,
		    ev->ahp_cr, cfg->ri_table);
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
	rc = S_objective(ev, objm, cols, ncols, subj, obj, d);
	nc = *ncols;
	if (rc != MT_OK) {
		/* Fewer than two customers, or nothing varies: objective
		 * weights are undefined.  Fall back to the manual ones. */
		diag_add(d, rc == MT_ENODATA ? D_WEIGHTS_FALLBACK_FEW :
		    rc == MT_EDEGENERATE ? D_WEIGHTS_FALLBACK_CONSTANT :
		    D_WEIGHTS_FALLBACK, cfg->source, 0L, 0L, how);
		if (nc == 0) {
			diag_add(d, D_NO_SCORE_COLUMNS, cfg->source, 0L, 0L);
			return -1;
		}
		sum = 0;
		for (i = 0; i < nc; i++)
			sum += subj[i];
		for (i = 0; i < nc; i++)
			w[i] = sum > 0 ? subj[i] / sum : 1.0 / (double)nc;
		snprintf(ev->weighting_note, sizeof(ev->weighting_note),
		    "manual (%s weights undefined: %s)", objm, S_mt_error(rc));
		return 0;
	}
	if (strcmp(how, "combined") == 0) {
		sum = 0;
		for (i = 0; i < nc; i++)
			sum += subj[i];
		for (i = 0; i < nc; i++)
			subj[i] /= sum;
		if (mt_combine(subj, obj, nc, cfg->combine_alpha, w) != MT_OK) {
			char ab[32];

			snprintf(ab, sizeof(ab), "%g", cfg->combine_alpha);
			diag_add(d, D_COMBINE_ALPHA, cfg->source, 0L, 0L, ab);
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

#ifdef CFG_MAX_BANDS
/* Bands of an indicator, checked; 0 none, 1 some, -1 invalid. */
static int
S_bands(const struct config *cfg, const char *key, const double **from,
    const double **points, size_t *n, struct diag *d)
{
	const struct indicator_cfg *ic = S_ind_cfg(cfg, key);
	int k;

	if (ic == NULL || ic->n_bands <= 0)
		return 0;
	for (k = 0; k < ic->n_bands; k++)
		if (!(ic->band_points[k] >= 0 && ic->band_points[k] <= 100) ||
		    (k > 0 && !(ic->band_from[k] > ic->band_from[k - 1]))) {
			diag_add(d, D_BAND_INVALID, cfg->source, 0L, 0L, key);
			return -1;
		}
	*from = ic->band_from;
	*points = ic->band_points;
	*n = (size_t)ic->n_bands;
	return 1;
}
#endif

/*
 * Normalise every indicator into 0..1 with the direction applied (1 is
 * best).  NaN stays NaN (no data for that customer).  Band scoring gives
 * points/100 of the band holding the value, 0 below the first band.
 */
/* Statistics of column k into ev->ind[k], its values into col; 0 = no data. */
static size_t
S_col_stats(struct evaluation *ev, size_t k, double *col)
{
	struct ind_info *in = &ev->ind[k];
	double s = 0;
	size_t i;

	in->n_data = 0;
	in->min = INFINITY;
	in->max = -INFINITY;
	for (i = 0; i < ev->n; i++) {
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
	in->norm = NULL;
	if (in->excluded) {
		in->min = in->max = NAN;
		for (i = 0; i < ev->n; i++)
			ev->ec[i].norm[k] = NAN;
	}
	return in->n_data;
}

/*
 * Mean of the normalised values of column k over the customers with a
 * value, in customer order; 0.5 when none has one.
 */
static double
S_mean_norm(const struct evaluation *ev, size_t k)
{
	double s = 0;
	size_t i, c = 0;

	for (i = 0; i < ev->n; i++)
		if (!isnan(ev->ec[i].norm[k])) {
			s += ev->ec[i].norm[k];
			c++;
		}
	return c ? s / (double)c : 0.5;
}

/*
 * Normalise by method m (no bands) the columns the two threads take from
 * next, one at a time.  A column without data (n_data 0, counted when
 * the rows were filled) is not read at all: its norm is NaN already.
 */
struct S_norm_job {
	struct evaluation *ev;
	const char *name;	/* cfg->normalization */
	enum mt_norm m;
	atomic_size_t *next;	/* the next column nobody took */
	const size_t *n_data;	/* per column: customers with a value */
	double *mean_norm;	/* per column, as S_mean_norm */
	const struct S_scratch *sc;	/* this thread's */
};

static void *
S_norm_cols(void *arg)
{
	struct S_norm_job *j = arg;
	struct evaluation *ev = j->ev;
	double *col = j->sc->col, *out = col + ev->n;
	size_t i, k;

	while ((k = atomic_fetch_add(j->next, 1)) < ev->n_ind) {
		struct ind_info *in = &ev->ind[k];
		double s = 0;
		size_t c = 0;

		if (j->n_data[k] == 0) {
			/* as S_col_stats finds it */
			in->n_data = 0;
			in->excluded = 1;
			in->min = in->max = in->mean = NAN;
			in->norm = NULL;
			j->mean_norm[k] = 0.5;
			continue;
		}
		S_col_stats(ev, k, col);
		mt_normalize_work(col, ev->n, j->m, ev->ind[k].dir, out,
		    j->sc->kv);
		for (i = 0; i < ev->n; i++) {
			double v = j->m == MT_NORM_ZSCORE &&
			    !isnan(out[i]) ? S_phi(out[i]) : out[i];
			ev->ec[i].norm[k] = v;
			if (!isnan(v)) {
				s += v;
				c++;
			}
		}
		j->mean_norm[k] = c ? s / (double)c : 0.5;
		ev->ind[k].norm = j->name;
	}
	return NULL;
}

/* mean_norm: per indicator, its S_mean_norm.  n_data: per indicator,
 * customers with a value.  sc: two threads' scratch. */
static int
S_normalise(struct evaluation *ev, const struct config *cfg,
    const size_t *n_data, double *mean_norm, const struct S_scratch *sc,
    struct diag *d)
{
	size_t i, k, n = ev->n;
	double *col;
	int band = strcmp(cfg->normalization, "band") == 0;
	enum mt_norm m = strcmp(cfg->normalization, "zscore") == 0 ?
	    MT_NORM_ZSCORE : strcmp(cfg->normalization, "percentile") == 0 ?
	    MT_NORM_PERCENTILE : MT_NORM_MINMAX;

	if (!band) {
		/* Columns are independent: the result does not depend on
		 * which thread computed a column. */
		struct S_norm_job a, b;
		atomic_size_t next;

		atomic_init(&next, 0);
		a.ev = b.ev = ev;
		a.name = b.name = cfg->normalization;
		a.m = b.m = m;
		a.next = b.next = &next;
		a.n_data = b.n_data = n_data;
		a.mean_norm = b.mean_norm = mean_norm;
		a.sc = &sc[0];
		b.sc = &sc[1];
		S_two(S_norm_cols, &a, &b);
		return 0;
	}
	col = cv_malloc((n ? n : 1) * sizeof(double));
	for (k = 0; k < ev->n_ind; k++) {
		struct ind_info *in = &ev->ind[k];
		int banded = 0;

		if (S_col_stats(ev, k, col) == 0)
			continue;
#ifdef CFG_MAX_BANDS
		if (band) {
			const double *from = NULL, *pts = NULL;
			size_t nb = 0;
			int b = S_bands(cfg, in->key, &from, &pts, &nb, d);
			if (b < 0) {
				free(col);
				return -1;
			}
			if (b > 0) {
				for (i = 0; i < n; i++) {
					double v = ev->ec[i].raw[k], p;
					if (isnan(v)) {
						ev->ec[i].norm[k] = NAN;
						continue;
					}
					p = mt_band(v, from, pts, nb);
					ev->ec[i].norm[k] = isnan(p) ? 0 : p / 100.0;
				}
				in->norm = "band";
				banded = 1;
			} else if (ev->ind[k].weight_cfg > 0)
				diag_add(d, D_BAND_MISSING, cfg->source, 0L, 0L,
				    in->key);
		}
#endif
		if (banded)
			continue;
		/* A band run: indicators without bands are scaled min-max. */
		mt_normalize(col, n, MT_NORM_MINMAX, in->dir, col);
		for (i = 0; i < n; i++)
			ev->ec[i].norm[k] = col[i];
		in->norm = "minmax";
	}
	free(col);
	for (k = 0; k < ev->n_ind; k++)
		mean_norm[k] = S_mean_norm(ev, k);
	return 0;
}

/*
 * Score and explanations of customers [from, to) (S_score_rows): one
 * thread's share; the customers are independent.
 */
struct S_score_job {
	struct evaluation *ev;
	const int *cols;
	size_t nc;
	const double *w;
	int topsis;		/* scores already set by TOPSIS */
	size_t from, to;
};

/* Up to three indicators that raised and lowered the score most (by at
 * least 0.05 points), and the weakest capability dimensions. */
static void
S_explain(const struct evaluation *ev, struct eval_customer *e,
    const int *cols, size_t nc)
{
	double pts[IND_MAX];
	size_t j, k;

	for (j = 0; j < nc; j++)
		pts[j] = evaluation_points(ev, e, (size_t)cols[j]);
	for (k = 0; k < 3; k++) {
		int best = -1, worst = -1;
		double pb = 0, pw = 0;
		for (j = 0; j < nc; j++) {
			int c = cols[j], used = 0;
			size_t q;
			for (q = 0; q < k; q++)
				if (e->up[q] == c || e->down[q] == c)
					used = 1;
			if (used)
				continue;
			double p = pts[j];
			if (p > 0.05 && (best < 0 || p > pb)) {
				best = c;
				pb = p;
			}
			if (p < -0.05 && (worst < 0 || p < pw)) {
				worst = c;
				pw = p;
			}
		}
		e->up[k] = best;
		e->down[k] = worst;
	}
	/* Weakest capability dimensions, weakest first: below 3, or
	 * the two lowest below 4 when none is. */
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

static void *
S_score_rows(void *arg)
{
	const struct S_score_job *jb = arg;
	size_t i, j;

	for (i = jb->from; i < jb->to; i++) {
		struct eval_customer *e = &jb->ev->ec[i];
		double s = 0, ws = 0;
		for (j = 0; j < jb->nc; j++) {
			double v = e->norm[jb->cols[j]];
			if (isnan(v))
				continue;
			s += jb->w[j] * v;
			ws += jb->w[j];
		}
		if (!jb->topsis)
			e->score = ws > 0 ? 100.0 * s / ws : 0;
		if (!isfinite(e->score))
			e->score = 0;
		/* Round to 1e-9 so ties do not depend on summation order. */
		e->score = round(e->score * 1e9) / 1e9;
		S_explain(jb->ev, e, jb->cols, jb->nc);
	}
	return NULL;
}

/*
 * Score 0..100.  sum: weighted mean of the normalised values the customer
 * has (weights rescaled over those).  topsis: closeness on the normalised
 * matrix (already benefit-oriented), a missing value counting as the
 * column mean.  Points (evaluation_points) = 100 x weight x (value -
 * column mean).  Then the explanations (S_explain).  mean_all: per
 * indicator, the mean normalised value (S_mean_norm).
 */
static int
S_score(struct evaluation *ev, const struct config *cfg, const int *cols,
    size_t nc, const double *w, const double *mean_all)
{
	size_t i, j, n = ev->n;
	double mean_norm[IND_MAX];
	int topsis = strcmp(cfg->scoring, "topsis") == 0;
	struct S_score_job a, b;

	for (j = 0; j < nc; j++)
		mean_norm[j] = mean_all[cols[j]];
	if (topsis && n > 0) {
		double *x = cv_malloc(n * nc * sizeof(double));
		double *cl = cv_malloc(n * sizeof(double));
		int rc;
		for (i = 0; i < n; i++)
			for (j = 0; j < nc; j++) {
				double v = ev->ec[i].norm[cols[j]];
				x[i * nc + j] = isnan(v) ? mean_norm[j] : v;
			}
		rc = mt_topsis(x, n, nc, w, NULL, MT_NORM_VECTOR, cl);
		for (i = 0; rc == MT_OK && i < n; i++)
			ev->ec[i].score = isfinite(cl[i]) ? 100.0 * cl[i] : 50.0;
		free(x);
		free(cl);
		if (rc != MT_OK)
			return -1;
	}
	for (j = 0; j < nc; j++) {
		ev->ind[cols[j]].scored = 1;
		ev->ind[cols[j]].score_w = w[j];
		ev->ind[cols[j]].mean_norm = mean_norm[j];
	}
	a.ev = b.ev = ev;
	a.cols = b.cols = cols;
	a.nc = b.nc = nc;
	a.w = b.w = w;
	a.topsis = b.topsis = topsis;
	a.from = 0;
	a.to = b.from = n / 2;
	b.to = n;
	S_two(S_score_rows, &a, &b);
	return 0;
}

double
evaluation_points(const struct evaluation *ev, const struct eval_customer *e,
    size_t k)
{
	const struct ind_info *in = &ev->ind[k];
	double v = e->norm[k];

	if (!in->scored || isnan(v))
		return 0;
	return 100.0 * in->score_w * (v - in->mean_norm);
}

/*
 * Tiers.  share: counts by largest remainder (they add up to n; each
 * tier within one customer of its share), filled in rank order, so a
 * tie in score is broken by cycle revenue, then id.  cutoff: the first
 * tier in configured order whose minimum score the customer reaches,
 * else the last.  pareto: customers by contribution (gross profit when
 * the run has cost data, else revenue), largest first; a customer
 * belongs to the first tier whose cumulative bound is above the share
 * reached before it.
 */
static void
S_tiers(struct evaluation *ev, const struct config *cfg,
    const struct S_scratch *sc)
{
	size_t n = ev->n, i, t, pos = 0;
	size_t nt = (size_t)cfg->n_tiers;
	double total = 0;

	ev->n_tiers = nt;
	for (t = 0; t < nt; t++) {
		struct tier_info *ti = &ev->tiers[t];
		snprintf(ti->key, sizeof(ti->key), "%s", cfg->tiers[t].key ?
		    cfg->tiers[t].key : "");
		ti->min_score = NAN;
		ti->max_score = NAN;
		ti->bound = strcmp(cfg->tier_scheme, "share") == 0 ?
		    cfg->tiers[t].share :
		    strcmp(cfg->tier_scheme, "cutoff") == 0 ?
		    cfg->tiers[t].cutoff : cfg->tiers[t].cum;
	}
	if (strcmp(cfg->tier_scheme, "share") == 0) {
		size_t cnt[CFG_MAX_TIERS], sum = 0;
		double rem[CFG_MAX_TIERS];
		for (t = 0; t < nt; t++) {
			double q = cfg->tiers[t].share * (double)n;
			cnt[t] = (size_t)floor(q + 1e-9);
			rem[t] = q - (double)cnt[t];
			sum += cnt[t];
		}
		while (sum < n) {	/* earliest tier wins a tie */
			size_t best = 0;
			for (t = 1; t < nt; t++)
				if (rem[t] > rem[best] + 1e-12)
					best = t;
			cnt[best]++;
			rem[best] = -1;
			sum++;
		}
		while (sum > n) {	/* shares above 1 in a config built in code */
			for (t = nt; t-- > 0;)
				if (cnt[t] > 0)
					break;
			cnt[t]--;
			sum--;
		}
		for (t = 0; t < nt; t++)
			for (i = 0; i < cnt[t]; i++)
				ev->ec[ev->by_rank[pos++]].tier = (int)t;
	} else if (strcmp(cfg->tier_scheme, "cutoff") == 0) {
		for (i = 0; i < n; i++) {
			struct eval_customer *e = &ev->ec[i];
			e->tier = (int)nt - 1;
			for (t = 0; t < nt; t++)
				if (e->score >= cfg->tiers[t].cutoff) {
					e->tier = (int)t;
					break;
				}
		}
	} else {
		size_t *ord = cv_malloc((n ? n : 1) * sizeof(size_t));
		double cum = 0;
		for (i = 0; i < n; i++) {
			int64_t v = S_pareto_value(&ev->ec[i]);
			ord[i] = i;
			if (v > 0)
				total += (double)v;
		}
		S_order(ev, ord, n, EV_BY_PARETO, sc);
		for (i = 0; i < n; i++) {
			struct eval_customer *e = &ev->ec[ord[i]];
			int64_t v = S_pareto_value(e);
			double before = total > 0 ? cum / total : 1;
			e->tier = (int)nt - 1;
			for (t = 0; t < nt; t++)
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
		int64_t v = S_pareto_value(e);
		ti->count++;
		ti->revenue += e->rev_cycle;
		ti->gp += e->gp_cycle;
		if (v > 0 && total > 0)
			ti->contribution += (double)v / total;
		if (isnan(ti->min_score) || e->score < ti->min_score)
			ti->min_score = e->score;
		if (isnan(ti->max_score) || e->score > ti->max_score)
			ti->max_score = e->score;
	}
	for (t = 0; t < nt; t++)
		ev->tiers[t].share = n ? (double)ev->tiers[t].count / (double)n : 0;
}

/* A quadrant axis value, 0..100. */
static double
S_axis(const struct eval_customer *e, const char *key, int idx,
    double vol_rank)
{
	double v;

	if (strcmp(key, "volume") == 0)
		v = vol_rank;
	else if (strcmp(key, "score") == 0)
		return e->score;
	else if (strcmp(key, "loyalty") == 0)
		v = e->raw[idx];	/* already 0..1, absolute */
	else
		v = e->norm[idx];
	return isnan(v) ? 0 : 100.0 * v;
}

/*
 * Quadrant: x "volume" = percentile rank of cycle-weighted revenue;
 * "loyalty" = the loyalty composite; "score" = the composite score; any
 * other indicator key = its normalised value.  Large: x above the split;
 * loyal: y at or above it.
 */
static void
S_quadrant(struct evaluation *ev, const struct config *cfg,
    const struct S_scratch *sc)
{
	size_t n = ev->n, i;
	double *v = sc[0].col, *rank = sc[1].col;
	int ix = indicator_index(cfg->quad_x), iy = indicator_index(cfg->quad_y);
	/* The revenue column normalised by percentile (benefit) is that
	 * rank already. */
	int have = ev->ind[0].norm != NULL &&
	    strcmp(ev->ind[0].norm, "percentile") == 0 && ev->ind[0].dir > 0;

	if (!have) {
		for (i = 0; i < n; i++)
			v[i] = ev->ec[i].raw[0];  /* cycle-weighted revenue */
		mt_normalize_work(v, n, MT_NORM_PERCENTILE, 1, rank, sc[0].kv);
	}
	for (i = 0; i < n; i++) {
		struct eval_customer *e = &ev->ec[i];
		double r = have ? e->norm[0] : rank[i];
		e->volume = S_axis(e, cfg->quad_x, ix, r);
		e->loyalty = S_axis(e, cfg->quad_y, iy, r);
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
		ev->x_split = n ? S_median(v, n, sc[0].kv) : 50;
		for (i = 0; i < n; i++)
			v[i] = ev->ec[i].loyalty;
		ev->y_split = n ? S_median(v, n, sc[0].kv) : 50;
	}
	for (i = 0; i < 4; i++)
		ev->quads[i].key = quadrant_keys[i];
	for (i = 0; i < n; i++) {
		struct eval_customer *e = &ev->ec[i];
		int large = e->volume > ev->x_split;
		int loyal = e->loyalty >= ev->y_split;
		int q = large ? (loyal ? 0 : 1) : (loyal ? 2 : 3);
		e->quadrant = quadrant_keys[q];
		ev->quads[q].count++;
		ev->quads[q].revenue += e->rev_cycle;
	}
}

/* Flags, lifecycle and value group of customers [from, to), counted:
 * one thread's share (S_class_rows). */
struct S_class_job {
	struct evaluation *ev;
	const struct config *cfg;
	const unsigned char *big;	/* per customer: in the top revenue
					 * share, with sales */
	double med_score;
	size_t from, to;
	size_t lifecycle_count[5], value_count[4], flag_count[FLAG__COUNT];
};

static void *
S_class_rows(void *arg)
{
	struct S_class_job *jb = arg;
	const struct config *cfg = jb->cfg;
	double med_score = jb->med_score;
	int i_margin = indicator_index("margin"), i_yoy = indicator_index("yoy");
	int i_cagr = indicator_index("cagr"), i_rec = indicator_index("recency");
	int i_viol = indicator_index("violations");
	int i_cap = indicator_index("capability");
	int i_trend = indicator_index("trend");
	size_t i, k;
	int f;

	for (i = jb->from; i < jb->to; i++) {
		struct eval_customer *e = &jb->ev->ec[i];
		int big = jb->big[i];
		const struct customer *c = e->c;
		double margin = e->raw[i_margin], yoy = e->raw[i_yoy];
		double cagr = e->raw[i_cagr], rec = e->raw[i_rec];
		double viol = e->raw[i_viol], cap = e->raw[i_cap];
		double trend = e->raw[i_trend];
		int large = e->quadrant == quadrant_keys[0] ||
		    e->quadrant == quadrant_keys[1];
		int loyal = e->quadrant == quadrant_keys[0] ||
		    e->quadrant == quadrant_keys[2];
		int late = !isnan(e->days_late) && e->days_late > cfg->late_days;
		int growing;

		e->flags = 0;
		if (big && ((!isnan(margin) && margin < cfg->fake_big_margin) ||
		    late || (!isnan(viol) && viol >= S_FAKE_BIG_VIOLATIONS)))
			e->flags |= 1u << FLAG_FAKE_BIG;
		/* Overdue: money past due by more than late-days (the credit
		 * snapshot's oldest overdue invoice). */
		if (c->credit.present && c->credit.overdue > 0 &&
		    c->credit.max_days_overdue > cfg->late_days)
			e->flags |= 1u << FLAG_OVERDUE;
		if (c->credit.present && c->credit.limit > 0 &&
		    c->credit.balance > c->credit.limit)
			e->flags |= 1u << FLAG_OVER_LIMIT;
		/* Sharp decline: last year fell to the threshold or below and
		 * the revenue trend does not rise (not a one-off spike). */
		if (!isnan(yoy) && yoy <= cfg->sharp_decline &&
		    !(trend > 0))
			e->flags |= 1u << FLAG_SHARP_DECLINE;
		if (e->quadrant == quadrant_keys[1] && !isnan(viol) && viol > 0)
			e->flags |= 1u << FLAG_LARGE_DISLOYAL_VIOL;
		if (late)
			e->flags |= 1u << FLAG_LATE_PAYER;

		/* Lifecycle (IBM's four classes), first match wins. */
		growing = (!isnan(cagr) && cagr >= cfg->fast_growth &&
		    !(yoy <= 0)) ||
		    (isnan(cagr) && !isnan(trend) && trend >= cfg->fast_growth);
		if (c->last_sale != CV_DATE_NONE && !isnan(rec) &&
		    rec >= cfg->sleeping_months)
			e->lifecycle = lifecycle_keys[2];
		else if (growing)
			e->lifecycle = lifecycle_keys[1];
		else if (loyal && !large)
			e->lifecycle = lifecycle_keys[0];
		else if (!(e->flags & (1u << FLAG_FAKE_BIG |
		    1u << FLAG_LARGE_DISLOYAL_VIOL)) && e->rev_cycle > 0 &&
		    (e->score >= med_score || (!isnan(yoy) && yoy > 0) ||
		    (!isnan(cap) && cap >= 3.5)))
			e->lifecycle = lifecycle_keys[3];
		else
			e->lifecycle = lifecycle_keys[4];

		/* Value groups.  Over-served needs service-cost data, which
		 * the inputs do not carry, so it is never assigned here. */
		if (e->rev_cycle <= 0)
			e->value_group = value_group_keys[3];
		else if (large && e->score >= med_score)
			e->value_group = value_group_keys[0];
		else if (!large && ((!isnan(yoy) && yoy > 0.1) ||
		    (!isnan(cagr) && cagr > 0.1) ||
		    (!isnan(cap) && cap >= 3.5) || loyal))
			e->value_group = value_group_keys[1];
		else if (large)
			e->value_group = value_group_keys[0];
		else
			e->value_group = value_group_keys[3];

		/* the keys were set from the tables above, so the pointers
		 * say which */
		for (k = 0; k < 5; k++)
			if (e->lifecycle == lifecycle_keys[k])
				jb->lifecycle_count[k]++;
		for (k = 0; k < 4; k++)
			if (e->value_group == value_group_keys[k])
				jb->value_count[k]++;
		for (f = 0; f < FLAG__COUNT; f++)
			if (e->flags & (1u << f))
				jb->flag_count[f]++;
	}
	return NULL;
}

/* ord: set to the customers by revenue (EV_BY_REVENUE), for S_summary;
 * sc: two threads' scratch. */
static void
S_classes(struct evaluation *ev, const struct config *cfg, size_t **ordp,
    const struct S_scratch *sc)
{
	size_t n = ev->n, i, k, top, n_pos = 0, *ord = sc[0].idx;
	double *v = sc[0].col, med_score;
	unsigned char *big = cv_calloc(n ? n : 1, 1);
	struct S_class_job a, b;
	int f;

	for (i = 0; i < n; i++)
		v[i] = ev->ec[i].score;
	med_score = S_median(v, n, sc[0].kv);

	/* Revenue rank, for "big" customers: the top share of the customers
	 * with sales in the window. */
	for (i = 0; i < n; i++) {
		ord[i] = i;
		if (ev->ec[i].rev_cycle > 0)
			n_pos++;
	}
	S_order(ev, ord, n, EV_BY_REVENUE, &sc[0]);
	top = (size_t)ceil(cfg->fake_big_rank_share * (double)n_pos - 1e-9);
	for (i = 0; i < top && i < n; i++)
		big[ord[i]] = ev->ec[ord[i]].rev_cycle > 0;
	*ordp = ord;

	memset(&a, 0, sizeof(a));
	a.ev = ev;
	a.cfg = cfg;
	a.big = big;
	a.med_score = med_score;
	b = a;
	a.to = b.from = n / 2;
	b.to = n;
	S_two(S_class_rows, &a, &b);
	free(big);
	for (k = 0; k < 5; k++)
		ev->lifecycle_count[k] = a.lifecycle_count[k] +
		    b.lifecycle_count[k];
	for (k = 0; k < 4; k++)
		ev->value_count[k] = a.value_count[k] + b.value_count[k];
	for (f = 0; f < FLAG__COUNT; f++)
		ev->flag_count[f] = a.flag_count[f] + b.flag_count[f];
}

/*
 * Totals and the top 20 % shares.  by_rev: the customers by revenue
 * (EV_BY_REVENUE); the top sums do not depend on how ties are ordered.
 */
static void
S_summary(struct evaluation *ev, const size_t *by_rev,
    const struct S_scratch *sc)
{
	size_t n = ev->n, i, top = (size_t)ceil(0.2 * (double)n);
	struct mt_kv *kv = sc->kv;
	int64_t r = 0, g = 0;

	for (i = 0; i < n; i++) {
		ev->revenue_cycle += ev->ec[i].rev_cycle;
		ev->gp_cycle += ev->ec[i].gp_cycle;
		if (ev->ec[i].rev_cycle != 0)
			ev->n_evaluated++;
		if (ev->ec[i].months > 0 &&
		    ev->ec[i].months < ev->m->n_months)
			ev->n_younger++;
	}
	for (i = 0; i < top && i < n; i++)
		r += ev->ec[by_rev[i]].rev_cycle;
	ev->top20_revenue_share = ev->revenue_cycle > 0 ?
	    (double)r / (double)ev->revenue_cycle : NAN;
	for (i = 0; i < n; i++) {
		kv[i].key = ~mt_key_int64(ev->ec[i].gp_cycle);
		kv[i].idx = i;
	}
	mt_sort_kv(kv, n, kv + n);
	for (i = 0; i < top && i < n; i++)
		g += ev->ec[kv[i].idx].gp_cycle;
	ev->top20_gp_share = ev->gp_cycle > 0 ?
	    (double)g / (double)ev->gp_cycle : NAN;
}

/*
 * Set up the rows of customers [from, to) and compute their indicators
 * (S_prepare): one thread's share.  Row by row in small chunks, so that
 * the fresh memory is touched once, by the thread that fills it.
 */
struct S_prep_job {
	struct evaluation *ev;
	const struct model *m;
	const struct config *cfg;
	int have_cost;		/* indicators_have_cost */
	size_t from, to;
	int ids_sorted;		/* out: ids ascending in [from - 1, to) */
	size_t n_data[IND_MAX];	/* out: per indicator, customers in the
				 * range with a value */
};

#define S_PREP_CHUNK 256

static void *
S_prepare(void *arg)
{
	struct S_prep_job *j = arg;
	struct evaluation *ev = j->ev;
	size_t nd = ev->n_ind, i, k, c, end;

	j->ids_sorted = 1;
	memset(j->n_data, 0, sizeof(j->n_data));
	for (c = j->from; c < j->to; c = end) {
		end = j->to - c > S_PREP_CHUNK ? c + S_PREP_CHUNK : j->to;
		for (i = c; i < end; i++) {
			double *v = ev->values + i * 2 * nd;

			ev->ec[i].c = j->m->cust[i];
			ev->ec[i].raw = v;
			ev->ec[i].norm = v + nd;
			/* no data yet; a column without data keeps NaN norm */
			for (k = 0; k < 2 * nd; k++)
				v[k] = NAN;
			if (i > 0 && strcmp(j->m->cust[i - 1]->id,
			    j->m->cust[i]->id) >= 0)
				j->ids_sorted = 0;
		}
		indicators_range(ev, j->m, j->cfg, j->have_cost, c, end);
		for (i = c; i < end; i++)
			for (k = 0; k < nd; k++)
				j->n_data[k] += !isnan(ev->ec[i].raw[k]);
	}
	return NULL;
}

static int
S_evaluate(struct evaluation *ev, const struct model *m,
    const struct config *cfg, struct S_scratch *sc, struct diag *d)
{
	const struct ind_info *defs;
	size_t i, ndefs, nc, *by_rev = NULL, n_data[IND_MAX];
	int cols[IND_MAX];
	double w[IND_MAX], mean_norm[IND_MAX];
	struct S_prep_job pa, pb;

	ev->m = m;
	ev->cfg = cfg;
	defs = indicator_defs(&ndefs);
	ev->n_ind = ndefs;
	memcpy(ev->ind, defs, ndefs * sizeof(*defs));
	ev->n = m->n_cust;
	ev->ec = S_big_alloc(&ev->ec_size, (ev->n ? ev->n : 1) *
	    sizeof(*ev->ec));
	ev->by_rank = cv_calloc(ev->n ? ev->n : 1, sizeof(size_t));
	ev->values = S_big_alloc(&ev->values_size, (ev->n ? ev->n : 1) * 2 *
	    ndefs * sizeof(double));
	if (S_check_config(cfg, d) != 0)
		return -1;

	pa.ev = pb.ev = ev;
	pa.m = pb.m = m;
	pa.cfg = pb.cfg = cfg;
	pa.have_cost = pb.have_cost = indicators_have_cost(m);
	pa.from = 0;
	pa.to = pb.from = ev->n / 2;
	pb.to = ev->n;
	S_two(S_prepare, &pa, &pb);
	ev->ids_sorted = pa.ids_sorted && pb.ids_sorted;
	for (i = 0; i < ndefs; i++)
		n_data[i] = pa.n_data[i] + pb.n_data[i];
	S_manual_weights(ev, cfg);
	if (S_normalise(ev, cfg, n_data, mean_norm, sc, d) != 0)
		return -1;
	S_pareto_gp = !ev->ind[indicator_index("margin")].excluded;
	ev->pareto_measure = S_pareto_gp ? "gross-profit" : "revenue";
	if (ev->n == 0) {
		/* Nothing to evaluate: an empty, valid evaluation. */
		snprintf(ev->weighting_note, sizeof(ev->weighting_note),
		    "no customers");
		S_tiers(ev, cfg, sc);
		S_quadrant(ev, cfg, sc);
		return 0;
	}
	nc = strcmp(cfg->weighting, "ahp") == 0 ? 0 : S_columns(ev, cols, d);
	if (nc == 0 && strcmp(cfg->weighting, "ahp") != 0) {
		diag_add(d, D_NO_SCORE_COLUMNS, cfg->source, 0L, 0L);
		return -1;
	}
	if (S_weights(ev, cfg, cols, &nc, w, d) != 0)
		return -1;
	for (i = 0; i < ev->n_ind; i++)
		ev->ind[i].weight = 0;
	for (i = 0; i < nc; i++)
		ev->ind[cols[i]].weight = w[i];
	if (S_score(ev, cfg, cols, nc, w, mean_norm) != 0) {
		diag_add(d, D_TOPSIS_FAILED, cfg->source, 0L, 0L);
		return -1;
	}
	for (i = 0; i < ev->n; i++)
		ev->by_rank[i] = i;
	S_order(ev, ev->by_rank, ev->n, EV_BY_SCORE, sc);
	for (i = 0; i < ev->n; i++)
		ev->ec[ev->by_rank[i]].rank = i + 1;
	S_tiers(ev, cfg, sc);
	S_quadrant(ev, cfg, sc);
	S_classes(ev, cfg, &by_rev, sc);
	S_summary(ev, by_rev, sc);
	return 0;
}

int
evaluate(struct evaluation *ev, const struct model *m,
    const struct config *cfg, const struct labels *labels, struct diag *d)
{
	size_t n = m->n_cust ? m->n_cust : 1, size, per;
	struct S_scratch sc[2];
	char *p;
	int rc;

	memset(ev, 0, sizeof(*ev));
	ev->labels = labels;
	/* per thread: kv 2n, col 2n; then the first thread's idx n */
	per = 2 * n * (sizeof(struct mt_kv) + sizeof(double));
	p = S_big_alloc(&size, 2 * per + n * sizeof(size_t));
	sc[0].kv = (struct mt_kv *)p;
	sc[0].col = (double *)(p + 2 * n * sizeof(struct mt_kv));
	sc[1].kv = (struct mt_kv *)(p + per);
	sc[1].col = (double *)(p + per + 2 * n * sizeof(struct mt_kv));
	sc[0].idx = (size_t *)(p + 2 * per);
	sc[1].idx = NULL;
	rc = S_evaluate(ev, m, cfg, sc, d);
	S_big_free(p, size);
	if (rc != 0) {
		evaluation_free(ev);
		return -1;
	}
	return 0;
}
