/* cmd_calc.c: the "weights" and "rank" subcommands: read small CSV tables, run methods.c, print results. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "cmd_calc.h"
#include "diag.h"
#include "methods.h"
#include "util.h"

/* ---- reading a CSV file into cells that remember where they came from */

struct S_cell {
	char *s;	/* field text, NUL-terminated, owned */
	long line;	/* 1-based physical line of the field's first byte */
	long col;	/* 1-based field number within its record */
};

struct S_row {
	struct S_cell *c;
	size_t n, cap;
};

struct S_table {
	const char *file;
	struct S_row *r;
	size_t n, cap;
};

struct S_reader {
	struct S_table *t;
	struct S_row cur;
	long line;		/* line of the byte being fed */
	long start_line;	/* line of the field's first non-blank byte */
	int have_start;
};

static void
S_on_field(void *s, size_t len, void *ctx)
{
	struct S_reader *rd = ctx;
	struct S_cell *c;

	if (rd->cur.n == rd->cur.cap) {
		rd->cur.cap = rd->cur.cap ? rd->cur.cap * 2 : 8;
		rd->cur.c = cv_realloc(rd->cur.c, rd->cur.cap * sizeof(*c));
	}
	c = &rd->cur.c[rd->cur.n++];
	c->s = cv_strndup(s != NULL ? s : "", s != NULL ? len : 0);
	c->line = rd->have_start ? rd->start_line : rd->line;
	c->col = (long)rd->cur.n;	/* 1-based field number */
	rd->have_start = 0;
}

static void
S_on_row(int term, void *ctx)
{
	struct S_reader *rd = ctx;
	struct S_table *t = rd->t;

	(void)term;
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->r = cv_realloc(t->r, t->cap * sizeof(*t->r));
	}
	t->r[t->n++] = rd->cur;
	memset(&rd->cur, 0, sizeof(rd->cur));
	rd->have_start = 0;
}

static void
S_row_free(struct S_row *r)
{
	size_t j;

	for (j = 0; j < r->n; j++)
		free(r->c[j].s);
	free(r->c);
}

static void
S_table_free(struct S_table *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		S_row_free(&t->r[i]);
	free(t->r);
	t->r = NULL;
	t->n = t->cap = 0;
}

/*
 * Reads file into t.  The parser is fed one byte at a time so that each
 * field knows the line it starts on (files here are small tables); its
 * column is its 1-based field number, as everywhere in custeval.
 * Returns an exit code (0, 2 or 3) after reporting to d.
 */
static int
S_read_csv(const char *file, struct S_table *t, struct diag *d)
{
	struct csv_parser p;
	struct S_reader rd;
	struct buf b;
	char chunk[8192];
	const char *q, *end, *data;
	size_t n, len, i;
	long line = 1;
	FILE *fp;
	int rc = 0;

	memset(t, 0, sizeof(*t));
	t->file = file;
	if ((fp = fopen(file, "rb")) == NULL) {
		diag_add(d, D_OPEN_FAILED, file, 0, 0, strerror(errno));
		return CV_EXIT_IO;
	}
	buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_add(&b, chunk, n);
	if (ferror(fp)) {
		diag_add(d, D_OPEN_FAILED, file, 0, 0, strerror(errno));
		fclose(fp);
		buf_free(&b);
		return CV_EXIT_IO;
	}
	fclose(fp);
	data = b.data != NULL ? b.data : "";
	len = b.len;
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
		data += 3;
		len -= 3;
	}
	for (q = data, end = data + len; q < end;) {
		if (*q == '\n')
			line++;
		if (cv_utf8_next(&q, end) < 0) {
			diag_add(d, D_CALC_ENCODING, file, line, 0);
			buf_free(&b);
			return CV_EXIT_DATA;
		}
	}

	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
		buf_free(&b);
		return CV_EXIT_IO;
	}
	memset(&rd, 0, sizeof(rd));
	rd.t = t;
	rd.line = 1;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)data[i];

		if (!rd.have_start && c != ' ' && c != '\t' && c != '\r' &&
		    c != '\n' && c != ',') {
			rd.have_start = 1;
			rd.start_line = rd.line;
		}
		if (csv_parse(&p, data + i, 1, S_on_field, S_on_row, &rd) != 1) {
			/* The field being read is the next one of the record. */
			diag_add(d, D_CALC_CSV_SYNTAX, file, rd.line,
			    (long)rd.cur.n + 1);
			rc = CV_EXIT_DATA;
			break;
		}
		if (c == '\n')
			rd.line++;
	}
	if (rc == 0 && csv_fini(&p, S_on_field, S_on_row, &rd) != 0) {
		diag_add(d, D_CALC_CSV_SYNTAX, file,
		    rd.have_start ? rd.start_line : rd.line,
		    (long)rd.cur.n + 1);
		rc = CV_EXIT_DATA;
	}
	csv_free(&p);
	S_row_free(&rd.cur);
	buf_free(&b);
	if (rc != 0)
		S_table_free(t);
	return rc;
}

/* ---- numbers */

