// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of domain memory management: the bounded table, populate
 * (4 KiB and 2 MiB, all or nothing), unmapped RAM, the p2m wrappers, grant
 * mappings at the domain level (foreign leaves, nr_granted, destroy refused
 * while another domain maps a frame), destroy returning every frame
 * scrubbed, and each error code.  The whole-system checker
 * (domain_check_invariants) runs after every step.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "hv/domain.h"
#include "hv/grant_table.h"
#include "xen/errno.h"
#include "fixture_machine.h"
#include "sim.h"

#define NR    8192U      /* 32 MiB */
#define FIRST 16U
#define RWX   P2M_ACCESS_RWX

static struct frame_desc table[NR];
static uint32_t scratch[NR];
static mfn_t initial_free;

static void check(void)
{
    assert_true(domain_check_invariants(scratch, NR));
}

static int setup(void **state)
{
    (void)state;
    fixture_machine(table, sizeof(table), NR, FIRST);
    grant_reset();
    initial_free = frame_free_count();
    check();
    return 0;
}

static void exhaust(unsigned left)
{
    while (frame_free_count() > left)
        assert_true(frame_alloc(0, DOMID_XEN) != INVALID_MFN);
}

static void test_create(void **state)
{
    (void)state;
    assert_int_equal(domain_create(DOMID_XEN, 10, PTE_FORMAT_NPT), -XEN_EINVAL);
    assert_int_equal(domain_create(DOMID_FIRST_RESERVED, 10, PTE_FORMAT_NPT), -XEN_EINVAL);
    assert_int_equal(domain_create(1, 0, PTE_FORMAT_NPT), -XEN_EINVAL);
    assert_int_equal(domain_create(1, 10, (enum pte_format)3), -XEN_EINVAL);
    assert_null(domain_find(1));
    assert_int_equal(domain_create(1, 10, PTE_FORMAT_NPT), 0);
    assert_int_equal(domain_create(1, 10, PTE_FORMAT_EPT), -XEN_EEXIST);
    assert_non_null(domain_find(1));
    assert_int_equal(domain_find(1)->p2m.nr_tables, 1);
    assert_int_equal(frame_owner(domain_find(1)->p2m.root), 1);
    for (domid_t d = 2; d <= DOMAIN_MAX; d++)
        assert_int_equal(domain_create(d, 10, PTE_FORMAT_EPT), 0);
    assert_int_equal(domain_create(100, 10, PTE_FORMAT_NPT), -XEN_ENOSPC);
    check();
    assert_int_equal(domain_destroy(3), 0);
    exhaust(0);
    assert_int_equal(domain_create(100, 10, PTE_FORMAT_NPT), -XEN_ENOMEM);
    assert_null(domain_find(100));
    check();
}

static void test_populate_4k(void **state)
{
    struct domain *d;
    mfn_t m;
    unsigned a;
    (void)state;

    assert_int_equal(domain_populate(1, 0, 1, 0), -XEN_ESRCH);
    assert_int_equal(domain_create(1, 100, PTE_FORMAT_NPT), 0);
    d = domain_find(1);
    assert_int_equal(domain_populate(1, 0, 1, 1), -XEN_EINVAL);
    assert_int_equal(domain_populate(1, 0, 0, 0), -XEN_EINVAL);
    assert_int_equal(domain_populate(1, P2M_MAX_GFN, 2, 0), -XEN_EINVAL);
    assert_int_equal(domain_populate(1, P2M_MAX_GFN + 1, 1, 0), -XEN_EINVAL);
    assert_int_equal(domain_populate(1, 0, 101, 0), -XEN_ENOMEM);   /* beyond max_pages */
    assert_int_equal(domain_populate(1, 0x100, 64, 0), 0);
    assert_int_equal(d->tot_pages, 64);
    for (gfn_t g = 0x100; g < 0x140; g++) {
        assert_int_equal(domain_lookup(1, g, &m, &a), 0);
        assert_int_equal(a, RWX);
        assert_int_equal(frame_owner(m), 1);
        assert_int_equal(frame_type(m), FRAME_TYPE_GUEST_RAM);
        assert_int_equal(frame_refcount(m), 1);
    }
    assert_int_equal(domain_lookup(1, 0x140, &m, &a), -XEN_ENOENT);
    assert_int_equal(domain_populate(1, 0x13F, 2, 0), -XEN_EEXIST);
    assert_int_equal(d->tot_pages, 64);
    assert_int_equal(domain_populate(1, P2M_MAX_GFN, 1, 0), 0);       /* the last gfn */
    assert_int_equal(domain_populate(1, 0, 35, 0), 0);                /* exactly max_pages */
    assert_int_equal(domain_populate(1, 0x200, 1, 0), -XEN_ENOMEM);
    check();
}

