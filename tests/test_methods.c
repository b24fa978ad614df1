/* test_methods.c: methods.c against published worked examples, properties, and the weights/rank commands end to end. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cmd_calc.h"
#include "diag.h"
#include "methods.h"
#include "util.h"

#define DATA "tests/data/methods/"

static void
S_near(double got, double want, double tol)
{
	if (!(fabs(got - want) <= tol))
		fail_msg("got %.9f, want %.9f (tolerance %g)", got, want, tol);
}

static double
S_sum(const double *w, size_t n)
{
	double s = 0;
	size_t i;

	for (i = 0; i < n; i++)
		s += w[i];
	return s;
}

/*
 * Saaty, T. L. (1977). "A scaling method for priorities in hierarchical
 * structures", J. Math. Psychology 15(3):234-281: the light-intensity
 * experiment (four chairs at different distances from a light; the
 * observer's judgements).  Published: eigenvector (0.61, 0.24, 0.10,
 * 0.05), lambda_max = 4.39, CI = 0.13.  Those are rounded to two
 * decimals; we get 0.6187, 0.2353, 0.1009, 0.0451 (4.3907, 0.1302), so
 * the tolerance is 0.01.  With Saaty's RI(4) = 0.90 the CR is 0.145:
 * this famous matrix is itself above the 0.10 threshold.
 */
static const double S_light[16] = {
	1, 5, 6, 7,
	1.0 / 5, 1, 4, 6,
	1.0 / 6, 1.0 / 4, 1, 4,
	1.0 / 7, 1.0 / 6, 1.0 / 4, 1
};

static void
test_ahp_saaty_light(void **state)
{
	double w[4];
	struct mt_ahp_result r = { .w = w };
	const double pub[4] = { 0.61, 0.24, 0.10, 0.05 };
	size_t i;

	(void)state;
	assert_int_equal(mt_ahp(S_light, 4, MT_RI_SAATY, &r), MT_OK);
	for (i = 0; i < 4; i++)
		S_near(w[i], pub[i], 0.01);
	S_near(r.lambda_max, 4.39, 0.005);
	S_near(r.ci, 0.13, 0.005);
	S_near(r.ri, 0.90, 1e-12);
	S_near(r.cr, r.ci / 0.90, 1e-12);
	assert_true(r.cr >= 0.10);
	assert_false(r.consistent);
	S_near(S_sum(w, 4), 1, 1e-12);
	/* The same with the Chinese-textbook RI(4) = 0.89. */
	assert_int_equal(mt_ahp(S_light, 4, MT_RI_CN, &r), MT_OK);
	S_near(r.cr, r.ci / 0.89, 1e-12);
}

/* A perfectly consistent matrix (a_ij = v_i / v_j, v = 4:2:1). */
static void
test_ahp_consistent(void **state)
{
	const double a[9] = { 1, 2, 4, 0.5, 1, 2, 0.25, 0.5, 1 };
	double w[3];
	struct mt_ahp_result r = { .w = w };

	(void)state;
	assert_int_equal(mt_ahp(a, 3, MT_RI_SAATY, &r), MT_OK);
	S_near(w[0], 4.0 / 7, 1e-10);
	S_near(w[1], 2.0 / 7, 1e-10);
	S_near(w[2], 1.0 / 7, 1e-10);
	S_near(r.lambda_max, 3, 1e-10);
	S_near(r.cr, 0, 1e-10);
	assert_true(r.consistent);
	assert_int_equal(mt_ahp_ex(a, 3, MT_RI_SAATY, MT_AHP_GEOMEAN, &r),
	    MT_OK);
	S_near(w[0], 4.0 / 7, 1e-12);
	S_near(r.lambda_max, 3, 1e-12);
	assert_int_equal(r.iterations, 0);
}

/* Geometric mean on the light matrix: close to, not equal to, the eigenvector. */
static void
test_ahp_geomean(void **state)
{
	double w[4];
	struct mt_ahp_result r = { .w = w };

	(void)state;
	assert_int_equal(mt_ahp_ex(S_light, 4, MT_RI_SAATY, MT_AHP_GEOMEAN,
	    &r), MT_OK);
	/* Row geometric means 3.8004, 1.4786, 0.6389, 0.2778 (by hand). */
	S_near(w[0], 3.8004 / 6.1957, 5e-4);
	S_near(w[3], 0.2778 / 6.1957, 5e-4);
	S_near(S_sum(w, 4), 1, 1e-12);
	assert_false(r.consistent);
}

static void
test_ahp_small_and_errors(void **state)
{
	const double a2[4] = { 1, 3, 1.0 / 3, 1 };
	const double bad[4] = { 1, 0, 1, 1 };
	double w[16], big[16 * 16];
	struct mt_ahp_result r = { .w = w };
	size_t i;

	(void)state;
	assert_int_equal(mt_ahp(a2, 2, MT_RI_SAATY, &r), MT_OK);
	S_near(w[0], 0.75, 1e-12);
	S_near(r.cr, 0, 0);
	assert_true(r.consistent);
	assert_int_equal(mt_ahp(bad, 2, MT_RI_SAATY, &r), MT_EARG);
	for (i = 0; i < 16 * 16; i++)
		big[i] = 1;
	assert_int_equal(mt_ahp(big, 16, MT_RI_SAATY, &r), MT_ERANGE);
	S_near(mt_ri(MT_RI_SAATY, 3), 0.58, 0);
	S_near(mt_ri(MT_RI_SAATY, 12), 1.48, 0);
	S_near(mt_ri(MT_RI_CN, 3), 0.52, 0);
	S_near(mt_ri(MT_RI_CN, 15), 1.59, 0);
	assert_true(isnan(mt_ri(MT_RI_SAATY, 16)));
	assert_true(isnan(mt_ri(MT_RI_CN, 0)));
}

