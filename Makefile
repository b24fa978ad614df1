# Makefile: build, demo, tests (plain and ASan+UBSan), benchmarks and install for custeval.
# `make demo` and `make check` install missing Debian packages first when run as root.

CC      ?= gcc
PREFIX  ?= /usr/local
DESTDIR ?=
VERSION  = 0.1.0
PYTHON3  = /usr/bin/python3

WARN    = -Wall -Wextra -Werror -Wmissing-prototypes -Wstrict-prototypes -Wwrite-strings
XML_CFLAGS := $(shell pkg-config --cflags libxml-2.0 2>/dev/null || echo -I/usr/include/libxml2)
XML_LIBS   := $(shell pkg-config --libs libxml-2.0 2>/dev/null || echo -lxml2)
CFLAGS  ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -pthread $(WARN) $(CFLAGS) -Iinclude -Isrc $(XML_CFLAGS) \
	-DCV_VERSION='"$(VERSION)"' -DCV_DATADIR='"$(DATADIR)"' -DCV_FONTFILE='"$(FONTFILE)"'
LIBS    = -lhpdf -lcsv $(XML_LIBS) -lz -lm -pthread

# Where the binary finds templates and the font: the source tree, or PREFIX after install.
DATADIR  ?= $(CURDIR)/templates
FONTFILE ?= $(CURDIR)/build/fonts/custeval-sans.ttf

SRCS = src/util.c src/sha256.c src/diag.c src/value.c src/encoding.c src/model.c src/config.c \
	src/ingest.c src/indicators.c src/evaluate.c src/methods.c src/cmd_calc.c \
	src/policy.c src/recommend.c src/labels.c src/prior.c src/verify.c \
	src/render_csv.c src/render_xml.c src/pdf_layout.c src/pdf_chart.c \
	src/render_pdf.c src/render_pdf_tpl.c src/render_pdf_card.c src/xmlsafe.c
