/* encoding.c: encoding detection (BOM, strict UTF-8, legacy) and streaming conversion to UTF-8 with glibc iconv. */
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#define CV_UTF8_AVX2
#include <immintrin.h>
#endif

#include "encoding.h"
#include "util.h"

#define S_INSZ		262144	/* bytes: input buffer */
#define S_STASHSZ	16	/* bytes: output held back for callers with cap < 4 */

enum S_step { S_DONE, S_FULL, S_NEED_MORE, S_ERROR };

struct enc_reader {
	int fd;
	enum enc_kind kind;	/* what is decoded; ENC_UTF8 = validate and copy */
	iconv_t cd;		/* (iconv_t)-1 for UTF-8 */
	size_t unit;		/* bytes skipped after an invalid sequence (UTF-16: 2) */
	char name[32];
	uint64_t bad;		/* sequences replaced with U+FFFD */
	int guessed;		/* not BOM-marked, not UTF-8: the legacy encoding */
	int eof;		/* read(2) returned 0 */
	int err;		/* read(2) failed: errno */
	const uint32_t *tab;	/* two-byte characters (S_dbcs_table), or NULL */
	size_t stop;		/* with tab: the end of the line iconv is in */
	struct cv_sha256 sha;	/* of the bytes read so far */
	uint64_t in_pos;	/* file offset of in[0] */
	size_t in_off;		/* bytes of in[] already consumed */
	size_t in_len;		/* bytes of in[] filled */
	size_t stash_off, stash_len;	/* bytes in stash[] */
	char stash[S_STASHSZ];
	char in[S_INSZ];
};

static const struct {
	const char *alias;	/* lowercase, without '-', '_' or spaces */
	enum enc_kind kind;
} S_aliases[] = {
	{ "auto", ENC_AUTO },
	{ "utf8", ENC_UTF8 }, { "utf8sig", ENC_UTF8 },
	{ "utf16", ENC_UTF16 }, { "unicode", ENC_UTF16 },
	{ "utf16le", ENC_UTF16LE }, { "ucs2le", ENC_UTF16LE },
	{ "utf16be", ENC_UTF16BE }, { "ucs2be", ENC_UTF16BE },
	{ "gb18030", ENC_GB18030 }, { "gbk", ENC_GB18030 },
	{ "gb2312", ENC_GB18030 }, { "cp936", ENC_GB18030 },
	{ "ms936", ENC_GB18030 }, { "windows936", ENC_GB18030 },
	{ "euccn", ENC_GB18030 },
	{ "big5", ENC_BIG5 },
	{ "cp950", ENC_CP950 }, { "ms950", ENC_CP950 },
	{ "windows950", ENC_CP950 },
};

static const char *const S_kind_names[] = {
	"auto", "UTF-8", "UTF-16", "UTF-16LE", "UTF-16BE", "GB18030", "BIG5",
	"CP950"
};

int
enc_detect_name(const char *name)
{
	char norm[32];
	size_t o = 0, k;

	if (name == NULL)
		return -1;
	for (; *name != '\0'; name++) {
		char ch = *name;

		if (ch == '-' || ch == '_' || ch == ' ')
			continue;
		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		if (o + 1 >= sizeof(norm))
			return -1;
		norm[o++] = ch;
	}
	norm[o] = '\0';
	for (k = 0; k < sizeof(S_aliases) / sizeof(S_aliases[0]); k++)
		if (strcmp(norm, S_aliases[k].alias) == 0)
			return (int)S_aliases[k].kind;
	return -1;
}

const char *
enc_kind_name(enum enc_kind kind)
{
	if ((unsigned)kind >= sizeof(S_kind_names) / sizeof(S_kind_names[0]))
		return "?";
	return S_kind_names[kind];
}

int
enc_kind_is_legacy(enum enc_kind kind)
{
	return kind == ENC_GB18030 || kind == ENC_BIG5 || kind == ENC_CP950;
}

/*
 * Check one UTF-8 sequence at p (n > 0 bytes available), after Unicode
 * Table 3-7.  Returns 0 if valid (*len = its length), 1 if invalid (*len =
 * the maximal ill-formed subpart, >= 1), 2 if cut short by the end of the
 * data (*len = bytes seen).
 */
