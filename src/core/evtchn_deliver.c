// SPDX-License-Identifier: GPL-2.0-only
/*
 * Event delivery in Xen's 2-level ABI: pending and mask bits in the guest's
 * shared_info, the selector word and upcall flag in the notify vCPU's
 * vcpu_info, the upcall vector the scheduler injects, and SCHEDOP_poll's
 * waiters.  All of it is guest memory that the guest changes behind our
 * back, so every bit is read from and written to the guest's own frames
 * (one physical CPU: no other writer runs meanwhile, so a read-modify-write
 * of one byte is as good as an atomic bit operation here).  Bitmaps are
 * handled byte-wise: bit n is bit n % 8 of byte n / 8 for 64-bit and 32-bit
 * guests alike (little endian); only the selector's place and width differ.
 */
#include "hv/evtchn.h"

#include "hv/guest_time.h"
#include "hv/sched.h"
#include "xen/errno.h"

/*
 * vcpu_kick (hv/sched.h) as this file relies on it; the contract belongs on
 * the prototype in hv/sched.h and is repeated here until it is there.
 */
/*@ requires \valid(v) && \valid_read(v->domain);
    assigns v->run_state; */
void vcpu_kick(struct vcpu *v);

#define SHINFO_PENDING      2048U   /* shared_info.evtchn_pending */
#define SHINFO_MASK         2560U   /* shared_info.evtchn_mask */
#define VI_UPCALL_PENDING   0U      /* vcpu_info.evtchn_upcall_pending */
#define BIT_READ            2       /* bit_swap: only read */
#define UPCALL_VECTOR_MIN   0x10U   /* vectors below are exceptions */

/*
 * Bit `bit` of the shared_info bitmap at byte `base`: its old value (0 or
 * 1), then set to val (0 or 1; BIT_READ leaves it).  -1 without a frame.
 */
/*@ requires evtchn_dom_ok(d) && bit < EVTCHN_NR_PORTS && base <= SHINFO_MASK;
    requires val == 0 || val == 1 || val == BIT_READ;
    assigns \nothing;
    ensures -1 <= \result <= 1; */
static int bit_swap(const struct domain *d, uint32_t base, uint32_t bit, int val)
{
    uint32_t off = base + bit / 8U;
    uint8_t mask = (uint8_t)(1U << (bit % 8U));
    uint8_t b = 0;
    int old;

    if (evtchn_shinfo_read8(d, off, &b) != 0)
        return -1;
    old = (b & mask) != 0 ? 1 : 0;
    if (val == BIT_READ || val == old)
        return old;
    b = val != 0 ? (uint8_t)(b | mask) : (uint8_t)(b & (uint8_t)~mask);
    return evtchn_shinfo_write8(d, off, b) == 0 ? old : -1;
}

/*
 * Port's selector bit and the upcall flag in v's vcpu_info; v is kicked
 * when the selector bit was clear.  The selector is 64 bits at offset 8,
 * or 32 bits at offset 4 for a 32-bit guest.
 */
/*@ requires evtchn_vcpu_ok(v) && port < EVTCHN_NR_PORTS;
    assigns v->run_state; */
static void vcpu_mark(struct vcpu *v, uint32_t port, bool compat)
{
    uint32_t word = compat ? port / 32U : port / 64U;
    uint32_t off = compat ? XEN_VCPU_INFO_COMPAT_PENDING_SEL_OFF : XEN_VCPU_INFO_PENDING_SEL_OFF;
    uint8_t mask = (uint8_t)(1U << (word % 8U));
    /* char: the type guest_time's contracts describe the buffers with. */
    char c = 0;
    static const char one = 1;

    if (compat && port >= EVTCHN_2L_NR_CHANNELS_COMPAT)
        return;
    off += word / 8U;
    if (guest_time_vcpu_info_read(v, off, &c, 1) != 0 || ((uint8_t)c & mask) != 0)
        return;
    c = (char)((uint8_t)c | mask);
    if (guest_time_vcpu_info_write(v, off, &c, 1) != 0)
        return;
    (void)guest_time_vcpu_info_write(v, VI_UPCALL_PENDING, &one, 1);
    vcpu_kick(v);
}

/* The vCPU told about port of slot s, when it exists. */
/*@ requires evtchn_inv && evtchn_dom_ok(d) && port < EVTCHN_NR_PORTS;
    assigns \nothing;
    ensures \result == \null || (evtchn_vcpu_ok(\result) && \result->domain == d); */
