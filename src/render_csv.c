/* render_csv.c: scores.csv for spreadsheet users (UTF-8 with BOM, so Excel reads the Chinese). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labels.h"
#include "pdf_layout.h"
#include "render.h"
#include "util.h"

/*
 * The file is built in a buffer and written in large blocks: one row per
 * customer, 100,000 rows and more.  Fields follow csv_write_field()'s
 * rules (ingest.c) byte for byte; numbers use pl_fixed_n(), which gives
 * cv_fixed()'s bytes without printf.
 */

#define S_BUFSZ (1u << 20)	/* output block, bytes */

struct S_out {
	FILE *fp;
	char *b;		/* S_BUFSZ bytes */
	size_t len;
	int failed;
};

static void
S_flush(struct S_out *o)
{
	if (o->len > 0 && fwrite(o->b, 1, o->len, o->fp) != o->len)
		o->failed = 1;
	o->len = 0;
}

static void
S_put(struct S_out *o, const char *s, size_t n)
{
	if (o->len + n > S_BUFSZ) {
		S_flush(o);
		if (n > S_BUFSZ) {
			if (fwrite(s, 1, n, o->fp) != n)
				o->failed = 1;
			return;
		}
	}
	memcpy(o->b + o->len, s, n);
	o->len += n;
}

static void
S_end(struct S_out *o, int last)
{
	if (last)
		S_put(o, "\r\n", 2);
	else
		S_put(o, ",", 1);
}

