// SPDX-License-Identifier: GPL-2.0-only
/*
 * The scheduler (hv/sched.h).  One physical CPU: vCPUs take turns, each for
 * a slice of SCHED_SLICE_NS (shorter when a guest timer falls due first) or
 * until it blocks; when every vCPU is blocked the CPU idles until the
 * earliest timer.  The host timer ends a slice even if the guest never exits.
 * SCHED_EXITS_PER_SLICE only bounds a slice whose exits take no time (the
 * simulator's clock); on hardware it is high enough that time decides, so a
 * guest that exits often gets the same share as one that spins.
 */
#include "hal/events.h"
#include "hv/sched.h"

#include <stdarg.h>

#include "hal/hal.h"
#include "hv/console.h"
#include "hv/console_mux.h"
#include "hv/dom_boot.h"
#include "hv/evtchn.h"
#include "hv/format.h"
#include "hv/grant_table.h"
#include "hv/guest_console.h"
#include "hv/guest_time.h"
#include "hv/pv_console.h"
#include "hv/vlapic.h"
#include "hv/msr_policy.h"
#include "xen/errno.h"

static struct sched_summary summary;
static unsigned next_slot;
static struct vcpu *fpu_owner;   /* whose x87/SSE state the CPU holds */

/* The FXSAVE image of a CPU after reset/FNINIT: FCW 0x37f, MXCSR 0x1f80. */
static void fpu_init_image(uint8_t *area)
{
    for (unsigned i = 0; i < HAL_FPU_AREA_SIZE; i++)
        area[i] = 0;
    area[0] = 0x7F;
    area[1] = 0x03;
    area[24] = 0x80;
    area[25] = 0x1F;
}

/* Guests never see each other's x87/SSE registers. */
static void fpu_switch_to(struct vcpu *v)
{
    if (fpu_owner == v)
        return;
    if (fpu_owner != NULL)
        hal_fpu_save(fpu_owner->fpu);
    hal_fpu_restore(v->fpu);
    fpu_owner = v;
}

const char *shutdown_reason_text(uint32_t reason)
{
    switch (reason) {
    case SHUTDOWN_poweroff: return "poweroff";
    case SHUTDOWN_reboot: return "reboot";
    case SHUTDOWN_suspend: return "suspend";
    case SHUTDOWN_crash: return "crash";
    case SHUTDOWN_watchdog: return "watchdog";
    case SHUTDOWN_soft_reset: return "soft_reset";
    default: return "unknown";
    }
}

bool domain_is_running(const struct domain *d)
{
    return d->live && d->guest.state == DOMAIN_RUNNING;
}

static void domain_stop_vcpus(struct domain *d)
{
    for (uint32_t i = 0; i < d->guest.nr_vcpus; i++) {
        d->guest.vcpus[i].run_state = VCPU_DOWN;
        d->guest.vcpus[i].timer_deadline_ns = 0;
    }
}

void domain_crash(struct domain *d, const char *fmt, ...)
{
    va_list ap;

    if (d->guest.state != DOMAIN_RUNNING)
        return;
    va_start(ap, fmt);
    (void)hv_vsnprintf(d->guest.crash_msg, sizeof(d->guest.crash_msg), fmt, ap);
    va_end(ap);
    d->guest.state = DOMAIN_CRASHED;
    domain_stop_vcpus(d);
    hv_err("domain %u (%s) crashed: %s\n", d->id, d->guest.name, d->guest.crash_msg);
}

void domain_shutdown(struct domain *d, uint32_t reason)
{
    if (d->guest.state != DOMAIN_RUNNING)
        return;
    d->guest.state = reason == SHUTDOWN_crash ? DOMAIN_CRASHED : DOMAIN_SHUTDOWN;
    d->guest.shutdown_reason = reason;
    if (reason == SHUTDOWN_crash)
        (void)hv_snprintf(d->guest.crash_msg, sizeof(d->guest.crash_msg),
                          "the guest reported a crash (SCHEDOP_shutdown)");
    domain_stop_vcpus(d);
}

