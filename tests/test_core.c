/* test_core.c: unit tests of util (money, dates, UTF-8, SHA-256), diag, model, config, and the
 * XML renderer's number formatter and escaper. */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libxml/parser.h>

#include "config.h"
#include "diag.h"
#include "labels.h"
#include "model.h"
#include "policy.h"
#include "render_xml_int.h"
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

/* model_hash reads the tail of an id with one 8-byte load, and
 * model_hash_short takes a short id as a word: both must give the hash of
 * the bytes taken one at a time. */
static uint64_t
S_ref_hash(const char *s, size_t n)
{
	const uint64_t k = 0xFF51AFD7ED558CCDULL;
	uint64_t h = 0x9E3779B97F4A7C15ULL ^ (uint64_t)n, w;
	size_t i, j;

	for (i = 0; i < n; i += 8) {
		w = 0;
		for (j = 0; j < 8 && i + j < n; j++)
			w |= (uint64_t)(unsigned char)s[i + j] << (8 * j);
		h = (h ^ w) * k;
		h ^= h >> 32;
	}
	h ^= h >> 29;
	h *= 0xC4CEB9FE1A85EC53ULL;
	return h ^ (h >> 32);
}

static void
test_model_hash_and_texts(void **state)
{
	char s[48], pad[8];
	size_t n, i;
	uint64_t w;
	struct model m;
	const char *a, *b, *c;

	(void)state;
	for (i = 0; i < sizeof(s); i++)
		s[i] = (char)(0x41 + i * 37 % 190);
	for (n = 0; n <= 40; n++) {
		/* the same bytes at every alignment */
		for (i = 0; i < 8; i++)
			assert_true(model_hash(s + i, n) == S_ref_hash(s + i, n));
		if (n > 0 && n < 8) {
			memset(pad, 0, sizeof(pad));
			memcpy(pad, s, n);
			memcpy(&w, pad, 8);
			assert_true(model_hash_short(w, n) == S_ref_hash(s, n));
		}
	}
	model_init(&m, 20000, 4);
	a = model_text_shared(&m, "East region", 4);
	b = model_text_shared(&m, "East", 4);
	c = model_text(&m, "East", 4);
	assert_string_equal(a, "East");
	assert_ptr_equal(a, b);		/* one copy */
	assert_ptr_not_equal(a, c);
	assert_string_equal(c, "East");
	assert_string_equal(model_text_shared(&m, "", 0), "");
	/* enough to grow the index and fill a text block */
	for (i = 0; i < 3000; i++) {
		snprintf(s, sizeof(s), "rep %zu with a longer name", i % 1000);
		a = model_text_shared(&m, s, strlen(s));
		assert_string_equal(a, s);
		if (i >= 1000)
			assert_ptr_equal(a, model_text_shared(&m, s, strlen(s)));
		c = model_text(&m, s, strlen(s));
		assert_string_equal(c, s);
	}
	assert_int_equal(m.n_tused, 1001);
	model_free(&m);
}

/* val_id_verbatim_in (16 bytes at a time) against val_id_verbatim, and
 * both against val_id: an id said to be verbatim comes back unchanged. */
static void
test_id_verbatim(void **state)
{
	static const char al[] = "09AZaz-_eE@[`{/:. \x80\xC5\xE5\x7F\xFF\x1F";
	char s[32], out[64];
	unsigned long seed = 5;
	size_t n, i;
	int it, v;

	(void)state;
	for (it = 0; it < 200000; it++) {
		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		n = (seed >> 33) % 18;
		for (i = 0; i < sizeof(s); i++) {
			seed = seed * 6364136223846793005UL +
			    1442695040888963407UL;
			s[i] = (seed >> 40) % 4 == 0 ? (char)(seed >> 20) :
			    al[(seed >> 33) % (sizeof(al) - 1)];
		}
		v = val_id_verbatim(s, n);
		assert_int_equal(val_id_verbatim_in(s, n, sizeof(s)), v);
		assert_int_equal(val_id_verbatim_in(s, n, n), v);
		if (v) {
			assert_int_equal(val_id(s, n, out, sizeof(out)), 0);
			assert_int_equal(strlen(out), n);
			assert_memory_equal(out, s, n);
		}
	}
	assert_int_equal(val_id_verbatim("C003267", 7), 1);
	assert_int_equal(val_id_verbatim("E5", 2), 1);
	assert_int_equal(val_id_verbatim("5E", 2), 0);
	assert_int_equal(val_id_verbatim("1.5", 3), 0);
	assert_int_equal(val_id_verbatim("", 0), 0);
}

