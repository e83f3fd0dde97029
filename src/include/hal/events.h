/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What can interrupt a guest or wake the idle CPU: the host timer and
 * console input.
 *
 * A guest that never exits would keep the CPU forever, so the scheduler arms
 * a one-shot host timer before every slice (at the end of the slice or the
 * next guest timer, whichever comes first).  Its interrupt makes the CPU
 * leave the guest (an INTR exit); the interrupt itself is taken, and
 * acknowledged, only inside hal_irq_window(), never in the middle of other
 * hypervisor code.  Console input is polled: at every slice boundary and
 * while idle, which the timer keeps short.
 */
#ifndef HAL_EVENTS_H
#define HAL_EVENTS_H

#include "hv/types.h"

/*
 * Arm the host's one-shot timer for time deadline_ns (hal_time_ns clock);
 * a deadline already past fires at once; 0 disarms.  Re-arming replaces the
 * previous deadline.
 */
/*@ assigns \nothing; */
void hal_timer_arm(uint64_t deadline_ns);

/* Let pending host interrupts be delivered and acknowledged, then mask them again. */
/*@ assigns \nothing; */
void hal_irq_window(void);

/* Host timer interrupts taken so far (statistics and tests). */
/*@ assigns \nothing; */
uint64_t hal_timer_interrupts(void);

/* One received console character, if any: true with *c set, false when none waits. */
/*@ requires \valid(c);
    assigns *c; */
bool hal_serial_getc(char *c);

/* Whether a console character waits (hal_serial_getc would return true). */
/*@ assigns \nothing; */
bool hal_serial_input_ready(void);

#endif /* HAL_EVENTS_H */
