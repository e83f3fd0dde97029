// SPDX-License-Identifier: GPL-2.0-only
/*
 * grant_table_op(cmd, uop, count): Xen's grant tables, version 1
 * (docs/GRANT-TABLES.md; the state is hv/grant_table.h's).
 *
 * Xen lets HVM and PVH guests make only map, unmap, setup_table, copy,
 * query_size, set_version, get_version and swap_grant_ref; every other cmd
 * (cache_flush, dump_table, transfer, ..., and any cmd with bits above the
 * operation number) is -ENOSYS, as is every operation of a domain without
 * grant state (not set up by grant_domain_init).  A count that is negative
 * as an int is -EINVAL.
 *
 *   setup_table, query_size   count must be 1 (-EINVAL); per-call status:
 *                             GNTST_bad_domain / _permission_denied for the
 *                             domain, GNTST_general_error beyond
 *                             GRANT_MAX_FRAMES or out of memory,
 *                             GNTST_bad_virt_addr for an unwritable frame list
 *   set_version               1 is accepted; 2 is -ENOSYS (what Xen says when
 *                             v2 is disabled: Linux then keeps v1); anything
 *                             else -EINVAL; the version in effect (1) is
 *                             written back in every case
 *   get_version               1; -ESRCH / -EPERM for the domain
 *   map_grant_ref, unmap_grant_ref, copy
 *                             arrays of count records, one status per record;
 *                             -EFAULT for an unreadable or unwritable record
 *                             (the records before it are done)
 * Batches are preempted every GRANT_BATCH_MAX records: the arguments are
 * advanced past the records done and the guest runs the call again, so one
 * hypercall never runs for long.  swap_grant_ref (a v1 operation Xen allows
 * but nothing here needs yet) is not provided: -ENOSYS.
 *
 * Records move as bytes through the hypercall accessors (hv/hypercall.h):
 * each is read into a char buffer of its ABI size (native or 32-bit layout)
 * and taken apart at the ABI's offsets, which xen/grant_table.h's static
 * asserts and the ones below pin down.  Only the operations' own calls
 * (grant_op_map and the like) see C structs, built here field by field.
 */
#include "hv/hypercall_table.h"

#include "hv/grant_table.h"

#define GRANT_BATCH_MAX 128U

/* Native and 32-bit records share these offsets (static asserts below). */
#define SETUP_DOM      offsetof(struct gnttab_setup_table, dom)
#define SETUP_NR       offsetof(struct gnttab_setup_table, nr_frames)
#define SETUP_STATUS   offsetof(struct gnttab_setup_table, status)
#define SETUP_LIST     offsetof(struct gnttab_setup_table, frame_list)
#define SETUP32_LIST   offsetof(struct gnttab_setup_table_compat, frame_list)
_Static_assert(offsetof(struct gnttab_setup_table_compat, dom) == SETUP_DOM &&
               offsetof(struct gnttab_setup_table_compat, nr_frames) == SETUP_NR &&
               offsetof(struct gnttab_setup_table_compat, status) == SETUP_STATUS, "compat setup_table");
