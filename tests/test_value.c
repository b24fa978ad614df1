/* test_value.c: cmocka tests of field value parsing (money, numbers, dates, ids, text). */
#include <float.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "diag.h"
#include "util.h"
#include "value.h"

/* Literal with its length, so embedded NUL bytes count. */
#define L(s) s, sizeof(s) - 1

#define MONEY_OK(s, want) do {					\
	int64_t v_ = 42;					\
	int r_ = val_money(L(s), &v_);				\
	if (r_ != 0)						\
		fail_msg("val_money(\"%s\") = %d", s, r_);	\
	assert_int_equal(v_, (int64_t)(want));			\
} while (0)

#define MONEY_ERR(s, err) do {					\
	int64_t v_ = 42;					\
	int r_ = val_money(L(s), &v_);				\
	if (r_ != (err))					\
		fail_msg("val_money(\"%s\") = %d, want %d", s, r_, (err)); \
	assert_int_equal(v_, 42);				\
} while (0)

#define DEC_OK(s, want) do {					\
	double v_ = 42;						\
	int r_ = val_decimal(L(s), &v_);			\
	if (r_ != 0)						\
		fail_msg("val_decimal(\"%s\") = %d", s, r_);	\
	assert_true(v_ == (double)(want));			\
} while (0)

#define DEC_ERR(s, err) do {					\
	double v_ = 42;						\
	int r_ = val_decimal(L(s), &v_);			\
	if (r_ != (err))					\
		fail_msg("val_decimal(\"%s\") = %d, want %d", s, r_, (err)); \
} while (0)

#define INT_OK(s, want) do {					\
	long long v_ = 42;					\
	int r_ = val_int(L(s), &v_);				\
	if (r_ != 0)						\
		fail_msg("val_int(\"%s\") = %d", s, r_);	\
	assert_true(v_ == (long long)(want));			\
} while (0)

#define INT_ERR(s, err) do {					\
	long long v_ = 42;					\
	int r_ = val_int(L(s), &v_);				\
	if (r_ != (err))					\
		fail_msg("val_int(\"%s\") = %d, want %d", s, r_, (err)); \
} while (0)

#define DATE_OK(s, fmt, y, m, d) do {				\
	int32_t v_ = 42;					\
	int r_ = val_date(L(s), (fmt), &v_);			\
	if (r_ != 0)						\
		fail_msg("val_date(\"%s\", %d) = %d", s, (fmt), r_); \
	assert_int_equal(v_, cv_days_from_civil((y), (m), (d))); \
} while (0)

#define DATE_ERR(s, fmt, err) do {				\
	int32_t v_ = 42;					\
	int r_ = val_date(L(s), (fmt), &v_);			\
	if (r_ != (err))					\
		fail_msg("val_date(\"%s\", %d) = %d, want %d", s, (fmt), r_, (err)); \
	assert_int_equal(v_, 42);				\
} while (0)

#define ID_OK(s, want) do {					\
	char o_[64];						\
	int r_ = val_id(L(s), o_, sizeof(o_));			\
	if (r_ != 0)						\
		fail_msg("val_id(\"%s\") = %d", s, r_);		\
	assert_string_equal(o_, want);				\
} while (0)

#define ID_ERR(s, err) do {					\
	char o_[64];						\
	int r_ = val_id(L(s), o_, sizeof(o_));			\
	if (r_ != (err))					\
		fail_msg("val_id(\"%s\") = %d, want %d", s, r_, (err)); \
	assert_string_equal(o_, "");				\
} while (0)

#define TEXT_OK(s, want) do {					\
	char o_[64];						\
	int r_ = val_text(L(s), o_, sizeof(o_));		\
	if (r_ != 0)						\
		fail_msg("val_text(\"%s\") = %d", s, r_);	\
	assert_string_equal(o_, want);				\
} while (0)

#define TEXT_ERR(s, err) do {					\
	char o_[64];						\
	int r_ = val_text(L(s), o_, sizeof(o_));		\
	if (r_ != (err))					\
		fail_msg("val_text(\"%s\") = %d, want %d", s, r_, (err)); \
} while (0)

