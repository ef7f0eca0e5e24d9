/* SPDX-License-Identifier: MIT */
/*
 * genlog_pipe - start the project's log generator (tests/tools/genlog.py,
 * found relative to the repository top where the tests run; HV_GENLOG
 * overrides) with a truth file, for the unit tests that stream its output
 * through a parser (test_postfix.c, test_mbox.c).
 */
#ifndef HV_GENLOG_PIPE_H
#define HV_GENLOG_PIPE_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"

/* genlog_pipe - popen() the generator for format, sessions and seed, its
 * truth written to a new temporary file whose path goes to truth (at least
 * 32 bytes). Returns the stream (pclose it, unlink truth), or NULL after
 * counting a failure (no temporary file left behind). */
static FILE *genlog_pipe(const char *format, int sessions, int seed, char *truth)
{
    const char *tool = getenv("HV_GENLOG");
    if (tool == NULL || *tool == '\0')
        tool = "tests/tools/genlog.py";
    FILE *t = fopen(tool, "r");
    if (t == NULL) {
        printf("FAIL: %s not found (run from the repository top, or set "
               "HV_GENLOG)\n", tool);
        check_failed++;
        return NULL;
    }
    fclose(t);
    snprintf(truth, 32, "/tmp/hv-genlog-truthXXXXXX");
    int fd = mkstemp(truth);
    CHECK(fd >= 0);
    if (fd < 0)
        return NULL;
    close(fd);
    char cmd[1024];
    snprintf(cmd, sizeof(cmd), "python3 '%s' --format %s --sessions %d --seed %d --truth '%s'",
             tool, format, sessions, seed, truth);
    FILE *in = popen(cmd, "r");
    CHECK(in != NULL);
    if (in == NULL)
        unlink(truth);
    return in;
}

#endif
