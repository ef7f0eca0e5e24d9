/* SPDX-License-Identifier: MIT */
/*
 * scan - inputs -> parsers -> store. See scan.h for the contract.
 *
 * Resume rule: a file's resume point (sources.last_offset/last_line) only
 * moves when the whole file has been read and committed; it is the first
 * line of the earliest session still open at the end of the file (or the
 * end itself). Sessions are keyed by (source, line), so re-reading from an
 * earlier point updates rows instead of duplicating them.
 */
#include "scan.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lineio.h"
#include "mixed.h"
#include "msg.h"
#include "parser.h"
#include "progress.h"
#include "session_json.h"
#include "squeue.h"
#include "xmem.h"

#define BATCH_LINES 250000   /* commit sessions this often inside a file */
#define DETECT_LINES 20

static volatile sig_atomic_t interrupted;

void scan_interrupt(void)
{
    interrupted = 1;
}

void scan_opts_init(struct scan_opts *o)
{
    memset(o, 0, sizeof(*o));
    hv_netlist_default_trusted(&o->trusted);
}

void scan_opts_fini(struct scan_opts *o)
{
    hv_netlist_fini(&o->trusted);
}

/* ==== Input collection ==== */

struct input {
    char *path;
    int64_t first_ts;    /* time of the first line, or mtime */
    int64_t mtime;
    int64_t size;
    size_t order;        /* position on the command line */
};

struct inputs {
    struct input *v;
    size_t n, cap;
};

/* first_line_time - the timestamp of the file's first line, else mtime. */
static int64_t first_line_time(const char *path, int64_t mtime)
{
    char err[256];
    struct lineio *r = lineio_open(path, err, sizeof(err));
    if (r == NULL)
        return mtime;
    struct hv_line l;
    unsigned fl;
    int64_t ts = mtime;
    if (lineio_next(r, &l, &fl) == LINEIO_OK) {
        struct hv_clock c;
        hv_clock_init(&c, 0, mtime);
        int64_t t;
        if (tstamp_rfc3339(l.p, l.len, &t) || tstamp_exim(l.p, l.len, &t) ||
            tstamp_rfc3164(l.p, l.len, &c, &t))
            ts = t;
        else if (l.len > 5 && memcmp(l.p, "From ", 5) == 0) {
            const char *sp = memchr(l.p + 5, ' ', l.len - 5);
            if (sp != NULL && tstamp_ctime(sp + 1, l.len - (size_t)(sp + 1 - l.p), &t))
                ts = t;
        }
    }
    lineio_close(r);
    return ts;
}

/* add_input - append one regular file (or stdin). */
static void add_input(struct inputs *in, const char *path, const struct stat *sb,
                      size_t order)
{
    if (in->n == in->cap) {
        in->cap = in->cap ? in->cap * 2 : 16;
        in->v = xrealloc(in->v, in->cap * sizeof(*in->v));
    }
    struct input *e = &in->v[in->n++];
    e->path = xstrdup(path);
    e->mtime = sb ? (int64_t)sb->st_mtime : (int64_t)time(NULL);
    /* a pipe, FIFO or terminal (stdin, /dev/stdin, <(cmd)) has no size and
     * is opened only once, by scan_file: a peek here would eat its start */
    bool regular = sb != NULL && S_ISREG(sb->st_mode);
    e->size = regular ? (int64_t)sb->st_size : -1;
    e->first_ts = regular ? first_line_time(path, e->mtime) : e->mtime;
    e->order = order;
}

/* cmp_time - order files of a directory by their first line's time. */
static int cmp_time(const void *a, const void *b)
{
    const struct input *x = a, *y = b;
    if (x->order != y->order)
        return x->order < y->order ? -1 : 1;
    if (x->first_ts != y->first_ts)
        return x->first_ts < y->first_ts ? -1 : 1;
    return strcmp(x->path, y->path);
}

/* walk - recurse into a directory; hidden entries and database files are
 * left alone. Returns the number of unreadable entries. */
static int walk(struct inputs *in, const char *dir, size_t order, int depth)
{
    int bad = 0;
    if (depth > 32) {
        msg_warn("%s: directory nesting too deep, not descending", dir);
        return 1;
    }
    DIR *d = opendir(dir);
    if (d == NULL) {
        msg_warn("cannot read directory %s: %s", dir, strerror(errno));
        return 1;
    }
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        const char *name = de->d_name;
        if (name[0] == '.')
            continue;
        size_t nl = strlen(name);
        if ((nl > 3 && strcmp(name + nl - 3, ".db") == 0) ||
            (nl > 7 && (strcmp(name + nl - 7, ".db-wal") == 0 ||
                        strcmp(name + nl - 7, ".db-shm") == 0)) ||
            (nl > 5 && strcmp(name + nl - 5, ".lock") == 0) ||
            (nl > 5 && strcmp(name + nl - 5, ".zone") == 0) ||
            (nl > 3 && strcmp(name + nl - 3, ".md") == 0))
            continue;
        size_t n = strlen(dir) + nl + 2;
        char *p = xmalloc(n);
        snprintf(p, n, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", name);
        struct stat sb;
        if (lstat(p, &sb) != 0) {
            msg_warn("cannot stat %s: %s", p, strerror(errno));
            bad++;
        } else if (S_ISDIR(sb.st_mode)) {
            /* Maildir: messages being delivered live in tmp/ */
            if (strcmp(name, "tmp") != 0)
                bad += walk(in, p, order, depth + 1);
        } else if (S_ISREG(sb.st_mode)) {
            add_input(in, p, &sb, order);
        }
        free(p);
    }
    closedir(d);
    return bad;
}

