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
 */
#include "hv/hypercall_table.h"

#include "hv/grant_table.h"
#include "hv/guest_copy.h"
#include "hv/pte.h"

#define SHARED_INFO_ACCESS (P2M_ACCESS_R | P2M_ACCESS_W)

static int64_t read_arg(struct vcpu *v, uint64_t arg, void *buf, size_t len)
{
    return copy_from_guest_linear(&v->domain->p2m, &v->state.paging, buf, arg, len) == 0
               ? 0 : -XEN_EFAULT;
}

static int64_t write_arg(struct vcpu *v, uint64_t arg, const void *buf, size_t len)
{
    return copy_to_guest_linear(&v->domain->p2m, &v->state.paging, arg, buf, len) == 0
               ? 0 : -XEN_EFAULT;
}

/* ---- add_to_physmap(shared_info) ------------------------------------------------ */

/* Does gpfn hold a grant mapping (a frame of another domain), which only
 * unmap_grant_ref may remove? */
static bool granted_at(const struct domain *d, gfn_t gpfn)
{
    mfn_t m;
    unsigned access;

    return p2m_foreign_lookup(&d->p2m, gpfn, &m, &access) == 0;
}

static bool room_for_one(const struct domain *d)
{
    return d->tot_pages < d->max_pages && frame_free_count() > 0;
}

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

static int64_t map_shared_info(struct domain *d, gfn_t gpfn)
{
    gfn_t old = d->guest.shared_info_gfn;
    mfn_t prev, m;
    unsigned access;
    bool have_prev;
    int64_t rc;

    if (gpfn > P2M_MAX_GFN || granted_at(d, gpfn))
        return -XEN_EINVAL;
    have_prev = domain_lookup(d->id, gpfn, &prev, &access) == 0;
    if (have_prev && prev == d->guest.shared_info_mfn)
        return 0;                                  /* already there */
    if (d->guest.shared_info_mfn == INVALID_MFN && !room_for_one(d) &&
        !(have_prev && frame_refcount(prev) == 1))
        return -XEN_ENOMEM;                        /* no room even after step 2 */
    if (d->guest.shared_info_mfn == INVALID_MFN && room_for_one(d) && shared_info_alloc(d) != 0)
        return -XEN_ENOMEM;                        /* step 1 */
    if (have_prev && (rc = evict(d, gpfn, prev)) != 0)
        return rc;                                 /* step 2 */
    if (d->guest.shared_info_mfn == INVALID_MFN && shared_info_alloc(d) != 0)
        return -XEN_ENOMEM;                        /* step 3 */
    if (domain_map(d->id, gpfn, d->guest.shared_info_mfn, P2M_ORDER_4K, SHARED_INFO_ACCESS) != 0)
        return -XEN_ENOMEM;                        /* step 4 */
    if (old != INVALID_GFN && domain_lookup(d->id, old, &m, &access) == 0 &&
        m == d->guest.shared_info_mfn)
        (void)domain_unmap(d->id, old, P2M_ORDER_4K);   /* step 5 */
    d->guest.shared_info_gfn = gpfn;
    return 0;
}

/* ---- add_to_physmap(grant_table) ---------------------------------------------- */

/* The page at gpfn leaves for a grant frame; a frame the hypervisor shares stays allocated. */
static int64_t map_grant_frame(struct domain *d, uint64_t idx, gfn_t gpfn)
{
    mfn_t m, prev, cur;
    unsigned access;
    gfn_t old;
    int64_t rc;

    if (gpfn > P2M_MAX_GFN || idx >= GRANT_MAX_FRAMES || granted_at(d, gpfn))
        return -XEN_EINVAL;
    rc = grant_frame_mfn(d, (uint32_t)idx, &m);
    if (rc != 0)
        return rc;
    old = grant_frame_gfn(d, (uint32_t)idx);
    if (domain_lookup(d->id, gpfn, &prev, &access) == 0 && prev != m &&
        (rc = evict(d, gpfn, prev)) != 0)
        return rc;
    if (domain_lookup(d->id, gpfn, &cur, &access) != 0 &&
        domain_map(d->id, gpfn, m, P2M_ORDER_4K, SHARED_INFO_ACCESS) != 0)
        return -XEN_ENOMEM;
    if (old != INVALID_GFN && old != gpfn && domain_lookup(d->id, old, &cur, &access) == 0 && cur == m)
        (void)domain_unmap(d->id, old, P2M_ORDER_4K);
    grant_frame_set_gfn(d, (uint32_t)idx, gpfn);
    return 0;
}

