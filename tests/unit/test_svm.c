// SPDX-License-Identifier: GPL-2.0-only
/*
 * The SVM vendor layer in the simulator: per-CPU setup (permission maps,
 * refusal), the VMCB a new vCPU gets (PVH entry state, intercepts, nested
 * paging, ASIDs), register and state transfer around VMRUN, and the
 * translation of every kind of #VMEXIT into the normalized record.  The
 * simulator's VMRUN hook plays the CPU: it writes exit fields into the VMCB.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "../../src/arch/x86_64/svm/vmcb.h"
#include "hv/domain.h"
#include "hv/vcpu.h"
#include "xen/errno.h"
#include "fixture_machine.h"
#include "sim.h"

#define NR    4096U
#define FIRST 16U

static struct frame_desc table[NR];
static struct vcpu vcpu;

/* What the hook does on the next VMRUN. */
static struct {
    uint64_t code, info1, info2, exit_int_info, next_rip;
    uint64_t set_rax, set_rip, set_efer;
    uint16_t set_cs_attrib;
    bool set_state;
    uint64_t seen_event_inj, seen_efer, seen_rax, seen_rbx;
    uint8_t seen_tlb_control;
} hook;

static void exit_hook(uint8_t *page, struct vcpu_regs *regs, void *ctx)
{
    struct vmcb *vmcb = (struct vmcb *)(void *)page;

    (void)ctx;
    hook.seen_event_inj = vmcb->control.event_inj;
    hook.seen_efer = vmcb->save.efer;
    hook.seen_rax = vmcb->save.rax;
    hook.seen_rbx = regs->rbx;
    hook.seen_tlb_control = vmcb->control.tlb_control;
    vmcb->control.exit_code = hook.code;
    vmcb->control.exit_info1 = hook.info1;
    vmcb->control.exit_info2 = hook.info2;
    vmcb->control.exit_int_info = hook.exit_int_info;
    vmcb->control.next_rip = hook.next_rip;
    if (hook.set_state) {
        vmcb->save.rax = hook.set_rax;
        vmcb->save.rip = hook.set_rip;
        vmcb->save.efer = hook.set_efer;
        vmcb->save.cs.attrib = hook.set_cs_attrib;
        regs->rbx = 0x1234;
    }
}

static void svm_caps(uint32_t edx)
{
    sim_cpuid_set(0x8000000AU, 0, 1, 64, 0, edx);
}

static int setup(void **state)
{
    (void)state;
    fixture_machine(table, sizeof(table), NR, FIRST);
    vcpu_vendor_cpu_reset();
    sim_svm_refuse_enable(false);
    svm_caps(0);
    memset(&hook, 0, sizeof(hook));
    sim_svm_set_exit_hook(exit_hook, NULL);
    memset(&vcpu, 0, sizeof(vcpu));
    return 0;
}

static struct vmcb *vmcb(void)
{
    return (struct vmcb *)(void *)sim_frame(vcpu.vendor.ctl_mfn);
}

static void create(void)
{
    assert_int_equal(vcpu_vendor_cpu_init(), 0);
    assert_int_equal(vcpu_vendor_create(&vcpu, 0x777, 0x100080, 0x5000), 0);
}

static void run(struct vmexit *e, uint64_t code, uint64_t info1, uint64_t info2)
{
    hook.code = code;
    hook.info1 = info1;
    hook.info2 = info2;
    vcpu_vendor_run(&vcpu, e);
}

static void test_refused_enable(void **state)
{
    (void)state;
    sim_svm_refuse_enable(true);
    assert_int_equal(vcpu_vendor_cpu_init(), -XEN_ENODEV);
    assert_int_equal(vcpu_vendor_create(&vcpu, 0x777, 0x100000, 0), -XEN_ENODEV);
}

static void test_create_without_init(void **state)
{
    (void)state;
    assert_int_equal(vcpu_vendor_create(&vcpu, 0x777, 0x100000, 0), -XEN_ENODEV);
}