/* An intentionally contradictory matrix: A>B, B>C, but C >> A. */
static void
test_ahp_inconsistent_property(void **state)
{
	const double a[9] = { 1, 3, 1.0 / 5, 1.0 / 3, 1, 3, 5, 1.0 / 3, 1 };
	double w[3];
	struct mt_ahp_result r = { .w = w };

	(void)state;
	assert_int_equal(mt_ahp(a, 3, MT_RI_SAATY, &r), MT_OK);
	assert_true(r.cr >= 0.10);
	assert_false(r.consistent);
}

/*
 * Hwang, C.-L. & Yoon, K. (1981). Multiple Attribute Decision Making:
 * Methods and Applications.  Springer, Lecture Notes in Economics and
 * Mathematical Systems 186.  The fighter-aircraft example used through
 * the book: four aircraft, six attributes (max speed, ferry range, max
 * payload, acquisition cost [cost], reliability, maneuverability; the
 * last two already converted to the 1-9 interval scale).
 */
static const double S_fighter[24] = {
	2.0, 1500, 20000, 5.5, 5, 9,
	2.5, 2700, 18000, 6.5, 3, 5,
	1.8, 2000, 21000, 4.5, 7, 7,
	2.2, 1800, 20000, 5.0, 5, 5
};
static const int S_fighter_dirs[6] = { 1, 1, 1, -1, 1, 1 };
static const double S_fighter_w[6] = { 0.2, 0.1, 0.1, 0.1, 0.2, 0.3 };

/*
 * Entropy weights of the fighter data on raw values (Hwang & Yoon's
 * formulation, after Zeleny).  The book lists e_j to four decimals and
 * weights (0.0649, 0.2055, 0.0133, 0.0829, 0.3570, 0.2764) computed from
 * the rounded e_j; these numbers are quoted from memory of the book, not
 * re-checked against it here.  Unrounded, the same formulas give the
 * second vector (computed independently with a Python script), so we
 * check the published values to 0.002 and the exact ones to 1e-6.
 */
static void
test_entropy_hwang_yoon(void **state)
{
	const double pub[6] = { 0.0649, 0.2055, 0.0133, 0.0829, 0.3570,
	    0.2764 };
	const double exact[6] = { 0.064190, 0.206088, 0.013445, 0.081326,
	    0.358680, 0.276272 };
	double w[6];
	size_t j;

	(void)state;
	assert_int_equal(mt_entropy_raw(S_fighter, 4, 6, w), MT_OK);
	for (j = 0; j < 6; j++) {
		S_near(w[j], pub[j], 0.002);
		S_near(w[j], exact[j], 1e-6);
	}
	S_near(S_sum(w, 6), 1, 1e-12);
}

/*
 * Entropy, min-max variant, on the fighter data with cost on attribute 4.
 * Not a published example: expected values computed independently
 * (Python, same formulas: z = min-max per direction, p = z / sum z,
 * 0 ln 0 = 0).
 */
static void
test_entropy_minmax(void **state)
{
	const double want[6] = { 0.155938, 0.173893, 0.119105, 0.126134,
	    0.134326, 0.290603 };
	double w[6];
	size_t j;

	(void)state;
	assert_int_equal(mt_entropy(S_fighter, 4, 6, S_fighter_dirs, w),
	    MT_OK);
	for (j = 0; j < 6; j++)
		S_near(w[j], want[j], 1e-6);
	S_near(S_sum(w, 6), 1, 1e-12);
}

static void
test_entropy_missing_and_constant(void **state)
{
	/* Column 1 all NaN: rejected, marked NaN in w. */
	const double x[6] = { 1, NAN, 2, NAN, 4, NAN };
	/* Column 1 constant: weight 0; column 0 gets everything. */
	const double y[6] = { 1, 7, 2, 7, 4, 7 };
	/* One NaN among three: column still usable. */
	const double z[6] = { 1, 5, NAN, 3, 4, 9 };
	const double neg[4] = { 1, -2, 3, 4 };
	double w[2];

	(void)state;
	assert_int_equal(mt_entropy(x, 3, 2, NULL, w), MT_ENODATA);
	assert_true(isnan(w[1]));
	assert_true(w[0] == 0);
	assert_int_equal(mt_critic(x, 3, 2, NULL, w), MT_ENODATA);
	assert_true(isnan(w[1]));
	assert_int_equal(mt_entropy(y, 3, 2, NULL, w), MT_OK);
	S_near(w[0], 1, 1e-12);
	S_near(w[1], 0, 0);
	assert_int_equal(mt_entropy_raw(y, 3, 2, w), MT_OK);
	S_near(w[1], 0, 1e-12);
	assert_int_equal(mt_entropy(z, 3, 2, NULL, w), MT_OK);
	S_near(S_sum(w, 2), 1, 1e-12);
	assert_int_equal(mt_entropy_raw(neg, 2, 2, w), MT_ENEGATIVE);
	assert_true(isnan(w[1]));
	assert_int_equal(mt_entropy(y, 3, 2, NULL, w), MT_OK);
	{
		const double c[4] = { 3, 3, 3, 3 };

		assert_int_equal(mt_entropy(c, 2, 2, NULL, w), MT_EDEGENERATE);
		assert_int_equal(mt_critic(c, 2, 2, NULL, w), MT_EDEGENERATE);
	}
}

/*
 * CRITIC on five customers (revenue +, margin +, days to pay -), data
 * file tests/data/methods/customers.csv.  Not a published example (we
 * could not check the numbers of Diakoulaki et al. 1995 here): expected
 * values computed independently (Python statistics.stdev, Pearson r):
 *   sd   = 0.388094, 0.384708, 0.392532 (sample)
 *   r12 = -0.7740, r13 = -0.3673, r23 = 0.7142
 *   C    = 1.219103, 0.792394, 0.648875
 *   w    = 0.458245, 0.297851, 0.243904
 */
