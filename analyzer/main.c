/* SPDX-License-Identifier: MIT */
/*
 * main - the heloval command line: one binary, commands scan, resolve,
 * report, export and run. Options may stand before or after the command
 * name. Exit codes: 0 ok, 1 runtime failure, 2 usage error, 141 report or
 * export whose reader closed the pipe.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "evaluate.h"
#include "export.h"
#include "hverr.h"
#include "merge.h"
#include "interrupt.h"
#include "msg.h"
#include "outfile.h"
#include "parser.h"
#include "report.h"
#include "resolve.h"
#include "scan.h"
#include "store.h"
#include "tstamp.h"
#include "xmem.h"

#define HELOVAL_VERSION "0.1.0"

enum exit_code { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2,
                 EXIT_ALERT = 3, /* --fail-if: the report passed its threshold */
                 EXIT_PIPE = 128 + SIGPIPE /* the reader went away: as cat */ };

enum command { CMD_NONE, CMD_SCAN, CMD_RESOLVE, CMD_REPORT, CMD_EXPORT, CMD_RUN, CMD_MERGE,
               CMD_EVALUATE };

/* Which commands accept an option. */
#define F_SCAN (1u << CMD_SCAN)
#define F_RESOLVE (1u << CMD_RESOLVE)
#define F_REPORT (1u << CMD_REPORT)
#define F_EXPORT (1u << CMD_EXPORT)
#define F_RUN (1u << CMD_RUN)
#define F_MERGE (1u << CMD_MERGE)
#define F_EVALUATE (1u << CMD_EVALUATE)
#define F_ALL (F_SCAN | F_RESOLVE | F_REPORT | F_EXPORT | F_RUN | F_MERGE | F_EVALUATE)
/* the resolve stage's options: resolve, run and evaluate */
#define F_RES (F_RESOLVE | F_RUN | F_EVALUATE)

enum opt_id {
    O_DB, O_PROGRESS, O_NO_PROGRESS, O_QUIET, O_HELP, O_VERSION,
    O_FORMAT, O_YEAR, O_TRUSTED, O_EMIT,
    O_DNS_SERVER, O_DNS_ZONE, O_ACCREDITOR, O_TRUST_LISTED, O_CONCURRENCY,
    O_TIMEOUT, O_TRIES, O_QPS, O_THREADS, O_MAX_AGE, O_NO_REVERSE, O_NO_PARENT,
    O_SEARCH_LIMIT, O_POLICY, O_AUTHSERV,
    O_OUTPUT, O_SINCE, O_UNTIL, O_TOP, O_TABLE, O_COLOR, O_NO_COLOR,
    O_FAIL_IF, O_COMPARE_POLICY,
    O_ANONYMIZE, O_HEADER, O_COMPARE_PREVIOUS,
};

struct opt_def {
    const char *name;    /* long name without dashes */
    char short_name;
    bool takes_value;
    unsigned commands;
    enum opt_id id;
};

/* The options whose value is a number: its range, and what the usage
 * error says it wants ("--top wants 1..100000, not 'x'"). */
static const struct num_opt {
    enum opt_id id;
    long long lo, hi;
    const char *wants;
} num_opts[] = {
    {O_YEAR, 1970, 9999, "a year such as 2026"},
    {O_CONCURRENCY, 1, 65535, "1..65535"},
    {O_TIMEOUT, 1, 600000, "milliseconds (1..600000)"},
    {O_TRIES, 1, 20, "1..20"},
    {O_QPS, 0, 10000000, "a number of queries per second"},
    {O_THREADS, 1, RESOLVE_MAX_THREADS, "1..64"},
    {O_MAX_AGE, 0, 100LL * 365 * 86400, "seconds"},
    {O_SEARCH_LIMIT, 0, 20, "0..20"},
    {O_TOP, 1, 100000, "1..100000"},
};

