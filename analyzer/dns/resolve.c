/* SPDX-License-Identifier: MIT */
/*
 * resolve - the resolve stage: work list from SQLite in chunks, event-driven
 * evaluation over the network, results in SQLite. See resolve.h.
 *
 * Per chunk: a hash map of every (qname, qtype) the evaluators asked for
 * holds the known answers (from the map itself, the zone files, dns_cache
 * or the network) and, for a missing one, the jobs waiting for it. A miss
 * is submitted to the resolver at once; when its answer arrives (on_fetched)
 * it is stored in dns_cache and every job whose last missing answer it was
 * is evaluated again (schedule/drain, never nested). The map is dropped
 * after each chunk: across chunks, dns_cache deduplicates.
 */
#include "resolve.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ascii.h"
#include "csa.h"
#include "dna.h"
#include "dnscache.h"
#include "dnsmsg.h"
#include "interrupt.h"
#include "msg.h"
#include "csvsql.h"
#include "policy.h"
#include "qtable.h"
#include "resolvedb.h"
#include "resolver.h"
#include "rwriter.h"
#include "xmem.h"
#include "zonefile.h"

#define RESULT_DEFAULT_TTL 3600  /* a result whose answers gave no TTL */
#define CHUNK_MIN 512
#define CHUNK_MAX 8192

/* One (qname, qtype) asked for in the current chunk. */
struct ans {
    char *qname;              /* owned; node.name points to it */
    struct qtable_node node;  /* in ctx.answers */
    bool known;               /* false: missing, to fetch */
    enum dnsq_status status;
    unsigned char *msg;       /* owned; NULL when there is none */
    size_t len;
    size_t *waiters;          /* jobs to evaluate again when it arrives */
    size_t nwait, capwait;
};

/* One unit of work: CSA for (helo, ip) or DNA for helo. */
struct job {
    char *helo;   /* NULL: the session never showed a HELO */
    char *ip;     /* NULL for DNA jobs */
    bool done;
    int evals;    /* evaluator calls so far (capped: RESOLVE_MAX_ROUNDS) */
    int waiting;  /* answers it waits for; evaluated again at 0 */
};

enum job_kind { JOB_CSA, JOB_DNA };

/* The progress bar, shared by the workers. */
struct prog {
    pthread_mutex_t mu;       /* the fields below but done; the printing */
    atomic_llong done;        /* jobs finished */
    long long total;
    struct timespec t0, last;
    bool shown;
};

/* The run (resolve_run's) or one worker (run_chunk's): a worker has its
 * own answer map, resolver, ready list and counters; the store, the
 * writer, the cache and the zone files are the run's, shared (the SQLite
 * handle through rwriter_lock). */
struct ctx {
    struct store *st;
    struct resolvedb *rdb;    /* the result writers */
    struct rwriter *wr;       /* writer thread (network runs), or NULL */
    const struct resolve_opts *o;
    struct dnscache *cache;
    struct zonefile *zf;
    struct resolver *res;
    struct csa_opts copts;
    struct dna_opts dopts;
    int64_t now;
    struct qtable answers;    /* the current chunk's struct ans */
    enum job_kind kind;       /* of the current chunk */
    struct job *jobs;         /* the current chunk */
    size_t njobs;
    size_t *ready;            /* jobs to evaluate (again) */
    size_t nready, capready;
    long cur;                 /* job being evaluated, -1: none */
    int depth;                /* evaluations on the stack */
    int jobrc;                /* first error from a callback */
    struct dna_result *dr;    /* scratch for dna_evaluate */
    char *last_helo;          /* of the last CSA result written */
    long long csa_names;      /* distinct HELOs in the CSA pass */
    struct resolve_stats stats;
    struct prog *pg;          /* the run's progress */
    int dberr;                /* first SQLite failure seen in a callback */
    int runrc;                /* (worker) resolver_run failed: -1 */
    struct ctx *wk;           /* (run) the workers */
    int nwk;
    struct resolver **wres;   /* (run) the resolvers; res is wres[0] */
    int nres;
};


void resolve_opts_init(struct resolve_opts *o)
{
    memset(o, 0, sizeof *o);
    o->concurrency = 1000;
    o->timeout_ms = 1500;
    o->tries = 2;
    o->qps = 0;
    o->max_age = -1;
    o->use_reverse = true;
    o->parent_search = true;
    o->search_limit = 5;
    o->authserv_id = "localhost";
}

/* ==== small helpers ==== */

/* db_err - a malloc'ed "database: <detail>". */
static char *db_err(const char *detail)
{
    size_t n = strlen(detail) + 16;
    char *s = xmalloc(n);
    snprintf(s, n, "database: %s", detail);
    return s;
}

/* mono - monotonic seconds. */
static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* wall_now - epoch seconds; HELOVAL_NOW overrides it (tests of expiry). */
static int64_t wall_now(void)
{
    const char *s = getenv("HELOVAL_NOW");
    if (s != NULL && *s != '\0') {
        char *end;
        long long v;
        errno = 0;
        v = strtoll(s, &end, 10);
        if (errno == 0 && *end == '\0' && v > 0)
            return (int64_t)v;
    }
    return (int64_t)time(NULL);
}

/* ==== the per-chunk answer map ==== */

