/* SPDX-License-Identifier: MIT */
/*
 * interrupt - the one stop flag of a command. See interrupt.h.
 */
#include "interrupt.h"

#include <string.h>

static volatile sig_atomic_t stop_flag;
static void (*volatile stop_hook)(void);

/* on_signal - the handler of SIGINT and SIGTERM. */
static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
    void (*hook)(void) = stop_hook;
    if (hook != NULL)
        hook();
}

void interrupt_install(void (*hook)(void))
{
    struct sigaction sa;
    stop_hook = hook;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

void interrupt_request(void)
{
    stop_flag = 1;
}

bool interrupt_requested(void)
{
    return stop_flag != 0;
}

void interrupt_clear(void)
{
    stop_flag = 0;
}

volatile sig_atomic_t *interrupt_flag(void)
{
    return &stop_flag;
}