static const struct opt_def opt_defs[] = {
    {"db", 0, true, F_ALL, O_DB},
    {"progress", 0, false, F_ALL, O_PROGRESS},
    {"no-progress", 0, false, F_ALL, O_NO_PROGRESS},
    {"quiet", 'q', false, F_ALL, O_QUIET},
    {"help", 'h', false, F_ALL, O_HELP},
    {"version", 'V', false, F_ALL, O_VERSION},
    {"format", 0, true, F_SCAN | F_REPORT | F_EXPORT | F_RUN | F_EVALUATE, O_FORMAT},
    {"year", 0, true, F_SCAN | F_RUN, O_YEAR},
    {"trusted", 0, true, F_SCAN | F_RUN, O_TRUSTED},
    {"emit", 0, true, F_SCAN, O_EMIT},
    {"dns-server", 0, true, F_RES, O_DNS_SERVER},
    {"dns-zone", 0, true, F_RES, O_DNS_ZONE},
    {"accreditor", 0, true, F_RES, O_ACCREDITOR},
    {"trust-listed", 0, false, F_RES, O_TRUST_LISTED},
    {"concurrency", 0, true, F_RES, O_CONCURRENCY},
    {"timeout", 0, true, F_RES, O_TIMEOUT},
    {"tries", 0, true, F_RES, O_TRIES},
    {"qps", 0, true, F_RES, O_QPS},
    {"threads", 0, true, F_RES, O_THREADS},
    {"max-age", 0, true, F_RES, O_MAX_AGE},
    {"no-reverse", 0, false, F_RES, O_NO_REVERSE},
    {"no-parent-search", 0, false, F_RES, O_NO_PARENT},
    {"csa-search-limit", 0, true, F_RES, O_SEARCH_LIMIT},
    {"policy", 0, true, F_RES | F_REPORT | F_EXPORT, O_POLICY},
    {"authserv-id", 0, true, F_RES | F_REPORT | F_EXPORT, O_AUTHSERV},
    {"output", 'o', true, F_REPORT | F_EXPORT | F_RUN, O_OUTPUT},
    {"since", 0, true, F_REPORT | F_EXPORT | F_RUN, O_SINCE},
    {"until", 0, true, F_REPORT | F_EXPORT | F_RUN, O_UNTIL},
    {"top", 0, true, F_REPORT | F_RUN, O_TOP},
    {"table", 0, true, F_REPORT | F_RUN, O_TABLE},
    {"color", 0, false, F_REPORT | F_RUN, O_COLOR},
    {"no-color", 0, false, F_REPORT | F_RUN, O_NO_COLOR},
    {"fail-if", 0, true, F_REPORT | F_RUN, O_FAIL_IF},
    {"compare-policy", 0, true, F_REPORT | F_RUN, O_COMPARE_POLICY},
    {"anonymize", 0, false, F_REPORT | F_EXPORT | F_RUN, O_ANONYMIZE},
    {"header", 0, false, F_EVALUATE, O_HEADER},
    {"compare-previous", 0, false, F_REPORT | F_RUN, O_COMPARE_PREVIOUS},
};

/* Everything the command line says. */
struct cli {
    enum command cmd;
    const char *db;
    int progress;               /* -1 auto */
    const char *scan_format;
    const char *report_format;
    const char *output;
    const char *export_what;
    const char *emit;
    const char *trusted;
    int year;
    char **paths;
    int npaths;
    struct resolve_opts ro;
    struct report_opts rp;
    /* --fail-if at-risk-messages>N% (or >=): fail_pct < 0 when unset */
    double fail_pct;
    bool fail_or_equal;
    bool help, version;
    bool header;                /* evaluate --header */
};

/* usage_error - print a usage message and return the usage exit code. */
static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "heloval: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'heloval --help'.\n");
    va_end(ap);
    return EXIT_USAGE;
}

