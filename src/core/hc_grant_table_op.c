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
 */
#include "hv/hypercall_table.h"

#include "hv/grant_table.h"
#include "hv/guest_copy.h"

#define GRANT_BATCH_MAX 128U

/* The address of byte off of the argument array (32-bit callers wrap at 4 GiB). */
static uint64_t arg_addr(const struct vcpu *v, uint64_t uop, uint64_t off)
{
    uint64_t a = uop + off;

    return hypercall_compat(v) ? (a & 0xFFFFFFFFULL) : a;
}

/* done of count records were handled: the guest re-executes the call for the rest. */
static int64_t preempt(struct vcpu *v, uint64_t uop, uint32_t count, uint32_t done, size_t size)
{
    hypercall_set_arg(v, 1, arg_addr(v, uop, (uint64_t)done * size));
    hypercall_set_arg(v, 2, count - done);
    return -XEN_ERESTART;
}

/* The status for a domain argument hypercall_target_domain refused. */
static int16_t domain_status(int rc)
{
    return rc == -XEN_EPERM ? GNTST_permission_denied : GNTST_bad_domain;
}

/* ---- setup_table, query_size, versions ----------------------------------------------------- */

/* Write the place of each of d's first n frames to the list: GNTST_okay or _bad_virt_addr. */
static int16_t frame_list(struct vcpu *v, const struct domain *d, uint64_t list, uint32_t n)
{
    bool compat = hypercall_compat(v);
    size_t w = compat ? 4U : 8U;

    for (uint32_t i = 0; i < n; i++) {
        uint64_t g = grant_frame_gfn(d, i);

        if (hypercall_arg_write(v, arg_addr(v, list, (uint64_t)i * w), &g, w) != 0)
            return GNTST_bad_virt_addr;     /* little endian: the low half for a 32-bit list */
    }
    return GNTST_okay;
}

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

static int64_t op_setup_table(struct vcpu *v, uint64_t uop, uint32_t count)
{
    struct gnttab_setup_table s;
    struct gnttab_setup_table_compat c;

    if (count != 1)
        return -XEN_EINVAL;
    if (hypercall_compat(v)) {
        if (hypercall_arg_read(v, uop, &c, sizeof(c)) != 0)
            return -XEN_EFAULT;
        c.status = setup_table(v, c.dom, c.nr_frames, c.frame_list);
        return hypercall_arg_write(v, uop, &c, sizeof(c));
    }
    if (hypercall_arg_read(v, uop, &s, sizeof(s)) != 0)
        return -XEN_EFAULT;
    s.status = setup_table(v, s.dom, s.nr_frames, s.frame_list);
    return hypercall_arg_write(v, uop, &s, sizeof(s));
}

static int64_t op_query_size(struct vcpu *v, uint64_t uop, uint32_t count)
{
    struct gnttab_query_size q;
    struct domain *d;
    int rc = 0;

    if (count != 1)
        return -XEN_EINVAL;
    if (hypercall_arg_read(v, uop, &q, sizeof(q)) != 0)
        return -XEN_EFAULT;
    d = hypercall_target_domain(v, q.dom, &rc);
    if (d == NULL) {
        q.status = domain_status(rc);
    } else if (!grant_active(d)) {
        q.status = GNTST_general_error;
    } else {
        /* At least the first frame, which Xen gives every domain at creation (see grant_ops.c). */
        q.nr_frames = grant_nr_frames(d) > 0 ? grant_nr_frames(d) : 1;
        q.max_nr_frames = GRANT_MAX_FRAMES;
        q.status = GNTST_okay;
    }
    return hypercall_arg_write(v, uop, &q, sizeof(q));
}

static int64_t op_set_version(struct vcpu *v, uint64_t uop)
{
    struct gnttab_set_version s;
    int64_t rc;

    if (hypercall_arg_read(v, uop, &s, sizeof(s)) != 0)
        return -XEN_EFAULT;
    if (s.version == GRANT_TABLE_VERSION_1)
        rc = 0;
    else if (s.version == GRANT_TABLE_VERSION_2)
        rc = -XEN_ENOSYS;
    else
        rc = -XEN_EINVAL;
    s.version = GRANT_TABLE_VERSION_1;
    return hypercall_arg_write(v, uop, &s, sizeof(s)) != 0 ? -XEN_EFAULT : rc;
}

