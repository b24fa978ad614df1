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
}

void
recommend_free(struct recommend *r)
{
	size_t i;

	for (i = 0; i < r->n_seg; i++)
		free(r->seg[i].pol);
	free(r->seg);
	memset(r, 0, sizeof(*r));
}

size_t
recommend_customer(const struct recommend *r, size_t i, struct pol_rec *out,
    size_t max)
{
	struct S_facts sf;
	size_t n;

	if (r == NULL || r->lib == NULL)
		return 0;
	S_facts(r->ev, i, &sf);
	n = pol_recommend(r->lib, &sf.f, out, max);
	return n > max ? max : n;
}

size_t
recommend_checklist(const struct recommend *r, size_t i,
    struct pol_check_item *out, size_t max)
{
	struct S_facts sf;
	size_t n;

	if (r == NULL || r->lib == NULL)
		return 0;
	S_facts(r->ev, i, &sf);
	n = pol_checklist(r->lib, &sf.f, out, max);
	return n > max ? max : n;
}
