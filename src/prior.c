/* prior.c: streams a previous XML report (safely) and computes tier migration against this run. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlwriter.h>

#include "prior.h"
#include "util.h"
#include "xmlsafe.h"

#define FORMAT_MAJOR 1

static int
S_cmp_pc(const void *a, const void *b)
{
	return strcmp(((const struct prior_customer *)a)->id,
	    ((const struct prior_customer *)b)->id);
}

void
prior_free(struct prior *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n_blocks; i++)
		free(p->blocks[i]);
	free(p->blocks);
	free(p->pc);
	free(p->pt_ind);
	free(p->pt_val);
	free(p->movers);
	free(p->new_cust);
	free(p->lost);
	free(p->path);
	free(p);
}

/*
 * Ids and names live in blocks of text (a malloc each was most of the
 * memory of 100,000 customers).  Returns a NUL-terminated copy.
 */
#define S_TEXT_BLOCK ((size_t)1 << 20)

static char *
S_text(struct prior *p, const char *s, size_t n)
{
	char *t;

	if (n + 1 > p->text_left) {
		size_t sz = n + 1 > S_TEXT_BLOCK ? n + 1 : S_TEXT_BLOCK;
		p->blocks = cv_realloc(p->blocks,
		    (p->n_blocks + 1) * sizeof(*p->blocks));
		p->text_cur = p->blocks[p->n_blocks++] = cv_malloc(sz);
		p->text_left = sz;
	}
	t = p->text_cur;
	memcpy(t, s, n);
	t[n] = '\0';
	p->text_cur += n + 1;
	p->text_left -= n + 1;
	return t;
}

/* What the SAX callbacks keep while the report streams past. */
struct S_load {
	struct prior *p;
	xmlParserCtxtPtr ctxt;
	struct xml_err ec;	/* libxml2's messages, until bad is set */
	const atomic_int *cancel;	/* the caller needs the report no more */
	struct diag *d;
	const char *path;
	size_t cap, cap_pt;
	int depth;		/* of the element being read */
	int depth_cust;		/* of the open <customer>, or -1 */
	int bad;		/* refused: stop reading */
	struct prior_customer *cur;
	int field;		/* text wanted: 0 none, 1 tier, 2 score, 3 rank */
	char text[64];		/* that text (longer is cut) */
	size_t n_text;
};

/* The number a version attribute starts with (leading zeros allowed, as
 * in xs:positiveInteger); LONG_MAX when it has more than 9 digits. */
static long
S_major(const char *v, size_t n)
{
	size_t i = 0, k;
	long x = 0;

	while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == '\n' ||
	    v[i] == '\r'))
		i++;
	if (i < n && v[i] == '+')
		i++;
	while (i < n && v[i] == '0')
		i++;
	for (k = 0; i < n && v[i] >= '0' && v[i] <= '9'; i++, k++) {
		if (k == 9)
			return LONG_MAX;
		x = x * 10 + (v[i] - '0');
	}
	return x;
}

/* libxml2's messages go to diag until the report is refused for a
 * reason of ours (what the parser says after that is noise). */
static void
S_error(void *ctx, xmlErrorPtr e)
{
	struct S_load *ld = ctx;

	if (!ld->bad)
		xml_err_handler(&ld->ec, e);
}

/* Where the validator is: it has no parser of its own in SAX mode. */
static int
S_locate(void *ctx, const char **file, unsigned long *line)
{
	struct S_load *ld = ctx;

	if (ld->ctxt == NULL)
		return -1;
	*file = ld->path;
	*line = (unsigned long)xmlSAX2GetLineNumber(ld->ctxt);
	return 0;
}

/* An attribute's value (SAX2: five pointers per attribute), or NULL. */
static const char *
S_sax_attr(const xmlChar **at, int n, const char *name, size_t *len)
{
	int i;

	for (i = 0; i < n; i++, at += 5)
		if (strcmp((const char *)at[0], name) == 0) {
			*len = (size_t)(at[4] - at[3]);
			return (const char *)at[3];
		}
	return NULL;
}

static void
S_stop(struct S_load *ld)
{
	ld->bad = 1;
	xmlStopParser(ld->ctxt);
}

