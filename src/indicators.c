/* indicators.c: raw indicator values per customer from the model's monthly aggregates. */
#include <math.h>
#include <string.h>

#include "evaluate.h"
#include "util.h"

/* The indicators, in report order.  Keys are documented in README.md. */
static const struct ind_info S_defs[] = {
	{ "revenue", 1, "money", IG_ECONOMIC, "sales", 0, 0, 0, 0, 0, 0, 0 },
	{ "gross-profit", 1, "money", IG_ECONOMIC, "cost", 0, 0, 0, 0, 0, 0, 0 },
	{ "margin", 1, "ratio", IG_ECONOMIC, "cost", 0, 0, 0, 0, 0, 0, 0 },
	{ "orders", 1, "count", IG_ECONOMIC, "sales", 0, 0, 0, 0, 0, 0, 0 },
	{ "active-months", 1, "ratio", IG_ECONOMIC, "sales", 0, 0, 0, 0, 0, 0, 0 },
	{ "avg-order", 1, "money", IG_ECONOMIC, "sales", 0, 0, 0, 0, 0, 0, 0 },
	{ "arpu", 1, "money", IG_ECONOMIC, "sales", 0, 0, 0, 0, 0, 0, 0 },
	{ "cagr", 1, "ratio", IG_GROWTH, "sales", 0, 0, 0, 0, 0, 0, 0 },
	{ "yoy", 1, "ratio", IG_GROWTH, "sales", 0, 0, 0, 0, 0, 0, 0 },
	{ "trend", 1, "ratio", IG_GROWTH, "sales", 0, 0, 0, 0, 0, 0, 0 },
	{ "recency", -1, "months", IG_RECENCY, "sales", 0, 0, 0, 0, 0, 0, 0 },
	{ "tenure", 1, "years", IG_RECENCY, "sales", 0, 0, 0, 0, 0, 0, 0 },
	{ "days-to-pay", -1, "days", IG_PAYMENT, "payments", 0, 0, 0, 0, 0, 0, 0 },
	{ "on-time", 1, "ratio", IG_PAYMENT, "payments", 0, 0, 0, 0, 0, 0, 0 },
	{ "overdue-ratio", -1, "ratio", IG_PAYMENT, "credit", 0, 0, 0, 0, 0, 0, 0 },
	{ "credit-use", -1, "ratio", IG_PAYMENT, "credit", 0, 0, 0, 0, 0, 0, 0 },
	{ "max-overdue", -1, "days", IG_PAYMENT, "credit", 0, 0, 0, 0, 0, 0, 0 },
	{ "returns", -1, "ratio", IG_QUALITY, "sales", 0, 0, 0, 0, 0, 0, 0 },
	{ "capability", 1, "score", IG_QUALITATIVE, "assessments", 0, 0, 0, 0, 0, 0, 0 },
	{ "non-economic", 1, "score", IG_QUALITATIVE, "assessments", 0, 0, 0, 0, 0, 0, 0 },
	{ "violations", -1, "count", IG_QUALITATIVE, "assessments", 0, 0, 0, 0, 0, 0, 0 },
	{ "loyalty", 1, "ratio", IG_LOYALTY, "sales", 0, 0, 0, 0, 0, 0, 0 },
	{ "development", 1, "score", IG_QUALITATIVE, "assessments", 0, 0, 0, 0, 0, 0, 0 },
	{ "sales-management", 1, "score", IG_QUALITATIVE, "assessments", 0, 0, 0, 0, 0, 0, 0 },
	{ "network", 1, "score", IG_QUALITATIVE, "assessments", 0, 0, 0, 0, 0, 0, 0 },
	{ "promotion", 1, "score", IG_QUALITATIVE, "assessments", 0, 0, 0, 0, 0, 0, 0 },
	{ "after-sales", 1, "score", IG_QUALITATIVE, "assessments", 0, 0, 0, 0, 0, 0, 0 },
	{ "relationship", 1, "score", IG_QUALITATIVE, "assessments", 0, 0, 0, 0, 0, 0, 0 },
	{ "product-traction", 1, "score", IG_QUALITATIVE, "assessments", 0, 0, 0, 0, 0, 0, 0 },
	{ "management-improvement", 1, "score", IG_QUALITATIVE, "assessments", 0, 0, 0, 0, 0, 0, 0 },
	{ "brand-contribution", 1, "score", IG_QUALITATIVE, "assessments", 0, 0, 0, 0, 0, 0, 0 },
	{ "responsiveness", 1, "score", IG_QUALITATIVE, "assessments", 0, 0, 0, 0, 0, 0, 0 },
	{ "quality", 1, "score", IG_QUALITATIVE, "assessments", 0, 0, 0, 0, 0, 0, 0 },
	{ "safety", 1, "score", IG_QUALITATIVE, "assessments", 0, 0, 0, 0, 0, 0, 0 },
};

