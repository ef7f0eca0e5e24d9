/* SPDX-License-Identifier: MIT */
/*
 * check - the unit-test harness (after curl's unitcheck.h). CHECK* count and
 * print failures with file:line; CHECK_DONE() prints "N passed, N failed" as
 * the last line and returns the exit status (1 on any failure).
 */
#ifndef HV_CHECK_H
#define HV_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_passed;
static int check_failed;

#define CHECK(expr)                                                          \
    do {                                                                     \
        if (expr) {                                                          \
            check_passed++;                                                  \
        } else {                                                             \
            check_failed++;                                                  \
            printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #expr);           \
        }                                                                    \
    } while (0)

#define CHECK_MSG(expr, ...)                                                 \
    do {                                                                     \
        if (expr) {                                                          \
            check_passed++;                                                  \
        } else {                                                             \
            check_failed++;                                                  \
            printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #expr);           \
            printf(__VA_ARGS__);                                             \
            printf("\n");                                                    \
        }                                                                    \
    } while (0)

#define CHECK_STREQ(got, want)                                               \
    do {                                                                     \
        const char *check_g_ = (got), *check_w_ = (want);                    \
        if (check_g_ != NULL && check_w_ != NULL &&                          \
            strcmp(check_g_, check_w_) == 0) {                               \
            check_passed++;                                                  \
        } else {                                                             \
            check_failed++;                                                  \
            printf("FAIL %s:%d: %s: got \"%s\", want \"%s\"\n", __FILE__,    \
                   __LINE__, #got, check_g_ ? check_g_ : "(null)",           \
                   check_w_ ? check_w_ : "(null)");                          \
        }                                                                    \
    } while (0)

#define CHECK_INTEQ(got, want)                                               \
    do {                                                                     \
        long long check_g_ = (long long)(got), check_w_ = (long long)(want); \
        if (check_g_ == check_w_) {                                          \
            check_passed++;                                                  \
        } else {                                                             \
            check_failed++;                                                  \
            printf("FAIL %s:%d: %s: got %lld, want %lld\n", __FILE__,        \
                   __LINE__, #got, check_g_, check_w_);                      \
        }                                                                    \
    } while (0)

#define CHECK_DONE()                                                         \
    (printf("%d passed, %d failed\n", check_passed, check_failed),           \
     check_failed ? 1 : 0)

#endif
