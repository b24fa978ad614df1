/* render_pdf_int.h: private interface between the PDF pack's files (template, pack, scorecards). */
#ifndef CUSTEVAL_RENDER_PDF_INT_H
#define CUSTEVAL_RENDER_PDF_INT_H

#include <stddef.h>
#include <stdint.h>

#include "pdf_layout.h"
#include "render.h"

/* ---- the report template (render_pdf_tpl.c) ---------------------------- */

enum rp_kind {
	RP_COVER, RP_CONTENTS, RP_SUMMARY, RP_TIERS, RP_PARETO, RP_QUADRANT,
	RP_CLASSES, RP_RISK, RP_POLICIES, RP_MIGRATION, RP_METHOD,
	RP_DATA_QUALITY, RP_SCORECARDS, RP__COUNT
};

struct rp_section {
	enum rp_kind kind;
	char *title;		/* "" when the template gives none */
	char **intro;		/* paragraphs with placeholders */
	size_t n_intro;
	int table, chart;	/* draw the section's tables / charts */
	long limit;		/* row or scorecard cap; 0 = default */
	long line;		/* where it is in the template */
};

struct rp_template {
	char *path;
	char *title;		/* "" = none */
	struct rp_section *sec;	/* in template order */
	size_t n_sec;
	char *greeting;		/* letter; NULL when the template has none */
	char **para;
	size_t n_para;
	char *closing, *signature;	/* "" = none */
};

/*
 * Load and check a template: no network, DOCTYPE rejected, validated
 * against xsd_path, every placeholder known, each kind at most once.
 * NULL with messages (FILE:LINE) in d.
 */
struct rp_template *rp_template_load(const char *path, const char *xsd_path,
    struct diag *d);
void rp_template_free(struct rp_template *t);
const struct rp_section *rp_section(const struct rp_template *t,
    enum rp_kind k);
/* The template's path for a report (r->template_path or a fallback). */
char *rp_template_path(const struct report *r);
/* The schema's path (datadir/report-template.xsd). */
char *rp_xsd_path(const struct report *r);

/* Placeholder values, by name without braces. */
struct rp_var {
	const char *name;
	const char *value;
};
#define RP_MAX_VARS 40
struct rp_vars {
	struct rp_var v[RP_MAX_VARS];
	size_t n;
	char store[RP_MAX_VARS][256];
};
void rp_vars_set(struct rp_vars *vs, const char *name, const char *value);
/* s with every {name} replaced (unknown names are left as written);
 * malloc'd. */
char *rp_expand(const char *s, const struct rp_vars *vs);

/* ---- shared rendering context (render_pdf.c) --------------------------- */

#define RP_N_ORDERS (EV_BY_PARETO + 1)	/* enum ev_order values */

struct rp_ctx {
	const struct report *r;
	struct diag *d;
	const struct evaluation *ev;
	const struct labels *L;
	const struct rp_template *tpl;
	struct pl_doc *doc;
	struct rp_vars vars;
	const size_t *scope;	/* customers covered, in id order */
	size_t n_scope;
	size_t *own_scope;	/* allocated when scope is all customers */
	int subset;		/* 1: r->subset restricts the pack */
	const char *sep;	/* list separator in the language */
	size_t *order[RP_N_ORDERS];	/* scope per enum ev_order, sorted on
					 * first use (render_pdf.c) */
};

/* Formatting helpers (render_pdf.c). */
char *rp_int(uint64_t v, char *buf);		/* "12,345"; buf >= 32 */
char *rp_pct(double v, int decimals, char *buf);	/* "12.3%"; "-" NaN; buf >= 32 */
const char *rp_lab(const struct rp_ctx *x, const char *key);
/* A label with {placeholders} filled from a NULL-terminated list of
 * name, value pairs (then the context's vars); malloc'd. */
char *rp_labf(const struct rp_ctx *x, const char *key, ...);
/* The flags of a customer as one string in the language. */
void rp_flags_text(const struct rp_ctx *x, unsigned flags, char *buf,
    size_t n);
/* Fill the per-customer placeholders ({customer}, {tier}, ...). */
void rp_customer_vars(struct rp_ctx *x, size_t i);

/* Draw one scorecard (render_pdf_card.c) on a fresh page, or when
 * new_page is 0 below what is on the current page (the first card under
 * the section's heading and intro); heading level 2 inside the pack, 1 in
 * a standalone letter.  A pack scorecard keeps to its page. */
void rp_scorecard(struct rp_ctx *x, size_t i, int level, int new_page);

/* Common type scale, points. */
#define RP_BODY 9.5f
#define RP_SMALL 8.5f
#define RP_CAPTION 7.5f
#define RP_TABLE 8.5f

#endif
