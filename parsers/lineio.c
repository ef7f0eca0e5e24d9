/* SPDX-License-Identifier: MIT */
/*
 * lineio - buffered line reader with transparent gzip. Plain input is read
 * with read(2) straight into the line buffer (no zlib copy on the hot path).
 * With prefetch on (lineio_prefetch), a thread reads and inflates the next
 * buffers while the caller frames and parses the current one; the buffers
 * change hands under a mutex and the partial line at the end of one buffer
 * is copied to the head room in front of the next.
 */
#include "lineio.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

#include "hverr.h"
#include "xmem.h"

#define BUF_SIZE (1024 * 1024)   /* >= 2 * LINEIO_MAX */
#define ZIN_SIZE (256 * 1024)
#define HEAD_ROOM (LINEIO_MAX + 64)   /* room for a partial line (prefetch) */
#define BUF_ALLOC (HEAD_ROOM + BUF_SIZE + 1)
#define PF_BLOCKS 2              /* buffers the prefetch thread may fill ahead */

/* The producer half: the file and its decompression. Owned by the caller's
 * thread, or by the prefetch thread once that runs. */
struct lsrc {
    int fd;
    bool close_fd;
    bool gzip;
    bool eof;            /* no more content will come */
    int error;           /* LINEIO_E* at the end, or 0 */
    z_stream z;
    bool z_live;
    unsigned char *zin;  /* compressed input buffer */
    uint64_t raw_read;   /* bytes of the file read */
};

/* One buffer filled by the prefetch thread: content at mem + HEAD_ROOM. */
struct pf_block {
    char *mem;
    size_t n;
    bool eof;
    int error;
    uint64_t raw_read;
};

struct prefetch {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct pf_block ready[PF_BLOCKS];
    size_t head, tail;          /* ready[head..tail) mod PF_BLOCKS */
    char *spare[PF_BLOCKS];     /* empty buffers for the thread */
    int nspare;
    bool stop;                  /* lineio_close: end the thread */
};

struct lineio {
    struct lsrc src;
    bool have_isize;
    uint32_t isize;
    bool eof;            /* the consumer's view: content ends after buf */
    int error;           /* pending LINEIO_E* after the buffered lines */
    uint64_t raw_read;
    char *buf;           /* content buffer (BUF_ALLOC bytes) */
    size_t start, end;   /* unread content is buf[start..end) */
    uint64_t offset;     /* content offset of buf[start] */
    uint64_t lineno;
    bool discarding;     /* inside an over-long line */
    size_t plain_end;    /* buf[start..plain_end) holds no NUL and no byte
                            >= 0x80: its lines need no NUL or UTF-8 check */
    bool want_prefetch;  /* start the thread at the next refill */
    struct prefetch *pf; /* the running prefetch, or NULL */
    unsigned char head[LINEIO_HEAD];
    size_t head_len;
};

bool lineio_reason_is_repair(const char *reason)
{
    return strcmp(reason, LINE_REASON_CRLF) == 0 || strcmp(reason, LINE_REASON_NUL) == 0 ||
           strcmp(reason, LINE_REASON_BAD_UTF8) == 0;
}

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
static ssize_t read_raw(struct lsrc *src, void *p, size_t n)
{
    for (;;) {
        ssize_t k = read(src->fd, p, n);
        if (k >= 0) {
            src->raw_read += (uint64_t)k;
            return k;
        }
        if (errno != EINTR)
            return -1;
    }
}

/* produce_gzip - inflate up to cap bytes into dst; sets eof/error at the
 * end. Returns the bytes produced. */
