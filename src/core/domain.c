// SPDX-License-Identifier: GPL-2.0-only
/*
 * Domain memory management (hv/domain.h): a bounded table of guests, their
 * RAM and their p2m.  Check first, then act; populate undoes its own partial
 * work when it runs out of memory.
 */
#include "hv/domain.h"

#include "hv/grant_table.h"
#include "xen/errno.h"

struct domain domain_table[DOMAIN_MAX];

/* An unused slot. */
/*@ requires \valid(d);
    assigns *d;
    ensures !d->live && d->p2m.root_map == \null; */
static void domain_slot_reset(struct domain *d)
{
    *d = (struct domain){ .live = false, .id = DOMID_INVALID, .p2m = { .root = INVALID_MFN } };
    /* Already so; said again because the provers lose fields in the copy
     * of a struct this large. */
    d->live = false;
    d->p2m.root_map = NULL;
}

void domain_table_reset(void)
{
    /*@ loop invariant 0 <= i <= DOMAIN_MAX;
        loop invariant \forall integer j; 0 <= j < i ==>
          !domain_table[j].live && domain_table[j].p2m.root_map == \null;
        loop assigns i, domain_table[0 .. DOMAIN_MAX - 1];
        loop variant DOMAIN_MAX - i; */
    for (unsigned i = 0; i < DOMAIN_MAX; i++)
        domain_slot_reset(&domain_table[i]);
}

struct domain *domain_find(domid_t id)
{
    /*@ loop invariant 0 <= i <= DOMAIN_MAX;
        loop assigns i;
        loop variant DOMAIN_MAX - i; */
    for (unsigned i = 0; i < DOMAIN_MAX; i++)
        if (domain_table[i].live && domain_table[i].id == id)
            return &domain_table[i];
    return NULL;
}

/* A fresh guest part: no vCPUs, nothing shared, running. */
/*@ requires \valid(g);
    assigns *g; */
static void domain_guest_reset(struct domain_guest *g)
{
    *g = (struct domain_guest){ .state = DOMAIN_RUNNING };
    g->shared_info_mfn = INVALID_MFN;
    g->shared_info_gfn = INVALID_GFN;
}

/* Make slot d (whose p2m is set up) domain `id`. */
/*@ requires \valid(d);
    assigns d->id, d->max_pages, d->tot_pages, d->nr_granted, d->guest, d->live; */
static void domain_slot_fill(struct domain *d, domid_t id, uint64_t max_pages)
{
    d->id = id;
    d->max_pages = max_pages;
    d->tot_pages = 0;
    d->nr_granted = 0;
    domain_guest_reset(&d->guest);
    d->live = true;
}

/* First slot not in use, or DOMAIN_MAX. */
/*@ assigns \nothing;
    ensures 0 <= \result <= DOMAIN_MAX;
    ensures \result < DOMAIN_MAX ==> !domain_table[\result].live; */
static unsigned free_slot(void)
{
    unsigned i;

    /*@ loop invariant 0 <= i <= DOMAIN_MAX;
        loop assigns i;
        loop variant DOMAIN_MAX - i; */
    for (i = 0; i < DOMAIN_MAX; i++)
        if (!domain_table[i].live)
            break;
    return i;
}

int domain_create(domid_t id, uint64_t max_pages, enum pte_format fmt)
{
    struct domain *slot;
    unsigned s;
    int rc;

    if (id >= DOMID_FIRST_RESERVED || max_pages == 0 ||
        (fmt != PTE_FORMAT_NPT && fmt != PTE_FORMAT_EPT))
        return -XEN_EINVAL;
    if (domain_find(id) != NULL)
        return -XEN_EEXIST;
    s = free_slot();
    if (s == DOMAIN_MAX)
        return -XEN_ENOSPC;
    slot = &domain_table[s];
    rc = p2m_init(&slot->p2m, id, fmt);
    if (rc != 0)
        return rc;
    domain_slot_fill(slot, id, max_pages);
    return 0;
}

/*@ assigns \nothing;
    ensures \result == p2m_pages(order); */
