/* ingest.c: streams CSV exports (any encoding) through libcsv into the model, one row at a time. */
#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <csv.h>

#include "encoding.h"
#include "ingest.h"
#include "util.h"
#include "value.h"

#define MAX_FIELD (1 << 20)	/* bytes; a longer field is rejected */
#define MAX_FIELDS 256

/* Fields of each input; the order indexes struct reader.col. */
enum { F_DATE, F_INVOICE, F_CUSTOMER, F_PRODUCT, F_QTY, F_PRICE, F_AMOUNT,
	F_COST, F_UCOST, F_REGION, F__SALES };
enum { P_DATE, P_CUSTOMER, P_AMOUNT, P_REF, P__COUNT };
enum { K_ASOF, K_CUSTOMER, K_LIMIT, K_BALANCE, K_OVERDUE, K_MAXDAYS, K_RATING,
	K__COUNT };
enum { M_CUSTOMER, M_NAME, M_TYPE, M_REGION, M_INDUSTRY, M_SINCE, M_REP,
	M_TERMS, M_TERRITORY, M__COUNT };
enum { A_PERIOD, A_CUSTOMER, A_DIMENSION, A_SCORE, A__COUNT };

struct field_def {
	const char *name;
	int required;
};

static const struct field_def S_sales[] = {
	{ "date", 1 }, { "invoice", 0 }, { "customer", 1 }, { "product", 0 },
	{ "quantity", 0 }, { "unit-price", 0 }, { "amount", 0 }, { "cost", 0 },
	{ "unit-cost", 0 }, { "region", 0 },
};
static const struct field_def S_pay[] = {
	{ "date", 1 }, { "customer", 1 }, { "amount", 1 }, { "invoice-ref", 0 },
};
static const struct field_def S_credit[] = {
	{ "as-of", 1 }, { "customer", 1 }, { "credit-limit", 0 },
	{ "balance", 0 }, { "overdue", 0 }, { "max-days-overdue", 0 },
	{ "rating", 0 },
};
static const struct field_def S_master[] = {
	{ "customer", 1 }, { "name", 0 }, { "type", 0 }, { "region", 0 },
	{ "industry", 0 }, { "since", 0 }, { "rep", 0 }, { "terms", 0 },
	{ "territory", 0 },
};
static const struct field_def S_assess[] = {
	{ "period", 1 }, { "customer", 1 }, { "dimension", 1 }, { "score", 1 },
};

static const struct {
	const struct field_def *defs;
	int n;
} S_kinds[IN__COUNT] = {
	{ S_sales, F__SALES }, { S_pay, P__COUNT }, { S_credit, K__COUNT },
	{ S_master, M__COUNT }, { S_assess, A__COUNT },
};

/* State of reading one file. */
struct reader {
	struct model *m;
	const struct ingest_opts *o;
	const struct config *cfg;
	struct diag *d;
	enum input_kind kind;
	const char *path;
	struct input_stats *st;
	const char *enc_name;

	struct buf row;			/* field bytes, NUL-separated */
	size_t off[MAX_FIELDS];		/* start of each field in row */
	size_t len[MAX_FIELDS];
	size_t nf;			/* fields in the current row */
	int too_many;			/* more than MAX_FIELDS fields */
	long line;			/* physical line being parsed */
	long row_line;			/* line where the current row began */
	int header_done;
	size_t n_header;
	int col[16];			/* field -> column index, -1 absent */
	int date_fmt[16];
	size_t n_msgs;			/* reject messages kept for this file */
	int stop;			/* strict mode tripped, or fatal */
	int fatal;
	/* master: line of each id, for duplicates (via customer src_line) */
};

static const char *
S_field(struct reader *r, int f)
{
	int c = r->col[f];

	if (c < 0 || (size_t)c >= r->nf)
		return NULL;
	return r->row.data + r->off[c];
}

static size_t
S_flen(struct reader *r, int f)
{
	int c = r->col[f];

	return c < 0 || (size_t)c >= r->nf ? 0 : r->len[c];
}

/* Is the field present and non-blank? */
static int
S_has(struct reader *r, int f)
{
	const char *s = S_field(r, f);
	size_t i, n = S_flen(r, f);

	if (s == NULL)
		return 0;
	for (i = 0; i < n; i++)
		if (!isspace((unsigned char)s[i]))
			return 1;
	return 0;
}

