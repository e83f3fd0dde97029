// SPDX-License-Identifier: GPL-2.0-only
/*
 * sched_op: yield, block, and the end of a domain.
 *
 * Shutdown follows Xen: the reason is taken modulo 256 and never refused
 * (a toolstack interprets it); SHUTDOWN_crash makes the domain CRASHED,
 * every other reason SHUTDOWN.  The first shutdown wins; later calls change
 * nothing and return 0.  A code given earlier with SCHEDOP_shutdown_code
 * (first one wins) replaces the reason.  The scheduler stops running the
 * vCPUs of a domain that is no longer DOMAIN_RUNNING.
 *
 * Block: the vCPU waits (VCPU_BLOCKED) for an event or its timer, with event
 * delivery enabled (its upcall mask cleared); when an upcall is already
 * pending it does not block at all, so no wakeup is lost.
 *
 * Poll: the vCPU waits for one of up to 128 event channel ports to become
 * pending, or for system time to reach the timeout (0: no timeout).  It
 * does not block when a listed port is pending already, when an upcall can
 * be taken now (upcall_pending with interrupts enabled), or when the
 * timeout has passed; a listed port beyond the guest's limit is -EINVAL,
 * more than 128 ports -EINVAL, an unreadable list -EFAULT.  Marking any
 * listed port pending wakes the vCPU even when the port is masked (how
 * guests wait for a masked IPI); so does any upcall, as in Xen.  The call
 * returns 0 however the wait ends.
 *
 * Not provided (-ENOSYS): SCHEDOP_watchdog (no domain watchdog timers; Linux's xen_wdt then reports
 * the watchdog as unsupported), SCHEDOP_pin_override (one physical CPU).
 */
#include "hv/hypercall_table.h"

#include "hv/console.h"
#include "hv/evtchn.h"

#define VCPU_INFO_UPCALL_PENDING_OFF 0U
#define VCPU_INFO_UPCALL_MASK_OFF    1U
#define SCHED_POLL_MAX_PORTS         128U
#define RFLAGS_IF                    (1ULL << 9)

/* msg (len readable bytes, cut at its first NUL) as d's crash message, always NUL-terminated. */
/*@ requires \valid(d) && \valid_read(msg + (0 .. len - 1));
    assigns d->guest.crash_msg[0 .. sizeof(d->guest.crash_msg) - 1]; */
static void set_crash_msg(struct domain *d, const char *msg, size_t len)
{
    size_t i = 0;

    /*@ loop invariant 0 <= i < sizeof(d->guest.crash_msg) && i <= len;
        loop assigns i, d->guest.crash_msg[0 .. sizeof(d->guest.crash_msg) - 1];
        loop variant sizeof(d->guest.crash_msg) - i; */
    for (; i + 1 < sizeof(d->guest.crash_msg) && i < len && msg[i] != '\0'; i++)
        d->guest.crash_msg[i] = msg[i];
    d->guest.crash_msg[i] = '\0';
}

/*@ requires \exists integer i; dom_slot_ok(i) && d == &domain_table[i];
    requires guest_console_inv;
    assigns d->guest.shutdown_reason, d->guest.state,
            d->guest.crash_msg[0 .. sizeof(d->guest.crash_msg) - 1],
            guest_console_state.line[0 .. DOMAIN_MAX - 1], console_model;
    ensures guest_console_inv;
    ensures \old(d->guest.state) != DOMAIN_RUNNING ==>
              d->guest.state == \old(d->guest.state) &&
              d->guest.shutdown_reason == \old(d->guest.shutdown_reason);
    ensures \old(d->guest.state) == DOMAIN_RUNNING ==>
              d->guest.state == DOMAIN_SHUTDOWN || d->guest.state == DOMAIN_CRASHED; */
static void shutdown_domain(struct domain *d, uint32_t reason)
{
    static const char crash_msg[] = "the guest reported a crash (SCHEDOP_shutdown)";
    uint32_t r = reason & 0xFFU;

    if (d->guest.has_shutdown_code)
        r = d->guest.shutdown_code;
    if (d->guest.state != DOMAIN_RUNNING)
        return;
    /* The guest's last words may lack a newline. */
    guest_console_flush(d);
    d->guest.shutdown_reason = r;
    if (r == SHUTDOWN_crash) {
        d->guest.state = DOMAIN_CRASHED;
        set_crash_msg(d, crash_msg, sizeof(crash_msg));
        hv_warn("d%u: crashed (SCHEDOP_shutdown)\n", (unsigned)d->id);
    } else {
        d->guest.state = DOMAIN_SHUTDOWN;
        hv_info("d%u: shut down, reason %u\n", (unsigned)d->id, (unsigned)r);
    }
}

