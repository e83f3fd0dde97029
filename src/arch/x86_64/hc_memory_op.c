// SPDX-License-Identifier: GPL-2.0-only
/*
 * memory_op(cmd, arg).  The low MEMOP_EXTENT_SHIFT bits of cmd select the
 * operation; the bits above are the extent a preempted operation resumes
 * from, which none of the operations here uses:
 *   add_to_physmap      extent must fit 16 bits (else -EDOM), as in Xen
 *   memory_map          a non-zero extent is no such operation (-ENOSYS)
 *   current_reservation, maximum_reservation, maximum_gpfn
 *                       a non-zero extent is -EINVAL
 *
 * add_to_physmap(XENMAPSPACE_shared_info, idx 0, gpfn) puts the domain's
 * shared_info frame at gpfn.  The frame is domain RAM allocated on first use
 * and initialised then (zero, pvclock records, wallclock).  Whatever RAM
 * page was at gpfn is unmapped and, when nothing else maps it, freed; the
 * frame's previous place is unmapped.  The steps are ordered so that a
 * failure (out of memory) leaves every mapping as it was:
 *   1. allocate the frame now if the domain has room for one more page;
 *   2. unmap the old page at gpfn (may need a table page to split a 2 MiB
 *      mapping: the only step that can fail after 1), free it if unused;
 *   3. allocate the frame now if step 1 had to wait for that page;
 *   4. map the frame at gpfn (the tables exist after 2, so this cannot fail
 *      when something was mapped there; when nothing was, nothing was
 *      changed before it except 1);
 *   5. unmap the frame's previous place (a 4 KiB leaf: cannot fail).
 * add_to_physmap(XENMAPSPACE_grant_table, idx, gpfn) puts grant frame idx
 * at gpfn, growing the table to idx + 1 frames first (hv/grant_table.h):
 * -EINVAL for idx beyond GRANT_MAX_FRAMES (so also for
 * XENMAPIDX_grant_table_status, which names v2 status frames) or for a
 * domain without grant state, -ENOMEM when no frame is left.  The same
 * steps as for shared_info follow: the page at gpfn leaves (freed when
 * nothing maps it, unless the hypervisor shares it with the domain), the
 * frame is mapped, its previous place unmapped.
 * Other map spaces: XENMAPSPACE_gmfn and _gmfn_range are not provided, so
 * they are -EINVAL (what Xen says for a frame it cannot find);
 * _gmfn_foreign is -ENOSYS, as in Xen.
 *
 * A gpfn where the domain maps another domain's frame through a grant is
 * refused by both map spaces (-EINVAL; Xen's guest_remove_page says -ENXIO
 * there, which memory_op does not declare here): only unmap_grant_ref
 * removes a grant mapping.
 *
 * Reservations count guest RAM: tot_pages without the shared_info frame and
 * the grant frames (Xen counts neither); frames the domain maps through
 * grants are their owner's and never in its tot_pages.  maximum_gpfn is the
 * highest gfn the p2m maps now, grant mappings included (0 when none).
 *
 * Arguments move as bytes through the hypercall accessors (hv/hypercall.h):
 * each record is read into a char buffer of its ABI size (native or 32-bit
 * layout) and taken apart at the ABI's offsets, which the static asserts of
 * xen/hypercall.h and below pin down.
 */
#include "hv/hypercall_table.h"

#define SHARED_INFO_ACCESS (P2M_ACCESS_R | P2M_ACCESS_W)

/* What the domain RAM calls of hv/domain.h may change (their assigns). */
#define DOMAIN_RAM_STATE                                                                    \
    domain_table[0 .. DOMAIN_MAX - 1], frame_nr_free, frame_free_head[0 .. FRAME_MAX_ORDER], \
        frame_heap.table[0 .. frame_heap.nr - 1], hal_frame_zero_model[0 .. frame_heap.nr - 1], \
        hal_mem_words[0 .. HAL_MEM_WORDS - 1]

/* add_to_physmap: domid and space sit at the same offsets in both layouts. */
#define XATP_DOMID   offsetof(struct xen_add_to_physmap, domid)
#define XATP_SPACE   offsetof(struct xen_add_to_physmap, space)
#define XATP_IDX     offsetof(struct xen_add_to_physmap, idx)
#define XATP_GPFN    offsetof(struct xen_add_to_physmap, gpfn)
#define XATP32_IDX   offsetof(struct xen_add_to_physmap_compat, idx)
#define XATP32_GPFN  offsetof(struct xen_add_to_physmap_compat, gpfn)
_Static_assert(offsetof(struct xen_add_to_physmap_compat, domid) == XATP_DOMID, "compat xatp.domid");
_Static_assert(offsetof(struct xen_add_to_physmap_compat, space) == XATP_SPACE, "compat xatp.space");

