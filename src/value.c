/* value.c: parsing of single field values (money, numbers, dates, ids, text) from untrusted UTF-8. */
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "util.h"
#include "value.h"

/*
 * Fields are first normalised to a short ASCII string: full-width forms
 * become ASCII, every kind of space becomes ' ', and the few non-ASCII
 * characters a parser understands become one-byte markers (below 0x20,
 * where no input byte can remain because controls are rejected).
 */
#define S_MAXNORM	256	/* bytes: longer fields are not numbers or dates */

#define M_CUR	'\x01'	/* ¥ ￥ € */
#define M_YUAN	'\x02'	/* 元 */
#define M_YEAR	'\x03'	/* 年 */
#define M_MONTH	'\x04'	/* 月 */
#define M_DAY	'\x05'	/* 日 号 號 */
#define M_SHANG	'\x06'	/* 上 (上午 = a.m.) */
#define M_XIA	'\x07'	/* 下 (下午 = p.m.) */
#define M_WU	'\x08'	/* 午 */

#define S_BAD	(-1)	/* S_norm: a character no parser accepts */

static int
S_is_space(long cp)
{
	return cp == ' ' || cp == '\t' || cp == '\r' || cp == '\n' ||
	    cp == 0xA0 || cp == 0x3000 || cp == 0x2007 || cp == 0x2009 ||
	    cp == 0x202F;
}

static int
S_is_zero_width(long cp)
{
	return cp == 0xFEFF || cp == 0x200B;
}

static int
S_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

/* Normalise a numeric or date field into c (NUL-terminated); 0, S_BAD or VAL_E_*. */
static int
S_norm(const char *s, size_t n, char *c, size_t cap, size_t *len)
{
	const char *p = s, *end = s + n;
	size_t o = 0, nonspace = 0;
	long cp;
	char m;

	while (p < end) {
		cp = cv_utf8_next(&p, end);
		if (cp < 0)
			return VAL_E_ENCODING;
		if (cp >= 0xFF01 && cp <= 0xFF5E)
			cp -= 0xFEE0;	/* full-width ASCII */
		if (S_is_zero_width(cp))
			continue;
		if (S_is_space(cp))
			m = ' ';
		else if (cp > 0x20 && cp < 0x7F)
			m = (char)cp;
		else if (cp == 0x2212)
			m = '-';
		else if (cp == 0xA5 || cp == 0xFFE5 || cp == 0x20AC)
			m = M_CUR;
		else if (cp == 0x5143)
			m = M_YUAN;
		else if (cp == 0x5E74)
			m = M_YEAR;
		else if (cp == 0x6708)
			m = M_MONTH;
		else if (cp == 0x65E5 || cp == 0x53F7 || cp == 0x865F)
			m = M_DAY;
		else if (cp == 0x4E0A)
			m = M_SHANG;
		else if (cp == 0x4E0B)
			m = M_XIA;
		else if (cp == 0x5348)
			m = M_WU;
		else
			return S_BAD;
		if (o + 1 >= cap)
			return S_BAD;
		if (m != ' ')
			nonspace++;
		c[o++] = m;
	}
	c[o] = '\0';
	*len = o;
	return nonspace == 0 ? VAL_E_EMPTY : 0;
}

/* A number as written, split into its parts (digits without separators). */
struct S_num {
	int neg;
	int currency;		/* a currency mark was present */
	int percent;		/* a '%' suffix was present */
	int has_exp;
	int exp_neg;
	long exp;		/* saturates at 100000 */
	char idig[S_MAXNORM];	/* integer digits */
	size_t ni;
	char fdig[S_MAXNORM];	/* fraction digits */
	size_t nf;
};

/* Length of a currency mark at c, or 0. */
static size_t
S_currency(const char *c, size_t len, int after_number)
{
	size_t k = 0;

	if (c[0] == M_CUR || c[0] == '$')
		return 1;
	if (c[0] == M_YUAN)
		return after_number ? 1 : 0;
	if (len >= 3 && (strncasecmp(c, "RMB", 3) == 0 ||
	    strncasecmp(c, "CNY", 3) == 0 || strncasecmp(c, "NT$", 3) == 0))
		k = 3;
	if (k == 0)
		return 0;
	if (len > k && ((c[k] >= 'a' && c[k] <= 'z') ||
	    (c[k] >= 'A' && c[k] <= 'Z')))
		return 0;
	return k;
}

