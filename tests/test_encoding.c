/* test_encoding.c: cmocka tests of encoding detection and streaming conversion (run from the repo root). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "encoding.h"
#include "util.h"

#define DATA "tests/data/encoding/"

struct S_bytes {
	char *p;
	size_t n;
};

static struct S_bytes
S_slurp(const char *path)
{
	struct S_bytes b = { NULL, 0 };
	FILE *fp = fopen(path, "rb");
	size_t got;
	char blk[4096];

	assert_non_null(fp);
	while ((got = fread(blk, 1, sizeof(blk), fp)) > 0) {
		b.p = realloc(b.p, b.n + got + 1);
		assert_non_null(b.p);
		memcpy(b.p + b.n, blk, got);
		b.n += got;
	}
	fclose(fp);
	if (b.p == NULL)
		b.p = calloc(1, 1);
	return b;
}

static void
S_write(const char *path, const void *p, size_t n)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(p, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
}

static char *
S_tmpname(void)
{
	char *name = strdup("/tmp/test_encoding.XXXXXX");
	int fd;

	assert_non_null(name);
	fd = mkstemp(name);
	assert_true(fd >= 0);
	close(fd);
	return name;
}

static int
S_valid_utf8(const char *p, size_t n)
{
	const char *q = p, *e = p + n;

	while (q < e)
		if (cv_utf8_next(&q, e) < 0)
			return 0;
	return 1;
}

/* Decode a whole file with reads of at most cap bytes; checks each read is valid UTF-8 when cap >= 4. */
static struct S_bytes
S_decode(const char *path, const char *forced, const char *legacy,
    size_t cap, char *name, size_t namesz, uint64_t *bad)
{
	struct enc_reader *r;
	struct S_bytes b = { NULL, 0 };
	char *buf = malloc(cap);
	size_t bcap = 0;
	long got;

	assert_non_null(buf);
	assert_int_equal(enc_open(&r, path, forced, legacy), 0);
	while ((got = enc_read(r, buf, cap)) > 0) {
		assert_true((size_t)got <= cap);
		if (cap >= 4)
			assert_true(S_valid_utf8(buf, (size_t)got));
		if (b.n + (size_t)got + 1 > bcap) {
			bcap = (b.n + (size_t)got + 1) * 2;
			b.p = realloc(b.p, bcap);
			assert_non_null(b.p);
		}
		memcpy(b.p + b.n, buf, (size_t)got);
		b.n += (size_t)got;
	}
	assert_int_equal(got, 0);
	assert_int_equal(enc_read(r, buf, cap), 0);	/* stays at EOF */
	if (name != NULL)
		snprintf(name, namesz, "%s", enc_name(r));
	if (bad != NULL)
		*bad = enc_bad_sequences(r);
	enc_close(r);
	free(buf);
	if (b.p == NULL)
		b.p = calloc(1, 1);
	return b;
}

static const size_t S_caps[] = { 1, 2, 3, 4, 7, 13, 4096, 65536, 200000 };
static size_t S_ncaps = sizeof(S_caps) / sizeof(S_caps[0]);
static size_t S_first_cap = 0;	/* large files skip the slowest sizes */

/* Decode with every read size and compare with the expected UTF-8 file. */
static void
S_check(const char *path, const char *forced, const char *legacy,
    const char *expect_path, const char *expect_name, uint64_t expect_bad)
{
	struct S_bytes want = S_slurp(expect_path), got;
	char name[64];
	uint64_t bad;
	size_t k;

	for (k = S_first_cap; k < S_ncaps; k++) {
		got = S_decode(path, forced, legacy, S_caps[k], name,
		    sizeof(name), &bad);
		assert_string_equal(name, expect_name);
		assert_int_equal(bad, expect_bad);
		assert_int_equal(got.n, want.n);
		assert_memory_equal(got.p, want.p, want.n);
		assert_true(S_valid_utf8(got.p, got.n));
		free(got.p);
	}
	free(want.p);
}

