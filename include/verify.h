/* verify.h: checks an archived report against its schema and the input files it names. */
#ifndef CUSTEVAL_VERIFY_H
#define CUSTEVAL_VERIFY_H

#include "config.h"
#include "diag.h"

/*
 * Validate report (streaming, no network, DOCTYPE rejected) against
 * xsd_path, then compare the SHA-256 of each given input (inputs[kind],
 * NULL = not given) with the record.  With no inputs given, the files at
 * the recorded paths are checked where they exist.  Returns the exit
 * code: 0 all match, 2 a mismatch or an invalid report, 3 unreadable.
 */
int verify_report(const char *report, const char *xsd_path,
    const char *const inputs[IN__COUNT], struct diag *d);

#endif