/* Strict decimal: [+-]digits[.digits][e[+-]digits]; 0 ok, 1 empty, -1 bad. */
static int
S_parse_decimal(const char *s, double *v)
{
	const char *p;
	char *e;
	int digits = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0')
		return 1;
	p = s;
	if (*p == '+' || *p == '-')
		p++;
	while (*p >= '0' && *p <= '9') {
		p++;
		digits++;
	}
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			digits++;
	if (digits == 0)
		return -1;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!(*p >= '0' && *p <= '9'))
			return -1;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != '\0')
		return -1;
	errno = 0;
	*v = strtod(s, &e);
	if (!isfinite(*v))
		return -1;
	return 0;
}

/* A decimal or a fraction "a/b"; 0 ok, 1 empty, -1 bad. */
static int
S_parse_ratio(const char *s, double *v)
{
	const char *slash = strchr(s, '/');
	double a, b;
	char *num;
	int rc;

	if (slash == NULL)
		return S_parse_decimal(s, v);
	num = cv_strndup(s, (size_t)(slash - s));
	rc = S_parse_decimal(num, &a);
	free(num);
	if (rc != 0 || S_parse_decimal(slash + 1, &b) != 0 || !(b != 0))
		return -1;
	*v = a / b;
	return isfinite(*v) ? 0 : -1;
}

static const char *
S_num(double v, char *buf)
{
	return cv_fixed(v, 6, buf);
}

/* ---- output helpers */

/* Display width of UTF-8 text: East Asian wide characters count 2. */
static size_t
S_width(const char *s)
{
	const char *p = s, *end = s + strlen(s);
	size_t w = 0;
	long cp;

	while (p < end) {
		if ((cp = cv_utf8_next(&p, end)) < 0) {
			p++;
			w++;
			continue;
		}
		if ((cp >= 0x1100 && cp <= 0x115F) ||
		    (cp >= 0x2E80 && cp <= 0xA4CF) ||
		    (cp >= 0xAC00 && cp <= 0xD7A3) ||
		    (cp >= 0xF900 && cp <= 0xFAFF) ||
		    (cp >= 0xFE30 && cp <= 0xFE4F) ||
		    (cp >= 0xFF00 && cp <= 0xFF60) ||
		    (cp >= 0xFFE0 && cp <= 0xFFE6))
			w += 2;
		else
			w += 1;
	}
	return w;
}

static void
S_pad(FILE *out, const char *s, size_t width)
{
	size_t w = S_width(s);

	fputs(s, out);
	while (w++ < width)
		fputc(' ', out);
}

/* Writes s as one CSV field, quoted when needed. */
static void
S_csv_field(FILE *out, const char *s)
{
	const char *p;

	if (strpbrk(s, ",\"\r\n") == NULL && s[0] != ' ' && s[0] != '\t' &&
	    (s[0] == '\0' || (s[strlen(s) - 1] != ' ' &&
	    s[strlen(s) - 1] != '\t'))) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (p = s; *p != '\0'; p++) {
		if (*p == '"')
			fputc('"', out);
		fputc(*p, out);
	}
	fputc('"', out);
}

static int
S_finish(FILE *out, struct diag *d, int rc)
{
	if (fflush(out) != 0 || ferror(out)) {
		diag_add(d, D_WRITE_FAILED, NULL, 0, 0, "output");
		return CV_EXIT_IO;
	}
	return rc;
}

/* ---- printed words, in the language of the messages (--lang) */

struct S_words {
	const char *consistent, *inconsistent;	/* AHP verdict line */
	const char *criterion, *weight, *consistent_col, *yes, *no;
	const char *name, *closeness, *score, *rank;	/* CSV headers */
};

static const struct S_words S_words_tab[] = {
	[LANG_ZH_CN] = { "通过一致性检验（CR < 0.10）",
	    "未通过一致性检验（CR >= 0.10）", "指标", "权重", "一致性",
	    "是", "否", "名称", "贴近度", "得分", "排名" },
	[LANG_ZH_TW] = { "通過一致性檢驗（CR < 0.10）",
	    "未通過一致性檢驗（CR >= 0.10）", "指標", "權重", "一致性",
	    "是", "否", "名稱", "貼近度", "得分", "排名" },
	[LANG_EN] = { "consistent (CR < 0.10)", "inconsistent (CR >= 0.10)",
	    "criterion", "weight", "consistent", "yes", "no", "name",
	    "closeness", "score", "rank" },
};

static const struct S_words *
S_words(const struct diag *d)
{
	return (unsigned)d->lang <= LANG_EN ? &S_words_tab[d->lang] :
	    &S_words_tab[LANG_EN];
}

/* ---- command line */

struct S_opts {
	const char *cmd;
	const char *method, *matrix, *data, *ri, *priority, *directions;
	const char *normalize, *format, *weights;
	int help;
	int csv;	/* --format csv */
};

/*
 * Parses "--name value" and "--name=value" for the option names listed
 * in allowed (NULL-terminated).  Returns 0 or an exit code.
 */
