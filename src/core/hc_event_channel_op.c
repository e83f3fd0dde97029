// SPDX-License-Identifier: GPL-2.0-only
/*
 * event_channel_op(cmd, arg): Xen's 2-level event channels
 * (docs/EVENT-CHANNELS.md; the state machine is hv/evtchn.h's).
 *
 * Every operation reads its argument, checks everything, and only then
 * changes state; an operation that returns a port first makes sure the
 * argument can be written back, so a guest never loses a port to a
 * read-only buffer (-EFAULT changes nothing).  Error codes are Xen's:
 *   alloc_unbound     -ESRCH (no such domain), -EPERM (another domain without
 *                     privilege), -ENOSPC
 *   bind_interdomain  -ESRCH, -ENOSPC, -EINVAL (not an unbound port offered to us)
 *   bind_virq         -EINVAL (virq, or a global virq on vCPU != 0),
 *                     -ENOENT (vCPU), -EEXIST (bound already), -ENOSPC
 *   bind_ipi          -ENOENT, -ENOSPC
 *   close, send       -EINVAL (bad port, free port; send: a VIRQ port;
 *                     close: a port the hypervisor serves)
 *   status, reset     -ESRCH, -EPERM; status: -EINVAL (port beyond the limit)
 *   bind_vcpu         -ENOENT, -EINVAL (IPI, per-vCPU virq, free port)
 *   unmask            -EINVAL (port beyond the limit)
 *   bind_pirq         -EINVAL (no physical IRQs are given to guests)
 * FIFO event channels (init_control, expand_array, set_priority) are not
 * provided: -ENOSYS, on which Linux falls back to the 2-level ABI.
 */
#include "hv/hypercall_table.h"

#include "hv/evtchn.h"
#include "hv/guest_copy.h"

static int64_t op_alloc_unbound(struct vcpu *v, uint64_t arg)
{
    struct evtchn_alloc_unbound a;
    struct domain *d;
    uint32_t port = 0;
    int rc = 0;

    if (hypercall_arg_read_inout(v, arg, &a, sizeof(a)) != 0)
        return -XEN_EFAULT;
    d = hypercall_target_domain(v, a.dom, &rc);
    if (d == NULL)
        return rc;
    rc = evtchn_alloc_unbound(d, a.remote_dom == DOMID_SELF ? v->domain->id : a.remote_dom, &port);
    if (rc != 0)
        return rc;
    a.port = port;
    return hypercall_arg_write(v, arg, &a, sizeof(a));
}

static int64_t op_bind_interdomain(struct vcpu *v, uint64_t arg)
{
    struct evtchn_bind_interdomain b;
    struct domain *rd;
    uint32_t port = 0;
    int rc;

    if (hypercall_arg_read_inout(v, arg, &b, sizeof(b)) != 0)
        return -XEN_EFAULT;
    rd = b.remote_dom == DOMID_SELF ? v->domain : domain_find(b.remote_dom);
    if (rd == NULL)
        return -XEN_ESRCH;
    rc = evtchn_bind_interdomain(v, rd, b.remote_port, &port);
    if (rc != 0)
        return rc;
    /* The peer may have sent before we bound: the new port starts pending. */
    evtchn_set_pending(v->domain, port);
    b.local_port = port;
    return hypercall_arg_write(v, arg, &b, sizeof(b));
}

static int64_t op_bind_virq(struct vcpu *v, uint64_t arg)
{
    struct evtchn_bind_virq b;
    uint32_t port = 0;
    int rc;

    if (hypercall_arg_read_inout(v, arg, &b, sizeof(b)) != 0)
        return -XEN_EFAULT;
    rc = evtchn_bind_virq(v->domain, b.virq, b.vcpu, &port);
    if (rc != 0)
        return rc;
    b.port = port;
    return hypercall_arg_write(v, arg, &b, sizeof(b));
}

static int64_t op_bind_ipi(struct vcpu *v, uint64_t arg)
{
    struct evtchn_bind_ipi b;
    uint32_t port = 0;
    int rc;

    if (hypercall_arg_read_inout(v, arg, &b, sizeof(b)) != 0)
        return -XEN_EFAULT;
    rc = evtchn_bind_ipi(v->domain, b.vcpu, &port);
    if (rc != 0)
        return rc;
    b.port = port;
    return hypercall_arg_write(v, arg, &b, sizeof(b));
}

static int64_t op_close(struct vcpu *v, uint64_t arg)
{
    struct evtchn_close c;
    int rc;

    if (hypercall_arg_read(v, arg, &c, sizeof(c)) != 0)
        return -XEN_EFAULT;
    rc = evtchn_close(v->domain, c.port);
    /* A port bound again must not start with an old event. */
    if (rc == 0)
        evtchn_clear_pending(v->domain, c.port);
    return rc;
}