#define AUTO	VAL_DATE_AUTO
#define YMD	VAL_DATE_YMD
#define DMY	VAL_DATE_DMY
#define MDY	VAL_DATE_MDY
#define EXCEL	VAL_DATE_EXCEL

static void
test_money_plain(void **state)
{
	(void)state;
	MONEY_OK("0", 0);
	MONEY_OK("1", 100);
	MONEY_OK("1234.5", 123450);
	MONEY_OK("1234.56", 123456);
	MONEY_OK("-1234.56", -123456);
	MONEY_OK("+1234.56", 123456);
	MONEY_OK("007.10", 710);
	MONEY_OK(".5", 50);
	MONEY_OK("5.", 500);
	MONEY_OK("-0", 0);
	MONEY_OK("12.3400", 1234);
	MONEY_OK("12.000000", 1200);
	MONEY_OK("1,234", 123400);
	MONEY_OK("1,234,567.89", 123456789);
	MONEY_OK("123,456", 12345600);
	MONEY_OK("  42  ", 4200);
	MONEY_OK("\t42\r\n", 4200);
}

static void
test_money_decorated(void **state)
{
	(void)state;
	MONEY_OK("¥1,234.50", 123450);
	MONEY_OK("￥1,234.50", 123450);
	MONEY_OK("$1,234.50", 123450);
	MONEY_OK("€1,234.50", 123450);
	MONEY_OK("RMB 1,234.50", 123450);
	MONEY_OK("rmb1234.50", 123450);
	MONEY_OK("CNY 1,234.50", 123450);
	MONEY_OK("1,234.50 CNY", 123450);
	MONEY_OK("1234.50元", 123450);
	MONEY_OK("1,234.50 元", 123450);
	MONEY_OK("1234.50¥", 123450);
	MONEY_OK("NT$1,234", 123400);
	MONEY_OK("-¥1,234.50", -123450);
	MONEY_OK("¥-1,234.50", -123450);
	MONEY_OK("¥ -1,234.50", -123450);	/* Excel accounting format */
	MONEY_OK(" ¥ -1,234.50 ", -123450);
	MONEY_OK("(1,234.50)", -123450);
	MONEY_OK("( 1,234.50 )", -123450);
	MONEY_OK("(¥1,234.50)", -123450);
	MONEY_OK("¥(1,234.50)", -123450);
	MONEY_OK("$ (1,234.50)", -123450);
	MONEY_OK("（1,234.50）", -123450);	/* full-width parentheses */
	MONEY_OK("１，２３４．５０", 123450);	/* full-width digits */
	MONEY_OK("－１２３４．５", -123450);
	MONEY_OK("＋５", 500);
	MONEY_OK("−5", -500);			/* U+2212 minus */
	MONEY_OK("\xe3\x80\x80" "1,234.50" "\xe3\x80\x80", 123450);	/* U+3000 */
	MONEY_OK("\xc2\xa0" "12", 1200);	/* NBSP */
	MONEY_OK("\xef\xbb\xbf" "12", 1200);	/* stray BOM */
	MONEY_OK("1,234.50-", -123450);		/* SAP trailing minus */
	MONEY_OK("１２３元", 12300);
}

