// SPDX-License-Identifier: GPL-2.0-only
/*
 * Exceptions raised in the guest reach the guest's own IDT unchanged:
 * vector, error code, the faulting rip, CR2, and the privilege level they
 * came from.  A hypervisor that intercepts any of them (#UD and #PF are
 * common intercepts) must reflect them exactly.  Runs bare too ("bare" on
 * the command line), which checks the expectations against the CPU model.
 */
#include "guest.h"

static uint8_t pages[3][GUEST_PAGE_SIZE] GUEST_PAGE_ALIGNED;

static void check_ud_de_bp(void)
{
    int vec = probe_ud2();
    check(vec == X86_EXC_UD && exc_last.rip == (uint64_t)(uintptr_t)probe_ud2_insn,
          "ud2: vector %d at rip 0x%lx (insn at %p)", vec, exc_last.rip, (const void *)probe_ud2_insn);
    vec = probe_div0();
    check(vec == X86_EXC_DE && exc_last.rip == (uint64_t)(uintptr_t)probe_div0_insn,
          "div by zero: vector %d at rip 0x%lx", vec, exc_last.rip);
    vec = probe_int3();
    /* #BP is a trap: the saved rip is the next instruction. */
    check(vec == X86_EXC_BP && exc_last.rip == (uint64_t)(uintptr_t)probe_int3_insn + 1,
          "int3: vector %d, rip 0x%lx after the instruction", vec, exc_last.rip);
}

static void check_pf(void)
{
    uint64_t hole = (uint64_t)(uintptr_t)pages[1];
    uint64_t ro = (uint64_t)(uintptr_t)pages[2];
    uint64_t v;

    pt_unmap_4k(hole);
    int vec = probe_read64(hole + 0x18, &v);
    check(vec == X86_EXC_PF && exc_last.cr2 == hole + 0x18 && exc_last.error == 0,
          "read of an unmapped page: vector %d cr2 0x%lx error 0x%lx", vec, exc_last.cr2,
          exc_last.error);
    vec = probe_write64(hole + 0x20, 1);
    check(vec == X86_EXC_PF && exc_last.cr2 == hole + 0x20 && exc_last.error == PFEC_WRITE,
          "write to an unmapped page: vector %d cr2 0x%lx error 0x%lx", vec, exc_last.cr2,
          exc_last.error);
    pt_map_4k(ro, ro, PTE_P | PTE_U);
    vec = probe_write64(ro, 1);
    check(vec == X86_EXC_PF && exc_last.cr2 == ro &&
              exc_last.error == (PFEC_PRESENT | PFEC_WRITE),
          "write to a read-only page: vector %d cr2 0x%lx error 0x%lx", vec, exc_last.cr2,
          exc_last.error);
    vec = probe_read64(0, &v);
    check(vec == X86_EXC_PF && exc_last.cr2 == 0 && exc_last.error == 0,
          "NULL read: vector %d cr2 0x%lx error 0x%lx", vec, exc_last.cr2, exc_last.error);
    pt_map_4k(hole, hole, PTE_P | PTE_W | PTE_U);
    pt_map_4k(ro, ro, PTE_P | PTE_W | PTE_U);
}

static void check_gp(void)
{
    uint64_t v;
    int vec = probe_read64(0x8000000000000000ULL, &v);

    check(vec == X86_EXC_GP && exc_last.error == 0,
          "non-canonical read: vector %d error 0x%lx", vec, exc_last.error);
    vec = probe_write64(0x0000800000000000ULL, 0);
    check(vec == X86_EXC_GP && exc_last.error == 0,
          "non-canonical write: vector %d error 0x%lx", vec, exc_last.error);
}

/* Ring 3: a supervisor-only page and a privileged instruction. */
static uint64_t user_target;

static void user_read_target(uint64_t arg)
{
    uint64_t v;

    (void)arg;
    int vec = probe_read64(user_target, &v);
    user_exit((uint64_t)(uint32_t)vec);
}

static void user_cli(uint64_t arg)
{
    (void)arg;
    user_exit((uint64_t)(uint32_t)probe_cli());
}

static void check_user(void)
{
    uint64_t sup = (uint64_t)(uintptr_t)pages[0];

    pt_map_4k(sup, sup, PTE_P | PTE_W);
    user_target = sup + 8;
    uint64_t vec = run_user(user_read_target, 0);
    check(vec == X86_EXC_PF && exc_last.cr2 == sup + 8 &&
              exc_last.error == (PFEC_PRESENT | PFEC_USER) && (exc_last.cs & 3U) == 3U,
          "ring-3 read of a supervisor page: vector %ld cr2 0x%lx error 0x%lx cs 0x%lx",
          (long)(int)vec, exc_last.cr2, exc_last.error, exc_last.cs);
    pt_map_4k(sup, sup, PTE_P | PTE_W | PTE_U);
    vec = run_user(user_cli, 0);
    check(vec == X86_EXC_GP && exc_last.error == 0 && (exc_last.cs & 3U) == 3U,
          "cli at CPL3: vector %ld error 0x%lx cs 0x%lx", (long)(int)vec, exc_last.error,
          exc_last.cs);
}

static void exceptions_run(void)
{
    check_ud_de_bp();
    check_pf();
    check_gp();
    check_user();
}

const struct guest_test guest_test = {
    .name = "exceptions",
    .flags = GUEST_NEEDS_XEN | GUEST_BARE_OK,
    .run = exceptions_run,
};
