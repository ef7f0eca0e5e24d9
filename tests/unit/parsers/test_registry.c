/* SPDX-License-Identifier: MIT */
/*
 * test_registry - the format table (parsers/registry.c) is a well-formed
 * single list: every row complete, names unique and found by name, and
 * every MTA of enum hv_mta named by exactly the format(s) that emit it.
 */
#include "check.h"
#include "parser.h"

int main(void)
{
    size_t n = 0;
    bool mta_seen[HV_MTA_COUNT] = {false};

    for (const struct hv_format *f; (f = hv_format_at(n)) != NULL; n++) {
        CHECK_MSG(f->name != NULL && f->name[0] != '\0', "row %zu has no name", n);
        CHECK_MSG(f->probe && f->open && f->feed && f->finish && f->close,
                  "%s lacks a function", f->name);
        CHECK_MSG(hv_format_find(f->name) == f, "%s is not found by its name", f->name);
        CHECK_MSG((unsigned)f->mta < HV_MTA_COUNT, "%s: mta %d out of range", f->name,
                  (int)f->mta);
        if ((unsigned)f->mta < HV_MTA_COUNT && !mta_seen[f->mta]) {
            /* the first format of an MTA names it */
            CHECK_STREQ(hv_mta_name(f->mta), f->name);
            mta_seen[f->mta] = true;
        }
    }
    CHECK(n > 0 && n <= HV_FORMAT_MAX);
    CHECK(hv_format_at(n) == NULL && hv_format_at(n + 1) == NULL);
    for (int m = 0; m < HV_MTA_COUNT; m++)
        CHECK_MSG(mta_seen[m], "MTA %d has no format in the registry", m);
    CHECK_STREQ(hv_mta_name(HV_MTA_COUNT), "unknown");
    CHECK(hv_format_find("auto") == NULL);   /* a CLI word, not a format */
    CHECK(hv_format_find("") == NULL);
    /* the four of today, as the store and the goldens name them */
    CHECK_STREQ(hv_mta_name(HV_MTA_POSTFIX), "postfix");
    CHECK_STREQ(hv_mta_name(HV_MTA_MBOX), "mbox");
    return CHECK_DONE();
}
