/* SPDX-License-Identifier: MIT */
/*
 * reportjson - a test helper: the JSON report of a database as one string,
 * for tests that compare whole reports (report_build, then
 * report_render_json into memory).
 */
#ifndef HV_TEST_REPORTJSON_H
#define HV_TEST_REPORTJSON_H

#include <stdio.h>
#include <stdlib.h>

#include "report.h"

/* report_json_text - the JSON report of db under o (malloc'ed); NULL, with
 * the code in *rc and the message in *err, when building or rendering it
 * failed. */
static inline char *report_json_text(sqlite3 *db, const struct report_opts *o,
                                     int *rc, char **err)
{
    struct report r;
    char *buf = NULL;
    size_t len = 0;
    *rc = report_build(db, o, &r, err);
    if (*rc == HV_OK) {
        FILE *f = open_memstream(&buf, &len);
        *rc = f != NULL ? report_render_json(&r, f, err) : HV_EIO;
        if (f != NULL)
            fclose(f);
    }
    report_free(&r);
    if (*rc != HV_OK) {
        free(buf);
        buf = NULL;
    }
    return buf;
}

#endif
