/* SPDX-License-Identifier: MIT */
/*
 * hverr - the one vocabulary of errors (issue 16): every function of
 * analyzer/ and reports/ that can fail returns HV_OK (0) or one of the
 * negative codes below, and hv_strerror() names a code in words (as
 * ares_strerror). parsers/ keep their own skip reasons (a skipped line is
 * not an error of the program).
 *
 * Detail text, one convention: a function that can fail takes `char **err`
 * as its last argument. On failure it stores there a malloc'ed message the
 * caller frees with free(); on success it leaves *err alone. The message
 * names the file or object concerned and the cause ("heloval.db: database
 * disk image is malformed"), has no "heloval:" prefix and no newline: the
 * command adds those when it prints it (msg_error). Set it with hv_errf().
 * A handle that keeps its own last error (store_errmsg) copies it into
 * *err at the public boundary (store_open, merge_from).
 *
 * Tiers (msg.h, as Postfix msg(3)): libraries return these codes and never
 * exit; the command (analyzer/main.c) prints one msg_error and exits 1;
 * msg_fatal is for the command level only (and out-of-memory, xmem.h);
 * msg_panic is for states that cannot happen (a bug): it aborts.
 *
 * The numbers are stable (HV_EDB was -1 before this header): nothing maps
 * them to exit statuses, which stay 0 ok, 1 failure, 2 usage, 141 pipe.
 */
#ifndef HV_HVERR_H
#define HV_HVERR_H

#define HV_OK 0
#define HV_EDB (-1)       /* SQLite failed (open, prepare, step, commit) */
#define HV_EBUSY (-2)     /* another heloval holds the database */
#define HV_EDNS (-3)      /* DNS setup failed (bad server, zone file, c-ares) */
#define HV_EINTR (-4)     /* stopped by SIGINT/SIGTERM; work done is kept */
#define HV_EDEGRADED (-5) /* most lookups failed: results stored, warning kept */
#define HV_EIO (-6)       /* writing the output (file, pipe, stdout) failed */
#define HV_EUSAGE (-7)    /* bad argument: unknown format, table, export kind */
#define HV_EINPUT (-8)    /* an input file (--policy) is unreadable or invalid */
#define HV_EWRITE (-9)    /* a read-only module prepared a statement that writes */

/* hv_strerror - the meaning of code in a few words (static text); an
 * unknown code gives "unknown error". */
const char *hv_strerror(int code);

/* hv_errf - the detail convention above: when err is not NULL, replace *err
 * (freeing what was there) with the formatted, malloc'ed message. Returns
 * code, so a failure path reads `return hv_errf(err, HV_EDB, ...)`. */
int hv_errf(char **err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