/* One field, quoted as csv_write_field() quotes it, then ',' or CRLF. */
static void
S_field(struct S_out *o, const char *s, int last)
{
	size_t n;
	int quote = s[0] == ' ' || s[0] == '\t';

	for (n = 0; s[n] != '\0'; n++)
		if (s[n] == ',' || s[n] == '"' || s[n] == '\r' || s[n] == '\n')
			quote = 1;
	if (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		quote = 1;
	if (!quote)
		S_put(o, s, n);
	else {
		const char *p = s, *q;

		S_put(o, "\"", 1);
		while ((q = strchr(p, '"')) != NULL) {
			S_put(o, p, (size_t)(q - p) + 1);	/* with the quote */
			S_put(o, "\"", 1);			/* doubled */
			p = q + 1;
		}
		S_put(o, p, strlen(p));
		S_put(o, "\"", 1);
	}
	S_end(o, last);
}

/* A number (empty for NaN), written straight into the block. */
static void
S_num(struct S_out *o, double v, int dec, int last)
{
	if (o->len + 64 > S_BUFSZ)
		S_flush(o);
	if (!isnan(v))
		o->len += pl_fixed_n(v, dec, o->b + o->len);
	S_end(o, last);
}

/* Minor units as "-1234.56", the bytes of cv_money_str(). */
static void
S_money(struct S_out *o, int64_t minor)
{
	uint64_t u = minor < 0 ? (uint64_t)0 - (uint64_t)minor :
	    (uint64_t)minor, ip = u / 100;
	char t[32];
	int n = (int)sizeof(t);

	t[--n] = (char)('0' + u % 10);
	t[--n] = (char)('0' + (u / 10) % 10);
	t[--n] = '.';
	do {
		t[--n] = (char)('0' + ip % 10);
		ip /= 10;
	} while (ip > 0);
	if (minor < 0)
		t[--n] = '-';
	S_put(o, t + n, sizeof(t) - (size_t)n);
	S_end(o, 0);
}

static void
S_count(struct S_out *o, size_t v)
{
	char t[24];
	int n = (int)sizeof(t);

	do {
		t[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	S_put(o, t + n, sizeof(t) - (size_t)n);
	S_end(o, 0);
}

/*
 * Labels of class keys, looked up once per distinct key.  The keys are the
 * evaluation's own strings, which do not change while it is rendered.
 */
#define S_MEMO 32
struct S_memo {
	const char *prefix;
	const char *key[S_MEMO];
	const char *text[S_MEMO];
	size_t n;
};

static const char *
S_label(const struct labels *L, struct S_memo *m, const char *key)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (m->key[i] == key)
			return m->text[i];
	if (m->n == S_MEMO)
		return label2(L, m->prefix, key);
	m->key[m->n] = key;
	m->text[m->n] = label2(L, m->prefix, key);
	return m->text[m->n++];
}

int
render_csv(const struct report *r, const char *path, struct diag *d)
{
	const struct evaluation *ev = r->ev;
	const struct labels *L = r->labels;
	struct S_out o;
	struct S_memo quad = { "quadrant-short.", { 0 }, { 0 }, 0 };
	struct S_memo life = { "lifecycle.", { 0 }, { 0 }, 0 };
	struct S_memo val = { "value.", { 0 }, { 0 }, 0 };
	const char *type_lab[CT__COUNT], *flag_lab[FLAG__COUNT];
	size_t i, k;
	int f, t;
	struct buf flags;

	memset(&o, 0, sizeof(o));
	if ((o.fp = fopen(path, "wb")) == NULL) {
		diag_add(d, D_WRITE_FAILED, path, 0L, 0L, path);
		return -1;
	}
	o.b = cv_malloc(S_BUFSZ);
	S_put(&o, "\xEF\xBB\xBF", 3);
	{
		static const char *const cols[] = { "col.id", "col.name",
		    "col.type", "col.region", "col.rep", "col.score",
		    "col.rank", "col.tier", "col.quadrant", "col.lifecycle",
		    "col.value-group", "col.flags", "col.revenue-cycle",
		    "col.gp-cycle", "col.volume", "col.loyalty" };
		for (k = 0; k < sizeof(cols) / sizeof(cols[0]); k++)
			S_field(&o, label(L, cols[k]), 0);
		for (k = 0; k < ev->n_ind; k++)
			S_field(&o, label2(L, "ind.", ev->ind[k].key),
			    k + 1 == ev->n_ind);
	}
	for (t = 0; t < CT__COUNT; t++)
		type_lab[t] = label2(L, "type.", cust_type_key((enum cust_type)t));
	for (f = 0; f < FLAG__COUNT; f++)
		flag_lab[f] = label2(L, "flag.", flag_key((enum flag)f));
	buf_init(&flags);
	for (i = 0; i < ev->n; i++) {
		const struct eval_customer *e = &ev->ec[ev->by_rank[i]];
		const struct customer *c = e->c;

		/* rank order jumps around memory: fetch what the rows a few
		 * places down will read */
		if (i + 8 < ev->n) {
			const struct eval_customer *a = &ev->ec[ev->by_rank[i + 8]];

			for (k = 0; k < ev->n_ind; k += 8)
				__builtin_prefetch(&a->raw[k]);
			__builtin_prefetch(&a->score);
			__builtin_prefetch(&a->flags);
			__builtin_prefetch(&a->rev_cycle);
			__builtin_prefetch(&a->c);
		}
		if (i + 4 < ev->n) {
			const struct customer *a = ev->ec[ev->by_rank[i + 4]].c;

			__builtin_prefetch(&a->id);
			__builtin_prefetch(&a->name);
			__builtin_prefetch(&a->rep);
		}
		if (i + 2 < ev->n) {
			const struct customer *a = ev->ec[ev->by_rank[i + 2]].c;

			__builtin_prefetch(a->id);
			__builtin_prefetch(a->name);
			__builtin_prefetch(a->region);
			__builtin_prefetch(a->rep);
		}

		buf_reset(&flags);
		buf_puts(&flags, "");
		for (f = 0; f < FLAG__COUNT; f++)
			if (e->flags & (1u << f)) {
				if (flags.len > 0)
					buf_puts(&flags, "; ");
				buf_puts(&flags, flag_lab[f]);
			}
		S_field(&o, c->id, 0);
		S_field(&o, c->name, 0);
		S_field(&o, (unsigned)c->type < CT__COUNT ? type_lab[c->type] :
		    label2(L, "type.", cust_type_key(c->type)), 0);
		S_field(&o, c->region, 0);
		S_field(&o, c->rep, 0);
		S_num(&o, e->score, 2, 0);
		S_count(&o, e->rank);
		S_field(&o, ev->tiers[e->tier].key, 0);
		S_field(&o, S_label(L, &quad, e->quadrant), 0);
		S_field(&o, S_label(L, &life, e->lifecycle), 0);
		S_field(&o, S_label(L, &val, e->value_group), 0);
		S_field(&o, flags.data, 0);
		S_money(&o, e->rev_cycle);
		S_money(&o, e->gp_cycle);
		S_num(&o, e->volume, 2, 0);
		S_num(&o, e->loyalty, 2, 0);
		for (k = 0; k < ev->n_ind; k++)
			S_num(&o, e->raw[k], 4, k + 1 == ev->n_ind);
	}
	S_flush(&o);
	buf_free(&flags);
	free(o.b);
	if (o.failed | ferror(o.fp) | (fclose(o.fp) != 0)) {
		diag_add(d, D_WRITE_FAILED, path, 0L, 0L, path);
		return -1;
	}
	return 0;
}
