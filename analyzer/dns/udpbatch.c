/* SPDX-License-Identifier: MIT */
/*
 * udpbatch - batched UDP datagrams for the resolver's sockets. See
 * udpbatch.h for the contract.
 *
 * State per fd (an array indexed by fd): its kind, the queue of datagrams
 * to send (their bytes back to back in one buffer, with offsets) and the
 * batch read by the last recvmmsg (UDPBATCH_MAX slots of SLOT bytes, made
 * on the first read).
 */
#define _GNU_SOURCE /* sendmmsg, recvmmsg */
#include "udpbatch.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xmem.h"

#define SLOT 4097 /* bytes per received datagram (c-ares reads 4097) */

enum kind { K_NONE, K_UDP, K_STREAM };

struct rbatch {
    unsigned char buf[UDPBATCH_MAX][SLOT];
    struct mmsghdr mm[UDPBATCH_MAX];
    struct iovec iov[UDPBATCH_MAX];
    struct sockaddr_storage from[UDPBATCH_MAX];
    unsigned n, pos;          /* datagrams read, next to return */
};

struct fdst {
    enum kind kind;
    unsigned char *q;         /* queued datagrams, back to back */
    size_t qlen, qcap;
    size_t *off;              /* start of each queued datagram in q */
    size_t *len;
    size_t qn, qncap;
    int err;                  /* send error kept for the next recv */
    struct rbatch *rb;
};

struct udpbatch {
    struct fdst *fd;
    size_t nfd;
    int rcvbuf;
    struct udpbatch_stats st;
};

struct udpbatch *udpbatch_new(int rcvbuf)
{
    struct udpbatch *b = xcalloc(1, sizeof *b);
    b->rcvbuf = rcvbuf;
    return b;
}

/* reset - forget what fd s held. */
static void reset(struct fdst *s)
{
    free(s->q);
    free(s->off);
    free(s->len);
    free(s->rb);
    memset(s, 0, sizeof *s);
}

void udpbatch_free(struct udpbatch *b)
{
    if (b == NULL)
        return;
    for (size_t i = 0; i < b->nfd; i++)
        reset(&b->fd[i]);
    free(b->fd);
    free(b);
}

/* state - fd's record (grown on demand), or NULL for a negative fd. */
static struct fdst *state(struct udpbatch *b, int fd)
{
    if (fd < 0)
        return NULL;
    if ((size_t)fd >= b->nfd) {
        size_t n = b->nfd ? b->nfd : 16;
        while (n <= (size_t)fd)
            n *= 2;
        b->fd = xrealloc(b->fd, n * sizeof *b->fd);
        memset(b->fd + b->nfd, 0, (n - b->nfd) * sizeof *b->fd);
        b->nfd = n;
    }
    return &b->fd[fd];
}

