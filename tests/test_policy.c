/* test_policy.c: tests of the policy library: loading, checks, rules, checklists, golden dumps (UPDATE_GOLDEN=1 rewrites them). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "diag.h"
#include "policy.h"
#include "util.h"

#define TPL_DIR "templates"
#define DATA_DIR "tests/data/policy"
#define XSD TPL_DIR "/policies.xsd"
#define MAXREC 64

static const char *const S_langs[3] = { "zh-CN", "zh-TW", "en" };

static struct pol_library *S_libs[3];	/* loaded once by the group setup */

/* One crafted customer, written for the rule `rule`. */
struct tcase {
	const char *rule;
	const char *type, *tier, *quadrant, *lifecycle, *value;
	const char *flags[4];
	const char *weak[4];
};

static const struct tcase S_cases[] = {
	{ "tier-a", NULL, "A", NULL, NULL, NULL, { NULL }, { NULL } },
	{ "tier-b", NULL, "B", NULL, NULL, NULL, { NULL }, { NULL } },
	{ "tier-c", NULL, "C", NULL, NULL, NULL, { NULL }, { NULL } },
	{ "tier-d", NULL, "D", NULL, NULL, NULL, { NULL }, { NULL } },
	{ "tier-rebate", NULL, "B", NULL, NULL, NULL, { "overdue" }, { NULL } },
	{ "quad-large-loyal", NULL, NULL, "large-loyal", NULL, NULL, { NULL }, { NULL } },
	{ "quad-large-disloyal", NULL, NULL, "large-disloyal", NULL, NULL, { NULL }, { NULL } },
	{ "quad-small-loyal", NULL, NULL, "small-loyal", NULL, NULL, { NULL }, { NULL } },
	{ "quad-small-disloyal", NULL, NULL, "small-disloyal", NULL, NULL, { NULL }, { NULL } },
	{ "life-loyal", NULL, NULL, NULL, "loyal", NULL, { NULL }, { NULL } },
	{ "life-fast-growing", NULL, NULL, NULL, "fast-growing", NULL, { NULL }, { NULL } },
	{ "life-sleeping", NULL, NULL, NULL, "sleeping", NULL, { NULL }, { NULL } },
	{ "life-worth-cultivating", NULL, NULL, NULL, "worth-cultivating", NULL, { NULL }, { NULL } },
	{ "value-value", NULL, NULL, NULL, NULL, "value", { "overdue" }, { NULL } },
	{ "value-value-credit", NULL, NULL, NULL, NULL, "value", { "sharp-decline" }, { NULL } },
	{ "value-potential", NULL, NULL, NULL, NULL, "potential", { NULL }, { NULL } },
	{ "value-over-served", NULL, NULL, NULL, NULL, "over-served", { NULL }, { NULL } },
	{ "value-latent", NULL, NULL, NULL, NULL, "latent", { NULL }, { NULL } },
	{ "flag-fake-big", NULL, NULL, NULL, NULL, NULL, { "fake-big" }, { NULL } },
	{ "flag-overdue", NULL, NULL, NULL, NULL, NULL, { "overdue" }, { NULL } },
	{ "flag-over-limit", NULL, NULL, NULL, NULL, NULL, { "over-limit" }, { NULL } },
	{ "flag-sharp-decline", NULL, NULL, NULL, NULL, NULL, { "sharp-decline" }, { NULL } },
	{ "flag-violations", NULL, NULL, NULL, NULL, NULL, { "large-disloyal-violations" }, { NULL } },
	{ "flag-late-payer", NULL, NULL, NULL, NULL, NULL, { "late-payer" }, { NULL } },
	{ "dim-development", NULL, NULL, NULL, NULL, NULL, { NULL }, { "development" } },
	{ "dim-sales-management", NULL, NULL, NULL, NULL, NULL, { NULL }, { "sales-management" } },
	{ "dim-network", NULL, NULL, NULL, NULL, NULL, { NULL }, { "network" } },
	{ "dim-promotion", NULL, NULL, NULL, NULL, NULL, { NULL }, { "promotion" } },
	{ "dim-after-sales", NULL, NULL, NULL, NULL, NULL, { NULL }, { "after-sales" } },
	{ "dim-relationship", NULL, NULL, NULL, NULL, NULL, { NULL }, { "relationship" } },
	{ "type-key-account", "key-account", NULL, NULL, NULL, NULL, { NULL }, { NULL } },
	{ "decline-top-tier", NULL, "A", NULL, NULL, NULL, { "sharp-decline" }, { NULL } },
	{ "arrears-low-value", NULL, NULL, "small-disloyal", NULL, NULL, { "overdue" }, { NULL } },
	{ "arrears-low-value", NULL, "D", NULL, NULL, NULL, { "late-payer" }, { NULL } },
	/* Planted sample customers (facts built by hand). */
	{ "flag-fake-big", "dealer", "B", "large-disloyal", "none", "over-served",
	    { "fake-big", "overdue" }, { "relationship", "after-sales" } },
	{ "life-sleeping", "retailer", "C", "small-loyal", "sleeping", "potential",
	    { NULL }, { "promotion", "development" } },
	{ "life-fast-growing", "dealer", "B", "small-loyal", "fast-growing", "potential",
	    { NULL }, { "network", "development" } },
	{ "quad-small-loyal", "retailer", "C", "small-loyal", "loyal", "value",
	    { NULL }, { "promotion", "after-sales" } },
	{ "flag-violations", "wholesaler", "A", "large-disloyal", "none", "value",
	    { "large-disloyal-violations", "over-limit" }, { "relationship", "sales-management" } },
	{ "flag-late-payer", "agent", "D", "small-disloyal", "none", "over-served",
	    { "late-payer", "overdue" }, { "sales-management" } },
	{ "type-key-account", "key-account", "A", "large-loyal", "loyal", "value",
	    { NULL }, { NULL } },
	{ "dim-promotion", "wholesaler", "B", "large-loyal", "loyal", "value",
	    { NULL }, { "promotion", "network", "sales-management" } },
	{ "dim-after-sales", "end-user", "C", NULL, NULL, NULL,
	    { NULL }, { "after-sales" } },
};
#define N_CASES (sizeof(S_cases) / sizeof(S_cases[0]))

