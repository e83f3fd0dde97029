// SPDX-License-Identifier: GPL-2.0-only
/*
 * Grant-table state (hv/grant_table.h, docs/GRANT-TABLES.md): per domain
 * slot, the grant frames and the maptrack.  Every function keeps grant_inv
 * (spec/grant_table.acsl).  Grant frames are the domain's own RAM frames,
 * taken on top of its memory limit; they go back with the rest of its RAM
 * when domain_destroy frees it.
 */
#include "hv/grant_table.h"

#include "xen/errno.h"

struct grant_domain grant_state[DOMAIN_MAX];

#define GRANT_PIN_MASK ((uint16_t)(GTF_reading | GTF_writing))

uint32_t grant_slot(const struct domain *d)
{
    /* A search rather than d - domain_table: the provers compare pointers, not subtract them. */
    /*@ loop invariant 0 <= i <= DOMAIN_MAX;
        loop invariant \forall integer j; 0 <= j < i ==> d != &domain_table[j];
        loop assigns i;
        loop variant DOMAIN_MAX - i; */
    for (uint32_t i = 0; i < DOMAIN_MAX; i++) {
        const struct domain *e = &domain_table[i];

        if (e == d)
            return i;
    }
    return 0;
}

/* Slot s holds nothing and belongs to owner at `version` (0 and DOMID_INVALID: nobody). */
/*@ requires gt_slot(s);
    requires \forall integer t; gt_slot(t) && t != s ==> gt_slot_wf(t);
    assigns grant_state[s];
    ensures grant_inv && gt_slot_empty(s) && grant_state[s].owner == owner &&
            grant_state[s].version == version; */
static void slot_clear(uint32_t s, domid_t owner, uint32_t version)
{
    /*@ loop invariant 0 <= i <= GRANT_MAX_FRAMES;
        loop assigns i, grant_state[s].frame[0 .. GRANT_MAX_FRAMES - 1],
                     grant_state[s].gfn[0 .. GRANT_MAX_FRAMES - 1];
        loop variant GRANT_MAX_FRAMES - i; */
    for (uint32_t i = 0; i < GRANT_MAX_FRAMES; i++) {
        grant_state[s].frame[i] = INVALID_MFN;
        grant_state[s].gfn[i] = INVALID_GFN;
    }
    /*@ loop invariant 0 <= h <= GRANT_MAPTRACK_MAX;
        loop invariant \forall integer k; 0 <= k < h ==> grant_state[s].map[k].flags == 0;
        loop assigns h, grant_state[s].map[0 .. GRANT_MAPTRACK_MAX - 1];
        loop variant GRANT_MAPTRACK_MAX - h; */
    for (uint32_t h = 0; h < GRANT_MAPTRACK_MAX; h++)
        grant_state[s].map[h] = (struct grant_map){ .flags = 0, .gfn = INVALID_GFN, .mfn = INVALID_MFN };
    grant_state[s].nr_frames = 0;
    grant_state[s].version = version;
    grant_state[s].owner = owner;
}

void grant_reset(void)
{
    /*@ loop invariant 0 <= s <= DOMAIN_MAX;
        loop invariant \forall integer t; 0 <= t < s ==>
                         gt_slot_wf(t) && gt_slot_empty(t) && grant_state[t].owner == DOMID_INVALID &&
                         grant_state[t].version == 0;
        loop assigns s, grant_state[0 .. DOMAIN_MAX - 1];
        loop variant DOMAIN_MAX - s; */
    for (uint32_t s = 0; s < DOMAIN_MAX; s++) {
        /*@ loop invariant 0 <= i <= GRANT_MAPTRACK_MAX;
            loop invariant \forall integer k; 0 <= k < i ==> grant_state[s].map[k].flags == 0;
            loop assigns i, grant_state[s].map[0 .. GRANT_MAPTRACK_MAX - 1].flags;
            loop variant GRANT_MAPTRACK_MAX - i; */
        for (uint32_t i = 0; i < GRANT_MAPTRACK_MAX; i++)
            grant_state[s].map[i].flags = 0;
        grant_state[s].nr_frames = 0;
        grant_state[s].version = 0;
        grant_state[s].owner = DOMID_INVALID;
    }
}

void grant_domain_init(struct domain *d)
{
    slot_clear(grant_slot(d), d->id, GRANT_TABLE_VERSION_1);
}