#define QUERY_DOM      offsetof(struct gnttab_query_size, dom)
#define QUERY_NR       offsetof(struct gnttab_query_size, nr_frames)
#define QUERY_MAX      offsetof(struct gnttab_query_size, max_nr_frames)
#define QUERY_STATUS   offsetof(struct gnttab_query_size, status)
#define VERSION_DOM    offsetof(struct gnttab_get_version, dom)
#define VERSION_VALUE  offsetof(struct gnttab_get_version, version)
_Static_assert(offsetof(struct gnttab_set_version, version) == 0, "set_version.version");
/* map and unmap records have one layout for both kinds of callers. */
#define MAP_SIZE       sizeof(struct gnttab_map_grant_ref)
#define MAP_HOST       offsetof(struct gnttab_map_grant_ref, host_addr)
#define MAP_FLAGS      offsetof(struct gnttab_map_grant_ref, flags)
#define MAP_REF        offsetof(struct gnttab_map_grant_ref, ref)
#define MAP_DOM        offsetof(struct gnttab_map_grant_ref, dom)
#define MAP_STATUS     offsetof(struct gnttab_map_grant_ref, status)
#define MAP_HANDLE     offsetof(struct gnttab_map_grant_ref, handle)
#define MAP_BUS        offsetof(struct gnttab_map_grant_ref, dev_bus_addr)
#define UNMAP_SIZE     sizeof(struct gnttab_unmap_grant_ref)
#define UNMAP_HOST     offsetof(struct gnttab_unmap_grant_ref, host_addr)
#define UNMAP_BUS      offsetof(struct gnttab_unmap_grant_ref, dev_bus_addr)
#define UNMAP_HANDLE   offsetof(struct gnttab_unmap_grant_ref, handle)
#define UNMAP_STATUS   offsetof(struct gnttab_unmap_grant_ref, status)
/* copy: each side is { ref or gmfn, domid, offset }; the 32-bit layout has a 4-byte gmfn. */
#define COPY_SIZE      sizeof(struct gnttab_copy)
#define COPY_DEST      offsetof(struct gnttab_copy, dest)
#define COPY_DOMID     offsetof(struct gnttab_copy_ptr, domid)
#define COPY_OFFSET    offsetof(struct gnttab_copy_ptr, offset)
#define COPY_LEN       offsetof(struct gnttab_copy, len)
#define COPY_FLAGS     offsetof(struct gnttab_copy, flags)
#define COPY_STATUS    offsetof(struct gnttab_copy, status)
#define COPY32_SIZE    sizeof(struct gnttab_copy_compat)
#define COPY32_DEST    offsetof(struct gnttab_copy_compat, dest)
#define COPY32_DOMID   offsetof(struct gnttab_copy_ptr_compat, domid)
#define COPY32_OFFSET  offsetof(struct gnttab_copy_ptr_compat, offset)
#define COPY32_LEN     offsetof(struct gnttab_copy_compat, len)
#define COPY32_FLAGS   offsetof(struct gnttab_copy_compat, flags)
#define COPY32_STATUS  offsetof(struct gnttab_copy_compat, status)
_Static_assert(offsetof(struct gnttab_copy, source) == 0 && offsetof(struct gnttab_copy_compat, source) == 0 &&
               offsetof(struct gnttab_copy_ptr, u) == 0 && offsetof(struct gnttab_copy_ptr_compat, u) == 0,
               "copy: the source's ref or gmfn first");
/* query_size's status is written with the two bytes after it (read first, so kept). */
_Static_assert(QUERY_STATUS + 4 <= sizeof(struct gnttab_query_size), "room after query.status");

/* What a map or unmap may change (grant_op_map's assigns, and the argument copies'). */
#define GRANT_MAP_STATE                                                                             \
    grant_state[0 .. DOMAIN_MAX - 1], hal_mem_bytes[0 .. HAL_MEM_BYTES - 1],                        \
        hal_mem_words[0 .. HAL_MEM_WORDS - 1], domain_table[0 .. DOMAIN_MAX - 1].p2m,              \
        domain_table[0 .. DOMAIN_MAX - 1].nr_granted, frame_nr_free,                                \
        frame_free_head[0 .. FRAME_MAX_ORDER], frame_heap.table[0 .. frame_heap.nr - 1],            \
        hal_frame_zero_model[0 .. frame_heap.nr - 1]

/* What growing the grant table may change (grant_frame_mfn's assigns). */
#define GRANT_GROW_STATE                                                                            \
    grant_state[0 .. DOMAIN_MAX - 1], domain_table[0 .. DOMAIN_MAX - 1].tot_pages,                  \
        domain_table[0 .. DOMAIN_MAX - 1].max_pages, frame_nr_free,                                 \
        frame_free_head[0 .. FRAME_MAX_ORDER], frame_heap.table[0 .. frame_heap.nr - 1],            \
        hal_frame_zero_model[0 .. frame_heap.nr - 1]

