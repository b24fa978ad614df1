/* render.h: what every renderer receives, and the table of renderers (PDF, XML, CSV). */
#ifndef CUSTEVAL_RENDER_H
#define CUSTEVAL_RENDER_H

#include "config.h"
#include "diag.h"
#include "evaluate.h"
#include "model.h"

struct pol_library;
struct recommend;
struct prior;
struct labels;

/* Everything a report is made of; renderers only read it. */
struct report {
	const struct config *cfg;
	const struct model *m;
	const struct evaluation *ev;
	const struct recommend *rec;	/* policies and checklists; may be NULL */
	const struct pol_library *pol;	/* for labels; may be NULL */
	const struct labels *labels;	/* UI texts in the run language */
	const struct prior *prior;	/* previous period; may be NULL */
	const char *version;		/* tool version */
	const char *template_path;	/* PDF report template (resolved) */
	const char *datadir;		/* templates folder */
	const char *font_path;		/* TrueType font for the PDF */
	int font_index;			/* ttc index, -1 for .ttf */
	const char *config_sha256;	/* of the user config, "" if none */
	/* Batch documents: when subset is not NULL, the PDF covers only
	 * these customers (indexes into ev->ec), e.g. one region's pack. */
	const size_t *subset;
	size_t n_subset;
	const char *subset_label;	/* e.g. the region's name, for the cover */
};

struct renderer {
	const char *name;		/* "pdf", "xml", "csv" */
	const char *filename;		/* "report.pdf" */
	/* Write the output to path (a temporary file main renames). */
	int (*render)(const struct report *r, const char *path, struct diag *d);
};

int render_pdf(const struct report *r, const char *path, struct diag *d);
int render_pdf_scorecard(const struct report *r, size_t i, const char *path, struct diag *d);
int render_xml(const struct report *r, const char *path, struct diag *d);
int render_csv(const struct report *r, const char *path, struct diag *d);

extern const struct renderer renderers[];
extern const size_t n_renderers;

#endif