static void
S_start(void *ctx, const xmlChar *local, const xmlChar *prefix,
    const xmlChar *uri, int n_ns, const xmlChar **ns, int n_at,
    int n_default, const xmlChar **at)
{
	struct S_load *ld = ctx;
	struct prior *p = ld->p;
	const char *name = (const char *)local, *v;
	char tmp[64];
	size_t n = 0;

	(void)prefix, (void)uri, (void)n_ns, (void)ns, (void)n_default;
	ld->depth++;
	if (ld->bad)
		return;
	if (ld->cur != NULL && ld->depth == ld->depth_cust + 1) {
		ld->field = strcmp(name, "tier") == 0 ? 1 :
		    strcmp(name, "score") == 0 ? 2 :
		    strcmp(name, "rank") == 0 ? 3 : 0;
		ld->n_text = 0;
		if (strcmp(name, "indicator") == 0) {
			const char *k = S_sax_attr(at, n_at, "key", &n);
			int idx;

			snprintf(tmp, sizeof(tmp), "%.*s", (int)n, k ? k : "");
			idx = k != NULL ? indicator_index(tmp) : -1;
			v = S_sax_attr(at, n_at, "points", &n);
			if (idx < 0 || v == NULL)
				return;
			if (p->n_pt == ld->cap_pt) {
				ld->cap_pt = ld->cap_pt ? ld->cap_pt * 2 : 4096;
				p->pt_ind = cv_realloc(p->pt_ind,
				    ld->cap_pt * sizeof(*p->pt_ind));
				p->pt_val = cv_realloc(p->pt_val,
				    ld->cap_pt * sizeof(*p->pt_val));
			}
			snprintf(tmp, sizeof(tmp), "%.*s", (int)n, v);
			p->pt_ind[p->n_pt] = (unsigned char)idx;
			p->pt_val[p->n_pt++] = strtod(tmp, NULL);
			ld->cur->n_pt++;
		}
		return;
	}
	if (strcmp(name, "custeval-report") == 0) {
		v = S_sax_attr(at, n_at, "version", &n);
		snprintf(p->version, sizeof(p->version), "%.*s",
		    v ? (int)n : 0, v ? v : "");
		if (v == NULL || S_major(v, n) > FORMAT_MAJOR) {
			snprintf(tmp, sizeof(tmp), "%.*s", v ? (int)n : 1,
			    v ? v : "?");
			diag_add(ld->d, D_PRIOR_VERSION, ld->path,
			    (long)xmlSAX2GetLineNumber(ld->ctxt), 0L, tmp, "1");
			/* Not xmlStopParser: the schema validator's own
			 * callback still reads this element's attributes
			 * (from the buffer that would free).  The reading
			 * stops after this chunk. */
			ld->bad = 1;
		}
	} else if (strcmp(name, "run") == 0) {
		v = S_sax_attr(at, n_at, "as-of", &n);
		snprintf(p->as_of, sizeof(p->as_of), "%.*s",
		    v ? (int)n : 0, v ? v : "");
	} else if (strcmp(name, "tier") == 0 && ld->cur == NULL) {
		v = S_sax_attr(at, n_at, "key", &n);
		if (v != NULL && p->n_tiers < CFG_MAX_TIERS)
			snprintf(p->tier_keys[p->n_tiers++], 16, "%.*s",
			    (int)n, v);
	} else if (strcmp(name, "customer") == 0) {
		struct prior_customer *c;

		if (p->n == ld->cap) {
			ld->cap = ld->cap ? ld->cap * 2 : 256;
			p->pc = cv_realloc(p->pc, ld->cap * sizeof(*p->pc));
		}
		c = ld->cur = &p->pc[p->n++];
		memset(c, 0, sizeof(*c));
		v = S_sax_attr(at, n_at, "id", &n);
		c->id = S_text(p, v ? v : "", v ? n : 0);
		v = S_sax_attr(at, n_at, "name", &n);
		c->name = S_text(p, v ? v : "", v ? n : 0);
		c->pt = p->n_pt;
		ld->depth_cust = ld->depth;
	}
}

static void
S_end(void *ctx, const xmlChar *local, const xmlChar *prefix,
    const xmlChar *uri)
{
	struct S_load *ld = ctx;
	struct prior_customer *c = ld->cur;

	(void)local, (void)prefix, (void)uri;
	if (c != NULL && ld->field != 0 && ld->depth == ld->depth_cust + 1) {
		ld->text[ld->n_text] = '\0';
		if (ld->field == 1)
			snprintf(c->tier, sizeof(c->tier), "%.15s", ld->text);
		else if (ld->field == 2)
			c->score = strtod(ld->text, NULL);
		else
			c->rank = (size_t)strtoull(ld->text, NULL, 10);
		ld->field = 0;
	}
	if (c != NULL && ld->depth == ld->depth_cust)
		ld->cur = NULL;
	ld->depth--;
}