static void
test_money_reject(void **state)
{
	(void)state;
	MONEY_ERR("", VAL_E_EMPTY);
	MONEY_ERR("   ", VAL_E_EMPTY);
	MONEY_ERR("\xe3\x80\x80", VAL_E_EMPTY);
	MONEY_ERR("-", VAL_E_NUMBER);
	MONEY_ERR("¥ -   ", VAL_E_NUMBER);	/* accounting zero */
	MONEY_ERR("¥", VAL_E_NUMBER);
	MONEY_ERR(".", VAL_E_NUMBER);
	MONEY_ERR("abc", VAL_E_NUMBER);
	MONEY_ERR("12abc", VAL_E_NUMBER);
	MONEY_ERR("1.2.3", VAL_E_NUMBER);
	MONEY_ERR("1,2,3", VAL_E_NUMBER);
	MONEY_ERR("1,23", VAL_E_NUMBER);
	MONEY_ERR("1234,567", VAL_E_NUMBER);
	MONEY_ERR(",123", VAL_E_NUMBER);
	MONEY_ERR("123,", VAL_E_NUMBER);
	MONEY_ERR("1,,234", VAL_E_NUMBER);
	MONEY_ERR("1.234,50", VAL_E_NUMBER);	/* European style: refused */
	MONEY_ERR("1 234", VAL_E_NUMBER);
	MONEY_ERR("--5", VAL_E_NUMBER);
	MONEY_ERR("+-5", VAL_E_NUMBER);
	MONEY_ERR("-5-", VAL_E_NUMBER);
	MONEY_ERR("5+", VAL_E_NUMBER);
	MONEY_ERR("(-5)", VAL_E_NUMBER);
	MONEY_ERR("-(5)", VAL_E_NUMBER);
	MONEY_ERR("(5", VAL_E_NUMBER);
	MONEY_ERR("5)", VAL_E_NUMBER);
	MONEY_ERR("((5))", VAL_E_NUMBER);
	MONEY_ERR("(5)-", VAL_E_NUMBER);
	MONEY_ERR("¥¥5", VAL_E_NUMBER);
	MONEY_ERR("¥5元", VAL_E_NUMBER);
	MONEY_ERR("元5", VAL_E_NUMBER);
	MONEY_ERR("RMBX 5", VAL_E_NUMBER);
	MONEY_ERR("5%", VAL_E_NUMBER);
	MONEY_ERR("5 6", VAL_E_NUMBER);
	MONEY_ERR("0x10", VAL_E_NUMBER);
	MONEY_ERR("inf", VAL_E_NUMBER);
	MONEY_ERR("nan", VAL_E_NUMBER);
	MONEY_ERR("5e", VAL_E_NUMBER);
	MONEY_ERR("1\0002", VAL_E_NUMBER);	/* embedded NUL */
	MONEY_ERR("\0", VAL_E_NUMBER);
	MONEY_ERR("12\x01", VAL_E_NUMBER);
	MONEY_ERR("１２３円", VAL_E_NUMBER);
	MONEY_ERR("12.345", VAL_E_PRECISION);
	MONEY_ERR("12.3401", VAL_E_PRECISION);
	MONEY_ERR("0.001", VAL_E_PRECISION);
	MONEY_ERR("1.5E+3", VAL_E_EXPONENT);
	MONEY_ERR("1.23457E+11", VAL_E_EXPONENT);
	MONEY_ERR("1e3", VAL_E_EXPONENT);
	MONEY_ERR("12\xff", VAL_E_ENCODING);
	MONEY_ERR("\xe4\xbd", VAL_E_ENCODING);
	MONEY_ERR("\xc0\xb1", VAL_E_ENCODING);	/* overlong '1' */
}

static void
test_money_range(void **state)
{
	(void)state;
	MONEY_OK("92233720368547758.07", INT64_MAX);
	MONEY_OK("-92233720368547758.08", INT64_MIN);
	MONEY_OK("92,233,720,368,547,758.07", INT64_MAX);
	MONEY_OK("(92233720368547758.08)", INT64_MIN);
	MONEY_ERR("92233720368547758.08", VAL_E_RANGE);
	MONEY_ERR("-92233720368547758.09", VAL_E_RANGE);
	MONEY_ERR("92233720368547759", VAL_E_RANGE);
	MONEY_ERR("99999999999999999999999999999999", VAL_E_RANGE);
	MONEY_ERR("18446744073709551616", VAL_E_RANGE);
	MONEY_OK("0000000000000000000000000000000000000001.00", 100);
}

