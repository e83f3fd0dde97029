// SPDX-License-Identifier: GPL-2.0-only
/*
 * Event channels: the port state machine (hv/evtchn.h has the rules,
 * spec/evtchn.acsl the invariant every function here keeps).
 *
 * Every operation checks everything first and then changes at most the two
 * ends of one channel and one (vCPU, virq) entry, so a refused operation
 * changes nothing.  Ports are found by a linear scan for the lowest free
 * one, as Xen hands them out (guests do not depend on the order, but logs
 * and tests read better).
 */
#include "hv/evtchn.h"

#include "xen/errno.h"

struct evtchn_domain evtchn_table[DOMAIN_MAX];

uint32_t evtchn_slot(const struct domain *d)
{
    /* A search rather than d - domain_table: the provers compare pointers, not subtract them. */
    /*@ loop invariant 0 <= i <= DOMAIN_MAX;
        loop invariant \forall integer j; 0 <= j < i ==> d != &domain_table[j];
        loop assigns i;
        loop variant DOMAIN_MAX - i; */
    for (uint32_t i = 0; i < DOMAIN_MAX; i++) {
        const struct domain *e = &domain_table[i];

        if (e == d)
            return i;
    }
    return 0;
}

/*@ requires ev_slot(s) && ev_port(p);
    assigns evtchn_table[s].port[p];
    ensures ev_kind(s, p) == kind && evtchn_table[s].port[p].vcpu == vcpu;
    ensures ev_remote(s, p) == remote && ev_aux(s, p) == aux;
    ensures evtchn_table[s].port[p].hv_port == 0 && evtchn_table[s].port[p].hv_signal == 0; */
static void port_set(uint32_t s, uint32_t p, uint8_t kind, uint8_t vcpu, uint16_t remote, uint16_t aux)
{
    evtchn_table[s].port[p].kind = kind;
    evtchn_table[s].port[p].vcpu = vcpu;
    evtchn_table[s].port[p].remote = remote;
    evtchn_table[s].port[p].aux = aux;
    evtchn_table[s].port[p].hv_port = 0;
    evtchn_table[s].port[p].hv_signal = 0;
}

/* The lowest free port below limit, 0 when there is none. */
/*@ requires ev_slot(s) && 0 < limit <= EVTCHN_NR_PORTS;
    assigns \nothing;
    ensures \result == 0 || (0 < \result < limit && ev_kind(s, \result) == EVTCHN_FREE); */
static uint32_t free_port(uint32_t s, uint32_t limit)
{
    /*@ loop invariant 1 <= p <= limit;
        loop assigns p;
        loop variant limit - p; */
    for (uint32_t p = 1; p < limit; p++)
        if (evtchn_table[s].port[p].kind == EVTCHN_FREE)
            return p;
    return 0;
}

uint32_t evtchn_port_limit(const struct domain *d)
{
    return evtchn_table[evtchn_slot(d)].compat ? EVTCHN_2L_NR_CHANNELS_COMPAT : EVTCHN_NR_PORTS;
}

void evtchn_set_compat(struct domain *d, bool compat)
{
    evtchn_table[evtchn_slot(d)].compat = compat;
}

bool evtchn_virq_is_global(uint32_t virq)
{
    return virq != VIRQ_TIMER && virq != VIRQ_DEBUG && virq != VIRQ_XENOPROF && virq != VIRQ_XENPMU;
}

/* ---- closing ---------------------------------------------------------------- */

/* Frees stay free: nothing but the ports named is bound by a close. */
/*@ predicate ev_frees_kept{L1, L2} =
      \forall integer s2, q; ev_slot(s2) && ev_port(q) && \at(ev_kind(s2, q), L1) == EVTCHN_FREE ==>
        \at(ev_kind(s2, q), L2) == EVTCHN_FREE;
*/