static size_t produce_gzip(struct lsrc *src, char *dst, size_t cap)
{
    src->z.next_out = (unsigned char *)dst;
    src->z.avail_out = (uInt)cap;
    while (src->z.avail_out > 0 && !src->eof) {
        if (src->z.avail_in == 0) {
            ssize_t k = read_raw(src, src->zin, ZIN_SIZE);
            if (k < 0) {
                src->error = LINEIO_EIO;
                src->eof = true;
                break;
            }
            if (k == 0) {
                /* input ended inside a member (or a member ended exactly) */
                if (src->z_live)
                    src->error = LINEIO_ETRUNC;
                src->eof = true;
                break;
            }
            src->z.next_in = src->zin;
            src->z.avail_in = (uInt)k;
        }
        if (!src->z_live) {
            /* a new member must start with the gzip magic; else trailing junk */
            if (src->z.avail_in >= 1 && src->z.next_in[0] != 0x1f) {
                src->eof = true;
                break;
            }
            inflateReset(&src->z);
            src->z_live = true;
        }
        int zr = inflate(&src->z, Z_NO_FLUSH);
        if (zr == Z_STREAM_END) {
            src->z_live = false;
        } else if (zr == Z_BUF_ERROR) {
            continue;
        } else if (zr != Z_OK) {
            src->error = LINEIO_ECORRUPT;
            src->eof = true;
            break;
        }
    }
    return cap - src->z.avail_out;
}

/* produce - up to cap bytes of content into dst (one read, or inflate until
 * full); sets eof/error at the end. Returns the bytes produced. */
static size_t produce(struct lsrc *src, char *dst, size_t cap)
{
    if (src->eof)
        return 0;
    if (src->gzip)
        return produce_gzip(src, dst, cap);
    ssize_t k = read_raw(src, dst, cap);
    if (k < 0) {
        src->error = LINEIO_EIO;
        src->eof = true;
        return 0;
    }
    if (k == 0)
        src->eof = true;
    return (size_t)k;
}

/* prefetcher - the prefetch thread: fill spare buffers until the content
 * ends or lineio_close says stop. */
static void *prefetcher(void *arg)
{
    struct lineio *r = arg;
    struct prefetch *pf = r->pf;
    pthread_mutex_lock(&pf->mu);
    for (;;) {
        while (!pf->stop && (pf->nspare == 0 || pf->tail - pf->head >= PF_BLOCKS))
            pthread_cond_wait(&pf->cv, &pf->mu);
        if (pf->stop)
            break;
        char *mem = pf->spare[--pf->nspare];
        pthread_mutex_unlock(&pf->mu);
        size_t n = produce(&r->src, mem + HEAD_ROOM, BUF_SIZE);
        pthread_mutex_lock(&pf->mu);
        struct pf_block *b = &pf->ready[pf->tail % PF_BLOCKS];
        b->mem = mem;
        b->n = n;
        b->eof = r->src.eof;
        b->error = r->src.error;
        b->raw_read = r->src.raw_read;
        pf->tail++;
        pthread_cond_broadcast(&pf->cv);
        if (b->eof)
            break;
    }
    pthread_mutex_unlock(&pf->mu);
    return NULL;
}

/* start_prefetch - hand the producer to a new thread; false (and reading
 * stays in this thread) when it cannot start. */
static bool start_prefetch(struct lineio *r)
{
    struct prefetch *pf = xcalloc(1, sizeof(*pf));
    pthread_mutex_init(&pf->mu, NULL);
    pthread_cond_init(&pf->cv, NULL);
    for (int i = 0; i < PF_BLOCKS; i++)
        pf->spare[pf->nspare++] = xmalloc(BUF_ALLOC);
    r->pf = pf;
    if (pthread_create(&pf->thread, NULL, prefetcher, r) != 0) {
        r->pf = NULL;
        for (int i = 0; i < pf->nspare; i++)
            free(pf->spare[i]);
        pthread_mutex_destroy(&pf->mu);
        pthread_cond_destroy(&pf->cv);
        free(pf);
        return false;
    }
    return true;
}

/* fill_prefetched - take the next buffer from the thread, with the partial
 * line (at most LINEIO_MAX bytes: lineio_next discards longer ones) copied
 * in front of it. Returns bytes added (0 at EOF/error). */
