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
 *
 * Arguments are held as bytes and taken apart with hypercall_get_* /
 * hypercall_put_* (hv/hypercall.h says why).
 */
#include "hv/hypercall_table.h"

#include "hv/evtchn.h"

#define ALLOC_DOM      offsetof(struct evtchn_alloc_unbound, dom)
#define ALLOC_REMOTE   offsetof(struct evtchn_alloc_unbound, remote_dom)
#define ALLOC_PORT     offsetof(struct evtchn_alloc_unbound, port)
#define INTER_RDOM     offsetof(struct evtchn_bind_interdomain, remote_dom)
#define INTER_RPORT    offsetof(struct evtchn_bind_interdomain, remote_port)
#define INTER_LPORT    offsetof(struct evtchn_bind_interdomain, local_port)
#define VIRQ_VIRQ      offsetof(struct evtchn_bind_virq, virq)
#define VIRQ_VCPU      offsetof(struct evtchn_bind_virq, vcpu)
#define VIRQ_PORT      offsetof(struct evtchn_bind_virq, port)
#define IPI_VCPU       offsetof(struct evtchn_bind_ipi, vcpu)
#define IPI_PORT       offsetof(struct evtchn_bind_ipi, port)
#define STATUS_DOM     offsetof(struct evtchn_status, dom)
#define STATUS_PORT    offsetof(struct evtchn_status, port)
#define STATUS_STATUS  offsetof(struct evtchn_status, status)
#define STATUS_VCPU    offsetof(struct evtchn_status, vcpu)
/* The union: a 16-bit domid (and its pad) in the first word, a port in the second. */
#define STATUS_U0      offsetof(struct evtchn_status, u)
#define STATUS_U1      (offsetof(struct evtchn_status, u) + 4U)
#define BIND_VCPU_PORT offsetof(struct evtchn_bind_vcpu, port)
#define BIND_VCPU_VCPU offsetof(struct evtchn_bind_vcpu, vcpu)

_Static_assert(offsetof(struct evtchn_status, u.interdomain.port) == STATUS_U1, "status.u layout");
_Static_assert(sizeof(((struct evtchn_status *)0)->u) == 8, "status.u is two words");

/*@ requires hc_caller_ok(v) && frame_heap_inv && evtchn_inv;
    assigns evtchn_table[0 .. DOMAIN_MAX - 1], hal_mem_bytes[0 .. HAL_MEM_BYTES - 1],
            hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures evtchn_inv;
    ensures \result == 0 || \result == -XEN_EFAULT || \result == -XEN_ESRCH ||
            \result == -XEN_EPERM || \result == -XEN_ENOSPC; */
static int64_t op_alloc_unbound(struct vcpu *v, uint64_t arg)
{
    char a[sizeof(struct evtchn_alloc_unbound)];
    struct domain *d;
    domid_t remote;
    uint32_t port = 0;
    int rc = 0;

    if (hypercall_arg_read_inout(v, arg, a, sizeof(a)) != 0)
        return -XEN_EFAULT;
    d = hypercall_target_domain(v, hypercall_get_u16(a, ALLOC_DOM), &rc);
    if (d == NULL)
        return rc;
    remote = hypercall_get_u16(a, ALLOC_REMOTE);
    rc = evtchn_alloc_unbound(d, remote == DOMID_SELF ? v->domain->id : remote, &port);
    if (rc != 0)
        return rc;
    hypercall_put_u32(a, ALLOC_PORT, port);
    return hypercall_arg_write(v, arg, a, sizeof(a));
}

/*
 * After a successful bind: the local port goes back to the guest, and the
 * peer may have sent before we bound, so the new port starts pending (also
 * when the guest's buffer went bad since it was read: the port is bound).
 */