static int
S_parse_opts(int argc, char **argv, const char *const *allowed,
    struct S_opts *o, struct diag *d)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->cmd = argc > 0 ? argv[0] : "?";
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *val, *eq;
		const char **slot = NULL;
		size_t k, nlen;
		char name[32];

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			o->help = 1;
			continue;
		}
		/*
		 * --lang X: main has already set the message language from
		 * it; the --lang=X form is applied here.  Either way the
		 * printed words follow d->lang.
		 */
		if (strcmp(a, "--lang") == 0 || strncmp(a, "--lang=", 7) == 0) {
			int lang;

			if (a[6] == '=')
				val = a + 7;
			else if (i + 1 < argc)
				val = argv[++i];
			else {
				diag_add(d, D_CALC_OPTION_ARG, NULL, 0, 0,
				    o->cmd, "--lang");
				return CV_EXIT_USAGE;
			}
			if ((lang = diag_lang_parse(val)) < 0) {
				diag_add(d, D_CALC_OPTION_VALUE, NULL, 0, 0,
				    o->cmd, val, "--lang");
				return CV_EXIT_USAGE;
			}
			d->lang = (enum diag_lang)lang;
			continue;
		}
		if (strncmp(a, "--", 2) != 0) {
			diag_add(d, D_CALC_OPTION_UNKNOWN, NULL, 0, 0, o->cmd, a);
			return CV_EXIT_USAGE;
		}
		eq = strchr(a, '=');
		nlen = eq != NULL ? (size_t)(eq - a) : strlen(a);
		if (nlen >= sizeof(name)) {
			diag_add(d, D_CALC_OPTION_UNKNOWN, NULL, 0, 0, o->cmd, a);
			return CV_EXIT_USAGE;
		}
		memcpy(name, a, nlen);
		name[nlen] = '\0';
		for (k = 0; allowed[k] != NULL; k++)
			if (strcmp(allowed[k], name) == 0)
				break;
		if (allowed[k] == NULL) {
			diag_add(d, D_CALC_OPTION_UNKNOWN, NULL, 0, 0, o->cmd,
			    name);
			return CV_EXIT_USAGE;
		}
		if (eq != NULL)
			val = eq + 1;
		else if (i + 1 < argc)
			val = argv[++i];
		else {
			diag_add(d, D_CALC_OPTION_ARG, NULL, 0, 0, o->cmd, name);
			return CV_EXIT_USAGE;
		}
		if (strcmp(name, "--method") == 0)
			slot = &o->method;
		else if (strcmp(name, "--matrix") == 0)
			slot = &o->matrix;
		else if (strcmp(name, "--data") == 0)
			slot = &o->data;
		else if (strcmp(name, "--ri") == 0)
			slot = &o->ri;
		else if (strcmp(name, "--priority") == 0)
			slot = &o->priority;
		else if (strcmp(name, "--directions") == 0)
			slot = &o->directions;
		else if (strcmp(name, "--normalize") == 0)
			slot = &o->normalize;
		else if (strcmp(name, "--format") == 0)
			slot = &o->format;
		else if (strcmp(name, "--weights") == 0)
			slot = &o->weights;
		if (slot != NULL)
			*slot = val;
	}
	if (o->format != NULL) {
		if (strcmp(o->format, "csv") == 0)
			o->csv = 1;
		else if (strcmp(o->format, "text") != 0) {
			diag_add(d, D_CALC_OPTION_VALUE, NULL, 0, 0, o->cmd,
			    o->format, "--format");
			return CV_EXIT_USAGE;
		}
	}
	return 0;
}

/* Splits a comma list; returns the number of items (caller frees *items). */
static size_t
S_split(const char *s, char ***items)
{
	size_t n = 1, k = 0;
	const char *p, *start;

	for (p = s; *p != '\0'; p++)
		n += *p == ',';
	*items = cv_malloc(n * sizeof(**items));
	for (start = p = s;; p++) {
		if (*p == ',' || *p == '\0') {
			const char *a = start, *b = p;

			while (a < b && (*a == ' ' || *a == '\t'))
				a++;
			while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
				b--;
			(*items)[k++] = cv_strndup(a, (size_t)(b - a));
			if (*p == '\0')
				break;
			start = p + 1;
		}
	}
	return n;
}

static void
S_free_items(char **items, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(items[i]);
	free(items);
}

/* --directions: +,-,... (also benefit/cost, max/min); NULL list = all +. */
static int
S_parse_dirs(const struct S_opts *o, size_t cols, int *dirs, struct diag *d)
{
	char **items;
	size_t n, j;
	int rc = 0;

	for (j = 0; j < cols; j++)
		dirs[j] = 1;
	if (o->directions == NULL)
		return 0;
	n = S_split(o->directions, &items);
	if (n != cols) {
		diag_add(d, D_CALC_LIST_COUNT, NULL, 0, 0, "--directions", n,
		    cols);
		S_free_items(items, n);
		return CV_EXIT_USAGE;
	}
	for (j = 0; j < n; j++) {
		const char *s = items[j];

		if (strcmp(s, "+") == 0 || strcmp(s, "benefit") == 0 ||
		    strcmp(s, "max") == 0 || strcmp(s, "1") == 0 ||
		    strcmp(s, "+1") == 0)
			dirs[j] = 1;
		else if (strcmp(s, "-") == 0 || strcmp(s, "cost") == 0 ||
		    strcmp(s, "min") == 0 || strcmp(s, "-1") == 0)
			dirs[j] = -1;
		else {
			diag_add(d, D_CALC_OPTION_VALUE, NULL, 0, 0, o->cmd, s,
			    "--directions");
			rc = CV_EXIT_USAGE;
			break;
		}
	}
	S_free_items(items, n);
	return rc;
}

