/* sha256.c: SHA-256 (FIPS 180-4) of buffers and files, portable or with the x86 SHA extensions. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CV_SHA_NI 1
#include <cpuid.h>
#include <immintrin.h>
#endif

/* Bytes read from a file at a time by cv_sha256_file. */
#define SHA_READ_CHUNK (1u << 20)

/* Compresses nblk consecutive 64-byte blocks at p into the state h. */
typedef void sha_blocks_fn(uint32_t h[8], const unsigned char *p, size_t nblk);


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
S_blocks_portable(uint32_t h[8], const unsigned char *p, size_t nblk)
{
	uint32_t w[64], a, b, c, d, e, f, g, hh, t1, t2;
	int i;

	for (; nblk > 0; nblk--, p += 64) {
		for (i = 0; i < 16; i++)
			w[i] = (uint32_t)p[4 * i] << 24 |
			    (uint32_t)p[4 * i + 1] << 16 |
			    (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
		for (i = 16; i < 64; i++)
			w[i] = (ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^
			    (w[i - 2] >> 10)) + w[i - 7] + (ROR(w[i - 15], 7) ^
			    ROR(w[i - 15], 18) ^ (w[i - 15] >> 3)) + w[i - 16];
		a = h[0]; b = h[1]; c = h[2]; d = h[3];
		e = h[4]; f = h[5]; g = h[6]; hh = h[7];
		for (i = 0; i < 64; i++) {
			t1 = hh + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) +
			    ((e & f) ^ (~e & g)) + S_k[i] + w[i];
			t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) +
			    ((a & b) ^ (a & c) ^ (b & c));
			hh = g; g = f; f = e; e = d + t1;
			d = c; c = b; b = a; a = t1 + t2;
		}
		h[0] += a; h[1] += b; h[2] += c; h[3] += d;
		h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
	}
}

#ifdef CV_SHA_NI
/*
 * SHA-NI keeps the state in two registers, dwords listed high to low:
 * abef = (A, B, E, F) and cdgh = (C, D, G, H). sha256rnds2(cdgh, abef, wk)
 * runs two rounds with W+K from the low two dwords of wk and returns the new
 * (A, B, E, F); the new (C, D, G, H) is the old (A, B, E, F).
 */

#define SHA_LOAD(q) _mm_loadu_si128((const __m128i *)(q))

/* Four rounds 4i..4i+3 with message words w; abef and cdgh keep their roles. */
#define SHA_QUAD(i, w) do { \
	wk = _mm_add_epi32((w), SHA_LOAD(&S_k[4 * (i)])); \
	cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk); \
	wk = _mm_shuffle_epi32(wk, 0x0e); \
	abef = _mm_sha256rnds2_epu32(abef, cdgh, wk); \
} while (0)

/*
 * Next four message words into a, which holds W[t-16..t-13]; b, c, d hold
 * W[t-12..t-9], W[t-8..t-5], W[t-4..t-1]. alignr(d, c) is W[t-7..t-4].
 */
#define SHA_SCHED(a, b, c, d) \
	((a) = _mm_sha256msg2_epu32(_mm_add_epi32( \
	    _mm_sha256msg1_epu32((a), (b)), _mm_alignr_epi8((d), (c), 4)), (d)))

__attribute__((target("sha,sse4.1")))
static void
S_blocks_ni(uint32_t h[8], const unsigned char *p, size_t nblk)
{
	/* pshufb mask turning each big-endian 32-bit word into a native one. */
	const __m128i bswap = _mm_set_epi8(12, 13, 14, 15, 8, 9, 10, 11,
	    4, 5, 6, 7, 0, 1, 2, 3);
	__m128i abef, cdgh, abef0, cdgh0, m0, m1, m2, m3, wk, t;

	/* h[0..3] = (D, C, B, A) and h[4..7] = (H, G, F, E) high to low. */
	t = _mm_shuffle_epi32(SHA_LOAD(&h[0]), 0xb1);
	cdgh = _mm_shuffle_epi32(SHA_LOAD(&h[4]), 0x1b);
	abef = _mm_alignr_epi8(t, cdgh, 8);
	cdgh = _mm_blend_epi16(cdgh, t, 0xf0);

	for (; nblk > 0; nblk--, p += 64) {
		abef0 = abef;
		cdgh0 = cdgh;
		m0 = _mm_shuffle_epi8(SHA_LOAD(p), bswap);
		m1 = _mm_shuffle_epi8(SHA_LOAD(p + 16), bswap);
		m2 = _mm_shuffle_epi8(SHA_LOAD(p + 32), bswap);
		m3 = _mm_shuffle_epi8(SHA_LOAD(p + 48), bswap);
		SHA_QUAD(0, m0);
		SHA_QUAD(1, m1);
		SHA_QUAD(2, m2);
		SHA_QUAD(3, m3);
		SHA_SCHED(m0, m1, m2, m3); SHA_QUAD(4, m0);
		SHA_SCHED(m1, m2, m3, m0); SHA_QUAD(5, m1);
		SHA_SCHED(m2, m3, m0, m1); SHA_QUAD(6, m2);
		SHA_SCHED(m3, m0, m1, m2); SHA_QUAD(7, m3);
		SHA_SCHED(m0, m1, m2, m3); SHA_QUAD(8, m0);
		SHA_SCHED(m1, m2, m3, m0); SHA_QUAD(9, m1);
		SHA_SCHED(m2, m3, m0, m1); SHA_QUAD(10, m2);
		SHA_SCHED(m3, m0, m1, m2); SHA_QUAD(11, m3);
		SHA_SCHED(m0, m1, m2, m3); SHA_QUAD(12, m0);
		SHA_SCHED(m1, m2, m3, m0); SHA_QUAD(13, m1);
		SHA_SCHED(m2, m3, m0, m1); SHA_QUAD(14, m2);
		SHA_SCHED(m3, m0, m1, m2); SHA_QUAD(15, m3);
		abef = _mm_add_epi32(abef, abef0);
		cdgh = _mm_add_epi32(cdgh, cdgh0);
	}

	/* Back to (D, C, B, A) and (H, G, F, E). */
	t = _mm_shuffle_epi32(abef, 0x1b);
	cdgh = _mm_shuffle_epi32(cdgh, 0xb1);
	_mm_storeu_si128((__m128i *)&h[0], _mm_blend_epi16(t, cdgh, 0xf0));
	_mm_storeu_si128((__m128i *)&h[4], _mm_alignr_epi8(cdgh, t, 8));
}

