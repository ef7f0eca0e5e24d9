/* SPDX-License-Identifier: MIT */
/* session - helpers over struct hv_session. */
#include "session.h"

#include <string.h>
#include <strings.h>

void hv_session_reset(struct hv_session *s)
{
    memset(s, 0, sizeof(*s));
}

enum hv_disposition hv_session_disposition(const struct hv_session *s)
{
    if (s->messages > 0)
        return HV_DISP_ACCEPTED;
    if (s->replies_5xx > 0)
        return HV_DISP_REJECTED;
    if (s->replies_4xx > 0)
        return HV_DISP_DEFERRED;
    if (s->lost || s->complete)
        return HV_DISP_LOST;
    return HV_DISP_UNKNOWN;
}

bool hv_session_add_qid(struct hv_session *s, const char *qid, size_t len)
{
    if (len == 0 || len > HV_QID_MAX)
        return false;
    for (unsigned i = 0; i < s->nqids; i++)
        if (strlen(s->qids[i]) == len && memcmp(s->qids[i], qid, len) == 0)
            return true;
    if (s->nqids >= HV_SESSION_QIDS)
        return false;
    memcpy(s->qids[s->nqids], qid, len);
    s->qids[s->nqids][len] = '\0';
    s->nqids++;
    return true;
}

bool hv_session_set_helo(struct hv_session *s, const char *helo, size_t len)
{
    bool fits = len <= HV_HELO_MAX;
    if (!fits)
        len = HV_HELO_MAX;
    memcpy(s->helo, helo, len);
    s->helo[len] = '\0';
    s->has_helo = true;
    s->helo_truncated = !fits;
    s->helo_origin = HV_HELO_LOGGED;
    return fits;
}

void hv_session_imply_helo(struct hv_session *s, const char *helo, size_t len)
{
    if (s->helo_origin == HV_HELO_LOGGED)
        return;
    if (len > HV_HELO_MAX)
        len = HV_HELO_MAX;
    memcpy(s->helo, helo, len);
    s->helo[len] = '\0';
    s->has_helo = true;
    s->helo_truncated = false;
    s->helo_origin = HV_HELO_IMPLIED;
}

void hv_session_note_no_helo(struct hv_session *s)
{
    if (s->helo_origin == HV_HELO_UNOBSERVED)
        s->helo_origin = HV_HELO_ABSENT;
}

const char *hv_helo_origin_name(enum hv_helo_origin o)
{
    switch (o) {
    case HV_HELO_LOGGED:
        return "log";
    case HV_HELO_IMPLIED:
        return "implied";
    case HV_HELO_ABSENT:
        return "none";
    case HV_HELO_UNOBSERVED:
        break;
    }
    return NULL;
}

bool hv_session_set_label(struct hv_session *s, enum hv_label label,
                          enum hv_label_from from)
{
    if (s->label != HV_LABEL_NONE || label == HV_LABEL_NONE || from == HV_LFROM_NONE)
        return false;
    s->label = label;
    s->label_from = from;
    return true;
}

const char *hv_label_name(enum hv_label l)
{
    switch (l) {
    case HV_LABEL_HAM:
        return "ham";
    case HV_LABEL_SPAM:
        return "spam";
    case HV_LABEL_NONE:
        break;
    }
    return NULL;
}

const char *hv_label_from_name(enum hv_label_from f)
{
    switch (f) {
    case HV_LFROM_FOLDER:
        return "folder";
    case HV_LFROM_HEADER:
        return "header";
    case HV_LFROM_DNSBL:
        return "dnsbl";
    case HV_LFROM_FILTER:
        return "content-filter";
    case HV_LFROM_NONE:
        break;
    }
    return NULL;
}

void hv_session_set_rdns(struct hv_session *s, const char *name, size_t len)
{
    if (len > HV_HOST_MAX)
        len = HV_HOST_MAX;
    if (len == 7 && strncasecmp(name, "unknown", 7) == 0)
        len = 0;
    memcpy(s->rdns, name, len);
    s->rdns[len] = '\0';
}

const char *hv_disposition_name(enum hv_disposition d)
{
    switch (d) {
    case HV_DISP_ACCEPTED:
        return "accepted";
    case HV_DISP_REJECTED:
        return "rejected";
    case HV_DISP_DEFERRED:
        return "deferred";
    case HV_DISP_LOST:
        return "lost";
    case HV_DISP_UNKNOWN:
        break;
    }
    return "unknown";
}
