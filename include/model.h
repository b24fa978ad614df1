/* model.h: the in-memory model a run builds: customers, their monthly aggregates, and ingest accounting. */
#ifndef CUSTEVAL_MODEL_H
#define CUSTEVAL_MODEL_H

#include <stddef.h>
#include <stdint.h>

#define CV_DATE_NONE INT32_MIN
#define CV_MAX_YEARS 10

enum cust_type {
	CT_UNKNOWN = 0, CT_DEALER, CT_WHOLESALER, CT_RETAILER, CT_AGENT,
	CT_KEY_ACCOUNT, CT_END_USER, CT__COUNT
};

/* Assessment dimensions, in docs/keys.md order. */
enum dim {
	DIM_DEVELOPMENT = 0, DIM_SALES_MGMT, DIM_NETWORK, DIM_PROMOTION,
	DIM_AFTER_SALES, DIM_RELATIONSHIP,		/* six capability dimensions */
	DIM_PRODUCT_TRACTION, DIM_MGMT_IMPROVEMENT, DIM_BRAND, DIM_RESPONSIVENESS,
	DIM_QUALITY, DIM_SAFETY,			/* non-economic factors */
	DIM__COUNT
};
#define DIM_N_CAPABILITY 6

enum viol { VIOL_CROSS_TERRITORY = 0, VIOL_PRICE_DUMPING, VIOL__COUNT };

const char *cust_type_key(enum cust_type t);	/* "dealer", ... "" */
int cust_type_parse(const char *s);		/* English/Chinese names; -1 */
const char *dim_key(enum dim d);
int dim_parse(const char *s);			/* key or Chinese name; -1 */
const char *viol_key(enum viol v);
int viol_parse(const char *s);

/* One customer-month inside the evaluation window. */
struct month_agg {
	int64_t revenue;	/* net sales, minor units (returns subtract) */
	int32_t orders;		/* invoices (returns not counted) */
};

/*
 * Payment timing of one month, kept only when payments are read (most of
 * a sales-only run's memory is months).
 */
struct month_pay {
	int64_t paid;		/* payments received, minor units */
	float inv_w;		/* gross sales as float, weight of inv_day */
	float inv_day;		/* amount-weighted mean day-of-month of sales */
	float pay_day;		/* amount-weighted mean day-of-month of payments */
};

/* The latest credit snapshot on or before the evaluation date. */
struct credit {
	int present;
	int32_t as_of;		/* days since 1970-01-01 */
	int64_t limit;		/* minor units; 0 = no limit given */
	int64_t balance;	/* minor units */
	int64_t overdue;	/* minor units */
	int32_t max_days_overdue;
	char rating[16];
};

/* Sums of one cycle year, kept together: a sales line updates one. */
struct cust_year {
	int64_t revenue;	/* net sales, minor units */
	int64_t cost;		/* cost of lines that gave cost */
	int64_t cost_revenue;	/* revenue of those lines */
	int64_t returns;	/* returned amount, positive */
	int64_t gross;		/* gross sales before returns */
};

/*
 * A customer.  The fields a sales line touches come first, with a short
 * id inline, so that a line usually costs one cache line here, one in
 * year[] and one in months[].  Allocated by the model (model_get).
 */
struct customer {
	char *id;			/* id_short, or allocated if longer */
	struct month_agg *months;	/* model->n_months entries, or NULL */
	struct month_pay *pay;		/* the same, when payments are read */
	int32_t first_sale, last_sale;	/* any date, CV_DATE_NONE */
	uint64_t last_invoice;		/* hash of the last invoice id */
	int64_t sales_before_window;	/* net sales before the window */
	struct cust_year *year;		/* cycle_years entries, [0] oldest */
	char id_short[8];
	int64_t paid_before_window;	/* payments before the window */

	/* Texts owned by the model (model_text), "" if unknown. */
	const char *name;
	enum cust_type type;
	const char *region, *industry, *rep, *territory;
	int32_t since;		/* customer since (days) or CV_DATE_NONE */
	int32_t terms_days;	/* payment terms, days; -1 = default */
	int in_master;		/* listed in the customer master */
	const char *src_file;	/* where it was first seen (not owned) */
	long src_line;

	struct credit credit;
	float dim[DIM__COUNT];		/* latest assessment, NaN if none */
	int32_t dim_period[DIM__COUNT];	/* month index of that score */
	int32_t violations[VIOL__COUNT];	/* in the last cycle year */
	int n_assessments;
};