static mfn_t order_frames(unsigned order)
{
    return order == P2M_ORDER_2M ? 512U : 1U;
}

/* Allocate and type one extent; INVALID_MFN when out of frames. */
/*@ requires dom_state_ok && \valid(d) && (\exists integer k; dom_slot_ok(k) && d == &domain_table[k]);
    requires p2m_order_ok(order);
    assigns d->tot_pages, frame_nr_free, frame_free_head[0 .. FRAME_MAX_ORDER],
            frame_heap.table[0 .. frame_heap.nr - 1], hal_frame_zero_model[0 .. frame_heap.nr - 1];
    ensures dom_state_ok;
    ensures \result != (mfn_t)INVALID_MFN ==> fr_range_in(\result, p2m_pages(order)); */
static mfn_t ram_alloc(struct domain *d, unsigned order)
{
    mfn_t m = frame_alloc(order, d->id);

    if (m == INVALID_MFN)
        return INVALID_MFN;
    (void)frame_set_type(m, order_frames(order), d->id, FRAME_TYPE_GUEST_RAM);
    d->tot_pages += order_frames(order);
    return m;
}

/* Return an extent of the domain's RAM that nothing references (the callers
 * have checked that) to the allocator, which scrubs it. */
/*@ requires dom_state_ok && \valid(d) && (\exists integer k; dom_slot_ok(k) && d == &domain_table[k]);
    requires p2m_order_ok(order) && fr_range_in(m, p2m_pages(order));
    assigns d->tot_pages, frame_nr_free, frame_free_head[0 .. FRAME_MAX_ORDER],
            frame_heap.table[0 .. frame_heap.nr - 1], hal_frame_zero_model[0 .. frame_heap.nr - 1];
    ensures dom_state_ok; */
static void ram_release(struct domain *d, mfn_t m, unsigned order)
{
    mfn_t n = order_frames(order);
    domid_t id = d->id;

    /* Count first: the allocator's calls then end with its invariant. */
    d->tot_pages -= n;
    /*@ assert dom_keep: \forall integer i; dom_slot_ok(i) ==>
          domain_table[i].p2m.root == \at(domain_table[i].p2m.root, Pre) &&
          domain_table[i].p2m.root_map_mfn == \at(domain_table[i].p2m.root_map_mfn, Pre) &&
          domain_table[i].p2m.root_map == \at(domain_table[i].p2m.root_map, Pre); */
    (void)frame_set_type(m, n, id, FRAME_TYPE_NONE);
    (void)frame_free(m, order, id);
    /* Not proved yet: that the allocator's writes (frame table only) leave
     * every slot's p2m alone; with it, the postcondition is proved. */
    /*@ assert dom_keep2: \forall integer i; dom_slot_ok(i) ==>
          domain_table[i].p2m.root == \at(domain_table[i].p2m.root, Pre) &&
          domain_table[i].p2m.root_map_mfn == \at(domain_table[i].p2m.root_map_mfn, Pre) &&
          domain_table[i].p2m.root_map == \at(domain_table[i].p2m.root_map, Pre); */
}

/* Validation of domain_populate (no side effects). */
/*@ requires dom_state_ok && \valid(d) && (\exists integer k; dom_slot_ok(k) && d == &domain_table[k]);
    assigns \nothing;
    ensures \result == 0 ==> p2m_order_ok(order) && 1 <= nr && gfn % p2m_pages(order) == 0 &&
              gfn + nr * p2m_pages(order) <= P2M_MAX_GFN + 1; */
static int populate_check(const struct domain *d, gfn_t gfn, uint64_t nr, unsigned order)
{
    mfn_t n = order_frames(order), m;
    unsigned access;
    uint64_t end;

    if ((order != P2M_ORDER_4K && order != P2M_ORDER_2M) || nr == 0 ||
        gfn > P2M_MAX_GFN || gfn % n != 0 || nr > (P2M_MAX_GFN + 1 - gfn) / n)
        return -XEN_EINVAL;
    if (nr * n > d->max_pages - d->tot_pages || d->tot_pages > d->max_pages ||
        nr * n > frame_free_count())
        return -XEN_ENOMEM;
    end = gfn + nr * n;
    /*@ loop invariant gfn <= g <= end;
        loop assigns g, m, access;
        loop variant end - g; */
    for (uint64_t g = gfn; g < end; g++)
        if (p2m_lookup(&d->p2m, g, &m, &access) == 0)
            return -XEN_EEXIST;
    return 0;
}

