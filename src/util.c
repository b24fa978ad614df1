/* util.c: allocation, buffers, hashing, number/date formatting and UTF-8 checks. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
cv_fixed(double v, int decimals, char *buf)
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
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (m < 1 || m > 12 || y < 1900)
		return -1;
	mdays = ml[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) ||
	    y % 400 == 0));
	if (d < 1 || d > mdays)
		return -1;
	*days = cv_days_from_civil(y, m, d);
	return 0;
}

/* SHA-256 as specified in FIPS 180-4. */
struct sha256 {
	uint32_t h[8];
	uint64_t len;
	unsigned char blk[64];
	size_t nblk;
};

static const uint32_t S_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void
S_sha_block(struct sha256 *s, const unsigned char *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, h, t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		    (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (i = 16; i < 64; i++)
		w[i] = (ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10)) +
		    w[i - 7] + (ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^
		    (w[i - 15] >> 3)) + w[i - 16];
	a = s->h[0]; b = s->h[1]; c = s->h[2]; d = s->h[3];
	e = s->h[4]; f = s->h[5]; g = s->h[6]; h = s->h[7];
	for (i = 0; i < 64; i++) {
		t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) +
		    ((e & f) ^ (~e & g)) + S_k[i] + w[i];
		t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) +
		    ((a & b) ^ (a & c) ^ (b & c));
		h = g; g = f; f = e; e = d + t1;
		d = c; c = b; b = a; a = t1 + t2;
	}
	s->h[0] += a; s->h[1] += b; s->h[2] += c; s->h[3] += d;
	s->h[4] += e; s->h[5] += f; s->h[6] += g; s->h[7] += h;
}

static void
S_sha_init(struct sha256 *s)
{
	static const uint32_t iv[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372,
	    0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };

	memcpy(s->h, iv, sizeof(iv));
	s->len = 0;
	s->nblk = 0;
}

static void
S_sha_update(struct sha256 *s, const unsigned char *p, size_t n)
{
	s->len += n;
	while (n > 0) {
		size_t take = 64 - s->nblk;
		if (take > n)
			take = n;
		if (s->nblk == 0 && n >= 64) {
			S_sha_block(s, p);
			p += 64;
			n -= 64;
			continue;
		}
		memcpy(s->blk + s->nblk, p, take);
		s->nblk += take;
		p += take;
		n -= take;
		if (s->nblk == 64) {
			S_sha_block(s, s->blk);
			s->nblk = 0;
		}
	}
}

static void
S_sha_final(struct sha256 *s, char out[65])
{
	uint64_t bits = s->len * 8;
	unsigned char pad = 0x80, zero = 0, lenb[8];
	int i;

	S_sha_update(s, &pad, 1);
	while (s->nblk != 56)
		S_sha_update(s, &zero, 1);
	for (i = 0; i < 8; i++)
		lenb[i] = (unsigned char)(bits >> (56 - 8 * i));
	S_sha_update(s, lenb, 8);
	for (i = 0; i < 8; i++)
		snprintf(out + 8 * i, 9, "%08x", s->h[i]);
}

void
cv_sha256_hex(const void *data, size_t n, char out[65])
{
	struct sha256 s;

	S_sha_init(&s);
	S_sha_update(&s, data, n);
	S_sha_final(&s, out);
}

int
cv_sha256_file(const char *path, char out[65])
{
	struct sha256 s;
	unsigned char blk[65536];
	size_t n;
	FILE *fp = fopen(path, "rb");

	if (fp == NULL)
		return -1;
	S_sha_init(&s);
	while ((n = fread(blk, 1, sizeof(blk), fp)) > 0)
		S_sha_update(&s, blk, n);
	if (ferror(fp)) {
		fclose(fp);
		return -1;
	}
	fclose(fp);
	S_sha_final(&s, out);
	return 0;
}
