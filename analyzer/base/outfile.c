/* SPDX-License-Identifier: MIT */
/*
 * outfile - atomic output files for report and export. See outfile.h.
 */
#define _GNU_SOURCE /* fopencookie */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "interrupt.h"
#include "xmem.h"

struct outfile {
    char *path;      /* FILE as given; NULL: stdout */
    char *target;    /* the file replaced: FILE, or where a symlink FILE
                        points (the link itself is kept) */
    char *tmp;       /* the temporary file; NULL: writing in place */
    int fd;          /* what the stream writes to */
    bool own_fd;     /* close fd at the end (not stdout) */
    FILE *fp;        /* the cookie stream */
    int err;         /* errno of the first failed write */
};


/* errf - a malloc'ed "PREFIX NAME: strerror(e)". */
static char *errf(const char *prefix, const char *name, int e)
{
    const char *cause = strerror(e);
    size_t n = strlen(prefix) + strlen(name) + strlen(cause) + 4;
    char *s = xmalloc(n);
    snprintf(s, n, "%s %s: %s", prefix, name, cause);
    return s;
}

/* cookie_write - write all of buf to the fd; remember the first error and
 * return 0 then, as fopencookie(3) asks ("0 on error"): -1 would make
 * glibc's fwrite of a large block count it as one byte written and read a
 * byte past the caller's buffer (valgrind saw it on a full disk). */
static ssize_t cookie_write(void *arg, const char *buf, size_t len)
{
    struct outfile *of = arg;
    size_t done = 0;

    while (done < len) {
        ssize_t w;
        if (interrupt_requested()) {
            errno = EINTR;
        } else {
            w = write(of->fd, buf + done, len - done);
            if (w > 0) {
                done += (size_t)w;
                continue;
            }
            if (w < 0 && errno == EINTR && !interrupt_requested())
                continue;
            if (w == 0)
                errno = EIO;
        }
        if (of->err == 0)
            of->err = interrupt_requested() ? EINTR : errno;
        return 0;
    }
    return (ssize_t)len;
}

/* cookie_close - the stream's fd is closed by the owner (outfile_commit). */
static int cookie_close(void *arg)
{
    (void)arg;
    return 0;
}

/* open_target - the temporary file beside path, or path itself when it
 * exists and is not a regular file. Returns the fd or -1 (errno set). */
static int open_target(struct outfile *of)
{
    struct stat sb;
    mode_t mode;

    if (stat(of->target, &sb) == 0 && !S_ISREG(sb.st_mode)) {
        if (S_ISDIR(sb.st_mode)) {
            errno = EISDIR;
            return -1;
        }
        return open(of->target, O_WRONLY | O_CLOEXEC);
    }
    if (stat(of->target, &sb) == 0) {
        mode = sb.st_mode & 07777;
    } else {
        mode_t um = umask(0);
        umask(um);
        mode = 0666 & ~um;
    }
    size_t n = strlen(of->target) + 12;
    of->tmp = xmalloc(n);
    snprintf(of->tmp, n, "%s.tmp.XXXXXX", of->target);
    int fd = mkstemp(of->tmp);
    if (fd < 0) {
        int e = errno;
        free(of->tmp);
        of->tmp = NULL;
        errno = e;
        return -1;
    }
    if (fchmod(fd, mode) != 0) {
        int e = errno;
        close(fd);
        unlink(of->tmp);
        errno = e;
        return -1;
    }
    return fd;
}

/* close_all - close the stream and the fd, keeping the first error. */
static void close_all(struct outfile *of)
{
    if (of->fp != NULL && fclose(of->fp) != 0 && of->err == 0)
        of->err = errno;
    of->fp = NULL;
    if (of->own_fd && close(of->fd) != 0 && of->err == 0)
        of->err = errno;
    of->own_fd = false;
}

/* destroy - free of (the files are left alone). */
static void destroy(struct outfile *of)
{
    free(of->path);
    free(of->target);
    free(of->tmp);
    free(of);
}

/* link_target - where path leads when it is a symbolic link to an existing
 * file (malloc'ed, so the rename replaces that file and keeps the link);
 * else a copy of path. */
static char *link_target(const char *path)
{
    struct stat lsb;
    if (lstat(path, &lsb) == 0 && S_ISLNK(lsb.st_mode)) {
        char *real = realpath(path, NULL);
        if (real != NULL)
            return real;
    }
    return xstrdup(path);
}

int outfile_open(const char *path, struct outfile **out, char **err)
{
    cookie_io_functions_t io = { NULL, cookie_write, NULL, cookie_close };
    struct outfile *of = xcalloc(1, sizeof *of);

    *out = NULL;
    *err = NULL;
    if (path == NULL || strcmp(path, "-") == 0) {
        of->fd = STDOUT_FILENO;
    } else {
        of->path = xstrdup(path);
        of->target = link_target(path);
        of->fd = open_target(of);
        if (of->fd < 0) {
            *err = errf("cannot write", path, errno);
            free(of->path);
            free(of->target);
            free(of);
            return HV_EIO;
        }
        of->own_fd = true;
    }
    of->fp = fopencookie(of, "w", io);
    if (of->fp == NULL) {
        *err = errf("cannot write", path ? path : "stdout", errno);
        outfile_abort(of);
        return HV_EIO;
    }
    *out = of;
    return 0;
}

FILE *outfile_stream(struct outfile *of)
{
    return of->fp;
}

const char *outfile_name(const struct outfile *of)
{
    return of->path != NULL ? of->path : "stdout";
}

int outfile_errno(const struct outfile *of)
{
    return of->err;
}

/* sync_dir - fsync the directory holding path, so the rename is durable.
 * Best effort: some file systems refuse to sync a directory. */
static void sync_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = xstrdup(slash == NULL ? "." : path);
    if (slash != NULL)
        dir[slash == path ? 1 : (size_t)(slash - path)] = '\0';
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    free(dir);
}

int outfile_commit(struct outfile *of, int *errnum, char **err)
{
    *err = NULL;
    if (fflush(of->fp) != 0 && of->err == 0)
        of->err = errno != 0 ? errno : EIO;
    if (of->err == 0 && of->tmp != NULL && fsync(of->fd) != 0)
        of->err = errno;
    close_all(of);
    if (of->err == 0 && of->tmp != NULL) {
        if (rename(of->tmp, of->target) != 0)
            of->err = errno;
        else
            sync_dir(of->target);
    }
    *errnum = of->err;
    if (of->err != 0) {
        *err = errf("writing", outfile_name(of), of->err);
        if (of->tmp != NULL)
            unlink(of->tmp);
        destroy(of);
        return HV_EIO;
    }
    destroy(of);
    return HV_OK;
}

void outfile_abort(struct outfile *of)
{
    if (of == NULL)
        return;
    close_all(of);
    if (of->tmp != NULL)
        unlink(of->tmp);
    destroy(of);
}