bool grant_active(const struct domain *d)
{
    uint32_t s = grant_slot(d);

    /* Version 0 is a slot nobody set up (static storage starts so). */
    return grant_state[s].version == GRANT_TABLE_VERSION_1 && grant_state[s].owner == d->id;
}

/* ---- dropping mappings ------------------------------------------------------------ */

/* Slot s holds live domain rdom, whose grant entries can be updated. */
/*@ requires gt_slot(s);
    assigns \nothing; */
static bool granter_live(uint32_t s, domid_t rdom)
{
    return domain_table[s].live && domain_table[s].id == rdom && grant_state[s].owner == rdom &&
           grant_state[s].version == GRANT_TABLE_VERSION_1;
}

void grant_unpin(uint32_t rs, domid_t rdom, grant_ref_t ref)
{
    uint16_t keep;

    if (!granter_live(rs, rdom))
        return;
    keep = grant_pin_flags(rs, rdom, ref);
    (void)grant_entry_update_flags(&domain_table[rs], ref, 0, (uint16_t)(GRANT_PIN_MASK & ~keep));
}

/* Drop mapping h of slot t: out of t's p2m, out of the maptrack, then the granter's bits. */
/*@ requires grant_inv && dom_state_ok && gt_slot(t) && gt_handle(h) && grant_state[t].map[h].flags != 0;
    assigns grant_state[0 .. DOMAIN_MAX - 1].map[0 .. GRANT_MAPTRACK_MAX - 1],
            domain_table[0 .. DOMAIN_MAX - 1], frame_heap.table[0 .. frame_heap.nr - 1],
            hal_mem_bytes[0 .. HAL_MEM_BYTES - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures grant_inv && dom_state_ok && grant_state[t].map[h].flags == 0; */
static void map_drop(uint32_t t, uint32_t h)
{
    struct grant_map m = grant_state[t].map[h];

    /* One side of the mapping is going: the mapping goes, whatever the p2m says. */
    (void)grant_p2m_unmap_foreign(&domain_table[t], m.gfn, m.mfn);
    grant_state[t].map[h].flags = 0;
    grant_unpin(m.rslot, m.rdom, m.ref);
}

/* Should mapping h of slot t go when the domain in slot ds (id) dies? */
/*@ requires gt_slot(t) && gt_handle(h);
    assigns \nothing;
    ensures \result ==> grant_state[t].map[h].flags != 0; */
static bool map_doomed(uint32_t t, uint32_t h, uint32_t ds, domid_t id)
{
    const struct grant_map *m = &grant_state[t].map[h];

    return m->flags != 0 && (t == ds || (m->rslot == ds && m->rdom == id));
}

void grant_domain_destroy(struct domain *d)
{
    uint32_t ds = grant_slot(d);
    domid_t id = d->id;

    /*@ loop invariant 0 <= t <= DOMAIN_MAX && grant_inv && dom_state_ok;
        loop assigns t, grant_state[0 .. DOMAIN_MAX - 1].map[0 .. GRANT_MAPTRACK_MAX - 1],
                     domain_table[0 .. DOMAIN_MAX - 1], frame_heap.table[0 .. frame_heap.nr - 1],
                     hal_mem_bytes[0 .. HAL_MEM_BYTES - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
        loop variant DOMAIN_MAX - t; */
    for (uint32_t t = 0; t < DOMAIN_MAX; t++) {
        /*@ loop invariant 0 <= h <= GRANT_MAPTRACK_MAX && grant_inv && dom_state_ok;
            loop assigns h, grant_state[0 .. DOMAIN_MAX - 1].map[0 .. GRANT_MAPTRACK_MAX - 1],
                         domain_table[0 .. DOMAIN_MAX - 1], frame_heap.table[0 .. frame_heap.nr - 1],
                         hal_mem_bytes[0 .. HAL_MEM_BYTES - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
            loop variant GRANT_MAPTRACK_MAX - h; */
        for (uint32_t h = 0; h < GRANT_MAPTRACK_MAX; h++) {
            if (map_doomed(t, h, ds, id))
                map_drop(t, h);
        }
    }
    slot_clear(ds, DOMID_INVALID, 0);
}

/* ---- grant frames --------------------------------------------------------------- */

uint32_t grant_nr_frames(const struct domain *d)
{
    return grant_state[grant_slot(d)].nr_frames;
}

