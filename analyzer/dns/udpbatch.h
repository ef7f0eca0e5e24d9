/* SPDX-License-Identifier: MIT */
/*
 * udpbatch - the sockets of the resolver (resolver.c hands these functions
 * to c-ares as its socket functions), with the datagrams of a UDP socket
 * moved in batches: one sendmmsg for up to UDPBATCH_MAX queued queries and
 * one recvmmsg for up to UDPBATCH_MAX answers, instead of one send and one
 * recv system call per query. Stream (TCP) sockets pass straight through.
 *
 * Sending: udpbatch_send on a UDP socket copies the datagram into the
 * socket's queue and reports it sent; the queue leaves when it holds
 * UDPBATCH_MAX datagrams or at udpbatch_flush (the event loop calls it
 * before it waits). A datagram the kernel would not take now (EAGAIN) stays
 * queued for the next flush; any other send error (ECONNREFUSED after an
 * ICMP unreachable, ...) drops the socket's queue and is kept for the next
 * udpbatch_recv on that socket, which returns it, so the caller learns of
 * a dead server on the read side, as it would of an asynchronous error.
 *
 * Receiving: udpbatch_recv on a UDP socket returns the next datagram of
 * the socket's batch, reading a new batch (non-blocking) when it is empty;
 * -1 with errno EAGAIN when nothing is there. udpbatch_attention lists the
 * sockets the caller must read although epoll may not say so (datagrams
 * already batched, or an error kept from a send).
 *
 * Sockets are made non-blocking and close-on-exec; UDP ones get the
 * receive buffer asked for, TCP ones TCP_NODELAY. Not thread-safe: one
 * udpbatch per resolver, used by its thread only. Owns the queues and
 * batches; the sockets are the caller's to close through udpbatch_close.
 */
#ifndef HV_UDPBATCH_H
#define HV_UDPBATCH_H

#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

#define UDPBATCH_MAX 64 /* datagrams per sendmmsg / recvmmsg */

struct udpbatch;

struct udpbatch_stats {
    long long datagrams_sent, send_calls; /* datagrams, sendmmsg calls */
    long long datagrams_read, recv_calls; /* datagrams, recvmmsg calls */
};

/* udpbatch_new - an empty set; UDP sockets get SO_RCVBUF rcvbuf (0: the
 * system default). */
struct udpbatch *udpbatch_new(int rcvbuf);

/* udpbatch_free - free every queue and batch (queued datagrams are
 * dropped); the sockets stay open. NULL is a no-op. */
void udpbatch_free(struct udpbatch *b);

/* udpbatch_socket - socket(domain, type, protocol), non-blocking and
 * close-on-exec, remembered as UDP or stream. The fd, or -1 (errno). */
int udpbatch_socket(struct udpbatch *b, int domain, int type, int protocol);

/* udpbatch_close - drop fd's queue and batch and close it. close()'s
 * result. */
int udpbatch_close(struct udpbatch *b, int fd);

/* udpbatch_send - UDP: queue a copy of the datagram iov[0..n) (sent at the
 * latest by the next udpbatch_flush) and return its length; stream:
 * writev. -1 with errno on failure. */
ssize_t udpbatch_send(struct udpbatch *b, int fd, const struct iovec *iov,
                      int n);

/* udpbatch_recv - UDP: the next datagram (truncated to len, as recvfrom
 * does) with its source in from/fromlen when from is not NULL, or -1 with
 * errno (EAGAIN: nothing to read; else a kept send error or the read's
 * error); stream: recvfrom. */
ssize_t udpbatch_recv(struct udpbatch *b, int fd, void *buf, size_t len,
                      int flags, struct sockaddr *from, socklen_t *fromlen);

/* udpbatch_flush - send what every UDP socket has queued, as far as the
 * kernel takes it now. Returns the number of datagrams still queued. */
size_t udpbatch_flush(struct udpbatch *b);

/* udpbatch_attention - up to max UDP fds with batched datagrams or a kept
 * error, into fds; returns how many. */
size_t udpbatch_attention(const struct udpbatch *b, int *fds, size_t max);

/* udpbatch_get_stats - counters since udpbatch_new. */
void udpbatch_get_stats(const struct udpbatch *b, struct udpbatch_stats *s);

#endif