/* An interdomain port closes: its peer becomes unbound to s's domain. */
/*@ requires evtchn_inv && ev_slot(s) && 0 < p < EVTCHN_NR_PORTS;
    requires ev_kind(s, p) == EVTCHN_INTERDOMAIN;
    assigns evtchn_table[0 .. DOMAIN_MAX - 1].port[1 .. EVTCHN_NR_PORTS - 1];
    ensures evtchn_inv && ev_kind(s, p) == EVTCHN_FREE && ev_frees_kept{Pre, Post}; */
static void close_interdomain(uint32_t s, uint32_t p)
{
    uint16_t remote = evtchn_table[s].port[p].remote;
    uint16_t aux = evtchn_table[s].port[p].aux;

    port_set(remote, aux, EVTCHN_UNBOUND, evtchn_table[remote].port[aux].vcpu, domain_table[s].id, 0);
    port_set(s, p, EVTCHN_FREE, 0, 0, 0);
}

/* A VIRQ port closes: its (vCPU, virq) entry is cleared. */
/*@ requires evtchn_inv && ev_slot(s) && 0 < p < EVTCHN_NR_PORTS && ev_kind(s, p) == EVTCHN_VIRQ;
    assigns evtchn_table[s].port[p], evtchn_table[s].virq_port[0 .. DOMAIN_MAX_VCPUS - 1][0 .. NR_VIRQS - 1];
    ensures evtchn_inv && ev_kind(s, p) == EVTCHN_FREE && ev_frees_kept{Pre, Post}; */
static void close_virq(uint32_t s, uint32_t p)
{
    evtchn_table[s].virq_port[evtchn_table[s].port[p].remote][evtchn_table[s].port[p].aux] = 0;
    port_set(s, p, EVTCHN_FREE, 0, 0, 0);
}

/* An unbound or IPI port closes: nothing else names it. */
/*@ requires evtchn_inv && ev_slot(s) && 0 < p < EVTCHN_NR_PORTS;
    requires ev_kind(s, p) != EVTCHN_INTERDOMAIN && ev_kind(s, p) != EVTCHN_VIRQ;
    assigns evtchn_table[s].port[p];
    ensures evtchn_inv && ev_kind(s, p) == EVTCHN_FREE && ev_frees_kept{Pre, Post}; */
static void close_plain(uint32_t s, uint32_t p)
{
    port_set(s, p, EVTCHN_FREE, 0, 0, 0);
}

/*
 * Close port p of slot s: its interdomain peer becomes unbound to s's
 * domain, its (vCPU, virq) entry is cleared.  No free port becomes used.
 */
/*@ requires evtchn_inv && ev_slot(s) && 0 < p < EVTCHN_NR_PORTS;
    assigns evtchn_table[0 .. DOMAIN_MAX - 1].port[1 .. EVTCHN_NR_PORTS - 1],
            evtchn_table[s].virq_port[0 .. DOMAIN_MAX_VCPUS - 1][0 .. NR_VIRQS - 1];
    ensures evtchn_inv;
    ensures ev_kind(s, p) == EVTCHN_FREE;
    ensures ev_frees_kept{Pre, Post}; */
static void close_port(uint32_t s, uint32_t p)
{
    uint8_t kind = evtchn_table[s].port[p].kind;

    if (kind == EVTCHN_INTERDOMAIN)
        close_interdomain(s, p);
    else if (kind == EVTCHN_VIRQ)
        close_virq(s, p);
    else
        close_plain(s, p);
}

/* Close every port of slot s (all but the hypervisor's when keep_hv). */
/*@ requires evtchn_inv && ev_slot(s);
    assigns evtchn_table[0 .. DOMAIN_MAX - 1].port[1 .. EVTCHN_NR_PORTS - 1],
            evtchn_table[s].virq_port[0 .. DOMAIN_MAX_VCPUS - 1][0 .. NR_VIRQS - 1];
    ensures evtchn_inv;
    ensures !keep_hv ==> ev_slot_free(s); */
