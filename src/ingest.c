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
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#define CV_SCAN_AVX2
#include <immintrin.h>
#endif
#include <pthread.h>

#include "encoding.h"
#include "ingest.h"
#include "util.h"
#include "value.h"

#define MAX_FIELD (1 << 20)	/* bytes: a longer field is rejected */
#define MAX_RECORD (4 << 20)	/* bytes: a longer row (all its lines) is rejected */
#define MAX_FIELDS 256		/* fields kept per row; more are counted only */
#define CHUNK (1 << 18)		/* bytes of UTF-8 read at a time */
#define QTY_SCALE 6		/* quantities are exact to 6 decimals */

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
	struct customer *last_cust;	/* customer of the previous row */
	struct sale_ring *sales;	/* sales lines on their way in */
	struct model *m;
	const struct ingest_opts *o;
	const struct config *cfg;
	struct diag *d;
	enum input_kind kind;
	const char *path;
	struct input_stats *st;
	const char *enc_name;
	struct enc_reader *er;		/* the file being read */
	uint64_t *money_used;		/* sum of |money| accepted this run */

	/* libcsv and the line bookkeeping around it */
	struct csv_parser p;
	int parser_live;
	char delim;
	int idle_state;			/* p.pstate between rows */
	long line;			/* physical line being fed (1-based) */
	int at_bol;			/* the next byte fed starts a line */
	int cr_end;			/* the last line ended with a lone CR */
	int skip_line;			/* drop input up to the next line end */
	struct buf rec;			/* text of the open row, from its first line */
	long rec_line;			/* line where the open row began */
	struct buf pend;		/* text waiting to be fed (replayed lines) */

	/* the row being assembled */
	struct buf row;			/* field bytes, NUL-separated */
	size_t off[MAX_FIELDS];		/* start of each field in row */
	size_t dpos[MAX_FIELDS];	/* delimiters of a plain line */
	int plain;			/* the row is a line read by S_plain_line */
	int fast;			/* sales lines may take S_sale_fast */
	int avx2;			/* S_scan_plain may use AVX2 */
	size_t bad_seq;			/* invalid sequences replaced so far */
	char dc_text[32];		/* the last date field parsed, */
	size_t dc_len;			/* (dc_len 0: none) */
	int dc_field;
	int32_t dc_day;			/* and its day */
	char tc_text[32];		/* the last customer type field, */
	size_t tc_len;			/* (tc_len 0: none) */
	int tc_type;			/* and its cust_type_parse */
	int32_t ms_day;			/* the last day given a month slot, */
	int ms_slot;			/* and that slot */
	size_t len[MAX_FIELDS];
	size_t nf;			/* fields kept in the current row */
	size_t nf_all;			/* fields seen, including those past MAX_FIELDS */
	size_t big_col;			/* 1-based column of a field > MAX_FIELD, or 0 */
	long row_line;			/* line where the current row began */
	int header_done;
	size_t n_header;
	int col[16];			/* field -> column index, -1 absent */
	int date_fmt[16];
	size_t n_msgs;			/* messages kept for this file */
	size_t n_reject_msgs;		/* of which reject messages */
	int stop;			/* strict mode tripped, or fatal */
	int fatal;
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
	int col = r->col[f];
	const char *s;
	size_t n, i;
	char tmp[8];

	if (col < 0 || (size_t)col >= r->nf || (n = r->len[col]) == 0)
		return 0;
	s = r->row.data + r->off[col];
	if ((unsigned char)s[0] > ' ' && (unsigned char)s[0] < 0x80)
		return 1;	/* most fields: a visible ASCII first byte */
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch >= 0x80)
			break;
		if (ch != ' ' && ch != '\t' && ch != '\r' && ch != '\n')
			return 1;
	}
	if (i == n)
		return 0;
	/* Blank also means only Unicode spaces (U+3000, NBSP). */
	return val_text_cut(s, n, tmp, sizeof(tmp)) > 0;
}

/* Write s[0..n) as one field of a rejected row: NUL bytes shown as U+2400. */
static void
S_write_raw_field(FILE *fp, const char *s, size_t n, int last)
{
	struct buf b;
	size_t i;

	if (memchr(s, '\0', n) == NULL && s[n] == '\0') {
		csv_write_field(fp, s, last);
		return;
	}
	buf_init(&b);
	buf_add(&b, "", 0);
	for (i = 0; i < n; i++) {
		if (s[i] == '\0')
			buf_add(&b, "\xE2\x90\x80", 3);
		else
			buf_add(&b, s + i, 1);
	}
	csv_write_field(fp, b.data != NULL ? b.data : "", last);
	buf_free(&b);
}

/*
 * rejects.csv: file, line, column, reason, then the row's original fields
 * (or, for a CSV syntax error, the text of the row's first line).
 */
static void
S_write_reject(struct reader *r, long col, const char *reason, int raw)
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
	if (raw) {
		size_t n = r->rec.len;
		const char *s = r->rec.data != NULL ? r->rec.data : "";
		const char *e = memchr(s, '\n', n);
		const char *c = memchr(s, '\r', n);

		if (e != NULL)
			n = (size_t)(e - s);
		if (c != NULL && (size_t)(c - s) < n)
			n = (size_t)(c - s);
		csv_write_field(fp, reason, 0);
		S_write_raw_field(fp, s, n, 1);
		return;
	}
	csv_write_field(fp, reason, r->nf == 0);
	for (i = 0; i < r->nf; i++)
		S_write_raw_field(fp, r->row.data + r->off[i], r->len[i],
		    i + 1 == r->nf);
}

static void S_sales_drain(struct reader *);

/*
 * Reject the current row: count it, remember the reason, write it to
 * rejects.csv, and keep the first few messages in diag.  col is 1-based,
 * 0 for the whole row.
 */
static void
S_vreject(struct reader *r, long col, int raw, enum diag_id id, va_list ap)
{
	char text[1024];

	S_sales_drain(r);	/* the lines before this one come first */
	diag_vtext(id, r->d->lang, text, sizeof(text), ap);
	r->st->rows_rejected++;
	model_count_reject(r->m, input_kind_name(r->kind), (int)id, text);
	S_write_reject(r, col, text, raw);
	if (r->cfg->strict) {
		diag_add(r->d, D_ROW_REJECTED, r->path, r->row_line, col, text);
		diag_add(r->d, D_STRICT_STOP, r->path, r->row_line, col);
		r->stop = 1;
		return;
	}
	if (r->o->max_messages == 0 || r->n_msgs < r->o->max_messages) {
		diag_add(r->d, D_ROW_REJECTED, r->path, r->row_line, col, text);
		r->n_msgs++;
		r->n_reject_msgs++;
	}
}

/* Reject naming a field of the input kind (f < 0: the whole row). */
static void
S_reject(struct reader *r, int f, enum diag_id id, ...)
{
	long col = f >= 0 && r->col[f] >= 0 ? r->col[f] + 1 : 0;
	va_list ap;

	va_start(ap, id);
	S_vreject(r, col, 0, id, ap);
	va_end(ap);
}

/* Reject naming a column by its 1-based number; raw: write the line text. */
static void
S_reject_at(struct reader *r, long col, int raw, enum diag_id id, ...)
{
	va_list ap;

	va_start(ap, id);
	S_vreject(r, col, raw, id, ap);
	va_end(ap);
}

/* A field as cleaned display text (for messages), cut to fit. */
static const char *
S_str(struct reader *r, int f, char *out, size_t cap)
{
	const char *s = S_field(r, f);

	char tmp[72];
	size_t k;

	out[0] = '\0';
	if (s == NULL || cap < 8)
		return out;
	/* Messages quote at most 60 bytes of a value. */
	k = val_text_cut(s, S_flen(r, f), tmp, sizeof(tmp));
	if (k > 60) {
		for (k = 60; k > 0 && (tmp[k] & 0xC0) == 0x80; k--)
			;
		memcpy(tmp + k, "\xE2\x80\xA6", 4);	/* ... */
	}
	snprintf(out, cap, "%s", tmp);
	return out;
}

