/* methods.h: numeric weighting, normalisation and ranking methods (AHP, entropy, CRITIC, TOPSIS). */
#ifndef CUSTEVAL_METHODS_H
#define CUSTEVAL_METHODS_H

#include <stddef.h>
#include <stdint.h>

/*
 * Conventions for every function here:
 * - Data matrices are row-major, rows x cols (alternatives x criteria):
 *   x[i * cols + j] is alternative i on criterion j.
 * - Directions: +1 benefit (more is better), -1 cost (less is better);
 *   a NULL dirs array means every criterion is a benefit.
 * - Missing values are NaN.  What each method does with them is stated
 *   at the function.
 * - Nothing allocates visible memory, prints or exits; outputs are
 *   caller-provided arrays.
 */

/* Return codes of the int-returning functions. */
enum mt_status {
	MT_OK = 0,
	MT_EARG,	/* bad argument: size 0, entry <= 0, weight < 0, ... */
	MT_ENODATA,	/* a criterion has fewer than 2 usable values */
	MT_ENEGATIVE,	/* negative value where proportions are needed */
	MT_EDEGENERATE,	/* every criterion constant: weights undefined */
	MT_ERANGE,	/* AHP matrix larger than the RI table */
	MT_ENOCONV	/* power iteration did not converge */
};

/*
 * For MT_ENODATA and MT_ENEGATIVE from mt_entropy, mt_entropy_raw and
 * mt_critic, the offending criterion is marked: w[j] is NaN for it and
 * 0 for all others, so the caller can name the column.
 */

enum mt_norm {
	MT_NORM_MINMAX,		/* (x-min)/(max-min); cost: (max-x)/(max-min) */
	MT_NORM_ZSCORE,		/* (x-mean)/sd, population sd; cost negated */
	MT_NORM_PERCENTILE,	/* (avg rank-1)/(n-1) in [0,1]; cost: 1 - that */
	MT_NORM_VECTOR		/* x/sqrt(sum x^2); direction NOT applied */
};

/*
 * Normalise one column x[0..n-1] into out (may equal x).  NaN stays NaN
 * and is left out of min, max, mean, sd, ranks and norms.
 * Constant columns (all usable values equal): MINMAX and PERCENTILE give
 * 0.5 (neutral, neither rewards nor punishes), ZSCORE gives 0; VECTOR of
 * an all-zero column gives 0.  A single usable value counts as constant.
 * VECTOR ignores dir: TOPSIS applies the direction when it picks the
 * ideal points.
 */
void mt_normalize(const double *x, size_t n, enum mt_norm m, int dir,
    double *out);

/*
 * Banded scoring: edges[0] < edges[1] < ... are the lower bounds of
 * nbands bands, band k = [edges[k], edges[k+1]) and the last band is
 * [edges[nbands-1], +inf).  Returns points[k] of the band holding x;
 * NaN if x is NaN or below edges[0].
 * E.g. edges {0,10,30,60}, points {20,50,80,100}: x = 25 gives 50.
 */
double mt_band(double x, const double *edges, const double *points,
    size_t nbands);

/* Random consistency index tables for AHP. */
enum mt_ri_table {
	MT_RI_SAATY,	/* Saaty; n = 1..15 */
	MT_RI_CN	/* table used in Chinese textbooks; n = 1..15 */
};
#define MT_RI_MAX_N 15

/* RI for matrix order n, or NaN when the table has no entry. */
double mt_ri(enum mt_ri_table t, size_t n);

enum mt_ahp_method {
	MT_AHP_EIGEN,	/* principal eigenvector by power iteration (1e-12) */
	MT_AHP_GEOMEAN	/* normalised geometric means of the rows */
};

struct mt_ahp_result {
	double *w;		/* in: caller array of n; out: weights, sum 1 */
	double lambda_max;	/* principal eigenvalue (estimate for GEOMEAN) */
	double ci;		/* (lambda_max - n) / (n - 1); 0 for n <= 2 */
	double ri;		/* random index used; 0 for n <= 2 */
	double cr;		/* ci / ri; 0 for n <= 2 */
	int consistent;		/* cr < MT_CR_LIMIT */
	int iterations;		/* power iterations used (0 for GEOMEAN) */
};
#define MT_CR_LIMIT 0.10

/*
 * AHP priorities of a positive reciprocal n x n matrix a (row-major,
 * a[i*n+j] = importance of i over j).  Every entry must be > 0 and
 * finite (MT_EARG); reciprocity is not checked here.  n > 15 gives
 * MT_ERANGE (no RI).  For GEOMEAN, lambda_max is the mean of
 * (A w)_i / w_i.  mt_ahp uses MT_AHP_EIGEN.
 */
int mt_ahp(const double *a, size_t n, enum mt_ri_table ri,
    struct mt_ahp_result *r);
int mt_ahp_ex(const double *a, size_t n, enum mt_ri_table ri,
    enum mt_ahp_method method, struct mt_ahp_result *r);