/* The address of byte off of the argument array (32-bit callers wrap at 4 GiB). */
/*@ requires \valid_read(v);
    assigns \nothing; */
static uint64_t arg_addr(const struct vcpu *v, uint64_t uop, uint64_t off)
{
    uint64_t a = uop + off;

    return hypercall_compat(v) ? (a & 0xFFFFFFFFULL) : a;
}

/* done of count records were handled: the guest re-executes the call for the rest. */
/*@ requires \valid(v) && done <= count;
    assigns v->regs;
    ensures \result == -XEN_ERESTART; */
static int64_t preempt(struct vcpu *v, uint64_t uop, uint32_t count, uint32_t done, size_t size)
{
    hypercall_set_arg(v, 1, arg_addr(v, uop, (uint64_t)done * size));
    hypercall_set_arg(v, 2, count - done);
    return -XEN_ERESTART;
}

/* The status for a domain argument hypercall_target_domain refused. */
/*@ assigns \nothing;
    ensures \result == GNTST_permission_denied || \result == GNTST_bad_domain; */
static int16_t domain_status(int rc)
{
    return rc == -XEN_EPERM ? GNTST_permission_denied : GNTST_bad_domain;
}

/* The int16 status at off of a record; the two bytes after it keep their value. */
/*@ requires off <= SIZE_MAX - 4 && \valid(b + (off .. off + 3));
    assigns b[off .. off + 3]; */
static void put_status(char *b, size_t off, int16_t st)
{
    uint32_t rest = hypercall_get_u32(b, off) & 0xFFFF0000U;

    hypercall_put_u32(b, off, rest | (uint16_t)st);
}

/* The int16 status st to the guest at addr (a record's status field): 0 or -XEN_EFAULT. */
/*@ requires hc_caller_ok(v);
    assigns hal_mem_bytes[0 .. HAL_MEM_BYTES - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures \result == 0 || \result == -XEN_EFAULT; */
static int64_t write_status(struct vcpu *v, uint64_t addr, int16_t st)
{
    char b[4];

    hypercall_put_u32(b, 0, (uint16_t)st);
    return hypercall_arg_write(v, addr, b, sizeof(int16_t));
}

/* ---- setup_table, query_size, versions ----------------------------------------------------- */

/* A setup_table record, either layout. */
struct setup_args {
    domid_t dom;
    uint32_t nr;
    uint64_t list;
};

/*@ requires hc_caller_ok(v) && \valid(a);
    requires \separated(a, &v->domain->p2m, &v->state.paging, hal_mem_words + (0 .. HAL_MEM_WORDS - 1));
    assigns *a, hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures \result == 0 || \result == -XEN_EFAULT; */
static int64_t read_setup(struct vcpu *v, uint64_t uop, struct setup_args *a)
{
    char s[sizeof(struct gnttab_setup_table)];

    if (hypercall_compat(v)) {
        if (hypercall_arg_read(v, uop, s, sizeof(struct gnttab_setup_table_compat)) != 0)
            return -XEN_EFAULT;
        a->list = hypercall_get_u32(s, SETUP32_LIST);
    } else {
        if (hypercall_arg_read(v, uop, s, sizeof(struct gnttab_setup_table)) != 0)
            return -XEN_EFAULT;
        a->list = hypercall_get_u64(s, SETUP_LIST);
    }
    a->dom = hypercall_get_u16(s, SETUP_DOM);
    a->nr = hypercall_get_u32(s, SETUP_NR);
    return 0;
}

/* Write the place of each of d's first n frames to the list: GNTST_okay or _bad_virt_addr. */
/*@ requires hc_caller_ok(v) && grant_inv && gt_dom_ok(d);
    assigns hal_mem_bytes[0 .. HAL_MEM_BYTES - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures \result == GNTST_okay || \result == GNTST_bad_virt_addr; */