static void
S_write_reject(struct reader *r, long col, const char *reason)
{
	FILE *fp = r->o->rejects;
	char num[32];
	size_t i;

	if (fp == NULL)
		return;
	csv_write_field(fp, r->path, 0);
	snprintf(num, sizeof(num), "%ld", r->row_line);
	csv_write_field(fp, num, 0);
	snprintf(num, sizeof(num), "%ld", col);
	csv_write_field(fp, num, 0);
	csv_write_field(fp, reason, r->nf == 0);
	for (i = 0; i < r->nf; i++) {
		/* Original fields; a NUL byte cannot be written, so cut there. */
		csv_write_field(fp, r->row.data + r->off[i], i + 1 == r->nf);
	}
}

/*
 * Reject the current row: count it, remember the reason, write it to
 * rejects.csv, and keep the first few messages in diag.
 */
static void
S_reject(struct reader *r, int f, enum diag_id id, ...)
{
	char text[1024];
	long col = f >= 0 && r->col[f] >= 0 ? r->col[f] + 1 : 0;
	va_list ap;

	va_start(ap, id);
	diag_vtext(id, r->d->lang, text, sizeof(text), ap);
	va_end(ap);
	r->st->rows_rejected++;
	model_count_reject(r->m, input_kind_name(r->kind), (int)id, text);
	S_write_reject(r, col, text);
	if (r->cfg->strict) {
		diag_add(r->d, D_ROW_REJECTED, r->path, r->row_line, col, text);
		diag_add(r->d, D_STRICT_STOP, r->path, r->row_line, col);
		r->stop = 1;
		return;
	}
	if (r->o->max_messages == 0 || r->n_msgs < r->o->max_messages) {
		diag_add(r->d, D_ROW_REJECTED, r->path, r->row_line, col, text);
		r->n_msgs++;
	}
}

/* Reject naming a column by its index rather than a field. */
static void
S_reject_col(struct reader *r, size_t i, enum diag_id id, const char *arg)
{
	int save = r->col[0];

	r->col[0] = (int)i;
	S_reject(r, 0, id, arg);
	r->col[0] = save;
}

/* Copy a field into a NUL-terminated ASCII-safe buffer (truncated). */
static const char *
S_str(struct reader *r, int f, char *out, size_t cap)
{
	const char *s = S_field(r, f);
	size_t n = S_flen(r, f);

	if (s == NULL) {
		out[0] = '\0';
		return out;
	}
	if (n >= cap)
		n = cap - 1;
	memcpy(out, s, n);
	out[n] = '\0';
	return out;
}

static int
S_get_date(struct reader *r, int f, int32_t *day)
{
	int e;

	if (!S_has(r, f)) {
		S_reject(r, f, D_REQUIRED_EMPTY, S_kinds[r->kind].defs[f].name);
		return -1;
	}
	e = val_date(S_field(r, f), S_flen(r, f), r->date_fmt[f], day);
	if (e != 0) {
		char tmp[256];
		S_reject(r, f, val_err_diag(e), S_str(r, f, tmp, sizeof(tmp)));
		return -1;
	}
	return 0;
}

static int
S_get_money(struct reader *r, int f, int64_t *v)
{
	int e = val_money(S_field(r, f), S_flen(r, f), v);

	if (e != 0) {
		char tmp[256];
		S_reject(r, f, val_err_diag(e), S_str(r, f, tmp, sizeof(tmp)));
		return -1;
	}
	return 0;
}

static int
S_get_decimal(struct reader *r, int f, double *v)
{
	int e = val_decimal(S_field(r, f), S_flen(r, f), v);

	if (e != 0) {
		char tmp[256];
		S_reject(r, f, val_err_diag(e), S_str(r, f, tmp, sizeof(tmp)));
		return -1;
	}
	return 0;
}

static int
S_get_id(struct reader *r, int f, char *out, size_t cap)
{
	int e;

	if (!S_has(r, f)) {
		S_reject(r, f, D_REQUIRED_EMPTY, S_kinds[r->kind].defs[f].name);
		return -1;
	}
	e = val_id(S_field(r, f), S_flen(r, f), out, cap);
	if (e != 0) {
		char tmp[256];
		S_reject(r, f, val_err_diag(e), S_str(r, f, tmp, sizeof(tmp)));
		return -1;
	}
	return 0;
}