/*@ requires hc_caller_ok(v) && evtchn_inv && port < EVTCHN_NR_PORTS;
    requires \valid(b + (0 .. sizeof(struct evtchn_bind_interdomain) - 1));
    requires hc_not_machine(b, sizeof(struct evtchn_bind_interdomain));
    requires \separated(b + (0 .. sizeof(struct evtchn_bind_interdomain) - 1), &v->domain->p2m) &&
             \separated(b + (0 .. sizeof(struct evtchn_bind_interdomain) - 1), &v->state.paging);
    requires \separated(b + (0 .. sizeof(struct evtchn_bind_interdomain) - 1),
                        evtchn_table + (0 .. DOMAIN_MAX - 1), domain_table + (0 .. DOMAIN_MAX - 1));
    assigns b[0 .. sizeof(struct evtchn_bind_interdomain) - 1],
            evtchn_table[0 .. DOMAIN_MAX - 1].polling[0 .. DOMAIN_MAX_VCPUS - 1],
            domain_table[0 .. DOMAIN_MAX - 1].guest.vcpus[0 .. DOMAIN_MAX_VCPUS - 1].run_state,
            hal_mem_bytes[0 .. HAL_MEM_BYTES - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures evtchn_inv;
    ensures \result == 0 || \result == -XEN_EFAULT; */
static int64_t bound_interdomain(struct vcpu *v, uint64_t arg, char *b, uint32_t port)
{
    int64_t rc;

    hypercall_put_u32(b, INTER_LPORT, port);
    rc = hypercall_arg_write(v, arg, b, sizeof(struct evtchn_bind_interdomain));
    evtchn_set_pending(v->domain, port);
    return rc;
}

/*@ requires hc_caller_ok(v) && frame_heap_inv && evtchn_inv;
    assigns domain_table[0 .. DOMAIN_MAX - 1], evtchn_table[0 .. DOMAIN_MAX - 1],
            hal_mem_bytes[0 .. HAL_MEM_BYTES - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures evtchn_inv;
    ensures \result == 0 || \result == -XEN_EFAULT || \result == -XEN_ESRCH ||
            \result == -XEN_ENOSPC || \result == -XEN_EINVAL; */
static int64_t op_bind_interdomain(struct vcpu *v, uint64_t arg)
{
    char b[sizeof(struct evtchn_bind_interdomain)];
    struct domain *rd;
    domid_t remote;
    uint32_t port = 0;
    int rc;

    if (hypercall_arg_read_inout(v, arg, b, sizeof(b)) != 0)
        return -XEN_EFAULT;
    remote = hypercall_get_u16(b, INTER_RDOM);
    rd = remote == DOMID_SELF ? v->domain : domain_find(remote);
    if (rd == NULL)
        return -XEN_ESRCH;
    rc = evtchn_bind_interdomain(v, rd, hypercall_get_u32(b, INTER_RPORT), &port);
    if (rc != 0)
        return rc;
    return bound_interdomain(v, arg, b, port);
}

/*@ requires hc_caller_ok(v) && frame_heap_inv && evtchn_inv;
    assigns evtchn_table[0 .. DOMAIN_MAX - 1], hal_mem_bytes[0 .. HAL_MEM_BYTES - 1],
            hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures evtchn_inv;
    ensures \result == 0 || \result == -XEN_EFAULT || \result == -XEN_EINVAL ||
            \result == -XEN_ENOENT || \result == -XEN_EEXIST || \result == -XEN_ENOSPC; */
static int64_t op_bind_virq(struct vcpu *v, uint64_t arg)
{
    char b[sizeof(struct evtchn_bind_virq)];
    uint32_t port = 0;
    int rc;

    if (hypercall_arg_read_inout(v, arg, b, sizeof(b)) != 0)
        return -XEN_EFAULT;
    rc = evtchn_bind_virq(v->domain, hypercall_get_u32(b, VIRQ_VIRQ), hypercall_get_u32(b, VIRQ_VCPU),
                          &port);
    if (rc != 0)
        return rc;
    hypercall_put_u32(b, VIRQ_PORT, port);
    return hypercall_arg_write(v, arg, b, sizeof(b));
}

/*@ requires hc_caller_ok(v) && frame_heap_inv && evtchn_inv;
    assigns evtchn_table[0 .. DOMAIN_MAX - 1], hal_mem_bytes[0 .. HAL_MEM_BYTES - 1],
            hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures evtchn_inv;
    ensures \result == 0 || \result == -XEN_EFAULT || \result == -XEN_ENOENT ||
            \result == -XEN_ENOSPC; */
static int64_t op_bind_ipi(struct vcpu *v, uint64_t arg)
{
    char b[sizeof(struct evtchn_bind_ipi)];
    uint32_t port = 0;
    int rc;

    if (hypercall_arg_read_inout(v, arg, b, sizeof(b)) != 0)
        return -XEN_EFAULT;
    rc = evtchn_bind_ipi(v->domain, hypercall_get_u32(b, IPI_VCPU), &port);
    if (rc != 0)
        return rc;
    hypercall_put_u32(b, IPI_PORT, port);
    return hypercall_arg_write(v, arg, b, sizeof(b));
}

