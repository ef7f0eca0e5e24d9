/* SPDX-License-Identifier: MIT */
/*
 * test_resolver - the c-ares transport against a scripted responder that
 * runs in a thread of this test on 127.0.0.1 (UDP and TCP, same port).
 * The responder counts what it receives, so the checks are on queries
 * actually sent: merging of identical queries, the SERVFAIL and timeout
 * retry policy, truncation answered again over TCP, cancellation, the
 * concurrency and rate caps, a bad server list, a closed port, many
 * queries sent in few system calls.
 * Responder behaviour by the first label: sf = SERVFAIL, sf1 = SERVFAIL the
 * first time, drop = silence, tc = TC over UDP and a TXT over TCP,
 * anything else = NXDOMAIN.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"
#include "resolver.h"

/* ==== the responder ==== */

#define MAXNAMES 64
static struct {
    char name[64];
    int udp, tcp;
} seen[MAXNAMES];
static int nseen;
static pthread_mutex_t seen_mu = PTHREAD_MUTEX_INITIALIZER;
static atomic_int stop_server;
static int udp_fd, tcp_fd;
static int port;

/* note - count one query; returns how many times this name was seen. */
static int note(const char *name, bool tcp)
{
    int n = 0;
    pthread_mutex_lock(&seen_mu);
    int i;
    for (i = 0; i < nseen; i++)
        if (strcmp(seen[i].name, name) == 0)
            break;
    if (i == nseen && nseen < MAXNAMES) {
        snprintf(seen[i].name, sizeof seen[i].name, "%.63s", name);
        nseen++;
    }
    if (i < MAXNAMES) {
        if (tcp)
            seen[i].tcp++;
        else
            seen[i].udp++;
        n = seen[i].tcp + seen[i].udp;
    }
    pthread_mutex_unlock(&seen_mu);
    return n;
}

static int hits(const char *name, bool tcp)
{
    int n = 0;
    pthread_mutex_lock(&seen_mu);
    for (int i = 0; i < nseen; i++)
        if (strcmp(seen[i].name, name) == 0)
            n = tcp ? seen[i].tcp : seen[i].udp;
    pthread_mutex_unlock(&seen_mu);
    return n;
}

/* respond - build the reply to q (qlen bytes) into out; 0 = no reply. */
static size_t respond(const unsigned char *q, size_t qlen, bool tcp,
                      unsigned char *out, size_t outmax)
{
    char name[256], first[64];
    size_t pos = 12, nl = 0, qend;
    int count;

    if (qlen < 17 || qlen > outmax - 64)
        return 0;
    first[0] = '\0';
    while (pos < qlen && q[pos] != 0) {
        size_t l = q[pos];
        if (pos + 1 + l > qlen || nl + l + 2 > sizeof name)
            return 0;
        if (nl == 0) {
            memcpy(first, q + pos + 1, l < 63 ? l : 63);
            first[l < 63 ? l : 63] = '\0';
        }
        if (nl > 0)
            name[nl++] = '.';
        memcpy(name + nl, q + pos + 1, l);
        nl += l;
        pos += 1 + l;
    }
    name[nl] = '\0';
    qend = pos + 5;
    if (qend > qlen)
        return 0;
    count = note(name, tcp);
    if (strcmp(first, "drop") == 0)
        return 0;
    memcpy(out, q, qend);
    out[2] = (unsigned char)(0x84 | (q[2] & 0x01)); /* QR AA RD */
    out[3] = 0;
    memset(out + 6, 0, 6);
    if (strcmp(first, "sf") == 0 || (strcmp(first, "sf1") == 0 && count == 1)) {
        out[3] = 2;
    } else if (strcmp(first, "tc") == 0 && !tcp) {
        out[2] |= 0x02;
    } else if (strcmp(first, "tc") == 0 || strcmp(first, "sf1") == 0) {
        static const unsigned char rr[] = { 0xc0, 12, 0, 16, 0, 1, 0, 0, 1, 44,
                                            0, 4, 3, 't', 'c', 'p' };
        memcpy(out + qend, rr, sizeof rr);
        out[7] = 1;
        return qend + sizeof rr;
    } else {
        out[3] = 3;
    }
    return qend;
}

