/* xmlsafe.c: safe parsing and schema validation of XML files, errors routed into diag. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "xmlsafe.h"

void
xml_err_handler(void *ctx, xmlErrorPtr e)
{
	struct xml_err *ec = ctx;
	char msg[1024];
	size_t n;

	if (e == NULL || e->level == XML_ERR_WARNING || e->level == XML_ERR_NONE)
		return;
	if (ec->max != 0 && ec->n >= ec->max)
		return;
	snprintf(msg, sizeof(msg), "%s",
	    e->message != NULL ? e->message : "invalid");
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' ' ||
	    msg[n - 1] == '\r' || msg[n - 1] == '\t'))
		msg[--n] = '\0';
	diag_add(ec->d, ec->id, ec->path, (long)e->line,
	    ec->with_col ? (long)e->int2 : 0L, msg);
	ec->n++;
}

static int
S_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

long
xml_doctype_line(const char *path)
{
	enum { SCAN = 1 << 20 };
	FILE *fp;
	char *buf;
	const char *p, *e, *end, *q;
	size_t n, skip;
	long line = 1, found = 0;

	if ((fp = fopen(path, "rb")) == NULL)
		return 0;
	buf = cv_malloc(SCAN + 1);
	n = fread(buf, 1, SCAN, fp);
	fclose(fp);
	buf[n] = '\0';
	p = buf;
	e = buf + n;
	/* UTF-16/32 would hide a DOCTYPE from this scan: refuse them. */
	if (n >= 2 && (memcmp(p, "\xFF\xFE", 2) == 0 ||
	    memcmp(p, "\xFE\xFF", 2) == 0 || memchr(p, '\0', n < 4 ? n : 4))) {
		free(buf);
		return -1;
	}
	if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	while (p < e) {
		if (*p == '\n') {
			line++;
			p++;
			continue;
		}
		if (S_ws(*p)) {
			p++;
			continue;
		}
		if (strncmp(p, "<!DOCTYPE", 9) == 0) {
			found = line;
			break;
		}
		if (strncmp(p, "<?", 2) == 0) {
			end = strstr(p + 2, "?>");
			skip = 2;
		} else if (strncmp(p, "<!--", 4) == 0) {
			end = strstr(p + 4, "-->");
			skip = 3;
		} else
			break;
		if (end == NULL)
			break;
		for (q = p; q < end; q++)
			if (*q == '\n')
				line++;
		p = end + skip;
	}
	free(buf);
	return found;
}

xmlSchemaPtr
xml_schema_load(const char *xsd_path, const struct xml_msgs *m,
    struct diag *d)
{
	struct xml_err xe = { d, xsd_path, D_XSD_BROKEN, 0, 0, 0 };
	xmlSchemaParserCtxtPtr pc;
	xmlSchemaPtr schema = NULL;
	FILE *fp;

	if ((fp = fopen(xsd_path, "rb")) == NULL) {
		diag_add(d, m->xsd, xsd_path, 0L, 0L, xsd_path,
		    strerror(errno));
		return NULL;
	}
	fclose(fp);
	xmlSetStructuredErrorFunc(&xe, xml_err_handler);
	if ((pc = xmlSchemaNewParserCtxt(xsd_path)) != NULL) {
		xmlSchemaSetParserStructuredErrors(pc, xml_err_handler, &xe);
		schema = xmlSchemaParse(pc);
		xmlSchemaFreeParserCtxt(pc);
	}
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (schema == NULL && xe.n == 0)
		diag_add(d, m->xsd, xsd_path, 0L, 0L, xsd_path,
		    "not a usable XML schema");
	return schema;
}

/* The checks before any parsing: readable, UTF-8, no DOCTYPE.  0 or the
 * exit code (2 refused, 3 unreadable). */
