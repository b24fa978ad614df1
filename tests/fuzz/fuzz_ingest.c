/* fuzz_ingest.c: libFuzzer target: arbitrary bytes as a sales export, through the whole ingest. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "diag.h"
#include "ingest.h"
#include "model.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/custeval-fuzz-XXXXXX";
	struct config cfg;
	struct model m;
	struct diag d;
	struct ingest_opts io;
	int fd = mkstemp(path);
	int32_t asof;
	FILE *rej;

	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		unlink(path);
		return 0;
	}
	close(fd);
	diag_init(&d, LANG_EN);
	config_init(&cfg);
	if (config_load(&cfg, "templates/default-profile.xml",
	    "templates/config.xsd", &d) == 0) {
		config_set_input(&cfg, IN_SALES, path);
		cv_date_parse_iso("2026-10-31", &asof);
		model_init(&m, asof, 4);
		memset(&io, 0, sizeof(io));
		io.cfg = &cfg;
		io.max_messages = 10;
		rej = fopen("/dev/null", "w");
		io.rejects = rej;
		ingest_all(&m, &io, &d);
		if (rej != NULL)
			fclose(rej);
		model_free(&m);
	}
	config_free(&cfg);
	diag_free(&d);
	unlink(path);
	return 0;
}
