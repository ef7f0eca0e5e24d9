/* SPDX-License-Identifier: MIT */
/* fuzz_dnsmsg - libFuzzer entry point for the DNS answer walker. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dnsmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned char *copy = malloc(size ? size : 1);
    if (copy == NULL)
        return 0;
    memcpy(copy, data, size);
    struct dnsmsg m;
    if (dnsmsg_parse(copy, size, &m) == 0) {
        static const int types[] = {1, 28, 33, 16, 12, 5, 6};
        for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
            enum dnsq_status st = dnsmsg_status(&m, "_client._smtp.mail.example.com", types[i]);
            (void)dnsmsg_cache_ttl(&m, st);
        }
        (void)dnsmsg_soa_owner(&m);
        dnsmsg_free(&m);
    }
    free(copy);
    return 0;
}