static const double S_cust[15] = {
	120, 0.30, 30,
	80, 0.25, 45,
	150, 0.10, 60,
	60, 0.35, 20,
	100, 0.20, 90
};
static const int S_cust_dirs[3] = { 1, 1, -1 };

static void
test_critic(void **state)
{
	const double want[3] = { 0.458245, 0.297851, 0.243904 };
	double w[3], base[3], x[18], w4[4];
	size_t i, j;

	(void)state;
	assert_int_equal(mt_critic(S_cust, 5, 3, S_cust_dirs, w), MT_OK);
	for (j = 0; j < 3; j++)
		S_near(w[j], want[j], 1e-6);
	S_near(S_sum(w, 3), 1, 1e-12);
	memcpy(base, w, sizeof(base));
	/* A row with NaN is left out: adding one changes nothing. */
	memcpy(x, S_cust, sizeof(S_cust));
	x[15] = 500;
	x[16] = NAN;
	x[17] = 1;
	assert_int_equal(mt_critic(x, 6, 3, S_cust_dirs, w), MT_OK);
	for (j = 0; j < 3; j++)
		S_near(w[j], base[j], 1e-12);
	/* A constant criterion gets 0 and leaves the others unchanged. */
	{
		double y[20];
		const int d4[4] = { 1, 1, -1, 1 };

		for (i = 0; i < 5; i++) {
			for (j = 0; j < 3; j++)
				y[i * 4 + j] = S_cust[i * 3 + j];
			y[i * 4 + 3] = 42;
		}
		assert_int_equal(mt_critic(y, 5, 4, d4, w4), MT_OK);
		for (j = 0; j < 3; j++)
			S_near(w4[j], base[j], 1e-12);
		S_near(w4[3], 0, 0);
	}
}

/*
 * TOPSIS with vector normalisation: Hwang & Yoon (1981), fighter aircraft,
 * w = (0.2, 0.1, 0.1, 0.1, 0.2, 0.3).  Published relative closeness
 * C* = 0.643, 0.268, 0.613, 0.312 (order A1 > A3 > A4 > A2).  We get
 * 0.643277, 0.268384, 0.613542, 0.312291: A3 would round to 0.614, so the
 * book presumably rounded intermediate values; tolerance 1e-3.
 */
static void
test_topsis_vector(void **state)
{
	const double pub[4] = { 0.643, 0.268, 0.613, 0.312 };
	double c[4];
	int rank[4];
	size_t i;

	(void)state;
	assert_int_equal(mt_topsis(S_fighter, 4, 6, S_fighter_w,
	    S_fighter_dirs, MT_NORM_VECTOR, c), MT_OK);
	for (i = 0; i < 4; i++)
		S_near(c[i], pub[i], 1e-3);
	mt_rank(c, 4, rank);
	assert_int_equal(rank[0], 1);
	assert_int_equal(rank[1], 4);
	assert_int_equal(rank[2], 2);
	assert_int_equal(rank[3], 3);
}

/*
 * TOPSIS with min-max normalisation on the same data.  Not published:
 * expected values computed independently (Python, min-max per direction,
 * weighted, Euclidean distances to column max and min).
 */
static void
test_topsis_minmax(void **state)
{
	const double want[4] = { 0.612748, 0.366025, 0.530642, 0.351690 };
	double c[4];
	size_t i;

	(void)state;
	assert_int_equal(mt_topsis(S_fighter, 4, 6, S_fighter_w,
	    S_fighter_dirs, MT_NORM_MINMAX, c), MT_OK);
	for (i = 0; i < 4; i++)
		S_near(c[i], want[i], 1e-6);
	assert_int_equal(mt_topsis(S_fighter, 4, 6, S_fighter_w,
	    S_fighter_dirs, MT_NORM_ZSCORE, c), MT_EARG);
}

/* Ranks do not depend on row order (all permutations of the 4 aircraft). */
static void
test_rank_row_order(void **state)
{
	static const int perms[][4] = {
		{ 0, 1, 2, 3 }, { 3, 2, 1, 0 }, { 1, 3, 0, 2 }, { 2, 0, 3, 1 },
		{ 1, 0, 2, 3 }, { 3, 1, 2, 0 }
	};
	double x[24], c[4], base[3][4];
	int r[4], br[3][4];
	size_t p, i, k;

	(void)state;
	for (k = 0; k < 3; k++) {
		if (k < 2)
			mt_topsis(S_fighter, 4, 6, S_fighter_w, S_fighter_dirs,
			    k == 0 ? MT_NORM_VECTOR : MT_NORM_MINMAX, base[k]);
		else
			mt_weighted_sum(S_fighter, 4, 6, S_fighter_w,
			    S_fighter_dirs, MT_NORM_PERCENTILE, base[k]);
		mt_rank(base[k], 4, br[k]);
	}
	for (p = 0; p < sizeof(perms) / sizeof(perms[0]); p++) {
		for (i = 0; i < 4; i++)
			memcpy(x + 6 * i, S_fighter + 6 * perms[p][i],
			    6 * sizeof(double));
		for (k = 0; k < 3; k++) {
			if (k < 2)
				mt_topsis(x, 4, 6, S_fighter_w, S_fighter_dirs,
				    k == 0 ? MT_NORM_VECTOR : MT_NORM_MINMAX, c);
			else
				mt_weighted_sum(x, 4, 6, S_fighter_w,
				    S_fighter_dirs, MT_NORM_PERCENTILE, c);
			mt_rank(c, 4, r);
			for (i = 0; i < 4; i++) {
				assert_int_equal(r[i], br[k][perms[p][i]]);
				S_near(c[i], base[k][perms[p][i]], 1e-12);
			}
		}
	}
}

static void
test_rank_ties(void **state)
{
	const double v[6] = { 0.5, 0.9, 0.7, 0.7, NAN, 0.1 };
	int r[6];

	(void)state;
	mt_rank(v, 6, r);
	assert_int_equal(r[1], 1);
	assert_int_equal(r[2], 2);
	assert_int_equal(r[3], 2);
	assert_int_equal(r[0], 4);
	assert_int_equal(r[5], 5);
	assert_int_equal(r[4], 0);
}