static void
S_chars(void *ctx, const xmlChar *ch, int len)
{
	struct S_load *ld = ctx;
	size_t n = (size_t)len;

	if (ld->field == 0 || ld->depth != ld->depth_cust + 1)
		return;
	if (n > sizeof(ld->text) - 1 - ld->n_text)
		n = sizeof(ld->text) - 1 - ld->n_text;
	memcpy(ld->text + ld->n_text, ch, n);
	ld->n_text += n;
}

/* A DOCTYPE past the prolog scan, or an entity reference: refused. */
static void
S_subset(void *ctx, const xmlChar *name, const xmlChar *ext,
    const xmlChar *sys)
{
	struct S_load *ld = ctx;

	(void)name, (void)ext, (void)sys;
	diag_add(ld->d, D_XML_DOCTYPE, ld->path,
	    (long)xmlSAX2GetLineNumber(ld->ctxt), 0L);
	S_stop(ld);
}

/*
 * SAX with the schema plugged in: the xmlTextReader took 7 s on a report
 * of 100,000 customers, this takes about 2 (most of it the validation).
 */
struct prior *
prior_load(const char *path, const char *xsd_path, const atomic_int *cancel,
    struct diag *d)
{
	static const struct xml_msgs msgs = { D_OPEN_FAILED, D_PRIOR_INVALID,
	    D_PRIOR_INVALID, D_XML_DOCTYPE, D_XSD_OPEN };
	xmlSAXHandler sax;
	xmlSAXHandlerPtr hp = &sax;
	xmlSchemaPtr schema;
	xmlSchemaValidCtxtPtr vc = NULL;
	xmlSchemaSAXPlugPtr plug = NULL;
	struct S_load ld;
	void *ud;
	char *buf = NULL;
	FILE *fp = NULL;
	size_t n;
	int ok = 0;

	if (xml_prolog_check(path, &msgs, d) != 0)
		return NULL;
	if ((schema = xml_schema_load(xsd_path, &msgs, d)) == NULL)
		return NULL;
	memset(&ld, 0, sizeof(ld));
	ld.p = cv_calloc(1, sizeof(*ld.p));
	ld.p->path = cv_strdup(path);
	ld.d = d;
	ld.path = path;
	ld.cancel = cancel;
	ld.ec.d = d;
	ld.ec.path = path;
	ld.ec.id = D_PRIOR_INVALID;
	ld.ec.max = 10;
	ld.depth_cust = -1;
	memset(&sax, 0, sizeof(sax));
	sax.initialized = XML_SAX2_MAGIC;
	sax.startElementNs = S_start;
	sax.endElementNs = S_end;
	sax.characters = S_chars;
	sax.internalSubset = S_subset;
	sax.externalSubset = S_subset;
	ud = &ld;
	if ((vc = xmlSchemaNewValidCtxt(schema)) == NULL ||
	    (plug = xmlSchemaSAXPlug(vc, &hp, &ud)) == NULL) {
		diag_add(d, D_XSD_OPEN, xsd_path, 0L, 0L, xsd_path, "");
		goto out;
	}
	xmlSchemaSetValidStructuredErrors(vc, S_error, &ld);
	xmlSchemaValidateSetLocator(vc, S_locate, &ld);
	if ((fp = fopen(path, "rb")) == NULL) {
		diag_add(d, D_OPEN_FAILED, path, 0L, 0L, strerror(errno));
		goto out;
	}
	ld.ctxt = xmlCreatePushParserCtxt(hp, ud, NULL, 0, path);
	if (ld.ctxt == NULL) {
		diag_add(d, D_OPEN_FAILED, path, 0L, 0L, strerror(ENOMEM));
		goto out;
	}
	xmlCtxtUseOptions(ld.ctxt, XML_PARSE_NONET);
	xmlSetStructuredErrorFunc(&ld, S_error);
	buf = cv_malloc(1 << 18);
	while (!ld.bad && (n = fread(buf, 1, 1 << 18, fp)) > 0) {
		if (xmlParseChunk(ld.ctxt, buf, (int)n, 0) != 0)
			break;
		if (cancel != NULL && *cancel)
			ld.bad = 1;	/* nobody reads the messages */
	}
	if (ferror(fp))
		diag_add(d, D_OPEN_FAILED, path, 0L, 0L, strerror(EIO));
	else if (!ld.bad) {
		xmlParseChunk(ld.ctxt, NULL, 0, 1);
		ok = ld.ctxt->wellFormed && xmlSchemaIsValid(vc) == 1;
		if (!ok && ld.ec.n == 0)
			diag_add(d, D_PRIOR_INVALID, path, 0L, 0L,
			    "not a valid custeval report");
	}
	xmlSetStructuredErrorFunc(NULL, NULL);
out:
	if (ld.ctxt != NULL)
		xmlFreeParserCtxt(ld.ctxt);
	if (plug != NULL)
		xmlSchemaSAXUnplug(plug);
	if (vc != NULL)
		xmlSchemaFreeValidCtxt(vc);
	xmlSchemaFree(schema);
	if (fp != NULL)
		fclose(fp);
	free(buf);
	if (!ok || ld.bad) {
		prior_free(ld.p);
		return NULL;
	}
	qsort(ld.p->pc, ld.p->n, sizeof(*ld.p->pc), S_cmp_pc);
	return ld.p;
}