static void test_populate_2m(void **state)
{
    struct domain *d;
    mfn_t m, m2;
    unsigned a;
    (void)state;

    assert_int_equal(domain_create(2, 2048, PTE_FORMAT_EPT), 0);
    d = domain_find(2);
    assert_int_equal(domain_populate(2, 1, 1, 9), -XEN_EINVAL);       /* not 2 MiB aligned */
    assert_int_equal(domain_populate(2, 512, 2, 9), 0);
    assert_int_equal(d->tot_pages, 1024);
    assert_int_equal(d->p2m.nr_tables, 3);
    assert_int_equal(domain_lookup(2, 512 + 77, &m, &a), 0);
    assert_int_equal(domain_lookup(2, 512, &m2, &a), 0);
    assert_int_equal(m, m2 + 77);
    assert_int_equal(m2 % 512, 0);
    assert_int_equal(domain_populate(2, 0, 2, 9), -XEN_EEXIST);       /* second extent overlaps */
    assert_int_equal(domain_populate(2, 2048, 3, 9), -XEN_ENOMEM);    /* 1536 > 2048 - 1024 */
    assert_int_equal(d->tot_pages, 1024);
    check();
}

static void test_populate_rollback(void **state)
{
    struct domain *d;
    mfn_t m;
    unsigned a, tables;
    (void)state;

    assert_int_equal(domain_create(1, 4096, PTE_FORMAT_NPT), 0);
    d = domain_find(1);
    assert_int_equal(domain_populate(1, 0, 1, 0), 0);   /* tables for gfns 0..511 exist */
    tables = (unsigned)d->p2m.nr_tables;
    exhaust(10);
    /* Ten frames: gfns 1..10 fit, the eleventh extent does not. */
    assert_int_equal(domain_populate(1, 1, 11, 0), -XEN_ENOMEM);
    assert_int_equal(d->tot_pages, 1);
    assert_int_equal(frame_free_count(), 10);
    for (gfn_t g = 1; g < 12; g++)
        assert_int_equal(domain_lookup(1, g, &m, &a), -XEN_ENOENT);
    assert_int_equal(d->p2m.nr_tables, tables);
    check();
    /* Out of frames half-way: gfns 512.. need a new L1 table, so ten frames
     * hold that table and nine pages; the tenth extent fails and the nine go back. */
    assert_int_equal(domain_populate(1, 512, 10, 0), -XEN_ENOMEM);
    assert_int_equal(d->tot_pages, 1);
    for (gfn_t g = 512; g < 522; g++)
        assert_int_equal(domain_lookup(1, g, &m, &a), -XEN_ENOENT);
    assert_int_equal(frame_free_count(), 9);                     /* the empty L1 table stays */
    assert_int_equal(d->p2m.nr_tables, tables + 1);
    check();
    assert_int_equal(domain_destroy(1), 0);
    assert_int_equal(domain_create(1, 4096, PTE_FORMAT_NPT), 0);
    d = domain_find(1);
    assert_int_equal(domain_populate(1, 0, 1, 0), 0);
    exhaust(10);
    /* Out of table pages half-way: gfn 512 needs a new L1 table. */
    assert_int_equal(domain_populate(1, 503, 9, 0), 0);           /* 503..511: 1 frame left */
    assert_int_equal(frame_free_count(), 1);
    assert_int_equal(domain_populate(1, 512, 1, 0), -XEN_ENOMEM); /* RAM frame, then no table */
    assert_int_equal(frame_free_count(), 1);
    assert_int_equal(d->tot_pages, 10);
    check();
}

static void test_alloc_free_ram(void **state)
{
    mfn_t m, big, other;
    (void)state;

    assert_int_equal(domain_alloc_ram(1, 0, &m), -XEN_ESRCH);
    assert_int_equal(domain_free_ram(1, 100, 0), -XEN_ESRCH);
    assert_int_equal(domain_create(1, 600, PTE_FORMAT_NPT), 0);
    assert_int_equal(domain_create(2, 600, PTE_FORMAT_NPT), 0);
    assert_int_equal(domain_alloc_ram(1, 3, &m), -XEN_EINVAL);
    assert_int_equal(domain_alloc_ram(1, 0, &m), 0);
    assert_int_equal(domain_alloc_ram(1, 9, &big), 0);
    assert_int_equal(domain_alloc_ram(1, 9, &big), -XEN_ENOMEM);      /* 513 + 512 > 600 */
    assert_int_equal(domain_find(1)->tot_pages, 513);
    assert_int_equal(frame_refcount(m), 0);
    assert_int_equal(domain_alloc_ram(2, 0, &other), 0);
    check();
    assert_int_equal(domain_map(1, 40, m, 0, RWX), 0);
    assert_int_equal(domain_free_ram(1, m, 0), -XEN_EBUSY);
    assert_int_equal(domain_free_ram(1, other, 0), -XEN_EINVAL);      /* domain 2's */
    assert_int_equal(domain_free_ram(1, domain_find(1)->p2m.root, 0), -XEN_EINVAL);
    assert_int_equal(domain_free_ram(1, big + 1, 9), -XEN_EINVAL);
    assert_int_equal(domain_free_ram(1, m, 2), -XEN_EINVAL);
    assert_int_equal(domain_unmap(1, 40, 0), 0);
    assert_int_equal(domain_free_ram(1, m, 0), 0);
    assert_int_equal(domain_free_ram(1, big, 9), 0);
    assert_int_equal(domain_find(1)->tot_pages, 0);
    assert_int_equal(domain_free_ram(1, m, 0), -XEN_EINVAL);          /* free now */
    exhaust(0);
    assert_int_equal(domain_alloc_ram(1, 0, &m), -XEN_ENOMEM);
    check();
}

