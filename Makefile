# SPDX-License-Identifier: MIT
# heloval - plain GNU make build. `make` builds ./heloval; `make test` runs
# every test and ends with "N passed, N failed"; `make run` is the quick start.
# When run as root and a Debian package is missing, the `deps` step installs it.

B      ?= build
WERROR ?= -Werror
WARN   := -Wall -Wextra $(WERROR) -Wshadow -Wstrict-prototypes \
          -Wmissing-prototypes -Wpointer-arith -Wformat=2 -Wundef -Wvla
CFLAGS ?= -O2 -g
PKGS   := sqlite3 libpcre2-8 libcares zlib ldns libpsl

# Debian packages the build, the tests and the benchmark need.
BUILD_DEBS := build-essential pkgconf libsqlite3-dev libpcre2-dev \
              libc-ares-dev zlib1g-dev libldns-dev libpsl-dev publicsuffix
TEST_DEBS  := nsd ldnsutils sqlite3 python3 gzip time chromium
# (node and npm for the DuckDB engine test: tests/engines/ensure-duckdb.sh,
# which installs Debian's only when no node is there at all)
# make bench's references (eximstats comes unpacked from exim4-base, not installed)
BENCH_DEBS := nsd dnsperf sqlite3 python3 time pflogsumm
DEPS_STAMP := $(B)/.deps-ok

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) \
             $(CFLAGS) $(INCLUDES) $(PKG_CFLAGS)
LDLIBS    += $(PKG_LIBS) -lpthread -lm

# The source tree (README "Layout"): parsers/, analyzer/ by concern (base,
# store, scan, dns, csv; main.c is the CLI) and reports/. Every folder is on
# the include path, so a header is named by its file name alone.
ANALYZER_DIRS := analyzer/base analyzer/store analyzer/scan analyzer/dns analyzer/csv
SRC_DIRS     := parsers $(ANALYZER_DIRS) analyzer reports
INCLUDES     := $(addprefix -I,$(SRC_DIRS))
PARSER_SRC   := $(wildcard parsers/*.c)
ANALYZER_SRC := $(wildcard analyzer/*.c $(addsuffix /*.c,$(ANALYZER_DIRS)))
REPORT_SRC   := $(wildcard reports/*.c)
PARSER_OBJ   := $(patsubst %.c,$(B)/%.o,$(PARSER_SRC))
LIB_OBJ      := $(patsubst %.c,$(B)/%.o,$(filter-out analyzer/main.c,$(ANALYZER_SRC)) $(REPORT_SRC))
MAIN_OBJ     := $(B)/analyzer/main.o

PREFIX ?= /usr/local

# the program heloval-bin links: ./heloval, or build-asan/heloval for `make
# asan` so the instrumented build never replaces the plain ./heloval
HELOVAL_BIN ?= heloval

# header dependencies of programs linked straight from a .c file (tests,
# fuzz replays) live in $(B)/deps, out of reach of the pattern rules
DEPS_OF = -MMD -MP -MF $(B)/deps/$(notdir $@).d

.PHONY: all deps test check check-clone run bench asan valgrind fuzz clean install lint test-bins heloval-bin

all: $(DEPS_STAMP)
	@$(MAKE) --no-print-directory heloval-bin

# deps - install missing Debian packages when root; otherwise explain.
deps: $(DEPS_STAMP)
$(DEPS_STAMP):
	@sh tests/ensure-debs.sh $(BUILD_DEBS)
	@mkdir -p $(@D) && touch $@

# heloval-bin - the program, relinked when an object changed
heloval-bin: $(HELOVAL_BIN)
$(HELOVAL_BIN): $(MAIN_OBJ) $(LIB_OBJ) $(PARSER_OBJ)
	@mkdir -p $(@D)
	@echo "  LD      $(HELOVAL_BIN)"
	@$(CC) $(ALL_CFLAGS) -o $(HELOVAL_BIN) $^ $(LDLIBS)

$(B)/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

# Unit-test programs: tests/unit/<concern>/test_<name>.c (the concern is the
# source folder under test: parsers, csv, dns, store, scan, reports), built
# as $(B)/tests/test_<name>. A test links the objects of the folders it may
# use: a parser test (tests/unit/parsers/) links parsers/ and analyzer/base/
# only, so a parser that used anything else would not link; the other tests
# link every library object. tests/unit/*.h are shared test helpers.
BASE_OBJ := $(patsubst %.c,$(B)/%.o,$(wildcard analyzer/base/*.c))
# (a test left at tests/unit/test_<name>.c is still built, linking everything)
UNIT_SRC := $(wildcard tests/unit/test_*.c tests/unit/*/test_*.c)
UNIT_BIN := $(patsubst %.c,$(B)/tests/%,$(notdir $(UNIT_SRC)))
UNIT_LINK_parsers := $(PARSER_OBJ) $(BASE_OBJ)
UNIT_LINK_ALL     := $(LIB_OBJ) $(PARSER_OBJ)
# unit_objs SRC - the objects the unit test SRC links
unit_objs = $(or $(UNIT_LINK_$(notdir $(patsubst %/,%,$(dir $(1))))),$(UNIT_LINK_ALL))
define unit_rule
$(B)/tests/$(basename $(notdir $(1))): $(1) $(call unit_objs,$(1))
	@mkdir -p $$(@D) $(B)/deps
	@echo "  TEST    $$@"
	@$$(CC) $$(ALL_CFLAGS) $$(DEPS_OF) -Itests -Itests/unit -o $$@ $$< $$(filter %.o,$$^) $$(LDLIBS)