/* Scan the number itself at c[*i]: digits with thousands separators, fraction, exponent. */
static int
S_scan_number(const char *c, size_t len, size_t *pi, struct S_num *nm)
{
	size_t i = *pi, group = 0, ngroups = 1;
	int commas = 0;

	while (i < len && (S_digit(c[i]) || c[i] == ',')) {
		if (c[i] == ',') {
			/* First group 1-3 digits, then exactly 3. */
			if (group == 0 || group > 3 ||
			    (ngroups > 1 && group != 3))
				return VAL_E_NUMBER;
			commas = 1;
			ngroups++;
			group = 0;
		} else {
			nm->idig[nm->ni++] = c[i];
			group++;
		}
		i++;
	}
	if (commas && group != 3)
		return VAL_E_NUMBER;
	if (i < len && c[i] == '.') {
		i++;
		while (i < len && S_digit(c[i]))
			nm->fdig[nm->nf++] = c[i++];
	}
	if (nm->ni == 0 && nm->nf == 0)
		return VAL_E_NUMBER;
	if (i < len && (c[i] == 'e' || c[i] == 'E')) {
		size_t j = i + 1;

		if (j < len && (c[j] == '+' || c[j] == '-')) {
			nm->exp_neg = c[j] == '-';
			j++;
		}
		if (j >= len || !S_digit(c[j]))
			return VAL_E_NUMBER;
		nm->has_exp = 1;
		while (j < len && S_digit(c[j])) {
			if (nm->exp < 100000)
				nm->exp = nm->exp * 10 + (c[j] - '0');
			j++;
		}
		i = j;
	}
	*pi = i;
	return 0;
}

/*
 * Parse a normalised numeric field.  Layout: spaces anywhere between parts;
 * one number; at most one sign (before it, or a trailing '-'); parentheses
 * around it for a negative; at most one currency mark; a '%' after it.
 */
static int
S_parse_num(const char *c, size_t len, struct S_num *nm)
{
	size_t i = 0, k;
	int seen = 0, open = 0, close = 0, sign = 0, r;

	memset(nm, 0, sizeof(*nm));
	while (i < len) {
		char ch = c[i];

		if (ch == ' ') {
			i++;
		} else if (ch == '(') {
			if (seen || open || sign)
				return VAL_E_NUMBER;
			open = 1;
			i++;
		} else if (ch == ')') {
			if (!seen || !open || close)
				return VAL_E_NUMBER;
			close = 1;
			i++;
		} else if (ch == '+' || ch == '-') {
			if (sign || (seen && (ch != '-' || close || nm->percent)))
				return VAL_E_NUMBER;
			sign = 1;
			nm->neg = ch == '-';
			i++;
		} else if (ch == '%') {
			if (!seen || nm->percent)
				return VAL_E_NUMBER;
			nm->percent = 1;
			i++;
		} else if ((k = S_currency(c + i, len - i, seen)) > 0) {
			if (nm->currency)
				return VAL_E_NUMBER;
			nm->currency = 1;
			i += k;
		} else if (S_digit(ch) || ch == '.') {
			if (seen)
				return VAL_E_NUMBER;
			if ((r = S_scan_number(c, len, &i, nm)) != 0)
				return r;
			seen = 1;
		} else
			return VAL_E_NUMBER;
	}
	if (!seen || open != close || (open && sign))
		return VAL_E_NUMBER;
	if (open)
		nm->neg = 1;
	return 0;
}

static int
S_num_field(const char *s, size_t n, struct S_num *nm)
{
	char c[S_MAXNORM];
	size_t len;
	int r;

	r = S_norm(s, n, c, sizeof(c), &len);
	if (r == S_BAD)
		return VAL_E_NUMBER;
	if (r != 0)
		return r;
	return S_parse_num(c, len, nm);
}

/*
 * Fast paths for the plain forms ERP exports mostly contain.  Each accepts
 * only text whose value the full parser would give identically, and
 * declines (returns 0) otherwise, so the full parser then decides.
 */

