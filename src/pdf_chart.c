/* pdf_chart.c: charts drawn with the pl_ primitives: bars, columns, lines, Lorenz curve, quadrant scatter. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdf_layout.h"
#include "util.h"

/* Type scale shared by all charts (points). */
#define S_TITLE 9.5f
#define S_TICK 7.0f
#define S_AXIS 7.5f
#define S_VALUE 7.0f

/* Plot-area geometry and value mapping of one axis. */
struct S_scale {
	double lo, hi;		/* data range shown (log10 if log) */
	double step;		/* tick step (in log10 units if log) */
	int log;
	float p0, p1;		/* page coordinates of lo and hi */
};

static struct pl_rgb
S_tint(struct pl_rgb c, float t)
{
	struct pl_rgb r;

	r.r = c.r * t + (1 - t);
	r.g = c.g * t + (1 - t);
	r.b = c.b * t + (1 - t);
	return r;
}

static const struct pl_rgb *
S_series(struct pl_doc *doc, int i)
{
	const struct pl_palette *p = pl_doc_palette(doc);

	if (i < 0)
		i = 0;
	return &p->series[i % p->n_series];
}

static double
S_nice_step(double span, int ticks)
{
	double raw, mag, f;

	if (ticks < 1)
		ticks = 5;
	if (!(span > 0))
		return 1;
	raw = span / ticks;
	mag = pow(10, floor(log10(raw)));
	f = raw / mag;
	if (f <= 1)
		f = 1;
	else if (f <= 2)
		f = 2;
	else if (f <= 2.5)
		f = 2.5;
	else if (f <= 5)
		f = 5;
	else
		f = 10;
	return f * mag;
}

/* Range for values [vmin, vmax] on axis a. */
static void
S_scale_init(struct S_scale *s, const struct pl_axis *a, double vmin,
    double vmax, float p0, float p1, int zero)
{
	int ticks = a->ticks > 0 ? a->ticks : 5;

	s->log = a->log10;
	s->p0 = p0;
	s->p1 = p1;
	if (a->min != 0 || a->max != 0) {
		vmin = a->min;
		vmax = a->max;
	} else if (zero && !s->log) {
		if (vmin > 0)
			vmin = 0;
		if (vmax < 0)
			vmax = 0;
	}
	if (s->log) {
		vmin = vmin > 0 ? log10(vmin) : 0;
		vmax = vmax > 0 ? log10(vmax) : 1;
		s->lo = floor(vmin);
		s->hi = ceil(vmax);
		if (s->hi <= s->lo)
			s->hi = s->lo + 1;
		s->step = 1;
		return;
	}
	if (!(vmax > vmin)) {
		vmax = vmin + 1;
	}
	s->step = S_nice_step(vmax - vmin, ticks);
	if (a->min != 0 || a->max != 0) {
		s->lo = vmin;
		s->hi = vmax;
	} else {
		s->lo = floor(vmin / s->step) * s->step;
		s->hi = ceil(vmax / s->step - 1e-9) * s->step;
		if (s->hi <= s->lo)
			s->hi = s->lo + s->step;
	}
}

static float
S_map(const struct S_scale *s, double v)
{
	double t;

	if (s->log)
		v = v > 0 ? log10(v) : s->lo;
	if (!isfinite(v))
		v = s->lo;
	t = (v - s->lo) / (s->hi - s->lo);
	if (t < 0)
		t = 0;
	if (t > 1)
		t = 1;
	return s->p0 + (float)t * (s->p1 - s->p0);
}

static void
S_fmt(const struct pl_axis *a, double v, char *buf, size_t n)
{
	char tmp[64];

	if (a->fmt != NULL) {
		a->fmt(v, buf, n, a->fmt_ctx);
		return;
	}
	pl_fixed(v, a->decimals, tmp);
	snprintf(buf, n, "%s", tmp);
}

/* Tick values of a scale (at most 40). */
static int
S_ticks(const struct S_scale *s, double *out)
{
	int n = 0;
	double v;

	for (v = s->lo; v <= s->hi + s->step * 1e-6 && n < 40; v += s->step)
		out[n++] = s->log ? pow(10, v) : (fabs(v) < s->step * 1e-9 ?
		    0 : v);
	return n;
}

/* Widest tick label of a scale. */
static float
S_tick_width(struct pl_doc *doc, const struct S_scale *s,
    const struct pl_axis *a)
{
	double t[40];
	int n = S_ticks(s, t), i;
	float w = 0, x;
	char buf[64];

	for (i = 0; i < n; i++) {
		S_fmt(a, t[i], buf, sizeof(buf));
		x = pl_text_width(doc, buf, S_TICK);
		if (x > w)
			w = x;
	}
	return w;
}

