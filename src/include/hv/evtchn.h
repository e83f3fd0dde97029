/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Event channels, Xen's 2-level ABI (docs/EVENT-CHANNELS.md).
 *
 * Each domain slot of domain_table has a table of EVTCHN_NR_PORTS ports
 * (1024 usable by a 32-bit guest).  A port is FREE, UNBOUND (waiting for
 * domain `remote` to bind to it), INTERDOMAIN (linked to port `aux` of the
 * domain in slot `remote`), VIRQ (virq `aux` of vCPU `remote`) or IPI; each
 * has a notify vCPU.  Port 0 is never allocated.  The tables live here,
 * indexed by slot, so struct domain needs no field for them.
 *
 * evtchn.c keeps the state machine (every change preserves evtchn_inv,
 * spec/evtchn.acsl); evtchn_deliver.c marks ports pending in the guest's own
 * frames: the pending and mask bitmaps of shared_info and the selector and
 * upcall flag of the notify vCPU's vcpu_info (the registered one, else its
 * shared_info slot).  Pending and mask bits are the guest's: nothing here
 * keeps a private copy.
 */
#ifndef HV_EVTCHN_H
#define HV_EVTCHN_H

#include "hv/domain.h"
#include "xen/event_channel.h"

#define EVTCHN_NR_PORTS EVTCHN_2L_NR_CHANNELS

/* Port states. */
#define EVTCHN_FREE        0
#define EVTCHN_UNBOUND     1
#define EVTCHN_INTERDOMAIN 2
#define EVTCHN_VIRQ        3
#define EVTCHN_IPI         4

struct evtchn_port {
    uint8_t kind;           /* EVTCHN_* */
    uint8_t vcpu;           /* the vCPU told when the port becomes pending */
    uint16_t remote;        /* UNBOUND: domid that may bind; INTERDOMAIN: peer slot; VIRQ: vCPU */
    uint16_t aux;           /* INTERDOMAIN: peer port; VIRQ: virq */
    uint8_t hv_port;        /* an unbound port the hypervisor serves (evtchn_alloc_hv_port) */
    uint8_t hv_signal;      /* ... that the guest sent on since the backend last looked */
};

/* A domain slot's event-channel state. */
struct evtchn_domain {
    domid_t owner;                              /* domain the table belongs to; DOMID_INVALID: none */
    bool compat;                                /* 32-bit layouts (latched from its hypercalls) */
    uint8_t upcall_vector[DOMAIN_MAX_VCPUS];    /* HVMOP_set_evtchn_upcall_vector; 0: none */
    bool polling[DOMAIN_MAX_VCPUS];             /* blocked in SCHEDOP_poll */
    uint32_t poll_port[DOMAIN_MAX_VCPUS];       /* the one port polled; 0: several */
    uint64_t poll_deadline[DOMAIN_MAX_VCPUS];   /* system time; 0: none */
    uint16_t virq_port[DOMAIN_MAX_VCPUS][NR_VIRQS];  /* port bound to (vCPU, virq); 0: none */
    struct evtchn_port port[EVTCHN_NR_PORTS];
};

/* Only evtchn.c and evtchn_deliver.c write this; tests and contracts read it. */
extern struct evtchn_domain evtchn_table[DOMAIN_MAX];

#include "../../../spec/evtchn.acsl"

/* What EVTCHNOP_status reports of a port. */
struct evtchn_info {
    uint32_t status;        /* EVTCHNSTAT_* */
    uint32_t vcpu;          /* notify vCPU */
    domid_t dom;            /* unbound: who may bind; interdomain: the peer domain */
    uint32_t port;          /* interdomain: the peer port */
    uint32_t virq;          /* virq */
};

/* Where a send on a port goes (evtchn_send_target). */
struct evtchn_target {
    bool deliver;           /* false: an unbound port, nothing to do */
    uint32_t slot;          /* domain slot and port to mark pending */
    uint32_t port;
};

/* ---- the state machine (evtchn.c) ------------------------------------------- */

/* d's index in domain_table, which indexes evtchn_table too. */
/*@ requires evtchn_dom_ok(d);
    assigns \nothing;
    ensures ev_slot(\result) && d == &domain_table[\result]; */
uint32_t evtchn_slot(const struct domain *d);

/* Every table empty (machine reset; tests and fuzzers). */
/*@ assigns evtchn_table[0 .. DOMAIN_MAX - 1];
    ensures evtchn_inv;
    ensures \forall integer s; ev_slot(s) ==> ev_slot_free(s); */