/* ==== Per-file scanning ==== */

struct reason_count {
    const char *reason;
    int64_t n;
};

struct file_ctx {
    struct store *st;
    struct squeue *sq;          /* writer thread, or NULL: store directly */
    const struct scan_opts *o;
    struct scan_stats *stats;
    int64_t source_id;
    const char *path;
    int db_rc;                  /* first store failure */
    bool finishing;             /* inside parser finish() */
    bool feeding_cut;           /* feeding a last line that has no newline */
    uint64_t resume_offset, resume_line;
    /* a last line without a newline may be cut short: the next scan reads
     * it again, with every session it touched (cut_offset/cut_line) */
    bool cut;
    uint64_t cut_offset, cut_line;
    int64_t first_ts, last_ts;
    int64_t stored, stored_helo;  /* distinct sessions stored, with a HELO */
    int64_t stored_by_mta[HV_MTA_COUNT]; /* ... by enum hv_mta */
    int64_t count_from_line;    /* lines up to this were counted before */
    /* resuming: sessions keyed at lines up to known_upto were stored by an
     * earlier run; known[] holds those lines (sorted) from the resume point */
    int64_t known_upto;
    int64_t *known;
    bool *reseen;               /* known[i] was given again by this read */
    size_t nknown;
    bool tails_possible;        /* the resume point may fall inside a
                                   session stored whole (log formats) */
    struct reason_count reasons[24];
    int nreasons;
};

/* count_reason - add one to a reason (static string) for this file. */
static void count_reason(struct file_ctx *fc, const char *reason, int64_t n)
{
    for (int i = 0; i < fc->nreasons; i++)
        if (fc->reasons[i].reason == reason || strcmp(fc->reasons[i].reason, reason) == 0) {
            fc->reasons[i].n += n;
            return;
        }
    if (fc->nreasons < (int)(sizeof(fc->reasons) / sizeof(fc->reasons[0]))) {
        fc->reasons[fc->nreasons].reason = reason;
        fc->reasons[fc->nreasons].n = n;
        fc->nreasons++;
    } else {
        count_reason(fc, "other", n);
    }
}

/* known_index - the index in known[] of a session keyed at this line and
 * stored by an earlier run, or -1. */
static ptrdiff_t known_index(const struct file_ctx *fc, int64_t line)
{
    size_t lo = 0, hi = fc->nknown;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (fc->known[mid] == line)
            return (ptrdiff_t)mid;
        if (fc->known[mid] < line)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* load_known - resuming at line after_line of a source read up to
 * upto_line: remember which of the lines in between start a stored
 * session. Re-reading from the resume point (the first line of the earliest
 * session open at the old end) also meets the later lines of sessions that
 * began before it and were stored whole; the parser would take those for
 * sessions of their own. HV_OK or HV_EDB. */
static int load_known(struct file_ctx *fc, int64_t after_line, int64_t upto_line)
{
    sqlite3_stmt *q;
    size_t cap = 0;
    fc->known_upto = upto_line;
    if (sqlite3_prepare_v2(store_db(fc->st),
                           "SELECT line FROM sessions WHERE id > (?1 << 32) | ?2"
                           " AND id <= (?1 << 32) | ?3 ORDER BY id",
                           -1, &q, NULL) != SQLITE_OK)
        return HV_EDB;
    sqlite3_bind_int64(q, 1, fc->source_id);
    sqlite3_bind_int64(q, 2, after_line);
    sqlite3_bind_int64(q, 3, upto_line);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (fc->nknown == cap) {
            cap = cap ? cap * 2 : 64;
            fc->known = xrealloc(fc->known, cap * sizeof(*fc->known));
        }
        fc->known[fc->nknown++] = sqlite3_column_int64(q, 0);
    }
    sqlite3_finalize(q);
    if (fc->nknown > 0)
        fc->reseen = xcalloc(fc->nknown, sizeof(*fc->reseen));
    return rc == SQLITE_DONE ? HV_OK : HV_EDB;
}

/* drop_vanished - after a whole re-read from the resume point: delete the
 * rows an earlier run stored for sessions starting after that point which
 * this read did not give again. They no longer exist: a postscreen
 * connection still open at the old end, handed to smtpd since, is counted
 * as the smtpd session. HV_OK or HV_EDB. */
