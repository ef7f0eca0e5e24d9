/* SPDX-License-Identifier: MIT */
/*
 * resolver - c-ares over epoll with our own retry policy, rate cap and
 * in-flight merging. See resolver.h for the contract.
 *
 * Life of a query: resolver_submit finds or creates a `struct rq` keyed by
 * (lower-cased qname, qtype) and appends a waiter; new rqs go to the send
 * queue. pump() moves rqs from the queue into c-ares while fewer than
 * `concurrency` are in flight and the token bucket allows. ares_send's
 * callback either requeues the rq (timeout or SERVFAIL with tries left) or
 * finishes it: every waiter is called and the rq freed (OpenSMTPD dns.c:
 * the callback owns the request on every status).
 */
#include "resolver.h"

#include <ares.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "ascii.h"
#include "qtable.h"
#include "udpbatch.h"
#include "xmem.h"

#define RCODE_SERVFAIL 2
#define QNAME_MAX 255
#define CONN_FREE_MAX 64 /* connection failures not counted as tries */
#define CONN_FREE_ANYWAY 3 /* of which free even without progress */

struct waiter {
    resolver_cb cb;
    void *arg;
    struct waiter *next;
};

struct rq {
    char *qname;           /* as submitted, trailing dot removed */
    char *key;             /* lower-cased qname; node.name points to it */
    struct qtable_node node; /* in the merge table, keyed (key, qtype) */
    int attempts;          /* ares_send calls so far */
    int conn_free;         /* connection failures not counted (conn_retry) */
    long long conn_mark;   /* answers seen at the last such failure */
    struct waiter *waiters, **wtail;
    struct rq *qnext;      /* send queue */
    struct resolver *r;
};

struct resolver {
    ares_channel ch;
    struct udpbatch *ub;          /* c-ares' sockets (datagrams batched) */
    int ep;                       /* epoll fd */
    unsigned char *fdstate;       /* per fd: 0 unregistered, else events */
    size_t nfdstate;
    struct qtable merge;          /* pending rqs by (key, qtype) */
    struct rq *qhead, *qtail;     /* waiting to be sent */
    long inflight;
    int tries, concurrency, qps;
    double tokens, burst;         /* rate cap */
    struct timespec last_refill;
    struct resolver_stats st;
    bool failed;                  /* epoll_ctl failure seen */
    bool pumping;                 /* pump() is on the stack */
};

static int ares_users;

/* ==== small helpers ==== */

/* errmsg - a malloc'ed copy of a formatted message. */
static char *errmsg(const char *what, const char *detail)
{
    size_t n = strlen(what) + strlen(detail) + 3;
    char *s = xmalloc(n);
    snprintf(s, n, "%s: %s", what, detail);
    return s;
}

/* now_mono - CLOCK_MONOTONIC in seconds. */
static double now_mono(struct timespec *ts)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    return (double)ts->tv_sec + (double)ts->tv_nsec / 1e9;
}

/* ==== epoll registration (ARES_OPT_SOCK_STATE_CB) ==== */

/* sock_state - c-ares tells which sockets to watch for what. */
static void sock_state(void *data, ares_socket_t fd, int readable,
                       int writable)
{
    struct resolver *r = data;
    struct epoll_event ev;
    unsigned char want = (unsigned char)((readable ? 1 : 0) |
                                         (writable ? 2 : 0));
    int op;

    if (fd < 0)
        return;
    if ((size_t)fd >= r->nfdstate) {
        size_t n = r->nfdstate ? r->nfdstate : 64;
        while (n <= (size_t)fd)
            n *= 2;
        r->fdstate = xrealloc(r->fdstate, n);
        memset(r->fdstate + r->nfdstate, 0, n - r->nfdstate);
        r->nfdstate = n;
    }
    memset(&ev, 0, sizeof ev);
    ev.data.fd = fd;
    ev.events = (readable ? EPOLLIN : 0) | (writable ? EPOLLOUT : 0);
    if (want == 0) {
        if (r->fdstate[fd] != 0)
            epoll_ctl(r->ep, EPOLL_CTL_DEL, fd, &ev);
        r->fdstate[fd] = 0;
        return;
    }
    op = r->fdstate[fd] ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
    if (epoll_ctl(r->ep, op, fd, &ev) != 0) {
        /* A recycled fd number c-ares closed without telling us. */
        op = op == EPOLL_CTL_ADD ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
        if (epoll_ctl(r->ep, op, fd, &ev) != 0)
            r->failed = true;
    }
    r->fdstate[fd] = want;
}

/* ==== the merge table and the queue ==== */

/* enqueue - put q at the tail (new) or the head (retry) of the queue. */
static void enqueue(struct resolver *r, struct rq *q, bool front)
{
    q->qnext = NULL;
    if (r->qhead == NULL) {
        r->qhead = r->qtail = q;
    } else if (front) {
        q->qnext = r->qhead;
        r->qhead = q;
    } else {
        r->qtail->qnext = q;
        r->qtail = q;
    }
}