/* Positions of the planted sample customers in S_cases. */
enum {
	SAMPLE_FAKE_BIG = 34, SAMPLE_SLEEPING, SAMPLE_FAST_GROWER,
	SAMPLE_SMALL_LOYAL, SAMPLE_VIOLATIONS, SAMPLE_LATE_PAYER,
	SAMPLE_KEY_ACCOUNT
};

static void
S_facts(const struct tcase *c, struct pol_facts *f)
{
	memset(f, 0, sizeof(*f));
	f->customer_type = c->type;
	f->tier = c->tier;
	f->quadrant = c->quadrant;
	f->lifecycle = c->lifecycle;
	f->value_group = c->value;
	f->flags = c->flags;
	while (f->n_flags < 4 && c->flags[f->n_flags] != NULL)
		f->n_flags++;
	f->weak_dims = c->weak;
	while (f->n_weak < 4 && c->weak[f->n_weak] != NULL)
		f->n_weak++;
}

static void
S_dump_facts(struct buf *b, const struct tcase *c)
{
	size_t i;

	buf_printf(b, "== case for %s:", c->rule);
	if (c->type != NULL)
		buf_printf(b, " type=%s", c->type);
	if (c->tier != NULL)
		buf_printf(b, " tier=%s", c->tier);
	if (c->quadrant != NULL)
		buf_printf(b, " quadrant=%s", c->quadrant);
	if (c->lifecycle != NULL)
		buf_printf(b, " lifecycle=%s", c->lifecycle);
	if (c->value != NULL)
		buf_printf(b, " value=%s", c->value);
	for (i = 0; i < 4 && c->flags[i] != NULL; i++)
		buf_printf(b, "%s%s", i == 0 ? " flags=" : ",", c->flags[i]);
	for (i = 0; i < 4 && c->weak[i] != NULL; i++)
		buf_printf(b, "%s%s", i == 0 ? " weak=" : ",", c->weak[i]);
	buf_puts(b, "\n");
}

/* Reads a whole file; NULL if it cannot be read. */
static char *
S_slurp(const char *path, size_t *len)
{
	FILE *fp;
	struct buf b;
	char chunk[4096];
	size_t n;

	if ((fp = fopen(path, "rb")) == NULL)
		return NULL;
	buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_add(&b, chunk, n);
	fclose(fp);
	*len = b.len;
	return b.data;
}

