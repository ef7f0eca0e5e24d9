/* SPDX-License-Identifier: MIT */
/* test_lineio - line framing over real plain and gzip files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "check.h"
#include "lineio.h"

static char dir[] = "/tmp/hv-lineio-XXXXXX";

/* path_of - a file name inside the test directory (static buffer). */
static const char *path_of(const char *name)
{
    static char buf[256];
    snprintf(buf, sizeof(buf), "%s/%s", dir, name);
    return buf;
}

/* write_file - plain bytes. */
static void write_file(const char *name, const char *data, size_t n)
{
    FILE *f = fopen(path_of(name), "wb");
    fwrite(data, 1, n, f);
    fclose(f);
}

/* write_gz - gzip through zlib; members > 1 writes that many members. */
static void write_gz(const char *name, const char *data, size_t n, int members)
{
    FILE *out = fopen(path_of(name), "wb");
    size_t per = n / (size_t)members;
    for (int m = 0; m < members; m++) {
        size_t off = per * (size_t)m, len = m == members - 1 ? n - off : per;
        z_stream z;
        memset(&z, 0, sizeof(z));
        deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
        size_t cap = deflateBound(&z, len);
        unsigned char *o = malloc(cap);
        z.next_in = (unsigned char *)data + off;
        z.avail_in = (uInt)len;
        z.next_out = o;
        z.avail_out = (uInt)cap;
        deflate(&z, Z_FINISH);
        fwrite(o, 1, cap - z.avail_out, out);
        deflateEnd(&z);
        free(o);
    }
    fclose(out);
}

/* every check runs twice: reading in the caller's thread, then with the
 * read-ahead thread (lineio_prefetch) */
static bool prefetch_on;

/* open_in - lineio_open, with read-ahead when prefetch_on. */
static struct lineio *open_in(const char *path, char *err, size_t errlen)
{
    char *msg = NULL;
    struct lineio *r = lineio_open(path, &msg);
    snprintf(err, errlen, "%s", msg != NULL ? msg : "");
    free(msg);
    if (r != NULL && prefetch_on)
        (void)lineio_prefetch(r);   /* off when open read it all */
    return r;
}

/* read_all - lines joined with '|', flags OR-ed, final status. */
static int read_all(const char *name, char *out, size_t cap, unsigned *all_flags,
                    unsigned long *nlines)
{
    char err[256];
    struct lineio *r = open_in(path_of(name), err, sizeof(err));
    if (r == NULL)
        return 99;
    struct hv_line l;
    unsigned f;
    int k;
    size_t used = 0;
    *all_flags = 0;
    *nlines = 0;
    out[0] = '\0';
    while ((k = lineio_next(r, &l, &f)) == LINEIO_OK) {
        *all_flags |= f;
        (*nlines)++;
        if (used + l.len + 2 < cap) {
            memcpy(out + used, l.p, l.len);
            used += l.len;
            out[used++] = '|';
            out[used] = '\0';
        }
    }
    lineio_close(r);
    return k;
}

