/* SPDX-License-Identifier: MIT */
/*
 * outfile - where `report` and `export` write: stdout, or -o FILE through a
 * temporary file FILE.tmp.XXXXXX in the same directory that is flushed,
 * fsync'ed and renamed over FILE only when everything was written, so a
 * failure (disk full, interrupt) leaves the previous FILE as it was. An
 * existing FILE that is not a regular file (/dev/stdout, /dev/null, a FIFO)
 * is written in place, never replaced; a symbolic link to a file keeps
 * being a link: the file it points to is the one replaced.
 *
 * Writes go through a stdio stream of our own (fopencookie) that remembers
 * the errno of the first failed write, so the message can name the cause
 * (ENOSPC, EFBIG, EPIPE) however many layers of buffering were in between,
 * and that fails every write with EINTR once a stop was requested
 * (interrupt.h: SIGINT/SIGTERM), so a renderer stops at its next write.
 */
#ifndef HV_OUTFILE_H
#define HV_OUTFILE_H

#include <stdio.h>

#include "hverr.h"

struct outfile;

/* outfile_open - path NULL or "-": standard output; otherwise the
 * temporary file beside path (created now, mode of the existing FILE or
 * 0666 & ~umask). HV_OK, or HV_EIO (hverr.h) with a malloc'ed "cannot
 * write PATH: cause" in *err. */
int outfile_open(const char *path, struct outfile **out, char **err);

/* outfile_stream - the stream to write to (borrowed, valid until commit or
 * abort). */
FILE *outfile_stream(struct outfile *of);

/* outfile_name - "stdout" or the path given to outfile_open (borrowed). */
const char *outfile_name(const struct outfile *of);

/* outfile_errno - errno of the first write that failed, 0 when none. */
int outfile_errno(const struct outfile *of);

/* outfile_commit - flush, fsync and rename into place (a flush for
 * stdout). HV_OK, or HV_EIO with a malloc'ed "writing NAME: cause" in *err (the
 * temporary file is then removed and FILE untouched); *errnum gets the
 * cause (EPIPE: the reader went away). Frees of in both cases. */
int outfile_commit(struct outfile *of, int *errnum, char **err);

/* outfile_abort - drop what was written: close and remove the temporary
 * file (FILE untouched). Frees of; NULL is a no-op. */
void outfile_abort(struct outfile *of);


#endif
