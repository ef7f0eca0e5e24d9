#!/bin/sh
# samples.test.sh - sample-logs/ against its generator, the zone syntax, and
# heloval's verdicts for every sample session (tests/tools/check-samples.py).
exec python3 tests/tools/check-samples.py --heloval "${HELOVAL:-./heloval}"