static void close_all(uint32_t s, bool keep_hv)
{
    /*@ loop invariant 1 <= p <= EVTCHN_NR_PORTS;
        loop invariant evtchn_inv;
        loop invariant !keep_hv ==> \forall integer q; 0 <= q < p ==> ev_kind(s, q) == EVTCHN_FREE;
        loop assigns p, evtchn_table[0 .. DOMAIN_MAX - 1].port[1 .. EVTCHN_NR_PORTS - 1],
                     evtchn_table[s].virq_port[0 .. DOMAIN_MAX_VCPUS - 1][0 .. NR_VIRQS - 1];
        loop variant EVTCHN_NR_PORTS - p; */
    for (uint32_t p = 1; p < EVTCHN_NR_PORTS; p++) {
        if (evtchn_table[s].port[p].kind == EVTCHN_FREE ||
            (keep_hv && evtchn_table[s].port[p].hv_port != 0))
            continue;
        close_port(s, p);
    }
}

/* The per-vCPU settings of slot s back to none. */
/*@ requires ev_slot(s);
    assigns evtchn_table[s].upcall_vector[0 .. DOMAIN_MAX_VCPUS - 1],
            evtchn_table[s].polling[0 .. DOMAIN_MAX_VCPUS - 1],
            evtchn_table[s].poll_port[0 .. DOMAIN_MAX_VCPUS - 1],
            evtchn_table[s].poll_deadline[0 .. DOMAIN_MAX_VCPUS - 1],
            evtchn_table[s].compat; */
static void vcpus_clear(uint32_t s)
{
    /*@ loop invariant 0 <= c <= DOMAIN_MAX_VCPUS;
        loop assigns c, evtchn_table[s].upcall_vector[0 .. DOMAIN_MAX_VCPUS - 1],
                     evtchn_table[s].polling[0 .. DOMAIN_MAX_VCPUS - 1],
                     evtchn_table[s].poll_port[0 .. DOMAIN_MAX_VCPUS - 1],
                     evtchn_table[s].poll_deadline[0 .. DOMAIN_MAX_VCPUS - 1];
        loop variant DOMAIN_MAX_VCPUS - c; */
    for (uint32_t c = 0; c < DOMAIN_MAX_VCPUS; c++) {
        evtchn_table[s].upcall_vector[c] = 0;
        evtchn_table[s].polling[c] = false;
        evtchn_table[s].poll_port[c] = 0;
        evtchn_table[s].poll_deadline[c] = 0;
    }
    evtchn_table[s].compat = false;
}

/* Slot s wholly empty, without looking at what it held (evtchn_reset only). */
/*@ requires ev_slot(s);
    assigns evtchn_table[s];
    ensures ev_slot_clean(s); */
static void slot_wipe(uint32_t s)
{
    /*@ loop invariant 0 <= p <= EVTCHN_NR_PORTS;
        loop invariant \forall integer q; 0 <= q < p ==>
                         ev_kind(s, q) == EVTCHN_FREE && evtchn_table[s].port[q].vcpu == 0;
        loop assigns p, evtchn_table[s].port[0 .. EVTCHN_NR_PORTS - 1];
        loop variant EVTCHN_NR_PORTS - p; */
    for (uint32_t p = 0; p < EVTCHN_NR_PORTS; p++)
        port_set(s, p, EVTCHN_FREE, 0, 0, 0);
    /*@ loop invariant 0 <= c <= DOMAIN_MAX_VCPUS;
        loop invariant \forall integer c2, q; 0 <= c2 < c && ev_virq(q) ==>
                         evtchn_table[s].virq_port[c2][q] == 0;
        loop assigns c, evtchn_table[s].virq_port[0 .. DOMAIN_MAX_VCPUS - 1][0 .. NR_VIRQS - 1];
        loop variant DOMAIN_MAX_VCPUS - c; */
    for (uint32_t c = 0; c < DOMAIN_MAX_VCPUS; c++) {
        /*@ loop invariant 0 <= q <= NR_VIRQS;
            loop invariant \forall integer c2, q2; 0 <= c2 < c && ev_virq(q2) ==>
                             evtchn_table[s].virq_port[c2][q2] == 0;
            loop invariant \forall integer q2; 0 <= q2 < q ==> evtchn_table[s].virq_port[c][q2] == 0;
            loop assigns q, evtchn_table[s].virq_port[c][0 .. NR_VIRQS - 1];
            loop variant NR_VIRQS - q; */
        for (uint32_t q = 0; q < NR_VIRQS; q++)
            evtchn_table[s].virq_port[c][q] = 0;
    }
    vcpus_clear(s);
    evtchn_table[s].owner = DOMID_INVALID;
}

