/* config.h: run configuration, loaded from the default profile, a user config and flags. */
#ifndef CUSTEVAL_CONFIG_H
#define CUSTEVAL_CONFIG_H

#include <stdint.h>

#include "diag.h"

enum input_kind {
	IN_SALES = 0, IN_PAYMENTS, IN_CREDIT, IN_CUSTOMERS, IN_ASSESSMENTS,
	IN__COUNT
};
const char *input_kind_name(enum input_kind k);

#define CFG_MAX_PATHS 64
#define CFG_MAX_COLS 16

/* Header names that map to one field; "|" separates alternatives. */
struct col_map {
	char *field;		/* "date", "customer", "amount", ... */
	char *headers;		/* "日期|date|单据日期" */
	char *date_format;	/* NULL or "auto", "ymd", "dmy", "mdy", "excel" */
	int required;
};

struct input_cfg {
	char *paths[CFG_MAX_PATHS];	/* files, after glob expansion */
	int n_paths;
	char *encoding;		/* "auto" or a name */
	char delimiter;		/* 0 = detect */
	struct col_map cols[CFG_MAX_COLS];
	int n_cols;
};

#define CFG_MAX_BANDS 8

struct indicator_cfg {
	char *key;
	double weight;		/* manual weight (relative) */
	int enabled;
	/* Banded scoring (normalization="band"): lower bounds, increasing,
	 * and the points 0..100 of each band. */
	double band_from[CFG_MAX_BANDS];
	double band_points[CFG_MAX_BANDS];
	int n_bands;
};

#define CFG_MAX_IND 40
#define CFG_MAX_TIERS 6

struct tier_cfg {
	char *key;		/* "A" */
	double share;		/* population share (share scheme) */
	double cutoff;		/* minimum score (cutoff scheme) */
	double cum;		/* cumulative contribution upper bound (pareto) */
};

struct config {
	char *source;		/* user config path, or NULL */
	/* report */
	char *title, *client, *consultant, *logo;
	enum diag_lang lang;
	char *accent;		/* "#1F4E79" */
	/* evaluation */
	int32_t as_of;		/* days; CV_DATE_NONE = not set */
	int cycle_years;
	double year_weights[10];	/* oldest first, normalised to sum 1 */
	int n_year_weights;
	char *granularity;	/* "month" or "quarter" */
	/* inputs */
	struct input_cfg in[IN__COUNT];
	char *legacy_encoding;	/* "GB18030" */
	int unknown_create;	/* 1: create unknown customers, 0: reject */
	int strict;
	int default_terms;	/* payment terms when the master has none */
	/* method */
	char *normalization;	/* minmax, zscore, percentile, band */
	char *weighting;	/* manual, entropy, critic, ahp, combined */
	char *scoring;		/* sum, topsis */
	double combine_alpha;	/* share of subjective weights in combined */
	char *ahp_matrix;	/* CSV path for ahp weighting */
	char *ri_table;
	struct indicator_cfg ind[CFG_MAX_IND];
	int n_ind;
	/* tiers */
	char *tier_scheme;	/* share, cutoff, pareto */
	struct tier_cfg tiers[CFG_MAX_TIERS];
	int n_tiers;
	/* quadrant */
	char *quad_x, *quad_y;	/* indicator or composite keys */
	char *quad_split;	/* median, mean, fixed */
	double quad_x_value, quad_y_value;
	/* lifecycle and flags */
	int sleeping_months;	/* no order for this many months */
	double fast_growth;	/* last-year growth at or above: fast-growing */
	double sharp_decline;	/* last-year change at or below: sharp decline */
	double fake_big_margin;	/* margin below this with top revenue */
	double fake_big_rank_share; /* top share by revenue considered big */
	int late_days;		/* avg days late beyond terms: late payer */
	/* outputs */
	char *policies;		/* policy library path; "{lang}" expands */
	char *report_template;	/* PDF template path; "{lang}" expands */
	char *scorecard_tiers;	/* "A B" */
	char *out_dir;
};

void config_init(struct config *c);
void config_free(struct config *c);

/*
 * Load an XML config over c, validating it against xsd_path.  Returns 0,
 * or -1 with messages in d (FILE:LINE).  Untrusted: NONET, no DOCTYPE.
 */
int config_load(struct config *c, const char *path, const char *xsd_path,
    struct diag *d);

/* Normalise and check the merged config (weights, shares); 0 or -1. */
int config_finish(struct config *c, struct diag *d);

/* Replace one input's files with a single path (command-line flags). */
void config_set_input(struct config *c, enum input_kind k, const char *path);

#endif
