/* ingest.h: reads the five CSV inputs into the model; every row accepted or rejected with a reason. */
#ifndef CUSTEVAL_INGEST_H
#define CUSTEVAL_INGEST_H

#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "diag.h"
#include "model.h"

struct ingest_opts {
	const struct config *cfg;
	FILE *rejects;		/* rejected rows are written here; may be NULL */
	/* Called every few MB with bytes read of the current file. */
	void (*progress)(const char *path, uint64_t done, uint64_t total,
	    void *ctx);
	void *progress_ctx;
	size_t max_messages;	/* reject messages per file kept in diag */
	int csv_only;		/* tests: read every line with libcsv (no
				 * fast path for lines without quotes) */
};

/*
 * Read every configured input into m (customers first, then sales,
 * payments, credit, assessments), then sort customers by id.  Returns 0,
 * or -1 when the run must stop (unreadable file, missing required column,
 * or the first reject in strict mode).
 */
int ingest_all(struct model *m, const struct ingest_opts *o, struct diag *d);

/* Write one CSV record (RFC 4180 quoting) to fp. */
void csv_write_record(FILE *fp, const char *const *fields, size_t n);
void csv_write_field(FILE *fp, const char *s, int last);

#endif