static int drop_vanished(struct file_ctx *fc)
{
    sqlite3_stmt *q;
    int rc = SQLITE_DONE;
    if (fc->nknown == 0)
        return HV_OK;
    if (sqlite3_prepare_v2(store_db(fc->st),
                           "DELETE FROM sessions WHERE id = (?1 << 32) | ?2",
                           -1, &q, NULL) != SQLITE_OK)
        return HV_EDB;
    for (size_t i = 0; i < fc->nknown && rc == SQLITE_DONE; i++) {
        if (fc->reseen[i])
            continue;
        sqlite3_bind_int64(q, 1, fc->source_id);
        sqlite3_bind_int64(q, 2, fc->known[i]);
        rc = sqlite3_step(q);
        sqlite3_reset(q);
    }
    sqlite3_finalize(q);
    return rc == SQLITE_DONE ? HV_OK : HV_EDB;
}

/* on_session - parser callback: store (or print) one session. */
static void on_session(void *arg, const struct hv_session *s)
{
    struct file_ctx *fc = arg;
    if (fc->finishing && !s->complete && s->offset < fc->resume_offset) {
        fc->resume_offset = s->offset;
        fc->resume_line = s->line ? s->line - 1 : 0;
    }
    if (fc->feeding_cut && s->offset < fc->cut_offset) {
        fc->cut_offset = s->offset;
        fc->cut_line = s->line ? s->line - 1 : 0;
    }
    if (s->ts > 0) {
        if (fc->first_ts == INT64_MIN || s->ts < fc->first_ts)
            fc->first_ts = s->ts;
        if (fc->last_ts == INT64_MIN || s->ts > fc->last_ts)
            fc->last_ts = s->ts;
    }
    if (fc->o->emit_jsonl != NULL) {
        session_json_write(fc->o->emit_jsonl, fc->path, s);
        fc->stats->sessions++;
        if ((unsigned)s->mta < HV_MTA_COUNT)
            fc->stats->sessions_by_mta[s->mta]++;
        if (s->has_helo)
            fc->stats->sessions_with_helo++;
        return;
    }
    if (fc->db_rc != HV_OK)
        return;
    ptrdiff_t i = fc->nknown > 0 ? known_index(fc, (int64_t)s->line) : -1;
    if (i >= 0)
        fc->reseen[i] = true;   /* a cut last line read again whole is new */
    else if (fc->tails_possible && (int64_t)s->line <= fc->known_upto)
        return;   /* the tail of a session stored whole before the resume point */
    if (!s->again) {
        fc->stored++;
        if ((unsigned)s->mta < HV_MTA_COUNT)
            fc->stored_by_mta[s->mta]++;
    }
    if (s->has_helo && !(s->again && s->had_helo))
        fc->stored_helo++;
    if (fc->sq != NULL)
        squeue_push(fc->sq, fc->source_id, s);
    else
        fc->db_rc = store_put_session(fc->st, fc->source_id, s);
}

/* fnv_hex - FNV-1a 64 of p[0..n) as 16 hex digits. */
static void fnv_hex(const unsigned char *p, size_t n, char out[17])
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    static const char hex[] = "0123456789abcdef";
    for (int i = 15; i >= 0; i--) {
        out[i] = hex[h & 15];
        h >>= 4;
    }
    out[16] = '\0';
}

struct head_arg {
    const unsigned char *head;
    size_t len;
    char buf[17];
};

/* head_hash - hash of the first len bytes of the head (store callback). */
static const char *head_hash(int len, void *arg)
{
    struct head_arg *h = arg;
    if (len < 0 || (size_t)len > h->len)
        return NULL;
    fnv_hex(h->head, (size_t)len, h->buf);
    return h->buf;
}

/* detect_format - probe the first lines of the head. */
static const struct hv_format *detect_format(const unsigned char *head, size_t n,
                                             bool whole)
{
    struct hv_line lines[DETECT_LINES];
    size_t nl = 0, start = 0;
    static char copy[LINEIO_HEAD + 1];
    memcpy(copy, head, n);
    copy[n] = '\0';
    for (size_t i = 0; i < n && nl < DETECT_LINES; i++) {
        if (copy[i] != '\n')
            continue;
        copy[i] = '\0';
        size_t len = i - start;
        if (len > 0 && copy[start + len - 1] == '\r')
            copy[start + --len] = '\0';
        if (len > 0) {
            lines[nl].p = copy + start;
            lines[nl].len = len;
            lines[nl].lineno = nl + 1;
            lines[nl].offset = start;
            nl++;
        }
        start = i + 1;
    }
    if (whole && start < n && nl < DETECT_LINES) {
        lines[nl].p = copy + start;
        lines[nl].len = n - start;
        nl++;
    }
    return hv_format_detect(lines, nl);
}

/* is_single_message - a Maildir message (in cur/ or new/) or an .eml file:
 * one message even when its first line looks like an mbox From_ line. */
