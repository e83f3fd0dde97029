// SPDX-License-Identifier: GPL-2.0-only
/*
 * p2m lookups (hv/p2m.h): the nested walk as the CPU does it, from the root
 * or through a cursor.  Read only.  Every table page, the root included, is
 * reached through hal_mem_table, whose contract places it in the ghost model
 * of machine memory (hal/mem.h) that p2m.c writes: that is what lets the
 * proof say a lookup reports the hardware view p2m_hw_maps.  (The root view
 * p2m_init keeps, root_map, is therefore not used here: the provers know
 * nothing relating it to that model, and the HAL call costs 5 instructions.)
 */
#include "hv/p2m.h"

#include "hal/hal.h"
#include "hal/mem.h"
#include "xen/errno.h"

/*
 * The walk is instantiated once per entry format (and with or without a
 * cursor) so that each copy tests one format's bits with constants;
 * compilers only do that if they inline it.
 */
#if defined(__GNUC__) || defined(__clang__)
#define P2M_WALK_INLINE inline __attribute__((always_inline))
#else
#define P2M_WALK_INLINE inline
#endif

/* Frame of `gfn` under a leaf at `level` (1, 2 or 3). */
/*@ requires 1 <= level <= 3;
    assigns \nothing;
    ensures level == 1 ==> \result == pte_l_addr(e);
    ensures level == 2 ==> \result == pte_l_addr_2m(e) + gfn % 512;
    ensures level == 3 ==> \result == pte_l_addr_1g(e) + gfn % 0x40000; */
static inline mfn_t leaf_frame(unsigned level, uint64_t e, gfn_t gfn)
{
    if (level == 1)
        return pte_mfn(e);
    if (level == 2)
        return pte_mfn_2m(e) + gfn % 512U;
    return pte_mfn_1g(e) + gfn % 0x40000U;
}

/* Remember a level-1 table (or, l1 == NULL, a large leaf) for gfn's region. */
/*@ requires \valid(c) && p2m_cursor_ok(c) && gfn <= P2M_MAX_GFN;
    requires l1 == \null || \valid_read(l1 + (0 .. 511));
    assigns c->region, c->l1, c->base, c->all;
    ensures p2m_cursor_ok(c); */
static inline void cursor_fill(struct p2m_cursor *c, gfn_t gfn, const uint64_t *l1, mfn_t base,
                               uint64_t all)
{
    c->region = gfn / P2M_REGION_PAGES;
    c->l1 = l1;
    c->base = base;
    c->all = all;
}

/*
 * The nested walk, as the CPU does it: every entry must be one the hardware
 * accepts at its level, rights fold over the levels (`all`: the fold of the
 * levels above).  One function per level, each proved to follow its level
 * of the hardware view (p2m_hw_from_lN, hv/p2m.h); all are inlined into
 * walk_root, so the compiled walk is unrolled, with fmt a constant in each
 * caller below, because it runs for every guest-physical access the
 * hypervisor makes.  `c`, when not NULL, learns the level-1 table or large
 * leaf of gfn's region.  Every entry is read before the cursor is written,
 * so the reads are of memory as it was on entry.
 */
/*@ requires gfn <= P2M_MAX_GFN;
    requires \valid(mfn) && \valid(access) && \separated(mfn, access);
    requires c == \null || (\valid(c) && p2m_cursor_ok(c) && \separated(c, mfn, access) &&
                             \separated(c->p2m, mfn, access));
    assigns *mfn, *access, c->region, c->l1, c->base, c->all;
    ensures \result == 0 || \result == -XEN_ENOENT;
    ensures \result == 0 ==> pte_access_ok(fmt, *access);
    ensures \result == 0 ==> p2m_hw_from_l1{Pre}(fmt, table, gfn, all, *mfn, *access);
    ensures c != \null ==> p2m_cursor_ok(c); */
static P2M_WALK_INLINE int walk_l1(enum pte_format fmt, mfn_t table, gfn_t gfn, uint64_t all,
                                   mfn_t *mfn, unsigned *access, struct p2m_cursor *c)
{
    const uint64_t *t = hal_mem_table(table);
    uint64_t e;

    if (t == NULL)
        return -XEN_ENOENT;
    e = t[p2m_table_index(gfn, 1)];
    if (c != NULL)
        cursor_fill(c, gfn, t, 0, all);
    if (pte_hw_kind(fmt, 1, e) == PTE_HW_BAD)
        return -XEN_ENOENT;
    return p2m_hw_result(fmt, all & pte_hw_fold(fmt, e), pte_mfn(e), mfn, access);
}

/*@ requires gfn <= P2M_MAX_GFN;
    requires \valid(mfn) && \valid(access) && \separated(mfn, access);
    requires c == \null || (\valid(c) && p2m_cursor_ok(c) && \separated(c, mfn, access) &&
                             \separated(c->p2m, mfn, access));
    assigns *mfn, *access, c->region, c->l1, c->base, c->all;
    ensures \result == 0 || \result == -XEN_ENOENT;
    ensures \result == 0 ==> pte_access_ok(fmt, *access);
    ensures \result == 0 ==> p2m_hw_from_l2{Pre}(fmt, table, gfn, all, *mfn, *access);
    ensures c != \null ==> p2m_cursor_ok(c); */