/* The reason of a struct sched_shutdown at arg: 0, or -XEN_EFAULT. */
/*@ requires hc_caller_ok(v) && \valid(reason);
    requires \separated(reason, hal_mem_words + (0 .. HAL_MEM_WORDS - 1));
    assigns *reason, hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures \result == 0 || \result == -XEN_EFAULT; */
static int64_t read_reason(struct vcpu *v, uint64_t arg, uint32_t *reason)
{
    char s[sizeof(struct sched_shutdown)];

    if (hypercall_arg_read(v, arg, s, sizeof(s)) != 0)
        return -XEN_EFAULT;
    *reason = hypercall_get_u32(s, offsetof(struct sched_shutdown, reason));
    return 0;
}

/*@ requires hc_caller_ok(v) && guest_console_inv;
    assigns v->domain->guest.shutdown_reason, v->domain->guest.state,
            v->domain->guest.crash_msg[0 .. sizeof(v->domain->guest.crash_msg) - 1],
            guest_console_state.line[0 .. DOMAIN_MAX - 1], console_model,
            hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures guest_console_inv;
    ensures \result == 0 || \result == -XEN_EFAULT; */
static int64_t sched_shutdown(struct vcpu *v, uint64_t arg)
{
    uint32_t reason;

    if (read_reason(v, arg, &reason) != 0)
        return -XEN_EFAULT;
    shutdown_domain(v->domain, reason);
    return 0;
}

/*@ requires hc_caller_ok(v);
    assigns v->domain->guest.has_shutdown_code, v->domain->guest.shutdown_code,
            hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures \result == 0 || \result == -XEN_EFAULT; */
static int64_t sched_shutdown_code(struct vcpu *v, uint64_t arg)
{
    uint32_t reason;
    struct domain *d = v->domain;

    if (read_reason(v, arg, &reason) != 0)
        return -XEN_EFAULT;
    if (!d->guest.has_shutdown_code) {
        d->guest.has_shutdown_code = true;
        d->guest.shutdown_code = reason & 0xFFU;
    }
    return 0;
}

/* Only a privileged domain ends another one (by its real id: DOMID_SELF is no domain here). */
/*@ requires hc_caller_ok(v) && guest_console_inv;
    assigns domain_table[0 .. DOMAIN_MAX - 1], guest_console_state.line[0 .. DOMAIN_MAX - 1],
            console_model, hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures guest_console_inv;
    ensures \result == 0 || \result == -XEN_EFAULT || \result == -XEN_ESRCH ||
            \result == -XEN_EPERM; */
static int64_t sched_remote_shutdown(struct vcpu *v, uint64_t arg)
{
    char s[sizeof(struct sched_remote_shutdown)];
    struct domain *d;

    if (hypercall_arg_read(v, arg, s, sizeof(s)) != 0)
        return -XEN_EFAULT;
    d = domain_find(hypercall_get_u16(s, offsetof(struct sched_remote_shutdown, domain_id)));
    if (d == NULL)
        return -XEN_ESRCH;
    if ((v->domain->guest.start_flags & SIF_PRIVILEGED) == 0)
        return -XEN_EPERM;
    shutdown_domain(d, hypercall_get_u32(s, offsetof(struct sched_remote_shutdown, reason)));
    return 0;
}

/*@ requires hc_caller_ok(v);
    assigns v->run_state, evtchn_table[0 .. DOMAIN_MAX - 1].polling[0 .. DOMAIN_MAX_VCPUS - 1],
            guest_time_state.runstate[0 .. DOMAIN_MAX - 1][0 .. DOMAIN_MAX_VCPUS - 1];
    ensures \result == 0; */
static int64_t sched_block(struct vcpu *v)
{
    static const char unmask = 0;
    char pending = 0;

    (void)guest_time_vcpu_info_write(v, VCPU_INFO_UPCALL_MASK_OFF, &unmask, 1);
    if (guest_time_vcpu_info_read(v, VCPU_INFO_UPCALL_PENDING_OFF, &pending, 1) == 0 &&
        pending != 0)
        return 0;
    evtchn_poll_end(v);
    v->run_state = VCPU_BLOCKED;
    guest_time_runstate_set(v, RUNSTATE_blocked);
    return 0;
}

/* The struct sched_poll at arg, in the caller's layout: 0, or -XEN_EFAULT. */
/*@ requires hc_caller_ok(v) && \valid(p);
    requires \separated(p, hal_mem_words + (0 .. HAL_MEM_WORDS - 1));
    assigns *p, hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures \result == 0 || \result == -XEN_EFAULT; */