/* finish - report the outcome to every waiter and free q. */
static void finish(struct resolver *r, struct rq *q, enum resolver_outcome oc,
                   const unsigned char *msg, size_t len)
{
    struct waiter *w;

    qtable_remove(&r->merge, &q->node);
    switch (oc) {
    case RESOLVER_ANSWER:
        r->st.answered++;
        break;
    case RESOLVER_TIMEOUT:
        r->st.timeouts++;
        break;
    case RESOLVER_ERROR:
        r->st.errors++;
        break;
    case RESOLVER_CANCELLED:
        break;
    }
    w = q->waiters;
    while (w) {
        struct waiter *next = w->next;
        w->cb(w->arg, q->qname, q->node.qtype, oc,
              oc == RESOLVER_ANSWER ? msg : NULL,
              oc == RESOLVER_ANSWER ? len : 0);
        free(w);
        w = next;
    }
    free(q->qname);
    free(q->key);
    free(q);
}

/* ==== c-ares callback and sending ==== */

static void pump(struct resolver *r);

/* conn_retry - whether a failure that is not a timeout (c-ares dropped the
 * connection the query was on: refused, closed or reset by the server)
 * gives a retry that does not count as one of the query's tries. c-ares
 * fails every query in flight to a server when one of its connections
 * breaks, so this query may be an innocent bystander (another query's TCP
 * side broke, or the server answers one query per TCP connection). Free
 * the first CONN_FREE_ANYWAY times, then only while the server makes
 * progress (an answer arrived since this query's previous connection
 * failure), at most CONN_FREE_MAX times: a dead server still ends after
 * tries + CONN_FREE_ANYWAY quick attempts. */
static bool conn_retry(struct resolver *r, struct rq *q)
{
    if (q->conn_free >= CONN_FREE_MAX ||
        (q->conn_free >= CONN_FREE_ANYWAY && r->st.answered == q->conn_mark))
        return false;
    q->conn_free++;
    q->conn_mark = r->st.answered;
    return true;
}

/* on_answer - ares_send callback: retry or finish (owns the rq). */
static void on_answer(void *arg, int status, int timeouts,
                      unsigned char *abuf, int alen)
{
    struct rq *q = arg;
    struct resolver *r = q->r;
    bool retry = false;

    (void)timeouts;
    r->inflight--;
    if (status == ARES_ECANCELLED || status == ARES_EDESTRUCTION) {
        finish(r, q, RESOLVER_CANCELLED, NULL, 0);
        return;
    }
    if (status == ARES_SUCCESS && abuf != NULL && alen >= 12) {
        if ((abuf[3] & 0x0f) == RCODE_SERVFAIL && q->attempts < r->tries)
            retry = true;
        if (!retry) {
            finish(r, q, RESOLVER_ANSWER, abuf, (size_t)alen);
            pump(r); /* keep the server busy while we read */
            return;
        }
    } else if (status != ARES_ETIMEOUT && conn_retry(r, q)) {
        q->attempts--; /* not this query's try */
        retry = true;
    } else if (q->attempts < r->tries) {
        retry = true;
    }
    if (retry) {
        r->st.retries++;
        enqueue(r, q, true);
        pump(r);
        return;
    }
    finish(r, q, status == ARES_ETIMEOUT ? RESOLVER_TIMEOUT : RESOLVER_ERROR,
           NULL, 0);
}

/* refill - add tokens for the time elapsed (rate cap). */
static void refill(struct resolver *r)
{
    struct timespec ts;
    double now, last;

    if (r->qps <= 0)
        return;
    last = (double)r->last_refill.tv_sec +
           (double)r->last_refill.tv_nsec / 1e9;
    now = now_mono(&ts);
    r->tokens += (now - last) * r->qps;
    if (r->tokens > r->burst)
        r->tokens = r->burst;
    r->last_refill = ts;
}

/* send_one - hand q to c-ares (the callback may run before this returns). */
static void send_one(struct resolver *r, struct rq *q)
{
    unsigned char *buf = NULL;
    int buflen = 0;
    int rc;

    q->attempts++;
    r->st.sent++;
    r->inflight++;
    rc = ares_create_query(q->qname, 1 /* C_IN */, q->node.qtype, 0, 1, &buf,
                           &buflen, 0);
    if (rc != ARES_SUCCESS) {
        r->inflight--;
        finish(r, q, RESOLVER_ERROR, NULL, 0);
        return;
    }
    ares_send(r->ch, buf, buflen, on_answer, q);
    ares_free_string(buf);
}