/* suite - every check, in the current mode. */
static void suite(void)
{
    char buf[4096];
    unsigned flags;
    unsigned long n;

    { static const char pl[] = "a\nbb\r\nc\0c\n\xff\xfe\nlast"; write_file("plain", pl, sizeof(pl) - 1); }
    CHECK_INTEQ(read_all("plain", buf, sizeof(buf), &flags, &n), LINEIO_EOF);
    CHECK_STREQ(buf, "a|bb|cc|\xff\xfe|last|");
    CHECK_INTEQ(n, 5);
    CHECK(flags & LINE_CRLF);
    CHECK(flags & LINE_NUL);
    CHECK(flags & LINE_BAD_UTF8);
    CHECK(flags & LINE_NO_EOL);

    { static const char u8[] = "h\xc3\xa9llo\n\xe2\x82\xac\n"; write_file("utf8", u8, sizeof(u8) - 1); }
    CHECK_INTEQ(read_all("utf8", buf, sizeof(buf), &flags, &n), LINEIO_EOF);
    CHECK_INTEQ(flags & LINE_BAD_UTF8, 0);
    write_file("overlong", "\xc0\xaf\n\xed\xa0\x80\n", 6);
    CHECK_INTEQ(read_all("overlong", buf, sizeof(buf), &flags, &n), LINEIO_EOF);
    CHECK(flags & LINE_BAD_UTF8);

    /* a 5 MB line between two short ones: skipped whole, counted once */
    size_t big = 5u << 20;
    char *data = malloc(big + 16);
    memcpy(data, "first\n", 6);
    memset(data + 6, 'x', big);
    memcpy(data + 6 + big, "\nafter\n", 7);
    write_file("long", data, big + 13);
    CHECK_INTEQ(read_all("long", buf, sizeof(buf), &flags, &n), LINEIO_EOF);
    CHECK_STREQ(buf, "first||after|");
    CHECK(flags & LINE_TOO_LONG);
    CHECK_INTEQ(n, 3);
    /* the same, gzipped, and a long line at the very end without LF */
    write_gz("long.gz", data, big + 13, 1);
    CHECK_INTEQ(read_all("long.gz", buf, sizeof(buf), &flags, &n), LINEIO_EOF);
    CHECK_STREQ(buf, "first||after|");
    write_file("longend", data, big + 6);
    CHECK_INTEQ(read_all("longend", buf, sizeof(buf), &flags, &n), LINEIO_EOF);
    CHECK_STREQ(buf, "first||");
    CHECK(flags & LINE_TOO_LONG);
    free(data);

    /* gzip: single and multi-member, truncated, corrupt */
    const char *text = "one\ntwo\nthree\nfour\nfive\n";
    write_gz("t.gz", text, strlen(text), 1);
    CHECK_INTEQ(read_all("t.gz", buf, sizeof(buf), &flags, &n), LINEIO_EOF);
    CHECK_STREQ(buf, "one|two|three|four|five|");
    write_gz("m.gz", text, strlen(text), 3);
    CHECK_INTEQ(read_all("m.gz", buf, sizeof(buf), &flags, &n), LINEIO_EOF);
    CHECK_STREQ(buf, "one|two|three|four|five|");
    {
        char err[128];
        struct lineio *r = open_in(path_of("t.gz"), err, sizeof(err));
        uint32_t isz = 0;
        CHECK(r != NULL && lineio_is_gzip(r));
        CHECK(r != NULL && lineio_gzip_isize(r, &isz) && isz == strlen(text));
        lineio_close(r);
    }
    /* truncate a bigger gzip in the middle: the lines before are delivered */
    size_t tn = 200000;
    char *lines = malloc(tn * 12);
    size_t used = 0;
    for (size_t i = 0; i < tn; i++)
        used += (size_t)snprintf(lines + used, 12, "line%06zu\n", i);
    write_gz("big.gz", lines, used, 1);
    FILE *f = fopen(path_of("big.gz"), "rb");
    fseek(f, 0, SEEK_END);
    long gsz = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *g = malloc((size_t)gsz);
    CHECK(fread(g, 1, (size_t)gsz, f) == (size_t)gsz);
    fclose(f);
    write_file("trunc.gz", g, (size_t)gsz / 2);
    int k = read_all("trunc.gz", buf, sizeof(buf), &flags, &n);
    CHECK_INTEQ(k, LINEIO_ETRUNC);
    CHECK(n > 1000 && n < tn);
    g[gsz / 2] ^= 0x55;
    g[gsz / 2 + 1] ^= 0x55;
    g[gsz / 2 + 2] ^= 0x55;
    write_file("corrupt.gz", g, (size_t)gsz);
    k = read_all("corrupt.gz", buf, sizeof(buf), &flags, &n);
    CHECK(k == LINEIO_ECORRUPT || k == LINEIO_ETRUNC);
    free(g);

    /* skip_to: resume at a saved offset, plain and gzip */
    write_file("lines", lines, used);
    const char *names[] = {"lines", "big.gz"};
    for (int i = 0; i < 2; i++) {
        char err[128];
        struct lineio *r = open_in(path_of(names[i]), err, sizeof(err));
        struct hv_line l;
        unsigned fl;
        CHECK(r != NULL);
        if (r == NULL)
            continue;
        size_t hl;
        lineio_head(r, &hl);
        CHECK_INTEQ(hl, LINEIO_HEAD);
        CHECK_INTEQ(lineio_skip_to(r, 11 * 1000, 1000), LINEIO_OK);
        CHECK_INTEQ(lineio_next(r, &l, &fl), LINEIO_OK);
        CHECK_STREQ(l.p, "line001000");
        CHECK_INTEQ(l.lineno, 1001);
        CHECK_INTEQ(l.offset, 11000);
        lineio_close(r);
    }
    free(lines);

    /* missing file and directory */
    char err[256];
    CHECK(open_in(path_of("nope"), err, sizeof(err)) == NULL);
    CHECK(strstr(err, "cannot open") != NULL);
    CHECK(open_in(dir, err, sizeof(err)) == NULL);

    /* empty file */
    write_file("empty", "", 0);
    CHECK_INTEQ(read_all("empty", buf, sizeof(buf), &flags, &n), LINEIO_EOF);
    CHECK_INTEQ(n, 0);

    /* per-line flags across buffer refills: plain lines are not checked one
     * by one (a look-ahead finds the next NUL or non-ASCII byte), so every
     * odd line must still be flagged, and only it */
    {
        enum { NL = 150000 };
        size_t cap = (size_t)NL * 48, mused = 0;
        char *mtext = malloc(cap);
        for (int i = 0; i < NL; i++) {
            const char *odd = i % 1000 == 7 ? "n\0l" : i % 777 == 5 ? "\xc3\xa9" :
                              i % 1313 == 3 ? "\xff" : i % 901 == 1 ? "x\r" : "";
            size_t olen = i % 1000 == 7 ? 3 : strlen(odd);
            mused += (size_t)snprintf(mtext + mused, cap - mused, "line %06d padding ", i);
            memcpy(mtext + mused, odd, olen);
            mused += olen;
            mtext[mused++] = '\n';
        }
        write_file("mixed", mtext, mused);
        free(mtext);
        char merr[256];
        struct lineio *r = open_in(path_of("mixed"), merr, sizeof(merr));
        CHECK(r != NULL);
        CHECK(r == NULL || !prefetch_on || lineio_prefetch(r));
        struct hv_line l;
        unsigned mf;
        int i = 0, bad = 0;
        while (r != NULL && lineio_next(r, &l, &mf) == LINEIO_OK) {
            unsigned want = i % 1000 == 7 ? LINE_NUL : i % 777 == 5 ? 0 :
                            i % 1313 == 3 ? LINE_BAD_UTF8 : i % 901 == 1 ? LINE_CRLF : 0;
            char head[32];
            snprintf(head, sizeof(head), "line %06d padding ", i);
            if (mf != want || strncmp(l.p, head, strlen(head)) != 0 ||
                (i % 777 == 5 && i % 1000 != 7 && strcmp(l.p + strlen(head), "\xc3\xa9") != 0)) {
                if (bad++ < 5)
                    printf("  line %d: flags %u, want %u: %s\n", i, mf, want, l.p);
            }
            i++;
        }
        lineio_close(r);
        CHECK_INTEQ(bad, 0);
        CHECK_INTEQ(i, NL);
    }

    /* a last line without LF after a refill: its text intact, and the
     * offset at the end of the file (not one past it) */
    {
        size_t nl = 8000, sz = 0;   /* below the first read: one refill at the end */
        char *d = malloc(nl * 12 + 32);
        for (size_t i = 0; i < nl; i++)
            sz += (size_t)sprintf(d + sz, "line %06zu\n", i);
        sz += (size_t)sprintf(d + sz, "the-last-one");
        write_file("nolf", d, sz);
        char e2[256];
        struct lineio *r = open_in(path_of("nolf"), e2, sizeof(e2));
        struct hv_line l;
        unsigned f2 = 0;
        char last[64] = "";
        uint64_t last_off = 0;
        size_t count = 0;
        while (r != NULL && lineio_next(r, &l, &f2) == LINEIO_OK) {
            count++;
            snprintf(last, sizeof(last), "%s", l.p);
            last_off = l.offset;
        }
        CHECK_STREQ(last, "the-last-one");
        CHECK_INTEQ(count, nl + 1);
        CHECK(f2 & LINE_NO_EOL);
        CHECK_INTEQ(last_off, sz - 12);
        CHECK_INTEQ(r != NULL ? lineio_offset(r) : 0, sz);
        lineio_close(r);
        free(d);
    }
}

int main(void)
{
    if (mkdtemp(dir) == NULL)
        return 1;
    suite();
    prefetch_on = true;
    suite();

    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        printf("note: could not remove %s\n", dir);
    return CHECK_DONE();
}