/* parse_int - whole decimal number in [lo, hi]. */
static bool parse_int(const char *s, long long lo, long long hi, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

/* server_port_ok - the PORT of a --dns-server ADDR[:PORT] (IPv6:
 * [ADDR]:PORT; a bare IPv6 address has no port) is absent or 1..65535.
 * The address itself is c-ares's to judge. */
static bool server_port_ok(const char *v)
{
    const char *port = NULL;
    long long n;
    if (v[0] == '[') {
        const char *end = strchr(v, ']');
        if (end != NULL && end[1] == ':')
            port = end + 2;
    } else {
        const char *colon = strchr(v, ':');
        if (colon != NULL && strchr(colon + 1, ':') == NULL)
            port = colon + 1;
    }
    return port == NULL || parse_int(port, 1, 65535, &n);
}

/* push - append to a growing const char * array. */
static void push(const char ***v, size_t *n, const char *s)
{
    *v = xrealloc((void *)*v, (*n + 1) * sizeof(**v));
    (*v)[(*n)++] = s;
}

/* ==== The registries' names (input formats, renderers, export formats) ==== */

/* scan_format_name - the --format values of scan: "auto", then every input
 * format of the registry (parsers/registry.c); NULL past the last. */
static const char *scan_format_name(size_t i)
{
    const struct hv_format *f = i == 0 ? NULL : hv_format_at(i - 1);
    if (i == 0)
        return "auto";
    return f != NULL ? f->name : NULL;
}

/* is_export_format - v is one of the export formats (reports/export.c). */
static bool is_export_format(const char *v)
{
    for (size_t i = 0; export_format_at(i) != NULL; i++)
        if (strcmp(v, export_format_at(i)) == 0)
            return true;
    return false;
}

/* print_usage - the --help text; its lists of formats come from the
 * registries. */
static void print_usage(FILE *f)
{
    char scan[256], report_or[256], report_bar[256], export_or[256], export_bar[256];
    report_join_names(scan, sizeof scan, scan_format_name, "|", "|");
    report_join_names(report_or, sizeof report_or, report_renderer_name, ", ", " or ");
    report_join_names(report_bar, sizeof report_bar, report_renderer_name, "|", "|");
    report_join_names(export_or, sizeof export_or, export_format_at, ", ", " or ");
    report_join_names(export_bar, sizeof export_bar, export_format_at, "|", "|");
    fprintf(f,
            "usage: heloval [global options] COMMAND [options] [PATH...]\n"
            "\n"
            "commands:\n"
            "  scan PATH...      parse Postfix/Exim/Sendmail logs and mail files (file,\n"
            "                    directory, .gz, or - for stdin) into the database\n"
            "  resolve           look up CSA and DNA for every session not yet evaluated\n"
            "  report            what CSV would have done (%s)\n"
            "  export sessions|verdicts|advice\n"
            "                    one row per session as %s\n"
            "                    (advice: one row per sender domain, what to publish)\n"
            "  run PATH...       scan + resolve + report in one go\n"
            "  merge OUT.db IN.db...\n"
            "                    combine databases scanned on several machines\n"
            "  evaluate          read (ip, helo) pairs on stdin, write their CSA, DNA and\n"
            "                    verdict columns on stdout, one row per input line\n"
            "\n",
            report_or, export_or);
    fprintf(f,
            "global options:\n"
            "  --db FILE         database file (default heloval.db)\n"
            "  --progress, --no-progress   progress bar (default: on when stderr is a terminal)\n"
            "  -q, --quiet       no summaries or warnings\n"
            "  -h, --help        this text;  -V, --version  the version\n"
            "\n"
            "scan:     --format %s  --year Y  --trusted CIDR,...\n"
            "          --emit jsonl (write sessions to stdout, no database)\n"
            "resolve:  --dns-server ADDR[:PORT]...  --dns-zone FILE...  --accreditor DOMAIN...\n"
            "          --trust-listed  --concurrency N  --timeout MS  --tries N  --qps N\n"
            "          --threads N (event loops, default 1)\n"
            "          --max-age S  --no-reverse  --no-parent-search  --csa-search-limit N\n"
            "          --policy FILE  --authserv-id NAME\n"
            "report:   --format %s  -o FILE  --since T  --until T  --top N\n"
            "          --policy FILE  --table NAME  --color|--no-color\n"
            "          --compare-policy FILE (repeatable, at most %d: what changes\n"
            "          under that policy, tables policy_delta and policy_delta_senders)\n"
            "          --fail-if at-risk-messages>N%%  (exit 3 when CSV would reject more\n"
            "          than N%% of the accepted messages)\n"
            "          --anonymize  (client addresses to /24 and /48, mail address\n"
            "          local parts and mailbox owners' path components to *)\n"
            "          --compare-previous  (the headline beside the previous window of\n"
            "          equal length: tables headline_previous, headline_compare)\n"
            "export:   --format %s  -o FILE  --anonymize\n"
            "          advice: --since T  --until T  --policy FILE\n"
            "evaluate: the options of resolve; --format %s of input and output\n"
            "          (all but CSV)  --header (column names first)\n",
            scan, report_bar, REPORT_MAX_COMPARE, export_bar, export_bar);
    fputs("run:      the options of scan, resolve and report; -o FILE also writes the HTML\n"
          "          (or .json/.csv) report to FILE while the text report goes to stdout\n"
          "          (not with -q: then nothing is printed when all went well)\n"
          "\n"
          "exit status: 0 ok, 1 runtime failure (or an input that could not be read),\n"
          "2 usage error, 3 --fail-if threshold passed, 141 report/export reader went away.  See heloval(1), README.md.\n",
          f);
}

static const char *const command_names[] = {"",       "scan", "resolve", "report",
                                            "export", "run",  "merge", "evaluate"};

/* ==== Options: apply_opt hands each option to the function of its kind ==== */

/* apply_flag - an option without a value: set what it switches on or off. */
static void apply_flag(struct cli *c, enum opt_id id)
{
    switch (id) {
    case O_PROGRESS: c->progress = 1; break;
    case O_NO_PROGRESS: c->progress = 0; break;
    case O_QUIET: msg_quiet = true; break;
    case O_HELP: c->help = true; break;
    case O_VERSION: c->version = true; break;
    case O_TRUST_LISTED: c->ro.trust_listed = true; break;
    case O_NO_REVERSE: c->ro.use_reverse = false; break;
    case O_NO_PARENT: c->ro.parent_search = false; break;
    case O_COLOR: c->rp.color = 1; break;
    case O_NO_COLOR: c->rp.color = 0; break;
    case O_ANONYMIZE: c->rp.anonymize = true; break;
    case O_HEADER: c->header = true; break;
    case O_COMPARE_PREVIOUS: c->rp.compare_previous = true; break;
    default: break;
    }
}

/* apply_number - a number option's value n, already checked against its
 * range (num_opts). */
static void apply_number(struct cli *c, enum opt_id id, long long n)
{
    switch (id) {
    case O_YEAR: c->year = (int)n; break;
    case O_CONCURRENCY: c->ro.concurrency = (int)n; break;
    case O_TIMEOUT: c->ro.timeout_ms = (int)n; break;
    case O_TRIES: c->ro.tries = (int)n; break;
    case O_QPS: c->ro.qps = (int)n; break;
    case O_THREADS: c->ro.threads = (int)n; break;
    case O_MAX_AGE: c->ro.max_age = n; break;
    case O_SEARCH_LIMIT: c->ro.search_limit = (int)n; break;
    case O_TOP: c->rp.top = (int)n; break;
    default: break;
    }
}

/* apply_format - --format: a scan format ("auto" or an input format of the
 * registry) or a report/export format; anything else is a usage error. */
static int apply_format(struct cli *c, const char *v)
{
    if (strcmp(v, scan_format_name(0)) == 0 || hv_format_find(v) != NULL)
        c->scan_format = v;
    else if (report_renderer_find(v) != NULL || is_export_format(v))
        c->report_format = v;
    else
        return usage_error("unknown --format '%s'", v);
    return EXIT_OK;
}

/* apply_time - --since or --until T: a time report_parse_time reads. */
static int apply_time(struct cli *c, enum opt_id id, const char *v)
{
    long long t;
    if (!report_parse_time(v, (long long)time(NULL), &t))
        return usage_error("cannot read the time '%s' (try 2026-11-01, "
                           "2026-11-01T10:00:00Z, yesterday, -7d)", v);
    if (id == O_SINCE)
        c->rp.since = t;
    else
        c->rp.until = t;
    return EXIT_OK;
}

/* apply_fail_if - "--fail-if at-risk-messages>N%" (">=" too; the % is
 * optional; N in 0..100): the threshold of the share of accepted messages
 * CSV would reject. */
static int apply_fail_if(struct cli *c, const char *v)
{
    static const char metric[] = "at-risk-messages";
    const char *p = v;
    if (strncmp(p, metric, sizeof(metric) - 1) != 0 || p[sizeof(metric) - 1] != '>')
        goto bad;
    p += sizeof(metric);
    c->fail_or_equal = *p == '=';
    if (c->fail_or_equal)
        p++;
    char *end;
    errno = 0;
    double n = strtod(p, &end);
    if (end == p || errno != 0 || n != n || n < 0 || n > 100)
        goto bad;
    if (*end == '%')
        end++;
    if (*end != '\0')
        goto bad;
    c->fail_pct = n;
    c->rp.want_figures = true;
    return EXIT_OK;
bad:
    return usage_error("--fail-if wants at-risk-messages>N%% or at-risk-messages>=N%%"
                       " (N from 0 to 100), not '%s'", v);
}

/* apply_text - an option whose value is text: kept (repeated ones
 * appended), after the checks a few of them have. */
static int apply_text(struct cli *c, enum opt_id id, const char *v)
{
    switch (id) {
    case O_FORMAT:
        return apply_format(c, v);
    case O_SINCE:
    case O_UNTIL:
        return apply_time(c, id, v);
    case O_EMIT:
        if (strcmp(v, "jsonl") != 0) /* --emit's own format: not a registry name */
            return usage_error("--emit supports jsonl only, not '%s'", v);
        c->emit = v;
        break;
    case O_DNS_SERVER:
        if (!server_port_ok(v))
            return usage_error("--dns-server '%s': the port must be 1..65535"
                               " (ADDR, ADDR:PORT or [IPv6]:PORT)", v);
        push(&c->ro.servers, &c->ro.nservers, v);
        break;
    case O_DNS_ZONE: push(&c->ro.zones, &c->ro.nzones, v); break;
    case O_ACCREDITOR: push(&c->ro.accreditors, &c->ro.naccreditors, v); break;
    case O_POLICY: c->ro.policy_file = c->rp.policy_file = v; break;
    case O_AUTHSERV: c->ro.authserv_id = c->rp.authserv_id = v; break;
    case O_DB: c->db = v; break;
    case O_TRUSTED: c->trusted = v; break;
    case O_OUTPUT: c->output = v; break;
    case O_TABLE: c->rp.table = v; break;
    case O_FAIL_IF: return apply_fail_if(c, v);
    case O_COMPARE_POLICY:
        if (c->rp.ncompare == REPORT_MAX_COMPARE)
            return usage_error("at most %d --compare-policy files", REPORT_MAX_COMPARE);
        c->rp.compare_policy[c->rp.ncompare++] = v;
        break;
    default: break;
    }
    return EXIT_OK;
}

/* num_opt_of - the range of number option id, or NULL: not a number. */
static const struct num_opt *num_opt_of(enum opt_id id)
{
    for (size_t i = 0; i < sizeof(num_opts) / sizeof(num_opts[0]); i++)
        if (num_opts[i].id == id)
            return &num_opts[i];
    return NULL;
}

/* apply_opt - store one option's value, by its kind: a flag, a number in
 * its range (num_opts), or text. Returns EXIT_OK or EXIT_USAGE. */
static int apply_opt(struct cli *c, const struct opt_def *d, const char *v)
{
    const struct num_opt *num = num_opt_of(d->id);
    long long n;
    if (!d->takes_value) {
        apply_flag(c, d->id);
        return EXIT_OK;
    }
    if (num == NULL)
        return apply_text(c, d->id, v);
    if (!parse_int(v, num->lo, num->hi, &n))
        return usage_error("--%s wants %s, not '%s'", d->name, num->wants, v);
    apply_number(c, d->id, n);
    return EXIT_OK;
}

/* parse_cli - options before or after the command; positional arguments are
 * PATHs (and the export kind). */
static int parse_cli(struct cli *c, int argc, char **argv)
{
    const struct opt_def *pending[64];
    const char *values[64];
    int npending = 0;
    c->paths = xcalloc((size_t)argc, sizeof(char *));
    bool no_more_opts = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (no_more_opts || a[0] != '-' || strcmp(a, "-") == 0) {
            if (c->cmd == CMD_NONE) {
                for (int k = 1; k <= CMD_EVALUATE; k++)
                    if (strcmp(a, command_names[k]) == 0)
                        c->cmd = (enum command)k;
                if (c->cmd == CMD_NONE)
                    return usage_error("unknown command '%s'", a);
            } else if (c->cmd == CMD_EXPORT && c->export_what == NULL) {
                c->export_what = a;
            } else {
                c->paths[c->npaths++] = argv[i];
            }
            continue;
        }
        if (strcmp(a, "--") == 0) {
            no_more_opts = true;
            continue;
        }
        const struct opt_def *d = NULL;
        const char *val = NULL;
        if (a[1] == '-') {
            const char *name = a + 2;
            const char *eq = strchr(name, '=');
            size_t nl = eq ? (size_t)(eq - name) : strlen(name);
            for (size_t k = 0; k < sizeof(opt_defs) / sizeof(opt_defs[0]); k++)
                if (strlen(opt_defs[k].name) == nl && strncmp(opt_defs[k].name, name, nl) == 0)
                    d = &opt_defs[k];
            if (d == NULL)
                return usage_error("unknown option '%s'", a);
            if (eq != NULL) {
                if (!d->takes_value)
                    return usage_error("option '%s' takes no value", a);
                val = eq + 1;
            }
        } else {
            for (size_t k = 0; k < sizeof(opt_defs) / sizeof(opt_defs[0]); k++)
                if (a[1] == opt_defs[k].short_name && a[2] == '\0')
                    d = &opt_defs[k];
            if (d == NULL)
                return usage_error("unknown option '%s'", a);
        }
        if (d->takes_value && val == NULL) {
            if (i + 1 >= argc)
                return usage_error("option '%s' needs a value", a);
            val = argv[++i];
        }
        if (npending >= 64)
            return usage_error("too many options (at '%s')", a);
        pending[npending] = d;
        values[npending] = val;
        npending++;
    }
    /* apply after the command is known, so each option can be checked */
    for (int k = 0; k < npending; k++) {
        if (c->cmd != CMD_NONE && !(pending[k]->commands & (1u << c->cmd))) {
            char buf[96];
            snprintf(buf, sizeof(buf), "option --%s does not apply to '%s'", pending[k]->name,
                     command_names[c->cmd]);
            return usage_error("%s", buf);
        }
        int rc = apply_opt(c, pending[k], values[k]);
        if (rc != EXIT_OK)
            return rc;
    }
    return EXIT_OK;
}

