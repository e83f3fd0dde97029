/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The portable boot sequence: from the loader's hand-off to a running
 * hypervisor.  Bare metal calls hv_boot() from src/hal/x86_64/start.c; the
 * simulator calls it with multiboot structures it placed in machine memory,
 * so the whole boot path (and what a user sees when it fails) is testable.
 */
#ifndef HV_SETUP_H
#define HV_SETUP_H

#include "hv/bootinfo.h"
#include "hv/cmdline.h"
#include "hv/types.h"

/* Where the hypervisor image itself sits in machine memory. */
struct boot_image {
    uint64_t start;
    uint64_t end;
};

/* Statuses for hal_debug_exit; QEMU then exits with (status << 1) | 1. */
#define HV_EXIT_SUCCESS 0x10U   /* QEMU exit code 33 */
#define HV_EXIT_FAILURE 0x11U   /* QEMU exit code 35 */

/* The options in force (defaults until the command line has been parsed). */
extern struct hv_options hv_opts;

/* The hypervisor command line as the loader gave it (NUL-terminated, "" before boot). */
/*@ assigns \result \from \nothing;
    ensures \valid_read(\result + (0 .. BOOT_CMDLINE_MAX - 1)); */
const char *hv_boot_cmdline(void);

HV_NORETURN void hv_boot(uint32_t magic, uint64_t info_paddr, const struct boot_image *image);

/*
 * Stop after a fatal error: end the emulator when debug_exit is on, halt
 * with noreboot, otherwise reboot (Xen's panic behaviour).
 */
HV_NORETURN void hv_fatal_stop(void);

/* A boot-time fatal error: print the message and stop. */
HV_NORETURN void hv_panic(const char *fmt, ...) HV_PRINTF(1, 2);

#endif /* HV_SETUP_H */