static int16_t frame_list(struct vcpu *v, const struct domain *d, uint64_t list, uint32_t n)
{
    size_t w = hypercall_compat(v) ? 4U : 8U;
    char g[8];

    /*@ loop invariant 0 <= i <= n;
        loop assigns i, g[0 .. 7], hal_mem_bytes[0 .. HAL_MEM_BYTES - 1],
                     hal_mem_words[0 .. HAL_MEM_WORDS - 1];
        loop variant n - i; */
    for (uint32_t i = 0; i < n; i++) {
        /* Little endian: a 32-bit list takes the low half. */
        hypercall_put_u64(g, 0, grant_frame_gfn(d, i));
        if (hypercall_arg_write(v, arg_addr(v, list, (uint64_t)i * w), g, w) != 0)
            return GNTST_bad_virt_addr;
    }
    return GNTST_okay;
}

/*@ requires hc_caller_ok(v);
    requires dom_state_ok;
    requires grant_inv;
    assigns GRANT_GROW_STATE, hal_mem_bytes[0 .. HAL_MEM_BYTES - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures dom_state_ok;
    ensures grant_inv;
    ensures GNTST_permission_denied <= \result <= GNTST_okay; */
static int16_t setup_table(struct vcpu *v, domid_t dom, uint32_t nr, uint64_t list)
{
    struct domain *d;
    mfn_t m;
    int rc = 0;

    d = hypercall_target_domain(v, dom, &rc);
    if (d == NULL)
        return domain_status(rc);
    if (!grant_active(d) || nr > GRANT_MAX_FRAMES || (nr > 0 && grant_frame_mfn(d, nr - 1U, &m) != 0))
        return GNTST_general_error;
    return frame_list(v, d, list, nr);
}

/*@ requires hc_caller_ok(v) && dom_state_ok && grant_inv;
    assigns GRANT_GROW_STATE, hal_mem_bytes[0 .. HAL_MEM_BYTES - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures dom_state_ok;
    ensures grant_inv;
    ensures \result == 0 || \result == -XEN_EINVAL || \result == -XEN_EFAULT; */
static int64_t op_setup_table(struct vcpu *v, uint64_t uop, uint32_t count)
{
    struct setup_args a;

    if (count != 1)
        return -XEN_EINVAL;
    if (read_setup(v, uop, &a) != 0)
        return -XEN_EFAULT;
    return write_status(v, arg_addr(v, uop, SETUP_STATUS), setup_table(v, a.dom, a.nr, a.list));
}

/*@ requires hc_caller_ok(v) && grant_inv;
    assigns hal_mem_bytes[0 .. HAL_MEM_BYTES - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures \result == 0 || \result == -XEN_EINVAL || \result == -XEN_EFAULT; */
static int64_t op_query_size(struct vcpu *v, uint64_t uop, uint32_t count)
{
    char q[sizeof(struct gnttab_query_size)];
    struct domain *d;
    int16_t st = GNTST_okay;
    int rc = 0;

    if (count != 1)
        return -XEN_EINVAL;
    if (hypercall_arg_read(v, uop, q, sizeof(q)) != 0)
        return -XEN_EFAULT;
    d = hypercall_target_domain(v, hypercall_get_u16(q, QUERY_DOM), &rc);
    if (d == NULL) {
        st = domain_status(rc);
    } else if (!grant_active(d)) {
        st = GNTST_general_error;
    } else {
        uint32_t n = grant_nr_frames(d);

        /* At least the first frame, which Xen gives every domain at creation (see grant_ops.c). */
        hypercall_put_u32(q, QUERY_NR, n > 0 ? n : 1U);
        hypercall_put_u32(q, QUERY_MAX, GRANT_MAX_FRAMES);
    }
    put_status(q, QUERY_STATUS, st);
    return hypercall_arg_write(v, uop, q, sizeof(q));
}