/* memory_map: nr_entries first in both layouts, then the buffer handle. */
#define MAP_NR       offsetof(struct xen_memory_map, nr_entries)
#define MAP_BUFFER   offsetof(struct xen_memory_map, buffer)
#define MAP32_BUFFER offsetof(struct xen_memory_map_compat, buffer)
_Static_assert(offsetof(struct xen_memory_map_compat, nr_entries) == MAP_NR, "compat map.nr_entries");
#define E820_SIZE    sizeof(struct xen_e820_entry)
#define E820_ADDR    offsetof(struct xen_e820_entry, addr_lo)   /* addr_lo, addr_hi: a little-endian u64 */
#define E820_LEN     offsetof(struct xen_e820_entry, size_lo)   /* size_lo, size_hi: the same */
#define E820_TYPE    offsetof(struct xen_e820_entry, type)
_Static_assert(E820_ADDR == 0 && E820_LEN == 8 && E820_TYPE == 16, "e820 entry layout");

/* ---- add_to_physmap(shared_info) ------------------------------------------------ */

/* Does gpfn hold a grant mapping (a frame of another domain), which only
 * unmap_grant_ref may remove? */
/*@ requires gt_dom_ok(d);
    assigns \nothing; */
static bool granted_at(const struct domain *d, gfn_t gpfn)
{
    mfn_t m;
    unsigned access;

    return p2m_foreign_lookup(&d->p2m, gpfn, &m, &access) == 0;
}

/*@ requires gt_dom_ok(d) && frame_heap_inv;
    assigns \nothing; */
static bool room_for_one(const struct domain *d)
{
    return d->tot_pages < d->max_pages && frame_free_count() > 0;
}

/*@ requires dom_state_ok && gt_dom_ok(d);
    assigns DOMAIN_RAM_STATE;
    ensures dom_state_ok;
    ensures \result == 0 || \result == -XEN_ENOMEM; */
static int64_t shared_info_alloc(struct domain *d)
{
    mfn_t m;

    if (domain_alloc_ram(d->id, P2M_ORDER_4K, &m) != 0)
        return -XEN_ENOMEM;
    d->guest.shared_info_mfn = m;
    guest_time_shared_info_init(d);
    return 0;
}

/* Step 2: the RAM page at gpfn leaves; freed when nothing else maps it. */
/*@ requires dom_state_ok && grant_inv && gt_dom_ok(d);
    assigns DOMAIN_RAM_STATE;
    ensures dom_state_ok;
    ensures \result == 0 || \result == -XEN_ENOMEM || \result == -XEN_EINVAL; */
static int64_t evict(struct domain *d, gfn_t gpfn, mfn_t prev)
{
    int rc = domain_unmap(d->id, gpfn, P2M_ORDER_4K);

    if (rc != 0)
        return rc == -XEN_ENOMEM ? -XEN_ENOMEM : -XEN_EINVAL;
    /* Freed only when nothing maps it and it is plain RAM, not shared_info or a grant frame. */
    if (frame_refcount(prev) == 0 && prev != d->guest.shared_info_mfn && !grant_is_frame(d, prev))
        (void)domain_free_ram(d->id, prev, P2M_ORDER_4K);
    return 0;
}

/*
 * Steps 1 to 3: d has its shared_info frame and gpfn is free, or an error
 * and (except after step 1) nothing changed.
 */
/*@ requires dom_state_ok && grant_inv && gt_dom_ok(d);
    assigns DOMAIN_RAM_STATE;
    ensures dom_state_ok;
    ensures \result == 0 || \result == -XEN_EINVAL || \result == -XEN_ENOMEM; */
