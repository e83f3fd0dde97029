// SPDX-License-Identifier: GPL-2.0-only
/*
 * One grant operation of a batch (map, unmap, copy), with Xen's
 * status codes (docs/GRANT-TABLES.md has the table).  Each checks
 * everything before it changes anything.  Callers are HVM/PVH domains: a
 * gmfn or host_addr is guest-physical, and device or PV-style mappings
 * (GNTMAP_device_map, _application_map, _contains_pte) are refused.
 *
 * Grant entries are checked the way Xen checks version-1 entries: type
 * GTF_permit_access, domid the caller, and not GTF_readonly when the caller
 * would write; any of these wrong is GNTST_general_error.  The granted
 * frame is entry.frame looked up in the granter's p2m, which must be RAM the
 * granter owns with the rights needed (else GNTST_bad_page).
 *
 * GNTTABOP_copy does not set GTF_reading / GTF_writing around the copy as
 * Xen does: no guest runs while the hypervisor handles a hypercall here (one
 * physical CPU), so no guest could see the bits set.
 */
#include "hv/grant_table.h"

#include "hv/frame_ref.h"
#include "xen/errno.h"

/* The RAM frame d owns at gfn with rights `need`: GNTST_okay with *mfn, or GNTST_bad_page. */
/*@ requires dom_state_ok && gt_dom_ok(d) && \valid(mfn);
    requires \separated(mfn, domain_table + (0 .. DOMAIN_MAX - 1));
    assigns *mfn;
    ensures \result == GNTST_okay || \result == GNTST_bad_page; */
static int16_t owned_frame(const struct domain *d, uint64_t gfn, unsigned need, mfn_t *mfn)
{
    mfn_t m = INVALID_MFN;
    unsigned access = 0;

    if (gfn > P2M_MAX_GFN || domain_lookup(d->id, gfn, &m, &access) != 0 || (access & need) != need ||
        frame_owner(m) != d->id || frame_type(m) != FRAME_TYPE_GUEST_RAM)
        return GNTST_bad_page;
    *mfn = m;
    return GNTST_okay;
}

/*
 * Grant ref of rd lets domain ld_id read it (and write it when `write`):
 * GNTST_okay with *frame the granted gfn, GNTST_bad_gntref (beyond rd's
 * table, which always has at least its first frame's entries),
 * GNTST_general_error.
 */
/*@ requires grant_inv && gt_dom_ok(rd) && \valid(frame);
    requires \separated(frame, grant_state + (0 .. DOMAIN_MAX - 1));
    assigns *frame;
    ensures \result == GNTST_okay || \result == GNTST_bad_gntref || \result == GNTST_general_error; */
static int16_t entry_check(const struct domain *rd, grant_ref_t ref, domid_t ld_id, bool write,
                           uint32_t *frame)
{
    struct grant_entry_v1 e;
    int rc = grant_entry_read(rd, ref, &e);

    /*
     * Xen gives every domain its first grant frame when it is created; here
     * that frame is made when the domain first asks for it, and until then
     * its entries read as zero: not granted, GNTST_general_error as on Xen.
     */
    if (rc == -XEN_EINVAL)
        return ref < GRANT_ENTRIES_PER_FRAME ? GNTST_general_error : GNTST_bad_gntref;
    if (rc != 0 || (e.flags & GTF_type_mask) != GTF_permit_access || e.domid != ld_id ||
        (write && (e.flags & GTF_readonly) != 0))
        return GNTST_general_error;
    *frame = e.frame;
    return GNTST_okay;
}

/* The live domain id names that has a grant table, or NULL. */
/*@ requires grant_inv;
    assigns \nothing;
    ensures \result == \null || gt_dom_ok(\result); */
static struct domain *granter(domid_t id)
{
    struct domain *d = domain_find(id);

    if (d == NULL || !grant_active(d))
        return NULL;
    return d;
}

/* ---- map / unmap ------------------------------------------------------------------ */

/*
 * The frame a new mapping of grant ref of rd (slot rs) by ld uses.  An
 * existing mapping that already pins the grant as needed is reused without
 * a look at the entry (its frame stays the one first pinned), as Xen does.
 */
/*@ requires grant_inv && dom_state_ok && gt_dom_ok(ld) && gt_dom_ok(rd) && gt_slot(rs) && \valid(mfn);
    requires \separated(mfn, grant_state + (0 .. DOMAIN_MAX - 1), domain_table + (0 .. DOMAIN_MAX - 1));
    assigns *mfn;
    ensures GNTST_no_space <= \result <= GNTST_okay; */
