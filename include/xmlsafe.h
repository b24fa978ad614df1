/* xmlsafe.h: reading the project's own XML files (configs, libraries, templates, reports) safely. */
#ifndef CUSTEVAL_XMLSAFE_H
#define CUSTEVAL_XMLSAFE_H

#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>

#include "diag.h"

/*
 * The messages a caller wants for each kind of failure.  Argument
 * conventions: parse and schema take one %s (libxml2's text), doctype none,
 * xsd two (the schema's path, the text).
 */
struct xml_msgs {
	enum diag_id io;	/* file cannot be opened: (path) */
	enum diag_id parse;	/* not well-formed: FILE:LINE:COL */
	enum diag_id schema;	/* does not match the schema: FILE:LINE */
	enum diag_id doctype;	/* has a DOCTYPE: FILE:LINE */
	enum diag_id xsd;	/* the schema itself is unusable */
};

/* Routes libxml2's structured errors into diag (ctx is a struct xml_err). */
struct xml_err {
	struct diag *d;
	const char *path;	/* file the messages are about */
	enum diag_id id;	/* message, taking libxml2's text */
	int with_col;		/* also give the column */
	int n;			/* errors reported */
	int max;		/* stop reporting after this many (0 = all) */
};
void xml_err_handler(void *ctx, xmlErrorPtr e);

/* Line of a <!DOCTYPE in the file's prolog (first MiB), 0 if none, -1
 * when the file is UTF-16 or UTF-32 (refused: only UTF-8 is read). */
long xml_doctype_line(const char *path);

/*
 * Parse path with XML_PARSE_NONET only (never NOENT, DTDLOAD or HUGE),
 * refusing any DOCTYPE before libxml2 reads its declarations, and validate
 * it against xsd_path (NULL: no schema).  NULL with messages in d on error.
 */
xmlDoc *xml_load(const char *path, const char *xsd_path,
    const struct xml_msgs *m, struct diag *d);

/*
 * Open path for streaming with the same safety as xml_load: DOCTYPE and
 * UTF-16 refused before parsing, XML_PARSE_NONET only, validated against
 * xsd_path while it is read; libxml2's errors go to ec.  On success the
 * caller frees the reader and *schema after reading.  On failure NULL,
 * with *exit_code 2 (the file is refused) or 3 (cannot be read).
 */
xmlTextReaderPtr xml_reader_open(const char *path, const char *xsd_path,
    const struct xml_msgs *m, struct xml_err *ec, xmlSchemaPtr *schema,
    int *exit_code, struct diag *d);

/* The checks xml_load makes before parsing (readable, UTF-8, no DOCTYPE):
 * 0, or the exit code (2 refused, 3 unreadable) with a message in d. */
int xml_prolog_check(const char *path, const struct xml_msgs *m,
    struct diag *d);

/* Load a schema for validation; NULL with a message (m->xsd) on error. */
xmlSchemaPtr xml_schema_load(const char *xsd_path, const struct xml_msgs *m,
    struct diag *d);

#endif