void evtchn_reset(void)
{
    /*@ loop invariant 0 <= s <= DOMAIN_MAX;
        loop invariant \forall integer s2; 0 <= s2 < s ==> ev_slot_clean(s2);
        loop assigns s, evtchn_table[0 .. DOMAIN_MAX - 1];
        loop variant DOMAIN_MAX - s; */
    for (uint32_t s = 0; s < DOMAIN_MAX; s++)
        slot_wipe(s);
}

void evtchn_domain_init(struct domain *d)
{
    uint32_t s = evtchn_slot(d);

    close_all(s, false);
    vcpus_clear(s);
    evtchn_table[s].owner = d->id;
}

void evtchn_domain_destroy(struct domain *d)
{
    uint32_t s = evtchn_slot(d);

    close_all(s, false);
    vcpus_clear(s);
    evtchn_table[s].owner = DOMID_INVALID;
}

int evtchn_close(struct domain *d, uint32_t port)
{
    uint32_t s = evtchn_slot(d);

    /* Port 0 is always free; saying so spares the provers a step. */
    if (port == 0 || port >= evtchn_port_limit(d) || evtchn_table[s].port[port].kind == EVTCHN_FREE ||
        evtchn_table[s].port[port].hv_port != 0)
        return -XEN_EINVAL;
    close_port(s, port);
    return 0;
}

/* ---- binding ---------------------------------------------------------------- */

int evtchn_alloc_unbound(struct domain *d, domid_t remote, uint32_t *port)
{
    uint32_t s = evtchn_slot(d);
    uint32_t p = free_port(s, evtchn_port_limit(d));

    if (p == 0)
        return -XEN_ENOSPC;
    port_set(s, p, EVTCHN_UNBOUND, 0, remote, 0);
    *port = p;
    return 0;
}

int evtchn_alloc_hv_port(struct domain *d, uint32_t *port)
{
    uint32_t s = evtchn_slot(d);
    uint32_t p = free_port(s, evtchn_port_limit(d));

    if (p == 0)
        return -XEN_ENOSPC;
    /* Unbound to DOMID_XEN: no guest can bind to it. */
    port_set(s, p, EVTCHN_UNBOUND, 0, DOMID_XEN, 0);
    evtchn_table[s].port[p].hv_port = 1;
    *port = p;
    return 0;
}

int evtchn_bind_interdomain(struct vcpu *v, struct domain *rd, uint32_t rport, uint32_t *lport)
{
    uint32_t ls = evtchn_slot(v->domain), rs = evtchn_slot(rd);
    uint32_t lp = free_port(ls, evtchn_port_limit(v->domain));
    uint8_t rvcpu;

    if (lp == 0)
        return -XEN_ENOSPC;
    if (rport == 0 || rport >= evtchn_port_limit(rd) ||
        evtchn_table[rs].port[rport].kind != EVTCHN_UNBOUND ||
        evtchn_table[rs].port[rport].remote != v->domain->id)
        return -XEN_EINVAL;
    rvcpu = evtchn_table[rs].port[rport].vcpu;
    port_set(ls, lp, EVTCHN_INTERDOMAIN, (uint8_t)v->id, (uint16_t)rs, (uint16_t)rport);
    port_set(rs, rport, EVTCHN_INTERDOMAIN, rvcpu, (uint16_t)ls, (uint16_t)lp);
    *lport = lp;
    return 0;
}

/*@ requires evtchn_dom_ok(d);
    assigns \nothing;
    ensures \result ==> vcpu < DOMAIN_MAX_VCPUS; */
static bool vcpu_exists(const struct domain *d, uint32_t vcpu)
{
    return vcpu < d->guest.nr_vcpus && vcpu < DOMAIN_MAX_VCPUS;
}