static int is_single_message(const char *path)
{
    size_t n = strlen(path);
    if (n > 4 && strcmp(path + n - 4, ".eml") == 0)
        return 1;
    const char *slash = strrchr(path, '/');
    if (slash == NULL || slash - path < 3)
        return 0;
    return (slash - path >= 4 && memcmp(slash - 4, "/cur", 4) == 0) ||
           (slash - path >= 4 && memcmp(slash - 4, "/new", 4) == 0) ||
           (slash - path == 3 && (memcmp(path, "cur", 3) == 0 || memcmp(path, "new", 3) == 0));
}

/* drain - wait for the writer thread; its first error, if any. */
static int drain(struct file_ctx *fc)
{
    return fc->sq != NULL ? squeue_drain(fc->sq) : HV_OK;
}

/* commit_batch - commit the sessions so far and start a new transaction. */
static int commit_batch(struct file_ctx *fc)
{
    if (fc->o->emit_jsonl != NULL)
        return HV_OK;
    if (fc->sq != NULL) {
        squeue_commit(fc->sq);   /* the writer commits; parsing goes on */
        return HV_OK;
    }
    int rc = drain(fc);
    if (rc != HV_OK)
        return rc;
    rc = store_commit(fc->st);
    if (rc == HV_OK)
        rc = store_begin(fc->st);
    return rc;
}

/* flush_reasons - write this file's reason counts and add them to stats. */
static int flush_reasons(struct file_ctx *fc)
{
    for (int i = 0; i < fc->nreasons; i++) {
        struct scan_stats *s = fc->stats;
        int k;
        for (k = 0; k < s->nreasons; k++)
            if (strcmp(s->skip_reasons[k], fc->reasons[i].reason) == 0)
                break;
        if (k == s->nreasons && s->nreasons < 16) {
            snprintf(s->skip_reasons[k], sizeof(s->skip_reasons[k]), "%s",
                     fc->reasons[i].reason);
            s->nreasons++;
        }
        if (k < 16)
            s->skip_counts[k] += fc->reasons[i].n;
        s->skips_total += fc->reasons[i].n;
        if (fc->o->emit_jsonl == NULL) {
            int rc = store_add_skips(fc->st, fc->source_id, fc->reasons[i].reason,
                                     fc->reasons[i].n);
            if (rc != HV_OK)
                return rc;
        }
    }
    fc->nreasons = 0;
    return HV_OK;
}

/* mta_index - the hv_mta whose name (as stored) is name, or -1. */
static int mta_index(const char *name)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(name, hv_mta_name((enum hv_mta)i)) == 0)
            return i;
    return -1;
}

/* count_helo_from - stats->helo_from over the whole database (after the
 * Received join): one GROUP BY over the sessions. */
static void count_helo_from(struct store *st, struct scan_stats *stats)
{
    static const char *const names[] = {"log", "implied", "received", "none"};
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(store_db(st),
                           "SELECT mta, helo_from, count(*) FROM sessions GROUP BY 1, 2",
                           -1, &q, NULL) != SQLITE_OK)
        return;
    while (sqlite3_step(q) == SQLITE_ROW) {
        const char *m = (const char *)sqlite3_column_text(q, 0);
        const char *f = (const char *)sqlite3_column_text(q, 1);
        int k = m != NULL ? mta_index(m) : -1;
        int o = SCAN_HELO_UNOBSERVED;
        for (int i = 0; f != NULL && i < 4; i++)
            if (strcmp(f, names[i]) == 0)
                o = i;
        if (k >= 0)
            stats->helo_from[k][o] += sqlite3_column_int64(q, 2);
    }
    sqlite3_finalize(q);
    stats->have_helo_from = true;
}

/* count_session_rows - sessions (and those with a HELO) of one source,
 * and its sessions per MTA (by_mta[enum hv_mta]). */
static void count_session_rows(struct store *st, int64_t source_id, int64_t *n,
                               int64_t *with_helo, int64_t by_mta[4])
{
    sqlite3_stmt *q;
    *n = *with_helo = 0;
    memset(by_mta, 0, 4 * sizeof(by_mta[0]));
    if (sqlite3_prepare_v2(store_db(st),
                           "SELECT mta, count(*), count(helo) FROM sessions"
                           " WHERE id >= (?1 << 32) AND id < ((?1 + 1) << 32) GROUP BY mta",
                           -1, &q, NULL) != SQLITE_OK)
        return;
    sqlite3_bind_int64(q, 1, source_id);
    while (sqlite3_step(q) == SQLITE_ROW) {
        const char *m = (const char *)sqlite3_column_text(q, 0);
        int k = m != NULL ? mta_index(m) : -1;
        int64_t c = sqlite3_column_int64(q, 1);
        *n += c;
        *with_helo += sqlite3_column_int64(q, 2);
        if (k >= 0)
            by_mta[k] += c;
    }
    sqlite3_finalize(q);
}

/* threads_ok - more than one core, and HELOVAL_NO_THREADS not set: the
 * writer thread and read-ahead are worth their threads. */
static bool threads_ok(void)
{
    return sysconf(_SC_NPROCESSORS_ONLN) > 1 && getenv("HELOVAL_NO_THREADS") == NULL;
}

