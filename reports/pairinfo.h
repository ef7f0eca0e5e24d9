/* SPDX-License-Identifier: MIT */
/*
 * pairinfo - what the database says of a (HELO, client IP) pair: its CSA
 * row (rv_csa by helo and ip), its DNA result (rv_dna_result by helo) and
 * the policy action for the two (the row of the policy table whose
 * csa_status is the CSA status and whose dna_status is the DNA status, or
 * "unknown" without a DNA result), exactly what the LEFT JOINs
 *   rv_csa c ON c.helo = H AND c.ip = I
 *   rv_dna_result d ON d.helo = H
 *   policy p ON p.csa_status = c.status
 *             AND p.dna_status = COALESCE(d.status,'unknown')
 * give, looked up once per distinct HELO (DNA) and, when memo_pairs, once
 * per distinct pair (CSA and action); otherwise once per call. Values keep
 * their bytes (embedded NULs included) and SQL NULL (s == NULL).
 * The strings handed out belong to the pairinfo and stay valid until
 * pairinfo_close (distinct values are stored once). Every step of a look-up
 * is checked: a failure is HV_EDB with the message of rptsql.h.
 * Memory: the distinct values, plus per distinct HELO its bytes and 30
 * bytes, plus (memo_pairs) per pair its HELO and IP bytes and 48 bytes.
 */
#ifndef HV_PAIRINFO_H
#define HV_PAIRINFO_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hverr.h"
#include "keymap.h"
#include "policy.h"
#include "sessionpairs.h"

/* a value: s NULL for SQL NULL, else n bytes at s (NUL-terminated) */
struct pval {
    const char *s;
    size_t n;
};

struct pair_csv {
    struct pval csa_status, csa_reason, csa_record; /* NULL: no CSA row */
    struct pval dna_status, dna_grade, dna_service; /* NULL: no DNA row */
    struct pval action;                             /* NULL: no policy row */
    size_t pair;     /* memo_pairs: the pair's number, 0, 1, ... */
    size_t helo;     /* the HELO's number, 0, 1, ... (memo look-ups);
                        PAIRINFO_NO_HELO in the ordered mode */
    int64_t csa_at;  /* the CSA row's evaluated_at; PAIRINFO_NO_TIME
                        without a row (or a NULL time) */
    /* the number + 1 of each value above (0: NULL), in enum pair_val's
     * order: equal numbers are equal texts (for a caller that keeps what
     * it makes of a value) */
    uint32_t val[7];
};
enum pair_val {
    PV_CSA_STATUS, PV_CSA_REASON, PV_CSA_RECORD, PV_ACTION,
    PV_DNA_STATUS, PV_DNA_GRADE, PV_DNA_SERVICE
};
#define PAIRINFO_NO_HELO SIZE_MAX
#define PAIRINFO_NO_TIME INT64_MIN

/* the value a column had last (col in pairinfo.c): its number + 1 and
 * length */
#define PAIRINFO_COLMEMO 6
/* the actions found for (CSA status, DNA status), remembered by a hash of
 * the two */
#define PAIRINFO_ACT_MEMO 64
struct pairinfo_colmemo {
    uint32_t id;
    size_t n;
};

struct pairinfo {
    sqlite3 *db;
    struct pairinfo_colmemo colmemo[PAIRINFO_COLMEMO];
    sqlite3_stmt *csa_q, *dna_q;
    bool memo_pairs;
    bool complete;               /* preloaded: a miss means no row */
    sqlite3_stmt *csa_scan, *dna_scan; /* ordered mode: the cursors */
    bool csa_row, dna_row;       /* each is on a row */
    char ahead_fn[40];           /* ordered mode: the SQL function that
                                  * lets SQLite pass over rows below the
                                  * key looked for ("" when not made) */
    struct pairinfo_target {     /* that key, per cursor (0 CSA, 1 DNA), */
        const char *helo, *ip;   /* while a step looks for it */
        size_t hn, in;
        bool set;
    } target[2];
    struct pairinfo_rowkey {     /* the key of the row each cursor is on, */
        const char *helo, *ip;   /* read once a step (its texts live until */
        size_t hn, in;           /* the cursor's next step) */
    } rowkey[2];
    struct keymap vals;          /* distinct values -> val[] */
    char **val;                  /* owned copies, by index */
    size_t val_cap;
    struct keymap helos;         /* HELO -> dna[] */
    uint32_t (*dna)[3];          /* value index + 1 (0: NULL) */
    size_t dna_cap;
    struct keymap pairs;         /* HELO, IP -> csa[] (memo_pairs) */
    uint32_t (*csa)[5];          /* status reason record action, HELO */
    int64_t *csa_at;             /* evaluated_at by pair (memo_pairs) */
    size_t csa_cap;
    size_t npol;                 /* policy rows: value indexes + 1 */
    uint32_t (*pol)[3];          /* csa_status dna_status action */
    uint32_t unknown;            /* the index + 1 of "unknown" (0: not yet) */
    uint32_t act_memo[PAIRINFO_ACT_MEMO][3]; /* CSA and DNA status, action
                                  * + 1 (0: unset), the last few found */
    bool walked;                 /* pairinfo_walk numbered every session */
    struct sessionpairs spairs;  /* walked: session id -> pair number */
};

