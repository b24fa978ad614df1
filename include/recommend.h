/* recommend.h: turns an evaluated customer into policy facts and asks the policy library what to do. */
#ifndef CUSTEVAL_RECOMMEND_H
#define CUSTEVAL_RECOMMEND_H

#include <stddef.h>
#include <stdint.h>

#include "evaluate.h"
#include "policy.h"

#define REC_MAX_POLICIES 24
#define REC_MAX_ITEMS 12

/* Segment policy set, with how many customers it covers. */
struct rec_segment {
	const char *kind;	/* "tier", "quadrant" */
	const char *key;
	size_t customers;
	struct pol_rec *pol;	/* n_pol entries */
	size_t n_pol;
};

/* The policies and checklist of customers with the same facts. */
struct rec_group {
	size_t first;		/* the first customer of the group */
	size_t count;		/* customers in it */
	struct pol_rec *pol;	/* n_pol entries */
	size_t n_pol;
	struct pol_check_item *item;	/* n_item entries */
	size_t n_item;
};

struct recommend {
	const struct pol_library *lib;
	const struct evaluation *ev;
	struct rec_segment *seg;
	size_t n_seg;
	size_t n_with_checklist;	/* customers that get a checklist */
	/*
	 * A customer's policies and checklist depend only on its facts (type,
	 * tier, quadrant, class, value group, flags, weakest dimensions), and
	 * few combinations occur, so the library is asked once per group.
	 */
	uint32_t *group;	/* group of each customer (ev->n) */
	struct rec_group *groups;
	size_t n_groups;
};

/* Build the segment summaries and ask the library once per group of
 * customers with equal facts. */
void recommend_init(struct recommend *r, const struct pol_library *lib,
    const struct evaluation *ev);
void recommend_free(struct recommend *r);

/* Policies (at most max) and checklist (at most max_items) for ev->ec[i]. */
size_t recommend_customer(const struct recommend *r, size_t i,
    struct pol_rec *out, size_t max);
size_t recommend_checklist(const struct recommend *r, size_t i,
    struct pol_check_item *out, size_t max);

#endif
