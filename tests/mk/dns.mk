# dns.mk - make rules of the resolve stage (included by the Makefile).
# `make bench-resolve`: tests/bench/bench-resolve.sh (NSD + dnsperf, not in `make test`).
.PHONY: bench-resolve
bench-resolve: all
	sh tests/bench/bench-resolve.sh