static int16_t map_frame(const struct domain *ld, const struct domain *rd, uint32_t rs, grant_ref_t ref,
                         bool write, mfn_t *mfn)
{
    uint32_t frame = 0;
    mfn_t pinned = INVALID_MFN;
    bool have = grant_pinned_mfn(rs, rd->id, ref, &pinned);
    int16_t st;

    if (have && (!write || (grant_pin_flags(rs, rd->id, ref) & GTF_writing) != 0)) {
        *mfn = pinned;
        return GNTST_okay;
    }
    st = entry_check(rd, ref, ld->id, write, &frame);
    if (st != GNTST_okay)
        return st;
    if (have) {
        *mfn = pinned;
        return GNTST_okay;
    }
    return owned_frame(rd, frame, write ? (P2M_ACCESS_R | P2M_ACCESS_W) : P2M_ACCESS_R, mfn);
}

/*
 * The mapping itself, once its frame is known: the foreign leaf at gfn of
 * ld's p2m, the maptrack entry, the granter's pins.  A failure undoes what
 * was done, so nothing changed unless the status is GNTST_okay.  (The
 * assertions state dom_state_ok on each way out: the provers timed out on
 * the ensures as one goal over all paths, and prove it path by path.)
 */
/*@ requires grant_inv;
    requires dom_state_ok;
    requires gt_dom_ok(ld) && gt_dom_ok(rd) && gt_slot(rs) && \valid(handle);
    requires \separated(handle, grant_state + (0 .. DOMAIN_MAX - 1), domain_table + (0 .. DOMAIN_MAX - 1),
                         frame_heap.table + (0 .. frame_heap.nr - 1), &frame_heap, &frame_nr_free,
                         frame_free_head + (0 .. FRAME_MAX_ORDER));
    assigns grant_state[0 .. DOMAIN_MAX - 1], hal_mem_bytes[0 .. HAL_MEM_BYTES - 1], *handle,
            domain_table[0 .. DOMAIN_MAX - 1].p2m, domain_table[0 .. DOMAIN_MAX - 1].nr_granted,
            frame_nr_free, frame_free_head[0 .. FRAME_MAX_ORDER],
            frame_heap.table[0 .. frame_heap.nr - 1], hal_frame_zero_model[0 .. frame_heap.nr - 1],
            hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures grant_inv;
    ensures dom_state_ok;
    ensures GNTST_no_space <= \result <= GNTST_okay; */
static int16_t map_install(struct domain *ld, const struct domain *rd, uint32_t rs, grant_ref_t ref,
                           gfn_t gfn, mfn_t mfn, bool ro, grant_handle_t *handle)
{
    grant_handle_t h = 0;

    /* Over the caller's RAM the grant replaces the page (it stays the caller's, unmapped);
     * over another grant mapping, or out of memory: general_error, as in Xen. */
    if (gfn > P2M_MAX_GFN)
        return GNTST_general_error;
    if (grant_p2m_map_foreign(ld, gfn, mfn, ro, rd->id) != 0) {
        //@ assert kept_after_refusal: dom_state_ok;
        return GNTST_general_error;
    }
    if (grant_map_alloc(ld, rs, rd->id, ref, GNTMAP_host_map | (ro ? GNTMAP_readonly : 0U), gfn, mfn,
                        &h) != 0) {
        (void)grant_p2m_unmap_foreign(ld, gfn, mfn);
        //@ assert kept_after_undo: dom_state_ok;
        return GNTST_no_space;
    }
    //@ assert kept_after_maptrack: dom_state_ok;
    (void)grant_entry_update_flags(rd, ref, (uint16_t)(ro ? GTF_reading : (GTF_reading | GTF_writing)), 0);
    //@ assert kept_after_flags: dom_state_ok;
    *handle = h;
    //@ assert kept_after_handle: dom_state_ok;
    return GNTST_okay;
}

int16_t grant_op_map(struct domain *ld, const struct gnttab_map_grant_ref *op, grant_handle_t *handle)
{
    bool ro = (op->flags & GNTMAP_readonly) != 0;
    struct domain *rd;
    mfn_t mfn = INVALID_MFN;
    uint32_t rs;
    int16_t st;

    if ((op->flags & (GNTMAP_device_map | GNTMAP_host_map)) == 0)
        return GNTST_bad_gntref;
    if ((op->flags & (GNTMAP_device_map | GNTMAP_application_map | GNTMAP_contains_pte)) != 0)
        return GNTST_general_error;
    rd = granter(op->dom);
    if (rd == NULL)
        return GNTST_bad_domain;
    if (!grant_map_room(ld))
        return GNTST_no_space;
    rs = grant_slot(rd);
    st = map_frame(ld, rd, rs, op->ref, !ro, &mfn);
    if (st != GNTST_okay)
        return st;
    return map_install(ld, rd, rs, op->ref, op->host_addr >> PAGE_SHIFT, mfn, ro, handle);
}

