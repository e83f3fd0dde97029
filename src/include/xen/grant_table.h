/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Xen's grant-table ABI (version 1 entries), as a guest sees it: entry
 * flags, operation flags, status codes and the argument records of
 * grant_table_op.  The operation numbers (GNTTABOP_*) are in xen/hypercall.h
 * and struct grant_entry_v1 is in xen/shared.h.
 *
 * Records differ between 64-bit and 32-bit callers only where they hold a
 * guest handle or an unsigned long (setup_table, copy): the *_compat records
 * give the 32-bit layouts.  Sizes and offsets are pinned by the asserts at
 * the end.
 */
#ifndef XEN_GRANT_TABLE_H
#define XEN_GRANT_TABLE_H

#include "hv/types.h"
#include "xen/hypercall.h"
#include "xen/shared.h"

typedef uint32_t grant_ref_t;
typedef uint32_t grant_handle_t;

/* grant_entry_v1.flags: the type in bits 0-1, then per-type bits. */
#define GTF_invalid            0U
#define GTF_permit_access      1U
#define GTF_accept_transfer    2U
#define GTF_transitive         3U
#define GTF_type_mask          3U
#define GTF_readonly           (1U << 2)   /* permit_access: the grantee may only read */
#define GTF_reading            (1U << 3)   /* set by the hypervisor while the frame is in use */
#define GTF_writing            (1U << 4)   /* ... and while it may be written */
#define GTF_sub_page           (1U << 8)   /* version 2 only */
#define GTF_transfer_committed (1U << 2)
#define GTF_transfer_completed (1U << 3)

/* gnttab_map_grant_ref.flags. */
#define GNTMAP_device_map      (1U << 0)
#define GNTMAP_host_map        (1U << 1)
#define GNTMAP_readonly        (1U << 2)
#define GNTMAP_application_map (1U << 3)
#define GNTMAP_contains_pte    (1U << 4)
#define GNTMAP_can_fail        (1U << 5)

/* gnttab_copy.flags. */
#define GNTCOPY_source_gref    (1U << 0)
#define GNTCOPY_dest_gref      (1U << 1)
#define GNTCOPY_can_fail       (1U << 2)

/* gnttab_cache_flush.op. */
#define GNTTAB_CACHE_CLEAN       (1U << 0)
#define GNTTAB_CACHE_INVAL       (1U << 1)
#define GNTTAB_CACHE_SOURCE_GREF (1U << 31)

/* Per-operation status codes (int16_t status fields). */
#define GNTST_okay               0
#define GNTST_general_error      (-1)
#define GNTST_bad_domain         (-2)
#define GNTST_bad_gntref         (-3)
#define GNTST_bad_handle         (-4)
#define GNTST_bad_virt_addr      (-5)
#define GNTST_bad_dev_addr       (-6)
#define GNTST_no_device_space    (-7)
#define GNTST_permission_denied  (-8)
#define GNTST_bad_page           (-9)
#define GNTST_bad_copy_arg       (-10)
#define GNTST_address_too_big    (-11)
#define GNTST_eagain             (-12)
#define GNTST_no_space           (-13)

/*
 * The cmd argument: the operation in the low 12 bits; the bits above carry
 * a preempted cache_flush's progress and must be zero for every other
 * operation.
 */
#define GNTTABOP_CONTINUATION_ARG_SHIFT 12U
#define GNTTABOP_CMD_MASK               ((1U << GNTTABOP_CONTINUATION_ARG_SHIFT) - 1U)

/* add_to_physmap(XENMAPSPACE_grant_table): idx bit naming a v2 status frame. */
#define XENMAPIDX_grant_table_status 0x80000000U

/* Grant-table versions. */
#define GRANT_TABLE_VERSION_1 1U
#define GRANT_TABLE_VERSION_2 2U

struct gnttab_map_grant_ref {
    uint64_t host_addr;      /* in: where to map (for us: a guest-physical address) */
    uint32_t flags;          /* in: GNTMAP_* */
    grant_ref_t ref;         /* in */
    domid_t dom;             /* in: the granting domain */
    int16_t status;          /* out: GNTST_* */
    grant_handle_t handle;   /* out */
    uint64_t dev_bus_addr;   /* out */
};

struct gnttab_unmap_grant_ref {
    uint64_t host_addr;      /* in */
    uint64_t dev_bus_addr;   /* in */
    grant_handle_t handle;   /* in */
    int16_t status;          /* out */
};

struct gnttab_setup_table {
    domid_t dom;             /* in */
    uint32_t nr_frames;      /* in */
    int16_t status;          /* out */
    uint64_t frame_list;     /* in: guest handle of nr_frames unsigned longs (out) */
};

struct gnttab_setup_table_compat {
    domid_t dom;
    uint32_t nr_frames;
    int16_t status;
    uint32_t frame_list;     /* 32-bit handle of 32-bit entries */
};

