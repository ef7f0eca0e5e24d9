/* SPDX-License-Identifier: MIT */
/*
 * progress - a one-line progress bar on stderr, redrawn at most 5 times a
 * second, only when enabled (the CLI enables it on a terminal or with
 * --progress). A disabled bar costs one branch per call.
 */
#ifndef HV_PROGRESS_H
#define HV_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

struct progress;

/* progress_new - a bar labelled label ("scan") over nfiles inputs; freed by
 * progress_free, which also clears the line. */
struct progress *progress_new(const char *label, bool enabled, uint64_t nfiles);
/* progress_file - the next input starts (size -1 when unknown). */
void progress_file(struct progress *pg, const char *path, int64_t size, bool gzip);
/* progress_update - bytes read of the current input, lines so far. */
void progress_update(struct progress *pg, uint64_t bytes, uint64_t lines);
/* progress_count - generic counter form: done of total, with rate and ETA. */
void progress_count(struct progress *pg, uint64_t done, uint64_t total);
/* progress_free - erase the bar and free; NULL is a no-op. */
void progress_free(struct progress *pg);

#endif
