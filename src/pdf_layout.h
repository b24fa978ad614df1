/* pdf_layout.h: a small flowing-document model over libharu (pages, text, tables, charts). */
#ifndef CUSTEVAL_PDF_LAYOUT_H
#define CUSTEVAL_PDF_LAYOUT_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

/*
 * Overview
 * --------
 * A pl_doc holds one libharu document, one embedded TrueType font (UTF-8),
 * a page list and a cursor that flows down the current page.  Block
 * elements (headings, paragraphs, tables, charts taken with pl_take) start
 * at the cursor, call pl_need() so they never run off the page, and move the
 * cursor down.  Running headers and "page X of Y" footers are drawn by
 * pl_doc_save() once the page count is known.
 *
 * Units: points (1/72 inch); y grows upwards as in PDF; the cursor is the
 * y of the top of the next block.  Text is UTF-8.  Invalid UTF-8, control
 * characters and characters the font lacks are replaced by '?' (counted,
 * see pl_doc_replaced()), never handed to libharu.
 *
 * Errors: libharu errors are stored in the doc (first one wins); drawing
 * calls after an error do nothing, and pl_doc_save() reports it.  Nothing
 * here prints or exits.  Strings passed in are copied or used only during
 * the call (the caller keeps ownership).
 *
 * Only pdf_layout.c, pdf_chart.c and render_pdf.c include <hpdf.h>; this
 * header does not.
 */

struct pl_doc;

/* ---- colours ---------------------------------------------------------- */

struct pl_rgb {
	float r, g, b;		/* 0..1 */
};

#define PL_SERIES_MAX 6

struct pl_palette {
	struct pl_rgb accent;		/* headings, table header, main series */
	struct pl_rgb text;		/* body text */
	struct pl_rgb muted;		/* captions, axis labels, header/footer */
	struct pl_rgb rule;		/* hairlines, grid lines */
	struct pl_rgb zebra;		/* alternate table rows */
	struct pl_rgb total;		/* total-row fill */
	struct pl_rgb series[PL_SERIES_MAX];	/* series[0] is the accent */
	int n_series;
};

/* Muted palette with a dark-teal accent. */
void pl_palette_default(struct pl_palette *pal);
/* Same palette with another accent (series[0] follows it). */
void pl_palette_accent(struct pl_palette *pal, float r, float g, float b);
/* 0xRRGGBB to a colour. */
struct pl_rgb pl_rgb_hex(unsigned long rgb);

/* ---- document --------------------------------------------------------- */

enum pl_orient { PL_PORTRAIT, PL_LANDSCAPE };	/* A4 */
enum pl_align { PL_LEFT, PL_RIGHT, PL_CENTER };

/*
 * Choose the report font: `built` (fonts/build-font.py output) if it is a
 * readable file, else AR PL UMing (index 0 simplified, 2 traditional).
 * Returns the path and sets *ttc_index (-1 for a .ttf); NULL if neither.
 */
const char *pl_font_choose(const char *built, int traditional, int *ttc_index);

/*
 * New document with the font embedded (subset).  ttc_index -1 loads a .ttf,
 * >= 0 a member of a .ttc.  NULL on failure with a message in err.
 */
struct pl_doc *pl_doc_new(const char *font_path, int ttc_index, char *err,
    size_t errsz);
void pl_doc_free(struct pl_doc *doc);

/* Document properties (UTF-8, NULL = leave unset). */
void pl_doc_set_info(struct pl_doc *doc, const char *title,
    const char *author, const char *subject, const char *keywords,
    const char *creator);
/* Creation/modification date (the evaluation date, never the clock). */
void pl_doc_set_date(struct pl_doc *doc, int year, int month, int day);
void pl_doc_set_palette(struct pl_doc *doc, const struct pl_palette *pal);
const struct pl_palette *pl_doc_palette(const struct pl_doc *doc);

/*
 * Running header and footer, drawn on every page except those made with
 * pl_page_new(doc, o, 0).  footer_fmt has up to two "%d": page number and
 * page count, e.g. "第 %d 页 / 共 %d 页" or "Page %d of %d" ("%%" is a %;
 * nothing else is interpreted).  Any may be NULL.
 */
void pl_doc_set_decoration(struct pl_doc *doc, const char *header_left,
    const char *header_right, const char *footer_left,
    const char *footer_fmt);

/* Margins in points (defaults 56 left/right, 64 top, 60 bottom). */
void pl_doc_set_margins(struct pl_doc *doc, float left, float right,
    float top, float bottom);

/*
 * Draws headers/footers and writes the file.  0 on success; -1 with err.
 * The caller writes to a temporary name and renames.  Call once.
 */
int pl_doc_save(struct pl_doc *doc, const char *path, char *err,
    size_t errsz);

