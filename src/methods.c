/* methods.c: pure numeric weighting, normalisation and ranking methods on doubles. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "methods.h"
#include "util.h"

#define S_DIR(dirs, j) ((dirs) != NULL && (dirs)[j] < 0 ? -1 : 1)

/* Sort helper for percentile ranks: values with their original index. */
struct S_iv {
	double v;
	size_t i;
};

static int
S_iv_cmp(const void *a, const void *b)
{
	const struct S_iv *x = a, *y = b;

	if (x->v < y->v)
		return -1;
	if (x->v > y->v)
		return 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

void
mt_normalize(const double *x, size_t n, enum mt_norm m, int dir, double *out)
{
	mt_normalize_work(x, n, m, dir, out, NULL);
}

void
mt_normalize_work(const double *x, size_t n, enum mt_norm m, int dir,
    double *out, struct mt_kv *work)
{
	double lo = INFINITY, hi = -INFINITY, sum = 0, ss = 0, mean, sd;
	size_t i, k, cnt = 0;

	for (i = 0; i < n; i++) {
		if (isnan(x[i]))
			continue;
		cnt++;
		if (x[i] < lo)
			lo = x[i];
		if (x[i] > hi)
			hi = x[i];
		sum += x[i];
		ss += x[i] * x[i];
	}
	switch (m) {
	case MT_NORM_MINMAX:
		for (i = 0; i < n; i++) {
			if (isnan(x[i]))
				out[i] = NAN;
			else if (!(hi > lo))
				out[i] = 0.5;
			else if (dir < 0)
				out[i] = (hi - x[i]) / (hi - lo);
			else
				out[i] = (x[i] - lo) / (hi - lo);
		}
		break;
	case MT_NORM_ZSCORE:
		mean = cnt > 0 ? sum / (double)cnt : 0;
		ss = 0;
		for (i = 0; i < n; i++)
			if (!isnan(x[i]))
				ss += (x[i] - mean) * (x[i] - mean);
		sd = cnt > 0 ? sqrt(ss / (double)cnt) : 0;
		for (i = 0; i < n; i++) {
			if (isnan(x[i]))
				out[i] = NAN;
			else if (!(sd > 0) || !(hi > lo))
				out[i] = 0;
			else
				out[i] = (dir < 0 ? mean - x[i] : x[i] - mean) / sd;
		}
		break;
	case MT_NORM_PERCENTILE: {
		/* Ranks from a radix sort: only the runs of equal values
		 * matter, not the order inside a run. */
		struct mt_kv *kv = work != NULL ? work :
		    cv_malloc((cnt ? cnt : 1) * 2 * sizeof(*kv));
		/* out may be x: the ranks go to res until x is read */
		double *res = out != x ? out :
		    cv_malloc((n ? n : 1) * sizeof(*res));

		for (i = 0, k = 0; i < n; i++)
			if (!isnan(x[i])) {
				kv[k].key = mt_key_double(x[i]);
				kv[k++].idx = i;
			}
		mt_sort_kv(kv, cnt, kv + cnt);
		for (i = 0; i < n; i++)
			res[i] = NAN;
		for (i = 0; i < cnt; i = k) {
			double avg, p;

			for (k = i + 1; k < cnt && kv[k].key == kv[i].key; k++)
				;
			/* 0-based ranks i..k-1 share their average. */
			avg = ((double)i + (double)(k - 1)) / 2.0;
			p = cnt > 1 && hi > lo ? avg / (double)(cnt - 1) : 0.5;
			if (dir < 0 && cnt > 1 && hi > lo)
				p = 1.0 - p;
			while (i < k)
				res[kv[i++].idx] = p;
			i = k;
		}
		if (res != out) {
			memcpy(out, res, n * sizeof(*out));
			free(res);
		}
		if (work == NULL)
			free(kv);
		break;
	}
	case MT_NORM_VECTOR:
		sd = sqrt(ss);
		for (i = 0; i < n; i++) {
			if (isnan(x[i]))
				out[i] = NAN;
			else
				out[i] = sd > 0 ? x[i] / sd : 0;
		}
		break;
	}
}

double
mt_band(double x, const double *edges, const double *points, size_t nbands)
{
	size_t k;

	if (isnan(x) || nbands == 0 || x < edges[0])
		return NAN;
	for (k = nbands; k-- > 0;)
		if (x >= edges[k])
			return points[k];
	return NAN;
}

/*
 * Saaty's RI: n = 1..10 from T. L. Saaty, The Analytic Hierarchy Process
 * (McGraw-Hill, 1980); n = 11..15 as quoted in his later books (e.g.
 * Fundamentals of Decision Making and Priority Theory, RWS, 1994).  The
 * dip to 1.48 at n = 12 is not monotone but is what is published.
 */
static const double S_ri_saaty[MT_RI_MAX_N] = {
	0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49,
	1.51, 1.48, 1.56, 1.57, 1.59
};

/*
 * The RI table found in Chinese AHP textbooks (平均随机一致性指标,
 * commonly credited to 龚木森 and 许树柏 (1986), from 1000 random
 * reciprocal matrices per order; e.g. reproduced in 许树柏《实用决策方法：
 * 层次分析法原理》, 天津大学出版社, 1988).  Values as given in our brief.
 */
static const double S_ri_cn[MT_RI_MAX_N] = {
	0, 0, 0.52, 0.89, 1.12, 1.26, 1.36, 1.41, 1.46, 1.49,
	1.52, 1.54, 1.56, 1.58, 1.59
};

double
mt_ri(enum mt_ri_table t, size_t n)
{
	if (n < 1 || n > MT_RI_MAX_N)
		return NAN;
	return t == MT_RI_CN ? S_ri_cn[n - 1] : S_ri_saaty[n - 1];
}

int
mt_ahp(const double *a, size_t n, enum mt_ri_table ri,
    struct mt_ahp_result *r)
{
	return mt_ahp_ex(a, n, ri, MT_AHP_EIGEN, r);
}

int
mt_ahp_ex(const double *a, size_t n, enum mt_ri_table ri,
    enum mt_ahp_method method, struct mt_ahp_result *r)
{
	double *x, *y, s, diff, lam;
	size_t i, j;
	int it, rc = MT_OK;

	if (n == 0 || r == NULL || r->w == NULL)
		return MT_EARG;
	for (i = 0; i < n * n; i++)
		if (!(a[i] > 0) || !isfinite(a[i]))
			return MT_EARG;
	if (n > MT_RI_MAX_N)
		return MT_ERANGE;
	x = r->w;
	y = cv_malloc(n * sizeof(*y));
	r->iterations = 0;
	if (method == MT_AHP_GEOMEAN) {
		for (i = 0, s = 0; i < n; i++) {
			double lg = 0;

			for (j = 0; j < n; j++)
				lg += log(a[i * n + j]);
			x[i] = exp(lg / (double)n);
			s += x[i];
		}
		for (i = 0; i < n; i++)
			x[i] /= s;
	} else {
		for (i = 0; i < n; i++)
			x[i] = 1.0 / (double)n;
		for (it = 1; it <= 100000; it++) {
			for (i = 0, s = 0; i < n; i++) {
				y[i] = 0;
				for (j = 0; j < n; j++)
					y[i] += a[i * n + j] * x[j];
				s += y[i];
			}
			for (i = 0, diff = 0; i < n; i++) {
				y[i] /= s;
				if (fabs(y[i] - x[i]) > diff)
					diff = fabs(y[i] - x[i]);
				x[i] = y[i];
			}
			r->iterations = it;
			if (diff < 1e-12)
				break;
		}
		if (diff >= 1e-12)
			rc = MT_ENOCONV;
	}
	/* lambda_max as the mean of (A w)_i / w_i (exact at the eigenvector). */
	for (i = 0, lam = 0; i < n; i++) {
		for (j = 0, s = 0; j < n; j++)
			s += a[i * n + j] * x[j];
		lam += s / x[i];
	}
	free(y);
	r->lambda_max = lam / (double)n;
	if (n <= 2) {
		r->ci = r->ri = r->cr = 0;
	} else {
		r->ci = (r->lambda_max - (double)n) / (double)(n - 1);
		r->ri = mt_ri(ri, n);
		r->cr = r->ci / r->ri;
	}
	r->consistent = r->cr < MT_CR_LIMIT;
	return rc;
}

static void
S_mark(double *w, size_t cols, size_t bad)
{
	size_t j;

	for (j = 0; j < cols; j++)
		w[j] = j == bad ? NAN : 0;
}

/* Shared tail of both entropy variants: z holds non-negative values. */
static int
S_entropy(double *z, size_t rows, size_t cols, double *w)
{
	double sumd = 0;
	size_t i, j;

	for (j = 0; j < cols; j++) {
		double s = 0, h = 0;
		size_t m = 0;

		for (i = 0; i < rows; i++)
			if (!isnan(z[i * cols + j])) {
				s += z[i * cols + j];
				m++;
			}
		if (m < 2) {
			S_mark(w, cols, j);
			return MT_ENODATA;
		}
		if (!(s > 0)) {
			w[j] = 0;	/* all zero: no information */
			continue;
		}
		for (i = 0; i < rows; i++) {
			double p = z[i * cols + j] / s;

			if (!isnan(p) && p > 0)
				h -= p * log(p);
		}
		w[j] = 1.0 - h / log((double)m);
		if (w[j] < 0)	/* rounding of a uniform column */
			w[j] = 0;
		sumd += w[j];
	}
	if (!(sumd > 1e-15)) {
		for (j = 0; j < cols; j++)
			w[j] = 0;
		return MT_EDEGENERATE;
	}
	for (j = 0; j < cols; j++)
		w[j] /= sumd;
	return MT_OK;
}

int
mt_entropy(const double *x, size_t rows, size_t cols, const int *dirs,
    double *w)
{
	double *z, *col;
	size_t i, j;
	int rc;

	if (rows == 0 || cols == 0)
		return MT_EARG;
	z = cv_malloc(rows * cols * sizeof(*z));
	col = cv_malloc(rows * sizeof(*col));
	for (j = 0; j < cols; j++) {
		double lo = INFINITY, hi = -INFINITY;

		for (i = 0; i < rows; i++) {
			col[i] = x[i * cols + j];
			if (!isnan(col[i])) {
				lo = col[i] < lo ? col[i] : lo;
				hi = col[i] > hi ? col[i] : hi;
			}
		}
		mt_normalize(col, rows, MT_NORM_MINMAX, S_DIR(dirs, j), col);
		for (i = 0; i < rows; i++)	/* constant: all zero, weight 0 */
			z[i * cols + j] = hi > lo || isnan(col[i]) ? col[i] : 0;
	}
	rc = S_entropy(z, rows, cols, w);
	free(col);
	free(z);
	return rc;
}

int
mt_entropy_raw(const double *x, size_t rows, size_t cols, double *w)
{
	double *z;
	size_t i, j;
	int rc;

	if (rows == 0 || cols == 0)
		return MT_EARG;
	for (j = 0; j < cols; j++)
		for (i = 0; i < rows; i++)
			if (x[i * cols + j] < 0) {
				S_mark(w, cols, j);
				return MT_ENEGATIVE;
			}
	z = cv_malloc(rows * cols * sizeof(*z));
	memcpy(z, x, rows * cols * sizeof(*z));
	rc = S_entropy(z, rows, cols, w);
	free(z);
	return rc;
}

/* Copies the rows of x without NaN into a new array; returns their count. */
static size_t
S_complete_rows(const double *x, size_t rows, size_t cols, double **out,
    size_t **idx)
{
	size_t i, j, k = 0;

	*out = cv_malloc((rows * cols + 1) * sizeof(**out));
	*idx = cv_malloc((rows ? rows : 1) * sizeof(**idx));
	for (i = 0; i < rows; i++) {
		for (j = 0; j < cols; j++)
			if (isnan(x[i * cols + j]))
				break;
		if (j < cols)
			continue;
		memcpy(*out + k * cols, x + i * cols, cols * sizeof(**out));
		(*idx)[k++] = i;
	}
	return k;
}

int
mt_critic(const double *x, size_t rows, size_t cols, const int *dirs,
    double *w)
{
	double *z, *col, *mean, *sd, sumc = 0;
	size_t *idx, m, i, j, k;
	int *cst;

	if (rows == 0 || cols == 0)
		return MT_EARG;
	m = S_complete_rows(x, rows, cols, &z, &idx);
	if (m < 2) {
		size_t best = 0, bestn = 0;

		for (j = 0; j < cols; j++) {
			size_t nn = 0;

			for (i = 0; i < rows; i++)
				nn += isnan(x[i * cols + j]) != 0;
			if (nn > bestn) {
				bestn = nn;
				best = j;
			}
		}
		free(z);
		free(idx);
		S_mark(w, cols, best);
		return MT_ENODATA;
	}
	col = cv_malloc(m * sizeof(*col));
	mean = cv_calloc(cols, sizeof(*mean));
	sd = cv_calloc(cols, sizeof(*sd));
	cst = cv_calloc(cols, sizeof(*cst));
	for (j = 0; j < cols; j++) {
		double lo = INFINITY, hi = -INFINITY, ss = 0;

		for (i = 0; i < m; i++) {
			col[i] = z[i * cols + j];
			lo = col[i] < lo ? col[i] : lo;
			hi = col[i] > hi ? col[i] : hi;
		}
		cst[j] = !(hi > lo);
		mt_normalize(col, m, MT_NORM_MINMAX, S_DIR(dirs, j), col);
		for (i = 0; i < m; i++) {
			z[i * cols + j] = col[i];
			mean[j] += col[i];
		}
		mean[j] /= (double)m;
		for (i = 0; i < m; i++)
			ss += (col[i] - mean[j]) * (col[i] - mean[j]);
		sd[j] = cst[j] ? 0 : sqrt(ss / (double)(m - 1));
	}
	for (j = 0; j < cols; j++) {
		double conflict = 0;

		if (cst[j]) {
			w[j] = 0;
			continue;
		}
		for (k = 0; k < cols; k++) {
			double sxy = 0, r;

			if (k == j || cst[k])
				continue;
			for (i = 0; i < m; i++)
				sxy += (z[i * cols + j] - mean[j]) *
				    (z[i * cols + k] - mean[k]);
			r = sxy / (double)(m - 1) / (sd[j] * sd[k]);
			conflict += 1.0 - r;
		}
		w[j] = sd[j] * conflict;
		sumc += w[j];
	}
	free(cst);
	free(sd);
	free(mean);
	free(col);
	free(idx);
	free(z);
	if (!(sumc > 0)) {
		for (j = 0; j < cols; j++)
			w[j] = 0;
		return MT_EDEGENERATE;
	}
	for (j = 0; j < cols; j++)
		w[j] /= sumc;
	return MT_OK;
}

/* Checks a weight vector (finite, >= 0) and returns its sum, or -1. */
static double
S_wsum(const double *v, size_t n)
{
	double s = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!isfinite(v[i]) || v[i] < 0)
			return -1;
		s += v[i];
	}
	return s;
}