static sqlite3 *volatile signal_db; /* a query to interrupt (report, export) */

/* stop_query - the interrupt hook (interrupt.h; signal-safe): a report's or
 * export's query stops at once; the scan, the resolver and the output see
 * the flag at their next line, wait or write. */
static void stop_query(void)
{
    if (signal_db != NULL)
        sqlite3_interrupt(signal_db);
}

/* open_store - open the database or explain why not. */
static struct store *open_store(const char *path, int flags)
{
    struct store *st = NULL;
    char *err = NULL;
    if (store_open(path, flags, &st, &err) != HV_OK) {
        msg_error("%s", err);
        free(err);
        return NULL;
    }
    return st;
}

/* do_scan - the scan stage. */
static int do_scan(struct cli *c, struct store *st)
{
    struct scan_opts so;
    scan_opts_init(&so);
    so.format = c->scan_format;
    so.year = c->year;
    so.progress = c->progress;
    if (c->trusted != NULL) {
        const char *bad = NULL;
        hv_netlist_fini(&so.trusted);
        if (!hv_netlist_add_csv(&so.trusted, c->trusted, &bad)) {
            scan_opts_fini(&so);
            return usage_error("--trusted: not a network: '%s'", bad);
        }
    }
    if (c->emit != NULL)
        so.emit_jsonl = stdout;
    /* the provenance of the whole database is only printed, never stored */
    so.count_helo_from = !msg_quiet;
    struct scan_stats stats;
    char *err = NULL;
    int rc = scan_run(st, &so, c->paths, c->npaths, &stats, &err);
    scan_opts_fini(&so);
    if (c->emit != NULL && fflush(stdout) != 0) {
        msg_error("writing sessions: %s", strerror(errno));
        return EXIT_FAIL;
    }
    scan_print_summary(&stats);
    if (rc < 0) {
        msg_error("scan failed: %s", err ? err : hv_strerror(rc));
        free(err);
        return EXIT_FAIL;
    }
    if (stats.interrupted)
        return EXIT_FAIL;
    return rc == 0 ? EXIT_OK : EXIT_FAIL;
}

