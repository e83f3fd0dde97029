// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of event_channel_op through the hypercall entry: every
 * sub-op's success and error paths as a guest sees them (arguments in its
 * memory, results written back), the FIFO sub-ops refused with -ENOSYS,
 * privilege rules for other domains, two domains talking through the
 * hypercalls, reset, and a 32-bit caller (1024 ports, 32-bit selector).
 * Every result must be one the hypercall table declares.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_hc_fixture.h"
#include "hv/evtchn.h"

static int setup(void **state)
{
    (void)state;
    fx_machine();
    evtchn_reset();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    assert_true(evtchn_check());
    assert_true(fx_invariants());
    return 0;
}

static struct vcpu *dom(domid_t id, uint32_t flags, enum fx_mode mode)
{
    struct vcpu *v = fx_domain(id, flags, mode);
    mfn_t m;

    assert_int_equal(domain_alloc_ram(id, 0, &m), 0);
    v->domain->guest.shared_info_mfn = m;
    guest_time_shared_info_init(v->domain);
    evtchn_domain_init(v->domain);
    return v;
}

static struct shared_info *si(const struct domain *d)
{
    return (struct shared_info *)sim_frame(d->guest.shared_info_mfn);
}

/* The argument goes to page 5, offset 64; the result is read back into it. */
static int64_t eop(struct vcpu *v, uint32_t cmd, void *argbuf, size_t len)
{
    int64_t rc;

    fx_put(v, 5, 64, argbuf, len);
    rc = FX_CALL2(v, HYPERVISOR_event_channel_op, cmd, fx_addr(v, 5, 64));
    assert_true(fx_declared(HYPERVISOR_event_channel_op, rc));
    fx_get(v, 5, 64, argbuf, len);
    return rc;
}

static int64_t eop_at(struct vcpu *v, uint32_t cmd, uint64_t addr)
{
    int64_t rc = FX_CALL2(v, HYPERVISOR_event_channel_op, cmd, addr);

    assert_true(fx_declared(HYPERVISOR_event_channel_op, rc));
    return rc;
}

static int64_t alloc_unbound(struct vcpu *v, domid_t dom, domid_t remote, uint32_t *port)
{
    struct evtchn_alloc_unbound a = { .dom = dom, .remote_dom = remote, .port = 0xAAAA };
    int64_t rc = eop(v, EVTCHNOP_alloc_unbound, &a, sizeof(a));

    if (port != NULL)
        *port = a.port;
    return rc;
}

static int64_t status(struct vcpu *v, domid_t dom, uint32_t port, struct evtchn_status *st)
{
    *st = (struct evtchn_status){ .dom = dom, .port = port, .status = 0xEE, .vcpu = 0xEE };
    return eop(v, EVTCHNOP_status, st, sizeof(*st));
}

static int64_t port_op(struct vcpu *v, uint32_t cmd, uint32_t port)
{
    uint32_t p = port;

    return eop(v, cmd, &p, sizeof(p));
}