static void test_wrappers(void **state)
{
    mfn_t m, got;
    unsigned a;
    (void)state;

    assert_int_equal(domain_map(5, 0, 100, 0, RWX), -XEN_ESRCH);
    assert_int_equal(domain_unmap(5, 0, 0), -XEN_ESRCH);
    assert_int_equal(domain_set_access(5, 0, 0, RWX), -XEN_ESRCH);
    assert_int_equal(domain_lookup(5, 0, &got, &a), -XEN_ESRCH);
    assert_int_equal(domain_create(5, 10, PTE_FORMAT_NPT), 0);
    assert_int_equal(domain_alloc_ram(5, 0, &m), 0);
    assert_int_equal(domain_map(5, 3, m, 0, RWX), 0);
    assert_int_equal(domain_set_access(5, 3, 0, P2M_ACCESS_R), 0);
    assert_int_equal(domain_lookup(5, 3, &got, &a), 0);
    assert_int_equal(got, m);
    assert_int_equal(a, P2M_ACCESS_R);
    assert_int_equal(domain_unmap(5, 3, 0), 0);
    assert_int_equal(domain_lookup(5, 3, &got, &a), -XEN_ENOENT);
    check();
}

static void test_destroy(void **state)
{
    mfn_t m, spare;
    unsigned a;
    (void)state;

    assert_int_equal(domain_destroy(1), -XEN_ESRCH);
    assert_int_equal(domain_create(1, 4096, PTE_FORMAT_NPT), 0);
    assert_int_equal(domain_create(2, 4096, PTE_FORMAT_EPT), 0);
    assert_int_equal(domain_populate(1, 0, 3, 9), 0);
    assert_int_equal(domain_populate(1, 1ULL << 20, 40, 0), 0);
    assert_int_equal(domain_unmap(1, 700, 0), 0);                     /* split */
    assert_int_equal(domain_alloc_ram(1, 0, &spare), 0);              /* never mapped */
    assert_int_equal(domain_populate(2, 0, 10, 0), 0);
    /* The guest writes its memory. */
    for (gfn_t g = 0; g < 1536; g += 97) {
        assert_int_equal(domain_lookup(1, g, &m, &a), 0);
        memset(sim_frame(m), 0x5A, PAGE_SIZE);
    }
    check();
    assert_int_equal(domain_destroy(1), 0);
    assert_null(domain_find(1));
    for (mfn_t i = 0; i < NR; i++) {
        assert_true(frame_owner(i) != 1);
        if (frame_owner(i) == FRAME_OWNER_FREE)
            assert_true(sim_frame_is_zero(i));
    }
    assert_int_equal(domain_lookup(2, 5, &m, &a), 0);                 /* the other one lives on */
    check();
    assert_int_equal(domain_destroy(2), 0);
    assert_int_equal(frame_free_count(), initial_free);               /* every frame came back */
    check();
    /* The id can be used again. */
    assert_int_equal(domain_create(1, 10, PTE_FORMAT_NPT), 0);
    check();
}

