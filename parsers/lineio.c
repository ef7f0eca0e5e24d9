/* SPDX-License-Identifier: MIT */
/*
 * lineio - buffered line reader with transparent gzip. Plain input is read
 * with read(2) straight into the line buffer (no zlib copy on the hot path).
 */
#include "lineio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "xmem.h"

#define BUF_SIZE (1024 * 1024)   /* >= 2 * LINEIO_MAX */
#define ZIN_SIZE (256 * 1024)

struct lineio {
    int fd;
    bool close_fd;
    bool gzip;
    bool eof;            /* no more content will arrive */
    int error;           /* pending LINEIO_E* after the buffered lines */
    z_stream z;
    bool z_live;
    unsigned char *zin;  /* compressed input buffer */
    uint64_t raw_read;
    bool have_isize;
    uint32_t isize;
    char *buf;           /* content buffer, +1 for a NUL */
    size_t start, end;   /* unread content is buf[start..end) */
    uint64_t offset;     /* content offset of buf[start] */
    uint64_t lineno;
    bool discarding;     /* inside an over-long line */
    size_t plain_end;    /* buf[start..plain_end) holds no NUL and no byte
                            >= 0x80: its lines need no NUL or UTF-8 check */
    unsigned char head[LINEIO_HEAD];
    size_t head_len;
};

const char *lineio_strerror(int code)
{
    switch (code) {
    case LINEIO_EIO:
        return "read error";
    case LINEIO_ETRUNC:
        return "truncated gzip stream (unexpected end of file)";
    case LINEIO_ECORRUPT:
        return "corrupt gzip data";
    default:
        return "no error";
    }
}

/* read_raw - read(2) with EINTR retry; -1 on error. */
static ssize_t read_raw(struct lineio *r, void *p, size_t n)
{
    for (;;) {
        ssize_t k = read(r->fd, p, n);
        if (k >= 0) {
            r->raw_read += (uint64_t)k;
            return k;
        }
        if (errno != EINTR)
            return -1;
    }
}

/* fill_gzip - inflate into buf[end..cap); sets eof/error at the end. */
static void fill_gzip(struct lineio *r, size_t cap)
{
    r->z.next_out = (unsigned char *)r->buf + r->end;
    r->z.avail_out = (uInt)(cap - r->end);
    while (r->z.avail_out > 0 && !r->eof) {
        if (r->z.avail_in == 0) {
            ssize_t k = read_raw(r, r->zin, ZIN_SIZE);
            if (k < 0) {
                r->error = LINEIO_EIO;
                r->eof = true;
                break;
            }
            if (k == 0) {
                /* input ended inside a member (or a member ended exactly) */
                if (r->z_live)
                    r->error = LINEIO_ETRUNC;
                r->eof = true;
                break;
            }
            r->z.next_in = r->zin;
            r->z.avail_in = (uInt)k;
        }
        if (!r->z_live) {
            /* a new member must start with the gzip magic; else trailing junk */
            if (r->z.avail_in >= 1 && r->z.next_in[0] != 0x1f) {
                r->eof = true;
                break;
            }
            inflateReset(&r->z);
            r->z_live = true;
        }
        int zr = inflate(&r->z, Z_NO_FLUSH);
        if (zr == Z_STREAM_END) {
            r->z_live = false;
        } else if (zr == Z_BUF_ERROR) {
            continue;
        } else if (zr != Z_OK) {
            r->error = LINEIO_ECORRUPT;
            r->eof = true;
            break;
        }
    }
    r->end = cap - r->z.avail_out;
}

/* fill - get more content after buf[end], compacting first. Returns bytes
 * added (0 at EOF/error). */
static size_t fill(struct lineio *r)
{
    if (r->eof)
        return 0;
    if (r->start > 0) {
        memmove(r->buf, r->buf + r->start, r->end - r->start);
        r->end -= r->start;
        r->start = 0;
    }
    size_t before = r->end;
    r->plain_end = r->start;
    if (r->gzip) {
        fill_gzip(r, BUF_SIZE);
    } else {
        ssize_t k = read_raw(r, r->buf + r->end, BUF_SIZE - r->end);
        if (k < 0) {
            r->error = LINEIO_EIO;
            r->eof = true;
        } else if (k == 0) {
            r->eof = true;
        } else {
            r->end += (size_t)k;
        }
    }
    return r->end - before;
}

