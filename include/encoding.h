/* encoding.h: a streaming reader that detects a file's text encoding and yields UTF-8. */
#ifndef CUSTEVAL_ENCODING_H
#define CUSTEVAL_ENCODING_H

#include <stddef.h>
#include <stdint.h>

/* Encodings a user may name (see enc_detect_name). */
enum enc_kind {
	ENC_AUTO = 0,	/* detect: BOM, then strict UTF-8, then the legacy one */
	ENC_UTF8,
	ENC_UTF16,	/* byte order from the BOM; little-endian without one */
	ENC_UTF16LE,
	ENC_UTF16BE,
	ENC_GB18030,	/* also read for GBK, GB2312, CP936 */
	ENC_BIG5,	/* glibc BIG5 */
	ENC_CP950	/* Microsoft's Big5 (Excel in Taiwan) */
};

/*
 * Map a user-given name to an enum enc_kind, or -1 if unknown.  Case,
 * '-', '_' and spaces are ignored: "utf8", "UTF-8", "utf-8-sig", "utf16le",
 * "unicode" (Excel's "Unicode text" = UTF-16), "gbk", "gb2312", "cp936",
 * "gb18030", "big5", "cp950", "auto" ...
 */
int enc_detect_name(const char *name);

/* Canonical name of a kind: "UTF-8", "GB18030", "BIG5" ... */
const char *enc_kind_name(enum enc_kind kind);

/* Whether a kind may serve as the legacy encoding (GB18030, BIG5, CP950). */
int enc_kind_is_legacy(enum enc_kind kind);

struct enc_reader;

/*
 * Open path for reading as UTF-8.
 * legacy: encoding used when the file is neither BOM-marked nor valid UTF-8
 *   (NULL = "GB18030"; GBK and GB2312 are read as GB18030; BIG5, CP950).
 * forced: NULL or "auto" to detect; otherwise any name enc_detect_name
 *   knows, used as is (its own BOM is still skipped).
 * Detection reads the whole file once before the first enc_read (stopping
 * at the first byte that is not UTF-8), so it needs a seekable file:
 * undetected non-seekable input without a BOM gives ESPIPE.
 * Returns 0, or an errno code: open(2) failures, EISDIR, EIO, ESPIPE,
 * EINVAL for an unknown or unusable encoding name.
 */
int enc_open(struct enc_reader **out, const char *path, const char *forced,
    const char *legacy);

/*
 * Read up to cap UTF-8 bytes: returns their number, 0 at end of file, -1
 * on a read error (or cap == 0).  The output is always valid UTF-8: each
 * invalid input sequence becomes U+FFFD (EF BF BD) and is counted.  The BOM
 * is never part of it.  With cap >= 4 no character is split between calls.
 */
long enc_read(struct enc_reader *r, char *buf, size_t cap);

/* What was used: "UTF-8", "UTF-8 (BOM)", "UTF-16LE (BOM)", "GB18030", "BIG5" ... */
const char *enc_name(const struct enc_reader *r);

/* Bytes of the file consumed so far (input side, for progress). */
uint64_t enc_offset(const struct enc_reader *r);

/* 1 if the file was read with the legacy encoding because it had no BOM
 * and was not valid UTF-8 (auto-detection fell back), else 0. */
int enc_is_legacy_guess(const struct enc_reader *r);

/* Invalid byte sequences replaced so far. */
uint64_t enc_bad_sequences(const struct enc_reader *r);

/* Close the file and free the reader (NULL is fine). */
void enc_close(struct enc_reader *r);

/*
 * SHA-256 of the whole file: of every byte read, once the rest of the
 * file (if the caller stopped early) has been read too.  Call it last:
 * the reader is at the end of the file afterwards.  -1 on a read error.
 * The file is read once, so a pipe or FIFO is hashed and decoded alike.
 */
int enc_sha256(struct enc_reader *r, char out[65]);

/*
 * Tests: the length of the longest valid UTF-8 prefix of p[0..n) made of
 * whole sequences, as the reader checks it; enc_test_portable(1) turns
 * the SIMD path off (it is on where the CPU has it).
 */
size_t enc_valid_prefix(const void *p, size_t n);
void enc_test_portable(int on);

#endif