/* Compares text with a golden file, or rewrites it when UPDATE_GOLDEN=1. */
static void
S_golden(const char *name, const struct buf *b)
{
	char path[256], actual[256];
	char *want;
	size_t len = 0;
	FILE *fp;
	const char *upd = getenv("UPDATE_GOLDEN");

	snprintf(path, sizeof(path), "%s/%s", DATA_DIR, name);
	if (upd != NULL && strcmp(upd, "1") == 0) {
		fp = fopen(path, "wb");
		assert_non_null(fp);
		assert_int_equal(fwrite(b->data, 1, b->len, fp), b->len);
		assert_int_equal(fclose(fp), 0);
		print_message("rewrote %s\n", path);
		return;
	}
	want = S_slurp(path, &len);
	if (want == NULL)
		fail_msg("%s missing; run with UPDATE_GOLDEN=1", path);
	if (len != b->len || memcmp(want, b->data, len) != 0) {
		snprintf(actual, sizeof(actual), "/tmp/%s.actual", name);
		if ((fp = fopen(actual, "wb")) != NULL) {
			fwrite(b->data, 1, b->len, fp);
			fclose(fp);
		}
		free(want);
		fail_msg("%s differs: see diff -u %s %s (UPDATE_GOLDEN=1 "
		    "rewrites it)", path, path, actual);
	}
	free(want);
}

/* True if d holds a message id at line (line < 0: any line). */
static int
S_has_msg(const struct diag *d, enum diag_id id, long line)
{
	size_t i;

	for (i = 0; i < d->n_msgs; i++)
		if (d->msgs[i].id == id && (line < 0 || d->msgs[i].line == line))
			return 1;
	return 0;
}

static void
S_print_diag(const struct diag *d)
{
	size_t i;
	char line[2400];

	for (i = 0; i < d->n_msgs; i++) {
		diag_format(&d->msgs[i], d->lang, line, sizeof(line));
		print_message("%s\n", line);
	}
}

static const struct pol_rec *
S_find_rec(const struct pol_rec *r, size_t n, const char *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(r[i].key, key) == 0)
			return &r[i];
	return NULL;
}

/* ---- setup ---- */

static int
S_setup(void **state)
{
	struct diag d;
	char path[128];
	int i;

	(void)state;
	diag_init(&d, LANG_EN);
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), TPL_DIR "/policies-%s.xml",
		    S_langs[i]);
		S_libs[i] = pol_load(path, XSD, &d);
	}
	S_print_diag(&d);
	diag_free(&d);
	return 0;
}

static int
S_teardown(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		pol_free(S_libs[i]);
		S_libs[i] = NULL;
	}
	return 0;
}

/* ---- tests ---- */

static void
test_libraries_load(void **state)
{
	struct diag d;
	size_t np, nr, ni;
	int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		assert_non_null(S_libs[i]);
		assert_string_equal(pol_lang(S_libs[i]), S_langs[i]);
		pol_counts(S_libs[i], &np, &nr, &ni);
		assert_true(np >= 30);
		assert_true(nr >= 25);
		assert_true(ni >= 40);
	}
	/* Loading again reports nothing at all: no errors, no warnings. */
	diag_init(&d, LANG_EN);
	pol_free(pol_load(TPL_DIR "/policies-zh-TW.xml", XSD, &d));
	S_print_diag(&d);
	assert_int_equal(d.n_msgs, 0);
	diag_free(&d);
}

static void
test_same_keys(void **state)
{
	struct diag d;
	int i, j;

	(void)state;
	diag_init(&d, LANG_EN);
	for (i = 0; i < 3; i++)
		for (j = i + 1; j < 3; j++)
			assert_int_equal(pol_same_keys(S_libs[i], S_libs[j],
			    &d), 0);
	S_print_diag(&d);
	assert_int_equal(d.n_msgs, 0);	/* no differing conditions either */
	diag_free(&d);
}

static void
test_same_keys_reports_difference(void **state)
{
	struct diag d;
	struct pol_library *a, *b;

	(void)state;
	diag_init(&d, LANG_EN);
	a = pol_load(DATA_DIR "/minimal.xml", XSD, &d);
	b = pol_load(DATA_DIR "/other-keys.xml", XSD, &d);
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(pol_same_keys(a, b, &d), 2);
	assert_true(S_has_msg(&d, D_POLICY_KEY_MISSING, 11));	/* p-two / p-2 */
	assert_true(S_has_msg(&d, D_POLICY_DIFFERS, 18));	/* r-one */
	pol_free(a);
	pol_free(b);
	diag_free(&d);
}

