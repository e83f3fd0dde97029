// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for event channels.  Three domains (0 privileged, 1
 * and 2 not; the input picks which run 32-bit code) with shared_info
 * frames; the input is a program of steps, each one of:
 *   - an event_channel_op sub-op from one domain, its argument built from
 *     the input with bias towards ports and domains that exist (and hostile
 *     buffers sometimes), run through the hypercall entry;
 *   - SCHEDOP_poll, HVMOP_set_evtchn_upcall_vector;
 *   - what the rest of the system does meanwhile: the scheduler's VIRQ_TIMER,
 *     the console's VIRQ_CONSOLE, the hypervisor signalling a port, poll
 *     deadlines passing, the guest flipping its own mask/pending/selector
 *     bits, a domain destroyed and created again.
 * After every step: the port tables' invariant (evtchn_check), the memory
 * invariant, every result one the table declares, a refused operation left
 * every port table as it was, a successful send marked the target port
 * pending, a port a successful bind returned is bound, and the upcall
 * vector answers only with a vector >= 0x10.  Any disagreement aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FX_FRAMES 1024U
#define FX_RAM    288U
#include "../tests/unit/test_hc_fixture.h"
#include "hv/evtchn.h"

#define FZ_STEPS    96U
#define FZ_DOMS     3U
#define FZ_ARG_PAGE 5U

static const uint8_t *fz_data;
static size_t fz_size, fz_pos;
static struct vcpu *fz_v[FZ_DOMS];
static bool fz_compat[FZ_DOMS];
/* Port tables before a step. */
static struct evtchn_domain fz_before[DOMAIN_MAX];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fz_fail(const char *what, long long a, long long b)
{
    fprintf(stderr, "fuzz_evtchn: %s (%lld, %lld)\n", what, a, b);
    abort();
}

static unsigned fz_byte(void)
{
    return fz_pos < fz_size ? fz_data[fz_pos++] : 0U;
}

static uint32_t fz_bytes(unsigned n)
{
    uint32_t x = 0;

    for (unsigned i = 0; i < n; i++)
        x |= (uint32_t)fz_byte() << (8 * i);
    return x;
}

/* A port: usually a small one (where the action is), sometimes any 32-bit value. */
static uint32_t fz_port(void)
{
    unsigned b = fz_byte();

    if (b < 224)
        return b % 24U;
    if (b < 248)
        return 1000U + b % 32U;          /* near the 32-bit guests' limit */
    return fz_bytes(4);
}

static domid_t fz_domid(void)
{
    unsigned b = fz_byte() % 8U;

    return b < FZ_DOMS ? (domid_t)b : b == 3 ? DOMID_SELF : b == 4 ? 9 : (domid_t)fz_bytes(2);
}

static uint32_t fz_vcpu(void)
{
    return fz_byte() % 8U == 0 ? fz_bytes(4) : 0;
}

/* ---- building the machine -------------------------------------------------------------- */

static struct vcpu *fz_domain(unsigned i)
{
    struct vcpu *v = fx_domain((domid_t)i, i == 0 ? SIF_PRIVILEGED | SIF_INITDOMAIN : 0,
                               fz_compat[i] ? FX_FLAT32 : FX_LONG);
    mfn_t m;

    if (domain_alloc_ram((domid_t)i, 0, &m) != 0)
        fz_fail("shared_info frame", i, 0);
    v->domain->guest.shared_info_mfn = m;
    guest_time_shared_info_init(v->domain);
    v->domain->guest.hvm_params[HVM_PARAM_CALLBACK_IRQ] = (2ULL << 56) | 0xF3;
    evtchn_domain_init(v->domain);
    return v;
}

static struct shared_info *fz_si(unsigned i)
{
    return (struct shared_info *)sim_frame(fz_v[i]->domain->guest.shared_info_mfn);
}

/* ---- steps ------------------------------------------------------------------------------ */

static int64_t fz_call(unsigned i, uint64_t nr, uint64_t cmd, const void *arg, size_t len,
                       void *out)
{
    struct vcpu *v = fz_v[i];
    uint64_t addr = fx_addr(v, FZ_ARG_PAGE, 128);
    unsigned hostile = fz_byte() % 16U;
    int64_t rc;

    fx_put(v, FZ_ARG_PAGE, 128, arg, len);
    if (hostile == 0)
        addr = fx_addr(v, FX_HOLE, 0) - len / 2;
    else if (hostile == 1) {
        fx_put(v, FX_RO, 0, arg, len);
        addr = fx_addr(v, FX_RO, 0);
    }
    rc = FX_CALL2(v, nr, cmd, addr);
    if (!fx_declared(nr, rc))
        fz_fail("undeclared result", (long long)nr, rc);
    if (out != NULL && hostile > 1)
        fx_get(v, FZ_ARG_PAGE, 128, out, len);
    else if (out != NULL)
        memcpy(out, arg, len);
    return rc;
}