static P2M_WALK_INLINE int walk_l2(enum pte_format fmt, mfn_t table, gfn_t gfn, uint64_t all,
                                   mfn_t *mfn, unsigned *access, struct p2m_cursor *c)
{
    const uint64_t *t = hal_mem_table(table);
    uint64_t e;
    enum pte_hw_kind k;

    if (t == NULL)
        return -XEN_ENOENT;
    e = t[p2m_table_index(gfn, 2)];
    k = pte_hw_kind(fmt, 2, e);
    if (k == PTE_HW_BAD)
        return -XEN_ENOENT;
    all &= pte_hw_fold(fmt, e);
    if (k == PTE_HW_LEAF) {
        if (c != NULL)
            cursor_fill(c, gfn, NULL, pte_mfn_2m(e), all);
        return p2m_hw_result(fmt, all, leaf_frame(2, e, gfn), mfn, access);
    }
    return walk_l1(fmt, pte_mfn(e), gfn, all, mfn, access, c);
}

/*@ requires gfn <= P2M_MAX_GFN;
    requires \valid(mfn) && \valid(access) && \separated(mfn, access);
    requires c == \null || (\valid(c) && p2m_cursor_ok(c) && \separated(c, mfn, access) &&
                             \separated(c->p2m, mfn, access));
    assigns *mfn, *access, c->region, c->l1, c->base, c->all;
    ensures \result == 0 || \result == -XEN_ENOENT;
    ensures \result == 0 ==> pte_access_ok(fmt, *access);
    ensures \result == 0 ==> p2m_hw_from_l3{Pre}(fmt, table, gfn, all, *mfn, *access);
    ensures c != \null ==> p2m_cursor_ok(c); */
static P2M_WALK_INLINE int walk_l3(enum pte_format fmt, mfn_t table, gfn_t gfn, uint64_t all,
                                   mfn_t *mfn, unsigned *access, struct p2m_cursor *c)
{
    const uint64_t *t = hal_mem_table(table);
    uint64_t e;
    enum pte_hw_kind k;

    if (t == NULL)
        return -XEN_ENOENT;
    e = t[p2m_table_index(gfn, 3)];
    k = pte_hw_kind(fmt, 3, e);
    if (k == PTE_HW_BAD)
        return -XEN_ENOENT;
    all &= pte_hw_fold(fmt, e);
    if (k == PTE_HW_LEAF) {
        if (c != NULL)
            cursor_fill(c, gfn, NULL, leaf_frame(3, e, gfn - gfn % 512U), all);
        return p2m_hw_result(fmt, all, leaf_frame(3, e, gfn), mfn, access);
    }
    return walk_l2(fmt, pte_mfn(e), gfn, all, mfn, access, c);
}

/*@ requires \valid_read(p2m) && p2m_root_map_ok(p2m);
    requires gfn <= P2M_MAX_GFN && p2m->root != (mfn_t)INVALID_MFN;
    requires \valid(mfn) && \valid(access) && \separated(mfn, access);
    requires c == \null || (\valid(c) && p2m_cursor_ok(c) && \separated(c, mfn, access) &&
                             c->p2m == p2m && \separated(p2m, mfn, access));
    assigns *mfn, *access, c->region, c->l1, c->base, c->all;
    ensures \result == 0 || \result == -XEN_ENOENT;
    ensures \result == 0 ==> pte_access_ok(fmt, *access);
    ensures \result == 0 ==> p2m_hw_maps{Pre}(fmt, \old(p2m->root), gfn, *mfn, *access);
    ensures c != \null ==> p2m_cursor_ok(c); */
static P2M_WALK_INLINE int walk_root(const struct p2m *p2m, enum pte_format fmt, gfn_t gfn,
                                     mfn_t *mfn, unsigned *access, struct p2m_cursor *c)
{
    const uint64_t *t = hal_mem_table(p2m->root);
    uint64_t e;

    if (t == NULL)
        return -XEN_ENOENT;
    e = t[p2m_table_index(gfn, 4)];
    if (pte_hw_kind(fmt, 4, e) != PTE_HW_TABLE)
        return -XEN_ENOENT;
    return walk_l3(fmt, pte_mfn(e), gfn, pte_hw_fold(fmt, e), mfn, access, c);
}

/*
 * The range and "initialised" checks stay out of the walk: they are the
 * whole reason for the "not mapped" answers the contracts promise, and
 * proving them apart keeps the walk's own proof small.
 */
int p2m_lookup(const struct p2m *p2m, gfn_t gfn, mfn_t *mfn, unsigned *access)
{
    if (p2m->root == INVALID_MFN || gfn > P2M_MAX_GFN)
        return -XEN_ENOENT;
    if (p2m->format == PTE_FORMAT_EPT)
        return walk_root(p2m, PTE_FORMAT_EPT, gfn, mfn, access, NULL);
    return walk_root(p2m, PTE_FORMAT_NPT, gfn, mfn, access, NULL);
}

int p2m_cursor_walk(struct p2m_cursor *c, gfn_t gfn, mfn_t *mfn, unsigned *access)
{
    if (c->p2m->root == INVALID_MFN || gfn > P2M_MAX_GFN)
        return -XEN_ENOENT;
    if (c->format == PTE_FORMAT_EPT)
        return walk_root(c->p2m, PTE_FORMAT_EPT, gfn, mfn, access, c);
    return walk_root(c->p2m, PTE_FORMAT_NPT, gfn, mfn, access, c);
}
