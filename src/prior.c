/* prior.c: streams a previous XML report (safely) and computes tier migration against this run. */
#include <math.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlwriter.h>

#include "prior.h"
#include "util.h"
#include "xmlsafe.h"

#define FORMAT_MAJOR 1

static char *
S_get(xmlTextReaderPtr rd, const char *name)
{
	xmlChar *v = xmlTextReaderGetAttribute(rd, (const xmlChar *)name);
	char *s;

	if (v == NULL)
		return NULL;
	s = cv_strdup((const char *)v);
	xmlFree(v);
	return s;
}

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
	for (i = 0; i < p->n; i++) {
		free(p->pc[i].id);
		free(p->pc[i].name);
	}
	free(p->pc);
	free(p->movers);
	free(p->new_cust);
	free(p->lost);
	free(p->path);
	free(p);
}

struct prior *
prior_load(const char *path, const char *xsd_path, struct diag *d)
{
	static const struct xml_msgs msgs = { D_OPEN_FAILED, D_PRIOR_INVALID,
	    D_PRIOR_INVALID, D_XML_DOCTYPE, D_XSD_OPEN };
	struct xml_err ec = { d, path, D_PRIOR_INVALID, 0, 0, 10 };
	xmlTextReaderPtr rd;
	xmlSchemaPtr schema = NULL;
	int code;
	struct prior *p;
	size_t cap = 0;
	int ret, depth_cust = -1, bad = 0;
	struct prior_customer *cur = NULL;
	char *elem = NULL;

	rd = xml_reader_open(path, xsd_path, &msgs, &ec, &schema, &code, d);
	if (rd == NULL)
		return NULL;
	p = cv_calloc(1, sizeof(*p));
	p->path = cv_strdup(path);
	while (!bad && (ret = xmlTextReaderRead(rd)) == 1) {
		int type = xmlTextReaderNodeType(rd);
		const char *name = (const char *)xmlTextReaderConstName(rd);

		if (type == XML_READER_TYPE_DOCUMENT_TYPE) {
			diag_add(d, D_XML_DOCTYPE, path,
			    (long)xmlTextReaderGetParserLineNumber(rd), 0L);
			bad = 1;
			break;
		}
		if (type == XML_READER_TYPE_ENTITY_REFERENCE) {
			bad = 1;
			break;
		}
		if (type == XML_READER_TYPE_END_ELEMENT) {
			if (cur != NULL &&
			    xmlTextReaderDepth(rd) == depth_cust)
				cur = NULL;
			continue;
		}
		if (type == XML_READER_TYPE_TEXT && cur != NULL && elem != NULL) {
			const char *v = (const char *)xmlTextReaderConstValue(rd);
			if (strcmp(elem, "tier") == 0)
				snprintf(cur->tier, sizeof(cur->tier), "%s", v);
			else if (strcmp(elem, "score") == 0)
				cur->score = strtod(v, NULL);
			else if (strcmp(elem, "rank") == 0)
				cur->rank = (size_t)strtoull(v, NULL, 10);
			continue;
		}
		if (type != XML_READER_TYPE_ELEMENT)
			continue;
		free(elem);
		elem = cv_strdup(name);
		if (strcmp(name, "custeval-report") == 0) {
			char *v = S_get(rd, "version");
			snprintf(p->version, sizeof(p->version), "%s", v ? v : "");
			if (v == NULL || atoi(v) > FORMAT_MAJOR) {
				diag_add(d, D_PRIOR_VERSION, path,
				    (long)xmlTextReaderGetParserLineNumber(rd),
				    0L, v ? v : "?", "1");
				bad = 1;
			}
			free(v);
		} else if (strcmp(name, "run") == 0) {
			char *v = S_get(rd, "as-of");
			snprintf(p->as_of, sizeof(p->as_of), "%s", v ? v : "");
			free(v);
		} else if (strcmp(name, "tier") == 0 && cur == NULL) {
			char *v = S_get(rd, "key");
			if (v != NULL && p->n_tiers < CFG_MAX_TIERS)
				snprintf(p->tier_keys[p->n_tiers++], 16, "%s", v);
			free(v);
		} else if (strcmp(name, "customer") == 0) {
			size_t k;
			if (p->n == cap) {
				cap = cap ? cap * 2 : 256;
				p->pc = cv_realloc(p->pc, cap * sizeof(*p->pc));
			}
			cur = &p->pc[p->n++];
			memset(cur, 0, sizeof(*cur));
			cur->id = S_get(rd, "id");
			cur->name = S_get(rd, "name");
			if (cur->id == NULL)
				cur->id = cv_strdup("");
			if (cur->name == NULL)
				cur->name = cv_strdup("");
			for (k = 0; k < IND_MAX; k++)
				cur->points[k] = NAN;
			depth_cust = xmlTextReaderDepth(rd);
		} else if (strcmp(name, "indicator") == 0 && cur != NULL) {
			char *k = S_get(rd, "key"), *v = S_get(rd, "points");
			int idx = k ? indicator_index(k) : -1;
			if (idx >= 0 && v != NULL)
				cur->points[idx] = strtod(v, NULL);
			free(k);
			free(v);
		}
	}
	free(elem);
	if (!bad && (ret != 0 || xmlTextReaderIsValid(rd) != 1)) {
		if (ec.n == 0)
			diag_add(d, D_PRIOR_INVALID, path, 0L, 0L,
			    "not a valid custeval report");
		bad = 1;
	}
	xmlFreeTextReader(rd);
	xmlSchemaFree(schema);
	if (bad) {
		prior_free(p);
		return NULL;
	}
	qsort(p->pc, p->n, sizeof(*p->pc), S_cmp_pc);
	return p;
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
				double was = pc->points[j], dl;
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