/* One more grant frame for d (slot s): RAM on top of its limit. */
/*@ requires grant_inv && dom_state_ok && gt_slot(s) && d == &domain_table[s];
    requires grant_state[s].nr_frames < GRANT_MAX_FRAMES;
    assigns grant_state[s].frame[0 .. GRANT_MAX_FRAMES - 1], grant_state[s].gfn[0 .. GRANT_MAX_FRAMES - 1],
            grant_state[s].nr_frames, domain_table[0 .. DOMAIN_MAX - 1].tot_pages,
            domain_table[0 .. DOMAIN_MAX - 1].max_pages, frame_nr_free, frame_free_head[0 .. FRAME_MAX_ORDER],
            frame_heap.table[0 .. frame_heap.nr - 1], hal_frame_zero_model[0 .. frame_heap.nr - 1];
    ensures grant_inv && dom_state_ok;
    ensures \result == 0 || \result == -XEN_ENOMEM;
    ensures \result == 0 ==> grant_state[s].nr_frames == \old(grant_state[s].nr_frames) + 1;
    ensures \result != 0 ==> grant_state[s].nr_frames == \old(grant_state[s].nr_frames); */
static int grow_one(struct domain *d, uint32_t s)
{
    uint32_t n = grant_state[s].nr_frames;
    mfn_t m = INVALID_MFN;

    d->max_pages++;
    if (domain_alloc_ram(d->id, P2M_ORDER_4K, &m) != 0) {
        d->max_pages--;
        return -XEN_ENOMEM;
    }
    grant_state[s].frame[n] = m;
    grant_state[s].gfn[n] = INVALID_GFN;
    grant_state[s].nr_frames = n + 1U;
    return 0;
}

int grant_frame_mfn(struct domain *d, uint32_t idx, mfn_t *mfn)
{
    uint32_t s = grant_slot(d);

    if (idx >= GRANT_MAX_FRAMES || !grant_active(d))
        return -XEN_EINVAL;
    /*@ loop invariant grant_inv && dom_state_ok;
        loop assigns grant_state[s].frame[0 .. GRANT_MAX_FRAMES - 1],
                     grant_state[s].gfn[0 .. GRANT_MAX_FRAMES - 1], grant_state[s].nr_frames,
                     domain_table[0 .. DOMAIN_MAX - 1].tot_pages,
                     domain_table[0 .. DOMAIN_MAX - 1].max_pages, frame_nr_free,
                     frame_free_head[0 .. FRAME_MAX_ORDER], frame_heap.table[0 .. frame_heap.nr - 1],
                     hal_frame_zero_model[0 .. frame_heap.nr - 1];
        loop variant GRANT_MAX_FRAMES - grant_state[s].nr_frames; */
    while (grant_state[s].nr_frames <= idx) {
        if (grow_one(d, s) != 0)
            return -XEN_ENOMEM;
    }
    *mfn = grant_state[s].frame[idx];
    return 0;
}

gfn_t grant_frame_gfn(const struct domain *d, uint32_t idx)
{
    uint32_t s = grant_slot(d);

    return idx < grant_state[s].nr_frames ? grant_state[s].gfn[idx] : INVALID_GFN;
}

void grant_frame_set_gfn(struct domain *d, uint32_t idx, gfn_t gfn)
{
    uint32_t s = grant_slot(d);

    if (idx < grant_state[s].nr_frames)
        grant_state[s].gfn[idx] = gfn;
}

bool grant_is_frame(const struct domain *d, mfn_t mfn)
{
    uint32_t s = grant_slot(d);

    /*@ loop invariant 0 <= i <= grant_state[s].nr_frames;
        loop assigns i;
        loop variant grant_state[s].nr_frames - i; */
    for (uint32_t i = 0; i < grant_state[s].nr_frames; i++) {
        if (grant_state[s].frame[i] == mfn)
            return true;
    }
    return false;
}

int grant_entry_locate(const struct domain *d, grant_ref_t ref, mfn_t *mfn, uint32_t *off)
{
    uint32_t s = grant_slot(d);

    if (ref / GRANT_ENTRIES_PER_FRAME >= grant_state[s].nr_frames)
        return -XEN_EINVAL;
    *mfn = grant_state[s].frame[ref / GRANT_ENTRIES_PER_FRAME];
    *off = (ref % GRANT_ENTRIES_PER_FRAME) * (uint32_t)sizeof(struct grant_entry_v1);
    return 0;
}

