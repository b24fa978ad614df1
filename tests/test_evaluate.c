/* test_evaluate.c: the multi-indicator evaluation: properties, method paths, edge cases and the sample company's planted customers. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "diag.h"
#include "evaluate.h"
#include "ingest.h"
#include "model.h"
#include "util.h"
#include "labels.h"

/* The report's labels, one set per language, loaded once for the test run
 * (notes name indicators by their label). */
static const struct labels *
S_labels(enum diag_lang lang)
{
	static struct labels *l[3];
	static int tried[3];
	struct diag scratch;

	if (!tried[lang]) {
		tried[lang] = 1;
		diag_init(&scratch, lang);
		l[lang] = labels_load("templates/labels.xml", lang, &scratch);
		diag_free(&scratch);
	}
	return l[lang];
}

#define DATA "tests/evaluate/"
#define XSD "templates/config.xsd"
#define PROFILE "templates/default-profile.xml"

/* ---- helpers ---------------------------------------------------------- */

static void
S_config(struct config *cfg, int32_t as_of)
{
	struct diag d;

	diag_init(&d, LANG_EN);
	config_init(cfg);
	assert_int_equal(config_load(cfg, PROFILE, XSD, &d), 0);
	cfg->as_of = as_of;
	config_set_input(cfg, IN_SALES, "memory");
	assert_int_equal(config_finish(cfg, &d), 0);
	diag_free(&d);
}

static void
S_set(char **dst, const char *v)
{
	free(*dst);
	*dst = cv_strdup(v);
}

static int32_t
S_day(int y, int m, int d)
{
	return cv_days_from_civil(y, m, d);
}

/*
 * Add a customer whose revenue in window month slot i is rev[i] (minor
 * units; negative = net returns), one order per month with positive
 * revenue, cost = (1 - margin) x revenue.
 */
static struct customer *
S_customer(struct model *m, const char *id, const int64_t *rev, int n,
    double margin, int32_t since)
{
	int created, i;
	struct customer *c = model_get(m, id, &created);

	assert_true(created);
	c->since = since;
	c->in_master = 1;
	model_months(m, c);
	model_pay(m, c);
	for (i = 0; i < n && i < m->n_months; i++) {
		int y = i / 12;
		int32_t day;
		int mi = m->first_month + i;
		if (rev[i] == 0)
			continue;
		day = cv_days_from_civil(mi / 12, mi % 12 + 1, 10);
		c->months[i].revenue = rev[i];
		c->year[y].revenue += rev[i];
		if (!isnan(margin)) {
			c->year[y].cost_revenue += rev[i];
			c->year[y].cost += (int64_t)llround((double)rev[i] *
			    (1 - margin));
		}
		if (rev[i] > 0) {
			c->months[i].orders = 1;
			c->pay[i].inv_w = (float)rev[i];
			c->pay[i].inv_day = 10;
			c->year[y].gross += rev[i];
			if (c->last_sale == CV_DATE_NONE || day > c->last_sale)
				c->last_sale = day;
		} else
			c->year[y].returns += -rev[i];
		if (c->first_sale == CV_DATE_NONE || day < c->first_sale)
			c->first_sale = day;
	}
	return c;
}

/* A varied synthetic population of n customers, in the given id order. */
static void
S_population(struct model *m, const int *order, int n)
{
	int k, i;

	for (k = 0; k < n; k++) {
		int64_t rev[48];
		char id[16];
		int j = order[k];
		snprintf(id, sizeof(id), "K%03d", j);
		for (i = 0; i < 48; i++)
			rev[i] = ((i + j) % (1 + j % 4) == 0) ?
			    100000 * (1 + j % 7) + 1000 * i * (j % 5) : 0;
		S_customer(m, id, rev, 48, 0.05 + 0.02 * (j % 9),
		    S_day(2015 + j % 8, 1, 1));
	}
}

static int
S_diag_has(const struct diag *d, const char *text)
{
	size_t i;

	for (i = 0; i < d->n_msgs; i++)
		if (d->msgs[i].text != NULL && strstr(d->msgs[i].text, text))
			return 1;
	return 0;
}

static void
S_no_nan(const struct evaluation *ev)
{
	size_t i;

	for (i = 0; i < ev->n; i++) {
		assert_true(isfinite(ev->ec[i].score));
		assert_true(ev->ec[i].score >= 0 && ev->ec[i].score <= 100);
		assert_true(ev->ec[i].tier >= 0 &&
		    (size_t)ev->ec[i].tier < ev->n_tiers);
		assert_non_null(ev->ec[i].quadrant);
		assert_non_null(ev->ec[i].lifecycle);
		assert_non_null(ev->ec[i].value_group);
		assert_true(isfinite(ev->ec[i].volume));
		assert_true(isfinite(ev->ec[i].loyalty));
	}
}

static double
S_weight_sum(const struct evaluation *ev)
{
	double s = 0;
	size_t i;

	for (i = 0; i < ev->n_ind; i++) {
		assert_true(ev->ind[i].weight >= 0);
		s += ev->ind[i].weight;
	}
	return s;
}

static const struct eval_customer *
S_find(const struct evaluation *ev, const char *id)
{
	size_t i;

	for (i = 0; i < ev->n; i++)
		if (strcmp(ev->ec[i].c->id, id) == 0)
			return &ev->ec[i];
	fail_msg("customer %s not evaluated", id);
	return NULL;
}

static double
S_raw(const struct eval_customer *e, const char *key)
{
	int k = indicator_index(key);

	assert_true(k >= 0);
	return e->raw[k];
}