/* scan_file - one input. Returns HV_OK, 1 for an input problem (counted),
 * or a negative store error. */
static int scan_file(struct store *st, struct squeue *sq, const struct scan_opts *o,
                     const struct input *in, struct scan_stats *stats,
                     struct progress *pg)
{
    char err[512];
    int rc = HV_OK, input_problem = 0;
    struct lineio *r = lineio_open(in->path, err, sizeof(err));
    if (r == NULL) {
        msg_warn("%s", err);
        stats->files_failed++;
        return 1;
    }
    size_t head_len;
    const unsigned char *head = lineio_head(r, &head_len);
    char fp[17];
    fnv_hex(head, head_len, fp);
    struct store_source src;
    memset(&src, 0, sizeof(src));
    bool emit = o->emit_jsonl != NULL;
    if (!emit) {
        if (head_len == LINEIO_HEAD)
            rc = store_find_source(st, fp, (int)head_len, &src);
        if (rc == HV_OK && src.id == 0 && head_len > 0) {
            /* a file read while it was shorter than LINEIO_HEAD is known by
             * the hash of that many first bytes; empty: nothing to know */
            struct head_arg ha = {head, head_len, ""};
            rc = store_find_source_prefix(st, head_hash, &ha, &src);
        }
        if (rc != HV_OK)
            goto out;
    }
    /* nothing new? */
    if (src.id != 0) {
        uint32_t isize;
        bool same = false;
        if (!lineio_is_gzip(r) && in->size >= 0)
            same = in->size == src.bytes_read;
        else if (lineio_gzip_isize(r, &isize))
            same = isize == (uint32_t)src.bytes_read;
        if (same && (int64_t)head_len == (src.bytes_read < LINEIO_HEAD ? src.bytes_read : LINEIO_HEAD)) {
            stats->files_unchanged++;
            if (strcmp(in->path, "-") != 0) {
                /* remember the newest name of this content */
                sqlite3_stmt *q;
                if (sqlite3_prepare_v2(store_db(st), "UPDATE sources SET path=?1 WHERE id=?2",
                                       -1, &q, NULL) == SQLITE_OK) {
                    sqlite3_bind_text(q, 1, in->path, -1, SQLITE_TRANSIENT);
                    sqlite3_bind_int64(q, 2, src.id);
                    sqlite3_step(q);
                    sqlite3_finalize(q);
                }
            }
            goto out;
        }
    }
    const struct hv_format *fmt = NULL;
    if (o->format != NULL && strcmp(o->format, "auto") != 0)
        fmt = hv_format_find(o->format);
    else if (src.id != 0 && src.format[0])
        fmt = hv_format_find(src.format);
    if (fmt == NULL)
        fmt = detect_format(head, head_len, head_len < LINEIO_HEAD);
    if (fmt == NULL || fmt->open == NULL) {
        /* no content: empty, or a gzip stream broken before its first byte */
        int broken = 0;
        if (head_len == 0) {
            struct hv_line l0;
            unsigned f0;
            broken = lineio_next(r, &l0, &f0);
            broken = broken < 0 ? broken : 0;
        }
        const char *why = broken == LINEIO_ETRUNC ? "truncated-gzip"
                          : broken == LINEIO_ECORRUPT ? "corrupt-gzip"
                          : broken < 0 ? "read-error" : "unrecognised-format";
        if (broken < 0)
            msg_warn("%s: %s before the first line; nothing read", in->path,
                     lineio_strerror(broken));
        else if (head_len == 0)
            msg_info("%s: empty, nothing to read", in->path);
        else
            msg_warn("%s: not a Postfix, Exim or Sendmail log nor a mail file;"
                     " skipped (use --format to force one)", in->path);
        bool problem = head_len > 0 || broken < 0;
        stats->files_failed += problem;
        if (!emit && problem && head_len == 0) {
            /* a broken gzip without content: known by its path (fp_len 0) */
            fnv_hex((const unsigned char *)in->path, strlen(in->path), fp);
            rc = store_find_source(st, fp, 0, &src);
        }
        if (!emit && problem && rc == HV_OK) {
            /* count it so the report shows the unreadable input */
            snprintf(src.format, sizeof(src.format), "%s", "");
            src.size = in->size;
            src.mtime = in->mtime;
            if (src.id == 0) {
                rc = store_save_source(st, &src, in->path, fp, (int)head_len,
                                       INT64_MIN, INT64_MIN);
                if (rc == HV_OK)
                    rc = store_add_skips(st, src.id, why, 1);
            }
        }
        input_problem = problem;
        goto out;
    }
    struct file_ctx fc;
    memset(&fc, 0, sizeof(fc));
    fc.st = st;
    fc.sq = sq;
    fc.o = o;
    fc.stats = stats;
    fc.path = in->path;
    fc.first_ts = fc.last_ts = INT64_MIN;
    fc.count_from_line = src.lines_read;