/* pairinfo_open - prepare the look-ups on db (rv_* views created) with the
 * policy of the database (rv_policy) or, when pol is not NULL, that table.
 * HV_OK, or HV_EDB / HV_EWRITE with *err set (pi is then closed). */
int pairinfo_open(struct pairinfo *pi, sqlite3 *db, const struct policy *pol,
                  bool memo_pairs, char **err);

/* pairinfo_preload - (memo_pairs only) read all of rv_dna_result and rv_csa
 * into the memos in two scans, for a caller that will ask for most pairs
 * (the verdicts export): no look-up is made afterwards, a pair or HELO not
 * loaded has no row. Memory: every CSA row's pair, as for memo_pairs.
 * HV_OK, or HV_EDB / HV_EWRITE. */
int pairinfo_preload(struct pairinfo *pi, char **err);

/* pairinfo_walk - (memo_pairs, instead of pairinfo_preload) number the
 * pair of every session in one walk of the sessions(helo, ip) index
 * (resolve_helo_ip, made by the first resolve) beside rv_csa and
 * rv_dna_result read in the same order, so that pairinfo_session_pair then
 * finds a session's pair by its id, and pairinfo_pair its CSA, DNA and
 * action, without hashing its HELO and IP. Pairs and HELOs are numbered in
 * index order; a NULL HELO counts as '' (COALESCE(helo,''), looked up
 * apart). *walked is false, and nothing is numbered, when the index is
 * missing or its order is not the BINARY order of pairinfo_cmp (values
 * stored as blobs): the caller then preloads. The caller's later reads must
 * see the same sessions (one read transaction). Memory: 12 bytes per
 * session (twice while sorting), 28 per pair, 12 per HELO. HV_OK, or
 * HV_EDB / HV_EWRITE. */
int pairinfo_walk(struct pairinfo *pi, bool *walked, char **err);

/* pairinfo_session_pair - (after pairinfo_walk set walked) the number of
 * session id's pair into *pair; fastest for ascending ids. HV_OK, or HV_EDB
 * when the id was not numbered (the sessions changed since the walk). */
int pairinfo_session_pair(struct pairinfo *pi, int64_t id, uint32_t *pair,
                          char **err);

/* pairinfo_pair_prefetch - (walked) start loading, without waiting, step
 * `step` of what pairinfo_pair reads of pair: 0 its CSA, 1 its HELO's DNA
 * (which needs step 0's). For a batch: each step of every pair, then the
 * next step. */
void pairinfo_pair_prefetch(const struct pairinfo *pi, uint32_t pair,
                            int step);

/* pairinfo_pair_helo - (walked) the HELO number of pair (what
 * pairinfo_pair gives as out->helo), for a caller's own per-HELO memo;
 * after step 0 of pairinfo_pair_prefetch it is in the cache. */
size_t pairinfo_pair_helo(const struct pairinfo *pi, uint32_t pair);

/* pairinfo_pair - (walked) the CSA, DNA and action of pair into *out, as
 * pairinfo_get of its (COALESCE(helo,''), ip) gives them, or with unobs
 * only its DNA, as pairinfo_dna. */
void pairinfo_pair(const struct pairinfo *pi, uint32_t pair, bool unobs,
                   struct pair_csv *out);