static bool fz_tables_same(void)
{
    for (unsigned s = 0; s < DOMAIN_MAX; s++)
        if (memcmp(fz_before[s].port, evtchn_table[s].port, sizeof(fz_before[s].port)) != 0 ||
            memcmp(fz_before[s].virq_port, evtchn_table[s].virq_port,
                   sizeof(fz_before[s].virq_port)) != 0)
            return false;
    return true;
}

/* Is port pending in the shared_info of the domain in slot s? */
static bool fz_pending(uint32_t s, uint32_t port)
{
    const struct shared_info *si;

    if (s >= DOMAIN_MAX || port >= EVTCHN_NR_PORTS || !domain_table[s].live)
        return false;
    si = (const struct shared_info *)sim_frame(domain_table[s].guest.shared_info_mfn);
    return si != NULL && (si->evtchn_pending[port / 64] >> (port % 64) & 1U) != 0;
}

static void fz_check_bound(unsigned i, int64_t rc, uint32_t port, uint8_t kind)
{
    uint32_t s = evtchn_slot(fz_v[i]->domain);

    if (rc != 0)
        return;
    if (port == 0 || port >= evtchn_port_limit(fz_v[i]->domain) ||
        evtchn_table[s].port[port].kind != kind)
        fz_fail("bound port not in its state", port, kind);
}

static void fz_evtchn_op(unsigned i)
{
    unsigned op = fz_byte() % 14U;
    uint64_t nr = HYPERVISOR_event_channel_op;
    int64_t rc;

    switch (op) {
    case 0: {
        struct evtchn_alloc_unbound a = { fz_domid(), fz_domid(), 0 }, o;
        rc = fz_call(i, nr, EVTCHNOP_alloc_unbound, &a, sizeof(a), &o);
        if (rc == 0 && (a.dom == DOMID_SELF || a.dom == i))
            fz_check_bound(i, rc, o.port, EVTCHN_UNBOUND);
        break;
    }
    case 1: {
        struct evtchn_bind_interdomain b = { fz_domid(), 0, fz_port(), 0 }, o;
        rc = fz_call(i, nr, EVTCHNOP_bind_interdomain, &b, sizeof(b), &o);
        fz_check_bound(i, rc, o.local_port, EVTCHN_INTERDOMAIN);
        if (rc == 0 && !fz_pending(evtchn_slot(fz_v[i]->domain), o.local_port))
            fz_fail("a new interdomain port starts pending", i, o.local_port);
        break;
    }
    case 2: {
        struct evtchn_bind_virq b = { fz_byte() % 4U == 0 ? fz_bytes(4) : fz_byte() % 4U, fz_vcpu(), 0 }, o;
        rc = fz_call(i, nr, EVTCHNOP_bind_virq, &b, sizeof(b), &o);
        fz_check_bound(i, rc, o.port, EVTCHN_VIRQ);
        break;
    }
    case 3: {
        struct evtchn_bind_ipi b = { fz_vcpu(), 0 }, o;
        rc = fz_call(i, nr, EVTCHNOP_bind_ipi, &b, sizeof(b), &o);
        fz_check_bound(i, rc, o.port, EVTCHN_IPI);
        break;
    }
    case 4: case 5: {
        uint32_t port = fz_port();
        struct evtchn_target t;
        bool target = evtchn_send_target(fz_v[i]->domain, port, &t) == 0 && t.deliver;

        /* The query is the first half of a send: on a port the hypervisor serves it
         * marks the port signalled.  Undo that (nothing else ran since the step's
         * snapshot), so that a refused send (-EFAULT) is still checked to change
         * nothing. */
        memcpy(evtchn_table, fz_before, sizeof(fz_before));
        rc = fz_call(i, nr, EVTCHNOP_send, &port, sizeof(port), NULL);
        if (rc == 0 && target && domain_table[t.slot].live && !fz_pending(t.slot, t.port))
            fz_fail("send did not mark the target pending", t.slot, t.port);
        break;
    }
    case 6: {
        uint32_t port = fz_port();
        rc = fz_call(i, nr, EVTCHNOP_close, &port, sizeof(port), NULL);
        if (rc == 0 && evtchn_table[evtchn_slot(fz_v[i]->domain)].port[port].kind != EVTCHN_FREE)
            fz_fail("closed port not free", i, port);
        break;
    }
    case 7: {
        struct evtchn_status st = { .dom = fz_domid(), .port = fz_port() };
        rc = fz_call(i, nr, EVTCHNOP_status, &st, sizeof(st), &st);
        if (rc == 0 && st.status > EVTCHNSTAT_ipi)
            fz_fail("status out of range", i, st.status);
        break;
    }
    case 8: {
        struct evtchn_bind_vcpu b = { fz_port(), fz_vcpu() };
        rc = fz_call(i, nr, EVTCHNOP_bind_vcpu, &b, sizeof(b), NULL);
        break;
    }
    case 9: case 10: {
        uint32_t port = fz_port();
        rc = fz_call(i, nr, EVTCHNOP_unmask, &port, sizeof(port), NULL);
        break;
    }
    case 11: {
        struct evtchn_reset r = { fz_domid() };
        rc = fz_call(i, nr, EVTCHNOP_reset, &r, sizeof(r), NULL);
        break;
    }
    case 12: {
        uint8_t raw[24];
        for (unsigned k = 0; k < sizeof(raw); k++)
            raw[k] = (uint8_t)fz_byte();
        rc = fz_call(i, nr, fz_byte() % 16U, raw, sizeof(raw), NULL);
        break;
    }
    default: {
        struct xen_hvm_evtchn_upcall_vector u = { fz_vcpu(), (uint8_t)fz_byte(), { 0 } };
        rc = fz_call(i, HYPERVISOR_hvm_op, HVMOP_set_evtchn_upcall_vector, &u, sizeof(u), NULL);
        break;
    }
    }
    /* Sends may mark pending and bind_interdomain's port starts pending; tables only change on success. */
    if (rc < 0 && !fz_tables_same())
        fz_fail("a refused operation changed a port table", op, rc);
}