static void
test_normalize(void **state)
{
	const double x[5] = { 10, 20, NAN, 20, 40 };
	const double k[3] = { 3, 3, 3 };
	double o[5];

	(void)state;
	mt_normalize(x, 5, MT_NORM_MINMAX, 1, o);
	S_near(o[0], 0, 0);
	S_near(o[1], 1.0 / 3, 1e-15);
	assert_true(isnan(o[2]));
	S_near(o[4], 1, 0);
	mt_normalize(x, 5, MT_NORM_MINMAX, -1, o);
	S_near(o[0], 1, 0);
	S_near(o[4], 0, 0);
	/* Percentile: sorted 10, 20, 20, 40 -> ranks 0, 1.5, 1.5, 3 of 3. */
	mt_normalize(x, 5, MT_NORM_PERCENTILE, 1, o);
	S_near(o[0], 0, 0);
	S_near(o[1], 0.5, 1e-15);
	S_near(o[3], 0.5, 1e-15);
	S_near(o[4], 1, 0);
	assert_true(isnan(o[2]));
	mt_normalize(x, 5, MT_NORM_PERCENTILE, -1, o);
	S_near(o[0], 1, 0);
	/* z-score: mean 22.5, population sd sqrt(118.75). */
	mt_normalize(x, 5, MT_NORM_ZSCORE, 1, o);
	S_near(o[0], -12.5 / sqrt(118.75), 1e-12);
	mt_normalize(x, 5, MT_NORM_ZSCORE, -1, o);
	S_near(o[0], 12.5 / sqrt(118.75), 1e-12);
	/* vector: sqrt(100 + 400 + 400 + 1600) = 50. */
	mt_normalize(x, 5, MT_NORM_VECTOR, -1, o);
	S_near(o[0], 0.2, 1e-15);
	S_near(o[4], 0.8, 1e-15);
	assert_true(isnan(o[2]));
	mt_normalize(k, 3, MT_NORM_MINMAX, 1, o);
	S_near(o[2], 0.5, 0);
	mt_normalize(k, 3, MT_NORM_PERCENTILE, -1, o);
	S_near(o[2], 0.5, 0);
	mt_normalize(k, 3, MT_NORM_ZSCORE, 1, o);
	S_near(o[2], 0, 0);
}

/* A deterministic pseudo-random sequence for the sort tests. */
static uint64_t
S_rand(uint64_t *st)
{
	*st = *st * 6364136223846793005ULL + 1442695040888963407ULL;
	return *st >> 33;
}

/* Values with many ties, both signs, -0, 0 and infinities. */
static double
S_rand_value(uint64_t *st)
{
	static const double special[] = { 0.0, -0.0, INFINITY, -INFINITY,
		1e-300, -1e-300, 1.5, -1.5 };
	uint64_t r = S_rand(st);

	if (r % 5 == 0)
		return special[(r / 5) % 8];
	return ((double)(int64_t)(S_rand(st) % 2001) - 1000.0) / 8.0;
}

static int
S_cmp_iv_ref(const void *a, const void *b)
{
	const double *x = a, *y = b;	/* value, original index */

	if (x[0] < y[0])
		return -1;
	if (x[0] > y[0])
		return 1;
	return x[1] < y[1] ? -1 : x[1] > y[1];
}

/* mt_sort_kv is stable and orders as the values compare (-0 == 0). */
static void
test_sort_kv(void **state)
{
	static const size_t sizes[] = { 0, 1, 2, 5, 31, 32, 33, 1000, 5003 };
	uint64_t st = 42;
	size_t s, i;

	(void)state;
	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		size_t n = sizes[s];
		struct mt_kv *kv = malloc((n ? n : 1) * sizeof(*kv));
		double *ref = malloc((n ? n : 1) * 2 * sizeof(*ref));
		int64_t *iv = malloc((n ? n : 1) * sizeof(*iv));

		for (i = 0; i < n; i++) {
			double v = S_rand_value(&st);
			kv[i].key = mt_key_double(v);
			kv[i].idx = i;
			ref[2 * i] = v;
			ref[2 * i + 1] = (double)i;
		}
		mt_sort_kv(kv, n, NULL);
		qsort(ref, n, 2 * sizeof(*ref), S_cmp_iv_ref);
		for (i = 0; i < n; i++)
			assert_int_equal(kv[i].idx, (size_t)ref[2 * i + 1]);
		/* int64 keys, with a caller's buffer */
		for (i = 0; i < n; i++) {
			iv[i] = (int64_t)(S_rand(&st) % 64) - 32;
			if (i % 7 == 0)
				iv[i] = i % 2 ? INT64_MAX : INT64_MIN;
			kv[i].key = mt_key_int64(iv[i]);
			kv[i].idx = i;
		}
		{
			struct mt_kv *tmp = malloc((n ? n : 1) * sizeof(*tmp));
			mt_sort_kv(kv, n, tmp);
			free(tmp);
		}
		for (i = 1; i < n; i++) {
			assert_true(iv[kv[i - 1].idx] <= iv[kv[i].idx]);
			if (iv[kv[i - 1].idx] == iv[kv[i].idx])
				assert_true(kv[i - 1].idx < kv[i].idx);
		}
		free(kv);
		free(ref);
		free(iv);
	}
}

/* Percentile ranks equal the definition: the average 0-based rank of a
 * run of equal values, bit for bit, with and without scratch. */