/* Run the evaluation on a 30-customer synthetic population. */
static int
S_run_pop(struct evaluation *ev, struct model *m, struct config *cfg,
    struct diag *d)
{
	int order[30], i;

	for (i = 0; i < 30; i++)
		order[i] = i;
	model_init(m, S_day(2026, 10, 31), 4);
	S_population(m, order, 30);
	return evaluate(ev, m, cfg, S_labels(d->lang), d);
}

/* ---- properties -------------------------------------------------------- */

static void
test_weights_sum_to_one(void **state)
{
	static const char *const how[] = { "manual", "entropy", "critic",
		"combined" };
	size_t k;

	(void)state;
	for (k = 0; k < sizeof(how) / sizeof(how[0]); k++) {
		struct config cfg;
		struct model m;
		struct evaluation ev;
		struct diag d;
		diag_init(&d, LANG_EN);
		S_config(&cfg, S_day(2026, 10, 31));
		S_set(&cfg.weighting, how[k]);
		assert_int_equal(S_run_pop(&ev, &m, &cfg, &d), 0);
		assert_true(fabs(S_weight_sum(&ev) - 1) < 1e-9);
		assert_non_null(strstr(ev.weighting_note, how[k]));
		S_no_nan(&ev);
		evaluation_free(&ev);
		model_free(&m);
		config_free(&cfg);
		diag_free(&d);
	}
}

static void
test_rank_independent_of_order(void **state)
{
	int fwd[30], perm[30], i;
	struct config cfg;
	struct model m1, m2;
	struct evaluation e1, e2;
	struct diag d;

	(void)state;
	for (i = 0; i < 30; i++) {
		fwd[i] = i;
		perm[i] = (i * 7 + 3) % 30;	/* 7 is coprime with 30 */
	}
	diag_init(&d, LANG_EN);
	S_config(&cfg, S_day(2026, 10, 31));
	S_set(&cfg.weighting, "entropy");
	model_init(&m1, cfg.as_of, 4);
	model_init(&m2, cfg.as_of, 4);
	S_population(&m1, fwd, 30);
	S_population(&m2, perm, 30);
	assert_int_equal(evaluate(&e1, &m1, &cfg, S_labels(d.lang), &d), 0);
	assert_int_equal(evaluate(&e2, &m2, &cfg, S_labels(d.lang), &d), 0);
	for (i = 0; i < 30; i++) {
		const struct eval_customer *a = &e1.ec[i];
		const struct eval_customer *b = S_find(&e2, a->c->id);
		assert_int_equal(a->rank, b->rank);
		assert_int_equal(a->tier, b->tier);
		assert_string_equal(a->quadrant, b->quadrant);
		assert_string_equal(a->lifecycle, b->lifecycle);
		assert_int_equal(a->flags, b->flags);
		assert_true(fabs(a->score - b->score) < 1e-6);
	}
	evaluation_free(&e1);
	evaluation_free(&e2);
	model_free(&m1);
	model_free(&m2);
	config_free(&cfg);
	diag_free(&d);
}

static void
test_tier_shares(void **state)
{
	static const int sizes[] = { 1, 2, 3, 7, 13, 30, 101 };
	size_t k, t;

	(void)state;
	for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		int order[128], i, n = sizes[k];
		struct config cfg;
		struct model m;
		struct evaluation ev;
		struct diag d;
		size_t total = 0;
		for (i = 0; i < n; i++)
			order[i] = i;
		diag_init(&d, LANG_EN);
		S_config(&cfg, S_day(2026, 10, 31));
		model_init(&m, cfg.as_of, 4);
		S_population(&m, order, n);
		assert_int_equal(evaluate(&ev, &m, &cfg, S_labels(d.lang), &d), 0);
		for (t = 0; t < ev.n_tiers; t++) {
			double want = cfg.tiers[t].share * n;
			assert_true(fabs((double)ev.tiers[t].count - want) < 1.0);
			assert_true(fabs(ev.tiers[t].bound -
			    cfg.tiers[t].share) < 1e-12);
			total += ev.tiers[t].count;
		}
		assert_int_equal(total, (size_t)n);
		/* Rank order and tiers agree: a better rank never has a
		 * worse tier. */
		for (i = 1; i < n; i++)
			assert_true(ev.ec[ev.by_rank[i - 1]].tier <=
			    ev.ec[ev.by_rank[i]].tier);
		S_no_nan(&ev);
		evaluation_free(&ev);
		model_free(&m);
		config_free(&cfg);
		diag_free(&d);
	}
}

static void
test_cutoff_and_pareto_tiers(void **state)
{
	struct config cfg;
	struct model m;
	struct evaluation ev;
	struct diag d;
	size_t i, t, total = 0;
	double contrib = 0;

	(void)state;
	diag_init(&d, LANG_EN);
	S_config(&cfg, S_day(2026, 10, 31));
	S_set(&cfg.tier_scheme, "cutoff");
	assert_int_equal(S_run_pop(&ev, &m, &cfg, &d), 0);
	for (i = 0; i < ev.n; i++) {
		const struct eval_customer *e = &ev.ec[i];
		if ((size_t)e->tier + 1 < ev.n_tiers)
			assert_true(e->score >= cfg.tiers[e->tier].cutoff);
		if (e->tier > 0)
			assert_true(e->score < cfg.tiers[e->tier - 1].cutoff);
	}
	evaluation_free(&ev);
	model_free(&m);

	S_set(&cfg.tier_scheme, "pareto");
	assert_int_equal(S_run_pop(&ev, &m, &cfg, &d), 0);
	assert_string_equal(ev.pareto_measure, "gross-profit");
	for (t = 0; t < ev.n_tiers; t++) {
		total += ev.tiers[t].count;
		contrib += ev.tiers[t].contribution;
	}
	assert_int_equal(total, ev.n);
	assert_true(fabs(contrib - 1) < 1e-9);
	/* Tier A holds the customers before 80 % was reached. */
	assert_true(ev.tiers[0].contribution >= 0.8 - 1e-9);
	assert_true(ev.tiers[0].contribution - 0.8 < 0.2);
	evaluation_free(&ev);
	model_free(&m);
	config_free(&cfg);
	diag_free(&d);
}

