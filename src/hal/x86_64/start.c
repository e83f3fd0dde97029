// SPDX-License-Identifier: GPL-2.0-only
/* First C code on bare metal: CPU tables, early serial, then the portable boot. */
#include "hv/setup.h"
#include "x86.h"

extern char __image_start[], __image_end[];

void hal_start(uint32_t magic, uint32_t info_paddr);
void hal_start(uint32_t magic, uint32_t info_paddr)
{
    struct boot_image image = {
        .start = (uint64_t)(uintptr_t)__image_start,
        .end = (uint64_t)(uintptr_t)__image_end,
    };

    serial_early_init();
    cpu_tables_init();
    tsc_calibrate();
    apic_timer_init();
    hv_boot(magic, info_paddr, &image);
}