int
prior_tier_index(const struct evaluation *ev, const char *key)
{
	size_t i;

	for (i = 0; i < ev->n_tiers; i++)
		if (strcmp(ev->tiers[i].key, key) == 0)
			return (int)i;
	return -1;
}

static int
S_cmp_mover(const void *a, const void *b)
{
	const struct prior_mover *x = a, *y = b;
	int ax = x->steps < 0 ? -x->steps : x->steps;
	int ay = y->steps < 0 ? -y->steps : y->steps;

	if ((x->steps > 0) != (y->steps > 0))
		return x->steps > 0 ? -1 : 1;
	if (ax != ay)
		return ax > ay ? -1 : 1;
	return x->cur < y->cur ? -1 : x->cur > y->cur;
}

void
prior_migrate(struct prior *p, const struct evaluation *ev)
{
	size_t i, j, nt = ev->n_tiers;
	char *seen = cv_calloc(p->n ? p->n : 1, 1);
	double was_pts[IND_MAX];
	struct prior_customer key, *pc;

	memset(p->matrix, 0, sizeof(p->matrix));
	p->movers = cv_calloc(ev->n ? ev->n : 1, sizeof(*p->movers));
	p->new_cust = cv_calloc(ev->n ? ev->n : 1, sizeof(size_t));
	p->lost = cv_calloc(p->n ? p->n : 1, sizeof(size_t));
	for (i = 0; i < ev->n; i++) {
		const struct eval_customer *e = &ev->ec[i];
		int old;
		key.id = (char *)(uintptr_t)e->c->id;
		pc = bsearch(&key, p->pc, p->n, sizeof(*p->pc), S_cmp_pc);
		if (pc == NULL) {
			p->matrix[nt][e->tier]++;
			p->new_cust[p->n_new++] = i;
			continue;
		}
		seen[pc - p->pc] = 1;
		for (j = 0; j < IND_MAX; j++)
			was_pts[j] = NAN;
		for (j = 0; j < pc->n_pt; j++)
			was_pts[p->pt_ind[pc->pt + j]] = p->pt_val[pc->pt + j];
		old = prior_tier_index(ev, pc->tier);
		if (old < 0)
			old = (int)nt - 1;
		p->matrix[old][e->tier]++;
		if (old == e->tier) {
			p->n_same++;
			continue;
		}
		{
			struct prior_mover *mv = &p->movers[p->n_movers++];
			int k;
			mv->cur = i;
			mv->old = (size_t)(pc - p->pc);
			mv->steps = old - e->tier;	/* A=0: moving up is > 0 */
			if (mv->steps > 0)
				p->n_up++;
			else
				p->n_down++;
			for (k = 0; k < 3; k++) {
				mv->ind[k] = -1;
				mv->delta[k] = 0;
			}
			/* Indicators whose points moved most in the mover's
			 * direction. */
			for (j = 0; j < ev->n_ind; j++) {
				double now = ev->ind[j].weight > 0 ? evaluation_points(ev, e, j) : NAN;
				double was = was_pts[j], dl;
				if (isnan(now) || isnan(was))
					continue;
				dl = now - was;
				if ((mv->steps > 0) != (dl > 0))
					continue;
				for (k = 0; k < 3; k++)
					if (mv->ind[k] < 0 ||
					    fabs(dl) > fabs(mv->delta[k])) {
						int q;
						for (q = 2; q > k; q--) {
							mv->ind[q] = mv->ind[q - 1];
							mv->delta[q] = mv->delta[q - 1];
						}
						mv->ind[k] = (int)j;
						mv->delta[k] = dl;
						break;
					}
			}
		}
	}
	for (i = 0; i < p->n; i++)
		if (!seen[i]) {
			int old = prior_tier_index(ev, p->pc[i].tier);
			p->matrix[old < 0 ? nt - 1 : (size_t)old][nt]++;
			p->lost[p->n_lost++] = i;
		}
	free(seen);
	qsort(p->movers, p->n_movers, sizeof(*p->movers), S_cmp_mover);
	/* keep the evaluation for prior_write_xml */
	p->n_tiers = nt;
	for (i = 0; i < nt; i++)
		snprintf(p->tier_keys[i], 16, "%s", ev->tiers[i].key);
	p->eval = ev;
	/* The points were needed for the movers only. */
	free(p->pt_ind);
	free(p->pt_val);
	p->pt_ind = NULL;
	p->pt_val = NULL;
	p->n_pt = 0;
}

