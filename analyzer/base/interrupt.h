/* SPDX-License-Identifier: MIT */
/*
 * interrupt - the one stop request of a command. SIGINT and SIGTERM set a
 * single flag (and run one signal-safe hook, e.g. sqlite3_interrupt on the
 * connection a report is reading); every stage polls the same flag at its
 * safe points: the scan before its next line, the resolver loop before its
 * next wait, a report's or export's output before its next write. A stop
 * request holds for the rest of the command (`run` does not go on to
 * resolve after an interrupted scan).
 *
 * Owned by the process: analyzer/main.c installs the handlers once; the
 * libraries only read the flag. Tests may request a stop directly.
 */
#ifndef HV_INTERRUPT_H
#define HV_INTERRUPT_H

#include <signal.h>
#include <stdbool.h>

/* interrupt_install - handlers for SIGINT and SIGTERM (without SA_RESTART,
 * so a blocking read or write returns EINTR) that set the flag and then
 * call hook when it is not NULL; hook must be async-signal-safe. */
void interrupt_install(void (*hook)(void));

/* interrupt_request - set the flag (what the handlers do; signal-safe). */
void interrupt_request(void);

/* interrupt_requested - whether a stop was requested. */
bool interrupt_requested(void);

/* interrupt_clear - forget a request (tests, and a new command in-process). */
void interrupt_clear(void);

/* interrupt_flag - the flag itself, for a loop that polls a
 * `volatile sig_atomic_t *` it was given (resolver_run). */
volatile sig_atomic_t *interrupt_flag(void);

#endif