/* map_get - the answer to (q, qtype) of this chunk, or NULL. */
static struct ans *map_get(struct ctx *c, const char *q, int qtype,
                           unsigned h)
{
    struct qtable_node *n = qtable_find(&c->answers, q, qtype, h);
    return n != NULL ? QTABLE_ENTRY(n, struct ans, node) : NULL;
}

/* map_add - a new, unknown answer to (q, qtype) (not in the map yet). */
static struct ans *map_add(struct ctx *c, const char *q, int qtype,
                           unsigned h)
{
    struct ans *a = xcalloc(1, sizeof *a);
    a->qname = xstrdup(q);
    qtable_insert(&c->answers, &a->node, a->qname, qtype, h);
    return a;
}

/* map_clear - free every answer of the chunk. */
static void map_clear(struct ctx *c)
{
    struct qtable_node *n = qtable_take_all(&c->answers);
    while (n) {
        struct qtable_node *next = n->next;
        struct ans *a = QTABLE_ENTRY(n, struct ans, node);
        free(a->qname);
        free(a->msg);
        free(a->waiters);
        free(a);
        n = next;
    }
}

/* classify - status and cache TTL of a raw answer to (q, qtype). */
static enum dnsq_status classify(const char *q, int qtype,
                                 const unsigned char *msg, size_t len,
                                 uint32_t *ttl)
{
    struct dnsmsg m;
    enum dnsq_status st = DNSQ_ERROR;

    *ttl = 0;
    if (dnsmsg_parse(msg, len, &m) == 0) {
        st = dnsmsg_status(&m, q, qtype);
        *ttl = dnsmsg_cache_ttl(&m, st);
    }
    dnsmsg_free(&m);
    return st;
}

/* set_known - record an answer (msg copied when copy, else taken). */
static void set_known(struct ans *a, enum dnsq_status st,
                      unsigned char *msg, size_t len, bool copy)
{
    a->known = true;
    a->status = st;
    if (msg != NULL && len > 0) {
        if (copy) {
            a->msg = xmalloc(len);
            memcpy(a->msg, msg, len);
        } else {
            a->msg = msg;
        }
        a->len = len;
    } else if (!copy) {
        free(msg);
    }
}

static void on_fetched(void *arg, const char *q, int qtype,
                       enum resolver_outcome oc, const unsigned char *msg,
                       size_t len);
static void schedule(struct ctx *c, size_t idx);
static void drain(struct ctx *c);

/* lookup - the dns_lookup_fn given to the evaluators. */
static bool lookup(void *arg, const char *q, int qtype,
                   struct dns_result *out)
{
    struct ctx *c = arg;
    unsigned h = qtable_hash(q, qtype);
    struct ans *a = map_get(c, q, qtype, h);

    if (a == NULL) {
        a = map_add(c, q, qtype, h);
        if (c->zf != NULL) {
            unsigned char *w = NULL;
            size_t wl = 0;
            int r = zonefile_answer(c->zf, q, qtype, &w, &wl);
            if (r == 1) {
                uint32_t ttl;
                set_known(a, classify(q, qtype, w, wl, &ttl), w, wl, false);
            } else if (r < 0) {
                set_known(a, DNSQ_ERROR, NULL, 0, true);
            } else if (c->res == NULL) {
                /* Zone files only: they are all the DNS there is. */
                set_known(a, DNSQ_NXDOMAIN, NULL, 0, true);
            }
        }
        if (!a->known && c->cache != NULL) {
            struct dnscache_entry e;
            int r;
            if (c->wr != NULL)
                rwriter_lock(c->wr);
            r = dnscache_get(c->cache, q, qtype, c->now, c->o->max_age, &e);
            if (r < 0 && c->dberr == 0)
                c->dberr = store_fail(c->st, "reading the DNS cache");
            if (c->wr != NULL)
                rwriter_unlock(c->wr);
            if (r == 1) {
                set_known(a, e.status, e.answer, e.len, false);
                c->stats.cache_hits++;
            }
        }
        if (!a->known && c->res != NULL) {
            /* Ask now: the server works while the evaluations go on. */
            if (resolver_submit(c->res, a->qname, a->node.qtype, on_fetched, c)
                != 0)
                set_known(a, DNSQ_ERROR, NULL, 0, true);
            else
                resolver_flush(c->res);
        }
    }
    if (!a->known) {
        /* The job asking is evaluated again when the answer arrives. */
        if (c->cur >= 0) {
            if (a->nwait == a->capwait) {
                a->capwait = a->capwait ? a->capwait * 2 : 4;
                a->waiters = xrealloc(a->waiters,
                                      a->capwait * sizeof *a->waiters);
            }
            a->waiters[a->nwait++] = (size_t)c->cur;
            c->jobs[c->cur].waiting++;
        }
        return false;
    }
    out->status = a->status;
    out->msg = a->msg;
    out->len = a->len;
    return true;
}