/* pump - send queued queries while the caps allow. Called from the event
 * loop and from the answer callback (so the next query leaves as soon as a
 * slot frees); never re-entered. */
static void pump(struct resolver *r)
{
    if (r->pumping || r->qhead == NULL)
        return;
    r->pumping = true;
    refill(r);
    while (r->qhead != NULL && r->inflight < r->concurrency) {
        struct rq *q;
        if (r->qps > 0) {
            if (r->tokens < 1.0)
                break;
            r->tokens -= 1.0;
        }
        q = r->qhead;
        r->qhead = q->qnext;
        if (r->qhead == NULL)
            r->qtail = NULL;
        send_one(r, q);
    }
    r->pumping = false;
}

/* ==== c-ares' socket functions: udpbatch ==== */

static ares_socket_t sf_socket(int domain, int type, int protocol, void *data)
{
    struct resolver *r = data;
    int fd = udpbatch_socket(r->ub, domain, type, protocol);
    return fd < 0 ? ARES_SOCKET_BAD : fd;
}

static int sf_close(ares_socket_t fd, void *data)
{
    struct resolver *r = data;
    return udpbatch_close(r->ub, fd);
}

static int sf_connect(ares_socket_t fd, const struct sockaddr *sa,
                      ares_socklen_t len, void *data)
{
    (void)data;
    return connect(fd, sa, len);
}

static ares_ssize_t sf_recvfrom(ares_socket_t fd, void *buf, size_t len,
                                int flags, struct sockaddr *from,
                                ares_socklen_t *fromlen, void *data)
{
    struct resolver *r = data;
    return udpbatch_recv(r->ub, fd, buf, len, flags, from, fromlen);
}

static ares_ssize_t sf_sendv(ares_socket_t fd, const struct iovec *iov,
                             int n, void *data)
{
    struct resolver *r = data;
    return udpbatch_send(r->ub, fd, iov, n);
}

static const struct ares_socket_functions sock_funcs = {
    sf_socket, sf_close, sf_connect, sf_recvfrom, sf_sendv
};

/* ==== public ==== */

int resolver_new(const struct resolver_opts *o, struct resolver **out,
                 char **err)
{
    struct resolver *r;
    struct ares_options ao;
    int mask, rc;

    *out = NULL;
    *err = NULL;
    if (ares_users++ == 0) {
        rc = ares_library_init(ARES_LIB_INIT_ALL);
        if (rc != ARES_SUCCESS) {
            ares_users--;
            *err = errmsg("c-ares", ares_strerror(rc));
            return -1;
        }
    }
    r = xcalloc(1, sizeof *r);
    r->ep = -1;
    r->tries = o->tries > 0 ? o->tries : 2;
    r->concurrency = o->concurrency > 0 ? o->concurrency : 1000;
    r->qps = o->qps > 0 ? o->qps : 0;
    r->burst = r->qps > 0 ? (r->qps / 10 > 1 ? r->qps / 10 : 1) : 0;
    r->tokens = r->burst;
    clock_gettime(CLOCK_MONOTONIC, &r->last_refill);
    qtable_init(&r->merge, 1024);
    r->ub = udpbatch_new(4 << 20); /* c-ares leaves our sockets to us */
    r->ep = epoll_create1(EPOLL_CLOEXEC);
    if (r->ep < 0) {
        *err = errmsg("epoll_create1", strerror(errno));
        goto fail;
    }

    memset(&ao, 0, sizeof ao);
    ao.flags = ARES_FLAG_NOCHECKRESP;
    ao.timeout = o->timeout_ms > 0 ? o->timeout_ms : 1500;
    ao.tries = 1; /* our own retry policy, see on_answer */
    ao.sock_state_cb = sock_state;
    ao.sock_state_cb_data = r;
    mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES |
           ARES_OPT_SOCK_STATE_CB;
    rc = ares_init_options(&r->ch, &ao, mask);
    if (rc != ARES_SUCCESS) {
        r->ch = NULL;
        *err = errmsg("c-ares init", ares_strerror(rc));
        goto fail;
    }
    ares_set_socket_functions(r->ch, &sock_funcs, r);
    if (o->servers_csv != NULL && *o->servers_csv != '\0') {
        rc = ares_set_servers_ports_csv(r->ch, o->servers_csv);
        if (rc != ARES_SUCCESS) {
            size_t n = strlen(o->servers_csv) + 64;
            *err = xmalloc(n);
            snprintf(*err, n, "bad --dns-server list \"%s\": %s",
                     o->servers_csv, ares_strerror(rc));
            goto fail;
        }
    }
    *out = r;
    return 0;
fail:
    resolver_free(r);
    return -1;
}

