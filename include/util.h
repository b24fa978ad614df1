/* util.h: allocation wrappers, growable buffers, hashing and small string helpers. */
#ifndef CUSTEVAL_UTIL_H
#define CUSTEVAL_UTIL_H

#include <stddef.h>
#include <stdint.h>

/*
 * Allocation never returns NULL: on failure the handler installed by main
 * (cv_set_oom_handler) is called once; the default aborts.
 */
void *cv_malloc(size_t n);
void *cv_calloc(size_t n, size_t size);
void *cv_realloc(void *p, size_t n);
char *cv_strdup(const char *s);
char *cv_strndup(const char *s, size_t n);
void cv_set_oom_handler(void (*fn)(void));

/* Growable byte buffer, always NUL-terminated. */
struct buf {
	char *data;
	size_t len;
	size_t cap;
};
void buf_init(struct buf *b);
void buf_free(struct buf *b);
void buf_reset(struct buf *b);
void buf_add(struct buf *b, const char *s, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* 64-bit FNV-1a. */
uint64_t cv_hash(const void *p, size_t n);

/* Money in minor units as "-1234.56" (no separators); buf >= 32 bytes. */
char *cv_money_str(int64_t minor, char *buf);
/* Same with thousands separators, "1,234.56"; buf >= 40 bytes. */
char *cv_money_group(int64_t minor, char *buf);
/* Fixed-decimal double formatting independent of locale; buf >= 64. */
char *cv_fixed(double v, int decimals, char *buf);
/* The same, returning the length. */
size_t cv_fixed_n(double v, int decimals, char *buf);
/* The reference: printf "%.*f" without "-0.00" (what cv_fixed must equal;
 * it uses this for NaN, infinities and huge values). */
char *cv_fixed_printf(double v, int decimals, char *buf);

/* Is s (length n) valid UTF-8 without C0 controls other than tab/LF/CR? */
int cv_utf8_valid(const char *s, size_t n);
/* Decode one code point at *p (advancing it); returns -1 on invalid. */
long cv_utf8_next(const char **p, const char *end);

/* Date as days since 1970-01-01 (proleptic Gregorian). */
int32_t cv_days_from_civil(int y, int m, int d);
void cv_civil_from_days(int32_t days, int *y, int *m, int *d);
/* "YYYY-MM-DD"; buf >= 11 bytes. */
char *cv_date_str(int32_t days, char *buf);
/* Strict YYYY-MM-DD; returns 0 on success. */
int cv_date_parse_iso(const char *s, int32_t *days);
/* Month index: year*12 + (month-1). */
static inline int32_t cv_month_index(int32_t days)
{
	int y, m, d;
	cv_civil_from_days(days, &y, &m, &d);
	return y * 12 + (m - 1);
}

/*
 * SHA-256 (sha256.c) as 64 lowercase hex characters + NUL. cv_sha256_file
 * returns 0 on success, -1 if the file cannot be opened or read (out is then
 * ""). Both use the CPU's SHA extensions when it has them.
 */
int cv_sha256_file(const char *path, char out[65]);

/* SHA-256 of data given in pieces: begin, add any number of times, end. */
struct cv_sha256 {
	uint32_t h[8];		/* chaining state, words A..H */
	uint64_t len;		/* message length so far, bytes */
	unsigned char blk[64];	/* partial block not yet compressed */
	size_t nblk;		/* bytes used in blk, 0..63 */
	void (*blocks)(uint32_t h[8], const unsigned char *p, size_t nblk);
};
void cv_sha256_begin(struct cv_sha256 *s);
void cv_sha256_add(struct cv_sha256 *s, const void *p, size_t n);
void cv_sha256_end(struct cv_sha256 *s, char out[65]);
void cv_sha256_hex(const void *data, size_t n, char out[65]);
/*
 * For tests: cv_sha256_hex forced to the portable code when portable is
 * nonzero; returns 1 if the SHA-extension code ran, else 0.
 */
int cv_sha256_impl(int portable, const void *data, size_t n, char out[65]);

/* Can the AVX2 code paths run (the CPU has AVX2 and the OS saves its
 * registers), and have the tests not turned them off? */
int cv_cpu_avx2(void);
/* Tests: 1 makes cv_cpu_avx2 say no, so the portable paths run. */
void cv_test_no_simd(int on);

#endif