/* ---- data tables: header = label + criteria, rows = name + values */

struct S_data {
	struct S_table t;
	size_t rows, cols;
	double *x;		/* rows x cols, NaN = empty cell */
	const char **crit;	/* cols names (borrowed from t) */
	const struct S_cell **crit_cell;
	const char **name;	/* rows names */
};

static void
S_data_free(struct S_data *dt)
{
	free(dt->x);
	free(dt->crit);
	free(dt->crit_cell);
	free(dt->name);
	S_table_free(&dt->t);
}

static int
S_read_data(const char *file, size_t min_rows, struct S_data *dt,
    struct diag *d)
{
	size_t i, j, nerr = 0;
	int rc;

	memset(dt, 0, sizeof(*dt));
	if ((rc = S_read_csv(file, &dt->t, d)) != 0)
		return rc;
	if (dt->t.n == 0 || dt->t.r[0].n < 2) {
		diag_add(d, D_CALC_NO_CRITERIA, file, 1, 0);
		return CV_EXIT_DATA;
	}
	dt->cols = dt->t.r[0].n - 1;
	dt->rows = dt->t.n - 1;
	if (dt->rows < min_rows) {
		diag_add(d, D_CALC_NO_ROWS, file, 0, 0, (int)min_rows,
		    dt->rows);
		return CV_EXIT_DATA;
	}
	dt->x = cv_malloc(dt->rows * dt->cols * sizeof(*dt->x));
	dt->crit = cv_malloc(dt->cols * sizeof(*dt->crit));
	dt->crit_cell = cv_malloc(dt->cols * sizeof(*dt->crit_cell));
	dt->name = cv_malloc(dt->rows * sizeof(*dt->name));
	for (j = 0; j < dt->cols; j++) {
		dt->crit[j] = dt->t.r[0].c[j + 1].s;
		dt->crit_cell[j] = &dt->t.r[0].c[j + 1];
	}
	for (i = 0; i < dt->rows; i++) {
		const struct S_row *r = &dt->t.r[i + 1];

		dt->name[i] = r->c[0].s;
		if (r->n != dt->cols + 1) {
			diag_add(d, D_CALC_ROW_WIDTH, file, r->c[0].line,
			    r->c[0].col, r->n, dt->cols + 1);
			nerr++;
			continue;
		}
		for (j = 0; j < dt->cols; j++) {
			const struct S_cell *c = &r->c[j + 1];
			double *v = &dt->x[i * dt->cols + j];
			int k = S_parse_decimal(c->s, v);

			if (k == 1)
				*v = NAN;
			else if (k < 0) {
				diag_add(d, D_CALC_NUMBER, file, c->line,
				    c->col, c->s, dt->crit[j]);
				nerr++;
			}
		}
	}
	return nerr > 0 ? CV_EXIT_DATA : 0;
}

/* Reports a methods.c failure that marks a column with NaN in w. */
static int
S_method_error(int mrc, const struct S_data *dt, const double *w,
    struct diag *d)
{
	size_t j;

	for (j = 0; j < dt->cols; j++)
		if (isnan(w[j]))
			break;
	if ((mrc == MT_ENODATA || mrc == MT_ENEGATIVE) && j < dt->cols) {
		diag_add(d, mrc == MT_ENODATA ? D_CALC_COLUMN_NODATA :
		    D_CALC_COLUMN_NEGATIVE, dt->t.file, dt->crit_cell[j]->line,
		    dt->crit_cell[j]->col, dt->crit[j]);
		return CV_EXIT_DATA;
	}
	if (mrc == MT_EDEGENERATE)
		diag_add(d, D_CALC_DEGENERATE, dt->t.file, 0, 0);
	else
		diag_add(d, D_CALC_WEIGHTING_FAILED, dt->t.file, 0, 0);
	return CV_EXIT_DATA;
}

/* ---- weights */

static const char S_weights_usage[] =
"usage: custeval weights --method ahp --matrix FILE [--ri saaty|cn]\n"
"           [--priority eigen|geomean] [--format text|csv] [--lang L]\n"
"       custeval weights --method entropy|critic --data FILE\n"
"           [--directions +,-,...] [--normalize minmax|raw]\n"
"           [--format text|csv] [--lang L]\n"
"\n"
"  --method ahp        weights from a pairwise comparison matrix (Saaty's AHP)\n"
"  --matrix FILE       CSV: header row of criterion names, then one row per\n"
"                      criterion starting with its name; entries like 3 or 1/3;\n"
"                      the upper triangle alone is enough\n"
"  --ri saaty|cn       random index table for CR (default saaty)\n"
"  --priority eigen|geomean  principal eigenvector (default) or geometric means\n"
"  --method entropy    entropy weight method on a data table\n"
"  --method critic     CRITIC (contrast and conflict between criteria)\n"
"  --data FILE         CSV: header = label + criterion names, one row per\n"
"                      customer starting with its name; empty cell = missing\n"
"  --directions LIST   + (benefit) or - (cost) per criterion; default all +\n"
"  --normalize minmax|raw  entropy: min-max per direction first (default) or\n"
"                      proportions of the raw values (Hwang & Yoon 1981)\n"
"  --format text|csv   output format (default text)\n"
"  --lang zh-CN|zh-TW|en  language of messages, the verdict line and the\n"
"                      CSV header (default zh-CN)\n"
"\n"
"Exit status: 0 ok, 1 usage, 2 data error or inconsistent matrix (CR >= 0.10),\n"
"3 I/O error.\n";