/* The one 32-bit port of a struct evtchn_close, _send or _unmask at arg: 0, or -XEN_EFAULT. */
/*@ requires hc_caller_ok(v) && \valid(port);
    requires \separated(port, hal_mem_words + (0 .. HAL_MEM_WORDS - 1));
    assigns *port, hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures \result == 0 || \result == -XEN_EFAULT; */
static int64_t read_port(struct vcpu *v, uint64_t arg, uint32_t *port)
{
    char p[sizeof(evtchn_port_t)];

    _Static_assert(sizeof(struct evtchn_close) == sizeof(p) && sizeof(struct evtchn_send) == sizeof(p) &&
                   sizeof(struct evtchn_unmask) == sizeof(p), "one port");
    if (hypercall_arg_read(v, arg, p, sizeof(p)) != 0)
        return -XEN_EFAULT;
    *port = hypercall_get_u32(p, 0);
    return 0;
}

/*@ requires hc_caller_ok(v) && evtchn_inv;
    assigns evtchn_table[0 .. DOMAIN_MAX - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures evtchn_inv;
    ensures \result == 0 || \result == -XEN_EFAULT || \result == -XEN_EINVAL; */
static int64_t op_close(struct vcpu *v, uint64_t arg)
{
    uint32_t port;
    int rc;

    if (read_port(v, arg, &port) != 0)
        return -XEN_EFAULT;
    rc = evtchn_close(v->domain, port);
    /* A port bound again must not start with an old event. */
    if (rc == 0)
        evtchn_clear_pending(v->domain, port);
    return rc;
}

/*@ requires hc_caller_ok(v) && evtchn_inv;
    assigns domain_table[0 .. DOMAIN_MAX - 1], evtchn_table[0 .. DOMAIN_MAX - 1],
            hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures evtchn_inv;
    ensures \result == 0 || \result == -XEN_EFAULT || \result == -XEN_EINVAL; */
static int64_t op_send(struct vcpu *v, uint64_t arg)
{
    uint32_t port;

    if (read_port(v, arg, &port) != 0)
        return -XEN_EFAULT;
    return evtchn_send(v->domain, port);
}

/*
 * Xen checks the port before the caller's right to look at another domain:
 * a port that domain cannot have is -EINVAL, only a real one -EPERM.
 */
/*@ requires rc == -XEN_ESRCH || rc == -XEN_EPERM;
    assigns \nothing;
    ensures \result == rc || \result == -XEN_EINVAL; */
static int64_t status_refused(domid_t dom, uint32_t port, int rc)
{
    const struct domain *t = rc == -XEN_EPERM ? domain_find(dom) : NULL;

    return t != NULL && port >= evtchn_port_limit(t) ? -XEN_EINVAL : rc;
}

/* The status fields of a struct evtchn_status (the union's unused bytes zero). */
/*@ requires \valid(st + (0 .. sizeof(struct evtchn_status) - 1)) && \valid_read(info);
    requires \separated(st + (0 .. sizeof(struct evtchn_status) - 1), info);
    assigns st[0 .. sizeof(struct evtchn_status) - 1]; */
static void status_encode(char *st, const struct evtchn_info *info)
{
    uint32_t u0 = 0, u1 = 0;

    if (info->status == EVTCHNSTAT_unbound) {
        u0 = info->dom;
    } else if (info->status == EVTCHNSTAT_interdomain) {
        u0 = info->dom;
        u1 = info->port;
    } else if (info->status == EVTCHNSTAT_virq) {
        u0 = info->virq;
    }
    hypercall_put_u32(st, STATUS_STATUS, info->status);
    hypercall_put_u32(st, STATUS_VCPU, info->vcpu);
    hypercall_put_u32(st, STATUS_U0, u0);
    hypercall_put_u32(st, STATUS_U1, u1);
}

/*@ requires hc_caller_ok(v) && evtchn_inv;
    assigns hal_mem_bytes[0 .. HAL_MEM_BYTES - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures \result == 0 || \result == -XEN_EFAULT || \result == -XEN_ESRCH ||
            \result == -XEN_EPERM || \result == -XEN_EINVAL; */