/* pairinfo_ordered - (not memo_pairs) start the ordered mode: rv_csa and
 * rv_dna_result are each read once, in key order, beside the caller's
 * pairs, which must from then on be asked for (pairinfo_get, pairinfo_dna)
 * in ascending order of HELO then IP, as SQLite's BINARY collation orders
 * text (bytes, then length; pairinfo_cmp); asking for a key twice is fine.
 * For a caller that asks for a large share of the pairs (a full report):
 * two scans instead of one look-up per pair and HELO. sparse: the caller
 * asks for a small share of the rows (a window of a long database), and
 * SQLite passes over the others itself (an SQL function of this pairinfo,
 * compared with the key asked for, in the scans' WHERE), without reading
 * their other columns or returning them: about a third less work per row
 * passed over, some more per row asked for. HV_OK, or HV_EDB /
 * HV_EWRITE. */
int pairinfo_ordered(struct pairinfo *pi, bool sparse, char **err);

/* pairinfo_bincmp - a <=> b as SQLite's BINARY collation orders text
 * (bytes, then length). */
int pairinfo_bincmp(const char *a, size_t an, const char *b, size_t bn);

/* pairinfo_cmp - the order pairinfo_ordered wants: HELO, then IP. */
int pairinfo_cmp(const char *ha, size_t hna, const char *ia, size_t ina,
                 const char *hb, size_t hnb, const char *ib, size_t inb);

/* pairinfo_count - the number of pairs in the memo (memo_pairs). */
size_t pairinfo_count(const struct pairinfo *pi);

/* pairinfo_get - the CSA, DNA and action of (helo, ip) into *out (helo is
 * the HELO as stored, '' for none: COALESCE(helo,'')). HV_OK, or HV_EDB. */
int pairinfo_get(struct pairinfo *pi, const char *helo, size_t hn,
                 const char *ip, size_t in, struct pair_csv *out, char **err);

/* pairinfo_key - (helo, ip) as one key, unambiguous whatever the bytes:
 * the HELO's length in 4 bytes, the HELO, the IP; into small (small_len
 * bytes) when it fits, else into a malloc'ed buffer: the return value,
 * to free when it is not small. Its length in *kn. The memo of pairs and
 * the report's sets of pairs (workrows.h) are keyed by it. */
char *pairinfo_key(const char *helo, size_t hn, const char *ip, size_t in,
                   char *small, size_t small_len, size_t *kn);

/* pairinfo_pair_hash - the hash of (helo, ip) that pairinfo_prefetch and
 * pairinfo_get_hashed take. */
uint32_t pairinfo_pair_hash(const char *helo, size_t hn, const char *ip,
                            size_t in);

/* pairinfo_prefetch - (memo_pairs; nothing otherwise) start loading, without
 * waiting, step `step` (0, 1, 2: keymap_prefetch) of the memo's look-up of
 * the pair whose pairinfo_pair_hash is h. For a caller with a batch of
 * pairs to ask for: each step of every pair, then the next step. */
void pairinfo_prefetch(const struct pairinfo *pi, uint32_t h, int step);

/* pairinfo_get_hashed - pairinfo_get of (helo, ip), whose
 * pairinfo_pair_hash is hash (read only with memo_pairs). */
int pairinfo_get_hashed(struct pairinfo *pi, const char *helo, size_t hn,
                        const char *ip, size_t in, uint32_t hash,
                        struct pair_csv *out, char **err);

/* pairinfo_dna - only the DNA columns of helo into *out (others NULL). */
int pairinfo_dna(struct pairinfo *pi, const char *helo, size_t hn,
                 struct pair_csv *out, char **err);

/* pairinfo_action_in - the action the table pol gives pc's CSA status and
 * DNA status (a NULL DNA status counts as "unknown"), matched byte for byte
 * as the policy rows are matched by pairinfo_get (so a status with other
 * bytes, or an embedded NUL, matches no row): the action's name (static),
 * or a NULL pval when there is no CSA status or no row matches. For a
 * second policy over the CSA and DNA a pairinfo_get already returned. */
struct pval pairinfo_action_in(const struct policy *pol,
                               const struct pair_csv *pc);

/* pairinfo_verdict - the report's verdict of a pair from its CSA row and an
 * action: "unevaluated" when unobs (the log does not show the HELO),
 * "unresolved" without a CSA row or without an action, else the action's
 * bytes. Borrows action's bytes (or static text). */
struct pval pairinfo_verdict(bool unobs, const struct pair_csv *pc,
                             struct pval action);

/* pairinfo_close - finalize and free everything (also after a failure). */
void pairinfo_close(struct pairinfo *pi);

#endif