struct S_matrix {
	size_t n;
	const char **name;
	double *a;
};

/* Reads and completes an AHP matrix; returns an exit code. */
static int
S_read_matrix(const char *file, struct S_table *t, struct S_matrix *m,
    struct diag *d)
{
	const struct S_cell **cell;
	double *v;
	int *have;
	size_t n, i, j, nerr = 0;
	int rc;

	memset(m, 0, sizeof(*m));
	if ((rc = S_read_csv(file, t, d)) != 0)
		return rc;
	if (t->n == 0 || t->r[0].n < 2) {
		diag_add(d, D_CALC_NO_CRITERIA, file, 1, 0);
		return CV_EXIT_DATA;
	}
	n = t->r[0].n - 1;
	if (t->n - 1 != n) {
		diag_add(d, D_CALC_MATRIX_SHAPE, file, 0, 0, n, t->n - 1);
		return CV_EXIT_DATA;
	}
	m->n = n;
	m->name = cv_malloc(n * sizeof(*m->name));
	m->a = cv_malloc(n * n * sizeof(*m->a));
	v = m->a;
	have = cv_calloc(n * n, sizeof(*have));
	cell = cv_calloc(n * n, sizeof(*cell));
	for (j = 0; j < n; j++)
		m->name[j] = t->r[0].c[j + 1].s;
	for (i = 0; i < n; i++) {
		const struct S_row *r = &t->r[i + 1];

		if (strcmp(r->c[0].s, m->name[i]) != 0) {
			diag_add(d, D_CALC_MATRIX_NAME, file, r->c[0].line,
			    r->c[0].col, i + 1, r->c[0].s, i + 1, m->name[i]);
			nerr++;
			continue;
		}
		if (r->n > n + 1) {
			diag_add(d, D_CALC_ROW_WIDTH, file, r->c[n + 1].line,
			    r->c[n + 1].col, r->n, n + 1);
			nerr++;
			continue;
		}
		for (j = 0; j < n; j++) {
			const struct S_cell *c;
			int k;

			if (j + 1 >= r->n)
				continue;	/* short row: empty cells */
			c = cell[i * n + j] = &r->c[j + 1];
			k = S_parse_ratio(c->s, &v[i * n + j]);
			if (k == 1)
				continue;
			if (k < 0 || !(v[i * n + j] > 0)) {
				diag_add(d, D_CALC_MATRIX_VALUE, file, c->line,
				    c->col, m->name[i], m->name[j], c->s);
				nerr++;
				continue;
			}
			have[i * n + j] = 1;
		}
	}
	for (i = 0; i < n && nerr == 0; i++) {
		const struct S_cell *c = cell[i * n + i];

		if (!have[i * n + i])
			v[i * n + i] = 1;
		else if (fabs(v[i * n + i] - 1) > 1e-9) {
			diag_add(d, D_CALC_MATRIX_DIAG, file, c->line, c->col,
			    m->name[i], m->name[i], c->s);
			nerr++;
		}
		for (j = i + 1; j < n; j++) {
			double *u = &v[i * n + j], *l = &v[j * n + i];
			const struct S_cell *lc = cell[j * n + i];
			const struct S_cell *uc = cell[i * n + j];
			char pb[64];

			if (have[i * n + j] && have[j * n + i]) {
				/*
				 * People write 0.33 for 1/3 or 0.13 for 1/8:
				 * two-decimal rounding of 1/k (k <= 9) is
				 * off by at most 4.5%, while neighbouring
				 * scale values differ by at least 12.5%
				 * (9/8), so a 5% tolerance accepts the one
				 * and catches the other.  The entry >= 1 is
				 * taken as meant; the other becomes exact.
				 */
				double prod = *u * *l;

				if (fabs(prod - 1) > 0.05) {
					diag_add(d, D_CALC_MATRIX_RECIPROCAL,
					    file, lc->line, lc->col,
					    m->name[j], m->name[i], lc->s,
					    m->name[i], m->name[j], uc->s,
					    cv_fixed(prod, 4, pb));
					nerr++;
				} else if (*u >= 1)
					*l = 1 / *u;
				else
					*u = 1 / *l;
			} else if (have[i * n + j])
				*l = 1 / *u;
			else if (have[j * n + i])
				*u = 1 / *l;
			else {
				const struct S_row *r = &t->r[i + 1];

				diag_add(d, D_CALC_MATRIX_EMPTY, file,
				    uc != NULL ? uc->line : r->c[0].line,
				    uc != NULL ? uc->col : (long)(j + 2),
				    m->name[i], m->name[j], m->name[j],
				    m->name[i]);
				nerr++;
			}
		}
	}
	free(cell);
	free(have);
	return nerr > 0 ? CV_EXIT_DATA : 0;
}

