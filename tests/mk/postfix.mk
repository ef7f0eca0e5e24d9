# SPDX-License-Identifier: MIT
# postfix.mk - the Postfix parser's benchmark (not part of `make test`).
# `make bench-postfix` feeds a 200000-session log from tests/tools/genlog.py
# through the parser
# alone and prints lines/s next to `grep -c helo=` on the same file.
PF_BENCH_LOG ?= $(B)/pf-bench.log

.PHONY: bench-postfix
bench-postfix: $(B)/tests/bench_postfix
	@test -s $(PF_BENCH_LOG) || python3 tests/tools/genlog.py \
	    --format postfix --sessions 200000 > $(PF_BENCH_LOG)
	$(B)/tests/bench_postfix $(PF_BENCH_LOG)
	@for i in 1 2 3; do /usr/bin/time -f 'grep -c helo=: %U s user %e s wall' \
	    grep -c helo= $(PF_BENCH_LOG) > /dev/null; done

# bench_postfix (tests/bench/bench_postfix.c) links the parsers and the base
$(B)/tests/bench_postfix: tests/bench/bench_postfix.c $(PARSER_OBJ) $(BASE_OBJ)
	@mkdir -p $(@D) $(B)/deps
	@echo "  CC      $@"
	@$(CC) $(ALL_CFLAGS) $(DEPS_OF) -o $@ $< $(PARSER_OBJ) $(BASE_OBJ) $(LDLIBS)