static void
test_labels(void **state)
{
	(void)state;
	assert_string_equal(pol_label(S_libs[0], "tier", "A"), "关键客户");
	assert_string_equal(pol_label(S_libs[0], "tier", "D"), "维持客户");
	assert_string_equal(pol_label(S_libs[0], "quadrant", "large-loyal"),
	    "最宝贵的财富");
	assert_string_equal(pol_label(S_libs[0], "quadrant", "small-loyal"),
	    "明日之星");
	assert_string_equal(pol_label(S_libs[1], "customer-type", "dealer"),
	    "經銷商");
	assert_string_equal(pol_label(S_libs[1], "role", "sales-rep"),
	    "業務員");
	assert_string_equal(pol_label(S_libs[2], "flag", "fake-big"),
	    "Fake big customer");
	/* Fallback to the key. */
	assert_string_equal(pol_label(S_libs[0], "tier", "Z"), "Z");
	assert_string_equal(pol_label(S_libs[0], "nonsense", "A"), "A");
}

/* Every rule fires for the case written for it, and every rule has a case. */
static void
test_every_rule_fires(void **state)
{
	struct pol_facts f;
	const char *keys[64];
	size_t i, k, n, np, nr, fired = 0;
	char seen[64][48];
	size_t n_seen = 0;
	int l;

	(void)state;
	for (l = 0; l < 3; l++) {
		n_seen = 0;
		for (i = 0; i < N_CASES; i++) {
			S_facts(&S_cases[i], &f);
			n = pol_matching_rules(S_libs[l], &f, keys, 64);
			assert_true(n <= 64);
			for (k = 0; k < n; k++)
				if (strcmp(keys[k], S_cases[i].rule) == 0)
					break;
			if (k == n)
				fail_msg("%s: case for %s does not fire it",
				    S_langs[l], S_cases[i].rule);
			for (k = 0; k < n_seen; k++)
				if (strcmp(seen[k], S_cases[i].rule) == 0)
					break;
			if (k == n_seen) {
				snprintf(seen[n_seen], sizeof(seen[0]), "%s",
				    S_cases[i].rule);
				n_seen++;
			}
		}
		pol_counts(S_libs[l], &np, &nr, NULL);
		assert_int_equal(n_seen, nr);
		fired += n_seen;
	}
	assert_true(fired > 0);
}

static void
test_golden_recommendations(void **state)
{
	struct pol_rec rec[MAXREC];
	struct pol_facts f;
	const char *keys[64];
	struct buf b;
	size_t i, k, n, nr;
	int l;

	(void)state;
	buf_init(&b);
	for (l = 0; l < 3; l++) {
		buf_printf(&b, "#### %s\n", S_langs[l]);
		for (i = 0; i < N_CASES; i++) {
			S_facts(&S_cases[i], &f);
			S_dump_facts(&b, &S_cases[i]);
			nr = pol_matching_rules(S_libs[l], &f, keys, 64);
			buf_puts(&b, "rules:");
			for (k = 0; k < nr && k < 64; k++)
				buf_printf(&b, " %s", keys[k]);
			buf_puts(&b, "\n");
			n = pol_recommend(S_libs[l], &f, rec, MAXREC);
			assert_true(n <= MAXREC);
			for (k = 0; k < n; k++)
				buf_printf(&b, "  %d %-20s %s | %s | %s (%s, %zu)\n",
				    rec[k].priority, rec[k].key,
				    rec[k].category_label, rec[k].title,
				    rec[k].reason, rec[k].rule,
				    rec[k].n_rules);
		}
		buf_puts(&b, "\n");
	}
	S_golden("expected-recommendations.txt", &b);
	buf_free(&b);
}

static void
test_golden_checklists(void **state)
{
	struct pol_check_item it[16];
	struct pol_facts f;
	struct buf b;
	size_t i, k, n;
	int l;

	(void)state;
	buf_init(&b);
	for (l = 0; l < 3; l++) {
		buf_printf(&b, "#### %s\n", S_langs[l]);
		for (i = 0; i < N_CASES; i++) {
			if (S_cases[i].type == NULL)
				continue;
			S_facts(&S_cases[i], &f);
			S_dump_facts(&b, &S_cases[i]);
			n = pol_checklist(S_libs[l], &f, it, 16);
			assert_true(n <= 8);
			for (k = 0; k < n; k++)
				buf_printf(&b, "  %-12s %-22s %s | +%dd | %s | %s\n",
				    it[k].category, it[k].key, it[k].owner,
				    it[k].due_days, it[k].reason, it[k].text);
		}
		buf_puts(&b, "\n");
	}
	S_golden("expected-checklists.txt", &b);
	buf_free(&b);
}

