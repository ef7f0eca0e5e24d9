# reports.mk - extra targets for reports/ (included by the Makefile).
# `make regen-golden` rewrites tests/golden/ from sample-logs/ (review the
# diff); `make bench-report` times the report on 1,000,000 sessions.
.PHONY: regen-golden bench-report

regen-golden: all
	sh tests/golden/regen.sh

bench-report: all
	sh tests/bench/bench-report.sh