    uint64_t start_off = 0, start_line = 0;
    bool resumed = src.id != 0;
    bool restart = resumed && !lineio_is_gzip(r) && in->size >= 0 &&
                   in->size < src.bytes_read;
    if (src.id != 0 && !restart) {
        start_off = (uint64_t)src.last_offset;
        start_line = (uint64_t)src.last_line;
    }
    if (restart)
        fc.count_from_line = 0;
    snprintf(src.format, sizeof(src.format), "%s", fmt->name);
    src.size = in->size;
    src.mtime = in->mtime;
    src.compressed = lineio_is_gzip(r);
    if (!emit) {
        rc = store_begin(st);
        if (rc != HV_OK)
            goto out;
        /* the row exists before its sessions; its resume point only moves
         * at the end (see the file comment) */
        if (src.id == 0)
            rc = store_save_source(st, &src, in->path, fp, (int)head_len, INT64_MIN,
                                   INT64_MIN);
        if (rc != HV_OK) {
            store_rollback(st);
            goto out;
        }
        fc.source_id = src.id;
    }
    if (start_off > 0) {
        int k = lineio_skip_to(r, start_off, start_line);
        if (k != LINEIO_OK && in->size < 0) {
            /* a stream that ends before the resume point holds nothing
             * that was not read before; it cannot be read again anyway */
            if (!emit)
                store_rollback(st);
            stats->files_unchanged++;
            goto out;
        }
        if (k != LINEIO_OK) {
            /* shorter than before: read it again from the start */
            lineio_close(r);
            r = lineio_open(in->path, err, sizeof(err));
            if (r == NULL) {
                msg_warn("%s", err);
                if (!emit)
                    store_rollback(st);
                stats->files_failed++;
                return 1;
            }
            start_off = start_line = 0;
            fc.count_from_line = 0;
            restart = true;
        }
    }
    if (resumed && !restart && !emit && src.lines_read > (int64_t)start_line) {
        rc = load_known(&fc, (int64_t)start_line, src.lines_read);
        /* a format that tells where its open unit began (mbox) resumes at
         * the start of one: no tail of an earlier unit follows */
        fc.tails_possible = fmt->open_since == NULL;
        if (rc != HV_OK) {
            store_rollback(st);
            free(fc.known);
            free(fc.reseen);
            goto out;
        }
    }
    if (threads_ok())
        (void)lineio_prefetch(r);   /* read and inflate on the other core */
    struct hv_clock clock;
    hv_clock_init(&clock, o->year, in->mtime);
    struct hv_parse_opts popts = {&clock, &o->trusted, is_single_message(in->path)};
    struct hv_mixed *p = hv_mixed_open(fmt, &popts, on_session, &fc);
    progress_file(pg, in->path, in->size, lineio_is_gzip(r));