static int64_t shared_info_make_room(struct domain *d, gfn_t gpfn, bool have_prev, mfn_t prev)
{
    int64_t rc;

    if (d->guest.shared_info_mfn == INVALID_MFN && !room_for_one(d) &&
        !(have_prev && frame_refcount(prev) == 1))
        return -XEN_ENOMEM;                        /* no room even after step 2 */
    if (d->guest.shared_info_mfn == INVALID_MFN && room_for_one(d) && shared_info_alloc(d) != 0)
        return -XEN_ENOMEM;                        /* step 1 */
    if (have_prev) {
        rc = evict(d, gpfn, prev);
        if (rc != 0)
            return rc;                             /* step 2 */
    }
    if (d->guest.shared_info_mfn == INVALID_MFN && shared_info_alloc(d) != 0)
        return -XEN_ENOMEM;                        /* step 3 */
    return 0;
}

/* Steps 4 and 5: map the frame at gpfn, unmap its previous place. */
/*@ requires dom_state_ok && gt_dom_ok(d);
    assigns DOMAIN_RAM_STATE;
    ensures dom_state_ok;
    ensures \result == 0 || \result == -XEN_ENOMEM; */
static int64_t shared_info_place(struct domain *d, gfn_t gpfn)
{
    gfn_t old = d->guest.shared_info_gfn;
    mfn_t m;
    unsigned access;

    if (domain_map(d->id, gpfn, d->guest.shared_info_mfn, P2M_ORDER_4K, SHARED_INFO_ACCESS) != 0)
        return -XEN_ENOMEM;                        /* step 4 */
    if (old != INVALID_GFN && domain_lookup(d->id, old, &m, &access) == 0 &&
        m == d->guest.shared_info_mfn)
        (void)domain_unmap(d->id, old, P2M_ORDER_4K);   /* step 5 */
    d->guest.shared_info_gfn = gpfn;
    return 0;
}

/*@ requires dom_state_ok && grant_inv && gt_dom_ok(d);
    assigns DOMAIN_RAM_STATE;
    ensures dom_state_ok;
    ensures \result == 0 || \result == -XEN_EINVAL || \result == -XEN_ENOMEM; */
static int64_t map_shared_info(struct domain *d, gfn_t gpfn)
{
    mfn_t prev;
    unsigned access;
    bool have_prev;
    int64_t rc;

    if (gpfn > P2M_MAX_GFN || granted_at(d, gpfn))
        return -XEN_EINVAL;
    have_prev = domain_lookup(d->id, gpfn, &prev, &access) == 0;
    if (have_prev && prev == d->guest.shared_info_mfn)
        return 0;                                  /* already there */
    rc = shared_info_make_room(d, gpfn, have_prev, prev);
    if (rc != 0)
        return rc;
    return shared_info_place(d, gpfn);
}

/* ---- add_to_physmap(grant_table) ---------------------------------------------- */

/* Grant frame m goes to gpfn: the page there leaves, m is mapped. */
/*@ requires dom_state_ok && grant_inv && gt_dom_ok(d);
    assigns DOMAIN_RAM_STATE;
    ensures dom_state_ok;
    ensures \result == 0 || \result == -XEN_EINVAL || \result == -XEN_ENOMEM; */
static int64_t grant_frame_place(struct domain *d, gfn_t gpfn, mfn_t m)
{
    mfn_t prev, cur;
    unsigned access;
    int64_t rc;

    if (domain_lookup(d->id, gpfn, &prev, &access) == 0 && prev != m) {
        rc = evict(d, gpfn, prev);
        if (rc != 0)
            return rc;
    }
    if (domain_lookup(d->id, gpfn, &cur, &access) != 0 &&
        domain_map(d->id, gpfn, m, P2M_ORDER_4K, SHARED_INFO_ACCESS) != 0)
        return -XEN_ENOMEM;
    return 0;
}

/* Grant frame m leaves its previous place old (when it is still there). */
/*@ requires dom_state_ok && gt_dom_ok(d);
    assigns DOMAIN_RAM_STATE;
    ensures dom_state_ok; */
static void grant_frame_leave(struct domain *d, gfn_t old, mfn_t m)
{
    mfn_t cur;
    unsigned access;

    if (old != INVALID_GFN && domain_lookup(d->id, old, &cur, &access) == 0 && cur == m)
        (void)domain_unmap(d->id, old, P2M_ORDER_4K);
}

/* The page at gpfn leaves for a grant frame; a frame the hypervisor shares stays allocated. */
/*@ requires dom_state_ok && grant_inv && gt_dom_ok(d);
    assigns DOMAIN_RAM_STATE, grant_state[0 .. DOMAIN_MAX - 1];
    ensures dom_state_ok && grant_inv;
    ensures \result == 0 || \result == -XEN_EINVAL || \result == -XEN_ENOMEM; */
