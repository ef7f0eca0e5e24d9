/* SPDX-License-Identifier: MIT */
/* session_json - JSON-lines form of a session (see session_json.h). */
#include "session_json.h"

#include <string.h>

#include "fmt.h"
#include "tstamp.h"

void session_json_write(FILE *out, const char *source, const struct hv_session *s)
{
    struct fmt_buf b;
    char iso[21];
    fmt_buf_init(&b);
    tstamp_format_iso(s->ts, iso);
    fmt_buf_puts(&b, "{\"source\":");
    fmt_json(&b, source, strlen(source));
    fmt_buf_printf(&b, ",\"line\":%llu,\"time\":\"%s\",\"mta\":\"%s\",\"ip\":",
                   (unsigned long long)s->line, iso, hv_mta_name(s->mta));
    fmt_json(&b, s->ip, strlen(s->ip));
    fmt_buf_puts(&b, ",\"helo\":");
    if (s->has_helo)
        fmt_json(&b, s->helo, strlen(s->helo));
    else
        fmt_buf_puts(&b, "null");
    const char *from = hv_helo_origin_name(s->helo_origin);
    fmt_buf_printf(&b, ",\"helo_from\":%s%s%s", from ? "\"" : "",
                   from ? from : "null", from ? "\"" : "");
    fmt_buf_puts(&b, ",\"rdns\":");
    fmt_json(&b, s->rdns, strlen(s->rdns));
    fmt_buf_printf(&b, ",\"disposition\":\"%s\",\"messages\":%u,\"qids\":[",
                   hv_disposition_name(hv_session_disposition(s)), s->messages);
    for (unsigned i = 0; i < s->nqids; i++) {
        if (i)
            fmt_buf_puts(&b, ",");
        fmt_json(&b, s->qids[i], strlen(s->qids[i]));
    }
    const char *label = hv_label_name(s->label);
    const char *lfrom = label != NULL ? hv_label_from_name(s->label_from) : NULL;
    if (lfrom == NULL)
        label = NULL;
    fmt_buf_printf(&b, "],\"label\":%s%s%s,\"label_from\":%s%s%s",
                   label ? "\"" : "", label ? label : "null", label ? "\"" : "",
                   lfrom ? "\"" : "", lfrom ? lfrom : "null", lfrom ? "\"" : "");
    fmt_buf_printf(&b, ",\"complete\":%s}\n", s->complete ? "true" : "false");
    fmt_buf_write(&b, out);
    fmt_buf_free(&b);
}