static void
test_names(void **state)
{
	(void)state;
	assert_int_equal(enc_detect_name("utf8"), ENC_UTF8);
	assert_int_equal(enc_detect_name("UTF-8"), ENC_UTF8);
	assert_int_equal(enc_detect_name("utf_8"), ENC_UTF8);
	assert_int_equal(enc_detect_name("utf-8-sig"), ENC_UTF8);
	assert_int_equal(enc_detect_name("GBK"), ENC_GB18030);
	assert_int_equal(enc_detect_name("gb2312"), ENC_GB18030);
	assert_int_equal(enc_detect_name("GB18030"), ENC_GB18030);
	assert_int_equal(enc_detect_name("cp936"), ENC_GB18030);
	assert_int_equal(enc_detect_name("Big5"), ENC_BIG5);
	assert_int_equal(enc_detect_name("BIG-5"), ENC_BIG5);
	assert_int_equal(enc_detect_name("cp950"), ENC_CP950);
	assert_int_equal(enc_detect_name("utf-16le"), ENC_UTF16LE);
	assert_int_equal(enc_detect_name("UTF16LE"), ENC_UTF16LE);
	assert_int_equal(enc_detect_name("utf-16be"), ENC_UTF16BE);
	assert_int_equal(enc_detect_name("unicode"), ENC_UTF16);
	assert_int_equal(enc_detect_name("Auto"), ENC_AUTO);
	assert_int_equal(enc_detect_name("foo"), -1);
	assert_int_equal(enc_detect_name(""), -1);
	assert_int_equal(enc_detect_name(NULL), -1);
	assert_int_equal(enc_detect_name("utf8utf8utf8utf8utf8utf8utf8utf8utf8"),
	    -1);
	assert_int_equal(enc_detect_name("utf\xff" "8"), -1);
	assert_string_equal(enc_kind_name(ENC_GB18030), "GB18030");
	assert_string_equal(enc_kind_name(ENC_BIG5), "BIG5");
	assert_string_equal(enc_kind_name((enum enc_kind)99), "?");
	assert_true(enc_kind_is_legacy(ENC_GB18030));
	assert_true(enc_kind_is_legacy(ENC_BIG5));
	assert_true(enc_kind_is_legacy(ENC_CP950));
	assert_false(enc_kind_is_legacy(ENC_UTF8));
	assert_false(enc_kind_is_legacy(ENC_AUTO));
}

static void
test_detect_utf8(void **state)
{
	(void)state;
	S_check(DATA "zh-cn.utf8.csv", NULL, NULL, DATA "zh-cn.utf8.csv",
	    "UTF-8", 0);
	S_check(DATA "zh-cn.utf8.csv", "auto", "big5", DATA "zh-cn.utf8.csv",
	    "UTF-8", 0);
	S_check(DATA "zh-tw.utf8.csv", NULL, NULL, DATA "zh-tw.utf8.csv",
	    "UTF-8", 0);
}

static void
test_detect_boms(void **state)
{
	(void)state;
	S_check(DATA "zh-cn.utf8-bom.csv", NULL, NULL, DATA "zh-cn.utf8.csv",
	    "UTF-8 (BOM)", 0);
	S_check(DATA "zh-cn.utf16le-bom.csv", NULL, NULL,
	    DATA "zh-cn.utf8.csv", "UTF-16LE (BOM)", 0);
	S_check(DATA "zh-cn.utf16be-bom.csv", NULL, NULL,
	    DATA "zh-cn.utf8.csv", "UTF-16BE (BOM)", 0);
	/* A BOM wins over the legacy setting. */
	S_check(DATA "zh-cn.utf16le-bom.csv", NULL, "BIG5",
	    DATA "zh-cn.utf8.csv", "UTF-16LE (BOM)", 0);
}

static void
test_detect_legacy(void **state)
{
	struct S_bytes got, want;
	char name[64];

	(void)state;
	S_check(DATA "zh-cn.gb18030.csv", NULL, NULL, DATA "zh-cn.utf8.csv",
	    "GB18030", 0);
	S_check(DATA "zh-cn.gb18030.csv", NULL, "GBK", DATA "zh-cn.utf8.csv",
	    "GB18030", 0);
	S_check(DATA "zh-tw.big5.csv", NULL, "BIG5", DATA "zh-tw.utf8.csv",
	    "BIG5", 0);
	S_check(DATA "zh-tw.big5.csv", NULL, "cp950", DATA "zh-tw.utf8.csv",
	    "CP950", 0);
	/* Big5 read with the default legacy encoding: wrong text, and we say so. */
	want = S_slurp(DATA "zh-tw.utf8.csv");
	got = S_decode(DATA "zh-tw.big5.csv", NULL, NULL, 64, name,
	    sizeof(name), NULL);
	assert_string_equal(name, "GB18030");
	assert_false(got.n == want.n && memcmp(got.p, want.p, got.n) == 0);
	assert_true(S_valid_utf8(got.p, got.n));
	free(got.p);
	free(want.p);
}

