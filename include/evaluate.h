/* evaluate.h: indicators per customer, the composite score, tiers, quadrant, classes and flags. */
#ifndef CUSTEVAL_EVALUATE_H
#define CUSTEVAL_EVALUATE_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "diag.h"
#include "model.h"

#define IND_MAX 40

enum ind_group { IG_ECONOMIC, IG_GROWTH, IG_RECENCY, IG_PAYMENT, IG_QUALITY,
	IG_QUALITATIVE, IG_LOYALTY };

/* One indicator's definition and how the run used it. */
struct ind_info {
	const char *key;
	int dir;		/* +1 benefit, -1 cost */
	const char *unit;	/* "money", "ratio", "count", "months", "days", "years", "score" */
	enum ind_group group;
	const char *needs;	/* input kind it needs: "sales", "payments", ... */
	double weight_cfg;	/* configured weight (relative) */
	double weight;		/* weight used in the score, sums to 1; 0 = unused */
	size_t n_data;		/* customers with a value */
	int excluded;		/* 1: no data at all; left out of the score */
	double mean, min, max;	/* over customers with data */
	const char *norm;	/* normalisation used: "minmax", "zscore",
				 * "percentile" or "band" (NULL if excluded) */
	/* In the score (evaluation_points): its weight there, and the mean
	 * normalised value over customers with data. */
	int scored;
	double score_w, mean_norm;
};

enum flag {
	FLAG_FAKE_BIG = 0, FLAG_OVERDUE, FLAG_OVER_LIMIT, FLAG_SHARP_DECLINE,
	FLAG_LARGE_DISLOYAL_VIOL, FLAG_LATE_PAYER, FLAG__COUNT
};
const char *flag_key(enum flag f);

/* The evaluation of one customer. */
struct eval_customer {
	const struct customer *c;
	/* Per indicator (evaluation.n_ind entries each, one block for all
	 * customers): */
	double *raw;		/* indicator values; NaN = no data */
	double *norm;		/* 0..1, direction applied; NaN = no data */
	double score;		/* composite, 0..100 */
	size_t rank;		/* 1 = best */
	int tier;		/* index into evaluation.tiers */
	double volume;		/* quadrant x axis, 0..100 */
	double loyalty;		/* quadrant y axis, 0..100 */
	const char *quadrant;	/* key, docs/keys.md */
	const char *lifecycle;
	const char *value_group;
	unsigned flags;		/* 1u << enum flag */
	int years;		/* cycle years the customer existed in (a
				 * partial year counts); < cycle: younger */
	int months;		/* months of the window it existed in */
	int up[3], down[3];	/* indicators raising / lowering the score, -1 none */
	int weak[3];		/* weakest capability dimensions, -1 none */
	int64_t rev_cycle;	/* net revenue in the window, minor units */
	int64_t gp_cycle;	/* gross profit in the window (lines with cost) */
	int64_t rev_year[CV_MAX_YEARS];	/* per cycle year, oldest first */
	double days_late;	/* mean days paid after due, NaN none */
	int64_t open_amount;	/* invoiced in the window and not yet paid */
};

struct tier_info {
	char key[16];
	size_t count;
	double min_score, max_score;	/* cut-offs actually obtained */
	int64_t revenue;	/* net revenue in the window */
	int64_t gp;
	double share;		/* share of customers in the tier, 0..1 */
	double bound;		/* the configured rule: population share
				 * (share), minimum score (cutoff) or
				 * cumulative contribution bound (pareto) */
	double contribution;	/* share of the pareto measure, 0..1 */
};

struct quad_info {
	const char *key;
	size_t count;
	int64_t revenue;
};

struct labels;

struct evaluation {
	const struct labels *labels;	/* names in messages; may be NULL */
	const struct model *m;
	const struct config *cfg;
	struct eval_customer *ec;	/* n entries, in customer-id order */
	double *values;			/* raw and norm of every ec */
	size_t values_size;		/* bytes mapped, 0 if from malloc */
	size_t ec_size;			/* the same for ec */
	int ids_sorted;			/* 1: ec's ids strictly ascending
					 * (strcmp), so an order's tie by id
					 * is a tie by index into ec */
	size_t n;
	size_t *by_rank;		/* indexes of ec, best first */
	size_t n_ind;
	struct ind_info ind[IND_MAX];
	/* method, for the audit trail */
	char weighting_note[256];
	double ahp_lambda, ahp_ci, ahp_cr;	/* when AHP was used */
	double ahp_ri;			/* random index used for the CR */
	/* tiers */
	struct tier_info tiers[CFG_MAX_TIERS];
	size_t n_tiers;
	const char *pareto_measure;	/* "gross-profit" or "revenue" */
	/* quadrant */
	double x_split, y_split;
	struct quad_info quads[4];
	/* summary */
	int64_t revenue_cycle, gp_cycle;
	double top20_revenue_share, top20_gp_share;	/* 0..1 */
	size_t lifecycle_count[5];
	size_t value_count[4];
	size_t flag_count[FLAG__COUNT];
	size_t n_evaluated;		/* customers with sales in the window */
	size_t n_younger;		/* customers that existed in only part
					 * of the window (months < cycle) */
};

extern const char *const quadrant_keys[4];	/* large-loyal, large-disloyal, small-loyal, small-disloyal */
extern const char *const lifecycle_keys[5];	/* loyal, fast-growing, sleeping, worth-cultivating, none */
extern const char *const value_group_keys[4];	/* value, potential, over-served, latent */

/*
 * Compute raw indicators for every customer (indicators.c), into raw
 * rows that hold NaN.  indicators_range does customers [from, to) only,
 * given indicators_have_cost(m) (any sales line in the window had a
 * cost): ranges can run on different threads.
 */
void indicators_compute(struct evaluation *ev, const struct model *m,
    const struct config *cfg);
int indicators_have_cost(const struct model *m);
void indicators_range(struct evaluation *ev, const struct model *m,
    const struct config *cfg, int have_cost, size_t from, size_t to);
int indicator_index(const char *key);	/* -1 if unknown */
const struct ind_info *indicator_defs(size_t *n);

/*
 * Run the whole evaluation: indicators, normalisation, weights, scores,
 * ranks, tiers, quadrant, classes, flags and explanations.  0, or -1 with
 * messages in d (e.g. an inconsistent AHP matrix).
 */
int evaluate(struct evaluation *ev, const struct model *m,
    const struct config *cfg, const struct labels *labels, struct diag *d);
void evaluation_free(struct evaluation *ev);

/* Orders of customers; every one breaks ties by customer id. */
enum ev_order {
	EV_BY_SCORE,		/* score, then revenue (the ranking) */
	EV_BY_RANK,		/* rank, 1 first */
	EV_BY_REVENUE,		/* net revenue in the window, largest first */
	EV_BY_GROSS_PROFIT,	/* gross profit in the window, largest first */
	EV_BY_PARETO		/* the run's Pareto measure, largest first */
};
/* Sort idx[0..n) (indexes into ev->ec) in that order. */
/*
 * Points indicator k adds to customer e's score (negative: takes away):
 * 100 x weight x (normalised value - its mean); 0 when not scored or no
 * value.  Computed, not stored: it is a pure function of the evaluation.
 */
double evaluation_points(const struct evaluation *ev,
    const struct eval_customer *e, size_t k);
void evaluation_order(const struct evaluation *ev, size_t *idx, size_t n,
    enum ev_order by);

#endif