static int64_t op_status(struct vcpu *v, uint64_t arg)
{
    char st[sizeof(struct evtchn_status)];
    struct evtchn_info info;
    struct domain *d;
    domid_t dom;
    uint32_t port;
    int rc = 0;

    if (hypercall_arg_read(v, arg, st, sizeof(st)) != 0)
        return -XEN_EFAULT;
    dom = hypercall_get_u16(st, STATUS_DOM);
    port = hypercall_get_u32(st, STATUS_PORT);
    d = hypercall_target_domain(v, dom, &rc);
    if (d == NULL)
        return status_refused(dom, port, rc);
    rc = evtchn_status(d, port, &info);
    if (rc != 0)
        return rc;
    status_encode(st, &info);
    return hypercall_arg_write(v, arg, st, sizeof(st));
}

/*@ requires hc_caller_ok(v) && evtchn_inv;
    assigns evtchn_table[0 .. DOMAIN_MAX - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures evtchn_inv;
    ensures \result == 0 || \result == -XEN_EFAULT || \result == -XEN_ENOENT ||
            \result == -XEN_EINVAL; */
static int64_t op_bind_vcpu(struct vcpu *v, uint64_t arg)
{
    char b[sizeof(struct evtchn_bind_vcpu)];

    if (hypercall_arg_read(v, arg, b, sizeof(b)) != 0)
        return -XEN_EFAULT;
    return evtchn_bind_vcpu(v->domain, hypercall_get_u32(b, BIND_VCPU_PORT),
                            hypercall_get_u32(b, BIND_VCPU_VCPU));
}

/*@ requires hc_caller_ok(v) && evtchn_inv;
    assigns domain_table[0 .. DOMAIN_MAX - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures evtchn_inv;
    ensures \result == 0 || \result == -XEN_EFAULT || \result == -XEN_EINVAL; */
static int64_t op_unmask(struct vcpu *v, uint64_t arg)
{
    uint32_t port;

    if (read_port(v, arg, &port) != 0)
        return -XEN_EFAULT;
    return evtchn_unmask(v->domain, port);
}

/* Close every port the guest may close; each closed port's pending bit is cleared. */
/*@ requires hc_caller_ok(v) && evtchn_inv;
    assigns evtchn_table[0 .. DOMAIN_MAX - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures evtchn_inv;
    ensures \result == 0 || \result == -XEN_EFAULT || \result == -XEN_ESRCH ||
            \result == -XEN_EPERM; */
static int64_t op_reset(struct vcpu *v, uint64_t arg)
{
    char r[sizeof(struct evtchn_reset)];
    struct domain *d;
    int rc = 0;

    if (hypercall_arg_read(v, arg, r, sizeof(r)) != 0)
        return -XEN_EFAULT;
    d = hypercall_target_domain(v, hypercall_get_u16(r, offsetof(struct evtchn_reset, dom)), &rc);
    if (d == NULL)
        return rc;
    /*@ loop invariant 1 <= p <= EVTCHN_NR_PORTS;
        loop invariant evtchn_inv;
        loop assigns p, evtchn_table[0 .. DOMAIN_MAX - 1];
        loop variant EVTCHN_NR_PORTS - p; */
    for (uint32_t p = 1; p < EVTCHN_NR_PORTS; p++)
        if (evtchn_close(d, p) == 0)
            evtchn_clear_pending(d, p);
    return 0;
}

/*@ requires hc_caller_ok(v) && evtchn_inv;
    assigns hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures evtchn_inv;
    ensures \result == -XEN_EFAULT || \result == -XEN_EINVAL; */
static int64_t op_bind_pirq(struct vcpu *v, uint64_t arg)
{
    char b[sizeof(struct evtchn_bind_pirq)];

    if (hypercall_arg_read(v, arg, b, sizeof(b)) != 0)
        return -XEN_EFAULT;
    return -XEN_EINVAL;
}

int64_t hc_event_channel_op(struct vcpu *v, uint32_t cmd, uint64_t arg)
{
    /* The bitmaps' geometry follows the guest's mode (1024 ports for 32-bit code). */
    evtchn_set_compat(v->domain, hypercall_compat(v));
    /*@ assert evtchn_inv; */
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
