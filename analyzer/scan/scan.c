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
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "interrupt.h"
#include "lineio.h"
#include "mixed.h"
#include "msg.h"
#include "parser.h"
#include "progress.h"
#include "scandb.h"
#include "session_json.h"
#include "spamtext.h"
#include "squeue.h"
#include "xmem.h"

#define BATCH_LINES 250000   /* commit sessions this often inside a file */
#define DETECT_LINES 20


void scan_opts_init(struct scan_opts *o)
{
    memset(o, 0, sizeof(*o));
    hv_netlist_default_trusted(&o->trusted);
    o->count_helo_from = true;
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

/* maildir_time - the delivery time a Maildir message's name starts with
 * ("1793519713.V...": seconds, then a dot) when the file lies in a cur/ or
 * new/ folder, into *t; false otherwise. Unlike the mtime, which a copy or
 * a checkout resets, it orders a Maildir the same on every machine. */
static bool maildir_time(const char *path, int64_t *t)
{
    const char *base = strrchr(path, '/');
    if (base == NULL || base - path < 4)
        return false;
    const char *dir = base - 3;
    if (!((memcmp(dir, "cur", 3) == 0 || memcmp(dir, "new", 3) == 0) &&
          (dir == path || dir[-1] == '/')))
        return false;
    base++;
    int64_t v = 0;
    size_t n = 0;
    while (base[n] >= '0' && base[n] <= '9' && n < 12)
        v = v * 10 + (base[n++] - '0');
    if (n < 9 || base[n] != '.')
        return false;
    *t = v;
    return true;
}

/* first_line_time - the timestamp of the file's first line, else a Maildir
 * message's delivery time (maildir_time), else mtime. */
static int64_t first_line_time(const char *path, int64_t mtime)
{
    char *err = NULL;
    struct lineio *r = lineio_open(path, &err);
    if (r == NULL) {
        free(err);
        return mtime;
    }
    struct hv_line l;
    unsigned fl;
    int64_t ts = mtime;
    maildir_time(path, &ts);
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
 * left alone, but for the Maildir++ junk folders (".Junk", ".Spam": see
 * in_spam_folder), whose messages are read for their spam label. Returns
 * the number of unreadable entries. */
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
        size_t nl = strlen(name);
        bool junk = name[0] == '.' && nl > 1 && hv_spam_folder(name, nl);
        if (name[0] == '.' && !junk)
            continue;
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
        } else if (S_ISREG(sb.st_mode) && !junk) {
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
    int64_t labelled[HV_LABEL_SPAM + 1][HV_LFROM_FILTER + 1]; /* labels given */
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
    fc->known_upto = upto_line;
    int rc = scandb_session_lines(fc->st, fc->source_id, after_line, upto_line,
                                  &fc->known, &fc->nknown);
    if (fc->nknown > 0)
        fc->reseen = xcalloc(fc->nknown, sizeof(*fc->reseen));
    return rc;
}

/* drop_vanished - after a whole re-read from the resume point: delete the
 * rows an earlier run stored for sessions starting after that point which
 * this read did not give again. They no longer exist: a postscreen
 * connection still open at the old end, handed to smtpd since, is counted
 * as the smtpd session. HV_OK or HV_EDB. */
static int drop_vanished(struct file_ctx *fc)
{
    return scandb_drop_sessions(fc->st, fc->source_id, fc->known, fc->reseen,
                                fc->nknown);
}

/* count_label - a session's label, the first time it is given. */
static void count_label(struct file_ctx *fc, const struct hv_session *s)
{
    if (s->label != HV_LABEL_NONE && !(s->again && s->had_label) &&
        (unsigned)s->label <= HV_LABEL_SPAM && (unsigned)s->label_from <= HV_LFROM_FILTER)
        fc->labelled[s->label][s->label_from]++;
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
        count_label(fc, s);
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
    count_label(fc, s);
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

/* in_spam_folder - some component of path (a directory, or the mbox file
 * itself) names a junk folder (spamtext.h hv_spam_folder). */
static int in_spam_folder(const char *path)
{
    const char *p = path;
    while (*p != '\0') {
        const char *e = strchr(p, '/');
        size_t n = e != NULL ? (size_t)(e - p) : strlen(p);
        if (n > 0 && hv_spam_folder(p, n))
            return 1;
        if (e == NULL)
            break;
        p = e + 1;
    }
    return 0;
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
    for (int i = 0; i < HV_MTA_COUNT; i++)
        if (strcmp(name, hv_mta_name((enum hv_mta)i)) == 0)
            return i;
    return -1;
}

/* add_helo_from - one (mta, helo_from) group into stats->helo_from. */
static void add_helo_from(void *arg, const char *mta, const char *helo_from, int64_t n)
{
    static const char *const names[] = {"log", "implied", "received", "none"};
    struct scan_stats *stats = arg;
    int k = mta != NULL ? mta_index(mta) : -1;
    int o = SCAN_HELO_UNOBSERVED;
    for (int i = 0; helo_from != NULL && i < SCAN_HELO_UNOBSERVED; i++)
        if (strcmp(helo_from, names[i]) == 0)
            o = i;
    if (k >= 0)
        stats->helo_from[k][o] += n;
}

/* count_helo_from - stats->helo_from over the whole database (after the
 * Received join): the counts tally kept as the scan wrote (a first load),
 * else one pass over the sessions. HV_OK or HV_EDB. */
static int count_helo_from(struct store *st, struct scan_stats *stats)
{
    int rc = HV_OK;
    if (!store_watched_origins(st, add_helo_from, stats))
        rc = scandb_count_helo_from(st, add_helo_from, stats);
    if (rc == HV_OK)
        stats->have_helo_from = true;
    return rc;
}

/* Sessions of one source, as counted by count_session_rows. */
struct source_count {
    int64_t n, with_helo;
    int64_t by_mta[HV_MTA_COUNT];    /* by enum hv_mta */
};

/* add_source_count - one MTA's sessions of a source into a source_count. */
static void add_source_count(void *arg, const char *mta, int64_t n, int64_t with_helo)
{
    struct source_count *c = arg;
    int k = mta != NULL ? mta_index(mta) : -1;
    c->n += n;
    c->with_helo += with_helo;
    if (k >= 0)
        c->by_mta[k] += n;
}

/* count_session_rows - sessions (and those with a HELO) of one source,
 * and its sessions per MTA. HV_OK or HV_EDB. */
static int count_session_rows(struct store *st, int64_t source_id, struct source_count *c)
{
    memset(c, 0, sizeof(*c));
    return scandb_count_source(st, source_id, add_source_count, c);
}

/* threads_ok - more than one core, and HELOVAL_NO_THREADS not set: the
 * writer thread and read-ahead are worth their threads. */
static bool threads_ok(void)
{
    return sysconf(_SC_NPROCESSORS_ONLN) > 1 && getenv("HELOVAL_NO_THREADS") == NULL;
}

/* One input being scanned: what the steps of scan_file share. */
struct file_scan {
    struct store *st;
    struct squeue *sq;
    const struct scan_opts *o;
    const struct input *in;
    struct scan_stats *stats;
    struct progress *pg;
    bool emit;                   /* --emit jsonl: nothing is stored */
    struct lineio *r;            /* the open input (NULL once it failed) */
    const unsigned char *head;   /* its first bytes (borrowed from r) */
    size_t head_len;
    char fp[17];                 /* the fingerprint of head */
    struct store_source src;     /* src.id 0: not read before */
    const struct hv_format *fmt;
    bool resumed;                /* earlier runs stored part of this input */
    int64_t rows_before;         /* (resumed) its sessions stored before */
    bool restart;                /* ... but it is read again from its start */
    uint64_t start_off, start_line;
    int read_rc;                 /* the lineio result that ended the read */
    uint64_t end_off, lines;     /* where the read ended */
    struct file_ctx fc;          /* the parser callback's side */
    int rc;                      /* HV_OK or the store failure */
    int input_problem;           /* 1: the input failed (counted) */
};

/* find_known_source - fill fs->src with what an earlier run stored of this
 * content (src.id 0: none). HV_OK or HV_EDB. */
static int find_known_source(struct file_scan *fs)
{
    int rc = HV_OK;
    if (fs->head_len == LINEIO_HEAD)
        rc = store_find_source(fs->st, fs->fp, (int)fs->head_len, &fs->src);
    if (rc == HV_OK && fs->src.id == 0 && fs->head_len > 0) {
        /* a file read while it was shorter than LINEIO_HEAD is known by
         * the hash of that many first bytes; empty: nothing to know */
        struct head_arg ha = {fs->head, fs->head_len, ""};
        rc = store_find_source_prefix(fs->st, head_hash, &ha, &fs->src);
    }
    return rc;
}

/* is_unchanged - the input is a source read whole before and has not
 * grown since. */
static bool is_unchanged(const struct file_scan *fs)
{
    uint32_t isize;
    bool same = false;
    if (fs->src.id == 0)
        return false;
    if (!lineio_is_gzip(fs->r) && fs->in->size >= 0)
        same = fs->in->size == fs->src.bytes_read;
    else if (lineio_gzip_isize(fs->r, &isize))
        same = isize == (uint32_t)fs->src.bytes_read;
    return same && (int64_t)fs->head_len ==
                       (fs->src.bytes_read < LINEIO_HEAD ? fs->src.bytes_read : LINEIO_HEAD);
}

/* refuse_input - an input with no format to read it by (empty, a gzip
 * broken before its first byte, or not a log nor a mail file): said, counted
 * and, when it is a problem, kept as a source with its skip reason so the
 * report shows it. Sets fs->input_problem and fs->rc. */
static void refuse_input(struct file_scan *fs)
{
    const struct input *in = fs->in;
    struct store_source *src = &fs->src;
    int broken = 0;
    if (fs->head_len == 0) {
        struct hv_line l0;
        unsigned f0;
        broken = lineio_next(fs->r, &l0, &f0);
        broken = broken < 0 ? broken : 0;
    }
    const char *why = broken == LINEIO_ETRUNC ? "truncated-gzip"
                      : broken == LINEIO_ECORRUPT ? "corrupt-gzip"
                      : broken < 0 ? "read-error" : "unrecognised-format";
    if (broken < 0)
        msg_warn("%s: %s before the first line; nothing read", in->path,
                 lineio_strerror(broken));
    else if (fs->head_len == 0)
        msg_info("%s: empty, nothing to read", in->path);
    else
        msg_warn("%s: not a Postfix, Exim or Sendmail log nor a mail file;"
                 " skipped (use --format to force one)", in->path);
    bool problem = fs->head_len > 0 || broken < 0;
    fs->stats->files_failed += problem;
    fs->input_problem = problem;
    if (fs->emit || !problem)
        return;
    if (fs->head_len == 0) {
        /* a broken gzip without content: known by its path (fp_len 0) */
        fnv_hex((const unsigned char *)in->path, strlen(in->path), fs->fp);
        fs->rc = store_find_source(fs->st, fs->fp, 0, src);
    }
    if (fs->rc != HV_OK)
        return;
    /* count it so the report shows the unreadable input */
    snprintf(src->format, sizeof(src->format), "%s", "");
    src->size = in->size;
    src->mtime = in->mtime;
    if (src->id == 0) {
        fs->rc = store_save_source(fs->st, src, in->path, fs->fp, (int)fs->head_len,
                                   INT64_MIN, INT64_MIN);
        if (fs->rc == HV_OK)
            fs->rc = store_add_skips(fs->st, src->id, why, 1);
    }
}

/* identify_input - fingerprint the open input, find what earlier runs
 * stored of it and choose its format. Returns true when it is to be read;
 * false when it is done with (unchanged, refused, or a store failure in
 * fs->rc). */
static bool identify_input(struct file_scan *fs)
{
    fs->head = lineio_head(fs->r, &fs->head_len);
    fnv_hex(fs->head, fs->head_len, fs->fp);
    if (!fs->emit && (fs->rc = find_known_source(fs)) != HV_OK)
        return false;
    if (is_unchanged(fs)) {
        fs->stats->files_unchanged++;
        /* remember the newest name of this content */
        if (strcmp(fs->in->path, "-") != 0)
            fs->rc = scandb_rename_source(fs->st, fs->src.id, fs->in->path);
        return false;
    }
    const struct scan_opts *o = fs->o;
    if (o->format != NULL && strcmp(o->format, "auto") != 0)
        fs->fmt = hv_format_find(o->format);
    else if (fs->src.id != 0 && fs->src.format[0])
        fs->fmt = hv_format_find(fs->src.format);
    if (fs->fmt == NULL)
        fs->fmt = detect_format(fs->head, fs->head_len, fs->head_len < LINEIO_HEAD);
    if (fs->fmt == NULL || fs->fmt->open == NULL) {
        refuse_input(fs);
        return false;
    }
    return true;
}

/* choose_start - where the read starts: the resume point of a source read
 * before, or the start of a new input or of one that shrank (restart);
 * fills the source row's description of the input. */
static void choose_start(struct file_scan *fs)
{
    const struct input *in = fs->in;
    struct store_source *src = &fs->src;
    struct file_ctx *fc = &fs->fc;
    fc->st = fs->st;
    fc->sq = fs->sq;
    fc->o = fs->o;
    fc->stats = fs->stats;
    fc->path = in->path;
    fc->first_ts = fc->last_ts = INT64_MIN;
    fc->count_from_line = src->lines_read;

    fs->resumed = src->id != 0;
    fs->restart = fs->resumed && !lineio_is_gzip(fs->r) && in->size >= 0 &&
                  in->size < src->bytes_read;
    if (src->id != 0 && !fs->restart) {
        fs->start_off = (uint64_t)src->last_offset;
        fs->start_line = (uint64_t)src->last_line;
    }
    if (fs->restart)
        fc->count_from_line = 0;
    snprintf(src->format, sizeof(src->format), "%s", fs->fmt->name);
    src->size = in->size;
    src->mtime = in->mtime;
    src->compressed = lineio_is_gzip(fs->r);
}

/* skip_to_start - move the input to the start point. Returns true when
 * there; false when a stream ended before it (nothing new: counted
 * unchanged) or the input could not be opened again to be read from its
 * start (said, counted, fs->input_problem), the transaction rolled back. */
static bool skip_to_start(struct file_scan *fs)
{
    const struct input *in = fs->in;
    int k = lineio_skip_to(fs->r, fs->start_off, fs->start_line);
    if (k == LINEIO_OK)
        return true;
    if (in->size < 0) {
        /* a stream that ends before the resume point holds nothing
         * that was not read before; it cannot be read again anyway */
        if (!fs->emit)
            store_rollback(fs->st);
        fs->stats->files_unchanged++;
        return false;
    }
    /* shorter than before: read it again from the start */
    char *err = NULL;
    lineio_close(fs->r);
    fs->r = lineio_open(in->path, &err);
    if (fs->r == NULL) {
        msg_warn("%s", err);
        free(err);
        if (!fs->emit)
            store_rollback(fs->st);
        fs->stats->files_failed++;
        fs->input_problem = 1;
        return false;
    }
    fs->start_off = fs->start_line = 0;
    fs->fc.count_from_line = 0;
    fs->restart = true;
    return true;
}

/* begin_file - choose where the read starts, open the file's transaction
 * with its source row, move the input there and load the sessions stored
 * past it. Returns true when the lines are to be read; false when the file
 * is done with (nothing new in a stream, the input failed, or a store
 * failure in fs->rc), its transaction rolled back. */
static bool begin_file(struct file_scan *fs)
{
    struct store_source *src = &fs->src;
    struct file_ctx *fc = &fs->fc;
    choose_start(fs);
    if (!fs->emit) {
        if ((fs->rc = store_begin(fs->st)) != HV_OK)
            return false;
        /* the row exists before its sessions; its resume point only moves
         * at the end (see the file comment) */
        if (src->id == 0)
            fs->rc = store_save_source(fs->st, src, fs->in->path, fs->fp,
                                       (int)fs->head_len, INT64_MIN, INT64_MIN);
        if (fs->rc != HV_OK) {
            store_rollback(fs->st);
            return false;
        }
        fc->source_id = src->id;
    }
    if (fs->start_off > 0 && !skip_to_start(fs))
        return false;
    fs->rows_before = 0;
    if (fs->resumed && !fs->emit) {
        fs->rc = scandb_count_rows(fs->st, src->id, &fs->rows_before);
        if (fs->rc != HV_OK) {
            store_rollback(fs->st);
            return false;
        }
    }
    if (fs->resumed && !fs->restart && !fs->emit &&
        src->lines_read > (int64_t)fs->start_line) {
        fs->rc = load_known(fc, (int64_t)fs->start_line, src->lines_read);
        /* a format that tells where its open unit began (mbox) resumes at
         * the start of one: no tail of an earlier unit follows */
        fc->tails_possible = fs->fmt->open_since == NULL;
        if (fs->rc != HV_OK) {
            store_rollback(fs->st);
            return false;
        }
    }
    return true;
}

/* count_line_flags - count the repairs a line needed (once per line). */
static void count_line_flags(struct file_ctx *fc, unsigned flags)
{
    if (flags & LINE_TOO_LONG)
        count_reason(fc, "too-long", 1);
    if (flags & LINE_NUL)
        count_reason(fc, LINE_REASON_NUL, 1);
    if (flags & LINE_BAD_UTF8)
        count_reason(fc, LINE_REASON_BAD_UTF8, 1);
    if (flags & LINE_CRLF)
        count_reason(fc, LINE_REASON_CRLF, 1);
}

/* read_lines - feed every line from the start point to the parser p,
 * committing in batches, until the end, a read error, a store failure or
 * an interruption. Sets fs->read_rc (LINEIO_OK: stopped before the end),
 * fs->lines (the last line number read) and fs->end_off; a read error is
 * said, counted and makes fs->input_problem. */
static void read_lines(struct file_scan *fs, struct hv_mixed *p)
{
    struct file_ctx *fc = &fs->fc;
    struct lineio *r = fs->r;
    struct hv_line line;
    unsigned flags;
    int k;
    uint64_t batch = 0, last_lineno = fs->start_line;
    const uint64_t batch_lines =
        fc->st != NULL && store_first_load(fc->st) ? STORE_FIRST_LOAD_LINES : BATCH_LINES;
    while ((k = lineio_next(r, &line, &flags)) == LINEIO_OK) {
        last_lineno = line.lineno;
        bool counted = (int64_t)line.lineno > fc->count_from_line;
        if (flags & (LINE_CRLF | LINE_NUL | LINE_BAD_UTF8 | LINE_TOO_LONG)) {
            if (counted)
                count_line_flags(fc, flags);
            if (flags & LINE_TOO_LONG)
                continue;
        }
        if ((int64_t)line.lineno == fc->known_upto && fc->known_upto == fs->src.lines_read &&
            lineio_offset(r) != (uint64_t)fs->src.bytes_read)
            fc->known_upto--;   /* this line was cut short last time: it is new */
        if (flags & LINE_NO_EOL) {
            fc->cut = fc->feeding_cut = true;
            fc->cut_offset = line.offset;
            fc->cut_line = line.lineno - 1;
        }
        const char *reason = NULL;
        if (hv_mixed_feed(p, &line, &reason) == HV_PARSE_SKIP && counted)
            count_reason(fc, reason ? reason : "malformed", 1);
        fc->feeding_cut = false;
        if (fc->db_rc != HV_OK)
            break;
        if (++batch >= batch_lines) {
            batch = 0;
            fc->db_rc = commit_batch(fc);
            if (fc->db_rc != HV_OK)
                break;
        }
        if ((line.lineno & 4095) == 0) {
            progress_update(fs->pg, lineio_raw_offset(r), line.lineno);
            if (interrupt_requested())
                break;
        }
    }
    if (k < 0) {
        msg_warn("%s: %s after line %llu; the lines before it are kept", fs->in->path,
                 lineio_strerror(k), (unsigned long long)last_lineno);
        count_reason(fc, k == LINEIO_ETRUNC ? "truncated-gzip"
                         : k == LINEIO_ECORRUPT ? "corrupt-gzip" : "read-error", 1);
        fs->input_problem = 1;
    }
    fs->read_rc = k;
    fs->end_off = lineio_offset(r);
    fs->lines = last_lineno;
}

/* finish_parse - at the end of the input (or a read error): let the parser
 * emit what is still open and move the resume point back to the first line
 * of the earliest session still open, the earliest open unit, or a last
 * line without a newline. */
static void finish_parse(struct file_scan *fs, struct hv_mixed *p)
{
    struct file_ctx *fc = &fs->fc;
    fc->finishing = true;
    fc->resume_offset = fs->end_off;
    fc->resume_line = fs->lines;
    hv_mixed_finish(p);
    fc->finishing = false;
    uint64_t since_off, since_line;
    if (hv_mixed_open_since(p, &since_off, &since_line) && since_off < fc->resume_offset) {
        fc->resume_offset = since_off;
        fc->resume_line = since_line;
    }
    if (fc->cut && fc->cut_offset < fc->resume_offset) {
        fc->resume_offset = fc->cut_offset;
        fc->resume_line = fc->cut_line;
    }
}

/* parse_file - read the input through its parser into the store (or the
 * JSON lines): the read loop, the parser's finish at the end, the writer
 * thread drained, and the rows of vanished sessions dropped after a whole
 * re-read. The first store failure is left in fs->fc.db_rc. */
static void parse_file(struct file_scan *fs)
{
    struct file_ctx *fc = &fs->fc;
    if (threads_ok())
        (void)lineio_prefetch(fs->r);   /* read and inflate on the other core */
    struct hv_clock clock;
    hv_clock_init(&clock, fs->o->year, fs->in->mtime);
    struct hv_parse_opts popts = {&clock, &fs->o->trusted, is_single_message(fs->in->path),
                                  in_spam_folder(fs->in->path)};
    struct hv_mixed *p = hv_mixed_open(fs->fmt, &popts, on_session, fc);
    progress_file(fs->pg, fs->in->path, fs->in->size, lineio_is_gzip(fs->r));
    read_lines(fs, p);
    if (fs->read_rc == LINEIO_EOF || fs->read_rc < 0)
        finish_parse(fs, p);
    hv_mixed_close(p);
    int drc = drain(fc);
    if (fc->db_rc == HV_OK)
        fc->db_rc = drc;
    if (fc->db_rc == HV_OK && fs->read_rc == LINEIO_EOF && (int64_t)fs->lines >= fc->known_upto)
        fc->db_rc = drop_vanished(fc);
}

/* commit_file - end the file's transaction: an interrupted read keeps what
 * is stored and leaves the resume point; a finished one writes its skip
 * reasons and its source row (with the new resume point), commits, and
 * adds the file to the totals. A store failure rolls back and is left in
 * fs->rc. */
static void commit_file(struct file_scan *fs)
{
    struct file_ctx *fc = &fs->fc;
    struct scan_stats *stats = fs->stats;
    struct store_source *src = &fs->src;
    if (fc->db_rc == HV_OK && interrupt_requested() && fs->read_rc == LINEIO_OK) {
        /* stopped mid-file: keep what is stored, leave the resume point */
        stats->interrupted = true;
        if (!fs->emit)
            fc->db_rc = store_commit(fs->st);
        fs->rc = fc->db_rc;
        return;
    }
    if (fc->db_rc == HV_OK)
        fc->db_rc = flush_reasons(fc);
    if (fc->db_rc == HV_OK && !fs->emit) {
        src->bytes_read = (int64_t)fs->end_off;
        src->lines_read = (int64_t)fs->lines;
        src->last_offset = (int64_t)fc->resume_offset;
        src->last_line = (int64_t)fc->resume_line;
        fc->db_rc = store_save_source(fs->st, src, fs->in->path, fs->fp, (int)fs->head_len,
                                      fc->first_ts, fc->last_ts);
        if (fc->db_rc == HV_OK)
            fc->db_rc = store_commit(fs->st);
        struct source_count count = {fc->stored, fc->stored_helo, {0}};
        memcpy(count.by_mta, fc->stored_by_mta, sizeof(count.by_mta));
        /* earlier runs stored part of this file: count its rows */
        if (fc->db_rc == HV_OK && fs->resumed)
            fc->db_rc = count_session_rows(fs->st, src->id, &count);
        for (int m = 0; m < HV_MTA_COUNT; m++)
            stats->sessions_by_mta[m] += count.by_mta[m];
        stats->sessions += count.n;
        stats->sessions_with_helo += count.with_helo;
        stats->sessions_new += count.n > fs->rows_before ? count.n - fs->rows_before : 0;
        stats->files_resumed += fs->resumed;
    }
    if (fc->db_rc != HV_OK) {
        if (!fs->emit)
            store_rollback(fs->st);
        fs->rc = fc->db_rc;
        return;
    }
    for (int l = 0; l <= HV_LABEL_SPAM; l++)
        for (int f = 0; f <= HV_LFROM_FILTER; f++)
            stats->labelled[l][f] += fc->labelled[l][f];
    stats->files++;
    stats->bytes += (int64_t)(fs->end_off - fs->start_off);
    stats->lines += (int64_t)(fs->lines - fs->start_line);
}

/* scan_file - one input: identify it, begin its transaction at the resume
 * point, parse it, commit it. Returns HV_OK, 1 for an input problem
 * (counted), or a negative store error. */
static int scan_file(struct store *st, struct squeue *sq, const struct scan_opts *o,
                     const struct input *in, struct scan_stats *stats,
                     struct progress *pg)
{
    char *err = NULL;
    struct file_scan fs;
    memset(&fs, 0, sizeof(fs));
    fs.st = st;
    fs.sq = sq;
    fs.o = o;
    fs.in = in;
    fs.stats = stats;
    fs.pg = pg;
    fs.emit = o->emit_jsonl != NULL;
    fs.r = lineio_open(in->path, &err);
    if (fs.r == NULL) {
        msg_warn("%s", err);
        free(err);
        stats->files_failed++;
        return 1;
    }
    if (identify_input(&fs) && begin_file(&fs)) {
        parse_file(&fs);
        commit_file(&fs);
    }
    free(fs.fc.known);
    free(fs.fc.reseen);
    lineio_close(fs.r);
    if (fs.rc != HV_OK)
        return fs.rc;
    return fs.input_problem;
}

int scan_run(struct store *st, const struct scan_opts *o, char *const *paths,
             int npaths, struct scan_stats *stats, char **err)
{
    struct inputs in = {0};
    int problems = 0, rc = HV_OK;
    memset(stats, 0, sizeof(*stats));
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
    /* a first load starts from no sessions: what it writes is all there is */
    if (rc == HV_OK && storing && o->count_helo_from)
        (void)store_watch_origins(st);
    /* parse on this core, store on the other */
    struct squeue *sq = NULL;
    if (storing && rc == HV_OK && threads_ok())
        sq = squeue_new(st);
    for (size_t i = 0; i < in.n && !interrupt_requested() && rc == HV_OK; i++) {
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
    if (interrupt_requested())
        stats->interrupted = true;
    /* the join and the run's record belong to the load: a first load's
     * synced end (store_bulk_end) then covers them, and nothing is left for
     * the WAL to checkpoint when the file is closed */
    if (rc == HV_OK && storing) {
        if (store_join_received_helo(st, &stats->helo_joined, &stats->label_joined) !=
            HV_OK) {
            rc = HV_EDB;
            *err = xstrdup(store_errmsg(st));
        } else {
            if (o->count_helo_from)
                rc = count_helo_from(st, stats);
            if (rc == HV_OK) {
                struct scandb_run run = {started, (int64_t)time(NULL), stats->files,
                                         stats->bytes, stats->lines, stats->sessions,
                                         stats->helo_joined};
                rc = scandb_record_run(st, &run);
            }
            if (rc != HV_OK)
                *err = xstrdup(store_errmsg(st));
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
    char resumed[96] = "";
    if (s->files_resumed > 0)
        snprintf(resumed, sizeof(resumed), " (%lld resumed: only their new part)",
                 (long long)s->files_resumed);
    msg_info("scan: %lld file(s) read%s, %lld unchanged, %lld failed; %lld new bytes,"
             " %lld new lines",
             (long long)s->files, resumed, (long long)s->files_unchanged,
             (long long)s->files_failed, (long long)s->bytes, (long long)s->lines);
    char by_mta[256];
    mta_counts(s, by_mta, sizeof(by_mta));
    msg_info("scan: sessions in these files: %lld (%s); with HELO %lld, without %lld",
             (long long)s->sessions, by_mta, (long long)s->sessions_with_helo,
             (long long)(s->sessions - s->sessions_with_helo));
    if (s->files_resumed > 0)
        msg_info("scan: of them new since the last scan: %lld", (long long)s->sessions_new);
    if (s->helo_joined > 0)
        msg_info("scan: %lld session(s) gained their HELO from a Received header",
                 (long long)s->helo_joined);
    else
        msg_info("scan: 0 sessions gained a HELO from Received headers");
    const int64_t(*lb)[HV_LFROM_FILTER + 1] = s->labelled;
    int64_t spam = 0, ham = 0;
    for (int f = 0; f <= HV_LFROM_FILTER; f++) {
        spam += lb[HV_LABEL_SPAM][f];
        ham += lb[HV_LABEL_HAM][f];
    }
    if (spam + ham > 0)
        msg_info("scan: sessions labelled from these files: spam %lld (folder %lld, header %lld,"
                 " dnsbl %lld, content-filter %lld), ham %lld",
                 (long long)spam, (long long)lb[HV_LABEL_SPAM][HV_LFROM_FOLDER],
                 (long long)lb[HV_LABEL_SPAM][HV_LFROM_HEADER],
                 (long long)lb[HV_LABEL_SPAM][HV_LFROM_DNSBL],
                 (long long)lb[HV_LABEL_SPAM][HV_LFROM_FILTER], (long long)ham);
    if (s->label_joined > 0)
        msg_info("scan: %lld log session(s) took the label of their message (Received join)",
                 (long long)s->label_joined);
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
        char skipped[1024], repaired[256];
        size_t used = 0, rused = 0;
        skipped[0] = repaired[0] = '\0';
        int64_t other = 0;
        for (int i = 0; i < s->nreasons; i++) {
            const char *why = s->skip_reasons[i];
            if (strcmp(why, HV_REASON_OTHER_PROGRAM) == 0) {
                other = s->skip_counts[i];   /* no fault: said on its own */
                continue;
            }
            bool repair = lineio_reason_is_repair(why);
            char *buf = repair ? repaired : skipped;
            size_t size = repair ? sizeof(repaired) : sizeof(skipped);
            size_t *at = repair ? &rused : &used;
            if (*at >= size)
                continue;
            int w = snprintf(buf + *at, size - *at, "%s%s %lld", *at ? ", " : "", why,
                             (long long)s->skip_counts[i]);
            if (w > 0)
                *at += (size_t)w;
        }
        if (used > 0)
            msg_info("scan: lines skipped, by reason: %s", skipped);
        if (rused > 0)
            msg_info("scan: lines repaired and read (not skipped): %s", repaired);
        if (other > 0)
            msg_info("scan: %lld line(s) of other programs (not Postfix, Exim or Sendmail:"
                     " dovecot, opendkim...) ignored (" HV_REASON_OTHER_PROGRAM ")",
                     (long long)other);
    }
    if (s->interrupted)
        msg_warn("scan: interrupted; what was read is stored and the next scan continues");
}
