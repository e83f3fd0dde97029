// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hypercall page: WRMSR of the page's address to the MSR from CPUID
 * base+2 makes the hypervisor fill it.  Slot i (32 bytes) is
 *   b8 <i:imm32>   mov $i, %eax
 *   0f 01 d9       vmmcall (AMD)  /  0f 01 c1  vmcall (Intel)
 *   c3             ret
 * and 0xcc up to the next slot; slot 23 (iret, PV only) is ud2 (0f 0b).
 * Then hypercalls go through the page.
 */
#include "guest.h"
#include "xen/errno.h"

#define SLOT_SIZE 32U
#define SLOT_IRET 23U

static uint8_t hc_page[GUEST_PAGE_SIZE] GUEST_PAGE_ALIGNED;

/* Index of the first wrong byte of slot i, or -1. */
static int slot_mismatch(unsigned int i, uint8_t insn3)
{
    const uint8_t *s = hc_page + i * SLOT_SIZE;
    uint8_t want[SLOT_SIZE];

    memset(want, 0xcc, sizeof(want));
    if (i == SLOT_IRET) {
        want[0] = 0x0f;
        want[1] = 0x0b;
    } else {
        want[0] = 0xb8;
        want[1] = (uint8_t)i;
        want[2] = 0;
        want[3] = 0;
        want[4] = 0;
        want[5] = 0x0f;
        want[6] = 0x01;
        want[7] = insn3;
        want[8] = 0xc3;
    }
    for (unsigned int b = 0; b < SLOT_SIZE; b++) {
        if (s[b] != want[b])
            return (int)b;
    }
    return -1;
}

static void check_layout(void)
{
    uint8_t insn3 = guest_env.vendor_amd ? 0xd9 : 0xc1;
    unsigned int bad = 0;
    int first_bad = -1, first_byte = -1;

    for (unsigned int i = 0; i < GUEST_PAGE_SIZE / SLOT_SIZE; i++) {
        if (i == SLOT_IRET)
            continue;
        int m = slot_mismatch(i, insn3);
        if (m >= 0) {
            if (bad++ == 0) {
                first_bad = (int)i;
                first_byte = m;
            }
        }
    }
    check(bad == 0, "%u slots are mov $i,%%eax; %s; ret; int3 padding (%u wrong, first slot %d byte %d)",
          (unsigned int)(GUEST_PAGE_SIZE / SLOT_SIZE - 1), guest_env.vendor_amd ? "vmmcall" : "vmcall", bad,
          first_bad, first_byte);
    int m = slot_mismatch(SLOT_IRET, insn3);
    check(m < 0, "slot 23 (iret) is ud2 then int3 padding (first wrong byte %d)", m);
}

static void hypercall_page_run(void)
{
    struct cpuid_regs r = cpuid_count(guest_env.xen_base + 2U, 0);
    uint64_t gpa = (uint64_t)(uintptr_t)hc_page;

    check(r.a == 1 && r.b == XEN_MSR_HYPERCALL_PAGE, "CPUID base+2: %u page(s), MSR 0x%x", r.a, r.b);
    int vec = probe_wrmsr(r.b, gpa);
    if (!check(vec == -1, "wrmsr 0x%x <- 0x%lx installs the page: vector %d", r.b, gpa, vec))
        return;
    check_layout();

    long direct = hypercall2(HYPERVISOR_xen_version, XENVER_version, 0);
    hypercall_use_page(hc_page);
    long via_page = hypercall2(HYPERVISOR_xen_version, XENVER_version, 0);
    check(via_page > 0 && via_page == direct, "xen_version through slot 17: 0x%lx (direct 0x%lx)",
          via_page, direct);
    static const char msg[] = "  (this line was written through the hypercall page)\n";
    check_rc(hypercall3(HYPERVISOR_console_io, CONSOLEIO_write, sizeof(msg) - 1, msg), 0,
             "console_io through slot 18");
    check_rc(hypercall2(HYPERVISOR_sched_op, SCHEDOP_yield, 0), 0, "sched_op(yield) through slot 29");
    check_rc(hypercall0(99), -XEN_ENOSYS, "unknown hypercall 99 through its slot");
    vec = probe_call(gpa + SLOT_IRET * SLOT_SIZE);
    check(vec == X86_EXC_UD && exc_last.rip == gpa + SLOT_IRET * SLOT_SIZE,
          "calling slot 23 raises #UD at the slot: vector %d rip 0x%lx", vec, exc_last.rip);
}

const struct guest_test guest_test = {
    .name = "hypercall_page",
    .flags = GUEST_NEEDS_XEN,
    .run = hypercall_page_run,
};