MAIN = src/main.c
HDRS = $(wildcard include/*.h src/*.h src/*.def)

B = build
OBJS = $(SRCS:src/%.c=$(B)/obj/%.o)
FONT = $(B)/fonts/custeval-sans.ttf
UNIT_TESTS = test_value test_encoding test_methods test_policy test_pdf_layout test_core test_evaluate test_ingest test_sha256

# Debian packages the build, the demo and the tests need.
DEB_PKGS = gcc make pkg-config libhpdf-dev libcsv-dev libxml2-dev libxml2-utils zlib1g-dev \
	poppler-utils qpdf libcmocka-dev fonts-wqy-microhei fonts-arphic-uming \
	python3 python3-fonttools

.PHONY: all deps demo check unit e2e asan bench fuzz install clean regen-golden

all: $(B)/custeval $(FONT)

deps:
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || exit 1; \
	  else \
	    echo "missing Debian packages; run:"; \
	    echo "  sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

$(B)/obj/%.o: src/%.c $(HDRS)
	@mkdir -p $(B)/obj
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(B)/custeval: $(OBJS) $(B)/obj/main.o
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS)

$(B)/obj/main.o: $(MAIN) $(HDRS)
	@mkdir -p $(B)/obj
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(FONT): fonts/build-font.py
	@mkdir -p $(B)/fonts
	$(PYTHON3) fonts/build-font.py /usr/share/fonts/truetype/wqy/wqy-microhei.ttc $@

$(B)/custeval-gen: samples/generate.c
	@mkdir -p $(B)
	$(CC) -std=c11 -D_POSIX_C_SOURCE=200809L -O2 $(WARN) -o $@ $< -lm

# Unit tests: cmocka, one binary per area, linked with every stage.
$(B)/test_%: tests/test_%.c $(OBJS)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(OBJS) $(LIBS) -lcmocka

demo: deps all
	@rm -rf out/demo
	./$(B)/custeval run --config samples/demo-2026Q3.xml --out out/demo/2026-07 --quiet
	./$(B)/custeval run --config samples/demo.xml --prior out/demo/2026-07/report.xml --out out/demo/2026-10 --quiet
	@echo; echo "demo reports (sample company, as of 2026-10-31, migration against 2026-07-31):"; \
	 ls -1 out/demo/2026-10/report.pdf out/demo/2026-10/report.xml out/demo/2026-10/scores.csv

unit: $(addprefix $(B)/,$(UNIT_TESTS)) $(FONT)
	@for t in $(UNIT_TESTS); do echo "== $$t"; ./$(B)/$$t || exit 1; done

e2e: all $(B)/custeval-gen
	CUSTEVAL=./$(B)/custeval sh tests/e2e.sh
	CUSTEVAL=./$(B)/custeval sh tests/test_ingest.sh
	CUSTEVAL=./$(B)/custeval sh tests/test_pdf_report.sh

check: deps
	$(MAKE) unit e2e
	$(MAKE) asan

# The same suites built with AddressSanitizer and UndefinedBehaviorSanitizer.
asan:
	$(MAKE) B=build-asan CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	  FONTFILE=$(CURDIR)/build/fonts/custeval-sans.ttf FONT=$(FONT) build-asan/custeval $(addprefix build-asan/,$(UNIT_TESTS))
	@for t in $(UNIT_TESTS); do echo "== asan $$t"; ASAN_OPTIONS=detect_leaks=1 ./build-asan/$$t || exit 1; done
	ASAN_OPTIONS=detect_leaks=1 CUSTEVAL=./build-asan/custeval sh tests/e2e.sh
	ASAN_OPTIONS=detect_leaks=1 CUSTEVAL=./build-asan/custeval sh tests/test_ingest.sh

# libFuzzer targets (clang): the value parsers and the whole ingest, FUZZ_SECONDS each.
FUZZ_SECONDS ?= 60
FUZZ_FLAGS = -std=c11 -D_GNU_SOURCE -pthread -g -O1 -fsanitize=fuzzer,address,undefined \
	-Iinclude -Isrc $(XML_CFLAGS) -DCV_DATADIR='"$(CURDIR)/templates"' -DCV_FONTFILE='"$(FONTFILE)"'
FUZZ_SRCS = $(filter-out src/render_pdf.c src/render_pdf_tpl.c src/render_pdf_card.c src/pdf_layout.c src/pdf_chart.c,$(SRCS))
fuzz:
	@command -v clang >/dev/null || { echo "make fuzz needs clang (apt-get install clang)"; exit 1; }
	@mkdir -p build-fuzz/corpus-value build-fuzz/corpus-ingest
	clang $(FUZZ_FLAGS) -o build-fuzz/fuzz_value tests/fuzz/fuzz_value.c src/value.c src/util.c src/diag.c
	clang $(FUZZ_FLAGS) -o build-fuzz/fuzz_ingest tests/fuzz/fuzz_ingest.c $(FUZZ_SRCS) -lcsv $(XML_LIBS) -lm
	cp tests/ingest/*/*.csv build-fuzz/corpus-ingest/ 2>/dev/null || true
	./build-fuzz/fuzz_value -max_total_time=$(FUZZ_SECONDS) build-fuzz/corpus-value
	./build-fuzz/fuzz_ingest -max_total_time=$(FUZZ_SECONDS) -max_len=4096 build-fuzz/corpus-ingest

bench: all $(B)/custeval-gen
	sh bench/run.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/custeval/templates $(DESTDIR)$(PREFIX)/share/custeval/fonts
	$(MAKE) B=build-install DATADIR=$(PREFIX)/share/custeval/templates FONTFILE=$(PREFIX)/share/custeval/fonts/custeval-sans.ttf build-install/custeval
	install -m 755 build-install/custeval $(DESTDIR)$(PREFIX)/bin/custeval
	install -m 644 templates/* $(DESTDIR)$(PREFIX)/share/custeval/templates/
	install -m 644 $(FONT) $(DESTDIR)$(PREFIX)/share/custeval/fonts/

clean:
	rm -rf build build-asan build-install out