static void
test_decimal(void **state)
{
	(void)state;
	DEC_OK("0", 0);
	DEC_OK("1.5", 1.5);
	DEC_OK("-1.5", -1.5);
	DEC_OK("(1.5)", -1.5);
	DEC_OK("1,234.5", 1234.5);
	DEC_OK("１，２３４．５", 1234.5);
	DEC_OK("1.5e3", 1500);
	DEC_OK("1.5E+3", 1500);
	DEC_OK("15E-1", 1.5);
	DEC_OK("50%", 0.5);
	DEC_OK("12.5 %", 0.125);
	DEC_OK("５０％", 0.5);
	DEC_OK("(5%)", -0.05);
	DEC_OK("¥3.25", 3.25);
	DEC_OK(" 4 ", 4);
	DEC_OK(".25", 0.25);
	DEC_OK("1e-400", 0);			/* underflow: zero is fine */
	DEC_OK("12.345678", 12.345678);
	DEC_ERR("", VAL_E_EMPTY);
	DEC_ERR("-", VAL_E_NUMBER);
	DEC_ERR("abc", VAL_E_NUMBER);
	DEC_ERR("inf", VAL_E_NUMBER);
	DEC_ERR("nan", VAL_E_NUMBER);
	DEC_ERR("0x1p3", VAL_E_NUMBER);
	DEC_ERR("1e", VAL_E_NUMBER);
	DEC_ERR("1e+", VAL_E_NUMBER);
	DEC_ERR("5%%", VAL_E_NUMBER);
	DEC_ERR("%5", VAL_E_NUMBER);
	DEC_ERR("1,23.4", VAL_E_NUMBER);
	DEC_ERR("1.5\0", VAL_E_NUMBER);
	DEC_ERR("1e999", VAL_E_RANGE);
	DEC_ERR("-1e99999999999", VAL_E_RANGE);
	DEC_ERR("\xff", VAL_E_ENCODING);
}

static void
test_int(void **state)
{
	(void)state;
	INT_OK("0", 0);
	INT_OK("42", 42);
	INT_OK("-42", -42);
	INT_OK("(42)", -42);
	INT_OK("1,234", 1234);
	INT_OK("１２", 12);
	INT_OK("12.00", 12);
	INT_OK("9223372036854775807", LLONG_MAX);
	INT_OK("-9223372036854775808", LLONG_MIN);
	INT_ERR("9223372036854775808", VAL_E_RANGE);
	INT_ERR("-9223372036854775809", VAL_E_RANGE);
	INT_ERR("99999999999999999999", VAL_E_RANGE);
	INT_ERR("12.5", VAL_E_NUMBER);
	INT_ERR("¥12", VAL_E_NUMBER);
	INT_ERR("12%", VAL_E_NUMBER);
	INT_ERR("1e3", VAL_E_EXPONENT);
	INT_ERR("", VAL_E_EMPTY);
	INT_ERR("x", VAL_E_NUMBER);
	INT_ERR("1\0", VAL_E_NUMBER);
	INT_ERR("1\x80", VAL_E_ENCODING);
}

