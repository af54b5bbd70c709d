# libstreamlearn: the primary build. `make` builds the static and shared
# libraries, `make test` runs every suite, `make help` lists the rest.
#
# MODULES picks the handle folders under lib/ to build (core is always in);
# a test file tests/test_<module>*.c runs only when its module is built.

MODULES ?= drift model window replay pipeline stream
PREFIX ?= /usr/local
DESTDIR ?=
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
BINDIR ?= $(PREFIX)/bin

CC ?= cc
BUILD ?= build
OPT ?= -O2
CFLAGS ?= $(OPT) -g
WARN := -std=c99 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
        -Wno-missing-field-initializers
# No fused multiply-add contraction: results are bit-identical across
# compilers and flags (the River conformance and checkpoints rely on it).
WARN += -ffp-contract=off
CPPFLAGS_ALL := -Iinclude -Ilib -DSL_BUILDING $(CPPFLAGS)

# Version: read from the one header that holds it.
VERSION_H := include/streamlearn/version.h
VMAJOR := $(shell sed -n 's/^\#define SL_VERSION_MAJOR \([0-9]*\)/\1/p' $(VERSION_H))
VMINOR := $(shell sed -n 's/^\#define SL_VERSION_MINOR \([0-9]*\)/\1/p' $(VERSION_H))
VPATCH := $(shell sed -n 's/^\#define SL_VERSION_PATCH \([0-9]*\)/\1/p' $(VERSION_H))
VERSION := $(VMAJOR).$(VMINOR).$(VPATCH)

# Optional zstd-compressed checkpoints: ZSTD=1 forces, ZSTD=0 leaves out,
# default follows pkg-config.
ZSTD ?= $(shell pkg-config --exists libzstd 2>/dev/null && echo 1 || echo 0)
ifeq ($(ZSTD),1)
CPPFLAGS_ALL += -DSL_HAVE_ZSTD $(shell pkg-config --cflags libzstd 2>/dev/null)
ZSTD_LIBS := $(shell pkg-config --libs libzstd 2>/dev/null || echo -lzstd)
PC_REQUIRES_PRIVATE := libzstd
endif
LIBS := $(ZSTD_LIBS) -lm