static void
test_no_data_excluded_not_zeroed(void **state)
{
	static const char *const absent[] = { "days-to-pay", "on-time",
		"overdue-ratio", "credit-use", "max-overdue", "capability",
		"non-economic", "violations", "gross-profit", "margin" };
	struct config cfg;
	struct model m;
	struct evaluation ev;
	struct diag d;
	int order[10], i;
	size_t k, j;

	(void)state;
	for (i = 0; i < 10; i++)
		order[i] = i;
	diag_init(&d, LANG_EN);
	S_config(&cfg, S_day(2026, 10, 31));
	model_init(&m, cfg.as_of, 4);
	S_population(&m, order, 10);
	/* No cost data at all. */
	for (k = 0; k < m.n_cust; k++)
		for (i = 0; i < 4; i++)
			m.cust[k]->year[i].cost_revenue =
			    m.cust[k]->year[i].cost = 0;
	assert_int_equal(evaluate(&ev, &m, &cfg, S_labels(d.lang), &d), 0);
	for (k = 0; k < sizeof(absent) / sizeof(absent[0]); k++) {
		const struct ind_info *in = &ev.ind[indicator_index(absent[k])];
		assert_true(in->excluded);
		assert_int_equal(in->n_data, 0);
		assert_true(in->weight == 0);
		for (j = 0; j < ev.n; j++) {
			assert_true(isnan(ev.ec[j].raw[indicator_index(absent[k])]));
			assert_true(isnan(ev.ec[j].norm[indicator_index(absent[k])]));
		}
	}
	/* The note names the indicator and the real cause. */
	assert_true(S_diag_has(&d, "indicator 'Share paid on time' (on-time) "
	    "is left out of the score: it needs payment records and no "
	    "payments file was given (--payments)"));
	assert_true(S_diag_has(&d, "indicator 'Gross margin' (margin) is left "
	    "out of the score: no sales line in the value cycle has a cost"));
	assert_true(S_diag_has(&d, "(overdue-ratio) is left out of the score: "
	    "it needs credit snapshots and no credit file was given"));
	assert_true(S_diag_has(&d, "(capability) is left out of the score: "
	    "it needs dealer assessments"));
	assert_false(S_diag_has(&d, "(revenue) is left out"));
	assert_true(fabs(S_weight_sum(&ev) - 1) < 1e-9);
	/* The weights of the indicators with data keep their configured
	 * proportions. */
	assert_true(fabs(ev.ind[indicator_index("revenue")].weight /
	    ev.ind[indicator_index("recency")].weight - 20.0 / 5.0) < 1e-9);
	S_no_nan(&ev);
	evaluation_free(&ev);
	model_free(&m);
	config_free(&cfg);
	diag_free(&d);
}

static void
test_normalisations_and_topsis(void **state)
{
	static const char *const norms[] = { "minmax", "zscore", "percentile" };
	size_t k;

	(void)state;
	for (k = 0; k < 6; k++) {
		struct config cfg;
		struct model m;
		struct evaluation ev;
		struct diag d;
		diag_init(&d, LANG_EN);
		S_config(&cfg, S_day(2026, 10, 31));
		S_set(&cfg.normalization, norms[k % 3]);
		S_set(&cfg.scoring, k < 3 ? "sum" : "topsis");
		assert_int_equal(S_run_pop(&ev, &m, &cfg, &d), 0);
		assert_string_equal(ev.ind[0].norm, norms[k % 3]);
		S_no_nan(&ev);
		assert_int_equal(ev.ec[ev.by_rank[0]].rank, 1);
		assert_true(ev.ec[ev.by_rank[0]].score >=
		    ev.ec[ev.by_rank[ev.n - 1]].score);
		evaluation_free(&ev);
		model_free(&m);
		config_free(&cfg);
		diag_free(&d);
	}
}

static void
test_unknown_method_rejected(void **state)
{
	struct config cfg;
	struct model m;
	struct evaluation ev;
	struct diag d;

	(void)state;
	diag_init(&d, LANG_EN);
	S_config(&cfg, S_day(2026, 10, 31));
	S_set(&cfg.quad_x, "turnover");
	assert_int_equal(S_run_pop(&ev, &m, &cfg, &d), -1);
	assert_true(S_diag_has(&d, "turnover"));
	assert_null(ev.ec);
	model_free(&m);
	S_set(&cfg.quad_x, "volume");
	S_set(&cfg.normalization, "log");
	assert_int_equal(S_run_pop(&ev, &m, &cfg, &d), -1);
	assert_true(S_diag_has(&d, "<method normalization=\"log\">: unknown "
	    "value (use one of: minmax, zscore, percentile, band)"));
	model_free(&m);
	config_free(&cfg);
	diag_free(&d);
}

