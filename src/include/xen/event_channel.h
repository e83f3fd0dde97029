/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Event channels as guests see them: EVTCHNOP argument structures, the
 * channel states EVTCHNOP_status reports, virtual IRQ numbers, the
 * SCHEDOP_poll argument and the per-vCPU upcall vector argument of hvm_op.
 * The EVTCHNOP_* numbers themselves are in xen/hypercall.h.  Layouts are
 * x86_64; the structures without pointers or 64-bit fields are the same for
 * a 32-bit guest, the two that differ have a `_compat` twin.
 */
#ifndef XEN_EVENT_CHANNEL_H
#define XEN_EVENT_CHANNEL_H

#include <stdint.h>

typedef uint32_t evtchn_port_t;

/* 2-level ABI: one pending and one mask bit per port in shared_info. */
#define EVTCHN_2L_NR_CHANNELS        4096U   /* 64 selector bits x 64-bit words */
#define EVTCHN_2L_NR_CHANNELS_COMPAT 1024U   /* 32 x 32 for a 32-bit guest */

/* EVTCHNOP_status results. */
#define EVTCHNSTAT_closed      0
#define EVTCHNSTAT_unbound     1
#define EVTCHNSTAT_interdomain 2
#define EVTCHNSTAT_pirq        3
#define EVTCHNSTAT_virq        4
#define EVTCHNSTAT_ipi         5

/* Virtual IRQs (VIRQ_TIMER, VIRQ_DEBUG, VIRQ_CONSOLE are in xen/hypercall.h). */
#define VIRQ_DOM_EXC    3
#define VIRQ_TBUF       4
#define VIRQ_DEBUGGER   6
#define VIRQ_XENOPROF   7
#define VIRQ_CON_RING   8
#define VIRQ_PCPU_STATE 9
#define VIRQ_MEM_EVENT 10
#define VIRQ_ARGO      11
#define VIRQ_ENOMEM    12
#define VIRQ_XENPMU    13
#define VIRQ_ARCH_0    16
#define VIRQ_ARCH_7    23
#define NR_VIRQS       24

struct evtchn_alloc_unbound {       /* EVTCHNOP_alloc_unbound */
    uint16_t dom;                   /* IN: the domain the port belongs to */
    uint16_t remote_dom;            /* IN: the domain allowed to bind to it */
    evtchn_port_t port;             /* OUT */
};

struct evtchn_bind_interdomain {    /* EVTCHNOP_bind_interdomain */
    uint16_t remote_dom;            /* IN */
    uint16_t pad;
    evtchn_port_t remote_port;      /* IN: an unbound port of remote_dom */
    evtchn_port_t local_port;       /* OUT */
};

struct evtchn_bind_virq {           /* EVTCHNOP_bind_virq */
    uint32_t virq;                  /* IN */
    uint32_t vcpu;                  /* IN */
    evtchn_port_t port;             /* OUT */
};

struct evtchn_bind_pirq {           /* EVTCHNOP_bind_pirq */
    uint32_t pirq;
    uint32_t flags;
    evtchn_port_t port;
};

struct evtchn_bind_ipi {            /* EVTCHNOP_bind_ipi */
    uint32_t vcpu;                  /* IN */
    evtchn_port_t port;             /* OUT */
};

struct evtchn_close {               /* EVTCHNOP_close */
    evtchn_port_t port;
};

struct evtchn_send {                /* EVTCHNOP_send */
    evtchn_port_t port;
};

struct evtchn_status {              /* EVTCHNOP_status */
    uint16_t dom;                   /* IN */
    uint16_t pad;
    evtchn_port_t port;             /* IN */
    uint32_t status;                /* OUT: EVTCHNSTAT_* */
    uint32_t vcpu;                  /* OUT: the vCPU notified */
    union {
        struct { uint16_t dom; } unbound;
        struct { uint16_t dom; uint16_t pad; evtchn_port_t port; } interdomain;
        uint32_t pirq;
        uint32_t virq;
    } u;
};

struct evtchn_bind_vcpu {           /* EVTCHNOP_bind_vcpu */
    evtchn_port_t port;
    uint32_t vcpu;
};

struct evtchn_unmask {              /* EVTCHNOP_unmask */
    evtchn_port_t port;
};

struct evtchn_reset {               /* EVTCHNOP_reset */
    uint16_t dom;
};