/* Trimmed text of an optional field, as a new string. */
static char *
S_text(struct reader *r, int f)
{
	char tmp[1024];

	if (!S_has(r, f))
		return cv_strdup("");
	if (val_text(S_field(r, f), S_flen(r, f), tmp, sizeof(tmp)) != 0)
		return cv_strdup("");
	return cv_strdup(tmp);
}

/* Find or create the customer a transaction row names (NULL: rejected). */
static struct customer *
S_customer(struct reader *r, int f, const char *id)
{
	struct customer *c;
	int created;

	c = model_find(r->m, id);
	if (c != NULL)
		return c;
	if (r->m->n_cust > 0 && r->cfg->in[IN_CUSTOMERS].n_paths > 0 &&
	    !r->cfg->unknown_create) {
		S_reject(r, f, D_UNKNOWN_CUSTOMER, id);
		return NULL;
	}
	c = model_get(r->m, id, &created);
	c->src_file = r->st->path;
	c->src_line = r->row_line;
	if (r->cfg->in[IN_CUSTOMERS].n_paths > 0 &&
	    (r->o->max_messages == 0 || r->n_msgs < r->o->max_messages)) {
		diag_add(r->d, D_CUSTOMER_CREATED, r->path, r->row_line,
		    (long)(r->col[f] + 1), id);
		r->n_msgs++;
	}
	return c;
}

static void
S_date_range(struct reader *r, int32_t day)
{
	if (r->st->date_min == CV_DATE_NONE || day < r->st->date_min)
		r->st->date_min = day;
	if (r->st->date_max == CV_DATE_NONE || day > r->st->date_max)
		r->st->date_max = day;
}

static void
S_row_sales(struct reader *r)
{
	char id[256], inv[256];
	struct customer *c;
	int32_t day;
	int64_t amount, cost = 0, price, ucost;
	double qty = 0;
	int have_cost = 0, slot, year, dom, y, mo;

	if (S_get_date(r, F_DATE, &day) || S_get_id(r, F_CUSTOMER, id, sizeof(id)))
		return;
	if (S_has(r, F_QTY) && S_get_decimal(r, F_QTY, &qty))
		return;
	if (S_has(r, F_AMOUNT)) {
		if (S_get_money(r, F_AMOUNT, &amount))
			return;
	} else if (S_has(r, F_QTY) && S_has(r, F_PRICE)) {
		if (S_get_money(r, F_PRICE, &price))
			return;
		amount = llround(qty * (double)price);
	} else {
		S_reject(r, r->col[F_AMOUNT] >= 0 ? F_AMOUNT : F_PRICE,
		    D_REQUIRED_EMPTY, "amount");
		return;
	}
	if (S_has(r, F_COST)) {
		if (S_get_money(r, F_COST, &cost))
			return;
		have_cost = 1;
	} else if (S_has(r, F_UCOST) && S_has(r, F_QTY)) {
		if (S_get_money(r, F_UCOST, &ucost))
			return;
		cost = llround(qty * (double)ucost);
		have_cost = 1;
	}
	if ((c = S_customer(r, F_CUSTOMER, id)) == NULL)
		return;

	r->st->rows_accepted++;
	r->st->amount_total += amount;
	r->st->cost_total += cost;
	r->m->revenue_total += amount;
	r->m->cost_total += cost;
	S_date_range(r, day);
	if (c->first_sale == CV_DATE_NONE || day < c->first_sale)
		c->first_sale = day;
	if (amount > 0 && (c->last_sale == CV_DATE_NONE || day > c->last_sale))
		if (day <= r->m->as_of)
			c->last_sale = day;

	slot = model_month_slot(r->m, day);
	if (slot < 0) {
		r->st->rows_outside++;
		if (day < r->m->window_start)
			c->sales_before_window += amount;
		return;
	}
	if (c->months == NULL)
		c->months = cv_calloc((size_t)r->m->n_months,
		    sizeof(*c->months));
	year = slot / 12;
	r->m->revenue_in_window += amount;
	c->months[slot].revenue += amount;
	c->year_revenue[year] += amount;
	if (have_cost) {
		c->year_cost[year] += cost;
		c->year_cost_revenue[year] += amount;
	}
	if (amount < 0) {
		c->year_returns[year] += -amount;
		return;
	}
	c->year_gross[year] += amount;
	cv_civil_from_days(day, &y, &mo, &dom);
	{
		struct month_agg *ma = &c->months[slot];
		float w = (float)amount;
		ma->inv_w += w;
		ma->inv_day += ((float)dom - ma->inv_day) * (w / ma->inv_w);
		/* An order is a new invoice id (lines of one invoice are
		 * consecutive in ERP exports); without ids, one per day. */
		if (S_has(r, F_INVOICE)) {
			S_str(r, F_INVOICE, inv, sizeof(inv));
		} else
			snprintf(inv, sizeof(inv), "%ld", (long)day);
		{
			uint64_t h = cv_hash(inv, strlen(inv));
			if (h != c->last_invoice) {
				ma->orders++;
				c->last_invoice = h;
			}
		}
	}
}

