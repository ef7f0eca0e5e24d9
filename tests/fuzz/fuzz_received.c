/* SPDX-License-Identifier: MIT */
/* fuzz_received - libFuzzer entry point for received_parse(). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "received.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct hv_hop hop;
    /* not NUL-terminated on purpose: the parser must respect len */
    char *copy = malloc(size ? size : 1);
    if (copy == NULL)
        return 0;
    memcpy(copy, data, size);
    received_parse(copy, size, &hop);
    (void)received_kind_name(hop.kind);
    free(copy);
    return 0;
}