static void test_alloc_unbound(void **state)
{
    struct vcpu *u, *z;
    struct evtchn_status st;
    uint32_t port = 0;
    (void)state;

    z = dom(0, SIF_PRIVILEGED | SIF_INITDOMAIN, FX_LONG);
    u = dom(1, 0, FX_LONG);
    assert_int_equal(alloc_unbound(u, DOMID_SELF, 0, &port), 0);
    assert_int_equal(port, 1);
    assert_int_equal(status(u, DOMID_SELF, 1, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_unbound);
    assert_int_equal(st.u.unbound.dom, 0);
    /* remote DOMID_SELF means the caller. */
    assert_int_equal(alloc_unbound(u, 1, DOMID_SELF, &port), 0);
    assert_int_equal(status(u, 1, port, &st), 0);
    assert_int_equal(st.u.unbound.dom, 1);
    /* Another domain: only with privilege; unknown: -ESRCH. */
    assert_int_equal(alloc_unbound(u, 0, 1, &port), -XEN_EPERM);
    assert_int_equal(alloc_unbound(u, 9, 1, &port), -XEN_ESRCH);
    assert_int_equal(alloc_unbound(z, 1, 0, &port), 0);
    assert_int_equal(port, 3);
    assert_int_equal(status(z, 1, 3, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_unbound);
    assert_int_equal(st.u.unbound.dom, 0);
    assert_int_equal(alloc_unbound(z, 9, 1, &port), -XEN_ESRCH);
    /* The table is full. */
    for (uint32_t i = 4; i < EVTCHN_NR_PORTS; i++)
        assert_int_equal(alloc_unbound(u, DOMID_SELF, 0, NULL), 0);
    assert_int_equal(alloc_unbound(u, DOMID_SELF, 0, &port), -XEN_ENOSPC);
    assert_int_equal(port, 0xAAAA);
    (void)z;
}

/* Bad buffers: -EFAULT, and an out-parameter that cannot be written allocates nothing. */
static void test_bad_buffers(void **state)
{
    static const uint32_t cmds[] = { EVTCHNOP_bind_interdomain, EVTCHNOP_bind_virq,
                                     EVTCHNOP_bind_pirq, EVTCHNOP_close, EVTCHNOP_send,
                                     EVTCHNOP_status, EVTCHNOP_alloc_unbound, EVTCHNOP_bind_ipi,
                                     EVTCHNOP_bind_vcpu, EVTCHNOP_unmask, EVTCHNOP_reset };
    struct evtchn_alloc_unbound a = { DOMID_SELF, 0, 0 };
    struct evtchn_bind_ipi b = { 0, 0 };
    struct evtchn_bind_virq bv = { VIRQ_TIMER, 0, 0 };
    struct evtchn_status st = { .dom = DOMID_SELF, .port = 0 };
    struct vcpu *v;
    (void)state;

    v = dom(1, 0, FX_LONG);
    for (size_t i = 0; i < HV_ARRAY_SIZE(cmds); i++) {
        assert_int_equal(eop_at(v, cmds[i], fx_addr(v, FX_HOLE, 0)), -XEN_EFAULT);
        assert_int_equal(eop_at(v, cmds[i], fx_addr(v, FX_HOLE, 0) - 1), -XEN_EFAULT);
        assert_int_equal(eop_at(v, cmds[i], 0x0000800000000000ULL), -XEN_EFAULT);
    }
    /* Read-only buffers: readable, not writable back. */
    fx_put(v, FX_RO, 0, &a, sizeof(a));
    assert_int_equal(eop_at(v, EVTCHNOP_alloc_unbound, fx_addr(v, FX_RO, 0)), -XEN_EFAULT);
    fx_put(v, FX_RO, 0, &b, sizeof(b));
    assert_int_equal(eop_at(v, EVTCHNOP_bind_ipi, fx_addr(v, FX_RO, 0)), -XEN_EFAULT);
    fx_put(v, FX_RO, 0, &bv, sizeof(bv));
    assert_int_equal(eop_at(v, EVTCHNOP_bind_virq, fx_addr(v, FX_RO, 0)), -XEN_EFAULT);
    fx_put(v, FX_RO, 0, &st, sizeof(st));
    assert_int_equal(eop_at(v, EVTCHNOP_status, fx_addr(v, FX_RO, 0)), -XEN_EFAULT);
    for (uint32_t p = 0; p < EVTCHN_NR_PORTS; p++)
        assert_int_equal(evtchn_table[evtchn_slot(v->domain)].port[p].kind, EVTCHN_FREE);
    /* A port number in a read-only buffer is fine for the in-only ops. */
    fx_put(v, FX_RO, 0, &(uint32_t){ 5 }, 4);
    assert_int_equal(eop_at(v, EVTCHNOP_unmask, fx_addr(v, FX_RO, 0)), 0);
    assert_int_equal(eop_at(v, EVTCHNOP_close, fx_addr(v, FX_RO, 0)), -XEN_EINVAL);
}

static void test_two_domains(void **state)
{
    struct vcpu *a, *b;
    struct evtchn_bind_interdomain bi;
    struct evtchn_status st;
    uint32_t pa = 0;
    (void)state;

    a = dom(1, 0, FX_LONG);
    b = dom(2, 0, FX_LONG);
    assert_int_equal(alloc_unbound(a, DOMID_SELF, 2, &pa), 0);
    /* Errors first: unknown domain, wrong port, port not offered to the caller. */
    bi = (struct evtchn_bind_interdomain){ .remote_dom = 9, .remote_port = pa, .local_port = 77 };
    assert_int_equal(eop(b, EVTCHNOP_bind_interdomain, &bi, sizeof(bi)), -XEN_ESRCH);
    bi = (struct evtchn_bind_interdomain){ .remote_dom = 1, .remote_port = pa + 1 };
    assert_int_equal(eop(b, EVTCHNOP_bind_interdomain, &bi, sizeof(bi)), -XEN_EINVAL);
    bi = (struct evtchn_bind_interdomain){ .remote_dom = DOMID_SELF, .remote_port = pa };
    assert_int_equal(eop(b, EVTCHNOP_bind_interdomain, &bi, sizeof(bi)), -XEN_EINVAL);
    bi = (struct evtchn_bind_interdomain){ .remote_dom = 1, .remote_port = pa, .local_port = 77 };
    assert_int_equal(eop(b, EVTCHNOP_bind_interdomain, &bi, sizeof(bi)), 0);
    assert_int_equal(bi.local_port, 1);
    /* The new local port starts pending (the peer may have sent before). */
    assert_int_equal(si(b->domain)->evtchn_pending[0], 2);
    assert_int_equal(si(b->domain)->vcpu_info[0].evtchn_upcall_pending, 1);
    assert_int_equal(status(a, DOMID_SELF, pa, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_interdomain);
    assert_int_equal(st.u.interdomain.dom, 2);
    assert_int_equal(st.u.interdomain.port, 1);
    assert_int_equal(st.vcpu, 0);
    /* Only a privileged domain may look at another's ports. */
    assert_int_equal(status(b, 1, pa, &st), -XEN_EPERM);
    /* ... but Xen checks the port first: one that cannot exist is -EINVAL. */
    assert_int_equal(status(b, 1, 4096, &st), -XEN_EINVAL);
    assert_int_equal(status(b, 1, 0xFFFFFFFFU, &st), -XEN_EINVAL);
    assert_int_equal(status(b, 42, pa, &st), -XEN_ESRCH);
    assert_int_equal(status(b, DOMID_SELF, 4096, &st), -XEN_EINVAL);
    /* b -> a, the guest handles it, a -> b. */
    b->run_state = VCPU_RUNNABLE;
    a->run_state = VCPU_BLOCKED;
    assert_int_equal(port_op(b, EVTCHNOP_send, 1), 0);
    assert_int_equal(si(a->domain)->evtchn_pending[0], 1ULL << pa);
    assert_int_equal(si(a->domain)->vcpu_info[0].evtchn_pending_sel, 1);
    assert_int_equal(si(a->domain)->vcpu_info[0].evtchn_upcall_pending, 1);
    assert_int_equal(a->run_state, VCPU_RUNNABLE);
    si(b->domain)->evtchn_pending[0] = 0;
    assert_int_equal(port_op(a, EVTCHNOP_send, pa), 0);
    assert_int_equal(si(b->domain)->evtchn_pending[0], 2);
    /* Close from b: a's end becomes unbound (to b); a's sends do nothing now. */
    si(b->domain)->evtchn_pending[0] = 0;
    assert_int_equal(port_op(b, EVTCHNOP_close, 1), 0);
    assert_int_equal(status(a, DOMID_SELF, pa, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_unbound);
    assert_int_equal(st.u.unbound.dom, 2);
    assert_int_equal(port_op(a, EVTCHNOP_send, pa), 0);
    assert_int_equal(si(b->domain)->evtchn_pending[0], 0);
    assert_int_equal(port_op(b, EVTCHNOP_close, 1), -XEN_EINVAL);
    assert_int_equal(port_op(b, EVTCHNOP_send, 1), -XEN_EINVAL);
}

static void test_virq_ipi_vcpu_unmask(void **state)
{
    struct vcpu *v;
    struct evtchn_bind_virq bv;
    struct evtchn_bind_ipi bi;
    struct evtchn_bind_vcpu bc;
    struct evtchn_status st;
    (void)state;

    v = dom(1, 0, FX_LONG);
    bv = (struct evtchn_bind_virq){ .virq = VIRQ_TIMER, .vcpu = 0, .port = 0 };
    assert_int_equal(eop(v, EVTCHNOP_bind_virq, &bv, sizeof(bv)), 0);
    assert_int_equal(bv.port, 1);
    assert_int_equal(eop(v, EVTCHNOP_bind_virq, &bv, sizeof(bv)), -XEN_EEXIST);
    bv = (struct evtchn_bind_virq){ .virq = 24, .vcpu = 0 };
    assert_int_equal(eop(v, EVTCHNOP_bind_virq, &bv, sizeof(bv)), -XEN_EINVAL);
    bv = (struct evtchn_bind_virq){ .virq = VIRQ_CONSOLE, .vcpu = 1 };
    assert_int_equal(eop(v, EVTCHNOP_bind_virq, &bv, sizeof(bv)), -XEN_EINVAL);
    bv = (struct evtchn_bind_virq){ .virq = VIRQ_DEBUG, .vcpu = 3 };
    assert_int_equal(eop(v, EVTCHNOP_bind_virq, &bv, sizeof(bv)), -XEN_ENOENT);
    bv = (struct evtchn_bind_virq){ .virq = VIRQ_CONSOLE, .vcpu = 0 };
    assert_int_equal(eop(v, EVTCHNOP_bind_virq, &bv, sizeof(bv)), 0);
    assert_int_equal(bv.port, 2);
    assert_int_equal(status(v, DOMID_SELF, 2, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_virq);
    assert_int_equal(st.u.virq, VIRQ_CONSOLE);
    /* The scheduler's timer and the console reach the guest. */
    assert_int_equal(evtchn_send_virq(v, VIRQ_TIMER), 0);
    assert_int_equal(evtchn_send_virq_global(v->domain, VIRQ_CONSOLE), 0);
    assert_int_equal(si(v->domain)->evtchn_pending[0], 6);
    bi = (struct evtchn_bind_ipi){ .vcpu = 1 };
    assert_int_equal(eop(v, EVTCHNOP_bind_ipi, &bi, sizeof(bi)), -XEN_ENOENT);
    bi = (struct evtchn_bind_ipi){ .vcpu = 0 };
    assert_int_equal(eop(v, EVTCHNOP_bind_ipi, &bi, sizeof(bi)), 0);
    assert_int_equal(bi.port, 3);
    assert_int_equal(status(v, DOMID_SELF, 3, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_ipi);
    /* bind_vcpu: the console virq may move, the IPI and the timer may not. */
    bc = (struct evtchn_bind_vcpu){ .port = 2, .vcpu = 0 };
    assert_int_equal(eop(v, EVTCHNOP_bind_vcpu, &bc, sizeof(bc)), 0);
    bc = (struct evtchn_bind_vcpu){ .port = 3, .vcpu = 0 };
    assert_int_equal(eop(v, EVTCHNOP_bind_vcpu, &bc, sizeof(bc)), -XEN_EINVAL);
    bc = (struct evtchn_bind_vcpu){ .port = 1, .vcpu = 0 };
    assert_int_equal(eop(v, EVTCHNOP_bind_vcpu, &bc, sizeof(bc)), -XEN_EINVAL);
    bc = (struct evtchn_bind_vcpu){ .port = 2, .vcpu = 1 };
    assert_int_equal(eop(v, EVTCHNOP_bind_vcpu, &bc, sizeof(bc)), -XEN_ENOENT);
    /* Masked IPI: no upcall until unmasked. */
    si(v->domain)->evtchn_mask[0] = 1ULL << 3;
    si(v->domain)->vcpu_info[0].evtchn_pending_sel = 0;
    si(v->domain)->vcpu_info[0].evtchn_upcall_pending = 0;
    assert_int_equal(port_op(v, EVTCHNOP_send, 3), 0);
    assert_int_equal(si(v->domain)->vcpu_info[0].evtchn_upcall_pending, 0);
    assert_int_equal(port_op(v, EVTCHNOP_unmask, 3), 0);
    assert_int_equal(si(v->domain)->evtchn_mask[0], 0);
    assert_int_equal(si(v->domain)->vcpu_info[0].evtchn_upcall_pending, 1);
    assert_int_equal(port_op(v, EVTCHNOP_unmask, 4096), -XEN_EINVAL);
    /* Close clears the port's pending bit. */
    assert_int_equal(port_op(v, EVTCHNOP_close, 3), 0);
    assert_int_equal(si(v->domain)->evtchn_pending[0], 6);
    assert_int_equal(port_op(v, EVTCHNOP_send, 1), -XEN_EINVAL);   /* a VIRQ port */
}

static void test_not_provided(void **state)
{
    static const uint32_t fifo[] = { EVTCHNOP_init_control, EVTCHNOP_expand_array,
                                     EVTCHNOP_set_priority, 14, 0xFFFFFFFF };
    struct evtchn_init_control ic = { .control_gfn = 0x50, .offset = 0, .vcpu = 0 };
    struct evtchn_bind_pirq bp = { .pirq = 1, .flags = 0, .port = 0 };
    struct vcpu *v;
    (void)state;

    v = dom(1, 0, FX_LONG);
    /* FIFO: -ENOSYS, so Linux falls back to 2-level; arguments are not even read. */
    for (size_t i = 0; i < HV_ARRAY_SIZE(fifo); i++) {
        assert_int_equal(eop(v, fifo[i], &ic, sizeof(ic)), -XEN_ENOSYS);
        assert_int_equal(eop_at(v, fifo[i], fx_addr(v, FX_HOLE, 0)), -XEN_ENOSYS);
    }
    assert_int_equal(eop(v, EVTCHNOP_bind_pirq, &bp, sizeof(bp)), -XEN_EINVAL);
    /* cmd is a 32-bit int: the upper half of rdi does not count. */
    assert_int_equal(FX_CALL2(v, HYPERVISOR_event_channel_op, 0x100000000ULL | EVTCHNOP_unmask,
                              fx_addr(v, 5, 64)), 0);
}

static void test_reset(void **state)
{
    struct vcpu *z, *u, *w;
    struct evtchn_reset r;
    struct evtchn_bind_ipi bi = { .vcpu = 0 };
    uint32_t pu = 0, pw = 0, hp = 0;
    struct evtchn_bind_interdomain bd;
    (void)state;

    z = dom(0, SIF_PRIVILEGED | SIF_INITDOMAIN, FX_LONG);
    u = dom(1, 0, FX_LONG);
    w = dom(2, 0, FX_LONG);
    assert_int_equal(alloc_unbound(u, DOMID_SELF, 2, &pu), 0);
    bd = (struct evtchn_bind_interdomain){ .remote_dom = 1, .remote_port = pu };
    assert_int_equal(eop(w, EVTCHNOP_bind_interdomain, &bd, sizeof(bd)), 0);
    pw = bd.local_port;
    assert_int_equal(eop(u, EVTCHNOP_bind_ipi, &bi, sizeof(bi)), 0);
    assert_int_equal(evtchn_alloc_hv_port(u->domain, &hp), 0);
    assert_int_equal(port_op(u, EVTCHNOP_send, bi.port), 0);
    r = (struct evtchn_reset){ .dom = 1 };
    assert_int_equal(eop(w, EVTCHNOP_reset, &r, sizeof(r)), -XEN_EPERM);
    r = (struct evtchn_reset){ .dom = 7 };
    assert_int_equal(eop(z, EVTCHNOP_reset, &r, sizeof(r)), -XEN_ESRCH);
    r = (struct evtchn_reset){ .dom = DOMID_SELF };
    assert_int_equal(eop(u, EVTCHNOP_reset, &r, sizeof(r)), 0);
    assert_int_equal(evtchn_table[evtchn_slot(u->domain)].port[pu].kind, EVTCHN_FREE);
    assert_int_equal(evtchn_table[evtchn_slot(u->domain)].port[bi.port].kind, EVTCHN_FREE);
    /* The hypervisor's port survives; the peer is unbound; pending bits of closed ports are gone. */
    assert_int_equal(evtchn_table[evtchn_slot(u->domain)].port[hp].kind, EVTCHN_UNBOUND);
    assert_int_equal(evtchn_table[evtchn_slot(w->domain)].port[pw].kind, EVTCHN_UNBOUND);
    assert_int_equal(si(u->domain)->evtchn_pending[0], 0);
    /* A privileged domain resets another. */
    r = (struct evtchn_reset){ .dom = 2 };
    assert_int_equal(eop(z, EVTCHNOP_reset, &r, sizeof(r)), 0);
    assert_int_equal(evtchn_table[evtchn_slot(w->domain)].port[pw].kind, EVTCHN_FREE);
}

/* A 32-bit caller: 1024 ports, selector bit in the 32-bit word at offset 4. */
static void test_compat_caller(void **state)
{
    struct vcpu *v;
    struct evtchn_bind_ipi bi = { .vcpu = 0 };
    uint32_t port = 0;
    (void)state;

    v = dom(1, 0, FX_FLAT32);
    for (uint32_t i = 1; i < 40; i++)
        assert_int_equal(alloc_unbound(v, DOMID_SELF, 0, NULL), 0);
    assert_int_equal(eop(v, EVTCHNOP_bind_ipi, &bi, sizeof(bi)), 0);
    assert_int_equal(bi.port, 40);
    assert_int_equal(port_op(v, EVTCHNOP_send, 40), 0);
    assert_int_equal(si(v->domain)->evtchn_pending[0], 1ULL << 40);
    assert_int_equal(si(v->domain)->vcpu_info[0].pad0[2], 2);       /* word 1 of 32 bits */
    assert_int_equal(si(v->domain)->vcpu_info[0].evtchn_pending_sel, 0);
    assert_int_equal(port_op(v, EVTCHNOP_unmask, 1024), -XEN_EINVAL);
    for (uint32_t i = 41; i < 1024; i++)
        assert_int_equal(alloc_unbound(v, DOMID_SELF, 0, NULL), 0);
    assert_int_equal(alloc_unbound(v, DOMID_SELF, 0, &port), -XEN_ENOSPC);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_alloc_unbound, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_buffers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_domains, setup, teardown),
        cmocka_unit_test_setup_teardown(test_virq_ipi_vcpu_unmask, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_provided, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_compat_caller, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
