# fuzz.mk - libFuzzer targets and their replay under the normal build.
#
# Every target is a tests/fuzz/fuzz_<name>.c entry point
# (LLVMFuzzerTestOneInput) with its corpus in tests/fuzz/corpus/<name>/.
# fuzz_parser.c feeds each input to every input format of the registry
# (parsers/registry.c), so a new format needs no new target: its seeds go to
# tests/fuzz/corpus/parser/<format>/. `make test` builds each target with
# tests/fuzz/replay.c (gcc, no libFuzzer) and replays its corpus (seeds and
# every crash kept as a regression case). `make fuzz` builds them with clang
# -fsanitize=fuzzer and runs each for FUZZ_SECONDS; a crash, leak, timeout or
# OOM in one target does not stop the others, but makes `make fuzz` fail at
# the end and name them. Logs go to $(B)/libfuzzer/log-<name>.txt, new inputs
# to new-<name>/, failing inputs to crash-<name>-*.

FUZZ_SECONDS ?= 60
FUZZ_NAMES   := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_LIBOBJ  := $(LIB_OBJ) $(PARSER_OBJ)

REPLAY_BINS := $(patsubst %,$(B)/fuzz/replay_%,$(FUZZ_NAMES))
EXTRA_TEST_BINS += $(REPLAY_BINS)

$(B)/fuzz/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(FUZZ_LIBOBJ)
	@mkdir -p $(@D)
	@echo "  FUZZ    $@"
	@mkdir -p $(B)/deps
	@$(CC) $(ALL_CFLAGS) $(DEPS_OF) -o $@ $(filter %.c,$^) $(FUZZ_LIBOBJ) $(LDLIBS)

FUZZ_CC     ?= clang
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
               -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
FUZZ_SRC    = $(filter-out analyzer/main.c,$(ANALYZER_SRC)) $(REPORT_SRC) $(PARSER_SRC)

# fuzz - build every target with libFuzzer and run it FUZZ_SECONDS each
# (progress lines are kept in the log, not on the terminal).
fuzz: $(DEPS_STAMP)
	@sh tests/ensure-debs.sh clang libclang-rt-14-dev
	@mkdir -p $(B)/libfuzzer
	@failed=""; for n in $(FUZZ_NAMES); do \
	    src="tests/fuzz/fuzz_$$n.c"; \
	    echo "fuzz: building $$n"; \
	    $(FUZZ_CC) -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(FUZZ_CFLAGS) \
	        $(INCLUDES) $(PKG_CFLAGS) -o $(B)/libfuzzer/fuzz_$$n \
	        $$src $(FUZZ_SRC) $(LDLIBS) || exit 1; \
	    mkdir -p tests/fuzz/corpus/$$n $(B)/libfuzzer/new-$$n; \
	    echo "fuzz: running $$n for $(FUZZ_SECONDS)s"; \
	    $(B)/libfuzzer/fuzz_$$n -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	        -rss_limit_mb=2048 -artifact_prefix=$(B)/libfuzzer/crash-$$n- \
	        $(B)/libfuzzer/new-$$n tests/fuzz/corpus/$$n \
	        2>&1 | tee $(B)/libfuzzer/log-$$n.txt | grep -v -e '^#[0-9]*[[:space:]]*\(NEW\|REDUCE\|pulse\)' ; \
	    grep -q -e '^==[0-9]*== ERROR: libFuzzer' -e 'ERROR: AddressSanitizer' -e 'ERROR: LeakSanitizer' \
	        -e 'runtime error:' -e 'Test unit written' $(B)/libfuzzer/log-$$n.txt && failed="$$failed $$n"; \
	done; \
	echo "fuzz: new inputs are in $(B)/libfuzzer/new-*, logs in $(B)/libfuzzer/log-*.txt"; \
	if [ -n "$$failed" ]; then echo "fuzz: FAILED:$$failed (inputs in $(B)/libfuzzer/crash-*)"; exit 1; fi; \
	echo "fuzz: no crash"