static void
S_row_payment(struct reader *r)
{
	char id[256], tmp[64];
	struct customer *c;
	int32_t day;
	int64_t amount;
	int slot, y, mo, dom;

	if (S_get_date(r, P_DATE, &day) || S_get_id(r, P_CUSTOMER, id, sizeof(id)))
		return;
	if (!S_has(r, P_AMOUNT)) {
		S_reject(r, P_AMOUNT, D_REQUIRED_EMPTY, "amount");
		return;
	}
	if (S_get_money(r, P_AMOUNT, &amount))
		return;
	if (amount <= 0) {
		S_reject(r, P_AMOUNT, D_NEGATIVE_PAYMENT,
		    S_str(r, P_AMOUNT, tmp, sizeof(tmp)));
		return;
	}
	if ((c = S_customer(r, P_CUSTOMER, id)) == NULL)
		return;
	r->st->rows_accepted++;
	r->st->amount_total += amount;
	r->m->payments_total += amount;
	S_date_range(r, day);
	slot = model_month_slot(r->m, day);
	if (slot < 0) {
		r->st->rows_outside++;
		if (day < r->m->window_start)
			c->paid_before_window += amount;
		return;
	}
	if (c->months == NULL)
		c->months = cv_calloc((size_t)r->m->n_months,
		    sizeof(*c->months));
	cv_civil_from_days(day, &y, &mo, &dom);
	{
		struct month_agg *ma = &c->months[slot];
		ma->paid += amount;
		ma->pay_day += ((float)dom - ma->pay_day) *
		    ((float)amount / (float)ma->paid);
	}
}

static void
S_row_credit(struct reader *r)
{
	char id[256], rating[16];
	struct customer *c;
	struct credit k;
	double days = 0;

	memset(&k, 0, sizeof(k));
	if (S_get_date(r, K_ASOF, &k.as_of) ||
	    S_get_id(r, K_CUSTOMER, id, sizeof(id)))
		return;
	if (S_has(r, K_LIMIT) && S_get_money(r, K_LIMIT, &k.limit))
		return;
	if (S_has(r, K_BALANCE) && S_get_money(r, K_BALANCE, &k.balance))
		return;
	if (S_has(r, K_OVERDUE) && S_get_money(r, K_OVERDUE, &k.overdue))
		return;
	if (S_has(r, K_MAXDAYS) && S_get_decimal(r, K_MAXDAYS, &days))
		return;
	if ((c = S_customer(r, K_CUSTOMER, id)) == NULL)
		return;
	k.max_days_overdue = (int32_t)days;
	S_str(r, K_RATING, rating, sizeof(rating));
	memcpy(k.rating, rating, sizeof(k.rating));
	k.present = 1;
	r->st->rows_accepted++;
	r->st->amount_total += k.balance;
	S_date_range(r, k.as_of);
	if (k.as_of > r->m->as_of) {
		r->st->rows_outside++;
		return;
	}
	if (!c->credit.present || k.as_of >= c->credit.as_of)
		c->credit = k;
}