static int
S_weights_ahp(const struct S_opts *o, FILE *out, struct diag *d)
{
	struct S_table t;
	struct S_matrix m;
	struct mt_ahp_result r;
	enum mt_ri_table ri = MT_RI_SAATY;
	enum mt_ahp_method meth = MT_AHP_EIGEN;
	const struct S_words *wd = S_words(d);
	char nb[64], cb[64], ib[64], rb[64], lb[64];
	size_t j, width;
	int rc, mrc;

	if (o->ri != NULL) {
		if (strcmp(o->ri, "saaty") == 0)
			ri = MT_RI_SAATY;
		else if (strcmp(o->ri, "cn") == 0)
			ri = MT_RI_CN;
		else {
			diag_add(d, D_CALC_OPTION_VALUE, NULL, 0, 0, o->cmd,
			    o->ri, "--ri");
			return CV_EXIT_USAGE;
		}
	}
	if (o->priority != NULL) {
		if (strcmp(o->priority, "eigen") == 0)
			meth = MT_AHP_EIGEN;
		else if (strcmp(o->priority, "geomean") == 0)
			meth = MT_AHP_GEOMEAN;
		else {
			diag_add(d, D_CALC_OPTION_VALUE, NULL, 0, 0, o->cmd,
			    o->priority, "--priority");
			return CV_EXIT_USAGE;
		}
	}
	rc = S_read_matrix(o->matrix, &t, &m, d);
	if (rc == 0 && m.n > MT_RI_MAX_N) {
		diag_add(d, D_CALC_AHP_SIZE, o->matrix, 0, 0, m.n,
		    MT_RI_MAX_N);
		rc = CV_EXIT_DATA;
	}
	if (rc != 0)
		goto done;
	r.w = cv_malloc(m.n * sizeof(*r.w));
	mrc = mt_ahp_ex(m.a, m.n, ri, meth, &r);
	if (mrc == MT_ENOCONV) {
		diag_add(d, D_CALC_NOT_CONVERGED, o->matrix, 0, 0);
		rc = CV_EXIT_DATA;
	} else if (mrc != MT_OK) {
		diag_add(d, D_CALC_MATRIX_INVALID, o->matrix, 0, 0);
		rc = CV_EXIT_DATA;
	}
	if (rc != 0) {
		free(r.w);
		goto done;
	}
	S_num(r.lambda_max, lb);
	S_num(r.ci, ib);
	S_num(r.ri, nb);
	S_num(r.cr, cb);
	if (o->csv) {
		fprintf(out, "%s,%s,lambda_max,CI,RI,CR,%s\n", wd->criterion,
		    wd->weight, wd->consistent_col);
		for (j = 0; j < m.n; j++) {
			S_csv_field(out, m.name[j]);
			fprintf(out, ",%s,%s,%s,%s,%s,%s\n", S_num(r.w[j], rb),
			    lb, ib, nb, cb, r.consistent ? wd->yes : wd->no);
		}
	} else {
		width = strlen("lambda_max");
		for (j = 0; j < m.n; j++)
			if (S_width(m.name[j]) > width)
				width = S_width(m.name[j]);
		for (j = 0; j < m.n; j++) {
			S_pad(out, m.name[j], width);
			fprintf(out, "  %s\n", S_num(r.w[j], rb));
		}
		S_pad(out, "lambda_max", width);
		fprintf(out, "  %s\n", lb);
		S_pad(out, "CI", width);
		fprintf(out, "  %s\n", ib);
		S_pad(out, "RI", width);
		fprintf(out, "  %s\n", nb);
		S_pad(out, "CR", width);
		fprintf(out, "  %s\n", cb);
		fprintf(out, "%s\n", r.consistent ? wd->consistent :
		    wd->inconsistent);
	}
	if (!r.consistent) {
		diag_add(d, D_CALC_AHP_INCONSISTENT, o->matrix, 0, 0, cb);
		rc = CV_EXIT_DATA;
	}
	free(r.w);
	rc = S_finish(out, d, rc);
done:
	free(m.name);
	free(m.a);
	S_table_free(&t);
	return rc;
}

static void
S_print_weights(FILE *out, int csv, const struct S_words *wd,
    const char *const *name, const double *w, size_t n)
{
	char b[64];
	size_t j, width = 0;

	if (csv)
		fprintf(out, "%s,%s\n", wd->criterion, wd->weight);
	for (j = 0; j < n; j++)
		if (S_width(name[j]) > width)
			width = S_width(name[j]);
	for (j = 0; j < n; j++) {
		if (csv) {
			S_csv_field(out, name[j]);
			fprintf(out, ",%s\n", S_num(w[j], b));
		} else {
			S_pad(out, name[j], width);
			fprintf(out, "  %s\n", S_num(w[j], b));
		}
	}
}

static int
S_weights_data(const struct S_opts *o, int critic, FILE *out,
    struct diag *d)
{
	struct S_data dt;
	double *w = NULL;
	int *dirs = NULL, raw = 0, rc, mrc;