static void
test_percentile_reference(void **state)
{
	static const size_t sizes[] = { 1, 2, 7, 40, 3001 };
	uint64_t st = 7;
	size_t s, i, j;

	(void)state;
	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		size_t n = sizes[s], cnt = 0;
		double *x = malloc(n * sizeof(*x)), *o = malloc(n * sizeof(*o));
		double *o2 = malloc(n * sizeof(*o2)), lo = INFINITY, hi = -INFINITY;
		struct mt_kv *work = malloc(2 * n * sizeof(*work));
		int dir;

		for (i = 0; i < n; i++) {
			x[i] = S_rand(&st) % 9 == 0 ? NAN : S_rand_value(&st);
			if (!isnan(x[i])) {
				cnt++;
				lo = fmin(lo, x[i]);
				hi = fmax(hi, x[i]);
			}
		}
		for (dir = -1; dir <= 1; dir += 2) {
			mt_normalize(x, n, MT_NORM_PERCENTILE, dir, o);
			mt_normalize_work(x, n, MT_NORM_PERCENTILE, dir, o2, work);
			for (i = 0; i < n; i++) {
				size_t less = 0, eq = 0;
				double p;
				if (isnan(x[i])) {
					assert_true(isnan(o[i]) && isnan(o2[i]));
					continue;
				}
				for (j = 0; j < n; j++) {
					less += x[j] < x[i];
					eq += x[j] == x[i];
				}
				p = cnt > 1 && hi > lo ? ((double)less +
				    (double)(less + eq - 1)) / 2.0 /
				    (double)(cnt - 1) : 0.5;
				if (dir < 0 && cnt > 1 && hi > lo)
					p = 1.0 - p;
				assert_memory_equal(&o[i], &p, sizeof(p));
				assert_memory_equal(&o2[i], &p, sizeof(p));
			}
		}
		/* in place */
		mt_normalize(x, n, MT_NORM_PERCENTILE, 1, o2);
		mt_normalize(x, n, MT_NORM_PERCENTILE, 1, x);
		assert_memory_equal(x, o2, n * sizeof(*x));
		free(x);
		free(o);
		free(o2);
		free(work);
	}
}

static void
test_band(void **state)
{
	const double edges[4] = { 0, 10, 30, 60 };
	const double pts[4] = { 20, 50, 80, 100 };

	(void)state;
	S_near(mt_band(0, edges, pts, 4), 20, 0);
	S_near(mt_band(9.99, edges, pts, 4), 20, 0);
	S_near(mt_band(10, edges, pts, 4), 50, 0);
	S_near(mt_band(25, edges, pts, 4), 50, 0);
	S_near(mt_band(59, edges, pts, 4), 80, 0);
	S_near(mt_band(1e9, edges, pts, 4), 100, 0);
	assert_true(isnan(mt_band(-1, edges, pts, 4)));
	assert_true(isnan(mt_band(NAN, edges, pts, 4)));
}

static void
test_combine(void **state)
{
	const double s[3] = { 0.5, 0.3, 0.2 };
	const double o[3] = { 2, 1, 1 };	/* rescaled to .5 .25 .25 */
	double w[3];

	(void)state;
	assert_int_equal(mt_combine(s, o, 3, 0.4, w), MT_OK);
	S_near(w[0], 0.4 * 0.5 + 0.6 * 0.5, 1e-15);
	S_near(w[1], 0.4 * 0.3 + 0.6 * 0.25, 1e-15);
	S_near(S_sum(w, 3), 1, 1e-15);
	assert_int_equal(mt_combine_mult(s, o, 3, w), MT_OK);
	/* 0.25, 0.075, 0.05 over 0.375 */
	S_near(w[0], 0.25 / 0.375, 1e-15);
	S_near(w[2], 0.05 / 0.375, 1e-15);
	S_near(S_sum(w, 3), 1, 1e-15);
	assert_int_equal(mt_combine(s, o, 3, 1.5, w), MT_EARG);
}

static void
test_weighted_sum(void **state)
{
	const double x[6] = { 1, 10, 2, 20, 3, 30 };
	const int dirs[2] = { 1, -1 };
	const double w[2] = { 0.5, 0.5 };
	double s[3];

	(void)state;
	/* min-max: col0 0, .5, 1; col1 cost 1, .5, 0 -> all 0.5 */
	assert_int_equal(mt_weighted_sum(x, 3, 2, w, dirs, MT_NORM_MINMAX,
	    s), MT_OK);
	S_near(s[0], 0.5, 1e-15);
	S_near(s[2], 0.5, 1e-15);
}

/* ---- end to end */

typedef int (*S_cmd)(int, char **, FILE *, struct diag *);

/* Runs a command; returns the output (malloc'd); messages stay in d. */
static char *
S_run(S_cmd fn, struct diag *d, int *rc, ...)
{
	char *argv[32], *buf = NULL;
	size_t len = 0;
	int argc = 0, i;
	const char *a;
	va_list ap;
	FILE *out;

	va_start(ap, rc);
	while ((a = va_arg(ap, const char *)) != NULL && argc < 31)
		argv[argc++] = cv_strdup(a);
	va_end(ap);
	argv[argc] = NULL;
	out = open_memstream(&buf, &len);
	assert_non_null(out);
	*rc = fn(argc, argv, out, d);
	fclose(out);
	for (i = 0; i < argc; i++)
		free(argv[i]);
	return buf;
}

static void
S_expect_msg(const struct diag *d, size_t k, const char *want)
{
	char b[2048];

	assert_true(k < d->n_msgs);
	diag_format(&d->msgs[k], d->lang, b, sizeof(b));
	assert_string_equal(b, want);
}