static void
test_forced(void **state)
{
	(void)state;
	S_check(DATA "zh-tw.big5.csv", "big5", NULL, DATA "zh-tw.utf8.csv",
	    "BIG5", 0);
	S_check(DATA "zh-cn.gb18030.csv", "gbk", "BIG5", DATA "zh-cn.utf8.csv",
	    "GB18030", 0);
	S_check(DATA "zh-cn.utf8-bom.csv", "UTF-8", NULL, DATA "zh-cn.utf8.csv",
	    "UTF-8 (BOM)", 0);
	S_check(DATA "zh-cn.utf8.csv", "utf8", NULL, DATA "zh-cn.utf8.csv",
	    "UTF-8", 0);
	S_check(DATA "zh-cn.utf16le-bom.csv", "utf-16le", NULL,
	    DATA "zh-cn.utf8.csv", "UTF-16LE (BOM)", 0);
	S_check(DATA "zh-cn.utf16le-bom.csv", "unicode", NULL,
	    DATA "zh-cn.utf8.csv", "UTF-16LE (BOM)", 0);
	S_check(DATA "zh-cn.utf16be-bom.csv", "UTF-16", NULL,
	    DATA "zh-cn.utf8.csv", "UTF-16BE (BOM)", 0);
	S_check(DATA "zh-cn.utf16be-bom.csv", "UTF-16BE", NULL,
	    DATA "zh-cn.utf8.csv", "UTF-16BE (BOM)", 0);
}

static void
test_invalid_byte(void **state)
{
	struct S_bytes got;
	char name[64];

	(void)state;
	/* One bad byte makes a UTF-8 file "not UTF-8": the legacy one is used. */
	got = S_decode(DATA "bad-byte.utf8.csv", NULL, NULL, 4096, name,
	    sizeof(name), NULL);
	assert_string_equal(name, "GB18030");
	assert_true(S_valid_utf8(got.p, got.n));
	free(got.p);
	/* Forced UTF-8: the byte becomes U+FFFD and is counted. */
	S_check(DATA "bad-byte.utf8.csv", "UTF-8", NULL,
	    DATA "bad-byte.expected.csv", "UTF-8", 1);
	/* GB18030 with a 0xFF byte. */
	S_check(DATA "bad-byte.gb18030.csv", NULL, NULL,
	    DATA "bad-byte.expected.csv", "GB18030", 1);
}

/* Write bytes to a temporary file, decode it, compare with want. */
static void
S_bytes_case(const char *in, size_t n, const char *forced, const char *want,
    size_t wn, const char *want_name, uint64_t want_bad)
{
	char *tmp = S_tmpname(), *wtmp = S_tmpname();

	S_write(tmp, in, n);
	S_write(wtmp, want, wn);
	S_check(tmp, forced, NULL, wtmp, want_name, want_bad);
	unlink(tmp);
	unlink(wtmp);
	free(tmp);
	free(wtmp);
}

#define BYTES(s) s, sizeof(s) - 1

static void
test_truncated_and_odd(void **state)
{
	(void)state;
	/* GB18030 ending in half a character. */
	S_bytes_case(BYTES("a\xc4\xe3\xba"), NULL,
	    BYTES("a\xe4\xbd\xa0\xef\xbf\xbd"), "GB18030", 1);
	/* GB18030 ending in 3 of 4 bytes (U+20BB7 is 95 32 82 36). */
	S_bytes_case(BYTES("ab\x95\x32\x82"), "GB18030",
	    BYTES("ab\xef\xbf\xbd"), "GB18030", 1);
	/* UTF-16LE with an odd byte at the end. */
	S_bytes_case(BYTES("\xff\xfe" "a\0b\0c"), NULL,
	    BYTES("ab\xef\xbf\xbd"), "UTF-16LE (BOM)", 1);
	/* UTF-16LE with an unpaired surrogate: one unit replaced, alignment kept. */
	S_bytes_case(BYTES("\xff\xfe" "a\0\x00\xd8" "b\0"), NULL,
	    BYTES("a\xef\xbf\xbd" "b"), "UTF-16LE (BOM)", 1);
	/*
	 * Forced UTF-8: overlong (2 bytes, 2 replacements), surrogate (3, 3:
	 * ED A0 is no valid prefix), truncated at the end (2 bytes, 1).
	 */
	S_bytes_case(BYTES("x\xc0\xafy\xed\xa0\x80z\xe4\xbd"), "UTF-8",
	    BYTES("x\xef\xbf\xbd\xef\xbf\xbdy\xef\xbf\xbd\xef\xbf\xbd"
	    "\xef\xbf\xbdz\xef\xbf\xbd"), "UTF-8", 6);
	/* A valid prefix cut by an invalid byte is one replacement. */
	S_bytes_case(BYTES("\xe4\xbd" "A\xf0\x9f\x98" "B"), "UTF-8",
	    BYTES("\xef\xbf\xbd" "A\xef\xbf\xbd" "B"), "UTF-8", 2);
	/* A file that is only a BOM, and an empty file. */
	S_bytes_case(BYTES("\xef\xbb\xbf"), NULL, "", 0, "UTF-8 (BOM)", 0);
	S_bytes_case("", 0, NULL, "", 0, "UTF-8", 0);
	/* A GB18030 BOM is skipped when GB18030 is forced. */
	S_bytes_case(BYTES("\x84\x31\x95\x33" "\xc4\xe3"), "GB18030",
	    BYTES("\xe4\xbd\xa0"), "GB18030 (BOM)", 0);
	/* NUL bytes are valid UTF-8 and pass through. */
	S_bytes_case(BYTES("a\0b"), NULL, BYTES("a\0b"), "UTF-8", 0);
}

