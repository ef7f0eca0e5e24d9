/* SPDX-License-Identifier: MIT */
/*
 * registry - the table of input formats (the one list of them and of the
 * MTAs they stand for: parser.h) and format detection.
 */
#include "parser.h"

#include <string.h>

/* A new format is one row here (and its parser file and tests). */
static const struct hv_format *const formats[] = {
    &hv_format_postfix,
    &hv_format_exim,
    &hv_format_sendmail,
    &hv_format_mbox,
};
#define NFORMATS (sizeof(formats) / sizeof(formats[0]))
_Static_assert(NFORMATS <= HV_FORMAT_MAX, "raise HV_FORMAT_MAX in parser.h");

const struct hv_format *hv_format_at(size_t i)
{
    return i < NFORMATS ? formats[i] : NULL;
}

const struct hv_format *hv_format_find(const char *name)
{
    for (size_t i = 0; i < NFORMATS; i++)
        if (strcmp(formats[i]->name, name) == 0)
            return formats[i];
    return NULL;
}

/* hv_mta_name - the name of the first format of MTA m (session.h). */
const char *hv_mta_name(enum hv_mta m)
{
    for (size_t i = 0; i < NFORMATS; i++)
        if (formats[i]->mta == m)
            return formats[i]->name;
    return "unknown";
}

const struct hv_format *hv_format_detect(const struct hv_line *lines, size_t n)
{
    long best_score = 0;
    const struct hv_format *best = NULL;
    for (size_t f = 0; f < NFORMATS; f++) {
        if (formats[f]->open == NULL)
            continue;
        long score = 0;
        for (size_t i = 0; i < n; i++) {
            int s = formats[f]->probe(lines[i].p, lines[i].len);
            /* the first line of a mail file decides for mbox/.eml: a strong
             * yes counts four times, a no rules the format out (a header-like
             * line deep inside binary junk is not a mail file) */
            if (i == 0 && s == 0 && formats[f]->first_line_decides) {
                score = 0;
                break;
            }
            if (i == 0 && s >= 90)
                s *= 4;
            score += s;
        }
        if (score > best_score) {
            best_score = score;
            best = formats[f];
        }
    }
    return best;
}
