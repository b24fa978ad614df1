/* util.c: allocation, buffers, FNV hashing, number/date formatting and UTF-8 checks. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <pthread.h>
#define CV_X86
#endif

#include "util.h"

static void (*S_oom)(void);

void
cv_set_oom_handler(void (*fn)(void))
{
	S_oom = fn;
}

static void
S_out_of_memory(void)
{
	if (S_oom != NULL)
		S_oom();
	abort();
}

void *
cv_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		S_out_of_memory();
	return p;
}

void *
cv_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		S_out_of_memory();
	return p;
}

void *
cv_realloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		S_out_of_memory();
	return q;
}

char *
cv_strndup(const char *s, size_t n)
{
	char *p = cv_malloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
cv_strdup(const char *s)
{
	return cv_strndup(s, strlen(s));
}

void
buf_init(struct buf *b)
{
	b->data = NULL;
	b->len = b->cap = 0;
}

void
buf_free(struct buf *b)
{
	free(b->data);
	buf_init(b);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

static void
S_buf_reserve(struct buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;

	if (need <= b->cap)
		return;
	if (b->cap == 0)
		b->cap = 64;
	while (b->cap < need)
		b->cap *= 2;
	b->data = cv_realloc(b->data, b->cap);
}

void
buf_add(struct buf *b, const char *s, size_t n)
{
	S_buf_reserve(b, n);
	if (n > 0)
		memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
buf_puts(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	S_buf_reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

uint64_t
cv_hash(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

char *
cv_money_str(int64_t minor, char *buf)
{
	uint64_t u = minor < 0 ? (uint64_t)0 - (uint64_t)minor : (uint64_t)minor;

	snprintf(buf, 32, "%s%llu.%02llu", minor < 0 ? "-" : "",
	    (unsigned long long)(u / 100), (unsigned long long)(u % 100));
	return buf;
}

char *
cv_money_group(int64_t minor, char *buf)
{
	uint64_t u = minor < 0 ? (uint64_t)0 - (uint64_t)minor : (uint64_t)minor;
	char digits[32];
	size_t nd, i, o = 0;

	snprintf(digits, sizeof(digits), "%llu", (unsigned long long)(u / 100));
	nd = strlen(digits);
	if (minor < 0)
		buf[o++] = '-';
	for (i = 0; i < nd; i++) {
		if (i > 0 && (nd - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	snprintf(buf + o, 40 - o, ".%02llu", (unsigned long long)(u % 100));
	return buf;
}

char *
cv_fixed_printf(double v, int decimals, char *buf)
{
	/* printf with "%.*f" is locale-independent for the C locale we keep. */
	if (v != v)
		snprintf(buf, 64, "NaN");
	else {
		snprintf(buf, 64, "%.*f", decimals, v);
		if (buf[0] == '-') {	/* avoid "-0.00" */
			const char *q = buf + 1;
			while (*q == '0' || *q == '.')
				q++;
			if (*q == '\0')
				memmove(buf, buf + 1, strlen(buf));
		}
	}
	return buf;
}

/*
 * cv_fixed's work: v with `decimals` digits after the point into buf
 * (>= 64 bytes), the same bytes as printf "%.*f" (exact decimal value of the
 * double, halves to even) without "-0.00", and without printf for the
 * common case: finite v with |v| x 10^decimals < 2^52 and 0 <= decimals
 * <= 9.  Anything else (NaN, infinities, huge values) goes to
 * cv_fixed_printf.  The product v x 10^decimals is split exactly into
 * p + e (fma), so rounding decides on the exact value, as printf does.
 * Returns the length (the text is NUL-terminated too).
 */
size_t
cv_fixed_n(double v, int decimals, char *buf)
{
	static const double p10[10] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6,
		1e7, 1e8, 1e9 };
	static const uint64_t u10[10] = { 1, 10, 100, 1000, 10000, 100000,
		1000000, 10000000, 100000000, 1000000000 };
	static const char pairs[201] =
	    "00010203040506070809101112131415161718192021222324252627282930"
	    "31323334353637383940414243444546474849505152535455565758596061"
	    "62636465666768697071727374757677787980818283848586878889909192"
	    "93949596979899";
	double a, p, e, d;
	uint64_t q, ip, fp;
	char tmp[24], *t = tmp + sizeof(tmp);
	size_t n = 0;
	int k, up;

	if (decimals < 0 || decimals > 9 || !isfinite(v))
		goto slow;
	a = fabs(v);
	p = a * p10[decimals];
	if (!(p < 4503599627370496.0))		/* 2^52 */
		goto slow;
	q = (uint64_t)p;			/* floor: 0 <= p < 2^52 */
	d = p - (double)q;			/* exact */
	/* a x 10^d = p + e exactly, |e| <= ulp(p) / 2: only a fraction of
	 * exactly one half needs e */
	if (d > 0.5)
		up = 1;
	else if (d < 0.5)
		up = 0;
	else if ((e = fma(a, p10[decimals], -p)) != 0)
		up = e > 0;
	else
		up = (q & 1) != 0;		/* a true tie: to even */
	q += (uint64_t)up;
	/* constant divisors for the common cases (a multiply, not a divide) */
	if (decimals == 6) {
		ip = q / 1000000;
		fp = q % 1000000;
	} else if (decimals == 2) {
		ip = q / 100;
		fp = q % 100;
	} else {
		ip = q / u10[decimals];
		fp = q % u10[decimals];
	}
	if (q != 0 && signbit(v))
		buf[n++] = '-';
	while (ip >= 100) {
		t -= 2;
		memcpy(t, pairs + ip % 100 * 2, 2);
		ip /= 100;
	}
	if (ip >= 10) {
		t -= 2;
		memcpy(t, pairs + ip * 2, 2);
	} else {
		*--t = (char)('0' + ip);
	}
	memcpy(buf + n, t, (size_t)(tmp + sizeof(tmp) - t));
	n += (size_t)(tmp + sizeof(tmp) - t);
	if (decimals > 0) {
		buf[n++] = '.';
		for (k = decimals; k >= 2; k -= 2) {
			memcpy(buf + n + (size_t)k - 2, pairs + fp % 100 * 2, 2);
			fp /= 100;
		}
		if (k == 1)
			buf[n] = (char)('0' + fp);
		n += (size_t)decimals;
	}
	buf[n] = '\0';
	return n;