int sched_add_domain(struct domain *d, uint32_t entry, uint32_t start_info_gpa)
{
    struct vcpu *v = &d->guest.vcpus[0];
    int rc;

    *v = (struct vcpu){ .domain = d, .id = 0, .vendor = { .ctl_mfn = INVALID_MFN } };
    rc = vcpu_vendor_create(v, d->p2m.root, entry, start_info_gpa);
    if (rc != 0)
        return rc;
    fpu_init_image(v->fpu);
    msr_policy_vcpu_init(v);
    vlapic_reset(v);
    d->guest.nr_vcpus = 1;
    v->run_state = VCPU_RUNNABLE;
    guest_time_update(v);
    evtchn_domain_init(d);
    grant_domain_init(d);
    /* Domains without console_io get the PV console (HVM_PARAM_CONSOLE_*) before they first run. */
    if ((d->guest.start_flags & SIF_INITDOMAIN) == 0 && (rc = pv_console_attach(d)) != 0)
        hv_warn("domain %u: no PV console (error %d)\n", d->id, rc);
    return 0;
}

/* Print how d ended, count it, free everything it had. */
static void domain_retire(struct domain *d)
{
    bool again = dom_boot_wants_restart(d);     /* on_reboot = "restart" and friends */
    domid_t id = d->id;

    if (pv_console_attached(d))
        pv_console_poll_output(d);        /* its last words */
    guest_console_flush(d);
    console_mux_domain_gone(d);
    evtchn_domain_destroy(d);
    grant_domain_destroy(d);
    summary.nr_domains++;
    if (d->guest.state == DOMAIN_CRASHED) {
        summary.nr_crashed++;
        hv_print("domain %u (%s) ended: crashed: %s\n", d->id, d->guest.name, d->guest.crash_msg);
    } else {
        if (d->guest.shutdown_reason == SHUTDOWN_poweroff)
            summary.nr_poweroff++;
        if (d->guest.shutdown_reason == SHUTDOWN_reboot) {
            summary.nr_reboot++;
            if ((d->guest.start_flags & SIF_INITDOMAIN) != 0)
                summary.initial_domain_reboot = true;
        }
        hv_print("domain %u (%s) ended: shut down: %s", d->id, d->guest.name,
                 shutdown_reason_text(d->guest.shutdown_reason));
        if (d->guest.has_shutdown_code)
            hv_print(" (code %u)", d->guest.shutdown_code);
        hv_print("\n");
    }
    for (uint32_t i = 0; i < d->guest.nr_vcpus; i++) {
        if (fpu_owner == &d->guest.vcpus[i])
            fpu_owner = NULL;
        vcpu_vendor_destroy(&d->guest.vcpus[i]);
    }
    d->guest.nr_vcpus = 0;
    if (domain_destroy(d->id) != 0)
        hv_warn("domain %u: teardown found inconsistent memory state\n", d->id);
    if (again)
        (void)dom_boot_restart(id);
}

void vcpu_kick(struct vcpu *v)
{
    if (v->run_state == VCPU_BLOCKED && domain_is_running(v->domain))
        v->run_state = VCPU_RUNNABLE;
}

/* The emulated LAPIC timer: an interrupt it raised wakes the vCPU. */
static void lapic_timer_check(struct vcpu *v, uint64_t now)
{
    uint64_t due = vlapic_timer_deadline(v);

    if (due == 0 || due > now)
        return;
    vlapic_timer_expire(v, now);
    if (vlapic_pending_vector(v) >= 0)
        vcpu_kick(v);
}

/* Timers that expired wake their vCPUs. */
static void wake_expired(uint64_t now)
{
    evtchn_poll_expire(now);           /* SCHEDOP_poll timeouts */
    for (unsigned i = 0; i < DOMAIN_MAX; i++) {
        struct domain *d = &domain_table[i];
        if (!domain_is_running(d))
            continue;
        for (uint32_t j = 0; j < d->guest.nr_vcpus; j++) {
            struct vcpu *v = &d->guest.vcpus[j];
            if (v->timer_deadline_ns != 0 && v->timer_deadline_ns <= now) {
                /* A singleshot timer fires once: VIRQ_TIMER, and a blocked vCPU wakes either way. */
                v->timer_deadline_ns = 0;
                (void)evtchn_send_virq(v, VIRQ_TIMER);
                vcpu_kick(v);
            }
            lapic_timer_check(v, now);
        }
    }
}

/* The next runnable vCPU after the last one that ran, or NULL. */
static struct vcpu *pick_next(void)
{
    for (unsigned n = 0; n < DOMAIN_MAX; n++) {
        struct domain *d = &domain_table[(next_slot + n) % DOMAIN_MAX];
        if (!domain_is_running(d))
            continue;
        for (uint32_t j = 0; j < d->guest.nr_vcpus; j++)
            if (d->guest.vcpus[j].run_state == VCPU_RUNNABLE) {
                next_slot = (next_slot + n + 1) % DOMAIN_MAX;
                return &d->guest.vcpus[j];
            }
    }
    return NULL;
}