static void
test_date_forms(void **state)
{
	(void)state;
	DATE_OK("2024-01-05", AUTO, 2024, 1, 5);
	DATE_OK("2024/1/5", AUTO, 2024, 1, 5);
	DATE_OK("2024/01/05", AUTO, 2024, 1, 5);
	DATE_OK("2024.1.5", AUTO, 2024, 1, 5);
	DATE_OK("20240105", AUTO, 2024, 1, 5);
	DATE_OK("2024年1月5日", AUTO, 2024, 1, 5);
	DATE_OK("2024年01月05日", AUTO, 2024, 1, 5);
	DATE_OK("2024 年 1 月 5 日", AUTO, 2024, 1, 5);
	DATE_OK("2024年1月5号", AUTO, 2024, 1, 5);
	DATE_OK("2024年1月5", AUTO, 2024, 1, 5);
	DATE_OK("２０２４年１月５日", AUTO, 2024, 1, 5);
	DATE_OK("２０２４－０１－０５", AUTO, 2024, 1, 5);
	DATE_OK("  2024-01-05  ", AUTO, 2024, 1, 5);
	DATE_OK("\xe3\x80\x80" "2024-01-05", AUTO, 2024, 1, 5);
	/* Followed by a time, which is ignored. */
	DATE_OK("2024-01-05 13:45", AUTO, 2024, 1, 5);
	DATE_OK("2024-01-05T13:45:10", AUTO, 2024, 1, 5);
	DATE_OK("2024-01-05T13:45:10.123Z", AUTO, 2024, 1, 5);
	DATE_OK("2024-01-05T13:45:10+08:00", AUTO, 2024, 1, 5);
	DATE_OK("2024-01-05 00:00:00", AUTO, 2024, 1, 5);
	DATE_OK("2024/1/5 1:45:00 PM", AUTO, 2024, 1, 5);
	DATE_OK("2024/1/5 1:45 am", AUTO, 2024, 1, 5);
	DATE_OK("2024/1/5 下午 1:45", AUTO, 2024, 1, 5);
	DATE_OK("2024/1/5 1:45:00 上午", AUTO, 2024, 1, 5);
	DATE_OK("2024年1月5日 13:45", AUTO, 2024, 1, 5);
	DATE_OK("20240105 13:45", AUTO, 2024, 1, 5);
	DATE_OK("2024-01-05 １３：４５", AUTO, 2024, 1, 5);
	/* Explicit orders. */
	DATE_OK("05/01/2024", DMY, 2024, 1, 5);
	DATE_OK("5.1.2024", DMY, 2024, 1, 5);
	DATE_OK("01/05/2024", MDY, 2024, 1, 5);
	DATE_OK("1/5/2024 13:45", MDY, 2024, 1, 5);
	DATE_OK("2024-01-05", DMY, 2024, 1, 5);	/* year first is never ambiguous */
	DATE_OK("2024-01-05", MDY, 2024, 1, 5);
	DATE_OK("2024-01-05", YMD, 2024, 1, 5);
	DATE_OK("20240105", YMD, 2024, 1, 5);
	DATE_OK("2024-01-05", EXCEL, 2024, 1, 5);
}

static void
test_date_excel(void **state)
{
	(void)state;
	DATE_OK("45000", AUTO, 2023, 3, 15);
	DATE_OK("45000.75", AUTO, 2023, 3, 15);
	DATE_OK("45000", EXCEL, 2023, 3, 15);
	DATE_OK("20000", AUTO, 1954, 10, 3);
	DATE_OK("80000", AUTO, 2119, 1, 11);
	DATE_OK("1", EXCEL, 1900, 1, 1);
	DATE_OK("59", EXCEL, 1900, 2, 28);
	DATE_OK("61", EXCEL, 1900, 3, 1);
	DATE_OK("2958465", EXCEL, 9999, 12, 31);
	DATE_OK("４５０００", AUTO, 2023, 3, 15);
	DATE_ERR("60", EXCEL, VAL_E_DATE);	/* Excel's 1900-02-29 */
	DATE_ERR("0", EXCEL, VAL_E_DATE);
	DATE_ERR("2958466", EXCEL, VAL_E_DATE);
	DATE_ERR("19999", AUTO, VAL_E_DATE);
	DATE_ERR("80001", AUTO, VAL_E_DATE);
	DATE_ERR("60", AUTO, VAL_E_DATE);
	DATE_ERR("45000", YMD, VAL_E_DATE);
	DATE_ERR("45000", DMY, VAL_E_DATE);
	DATE_ERR("-45000", AUTO, VAL_E_DATE);
	DATE_ERR("45000.", AUTO, VAL_E_DATE);
	DATE_ERR("45000 13:45", AUTO, VAL_E_DATE);
	DATE_ERR("12345678901", EXCEL, VAL_E_DATE);
}