	if (o->normalize != NULL) {
		if (!critic && strcmp(o->normalize, "raw") == 0)
			raw = 1;
		else if (strcmp(o->normalize, "minmax") != 0) {
			diag_add(d, D_CALC_OPTION_VALUE, NULL, 0, 0, o->cmd,
			    o->normalize, "--normalize");
			return CV_EXIT_USAGE;
		}
	}
	if (raw && o->directions != NULL) {
		diag_add(d, D_CALC_OPTION_CONFLICT, NULL, 0, 0, o->cmd,
		    "--directions", "--normalize raw");
		return CV_EXIT_USAGE;
	}
	if ((rc = S_read_data(o->data, 2, &dt, d)) != 0)
		goto done;
	dirs = cv_malloc(dt.cols * sizeof(*dirs));
	if ((rc = S_parse_dirs(o, dt.cols, dirs, d)) != 0)
		goto done;
	w = cv_malloc(dt.cols * sizeof(*w));
	if (critic)
		mrc = mt_critic(dt.x, dt.rows, dt.cols, dirs, w);
	else if (raw)
		mrc = mt_entropy_raw(dt.x, dt.rows, dt.cols, w);
	else
		mrc = mt_entropy(dt.x, dt.rows, dt.cols, dirs, w);
	if (mrc != MT_OK) {
		rc = S_method_error(mrc, &dt, w, d);
		goto done;
	}
	S_print_weights(out, o->csv, S_words(d), dt.crit, w, dt.cols);
	rc = S_finish(out, d, 0);
done:
	free(w);
	free(dirs);
	S_data_free(&dt);
	return rc;
}

int
cmd_weights(int argc, char **argv, FILE *out, struct diag *d)
{
	static const char *const allowed[] = { "--method", "--matrix",
	    "--data", "--ri", "--priority", "--directions", "--normalize",
	    "--format", "--lang", NULL };
	struct S_opts o;
	int rc;

	if ((rc = S_parse_opts(argc, argv, allowed, &o, d)) != 0)
		return rc;
	if (o.help) {
		fputs(S_weights_usage, out);
		return S_finish(out, d, 0);
	}
	if (o.method == NULL) {
		diag_add(d, D_CALC_OPTION_MISSING, NULL, 0, 0, o.cmd,
		    "--method");
		return CV_EXIT_USAGE;
	}
	if (strcmp(o.method, "ahp") == 0) {
		if (o.matrix == NULL) {
			diag_add(d, D_CALC_OPTION_MISSING, NULL, 0, 0, o.cmd,
			    "--matrix");
			return CV_EXIT_USAGE;
		}
		if (o.data != NULL || o.directions != NULL ||
		    o.normalize != NULL) {
			diag_add(d, D_CALC_OPTION_CONFLICT, NULL, 0, 0, o.cmd,
			    o.data != NULL ? "--data" : o.directions != NULL ?
			    "--directions" : "--normalize", "--method ahp");
			return CV_EXIT_USAGE;
		}
		return S_weights_ahp(&o, out, d);
	}
	if (strcmp(o.method, "entropy") == 0 || strcmp(o.method, "critic") == 0) {
		if (o.data == NULL) {
			diag_add(d, D_CALC_OPTION_MISSING, NULL, 0, 0, o.cmd,
			    "--data");
			return CV_EXIT_USAGE;
		}
		if (o.matrix != NULL || o.ri != NULL || o.priority != NULL) {
			diag_add(d, D_CALC_OPTION_CONFLICT, NULL, 0, 0, o.cmd,
			    o.matrix != NULL ? "--matrix" : o.ri != NULL ?
			    "--ri" : "--priority", "--method entropy/critic");
			return CV_EXIT_USAGE;
		}
		return S_weights_data(&o, o.method[0] == 'c', out, d);
	}
	diag_add(d, D_CALC_OPTION_VALUE, NULL, 0, 0, o.cmd, o.method,
	    "--method");
	return CV_EXIT_USAGE;
}

/* ---- rank */

static const char S_rank_usage[] =
"usage: custeval rank --method topsis|sum --data FILE --weights w1,w2,...\n"
"           [--directions +,-,...] [--normalize METHOD] [--format text|csv]\n"
"           [--lang zh-CN|zh-TW|en]\n"
"\n"
"  --method topsis     closeness to the ideal customer (Hwang & Yoon 1981)\n"
"  --method sum        weighted sum of normalised values\n"
"  --data FILE         CSV: header = label + criterion names, one row per\n"
"                      customer starting with its name\n"
"  --weights LIST      one weight >= 0 per criterion; rescaled to sum 1\n"
"  --directions LIST   + (benefit) or - (cost) per criterion; default all +\n"
"  --normalize METHOD  topsis: vector (default) or minmax;\n"
"                      sum: minmax (default), zscore, percentile or vector\n"
"  --format text|csv   output format (default text)\n"
"  --lang zh-CN|zh-TW|en  language of messages and of the CSV header\n"
"                      (default zh-CN)\n"
"\n"
"Prints one line per customer in input order: name, value, rank (1 = best;\n"
"equal values share a rank: 1, 2, 2, 4).  Customers with an empty cell are\n"
"not ranked (value NA, rank -) and a warning names them.\n"
"Exit status: 0 ok, 1 usage, 2 data error, 3 I/O error.\n";

static int
S_parse_weights(const struct S_opts *o, size_t cols, double *w,
    struct diag *d)
{
	char **items;
	double sum = 0;
	size_t n, j;
	int rc = 0;