static void test_out_of_memory(void **state)
{
    (void)state;
    while (frame_alloc(0, DOMID_XEN) != INVALID_MFN)
        ;
    assert_int_equal(vcpu_vendor_cpu_init(), -XEN_ENOMEM);
}

static void test_pvh_entry_state(void **state)
{
    struct vmcb *v;

    (void)state;
    create();
    v = vmcb();
    assert_int_equal(v->save.cs.attrib, 0xc9b);
    assert_int_equal(v->save.cs.limit, 0xFFFFFFFFU);
    assert_int_equal(v->save.ds.attrib, 0xc93);
    assert_int_equal(v->save.ss.attrib, 0xc93);
    assert_int_equal(v->save.tr.attrib, 0x08b);
    assert_int_equal(v->save.tr.limit, 0x67);
    assert_int_equal(v->save.cr0, 0x11);
    assert_int_equal(v->save.cr4, 0);
    assert_int_equal(v->save.efer, 1ULL << 12);
    assert_int_equal(v->save.rip, 0x100080);
    assert_int_equal(v->save.rflags, 2);
    assert_int_equal(v->save.g_pat, 0x0007040600070406ULL);
    assert_int_equal(vcpu.regs.rbx, 0x5000);
    assert_int_equal(vcpu.regs.rip, 0x100080);
    /* The guest's view of EFER has SVME clear. */
    assert_int_equal(vcpu.state.paging.efer, 0);
    assert_int_equal(vcpu.state.cs_mode, VCPU_CS_32);
}

static void test_controls(void **state)
{
    struct vmcb *v;
    uint8_t *iopm, *msrpm;

    (void)state;
    create();
    v = vmcb();
    assert_int_equal(v->control.np_enable, 1);
    assert_int_equal(v->control.n_cr3, 0x777ULL << 12);
    assert_true(v->control.asid >= 1);
    assert_true((v->control.intercept_misc2 & SVM_INTERCEPT2_VMRUN) != 0);
    assert_true((v->control.intercept_misc2 & SVM_INTERCEPT2_VMMCALL) != 0);
    assert_true((v->control.intercept_misc1 & SVM_INTERCEPT1_CPUID) != 0);
    assert_true((v->control.intercept_misc1 & SVM_INTERCEPT1_IOIO) != 0);
    assert_true((v->control.intercept_misc1 & SVM_INTERCEPT1_MSR) != 0);
    assert_true((v->control.intercept_misc1 & SVM_INTERCEPT1_HLT) != 0);
    assert_true((v->control.intercept_misc1 & SVM_INTERCEPT1_SHUTDOWN) != 0);
    assert_int_equal(v->control.intercept_exceptions, 1U << 6);
    /* Every port intercepted; EFER intercepted, LSTAR and FS_BASE passed through. */
    iopm = sim_frame(v->control.iopm_base_pa >> 12);
    for (unsigned i = 0; i < 3 * 4096; i++)
        assert_int_equal(iopm[i], 0xFF);
    msrpm = sim_frame(v->control.msrpm_base_pa >> 12);
    assert_int_equal((msrpm[0x800 + 0x80 * 2 / 8] >> ((0x80 * 2) % 8)) & 3, 3);   /* EFER */
    assert_int_equal((msrpm[0x800 + 0x82 * 2 / 8] >> ((0x82 * 2) % 8)) & 3, 0);   /* LSTAR */
    assert_int_equal((msrpm[0x800 + 0x100 * 2 / 8] >> ((0x100 * 2) % 8)) & 3, 0); /* FS_BASE */
    assert_int_equal((msrpm[0x1b * 2 / 8] >> ((0x1b * 2) % 8)) & 3, 3);           /* APIC_BASE */
    assert_int_equal((msrpm[0x10 * 2 / 8] >> ((0x10 * 2) % 8)) & 3, 3);           /* TSC */
    assert_int_equal((msrpm[0x174 * 2 / 8] >> ((0x174 * 2) % 8)) & 3, 0);         /* SYSENTER_CS */
}