/* A resolve whose lookups mostly failed: exit 1, but run still reports
 * (with the warning at its top). */
#define EXIT_DEGRADED (-EXIT_FAIL)

/* do_resolve - the resolve stage: EXIT_OK, EXIT_FAIL or EXIT_DEGRADED. */
static int do_resolve(struct cli *c, struct store *st)
{
    struct resolve_stats rs;
    char *err = NULL;
    c->ro.progress = c->progress;
    int rc = resolve_run(st, &c->ro, &rs, &err);
    if (rc == HV_EDEGRADED) {
        msg_error("%s", err);
        free(err);
        return EXIT_DEGRADED;
    }
    if (rc != HV_OK) {
        msg_error("resolve failed: %s", err ? err : hv_strerror(rc));
        free(err);
        return EXIT_FAIL;
    }
    return EXIT_OK;
}

/* finish_output - end a report or export written to of: commit it when
 * the command succeeded (rc, err), else drop it, leaving the previous file
 * as it was. One message naming the output and the cause; a reader that
 * closed the pipe ends the command quietly (EXIT_PIPE). */
static int finish_output(struct outfile *of, const char *what, int rc, char *err)
{
    char name[512];
    int e = outfile_errno(of);
    int werr = 0;
    char *cerr = NULL;

    snprintf(name, sizeof name, "%s", outfile_name(of));
    if (interrupt_requested() || e == EINTR) {
        outfile_abort(of);
        free(err);
        if (strcmp(name, "stdout") == 0)
            msg_error("%s interrupted", what);
        else
            msg_error("%s interrupted; %s left as it was", what, name);
        return EXIT_FAIL;
    }
    if (e == 0 && rc == EXIT_OK && outfile_commit(of, &werr, &cerr) == 0)
        return EXIT_OK;
    if (e == 0 && rc == EXIT_OK) {
        e = werr;
    } else {
        outfile_abort(of);
    }
    if (e == EPIPE && strcmp(name, "stdout") == 0) {
        rc = EXIT_PIPE;
    } else if (e != 0) {
        msg_error("writing %s: %s", name, strerror(e));
        rc = EXIT_FAIL;
    } else {
        msg_error("%s failed: %s", what, err ? err : "unknown error");
        rc = EXIT_FAIL;
    }
    free(err);
    free(cerr);
    return rc;
}

