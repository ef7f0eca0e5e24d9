/* SPDX-License-Identifier: MIT */
/* progress - stderr progress bar (see progress.h). */
#include "progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xmem.h"

struct progress {
    bool enabled;
    char label[16];
    uint64_t nfiles, file_no;
    int64_t size;
    char name[48];
    double started, last_draw;
    bool drawn;
};

/* now_s - monotonic seconds. */
static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct progress *progress_new(const char *label, bool enabled, uint64_t nfiles)
{
    struct progress *pg = xcalloc(1, sizeof(*pg));
    pg->enabled = enabled;
    snprintf(pg->label, sizeof(pg->label), "%s", label);
    pg->nfiles = nfiles;
    pg->started = now_s();
    return pg;
}

void progress_file(struct progress *pg, const char *path, int64_t size, bool gzip)
{
    if (pg == NULL || !pg->enabled)
        return;
    (void)gzip;
    pg->file_no++;
    pg->size = size;
    size_t n = strlen(path);
    const char *tail = n > sizeof(pg->name) - 4 ? path + n - (sizeof(pg->name) - 4) : path;
    /* file names are shown, so keep only printable ASCII */
    size_t o = 0;
    if (tail != path)
        pg->name[o++] = '~';
    for (; *tail && o < sizeof(pg->name) - 1; tail++)
        pg->name[o++] = (*tail >= 0x20 && *tail < 0x7f) ? *tail : '?';
    pg->name[o] = '\0';
}

void progress_update(struct progress *pg, uint64_t bytes, uint64_t lines)
{
    if (pg == NULL || !pg->enabled)
        return;
    double t = now_s();
    if (t - pg->last_draw < 0.2)
        return;
    pg->last_draw = t;
    double el = t - pg->started;
    int pct = pg->size > 0 ? (int)(100.0 * (double)bytes / (double)pg->size) : -1;
    if (pct > 100)
        pct = 100;
    char bar[21];
    int fill = pct < 0 ? 0 : pct / 5;
    for (int i = 0; i < 20; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[20] = '\0';
    fprintf(stderr, "\r%s: [%s] file %llu/%llu %s %3d%% %llu lines %.0f lines/s\033[K",
            pg->label, bar, (unsigned long long)pg->file_no,
            (unsigned long long)pg->nfiles, pg->name, pct < 0 ? 0 : pct,
            (unsigned long long)lines, el > 0 ? (double)lines / el : 0.0);
    pg->drawn = true;
}

void progress_count(struct progress *pg, uint64_t done, uint64_t total)
{
    if (pg == NULL || !pg->enabled)
        return;
    double t = now_s();
    if (t - pg->last_draw < 0.2 && done < total)
        return;
    pg->last_draw = t;
    double el = t - pg->started, rate = el > 0 ? (double)done / el : 0;
    double eta = rate > 0 && total > done ? (double)(total - done) / rate : 0;
    int pct = total ? (int)(100.0 * (double)done / (double)total) : 100;
    char bar[21];
    for (int i = 0; i < 20; i++)
        bar[i] = i < pct / 5 ? '#' : '.';
    bar[20] = '\0';
    fprintf(stderr, "\r%s: [%s] %llu/%llu %3d%% %.0f/s ETA %.0fs\033[K", pg->label, bar,
            (unsigned long long)done, (unsigned long long)total, pct, rate, eta);
    pg->drawn = true;
}

void progress_free(struct progress *pg)
{
    if (pg == NULL)
        return;
    if (pg->drawn)
        fputs("\r\033[K", stderr);
    free(pg);
}