/*
 * Files larger than the reader's 64 KiB input buffer, shifted by 0-3 bytes,
 * so that multibyte characters straddle every chunk edge.
 */
static void
test_chunk_edges(void **state)
{
	static const struct {
		const char *in, *orig, *forced, *legacy, *name;
	} cases[] = {
		{ DATA "zh-cn.utf8.csv", DATA "zh-cn.utf8.csv", NULL, NULL,
		    "UTF-8" },
		{ DATA "zh-cn.gb18030.csv", DATA "zh-cn.utf8.csv", NULL, NULL,
		    "GB18030" },
		{ DATA "zh-tw.big5.csv", DATA "zh-tw.utf8.csv", NULL, "BIG5",
		    "BIG5" },
		{ DATA "zh-cn.utf16le-bom.csv", DATA "zh-cn.utf8.csv",
		    "UTF-16LE", NULL, "UTF-16LE" },
	};
	size_t c, shift, rep, k;
	char *tmp = S_tmpname(), *wtmp = S_tmpname();

	(void)state;
	S_first_cap = 4;	/* from 7 bytes up */
	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct S_bytes in = S_slurp(cases[c].in);
		struct S_bytes orig = S_slurp(cases[c].orig);
		size_t skip = strstr(cases[c].in, "bom") != NULL ? 2 : 0;

		for (shift = 0; shift < 4; shift++) {
			FILE *fp = fopen(tmp, "wb"), *wp = fopen(wtmp, "wb");

			assert_non_null(fp);
			assert_non_null(wp);
			for (k = 0; k < shift * (skip ? 2 : 1); k++) {
				fputc(skip && k % 2 ? 0 : 'x', fp);
				if (!skip || k % 2 == 0)
					fputc('x', wp);
			}
			for (rep = 0; rep < 600; rep++) {
				fwrite(in.p + skip, 1, in.n - skip, fp);
				fwrite(orig.p, 1, orig.n, wp);
			}
			fclose(fp);
			fclose(wp);
			S_check(tmp, cases[c].forced, cases[c].legacy, wtmp,
			    cases[c].name, 0);
		}
		free(in.p);
		free(orig.p);
	}
	S_first_cap = 0;
	unlink(tmp);
	unlink(wtmp);
	free(tmp);
	free(wtmp);
}

/*
 * Two-byte characters of GB18030, Big5 and CP950 come from a table that
 * iconv fills; everything else (four-byte GB18030, invalid and cut-short
 * sequences) goes through iconv to the end of its line.  On random text of
 * ASCII, valid pairs, four-byte starts, stray bytes and line ends, decoded
 * with every read size, the table way and iconv alone must give the same
 * bytes and the same count of replaced sequences.
 */
