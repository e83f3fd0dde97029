// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unbacked MMIO as the initial domain meets it: guest-physical addresses
 * with neither RAM nor a device behind them.  Loads read all-ones, stores
 * are dropped, and ALU and read-modify-write instructions (what drivers
 * probing absent devices do: lock or/and/inc on a register, test and cmp
 * against memory, bit operations, XADD, CMPXCHG) leave the registers and
 * flags an all-ones operand gives (lib/unbacked.c).  The addresses are
 * unbacked under Xen too (a PVH dom0 gets neither the HPET nor memory
 * beyond its own): 16 MiB beyond RAM, the HPET window, and the highest
 * address bit below MAXPHYADDR, the last through a page of its own page
 * tables.  The hostile guest runs the same checks as an unprivileged
 * domain.
 */
#include "guest.h"

#define MMIO_FLOOR 0xe0000000ULL
#define TWO_MIB 0x200000ULL
#define HPET_BASE 0xfed00000ULL

static uint8_t window[GUEST_PAGE_SIZE] GUEST_PAGE_ALIGNED;

static void raise_top(uint64_t addr, uint64_t size, uint64_t *top)
{
    if (addr < MMIO_FLOOR && addr + size > *top)
        *top = addr + size;
}

/* 16 MiB above every memory-map entry below the MMIO hole (start_info's, else XENMEM_memory_map's); 0 if none. */
static uint64_t beyond_ram(void)
{
    static struct gx_e820_entry e820[GUEST_MAX_MEMMAP];
    struct gx_memory_map mm = { .nr_entries = GUEST_MAX_MEMMAP, .buffer = (uint64_t)(uintptr_t)e820 };
    uint64_t top = 0;

    for (uint32_t i = 0; i < guest_env.nr_memmap; i++)
        raise_top(guest_env.memmap[i].addr, guest_env.memmap[i].size, &top);
    if (guest_env.nr_memmap == 0 && hypercall2(HYPERVISOR_memory_op, XENMEM_memory_map, &mm) == 0)
        for (uint32_t i = 0; i < mm.nr_entries && i < GUEST_MAX_MEMMAP; i++)
            raise_top(e820[i].addr, e820[i].size, &top);
    if (top == 0)
        return 0;
    top = ((top + TWO_MIB - 1) & ~(TWO_MIB - 1)) + 8 * TWO_MIB;
    return top < MMIO_FLOOR ? top : 0;
}

static uint32_t max_phys_bits(void)
{
    if (cpuid_count(0x80000000U, 0).a < 0x80000008U)
        return 36;
    return cpuid_count(0x80000008U, 0).a & 0xffU;
}

/* The window page mapped at gpa for the checks, then back to its own frame. */
static void through_window(const char *what, uint64_t gpa)
{
    uint64_t va = (uint64_t)(uintptr_t)window;

    pt_map_4k(va, gpa, PTE_P | PTE_W);
    (void)unbacked_mmio_checks(va, what, gpa);
    pt_map_4k(va, va, PTE_P | PTE_W | PTE_U);
}

static void mmio_run(void)
{
    uint64_t beyond = beyond_ram();

    if (beyond != 0)
        (void)unbacked_mmio_checks(beyond, "16 MiB beyond RAM,", beyond);
    else
        note("no RAM found below 0xe0000000: the address beyond RAM is left out");
    (void)unbacked_mmio_checks(HPET_BASE, "HPET window (no HPET),", HPET_BASE);
    through_window("highest address bit,", 1ULL << (max_phys_bits() - 1U));
}

const struct guest_test guest_test = {
    .name = "mmio",
    .flags = GUEST_NEEDS_XEN,
    .run = mmio_run,
};
