/* SPDX-License-Identifier: MIT */
/*
 * resolver - the network DNS transport: c-ares 1.18 driven by epoll through
 * ARES_OPT_SOCK_STATE_CB and ares_process_fd (never select/ares_fds).
 * Queries are raw (ares_send of a message built by ares_create_query) and
 * answers come back raw, as received, for analyzer/dns/dnsmsg to parse.
 * ARES_FLAG_NOCHECKRESP is set and c-ares tries each server once: the retry
 * policy is ours (timeouts and SERVFAIL retried up to `tries` times;
 * NXDOMAIN, NODATA, REFUSED and other answers are final). Truncated UDP
 * answers are retried over TCP by c-ares (ARES_FLAG_IGNTC is not set).
 * At most `concurrency` queries are in flight, at most `qps` sent per
 * second, and identical (qname, qtype) queries pending at the same time
 * are merged into one wire query. c-ares' sockets are udpbatch's
 * (ares_set_socket_functions): UDP queries leave in sendmmsg batches of up
 * to UDPBATCH_MAX (at the latest when resolver_run next waits) and answers
 * are read in recvmmsg batches. Nothing here is cached: the cache is
 * analyzer/store/dnscache (SQLite). Not thread-safe; one handle per thread.
 */
#ifndef HV_RESOLVER_H
#define HV_RESOLVER_H

#include <signal.h>
#include <stddef.h>

struct resolver;

struct resolver_opts {
    const char *servers_csv; /* "ADDR[:PORT],..." or NULL: /etc/resolv.conf */
    int timeout_ms;          /* per attempt; <= 0: 1500 */
    int tries;               /* attempts on timeout/SERVFAIL; <= 0: 2 */
    int concurrency;         /* queries in flight; <= 0: 1000 */
    int qps;                 /* queries sent per second; 0: no cap */
};

/* What became of one query. */
enum resolver_outcome {
    RESOLVER_ANSWER,    /* msg/len: the answer as received (any rcode) */
    RESOLVER_TIMEOUT,   /* every try timed out */
    RESOLVER_ERROR,     /* connection refused, bad server, ... */
    RESOLVER_CANCELLED  /* resolver_run was stopped or the handle freed */
};

/* resolver_cb - called exactly once per resolver_submit. msg is borrowed,
 * valid only during the call (NULL unless RESOLVER_ANSWER). */
typedef void (*resolver_cb)(void *arg, const char *qname, int qtype,
                            enum resolver_outcome oc,
                            const unsigned char *msg, size_t len);

struct resolver_stats {
    long long sent;      /* wire queries handed to c-ares (retries included) */
    long long answered;  /* queries that ended with an answer */
    long long timeouts;  /* queries that ended in RESOLVER_TIMEOUT */
    long long errors;    /* queries that ended in RESOLVER_ERROR */
    long long retries;   /* extra attempts after a timeout or SERVFAIL */
    long long merged;    /* submits folded into an identical pending query */
    long long send_calls;/* sendmmsg calls that carried the UDP queries */
    long long recv_calls;/* recvmmsg calls that read the UDP answers */
};

/* resolver_new - a channel with the options (copied). HV_OK (0) or -1
 * with a malloc'ed message in *err (bad server list, c-ares or epoll
 * failure). */
int resolver_new(const struct resolver_opts *o, struct resolver **out,
                 char **err);

/* resolver_free - cancel what is pending (callbacks get
 * RESOLVER_CANCELLED) and release everything; NULL is a no-op. */
void resolver_free(struct resolver *r);

/* resolver_submit - queue a query for qname (no trailing dot needed) and
 * qtype; cb(arg, ...) is called once from resolver_run. Returns 0, or -1
 * when qname cannot be encoded (cb is then not called). */
int resolver_submit(struct resolver *r, const char *qname, int qtype,
                    resolver_cb cb, void *arg);

/* resolver_flush - hand what is queued to c-ares, as far as the
 * concurrency and rate caps allow, without waiting for anything (answers
 * are read by resolver_run). The datagrams leave by batches of
 * UDPBATCH_MAX, the last partial batch when resolver_run next waits. Lets
 * a caller overlap its own work with the network. */
void resolver_flush(struct resolver *r);

/* resolver_run - drive the event loop until every submitted query has
 * ended, or until *stop becomes non-zero (then what is left is cancelled
 * and its callbacks get RESOLVER_CANCELLED). Returns 0, or -1 on an
 * epoll failure. */
int resolver_run(struct resolver *r, volatile sig_atomic_t *stop);

/* resolver_get_stats - counters since resolver_new. */
void resolver_get_stats(const struct resolver *r, struct resolver_stats *s);

#endif