static int
S_utf8_seq(const unsigned char *p, size_t n, size_t *len)
{
	unsigned char b = p[0], lo = 0x80, hi = 0xBF;
	size_t need, k;

	if (b < 0x80) {
		*len = 1;
		return 0;
	}
	if (b >= 0xC2 && b <= 0xDF)
		need = 2;
	else if (b >= 0xE0 && b <= 0xEF) {
		need = 3;
		if (b == 0xE0)
			lo = 0xA0;
		else if (b == 0xED)
			hi = 0x9F;
	} else if (b >= 0xF0 && b <= 0xF4) {
		need = 4;
		if (b == 0xF0)
			lo = 0x90;
		else if (b == 0xF4)
			hi = 0x8F;
	} else {
		*len = 1;
		return 1;
	}
	for (k = 1; k < need; k++) {
		if (k >= n) {
			*len = k;
			return 2;
		}
		if (p[k] < lo || p[k] > hi) {
			*len = k;
			return 1;
		}
		lo = 0x80;
		hi = 0xBF;
	}
	*len = need;
	return 0;
}

#ifdef CV_UTF8_AVX2
/*
 * UTF-8 checked 64 bytes at a time with AVX2, after Keiser and Lemire,
 * "Validating UTF-8 in less than one instruction per byte", Software:
 * Practice and Experience 51(5), 2021.  Every error shows in a pair of
 * adjacent bytes, or as a missing or extra continuation byte two or three
 * bytes after a lead: three 16-entry tables, indexed by the high and low
 * nibble of the first byte of a pair and the high nibble of the second,
 * each give the errors that nibble allows; an error is a bit set in all
 * three.  The continuations a 3- or 4-byte lead needs are checked apart.
 */
enum {
	U_TOO_SHORT = 1 << 0,	/* a lead, then no continuation */
	U_TOO_LONG = 1 << 1,	/* ASCII, then a continuation */
	U_OVERLONG_3 = 1 << 2,	/* E0, then 80..9F */
	U_TOO_LARGE = 1 << 3,	/* F4..FF, then 90..BF */
	U_SURROGATE = 1 << 4,	/* ED, then A0..BF */
	U_OVERLONG_2 = 1 << 5,	/* C0 or C1, then a continuation */
	U_BIT6 = 1 << 6,	/* F0 or F5..FF, then 80..8F */
	U_TWO_CONTS = 1 << 7,	/* a continuation, then another */
	U_ANY = U_TOO_SHORT | U_TOO_LONG | U_TWO_CONTS
};

/* Each table twice: AVX2 looks up within each 16-byte half. */
#define U_C(x) ((char)(unsigned char)(x))
#define U_TABLE(a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p) \
	_mm256_setr_epi8(U_C(a), U_C(b), U_C(c), U_C(d), U_C(e), U_C(f), \
	    U_C(g), U_C(h), U_C(i), U_C(j), U_C(k), U_C(l), U_C(m), U_C(n), \
	    U_C(o), U_C(p), U_C(a), U_C(b), U_C(c), U_C(d), U_C(e), U_C(f), \
	    U_C(g), U_C(h), U_C(i), U_C(j), U_C(k), U_C(l), U_C(m), U_C(n), \
	    U_C(o), U_C(p))