slow:
	cv_fixed_printf(v, decimals, buf);
	for (n = 0; buf[n] != '\0'; n++)
		;
	return n;
}


char *
cv_fixed(double v, int decimals, char *buf)
{
	cv_fixed_n(v, decimals, buf);
	return buf;
}

long
cv_utf8_next(const char **pp, const char *end)
{
	const unsigned char *p = (const unsigned char *)*pp;
	const unsigned char *e = (const unsigned char *)end;
	long cp;
	int n, i;

	if (p >= e)
		return -1;
	if (p[0] < 0x80) {
		*pp += 1;
		return p[0];
	} else if ((p[0] & 0xE0) == 0xC0) {
		cp = p[0] & 0x1F;
		n = 1;
		if (cp < 2)
			return -1;
	} else if ((p[0] & 0xF0) == 0xE0) {
		cp = p[0] & 0x0F;
		n = 2;
	} else if ((p[0] & 0xF8) == 0xF0 && p[0] <= 0xF4) {
		cp = p[0] & 0x07;
		n = 3;
	} else
		return -1;
	if (e - p < n + 1)
		return -1;
	for (i = 1; i <= n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return -1;
		cp = (cp << 6) | (p[i] & 0x3F);
	}
	if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
	    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return -1;
	*pp += n + 1;
	return cp;
}

int
cv_utf8_valid(const char *s, size_t n)
{
	const char *p = s, *end = s + n;
	long cp;

	while (p < end) {
		cp = cv_utf8_next(&p, end);
		if (cp < 0)
			return 0;
		if (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r')
			return 0;
		if (cp == 0xFFFE || cp == 0xFFFF)
			return 0;
	}
	return 1;
}

/* Days from civil, after Howard Hinnant's published algorithm. */
int32_t
cv_days_from_civil(int y, int m, int d)
{
	int era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)(era * 146097 + doe - 719468);
}

void
cv_civil_from_days(int32_t z, int *y, int *m, int *d)
{
	int era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp + (mp < 10 ? 3 : -9);
	*y = yoe + era * 400 + (*m <= 2);
}

char *
cv_date_str(int32_t days, char *buf)
{
	int y, m, d;

	cv_civil_from_days(days, &y, &m, &d);
	snprintf(buf, 11, "%04u-%02u-%02u", (unsigned)y % 10000u,
	    (unsigned)m % 100u, (unsigned)d % 100u);
	return buf;
}

int
cv_date_parse_iso(const char *s, int32_t *days)
{
	int y, m, d, i, mdays;
	static const int ml[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (m < 1 || m > 12 || y < 1900)
		return -1;
	mdays = ml[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) ||
	    y % 400 == 0));
	if (d < 1 || d > mdays)
		return -1;
	*days = cv_days_from_civil(y, m, d);
	return 0;
}

static int S_no_simd;

void
cv_test_no_simd(int on)
{
	S_no_simd = on;
}

#ifdef CV_X86
static int S_avx2;
static pthread_once_t S_avx2_once = PTHREAD_ONCE_INIT;

/* AVX2, and an OS that saves the YMM registers (XCR0 bits 1 and 2). */
static void
S_detect_avx2(void)
{
	unsigned int a, b, c, d, lo, hi;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_OSXSAVE) ||
	    !(c & bit_AVX))
		return;
	__asm__ ("xgetbv" : "=a" (lo), "=d" (hi) : "c" (0));
	(void)hi;
	if ((lo & 6) != 6)
		return;
	if (__get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_AVX2))
		S_avx2 = 1;
}
#endif

int
cv_cpu_avx2(void)
{
#ifdef CV_X86
	if (S_no_simd)
		return 0;
	pthread_once(&S_avx2_once, S_detect_avx2);
	return S_avx2;
#else
	return 0;
#endif
}
