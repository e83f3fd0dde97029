// SPDX-License-Identifier: GPL-2.0-only
/*
 * The framework checking itself: start_info copy, printf, page-table edits,
 * exception probes and the ring-3 round trip.  Needs no Xen, so it runs
 * (and must succeed) under plain QEMU as well as under a hypervisor.
 */
#include "guest.h"

static uint8_t scratch[3][GUEST_PAGE_SIZE] GUEST_PAGE_ALIGNED;

static void check_start_info(void)
{
    const struct hvm_start_info *si = &guest_env.start_info;
    uint64_t image = (uint64_t)(uintptr_t)__image_start;
    bool covered = false;

    check(si->magic == XEN_HVM_START_MAGIC, "start_info magic 0x%x", si->magic);
    for (uint32_t i = 0; i < guest_env.nr_memmap; i++) {
        const struct hvm_memmap_table_entry *e = &guest_env.memmap[i];
        if (e->type == XEN_HVM_MEMMAP_TYPE_RAM && e->addr <= image && image < e->addr + e->size)
            covered = true;
    }
    if (si->version >= 1)
        check(covered, "memory map has RAM under the image at 0x%lx", image);
    else
        note("start_info version 0: no memory map to check");
}

static void check_format(void)
{
    char buf[96];
    int n = guest_snprintf(buf, sizeof(buf), "%d %u %x %X %5s|%-3d|%05d %ld %lx %p %c %% %s", -42,
                           7U, 0xbeefU, 0xabU, "ab", 5, -12, -1L, 0xffffffffffUL >> 4,
                           (void *)0x1000, 'z', (const char *)NULL);
    const char *want = "-42 7 beef AB    ab|5  |-0012 -1 fffffffff 0x1000 z % (null)";

    check(strcmp(buf, want) == 0 && n == (int)strlen(want), "snprintf conversions: \"%s\"", buf);
    n = guest_snprintf(buf, 4, "%s", "truncated");
    check(n == 9 && strcmp(buf, "tru") == 0, "snprintf truncates and counts: %d \"%s\"", n, buf);
}

static void check_paging(void)
{
    uint64_t a = (uint64_t)(uintptr_t)scratch[0];
    uint64_t b = (uint64_t)(uintptr_t)scratch[1];
    uint64_t v = 0;
    int vec;

    /* Probe first, then report: exc_last must be read after the probe. */
    vec = probe_read64(0, &v);
    check(vec == X86_EXC_PF && exc_last.cr2 == 0 && exc_last.error == 0,
          "NULL read: vector %d cr2 0x%lx error 0x%lx", vec, exc_last.cr2, exc_last.error);
    scratch[1][0] = 0x5a;
    pt_unmap_4k(b);
    vec = probe_write64(b, 1);
    check(vec == X86_EXC_PF && exc_last.cr2 == b && exc_last.error == PFEC_WRITE,
          "write to an unmapped page: vector %d cr2 0x%lx error 0x%lx", vec, exc_last.cr2,
          exc_last.error);
    pt_map_4k(b, b, PTE_P | PTE_W | PTE_U);
    vec = probe_read64(b, &v);
    check(vec == -1 && (v & 0xff) == 0x5a, "page mapped again reads back: vector %d", vec);
    scratch[0][8] = 0xa5;
    pt_map_4k(b, a, PTE_P | PTE_W | PTE_U);
    vec = probe_read64(b + 8, &v);
    check(vec == -1 && (v & 0xff) == 0xa5, "alias of another page: vector %d", vec);
    pt_map_4k(b, b, PTE_P | PTE_U);
    vec = probe_write64(b, 2);
    check(vec == X86_EXC_PF && exc_last.error == (PFEC_PRESENT | PFEC_WRITE),
          "write to a read-only page: vector %d error 0x%lx", vec, exc_last.error);
    pt_map_4k(b, b, PTE_P | PTE_W | PTE_U);
}

static void check_probes(void)
{
    uint64_t v;

    check(probe_ud2() == X86_EXC_UD && exc_last.rip == (uint64_t)(uintptr_t)probe_ud2_insn,
          "ud2 -> #UD at the instruction");
    check(probe_int3() == X86_EXC_BP &&
              exc_last.rip == (uint64_t)(uintptr_t)probe_int3_insn + 1,
          "int3 -> #BP after the instruction");
    check(probe_div0() == X86_EXC_DE, "div by zero -> #DE");
    check(probe_read64(0x8000000000000000ULL, &v) == X86_EXC_GP && exc_last.error == 0,
          "non-canonical read -> #GP(0)");
    check(probe_read64((uint64_t)(uintptr_t)scratch[2], &v) == -1, "a mapped read does not fault");
    check((rdmsr(MSR_EFER) & (EFER_LME | EFER_LMA)) == (EFER_LME | EFER_LMA),
          "EFER.LME and EFER.LMA set");
}

static void user_add_one(uint64_t arg)
{
    user_exit(arg + 1);
}

static void user_cpl(uint64_t arg)
{
    uint16_t cs;

    (void)arg;
    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
    user_exit(cs & 3U);
}

static void user_cli(uint64_t arg)
{
    (void)arg;
    int vec = probe_cli();
    user_exit(((uint64_t)(uint32_t)vec << 32) | (exc_last.cs & 3U));
}

static void check_ring3(void)
{
    check(run_user(user_add_one, 41) == 42, "ring 3 round trip returns a value");
    check(run_user(user_cpl, 0) == 3, "user code runs at CPL3");
    uint64_t r = run_user(user_cli, 0);
    check((r >> 32) == X86_EXC_GP && (r & 3U) == 3U, "cli at CPL3 -> #GP taken from ring 3");
    check(run_user(user_add_one, 1) == 2, "ring 3 again after a fault");
}

static void selftest_run(void)
{
    check_start_info();
    check_format();
    check_paging();
    check_probes();
    check_ring3();
}

const struct guest_test guest_test = {
    .name = "selftest",
    .flags = 0,
    .run = selftest_run,
};