enum { I_REVENUE, I_GP, I_MARGIN, I_ORDERS, I_ACTIVE, I_AVG_ORDER, I_ARPU,
	I_CAGR, I_YOY, I_TREND, I_RECENCY, I_TENURE, I_DTP, I_ONTIME,
	I_OVERDUE, I_CREDIT_USE, I_MAX_OVERDUE, I_RETURNS, I_CAPABILITY,
	I_NONECON, I_VIOLATIONS, I_LOYALTY, I_DIM0 };

const struct ind_info *
indicator_defs(size_t *n)
{
	*n = sizeof(S_defs) / sizeof(S_defs[0]);
	return S_defs;
}

int
indicator_index(const char *key)
{
	size_t i;

	for (i = 0; i < sizeof(S_defs) / sizeof(S_defs[0]); i++)
		if (strcmp(S_defs[i].key, key) == 0)
			return (int)i;
	return -1;
}

/* First month slot the customer existed in (since or first sale). */
static int
S_first_slot(const struct model *m, const struct customer *c)
{
	int32_t start = c->first_sale;
	int slot;

	if (c->since != CV_DATE_NONE &&
	    (start == CV_DATE_NONE || c->since < start))
		start = c->since;
	if (start == CV_DATE_NONE || start < m->window_start)
		return 0;
	if (start > m->as_of)
		return m->n_months;
	slot = cv_month_index(start) - m->first_month;
	return slot < 0 ? 0 : slot;
}

/*
 * Payment behaviour: allocate payments to the oldest open invoices first
 * (FIFO), at month granularity: the invoices of a month are taken as one
 * amount dated on their amount-weighted mean day.  Money that was open at
 * the start of the window (sales minus payments before it) is the oldest.
 */
static void
S_payments(const struct model *m, const struct customer *c, int terms,
    double *days_to_pay, double *on_time, double *days_late, int64_t *open)
{
	int64_t inv_left[12 * CV_MAX_YEARS + 1];
	double inv_date[12 * CV_MAX_YEARS + 1];
	int head = 0, n = 0, i;
	double w_days = 0, w_late = 0, w_total = 0, w_ontime = 0;
	int64_t opening = c->sales_before_window - c->paid_before_window;

	if (opening > 0) {
		inv_left[n] = opening;
		inv_date[n++] = (double)m->window_start - 1;
	}
	for (i = 0; i < m->n_months; i++) {
		const struct month_agg *ma = &c->months[i];
		int y = (m->first_month + i) / 12, mo = (m->first_month + i) % 12 + 1;
		double base = (double)cv_days_from_civil(y, mo, 1) - 1;
		if (ma->revenue > 0) {
			inv_left[n] = ma->revenue;
			inv_date[n++] = base + (ma->inv_day > 0 ? ma->inv_day : 15);
		}
		if (ma->paid > 0) {
			int64_t pay = ma->paid;
			double pday = base + (ma->pay_day > 0 ? ma->pay_day : 15);
			while (pay > 0 && head < n) {
				int64_t take = pay < inv_left[head] ? pay :
				    inv_left[head];
				double d = pday - inv_date[head], late;
				if (d < 0)
					d = 0;
				late = d - terms;
				w_days += (double)take * d;
				w_late += (double)take * (late > 0 ? late : 0);
				if (late <= 0)
					w_ontime += (double)take;
				w_total += (double)take;
				pay -= take;
				inv_left[head] -= take;
				if (inv_left[head] == 0)
					head++;
			}
		}
	}
	*open = 0;
	for (i = head; i < n; i++)
		*open += inv_left[i];
	if (w_total <= 0) {
		*days_to_pay = *on_time = *days_late = NAN;
		return;
	}
	*days_to_pay = w_days / w_total;
	*on_time = w_ontime / w_total;
	*days_late = w_late / w_total;
}