static void fz_poll(unsigned i)
{
    uint32_t ports[4];
    unsigned n = fz_byte() % 5U;
    struct vcpu *v = fz_v[i];
    int64_t rc;

    for (unsigned k = 0; k < n; k++)
        ports[k] = fz_port();
    fx_put(v, FZ_ARG_PAGE, 512, ports, sizeof(ports));
    if (fz_compat[i]) {
        struct sched_poll_compat c = { (uint32_t)fx_addr(v, FZ_ARG_PAGE, 512), n,
                                       { fz_byte() % 2U ? 0U : fz_bytes(4), 0 } };
        fx_put(v, FZ_ARG_PAGE, 600, &c, sizeof(c));
    } else {
        struct sched_poll p = { fx_addr(v, FZ_ARG_PAGE, 512), n, 0, fz_byte() % 2U ? 0U : fz_bytes(4) };
        fx_put(v, FZ_ARG_PAGE, 600, &p, sizeof(p));
    }
    rc = FX_CALL2(v, HYPERVISOR_sched_op, SCHEDOP_poll, fx_addr(v, FZ_ARG_PAGE, 600));
    if (!fx_declared(HYPERVISOR_sched_op, rc))
        fz_fail("undeclared poll result", i, rc);
}

/* What the guest does to its own bits, and what the hypervisor does meanwhile. */
static void fz_environment(unsigned i)
{
    unsigned what = fz_byte() % 10U;
    uint32_t port = fz_port() % EVTCHN_NR_PORTS;
    struct shared_info *s = fz_si(i);

    switch (what) {
    case 0:
        s->evtchn_mask[port / 64] ^= 1ULL << (port % 64);
        break;
    case 1:
        s->evtchn_pending[port / 64] &= ~(1ULL << (port % 64));
        break;
    case 2:
        s->vcpu_info[0].evtchn_pending_sel = 0;
        s->vcpu_info[0].evtchn_upcall_pending = 0;
        break;
    case 3:
        (void)evtchn_send_virq(fz_v[i], fz_byte() % 4U);
        break;
    case 4:
        (void)evtchn_send_virq_global(fz_v[i]->domain, VIRQ_CONSOLE);
        break;
    case 5:
        (void)evtchn_notify_port(fz_v[i]->domain, fz_port());
        break;
    case 6:
        evtchn_poll_expire(guest_time_now() + fz_bytes(4));
        break;
    case 7: {
        uint32_t hp;
        (void)evtchn_alloc_hv_port(fz_v[i]->domain, &hp);
        (void)evtchn_hv_port_take(fz_v[i]->domain, fz_port());
        break;
    }
    case 8:
        fz_v[i]->run_state = fz_byte() % 2U ? VCPU_BLOCKED : VCPU_RUNNABLE;
        break;
    default:
        /* The domain dies and a new one takes its slot and id. */
        evtchn_domain_destroy(fz_v[i]->domain);
        if (domain_destroy((domid_t)i) != 0)
            fz_fail("domain_destroy", i, 0);
        fz_v[i] = fz_domain(i);
        break;
    }
}

static void fz_check_step(void)
{
    uint8_t vec = 0;

    if (!evtchn_check())
        fz_fail("port table invariant", 0, 0);
    if (!fx_invariants())
        fz_fail("memory invariant", 0, 0);
    for (unsigned i = 0; i < FZ_DOMS; i++)
        if (evtchn_upcall_vector(fz_v[i], &vec) && vec < 0x10)
            fz_fail("upcall vector below 0x10", i, vec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned flags, steps = 0;

    fz_data = data;
    fz_size = size;
    fz_pos = 0;
    fx_machine();
    console_set_serial(false);
    evtchn_reset();
    flags = fz_byte();
    for (unsigned i = 0; i < FZ_DOMS; i++) {
        fz_compat[i] = (flags >> i & 1U) != 0;
        fz_v[i] = fz_domain(i);
    }
    while (fz_pos < fz_size && steps++ < FZ_STEPS) {
        unsigned kind = fz_byte(), i = fz_byte() % FZ_DOMS;

        memcpy(fz_before, evtchn_table, sizeof(fz_before));
        if (kind < 176)
            fz_evtchn_op(i);
        else if (kind < 200)
            fz_poll(i);
        else
            fz_environment(i);
        fz_check_step();
    }
    return 0;
}
