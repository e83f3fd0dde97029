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
#include "hv/guest_copy.h"

#define VCPU_INFO_UPCALL_PENDING_OFF 0U
#define VCPU_INFO_UPCALL_MASK_OFF    1U
#define SCHED_POLL_MAX_PORTS         128U
#define RFLAGS_IF                    (1ULL << 9)

static void set_crash_msg(struct domain *d, const char *msg)
{
    size_t i = 0;

    for (; i + 1 < sizeof(d->guest.crash_msg) && msg[i] != '\0'; i++)
        d->guest.crash_msg[i] = msg[i];
    d->guest.crash_msg[i] = '\0';
}

static void shutdown_domain(struct domain *d, uint32_t reason)
{
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
        set_crash_msg(d, "the guest reported a crash (SCHEDOP_shutdown)");
        hv_warn("d%u: crashed (SCHEDOP_shutdown)\n", (unsigned)d->id);
    } else {
        d->guest.state = DOMAIN_SHUTDOWN;
        hv_info("d%u: shut down, reason %u\n", (unsigned)d->id, (unsigned)r);
    }
}

static int64_t sched_shutdown(struct vcpu *v, uint64_t arg)
{
    struct sched_shutdown s;

    if (hypercall_arg_read(v, arg, &s, sizeof(s)) != 0)
        return -XEN_EFAULT;
    shutdown_domain(v->domain, s.reason);
    return 0;
}

static int64_t sched_shutdown_code(struct vcpu *v, uint64_t arg)
{
    struct sched_shutdown s;
    struct domain *d = v->domain;

    if (hypercall_arg_read(v, arg, &s, sizeof(s)) != 0)
        return -XEN_EFAULT;
    if (!d->guest.has_shutdown_code) {
        d->guest.has_shutdown_code = true;
        d->guest.shutdown_code = s.reason & 0xFFU;
    }
    return 0;
}

/* Only a privileged domain ends another one (by its real id: DOMID_SELF is no domain here). */
static int64_t sched_remote_shutdown(struct vcpu *v, uint64_t arg)
{
    struct sched_remote_shutdown s;
    struct domain *d;

    if (hypercall_arg_read(v, arg, &s, sizeof(s)) != 0)
        return -XEN_EFAULT;
    d = domain_find(s.domain_id);
    if (d == NULL)
        return -XEN_ESRCH;
    if ((v->domain->guest.start_flags & SIF_PRIVILEGED) == 0)
        return -XEN_EPERM;
    shutdown_domain(d, s.reason);
    return 0;
}

static int64_t sched_block(struct vcpu *v)
{
    static const uint8_t unmask = 0;
    uint8_t pending = 0;

    (void)guest_time_vcpu_info_write(v, VCPU_INFO_UPCALL_MASK_OFF, &unmask, 1);
    if (guest_time_vcpu_info_read(v, VCPU_INFO_UPCALL_PENDING_OFF, &pending, 1) == 0 &&
        pending != 0)
        return 0;
    evtchn_poll_end(v);
    v->run_state = VCPU_BLOCKED;
    guest_time_runstate_set(v, RUNSTATE_blocked);
    return 0;
}

static int64_t read_poll(struct vcpu *v, uint64_t arg, struct sched_poll *p)
{
    struct sched_poll_compat c;

    if (!hypercall_compat(v))
        return hypercall_arg_read(v, arg, p, sizeof(*p));
    if (hypercall_arg_read(v, arg, &c, sizeof(c)) != 0)
        return -XEN_EFAULT;
    p->ports = c.ports;
    p->nr_ports = c.nr_ports;
    p->timeout = (uint64_t)c.timeout[1] << 32 | c.timeout[0];
    return 0;
}

/* An upcall would be delivered as soon as the vCPU runs again. */
static bool upcall_deliverable(const struct vcpu *v)
{
    uint8_t pending = 0;

    return (v->state.paging.rflags & RFLAGS_IF) != 0 &&
           guest_time_vcpu_info_read(v, VCPU_INFO_UPCALL_PENDING_OFF, &pending, 1) == 0 &&
           pending != 0;
}

/* Only ports in use can be polled (Xen: -EINVAL for port 0 and free ports). */
static bool port_in_use(const struct domain *d, uint32_t port)
{
    struct evtchn_info st;

    return evtchn_status(d, port, &st) == 0 && st.status != EVTCHNSTAT_closed;
}

static int64_t sched_poll(struct vcpu *v, uint64_t arg)
{
    struct sched_poll p;
    uint32_t ports[SCHED_POLL_MAX_PORTS];
    uint32_t limit = evtchn_port_limit(v->domain);
    bool pending = false;

    if (read_poll(v, arg, &p) != 0)
        return -XEN_EFAULT;
    if (p.nr_ports > SCHED_POLL_MAX_PORTS)
        return -XEN_EINVAL;
    if (p.nr_ports != 0 && hypercall_arg_read(v, p.ports, ports, p.nr_ports * sizeof(ports[0])) != 0)
        return -XEN_EFAULT;
    for (uint32_t i = 0; i < p.nr_ports; i++) {
        if (ports[i] >= limit || !port_in_use(v->domain, ports[i]))
            return -XEN_EINVAL;
        pending = pending || evtchn_is_pending(v->domain, ports[i]);
    }
    if (pending || upcall_deliverable(v) || (p.timeout != 0 && p.timeout <= guest_time_now()))
        return 0;
    evtchn_poll_begin(v, p.nr_ports == 1 ? ports[0] : 0, p.timeout);
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