__attribute__((target("avx2")))
static inline __m256i
S_utf8_errors(__m256i in, __m256i prev)
{
	const __m256i nib = _mm256_set1_epi8(0x0F);
	const __m256i hi1t = U_TABLE(
	    U_TOO_LONG, U_TOO_LONG, U_TOO_LONG, U_TOO_LONG,
	    U_TOO_LONG, U_TOO_LONG, U_TOO_LONG, U_TOO_LONG,
	    U_TWO_CONTS, U_TWO_CONTS, U_TWO_CONTS, U_TWO_CONTS,
	    U_TOO_SHORT | U_OVERLONG_2, U_TOO_SHORT,
	    U_TOO_SHORT | U_OVERLONG_3 | U_SURROGATE,
	    U_TOO_SHORT | U_TOO_LARGE | U_BIT6);
	const __m256i lo1t = U_TABLE(
	    U_ANY | U_OVERLONG_3 | U_OVERLONG_2 | U_BIT6,
	    U_ANY | U_OVERLONG_2, U_ANY, U_ANY,
	    U_ANY | U_TOO_LARGE,
	    U_ANY | U_TOO_LARGE | U_BIT6, U_ANY | U_TOO_LARGE | U_BIT6,
	    U_ANY | U_TOO_LARGE | U_BIT6, U_ANY | U_TOO_LARGE | U_BIT6,
	    U_ANY | U_TOO_LARGE | U_BIT6, U_ANY | U_TOO_LARGE | U_BIT6,
	    U_ANY | U_TOO_LARGE | U_BIT6, U_ANY | U_TOO_LARGE | U_BIT6,
	    U_ANY | U_TOO_LARGE | U_BIT6 | U_SURROGATE,
	    U_ANY | U_TOO_LARGE | U_BIT6, U_ANY | U_TOO_LARGE | U_BIT6);
	const __m256i hi2t = U_TABLE(
	    U_TOO_SHORT, U_TOO_SHORT, U_TOO_SHORT, U_TOO_SHORT,
	    U_TOO_SHORT, U_TOO_SHORT, U_TOO_SHORT, U_TOO_SHORT,
	    U_TOO_LONG | U_OVERLONG_2 | U_TWO_CONTS | U_OVERLONG_3 | U_BIT6,
	    U_TOO_LONG | U_OVERLONG_2 | U_TWO_CONTS | U_OVERLONG_3 |
	    U_TOO_LARGE,
	    U_TOO_LONG | U_OVERLONG_2 | U_TWO_CONTS | U_SURROGATE |
	    U_TOO_LARGE,
	    U_TOO_LONG | U_OVERLONG_2 | U_TWO_CONTS | U_SURROGATE |
	    U_TOO_LARGE,
	    U_TOO_SHORT, U_TOO_SHORT, U_TOO_SHORT, U_TOO_SHORT);
	/* the 32 bytes before in, shifted by 1, 2 and 3 */
	__m256i before = _mm256_permute2x128_si256(prev, in, 0x21);
	__m256i p1 = _mm256_alignr_epi8(in, before, 15);
	__m256i p2 = _mm256_alignr_epi8(in, before, 14);
	__m256i p3 = _mm256_alignr_epi8(in, before, 13);
	__m256i e = _mm256_and_si256(_mm256_and_si256(
	    _mm256_shuffle_epi8(hi1t,
	    _mm256_and_si256(_mm256_srli_epi16(p1, 4), nib)),
	    _mm256_shuffle_epi8(lo1t, _mm256_and_si256(p1, nib))),
	    _mm256_shuffle_epi8(hi2t,
	    _mm256_and_si256(_mm256_srli_epi16(in, 4), nib)));
	/* 0x80 where a continuation must be: E0.. two back, F0.. three back */
	__m256i must = _mm256_and_si256(_mm256_or_si256(
	    _mm256_subs_epu8(p2, _mm256_set1_epi8(0xE0 - 0x80)),
	    _mm256_subs_epu8(p3, _mm256_set1_epi8((char)(0xF0 - 0x80)))),
	    _mm256_set1_epi8((char)0x80));

	return _mm256_xor_si256(must, e);
}

/*
 * Bytes of p[0..n), a multiple of 64, checked without error; a sequence
 * left open at the end is not checked yet (the caller backs up to it).
 */
__attribute__((target("avx2")))
static size_t
S_valid_avx2(const unsigned char *p, size_t n)
{
	__m256i prev = _mm256_setzero_si256(), a, b, e;
	size_t i;

	for (i = 0; i + 64 <= n; i += 64) {
		a = _mm256_loadu_si256((const __m256i *)(const void *)(p + i));
		b = _mm256_loadu_si256((const __m256i *)(const void *)(p + i +
		    32));
		e = _mm256_or_si256(S_utf8_errors(a, prev),
		    S_utf8_errors(b, a));
		if (!_mm256_testz_si256(e, e))
			break;
		prev = b;
	}
	return i;
}
#undef U_TABLE
#undef U_C

