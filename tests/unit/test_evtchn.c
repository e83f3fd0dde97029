// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the event-channel module (hv/evtchn.h), called directly:
 * the port state machine (every state, every error), two domains linked by
 * an interdomain channel and closed from either side, domain init and
 * destroy, pending/mask/selector/upcall bits as the guest's frames hold
 * them (shared_info slot and a registered vcpu_info, 64- and 32-bit
 * layouts), unmask re-delivery, vcpu_kick of a blocked vCPU, virq sends,
 * hypervisor ports, the upcall vector and SCHEDOP_poll's waiters.  The
 * whole-table check runs after every test.
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
    return 0;
}

/* Domain id with RAM, one vCPU, a shared_info frame and empty port tables. */
static struct vcpu *dom(domid_t id)
{
    struct vcpu *v = fx_domain(id, 0, FX_LONG);
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

static bool pending(const struct domain *d, uint32_t p)
{
    return (si(d)->evtchn_pending[p / 64] >> (p % 64) & 1U) != 0;
}

static void set_mask(const struct domain *d, uint32_t p, bool on)
{
    if (on)
        si(d)->evtchn_mask[p / 64] |= 1ULL << (p % 64);
    else
        si(d)->evtchn_mask[p / 64] &= ~(1ULL << (p % 64));
}

static const struct evtchn_port *port_of(const struct domain *d, uint32_t p)
{
    return &evtchn_table[evtchn_slot(d)].port[p];
}

static uint32_t alloc(struct domain *d, domid_t remote)
{
    uint32_t p = 0;

    assert_int_equal(evtchn_alloc_unbound(d, remote, &p), 0);
    return p;
}

/* ---- the state machine ---------------------------------------------------------------- */

static void test_init_all_free(void **state)
{
    struct vcpu *v;
    struct evtchn_info st;
    (void)state;

    v = dom(1);
    assert_int_equal(evtchn_table[evtchn_slot(v->domain)].owner, 1);
    for (uint32_t p = 0; p < EVTCHN_NR_PORTS; p++)
        assert_int_equal(port_of(v->domain, p)->kind, EVTCHN_FREE);
    assert_int_equal(evtchn_status(v->domain, 0, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_closed);
    assert_int_equal(evtchn_port_limit(v->domain), 4096);
    evtchn_set_compat(v->domain, true);
    assert_int_equal(evtchn_port_limit(v->domain), 1024);
    evtchn_domain_destroy(v->domain);
    assert_int_equal(evtchn_table[evtchn_slot(v->domain)].owner, DOMID_INVALID);
    assert_int_equal(evtchn_port_limit(v->domain), 4096);
}

/* Ports are handed out lowest first, never 0, until the limit (ENOSPC). */
static void test_alloc_unbound_and_enospc(void **state)
{
    struct vcpu *v;
    struct evtchn_info st;
    uint32_t p = 77, ipi = 77, virq = 77, lp = 77;
    (void)state;

    v = dom(1);
    for (uint32_t i = 1; i < EVTCHN_NR_PORTS; i++)
        assert_int_equal(alloc(v->domain, 2), i);
    assert_int_equal(evtchn_alloc_unbound(v->domain, 2, &p), -XEN_ENOSPC);
    assert_int_equal(p, 77);
    assert_int_equal(evtchn_alloc_hv_port(v->domain, &p), -XEN_ENOSPC);
    assert_int_equal(evtchn_bind_ipi(v->domain, 0, &ipi), -XEN_ENOSPC);
    assert_int_equal(evtchn_bind_virq(v->domain, VIRQ_TIMER, 0, &virq), -XEN_ENOSPC);
    assert_int_equal(evtchn_bind_interdomain(v, v->domain, 5, &lp), -XEN_ENOSPC);
    assert_int_equal(ipi + virq + lp, 3 * 77);
    assert_int_equal(evtchn_status(v->domain, 4095, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_unbound);
    assert_int_equal(st.dom, 2);
    assert_int_equal(st.vcpu, 0);
    assert_int_equal(evtchn_status(v->domain, 4096, &st), -XEN_EINVAL);
    /* A closed port is the next one handed out. */
    assert_int_equal(evtchn_close(v->domain, 100), 0);
    assert_int_equal(alloc(v->domain, 3), 100);
    assert_true(evtchn_check());
    /* A 32-bit guest has 1024 ports. */
    evtchn_domain_init(v->domain);
    evtchn_set_compat(v->domain, true);
    for (uint32_t i = 1; i < 1024; i++)
        assert_int_equal(alloc(v->domain, 2), i);
    assert_int_equal(evtchn_alloc_unbound(v->domain, 2, &p), -XEN_ENOSPC);
}

/* Two domains talk: d1 offers a port to d2, d2 binds; sends go both ways. */
static void test_interdomain(void **state)
{
    struct vcpu *a, *b;
    struct evtchn_info st;
    uint32_t pa, pb = 0;
    (void)state;

    a = dom(1);
    b = dom(2);
    (void)alloc(a->domain, 2);               /* port 1: something else */
    pa = alloc(a->domain, 2);
    assert_int_equal(pa, 2);
    assert_int_equal(evtchn_bind_interdomain(b, a->domain, pa, &pb), 0);
    assert_int_equal(pb, 1);
    assert_int_equal(port_of(a->domain, pa)->kind, EVTCHN_INTERDOMAIN);
    assert_int_equal(evtchn_status(a->domain, pa, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_interdomain);
    assert_int_equal(st.dom, 2);
    assert_int_equal(st.port, pb);
    assert_int_equal(evtchn_status(b->domain, pb, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_interdomain);
    assert_int_equal(st.dom, 1);
    assert_int_equal(st.port, pa);
    /* a -> b */
    assert_int_equal(evtchn_send(a->domain, pa), 0);
    assert_true(pending(b->domain, pb));
    assert_false(pending(a->domain, pa));
    assert_int_equal(si(b->domain)->vcpu_info[0].evtchn_pending_sel, 1);
    assert_int_equal(si(b->domain)->vcpu_info[0].evtchn_upcall_pending, 1);
    assert_int_equal(si(a->domain)->vcpu_info[0].evtchn_upcall_pending, 0);
    /* b -> a */
    assert_int_equal(evtchn_send(b->domain, pb), 0);
    assert_true(pending(a->domain, pa));
    assert_true(evtchn_is_pending(a->domain, pa));
    assert_false(evtchn_is_pending(a->domain, 1));
    assert_false(evtchn_is_pending(a->domain, 5000));
    assert_true(evtchn_check());
}

static void test_interdomain_errors(void **state)
{
    struct vcpu *a, *b, *c;
    uint32_t pa, lp = 99, ipi = 0;
    (void)state;

    a = dom(1);
    b = dom(2);
    c = dom(3);
    pa = alloc(a->domain, 2);
    /* Not offered to c. */
    assert_int_equal(evtchn_bind_interdomain(c, a->domain, pa, &lp), -XEN_EINVAL);
    /* Port 0, a free port, beyond the limit, beyond the table. */
    assert_int_equal(evtchn_bind_interdomain(b, a->domain, 0, &lp), -XEN_EINVAL);
    assert_int_equal(evtchn_bind_interdomain(b, a->domain, 7, &lp), -XEN_EINVAL);
    assert_int_equal(evtchn_bind_interdomain(b, a->domain, 4096, &lp), -XEN_EINVAL);
    assert_int_equal(evtchn_bind_interdomain(b, a->domain, 0xFFFFFFFF, &lp), -XEN_EINVAL);
    evtchn_set_compat(a->domain, true);
    assert_int_equal(evtchn_bind_interdomain(b, a->domain, 1500, &lp), -XEN_EINVAL);
    evtchn_set_compat(a->domain, false);
    /* Not unbound: an IPI port, and a port bound already. */
    assert_int_equal(evtchn_bind_ipi(a->domain, 0, &ipi), 0);
    assert_int_equal(evtchn_bind_interdomain(b, a->domain, ipi, &lp), -XEN_EINVAL);
    assert_int_equal(lp, 99);
    assert_int_equal(evtchn_bind_interdomain(b, a->domain, pa, &lp), 0);
    assert_int_equal(evtchn_bind_interdomain(b, a->domain, pa, &lp), -XEN_EINVAL);
    /* Nothing was allocated by the refusals: b's only port is 1. */
    assert_int_equal(lp, 1);
    assert_int_equal(port_of(b->domain, 2)->kind, EVTCHN_FREE);
    assert_int_equal(port_of(c->domain, 1)->kind, EVTCHN_FREE);
}

/* A domain may connect to itself (loopback); closing one end unbinds the other. */
static void test_loopback(void **state)
{
    struct vcpu *a;
    uint32_t p, lp = 0;
    (void)state;

    a = dom(1);
    p = alloc(a->domain, 1);
    assert_int_equal(evtchn_bind_interdomain(a, a->domain, p, &lp), 0);
    assert_int_equal(lp, 2);
    assert_int_equal(evtchn_send(a->domain, lp), 0);
    assert_true(pending(a->domain, p));
    assert_false(pending(a->domain, lp));
    assert_int_equal(evtchn_close(a->domain, p), 0);
    assert_int_equal(port_of(a->domain, lp)->kind, EVTCHN_UNBOUND);
    assert_int_equal(port_of(a->domain, lp)->remote, 1);
}

static void close_side(bool first)
{
    struct vcpu *a, *b;
    struct evtchn_info st;
    uint32_t pa, pb = 0, lp = 0;

    a = dom(1);
    b = dom(2);
    pa = alloc(a->domain, 2);
    assert_int_equal(evtchn_bind_interdomain(b, a->domain, pa, &pb), 0);
    if (first) {
        assert_int_equal(evtchn_close(a->domain, pa), 0);
        assert_int_equal(port_of(a->domain, pa)->kind, EVTCHN_FREE);
        /* b's end now waits for a to bind again. */
        assert_int_equal(evtchn_status(b->domain, pb, &st), 0);
        assert_int_equal(st.status, EVTCHNSTAT_unbound);
        assert_int_equal(st.dom, 1);
        assert_int_equal(evtchn_send(b->domain, pb), 0);      /* unbound: a no-op */
        assert_int_equal(evtchn_bind_interdomain(a, b->domain, pb, &lp), 0);
        assert_int_equal(lp, pa);
    } else {
        assert_int_equal(evtchn_close(b->domain, pb), 0);
        assert_int_equal(evtchn_status(a->domain, pa, &st), 0);
        assert_int_equal(st.status, EVTCHNSTAT_unbound);
        assert_int_equal(st.dom, 2);
        assert_int_equal(evtchn_close(a->domain, pa), 0);
    }
    assert_true(evtchn_check());
}

static void test_close_first_side(void **state)
{
    (void)state;
    close_side(true);
}

static void test_close_second_side(void **state)
{
    (void)state;
    close_side(false);
}

static void test_close_errors(void **state)
{
    struct vcpu *a;
    uint32_t hp = 0;
    (void)state;

    a = dom(1);
    assert_int_equal(evtchn_close(a->domain, 0), -XEN_EINVAL);
    assert_int_equal(evtchn_close(a->domain, 1), -XEN_EINVAL);
    assert_int_equal(evtchn_close(a->domain, 4096), -XEN_EINVAL);
    assert_int_equal(evtchn_close(a->domain, 0xFFFFFFFF), -XEN_EINVAL);
    assert_int_equal(evtchn_alloc_hv_port(a->domain, &hp), 0);
    assert_int_equal(evtchn_close(a->domain, hp), -XEN_EINVAL);
    assert_int_equal(port_of(a->domain, hp)->kind, EVTCHN_UNBOUND);
    /* Twice. */
    assert_int_equal(alloc(a->domain, 0), 2);
    assert_int_equal(evtchn_close(a->domain, 2), 0);
    assert_int_equal(evtchn_close(a->domain, 2), -XEN_EINVAL);
}

static void test_virq(void **state)
{
    struct vcpu *a;
    struct evtchn_info st;
    uint32_t p = 0, q = 55;
    (void)state;

    a = dom(1);
    assert_int_equal(evtchn_bind_virq(a->domain, VIRQ_TIMER, 0, &p), 0);
    assert_int_equal(p, 1);
    assert_int_equal(evtchn_virq_port(a->domain, 0, VIRQ_TIMER), 1);
    assert_int_equal(evtchn_status(a->domain, p, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_virq);
    assert_int_equal(st.virq, VIRQ_TIMER);
    /* Errors: bound already, no such virq, global virq on another vCPU, no such vCPU. */
    assert_int_equal(evtchn_bind_virq(a->domain, VIRQ_TIMER, 0, &q), -XEN_EEXIST);
    assert_int_equal(evtchn_bind_virq(a->domain, NR_VIRQS, 0, &q), -XEN_EINVAL);
    assert_int_equal(evtchn_bind_virq(a->domain, 0xFFFFFFFF, 0, &q), -XEN_EINVAL);
    assert_int_equal(evtchn_bind_virq(a->domain, VIRQ_CONSOLE, 1, &q), -XEN_EINVAL);
    assert_int_equal(evtchn_bind_virq(a->domain, VIRQ_TIMER, 1, &q), -XEN_ENOENT);
    assert_int_equal(evtchn_bind_virq(a->domain, VIRQ_DEBUG, 0xFFFFFFFF, &q), -XEN_ENOENT);
    assert_int_equal(q, 55);
    /* Per-vCPU and global ones (VIRQ_ARCH_7 is global on x86). */
    assert_int_equal(evtchn_bind_virq(a->domain, VIRQ_DEBUG, 0, &q), 0);
    assert_int_equal(evtchn_bind_virq(a->domain, VIRQ_CONSOLE, 0, &q), 0);
    assert_int_equal(evtchn_bind_virq(a->domain, VIRQ_ARCH_7, 0, &q), 0);
    assert_true(evtchn_virq_is_global(VIRQ_CONSOLE));
    assert_false(evtchn_virq_is_global(VIRQ_TIMER));
    assert_false(evtchn_virq_is_global(VIRQ_XENPMU));
    assert_int_equal(evtchn_virq_port(a->domain, 0, NR_VIRQS), 0);
    assert_int_equal(evtchn_virq_port(a->domain, 1, VIRQ_TIMER), 0);
    assert_int_equal(evtchn_virq_port(a->domain, 5, VIRQ_CONSOLE), 3);   /* global: vCPU 0's */
    /* Closing frees the virq for a new binding. */
    assert_int_equal(evtchn_close(a->domain, p), 0);
    assert_int_equal(evtchn_virq_port(a->domain, 0, VIRQ_TIMER), 0);
    assert_int_equal(evtchn_bind_virq(a->domain, VIRQ_TIMER, 0, &q), 0);
    assert_int_equal(q, 1);
    /* A virq port cannot be sent on. */
    assert_int_equal(evtchn_send(a->domain, q), -XEN_EINVAL);
}

static void test_ipi_and_bind_vcpu(void **state)
{
    struct vcpu *a, *b;
    struct evtchn_info st;
    uint32_t ipi = 0, t = 0, con = 0, ub, pb = 0, q = 9;
    (void)state;

    a = dom(1);
    b = dom(2);
    assert_int_equal(evtchn_bind_ipi(a->domain, 1, &q), -XEN_ENOENT);
    assert_int_equal(q, 9);
    assert_int_equal(evtchn_bind_ipi(a->domain, 0, &ipi), 0);
    assert_int_equal(evtchn_status(a->domain, ipi, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_ipi);
    assert_int_equal(evtchn_send(a->domain, ipi), 0);
    assert_true(pending(a->domain, ipi));
    assert_int_equal(evtchn_bind_virq(a->domain, VIRQ_TIMER, 0, &t), 0);
    assert_int_equal(evtchn_bind_virq(a->domain, VIRQ_CONSOLE, 0, &con), 0);
    ub = alloc(a->domain, 2);
    assert_int_equal(evtchn_bind_interdomain(b, a->domain, alloc(a->domain, 2), &pb), 0);
    /* Allowed: unbound, interdomain, global virq.  Refused: IPI, per-vCPU virq, free, port 0. */
    assert_int_equal(evtchn_bind_vcpu(a->domain, ub, 0), 0);
    assert_int_equal(evtchn_bind_vcpu(b->domain, pb, 0), 0);
    assert_int_equal(evtchn_bind_vcpu(a->domain, con, 0), 0);
    assert_int_equal(evtchn_bind_vcpu(a->domain, ipi, 0), -XEN_EINVAL);
    assert_int_equal(evtchn_bind_vcpu(a->domain, t, 0), -XEN_EINVAL);
    assert_int_equal(evtchn_bind_vcpu(a->domain, 100, 0), -XEN_EINVAL);
    assert_int_equal(evtchn_bind_vcpu(a->domain, 0, 0), -XEN_EINVAL);
    assert_int_equal(evtchn_bind_vcpu(a->domain, 4096, 0), -XEN_EINVAL);
    /* The vCPU is checked first. */
    assert_int_equal(evtchn_bind_vcpu(a->domain, ub, 1), -XEN_ENOENT);
    assert_int_equal(evtchn_bind_vcpu(a->domain, 4096, 7), -XEN_ENOENT);
    assert_int_equal(evtchn_send(a->domain, 4096), -XEN_EINVAL);
    assert_int_equal(evtchn_send(a->domain, 200), -XEN_EINVAL);
    assert_int_equal(evtchn_send(a->domain, 0), -XEN_EINVAL);
}

/* Destroy closes everything; the peers wait for the dead domain (unbound to it). */
static void test_destroy_and_stale_init(void **state)
{
    struct vcpu *a, *b;
    uint32_t pa, pb = 0, t = 0;
    (void)state;

    a = dom(1);
    b = dom(2);
    pa = alloc(a->domain, 2);
    assert_int_equal(evtchn_bind_interdomain(b, a->domain, pa, &pb), 0);
    assert_int_equal(evtchn_bind_virq(a->domain, VIRQ_TIMER, 0, &t), 0);
    evtchn_set_upcall_vector(a, 0xE0);
    evtchn_domain_destroy(a->domain);
    for (uint32_t p = 0; p < EVTCHN_NR_PORTS; p++)
        assert_int_equal(port_of(a->domain, p)->kind, EVTCHN_FREE);
    assert_int_equal(evtchn_virq_port(a->domain, 0, VIRQ_TIMER), 0);
    assert_int_equal(evtchn_table[evtchn_slot(a->domain)].upcall_vector[0], 0);
    assert_int_equal(port_of(b->domain, pb)->kind, EVTCHN_UNBOUND);
    assert_int_equal(port_of(b->domain, pb)->remote, 1);
    assert_true(evtchn_check());
    /* init over a slot that still holds bindings closes them the same way. */
    pa = alloc(a->domain, 2);
    assert_int_equal(evtchn_close(b->domain, pb), 0);
    assert_int_equal(evtchn_bind_interdomain(b, a->domain, pa, &pb), 0);
    evtchn_domain_init(a->domain);
    assert_int_equal(port_of(a->domain, pa)->kind, EVTCHN_FREE);
    assert_int_equal(port_of(b->domain, pb)->kind, EVTCHN_UNBOUND);
}

/* ---- delivery -------------------------------------------------------------------------- */

static void test_mask_and_unmask(void **state)
{
    struct vcpu *a;
    uint32_t ipi = 0;
    (void)state;

    a = dom(1);
    assert_int_equal(evtchn_bind_ipi(a->domain, 0, &ipi), 0);
    set_mask(a->domain, ipi, true);
    assert_int_equal(evtchn_send(a->domain, ipi), 0);
    assert_true(pending(a->domain, ipi));
    assert_int_equal(si(a->domain)->vcpu_info[0].evtchn_pending_sel, 0);
    assert_int_equal(si(a->domain)->vcpu_info[0].evtchn_upcall_pending, 0);
    /* Unmask: the missed upcall is raised; the mask bit is the guest's, cleared. */
    assert_int_equal(evtchn_unmask(a->domain, ipi), 0);
    assert_int_equal(si(a->domain)->evtchn_mask[0], 0);
    assert_int_equal(si(a->domain)->vcpu_info[0].evtchn_pending_sel, 1);
    assert_int_equal(si(a->domain)->vcpu_info[0].evtchn_upcall_pending, 1);
    /* The guest handles it; an unmask of an unmasked pending port raises nothing. */
    si(a->domain)->vcpu_info[0].evtchn_pending_sel = 0;
    si(a->domain)->vcpu_info[0].evtchn_upcall_pending = 0;
    assert_int_equal(evtchn_unmask(a->domain, ipi), 0);
    assert_int_equal(si(a->domain)->vcpu_info[0].evtchn_upcall_pending, 0);
    /* A send while pending raises nothing either (the edge was taken). */
    assert_int_equal(evtchn_send(a->domain, ipi), 0);
    assert_int_equal(si(a->domain)->vcpu_info[0].evtchn_upcall_pending, 0);
    /* Masked but not pending: unmask clears the mask only. */
    si(a->domain)->evtchn_pending[0] = 0;
    set_mask(a->domain, ipi, true);
    assert_int_equal(evtchn_unmask(a->domain, ipi), 0);
    assert_int_equal(si(a->domain)->evtchn_mask[0], 0);
    assert_int_equal(si(a->domain)->vcpu_info[0].evtchn_upcall_pending, 0);
    /* Any port below the limit may be unmasked, bound or not. */
    set_mask(a->domain, 4095, true);
    assert_int_equal(evtchn_unmask(a->domain, 4095), 0);
    assert_int_equal(si(a->domain)->evtchn_mask[63], 0);
    assert_int_equal(evtchn_unmask(a->domain, 4096), -XEN_EINVAL);
    evtchn_set_compat(a->domain, true);
    assert_int_equal(evtchn_unmask(a->domain, 1024), -XEN_EINVAL);
}

/* The selector bit is the port's word: port 130 -> word 2 (64-bit), word 4 (32-bit). */
static void test_selector_words(void **state)
{
    struct vcpu *a;
    uint32_t p = 0;
    (void)state;

    a = dom(1);
    for (uint32_t i = 1; i < 130; i++)
        (void)alloc(a->domain, 1);
    assert_int_equal(evtchn_bind_ipi(a->domain, 0, &p), 0);
    assert_int_equal(p, 130);
    assert_int_equal(evtchn_send(a->domain, p), 0);
    assert_int_equal(si(a->domain)->evtchn_pending[2], 1ULL << 2);
    assert_int_equal(si(a->domain)->vcpu_info[0].evtchn_pending_sel, 1ULL << 2);
    /* 32-bit layout: selector is 32 bits at offset 4 of vcpu_info. */
    si(a->domain)->evtchn_pending[2] = 0;
    si(a->domain)->vcpu_info[0].evtchn_pending_sel = 0;
    si(a->domain)->vcpu_info[0].evtchn_upcall_pending = 0;
    evtchn_set_compat(a->domain, true);
    assert_int_equal(evtchn_send(a->domain, p), 0);
    assert_int_equal(si(a->domain)->vcpu_info[0].evtchn_pending_sel, 0);
    assert_int_equal(si(a->domain)->vcpu_info[0].pad0[2], 1U << 4);    /* byte 4: word 4 */
    assert_int_equal(si(a->domain)->vcpu_info[0].evtchn_upcall_pending, 1);
}

/* With a registered vcpu_info, the selector and flag go there, not to the slot. */
static void test_registered_vcpu_info(void **state)
{
    struct vcpu *a;
    uint32_t p = 0;
    uint8_t rec[16];
    (void)state;

    a = dom(1);
    a->vcpu_info_registered = true;
    a->vcpu_info_gfn = FX_PAGE_GFN + 9;
    a->vcpu_info_offset = 64;
    fx_fill(a, 9, 0);
    assert_int_equal(evtchn_bind_ipi(a->domain, 0, &p), 0);
    assert_int_equal(evtchn_send(a->domain, p), 0);
    fx_get(a, 9, 64, rec, sizeof(rec));
    assert_int_equal(rec[0], 1);          /* upcall_pending */
    assert_int_equal(rec[8], 1);          /* selector word 0 */
    assert_int_equal(si(a->domain)->vcpu_info[0].evtchn_upcall_pending, 0);
    assert_true(pending(a->domain, p));
    /* A vcpu_info the guest made read-only: the pending bit is still set, nothing breaks. */
    a->vcpu_info_gfn = FX_PAGE_GFN + FX_RO;
    si(a->domain)->evtchn_pending[0] = 0;
    assert_int_equal(evtchn_send(a->domain, p), 0);
    assert_true(pending(a->domain, p));
}

/* A blocked vCPU is woken by an event for it, not by a masked one. */
static void test_kick_blocked_vcpu(void **state)
{
    struct vcpu *a, *b;
    uint32_t pa, pb = 0;
    (void)state;

    a = dom(1);
    b = dom(2);
    pa = alloc(a->domain, 2);
    assert_int_equal(evtchn_bind_interdomain(b, a->domain, pa, &pb), 0);
    a->run_state = VCPU_BLOCKED;
    set_mask(a->domain, pa, true);
    assert_int_equal(evtchn_send(b->domain, pb), 0);
    assert_int_equal(a->run_state, VCPU_BLOCKED);
    assert_int_equal(evtchn_unmask(a->domain, pa), 0);
    assert_int_equal(a->run_state, VCPU_RUNNABLE);
    /* Unmasked from the start. */
    si(a->domain)->evtchn_pending[0] = 0;
    si(a->domain)->vcpu_info[0].evtchn_pending_sel = 0;
    a->run_state = VCPU_BLOCKED;
    assert_int_equal(evtchn_send(b->domain, pb), 0);
    assert_int_equal(a->run_state, VCPU_RUNNABLE);
    /* A domain that is shutting down stays down. */
    si(a->domain)->evtchn_pending[0] = 0;
    si(a->domain)->vcpu_info[0].evtchn_pending_sel = 0;
    a->run_state = VCPU_BLOCKED;
    a->domain->guest.state = DOMAIN_SHUTDOWN;
    assert_int_equal(evtchn_send(b->domain, pb), 0);
    assert_int_equal(a->run_state, VCPU_BLOCKED);
}

static void test_send_virq(void **state)
{
    struct vcpu *a;
    uint32_t t = 0, con = 0;
    (void)state;

    a = dom(1);
    assert_int_equal(evtchn_send_virq(a, VIRQ_TIMER), -XEN_ENOENT);
    assert_int_equal(evtchn_send_virq_global(a->domain, VIRQ_CONSOLE), -XEN_ENOENT);
    assert_int_equal(evtchn_send_virq(a, NR_VIRQS), -XEN_ENOENT);
    assert_int_equal(evtchn_bind_virq(a->domain, VIRQ_TIMER, 0, &t), 0);
    assert_int_equal(evtchn_bind_virq(a->domain, VIRQ_CONSOLE, 0, &con), 0);
    a->run_state = VCPU_BLOCKED;
    assert_int_equal(evtchn_send_virq(a, VIRQ_TIMER), 0);
    assert_true(pending(a->domain, t));
    assert_int_equal(a->run_state, VCPU_RUNNABLE);
    assert_int_equal(evtchn_send_virq_global(a->domain, VIRQ_CONSOLE), 0);
    assert_true(pending(a->domain, con));
    /* VIRQ_DEBUG was not bound. */
    assert_int_equal(evtchn_send_virq(a, VIRQ_DEBUG), -XEN_ENOENT);
}

/* The hypervisor's own ports: the guest's sends are flagged for the backend. */
static void test_hv_port(void **state)
{
    struct vcpu *a, *b;
    struct evtchn_info st;
    uint32_t hp = 0, lp = 0;
    (void)state;

    a = dom(1);
    b = dom(2);
    assert_int_equal(evtchn_alloc_hv_port(a->domain, &hp), 0);
    assert_int_equal(evtchn_status(a->domain, hp, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_unbound);
    assert_int_equal(st.dom, DOMID_XEN);
    assert_false(evtchn_hv_port_take(a->domain, hp));
    assert_int_equal(evtchn_send(a->domain, hp), 0);
    assert_true(evtchn_hv_port_take(a->domain, hp));
    assert_false(evtchn_hv_port_take(a->domain, hp));
    assert_false(evtchn_hv_port_take(a->domain, 0));
    assert_false(evtchn_hv_port_take(a->domain, 4096));
    /* No guest can bind to it. */
    assert_int_equal(evtchn_bind_interdomain(b, a->domain, hp, &lp), -XEN_EINVAL);
    /* The backend signals the guest. */
    assert_int_equal(evtchn_notify_port(a->domain, hp), 0);
    assert_true(pending(a->domain, hp));
    assert_int_equal(evtchn_notify_port(a->domain, hp + 1), -XEN_EINVAL);
    assert_int_equal(evtchn_notify_port(a->domain, 0), -XEN_EINVAL);
    assert_int_equal(evtchn_notify_port(a->domain, 4096), -XEN_EINVAL);
    /* Sends on an ordinary unbound port are not flagged. */
    lp = alloc(a->domain, 2);
    assert_int_equal(evtchn_send(a->domain, lp), 0);
    assert_false(evtchn_hv_port_take(a->domain, lp));
    /* Destroy frees it too. */
    evtchn_domain_destroy(a->domain);
    assert_int_equal(port_of(a->domain, hp)->kind, EVTCHN_FREE);
}

/* Without a shared_info frame nothing can be marked, and nothing breaks. */
static void test_no_shared_info(void **state)
{
    struct vcpu *a;
    uint32_t p = 0;
    (void)state;

    a = fx_domain(1, 0, FX_LONG);
    evtchn_domain_init(a->domain);
    assert_int_equal(evtchn_bind_ipi(a->domain, 0, &p), 0);
    a->run_state = VCPU_BLOCKED;
    assert_int_equal(evtchn_send(a->domain, p), 0);
    assert_int_equal(evtchn_unmask(a->domain, p), 0);
    assert_false(evtchn_is_pending(a->domain, p));
    assert_int_equal(a->run_state, VCPU_BLOCKED);
    evtchn_clear_pending(a->domain, p);
}

static void test_upcall_vector(void **state)
{
    struct vcpu *a;
    uint32_t p = 0;
    uint8_t vec = 0;
    (void)state;

    a = dom(1);
    assert_int_equal(evtchn_bind_ipi(a->domain, 0, &p), 0);
    assert_false(evtchn_upcall_vector(a, &vec));
    assert_int_equal(evtchn_send(a->domain, p), 0);
    /* Pending, but no vector configured (or a GSI / PCI INTx callback). */
    assert_false(evtchn_upcall_vector(a, &vec));
    a->domain->guest.hvm_params[HVM_PARAM_CALLBACK_IRQ] = 5;
    assert_false(evtchn_upcall_vector(a, &vec));
    a->domain->guest.hvm_params[HVM_PARAM_CALLBACK_IRQ] = (1ULL << 56) | 0xF3;
    assert_false(evtchn_upcall_vector(a, &vec));
    /* An exception vector is never injected. */
    a->domain->guest.hvm_params[HVM_PARAM_CALLBACK_IRQ] = (2ULL << 56) | 0x0E;
    assert_false(evtchn_upcall_vector(a, &vec));
    a->domain->guest.hvm_params[HVM_PARAM_CALLBACK_IRQ] = (2ULL << 56) | 0xF3;
    assert_true(evtchn_upcall_vector(a, &vec));
    assert_int_equal(vec, 0xF3);
    /* The per-vCPU vector wins. */
    evtchn_set_upcall_vector(a, 0xE9);
    assert_true(evtchn_upcall_vector(a, &vec));
    assert_int_equal(vec, 0xE9);
    /* Level: false once the guest clears upcall_pending. */
    si(a->domain)->vcpu_info[0].evtchn_upcall_pending = 0;
    vec = 0;
    assert_false(evtchn_upcall_vector(a, &vec));
    assert_int_equal(vec, 0);
}

static void test_poll_waiters(void **state)
{
    struct vcpu *a;
    uint32_t p1 = 0, p2 = 0;
    (void)state;

    a = dom(1);
    assert_int_equal(evtchn_bind_ipi(a->domain, 0, &p1), 0);
    assert_int_equal(evtchn_bind_ipi(a->domain, 0, &p2), 0);
    /* Polling p1 alone, masked: p2 does not end it (it is masked too), p1 does. */
    set_mask(a->domain, p1, true);
    set_mask(a->domain, p2, true);
    a->run_state = VCPU_BLOCKED;
    evtchn_poll_begin(a, p1, 0);
    assert_int_equal(evtchn_poll_next_deadline(), 0);
    assert_int_equal(evtchn_send(a->domain, p2), 0);
    assert_int_equal(a->run_state, VCPU_BLOCKED);
    assert_int_equal(evtchn_send(a->domain, p1), 0);
    assert_int_equal(a->run_state, VCPU_RUNNABLE);
    assert_false(evtchn_table[evtchn_slot(a->domain)].polling[0]);
    /* Several ports (0): any newly pending port ends it. */
    si(a->domain)->evtchn_pending[0] = 0;
    a->run_state = VCPU_BLOCKED;
    evtchn_poll_begin(a, 0, 0);
    assert_int_equal(evtchn_send(a->domain, p2), 0);
    assert_int_equal(a->run_state, VCPU_RUNNABLE);
    /* The deadline. */
    a->run_state = VCPU_BLOCKED;
    evtchn_poll_begin(a, p1, 5000);
    assert_int_equal(evtchn_poll_next_deadline(), 5000);
    evtchn_poll_expire(4999);
    assert_int_equal(a->run_state, VCPU_BLOCKED);
    evtchn_poll_expire(5000);
    assert_int_equal(a->run_state, VCPU_RUNNABLE);
    assert_int_equal(evtchn_poll_next_deadline(), 0);
    /* A poller that is no longer blocked has no deadline; poll_end forgets the poll. */
    evtchn_poll_begin(a, p1, 7000);
    assert_int_equal(evtchn_poll_next_deadline(), 0);
    a->run_state = VCPU_BLOCKED;
    assert_int_equal(evtchn_poll_next_deadline(), 7000);
    evtchn_poll_end(a);
    assert_int_equal(evtchn_poll_next_deadline(), 0);
    evtchn_poll_expire(~0ULL);
    assert_int_equal(a->run_state, VCPU_BLOCKED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_init_all_free, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alloc_unbound_and_enospc, setup, teardown),
        cmocka_unit_test_setup_teardown(test_interdomain, setup, teardown),
        cmocka_unit_test_setup_teardown(test_interdomain_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_loopback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_close_first_side, setup, teardown),
        cmocka_unit_test_setup_teardown(test_close_second_side, setup, teardown),
        cmocka_unit_test_setup_teardown(test_close_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_virq, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ipi_and_bind_vcpu, setup, teardown),
        cmocka_unit_test_setup_teardown(test_destroy_and_stale_init, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mask_and_unmask, setup, teardown),
        cmocka_unit_test_setup_teardown(test_selector_words, setup, teardown),
        cmocka_unit_test_setup_teardown(test_registered_vcpu_info, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kick_blocked_vcpu, setup, teardown),
        cmocka_unit_test_setup_teardown(test_send_virq, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hv_port, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_shared_info, setup, teardown),
        cmocka_unit_test_setup_teardown(test_upcall_vector, setup, teardown),
        cmocka_unit_test_setup_teardown(test_poll_waiters, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