static void
test_cmd_ahp(void **state)
{
	struct diag d;
	char *o;
	int rc;

	(void)state;
	diag_init(&d, LANG_EN);
	o = S_run(cmd_weights, &d, &rc, "weights", "--method", "ahp",
	    "--matrix", DATA "consistent3.csv", NULL);
	assert_int_equal(rc, 0);
	assert_string_equal(o,
	    "销售额      0.571429\n"
	    "毛利率      0.285714\n"
	    "回款        0.142857\n"
	    "lambda_max  3.000000\n"
	    "CI          0.000000\n"
	    "RI          0.580000\n"
	    "CR          0.000000\n"
	    "consistent (CR < 0.10)\n");
	assert_int_equal(d.n_msgs, 0);
	free(o);

	/* The example shown in docs/calculator.md (upper triangle only). */
	o = S_run(cmd_weights, &d, &rc, "weights", "--method", "ahp",
	    "--matrix", DATA "criteria_cn.csv", NULL);
	assert_int_equal(rc, 0);
	assert_string_equal(o,
	    "利润贡献    0.467296\n"
	    "回款信用    0.277181\n"
	    "成长潜力    0.160088\n"
	    "忠诚度      0.095435\n"
	    "lambda_max  4.030983\n"
	    "CI          0.010328\n"
	    "RI          0.900000\n"
	    "CR          0.011475\n"
	    "consistent (CR < 0.10)\n");
	free(o);

	/* Upper triangle only, with a BOM-less empty corner: same result. */
	o = S_run(cmd_weights, &d, &rc, "weights", "--method=ahp",
	    "--matrix", DATA "saaty_upper.csv", NULL);
	assert_int_equal(rc, 2);
	assert_string_equal(o,
	    "C1          0.618669\n"
	    "C2          0.235323\n"
	    "C3          0.100934\n"
	    "C4          0.045074\n"
	    "lambda_max  4.390730\n"
	    "CI          0.130243\n"
	    "RI          0.900000\n"
	    "CR          0.144715\n"
	    "inconsistent (CR >= 0.10)\n");
	S_expect_msg(&d, 0, "custeval: " DATA "saaty_upper.csv: error: "
	    "comparison matrix is inconsistent: CR = 0.144715 is not below "
	    "0.10; revise the judgements");
	free(o);
	diag_free(&d);

	/* Full matrix with a BOM and fractions, or with 0.33-style decimals. */
	diag_init(&d, LANG_EN);
	o = S_run(cmd_weights, &d, &rc, "weights", "--method", "ahp",
	    "--matrix", DATA "saaty_light.csv", "--format", "csv", "--ri",
	    "cn", NULL);
	assert_int_equal(rc, 2);
	assert_string_equal(o,
	    "criterion,weight,lambda_max,CI,RI,CR,consistent\n"
	    "C1,0.618669,4.390730,0.130243,0.890000,0.146341,no\n"
	    "C2,0.235323,4.390730,0.130243,0.890000,0.146341,no\n"
	    "C3,0.100934,4.390730,0.130243,0.890000,0.146341,no\n"
	    "C4,0.045074,4.390730,0.130243,0.890000,0.146341,no\n");
	free(o);
	o = S_run(cmd_weights, &d, &rc, "weights", "--method", "ahp",
	    "--matrix", DATA "saaty_decimal.csv", NULL);
	assert_int_equal(rc, 2);
	assert_non_null(strstr(o, "C1          0.618669\n"));
	free(o);
	diag_free(&d);

	/* Not reciprocal: C4/C2 = 1/8 against C2/C4 = 6. */
	diag_init(&d, LANG_EN);
	o = S_run(cmd_weights, &d, &rc, "weights", "--method", "ahp",
	    "--matrix", DATA "nonrecip.csv", NULL);
	assert_int_equal(rc, 2);
	assert_string_equal(o, "");
	S_expect_msg(&d, 0, "custeval: " DATA "nonrecip.csv:5:3: error: "
	    "entry C4/C2 = 1/8 is not the reciprocal of C2/C4 = 6 "
	    "(product 0.7500, allowed 0.95 to 1.05)");
	free(o);
	diag_free(&d);

	diag_init(&d, LANG_ZH_CN);
	o = S_run(cmd_weights, &d, &rc, "weights", "--method", "ahp",
	    "--matrix", DATA "nonrecip.csv", NULL);
	S_expect_msg(&d, 0, "custeval: " DATA "nonrecip.csv:5:3: 错误: "
	    "C4/C2 = 1/8 与 C2/C4 = 6 不互为倒数（乘积为 0.7500，允许范围 "
	    "0.95 至 1.05）");
	free(o);
	diag_free(&d);
}

static void
test_cmd_weights_data(void **state)
{
	struct diag d;
	char *o;
	int rc;

	(void)state;
	diag_init(&d, LANG_EN);
	o = S_run(cmd_weights, &d, &rc, "weights", "--method", "entropy",
	    "--data", DATA "fighter.csv", "--normalize", "raw", NULL);
	assert_int_equal(rc, 0);
	assert_string_equal(o,
	    "speed            0.064190\n"
	    "range            0.206088\n"
	    "payload          0.013445\n"
	    "cost             0.081326\n"
	    "reliability      0.358680\n"
	    "maneuverability  0.276272\n");
	free(o);
	o = S_run(cmd_weights, &d, &rc, "weights", "--method", "critic",
	    "--data", DATA "customers.csv", "--directions", "+,+,-",
	    "--format", "csv", NULL);
	assert_int_equal(rc, 0);
	assert_string_equal(o,
	    "criterion,weight\n"
	    "revenue,0.458245\n"
	    "margin,0.297851\n"
	    "days_to_pay,0.243904\n");
	free(o);
	assert_int_equal(d.n_msgs, 0);

	o = S_run(cmd_weights, &d, &rc, "weights", "--method", "critic",
	    "--data", DATA "bad_number.csv", NULL);
	assert_int_equal(rc, 2);
	S_expect_msg(&d, 0, "custeval: " DATA "bad_number.csv:6:3: error: "
	    "'abc' in column 'margin' is not a number");
	free(o);
	diag_free(&d);

	diag_init(&d, LANG_ZH_TW);
	o = S_run(cmd_weights, &d, &rc, "weights", "--method", "entropy",
	    "--data", DATA "bad_quote.csv", NULL);
	assert_int_equal(rc, 2);
	S_expect_msg(&d, 0, "custeval: " DATA "bad_quote.csv:2:3: 錯誤: "
	    "CSV 語法錯誤（引號未閉合或欄位中有多餘的引號）");
	free(o);
	diag_free(&d);
}