void evtchn_reset(void);

/* d was created: all its ports free (stale bindings of its slot are closed first). */
/*@ requires evtchn_inv && evtchn_dom_ok(d);
    assigns evtchn_table[0 .. DOMAIN_MAX - 1];
    ensures evtchn_inv;
    ensures \forall integer i; dom_slot_ok(i) && d == &domain_table[i] ==> ev_slot_free(i);
    ensures \forall integer i; dom_slot_ok(i) && d == &domain_table[i] ==> evtchn_table[i].owner == d->id; */
void evtchn_domain_init(struct domain *d);

/* d goes away: every port closed; interdomain peers become unbound (to d). */
/*@ requires evtchn_inv && evtchn_dom_ok(d);
    assigns evtchn_table[0 .. DOMAIN_MAX - 1];
    ensures evtchn_inv;
    ensures \forall integer i; dom_slot_ok(i) && d == &domain_table[i] ==> ev_slot_free(i);
    ensures \forall integer i; dom_slot_ok(i) && d == &domain_table[i] ==> evtchn_table[i].owner == DOMID_INVALID; */
void evtchn_domain_destroy(struct domain *d);

/* The ports d may use: 1024 for a 32-bit guest, else EVTCHN_NR_PORTS. */
/*@ requires evtchn_dom_ok(d);
    assigns \nothing;
    ensures 0 < \result <= EVTCHN_NR_PORTS; */
uint32_t evtchn_port_limit(const struct domain *d);

/* Latch d's layout (32-bit guest or not) from the mode of its latest call. */
/*@ requires evtchn_dom_ok(d);
    assigns evtchn_table[0 .. DOMAIN_MAX - 1].compat; */
void evtchn_set_compat(struct domain *d, bool compat);

/* A new port of d, unbound, that domain `remote` may bind to.  0 or -XEN_ENOSPC. */
/*@ requires evtchn_inv && evtchn_dom_ok(d) && \valid(port);
    assigns evtchn_table[0 .. DOMAIN_MAX - 1].port[1 .. EVTCHN_NR_PORTS - 1], *port;
    ensures evtchn_inv;
    ensures \result == 0 || \result == -XEN_ENOSPC;
    ensures \result == 0 ==> 0 < *port < EVTCHN_NR_PORTS;
    ensures \result == 0 ==> \forall integer i; dom_slot_ok(i) && d == &domain_table[i] ==>
              ev_kind(i, *port) == EVTCHN_UNBOUND; */
int evtchn_alloc_unbound(struct domain *d, domid_t remote, uint32_t *port);

/* An unbound port of d only the hypervisor uses (its console backend): the guest cannot close it. */
/*@ requires evtchn_inv && evtchn_dom_ok(d) && \valid(port);
    assigns evtchn_table[0 .. DOMAIN_MAX - 1].port[1 .. EVTCHN_NR_PORTS - 1], *port;
    ensures evtchn_inv;
    ensures \result == 0 || \result == -XEN_ENOSPC; */
int evtchn_alloc_hv_port(struct domain *d, uint32_t *port);

/*
 * v's domain binds a new port to rd's unbound port rport (which must name
 * v's domain); v is notified.  0, -XEN_ENOSPC (no free port), -XEN_EINVAL.
 */
/*@ requires evtchn_inv && evtchn_vcpu_ok(v) && evtchn_dom_ok(rd) && \valid(lport);
    assigns evtchn_table[0 .. DOMAIN_MAX - 1].port[1 .. EVTCHN_NR_PORTS - 1], *lport;
    ensures evtchn_inv;
    ensures \result == 0 || \result == -XEN_ENOSPC || \result == -XEN_EINVAL;
    ensures \result == 0 ==> 0 < *lport < EVTCHN_NR_PORTS; */
int evtchn_bind_interdomain(struct vcpu *v, struct domain *rd, uint32_t rport, uint32_t *lport);

/*
 * A port of d for virq on vCPU vcpu (global virqs: vCPU 0 only).  0,
 * -XEN_EINVAL (no such virq, global virq on another vCPU), -XEN_ENOENT (no
 * such vCPU), -XEN_EEXIST (already bound), -XEN_ENOSPC.
 */