/* on_fetched - resolver callback: remember and cache one answer. */
static void on_fetched(void *arg, const char *q, int qtype,
                       enum resolver_outcome oc, const unsigned char *msg,
                       size_t len)
{
    struct ctx *c = arg;
    struct ans *a = map_get(c, q, qtype, qtable_hash(q, qtype));
    enum dnsq_status st;
    uint32_t ttl = 0;
    int rcode = 0;

    if (a == NULL || a->known || oc == RESOLVER_CANCELLED)
        return;
    switch (oc) {
    case RESOLVER_ANSWER:
        st = classify(q, qtype, msg, len, &ttl);
        rcode = len >= 4 ? (msg[3] & 0x0f) : 0;
        break;
    case RESOLVER_TIMEOUT:
        st = DNSQ_TIMEOUT;
        break;
    default:
        st = DNSQ_ERROR;
        break;
    }
    c->stats.lookups++;
    if (st == DNSQ_TIMEOUT)
        c->stats.timeouts++;
    else if (st != DNSQ_OK && st != DNSQ_NODATA && st != DNSQ_NXDOMAIN)
        c->stats.failures++;
    set_known(a, st, (unsigned char *)(uintptr_t)msg, len, true);
    if (c->cache != NULL && c->wr != NULL)
        rwriter_put_cache(c->wr, q, qtype, st, rcode, msg, len,
                          dnscache_ttl(st, ttl), c->now);
    else if (c->cache != NULL &&
        dnscache_put(c->cache, q, qtype, st, rcode, msg, len,
                     dnscache_ttl(st, ttl), c->now) != 0 &&
        c->dberr == 0)
        c->dberr = store_fail(c->st, "writing the DNS cache");
    /* A job is evaluated again once every answer it asked for is in:
     * one evaluation per round of lookups, as RESOLVE_MAX_ROUNDS counts. */
    for (size_t i = 0; i < a->nwait; i++) {
        struct job *j = &c->jobs[a->waiters[i]];
        if (--j->waiting == 0)
            schedule(c, a->waiters[i]);
    }
    a->nwait = 0;
    drain(c);
}

/* ==== progress ==== */

/* progress - the progress bar on stderr, at most every 200 ms (final:
 * now, and the line ended); a worker that finds another one printing
 * skips. */
static void progress(struct ctx *c, bool final)
{
    struct prog *p = c->pg;
    struct timespec ts;
    double el, rate, ms;
    long long left, done;

    if (!c->o->progress || msg_quiet)
        return;
    if (final)
        pthread_mutex_lock(&p->mu);
    else if (pthread_mutex_trylock(&p->mu) != 0)
        return;
    done = atomic_load(&p->done);
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ms = (double)(ts.tv_sec - p->last.tv_sec) * 1000.0 +
         (double)(ts.tv_nsec - p->last.tv_nsec) / 1e6;
    if (!final && p->shown && ms < 200.0) {
        pthread_mutex_unlock(&p->mu);
        return;
    }
    p->last = ts;
    el = (double)(ts.tv_sec - p->t0.tv_sec) +
         (double)(ts.tv_nsec - p->t0.tv_nsec) / 1e9;
    rate = el > 0 ? (double)done / el : 0;
    left = p->total > done ? p->total - done : 0;
    if (rate > 0) {
        long long eta = (long long)((double)left / rate);
        fprintf(stderr, "\rheloval: resolve %lld/%lld  %.0f/s  ETA %lld:%02lld  ",
                done, p->total, rate, eta / 60, eta % 60);
    } else {
        fprintf(stderr, "\rheloval: resolve %lld/%lld  ", done, p->total);
    }
    p->shown = true;
    if (final)
        fputc('\n', stderr);
    fflush(stderr);
    pthread_mutex_unlock(&p->mu);
}

/* ==== writing results ==== */

/* result_ttl - how long a result stays fresh. */
static int64_t result_ttl(const struct ctx *c, bool defer, uint32_t ttl)
{
    if (defer)
        return DNSCACHE_FAIL_TTL;
    if (c->o->max_age >= 0)
        return c->o->max_age;
    return ttl ? (int64_t)ttl : RESULT_DEFAULT_TTL;
}

/* write_csa - store the CSA result of job j; counts the pair and, jobs
 * coming sorted by HELO, each new name. HV_OK or HV_EDB. */
static int write_csa(struct ctx *c, const struct job *j,
                     const struct csa_result *r)
{
    bool defer = strcmp(r->status, "defer") == 0;
    struct resolvedb_csa row = {
        j->helo ? j->helo : "", j->ip, r->status, r->reason, r->record,
        c->now, c->now + result_ttl(c, defer, r->ttl)};

    c->stats.pairs++;
    if (j->helo != NULL &&
        (c->last_helo == NULL || strcmp(c->last_helo, j->helo) != 0)) {
        /* Jobs come sorted by HELO: a new name. */
        free(c->last_helo);
        c->last_helo = xstrdup(j->helo);
        c->csa_names++;
    }
    if (c->wr != NULL) {
        rwriter_put_csa(c->wr, &row); /* failures come with the drain */
        return HV_OK;
    }
    return resolvedb_put_csa(c->rdb, &row);
}

/* write_dna - replace the DNA rows of job j's HELO: one per service, then
 * its verdict; counts the name. HV_OK or HV_EDB. */