/* ---- the maptrack ------------------------------------------------------------------ */

/* A free handle of slot s, or GRANT_MAPTRACK_MAX. */
/*@ requires gt_slot(s);
    assigns \nothing;
    ensures \result <= GRANT_MAPTRACK_MAX;
    ensures \result < GRANT_MAPTRACK_MAX ==> grant_state[s].map[\result].flags == 0; */
static uint32_t free_handle(uint32_t s)
{
    /*@ loop invariant 0 <= h <= GRANT_MAPTRACK_MAX;
        loop assigns h;
        loop variant GRANT_MAPTRACK_MAX - h; */
    for (uint32_t h = 0; h < GRANT_MAPTRACK_MAX; h++) {
        if (grant_state[s].map[h].flags == 0)
            return h;
    }
    return GRANT_MAPTRACK_MAX;
}

int grant_map_alloc(struct domain *ld, uint32_t rslot, domid_t rdom, grant_ref_t ref, unsigned flags,
                    gfn_t gfn, mfn_t mfn, grant_handle_t *h)
{
    uint32_t s = grant_slot(ld);
    uint32_t f;

    if ((flags != GNTMAP_host_map && flags != (GNTMAP_host_map | GNTMAP_readonly)) ||
        rslot >= DOMAIN_MAX || ref >= GRANT_MAX_ENTRIES)
        return -XEN_EINVAL;
    f = free_handle(s);
    if (f >= GRANT_MAPTRACK_MAX)
        return -XEN_ENOSPC;
    grant_state[s].map[f] = (struct grant_map){ .flags = (uint8_t)flags, .rslot = (uint8_t)rslot,
                                                .rdom = rdom, .ref = ref, .gfn = gfn, .mfn = mfn };
    *h = f;
    return 0;
}

int grant_map_get(const struct domain *ld, grant_handle_t h, struct grant_map *out)
{
    uint32_t s = grant_slot(ld);

    if (h >= GRANT_MAPTRACK_MAX || grant_state[s].map[h].flags == 0)
        return -XEN_EINVAL;
    *out = grant_state[s].map[h];
    return 0;
}

bool grant_map_room(const struct domain *ld)
{
    return free_handle(grant_slot(ld)) < GRANT_MAPTRACK_MAX;
}

bool grant_maps_frame(const struct domain *ld, mfn_t mfn)
{
    uint32_t s = grant_slot(ld);

    /*@ loop invariant 0 <= h <= GRANT_MAPTRACK_MAX;
        loop assigns h;
        loop variant GRANT_MAPTRACK_MAX - h; */
    for (uint32_t h = 0; h < GRANT_MAPTRACK_MAX; h++) {
        if (grant_state[s].map[h].flags != 0 && grant_state[s].map[h].mfn == mfn)
            return true;
    }
    return false;
}

void grant_map_free(struct domain *ld, grant_handle_t h)
{
    uint32_t s = grant_slot(ld);

    if (h < GRANT_MAPTRACK_MAX)
        grant_state[s].map[h].flags = 0;
}

/* Does mapping h of slot t map grant (rs, rdom, ref)? */
/*@ requires gt_slot(t) && gt_handle(h);
    assigns \nothing;
    ensures \result ==> grant_state[t].map[h].flags != 0; */
static bool maps_grant(uint32_t t, uint32_t h, uint32_t rs, domid_t rdom, grant_ref_t ref)
{
    const struct grant_map *m = &grant_state[t].map[h];

    return m->flags != 0 && m->rslot == rs && m->rdom == rdom && m->ref == ref;
}

uint16_t grant_pin_flags(uint32_t rslot, domid_t rdom, grant_ref_t ref)
{
    bool reading = false, writing = false;

    /*@ loop invariant 0 <= t <= DOMAIN_MAX;
        loop invariant writing ==> reading;
        loop assigns t, reading, writing;
        loop variant DOMAIN_MAX - t; */
    for (uint32_t t = 0; t < DOMAIN_MAX; t++) {
        /*@ loop invariant 0 <= h <= GRANT_MAPTRACK_MAX;
            loop invariant writing ==> reading;
            loop assigns h, reading, writing;
            loop variant GRANT_MAPTRACK_MAX - h; */
        for (uint32_t h = 0; h < GRANT_MAPTRACK_MAX; h++) {
            if (!maps_grant(t, h, rslot, rdom, ref))
                continue;
            reading = true;
            if ((grant_state[t].map[h].flags & GNTMAP_readonly) == 0)
                writing = true;
        }
    }
    return writing ? GRANT_PIN_MASK : reading ? (uint16_t)GTF_reading : (uint16_t)0;
}