/* First error so far ("" if none). */
const char *pl_doc_error(const struct pl_doc *doc);
/* Characters replaced by '?' so far (invalid UTF-8, missing glyphs). */
size_t pl_doc_replaced(const struct pl_doc *doc);

/* ---- pages and cursor ------------------------------------------------- */

/*
 * Start a page; later automatic page breaks use the same orientation.
 * decorate = 0 leaves out header and footer (a cover page); it still counts.
 */
void pl_page_new(struct pl_doc *doc, enum pl_orient orient, int decorate);
int pl_page_count(const struct pl_doc *doc);
int pl_page_number(const struct pl_doc *doc);	/* current, 1-based */

/* Content box of the current page. */
float pl_left(const struct pl_doc *doc);
float pl_right(const struct pl_doc *doc);
float pl_width(const struct pl_doc *doc);
float pl_top(const struct pl_doc *doc);
float pl_bottom(const struct pl_doc *doc);

float pl_y(const struct pl_doc *doc);
void pl_set_y(struct pl_doc *doc, float y);
/* Move the cursor down by dy (no page break; clamps at the bottom). */
void pl_space(struct pl_doc *doc, float dy);
/* Space left below the cursor. */
float pl_remaining(const struct pl_doc *doc);
/* New page if less than h is left (or no page yet); 1 if it broke. */
int pl_need(struct pl_doc *doc, float h);

/* A rectangle: x, y of the lower-left corner, w, h. */
struct pl_box {
	float x, y, w, h;
};
/* Reserve h points at the cursor, full width (page break if needed). */
struct pl_box pl_take(struct pl_doc *doc, float h);

/* ---- text ------------------------------------------------------------- */

/* Width of UTF-8 text (one line) at size points. */
float pl_text_width(struct pl_doc *doc, const char *utf8, float size);

/*
 * One line at baseline y.  x is the left edge, right edge or centre
 * depending on align.  Newlines are shown as spaces.
 */
void pl_text(struct pl_doc *doc, float x, float y, float size,
    enum pl_align align, const struct pl_rgb *color, const char *utf8);
/* Same, cut to width with "…" if it does not fit (x as for pl_text). */
void pl_text_fit(struct pl_doc *doc, float x, float y, float width,
    float size, enum pl_align align, const struct pl_rgb *color,
    const char *utf8);

/*
 * Wrapped paragraph at the cursor, breaking pages between lines.
 * width <= 0 means the full content width; leading is the line pitch
 * (<= 0: 1.5 x size).  Returns the number of lines.
 */
int pl_paragraph(struct pl_doc *doc, const char *utf8, float size,
    float width, float leading);
/* Same with alignment, indent from the left margin and colour. */
int pl_paragraph_ex(struct pl_doc *doc, const char *utf8, float size,
    float indent, float width, float leading, enum pl_align align,
    const struct pl_rgb *color);

/*
 * Heading level 1-3 at the cursor with a bookmark (outline entry).
 * Level 1 starts a new page if less than a quarter page is left.
 * Returns the 1-based page number (for a table of contents).
 */
int pl_heading(struct pl_doc *doc, int level, const char *utf8);

/* Bulleted item (wrapped, hanging indent). */
void pl_bullet(struct pl_doc *doc, const char *utf8, float size);
/* Checklist item: a drawn square, ticked when checked, then wrapped text. */
void pl_checkbox(struct pl_doc *doc, int checked, const char *utf8,
    float size);
/* Thin horizontal rule at the cursor across the content width. */
void pl_rule(struct pl_doc *doc);

/*
 * Table of contents: reserve n_pages pages now (after the cover), then,
 * when all headings exist, pl_toc_render() fills them with the headings
 * up to max_level, with page numbers and clickable links.  Entries that do
 * not fit are left out; returns how many were left out.
 */
int pl_toc_reserve(struct pl_doc *doc, int n_pages);
int pl_toc_render(struct pl_doc *doc, const char *title, int max_level);

/* ---- tables ----------------------------------------------------------- */

struct pl_col {
	const char *title;
	float width;		/* points; 0 = share the rest by weight */
	float weight;		/* relative share when width is 0 (0 = 1) */
	enum pl_align align;	/* numbers: PL_RIGHT */
};

enum pl_row_style {
	PL_ROW_NORMAL,
	PL_ROW_TOTAL,		/* rule above, tinted, never zebra */
	PL_ROW_SECTION		/* a group label row: muted, tinted */
};

/*
 * Streamed table at the cursor: begin, rows, end.  Cells wrap within their
 * column; a row is never split; the header row repeats after each page
 * break.  size is the cell font size (<= 0: 8.5).  Columns are copied.
 */