static int write_dna(struct ctx *c, const struct job *j,
                     const struct dna_result *r)
{
    bool defer = strcmp(r->status, "defer") == 0;
    char g[2] = { 0, 0 };
    int rc;

    if (c->wr != NULL)
        rwriter_lock(c->wr);
    rc = resolvedb_clear_dna(c->rdb, j->helo);
    for (size_t i = 0; rc == HV_OK && i < r->n; i++) {
        const struct dna_service_result *sv = &r->svc[i];
        bool sdefer = strcmp(sv->status, "defer") == 0;
        g[0] = sv->grade;
        struct resolvedb_dna row = {
            j->helo, sv->service, g, sv->level, sv->info, sv->status,
            c->now, c->now + result_ttl(c, sdefer, sv->ttl)};
        rc = resolvedb_put_dna(c->rdb, &row);
    }
    if (rc == HV_OK) {
        g[0] = r->grade;
        struct resolvedb_dna_result row = {
            j->helo, r->status, g, r->service,
            c->now, c->now + result_ttl(c, defer, r->ttl)};
        rc = resolvedb_put_dna_result(c->rdb, &row);
    }
    if (c->wr != NULL)
        rwriter_unlock(c->wr);
    c->stats.names++;
    return rc;
}

/* write_capped - a job still pending after RESOLVE_MAX_ROUNDS: defer. */
static int write_capped(struct ctx *c, enum job_kind kind,
                        const struct job *j)
{
    if (kind == JOB_CSA) {
        struct csa_result r;
        memset(&r, 0, sizeof r);
        r.status = "defer";
        r.reason = "srv-lookup-failed";
        return write_csa(c, j, &r);
    } else {
        struct dna_result *r = xcalloc(1, sizeof *r);
        int rc;
        r->status = "defer";
        r->ptr_status = "";
        rc = write_dna(c, j, r);
        free(r);
        return rc;
    }
}

/* ==== evaluation ==== */

/* eval_job - run the evaluator once; write the result when done. Returns
 * EVAL_DONE, EVAL_PENDING or HV_EDB. */
static int eval_job(struct ctx *c, struct job *j)
{
    int rc;

    if (c->kind == JOB_CSA) {
        struct csa_result r;
        rc = csa_evaluate(j->helo, j->ip, &c->copts, lookup, c, &r);
        if (rc == EVAL_DONE && write_csa(c, j, &r) != 0)
            return HV_EDB;
    } else {
        rc = dna_evaluate(j->helo, &c->dopts, lookup, c, c->dr);
        if (rc == EVAL_DONE && write_dna(c, j, c->dr) != 0)
            return HV_EDB;
    }
    return rc;
}

/* schedule - queue job idx for an evaluation. */
static void schedule(struct ctx *c, size_t idx)
{
    if (c->nready == c->capready) {
        c->capready = c->capready ? c->capready * 2 : 1024;
        c->ready = xrealloc(c->ready, c->capready * sizeof *c->ready);
    }
    c->ready[c->nready++] = idx;
}

/* run_one - evaluate job idx once (unless done); past the round cap the
 * job is written as deferred. */
static void run_one(struct ctx *c, size_t idx)
{
    struct job *j = &c->jobs[idx];
    int e;

    if (j->done || c->jobrc != HV_OK)
        return;
    if (++j->evals > RESOLVE_MAX_ROUNDS) {
        e = write_capped(c, c->kind, j) == 0 ? EVAL_DONE : HV_EDB;
    } else {
        c->cur = (long)idx;
        e = eval_job(c, j);
        c->cur = -1;
    }
    if (e == EVAL_DONE) {
        j->done = true;
        atomic_fetch_add(&c->pg->done, 1);
        progress(c, false);
    } else if (e != EVAL_PENDING) {
        c->jobrc = e;
    }
    if (c->dberr != 0 && c->jobrc == HV_OK)
        c->jobrc = c->dberr;
}

/* drain - evaluate every scheduled job; never nested (an answer arriving
 * during an evaluation only schedules). */
static void drain(struct ctx *c)
{
    if (c->depth > 0)
        return;
    c->depth++;
    while (c->nready > 0 && c->jobrc == HV_OK)
        run_one(c, c->ready[--c->nready]);
    c->depth--;
}

/* worker_chunk - worker w evaluates its share of the chunk (w->jobs):
 * each job is evaluated, its missing answers are sent at once, and it is
 * evaluated again as soon as they are in (inside the resolver's
 * callbacks), until it is done or nothing more can come. */
static void worker_chunk(struct ctx *w)
{
    bool pending = false;

    w->nready = 0;
    w->jobrc = HV_OK;
    w->runrc = 0;
    for (size_t i = w->njobs; i > 0; i--)
        schedule(w, i - 1); /* drained last-in first: keeps the order */
    drain(w);
    for (size_t i = 0; i < w->njobs; i++)
        pending = pending || !w->jobs[i].done;
    if (pending && w->res != NULL && w->jobrc == HV_OK &&
        resolver_run(w->res, interrupt_flag()) != 0)
        w->runrc = -1;
}

/* worker_main - worker_chunk in a thread of its own. */
static void *worker_main(void *arg)
{
    worker_chunk(arg);
    return NULL;
}

/* worker_of - the worker of a job: by a hash of its HELO (of its IP when
 * it has none), so every job of a name is in one worker, which asks the
 * name's questions once per chunk. */
