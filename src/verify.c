/* verify.c: `custeval verify`: schema validation of a report and input hashes against the record. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>

#include "util.h"
#include "xmlsafe.h"
#include "verify.h"

struct S_rec {
	char *kind, *path, *sha;
};

static char *
S_get(xmlTextReaderPtr rd, const char *name)
{
	xmlChar *v = xmlTextReaderGetAttribute(rd, (const xmlChar *)name);
	char *s = cv_strdup(v != NULL ? (const char *)v : "");

	xmlFree(v);
	return s;
}

static const char *
S_base(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

int
verify_report(const char *report, const char *xsd_path,
    const char *const inputs[IN__COUNT], struct diag *d)
{
	static const struct xml_msgs msgs = { D_OPEN_FAILED, D_REPORT_INVALID,
	    D_REPORT_INVALID, D_XML_DOCTYPE, D_XSD_OPEN };
	struct xml_err ec = { d, report, D_REPORT_INVALID, 0, 0, 10 };
	xmlTextReaderPtr rd;
	xmlSchemaPtr schema = NULL;
	int code;
	struct S_rec *rec = NULL;
	size_t n = 0, i;
	int ret = -1, bad = 0, rc = 0, k, given = 0;

	rd = xml_reader_open(report, xsd_path, &msgs, &ec, &schema, &code, d);
	if (rd == NULL)
		return code;
	while (!bad && (ret = xmlTextReaderRead(rd)) == 1) {
		int type = xmlTextReaderNodeType(rd);
		const char *name = (const char *)xmlTextReaderConstName(rd);
		if (type == XML_READER_TYPE_DOCUMENT_TYPE) {
			diag_add(d, D_XML_DOCTYPE, report,
			    (long)xmlTextReaderGetParserLineNumber(rd), 0L);
			bad = 1;
			break;
		}
		if (type == XML_READER_TYPE_ELEMENT &&
		    strcmp(name, "input") == 0) {
			rec = cv_realloc(rec, (n + 1) * sizeof(*rec));
			rec[n].kind = S_get(rd, "kind");
			rec[n].path = S_get(rd, "path");
			rec[n].sha = S_get(rd, "sha256");
			n++;
		}
	}
	if (!bad && (ret != 0 || xmlTextReaderIsValid(rd) != 1)) {
		if (ec.n == 0)
			diag_add(d, D_REPORT_INVALID, report, 0L, 0L,
			    "not a valid custeval report");
		bad = 1;
	}
	xmlFreeTextReader(rd);
	xmlSchemaFree(schema);
	if (bad) {
		rc = CV_EXIT_DATA;
		goto out;
	}
	diag_add(d, D_VERIFY_VALID, report, 0L, 0L);
	for (k = 0; k < IN__COUNT; k++) {
		const char *p = inputs[k], *kind = input_kind_name(k);
		char sha[65];
		struct S_rec *match = NULL;
		size_t cands = 0;
		if (p == NULL)
			continue;
		given = 1;
		for (i = 0; i < n; i++)
			if (strcmp(rec[i].kind, kind) == 0) {
				cands++;
				if (match == NULL || strcmp(rec[i].path, p) == 0 ||
				    strcmp(S_base(rec[i].path), S_base(p)) == 0)
					match = &rec[i];
			}
		if (match == NULL) {
			diag_add(d, D_VERIFY_MISSING, p, 0L, 0L, p, kind);
			rc = CV_EXIT_DATA;
			continue;
		}
		if (cv_sha256_file(p, sha) != 0) {
			diag_add(d, D_OPEN_FAILED, p, 0L, 0L, p);
			if (rc == 0)
				rc = CV_EXIT_IO;
			continue;
		}
		if (strcmp(sha, match->sha) != 0) {
			diag_add(d, D_VERIFY_MISMATCH, p, 0L, 0L, p, match->sha,
			    sha);
			rc = CV_EXIT_DATA;
		} else
			diag_add(d, D_VERIFY_OK, p, 0L, 0L, p);
		(void)cands;
	}
	if (!given && n == 0) {
		diag_add(d, D_VERIFY_NOTHING, report, 0L, 0L);
		rc = CV_EXIT_DATA;
	}
	if (!given)
		for (i = 0; i < n; i++) {
			char sha[65];
			if (access(rec[i].path, R_OK) != 0) {
				/* Unchecked is not verified: an error. */
				diag_add(d, D_VERIFY_NOT_FOUND, rec[i].path, 0L,
				    0L, rec[i].path);
				rc = CV_EXIT_DATA;
				continue;
			}
			if (cv_sha256_file(rec[i].path, sha) != 0 ||
			    strcmp(sha, rec[i].sha) != 0) {
				diag_add(d, D_VERIFY_MISMATCH, rec[i].path, 0L,
				    0L, rec[i].path, rec[i].sha, sha);
				rc = CV_EXIT_DATA;
			} else
				diag_add(d, D_VERIFY_OK, rec[i].path, 0L, 0L,
				    rec[i].path);
		}
out:
	for (i = 0; i < n; i++) {
		free(rec[i].kind);
		free(rec[i].path);
		free(rec[i].sha);
	}
	free(rec);
	return rc;
}