int evtchn_bind_virq(struct domain *d, uint32_t virq, uint32_t vcpu, uint32_t *port)
{
    uint32_t s = evtchn_slot(d), p;

    if (virq >= NR_VIRQS || (evtchn_virq_is_global(virq) && vcpu != 0))
        return -XEN_EINVAL;
    if (!vcpu_exists(d, vcpu))
        return -XEN_ENOENT;
    if (evtchn_table[s].virq_port[vcpu][virq] != 0)
        return -XEN_EEXIST;
    p = free_port(s, evtchn_port_limit(d));
    if (p == 0)
        return -XEN_ENOSPC;
    port_set(s, p, EVTCHN_VIRQ, (uint8_t)vcpu, (uint16_t)vcpu, (uint16_t)virq);
    evtchn_table[s].virq_port[vcpu][virq] = (uint16_t)p;
    *port = p;
    return 0;
}

int evtchn_bind_ipi(struct domain *d, uint32_t vcpu, uint32_t *port)
{
    uint32_t s = evtchn_slot(d), p;

    if (!vcpu_exists(d, vcpu))
        return -XEN_ENOENT;
    p = free_port(s, evtchn_port_limit(d));
    if (p == 0)
        return -XEN_ENOSPC;
    port_set(s, p, EVTCHN_IPI, (uint8_t)vcpu, 0, 0);
    *port = p;
    return 0;
}

int evtchn_bind_vcpu(struct domain *d, uint32_t port, uint32_t vcpu)
{
    uint32_t s = evtchn_slot(d);
    uint8_t kind;

    if (!vcpu_exists(d, vcpu))
        return -XEN_ENOENT;
    if (port == 0 || port >= evtchn_port_limit(d))
        return -XEN_EINVAL;
    kind = evtchn_table[s].port[port].kind;
    /* A per-vCPU virq and an IPI name their vCPU for good. */
    if (kind != EVTCHN_UNBOUND && kind != EVTCHN_INTERDOMAIN &&
        !(kind == EVTCHN_VIRQ && evtchn_virq_is_global(evtchn_table[s].port[port].aux)))
        return -XEN_EINVAL;
    evtchn_table[s].port[port].vcpu = (uint8_t)vcpu;
    return 0;
}

/* ---- queries ---------------------------------------------------------------- */

int evtchn_status(const struct domain *d, uint32_t port, struct evtchn_info *st)
{
    uint32_t s = evtchn_slot(d);
    struct evtchn_port e;
    struct evtchn_info r;

    if (port >= evtchn_port_limit(d))
        return -XEN_EINVAL;
    e = evtchn_table[s].port[port];
    r = (struct evtchn_info){ .status = EVTCHNSTAT_closed, .vcpu = e.vcpu };
    if (e.kind == EVTCHN_UNBOUND) {
        r.status = EVTCHNSTAT_unbound;
        r.dom = e.remote;
    } else if (e.kind == EVTCHN_INTERDOMAIN) {
        r.status = EVTCHNSTAT_interdomain;
        r.dom = domain_table[e.remote].id;
        r.port = e.aux;
    } else if (e.kind == EVTCHN_VIRQ) {
        r.status = EVTCHNSTAT_virq;
        r.virq = e.aux;
    } else if (e.kind == EVTCHN_IPI) {
        r.status = EVTCHNSTAT_ipi;
    }
    /* Field by field: the provers see through these, not through a struct copy. */
    st->status = r.status;
    st->vcpu = r.vcpu;
    st->dom = r.dom;
    st->port = r.port;
    st->virq = r.virq;
    return 0;
}

int evtchn_send_target(struct domain *d, uint32_t port, struct evtchn_target *t)
{
    uint32_t s = evtchn_slot(d);
    uint8_t kind;

    t->deliver = false;
    t->slot = s;
    t->port = 0;
    if (port == 0 || port >= evtchn_port_limit(d))
        return -XEN_EINVAL;
    kind = evtchn_table[s].port[port].kind;
    if (kind == EVTCHN_INTERDOMAIN) {
        t->deliver = true;
        t->slot = evtchn_table[s].port[port].remote;
        t->port = evtchn_table[s].port[port].aux;
        return 0;
    }
    if (kind == EVTCHN_IPI) {
        t->deliver = true;
        t->port = port;
        return 0;
    }
    if (kind != EVTCHN_UNBOUND)
        return -XEN_EINVAL;
    if (evtchn_table[s].port[port].hv_port != 0)
        evtchn_table[s].port[port].hv_signal = 1;
    return 0;
}