/* "-?[0-9]{1,15}(.[0-9]{1,2})?" as minor units. */
static int
S_fast_money(const char *s, size_t n, int64_t *minor)
{
	const char *p = s, *end = s + n, *digits;
	uint64_t u = 0;
	unsigned d, f;
	int neg = n > 0 && s[0] == '-';

	p += neg;
	for (digits = p; p < end && (d = (unsigned char)*p - '0') < 10; p++)
		u = u * 10 + d;
	if (p == digits || p - digits > 15)
		return 0;
	u *= 100;
	if (p < end) {
		if (*p != '.' || end - p < 2 || end - p > 3 ||
		    (d = (unsigned char)p[1] - '0') >= 10)
			return 0;
		f = d * 10;
		if (end - p == 3) {
			if ((d = (unsigned char)p[2] - '0') >= 10)
				return 0;
			f += d;
		}
		u += f;
	}
	*minor = neg ? -(int64_t)u : (int64_t)u;
	return 1;
}

/* "-?[0-9]{1,12}" scaled by 10^scale. */
static int
S_fast_scaled(const char *s, size_t n, int scale, int64_t *out)
{
	size_t i = 0, nd = 0;
	int64_t u = 0;
	int neg = 0, k;

	if (scale < 0 || scale > 6)
		return 0;
	if (n > 0 && s[0] == '-') {
		neg = 1;
		i = 1;
	}
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, nd++)
		if (nd < 12)
			u = u * 10 + (s[i] - '0');
	if (nd == 0 || nd > 12 || i != n)
		return 0;
	for (k = 0; k < scale; k++)
		u *= 10;
	*out = neg ? -u : u;
	return 1;
}