    struct hv_line line;
    unsigned flags;
    int k;
    uint64_t batch = 0, last_lineno = start_line;
    while ((k = lineio_next(r, &line, &flags)) == LINEIO_OK) {
        last_lineno = line.lineno;
        bool counted = (int64_t)line.lineno > fc.count_from_line;
        if (flags & (LINE_CRLF | LINE_NUL | LINE_BAD_UTF8 | LINE_TOO_LONG)) {
            if (counted) {
                if (flags & LINE_TOO_LONG)
                    count_reason(&fc, "too-long", 1);
                if (flags & LINE_NUL)
                    count_reason(&fc, "nul-bytes", 1);
                if (flags & LINE_BAD_UTF8)
                    count_reason(&fc, "invalid-utf8", 1);
                if (flags & LINE_CRLF)
                    count_reason(&fc, "crlf", 1);
            }
            if (flags & LINE_TOO_LONG)
                continue;
        }
        if ((int64_t)line.lineno == fc.known_upto && fc.known_upto == src.lines_read &&
            lineio_offset(r) != (uint64_t)src.bytes_read)
            fc.known_upto--;   /* this line was cut short last time: it is new */
        if (flags & LINE_NO_EOL) {
            fc.cut = fc.feeding_cut = true;
            fc.cut_offset = line.offset;
            fc.cut_line = line.lineno - 1;
        }
        const char *reason = NULL;
        if (hv_mixed_feed(p, &line, &reason) == HV_PARSE_SKIP && counted)
            count_reason(&fc, reason ? reason : "malformed", 1);
        fc.feeding_cut = false;
        if (fc.db_rc != HV_OK)
            break;
        if (++batch >= BATCH_LINES) {
            batch = 0;
            fc.db_rc = commit_batch(&fc);
            if (fc.db_rc != HV_OK)
                break;
        }
        if ((line.lineno & 4095) == 0) {
            progress_update(pg, lineio_raw_offset(r), line.lineno);
            if (interrupted)
                break;
        }
    }
    if (k < 0) {
        msg_warn("%s: %s after line %llu; the lines before it are kept", in->path,
                 lineio_strerror(k), (unsigned long long)last_lineno);
        count_reason(&fc, k == LINEIO_ETRUNC ? "truncated-gzip"
                          : k == LINEIO_ECORRUPT ? "corrupt-gzip" : "read-error", 1);
        input_problem = 1;
    }
    uint64_t end_off = lineio_offset(r);
    uint64_t lines = last_lineno;
    if (k == LINEIO_EOF || k < 0) {
        fc.finishing = true;
        fc.resume_offset = end_off;
        fc.resume_line = lines;
        hv_mixed_finish(p);
        fc.finishing = false;
        uint64_t since_off, since_line;
        if (hv_mixed_open_since(p, &since_off, &since_line) &&
            since_off < fc.resume_offset) {
            fc.resume_offset = since_off;
            fc.resume_line = since_line;
        }
        if (fc.cut && fc.cut_offset < fc.resume_offset) {
            fc.resume_offset = fc.cut_offset;
            fc.resume_line = fc.cut_line;
        }
    }
    hv_mixed_close(p);
    int drc = drain(&fc);
    if (fc.db_rc == HV_OK)
        fc.db_rc = drc;
    if (fc.db_rc == HV_OK && k == LINEIO_EOF && (int64_t)lines >= fc.known_upto)
        fc.db_rc = drop_vanished(&fc);
    free(fc.known);
    free(fc.reseen);
    fc.known = NULL;
    fc.reseen = NULL;
    if (fc.db_rc == HV_OK && interrupted && k == LINEIO_OK) {
        /* stopped mid-file: keep what is stored, leave the resume point */
        stats->interrupted = true;
        if (!emit)
            fc.db_rc = store_commit(st);
        rc = fc.db_rc;
        goto out;
    }
    if (fc.db_rc == HV_OK)
        fc.db_rc = flush_reasons(&fc);
    if (fc.db_rc == HV_OK && !emit) {
        int64_t after_n, after_h;
        src.bytes_read = (int64_t)end_off;
        src.lines_read = (int64_t)lines;
        src.last_offset = (int64_t)fc.resume_offset;
        src.last_line = (int64_t)fc.resume_line;
        fc.db_rc = store_save_source(st, &src, in->path, fp, (int)head_len, fc.first_ts,
                                     fc.last_ts);
        if (fc.db_rc == HV_OK)
            fc.db_rc = store_commit(st);
        int64_t by_mta[4];
        if (resumed) {
            /* earlier runs stored part of this file: count its rows */
            count_session_rows(st, src.id, &after_n, &after_h, by_mta);
        } else {
            after_n = fc.stored;
            after_h = fc.stored_helo;
            memcpy(by_mta, fc.stored_by_mta, sizeof(by_mta));
        }
        for (int m = 0; m < 4; m++)
            stats->sessions_by_mta[m] += by_mta[m];
        stats->sessions += after_n;
        stats->sessions_with_helo += after_h;
    }
    if (fc.db_rc != HV_OK) {
        if (!emit)
            store_rollback(st);
        rc = fc.db_rc;
        goto out;
    }
    stats->files++;
    stats->bytes += (int64_t)(end_off - start_off);
    stats->lines += (int64_t)(lines - start_line);
out:
    lineio_close(r);
    if (rc != HV_OK)
        return rc;
    return input_problem;
}

int scan_run(struct store *st, const struct scan_opts *o, char *const *paths,
             int npaths, struct scan_stats *stats, char **err)
{
    struct inputs in = {0};
    int problems = 0, rc = HV_OK;
    memset(stats, 0, sizeof(*stats));
    interrupted = 0;
    for (int i = 0; i < npaths; i++) {
        if (strcmp(paths[i], "-") == 0) {
            add_input(&in, "-", NULL, (size_t)i);
            continue;
        }
        struct stat sb;
        if (stat(paths[i], &sb) != 0) {
            msg_warn("cannot read %s: %s", paths[i], strerror(errno));
            stats->files_failed++;
            problems = 1;
        } else if (S_ISDIR(sb.st_mode)) {
            problems |= walk(&in, paths[i], (size_t)i, 0) > 0;
        } else {
            add_input(&in, paths[i], &sb, (size_t)i);
        }
    }
    qsort(in.v, in.n, sizeof(*in.v), cmp_time);
    struct progress *pg = progress_new("scan", o->progress, in.n);
    int64_t started = (int64_t)time(NULL);
    bool storing = st != NULL && o->emit_jsonl == NULL;
    if (storing && store_bulk_begin(st) != HV_OK) {
        rc = HV_EDB;
        *err = xstrdup(store_errmsg(st));
    }
    /* parse on this core, store on the other */
    struct squeue *sq = NULL;
    if (storing && rc == HV_OK && threads_ok())
        sq = squeue_new(st);
    for (size_t i = 0; i < in.n && !interrupted && rc == HV_OK; i++) {
        int r = scan_file(st, sq, o, &in.v[i], stats, pg);
        if (r < 0) {
            rc = r;
            *err = xstrdup(store_errmsg(st));
            break;
        }
        problems |= r;
    }
    squeue_free(sq);
    progress_free(pg);
    if (interrupted)
        stats->interrupted = true;
    /* the join and the run's record belong to the load: a first load's
     * synced end (store_bulk_end) then covers them, and nothing is left for
     * the WAL to checkpoint when the file is closed */
    if (rc == HV_OK && storing) {
        if (store_join_received_helo(st, &stats->helo_joined) != HV_OK) {
            rc = HV_EDB;
            *err = xstrdup(store_errmsg(st));
        } else {
            count_helo_from(st, stats);
            sqlite3_stmt *q;
            if (sqlite3_prepare_v2(store_db(st),
                                   "INSERT INTO scan_runs(started_at,finished_at,files,"
                                   "bytes,lines,sessions,helo_joined)"
                                   " VALUES(?1,?2,?3,?4,?5,?6,?7)",
                                   -1, &q, NULL) == SQLITE_OK) {
                sqlite3_bind_int64(q, 1, started);
                sqlite3_bind_int64(q, 2, (int64_t)time(NULL));
                sqlite3_bind_int64(q, 3, stats->files);
                sqlite3_bind_int64(q, 4, stats->bytes);
                sqlite3_bind_int64(q, 5, stats->lines);
                sqlite3_bind_int64(q, 6, stats->sessions);
                sqlite3_bind_int64(q, 7, stats->helo_joined);
                sqlite3_step(q);
                sqlite3_finalize(q);
            }
        }
    }
    if (storing && store_bulk_end(st) != HV_OK && rc == HV_OK) {
        rc = HV_EDB;
        *err = xstrdup(store_errmsg(st));
    }
    for (size_t i = 0; i < in.n; i++)
        free(in.v[i].path);
    free(in.v);
    if (rc != HV_OK)
        return rc;
    return problems ? 1 : 0;
}