/*
 * Entropy weight method, min-max variant: each column is min-max
 * normalised per direction (cost reversed), then p_ij = z_ij / sum_i z_ij,
 * e_j = -1/ln(m_j) sum_i p_ij ln p_ij with 0 ln 0 = 0, d_j = 1 - e_j,
 * w_j = d_j / sum d.  m_j = usable (non-NaN) values of column j: NaN
 * cells are skipped column by column.  A constant column carries no
 * information: e_j = 1, weight 0.  Fewer than 2 usable values in a
 * column: MT_ENODATA.  All columns constant: MT_EDEGENERATE.
 */
int mt_entropy(const double *x, size_t rows, size_t cols, const int *dirs,
    double *w);

/*
 * Entropy weight method on raw values, as in Hwang & Yoon (1981):
 * p_ij = x_ij / sum_i x_ij with no normalisation and no directions.
 * Values must be >= 0 (MT_ENEGATIVE).  An all-zero or constant column
 * gets weight 0.  NaN handling as mt_entropy.
 */
int mt_entropy_raw(const double *x, size_t rows, size_t cols, double *w);

/*
 * CRITIC (Diakoulaki, Mavrotas & Papayannakis 1995): min-max normalise
 * per direction, sd_j (sample, n-1: the weights do not depend on this
 * choice since it scales every C_j alike), Pearson r_jk,
 * C_j = sd_j * sum_k (1 - r_jk), w = C / sum C.
 * Missing values: rows with NaN in any criterion are left out (the
 * correlations need complete rows).  Fewer than 2 complete rows:
 * MT_ENODATA, marking the first column that has a NaN in the most rows.
 * Constant columns get weight 0 and are left out of the other columns'
 * sums (their correlation is undefined).  All constant: MT_EDEGENERATE.
 */
int mt_critic(const double *x, size_t rows, size_t cols, const int *dirs,
    double *w);

/*
 * Combination of subjective and objective weights, each first rescaled
 * to sum 1: linear w = alpha*subj + (1-alpha)*obj (alpha in [0,1]);
 * multiplicative w_j = subj_j*obj_j / sum_k subj_k*obj_k.  Negative or
 * non-finite inputs or alpha outside [0,1]: MT_EARG; zero sums:
 * MT_EDEGENERATE.
 */
int mt_combine(const double *subj, const double *obj, size_t n, double alpha,
    double *w);
int mt_combine_mult(const double *subj, const double *obj, size_t n,
    double *w);

/*
 * TOPSIS (Hwang & Yoon 1981).  norm is MT_NORM_VECTOR (classic: ideal
 * and anti-ideal chosen per direction) or MT_NORM_MINMAX (columns
 * normalised per direction, so the ideal is the max).  closeness[i] =
 * S-_i / (S+_i + S-_i) in [0,1], 1 best; 0.5 when S+ = S- = 0.
 * Rows with NaN in any criterion get NaN and take no part in the
 * normalisation or the ideal points.  Weights are used as given
 * (not rescaled); they must be >= 0 (MT_EARG).
 */
int mt_topsis(const double *x, size_t rows, size_t cols, const double *w,
    const int *dirs, enum mt_norm norm, double *closeness);

/*
 * Weighted sum of normalised values: score_i = sum_j w_j * z_ij with z
 * from mt_normalize(norm, dir).  For MT_NORM_VECTOR, which ignores
 * direction, cost criteria are subtracted.  NaN rows as in mt_topsis.
 */
int mt_weighted_sum(const double *x, size_t rows, size_t cols,
    const double *w, const int *dirs, enum mt_norm norm, double *score);

/*
 * Competition ranking ("1224"), higher value = better = rank 1.  Values
 * within 1e-9 (relative) of each other tie.  NaN gets rank 0 (unranked).
 */
void mt_rank(const double *v, size_t n, int *rank);

/*
 * Sorting on compact keys, for the evaluation's rankings and medians.
 * mt_key_double and mt_key_int64 map a value to an unsigned key in the
 * same order (ascending; ~key for descending).  mt_key_double treats -0
 * as 0 (they compare equal) and must not be given NaN.
 */
struct mt_kv {
	uint64_t key;
	size_t idx;		/* carried along: what the key belongs to */
};
uint64_t mt_key_double(double v);
uint64_t mt_key_int64(int64_t v);

/*
 * Sort kv[0..n) by key, ascending, stably (equal keys keep their order):
 * an LSD radix sort, linear in n.  tmp: n entries of scratch, or NULL
 * to allocate them.
 */
void mt_sort_kv(struct mt_kv *kv, size_t n, struct mt_kv *tmp);

/*
 * mt_normalize with scratch for MT_NORM_PERCENTILE: work holds 2n
 * entries (or is NULL: allocated).  Same results.
 */
void mt_normalize_work(const double *x, size_t n, enum mt_norm m, int dir,
    double *out, struct mt_kv *work);

#endif