static void
S_row_master(struct reader *r)
{
	char id[256], tmp[256];
	struct customer *c;
	int created, t;
	int32_t day;
	double terms;

	if (S_get_id(r, M_CUSTOMER, id, sizeof(id)))
		return;
	c = model_find(r->m, id);
	if (c != NULL && c->in_master) {
		S_reject(r, M_CUSTOMER, D_DUPLICATE_CUSTOMER, id, c->src_line);
		return;
	}
	if (S_has(r, M_SINCE)) {
		if (S_get_date(r, M_SINCE, &day))
			return;
	} else
		day = CV_DATE_NONE;
	terms = -1;
	if (S_has(r, M_TERMS) && S_get_decimal(r, M_TERMS, &terms))
		return;
	c = model_get(r->m, id, &created);
	c->in_master = 1;
	c->src_file = r->st->path;
	c->src_line = r->row_line;
	free(c->name);
	c->name = S_text(r, M_NAME);
	free(c->region);
	c->region = S_text(r, M_REGION);
	free(c->industry);
	c->industry = S_text(r, M_INDUSTRY);
	free(c->rep);
	c->rep = S_text(r, M_REP);
	free(c->territory);
	c->territory = S_text(r, M_TERRITORY);
	c->since = day;
	c->terms_days = terms >= 0 ? (int32_t)terms : -1;
	if (S_has(r, M_TYPE)) {
		val_text(S_field(r, M_TYPE), S_flen(r, M_TYPE), tmp, sizeof(tmp));
		t = cust_type_parse(tmp);
		if (t < 0) {
			if (r->o->max_messages == 0 ||
			    r->n_msgs < r->o->max_messages) {
				diag_add(r->d, D_UNKNOWN_TYPE, r->path,
				    r->row_line, (long)(r->col[M_TYPE] + 1), tmp);
				r->n_msgs++;
			}
			t = CT_UNKNOWN;
		}
		c->type = (enum cust_type)t;
	}
	if (day != CV_DATE_NONE)
		S_date_range(r, day);
	r->st->rows_accepted++;
}