static void *server(void *arg)
{
    struct pollfd p[10];
    int np = 2;
    unsigned char buf[4096], out[4200];

    (void)arg;
    p[0].fd = udp_fd;
    p[0].events = POLLIN;
    p[1].fd = tcp_fd;
    p[1].events = POLLIN;
    while (!atomic_load(&stop_server)) {
        if (poll(p, (nfds_t)np, 50) <= 0)
            continue;
        if (p[0].revents & POLLIN) {
            struct sockaddr_in from;
            socklen_t fl = sizeof from;
            ssize_t n = recvfrom(udp_fd, buf, sizeof buf, 0,
                                 (struct sockaddr *)&from, &fl);
            size_t r = n > 0 ? respond(buf, (size_t)n, false, out, sizeof out)
                             : 0;
            if (r > 0)
                sendto(udp_fd, out, r, 0, (struct sockaddr *)&from, fl);
        }
        if ((p[1].revents & POLLIN) && np < 10) {
            int c = accept(tcp_fd, NULL, NULL);
            if (c >= 0) {
                p[np].fd = c;
                p[np].events = POLLIN;
                p[np].revents = 0;
                np++;
            }
        }
        for (int i = 2; i < np; i++) {
            unsigned char l[2];
            size_t need, got = 0, r;
            if (!(p[i].revents & (POLLIN | POLLHUP)))
                continue;
            if (recv(p[i].fd, l, 2, MSG_WAITALL) != 2) {
                close(p[i].fd);
                p[i--] = p[--np];
                continue;
            }
            need = (size_t)l[0] << 8 | l[1];
            while (got < need && got < sizeof buf) {
                ssize_t n = recv(p[i].fd, buf + got, need - got, 0);
                if (n <= 0)
                    break;
                got += (size_t)n;
            }
            r = respond(buf, got, true, out + 2, sizeof out - 2);
            if (r > 0) {
                out[0] = (unsigned char)(r >> 8);
                out[1] = (unsigned char)r;
                send(p[i].fd, out, r + 2, 0);
            }
        }
    }
    for (int i = 2; i < np; i++)
        close(p[i].fd);
    return NULL;
}

/* start_server - UDP and TCP on one free port of 127.0.0.1. */
static int start_server(pthread_t *th)
{
    for (int attempt = 0; attempt < 20; attempt++) {
        struct sockaddr_in a;
        socklen_t al = sizeof a;
        int one = 1;
        memset(&a, 0, sizeof a);
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        udp_fd = socket(AF_INET, SOCK_DGRAM, 0);
        if (bind(udp_fd, (struct sockaddr *)&a, sizeof a) != 0)
            return -1;
        getsockname(udp_fd, (struct sockaddr *)&a, &al);
        tcp_fd = socket(AF_INET, SOCK_STREAM, 0);
        setsockopt(tcp_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(tcp_fd, (struct sockaddr *)&a, sizeof a) == 0 &&
            listen(tcp_fd, 16) == 0) {
            port = ntohs(a.sin_port);
            return pthread_create(th, NULL, server, NULL);
        }
        close(udp_fd);
        close(tcp_fd);
    }
    return -1;
}

/* ==== the client side ==== */

struct outcome {
    int calls;
    enum resolver_outcome oc;
    int rcode, ancount, tc;
};

static void cb(void *arg, const char *qname, int qtype,
               enum resolver_outcome oc, const unsigned char *msg, size_t len)
{
    struct outcome *o = arg;
    (void)qname;
    (void)qtype;
    o->calls++;
    o->oc = oc;
    o->rcode = msg && len >= 12 ? msg[3] & 0x0f : -1;
    o->ancount = msg && len >= 12 ? msg[7] : -1;
    o->tc = msg && len >= 12 ? (msg[2] & 0x02) != 0 : -1;
}

static struct resolver *mk(int tries, int timeout_ms, int conc, int qps)
{
    struct resolver_opts o;
    struct resolver *r = NULL;
    char csv[64], *err = NULL;
    snprintf(csv, sizeof csv, "127.0.0.1:%d", port);
    memset(&o, 0, sizeof o);
    o.servers_csv = csv;
    o.tries = tries;
    o.timeout_ms = timeout_ms;
    o.concurrency = conc;
    o.qps = qps;
    if (resolver_new(&o, &r, &err) != 0) {
        printf("resolver_new: %s\n", err);
        free(err);
    }
    return r;
}