static void test_asids_distinct(void **state)
{
    struct vcpu other;

    (void)state;
    create();
    memset(&other, 0, sizeof(other));
    assert_int_equal(vcpu_vendor_create(&other, 0x778, 0x100000, 0), 0);
    assert_int_not_equal(other.vendor.asid, vcpu.vendor.asid);
    assert_int_not_equal(other.vendor.ctl_mfn, vcpu.vendor.ctl_mfn);
    vcpu_vendor_destroy(&other);
    assert_int_equal(other.vendor.ctl_mfn, INVALID_MFN);
}

static void test_hypercall_exit_lengths(void **state)
{
    struct vmexit e;

    (void)state;
    create();
    run(&e, SVM_EXIT_VMMCALL, 0, 0);
    assert_int_equal(e.reason, VMEXIT_HYPERCALL);
    assert_int_equal(e.insn_len, 0);        /* no next-RIP: the dispatcher decodes */
    assert_int_equal(vcpu.exits, 1);
    assert_int_equal(hook.seen_tlb_control, SVM_TLB_FLUSH_ALL);
}

static void test_nrip_used_when_present(void **state)
{
    struct vmexit e;

    (void)state;
    svm_caps((1U << 3) | (1U << 6));
    create();
    hook.next_rip = 0x100083;
    run(&e, SVM_EXIT_VMMCALL, 0, 0);
    assert_int_equal(e.insn_len, 3);
    assert_int_equal(hook.seen_tlb_control, SVM_TLB_FLUSH_GUEST);
    hook.next_rip = 0x100080 + 40;          /* absurd: ignored */
    run(&e, SVM_EXIT_CPUID, 0, 0);
    assert_int_equal(e.reason, VMEXIT_CPUID);
    assert_int_equal(e.insn_len, 0);
}

static void test_msr_and_hlt(void **state)
{
    struct vmexit e;

    (void)state;
    create();
    run(&e, SVM_EXIT_MSR, 0, 0);
    assert_int_equal(e.reason, VMEXIT_RDMSR);
    run(&e, SVM_EXIT_MSR, 1, 0);
    assert_int_equal(e.reason, VMEXIT_WRMSR);
    run(&e, SVM_EXIT_HLT, 0, 0);
    assert_int_equal(e.reason, VMEXIT_HLT);
}

static void test_ioio(void **state)
{
    struct vmexit e;
    uint64_t info1 = (0x3F8ULL << 16) | (1U << 4) | 1U;      /* IN, 8 bits, port 0x3f8 */

    (void)state;
    create();
    run(&e, SVM_EXIT_IOIO, info1, 0x100082);
    assert_int_equal(e.reason, VMEXIT_IO);
    assert_int_equal(e.qual & VMEXIT_IO_PORT_MASK, 0x3F8);
    assert_int_equal((e.qual & VMEXIT_IO_SIZE_MASK) >> VMEXIT_IO_SIZE_SHIFT, 1);
    assert_true((e.qual & VMEXIT_IO_IN) != 0);
    assert_true((e.qual & VMEXIT_IO_STRING) == 0);
    assert_int_equal(e.insn_len, 2);
    info1 = (0x80ULL << 16) | (4U << 4) | (1U << 2) | (1U << 3);   /* REP OUTSD */
    run(&e, SVM_EXIT_IOIO, info1, 0x100080);                      /* next rip not after rip */
    assert_int_equal((e.qual & VMEXIT_IO_SIZE_MASK) >> VMEXIT_IO_SIZE_SHIFT, 4);
    assert_true((e.qual & VMEXIT_IO_IN) == 0);
    assert_true((e.qual & VMEXIT_IO_STRING) != 0);
    assert_true((e.qual & VMEXIT_IO_REP) != 0);
    assert_int_equal(e.insn_len, 0);
}