/* auto_color - --color/--no-color, else colour only for a terminal on
 * stdout with NO_COLOR unset. */
static int auto_color(int color, const char *output)
{
    const char *nc = getenv("NO_COLOR");
    if (color >= 0)
        return color;
    if (output != NULL && strcmp(output, "-") != 0)
        return 0;
    return isatty(STDOUT_FILENO) && (nc == NULL || nc[0] == '\0');
}

/* do_report - one report in the given format (NULL: the default) to
 * output (NULL = stdout). */
/* fail_if - EXIT_ALERT (said on stderr, even under -q: a nightly job
 * wants it) when --fail-if is set and the share of accepted messages CSV
 * would reject passes it; else EXIT_OK. No accepted message: a share of 0. */
static int fail_if(const struct cli *c, const struct report_figures *fig)
{
    if (c->fail_pct < 0)
        return EXIT_OK;
    double pct = fig->accepted_messages > 0
                     ? 100.0 * (double)fig->would_reject_messages / (double)fig->accepted_messages
                     : 0.0;
    if (c->fail_or_equal ? pct < c->fail_pct : pct <= c->fail_pct)
        return EXIT_OK;
    msg_alert("--fail-if: CSV would reject %.1f%% of the accepted messages (%lld of %lld),"
              " %s %g%%", pct, fig->would_reject_messages, fig->accepted_messages,
              c->fail_or_equal ? "at or over" : "over", c->fail_pct);
    return EXIT_ALERT;
}

static int do_report(struct cli *c, struct store *st, const char *format, const char *output,
                     struct report_figures *fig)
{
    struct report_opts rp = c->rp;
    struct outfile *of = NULL;
    char *err = NULL;
    int rc;

    if (outfile_open(output, &of, &err) != 0) {
        msg_error("%s", err);
        free(err);
        return EXIT_FAIL;
    }
    rp.format = format;
    rp.output = output;
    rp.stream = outfile_stream(of);
    rp.color = auto_color(rp.color, output);
    signal_db = store_db(st);
    rc = report_run(st, &rp, fig, &err);
    signal_db = NULL;
    if (rc != HV_OK && err == NULL)
        err = xstrdup(hv_strerror(rc));
    rc = rc == HV_OK ? EXIT_OK : EXIT_FAIL;
    return finish_output(of, "report", rc, err);
}

