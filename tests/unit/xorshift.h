/* SPDX-License-Identifier: MIT */
/*
 * xorshift - a test helper: a fixed pseudo-random sequence (xorshift64), so
 * that generated cases are the same on every run.
 */
#ifndef HV_TEST_XORSHIFT_H
#define HV_TEST_XORSHIFT_H

#include <stdint.h>

/* XORSHIFT_SEED - a state to start from (any non-zero value works) */
#define XORSHIFT_SEED 0x9E3779B97F4A7C15ull

/* xorshift_below - the next value of *state's sequence, below n (> 0). */
static inline uint64_t xorshift_below(uint64_t *state, uint64_t n)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state % n;
}

#endif
