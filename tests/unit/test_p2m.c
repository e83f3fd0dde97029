// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the p2m: every operation and error code, the exact entries
 * written into simulated machine memory, 2 MiB splits, maps that replace
 * what was there, table accounting, out-of-memory in the middle of an
 * operation, teardown, and the checker's failure paths (tables corrupted on
 * purpose).  After every successful step the full checker (p2m_check +
 * frame_ref_check_counts + the allocator's own check) must pass.  Lookups
 * of hand-built tables (every rights combination over the levels, large
 * leaves, reserved and misconfigured entries) are compared with the
 * reference nested walker (sim/ref_walk.c), directly and through a cursor.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "hv/p2m.h"
#include "xen/errno.h"
#include "ref_walk.h"
#include "fixture_machine.h"
#include "sim.h"

#define NR        4096U     /* 16 MiB of machine memory */
#define FIRST     16U       /* frames [0, 16) stay reserved: the hypervisor's */
#define DOM       1U
#define OTHER     2U
#define RWX       P2M_ACCESS_RWX
#define R         P2M_ACCESS_R

static struct frame_desc table[NR];
static uint32_t counts[NR];
static struct p2m P;

static bool check_all(const struct p2m *a, const struct p2m *b)
{
    memset(counts, 0, sizeof(counts));
    if (!frame_check_invariants() || !p2m_check(a, counts, NR))
        return false;
    if (b != NULL && !p2m_check(b, counts, NR))
        return false;
    return frame_ref_check_counts(counts, NR);
}

static int setup(void **state)
{
    (void)state;
    fixture_frames(table, sizeof(table), NR, FIRST);
    assert_int_equal(p2m_init(&P, DOM, PTE_FORMAT_NPT), 0);
    return 0;
}

/* Guest RAM for `owner`: 2^order frames typed RAM. */
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

static void expect(const struct p2m *p, gfn_t g, mfn_t m, unsigned a)
{
    mfn_t got = 0;
    unsigned acc = 0;

    assert_int_equal(p2m_lookup(p, g, &got, &acc), 0);
    assert_int_equal(got, m);
    assert_int_equal(acc, a);
}

static void expect_none(const struct p2m *p, gfn_t g)
{
    mfn_t got;
    unsigned acc;

    assert_int_equal(p2m_lookup(p, g, &got, &acc), -XEN_ENOENT);
}

/* Leave exactly `left` frames in the allocator. */
static void exhaust(unsigned left)
{
    while (frame_free_count() > left)
        assert_true(frame_alloc(0, OTHER) != INVALID_MFN);
}

static void test_init(void **state)
{
    struct p2m q;
    (void)state;
    assert_int_equal(P.owner, DOM);
    assert_int_equal(P.nr_tables, 1);
    assert_int_equal(P.nr_mapped, 0);
    assert_int_equal(frame_owner(P.root), DOM);
    assert_int_equal(frame_type(P.root), FRAME_TYPE_P2M_TABLE);
    assert_int_equal(frame_refcount(P.root), 1);
    assert_true(sim_frame_is_zero(P.root));
    assert_int_equal(p2m_init(&q, DOMID_XEN, PTE_FORMAT_NPT), -XEN_EINVAL);
    assert_int_equal(p2m_init(&q, DOMID_FIRST_RESERVED, PTE_FORMAT_NPT), -XEN_EINVAL);
    assert_int_equal(p2m_init(&q, DOM, (enum pte_format)7), -XEN_EINVAL);
    exhaust(0);
    memset(&q, 0x5a, sizeof(q));   /* garbage a failed init must not leave behind */
    assert_int_equal(p2m_init(&q, OTHER, PTE_FORMAT_EPT), -XEN_ENOMEM);
    /* A failed init leaves an empty p2m: no root, refused by map, accepted by teardown. */
    assert_true(q.root == INVALID_MFN);
    assert_int_equal(q.nr_tables, 0);
    assert_null(q.root_map);
    assert_int_equal(p2m_map(&q, 0, 512, 0, RWX), -XEN_EINVAL);
    assert_int_equal(p2m_unmap(&q, 0, 0), -XEN_EINVAL);
    assert_int_equal(p2m_teardown(&q), 0);
    assert_true(check_all(&P, NULL));
}

static void test_map_4k_entries(void **state)
{
    mfn_t m = ram(DOM, 0);
    uint64_t *l4, *l3, *l2, *l1;
    /* gfn 0x8040201: indices L4 = 0x8040201 >> 27 = 1, L3 = 0, L2 = 1, L1 = 1. */
    gfn_t g = (1ULL << 27) | (1ULL << 9) | 1ULL;
    (void)state;

    assert_int_equal(p2m_map(&P, g, m, 0, RWX), 0);
    assert_int_equal(P.nr_tables, 4);
    assert_int_equal(P.nr_mapped, 1);
    l4 = tab(P.root);
    assert_int_equal(l4[1] & 0xFFF, 0x007);            /* P | RW | US */
    l3 = tab(pte_mfn(l4[1]));
    assert_int_equal(l3[0] & 0xFFF, 0x007);
    l2 = tab(pte_mfn(l3[0]));
    assert_int_equal(l2[1] & 0xFFF, 0x007);
    l1 = tab(pte_mfn(l2[1]));
    assert_int_equal(l1[1], (m << 12) | 0x7);         /* leaf RWX: P | RW | US */
    assert_int_equal(l1[0], 0);
    {
        const mfn_t tables[3] = { pte_mfn(l4[1]), pte_mfn(l3[0]), pte_mfn(l2[1]) };

        for (unsigned i = 0; i < 3; i++) {
            assert_int_equal(frame_owner(tables[i]), DOM);
            assert_int_equal(frame_type(tables[i]), FRAME_TYPE_P2M_TABLE);
            assert_int_equal(frame_refcount(tables[i]), 1);
        }
    }
    assert_int_equal(frame_refcount(m), 1);
    expect(&P, g, m, RWX);
    expect_none(&P, g + 1);
    expect_none(&P, g - 1);
    assert_true(check_all(&P, NULL));

    /* A second gfn under the same L1 table needs no new table. */
    mfn_t m2 = ram(DOM, 0);
    assert_int_equal(p2m_map(&P, g + 1, m2, 0, R), 0);
    assert_int_equal(P.nr_tables, 4);
    assert_int_equal(l1[2], 0x8000000000000005ULL | (m2 << 12));   /* R: P | US | NX */
    expect(&P, g + 1, m2, R);
    /* The same frame may be mapped twice: two references. */
    assert_int_equal(p2m_map(&P, 7, m2, 0, RWX), 0);
    assert_int_equal(frame_refcount(m2), 2);
    assert_true(check_all(&P, NULL));
}

static void test_map_errors(void **state)
{
    struct p2m uninit = { .root = INVALID_MFN, .owner = DOM };
    mfn_t m = ram(DOM, 0), big = ram(DOM, 9), foreign = ram(OTHER, 0);
    mfn_t untyped = frame_alloc(0, DOM), free_mfn;
    uint64_t before;
    (void)state;

    assert_int_equal(p2m_map(&uninit, 0, m, 0, RWX), -XEN_EINVAL);
    assert_int_equal(p2m_map(&P, 0, m, 1, RWX), -XEN_EINVAL);
    assert_int_equal(p2m_map(&P, 0, m, 18, RWX), -XEN_EINVAL);
    assert_int_equal(p2m_map(&P, 0, m, 0, 0), -XEN_EINVAL);
    assert_int_equal(p2m_map(&P, 0, m, 0, P2M_ACCESS_W), -XEN_EINVAL);   /* NPT: no R */
    assert_int_equal(p2m_map(&P, 0, m, 0, 8 | R), -XEN_EINVAL);
    assert_int_equal(p2m_map(&P, P2M_MAX_GFN + 1, m, 0, RWX), -XEN_EINVAL);
    assert_int_equal(p2m_map(&P, 1, big, 9, RWX), -XEN_EINVAL);          /* gfn not 2 MiB aligned */
    assert_int_equal(p2m_map(&P, 512, big + 1, 9, RWX), -XEN_EINVAL);    /* mfn not aligned */
    assert_int_equal(p2m_map(&P, 0, PTE_MFN_MAX + 1, 0, RWX), -XEN_EINVAL);
    assert_int_equal(p2m_map(&P, 0, NR, 0, RWX), -XEN_EINVAL);           /* beyond the table */
    assert_int_equal(p2m_map(&P, 0, foreign, 0, RWX), -XEN_EPERM);       /* another domain's */
    assert_int_equal(p2m_map(&P, 0, 3, 0, RWX), -XEN_EPERM);             /* hypervisor frame */
    free_mfn = frame_alloc(0, DOM);
    assert_int_equal(frame_free(free_mfn, 0, DOM), 0);
    assert_int_equal(p2m_map(&P, 0, free_mfn, 0, RWX), -XEN_EPERM);      /* free frame */
    assert_int_equal(p2m_map(&P, 0, P.root, 0, RWX), -XEN_EINVAL);       /* own table page */
    assert_int_equal(p2m_map(&P, 0, untyped, 0, RWX), -XEN_EINVAL);      /* not typed RAM */
    frame_heap.table[m].refcount = FRAME_REF_MAX;
    assert_int_equal(p2m_map(&P, 0, m, 0, RWX), -XEN_EOVERFLOW);
    frame_heap.table[m].refcount = 0;
    /* Nothing above changed anything. */
    assert_int_equal(P.nr_tables, 1);
    assert_int_equal(P.nr_mapped, 0);
    assert_int_equal(frame_refcount(big), 0);

    /* Errors over an existing mapping change nothing either. */
    assert_int_equal(p2m_map(&P, 5, m, 0, RWX), 0);
    before = P.nr_tables;
    assert_int_equal(p2m_map(&P, 5, foreign, 0, RWX), -XEN_EPERM);
    assert_int_equal(p2m_map(&P, 5, m, 0, 0), -XEN_EINVAL);
    frame_heap.table[m].refcount = FRAME_REF_MAX;   /* counted before the old reference goes */
    assert_int_equal(p2m_map(&P, 5, m, 0, R), -XEN_EOVERFLOW);
    frame_heap.table[m].refcount = 1;
    expect(&P, 5, m, RWX);
    assert_int_equal(P.nr_tables, before);
    assert_int_equal(P.nr_mapped, 1);
    assert_int_equal(frame_refcount(m), 1);
    assert_true(check_all(&P, NULL));
}

static void test_map_oom(void **state)
{
    mfn_t m = ram(DOM, 0);
    mfn_t free_before;
    (void)state;

    /* A 4 KiB map under an empty root needs three tables; give it two. */
    exhaust(2);
    free_before = frame_free_count();
    assert_int_equal(p2m_map(&P, 0, m, 0, RWX), -XEN_ENOMEM);
    assert_int_equal(frame_free_count(), free_before);
    assert_int_equal(P.nr_tables, 1);
    assert_int_equal(frame_refcount(m), 0);
    expect_none(&P, 0);
    assert_int_equal(tab(P.root)[0], 0);
    assert_true(check_all(&P, NULL));
    /* With none left at all, the same. */
    exhaust(0);
    assert_int_equal(p2m_map(&P, 0, m, 0, RWX), -XEN_ENOMEM);
    assert_true(check_all(&P, NULL));
}

static void test_map_oom_exact(void **state)
{
    mfn_t m = ram(DOM, 0);
    (void)state;

    exhaust(3);
    assert_int_equal(p2m_map(&P, 0, m, 0, RWX), 0);
    assert_int_equal(frame_free_count(), 0);
    assert_int_equal(P.nr_tables, 4);
    expect(&P, 0, m, RWX);
    assert_true(check_all(&P, NULL));
}

static void test_map_2m(void **state)
{
    mfn_t big = ram(DOM, 9);
    gfn_t g = 3 * 512;
    (void)state;

    assert_int_equal(p2m_map(&P, g, big, 9, R | P2M_ACCESS_X), 0);
    assert_int_equal(P.nr_tables, 3);                  /* root, L3, L2 */
    assert_int_equal(P.nr_mapped, 512);
    expect(&P, g, big, R | P2M_ACCESS_X);
    expect(&P, g + 5, big + 5, R | P2M_ACCESS_X);
    expect(&P, g + 511, big + 511, R | P2M_ACCESS_X);
    expect_none(&P, g + 512);
    expect_none(&P, g - 1);
    for (mfn_t i = 0; i < 512; i++)
        assert_int_equal(frame_refcount(big + i), 1);
    /* The leaf: address | PS | P | US, executable, read-only. */
    uint64_t *l3 = tab(pte_mfn(tab(P.root)[0]));
    uint64_t *l2 = tab(pte_mfn(l3[0]));
    assert_int_equal(l2[3], (big << 12) | 0x85);
    assert_true(check_all(&P, NULL));
}

static void test_map_2m_over_empty_l1(void **state)
{
    mfn_t m = ram(DOM, 0), big = ram(DOM, 9);
    mfn_t l1;
    (void)state;

    assert_int_equal(p2m_map(&P, 512 + 7, m, 0, RWX), 0);
    assert_int_equal(p2m_unmap(&P, 512 + 7, 0), 0);
    assert_int_equal(P.nr_tables, 4);                   /* empty tables are kept */
    l1 = pte_mfn(tab(pte_mfn(tab(pte_mfn(tab(P.root)[0]))[0]))[1]);
    assert_int_equal(frame_type(l1), FRAME_TYPE_P2M_TABLE);
    assert_int_equal(p2m_map(&P, 512, big, 9, RWX), 0);
    assert_int_equal(P.nr_tables, 3);                   /* ... until a 2 MiB leaf replaces one */
    assert_int_equal(frame_owner(l1), FRAME_OWNER_FREE);
    assert_true(sim_frame_is_zero(l1));
    expect(&P, 512 + 7, big + 7, RWX);
    assert_true(check_all(&P, NULL));
}

/* How many words of a table page are not zero. */
static unsigned nonzero_words(mfn_t m)
{
    const uint64_t *t = tab(m);
    unsigned n = 0;

    for (unsigned i = 0; i < 512; i++)
        n += t[i] != 0;
    return n;
}

/*
 * Maps below empty slots of level 4 and level 3 link fresh tables down to
 * the target level: each new table holds exactly the one entry on gfn's
 * path (the p2m zeroes what it links, map_fresh), and nothing else in the
 * region maps.
 */
static void test_map_fresh_tables(void **state)
{
    mfn_t m = ram(DOM, 0), m2 = ram(DOM, 0), big = ram(DOM, 9);
    const gfn_t g4 = (5ULL << 27) | (7ULL << 18) | (9ULL << 9) | 11;   /* empty root slot 5 */
    const gfn_t g3 = (5ULL << 27) | (8ULL << 18) | 3;                   /* same L3, empty L3 slot 8 */
    const gfn_t g2m = (6ULL << 27) | (1ULL << 18) | (4ULL << 9);        /* 2 MiB, empty root slot 6 */
    uint64_t *root = tab(P.root);
    mfn_t l3, l2, l1;
    (void)state;

    /* 4 KiB from the root: L3, L2 and L1 fresh. */
    assert_int_equal(p2m_map(&P, g4, m, 0, RWX), 0);
    assert_int_equal(P.nr_tables, 4);
    assert_int_equal(nonzero_words(P.root), 1);
    l3 = pte_mfn(root[5]);
    l2 = pte_mfn(tab(l3)[7]);
    l1 = pte_mfn(tab(l2)[9]);
    assert_int_equal(nonzero_words(l3), 1);
    assert_int_equal(nonzero_words(l2), 1);
    assert_int_equal(nonzero_words(l1), 1);
    assert_int_equal(tab(l1)[11], (m << 12) | 0x7);
    expect(&P, g4, m, RWX);
    expect_none(&P, g4 + 1);
    expect_none(&P, g4 - (9ULL << 9));
    assert_true(check_all(&P, NULL));

    /* 4 KiB from an existing L3 table: L2 and L1 fresh, L3 gains one entry. */
    assert_int_equal(p2m_map(&P, g3, m2, 0, R), 0);
    assert_int_equal(P.nr_tables, 6);
    assert_int_equal(nonzero_words(l3), 2);
    l2 = pte_mfn(tab(l3)[8]);
    assert_int_equal(nonzero_words(l2), 1);
    assert_int_equal(nonzero_words(pte_mfn(tab(l2)[0])), 1);
    expect(&P, g3, m2, R);
    expect(&P, g4, m, RWX);
    expect_none(&P, g3 + 1);
    assert_true(check_all(&P, NULL));

    /* 2 MiB from the root: L3 and L2 fresh, the leaf in the L2 table. */
    assert_int_equal(p2m_map(&P, g2m, big, 9, RWX), 0);
    assert_int_equal(P.nr_tables, 8);
    assert_int_equal(nonzero_words(P.root), 2);
    l3 = pte_mfn(root[6]);
    assert_int_equal(nonzero_words(l3), 1);
    l2 = pte_mfn(tab(l3)[1]);
    assert_int_equal(nonzero_words(l2), 1);
    assert_int_equal(tab(l2)[4], (big << 12) | 0x87);
    expect(&P, g2m, big, RWX);
    expect(&P, g2m + 511, big + 511, RWX);
    expect_none(&P, g2m + 512);
    expect_none(&P, g2m - 1);
    assert_true(check_all(&P, NULL));
}

/* A map replaces a 4 KiB mapping: the old frame's reference goes. */
static void test_map_replaces_4k(void **state)
{
    mfn_t a = ram(DOM, 0), b = ram(DOM, 0);
    (void)state;

    assert_int_equal(p2m_map(&P, 5, a, 0, RWX), 0);
    assert_int_equal(p2m_map(&P, 5, b, 0, R), 0);
    expect(&P, 5, b, R);
    assert_int_equal(frame_refcount(a), 0);
    assert_int_equal(frame_refcount(b), 1);
    assert_int_equal(P.nr_mapped, 1);
    assert_int_equal(P.nr_tables, 4);
    assert_true(check_all(&P, NULL));
    /* The same frame again (new rights): still one reference. */
    assert_int_equal(p2m_map(&P, 5, b, 0, RWX), 0);
    expect(&P, 5, b, RWX);
    assert_int_equal(frame_refcount(b), 1);
    assert_int_equal(P.nr_mapped, 1);
    assert_true(check_all(&P, NULL));
}

/* 4 KiB over part of a 2 MiB leaf: split, the other 511 pages keep theirs. */
static void test_map_4k_splits_2m(void **state)
{
    mfn_t big = ram(DOM, 9), m = ram(DOM, 0), m2 = ram(DOM, 0);
    mfn_t free_before;
    uint64_t *l2, *l1;
    (void)state;

    assert_int_equal(p2m_map(&P, 512, big, 9, R | P2M_ACCESS_X), 0);
    assert_int_equal(P.nr_tables, 3);
    l2 = tab(pte_mfn(tab(pte_mfn(tab(P.root)[0]))[0]));
    free_before = frame_free_count();
    assert_int_equal(p2m_map(&P, 512 + 100, m, 0, RWX), 0);
    assert_int_equal(frame_free_count(), free_before - 1);          /* the new level-1 table */
    assert_int_equal(P.nr_tables, 4);
    assert_int_equal(P.nr_mapped, 512);
    assert_int_equal(l2[1], pte_make_table(PTE_FORMAT_NPT, pte_mfn(l2[1])));
    l1 = tab(pte_mfn(l2[1]));
    for (unsigned i = 0; i < 512; i++) {
        if (i == 100) {
            assert_int_equal(l1[i], pte_make_leaf(PTE_FORMAT_NPT, m, RWX, false));
            expect(&P, 512 + i, m, RWX);
            assert_int_equal(frame_refcount(big + i), 0);
        } else {
            assert_int_equal(l1[i], pte_make_leaf(PTE_FORMAT_NPT, big + i, R | P2M_ACCESS_X, false));
            expect(&P, 512 + i, big + i, R | P2M_ACCESS_X);
            assert_int_equal(frame_refcount(big + i), 1);
        }
    }
    assert_int_equal(frame_refcount(m), 1);
    assert_true(check_all(&P, NULL));
    /* The region is a table now: another 4 KiB map there needs no page. */
    assert_int_equal(p2m_map(&P, 512 + 101, m2, 0, R), 0);
    assert_int_equal(P.nr_tables, 4);
    assert_int_equal(frame_refcount(big + 101), 0);
    expect(&P, 512 + 101, m2, R);
    assert_true(check_all(&P, NULL));
}

/* The split needs a page: without one, nothing at all changes. */
static void test_map_4k_in_2m_oom(void **state)
{
    mfn_t big = ram(DOM, 9), m = ram(DOM, 0);
    uint64_t *l2;
    uint64_t leaf;
    (void)state;

    assert_int_equal(p2m_map(&P, 0, big, 9, RWX), 0);
    l2 = tab(pte_mfn(tab(pte_mfn(tab(P.root)[0]))[0]));
    leaf = l2[0];
    exhaust(0);
    assert_int_equal(p2m_map(&P, 3, m, 0, R), -XEN_ENOMEM);
    assert_int_equal(l2[0], leaf);
    expect(&P, 3, big + 3, RWX);
    assert_int_equal(frame_refcount(m), 0);
    assert_int_equal(frame_refcount(big + 3), 1);
    assert_int_equal(P.nr_tables, 3);
    assert_int_equal(P.nr_mapped, 512);
    assert_true(check_all(&P, NULL));
}

/* 2 MiB over a 2 MiB leaf, and over a level-1 table of 4 KiB leaves. */
static void test_map_2m_replaces(void **state)
{
    mfn_t big1 = ram(DOM, 9), big2 = ram(DOM, 9), a = ram(DOM, 0), b = ram(DOM, 0);
    mfn_t free_before;
    (void)state;

    assert_int_equal(p2m_map(&P, 512, big1, 9, RWX), 0);
    assert_int_equal(p2m_map(&P, 512, big2, 9, R), 0);
    for (mfn_t i = 0; i < 512; i++) {
        assert_int_equal(frame_refcount(big1 + i), 0);
        assert_int_equal(frame_refcount(big2 + i), 1);
    }
    expect(&P, 600, big2 + 88, R);
    assert_int_equal(P.nr_mapped, 512);
    assert_true(check_all(&P, NULL));
    assert_int_equal(p2m_map(&P, 1024 + 1, a, 0, RWX), 0);
    assert_int_equal(p2m_map(&P, 1024 + 300, b, 0, R), 0);
    assert_int_equal(P.nr_tables, 4);
    free_before = frame_free_count();
    assert_int_equal(p2m_map(&P, 1024, big1, 9, RWX), 0);
    assert_int_equal(P.nr_tables, 3);                     /* the level-1 table is gone */
    assert_int_equal(frame_free_count(), free_before + 1);
    assert_int_equal(frame_refcount(a), 0);
    assert_int_equal(frame_refcount(b), 0);
    assert_int_equal(P.nr_mapped, 1024);
    expect(&P, 1024 + 1, big1 + 1, RWX);
    expect(&P, 1024 + 300, big1 + 300, RWX);
    assert_true(check_all(&P, NULL));
}

static void test_unmap_4k(void **state)
{
    mfn_t m = ram(DOM, 0);
    struct p2m uninit = { .root = INVALID_MFN };
    (void)state;

    assert_int_equal(p2m_unmap(&P, 9, 0), -XEN_ENOENT);     /* nothing at all */
    assert_int_equal(p2m_map(&P, 9, m, 0, RWX), 0);
    assert_int_equal(p2m_unmap(&P, 10, 0), -XEN_ENOENT);    /* table there, entry empty */
    assert_int_equal(p2m_unmap(&P, 9, 1), -XEN_EINVAL);
    assert_int_equal(p2m_unmap(&P, 9, 9), -XEN_EINVAL);     /* not aligned */
    assert_int_equal(p2m_unmap(&P, P2M_MAX_GFN + 1, 0), -XEN_EINVAL);
    assert_int_equal(p2m_unmap(&uninit, 9, 0), -XEN_EINVAL);
    assert_int_equal(p2m_unmap(&P, 9, 0), 0);
    expect_none(&P, 9);
    assert_int_equal(frame_refcount(m), 0);
    assert_int_equal(P.nr_mapped, 0);
    assert_int_equal(P.nr_tables, 4);
    assert_int_equal(p2m_unmap(&P, 9, 0), -XEN_ENOENT);
    assert_true(check_all(&P, NULL));
}

static void test_unmap_split(void **state)
{
    mfn_t big = ram(DOM, 9);
    (void)state;

    assert_int_equal(p2m_map(&P, 0, big, 9, R), 0);
    assert_int_equal(P.nr_tables, 3);
    assert_int_equal(p2m_unmap(&P, 100, 0), 0);
    assert_int_equal(P.nr_tables, 4);                    /* the split's L1 table */
    assert_int_equal(P.nr_mapped, 511);
    expect_none(&P, 100);
    for (gfn_t g = 0; g < 512; g++)
        if (g != 100)
            expect(&P, g, big + g, R);
    assert_int_equal(frame_refcount(big + 100), 0);
    assert_int_equal(frame_refcount(big + 101), 1);
    assert_true(check_all(&P, NULL));
    /* A second unmap in the same range needs no split. */
    assert_int_equal(p2m_unmap(&P, 101, 0), 0);
    assert_int_equal(P.nr_tables, 4);
    assert_true(check_all(&P, NULL));
}

static void test_split_oom(void **state)
{
    mfn_t big = ram(DOM, 9);
    uint64_t *l2;
    uint64_t leaf;
    (void)state;

    assert_int_equal(p2m_map(&P, 0, big, 9, RWX), 0);
    l2 = tab(pte_mfn(tab(pte_mfn(tab(P.root)[0]))[0]));
    leaf = l2[0];
    exhaust(0);
    assert_int_equal(p2m_unmap(&P, 3, 0), -XEN_ENOMEM);
    assert_int_equal(p2m_set_access(&P, 3, 0, R), -XEN_ENOMEM);
    assert_int_equal(l2[0], leaf);
    expect(&P, 3, big + 3, RWX);
    /* Same rights: no split needed, so no memory needed. */
    assert_int_equal(p2m_set_access(&P, 3, 0, RWX), 0);
    assert_int_equal(l2[0], leaf);
    /* A 2 MiB unmap needs no memory either. */
    assert_int_equal(p2m_unmap(&P, 0, 9), 0);
    assert_true(check_all(&P, NULL));
}

static void test_unmap_2m(void **state)
{
    mfn_t big = ram(DOM, 9), a = ram(DOM, 0), b = ram(DOM, 0);
    mfn_t free_before;
    (void)state;

    assert_int_equal(p2m_map(&P, 512, big, 9, RWX), 0);
    assert_int_equal(p2m_unmap(&P, 512, 9), 0);
    assert_int_equal(P.nr_mapped, 0);
    for (mfn_t i = 0; i < 512; i++)
        assert_int_equal(frame_refcount(big + i), 0);
    expect_none(&P, 600);
    assert_int_equal(p2m_unmap(&P, 512, 9), -XEN_ENOENT);       /* L2 entry empty */
    assert_int_equal(p2m_unmap(&P, 1ULL << 27, 9), -XEN_ENOENT); /* no L3 at all */
    /* 2 MiB unmap over 4 KiB mappings: all of them go, and their table. */
    assert_int_equal(p2m_map(&P, 1024 + 1, a, 0, RWX), 0);
    assert_int_equal(p2m_map(&P, 1024 + 300, b, 0, R), 0);
    assert_int_equal(P.nr_tables, 4);
    free_before = frame_free_count();
    assert_int_equal(p2m_unmap(&P, 1024, 9), 0);
    assert_int_equal(P.nr_tables, 3);
    assert_int_equal(frame_free_count(), free_before + 1);
    assert_int_equal(frame_refcount(a), 0);
    assert_int_equal(frame_refcount(b), 0);
    assert_int_equal(P.nr_mapped, 0);
    assert_true(check_all(&P, NULL));
    /* Over an empty L1 table: nothing mapped. */
    assert_int_equal(p2m_map(&P, 2048 + 1, a, 0, RWX), 0);
    assert_int_equal(p2m_unmap(&P, 2048 + 1, 0), 0);
    assert_int_equal(p2m_unmap(&P, 2048, 9), -XEN_ENOENT);
    assert_true(check_all(&P, NULL));
    /* A present level-2 entry the CPU follows neither as a table nor as a
     * leaf (NPT, U/S clear): malformed, refused, nothing changed. */
    {
        uint64_t *l2, saved;

        assert_int_equal(p2m_map(&P, 4096 + 7, a, 0, RWX), 0);
        l2 = tab(pte_mfn(tab(pte_mfn(tab(P.root)[0]))[0]));
        saved = l2[8];
        l2[8] = saved & ~4ULL;
        assert_int_equal(p2m_unmap(&P, 4096, 9), -XEN_EINVAL);
        assert_int_equal(l2[8], saved & ~4ULL);
        assert_int_equal(frame_refcount(a), 1);
        /* A 2 MiB map over it is refused as well, the frames' references given back. */
        assert_int_equal(p2m_map(&P, 4096, big, 9, RWX), -XEN_EINVAL);
        assert_int_equal(l2[8], saved & ~4ULL);
        assert_int_equal(frame_refcount(big), 0);
        assert_int_equal(frame_refcount(a), 1);
        l2[8] = saved;
        expect(&P, 4096 + 7, a, RWX);
        assert_int_equal(p2m_unmap(&P, 4096, 9), 0);
        expect_none(&P, 4096 + 7);
        assert_true(check_all(&P, NULL));
    }
}

static void test_set_access(void **state)
{
    mfn_t m = ram(DOM, 0), big = ram(DOM, 9), a = ram(DOM, 0);
    struct p2m uninit = { .root = INVALID_MFN };
    (void)state;

    assert_int_equal(p2m_set_access(&P, 4, 0, R), -XEN_ENOENT);
    assert_int_equal(p2m_map(&P, 4, m, 0, RWX), 0);
    assert_int_equal(p2m_set_access(&P, 4, 0, 0), -XEN_EINVAL);
    assert_int_equal(p2m_set_access(&P, 4, 0, P2M_ACCESS_X), -XEN_EINVAL);
    assert_int_equal(p2m_set_access(&P, 4, 2, R), -XEN_EINVAL);
    assert_int_equal(p2m_set_access(&uninit, 4, 0, R), -XEN_EINVAL);
    assert_int_equal(p2m_set_access(&P, 4, 0, R | P2M_ACCESS_W), 0);
    expect(&P, 4, m, R | P2M_ACCESS_W);
    assert_int_equal(frame_refcount(m), 1);
    assert_int_equal(p2m_set_access(&P, 5, 0, R), -XEN_ENOENT);
    /* 2 MiB leaf, whole. */
    assert_int_equal(p2m_map(&P, 512, big, 9, RWX), 0);
    assert_int_equal(p2m_set_access(&P, 512, 9, R), 0);
    expect(&P, 700, big + 188, R);
    assert_int_equal(P.nr_tables, 4);
    /* 4 KiB inside it: split, only that page changes. */
    assert_int_equal(p2m_set_access(&P, 700, 0, RWX), 0);
    assert_int_equal(P.nr_tables, 5);
    expect(&P, 700, big + 188, RWX);
    expect(&P, 701, big + 189, R);
    expect(&P, 512, big, R);
    /* 2 MiB over a table of 4 KiB leaves: each present one changes. */
    assert_int_equal(p2m_set_access(&P, 512, 9, R | P2M_ACCESS_X), 0);
    expect(&P, 700, big + 188, R | P2M_ACCESS_X);
    expect(&P, 1023, big + 511, R | P2M_ACCESS_X);
    assert_int_equal(p2m_set_access(&P, 1024, 9, R), -XEN_ENOENT);
    assert_int_equal(p2m_map(&P, 1536 + 2, a, 0, RWX), 0);
    assert_int_equal(p2m_unmap(&P, 1536 + 2, 0), 0);
    assert_int_equal(p2m_set_access(&P, 1536, 9, R), -XEN_ENOENT);   /* empty L1 */
    assert_true(check_all(&P, NULL));
    /* A present level-2 entry the CPU follows neither as a table nor as a
     * leaf (NPT, U/S clear): a 2 MiB set_access is refused and writes
     * nothing, neither the entry nor the page it names. */
    {
        uint64_t *l2, *l1, saved, word;

        assert_int_equal(p2m_map(&P, 2048 + 5, a, 0, RWX), 0);
        l2 = tab(pte_mfn(tab(pte_mfn(tab(P.root)[0]))[0]));
        l1 = tab(pte_mfn(l2[4]));
        saved = l2[4];
        word = l1[5];
        l2[4] = saved & ~4ULL;
        assert_int_equal(p2m_set_access(&P, 2048, 9, R), -XEN_EINVAL);
        assert_int_equal(l2[4], saved & ~4ULL);
        assert_int_equal(l1[5], word);
        l2[4] = saved;
        expect(&P, 2048 + 5, a, RWX);
        assert_int_equal(p2m_set_access(&P, 2048, 9, R), 0);
        expect(&P, 2048 + 5, a, R);
        assert_true(check_all(&P, NULL));
    }
}

static void test_lookup_edges(void **state)
{
    struct p2m uninit = { .root = INVALID_MFN };
    mfn_t m = ram(DOM, 0), got;
    unsigned acc;
    (void)state;

    assert_int_equal(p2m_lookup(&uninit, 0, &got, &acc), -XEN_ENOENT);
    assert_int_equal(p2m_lookup(&P, P2M_MAX_GFN + 1, &got, &acc), -XEN_ENOENT);
    assert_int_equal(p2m_map(&P, P2M_MAX_GFN, m, 0, RWX), 0);
    expect(&P, P2M_MAX_GFN, m, RWX);
    /* PS in a level-4 entry is reserved: not a translation. */
    tab(P.root)[3] = (m << 12) | 0x87;
    assert_int_equal(p2m_lookup(&P, 3ULL << 27, &got, &acc), -XEN_ENOENT);
    tab(P.root)[3] = 0;
    assert_true(check_all(&P, NULL));
}

static void test_ept(void **state)
{
    struct p2m e;
    mfn_t m = ram(OTHER, 0), big = ram(OTHER, 9);
    uint64_t *l1;
    (void)state;

    assert_int_equal(p2m_init(&e, OTHER, PTE_FORMAT_EPT), 0);
    assert_int_equal(p2m_map(&e, 1, m, 0, P2M_ACCESS_X), 0);           /* execute-only */
    l1 = tab(pte_mfn(tab(pte_mfn(tab(pte_mfn(tab(e.root)[0]))[0]))[0]));
    assert_int_equal(l1[1], (m << 12) | 0x34);                          /* X | WB */
    expect(&e, 1, m, P2M_ACCESS_X);
    assert_int_equal(p2m_map(&e, 512, big, 9, RWX), 0);
    assert_int_equal(p2m_unmap(&e, 512 + 9, 0), 0);
    expect(&e, 512 + 10, big + 10, RWX);
    assert_int_equal(p2m_set_access(&e, 512 + 11, 0, R), 0);
    expect(&e, 512 + 11, big + 11, R);
    assert_int_equal(p2m_set_access(&e, 512 + 11, 0, P2M_ACCESS_W), -XEN_EINVAL);
    assert_true(check_all(&P, &e));
    assert_int_equal(p2m_teardown(&e), 0);
    assert_true(check_all(&P, &e));
}

static void test_teardown(void **state)
{
    mfn_t big = ram(DOM, 9), m = ram(DOM, 0);
    mfn_t free_before;
    (void)state;

    assert_int_equal(p2m_map(&P, 0, big, 9, RWX), 0);
    assert_int_equal(p2m_unmap(&P, 17, 0), 0);          /* split */
    assert_int_equal(p2m_map(&P, 1ULL << 30, m, 0, RWX), 0);
    assert_int_equal(p2m_map(&P, (1ULL << 30) + 1, m, 0, RWX), 0);
    assert_int_equal(P.nr_tables, 7);
    free_before = frame_free_count();
    assert_int_equal(p2m_teardown(&P), 0);
    assert_int_equal(frame_free_count(), free_before + 7);
    assert_int_equal(P.root, INVALID_MFN);
    assert_int_equal(P.nr_tables, 0);
    assert_int_equal(frame_refcount(m), 0);
    for (mfn_t i = 0; i < 512; i++)
        assert_int_equal(frame_refcount(big + i), 0);
    expect_none(&P, 0);
    assert_int_equal(p2m_teardown(&P), 0);              /* idempotent */
    assert_true(check_all(&P, NULL));
}

static void test_checker_catches(void **state)
{
    mfn_t m = ram(DOM, 0), foreign = ram(OTHER, 0);
    uint64_t *l1, saved;
    (void)state;

    assert_int_equal(p2m_map(&P, 0, m, 0, RWX), 0);
    assert_true(check_all(&P, NULL));
    l1 = tab(pte_mfn(tab(pte_mfn(tab(pte_mfn(tab(P.root)[0]))[0]))[0]));
    saved = l1[0];
    /* A leaf pointing at another domain's frame. */
    l1[0] = pte_make_leaf(PTE_FORMAT_NPT, foreign, RWX, false);
    assert_false(check_all(&P, NULL));
    /* ... at a hypervisor frame, at a table page, beyond the table. */
    l1[0] = pte_make_leaf(PTE_FORMAT_NPT, 2, RWX, false);
    assert_false(check_all(&P, NULL));
    l1[0] = pte_make_leaf(PTE_FORMAT_NPT, P.root, RWX, false);
    assert_false(check_all(&P, NULL));
    l1[0] = pte_make_leaf(PTE_FORMAT_NPT, NR + 5, RWX, false);
    assert_false(check_all(&P, NULL));
    l1[0] = saved;
    assert_true(check_all(&P, NULL));
    /* A loop: a table entry pointing back at the root. */
    tab(P.root)[5] = pte_make_table(PTE_FORMAT_NPT, P.root);
    assert_false(check_all(&P, NULL));
    tab(P.root)[5] = 0;
    /* A 1 GiB leaf (here at level 4, where PS is reserved too). */
    tab(P.root)[6] = pte_make_leaf(PTE_FORMAT_NPT, 0, RWX, true);
    assert_false(check_all(&P, NULL));
    tab(P.root)[6] = 0;
    /* Entries the CPU refuses although P is set: no U/S, reserved bits. */
    l1[0] = saved & ~0x4ULL;
    assert_false(check_all(&P, NULL));
    l1[0] = saved;
    {
        uint64_t *l2 = tab(pte_mfn(tab(pte_mfn(tab(P.root)[0]))[0]));
        uint64_t keep = l2[0];

        l2[0] = pte_make_leaf(PTE_FORMAT_NPT, 512, RWX, true) | 1ULL << 13;  /* 2 MiB, bit 13 */
        assert_false(check_all(&P, NULL));
        l2[0] = keep;
    }
    assert_true(check_all(&P, NULL));
    /* Wrong counters. */
    P.nr_mapped++;
    assert_false(check_all(&P, NULL));
    P.nr_mapped--;
    P.nr_tables++;
    assert_false(check_all(&P, NULL));
    P.nr_tables--;
    /* A reference count that disagrees with the tables. */
    frame_heap.table[m].refcount++;
    assert_false(check_all(&P, NULL));
    frame_heap.table[m].refcount--;
    /* A table page that is not the owner's (I3 for the tables, which the
     * proofs show every change keeps): another domain's, or free. */
    {
        mfn_t l1_mfn = pte_mfn(tab(pte_mfn(tab(pte_mfn(tab(P.root)[0]))[0]))[0]);

        memset(counts, 0, sizeof(counts));
        assert_true(p2m_check(&P, counts, NR));
        frame_heap.table[l1_mfn].owner = OTHER;
        memset(counts, 0, sizeof(counts));
        assert_false(p2m_check(&P, counts, NR));
        frame_heap.table[l1_mfn].owner = DOM;
        frame_heap.table[P.root].owner = FRAME_OWNER_FREE;
        memset(counts, 0, sizeof(counts));
        assert_false(p2m_check(&P, counts, NR));
        frame_heap.table[P.root].owner = DOM;
        assert_true(check_all(&P, NULL));
    }
    /* A free frame typed, a hypervisor frame typed as guest RAM. */
    frame_heap.table[2].type = FRAME_TYPE_GUEST_RAM;
    assert_false(check_all(&P, NULL));
    frame_heap.table[2].type = FRAME_TYPE_RESERVED;
    assert_true(check_all(&P, NULL));
    assert_false(frame_ref_check_counts(counts, NR - 1));
    struct p2m none = { .root = INVALID_MFN, .nr_tables = 1 };
    assert_false(p2m_check(&none, counts, NR));
}

/* Tables that are not what p2m.c writes: errors, never crashes. */
static void test_corrupt_tables(void **state)
{
    mfn_t m = ram(DOM, 0), got;
    unsigned acc;
    uint64_t *l2;
    (void)state;

    /* A table entry pointing beyond machine memory. */
    tab(P.root)[0] = pte_make_table(PTE_FORMAT_NPT, NR + 5);
    assert_int_equal(p2m_lookup(&P, 0, &got, &acc), -XEN_ENOENT);
    assert_int_equal(p2m_map(&P, 0, m, 0, RWX), -XEN_EINVAL);
    assert_int_equal(p2m_unmap(&P, 0, 0), -XEN_ENOENT);
    tab(P.root)[0] = 0;
    /* A level-2 entry pointing beyond machine memory. */
    assert_int_equal(p2m_map(&P, 0, m, 0, RWX), 0);
    l2 = tab(pte_mfn(tab(pte_mfn(tab(P.root)[0]))[0]));
    l2[1] = pte_make_table(PTE_FORMAT_NPT, NR + 7);
    assert_int_equal(p2m_unmap(&P, 512, 9), -XEN_ENOENT);
    assert_int_equal(p2m_set_access(&P, 512, 9, R), -XEN_ENOENT);
    {
        /* A 2 MiB map would replace a level-1 table it cannot read: refused. */
        mfn_t big = ram(DOM, 9);

        assert_int_equal(p2m_map(&P, 512, big, 9, RWX), -XEN_EINVAL);
        assert_int_equal(frame_refcount(big), 0);
        assert_int_equal(l2[1], pte_make_table(PTE_FORMAT_NPT, NR + 7));
    }
    l2[1] = 0;
    assert_true(check_all(&P, NULL));
    /* Teardown reports what it could not undo and frees the rest. */
    tab(P.root)[1] = pte_make_table(PTE_FORMAT_NPT, NR + 5);            /* unmappable table */
    tab(P.root)[2] = pte_make_leaf(PTE_FORMAT_NPT, m, RWX, true);        /* 1 GiB leaf */
    l2[2] = pte_make_leaf(PTE_FORMAT_NPT, ram(DOM, 9), RWX, true);       /* leaf without references */
    assert_int_equal(p2m_teardown(&P), -XEN_EINVAL);
    assert_int_equal(P.root, INVALID_MFN);
    assert_int_equal(frame_refcount(m), 0);
    for (mfn_t i = FIRST; i < NR; i++)
        assert_true(frame_type(i) != FRAME_TYPE_P2M_TABLE);
}

/*
 * A present table entry the CPU refuses (NPT without U/S; EPT with reserved
 * bits 6:3 set): the writing side follows the CPU's reading of the path, so
 * it refuses too and changes nothing, rather than writing below an entry
 * that hides what it writes.  Restoring the entry makes everything work again.
 */
static void expect_refused_below(struct p2m *p, uint64_t *slot, uint64_t bad, mfn_t spare)
{
    uint64_t good = *slot;
    mfn_t m = 0;
    unsigned acc = 0;

    assert_int_equal(p2m_lookup(p, 0, &m, &acc), 0);
    *slot = bad;
    assert_int_equal(p2m_lookup(p, 0, &m, &acc), -XEN_ENOENT);
    assert_int_equal(p2m_map(p, 1, spare, 0, RWX), -XEN_EINVAL);
    assert_int_equal(frame_refcount(spare), 0);
    assert_int_equal(p2m_unmap(p, 0, 0), -XEN_ENOENT);
    assert_int_equal(p2m_set_access(p, 0, 0, R), -XEN_ENOENT);
    assert_int_equal(*slot, bad);
    *slot = good;
    assert_int_equal(p2m_lookup(p, 0, &m, &acc), 0);
    expect_none(p, 1);
}

static void test_refused_entry_on_path(void **state)
{
    struct p2m e;
    mfn_t m = ram(DOM, 0), spare = ram(DOM, 0), em = ram(OTHER, 0), espare = ram(OTHER, 0);
    uint64_t *l3;
    (void)state;

    assert_int_equal(p2m_map(&P, 0, m, 0, RWX), 0);
    expect_refused_below(&P, &tab(P.root)[0], tab(P.root)[0] & ~4ULL, spare);   /* U/S clear */
    l3 = tab(pte_mfn(tab(P.root)[0]));
    expect_refused_below(&P, &l3[0], l3[0] & ~4ULL, spare);
    assert_true(check_all(&P, NULL));

    assert_int_equal(p2m_init(&e, OTHER, PTE_FORMAT_EPT), 0);
    assert_int_equal(p2m_map(&e, 0, em, 0, RWX), 0);
    l3 = tab(pte_mfn(tab(e.root)[0]));
    expect_refused_below(&e, &l3[0], l3[0] | 0x8ULL, espare);                   /* bit 3: reserved */
    expect_refused_below(&e, &tab(e.root)[0], tab(e.root)[0] | 0x80ULL, espare); /* bit 7 at level 4 */
    assert_true(check_all(&P, &e));
    assert_int_equal(p2m_teardown(&e), 0);
}

/*
 * Entries p2m.c never writes make the writing side refuse before it changes
 * anything: a 2 MiB EPT leaf whose rights no 4 KiB leaf may carry (write
 * without read) cannot be split, and a struct p2m whose format is neither
 * NPT nor EPT is not touched.
 */
static void test_unsplittable_and_bad_format(void **state)
{
    struct p2m e;
    mfn_t big = ram(OTHER, 9), m = ram(OTHER, 0);
    uint64_t *l2, leaf;
    uint64_t tables;
    (void)state;

    assert_int_equal(p2m_init(&e, OTHER, PTE_FORMAT_EPT), 0);
    assert_int_equal(p2m_map(&e, 512, big, 9, RWX), 0);
    l2 = tab(pte_mfn(tab(pte_mfn(tab(e.root)[0]))[0]));
    leaf = (l2[1] & ~7ULL) | P2M_ACCESS_W;          /* EPT W without R: a misconfiguration */
    l2[1] = leaf;
    tables = e.nr_tables;
    assert_int_equal(p2m_unmap(&e, 512 + 5, 0), -XEN_EINVAL);
    assert_int_equal(p2m_set_access(&e, 512 + 5, 0, R), -XEN_EINVAL);
    assert_int_equal(p2m_map(&e, 512 + 5, m, 0, RWX), -XEN_EINVAL);
    assert_int_equal(l2[1], leaf);
    assert_int_equal(e.nr_tables, tables);
    assert_int_equal(frame_refcount(m), 0);
    assert_int_equal(frame_refcount(big + 5), 1);
    l2[1] = (leaf & ~7ULL) | RWX;                    /* repaired: the split works again */
    assert_int_equal(p2m_unmap(&e, 512 + 5, 0), 0);
    assert_int_equal(frame_refcount(big + 5), 0);
    assert_int_equal(e.nr_tables, tables + 1);

    e.format = (enum pte_format)7;                   /* a struct p2m written by hand */
    assert_int_equal(p2m_unmap(&e, 512 + 6, 0), -XEN_EINVAL);
    assert_int_equal(p2m_set_access(&e, 512 + 6, 0, R), -XEN_EINVAL);
    assert_int_equal(p2m_map(&e, 0, m, 0, RWX), -XEN_EINVAL);
    assert_int_equal(frame_refcount(big + 6), 1);
    e.format = PTE_FORMAT_EPT;
    assert_true(check_all(&P, &e));
    assert_int_equal(p2m_teardown(&e), 0);
    assert_true(check_all(&P, &e));
}

/* ---- lookups as the hardware walks: hand-built tables against the reference ---------------- */

static uint64_t seed = 0x243F6A8885A308D3ULL;

static uint64_t rnd(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return seed;
}

/* A zeroed page for hand-built entries. */
static mfn_t raw_table(void)
{
    mfn_t t = frame_alloc(0, DOM);

    assert_true(t != INVALID_MFN);
    memset(sim_frame(t), 0, PAGE_SIZE);
    return t;
}

/*
 * p2m_lookup, a fresh cursor and the shared cursor `c` (when not NULL) must
 * all say what the reference's nested walk says: the same frame (which must
 * exist) and the same rights, or nothing ("no right left" included).
 * Returns whether gfn translates.
 */
static bool agree(const struct p2m *p, struct p2m_cursor *c, gfn_t g)
{
    struct ref_npt npt = { p->root, p->format == PTE_FORMAT_EPT };
    struct p2m_cursor fresh;
    uint64_t maddr = 0;
    unsigned rights = 0, acc = 0, acc2 = 0;
    mfn_t m = 0, m2 = 0;
    bool ref = ref_npt_translate(&npt, g << PAGE_SHIFT, &maddr, &rights) && rights != 0;
    int rc = p2m_lookup(p, g, &m, &acc);
    bool core = rc == 0 && sim_frame(m) != NULL;

    assert_true(rc == 0 || rc == -XEN_ENOENT);
    if (core != ref)
        fprintf(stderr, "gfn %llx: core rc %d m %llx acc %u, ref rights %u maddr %llx\n",
                (unsigned long long)g, rc, (unsigned long long)m, acc, rights, (unsigned long long)maddr);
    assert_int_equal(core, ref);
    if (core) {
        assert_int_equal(m, maddr >> PAGE_SHIFT);
        assert_int_equal(acc, rights);
        assert_true(pte_access_valid(p->format, acc));
    }
    p2m_cursor_init(&fresh, p);
    assert_int_equal(p2m_cursor_lookup(&fresh, g, &m2, &acc2), rc);
    if (rc == 0)
        assert_true(m2 == m && acc2 == acc);
    if (c != NULL) {
        assert_int_equal(p2m_cursor_lookup(c, g, &m2, &acc2), rc);
        if (rc == 0)
            assert_true(m2 == m && acc2 == acc);
    }
    return core;
}

static void expect_rights(const struct p2m *p, gfn_t g, unsigned a)
{
    mfn_t m;
    unsigned acc = 0;

    assert_true(agree(p, NULL, g));
    assert_int_equal(p2m_lookup(p, g, &m, &acc), 0);
    assert_int_equal(acc, a);
}

/* Root -> l3 -> l2 -> l1 by hand, for gfn 0. */
struct chain {
    uint64_t *l4, *l3, *l2, *l1;
    mfn_t m3, m2, m1;
};

static void chain_build(const struct p2m *p, struct chain *ch)
{
    ch->m3 = raw_table();
    ch->m2 = raw_table();
    ch->m1 = raw_table();
    ch->l4 = tab(p->root);
    ch->l3 = tab(ch->m3);
    ch->l2 = tab(ch->m2);
    ch->l1 = tab(ch->m1);
}

/* NPT: every combination of P, RW, U/S and NX on each of the four levels. */
static void test_lookup_npt_matrix(void **state)
{
    static const uint64_t flag[4] = { 0x1, 0x2, 0x4, 0x8000000000000000ULL };
    mfn_t leaf = ram(DOM, 0);
    struct chain ch;
    unsigned mapped = 0;
    (void)state;

    chain_build(&P, &ch);
    for (unsigned combo = 0; combo < 1U << 16; combo++) {
        uint64_t f[4] = { 0, 0, 0, 0 };

        for (unsigned lv = 0; lv < 4; lv++)
            for (unsigned b = 0; b < 4; b++)
                if (combo & (1U << (lv * 4 + b)))
                    f[lv] |= flag[b];
        ch.l4[0] = (ch.m3 << 12) | f[0];
        ch.l3[0] = (ch.m2 << 12) | f[1];
        ch.l2[0] = (ch.m1 << 12) | f[2];
        ch.l1[7] = (leaf << 12) | f[3];
        mapped += agree(&P, NULL, 7) ? 1U : 0U;
    }
    /* Present with U/S on all four levels: 2^4 rights patterns of RW/NX each. */
    assert_int_equal(mapped, 1U << 8);
    /* A few spelled out: U/S missing anywhere -> nothing; W and X fold. */
    ch.l4[0] = (ch.m3 << 12) | 0x7;
    ch.l3[0] = (ch.m2 << 12) | 0x7;
    ch.l2[0] = (ch.m1 << 12) | 0x7;
    ch.l1[7] = (leaf << 12) | 0x7;
    expect_rights(&P, 7, RWX);
    ch.l3[0] &= ~0x4ULL;
    assert_false(agree(&P, NULL, 7));
    ch.l3[0] |= 0x4;
    ch.l4[0] &= ~0x2ULL;                                       /* read-only above */
    expect_rights(&P, 7, R | P2M_ACCESS_X);
    ch.l2[0] |= 0x8000000000000000ULL;                         /* NX above */
    expect_rights(&P, 7, R);
    ch.l1[7] &= ~0x1ULL;
    assert_false(agree(&P, NULL, 7));
}

/* NPT large leaves: 2 MiB, 1 GiB (translated like the CPU does), PS at level 4. */
static void test_lookup_npt_large(void **state)
{
    mfn_t big = ram(DOM, 9), got;
    unsigned acc;
    struct chain ch;
    (void)state;

    chain_build(&P, &ch);
    ch.l4[0] = (ch.m3 << 12) | 0x7;
    ch.l3[0] = (ch.m2 << 12) | 0x7;
    ch.l2[1] = (big << 12) | 0x80 | 0x5;                       /* 2 MiB read-execute */
    for (gfn_t g = 512; g < 1024; g += 37)
        expect_rights(&P, g, R | P2M_ACCESS_X);
    ch.l2[1] |= 1ULL << 12;                                    /* PAT: allowed, not address */
    assert_true(agree(&P, NULL, 600));
    assert_int_equal(p2m_lookup(&P, 600, &got, &acc), 0);
    assert_int_equal(got, big + 88);
    ch.l2[1] |= 1ULL << 13;                                    /* reserved bit 13 */
    assert_int_equal(p2m_lookup(&P, 600, &got, &acc), -XEN_ENOENT);
    ch.l2[1] = 0;
    /* 1 GiB at l3[1]: frames 0..262143, of which this machine has NR. */
    ch.l3[1] = 0x80 | 0x7;
    expect_rights(&P, 1ULL << 18, RWX);
    assert_true(agree(&P, NULL, (1ULL << 18) + NR - 1));
    assert_false(agree(&P, NULL, (1ULL << 18) + NR));           /* no such frame */
    assert_int_equal(p2m_lookup(&P, (1ULL << 18) + 5, &got, &acc), 0);
    assert_int_equal(got, 5);
    ch.l3[1] |= 1ULL << 29;                                    /* reserved bit 29 */
    assert_int_equal(p2m_lookup(&P, 1ULL << 18, &got, &acc), -XEN_ENOENT);
    ch.l3[1] = 0;
    /* PS at level 4 is reserved: the reference refuses it as well. */
    ch.l4[1] = 0x80 | 0x7;
    assert_false(agree(&P, NULL, 1ULL << 27));
    ch.l4[1] = 0;
}

/* EPT: every R/W/X combination on each level (W without R aside), memory types. */
static void test_lookup_ept_matrix(void **state)
{
    static const unsigned ok_rights[6] = { 0, 1, 3, 4, 5, 7 };
    static const unsigned ok_types[5] = { 0, 1, 4, 5, 6 };
    struct p2m e;
    mfn_t leaf = ram(OTHER, 0), got;
    unsigned acc, mapped = 0;
    struct chain ch;
    (void)state;

    assert_int_equal(p2m_init(&e, OTHER, PTE_FORMAT_EPT), 0);
    chain_build(&e, &ch);
    for (unsigned combo = 0; combo < 6 * 6 * 6 * 6; combo++) {
        unsigned c = combo;
        uint64_t r[4];

        for (unsigned lv = 0; lv < 4; lv++, c /= 6)
            r[lv] = ok_rights[c % 6];
        ch.l4[0] = (ch.m3 << 12) | r[0];
        ch.l3[0] = (ch.m2 << 12) | r[1];
        ch.l2[0] = (ch.m1 << 12) | r[2];
        ch.l1[7] = (leaf << 12) | ((uint64_t)ok_types[combo % 5] << 3) | r[3];
        mapped += agree(&e, NULL, 7) ? 1U : 0U;
    }
    assert_true(mapped > 0);
    ch.l4[0] = (ch.m3 << 12) | 7;
    ch.l3[0] = (ch.m2 << 12) | 5;                               /* R, X: no W below */
    ch.l2[0] = (ch.m1 << 12) | 7;
    ch.l1[7] = (leaf << 12) | 0x30 | 7;
    expect_rights(&e, 7, R | P2M_ACCESS_X);
    ch.l2[0] = (ch.m1 << 12) | 4;                               /* X only above an RW-only leaf */
    ch.l1[7] = (leaf << 12) | 0x30 | 3;
    assert_false(agree(&e, NULL, 7));                           /* no right in common */
    /* Misconfigurations the CPU exits on (the reference does not model them). */
    ch.l3[0] = (ch.m2 << 12) | 7;
    ch.l2[0] = (ch.m1 << 12) | 7;
    ch.l1[7] = (leaf << 12) | 0x30 | 7;
    expect_rights(&e, 7, RWX);
    ch.l1[7] = (leaf << 12) | 0x30 | 2;                         /* W without R */
    assert_int_equal(p2m_lookup(&e, 7, &got, &acc), -XEN_ENOENT);
    ch.l1[7] = (leaf << 12) | 0x30 | 6;                         /* W, X without R */
    assert_int_equal(p2m_lookup(&e, 7, &got, &acc), -XEN_ENOENT);
    ch.l3[0] = (ch.m2 << 12) | 2;
    ch.l1[7] = (leaf << 12) | 0x30 | 7;
    assert_int_equal(p2m_lookup(&e, 7, &got, &acc), -XEN_ENOENT);
    ch.l3[0] = (ch.m2 << 12) | 7;
    for (unsigned t = 0; t < 8; t++) {                          /* memory types 2, 3, 7 */
        ch.l1[7] = (leaf << 12) | ((uint64_t)t << 3) | 7;
        assert_int_equal(p2m_lookup(&e, 7, &got, &acc),
                         t == 2 || t == 3 || t == 7 ? -XEN_ENOENT : 0);
    }
    ch.l1[7] = (leaf << 12) | 0x30 | 7;
    ch.l2[0] |= 0x8;                                            /* bit 3 of a non-leaf entry */
    assert_int_equal(p2m_lookup(&e, 7, &got, &acc), -XEN_ENOENT);
    ch.l2[0] &= ~0x8ULL;
    ch.l4[0] |= 0x80;                                           /* bit 7 of a level-4 entry */
    assert_int_equal(p2m_lookup(&e, 7, &got, &acc), -XEN_ENOENT);
    ch.l4[0] &= ~0x80ULL;
    /* A 2 MiB EPT leaf: bits 20:12 reserved (no PAT bit in EPT). */
    {
        mfn_t big = ram(OTHER, 9);

        ch.l2[1] = (big << 12) | 0x80 | 0x30 | 7;
        expect_rights(&e, 512 + 3, RWX);
        ch.l2[1] |= 1ULL << 12;
        assert_int_equal(p2m_lookup(&e, 512 + 3, &got, &acc), -XEN_ENOENT);
        ch.l2[1] = 0;
    }
    expect_rights(&e, 7, RWX);
}

/*
 * Random tables made of the forms the reference models (NPT: any P/RW/US/NX,
 * large leaves aligned; EPT: rights other than W without R, valid memory
 * types): every gfn of the window agrees, looked up alone, through a fresh
 * cursor, and through one cursor in random order.
 */
static uint64_t random_entry(enum pte_format fmt, mfn_t target, bool leaf)
{
    static const unsigned ept_rights[7] = { 1, 3, 4, 5, 7, 7, 0 };
    static const unsigned ept_types[5] = { 0, 1, 4, 5, 6 };
    uint64_t r = rnd();

    if (fmt == PTE_FORMAT_EPT)
        return (target << 12) | ept_rights[r % 7] |
               (leaf ? (uint64_t)ept_types[(r >> 8) % 5] << 3 : 0);
    {
        uint64_t e = (uint64_t)target << 12;

        if (r % 8 != 0)
            e |= 1;                                   /* P (mostly) */
        e |= r & 0x6;                                 /* RW, U/S */
        if ((r >> 9) % 4 == 0)
            e |= 1ULL << 63;                          /* NX */
        return e;
    }
}

static void random_tables(const struct p2m *p, mfn_t *pages, unsigned n, mfn_t big)
{
    for (unsigned t = 0; t < n; t++) {
        uint64_t *tb = tab(pages[t]);

        for (unsigned i = 0; i < 8; i++) {
            unsigned pick = (unsigned)(rnd() % 10);
            uint64_t e;

            if (pick < 5)
                e = random_entry(p->format, pages[rnd() % n], false);     /* a table (any level) */
            else if (pick < 7)
                e = random_entry(p->format, FIRST + rnd() % (NR - FIRST), true);
            else if (pick < 9)   /* 2 MiB / 1 GiB / PS at 4, aligned for 1 GiB (no reserved bits) */
                e = random_entry(p->format, rnd() % 2 ? 0 : big, true) | 0x80;
            else
                e = 0;
            tb[i] = e;
        }
    }
}

static void test_lookup_random_agrees(void **state)
{
    unsigned mapped = 0, total = 0;
    (void)state;

    for (unsigned round = 0; round < 40; round++) {
        enum pte_format fmt = round % 2 ? PTE_FORMAT_EPT : PTE_FORMAT_NPT;
        struct p2m q;
        struct p2m_cursor c;
        mfn_t pages[6], big = round % 4 < 2 ? 0 : 1ULL << 18;   /* beyond machine memory */
        gfn_t window[64];

        assert_int_equal(p2m_init(&q, DOM, fmt), 0);
        pages[0] = q.root;
        for (unsigned i = 1; i < 6; i++)
            pages[i] = raw_table();
        random_tables(&q, pages, 6, big);
        /* gfns whose indices fall on the slots written (0..7 at each level). */
        for (unsigned i = 0; i < 64; i++)
            window[i] = ((rnd() % 8) << 27) | ((rnd() % 8) << 18) | ((rnd() % 8) << 9) |
                        (rnd() % 8 == 0 ? rnd() % 512 : rnd() % 8);
        p2m_cursor_init(&c, &q);
        for (unsigned i = 0; i < 64; i++, total++)
            mapped += agree(&q, &c, window[rnd() % 64]) ? 1U : 0U;
        for (unsigned i = 1; i < 6; i++)
            assert_int_equal(frame_free(pages[i], 0, DOM), 0);
        memset(tab(q.root), 0, PAGE_SIZE);
        assert_int_equal(p2m_teardown(&q), 0);
    }
    /* Both outcomes are well represented (about one in seven translates). */
    assert_true(mapped > total / 20 && mapped < total - total / 20);
}

/* A cursor answers like p2m_lookup, and gives up nothing on the way. */
static void test_cursor(void **state)
{
    mfn_t big = ram(DOM, 9), m = ram(DOM, 0), got;
    unsigned acc;
    struct p2m_cursor c;
    (void)state;

    assert_int_equal(p2m_map(&P, 512, big, 9, RWX), 0);
    assert_int_equal(p2m_map(&P, 3, m, 0, R), 0);
    p2m_cursor_init(&c, &P);
    assert_int_equal(c.region, P2M_CURSOR_NONE);
    assert_int_equal(p2m_cursor_lookup(&c, 3, &got, &acc), 0);
    assert_true(got == m && acc == R);
    assert_true(c.region == 0 && c.l1 != NULL);
    assert_int_equal(p2m_cursor_lookup(&c, 4, &got, &acc), -XEN_ENOENT);   /* same table */
    assert_int_equal(p2m_cursor_lookup(&c, 700, &got, &acc), 0);          /* the 2 MiB leaf */
    assert_true(got == big + 188 && acc == RWX);
    assert_true(c.region == 1 && c.l1 == NULL);
    assert_int_equal(p2m_cursor_lookup(&c, 513, &got, &acc), 0);
    assert_int_equal(got, big + 1);
    assert_int_equal(p2m_cursor_lookup(&c, 1ULL << 30, &got, &acc), -XEN_ENOENT);
    assert_int_equal(c.region, 1);                           /* a miss keeps the region */
    assert_int_equal(p2m_cursor_lookup(&c, P2M_MAX_GFN + 1, &got, &acc), -XEN_ENOENT);
    assert_int_equal(p2m_cursor_lookup(&c, ~0ULL, &got, &acc), -XEN_ENOENT);
    /* After a change, a new cursor sees it. */
    assert_int_equal(p2m_unmap(&P, 700, 0), 0);
    p2m_cursor_init(&c, &P);
    assert_int_equal(p2m_cursor_lookup(&c, 700, &got, &acc), -XEN_ENOENT);
    assert_int_equal(p2m_cursor_lookup(&c, 701, &got, &acc), 0);
    /* An uninitialised p2m. */
    {
        struct p2m none = { .root = INVALID_MFN };

        p2m_cursor_init(&c, &none);
        assert_int_equal(p2m_cursor_lookup(&c, 0, &got, &acc), -XEN_ENOENT);
    }
    /* A hand-made struct (no kept root mapping) or a changed root: the HAL is asked. */
    {
        struct p2m copy = P;

        copy.root_map = NULL;
        expect(&copy, 3, m, R);
        copy.root_map = P.root_map;
        copy.root_map_mfn = P.root + 1;
        expect(&copy, 3, m, R);
    }
    assert_true(check_all(&P, NULL));
}

/*
 * The entry classifiers in hv/pte.h compute with bit weights; check them
 * against the mask-and-shift statement of the same hardware rules, on
 * every low-bit pattern combined with random high bits.
 */
static enum pte_hw_kind ref_npt_kind(unsigned level, uint64_t e)
{
    if ((e & 0x5ULL) != 0x5ULL)
        return PTE_HW_BAD;
    if (level == 1)
        return PTE_HW_LEAF;
    if ((e & 0x80ULL) == 0)
        return PTE_HW_TABLE;
    if (level == 4)
        return PTE_HW_BAD;
    return (e & (level == 3 ? 0x3FFFE000ULL : 0x1FE000ULL)) != 0 ? PTE_HW_BAD : PTE_HW_LEAF;
}

static enum pte_hw_kind ref_ept_kind(unsigned level, uint64_t e)
{
    if (((0x45U >> (e & 7U)) & 1U) != 0)
        return PTE_HW_BAD;
    if (level == 4)
        return (e & 0xF8ULL) != 0 ? PTE_HW_BAD : PTE_HW_TABLE;
    if (level != 1 && (e & 0x80ULL) == 0)
        return (e & 0x78ULL) != 0 ? PTE_HW_BAD : PTE_HW_TABLE;
    if (((0x8CU >> ((e >> 3) & 7U)) & 1U) != 0)
        return PTE_HW_BAD;
    if (level == 1)
        return PTE_HW_LEAF;
    return (e & (level == 3 ? 0x3FFFF000ULL : 0x1FF000ULL)) != 0 ? PTE_HW_BAD : PTE_HW_LEAF;
}

static void test_hw_kind_matches_masks(void **state)
{
    (void)state;
    uint64_t x = 0x9E3779B97F4A7C15ULL;

    for (uint64_t low = 0; low < 0x400000ULL; low += 0x3FU) {
        uint64_t e;

        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        /* low 22 bits walked, high bits random or clear, bit 63 both ways */
        e = (low & 0x3FFFFFULL) | ((low & 1U) != 0 ? (x & ~0x3FFFFFULL) : 0);
        for (unsigned level = 1; level <= 4; level++) {
            assert_int_equal(pte_hw_kind(PTE_FORMAT_NPT, level, e), ref_npt_kind(level, e));
            assert_int_equal(pte_hw_kind(PTE_FORMAT_EPT, level, e), ref_ept_kind(level, e));
        }
        assert_int_equal(pte_hw_rights(PTE_FORMAT_EPT, e), (unsigned)(e & 7U));
        assert_int_equal(pte_hw_rights(PTE_FORMAT_NPT, e),
                         1U | (unsigned)(e & 2U) | ((e >> 63) != 0 ? 4U : 0U));
        assert_int_equal(pte_mfn_1g(e), (e & 0x000FFFFFC0000000ULL) >> 12);
        for (unsigned level = 1; level <= 4; level++)
            assert_int_equal(p2m_table_index(e, level), (unsigned)((e >> (9 * (level - 1))) & 511U));
    }
}

/* A fold whose EPT rights are W without R (no accepted entries give one)
 * or empty grants nothing; NPT always grants R. */
static void test_hw_result_refuses_bad_folds(void **state)
{
    (void)state;
    mfn_t m = 77;
    unsigned a = 9;

    assert_int_equal(p2m_hw_result(PTE_FORMAT_EPT, 0, 5, &m, &a), -XEN_ENOENT);
    assert_int_equal(p2m_hw_result(PTE_FORMAT_EPT, 2, 5, &m, &a), -XEN_ENOENT);
    assert_int_equal(p2m_hw_result(PTE_FORMAT_EPT, 6, 5, &m, &a), -XEN_ENOENT);
    assert_int_equal(m, 77);
    assert_int_equal(a, 9);
    assert_int_equal(p2m_hw_result(PTE_FORMAT_EPT, 4, 5, &m, &a), 0);
    assert_int_equal(m, 5);
    assert_int_equal(a, P2M_ACCESS_X);
    assert_int_equal(p2m_hw_result(PTE_FORMAT_NPT, 0, 6, &m, &a), 0);
    assert_int_equal(a, P2M_ACCESS_R);
    assert_int_equal(p2m_hw_result(PTE_FORMAT_NPT, PTE_NPT_NX | 2U, 6, &m, &a), 0);
    assert_int_equal(a, P2M_ACCESS_RWX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hw_kind_matches_masks),
        cmocka_unit_test(test_hw_result_refuses_bad_folds),
        cmocka_unit_test_setup(test_init, setup),
        cmocka_unit_test_setup(test_map_4k_entries, setup),
        cmocka_unit_test_setup(test_map_errors, setup),
        cmocka_unit_test_setup(test_map_oom, setup),
        cmocka_unit_test_setup(test_map_oom_exact, setup),
        cmocka_unit_test_setup(test_map_2m, setup),
        cmocka_unit_test_setup(test_map_2m_over_empty_l1, setup),
        cmocka_unit_test_setup(test_map_fresh_tables, setup),
        cmocka_unit_test_setup(test_map_replaces_4k, setup),
        cmocka_unit_test_setup(test_map_4k_splits_2m, setup),
        cmocka_unit_test_setup(test_map_4k_in_2m_oom, setup),
        cmocka_unit_test_setup(test_map_2m_replaces, setup),
        cmocka_unit_test_setup(test_unmap_4k, setup),
        cmocka_unit_test_setup(test_unmap_split, setup),
        cmocka_unit_test_setup(test_split_oom, setup),
        cmocka_unit_test_setup(test_unmap_2m, setup),
        cmocka_unit_test_setup(test_set_access, setup),
        cmocka_unit_test_setup(test_lookup_edges, setup),
        cmocka_unit_test_setup(test_ept, setup),
        cmocka_unit_test_setup(test_teardown, setup),
        cmocka_unit_test_setup(test_checker_catches, setup),
        cmocka_unit_test_setup(test_corrupt_tables, setup),
        cmocka_unit_test_setup(test_refused_entry_on_path, setup),
        cmocka_unit_test_setup(test_lookup_npt_matrix, setup),
        cmocka_unit_test_setup(test_lookup_npt_large, setup),
        cmocka_unit_test_setup(test_lookup_ept_matrix, setup),
        cmocka_unit_test_setup(test_lookup_random_agrees, setup),
        cmocka_unit_test_setup(test_cursor, setup),
        cmocka_unit_test_setup(test_unsplittable_and_bad_format, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