/* mta_counts - "postfix 97, exim 50, ..." (every MTA of the registry, in
 * its order) into buf, cut short at its size. */
static void mta_counts(const struct scan_stats *s, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int m = 0; m < HV_MTA_COUNT && used < size; m++) {
        int w = snprintf(buf + used, size - used, "%s%s %lld", m ? ", " : "",
                         hv_mta_name((enum hv_mta)m), (long long)s->sessions_by_mta[m]);
        used = w < 0 ? size : used + (size_t)w;
    }
}

void scan_print_summary(const struct scan_stats *s)
{
    msg_info("scan: %lld file(s) read, %lld unchanged, %lld failed; %lld bytes, %lld lines",
             (long long)s->files, (long long)s->files_unchanged,
             (long long)s->files_failed, (long long)s->bytes, (long long)s->lines);
    char by_mta[256];
    mta_counts(s, by_mta, sizeof(by_mta));
    msg_info("scan: sessions in these files: %lld (%s); with HELO %lld, without %lld",
             (long long)s->sessions, by_mta, (long long)s->sessions_with_helo,
             (long long)(s->sessions - s->sessions_with_helo));
    if (s->helo_joined > 0)
        msg_info("scan: %lld session(s) gained their HELO from a Received header",
                 (long long)s->helo_joined);
    else
        msg_info("scan: 0 sessions gained a HELO from Received headers");
    for (int m = 0; s->have_helo_from && m < HV_MTA_COUNT; m++) {
        const int64_t *h = s->helo_from[m];
        if (h[0] + h[1] + h[2] + h[3] + h[4] == 0)
            continue;
        msg_info("scan: HELO of %s sessions in the database: logged %lld, implied %lld,"
                 " from Received %lld, absent %lld, unobserved %lld",
                 hv_mta_name((enum hv_mta)m), (long long)h[SCAN_HELO_LOG],
                 (long long)h[SCAN_HELO_IMPLIED], (long long)h[SCAN_HELO_RECEIVED],
                 (long long)h[SCAN_HELO_NONE], (long long)h[SCAN_HELO_UNOBSERVED]);
    }
    if (s->nreasons > 0) {
        char buf[1024];
        size_t used = 0;
        buf[0] = '\0';
        int64_t other = 0;
        for (int i = 0; i < s->nreasons && used < sizeof(buf); i++) {
            if (strcmp(s->skip_reasons[i], HV_REASON_OTHER_PROGRAM) == 0) {
                other = s->skip_counts[i];   /* no fault: said on its own */
                continue;
            }
            int w = snprintf(buf + used, sizeof(buf) - used, "%s%s %lld", used ? ", " : "",
                             s->skip_reasons[i], (long long)s->skip_counts[i]);
            if (w < 0)
                break;
            used += (size_t)w;
        }
        if (used > 0)
            msg_info("scan: lines skipped or repaired, by reason: %s", buf);
        if (other > 0)
            msg_info("scan: %lld line(s) of other programs (not Postfix, Exim or Sendmail:"
                     " dovecot, opendkim...) ignored (" HV_REASON_OTHER_PROGRAM ")",
                     (long long)other);
    }
    if (s->interrupted)
        msg_warn("scan: interrupted; what was read is stored and the next scan continues");
}