static int64_t op_send(struct vcpu *v, uint64_t arg)
{
    struct evtchn_send s;

    if (hypercall_arg_read(v, arg, &s, sizeof(s)) != 0)
        return -XEN_EFAULT;
    return evtchn_send(v->domain, s.port);
}

/*
 * Xen checks the port before the caller's right to look at another domain:
 * a port that domain cannot have is -EINVAL, only a real one -EPERM.
 */
static int64_t status_refused(domid_t dom, uint32_t port, int rc)
{
    const struct domain *t = rc == -XEN_EPERM ? domain_find(dom) : NULL;

    return t != NULL && port >= evtchn_port_limit(t) ? -XEN_EINVAL : rc;
}

static int64_t op_status(struct vcpu *v, uint64_t arg)
{
    struct evtchn_status st;
    struct evtchn_info info;
    struct domain *d;
    int rc = 0;

    if (hypercall_arg_read(v, arg, &st, sizeof(st)) != 0)
        return -XEN_EFAULT;
    d = hypercall_target_domain(v, st.dom, &rc);
    if (d == NULL)
        return status_refused(st.dom, st.port, rc);
    rc = evtchn_status(d, st.port, &info);
    if (rc != 0)
        return rc;
    st.status = info.status;
    st.vcpu = info.vcpu;
    st.u.interdomain.dom = 0;
    st.u.interdomain.pad = 0;
    st.u.interdomain.port = 0;
    if (info.status == EVTCHNSTAT_unbound) {
        st.u.unbound.dom = info.dom;
    } else if (info.status == EVTCHNSTAT_interdomain) {
        st.u.interdomain.dom = info.dom;
        st.u.interdomain.port = info.port;
    } else if (info.status == EVTCHNSTAT_virq) {
        st.u.virq = info.virq;
    }
    return hypercall_arg_write(v, arg, &st, sizeof(st));
}

static int64_t op_bind_vcpu(struct vcpu *v, uint64_t arg)
{
    struct evtchn_bind_vcpu b;

    if (hypercall_arg_read(v, arg, &b, sizeof(b)) != 0)
        return -XEN_EFAULT;
    return evtchn_bind_vcpu(v->domain, b.port, b.vcpu);
}

static int64_t op_unmask(struct vcpu *v, uint64_t arg)
{
    struct evtchn_unmask u;

    if (hypercall_arg_read(v, arg, &u, sizeof(u)) != 0)
        return -XEN_EFAULT;
    return evtchn_unmask(v->domain, u.port);
}

/* Close every port the guest may close; each closed port's pending bit is cleared. */
static int64_t op_reset(struct vcpu *v, uint64_t arg)
{
    struct evtchn_reset r;
    struct domain *d;
    int rc = 0;

    if (hypercall_arg_read(v, arg, &r, sizeof(r)) != 0)
        return -XEN_EFAULT;
    d = hypercall_target_domain(v, r.dom, &rc);
    if (d == NULL)
        return rc;
    for (uint32_t p = 1; p < EVTCHN_NR_PORTS; p++)
        if (evtchn_close(d, p) == 0)
            evtchn_clear_pending(d, p);
    return 0;
}

static int64_t op_bind_pirq(struct vcpu *v, uint64_t arg)
{
    struct evtchn_bind_pirq b;

    if (hypercall_arg_read(v, arg, &b, sizeof(b)) != 0)
        return -XEN_EFAULT;
    return -XEN_EINVAL;
}

int64_t hc_event_channel_op(struct vcpu *v, uint32_t cmd, uint64_t arg)
{
    /* The bitmaps' geometry follows the guest's mode (1024 ports for 32-bit code). */
    evtchn_set_compat(v->domain, hypercall_compat(v));
    switch (cmd) {
    case EVTCHNOP_bind_interdomain:
        return op_bind_interdomain(v, arg);
    case EVTCHNOP_bind_virq:
        return op_bind_virq(v, arg);
    case EVTCHNOP_bind_pirq:
        return op_bind_pirq(v, arg);
    case EVTCHNOP_close:
        return op_close(v, arg);
    case EVTCHNOP_send:
        return op_send(v, arg);
    case EVTCHNOP_status:
        return op_status(v, arg);
    case EVTCHNOP_alloc_unbound:
        return op_alloc_unbound(v, arg);
    case EVTCHNOP_bind_ipi:
        return op_bind_ipi(v, arg);
    case EVTCHNOP_bind_vcpu:
        return op_bind_vcpu(v, arg);
    case EVTCHNOP_unmask:
        return op_unmask(v, arg);
    case EVTCHNOP_reset:
        return op_reset(v, arg);
    default:
        /* init_control, expand_array, set_priority (FIFO) and unknown sub-ops. */
        return -XEN_ENOSYS;
    }
}