struct lineio *lineio_open(const char *path, char *err, size_t errlen)
{
    struct lineio *r = xcalloc(1, sizeof(*r));
    if (strcmp(path, "-") == 0) {
        r->fd = 0;
    } else {
        r->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (r->fd < 0) {
            snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
            free(r);
            return NULL;
        }
        r->close_fd = true;
        struct stat sb;
        if (fstat(r->fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
            snprintf(err, errlen, "%s is a directory", path);
            close(r->fd);
            free(r);
            return NULL;
        }
    }
    r->buf = xmalloc(BUF_SIZE + 1);
    /* sniff the magic with the first raw read (no bigger than the zlib
     * input buffer, so a gzip stream never needs a rewind) */
    ssize_t k = read_raw(r, r->buf, ZIN_SIZE);
    if (k < 0) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        lineio_close(r);
        return NULL;
    }
    if (k >= 2 && (unsigned char)r->buf[0] == 0x1f && (unsigned char)r->buf[1] == 0x8b) {
        r->gzip = true;
        r->zin = xmalloc(ZIN_SIZE);
        if (inflateInit2(&r->z, 16 + MAX_WBITS) != Z_OK) {
            snprintf(err, errlen, "%s: cannot initialise zlib", path);
            lineio_close(r);
            return NULL;
        }
        r->z_live = true;
        memcpy(r->zin, r->buf, (size_t)k);
        r->z.next_in = r->zin;
        r->z.avail_in = (uInt)k;
        /* ISIZE: last 4 bytes of a regular file */
        struct stat sb;
        if (r->close_fd && fstat(r->fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
            sb.st_size >= 18) {
            unsigned char t[4];
            if (pread(r->fd, t, 4, sb.st_size - 4) == 4) {
                r->isize = (uint32_t)t[0] | (uint32_t)t[1] << 8 |
                           (uint32_t)t[2] << 16 | (uint32_t)t[3] << 24;
                r->have_isize = true;
            }
        }
        r->end = 0;
        fill_gzip(r, BUF_SIZE);
    } else {
        r->end = (size_t)k;
        if (k == 0)
            r->eof = true;
    }
    /* the head: enough content for the fingerprint */
    while (r->end < LINEIO_HEAD && fill(r) > 0)
        ;
    r->head_len = r->end < LINEIO_HEAD ? r->end : LINEIO_HEAD;
    memcpy(r->head, r->buf, r->head_len);
    return r;
}

const unsigned char *lineio_head(struct lineio *r, size_t *len)
{
    *len = r->head_len;
    return r->head;
}

bool lineio_is_gzip(const struct lineio *r)
{
    return r->gzip;
}

bool lineio_gzip_isize(const struct lineio *r, uint32_t *isize)
{
    if (!r->have_isize)
        return false;
    *isize = r->isize;
    return true;
}

uint64_t lineio_offset(const struct lineio *r)
{
    return r->offset;
}

uint64_t lineio_raw_offset(const struct lineio *r)
{
    return r->raw_read;
}

/* plain_run - length of the run of bytes at p (at most n) that are neither
 * NUL nor >= 0x80; 16 at a time where SSE2 is there (every x86-64). */
static size_t plain_run(const unsigned char *p, size_t n)
{
    size_t i = 0;
#if defined(__SSE2__)
    const __m128i zero = _mm_setzero_si128();
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        unsigned m = (unsigned)(_mm_movemask_epi8(v) |
                                _mm_movemask_epi8(_mm_cmpeq_epi8(v, zero)));
        if (m != 0)
            return i + (size_t)__builtin_ctz(m);
    }
#endif
    while (i < n && p[i] != 0 && p[i] < 0x80)
        i++;
    return i;
}

/* utf8_valid - strict UTF-8 check (no overlongs, no surrogates). */
static bool utf8_valid(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        /* fast path: 8 ASCII bytes at a time */
        while (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (w & 0x8080808080808080ULL)
                break;
            i += 8;
        }
        if (i >= n)
            break;
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t need;
        uint32_t cp;
        if (c >= 0xc2 && c <= 0xdf) {
            need = 1;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            need = 2;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            need = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + need >= n)
            return false;
        for (size_t k = 1; k <= need; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return false;
            cp = cp << 6 | (s[i + k] & 0x3f);
        }
        if ((need == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
            (need == 3 && (cp < 0x10000 || cp > 0x10ffff)))
            return false;
        i += need + 1;
    }
    return true;
}

