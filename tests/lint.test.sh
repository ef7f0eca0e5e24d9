#!/bin/sh
# lint.test.sh - `make lint` (tests/lint.sh) passes on the tree and fails on
# each rule's deliberate violation, planted in a temporary copy of the
# sources: the rule is named with the file and line, and the exit status is 1.
. tests/lib.sh
cd "$TOP" || exit 1

# the tree as it is: no violation
out=$(sh tests/lint.sh . 2>&1)
check_eq "lint passes on the tree (exit)" "$?" 0
check_eq "lint passes on the tree (output)" "$out" "lint: ok"

# the sources (tracked and new, not ignored) copied once
pristine=$T_TMP/pristine
mkdir -p "$pristine"
git ls-files -co --exclude-standard parsers analyzer reports tests/lint.sh |
    while IFS= read -r f; do
        [ -f "$f" ] || continue
        mkdir -p "$pristine/$(dirname "$f")" && cp "$f" "$pristine/$f"
    done
out=$(sh "$pristine/tests/lint.sh" "$pristine" 2>&1)
check_eq "lint passes on the copy" "$out" "lint: ok"

# plant NAME FILE LINE RULE - append LINE to FILE in a fresh copy; lint must
# fail, naming FILE and RULE
plant() {
    name=$1 file=$2 line=$3 rule=$4
    copy=$T_TMP/copy
    rm -rf "$copy" && cp -R "$pristine" "$copy"
    [ -f "$copy/$file" ] || { fail "$name" "no file $file to plant into"; return; }
    printf '%s\n' "$line" >> "$copy/$file"
    out=$(sh "$copy/tests/lint.sh" "$copy" 2>&1)
    check_eq "$name: lint fails" "$?" 1
    case "$out" in
    *"$file:"*"[$rule]"*) ok "$name: names the file and the rule" ;;
    *) fail "$name: names the file and the rule" "$out" ;;
    esac
}

plant "report reads a stored table" reports/report.c \
    'static const char bad_sql[] = "SELECT count(*) FROM sessions s";' views
plant "export joins a stored table" reports/export.c \
    'static const char bad_sql[] = " LEFT JOIN dna_result d ON d.helo = s.helo";' views
plant "report names the main schema" reports/report.c \
    'static const char bad_sql[] = "SELECT 1 FROM main.policy";' views
plant "parser includes the store" parsers/syslog.c '#include "store.h"' parsers
plant "parser includes the reports" parsers/postfix.h '#include "fmt.h"' parsers
plant "parser includes sqlite3.h" parsers/tstamp.h '#include <sqlite3.h>' parsers
plant "parser includes ares.h" parsers/exim.c '#include <ares.h>' parsers
plant "base includes the scan" analyzer/base/msg.c '#include "scan.h"' base
plant "base includes sqlite3.h" analyzer/base/xmem.h '#include <sqlite3.h>' base
plant "csv includes sqlite3.h" analyzer/csv/csa.c '#include <sqlite3.h>' csv
plant "csv includes ares.h" analyzer/csv/dna.h '#include <ares.h>' csv
plant "csv calls SQLite" analyzer/csv/policy.c \
    'static int v(void) { return sqlite3_libversion_number(); }' csv
plant "ares.h outside dns/" analyzer/store/store.c '#include <ares.h>' ares
plant "main.c prepares" analyzer/main.c \
    'static void p(sqlite3 *d, sqlite3_stmt **q) { sqlite3_prepare_v2(d, "SELECT 1", -1, q, NULL); }' \
    prepare
plant "csv prepares" analyzer/csv/heloname.c \
    'static void p(sqlite3 *d, sqlite3_stmt **q) { sqlite3_prepare_v3(d, "SELECT 1", -1, 0, q, NULL); }' \
    prepare
# the scan and resolve stages were the last exceptions (issue 16): their SQL
# is in analyzer/store/scandb.c and resolvedb.c now
plant "scan prepares" analyzer/scan/scan.c \
    'static void p(sqlite3 *d, sqlite3_stmt **q) { sqlite3_prepare_v2(d, "SELECT 1", -1, q, NULL); }' \
    prepare
plant "resolve prepares" analyzer/dns/resolve.c \
    'static void p(sqlite3 *d, sqlite3_stmt **q) { sqlite3_prepare_v2(d, "SELECT 1", -1, q, NULL); }' \
    prepare
plant "report deletes" reports/report.c \
    'static const char bad_sql[] = "DELETE FROM sessions";' reports
plant "report creates a table" reports/export.c \
    'static const char bad_sql[] = "SELECT 1; CREATE TABLE t(a)";' reports
plant "report inserts into main" reports/report_html.c \
    'static const char bad_sql[] = "INSERT INTO sessions(id) VALUES(1)";' reports
plant "report drops a main table" reports/report.c \
    'static const char bad_sql[] = "DROP TABLE IF EXISTS hv_p";' reports
plant "report sets a pragma" reports/report.c \
    'static const char bad_sql[] = "PRAGMA journal_mode=DELETE";' reports
plant "report sets data_version" reports/report.c \
    'static const char bad_sql[] = "PRAGMA data_version=5";' reports
plant "report hides a write behind data_version" reports/report.c \
    'static const char bad_sql[] = "PRAGMA data_version; DELETE FROM sessions";' reports
plant "report prepares outside rptsql.c" reports/report.c \
    'static void p(sqlite3 *d, sqlite3_stmt **q) { sqlite3_prepare_v2(d, "SELECT 1", -1, q, NULL); }' \
    reports
plant "export runs sqlite3_exec" reports/export.c \
    'static void x(sqlite3 *d) { sqlite3_exec(d, "SELECT 1", NULL, NULL, NULL); }' reports
plant "the CLI names an input format" analyzer/main.c \
    'static const char *bad_fmt = "exim";' registry
plant "the scan names an MTA" analyzer/scan/scan.c \
    'static int bad(const char *m) { return strcmp(m, "mbox") == 0; }' registry
plant "the report names a renderer" reports/report.c \
    'static const char *bad_fmt = "html";' registry
plant "the CLI names an export format" analyzer/main.c \
    'static const char *bad_fmt = "tsv";' registry
plant "a parser names another format" parsers/postfix.c \
    'static const char *bad_fmt = "sendmail";' registry

# a registry name where it belongs, or marked as meaning something else
copy=$T_TMP/copy
rm -rf "$copy" && cp -R "$pristine" "$copy"
printf '%s\n' 'static const char *own = "exim";' >> "$copy/parsers/exim.c"
printf '%s\n' 'static const char *w = "text"; /* the word: not a registry name */' \
    >> "$copy/reports/report_html.c"
printf '%s\n' 'static const char *v; /* "postfix" in a trailing comment */' >> "$copy/analyzer/main.c"
out=$(sh "$copy/tests/lint.sh" "$copy" 2>&1)
check_eq "registry names where they belong" "$out" "lint: ok"

# a violation in a comment is not one
copy=$T_TMP/copy
rm -rf "$copy" && cp -R "$pristine" "$copy"
printf '%s\n' '/* #include "store.h" */' ' * "DELETE FROM sessions"' >> "$copy/parsers/syslog.c"
printf '%s\n' '// "DELETE FROM sessions"' ' * "postfix" "html"' >> "$copy/reports/report.c"
out=$(sh "$copy/tests/lint.sh" "$copy" 2>&1)
check_eq "comments are not read" "$out" "lint: ok"
