/* SPDX-License-Identifier: MIT */
/*
 * test_renderers - the renderer table (reports/renderers.c) and the export
 * formats (export.c): rows found by name, the default first, the file-name
 * rule of `run -o FILE`, and the name lists messages and usage are made of.
 */
#include "check.h"
#include "export.h"
#include "report.h"

/* three_at - "a", "b", "c", then NULL. */
static const char *three_at(size_t i)
{
    static const char *const v[] = {"a", "b", "c"};
    return i < 3 ? v[i] : NULL;
}

/* none_at - an empty list. */
static const char *none_at(size_t i)
{
    (void)i;
    return NULL;
}

int main(void)
{
    char buf[64];
    size_t n = 0;

    for (const struct report_renderer *r; (r = report_renderer_at(n)) != NULL; n++) {
        CHECK_MSG(r->render != NULL, "%s has no render function", r->name);
        CHECK_MSG(report_renderer_find(r->name) == r, "%s not found by name", r->name);
        CHECK_STREQ(report_renderer_name(n), r->name);
        if (r->suffix != NULL)
            CHECK_MSG(report_renderer_for_file(r->suffix) == r, "%s by %s", r->name,
                      r->suffix);
    }
    CHECK(n > 0 && report_renderer_name(n) == NULL);
    CHECK(report_renderer_find(NULL) == report_renderer_at(0));
    CHECK(report_renderer_find("tsv") == NULL);
    CHECK(report_renderer_find("postfix") == NULL);
    /* run -o FILE: by suffix, else the row without one (html today) */
    CHECK_STREQ(report_renderer_for_file("out/r.json")->name, "json");
    CHECK_STREQ(report_renderer_for_file("r.csv")->name, "csv");
    CHECK_STREQ(report_renderer_for_file("r.txt")->name, "text");
    CHECK_STREQ(report_renderer_for_file("report.html")->name, "html");
    CHECK_STREQ(report_renderer_for_file("json")->name, "html");
    CHECK_STREQ(report_renderer_at(0)->name, "text");

    CHECK_STREQ(export_format_at(0), "tsv");
    for (n = 0; export_format_at(n) != NULL; n++)
        CHECK(report_renderer_find(export_format_at(n)) == NULL ||
              strcmp(export_format_at(n), "csv") == 0);
    CHECK(n == 3);

    CHECK_STREQ(report_join_names(buf, sizeof buf, three_at, ", ", " or "), "a, b or c");
    CHECK_STREQ(report_join_names(buf, sizeof buf, three_at, "|", "|"), "a|b|c");
    CHECK_STREQ(report_join_names(buf, sizeof buf, none_at, ", ", " or "), "");
    CHECK_STREQ(report_join_names(buf, 4, three_at, ", ", " or "), "a, ");
    return CHECK_DONE();
}