/* Planted sample customers get the policies the domain calls for. */
static void
test_samples(void **state)
{
	struct pol_rec rec[MAXREC];
	struct pol_facts f;
	const struct pol_rec *r;
	const struct pol_library *lib = S_libs[2];
	size_t n;

	(void)state;
	/* Fake big customer: tighten credit, cash on delivery, rebates on payment. */
	S_facts(&S_cases[SAMPLE_FAKE_BIG], &f);
	assert_string_equal(S_cases[SAMPLE_FAKE_BIG].flags[0], "fake-big");
	assert_string_equal(S_cases[SAMPLE_KEY_ACCOUNT].type, "key-account");
	n = pol_recommend(lib, &f, rec, MAXREC);
	assert_non_null(S_find_rec(rec, n, "credit-tighten"));
	assert_non_null(r = S_find_rec(rec, n, "credit-cod"));
	assert_string_equal(r->rule, "flag-fake-big");
	assert_non_null(strstr(r->reason, "Fake big customer"));
	assert_non_null(S_find_rec(rec, n, "rebate-paid-only"));
	assert_non_null(S_find_rec(rec, n, "credit-collection"));
	assert_null(S_find_rec(rec, n, "credit-preferential"));
	assert_null(S_find_rec(rec, n, "rebate-tiered"));
	/* Urgent risk control comes first. */
	assert_int_equal(rec[0].priority, 1);

	/* Sleeping: reactivation. */
	S_facts(&S_cases[SAMPLE_SLEEPING], &f);
	n = pol_recommend(lib, &f, rec, MAXREC);
	assert_non_null(r = S_find_rec(rec, n, "visit-reactivate"));
	assert_string_equal(r->rule, "life-sleeping");
	assert_non_null(S_find_rec(rec, n, "credit-review"));

	/* Fast grower: full service, growth bonus, network support. */
	S_facts(&S_cases[SAMPLE_FAST_GROWER], &f);
	n = pol_recommend(lib, &f, rec, MAXREC);
	assert_non_null(S_find_rec(rec, n, "svc-full-service"));
	assert_non_null(S_find_rec(rec, n, "rebate-growth"));
	assert_non_null(r = S_find_rec(rec, n, "support-network"));
	assert_int_equal(r->n_rules, 2);	/* lifecycle and weak network */
	assert_null(S_find_rec(rec, n, "credit-cod"));

	/* Small loyal: coaching, targets, after-sales care; no exit. */
	S_facts(&S_cases[SAMPLE_SMALL_LOYAL], &f);
	n = pol_recommend(lib, &f, rec, MAXREC);
	assert_non_null(S_find_rec(rec, n, "am-mentor"));
	assert_non_null(S_find_rec(rec, n, "target-growth"));
	assert_non_null(S_find_rec(rec, n, "svc-after-sales-care"));
	assert_non_null(S_find_rec(rec, n, "credit-preferential"));
	assert_null(S_find_rec(rec, n, "exit-probation"));
	assert_null(S_find_rec(rec, n, "exit-replace"));

	/* Large, disloyal, with violations: territory rules and credit control. */
	S_facts(&S_cases[SAMPLE_VIOLATIONS], &f);
	n = pol_recommend(lib, &f, rec, MAXREC);
	assert_non_null(S_find_rec(rec, n, "terr-agreement"));
	assert_non_null(S_find_rec(rec, n, "terr-tracing"));
	assert_non_null(S_find_rec(rec, n, "rebate-compliance"));
	assert_non_null(S_find_rec(rec, n, "credit-tighten"));
	assert_non_null(S_find_rec(rec, n, "credit-guarantee"));
	assert_non_null(S_find_rec(rec, n, "terr-alternative"));
	assert_null(S_find_rec(rec, n, "credit-preferential"));

	/* Late payer in the no-value quadrant: cash only, collection, replace. */
	S_facts(&S_cases[SAMPLE_LATE_PAYER], &f);
	n = pol_recommend(lib, &f, rec, MAXREC);
	assert_non_null(r = S_find_rec(rec, n, "credit-cod"));
	assert_string_equal(r->rule, "arrears-low-value");	/* more specific */
	assert_int_equal(r->n_rules, 2);
	assert_non_null(S_find_rec(rec, n, "credit-collection"));
	assert_non_null(S_find_rec(rec, n, "rebate-paid-only"));
	assert_non_null(S_find_rec(rec, n, "exit-replace"));
	assert_null(S_find_rec(rec, n, "svc-vip-line"));

	/* Key account, large and loyal: dedicated manager, non-price first. */
	S_facts(&S_cases[SAMPLE_KEY_ACCOUNT], &f);
	n = pol_recommend(lib, &f, rec, MAXREC);
	assert_non_null(S_find_rec(rec, n, "am-dedicated"));
	assert_non_null(S_find_rec(rec, n, "rel-nonprice-first"));
	assert_non_null(S_find_rec(rec, n, "credit-preferential"));
	assert_non_null(S_find_rec(rec, n, "svc-vip-line"));
}