/* Period as a month index: YYYY-MM, YYYY-MM-DD (any date form), YYYYQn. */
static int
S_period(const char *s, size_t n, int32_t *month)
{
	char tmp[32];
	int y, m, q;
	int32_t day;

	if (n == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (sscanf(tmp, "%4dQ%1d", &y, &q) == 2 && n == 6 && q >= 1 && q <= 4) {
		*month = y * 12 + q * 3 - 1;
		return 0;
	}
	if (n == 7 && sscanf(tmp, "%4d-%2d", &y, &m) == 2 && m >= 1 && m <= 12 &&
	    tmp[4] == '-') {
		*month = y * 12 + m - 1;
		return 0;
	}
	if (val_date(s, n, VAL_DATE_AUTO, &day) == 0) {
		*month = cv_month_index(day);
		return 0;
	}
	return -1;
}

static void
S_row_assess(struct reader *r)
{
	char id[256], dim[128], tmp[128];
	struct customer *c;
	int32_t month;
	double score;
	int di, vi;

	if (!S_has(r, A_PERIOD)) {
		S_reject(r, A_PERIOD, D_REQUIRED_EMPTY, "period");
		return;
	}
	if (S_period(S_field(r, A_PERIOD), S_flen(r, A_PERIOD), &month) != 0) {
		S_reject(r, A_PERIOD, D_BAD_PERIOD,
		    S_str(r, A_PERIOD, tmp, sizeof(tmp)));
		return;
	}
	if (S_get_id(r, A_CUSTOMER, id, sizeof(id)))
		return;
	val_text(S_field(r, A_DIMENSION), S_flen(r, A_DIMENSION), dim,
	    sizeof(dim));
	di = dim_parse(dim);
	vi = di < 0 ? viol_parse(dim) : -1;
	if (di < 0 && vi < 0) {
		S_reject(r, A_DIMENSION, D_UNKNOWN_DIMENSION, dim);
		return;
	}
	if (!S_has(r, A_SCORE)) {
		S_reject(r, A_SCORE, D_REQUIRED_EMPTY, "score");
		return;
	}
	if (S_get_decimal(r, A_SCORE, &score))
		return;
	if (di >= 0 && !(score >= 0 && score <= 5)) {
		S_reject(r, A_SCORE, D_SCORE_RANGE,
		    S_str(r, A_SCORE, tmp, sizeof(tmp)));
		return;
	}
	if (vi >= 0 && !(score >= 0)) {
		S_reject(r, A_SCORE, D_SCORE_RANGE,
		    S_str(r, A_SCORE, tmp, sizeof(tmp)));
		return;
	}
	if ((c = S_customer(r, A_CUSTOMER, id)) == NULL)
		return;
	r->st->rows_accepted++;
	{
		int32_t day = cv_days_from_civil(month / 12, month % 12 + 1, 1);
		S_date_range(r, day);
	}
	if (month > cv_month_index(r->m->as_of)) {
		r->st->rows_outside++;
		return;
	}
	c->n_assessments++;
	if (di >= 0) {
		if (month >= c->dim_period[di]) {
			c->dim[di] = (float)score;
			c->dim_period[di] = month;
		}
	} else if (month > cv_month_index(r->m->as_of) - 12)
		c->violations[vi] += (int32_t)lround(score);
}

/* Normalise a header for matching: trim, lower-case ASCII, drop spaces. */
static void
S_norm_header(const char *s, size_t n, char *out, size_t cap)
{
	size_t o = 0, i;

	for (i = 0; i < n && o + 1 < cap; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (isspace(ch))
			continue;
		out[o++] = (char)tolower(ch);
	}
	out[o] = '\0';
}

static const struct col_map *
S_colmap(const struct config *cfg, enum input_kind k, const char *field)
{
	int i;

	for (i = 0; i < cfg->in[k].n_cols; i++)
		if (strcmp(cfg->in[k].cols[i].field, field) == 0)
			return &cfg->in[k].cols[i];
	return NULL;
}

static int
S_header(struct reader *r)
{
	const struct field_def *defs = S_kinds[r->kind].defs;
	int nf = S_kinds[r->kind].n, f;
	size_t i;
	char h[512], alt[512];

	r->n_header = r->nf;
	for (f = 0; f < nf; f++) {
		const struct col_map *cm = S_colmap(r->cfg, r->kind, defs[f].name);
		r->col[f] = -1;
		r->date_fmt[f] = VAL_DATE_AUTO;
		if (cm != NULL && cm->date_format != NULL) {
			int df = val_date_fmt_parse(cm->date_format);
			if (df >= 0)
				r->date_fmt[f] = df;
		}
		if (cm == NULL || cm->headers == NULL)
			goto missing;
		for (i = 0; i < r->nf && r->col[f] < 0; i++) {
			const char *p = cm->headers, *bar;
			S_norm_header(r->row.data + r->off[i], r->len[i], h,
			    sizeof(h));
			for (;;) {
				bar = strchr(p, '|');
				S_norm_header(p, bar ? (size_t)(bar - p) :
				    strlen(p), alt, sizeof(alt));
				if (alt[0] != '\0' && strcmp(h, alt) == 0) {
					r->col[f] = (int)i;
					break;
				}
				if (bar == NULL)
					break;
				p = bar + 1;
			}
		}
missing:
		if (r->col[f] < 0 && defs[f].required) {
			diag_add(r->d, D_MISSING_COLUMN, r->path, r->row_line,
			    0L, defs[f].name, cm && cm->headers ? cm->headers : "");
			return -1;
		}
	}
	/* Sales need an amount, or a quantity and a unit price. */
	if (r->kind == IN_SALES && r->col[F_AMOUNT] < 0 &&
	    (r->col[F_QTY] < 0 || r->col[F_PRICE] < 0)) {
		const struct col_map *cm = S_colmap(r->cfg, IN_SALES, "amount");
		diag_add(r->d, D_MISSING_COLUMN, r->path, r->row_line, 0L,
		    "amount", cm && cm->headers ? cm->headers : "");
		return -1;
	}
	return 0;
}

/* A whole record arrived: check its shape, then hand it to its kind. */
static void
S_end_row(struct reader *r)
{
	size_t i;

	if (r->stop)
		return;
	if (!r->header_done) {
		r->header_done = 1;
		if (S_header(r) != 0) {
			r->stop = r->fatal = 1;
		}
		return;
	}
	r->st->rows_read++;
	if (r->too_many || r->nf != r->n_header) {
		size_t nf = r->too_many ? MAX_FIELDS : r->nf;
		S_reject(r, -1, D_FIELD_COUNT, nf, r->n_header);
		return;
	}
	for (i = 0; i < r->nf; i++) {
		const char *s = r->row.data + r->off[i];
		if (memchr(s, '\0', r->len[i]) != NULL) {
			S_reject_col(r, i, D_FIELD_NUL, "");
			return;
		}
		if (memmem(s, r->len[i], "\xEF\xBF\xBD", 3) != NULL) {
			S_reject_col(r, i, D_FIELD_ENCODING, r->enc_name);
			return;
		}
	}
	switch (r->kind) {
	case IN_SALES: S_row_sales(r); break;
	case IN_PAYMENTS: S_row_payment(r); break;
	case IN_CREDIT: S_row_credit(r); break;
	case IN_CUSTOMERS: S_row_master(r); break;
	case IN_ASSESSMENTS: S_row_assess(r); break;
	default: break;
	}
}

static void
S_cb_field(void *s, size_t n, void *ctx)
{
	struct reader *r = ctx;

	if (r->nf == 0) {
		buf_reset(&r->row);
		r->row_line = r->line;
		r->too_many = 0;
	}
	if (r->nf >= MAX_FIELDS) {
		r->too_many = 1;
		return;
	}
	r->off[r->nf] = r->row.len;
	r->len[r->nf] = n;
	buf_add(&r->row, s, n);
	buf_add(&r->row, "", 1);	/* keep NUL-separated */
	r->nf++;
}

static void
S_cb_row(int c, void *ctx)
{
	struct reader *r = ctx;

	(void)c;
	S_end_row(r);
	r->nf = 0;
	r->too_many = 0;
}

/* libcsv grows its field buffer with this: refuse past MAX_FIELD. */
static void *
S_csv_realloc(void *p, size_t n)
{
	if (n > MAX_FIELD + 64)
		return NULL;
	return realloc(p, n);
}

static void
S_csv_init(struct csv_parser *p, char delim)
{
	csv_init(p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
	csv_set_delim(p, (unsigned char)delim);
	csv_set_realloc_func(p, S_csv_realloc);
	csv_set_free_func(p, free);
}

/* The delimiter of the header line: the most frequent of , ; TAB. */
static char
S_detect_delim(const char *s, size_t n)
{
	size_t i, c = 0, sc = 0, t = 0;
	int q = 0;

	for (i = 0; i < n && s[i] != '\n'; i++) {
		if (s[i] == '"')
			q = !q;
		else if (!q && s[i] == ',')
			c++;
		else if (!q && s[i] == ';')
			sc++;
		else if (!q && s[i] == '\t')
			t++;
	}
	if (t > c && t >= sc)
		return '\t';
	if (sc > c)
		return ';';
	return ',';
}

/* A syntax error: reject the row in progress and restart at the next line. */
static void
S_syntax_error(struct reader *r, struct csv_parser *p)
{
	int e = csv_error(p);

	if (!r->header_done) {
		diag_add(r->d, D_CSV_SYNTAX, r->path, r->line, 0L,
		    csv_strerror(e));
		r->stop = r->fatal = 1;
		return;
	}
	if (r->nf == 0)
		r->row_line = r->line;
	r->st->rows_read++;
	if (e == CSV_ETOOBIG)
		S_reject(r, -1, D_FIELD_TOO_BIG, MAX_FIELD);
	else
		S_reject(r, -1, D_ROW_SYNTAX, csv_strerror(e));
	r->nf = 0;
}

static int
S_read_file(struct model *m, const struct ingest_opts *o, enum input_kind k,
    const char *path, struct diag *d)
{
	const struct config *cfg = o->cfg;
	struct reader r;
	struct enc_reader *er = NULL;
	struct csv_parser p;
	struct stat sb;
	static char chunk[1 << 16];
	long n;
	uint64_t done = 0, total = 0, next_report = 0;
	char delim = cfg->in[k].delimiter;
	int parser_live = 0, rc = 0;
	const char *enc = cfg->in[k].encoding;

	memset(&r, 0, sizeof(r));
	r.m = m;
	r.o = o;
	r.cfg = cfg;
	r.d = d;
	r.kind = k;
	r.path = path;
	r.line = 1;
	buf_init(&r.row);
	r.st = model_add_input(m, input_kind_name(k), path);
	if (stat(path, &sb) == 0)
		total = (uint64_t)sb.st_size;
	if (cv_sha256_file(path, r.st->sha256) != 0 ||
	    enc_open(&er, path, enc != NULL && strcmp(enc, "auto") != 0 ? enc :
	    NULL, cfg->legacy_encoding) != 0) {
		diag_add(d, D_OPEN_FAILED, path, 0L, 0L, strerror(errno));
		buf_free(&r.row);
		return -1;
	}
	r.enc_name = enc_name(er);
	free(r.st->encoding);
	r.st->encoding = cv_strdup(r.enc_name);
	if (strncmp(r.enc_name, "UTF", 3) != 0)
		diag_add(d, D_LEGACY_ENCODING, path, 0L, 0L, r.enc_name);

	while ((n = enc_read(er, chunk, sizeof(chunk))) > 0 && !r.stop) {
		const char *s = chunk, *end = chunk + n, *nl;
		if (!parser_live) {
			if (delim == 0)
				delim = S_detect_delim(s, (size_t)n);
			S_csv_init(&p, delim);
			parser_live = 1;
		}
		/* Feed line by line so every row knows its physical line. */
		while (s < end && !r.stop) {
			nl = memchr(s, '\n', (size_t)(end - s));
			size_t len = nl ? (size_t)(nl - s + 1) : (size_t)(end - s);
			if (csv_parse(&p, s, len, S_cb_field, S_cb_row, &r) != len) {
				S_syntax_error(&r, &p);
				csv_free(&p);
				S_csv_init(&p, delim);
				if (nl == NULL) {
					/* skip the rest of this line */
					const char *q = s + len;
					(void)q;
				}
			}
			if (nl != NULL)
				r.line++;
			s += len;
		}
		done += (uint64_t)n;
		if (o->progress != NULL && done >= next_report) {
			o->progress(path, done, total, o->progress_ctx);
			next_report = done + (8u << 20);
		}
	}
	if (n < 0) {
		diag_add(d, D_OPEN_FAILED, path, 0L, 0L, strerror(errno));
		rc = -1;
	}
	if (parser_live) {
		if (!r.stop && rc == 0 &&
		    csv_fini(&p, S_cb_field, S_cb_row, &r) != 0)
			S_syntax_error(&r, &p);
		csv_free(&p);
	}
	if (!r.header_done && !r.stop && rc == 0) {
		diag_add(d, D_EMPTY_FILE, path, 0L, 0L);
		rc = -1;
	}
	if (r.fatal || (r.stop && cfg->strict))
		rc = -1;
	if (rc == 0 && o->max_messages != 0 && r.st->rows_rejected > r.n_msgs &&
	    r.n_msgs >= o->max_messages)
		diag_add(d, D_MORE_REJECTS, path, 0L, 0L,
		    (unsigned long long)(r.st->rows_rejected - r.n_msgs),
		    "rejects.csv");
	if (rc == 0 && r.st->rows_rejected > 0)
		diag_add(d, D_REJECTS_SUMMARY, path, 0L, 0L,
		    (unsigned long long)r.st->rows_rejected,
		    (unsigned long long)r.st->rows_read);
	if (o->progress != NULL)
		o->progress(path, total, total, o->progress_ctx);
	enc_close(er);
	buf_free(&r.row);
	return rc;
}

int
ingest_all(struct model *m, const struct ingest_opts *o, struct diag *d)
{
	static const enum input_kind order[] = { IN_CUSTOMERS, IN_SALES,
	    IN_PAYMENTS, IN_CREDIT, IN_ASSESSMENTS };
	size_t i;
	int j;

	if (o->rejects != NULL) {
		static const char *const hdr[] = { "file", "line", "column",
		    "reason", "fields" };
		fputs("\xEF\xBB\xBF", o->rejects);
		csv_write_record(o->rejects, hdr, 5);
	}
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		const struct input_cfg *in = &o->cfg->in[order[i]];
		for (j = 0; j < in->n_paths; j++)
			if (S_read_file(m, o, order[i], in->paths[j], d) != 0)
				return -1;
	}
	model_sort(m);
	return 0;
}

void
csv_write_field(FILE *fp, const char *s, int last)
{
	const char *p;

	if (strpbrk(s, ",\"\r\n") != NULL || (s[0] == ' ' || s[0] == '\t')) {
		fputc('"', fp);
		for (p = s; *p != '\0'; p++) {
			if (*p == '"')
				fputc('"', fp);
			fputc(*p, fp);
		}
		fputc('"', fp);
	} else
		fputs(s, fp);
	fputs(last ? "\r\n" : ",", fp);
}

void
csv_write_record(FILE *fp, const char *const *fields, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		csv_write_field(fp, fields[i], i + 1 == n);
}