int
mt_combine(const double *subj, const double *obj, size_t n, double alpha,
    double *w)
{
	double ss, so;
	size_t j;

	if (n == 0 || !(alpha >= 0 && alpha <= 1))
		return MT_EARG;
	ss = S_wsum(subj, n);
	so = S_wsum(obj, n);
	if (ss < 0 || so < 0)
		return MT_EARG;
	if (!(ss > 0) || !(so > 0))
		return MT_EDEGENERATE;
	for (j = 0; j < n; j++)
		w[j] = alpha * subj[j] / ss + (1 - alpha) * obj[j] / so;
	return MT_OK;
}

int
mt_combine_mult(const double *subj, const double *obj, size_t n, double *w)
{
	double ss, so, s = 0;
	size_t j;

	if (n == 0)
		return MT_EARG;
	ss = S_wsum(subj, n);
	so = S_wsum(obj, n);
	if (ss < 0 || so < 0)
		return MT_EARG;
	if (!(ss > 0) || !(so > 0))
		return MT_EDEGENERATE;
	for (j = 0; j < n; j++)
		s += subj[j] / ss * (obj[j] / so);
	if (!(s > 0))
		return MT_EDEGENERATE;
	for (j = 0; j < n; j++)
		w[j] = subj[j] / ss * (obj[j] / so) / s;
	return MT_OK;
}