static int worker_of(const struct ctx *c, const struct job *j)
{
    const char *k = j->helo != NULL ? j->helo : j->ip;
    unsigned h = 2166136261u;

    if (c->nwk <= 1 || k == NULL)
        return 0;
    for (; *k != '\0'; k++)
        h = (h ^ (unsigned char)to_lower((unsigned char)*k)) * 16777619u;
    return (int)(h % (unsigned)c->nwk);
}

/* run_chunk - evaluate a chunk of jobs: split between the workers (each
 * its own event loop; the first on this thread, the others on threads
 * of their own), then what is still pending is deferred. One transaction
 * per chunk. */
static int run_chunk(struct ctx *c, enum job_kind kind, struct job *jobs,
                     size_t n, char **err)
{
    int rc = HV_OK;
    pthread_t th[RESOLVE_MAX_THREADS];
    bool started[RESOLVE_MAX_THREADS];

    if (store_begin(c->st) != HV_OK) {
        rc = HV_EDB;
        goto out;
    }
    for (int k = 0; k < c->nwk; k++) {
        c->wk[k].kind = kind;
        c->wk[k].jobs = xmalloc((n ? n : 1) * sizeof *jobs);
        c->wk[k].njobs = 0;
    }
    for (size_t i = 0; i < n; i++) {
        struct ctx *w = &c->wk[worker_of(c, &jobs[i])];
        w->jobs[w->njobs++] = jobs[i];
    }
    for (int k = 1; k < c->nwk; k++)
        started[k] = pthread_create(&th[k], NULL, worker_main, &c->wk[k]) == 0;
    worker_chunk(&c->wk[0]);
    for (int k = 1; k < c->nwk; k++) {
        if (started[k])
            pthread_join(th[k], NULL);
        else
            worker_chunk(&c->wk[k]); /* no thread: here, after the first */
    }
    for (int k = 0; k < c->nwk; k++) {
        if (c->wk[k].runrc != 0 && rc == HV_OK)
            rc = HV_EDNS;
    }
    for (int k = 0; rc == HV_OK && k < c->nwk; k++)
        rc = c->wk[k].jobrc;
    /* Nothing more can come for what is still pending: defer it, unless
     * the run is being stopped (then the next run does it). */
    for (int k = 0; k < c->nwk; k++) {
        struct ctx *w = &c->wk[k];
        for (size_t i = 0; rc == HV_OK && !interrupt_requested() &&
                           i < w->njobs; i++) {
            if (w->jobs[i].done)
                continue;
            rc = write_capped(w, kind, &w->jobs[i]) == 0 ? HV_OK : HV_EDB;
            w->jobs[i].done = true;
            atomic_fetch_add(&c->pg->done, 1);
        }
    }
    for (int k = 0; k < c->nwk; k++) {
        free(c->wk[k].jobs);
        c->wk[k].jobs = NULL;
        c->wk[k].njobs = 0;
    }
    /* Everything queued is written before the commit (or the rollback). */
    if (c->wr != NULL && rwriter_drain(c->wr) != HV_OK &&
        (rc == HV_OK || rc == HV_EDNS))
        rc = HV_EDB;
    if (rc == HV_OK || rc == HV_EDNS) {
        if (store_commit(c->st) != HV_OK)
            rc = HV_EDB;
    } else {
        store_rollback(c->st);
    }
    if (rc == HV_OK && interrupt_requested())
        rc = HV_EINTR;
out:
    if (rc == HV_EDB && *err == NULL)
        *err = db_err(store_errmsg(c->st));
    else if (rc == HV_EDNS && *err == NULL)
        *err = xstrdup("DNS event loop failed");
    return rc;
}

/* ==== the work list ==== */

/* free_jobs - the texts of n jobs. */
static void free_jobs(struct job *jobs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(jobs[i].helo);
        free(jobs[i].ip);
    }
}

/* A chunk of jobs being read from the work list. */
struct chunk_fill {
    struct job *jobs;
    size_t n;
    enum resolvedb_work work;
};

/* add_job - one work-list row (a, b: see resolvedb_work_next) as a job. */
static void add_job(void *arg, const char *a, const char *b)
{
    struct chunk_fill *f = arg;
    struct job *j = &f->jobs[f->n++];
    memset(j, 0, sizeof *j);
    if (f->work == RESOLVEDB_NOHELO) {
        j->helo = NULL;
        j->ip = xstrdup(a ? a : "");
    } else {
        j->helo = xstrdup(a ? a : "");
        j->ip = f->work == RESOLVEDB_PAIRS ? xstrdup(b ? b : "") : NULL;
    }
}

/* run_pass - stream one kind of work from the work list in chunks, each
 * evaluated by run_chunk. */