/* Earliest timer of a blocked vCPU of a running domain; 0 when none. */
static uint64_t earliest_deadline(void)
{
    uint64_t best = evtchn_poll_next_deadline();

    for (unsigned i = 0; i < DOMAIN_MAX; i++) {
        const struct domain *d = &domain_table[i];
        if (!domain_is_running(d))
            continue;
        for (uint32_t j = 0; j < d->guest.nr_vcpus; j++) {
            uint64_t t = d->guest.vcpus[j].timer_deadline_ns;
            uint64_t l = vlapic_timer_deadline(&d->guest.vcpus[j]);
            if (t != 0 && (best == 0 || t < best))
                best = t;
            if (l != 0 && (best == 0 || l < best))
                best = l;
        }
    }
    return best;
}

/* Retire every live domain that has ended; true while any still runs. */
static bool retire_ended(void)
{
    bool running = false;

    for (unsigned i = 0; i < DOMAIN_MAX; i++) {
        struct domain *d = &domain_table[i];
        if (!d->live || d->guest.nr_vcpus == 0)
            continue;
        if (domain_is_running(d))
            running = true;
        else
            domain_retire(d);
    }
    return running;
}

/* When the slice of a vCPU starting now must end: its length, or the next timer. */
static uint64_t slice_end(uint64_t now)
{
    uint64_t end = now + SCHED_SLICE_NS;
    uint64_t timer = earliest_deadline();

    return timer != 0 && timer < end ? timer : end;
}

/*
 * Pending events become an external interrupt.  The event channel upcall is
 * level-triggered on evtchn_upcall_pending and bypasses the LAPIC (no EOI
 * expected), as in Xen; it goes first.  Otherwise the emulated LAPIC's
 * highest deliverable vector, which moves to its ISR when injected.
 * Injected when the guest can take it; otherwise the CPU is asked to exit
 * as soon as it can.
 */
static void deliver_events(struct vcpu *v, uint64_t now)
{
    uint8_t vector;
    int lapic_vector;
    bool want = evtchn_upcall_vector(v, &vector);
    bool from_lapic = false;

    /* The LAPIC timer fires if due (v runs, so no wake-up is needed), then its highest vector. */
    lapic_vector = vlapic_entry_poll(v, now);
    /* The event channel goes first: the LAPIC's vector matters only without it. */
    if (!want && lapic_vector >= 0) {
        want = from_lapic = true;
        vector = (uint8_t)lapic_vector;
    }
    if (want && vcpu_interruptible(v)) {
        if (from_lapic)
            vlapic_ack(v, vector);
        v->inject = (struct vcpu_event){ .type = VCPU_EVENT_EXTINT, .vector = vector };
        want = false;
    }
    vcpu_vendor_request_irq_window(v, want);
}

/* Console traffic between slices: typed characters, and the PV consoles' output. */
static void serve_consoles(void)
{
    console_mux_poll();
    for (unsigned i = 0; i < DOMAIN_MAX; i++)
        if (domain_is_running(&domain_table[i]) && pv_console_attached(&domain_table[i]))
            pv_console_poll_output(&domain_table[i]);
}

/*
 * One clock read per exit: the one that checks the end of the slice is
 * also the time at which the next entry's LAPIC timer is checked (nothing
 * but this loop runs in between).
 */
/* Exits whose handling can arm a singleshot timer or a poll deadline: hypercalls. */
static bool exit_may_arm_vcpu_timer(enum vmexit_reason r)
{
    return r == VMEXIT_HYPERCALL;
}

/* Exits whose handling can arm the emulated LAPIC timer: MSR writes (x2APIC, TSC deadline), MMIO (xAPIC). */
static bool exit_may_arm_lapic_timer(enum vmexit_reason r)
{
    return r == VMEXIT_WRMSR || r == VMEXIT_NPF;
}

/* The earlier of two deadlines, 0 meaning none. */
static uint64_t earlier_deadline(uint64_t a, uint64_t b)
{
    return b != 0 && (a == 0 || b < a) ? b : a;
}

