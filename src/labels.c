/* labels.c: loads the user-facing texts of one language from templates/labels.xml. */
#include <stdlib.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "labels.h"
#include "util.h"
#include "xmlsafe.h"

struct label_entry {
	char *key;
	char *text;
};

struct labels {
	struct label_entry *e;	/* sorted by key */
	size_t n;
	char scratch[256];	/* for label2 keys */
};

static int
S_cmp(const void *a, const void *b)
{
	return strcmp(((const struct label_entry *)a)->key,
	    ((const struct label_entry *)b)->key);
}

struct labels *
labels_load(const char *path, enum diag_lang lang, struct diag *d)
{
	xmlDoc *doc;
	xmlNode *n;
	struct labels *l;
	size_t cap = 0;
	const char *attr = diag_lang_code(lang);

	static const struct xml_msgs msgs = { D_OPEN_FAILED, D_XML_SYNTAX,
	    D_XML_SYNTAX, D_XML_DOCTYPE, D_XSD_OPEN };

	if ((doc = xml_load(path, NULL, &msgs, d)) == NULL)
		return NULL;
	l = cv_calloc(1, sizeof(*l));
	for (n = xmlDocGetRootElement(doc)->children; n != NULL; n = n->next) {
		xmlChar *k, *t;
		if (n->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)n->name, "label") != 0)
			continue;
		k = xmlGetProp(n, (const xmlChar *)"key");
		t = xmlGetProp(n, (const xmlChar *)attr);
		if (t == NULL)
			t = xmlGetProp(n, (const xmlChar *)"en");
		if (k == NULL || t == NULL) {
			diag_add(d, D_CONFIG_INVALID, path, xmlGetLineNo(n), 0L,
			    "label needs key and text");
			xmlFree(k);
			xmlFree(t);
			continue;
		}
		if (l->n == cap) {
			cap = cap ? cap * 2 : 256;
			l->e = cv_realloc(l->e, cap * sizeof(*l->e));
		}
		l->e[l->n].key = cv_strdup((const char *)k);
		l->e[l->n].text = cv_strdup((const char *)t);
		l->n++;
		xmlFree(k);
		xmlFree(t);
	}
	xmlFreeDoc(doc);
	qsort(l->e, l->n, sizeof(*l->e), S_cmp);
	return l;
}

void
labels_free(struct labels *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++) {
		free(l->e[i].key);
		free(l->e[i].text);
	}
	free(l->e);
	free(l);
}

const char *
label(const struct labels *l, const char *key)
{
	struct label_entry k, *e;

	if (l == NULL || key == NULL)
		return key != NULL ? key : "";
	k.key = (char *)(uintptr_t)key;
	e = bsearch(&k, l->e, l->n, sizeof(*l->e), S_cmp);
	return e != NULL ? e->text : key;
}

const char *
label2(const struct labels *l, const char *prefix, const char *key)
{
	char tmp[256];
	const char *t;

	snprintf(tmp, sizeof(tmp), "%s%s", prefix, key);
	t = label(l, tmp);
	/* Not found: give back the bare key, not the prefixed one. */
	return t == tmp ? key : t;
}