/*@ requires hc_caller_ok(v);
    assigns hal_mem_bytes[0 .. HAL_MEM_BYTES - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures \result == 0 || \result == -XEN_ENOSYS || \result == -XEN_EINVAL || \result == -XEN_EFAULT; */
static int64_t op_set_version(struct vcpu *v, uint64_t uop)
{
    char s[sizeof(struct gnttab_set_version)];
    uint32_t want;
    int64_t rc;

    if (hypercall_arg_read(v, uop, s, sizeof(s)) != 0)
        return -XEN_EFAULT;
    want = hypercall_get_u32(s, 0);
    if (want == GRANT_TABLE_VERSION_1)
        rc = 0;
    else if (want == GRANT_TABLE_VERSION_2)
        rc = -XEN_ENOSYS;
    else
        rc = -XEN_EINVAL;
    hypercall_put_u32(s, 0, GRANT_TABLE_VERSION_1);
    return hypercall_arg_write(v, uop, s, sizeof(s)) != 0 ? -XEN_EFAULT : rc;
}

/*@ requires hc_caller_ok(v);
    assigns hal_mem_bytes[0 .. HAL_MEM_BYTES - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures \result == 0 || \result == -XEN_ESRCH || \result == -XEN_EPERM || \result == -XEN_EFAULT; */
static int64_t op_get_version(struct vcpu *v, uint64_t uop)
{
    char g[sizeof(struct gnttab_get_version)];
    int rc = 0;

    if (hypercall_arg_read(v, uop, g, sizeof(g)) != 0)
        return -XEN_EFAULT;
    if (hypercall_target_domain(v, hypercall_get_u16(g, VERSION_DOM), &rc) == NULL)
        return rc;
    hypercall_put_u32(g, VERSION_VALUE, GRANT_TABLE_VERSION_1);
    return hypercall_arg_write(v, uop, g, sizeof(g));
}

/* ---- batches ----------------------------------------------------------------------------------- */

/* The map record at a, read and checked writable: 0 or -XEN_EFAULT. */
/*@ requires hc_caller_ok(v) && \valid(m);
    requires \separated(m, &v->domain->p2m, &v->state.paging, hal_mem_words + (0 .. HAL_MEM_WORDS - 1),
                        hal_mem_bytes + (0 .. HAL_MEM_BYTES - 1));
    assigns *m, hal_mem_bytes[0 .. HAL_MEM_BYTES - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures \result == 0 || \result == -XEN_EFAULT; */
static int64_t read_map(struct vcpu *v, uint64_t a, struct gnttab_map_grant_ref *m)
{
    char b[MAP_SIZE];

    if (hypercall_arg_read_inout(v, a, b, sizeof(b)) != 0)
        return -XEN_EFAULT;
    *m = (struct gnttab_map_grant_ref){ .host_addr = hypercall_get_u64(b, MAP_HOST),
                                        .flags = hypercall_get_u32(b, MAP_FLAGS),
                                        .ref = hypercall_get_u32(b, MAP_REF),
                                        .dom = hypercall_get_u16(b, MAP_DOM) };
    return 0;
}

/* A map's answer to the record at a: the status, and on success the handle and no device address. */
/*@ requires hc_caller_ok(v);
    assigns hal_mem_bytes[0 .. HAL_MEM_BYTES - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures \result == 0 || \result == -XEN_EFAULT; */
static int64_t write_map(struct vcpu *v, uint64_t a, int16_t st, grant_handle_t h)
{
    char b[MAP_SIZE - MAP_STATUS];

    if (st != GNTST_okay)
        return write_status(v, arg_addr(v, a, MAP_STATUS), st);
    hypercall_put_u32(b, 0, (uint16_t)st);
    hypercall_put_u32(b, MAP_HANDLE - MAP_STATUS, h);
    hypercall_put_u64(b, MAP_BUS - MAP_STATUS, 0);      /* no device mapping */
    return hypercall_arg_write(v, arg_addr(v, a, MAP_STATUS), b, sizeof(b));
}
_Static_assert(MAP_HANDLE == MAP_STATUS + 2 && MAP_BUS == MAP_STATUS + 6 && MAP_BUS + 8 == MAP_SIZE,
               "map: status, handle, dev_bus_addr end the record");