static struct vcpu *notify_vcpu(struct domain *d, uint32_t port)
{
    uint32_t c = evtchn_table[evtchn_slot(d)].port[port].vcpu;

    if (c >= d->guest.nr_vcpus || c >= DOMAIN_MAX_VCPUS || d->guest.vcpus[c].domain != d ||
        d->guest.vcpus[c].id != c)
        return NULL;
    return &d->guest.vcpus[c];
}

/* vCPUs of d polling port (or several ports) wake up. */
/*@ requires evtchn_dom_ok(d);
    assigns evtchn_table[0 .. DOMAIN_MAX - 1].polling[0 .. DOMAIN_MAX_VCPUS - 1],
            domain_table[0 .. DOMAIN_MAX - 1].guest.vcpus[0 .. DOMAIN_MAX_VCPUS - 1].run_state; */
static void wake_pollers(struct domain *d, uint32_t port)
{
    uint32_t s = evtchn_slot(d);

    /*@ loop invariant 0 <= c <= DOMAIN_MAX_VCPUS;
        loop assigns c, evtchn_table[s].polling[0 .. DOMAIN_MAX_VCPUS - 1],
                     d->guest.vcpus[0 .. DOMAIN_MAX_VCPUS - 1].run_state;
        loop variant DOMAIN_MAX_VCPUS - c; */
    for (uint32_t c = 0; c < DOMAIN_MAX_VCPUS; c++) {
        if (!evtchn_table[s].polling[c] ||
            (evtchn_table[s].poll_port[c] != 0 && evtchn_table[s].poll_port[c] != port))
            continue;
        evtchn_table[s].polling[c] = false;
        if (c < d->guest.nr_vcpus && d->guest.vcpus[c].domain == d)
            vcpu_kick(&d->guest.vcpus[c]);
    }
}

void evtchn_set_pending(struct domain *d, uint32_t port)
{
    struct vcpu *v;

    if (bit_swap(d, SHINFO_PENDING, port, 1) != 0)
        return;                       /* already pending, or no shared_info */
    v = notify_vcpu(d, port);
    if (bit_swap(d, SHINFO_MASK, port, BIT_READ) == 0 && v != NULL)
        vcpu_mark(v, port, evtchn_table[evtchn_slot(d)].compat);
    /* A masked port still ends a poll of it (how guests wait for a masked IPI). */
    wake_pollers(d, port);
}

void evtchn_clear_pending(struct domain *d, uint32_t port)
{
    if (port < EVTCHN_NR_PORTS)
        (void)bit_swap(d, SHINFO_PENDING, port, 0);
}

bool evtchn_is_pending(const struct domain *d, uint32_t port)
{
    return port < EVTCHN_NR_PORTS && bit_swap(d, SHINFO_PENDING, port, BIT_READ) == 1;
}

int evtchn_send(struct domain *d, uint32_t port)
{
    struct evtchn_target t;
    int rc = evtchn_send_target(d, port, &t);

    if (rc != 0)
        return rc;
    if (t.deliver)
        evtchn_set_pending(&domain_table[t.slot], t.port);
    return 0;
}

int evtchn_unmask(struct domain *d, uint32_t port)
{
    struct vcpu *v;

    if (port >= evtchn_port_limit(d))
        return -XEN_EINVAL;
    /* Only a port that was masked and is pending raises the upcall it missed. */
    if (bit_swap(d, SHINFO_MASK, port, 0) == 1 && bit_swap(d, SHINFO_PENDING, port, BIT_READ) == 1) {
        v = notify_vcpu(d, port);
        if (v != NULL)
            vcpu_mark(v, port, evtchn_table[evtchn_slot(d)].compat);
    }
    return 0;
}

int evtchn_send_virq(struct vcpu *v, uint32_t virq)
{
    uint32_t port = evtchn_virq_port(v->domain, v->id, virq);

    if (port == 0)
        return -XEN_ENOENT;
    evtchn_set_pending(v->domain, port);
    return 0;
}

int evtchn_send_virq_global(struct domain *d, uint32_t virq)
{
    uint32_t port = evtchn_virq_port(d, 0, virq);

    if (port == 0)
        return -XEN_ENOENT;
    evtchn_set_pending(d, port);
    return 0;
}