/*
 * A timer armed during the slice that falls due before its end shortens it.
 * Only v's own timers can have been armed by its exit: a singleshot timer is
 * set for the calling vCPU only (VCPUOP_set_singleshot_timer), the emulated
 * LAPIC is v's, and a SCHEDOP_poll deadline blocks v, which ends the slice
 * (the next slice_end looks at every timer).  So no scan of all domains
 * here, and only the kind of timer the exit can have armed is read again
 * (a hypercall cannot program the LAPIC timer, an MSR write or MMIO access
 * cannot set a singleshot timer).
 */
static uint64_t earliest_end(const struct vcpu *v, enum vmexit_reason r, uint64_t end)
{
    uint64_t t = 0;

    if (exit_may_arm_vcpu_timer(r))
        t = v->timer_deadline_ns;
    if (exit_may_arm_lapic_timer(r))
        t = earlier_deadline(t, vlapic_timer_deadline(v));
    if (t == 0 || t >= end)
        return end;
    hal_timer_arm(t);
    return t;
}

static void run_slice(struct vcpu *v)
{
    struct vmexit e;
    uint64_t end = slice_end(hal_time_ns());
    uint64_t now;

    fpu_switch_to(v);
    guest_time_runstate_set(v, RUNSTATE_running);
    guest_time_update(v);
    /* The host timer ends a slice even if the guest never exits by itself. */
    hal_timer_arm(end);
    now = hal_time_ns();
    for (unsigned n = 0; n < SCHED_EXITS_PER_SLICE && v->run_state == VCPU_RUNNABLE &&
                         domain_is_running(v->domain); n++) {
        deliver_events(v, now);
        vcpu_vendor_run(v, &e);
        vcpu_handle_exit(v, &e);
        now = hal_time_ns();
        end = earliest_end(v, e.reason, end);
        if (now >= end)
            break;
    }
    hal_timer_arm(0);
    if (domain_is_running(v->domain))
        guest_time_runstate_set(v, guest_time_runstate_of(v->run_state));
}

static uint64_t input_wait_limit_ns;    /* 0: wait for typed input forever */

void sched_set_input_wait_limit(uint64_t ns)
{
    input_wait_limit_ns = ns;
}

/* Whether typed input could still wake a domain: one whose console is read through an event. */
static bool input_could_wake(void)
{
    for (unsigned i = 0; i < DOMAIN_MAX; i++) {
        const struct domain *d = &domain_table[i];
        if (!domain_is_running(d))
            continue;
        if (pv_console_attached(d))
            return true;
        if ((d->guest.start_flags & SIF_INITDOMAIN) != 0 && evtchn_virq_port(d, 0, VIRQ_CONSOLE) != 0)
            return true;
    }
    return false;
}

static void stop_stalled(const char *why)
{
    hv_err("every vCPU is blocked and %s: nothing can wake them\n", why);
    for (unsigned i = 0; i < DOMAIN_MAX; i++)
        if (domain_is_running(&domain_table[i]))
            domain_crash(&domain_table[i], "blocked forever (no event or timer can wake it)");
    summary.stalled = true;
}

/*
 * Nothing can run: wait for the next timer or typed input.  With no timer
 * pending and no console that input could reach, nothing will ever wake the
 * domains: they are stopped and reported.
 */
static bool idle(void)
{
    uint64_t deadline = earliest_deadline();
    uint64_t start = hal_time_ns();

    if (deadline != 0) {
        hal_idle_until(deadline);
        return true;
    }
    if (!input_could_wake()) {
        stop_stalled("no timer is pending");
        return false;
    }
    while (!hal_serial_input_ready()) {
        uint64_t now = hal_time_ns();
        if (input_wait_limit_ns != 0 && now - start >= input_wait_limit_ns) {
            stop_stalled("no input came");
            return false;
        }
        hal_idle_until(now + SCHED_SLICE_NS);
    }
    return true;
}

void sched_run(struct sched_summary *out)
{
    struct vcpu *v;

    summary = (struct sched_summary){ 0 };
    fpu_owner = NULL;
    console_mux_start();
    while (retire_ended()) {
        serve_consoles();
        wake_expired(hal_time_ns());
        v = pick_next();
        if (v != NULL)
            run_slice(v);
        else if (!idle())
            continue;
    }
    hv_info("scheduler: all domains ended; %lu host timer interrupts\n",
            (unsigned long)hal_timer_interrupts());
    *out = summary;
}