/* do_export - sessions or verdicts as rows, or the advice table's rows. */
static int do_export(struct cli *c, struct store *st)
{
    struct outfile *of = NULL;
    char *err = NULL;
    int rc;

    if (outfile_open(c->output, &of, &err) != 0) {
        msg_error("%s", err);
        free(err);
        return EXIT_FAIL;
    }
    signal_db = store_db(st);
    if (strcmp(c->export_what, "advice") == 0) /* a report table: window, policy */
        rc = export_table(store_db(st), c->export_what, &c->rp, c->report_format,
                          outfile_stream(of), &err);
    else
        rc = export_db(store_db(st), c->export_what, c->report_format, c->rp.authserv_id,
                       c->rp.anonymize, outfile_stream(of), &err);
    signal_db = NULL;
    if (rc != HV_OK && err == NULL)
        err = xstrdup(hv_strerror(rc));
    rc = rc == HV_OK ? EXIT_OK : EXIT_FAIL;
    return finish_output(of, "export", rc, err);
}

/* do_evaluate - the pipe-mode filter: stdin to stdout (evaluate.h). Exit
 * 0 with bad input lines; 1 on a failure or when most lookups failed (the
 * rows are written all the same); 141 when the reader went away. */
static int do_evaluate(struct cli *c, struct store *st)
{
    struct outfile *of = NULL;
    struct evaluate_opts eo;
    struct evaluate_stats es;
    char *err = NULL;

    if (outfile_open(NULL, &of, &err) != 0) {
        msg_error("%s", err);
        free(err);
        return EXIT_FAIL;
    }
    c->ro.progress = false;
    eo.format = c->report_format;
    eo.header = c->header;
    eo.ro = &c->ro;
    int rc = evaluate_run(st, &eo, stdin, outfile_stream(of), &es, &err);
    if (rc == HV_EUSAGE) {
        outfile_abort(of);
        rc = usage_error("%s", err);
        free(err);
        return rc;
    }
    if (rc == HV_OK || rc == HV_EINTR || rc == HV_EIO)
        evaluate_summary(&es);
    if (rc == HV_OK && es.degraded) {
        msg_error("%s", err);
        free(err);
        err = NULL;
        rc = EXIT_FAIL;
        int frc = finish_output(of, "evaluate", EXIT_OK, NULL);
        return frc != EXIT_OK ? frc : rc;
    }
    if (rc != HV_OK && err == NULL)
        err = xstrdup(hv_strerror(rc));
    rc = rc == HV_OK ? EXIT_OK : EXIT_FAIL;
    return finish_output(of, "evaluate", rc, err);
}

/* do_merge - fold every input database into the first path. */
static int do_merge(struct cli *c)
{
    struct store *st = open_store(c->paths[0], 0);
    int rc = EXIT_OK;
    if (st == NULL)
        return EXIT_FAIL;
    for (int i = 1; i < c->npaths; i++) {
        struct merge_stats ms;
        char *err = NULL;
        if (strcmp(c->paths[i], c->paths[0]) == 0) {
            msg_warn("%s: not merging a database into itself", c->paths[i]);
            continue;
        }
        int mrc = merge_from(st, c->paths[i], &ms, &err);
        if (mrc != HV_OK) {
            msg_error("merge: %s", err ? err : hv_strerror(mrc));
            free(err);
            rc = EXIT_FAIL;
            continue;
        }
        msg_info("merge: %s: %lld new source(s), %lld already present, %lld new session(s),"
                 " %lld HELO(s) joined from Received headers",
                 c->paths[i], ms.sources_added, ms.sources_shared, ms.sessions_added,
                 ms.helo_joined);
        if (ms.label_joined > 0)
            msg_info("merge: %s: %lld log session(s) took the label of their message"
                     " (Received join)", c->paths[i], ms.label_joined);
    }
    store_close(st);
    return rc;
}

