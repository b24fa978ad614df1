/* prior.h: a previous period's XML report, read back safely, and tier migration against it. */
#ifndef CUSTEVAL_PRIOR_H
#define CUSTEVAL_PRIOR_H

#include <stdatomic.h>
#include <stddef.h>

#include "diag.h"
#include "evaluate.h"

#define PRIOR_MAX_MOVERS 200

struct prior_customer {
	char *id;		/* in the prior's text blocks */
	char *name;
	char tier[16];
	double score;
	size_t rank;
	size_t pt, n_pt;	/* its indicator points: pt_ind/pt_val[pt..] */
};

struct prior_mover {
	size_t cur;		/* index into evaluation.ec */
	size_t old;		/* index into prior.pc */
	int steps;		/* tiers moved: > 0 up, < 0 down */
	int ind[3];		/* indicators whose points changed most, -1 none */
	double delta[3];	/* their change in points */
};

struct prior {
	char *path;
	char as_of[16];
	char version[16];
	struct prior_customer *pc;	/* sorted by id */
	size_t n;
	unsigned char *pt_ind;	/* indicator (current index) of each point, */
	double *pt_val;		/* and the points; freed by prior_migrate */
	size_t n_pt;
	char **blocks;		/* text of ids and names */
	size_t n_blocks, text_left;
	char *text_cur;
	char tier_keys[CFG_MAX_TIERS][16];
	size_t n_tiers;
	/* migration: rows = prior tier (+1 row "new"), cols = current tier
	 * (+1 col "lost"); tiers matched by key */
	size_t matrix[CFG_MAX_TIERS + 1][CFG_MAX_TIERS + 1];
	struct prior_mover *movers;	/* up first, then down; by size */
	size_t n_movers, n_up, n_down, n_same;
	size_t *new_cust;	/* current indexes not in the prior */
	size_t n_new;
	size_t *lost;		/* prior indexes not evaluated now */
	size_t n_lost;
	const struct evaluation *eval;	/* set by prior_migrate */
};

/*
 * Read a report written by this or an earlier version of custeval
 * (streaming; no network, no entities, DOCTYPE rejected; validated
 * against xsd_path).  Returns NULL with messages in d.  cancel (may be
 * NULL) set by another thread stops the reading between chunks.
 */
struct prior *prior_load(const char *path, const char *xsd_path,
    const atomic_int *cancel, struct diag *d);
void prior_free(struct prior *p);

/* Compute migration against the current evaluation. */
void prior_migrate(struct prior *p, const struct evaluation *ev);

/* Write the <migration> element (writer is an xmlTextWriterPtr). */
void prior_write_xml(const struct prior *p, void *writer, int *err);

/* Index of a prior tier key in the current evaluation's tiers, or -1. */
int prior_tier_index(const struct evaluation *ev, const char *key);

#endif
