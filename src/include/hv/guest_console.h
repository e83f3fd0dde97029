/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest output on the hypervisor console, and console input for the
 * initial domain (what CONSOLEIO_write and CONSOLEIO_read move).
 *
 * The initial domain's text goes to the console as it comes (it may be an
 * interactive shell).  Every other domain's text is collected per domain
 * into lines, stripped of non-printable characters (a guest must not drive
 * the user's terminal with escape sequences), and printed one whole line at
 * a time as "(d<id>) <line>" so that the lines of several guests and of the
 * hypervisor never interleave mid-line.  A line longer than
 * GUEST_CONSOLE_LINE_MAX - 1 characters is printed in pieces.
 *
 * Input: the serial driver pushes received characters into a small ring
 * (guest_console_input_push); CONSOLEIO_read takes them out.  When the ring
 * is full new characters are dropped, as a UART drops them.
 *
 * The per-domain line buffers are indexed by the domain's slot in
 * domain_table and remember the domain id they belong to, so a new domain
 * in a reused slot never sees another domain's half line.
 */
#ifndef HV_GUEST_CONSOLE_H
#define HV_GUEST_CONSOLE_H

#include "hv/console.h"
#include "hv/domain.h"

/* Per-domain line buffer, terminating NUL included (Xen's size). */
#define GUEST_CONSOLE_LINE_MAX  200U
/* Console input ring (a power of two). */
#define GUEST_CONSOLE_INPUT_SIZE 256U

struct guest_console_line {
    domid_t owner;                      /* DOMID_INVALID: unused */
    uint32_t len;                       /* characters held, < GUEST_CONSOLE_LINE_MAX */
    char text[GUEST_CONSOLE_LINE_MAX];
};

struct guest_console_state {
    struct guest_console_line line[DOMAIN_MAX];
    char input[GUEST_CONSOLE_INPUT_SIZE];
    uint32_t in_first;                  /* index of the oldest waiting character, < SIZE */
    uint32_t in_count;                  /* characters waiting, <= SIZE */
};

/* Only guest_console.c writes this; contracts name it. */
extern struct guest_console_state guest_console_state;

/*
 * The input ring is kept as (first, count) rather than free-running
 * indexes: no wrap-around arithmetic, so the bounds are plain facts.  A line
 * buffer never holds LINE_MAX - 1 characters between calls: reaching that
 * many emits it.
 */
/*@ predicate guest_console_inv =
      guest_console_state.in_first < GUEST_CONSOLE_INPUT_SIZE &&
      guest_console_state.in_count <= GUEST_CONSOLE_INPUT_SIZE &&
      (\forall integer i; 0 <= i < DOMAIN_MAX ==>
         guest_console_state.line[i].len < GUEST_CONSOLE_LINE_MAX - 1);
*/

/* Empty line buffers and input ring. */
/*@ assigns guest_console_state;
    ensures guest_console_inv; */
void guest_console_reset(void);

/*
 * Domain d wrote len bytes of text (already copied out of the guest).  The
 * initial domain's go out unchanged; others' are filtered and line-buffered.
 * A domain outside domain_table is ignored.
 */
/*@ requires \valid_read(d) && \valid_read(text + (0 .. len - 1));
    requires \separated(d, &guest_console_state) &&
             \separated(text + (0 .. len - 1), &guest_console_state);
    requires guest_console_inv;
    assigns guest_console_state.line[0 .. DOMAIN_MAX - 1], console_model;
    ensures guest_console_inv; */
void guest_console_write(const struct domain *d, const char *text, size_t len);

/* Print d's pending partial line, if any (the domain is ending). */
/*@ requires \valid_read(d) && guest_console_inv && \separated(d, &guest_console_state);
    assigns guest_console_state.line[0 .. DOMAIN_MAX - 1], console_model;
    ensures guest_console_inv; */
void guest_console_flush(const struct domain *d);

/* A character arrived on the console input; false when the ring was full (dropped). */
/*@ requires guest_console_inv;
    assigns guest_console_state.input[0 .. GUEST_CONSOLE_INPUT_SIZE - 1],
            guest_console_state.in_count;
    ensures guest_console_inv; */
bool guest_console_input_push(char c);

/* Characters waiting in the input ring. */
/*@ requires guest_console_inv;
    assigns \nothing;
    ensures \result <= GUEST_CONSOLE_INPUT_SIZE && \result == guest_console_state.in_count; */
uint32_t guest_console_input_pending(void);

/*
 * Copy up to max waiting characters to dst without taking them out of the
 * ring; returns how many.  guest_console_input_consume(n) takes them out
 * once they reached the guest, so a failed copy loses nothing.
 */
/*@ requires guest_console_inv && \valid(dst + (0 .. max - 1));
    assigns dst[0 .. max - 1];
    ensures \result <= max && \result <= GUEST_CONSOLE_INPUT_SIZE; */
uint32_t guest_console_input_peek(char *dst, uint32_t max);

/*@ requires guest_console_inv;
    assigns guest_console_state.in_first, guest_console_state.in_count;
    ensures guest_console_inv; */
void guest_console_input_consume(uint32_t n);

#endif /* HV_GUEST_CONSOLE_H */