#endif

static int S_no_table;	/* tests: iconv for every character */

void
enc_test_portable(int on)
{
	cv_test_no_simd(on);
	S_no_table = on;
}

/*
 * GB18030, Big5 and CP950 text is mostly ASCII and two-byte characters,
 * and glibc's iconv, which converts through UCS-4, took three quarters of
 * the reader thread on a GB18030 file.  The two-byte characters are
 * decoded from a table that iconv itself fills once per encoding: for each
 * lead 0x81-0xFE and trail 0x40-0xFE, the UTF-8 iconv gives for the pair
 * alone (these encodings keep no state, so a pair reads the same in any
 * text) when that is one character of at most 3 bytes; 0 when iconv must
 * decide (no such pair, a four-byte GB18030 start, a character outside
 * the BMP).  Entries are the UTF-8 bytes, low byte first, and the length
 * in the top byte.
 */
#define S_LEAD0 0x81
#define S_TRAIL0 0x40
#define S_NTRAIL (0xFF - S_TRAIL0)
#define S_TABN ((0xFF - S_LEAD0) * S_NTRAIL)

static pthread_mutex_t S_tab_mu = PTHREAD_MUTEX_INITIALIZER;
static uint32_t *S_tabs[3];	/* GB18030, BIG5, CP950 */
static int S_tab_done[3];

/* iconv's UTF-8 for in[0..n) alone, if it is exactly one character. */
static size_t
S_iconv_one(iconv_t cd, const char *in, size_t n, char out[8])
{
	char *ip = (char *)(uintptr_t)in, *op = out;
	size_t il = n, ol = 8, len;

	iconv(cd, NULL, NULL, NULL, NULL);
	if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 || il != 0 ||
	    ol == 8 ||
	    S_utf8_seq((const unsigned char *)out, 8 - ol, &len) != 0 ||
	    len != 8 - ol)
		return 0;
	return len;
}

static uint32_t *
S_dbcs_build(enum enc_kind kind)
{
	iconv_t cd = iconv_open("UTF-8", enc_kind_name(kind));
	uint32_t *tab;
	char in[2], out[8];
	unsigned c, t;
	size_t n;

	if (cd == (iconv_t)-1)
		return NULL;
	/* The table path copies ASCII: iconv must too. */
	for (c = 0; c < 0x80; c++) {
		in[0] = (char)c;
		if (S_iconv_one(cd, in, 1, out) != 1 || out[0] != in[0]) {
			iconv_close(cd);
			return NULL;
		}
	}
	tab = cv_calloc(S_TABN, sizeof(*tab));
	for (c = S_LEAD0; c <= 0xFE; c++)
		for (t = S_TRAIL0; t <= 0xFE; t++) {
			in[0] = (char)c;
			in[1] = (char)t;
			if ((n = S_iconv_one(cd, in, 2, out)) == 0 || n > 3)
				continue;
			tab[(c - S_LEAD0) * S_NTRAIL + (t - S_TRAIL0)] =
			    (uint32_t)n << 24 |
			    (uint32_t)(unsigned char)out[0] |
			    (n > 1 ? (uint32_t)(unsigned char)out[1] << 8 : 0) |
			    (n > 2 ? (uint32_t)(unsigned char)out[2] << 16 : 0);
		}
	iconv_close(cd);
	return tab;
}

/* The table of a two-byte encoding (kept to the end), or NULL. */
static const uint32_t *
S_dbcs_table(enum enc_kind kind)
{
	int i = kind == ENC_GB18030 ? 0 : kind == ENC_BIG5 ? 1 :
	    kind == ENC_CP950 ? 2 : -1;
	const uint32_t *tab;

	if (i < 0 || S_no_table)
		return NULL;
	pthread_mutex_lock(&S_tab_mu);
	if (!S_tab_done[i]) {
		S_tabs[i] = S_dbcs_build(kind);
		S_tab_done[i] = 1;
	}
	tab = S_tabs[i];
	pthread_mutex_unlock(&S_tab_mu);
	return tab;
}

/*
 * Decode in[in_off..in_len) into *op (*ol bytes free) with the table, up
 * to a byte it does not cover (iconv's turn) or a full output.
 */