/*
 * Stamp keys (pl_stamp_begin): what a chart's fixed part depends on.
 * Numbers go in as their bytes, strings as their length and bytes (NULL
 * as a length no string has).
 */
static void
S_kf(struct buf *k, double v)
{
	buf_add(k, (const char *)&v, sizeof(v));
}

static void
S_ks(struct buf *k, const char *v)
{
	size_t n = v != NULL ? strlen(v) : (size_t)-1;

	buf_add(k, (const char *)&n, sizeof(n));
	if (v != NULL)
		buf_add(k, v, n);
}

/* The scale and its tick labels. */
static void
S_kscale(struct buf *k, const struct S_scale *s, const struct pl_axis *a)
{
	double t[40];
	int n = S_ticks(s, t), i;
	char buf[64];

	S_kf(k, s->lo);
	S_kf(k, s->hi);
	S_kf(k, s->step);
	S_kf(k, s->log);
	S_kf(k, s->p0);
	S_kf(k, s->p1);
	for (i = 0; i < n; i++) {
		S_fmt(a, t[i], buf, sizeof(buf));
		S_ks(k, buf);
	}
}

/* Title on top of the box; returns the top of what is left. */
static float
S_title(struct pl_doc *doc, struct pl_box b, const char *title)
{
	const struct pl_palette *p = pl_doc_palette(doc);
	float top = b.y + b.h;

	if (title == NULL || *title == '\0')
		return top - 4;
	pl_text_fit(doc, b.x, top - S_TITLE, b.w, S_TITLE, PL_LEFT, &p->text,
	    title);
	return top - S_TITLE - 10;
}

/* Legend entries right-aligned on one line at baseline y. */
static void
S_legend(struct pl_doc *doc, float right, float y, const char *const *names,
    const int *colors, int n, int lines)
{
	const struct pl_palette *p = pl_doc_palette(doc);
	float x = right;
	int i;

	for (i = n - 1; i >= 0; i--) {
		float w;

		if (names[i] == NULL)
			continue;
		w = pl_text_width(doc, names[i], S_TICK);
		pl_text(doc, x, y, S_TICK, PL_RIGHT, &p->muted, names[i]);
		x -= w + 4;
		if (lines)
			pl_line(doc, x - 10, y + 2.5f, x, y + 2.5f, 1.6f,
			    S_series(doc, colors ? colors[i] : i));
		else {
			float xy[2] = { x - 3, y + 2.5f };
			pl_dots(doc, xy, 1, 2.6f, S_series(doc, colors ?
			    colors[i] : i), 1);
		}
		x -= (lines ? 10 : 6) + 10;
	}
}

static float
S_legend_width(struct pl_doc *doc, const char *const *names, int n,
    int lines)
{
	float w = 0;
	int i;

	for (i = 0; i < n; i++)
		if (names[i] != NULL)
			w += pl_text_width(doc, names[i], S_TICK) + 4 +
			    (lines ? 10 : 6) + 10;
	return w;
}

/* Title and, right-aligned, a legend: on the title line if both fit,
 * else on a line of its own.  Returns the top of what is left. */
static float
S_title_legend(struct pl_doc *doc, struct pl_box b, const char *title,
    const char *const *names, int n, int lines)
{
	float top = S_title(doc, b, title);
	float tw = title ? pl_text_width(doc, title, S_TITLE) : 0;
	float lw = S_legend_width(doc, names, n, lines);

	if (n <= 0)
		return top;
	if (title == NULL || tw + lw + 12 <= b.w) {
		S_legend(doc, b.x + b.w, b.y + b.h - S_TITLE, names, NULL, n,
		    lines);
		return top;
	}
	S_legend(doc, b.x + b.w, top - S_TICK, names, NULL, n, lines);
	return top - S_TICK - 8;
}

/* What S_title_legend returns, without drawing. */
static float
S_title_legend_h(struct pl_doc *doc, struct pl_box b, const char *title,
    const char *const *names, int n, int lines)
{
	float top = b.y + b.h;

	top = title == NULL || *title == '\0' ? top - 4 : top - S_TITLE - 10;
	if (n <= 0)
		return top;
	if (title == NULL || (title ? pl_text_width(doc, title, S_TITLE) : 0) +
	    S_legend_width(doc, names, n, lines) + 12 <= b.w)
		return top;
	return top - S_TICK - 8;
}

static void
S_axis_title_x(struct pl_doc *doc, float cx, float y, const char *t)
{
	if (t != NULL)
		pl_text(doc, cx, y, S_AXIS, PL_CENTER,
		    &pl_doc_palette(doc)->muted, t);
}