int evtchn_notify_port(struct domain *d, uint32_t port)
{
    if (port >= evtchn_port_limit(d) || evtchn_table[evtchn_slot(d)].port[port].kind == EVTCHN_FREE)
        return -XEN_EINVAL;
    evtchn_set_pending(d, port);
    return 0;
}

/* ---- the upcall ---------------------------------------------------------------- */

bool evtchn_upcall_vector(const struct vcpu *v, uint8_t *vector)
{
    uint8_t vec = evtchn_table[evtchn_slot(v->domain)].upcall_vector[v->id];
    uint64_t cb = v->domain->guest.hvm_params[HVM_PARAM_CALLBACK_IRQ];
    char pending = 0;

    if (vec == 0 && (cb >> HVM_PARAM_CALLBACK_TYPE_SHIFT) == HVM_PARAM_CALLBACK_TYPE_VECTOR)
        vec = (uint8_t)cb;
    if (vec < UPCALL_VECTOR_MIN)
        return false;
    if (guest_time_vcpu_info_read(v, VI_UPCALL_PENDING, &pending, 1) != 0 || pending == 0)
        return false;
    *vector = vec;
    return true;
}

void evtchn_set_upcall_vector(struct vcpu *v, uint8_t vector)
{
    evtchn_table[evtchn_slot(v->domain)].upcall_vector[v->id] = vector;
}

/* ---- SCHEDOP_poll -------------------------------------------------------------- */

void evtchn_poll_begin(struct vcpu *v, uint32_t port, uint64_t deadline)
{
    uint32_t s = evtchn_slot(v->domain);

    evtchn_table[s].polling[v->id] = true;
    evtchn_table[s].poll_port[v->id] = port;
    evtchn_table[s].poll_deadline[v->id] = deadline;
}

void evtchn_poll_end(struct vcpu *v)
{
    evtchn_table[evtchn_slot(v->domain)].polling[v->id] = false;
}

/* Slot s's vCPU c is blocked in a poll with a deadline. */
/*@ requires ev_slot(s) && ev_vcpu(c);
    assigns \nothing; */
static bool poll_timed(uint32_t s, uint32_t c)
{
    const struct domain *d = &domain_table[s];

    return evtchn_table[s].polling[c] && evtchn_table[s].poll_deadline[c] != 0 &&
           c < d->guest.nr_vcpus && d->guest.vcpus[c].run_state == VCPU_BLOCKED;
}

void evtchn_poll_expire(uint64_t now)
{
    /*@ loop invariant 0 <= s <= DOMAIN_MAX;
        loop assigns s, evtchn_table[0 .. DOMAIN_MAX - 1].polling[0 .. DOMAIN_MAX_VCPUS - 1],
                     domain_table[0 .. DOMAIN_MAX - 1].guest.vcpus[0 .. DOMAIN_MAX_VCPUS - 1].run_state;
        loop variant DOMAIN_MAX - s; */
    for (uint32_t s = 0; s < DOMAIN_MAX; s++) {
        /*@ loop invariant 0 <= c <= DOMAIN_MAX_VCPUS;
            loop assigns c, evtchn_table[s].polling[0 .. DOMAIN_MAX_VCPUS - 1],
                         domain_table[s].guest.vcpus[0 .. DOMAIN_MAX_VCPUS - 1].run_state;
            loop variant DOMAIN_MAX_VCPUS - c; */
        for (uint32_t c = 0; c < DOMAIN_MAX_VCPUS; c++) {
            if (!poll_timed(s, c) || evtchn_table[s].poll_deadline[c] > now)
                continue;
            evtchn_table[s].polling[c] = false;
            if (domain_table[s].guest.vcpus[c].domain == &domain_table[s])
                vcpu_kick(&domain_table[s].guest.vcpus[c]);
        }
    }
}

uint64_t evtchn_poll_next_deadline(void)
{
    uint64_t best = 0;

    /*@ loop invariant 0 <= s <= DOMAIN_MAX;
        loop assigns s, best;
        loop variant DOMAIN_MAX - s; */
    for (uint32_t s = 0; s < DOMAIN_MAX; s++) {
        /*@ loop invariant 0 <= c <= DOMAIN_MAX_VCPUS;
            loop assigns c, best;
            loop variant DOMAIN_MAX_VCPUS - c; */
        for (uint32_t c = 0; c < DOMAIN_MAX_VCPUS; c++) {
            uint64_t t = evtchn_table[s].poll_deadline[c];

            if (poll_timed(s, c) && (best == 0 || t < best))
                best = t;
        }
    }
    return best;
}