static void
test_order_and_max(void **state)
{
	struct pol_rec rec[MAXREC], few[3];
	struct pol_facts f;
	size_t n, m, i;

	(void)state;
	S_facts(&S_cases[SAMPLE_VIOLATIONS], &f);
	n = pol_recommend(S_libs[0], &f, rec, MAXREC);
	assert_true(n > 3);
	for (i = 1; i < n; i++)
		assert_true(rec[i - 1].priority < rec[i].priority ||
		    (rec[i - 1].priority == rec[i].priority &&
		    strcmp(rec[i - 1].key, rec[i].key) < 0));
	m = pol_recommend(S_libs[0], &f, few, 3);
	assert_int_equal(m, n);	/* the count, like snprintf */
	for (i = 0; i < 3; i++)
		assert_string_equal(few[i].key, rec[i].key);
	/* No facts at all: nothing applies. */
	memset(&f, 0, sizeof(f));
	assert_int_equal(pol_recommend(S_libs[0], &f, rec, MAXREC), 0);
}

static void
test_segments(void **state)
{
	struct pol_rec rec[MAXREC];
	size_t n;

	(void)state;
	n = pol_segment(S_libs[0], "tier", "A", rec, MAXREC);
	assert_int_equal(n, 5);
	assert_non_null(S_find_rec(rec, n, "am-dedicated"));
	assert_null(S_find_rec(rec, n, "rel-nonprice-first"));	/* needs a flag */
	n = pol_segment(S_libs[0], "tier", "D", rec, MAXREC);
	assert_non_null(S_find_rec(rec, n, "exit-probation"));
	assert_null(S_find_rec(rec, n, "credit-cod"));	/* needs arrears */
	n = pol_segment(S_libs[0], "quadrant", "large-disloyal", rec, MAXREC);
	assert_non_null(S_find_rec(rec, n, "credit-tighten"));
	assert_non_null(S_find_rec(rec, n, "terr-agreement"));
	n = pol_segment(S_libs[0], "quadrant", "small-disloyal", rec, MAXREC);
	assert_non_null(S_find_rec(rec, n, "exit-replace"));
	assert_non_null(S_find_rec(rec, n, "visit-low-touch"));
	n = pol_segment(S_libs[2], "flag", "fake-big", rec, MAXREC);
	assert_non_null(S_find_rec(rec, n, "credit-cod"));
	n = pol_segment(S_libs[2], "dimension", "promotion", rec, MAXREC);
	assert_int_equal(n, 1);
	assert_string_equal(rec[0].key, "support-promotion");
	assert_non_null(strstr(rec[0].reason, "Promotion"));
	assert_int_equal(pol_segment(S_libs[2], "bogus", "A", rec, MAXREC), 0);
}

static int
S_has_item(const struct pol_check_item *it, size_t n, const char *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(it[i].key, key) == 0)
			return 1;
	return 0;
}