static void test_npf(void **state)
{
    struct vmexit e;

    (void)state;
    create();
    run(&e, SVM_EXIT_NPF, SVM_NPF_PRESENT | SVM_NPF_WRITE | SVM_NPF_USER, 0xFEE00030);
    assert_int_equal(e.reason, VMEXIT_NPF);
    assert_int_equal(e.qual, 0xFEE00030);
    assert_int_equal(e.info, VMEXIT_NPF_PRESENT | VMEXIT_NPF_WRITE | VMEXIT_NPF_USER);
    run(&e, SVM_EXIT_NPF, SVM_NPF_FETCH | SVM_NPF_IN_WALK, 0x1000);
    assert_int_equal(e.info, VMEXIT_NPF_FETCH | VMEXIT_NPF_WALK);
}

static void test_exceptions_and_undefined(void **state)
{
    struct vmexit e;
    static const uint64_t ud_codes[] = { SVM_EXIT_VMRUN, SVM_EXIT_VMLOAD, SVM_EXIT_VMSAVE,
                                         SVM_EXIT_STGI, SVM_EXIT_CLGI, SVM_EXIT_SKINIT,
                                         SVM_EXIT_MONITOR, SVM_EXIT_MWAIT, SVM_EXIT_XSETBV,
                                         SVM_EXIT_INVLPGA, SVM_EXIT_RSM };

    (void)state;
    create();
    run(&e, SVM_EXIT_EXCP_BASE + 6, 0, 0);
    assert_int_equal(e.reason, VMEXIT_EXCEPTION);
    assert_int_equal(e.qual, 6);
    run(&e, SVM_EXIT_EXCP_BASE + 14, 0x2, 0xdead000);
    assert_int_equal(e.qual, 14);
    assert_int_equal(e.info, 2);
    for (size_t i = 0; i < sizeof(ud_codes) / sizeof(ud_codes[0]); i++) {
        run(&e, ud_codes[i], 0, 0);
        assert_int_equal(e.reason, VMEXIT_EXCEPTION);
        assert_int_equal(e.qual, 6);
        assert_int_equal(e.vendor_code, ud_codes[i]);
    }
}

static void test_other_exits(void **state)
{
    struct vmexit e;

    (void)state;
    create();
    run(&e, SVM_EXIT_SHUTDOWN, 0, 0);
    assert_int_equal(e.reason, VMEXIT_TRIPLE_FAULT);
    run(&e, SVM_EXIT_INVALID, 0, 0);
    assert_int_equal(e.reason, VMEXIT_INVALID_STATE);
    run(&e, SVM_EXIT_INTR, 0, 0);
    assert_int_equal(e.reason, VMEXIT_INTR);
    run(&e, SVM_EXIT_NMI, 0, 0);
    assert_int_equal(e.reason, VMEXIT_NMI);
    run(&e, SVM_EXIT_TASK_SWITCH, 7, 8);
    assert_int_equal(e.reason, VMEXIT_UNHANDLED);
    assert_int_equal(e.vendor_code, SVM_EXIT_TASK_SWITCH);
    assert_int_equal(e.qual, 7);
    assert_int_equal(e.info, 8);
}

