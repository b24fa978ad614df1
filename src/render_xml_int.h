/* render_xml_int.h: internal, for tests (render_xml.c's number formatter and escaper). */
#ifndef CUSTEVAL_RENDER_XML_INT_H
#define CUSTEVAL_RENDER_XML_INT_H

#include <stddef.h>

/* Bytes of the customer section not yet handed to the writer; no NUL. */
struct rx_out {
	char *p;		/* cv_realloc'd; the caller frees it */
	size_t n, cap;		/* bytes used, bytes allocated */
};

/* Appends v with six decimals, the same bytes as cv_fixed(v, 6). */
void rx_fix6(struct rx_out *o, double v);

/* Appends s escaped as XML text (attr 0) or an attribute value (attr 1),
 * with what is not an XML character replaced by '?'. */
void rx_esc(struct rx_out *o, const char *s, int attr);

#endif
