/* SPDX-License-Identifier: MIT */
/* test_advice - the reason vocabulary of the advice table
 * (reports/advice.c): every CSA reason of csa.h and the two DNA ones have
 * their own sentence, and exactly the CSA reasons a record can fix are
 * fixable. (The table itself: tests/advice.test.sh.) */
#include <string.h>

#include "advice.h"
#include "check.h"

int main(void)
{
    static const char *const fixable[] = {
        "no-record", "not-authorized", "explicit-required", "no-addresses",
        "mismatch", "weight-3", "unusable-record", "srv-lookup-failed",
        "addr-lookup-failed",
    };
    static const char *const not_fixable[] = {
        "invalid-helo", "no-helo", "dna-not-recommended", "dna-defer",
        "authorized",
    };
    const char *generic = advice_explain("no-such-reason");
    for (size_t i = 0; i < sizeof(fixable) / sizeof(fixable[0]); i++) {
        CHECK_MSG(advice_fixable(fixable[i]), "%s", fixable[i]);
        CHECK_MSG(advice_explain(fixable[i]) != generic, "%s", fixable[i]);
    }
    for (size_t i = 0; i < sizeof(not_fixable) / sizeof(not_fixable[0]); i++) {
        CHECK_MSG(!advice_fixable(not_fixable[i]), "%s", not_fixable[i]);
        CHECK_MSG(advice_explain(not_fixable[i]) != generic, "%s", not_fixable[i]);
    }
    CHECK(!advice_fixable(NULL));
    CHECK(!advice_fixable("no-such-reason"));
    CHECK(advice_explain(NULL) == generic);
    CHECK(strstr(advice_explain("mismatch"),
                 "do not include the client address") != NULL);
    CHECK(strstr(advice_explain("not-authorized"), "not authorised") != NULL);
    CHECK(strstr(advice_explain("no-record"), "publishes no CSA record") != NULL);
    return CHECK_DONE();
}
