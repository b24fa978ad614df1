/* pdf_layout.c: the pl_ document model over libharu: pages, cursor, text wrapping, tables, images. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <hpdf.h>
#include <hpdf_font.h>
#include <hpdf_doc.h>
#include <hpdf_fontdef.h>
#include <hpdf_pages.h>
#include <hpdf_streams.h>
#include <zlib.h>

#include "pdf_layout.h"
#include "util.h"

#define S_NONE ((size_t)-1)

struct S_heading {
	int level;		/* 1-3 */
	char *text;		/* cleaned UTF-8 */
	int page;		/* index into pages */
	float top;		/* y of the heading's top */
};

struct S_page {
	HPDF_Page page;
	enum pl_orient orient;
	int decorate;
	int has_font;		/* font registered in the page's resources */
	int has_stamps;		/* doc->xobjs is the page's XObject resources */
	long z_first, z_last;	/* its content segments (S_zq), -1 none */
};

/* One flush of a page's content, deflated on its own (see S_zq). */
struct S_zseg {
	int page;		/* index into doc->pages */
	long prev, next;	/* the page's segments before and after, -1 */
	char *raw;		/* the operators, until deflated */
	size_t n_raw, raw_cap;
	size_t z_off, n_z;	/* its raw deflate in zbuf: byte-aligned,
				 * not final */
	uLong adler;		/* adler32 of the page's content so far */
};

/* A content buffer to use again (allocated memory stays warm). */
struct S_spare {
	char *p;
	size_t cap;
};

/*
 * Page content compression: every flush of a page's operators becomes a
 * segment, deflated (level S_ZLEVEL, fresh dictionary) on a worker thread
 * while the pages after it are laid out; saving joins a page's segments
 * into one zlib stream (header, segments, an empty final block, adler32).
 */
struct S_zq {
	pthread_mutex_t mu;
	pthread_cond_t more;	/* main -> worker: a segment or stop */
	pthread_t tid;
	int threaded;		/* the worker runs */
	int stop;
	int zerr;		/* deflate failed */
	struct S_zseg *seg;
	size_t n, cap;		/* segments pushed */
	size_t taken;		/* segments the worker has taken */
	struct S_spare *spare;	/* deflated segments' buffers */
	size_t n_spare, cap_spare;
	/* the compressor's (the worker's, or the main thread's before the
	 * worker starts and after it ends) */
	z_stream zs;		/* memLevel 8 */
	z_stream zs_small;	/* memLevel 1, for segments under
				 * S_ZSMALL (a header and footer): a
				 * reset clears 1 KB, not 64 KB */
	int zs_ok;
	unsigned char *zbuf;	/* the segments' deflate, in order */
	size_t zlen, zcap;
};

/*
 * Graphics state as last written to the current page's content; what is
 * unknown (a page just selected) is written again before it is relied on.
 */
struct S_gs {
	int fill_ok, stroke_ok;
	struct pl_rgb fill, stroke;
	float line_w;		/* < 0: unknown */
	float font_size;	/* < 0: unknown */
	int dash[2];		/* on, off (points); 0 0 solid; -1 unknown */
	int join;		/* 0 miter, 1 round; -1 unknown */
};

/* Where operators go and what they have set (see "page content"). */
struct S_writer {
	char *cs;
	size_t cs_len, cs_cap;
	int in_text;
	long tx, ty;
	struct S_gs gs;
};

/* A stamp: drawing recorded once as a form XObject, placed many times. */
struct S_stamp {
	unsigned char *key;	/* the caller's key (keylen bytes) */
	size_t keylen;
	uint64_t hash;
	HPDF_Dict form;		/* the form XObject */
	char name[24];		/* its name in doc->xobjs, "S1", "S2", ... */
	float ox, oy;		/* origin it was recorded at */
	size_t bad;		/* characters replaced by '?' inside */
};

enum { S_REC_NONE, S_REC_RECORD, S_REC_PLACE };

/*
 * Line breaks of clean text at a width, kept: the same cells, labels and
 * notes are wrapped on every scorecard, once to measure and once to draw
 * (S_wrap_doc).
 */
struct S_wrapped {
	char *text;
	size_t len;
	float units;		/* the width, 1/1000 em */
	uint64_t hash;
	int n;
	struct pl_span *ln;	/* widths in 1/1000 em */
};

/* Column widths of a table layout, kept for pl_table_measure. */
#define S_WCOLS 8
struct S_widths {
	int n_cols;		/* 0: empty slot */
	float size, total;
	struct pl_col cols[S_WCOLS];	/* titles point at title[] */
	char *title[S_WCOLS];
	float w[S_WCOLS];
};

struct pl_doc {
	HPDF_Doc pdf;
	HPDF_Font font;
	HPDF_FontDef fontdef;	/* for glyph coverage; may be NULL */
	HPDF_ExtGState alpha_gs[11];	/* fill opacity 0.0, 0.1, ... 1.0 */
	char err[256];		/* first error, "" if none */
	int failed;
	size_t replaced;	/* characters replaced by '?' */
	struct pl_palette pal;

	struct S_page *pages;
	int n_pages, cap_pages;
	int cur;		/* page being drawn on, -1 = none */
	HPDF_Page page;		/* pages[cur].page */
	enum pl_orient orient;	/* for automatic page breaks */
	float pw, ph;		/* current page size, points */
	float ml, mr, mt, mb;	/* margins, points */
	float y;		/* cursor: top of the next block */
	int force_break;	/* next pl_need starts a page */

	char *hdr_l, *hdr_r, *ftr_l, *ftr_fmt;

	/* content of the current page not yet in its libharu stream */
	char *cs;
	size_t cs_len, cs_cap;
	int in_text;		/* a text object (BT) is open */
	long tx, ty;		/* its line start, 1/100 point */
	struct S_gs gs;
	char font_name[32];	/* resource name of the font, e.g. "F1" */

	short *wcache;		/* per BMP code point: width/1000 em, -1 unknown */
	unsigned char *gcache;	/* per BMP code point: 0 unknown, 1 have, 2 not */

	HPDF_Outline outline[3];	/* last outline entry per level */
	struct S_heading *heads;
	size_t n_heads, cap_heads;
	int toc_first, toc_n;	/* reserved pages, -1 if none */

	/* current table */
	int in_table;
	struct pl_col *cols;
	float *colx, *colw;	/* left edge and width per column */
	int n_cols;
	float t_size, t_lead, t_padx, t_pady;
	int t_zebra;
	long t_row;		/* body rows so far */
	float t_hh;		/* header row height */
	size_t t_hbad;		/* characters the header replaces when
				 * measured (counted again per row, as
				 * measuring it per row did) */
	struct S_wrapped *wr;	/* wrapped texts (S_wrap_doc) */
	size_t n_wr, cap_wr;
	size_t *wr_ix;		/* open hash of wr + 1, 0 = empty */
	size_t wr_ixcap;
	struct S_widths tw_cache[4];	/* pl_table_measure's column widths */
	int tw_next;
	int t_stamp;		/* stamp the body rows (pl_table_stamp_rows) */
	int saved;
	struct S_zq *zq;	/* own page compression; NULL: libharu's */

	/* stamps (form XObjects), see "stamps" below */
	struct S_stamp *stamps;
	size_t n_stamps, cap_stamps;
	HPDF_Dict xobjs;	/* every stamp by name: one XObject resource
				 * dictionary that all pages share */
	size_t *stamp_ix;	/* open hash of stamps + 1, 0 = empty */
	size_t stamp_ixcap;	/* a power of two */
	int rec;		/* S_REC_*: what pl_stamp_end closes */
	int rec_depth;		/* nested pl_stamp_begin calls inside */
	struct S_stamp *rec_st;	/* the stamp being recorded or placed */
	float rec_x, rec_y;	/* where it is placed */
	size_t rec_bad;		/* doc->replaced when recording began */
	struct S_writer rec_page;	/* the page's writer while recording */
};

static void S_gs_reset(struct S_gs *gs);
static int S_ok(struct pl_doc *doc);
static struct S_zq *S_zq_new(void);
static void S_zq_free(struct S_zq *q);

/*
 * Hash of the stamp keys and wrapped texts (lookups only, never output):
 * eight bytes a step, where cv_hash takes one.
 */
static uint64_t
S_hash(const void *p, size_t n, uint64_t seed)
{
	const unsigned char *s = p;
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ seed ^ ((uint64_t)n << 32), w;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	if (n > 0) {
		w = 0;
		memcpy(&w, s, n);
		h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	}
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	return h ^ (h >> 32);
}

/* ---- errors ----------------------------------------------------------- */

static void
S_fail(struct pl_doc *doc, const char *msg)
{
	if (!doc->failed) {
		snprintf(doc->err, sizeof(doc->err), "%s", msg);
		doc->failed = 1;
	}
}

static const char *
S_hpdf_text(HPDF_STATUS code)
{
	switch (code) {
	case HPDF_FILE_IO_ERROR:
		return "file input/output error";
	case HPDF_FILE_OPEN_ERROR:
		return "cannot open file";
	case HPDF_FAILD_TO_ALLOC_MEM:
		return "out of memory";
	case HPDF_INVALID_TTC_INDEX:
		return "invalid index in TrueType collection";
	case HPDF_INVALID_TTC_FILE:
		return "invalid TrueType collection";
	case HPDF_TTF_INVALID_FOMAT:
		return "invalid TrueType font";
	case HPDF_TTF_MISSING_TABLE:
		return "TrueType font lacks a required table";
	case HPDF_TTF_CANNOT_EMBEDDING_FONT:
		return "font licence forbids embedding";
	case HPDF_INVALID_PNG_IMAGE:
		return "invalid PNG image";
	case HPDF_INVALID_JPEG_DATA:
		return "invalid JPEG image";
	case HPDF_UNSUPPORTED_JPEG_FORMAT:
		return "unsupported JPEG format";
	case HPDF_LIBPNG_ERROR:
		return "PNG decoding error";
	case HPDF_PAGE_OUT_OF_RANGE:
		return "drawing outside the page";
	default:
		return NULL;
	}
}

static void
S_error_fn(HPDF_STATUS code, HPDF_STATUS detail, void *user)
{
	struct pl_doc *doc = user;
	const char *t = S_hpdf_text(code);
	char msg[160];

	if (t != NULL)
		snprintf(msg, sizeof(msg), "libharu: %s (0x%04X, detail %u)", t,
		    (unsigned)code, (unsigned)detail);
	else
		snprintf(msg, sizeof(msg), "libharu error 0x%04X (detail %u)",
		    (unsigned)code, (unsigned)detail);
	S_fail(doc, msg);
}

static void
S_copy_err(char *err, size_t errsz, const char *msg)
{
	if (err != NULL && errsz > 0)
		snprintf(err, errsz, "%s", msg);
}

const char *
pl_doc_error(const struct pl_doc *doc)
{
	return doc->err;
}

size_t
pl_doc_replaced(const struct pl_doc *doc)
{
	return doc->replaced;
}

/* ---- palette ---------------------------------------------------------- */

struct pl_rgb
pl_rgb_hex(unsigned long rgb)
{
	struct pl_rgb c;

	c.r = (float)((rgb >> 16) & 0xFF) / 255.0f;
	c.g = (float)((rgb >> 8) & 0xFF) / 255.0f;
	c.b = (float)(rgb & 0xFF) / 255.0f;
	return c;
}

void
pl_palette_default(struct pl_palette *pal)
{
	static const unsigned long series[PL_SERIES_MAX] = {
		0x1F5C73,	/* dark teal (accent) */
		0xC8963E,	/* ochre */
		0x7A9E7E,	/* sage */
		0x8C6D8F,	/* mauve */
		0x9AA5AE,	/* slate grey */
		0xB5574B	/* brick */
	};
	int i;

	memset(pal, 0, sizeof(*pal));
	pal->accent = pl_rgb_hex(series[0]);
	pal->text = pl_rgb_hex(0x26292C);
	pal->muted = pl_rgb_hex(0x6B7278);
	pal->rule = pl_rgb_hex(0xC9CED3);
	pal->zebra = pl_rgb_hex(0xF2F4F5);
	pal->total = pl_rgb_hex(0xE3E9EC);
	for (i = 0; i < PL_SERIES_MAX; i++)
		pal->series[i] = pl_rgb_hex(series[i]);
	pal->n_series = PL_SERIES_MAX;
}

void
pl_palette_accent(struct pl_palette *pal, float r, float g, float b)
{
	pal->accent.r = r;
	pal->accent.g = g;
	pal->accent.b = b;
	pal->series[0] = pal->accent;
}

void
pl_doc_set_palette(struct pl_doc *doc, const struct pl_palette *pal)
{
	doc->pal = *pal;
	if (doc->pal.n_series < 1 || doc->pal.n_series > PL_SERIES_MAX)
		doc->pal.n_series = PL_SERIES_MAX;
}

const struct pl_palette *
pl_doc_palette(const struct pl_doc *doc)
{
	return &doc->pal;
}

/* ---- UTF-8 and line breaking (pure) ----------------------------------- */

/* Decode one code point at s[*i] (n bytes); -1 if invalid (advances 1). */
static long
S_decode(const char *s, size_t n, size_t *i)
{
	const unsigned char *p = (const unsigned char *)s + *i;
	size_t left = n - *i, len, k;
	long cp, min;

	if (p[0] < 0x80) {
		*i += 1;
		return p[0];
	} else if (p[0] >= 0xC2 && p[0] <= 0xDF) {
		len = 2; cp = p[0] & 0x1F; min = 0x80;
	} else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
		len = 3; cp = p[0] & 0x0F; min = 0x800;
	} else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
		len = 4; cp = p[0] & 0x07; min = 0x10000;
	} else {
		*i += 1;
		return -1;
	}
	if (left < len) {
		*i += 1;
		return -1;
	}
	for (k = 1; k < len; k++) {
		if ((p[k] & 0xC0) != 0x80) {
			*i += 1;
			return -1;
		}
		cp = (cp << 6) | (p[k] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
		*i += 1;
		return -1;
	}
	*i += len;
	return cp;
}

static int
S_valid(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n)
		if (S_decode(s, n, &i) < 0)
			return 0;
	return 1;
}

int
pl_is_cjk(long cp)
{
	return (cp >= 0x1100 && cp <= 0x11FF) ||	/* Hangul Jamo */
	    (cp >= 0x2E80 && cp <= 0x2FFF) ||		/* radicals */
	    (cp >= 0x3000 && cp <= 0x303F) ||		/* CJK punctuation */
	    (cp >= 0x3040 && cp <= 0x31FF) ||		/* kana, bopomofo */
	    (cp >= 0x3200 && cp <= 0x4DBF) ||		/* enclosed, Ext-A */
	    (cp >= 0x4E00 && cp <= 0x9FFF) ||		/* ideographs */
	    (cp >= 0xA000 && cp <= 0xA4CF) ||		/* Yi */
	    (cp >= 0xAC00 && cp <= 0xD7AF) ||		/* Hangul */
	    (cp >= 0xF900 && cp <= 0xFAFF) ||		/* compatibility */
	    (cp >= 0xFE30 && cp <= 0xFE4F) ||		/* vertical forms */
	    (cp >= 0xFF00 && cp <= 0xFF60) ||		/* full-width */
	    (cp >= 0xFFE0 && cp <= 0xFFE6) ||
	    (cp >= 0x20000 && cp <= 0x3FFFF);
}