int lineio_next(struct lineio *r, struct hv_line *line, unsigned *flags)
{
    for (;;) {
        char *base = r->buf + r->start;
        size_t avail = r->end - r->start;
        char *nl = memchr(base, '\n', avail);
        if (nl == NULL) {
            if (r->discarding || avail > LINEIO_MAX) {
                /* over-long line: drop what we have, keep looking for LF */
                r->discarding = true;
                r->offset += avail;
                r->start = r->end;
                if (fill(r) == 0) {
                    r->discarding = false;
                    r->lineno++;
                    line->p = r->buf + r->start;
                    line->len = 0;
                    line->lineno = r->lineno;
                    line->offset = r->offset;
                    *flags = LINE_TOO_LONG | LINE_NO_EOL;
                    return LINEIO_OK;
                }
                continue;
            }
            if (fill(r) > 0)
                continue;
            if (avail == 0)
                return r->error ? r->error : LINEIO_EOF;
            /* last line without a newline */
            nl = base + avail;
            r->buf[r->end] = '\n';
        }
        size_t len = (size_t)(nl - base);
        uint64_t line_off = r->offset;
        r->start += len + 1;
        if (r->start > r->end)
            r->start = r->end;
        r->offset += len + (nl < r->buf + r->end ? 1 : 0);
        r->lineno++;
        unsigned f = nl >= r->buf + r->end ? LINE_NO_EOL : 0;
        if (r->discarding || len > LINEIO_MAX) {
            r->discarding = false;
            line->p = nl;
            line->len = 0;
            line->lineno = r->lineno;
            line->offset = line_off;
            *nl = '\0';
            *flags = f | LINE_TOO_LONG;
            return LINEIO_OK;
        }
        if (len > 0 && base[len - 1] == '\r') {
            len--;
            f |= LINE_CRLF;
        }
        /* most logs are plain ASCII: find the next odd byte once, ahead of
         * the lines, and check only the lines that hold one */
        size_t line_start = (size_t)(base - r->buf);
        if (r->plain_end < line_start)
            r->plain_end = line_start;
        if (r->plain_end < line_start + len && r->plain_end < r->end)
            r->plain_end += plain_run((const unsigned char *)r->buf + r->plain_end,
                                      r->end - r->plain_end);
        if (r->plain_end >= line_start + len) {
            /* plain */
        } else if (memchr(base, '\0', len) != NULL) {
            size_t o = 0;
            for (size_t i = 0; i < len; i++)
                if (base[i] != '\0')
                    base[o++] = base[i];
            len = o;
            f |= LINE_NUL;
            if (!utf8_valid((const unsigned char *)base, len))
                f |= LINE_BAD_UTF8;
        } else if (!utf8_valid((const unsigned char *)base, len)) {
            f |= LINE_BAD_UTF8;
        }
        base[len] = '\0';
        line->p = base;
        line->len = len;
        line->lineno = r->lineno;
        line->offset = line_off;
        *flags = f;
        return LINEIO_OK;
    }
}

int lineio_skip_to(struct lineio *r, uint64_t offset, uint64_t lineno)
{
    if (!r->gzip && r->close_fd && r->offset == 0 && r->start == 0) {
        /* plain file: seek instead of reading */
        if (lseek(r->fd, (off_t)offset, SEEK_SET) == (off_t)offset) {
            r->start = r->end = r->plain_end = 0;
            r->eof = false;
            r->error = 0;
            r->offset = offset;
            r->lineno = lineno;
            r->raw_read = offset;
            return LINEIO_OK;
        }
    }
    while (r->offset < offset) {
        size_t avail = r->end - r->start;
        if (avail == 0) {
            if (fill(r) == 0)
                return r->error ? r->error : LINEIO_EOF;
            continue;
        }
        uint64_t want = offset - r->offset;
        size_t take = want < avail ? (size_t)want : avail;
        r->start += take;
        r->offset += take;
    }
    r->lineno = lineno;
    return LINEIO_OK;
}

void lineio_close(struct lineio *r)
{
    if (r == NULL)
        return;
    if (r->gzip)
        inflateEnd(&r->z);
    if (r->close_fd)
        close(r->fd);
    free(r->zin);
    free(r->buf);
    free(r);
}