static int run_pass(struct ctx *c, enum resolvedb_work work, char **err)
{
    size_t chunk = (size_t)c->o->concurrency * 4;
    enum job_kind kind = work == RESOLVEDB_HELOS ? JOB_DNA : JOB_CSA;
    struct resolvedb_cursor *w;
    struct chunk_fill fill;
    char *k1 = xstrdup(""), *k2 = xstrdup("");
    int rc = HV_OK;

    if (chunk < CHUNK_MIN)
        chunk = CHUNK_MIN;
    if (chunk > CHUNK_MAX)
        chunk = CHUNK_MAX;
    fill.jobs = xcalloc(chunk, sizeof *fill.jobs);
    fill.work = work;
    if (resolvedb_work_open(c->st, work, c->now, c->o->max_age, &w) != HV_OK) {
        *err = db_err(store_errmsg(c->st));
        free(fill.jobs);
        free(k1);
        free(k2);
        return HV_EDB;
    }
    while (rc == HV_OK && !interrupt_requested()) {
        size_t n;

        fill.n = 0;
        if (resolvedb_work_next(w, k1, k2, chunk, add_job, &fill, &n) != HV_OK) {
            *err = db_err(store_errmsg(c->st));
            rc = HV_EDB;
        }
        n = fill.n;
        if (rc != HV_OK || n == 0) {
            free_jobs(fill.jobs, n);
            break;
        }
        /* Next chunk starts after the last key of this one. */
        free(k1);
        free(k2);
        if (work == RESOLVEDB_NOHELO) {
            k1 = xstrdup(fill.jobs[n - 1].ip);
            k2 = xstrdup("");
        } else {
            k1 = xstrdup(fill.jobs[n - 1].helo);
            k2 = xstrdup(fill.jobs[n - 1].ip ? fill.jobs[n - 1].ip : "");
        }
        rc = run_chunk(c, kind, fill.jobs, n, err);
        for (int k = 0; k < c->nwk; k++)
            map_clear(&c->wk[k]);
        free_jobs(fill.jobs, n);
        if (n < chunk)
            break;
    }
    resolvedb_work_close(w);
    free(fill.jobs);
    free(k1);
    free(k2);
    if (rc == HV_OK && interrupt_requested())
        rc = HV_EINTR;
    return rc;
}

/* ==== setup ==== */

/* join - "a,b,c" of n strings (malloc'ed). */
static char *join(const char **v, size_t n)
{
    size_t len = 1;
    char *s;
    for (size_t i = 0; i < n; i++)
        len += strlen(v[i]) + 1;
    s = xmalloc(len);
    s[0] = '\0';
    len = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = strlen(v[i]);
        if (i > 0)
            s[len++] = ',';
        memcpy(s + len, v[i], k);
        len += k;
        s[len] = '\0';
    }
    return s;
}

/* setup_meta - options signatures, authserv-id, policy. Called only once
 * the DNS sources are ready (setup_dns), so a setup failure changes
 * nothing. */
static int setup_meta(struct ctx *c, char **err)
{
    const struct resolve_opts *o = c->o;
    char *zones = join(o->zones, o->nzones);
    char *svcs = join(o->accreditors, o->naccreditors);
    size_t n = strlen(zones) + strlen(svcs) + 160;
    char *sig = xmalloc(n);
    int rc;

    if (resolvedb_ensure_indexes(c->st) != HV_OK || store_begin(c->st) != HV_OK) {
        *err = db_err(store_errmsg(c->st));
        rc = HV_EDB;
        goto out;
    }
    snprintf(sig, n, "reverse=%d parent=%d limit=%d source=%s%s",
             o->use_reverse, o->parent_search, o->search_limit,
             o->nzones ? "zones:" : "dns", zones);
    rc = resolvedb_set_csa_opts(c->st, sig);
    snprintf(sig, n, "trust=%d services=%s source=%s%s", o->trust_listed,
             svcs, o->nzones ? "zones:" : "dns", zones);
    if (rc == HV_OK)
        rc = resolvedb_set_dna_opts(c->st, sig,
                                    o->naccreditors > 0 || o->trust_listed);
    if (rc == HV_OK)
        rc = resolvedb_set_authserv_id(c->st,
                                       o->authserv_id ? o->authserv_id : "localhost");
    if (rc == HV_OK && o->policy_file != NULL) {
        struct policy p;
        rc = policy_load(o->policy_file, &p, err);
        if (rc != HV_OK) {
            store_rollback(c->st);
            goto out;
        }
        if (policy_store(&p, store_db(c->st)) != 0)
            rc = store_fail(c->st, "storing the policy");
    }
    if (rc != HV_OK) {
        *err = db_err(store_errmsg(c->st)); /* before the rollback */
        store_rollback(c->st);
        goto out;
    }
    if (store_commit(c->st) != HV_OK) {
        *err = db_err(store_errmsg(c->st));
        rc = HV_EDB;
    }
out:
    free(zones);
    free(svcs);
    free(sig);
    return rc;
}