#ifdef CFG_MAX_BANDS
/* Banded scoring (normalization="band"), from a config file. */
static void
test_band_scoring(void **state)
{
	struct config cfg;
	struct model m;
	struct evaluation ev;
	struct diag d;
	size_t i;
	int im = indicator_index("margin"), ir = indicator_index("recency");
	int ia = indicator_index("active-months");

	(void)state;
	diag_init(&d, LANG_EN);
	S_config(&cfg, S_day(2026, 10, 31));
	assert_int_equal(config_load(&cfg, DATA "band.xml", XSD, &d), 0);
	assert_string_equal(cfg.normalization, "band");
	assert_int_equal(S_run_pop(&ev, &m, &cfg, &d), 0);
	assert_string_equal(ev.ind[im].norm, "band");
	assert_string_equal(ev.ind[ir].norm, "band");
	/* Indicators without bands fall back to min-max, with a note. */
	assert_string_equal(ev.ind[ia].norm, "minmax");
	assert_true(S_diag_has(&d, "'active-months' has no bands"));
	for (i = 0; i < ev.n; i++) {
		double mg = ev.ec[i].raw[im], rc = ev.ec[i].raw[ir];
		double want = mg >= 0.2 ? 1.0 : mg >= 0.1 ? 0.6 : 0.2;
		assert_true(fabs(ev.ec[i].norm[im] - want) < 1e-12);
		want = rc >= 12 ? 0 : rc >= 6 ? 0.2 : rc >= 3 ? 0.6 : 1.0;
		assert_true(fabs(ev.ec[i].norm[ir] - want) < 1e-12);
	}
	S_no_nan(&ev);
	evaluation_free(&ev);
	model_free(&m);
	/* Bands must increase. */
	for (i = 0; i < (size_t)cfg.n_ind; i++)
		if (strcmp(cfg.ind[i].key, "margin") == 0)
			cfg.ind[i].band_from[2] = 0.05;
	assert_int_equal(S_run_pop(&ev, &m, &cfg, &d), -1);
	assert_true(S_diag_has(&d, "bands of indicator 'margin'"));
	model_free(&m);
	config_free(&cfg);
	diag_free(&d);
}
#endif

/* ---- AHP ---------------------------------------------------------------- */

static void
test_ahp_weights(void **state)
{
	struct config cfg;
	struct model m;
	struct evaluation ev;
	struct diag d;

	(void)state;
	diag_init(&d, LANG_EN);
	S_config(&cfg, S_day(2026, 10, 31));
	S_set(&cfg.weighting, "ahp");
	S_set(&cfg.ahp_matrix, DATA "ahp-ok.csv");
	/* No payments or assessments: "on-time" and "violations" have no
	 * data, are dropped, and the other two are rescaled. */
	assert_int_equal(S_run_pop(&ev, &m, &cfg, &d), 0);
	assert_true(ev.ahp_cr > 0 && ev.ahp_cr < 0.10);
	assert_true(fabs(ev.ahp_cr - 0.011475) < 1e-5);
	assert_true(S_diag_has(&d, "'violations' has no data"));
	assert_true(S_diag_has(&d, "'on-time' has no data"));
	assert_true(fabs(S_weight_sum(&ev) - 1) < 1e-9);
	assert_true(fabs(ev.ind[indicator_index("revenue")].weight -
	    0.467296 / (0.467296 + 0.277181)) < 1e-5);
	assert_true(fabs(ev.ind[indicator_index("margin")].weight -
	    0.277181 / (0.467296 + 0.277181)) < 1e-5);
	assert_true(ev.ind[indicator_index("violations")].weight == 0);
	assert_true(ev.ind[indicator_index("recency")].weight == 0);
	assert_non_null(strstr(ev.weighting_note, "CR 0.0115"));
	S_no_nan(&ev);
	evaluation_free(&ev);
	model_free(&m);

	/* The Chinese-textbook RI table is selectable. */
	S_set(&cfg.ri_table, "cn");
	assert_int_equal(S_run_pop(&ev, &m, &cfg, &d), 0);
	assert_true(ev.ahp_ri > 0.88 && ev.ahp_ri < 0.91);
	evaluation_free(&ev);
	model_free(&m);
	S_set(&cfg.ri_table, "gauss");
	assert_int_equal(S_run_pop(&ev, &m, &cfg, &d), -1);
	assert_true(S_diag_has(&d, "<method ri-table=\"gauss\">: unknown value"));
	model_free(&m);
	config_free(&cfg);
	diag_free(&d);
}

static void
test_ahp_inconsistent_stops(void **state)
{
	struct config cfg;
	struct model m;
	struct evaluation ev;
	struct diag d;

	(void)state;
	diag_init(&d, LANG_EN);
	S_config(&cfg, S_day(2026, 10, 31));
	S_set(&cfg.weighting, "ahp");
	S_set(&cfg.ahp_matrix, DATA "ahp-bad.csv");
	assert_int_equal(S_run_pop(&ev, &m, &cfg, &d), -1);
	assert_true(d.n_error > 0);
	assert_true(S_diag_has(&d, "CR = 6.1303"));
	assert_true(S_diag_has(&d, "not below 0.10"));
	assert_int_equal(d.worst_exit, CV_EXIT_DATA);
	model_free(&m);

	diag_free(&d);
	diag_init(&d, LANG_EN);
	S_set(&cfg.ahp_matrix, DATA "ahp-unknown.csv");
	assert_int_equal(S_run_pop(&ev, &m, &cfg, &d), -1);
	assert_true(S_diag_has(&d, "'turnover' in the AHP matrix"));
	model_free(&m);
	config_free(&cfg);
	diag_free(&d);
}

