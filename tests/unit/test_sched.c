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
#include "hv/vlapic.h"
#include "xen/errno.h"
#include "fixture_machine.h"
#include "sim.h"

#define NR     8192U
#define FIRST  16U
#define ENTRY  0x1000U
#define REASON 0x2000U

enum play { PLAY_POWEROFF, PLAY_REBOOT, PLAY_TRIPLE_FAULT, PLAY_HLT_THEN_POWEROFF, PLAY_HLT_FOREVER, PLAY_SPIN,
            PLAY_LAPIC, PLAY_IRQ_WINDOW, PLAY_ARM_TIMER };

static struct frame_desc table[NR];
static enum play script[DOMAIN_MAX + 1];   /* by ASID */
static unsigned runs[DOMAIN_MAX + 1];
static uint32_t order[64];                 /* ASIDs in the order they ran (PLAY_SPIN) */
static unsigned nr_order;
static uint64_t armed_at_first_run;
/* PLAY_ARM_TIMER: the vCPU whose timer a hypercall arms mid-slice, and the host timer at the next entry. */
static struct vcpu *arming_vcpu;
static uint64_t armed_after_hypercall;
#define ARM_TIMER_NS 1000000ULL

/* PLAY_LAPIC: what each entry injected, when it ran, and how long the guest then ran. */
#define LAPIC_RUNS 4U
static uint64_t lapic_seen[LAPIC_RUNS];
static uint64_t lapic_now[LAPIC_RUNS];
static uint64_t lapic_step[LAPIC_RUNS];
static bool window_seen[LAPIC_RUNS];       /* PLAY_IRQ_WINDOW: the entry asked for a window exit */