/* Y-axis title as a line above the plot, left aligned (no rotation). */
static void
S_axis_title_y(struct pl_doc *doc, float x, float y, const char *t)
{
	if (t != NULL)
		pl_text(doc, x, y, S_AXIS, PL_LEFT,
		    &pl_doc_palette(doc)->muted, t);
}

/* Horizontal gridlines and y tick labels left of x0. */
static void
S_grid_y(struct pl_doc *doc, const struct S_scale *s,
    const struct pl_axis *a, float x0, float x1)
{
	const struct pl_palette *p = pl_doc_palette(doc);
	double t[40];
	int n = S_ticks(s, t), i;
	char buf[64];

	/* the lines, then the labels (left of them): fewer state changes */
	for (i = 0; i < n; i++) {
		float y = S_map(s, t[i]);
		pl_line(doc, x0, y, x1, y, i == 0 ? 0.7f : 0.35f, i == 0 ?
		    &p->muted : &p->rule);
	}
	for (i = 0; i < n; i++) {
		float y = S_map(s, t[i]);
		S_fmt(a, t[i], buf, sizeof(buf));
		pl_text(doc, x0 - 4, y - S_TICK * 0.35f, S_TICK, PL_RIGHT,
		    &p->muted, buf);
	}
}

/* Vertical gridlines and x tick labels below y0. */
static void
S_grid_x(struct pl_doc *doc, const struct S_scale *s,
    const struct pl_axis *a, float y0, float y1)
{
	const struct pl_palette *p = pl_doc_palette(doc);
	double t[40];
	int n = S_ticks(s, t), i;
	char buf[64];

	/* the lines, then the labels (below them): fewer state changes */
	for (i = 0; i < n; i++) {
		float x = S_map(s, t[i]);
		pl_line(doc, x, y0, x, y1, i == 0 ? 0.7f : 0.35f, i == 0 ?
		    &p->muted : &p->rule);
	}
	for (i = 0; i < n; i++) {
		float x = S_map(s, t[i]);
		S_fmt(a, t[i], buf, sizeof(buf));
		pl_text(doc, x, y0 - S_TICK - 3, S_TICK, PL_CENTER, &p->muted,
		    buf);
	}
}

static void
S_minmax(const double *v, size_t n, double *lo, double *hi)
{
	size_t i;
	int any = 0;

	*lo = 0;
	*hi = 1;
	for (i = 0; i < n; i++) {
		if (!isfinite(v[i]))
			continue;
		if (!any || v[i] < *lo)
			*lo = v[i];
		if (!any || v[i] > *hi)
			*hi = v[i];
		any = 1;
	}
}

/* ---- horizontal bars -------------------------------------------------- */

