/* test_ingest.c: cmocka tests of ingest: exact amounts, line numbers, resynchronisation, accounting (run from the repo root). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "diag.h"
#include "ingest.h"
#include "model.h"
#include "util.h"
#include "value.h"

#define PROFILE "templates/default-profile.xml"
#define XSD "templates/config.xsd"

/* One ingest run over a sales file written from text. */
struct S_run {
	struct config cfg;
	struct model m;
	struct diag d;
	char path[64];
	char mpath[64];		/* the master file, if S_master */
	char *rejects;		/* contents of the rejects output */
	size_t n_rejects;
	int rc;
};

static int S_csv_only;	/* S_ingest: no fast path for plain lines */
static const char *S_master;	/* S_ingest: customer master text, or NULL */

static void
S_ingest(struct S_run *t, const char *data, size_t n, int strict)
{
	struct ingest_opts o;
	FILE *fp, *rej;
	int fd;

	memset(t, 0, sizeof(*t));
	snprintf(t->path, sizeof(t->path), "/tmp/test_ingest.XXXXXX");
	fd = mkstemp(t->path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);

	diag_init(&t->d, LANG_EN);
	config_init(&t->cfg);
	assert_int_equal(config_load(&t->cfg, PROFILE, XSD, &t->d), 0);
	config_set_input(&t->cfg, IN_SALES, t->path);
	if (S_master != NULL) {
		snprintf(t->mpath, sizeof(t->mpath), "/tmp/test_master.XXXXXX");
		fd = mkstemp(t->mpath);
		assert_true(fd >= 0);
		fp = fdopen(fd, "wb");
		assert_non_null(fp);
		fputs(S_master, fp);
		assert_int_equal(fclose(fp), 0);
		config_set_input(&t->cfg, IN_CUSTOMERS, t->mpath);
	}
	t->cfg.strict = strict;
	model_init(&t->m, cv_days_from_civil(2024, 12, 31), 4);
	rej = open_memstream(&t->rejects, &t->n_rejects);
	assert_non_null(rej);
	memset(&o, 0, sizeof(o));
	o.cfg = &t->cfg;
	o.rejects = rej;
	o.csv_only = S_csv_only;
	t->rc = ingest_all(&t->m, &o, &t->d);
	fclose(rej);
}

static void
S_done(struct S_run *t)
{
	unlink(t->path);
	if (t->mpath[0] != '\0')
		unlink(t->mpath);
	free(t->rejects);
	model_free(&t->m);
	config_free(&t->cfg);
	diag_free(&t->d);
}

/* The n-th (0-based) message with this id: its line and column. */
static const struct diag_msg *
S_msg(const struct S_run *t, enum diag_id id, size_t nth)
{
	size_t i;

	for (i = 0; i < t->d.n_msgs; i++)
		if (t->d.msgs[i].id == id && nth-- == 0)
			return &t->d.msgs[i];
	return NULL;
}

static void
S_assert_balanced(const struct S_run *t)
{
	size_t i;

	for (i = 0; i < t->m.n_inputs; i++)
		assert_int_equal(t->m.inputs[i].rows_read,
		    t->m.inputs[i].rows_accepted + t->m.inputs[i].rows_rejected);
}

#define RUN(t, lit, strict) S_ingest((t), (lit), sizeof(lit) - 1, (strict))

static void
test_scaled(void **state)
{
	int64_t v;

	(void)state;
	assert_int_equal(val_scaled("1,234.5", 7, 6, &v), 0);
	assert_int_equal(v, 1234500000LL);
	assert_int_equal(val_scaled("(3)", 3, 6, &v), 0);
	assert_int_equal(v, -3000000LL);
	assert_int_equal(val_scaled("\xEF\xBC\x91\xEF\xBC\x92", 6, 6, &v), 0);
	assert_int_equal(v, 12000000LL);	/* full-width 12 */
	assert_int_equal(val_scaled("0.0000001", 9, 6, &v), VAL_E_PRECISION);
	assert_int_equal(val_scaled("1.5000000", 9, 6, &v), 0);
	assert_int_equal(v, 1500000LL);
	assert_int_equal(val_scaled("1e3", 3, 6, &v), VAL_E_EXPONENT);
	assert_int_equal(val_scaled("99999999999999", 14, 6, &v), VAL_E_RANGE);
	assert_int_equal(val_scaled("5%", 2, 6, &v), VAL_E_NUMBER);
	assert_int_equal(val_scaled("", 0, 6, &v), VAL_E_EMPTY);
}