static size_t fill_prefetched(struct lineio *r)
{
    struct prefetch *pf = r->pf;
    size_t rem = r->end - r->start;
    if (rem > HEAD_ROOM - 1) {
        /* cannot happen (see above); drop the fragment rather than overrun */
        r->offset += rem;
        r->start = r->end;
        r->discarding = true;
        rem = 0;
    }
    pthread_mutex_lock(&pf->mu);
    while (pf->head == pf->tail)
        pthread_cond_wait(&pf->cv, &pf->mu);
    struct pf_block b = pf->ready[pf->head % PF_BLOCKS];
    pf->head++;
    pthread_mutex_unlock(&pf->mu);

    char *start = b.mem + HEAD_ROOM - rem;
    memcpy(start, r->buf + r->start, rem);
    char *old = r->buf;
    r->buf = b.mem;
    r->start = HEAD_ROOM - rem;
    r->end = HEAD_ROOM + b.n;
    r->plain_end = r->start;
    r->eof = b.eof;
    r->error = b.error;
    r->raw_read = b.raw_read;

    pthread_mutex_lock(&pf->mu);
    pf->spare[pf->nspare++] = old;
    pthread_cond_broadcast(&pf->cv);
    pthread_mutex_unlock(&pf->mu);
    return b.n;
}

/* fill - get more content after buf[end], compacting first. Returns bytes
 * added (0 at EOF/error). */
static size_t fill(struct lineio *r)
{
    if (r->eof)
        return 0;
    if (r->pf == NULL && r->want_prefetch) {
        r->want_prefetch = false;
        (void)start_prefetch(r);
    }
    if (r->pf != NULL)
        return fill_prefetched(r);
    if (r->start > 0) {
        memmove(r->buf, r->buf + r->start, r->end - r->start);
        r->end -= r->start;
        r->start = 0;
    }
    r->plain_end = r->start;
    size_t n = produce(&r->src, r->buf + r->end, BUF_SIZE - r->end);
    r->end += n;
    r->eof = r->src.eof;
    r->error = r->src.error;
    r->raw_read = r->src.raw_read;
    return n;
}

struct lineio *lineio_open(const char *path, char **err)
{
    struct lineio *r = xcalloc(1, sizeof(*r));
    struct lsrc *src = &r->src;
    if (strcmp(path, "-") == 0) {
        src->fd = 0;
    } else {
        src->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (src->fd < 0) {
            hv_errf(err, HV_EINPUT, "cannot open %s: %s", path, strerror(errno));
            free(r);
            return NULL;
        }
        src->close_fd = true;
        struct stat sb;
        if (fstat(src->fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
            hv_errf(err, HV_EINPUT, "%s is a directory", path);
            close(src->fd);
            free(r);
            return NULL;
        }
    }
    r->buf = xmalloc(BUF_ALLOC);
    /* sniff the magic with the first raw read (no bigger than the zlib
     * input buffer, so a gzip stream never needs a rewind) */
    ssize_t k = read_raw(src, r->buf, ZIN_SIZE);
    if (k < 0) {
        hv_errf(err, HV_EINPUT, "cannot read %s: %s", path, strerror(errno));
        lineio_close(r);
        return NULL;
    }
    if (k >= 2 && (unsigned char)r->buf[0] == 0x1f && (unsigned char)r->buf[1] == 0x8b) {
        src->gzip = true;
        src->zin = xmalloc(ZIN_SIZE);
        if (inflateInit2(&src->z, 16 + MAX_WBITS) != Z_OK) {
            hv_errf(err, HV_EINPUT, "%s: cannot initialise zlib", path);
            lineio_close(r);
            return NULL;
        }
        src->z_live = true;
        memcpy(src->zin, r->buf, (size_t)k);
        src->z.next_in = src->zin;
        src->z.avail_in = (uInt)k;
        /* ISIZE: last 4 bytes of a regular file */
        struct stat sb;
        if (src->close_fd && fstat(src->fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
            sb.st_size >= 18) {
            unsigned char t[4];
            if (pread(src->fd, t, 4, sb.st_size - 4) == 4) {
                r->isize = (uint32_t)t[0] | (uint32_t)t[1] << 8 |
                           (uint32_t)t[2] << 16 | (uint32_t)t[3] << 24;
                r->have_isize = true;
            }
        }
        r->end = produce(src, r->buf, BUF_SIZE);
    } else {
        r->end = (size_t)k;
        if (k == 0)
            src->eof = true;
    }
    r->eof = src->eof;
    r->error = src->error;
    r->raw_read = src->raw_read;
    /* the head: enough content for the fingerprint */
    while (r->end < LINEIO_HEAD && fill(r) > 0)
        ;
    r->head_len = r->end < LINEIO_HEAD ? r->end : LINEIO_HEAD;
    memcpy(r->head, r->buf, r->head_len);
    return r;
}

bool lineio_prefetch(struct lineio *r)
{
    struct stat sb;
    if (r->pf != NULL || r->want_prefetch)
        return true;
    if (r->eof || fstat(r->src.fd, &sb) != 0 || !S_ISREG(sb.st_mode))
        return false;
    r->want_prefetch = true;
    return true;
}

const unsigned char *lineio_head(struct lineio *r, size_t *len)
{
    *len = r->head_len;
    return r->head;
}

bool lineio_is_gzip(const struct lineio *r)
{
    return r->src.gzip;
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

/* plain_run_scalar - length of the run of bytes at p (at most n) that are
 * neither NUL nor >= 0x80; 16 at a time where SSE2 is there (every
 * x86-64). */
static size_t plain_run_scalar(const unsigned char *p, size_t n)
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

#if defined(__x86_64__) && defined(__GNUC__)
/* plain_run_avx2 - plain_run_scalar, 32 bytes at a time (CPUs with AVX2). */
__attribute__((target("avx2"))) static size_t plain_run_avx2(const unsigned char *p,
                                                             size_t n)
{
    size_t i = 0;
    const __m256i zero = _mm256_setzero_si256();
    for (; i + 32 <= n; i += 32) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)(p + i));
        unsigned m = (unsigned)(_mm256_movemask_epi8(v) |
                                _mm256_movemask_epi8(_mm256_cmpeq_epi8(v, zero)));
        if (m != 0)
            return i + (size_t)__builtin_ctz(m);
    }
    return i + plain_run_scalar(p + i, n - i);
}
#endif

