#!/bin/sh
# selfcontained.test.sh - no test outside the corpus suite (tests/corpus/)
# names a path outside the repository: not the public corpus or tools beside
# the checkout (../shared), not an absolute path of this machine (/work/...).
# Comment lines are not read, nor lines that name HV_CORPUS (where the corpus
# suite looks for the corpus). The full proof is `make check-clone` (a clone
# with nothing beside it), which .ci/run runs; this is its quick static half,
# run with every `make check`.
. tests/lib.sh
cd "$TOP" || exit 1
# every tracked file the tests, the benchmark or the build read
files=$(git ls-files Makefile tests .ci 2>/dev/null | grep -v '^tests/corpus/' |
        grep -v '^tests/selfcontained.test.sh$')
check_eq "files to inspect" "$(test -n "$files" && echo yes)" yes
hits=$(echo "$files" | while read -r f; do
    [ -f "$f" ] || continue
    grep -nE '\.\./shared|/work/|shared/(corpus|tools)' "$f" /dev/null 2>/dev/null |
        grep -vE '^[^:]*:[0-9]+:[[:space:]]*(#|\*|/\*|//)' | grep -v HV_CORPUS
done)
check_eq "no path outside the repository" "$hits" ""
# and the rule itself catches such a path: a planted line is found
printf '# ../shared/corpus in a comment\nx=../shared/corpus/y\n' > "$T_TMP/planted.sh"
planted=$(grep -nE '\.\./shared|/work/|shared/(corpus|tools)' "$T_TMP/planted.sh" /dev/null |
          grep -vE '^[^:]*:[0-9]+:[[:space:]]*(#|\*|/\*|//)' | grep -v HV_CORPUS | wc -l)
check_eq "the pattern finds a planted path, not a comment" "$planted" 1