/*
 * Sales were given, but too recently for the growth indicators: the note
 * says so (not "it needs sales"), in the message language, with the
 * indicator's name from templates/labels.xml.
 */
static void
test_excluded_cause(void **state)
{
	struct config cfg;
	struct model m;
	struct evaluation ev;
	struct diag d;
	int k, i;

	(void)state;
	diag_init(&d, LANG_EN);
	S_config(&cfg, S_day(2026, 10, 31));
	config_set_input(&cfg, IN_CREDIT, "memory");
	model_init(&m, cfg.as_of, 4);
	for (k = 0; k < 8; k++) {
		int64_t rev[48] = { 0 };
		char id[16];
		snprintf(id, sizeof(id), "N%02d", k);
		for (i = 44; i < 48; i++)	/* the last four months only */
			rev[i] = 100000 * (k + 1) + 1000 * i;
		S_customer(&m, id, rev, 48, 0.1 + 0.01 * k, S_day(2026, 7, 1));
	}
	assert_int_equal(evaluate(&ev, &m, &cfg, S_labels(d.lang), &d), 0);
	assert_true(ev.ind[indicator_index("cagr")].excluded);
	assert_true(ev.ind[indicator_index("yoy")].excluded);
	assert_true(ev.ind[indicator_index("trend")].excluded);
	assert_true(S_diag_has(&d, "indicator 'Growth across the cycle (CAGR)' "
	    "(cagr) is left out of the score: no customer has enough sales "
	    "history; it needs sales in at least two cycle years"));
	assert_true(S_diag_has(&d, "(yoy) is left out of the score: no "
	    "customer has enough sales history; it needs sales in both of the "
	    "last two cycle years"));
	assert_true(S_diag_has(&d, "(trend) is left out of the score: no "
	    "customer has enough sales history; the trend needs at least 6 "
	    "months"));
	/* A credit file was given but holds no snapshot for anyone. */
	assert_true(S_diag_has(&d, "indicator 'Overdue ratio' (overdue-ratio) "
	    "is left out of the score: no customer has a credit snapshot dated "
	    "on or before the evaluation date"));
	assert_false(S_diag_has(&d, "(it needs sales)"));
	evaluation_free(&ev);
	diag_free(&d);

	/* The same in simplified Chinese. */
	diag_init(&d, LANG_ZH_CN);
	assert_int_equal(evaluate(&ev, &m, &cfg, S_labels(d.lang), &d), 0);
	assert_true(S_diag_has(&d, "指标“周期复合增长率”（cagr）不参与评分：没有"
	    "任何客户有足够长的销售历史"));
	assert_true(S_diag_has(&d, "指标“逾期比例”（overdue-ratio）不参与评分："
	    "没有任何客户有评估日期当天或之前的信用快照"));
	evaluation_free(&ev);
	diag_free(&d);
	model_free(&m);
	config_free(&cfg);
}

/* Method errors have their own catalogue texts, in every language. */
static void
test_method_messages(void **state)
{
	struct config cfg;
	struct model m;
	struct evaluation ev;
	struct diag d;

	(void)state;
	diag_init(&d, LANG_EN);
	S_config(&cfg, S_day(2026, 10, 31));
	S_set(&cfg.weighting, "ahp");
	free(cfg.ahp_matrix);
	cfg.ahp_matrix = NULL;
	assert_int_equal(S_run_pop(&ev, &m, &cfg, &d), -1);
	assert_true(S_diag_has(&d, "weighting=\"ahp\" needs a comparison "
	    "matrix: add ahp-matrix=\"FILE.csv\" to <method>"));
	model_free(&m);
	diag_free(&d);

	diag_init(&d, LANG_ZH_TW);
	assert_int_equal(S_run_pop(&ev, &m, &cfg, &d), -1);
	assert_true(S_diag_has(&d, "需要判斷矩陣"));
	model_free(&m);
	diag_free(&d);

	diag_init(&d, LANG_ZH_CN);
	S_set(&cfg.weighting, "manual");
	S_set(&cfg.tier_scheme, "quartile");
	assert_int_equal(S_run_pop(&ev, &m, &cfg, &d), -1);
	assert_true(S_diag_has(&d, "<tiers scheme=\"quartile\">：取值无效（可用："
	    "share, cutoff, pareto）"));
	model_free(&m);
	config_free(&cfg);
	diag_free(&d);
}

/* ---- cycle and indicators ------------------------------------------------ */