int main(void)
{
    pthread_t th;
    struct resolver *r;
    struct resolver_stats st;
    struct outcome a, b, c;

    CHECK_INTEQ(start_server(&th), 0);

    /* a plain NXDOMAIN answer comes back raw */
    r = mk(2, 1000, 10, 0);
    CHECK(r != NULL);
    memset(&a, 0, sizeof a);
    CHECK_INTEQ(resolver_submit(r, "nx.test.", 1, cb, &a), 0);
    CHECK_INTEQ(resolver_run(r, NULL), 0);
    CHECK_INTEQ(a.calls, 1);
    CHECK_INTEQ(a.oc, RESOLVER_ANSWER);
    CHECK_INTEQ(a.rcode, 3);
    CHECK_INTEQ(hits("nx.test", false), 1);
    resolver_get_stats(r, &st);
    CHECK_INTEQ(st.sent, 1);
    CHECK_INTEQ(st.answered, 1);

    /* identical pending queries are merged (case-insensitive); another
     * type is another query */
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    memset(&c, 0, sizeof c);
    resolver_submit(r, "merge.test", 33, cb, &a);
    resolver_submit(r, "MERGE.test", 33, cb, &b);
    resolver_submit(r, "merge.test", 16, cb, &c);
    CHECK_INTEQ(resolver_run(r, NULL), 0);
    CHECK_INTEQ(a.calls, 1);
    CHECK_INTEQ(b.calls, 1);
    CHECK_INTEQ(c.calls, 1);
    CHECK_INTEQ(b.oc, RESOLVER_ANSWER);
    CHECK_INTEQ(hits("merge.test", false) + hits("MERGE.test", false), 2);
    resolver_get_stats(r, &st);
    CHECK_INTEQ(st.merged, 1);
    CHECK_INTEQ(st.sent, 3);

    /* many queries leave in few system calls (udpbatch: one sendmmsg per
     * batch, not one send per query), and every one is answered */
    {
        static struct outcome many[120];
        struct resolver *rb = mk(2, 2000, 1000, 0);
        int answered = 0;
        CHECK(rb != NULL);
        memset(many, 0, sizeof many);
        /* one name (the responder keeps a short table of names), 120
         * query types: 120 distinct queries, as many as the responder's
         * default socket buffer holds at once */
        for (int i = 0; i < 120; i++)
            resolver_submit(rb, "many.test", 1 + i, cb, &many[i]);
        CHECK_INTEQ(resolver_run(rb, NULL), 0);
        for (int i = 0; i < 120; i++)
            answered += many[i].calls == 1 && many[i].oc == RESOLVER_ANSWER;
        CHECK_INTEQ(answered, 120);
        resolver_get_stats(rb, &st);
        CHECK_INTEQ(st.sent, 120);
        CHECK_INTEQ(hits("many.test", false), 120);
        CHECK_MSG(st.send_calls >= 1 && st.send_calls <= 120 / 8,
                  "%lld sendmmsg calls for 120 queries", st.send_calls);
        CHECK(st.recv_calls >= 1);
        resolver_free(rb);
    }

    /* truncated over UDP: c-ares asks again over TCP */
    memset(&a, 0, sizeof a);
    resolver_submit(r, "tc.test", 16, cb, &a);
    CHECK_INTEQ(resolver_run(r, NULL), 0);
    CHECK_INTEQ(a.oc, RESOLVER_ANSWER);
    CHECK_INTEQ(a.rcode, 0);
    CHECK_INTEQ(a.tc, 0);
    CHECK_INTEQ(a.ancount, 1);
    CHECK_INTEQ(hits("tc.test", false), 1);
    CHECK_INTEQ(hits("tc.test", true), 1);
    resolver_free(r);

    /* SERVFAIL is retried up to tries, then handed over as an answer */
    r = mk(3, 1000, 10, 0);
    memset(&a, 0, sizeof a);
    resolver_submit(r, "sf.test", 33, cb, &a);
    memset(&b, 0, sizeof b);
    resolver_submit(r, "sf1.test", 16, cb, &b);
    CHECK_INTEQ(resolver_run(r, NULL), 0);
    CHECK_INTEQ(a.calls, 1);
    CHECK_INTEQ(a.oc, RESOLVER_ANSWER);
    CHECK_INTEQ(a.rcode, 2);
    CHECK_INTEQ(hits("sf.test", false), 3);
    CHECK_INTEQ(b.rcode, 0);
    CHECK_INTEQ(b.ancount, 1);
    CHECK_INTEQ(hits("sf1.test", false), 2);
    resolver_get_stats(r, &st);
    CHECK_INTEQ(st.retries, 3);
    CHECK_INTEQ(st.sent, 5);
    resolver_free(r);

    /* silence: tries attempts, then RESOLVER_TIMEOUT */
    r = mk(2, 150, 10, 0);
    memset(&a, 0, sizeof a);
    resolver_submit(r, "drop.test", 33, cb, &a);
    CHECK_INTEQ(resolver_run(r, NULL), 0);
    CHECK_INTEQ(a.calls, 1);
    CHECK_INTEQ(a.oc, RESOLVER_TIMEOUT);
    CHECK_INTEQ(hits("drop.test", false), 2);
    resolver_get_stats(r, &st);
    CHECK_INTEQ(st.timeouts, 1);
    resolver_free(r);

    /* concurrency 1 and a rate cap: everything still answered once */
    r = mk(2, 1000, 1, 200);
    {
        struct outcome many[20];
        char name[32];
        int answered = 0;
        memset(many, 0, sizeof many);
        for (int i = 0; i < 20; i++) {
            snprintf(name, sizeof name, "c%02d.test", i);
            resolver_submit(r, name, 1, cb, &many[i]);
        }
        CHECK_INTEQ(resolver_run(r, NULL), 0);
        for (int i = 0; i < 20; i++)
            answered += many[i].calls == 1 && many[i].oc == RESOLVER_ANSWER;
        CHECK_INTEQ(answered, 20);
        CHECK_INTEQ(hits("c00.test", false), 1);
        CHECK_INTEQ(hits("c19.test", false), 1);
    }
    resolver_free(r);

    /* stop before running: every callback gets RESOLVER_CANCELLED, nothing
     * is sent; freeing with queries queued cancels them too */
    r = mk(2, 1000, 10, 0);
    {
        volatile sig_atomic_t stop = 1;
        memset(&a, 0, sizeof a);
        memset(&b, 0, sizeof b);
        resolver_submit(r, "never.test", 1, cb, &a);
        CHECK_INTEQ(resolver_run(r, &stop), 0);
        CHECK_INTEQ(a.calls, 1);
        CHECK_INTEQ(a.oc, RESOLVER_CANCELLED);
        CHECK_INTEQ(hits("never.test", false), 0);
        resolver_submit(r, "never2.test", 1, cb, &b);
        resolver_free(r);
        CHECK_INTEQ(b.calls, 1);
        CHECK_INTEQ(b.oc, RESOLVER_CANCELLED);
    }

    /* an unusable name is refused at submit */
    r = mk(1, 1000, 10, 0);
    {
        char longname[300];
        memset(longname, 'a', sizeof longname - 1);
        longname[sizeof longname - 1] = '\0';
        CHECK_INTEQ(resolver_submit(r, longname, 1, cb, &a), -1);
        CHECK_INTEQ(resolver_submit(r, "", 1, cb, &a), -1);
    }
    resolver_free(r);

    /* a bad server list is an error with a message */
    {
        struct resolver_opts o;
        char *err = NULL;
        memset(&o, 0, sizeof o);
        o.servers_csv = "not an address";
        CHECK_INTEQ(resolver_new(&o, &r, &err), -1);
        CHECK(err != NULL && strstr(err, "not an address") != NULL);
        CHECK(r == NULL);
        free(err);
    }

    /* a closed port: ends (error or timeout), never an answer */
    {
        struct resolver_opts o;
        char *err = NULL, csv[64];
        int s = socket(AF_INET, SOCK_DGRAM, 0), closed;
        struct sockaddr_in sa;
        socklen_t sl = sizeof sa;
        memset(&sa, 0, sizeof sa);
        sa.sin_family = AF_INET;
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        bind(s, (struct sockaddr *)&sa, sizeof sa);
        getsockname(s, (struct sockaddr *)&sa, &sl);
        closed = ntohs(sa.sin_port);
        close(s);
        snprintf(csv, sizeof csv, "127.0.0.1:%d", closed);
        memset(&o, 0, sizeof o);
        o.servers_csv = csv;
        o.timeout_ms = 200;
        o.tries = 2;
        CHECK_INTEQ(resolver_new(&o, &r, &err), 0);
        memset(&a, 0, sizeof a);
        resolver_submit(r, "closed.test", 1, cb, &a);
        CHECK_INTEQ(resolver_run(r, NULL), 0);
        CHECK_INTEQ(a.calls, 1);
        CHECK(a.oc == RESOLVER_ERROR || a.oc == RESOLVER_TIMEOUT);
        resolver_free(r);
    }

    atomic_store(&stop_server, 1);
    pthread_join(th, NULL);
    close(udp_fd);
    close(tcp_fd);
    return CHECK_DONE();
}