/* Domain 2 maps a frame of domain 1 (with the maptrack entry the invariant asks for). */
static void test_foreign(void **state)
{
    struct domain *d1, *d2;
    grant_handle_t h;
    mfn_t m, mine;
    unsigned a;
    uint64_t tot1, tot2;
    (void)state;

    assert_int_equal(domain_create(1, 100, PTE_FORMAT_NPT), 0);
    assert_int_equal(domain_create(2, 100, PTE_FORMAT_EPT), 0);
    assert_int_equal(domain_populate(1, 0, 4, 0), 0);
    assert_int_equal(domain_populate(2, 0, 4, 0), 0);
    d1 = domain_find(1);
    d2 = domain_find(2);
    grant_domain_init(d1);
    grant_domain_init(d2);
    assert_int_equal(domain_lookup(1, 2, &m, &a), 0);
    assert_int_equal(domain_lookup(2, 3, &mine, &a), 0);
    tot1 = d1->tot_pages;
    tot2 = d2->tot_pages;
    /* Over domain 2's RAM page 3: that page stays 2's, unmapped. */
    assert_int_equal(domain_map_foreign(2, 3, m, false, 1), 0);
    assert_int_equal(grant_map_alloc(d2, grant_slot(d1), 1, 0, GNTMAP_host_map, 3, m, &h), 0);
    check();
    assert_int_equal(d1->nr_granted, 1);
    assert_int_equal(d2->p2m.nr_foreign, 1);
    assert_int_equal(d2->tot_pages, tot2);                            /* not 2's RAM */
    assert_int_equal(d1->tot_pages, tot1);
    assert_int_equal(frame_refcount(mine), 0);
    assert_int_equal(frame_owner(mine), 2);
    assert_int_equal(domain_lookup(2, 3, &m, &a), 0);
    assert_int_equal(a, P2M_ACCESS_R | P2M_ACCESS_W);                 /* never executable */
    assert_int_equal(domain_unmap(2, 3, 0), -XEN_ENXIO);
    assert_int_equal(domain_set_access(2, 3, 0, P2M_ACCESS_R), -XEN_ENXIO);
    assert_int_equal(domain_map(2, 3, mine, 0, RWX), -XEN_EINVAL);
    assert_int_equal(domain_free_ram(1, m, 0), -XEN_EBUSY);           /* the granter cannot free it */
    /* Domain 1 cannot go while domain 2 maps its frame; nothing changes. */
    assert_int_equal(domain_destroy(1), -XEN_EBUSY);
    assert_non_null(domain_find(1));
    check();
    /* Domain 2 goes: its foreign leaf goes with it, the frame stays 1's. */
    assert_int_equal(domain_destroy(2), 0);
    assert_int_equal(frame_refcount(m), 1);
    assert_int_equal(frame_owner(m), 1);
    assert_int_equal(d1->nr_granted, 0);
    check();
    assert_int_equal(domain_destroy(1), 0);
    assert_int_equal(frame_free_count(), initial_free);
    check();
}

static void test_checker_catches(void **state)
{
    mfn_t m, leak;
    (void)state;

    assert_int_equal(domain_create(1, 10, PTE_FORMAT_NPT), 0);
    assert_int_equal(domain_populate(1, 0, 2, 0), 0);
    check();
    domain_find(1)->tot_pages++;
    assert_false(domain_check_invariants(scratch, NR));
    domain_find(1)->tot_pages--;
    leak = frame_alloc(0, 1);                         /* owned, untyped */
    assert_false(domain_check_invariants(scratch, NR));
    assert_int_equal(frame_free(leak, 0, 1), 0);
    leak = frame_alloc(0, 9);                         /* owned by no live domain */
    assert_false(domain_check_invariants(scratch, NR));
    assert_int_equal(frame_free(leak, 0, 9), 0);
    assert_int_equal(domain_create(2, 10, PTE_FORMAT_NPT), 0);
    domain_table[1].id = 1;                           /* two slots, one id */
    assert_false(domain_check_invariants(scratch, NR));
    domain_table[1].id = 2;
    assert_false(domain_check_invariants(scratch, NR - 1));
    check();
    domain_find(2)->p2m.nr_mapped = 7;               /* a p2m that does not check */
    assert_false(domain_check_invariants(scratch, NR));
    domain_find(2)->p2m.nr_mapped = 0;
    check();
    (void)m;
}

/* A reference nobody accounts for: destroy says so, and frees the rest. */
static void test_destroy_inconsistent(void **state)
{
    mfn_t m, other;
    (void)state;

    assert_int_equal(domain_create(1, 100, PTE_FORMAT_NPT), 0);
    assert_int_equal(domain_alloc_ram(1, 0, &m), 0);
    assert_int_equal(domain_alloc_ram(1, 0, &other), 0);
    frame_heap.table[m].refcount = 1;
    assert_int_equal(domain_destroy(1), -XEN_EINVAL);
    assert_null(domain_find(1));
    assert_int_equal(frame_owner(m), 1);                    /* kept: still referenced */
    assert_int_equal(frame_owner(other), FRAME_OWNER_FREE);
    assert_false(domain_check_invariants(scratch, NR));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_create, setup),
        cmocka_unit_test_setup(test_populate_4k, setup),
        cmocka_unit_test_setup(test_populate_2m, setup),
        cmocka_unit_test_setup(test_populate_rollback, setup),
        cmocka_unit_test_setup(test_alloc_free_ram, setup),
        cmocka_unit_test_setup(test_wrappers, setup),
        cmocka_unit_test_setup(test_destroy, setup),
        cmocka_unit_test_setup(test_foreign, setup),
        cmocka_unit_test_setup(test_checker_catches, setup),
        cmocka_unit_test_setup(test_destroy_inconsistent, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