/* The map record at a: done, its answer written back; 0 or -XEN_EFAULT. */
/*@ requires hc_caller_ok(v);
    requires dom_state_ok;
    requires grant_inv;
    assigns GRANT_MAP_STATE;
    ensures hc_caller_ok(v);
    ensures dom_state_ok;
    ensures grant_inv;
    ensures \result == 0 || \result == -XEN_EFAULT; */
static int64_t map_one(struct vcpu *v, uint64_t a)
{
    struct gnttab_map_grant_ref m;
    grant_handle_t h = 0;
    int16_t st;

    if (read_map(v, a, &m) != 0)
        return -XEN_EFAULT;
    st = grant_op_map(v->domain, &m, &h);
    /* The caller's vCPU lives in the domain table the map changed: hc_caller_ok
     * again, piece by piece (as one goal the provers time out). */
    /*@ assert caller_kept: v->domain == \at(v->domain, Pre) && v->id == \at(v->id, Pre) &&
                            v->domain->live &&
                            v->domain->guest.nr_vcpus == \at(v->domain->guest.nr_vcpus, Pre); */
    /*@ assert caller_vcpus: \forall integer k; 0 <= k < v->domain->guest.nr_vcpus ==>
                               v->domain->guest.vcpus[k].domain == v->domain &&
                               v->domain->guest.vcpus[k].id == k; */
    //@ assert caller_root: p2m_root_map_ok(&v->domain->p2m);
    return write_map(v, a, st, h);
}

/*@ requires hc_caller_ok(v) && dom_state_ok && grant_inv;
    assigns v->regs, GRANT_MAP_STATE;
    ensures dom_state_ok && grant_inv;
    ensures \result == 0 || \result == -XEN_EFAULT || \result == -XEN_ERESTART; */
static int64_t op_map(struct vcpu *v, uint64_t uop, uint32_t count)
{
    /*@ loop invariant 0 <= i <= count && i <= GRANT_BATCH_MAX;
        loop invariant hc_caller_ok(v) && dom_state_ok && grant_inv;
        loop assigns i, GRANT_MAP_STATE;
        loop variant count - i; */
    for (uint32_t i = 0; i < count; i++) {
        if (i == GRANT_BATCH_MAX)
            return preempt(v, uop, count, i, MAP_SIZE);
        if (map_one(v, arg_addr(v, uop, (uint64_t)i * MAP_SIZE)) != 0)
            return -XEN_EFAULT;
    }
    return 0;
}

/* The unmap record at a, read and checked writable: 0 or -XEN_EFAULT. */
/*@ requires hc_caller_ok(v) && \valid(u);
    requires \separated(u, &v->domain->p2m, &v->state.paging, hal_mem_words + (0 .. HAL_MEM_WORDS - 1),
                        hal_mem_bytes + (0 .. HAL_MEM_BYTES - 1));
    assigns *u, hal_mem_bytes[0 .. HAL_MEM_BYTES - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures \result == 0 || \result == -XEN_EFAULT; */
static int64_t read_unmap(struct vcpu *v, uint64_t a, struct gnttab_unmap_grant_ref *u)
{
    char b[UNMAP_SIZE];

    if (hypercall_arg_read_inout(v, a, b, sizeof(b)) != 0)
        return -XEN_EFAULT;
    *u = (struct gnttab_unmap_grant_ref){ .host_addr = hypercall_get_u64(b, UNMAP_HOST),
                                          .dev_bus_addr = hypercall_get_u64(b, UNMAP_BUS),
                                          .handle = hypercall_get_u32(b, UNMAP_HANDLE) };
    return 0;
}