uint32_t evtchn_virq_port(const struct domain *d, uint32_t vcpu, uint32_t virq)
{
    uint32_t c = evtchn_virq_is_global(virq) ? 0 : vcpu;

    if (virq >= NR_VIRQS || c >= DOMAIN_MAX_VCPUS)
        return 0;
    return evtchn_table[evtchn_slot(d)].virq_port[c][virq];
}

bool evtchn_hv_port_take(struct domain *d, uint32_t port)
{
    uint32_t s = evtchn_slot(d);

    if (port == 0 || port >= EVTCHN_NR_PORTS || evtchn_table[s].port[port].hv_signal == 0)
        return false;
    evtchn_table[s].port[port].hv_signal = 0;
    return true;
}

/* ---- the whole-table check (tests, fuzzers) ------------------------------------ */

/*@ requires ev_slot(s) && ev_port(p);
    assigns \nothing; */
static bool port_ok(uint32_t s, uint32_t p)
{
    const struct evtchn_port *e = &evtchn_table[s].port[p];

    if (e->kind > EVTCHN_IPI || e->vcpu >= DOMAIN_MAX_VCPUS || (p == 0 && e->kind != EVTCHN_FREE))
        return false;
    if (e->kind == EVTCHN_INTERDOMAIN) {
        const struct evtchn_port *peer;

        if (e->remote >= DOMAIN_MAX || e->aux == 0 || e->aux >= EVTCHN_NR_PORTS)
            return false;
        peer = &evtchn_table[e->remote].port[e->aux];
        return peer->kind == EVTCHN_INTERDOMAIN && peer->remote == s && peer->aux == p;
    }
    if (e->kind == EVTCHN_VIRQ)
        return e->remote < DOMAIN_MAX_VCPUS && e->aux < NR_VIRQS &&
               evtchn_table[s].virq_port[e->remote][e->aux] == p;
    return e->hv_port == 0 || e->kind == EVTCHN_UNBOUND;
}

/*@ requires ev_slot(s) && ev_vcpu(c) && ev_virq(q);
    assigns \nothing; */
static bool virq_ok(uint32_t s, uint32_t c, uint32_t q)
{
    uint32_t p = evtchn_table[s].virq_port[c][q];

    return p == 0 || (p < EVTCHN_NR_PORTS && evtchn_table[s].port[p].kind == EVTCHN_VIRQ &&
                      evtchn_table[s].port[p].remote == c && evtchn_table[s].port[p].aux == q);
}

bool evtchn_check(void)
{
    /*@ loop invariant 0 <= s <= DOMAIN_MAX;
        loop assigns s;
        loop variant DOMAIN_MAX - s; */
    for (uint32_t s = 0; s < DOMAIN_MAX; s++) {
        /*@ loop invariant 0 <= p <= EVTCHN_NR_PORTS;
            loop assigns p;
            loop variant EVTCHN_NR_PORTS - p; */
        for (uint32_t p = 0; p < EVTCHN_NR_PORTS; p++)
            if (!port_ok(s, p))
                return false;
        /*@ loop invariant 0 <= c <= DOMAIN_MAX_VCPUS;
            loop assigns c;
            loop variant DOMAIN_MAX_VCPUS - c; */
        for (uint32_t c = 0; c < DOMAIN_MAX_VCPUS; c++)
            /*@ loop invariant 0 <= q <= NR_VIRQS;
                loop assigns q;
                loop variant NR_VIRQS - q; */
            for (uint32_t q = 0; q < NR_VIRQS; q++)
                if (!virq_ok(s, c, q))
                    return false;
    }
    return true;
}