	n = S_split(o->weights, &items);
	if (n != cols) {
		diag_add(d, D_CALC_LIST_COUNT, NULL, 0, 0, "--weights", n, cols);
		S_free_items(items, n);
		return CV_EXIT_USAGE;
	}
	for (j = 0; j < n; j++) {
		if (S_parse_ratio(items[j], &w[j]) != 0 || w[j] < 0) {
			diag_add(d, D_CALC_OPTION_VALUE, NULL, 0, 0, o->cmd,
			    items[j], "--weights");
			rc = CV_EXIT_USAGE;
			break;
		}
		sum += w[j];
	}
	S_free_items(items, n);
	if (rc == 0 && !(sum > 0)) {
		diag_add(d, D_CALC_WEIGHTS_ZERO, NULL, 0, 0);
		rc = CV_EXIT_USAGE;
	}
	for (j = 0; rc == 0 && j < n; j++)
		w[j] /= sum;
	return rc;
}

int
cmd_rank(int argc, char **argv, FILE *out, struct diag *d)
{
	static const char *const allowed[] = { "--method", "--data",
	    "--weights", "--directions", "--normalize", "--format", "--lang",
	    NULL };
	struct S_opts o;
	struct S_data dt;
	enum mt_norm norm;
	double *w = NULL, *v = NULL;
	int *dirs = NULL, *rank = NULL, topsis, rc;
	size_t i, width = 0;
	char b[64];

	if ((rc = S_parse_opts(argc, argv, allowed, &o, d)) != 0)
		return rc;
	if (o.help) {
		fputs(S_rank_usage, out);
		return S_finish(out, d, 0);
	}
	if (o.method == NULL || o.data == NULL || o.weights == NULL) {
		diag_add(d, D_CALC_OPTION_MISSING, NULL, 0, 0, o.cmd,
		    o.method == NULL ? "--method" : o.data == NULL ? "--data" :
		    "--weights");
		return CV_EXIT_USAGE;
	}
	if (strcmp(o.method, "topsis") == 0)
		topsis = 1;
	else if (strcmp(o.method, "sum") == 0)
		topsis = 0;
	else {
		diag_add(d, D_CALC_OPTION_VALUE, NULL, 0, 0, o.cmd, o.method,
		    "--method");
		return CV_EXIT_USAGE;
	}
	norm = topsis ? MT_NORM_VECTOR : MT_NORM_MINMAX;
	if (o.normalize != NULL) {
		if (strcmp(o.normalize, "vector") == 0)
			norm = MT_NORM_VECTOR;
		else if (strcmp(o.normalize, "minmax") == 0)
			norm = MT_NORM_MINMAX;
		else if (!topsis && strcmp(o.normalize, "zscore") == 0)
			norm = MT_NORM_ZSCORE;
		else if (!topsis && strcmp(o.normalize, "percentile") == 0)
			norm = MT_NORM_PERCENTILE;
		else {
			diag_add(d, D_CALC_OPTION_VALUE, NULL, 0, 0, o.cmd,
			    o.normalize, "--normalize");
			return CV_EXIT_USAGE;
		}
	}
	if ((rc = S_read_data(o.data, 1, &dt, d)) != 0)
		goto done;
	w = cv_malloc(dt.cols * sizeof(*w));
	dirs = cv_malloc(dt.cols * sizeof(*dirs));
	if ((rc = S_parse_weights(&o, dt.cols, w, d)) != 0 ||
	    (rc = S_parse_dirs(&o, dt.cols, dirs, d)) != 0)
		goto done;
	v = cv_malloc(dt.rows * sizeof(*v));
	rank = cv_malloc(dt.rows * sizeof(*rank));
	if ((topsis ? mt_topsis(dt.x, dt.rows, dt.cols, w, dirs, norm, v) :
	    mt_weighted_sum(dt.x, dt.rows, dt.cols, w, dirs, norm, v)) !=
	    MT_OK) {
		diag_add(d, D_CALC_RANKING_FAILED, o.data, 0, 0);
		rc = CV_EXIT_DATA;
		goto done;
	}
	mt_rank(v, dt.rows, rank);
	for (i = 0; i < dt.rows; i++) {
		if (isnan(v[i])) {
			const struct S_cell *c = &dt.t.r[i + 1].c[0];

			diag_add(d, D_CALC_ROW_MISSING, o.data, c->line, c->col,
			    dt.name[i]);
		}
		if (S_width(dt.name[i]) > width)
			width = S_width(dt.name[i]);
	}
	if (o.csv)
		fprintf(out, "%s,%s,%s\n", S_words(d)->name,
		    topsis ? S_words(d)->closeness : S_words(d)->score,
		    S_words(d)->rank);
	for (i = 0; i < dt.rows; i++) {
		if (o.csv) {
			S_csv_field(out, dt.name[i]);
			if (isnan(v[i]))
				fputs(",,\n", out);
			else
				fprintf(out, ",%s,%d\n", S_num(v[i], b),
				    rank[i]);
		} else {
			S_pad(out, dt.name[i], width);
			if (isnan(v[i]))
				fprintf(out, "  %9s  -\n", "NA");
			else
				fprintf(out, "  %9s  %d\n", S_num(v[i], b),
				    rank[i]);
		}
	}
	rc = S_finish(out, d, 0);
done:
	free(rank);
	free(v);
	free(dirs);
	free(w);
	S_data_free(&dt);
	return rc;
}
