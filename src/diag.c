/* diag.c: the message catalogue (assembled from src/msg_*.def) and the collector. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diag.h"
#include "util.h"

struct msg_entry {
	const char *name;
	enum diag_sev sev;
	int exit_code;
	const char *fmt[3];	/* indexed by enum diag_lang */
};

static const struct msg_entry S_catalogue[D__COUNT] = {
#define MSG(id, sev, ex, en, cn, tw) { #id, sev, ex, { cn, tw, en } },
#include "msg_core.def"
#include "msg_ingest.def"
#include "msg_method.def"
#include "msg_policy.def"
#include "msg_report.def"
#undef MSG
};

void
diag_init(struct diag *d, enum diag_lang lang)
{
	memset(d, 0, sizeof(*d));
	d->lang = lang;
}

void
diag_free(struct diag *d)
{
	size_t i;

	for (i = 0; i < d->n_msgs; i++) {
		free(d->msgs[i].file);
		free(d->msgs[i].text);
	}
	free(d->msgs);
	d->msgs = NULL;
	d->n_msgs = d->cap_msgs = 0;
}

/* Renderers may run on two threads: adding a message is serialised. */
static pthread_mutex_t S_lock = PTHREAD_MUTEX_INITIALIZER;

static void S_add(struct diag *d, enum diag_id id, const char *file,
    long line, long col, va_list ap);

void
diag_add(struct diag *d, enum diag_id id, const char *file, long line,
    long col, ...)
{
	va_list ap;

	if ((unsigned)id >= D__COUNT)
		return;
	va_start(ap, col);
	pthread_mutex_lock(&S_lock);
	S_add(d, id, file, line, col, ap);
	pthread_mutex_unlock(&S_lock);
	va_end(ap);
}

/* Count m (formatted, owned) in d, pass it to the sink, keep it. */
static void
S_keep(struct diag *d, struct diag_msg *m)
{
	switch (m->sev) {
	case DIAG_ERROR:
		d->n_error++;
		if (S_catalogue[m->id].exit_code > d->worst_exit)
			d->worst_exit = S_catalogue[m->id].exit_code;
		break;
	case DIAG_WARNING:
		d->n_warning++;
		break;
	default:
		d->n_note++;
		break;
	}
	if (d->sink != NULL)
		d->sink(m, d->sink_ctx);
	if (d->max_kept != 0 && d->n_msgs >= d->max_kept) {
		d->n_suppressed++;
		free(m->file);
		free(m->text);
		return;
	}
	if (d->n_msgs == d->cap_msgs) {
		d->cap_msgs = d->cap_msgs ? d->cap_msgs * 2 : 16;
		d->msgs = cv_realloc(d->msgs, d->cap_msgs * sizeof(*d->msgs));
	}
	d->msgs[d->n_msgs++] = *m;
}

static void
S_add(struct diag *d, enum diag_id id, const char *file, long line, long col,
    va_list ap)
{
	const struct msg_entry *e;
	struct diag_msg m;
	char buf[2048];

	e = &S_catalogue[id];
	vsnprintf(buf, sizeof(buf), e->fmt[d->lang], ap);
	m.id = id;
	m.sev = e->sev;
	m.file = file != NULL ? cv_strdup(file) : NULL;
	m.line = line;
	m.col = col;
	m.text = cv_strdup(buf);
	S_keep(d, &m);
}

void
diag_append(struct diag *d, const struct diag *from)
{
	struct diag_msg m;
	size_t i;

	pthread_mutex_lock(&S_lock);
	for (i = 0; i < from->n_msgs; i++) {
		m = from->msgs[i];
		m.file = m.file != NULL ? cv_strdup(m.file) : NULL;
		m.text = cv_strdup(m.text);
		S_keep(d, &m);
	}
	pthread_mutex_unlock(&S_lock);
}

void
diag_vtext(enum diag_id id, enum diag_lang lang, char *buf, size_t size,
    va_list ap)
{
	if ((unsigned)id >= D__COUNT) {
		snprintf(buf, size, "?");
		return;
	}
	vsnprintf(buf, size, S_catalogue[id].fmt[lang], ap);
}

void
diag_text(enum diag_id id, enum diag_lang lang, char *buf, size_t size, ...)
{
	va_list ap;

	va_start(ap, size);
	diag_vtext(id, lang, buf, size, ap);
	va_end(ap);
}

enum diag_sev
diag_severity(enum diag_id id)
{
	return (unsigned)id < D__COUNT ? S_catalogue[id].sev : DIAG_ERROR;
}

int
diag_exit_code(enum diag_id id)
{
	return (unsigned)id < D__COUNT ? S_catalogue[id].exit_code : CV_EXIT_DATA;
}

const char *
diag_name(enum diag_id id)
{
	return (unsigned)id < D__COUNT ? S_catalogue[id].name : "D_UNKNOWN";
}

const char *
diag_sev_label(enum diag_sev sev, enum diag_lang lang)
{
	static const char *const labels[3][3] = {
		{ "注意", "警告", "错误" },
		{ "注意", "警告", "錯誤" },
		{ "note", "warning", "error" },
	};

	return labels[lang][sev];
}

void
diag_format(const struct diag_msg *m, enum diag_lang lang, char *buf,
    size_t size)
{
	char where[1200];

	where[0] = '\0';
	if (m->file != NULL) {
		if (m->line > 0 && m->col > 0)
			snprintf(where, sizeof(where), "%s:%ld:%ld: ",
			    m->file, m->line, m->col);
		else if (m->line > 0)
			snprintf(where, sizeof(where), "%s:%ld: ", m->file,
			    m->line);
		else
			snprintf(where, sizeof(where), "%s: ", m->file);
	}
	snprintf(buf, size, "custeval: %s%s: %s", where,
	    diag_sev_label(m->sev, lang), m->text);
}

int
diag_lang_parse(const char *s)
{
	if (s == NULL)
		return -1;
	if (strcasecmp(s, "zh-CN") == 0 || strcasecmp(s, "zh_CN") == 0 ||
	    strcasecmp(s, "zh-Hans") == 0)
		return LANG_ZH_CN;
	if (strcasecmp(s, "zh-TW") == 0 || strcasecmp(s, "zh_TW") == 0 ||
	    strcasecmp(s, "zh-Hant") == 0)
		return LANG_ZH_TW;
	if (strcasecmp(s, "en") == 0 || strncasecmp(s, "en-", 3) == 0 ||
	    strncasecmp(s, "en_", 3) == 0)
		return LANG_EN;
	return -1;
}

const char *
diag_lang_code(enum diag_lang lang)
{
	static const char *const codes[] = { "zh-CN", "zh-TW", "en" };

	return codes[lang];
}
