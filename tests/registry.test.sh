#!/bin/sh
# registry.test.sh - the registries are the only lists. For every row of
# parsers/registry.c (input formats), reports/renderers.c (report formats)
# and reports/export.c (export formats): the usage text lists exactly the
# rows, in order, in its command's --format line and in the command
# summaries; the CLI accepts the name where it belongs and refuses it where
# it does not, with messages that list the rows; heloval.1 and README.md
# list them; the scan summary counts sessions per MTA in registry order; the
# parser fuzz target has seeds for every format. (`make lint` checks that no
# other file writes these names: tests/lint.sh, rule registry.)
. tests/lib.sh
cd "$TOP" || exit 1
D=$T_TMP

formats=$(sed -n 's/^[[:space:]]*&hv_format_\([a-z0-9_]*\),.*/\1/p' parsers/registry.c)
renderers=$(sed -n 's/^[[:space:]]*{"\([^"]*\)",.*/\1/p' reports/renderers.c)
exports=$(grep -oE '\[XF_[A-Z0-9_]*\] = "[^"]*"' reports/export.c | sed 's/.*= "\(.*\)"/\1/')
check_eq "registries read" "$(echo $formats | wc -w) $(echo $renderers | wc -w) $(echo $exports | wc -w)" "4 4 3"

# join SEP LAST WORD... - "a, b or c" from join ", " " or " a b c
join() {
    sep=$1 last=$2 out=""
    shift 2
    n=$#
    i=0
    for w in "$@"; do
        i=$((i + 1))
        if [ $i = 1 ]; then out=$w; elif [ $i = $n ]; then out=$out$last$w; else out=$out$sep$w; fi
    done
    printf '%s' "$out"
}

# the usage text: each --format line and the command summaries list the rows
help=$(hv --help)
check_eq "usage: scan --format" "$(echo "$help" | sed -n 's/^scan: *--format \([^ ]*\) .*/\1/p')" \
    "auto|$(join '|' '|' $formats)"
check_eq "usage: report --format" "$(echo "$help" | sed -n 's/^report: *--format \([^ ]*\) .*/\1/p')" \
    "$(join '|' '|' $renderers)"
check_eq "usage: export --format" "$(echo "$help" | sed -n 's/^export: *--format \([^ ]*\) .*/\1/p')" \
    "$(join '|' '|' $exports)"
check_eq "usage: report summary" \
    "$(echo "$help" | sed -n 's/^  report  *what CSV would have done (\(.*\))$/\1/p')" \
    "$(join ', ' ' or ' $renderers)"
check_eq "usage: export summary" \
    "$(echo "$help" | sed -n 's/^  *one row per session as \(.*\)$/\1/p')" \
    "$(join ', ' ' or ' $exports)"

# the man page and the README list the same rows
for doc in heloval.1 README.md; do
    for list in "auto|$(join '|' '|' $formats)" "$(join '|' '|' $renderers)" "$(join '|' '|' $exports)"; do
        if sed 's/\\|/|/g' "$doc" | grep -qF "$list"; then ok "$doc lists $list"; else
            fail "$doc lists $list" "not found"; fi
    done
done

# a database to report on, scanned from every sample log
: > "$D/empty.log"
hv scan --db "$D/s.db" --year 2026 sample-logs 2> "$D/scan.err"
check_eq "scan sample-logs" "$?" 0

# the scan summary: one count per MTA, named by the registry, in its order
mtas=$(sed -n 's/.*sessions in these files: [0-9]* (\(.*\)); with HELO.*/\1/p' "$D/scan.err" |
    sed 's/ [0-9][0-9]*//g; s/,//g')
check_eq "scan summary names the MTAs" "$mtas" "$(echo $formats)"

# each input format: accepted by scan; not by report or export
for f in $formats; do
    hv scan --db "$D/f.db" --format "$f" "$D/empty.log" 2> "$D/err"
    rc=$?
    if [ $rc != 2 ]; then ok "scan --format $f"; else fail "scan --format $f" "$(cat "$D/err")"; fi
    hv report --db "$D/s.db" --format "$f" > /dev/null 2> "$D/err"
    check_eq "report --format $f: usage error" "$?:$(head -n 1 "$D/err")" \
        "2:heloval: --format $f is a scan format"
    [ -d "tests/fuzz/corpus/parser/$f" ] && ok "fuzz seeds for $f" ||
        fail "fuzz seeds for $f" "no tests/fuzz/corpus/parser/$f/"
done

# each renderer: a report; refused by export unless it is an export format too
for r in $renderers; do
    hv report --db "$D/s.db" --format "$r" --no-color > "$D/out" 2> "$D/err"
    check_eq "report --format $r" "$?" 0
    [ -s "$D/out" ] && ok "report --format $r writes" || fail "report --format $r writes" "empty"
    case " $(echo $exports) " in *" $r "*) continue ;; esac
    hv export sessions --db "$D/s.db" --format "$r" > /dev/null 2> "$D/err"
    check_eq "export --format $r: usage error" "$?:$(head -n 1 "$D/err")" \
        "2:heloval: export formats are $(join ', ' ' and ' $exports), not '$r'"
done

# each export format: an export; refused by report unless it renders too
for x in $exports; do
    hv export sessions --db "$D/s.db" --format "$x" > "$D/out" 2> "$D/err"
    check_eq "export --format $x" "$?" 0
    [ -s "$D/out" ] && ok "export --format $x writes" || fail "export --format $x writes" "empty"
    case " $(echo $renderers) " in *" $x "*) continue ;; esac
    hv report --db "$D/s.db" --format "$x" > /dev/null 2> "$D/err"
    check_eq "report --format $x: usage error" "$?:$(head -n 1 "$D/err")" \
        "2:heloval: --format $x is for export"
done

# a name in no registry
hv report --db "$D/s.db" --format nosuch > /dev/null 2> "$D/err"
check_eq "--format nosuch" "$?:$(head -n 1 "$D/err")" "2:heloval: unknown --format 'nosuch'"