static void
test_date_calendar(void **state)
{
	(void)state;
	DATE_OK("2024-02-29", AUTO, 2024, 2, 29);
	DATE_OK("2000-02-29", AUTO, 2000, 2, 29);
	DATE_OK("1900-01-01", AUTO, 1900, 1, 1);
	DATE_OK("1970-01-01", AUTO, 1970, 1, 1);
	DATE_OK("9999-12-31", AUTO, 9999, 12, 31);
	DATE_OK("2024-12-31", AUTO, 2024, 12, 31);
	DATE_ERR("2023-02-29", AUTO, VAL_E_DATE);
	DATE_ERR("1900-02-29", AUTO, VAL_E_DATE);
	DATE_ERR("2100-02-29", AUTO, VAL_E_DATE);
	DATE_ERR("2024-02-30", AUTO, VAL_E_DATE);
	DATE_ERR("2024-04-31", AUTO, VAL_E_DATE);
	DATE_ERR("2024-13-01", AUTO, VAL_E_DATE);
	DATE_ERR("2024-00-10", AUTO, VAL_E_DATE);
	DATE_ERR("2024-01-00", AUTO, VAL_E_DATE);
	DATE_ERR("2024-01-32", AUTO, VAL_E_DATE);
	DATE_ERR("0000-00-00", AUTO, VAL_E_DATE);
	DATE_ERR("1899-12-31", AUTO, VAL_E_DATE);
	DATE_ERR("20240230", AUTO, VAL_E_DATE);
	DATE_ERR("31/02/2024", DMY, VAL_E_DATE);
	DATE_ERR("13/05/2024", MDY, VAL_E_DATE);
}

static void
test_date_reject(void **state)
{
	(void)state;
	DATE_ERR("", AUTO, VAL_E_EMPTY);
	DATE_ERR("  ", AUTO, VAL_E_EMPTY);
	DATE_ERR("05/01/2024", AUTO, VAL_E_DATE_AMBIGUOUS);
	DATE_ERR("25/01/2024", AUTO, VAL_E_DATE_AMBIGUOUS);
	DATE_ERR("05/01/2024", EXCEL, VAL_E_DATE_AMBIGUOUS);
	DATE_ERR("05/01/2024", YMD, VAL_E_DATE);
	DATE_ERR("05/01/24", DMY, VAL_E_DATE);	/* two-digit year */
	DATE_ERR("24-01-05", AUTO, VAL_E_DATE);
	DATE_ERR("2024-01", AUTO, VAL_E_DATE);
	DATE_ERR("2024", AUTO, VAL_E_DATE);
	DATE_ERR("2024-1/5", AUTO, VAL_E_DATE);
	DATE_ERR("2024-001-05", AUTO, VAL_E_DATE);
	DATE_ERR("2024-01-005", AUTO, VAL_E_DATE);
	DATE_ERR("02024-01-05", AUTO, VAL_E_DATE);
	DATE_ERR("2024-01-05x", AUTO, VAL_E_DATE);
	DATE_ERR("2024-01-05 x", AUTO, VAL_E_DATE);
	DATE_ERR("2024-01-05 25:00", AUTO, VAL_E_DATE);
	DATE_ERR("2024-01-05 13:60", AUTO, VAL_E_DATE);
	DATE_ERR("2024-01-05 13:5", AUTO, VAL_E_DATE);
	DATE_ERR("2024-01-05 13:45 PM", AUTO, VAL_E_DATE);
	DATE_ERR("2024-01-05 13", AUTO, VAL_E_DATE);
	DATE_ERR("2024-01-05T", AUTO, VAL_E_DATE);
	DATE_ERR("2024-01-05 1:45 PMX", AUTO, VAL_E_DATE);
	DATE_ERR("2024年1月", AUTO, VAL_E_DATE);
	DATE_ERR("24年1月5日", AUTO, VAL_E_DATE);
	DATE_ERR("2024年13月5日", AUTO, VAL_E_DATE);
	DATE_ERR("05012024", DMY, VAL_E_DATE);
	DATE_ERR("Jan 5, 2024", AUTO, VAL_E_DATE);
	DATE_ERR("2024-01-05\0", AUTO, VAL_E_DATE);
	DATE_ERR("2024\0-01-05", AUTO, VAL_E_DATE);
	DATE_ERR("2024-01-05\xff", AUTO, VAL_E_ENCODING);
	DATE_ERR("2024-01-05 下", AUTO, VAL_E_DATE);
	DATE_ERR("99999999999999999999", AUTO, VAL_E_DATE);
	DATE_ERR("2024-01-05 1:45:00 PM 1:45", AUTO, VAL_E_DATE);
}

