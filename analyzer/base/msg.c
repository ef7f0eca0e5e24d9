/* SPDX-License-Identifier: MIT */
/* msg - diagnostics on stderr with the program name in front. */
#include "msg.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

bool msg_quiet = false;

/* vmsg - print one prefixed line. */
static void vmsg(const char *level, const char *fmt, va_list ap)
{
    fputs("heloval: ", stderr);
    if (level != NULL)
        fprintf(stderr, "%s: ", level);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void msg_info(const char *fmt, ...)
{
    va_list ap;
    if (msg_quiet)
        return;
    va_start(ap, fmt);
    vmsg(NULL, fmt, ap);
    va_end(ap);
}

void msg_warn(const char *fmt, ...)
{
    va_list ap;
    if (msg_quiet)
        return;
    va_start(ap, fmt);
    vmsg("warning", fmt, ap);
    va_end(ap);
}

void msg_alert(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg("alert", fmt, ap);
    va_end(ap);
}

void msg_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg("error", fmt, ap);
    va_end(ap);
}

void msg_fatal(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg("fatal", fmt, ap);
    va_end(ap);
    exit(MSG_FATAL_STATUS);
}

void msg_panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg("panic", fmt, ap);
    va_end(ap);
    fflush(stderr);
    abort();
}
