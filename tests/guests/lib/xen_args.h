/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Argument layouts of the hypercalls the test guests issue, x86_64.  The
 * numbers come from xen/hypercall.h; these structures are the guest's side
 * of the ABI and are not (yet) in src/include/xen/, so they carry a gx_
 * prefix to stay clear of any later definition there.  Offsets and sizes
 * are pinned below.
 */
#ifndef GUEST_XEN_ARGS_H
#define GUEST_XEN_ARGS_H

#include <stdint.h>

#include "xen/hypercall.h"

#define GX_DOMID_SELF 0x7FF0U

/* HVM_PARAM_CALLBACK_IRQ value: type in bits 63:56, vector in 7:0. */
#define GX_CALLBACK_TYPE_VECTOR 2ULL
#define GX_CALLBACK_VIA_VECTOR(v) ((GX_CALLBACK_TYPE_VECTOR << 56) | (uint64_t)(v))

/* memory_op sub-op the headers do not have yet. */
#define GX_XENMEM_populate_physmap 6U

/* Memory types in e820 entries returned by XENMEM_memory_map. */
#define GX_E820_RAM 1U

struct gx_feature_info {           /* XENVER_get_features */
    uint32_t submap_idx;
    uint32_t submap;
};

struct gx_compile_info {           /* XENVER_compile_info */
    char compiler[64];
    char compile_by[16];
    char compile_domain[32];
    char compile_date[32];
};

struct gx_sched_shutdown {         /* SCHEDOP_shutdown */
    uint32_t reason;
};

struct gx_add_to_physmap {         /* XENMEM_add_to_physmap */
    uint16_t domid;
    uint16_t size;
    uint32_t space;
    uint64_t idx;
    uint64_t gpfn;
};

struct gx_memory_map {             /* XENMEM_memory_map */
    uint32_t nr_entries;
    uint32_t pad;
    uint64_t buffer;               /* guest-linear address of e820 entries */
};

struct gx_e820_entry {             /* what XENMEM_memory_map writes: 20 bytes */
    uint64_t addr;
    uint64_t size;
    uint32_t type;
} __attribute__((packed));

struct gx_hvm_param {              /* HVMOP_set_param / HVMOP_get_param */
    uint16_t domid;
    uint16_t pad;
    uint32_t index;
    uint64_t value;
};

struct gx_register_vcpu_info {     /* VCPUOP_register_vcpu_info */
    uint64_t mfn;                  /* a gfn for translated guests */
    uint32_t offset;
    uint32_t rsvd;
};

struct gx_singleshot_timer {       /* VCPUOP_set_singleshot_timer */
    uint64_t timeout_abs_ns;
    uint32_t flags;
    uint32_t pad;
};

struct gx_bind_virq {              /* EVTCHNOP_bind_virq */
    uint32_t virq;
    uint32_t vcpu;
    uint32_t port;                 /* out */
};

struct gx_memory_reservation {      /* XENMEM_{increase,decrease}_reservation, populate_physmap */
    uint64_t extent_start;         /* guest-linear address of nr_extents gfns */
    uint64_t nr_extents;
    uint32_t extent_order;
    uint32_t mem_flags;
    uint16_t domid;
    uint16_t pad[3];
};

_Static_assert(sizeof(struct gx_feature_info) == 8, "xen_feature_info");
_Static_assert(sizeof(struct gx_compile_info) == XEN_COMPILE_INFO_SIZE, "compile_info");
_Static_assert(sizeof(struct gx_add_to_physmap) == 24, "xen_add_to_physmap");
_Static_assert(__builtin_offsetof(struct gx_add_to_physmap, space) == 4, "atp.space");
_Static_assert(__builtin_offsetof(struct gx_add_to_physmap, idx) == 8, "atp.idx");
_Static_assert(__builtin_offsetof(struct gx_add_to_physmap, gpfn) == 16, "atp.gpfn");
_Static_assert(sizeof(struct gx_memory_map) == 16, "xen_memory_map");
_Static_assert(sizeof(struct gx_e820_entry) == 20, "e820 entry");
_Static_assert(sizeof(struct gx_hvm_param) == 16, "xen_hvm_param");
_Static_assert(__builtin_offsetof(struct gx_hvm_param, value) == 8, "hvm_param.value");
_Static_assert(sizeof(struct gx_register_vcpu_info) == 16, "register_vcpu_info");
_Static_assert(sizeof(struct gx_singleshot_timer) == 16, "singleshot timer");
_Static_assert(sizeof(struct gx_bind_virq) == 12, "evtchn_bind_virq");
_Static_assert(sizeof(struct gx_memory_reservation) == 32, "xen_memory_reservation");
_Static_assert(__builtin_offsetof(struct gx_memory_reservation, domid) == 24, "reservation.domid");

#endif /* GUEST_XEN_ARGS_H */