int16_t grant_op_unmap(struct domain *ld, const struct gnttab_unmap_grant_ref *op)
{
    struct grant_map m;

    if (grant_map_get(ld, op->handle, &m) != 0)
        return GNTST_bad_handle;
    /* No device mappings exist, so dev_bus_addr names nothing to undo (Xen ignores it then). */
    if (op->host_addr == 0)
        return GNTST_okay;           /* nothing asked of the host mapping: it stays */
    /* Xen answers general_error when host_addr is not where the handle maps. */
    if ((op->host_addr >> PAGE_SHIFT) != m.gfn || grant_p2m_unmap_foreign(ld, m.gfn, m.mfn) != 0)
        return GNTST_general_error;
    grant_map_free(ld, op->handle);
    grant_unpin(m.rslot, m.rdom, m.ref);
    return GNTST_okay;
}

/* ---- copy ------------------------------------------------------------------------------ */

/*
 * The domain one side of a copy names (DOMID_SELF: the caller), looked up
 * first as Xen does: one that is absent is GNTST_bad_domain whatever the
 * side holds; a gmfn may name only the caller's own memory (DOMID_SELF or
 * its own id), else GNTST_permission_denied.
 */
/*@ requires grant_inv && gt_dom_ok(ld) && \valid(d);
    assigns *d;
    ensures \result == GNTST_okay || \result == GNTST_permission_denied || \result == GNTST_bad_domain;
    ensures \result == GNTST_okay ==> gt_dom_ok(*d); */
static int16_t side_domain(struct domain *ld, domid_t domid, bool is_gref, struct domain **d)
{
    *d = domid == DOMID_SELF ? ld : granter(domid);
    if (*d == NULL)
        return GNTST_bad_domain;
    if (!is_gref && *d != ld)
        return GNTST_permission_denied;
    return GNTST_okay;
}

/* The frame of one side of a copy of ld's (d from side_domain). */
/*@ requires grant_inv && dom_state_ok && gt_dom_ok(ld) && gt_dom_ok(d) && \valid(mfn);
    requires \separated(mfn, grant_state + (0 .. DOMAIN_MAX - 1), domain_table + (0 .. DOMAIN_MAX - 1));
    assigns *mfn;
    ensures GNTST_no_space <= \result <= GNTST_okay; */
static int16_t side_frame(const struct domain *ld, const struct domain *d, uint64_t ref_or_gmfn,
                          bool is_gref, bool write, mfn_t *mfn)
{
    unsigned need = write ? (P2M_ACCESS_R | P2M_ACCESS_W) : P2M_ACCESS_R;
    uint32_t frame = 0;
    int16_t st;

    if (!is_gref)
        return owned_frame(d, ref_or_gmfn, need, mfn);
    /* A grant ref is the first 4 bytes of the 8-byte union: the low half. */
    st = entry_check(d, (grant_ref_t)ref_or_gmfn, ld->id, write, &frame);
    return st != GNTST_okay ? st : owned_frame(d, frame, need, mfn);
}

int16_t grant_op_copy(struct domain *ld, const struct grant_copy_req *op)
{
    bool src_gref = (op->flags & GNTCOPY_source_gref) != 0;
    bool dst_gref = (op->flags & GNTCOPY_dest_gref) != 0;
    struct domain *sd = NULL, *dd = NULL;
    mfn_t sm = INVALID_MFN, dm = INVALID_MFN;
    int16_t st;

    if ((uint32_t)op->source.offset + op->len > PAGE_SIZE || (uint32_t)op->dest.offset + op->len > PAGE_SIZE)
        return GNTST_bad_copy_arg;
    st = side_domain(ld, op->source.domid, src_gref, &sd);
    if (st == GNTST_okay)
        st = side_domain(ld, op->dest.domid, dst_gref, &dd);
    if (st != GNTST_okay)
        return st;
    st = side_frame(ld, sd, op->source.ref_or_gmfn, src_gref, false, &sm);
    if (st == GNTST_okay)
        st = side_frame(ld, dd, op->dest.ref_or_gmfn, dst_gref, true, &dm);
    if (st != GNTST_okay)
        return st;
    return grant_frame_copy(dm, op->dest.offset, sm, op->source.offset, op->len) == 0 ? GNTST_okay
                                                                                   : GNTST_general_error;
}