/*@ requires evtchn_inv && evtchn_dom_ok(d) && \valid(port);
    assigns evtchn_table[0 .. DOMAIN_MAX - 1], *port;
    ensures evtchn_inv;
    ensures \result == 0 || \result == -XEN_EINVAL || \result == -XEN_ENOENT ||
            \result == -XEN_EEXIST || \result == -XEN_ENOSPC;
    ensures \result == 0 ==> 0 < *port < EVTCHN_NR_PORTS; */
int evtchn_bind_virq(struct domain *d, uint32_t virq, uint32_t vcpu, uint32_t *port);

/* A port of d for IPIs to vCPU vcpu.  0, -XEN_ENOENT, -XEN_ENOSPC. */
/*@ requires evtchn_inv && evtchn_dom_ok(d) && \valid(port);
    assigns evtchn_table[0 .. DOMAIN_MAX - 1].port[1 .. EVTCHN_NR_PORTS - 1], *port;
    ensures evtchn_inv;
    ensures \result == 0 || \result == -XEN_ENOENT || \result == -XEN_ENOSPC;
    ensures \result == 0 ==> 0 < *port < EVTCHN_NR_PORTS; */
int evtchn_bind_ipi(struct domain *d, uint32_t vcpu, uint32_t *port);

/*
 * The guest closes port: free again; an interdomain peer becomes unbound
 * (to d).  0, or -XEN_EINVAL (beyond the limit, free, or a hypervisor port).
 */
/*@ requires evtchn_inv && evtchn_dom_ok(d);
    assigns evtchn_table[0 .. DOMAIN_MAX - 1];
    ensures evtchn_inv;
    ensures \result == 0 || \result == -XEN_EINVAL;
    ensures \result == 0 ==> \forall integer i; dom_slot_ok(i) && d == &domain_table[i] ==>
              ev_kind(i, port) == EVTCHN_FREE; */
int evtchn_close(struct domain *d, uint32_t port);

/*
 * Notify vCPU vcpu for port from now on (unbound, interdomain and global
 * virq ports).  0, -XEN_ENOENT (no such vCPU), -XEN_EINVAL.
 */
/*@ requires evtchn_inv && evtchn_dom_ok(d);
    assigns evtchn_table[0 .. DOMAIN_MAX - 1].port[1 .. EVTCHN_NR_PORTS - 1].vcpu;
    ensures evtchn_inv;
    ensures \result == 0 || \result == -XEN_ENOENT || \result == -XEN_EINVAL; */
int evtchn_bind_vcpu(struct domain *d, uint32_t port, uint32_t vcpu);

/* EVTCHNOP_status of d's port.  0 or -XEN_EINVAL (beyond the limit). */
/*@ requires evtchn_inv && evtchn_dom_ok(d) && \valid(st);
    assigns st->status, st->vcpu, st->dom, st->port, st->virq;
    ensures \result == 0 || \result == -XEN_EINVAL;
    ensures \result == 0 ==> st->status <= EVTCHNSTAT_ipi; */
int evtchn_status(const struct domain *d, uint32_t port, struct evtchn_info *st);

/*
 * Where a send by d on port goes: the peer (interdomain), the port itself
 * (IPI), nowhere (unbound; a hypervisor port is flagged for its backend).
 * 0, or -XEN_EINVAL (beyond the limit, free, VIRQ).
 */
/*@ requires evtchn_inv && evtchn_dom_ok(d) && \valid(t);
    assigns *t, evtchn_table[0 .. DOMAIN_MAX - 1].port[1 .. EVTCHN_NR_PORTS - 1].hv_signal;
    ensures evtchn_inv;
    ensures \result == 0 || \result == -XEN_EINVAL;
    ensures \result == 0 && t->deliver ==> ev_slot(t->slot) && 0 < t->port < EVTCHN_NR_PORTS; */
int evtchn_send_target(struct domain *d, uint32_t port, struct evtchn_target *t);

/* Is virq global (bound on vCPU 0, delivered to any vCPU) rather than per-vCPU? */
/*@ assigns \nothing; */
bool evtchn_virq_is_global(uint32_t virq);

/* The port of d bound to virq on vCPU vcpu (vCPU 0's for a global virq); 0 when none. */
/*@ requires evtchn_inv && evtchn_dom_ok(d);
    assigns \nothing;
    ensures \result < EVTCHN_NR_PORTS; */
uint32_t evtchn_virq_port(const struct domain *d, uint32_t vcpu, uint32_t virq);