static void
test_dbcs_table_matches_iconv(void **state)
{
	static const char *const encs[] = { "GB18030", "BIG5", "CP950" };
	static const char *const atoms[] = { "a", "1,", "\n", "\r\n", " ",
		"\xB0\xA1", "\xD6\xD0", "\xA4\x40", "\xA5\x5B", "\xF9\xFE",
		"\x81\x30\x81\x30", "\x95\x32\x82\x36", "\x81\x30", "\x81",
		"\xFE", "\x80", "\xFF", "\xA1\x7F", "\xC6\xA1", "\x81\x0A",
		"\x84\x31\xA4\x39", "\xA3\xA0", "\xAA\xFE", "\x00",
		"\xB0?", "\x82?", "\xA4~" };
	char *tmp = S_tmpname();
	unsigned long seed = 31;
	size_t e, k, it, n, i;

	(void)state;
	for (e = 0; e < sizeof(encs) / sizeof(encs[0]); e++)
		for (it = 0; it < 40; it++) {
			/* every fourth text has no '\n' (CR line ends) */
			int no_lf = it % 4 == 3;

			char text[3000];
			struct S_bytes a, b;
			uint64_t bad_a, bad_b;

			for (n = 0; n < sizeof(text) - 8;) {
				const char *at;
				size_t len;

				seed = seed * 6364136223846793005UL +
				    1442695040888963407UL;
				/* mostly good pairs and ASCII */
				i = (seed >> 33) % 4 != 0 ? (seed >> 40) % 10 :
				    (seed >> 40) % (sizeof(atoms) / sizeof(atoms[0]));
				at = atoms[i];
				len = strcmp(at, "\x00") == 0 ? 1 : strlen(at);
				if (no_lf && memchr(at, '\n', len) != NULL)
					at = "\r", len = 1;
				memcpy(text + n, at, len);
				n += len;
			}
			S_write(tmp, text, n);
			for (k = 0; k < S_ncaps; k++) {
				enc_test_portable(0);
				a = S_decode(tmp, encs[e], NULL, S_caps[k], NULL, 0,
				    &bad_a);
				enc_test_portable(1);
				b = S_decode(tmp, encs[e], NULL, S_caps[k], NULL, 0,
				    &bad_b);
				enc_test_portable(0);
				assert_int_equal(bad_a, bad_b);
				assert_int_equal(a.n, b.n);
				assert_memory_equal(a.p, b.p, a.n);
				free(a.p);
				free(b.p);
			}
		}
	unlink(tmp);
	free(tmp);
}

/* Random bytes in every encoding: no crash, output valid UTF-8. */
static void
test_garbage(void **state)
{
	static const char *const forced[] = { "auto", "UTF-8", "GB18030",
	    "BIG5", "CP950", "UTF-16LE", "UTF-16BE", "UTF-16" };
	char *tmp = S_tmpname();
	unsigned char data[3000];
	uint32_t x = 12345;
	size_t i, f, round, caps[] = { 1, 5, 4096 };
	struct S_bytes got;
	uint64_t bad;

	(void)state;
	for (round = 0; round < 20; round++) {
		size_t n = 1 + round * 149 % sizeof(data);

		for (i = 0; i < n; i++) {
			x = x * 1103515245 + 12345;
			data[i] = (unsigned char)(x >> 16);
			if (round % 3 == 0 && data[i] < 0x80)
				data[i] |= 0x80;	/* mostly high bytes */
		}
		S_write(tmp, data, n);
		for (f = 0; f < sizeof(forced) / sizeof(forced[0]); f++) {
			for (i = 0; i < 3; i++) {
				got = S_decode(tmp, forced[f], NULL, caps[i],
				    NULL, 0, &bad);
				assert_true(S_valid_utf8(got.p, got.n));
				free(got.p);
			}
		}
	}
	unlink(tmp);
	free(tmp);
}

static void
test_errors(void **state)
{
	struct enc_reader *r = (struct enc_reader *)1;
	char buf[8];

	(void)state;
	assert_int_equal(enc_open(&r, DATA "no-such-file.csv", NULL, NULL),
	    ENOENT);
	assert_null(r);
	assert_int_equal(enc_open(&r, DATA, NULL, NULL), EISDIR);
	assert_int_equal(enc_open(&r, DATA "zh-cn.utf8.csv", "foo", NULL),
	    EINVAL);
	assert_int_equal(enc_open(&r, DATA "zh-cn.utf8.csv", NULL, "UTF-8"),
	    EINVAL);
	assert_int_equal(enc_open(&r, DATA "zh-cn.utf8.csv", NULL, "bar"),
	    EINVAL);
	assert_int_equal(enc_open(&r, NULL, NULL, NULL), EINVAL);
	assert_int_equal(enc_open(NULL, DATA "zh-cn.utf8.csv", NULL, NULL),
	    EINVAL);
	/* Not seekable and no BOM: detection is impossible. */
	assert_int_equal(enc_open(&r, "/dev/null", NULL, NULL), ESPIPE);
	/* ...but a forced encoding works. */
	assert_int_equal(enc_open(&r, "/dev/null", "GB18030", NULL), 0);
	assert_int_equal(enc_read(r, buf, sizeof(buf)), 0);
	assert_int_equal(enc_read(r, buf, 0), -1);
	assert_int_equal(enc_read(r, NULL, 8), -1);
	enc_close(r);
	assert_int_equal(enc_read(NULL, buf, sizeof(buf)), -1);
	assert_string_equal(enc_name(NULL), "");
	assert_int_equal(enc_bad_sequences(NULL), 0);
	enc_close(NULL);
}