#define SPIN_STEP_NS 3000000ULL            /* each spinning run takes 3 ms until the timer interrupts it */
#define SPIN_RUNS    10U

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
    if (p == PLAY_LAPIC && n < LAPIC_RUNS) {
        lapic_seen[n] = vmcb->control.event_inj;
        lapic_now[n] = hal_time_ns();
        sim_clock_advance(lapic_step[n]);
        vmcb->save.rflags |= VCPU_RFLAGS_IF;
        set_exit(vmcb, SVM_EXIT_INTR);
        return;
    }
    if (p == PLAY_IRQ_WINDOW && n < LAPIC_RUNS) {
        /* Interrupts off for the first run, then on (as after an sti). */
        lapic_seen[n] = vmcb->control.event_inj;
        window_seen[n] = (vmcb->control.intercept_misc1 & SVM_INTERCEPT1_VINTR) != 0 &&
                         (vmcb->control.int_ctl & SVM_INT_CTL_V_IRQ) != 0;
        if (n == 0)
            vmcb->save.rflags &= ~VCPU_RFLAGS_IF;
        else
            vmcb->save.rflags |= VCPU_RFLAGS_IF;
        set_exit(vmcb, n == 0 ? SVM_EXIT_INTR : SVM_EXIT_VINTR);
        return;
    }
    if (p == PLAY_SPIN && n < SPIN_RUNS) {
        if (nr_order == 0)
            armed_at_first_run = sim_timer_deadline();
        if (nr_order < 64)
            order[nr_order++] = asid;
        sim_clock_advance(SPIN_STEP_NS);
        set_exit(vmcb, SVM_EXIT_INTR);
        return;
    }
    if (p == PLAY_ARM_TIMER && n == 0) {
        /* What a singleshot-timer hypercall leaves behind; the call itself is unknown (-ENOSYS). */
        arming_vcpu->timer_deadline_ns = hal_time_ns() + ARM_TIMER_NS;
        vmcb->save.rip = ENTRY;
        vmcb->save.rax = 63;
        set_exit(vmcb, SVM_EXIT_VMMCALL);
        return;
    }
    if (p == PLAY_ARM_TIMER && n == 1)
        armed_after_hypercall = sim_timer_deadline();
    if (p == PLAY_TRIPLE_FAULT) {
        set_exit(vmcb, SVM_EXIT_SHUTDOWN);
        return;
    }
    if ((p == PLAY_HLT_THEN_POWEROFF && n == 0) || p == PLAY_HLT_FOREVER) {
        vmcb->save.rip = ENTRY + 3;          /* the f4 after the vmmcall */
        vmcb->save.rflags |= VCPU_RFLAGS_IF;  /* sti; hlt: waits for an interrupt */
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
    fixture_machine(table, sizeof(table), NR, FIRST);
    vcpu_vendor_cpu_reset();
    assert_int_equal(vcpu_vendor_cpu_init(), 0);
    sim_svm_set_exit_hook(play, NULL);
    sched_set_input_wait_limit(1000000000ULL);   /* these guests get no typed input */
    memset(runs, 0, sizeof(runs));
    nr_order = 0;
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

/*
 * Guests that never exit by themselves: the host timer, armed for the end of
 * the slice, interrupts them (an INTR exit), and after 10 ms the other guest
 * gets the CPU.
 */
static void test_timer_ends_slices(void **state)
{
    struct sched_summary s;
    uint64_t t0 = hal_time_ns();
    uint32_t a, b;

    (void)state;
    a = guest(6, PLAY_SPIN)->guest.vcpus[0].vendor.asid;
    b = guest(7, PLAY_SPIN)->guest.vcpus[0].vendor.asid;
    sched_run(&s);
    assert_int_equal(s.nr_poweroff, 2);
    assert_int_equal(armed_at_first_run, t0 + SCHED_SLICE_NS);
    assert_int_equal(sim_timer_deadline(), 0);            /* disarmed between slices */
    /* 3 ms per run: the fourth run crosses 10 ms and the slice ends. */
    assert_int_equal(nr_order, 2 * SPIN_RUNS);
    if (order[0] == b) {                                  /* round robin may start with either */
        b = a;
        a = order[0];
    }
    for (unsigned i = 0; i < 4; i++) {
        assert_int_equal(order[i], a);
        assert_int_equal(order[4 + i], b);
    }
    assert_int_equal(order[8], a);
}

/* A guest timer due before the end of the slice shortens it: the timer is armed for it. */
static void test_timer_armed_for_guest_deadline(void **state)
{
    struct sched_summary s;
    struct domain *d;
    uint64_t t0 = hal_time_ns();

    (void)state;
    d = guest(8, PLAY_SPIN);
    d->guest.vcpus[0].timer_deadline_ns = t0 + 2000000;
    sched_run(&s);
    assert_int_equal(armed_at_first_run, t0 + 2000000);
    assert_int_equal(s.nr_poweroff, 1);
}

/* A timer a hypercall arms in the middle of a slice re-arms the host timer for it at once. */
static void test_timer_armed_during_slice(void **state)
{
    struct sched_summary s;
    struct domain *d;
    uint64_t t0 = hal_time_ns();

    (void)state;
    d = guest(9, PLAY_ARM_TIMER);
    arming_vcpu = &d->guest.vcpus[0];
    armed_after_hypercall = 0;
    sched_run(&s);
    assert_int_equal(armed_after_hypercall, t0 + ARM_TIMER_NS);
    assert_int_equal(s.nr_poweroff, 1);
}

/*
 * The LAPIC timer fires at the first entry once its deadline has passed,
 * never before: each entry checks it against the clock read after the
 * exit before it.  Armed before the slice, the deadline also ends it.
 */
static void test_lapic_timer_at_first_entry_after_deadline(void **state)
{
    struct sched_summary s;
    struct domain *d;
    struct vcpu *v;
    uint64_t due, t0 = hal_time_ns();

    (void)state;
    d = guest(8, PLAY_LAPIC);
    v = &d->guest.vcpus[0];
    assert_int_equal(vlapic_mmio_write(v, VLAPIC_BASE_DEFAULT + VLAPIC_REG_SVR, 4, 0x1FF), 0);
    assert_int_equal(vlapic_mmio_write(v, VLAPIC_BASE_DEFAULT + VLAPIC_REG_LVT_TIMER, 4, 0x40), 0);
    assert_int_equal(vlapic_mmio_write(v, VLAPIC_BASE_DEFAULT + VLAPIC_REG_TDCR, 4, 0xB), 0);
    assert_int_equal(vlapic_mmio_write(v, VLAPIC_BASE_DEFAULT + VLAPIC_REG_TMICT, 4, 1000), 0);
    due = vlapic_timer_deadline(v);
    assert_true(due > t0 + 2 && due < t0 + SCHED_SLICE_NS);
    lapic_step[0] = due - t0 - 2;     /* the first run stops 2 ns short of the deadline */
    lapic_step[1] = 1;                /* the second 1 ns short: no interrupt yet */
    lapic_step[2] = 1;                /* the third reaches it: the slice ends */
    lapic_step[3] = 0;
    sched_run(&s);
    assert_int_equal(s.nr_poweroff, 1);
    assert_int_equal(lapic_now[0], t0);
    assert_int_equal(lapic_seen[0], 0);
    assert_int_equal(lapic_seen[1], 0);
    assert_int_equal(lapic_seen[2], 0);
    assert_int_equal(lapic_now[3], due);
    assert_int_equal(lapic_seen[3], SVM_EVT_VALID | 0x40);    /* external interrupt, vector 0x40 */
}

/*
 * An interrupt the guest cannot take yet (IF clear) makes the entry ask for
 * an interrupt-window exit; once IF is set, the window exit comes and the
 * next entry injects the interrupt and stops asking.
 */
static void test_irq_window(void **state)
{
    struct sched_summary s;
    struct domain *d;
    struct vcpu *v;

    (void)state;
    d = guest(9, PLAY_IRQ_WINDOW);
    v = &d->guest.vcpus[0];
    assert_int_equal(vlapic_mmio_write(v, VLAPIC_BASE_DEFAULT + VLAPIC_REG_SVR, 4, 0x1FF), 0);
    vlapic_set_irq(v, 0x51);
    memset(window_seen, 0, sizeof(window_seen));
    sched_run(&s);
    assert_int_equal(s.nr_poweroff, 1);
    /* Entry 0: PVH entry state has IF clear already. */
    assert_true(window_seen[0]);
    assert_int_equal(lapic_seen[0], 0);
    assert_true(window_seen[1]);                               /* IF was clear in run 0 */
    assert_int_equal(lapic_seen[1], 0);
    assert_false(window_seen[2]);                              /* run 1 ended with IF set */
    assert_int_equal(lapic_seen[2], SVM_EVT_VALID | 0x51);
    assert_false(window_seen[3]);
    assert_int_equal(lapic_seen[3], 0);
    assert_false(vcpu_vendor_irq_window_requested(v));
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
        cmocka_unit_test_setup(test_timer_ends_slices, setup),
        cmocka_unit_test_setup(test_timer_armed_for_guest_deadline, setup),
        cmocka_unit_test_setup(test_timer_armed_during_slice, setup),
        cmocka_unit_test_setup(test_lapic_timer_at_first_entry_after_deadline, setup),
        cmocka_unit_test_setup(test_irq_window, setup),
        cmocka_unit_test_setup(test_reason_text, setup),
        cmocka_unit_test_setup(test_domain_shutdown_and_crash_once, setup),
    };
    return cmocka_run_group_tests_name("sched", tests, NULL, NULL);
}