int udpbatch_socket(struct udpbatch *b, int domain, int type, int protocol)
{
    int fd = socket(domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
    struct fdst *s;

    if (fd < 0)
        return -1;
    s = state(b, fd);
    reset(s);
    if (type == SOCK_DGRAM) {
        s->kind = K_UDP;
        if (b->rcvbuf > 0)
            (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &b->rcvbuf,
                             sizeof b->rcvbuf);
    } else {
        int one = 1;
        s->kind = K_STREAM;
        if (type == SOCK_STREAM && (domain == AF_INET || domain == AF_INET6))
            (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    return fd;
}

int udpbatch_close(struct udpbatch *b, int fd)
{
    struct fdst *s = state(b, fd);
    if (s != NULL)
        reset(s);
    return close(fd);
}

/* flush_fd - send fd's queue in sendmmsg calls of up to UDPBATCH_MAX,
 * keep what the kernel refuses for now (EAGAIN, ENOBUFS), drop the queue
 * and keep the error on any other failure. */
static void flush_fd(struct udpbatch *b, int fd, struct fdst *s)
{
    size_t done = 0;

    while (done < s->qn) {
        struct mmsghdr mm[UDPBATCH_MAX];
        struct iovec iov[UDPBATCH_MAX];
        size_t k = s->qn - done;
        int r;

        if (k > UDPBATCH_MAX)
            k = UDPBATCH_MAX;
        memset(mm, 0, k * sizeof *mm);
        for (size_t i = 0; i < k; i++) {
            iov[i].iov_base = s->q + s->off[done + i];
            iov[i].iov_len = s->len[done + i];
            mm[i].msg_hdr.msg_iov = &iov[i];
            mm[i].msg_hdr.msg_iovlen = 1;
        }
        r = sendmmsg(fd, mm, (unsigned)k, MSG_DONTWAIT | MSG_NOSIGNAL);
        b->st.send_calls++;
        if (r < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)
                break;
            s->err = errno;
            done = s->qn;
            break;
        }
        b->st.datagrams_sent += r;
        done += (size_t)r;
        if ((size_t)r < k)
            break; /* the kernel took part: the rest at the next flush */
    }
    if (done == s->qn) {
        s->qn = 0;
        s->qlen = 0;
    } else if (done > 0) {
        size_t from = s->off[done];
        memmove(s->q, s->q + from, s->qlen - from);
        s->qlen -= from;
        for (size_t i = done; i < s->qn; i++) {
            s->off[i - done] = s->off[i] - from;
            s->len[i - done] = s->len[i];
        }
        s->qn -= done;
    }
}

ssize_t udpbatch_send(struct udpbatch *b, int fd, const struct iovec *iov,
                      int n)
{
    struct fdst *s = state(b, fd);
    size_t total = 0;

    if (s == NULL || s->kind != K_UDP)
        return writev(fd, iov, n);
    for (int i = 0; i < n; i++)
        total += iov[i].iov_len;
    if (s->qn == s->qncap) {
        s->qncap = s->qncap ? s->qncap * 2 : UDPBATCH_MAX;
        s->off = xrealloc(s->off, s->qncap * sizeof *s->off);
        s->len = xrealloc(s->len, s->qncap * sizeof *s->len);
    }
    if (s->qlen + total > s->qcap) {
        size_t c = s->qcap ? s->qcap : 4096;
        while (c < s->qlen + total)
            c *= 2;
        s->q = xrealloc(s->q, c);
        s->qcap = c;
    }
    s->off[s->qn] = s->qlen;
    s->len[s->qn] = total;
    for (int i = 0; i < n; i++) {
        memcpy(s->q + s->qlen, iov[i].iov_base, iov[i].iov_len);
        s->qlen += iov[i].iov_len;
    }
    s->qn++;
    if (s->qn >= UDPBATCH_MAX)
        flush_fd(b, fd, s);
    return (ssize_t)total;
}

/* refill - read a new batch into s->rb. 1 when datagrams came, else -1
 * with errno. */
static int refill(struct udpbatch *b, int fd, struct fdst *s)
{
    struct rbatch *rb = s->rb;
    int r;

    if (rb == NULL)
        rb = s->rb = xmalloc(sizeof *rb);
    rb->n = rb->pos = 0;
    for (unsigned i = 0; i < UDPBATCH_MAX; i++) {
        rb->iov[i].iov_base = rb->buf[i];
        rb->iov[i].iov_len = SLOT;
        memset(&rb->mm[i], 0, sizeof rb->mm[i]);
        rb->mm[i].msg_hdr.msg_iov = &rb->iov[i];
        rb->mm[i].msg_hdr.msg_iovlen = 1;
        rb->mm[i].msg_hdr.msg_name = &rb->from[i];
        rb->mm[i].msg_hdr.msg_namelen = sizeof rb->from[i];
    }
    do {
        r = recvmmsg(fd, rb->mm, UDPBATCH_MAX, MSG_DONTWAIT, NULL);
    } while (r < 0 && errno == EINTR);
    b->st.recv_calls++;
    if (r <= 0) {
        if (r == 0)
            errno = EAGAIN;
        return -1;
    }
    rb->n = (unsigned)r;
    b->st.datagrams_read += r;
    return 1;
}

ssize_t udpbatch_recv(struct udpbatch *b, int fd, void *buf, size_t len,
                      int flags, struct sockaddr *from, socklen_t *fromlen)
{
    struct fdst *s = state(b, fd);
    struct rbatch *rb;
    size_t n;

    if (s == NULL || s->kind != K_UDP)
        return recvfrom(fd, buf, len, flags, from, fromlen);
    if (s->rb == NULL || s->rb->pos == s->rb->n) {
        if (s->err != 0) {
            errno = s->err;
            s->err = 0;
            return -1;
        }
        if (refill(b, fd, s) < 0)
            return -1;
    }
    rb = s->rb;
    n = rb->mm[rb->pos].msg_len;
    if (n > len)
        n = len;
    memcpy(buf, rb->buf[rb->pos], n);
    if (from != NULL && fromlen != NULL) {
        socklen_t fl = rb->mm[rb->pos].msg_hdr.msg_namelen;
        if (fl > *fromlen)
            fl = *fromlen;
        memcpy(from, &rb->from[rb->pos], fl);
        *fromlen = rb->mm[rb->pos].msg_hdr.msg_namelen;
    }
    rb->pos++;
    return (ssize_t)n;
}

size_t udpbatch_flush(struct udpbatch *b)
{
    size_t left = 0;
    for (size_t i = 0; i < b->nfd; i++) {
        struct fdst *s = &b->fd[i];
        if (s->kind == K_UDP && s->qn > 0) {
            flush_fd(b, (int)i, s);
            left += s->qn;
        }
    }
    return left;
}

size_t udpbatch_attention(const struct udpbatch *b, int *fds, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < b->nfd && n < max; i++) {
        const struct fdst *s = &b->fd[i];
        if (s->kind == K_UDP &&
            (s->err != 0 || (s->rb != NULL && s->rb->pos < s->rb->n)))
            fds[n++] = (int)i;
    }
    return n;
}

void udpbatch_get_stats(const struct udpbatch *b, struct udpbatch_stats *s)
{
    *s = b->st;
}
