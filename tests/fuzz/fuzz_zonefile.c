/* SPDX-License-Identifier: MIT */
/*
 * fuzz_zonefile - libFuzzer entry point for the zone-file reader: the input
 * is written to a memory file and loaded as a master file; when it loads,
 * a few CSA/DNA questions are answered from it.
 */
#define _GNU_SOURCE 1
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "zonefile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memfd_create("zone", 0);
    if (fd < 0)
        return 0;
    if (write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return 0;
    }
    char path[64];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    struct zonefile *zf = zonefile_new();
    char *err = NULL;
    if (zonefile_load(zf, path, &err) == 0) {
        static const char *const names[] = {"_client._smtp.mail.example.com", "example.com",
                                            "mail.example.com.dna.example", "nope.invalid"};
        static const int types[] = {33, 1, 28, 16, 12, 6};
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
            for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
                unsigned char *wire = NULL;
                size_t len = 0;
                if (zonefile_answer(zf, names[i], types[t], &wire, &len) == 1)
                    free(wire);
            }
    }
    free(err);
    zonefile_free(zf);
    close(fd);
    return 0;
}
