#!/bin/sh
# lint.sh [ROOT] - `make lint`: the layering rules of the source tree (README
# "Layout"), checked with grep on the files under ROOT (default: .). Prints
# one line per violation, naming the file, the line and the rule, and exits 1
# when there is any; prints "lint: ok" and exits 0 otherwise.
#
# Rules:
#  parsers   parsers/ includes only parsers/ and analyzer/base/ headers (and
#            system headers but sqlite3.h and ares.h): a parser needs nothing of
#            the store, the resolver, the CSV classes or the reports.
#  base      analyzer/base/ includes only analyzer/base/ headers, and neither
#            sqlite3.h nor ares.h.
#  csv       analyzer/csv/ includes neither sqlite3.h nor ares.h and names no
#            sqlite3_ or ares_ function: CSA, DNA, HELO classes and the policy
#            are pure (their SQL side is analyzer/store/csvsql.c).
#  ares      under analyzer/, only analyzer/dns/ includes ares.h.
#  prepare   under analyzer/, only analyzer/store/ calls sqlite3_prepare*
#            (the scan and resolve stages' SQL is store/scandb.c and
#            store/resolvedb.c).
#  reports   reports/ writes nothing but TEMP objects: an SQL keyword that
#            writes (INSERT, UPDATE, DELETE, REPLACE, CREATE, DROP, ALTER,
#            ATTACH, DETACH, VACUUM, REINDEX) in a string literal must be
#            "INSERT INTO temp.", "CREATE TEMP TABLE", "CREATE INDEX temp." or
#            "DROP TABLE IF EXISTS temp.", and a PRAGMA only temp_store or
#            cache_size (temp.cache_size too) set, or data_version read
#            (a literal that is the whole statement). (Static: SQL assembled from pieces that split a
#            keyword from its target is not seen; the report's database handle
#            is also opened read-only by `heloval report` and `export`.)
#            And only reports/rptsql.c calls sqlite3_prepare* or sqlite3_exec:
#            every other file of reports/ prepares through rpt_prepare (which
#            refuses a statement that is not read-only) or rpt_prepare_temp /
#            rpt_exec_temp (which refuse writes outside TEMP), so the rule is
#            also checked at run time (tests/unit/reports/test_rptsql.c).
#  registry the names of input formats (parsers/registry.c), report renderers
#            (reports/renderers.c) and export formats (reports/export.c) are
#            written as a string literal ("postfix", "json", ...) only in those
#            registry files and, for a format, in its own parser file: every
#            other place reads the tables, so a new format is one row. A line
#            that means the word otherwise says so with "not a registry name"
#            (in a comment; trailing comments are not read by this rule).
#  views     reports/ reads the stored tables only through the read views
#            of analyzer/store/readviews.c (rv_sessions, rv_sources, ...) and
#            the documented `verdicts` view: no FROM or JOIN names a stored
#            table, and no SQL names the main schema. (Static, per line.)
# Comment lines (starting with /*, * or //) are not read.
ROOT=${1:-.}

# the tables of analyzer/store/schema.c that reports/ reads through rv_ views
STORED_TABLES="sessions|sources|source_skips|dns_cache|csa|dna|dna_result|policy|meta|resolve_runs|scan_runs|runs|run_senders|csa_changes|dna_changes"
cd "$ROOT" || { echo "lint: cannot enter $ROOT"; exit 2; }

# code FILE... - the lines of the files, as file:line:text, without comments
code() {
    grep -nH '' "$@" /dev/null 2>/dev/null |
        grep -vE '^[^:]*:[0-9]+:[[:space:]]*(/\*|\*|//)'
}

# includes_only RULE DIR ALLOWED_DIR... - every #include "x.h" in DIR names a
# header found in one of ALLOWED_DIRs (each distinct header looked for once)
includes_only() {
    rule=$1 dir=$2
    shift 2
    hits=$(code "$dir"/*.c "$dir"/*.h | grep -E '#[[:space:]]*include[[:space:]]*"')
    [ -n "$hits" ] || return 0
    bad=" "
    for h in $(echo "$hits" | sed 's/.*include[[:space:]]*"\([^"]*\)".*/\1/' | sort -u); do
        found=no
        for a in "$@"; do [ -f "$a/$h" ] && found=yes; done
        [ $found = yes ] || bad="$bad$h "
    done
    [ "$bad" = " " ] && return 0
    echo "$hits" | awk -v bad="$bad" -v rule="$rule" -v dirs="$*" '{
        h = $0; sub(/.*include[ \t]*"/, "", h); sub(/".*/, "", h)
        if (!index(bad, " " h " "))
            next
        p = index($0, ":"); rest = substr($0, p + 1); q = index(rest, ":")
        printf "%s:%s: [%s] includes \"%s\" from outside %s\n", substr($0, 1, p - 1),
            substr(rest, 1, q - 1), rule, h, dirs
    }'
}

# no_system_header RULE DIR HEADER... - DIR includes none of the HEADERs
no_system_header() {
    rule=$1 dir=$2
    shift 2
    for h in "$@"; do
        code "$dir"/*.c "$dir"/*.h | grep -E "#[[:space:]]*include[[:space:]]*[<\"]$h[>\"]" |
            sed "s/^\([^:]*:[0-9]*\):.*/\1: [$rule] includes $h/"
    done
}

