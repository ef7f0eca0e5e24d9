/* SPDX-License-Identifier: MIT */
/*
 * fuzz_anon - libFuzzer entry point for the --anonymize masking: any bytes
 * as a text value, a mailbox path and a value with a mailbox set holding
 * the input itself. A mailbox path keeps its number of components.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "anon.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    struct fmt_buf b;
    fmt_buf_init(&b);
    anon_text(&b, s, size);
    fmt_buf_reset(&b);
    anon_mailbox_path(&b, s, size);
    size_t in_slashes = 0, out_slashes = 0;
    for (size_t i = 0; i < size; i++)
        in_slashes += s[i] == '/';
    for (size_t i = 0; i < b.len; i++)
        out_slashes += b.p[i] == '/';
    if (in_slashes != out_slashes)
        abort();
    struct anon a;
    keymap_init(&a.mailboxes);
    size_t half = size / 2;
    keymap_intern(&a.mailboxes, s, half, NULL);
    fmt_buf_reset(&b);
    anon_value(&a, &b, s, size);
    anon_close(&a);
    fmt_buf_free(&b);
    return 0;
}
