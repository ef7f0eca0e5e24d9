/* SPDX-License-Identifier: MIT */
/*
 * replay - a main() for a libFuzzer entry point: runs every file under the
 * directories (or files) given, so the fuzz corpora and every crash input
 * kept as a regression case are replayed by `make test` with gcc, ASan and
 * valgrind. Prints "N passed, 0 failed": a crash aborts the run instead.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int files_run;

/* run_file - feed one file to the entry point. */
static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return -1;
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    size_t k;
    while (buf != NULL && (k = fread(buf + n, 1, cap - n, f)) > 0) {
        n += k;
        if (n == cap) {
            uint8_t *nb = realloc(buf, cap * 2);
            if (nb == NULL)
                break;
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf == NULL)
        return -1;
    LLVMFuzzerTestOneInput(buf, n);
    free(buf);
    files_run++;
    return 0;
}

/* run_path - a file, or every regular file below a directory. */
static int run_path(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return -1;
    if (!S_ISDIR(sb.st_mode))
        return run_file(path);
    DIR *d = opendir(path);
    if (d == NULL)
        return -1;
    struct dirent *de;
    int rc = 0;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char sub[4096];
        snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
        if (run_path(sub) != 0)
            rc = -1;
    }
    closedir(d);
    return rc;
}

int main(int argc, char **argv)
{
    int failed = 0;
    for (int i = 1; i < argc; i++)
        if (run_path(argv[i]) != 0) {
            printf("FAIL cannot read %s\n", argv[i]);
            failed++;
        }
    if (files_run == 0) {
        printf("FAIL no input files\n");
        failed++;
    }
    printf("%d passed, %d failed\n", files_run, failed);
    return failed ? 1 : 0;
}