static void
test_checklist(void **state)
{
	struct pol_check_item it[16];
	struct pol_facts f;
	const char *weak_ws[] = { "sales-management" };
	const char *weak_rt[] = { "promotion" };
	size_t n, i, n_mgmt = 0, n_display = 0, n_type = 0, n_retail = 0;

	(void)state;
	/* Wholesaler: management and promotion planning. */
	memset(&f, 0, sizeof(f));
	f.customer_type = "wholesaler";
	f.weak_dims = weak_ws;
	f.n_weak = 1;
	n = pol_checklist(S_libs[2], &f, it, 16);
	assert_int_equal(n, 8);
	for (i = 0; i < n; i++) {
		if (strcmp(it[i].category, "management") == 0)
			n_mgmt++;
		assert_string_not_equal(it[i].category, "display");
		if (it[i].dimension == NULL)
			n_type++;
		else
			assert_string_equal(it[i].dimension, "sales-management");
		if (i > 0 && strcmp(it[i - 1].category, it[i].category) == 0)
			assert_true(strcmp(it[i - 1].key, it[i].key) < 0);
	}
	assert_true(n_mgmt >= 2);
	assert_int_equal(n_type, 3);
	assert_true(S_has_item(it, n, "promo-downstream"));

	/* Retailer: display, advertising, promotions. */
	f.customer_type = "retailer";
	f.weak_dims = weak_rt;
	n = pol_checklist(S_libs[2], &f, it, 16);
	assert_int_equal(n, 8);
	for (i = 0; i < n; i++) {
		if (strcmp(it[i].category, "display") == 0)
			n_display++;
		if (strcmp(it[i].category, "display") == 0 ||
		    strcmp(it[i].category, "advertising") == 0 ||
		    strcmp(it[i].category, "promotion") == 0)
			n_retail++;
		assert_string_not_equal(it[i].key, "promo-downstream");
	}
	assert_true(n_display >= 2);
	assert_true(n_retail >= 6);
	assert_string_equal(it[0].owner, "Marketing");
	assert_true(it[0].due_days > 0);

	/* Key accounts and end users get no checklist. */
	f.customer_type = "key-account";
	assert_int_equal(pol_checklist(S_libs[2], &f, it, 16), 0);
	f.customer_type = "end-user";
	assert_int_equal(pol_checklist(S_libs[2], &f, it, 16), 0);
	f.customer_type = NULL;
	assert_int_equal(pol_checklist(S_libs[2], &f, it, 16), 0);

	/* Dealer with no weak dimensions: only items meant for dealers. */
	f.customer_type = "dealer";
	f.n_weak = 0;
	n = pol_checklist(S_libs[0], &f, it, 16);
	assert_true(n > 0 && n <= 8);
	for (i = 0; i < n; i++)
		assert_null(it[i].dimension);
	/* max smaller than the list: count still returned. */
	assert_int_equal(pol_checklist(S_libs[0], &f, it, 2), n);
}

/* ---- broken libraries ---- */

static void
S_expect_fail(const char *file, enum diag_id id, long line)
{
	struct diag d;
	struct pol_library *lib;
	char path[256];

	snprintf(path, sizeof(path), DATA_DIR "/%s", file);
	diag_init(&d, LANG_EN);
	lib = pol_load(path, XSD, &d);
	if (lib != NULL || !S_has_msg(&d, id, line)) {
		S_print_diag(&d);
		pol_free(lib);
		diag_free(&d);
		fail_msg("%s: expected %s at line %ld", file, diag_name(id),
		    line);
	}
	assert_true(d.n_error > 0);
	assert_true(d.msgs[0].file != NULL);
	diag_free(&d);
}

static void
test_broken_libraries(void **state)
{
	(void)state;
	S_expect_fail("malformed.xml", D_POLICY_XML, 12);
	S_expect_fail("schema-bad.xml", D_POLICY_SCHEMA, 19);
	S_expect_fail("duplicate.xml", D_POLICY_SCHEMA, 11);
	S_expect_fail("doctype.xml", D_POLICY_DOCTYPE, 2);
	S_expect_fail("xxe.xml", D_POLICY_DOCTYPE, 3);
	S_expect_fail("unknown-policy.xml", D_POLICY_UNKNOWN_POLICY, 18);
	S_expect_fail("placeholder.xml", D_POLICY_PLACEHOLDER, 20);
	S_expect_fail("empty-when.xml", D_POLICY_EMPTY_WHEN, 19);
	S_expect_fail("no-such-file.xml", D_POLICY_IO, -1);
}