static void
test_young_customer_and_granularity(void **state)
{
	struct config cfg;
	struct model m;
	struct evaluation ev;
	struct diag d;
	int64_t young[48] = { 0 }, grow[48], old[48];
	const struct eval_customer *e;
	double tm, tq;
	int i;

	(void)state;
	for (i = 0; i < 48; i++) {
		grow[i] = 100000 + 5000 * i;
		old[i] = 200000;
	}
	for (i = 34; i < 48; i++)	/* 14 months, like C0014 */
		young[i] = 300000;
	diag_init(&d, LANG_EN);
	S_config(&cfg, S_day(2026, 10, 31));
	model_init(&m, cfg.as_of, 4);
	S_customer(&m, "Y", young, 48, 0.2, S_day(2025, 9, 1));
	S_customer(&m, "G", grow, 48, 0.2, S_day(2010, 1, 1));
	S_customer(&m, "O", old, 48, 0.2, S_day(2010, 1, 1));
	assert_int_equal(evaluate(&ev, &m, &cfg, S_labels(d.lang), &d), 0);
	e = S_find(&ev, "Y");
	assert_int_equal(e->years, 2);
	assert_int_equal(e->months, 14);
	assert_int_equal(ev.n_younger, 1);
	/* Two months of a year are not a year: no growth figures. */
	assert_true(isnan(S_raw(e, "cagr")));
	assert_true(isnan(S_raw(e, "yoy")));
	/* Cycle-weighted revenue is annual: 12 x 3000.00 for a customer
	 * that bought the same every month it existed. */
	assert_true(fabs(S_raw(e, "revenue") - 36000.0) < 1e-6);
	assert_true(fabs(S_raw(e, "active-months") - 1.0) < 1e-12);
	assert_true(fabs(S_raw(e, "arpu") - 3000.0) < 1e-6);
	e = S_find(&ev, "O");
	assert_int_equal(e->years, 4);
	assert_true(fabs(S_raw(e, "revenue") - 24000.0) < 1e-6);
	assert_true(fabs(S_raw(e, "cagr")) < 1e-12);
	assert_true(fabs(S_raw(e, "trend")) < 1e-12);
	assert_true(fabs(S_raw(e, "gross-profit") - 4800.0) < 1e-6);
	assert_true(fabs(S_raw(e, "margin") - 0.2) < 1e-9);
	e = S_find(&ev, "G");
	tm = S_raw(e, "trend");
	assert_true(tm > 0);
	assert_true(S_raw(e, "yoy") > 0);
	evaluation_free(&ev);

	S_set(&cfg.granularity, "quarter");
	assert_int_equal(evaluate(&ev, &m, &cfg, S_labels(d.lang), &d), 0);
	tq = S_raw(S_find(&ev, "G"), "trend");
	/* A linear monthly series has the same relative yearly slope by
	 * quarter, up to the quarter's centring. */
	assert_true(tq > 0);
	assert_true(fabs(tq - tm) / tm < 0.05);
	assert_true(fabs(S_raw(S_find(&ev, "O"), "trend")) < 1e-12);
	evaluation_free(&ev);
	model_free(&m);
	config_free(&cfg);
	diag_free(&d);
}

/* ---- edge cases ---------------------------------------------------------- */

static void
test_edge_zero_and_one_customer(void **state)
{
	static const char *const how[] = { "manual", "entropy", "critic",
		"combined" };
	int64_t rev[48];
	size_t k;
	int i;

	(void)state;
	for (i = 0; i < 48; i++)
		rev[i] = 50000;
	for (k = 0; k < 8; k++) {
		struct config cfg;
		struct model m;
		struct evaluation ev;
		struct diag d;
		diag_init(&d, LANG_EN);
		S_config(&cfg, S_day(2026, 10, 31));
		S_set(&cfg.weighting, how[k % 4]);
		if (k >= 4)
			S_set(&cfg.scoring, "topsis");
		model_init(&m, cfg.as_of, 4);
		assert_int_equal(evaluate(&ev, &m, &cfg, S_labels(d.lang), &d), 0);
		assert_int_equal(ev.n, 0);
		evaluation_free(&ev);
		S_customer(&m, "ONE", rev, 48, 0.2, S_day(2020, 1, 1));
		assert_int_equal(evaluate(&ev, &m, &cfg, S_labels(d.lang), &d), 0);
		assert_int_equal(ev.n, 1);
		assert_int_equal(ev.ec[0].rank, 1);
		assert_true(fabs(S_weight_sum(&ev) - 1) < 1e-9);
		S_no_nan(&ev);
		evaluation_free(&ev);
		model_free(&m);
		config_free(&cfg);
		diag_free(&d);
	}
}

static void
test_edge_identical_customers(void **state)
{
	static const char *const how[] = { "manual", "entropy", "critic" };
	int64_t rev[48];
	size_t k, i;

	(void)state;
	for (i = 0; i < 48; i++)
		rev[i] = 70000;
	for (k = 0; k < 3; k++) {
		struct config cfg;
		struct model m;
		struct evaluation ev;
		struct diag d;
		char id[8];
		diag_init(&d, LANG_EN);
		S_config(&cfg, S_day(2026, 10, 31));
		S_set(&cfg.weighting, how[k]);
		model_init(&m, cfg.as_of, 4);
		for (i = 0; i < 5; i++) {
			snprintf(id, sizeof(id), "S%zu", i);
			S_customer(&m, id, rev, 48, 0.2, S_day(2020, 1, 1));
		}
		assert_int_equal(evaluate(&ev, &m, &cfg, S_labels(d.lang), &d), 0);
		S_no_nan(&ev);
		/* Same score for all; ranks by the stated tie rule (id). */
		for (i = 0; i < 5; i++) {
			assert_true(fabs(ev.ec[i].score - ev.ec[0].score) < 1e-9);
			assert_int_equal(ev.ec[i].rank, i + 1);
		}
		if (k > 0)
			assert_true(S_diag_has(&d, "manual weights are used"));
		assert_true(fabs(S_weight_sum(&ev) - 1) < 1e-9);
		evaluation_free(&ev);
		model_free(&m);
		config_free(&cfg);
		diag_free(&d);
	}
}