static int64_t read_poll(struct vcpu *v, uint64_t arg, struct sched_poll *p)
{
    char raw[sizeof(struct sched_poll)];

    if (!hypercall_compat(v)) {
        if (hypercall_arg_read(v, arg, raw, sizeof(struct sched_poll)) != 0)
            return -XEN_EFAULT;
        p->ports = hypercall_get_u64(raw, offsetof(struct sched_poll, ports));
        p->nr_ports = hypercall_get_u32(raw, offsetof(struct sched_poll, nr_ports));
        p->timeout = hypercall_get_u64(raw, offsetof(struct sched_poll, timeout));
        return 0;
    }
    if (hypercall_arg_read(v, arg, raw, sizeof(struct sched_poll_compat)) != 0)
        return -XEN_EFAULT;
    p->ports = hypercall_get_u32(raw, offsetof(struct sched_poll_compat, ports));
    p->nr_ports = hypercall_get_u32(raw, offsetof(struct sched_poll_compat, nr_ports));
    /* timeout[2], low word first: one little-endian 64-bit value. */
    p->timeout = hypercall_get_u64(raw, offsetof(struct sched_poll_compat, timeout));
    return 0;
}

/* An upcall would be delivered as soon as the vCPU runs again. */
/*@ requires hc_caller_ok(v);
    assigns \nothing; */
static bool upcall_deliverable(const struct vcpu *v)
{
    char pending = 0;

    return (v->state.paging.rflags & RFLAGS_IF) != 0 &&
           guest_time_vcpu_info_read(v, VCPU_INFO_UPCALL_PENDING_OFF, &pending, 1) == 0 &&
           pending != 0;
}

/* Only ports in use can be polled (Xen: -EINVAL for port 0 and free ports). */
/*@ requires evtchn_inv && evtchn_dom_ok(d);
    assigns \nothing; */
static bool port_in_use(const struct domain *d, uint32_t port)
{
    struct evtchn_info st;

    return evtchn_status(d, port, &st) == 0 && st.status != EVTCHNSTAT_closed;
}

/*@ requires hc_caller_ok(v) && evtchn_inv;
    assigns v->run_state, evtchn_table[0 .. DOMAIN_MAX - 1].polling[0 .. DOMAIN_MAX_VCPUS - 1],
            evtchn_table[0 .. DOMAIN_MAX - 1].poll_port[0 .. DOMAIN_MAX_VCPUS - 1],
            evtchn_table[0 .. DOMAIN_MAX - 1].poll_deadline[0 .. DOMAIN_MAX_VCPUS - 1],
            guest_time_state.runstate[0 .. DOMAIN_MAX - 1][0 .. DOMAIN_MAX_VCPUS - 1],
            hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures \result == 0 || \result == -XEN_EFAULT || \result == -XEN_EINVAL; */
static int64_t sched_poll(struct vcpu *v, uint64_t arg)
{
    struct sched_poll p;
    char ports[SCHED_POLL_MAX_PORTS * sizeof(uint32_t)];
    uint32_t limit = evtchn_port_limit(v->domain);
    bool pending = false;

    if (read_poll(v, arg, &p) != 0)
        return -XEN_EFAULT;
    if (p.nr_ports > SCHED_POLL_MAX_PORTS)
        return -XEN_EINVAL;
    if (p.nr_ports != 0 && hypercall_arg_read(v, p.ports, ports, p.nr_ports * sizeof(uint32_t)) != 0)
        return -XEN_EFAULT;
    /*@ loop invariant 0 <= i <= p.nr_ports;
        loop assigns i, pending;
        loop variant p.nr_ports - i; */
    for (uint32_t i = 0; i < p.nr_ports; i++) {
        uint32_t port = hypercall_get_u32(ports, i * sizeof(uint32_t));

        if (port >= limit || !port_in_use(v->domain, port))
            return -XEN_EINVAL;
        pending = pending || evtchn_is_pending(v->domain, port);
    }
    if (pending || upcall_deliverable(v) || (p.timeout != 0 && p.timeout <= guest_time_now()))
        return 0;
    evtchn_poll_begin(v, p.nr_ports == 1 ? hypercall_get_u32(ports, 0) : 0, p.timeout);
    v->run_state = VCPU_BLOCKED;
    guest_time_runstate_set(v, RUNSTATE_blocked);
    return 0;
}

int64_t hc_sched_op(struct vcpu *v, uint32_t cmd, uint64_t arg)
{
    switch (cmd) {
    case SCHEDOP_yield:
        return 0;
    case SCHEDOP_block:
        return sched_block(v);
    case SCHEDOP_poll:
        return sched_poll(v, arg);
    case SCHEDOP_shutdown:
        return sched_shutdown(v, arg);
    case SCHEDOP_shutdown_code:
        return sched_shutdown_code(v, arg);
    case SCHEDOP_remote_shutdown:
        return sched_remote_shutdown(v, arg);
    default:
        /* watchdog, pin_override and unknown sub-ops. */
        return -XEN_ENOSYS;
    }
}
