/* SPDX-License-Identifier: MIT */
/*
 * test_udpbatch - the resolver's batched sockets over real loopback
 * sockets: queued datagrams leave in order, in one sendmmsg per
 * UDPBATCH_MAX and at a flush, not before; received datagrams come one by
 * one from batches, with their source, truncated like recvfrom, then
 * EAGAIN; a send error (a closed port) is kept for the next read and named
 * by udpbatch_attention; a closed socket's queue is dropped; stream
 * sockets pass straight through.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"
#include "udpbatch.h"

/* bound_udp - a blocking UDP socket on 127.0.0.1 at a free port, its
 * address in *sa. */
static int bound_udp(struct sockaddr_in *sa)
{
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    socklen_t sl = sizeof *sa;
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(s, (struct sockaddr *)sa, sizeof *sa);
    getsockname(s, (struct sockaddr *)sa, &sl);
    return s;
}

/* pending - how many datagrams s can read now (without blocking). */
static int pending(int s)
{
    char buf[600];
    int n = 0;
    while (recv(s, buf, sizeof buf, MSG_DONTWAIT) >= 0)
        n++;
    return n;
}

/* send_text - queue the datagram "<prefix><i>" on fd. */
static ssize_t send_text(struct udpbatch *b, int fd, const char *prefix, int i)
{
    char num[16];
    struct iovec iov[2];
    snprintf(num, sizeof num, "%d", i);
    iov[0].iov_base = (void *)prefix;
    iov[0].iov_len = strlen(prefix);
    iov[1].iov_base = num;
    iov[1].iov_len = strlen(num);
    return udpbatch_send(b, fd, iov, 2);
}