/* Is cp in the ascending set[0..n)? */
static int
S_in(long cp, const long *set, size_t n)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (set[mid] == cp)
			return 1;
		if (set[mid] < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

int
pl_no_line_start(long cp)
{
	static const long set[] = {	/* ascending */
		'!', '%', ')', ',', '.', ':', ';', '?', ']', '}',
		0x00B0, 0x00B7, 0x2014, 0x2019, 0x201D, 0x2025, 0x2026, 0x2030,
		0x2103, 0x3001, 0x3002, 0x3005, 0x3009, 0x300B, 0x300D, 0x300F,
		0x3011, 0x3015, 0x3017, 0x3019, 0x301B, 0x301E, 0x3041, 0x3043,
		0x3045, 0x3047, 0x3049, 0x3063, 0x3083, 0x3085, 0x3087, 0x308E,
		0x30A1, 0x30A3, 0x30A5, 0x30A7, 0x30A9, 0x30C3, 0x30E3, 0x30E5,
		0x30E7, 0x30EE, 0x30F5, 0x30F6, 0x30FB, 0x30FC, 0xFE50, 0xFE51,
		0xFE52, 0xFE54, 0xFE55, 0xFE56, 0xFE57, 0xFE5A, 0xFE5C, 0xFE5E,
		0xFF01, 0xFF05, 0xFF09, 0xFF0C, 0xFF0E, 0xFF1A, 0xFF1B, 0xFF1F,
		0xFF3D, 0xFF5D, 0xFF5E, 0xFF61, 0xFF63, 0xFF64
	};

	/* the common cases first: ideographs, Latin letters and digits */
	if ((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= '0' && cp <= '9') ||
	    (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z'))
		return 0;
	return S_in(cp, set, sizeof(set) / sizeof(set[0]));
}

int
pl_no_line_end(long cp)
{
	static const long set[] = {	/* ascending */
		'(', '[', '{', 0x2018, 0x201C, 0x3008, 0x300A, 0x300C, 0x300E,
		0x3010, 0x3014, 0x3016, 0x3018, 0x301A, 0x301D, 0xFE59, 0xFE5B,
		0xFE5D, 0xFF04, 0xFF08, 0xFF3B, 0xFF5B, 0xFF62, 0xFFE1, 0xFFE5
	};

	if ((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= '0' && cp <= '9') ||
	    (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z'))
		return 0;
	return S_in(cp, set, sizeof(set) / sizeof(set[0]));
}

/* May a line end between prev and cp? */
static int
S_can_break(long prev, long cp)
{
	if (cp == ' ')
		return 0;
	if (prev == ' ')
		return 1;
	if (!pl_is_cjk(prev) && !pl_is_cjk(cp))
		return 0;
	return !pl_no_line_start(cp) && !pl_no_line_end(prev);
}

struct S_lines {
	struct pl_span *v;
	size_t n, cap;
};

static void
S_emit(struct S_lines *l, size_t start, size_t len, float width)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 8;
		l->v = cv_realloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n].start = start;
	l->v[l->n].len = len;
	l->v[l->n].width = width;
	l->n++;
}

/* State of the line being built. */
struct S_wrapst {
	size_t ls;		/* line start */
	float w;		/* width of [ls, i) */
	float w_ink;		/* width up to the last non-space */
	size_t end_ink;		/* byte end of the last non-space */
	long prev;		/* previous code point on the line, -1 none */
	size_t brk;		/* last break opportunity, S_NONE */
	float brk_w;		/* ink width of the line before brk */
	size_t brk_end;		/* ink end of the line before brk */
};

static void
S_wrap_step(struct S_wrapst *st, long cp, size_t i, size_t j, float cw)
{
	if (st->prev >= 0 && S_can_break(st->prev, cp)) {
		st->brk = i;
		st->brk_w = st->w_ink;
		st->brk_end = st->end_ink;
	}
	st->w += cw;
	if (cp != ' ') {
		st->w_ink = st->w;
		st->end_ink = j;
	}
	st->prev = cp;
}

static void
S_wrap_reset(struct S_wrapst *st, size_t ls)
{
	st->ls = ls;
	st->w = st->w_ink = 0;
	st->end_ink = ls;
	st->prev = -1;
	st->brk = S_NONE;
	st->brk_w = 0;
	st->brk_end = ls;
}

int
pl_wrap(const char *s, size_t n, float max_width, pl_width_fn width,
    void *ctx, struct pl_span **lines)
{
	struct S_lines out = { NULL, 0, 0 };
	struct S_wrapst st;
	size_t i, j;
	long cp;
	float cw;

	if (!S_valid(s, n))
		return -1;
	S_wrap_reset(&st, 0);
	i = 0;
	while (i < n) {
		j = i;
		cp = S_decode(s, n, &j);
		if (cp == '\n') {
			S_emit(&out, st.ls, st.end_ink - st.ls, st.w_ink);
			S_wrap_reset(&st, j);
			i = j;
			continue;
		}
		cw = width(cp, ctx);
		if (cp != ' ' && st.prev >= 0 && st.w + cw > max_width) {
			size_t k;

			/* Would a break right here be allowed? */
			if (S_can_break(st.prev, cp)) {
				st.brk = i;
				st.brk_w = st.w_ink;
				st.brk_end = st.end_ink;
			}
			if (st.brk != S_NONE && st.brk_end > st.ls) {
				S_emit(&out, st.ls, st.brk_end - st.ls,
				    st.brk_w);
				k = st.brk;
			} else {
				/* hard break inside a word */
				S_emit(&out, st.ls, st.end_ink - st.ls,
				    st.w_ink);
				k = i;
			}
			while (k < n && s[k] == ' ')
				k++;
			S_wrap_reset(&st, k);
			/* re-measure what moved to the new line */
			while (k < i) {
				size_t k0 = k;
				long c2 = S_decode(s, n, &k);

				S_wrap_step(&st, c2, k0, k, width(c2, ctx));
			}
			if (k > i) {	/* spaces skipped past i */
				i = k;
				continue;
			}
			/* fall through: place cp on the new line (may break
			 * again if the moved part plus cp is still too wide) */
			if (st.prev >= 0 && st.w + cw > max_width)
				continue;
		}
		S_wrap_step(&st, cp, i, j, cw);
		i = j;
	}
	S_emit(&out, st.ls, st.end_ink - st.ls, st.w_ink);
	*lines = out.v;
	return (int)out.n;
}

static void
S_put(struct buf *b, long cp)
{
	char u[4];

	if (cp < 0x80) {
		u[0] = (char)cp;
		buf_add(b, u, 1);
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		buf_add(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		buf_add(b, u, 3);
	} else {
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		buf_add(b, u, 4);
	}
}

char *
pl_utf8_clean(const char *s, int keep_newlines, size_t *n_replaced)
{
	struct buf b;
	size_t n = s ? strlen(s) : 0, i = 0, bad = 0;
	long cp;

	buf_init(&b);
	buf_add(&b, "", 0);
	while (i < n) {
		cp = S_decode(s, n, &i);
		if (cp == '\r') {
			if (i < n && s[i] == '\n')
				continue;
			cp = '\n';
		}
		if (cp == '\n') {
			S_put(&b, keep_newlines ? '\n' : ' ');
		} else if (cp == '\t') {
			S_put(&b, ' ');
		} else if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0) ||
		    cp > 0xFFFF || (cp >= 0xFFF9 && cp <= 0xFFFF)) {
			S_put(&b, '?');
			bad++;
		} else if (cp == 0xFEFF || cp == 0x200B) {
			continue;	/* BOM, zero-width space: drop */
		} else {
			S_put(&b, cp);
		}
	}
	if (n_replaced != NULL)
		*n_replaced = bad;
	return b.data;
}

/* ---- font metrics ----------------------------------------------------- */

static int
S_has_glyph(struct pl_doc *doc, long cp)
{
	if (cp < 0x20 || cp > 0xFFFF)
		return 0;
	if (doc->fontdef == NULL)
		return 1;
	if (doc->gcache[cp] == 0)
		doc->gcache[cp] = HPDF_TTFontDef_GetGlyphid(doc->fontdef,
		    (HPDF_UINT16)cp) != 0 || cp == ' ' ? 1 : 2;
	return doc->gcache[cp] == 1;
}

/* Advance in 1/1000 em. */
static float
S_cp_width(long cp, void *ctx)
{
	struct pl_doc *doc = ctx;

	if (cp < 0 || cp > 0xFFFF)
		return 500;
	if (doc->wcache[cp] < 0)
		doc->wcache[cp] = (short)HPDF_Font_GetUnicodeWidth(doc->font,
		    (HPDF_UNICODE)cp);
	return doc->wcache[cp];
}

/*
 * Would pl_utf8_clean() and the glyph check leave s (n bytes) as it is?
 * Most text would: then S_prepare copies it in one go.
 */
static int
S_clean_already(struct pl_doc *doc, const char *s, size_t n,
    int keep_newlines)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		long cp;

		if (c >= 0x20 && c < 0x7F) {	/* printable ASCII */
			if (doc->fontdef != NULL && doc->gcache[c] != 1 &&
			    !S_has_glyph(doc, c))
				return 0;
			i++;
			continue;
		}
		if (c == '\n' && keep_newlines) {
			i++;
			continue;
		}
		cp = S_decode(s, n, &i);
		if (cp < 0xA0 || cp > 0xFFFF || (cp >= 0xFFF9 && cp <= 0xFFFF) ||
		    cp == 0xFEFF || cp == 0x200B || !S_has_glyph(doc, cp))
			return 0;
	}
	return 1;
}

/* Clean text for drawing: valid UTF-8, BMP, glyphs present. */
static char *
S_prepare(struct pl_doc *doc, const char *s, int keep_newlines)
{
	size_t bad = 0, i = 0, n;
	char *clean;
	struct buf b;
	long cp;
	int missing = 0;

	n = s != NULL ? strlen(s) : 0;
	if (S_clean_already(doc, s, n, keep_newlines))
		return cv_strndup(n > 0 ? s : "", n);
	clean = pl_utf8_clean(s, keep_newlines, &bad);

	n = strlen(clean);
	while (i < n) {
		cp = S_decode(clean, n, &i);
		if (cp != '\n' && !S_has_glyph(doc, cp)) {
			missing = 1;
			break;
		}
	}
	if (missing) {
		buf_init(&b);
		buf_add(&b, "", 0);
		i = 0;
		while (i < n) {
			cp = S_decode(clean, n, &i);
			if (cp != '\n' && !S_has_glyph(doc, cp)) {
				cp = '?';
				bad++;
			}
			S_put(&b, cp);
		}
		free(clean);
		clean = b.data;
	}
	doc->replaced += bad;
	return clean;
}

static float
S_width_n(struct pl_doc *doc, const char *s, size_t n, float size)
{
	size_t i = 0;
	float w = 0;

	while (i < n) {
		long cp = S_decode(s, n, &i);
		w += S_cp_width(cp, doc);
	}
	return w * size / 1000.0f;
}

float
pl_text_width(struct pl_doc *doc, const char *utf8, float size)
{
	char *t = S_prepare(doc, utf8, 0);
	float w = S_width_n(doc, t, strlen(t), size);

	free(t);
	return w;
}

/* ---- document --------------------------------------------------------- */

const char *
pl_font_choose(const char *built, int traditional, int *ttc_index)
{
	static const char uming[] = "/usr/share/fonts/truetype/arphic/uming.ttc";

	if (built != NULL && access(built, R_OK) == 0) {
		*ttc_index = -1;
		return built;
	}
	if (access(uming, R_OK) == 0) {
		*ttc_index = traditional ? 2 : 0;
		return uming;
	}
	return NULL;
}

static HPDF_FontDef
S_fontdef(HPDF_Font font)
{
	HPDF_FontAttr attr;

	/*
	 * libharu internals (hpdf_font.h): a Type0 font made from a TrueType
	 * file keeps the TrueType font definition in its own attr.
	 */
	if (font == NULL || (attr = (HPDF_FontAttr)font->attr) == NULL ||
	    attr->fontdef == NULL ||
	    attr->fontdef->type != HPDF_FONTDEF_TYPE_TRUETYPE)
		return NULL;
	return attr->fontdef;
}

/*
 * libharu 2.3.0 gives its UTF-8 Type0 font a ToUnicode stream that is a
 * CID CMap ("begincidrange <0000> <FFFF> 0", every code to CID 0), not a
 * map to Unicode: viewers must guess the text, and poppler warns once per
 * text run.  The codes this font draws are the UTF-16 code units of BMP
 * characters (see "page content" below), so the right map is the
 * identity: one bfrange per first byte (a range may not cross one),
 * surrogates left out, at most 100 ranges per block as the CMap
 * specification asks.
 */