/* The unmap record at a: done, its status written back; 0 or -XEN_EFAULT. */
/*@ requires hc_caller_ok(v);
    requires dom_state_ok;
    requires grant_inv;
    assigns GRANT_MAP_STATE;
    ensures hc_caller_ok(v);
    ensures dom_state_ok;
    ensures grant_inv;
    ensures \result == 0 || \result == -XEN_EFAULT; */
static int64_t unmap_one(struct vcpu *v, uint64_t a)
{
    struct gnttab_unmap_grant_ref u;
    int16_t st;

    if (read_unmap(v, a, &u) != 0)
        return -XEN_EFAULT;
    st = grant_op_unmap(v->domain, &u);
    /* As in map_one. */
    /*@ assert caller_kept: v->domain == \at(v->domain, Pre) && v->id == \at(v->id, Pre) &&
                            v->domain->live &&
                            v->domain->guest.nr_vcpus == \at(v->domain->guest.nr_vcpus, Pre); */
    /*@ assert caller_vcpus: \forall integer k; 0 <= k < v->domain->guest.nr_vcpus ==>
                               v->domain->guest.vcpus[k].domain == v->domain &&
                               v->domain->guest.vcpus[k].id == k; */
    //@ assert caller_root: p2m_root_map_ok(&v->domain->p2m);
    return write_status(v, arg_addr(v, a, UNMAP_STATUS), st);
}

/*@ requires hc_caller_ok(v) && dom_state_ok && grant_inv;
    assigns v->regs, GRANT_MAP_STATE;
    ensures dom_state_ok && grant_inv;
    ensures \result == 0 || \result == -XEN_EFAULT || \result == -XEN_ERESTART; */
static int64_t op_unmap(struct vcpu *v, uint64_t uop, uint32_t count)
{
    /*@ loop invariant 0 <= i <= count && i <= GRANT_BATCH_MAX;
        loop invariant hc_caller_ok(v) && dom_state_ok && grant_inv;
        loop assigns i, GRANT_MAP_STATE;
        loop variant count - i; */
    for (uint32_t i = 0; i < count; i++) {
        if (i == GRANT_BATCH_MAX)
            return preempt(v, uop, count, i, UNMAP_SIZE);
        if (unmap_one(v, arg_addr(v, uop, (uint64_t)i * UNMAP_SIZE)) != 0)
            return -XEN_EFAULT;
    }
    return 0;
}

/* A copy record's request, from its bytes in the caller's layout. */
/*@ requires \valid_read(b + (0 .. COPY_SIZE - 1)) && \valid(r) && \separated(r, b + (0 .. COPY_SIZE - 1));
    assigns *r; */
static void copy_request(const char *b, bool compat, struct grant_copy_req *r)
{
    if (compat) {
        r->source.ref_or_gmfn = hypercall_get_u32(b, 0);
        r->source.domid = hypercall_get_u16(b, COPY32_DOMID);
        r->source.offset = hypercall_get_u16(b, COPY32_OFFSET);
        r->dest.ref_or_gmfn = hypercall_get_u32(b, COPY32_DEST);
        r->dest.domid = hypercall_get_u16(b, COPY32_DEST + COPY32_DOMID);
        r->dest.offset = hypercall_get_u16(b, COPY32_DEST + COPY32_OFFSET);
        r->len = hypercall_get_u16(b, COPY32_LEN);
        r->flags = hypercall_get_u16(b, COPY32_FLAGS);
        return;
    }
    r->source.ref_or_gmfn = hypercall_get_u64(b, 0);
    r->source.domid = hypercall_get_u16(b, COPY_DOMID);
    r->source.offset = hypercall_get_u16(b, COPY_OFFSET);
    r->dest.ref_or_gmfn = hypercall_get_u64(b, COPY_DEST);
    r->dest.domid = hypercall_get_u16(b, COPY_DEST + COPY_DOMID);
    r->dest.offset = hypercall_get_u16(b, COPY_DEST + COPY_OFFSET);
    r->len = hypercall_get_u16(b, COPY_LEN);
    r->flags = hypercall_get_u16(b, COPY_FLAGS);
}