#define W(call) do { if (!*err && (call) < 0) *err = 1; } while (0)

static void
S_attr(xmlTextWriterPtr w, int *err, const char *n, const char *v)
{
	W(xmlTextWriterWriteAttribute(w, (const xmlChar *)n,
	    (const xmlChar *)v));
}

static void
S_attr_n(xmlTextWriterPtr w, int *err, const char *n, size_t v)
{
	char b[32];

	snprintf(b, sizeof(b), "%zu", v);
	S_attr(w, err, n, b);
}

void
prior_write_xml(const struct prior *p, void *writer, int *err)
{
	xmlTextWriterPtr w = writer;
	const struct evaluation *ev = p->eval;
	size_t i, j, nt = p->n_tiers;
	char b[64];
	int k;

	W(xmlTextWriterStartElement(w, (const xmlChar *)"migration"));
	S_attr(w, err, "prior-as-of", p->as_of);
	S_attr(w, err, "prior-path", p->path);
	S_attr_n(w, err, "up", p->n_up);
	S_attr_n(w, err, "down", p->n_down);
	S_attr_n(w, err, "same", p->n_same);
	S_attr_n(w, err, "new", p->n_new);
	S_attr_n(w, err, "lost", p->n_lost);
	for (i = 0; i <= nt; i++)
		for (j = 0; j <= nt; j++) {
			if (p->matrix[i][j] == 0)
				continue;
			W(xmlTextWriterStartElement(w, (const xmlChar *)"cell"));
			S_attr(w, err, "from", i == nt ? "new" : p->tier_keys[i]);
			S_attr(w, err, "to", j == nt ? "lost" : p->tier_keys[j]);
			S_attr_n(w, err, "customers", p->matrix[i][j]);
			W(xmlTextWriterEndElement(w));
		}
	for (i = 0; i < p->n_movers; i++) {
		const struct prior_mover *mv = &p->movers[i];
		W(xmlTextWriterStartElement(w, (const xmlChar *)"mover"));
		S_attr(w, err, "id", ev->ec[mv->cur].c->id);
		S_attr(w, err, "from", p->pc[mv->old].tier);
		S_attr(w, err, "to", ev->tiers[ev->ec[mv->cur].tier].key);
		snprintf(b, sizeof(b), "%d", mv->steps);
		S_attr(w, err, "steps", b);
		for (k = 0; k < 3; k++) {
			if (mv->ind[k] < 0)
				continue;
			W(xmlTextWriterStartElement(w, (const xmlChar *)"moved-by"));
			S_attr(w, err, "indicator", ev->ind[mv->ind[k]].key);
			S_attr(w, err, "points", cv_fixed(mv->delta[k], 6, b));
			W(xmlTextWriterEndElement(w));
		}
		W(xmlTextWriterEndElement(w));
	}
	for (i = 0; i < p->n_new; i++) {
		W(xmlTextWriterStartElement(w, (const xmlChar *)"new-customer"));
		S_attr(w, err, "id", ev->ec[p->new_cust[i]].c->id);
		W(xmlTextWriterEndElement(w));
	}
	for (i = 0; i < p->n_lost; i++) {
		W(xmlTextWriterStartElement(w, (const xmlChar *)"lost-customer"));
		S_attr(w, err, "id", p->pc[p->lost[i]].id);
		S_attr(w, err, "tier", p->pc[p->lost[i]].tier);
		W(xmlTextWriterEndElement(w));
	}
	W(xmlTextWriterEndElement(w));
}