struct evtchn_init_control {        /* EVTCHNOP_init_control (FIFO ABI) */
    uint64_t control_gfn;
    uint32_t offset;
    uint32_t vcpu;
    uint8_t link_bits;
    uint8_t pad[7];
};

struct evtchn_expand_array {        /* EVTCHNOP_expand_array (FIFO ABI) */
    uint64_t array_gfn;
};

struct sched_poll {                 /* SCHEDOP_poll */
    uint64_t ports;                 /* guest handle of nr_ports evtchn_port_t */
    uint32_t nr_ports;
    uint32_t pad;
    uint64_t timeout;               /* system time (ns) to give up at; 0: never */
};
struct sched_poll_compat {          /* 32-bit handle, timeout aligned to 4 */
    uint32_t ports;
    uint32_t nr_ports;
    uint32_t timeout[2];            /* low word first */
};

struct xen_hvm_evtchn_upcall_vector {  /* HVMOP_set_evtchn_upcall_vector */
    uint32_t vcpu;
    uint8_t vector;
    uint8_t pad[3];
};

_Static_assert(sizeof(evtchn_port_t) == 4, "evtchn_port_t is 32 bits");
_Static_assert(sizeof(struct evtchn_alloc_unbound) == 8, "alloc_unbound is 8 bytes");
_Static_assert(__builtin_offsetof(struct evtchn_alloc_unbound, port) == 4, "alloc_unbound.port");
_Static_assert(sizeof(struct evtchn_bind_interdomain) == 12, "bind_interdomain is 12 bytes");
_Static_assert(__builtin_offsetof(struct evtchn_bind_interdomain, remote_port) == 4, "bind_interdomain.rport");
_Static_assert(__builtin_offsetof(struct evtchn_bind_interdomain, local_port) == 8, "bind_interdomain.lport");
_Static_assert(sizeof(struct evtchn_bind_virq) == 12, "bind_virq is 12 bytes");
_Static_assert(__builtin_offsetof(struct evtchn_bind_virq, port) == 8, "bind_virq.port");
_Static_assert(sizeof(struct evtchn_bind_pirq) == 12, "bind_pirq is 12 bytes");
_Static_assert(sizeof(struct evtchn_bind_ipi) == 8, "bind_ipi is 8 bytes");
_Static_assert(sizeof(struct evtchn_close) == 4, "close is 4 bytes");
_Static_assert(sizeof(struct evtchn_send) == 4, "send is 4 bytes");
_Static_assert(sizeof(struct evtchn_status) == 24, "status is 24 bytes");
_Static_assert(__builtin_offsetof(struct evtchn_status, port) == 4, "status.port");
_Static_assert(__builtin_offsetof(struct evtchn_status, status) == 8, "status.status");
_Static_assert(__builtin_offsetof(struct evtchn_status, vcpu) == 12, "status.vcpu");
_Static_assert(__builtin_offsetof(struct evtchn_status, u) == 16, "status.u");
_Static_assert(__builtin_offsetof(struct evtchn_status, u.interdomain.port) == 20, "status.u.interdomain.port");
_Static_assert(sizeof(struct evtchn_bind_vcpu) == 8, "bind_vcpu is 8 bytes");
_Static_assert(sizeof(struct evtchn_unmask) == 4, "unmask is 4 bytes");
_Static_assert(sizeof(struct evtchn_reset) == 2, "reset is 2 bytes");
_Static_assert(sizeof(struct evtchn_init_control) == 24, "init_control is 24 bytes");
_Static_assert(sizeof(struct evtchn_expand_array) == 8, "expand_array is 8 bytes");
_Static_assert(sizeof(struct sched_poll) == 24, "sched_poll is 24 bytes");
_Static_assert(__builtin_offsetof(struct sched_poll, timeout) == 16, "sched_poll.timeout");
_Static_assert(sizeof(struct sched_poll_compat) == 16, "compat sched_poll is 16 bytes");
_Static_assert(sizeof(struct xen_hvm_evtchn_upcall_vector) == 8, "upcall vector arg is 8 bytes");
_Static_assert(__builtin_offsetof(struct xen_hvm_evtchn_upcall_vector, vector) == 4, "upcall vector.vector");

#endif /* XEN_EVENT_CHANNEL_H */