static int64_t read_xatp(struct vcpu *v, uint64_t arg, struct xen_add_to_physmap *x)
{
    struct xen_add_to_physmap_compat c;

    if (!hypercall_compat(v))
        return read_arg(v, arg, x, sizeof(*x));
    if (read_arg(v, arg, &c, sizeof(c)) != 0)
        return -XEN_EFAULT;
    *x = (struct xen_add_to_physmap){ .domid = c.domid, .size = c.size, .space = c.space,
                                      .idx = c.idx, .gpfn = c.gpfn };
    return 0;
}

static int64_t add_to_physmap(struct vcpu *v, uint64_t extent, uint64_t arg)
{
    struct xen_add_to_physmap x;
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

static int64_t memory_map(struct vcpu *v, uint64_t arg)
{
    const struct domain *d = v->domain;
    struct xen_memory_map m;
    struct xen_memory_map_compat mc;
    struct xen_e820_entry e[DOMAIN_MEMMAP_MAX];
    bool compat = hypercall_compat(v);
    uint32_t n;

    if (compat ? read_arg(v, arg, &mc, sizeof(mc)) != 0 : read_arg(v, arg, &m, sizeof(m)) != 0)
        return -XEN_EFAULT;
    if (compat)
        m = (struct xen_memory_map){ .nr_entries = mc.nr_entries, .buffer = mc.buffer };
    if (d->guest.nr_memmap == 0)
        return -XEN_ENOSYS;       /* no map was set for this domain */
    n = d->guest.nr_memmap < DOMAIN_MEMMAP_MAX ? d->guest.nr_memmap : DOMAIN_MEMMAP_MAX;
    n = m.nr_entries < n ? m.nr_entries : n;
    for (uint32_t i = 0; i < n; i++) {
        const struct hvm_memmap_table_entry *s = &d->guest.memmap[i];

        e[i] = (struct xen_e820_entry){ .addr_lo = (uint32_t)s->addr,
                                        .addr_hi = (uint32_t)(s->addr >> 32),
                                        .size_lo = (uint32_t)s->size,
                                        .size_hi = (uint32_t)(s->size >> 32), .type = s->type };
    }
    if (write_arg(v, m.buffer, e, n * sizeof(e[0])) != 0)
        return -XEN_EFAULT;
    mc.nr_entries = n;
    m.nr_entries = n;
    return compat ? write_arg(v, arg, &mc, sizeof(mc)) : write_arg(v, arg, &m, sizeof(m));
}

/* ---- sizes ---------------------------------------------------------------------- */

/* Highest gfn under `table` (a table at `level`, covering from `base`), or false if none. */
static bool highest_gfn(const struct p2m *p2m, mfn_t table, unsigned level, gfn_t base,
                        gfn_t *out)
{
    const uint64_t *t = hal_table_map(table);
    gfn_t span = 1ULL << (9 * (level - 1));

    if (t == NULL)
        return false;
    for (unsigned i = 512; i-- > 0;) {
        uint64_t e = t[i];
        gfn_t g = base + i * span;

        if (!pte_present(p2m->format, e))
            continue;
        if (level == 1 || (level == 2 && pte_is_large(p2m->format, e))) {
            *out = g + span - 1;
            return true;
        }
        if (level > 2 && pte_is_large(p2m->format, e))
            continue;                 /* no 1 GiB leaves in a well-formed p2m */
        if (highest_gfn(p2m, pte_mfn(e), level - 1, g, out))
            return true;
    }
    return false;
}

static uint64_t maximum_gpfn(const struct domain *d)
{
    gfn_t g = 0;

    if (d->p2m.root == INVALID_MFN || !highest_gfn(&d->p2m, d->p2m.root, P2M_LEVELS, 0, &g))
        return 0;
    return g;
}

static int64_t reservation(struct vcpu *v, unsigned op, uint64_t extent, uint64_t arg)
{
    domid_t id;
    struct domain *d;
    int rc = 0;

    if (extent != 0)
        return -XEN_EINVAL;
    if (read_arg(v, arg, &id, sizeof(id)) != 0)
        return -XEN_EFAULT;
    d = hypercall_target_domain(v, id, &rc);
    if (d == NULL)
        return rc;
    if (op == XENMEM_maximum_reservation)
        return (int64_t)d->max_pages;
    if (op == XENMEM_maximum_gpfn)
        return (int64_t)maximum_gpfn(d);
    return (int64_t)(d->tot_pages - (d->guest.shared_info_mfn != INVALID_MFN ? 1U : 0U) -
                     (grant_active(d) ? grant_nr_frames(d) : 0U));
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