bool grant_pinned_mfn(uint32_t rslot, domid_t rdom, grant_ref_t ref, mfn_t *mfn)
{
    /*@ loop invariant 0 <= t <= DOMAIN_MAX;
        loop assigns t;
        loop variant DOMAIN_MAX - t; */
    for (uint32_t t = 0; t < DOMAIN_MAX; t++) {
        /*@ loop invariant 0 <= h <= GRANT_MAPTRACK_MAX;
            loop assigns h;
            loop variant GRANT_MAPTRACK_MAX - h; */
        for (uint32_t h = 0; h < GRANT_MAPTRACK_MAX; h++) {
            if (maps_grant(t, h, rslot, rdom, ref)) {
                *mfn = grant_state[t].map[h].mfn;
                return true;
            }
        }
    }
    return false;
}

/* ---- the p2m side ------------------------------------------------------------------ */

int grant_p2m_map_foreign(struct domain *d, gfn_t gfn, mfn_t mfn, bool readonly, domid_t granter)
{
    return domain_map_foreign(d->id, gfn, mfn, readonly, granter);
}

int grant_p2m_unmap_foreign(struct domain *d, gfn_t gfn, mfn_t mfn)
{
    return domain_unmap_foreign(d->id, gfn, mfn);
}

/* Live mapping m of domain d: a foreign leaf as the entry says (see grant_check_mappings). */
/*@ requires dom_state_ok && gt_dom_ok(d) && \valid_read(m);
    assigns \nothing; */
static bool map_entry_ok(const struct domain *d, const struct grant_map *m)
{
    mfn_t f = INVALID_MFN;
    unsigned a = 0;
    bool ro = (m->flags & GNTMAP_readonly) != 0;

    if (m->rslot >= DOMAIN_MAX || !domain_table[m->rslot].live || domain_table[m->rslot].id != m->rdom)
        return false;              /* the granter is gone: its death drops every mapping */
    if (p2m_foreign_lookup(&d->p2m, m->gfn, &f, &a) != 0 || f != m->mfn || frame_owner(f) != m->rdom)
        return false;
    return (a & P2M_ACCESS_R) != 0 && ((a & P2M_ACCESS_W) == 0) == ro;
}

/* Slot s (a live domain): its live mappings are its foreign leaves, one each. */
/*@ requires grant_inv && dom_state_ok && gt_slot(s);
    assigns \nothing; */
static bool slot_maps_ok(uint32_t s)
{
    const struct domain *d = &domain_table[s];
    uint32_t live[GRANT_MAPTRACK_MAX];
    uint32_t n = 0;

    if (!grant_active(d))
        return d->p2m.nr_foreign == 0;
    /*@ loop invariant 0 <= n <= h <= GRANT_MAPTRACK_MAX;
        loop invariant \forall integer i; 0 <= i < n ==> 0 <= live[i] < GRANT_MAPTRACK_MAX;
        loop assigns h, n, live[0 .. GRANT_MAPTRACK_MAX - 1];
        loop variant GRANT_MAPTRACK_MAX - h; */
    for (uint32_t h = 0; h < GRANT_MAPTRACK_MAX; h++) {
        const struct grant_map *m = &grant_state[s].map[h];

        if (m->flags == 0)
            continue;
        if (!map_entry_ok(d, m))
            return false;
        /*@ loop invariant 0 <= i <= n;
            loop assigns i;
            loop variant n - i; */
        for (uint32_t i = 0; i < n; i++)
            if (grant_state[s].map[live[i]].gfn == m->gfn)
                return false;      /* two mappings of one gfn: one leaf for both */
        live[n++] = h;
    }
    return n == d->p2m.nr_foreign;
}

bool grant_check_mappings(void)
{
    /*@ loop invariant 0 <= s <= DOMAIN_MAX;
        loop assigns s;
        loop variant DOMAIN_MAX - s; */
    for (uint32_t s = 0; s < DOMAIN_MAX; s++)
        if (domain_table[s].live && !slot_maps_ok(s))
            return false;
    return true;
}