/* Accounting for one input file: nothing is lost. */
struct input_stats {
	char *path;
	char *kind;		/* "sales", "payments", ... */
	char *encoding;		/* what was used to read it */
	char sha256[65];
	uint64_t rows_read, rows_accepted, rows_rejected;
	uint64_t rows_outside;	/* accepted but outside the window */
	int64_t amount_total;	/* sum of accepted money column, minor */
	int64_t cost_total;	/* sales: sum of accepted cost */
	int32_t date_min, date_max;
};

/* Rejects by reason, for the data-quality section. */
struct reject_reason {
	char *kind;		/* input kind */
	int id;			/* enum diag_id */
	char *text;		/* message text in the run language, without the place */
	uint64_t count;
};

/* One slot of the customer index: the id's hash and the customer. */
struct model_slot {
	uint64_t hash;
	struct customer *c;	/* NULL = empty */
};

struct model {
	int32_t as_of;		/* evaluation date, days */
	int cycle_years;
	int32_t first_month;	/* month index (y*12+m-1) of window start */
	int n_months;		/* cycle_years * 12 */
	int32_t window_start;	/* first day inside the window */
	int track_pay;		/* keep struct month_pay (payments are read) */

	struct customer **cust;	/* in order of first appearance */
	size_t n_cust, cap_cust;
	struct model_slot *hslots;	/* open-addressing index into cust */
	size_t n_hslots;
	void **blocks;			/* memory of customers and months */
	size_t n_blocks;
	char *block_cur;		/* free part of the last block */
	size_t block_left;
	struct model_prefault *pf;	/* the next block, made ready ahead */
	int no_prefault;		/* no helper (any more): model_grown was
					 * called, or the thread did not start */
	char **texts;			/* blocks of model_text's copies */
	size_t n_texts;
	char *text_cur;			/* free part of the last one */
	size_t text_left;
	const char **tslots;		/* model_text's index, open addressing */
	size_t n_tslots, n_tused;

	struct input_stats *inputs;
	size_t n_inputs;
	struct reject_reason *reasons;
	size_t n_reasons;

	int64_t revenue_total;		/* accepted sales lines, all dates */
	int64_t cost_total;
	int64_t payments_total;
	int64_t revenue_in_window;
};

void model_init(struct model *m, int32_t as_of, int cycle_years);
void model_free(struct model *m);
struct customer *model_find(const struct model *m, const char *id);
/* s[0..n) as a NUL-terminated text kept until model_free; with _shared,
 * equal texts (the master's regions, reps, ...) share one copy. */
const char *model_text(struct model *m, const char *s, size_t n);
const char *model_text_shared(struct model *m, const char *s, size_t n);
/* Find or create; *created set to 1 when new.  _hashed: with the id's
 * model_hash already known. */
struct customer *model_get(struct model *m, const char *id, int *created);
struct customer *model_get_hashed(struct model *m, const char *id,
    uint64_t hash, int *created);
/* The hash of an id in the customer index (any short text). */
uint64_t model_hash(const char *s, size_t n);
/* model_hash of an id of n bytes, 0 < n < 8, given as the word its bytes
 * make with NUL padding (memcpy of the padded id into a uint64_t). */
uint64_t model_hash_short(uint64_t w, size_t n);
/* Lookup with the id's model_hash already known. */
struct customer *model_find_hashed(const struct model *m, const char *id,
    uint64_t hash);
/* The ingest's pipeline: prefetch the index slot of a hash; the first
 * customer whose hash matches (its id still to be compared), or NULL. */
void model_prefetch_slot(const struct model *m, uint64_t hash);
struct customer *model_candidate(const struct model *m, uint64_t hash);
/* The model is complete (ingest done): stop preparing memory ahead. */
void model_grown(struct model *m);
/* c->months and c->pay, allocated zeroed on first use. */
struct month_agg *model_months(struct model *m, struct customer *c);
struct month_pay *model_pay(struct model *m, struct customer *c);
/* Month slot index for a date, or -1 when outside the window. */
int model_month_slot(const struct model *m, int32_t day);
/* Cycle year of a date: 0 = oldest .. cycle_years-1 = latest; -1 outside. */
int model_year_of(const struct model *m, int32_t day);
struct input_stats *model_add_input(struct model *m, const char *kind,
    const char *path);
void model_count_reject(struct model *m, const char *kind, int id,
    const char *text);
/* Sort customers by id (deterministic order for every later stage). */
void model_sort(struct model *m);

#endif