static void
test_mul_scaled(void **state)
{
	int64_t v;

	(void)state;
	/* 3 x 0.10: a double product gives 0.30000000000000004 */
	assert_int_equal(val_mul_scaled(3000000, 6, 10, &v), 0);
	assert_int_equal(v, 30);
	/* 1.005 x 1.00 = 1.005 -> 1.01 (half away from zero) */
	assert_int_equal(val_mul_scaled(1005000, 6, 100, &v), 0);
	assert_int_equal(v, 101);
	assert_int_equal(val_mul_scaled(-1005000, 6, 100, &v), 0);
	assert_int_equal(v, -101);
	/* 0.333333 x 3.00 = 0.999999 -> 1.00 */
	assert_int_equal(val_mul_scaled(333333, 6, 300, &v), 0);
	assert_int_equal(v, 100);
	/* 12.5 x 19.99 = 249.875 -> 249.88 */
	assert_int_equal(val_mul_scaled(12500000, 6, 1999, &v), 0);
	assert_int_equal(v, 24988);
	assert_int_equal(val_mul_scaled(INT64_MAX, 6, INT64_MAX, &v),
	    VAL_E_RANGE);
	assert_int_equal(val_mul_scaled(INT64_MAX, 0, 2, &v), VAL_E_RANGE);
}

static void
test_text_cut(void **state)
{
	char out[8];

	(void)state;
	assert_int_equal(val_text_cut("  a\tb\x01 ", 8, out, sizeof(out)), 3);
	assert_string_equal(out, "a b");
	/* 3 CJK characters are 9 bytes: cut at a character boundary */
	assert_int_equal(val_text_cut("\xE5\xAE\xA2\xE6\x88\xB7\xE5\x90\x8D",
	    9, out, sizeof(out)), 6);
	assert_string_equal(out, "\xE5\xAE\xA2\xE6\x88\xB7");
	assert_int_equal(val_text_cut("\xFF" "x", 2, out, sizeof(out)), 1);
	assert_string_equal(out, "x");
}

static void
test_exact_amount(void **state)
{
	struct S_run t;

	(void)state;
	RUN(&t, "date,customer,invoice,qty,unit_price\n"
	    "2024-01-05,C1,I1,3,0.10\n"
	    "2024-01-05,C1,I1,1.005,1.00\n"
	    "2024-01-05,C1,I1,12.5,19.99\n"
	    "2024-01-05,C1,I1,0.33333333,3.00\n"
	    "2024-01-05,C1,I1,99999999999,99999999999.99\n", 0);
	assert_int_equal(t.rc, 0);
	S_assert_balanced(&t);
	assert_int_equal(t.m.inputs[0].rows_accepted, 4);
	assert_int_equal(t.m.inputs[0].rows_rejected, 1);
	/* 0.30 + 1.01 + 249.88 + 1.00 */
	assert_int_equal(t.m.revenue_total, 30 + 101 + 24988 + 100);
	assert_int_equal(S_msg(&t, D_ROW_REJECTED, 0)->line, 6);
	assert_int_equal(S_msg(&t, D_ROW_REJECTED, 0)->col, 4);
	S_done(&t);
}

static void
test_multiline_line_numbers(void **state)
{
	struct S_run t;

	(void)state;
	/* Row 2 starts with a quoted field spanning lines 3-4. */
	RUN(&t, "date,customer,amount\n"
	    "2024-01-05,C1,1\n"
	    "\"2024-01-06\nX\",C2,1\n"
	    "2024-01-07,C3,y\n", 0);
	assert_int_equal(t.rc, 0);
	S_assert_balanced(&t);
	assert_int_equal(t.m.inputs[0].rows_read, 3);
	assert_int_equal(S_msg(&t, D_ROW_REJECTED, 0)->line, 3);
	assert_int_equal(S_msg(&t, D_ROW_REJECTED, 0)->col, 1);
	assert_int_equal(S_msg(&t, D_ROW_REJECTED, 1)->line, 5);
	assert_int_equal(S_msg(&t, D_ROW_REJECTED, 1)->col, 3);
	/* rejects.csv keeps the original field, line break included */
	assert_non_null(strstr(t.rejects, ",3,1,"));
	assert_non_null(strstr(t.rejects, "\"2024-01-06\nX\",C2,1\r\n"));
	S_done(&t);
}

static void
test_resync_after_stray_quote(void **state)
{
	struct S_run t;

	(void)state;
	RUN(&t, "date,customer,amount\r\n"
	    "2024-01-05,C\"1,1\r\n"		/* line 2: stray quote */
	    "2024-01-06,\"C2,2\r\n"		/* line 3: opens a quote ... */
	    "2024-01-07,C3,3\r\n"		/* line 4 */
	    "2024-01-08,C4,\"4\"\r\n"		/* line 5: ... closed badly */
	    "2024-01-09,C5,5", 0);		/* line 6, no line end */
	assert_int_equal(t.rc, 0);
	S_assert_balanced(&t);
	assert_int_equal(t.m.inputs[0].rows_read, 5);
	assert_int_equal(t.m.inputs[0].rows_rejected, 2);
	assert_int_equal(t.m.revenue_total, 1200);	/* C3 + C4 + C5 */
	assert_int_equal(S_msg(&t, D_ROW_REJECTED, 0)->line, 2);
	assert_int_equal(S_msg(&t, D_ROW_REJECTED, 0)->col, 2);
	assert_int_equal(S_msg(&t, D_ROW_REJECTED, 1)->line, 3);
	assert_int_equal(S_msg(&t, D_ROW_REJECTED, 1)->col, 2);
	assert_non_null(strstr(t.rejects, ",2,2,"));
	assert_non_null(strstr(t.rejects, ",\"2024-01-05,C\"\"1,1\"\r\n"));
	S_done(&t);
}