int domain_populate(domid_t id, gfn_t gfn, uint64_t nr, unsigned order)
{
    struct domain *d = domain_find(id);
    mfn_t n = order_frames(order);
    uint64_t done;
    int rc;

    if (d == NULL)
        return -XEN_ESRCH;
    rc = populate_check(d, gfn, nr, order);
    if (rc != 0)
        return rc;
    /*@ loop invariant 0 <= done <= nr;
        loop invariant dom_state_ok;
        loop invariant rc == 0;
        loop assigns done, rc, domain_table[0 .. DOMAIN_MAX - 1], frame_nr_free, frame_free_head[0 .. FRAME_MAX_ORDER],
            frame_heap.table[0 .. frame_heap.nr - 1], hal_frame_zero_model[0 .. frame_heap.nr - 1];
        loop variant nr - done; */
    for (done = 0; done < nr; done++) {
        mfn_t m = ram_alloc(d, order);

        if (m == INVALID_MFN) {
            rc = -XEN_ENOMEM;
            break;
        }
        rc = p2m_map(&d->p2m, gfn + done * n, m, order, P2M_ACCESS_RWX);
        if (rc != 0) {
            ram_release(d, m, order);
            break;
        }
    }
    if (rc == 0)
        return 0;
    /* Undo this call's extents: unmap (no allocation needed), then free. */
    /*@ loop invariant 0 <= done <= nr;
        loop invariant dom_state_ok;
        loop assigns done, domain_table[0 .. DOMAIN_MAX - 1], frame_nr_free, frame_free_head[0 .. FRAME_MAX_ORDER],
            frame_heap.table[0 .. frame_heap.nr - 1], hal_frame_zero_model[0 .. frame_heap.nr - 1];
        loop variant done; */
    while (done > 0) {
        mfn_t m;
        unsigned access;

        done--;
        /* The frames go back only if they are still this domain's RAM, as
         * the invariants say they are: a frame found otherwise stays put
         * (domain_check_invariants reports it) rather than being freed. */
        if (p2m_lookup(&d->p2m, gfn + done * n, &m, &access) == 0 &&
            p2m_unmap(&d->p2m, gfn + done * n, order) == 0 &&
            frame_ref_check(m, n, d->id, FRAME_TYPE_GUEST_RAM) == 0)
            ram_release(d, m, order);
    }
    return rc;
}

int domain_alloc_ram(domid_t id, unsigned order, mfn_t *mfn)
{
    struct domain *d = domain_find(id);
    mfn_t m;

    if (d == NULL)
        return -XEN_ESRCH;
    if (order != P2M_ORDER_4K && order != P2M_ORDER_2M)
        return -XEN_EINVAL;
    if (d->tot_pages > d->max_pages || order_frames(order) > d->max_pages - d->tot_pages)
        return -XEN_ENOMEM;
    m = ram_alloc(d, order);
    if (m == INVALID_MFN)
        return -XEN_ENOMEM;
    *mfn = m;
    return 0;
}

int domain_free_ram(domid_t id, mfn_t mfn, unsigned order)
{
    struct domain *d = domain_find(id);
    int rc;

    if (d == NULL)
        return -XEN_ESRCH;
    if ((order != P2M_ORDER_4K && order != P2M_ORDER_2M) || mfn % order_frames(order) != 0)
        return -XEN_EINVAL;
    /* Every frame must be this domain's RAM: refcheck says so without changing anything. */
    rc = frame_ref_check(mfn, order_frames(order), id, FRAME_TYPE_GUEST_RAM);
    if (rc == -XEN_EOVERFLOW)
        return -XEN_EBUSY;         /* a frame at the reference limit is mapped */
    if (rc != 0)
        return -XEN_EINVAL;
    /*@ loop invariant mfn <= i <= mfn + p2m_pages(order);
        loop assigns i;
        loop variant mfn + p2m_pages(order) - i; */
    for (mfn_t i = mfn; i < mfn + order_frames(order); i++)
        if (frame_refcount(i) != 0)
            return -XEN_EBUSY;
    ram_release(d, mfn, order);
    return 0;
}

