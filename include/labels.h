/* labels.h: user-facing texts (indicator names, headings, column titles) in the run language. */
#ifndef CUSTEVAL_LABELS_H
#define CUSTEVAL_LABELS_H

#include "diag.h"

struct labels;

/*
 * Load templates/labels.xml (every <label key=".." zh-CN=".." zh-TW=".."
 * en=".."/>) for one language.  NULL with messages in d on error.
 */
struct labels *labels_load(const char *path, enum diag_lang lang,
    struct diag *d);
void labels_free(struct labels *l);

/* The text for key, or the key itself when there is none. */
const char *label(const struct labels *l, const char *key);
/* label() of prefix + key, e.g. label2(l, "ind.", "revenue"). */
const char *label2(const struct labels *l, const char *prefix,
    const char *key);

#endif