static int64_t map_grant_frame(struct domain *d, uint64_t idx, gfn_t gpfn)
{
    mfn_t m;
    gfn_t old;
    int64_t rc;

    if (gpfn > P2M_MAX_GFN || idx >= GRANT_MAX_FRAMES || granted_at(d, gpfn))
        return -XEN_EINVAL;
    rc = grant_frame_mfn(d, (uint32_t)idx, &m);
    if (rc != 0)
        return rc;
    old = grant_frame_gfn(d, (uint32_t)idx);
    rc = grant_frame_place(d, gpfn, m);
    if (rc != 0)
        return rc;
    if (old != gpfn)
        grant_frame_leave(d, old, m);
    grant_frame_set_gfn(d, (uint32_t)idx, gpfn);
    return 0;
}

/* add_to_physmap's arguments, from either layout. */
struct xatp_args {
    domid_t domid;
    uint32_t space;
    uint64_t idx;
    gfn_t gpfn;
};

/*@ requires hc_caller_ok(v) && \valid(x);
    requires \separated(x, &v->domain->p2m, &v->state.paging);
    assigns *x, hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures \result == 0 || \result == -XEN_EFAULT; */
static int64_t read_xatp(struct vcpu *v, uint64_t arg, struct xatp_args *x)
{
    char a[sizeof(struct xen_add_to_physmap)];

    if (!hypercall_compat(v)) {
        if (hypercall_arg_read(v, arg, a, sizeof(struct xen_add_to_physmap)) != 0)
            return -XEN_EFAULT;
        x->idx = hypercall_get_u64(a, XATP_IDX);
        x->gpfn = hypercall_get_u64(a, XATP_GPFN);
    } else {
        if (hypercall_arg_read(v, arg, a, sizeof(struct xen_add_to_physmap_compat)) != 0)
            return -XEN_EFAULT;
        x->idx = hypercall_get_u32(a, XATP32_IDX);
        x->gpfn = hypercall_get_u32(a, XATP32_GPFN);
    }
    x->domid = hypercall_get_u16(a, XATP_DOMID);
    x->space = hypercall_get_u32(a, XATP_SPACE);
    return 0;
}

/*@ requires hc_caller_ok(v) && dom_state_ok && grant_inv;
    assigns DOMAIN_RAM_STATE, grant_state[0 .. DOMAIN_MAX - 1];
    ensures dom_state_ok && grant_inv;
    ensures \result == 0 || \result == -XEN_EDOM || \result == -XEN_EFAULT ||
            \result == -XEN_ENOSYS || \result == -XEN_ESRCH || \result == -XEN_EPERM ||
            \result == -XEN_EINVAL || \result == -XEN_ENOMEM; */
static int64_t add_to_physmap(struct vcpu *v, uint64_t extent, uint64_t arg)
{
    struct xatp_args x;
    struct domain *d;
    int rc = 0;

    if (extent > 0xFFFFU)
        return -XEN_EDOM;
    if (read_xatp(v, arg, &x) != 0)
        return -XEN_EFAULT;
    if (x.space == XENMAPSPACE_gmfn_foreign)
        return -XEN_ENOSYS;       /* only through add_to_physmap_batch */
    d = hypercall_target_domain(v, x.domid, &rc);
    if (d == NULL)
        return rc;
    if (x.space == XENMAPSPACE_grant_table)
        return map_grant_frame(d, x.idx, x.gpfn);
    if (x.space != XENMAPSPACE_shared_info || x.idx != 0)
        return -XEN_EINVAL;
    return map_shared_info(d, x.gpfn);
}

/* ---- memory_map ----------------------------------------------------------------- */

/* Entry i of the e820 array out of one entry of the domain's map. */
/*@ requires i < DOMAIN_MEMMAP_MAX && \valid_read(s);
    requires \valid(e + (0 .. DOMAIN_MEMMAP_MAX * E820_SIZE - 1));
    assigns e[i * E820_SIZE .. i * E820_SIZE + E820_SIZE - 1]; */
static void e820_put(char *e, uint32_t i, const struct hvm_memmap_table_entry *s)
{
    size_t off = i * E820_SIZE;

    hypercall_put_u64(e, off + E820_ADDR, s->addr);
    hypercall_put_u64(e, off + E820_LEN, s->size);
    hypercall_put_u32(e, off + E820_TYPE, s->type);
}

