/* SPDX-License-Identifier: MIT */
/*
 * fuzz_csa - libFuzzer entry point for the CSA and DNA evaluation: every
 * query the evaluators ask gets the fuzz input as its answer (with the
 * status taken from the first byte), so malformed, hostile and merely odd
 * answers all reach csa_evaluate and dna_evaluate.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csa.h"
#include "dna.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_answer {
    const unsigned char *msg;
    size_t len;
    enum dnsq_status status;
};

/* lookup_all - the same answer for every (qname, qtype). */
static bool lookup_all(void *arg, const char *qname, int qtype, struct dns_result *out)
{
    const struct fuzz_answer *a = arg;
    (void)qname;
    (void)qtype;
    out->status = a->status;
    out->msg = a->len ? a->msg : NULL;
    out->len = a->len;
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned char *copy = malloc(size);
    if (copy == NULL)
        return 0;
    memcpy(copy, data + 1, size - 1);
    struct fuzz_answer a = {copy, size - 1, (enum dnsq_status)(data[0] % 7)};
    static const char *const helos[] = {"mail.example.com", "a.b.c.d.e.f.g.example.net",
                                        "[192.0.2.1]", "[IPv6:2001:db8::1]", "192.0.2.9"};
    static const char *const ips[] = {"192.0.2.1", "2001:db8::1", "::ffff:192.0.2.1"};
    struct csa_opts co;
    csa_opts_init(&co);
    for (size_t h = 0; h < sizeof(helos) / sizeof(helos[0]); h++) {
        for (size_t i = 0; i < sizeof(ips) / sizeof(ips[0]); i++) {
            struct csa_result r;
            if (csa_evaluate(helos[h], ips[i], &co, lookup_all, &a, &r) == EVAL_DONE &&
                (r.status == NULL || r.reason == NULL))
                abort();
        }
        static const char *const svcs[] = {"dna.example", "other.example"};
        struct dna_opts dop = {svcs, 2, true};
        struct dna_result *dr = malloc(sizeof(*dr));
        if (dr != NULL && dna_evaluate(helos[h], &dop, lookup_all, &a, dr) == EVAL_DONE &&
            dr->status == NULL)
            abort();
        free(dr);
    }
    free(copy);
    return 0;
}