int main(void)
{
    struct udpbatch *b = udpbatch_new(1 << 20);
    struct udpbatch_stats st;
    struct sockaddr_in srv, cli;
    socklen_t sl = sizeof cli;
    int server = bound_udp(&srv);
    int fd, fds[8];
    char buf[600], want[32];
    ssize_t n;

    /* ==== sending ==== */
    fd = udpbatch_socket(b, AF_INET, SOCK_DGRAM, 0);
    CHECK(fd >= 0);
    CHECK_INTEQ(connect(fd, (struct sockaddr *)&srv, sizeof srv), 0);
    for (int i = 0; i < UDPBATCH_MAX - 1; i++)
        CHECK_INTEQ(send_text(b, fd, "q", i), i < 10 ? 2 : i < 100 ? 3 : 4);
    CHECK_INTEQ(pending(server), 0);          /* queued, not sent */
    udpbatch_get_stats(b, &st);
    CHECK_INTEQ(st.send_calls, 0);
    send_text(b, fd, "q", UDPBATCH_MAX - 1);  /* the batch is full: it leaves */
    udpbatch_get_stats(b, &st);
    CHECK_INTEQ(st.send_calls, 1);
    CHECK_INTEQ(st.datagrams_sent, UDPBATCH_MAX);
    for (int i = 0; i < 10; i++)
        send_text(b, fd, "r", i);
    CHECK_INTEQ(udpbatch_flush(b), 0);
    udpbatch_get_stats(b, &st);
    CHECK_INTEQ(st.send_calls, 2);
    CHECK_INTEQ(st.datagrams_sent, UDPBATCH_MAX + 10);
    /* in order, each datagram as queued */
    for (int i = 0; i < UDPBATCH_MAX + 10; i++) {
        n = recv(server, buf, sizeof buf - 1, MSG_DONTWAIT);
        CHECK(n > 0);
        buf[n > 0 ? n : 0] = '\0';
        if (i < UDPBATCH_MAX)
            snprintf(want, sizeof want, "q%d", i);
        else
            snprintf(want, sizeof want, "r%d", i - UDPBATCH_MAX);
        CHECK_STREQ(buf, want);
    }
    CHECK_INTEQ(pending(server), 0);
    CHECK_INTEQ(udpbatch_flush(b), 0);        /* nothing queued: no call */
    udpbatch_get_stats(b, &st);
    CHECK_INTEQ(st.send_calls, 2);

    /* ==== receiving ==== */
    getsockname(fd, (struct sockaddr *)&cli, &sl);
    for (int i = 0; i < UDPBATCH_MAX + 6; i++) {
        snprintf(buf, sizeof buf, "a%d", i);
        sendto(server, buf, strlen(buf), 0, (struct sockaddr *)&cli, sizeof cli);
    }
    for (int i = 0; i < UDPBATCH_MAX + 6; i++) {
        struct sockaddr_storage from;
        socklen_t fl = sizeof from;
        n = udpbatch_recv(b, fd, buf, sizeof buf - 1, 0,
                          (struct sockaddr *)&from, &fl);
        CHECK(n > 0);
        buf[n > 0 ? n : 0] = '\0';
        snprintf(want, sizeof want, "a%d", i);
        CHECK_STREQ(buf, want);
        CHECK_INTEQ(fl, sizeof srv);
        CHECK(memcmp(&((struct sockaddr_in *)&from)->sin_port, &srv.sin_port,
                     sizeof srv.sin_port) == 0);
        if (i == 0) {
            /* the rest of the first batch is waiting in memory */
            CHECK_INTEQ(udpbatch_attention(b, fds, 8), 1);
            CHECK_INTEQ(fds[0], fd);
        }
    }
    errno = 0;
    CHECK_INTEQ(udpbatch_recv(b, fd, buf, sizeof buf, 0, NULL, NULL), -1);
    CHECK(errno == EAGAIN || errno == EWOULDBLOCK);
    CHECK_INTEQ(udpbatch_attention(b, fds, 8), 0);
    udpbatch_get_stats(b, &st);
    CHECK_INTEQ(st.datagrams_read, UDPBATCH_MAX + 6);
    CHECK_INTEQ(st.recv_calls, 3);           /* 64, 6, then EAGAIN */
    /* truncated to the caller's buffer, as recvfrom does */
    sendto(server, "0123456789", 10, 0, (struct sockaddr *)&cli, sizeof cli);
    CHECK_INTEQ(udpbatch_recv(b, fd, buf, 4, 0, NULL, NULL), 4);
    CHECK(memcmp(buf, "0123", 4) == 0);

    /* ==== closing drops the queue ==== */
    send_text(b, fd, "lost", 1);
    CHECK_INTEQ(udpbatch_close(b, fd), 0);
    CHECK_INTEQ(udpbatch_flush(b), 0);
    CHECK_INTEQ(pending(server), 0);

    /* ==== a send error is kept for the read side ==== */
    {
        struct sockaddr_in dead;
        int d = bound_udp(&dead), tries = 0;
        close(d); /* nothing listens there: ICMP port unreachable */
        fd = udpbatch_socket(b, AF_INET, SOCK_DGRAM, 0);
        CHECK_INTEQ(connect(fd, (struct sockaddr *)&dead, sizeof dead), 0);
        /* the first datagram draws the ICMP error; a later send reports it */
        while (udpbatch_attention(b, fds, 8) == 0 && tries++ < 50) {
            send_text(b, fd, "x", tries);
            udpbatch_flush(b);
            poll(NULL, 0, 2);
        }
        CHECK_INTEQ(udpbatch_attention(b, fds, 8), 1);
        CHECK_INTEQ(fds[0], fd);
        errno = 0;
        CHECK_INTEQ(udpbatch_recv(b, fd, buf, sizeof buf, 0, NULL, NULL), -1);
        CHECK_INTEQ(errno, ECONNREFUSED);
        CHECK_INTEQ(udpbatch_attention(b, fds, 8), 0); /* reported once */
        udpbatch_close(b, fd);
    }

    /* ==== a stream socket passes through at once ==== */
    {
        int ls = socket(AF_INET, SOCK_STREAM, 0), peer;
        struct sockaddr_in la;
        socklen_t ll = sizeof la;
        struct iovec iov = { (void *)"hello", 5 };
        memset(&la, 0, sizeof la);
        la.sin_family = AF_INET;
        la.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        bind(ls, (struct sockaddr *)&la, sizeof la);
        getsockname(ls, (struct sockaddr *)&la, &ll);
        listen(ls, 1);
        fd = udpbatch_socket(b, AF_INET, SOCK_STREAM, 0);
        CHECK(fd >= 0);
        connect(fd, (struct sockaddr *)&la, sizeof la); /* non-blocking */
        peer = accept(ls, NULL, NULL);
        CHECK(peer >= 0);
        for (int i = 0; i < 100; i++) { /* until the connection is up */
            struct pollfd p = { fd, POLLOUT, 0 };
            if (poll(&p, 1, 10) == 1)
                break;
        }
        CHECK_INTEQ(udpbatch_send(b, fd, &iov, 1), 5);
        n = recv(peer, buf, sizeof buf, 0); /* no flush needed */
        CHECK_INTEQ(n, 5);
        send(peer, "world", 5, 0);
        n = -1;
        for (int i = 0; i < 100 && n < 0; i++) {
            n = udpbatch_recv(b, fd, buf, sizeof buf, 0, NULL, NULL);
            if (n < 0)
                poll(NULL, 0, 2);
        }
        CHECK_INTEQ(n, 5);
        CHECK(memcmp(buf, "world", 5) == 0);
        udpbatch_close(b, fd);
        close(peer);
        close(ls);
    }

    udpbatch_get_stats(b, &st);
    udpbatch_free(b);
    udpbatch_free(NULL);
    close(server);
    return CHECK_DONE();
}