static void
test_date_fmt_parse(void **state)
{
	(void)state;
	assert_int_equal(val_date_fmt_parse("auto"), VAL_DATE_AUTO);
	assert_int_equal(val_date_fmt_parse("YMD"), VAL_DATE_YMD);
	assert_int_equal(val_date_fmt_parse("dmy"), VAL_DATE_DMY);
	assert_int_equal(val_date_fmt_parse("mdy"), VAL_DATE_MDY);
	assert_int_equal(val_date_fmt_parse("Excel"), VAL_DATE_EXCEL);
	assert_int_equal(val_date_fmt_parse("iso"), -1);
	assert_int_equal(val_date_fmt_parse(""), -1);
	assert_int_equal(val_date_fmt_parse(NULL), -1);
}

static void
test_id(void **state)
{
	char small[4];

	(void)state;
	ID_OK("C001", "C001");
	ID_OK("  C001  ", "C001");
	ID_OK("\xe3\x80\x80" "C001" "\xe3\x80\x80", "C001");
	ID_OK("Ｃ００１", "C001");
	ID_OK("ＡＢ－１２", "AB-12");
	ID_OK("AB  12", "AB 12");
	ID_OK("AB\xe3\x80\x80" "12", "AB 12");
	ID_OK("'00123", "00123");
	ID_OK("  '00123", "00123");
	ID_OK("12345.0", "12345");
	ID_OK("12345.00", "12345");
	ID_OK("0.0", "0");
	ID_OK("1.2345E+4", "12345");
	ID_OK("1.2345e4", "12345");
	ID_OK("1.23450E+4", "12345");
	ID_OK("1.23456789012E+11", "123456789012");
	ID_OK("1.5E-3", "1.5E-3");		/* not an integer: kept */
	ID_OK("1.23456E+4", "1.23456E+4");	/* 12345.6: kept */
	ID_OK("12345.5", "12345.5");
	ID_OK("A1.0", "A1.0");
	ID_OK("客户001", "客户001");
	ID_OK("1E+", "1E+");
	ID_ERR("1.23457E+11", VAL_E_EXPONENT);	/* the spreadsheet rounded it */
	ID_ERR("1E+5", VAL_E_EXPONENT);
	ID_ERR("", VAL_E_EMPTY);
	ID_ERR("   ", VAL_E_EMPTY);
	ID_ERR("'", VAL_E_EMPTY);
	ID_ERR("C0\0001", VAL_E_CONTROL);
	ID_ERR("C\x7f", VAL_E_CONTROL);
	ID_ERR("C\xc2\x85", VAL_E_CONTROL);	/* U+0085 */
	ID_ERR("C\xff", VAL_E_ENCODING);
	ID_ERR("\xed\xa0\x80", VAL_E_ENCODING);	/* surrogate */
	assert_int_equal(val_id(L("ABCD"), small, sizeof(small)),
	    VAL_E_TOOLONG);
	assert_string_equal(small, "");
	assert_int_equal(val_id(L("ABC"), small, sizeof(small)), 0);
	assert_string_equal(small, "ABC");
	assert_int_equal(val_id(L("客"), small, sizeof(small)), 0);
	assert_int_equal(val_id(L("客户"), small, sizeof(small)),
	    VAL_E_TOOLONG);
	assert_int_equal(val_id(L("ABC"), small, 0), VAL_E_TOOLONG);
}

static void
test_text(void **state)
{
	char small[3];

	(void)state;
	TEXT_OK("上海华东五金有限公司", "上海华东五金有限公司");
	TEXT_OK("  a  b\t\tc \r\n d  ", "a b c d");
	TEXT_OK("\xe3\x80\x80上海\xe3\x80\x80\xe3\x80\x80华东", "上海 华东");
	TEXT_OK("Ｃ００１", "Ｃ００１");	/* text keeps full-width forms */
	TEXT_ERR("", VAL_E_EMPTY);
	TEXT_ERR(" \t ", VAL_E_EMPTY);
	TEXT_ERR("a\0b", VAL_E_CONTROL);
	TEXT_ERR("a\x1b[31m", VAL_E_CONTROL);
	TEXT_ERR("a\xe4\xbd", VAL_E_ENCODING);
	assert_int_equal(val_text(L("abc"), small, sizeof(small)),
	    VAL_E_TOOLONG);
	assert_string_equal(small, "");
}