static int64_t op_get_version(struct vcpu *v, uint64_t uop)
{
    struct gnttab_get_version g;
    int rc = 0;

    if (hypercall_arg_read(v, uop, &g, sizeof(g)) != 0)
        return -XEN_EFAULT;
    if (hypercall_target_domain(v, g.dom, &rc) == NULL)
        return rc;
    g.version = GRANT_TABLE_VERSION_1;
    return hypercall_arg_write(v, uop, &g, sizeof(g));
}

/* ---- batches ----------------------------------------------------------------------------------- */

static int64_t op_map(struct vcpu *v, uint64_t uop, uint32_t count)
{
    for (uint32_t i = 0; i < count; i++) {
        uint64_t a = arg_addr(v, uop, (uint64_t)i * sizeof(struct gnttab_map_grant_ref));
        struct gnttab_map_grant_ref m;
        grant_handle_t h = 0;

        if (i == GRANT_BATCH_MAX)
            return preempt(v, uop, count, i, sizeof(m));
        if (hypercall_arg_read_inout(v, a, &m, sizeof(m)) != 0)
            return -XEN_EFAULT;
        m.status = grant_op_map(v->domain, &m, &h);
        if (m.status == GNTST_okay) {
            m.handle = h;
            m.dev_bus_addr = 0;         /* no device mapping */
        }
        if (hypercall_arg_write(v, a, &m, sizeof(m)) != 0)
            return -XEN_EFAULT;
    }
    return 0;
}

static int64_t op_unmap(struct vcpu *v, uint64_t uop, uint32_t count)
{
    for (uint32_t i = 0; i < count; i++) {
        uint64_t a = arg_addr(v, uop, (uint64_t)i * sizeof(struct gnttab_unmap_grant_ref));
        struct gnttab_unmap_grant_ref u;

        if (i == GRANT_BATCH_MAX)
            return preempt(v, uop, count, i, sizeof(u));
        if (hypercall_arg_read_inout(v, a, &u, sizeof(u)) != 0)
            return -XEN_EFAULT;
        u.status = grant_op_unmap(v->domain, &u);
        if (hypercall_arg_write(v, a, &u, sizeof(u)) != 0)
            return -XEN_EFAULT;
    }
    return 0;
}

/* Copy record at a in the caller's layout: its request, and where its status goes. */
static int64_t read_copy(struct vcpu *v, uint64_t a, struct grant_copy_req *r, uint64_t *status_at)
{
    struct gnttab_copy c;
    struct gnttab_copy_compat cc;

    if (hypercall_compat(v)) {
        if (hypercall_arg_read_inout(v, a, &cc, sizeof(cc)) != 0)
            return -XEN_EFAULT;
        *r = (struct grant_copy_req){ .source = { cc.source.u.gmfn, cc.source.domid, cc.source.offset },
                                      .dest = { cc.dest.u.gmfn, cc.dest.domid, cc.dest.offset },
                                      .len = cc.len, .flags = cc.flags };
        *status_at = arg_addr(v, a, __builtin_offsetof(struct gnttab_copy_compat, status));
        return 0;
    }
    if (hypercall_arg_read_inout(v, a, &c, sizeof(c)) != 0)
        return -XEN_EFAULT;
    *r = (struct grant_copy_req){ .source = { c.source.u.gmfn, c.source.domid, c.source.offset },
                                  .dest = { c.dest.u.gmfn, c.dest.domid, c.dest.offset },
                                  .len = c.len, .flags = c.flags };
    *status_at = a + __builtin_offsetof(struct gnttab_copy, status);
    return 0;
}

static int64_t op_copy(struct vcpu *v, uint64_t uop, uint32_t count)
{
    size_t size = hypercall_compat(v) ? sizeof(struct gnttab_copy_compat) : sizeof(struct gnttab_copy);

    for (uint32_t i = 0; i < count; i++) {
        struct grant_copy_req r;
        uint64_t at = 0;
        int16_t st;

        if (i == GRANT_BATCH_MAX)
            return preempt(v, uop, count, i, size);
        if (read_copy(v, arg_addr(v, uop, (uint64_t)i * size), &r, &at) != 0)
            return -XEN_EFAULT;
        st = grant_op_copy(v->domain, &r);
        if (hypercall_arg_write(v, at, &st, sizeof(st)) != 0)
            return -XEN_EFAULT;
    }
    return 0;
}

/*
 * The operations Xen lets HVM and PVH guests make.  Anything else, including
 * cache_flush and any cmd with bits above the operation number (a preempted
 * operation's progress, which no operation here needs), is -ENOSYS.
 */
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
    if ((int32_t)count < 0)
        return -XEN_EINVAL;
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
