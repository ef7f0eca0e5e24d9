/* SPDX-License-Identifier: MIT */
/*
 * evaldb - the SQL of `heloval evaluate` (analyzer/evaluate.h): a batch of
 * input (IP, HELO) pairs is put into the store as the sessions of one
 * reserved source (fingerprint "heloval-evaluate", path "(evaluate)"), so
 * that the resolve stage (resolve.h), whose work list is the sessions,
 * evaluates exactly what the cache lacks; the batch is removed again once
 * its rows are written. The CSA, DNA and dns_cache rows the resolve stage
 * stores stay: they are the cache a later evaluate (or report) reuses.
 * The store is borrowed; every function returns HV_OK or HV_EDB with the
 * text in store_errmsg(st).
 */
#ifndef HV_EVALDB_H
#define HV_EVALDB_H

#include <stddef.h>

#include "store.h"

/* The reserved source's fingerprint (with fp_len 0, which no scanned
 * file has with it); the read views (readviews.c) leave its sessions out. */
#define EVALDB_FINGERPRINT "heloval-evaluate"

/* One input pair: helo "" is a client that sent no HELO. */
struct evaldb_pair {
    const char *ip;
    const char *helo;
};

/* evaldb_put - in one transaction, remove any batch left by an earlier
 * (interrupted) evaluate and add the n pairs as sessions 1..n of the
 * reserved source: helo NULL with helo_from 'none' for an empty HELO
 * (CSA "no-helo", as the scan stores such a client). */
int evaldb_put(struct store *st, const struct evaldb_pair *pairs, size_t n);

/* evaldb_clear - remove the batch and the reserved source (a no-op when
 * there is none). */
int evaldb_clear(struct store *st);

#endif