static double
S_mean_dims(const struct customer *c, int from, int to)
{
	double s = 0;
	int i, n = 0;

	for (i = from; i < to; i++)
		if (!isnan(c->dim[i])) {
			s += c->dim[i];
			n++;
		}
	return n ? s / n : NAN;
}

static void
S_customer(struct evaluation *ev, struct eval_customer *e,
    const struct model *m, const struct config *cfg, const int *have)
{
	const struct customer *c = e->c;
	int first = S_first_slot(m, c), ny, y, i, active = 0, months;
	int y0;
	double wsum = 0, wrev = 0, wgp = 0, gp_w = 0;
	int64_t gross = 0, returns = 0, cost_rev = 0, cost = 0, orders = 0;
	int64_t rev = 0;

	(void)ev;
	for (i = 0; i < IND_MAX; i++)
		e->raw[i] = NAN;
	e->days_late = NAN;
	if (c->months == NULL)
		return;		/* no activity in the window */
	y0 = first / 12;
	ny = m->cycle_years - y0;
	e->years = ny;
	for (y = 0; y < m->cycle_years; y++) {
		e->rev_year[y] = c->year_revenue[y];
		rev += c->year_revenue[y];
		gross += c->year_gross[y];
		returns += c->year_returns[y];
		cost_rev += c->year_cost_revenue[y];
		cost += c->year_cost[y];
		if (y < y0)
			continue;
		wsum += cfg->year_weights[y];
		wrev += cfg->year_weights[y] * (double)c->year_revenue[y];
		if (c->year_cost_revenue[y] != 0) {
			gp_w += cfg->year_weights[y];
			wgp += cfg->year_weights[y] *
			    (double)(c->year_cost_revenue[y] - c->year_cost[y]);
		}
	}
	e->rev_cycle = rev;
	e->gp_cycle = cost_rev - cost;
	months = m->n_months - first;
	if (months < 1)
		months = 1;
	for (i = first; i < m->n_months; i++) {
		orders += c->months[i].orders;
		if (c->months[i].orders > 0)
			active++;
	}
	/* Money indicators are in major units. */
	if (wsum > 0)
		e->raw[I_REVENUE] = wrev / wsum / 100.0;
	if (have[IN__COUNT] && gp_w > 0) {
		/* weighted over the years that had cost data */
		e->raw[I_GP] = wgp / gp_w / 100.0;
		if (cost_rev > 0)
			e->raw[I_MARGIN] = (double)(cost_rev - cost) /
			    (double)cost_rev;
	}
	e->raw[I_ORDERS] = (double)orders / ((double)months / 12.0);
	e->raw[I_ACTIVE] = (double)active / (double)months;
	if (orders > 0)
		e->raw[I_AVG_ORDER] = (double)gross / (double)orders / 100.0;
	e->raw[I_ARPU] = (double)rev / (double)months / 100.0;
	if (ny >= 2) {
		double f = (double)c->year_revenue[y0];
		double l = (double)c->year_revenue[m->cycle_years - 1];
		double p = (double)c->year_revenue[m->cycle_years - 2];
		if (f > 0)
			e->raw[I_CAGR] = l <= 0 ? -1.0 :
			    pow(l / f, 1.0 / (double)(ny - 1)) - 1.0;
		if (p > 0)
			e->raw[I_YOY] = l / p - 1.0;
	}
	if (months >= 6) {
		/* least-squares slope of monthly revenue, per year, relative
		 * to the mean month */
		double sx = 0, sy = 0, sxx = 0, sxy = 0, k = months;
		for (i = first; i < m->n_months; i++) {
			double x = i - first, yv = (double)c->months[i].revenue;
			sx += x; sy += yv; sxx += x * x; sxy += x * yv;
		}
		if (sy / k > 0) {
			double slope = (k * sxy - sx * sy) / (k * sxx - sx * sx);
			e->raw[I_TREND] = slope * 12.0 / (sy / k);
		}
	}
	if (c->last_sale != CV_DATE_NONE)
		e->raw[I_RECENCY] = (double)(m->as_of - c->last_sale) / 30.4375;
	{
		int32_t start = c->since != CV_DATE_NONE ? c->since : c->first_sale;
		if (c->first_sale != CV_DATE_NONE && c->first_sale < start)
			start = c->first_sale;
		if (start != CV_DATE_NONE && start <= m->as_of)
			e->raw[I_TENURE] = (double)(m->as_of - start) / 365.25;
	}
	if (have[IN_PAYMENTS]) {
		double dtp, ot, late;
		S_payments(m, c, c->terms_days >= 0 ? c->terms_days :
		    cfg->default_terms, &dtp, &ot, &late, &e->open_amount);
		e->raw[I_DTP] = dtp;
		e->raw[I_ONTIME] = ot;
		e->days_late = late;
	}
	if (c->credit.present) {
		if (c->credit.balance > 0)
			e->raw[I_OVERDUE] = (double)c->credit.overdue /
			    (double)c->credit.balance;
		else
			e->raw[I_OVERDUE] = c->credit.overdue > 0 ? 1.0 : 0.0;
		if (c->credit.limit > 0)
			e->raw[I_CREDIT_USE] = (double)c->credit.balance /
			    (double)c->credit.limit;
		e->raw[I_MAX_OVERDUE] = c->credit.max_days_overdue;
	}
	if (gross > 0)
		e->raw[I_RETURNS] = (double)returns / (double)gross;
	e->raw[I_CAPABILITY] = S_mean_dims(c, 0, DIM_N_CAPABILITY);
	e->raw[I_NONECON] = S_mean_dims(c, DIM_N_CAPABILITY, DIM__COUNT);
	if (have[IN_ASSESSMENTS])
		e->raw[I_VIOLATIONS] = c->violations[0] + c->violations[1];
	for (i = 0; i < DIM__COUNT; i++)
		e->raw[I_DIM0 + i] = isnan(c->dim[i]) ? NAN : c->dim[i];
	/* Loyalty: tenure (capped at the cycle), regularity of buying,
	 * absence of violations, relationship score; mean of what exists. */
	{
		double s = 0;
		int k = 0;
		if (!isnan(e->raw[I_TENURE])) {
			double t = e->raw[I_TENURE] / m->cycle_years;
			s += t > 1 ? 1 : t;
			k++;
		}
		s += e->raw[I_ACTIVE];
		k++;
		if (!isnan(e->raw[I_VIOLATIONS])) {
			double v = e->raw[I_VIOLATIONS] / 5.0;
			s += 1.0 - (v > 1 ? 1 : v);
			k++;
		}
		if (!isnan(c->dim[DIM_RELATIONSHIP])) {
			s += (c->dim[DIM_RELATIONSHIP] - 1.0) / 4.0;
			k++;
		}
		e->raw[I_LOYALTY] = s / k;
	}
}

void
indicators_compute(struct evaluation *ev, const struct model *m,
    const struct config *cfg)
{
	int have[IN__COUNT + 1];
	size_t i;

	for (i = 0; i < IN__COUNT; i++)
		have[i] = cfg->in[i].n_paths > 0;
	/* cost data: any sales line in the window had a cost */
	have[IN__COUNT] = 0;
	for (i = 0; i < m->n_cust && !have[IN__COUNT]; i++) {
		int y;
		for (y = 0; y < m->cycle_years; y++)
			if (m->cust[i]->year_cost_revenue[y] != 0)
				have[IN__COUNT] = 1;
	}
	for (i = 0; i < ev->n; i++)
		S_customer(ev, &ev->ec[i], m, cfg, have);
}
