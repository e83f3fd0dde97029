// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of foreign (grant) leaves in the p2m, in both entry formats:
 * p2m_map_foreign / p2m_unmap_foreign with every error code, the software
 * bit in the entry (and that the CPU's walk, modelled by the reference
 * nested walker, does not see it), p2m_foreign_lookup / p2m_foreign_next,
 * the ordinary paths refusing a range that holds a foreign leaf, a grant
 * replacing the owner's RAM (4 KiB and inside a 2 MiB leaf), teardown, and
 * the checker's failure paths.  After every successful step the full
 * checker (p2m_check + frame_ref_check_counts + the allocator's) passes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "hv/p2m.h"
#include "xen/errno.h"
#include "ref_walk.h"
#include "fixture_machine.h"
#include "sim.h"

#define NR    4096U     /* 16 MiB of machine memory */
#define FIRST 16U       /* frames [0, 16): the hypervisor's */
#define DOM   1U        /* the p2m's owner, the mapper */
#define OTHER 2U        /* the granter */
#define R     P2M_ACCESS_R
#define RW    (P2M_ACCESS_R | P2M_ACCESS_W)
#define RWX   P2M_ACCESS_RWX

static struct frame_desc table[NR];
static uint32_t counts[NR];
static struct p2m P;
static enum pte_format fmt;

static bool check(const struct p2m *p)
{
    memset(counts, 0, sizeof(counts));
    return frame_check_invariants() && p2m_check(p, counts, NR) && frame_ref_check_counts(counts, NR);
}

static int setup_fmt(enum pte_format f)
{
    fmt = f;
    fixture_frames(table, sizeof(table), NR, FIRST);
    assert_int_equal(p2m_init(&P, DOM, f), 0);
    return 0;
}

static int setup_npt(void **state)
{
    (void)state;
    return setup_fmt(PTE_FORMAT_NPT);
}

static int setup_ept(void **state)
{
    (void)state;
    return setup_fmt(PTE_FORMAT_EPT);
}

/* Guest RAM of `owner`: 2^order frames typed RAM. */
static mfn_t ram(domid_t owner, unsigned order)
{
    mfn_t m = frame_alloc(order, owner);

    assert_true(m != INVALID_MFN);
    assert_int_equal(frame_set_type(m, order ? 512 : 1, owner, FRAME_TYPE_GUEST_RAM), 0);
    return m;
}

static uint64_t *tab(mfn_t m)
{
    return (uint64_t *)(void *)sim_frame(m);
}

/* The entry of gfn g at `level` (the tables above must exist). */
static uint64_t *entry_at(const struct p2m *p, gfn_t g, unsigned level)
{
    mfn_t t = p->root;

    for (unsigned l = P2M_LEVELS; l > level; l--)
        t = pte_mfn(tab(t)[p2m_table_index(g, l)]);
    return &tab(t)[p2m_table_index(g, level)];
}

/* p2m_lookup and the reference nested walk both give frame m with rights a. */
static void expect(const struct p2m *p, gfn_t g, mfn_t m, unsigned a)
{
    struct ref_npt npt = { p->root, p->format == PTE_FORMAT_EPT };
    uint64_t maddr = 0;
    unsigned rights = 0, acc = 0;
    mfn_t got = 0;

    assert_int_equal(p2m_lookup(p, g, &got, &acc), 0);
    assert_int_equal(got, m);
    assert_int_equal(acc, a);
    assert_true(ref_npt_translate(&npt, g << PAGE_SHIFT, &maddr, &rights));
    assert_int_equal(maddr >> PAGE_SHIFT, m);
    assert_int_equal(rights, a);
}

static void expect_none(const struct p2m *p, gfn_t g)
{
    mfn_t got;
    unsigned acc;

    assert_int_equal(p2m_lookup(p, g, &got, &acc), -XEN_ENOENT);
}

static void expect_foreign(const struct p2m *p, gfn_t g, mfn_t m, unsigned a)
{
    mfn_t got = 0;
    unsigned acc = 0;

    assert_int_equal(p2m_foreign_lookup(p, g, &got, &acc), 0);
    assert_int_equal(got, m);
    assert_int_equal(acc, a);
    assert_true(pte_is_foreign(p->format, *entry_at(p, g, 1)));
    expect(p, g, m, a);
}

static void expect_not_foreign(const struct p2m *p, gfn_t g)
{
    mfn_t got = 77;
    unsigned acc = 9;

    assert_int_equal(p2m_foreign_lookup(p, g, &got, &acc), -XEN_ENOENT);
    assert_int_equal(got, 77);
    assert_int_equal(acc, 9);
}

/* Leave exactly `left` frames in the allocator. */
static void exhaust(unsigned left)
{
    while (frame_free_count() > left)
        assert_true(frame_alloc(0, OTHER) != INVALID_MFN);
}

/* ---- the entry -------------------------------------------------------------------------- */

static void test_entry_encoding(void **state)
{
    (void)state;
    for (unsigned a = 1; a <= RWX; a++) {
        for (int f = PTE_FORMAT_NPT; f <= PTE_FORMAT_EPT; f++) {
            uint64_t leaf, e;

            if (!pte_access_valid((enum pte_format)f, a))
                continue;
            leaf = pte_make_leaf((enum pte_format)f, 0x12345, a, false);
            e = pte_make_foreign((enum pte_format)f, 0x12345, a);
            /* The plain leaf plus exactly the format's software bit. */
            assert_int_equal(e, leaf | (f == PTE_FORMAT_EPT ? PTE_EPT_FOREIGN : PTE_NPT_FOREIGN));
            assert_true(pte_is_foreign((enum pte_format)f, e));
            assert_false(pte_is_foreign((enum pte_format)f, leaf));
            assert_false(pte_is_foreign((enum pte_format)f, pte_make_table((enum pte_format)f, 0x12345)));
            assert_true(pte_present((enum pte_format)f, e));
            assert_false(pte_is_large((enum pte_format)f, e));
            assert_int_equal(pte_mfn(e), 0x12345);
            assert_int_equal(pte_access((enum pte_format)f, e), a);
            assert_int_equal(pte_hw_kind((enum pte_format)f, 1, e), PTE_HW_LEAF);
        }
    }
    assert_int_equal(pte_mfn(pte_make_foreign(PTE_FORMAT_EPT, PTE_MFN_MAX, RW)), PTE_MFN_MAX);
}

/* ---- map and unmap ----------------------------------------------------------------------- */

static void test_map_unmap(void **state)
{
    mfn_t g = ram(OTHER, 0);
    (void)state;

    memcpy(sim_frame(g), "granted", 7);
    assert_int_equal(p2m_map_foreign(&P, 40, g, RW, OTHER), 0);
    assert_int_equal(P.nr_foreign, 1);
    assert_int_equal(P.nr_mapped, 0);
    assert_int_equal(P.nr_tables, 4);
    assert_int_equal(frame_refcount(g), 1);
    assert_int_equal(frame_owner(g), OTHER);               /* still the granter's */
    expect_foreign(&P, 40, g, RW);
    assert_memory_equal(sim_frame(g), "granted", 7);
    assert_true(check(&P));
    /* A second, read-only mapping of the same frame. */
    assert_int_equal(p2m_map_foreign(&P, 41, g, R, OTHER), 0);
    assert_int_equal(frame_refcount(g), 2);
    expect_foreign(&P, 41, g, R);
    assert_true(check(&P));
    /* Removing: only the named frame, only where it is. */
    assert_int_equal(p2m_unmap_foreign(&P, 41, g + 1), -XEN_EINVAL);
    assert_int_equal(p2m_unmap_foreign(&P, 42, g), -XEN_ENOENT);
    assert_int_equal(p2m_unmap_foreign(&P, 1ULL << 30, g), -XEN_ENOENT);   /* no table there */
    assert_int_equal(p2m_unmap_foreign(&P, P2M_MAX_GFN + 1, g), -XEN_EINVAL);
    {
        /* A struct p2m whose format is neither NPT nor EPT is refused before
         * any table is read. */
        struct p2m odd = P;

        odd.format = (enum pte_format)7;
        assert_int_equal(p2m_unmap_foreign(&odd, 41, g), -XEN_EINVAL);
        assert_int_equal(frame_refcount(g), 2);
        expect_foreign(&P, 41, g, R);
    }
    assert_int_equal(p2m_unmap_foreign(&P, 41, g), 0);
    assert_int_equal(frame_refcount(g), 1);
    expect_none(&P, 41);
    expect_not_foreign(&P, 41);
    assert_int_equal(p2m_unmap_foreign(&P, 41, g), -XEN_ENOENT);          /* twice */
    assert_true(check(&P));
    assert_int_equal(p2m_unmap_foreign(&P, 40, g), 0);
    assert_int_equal(P.nr_foreign, 0);
    assert_int_equal(frame_refcount(g), 0);
    expect_none(&P, 40);
    assert_int_equal(P.nr_tables, 4);                        /* tables stay until teardown */
    assert_true(check(&P));
    /* The owner may map its own frame as a grant (its own grant). */
    {
        mfn_t mine = ram(DOM, 0);

        assert_int_equal(p2m_map_foreign(&P, 43, mine, R, DOM), 0);
        expect_foreign(&P, 43, mine, R);
        assert_true(check(&P));
        assert_int_equal(p2m_unmap_foreign(&P, 43, mine), 0);
        assert_int_equal(frame_refcount(mine), 0);
    }
    assert_true(check(&P));
}

static void test_map_errors(void **state)
{
    mfn_t g = ram(OTHER, 0), mine = ram(DOM, 0);
    mfn_t free_frame = NR - 1;
    struct p2m none = { .root = INVALID_MFN };
    (void)state;

    assert_int_equal(frame_owner(free_frame), FRAME_OWNER_FREE);
    assert_int_equal(p2m_map_foreign(&P, 40, g, RW, DOM), -XEN_EPERM);       /* not the granter's */
    assert_int_equal(p2m_map_foreign(&P, 40, mine, RW, OTHER), -XEN_EPERM);
    assert_int_equal(p2m_map_foreign(&P, 40, g, RW, DOMID_XEN), -XEN_EINVAL);
    assert_int_equal(p2m_map_foreign(&P, 40, g, RW, DOMID_FIRST_RESERVED), -XEN_EINVAL);
    assert_int_equal(p2m_map_foreign(&P, 40, free_frame, RW, OTHER), -XEN_EPERM);
    assert_int_equal(p2m_map_foreign(&P, 40, 2, RW, OTHER), -XEN_EPERM);    /* the hypervisor's */
    assert_int_equal(p2m_map_foreign(&P, 40, P.root, RW, DOM), -XEN_EINVAL); /* a table page */
    assert_int_equal(p2m_map_foreign(&P, 40, NR + 5, RW, OTHER), -XEN_EINVAL);
    assert_int_equal(p2m_map_foreign(&P, 40, PTE_MFN_MAX + 1, RW, OTHER), -XEN_EINVAL);
    assert_int_equal(p2m_map_foreign(&P, P2M_MAX_GFN + 1, g, RW, OTHER), -XEN_EINVAL);
    assert_int_equal(p2m_map_foreign(&P, 40, g, 0, OTHER), -XEN_EINVAL);
    assert_int_equal(p2m_map_foreign(&P, 40, g, 8, OTHER), -XEN_EINVAL);
    assert_int_equal(p2m_map_foreign(&P, 40, g, P2M_ACCESS_W, OTHER), -XEN_EINVAL);
    assert_int_equal(p2m_map_foreign(&none, 40, g, RW, OTHER), -XEN_EINVAL);
    /* A frame at the reference limit. */
    frame_heap.table[g].refcount = FRAME_REF_MAX;
    assert_int_equal(p2m_map_foreign(&P, 40, g, RW, OTHER), -XEN_EOVERFLOW);
    frame_heap.table[g].refcount = 0;
    /* Out of memory for the tables: nothing changes. */
    exhaust(2);
    assert_int_equal(p2m_map_foreign(&P, 40, g, RW, OTHER), -XEN_ENOMEM);    /* needs three */
    assert_int_equal(frame_free_count(), 2);
    assert_int_equal(P.nr_tables, 1);
    assert_int_equal(frame_refcount(g), 0);
    assert_int_equal(P.nr_foreign, 0);
    expect_none(&P, 40);
    assert_true(check(&P));
    /* The queries on what is not there. */
    {
        mfn_t m;
        unsigned a;
        gfn_t at;

        assert_int_equal(p2m_unmap_foreign(&none, 40, g), -XEN_EINVAL);
        assert_int_equal(p2m_foreign_lookup(&none, 40, &m, &a), -XEN_ENOENT);
        assert_int_equal(p2m_foreign_lookup(&P, P2M_MAX_GFN + 1, &m, &a), -XEN_ENOENT);
        assert_int_equal(p2m_foreign_next(&none, 0, &at, &m), -XEN_ENOENT);
        assert_int_equal(p2m_foreign_next(&P, 0, &at, &m), -XEN_ENOENT);
        assert_int_equal(p2m_foreign_next(&P, P2M_MAX_GFN + 1, &at, &m), -XEN_ENOENT);
    }
}

/* ---- the ordinary paths -------------------------------------------------------------------- */

static void test_ordinary_paths_refuse(void **state)
{
    mfn_t g = ram(OTHER, 0), g2 = ram(OTHER, 0), mine = ram(DOM, 0), other_mine = ram(DOM, 0);
    mfn_t big = ram(DOM, 9);
    uint64_t before;
    (void)state;

    assert_int_equal(p2m_map_foreign(&P, 40, g, RW, OTHER), 0);
    assert_int_equal(p2m_map(&P, 41, mine, 0, RWX), 0);
    before = *entry_at(&P, 40, 1);
    /* Map over the grant (4 KiB, and 2 MiB over its table), map another grant there. */
    assert_int_equal(p2m_map(&P, 40, other_mine, 0, RWX), -XEN_EINVAL);
    assert_int_equal(p2m_map(&P, 0, big, 9, RWX), -XEN_EINVAL);
    assert_int_equal(p2m_map_foreign(&P, 40, g2, R, OTHER), -XEN_EINVAL);
    /* Unmap it, change its rights: the grant layer's business only. */
    assert_int_equal(p2m_unmap(&P, 40, 0), -XEN_ENXIO);
    assert_int_equal(p2m_unmap(&P, 0, 9), -XEN_ENXIO);
    assert_int_equal(p2m_set_access(&P, 40, 0, R), -XEN_ENXIO);
    assert_int_equal(p2m_set_access(&P, 0, 9, R), -XEN_ENXIO);
    /* Nothing changed, the neighbour included. */
    assert_int_equal(*entry_at(&P, 40, 1), before);
    expect_foreign(&P, 40, g, RW);
    expect(&P, 41, mine, RWX);
    expect_not_foreign(&P, 41);
    assert_int_equal(frame_refcount(g), 1);
    assert_int_equal(frame_refcount(g2), 0);
    /* The refused maps gave back the references they took before planning. */
    assert_int_equal(frame_refcount(other_mine), 0);
    for (mfn_t i = 0; i < 512; i++)
        assert_int_equal(frame_refcount(big + i), 0);
    assert_int_equal(frame_refcount(other_mine), 0);
    assert_int_equal(frame_refcount(big), 0);
    assert_true(check(&P));
    /* The neighbour is ordinary RAM: its paths work. */
    assert_int_equal(p2m_set_access(&P, 41, 0, R), 0);
    assert_int_equal(p2m_unmap(&P, 41, 0), 0);
    assert_true(check(&P));
    /* Once the grant is gone, the 2 MiB operations work again. */
    assert_int_equal(p2m_unmap_foreign(&P, 40, g), 0);
    assert_int_equal(p2m_map(&P, 0, big, 9, RWX), 0);
    expect(&P, 40, big + 40, RWX);
    assert_true(check(&P));
}

static void test_replaces_ram(void **state)
{
    mfn_t g = ram(OTHER, 0), mine = ram(DOM, 0), big = ram(DOM, 9), big2 = ram(DOM, 9);
    (void)state;

    /* Over a 4 KiB page of the owner: the page is unmapped, still the owner's. */
    assert_int_equal(p2m_map(&P, 50, mine, 0, RWX), 0);
    assert_int_equal(p2m_map_foreign(&P, 50, g, R, OTHER), 0);
    assert_int_equal(frame_refcount(mine), 0);
    assert_int_equal(frame_owner(mine), DOM);
    assert_int_equal(P.nr_mapped, 0);
    assert_int_equal(P.nr_foreign, 1);
    expect_foreign(&P, 50, g, R);
    assert_true(check(&P));
    /* Inside a 2 MiB leaf: split, 511 pages keep their frames and rights. */
    assert_int_equal(p2m_map(&P, 512, big, 9, RWX), 0);
    assert_int_equal(P.nr_tables, 4);
    assert_int_equal(p2m_map_foreign(&P, 600, g, RW, OTHER), 0);
    assert_int_equal(P.nr_tables, 5);
    assert_int_equal(P.nr_mapped, 511);
    assert_int_equal(P.nr_foreign, 2);
    assert_int_equal(frame_refcount(big + 88), 0);
    assert_int_equal(frame_refcount(big + 87), 1);
    assert_int_equal(frame_refcount(g), 2);
    expect(&P, 599, big + 87, RWX);
    expect(&P, 601, big + 89, RWX);
    expect_foreign(&P, 600, g, RW);
    assert_true(check(&P));
    /* A split that cannot get its table page: nothing changes. */
    assert_int_equal(p2m_map(&P, 1024, big2, 9, RWX), 0);
    exhaust(0);
    assert_int_equal(p2m_map_foreign(&P, 1030, g, RW, OTHER), -XEN_ENOMEM);
    expect(&P, 1030, big2 + 6, RWX);
    assert_int_equal(frame_refcount(g), 2);
    assert_int_equal(P.nr_mapped, 1023);
    assert_true(check(&P));
}

static void test_foreign_next(void **state)
{
    mfn_t g = ram(OTHER, 0), h = ram(OTHER, 0), mine = ram(DOM, 0);
    gfn_t at = 0;
    mfn_t m = 0;
    (void)state;

    assert_int_equal(p2m_map(&P, 30, mine, 0, RWX), 0);
    assert_int_equal(p2m_map_foreign(&P, 40, g, RW, OTHER), 0);
    assert_int_equal(p2m_map_foreign(&P, 1ULL << 20, h, R, OTHER), 0);
    assert_int_equal(p2m_map_foreign(&P, P2M_MAX_GFN, g, R, OTHER), 0);
    assert_int_equal(p2m_foreign_next(&P, 0, &at, &m), 0);
    assert_int_equal(at, 40);
    assert_int_equal(m, g);
    assert_int_equal(p2m_foreign_next(&P, 40, &at, &m), 0);
    assert_int_equal(at, 40);
    assert_int_equal(p2m_foreign_next(&P, 41, &at, &m), 0);
    assert_int_equal(at, 1ULL << 20);
    assert_int_equal(m, h);
    assert_int_equal(p2m_foreign_next(&P, (1ULL << 20) + 1, &at, &m), 0);
    assert_int_equal(at, P2M_MAX_GFN);
    assert_int_equal(m, g);
    assert_int_equal(p2m_foreign_next(&P, P2M_MAX_GFN, &at, &m), 0);
    assert_int_equal(at, P2M_MAX_GFN);
    assert_int_equal(p2m_foreign_next(&P, P2M_MAX_GFN + 1, &at, &m), -XEN_ENOENT);
    assert_true(check(&P));
    assert_int_equal(p2m_unmap_foreign(&P, 1ULL << 20, h), 0);
    assert_int_equal(p2m_foreign_next(&P, 41, &at, &m), 0);
    assert_int_equal(at, P2M_MAX_GFN);
    assert_int_equal(p2m_unmap_foreign(&P, P2M_MAX_GFN, g), 0);
    assert_int_equal(p2m_foreign_next(&P, 41, &at, &m), -XEN_ENOENT);
    assert_int_equal(p2m_unmap_foreign(&P, 40, g), 0);
    assert_int_equal(p2m_foreign_next(&P, 0, &at, &m), -XEN_ENOENT);
    assert_true(check(&P));
}

/* ---- teardown and the checker ---------------------------------------------------------------- */

static void test_teardown(void **state)
{
    mfn_t g = ram(OTHER, 0), mine = ram(DOM, 0), big = ram(DOM, 9);
    (void)state;

    assert_int_equal(p2m_map(&P, 0, big, 9, RWX), 0);
    assert_int_equal(p2m_map_foreign(&P, 5, g, RW, OTHER), 0);       /* in the 2 MiB leaf */
    assert_int_equal(p2m_map_foreign(&P, 1ULL << 30, g, R, OTHER), 0);
    assert_int_equal(p2m_map(&P, (1ULL << 30) + 1, mine, 0, RWX), 0);
    assert_int_equal(frame_refcount(g), 2);
    assert_true(check(&P));
    assert_int_equal(p2m_teardown(&P), 0);
    assert_int_equal(P.nr_foreign, 0);
    /* The granted frame is the granter's still, unreferenced; the owner's RAM too. */
    assert_int_equal(frame_refcount(g), 0);
    assert_int_equal(frame_owner(g), OTHER);
    assert_int_equal(frame_type(g), FRAME_TYPE_GUEST_RAM);
    assert_int_equal(frame_refcount(mine), 0);
    assert_int_equal(frame_owner(mine), DOM);
    for (mfn_t i = 0; i < 512; i++)
        assert_int_equal(frame_refcount(big + i), 0);
    assert_true(check(&P));
}

static void test_checker_catches(void **state)
{
    mfn_t g = ram(OTHER, 0), free_frame = NR - 1;
    uint64_t *leaf, *l2e, saved, saved2;
    (void)state;

    assert_int_equal(p2m_map_foreign(&P, 40, g, RW, OTHER), 0);
    assert_true(check(&P));
    leaf = entry_at(&P, 40, 1);
    saved = *leaf;
    /* A foreign leaf at a hypervisor frame, a free frame, a table page, beyond memory. */
    *leaf = pte_make_foreign(fmt, 2, RW);
    assert_false(check(&P));
    *leaf = pte_make_foreign(fmt, free_frame, RW);
    assert_false(check(&P));
    *leaf = pte_make_foreign(fmt, P.root, RW);
    assert_false(check(&P));
    *leaf = pte_make_foreign(fmt, NR + 5, RW);
    assert_false(check(&P));
    /* The same frame without the bit: another domain's frame as if it were RAM of the owner. */
    *leaf = pte_make_leaf(fmt, g, RW, false);
    assert_false(check(&P));
    *leaf = saved;
    assert_true(check(&P));
    /* The bit on a table entry, or on a 2 MiB leaf. */
    l2e = entry_at(&P, 40, 2);
    saved2 = *l2e;
    *l2e = saved2 | (fmt == PTE_FORMAT_EPT ? PTE_EPT_FOREIGN : PTE_NPT_FOREIGN);
    assert_false(check(&P));
    *l2e = pte_make_leaf(fmt, 512, RW, true) | (fmt == PTE_FORMAT_EPT ? PTE_EPT_FOREIGN : PTE_NPT_FOREIGN);
    assert_false(check(&P));
    *l2e = saved2;
    assert_true(check(&P));
    /* Counters and references. */
    P.nr_foreign++;
    assert_false(check(&P));
    P.nr_foreign--;
    frame_heap.table[g].refcount++;
    assert_false(check(&P));
    frame_heap.table[g].refcount--;
    assert_true(check(&P));
}

/*
 * Every call that may change a translation moves the generation on, failed
 * ones too (the fetch hints of vcpu_exit.c trust a translation only while
 * the generation is the one they saw); lookups leave it alone.
 */
static void test_generation(void **state)
{
    mfn_t own = ram(DOM, 0), theirs = ram(OTHER, 0), got;
    uint64_t g = P.generation;
    unsigned acc;

    (void)state;
    assert_int_equal(P.generation, 0);
#define MOVES(call) do { uint64_t before = P.generation; (void)(call); \
                         assert_true(P.generation > before); } while (0)
    MOVES(p2m_map(&P, 0x10, own, P2M_ORDER_4K, RW));
    MOVES(p2m_map(&P, 0x11, own, 3U, RW));                        /* refused order */
    MOVES(p2m_set_access(&P, 0x10, P2M_ORDER_4K, R));
    MOVES(p2m_map_foreign(&P, 0x20, theirs, RW, OTHER));
    MOVES(p2m_unmap_foreign(&P, 0x20, theirs));
    MOVES(p2m_unmap_foreign(&P, 0x20, theirs));                   /* nothing there */
    MOVES(p2m_unmap(&P, 0x10, P2M_ORDER_4K));
    g = P.generation;
    assert_int_equal(p2m_lookup(&P, 0x10, &got, &acc), -XEN_ENOENT);
    assert_int_equal(p2m_foreign_lookup(&P, 0x20, &got, &acc), -XEN_ENOENT);
    assert_true(check(&P));
    assert_int_equal(P.generation, g);
    MOVES(p2m_teardown(&P));
#undef MOVES
    assert_int_equal(p2m_init(&P, DOM, fmt), 0);
    assert_int_equal(P.generation, 0);
}

/* Each test in both formats, named apart. */
#define BOTH(f) { #f " (NPT)", f, setup_npt, NULL, NULL }, { #f " (EPT)", f, setup_ept, NULL, NULL }

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_entry_encoding),
        BOTH(test_map_unmap),
        BOTH(test_map_errors),
        BOTH(test_ordinary_paths_refuse),
        BOTH(test_replaces_ram),
        BOTH(test_foreign_next),
        BOTH(test_teardown),
        BOTH(test_checker_catches),
        BOTH(test_generation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