/* Normalises every column of the m x cols matrix z in place. */
static void
S_normalize_cols(double *z, size_t m, size_t cols, enum mt_norm norm,
    const int *dirs)
{
	double *col = cv_malloc((m ? m : 1) * sizeof(*col));
	size_t i, j;

	for (j = 0; j < cols; j++) {
		for (i = 0; i < m; i++)
			col[i] = z[i * cols + j];
		mt_normalize(col, m, norm, S_DIR(dirs, j), col);
		for (i = 0; i < m; i++)
			z[i * cols + j] = col[i];
	}
	free(col);
}

int
mt_topsis(const double *x, size_t rows, size_t cols, const double *w,
    const int *dirs, enum mt_norm norm, double *closeness)
{
	double *z, *best, *worst;
	size_t *idx, m, i, j;

	if (rows == 0 || cols == 0 || S_wsum(w, cols) < 0 ||
	    (norm != MT_NORM_VECTOR && norm != MT_NORM_MINMAX))
		return MT_EARG;
	for (i = 0; i < rows; i++)
		closeness[i] = NAN;
	m = S_complete_rows(x, rows, cols, &z, &idx);
	S_normalize_cols(z, m, cols, norm, dirs);
	best = cv_malloc(cols * sizeof(*best));
	worst = cv_malloc(cols * sizeof(*worst));
	for (j = 0; j < cols; j++) {
		double lo = INFINITY, hi = -INFINITY;

		for (i = 0; i < m; i++) {
			double v = w[j] * z[i * cols + j];

			lo = v < lo ? v : lo;
			hi = v > hi ? v : hi;
		}
		/* MINMAX has already turned cost columns round. */
		if (norm == MT_NORM_VECTOR && S_DIR(dirs, j) < 0) {
			best[j] = lo;
			worst[j] = hi;
		} else {
			best[j] = hi;
			worst[j] = lo;
		}
	}
	for (i = 0; i < m; i++) {
		double sp = 0, sm = 0;

		for (j = 0; j < cols; j++) {
			double v = w[j] * z[i * cols + j];

			sp += (v - best[j]) * (v - best[j]);
			sm += (v - worst[j]) * (v - worst[j]);
		}
		sp = sqrt(sp);
		sm = sqrt(sm);
		closeness[idx[i]] = sp + sm > 0 ? sm / (sp + sm) : 0.5;
	}
	free(worst);
	free(best);
	free(idx);
	free(z);
	return MT_OK;
}

