/* test_sha256.c: unit tests of SHA-256: FIPS 180-2 vectors, SHA-NI against portable, files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <pthread.h>
#include <unistd.h>

#include <cmocka.h>

#include "util.h"

/* Large lengths around the 1 MiB read chunk of cv_sha256_file. */
static const size_t S_big[] = {
	(1u << 20) - 1, 1u << 20, (1u << 20) + 13, (2u << 20) + 64 * 3 + 7
};

/* Deterministic pseudo-random bytes (xorshift64*). */
static unsigned char *
S_bytes(size_t n, uint64_t seed)
{
	unsigned char *p = cv_malloc(n);
	uint64_t x = seed * 0x9e3779b97f4a7c15u + 1;
	size_t i;

	for (i = 0; i < n; i++) {
		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		p[i] = (unsigned char)((x * 0x2545f4914f6cdd1du) >> 56);
	}
	return p;
}

static void
S_write(const char *path, const void *p, size_t n)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(p, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
}

/* FIPS 180-2 vectors through both implementations. */
static void
test_vectors(void **state)
{
	static const struct {
		const char *msg;
		const char *hex;
	} v[] = {
		{ "abc", "ba7816bf8f01cfea414140de5dae2223"
		    "b00361a396177a9cb410ff61f20015ad" },
		{ "", "e3b0c44298fc1c149afbf4c8996fb924"
		    "27ae41e4649b934ca495991b7852b855" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		    "248d6a61d20638b8e5c026930c3e6039"
		    "a33ce45964ff2167f6ecedd419db06c1" },
		{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
		    "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
		    "cf5b16a778af8380036ce59e7b049237"
		    "0b249b11e8f07a51afac45037afee9d1" },
	};
	char h[65], *big;
	size_t i;
	int portable;

	(void)state;
	big = cv_malloc(1000000);
	memset(big, 'a', 1000000);
	for (portable = 0; portable <= 1; portable++) {
		for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
			cv_sha256_impl(portable, v[i].msg, strlen(v[i].msg), h);
			assert_string_equal(h, v[i].hex);
		}
		cv_sha256_impl(portable, big, 1000000, h);
		assert_string_equal(h, "cdc76e5c9914fb9281a1c7e284d73e67"
		    "f1809a48a497200e046d39ccc7112cd0");
	}
	cv_sha256_hex("abc", 3, h);
	assert_string_equal(h, v[0].hex);
	free(big);
}

/* SHA-NI and portable agree on many lengths and misaligned buffers. */
static void
test_impls_agree(void **state)
{
	char a[65], b[65];
	unsigned char *p;
	size_t n, i;

	(void)state;
	if (!cv_sha256_impl(0, "", 0, a))
		skip();
	p = S_bytes(300 + 16, 1);
	for (n = 0; n <= 300; n++) {
		/* Offsets 0..15: loads not always 16-byte aligned. */
		cv_sha256_impl(1, p + n % 16, n, a);
		cv_sha256_impl(0, p + n % 16, n, b);
		if (strcmp(a, b) != 0)
			fail_msg("length %zu: portable %s, sha-ni %s", n, a, b);
	}
	free(p);
	for (i = 0; i < sizeof(S_big) / sizeof(S_big[0]); i++) {
		p = S_bytes(S_big[i] + 1, 100 + i);
		cv_sha256_impl(1, p + 1, S_big[i], a);
		cv_sha256_impl(0, p + 1, S_big[i], b);
		if (strcmp(a, b) != 0)
			fail_msg("length %zu: portable %s, sha-ni %s", S_big[i],
			    a, b);
		free(p);
	}
}

/* cv_sha256_file equals cv_sha256_hex of the same bytes. */
static void
test_file(void **state)
{
	char path[] = "/tmp/test_sha256.XXXXXX", a[65], b[65];
	unsigned char *p;
	size_t n, i;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	for (n = 0; n <= 300; n += 7) {
		p = S_bytes(n, 7 + n);
		S_write(path, p, n);
		assert_int_equal(cv_sha256_file(path, a), 0);
		cv_sha256_hex(p, n, b);
		assert_string_equal(a, b);
		free(p);
	}
	for (i = 0; i < sizeof(S_big) / sizeof(S_big[0]); i++) {
		p = S_bytes(S_big[i], 200 + i);
		S_write(path, p, S_big[i]);
		assert_int_equal(cv_sha256_file(path, a), 0);
		cv_sha256_impl(1, p, S_big[i], b);
		assert_string_equal(a, b);
		free(p);
	}
	assert_int_equal(unlink(path), 0);
	strcpy(a, "x");
	assert_int_equal(cv_sha256_file(path, a), -1);
	assert_string_equal(a, "");
	assert_int_equal(cv_sha256_file("/tmp", a), -1);
	assert_string_equal(a, "");
}

struct S_feeder {
	const char *path;
	const unsigned char *p;
	size_t n;
	int ok;
};

/* Writes the bytes into the FIFO in pieces of 1 to 97 bytes. */
static void *
S_feed(void *arg)
{
	struct S_feeder *f = arg;
	FILE *fp = fopen(f->path, "wb");
	size_t off = 0, k = 1;

	if (fp == NULL)
		return NULL;
	setvbuf(fp, NULL, _IONBF, 0);
	while (off < f->n) {
		size_t take = k % 97 + 1;
		if (take > f->n - off)
			take = f->n - off;
		if (fwrite(f->p + off, 1, take, fp) != take)
			break;
		off += take;
		k = k * 31 + 7;
	}
	f->ok = off == f->n;
	fclose(fp);
	return NULL;
}

/* Short reads (a FIFO written in odd pieces) carry partial blocks over. */
static void
test_file_short_reads(void **state)
{
	char dir[] = "/tmp/test_sha256.XXXXXX", path[64], a[65], b[65];
	struct S_feeder f;
	pthread_t tid;
	unsigned char *p;
	size_t n = 100000 + 37;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/fifo", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	p = S_bytes(n, 3);
	f.path = path;
	f.p = p;
	f.n = n;
	f.ok = 0;
	assert_int_equal(pthread_create(&tid, NULL, S_feed, &f), 0);
	assert_int_equal(cv_sha256_file(path, a), 0);
	assert_int_equal(pthread_join(tid, NULL), 0);
	assert_true(f.ok);
	cv_sha256_impl(1, p, n, b);
	assert_string_equal(a, b);
	free(p);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_impls_agree),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_file_short_reads),
	};

	return cmocka_run_group_tests_name("sha256", tests, NULL, NULL);
}
