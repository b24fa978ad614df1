/* diag.h: the one diagnostics catalogue and the collector that stages report into. */
#ifndef CUSTEVAL_DIAG_H
#define CUSTEVAL_DIAG_H

#include <stdarg.h>
#include <stddef.h>

/* Exit codes of the program (documented in README and --help). */
enum cv_exit {
	CV_EXIT_OK = 0,
	CV_EXIT_USAGE = 1,	/* bad command line */
	CV_EXIT_DATA = 2,	/* invalid config or data */
	CV_EXIT_IO = 3		/* file could not be read or written */
};

enum diag_sev { DIAG_NOTE, DIAG_WARNING, DIAG_ERROR };

/*
 * Message identifiers.  The catalogue is assembled from per-area lists
 * (src/msg_*.def); each line is
 *   MSG(ID, SEVERITY, EXIT, "English", "简体中文", "繁體中文")
 * with printf formats taking the same arguments in the same order.
 */
enum diag_id {
#define MSG(id, sev, ex, en, cn, tw) id,
#include "../src/msg_core.def"
#include "../src/msg_ingest.def"
#include "../src/msg_method.def"
#include "../src/msg_policy.def"
#include "../src/msg_report.def"
#undef MSG
	D__COUNT
};

enum diag_lang { LANG_ZH_CN = 0, LANG_ZH_TW = 1, LANG_EN = 2 };

/* One collected message; `where` is "FILE:LINE:COL" or "" (owned). */
struct diag_msg {
	enum diag_id id;
	enum diag_sev sev;
	char *file;	/* may be NULL */
	long line;	/* 0 = none */
	long col;	/* 0 = none */
	char *text;	/* formatted message in the collector's language */
};

/*
 * The collector.  Stages never print: they add messages here, and main
 * prints them (or a sink callback does, as they arrive).
 */
struct diag {
	enum diag_lang lang;
	int worst_exit;		/* highest exit code of any error so far */
	size_t n_error, n_warning, n_note;
	size_t n_suppressed;	/* messages beyond max_kept, counted only */
	size_t max_kept;	/* 0 = unlimited */
	/* Optional: called for each message as it is added (main uses it). */
	void (*sink)(const struct diag_msg *m, void *ctx);
	void *sink_ctx;
	struct diag_msg *msgs;
	size_t n_msgs, cap_msgs;
};

void diag_init(struct diag *d, enum diag_lang lang);
void diag_free(struct diag *d);
/* Add copies of from's messages to d, in order (a worker's own collector). */
void diag_append(struct diag *d, const struct diag *from);

/* Add a message from the catalogue; file may be NULL, line/col 0. */
void diag_add(struct diag *d, enum diag_id id, const char *file, long line,
    long col, ...);

/* Format a catalogue message's text (no place, no severity) into buf. */
void diag_text(enum diag_id id, enum diag_lang lang, char *buf, size_t size,
    ...);
void diag_vtext(enum diag_id id, enum diag_lang lang, char *buf, size_t size,
    va_list ap);

/* Severity and exit code that the catalogue gives a message. */
enum diag_sev diag_severity(enum diag_id id);
int diag_exit_code(enum diag_id id);
const char *diag_name(enum diag_id id);	/* "D_CONFIG_INVALID" etc. */

/* "error", "warning", "note" (or their Chinese forms) in lang. */
const char *diag_sev_label(enum diag_sev sev, enum diag_lang lang);

/* Formats "custeval: FILE:LINE:COL: error: text" into buf (NUL-terminated). */
void diag_format(const struct diag_msg *m, enum diag_lang lang, char *buf,
    size_t size);

/* Parse "zh-CN", "zh-TW", "en" (case-insensitive); -1 if unknown. */
int diag_lang_parse(const char *s);
const char *diag_lang_code(enum diag_lang lang);

#endif
