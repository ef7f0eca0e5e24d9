/* SPDX-License-Identifier: MIT */
/*
 * msg - the one place that writes diagnostics to stderr, as
 * "heloval: warning: text". Libraries return errors (hverr.h); commands
 * call these. Four tiers, as Postfix msg(3): msg_warn (go on), msg_error
 * (this command fails, exit 1), msg_fatal (stop now, exit 1: command level
 * and out-of-memory only, never in a library), msg_panic (an internal
 * inconsistency, a bug: abort() for a core dump); and msg_alert, a
 * threshold the user set was passed (--fail-if). msg_quiet silences info
 * and warnings (-q); alerts, errors, fatal and panic always print.
 */
#ifndef HV_MSG_H
#define HV_MSG_H

#include <stdbool.h>

extern bool msg_quiet;

/* msg_info - progress or summary text (suppressed by -q). */
void msg_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* msg_warn - something was skipped or degraded; the run goes on. */
void msg_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* msg_alert - "heloval: alert: text": a threshold the user asked to be
 * told about was passed (printed under -q too). */
void msg_alert(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* msg_error - the current command will fail. */
void msg_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* msg_fatal - "heloval: fatal: text", then exit(MSG_FATAL_STATUS) without
 * returning. For the command level (main.c) and xmem's out-of-memory. */
#define MSG_FATAL_STATUS 1 /* the exit status of a runtime failure */
_Noreturn void msg_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* msg_panic - "heloval: panic: text", then abort(): a state the code
 * cannot reach (an unknown enum value), never bad input or environment. */
_Noreturn void msg_panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