void pl_table_begin(struct pl_doc *doc, const struct pl_col *cols,
    int n_cols, float size, int zebra);
/* n cells (missing trailing cells are empty; NULL cells are empty). */
void pl_table_row(struct pl_doc *doc, const char *const *cells, int n,
    enum pl_row_style style);
void pl_table_end(struct pl_doc *doc);
/*
 * Height a row would take, without drawing: pl_table_measure for a table
 * with these columns at size (cells NULL: the header row), and
 * pl_table_row_height for a row of the current table.  Add 12 points for
 * pl_table_end's space after a table.
 */
float pl_table_measure(struct pl_doc *doc, const struct pl_col *cols,
    int n_cols, float size, const char *const *cells, int n);
float pl_table_row_height(struct pl_doc *doc, const char *const *cells,
    int n);
/* Height pl_heading(doc, level, utf8) takes at the top of a page (without
 * the space before it, which a page top leaves out). */
float pl_heading_height(struct pl_doc *doc, int level, const char *utf8);

/*
 * Let the body rows of the current table be stamps (below): for tables
 * whose rows recur from page to page, such as the policies and checklist
 * of every scorecard.  Until pl_table_end.
 */
void pl_table_stamp_rows(struct pl_doc *doc);

/* ---- stamps ----------------------------------------------------------- */

/*
 * Drawing that recurs page after page (a chart's frame and labels, a table
 * header, a row of tiles) is written into the file once, as a form
 * XObject, and then only placed: smaller files, less to compress.
 *
 *     if (pl_stamp_begin(doc, key, keylen, x, y))
 *             ... draw, as on the page ...
 *     pl_stamp_end(doc);
 *
 * The first time for a key, pl_stamp_begin returns 1: the caller draws and
 * the drawing is recorded.  Afterwards it returns 0 and the caller draws
 * nothing: pl_stamp_end places the recording, moved by (x, y) minus where
 * it was recorded.  The key (any bytes) must determine everything drawn
 * relative to (x, y).  Inside: shapes, lines, opaque dots and text, no
 * page change, image or translucent dots.  Nested calls draw into the
 * outer stamp.
 */
int pl_stamp_begin(struct pl_doc *doc, const void *key, size_t keylen,
    float x, float y);
void pl_stamp_end(struct pl_doc *doc);

/* ---- images ----------------------------------------------------------- */

/*
 * PNG or JPEG (by content) drawn inside the box x, y (lower-left), max_w,
 * max_h, scaled to fit preserving the aspect ratio, centred vertically and
 * aligned left.  The file is checked first (a broken PNG would abort
 * inside libpng).  0 on success, -1 with a message in err.
 */
int pl_image(struct pl_doc *doc, const char *path, float x, float y,
    float max_w, float max_h, char *err, size_t errsz);

/* ---- charts (pdf_chart.c) --------------------------------------------- */

/* Tick label formatter: write v into buf (size n). */
typedef void (*pl_fmt_fn)(double v, char *buf, size_t n, void *ctx);

struct pl_axis {
	const char *title;	/* NULL = none */
	double min, max;	/* both 0 = automatic from the data */
	int ticks;		/* approximate tick count (0 = 5) */
	int decimals;		/* tick labels when fmt is NULL */
	pl_fmt_fn fmt;		/* optional */
	void *fmt_ctx;
	int log10;		/* logarithmic axis (values <= 0 clamp) */
};

/* Horizontal bars (pl_chart_hbar) or columns (pl_chart_column). */
struct pl_bar_chart {
	const char *title;		/* NULL = none */
	const char *const *labels;	/* n category labels */
	const double *values;		/* n values */
	size_t n;
	struct pl_axis axis;		/* value axis; 0..100 for indicators */
	const int *series;		/* per-bar palette index, or NULL */
	int value_labels;		/* print values at the bar ends */
	int has_ref;			/* draw a reference line at ref */
	double ref;
	const char *ref_label;
};

struct pl_series {
	const char *name;		/* legend text */
	const double *values;		/* n_points values; NaN = gap */
};

struct pl_line_chart {
	const char *title;
	const char *const *x_labels;	/* n_points labels (months, years) */
	size_t n_points;
	const struct pl_series *series;
	size_t n_series;		/* up to PL_SERIES_MAX */
	struct pl_axis y;
	int label_step;			/* show every k-th x label; 0 = auto */
	int markers;			/* dots on the points */
};

struct pl_lorenz_chart {
	const char *title;
	const double *values;	/* one per customer, any order; < 0 = 0 */
	size_t n;
	const char *x_title;	/* cumulative share of customers */
	const char *y_title;	/* cumulative share of revenue */
	double ref_share;	/* reference line, e.g. 0.8 (0 = none) */
	const char *ref_label;	/* e.g. "80%"; NULL = from ref_share */
	/* Annotation printed at the crossing, "%s" = share of customers. */
	const char *cross_fmt;	/* e.g. "%s of customers", NULL = none */
};