static void
test_cmd_rank(void **state)
{
	struct diag d;
	char *o;
	int rc;

	(void)state;
	diag_init(&d, LANG_EN);
	o = S_run(cmd_rank, &d, &rc, "rank", "--method", "topsis", "--data",
	    DATA "fighter.csv", "--weights", "0.2,0.1,0.1,0.1,0.2,0.3",
	    "--directions", "+,+,+,-,+,+", NULL);
	assert_int_equal(rc, 0);
	assert_string_equal(o,
	    "A1   0.643277  1\n"
	    "A2   0.268384  4\n"
	    "A3   0.613542  2\n"
	    "A4   0.312291  3\n");
	free(o);
	/* Weights are rescaled: 2,1,1,1,2,3 is the same vector. */
	o = S_run(cmd_rank, &d, &rc, "rank", "--method", "topsis", "--data",
	    DATA "fighter.csv", "--weights", "2,1,1,1,2,3", "--directions",
	    "max,max,max,min,max,max", "--normalize", "minmax", "--format",
	    "csv", NULL);
	assert_int_equal(rc, 0);
	assert_string_equal(o,
	    "name,closeness,rank\n"
	    "A1,0.612748,1\n"
	    "A2,0.366025,3\n"
	    "A3,0.530642,2\n"
	    "A4,0.351690,4\n");
	free(o);
	assert_int_equal(d.n_msgs, 0);

	/*
	 * Weighted sum, min-max, B has a missing margin and is not ranked.
	 * Remaining A, C, D, E: revenue (120,150,60,100) -> 2/3, 1, 0, 4/9;
	 * margin (.30,.10,.35,.20) -> .8, 0, 1, .4; days cost (30,60,20,90)
	 * -> 6/7, 3/7, 1, 0.  With w = .5,.25,.25: A = .333333 + .2 + .214286
	 * = .747619, C = .5 + 0 + .107143 = .607143, D = 0 + .25 + .25 = .5,
	 * E = .222222 + .1 + 0 = .322222 (by hand).
	 */
	o = S_run(cmd_rank, &d, &rc, "rank", "--method", "sum", "--data",
	    DATA "missing.csv", "--weights", "2,1,1", "--directions", "+,+,-",
	    NULL);
	assert_int_equal(rc, 0);
	assert_string_equal(o,
	    "A   0.747619  1\n"
	    "B         NA  -\n"
	    "C   0.607143  2\n"
	    "D   0.500000  3\n"
	    "E   0.322222  4\n");
	S_expect_msg(&d, 0, "custeval: " DATA "missing.csv:3:1: warning: "
	    "'B' has missing values and is not ranked");
	free(o);
	diag_free(&d);
}

static void
test_cmd_usage(void **state)
{
	struct diag d;
	char *o;
	int rc;

	(void)state;
	diag_init(&d, LANG_EN);
	o = S_run(cmd_weights, &d, &rc, "weights", "--help", NULL);
	assert_int_equal(rc, 0);
	assert_true(strncmp(o, "usage: custeval weights", 23) == 0);
	free(o);
	o = S_run(cmd_rank, &d, &rc, "rank", "--help", NULL);
	assert_int_equal(rc, 0);
	assert_true(strncmp(o, "usage: custeval rank", 20) == 0);
	free(o);
	assert_int_equal(d.n_msgs, 0);

	o = S_run(cmd_weights, &d, &rc, "weights", "--method", "magic", NULL);
	assert_int_equal(rc, 1);
	S_expect_msg(&d, 0, "custeval: error: weights: invalid value 'magic' "
	    "for --method");
	free(o);
	o = S_run(cmd_rank, &d, &rc, "rank", "--method", "sum", "--data",
	    DATA "customers.csv", "--weights", "1,1", NULL);
	assert_int_equal(rc, 1);
	S_expect_msg(&d, 1, "custeval: error: --weights has 2 values but the "
	    "data has 3 criteria");
	free(o);
	o = S_run(cmd_rank, &d, &rc, "rank", "--method", "sum", "--data",
	    DATA "no-such-file.csv", "--weights", "1", NULL);
	assert_int_equal(rc, 3);
	free(o);
	o = S_run(cmd_rank, &d, &rc, "rank", "--bogus", NULL);
	assert_int_equal(rc, 1);
	free(o);
	o = S_run(cmd_weights, &d, &rc, "weights", "--method", "ahp", NULL);
	assert_int_equal(rc, 1);
	free(o);
	diag_free(&d);

	diag_init(&d, LANG_ZH_CN);
	o = S_run(cmd_weights, &d, &rc, "weights", "--method", "magic", NULL);
	S_expect_msg(&d, 0, "custeval: 错误: weights：选项 --method 的取值"
	    "“magic”无效");
	free(o);
	diag_free(&d);
}

static int
S_starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* COLUMN is the 1-based field number, whatever the width of the text
 * before it (README: FILE:LINE:COLUMN). */
static void
test_cmd_column_is_field(void **state)
{
	struct diag d;
	char *o;
	int rc;

	(void)state;
	diag_init(&d, LANG_EN);
	o = S_run(cmd_weights, &d, &rc, "weights", "--method", "entropy",
	    "--data", DATA "bad_number_cn.csv", NULL);
	assert_int_equal(rc, 2);
	assert_int_equal(d.n_msgs, 2);
	S_expect_msg(&d, 0, "custeval: " DATA "bad_number_cn.csv:3:3: error: "
	    "'0,2' in column '毛利率' is not a number");
	S_expect_msg(&d, 1, "custeval: " DATA "bad_number_cn.csv:4:4: error: "
	    "'六十' in column '回款天数' is not a number");
	free(o);
	diag_free(&d);
}

