/* SPDX-License-Identifier: MIT */
/*
 * Folder analyzer/scan/ (README "Layout"): the scan stage. Reading inputs
 * through the parsers (scan.h), the writer thread that stores sessions
 * (squeue.h) in id order (rowsort.h), and `scan --emit jsonl`
 * (session_json.h). The stage's SQL is analyzer/store/scandb.h.
 */
/*
 * scan - the first stage: inputs (files, directories, stdin, .gz) through
 * the parsers into the store, incrementally. A file already read is
 * recognised by the fingerprint of its first 4 KiB (whatever its name or
 * compression) and only its new part is read. One transaction per file
 * (committed in batches for big files); an interrupted scan leaves the
 * database consistent and the next scan re-reads the unfinished file.
 */
#ifndef HV_SCAN_H
#define HV_SCAN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "netaddr.h"
#include "store.h"

struct scan_opts {
    const char *format;          /* NULL or "auto": detect per file */
    int year;                    /* 0: infer from each file's mtime */
    struct hv_netlist trusted;   /* mbox border search */
    bool progress;               /* progress bar on stderr */
    FILE *emit_jsonl;            /* non-NULL: write sessions here, no store */
    bool count_helo_from;        /* fill scan_stats.helo_from (a pass over
                                    every stored session; default true) */
};

enum { SCAN_HELO_LOG, SCAN_HELO_IMPLIED, SCAN_HELO_RECEIVED, SCAN_HELO_NONE,
       SCAN_HELO_UNOBSERVED };

/* Totals of one scan (also written to scan_runs). */
struct scan_stats {
    int64_t files, files_unchanged, files_failed;
    int64_t files_resumed;       /* of files: read from where a run stopped */
    int64_t bytes, lines, sessions;
    int64_t sessions_new;        /* of sessions: not stored before this run */
    int64_t sessions_by_mta[HV_MTA_COUNT];
    int64_t sessions_with_helo;
    int64_t helo_joined;
    int64_t label_joined;        /* log sessions labelled by the Received join */
    /* sessions of these files labelled by their parsers, by enum hv_label
     * and enum hv_label_from (counted as they are stored or emitted) */
    int64_t labelled[HV_LABEL_SPAM + 1][HV_LFROM_FILTER + 1];
    /* HELO provenance of every session in the database after the scan,
     * per MTA (enum hv_mta) and SCAN_HELO_* (helo_from: log, implied,
     * received, none, NULL = unobserved); have_helo_from: filled */
    int64_t helo_from[HV_MTA_COUNT][SCAN_HELO_UNOBSERVED + 1];
    bool have_helo_from;
    int64_t skips_total;
    char skip_reasons[16][32];   /* reason names ... */
    int64_t skip_counts[16];     /* ... and their counts */
    int nreasons;
    bool interrupted;
};

/* scan_opts_init - defaults: auto format, inferred year, default trusted
 * networks, no progress, HELO provenance counted. Free with scan_opts_fini. */
void scan_opts_init(struct scan_opts *o);
void scan_opts_fini(struct scan_opts *o);

/* scan_run - scan every path (file, directory or "-") into st (which may be
 * NULL when o->emit_jsonl is set). Returns 0 when everything was read, 1
 * when some input failed (counted, reported, the rest stored), negative on
 * a database failure (message in *err, malloc'ed). */
int scan_run(struct store *st, const struct scan_opts *o, char *const *paths,
             int npaths, struct scan_stats *stats, char **err);

/* scan_print_summary - the human summary on stderr (msg_info). */
void scan_print_summary(const struct scan_stats *stats);

#endif