static int
S_get_date(struct reader *r, int f, int32_t *day)
{
	const char *s;
	size_t n;
	int e;

	/* Exports are often sorted by date: reuse the last field's day. */
	s = S_field(r, f);
	n = S_flen(r, f);
	if (s != NULL && n > 0 && n == r->dc_len && f == r->dc_field &&
	    memcmp(s, r->dc_text, n) == 0) {
		*day = r->dc_day;
		return 0;
	}
	if (!S_has(r, f)) {
		S_reject(r, f, D_REQUIRED_EMPTY, S_kinds[r->kind].defs[f].name);
		return -1;
	}
	e = val_date(s, n, r->date_fmt[f], day);
	if (e == 0 && n < sizeof(r->dc_text)) {
		memcpy(r->dc_text, s, n);
		r->dc_len = n;
		r->dc_field = f;
		r->dc_day = *day;
	}
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

/* Whole number in [lo, hi]; outside gives VAL_E_RANGE. */
static int
S_get_int(struct reader *r, int f, long long lo, long long hi, long long *v)
{
	int e = val_int(S_field(r, f), S_flen(r, f), v);

	if (e == 0 && (*v < lo || *v > hi))
		e = VAL_E_RANGE;
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

/*
 * Quantity x unit money (price or unit cost), exactly: the quantity as an
 * integer in millionths when it has at most 6 decimals, else a long double
 * product rounded once.  Rejects the row on a bad value or overflow.
 */
static int
S_get_extended(struct reader *r, int fq, int fp, int64_t *out)
{
	int64_t q, unit;
	long double v;
	double dq;
	int e;
	char tmp[256];

	if (S_get_money(r, fp, &unit))
		return -1;
	e = val_scaled(S_field(r, fq), S_flen(r, fq), QTY_SCALE, &q);
	if (e == 0) {
		if (val_mul_scaled(q, QTY_SCALE, unit, out) != 0) {
			S_reject(r, fq, D_VALUE_RANGE,
			    S_str(r, fq, tmp, sizeof(tmp)));
			return -1;
		}
		return 0;
	}
	if (e != VAL_E_PRECISION && e != VAL_E_EXPONENT) {
		S_reject(r, fq, val_err_diag(e), S_str(r, fq, tmp, sizeof(tmp)));
		return -1;
	}
	if (S_get_decimal(r, fq, &dq))
		return -1;
	v = (long double)dq * (long double)unit;
	if (!(v > -9.2e18L && v < 9.2e18L)) {
		S_reject(r, fq, D_VALUE_RANGE, S_str(r, fq, tmp, sizeof(tmp)));
		return -1;
	}
	*out = (int64_t)llroundl(v);
	return 0;
}

static uint64_t
S_abs(int64_t v)
{
	return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

/*
 * Every money aggregate of the run is a sum of accepted values or their
 * negations, so keeping the sum of absolute values within INT64_MAX rules
 * out overflow everywhere.  S_budget_need: in *need, what a row of the
 * values a, b and c adds to that sum; -1 when it would go over
 * (|INT64_MIN| does by itself).
 */
static int
S_budget_need(const struct reader *r, int64_t a, int64_t b, int64_t c,
    uint64_t *need)
{
	const uint64_t lim = (uint64_t)INT64_MAX;
	uint64_t v[3], sum = 0;
	int i;

	v[0] = S_abs(a);
	v[1] = S_abs(b);
	v[2] = S_abs(c);
	for (i = 0; i < 3; i++) {
		if (v[i] > lim - sum)
			return -1;
		sum += v[i];
	}
	if (sum > lim - *r->money_used)
		return -1;
	*need = sum;
	return 0;
}

/* Count the row's money against the budget, or reject it (naming field f). */
static int
S_money_budget(struct reader *r, int f, int64_t a, int64_t b, int64_t c)
{
	uint64_t need;
	char tmp[256];

	if (S_budget_need(r, a, b, c, &need) != 0) {
		S_reject(r, f, D_MONEY_OVERFLOW, S_str(r, f, tmp, sizeof(tmp)));
		return -1;
	}
	*r->money_used += need;
	return 0;
}

/* Trimmed text of an optional field, kept by the model (cut at 255 bytes);
 * shared: one copy of each (regions, reps ...: few distinct values). */
static const char *
S_text(struct reader *r, int f, int shared)
{
	char tmp[256];
	size_t n;

	if (!S_has(r, f))
		return "";
	n = val_text_cut(S_field(r, f), S_flen(r, f), tmp, sizeof(tmp));
	return shared ? model_text_shared(r->m, tmp, n) :
	    model_text(r->m, tmp, n);
}

/*
 * Find or create the customer a transaction row names (NULL: rejected).
 * Sales always create a customer missing from the master (a sale proves
 * the customer exists); payments, credit and assessments follow
 * unknown-customers when a master is configured.
 */
static struct customer *
S_customer(struct reader *r, int f, const char *id)
{
	struct customer *c;
	int created, master = r->cfg->in[IN_CUSTOMERS].n_paths > 0;

	/* Lines of one invoice are consecutive: most rows repeat the
	 * customer of the row before. */
	if (r->last_cust != NULL && strcmp(r->last_cust->id, id) == 0)
		return r->last_cust;
	c = model_find(r->m, id);
	if (master && !r->cfg->unknown_create && r->kind != IN_SALES &&
	    (c == NULL || !c->in_master)) {
		S_reject(r, f, D_UNKNOWN_CUSTOMER, id);
		return NULL;
	}
	if (c != NULL)
		return r->last_cust = c;
	c = model_get(r->m, id, &created);
	r->last_cust = c;
	c->src_file = r->st->path;
	c->src_line = r->row_line;
	if (master && (r->o->max_messages == 0 ||
	    r->n_msgs < r->o->max_messages)) {
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

/*
 * Sales lines go through a short pipeline so that the memory a line will
 * touch (its index slot, its customer, that customer's year and month) is
 * fetched while the lines before it are being added: with 100,000
 * customers each of those is a cache miss.  A line is parsed (and
 * rejected) at once, in order; it is added S_LAG lines later, still in
 * order, and every reject first drains the lines before it, so all counts,
 * messages and rejects come out exactly as without the pipeline.
 */
#define S_LAG 8			/* lines between two steps */
#define S_RING 32		/* power of two > 3 * S_LAG */

struct sale {
	struct customer *c;	/* found in step 3, or NULL: look up when added */
	uint64_t hash;		/* of id */
	uint64_t inv;		/* hash of the invoice id (or the day) */
	int64_t amount, cost;
	long line;
	int32_t day;
	int slot;		/* month slot, -1 outside the window */
	int have_cost;
	int same;		/* same customer as the line before */
	/* An id under 8 bytes as one word, NUL-padded (0: longer).  Ids are
	 * compared twice a line; strcmp's call took a tenth of this thread. */
	uint64_t id8;
	char id[256];
};

struct sale_ring {
	struct sale e[S_RING];
	unsigned long pushed, added;	/* lines in, lines added */
	int draining;
};

/* The id's hash, and the id as a word when it is short (sl->id has n bytes). */
static void
S_sale_id(struct sale *sl, size_t n)
{
	if (n < 8) {
		memset(sl->id + n, 0, 8 - n);
		memcpy(&sl->id8, sl->id, 8);
		sl->hash = model_hash_short(sl->id8, n);
	} else {
		sl->id8 = 0;
		sl->hash = model_hash(sl->id, n);
	}
}

/* The month slot of a day (the last day's, kept in the reader, reused). */
static int
S_month_slot(const struct reader *r, int32_t day)
{
	return day == r->ms_day && r->ms_slot != INT32_MIN ? r->ms_slot :
	    model_month_slot(r->m, day);
}

/* The order key of a line without an invoice id: its day. */
static uint64_t
S_day_order(int32_t day)
{
	char key[32];

	snprintf(key, sizeof(key), "\x01%ld", (long)day);
	return model_hash(key, strlen(key));
}

/* Step 1: parse and check one line; 0 = a sale to add, -1 = rejected. */
static int
S_sale_parse(struct reader *r, struct sale *sl)
{
	char inv[256];
	int64_t amount, cost = 0;
	int have_cost = 0;

	if (S_get_date(r, F_DATE, &sl->day) ||
	    S_get_id(r, F_CUSTOMER, sl->id, sizeof(sl->id)))
		return -1;
	if (S_has(r, F_AMOUNT)) {
		if (S_get_money(r, F_AMOUNT, &amount))
			return -1;
	} else if (S_has(r, F_QTY) && S_has(r, F_PRICE)) {
		if (S_get_extended(r, F_QTY, F_PRICE, &amount))
			return -1;
	} else {
		S_reject(r, r->col[F_AMOUNT] >= 0 ? F_AMOUNT :
		    S_has(r, F_QTY) ? F_PRICE : F_QTY, D_REQUIRED_EMPTY, "amount");
		return -1;
	}
	if (S_has(r, F_COST)) {
		if (S_get_money(r, F_COST, &cost))
			return -1;
		have_cost = 1;
	} else if (S_has(r, F_UCOST) && S_has(r, F_QTY)) {
		if (S_get_extended(r, F_QTY, F_UCOST, &cost))
			return -1;
		have_cost = 1;
	}
	/* A quantity that is given must be a number even if unused. */
	if (S_has(r, F_QTY) && !S_has(r, F_PRICE)) {
		double q;
		if (S_get_decimal(r, F_QTY, &q))
			return -1;
	}
	if (S_money_budget(r, S_has(r, F_AMOUNT) ? F_AMOUNT : F_QTY, amount,
	    cost, 0))
		return -1;
	sl->amount = amount;
	sl->cost = cost;
	sl->have_cost = have_cost;
	sl->line = r->row_line;
	sl->slot = r->ms_slot = S_month_slot(r, sl->day);
	r->ms_day = sl->day;
	S_sale_id(sl, strlen(sl->id));
	sl->c = NULL;
	sl->inv = 0;
	if (sl->slot >= 0 && amount >= 0) {
		/*
		 * An order is a change of invoice id per customer: ERP exports
		 * list the lines of one invoice consecutively (an invoice whose
		 * lines are interleaved with another invoice of the same
		 * customer counts more than once).  Without invoice ids, one
		 * order per customer and day.
		 */
		if (!S_has(r, F_INVOICE) ||
		    val_id(S_field(r, F_INVOICE), S_flen(r, F_INVOICE), inv,
		    sizeof(inv)) != 0)
			sl->inv = S_day_order(sl->day);
		else
			sl->inv = model_hash(inv, strlen(inv));
	}
	return 0;
}

/* Step 4: add a parsed line to its customer (created if new). */
static void
S_sale_add(struct reader *r, struct sale *sl)
{
	struct customer *c = sl->same ? r->last_cust : sl->c;
	int32_t day = sl->day;
	int64_t amount = sl->amount, cost = sl->cost;
	int slot = sl->slot, year, dom, y, mo;

	if (c == NULL) {
		long line = r->row_line;

		r->row_line = sl->line;	/* where a created customer was seen */
		c = S_customer(r, F_CUSTOMER, sl->id);
		r->row_line = line;
		if (c == NULL)
			return;
	}
	r->last_cust = c;
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
	if (slot < 0) {
		r->st->rows_outside++;
		if (day < r->m->window_start)
			c->sales_before_window += amount;
		return;
	}
	model_months(r->m, c);
	year = slot / 12;
	r->m->revenue_in_window += amount;
	c->months[slot].revenue += amount;
	c->year[year].revenue += amount;
	if (sl->have_cost) {
		c->year[year].cost += cost;
		c->year[year].cost_revenue += amount;
	}
	if (amount < 0) {
		c->year[year].returns += -amount;
		return;
	}
	c->year[year].gross += amount;
	if (sl->inv != c->last_invoice) {
		c->months[slot].orders++;
		c->last_invoice = sl->inv;
	}
	if (r->m->track_pay && amount > 0) {
		struct month_pay *mp = &model_pay(r->m, c)[slot];
		float w = (float)amount;

		cv_civil_from_days(day, &y, &mo, &dom);
		mp->inv_w += w;
		mp->inv_day += ((float)dom - mp->inv_day) * (w / mp->inv_w);
	}
}

/* Steps 2 and 3 of line k: fetch its index slot's customer, then its sums. */
static void
S_sale_step(struct reader *r, unsigned long k, int step)
{
	struct sale *sl = &r->sales->e[k & (S_RING - 1)];
	struct customer *c;

	if (sl->same)
		return;
	if (step == 2) {
		sl->c = model_candidate(r->m, sl->hash);
		if (sl->c != NULL)
			__builtin_prefetch(sl->c);
		return;
	}
	c = sl->c;
	if (c == NULL)
		return;
	if (sl->id8 != 0 && c->id == c->id_short) {
		uint64_t w;

		memcpy(&w, c->id_short, 8);
		if (w != sl->id8)
			sl->c = NULL;
	} else if (strcmp(c->id, sl->id) != 0)
		sl->c = NULL;
	if (sl->c == NULL)
		return;		/* another id with the same hash */
	if (sl->slot >= 0) {
		__builtin_prefetch(&c->year[sl->slot / 12], 1);
		if (c->months != NULL)
			__builtin_prefetch(&c->months[sl->slot], 1);
	}
}

/* Add every line still in the pipeline (before a reject, at the end). */
static void
S_sales_drain(struct reader *r)
{
	struct sale_ring *q = r->sales;
	unsigned long k;

	if (q == NULL || q->draining)
		return;
	q->draining = 1;
	for (k = q->added; k < q->pushed; k++) {
		/* Steps 2 and 3 were done for lines at least S_LAG and
		 * 2 * S_LAG behind the newest; do the rest now. */
		if (k + S_LAG >= q->pushed)
			S_sale_step(r, k, 2);
		if (k + 2 * S_LAG >= q->pushed)
			S_sale_step(r, k, 3);
		S_sale_add(r, &q->e[k & (S_RING - 1)]);
	}
	q->added = q->pushed;
	q->draining = 0;
}

/* Queue the parsed line in the ring's next entry, and step the others. */
static void
S_sale_push(struct reader *r, struct sale_ring *q)
{
	unsigned long t = q->pushed;
	struct sale *sl = &q->e[t & (S_RING - 1)];

	sl->same = t > q->added ?
	    (sl->id8 != 0 ? q->e[(t - 1) & (S_RING - 1)].id8 == sl->id8 :
	    strcmp(q->e[(t - 1) & (S_RING - 1)].id, sl->id) == 0) :
	    r->last_cust != NULL && strcmp(r->last_cust->id, sl->id) == 0;
	if (!sl->same)
		model_prefetch_slot(r->m, sl->hash);
	q->pushed = ++t;
	/* Lines a drain (a reject) has added already are not stepped again. */
	if (t > S_LAG && t - 1 - S_LAG >= q->added)
		S_sale_step(r, t - 1 - S_LAG, 2);
	if (t > 2 * S_LAG && t - 1 - 2 * S_LAG >= q->added)
		S_sale_step(r, t - 1 - 2 * S_LAG, 3);
	if (t > 3 * S_LAG && t - 1 - 3 * S_LAG >= q->added) {
		S_sale_add(r, &q->e[(t - 1 - 3 * S_LAG) & (S_RING - 1)]);
		q->added = t - 3 * S_LAG;
	}
}

static void
S_row_sales(struct reader *r)
{
	struct sale_ring *q = r->sales;

	if (q == NULL)
		q = r->sales = cv_calloc(1, sizeof(*q));
	if (S_sale_parse(r, &q->e[q->pushed & (S_RING - 1)]) == 0)
		S_sale_push(r, q);
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
	if (S_money_budget(r, P_AMOUNT, amount, 0, 0))
		return;
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
	cv_civil_from_days(day, &y, &mo, &dom);
	{
		struct month_pay *mp = &model_pay(r->m, c)[slot];
		mp->paid += amount;
		mp->pay_day += ((float)dom - mp->pay_day) *
		    ((float)amount / (float)mp->paid);
	}
}

static void
S_row_credit(struct reader *r)
{
	char id[256];
	struct customer *c;
	struct credit k;
	long long days = 0;

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
	if (S_has(r, K_MAXDAYS) && S_get_int(r, K_MAXDAYS, 0, 100000, &days))
		return;
	if (S_money_budget(r, S_has(r, K_BALANCE) ? K_BALANCE : K_LIMIT,
	    k.balance, k.limit, k.overdue))
		return;
	if ((c = S_customer(r, K_CUSTOMER, id)) == NULL)
		return;
	k.max_days_overdue = (int32_t)days;
	if (S_has(r, K_RATING))
		val_text_cut(S_field(r, K_RATING), S_flen(r, K_RATING),
		    k.rating, sizeof(k.rating));
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
	uint64_t h;
	int created, t;
	int32_t day;
	long long terms = -1;

	if (S_get_id(r, M_CUSTOMER, id, sizeof(id)))
		return;
	h = model_hash(id, strlen(id));
	c = model_find_hashed(r->m, id, h);
	if (c != NULL && c->in_master) {
		S_reject(r, M_CUSTOMER, D_DUPLICATE_CUSTOMER, id, c->src_line);
		return;
	}
	if (S_has(r, M_SINCE)) {
		if (S_get_date(r, M_SINCE, &day))
			return;
	} else
		day = CV_DATE_NONE;
	if (S_has(r, M_TERMS) && S_get_int(r, M_TERMS, 0, 3650, &terms))
		return;
	if (c == NULL)
		c = model_get_hashed(r->m, id, h, &created);
	c->in_master = 1;
	c->src_file = r->st->path;
	c->src_line = r->row_line;
	c->name = S_text(r, M_NAME, 0);
	c->region = S_text(r, M_REGION, 1);
	c->industry = S_text(r, M_INDUSTRY, 1);
	c->rep = S_text(r, M_REP, 1);
	c->territory = S_text(r, M_TERRITORY, 1);
	c->since = day;
	c->terms_days = terms >= 0 ? (int32_t)terms : -1;
	if (S_has(r, M_TYPE)) {
		/* Few types, many rows: reuse the last field's type. */
		const char *ts = S_field(r, M_TYPE);
		size_t tn = S_flen(r, M_TYPE);

		if (tn > 0 && tn == r->tc_len && memcmp(ts, r->tc_text, tn) == 0)
			t = r->tc_type;
		else {
			S_str(r, M_TYPE, tmp, sizeof(tmp));
			t = cust_type_parse(tmp);
			if (tn < sizeof(r->tc_text)) {
				memcpy(r->tc_text, ts, tn);
				r->tc_len = tn;
				r->tc_type = t;
			}
		}
		if (t < 0) {
			S_str(r, M_TYPE, tmp, sizeof(tmp));
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
	size_t len;
	int y, m, q;
	int32_t day;

	len = val_text_cut(s, n, tmp, sizeof(tmp));
	if (len == 0 || len + 1 >= sizeof(tmp))
		return -1;
	if (len == 6 && sscanf(tmp, "%4dQ%1d", &y, &q) == 2 && q >= 1 &&
	    q <= 4 && y >= 1900 && y <= 9999) {
		*month = y * 12 + q * 3 - 1;
		return 0;
	}
	if (len == 7 && tmp[4] == '-' && sscanf(tmp, "%4d-%2d", &y, &m) == 2 &&
	    m >= 1 && m <= 12 && y >= 1900 && y <= 9999) {
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
	double score = 0;
	long long count = 0;
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
	S_str(r, A_DIMENSION, dim, sizeof(dim));
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
	if (di >= 0) {
		if (S_get_decimal(r, A_SCORE, &score))
			return;
		if (!(score >= 0 && score <= 5)) {
			S_reject(r, A_SCORE, D_SCORE_RANGE,
			    S_str(r, A_SCORE, tmp, sizeof(tmp)));
			return;
		}
	} else if (S_get_int(r, A_SCORE, 0, 1000000, &count))
		return;		/* violations are counts */
	if ((c = S_customer(r, A_CUSTOMER, id)) == NULL)
		return;
	r->st->rows_accepted++;
	S_date_range(r, cv_days_from_civil(month / 12, month % 12 + 1, 1));
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
	} else if (month > cv_month_index(r->m->as_of) - 12) {
		if (count > INT32_MAX - c->violations[vi])
			c->violations[vi] = INT32_MAX;
		else
			c->violations[vi] += (int32_t)count;
	}
}

/*
 * Normalise a header for matching: ASCII lower-cased, full-width forms made
 * ASCII, and spaces (any kind), '_', '-' and zero-width characters dropped.
 * *cut receives the length without a trailing unit in brackets, as in
 * "金额(元)" or "Amount [CNY]", or 0 if there is none.
 */
static void
S_norm_header(const char *s, size_t n, char *out, size_t cap, size_t *cut)
{
	const char *p = s, *q, *end = s + n;
	size_t o = 0, k, open = (size_t)-1;
	long cp;
	char ascii;

	*cut = 0;
	while (p < end && o + 1 < cap) {
		q = p;
		cp = cv_utf8_next(&p, end);
		if (cp < 0) {
			p = q + 1;
			continue;
		}
		if (cp >= 0xFF01 && cp <= 0xFF5E)
			cp -= 0xFEE0;
		if (cp == 0x3010)
			cp = '[';
		else if (cp == 0x3011)
			cp = ']';
		if (cp == 0xFEFF || cp == 0x200B || cp == 0xA0 || cp == 0x3000 ||
		    cp == '_' || cp == '-' || (cp < 0x80 && isspace((int)cp)))
			continue;
		if (cp < 0x80) {
			ascii = (char)tolower((int)cp);
			q = &ascii;
			k = 1;
			if (cp == '(' || cp == '[')
				open = o;
		} else
			k = (size_t)(p - q);
		if (o + k + 1 > cap)
			break;
		memcpy(out + o, q, k);
		o += k;
	}
	out[o] = '\0';
	if (o > 0 && (out[o - 1] == ')' || out[o - 1] == ']') &&
	    open != (size_t)-1 && open > 0)
		*cut = open;
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

#define HDR_MAX 256	/* bytes of a normalised header */

/*
 * Map fields to columns.  For each field the header names of its mapping
 * are tried in order, and the first that a column carries wins (so the
 * most specific name should come first); a column header also matches
 * without a trailing unit in brackets.
 */
static int
S_header(struct reader *r)
{
	const struct field_def *defs = S_kinds[r->kind].defs;
	int nf = S_kinds[r->kind].n, f, rc = 0;
	size_t i, cut, acut;
	char (*h)[HDR_MAX];
	size_t *hcut;
	char alt[HDR_MAX];

	/* A mapping for a field this input does not have is a config error
	 * (most likely a misspelt field name). */
	{
		const struct input_cfg *in = &r->cfg->in[r->kind];
		int k, j, known;
		for (k = 0; k < in->n_cols; k++) {
			for (known = 0, j = 0; j < nf && !known; j++)
				known = strcmp(in->cols[k].field, defs[j].name) == 0;
			if (!known) {
				diag_add(r->d, D_CONFIG_VALUE, r->cfg->source, 0L,
				    0L, in->cols[k].field, "column field");
				return -1;
			}
		}
	}
	r->n_header = r->nf_all;	/* columns past MAX_FIELDS: counted only */
	h = cv_calloc(r->nf + 1, sizeof(*h));
	hcut = cv_calloc(r->nf + 1, sizeof(*hcut));
	for (i = 0; i < r->nf; i++)
		S_norm_header(r->row.data + r->off[i], r->len[i], h[i], HDR_MAX,
		    &hcut[i]);
	for (f = 0; f < nf; f++) {
		const struct col_map *cm = S_colmap(r->cfg, r->kind, defs[f].name);
		const char *p, *bar;

		r->col[f] = -1;
		r->date_fmt[f] = VAL_DATE_AUTO;
		if (cm != NULL && cm->date_format != NULL) {
			int df = val_date_fmt_parse(cm->date_format);
			if (df >= 0)
				r->date_fmt[f] = df;
		}
		for (p = cm != NULL ? cm->headers : NULL; p != NULL && r->col[f] < 0;
		    p = bar != NULL ? bar + 1 : NULL) {
			bar = strchr(p, '|');
			S_norm_header(p, bar ? (size_t)(bar - p) : strlen(p), alt,
			    sizeof(alt), &acut);
			if (alt[0] == '\0')
				continue;
			for (i = 0; i < r->nf && r->col[f] < 0; i++)
				if (strcmp(h[i], alt) == 0)
					r->col[f] = (int)i;
			cut = strlen(alt);
			for (i = 0; i < r->nf && r->col[f] < 0; i++)
				if (hcut[i] == cut && strncmp(h[i], alt, cut) == 0)
					r->col[f] = (int)i;
		}
		if (r->col[f] < 0 && defs[f].required) {
			diag_add(r->d, D_MISSING_COLUMN, r->path, r->row_line,
			    0L, defs[f].name, cm && cm->headers ? cm->headers : "");
			rc = -1;
		}
	}
	/* Sales need an amount, or a quantity and a unit price. */
	if (rc == 0 && r->kind == IN_SALES && r->col[F_AMOUNT] < 0 &&
	    (r->col[F_QTY] < 0 || r->col[F_PRICE] < 0)) {
		const struct col_map *cm = S_colmap(r->cfg, IN_SALES, "amount");
		diag_add(r->d, D_MISSING_COLUMN, r->path, r->row_line, 0L,
		    "amount", cm && cm->headers ? cm->headers : "");
		rc = -1;
	}
	r->fast = rc == 0 && r->kind == IN_SALES && r->col[F_AMOUNT] >= 0 &&
	    r->n_header <= MAX_FIELDS;
	/* Headers that do not match after a GB18030/Big5 guess: the guess
	 * may be the cause. */
	if (rc != 0 && enc_is_legacy_guess(r->er))
		diag_add(r->d, D_ENCODING_HINT, r->path, 0L, 0L, r->enc_name);
	free(h);
	free(hcut);
	return rc;
}

/* A whole record arrived: check its shape, then hand it to its kind. */
static void
S_end_row(struct reader *r)
{
	size_t i, n;

	if (r->stop)
		return;
	if (!r->header_done) {
		r->header_done = 1;
		if (S_header(r) != 0)
			r->stop = r->fatal = 1;
		return;
	}
	r->st->rows_read++;
	/* Extra fields are tolerated when empty (a trailing delimiter). */
	n = r->nf_all;
	if (n > r->n_header && n == r->nf) {
		for (i = r->n_header; i < r->nf && r->len[i] == 0; i++)
			;
		if (i == r->nf)
			n = r->n_header;
	}
	if (r->big_col > 0) {
		S_reject_at(r, (long)r->big_col, 0, D_FIELD_TOO_BIG, MAX_FIELD);
		return;
	}
	if (n != r->n_header) {
		S_reject(r, -1, D_FIELD_COUNT, r->nf_all, r->n_header);
		return;
	}
	for (i = 0; i < r->n_header && i < r->nf; i++) {
		const char *s = r->row.data + r->off[i];
		if (!r->plain && memchr(s, '\0', r->len[i]) != NULL) {
			S_reject_at(r, (long)i + 1, 0, D_FIELD_NUL);
			return;
		}
		if (r->bad_seq > 0 &&
		    memmem(s, r->len[i], "\xEF\xBF\xBD", 3) != NULL) {
			S_reject_at(r, (long)i + 1, 0, D_FIELD_ENCODING,
			    r->enc_name);
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

	if (r->nf_all == 0) {
		buf_reset(&r->row);
		r->row_line = r->rec_line;
	}
	r->nf_all++;
	if (n > MAX_FIELD && r->big_col == 0)
		r->big_col = r->nf_all;
	if (r->nf >= MAX_FIELDS)
		return;
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
	r->nf = r->nf_all = r->big_col = 0;
}

/*
 * libcsv grows its field buffer through this: refuse to pass MAX_FIELD.
 * libcsv retries smaller steps and then reports CSV_ENOMEM, which
 * S_refused tells apart from a real shortage.
 */
static int S_refused;

static void *
S_csv_realloc(void *p, size_t n)
{
	if (n > MAX_FIELD + 8192) {
		S_refused = 1;
		return NULL;
	}
	return realloc(p, n);
}

static void
S_csv_start(struct reader *r)
{
	csv_init(&r->p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
	csv_set_delim(&r->p, (unsigned char)r->delim);
	csv_set_realloc_func(&r->p, S_csv_realloc);
	csv_set_free_func(&r->p, free);
	csv_set_blk_size(&r->p, 4096);
	r->idle_state = r->p.pstate;	/* "no row begun" */
	r->parser_live = 1;
}

/* The delimiter of the header line: the most frequent of , ; TAB. */
static char
S_detect_delim(const char *s, size_t n)
{
	size_t i, c = 0, sc = 0, t = 0;
	int q = 0;

	for (i = 0; i < n && (q || (s[i] != '\n' && s[i] != '\r')); i++) {
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

/* Length of the first line of s[0..n) with its end (LF, CRLF or CR); *eol: it has one. */
static size_t
S_line_len(const char *s, size_t n, int *eol)
{
	const char *lf = memchr(s, '\n', n);
	const char *cr = memchr(s, '\r', lf != NULL ? (size_t)(lf - s) : n);

	*eol = 1;
	if (cr != NULL)
		return (size_t)(cr - s) + (cr + 1 < s + n && cr[1] == '\n' ? 2 : 1);
	if (lf != NULL)
		return (size_t)(lf - s) + 1;
	*eol = 0;
	return n;
}

/*
 * A CSV error in the open row: reject it as one row at the line where it
 * began (col: the field being read, 0 for the whole row), restart the
 * parser, and resynchronise: the row is taken to be its first line, and
 * every line after that one is read again (queued in r->pend ahead of
 * rest, the text not yet fed).  eol: the text fed so far ends a line.
 */
static void
S_error(struct reader *r, long col, int eol, const char *rest, size_t nrest,
    enum diag_id id, ...)
{
	char text[512];
	size_t k;
	int has_eol;
	va_list ap;

	r->row_line = r->rec_line;
	va_start(ap, id);
	if (!r->header_done) {
		diag_vtext(id, r->d->lang, text, sizeof(text), ap);
		diag_add(r->d, D_CSV_SYNTAX, r->path, r->rec_line, col, text);
		r->stop = r->fatal = 1;
	} else {
		r->st->rows_read++;
		S_vreject(r, col, 1, id, ap);
	}
	va_end(ap);
	csv_free(&r->p);
	S_csv_start(r);
	r->nf = r->nf_all = r->big_col = 0;
	S_refused = 0;
	if (r->stop)
		return;
	k = S_line_len(r->rec.data != NULL ? r->rec.data : "", r->rec.len,
	    &has_eol);
	buf_reset(&r->pend);
	if (!has_eol) {
		/* The row never left its line: drop the rest of that line. */
		r->skip_line = !eol;
	} else {
		buf_add(&r->pend, r->rec.data + k, r->rec.len - k);
		r->line = r->rec_line + 1;
		r->at_bol = 1;
		r->skip_line = 0;
		r->cr_end = k == r->rec.len && r->rec.data[k - 1] == '\r';
	}
	buf_add(&r->pend, rest, nrest);
	buf_reset(&r->rec);
}

/* Why libcsv stopped, as a reject. */
static void
S_parse_error(struct reader *r, int eol, const char *rest, size_t nrest)
{
	int e = csv_error(&r->p);
	long col = (long)r->nf_all + 1;

	if (e == CSV_ENOMEM && S_refused)
		S_error(r, col, eol, rest, nrest, D_FIELD_TOO_BIG, MAX_FIELD);
	else if (e == CSV_EPARSE)
		S_error(r, col, eol, rest, nrest, D_CSV_STRAY_QUOTE);
	else
		S_error(r, col, eol, rest, nrest, D_ROW_SYNTAX, csv_strerror(e));
}

/*
 * Where the delimiters of a line without quotes are: scans s[0..n) for
 * the first line end, storing up to MAX_FIELDS delimiter positions in
 * r->dpos (*nd counts them all).  Returns the length of the line's text
 * (its end is at s[len], CR or LF), or -1 when s[0..n) has a quote or a
 * NUL before the line end, or no line end: libcsv reads such text.  SSE2 compares 16
 * bytes at a time where the compiler offers it (every x86-64).
 */
#ifdef CV_SCAN_AVX2
/*
 * S_scan_plain 32 bytes at a time: a mask of the delimiters and one of the
 * bytes that end the scan (quote, CR, LF, NUL).  Returns the end of the
 * line, -1 (quote or NUL), or -2 with *at where the last whole block ended
 * (k delimiters so far in *nd): the caller scans the rest.
 */
__attribute__((target("avx2")))
static long
S_scan_avx2(struct reader *r, const char *s, size_t n, size_t *nd, size_t *at)
{
	const __m256i vd = _mm256_set1_epi8(r->delim);
	const __m256i vq = _mm256_set1_epi8('"');
	const __m256i vl = _mm256_set1_epi8('\n');
	const __m256i vc = _mm256_set1_epi8('\r');
	const __m256i vz = _mm256_setzero_si256();
	size_t i, k = 0;

	for (i = 0; i + 32 <= n; i += 32) {
		__m256i v = _mm256_loadu_si256((const __m256i *)(const void *)
		    (s + i));
		uint32_t md = (uint32_t)_mm256_movemask_epi8(
		    _mm256_cmpeq_epi8(v, vd));
		uint32_t me = (uint32_t)_mm256_movemask_epi8(_mm256_or_si256(
		    _mm256_or_si256(_mm256_cmpeq_epi8(v, vq),
		    _mm256_cmpeq_epi8(v, vz)), _mm256_or_si256(
		    _mm256_cmpeq_epi8(v, vl), _mm256_cmpeq_epi8(v, vc))));

		if (me != 0)
			md &= (me & -me) - 1;	/* delimiters before the end */
		if (k + 32 <= MAX_FIELDS)
			for (; md != 0; md &= md - 1, k++)
				r->dpos[k] = i + (size_t)__builtin_ctz(md);
		for (; md != 0; md &= md - 1, k++)
			if (k < MAX_FIELDS)
				r->dpos[k] = i + (size_t)__builtin_ctz(md);
		if (me != 0) {
			size_t j = i + (size_t)__builtin_ctz(me);

			*nd = k;
			return s[j] == '\n' || s[j] == '\r' ? (long)j : -1;
		}
	}
	*nd = k;
	*at = i;
	return -2;
}
#endif

static long
S_scan_plain(struct reader *r, const char *s, size_t n, size_t *nd)
{
	size_t i = 0, k = 0;
	unsigned char c, d = (unsigned char)r->delim;

#ifdef CV_SCAN_AVX2
	if (r->avx2) {
		long e = S_scan_avx2(r, s, n, &k, &i);

		if (e != -2) {
			*nd = k;
			return e;
		}
	}
#endif
#ifdef __SSE2__
	const __m128i vd = _mm_set1_epi8((char)d);
	const __m128i vq = _mm_set1_epi8('"');
	const __m128i vl = _mm_set1_epi8('\n');
	const __m128i vc = _mm_set1_epi8('\r');
	const __m128i vz = _mm_setzero_si128();

	for (; i + 16 <= n; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(
		    _mm_or_si128(_mm_cmpeq_epi8(v, vd), _mm_cmpeq_epi8(v, vq)),
		    _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, vl),
		    _mm_cmpeq_epi8(v, vc)), _mm_cmpeq_epi8(v, vz))));

		while (m != 0) {
			size_t j = i + (size_t)__builtin_ctz(m);

			c = (unsigned char)s[j];
			if (c != d) {
				*nd = k;
				return c == '\n' || c == '\r' ? (long)j : -1;
			}
			if (k < MAX_FIELDS)
				r->dpos[k] = j;
			k++;
			m &= m - 1;
		}
	}
#endif
	for (; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == d) {
			if (k < MAX_FIELDS)
				r->dpos[k] = i;
			k++;
		} else if (c == '"' || c == '\0') {
			return -1;
		} else if (c == '\n' || c == '\r') {
			*nd = k;
			return (long)i;
		}
	}
	return -1;
}

static int
S_csv_space(unsigned char c, char delim)
{
	return (c == ' ' || c == '\t') && c != (unsigned char)delim;
}

/*
 * Field f of the plain line s[0..len) whose nd delimiters are in r->dpos,
 * untrimmed, in *p and *n.  Returns 0 when the column is absent or the
 * field empty, 1 when it needs no trimming and starts with a visible ASCII
 * byte (so S_has holds for it), -1 otherwise (S_has must decide).
 */
static inline int
S_fast_field(const struct reader *r, int f, const char *s, size_t len,
    size_t nd, const char **p, size_t *n)
{
	int c = r->col[f];
	size_t a, b;

	if (c < 0)
		return 0;
	a = c == 0 ? 0 : r->dpos[c - 1] + 1;
	b = (size_t)c < nd ? r->dpos[c] : len;
	*p = s + a;
	*n = b - a;
	if (a == b)
		return 0;
	if ((unsigned char)s[a] <= ' ' || (unsigned char)s[a] >= 0x80 ||
	    S_csv_space((unsigned char)s[b - 1], r->delim))
		return -1;
	return 1;
}

/*
 * The common sales line, queued without building its row: a plain line
 * s[0..len) (its nd delimiters in r->dpos) with as many fields as the
 * header, the date of the line before, an amount and a cost (or none) as
 * val_money reads them, and ids that val_id keeps verbatim.  The line gets
 * exactly the values S_sale_parse would give it.  Any other line returns
 * -1 before anything changes, and goes the general way (S_end_row).
 * Returns 0 when the line was queued.
 */
static int
S_sale_fast(struct reader *r, const char *s, size_t len, size_t nd)
{
	struct sale_ring *q = r->sales;
	struct sale *sl;
	const char *p, *id;
	size_t n, nid;
	int64_t amount, cost = 0;
	uint64_t need, inv = 0;
	int32_t day;
	int have_cost = 0, slot, cq, cp;

	if (q == NULL || nd + 1 != r->n_header)
		return -1;
	/* After an invalid sequence, S_end_row rejects a field holding the
	 * U+FFFD that replaced it; fields are the line less ASCII bytes. */
	if (r->bad_seq > 0 && memmem(s, len, "\xEF\xBF\xBD", 3) != NULL)
		return -1;
	if (S_fast_field(r, F_DATE, s, len, nd, &p, &n) != 1 ||
	    n != r->dc_len || r->dc_field != F_DATE ||
	    memcmp(p, r->dc_text, n) != 0)
		return -1;
	day = r->dc_day;
	if (S_fast_field(r, F_CUSTOMER, s, len, nd, &id, &nid) != 1 ||
	    nid >= sizeof(sl->id) ||
	    !val_id_verbatim_in(id, nid, len - (size_t)(id - s)))
		return -1;
	if (S_fast_field(r, F_AMOUNT, s, len, nd, &p, &n) != 1 ||
	    val_money(p, n, &amount) != 0)
		return -1;
	switch (S_fast_field(r, F_COST, s, len, nd, &p, &n)) {
	case 1:
		if (val_money(p, n, &cost) != 0)
			return -1;
		have_cost = 1;
		break;
	case 0:
		if (S_fast_field(r, F_UCOST, s, len, nd, &p, &n) != 0)
			return -1;	/* a cost from the unit cost, maybe */
		break;
	default:
		return -1;
	}
	/* A quantity without a unit price must be a number: let S_sale_parse
	 * check it. */
	cq = S_fast_field(r, F_QTY, s, len, nd, &p, &n);
	cp = S_fast_field(r, F_PRICE, s, len, nd, &p, &n);
	if (cq < 0 || (cq == 1 && cp != 1))
		return -1;
	slot = S_month_slot(r, day);
	if (slot >= 0 && amount >= 0) {
		switch (S_fast_field(r, F_INVOICE, s, len, nd, &p, &n)) {
		case 1:
			if (n >= 256 ||
			    !val_id_verbatim_in(p, n, len - (size_t)(p - s)))
				return -1;
			inv = model_hash(p, n);
			break;
		case 0:
			inv = S_day_order(day);
			break;
		default:
			return -1;
		}
	}
	/* Over the money budget: the general way rejects it. */
	if (S_budget_need(r, amount, cost, 0, &need) != 0)
		return -1;

	/* Accepted: nothing above changed the reader. */
	*r->money_used += need;
	r->ms_day = day;
	r->ms_slot = slot;
	r->st->rows_read++;
	r->row_line = r->rec_line;
	sl = &q->e[q->pushed & (S_RING - 1)];
	memcpy(sl->id, id, nid);
	sl->id[nid] = '\0';
	S_sale_id(sl, nid);
	sl->day = day;
	sl->amount = amount;
	sl->cost = cost;
	sl->have_cost = have_cost;
	sl->line = r->row_line;
	sl->slot = slot;
	sl->c = NULL;
	sl->inv = inv;
	S_sale_push(r, q);
	return 0;
}

/*
 * A complete line without quotes at s[0..n), read without libcsv: such a
 * line has no escapes to undo, so its fields are the text between
 * delimiters with spaces and tabs trimmed at both ends, exactly as libcsv
 * reads them (a line of only spaces and tabs is no row).  The line is
 * copied once into r->row, each field's end overwritten with a NUL.
 * Returns the bytes used (with the line end), or 0: libcsv must read it.
 * tests/test_ingest.c compares this with libcsv on random lines.
 */
static size_t
S_plain_line(struct reader *r, const char *s, size_t n)
{
	size_t nd = 0, i, k, start, end, used;
	long len = S_scan_plain(r, s, n, &nd);
	char *row;

	/* A line over MAX_FIELD (possible in replayed text) meets libcsv's
	 * size limits and their messages. */
	if (len < 0 || (size_t)len > MAX_FIELD)
		return 0;
	used = (size_t)len + 1;
	if (s[len] == '\r' && used < n && s[used] == '\n')
		used++;
	r->rec_line = r->line;
	r->line++;
	r->at_bol = 1;
	r->cr_end = s[used - 1] == '\r';	/* an LF may follow in the next read */
	for (i = 0; i < (size_t)len && S_csv_space((unsigned char)s[i],
	    r->delim); i++)
		;
	if (i == (size_t)len)
		return used;	/* blank: libcsv submits no row */
	if (r->fast && S_sale_fast(r, s, (size_t)len, nd) == 0)
		return used;
	buf_reset(&r->row);
	buf_add(&r->row, s, (size_t)len + 1);
	row = r->row.data;
	r->row_line = r->rec_line;
	r->nf = 0;
	r->nf_all = nd + 1;
	r->big_col = 0;
	start = 0;
	for (k = 0; k <= nd && k < MAX_FIELDS; k++) {
		end = k < nd ? r->dpos[k] : (size_t)len;
		while (start < end && S_csv_space((unsigned char)row[start],
		    r->delim))
			start++;
		i = end;
		while (i > start && S_csv_space((unsigned char)row[i - 1],
		    r->delim))
			i--;
		row[i] = '\0';
		if (i - start > MAX_FIELD && r->big_col == 0)
			r->big_col = k + 1;
		r->off[k] = start;
		r->len[k] = i - start;
		start = end + 1;
	}
	r->nf = k;
	r->plain = 1;		/* no NUL: the scan stops at one */
	S_end_row(r);
	r->plain = 0;
	r->nf = r->nf_all = r->big_col = 0;
	return used;
}

/*
 * Feed UTF-8 text to libcsv a line at a time, so that every row knows the
 * physical line where it began (a quoted field may span lines).  Returns
 * early after an error, with the text still to feed queued in r->pend.
 */
static void
S_feed(struct reader *r, const char *s, size_t n)
{
	size_t pos = 0, len, got;
	const char *q;
	int eol;

	if (!r->parser_live) {
		if (r->delim == 0)
			r->delim = S_detect_delim(s, n);
		S_csv_start(r);
	}
	while (pos < n && !r->stop) {
		q = s + pos;
		if (r->cr_end) {
			r->cr_end = 0;
			if (*q == '\n') {
				/* The LF of a CRLF split between reads. */
				if (!r->skip_line && r->p.pstate != r->idle_state)
					buf_add(&r->rec, q, 1);
				pos++;
				if (!r->skip_line &&
				    csv_parse(&r->p, q, 1, S_cb_field, S_cb_row,
				    r) != 1) {
					S_parse_error(r, 1, s + pos, n - pos);
					return;
				}
				continue;
			}
		}
		if (r->at_bol && r->header_done && !r->skip_line &&
		    !r->o->csv_only &&
		    r->p.pstate == r->idle_state &&
		    (len = S_plain_line(r, q, n - pos)) > 0) {
			pos += len;
			continue;
		}
		len = S_line_len(q, n - pos, &eol);
		pos += len;
		if (r->skip_line) {
			if (eol) {
				r->skip_line = 0;
				r->line++;
				r->at_bol = 1;
				r->cr_end = q[len - 1] == '\r';
			}
			continue;
		}
		if (r->at_bol && r->p.pstate == r->idle_state) {
			buf_reset(&r->rec);
			r->rec_line = r->line;
		}
		r->at_bol = 0;
		buf_add(&r->rec, q, len);
		if (eol) {
			r->line++;
			r->at_bol = 1;
			r->cr_end = q[len - 1] == '\r';
		}
		if (r->rec.len > MAX_RECORD) {
			S_error(r, 0, eol, s + pos, n - pos, D_RECORD_TOO_BIG,
			    MAX_RECORD);
			return;
		}
		got = csv_parse(&r->p, q, len, S_cb_field, S_cb_row, r);
		if (got != len) {
			S_parse_error(r, eol, s + pos, n - pos);
			return;
		}
		if (r->at_bol && r->p.pstate == r->idle_state)
			buf_reset(&r->rec);
	}
}

/*
 * The decoded text comes from a reader thread (read, decode, check UTF-8)
 * through a few chunk buffers, so the parse overlaps the reading.  The
 * chunks and their order are those of enc_read; only the thread differs.
 * The reader is the faster of the two, so it mostly waits for a free
 * buffer: once all are full it sleeps until half of them are free again,
 * so the parser wakes it once per S_NBUF / 2 chunks, not once per chunk
 * (a wake-up is a system call, about 40 us on the benchmark machine).
 */
#define S_NBUF 8

struct S_pipe {
	pthread_mutex_t mu;
	pthread_cond_t cv;		/* the parser waits here for a chunk */
	pthread_cond_t cv_free;		/* the reader waits here for buffers */
	int parser_waits, reader_waits;
	struct enc_reader *er;
	char *buf[S_NBUF];
	long len[S_NBUF];		/* enc_read's result */
	uint64_t offset[S_NBUF];	/* enc_offset after the chunk */
	size_t bad[S_NBUF];		/* enc_bad_sequences after it */
	unsigned long head, tail;	/* chunks produced, chunks released */
	int quit;			/* the parse stopped: read no more */
	int threaded;
	pthread_t tid;
	long end;			/* the last result (<= 0) once seen */
	int ended;
};

/* Read one chunk into buffer i. */
static void
S_pipe_fill(struct S_pipe *p, unsigned i)
{
	p->len[i] = enc_read(p->er, p->buf[i], CHUNK);
	p->offset[i] = enc_offset(p->er);
	p->bad[i] = enc_bad_sequences(p->er);
}

static void *
S_pipe_thread(void *arg)
{
	struct S_pipe *p = arg;
	unsigned i;
	int last, old;

	/* Cancelled only inside enc_read (S_pipe_stop, early). */
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
	for (;;) {
		pthread_mutex_lock(&p->mu);
		if (p->head - p->tail == S_NBUF) {
			p->reader_waits = 1;
			while (!p->quit && p->head - p->tail > S_NBUF / 2)
				pthread_cond_wait(&p->cv_free, &p->mu);
			p->reader_waits = 0;
		}
		if (p->quit) {
			pthread_mutex_unlock(&p->mu);
			return NULL;
		}
		i = (unsigned)(p->head % S_NBUF);
		pthread_mutex_unlock(&p->mu);
		pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &old);
		S_pipe_fill(p, i);
		pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
		last = p->len[i] <= 0;
		pthread_mutex_lock(&p->mu);
		p->head++;
		if (p->parser_waits)
			pthread_cond_signal(&p->cv);
		pthread_mutex_unlock(&p->mu);
		if (last)
			return NULL;
	}
}

static void
S_pipe_start(struct S_pipe *p, struct enc_reader *er)
{
	int i;

	memset(p, 0, sizeof(*p));
	p->er = er;
	for (i = 0; i < S_NBUF; i++)
		p->buf[i] = cv_malloc(CHUNK);
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	pthread_cond_init(&p->cv_free, NULL);
	p->threaded = pthread_create(&p->tid, NULL, S_pipe_thread, p) == 0;
}

/* The next chunk (its text in *data), or the final result <= 0. */
static long
S_pipe_get(struct S_pipe *p, const char **data, uint64_t *offset,
    size_t *bad)
{
	unsigned i = (unsigned)(p->tail % S_NBUF);

	if (p->ended)
		return p->end;
	if (p->threaded) {
		pthread_mutex_lock(&p->mu);
		p->parser_waits = 1;
		while (p->head == p->tail)
			pthread_cond_wait(&p->cv, &p->mu);
		p->parser_waits = 0;
		pthread_mutex_unlock(&p->mu);
	} else {
		S_pipe_fill(p, i);
	}
	*data = p->buf[i];
	*offset = p->offset[i];
	*bad = p->bad[i];
	if (p->len[i] <= 0) {
		p->ended = 1;
		p->end = p->len[i];
	}
	return p->len[i];
}

/* The chunk from S_pipe_get is used up: its buffer may be refilled. */
static void
S_pipe_release(struct S_pipe *p)
{
	if (!p->threaded) {
		p->tail++;
		return;
	}
	pthread_mutex_lock(&p->mu);
	p->tail++;
	if (p->reader_waits && p->head - p->tail <= S_NBUF / 2)
		pthread_cond_signal(&p->cv_free);
	pthread_mutex_unlock(&p->mu);
}

/*
 * Stop the reader (done or not) and free the buffers.  early: the parse
 * failed before the end, so a read under way is cancelled rather than
 * waited for (on an idle pipe it would wait for the writer), and the
 * reader's state is not used again.
 */
static void
S_pipe_stop(struct S_pipe *p, int early)
{
	int i;

	if (p->threaded) {
		pthread_mutex_lock(&p->mu);
		p->quit = 1;
		pthread_cond_signal(&p->cv_free);
		pthread_mutex_unlock(&p->mu);
		if (early)
			pthread_cancel(p->tid);
		/* Otherwise a read under way finishes before the file is
		 * closed. */
		pthread_join(p->tid, NULL);
	}
	for (i = 0; i < S_NBUF; i++)
		free(p->buf[i]);
	pthread_cond_destroy(&p->cv);
	pthread_cond_destroy(&p->cv_free);
	pthread_mutex_destroy(&p->mu);
}

static int
S_read_file(struct model *m, const struct ingest_opts *o, enum input_kind k,
    const char *path, uint64_t *money_used, struct diag *d)
{
	const struct config *cfg = o->cfg;
	struct reader *r;
	struct enc_reader *er = NULL;
	struct buf work;
	struct S_pipe pipe;
	const char *data = NULL;
	uint64_t offset = 0;
	long n = 0;
	uint64_t total = 0, next_report = 0;
	int rc = 0, e, early;
	const char *enc = cfg->in[k].encoding;
	const char *legacy = cfg->legacy_encoding;
	struct stat sb;
	struct {
		char hex[65];
		int rc;
	} sha;		/* the file's SHA-256, from the reader */

	if (enc != NULL && (strcmp(enc, "auto") == 0 || enc[0] == '\0'))
		enc = NULL;
	if (enc != NULL && enc_detect_name(enc) < 0) {
		diag_add(d, D_ENCODING_UNKNOWN, path, 0L, 0L, enc);
		return -1;
	}
	if (legacy != NULL && (e = enc_detect_name(legacy)) >= 0 &&
	    !enc_kind_is_legacy((enum enc_kind)e)) {
		diag_add(d, D_ENCODING_NOT_LEGACY, path, 0L, 0L, legacy);
		return -1;
	}
	if (legacy != NULL && enc_detect_name(legacy) < 0) {
		diag_add(d, D_ENCODING_UNKNOWN, path, 0L, 0L, legacy);
		return -1;
	}
	r = cv_calloc(1, sizeof(*r));
	r->m = m;
	r->o = o;
	r->cfg = cfg;
	r->d = d;
	r->kind = k;
	r->path = path;
	r->money_used = money_used;
	r->line = 1;
	r->rec_line = 1;
	r->ms_slot = INT32_MIN;		/* no day cached yet */
	r->at_bol = 1;
	r->delim = cfg->in[k].delimiter;
	r->avx2 = cv_cpu_avx2();
	buf_init(&r->row);
	buf_init(&r->rec);
	buf_init(&r->pend);
	buf_init(&work);
	r->st = model_add_input(m, input_kind_name(k), path);
	if (stat(path, &sb) == 0)
		total = (uint64_t)sb.st_size;
	sha.rc = -1;
	if ((e = enc_open(&er, path, enc, legacy)) != 0) {
		if (e == ESPIPE)
			diag_add(d, D_PIPE_ENCODING, path, 0L, 0L,
			    legacy != NULL ? legacy : "GB18030");
		else
			diag_add(d, D_OPEN_FAILED, path, 0L, 0L, strerror(e));
		enc_close(er);
		buf_free(&r->row);
		buf_free(&r->rec);
		buf_free(&r->pend);
		free(r);
		return -1;
	}
	r->er = er;
	r->enc_name = enc_name(er);
	free(r->st->encoding);
	r->st->encoding = cv_strdup(r->enc_name);
	if (enc_is_legacy_guess(er))
		diag_add(d, D_LEGACY_ENCODING, path, 0L, 0L, r->enc_name);
	else if (enc != NULL && strncmp(r->enc_name, "UTF", 3) != 0)
		diag_add(d, D_ENCODING_CONFIGURED, path, 0L, 0L, r->enc_name);

	S_pipe_start(&pipe, er);
	S_refused = 0;
	while (!r->stop) {
		if (r->pend.len > 0) {
			struct buf t = work;

			work = r->pend;
			r->pend = t;
			buf_reset(&r->pend);
			S_feed(r, work.data, work.len);
			continue;
		}
		n = S_pipe_get(&pipe, &data, &offset, &r->bad_seq);
		if (n < 0) {
			diag_add(d, D_OPEN_FAILED, path, 0L, 0L, strerror(EIO));
			rc = -1;
			break;
		}
		if (n > 0) {
			S_feed(r, data, (size_t)n);	/* copies what it keeps */
			S_pipe_release(&pipe);
			if (o->progress != NULL && offset >= next_report) {
				o->progress(path, offset, total,
				    o->progress_ctx);
				next_report = offset + (8u << 20);
			}
			continue;
		}
		/* End of file: complete a last row without a line end. */
		if (!r->parser_live)
			break;
		if (csv_fini(&r->p, S_cb_field, S_cb_row, r) == 0) {
			csv_free(&r->p);
			r->parser_live = 0;
			break;
		}
		S_error(r, (long)r->nf_all + 1, 1, "", 0, D_CSV_UNTERMINATED);
	}
	/* Stopped before the end: there will be no report to record the
	 * file's SHA-256 in, and no reason to read (or wait for) the rest. */
	early = rc != 0 || r->fatal || (r->stop && cfg->strict);
	S_pipe_stop(&pipe, early);
	S_sales_drain(r);
	free(r->sales);
	if (r->parser_live)
		csv_free(&r->p);
	if (early) {
		sha.rc = 0;
		memset(sha.hex, 0, sizeof(sha.hex));
	} else
		sha.rc = enc_sha256(er, sha.hex);	/* the bytes just parsed */
	if (sha.rc != 0 && rc == 0) {
		diag_add(d, D_OPEN_FAILED, path, 0L, 0L, strerror(EIO));
		rc = -1;
	}
	memcpy(r->st->sha256, sha.hex, sizeof(sha.hex));
	if (rc == 0 && !r->header_done && !r->stop) {
		diag_add(d, D_EMPTY_FILE, path, 0L, 0L);
		rc = -1;
	}
	if (r->fatal || (r->stop && cfg->strict))
		rc = -1;
	if (rc == 0 && o->max_messages != 0 &&
	    r->st->rows_rejected > r->n_reject_msgs)
		diag_add(d, D_MORE_REJECTS, path, 0L, 0L,
		    (unsigned long long)(r->st->rows_rejected -
		    r->n_reject_msgs), "rejects.csv");
	if (rc == 0 && r->st->rows_rejected > 0)
		diag_add(d, D_REJECTS_SUMMARY, path, 0L, 0L,
		    (unsigned long long)r->st->rows_rejected,
		    (unsigned long long)r->st->rows_read);
	if (o->progress != NULL)
		o->progress(path, total, total, o->progress_ctx);
	enc_close(er);
	buf_free(&r->row);
	buf_free(&r->rec);
	buf_free(&r->pend);
	buf_free(&work);
	free(r);
	return rc;
}

int
ingest_all(struct model *m, const struct ingest_opts *o, struct diag *d)
{
	static const enum input_kind order[] = { IN_CUSTOMERS, IN_SALES,
	    IN_PAYMENTS, IN_CREDIT, IN_ASSESSMENTS };
	uint64_t money_used = 0;
	size_t i;
	int j;

	if (o->rejects != NULL) {
		static const char *const hdr[] = { "file", "line", "column",
		    "reason", "fields" };
		fputs("\xEF\xBB\xBF", o->rejects);
		csv_write_record(o->rejects, hdr, 5);
	}
	m->track_pay = o->cfg->in[IN_PAYMENTS].n_paths > 0;
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		const struct input_cfg *in = &o->cfg->in[order[i]];
		for (j = 0; j < in->n_paths; j++)
			if (S_read_file(m, o, order[i], in->paths[j],
			    &money_used, d) != 0)
				return -1;
	}
	model_grown(m);	/* no more customers or months */
	model_sort(m);
	return 0;
}

void
csv_write_field(FILE *fp, const char *s, int last)
{
	const char *p;

	if (strpbrk(s, ",\"\r\n") != NULL || s[0] == ' ' || s[0] == '\t' ||
	    (s[0] != '\0' && (s[strlen(s) - 1] == ' ' ||
	    s[strlen(s) - 1] == '\t'))) {
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
