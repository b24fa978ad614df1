/* test_core.c: unit tests of util (money, dates, UTF-8, SHA-256), diag, model and config. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "diag.h"
#include "labels.h"
#include "model.h"
#include "policy.h"
#include "util.h"
#include "value.h"

static void
test_money(void **state)
{
	char b[40];

	(void)state;
	assert_string_equal(cv_money_str(12345678, b), "123456.78");
	assert_string_equal(cv_money_str(-5, b), "-0.05");
	assert_string_equal(cv_money_str(0, b), "0.00");
	assert_string_equal(cv_money_str(INT64_MIN, b), "-92233720368547758.08");
	assert_string_equal(cv_money_group(123456789, b), "1,234,567.89");
	assert_string_equal(cv_money_group(-100000, b), "-1,000.00");
	assert_string_equal(cv_money_group(99, b), "0.99");
	assert_string_equal(cv_fixed(-0.0000001, 2, b), "0.00");
	assert_string_equal(cv_fixed(1.0 / 3.0, 6, b), "0.333333");
}

static void
test_dates(void **state)
{
	int32_t d;
	int y, m, dd;
	char b[16];

	(void)state;
	assert_int_equal(cv_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(cv_days_from_civil(2000, 3, 1), 11017);
	cv_civil_from_days(cv_days_from_civil(2024, 2, 29), &y, &m, &dd);
	assert_int_equal(y * 10000 + m * 100 + dd, 20240229);
	assert_int_equal(cv_date_parse_iso("2026-10-31", &d), 0);
	assert_string_equal(cv_date_str(d, b), "2026-10-31");
	assert_int_equal(cv_month_index(d), 2026 * 12 + 9);
	assert_int_not_equal(cv_date_parse_iso("2025-02-29", &d), 0);
	assert_int_not_equal(cv_date_parse_iso("2025-13-01", &d), 0);
	assert_int_not_equal(cv_date_parse_iso("2025-1-01", &d), 0);
	assert_int_equal(cv_date_parse_iso("2024-02-29", &d), 0);
}

static void
test_utf8(void **state)
{
	const char *s = "客户A", *p = s;

	(void)state;
	assert_true(cv_utf8_valid("价值 value\n", strlen("价值 value\n")));
	assert_false(cv_utf8_valid("\xC3\x28", 2));
	assert_false(cv_utf8_valid("\xED\xA0\x80", 3));	/* surrogate */
	assert_false(cv_utf8_valid("\xE4\xBD", 2));	/* cut short */
	assert_false(cv_utf8_valid("a\x01", 2));	/* control */
	assert_false(cv_utf8_valid("\xC0\xAF", 2));	/* overlong */
	assert_int_equal(cv_utf8_next(&p, s + strlen(s)), 0x5BA2);
	assert_int_equal(cv_utf8_next(&p, s + strlen(s)), 0x6237);
	assert_int_equal(cv_utf8_next(&p, s + strlen(s)), 'A');
}