/* val_text_cut copies visible ASCII and most CJK without decoding them:
 * the same result as decoding every character. */
static size_t
S_ref_text_cut(const char *s, size_t n, char *out, size_t cap)
{
	const char *p = s, *q, *end = s + n;
	size_t o = 0, k;
	int pend = 0;
	long cp;

	while (p < end) {
		q = p;
		cp = cv_utf8_next(&p, end);
		if (cp < 0) {
			p = q + 1;
			continue;
		}
		if (cp == 0xFEFF || cp == 0x200B)
			continue;
		if (cp == ' ' || cp == '\t' || cp == '\r' || cp == '\n' ||
		    cp == 0xA0 || cp == 0x3000 || cp == 0x2007 || cp == 0x2009 ||
		    cp == 0x202F || cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
			pend = 1;
			continue;
		}
		k = (size_t)(p - q);
		if (o + (pend && o > 0) + k + 1 > cap)
			break;
		if (pend && o > 0)
			out[o++] = ' ';
		pend = 0;
		memcpy(out + o, q, k);
		o += k;
	}
	out[o] = '\0';
	return o;
}

static void
test_text_cut_fast(void **state)
{
	static const char *const atoms[] = { "a", "Z", " ", "\t", "\x01",
		"\xE5\xAE\xA2", "\xE4\xB8\x80", "\xE9\xBF\xBF",
		"\xE3\x80\x80", "\xC2\xA0", "\xEF\xBB\xBF", "\xE2\x80\x8B",
		"\xE4\xB8", "\xE9", "\xFF", "\xC3\xA9", "\xF0\x9F\x98\x80",
		"\xE4\x41\x80", "~", "\x7F", "\xC2\x85" };
	char s[64], a[40], b[40];
	unsigned long seed = 11;
	size_t n, cap, k;
	int it, j, na;

	(void)state;
	for (it = 0; it < 100000; it++) {
		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		na = (int)((seed >> 33) % 12);
		n = 0;
		for (j = 0; j < na; j++) {
			const char *at;

			seed = seed * 6364136223846793005UL +
			    1442695040888963407UL;
			at = atoms[(seed >> 33) % (sizeof(atoms) /
			    sizeof(atoms[0]))];
			k = strlen(at);
			memcpy(s + n, at, k);
			n += k;
		}
		cap = 1 + (seed >> 50) % 30;
		assert_int_equal(val_text_cut(s, n, a, cap),
		    S_ref_text_cut(s, n, b, cap));
		assert_string_equal(a, b);
	}
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

/* Deterministic pseudo-random numbers (xorshift64*). */
static uint64_t S_seed = 0x9e3779b97f4a7c15u;

static uint64_t
S_next(void)
{
	S_seed ^= S_seed >> 12;
	S_seed ^= S_seed << 25;
	S_seed ^= S_seed >> 27;
	return S_seed * 0x2545f4914f6cdd1du;
}

/* Uniform in [0, 1). */
static double
S_unit(void)
{
	return (double)(S_next() >> 11) * 0x1p-53;
}

/* rx_fix6(v) must be cv_fixed(v, 6), byte for byte; counts the values. */
static void
S_fix6_check(struct rx_out *o, double v, long *n_checked)
{
	char want[64];

	cv_fixed_printf(v, 6, want);
	o->n = 0;
	rx_fix6(o, v);
	if (o->n != strlen(want) || memcmp(o->p, want, o->n) != 0)
		fail_msg("rx_fix6(%a): '%.*s', cv_fixed: '%s'", v, (int)o->n,
		    o->p, want);
	(*n_checked)++;
}

/* v and -v, and k ulps either side of both. */
static void
S_fix6_around(struct rx_out *o, double v, int k, long *n_checked)
{
	double up = v, down = v;
	int i;

	S_fix6_check(o, v, n_checked);
	S_fix6_check(o, -v, n_checked);
	for (i = 0; i < k; i++) {
		up = nextafter(up, INFINITY);
		down = nextafter(down, -INFINITY);
		S_fix6_check(o, up, n_checked);
		S_fix6_check(o, -up, n_checked);
		S_fix6_check(o, down, n_checked);
		S_fix6_check(o, -down, n_checked);
	}
}

/*
 * The XML renderer's fixed-point formatter against cv_fixed(v, 6) (printf):
 * a sweep over magnitudes, decimal halves of 1e-6 and their neighbours,
 * binary ties, integers, denormals, the fast path's upper limit and the
 * values it leaves to cv_fixed.
 */
static void
test_xml_fix6(void **state)
{
	static const double fixed[] = {
		0.0, 1.0, 0.5, 1e-6, 5e-7, 4.9999999999999998e-7, 1.5e-6,
		2.5e-6, 0.1, 0.123456, 0.1234565, 0.9999995, 9.9999995,
		99.9999995, 0.000001499999, 123456789.123456, 1e9, 1e12, 1e15,
		1e16, 1e17, 1e21, 1e22, 1e300, DBL_MAX, DBL_MIN, DBL_TRUE_MIN,
		0x1p52 / 1e6, 0x1p53 / 1e6, 4503599627.370496,
		4503599627.3704955, 9007199254.740992, 0x1p-20, 0x1p-30,
		2.2250738585072009e-308,
	};
	struct rx_out o = { NULL, 0, 0 };
	long n = 0;
	char b[64];
	size_t i;
	int e, k;

	(void)state;
	/* Not numbers: the renderer leaves NaN attributes out, but writes
	 * what cv_fixed writes where it does not check (score, volume,
	 * loyalty). */
	S_fix6_check(&o, NAN, &n);
	S_fix6_check(&o, -NAN, &n);
	S_fix6_check(&o, INFINITY, &n);
	S_fix6_check(&o, -INFINITY, &n);
	o.n = 0;
	rx_fix6(&o, NAN);
	rx_fix6(&o, INFINITY);
	rx_fix6(&o, -INFINITY);
	rx_fix6(&o, -0.0);
	rx_fix6(&o, -1e-7);
	assert_int_equal(o.n, strlen("NaNinf-inf0.0000000.000000"));
	assert_memory_equal(o.p, "NaNinf-inf0.0000000.000000", o.n);
	assert_string_equal(cv_fixed(-0.0, 6, b), "0.000000");

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		S_fix6_around(&o, fixed[i], 4, &n);

	/* Every decimal magnitude from 1e-9 to 1e15, mantissa uniform. */
	for (e = -9; e <= 15; e++) {
		double scale = pow(10.0, e);
		for (k = 0; k < 40000; k++) {
			double v = (1.0 + 9.0 * S_unit()) * scale;
			S_fix6_check(&o, (S_next() & 1) ? -v : v, &n);
		}
	}
	/* Random bit patterns, binary exponents 2^-40 .. 2^60. */
	for (k = 0; k < 500000; k++) {
		uint64_t bits = S_next();
		uint64_t ex = 1023 - 40 + (bits >> 12) % 101;
		uint64_t u = (bits & 0x800fffffffffffffu) | ex << 52;
		double v;
		memcpy(&v, &u, sizeof(v));
		S_fix6_check(&o, v, &n);
	}
	/* Decimal halves (m + 0.5) * 1e-6 as the nearest double, and 8 ulps
	 * either side, for m of 1 to 16 digits: where the fast path must give
	 * way to printf. */
	for (k = 0; k < 50000; k++) {
		uint64_t m = S_next() % (uint64_t)pow(10.0, 1 + k % 16);
		double h = (double)(2 * m + 1) / 2e6;
		S_fix6_around(&o, h, k % 8 == 0 ? 8 : 2, &n);
	}
	/* Binary ties: j / 128 (j odd) is exactly (7812.5 * j) * 1e-6; ties
	 * round to even.  And j / 64 lands exactly on a digit. */
	for (k = 0; k < 100000; k++) {
		uint64_t j = 2 * (S_next() % ((uint64_t)1 << (1 + k % 40))) + 1;
		S_fix6_around(&o, (double)j / 128.0, 1, &n);
		S_fix6_check(&o, (double)j / 64.0, &n);
	}
	/* Integers up to 2^53 and beyond, and small ones. */
	for (k = 0; k < 200000; k++) {
		uint64_t j = S_next() >> (11 + k % 53);
		S_fix6_check(&o, (double)j, &n);
		S_fix6_check(&o, -(double)j, &n);
		S_fix6_check(&o, (double)(k - 100000), &n);
	}
	/* Denormals and tiny values (all "0.000000"), and up to 2e-6. */
	for (k = 0; k < 100000; k++) {
		uint64_t u = S_next() >> (12 + k % 52);
		double v;
		memcpy(&v, &u, sizeof(v));
		S_fix6_check(&o, v, &n);
		S_fix6_check(&o, -v, &n);
		S_fix6_check(&o, 2e-6 * S_unit(), &n);
	}
	/* Around the fast path's limit x = |v| * 1e6 < 2^52. */
	for (k = 0; k < 100000; k++) {
		double v = 0x1p52 / 1e6 * (0.999 + 0.002 * S_unit());
		S_fix6_check(&o, (k & 1) ? -v : v, &n);
	}
	assert_true(n > 3000000);
	free(o.p);
}

/* What the escaper promises for the parsed value: every byte that is not
 * UTF-8, and C0 controls but tab, LF and CR, U+FFFE, U+FFFF, become '?'. */
static char *
S_cleaned(const char *s)
{
	const char *p = s, *end = s + strlen(s), *q;
	char *r = cv_malloc(strlen(s) + 1), *w = r;
	long cp;

	while (p < end) {
		q = p;
		cp = cv_utf8_next(&p, end);
		if (cp < 0) {
			*w++ = '?';
			p = q + 1;
		} else if ((cp < 0x20 && cp != '\t' && cp != '\n' &&
		    cp != '\r') || cp == 0xFFFE || cp == 0xFFFF)
			*w++ = '?';
		else {
			memcpy(w, q, (size_t)(p - q));
			w += p - q;
		}
	}
	*w = '\0';
	return r;
}

/* s escaped into <a x=".."/>..</a> must be well-formed, and the attribute
 * and the text must read back as S_cleaned(s): as s itself when s is valid. */
static void
S_esc_check(const char *s)
{
	struct rx_out ea = { NULL, 0, 0 }, et = { NULL, 0, 0 };
	char *want = S_cleaned(s), *doc;
	const char *attr, *text;
	xmlChar *xa, *xt;
	xmlDocPtr x;
	size_t n;

	rx_esc(&ea, s, 1);
	rx_esc(&et, s, 0);
	n = ea.n + et.n + sizeof("<a x=\"\"></a>") - 1;
	doc = cv_malloc(n + 1);
	snprintf(doc, n + 1, "<a x=\"%.*s\">%.*s</a>", (int)ea.n, ea.p,
	    (int)et.n, et.p);
	x = xmlReadMemory(doc, (int)n, "esc.xml", NULL, XML_PARSE_NONET);
	if (x == NULL)
		fail_msg("not well-formed: %s", doc);
	xa = xmlGetProp(xmlDocGetRootElement(x), (const xmlChar *)"x");
	xt = xmlNodeGetContent(xmlDocGetRootElement(x));
	attr = xa != NULL ? (const char *)xa : "";
	text = xt != NULL ? (const char *)xt : "";
	if (strcmp(attr, want) != 0 || strcmp(text, want) != 0)
		fail_msg("%s: attribute '%s', text '%s', expected '%s'", doc,
		    attr, text, want);
	if (cv_utf8_valid(s, strlen(s)))
		assert_string_equal(text, s);
	xmlFree(xa);
	xmlFree(xt);
	xmlFreeDoc(x);
	free(doc);
	free(want);
	free(ea.p);
	free(et.p);
}

/*
 * The XML renderer's one-pass escaper, as attribute value and as text:
 * markup characters, whitespace, every C0 control, noncharacters,
 * surrogates, overlong and cut-short sequences, 2- to 4-byte characters,
 * alone and in pseudo-random strings.
 */
static void
test_xml_escape(void **state)
{
	static const char *const frag[] = {
		"<", ">", "&", "\"", "'", "]]>", "]]", "\t", "\r", "\n", "\r\n",
		"a", "Zz 09", " ", "&amp;", "&#0;", "<![CDATA[x]]>", "\x7F",
		"\xC3\xA9",			/* é */
		"\xC2\x80", "\xC2\x9F",	/* C1 controls, XML characters */
		"客户", "\xE0\xA0\x80",		/* U+0800 */
		"\xED\x9F\xBF", "\xEE\x80\x80",	/* U+D7FF, U+E000 */
		"\xEF\xBF\xBD",			/* U+FFFD */
		"\xEF\xBF\xBE", "\xEF\xBF\xBF",	/* U+FFFE, U+FFFF */
		"\xED\xA0\x80", "\xED\xBF\xBF",	/* lone surrogates */
		"\xED\xA0\xBD\xED\xB8\x80",	/* a CESU-8 pair */
		"\xC0\xAF", "\xC1\xBF", "\xE0\x80\xAF", "\xE0\x9F\xBF",
		"\xF0\x80\x80\xAF", "\xF0\x8F\xBF\xBF",	/* overlong */
		"\xE4\xBD", "\xF0\x9F\x98", "\xC3", "\xF0",	/* cut short */
		"\x80", "\xBF", "\xFE", "\xFF", "\xF5\x80\x80\x80",
		"\xF4\x90\x80\x80",		/* above U+10FFFF */
		"\xF0\x9F\x98\x80",		/* U+1F600 */
		"\xF4\x8F\xBF\xBF",		/* U+10FFFF */
		"\xF0\x90\x80\x80",		/* U+10000 */
	};
	size_t nf = sizeof(frag) / sizeof(frag[0]), i;
	char s[256];
	int c, k, j, m;

	(void)state;
	S_esc_check("");
	for (i = 0; i < nf; i++) {
		S_esc_check(frag[i]);
		snprintf(s, sizeof(s), "x%sy%s", frag[i], frag[i]);
		S_esc_check(s);
	}
	for (c = 1; c < 0x20; c++) {
		snprintf(s, sizeof(s), "a%cb<%c>", c, c);
		S_esc_check(s);
	}
	/* Cut-short sequences at the very end of the string. */
	S_esc_check("abc\xE4\xBD");
	S_esc_check("abc\xF0\x9F\x98");
	S_esc_check("\xE4\xBD\xA0\xE4");
	for (k = 0; k < 30000; k++) {
		size_t len = 0;
		m = (int)(S_next() % 12);
		for (j = 0; j < m; j++) {
			const char *f;
			if (S_next() % 8 == 0) {
				/* one byte, any value but NUL */
				char one[2] = { (char)(1 + S_next() % 255), 0 };
				f = one;
				memcpy(s + len, f, 2);
				len += 1;
				continue;
			}
			f = frag[S_next() % nf];
			memcpy(s + len, f, strlen(f) + 1);
			len += strlen(f);
		}
		s[len] = '\0';
		S_esc_check(s);
	}
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
		cmocka_unit_test(test_model_hash_and_texts),
		cmocka_unit_test(test_id_verbatim),
		cmocka_unit_test(test_text_cut_fast),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_labels_match_policies),
		cmocka_unit_test(test_xml_fix6),
		cmocka_unit_test(test_xml_escape),
	};

	return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
