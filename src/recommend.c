/* recommend.c: facts from the evaluation, policies and checklists from the policy library. */
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "recommend.h"
#include "util.h"

struct S_facts {
	struct pol_facts f;
	const char *flags[FLAG__COUNT];
	const char *weak[3];
};

static void
S_facts(const struct evaluation *ev, size_t i, struct S_facts *sf)
{
	const struct eval_customer *e = &ev->ec[i];
	int k;

	memset(sf, 0, sizeof(*sf));
	sf->f.customer_type = e->c->type != CT_UNKNOWN ?
	    cust_type_key(e->c->type) : NULL;
	sf->f.tier = ev->tiers[e->tier].key;
	sf->f.quadrant = e->quadrant;
	sf->f.lifecycle = e->lifecycle;
	sf->f.value_group = e->value_group;
	for (k = 0; k < FLAG__COUNT; k++)
		if (e->flags & (1u << k))
			sf->flags[sf->f.n_flags++] = flag_key(k);
	sf->f.flags = sf->flags;
	for (k = 0; k < 3; k++)
		if (e->weak[k] >= 0)
			sf->weak[sf->f.n_weak++] = dim_key(e->weak[k]);
	sf->f.weak_dims = sf->weak;
}

static void
S_segment(struct recommend *r, const char *kind, const char *key,
    size_t customers)
{
	struct rec_segment *s;
	struct pol_rec tmp[REC_MAX_POLICIES];
	size_t n;

	n = pol_segment(r->lib, kind, key, tmp, REC_MAX_POLICIES);
	if (n > REC_MAX_POLICIES)
		n = REC_MAX_POLICIES;
	r->seg = cv_realloc(r->seg, (r->n_seg + 1) * sizeof(*r->seg));
	s = &r->seg[r->n_seg++];
	s->kind = kind;
	s->key = key;
	s->customers = customers;
	s->n_pol = n;
	s->pol = cv_malloc((n ? n : 1) * sizeof(*s->pol));
	memcpy(s->pol, tmp, n * sizeof(*tmp));
}

static int
S_streq0(const char *a, const char *b)
{
	return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

static int
S_facts_eq(const struct S_facts *a, const struct S_facts *b)
{
	size_t k;

	if (!S_streq0(a->f.customer_type, b->f.customer_type) ||
	    !S_streq0(a->f.tier, b->f.tier) ||
	    !S_streq0(a->f.quadrant, b->f.quadrant) ||
	    !S_streq0(a->f.lifecycle, b->f.lifecycle) ||
	    !S_streq0(a->f.value_group, b->f.value_group) ||
	    a->f.n_flags != b->f.n_flags || a->f.n_weak != b->f.n_weak)
		return 0;
	for (k = 0; k < a->f.n_flags; k++)
		if (!S_streq0(a->flags[k], b->flags[k]))
			return 0;
	for (k = 0; k < a->f.n_weak; k++)
		if (!S_streq0(a->weak[k], b->weak[k]))
			return 0;
	return 1;
}

static uint64_t
S_mix(uint64_t h, const char *s)
{
	h ^= s != NULL ? cv_hash(s, strlen(s)) : 0x9e3779b97f4a7c15ULL;
	return h * 0x100000001b3ULL;
}

static uint64_t
S_facts_hash(const struct S_facts *sf)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t k;

	h = S_mix(h, sf->f.customer_type);
	h = S_mix(h, sf->f.tier);
	h = S_mix(h, sf->f.quadrant);
	h = S_mix(h, sf->f.lifecycle);
	h = S_mix(h, sf->f.value_group);
	for (k = 0; k < sf->f.n_flags; k++)
		h = S_mix(h, sf->flags[k]);
	h = S_mix(h, "|");
	for (k = 0; k < sf->f.n_weak; k++)
		h = S_mix(h, sf->weak[k]);
	return h;
}

/* A twice larger index of n groups by their hashes. */
static uint32_t *
S_regrow(uint32_t *slot, size_t *n_slot, const uint64_t *hash, size_t n)
{
	size_t k, j, mask;

	free(slot);
	*n_slot *= 2;
	mask = *n_slot - 1;
	slot = cv_malloc(*n_slot * sizeof(*slot));
	memset(slot, 0xff, *n_slot * sizeof(*slot));
	for (k = 0; k < n; k++) {
		for (j = (size_t)hash[k] & mask; slot[j] != UINT32_MAX;
		    j = (j + 1) & mask)
			;
		slot[j] = (uint32_t)k;
	}
	return slot;
}