static void test_state_transfer(void **state)
{
    struct vmexit e;

    (void)state;
    create();
    vcpu.regs.rax = 0xAAAA;
    vcpu.regs.rbx = 0xBBBB;
    hook.set_state = true;
    hook.set_rax = 0x42;
    hook.set_rip = 0x200000;
    hook.set_efer = (1ULL << 12) | (1ULL << 10) | (1ULL << 8);   /* SVME LMA LME */
    hook.set_cs_attrib = 0xa9b;                                  /* 64-bit code */
    run(&e, SVM_EXIT_CPUID, 0, 0);
    assert_int_equal(hook.seen_rax, 0xAAAA);        /* rax goes through the VMCB */
    assert_int_equal(hook.seen_rbx, 0xBBBB);        /* the others through regs */
    assert_int_equal(vcpu.regs.rax, 0x42);
    assert_int_equal(vcpu.regs.rbx, 0x1234);
    assert_int_equal(vcpu.regs.rip, 0x200000);
    assert_int_equal(vcpu.state.paging.efer, (1ULL << 10) | (1ULL << 8));
    assert_int_equal(vcpu.state.cs_mode, VCPU_CS_64);
    /* A dirty state goes back with SVME set again. */
    hook.set_state = false;
    vcpu.state.paging.efer = (1ULL << 11) | (1ULL << 10) | (1ULL << 8);
    vcpu.state_dirty = true;
    run(&e, SVM_EXIT_CPUID, 0, 0);
    assert_int_equal(hook.seen_efer, (1ULL << 12) | (1ULL << 11) | (1ULL << 10) | (1ULL << 8));
    assert_false(vcpu.state_dirty);
}

static void test_event_injection(void **state)
{
    struct vmexit e;

    (void)state;
    create();
    vcpu_inject_exception(&vcpu, 13, true, 0);
    run(&e, SVM_EXIT_CPUID, 0, 0);
    assert_int_equal(hook.seen_event_inj, (1ULL << 31) | (3ULL << 8) | (1ULL << 11) | 13);
    assert_int_equal(vcpu.inject.type, VCPU_EVENT_NONE);
    run(&e, SVM_EXIT_CPUID, 0, 0);
    assert_int_equal(hook.seen_event_inj, 0);
    /* An exit in the middle of delivering #PF: delivered again next time. */
    hook.exit_int_info = (1ULL << 31) | (3ULL << 8) | (1ULL << 11) | 14 | (6ULL << 32);
    run(&e, SVM_EXIT_NPF, 0, 0x5000);
    assert_int_equal(vcpu.inject.type, VCPU_EVENT_EXCEPTION);
    assert_int_equal(vcpu.inject.vector, 14);
    assert_true(vcpu.inject.has_error_code);
    assert_int_equal(vcpu.inject.error_code, 6);
    hook.exit_int_info = 0;
    run(&e, SVM_EXIT_CPUID, 0, 0);
    assert_int_equal(hook.seen_event_inj, (1ULL << 31) | (3ULL << 8) | (1ULL << 11) | 14 | (6ULL << 32));
}

static void test_hypercall_insn(void **state)
{
    uint8_t b[3];

    (void)state;
    vcpu_vendor_hypercall_insn(b);
    assert_int_equal(b[0], 0x0F);
    assert_int_equal(b[1], 0x01);
    assert_int_equal(b[2], 0xD9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_refused_enable, setup),
        cmocka_unit_test_setup(test_create_without_init, setup),
        cmocka_unit_test_setup(test_out_of_memory, setup),
        cmocka_unit_test_setup(test_pvh_entry_state, setup),
        cmocka_unit_test_setup(test_controls, setup),
        cmocka_unit_test_setup(test_asids_distinct, setup),
        cmocka_unit_test_setup(test_hypercall_exit_lengths, setup),
        cmocka_unit_test_setup(test_nrip_used_when_present, setup),
        cmocka_unit_test_setup(test_msr_and_hlt, setup),
        cmocka_unit_test_setup(test_ioio, setup),
        cmocka_unit_test_setup(test_npf, setup),
        cmocka_unit_test_setup(test_exceptions_and_undefined, setup),
        cmocka_unit_test_setup(test_other_exits, setup),
        cmocka_unit_test_setup(test_state_transfer, setup),
        cmocka_unit_test_setup(test_event_injection, setup),
        cmocka_unit_test_setup(test_hypercall_insn, setup),
    };
    return cmocka_run_group_tests_name("svm", tests, NULL, NULL);
}