static void
test_unterminated_quote_at_end(void **state)
{
	struct S_run t;

	(void)state;
	RUN(&t, "date,customer,amount\n"
	    "2024-01-05,\"C1,1\n"
	    "2024-01-06,C2,2\n"
	    "2024-01-07,C3,3\n", 0);
	assert_int_equal(t.rc, 0);
	S_assert_balanced(&t);
	assert_int_equal(t.m.inputs[0].rows_read, 3);
	assert_int_equal(t.m.inputs[0].rows_accepted, 2);
	assert_int_equal(S_msg(&t, D_ROW_REJECTED, 0)->line, 2);
	S_done(&t);
}

static void
test_cr_only_and_nul(void **state)
{
	struct S_run t;
	static const char data[] = "date,customer,amount\r"
	    "2024-01-05,C1,1\r"
	    "2024-01-06,C\0002,2\r"
	    "2024-01-07,C3,3\r";

	(void)state;
	S_ingest(&t, data, sizeof(data) - 1, 0);
	assert_int_equal(t.rc, 0);
	S_assert_balanced(&t);
	assert_int_equal(t.m.inputs[0].rows_read, 3);
	assert_int_equal(S_msg(&t, D_ROW_REJECTED, 0)->line, 3);
	assert_int_equal(S_msg(&t, D_ROW_REJECTED, 0)->col, 2);
	/* the NUL byte is shown as U+2400 in rejects.csv */
	assert_non_null(strstr(t.rejects, "C\xE2\x90\x80" "2"));
	S_done(&t);
}

static void
test_huge_field(void **state)
{
	struct S_run t;
	struct buf b;
	size_t i;

	(void)state;
	buf_init(&b);
	buf_puts(&b, "date,customer,amount\n2024-01-05,\"");
	for (i = 0; i < (1u << 20) + 10; i++)
		buf_add(&b, "x", 1);
	buf_puts(&b, "\",1\n2024-01-06,C2,2\n");
	S_ingest(&t, b.data, b.len, 0);
	buf_free(&b);
	assert_int_equal(t.rc, 0);
	S_assert_balanced(&t);
	assert_int_equal(t.m.inputs[0].rows_read, 2);
	assert_int_equal(t.m.inputs[0].rows_accepted, 1);
	assert_int_equal(S_msg(&t, D_ROW_REJECTED, 0)->line, 2);
	assert_int_equal(S_msg(&t, D_ROW_REJECTED, 0)->col, 2);
	S_done(&t);
}

static void
test_strict_stops(void **state)
{
	struct S_run t;

	(void)state;
	RUN(&t, "date,customer,amount\n2024-01-05,C1,1\n2024-13-05,C1,1\n"
	    "2024-01-07,C1,x\n", 1);
	assert_int_equal(t.rc, -1);
	assert_int_equal(t.m.inputs[0].rows_read, 2);
	assert_non_null(S_msg(&t, D_STRICT_STOP, 0));
	assert_int_equal(S_msg(&t, D_STRICT_STOP, 0)->line, 3);
	assert_int_equal(t.d.worst_exit, 2);
	S_done(&t);
}

static void
test_header_synonyms(void **state)
{
	struct S_run t;

	(void)state;
	/* BOM, quoted header, units in brackets, full-width, spaces */
	RUN(&t, "\xEF\xBB\xBF\"\xE6\x97\xA5\xE6\x9C\x9F\",\" Customer ID \","
	    "\xE9\x87\x91\xE9\xA2\x9D\xEF\xBC\x88\xE5\x85\x83\xEF\xBC\x89,"
	    "Posting Date\n"
	    "2024/1/5,C1,\"\xC2\xA5" "1,234.50\",x\n"
	    "20240106,'0012,(5.00),x\n", 0);
	assert_int_equal(t.rc, 0);
	S_assert_balanced(&t);
	assert_int_equal(t.m.inputs[0].rows_accepted, 2);
	assert_int_equal(t.m.revenue_total, 123450 - 500);
	assert_non_null(model_find(&t.m, "0012"));
	S_done(&t);
}