# A module pulls in the modules it calls (the adaptive tree uses ADWIN; the
# pipeline drives every handle).
DEPS_model := drift
DEPS_pipeline := window model drift replay
WANT_MODULES := $(sort $(MODULES) $(foreach m,$(MODULES),$(DEPS_$(m))) $(foreach m,$(MODULES),$(foreach d,$(DEPS_$(m)),$(DEPS_$(d)))))
HAVE_MODULES := core $(foreach m,$(WANT_MODULES),$(if $(wildcard lib/$(m)/*.c),$(m)))
SRC := $(foreach m,$(HAVE_MODULES),$(wildcard lib/$(m)/*.c))
HDR := $(wildcard include/*.h include/streamlearn/*.h) $(foreach m,$(HAVE_MODULES),$(wildcard lib/$(m)/*.h))
OBJ_STATIC := $(SRC:%.c=$(BUILD)/static/%.o)
OBJ_SHARED := $(SRC:%.c=$(BUILD)/shared/%.o)

STATIC_LIB := $(BUILD)/libstreamlearn.a
SONAME := libstreamlearn.so.$(VMAJOR)
SHARED_LIB := $(BUILD)/libstreamlearn.so.$(VERSION)

TEST_SRC := $(foreach m,$(HAVE_MODULES),$(wildcard tests/test_$(m)*.c))
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
TEST_SUPPORT := $(wildcard tests/support/*.c)

.PHONY: bench-build all lib static shared test test-c test-conformance install uninstall clean help abi-check abi-update \
        demo bench firmware firmware-build asan valgrind

all: lib

lib: static shared

static: $(STATIC_LIB)
shared: $(SHARED_LIB) $(BUILD)/libstreamlearn.so $(BUILD)/libstreamlearn.pc

$(BUILD)/static/%.o: %.c $(HDR)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) -DSL_STATIC_DEFINE $(WARN) $(CFLAGS) -c $< -o $@

$(BUILD)/shared/%.o: %.c $(HDR)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(WARN) $(CFLAGS) -fPIC -fvisibility=hidden -c $< -o $@

$(STATIC_LIB): $(OBJ_STATIC)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(SHARED_LIB): $(OBJ_SHARED) lib/libstreamlearn.vers
	$(CC) -shared -Wl,-soname,$(SONAME) -Wl,--version-script=lib/libstreamlearn.vers $(LDFLAGS) \
	  -o $@ $(OBJ_SHARED) $(LIBS)

$(BUILD)/libstreamlearn.so: $(SHARED_LIB)
	ln -sf libstreamlearn.so.$(VERSION) $(BUILD)/$(SONAME)
	ln -sf $(SONAME) $@

# The pkg-config file; `make install` writes it again with the install's PREFIX.
PC_SED = sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
	    -e 's|@VERSION@|$(VERSION)|' -e 's|@REQUIRES_PRIVATE@|$(PC_REQUIRES_PRIVATE)|' lib/libstreamlearn.pc.in

$(BUILD)/libstreamlearn.pc: lib/libstreamlearn.pc.in $(VERSION_H)
	$(PC_SED) > $@

# ---- tests -------------------------------------------------------------------

$(BUILD)/tests/%: tests/%.c $(TEST_SUPPORT) $(wildcard tests/support/*.h) $(STATIC_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) -DSL_STATIC_DEFINE -Itests $(CFLAGS) -o $@ $< $(TEST_SUPPORT) $(STATIC_LIB) \
	  -lcriterion $(LIBS)

# Criterion suites, the conformance tests against River / scikit-learn, the
# command-line tool's tests (when its modules are built).
CLI_READY := $(and $(filter model,$(HAVE_MODULES)),$(filter drift,$(HAVE_MODULES)),$(filter stream,$(HAVE_MODULES)))
test: test-c test-conformance $(if $(CLI_READY),test-cli)
	@echo "all test suites passed"

test-c: $(TEST_BIN)
	@status=0; for t in $(TEST_BIN); do echo "== $$t"; $(TEST_WRAP) $$t $(TEST_ARGS) || status=1; done; exit $$status

test-conformance: shared
	@SL_LIBRARY=$(abspath $(SHARED_LIB)) SL_MODULES="$(HAVE_MODULES)" sh tests/conformance/run.sh

# ---- install -----------------------------------------------------------------

install: lib $(if $(CLI_READY),install-cli)
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR)/streamlearn
	install -m 644 include/streamlearn.h $(DESTDIR)$(INCLUDEDIR)/
	install -m 644 include/streamlearn/*.h $(DESTDIR)$(INCLUDEDIR)/streamlearn/
	install -m 644 $(STATIC_LIB) $(DESTDIR)$(LIBDIR)/
	install -m 755 $(SHARED_LIB) $(DESTDIR)$(LIBDIR)/
	ln -sf libstreamlearn.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libstreamlearn.so
	$(PC_SED) > $(DESTDIR)$(LIBDIR)/pkgconfig/libstreamlearn.pc

uninstall:
	rm -f $(DESTDIR)$(INCLUDEDIR)/streamlearn.h $(DESTDIR)$(LIBDIR)/libstreamlearn.*
	rm -f $(DESTDIR)$(LIBDIR)/pkgconfig/libstreamlearn.pc
	rm -rf $(DESTDIR)$(INCLUDEDIR)/streamlearn
	rm -f $(DESTDIR)$(BINDIR)/streamlearn

# ---- ABI -----------------------------------------------------------------------

# The exported symbols must be exactly abi/symbols.txt (all sl_*, each with
# the SL_<major> version node of lib/libstreamlearn.vers). After adding public
# functions, `make abi-update` (default MODULES) and commit abi/symbols.txt.
ABI_SYMBOLS = nm -D --defined-only $(SHARED_LIB) | awk '$$2 != "A" {print $$3}' | sort

abi-check: shared
	@$(ABI_SYMBOLS) > $(BUILD)/symbols-versioned.txt
	@sed 's/@.*//' $(BUILD)/symbols-versioned.txt > $(BUILD)/symbols.txt
	@if grep -v '^sl_' $(BUILD)/symbols.txt; then echo "non-sl_ symbols exported (above)"; exit 1; fi
	@if grep -v '@@SL_$(VMAJOR)$$' $(BUILD)/symbols-versioned.txt; then echo "symbols without version SL_$(VMAJOR) (above)"; exit 1; fi
	@diff -u abi/symbols.txt $(BUILD)/symbols.txt && echo "abi: $$(wc -l < abi/symbols.txt) symbols, all sl_*, match abi/symbols.txt"

abi-update: shared
	@$(ABI_SYMBOLS) | sed 's/@.*//' > abi/symbols.txt
	@wc -l abi/symbols.txt

# ---- sanitizers ------------------------------------------------------------------

asan:
	$(MAKE) BUILD=build-asan OPT=-O1 CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	  LDFLAGS="-fsanitize=address,undefined" test-c

# The SIGKILL crash test forks 100 children: ASan covers it, valgrind would
# only multiply its time.
VALGRIND_BIN := $(filter-out %/test_pipeline_crash,$(TEST_BIN))
valgrind: $(VALGRIND_BIN)
	@status=0; for t in $(VALGRIND_BIN); do echo "== valgrind $$t"; \
	  valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
	    --trace-children=yes $$t -j1 --no-early-exit > $(BUILD)/valgrind.log 2>&1 || { status=1; tail -50 $(BUILD)/valgrind.log; }; \
	  done; exit $$status

clean:
	rm -rf $(BUILD) build-asan build-fw

help:
	@echo "make            static + shared library in $(BUILD)/"
	@echo "make demo       the command-line tool on a drifting built-in stream (plot in $(BUILD)/demo.svg)"
	@echo "make test       every Criterion suite, the conformance tests, the tool's tests"
	@echo "make bench      every benchmark, one report in $(BUILD)/bench/report.md"
	@echo "make examples   build/examples/* (scada_telemetry: the pipeline on simulated plant telemetry)"
	@echo "make install    PREFIX=$(PREFIX) DESTDIR=  (headers, libraries, pkg-config file)"
	@echo "make abi-check  exported symbols == abi/symbols.txt"
	@echo "make asan       test suites under AddressSanitizer + UBSan"
	@echo "make valgrind   test suites under valgrind"
	@echo "make firmware   Cortex-M4F build and its tests under QEMU"
	@echo "MODULES='$(MODULES)' picks the handle folders to build"

# ---- firmware ------------------------------------------------------------------

include firmware/firmware.mk

# ---- benchmarks ------------------------------------------------------------------
# bench/bench_<name>.c programs, each linked with bench/bench.c and the static
# library. `make bench` runs them all (bench/run.sh writes the report);
# BENCH_ARGS=--quick gives CI sizes.

BENCH_SRC := $(filter-out bench/bench.c,$(wildcard bench/bench_*.c))
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

$(BUILD)/bench/%: bench/%.c bench/bench.c bench/bench.h $(STATIC_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) -DSL_STATIC_DEFINE -Ibench -O2 -g -o $@ $< bench/bench.c $(STATIC_LIB) $(LIBS)

bench-build: $(BENCH_BIN)

# Every benchmark, one report in $(BUILD)/bench/report.md (BENCH_ARGS=--quick for CI sizes,
# --compare to run the River / VW comparisons too).
bench:
	BUILD=$(BUILD) sh bench/run.sh $(BENCH_ARGS)

include examples/streamlearn/streamlearn.mk

# ---- examples ------------------------------------------------------------------
# examples/<name>.c programs a user copies from, built as $(BUILD)/examples/<name>.

EXAMPLE_BIN := $(patsubst examples/%.c,$(BUILD)/examples/%,$(wildcard examples/*.c))

$(BUILD)/examples/%: examples/%.c $(STATIC_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) -DSL_STATIC_DEFINE $(WARN) $(CFLAGS) -o $@ $< $(STATIC_LIB) $(LIBS)

examples: $(EXAMPLE_BIN)

.PHONY: examples