/* FIPS 180-2 test vectors. */
static void
test_sha256(void **state)
{
	char h[65];
	char *big;

	(void)state;
	cv_sha256_hex("abc", 3, h);
	assert_string_equal(h,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	cv_sha256_hex("", 0, h);
	assert_string_equal(h,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	cv_sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	    56, h);
	assert_string_equal(h,
	    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	big = cv_malloc(1000000);
	memset(big, 'a', 1000000);
	cv_sha256_hex(big, 1000000, h);
	assert_string_equal(h,
	    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(big);
}

static void
test_diag(void **state)
{
	struct diag d;
	char line[512];

	(void)state;
	diag_init(&d, LANG_EN);
	diag_add(&d, D_OPEN_FAILED, "sales.csv", 0L, 0L, "sales.csv");
	diag_add(&d, D_ROW_REJECTED, "sales.csv", 1234L, 5L, "bad");
	assert_int_equal(d.n_error, 1);
	assert_int_equal(d.n_warning, 1);
	assert_int_equal(d.worst_exit, CV_EXIT_IO);
	diag_format(&d.msgs[1], LANG_EN, line, sizeof(line));
	assert_string_equal(line,
	    "custeval: sales.csv:1234:5: warning: row rejected: bad");
	diag_free(&d);

	diag_init(&d, LANG_ZH_CN);
	diag_add(&d, D_CONFIG_VALUE, "c.xml", 3L, 0L, "x", "as-of");
	diag_format(&d.msgs[0], LANG_ZH_CN, line, sizeof(line));
	assert_string_equal(line, "custeval: c.xml:3: 错误: as-of 的取值“x”无效");
	assert_int_equal(d.worst_exit, CV_EXIT_DATA);
	diag_free(&d);
	assert_int_equal(diag_lang_parse("zh-tw"), LANG_ZH_TW);
	assert_int_equal(diag_lang_parse("fr"), -1);
}

static void
test_model(void **state)
{
	struct model m;
	int created, i;
	char id[16];
	int32_t asof;

	(void)state;
	cv_date_parse_iso("2026-10-31", &asof);
	model_init(&m, asof, 4);
	assert_int_equal(m.n_months, 48);
	assert_int_equal(model_month_slot(&m, asof), 47);
	assert_int_equal(model_month_slot(&m, asof + 1), -1);
	assert_int_equal(model_month_slot(&m, m.window_start), 0);
	assert_int_equal(model_month_slot(&m, m.window_start - 1), -1);
	assert_int_equal(model_year_of(&m, m.window_start), 0);
	assert_int_equal(model_year_of(&m, asof), 3);
	for (i = 5000; i > 0; i--) {
		snprintf(id, sizeof(id), "K%05d", i);
		model_get(&m, id, &created);
		assert_true(created);
	}
	model_get(&m, "K00042", &created);
	assert_false(created);
	model_sort(&m);
	assert_string_equal(m.cust[0]->id, "K00001");
	assert_non_null(model_find(&m, "K04999"));
	assert_null(model_find(&m, "K05001"));
	assert_int_equal(cust_type_parse("經銷商"), CT_DEALER);
	assert_int_equal(cust_type_parse("Key Account"), CT_KEY_ACCOUNT);
	assert_int_equal(dim_parse("促销能力"), DIM_PROMOTION);
	assert_int_equal(viol_parse("竄貨"), VIOL_CROSS_TERRITORY);
	model_free(&m);
}

/* Found by `make fuzz`: the fast paths must not overflow on long digit runs,
 * and must agree with the full parsers at their boundaries. */
static void
test_value_fast_paths(void **state)
{
	int64_t v;
	int32_t day;
	char id[32];
	struct model m;

	(void)state;
	assert_int_equal(val_money("66688606886088606886", 20, &v), VAL_E_RANGE);
	assert_int_equal(val_money("123456789012345", 15, &v), 0);
	assert_true(v == INT64_C(12345678901234500));
	assert_int_equal(val_money("1234567890123456", 16, &v), 0);
	assert_true(v == INT64_C(123456789012345600));
	assert_int_equal(val_money("-0.5", 4, &v), 0);
	assert_true(v == -50);
	assert_int_equal(val_money("12.345", 6, &v), VAL_E_PRECISION);
	assert_int_equal(val_scaled("66688606886088606886", 20, 6, &v),
	    VAL_E_RANGE);
	assert_int_equal(val_date("2024-02-30", 10, VAL_DATE_AUTO, &day),
	    VAL_E_DATE);
	assert_int_equal(val_date("2024-02-29", 10, VAL_DATE_AUTO, &day), 0);
	assert_int_equal(val_id("1E5", 3, id, sizeof(id)), VAL_E_EXPONENT);
	assert_int_equal(val_id("E1005", 5, id, sizeof(id)), 0);
	assert_int_equal(val_id("C0001", 5, id, sizeof(id)), 0);
	assert_string_equal(id, "C0001");
	/* sorting an empty model */
	model_init(&m, 20000, 4);
	model_sort(&m);
	model_free(&m);
}

static void
test_config(void **state)
{
	struct config c;
	struct diag d;

	(void)state;
	diag_init(&d, LANG_EN);
	config_init(&c);
	assert_int_equal(config_load(&c, "templates/default-profile.xml",
	    "templates/config.xsd", &d), 0);
	assert_int_equal(config_load(&c, "tests/core/good-config.xml",
	    "templates/config.xsd", &d), 0);
	assert_int_equal(config_finish(&c, &d), 0);
	assert_int_equal(d.n_error, 0);
	assert_int_equal(c.cycle_years, 3);
	assert_true(c.year_weights[2] > 0.49 && c.year_weights[2] < 0.51);
	assert_int_equal(c.n_tiers, 2);
	assert_string_equal(c.title, "测试");
	assert_int_equal(c.lang, LANG_EN);
	assert_string_equal(c.in[IN_SALES].paths[0],
	    "tests/core/../../samples/sales.csv");
	/* the override replaced the amount headers; others kept */
	{
		int i, found = 0;
		for (i = 0; i < c.in[IN_SALES].n_cols; i++)
			if (strcmp(c.in[IN_SALES].cols[i].field, "amount") == 0) {
				assert_string_equal(c.in[IN_SALES].cols[i].headers,
				    "含税金额");
				found = 1;
			}
		assert_true(found);
		assert_true(c.in[IN_SALES].n_cols >= 9);
	}
	config_free(&c);

	/* schema error: names the file and line */
	config_init(&c);
	assert_int_not_equal(config_load(&c, "tests/core/bad-config.xml",
	    "templates/config.xsd", &d), 0);
	assert_true(d.n_error > 0);
	assert_string_equal(d.msgs[d.n_msgs - 1].file,
	    "tests/core/bad-config.xml");
	assert_int_equal(d.msgs[d.n_msgs - 1].line, 4);
	config_free(&c);

	/* a DOCTYPE (with an entity) is refused */
	config_init(&c);
	d.n_error = 0;
	assert_int_not_equal(config_load(&c, "tests/core/doctype-config.xml",
	    "templates/config.xsd", &d), 0);
	assert_int_equal(d.msgs[d.n_msgs - 1].id, D_XML_DOCTYPE);
	config_free(&c);
	diag_free(&d);
}

static void
test_labels(void **state)
{
	struct diag d;
	struct labels *l[3];
	int k;

	(void)state;
	diag_init(&d, LANG_EN);
	for (k = 0; k < 3; k++) {
		l[k] = labels_load("templates/labels.xml", (enum diag_lang)k, &d);
		assert_non_null(l[k]);
	}
	assert_int_equal(d.n_error, 0);
	assert_string_equal(label2(l[LANG_ZH_CN], "flag.", "fake-big"), "假大户");
	assert_string_equal(label2(l[LANG_ZH_TW], "flag.", "fake-big"), "假大戶");
	assert_string_equal(label2(l[LANG_EN], "flag.", "fake-big"),
	    "Fake big customer");
	assert_string_equal(label(l[LANG_EN], "no.such.key"), "no.such.key");
	assert_string_equal(label2(l[LANG_EN], "ind.", "nope"), "nope");
	for (k = 0; k < 3; k++)
		labels_free(l[k]);
	diag_free(&d);
}

/*
 * The report's class names (templates/labels.xml) and the policy libraries'
 * own labels must say the same thing in every language.  Tiers: the
 * labels.xml text is "A " + the library's name; quadrants: the short form.
 */
static void
test_labels_match_policies(void **state)
{
	static const struct {
		const char *kind, *prefix;
		const char *const keys[7];
	} sets[] = {
		{ "tier", "tier.", { "A", "B", "C", "D", NULL } },
		{ "quadrant", "quadrant-short.", { "large-loyal",
		    "large-disloyal", "small-loyal", "small-disloyal", NULL } },
		{ "lifecycle", "lifecycle.", { "loyal", "fast-growing",
		    "sleeping", "worth-cultivating", NULL } },
		{ "value-group", "value.", { "value", "potential",
		    "over-served", "latent", NULL } },
		{ "flag", "flag.", { "fake-big", "overdue", "over-limit",
		    "sharp-decline", "large-disloyal-violations", "late-payer",
		    NULL } },
		{ "customer-type", "type.", { "dealer", "wholesaler",
		    "retailer", "agent", "key-account", "end-user", NULL } },
	};
	static const char *const files[3] = { "templates/policies-zh-CN.xml",
	    "templates/policies-zh-TW.xml", "templates/policies-en.xml" };
	struct diag d;
	int lang;
	size_t i, k;

	(void)state;
	diag_init(&d, LANG_EN);
	for (lang = 0; lang < 3; lang++) {
		struct labels *l = labels_load("templates/labels.xml",
		    (enum diag_lang)lang, &d);
		struct pol_library *p = pol_load(files[lang],
		    "templates/policies.xsd", &d);
		assert_non_null(l);
		assert_non_null(p);
		for (i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
			for (k = 0; sets[i].keys[k] != NULL; k++) {
				const char *key = sets[i].keys[k];
				const char *ui = label2(l, sets[i].prefix, key);
				const char *pl = pol_label(p, sets[i].kind, key);
				if (strcmp(sets[i].kind, "tier") == 0) {
					/* "A 关键客户" vs "关键客户" */
					assert_true(strlen(ui) > 2);
					ui += 2;
				}
				if (strcmp(ui, pl) != 0)
					fail_msg("%s %s %s: labels.xml '%s', "
					    "policy library '%s'", files[lang],
					    sets[i].kind, key, ui, pl);
			}
		pol_free(p);
		labels_free(l);
	}
	assert_int_equal(d.n_error, 0);
	diag_free(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_money),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_sha256),
		cmocka_unit_test(test_diag),
		cmocka_unit_test(test_model),
		cmocka_unit_test(test_value_fast_paths),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_labels_match_policies),
	};

	return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