static void
test_edge_before_window_and_returns_only(void **state)
{
	struct config cfg;
	struct model m;
	struct evaluation ev;
	struct diag d;
	struct customer *c;
	int64_t rev[48], ret[48] = { 0 };
	const struct eval_customer *e;
	int created, i;

	(void)state;
	for (i = 0; i < 48; i++)
		rev[i] = 80000 + 1000 * (i % 5);
	ret[40] = -20000;
	diag_init(&d, LANG_EN);
	S_config(&cfg, S_day(2026, 10, 31));
	S_set(&cfg.weighting, "entropy");
	model_init(&m, cfg.as_of, 4);
	S_customer(&m, "A", rev, 48, 0.2, S_day(2015, 1, 1));
	S_customer(&m, "B", rev, 30, 0.1, S_day(2016, 1, 1));
	S_customer(&m, "R", ret, 48, 0.2, S_day(2018, 1, 1));
	/* Sold only before the window: no month aggregates at all. */
	c = model_get(&m, "P", &created);
	c->since = S_day(2012, 3, 1);
	c->first_sale = S_day(2012, 3, 5);
	c->last_sale = S_day(2021, 6, 30);
	c->sales_before_window = 500000;
	/* In the master only, set up after the evaluation date. */
	c = model_get(&m, "F", &created);
	c->since = S_day(2027, 1, 1);
	assert_int_equal(evaluate(&ev, &m, &cfg, S_labels(d.lang), &d), 0);
	S_no_nan(&ev);

	e = S_find(&ev, "P");
	assert_int_equal(e->years, 4);
	assert_true(S_raw(e, "revenue") == 0);	/* a measured zero */
	assert_true(S_raw(e, "orders") == 0);
	assert_true(isnan(S_raw(e, "margin")));
	assert_true(isnan(S_raw(e, "avg-order")));
	assert_true(S_raw(e, "recency") > 60);
	assert_string_equal(e->lifecycle, "sleeping");
	assert_string_equal(e->value_group, "latent");

	e = S_find(&ev, "R");
	assert_true(S_raw(e, "returns") == 1.0);
	assert_true(S_raw(e, "revenue") < 0);
	assert_true(isnan(S_raw(e, "avg-order")));
	assert_true(isnan(S_raw(e, "recency")));
	assert_string_equal(e->value_group, "latent");

	e = S_find(&ev, "F");
	assert_int_equal(e->years, 0);
	assert_true(isnan(S_raw(e, "revenue")));
	assert_true(e->score == 0);

	e = S_find(&ev, "B");	/* stopped after 30 months */
	assert_string_equal(e->lifecycle, "sleeping");
	assert_true(e->flags & (1u << FLAG_SHARP_DECLINE));
	evaluation_free(&ev);
	model_free(&m);
	config_free(&cfg);
	diag_free(&d);
}

/* ---- the sample company --------------------------------------------------- */

static struct model S_sm;
static struct config S_scfg;
static struct evaluation S_sev;

static int
S_sample_setup(void **state)
{
	static const char *const files[IN__COUNT] = { "samples/sales.csv",
		"samples/payments.csv", "samples/credit.csv",
		"samples/customers.csv", "samples/assessments.csv" };
	struct ingest_opts io;
	struct diag d;
	int k;

	(void)state;
	diag_init(&d, LANG_EN);
	S_config(&S_scfg, S_day(2026, 10, 31));
	for (k = 0; k < IN__COUNT; k++)
		config_set_input(&S_scfg, (enum input_kind)k, files[k]);
	model_init(&S_sm, S_scfg.as_of, S_scfg.cycle_years);
	memset(&io, 0, sizeof(io));
	io.cfg = &S_scfg;
	io.max_messages = 10;
	if (ingest_all(&S_sm, &io, &d) != 0 ||
	    evaluate(&S_sev, &S_sm, &S_scfg, S_labels(d.lang), &d) != 0) {
		diag_free(&d);
		return -1;
	}
	diag_free(&d);
	return 0;
}

static int
S_sample_teardown(void **state)
{
	(void)state;
	evaluation_free(&S_sev);
	model_free(&S_sm);
	config_free(&S_scfg);
	return 0;
}

static int
S_flag(const char *id, enum flag f)
{
	return (S_find(&S_sev, id)->flags & (1u << f)) != 0;
}

/* The radix orders (customer ids ascending) give what the comparison
 * sort gives, on every order and on a shuffled part of the customers. */
static void
test_sample_order_radix(void **state)
{
	static const enum ev_order by[] = { EV_BY_SCORE, EV_BY_REVENUE,
		EV_BY_GROSS_PROFIT, EV_BY_PARETO };
	struct evaluation cmp = S_sev;
	size_t n = S_sev.n, i, b, part;
	size_t *x = malloc(n * sizeof(*x)), *y = malloc(n * sizeof(*y));

	(void)state;
	assert_true(S_sev.ids_sorted);
	cmp.ids_sorted = 0;	/* the comparison sort */
	for (b = 0; b < sizeof(by) / sizeof(by[0]); b++) {
		for (i = 0; i < n; i++)
			x[i] = y[i] = n - 1 - i;
		evaluation_order(&S_sev, x, n, by[b]);
		evaluation_order(&cmp, y, n, by[b]);
		assert_memory_equal(x, y, n * sizeof(*x));
		if (by[b] == EV_BY_SCORE)
			assert_memory_equal(x, S_sev.by_rank, n * sizeof(*x));
		/* every third customer, in a scrambled order */
		for (i = 0, part = 0; i < n; i += 3)
			x[part++] = (i * 7919) % n;
		memcpy(y, x, part * sizeof(*x));
		evaluation_order(&S_sev, x, part, by[b]);
		evaluation_order(&cmp, y, part, by[b]);
		assert_memory_equal(x, y, part * sizeof(*x));
	}
	free(x);
	free(y);
}