/* Has the guest sent on hypervisor port `port` since the last call?  Clears the flag. */
/*@ requires evtchn_inv && evtchn_dom_ok(d);
    assigns evtchn_table[0 .. DOMAIN_MAX - 1].port[1 .. EVTCHN_NR_PORTS - 1].hv_signal;
    ensures evtchn_inv; */
bool evtchn_hv_port_take(struct domain *d, uint32_t port);

/*
 * The whole-table check (tests, fuzzers): evtchn_inv computed, plus "only
 * unbound ports are the hypervisor's".
 */
/*@ assigns \nothing; */
bool evtchn_check(void);

/* ---- delivery (evtchn_deliver.c) ------------------------------------------------ */

/*
 * Mark port of d pending: set its pending bit; when it was clear and the
 * port is not masked, set the selector bit and upcall_pending in the notify
 * vCPU's vcpu_info and kick that vCPU.  A vCPU polling the port is woken
 * even when it is masked.  Nothing happens without a shared_info frame.
 */
/*@ requires evtchn_inv && evtchn_dom_ok(d) && port < EVTCHN_NR_PORTS;
    assigns evtchn_table[0 .. DOMAIN_MAX - 1].polling[0 .. DOMAIN_MAX_VCPUS - 1],
            domain_table[0 .. DOMAIN_MAX - 1].guest.vcpus[0 .. DOMAIN_MAX_VCPUS - 1].run_state;
    ensures evtchn_inv; */
void evtchn_set_pending(struct domain *d, uint32_t port);

/* Clear port's pending bit (on close). */
/*@ requires evtchn_dom_ok(d);
    assigns \nothing; */
void evtchn_clear_pending(struct domain *d, uint32_t port);

/* Is port's pending bit set?  False without a shared_info frame. */
/*@ requires evtchn_dom_ok(d);
    assigns \nothing; */
bool evtchn_is_pending(const struct domain *d, uint32_t port);

/* EVTCHNOP_send.  0, or -XEN_EINVAL (see evtchn_send_target). */
/*@ requires evtchn_inv && evtchn_dom_ok(d);
    assigns evtchn_table[0 .. DOMAIN_MAX - 1].port[1 .. EVTCHN_NR_PORTS - 1].hv_signal,
            evtchn_table[0 .. DOMAIN_MAX - 1].polling[0 .. DOMAIN_MAX_VCPUS - 1],
            domain_table[0 .. DOMAIN_MAX - 1].guest.vcpus[0 .. DOMAIN_MAX_VCPUS - 1].run_state;
    ensures evtchn_inv;
    ensures \result == 0 || \result == -XEN_EINVAL; */
int evtchn_send(struct domain *d, uint32_t port);

/*
 * EVTCHNOP_unmask: clear the mask bit; a pending port then sets the
 * selector and upcall flag as evtchn_set_pending does.  0 or -XEN_EINVAL.
 */
/*@ requires evtchn_inv && evtchn_dom_ok(d);
    assigns domain_table[0 .. DOMAIN_MAX - 1].guest.vcpus[0 .. DOMAIN_MAX_VCPUS - 1].run_state;
    ensures evtchn_inv;
    ensures \result == 0 || \result == -XEN_EINVAL; */
int evtchn_unmask(struct domain *d, uint32_t port);

/* Per-vCPU virq (VIRQ_TIMER, VIRQ_DEBUG) to v.  0, or -XEN_ENOENT when v has no port for it. */
/*@ requires evtchn_inv && evtchn_vcpu_ok(v);
    assigns evtchn_table[0 .. DOMAIN_MAX - 1].polling[0 .. DOMAIN_MAX_VCPUS - 1],
            domain_table[0 .. DOMAIN_MAX - 1].guest.vcpus[0 .. DOMAIN_MAX_VCPUS - 1].run_state;
    ensures evtchn_inv;
    ensures \result == 0 || \result == -XEN_ENOENT; */
int evtchn_send_virq(struct vcpu *v, uint32_t virq);

/* Global virq (VIRQ_CONSOLE) to d, through vCPU 0's binding.  0 or -XEN_ENOENT. */
/*@ requires evtchn_inv && evtchn_dom_ok(d);
    assigns evtchn_table[0 .. DOMAIN_MAX - 1].polling[0 .. DOMAIN_MAX_VCPUS - 1],
            domain_table[0 .. DOMAIN_MAX - 1].guest.vcpus[0 .. DOMAIN_MAX_VCPUS - 1].run_state;
    ensures evtchn_inv;
    ensures \result == 0 || \result == -XEN_ENOENT; */