/* Group the customers by their facts; ask the library once per group. */
static void
S_groups(struct recommend *r)
{
	const struct evaluation *ev = r->ev;
	size_t n_slot = 1024, i, j, cap = 0;
	uint32_t *slot = cv_malloc(n_slot * sizeof(*slot));
	uint64_t *hash = NULL;
	struct pol_rec pol[REC_MAX_POLICIES];
	struct pol_check_item items[REC_MAX_ITEMS];

	memset(slot, 0xff, n_slot * sizeof(*slot));
	r->group = cv_malloc((ev->n ? ev->n : 1) * sizeof(*r->group));
	for (i = 0; i < ev->n; i++) {
		struct S_facts sf, sg;
		uint64_t h;
		uint32_t g;

		S_facts(ev, i, &sf);
		h = S_facts_hash(&sf);
		for (j = (size_t)h & (n_slot - 1); slot[j] != UINT32_MAX;
		    j = (j + 1) & (n_slot - 1)) {
			if (hash[slot[j]] != h)
				continue;
			S_facts(ev, r->groups[slot[j]].first, &sg);
			if (S_facts_eq(&sf, &sg))
				break;
		}
		g = slot[j];
		if (g == UINT32_MAX) {
			if (r->n_groups == cap) {
				cap = cap ? cap * 2 : 64;
				r->groups = cv_realloc(r->groups,
				    cap * sizeof(*r->groups));
				hash = cv_realloc(hash, cap * sizeof(*hash));
			}
			g = (uint32_t)r->n_groups++;
			memset(&r->groups[g], 0, sizeof(*r->groups));
			r->groups[g].first = i;
			hash[g] = h;
			slot[j] = g;
			if (r->n_groups * 2 > n_slot)
				slot = S_regrow(slot, &n_slot, hash,
				    r->n_groups);
		}
		r->group[i] = g;
		r->groups[g].count++;
	}
	for (i = 0; i < r->n_groups; i++) {
		struct rec_group *g = &r->groups[i];
		struct S_facts sf;
		size_t n;

		S_facts(ev, g->first, &sf);
		n = pol_recommend(r->lib, &sf.f, pol, REC_MAX_POLICIES);
		g->n_pol = n > REC_MAX_POLICIES ? REC_MAX_POLICIES : n;
		g->pol = cv_malloc((g->n_pol ? g->n_pol : 1) * sizeof(*g->pol));
		memcpy(g->pol, pol, g->n_pol * sizeof(*pol));
		n = pol_checklist(r->lib, &sf.f, items, REC_MAX_ITEMS);
		g->n_item = n > REC_MAX_ITEMS ? REC_MAX_ITEMS : n;
		g->item = cv_malloc((g->n_item ? g->n_item : 1) *
		    sizeof(*g->item));
		memcpy(g->item, items, g->n_item * sizeof(*items));
	}
	free(slot);
	free(hash);
}

void
recommend_init(struct recommend *r, const struct pol_library *lib,
    const struct evaluation *ev)
{
	size_t i;

	memset(r, 0, sizeof(*r));
	r->lib = lib;
	r->ev = ev;
	if (lib == NULL)
		return;
	for (i = 0; i < ev->n_tiers; i++)
		S_segment(r, "tier", ev->tiers[i].key, ev->tiers[i].count);
	for (i = 0; i < 4; i++)
		S_segment(r, "quadrant", ev->quads[i].key, ev->quads[i].count);
	for (i = 0; i < ev->n; i++) {
		enum cust_type t = ev->ec[i].c->type;
		if (t == CT_DEALER || t == CT_WHOLESALER || t == CT_RETAILER ||
		    t == CT_AGENT)
			r->n_with_checklist++;
	}
	S_groups(r);
}

void
recommend_free(struct recommend *r)
{
	size_t i;

	for (i = 0; i < r->n_seg; i++)
		free(r->seg[i].pol);
	free(r->seg);
	for (i = 0; i < r->n_groups; i++) {
		free(r->groups[i].pol);
		free(r->groups[i].item);
	}
	free(r->groups);
	free(r->group);
	memset(r, 0, sizeof(*r));
}

size_t
recommend_customer(const struct recommend *r, size_t i, struct pol_rec *out,
    size_t max)
{
	const struct rec_group *g;
	size_t n;

	if (r == NULL || r->lib == NULL || r->group == NULL)
		return 0;
	g = &r->groups[r->group[i]];
	n = g->n_pol < max ? g->n_pol : max;
	memcpy(out, g->pol, n * sizeof(*out));
	return n;
}

size_t
recommend_checklist(const struct recommend *r, size_t i,
    struct pol_check_item *out, size_t max)
{
	const struct rec_group *g;
	size_t n;

	if (r == NULL || r->lib == NULL || r->group == NULL)
		return 0;
	g = &r->groups[r->group[i]];
	n = g->n_item < max ? g->n_item : max;
	memcpy(out, g->item, n * sizeof(*out));
	return n;
}