static void
test_sample_planted(void **state)
{
	static const char *const loyal[] = { "C0004", "C0005", "C0006",
		"C0007", "C0008" };
	const struct eval_customer *e;
	size_t i;

	(void)state;
	assert_int_equal(S_sev.n, 200);
	S_no_nan(&S_sev);
	assert_true(fabs(S_weight_sum(&S_sev) - 1) < 1e-9);
	for (i = 0; i < S_sev.n_ind; i++)
		if (S_sev.ind[i].weight_cfg > 0)
			assert_false(S_sev.ind[i].excluded);

	assert_true(S_flag("C0001", FLAG_FAKE_BIG));
	assert_true(S_raw(S_find(&S_sev, "C0001"), "margin") < 0.05);
	assert_string_equal(S_find(&S_sev, "C0002")->lifecycle, "sleeping");
	assert_string_equal(S_find(&S_sev, "C0003")->lifecycle,
	    "fast-growing");
	for (i = 0; i < 5; i++) {
		e = S_find(&S_sev, loyal[i]);
		assert_string_equal(e->lifecycle, "loyal");
		assert_string_equal(e->quadrant, "small-loyal");
		assert_int_equal(e->flags, 0);
	}
	e = S_find(&S_sev, "C0009");
	assert_true(S_flag("C0009", FLAG_LARGE_DISLOYAL_VIOL));
	assert_string_equal(e->quadrant, "large-disloyal");
	assert_true(S_flag("C0010", FLAG_LATE_PAYER));
	assert_true(S_flag("C0011", FLAG_LATE_PAYER));
	assert_true(S_flag("C0010", FLAG_OVERDUE));
	assert_true(S_flag("C0011", FLAG_OVERDUE));
	assert_true(S_flag("C0012", FLAG_OVER_LIMIT));
	assert_int_equal(S_sev.flag_count[FLAG_OVER_LIMIT], 1);
	assert_true(S_flag("C0013", FLAG_SHARP_DECLINE));
	e = S_find(&S_sev, "C0014");
	assert_true(e->years < S_sm.cycle_years);
	assert_int_equal(e->years, 2);
	/* Set up on 2025-08-31: August counts, so 15 calendar months. */
	assert_int_equal(e->months, 15);
	/* 34 customers were set up inside the window; existence counts by
	 * calendar month, so the 4 set up in its first month (2022-11)
	 * have the whole cycle. */
	assert_int_equal(S_sev.n_younger, 30);
	/* The planted ones that pay on time are not late payers. */
	assert_false(S_flag("C0003", FLAG_LATE_PAYER));
	assert_false(S_flag("C0003", FLAG_FAKE_BIG));
	assert_false(S_flag("C0012", FLAG_FAKE_BIG));
	/* Tiers 20/30/30/20 of 200. */
	assert_int_equal(S_sev.tiers[0].count, 40);
	assert_int_equal(S_sev.tiers[1].count, 60);
	assert_int_equal(S_sev.tiers[2].count, 60);
	assert_int_equal(S_sev.tiers[3].count, 40);
	/* Explanations exist for the best and the worst customer. */
	assert_true(S_sev.ec[S_sev.by_rank[0]].up[0] >= 0);
	assert_true(S_sev.ec[S_sev.by_rank[S_sev.n - 1]].down[0] >= 0);
}

static void
test_sample_fast_growing_is_rare(void **state)
{
	(void)state;
	/* Growth outside the planted customers is -15..+20 % a year: a
	 * noisy year must not make a customer fast-growing. */
	assert_true(S_sev.lifecycle_count[1] >= 1);
	assert_true(S_sev.lifecycle_count[1] <= 20);
	assert_true(S_sev.lifecycle_count[2] >= 7);	/* C0002 + six */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_weights_sum_to_one),
		cmocka_unit_test(test_rank_independent_of_order),
		cmocka_unit_test(test_tier_shares),
		cmocka_unit_test(test_cutoff_and_pareto_tiers),
		cmocka_unit_test(test_no_data_excluded_not_zeroed),
		cmocka_unit_test(test_normalisations_and_topsis),
		cmocka_unit_test(test_unknown_method_rejected),
#ifdef CFG_MAX_BANDS
		cmocka_unit_test(test_band_scoring),
#endif
		cmocka_unit_test(test_ahp_weights),
		cmocka_unit_test(test_ahp_inconsistent_stops),
		cmocka_unit_test(test_excluded_cause),
		cmocka_unit_test(test_method_messages),
		cmocka_unit_test(test_young_customer_and_granularity),
		cmocka_unit_test(test_edge_zero_and_one_customer),
		cmocka_unit_test(test_edge_identical_customers),
		cmocka_unit_test(test_edge_before_window_and_returns_only),
	};
	const struct CMUnitTest sample[] = {
		cmocka_unit_test(test_sample_planted),
		cmocka_unit_test(test_sample_order_radix),
		cmocka_unit_test(test_sample_fast_growing_is_rare),
	};
	int rc;

	rc = cmocka_run_group_tests_name("evaluate", tests, NULL, NULL);
	rc += cmocka_run_group_tests_name("sample company", sample,
	    S_sample_setup, S_sample_teardown);
	return rc;
}
