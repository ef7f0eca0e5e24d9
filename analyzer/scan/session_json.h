/* SPDX-License-Identifier: MIT */
/*
 * session_json - one session as one JSON line, the output of
 * `heloval scan --emit jsonl` (the map step of the scale-out path). Keys are
 * the export columns: source, line, time, mta, ip, helo, rdns, disposition,
 * messages, plus qids (array), label and label_from (strings as in the
 * store, null when the session has no label) and complete (bool).
 */
#ifndef HV_SESSION_JSON_H
#define HV_SESSION_JSON_H

#include <stdio.h>

#include "session.h"

/* session_json_write - write s (from source path) as a JSON line to out. */
void session_json_write(FILE *out, const char *source, const struct hv_session *s);

#endif