/* setup_dns - zone files, cache, resolver. */
static int setup_dns(struct ctx *c, char **err)
{
    const struct resolve_opts *o = c->o;
    char *e = NULL;

    if (o->nzones > 0) {
        c->zf = zonefile_new();
        for (size_t i = 0; i < o->nzones; i++) {
            if (zonefile_load(c->zf, o->zones[i], &e) != 0) {
                *err = e;
                return HV_EDNS;
            }
        }
    }
    if (o->nzones > 0)
        (void)zonefile_zones(c->zf); /* indexed now: answering is read-only */
    if (o->nzones == 0 || o->nservers > 0) {
        struct resolver_opts ro;
        char *csv = join(o->servers, o->nservers);
        int rc = 0;
        int conc = o->concurrency > 0 ? o->concurrency : 1000;
        memset(&ro, 0, sizeof ro);
        ro.servers_csv = o->nservers ? csv : NULL;
        ro.timeout_ms = o->timeout_ms;
        ro.tries = o->tries;
        /* One resolver per worker; the caps are split between them. */
        c->wres = xcalloc((size_t)c->nwk, sizeof *c->wres);
        for (int k = 0; rc == 0 && k < c->nwk; k++) {
            ro.concurrency = conc / c->nwk + (k < conc % c->nwk);
            ro.qps = o->qps > 0 ? o->qps / c->nwk + (k < o->qps % c->nwk) : 0;
            rc = resolver_new(&ro, &c->wres[k], &e);
            if (rc == 0)
                c->nres = k + 1;
        }
        free(csv);
        if (rc != 0) {
            *err = e;
            return HV_EDNS;
        }
        c->res = c->wres[0];
        if (dnscache_open(store_db(c->st), &c->cache, &e) != 0) {
            *err = db_err(e);
            free(e);
            return HV_EDB;
        }
    }
    return HV_OK;
}

/* is_degraded - more than half of the network lookups failed. */
static bool is_degraded(const struct resolve_stats *s)
{
    return s->lookups > 0 && (s->timeouts + s->failures) * 2 > s->lookups;
}

