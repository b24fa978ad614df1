/* indicators.c: raw indicator values per customer from the model's monthly aggregates. */
#include <math.h>
#include <string.h>

#include "evaluate.h"
#include "util.h"

/* The indicators, in report order.  Keys are documented in README.md. */
static const struct ind_info S_defs[] = {
	{ "revenue", 1, "money", IG_ECONOMIC, "sales", 0, 0, 0, 0, 0, 0, 0, NULL, 0, 0, 0 },
	{ "gross-profit", 1, "money", IG_ECONOMIC, "cost", 0, 0, 0, 0, 0, 0, 0, NULL, 0, 0, 0 },
	{ "margin", 1, "ratio", IG_ECONOMIC, "cost", 0, 0, 0, 0, 0, 0, 0, NULL, 0, 0, 0 },
	{ "orders", 1, "count", IG_ECONOMIC, "sales", 0, 0, 0, 0, 0, 0, 0, NULL, 0, 0, 0 },
	{ "active-months", 1, "ratio", IG_ECONOMIC, "sales", 0, 0, 0, 0, 0, 0, 0, NULL, 0, 0, 0 },
	{ "avg-order", 1, "money", IG_ECONOMIC, "sales", 0, 0, 0, 0, 0, 0, 0, NULL, 0, 0, 0 },
	{ "arpu", 1, "money", IG_ECONOMIC, "sales", 0, 0, 0, 0, 0, 0, 0, NULL, 0, 0, 0 },
	{ "cagr", 1, "ratio", IG_GROWTH, "sales", 0, 0, 0, 0, 0, 0, 0, NULL, 0, 0, 0 },
	{ "yoy", 1, "ratio", IG_GROWTH, "sales", 0, 0, 0, 0, 0, 0, 0, NULL, 0, 0, 0 },
	{ "trend", 1, "ratio", IG_GROWTH, "sales", 0, 0, 0, 0, 0, 0, 0, NULL, 0, 0, 0 },
	{ "recency", -1, "months", IG_RECENCY, "sales", 0, 0, 0, 0, 0, 0, 0, NULL, 0, 0, 0 },
	{ "tenure", 1, "years", IG_RECENCY, "sales", 0, 0, 0, 0, 0, 0, 0, NULL, 0, 0, 0 },
	{ "days-to-pay", -1, "days", IG_PAYMENT, "payments", 0, 0, 0, 0, 0, 0, 0, NULL, 0, 0, 0 },
	{ "on-time", 1, "ratio", IG_PAYMENT, "payments", 0, 0, 0, 0, 0, 0, 0, NULL, 0, 0, 0 },
	{ "overdue-ratio", -1, "ratio", IG_PAYMENT, "credit", 0, 0, 0, 0, 0, 0, 0, NULL, 0, 0, 0 },
	{ "credit-use", -1, "ratio", IG_PAYMENT, "credit", 0, 0, 0, 0, 0, 0, 0, NULL, 0, 0, 0 },
	{ "max-overdue", -1, "days", IG_PAYMENT, "credit", 0, 0, 0, 0, 0, 0, 0, NULL, 0, 0, 0 },
	{ "returns", -1, "ratio", IG_QUALITY, "sales", 0, 0, 0, 0, 0, 0, 0, NULL, 0, 0, 0 },
	{ "capability", 1, "score", IG_QUALITATIVE, "assessments", 0, 0, 0, 0, 0, 0, 0, NULL, 0, 0, 0 },
	{ "non-economic", 1, "score", IG_QUALITATIVE, "assessments", 0, 0, 0, 0, 0, 0, 0, NULL, 0, 0, 0 },
	{ "violations", -1, "count", IG_QUALITATIVE, "assessments", 0, 0, 0, 0, 0, 0, 0, NULL, 0, 0, 0 },
	{ "loyalty", 1, "ratio", IG_LOYALTY, "sales", 0, 0, 0, 0, 0, 0, 0, NULL, 0, 0, 0 },
	{ "development", 1, "score", IG_QUALITATIVE, "assessments", 0, 0, 0, 0, 0, 0, 0, NULL, 0, 0, 0 },
	{ "sales-management", 1, "score", IG_QUALITATIVE, "assessments", 0, 0, 0, 0, 0, 0, 0, NULL, 0, 0, 0 },
	{ "network", 1, "score", IG_QUALITATIVE, "assessments", 0, 0, 0, 0, 0, 0, 0, NULL, 0, 0, 0 },
	{ "promotion", 1, "score", IG_QUALITATIVE, "assessments", 0, 0, 0, 0, 0, 0, 0, NULL, 0, 0, 0 },
	{ "after-sales", 1, "score", IG_QUALITATIVE, "assessments", 0, 0, 0, 0, 0, 0, 0, NULL, 0, 0, 0 },
	{ "relationship", 1, "score", IG_QUALITATIVE, "assessments", 0, 0, 0, 0, 0, 0, 0, NULL, 0, 0, 0 },
	{ "product-traction", 1, "score", IG_QUALITATIVE, "assessments", 0, 0, 0, 0, 0, 0, 0, NULL, 0, 0, 0 },
	{ "management-improvement", 1, "score", IG_QUALITATIVE, "assessments", 0, 0, 0, 0, 0, 0, 0, NULL, 0, 0, 0 },
	{ "brand-contribution", 1, "score", IG_QUALITATIVE, "assessments", 0, 0, 0, 0, 0, 0, 0, NULL, 0, 0, 0 },
	{ "responsiveness", 1, "score", IG_QUALITATIVE, "assessments", 0, 0, 0, 0, 0, 0, 0, NULL, 0, 0, 0 },
	{ "quality", 1, "score", IG_QUALITATIVE, "assessments", 0, 0, 0, 0, 0, 0, 0, NULL, 0, 0, 0 },
	{ "safety", 1, "score", IG_QUALITATIVE, "assessments", 0, 0, 0, 0, 0, 0, 0, NULL, 0, 0, 0 },
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
 * A month with net returns (negative revenue) credits the newest open
 * invoices.  Amounts still open at the evaluation date and already past
 * their due date count as paid on that date (a lower bound of their delay)
 * and not on time; open amounts not yet due are left out (their outcome is
 * not known yet).
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
	for (i = 0; (c->months != NULL || c->pay != NULL) && i < m->n_months;
	    i++) {
		static const struct month_pay none;
		const struct month_pay *mp = c->pay != NULL ? &c->pay[i] : &none;
		int64_t revenue = c->months != NULL ? c->months[i].revenue : 0;
		int y = (m->first_month + i) / 12, mo = (m->first_month + i) % 12 + 1;
		double base = (double)cv_days_from_civil(y, mo, 1) - 1;
		if (revenue > 0) {
			inv_left[n] = revenue;
			inv_date[n++] = base + (mp->inv_day > 0 ? mp->inv_day : 15);
		} else if (revenue < 0) {
			int64_t credit = -revenue;
			while (credit > 0 && n > head) {
				int64_t take = credit < inv_left[n - 1] ? credit :
				    inv_left[n - 1];
				inv_left[n - 1] -= take;
				credit -= take;
				if (inv_left[n - 1] == 0)
					n--;
			}
		}
		if (mp->paid > 0) {
			int64_t pay = mp->paid;
			double pday = base + (mp->pay_day > 0 ? mp->pay_day : 15);
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
	for (i = head; i < n; i++) {
		double d = (double)m->as_of - inv_date[i];
		*open += inv_left[i];
		if (inv_left[i] > 0 && d > terms) {
			w_days += (double)inv_left[i] * d;
			w_late += (double)inv_left[i] * (d - terms);
			w_total += (double)inv_left[i];
		}
	}
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

/*
 * Revenue trend: least-squares slope of revenue per period (month, or
 * quarter when granularity is "quarter"), per year, relative to the mean
 * period.  Periods start at the customer's first month in the window;
 * quarters are counted back from the evaluation date and a leading
 * incomplete quarter is dropped.  Needs 6 months or 4 quarters.
 */
static double
S_trend(const struct model *m, const struct customer *c, int first,
    const struct config *cfg)
{
	int q = cfg->granularity != NULL &&
	    strcmp(cfg->granularity, "quarter") == 0;
	int len = q ? 3 : 1, per_year = q ? 4 : 12, min_pts = q ? 4 : 6;
	int k = (m->n_months - first) / len, start = m->n_months - k * len;
	int i, j;
	double sx = 0, sy = 0, sxx = 0, sxy = 0, slope, den;

	if (k < min_pts || c->months == NULL)
		return NAN;
	for (i = 0; i < k; i++) {
		double x = i, yv = 0;
		for (j = 0; j < len; j++)
			yv += (double)c->months[start + i * len + j].revenue;
		sx += x;
		sy += yv;
		sxx += x * x;
		sxy += x * yv;
	}
	den = (double)k * sxx - sx * sx;
	if (!(sy / k > 0) || den <= 0)
		return NAN;
	slope = ((double)k * sxy - sx * sy) / den;
	return slope * per_year / (sy / k);
}

static void
S_customer(struct eval_customer *e, const struct model *m,
    const struct config *cfg, const int *have)
{
	const struct customer *c = e->c;
	int first = S_first_slot(m, c), y, i, active = 0, months;
	int yg = -1;		/* first cycle year counted for growth */
	double wsum = 0, wrev = 0, wgp = 0, gp_w = 0, cover[CV_MAX_YEARS];
	int64_t gross = 0, returns = 0, cost_rev = 0, cost = 0, orders = 0;
	int64_t rev = 0;

	e->days_late = NAN;
	months = m->n_months - first;
	if (months < 0)
		months = 0;
	e->months = months;
	e->years = months > 0 ? m->cycle_years - first / 12 : 0;
	for (y = 0; y < m->cycle_years; y++) {
		int from = first > y * 12 ? first : y * 12;
		int mm = (y + 1) * 12 - from;
		cover[y] = mm <= 0 ? 0 : mm >= 12 ? 1 : mm / 12.0;
		e->rev_year[y] = c->year[y].revenue;
		rev += c->year[y].revenue;
		gross += c->year[y].gross;
		returns += c->year[y].returns;
		cost_rev += c->year[y].cost_revenue;
		cost += c->year[y].cost;
		if (cover[y] <= 0)
			continue;
		if (yg < 0 && cover[y] >= 0.5)
			yg = y;
		/* Cycle-weighted annual revenue: partial years are annualised
		 * and weigh by the share of the year the customer existed. */
		wsum += cfg->year_weights[y] * cover[y];
		wrev += cfg->year_weights[y] * (double)c->year[y].revenue;
		/* Gross profit of a year: revenue x margin of the lines that
		 * carry a cost; a year without sales has 0. */
		if (c->year[y].cost_revenue != 0) {
			gp_w += cfg->year_weights[y] * cover[y];
			wgp += cfg->year_weights[y] *
			    (double)(c->year[y].cost_revenue - c->year[y].cost) *
			    ((double)c->year[y].revenue /
			    (double)c->year[y].cost_revenue);
		} else if (c->year[y].revenue == 0 && c->year[y].gross == 0)
			gp_w += cfg->year_weights[y] * cover[y];
	}
	e->rev_cycle = rev;
	e->gp_cycle = cost_rev - cost;

	/* Recency and tenure need only the dates. */
	if (c->last_sale != CV_DATE_NONE && c->last_sale <= m->as_of)
		e->raw[I_RECENCY] = (double)(m->as_of - c->last_sale) / 30.4375;
	{
		int32_t start = c->since != CV_DATE_NONE ? c->since : c->first_sale;
		if (c->first_sale != CV_DATE_NONE && c->first_sale < start)
			start = c->first_sale;
		if (start != CV_DATE_NONE && start <= m->as_of)
			e->raw[I_TENURE] = (double)(m->as_of - start) / 365.25;
	}
	if (months > 0) {
		/* The customer existed in the window: no sales is a measured
		 * zero for the volume indicators, not missing data. */
		for (i = first; c->months != NULL && i < m->n_months; i++) {
			orders += c->months[i].orders;
			if (c->months[i].orders > 0)
				active++;
		}
		/* Money indicators are in major units. */
		if (wsum > 0)
			e->raw[I_REVENUE] = wrev / wsum / 100.0;
		if (have[IN__COUNT] && gp_w > 0)
			e->raw[I_GP] = wgp / gp_w / 100.0;
		e->raw[I_ORDERS] = (double)orders / ((double)months / 12.0);
		e->raw[I_ACTIVE] = (double)active / (double)months;
		if (orders > 0)
			e->raw[I_AVG_ORDER] = (double)gross / (double)orders /
			    100.0;
		e->raw[I_ARPU] = (double)rev / (double)months / 100.0;
	}
	if (have[IN__COUNT] && cost_rev > 0)
		e->raw[I_MARGIN] = (double)(cost_rev - cost) / (double)cost_rev;
	/* Growth over the years the customer existed in for at least half
	 * of the year, on annualised revenue. */
	if (yg >= 0 && m->cycle_years - yg >= 2) {
		int ny = m->cycle_years - yg, ly = m->cycle_years - 1;
		double f = (double)c->year[yg].revenue / cover[yg];
		double l = (double)c->year[ly].revenue / cover[ly];
		double p = (double)c->year[ly - 1].revenue / cover[ly - 1];
		if (f > 0)
			e->raw[I_CAGR] = l <= 0 ? -1.0 :
			    pow(l / f, 1.0 / (double)(ny - 1)) - 1.0;
		if (p > 0)
			e->raw[I_YOY] = l / p - 1.0;
	}
	e->raw[I_TREND] = S_trend(m, c, first, cfg);
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
		if (e->raw[I_OVERDUE] > 1)
			e->raw[I_OVERDUE] = 1;
		if (c->credit.limit > 0)
			e->raw[I_CREDIT_USE] = (double)c->credit.balance /
			    (double)c->credit.limit;
		e->raw[I_MAX_OVERDUE] = c->credit.max_days_overdue;
	}
	/* Returns rate: returned / gross sales; only returns gives 1. */
	if (gross > 0)
		e->raw[I_RETURNS] = returns >= gross ? 1.0 :
		    (double)returns / (double)gross;
	else if (returns > 0)
		e->raw[I_RETURNS] = 1.0;
	e->raw[I_CAPABILITY] = S_mean_dims(c, 0, DIM_N_CAPABILITY);
	e->raw[I_NONECON] = S_mean_dims(c, DIM_N_CAPABILITY, DIM__COUNT);
	if (have[IN_ASSESSMENTS] && c->n_assessments > 0)
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
		if (!isnan(e->raw[I_ACTIVE])) {
			s += e->raw[I_ACTIVE];
			k++;
		}
		if (!isnan(e->raw[I_VIOLATIONS])) {
			double v = e->raw[I_VIOLATIONS] / 5.0;
			s += 1.0 - (v > 1 ? 1 : v);
			k++;
		}
		if (!isnan(c->dim[DIM_RELATIONSHIP])) {
			s += (c->dim[DIM_RELATIONSHIP] - 1.0) / 4.0;
			k++;
		}
		if (k > 0)
			e->raw[I_LOYALTY] = s / k;
	}
}

int
indicators_have_cost(const struct model *m)
{
	size_t i;
	int y;

	/* cost data: any sales line in the window had a cost */
	for (i = 0; i < m->n_cust; i++)
		for (y = 0; y < m->cycle_years; y++)
			if (m->cust[i]->year[y].cost_revenue != 0)
				return 1;
	return 0;
}

void
indicators_range(struct evaluation *ev, const struct model *m,
    const struct config *cfg, int have_cost, size_t from, size_t to)
{
	int have[IN__COUNT + 1];
	size_t i;

	for (i = 0; i < IN__COUNT; i++)
		have[i] = cfg->in[i].n_paths > 0;
	have[IN__COUNT] = have_cost;
	for (i = from; i < to && i < ev->n; i++)
		S_customer(&ev->ec[i], m, cfg, have);
}

void
indicators_compute(struct evaluation *ev, const struct model *m,
    const struct config *cfg)
{
	indicators_range(ev, m, cfg, indicators_have_cost(m), 0, ev->n);
}