# registry_names - the names in the three registries, one per line
registry_names() {
    sed -n 's/^[[:space:]]*&hv_format_\([a-z0-9_]*\),.*/\1/p' parsers/registry.c
    sed -n 's/^[[:space:]]*{"\([^"]*\)",.*/\1/p' reports/renderers.c
    grep -oE '\[XF_[A-Z0-9_]*\] = "[^"]*"' reports/export.c | sed 's/.*= "\(.*\)"/\1/'
}

# registry_literals - "name" literals of registry names outside the
# registries (a format's own file may name it): one awk over every file
registry_literals() {
    names=$(registry_names | tr '\n' '|' | sed 's/|$//')
    [ -n "$names" ] || { echo "tests/lint.sh: [registry] no names found in the registries"; return; }
    find analyzer parsers reports -name '*.[ch]' | sort |
        grep -vxE 'parsers/registry\.c|reports/renderers\.c|reports/export\.c' |
        xargs grep -nH '' /dev/null | awk -v names="$names" '
    {
        # file:line:text, and the text may hold ":"
        p = index($0, ":"); file = substr($0, 1, p - 1); rest = substr($0, p + 1)
        p = index(rest, ":"); loc = file ":" substr(rest, 1, p - 1)
        text = substr(rest, p + 1)
        if (text ~ /^[ \t]*(\/\*|\*|\/\/)/ || index(text, "not a registry name"))
            next
        sub(/\/\*.*/, "", text)
        own = file; sub(/.*\//, "", own); sub(/\.[ch]$/, "", own)
        re = "\"(" names ")\""
        while (match(text, re)) {
            lit = substr(text, RSTART, RLENGTH)
            text = substr(text, RSTART + RLENGTH)
            if (lit != "\"" own "\"") {
                printf "%s: [registry] names %s outside its registry\n", loc, lit
                break
            }
        }
    }'
}

out=$(
    includes_only parsers parsers parsers analyzer/base
    no_system_header parsers parsers sqlite3.h ares.h
    includes_only base analyzer/base analyzer/base
    no_system_header base analyzer/base sqlite3.h ares.h
    no_system_header csv analyzer/csv sqlite3.h ares.h
    code analyzer/csv/*.c analyzer/csv/*.h | grep -E '\b(sqlite3|ares)_[a-z_]+' |
        sed 's/^\([^:]*:[0-9]*\):.*/\1: [csv] calls SQLite or c-ares/'
    code $(find analyzer -name '*.[ch]' ! -path 'analyzer/dns/*' | sort) |
        grep -E '#[[:space:]]*include[[:space:]]*[<"]ares\.h[>"]' |
        sed 's/^\([^:]*:[0-9]*\):.*/\1: [ares] includes ares.h outside analyzer\/dns\//'
    code $(find analyzer -name '*.[ch]' ! -path 'analyzer/store/*' | sort) |
        grep -E 'sqlite3_prepare' |
        sed 's/^\([^:]*:[0-9]*\):.*/\1: [prepare] sqlite3_prepare outside analyzer\/store\//'
    code $(ls reports/*.c reports/*.h | grep -vx reports/rptsql.c) |
        grep -E '\bsqlite3_(prepare|exec)' |
        sed 's/^\([^:]*:[0-9]*\):.*/\1: [reports] sqlite3_prepare or sqlite3_exec outside reports\/rptsql.c/'
    code reports/*.c reports/*.h |
        grep -E "\b(FROM|JOIN)[[:space:]]+(main\.)?($STORED_TABLES)\b|\bmain\.[a-z_]" |
        sed 's/^\([^:]*:[0-9]*\):.*/\1: [views] reads a stored table, not its rv_ view (analyzer\/store\/readviews.h)/'
    code reports/*.c reports/*.h | awk '
    {
        # $0 is file:line:text, and the text may hold ":"
        n = index($0, ":"); rest = substr($0, n + 1)
        n = index(rest, ":"); loc = substr($0, 1, index($0, ":") + n - 1)
        text = substr(rest, n + 1)
        while (match(text, /"[^"]*"/)) {
            lit = substr(text, RSTART + 1, RLENGTH - 2)
            text = substr(text, RSTART + RLENGTH)
            check(lit, loc)
        }
    }
    # check - every writing keyword in one literal targets a TEMP object
    function check(lit, loc,    s, kw, after) {
        s = " " lit
        while (match(s, /[^A-Za-z_](INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER|ATTACH|DETACH|VACUUM|REINDEX|PRAGMA)[^A-Za-z_]/)) {
            kw = substr(s, RSTART + 1, RLENGTH - 2)
            after = substr(s, RSTART + 1)
            s = substr(s, RSTART + RLENGTH - 1)
            if (after ~ /^INSERT INTO temp\./ || after ~ /^CREATE TEMP TABLE / ||
                after ~ /^CREATE INDEX temp\./ ||
                after ~ /^DROP TABLE IF EXISTS temp\./ ||
                after ~ /^PRAGMA (temp_store|cache_size|temp\.cache_size)=/ ||
                lit == "PRAGMA data_version")
                continue
            printf "%s: [reports] %s that is not on a TEMP object\n", loc, kw
        }
    }'
    registry_literals
)
if [ -n "$out" ]; then
    echo "$out" | sed 's/^/lint: /'
    echo "lint: $(echo "$out" | wc -l | tr -d ' ') violation(s) of the layering (tests/lint.sh)"
    exit 1
fi
echo "lint: ok"