/* health_text - the malloc'ed warning of a degraded run. */
static char *health_text(const struct ctx *c)
{
    const struct resolve_opts *o = c->o;
    char *servers = join(o->servers, o->nservers);
    char when[32];
    time_t t = (time_t)c->now;
    struct tm tm;
    size_t n = strlen(servers) + 400;
    char *s = xmalloc(n);

    gmtime_r(&t, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    snprintf(s, n,
             "the resolve of %s failed: %lld of %lld DNS lookups to %s%s"
             " ended in a timeout (%lld) or an error such as SERVFAIL, REFUSED"
             " or no route (%lld); the CSA/DNA results they decided are"
             " 'defer' and are asked again by the next resolve",
             when, c->stats.timeouts + c->stats.failures, c->stats.lookups,
             o->nservers ? "" : "the servers of /etc/resolv.conf",
             servers, c->stats.timeouts, c->stats.failures);
    free(servers);
    return s;
}

/* record_health - keep (degraded) or clear the meta key "resolve_warning"
 * the reports print at their top. A run that had nothing to do changes
 * nothing. HV_OK or HV_EDB. */
static int record_health(struct ctx *c, const char *text)
{
    if (c->stats.lookups == 0 && c->stats.pairs == 0 && c->stats.names == 0)
        return HV_OK;
    return resolvedb_set_warning(c->st, text);
}

/* run_totals - the resolve_runs totals of this run, ending now. */
static struct resolvedb_run run_totals(const struct ctx *c)
{
    struct resolvedb_run r = {wall_now(), c->stats.names, c->stats.queries,
                              c->stats.cache_hits, c->stats.timeouts,
                              c->stats.failures};
    return r;
}

/* worker_count - the workers of a run: --threads (default 1: see README
 * "Resolving" for why); 1 without the network (zone files only); never
 * more than --concurrency or --qps, which are split between them. */
static int worker_count(const struct resolve_opts *o)
{
    int n = o->threads > 0 ? o->threads : 1;

    if (n > RESOLVE_MAX_THREADS)
        n = RESOLVE_MAX_THREADS;
    if (o->nzones > 0 && o->nservers == 0)
        n = 1;
    if (o->concurrency > 0 && n > o->concurrency)
        n = o->concurrency;
    if (o->qps > 0 && n > o->qps)
        n = o->qps;
    return n;
}

/* make_workers - c->nwk workers, each a copy of the run's context with
 * its own answer map, resolver, ready list and counters. */
static void make_workers(struct ctx *c)
{
    c->wk = xcalloc((size_t)c->nwk, sizeof *c->wk);
    for (int k = 0; k < c->nwk; k++) {
        struct ctx *w = &c->wk[k];
        *w = *c;
        memset(&w->answers, 0, sizeof w->answers);
        qtable_init(&w->answers, 4096);
        w->res = c->nres > k ? c->wres[k] : NULL;
        w->ready = NULL;
        w->nready = w->capready = 0;
        w->jobs = NULL;
        w->njobs = 0;
        w->cur = -1;
        w->depth = 0;
        w->jobrc = HV_OK;
        w->dr = xcalloc(1, sizeof *w->dr);
        w->last_helo = NULL;
        w->csa_names = 0;
        memset(&w->stats, 0, sizeof w->stats);
        w->dberr = 0;
        w->wk = NULL;
        w->wres = NULL;
        w->nres = 0;
    }
}

/* sum_workers - add the workers' counters to the run's. */
static void sum_workers(struct ctx *c)
{
    for (int k = 0; c->wk != NULL && k < c->nwk; k++) {
        const struct resolve_stats *s = &c->wk[k].stats;
        c->stats.names += s->names;
        c->stats.pairs += s->pairs;
        c->stats.cache_hits += s->cache_hits;
        c->stats.timeouts += s->timeouts;
        c->stats.failures += s->failures;
        c->stats.lookups += s->lookups;
        c->csa_names += c->wk[k].csa_names;
    }
}

/* free_workers - what make_workers made. */
static void free_workers(struct ctx *c)
{
    for (int k = 0; c->wk != NULL && k < c->nwk; k++) {
        struct ctx *w = &c->wk[k];
        map_clear(w);
        qtable_fini(&w->answers);
        free(w->ready);
        free(w->dr);
        free(w->last_helo);
    }
    free(c->wk);
    c->wk = NULL;
}

int resolve_run(struct store *st, const struct resolve_opts *o,
                struct resolve_stats *out, char **err)
{
    struct ctx c;
    struct prog pg;
    int64_t run_id = 0;
    double t0 = mono();
    int rc;

    *err = NULL;
    memset(&c, 0, sizeof c);
    memset(out, 0, sizeof *out);
    c.st = st;
    c.o = o;
    c.now = wall_now();
    csa_opts_init(&c.copts);
    c.copts.use_reverse = o->use_reverse;
    c.copts.parent_search = o->parent_search;
    c.copts.search_limit = o->search_limit;
    c.dopts.services = o->accreditors;
    c.dopts.nservices = o->naccreditors;
    c.dopts.trust_listed = o->trust_listed;
    c.cur = -1;
    memset(&pg, 0, sizeof(pg)); /* shown: false until a line is drawn */
    pthread_mutex_init(&pg.mu, NULL);
    atomic_init(&pg.done, 0);
    clock_gettime(CLOCK_MONOTONIC, &pg.t0);
    pg.last = pg.t0;
    c.pg = &pg;
    c.nwk = worker_count(o);

    /* DNS first: a bad zone file or server list must fail before the
     * option signatures mark anything stale. */
    rc = setup_dns(&c, err);
    if (rc == HV_OK)
        rc = setup_meta(&c, err);
    if (rc == HV_OK && (resolvedb_open(st, &c.rdb) != HV_OK ||
                        resolvedb_run_begin(st, c.now, &run_id) != HV_OK)) {
        *err = db_err(store_errmsg(st));
        rc = HV_EDB;
    }
    if (rc == HV_OK && o->progress && !msg_quiet &&
        resolvedb_count_work(st, c.now, o->max_age,
                             o->naccreditors > 0 || o->trust_listed,
                             &pg.total) != HV_OK) {
        *err = db_err(store_errmsg(st));
        rc = HV_EDB;
    }
    if (rc == HV_OK && c.res != NULL)
        c.wr = rwriter_new(st, c.cache, c.rdb);
    if (c.wr == NULL)
        c.nwk = 1; /* the workers share the SQLite handle through it */
    if (rc == HV_OK)
        make_workers(&c);
    if (rc == HV_OK)
        rc = run_pass(&c, RESOLVEDB_PAIRS, err);
    if (rc == HV_OK)
        rc = run_pass(&c, RESOLVEDB_NOHELO, err);
    /* Without any accreditation service DNA is "unknown" for every HELO
     * without a query, which is what a missing dna_result row means too
     * (the verdicts view): skip the pass. */
    if (rc == HV_OK && (o->naccreditors > 0 || o->trust_listed))
        rc = run_pass(&c, RESOLVEDB_HELOS, err);
    rwriter_free(c.wr); /* drained by every chunk */
    c.wr = NULL;
    if (pg.shown)
        progress(&c, true);

    sum_workers(&c);
    for (int k = 0; k < c.nres; k++) {
        struct resolver_stats rs;
        resolver_get_stats(c.wres[k], &rs);
        c.stats.queries += rs.sent;
    }
    if (c.csa_names > c.stats.names)
        c.stats.names = c.csa_names; /* DNA skipped or fresh */
    c.stats.elapsed = mono() - t0;
    if (run_id != 0) {
        struct resolvedb_run totals = run_totals(&c);
        if (resolvedb_run_end(st, run_id, &totals) != HV_OK && rc == HV_OK) {
            *err = db_err(store_errmsg(st));
            rc = HV_EDB;
        }
    }
    if (rc == HV_OK || rc == HV_EINTR) {
        char *warn = is_degraded(&c.stats) ? health_text(&c) : NULL;
        if (record_health(&c, warn) != HV_OK) {
            free(*err);
            *err = db_err(store_errmsg(st));
            rc = HV_EDB;
        } else if (warn != NULL && rc == HV_OK) {
            *err = warn;
            warn = NULL;
            rc = HV_EDEGRADED;
        }
        free(warn);
    }
    if (rc == HV_EINTR && *err == NULL)
        *err = xstrdup("interrupted; the work done is saved and the next"
                       " run continues");
    *out = c.stats;
    if (rc == HV_OK || rc == HV_EINTR || rc == HV_EDEGRADED)
        msg_info("resolve: %lld names, %lld pairs, %lld queries sent, "
                 "%lld answered from cache, %lld timeouts, %lld failures, "
                 "%.1f s", c.stats.names, c.stats.pairs, c.stats.queries,
                 c.stats.cache_hits, c.stats.timeouts, c.stats.failures,
                 c.stats.elapsed);

    resolvedb_close(c.rdb);
    free_workers(&c);
    for (int k = 0; k < c.nres; k++)
        resolver_free(c.wres[k]);
    free(c.wres);
    pthread_mutex_destroy(&pg.mu);
    dnscache_close(c.cache);
    zonefile_free(c.zf);
    return rc;
}