/*@ requires hc_caller_ok(v);
    assigns hal_mem_bytes[0 .. HAL_MEM_BYTES - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures \result == 0 || \result == -XEN_EFAULT || \result == -XEN_ENOSYS; */
static int64_t memory_map(struct vcpu *v, uint64_t arg)
{
    const struct domain *d = v->domain;
    bool compat = hypercall_compat(v);
    size_t len = compat ? sizeof(struct xen_memory_map_compat) : sizeof(struct xen_memory_map);
    char m[sizeof(struct xen_memory_map)];
    char e[DOMAIN_MEMMAP_MAX * E820_SIZE];
    uint64_t buffer;
    uint32_t n, want;

    if (hypercall_arg_read(v, arg, m, len) != 0)
        return -XEN_EFAULT;
    if (d->guest.nr_memmap == 0)
        return -XEN_ENOSYS;       /* no map was set for this domain */
    want = hypercall_get_u32(m, MAP_NR);
    buffer = compat ? hypercall_get_u32(m, MAP32_BUFFER) : hypercall_get_u64(m, MAP_BUFFER);
    n = d->guest.nr_memmap < DOMAIN_MEMMAP_MAX ? d->guest.nr_memmap : DOMAIN_MEMMAP_MAX;
    n = want < n ? want : n;
    /*@ loop invariant 0 <= i <= n;
        loop assigns i, e[0 .. DOMAIN_MEMMAP_MAX * E820_SIZE - 1];
        loop variant n - i; */
    for (uint32_t i = 0; i < n; i++)
        e820_put(e, i, &d->guest.memmap[i]);
    if (hypercall_arg_write(v, buffer, e, n * E820_SIZE) != 0)
        return -XEN_EFAULT;
    hypercall_put_u32(m, MAP_NR, n);
    return hypercall_arg_write(v, arg, m, len);
}

/* ---- sizes ---------------------------------------------------------------------- */

/* A count as the long the guest reads (the domain's counts never come near the limit). */
/*@ assigns \nothing;
    ensures \result >= 0; */
static int64_t count_result(uint64_t n)
{
    return n > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)n;
}

/* The guest's RAM: tot_pages without the shared_info frame and the grant frames. */
/*@ requires grant_inv && gt_dom_ok(d);
    assigns \nothing;
    ensures \result >= 0; */
static int64_t current_reservation(const struct domain *d)
{
    uint64_t extra = (d->guest.shared_info_mfn != INVALID_MFN ? 1U : 0U) +
                     (grant_active(d) ? grant_nr_frames(d) : 0U);

    return count_result(d->tot_pages > extra ? d->tot_pages - extra : 0U);
}

/*@ requires hc_caller_ok(v) && grant_inv;
    assigns hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures \result >= 0 || \result == -XEN_EINVAL || \result == -XEN_EFAULT ||
            \result == -XEN_ESRCH || \result == -XEN_EPERM; */
static int64_t reservation(struct vcpu *v, unsigned op, uint64_t extent, uint64_t arg)
{
    char id[sizeof(domid_t)];
    struct domain *d;
    int rc = 0;

    if (extent != 0)
        return -XEN_EINVAL;
    if (hypercall_arg_read(v, arg, id, sizeof(id)) != 0)
        return -XEN_EFAULT;
    d = hypercall_target_domain(v, hypercall_get_u16(id, 0), &rc);
    if (d == NULL)
        return rc;
    if (op == XENMEM_maximum_reservation)
        return count_result(d->max_pages);
    if (op == XENMEM_maximum_gpfn)
        return (int64_t)p2m_highest_gfn(&d->p2m);
    return current_reservation(d);
}

int64_t hc_memory_op(struct vcpu *v, uint64_t cmd, uint64_t arg)
{
    unsigned op = (unsigned)(cmd & MEMOP_CMD_MASK);
    uint64_t extent = cmd >> MEMOP_EXTENT_SHIFT;

    switch (op) {
    case XENMEM_add_to_physmap:
        return add_to_physmap(v, extent, arg);
    case XENMEM_memory_map:
        return extent != 0 ? -XEN_ENOSYS : memory_map(v, arg);
    case XENMEM_current_reservation:
    case XENMEM_maximum_reservation:
    case XENMEM_maximum_gpfn:
        return reservation(v, op, extent, arg);
    default:
        return -XEN_ENOSYS;
    }
}