/* The copy record at a: done, its status written back; 0 or -XEN_EFAULT. */
/*@ requires hc_caller_ok(v) && dom_state_ok && grant_inv;
    assigns hal_mem_bytes[0 .. HAL_MEM_BYTES - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures \result == 0 || \result == -XEN_EFAULT; */
static int64_t copy_one(struct vcpu *v, uint64_t a)
{
    bool compat = hypercall_compat(v);
    char b[COPY_SIZE];
    struct grant_copy_req r;

    if (hypercall_arg_read_inout(v, a, b, compat ? COPY32_SIZE : COPY_SIZE) != 0)
        return -XEN_EFAULT;
    copy_request(b, compat, &r);
    return write_status(v, arg_addr(v, a, compat ? COPY32_STATUS : COPY_STATUS), grant_op_copy(v->domain, &r));
}

/*@ requires hc_caller_ok(v) && dom_state_ok && grant_inv;
    assigns v->regs, hal_mem_bytes[0 .. HAL_MEM_BYTES - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures \result == 0 || \result == -XEN_EFAULT || \result == -XEN_ERESTART; */
static int64_t op_copy(struct vcpu *v, uint64_t uop, uint32_t count)
{
    size_t size = hypercall_compat(v) ? COPY32_SIZE : COPY_SIZE;

    /*@ loop invariant 0 <= i <= count && i <= GRANT_BATCH_MAX;
        loop assigns i, hal_mem_bytes[0 .. HAL_MEM_BYTES - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
        loop variant count - i; */
    for (uint32_t i = 0; i < count; i++) {
        if (i == GRANT_BATCH_MAX)
            return preempt(v, uop, count, i, size);
        if (copy_one(v, arg_addr(v, uop, (uint64_t)i * size)) != 0)
            return -XEN_EFAULT;
    }
    return 0;
}

/*
 * The operations Xen lets HVM and PVH guests make.  Anything else, including
 * cache_flush and any cmd with bits above the operation number (a preempted
 * operation's progress, which no operation here needs), is -ENOSYS.
 */
/*@ assigns \nothing; */
static bool op_allowed(uint32_t cmd)
{
    switch (cmd) {
    case GNTTABOP_map_grant_ref:
    case GNTTABOP_unmap_grant_ref:
    case GNTTABOP_setup_table:
    case GNTTABOP_copy:
    case GNTTABOP_query_size:
    case GNTTABOP_set_version:
    case GNTTABOP_get_version:
    case GNTTABOP_swap_grant_ref:
        return true;
    default:
        return false;
    }
}

int64_t hc_grant_table_op(struct vcpu *v, uint32_t cmd, uint64_t uop, uint32_t count)
{
    if (!op_allowed(cmd) || !grant_active(v->domain))
        return -XEN_ENOSYS;
    if (count > (uint32_t)INT32_MAX)
        return -XEN_EINVAL;            /* negative as the int Xen takes */
    switch (cmd) {
    case GNTTABOP_map_grant_ref:
        return op_map(v, uop, count);
    case GNTTABOP_unmap_grant_ref:
        return op_unmap(v, uop, count);
    case GNTTABOP_setup_table:
        return op_setup_table(v, uop, count);
    case GNTTABOP_copy:
        return op_copy(v, uop, count);
    case GNTTABOP_query_size:
        return op_query_size(v, uop, count);
    case GNTTABOP_set_version:
        return op_set_version(v, uop);
    case GNTTABOP_get_version:
        return op_get_version(v, uop);
    default:
        return -XEN_ENOSYS;
    }
}