void resolver_free(struct resolver *r)
{
    if (r == NULL)
        return;
    /* Queued (never sent) queries first, then c-ares' own. */
    while (r->qhead) {
        struct rq *q = r->qhead;
        r->qhead = q->qnext;
        finish(r, q, RESOLVER_CANCELLED, NULL, 0);
    }
    r->qtail = NULL;
    if (r->ch != NULL)
        ares_destroy(r->ch); /* callbacks run with ARES_EDESTRUCTION */
    udpbatch_free(r->ub); /* after ares_destroy closed the sockets */
    if (r->ep >= 0)
        close(r->ep);
    free(r->fdstate);
    qtable_fini(&r->merge);
    free(r);
    if (--ares_users == 0)
        ares_library_cleanup();
}

int resolver_submit(struct resolver *r, const char *qname, int qtype,
                    resolver_cb cb, void *arg)
{
    size_t len = strlen(qname);
    struct waiter *w;
    struct rq *q;
    char key[QNAME_MAX + 1];
    unsigned h;

    if (len > 0 && qname[len - 1] == '.')
        len--;
    if (len == 0 || len > QNAME_MAX - 1)
        return -1;
    for (size_t i = 0; i < len; i++)
        key[i] = to_lower((unsigned char)qname[i]);
    key[len] = '\0';
    h = qtable_hash(key, qtype);

    w = xmalloc(sizeof *w);
    w->cb = cb;
    w->arg = arg;
    w->next = NULL;
    struct qtable_node *pending = qtable_find(&r->merge, key, qtype, h);
    if (pending != NULL) {
        q = QTABLE_ENTRY(pending, struct rq, node);
        r->st.merged++;
        *q->wtail = w;
        q->wtail = &w->next;
        return 0;
    }
    q = xcalloc(1, sizeof *q);
    q->qname = xmemdup0(qname, len);
    q->key = xstrdup(key);
    q->r = r;
    q->waiters = w;
    q->wtail = &w->next;
    qtable_insert(&r->merge, &q->node, q->key, qtype, h);
    enqueue(r, q, false);
    return 0;
}

/* attend - let c-ares read the sockets udpbatch_attention names; whether
 * there were any. */
static bool attend(struct resolver *r)
{
    int fds[16];
    size_t n = udpbatch_attention(r->ub, fds, 16);

    for (size_t i = 0; i < n; i++)
        ares_process_fd(r->ch, fds[i], ARES_SOCKET_BAD);
    return n > 0;
}

int resolver_run(struct resolver *r, volatile sig_atomic_t *stop)
{
    struct epoll_event evs[64];

    for (;;) {
        struct timeval tv, *tvp;
        int ms, n;
        bool attended;

        if (stop != NULL && *stop) {
            while (r->qhead) {
                struct rq *q = r->qhead;
                r->qhead = q->qnext;
                finish(r, q, RESOLVER_CANCELLED, NULL, 0);
            }
            r->qtail = NULL;
            ares_cancel(r->ch);
            return 0;
        }
        pump(r);
        if (r->inflight == 0 && r->qhead == NULL)
            return 0;
        if (r->failed)
            return -1;
        /* The queued datagrams leave before we wait; datagrams already
         * read in a batch, or a send error kept for the read side, are
         * handed to c-ares although epoll may not report the socket. */
        udpbatch_flush(r->ub);
        attended = attend(r);

        tvp = ares_timeout(r->ch, NULL, &tv);
        ms = tvp ? (int)(tvp->tv_sec * 1000 + (tvp->tv_usec + 999) / 1000)
                 : 1000;
        if (r->qhead != NULL && r->qps > 0 &&
            r->inflight < r->concurrency) {
            /* Wait for the next token, not for the next answer. */
            int wait = (int)((1.0 - r->tokens) * 1000.0 / r->qps) + 1;
            if (wait < ms)
                ms = wait;
        }
        if (ms > 250)
            ms = 250; /* notice *stop promptly */
        if (attended)
            ms = 0; /* look again at once, but never spin without epoll */
        n = epoll_wait(r->ep, evs, 64, ms);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        for (int i = 0; i < n; i++) {
            int fd = evs[i].data.fd;
            uint32_t e = evs[i].events;
            ares_socket_t rfd = (e & (EPOLLIN | EPOLLERR | EPOLLHUP))
                                    ? fd : ARES_SOCKET_BAD;
            ares_socket_t wfd = (e & EPOLLOUT) ? fd : ARES_SOCKET_BAD;
            ares_process_fd(r->ch, rfd, wfd);
        }
        if (n == 0)
            ares_process_fd(r->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
    }
}

void resolver_flush(struct resolver *r)
{
    pump(r);
}

void resolver_get_stats(const struct resolver *r, struct resolver_stats *s)
{
    struct udpbatch_stats u;

    *s = r->st;
    udpbatch_get_stats(r->ub, &u);
    s->send_calls = u.send_calls;
    s->recv_calls = u.recv_calls;
}