int domain_map(domid_t id, gfn_t gfn, mfn_t mfn, unsigned order, unsigned access)
{
    struct domain *d = domain_find(id);

    return d == NULL ? -XEN_ESRCH : p2m_map(&d->p2m, gfn, mfn, order, access);
}

int domain_unmap(domid_t id, gfn_t gfn, unsigned order)
{
    struct domain *d = domain_find(id);

    return d == NULL ? -XEN_ESRCH : p2m_unmap(&d->p2m, gfn, order);
}

int domain_set_access(domid_t id, gfn_t gfn, unsigned order, unsigned access)
{
    struct domain *d = domain_find(id);

    return d == NULL ? -XEN_ESRCH : p2m_set_access(&d->p2m, gfn, order, access);
}

int domain_lookup(domid_t id, gfn_t gfn, mfn_t *mfn, unsigned *access)
{
    struct domain *d = domain_find(id);

    return d == NULL ? -XEN_ESRCH : p2m_lookup(&d->p2m, gfn, mfn, access);
}

/* ---- grant mappings ------------------------------------------------------------------- */

/* Grant mappings are never executable (Xen's are not either). */
/*@ assigns \nothing; */
static unsigned foreign_access(bool readonly)
{
    return readonly ? P2M_ACCESS_R : (P2M_ACCESS_R | P2M_ACCESS_W);
}

int domain_map_foreign(domid_t id, gfn_t gfn, mfn_t mfn, bool readonly, domid_t granter)
{
    struct domain *d = domain_find(id);
    struct domain *g = domain_find(granter);
    int rc;

    if (d == NULL || g == NULL)
        return -XEN_ESRCH;
    rc = p2m_map_foreign(&d->p2m, gfn, mfn, foreign_access(readonly), granter);
    if (rc == 0)
        g->nr_granted++;
    return rc;
}

int domain_unmap_foreign(domid_t id, gfn_t gfn, mfn_t mfn)
{
    struct domain *d = domain_find(id);
    struct domain *g;
    int rc;

    if (d == NULL)
        return -XEN_ESRCH;
    /* The granter: alive while its frame is mapped (domain_destroy refuses). */
    g = domain_find(frame_owner(mfn));
    rc = p2m_unmap_foreign(&d->p2m, gfn, mfn);
    if (rc == 0 && g != NULL && g->nr_granted > 0)
        g->nr_granted--;
    return rc;
}

/* How many of the grant mappings d holds map d's own frames (they count in
 * d's nr_granted and go with d). */
/*@ requires dom_state_ok && \valid_read(d);
    assigns \nothing; */
static uint64_t own_grant_mappings(const struct domain *d)
{
    gfn_t from = 0, g;
    mfn_t m;
    uint64_t n = 0;

    /*@ loop invariant n <= k <= d->p2m.nr_foreign;
        loop assigns k, n, from, g, m;
        loop variant d->p2m.nr_foreign - k; */
    for (uint64_t k = 0; k < d->p2m.nr_foreign; k++) {
        if (from > P2M_MAX_GFN || p2m_foreign_next(&d->p2m, from, &g, &m) != 0)
            break;
        if (frame_owner(m) == d->id)
            n++;
        from = g + 1;
    }
    return n;
}

/* Drop every grant mapping d holds (d is going). */
/*@ requires dom_state_ok && \valid(d) && (\exists integer k; dom_slot_ok(k) && d == &domain_table[k]);
    assigns domain_table[0 .. DOMAIN_MAX - 1], frame_heap.table[0 .. frame_heap.nr - 1];
    ensures dom_state_ok; */
