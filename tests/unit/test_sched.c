// SPDX-License-Identifier: GPL-2.0-only
/*
 * The scheduler in the simulator: domains played by the simulated CPU
 * (the VMRUN hook) power off, triple-fault, block on HLT until their timer,
 * or block forever; sched_run reports each ending, frees everything, and
 * returns the summary the boot code turns into QEMU's exit status.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "../../src/arch/x86_64/svm/vmcb.h"
#include "hv/guest_copy.h"
#include "hv/sched.h"
#include "xen/errno.h"
#include "sim.h"

#define NR     8192U
#define FIRST  16U
#define ENTRY  0x1000U
#define REASON 0x2000U

enum play { PLAY_POWEROFF, PLAY_REBOOT, PLAY_TRIPLE_FAULT, PLAY_HLT_THEN_POWEROFF, PLAY_HLT_FOREVER };

static struct frame_desc table[NR];
static enum play script[DOMAIN_MAX + 1];   /* by ASID */
static unsigned runs[DOMAIN_MAX + 1];

static void set_exit(struct vmcb *vmcb, uint64_t code)
{
    vmcb->control.exit_code = code;
    vmcb->control.exit_int_info = 0;
}

/* The guest with this ASID does its next step. */
static void play(uint8_t *page, struct vcpu_regs *regs, void *ctx)
{
    struct vmcb *vmcb = (struct vmcb *)(void *)page;
    uint32_t asid = vmcb->control.asid;
    enum play p = script[asid];
    unsigned n = runs[asid]++;

    (void)ctx;
    if (p == PLAY_TRIPLE_FAULT) {
        set_exit(vmcb, SVM_EXIT_SHUTDOWN);
        return;
    }
    if ((p == PLAY_HLT_THEN_POWEROFF && n == 0) || p == PLAY_HLT_FOREVER) {
        vmcb->save.rip = ENTRY + 3;          /* the f4 after the vmmcall */
        set_exit(vmcb, SVM_EXIT_HLT);
        return;
    }
    vmcb->save.rip = ENTRY;
    vmcb->save.rax = HYPERVISOR_sched_op;
    regs->rbx = SCHEDOP_shutdown;            /* 32-bit guest: ebx, ecx */
    regs->rcx = p == PLAY_REBOOT ? REASON + 4 : REASON;
    set_exit(vmcb, SVM_EXIT_VMMCALL);
}

static int setup(void **state)
{
    (void)state;
    sim_reset(NR);
    assert_int_equal(frame_init(table, sizeof(table), NR), 0);
    assert_int_equal(frame_add_free(FIRST, NR - FIRST), 0);
    domain_table_reset();
    vcpu_vendor_cpu_reset();
    assert_int_equal(vcpu_vendor_cpu_init(), 0);
    sim_svm_set_exit_hook(play, NULL);
    memset(runs, 0, sizeof(runs));
    return 0;
}

static struct domain *guest(domid_t id, enum play p)
{
    static const uint8_t code[] = { 0x0F, 0x01, 0xD9, 0xF4 };   /* vmmcall; hlt */
    static const uint32_t reasons[] = { SHUTDOWN_poweroff, SHUTDOWN_reboot };
    struct domain *d;

    assert_int_equal(domain_create(id, 64, PTE_FORMAT_NPT), 0);
    d = domain_find(id);
    assert_int_equal(domain_populate(id, 0, 16, 0), 0);
    assert_int_equal(copy_to_guest_phys(&d->p2m, ENTRY, code, sizeof(code)), 0);
    assert_int_equal(copy_to_guest_phys(&d->p2m, REASON, reasons, sizeof(reasons)), 0);
    assert_int_equal(sched_add_domain(d, ENTRY, 0), 0);
    script[d->guest.vcpus[0].vendor.asid] = p;
    return d;
}