/* "YYYY-MM-DD", a valid calendar day from 1900 on. */
static int
S_fast_date(const char *s, size_t n, int32_t *days)
{
	char tmp[11];

	if (n != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	memcpy(tmp, s, 10);
	tmp[10] = '\0';
	return cv_date_parse_iso(tmp, days) == 0;
}

/* Bytes of an id val_id keeps verbatim: 1 a digit, letter, '-' or '_'; 3
 * an 'e' or 'E' (a spreadsheet's exponent); 0 any other. */
static const unsigned char S_id_byte[256] = {
	['-'] = 1, ['_'] = 1,
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1,
	['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 3, ['F'] = 1,
	['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1,
	['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1,
	['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
	['Y'] = 1, ['Z'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 3, ['f'] = 1,
	['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1,
	['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
	['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
	['y'] = 1, ['z'] = 1,
};

/* An id of ASCII letters, digits, '-' and '_' that a spreadsheet cannot
 * have mangled (no '.', no exponent unless it starts with a letter). */
int
val_id_verbatim(const char *s, size_t n)
{
	unsigned all = 1, any = 0, b;
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		b = S_id_byte[(unsigned char)s[i]];
		all &= b;
		any |= b;
	}
	return all && (!(any & 2) || (s[0] >= 'A' && s[0] <= 'Z') ||
	    (s[0] >= 'a' && s[0] <= 'z'));
}

int
val_id_verbatim_in(const char *s, size_t n, size_t avail)
{
#ifdef __SSE2__
	if (n > 0 && n <= 16 && avail >= 16) {
		const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
		const __m128i low = _mm_or_si128(v, _mm_set1_epi8(0x20));
		const __m128i dig = _mm_sub_epi8(v, _mm_set1_epi8('0'));
		const __m128i let = _mm_sub_epi8(low, _mm_set1_epi8('a'));
		__m128i ok;
		unsigned want = (1u << n) - 1, e;

		/* x <= k unsigned: min(x, k) == x */
		ok = _mm_or_si128(
		    _mm_cmpeq_epi8(_mm_min_epu8(dig, _mm_set1_epi8(9)), dig),
		    _mm_cmpeq_epi8(_mm_min_epu8(let, _mm_set1_epi8(25)), let));
		ok = _mm_or_si128(ok, _mm_or_si128(
		    _mm_cmpeq_epi8(v, _mm_set1_epi8('-')),
		    _mm_cmpeq_epi8(v, _mm_set1_epi8('_'))));
		if (((unsigned)_mm_movemask_epi8(ok) & want) != want)
			return 0;
		e = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(low,
		    _mm_set1_epi8('e')));
		return !(e & want) || (s[0] >= 'A' && s[0] <= 'Z') ||
		    (s[0] >= 'a' && s[0] <= 'z');
	}
#endif
	(void)avail;
	return val_id_verbatim(s, n);
}

static int
S_fast_id(const char *s, size_t n, char *out, size_t cap)
{
	if (n >= cap || !val_id_verbatim(s, n))
		return 0;
	memcpy(out, s, n);
	out[n] = '\0';
	return 1;
}

int
val_money(const char *s, size_t n, int64_t *minor)
{
	struct S_num nm;
	uint64_t lim, u = 0, frac = 0;
	size_t k;
	int r;

	if (S_fast_money(s, n, minor))
		return 0;
	if ((r = S_num_field(s, n, &nm)) != 0)
		return r;
	if (nm.has_exp)
		return VAL_E_EXPONENT;
	if (nm.percent)
		return VAL_E_NUMBER;
	lim = nm.neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (k = 0; k < nm.ni; k++) {
		if (u > lim / 10)
			return VAL_E_RANGE;
		u = u * 10 + (uint64_t)(nm.idig[k] - '0');
	}
	for (k = 0; k < 2; k++)
		frac = frac * 10 + (k < nm.nf ? (uint64_t)(nm.fdig[k] - '0') : 0);
	for (k = 2; k < nm.nf; k++)
		if (nm.fdig[k] != '0')
			return VAL_E_PRECISION;
	if (u > (lim - frac) / 100)
		return VAL_E_RANGE;
	u = u * 100 + frac;
	if (nm.neg)
		*minor = u == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)u;
	else
		*minor = (int64_t)u;
	return 0;
}

int
val_decimal(const char *s, size_t n, double *out)
{
	struct S_num nm;
	char a[3 * S_MAXNORM + 32];
	const char *dp;
	char *endp;
	size_t o = 0, dl;
	double v;
	int r;

	if ((r = S_num_field(s, n, &nm)) != 0)
		return r;
	/* strtod honours LC_NUMERIC: write the locale's decimal point. */
	dp = localeconv()->decimal_point;
	if (dp == NULL || *dp == '\0' || (dl = strlen(dp)) > 8) {
		dp = ".";
		dl = 1;
	}
	if (nm.neg)
		a[o++] = '-';
	if (nm.ni == 0)
		a[o++] = '0';
	memcpy(a + o, nm.idig, nm.ni);
	o += nm.ni;
	if (nm.nf > 0) {
		memcpy(a + o, dp, dl);
		o += dl;
		memcpy(a + o, nm.fdig, nm.nf);
		o += nm.nf;
	}
	if (nm.has_exp) {
		a[o++] = 'e';
		if (nm.exp_neg)
			a[o++] = '-';
		o += (size_t)snprintf(a + o, sizeof(a) - o, "%ld", nm.exp);
	}
	a[o] = '\0';
	errno = 0;
	v = strtod(a, &endp);
	if (endp != a + o)
		return VAL_E_NUMBER;
	if (v > DBL_MAX || v < -DBL_MAX)
		return VAL_E_RANGE;
	/* ERANGE on underflow: the tiny or zero value is good enough. */
	if (nm.percent)
		v /= 100;
	if (v == 0)
		v = 0;	/* no negative zero */
	*out = v;
	return 0;
}

int
val_int(const char *s, size_t n, long long *out)
{
	struct S_num nm;
	unsigned long long lim, u = 0;
	size_t k;
	int r;

	if ((r = S_num_field(s, n, &nm)) != 0)
		return r;
	if (nm.has_exp)
		return VAL_E_EXPONENT;
	if (nm.currency || nm.percent)
		return VAL_E_NUMBER;
	for (k = 0; k < nm.nf; k++)
		if (nm.fdig[k] != '0')
			return VAL_E_NUMBER;
	lim = nm.neg ? (unsigned long long)LLONG_MAX + 1 :
	    (unsigned long long)LLONG_MAX;
	for (k = 0; k < nm.ni; k++) {
		unsigned d = (unsigned)(nm.idig[k] - '0');

		if (u > (lim - d) / 10)
			return VAL_E_RANGE;
		u = u * 10 + d;
	}
	if (nm.neg)
		*out = u == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN :
		    -(long long)u;
	else
		*out = (long long)u;
	return 0;
}

int
val_scaled(const char *s, size_t n, int scale, int64_t *out)
{
	struct S_num nm;
	uint64_t lim, u = 0, frac = 0, pow10 = 1;
	size_t k;
	int r;

	if (scale < 0 || scale > 9)
		return VAL_E_RANGE;
	if (S_fast_scaled(s, n, scale, out))
		return 0;
	if ((r = S_num_field(s, n, &nm)) != 0)
		return r;
	if (nm.has_exp)
		return VAL_E_EXPONENT;
	if (nm.currency || nm.percent)
		return VAL_E_NUMBER;
	for (k = 0; k < (size_t)scale; k++) {
		frac = frac * 10 + (k < nm.nf ? (uint64_t)(nm.fdig[k] - '0') : 0);
		pow10 *= 10;
	}
	for (k = (size_t)scale; k < nm.nf; k++)
		if (nm.fdig[k] != '0')
			return VAL_E_PRECISION;
	lim = nm.neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (k = 0; k < nm.ni; k++) {
		unsigned d = (unsigned)(nm.idig[k] - '0');

		if (u > (lim - d) / 10)
			return VAL_E_RANGE;
		u = u * 10 + d;
	}
	if (u > (lim - frac) / pow10)
		return VAL_E_RANGE;
	u = u * pow10 + frac;
	if (nm.neg)
		*out = u == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)u;
	else
		*out = (int64_t)u;
	return 0;
}

int
val_mul_scaled(int64_t a, int scale, int64_t minor, int64_t *out)
{
	__extension__ __int128 prod, q, half, div = 1;
	int k;

	if (scale < 0 || scale > 18)
		return VAL_E_RANGE;
	for (k = 0; k < scale; k++)
		div *= 10;
	prod = (__int128)a * minor;
	half = div / 2;
	/* Round half away from zero, as a calculator or ERP does. */
	if (prod >= 0)
		q = (prod + half) / div;
	else
		q = -((-prod + half) / div);
	if (q > INT64_MAX || q < -(__int128)INT64_MAX)
		return VAL_E_RANGE;
	*out = (int64_t)q;
	return 0;
}

int
val_date_fmt_parse(const char *name)
{
	static const char *const names[] = { "auto", "ymd", "dmy", "mdy",
	    "excel" };
	size_t k;

	if (name == NULL)
		return -1;
	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		if (strcasecmp(name, names[k]) == 0)
			return (int)k;
	return -1;
}

/* Read a run of digits at c[*i]; returns its length, value in *v if it has at most 9 digits. */
static size_t
S_run(const char *c, size_t e, size_t *i, long *v)
{
	size_t k = 0;

	*v = 0;
	while (*i < e && S_digit(c[*i])) {
		if (k < 9)
			*v = *v * 10 + (c[*i] - '0');
		(*i)++;
		k++;
	}
	return k;
}

static void
S_skip_spaces(const char *c, size_t e, size_t *i)
{
	while (*i < e && c[*i] == ' ')
		(*i)++;
}

/* 1 for a.m., 2 for p.m. at c[*i] (AM, PM, 上午, 下午), else 0. */
static int
S_ampm(const char *c, size_t e, size_t *i)
{
	size_t j = *i;

	if (j + 1 >= e)
		return 0;
	if ((c[j] == M_SHANG || c[j] == M_XIA) && c[j + 1] == M_WU) {
		*i += 2;
		return c[j] == M_SHANG ? 1 : 2;
	}
	if ((c[j + 1] == 'M' || c[j + 1] == 'm') &&
	    (c[j] == 'A' || c[j] == 'a' || c[j] == 'P' || c[j] == 'p')) {
		if (j + 2 < e && c[j + 2] != ' ')
			return 0;
		*i += 2;
		return c[j] == 'A' || c[j] == 'a' ? 1 : 2;
	}
	return 0;
}

/* Check the time that may follow a date at c[i..e): it is ignored, but must look like one. */
static int
S_time_ok(const char *c, size_t i, size_t e)
{
	long h, mi, sec = 0, tz;
	size_t k;
	int ampm;

	if (i == e)
		return 1;
	if (c[i] == 'T')
		i++;
	else if (c[i] == ' ')
		S_skip_spaces(c, e, &i);
	else
		return 0;
	ampm = S_ampm(c, e, &i);
	S_skip_spaces(c, e, &i);
	k = S_run(c, e, &i, &h);
	if (k < 1 || k > 2 || i >= e || c[i++] != ':' ||
	    S_run(c, e, &i, &mi) != 2)
		return 0;
	if (i < e && c[i] == ':') {
		i++;
		if (S_run(c, e, &i, &sec) != 2)
			return 0;
		if (i < e && c[i] == '.') {
			i++;
			if (S_run(c, e, &i, &tz) == 0)
				return 0;
		}
	}
	S_skip_spaces(c, e, &i);
	if (ampm == 0) {
		ampm = S_ampm(c, e, &i);
		S_skip_spaces(c, e, &i);
	}
	if (i < e && c[i] == 'Z') {
		i++;
	} else if (i < e && (c[i] == '+' || c[i] == '-')) {
		i++;
		if (S_run(c, e, &i, &tz) != 2)
			return 0;
		if (i < e && c[i] == ':')
			i++;
		if (S_run(c, e, &i, &tz) != 2)
			return 0;
	}
	S_skip_spaces(c, e, &i);
	if (i != e)
		return 0;
	if (ampm ? h > 12 : h > 23)
		return 0;
	return mi <= 59 && sec <= 60;
}

static int
S_civil_ok(long y, long m, long d)
{
	static const int ml[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	    31 };
	int leap;

	if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1)
		return 0;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= ml[m - 1] + (m == 2 && leap);
}

/*
 * Excel's 1900 date system: serial 1 is 1900-01-01, and serial 60 is
 * 1900-02-29, a day that never existed, kept for compatibility with Lotus
 * 1-2-3 (Microsoft's own documentation: "Excel incorrectly assumes that the
 * year 1900 is a leap year", support article KB 214326).  So serials above
 * 60 count from 1899-12-30, those below from 1899-12-31; 45000 = 2023-03-15.
 * The Mac 1904 system is not supported.
 */
static int
S_excel_serial(long serial, long lo, long hi, int32_t *days)
{
	if (serial < lo || serial > hi || serial == 60 || serial < 1)
		return VAL_E_DATE;
	if (serial < 60)
		*days = cv_days_from_civil(1899, 12, 31) + (int32_t)serial;
	else
		*days = cv_days_from_civil(1899, 12, 30) + (int32_t)serial;
	return 0;
}

int
val_date(const char *s, size_t n, enum val_date_fmt fmt, int32_t *days)
{
	char c[S_MAXNORM];
	size_t len, i, b, e, l1, l2, l3, j;
	long v1, v2, v3, y, m, d;
	char ch, sep;
	int r;

	if (fmt != VAL_DATE_EXCEL && S_fast_date(s, n, days))
		return 0;
	r = S_norm(s, n, c, sizeof(c), &len);
	if (r == S_BAD)
		return VAL_E_DATE;
	if (r != 0)
		return r;
	for (b = 0; b < len && c[b] == ' '; b++)
		;
	for (e = len; e > b && c[e - 1] == ' '; e--)
		;
	i = b;
	l1 = S_run(c, e, &i, &v1);
	if (l1 == 0)
		return VAL_E_DATE;
	j = i;
	S_skip_spaces(c, e, &j);
	if (j < e && c[j] == M_YEAR)
		i = j;	/* 2024 年 1 月 5 日 */
	ch = i < e ? c[i] : '\0';
	if (ch == M_YEAR) {
		if (l1 != 4)
			return VAL_E_DATE;
		i++;
		S_skip_spaces(c, e, &i);
		l2 = S_run(c, e, &i, &v2);
		S_skip_spaces(c, e, &i);
		if (l2 < 1 || l2 > 2 || i >= e || c[i] != M_MONTH)
			return VAL_E_DATE;
		i++;
		S_skip_spaces(c, e, &i);
		l3 = S_run(c, e, &i, &v3);
		if (l3 < 1 || l3 > 2)
			return VAL_E_DATE;
		j = i;
		S_skip_spaces(c, e, &j);
		if (j < e && c[j] == M_DAY)
			i = j + 1;
		y = v1, m = v2, d = v3;
	} else if (ch == '.' && l1 <= 7 && (fmt == VAL_DATE_AUTO ||
	    fmt == VAL_DATE_EXCEL) && (j = i + 1, S_run(c, e, &j, &v2) > 0) &&
	    j == e) {
		/* Excel serial with a time fraction: 45000.5 */
		return S_excel_serial(v1, fmt == VAL_DATE_AUTO ? 20000 : 1,
		    fmt == VAL_DATE_AUTO ? 80000 : 2958465, days);
	} else if (ch == '-' || ch == '/' || ch == '.') {
		sep = ch;
		i++;
		l2 = S_run(c, e, &i, &v2);
		if (l2 < 1 || l2 > 2 || i >= e || c[i] != sep)
			return VAL_E_DATE;
		i++;
		l3 = S_run(c, e, &i, &v3);
		if (l1 == 4 && l3 >= 1 && l3 <= 2) {
			y = v1, m = v2, d = v3;
		} else if (l1 <= 2 && l3 == 4) {
			if (fmt == VAL_DATE_DMY)
				d = v1, m = v2, y = v3;
			else if (fmt == VAL_DATE_MDY)
				m = v1, d = v2, y = v3;
			else if (fmt == VAL_DATE_YMD)
				return VAL_E_DATE;
			else
				return VAL_E_DATE_AMBIGUOUS;
		} else
			return VAL_E_DATE;
	} else if (l1 == 8 && (ch == '\0' || ch == ' ' || ch == 'T')) {
		if (fmt == VAL_DATE_DMY || fmt == VAL_DATE_MDY)
			return VAL_E_DATE;
		y = v1 / 10000, m = v1 / 100 % 100, d = v1 % 100;
	} else if (ch == '\0' && l1 <= 7 && (fmt == VAL_DATE_AUTO ||
	    fmt == VAL_DATE_EXCEL)) {
		return S_excel_serial(v1, fmt == VAL_DATE_AUTO ? 20000 : 1,
		    fmt == VAL_DATE_AUTO ? 80000 : 2958465, days);
	} else
		return VAL_E_DATE;
	if (!S_civil_ok(y, m, d) || !S_time_ok(c, i, e))
		return VAL_E_DATE;
	*days = cv_days_from_civil((int)y, (int)m, (int)d);
	return 0;
}

/*
 * Copy a text field into out, trimming and making each whitespace run one
 * space; full-width ASCII made half-width if asked.
 */
static int
S_clean_text(const char *s, size_t n, char *out, size_t cap, int halfwidth)
{
	const char *p = s, *q, *end = s + n;
	size_t o = 0, k;
	int pend = 0;
	long cp;
	char ascii;

	while (p < end) {
		q = p;
		cp = cv_utf8_next(&p, end);
		if (cp < 0)
			return VAL_E_ENCODING;
		if (S_is_zero_width(cp))
			continue;
		if (S_is_space(cp)) {
			pend = 1;
			continue;
		}
		if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
			return VAL_E_CONTROL;
		k = (size_t)(p - q);
		if (halfwidth && cp >= 0xFF01 && cp <= 0xFF5E) {
			ascii = (char)(cp - 0xFEE0);
			q = &ascii;
			k = 1;
		}
		if (o + (pend && o > 0) + k + 1 > cap)
			return VAL_E_TOOLONG;
		if (pend && o > 0)
			out[o++] = ' ';
		pend = 0;
		memcpy(out + o, q, k);
		o += k;
	}
	out[o] = '\0';
	return o == 0 ? VAL_E_EMPTY : 0;
}

int
val_text(const char *s, size_t n, char *out, size_t cap)
{
	int r;

	if (cap == 0)
		return VAL_E_TOOLONG;
	r = S_clean_text(s, n, out, cap, 0);
	if (r != 0)
		out[0] = '\0';
	return r;
}

size_t
val_text_cut(const char *s, size_t n, char *out, size_t cap)
{
	const char *p = s, *q, *end = s + n;
	size_t o = 0, k;
	int pend = 0;
	long cp;

	if (cap == 0)
		return 0;
	while (p < end) {
		unsigned char b = (unsigned char)*p;

		/* Visible ASCII, and the 3-byte sequences of U+4000-U+9FFF
		 * (leads E4-E9: most CJK, none a space), go straight. */
		k = b > 0x20 && b < 0x7F ? 1 : b >= 0xE4 && b <= 0xE9 &&
		    end - p >= 3 && ((unsigned char)p[1] & 0xC0) == 0x80 &&
		    ((unsigned char)p[2] & 0xC0) == 0x80 ? 3 : 0;
		if (k > 0) {
			if (o + (pend && o > 0) + k + 1 > cap)
				break;
			if (pend && o > 0)
				out[o++] = ' ';
			pend = 0;
			while (k-- > 0)
				out[o++] = *p++;
			continue;
		}
		q = p;
		cp = cv_utf8_next(&p, end);
		if (cp < 0) {
			p = q + 1;	/* skip a bad byte */
			continue;
		}
		if (S_is_zero_width(cp))
			continue;
		if (S_is_space(cp) || cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
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

/*
 * Undo what a spreadsheet did to a numeric id in out (ASCII, in place):
 * "12345.0" -> "12345", "1.2345E+4" -> "12345".
 */
static int
S_id_unexcel(char *out)
{
	size_t len = strlen(out), i = 0, nf, nfs, k;
	long exp = 0;
	char *dot, *ep;

	while (i < len && S_digit(out[i]))
		i++;
	if (i > 0 && i < len && out[i] == '.' && len > i + 1 &&
	    strspn(out + i + 1, "0") == len - i - 1) {
		out[i] = '\0';	/* 12345.0 */
		return 0;
	}
	/* d[.ddd]E[+]nn, one digit before the point as spreadsheets write it. */
	if (!(len >= 3 && out[0] >= '1' && out[0] <= '9'))
		return 0;
	dot = out + 1;
	nf = 0;
	if (*dot == '.') {
		nf = strspn(dot + 1, "0123456789");
		if (nf == 0)
			return 0;
		ep = dot + 1 + nf;
	} else
		ep = dot;
	if (*ep != 'E' && *ep != 'e')
		return 0;
	i = (size_t)(ep - out) + 1;
	if (out[i] == '+')
		i++;
	k = strspn(out + i, "0123456789");
	if (k == 0 || i + k != len || k > 4)
		return 0;
	exp = strtol(out + i, NULL, 10);
	for (nfs = nf; nfs > 0 && dot[nfs] == '0'; nfs--)
		;
	if ((long)nfs > exp)
		return 0;	/* not an integer: leave the text alone */
	if ((long)nfs < exp)
		return VAL_E_EXPONENT;	/* rounded: digits are lost */
	/* Exactly nfs == exp fraction digits: just drop the point and exponent. */
	if (nf > 0)
		memmove(out + 1, dot + 1, (size_t)exp);
	out[1 + exp] = '\0';
	return 0;
}

int
val_id(const char *s, size_t n, char *out, size_t cap)
{
	size_t len;
	int r;

	if (cap == 0)
		return VAL_E_TOOLONG;
	if (S_fast_id(s, n, out, cap))
		return 0;
	r = S_clean_text(s, n, out, cap, 1);
	if (r == 0 && out[0] == '\'') {
		len = strlen(out + 1);
		memmove(out, out + 1, len + 1);
		if (out[0] == ' ')
			memmove(out, out + 1, len);
		if (out[0] == '\0')
			r = VAL_E_EMPTY;
	}
	if (r == 0)
		r = S_id_unexcel(out);
	if (r != 0)
		out[0] = '\0';
	return r;
}

enum diag_id
val_err_diag(enum val_err e)
{
	switch (e) {
	case VAL_E_EMPTY:
		return D_VALUE_EMPTY;
	case VAL_E_RANGE:
		return D_VALUE_RANGE;
	case VAL_E_PRECISION:
		return D_VALUE_PRECISION;
	case VAL_E_EXPONENT:
		return D_VALUE_EXPONENT;
	case VAL_E_DATE:
		return D_VALUE_DATE;
	case VAL_E_DATE_AMBIGUOUS:
		return D_VALUE_DATE_AMBIGUOUS;
	case VAL_E_ENCODING:
		return D_VALUE_ENCODING;
	case VAL_E_CONTROL:
		return D_VALUE_CONTROL;
	case VAL_E_TOOLONG:
		return D_VALUE_TOOLONG;
	default:
		return D_VALUE_NUMBER;
	}
}