struct gnttab_copy_ptr {
    union {
        grant_ref_t ref;
        uint64_t gmfn;
    } u;
    domid_t domid;
    uint16_t offset;
};

struct gnttab_copy {
    struct gnttab_copy_ptr source, dest;
    uint16_t len;
    uint16_t flags;          /* GNTCOPY_* */
    int16_t status;          /* out */
};

struct gnttab_copy_ptr_compat {
    union {
        grant_ref_t ref;
        uint32_t gmfn;
    } u;
    domid_t domid;
    uint16_t offset;
};

struct gnttab_copy_compat {
    struct gnttab_copy_ptr_compat source, dest;
    uint16_t len;
    uint16_t flags;
    int16_t status;
};

struct gnttab_query_size {
    domid_t dom;             /* in */
    uint32_t nr_frames;      /* out */
    uint32_t max_nr_frames;  /* out */
    int16_t status;          /* out */
};

struct gnttab_set_version {
    uint32_t version;        /* in: wanted; out: in effect */
};

struct gnttab_get_version {
    domid_t dom;             /* in */
    uint16_t pad;
    uint32_t version;        /* out */
};

struct gnttab_cache_flush {
    union {
        uint64_t dev_bus_addr;
        grant_ref_t ref;
    } a;
    uint16_t offset;
    uint16_t length;
    uint32_t op;             /* GNTTAB_CACHE_* */
};

_Static_assert(sizeof(struct gnttab_map_grant_ref) == 32, "gnttab_map_grant_ref is 32 bytes");
_Static_assert(__builtin_offsetof(struct gnttab_map_grant_ref, dom) == 16, "map.dom");
_Static_assert(__builtin_offsetof(struct gnttab_map_grant_ref, status) == 18, "map.status");
_Static_assert(__builtin_offsetof(struct gnttab_map_grant_ref, handle) == 20, "map.handle");
_Static_assert(__builtin_offsetof(struct gnttab_map_grant_ref, dev_bus_addr) == 24, "map.dev_bus_addr");
_Static_assert(sizeof(struct gnttab_unmap_grant_ref) == 24, "gnttab_unmap_grant_ref is 24 bytes");
_Static_assert(__builtin_offsetof(struct gnttab_unmap_grant_ref, handle) == 16, "unmap.handle");
_Static_assert(__builtin_offsetof(struct gnttab_unmap_grant_ref, status) == 20, "unmap.status");
_Static_assert(sizeof(struct gnttab_setup_table) == 24, "gnttab_setup_table is 24 bytes");
_Static_assert(__builtin_offsetof(struct gnttab_setup_table, status) == 8, "setup.status");
_Static_assert(__builtin_offsetof(struct gnttab_setup_table, frame_list) == 16, "setup.frame_list");
_Static_assert(sizeof(struct gnttab_setup_table_compat) == 16, "compat setup_table is 16 bytes");
_Static_assert(__builtin_offsetof(struct gnttab_setup_table_compat, frame_list) == 12,
               "compat setup.frame_list");
_Static_assert(sizeof(struct gnttab_copy) == 40, "gnttab_copy is 40 bytes");
_Static_assert(__builtin_offsetof(struct gnttab_copy, dest) == 16, "copy.dest");
_Static_assert(__builtin_offsetof(struct gnttab_copy, len) == 32, "copy.len");
_Static_assert(__builtin_offsetof(struct gnttab_copy, status) == 36, "copy.status");
_Static_assert(__builtin_offsetof(struct gnttab_copy_ptr, domid) == 8, "copy_ptr.domid");
_Static_assert(sizeof(struct gnttab_copy_compat) == 24, "compat gnttab_copy is 24 bytes");
_Static_assert(__builtin_offsetof(struct gnttab_copy_compat, dest) == 8, "compat copy.dest");
_Static_assert(__builtin_offsetof(struct gnttab_copy_compat, len) == 16, "compat copy.len");
_Static_assert(__builtin_offsetof(struct gnttab_copy_compat, status) == 20, "compat copy.status");
_Static_assert(sizeof(struct gnttab_query_size) == 16, "gnttab_query_size is 16 bytes");
_Static_assert(__builtin_offsetof(struct gnttab_query_size, status) == 12, "query.status");
_Static_assert(sizeof(struct gnttab_set_version) == 4, "gnttab_set_version is 4 bytes");
_Static_assert(sizeof(struct gnttab_get_version) == 8, "gnttab_get_version is 8 bytes");
_Static_assert(sizeof(struct gnttab_cache_flush) == 16, "gnttab_cache_flush is 16 bytes");
_Static_assert(__builtin_offsetof(struct gnttab_cache_flush, op) == 12, "cache_flush.op");

#endif /* XEN_GRANT_TABLE_H */
