/* SPDX-License-Identifier: MIT */
/*
 * msg - the one place that writes diagnostics to stderr, as
 * "heloval: warning: text". Libraries return errors; commands call these.
 * msg_quiet silences info and warnings (-q); errors always print.
 */
#ifndef HV_MSG_H
#define HV_MSG_H

#include <stdbool.h>

extern bool msg_quiet;

/* msg_info - progress or summary text (suppressed by -q). */
void msg_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* msg_warn - something was skipped or degraded; the run goes on. */
void msg_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* msg_error - the current command will fail. */
void msg_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