static void
test_trailing_empty_fields(void **state)
{
	struct S_run t;

	(void)state;
	RUN(&t, "date,customer,amount\n2024-01-05,C1,1,,\n2024-01-05,C1,1,x\n"
	    "2024-01-05,C1\n", 0);
	S_assert_balanced(&t);
	assert_int_equal(t.m.inputs[0].rows_accepted, 1);
	assert_int_equal(t.m.inputs[0].rows_rejected, 2);
	S_done(&t);
}

/* rejects.csv lists rows in line order (its second field). */
static void
S_assert_rejects_in_order(const struct S_run *t)
{
	const char *p = t->rejects, *e = t->rejects + t->n_rejects;
	long last = 0, n = 0;

	while (p < e && (p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
		const char *f;
		long line;

		p++;
		f = memchr(p, ',', (size_t)(e - p));
		if (f == NULL)
			break;
		line = strtol(f + 1, NULL, 10);
		assert_true(line > last);
		last = line;
		n++;
	}
	assert_true(n > 0);
}

/*
 * Two runs over the same text must agree on everything: counts, sums per
 * customer, year and month, messages in order, and rejects.csv.
 */
static void
S_assert_same_runs(const struct S_run *a, const struct S_run *c)
{
	size_t i;
	int y, k;

	assert_int_equal(a->rc, c->rc);
	assert_int_equal(a->m.n_inputs, c->m.n_inputs);
	for (i = 0; i < a->m.n_inputs; i++) {
		const struct input_stats *x = &a->m.inputs[i];
		const struct input_stats *z = &c->m.inputs[i];

		assert_int_equal(x->rows_read, z->rows_read);
		assert_int_equal(x->rows_accepted, z->rows_accepted);
		assert_int_equal(x->rows_rejected, z->rows_rejected);
		assert_int_equal(x->rows_outside, z->rows_outside);
		assert_int_equal(x->amount_total, z->amount_total);
		assert_int_equal(x->cost_total, z->cost_total);
		assert_int_equal(x->date_min, z->date_min);
		assert_int_equal(x->date_max, z->date_max);
	}
	assert_int_equal(a->m.revenue_total, c->m.revenue_total);
	assert_int_equal(a->m.revenue_in_window, c->m.revenue_in_window);
	assert_int_equal(a->m.n_cust, c->m.n_cust);
	for (i = 0; i < a->m.n_cust; i++) {
		const struct customer *x = a->m.cust[i], *z = c->m.cust[i];

		assert_string_equal(x->id, z->id);
		assert_int_equal(x->first_sale, z->first_sale);
		assert_int_equal(x->last_sale, z->last_sale);
		assert_int_equal(x->src_line, z->src_line);
		assert_int_equal(x->sales_before_window, z->sales_before_window);
		for (y = 0; y < a->m.cycle_years; y++) {
			assert_int_equal(x->year[y].cost, z->year[y].cost);
			assert_int_equal(x->year[y].cost_revenue,
			    z->year[y].cost_revenue);
			assert_int_equal(x->year[y].revenue, z->year[y].revenue);
			assert_int_equal(x->year[y].gross, z->year[y].gross);
			assert_int_equal(x->year[y].returns, z->year[y].returns);
		}
		assert_int_equal(x->months == NULL, z->months == NULL);
		for (k = 0; x->months != NULL && k < a->m.n_months; k++) {
			assert_int_equal(x->months[k].revenue,
			    z->months[k].revenue);
			assert_int_equal(x->months[k].orders,
			    z->months[k].orders);
		}
	}
	assert_int_equal(a->d.n_msgs, c->d.n_msgs);
	for (i = 0; i < a->d.n_msgs; i++) {
		assert_int_equal(a->d.msgs[i].id, c->d.msgs[i].id);
		assert_int_equal(a->d.msgs[i].line, c->d.msgs[i].line);
		assert_int_equal(a->d.msgs[i].col, c->d.msgs[i].col);
		assert_string_equal(a->d.msgs[i].text, c->d.msgs[i].text);
	}
	/* rejects.csv names the (different) temporary file */
	assert_int_equal(a->n_rejects, c->n_rejects);
}

/*
 * Lines without quotes are split without libcsv (S_plain_line): on random
 * files of such lines (spaces, tabs, empty fields, blank lines, CR, CRLF,
 * LF, wrong field counts, bad values, NUL, UTF-8) both ways must give the
 * same counts, sums, messages and rejects.csv.
 */
static void
test_plain_lines_match_libcsv(void **state)
{
	static const char *const atoms[] = {
		"2024-01-05", "2024/3/7", "C1", "C2", " C3", "C1 ", "\t", " ",
		"", "12.50", "-3", "1,5", "x", "\xE5\xAE\xA2", "7", " 8 ",
		"0", "2023-12-31",
	};
	static const char *const ends[] = { "\n", "\r\n", "\r" };
	unsigned long seed = 12345;
	int iter;

	(void)state;
	for (iter = 0; iter < 300; iter++) {
		struct buf b;
		struct S_run a, c;
		int line, f, nf;

		buf_init(&b);
		buf_add(&b, "date,customer,amount\n", 21);
		for (line = 0; line < 40; line++) {
			seed = seed * 6364136223846793005UL + 1442695040888963407UL;
			nf = (int)((seed >> 33) % 5);	/* 0..4 fields */
			for (f = 0; f < nf; f++) {
				const char *at;

				seed = seed * 6364136223846793005UL +
				    1442695040888963407UL;
				at = atoms[(seed >> 33) % (sizeof(atoms) /
				    sizeof(atoms[0]))];
				if (f > 0)
					buf_add(&b, ",", 1);
				buf_add(&b, at, strlen(at));
			}
			if ((seed >> 20) % 29 == 0)
				buf_add(&b, "\0", 1);
			if (line < 39 || (seed >> 40) % 2)
				buf_add(&b, ends[(seed >> 45) % 3],
				    strlen(ends[(seed >> 45) % 3]));
		}
		S_csv_only = 0;
		S_ingest(&a, b.data, b.len, 0);
		S_csv_only = 1;
		S_ingest(&c, b.data, b.len, 0);
		S_csv_only = 0;
		S_assert_balanced(&a);
		S_assert_same_runs(&a, &c);
		assert_true(a.m.inputs[0].rows_read > 0);
		S_done(&a);
		S_done(&c);
		buf_free(&b);
	}
}

/*
 * Sales lines are added a few dozen lines after they are parsed; a reject
 * adds the waiting lines first.  Rejects among long runs of good lines
 * must neither add a line twice nor give it to another customer.
 */
static void
test_pipeline_rejects_exact(void **state)
{
	struct buf b;
	struct S_run t;
	char line[128];
	int64_t want[3] = { 0, 0, 0 }, total = 0;
	int i, n_bad = 0, n_good = 0;
	size_t k;

	(void)state;
	buf_init(&b);
	buf_add(&b, "date,customer,amount\n", 21);
	for (i = 0; i < 400; i++) {
		int c = (i / 3) % 3;	/* runs of three lines per customer */
		if (i % 97 == 40 || i % 61 == 7) {
			snprintf(line, sizeof(line), "2024-03-01,C%d,abc\n", c);
			n_bad++;
		} else {
			snprintf(line, sizeof(line), "2024-03-%02d,C%d,%d.%02d\n",
			    i % 28 + 1, c, i + 1, i % 100);
			want[c] += (int64_t)(i + 1) * 100 + i % 100;
			total += (int64_t)(i + 1) * 100 + i % 100;
			n_good++;
		}
		buf_add(&b, line, strlen(line));
	}
	S_ingest(&t, b.data, b.len, 0);
	S_assert_balanced(&t);
	assert_int_equal(t.m.inputs[0].rows_read, 400);
	assert_int_equal(t.m.inputs[0].rows_accepted, n_good);
	assert_int_equal(t.m.inputs[0].rows_rejected, n_bad);
	assert_int_equal(t.m.revenue_total, total);
	assert_int_equal(t.m.n_cust, 3);
	for (k = 0; k < t.m.n_cust; k++) {
		const struct customer *c = t.m.cust[k];
		int64_t sum = 0;
		int y;
		for (y = 0; y < t.m.cycle_years; y++)
			sum += c->year[y].revenue;
		assert_int_equal(sum, want[c->id[1] - '0']);
	}
	S_done(&t);
	buf_free(&b);
}

/*
 * Orders are changes of invoice id per customer: ids as a spreadsheet
 * wrote them ("12345.0" is 12345), long ids, and lines without an id (one
 * order per day).
 */
static void
test_orders_from_invoice_ids(void **state)
{
	static const char text[] =
	    "date,invoice,customer,amount\n"
	    "2024-03-01,INV1,C1,1\n"
	    "2024-03-01,INV1,C1,1\n"
	    "2024-03-02,INV2,C1,1\n"
	    "2024-03-02,A123456789012345678901234567890123456789012345678901,C1,1\n"
	    "2024-03-02,A123456789012345678901234567890123456789012345678901,C1,1\n"
	    "2024-03-03,12345.0,C1,1\n"
	    "2024-03-03,12345,C1,1\n"
	    "2024-03-04,,C1,1\n"
	    "2024-03-04,,C1,1\n"
	    "2024-03-05,,C1,1\n"
	    "2024-03-05,INV9,C1,-1\n"
	    "2024-03-05,,C1,1\n";
	struct S_run t;
	int k, orders = 0;

	(void)state;
	RUN(&t, text, 0);
	assert_int_equal(t.m.inputs[0].rows_accepted, 12);
	assert_int_equal(t.m.n_cust, 1);
	for (k = 0; k < t.m.n_months; k++)
		orders += t.m.cust[0]->months[k].orders;
	/* INV1, INV2, the long id, 12345, day 4, day 5 (a return is no
	 * order and does not end one) */
	assert_int_equal(orders, 6);
	S_done(&t);
}

/*
 * The sales pipeline compares ids under 8 bytes as one word, longer ones
 * with strcmp: ids that share a prefix, one byte apart in length, on
 * consecutive and on distant lines, must keep their own sums.
 */
static void
test_short_and_long_ids(void **state)
{
	static const char *const ids[] = { "C1", "C10", "C1", "ABCDEFG",
	    "ABCDEFGH", "ABCDEFG", "ABCDEFGHI", "ABCDEFGH", "C10", "C1",
	    "ABCDEFGHI", "ABCDEFG" };
	const size_t n_ids = sizeof(ids) / sizeof(ids[0]);
	static const char *const names[] = { "C1", "C10", "ABCDEFG",
	    "ABCDEFGH", "ABCDEFGHI" };
	long long want[5] = { 0 }, got;
	char *text = NULL;
	size_t len = 0, i, j;
	FILE *fp = open_memstream(&text, &len);
	struct S_run t;
	struct customer *c;
	int k;

	(void)state;
	fputs("date,customer,amount\n", fp);
	for (i = 0; i < 50 * n_ids; i++) {
		/* runs of 1..3 lines of one id, then the next id */
		const char *id = ids[(i / (1 + i % 3)) % n_ids];
		for (j = 0; strcmp(names[j], id) != 0; j++)
			;
		want[j] += (long long)(i + 1) * 100;
		fprintf(fp, "2024-%02zu-15,%s,%zu\n", 1 + i % 12, id, i + 1);
	}
	fclose(fp);
	S_ingest(&t, text, len, 0);
	assert_int_equal(t.rc, 0);
	assert_int_equal(t.m.n_cust, 5);
	for (j = 0; j < 5; j++) {
		c = model_find(&t.m, names[j]);
		assert_non_null(c);
		got = 0;
		for (k = 0; k < t.m.n_months; k++)
			got += c->months[k].revenue;
		assert_int_equal(got, want[j]);
	}
	S_done(&t);
	free(text);
}

/*
 * The sum of |money| of a run must stay within INT64_MAX.  |INT64_MIN| is
 * over it by itself: two such amounts must not cancel out in the budget
 * (the general way and the fast path alike).
 */
static void
test_money_budget_int64_min(void **state)
{
	static const char text[] =
	    "date,invoice,customer,amount,cost\n"
	    "2024-03-05,I1,C1,1.00,\n"
	    "2024-03-05,I1,C1,-92233720368547758.08,-92233720368547758.08\n"
	    "2024-03-05,I1,C1,-92233720368547758.08,-92233720368547758.08\n"
	    "2024-03-05,I1,C1,-92233720368547758.08,\n"
	    "2024-03-05,I1,C1,2.00,-92233720368547758.08\n"
	    "2024-03-05,I1,C1,3.00,\n";
	struct S_run t;
	int csv_only, i;

	(void)state;
	for (csv_only = 0; csv_only < 2; csv_only++) {
		S_csv_only = csv_only;
		RUN(&t, text, 0);
		S_csv_only = 0;
		assert_int_equal(t.m.inputs[0].rows_accepted, 2);
		assert_int_equal(t.m.inputs[0].rows_rejected, 4);
		for (i = 0; i < 4; i++) {
			const struct diag_msg *g = S_msg(&t, D_ROW_REJECTED, i);

			assert_non_null(g);
			assert_int_equal(g->line, 3 + (long)i);
			assert_non_null(strstr(g->text, "would overflow"));
		}
		assert_int_equal(t.m.revenue_total, 400);
		S_done(&t);
	}
}

/*
 * A header of more columns than a row keeps (MAX_FIELDS, 256): rows of
 * the header's width are read, not rejected for their field count.
 */
static void
test_wide_header(void **state)
{
	struct buf b;
	struct S_run t;
	char cell[16];
	int i, line, csv_only;

	(void)state;
	buf_init(&b);
	buf_add(&b, "date,customer,amount", 20);
	for (i = 3; i < 300; i++) {
		snprintf(cell, sizeof(cell), ",x%d", i);
		buf_add(&b, cell, strlen(cell));
	}
	buf_add(&b, "\n", 1);
	for (line = 0; line < 3; line++) {
		buf_add(&b, "2024-03-05,C1,1.50", 18);
		for (i = 3; i < 300; i++)
			buf_add(&b, line == 1 ? ",\"q\"" : ",v", line == 1 ? 4 : 2);
		buf_add(&b, "\n", 1);
	}
	buf_add(&b, "2024-03-05,C1,1.50,too,few\n", 27);
	for (csv_only = 0; csv_only < 2; csv_only++) {
		S_csv_only = csv_only;
		S_ingest(&t, b.data, b.len, 0);
		S_csv_only = 0;
		assert_int_equal(t.rc, 0);
		assert_int_equal(t.m.inputs[0].rows_read, 4);
		assert_int_equal(t.m.inputs[0].rows_accepted, 3);
		assert_int_equal(t.m.inputs[0].rows_rejected, 1);
		assert_int_equal(S_msg(&t, D_ROW_REJECTED, 0)->line, 5);
		assert_non_null(strstr(S_msg(&t, D_ROW_REJECTED, 0)->text,
		    "300"));
		assert_int_equal(t.m.revenue_total, 450);
		S_done(&t);
	}
	buf_free(&b);
}

/*
 * Common sales lines are queued without building their row (S_sale_fast);
 * every other line goes the general way.  On random files of lines with
 * every sales field, made of good values and of values that need the
 * general way (spaces to trim, spreadsheet ids, full-width digits, money
 * forms, quantities to check, bad values, NUL, quotes, wrong field
 * counts), three reads must agree in everything: with the fast path, with
 * it and no SIMD, and with libcsv alone.
 */
static void
test_sales_fast_path_matches(void **state)
{
	static const char *const dates[] = { "2024-03-05", "2024-03-05",
		"2024-03-05", "2024-03-06", "2024-03-06", "2024/3/5",
		" 2024-03-05", "2024-03-05 ", "", "2024-13-01", "20240306",
		"2020-01-01" };
	static const char *const invs[] = { "INV1", "INV1", "INV2", "", "",
		" INV3", "12345.0", "12345", "1.2E+3", "A-1_b", "inv e5",
		"INVOICE_NUMBER_LONGER_THAN_16", "\xEF\xBD\x89nv", "e12", "E12",
		"INV_0123456789AB" };
	static const char *const ids[] = { "C1", "C1", "C2", "C2", "C10",
		"ABCDEFG", "ABCDEFGH", "ABCDEFGHIJKLMNOPQ", "", " C1", "C1 ",
		"1.2E+3", "1200", "12345.0", "12345", "\xEF\xBC\xA3\xEF\xBC\x91",
		"'C2", "E5", "5E", "c-1_x", "C\xE5\xAE\xA2", "\xE3\x80\x80" };
	static const char *const qtys[] = { "", "", "3", "2.5", "x", " 4",
		"1,000", "-2" };
	static const char *const prices[] = { "", "10.00", "10.00", "abc",
		"3.333", "\xE3\x80\x80" };
	static const char *const amounts[] = { "12.50", "12.50", "-3", "0",
		"7", "1,234.50", "\xEF\xBF\xA5" "99", "(5.00)", "", "1.234", "x",
		"99999999999999999", "999999999999999", "12.5", "-0.01", " 7",
		"5.", "-", ".5", "1e3", "\xEF\xBC\x98" };
	static const char *const costs[] = { "", "", "5.00", "-1", "x", "1.5",
		"3,000", " 2", "0.001" };
	static const char *const ucosts[] = { "", "", "", "", "2.00", "y",
		" " };
	static const char *const regions[] = { "\xE5\x8D\x8E\xE4\xB8\x9C",
		"", "x y", "\xE5\x8D", "\xFF", "\xEF\xBF\xBD" };
	static const char *const *const cols[] = { dates, invs, ids, qtys,
		prices, amounts, costs, ucosts, regions };
	static const size_t ncol[] = { 12, 16, 22, 8, 6, 21, 9, 7, 6 };
	unsigned long seed = 977;
	int iter;

	(void)state;
	for (iter = 0; iter < 60; iter++) {
		struct buf b;
		struct S_run a, c, e;
		int line, f, nf;
		unsigned long x;

		buf_init(&b);
		buf_add(&b, "date,invoice,customer,qty,unit_price,amount,cost,"
		    "unit_cost,region\n", 66);
		for (line = 0; line < 400; line++) {
			seed = seed * 6364136223846793005UL +
			    1442695040888963407UL;
			x = seed >> 33;
			/* mostly whole lines; some short or long */
			nf = x % 23 == 0 ? (int)(x % 9) : x % 29 == 0 ? 10 : 9;
			for (f = 0; f < nf; f++) {
				const char *at;

				seed = seed * 6364136223846793005UL +
				    1442695040888963407UL;
				x = seed >> 33;
				/* the first (good) atoms most of the time */
				at = f >= 9 ? "" : x % 3 != 0 ? cols[f][x % 2] :
				    cols[f][(x >> 4) % ncol[f]];
				if (f > 0)
					buf_add(&b, ",", 1);
				if (x % 211 == 0)
					buf_add(&b, "\"q\"", 3);
				buf_add(&b, at, strlen(at));
			}
			if (x % 307 == 0)
				buf_add(&b, "\0", 1);
			buf_add(&b, x % 13 == 0 ? "\r\n" : "\n",
			    x % 13 == 0 ? 2 : 1);
		}
		S_csv_only = 0;
		S_ingest(&a, b.data, b.len, 0);
		cv_test_no_simd(1);
		S_ingest(&e, b.data, b.len, 0);
		cv_test_no_simd(0);
		S_csv_only = 1;
		S_ingest(&c, b.data, b.len, 0);
		S_csv_only = 0;
		S_assert_balanced(&a);
		S_assert_same_runs(&a, &c);
		S_assert_same_runs(&e, &c);
		assert_true(a.m.inputs[0].rows_accepted > 100);
		assert_true(a.m.inputs[0].rows_rejected > 10);
		S_done(&a);
		S_done(&e);
		S_done(&c);
		buf_free(&b);
	}
}

/*
 * Sales lines are added a few lines after they are parsed.  Over many
 * lines, with customers created when added (each with a message) between
 * rejects, the messages and rejects.csv must come out in line order, and
 * each created customer must name the line that created it.
 */
static void
test_messages_in_line_order(void **state)
{
	struct buf b;
	struct S_run a;
	char line[128];
	long last = 0;
	size_t k;
	int i, n_new = 0;

	(void)state;
	buf_init(&b);
	buf_add(&b, "date,invoice,customer,amount\n", 29);
	for (i = 0; i < 30000; i++) {
		/* C0..C9 in the master; every 50th line a new customer */
		int c = i % 50 == 0 ? 100 + i / 50 : (i / 4) % 10;
		if (i % 997 == 3 || i % 1301 == 11) {
			snprintf(line, sizeof(line), "2024-%02d-01,INV%d,C%d,x%d\n",
			    i % 12 + 1, i / 3, c, i);
		} else {
			snprintf(line, sizeof(line),
			    "2024-%02d-%02d,INV%d,C%d,%s%d.%02d\n", i % 12 + 1,
			    i % 28 + 1, i / 3, c, i % 17 == 0 ? "-" : "",
			    i % 5000, i % 100);
			n_new += c >= 100;
		}
		buf_add(&b, line, strlen(line));
	}
	S_master = "customer,name\nC0,a\nC1,b\nC2,c\nC3,d\nC4,e\n"
	    "C5,f\nC6,g\nC7,h\nC8,i\nC9,j\n";
	S_ingest(&a, b.data, b.len, 0);
	S_master = NULL;
	S_assert_balanced(&a);
	assert_true(a.m.inputs[1].rows_rejected > 40);
	assert_int_equal(a.m.n_cust, 10 + n_new);
	assert_true(n_new > 500);
	for (k = 0; k < a.d.n_msgs; k++) {
		const struct diag_msg *g = &a.d.msgs[k];

		if (g->line == 0)
			continue;
		assert_true(g->line > last);
		last = g->line;
		if (g->id == D_CUSTOMER_CREATED) {
			const char *q = strchr(g->text, 'C');
			const struct customer *c;
			char id[16];
			size_t n;

			assert_non_null(q);
			n = strspn(q, "C0123456789");
			assert_true(n < sizeof(id));
			memcpy(id, q, n);
			id[n] = '\0';
			c = model_find(&a.m, id);
			assert_non_null(c);
			assert_int_equal(c->src_line, g->line);
		}
	}
	assert_true(last > 29000);
	S_assert_rejects_in_order(&a);
	S_done(&a);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scaled),
		cmocka_unit_test(test_mul_scaled),
		cmocka_unit_test(test_text_cut),
		cmocka_unit_test(test_exact_amount),
		cmocka_unit_test(test_multiline_line_numbers),
		cmocka_unit_test(test_resync_after_stray_quote),
		cmocka_unit_test(test_unterminated_quote_at_end),
		cmocka_unit_test(test_cr_only_and_nul),
		cmocka_unit_test(test_huge_field),
		cmocka_unit_test(test_strict_stops),
		cmocka_unit_test(test_header_synonyms),
		cmocka_unit_test(test_trailing_empty_fields),
		cmocka_unit_test(test_plain_lines_match_libcsv),
		cmocka_unit_test(test_pipeline_rejects_exact),
		cmocka_unit_test(test_messages_in_line_order),
		cmocka_unit_test(test_orders_from_invoice_ids),
		cmocka_unit_test(test_short_and_long_ids),
		cmocka_unit_test(test_sales_fast_path_matches),
		cmocka_unit_test(test_money_budget_int64_min),
		cmocka_unit_test(test_wide_header),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
