// SPDX-License-Identifier: GPL-2.0-only
/*
 * A triple fault ends the domain.  With an IDT limit of 0, ud2's #UD cannot
 * be delivered (#GP), nor can the #GP (#DF), nor the #DF: the CPU shuts
 * down, which a hypervisor must turn into "domain crashed" rather than a
 * hang or a host crash.  The guest cannot print a verdict after that, so it
 * announces "Test result: expect crash" first; the runner then looks for the
 * hypervisor's crash report.
 */
#include "guest.h"

static void triple_fault_run(void)
{
    guest_printf("Test result: expect crash\n");
    irq_disable();
    traps_load_empty_idt();
    __asm__ volatile("ud2" ::: "memory");
    /* Still here: the fault was swallowed. */
    guest_fail("ud2 with an empty IDT returned");
}

const struct guest_test guest_test = {
    .name = "triple_fault",
    .flags = GUEST_NEEDS_XEN,
    .run = triple_fault_run,
};