static void
S_fix_tounicode(HPDF_Font font)
{
	HPDF_Dict cm = HPDF_Dict_GetItem(font, "ToUnicode", HPDF_OCLASS_DICT);
	HPDF_Stream st;
	char line[48];
	int hi, n, k;

	if (cm == NULL || (st = cm->stream) == NULL)
		return;
	/* The dictionary of a ToUnicode stream needs only its length. */
	HPDF_Dict_RemoveElement(cm, "Type");
	HPDF_Dict_RemoveElement(cm, "CMapName");
	HPDF_Dict_RemoveElement(cm, "CIDSystemInfo");
	HPDF_Dict_RemoveElement(cm, "WMode");
	HPDF_MemStream_FreeData(st);
	HPDF_Stream_WriteStr(st,
	    "/CIDInit /ProcSet findresource begin\n"
	    "12 dict begin\n"
	    "begincmap\n"
	    "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) "
	    "/Supplement 0 >> def\n"
	    "/CMapName /Adobe-Identity-UCS def\n"
	    "/CMapType 2 def\n"
	    "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
	for (hi = 0; hi < 256; hi += k) {
		/* ranges hi .. hi + k - 1, skipping D8-DF */
		for (n = 0, k = 0; hi + k < 256 && n < 100; k++)
			n += !(hi + k >= 0xD8 && hi + k <= 0xDF);
		snprintf(line, sizeof(line), "%d beginbfrange\n", n);
		HPDF_Stream_WriteStr(st, line);
		for (n = hi; n < hi + k; n++) {
			if (n >= 0xD8 && n <= 0xDF)
				continue;
			snprintf(line, sizeof(line), "<%02X00> <%02XFF> <%02X00>\n",
			    n, n, n);
			HPDF_Stream_WriteStr(st, line);
		}
		HPDF_Stream_WriteStr(st, "endbfrange\n");
	}
	HPDF_Stream_WriteStr(st,
	    "endcmap\n"
	    "CMapName currentdict /CMap defineresource pop\n"
	    "end\n"
	    "end\n");
}

struct pl_doc *
pl_doc_new(const char *font_path, int ttc_index, char *err, size_t errsz)
{
	struct pl_doc *doc = cv_calloc(1, sizeof(*doc));
	const char *name;

	doc->cur = -1;
	S_gs_reset(&doc->gs);
	doc->toc_first = -1;
	doc->ml = doc->mr = 56;
	doc->mt = 64;
	doc->mb = 60;
	pl_palette_default(&doc->pal);
	doc->wcache = cv_malloc(65536 * sizeof(short));
	memset(doc->wcache, 0xFF, 65536 * sizeof(short));
	doc->gcache = cv_calloc(65536, 1);

	doc->pdf = HPDF_New(S_error_fn, doc);
	if (doc->pdf == NULL) {
		S_copy_err(err, errsz, "libharu: cannot create document");
		pl_doc_free(doc);
		return NULL;
	}
	HPDF_SetCompressionMode(doc->pdf, HPDF_COMP_ALL);
	HPDF_UseUTFEncodings(doc->pdf);
	HPDF_SetCurrentEncoder(doc->pdf, "UTF-8");
	HPDF_SetPageMode(doc->pdf, HPDF_PAGE_MODE_USE_OUTLINE);
	if (font_path == NULL || access(font_path, R_OK) != 0) {
		snprintf(doc->err, sizeof(doc->err), "cannot read font %s",
		    font_path ? font_path : "(none)");
		S_copy_err(err, errsz, doc->err);
		pl_doc_free(doc);
		return NULL;
	}
	if (ttc_index < 0)
		name = HPDF_LoadTTFontFromFile(doc->pdf, font_path, HPDF_TRUE);
	else
		name = HPDF_LoadTTFontFromFile2(doc->pdf, font_path,
		    (HPDF_UINT)ttc_index, HPDF_TRUE);
	if (name != NULL)
		doc->font = HPDF_GetFont(doc->pdf, name, "UTF-8");
	if (doc->font == NULL || doc->failed) {
		char msg[400];

		snprintf(msg, sizeof(msg), "%s: %s", font_path,
		    doc->failed ? doc->err : "cannot load font");
		S_copy_err(err, errsz, msg);
		pl_doc_free(doc);
		return NULL;
	}
	doc->fontdef = S_fontdef(doc->font);
	S_fix_tounicode(doc->font);
	doc->zq = S_zq_new();
	return doc;
}

void
pl_doc_free(struct pl_doc *doc)
{
	size_t i;

	if (doc == NULL)
		return;
	S_zq_free(doc->zq);
	if (doc->pdf != NULL)
		HPDF_Free(doc->pdf);
	for (i = 0; i < doc->n_heads; i++)
		free(doc->heads[i].text);
	free(doc->heads);
	free(doc->pages);
	free(doc->hdr_l);
	free(doc->hdr_r);
	free(doc->ftr_l);
	free(doc->ftr_fmt);
	free(doc->wcache);
	free(doc->gcache);
	free(doc->cols);
	free(doc->colx);
	free(doc->colw);
	free(doc->cs);
	if (doc->rec == S_REC_RECORD)
		free(doc->rec_page.cs);
	for (i = 0; i < doc->n_stamps; i++)
		free(doc->stamps[i].key);
	for (i = 0; i < doc->n_wr; i++) {
		free(doc->wr[i].text);
		free(doc->wr[i].ln);
	}
	free(doc->wr);
	free(doc->wr_ix);
	free(doc->stamps);
	free(doc->stamp_ix);
	for (i = 0; i < 4; i++) {
		int c;

		for (c = 0; c < doc->tw_cache[i].n_cols; c++)
			free(doc->tw_cache[i].title[c]);
	}
	free(doc);
}

static void
S_info(struct pl_doc *doc, HPDF_InfoType type, const char *v)
{
	char *t;

	if (v == NULL)
		return;
	t = pl_utf8_clean(v, 0, NULL);
	HPDF_SetInfoAttr(doc->pdf, type, t);
	free(t);
}

void
pl_doc_set_info(struct pl_doc *doc, const char *title, const char *author,
    const char *subject, const char *keywords, const char *creator)
{
	S_info(doc, HPDF_INFO_TITLE, title);
	S_info(doc, HPDF_INFO_AUTHOR, author);
	S_info(doc, HPDF_INFO_SUBJECT, subject);
	S_info(doc, HPDF_INFO_KEYWORDS, keywords);
	S_info(doc, HPDF_INFO_CREATOR, creator);
}

void
pl_doc_set_date(struct pl_doc *doc, int year, int month, int day)
{
	HPDF_Date d;

	memset(&d, 0, sizeof(d));
	d.year = year;
	d.month = month;
	d.day = day;
	d.ind = 'Z';
	HPDF_SetInfoDateAttr(doc->pdf, HPDF_INFO_CREATION_DATE, d);
	HPDF_SetInfoDateAttr(doc->pdf, HPDF_INFO_MOD_DATE, d);
}

static void
S_setstr(char **dst, const char *v)
{
	free(*dst);
	*dst = v ? pl_utf8_clean(v, 0, NULL) : NULL;
}

void
pl_doc_set_decoration(struct pl_doc *doc, const char *header_left,
    const char *header_right, const char *footer_left,
    const char *footer_fmt)
{
	S_setstr(&doc->hdr_l, header_left);
	S_setstr(&doc->hdr_r, header_right);
	S_setstr(&doc->ftr_l, footer_left);
	S_setstr(&doc->ftr_fmt, footer_fmt);
}

void
pl_doc_set_margins(struct pl_doc *doc, float left, float right, float top,
    float bottom)
{
	doc->ml = left;
	doc->mr = right;
	doc->mt = top;
	doc->mb = bottom;
}

/* ---- page content ----------------------------------------------------- */

/*
 * Page content is written here rather than with libharu's operator
 * functions, which clear a 512-byte buffer for every operator, measure
 * every string again in HPDF_Page_ShowText and print every number with
 * five decimals.  Operators go to doc->cs and reach the page's content
 * stream (HPDF_PageAttr's stream, hpdf_pages.h) in one write when another
 * page is selected, before a libharu call that writes to the page, and
 * before saving; so libharu's own state for the page stays "page
 * description" and its calls (images, opacity) fit in between.
 *
 * What is written: coordinates rounded to 1/100 point, colours to 1/1000
 * (exact for 8-bit colours), nothing repeated that the graphics state
 * already holds, consecutive text runs in one text object (BT ... ET)
 * positioned with exact Td steps on the 1/100-point grid.  Text is the
 * font's CIDs, which for libharu's UTF-8 Type0 font are the UTF-16 code
 * units (BMP only, which S_prepare guarantees), two bytes each in a
 * literal string (libharu writes the same codes in hex); each code
 * point's width is looked up first, because that is what marks its glyph
 * for the embedded subset.
 */

static void
S_cs_reserve(struct pl_doc *doc, size_t n)
{
	if (doc->cs_len + n <= doc->cs_cap)
		return;
	if (doc->cs_cap == 0)
		doc->cs_cap = 16384;
	while (doc->cs_len + n > doc->cs_cap)
		doc->cs_cap *= 2;
	doc->cs = cv_realloc(doc->cs, doc->cs_cap);
}

static void
S_cs_add(struct pl_doc *doc, const char *s, size_t n)
{
	S_cs_reserve(doc, n);
	memcpy(doc->cs + doc->cs_len, s, n);
	doc->cs_len += n;
}

#define S_CS_LIT(doc, lit) S_cs_add((doc), (lit), sizeof(lit) - 1)

/* Integer v / 10^dec with trailing zeros dropped, then a space. */
static void
S_cs_fixed(struct pl_doc *doc, long v, int dec)
{
	char t[32];
	int n = (int)sizeof(t), k;
	unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;

	t[--n] = ' ';
	for (k = 0; k < dec && u % 10 == 0; k++)
		u /= 10;
	if (k < dec) {
		for (; k < dec; k++) {
			t[--n] = (char)('0' + u % 10);
			u /= 10;
		}
		t[--n] = '.';
	}
	do {
		t[--n] = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	if (v < 0)
		t[--n] = '-';
	S_cs_add(doc, t + n, sizeof(t) - (size_t)n);
}

/* Lengths are written on a grid of 1/100 point. */
#define S_GRID 100.0
#define S_GRID_DEC 2

static long
S_grid(double v)
{
	return lround(v * S_GRID);
}

static void
S_cs_pt(struct pl_doc *doc, double v)
{
	S_cs_fixed(doc, S_grid(v), S_GRID_DEC);
}

/* An operator and its line end, after its operands. */
static void
S_cs_op(struct pl_doc *doc, const char *op)
{
	S_cs_add(doc, op, strlen(op));
	S_CS_LIT(doc, "\n");
}

static void
S_gs_reset(struct S_gs *gs)
{
	memset(gs, 0, sizeof(*gs));
	gs->line_w = -1;
	gs->font_size = -1;
	gs->dash[0] = gs->dash[1] = -1;
	gs->join = -1;
}

static void
S_text_off(struct pl_doc *doc)
{
	if (doc->in_text) {
		S_CS_LIT(doc, "ET\n");
		doc->in_text = 0;
	}
}

/* ---- page compression (S_zq) ----------------------------------------- */

/*
 * Deflate level 1: a third of the time of libharu's level 6 on page
 * content, for a few percent more bytes.
 */
#define S_ZLEVEL 1
#define S_ZSMALL 2048
/* Pages before the worker thread starts (smaller documents, such as a
 * customer's letter, are compressed on the calling thread). */
#define S_ZTHREAD_PAGES 8

static struct S_zq *
S_zq_new(void)
{
	struct S_zq *q = cv_calloc(1, sizeof(*q));

	if (deflateInit2(&q->zs, S_ZLEVEL, Z_DEFLATED, -15, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK) {
		free(q);
		return NULL;
	}
	if (deflateInit2(&q->zs_small, S_ZLEVEL, Z_DEFLATED, -15, 1,
	    Z_DEFAULT_STRATEGY) != Z_OK) {
		deflateEnd(&q->zs);
		free(q);
		return NULL;
	}
	q->zs_ok = 1;
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->more, NULL);
	return q;
}

/*
 * Deflate raw[0..n) as a byte-aligned, non-final run of blocks at the end
 * of q->zbuf.  Only the compressor calls this.  -1 if zlib fails.
 */
static int
S_zq_deflate(struct S_zq *q, const char *raw, size_t n)
{
	z_stream *zs = n < S_ZSMALL ? &q->zs_small : &q->zs;
	int r;

	if (q->zcap - q->zlen < n + n / 8 + 256) {
		while (q->zcap - q->zlen < n + n / 8 + 256)
			q->zcap = q->zcap ? 2 * q->zcap : 1 << 20;
		q->zbuf = cv_realloc(q->zbuf, q->zcap);
	}
	zs->next_in = (Bytef *)(uintptr_t)raw;
	zs->avail_in = (uInt)n;
	for (;;) {
		zs->next_out = q->zbuf + q->zlen;
		zs->avail_out = (uInt)(q->zcap - q->zlen);
		r = deflate(zs, Z_SYNC_FLUSH);
		q->zlen = q->zcap - zs->avail_out;
		if (r != Z_OK && r != Z_BUF_ERROR)
			return -1;
		if (zs->avail_out != 0)
			break;
		q->zcap *= 2;
		q->zbuf = cv_realloc(q->zbuf, q->zcap);
	}
	deflateReset(zs);
	return 0;
}

/* Deflate segment i; the caller holds no lock when threaded. */
static void
S_zq_do(struct S_zq *q, size_t i)
{
	struct S_zseg sg;
	size_t off = q->zlen;
	uLong adler;
	int bad;

	if (q->threaded)
		pthread_mutex_lock(&q->mu);
	sg = q->seg[i];
	/* segments are done in order, so the page's previous one is done */
	adler = sg.prev >= 0 ? q->seg[sg.prev].adler : adler32(0L, NULL, 0);
	if (q->threaded)
		pthread_mutex_unlock(&q->mu);
	adler = adler32(adler, (const Bytef *)sg.raw, (uInt)sg.n_raw);
	bad = S_zq_deflate(q, sg.raw, sg.n_raw) != 0;
	if (q->threaded)
		pthread_mutex_lock(&q->mu);
	q->seg[i].raw = NULL;
	q->seg[i].z_off = off;
	q->seg[i].n_z = q->zlen - off;
	q->seg[i].adler = adler;
	q->zerr |= bad;
	if (q->n_spare == q->cap_spare) {
		q->cap_spare = q->cap_spare ? 2 * q->cap_spare : 16;
		q->spare = cv_realloc(q->spare,
		    q->cap_spare * sizeof(*q->spare));
	}
	q->spare[q->n_spare].p = sg.raw;
	q->spare[q->n_spare].cap = sg.raw_cap;
	q->n_spare++;
	if (q->threaded)
		pthread_mutex_unlock(&q->mu);
}

static void *
S_zq_worker(void *arg)
{
	struct S_zq *q = arg;
	size_t i;

	pthread_mutex_lock(&q->mu);
	for (;;) {
		while (q->taken == q->n && !q->stop)
			pthread_cond_wait(&q->more, &q->mu);
		if (q->taken == q->n)
			break;
		i = q->taken++;
		pthread_mutex_unlock(&q->mu);
		S_zq_do(q, i);
		pthread_mutex_lock(&q->mu);
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

/* Start the worker (once); on failure everything stays on this thread. */
static void
S_zq_start(struct S_zq *q)
{
	if (q->threaded)
		return;
	/* what is pushed so far is done: the worker takes from here */
	q->taken = q->n;
	q->threaded = 1;
	if (pthread_create(&q->tid, NULL, S_zq_worker, q) != 0)
		q->threaded = 0;
}

/* Wait for the worker to finish every segment and end it. */
static void
S_zq_stop(struct S_zq *q)
{
	if (!q->threaded)
		return;
	pthread_mutex_lock(&q->mu);
	q->stop = 1;
	pthread_cond_signal(&q->more);
	pthread_mutex_unlock(&q->mu);
	pthread_join(q->tid, NULL);
	q->threaded = 0;
}

static void
S_zq_free(struct S_zq *q)
{
	size_t i;

	if (q == NULL)
		return;
	S_zq_stop(q);
	for (i = 0; i < q->n; i++)
		free(q->seg[i].raw);
	for (i = 0; i < q->n_spare; i++)
		free(q->spare[i].p);
	free(q->seg);
	free(q->spare);
	free(q->zbuf);
	if (q->zs_ok) {
		deflateEnd(&q->zs);
		deflateEnd(&q->zs_small);
	}
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->more);
	free(q);
}

/*
 * The buffered content (doc->cs) becomes the current page's next segment;
 * doc->cs is then a spare buffer, or a new one.
 */
static void
S_zq_push(struct pl_doc *doc)
{
	struct S_zq *q = doc->zq;
	struct S_page *p = &doc->pages[doc->cur];
	struct S_zseg *sg;
	size_t i;

	if (q->threaded)
		pthread_mutex_lock(&q->mu);
	if (q->n == q->cap) {
		q->cap = q->cap ? 2 * q->cap : 256;
		q->seg = cv_realloc(q->seg, q->cap * sizeof(*q->seg));
	}
	i = q->n++;
	sg = &q->seg[i];
	memset(sg, 0, sizeof(*sg));
	sg->page = doc->cur;
	sg->prev = p->z_last;
	sg->next = -1;
	sg->raw = doc->cs;
	sg->n_raw = doc->cs_len;
	sg->raw_cap = doc->cs_cap;
	if (p->z_last >= 0)
		q->seg[p->z_last].next = (long)i;
	else
		p->z_first = (long)i;
	p->z_last = (long)i;
	if (q->threaded) {
		pthread_cond_signal(&q->more);
	} else {
		S_zq_do(q, i);
	}
	if (q->n_spare > 0) {
		q->n_spare--;
		doc->cs = q->spare[q->n_spare].p;
		doc->cs_cap = q->spare[q->n_spare].cap;
	} else {
		doc->cs = NULL;
		doc->cs_cap = 0;	/* S_cs_reserve allocates */
	}
	doc->cs_len = 0;
	if (q->threaded)
		pthread_mutex_unlock(&q->mu);
}

/* Writes the dictionary entry for content deflated by S_zq (libharu,
 * told there is no filter, writes none). */
static HPDF_STATUS
S_zq_filter_entry(HPDF_Dict dict, HPDF_Stream stream)
{
	(void)dict;
	return HPDF_Stream_WriteStr(stream, "/Filter /FlateDecode\012");
}

/*
 * Hand each page's segments to its content stream as one zlib stream.
 * Called once, when saving, after the last flush.
 */
static void
S_zq_finish(struct pl_doc *doc)
{
	struct S_zq *q = doc->zq;
	int i, lf;
	unsigned hdr;

	S_zq_stop(q);
	if (q->zerr) {
		S_fail(doc, "zlib: cannot compress page content");
		return;
	}
	lf = S_ZLEVEL < 2 ? 0 : S_ZLEVEL < 6 ? 1 : S_ZLEVEL == 6 ? 2 : 3;
	hdr = (0x78u << 8) | ((unsigned)lf << 6);
	hdr += 31 - hdr % 31;
	for (i = 0; i < doc->n_pages && !doc->failed; i++) {
		struct S_page *p = &doc->pages[i];
		HPDF_PageAttr attr = (HPDF_PageAttr)p->page->attr;
		HPDF_Stream st = attr->stream;
		unsigned char head[2], tail[6];
		size_t total = sizeof(head) + sizeof(tail);
		uLong adler;
		long k;

		if (p->z_first < 0)
			continue;	/* no content: an empty stream */
		if (attr->contents->write_fn != NULL || st->size != 0 ||
		    st->type != HPDF_STREAM_MEMORY) {
			S_fail(doc, "internal error: page content written by "
			    "libharu");
			return;
		}
		for (k = p->z_first; k >= 0; k = q->seg[k].next)
			total += q->seg[k].n_z;
		adler = q->seg[p->z_last].adler;
		head[0] = (unsigned char)(hdr >> 8);
		head[1] = (unsigned char)hdr;
		tail[0] = 0x03;		/* an empty final block */
		tail[1] = 0x00;
		tail[2] = (unsigned char)(adler >> 24);
		tail[3] = (unsigned char)(adler >> 16);
		tail[4] = (unsigned char)(adler >> 8);
		tail[5] = (unsigned char)adler;
		{
			HPDF_MemStreamAttr ma = (HPDF_MemStreamAttr)st->attr;

			if (ma->buf->count == 0) {	/* one block */
				ma->buf_siz = (HPDF_UINT)total;
				ma->w_pos = ma->buf_siz;
			}
		}
		HPDF_Stream_Write(st, head, sizeof(head));
		for (k = p->z_first; k >= 0; k = q->seg[k].next)
			HPDF_Stream_Write(st, q->zbuf + q->seg[k].z_off,
			    (HPDF_UINT)q->seg[k].n_z);
		HPDF_Stream_Write(st, tail, sizeof(tail));
		attr->contents->filter = HPDF_STREAM_FILTER_NONE;
		attr->contents->write_fn = S_zq_filter_entry;
	}
	free(q->zbuf);		/* libharu holds the streams now */
	q->zbuf = NULL;
	q->zlen = q->zcap = 0;
}

/* 0 (and the document fails) while a stamp is being recorded. */
static int
S_no_record(struct pl_doc *doc)
{
	if (doc->rec == S_REC_RECORD) {
		/* a page change, an image or translucent dots in a stamp */
		S_fail(doc, "internal error: a stamp may hold only lines, "
		    "shapes and text");
		return 0;
	}
	return 1;
}

/* Hand what is buffered to the current page's stream. */
static void
S_flush(struct pl_doc *doc)
{
	HPDF_PageAttr attr;

	if (!S_no_record(doc))
		return;
	S_text_off(doc);
	if (doc->cs_len > 0 && doc->cur >= 0 && !doc->failed) {
		HPDF_Stream st;

		if (doc->zq != NULL) {
			S_zq_push(doc);
			return;
		}
		attr = (HPDF_PageAttr)doc->page->attr;
		st = attr->stream;
		if (st->type == HPDF_STREAM_MEMORY && st->size == 0) {
			/*
			 * A memory stream grows by blocks of one size, 4 KB
			 * unless set before the first write: one block for
			 * the page, with room for its header and footer.
			 */
			HPDF_MemStreamAttr ma = (HPDF_MemStreamAttr)st->attr;

			if (ma->buf->count == 0) {
				ma->buf_siz = (HPDF_UINT)doc->cs_len + 512;
				ma->w_pos = ma->buf_siz;
			}
		}
		HPDF_Stream_Write(st, (const HPDF_BYTE *)doc->cs,
		    (HPDF_UINT)doc->cs_len);
	}
	doc->cs_len = 0;
}

static void
S_color(struct pl_doc *doc, const struct pl_rgb *c, int stroke)
{
	struct pl_rgb *have = stroke ? &doc->gs.stroke : &doc->gs.fill;
	int *ok = stroke ? &doc->gs.stroke_ok : &doc->gs.fill_ok;

	if (*ok && have->r == c->r && have->g == c->g && have->b == c->b)
		return;
	S_cs_fixed(doc, lround((double)c->r * 1000.0), 3);
	S_cs_fixed(doc, lround((double)c->g * 1000.0), 3);
	S_cs_fixed(doc, lround((double)c->b * 1000.0), 3);
	S_cs_op(doc, stroke ? "RG" : "rg");
	*have = *c;
	*ok = 1;
}

static void
S_fill_color(struct pl_doc *doc, const struct pl_rgb *c)
{
	S_color(doc, c, 0);
}

static void
S_stroke_color(struct pl_doc *doc, const struct pl_rgb *c)
{
	S_color(doc, c, 1);
}

static void
S_line_width(struct pl_doc *doc, float w)
{
	if (doc->gs.line_w == w)
		return;
	S_cs_fixed(doc, lround((double)w * 1000.0), 3);
	S_cs_op(doc, "w");
	doc->gs.line_w = w;
}

/* Dash pattern on, off (points); 0, 0 is a solid line. */
static void
S_dash(struct pl_doc *doc, int on, int off)
{
	char t[64];

	if (doc->gs.dash[0] == on && doc->gs.dash[1] == off)
		return;
	if (on == 0 && off == 0)
		S_CS_LIT(doc, "[] 0 d\n");
	else
		S_cs_add(doc, t, (size_t)snprintf(t, sizeof(t),
		    "[%d %d] 0 d\n", on, off));
	doc->gs.dash[0] = on;
	doc->gs.dash[1] = off;
}

static void
S_join(struct pl_doc *doc, int join)
{
	if (doc->gs.join == join)
		return;
	S_cs_add(doc, join ? "1 j\n" : "0 j\n", 4);
	doc->gs.join = join;
}

/* Ready for a path: no open text object. */
static void
S_path(struct pl_doc *doc)
{
	S_text_off(doc);
}

/* ---- stamps ----------------------------------------------------------- */

/*
 * A stamp is recorded into its own buffer with the writer state reset (a
 * form XObject starts from whatever state the page has where it is placed,
 * so it sets everything it relies on), then becomes a form XObject whose
 * box is the page it was recorded on.  Placing it writes
 * "q 1 0 0 1 dx dy cm /Xn Do Q"; Do keeps the page's graphics state, so
 * the page's writer state stays valid.  The XObject's resources name the
 * font under the name the pages use (doc->font_name).
 */

static void
S_writer_save(struct pl_doc *doc, struct S_writer *w)
{
	w->cs = doc->cs;
	w->cs_len = doc->cs_len;
	w->cs_cap = doc->cs_cap;
	w->in_text = doc->in_text;
	w->tx = doc->tx;
	w->ty = doc->ty;
	w->gs = doc->gs;
}

static void
S_writer_load(struct pl_doc *doc, const struct S_writer *w)
{
	doc->cs = w->cs;
	doc->cs_len = w->cs_len;
	doc->cs_cap = w->cs_cap;
	doc->in_text = w->in_text;
	doc->tx = w->tx;
	doc->ty = w->ty;
	doc->gs = w->gs;
}

static struct S_stamp *
S_stamp_find(struct pl_doc *doc, const void *key, size_t n, uint64_t h)
{
	size_t m, i;

	if (doc->stamp_ixcap == 0)
		return NULL;
	m = doc->stamp_ixcap - 1;
	for (i = (size_t)h & m; doc->stamp_ix[i] != 0; i = (i + 1) & m) {
		struct S_stamp *st = &doc->stamps[doc->stamp_ix[i] - 1];

		if (st->hash == h && st->keylen == n &&
		    memcmp(st->key, key, n) == 0)
			return st;
	}
	return NULL;
}

static void
S_stamp_index(struct pl_doc *doc, size_t k)
{
	size_t m, i;

	if (2 * (doc->n_stamps + 1) > doc->stamp_ixcap) {
		size_t j;

		free(doc->stamp_ix);
		doc->stamp_ixcap = doc->stamp_ixcap ? 2 * doc->stamp_ixcap : 64;
		doc->stamp_ix = cv_calloc(doc->stamp_ixcap, sizeof(size_t));
		m = doc->stamp_ixcap - 1;
		for (j = 0; j < doc->n_stamps; j++) {
			if (j == k)
				continue;
			for (i = (size_t)doc->stamps[j].hash & m;
			    doc->stamp_ix[i] != 0; i = (i + 1) & m)
				;
			doc->stamp_ix[i] = j + 1;
		}
	}
	m = doc->stamp_ixcap - 1;
	for (i = (size_t)doc->stamps[k].hash & m; doc->stamp_ix[i] != 0;
	    i = (i + 1) & m)
		;
	doc->stamp_ix[i] = k + 1;
}

/* The form XObject for recorded operators (page coordinates), added to
 * doc->xobjs under name. */
static HPDF_Dict
S_form_new(struct pl_doc *doc, const char *ops, size_t n, const char *name)
{
	HPDF_MMgr mm = doc->pdf->mmgr;
	HPDF_Dict form, res, fonts;
	HPDF_Array box;

	if (doc->xobjs == NULL) {
		doc->xobjs = HPDF_Dict_New(mm);
		if (doc->xobjs == NULL || HPDF_Xref_Add(doc->pdf->xref,
		    doc->xobjs) != HPDF_OK) {
			doc->xobjs = NULL;	/* freed by HPDF_Xref_Add */
			return NULL;
		}
	}
	form = HPDF_DictStream_New(mm, doc->pdf->xref);
	if (form == NULL || HPDF_Dict_Add(doc->xobjs, name, form) != HPDF_OK)
		return NULL;
	form->header.obj_class |= HPDF_OSUBCLASS_XOBJECT;
	HPDF_Dict_AddName(form, "Type", "XObject");
	HPDF_Dict_AddName(form, "Subtype", "Form");
	box = HPDF_Array_New(mm);
	if (box != NULL) {
		HPDF_Array_AddReal(box, 0);
		HPDF_Array_AddReal(box, 0);
		HPDF_Array_AddReal(box, doc->pw);
		HPDF_Array_AddReal(box, doc->ph);
		HPDF_Dict_Add(form, "BBox", box);
	}
	res = HPDF_Dict_New(mm);
	if (res != NULL && HPDF_Dict_Add(form, "Resources", res) == HPDF_OK &&
	    doc->font_name[0] != '\0' && (fonts = HPDF_Dict_New(mm)) != NULL &&
	    HPDF_Dict_Add(res, "Font", fonts) == HPDF_OK)
		HPDF_Dict_Add(fonts, doc->font_name, doc->font);
	if (n > 0) {
		form->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
		HPDF_Stream_Write(form->stream, (const HPDF_BYTE *)ops,
		    (HPDF_UINT)n);
	}
	return form;
}

/* "q 1 0 0 1 dx dy cm /Xn Do Q" on the current page. */
static void
S_stamp_place(struct pl_doc *doc, const struct S_stamp *st, float x,
    float y)
{
	const char *name;
	long dx = S_grid((double)x - st->ox), dy = S_grid((double)y - st->oy);
	struct S_page *pg;

	if (st->form == NULL || doc->failed)
		return;
	pg = &doc->pages[doc->cur];
	if (!pg->has_stamps) {
		/* the page's XObject resources: the shared dictionary, unless
		 * libharu made the page its own (an image) */
		HPDF_PageAttr attr = (HPDF_PageAttr)doc->page->attr;
		HPDF_Dict res;

		if (attr->xobjects == NULL) {
			res = HPDF_Page_GetInheritableItem(doc->page,
			    "Resources", HPDF_OCLASS_DICT);
			if (res == NULL || HPDF_Dict_Add(res, "XObject",
			    doc->xobjs) != HPDF_OK) {
				S_fail(doc, "libharu: cannot add a form to a "
				    "page");
				return;
			}
			attr->xobjects = doc->xobjs;
		}
		pg->has_stamps = 1;
	}
	name = st->name;
	if (((HPDF_PageAttr)doc->page->attr)->xobjects != doc->xobjs &&
	    (name = HPDF_Page_GetXObjectName(doc->page, st->form)) == NULL) {
		S_fail(doc, "libharu: cannot add a form to a page");
		return;
	}
	S_text_off(doc);
	if (dx != 0 || dy != 0) {
		S_CS_LIT(doc, "q 1 0 0 1 ");
		S_cs_fixed(doc, dx, S_GRID_DEC);
		S_cs_fixed(doc, dy, S_GRID_DEC);
		S_CS_LIT(doc, "cm /");
		S_cs_add(doc, name, strlen(name));
		S_CS_LIT(doc, " Do Q\n");
	} else {
		S_CS_LIT(doc, "/");
		S_cs_add(doc, name, strlen(name));
		S_CS_LIT(doc, " Do\n");
	}
}

/* Stamp keys: numbers as their bytes, strings as their length and bytes
 * (NULL as a length no string has). */
static void
S_key_f(struct buf *k, float v)
{
	buf_add(k, (const char *)&v, sizeof(v));
}

static void
S_key_s(struct buf *k, const char *v)
{
	size_t n = v != NULL ? strlen(v) : (size_t)-1;

	buf_add(k, (const char *)&n, sizeof(n));
	if (v != NULL)
		buf_add(k, v, n);
}

int
pl_stamp_begin(struct pl_doc *doc, const void *key, size_t keylen, float x,
    float y)
{
	struct S_stamp *st;
	uint64_t h;

	if (doc->rec != S_REC_NONE) {	/* nested: drawn into the outer */
		doc->rec_depth++;
		return doc->rec == S_REC_RECORD;
	}
	if (!S_ok(doc))
		return 0;
	h = S_hash(key, keylen, 0);
	doc->rec_x = x;
	doc->rec_y = y;
	if ((st = S_stamp_find(doc, key, keylen, h)) != NULL) {
		doc->rec = S_REC_PLACE;
		doc->rec_st = st;
		return 0;
	}
	if (doc->n_stamps == doc->cap_stamps) {
		doc->cap_stamps = doc->cap_stamps ? 2 * doc->cap_stamps : 32;
		doc->stamps = cv_realloc(doc->stamps,
		    doc->cap_stamps * sizeof(*doc->stamps));
	}
	st = &doc->stamps[doc->n_stamps];
	memset(st, 0, sizeof(*st));
	st->key = cv_malloc(keylen ? keylen : 1);
	memcpy(st->key, key, keylen);
	st->keylen = keylen;
	st->hash = h;
	st->ox = x;
	st->oy = y;
	doc->rec_st = NULL;		/* the array may move: by index */
	doc->rec = S_REC_RECORD;
	doc->rec_bad = doc->replaced;
	/* the page's writer aside, an empty one for the stamp */
	S_text_off(doc);
	S_writer_save(doc, &doc->rec_page);
	doc->cs = NULL;
	doc->cs_len = doc->cs_cap = 0;
	doc->in_text = 0;
	S_gs_reset(&doc->gs);
	return 1;
}

void
pl_stamp_end(struct pl_doc *doc)
{
	if (doc->rec_depth > 0) {
		doc->rec_depth--;
		return;
	}
	if (doc->rec == S_REC_PLACE) {
		doc->rec = S_REC_NONE;
		doc->replaced += doc->rec_st->bad;
		S_stamp_place(doc, doc->rec_st, doc->rec_x, doc->rec_y);
	} else if (doc->rec == S_REC_RECORD) {
		struct S_stamp *st = &doc->stamps[doc->n_stamps];

		S_text_off(doc);
		st->bad = doc->replaced - doc->rec_bad;
		snprintf(st->name, sizeof(st->name), "S%zu", doc->n_stamps + 1);
		st->form = doc->failed ? NULL : S_form_new(doc, doc->cs,
		    doc->cs_len, st->name);
		free(doc->cs);
		S_writer_load(doc, &doc->rec_page);
		doc->rec = S_REC_NONE;
		doc->n_stamps++;
		S_stamp_index(doc, doc->n_stamps - 1);
		S_stamp_place(doc, st, doc->rec_x, doc->rec_y);
	}
}

/* ---- pages ------------------------------------------------------------ */

static void
S_select_page(struct pl_doc *doc, int idx)
{
	if (doc->cur != idx) {
		S_flush(doc);
		S_gs_reset(&doc->gs);
	}
	doc->cur = idx;
	doc->page = doc->pages[idx].page;
	doc->pw = HPDF_Page_GetWidth(doc->page);
	doc->ph = HPDF_Page_GetHeight(doc->page);
}

void
pl_page_new(struct pl_doc *doc, enum pl_orient orient, int decorate)
{
	HPDF_Page page;

	if (doc->failed)
		return;
	S_flush(doc);
	page = HPDF_AddPage(doc->pdf);
	if (page == NULL)
		return;
	HPDF_Page_SetSize(page, HPDF_PAGE_SIZE_A4, orient == PL_LANDSCAPE ?
	    HPDF_PAGE_LANDSCAPE : HPDF_PAGE_PORTRAIT);
	if (doc->n_pages == doc->cap_pages) {
		doc->cap_pages = doc->cap_pages ? 2 * doc->cap_pages : 32;
		doc->pages = cv_realloc(doc->pages,
		    (size_t)doc->cap_pages * sizeof(*doc->pages));
	}
	doc->pages[doc->n_pages].page = page;
	doc->pages[doc->n_pages].orient = orient;
	doc->pages[doc->n_pages].decorate = decorate;
	doc->pages[doc->n_pages].has_font = 0;
	doc->pages[doc->n_pages].has_stamps = 0;
	doc->pages[doc->n_pages].z_first = -1;
	doc->pages[doc->n_pages].z_last = -1;
	doc->n_pages++;
	if (doc->zq != NULL && doc->n_pages == S_ZTHREAD_PAGES)
		S_zq_start(doc->zq);
	doc->orient = orient;
	S_select_page(doc, doc->n_pages - 1);
	doc->y = doc->ph - doc->mt;
	doc->force_break = 0;
}

int
pl_page_count(const struct pl_doc *doc)
{
	return doc->n_pages;
}

int
pl_page_number(const struct pl_doc *doc)
{
	return doc->cur + 1;
}

float
pl_left(const struct pl_doc *doc)
{
	return doc->ml;
}

float
pl_right(const struct pl_doc *doc)
{
	return doc->pw - doc->mr;
}

float
pl_width(const struct pl_doc *doc)
{
	return doc->pw - doc->ml - doc->mr;
}

float
pl_top(const struct pl_doc *doc)
{
	return doc->ph - doc->mt;
}

float
pl_bottom(const struct pl_doc *doc)
{
	return doc->mb;
}

float
pl_y(const struct pl_doc *doc)
{
	return doc->y;
}

void
pl_set_y(struct pl_doc *doc, float y)
{
	doc->y = y;
}

void
pl_space(struct pl_doc *doc, float dy)
{
	doc->y -= dy;
	if (doc->y < doc->mb)
		doc->y = doc->mb;
}

float
pl_remaining(const struct pl_doc *doc)
{
	if (doc->cur < 0 || doc->force_break)
		return 0;
	return doc->y - doc->mb;
}

int
pl_need(struct pl_doc *doc, float h)
{
	if (doc->cur >= 0 && !doc->force_break) {
		if (doc->y - h >= doc->mb - 0.01f)
			return 0;
		/* never loop on a block taller than a page */
		if (doc->y >= doc->ph - doc->mt - 0.01f)
			return 0;
	}
	pl_page_new(doc, doc->orient, 1);
	return 1;
}

struct pl_box
pl_take(struct pl_doc *doc, float h)
{
	struct pl_box b;

	pl_need(doc, h);
	if (h > doc->y - doc->mb)
		h = doc->y - doc->mb;
	b.x = doc->ml;
	b.w = pl_width(doc);
	b.h = h;
	b.y = doc->y - h;
	doc->y -= h;
	return b;
}

/* ---- drawing primitives ----------------------------------------------- */

static int
S_ok(struct pl_doc *doc)
{
	return !doc->failed && doc->page != NULL;
}

static void
S_rect(struct pl_doc *doc, float x, float y, float w, float h)
{
	long x0 = S_grid(x), y0 = S_grid(y);

	S_cs_fixed(doc, x0, S_GRID_DEC);
	S_cs_fixed(doc, y0, S_GRID_DEC);
	S_cs_fixed(doc, S_grid((double)x + w) - x0, S_GRID_DEC);
	S_cs_fixed(doc, S_grid((double)y + h) - y0, S_GRID_DEC);
	S_CS_LIT(doc, "re\n");
}

void
pl_fill_rect(struct pl_doc *doc, float x, float y, float w, float h,
    const struct pl_rgb *color)
{
	if (!S_ok(doc) || w <= 0 || h <= 0)
		return;
	S_path(doc);
	S_fill_color(doc, color);
	S_rect(doc, x, y, w, h);
	S_CS_LIT(doc, "f\n");
}

void
pl_stroke_rect(struct pl_doc *doc, float x, float y, float w, float h,
    float line_w, const struct pl_rgb *color)
{
	if (!S_ok(doc))
		return;
	S_path(doc);
	S_stroke_color(doc, color);
	S_line_width(doc, line_w);
	S_dash(doc, 0, 0);
	S_join(doc, 0);
	S_rect(doc, x, y, w, h);
	S_CS_LIT(doc, "S\n");
}

static void
S_point(struct pl_doc *doc, float x, float y, const char *op)
{
	S_cs_pt(doc, x);
	S_cs_pt(doc, y);
	S_cs_op(doc, op);
}

void
pl_line(struct pl_doc *doc, float x0, float y0, float x1, float y1,
    float line_w, const struct pl_rgb *color)
{
	if (!S_ok(doc))
		return;
	S_path(doc);
	S_stroke_color(doc, color);
	S_line_width(doc, line_w);
	S_dash(doc, 0, 0);
	S_point(doc, x0, y0, "m");
	S_point(doc, x1, y1, "l");
	S_CS_LIT(doc, "S\n");
}

void
pl_dashed_line(struct pl_doc *doc, float x0, float y0, float x1, float y1,
    float line_w, float dash, float gap, const struct pl_rgb *color)
{
	if (!S_ok(doc))
		return;
	S_path(doc);
	S_stroke_color(doc, color);
	S_line_width(doc, line_w);
	S_dash(doc, (int)(dash < 1 ? 1 : dash + 0.5f),
	    (int)(gap < 1 ? 1 : gap + 0.5f));
	S_point(doc, x0, y0, "m");
	S_point(doc, x1, y1, "l");
	S_CS_LIT(doc, "S\n");
}

void
pl_polyline(struct pl_doc *doc, const float *xy, size_t n, float line_w,
    const struct pl_rgb *color)
{
	size_t i;

	if (!S_ok(doc) || n < 2)
		return;
	S_path(doc);
	S_stroke_color(doc, color);
	S_line_width(doc, line_w);
	S_dash(doc, 0, 0);
	S_join(doc, 1);
	S_point(doc, xy[0], xy[1], "m");
	for (i = 1; i < n; i++)
		S_point(doc, xy[2 * i], xy[2 * i + 1], "l");
	S_CS_LIT(doc, "S\n");
}

/* A circle as four Bezier quarter arcs (control points at 0.5523 r). */
static void
S_circle(struct pl_doc *doc, float cx, float cy, float r)
{
	double x = cx, y = cy, k = (double)r * 0.5523;

	S_point(doc, (float)(x - r), (float)y, "m");
	S_cs_pt(doc, x - r);
	S_cs_pt(doc, y + k);
	S_cs_pt(doc, x - k);
	S_cs_pt(doc, y + r);
	S_cs_pt(doc, x);
	S_cs_pt(doc, y + r);
	S_CS_LIT(doc, "c\n");
	S_cs_pt(doc, x + k);
	S_cs_pt(doc, y + r);
	S_cs_pt(doc, x + r);
	S_cs_pt(doc, y + k);
	S_cs_pt(doc, x + r);
	S_cs_pt(doc, y);
	S_CS_LIT(doc, "c\n");
	S_cs_pt(doc, x + r);
	S_cs_pt(doc, y - k);
	S_cs_pt(doc, x + k);
	S_cs_pt(doc, y - r);
	S_cs_pt(doc, x);
	S_cs_pt(doc, y - r);
	S_CS_LIT(doc, "c\n");
	S_cs_pt(doc, x - k);
	S_cs_pt(doc, y - r);
	S_cs_pt(doc, x - r);
	S_cs_pt(doc, y - k);
	S_cs_pt(doc, x - r);
	S_cs_pt(doc, y);
	S_CS_LIT(doc, "c\n");
}

void
pl_dots(struct pl_doc *doc, const float *xy, size_t n, float r,
    const struct pl_rgb *color, float alpha)
{
	struct S_gs saved;
	const char *name;
	size_t i;
	int a;

	if (!S_ok(doc) || n == 0)
		return;
	a = (int)(alpha * 10 + 0.5f);
	if (a < 0)
		a = 0;
	if (a > 10)
		a = 10;
	S_path(doc);
	saved = doc->gs;
	S_CS_LIT(doc, "q\n");
	if (a < 10) {
		if (doc->alpha_gs[a] == NULL) {
			doc->alpha_gs[a] = HPDF_CreateExtGState(doc->pdf);
			HPDF_ExtGState_SetAlphaFill(doc->alpha_gs[a],
			    (HPDF_REAL)a / 10.0f);
		}
		/* the page's resource name ("E1"), then "/E1 gs" */
		if (!S_no_record(doc))
			return;
		name = HPDF_Page_GetExtGStateName(doc->page,
		    doc->alpha_gs[a]);
		if (name == NULL) {
			S_fail(doc, "libharu: cannot add a graphics state to "
			    "a page");
			return;
		}
		S_CS_LIT(doc, "/");
		S_cs_add(doc, name, strlen(name));
		S_CS_LIT(doc, " gs\n");
	}
	S_fill_color(doc, color);
	for (i = 0; i < n; i++)
		S_circle(doc, xy[2 * i], xy[2 * i + 1], r);
	S_CS_LIT(doc, "f\nQ\n");
	doc->gs = saved;
}

/* ---- text ------------------------------------------------------------- */

/* Draw already-clean text (n bytes) at baseline (x, y), left aligned. */
static void
S_show(struct pl_doc *doc, float x, float y, float size,
    const struct pl_rgb *color, const char *s, size_t n)
{
	struct S_page *pg;
	long gx, gy;
	size_t i = 0;
	char *o;

	if (!S_ok(doc) || n == 0)
		return;
	pg = &doc->pages[doc->cur];
	if (!pg->has_font) {
		const char *name = HPDF_Page_GetLocalFontName(doc->page,
		    doc->font);

		if (name == NULL || strlen(name) >= sizeof(doc->font_name)) {
			S_fail(doc, "libharu: cannot add the font to a page");
			return;
		}
		strcpy(doc->font_name, name);
		pg->has_font = 1;
	}
	if (!doc->in_text) {
		S_CS_LIT(doc, "BT\n");
		doc->in_text = 1;
		doc->tx = doc->ty = 0;
	}
	if (doc->gs.font_size != size) {
		S_CS_LIT(doc, "/");
		S_cs_add(doc, doc->font_name, strlen(doc->font_name));
		S_CS_LIT(doc, " ");
		S_cs_fixed(doc, lround((double)size * 1000.0), 3);
		S_CS_LIT(doc, "Tf\n");
		doc->gs.font_size = size;
	}
	S_fill_color(doc, color ? color : &doc->pal.text);
	gx = S_grid(x);
	gy = S_grid(y);
	S_cs_fixed(doc, gx - doc->tx, S_GRID_DEC);
	S_cs_fixed(doc, gy - doc->ty, S_GRID_DEC);
	S_CS_LIT(doc, "Td\n");
	doc->tx = gx;
	doc->ty = gy;
	/* a literal string of 2-byte codes: at most 4 bytes per code
	 * (escaped), the code point takes 1-3 bytes of s */
	S_cs_reserve(doc, 4 * n + 8);
	o = doc->cs + doc->cs_len;
	*o++ = '(';
	while (i < n) {
		long cp = S_decode(s, n, &i);
		int k;

		if (cp < 0 || cp > 0xFFFF)
			cp = '?';
		S_cp_width(cp, doc);	/* marks the glyph as used */
		for (k = 0; k < 2; k++) {
			char c = (char)(k == 0 ? cp >> 8 : cp & 0xFF);

			if (c == '(' || c == ')' || c == '\\')
				*o++ = '\\';
			else if (c == '\r') {
				*o++ = '\\';
				c = 'r';
			}
			*o++ = c;
		}
	}
	memcpy(o, ") Tj\n", 5);
	o += 5;
	doc->cs_len = (size_t)(o - doc->cs);
}

static float
S_align_x(float x, float w, enum pl_align align)
{
	if (align == PL_RIGHT)
		return x - w;
	if (align == PL_CENTER)
		return x - w / 2;
	return x;
}

void
pl_text(struct pl_doc *doc, float x, float y, float size,
    enum pl_align align, const struct pl_rgb *color, const char *utf8)
{
	char *t;
	size_t n;

	if (!S_ok(doc) || utf8 == NULL)
		return;
	t = S_prepare(doc, utf8, 0);
	n = strlen(t);
	S_show(doc, S_align_x(x, S_width_n(doc, t, n, size), align), y, size,
	    color, t, n);
	free(t);
}

/* Bytes of clean text t that fit in width with an ellipsis after them. */
static size_t
S_fit_prefix(struct pl_doc *doc, const char *t, size_t n, float width,
    float size)
{
	float ell = S_cp_width(0x2026, doc) * size / 1000.0f, w = 0;
	size_t i = 0, last = 0;

	while (i < n) {
		size_t k = i;
		long cp = S_decode(t, n, &k);
		w += S_cp_width(cp, doc) * size / 1000.0f;
		if (w + ell > width)
			break;
		i = k;
		last = i;
	}
	while (last > 0 && t[last - 1] == ' ')
		last--;
	return last;
}

void
pl_text_fit(struct pl_doc *doc, float x, float y, float width, float size,
    enum pl_align align, const struct pl_rgb *color, const char *utf8)
{
	char *t;
	size_t n, cut;
	float w;
	struct buf b;

	if (!S_ok(doc) || utf8 == NULL)
		return;
	t = S_prepare(doc, utf8, 0);
	n = strlen(t);
	w = S_width_n(doc, t, n, size);
	if (w <= width + 0.01f) {
		S_show(doc, S_align_x(x, w, align), y, size, color, t, n);
		free(t);
		return;
	}
	cut = S_fit_prefix(doc, t, n, width, size);
	buf_init(&b);
	buf_add(&b, t, cut);
	buf_puts(&b, "\xE2\x80\xA6");
	w = S_width_n(doc, b.data, b.len, size);
	S_show(doc, S_align_x(x, w, align), y, size, color, b.data, b.len);
	buf_free(&b);
	free(t);
}

/* Baseline for a line box of height lead whose top is at top. */
static float
S_baseline(float top, float size, float lead)
{
	return top - lead / 2 - 0.36f * size;
}

/* Line breaks of clean text at a width, kept (S_wrap_doc). */

#define S_WRAP_KEEP 65536	/* texts kept at most */
#define S_WRAP_LONG 1024	/* longer texts are not kept */

static struct S_wrapped *
S_wrapped_find(struct pl_doc *doc, const char *t, size_t len, float units,
    uint64_t h)
{
	size_t m, i;

	if (doc->wr_ixcap == 0)
		return NULL;
	m = doc->wr_ixcap - 1;
	for (i = (size_t)h & m; doc->wr_ix[i] != 0; i = (i + 1) & m) {
		struct S_wrapped *w = &doc->wr[doc->wr_ix[i] - 1];

		if (w->hash == h && w->len == len && w->units == units &&
		    memcmp(w->text, t, len) == 0)
			return w;
	}
	return NULL;
}

static void
S_wrapped_add(struct pl_doc *doc, const char *t, size_t len, float units,
    uint64_t h, const struct pl_span *ln, int n)
{
	struct S_wrapped *w;
	size_t m, i, k;

	if (doc->n_wr == doc->cap_wr) {
		doc->cap_wr = doc->cap_wr ? 2 * doc->cap_wr : 256;
		doc->wr = cv_realloc(doc->wr, doc->cap_wr * sizeof(*doc->wr));
	}
	if (2 * (doc->n_wr + 1) > doc->wr_ixcap) {
		free(doc->wr_ix);
		doc->wr_ixcap = doc->wr_ixcap ? 2 * doc->wr_ixcap : 512;
		doc->wr_ix = cv_calloc(doc->wr_ixcap, sizeof(size_t));
		m = doc->wr_ixcap - 1;
		for (k = 0; k < doc->n_wr; k++) {
			for (i = (size_t)doc->wr[k].hash & m; doc->wr_ix[i];
			    i = (i + 1) & m)
				;
			doc->wr_ix[i] = k + 1;
		}
	}
	w = &doc->wr[doc->n_wr];
	w->text = cv_strndup(t, len);
	w->len = len;
	w->units = units;
	w->hash = h;
	w->n = n;
	w->ln = cv_malloc((size_t)n * sizeof(*ln));
	memcpy(w->ln, ln, (size_t)n * sizeof(*ln));
	m = doc->wr_ixcap - 1;
	for (i = (size_t)h & m; doc->wr_ix[i] != 0; i = (i + 1) & m)
		;
	doc->wr_ix[i] = ++doc->n_wr;
}

/*
 * Wrap clean text to width (points); returns line count, spans in *out.
 * keep: remember the result (table cells and headings, which recur; not
 * running text, which does not).
 */
static int
S_wrap_doc(struct pl_doc *doc, const char *t, float width, float size,
    int keep, struct pl_span **out)
{
	float units = width * 1000.0f / size;
	size_t len = strlen(t);
	uint64_t h = 0;
	struct S_wrapped *w = NULL;
	int n, i;

	if (keep && len <= S_WRAP_LONG) {
		uint32_t ub;

		memcpy(&ub, &units, sizeof(ub));
		h = S_hash(t, len, ub);
		w = S_wrapped_find(doc, t, len, units, h);
	}
	if (w != NULL) {
		n = w->n;
		*out = cv_malloc((size_t)n * sizeof(**out));
		memcpy(*out, w->ln, (size_t)n * sizeof(**out));
	} else {
		n = pl_wrap(t, len, units, S_cp_width, doc, out);
		if (n < 0) {	/* cannot happen: t is clean */
			*out = cv_calloc(1, sizeof(**out));
			return 1;
		}
		if (keep && len <= S_WRAP_LONG && doc->n_wr < S_WRAP_KEEP)
			S_wrapped_add(doc, t, len, units, h, *out, n);
	}
	for (i = 0; i < n; i++)
		(*out)[i].width *= size / 1000.0f;
	return n;
}

int
pl_paragraph_ex(struct pl_doc *doc, const char *utf8, float size,
    float indent, float width, float leading, enum pl_align align,
    const struct pl_rgb *color)
{
	struct pl_span *ln;
	char *t;
	int n, i;
	float x;

	if (doc->failed || utf8 == NULL)
		return 0;
	if (doc->cur < 0)
		pl_need(doc, 1);
	if (leading <= 0)
		leading = 1.5f * size;
	if (width <= 0)
		width = pl_width(doc) - indent;
	t = S_prepare(doc, utf8, 1);
	n = S_wrap_doc(doc, t, width, size, 0, &ln);
	for (i = 0; i < n; i++) {
		pl_need(doc, leading);
		x = doc->ml + indent;
		if (align == PL_RIGHT)
			x += width - ln[i].width;
		else if (align == PL_CENTER)
			x += (width - ln[i].width) / 2;
		S_show(doc, x, S_baseline(doc->y, size, leading), size, color,
		    t + ln[i].start, ln[i].len);
		doc->y -= leading;
	}
	free(ln);
	free(t);
	return n;
}

int
pl_paragraph(struct pl_doc *doc, const char *utf8, float size, float width,
    float leading)
{
	int n = pl_paragraph_ex(doc, utf8, size, 0, width, leading, PL_LEFT,
	    NULL);

	pl_space(doc, size * 0.6f);
	return n;
}

static void
S_add_heading(struct pl_doc *doc, int level, const char *text, float top)
{
	struct S_heading *h;

	if (doc->n_heads == doc->cap_heads) {
		doc->cap_heads = doc->cap_heads ? 2 * doc->cap_heads : 32;
		doc->heads = cv_realloc(doc->heads,
		    doc->cap_heads * sizeof(*doc->heads));
	}
	h = &doc->heads[doc->n_heads++];
	h->level = level;
	h->text = cv_strdup(text);
	h->page = doc->cur;
	h->top = top;
}

int
pl_heading(struct pl_doc *doc, int level, const char *utf8)
{
	static const float sizes[3] = { 17, 12.5f, 10.5f };
	static const float before[3] = { 6, 12, 8 };
	float size, lead, top;
	struct pl_span *ln;
	char *t;
	int n, i;
	HPDF_Outline parent, ol;
	HPDF_Destination dst;

	if (doc->failed || utf8 == NULL)
		return doc->cur + 1;
	if (level < 1)
		level = 1;
	if (level > 3)
		level = 3;
	size = sizes[level - 1];
	lead = size * 1.35f;
	t = S_prepare(doc, utf8, 0);
	n = S_wrap_doc(doc, t, pl_width(doc), size, 1, &ln);
	/* keep the heading with some of what follows */
	if (doc->cur >= 0 && !doc->force_break &&
	    doc->y < doc->ph - doc->mt - 1)
		pl_space(doc, before[level - 1]);
	pl_need(doc, n * lead + (level == 1 ? (doc->ph - doc->mt - doc->mb) /
	    4 : 60));
	top = doc->y;
	for (i = 0; i < n; i++) {
		S_show(doc, doc->ml, S_baseline(doc->y, size, lead), size,
		    level == 3 ? &doc->pal.text : &doc->pal.accent,
		    t + ln[i].start, ln[i].len);
		doc->y -= lead;
	}
	if (level == 1) {
		doc->y -= 3;
		pl_line(doc, doc->ml, doc->y, pl_right(doc), doc->y, 0.8f,
		    &doc->pal.accent);
		doc->y -= 10;
	} else {
		doc->y -= level == 2 ? 4 : 2;
	}

	parent = level == 1 ? NULL : doc->outline[level - 2];
	if (parent == NULL && level == 3)
		parent = doc->outline[0];
	ol = HPDF_CreateOutline(doc->pdf, parent, t,
	    HPDF_GetEncoder(doc->pdf, "UTF-8"));
	if (ol != NULL) {
		dst = HPDF_Page_CreateDestination(doc->page);
		if (dst != NULL) {
			HPDF_Destination_SetFitH(dst, top + size);
			HPDF_Outline_SetDestination(ol, dst);
		}
		HPDF_Outline_SetOpened(ol, level == 1 ? HPDF_TRUE : HPDF_FALSE);
	}
	doc->outline[level - 1] = ol;
	for (i = level; i < 3; i++)
		doc->outline[i] = NULL;
	S_add_heading(doc, level, t, top + size);
	free(ln);
	free(t);
	return doc->cur + 1;
}

float
pl_heading_height(struct pl_doc *doc, int level, const char *utf8)
{
	static const float sizes[3] = { 17, 12.5f, 10.5f };
	float size, lead;
	struct pl_span *ln = NULL;
	size_t rep = doc->replaced;
	char *t;
	int n;

	if (utf8 == NULL)
		return 0;
	if (level < 1)
		level = 1;
	if (level > 3)
		level = 3;
	size = sizes[level - 1];
	lead = size * 1.35f;
	t = S_prepare(doc, utf8, 0);
	n = S_wrap_doc(doc, t, pl_width(doc), size, 1, &ln);
	doc->replaced = rep;
	free(ln);
	free(t);
	return (float)n * lead + (level == 1 ? 13 : level == 2 ? 4 : 2);
}

/* Marker kinds for list items. */
enum S_marker { S_BULLET, S_BOX_EMPTY, S_BOX_CHECKED };

/* A list item: the marker on the first line, then text with a hanging
 * indent (the marker is drawn first, so it stays on the first line's page
 * even when the text continues on the next page). */
static void
S_item(struct pl_doc *doc, enum S_marker mk, const char *utf8, float size)
{
	float lead = size * 1.5f, base, x, y, s;

	if (doc->failed || utf8 == NULL)
		return;
	pl_need(doc, lead);
	base = S_baseline(doc->y, size, lead);
	if (mk == S_BULLET) {
		float xy[2] = { doc->ml + size * 0.45f, base + 0.33f * size };

		pl_dots(doc, xy, 1, size * 0.16f, &doc->pal.accent, 1);
	} else {
		s = size * 0.85f;
		x = doc->ml + 1;
		y = base - 0.1f * size;
		pl_stroke_rect(doc, x, y, s, s, 0.7f, &doc->pal.text);
		if (mk == S_BOX_CHECKED) {
			float xy[6] = { x + s * 0.2f, y + s * 0.52f,
			    x + s * 0.42f, y + s * 0.25f, x + s * 0.82f,
			    y + s * 0.8f };
			pl_polyline(doc, xy, 3, 1.3f, &doc->pal.accent);
		}
	}
	pl_paragraph_ex(doc, utf8, size, mk == S_BULLET ? size * 1.4f :
	    size * 1.7f, 0, lead, PL_LEFT, NULL);
	pl_space(doc, size * 0.25f);
}

void
pl_bullet(struct pl_doc *doc, const char *utf8, float size)
{
	S_item(doc, S_BULLET, utf8, size);
}

void
pl_checkbox(struct pl_doc *doc, int checked, const char *utf8, float size)
{
	S_item(doc, checked ? S_BOX_CHECKED : S_BOX_EMPTY, utf8, size);
}

void
pl_rule(struct pl_doc *doc)
{
	if (doc->failed)
		return;
	pl_need(doc, 6);
	doc->y -= 3;
	pl_line(doc, doc->ml, doc->y, pl_right(doc), doc->y, 0.5f,
	    &doc->pal.rule);
	doc->y -= 3;
}

/* ---- table of contents ------------------------------------------------ */

int
pl_toc_reserve(struct pl_doc *doc, int n_pages)
{
	int i;

	if (doc->failed || n_pages < 1)
		return -1;
	doc->toc_first = doc->n_pages;
	doc->toc_n = n_pages;
	for (i = 0; i < n_pages; i++)
		pl_page_new(doc, PL_PORTRAIT, 1);
	doc->force_break = 1;
	return doc->toc_first;
}

int
pl_toc_render(struct pl_doc *doc, const char *title, int max_level)
{
	int save_cur = doc->cur, pg, left_out = 0;
	float save_y = doc->y, save_force = (float)doc->force_break;
	size_t i;
	float size = 10, lead = 20;

	if (doc->failed || doc->toc_first < 0)
		return 0;
	pg = doc->toc_first;
	S_select_page(doc, pg);
	doc->y = doc->ph - doc->mt;
	if (title != NULL) {
		char *t = S_prepare(doc, title, 0);
		S_show(doc, doc->ml, S_baseline(doc->y, 17, 23), 17,
		    &doc->pal.accent, t, strlen(t));
		free(t);
		doc->y -= 26;
		pl_line(doc, doc->ml, doc->y, pl_right(doc), doc->y, 0.8f,
		    &doc->pal.accent);
		doc->y -= 14;
	}
	for (i = 0; i < doc->n_heads; i++) {
		const struct S_heading *h = &doc->heads[i];
		char num[16];
		float ind, base, numw, tw, fs;
		HPDF_Destination dst;
		HPDF_Annotation an;
		HPDF_Rect r;

		if (h->level > max_level)
			continue;
		if (doc->y - lead < doc->mb) {
			if (pg + 1 >= doc->toc_first + doc->toc_n) {
				left_out++;
				continue;
			}
			S_select_page(doc, ++pg);
			doc->y = doc->ph - doc->mt;
		}
		fs = h->level == 1 ? size + 0.5f : size;
		ind = (float)(h->level - 1) * 16;
		base = S_baseline(doc->y, fs, lead);
		snprintf(num, sizeof(num), "%d", h->page + 1);
		numw = pl_text_width(doc, num, fs);
		pl_text_fit(doc, doc->ml + ind, base, pl_width(doc) - ind -
		    numw - 30, fs, PL_LEFT, h->level == 1 ? &doc->pal.accent :
		    &doc->pal.text, h->text);
		tw = pl_text_width(doc, h->text, fs);
		if (tw > pl_width(doc) - ind - numw - 30)
			tw = pl_width(doc) - ind - numw - 30;
		pl_dashed_line(doc, doc->ml + ind + tw + 6, base,
		    pl_right(doc) - numw - 6, base, 0.5f, 1, 2,
		    &doc->pal.rule);
		pl_text(doc, pl_right(doc), base, fs, PL_RIGHT, &doc->pal.text,
		    num);
		dst = HPDF_Page_CreateDestination(doc->pages[h->page].page);
		if (dst != NULL) {
			HPDF_Destination_SetFitH(dst, h->top);
			r.left = doc->ml;
			r.right = pl_right(doc);
			r.bottom = doc->y - lead;
			r.top = doc->y;
			an = HPDF_Page_CreateLinkAnnot(doc->page, r, dst);
			if (an != NULL)
				HPDF_LinkAnnot_SetBorderStyle(an, 0, 0, 0);
		}
		doc->y -= lead;
	}
	S_select_page(doc, save_cur);
	doc->y = save_y;
	doc->force_break = (int)save_force;
	return left_out;
}

/* ---- tables ----------------------------------------------------------- */

static float
S_lines_h(int n, float lead, float pady)
{
	return (float)n * lead + 2 * pady;
}

/* Draw one row of clean cells at the cursor; header if hdr. */
static void
S_table_draw_row(struct pl_doc *doc, char **cells, struct pl_span **ln,
    const int *nl, int max_lines, float row_h, int hdr,
    enum pl_row_style style)
{
	const struct pl_palette *p = &doc->pal;
	struct pl_rgb white = { 1, 1, 1 };
	const struct pl_rgb *fg = &p->text;
	float x0 = doc->colx[0], tw = doc->colx[doc->n_cols - 1] +
	    doc->colw[doc->n_cols - 1] - x0;
	int c, i;

	if (hdr) {
		pl_fill_rect(doc, x0, doc->y - row_h, tw, row_h, &p->accent);
		fg = &white;
	} else if (style == PL_ROW_TOTAL) {
		pl_fill_rect(doc, x0, doc->y - row_h, tw, row_h, &p->total);
		pl_line(doc, x0, doc->y, x0 + tw, doc->y, 0.9f, &p->text);
	} else if (style == PL_ROW_SECTION) {
		pl_fill_rect(doc, x0, doc->y - row_h, tw, row_h, &p->total);
		fg = &p->accent;
	} else if (doc->t_zebra && doc->t_row % 2 == 1) {
		pl_fill_rect(doc, x0, doc->y - row_h, tw, row_h, &p->zebra);
	}
	for (c = 0; c < doc->n_cols; c++) {
		float cx = doc->colx[c] + doc->t_padx;
		float cw = doc->colw[c] - 2 * doc->t_padx;
		enum pl_align al = doc->cols[c].align;
		int n = nl[c] < max_lines ? nl[c] : max_lines;

		if (hdr && al == PL_LEFT)
			al = PL_LEFT;
		for (i = 0; i < n; i++) {
			float top = doc->y - doc->t_pady - (float)i * doc->t_lead;
			float base = S_baseline(top, doc->t_size, doc->t_lead);
			const char *s = cells[c] + ln[c][i].start;
			size_t len = ln[c][i].len;

			if (i == n - 1 && n < nl[c]) {
				/* cut: the rest does not fit on a page */
				char *tail = cv_strdup(s);
				pl_text_fit(doc, cx, base, cw, doc->t_size,
				    PL_LEFT, fg, tail);
				free(tail);
				continue;
			}
			if (al == PL_RIGHT)
				S_show(doc, cx + cw - ln[c][i].width, base,
				    doc->t_size, fg, s, len);
			else if (al == PL_CENTER)
				S_show(doc, cx + (cw - ln[c][i].width) / 2,
				    base, doc->t_size, fg, s, len);
			else
				S_show(doc, cx, base, doc->t_size, fg, s, len);
		}
	}
	doc->y -= row_h;
}

/*
 * S_table_draw_row as a stamp: table headers always (they recur after
 * page breaks and on every scorecard), body rows when the table asked.
 */
static void
S_table_stamp_row(struct pl_doc *doc, char **cells, struct pl_span **ln,
    const int *nl, int max_lines, float row_h, int hdr,
    enum pl_row_style style)
{
	struct buf k;
	int c, zebra = !hdr && style == PL_ROW_NORMAL && doc->t_zebra &&
	    doc->t_row % 2 == 1;
	float y = doc->y;

	if (!hdr && !doc->t_stamp) {
		S_table_draw_row(doc, cells, ln, nl, max_lines, row_h, hdr,
		    style);
		return;
	}
	buf_init(&k);
	buf_add(&k, hdr ? "H" : "R", 1);
	buf_add(&k, (const char *)&style, sizeof(style));
	buf_add(&k, (const char *)&zebra, sizeof(zebra));
	buf_add(&k, (const char *)&max_lines, sizeof(max_lines));
	buf_add(&k, (const char *)&doc->n_cols, sizeof(doc->n_cols));
	S_key_f(&k, row_h);
	S_key_f(&k, doc->t_size);
	S_key_f(&k, doc->t_lead);
	S_key_f(&k, doc->t_padx);
	S_key_f(&k, doc->t_pady);
	for (c = 0; c < doc->n_cols; c++) {
		S_key_f(&k, doc->colx[c]);
		S_key_f(&k, doc->colw[c]);
		buf_add(&k, (const char *)&doc->cols[c].align,
		    sizeof(doc->cols[c].align));
		buf_add(&k, (const char *)&nl[c], sizeof(nl[c]));
		S_key_s(&k, cells[c]);
	}
	if (pl_stamp_begin(doc, k.data, k.len, 0, y))
		S_table_draw_row(doc, cells, ln, nl, max_lines, row_h, hdr,
		    style);
	else
		doc->y = y - row_h;
	pl_stamp_end(doc);
	buf_free(&k);
}

void
pl_table_stamp_rows(struct pl_doc *doc)
{
	if (doc->in_table)
		doc->t_stamp = 1;
}

/* Clean, wrap and measure a row; returns its height. */
static float
S_table_prepare(struct pl_doc *doc, const char *const *cells, int n,
    char **clean, struct pl_span **ln, int *nl, int *max_lines)
{
	int c, m = 1;

	for (c = 0; c < doc->n_cols; c++) {
		const char *v = c < n && cells[c] != NULL ? cells[c] : "";
		clean[c] = S_prepare(doc, v, 1);
		nl[c] = S_wrap_doc(doc, clean[c], doc->colw[c] -
		    2 * doc->t_padx, doc->t_size, 1, &ln[c]);
		if (nl[c] > m)
			m = nl[c];
	}
	*max_lines = m;
	return S_lines_h(m, doc->t_lead, doc->t_pady);
}

static void
S_table_release(struct pl_doc *doc, char **clean, struct pl_span **ln)
{
	int c;

	for (c = 0; c < doc->n_cols; c++) {
		free(clean[c]);
		free(ln[c]);
	}
}

/* Largest number of lines a body row may have on an empty page. */
static int
S_table_max_lines(struct pl_doc *doc, float header_h)
{
	float body = doc->ph - doc->mt - doc->mb - header_h - 2 * doc->t_pady;
	int m = (int)(body / doc->t_lead);

	return m < 1 ? 1 : m;
}

static float
S_table_header(struct pl_doc *doc, int draw)
{
	const char **titles = cv_calloc((size_t)doc->n_cols, sizeof(char *));
	char **clean = cv_calloc((size_t)doc->n_cols, sizeof(char *));
	struct pl_span **ln = cv_calloc((size_t)doc->n_cols, sizeof(*ln));
	int *nl = cv_calloc((size_t)doc->n_cols, sizeof(int));
	int c, m;
	float h;

	for (c = 0; c < doc->n_cols; c++)
		titles[c] = doc->cols[c].title;
	h = S_table_prepare(doc, titles, doc->n_cols, clean, ln, nl, &m);
	if (m > 3) {		/* keep the header to three lines */
		m = 3;
		h = S_lines_h(m, doc->t_lead, doc->t_pady);
	}
	if (draw)
		S_table_stamp_row(doc, clean, ln, nl, m, h, 1, PL_ROW_NORMAL);
	S_table_release(doc, clean, ln);
	free(titles);
	free(clean);
	free(ln);
	free(nl);
	return h;
}

/*
 * Narrowest width a header title needs so that no word is split: the
 * widest space-separated Latin word, or a whole CJK run when it is short
 * (up to six characters; a longer run may wrap, at about half its width).
 */
static float
S_title_min(struct pl_doc *doc, const char *title, float size)
{
	char *t;
	size_t i = 0, n, ws = 0;
	float best = 0;

	if (title == NULL || title[0] == '\0')
		return 0;
	t = S_prepare(doc, title, 1);
	n = strlen(t);
	while (i <= n) {
		if (i == n || t[i] == ' ' || t[i] == '\n') {
			if (i > ws) {
				float w = S_width_n(doc, t + ws, i - ws, size);
				size_t k = ws;
				int cjk = 0;

				while (k < i) {
					if (pl_is_cjk(S_decode(t, i, &k)))
						cjk = 1;
				}
				if (cjk && w > 6.05f * size)
					w = w / 2 + size;
				if (w > best)
					best = w;
			}
			ws = i + 1;
		}
		i++;
	}
	free(t);
	return best;
}

/* Column widths for cols at size into w (n entries), filling width total. */
static void
S_table_widths(struct pl_doc *doc, const struct pl_col *cols, int n_cols,
    float size, float padx, float total, float *w)
{
	float fixed = 0, wsum = 0, rest, scale, sum, deficit = 0, slack = 0;
	float *minw = cv_calloc((size_t)n_cols, sizeof(float));
	int c;

	for (c = 0; c < n_cols; c++) {
		if (cols[c].width > 0)
			fixed += cols[c].width;
		else
			wsum += cols[c].weight > 0 ? cols[c].weight : 1;
	}
	rest = total - fixed;
	scale = 1;
	if (rest < 0 || (wsum == 0 && fixed > 0)) {
		/* fixed widths do not fill the line exactly: scale them */
		scale = total / fixed;
		rest = 0;
	}
	for (c = 0; c < n_cols; c++) {
		float m;

		if (cols[c].width > 0)
			w[c] = cols[c].width * scale;
		else
			w[c] = wsum > 0 ? rest * (cols[c].weight > 0 ?
			    cols[c].weight : 1) / wsum : 0;
		/* a column narrower than one full-width character plus
		 * padding cannot hold text; nor should a header word be
		 * split when there is room elsewhere */
		m = S_title_min(doc, cols[c].title, size) + 2 * padx + 0.5f;
		if (m < size + 2 * padx)
			m = size + 2 * padx;
		minw[c] = m;
		if (w[c] < m)
			deficit += m - w[c];
		else
			slack += w[c] - m;
	}
	if (deficit > 0 && slack > 0) {
		/* take what the narrow columns need from the wide ones, in
		 * proportion to what each can spare */
		float k = deficit < slack ? deficit / slack : 1;

		for (c = 0; c < n_cols; c++) {
			if (w[c] < minw[c])
				w[c] = deficit <= slack ? minw[c] :
				    w[c] + (minw[c] - w[c]) * slack / deficit;
			else
				w[c] -= (w[c] - minw[c]) * k;
		}
	}
	free(minw);
	sum = 0;
	for (c = 0; c < n_cols; c++)
		sum += w[c];
	if (sum > total + 0.01f) {
		/* minimum widths overflowed: shrink everything evenly */
		float k = total / sum;
		for (c = 0; c < n_cols; c++)
			w[c] *= k;
	}
}

void
pl_table_begin(struct pl_doc *doc, const struct pl_col *cols, int n_cols,
    float size, int zebra)
{
	float x;
	int c;

	if (doc->failed || n_cols < 1)
		return;
	if (doc->cur < 0)
		pl_need(doc, 1);
	free(doc->cols);
	free(doc->colx);
	free(doc->colw);
	doc->cols = cv_calloc((size_t)n_cols, sizeof(*doc->cols));
	doc->colx = cv_calloc((size_t)n_cols, sizeof(float));
	doc->colw = cv_calloc((size_t)n_cols, sizeof(float));
	memcpy(doc->cols, cols, (size_t)n_cols * sizeof(*cols));
	doc->n_cols = n_cols;
	doc->t_size = size > 0 ? size : 8.5f;
	doc->t_lead = doc->t_size * 1.32f;
	doc->t_padx = 4;
	doc->t_pady = 3.5f;
	doc->t_zebra = zebra;
	doc->t_row = 0;
	doc->t_stamp = 0;
	doc->in_table = 1;

	S_table_widths(doc, cols, n_cols, doc->t_size, doc->t_padx,
	    pl_width(doc), doc->colw);
	x = doc->ml;
	for (c = 0; c < n_cols; c++) {
		doc->colx[c] = x;
		x += doc->colw[c];
	}
	{
		size_t rep = doc->replaced;
		float hh = S_table_header(doc, 0);

		doc->t_hh = hh;
		doc->t_hbad = doc->replaced - rep;
		pl_need(doc, hh + 2 * S_lines_h(1, doc->t_lead, doc->t_pady));
		S_table_header(doc, 1);
	}
}

/* Lines of the tallest cell when cells are wrapped in widths w. */
static int
S_cells_lines(struct pl_doc *doc, const float *w, int n_cols, float size,
    float padx, const char *const *cells, int n)
{
	int c, m = 1;

	for (c = 0; c < n_cols; c++) {
		const char *v = c < n && cells[c] != NULL ? cells[c] : "";
		char *t = S_prepare(doc, v, 1);
		struct pl_span *ln = NULL;
		int k = S_wrap_doc(doc, t, w[c] - 2 * padx, size, 1, &ln);

		if (k > m)
			m = k;
		free(ln);
		free(t);
	}
	return m;
}

static int
S_same_cols(const struct S_widths *c, const struct pl_col *cols, int n_cols,
    float size, float total)
{
	int k;

	if (c->n_cols != n_cols || c->size != size || c->total != total)
		return 0;
	for (k = 0; k < n_cols; k++) {
		const char *a = c->cols[k].title, *b = cols[k].title;

		if (c->cols[k].width != cols[k].width ||
		    c->cols[k].weight != cols[k].weight ||
		    (a == NULL) != (b == NULL) ||
		    (a != NULL && strcmp(a, b) != 0))
			return 0;
	}
	return 1;
}

/*
 * S_table_widths for pl_table_measure, which a scorecard calls for every
 * row of its lists: the widths of the last few column sets are kept.
 */
static void
S_measure_widths(struct pl_doc *doc, const struct pl_col *cols, int n_cols,
    float size, float total, float *w)
{
	struct S_widths *c;
	int i, k;

	for (i = 0; i < 4; i++) {
		c = &doc->tw_cache[i];
		if (S_same_cols(c, cols, n_cols, size, total)) {
			memcpy(w, c->w, (size_t)n_cols * sizeof(float));
			return;
		}
	}
	S_table_widths(doc, cols, n_cols, size, 4, total, w);
	if (n_cols > S_WCOLS)
		return;
	c = &doc->tw_cache[doc->tw_next];
	doc->tw_next = (doc->tw_next + 1) % 4;
	for (k = 0; k < c->n_cols; k++)
		free(c->title[k]);
	c->n_cols = n_cols;
	c->size = size;
	c->total = total;
	for (k = 0; k < n_cols; k++) {
		c->cols[k] = cols[k];
		c->title[k] = cols[k].title != NULL ? cv_strdup(cols[k].title) :
		    NULL;
		c->cols[k].title = c->title[k];
		c->w[k] = w[k];
	}
}

float
pl_table_measure(struct pl_doc *doc, const struct pl_col *cols, int n_cols,
    float size, const char *const *cells, int n)
{
	float *w, lead, h;
	const char **titles = NULL;
	int m, c;
	size_t rep = doc->replaced;

	if (n_cols < 1)
		return 0;
	if (size <= 0)
		size = 8.5f;
	lead = size * 1.32f;
	w = cv_calloc((size_t)n_cols, sizeof(float));
	S_measure_widths(doc, cols, n_cols, size, pl_width(doc), w);
	if (cells == NULL) {
		titles = cv_calloc((size_t)n_cols, sizeof(char *));
		for (c = 0; c < n_cols; c++)
			titles[c] = cols[c].title;
		m = S_cells_lines(doc, w, n_cols, size, 4, titles, n_cols);
		if (m > 3)
			m = 3;
	} else {
		m = S_cells_lines(doc, w, n_cols, size, 4, cells, n);
	}
	doc->replaced = rep;	/* measuring draws nothing */
	h = S_lines_h(m, lead, 3.5f);
	free(titles);
	free(w);
	return h;
}

float
pl_table_row_height(struct pl_doc *doc, const char *const *cells, int n)
{
	size_t rep = doc->replaced;
	int m;

	if (!doc->in_table)
		return 0;
	m = S_cells_lines(doc, doc->colw, doc->n_cols, doc->t_size,
	    doc->t_padx, cells, n);
	doc->replaced = rep;
	return S_lines_h(m, doc->t_lead, doc->t_pady);
}

void
pl_table_row(struct pl_doc *doc, const char *const *cells, int n,
    enum pl_row_style style)
{
	char **clean;
	struct pl_span **ln;
	int *nl, m, cap;
	float h, hh;

	if (doc->failed || !doc->in_table)
		return;
	clean = cv_calloc((size_t)doc->n_cols, sizeof(char *));
	ln = cv_calloc((size_t)doc->n_cols, sizeof(*ln));
	nl = cv_calloc((size_t)doc->n_cols, sizeof(int));
	h = S_table_prepare(doc, cells, n, clean, ln, nl, &m);
	hh = doc->t_hh;
	doc->replaced += doc->t_hbad;
	cap = S_table_max_lines(doc, hh);
	if (m > cap) {
		m = cap;
		h = S_lines_h(m, doc->t_lead, doc->t_pady);
	}
	if (pl_remaining(doc) < h) {
		pl_line(doc, doc->colx[0], doc->y, doc->colx[doc->n_cols - 1] +
		    doc->colw[doc->n_cols - 1], doc->y, 0.5f, &doc->pal.rule);
		pl_page_new(doc, doc->orient, 1);
		S_table_header(doc, 1);
	}
	S_table_stamp_row(doc, clean, ln, nl, m, h, 0, style);
	if (style == PL_ROW_NORMAL)
		doc->t_row++;
	S_table_release(doc, clean, ln);
	free(clean);
	free(ln);
	free(nl);
}

void
pl_table_end(struct pl_doc *doc)
{
	if (!doc->in_table)
		return;
	doc->in_table = 0;
	doc->t_stamp = 0;
	pl_line(doc, doc->colx[0], doc->y, doc->colx[doc->n_cols - 1] +
	    doc->colw[doc->n_cols - 1], doc->y, 0.5f, &doc->pal.rule);
	pl_space(doc, 12);
}

/* ---- images ----------------------------------------------------------- */

enum S_imgkind { S_IMG_BAD, S_IMG_PNG, S_IMG_JPEG };

static enum S_imgkind
S_image_kind(const char *path, char *msg, size_t msgsz)
{
	unsigned char h[24];
	FILE *fp = fopen(path, "rb");
	size_t n;

	if (fp == NULL) {
		snprintf(msg, msgsz, "%s: cannot open image", path);
		return S_IMG_BAD;
	}
	n = fread(h, 1, sizeof(h), fp);
	fclose(fp);
	if (n >= 24 && memcmp(h, "\x89PNG\r\n\x1a\n", 8) == 0) {
		unsigned long w = (unsigned long)h[16] << 24 | h[17] << 16 |
		    h[18] << 8 | h[19];
		unsigned long ht = (unsigned long)h[20] << 24 | h[21] << 16 |
		    h[22] << 8 | h[23];
		if (memcmp(h + 12, "IHDR", 4) != 0 || w == 0 || ht == 0 ||
		    w > 10000 || ht > 10000) {
			snprintf(msg, msgsz, "%s: unsupported PNG header",
			    path);
			return S_IMG_BAD;
		}
		return S_IMG_PNG;
	}
	if (n >= 3 && h[0] == 0xFF && h[1] == 0xD8 && h[2] == 0xFF)
		return S_IMG_JPEG;
	snprintf(msg, msgsz, "%s: not a PNG or JPEG image", path);
	return S_IMG_BAD;
}

/*
 * libharu decodes PNG with libpng but installs no recovery point, so a
 * corrupt PNG aborts the process.  Try it in a child process first.  Other
 * threads may be running (the page compressor, the other renderer): the
 * child allocates, which glibc's malloc makes safe after fork, and takes
 * no other lock a thread could have held.
 */
static int
S_png_loads(const char *path)
{
	pid_t pid;
	int st;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return 0;
	if (pid == 0) {
		HPDF_Doc pdf;

		/* libpng reports on stderr: nothing here may print */
		if (freopen("/dev/null", "w", stderr) == NULL)
			_exit(1);
		pdf = HPDF_New(NULL, NULL);
		_exit(pdf != NULL && HPDF_LoadPngImageFromFile(pdf, path) !=
		    NULL ? 0 : 1);
	}
	while (waitpid(pid, &st, 0) < 0)
		;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

int
pl_image(struct pl_doc *doc, const char *path, float x, float y,
    float max_w, float max_h, char *err, size_t errsz)
{
	char msg[400];
	enum S_imgkind kind;
	HPDF_Image im;
	const char *name;
	float iw, ih, k, w, h;
	int was_failed = doc->failed;

	if (!S_ok(doc)) {
		S_copy_err(err, errsz, doc->failed ? doc->err : "no page");
		return -1;
	}
	kind = S_image_kind(path, msg, sizeof(msg));
	if (kind == S_IMG_PNG && !S_png_loads(path)) {
		snprintf(msg, sizeof(msg), "%s: corrupt PNG image", path);
		kind = S_IMG_BAD;
	}
	if (kind == S_IMG_BAD) {
		S_copy_err(err, errsz, msg);
		return -1;
	}
	im = kind == S_IMG_PNG ? HPDF_LoadPngImageFromFile(doc->pdf, path) :
	    HPDF_LoadJpegImageFromFile(doc->pdf, path);
	if (im == NULL || (!was_failed && doc->failed)) {
		snprintf(msg, sizeof(msg), "%s: %s", path,
		    doc->failed ? doc->err : "cannot load image");
		S_copy_err(err, errsz, msg);
		/* an image error must not spoil the document */
		if (!was_failed) {
			doc->failed = 0;
			doc->err[0] = '\0';
			HPDF_ResetError(doc->pdf);
		}
		return -1;
	}
	iw = (float)HPDF_Image_GetWidth(im);
	ih = (float)HPDF_Image_GetHeight(im);
	if (iw <= 0 || ih <= 0) {
		S_copy_err(err, errsz, "image has no size");
		return -1;
	}
	k = max_w / iw < max_h / ih ? max_w / iw : max_h / ih;
	w = iw * k;
	h = ih * k;
	/* what HPDF_Page_DrawImage writes, in the page's own content */
	if (!S_no_record(doc))
		return -1;
	name = HPDF_Page_GetXObjectName(doc->page, im);
	if (name == NULL) {
		S_fail(doc, "libharu: cannot add an image to a page");
		return -1;
	}
	S_text_off(doc);
	S_CS_LIT(doc, "q\n");
	S_cs_pt(doc, w);
	S_CS_LIT(doc, "0 0 ");
	S_cs_pt(doc, h);
	S_cs_pt(doc, x);
	S_cs_pt(doc, y + (max_h - h) / 2);
	S_CS_LIT(doc, "cm\n/");
	S_cs_add(doc, name, strlen(name));
	S_CS_LIT(doc, " Do\nQ\n");
	return 0;
}

/* ---- finishing -------------------------------------------------------- */

/* Footer text: first %d = page, second = count, %% = %. */
static void
S_footer_text(const char *fmt, int page, int count, struct buf *b)
{
	const char *p;
	int used = 0;
	char num[16];

	for (p = fmt; *p; p++) {
		if (p[0] == '%' && p[1] == 'd') {
			snprintf(num, sizeof(num), "%d", used == 0 ? page :
			    count);
			if (used < 2)
				buf_puts(b, num);
			used++;
			p++;
		} else if (p[0] == '%' && p[1] == '%') {
			buf_add(b, "%", 1);
			p++;
		} else {
			buf_add(b, p, 1);
		}
	}
}

static void
S_decorate(struct pl_doc *doc, int idx)
{
	const struct pl_palette *p = &doc->pal;
	float fs = 7.5f, yh, yf, w;
	struct buf b;

	S_select_page(doc, idx);
	yh = doc->ph - doc->mt + 22;
	yf = doc->mb - 30;
	w = pl_width(doc);
	/* all but the page number is the same on every page of a size */
	buf_init(&b);
	S_key_f(&b, doc->pw);
	S_key_f(&b, doc->ph);
	S_key_f(&b, doc->ml);
	S_key_f(&b, doc->mr);
	S_key_f(&b, doc->mt);
	S_key_f(&b, doc->mb);
	S_key_s(&b, doc->hdr_l);
	S_key_s(&b, doc->hdr_r);
	S_key_s(&b, doc->ftr_l);
	if (!pl_stamp_begin(doc, b.data, b.len, 0, 0))
		goto number;
	if (doc->hdr_l != NULL || doc->hdr_r != NULL) {
		float wr = doc->hdr_r ? pl_text_width(doc, doc->hdr_r, fs) : 0;
		if (doc->hdr_l != NULL)
			pl_text_fit(doc, doc->ml, yh, w - wr - 20, fs, PL_LEFT,
			    &p->muted, doc->hdr_l);
		if (doc->hdr_r != NULL)
			pl_text_fit(doc, pl_right(doc), yh, w / 2, fs,
			    PL_RIGHT, &p->muted, doc->hdr_r);
		pl_line(doc, doc->ml, yh - 7, pl_right(doc), yh - 7, 0.4f,
		    &p->rule);
	}
	pl_line(doc, doc->ml, yf + 12, pl_right(doc), yf + 12, 0.4f, &p->rule);
	if (doc->ftr_l != NULL)
		pl_text_fit(doc, doc->ml, yf, w * 0.6f, fs, PL_LEFT, &p->muted,
		    doc->ftr_l);
number:
	pl_stamp_end(doc);
	buf_free(&b);
	if (doc->ftr_fmt != NULL) {
		buf_init(&b);
		buf_add(&b, "", 0);
		S_footer_text(doc->ftr_fmt, idx + 1, doc->n_pages, &b);
		pl_text(doc, pl_right(doc), yf, fs, PL_RIGHT, &p->muted,
		    b.data);
		buf_free(&b);
	}
}

int
pl_doc_save(struct pl_doc *doc, const char *path, char *err, size_t errsz)
{
	int i;

	if (doc->saved) {
		S_copy_err(err, errsz, "document already saved");
		return -1;
	}
	doc->saved = 1;
	if (doc->in_table)
		pl_table_end(doc);
	if (doc->n_pages == 0)
		pl_page_new(doc, PL_PORTRAIT, 1);
	for (i = 0; i < doc->n_pages && !doc->failed; i++)
		if (doc->pages[i].decorate)
			S_decorate(doc, i);
	S_flush(doc);
	if (doc->zq != NULL && !doc->failed)
		S_zq_finish(doc);
	if (!doc->failed)
		HPDF_SaveToFile(doc->pdf, path);
	if (doc->failed) {
		char msg[600];

		snprintf(msg, sizeof(msg), "%s: %s", path, doc->err);
		S_copy_err(err, errsz, msg);
		return -1;
	}
	return 0;
}
