/* value.h: parsing of single CSV field values (money, numbers, dates, ids, text) from untrusted UTF-8. */
#ifndef CUSTEVAL_VALUE_H
#define CUSTEVAL_VALUE_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"

/*
 * Every val_* parser takes a field as pointer + length (it need not be
 * NUL-terminated and may contain NUL bytes, which are rejected), never
 * reads outside it, never allocates, and returns 0 or one of these codes.
 * Numeric and date outputs are written only on success; val_id and val_text
 * leave "" in out on any error.
 */
enum val_err {
	VAL_OK = 0,
	VAL_E_EMPTY,		/* nothing but spaces */
	VAL_E_NUMBER,		/* not a number in any accepted form */
	VAL_E_RANGE,		/* number too large for its type */
	VAL_E_PRECISION,	/* money with non-zero digits past the 2nd decimal */
	VAL_E_EXPONENT,		/* scientific notation where digits may be lost */
	VAL_E_DATE,		/* not a date, or not a calendar day */
	VAL_E_DATE_AMBIGUOUS,	/* nn/nn/yyyy without an explicit day/month order */
	VAL_E_ENCODING,		/* invalid UTF-8 */
	VAL_E_CONTROL,		/* control character (NUL etc.) in an id or text */
	VAL_E_TOOLONG,		/* result does not fit the output buffer */
	VAL__COUNT
};

/*
 * Catalogue message for a code (D_VALUE_*, in src/msg_ingest.def).  Each
 * message takes one argument: the offending field text, which the caller
 * passes as a NUL-terminated string (cleaned if it may hold invalid UTF-8).
 * VAL_OK and unknown codes map to D_VALUE_NUMBER.
 */
enum diag_id val_err_diag(enum val_err e);

/*
 * Money to int64 minor units (cents, fen: 2 decimals), exactly, without
 * floating point.  Accepts surrounding spaces (ASCII, U+3000, NBSP),
 * full-width digits and ．－＋，（）, thousands separators in groups of three,
 * a currency mark before or after the number (¥ ￥ $ € RMB CNY NT$ 元),
 * a sign before the number or a trailing '-' (SAP style), negatives in
 * parentheses, and Excel's accounting layout "¥ -1,234.50".  Extra decimals
 * are accepted only if zero ("12.3400"); otherwise VAL_E_PRECISION.
 * Exponents give VAL_E_EXPONENT, overflow VAL_E_RANGE, a lone "-" (Excel's
 * accounting zero) VAL_E_NUMBER.
 */
int val_money(const char *s, size_t n, int64_t *minor);

/*
 * Quantity, price or score as a double: the same cleaning as val_money
 * (currency marks allowed and ignored), an exponent is allowed, and a '%'
 * suffix divides by 100.
 * Converted with strtod in the C locale; overflow gives VAL_E_RANGE.
 */
int val_decimal(const char *s, size_t n, double *out);

/*
 * Whole number: the same cleaning as val_decimal, no exponent or '%';
 * decimals are accepted only if zero ("12.00", as spreadsheets write counts).
 */
int val_int(const char *s, size_t n, long long *out);

/*
 * Exact decimal as a scaled integer: *out = value x 10^scale (scale 0-9),
 * with the same cleaning as val_int (no currency, '%' or exponent:
 * VAL_E_NUMBER, VAL_E_EXPONENT).  Non-zero digits beyond `scale` decimals
 * give VAL_E_PRECISION (the caller may fall back to val_decimal); overflow
 * VAL_E_RANGE.  Used for quantities: "1,234.5" at scale 6 = 1234500000.
 */
int val_scaled(const char *s, size_t n, int scale, int64_t *out);

/*
 * *out = a x minor / 10^scale, rounded half away from zero, computed in
 * 128-bit integers (exact); VAL_E_RANGE if the result does not fit int64
 * (INT64_MIN excluded).  Amount = quantity x unit price without floating point.
 */
int val_mul_scaled(int64_t a, int scale, int64_t minor, int64_t *out);

enum val_date_fmt {
	VAL_DATE_AUTO = 0,	/* year-first forms and Excel serials 20000-80000 */
	VAL_DATE_YMD,		/* year-first forms only */
	VAL_DATE_DMY,		/* 05/01/2024 = 5 January, plus year-first forms */
	VAL_DATE_MDY,		/* 01/05/2024 = 5 January, plus year-first forms */
	VAL_DATE_EXCEL		/* any Excel serial 1-2958465, plus year-first forms */
};

/* "auto", "ymd", "dmy", "mdy", "excel" (case-insensitive); -1 if unknown. */
int val_date_fmt_parse(const char *name);

/*
 * Date as days since 1970-01-01.  Year-first forms: 2024-01-05, 2024/1/5,
 * 2024.1.5, 20240105, 2024年1月5日 (full-width digits too).  Any form may be
 * followed by a time, which is checked loosely and ignored: "13:45",
 * "T13:45:10", "1:45:00 PM", "下午 1:45".  Years 1900-9999.  A date with a
 * two-digit year, or nn/nn/yyyy under VAL_DATE_AUTO, is rejected.
 */
int val_date(const char *s, size_t n, enum val_date_fmt fmt, int32_t *days);

/*
 * Customer or invoice id into out (NUL-terminated, cap bytes): trimmed,
 * full-width ASCII made half-width, inner whitespace runs made one space, a
 * leading apostrophe (spreadsheet text marker) removed, and spreadsheet
 * number damage undone: "12345.0" -> "12345", "1.2345E+4" -> "12345".  An
 * exponent form whose mantissa lacks digits ("1.23457E+11": the spreadsheet
 * rounded the id) gives VAL_E_EXPONENT; one that is not an integer is kept
 * as text.
 */
int val_id(const char *s, size_t n, char *out, size_t cap);
/* Does val_id give s[0..n) unchanged?  (1: yes; 0: it may change it.)
 * True of ids of ASCII letters, digits, '-' and '_' that no spreadsheet
 * can have written as a number. */
int val_id_verbatim(const char *s, size_t n);
/* The same, where avail >= n bytes can be read at s (16 at a time). */
int val_id_verbatim_in(const char *s, size_t n, size_t avail);

/*
 * Free text into out (NUL-terminated, cap bytes): trimmed, and every run of
 * whitespace (including CR/LF, tab, U+3000, NBSP) made one ASCII space.
 * Other control characters give VAL_E_CONTROL.
 */
int val_text(const char *s, size_t n, char *out, size_t cap);

/*
 * Display text that never fails: like val_text, but control characters
 * count as spaces, invalid UTF-8 bytes are dropped, and text longer than
 * cap - 1 bytes is cut at a character boundary.  Returns the length.
 */
size_t val_text_cut(const char *s, size_t n, char *out, size_t cap);

#endif