/* plain_run - plain_run_scalar, with AVX2 when the CPU has it. */
static size_t plain_run(const unsigned char *p, size_t n)
{
#if defined(__x86_64__) && defined(__GNUC__)
    if (__builtin_cpu_supports("avx2"))   /* a load and a test */
        return plain_run_avx2(p, n);
#endif
    return plain_run_scalar(p, n);
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
            /* fill may have moved the content (compaction) or swapped the
             * buffer (prefetch): look again */
            base = r->buf + r->start;
            avail = r->end - r->start;
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
    if (!r->src.gzip && r->src.close_fd && r->pf == NULL && r->offset == 0 &&
        r->start == 0) {
        /* plain file: seek instead of reading */
        if (lseek(r->src.fd, (off_t)offset, SEEK_SET) == (off_t)offset) {
            r->start = r->end = r->plain_end = 0;
            r->src.eof = r->eof = false;
            r->src.error = r->error = 0;
            r->offset = offset;
            r->lineno = lineno;
            r->src.raw_read = r->raw_read = offset;
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
    struct prefetch *pf = r->pf;
    if (pf != NULL) {
        pthread_mutex_lock(&pf->mu);
        pf->stop = true;
        pthread_cond_broadcast(&pf->cv);
        pthread_mutex_unlock(&pf->mu);
        pthread_join(pf->thread, NULL);
        for (size_t i = pf->head; i != pf->tail; i++)
            free(pf->ready[i % PF_BLOCKS].mem);
        for (int i = 0; i < pf->nspare; i++)
            free(pf->spare[i]);
        pthread_mutex_destroy(&pf->mu);
        pthread_cond_destroy(&pf->cv);
        free(pf);
    }
    if (r->src.gzip)
        inflateEnd(&r->src.z);
    if (r->src.close_fd)
        close(r->src.fd);
    free(r->src.zin);
    free(r->buf);
    free(r);
}
