// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the p2m: every operation and error code, the exact entries
 * written into simulated machine memory, 2 MiB splits, table accounting,
 * out-of-memory in the middle of an operation, teardown, and the checker's
 * failure paths (tables corrupted on purpose).  After every successful step
 * the full checker (p2m_check + frame_ref_check_counts + the allocator's own
 * check) must pass.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "hv/p2m.h"
#include "xen/errno.h"
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
    sim_reset(NR);
    assert_int_equal(frame_init(table, sizeof(table), NR), 0);
    assert_int_equal(frame_add_free(FIRST, NR - FIRST), 0);
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
    assert_int_equal(p2m_init(&q, OTHER, PTE_FORMAT_EPT), -XEN_ENOMEM);
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

    assert_int_equal(p2m_map(&P, 5, m, 0, RWX), 0);
    before = P.nr_tables;
    assert_int_equal(p2m_map(&P, 5, m, 0, RWX), -XEN_EEXIST);            /* already mapped */
    assert_int_equal(p2m_map(&P, 0, big, 9, RWX), -XEN_EEXIST);          /* L1 table not empty */
    assert_int_equal(p2m_map(&P, 1024, big, 9, RWX), 0);
    assert_int_equal(p2m_map(&P, 1024, big, 9, RWX), -XEN_EEXIST);       /* 2 MiB over 2 MiB */
    assert_int_equal(p2m_map(&P, 1030, m, 0, RWX), -XEN_EEXIST);         /* 4 KiB inside 2 MiB */
    assert_int_equal(P.nr_tables, before);
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
    /* A 1 GiB leaf (never written by p2m.c) is not a translation. */
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
    /* A 1 GiB leaf. */
    tab(P.root)[6] = pte_make_leaf(PTE_FORMAT_NPT, 0, RWX, true);
    assert_false(check_all(&P, NULL));
    tab(P.root)[6] = 0;
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_init, setup),
        cmocka_unit_test_setup(test_map_4k_entries, setup),
        cmocka_unit_test_setup(test_map_errors, setup),
        cmocka_unit_test_setup(test_map_oom, setup),
        cmocka_unit_test_setup(test_map_oom_exact, setup),
        cmocka_unit_test_setup(test_map_2m, setup),
        cmocka_unit_test_setup(test_map_2m_over_empty_l1, setup),
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