struct pl_scatter_chart {
	const char *title;
	const double *x, *y;		/* n points */
	const int *group;		/* palette index per point, or NULL */
	size_t n;
	struct pl_axis xa, ya;
	double split_x, split_y;	/* quadrant lines */
	/* Zone labels: top-left, top-right, bottom-left, bottom-right. */
	const char *zones[4];
	const char *const *group_names;	/* legend (n_groups), or NULL */
	int n_groups;
};

/* Each draws inside box (axis labels included) and returns 0. */
int pl_chart_hbar(struct pl_doc *doc, struct pl_box box,
    const struct pl_bar_chart *c);
int pl_chart_column(struct pl_doc *doc, struct pl_box box,
    const struct pl_bar_chart *c);
int pl_chart_line(struct pl_doc *doc, struct pl_box box,
    const struct pl_line_chart *c);
int pl_chart_lorenz(struct pl_doc *doc, struct pl_box box,
    const struct pl_lorenz_chart *c);
int pl_chart_scatter(struct pl_doc *doc, struct pl_box box,
    const struct pl_scatter_chart *c);

/* ---- drawing primitives (used by pdf_chart.c, usable by renderers) ---- */

void pl_fill_rect(struct pl_doc *doc, float x, float y, float w, float h,
    const struct pl_rgb *color);
void pl_stroke_rect(struct pl_doc *doc, float x, float y, float w, float h,
    float line_w, const struct pl_rgb *color);
void pl_line(struct pl_doc *doc, float x0, float y0, float x1, float y1,
    float line_w, const struct pl_rgb *color);
/* Open polyline through n points (xy pairs). */
void pl_polyline(struct pl_doc *doc, const float *xy, size_t n,
    float line_w, const struct pl_rgb *color);
/* Filled circles of radius r at n points (xy pairs), one colour, with
 * opacity alpha (0..1; 1 = opaque). */
void pl_dots(struct pl_doc *doc, const float *xy, size_t n, float r,
    const struct pl_rgb *color, float alpha);
/* Dashed variant of pl_line (dash and gap in points). */
void pl_dashed_line(struct pl_doc *doc, float x0, float y0, float x1,
    float y1, float line_w, float dash, float gap,
    const struct pl_rgb *color);

/* ---- pure line breaking (no PDF; unit-tested) ------------------------- */

/* Advance width of code point cp, in the caller's units. */
typedef float (*pl_width_fn)(long cp, void *ctx);

struct pl_span {
	size_t start;		/* byte offset into the text */
	size_t len;		/* bytes, trailing spaces excluded */
	float width;		/* sum of widths of those bytes */
};

/*
 * Break valid UTF-8 text s (n bytes) into lines no wider than max_width:
 * at '\n'; after spaces; between CJK characters (ideographs, kana, CJK
 * punctuation, full-width forms) and between CJK and other text; never
 * before closing punctuation (，。、；：？！）」』》〉】” …) nor after
 * opening punctuation (（「『《〈【“ …); a word wider than the line is cut
 * between code points.  Leading spaces of a wrapped line are dropped.
 * Stores a malloc'd array in *lines (free() it) and returns the count
 * (>= 1 for any input, an empty line for ""), or -1 if s is not valid
 * UTF-8 (nothing stored).
 */
int pl_wrap(const char *s, size_t n, float max_width, pl_width_fn width,
    void *ctx, struct pl_span **lines);

/*
 * Copy s to a fresh NUL-terminated string with invalid UTF-8 sequences,
 * C0/C1 controls (tab and, if keep_newlines, '\n') and characters outside
 * the Basic Multilingual Plane replaced by '?'; tab becomes a space and
 * "\r\n" a newline.  *n_replaced (if not NULL) gets the number replaced.
 */
char *pl_utf8_clean(const char *s, int keep_newlines, size_t *n_replaced);

/* Line-break classes used by pl_wrap (exposed for tests). */
int pl_is_cjk(long cp);
int pl_no_line_start(long cp);
int pl_no_line_end(long cp);

/* ---- numbers (header-only: scores.csv uses it without the PDF code) ---- */

/* cv_fixed / cv_fixed_n under the layout's names (util.h). */
static inline size_t
pl_fixed_n(double v, int decimals, char *buf)
{
	return cv_fixed_n(v, decimals, buf);
}

static inline char *
pl_fixed(double v, int decimals, char *buf)
{
	pl_fixed_n(v, decimals, buf);
	return buf;
}

#endif