static void
S_dbcs_run(struct enc_reader *r, char **op, size_t *ol)
{
	const unsigned char *p = (const unsigned char *)r->in + r->in_off;
	const unsigned char *e = (const unsigned char *)r->in + r->in_len;
	char *o = *op, *oe = *op + *ol;
	uint64_t w;
	uint32_t v;
	unsigned c, t;

	while (p < e) {
		if (e - p >= 8 && oe - o >= 8) {
			memcpy(&w, p, 8);
			if ((w & 0x8080808080808080ULL) == 0) {
				memcpy(o, p, 8);	/* eight ASCII bytes */
				o += 8;
				p += 8;
				continue;
			}
		}
		c = *p;
		if (c < 0x80) {
			if (o == oe)
				break;
			*o++ = (char)c;
			p++;
			continue;
		}
		if (e - p < 2 || oe - o < 3 || c < S_LEAD0 || c > 0xFE)
			break;
		t = p[1];
		if (t < S_TRAIL0 || t > 0xFE || (v = r->tab[(c - S_LEAD0) *
		    S_NTRAIL + (t - S_TRAIL0)]) == 0)
			break;
		o[0] = (char)v;
		o[1] = (char)(v >> 8);
		o[2] = (char)(v >> 16);
		o += v >> 24;
		p += 2;
	}
	r->in_off = (size_t)((const char *)p - r->in);
	*ol -= (size_t)(o - *op);
	*op = o;
}

/*
 * Length of the longest valid UTF-8 prefix of p[0..n) made of whole
 * sequences: 64 bytes at a time with AVX2 where the CPU has it, then (or
 * else) ASCII sixteen (SSE2) or eight bytes at a time, and the common
 * 3-byte sequences (most CJK) checked inline.
 */