/* --lang is accepted (main sets the message language from it; the
 * --lang=X form is applied by the calculator) and the printed words
 * follow the message language. */
static void
test_cmd_lang(void **state)
{
	struct diag d;
	char *o;
	int rc;

	(void)state;
	diag_init(&d, LANG_ZH_CN);
	o = S_run(cmd_weights, &d, &rc, "weights", "--method", "ahp",
	    "--matrix", DATA "consistent3.csv", "--lang", "zh-CN", NULL);
	assert_int_equal(rc, 0);
	assert_string_equal(o,
	    "销售额      0.571429\n"
	    "毛利率      0.285714\n"
	    "回款        0.142857\n"
	    "lambda_max  3.000000\n"
	    "CI          0.000000\n"
	    "RI          0.580000\n"
	    "CR          0.000000\n"
	    "通过一致性检验（CR < 0.10）\n");
	assert_int_equal(d.n_msgs, 0);
	free(o);
	o = S_run(cmd_weights, &d, &rc, "weights", "--method", "ahp",
	    "--matrix", DATA "saaty_upper.csv", "--format", "csv", NULL);
	assert_int_equal(rc, 2);
	assert_string_equal(o,
	    "指标,权重,lambda_max,CI,RI,CR,一致性\n"
	    "C1,0.618669,4.390730,0.130243,0.900000,0.144715,否\n"
	    "C2,0.235323,4.390730,0.130243,0.900000,0.144715,否\n"
	    "C3,0.100934,4.390730,0.130243,0.900000,0.144715,否\n"
	    "C4,0.045074,4.390730,0.130243,0.900000,0.144715,否\n");
	S_expect_msg(&d, 0, "custeval: " DATA "saaty_upper.csv: 错误: "
	    "判断矩阵一致性检验未通过：CR = 0.144715，未低于 0.10，请修改判断值");
	free(o);
	o = S_run(cmd_weights, &d, &rc, "weights", "--method", "ahp",
	    "--matrix", DATA "saaty_upper.csv", NULL);
	assert_non_null(strstr(o, "\n未通过一致性检验（CR >= 0.10）\n"));
	free(o);
	diag_free(&d);

	/* --lang=zh-TW switches the language by itself. */
	diag_init(&d, LANG_EN);
	o = S_run(cmd_weights, &d, &rc, "weights", "--lang=zh-TW", "--method",
	    "critic", "--data", DATA "customers.csv", "--directions", "+,+,-",
	    "--format", "csv", NULL);
	assert_int_equal(rc, 0);
	assert_int_equal(d.lang, LANG_ZH_TW);
	assert_string_equal(o,
	    "指標,權重\n"
	    "revenue,0.458245\n"
	    "margin,0.297851\n"
	    "days_to_pay,0.243904\n");
	free(o);
	o = S_run(cmd_weights, &d, &rc, "weights", "--method", "ahp",
	    "--matrix", DATA "consistent3.csv", NULL);
	assert_non_null(strstr(o, "\n通過一致性檢驗（CR < 0.10）\n"));
	free(o);
	diag_free(&d);

	diag_init(&d, LANG_ZH_CN);
	o = S_run(cmd_rank, &d, &rc, "rank", "--method", "topsis", "--data",
	    DATA "fighter.csv", "--weights", "2,1,1,1,2,3", "--directions",
	    "+,+,+,-,+,+", "--normalize", "minmax", "--format", "csv",
	    "--lang", "zh-CN", NULL);
	assert_int_equal(rc, 0);
	assert_true(S_starts(o, "名称,贴近度,排名\nA1,0.612748,1\n"));
	free(o);
	o = S_run(cmd_rank, &d, &rc, "rank", "--method", "sum", "--data",
	    DATA "customers.csv", "--weights", "1,1,1", "--format", "csv",
	    NULL);
	assert_int_equal(rc, 0);
	assert_true(S_starts(o, "名称,得分,排名\n"));
	free(o);
	o = S_run(cmd_rank, &d, &rc, "rank", "--lang", "fr", NULL);
	assert_int_equal(rc, 1);
	S_expect_msg(&d, 0, "custeval: 错误: rank：选项 --lang 的取值“fr”无效");
	free(o);
	o = S_run(cmd_rank, &d, &rc, "rank", "--lang", NULL);
	assert_int_equal(rc, 1);
	free(o);
	diag_free(&d);

	diag_init(&d, LANG_EN);
	o = S_run(cmd_rank, &d, &rc, "rank", "--method", "topsis", "--data",
	    DATA "fighter.csv", "--weights", "2,1,1,1,2,3", "--format", "csv",
	    "--lang", "en", NULL);
	assert_true(S_starts(o, "name,closeness,rank\n"));
	free(o);
	diag_free(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ahp_saaty_light),
		cmocka_unit_test(test_ahp_consistent),
		cmocka_unit_test(test_ahp_geomean),
		cmocka_unit_test(test_ahp_small_and_errors),
		cmocka_unit_test(test_ahp_inconsistent_property),
		cmocka_unit_test(test_entropy_hwang_yoon),
		cmocka_unit_test(test_entropy_minmax),
		cmocka_unit_test(test_entropy_missing_and_constant),
		cmocka_unit_test(test_critic),
		cmocka_unit_test(test_topsis_vector),
		cmocka_unit_test(test_topsis_minmax),
		cmocka_unit_test(test_rank_row_order),
		cmocka_unit_test(test_rank_ties),
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_sort_kv),
		cmocka_unit_test(test_percentile_reference),
		cmocka_unit_test(test_band),
		cmocka_unit_test(test_combine),
		cmocka_unit_test(test_weighted_sum),
		cmocka_unit_test(test_cmd_ahp),
		cmocka_unit_test(test_cmd_weights_data),
		cmocka_unit_test(test_cmd_rank),
		cmocka_unit_test(test_cmd_usage),
		cmocka_unit_test(test_cmd_column_is_field),
		cmocka_unit_test(test_cmd_lang),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