int
mt_weighted_sum(const double *x, size_t rows, size_t cols, const double *w,
    const int *dirs, enum mt_norm norm, double *score)
{
	double *z;
	size_t *idx, m, i, j;

	if (rows == 0 || cols == 0 || S_wsum(w, cols) < 0)
		return MT_EARG;
	for (i = 0; i < rows; i++)
		score[i] = NAN;
	m = S_complete_rows(x, rows, cols, &z, &idx);
	S_normalize_cols(z, m, cols, norm, dirs);
	for (i = 0; i < m; i++) {
		double s = 0;

		for (j = 0; j < cols; j++) {
			double v = w[j] * z[i * cols + j];

			s += norm == MT_NORM_VECTOR && S_DIR(dirs, j) < 0 ?
			    -v : v;
		}
		score[idx[i]] = s;
	}
	free(idx);
	free(z);
	return MT_OK;
}

static int
S_iv_cmp_desc(const void *a, const void *b)
{
	return S_iv_cmp(b, a);
}

void
mt_rank(const double *v, size_t n, int *rank)
{
	struct S_iv *iv = cv_malloc((n ? n : 1) * sizeof(*iv));
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		rank[i] = 0;
		if (!isnan(v[i])) {
			iv[k].v = v[i];
			iv[k++].i = i;
		}
	}
	qsort(iv, k, sizeof(*iv), S_iv_cmp_desc);
	for (i = 0; i < k; i++) {
		double a = iv[i].v, b = i > 0 ? iv[i - 1].v : 0;
		double tol = 1e-9 * fmax(1.0, fmax(fabs(a), fabs(b)));

		if (i > 0 && fabs(a - b) <= tol)
			rank[iv[i].i] = rank[iv[i - 1].i];
		else
			rank[iv[i].i] = (int)i + 1;
	}
	free(iv);
}