static void drop_grant_mappings(struct domain *d)
{
    gfn_t from = 0, g;
    mfn_t m;

    /*@ loop invariant dom_state_ok && from <= P2M_MAX_GFN + 1;
        loop assigns from, g, m, domain_table[0 .. DOMAIN_MAX - 1], frame_heap.table[0 .. frame_heap.nr - 1];
        loop variant P2M_MAX_GFN + 1 - from; */
    while (from <= P2M_MAX_GFN && d->p2m.nr_foreign > 0 && p2m_foreign_next(&d->p2m, from, &g, &m) == 0) {
        (void)domain_unmap_foreign(d->id, g, m);
        from = g + 1;
    }
}

int domain_destroy(domid_t id)
{
    struct domain *d = domain_find(id);
    int rc;

    if (d == NULL)
        return -XEN_ESRCH;
    /* Another domain still maps one of d's frames: the grant layer drops
     * those mappings first (grant_domain_destroy); until then d stays. */
    if (d->nr_granted != own_grant_mappings(d))
        return -XEN_EBUSY;
    drop_grant_mappings(d);
    rc = p2m_teardown(&d->p2m);
    /* Every frame the domain still owns is RAM nobody maps any more. */
    /*@ loop invariant 0 <= i <= frame_heap.nr;
        loop invariant dom_state_ok;
        loop assigns i, rc, frame_nr_free, frame_free_head[0 .. FRAME_MAX_ORDER],
            frame_heap.table[0 .. frame_heap.nr - 1], hal_frame_zero_model[0 .. frame_heap.nr - 1];
        loop variant frame_heap.nr - i; */
    for (mfn_t i = 0; i < frame_heap.nr; i++) {
        if (frame_owner(i) != id)
            continue;
        if (frame_type(i) != FRAME_TYPE_NONE &&
            frame_set_type(i, 1, id, FRAME_TYPE_NONE) != 0) {
            rc = -XEN_EINVAL;
            continue;
        }
        (void)frame_free(i, 0, id);   /* owned, untyped: cannot fail */
    }
    d->tot_pages = 0;
    d->nr_granted = 0;
    d->live = false;
    d->id = DOMID_INVALID;
    return rc;
}

/* tot_pages / nr_tables against the frames each domain owns, and no frame
 * owned by a guest id that is not live or left untyped. */
/*@ requires frame_heap_inv;
    assigns \nothing; */
static bool check_accounting(void)
{
    uint64_t ram[DOMAIN_MAX] = { 0 }, tables[DOMAIN_MAX] = { 0 };

    /*@ loop invariant 0 <= i <= frame_heap.nr;
        loop assigns i, ram[0 .. DOMAIN_MAX - 1], tables[0 .. DOMAIN_MAX - 1];
        loop variant frame_heap.nr - i; */
    for (mfn_t i = 0; i < frame_heap.nr; i++) {
        domid_t owner = frame_owner(i);
        unsigned slot;

        if (owner >= DOMID_FIRST_RESERVED)
            continue;
        /*@ loop invariant 0 <= slot <= DOMAIN_MAX;
            loop assigns slot;
            loop variant DOMAIN_MAX - slot; */
        for (slot = 0; slot < DOMAIN_MAX; slot++)
            if (domain_table[slot].live && domain_table[slot].id == owner)
                break;
        if (slot == DOMAIN_MAX)
            return false;          /* leaked to a dead or unknown domain */
        if (frame_type(i) == FRAME_TYPE_GUEST_RAM)
            ram[slot]++;
        else if (frame_type(i) == FRAME_TYPE_P2M_TABLE)
            tables[slot]++;
        else
            return false;          /* allocated to a guest but untyped */
    }
    /*@ loop invariant 0 <= s <= DOMAIN_MAX;
        loop assigns s;
        loop variant DOMAIN_MAX - s; */
    for (unsigned s = 0; s < DOMAIN_MAX; s++) {
        const struct domain *d = &domain_table[s];

        if (!d->live)
            continue;
        if (ram[s] != d->tot_pages || tables[s] != d->p2m.nr_tables ||
            d->tot_pages > d->max_pages || d->p2m.owner != d->id)
            return false;
    }
    return true;
}

