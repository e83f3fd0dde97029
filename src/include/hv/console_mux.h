/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One serial line, several consoles: where typed characters go.
 *
 * Xen's convention: input goes to one console at a time, the initial domain
 * first; pressing Ctrl-A three times in a row moves it to the next live
 * domain, and after the last one to the hypervisor itself (whose single-key
 * commands answer 'h' with their list), then around again.  Each switch is
 * announced with "*** Serial input to DOM<n> (type 'CTRL-a' three times to
 * switch input)".  One or two Ctrl-A followed by another key are passed on
 * as typed.
 *
 * Output: the domain that has the input gets its console output through
 * unchanged (an interactive shell needs its prompt and line editing); the
 * others' is line-buffered, filtered and prefixed with (d<id>)
 * (hv/guest_console.h).  The initial domain's is always passed unchanged,
 * as in Xen.
 */
#ifndef HV_CONSOLE_MUX_H
#define HV_CONSOLE_MUX_H

#include "hv/domain.h"

#define CONSOLE_SWITCH_CHAR  0x01   /* Ctrl-A */
#define CONSOLE_SWITCH_COUNT 3U

struct console_mux_state {
    bool to_hypervisor;       /* input goes to the hypervisor's key handler */
    domid_t focus;            /* else to this domain (DOMID_INVALID: none yet) */
    uint32_t switch_count;    /* consecutive Ctrl-A seen, < CONSOLE_SWITCH_COUNT */
};

/* Only console_mux.c writes this. */
extern struct console_mux_state console_mux_state;

/*@ predicate console_mux_inv = console_mux_state.switch_count < CONSOLE_SWITCH_COUNT; */

/* Input to the first live domain (the initial one when there is one); prints the banner. */
/*@ assigns console_mux_state;
    ensures console_mux_inv; */
void console_mux_start(void);

/* One typed character. */
/*@ requires console_mux_inv;
    assigns console_mux_state;
    ensures console_mux_inv; */
void console_mux_input(char c);

/* Take every character waiting on the serial line (hal_serial_getc) and route it. */
/*@ requires console_mux_inv;
    assigns console_mux_state;
    ensures console_mux_inv; */
void console_mux_poll(void);

/* Whether domain d has the console input (its output then goes out unbuffered). */
/*@ requires \valid_read(d);
    assigns \nothing; */
bool console_mux_has_focus(const struct domain *d);

/* d is going away: input moves on if it had it. */
/*@ requires \valid_read(d) && console_mux_inv;
    assigns console_mux_state;
    ensures console_mux_inv; */
void console_mux_domain_gone(const struct domain *d);

#endif /* HV_CONSOLE_MUX_H */