static void
test_broken_without_schema(void **state)
{
	struct diag d;
	struct pol_library *lib;

	(void)state;
	diag_init(&d, LANG_ZH_CN);
	/* Checks that do not depend on the schema still run. */
	assert_null(pol_load(DATA_DIR "/duplicate.xml", NULL, &d));
	assert_true(S_has_msg(&d, D_POLICY_DUPLICATE, 11));
	assert_null(pol_load(DATA_DIR "/doctype.xml", NULL, &d));
	assert_true(S_has_msg(&d, D_POLICY_DOCTYPE, 2));
	/* A missing schema file is an error of its own. */
	assert_null(pol_load(DATA_DIR "/minimal.xml", DATA_DIR "/none.xsd",
	    &d));
	assert_true(S_has_msg(&d, D_POLICY_XSD, -1));
	diag_free(&d);

	/* The minimal library loads with and without the schema. */
	diag_init(&d, LANG_EN);
	lib = pol_load(DATA_DIR "/minimal.xml", NULL, &d);
	assert_non_null(lib);
	pol_free(lib);
	lib = pol_load(DATA_DIR "/minimal.xml", XSD, &d);
	assert_non_null(lib);
	assert_int_equal(d.n_msgs, 0);
	pol_free(lib);
	diag_free(&d);
}

static void
test_minimal_semantics(void **state)
{
	struct diag d;
	struct pol_library *lib;
	struct pol_rec rec[4];
	struct pol_check_item it[4];
	struct pol_facts f;
	const char *weak[] = { "development" };

	(void)state;
	diag_init(&d, LANG_EN);
	/* An unused policy is a warning only. */
	lib = pol_load(DATA_DIR "/unused.xml", XSD, &d);
	assert_non_null(lib);
	assert_true(S_has_msg(&d, D_POLICY_UNUSED, 11));
	assert_int_equal(d.n_error, 0);
	pol_free(lib);

	lib = pol_load(DATA_DIR "/minimal.xml", XSD, &d);
	assert_non_null(lib);
	memset(&f, 0, sizeof(f));
	f.tier = "A";
	assert_int_equal(pol_recommend(lib, &f, rec, 4), 2);
	assert_string_equal(rec[0].key, "p-one");	/* priority 2 */
	assert_string_equal(rec[1].key, "p-two");	/* default 5 */
	assert_int_equal(rec[1].priority, 5);
	assert_string_equal(rec[0].reason, "Tier Key customer");
	assert_string_equal(rec[1].text, "Second policy.");
	assert_string_equal(rec[1].category_label, "credit");	/* no label */
	f.tier = "B";
	assert_int_equal(pol_recommend(lib, &f, rec, 4), 0);
	f.customer_type = "dealer";
	f.weak_dims = weak;
	f.n_weak = 1;
	assert_int_equal(pol_checklist(lib, &f, it, 4), 1);
	assert_string_equal(it[0].reason, "Weak: development");
	assert_string_equal(it[0].owner, "regional-manager");	/* fallback */
	assert_int_equal(it[0].due_days, 30);
	pol_free(lib);
	diag_free(&d);
}

/* Messages are localized and point at FILE:LINE. */
static void
test_message_format(void **state)
{
	struct diag d;
	char line[2400];

	(void)state;
	diag_init(&d, LANG_ZH_CN);
	assert_null(pol_load(DATA_DIR "/unknown-policy.xml", XSD, &d));
	assert_true(d.n_msgs > 0);
	diag_format(&d.msgs[0], d.lang, line, sizeof(line));
	assert_string_equal(line, "custeval: " DATA_DIR "/unknown-policy.xml:18: "
	    "错误: 规则“r-one”推荐的政策“p-three”未定义");
	assert_int_equal(d.worst_exit, CV_EXIT_DATA);
	diag_free(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_libraries_load),
		cmocka_unit_test(test_same_keys),
		cmocka_unit_test(test_same_keys_reports_difference),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_every_rule_fires),
		cmocka_unit_test(test_golden_recommendations),
		cmocka_unit_test(test_golden_checklists),
		cmocka_unit_test(test_samples),
		cmocka_unit_test(test_order_and_max),
		cmocka_unit_test(test_segments),
		cmocka_unit_test(test_checklist),
		cmocka_unit_test(test_broken_libraries),
		cmocka_unit_test(test_broken_without_schema),
		cmocka_unit_test(test_minimal_semantics),
		cmocka_unit_test(test_message_format),
	};

	return cmocka_run_group_tests(tests, S_setup, S_teardown);
}