/* Slot of live domain id, or DOMAIN_MAX. */
/*@ assigns \nothing;
    ensures 0 <= \result <= DOMAIN_MAX; */
static unsigned live_slot(domid_t id)
{
    unsigned s;

    /*@ loop invariant 0 <= s <= DOMAIN_MAX;
        loop assigns s;
        loop variant DOMAIN_MAX - s; */
    for (s = 0; s < DOMAIN_MAX; s++)
        if (domain_table[s].live && domain_table[s].id == id)
            break;
    return s;
}

/* Add to granted[] the foreign leaves of d, per slot of the frame's owner;
 * false when one maps a frame no live domain owns, or the leaves listed are
 * not d's nr_foreign (p2m_check has counted them already). */
/*@ requires dom_state_ok && \valid_read(d) && \valid(granted + (0 .. DOMAIN_MAX - 1));
    assigns granted[0 .. DOMAIN_MAX - 1]; */
static bool count_granted(const struct domain *d, uint64_t *granted)
{
    gfn_t from = 0, g;
    mfn_t m;
    uint64_t k = 0;

    /*@ loop invariant from <= P2M_MAX_GFN + 1;
        loop assigns k, from, g, m, granted[0 .. DOMAIN_MAX - 1];
        loop variant P2M_MAX_GFN + 1 - from; */
    while (from <= P2M_MAX_GFN && p2m_foreign_next(&d->p2m, from, &g, &m) == 0) {
        unsigned s = live_slot(frame_owner(m));

        if (s == DOMAIN_MAX || k == d->p2m.nr_foreign)
            return false;
        granted[s]++;
        k++;
        from = g + 1;
    }
    return k == d->p2m.nr_foreign;
}

/* Every domain's nr_granted against the foreign leaves of all p2ms. */
/*@ requires dom_state_ok;
    assigns \nothing; */
static bool check_granted(void)
{
    uint64_t granted[DOMAIN_MAX] = { 0 };

    /*@ loop invariant 0 <= s <= DOMAIN_MAX;
        loop assigns s, granted[0 .. DOMAIN_MAX - 1];
        loop variant DOMAIN_MAX - s; */
    for (unsigned s = 0; s < DOMAIN_MAX; s++)
        if (domain_table[s].live && !count_granted(&domain_table[s], granted))
            return false;
    /*@ loop invariant 0 <= s <= DOMAIN_MAX;
        loop assigns s;
        loop variant DOMAIN_MAX - s; */
    for (unsigned s = 0; s < DOMAIN_MAX; s++)
        if (domain_table[s].live && granted[s] != domain_table[s].nr_granted)
            return false;
    return true;
}

bool domain_check_invariants(uint32_t *scratch, mfn_t nr)
{
    if (nr != frame_heap.nr || !frame_check_invariants())
        return false;
    /*@ loop invariant 0 <= i <= nr;
        loop assigns i, scratch[0 .. nr - 1];
        loop variant nr - i; */
    for (mfn_t i = 0; i < nr; i++)
        scratch[i] = 0;
    /*@ loop invariant 0 <= s <= DOMAIN_MAX;
        loop invariant frame_heap_inv && nr == frame_heap.nr;
        loop assigns s, scratch[0 .. nr - 1];
        loop variant DOMAIN_MAX - s; */
    for (unsigned s = 0; s < DOMAIN_MAX; s++) {
        const struct domain *d = &domain_table[s];

        if (!d->live)
            continue;
        /*@ loop invariant s + 1 <= t <= DOMAIN_MAX;
            loop assigns t;
            loop variant DOMAIN_MAX - t; */
        for (unsigned t = s + 1; t < DOMAIN_MAX; t++)
            if (domain_table[t].live && domain_table[t].id == d->id)
                return false;      /* one id, two domains */
        if (!p2m_check(&d->p2m, scratch, nr))
            return false;
    }
    return frame_ref_check_counts(scratch, nr) && check_accounting() && check_granted() &&
           grant_check_mappings();
}