/* Length of the UTF-8 sequence starting with byte c. */
static size_t
S_u8len(unsigned char c)
{
	return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/*
 * A category label in width: one line if it fits; else two lines broken
 * at the last space (or between CJK characters) that lets the first line
 * fit, the second cut with "…" if still too wide.  x is the right edge.
 */
static void
S_hbar_label(struct pl_doc *doc, float x, float cy, float width, int two,
    const struct pl_rgb *col, const char *s)
{
	size_t n = strlen(s), i, best = 0;
	char *a;

	if (!two || pl_text_width(doc, s, S_TICK) <= width) {
		pl_text_fit(doc, x, cy - S_TICK * 0.35f, width, S_TICK,
		    PL_RIGHT, col, s);
		return;
	}
	a = cv_malloc(n + 1);
	for (i = 0; i < n; i += S_u8len((unsigned char)s[i])) {
		int ok = s[i] == ' ';

		if (!ok && (unsigned char)s[i] >= 0xE0 &&
		    (unsigned char)s[i] < 0xF0 && i + 2 < n) {
			long cp = ((long)(s[i] & 0x0F) << 12) |
			    ((long)(s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3F);

			ok = pl_is_cjk(cp) && !pl_no_line_start(cp) &&
			    s[i - (i > 0)] != '(' && !(i >= 3 &&
			    strncmp(s + i - 3, "\xEF\xBC\x88", 3) == 0);
		}
		if (!ok || i == 0)
			continue;
		memcpy(a, s, i);
		a[i] = '\0';
		if (pl_text_width(doc, a, S_TICK) > width)
			break;
		best = i;
	}
	if (best == 0) {
		free(a);
		pl_text_fit(doc, x, cy - S_TICK * 0.35f, width, S_TICK,
		    PL_RIGHT, col, s);
		return;
	}
	memcpy(a, s, best);
	a[best] = '\0';
	while (best < n && s[best] == ' ')
		best++;
	pl_text(doc, x, cy + S_TICK * 0.25f, S_TICK, PL_RIGHT, col, a);
	pl_text_fit(doc, x, cy - S_TICK * 0.95f, width, S_TICK, PL_RIGHT, col,
	    s + best);
	free(a);
}

int
pl_chart_hbar(struct pl_doc *doc, struct pl_box b, const struct pl_bar_chart *c)
{
	const struct pl_palette *p = pl_doc_palette(doc);
	struct S_scale s;
	double lo, hi;
	float top, lab_w = 0, x0, x1, y0, row, bh, val_w = 0;
	size_t i;
	char buf[64];
	struct buf k;

	top = b.y + b.h;	/* below the title, as S_title computes it */
	top = c->title == NULL || *c->title == '\0' ? top - 4 :
	    top - S_TITLE - 10;
	S_minmax(c->values, c->n, &lo, &hi);
	for (i = 0; i < c->n; i++) {
		float w = pl_text_width(doc, c->labels[i], S_TICK);
		if (w > lab_w)
			lab_w = w;
	}
	if (lab_w > b.w * 0.40f)
		lab_w = b.w * 0.40f;
	if (c->value_labels)
		val_w = 26;
	x0 = b.x + lab_w + 8;
	x1 = b.x + b.w - val_w - 4;
	y0 = b.y + S_TICK + 6 + (c->axis.title ? S_AXIS + 6 : 0);
	S_scale_init(&s, &c->axis, lo, hi, x0, x1, 1);
	if (c->n == 0) {
		S_title(doc, b, c->title);
		return 0;
	}
	row = (top - y0) / (float)c->n;
	bh = row * 0.62f;
	if (bh > 13)
		bh = 13;
	/* title, grid and category labels: the same on every scorecard */
	buf_init(&k);
	buf_add(&k, "hbar", 5);
	S_kf(&k, b.w);
	S_kf(&k, b.h);
	S_ks(&k, c->title);
	S_ks(&k, c->axis.title);
	S_kscale(&k, &s, &c->axis);
	S_kf(&k, (double)c->n);
	for (i = 0; i < c->n; i++)
		S_ks(&k, c->labels[i]);
	if (pl_stamp_begin(doc, k.data, k.len, b.x, b.y)) {
		S_title(doc, b, c->title);
		S_grid_x(doc, &s, &c->axis, y0, top);
		for (i = 0; i < c->n; i++)
			S_hbar_label(doc, x0 - 6, top - row * ((float)i +
			    0.5f), lab_w, row >= S_TICK * 2.3f, &p->text,
			    c->labels[i]);
		S_axis_title_x(doc, (x0 + x1) / 2, b.y + 2, c->axis.title);
	}
	pl_stamp_end(doc);
	buf_free(&k);
	/* the bars, then their values (beside them, not over them): one
	 * colour change and one text object instead of one per bar */
	for (i = 0; i < c->n; i++) {
		float cy = top - row * ((float)i + 0.5f);
		float xa = S_map(&s, s.log ? pow(10, s.lo) : (s.lo < 0 &&
		    s.hi > 0 ? 0 : s.lo));
		float xb = S_map(&s, c->values[i]);
		const struct pl_rgb *col = S_series(doc, c->series ?
		    c->series[i] : 0);

		if (!isfinite(c->values[i]))
			continue;
		pl_fill_rect(doc, xa < xb ? xa : xb, cy - bh / 2, fabsf(xb - xa),
		    bh, col);
	}
	for (i = 0; i < c->n && c->value_labels; i++) {
		float cy = top - row * ((float)i + 0.5f);
		float xa = S_map(&s, s.log ? pow(10, s.lo) : (s.lo < 0 &&
		    s.hi > 0 ? 0 : s.lo));
		float xb = S_map(&s, c->values[i]);

		if (!isfinite(c->values[i]))
			continue;
		S_fmt(&c->axis, c->values[i], buf, sizeof(buf));
		pl_text(doc, (xa < xb ? xb : xa) + 3, cy - S_VALUE * 0.35f,
		    S_VALUE, PL_LEFT, &p->text, buf);
	}
	if (c->has_ref) {
		float xr = S_map(&s, c->ref);
		pl_dashed_line(doc, xr, y0, xr, top + 2, 0.8f, 3, 2,
		    S_series(doc, 1));
		if (c->ref_label != NULL)
			pl_text(doc, xr, top + 4, S_TICK, PL_CENTER,
			    S_series(doc, 1), c->ref_label);
	}
	return 0;
}

/* ---- columns ---------------------------------------------------------- */

int
pl_chart_column(struct pl_doc *doc, struct pl_box b,
    const struct pl_bar_chart *c)
{
	const struct pl_palette *p = pl_doc_palette(doc);
	struct S_scale s;
	double lo, hi;
	float top, x0, x1, y0, colw, bw;
	size_t i;
	char buf[64];

	top = S_title(doc, b, c->title);
	if (c->axis.title != NULL) {
		S_axis_title_y(doc, b.x, top - S_AXIS, c->axis.title);
		top -= S_AXIS + 10;
	}
	if (c->value_labels)
		top -= S_VALUE + 4;
	S_minmax(c->values, c->n, &lo, &hi);
	y0 = b.y + S_TICK + 8;
	S_scale_init(&s, &c->axis, lo, hi, y0, top, 1);
	x0 = b.x + S_tick_width(doc, &s, &c->axis) + 6;
	x1 = b.x + b.w;
	S_grid_y(doc, &s, &c->axis, x0, x1);
	if (c->n == 0)
		return 0;
	colw = (x1 - x0) / (float)c->n;
	bw = colw * 0.6f;
	if (bw > 48)
		bw = 48;
	for (i = 0; i < c->n; i++) {
		float cx = x0 + colw * ((float)i + 0.5f);
		float ya = S_map(&s, s.lo < 0 && s.hi > 0 ? 0 : s.lo);
		float yb = S_map(&s, c->values[i]);

		pl_text_fit(doc, cx, b.y + 2, colw - 2, S_TICK, PL_CENTER,
		    &p->text, c->labels[i]);
		if (!isfinite(c->values[i]))
			continue;
		pl_fill_rect(doc, cx - bw / 2, ya < yb ? ya : yb, bw,
		    fabsf(yb - ya), S_series(doc, c->series ? c->series[i] : 0));
		if (c->value_labels) {
			S_fmt(&c->axis, c->values[i], buf, sizeof(buf));
			pl_text(doc, cx, (ya < yb ? yb : ya) + 3, S_VALUE,
			    PL_CENTER, &p->text, buf);
		}
	}
	if (c->has_ref) {
		float yr = S_map(&s, c->ref);
		pl_dashed_line(doc, x0, yr, x1, yr, 0.8f, 3, 2,
		    S_series(doc, 1));
		if (c->ref_label != NULL)
			pl_text(doc, x1, yr + 3, S_TICK, PL_RIGHT,
			    S_series(doc, 1), c->ref_label);
	}
	return 0;
}

/* ---- line chart ------------------------------------------------------- */

int
pl_chart_line(struct pl_doc *doc, struct pl_box b,
    const struct pl_line_chart *c)
{
	const struct pl_palette *p = pl_doc_palette(doc);
	struct S_scale s;
	double lo = 0, hi = 1;
	float top, x0, x1, y0, dx, *xy, maxlab = 0;
	size_t i, k, m;
	int any = 0, step, nleg;
	const char *names[PL_SERIES_MAX];
	size_t ns = c->n_series > PL_SERIES_MAX ? PL_SERIES_MAX : c->n_series;
	float ytitle;
	struct buf kb;

	for (k = 0; k < ns; k++)
		names[k] = c->series[k].name;
	nleg = ns > 1 || (ns == 1 && names[0] != NULL) ? (int)ns : 0;
	/* the fixed part (title, legend, axis title, x labels) is a stamp,
	 * drawn after the y grid is known: measure where it ends first */
	top = S_title_legend_h(doc, b, c->title, names, nleg, 1);
	ytitle = top - S_AXIS;
	if (c->y.title != NULL)
		top -= S_AXIS + 10;
	for (k = 0; k < ns; k++)
		for (i = 0; i < c->n_points; i++) {
			double v = c->series[k].values[i];
			if (!isfinite(v))
				continue;
			if (!any || v < lo)
				lo = v;
			if (!any || v > hi)
				hi = v;
			any = 1;
		}
	y0 = b.y + S_TICK + 8;
	S_scale_init(&s, &c->y, lo, hi, y0, top, 1);
	x0 = b.x + S_tick_width(doc, &s, &c->y) + 6;
	x1 = b.x + b.w - 4;
	dx = c->n_points > 1 ? (x1 - x0 - 12) / (float)(c->n_points - 1) : 0;
	step = c->label_step;
	if (step <= 0 && c->n_points > 0) {
		for (i = 0; i < c->n_points; i++) {
			float w = pl_text_width(doc, c->x_labels[i], S_TICK);
			if (w > maxlab)
				maxlab = w;
		}
		step = 1;
		while (dx > 0 && dx * (float)step < maxlab + 6)
			step++;
	}
	buf_init(&kb);
	buf_add(&kb, "line", 5);
	S_kf(&kb, b.w);
	S_kf(&kb, b.h);
	S_ks(&kb, c->title);
	S_kf(&kb, (double)nleg);
	for (k = 0; k < (size_t)nleg; k++)
		S_ks(&kb, names[k]);
	S_ks(&kb, c->y.title);
	S_kf(&kb, (double)c->n_points);
	S_kf(&kb, (double)(c->n_points > 0 ? step : 0));
	S_kf(&kb, x0 - b.x);
	S_kf(&kb, dx);
	for (i = 0; c->n_points > 0 && i < c->n_points; i += (size_t)step)
		S_ks(&kb, c->x_labels[i]);
	if (pl_stamp_begin(doc, kb.data, kb.len, b.x, b.y)) {
		S_title_legend(doc, b, c->title, names, nleg, 1);
		if (c->y.title != NULL)
			S_axis_title_y(doc, b.x, ytitle, c->y.title);
		for (i = 0; c->n_points > 0 && i < c->n_points;
		    i += (size_t)step) {
			float x = x0 + 6 + dx * (float)i;
			pl_line(doc, x, y0, x, y0 - 3, 0.5f, &p->muted);
			pl_text(doc, x, b.y + 2, S_TICK, PL_CENTER, &p->muted,
			    c->x_labels[i]);
		}
	}
	pl_stamp_end(doc);
	buf_free(&kb);
	/* the y grid goes over the axis end of the x ticks: the same colour */
	S_grid_y(doc, &s, &c->y, x0, x1);
	if (c->n_points == 0)
		return 0;
	xy = cv_calloc(c->n_points * 2, sizeof(float));
	for (k = 0; k < ns; k++) {
		const struct pl_rgb *col = S_series(doc, (int)k);
		m = 0;
		for (i = 0; i <= c->n_points; i++) {
			double v = i < c->n_points ? c->series[k].values[i] :
			    NAN;
			if (isfinite(v)) {
				xy[2 * m] = x0 + 6 + dx * (float)i;
				xy[2 * m + 1] = S_map(&s, v);
				m++;
				continue;
			}
			if (m == 1)
				pl_dots(doc, xy, 1, 1.8f, col, 1);
			pl_polyline(doc, xy, m, k == 0 ? 1.8f : 1.3f, col);
			if (c->markers)
				pl_dots(doc, xy, m, 1.9f, col, 1);
			m = 0;
		}
	}
	free(xy);
	return 0;
}

/* ---- Lorenz / Pareto curve -------------------------------------------- */

/*
 * Sort n finite values >= 0 largest first: a radix sort on their bits
 * (which order non-negative doubles as unsigned integers), a byte at a
 * time; 100,000 customers' revenues take a few milliseconds.
 */
static void
S_sort_desc(double *v, size_t n)
{
	uint64_t *a = cv_malloc((n ? n : 1) * sizeof(*a)), *b, *t;
	size_t i, j, cnt[256];
	int shift;

	b = cv_malloc((n ? n : 1) * sizeof(*b));
	for (i = 0; i < n; i++) {
		memcpy(&a[i], &v[i], sizeof(a[i]));
		a[i] = ~a[i];		/* ascending = largest first */
	}
	for (shift = 0; shift < 64; shift += 8) {
		size_t pos = 0;

		memset(cnt, 0, sizeof(cnt));
		for (i = 0; i < n; i++)
			cnt[(a[i] >> shift) & 0xFF]++;
		if (n > 0 && cnt[(a[0] >> shift) & 0xFF] == n)
			continue;
		for (j = 0; j < 256; j++) {
			size_t c = cnt[j];
			cnt[j] = pos;
			pos += c;
		}
		for (i = 0; i < n; i++)
			b[cnt[(a[i] >> shift) & 0xFF]++] = a[i];
		t = a;
		a = b;
		b = t;
	}
	for (i = 0; i < n; i++) {
		a[i] = ~a[i];
		memcpy(&v[i], &a[i], sizeof(v[i]));
	}
	free(a);
	free(b);
}

static void
S_pct(double v, char *buf, size_t n, void *ctx)
{
	(void)ctx;
	snprintf(buf, n, "%d%%", (int)lround(v * 100));
}

int
pl_chart_lorenz(struct pl_doc *doc, struct pl_box b,
    const struct pl_lorenz_chart *c)
{
	const struct pl_palette *p = pl_doc_palette(doc);
	struct pl_axis ax;
	struct S_scale sx, sy;
	double *v, total = 0, cum = 0, cross = -1;
	float top, x0, x1, y0, side, *xy, lastx = -1;
	size_t i, m = 0;
	char buf[64], lab[160];

	top = S_title(doc, b, c->title);
	if (c->y_title != NULL) {
		S_axis_title_y(doc, b.x, top - S_AXIS, c->y_title);
		top -= S_AXIS + 10;
	}
	memset(&ax, 0, sizeof(ax));
	ax.min = 0;
	ax.max = 1;
	ax.ticks = 5;
	ax.fmt = S_pct;
	y0 = b.y + S_TICK + 8 + (c->x_title ? S_AXIS + 6 : 0);
	x0 = b.x + pl_text_width(doc, "100%", S_TICK) + 6;
	side = top - y0;
	x1 = b.x + b.w - 4;
	if (x1 - x0 > side * 1.6f)	/* keep the plot from getting too flat */
		x1 = x0 + side * 1.6f;
	S_scale_init(&sx, &ax, 0, 1, x0, x1, 0);
	S_scale_init(&sy, &ax, 0, 1, y0, top, 0);
	sx.step = sy.step = 0.2;
	S_grid_y(doc, &sy, &ax, x0, x1);
	S_grid_x(doc, &sx, &ax, y0, top);
	pl_dashed_line(doc, x0, y0, x1, top, 0.6f, 2, 2, &p->muted);
	S_axis_title_x(doc, (x0 + x1) / 2, b.y + 2, c->x_title);
	if (c->n == 0)
		return 0;

	v = cv_malloc(c->n * sizeof(double));
	for (i = 0; i < c->n; i++) {
		v[i] = isfinite(c->values[i]) && c->values[i] > 0 ?
		    c->values[i] : 0;
		total += v[i];
	}
	S_sort_desc(v, c->n);
	xy = cv_malloc((c->n + 2) * 2 * sizeof(float));
	xy[m * 2] = x0;
	xy[m * 2 + 1] = y0;
	m++;
	for (i = 0; i < c->n; i++) {
		double fx = (double)(i + 1) / (double)c->n;
		double prev = cum;
		float px;

		cum += total > 0 ? v[i] / total : 1.0 / (double)c->n;
		if (cross < 0 && c->ref_share > 0 && cum >= c->ref_share - 1e-12) {
			/* interpolate within this customer's step */
			double f = cum > prev ? (c->ref_share - prev) /
			    (cum - prev) : 1;
			cross = ((double)i + f) / (double)c->n;
		}
		px = S_map(&sx, fx);
		/* thousands of customers: one vertex per 0.25 pt */
		if (i + 1 < c->n && px - lastx < 0.25f)
			continue;
		lastx = px;
		xy[m * 2] = px;
		xy[m * 2 + 1] = S_map(&sy, cum > 1 ? 1 : cum);
		m++;
	}
	if (c->ref_share > 0) {
		float yr = S_map(&sy, c->ref_share);
		const struct pl_rgb *rc = S_series(doc, 1);

		pl_dashed_line(doc, x0, yr, x1, yr, 0.8f, 3, 2, rc);
		if (c->ref_label != NULL)
			snprintf(lab, sizeof(lab), "%s", c->ref_label);
		else
			S_pct(c->ref_share, lab, sizeof(lab), NULL);
		pl_text(doc, x1 - 2, yr + 3, S_TICK, PL_RIGHT, rc, lab);
		if (cross >= 0) {
			float xc = S_map(&sx, cross);
			pl_dashed_line(doc, xc, y0, xc, yr, 0.8f, 3, 2, rc);
			if (c->cross_fmt != NULL) {
				struct buf t;
				const char *q;

				snprintf(buf, sizeof(buf), "%.1f%%", cross * 100);
				buf_init(&t);
				buf_add(&t, "", 0);
				for (q = c->cross_fmt; *q; q++) {
					if (q[0] == '%' && q[1] == 's') {
						buf_puts(&t, buf);
						q++;
					} else
						buf_add(&t, q, 1);
				}
				pl_text(doc, xc + 4, y0 + 5, S_TICK, PL_LEFT, rc,
				    t.data);
				buf_free(&t);
			}
		}
	}
	pl_polyline(doc, xy, m, 1.8f, &p->accent);
	free(xy);
	free(v);
	return 0;
}

/* ---- quadrant scatter ------------------------------------------------- */

/* Label in a box whose top is at top, left edge x (right edge if right). */
static void
S_zone_label(struct pl_doc *doc, float x, float top, float maxw, int right,
    const char *text, const struct pl_rgb *bg)
{
	float w, h = S_AXIS + 4;

	if (text == NULL || maxw < 12)
		return;
	w = pl_text_width(doc, text, S_AXIS) + 6;
	if (w > maxw)
		w = maxw;
	pl_fill_rect(doc, right ? x - w : x, top - h, w, h, bg);
	pl_text_fit(doc, right ? x - 3 : x + 3, top - h + 3, w - 6, S_AXIS,
	    right ? PL_RIGHT : PL_LEFT, &pl_doc_palette(doc)->text, text);
}

int
pl_chart_scatter(struct pl_doc *doc, struct pl_box b,
    const struct pl_scatter_chart *c)
{
	const struct pl_palette *p = pl_doc_palette(doc);
	struct S_scale sx, sy;
	double lo, hi, ylo, yhi;
	float top, x0, x1, y0, xs, ys, r, *xy;
	size_t i, m;
	int g, ng, maxg = 0;
	struct pl_rgb zone[4];

	top = S_title_legend(doc, b, c->title, c->group_names,
	    c->group_names != NULL ? c->n_groups : 0, 0);
	if (c->ya.title != NULL) {
		S_axis_title_y(doc, b.x, top - S_AXIS, c->ya.title);
		top -= S_AXIS + 10;
	}
	S_minmax(c->x, c->n, &lo, &hi);
	S_minmax(c->y, c->n, &ylo, &yhi);
	y0 = b.y + S_TICK + 8 + (c->xa.title ? S_AXIS + 6 : 0);
	S_scale_init(&sy, &c->ya, ylo, yhi, y0, top, 0);
	x0 = b.x + S_tick_width(doc, &sy, &c->ya) + 6;
	x1 = b.x + b.w - 4;
	S_scale_init(&sx, &c->xa, lo, hi, x0, x1, 0);

	/* zones: TL, TR, BL, BR */
	xs = S_map(&sx, c->split_x);
	ys = S_map(&sy, c->split_y);
	zone[0] = S_tint(p->series[2], 0.10f);
	zone[1] = S_tint(p->accent, 0.13f);
	zone[2] = S_tint(p->series[4], 0.08f);
	zone[3] = S_tint(p->series[5], 0.10f);
	pl_fill_rect(doc, x0, ys, xs - x0, top - ys, &zone[0]);
	pl_fill_rect(doc, xs, ys, x1 - xs, top - ys, &zone[1]);
	pl_fill_rect(doc, x0, y0, xs - x0, ys - y0, &zone[2]);
	pl_fill_rect(doc, xs, y0, x1 - xs, ys - y0, &zone[3]);
	S_grid_y(doc, &sy, &c->ya, x0, x1);
	S_grid_x(doc, &sx, &c->xa, y0, top);
	pl_line(doc, xs, y0, xs, top, 0.9f, &p->muted);
	pl_line(doc, x0, ys, x1, ys, 0.9f, &p->muted);
	S_axis_title_x(doc, (x0 + x1) / 2, b.y + 2, c->xa.title);

	/* points, one fill per group, in group order (deterministic) */
	r = c->n > 2000 ? 1.3f : c->n > 300 ? 1.8f : 2.6f;
	if (c->group != NULL)
		for (i = 0; i < c->n; i++)
			if (c->group[i] > maxg)
				maxg = c->group[i];
	ng = maxg + 1;
	xy = cv_malloc((c->n ? c->n : 1) * 2 * sizeof(float));
	for (g = 0; g < ng; g++) {
		m = 0;
		for (i = 0; i < c->n; i++) {
			if ((c->group ? c->group[i] : 0) != g)
				continue;
			if (!isfinite(c->x[i]) || !isfinite(c->y[i]))
				continue;
			xy[2 * m] = S_map(&sx, c->x[i]);
			xy[2 * m + 1] = S_map(&sy, c->y[i]);
			m++;
		}
		pl_dots(doc, xy, m, r, S_series(doc, g), 0.75f);
	}
	free(xy);
	/* zone labels on top of the points, on a backing of the zone tint */
	S_zone_label(doc, x0 + 4, top - 4, xs - x0 - 8, 0, c->zones[0],
	    &zone[0]);
	S_zone_label(doc, x1 - 4, top - 4, x1 - xs - 8, 1, c->zones[1],
	    &zone[1]);
	S_zone_label(doc, x0 + 4, y0 + 4 + S_AXIS + 4, xs - x0 - 8, 0,
	    c->zones[2], &zone[2]);
	S_zone_label(doc, x1 - 4, y0 + 4 + S_AXIS + 4, x1 - xs - 8, 1,
	    c->zones[3], &zone[3]);
	return 0;
}