static int
S_prolog(const char *path, const struct xml_msgs *m, struct diag *d)
{
	FILE *fp;
	long line;

	if ((fp = fopen(path, "rb")) == NULL) {
		diag_add(d, m->io, path, 0L, 0L, strerror(errno));
		return 3;
	}
	fclose(fp);
	/* Refuse a DOCTYPE before libxml2 sees any entity declaration. */
	if ((line = xml_doctype_line(path)) != 0) {
		if (line < 0)
			diag_add(d, m->parse, path, 1L, 0L,
			    "only UTF-8 XML is accepted (save the file as UTF-8)");
		else
			diag_add(d, m->doctype, path, line, 0L);
		return 2;
	}
	return 0;
}

int
xml_prolog_check(const char *path, const struct xml_msgs *m, struct diag *d)
{
	return S_prolog(path, m, d);
}

xmlTextReaderPtr
xml_reader_open(const char *path, const char *xsd_path,
    const struct xml_msgs *m, struct xml_err *ec, xmlSchemaPtr *schema,
    int *exit_code, struct diag *d)
{
	xmlTextReaderPtr rd;

	*schema = NULL;
	if ((*exit_code = S_prolog(path, m, d)) != 0)
		return NULL;
	if ((*schema = xml_schema_load(xsd_path, m, d)) == NULL) {
		*exit_code = 3;
		return NULL;
	}
	rd = xmlReaderForFile(path, NULL, XML_PARSE_NONET);
	if (rd == NULL) {
		diag_add(d, m->io, path, 0L, 0L, path);
		*exit_code = 3;
	} else {
		xmlTextReaderSetStructuredErrorHandler(rd, xml_err_handler, ec);
		if (xmlTextReaderSetSchema(rd, *schema) != 0) {
			diag_add(d, m->xsd, xsd_path, 0L, 0L, xsd_path, "");
			xmlFreeTextReader(rd);
			rd = NULL;
			*exit_code = 3;
		}
	}
	if (rd == NULL) {
		xmlSchemaFree(*schema);
		*schema = NULL;
	}
	return rd;
}

xmlDoc *
xml_load(const char *path, const char *xsd_path, const struct xml_msgs *m,
    struct diag *d)
{
	struct xml_err pe = { d, path, m->parse, 1, 0, 0 };
	struct xml_err ve = { d, path, m->schema, 0, 0, 0 };
	xmlSchemaValidCtxtPtr vc;
	xmlSchemaPtr schema;
	xmlDoc *doc;
	int rc;

	if (S_prolog(path, m, d) != 0)
		return NULL;
	xmlSetStructuredErrorFunc(&pe, xml_err_handler);
	doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (doc == NULL) {
		if (pe.n == 0)
			diag_add(d, m->parse, path, 0L, 0L, "cannot parse");
		return NULL;
	}
	if (doc->intSubset != NULL || doc->extSubset != NULL) {
		/* a DOCTYPE after a prolog longer than the scan */
		diag_add(d, m->doctype, path, 1L, 0L);
		xmlFreeDoc(doc);
		return NULL;
	}
	if (xsd_path == NULL)
		return doc;
	if ((schema = xml_schema_load(xsd_path, m, d)) == NULL) {
		xmlFreeDoc(doc);
		return NULL;
	}
	rc = -1;
	xmlSetStructuredErrorFunc(&ve, xml_err_handler);
	if ((vc = xmlSchemaNewValidCtxt(schema)) != NULL) {
		xmlSchemaSetValidStructuredErrors(vc, xml_err_handler, &ve);
		rc = xmlSchemaValidateDoc(vc, doc);
		xmlSchemaFreeValidCtxt(vc);
	}
	xmlSetStructuredErrorFunc(NULL, NULL);
	xmlSchemaFree(schema);
	if (rc != 0) {
		if (ve.n == 0)
			diag_add(d, m->schema, path, 0L, 0L,
			    "does not match the schema");
		xmlFreeDoc(doc);
		return NULL;
	}
	return doc;
}