static void test_poweroff_and_crash(void **state)
{
    struct sched_summary s;
    mfn_t free_before;

    (void)state;
    free_before = frame_free_count();
    guest(1, PLAY_POWEROFF);
    guest(2, PLAY_TRIPLE_FAULT);
    sched_run(&s);
    assert_int_equal(s.nr_domains, 2);
    assert_int_equal(s.nr_poweroff, 1);
    assert_int_equal(s.nr_crashed, 1);
    assert_false(s.stalled);
    assert_null(domain_find(1));
    assert_null(domain_find(2));
    /* Every frame came back except the VMCBs' (freed) and the per-CPU maps kept by SVM. */
    assert_int_equal(frame_free_count(), free_before);
    assert_non_null(strstr(sim_serial_output(), "domain 2 () ended: crashed: triple fault"));
    assert_non_null(strstr(sim_serial_output(), "domain 1 () ended: shut down: poweroff"));
}

static void test_initial_domain_reboot(void **state)
{
    struct sched_summary s;
    struct domain *d;

    (void)state;
    d = guest(0, PLAY_REBOOT);
    d->guest.start_flags = SIF_INITDOMAIN | SIF_PRIVILEGED;
    sched_run(&s);
    assert_int_equal(s.nr_reboot, 1);
    assert_true(s.initial_domain_reboot);
}

static void test_hlt_until_timer(void **state)
{
    struct sched_summary s;
    struct domain *d;
    uint64_t t0 = hal_time_ns();

    (void)state;
    d = guest(3, PLAY_HLT_THEN_POWEROFF);
    d->guest.vcpus[0].timer_deadline_ns = t0 + 5000000;
    sched_run(&s);
    assert_int_equal(s.nr_poweroff, 1);
    assert_true(hal_time_ns() >= t0 + 5000000);   /* the CPU idled until the timer */
    assert_int_equal(runs[1], 2);
}

static void test_blocked_forever(void **state)
{
    struct sched_summary s;

    (void)state;
    guest(4, PLAY_HLT_FOREVER);
    sched_run(&s);
    assert_true(s.stalled);
    assert_int_equal(s.nr_crashed, 1);
    assert_non_null(strstr(sim_serial_output(), "blocked forever"));
}

static void test_reason_text(void **state)
{
    (void)state;
    assert_string_equal(shutdown_reason_text(SHUTDOWN_poweroff), "poweroff");
    assert_string_equal(shutdown_reason_text(SHUTDOWN_reboot), "reboot");
    assert_string_equal(shutdown_reason_text(SHUTDOWN_suspend), "suspend");
    assert_string_equal(shutdown_reason_text(SHUTDOWN_crash), "crash");
    assert_string_equal(shutdown_reason_text(SHUTDOWN_watchdog), "watchdog");
    assert_string_equal(shutdown_reason_text(SHUTDOWN_soft_reset), "soft_reset");
    assert_string_equal(shutdown_reason_text(77), "unknown");
}

static void test_domain_shutdown_and_crash_once(void **state)
{
    struct domain *d;

    (void)state;
    d = guest(5, PLAY_POWEROFF);
    domain_shutdown(d, SHUTDOWN_crash);
    assert_int_equal(d->guest.state, DOMAIN_CRASHED);
    assert_non_null(strstr(d->guest.crash_msg, "reported a crash"));
    domain_crash(d, "later");                    /* an ended domain stays as it ended */
    assert_null(strstr(d->guest.crash_msg, "later"));
    domain_shutdown(d, SHUTDOWN_poweroff);
    assert_int_equal(d->guest.state, DOMAIN_CRASHED);
    assert_false(domain_is_running(d));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_poweroff_and_crash, setup),
        cmocka_unit_test_setup(test_initial_domain_reboot, setup),
        cmocka_unit_test_setup(test_hlt_until_timer, setup),
        cmocka_unit_test_setup(test_blocked_forever, setup),
        cmocka_unit_test_setup(test_reason_text, setup),
        cmocka_unit_test_setup(test_domain_shutdown_and_crash_once, setup),
    };
    return cmocka_run_group_tests_name("sched", tests, NULL, NULL);
}
