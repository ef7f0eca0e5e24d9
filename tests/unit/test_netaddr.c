/* SPDX-License-Identifier: MIT */
/* test_netaddr - address parsing, canonical form and CIDR membership. */
#include <string.h>

#include "check.h"
#include "netaddr.h"

/* canon - canonical text of s, or "" when it is not an address. */
static const char *canon(const char *s)
{
    static char out[46];
    if (!hv_ip_canon(s, strlen(s), out))
        return "";
    return out;
}

/* in_list - whether ip is inside the networks of csv. */
static int in_list(const char *csv, const char *ip)
{
    struct hv_netlist l = {0};
    struct hv_addr a;
    int r = -1;
    if (hv_netlist_add_csv(&l, csv, NULL) && hv_addr_parse(ip, strlen(ip), &a))
        r = hv_netlist_contains(&l, &a);
    hv_netlist_fini(&l);
    return r;
}

int main(void)
{
    CHECK_STREQ(canon("192.0.2.1"), "192.0.2.1");
    CHECK_STREQ(canon("[192.0.2.1]"), "192.0.2.1");
    CHECK_STREQ(canon("[IPv6:2001:DB8::1]"), "2001:db8::1");
    CHECK_STREQ(canon("IPv6:2001:db8:0:0::1"), "2001:db8::1");
    CHECK_STREQ(canon("::ffff:192.0.2.7"), "192.0.2.7");
    CHECK_STREQ(canon("fe80::1%6"), "fe80::1");
    CHECK_STREQ(canon("192.0.2"), "");
    CHECK_STREQ(canon("192.0.2.256"), "");
    CHECK_STREQ(canon("V4NET.9.8.7"), "");
    CHECK_STREQ(canon(""), "");
    CHECK_STREQ(canon("[]"), "");
    CHECK_STREQ(canon("1.2.3.4.5"), "");

    struct hv_addr a, b;
    CHECK(hv_addr_parse("::ffff:10.0.0.1", 15, &a) && hv_addr_parse("10.0.0.1", 8, &b));
    CHECK(hv_addr_equal(&a, &b));

    CHECK_INTEQ(in_list("10.0.0.0/8", "10.1.2.3"), 1);
    CHECK_INTEQ(in_list("10.0.0.0/8", "11.1.2.3"), 0);
    CHECK_INTEQ(in_list("192.0.2.128/25", "192.0.2.129"), 1);
    CHECK_INTEQ(in_list("192.0.2.128/25", "192.0.2.127"), 0);
    CHECK_INTEQ(in_list("2001:db8::/32,10.0.0.0/8", "2001:db8:1::5"), 1);
    CHECK_INTEQ(in_list("2001:db8::/33", "2001:db8:8000::5"), 0);
    CHECK_INTEQ(in_list("198.51.100.7", "198.51.100.7"), 1);
    CHECK_INTEQ(in_list("0.0.0.0/0", "203.0.113.9"), 1);
    CHECK_INTEQ(in_list("10.0.0.0/33", "10.0.0.1"), -1);
    CHECK_INTEQ(in_list("bogus", "10.0.0.1"), -1);

    struct hv_netlist def = {0};
    hv_netlist_default_trusted(&def);
    const char *inside[] = {"127.0.0.1", "10.9.8.7", "172.31.0.1", "192.168.1.1",
                            "fd00::1", "fe80::1", "::1", "169.254.0.5"};
    const char *outside[] = {"192.0.2.1", "172.32.0.1", "2001:db8::1", "8.8.8.8"};
    for (size_t i = 0; i < sizeof(inside) / sizeof(inside[0]); i++) {
        CHECK(hv_addr_parse(inside[i], strlen(inside[i]), &a));
        CHECK_MSG(hv_netlist_contains(&def, &a), "%s should be trusted", inside[i]);
    }
    for (size_t i = 0; i < sizeof(outside) / sizeof(outside[0]); i++) {
        CHECK(hv_addr_parse(outside[i], strlen(outside[i]), &a));
        CHECK_MSG(!hv_netlist_contains(&def, &a), "%s should not be trusted", outside[i]);
    }
    hv_netlist_fini(&def);
    return CHECK_DONE();
}