endef
$(foreach s,$(UNIT_SRC),$(eval $(call unit_rule,$(s))))

# Corpus replays: tests/corpus/test_<name>.c, built as $(B)/corpus/test_<name>.
# They read the public corpus outside the repository (../shared/corpus) and
# run as one suite, only where that corpus is present (tests/corpus/suite.sh).
CORPUS_SRC := $(wildcard tests/corpus/test_*.c)
CORPUS_BIN := $(patsubst tests/corpus/%.c,$(B)/corpus/%,$(CORPUS_SRC))
$(B)/corpus/%: tests/corpus/%.c $(LIB_OBJ) $(PARSER_OBJ)
	@mkdir -p $(@D) $(B)/deps
	@echo "  TEST    $@"
	@$(CC) $(ALL_CFLAGS) $(DEPS_OF) -Itests -Itests/unit -o $@ $< $(LIB_OBJ) $(PARSER_OBJ) $(LDLIBS)

include $(wildcard tests/mk/*.mk)

# check - the whole suite once, on the normal build (the quick loop).
# T=NAME runs only the tests whose name contains NAME (make check T=csa:
# test_csa and any *csa*.test.sh; T=corpus: the corpus suite).
check: $(DEPS_STAMP)
	@sh tests/ensure-debs.sh $(TEST_DEBS)
	@sh tests/engines/ensure-duckdb.sh
	@$(MAKE) --no-print-directory heloval-bin test-bins
	@B=$(B) T="$(T)" HELOVAL=$(abspath $(HELOVAL_BIN)) sh tests/run-tests.sh

# check-clone - prove the suite needs nothing outside the repository: clone
# HEAD into an empty temporary directory (no ../shared beside it) and run
# `make check` there; the corpus suite must report itself skipped.
check-clone:
	@sh tests/clone-check.sh

# test - the README's test command and CI's: the suite on the normal build,
# again under ASan+UBSan, again under valgrind; one total at the end.
test: $(DEPS_STAMP) lint
	@sh tests/ensure-debs.sh valgrind $(TEST_DEBS)
	@sh tests/engines/ensure-duckdb.sh
	@sh tests/test-all.sh

# lint - the layering rules of the source tree (tests/lint.sh: which folder
# may include or call what); also proven by tests/lint.test.sh in every pass.
lint:
	@sh tests/lint.sh

test-bins: $(UNIT_BIN) $(CORPUS_BIN) $(EXTRA_TEST_BINS)

run: all
	@rm -f $(B)/sample.db $(B)/sample.db-wal $(B)/sample.db-shm
	./heloval run --db $(B)/sample.db --year 2026 --accreditor dna.example \
	    --dns-zone sample-logs/dns-snapshot.zone -o report.html sample-logs

install: $(DEPS_STAMP)
	@$(MAKE) --no-print-directory heloval-bin
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 heloval $(DESTDIR)$(PREFIX)/bin/heloval
	install -m 644 heloval.1 $(DESTDIR)$(PREFIX)/share/man/man1/heloval.1

asan:
	@$(MAKE) --no-print-directory B=build-asan HELOVAL_BIN=build-asan/heloval CFLAGS="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all" check

valgrind: $(DEPS_STAMP)
	@sh tests/ensure-debs.sh valgrind $(TEST_DEBS)
	@sh tests/engines/ensure-duckdb.sh
	@$(MAKE) --no-print-directory heloval-bin test-bins
	@B=$(B) T="$(T)" HELOVAL=$(abspath $(HELOVAL_BIN)) VALGRIND=1 sh tests/run-tests.sh

bench: all $(B)/sqlite-floor
	@sh tests/ensure-debs.sh $(BENCH_DEBS)
	sh tests/bench/bench.sh

# sqlite-floor - the bench's reference for SQLite alone (tests/bench/sqlite-floor.c)
$(B)/sqlite-floor: tests/bench/sqlite-floor.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -o $@ $< $(LDLIBS)

clean:
	rm -rf build build-asan heloval

# header dependencies, except files whose first source (a .c file) is gone:
# a file that moved (the layout of issue 16) would leave a target waiting
# for a path that no longer exists
-include $(shell for d in $$(find $(B) -name '*.d' 2>/dev/null); do \
    s=$$(sed -n '1s/^[^:]*: *\([^ \\]*\.c\).*/\1/p' "$$d"); \
    if [ -z "$$s" ] || [ -f "$$s" ]; then echo "$$d"; fi; done)