#undef SHA_LOAD
#undef SHA_QUAD
#undef SHA_SCHED
#endif

static sha_blocks_fn *S_best = S_blocks_portable;
static pthread_once_t S_best_once = PTHREAD_ONCE_INIT;

/*
 * CPUID rather than __builtin_cpu_supports("sha"), which clang (make fuzz)
 * does not know: leaf 1 ECX has SSSE3 and SSE4.1, leaf 7 EBX has SHA.
 */
static void
S_pick_best(void)
{
#ifdef CV_SHA_NI
	unsigned int a, b, c, d;
	int sse;

	sse = __get_cpuid(1, &a, &b, &c, &d) && (c & bit_SSSE3) &&
	    (c & bit_SSE4_1);
	if (sse && __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_SHA))
		S_best = S_blocks_ni;
#endif
}

/* The fastest compression function this CPU runs. */
static sha_blocks_fn *
S_blocks_best(void)
{
	pthread_once(&S_best_once, S_pick_best);
	return S_best;
}

static void
S_sha_init(struct cv_sha256 *s, sha_blocks_fn *blocks)
{
	static const uint32_t iv[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372,
	    0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };

	memcpy(s->h, iv, sizeof(iv));
	s->len = 0;
	s->nblk = 0;
	s->blocks = blocks;
}

static void
S_sha_update(struct cv_sha256 *s, const unsigned char *p, size_t n)
{
	size_t take;

	s->len += n;
	if (s->nblk > 0) {
		take = 64 - s->nblk;
		if (take > n)
			take = n;
		memcpy(s->blk + s->nblk, p, take);
		s->nblk += take;
		p += take;
		n -= take;
		if (s->nblk < 64)
			return;
		s->blocks(s->h, s->blk, 1);
		s->nblk = 0;
	}
	if (n >= 64) {
		s->blocks(s->h, p, n / 64);
		p += n / 64 * 64;
		n %= 64;
	}
	if (n > 0) {
		memcpy(s->blk, p, n);
		s->nblk = n;
	}
}

static void
S_sha_final(struct cv_sha256 *s, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	uint64_t bits = s->len * 8;
	int i, j;

	/* 0x80, zeros up to 56 mod 64, then the bit length big-endian. */
	s->blk[s->nblk++] = 0x80;
	if (s->nblk > 56) {
		memset(s->blk + s->nblk, 0, 64 - s->nblk);
		s->blocks(s->h, s->blk, 1);
		s->nblk = 0;
	}
	memset(s->blk + s->nblk, 0, 56 - s->nblk);
	for (i = 0; i < 8; i++)
		s->blk[56 + i] = (unsigned char)(bits >> (56 - 8 * i));
	s->blocks(s->h, s->blk, 1);
	for (i = 0; i < 8; i++)
		for (j = 0; j < 8; j++)
			out[8 * i + j] = hex[(s->h[i] >> (28 - 4 * j)) & 0xf];
	out[64] = '\0';
}

void
cv_sha256_begin(struct cv_sha256 *s)
{
	S_sha_init(s, S_blocks_best());
}

void
cv_sha256_add(struct cv_sha256 *s, const void *p, size_t n)
{
	S_sha_update(s, p, n);
}

void
cv_sha256_end(struct cv_sha256 *s, char out[65])
{
	S_sha_final(s, out);
}

int
cv_sha256_impl(int portable, const void *data, size_t n, char out[65])
{
	struct cv_sha256 s;
	sha_blocks_fn *blocks = portable ? S_blocks_portable : S_blocks_best();

	S_sha_init(&s, blocks);
	S_sha_update(&s, data, n);
	S_sha_final(&s, out);
	return blocks != S_blocks_portable;
}

void
cv_sha256_hex(const void *data, size_t n, char out[65])
{
	cv_sha256_impl(0, data, n, out);
}

int
cv_sha256_file(const char *path, char out[65])
{
	struct cv_sha256 s;
	unsigned char *chunk;
	ssize_t n;
	int fd, rc = 0;

	out[0] = '\0';
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if ((chunk = malloc(SHA_READ_CHUNK)) == NULL) {
		close(fd);
		return -1;
	}
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	S_sha_init(&s, S_blocks_best());
	for (;;) {
		n = read(fd, chunk, SHA_READ_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -1;
			break;
		}
		if (n == 0)
			break;
		S_sha_update(&s, chunk, (size_t)n);
	}
	free(chunk);
	close(fd);
	if (rc == 0)
		S_sha_final(&s, out);
	return rc;
}