/* Both ways of checking UTF-8 (SIMD where the CPU has it) agree on buf. */
static void
S_same_prefix(const unsigned char *buf, size_t n)
{
	size_t fast, slow;

	enc_test_portable(0);
	fast = enc_valid_prefix(buf, n);
	enc_test_portable(1);
	slow = enc_valid_prefix(buf, n);
	enc_test_portable(0);
	if (fast != slow)
		fail_msg("valid prefix %zu (SIMD) != %zu: bytes %02x %02x %02x %02x",
		    fast, slow, buf[slow], slow + 1 < n ? buf[slow + 1] : 0,
		    slow + 2 < n ? buf[slow + 2] : 0,
		    slow + 3 < n ? buf[slow + 3] : 0);
}

/*
 * The SIMD check (64 bytes at a time) against the portable one: every
 * pair of bytes, every lead with two or three following bytes from the
 * interesting ranges, each across a 64-byte boundary, and random text
 * with random damage.
 */
static void
test_valid_prefix_simd(void **state)
{
	static const unsigned char follow[] = { 0x00, 0x41, 0x7F, 0x80, 0x8F,
	    0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0,
	    0xF4, 0xF5, 0xFF };
	static const char *const chars[] = { "a", "1", ",", "\xC3\xA9",
	    "\xE4\xB8\xAD", "\xE5\xAE\xA2", "\xF0\x9F\x98\x80",
	    "\xEF\xBF\xBD", "\xED\x9F\xBF", "\xE0\xA0\x80",
	    "\xF4\x8F\xBF\xBF", "\xDF\xBF" };
	unsigned char buf[320];
	unsigned long seed = 99;
	unsigned a, b, c, d;
	size_t pos, n, k;
	int iter;

	(void)state;
	memset(buf, 'x', sizeof(buf));
	for (a = 0; a < 256; a++)
		for (b = 0; b < 256; b++)
			for (pos = 61; pos <= 64; pos++) {
				memset(buf, 'x', 192);
				buf[pos] = (unsigned char)a;
				buf[pos + 1] = (unsigned char)b;
				S_same_prefix(buf, 192);
			}
	for (a = 0xC0; a < 256; a++)
		for (b = 0; b < sizeof(follow); b++)
			for (c = 0; c < sizeof(follow); c++)
				for (d = 0; d < sizeof(follow); d++)
					for (pos = 62; pos <= 63; pos++) {
						memset(buf, 'x', 192);
						buf[pos] = (unsigned char)a;
						buf[pos + 1] = follow[b];
						buf[pos + 2] = follow[c];
						buf[pos + 3] = follow[d];
						S_same_prefix(buf, pos == 62 ? 192 :
						    pos + 3);
					}
	for (iter = 0; iter < 30000; iter++) {
		n = 0;
		while (n < sizeof(buf) - 4) {
			const char *ch;

			seed = seed * 6364136223846793005UL + 1442695040888963407UL;
			ch = chars[(seed >> 33) % (sizeof(chars) / sizeof(chars[0]))];
			memcpy(buf + n, ch, strlen(ch));
			n += strlen(ch);
		}
		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		for (k = 0; k < (seed >> 60) % 3; k++) {
			seed = seed * 6364136223846793005UL +
			    1442695040888963407UL;
			buf[(seed >> 33) % n] = (unsigned char)(seed >> 20);
		}
		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		S_same_prefix(buf, n - (seed >> 33) % 8);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_detect_utf8),
		cmocka_unit_test(test_detect_boms),
		cmocka_unit_test(test_detect_legacy),
		cmocka_unit_test(test_forced),
		cmocka_unit_test(test_invalid_byte),
		cmocka_unit_test(test_truncated_and_odd),
		cmocka_unit_test(test_chunk_edges),
		cmocka_unit_test(test_dbcs_table_matches_iconv),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_valid_prefix_simd),
	};

	return cmocka_run_group_tests_name("encoding", tests, NULL, NULL);
}