static size_t
S_valid_prefix(const unsigned char *p, size_t n)
{
	size_t i = 0, len;
	uint64_t w;
	unsigned c;

#ifdef CV_UTF8_AVX2
	if (n >= 64) {
		if (cv_cpu_avx2()) {
			size_t k;

			i = S_valid_avx2(p, n);
			/* back to the lead of a sequence left open */
			for (k = 1; k <= 3 && k <= i; k++) {
				c = p[i - k];
				if ((c & 0xC0) != 0x80) {
					if (c >= 0xC0)
						i -= k;
					break;
				}
			}
		}
	}
#endif
	while (i < n) {
		c = p[i];
		if (c < 0x80) {
#ifdef __SSE2__
			while (i + 16 <= n && _mm_movemask_epi8(_mm_loadu_si128(
			    (const __m128i *)(const void *)(p + i))) == 0)
				i += 16;
#endif
			while (i + 8 <= n) {
				memcpy(&w, p + i, 8);
				if (w & 0x8080808080808080ULL)
					break;
				i += 8;
			}
			while (i < n && p[i] < 0x80)
				i++;
			continue;
		}
		if (((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) &&
		    i + 2 < n && (p[i + 1] & 0xC0) == 0x80 &&
		    (p[i + 2] & 0xC0) == 0x80) {
			i += 3;
			continue;
		}
		if (S_utf8_seq(p + i, n - i, &len) != 0)
			break;
		i += len;
	}
	return i;
}

size_t
enc_valid_prefix(const void *p, size_t n)
{
	return S_valid_prefix(p, n);
}

/* Move unread input to the front of in[] and read more; -1 on error. */
static int
S_refill(struct enc_reader *r)
{
	ssize_t got;

	if (r->in_off > 0) {
		r->in_pos += r->in_off;
		memmove(r->in, r->in + r->in_off, r->in_len - r->in_off);
		r->in_len -= r->in_off;
		r->in_off = 0;
	}
	r->stop = 0;		/* look for the line end again */
	if (r->eof || r->in_len == S_INSZ)
		return 0;
	do
		got = read(r->fd, r->in + r->in_len, S_INSZ - r->in_len);
	while (got < 0 && errno == EINTR);
	if (got < 0) {
		r->err = errno != 0 ? errno : EIO;
		return -1;
	}
	if (got == 0)
		r->eof = 1;
	cv_sha256_add(&r->sha, r->in + r->in_len, (size_t)got);
	r->in_len += (size_t)got;
	return 0;
}

/* Scan the rest of the file: 1 if strict UTF-8, 0 if not, -1 on error. */
static int
S_scan_utf8(struct enc_reader *r)
{
	const unsigned char *p, *e;
	size_t len;

	for (;;) {
		p = (const unsigned char *)r->in + r->in_off;
		e = (const unsigned char *)r->in + r->in_len;
		p += S_valid_prefix(p, (size_t)(e - p));
		if (p < e && S_utf8_seq(p, (size_t)(e - p), &len) == 1)
			return 0;
		r->in_off = (size_t)(p - (const unsigned char *)r->in);
		if (r->eof)
			return r->in_off == r->in_len;
		if (S_refill(r) < 0)
			return -1;
	}
}

static void
S_put_replacement(char *d)
{
	d[0] = (char)0xEF;
	d[1] = (char)0xBF;
	d[2] = (char)0xBD;
}

/* UTF-8 input: copy valid runs, replace invalid sequences. */
static enum S_step
S_step_utf8(struct enc_reader *r, char *dst, size_t cap, size_t *produced)
{
	const unsigned char *p = (const unsigned char *)r->in + r->in_off;
	const unsigned char *e = (const unsigned char *)r->in + r->in_len;
	const unsigned char *q, *lim;
	size_t o = 0, len;
	enum S_step step = S_DONE;
	int st;

	while (p < e) {
		/* Longest valid run that fits in the output. */
		lim = e - p > (ptrdiff_t)(cap - o) ? p + (cap - o) : e;
		q = p + S_valid_prefix(p, (size_t)(lim - p));
		st = q < e ? S_utf8_seq(q, (size_t)(e - q), &len) : 0;
		memcpy(dst + o, p, (size_t)(q - p));
		o += (size_t)(q - p);
		p = q;
		if (p == e)
			break;
		if (p == lim || st == 0) {
			step = S_FULL;
			break;
		}
		if (st == 2 && !r->eof) {
			step = S_NEED_MORE;
			break;
		}
		/* Invalid, or cut short by the end of the file. */
		if (cap - o < 3) {
			step = S_FULL;
			break;
		}
		S_put_replacement(dst + o);
		o += 3;
		r->bad++;
		p += len;
	}
	r->in_off = (size_t)((const char *)p - r->in);
	*produced = o;
	return step;
}

/* Other encodings: iconv, replacing what it rejects. */
static enum S_step
S_step_iconv(struct enc_reader *r, char *dst, size_t cap, size_t *produced)
{
	char *ip, *op = dst;
	const char *nl;
	size_t il, ol = cap, rc, skip;
	enum S_step step;
	int lines = r->tab != NULL;	/* the table, and iconv to line ends */

	for (;;) {
		/*
		 * With a table, iconv takes over where the table has no answer,
		 * up to the end of that line (no character holds a '\n'; an
		 * invalid byte does not send the rest of the line back to the
		 * table), and the next line goes back to the table.
		 */
		if (lines && r->in_off >= r->stop) {
			S_dbcs_run(r, &op, &ol);
			if (r->in_off == r->in_len) {
				step = S_DONE;
				break;
			}
			nl = memchr(r->in + r->in_off, '\n',
			    r->in_len - r->in_off);
			r->stop = nl != NULL ? (size_t)(nl + 1 - r->in) :
			    r->in_len;
		}
		ip = r->in + r->in_off;
		il = (lines ? r->stop : r->in_len) - r->in_off;
		rc = iconv(r->cd, &ip, &il, &op, &ol);
		r->in_off = (size_t)(ip - r->in);
		if (rc != (size_t)-1) {
			if (r->in_off < r->in_len)
				continue;	/* a line done: the next */
			step = S_DONE;
			break;
		}
		if (errno == E2BIG) {
			step = S_FULL;
			break;
		}
		if (errno == EINVAL && lines && r->stop < r->in_len) {
			/* Incomplete before the line end: let iconv see all the
			 * input from here, as it would without the table. */
			lines = 0;
			continue;
		}
		if (errno == EINVAL && !r->eof) {
			step = S_NEED_MORE;
			break;
		}
		if (errno != EILSEQ && errno != EINVAL) {
			step = S_ERROR;
			break;
		}
		/* EILSEQ, or an incomplete character at the end of the file. */
		if (ol < 3) {
			step = S_FULL;
			break;
		}
		S_put_replacement(op);
		op += 3;
		ol -= 3;
		r->bad++;
		skip = errno == EINVAL ? il : r->unit < il ? r->unit : il;
		r->in_off += skip;
	}
	*produced = cap - ol;
	return step;
}

/* Produce at least one byte of UTF-8 into dst (cap >= 4); 0 at EOF, -1 on error. */
static long
S_produce(struct enc_reader *r, char *dst, size_t cap)
{
	size_t o = 0, got;
	enum S_step step;

	for (;;) {
		if (r->in_off == r->in_len) {
			if (r->eof)
				return (long)o;
			if (S_refill(r) < 0)
				return -1;
			continue;
		}
		if (r->kind == ENC_UTF8)
			step = S_step_utf8(r, dst + o, cap - o, &got);
		else
			step = S_step_iconv(r, dst + o, cap - o, &got);
		o += got;
		if (step == S_ERROR) {
			r->err = EIO;
			return -1;
		}
		if (o > 0 && step != S_NEED_MORE)
			return (long)o;
		if (step == S_FULL) {
			r->err = EIO;	/* cannot happen with cap >= 4 */
			return -1;
		}
		if (step == S_NEED_MORE) {
			size_t before = r->in_len - r->in_off;

			if (o > 0)
				return (long)o;
			if (S_refill(r) < 0)
				return -1;
			if (!r->eof && r->in_len == before) {
				r->err = EIO;	/* no progress: cannot happen */
				return -1;
			}
		}
	}
}

long
enc_read(struct enc_reader *r, char *buf, size_t cap)
{
	long got;
	size_t k;

	if (r == NULL || buf == NULL || cap == 0 || r->err != 0)
		return -1;
	if (r->stash_off == r->stash_len && cap < 4) {
		got = S_produce(r, r->stash, sizeof(r->stash));
		if (got <= 0)
			return got;
		r->stash_off = 0;
		r->stash_len = (size_t)got;
	}
	if (r->stash_off < r->stash_len) {
		k = r->stash_len - r->stash_off;
		if (k > cap)
			k = cap;
		memcpy(buf, r->stash + r->stash_off, k);
		r->stash_off += k;
		return (long)k;
	}
	return S_produce(r, buf, cap);
}

/* Length of the BOM of kind at the start of in[], or 0. */
static size_t
S_bom(const struct enc_reader *r, enum enc_kind kind)
{
	const unsigned char *p = (const unsigned char *)r->in;
	size_t n = r->in_len;

	switch (kind) {
	case ENC_UTF8:
		return n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF ?
		    3 : 0;
	case ENC_UTF16LE:
		return n >= 2 && p[0] == 0xFF && p[1] == 0xFE ? 2 : 0;
	case ENC_UTF16BE:
		return n >= 2 && p[0] == 0xFE && p[1] == 0xFF ? 2 : 0;
	case ENC_GB18030:	/* U+FEFF in GB18030 */
		return n >= 4 && p[0] == 0x84 && p[1] == 0x31 && p[2] == 0x95 &&
		    p[3] == 0x33 ? 4 : 0;
	default:
		return 0;
	}
}

/* Decide the encoding; returns 0 or an errno code. */
static int
S_decide(struct enc_reader *r, int forced, enum enc_kind legacy, int seekable)
{
	static const enum enc_kind boms[] = { ENC_UTF8, ENC_UTF16LE,
	    ENC_UTF16BE };
	size_t bom = 0, k;
	int st;

	if (forced == ENC_UTF16)
		forced = S_bom(r, ENC_UTF16BE) ? ENC_UTF16BE : ENC_UTF16LE;
	if (forced != ENC_AUTO) {
		r->kind = (enum enc_kind)forced;
		bom = S_bom(r, r->kind);
	} else {
		for (k = 0; k < sizeof(boms) / sizeof(boms[0]) && bom == 0; k++)
			if ((bom = S_bom(r, boms[k])) > 0)
				r->kind = boms[k];
		if (bom == 0) {
			if (!seekable)
				return ESPIPE;
			st = S_scan_utf8(r);
			if (st < 0)
				return r->err;
			r->kind = st ? ENC_UTF8 : legacy;
			r->guessed = !st;
			if (lseek(r->fd, 0, SEEK_SET) != 0)
				return errno != 0 ? errno : EIO;
			cv_sha256_begin(&r->sha);	/* read again */
			r->in_off = r->in_len = 0;
			r->in_pos = 0;
			r->eof = 0;
			if (S_refill(r) < 0)
				return r->err;
		}
	}
	r->in_off = bom;
	snprintf(r->name, sizeof(r->name), "%s%s", enc_kind_name(r->kind),
	    bom > 0 ? " (BOM)" : "");
	r->unit = r->kind == ENC_UTF16LE || r->kind == ENC_UTF16BE ? 2 : 1;
	if (r->kind != ENC_UTF8) {
		r->cd = iconv_open("UTF-8", enc_kind_name(r->kind));
		if (r->cd == (iconv_t)-1)
			return EINVAL;
		r->tab = S_dbcs_table(r->kind);
	}
	return 0;
}

int
enc_open(struct enc_reader **out, const char *path, const char *forced,
    const char *legacy)
{
	struct enc_reader *r;
	struct stat sb;
	int fk = ENC_AUTO, lk = ENC_GB18030, e;

	if (out == NULL)
		return EINVAL;
	*out = NULL;
	if (path == NULL)
		return EINVAL;
	if (forced != NULL && (fk = enc_detect_name(forced)) < 0)
		return EINVAL;
	if (legacy != NULL && ((lk = enc_detect_name(legacy)) < 0 ||
	    !enc_kind_is_legacy((enum enc_kind)lk)))
		return EINVAL;
	r = cv_calloc(1, sizeof(*r));
	r->cd = (iconv_t)-1;
	cv_sha256_begin(&r->sha);
	r->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0) {
		e = errno;
		enc_close(r);
		return e != 0 ? e : EIO;
	}
	if (fstat(r->fd, &sb) != 0) {
		e = errno;
		enc_close(r);
		return e != 0 ? e : EIO;
	}
	if (S_ISDIR(sb.st_mode)) {
		enc_close(r);
		return EISDIR;
	}
	/* Enough bytes to see any BOM (a pipe may deliver fewer at first). */
	do {
		if (S_refill(r) < 0) {
			e = r->err;
			enc_close(r);
			return e;
		}
	} while (!r->eof && r->in_len < 4);
	e = S_decide(r, fk, (enum enc_kind)lk, S_ISREG(sb.st_mode));
	if (e != 0) {
		enc_close(r);
		return e;
	}
	*out = r;
	return 0;
}

const char *
enc_name(const struct enc_reader *r)
{
	return r != NULL ? r->name : "";
}

uint64_t
enc_offset(const struct enc_reader *r)
{
	return r != NULL ? r->in_pos + r->in_off : 0;
}

int
enc_is_legacy_guess(const struct enc_reader *r)
{
	return r != NULL && r->guessed;
}

uint64_t
enc_bad_sequences(const struct enc_reader *r)
{
	return r != NULL ? r->bad : 0;
}

void
enc_close(struct enc_reader *r)
{
	if (r == NULL)
		return;
	if (r->cd != (iconv_t)-1)
		iconv_close(r->cd);
	if (r->fd >= 0)
		close(r->fd);
	free(r);
}

int
enc_sha256(struct enc_reader *r, char out[65])
{
	out[0] = '\0';
	if (r == NULL)
		return -1;
	/* Bytes not decoded (the parse stopped early) are hashed too. */
	r->in_off = r->in_len;
	while (!r->eof && r->err == 0)
		if (S_refill(r) < 0)
			break;
		else
			r->in_off = r->in_len;
	if (r->err != 0)
		return -1;
	cv_sha256_end(&r->sha, out);
	return 0;
}