int evtchn_send_virq_global(struct domain *d, uint32_t virq);

/*
 * The hypervisor signals d's port (its console backend, on a port from
 * evtchn_alloc_hv_port or any other bound port).  0, or -XEN_EINVAL
 * (beyond the limit or free).
 */
/*@ requires evtchn_inv && evtchn_dom_ok(d);
    assigns evtchn_table[0 .. DOMAIN_MAX - 1].polling[0 .. DOMAIN_MAX_VCPUS - 1],
            domain_table[0 .. DOMAIN_MAX - 1].guest.vcpus[0 .. DOMAIN_MAX_VCPUS - 1].run_state;
    ensures evtchn_inv;
    ensures \result == 0 || \result == -XEN_EINVAL; */
int evtchn_notify_port(struct domain *d, uint32_t port);

/*
 * The vector to inject into v before it runs: true (and *vector) when v's
 * vcpu_info has evtchn_upcall_pending set and a vector is configured: v's
 * own (HVMOP_set_evtchn_upcall_vector), else the domain's
 * HVM_PARAM_CALLBACK_IRQ of type vector.  Level-triggered: it stays true
 * until the guest clears upcall_pending.
 */
/*@ requires evtchn_vcpu_ok(v) && \valid(vector);
    assigns *vector;
    ensures \result ==> *vector >= 0x10; */
bool evtchn_upcall_vector(const struct vcpu *v, uint8_t *vector);

/* HVMOP_set_evtchn_upcall_vector for v (vector >= 0x10, checked by the caller). */
/*@ requires evtchn_vcpu_ok(v);
    assigns evtchn_table[0 .. DOMAIN_MAX - 1].upcall_vector[0 .. DOMAIN_MAX_VCPUS - 1]; */
void evtchn_set_upcall_vector(struct vcpu *v, uint8_t vector);

/* ---- shared_info bytes (evtchn_guest.c) ------------------------------------------ */

/*
 * Byte off of d's shared_info frame (which exists before the guest maps
 * it).  0, or -XEN_EFAULT when d has no such frame or off is beyond it.
 */
/*@ requires \valid_read(d) && \valid(b);
    assigns *b;
    ensures \result == 0 || \result == -XEN_EFAULT; */
int evtchn_shinfo_read8(const struct domain *d, uint32_t off, uint8_t *b);
/*@ requires \valid_read(d);
    assigns \nothing;
    ensures \result == 0 || \result == -XEN_EFAULT; */
int evtchn_shinfo_write8(const struct domain *d, uint32_t off, uint8_t b);

/* ---- SCHEDOP_poll (evtchn_deliver.c) ------------------------------------------- */

/*
 * v blocks polling `port` (0: several ports) until one is marked pending or
 * system time reaches deadline (0: no deadline).
 */
/*@ requires evtchn_vcpu_ok(v);
    assigns evtchn_table[0 .. DOMAIN_MAX - 1].polling[0 .. DOMAIN_MAX_VCPUS - 1],
            evtchn_table[0 .. DOMAIN_MAX - 1].poll_port[0 .. DOMAIN_MAX_VCPUS - 1],
            evtchn_table[0 .. DOMAIN_MAX - 1].poll_deadline[0 .. DOMAIN_MAX_VCPUS - 1]; */
void evtchn_poll_begin(struct vcpu *v, uint32_t port, uint64_t deadline);

/* v is not polling any more (it blocked another way, or ran). */
/*@ requires evtchn_vcpu_ok(v);
    assigns evtchn_table[0 .. DOMAIN_MAX - 1].polling[0 .. DOMAIN_MAX_VCPUS - 1]; */
void evtchn_poll_end(struct vcpu *v);

/* The scheduler's clock reached now: pollers whose deadline passed wake up. */
/*@ assigns evtchn_table[0 .. DOMAIN_MAX - 1].polling[0 .. DOMAIN_MAX_VCPUS - 1],
            domain_table[0 .. DOMAIN_MAX - 1].guest.vcpus[0 .. DOMAIN_MAX_VCPUS - 1].run_state; */
void evtchn_poll_expire(uint64_t now);

/* The earliest deadline of a blocked poller; 0 when none. */
/*@ assigns \nothing; */
uint64_t evtchn_poll_next_deadline(void);

#endif /* HV_EVTCHN_H */