static void
test_diag_map(void **state)
{
	int e;

	(void)state;
	assert_int_equal(val_err_diag(VAL_E_EMPTY), D_VALUE_EMPTY);
	assert_int_equal(val_err_diag(VAL_E_NUMBER), D_VALUE_NUMBER);
	assert_int_equal(val_err_diag(VAL_E_RANGE), D_VALUE_RANGE);
	assert_int_equal(val_err_diag(VAL_E_PRECISION), D_VALUE_PRECISION);
	assert_int_equal(val_err_diag(VAL_E_EXPONENT), D_VALUE_EXPONENT);
	assert_int_equal(val_err_diag(VAL_E_DATE), D_VALUE_DATE);
	assert_int_equal(val_err_diag(VAL_E_DATE_AMBIGUOUS),
	    D_VALUE_DATE_AMBIGUOUS);
	assert_int_equal(val_err_diag(VAL_E_ENCODING), D_VALUE_ENCODING);
	assert_int_equal(val_err_diag(VAL_E_CONTROL), D_VALUE_CONTROL);
	assert_int_equal(val_err_diag(VAL_E_TOOLONG), D_VALUE_TOOLONG);
	/* Every code has a distinct message taking the field text, in all languages. */
	for (e = VAL_E_EMPTY; e < VAL__COUNT; e++) {
		enum diag_id id = val_err_diag((enum val_err)e);
		int lang;

		assert_int_equal(diag_severity(id), DIAG_ERROR);
		if (e > VAL_E_EMPTY)
			assert_int_not_equal(id,
			    val_err_diag((enum val_err)(e - 1)));
		for (lang = 0; lang < 3; lang++) {
			struct diag d;

			diag_init(&d, (enum diag_lang)lang);
			diag_add(&d, id, NULL, 0, 0, "X1Y2");
			assert_int_equal(d.n_msgs, 1);
			assert_non_null(strstr(d.msgs[0].text, "X1Y2"));
			diag_free(&d);
		}
	}
}

/* Pseudo-random fields: no crash, no read outside the field (ASan), codes in range. */
static void
test_garbage(void **state)
{
	static const char alphabet[] = "0123456789.,-+()%eE $\xc2\xa5"
	    "\xef\xbc\x90\xe5\xb9\xb4\xe6\x9c\x88\xe6\x97\xa5:/TPMA'\x00\xff";
	uint32_t x = 777;
	size_t round, n, i;
	char out[32];

	(void)state;
	for (round = 0; round < 200000; round++) {
		char *f;
		int64_t m;
		double dv;
		long long iv;
		int32_t days;

		n = round % 24;
		f = malloc(n ? n : 1);	/* exact size: ASan catches overreads */
		assert_non_null(f);
		for (i = 0; i < n; i++) {
			x = x * 1103515245 + 12345;
			f[i] = alphabet[(x >> 16) % (sizeof(alphabet) - 1)];
		}
		assert_true(val_money(f, n, &m) < VAL__COUNT);
		assert_true(val_decimal(f, n, &dv) < VAL__COUNT);
		assert_true(val_int(f, n, &iv) < VAL__COUNT);
		assert_true(val_date(f, n, (enum val_date_fmt)(round % 5),
		    &days) < VAL__COUNT);
		assert_true(val_id(f, n, out, sizeof(out)) < VAL__COUNT);
		assert_true(val_text(f, n, out, sizeof(out)) < VAL__COUNT);
		free(f);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_money_plain),
		cmocka_unit_test(test_money_decorated),
		cmocka_unit_test(test_money_reject),
		cmocka_unit_test(test_money_range),
		cmocka_unit_test(test_decimal),
		cmocka_unit_test(test_int),
		cmocka_unit_test(test_date_forms),
		cmocka_unit_test(test_date_excel),
		cmocka_unit_test(test_date_calendar),
		cmocka_unit_test(test_date_reject),
		cmocka_unit_test(test_date_fmt_parse),
		cmocka_unit_test(test_id),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_diag_map),
		cmocka_unit_test(test_garbage),
	};

	return cmocka_run_group_tests_name("value", tests, NULL, NULL);
}