uint64_t
mt_key_double(double v)
{
	uint64_t u;

	if (v == 0)
		v = 0;		/* -0 sorts with 0 */
	memcpy(&u, &v, sizeof(u));
	/* negative: reverse all bits; positive: above every negative */
	return u >> 63 ? ~u : u | (uint64_t)1 << 63;
}

uint64_t
mt_key_int64(int64_t v)
{
	return (uint64_t)v ^ (uint64_t)1 << 63;
}

/* Radix digits: 11 bits, 6 passes for 64-bit keys. */
#define S_RADIX_BITS 11
#define S_RADIX_SIZE ((size_t)1 << S_RADIX_BITS)

void
mt_sort_kv(struct mt_kv *kv, size_t n, struct mt_kv *tmp)
{
	struct mt_kv *t = tmp, *src = kv, *dst;
	size_t cnt[S_RADIX_SIZE], i;
	unsigned sh;

	if (n < 32) {
		/* insertion sort: stable, and cheaper than the histograms */
		for (i = 1; i < n; i++) {
			struct mt_kv x = kv[i];
			size_t j = i;
			for (; j > 0 && kv[j - 1].key > x.key; j--)
				kv[j] = kv[j - 1];
			kv[j] = x;
		}
		return;
	}
	if (t == NULL)
		t = cv_malloc(n * sizeof(*t));
	dst = t;
	for (sh = 0; sh < 64; sh += S_RADIX_BITS) {
		size_t sum = 0, d;
		struct mt_kv *sw;

		memset(cnt, 0, sizeof(cnt));
		for (i = 0; i < n; i++)
			cnt[(src[i].key >> sh) & (S_RADIX_SIZE - 1)]++;
		if (cnt[(src[0].key >> sh) & (S_RADIX_SIZE - 1)] == n)
			continue;	/* the same digit everywhere */
		for (d = 0; d < S_RADIX_SIZE; d++) {
			size_t v = cnt[d];
			cnt[d] = sum;
			sum += v;
		}
		for (i = 0; i < n; i++)
			dst[cnt[(src[i].key >> sh) & (S_RADIX_SIZE - 1)]++] =
			    src[i];
		sw = src;
		src = dst;
		dst = sw;
	}
	if (src != kv)
		memcpy(kv, src, n * sizeof(*kv));
	if (tmp == NULL)
		free(t);
}
