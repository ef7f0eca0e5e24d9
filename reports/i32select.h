/* SPDX-License-Identifier: MIT */
/*
 * i32select - the k-th smallest of an array of 32-bit integers without
 * sorting it (the report's median DNS answer age over up to every
 * session): quickselect with a three-way partition around the median of
 * three (all-equal and few-valued arrays take one pass), falling back to a
 * sort of what is left when the partitions stop shrinking, so the time is
 * linear on real data and never worse than a sort. Reorders the array in
 * place; allocates nothing; no state.
 */
#ifndef HV_I32SELECT_H
#define HV_I32SELECT_H

#include <stddef.h>
#include <stdint.h>

/* i32_select - a[k] made the k-th smallest of a[0 .. n) (counting from 0;
 * k < n), every element before it no larger and every one after it no
 * smaller; returns a[k]. */
int32_t i32_select(int32_t *a, size_t n, size_t k);

/* i32_select_budget - i32_select allowing only `budget` partitions before
 * it sorts what is left (i32_select's budget grows with log2 n; a test
 * reaches the sort with a small one). */
int32_t i32_select_budget(int32_t *a, size_t n, size_t k, int budget);

#endif