int main(int argc, char **argv)
{
    struct cli c;
    memset(&c, 0, sizeof(c));
    c.db = "heloval.db";
    c.progress = -1;
    c.fail_pct = -1;
    resolve_opts_init(&c.ro);
    report_opts_init(&c.rp);
    int rc = parse_cli(&c, argc, argv);
    if (rc != EXIT_OK)
        goto out;
    if (c.help) {
        print_usage(stdout);
        goto out;
    }
    if (c.version) {
        printf("heloval %s\n", HELOVAL_VERSION);
        goto out;
    }
    if (c.cmd == CMD_NONE) {
        print_usage(stderr);
        rc = EXIT_USAGE;
        goto out;
    }
    if (c.progress < 0)
        c.progress = isatty(2) && !msg_quiet;
    if ((c.cmd == CMD_SCAN || c.cmd == CMD_RUN) && c.npaths == 0) {
        rc = usage_error("%s needs at least one PATH (a file, a directory or -)",
                         command_names[c.cmd]);
        goto out;
    }
    if (c.cmd == CMD_MERGE) {
        if (c.npaths < 2) {
            rc = usage_error("%s", "merge needs OUT.db and at least one IN.db");
            goto out;
        }
        rc = do_merge(&c);
        goto out;
    }
    if (c.cmd != CMD_SCAN && c.cmd != CMD_RUN && c.npaths > 0) {
        rc = usage_error("unexpected argument '%s'", c.paths[0]);
        goto out;
    }
    if (c.emit != NULL && c.cmd != CMD_SCAN) {
        rc = usage_error("%s", "--emit goes with scan only");
        goto out;
    }
    if (c.cmd == CMD_EXPORT) {
        if (c.export_what == NULL || (strcmp(c.export_what, "sessions") != 0 &&
                                      strcmp(c.export_what, "verdicts") != 0 &&
                                      strcmp(c.export_what, "advice") != 0)) {
            rc = usage_error("export wants 'sessions', 'verdicts' or 'advice'%s", "");
            goto out;
        }
        /* the window and the policy are the report's: export advice only */
        if (strcmp(c.export_what, "advice") != 0 &&
            (c.rp.since != LLONG_MIN || c.rp.until != LLONG_MAX || c.rp.policy_file != NULL)) {
            rc = usage_error("--since, --until and --policy apply to 'export advice', not '%s'",
                             c.export_what);
            goto out;
        }
        if (c.report_format != NULL && !is_export_format(c.report_format)) {
            char names[256];
            rc = usage_error("export formats are %s, not '%s'",
                             report_join_names(names, sizeof names, export_format_at, ", ",
                                               " and "),
                             c.report_format);
            goto out;
        }
    } else if (c.cmd == CMD_EVALUATE) {
        if (c.report_format != NULL && !is_export_format(c.report_format)) {
            rc = usage_error("evaluate reads and writes an export format, not '%s'",
                             c.report_format);
            goto out;
        }
    } else if (c.report_format != NULL && report_renderer_find(c.report_format) == NULL) {
        rc = usage_error("--format %s is for export", c.report_format);
        goto out;
    }
    if (c.scan_format != NULL && c.cmd != CMD_SCAN && c.cmd != CMD_RUN) {
        rc = usage_error("--format %s is a scan format", c.scan_format);
        goto out;
    }
    if (c.rp.table != NULL && strncmp(c.rp.table, "policy_delta", 12) == 0 &&
        c.rp.ncompare == 0) {
        rc = usage_error("--table %s needs --compare-policy FILE", c.rp.table);
        goto out;
    }
    if (c.rp.since != LLONG_MIN && c.rp.until != LLONG_MAX && c.rp.until <= c.rp.since) {
        char a[21], b[21];
        tstamp_format_iso(c.rp.since, a);
        tstamp_format_iso(c.rp.until, b);
        rc = usage_error("--until %s is not after --since %s: the window would be empty", b, a);
        goto out;
    }

    interrupt_install(stop_query);
    signal(SIGPIPE, SIG_IGN);

    struct store *st = NULL;
    if (c.emit == NULL) {
        int flags = (c.cmd == CMD_REPORT || c.cmd == CMD_EXPORT) ? STORE_READONLY : 0;
        if (flags == STORE_READONLY && access(c.db, F_OK) != 0) {
            msg_error("no database %s (run 'heloval scan' first)", c.db);
            rc = EXIT_FAIL;
            goto out;
        }
        st = open_store(c.db, flags);
        if (st == NULL) {
            rc = EXIT_FAIL;
            goto out;
        }
    }
    switch (c.cmd) {
    case CMD_SCAN:
        rc = do_scan(&c, st);
        break;
    case CMD_RESOLVE:
        rc = do_resolve(&c, st);
        if (rc == EXIT_DEGRADED)
            rc = EXIT_FAIL;
        break;
    case CMD_REPORT: {
        struct report_figures fig = {0, 0};
        rc = do_report(&c, st, c.report_format, c.output, &fig);
        if (rc == EXIT_OK)
            rc = fail_if(&c, &fig);
        break;
    }
    case CMD_EXPORT:
        rc = do_export(&c, st);
        break;
    case CMD_RUN: {
        int src = do_scan(&c, st);
        if (src == EXIT_USAGE || interrupt_requested()) {
            rc = src == EXIT_USAGE ? src : EXIT_FAIL; /* Ctrl-C stops the run */
            break;
        }
        int rrc = do_resolve(&c, st);
        rc = rrc == EXIT_DEGRADED ? EXIT_OK : rrc;
        /* the report on stdout, unless -q with -o: a cron job that writes
         * its report to a file prints nothing when all went well */
        struct report_figures fig = {0, 0};
        if (rc == EXIT_OK && !(msg_quiet && c.output != NULL))
            rc = do_report(&c, st, c.report_format, NULL, &fig);
        if (rc == EXIT_OK && c.output != NULL)
            rc = do_report(&c, st, report_renderer_for_file(c.output)->name, c.output, &fig);
        if (rc == EXIT_OK && rrc != EXIT_DEGRADED && src == EXIT_OK)
            rc = fail_if(&c, &fig);
        if (rc == EXIT_OK && rrc == EXIT_DEGRADED)
            rc = EXIT_FAIL;
        if (rc == EXIT_OK)
            rc = src;
        break;
    }
    case CMD_EVALUATE:
        rc = do_evaluate(&c, st);
        break;
    case CMD_MERGE:
    case CMD_NONE:
        break;
    }
    store_close(st);
out:
    free(c.paths);
    free((void *)c.ro.servers);
    free((void *)c.ro.zones);
    free((void *)c.ro.accreditors);
    return rc;
}
