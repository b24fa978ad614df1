/* policy.h: the policy library, which maps an evaluated customer's classes to differentiated policies and a dealer-support checklist. */
#ifndef CUSTEVAL_POLICY_H
#define CUSTEVAL_POLICY_H

#include <stddef.h>

struct diag;

/*
 * A loaded library (templates/policies-*.xml).  Opaque; all strings handed
 * out by the functions below point into it and stay valid until pol_free.
 */
struct pol_library;

/* Size of the filled reason buffers, in bytes (truncated on a UTF-8 boundary). */
#define POL_REASON_MAX 512

/*
 * What is known about one evaluated customer, in the stable keys of
 * docs/keys.md.  Any field may be NULL (or a list empty): a rule condition on
 * a field that is not given never holds.  Giving only `tier`, or only
 * `quadrant`, therefore yields exactly the rules written for that segment,
 * which is how segment summaries are made (see pol_segment).
 */
struct pol_facts {
	const char *customer_type;	/* "dealer", "wholesaler", ... */
	const char *tier;		/* "A".."D" */
	const char *quadrant;		/* "large-loyal", ... */
	const char *lifecycle;		/* "loyal", ..., "none" */
	const char *value_group;	/* "value", "potential", ... */
	const char *const *flags;	/* risk flags, any order */
	size_t n_flags;
	const char *const *weak_dims;	/* capability dimensions, weakest first */
	size_t n_weak;
};

/* One recommended policy. */
struct pol_rec {
	const char *key;		/* policy key */
	const char *category;		/* policy category key ("credit", ...) */
	const char *category_label;	/* localized category name */
	const char *title;
	const char *text;
	int priority;			/* 1 (most urgent) .. 9 */
	const char *rule;		/* key of the rule whose reason is given */
	size_t n_rules;			/* how many rules recommended this policy */
	char reason[POL_REASON_MAX];	/* the rule's reason, placeholders filled */
};

/* One dealer-support checklist item. */
struct pol_check_item {
	const char *key;		/* item key */
	const char *category;		/* support category key ("management", ...) */
	const char *category_label;
	const char *text;
	const char *owner_key;		/* role key ("regional-manager", ...) */
	const char *owner;		/* localized role name */
	int due_days;			/* days after the evaluation date */
	const char *dimension;		/* weak dimension that chose it; NULL = chosen for the customer type */
	char reason[POL_REASON_MAX];
};

/*
 * Loads and checks a library.  The file is parsed without network access,
 * entity substitution or DTD loading, and any DOCTYPE is rejected; it is
 * validated against xsd_path (NULL skips the schema, not the other checks).
 * Returns NULL after adding messages (with file and line) to d.
 * Warnings (e.g. a policy no rule recommends) do not make it fail.
 */
struct pol_library *pol_load(const char *path, const char *xsd_path,
    struct diag *d);
void pol_free(struct pol_library *lib);

/* The library's lang attribute ("zh-CN", "zh-TW", "en"). */
const char *pol_lang(const struct pol_library *lib);

/*
 * The library's policies and checklist items by index (0 .. count-1), in
 * file order, for writing them once into an archive.  Any out-pointer may
 * be NULL.
 */
void pol_policy_at(const struct pol_library *lib, size_t i, const char **key,
    const char **category, const char **title, const char **text,
    int *priority);
void pol_item_at(const struct pol_library *lib, size_t i, const char **key,
    const char **category, const char **owner, const char **text,
    int *due_days);

/* Numbers of policies, rules and checklist items (any pointer may be NULL). */
void pol_counts(const struct pol_library *lib, size_t *n_policies,
    size_t *n_rules, size_t *n_items);

/*
 * The policies whose rules match f, each once, sorted by priority then key
 * (byte order).  A policy recommended by several rules takes its reason from
 * the most specific matching rule (the matching <when> with the most
 * conditions); on a tie, the rule that comes first in the file.  Writes at
 * most max records and returns how many policies apply (which may exceed
 * max, like snprintf).
 */
size_t pol_recommend(const struct pol_library *lib, const struct pol_facts *f,
    struct pol_rec *out, size_t max);

/*
 * Segment policy set: pol_recommend with only one field of the facts set.
 * kind is "tier", "quadrant", "lifecycle", "value-group", "flag",
 * "dimension" or "customer-type"; key is the segment's key.
 */
size_t pol_segment(const struct pol_library *lib, const char *kind,
    const char *key, struct pol_rec *out, size_t max);

/* Keys of the rules that match f, in file order; returns the count. */
size_t pol_matching_rules(const struct pol_library *lib,
    const struct pol_facts *f, const char **out, size_t max);

/*
 * Dealer-support checklist for f.  Empty unless f->customer_type is one of
 * the checklist's types (dealer, wholesaler, retailer, agent in the shipped
 * libraries).  Items suited to the type are picked round-robin over the weak
 * dimensions, weakest first (an item listing the dimension first, then one
 * meant for the type, then file order), leaving `type-items` places for items
 * whose focus is the customer type; at most `max-items` in all.  Output is
 * sorted by category (file order) then key.  Returns how many items were
 * chosen (at most max are written).
 */
size_t pol_checklist(const struct pol_library *lib, const struct pol_facts *f,
    struct pol_check_item *out, size_t max);

/*
 * Localized label of a key.  kind is one of "customer-type", "tier",
 * "quadrant", "lifecycle", "value-group", "flag", "dimension", "category"
 * (support category), "policy-category", "role".  Falls back to key.
 */
const char *pol_label(const struct pol_library *lib, const char *kind,
    const char *key);

/*
 * Reports (errors in d) every policy, rule, checklist category, checklist
 * item and label key present in one library but not in the other, and
 * (warnings) keys whose conditions, priority, category, owner, due days or
 * dimensions differ.  Returns the number of missing keys (0 = same keys).
 */
int pol_same_keys(const struct pol_library *a, const struct pol_library *b,
    struct diag *d);

#endif
