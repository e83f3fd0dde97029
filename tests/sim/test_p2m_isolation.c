// SPDX-License-Identifier: GPL-2.0-only
/*
 * Memory isolation through the p2m: two guests (one NPT, one EPT) and the
 * hypervisor share one simulated machine.  Whatever frame number a guest's
 * p2m is asked to map, only the guest's own RAM gets in; every translation
 * lands in the guest's own frames; guest copies (hv/guest_copy.h) never read
 * or write another guest's or the hypervisor's bytes; destroying a guest
 * returns every frame it had, scrubbed, and its old frames cannot then be
 * mapped by the other; a map that replaces an older mapping (Xen's p2m
 * semantics) lets go of the old frame and takes nothing that is not the
 * guest's.  Grants are the one way into another guest's memory: a guest
 * reaches exactly the frames granted to it, with the rights granted, and
 * nothing once the mapping or the granter is gone, whatever it asks of the
 * grant layer.  The whole-system checker runs after every phase and
 * after each step of a randomised attack.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "hv/domain.h"
#include "hv/grant_table.h"
#include "hv/guest_copy.h"
#include "xen/errno.h"
#include "fixture_machine.h"
#include "sim.h"

#define NR        8192U        /* 32 MiB */
#define FIRST     16U
#define DOM_A     1U
#define DOM_B     2U
#define GFNS      1536U        /* each guest: 512 x 4 KiB at 0, one 2 MiB at 1024 */
#define FREE_GFN  4096U        /* where the attacks try to map things */
#define MARK_A    0xAAU
#define MARK_B    0xBBU
#define MARK_HV   0xCCU

static struct frame_desc table[NR];
static uint32_t scratch[NR];
static mfn_t secret;                         /* a hypervisor frame with data */
static mfn_t initial_free;
static uint8_t page[PAGE_SIZE];
static uint64_t seed = 0x9E3779B97F4A7C15ULL;

static uint64_t rnd(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return seed;
}

static void check(void)
{
    assert_true(domain_check_invariants(scratch, NR));
}

static void fill(domid_t id, uint8_t mark)
{
    struct domain *d = domain_find(id);

    memset(page, mark, sizeof(page));
    for (gfn_t g = 0; g < 512; g++)
        assert_int_equal(copy_to_guest_phys(&d->p2m, g << PAGE_SHIFT, page, PAGE_SIZE), 0);
    for (gfn_t g = 1024; g < GFNS; g++)
        assert_int_equal(copy_to_guest_phys(&d->p2m, g << PAGE_SHIFT, page, PAGE_SIZE), 0);
}

static int setup(void **state)
{
    (void)state;
    fixture_machine(table, sizeof(table), NR, FIRST);
    grant_reset();
    secret = frame_alloc(0, DOMID_XEN);
    memset(sim_frame(secret), MARK_HV, PAGE_SIZE);
    initial_free = frame_free_count();
    assert_int_equal(domain_create(DOM_A, 2048, PTE_FORMAT_NPT), 0);
    assert_int_equal(domain_create(DOM_B, 2048, PTE_FORMAT_EPT), 0);
    for (domid_t id = DOM_A; id <= DOM_B; id++) {
        assert_int_equal(domain_populate(id, 0, 512, 0), 0);
        assert_int_equal(domain_populate(id, 1024, 1, 9), 0);
    }
    fill(DOM_A, MARK_A);
    fill(DOM_B, MARK_B);
    check();
    return 0;
}

/* Every frame in the machine holds the bytes its owner put there (grant frames hold entries). */
static void assert_memory_intact(void)
{
    for (mfn_t m = FIRST; m < NR; m++) {
        domid_t o = frame_owner(m);
        const uint8_t *p = sim_frame(m);
        struct domain *d = domain_find(o);
        uint8_t want;

        if (d != NULL && grant_active(d) && grant_is_frame(d, m))
            continue;
        if (m == secret)
            want = MARK_HV;
        else if (o == DOM_A && frame_type(m) == FRAME_TYPE_GUEST_RAM)
            want = MARK_A;
        else if (o == DOM_B && frame_type(m) == FRAME_TYPE_GUEST_RAM)
            want = MARK_B;
        else
            continue;
        for (size_t i = 0; i < PAGE_SIZE; i += 64)
            assert_int_equal(p[i], want);
    }
}

/* A guest's p2m takes only the guest's own RAM, whatever frame it is offered. */
static void test_map_any_frame(void **state)
{
    unsigned accepted[2] = { 0, 0 };
    (void)state;

    for (domid_t id = DOM_A; id <= DOM_B; id++) {
        for (mfn_t m = 0; m < NR + 64; m++) {
            domid_t owner = frame_owner(m);
            unsigned type = frame_type(m);
            int rc = domain_map(id, FREE_GFN, m, 0, P2M_ACCESS_RWX);

            if (owner == id && type == FRAME_TYPE_GUEST_RAM) {
                assert_int_equal(rc, 0);
                assert_int_equal(domain_unmap(id, FREE_GFN, 0), 0);
                accepted[id - DOM_A]++;
            } else if (m >= NR || owner == id) {
                assert_int_equal(rc, -XEN_EINVAL);   /* beyond the table, or a table page */
            } else {
                assert_int_equal(rc, -XEN_EPERM);    /* the other guest, the hypervisor, free */
            }
        }
        /* 2 MiB: every aligned block. */
        for (mfn_t m = 0; m < NR; m += 512) {
            int rc = domain_map(id, 2 * 4096, m, 9, P2M_ACCESS_RWX);

            if (rc == 0)
                assert_int_equal(domain_unmap(id, 2 * 4096, 9), 0);
            for (mfn_t i = m; rc == 0 && i < m + 512; i++)
                assert_int_equal(frame_owner(i), id);
        }
        check();
    }
    assert_int_equal(accepted[0], 1024);
    assert_int_equal(accepted[1], 1024);
    assert_memory_intact();
}

/* Every translation lands in the guest's own RAM; copies see only its bytes. */
static void test_copies_stay_inside(void **state)
{
    (void)state;
    for (domid_t id = DOM_A; id <= DOM_B; id++) {
        struct domain *d = domain_find(id);
        uint8_t mark = id == DOM_A ? MARK_A : MARK_B;
        uint8_t other = id == DOM_A ? MARK_B : MARK_A;

        for (gfn_t g = 0; g < 4 * 512; g++) {
            mfn_t m;
            unsigned a;
            int rc = p2m_lookup(&d->p2m, g, &m, &a);

            memset(page, 0, sizeof(page));
            if (rc == 0) {
                assert_int_equal(frame_owner(m), id);
                assert_int_equal(frame_type(m), FRAME_TYPE_GUEST_RAM);
                assert_int_equal(copy_from_guest_phys(&d->p2m, page, g << PAGE_SHIFT, PAGE_SIZE), 0);
                for (size_t i = 0; i < PAGE_SIZE; i++)
                    assert_int_equal(page[i], mark);
            } else {
                assert_int_equal(copy_from_guest_phys(&d->p2m, page, g << PAGE_SHIFT, PAGE_SIZE),
                                 -XEN_EFAULT);
                memset(page, other, sizeof(page));
                assert_int_equal(copy_to_guest_phys(&d->p2m, g << PAGE_SHIFT, page, PAGE_SIZE),
                                 -XEN_EFAULT);
            }
        }
        /* Guest-physical addresses equal to the other guest's or the hypervisor's
         * machine addresses reach the guest's own frames or nothing (the
         * guest writes its own marker: any byte landing elsewhere shows). */
        memset(page, mark, sizeof(page));
        (void)copy_to_guest_phys(&d->p2m, secret << PAGE_SHIFT, page, PAGE_SIZE);
        (void)copy_to_guest_phys(&d->p2m, (uint64_t)domain_find(DOM_A + DOM_B - id)->p2m.root
                                          << PAGE_SHIFT, page, PAGE_SIZE);
    }
    assert_memory_intact();
    check();
}

/* Read-only in the p2m means read-only for hypervisor copies too. */
static void test_access_respected(void **state)
{
    struct domain *a = domain_find(DOM_A);
    (void)state;

    assert_int_equal(domain_set_access(DOM_A, 5, 0, P2M_ACCESS_R), 0);
    memset(page, 0x11, sizeof(page));
    assert_int_equal(copy_to_guest_phys(&a->p2m, 5 << PAGE_SHIFT, page, PAGE_SIZE), -XEN_EFAULT);
    assert_int_equal(domain_set_access(DOM_A, 1024 + 3, 0, P2M_ACCESS_R), 0);   /* splits */
    assert_int_equal(copy_to_guest_phys(&a->p2m, (1024 + 3) << PAGE_SHIFT, page, 8), -XEN_EFAULT);
    assert_int_equal(copy_to_guest_phys(&a->p2m, (1024 + 4) << PAGE_SHIFT, page, 8), 0);
    memset(page, MARK_A, sizeof(page));
    assert_int_equal(copy_to_guest_phys(&a->p2m, (1024 + 4) << PAGE_SHIFT, page, 8), 0);
    assert_memory_intact();
    check();
}

/* Destroy returns everything, scrubbed; the survivor cannot pick it up. */
static void test_destroy_returns_all(void **state)
{
    mfn_t a_frame;
    unsigned acc;
    (void)state;

    assert_int_equal(domain_lookup(DOM_A, 7, &a_frame, &acc), 0);
    assert_int_equal(domain_destroy(DOM_A), 0);
    check();
    for (mfn_t m = 0; m < NR; m++) {
        assert_true(frame_owner(m) != DOM_A);
        if (frame_owner(m) == FRAME_OWNER_FREE)
            assert_true(sim_frame_is_zero(m));
    }
    assert_true(sim_frame_is_zero(a_frame));
    assert_int_equal(domain_map(DOM_B, FREE_GFN, a_frame, 0, P2M_ACCESS_RWX), -XEN_EPERM);
    assert_int_equal(domain_map(DOM_A, FREE_GFN, a_frame, 0, P2M_ACCESS_RWX), -XEN_ESRCH);
    assert_memory_intact();
    assert_int_equal(domain_destroy(DOM_B), 0);
    assert_int_equal(frame_free_count(), initial_free);
    assert_int_equal(frame_owner(secret), DOMID_XEN);
    assert_int_equal(sim_frame(secret)[100], MARK_HV);
    check();
}

/* Maps that replace (4 KiB over 4 KiB, 4 KiB inside a 2 MiB leaf) keep every frame where it was. */
static void test_map_replaces(void **state)
{
    struct domain *a = domain_find(DOM_A);
    mfn_t old, spare, spare2, b_frame;
    unsigned acc;
    (void)state;

    assert_int_equal(domain_lookup(DOM_A, 7, &old, &acc), 0);
    assert_int_equal(domain_alloc_ram(DOM_A, 0, &spare), 0);
    assert_int_equal(domain_alloc_ram(DOM_A, 0, &spare2), 0);
    memset(sim_frame(spare), MARK_A, PAGE_SIZE);
    memset(sim_frame(spare2), MARK_A, PAGE_SIZE);
    assert_int_equal(domain_map(DOM_A, 7, spare, 0, P2M_ACCESS_RWX), 0);
    assert_int_equal(frame_refcount(old), 0);
    assert_int_equal(domain_free_ram(DOM_A, old, 0), 0);       /* unmapped now: it can go */
    assert_true(sim_frame_is_zero(old));
    check();
    /* Inside A's 2 MiB leaf: B's frames stay out, A's own frame goes in. */
    assert_int_equal(domain_lookup(DOM_B, 3, &b_frame, &acc), 0);
    assert_int_equal(domain_map(DOM_A, 1024 + 5, b_frame, 0, P2M_ACCESS_RWX), -XEN_EPERM);
    assert_int_equal(domain_map(DOM_A, 1024 + 5, secret, 0, P2M_ACCESS_RWX), -XEN_EPERM);
    assert_int_equal(domain_map(DOM_A, 1024 + 5, spare2, 0, P2M_ACCESS_R), 0);
    memset(page, MARK_B, sizeof(page));
    assert_int_equal(copy_to_guest_phys(&a->p2m, (1024 + 5) << PAGE_SHIFT, page, 8), -XEN_EFAULT);
    memset(page, MARK_A, sizeof(page));
    assert_int_equal(copy_to_guest_phys(&a->p2m, (1024 + 6) << PAGE_SHIFT, page, PAGE_SIZE), 0);
    assert_int_equal(copy_from_guest_phys(&a->p2m, page, (1024 + 5) << PAGE_SHIFT, PAGE_SIZE), 0);
    for (size_t i = 0; i < PAGE_SIZE; i += 64)
        assert_int_equal(page[i], MARK_A);
    check();
    assert_memory_intact();
}

/* Random operations by both guests with random frame numbers. */
static void test_random_attack(void **state)
{
    (void)state;
    for (unsigned step = 0; step < 3000; step++) {
        domid_t id = (rnd() & 1) ? DOM_A : DOM_B;
        unsigned order = (rnd() % 8 == 0) ? 9U : 0U;
        gfn_t gfn = rnd() % 8192;
        mfn_t mfn = rnd() % (NR + 16);
        unsigned access = (unsigned)(rnd() % 8);
        mfn_t before_owner = frame_owner(mfn);

        if (order == 9) {
            gfn &= ~511ULL;
            mfn &= ~511ULL;
        }
        switch (rnd() % 4) {
        case 0: {
            int rc = domain_map(id, gfn, mfn, order, access);
            if (rc == 0)
                assert_int_equal(before_owner, id);
            break;
        }
        case 1: (void)domain_unmap(id, gfn, order); break;
        case 2: (void)domain_set_access(id, gfn, order, access); break;
        default: {
            mfn_t m;
            unsigned a;
            if (domain_lookup(id, gfn, &m, &a) == 0)
                assert_int_equal(frame_owner(m), id);
        }
        }
        if (step % 50 == 0)
            check();
    }
    check();
    assert_memory_intact();
}

/* ---- grants ------------------------------------------------------------------------------- */

/* A's grant entry ref (in A's grant frame 0). */
static void a_grants(grant_ref_t ref, uint16_t flags, domid_t to, uint32_t gfn)
{
    mfn_t f;

    assert_int_equal(grant_frame_mfn(domain_find(DOM_A), 0, &f), 0);
    memcpy(sim_frame(f) + ref * 8U, &(struct grant_entry_v1){ flags, to, gfn }, 8);
}

static int16_t b_maps(grant_ref_t ref, gfn_t gfn, bool ro, grant_handle_t *h)
{
    struct gnttab_map_grant_ref op = { .host_addr = gfn << PAGE_SHIFT, .ref = ref, .dom = DOM_A,
                                       .flags = GNTMAP_host_map | (ro ? GNTMAP_readonly : 0U) };

    return grant_op_map(domain_find(DOM_B), &op, h);
}

static void grant_setup(void)
{
    grant_domain_init(domain_find(DOM_A));
    grant_domain_init(domain_find(DOM_B));
    a_grants(1, GTF_permit_access, DOM_B, 10);                  /* read-write to B */
    a_grants(2, GTF_permit_access | GTF_readonly, DOM_B, 11);   /* read-only to B */
    a_grants(3, GTF_permit_access, 99, 12);                     /* to somebody else */
    a_grants(4, GTF_permit_access, DOM_B, 4000);                /* a gfn A does not have */
    a_grants(5, GTF_permit_access, DOM_B, (uint32_t)(1024 + 7));   /* inside A's 2 MiB leaf */
}

/* B reaches exactly what A granted it, with the rights granted, and nothing after. */
static void test_grants_reach_only_granted(void **state)
{
    struct domain *b = domain_find(DOM_B);
    grant_handle_t h[8];
    mfn_t a10, a11, m;
    unsigned acc;
    (void)state;

    grant_setup();
    assert_int_equal(domain_lookup(DOM_A, 10, &a10, &acc), 0);
    assert_int_equal(domain_lookup(DOM_A, 11, &a11, &acc), 0);
    assert_int_equal(b_maps(1, FREE_GFN, false, &h[0]), GNTST_okay);
    assert_int_equal(b_maps(2, FREE_GFN + 1, true, &h[1]), GNTST_okay);
    assert_int_equal(b_maps(2, FREE_GFN + 2, false, &h[2]), GNTST_general_error);   /* read-only grant */
    assert_int_equal(b_maps(3, FREE_GFN + 2, true, &h[2]), GNTST_general_error);    /* not B's */
    assert_int_equal(b_maps(4, FREE_GFN + 2, true, &h[2]), GNTST_bad_page);
    assert_int_equal(b_maps(6, FREE_GFN + 2, true, &h[2]), GNTST_general_error);    /* never granted */
    assert_int_equal(b_maps(5, FREE_GFN + 3, false, &h[3]), GNTST_okay);            /* 4 KiB of A's 2 MiB */
    check();
    /* Only A's granted frames appear in B, each where B asked. */
    for (gfn_t g = 0; g < FREE_GFN + 16; g++) {
        if (domain_lookup(DOM_B, g, &m, &acc) != 0)
            continue;
        if (g < FREE_GFN) {
            assert_int_equal(frame_owner(m), DOM_B);
            continue;
        }
        assert_int_equal(frame_owner(m), DOM_A);
        assert_true(m == a10 || m == a11 || g == FREE_GFN + 3);
        assert_int_equal(acc & P2M_ACCESS_X, 0);
    }
    /* Reads see A's bytes; writes land only through the writable grant. */
    assert_int_equal(copy_from_guest_phys(&b->p2m, page, (uint64_t)FREE_GFN << PAGE_SHIFT, PAGE_SIZE), 0);
    assert_int_equal(page[100], MARK_A);
    memset(page, MARK_B, sizeof(page));
    assert_int_equal(copy_to_guest_phys(&b->p2m, (uint64_t)(FREE_GFN + 1) << PAGE_SHIFT, page, 8), -XEN_EFAULT);
    assert_int_equal(copy_to_guest_phys(&b->p2m, (uint64_t)(FREE_GFN + 3) << PAGE_SHIFT, page, 8), 0);
    memset(page, MARK_A, sizeof(page));
    assert_int_equal(copy_to_guest_phys(&b->p2m, (uint64_t)(FREE_GFN + 3) << PAGE_SHIFT, page, 8), 0);
    assert_memory_intact();
    /* Unmapped: gone for B. */
    assert_int_equal(grant_op_unmap(b, &(struct gnttab_unmap_grant_ref){
                                           .host_addr = (uint64_t)FREE_GFN << PAGE_SHIFT, .handle = h[0] }),
                     GNTST_okay);
    assert_int_equal(copy_from_guest_phys(&b->p2m, page, (uint64_t)FREE_GFN << PAGE_SHIFT, 8), -XEN_EFAULT);
    check();
    /* A dies: B keeps nothing of it, A's frames come back scrubbed. */
    assert_int_equal(domain_destroy(DOM_A), -XEN_EBUSY);
    grant_domain_destroy(domain_find(DOM_A));
    assert_int_equal(domain_destroy(DOM_A), 0);
    assert_int_equal(copy_from_guest_phys(&b->p2m, page, (uint64_t)(FREE_GFN + 1) << PAGE_SHIFT, 8),
                     -XEN_EFAULT);
    assert_int_equal(copy_from_guest_phys(&b->p2m, page, (uint64_t)(FREE_GFN + 3) << PAGE_SHIFT, 8),
                     -XEN_EFAULT);
    assert_int_equal(b->p2m.nr_foreign, 0);
    assert_true(sim_frame_is_zero(a10));
    check();
    assert_memory_intact();
}

/* Random grant requests by B and entry changes by A, with B's ordinary p2m operations in between. */
static void test_grant_random_attack(void **state)
{
    struct domain *b = domain_find(DOM_B);
    unsigned mapped = 0, unmapped = 0;
    (void)state;

    grant_setup();
    for (unsigned step = 0; step < 3000; step++) {
        gfn_t gfn = (rnd() & 1) ? FREE_GFN + rnd() % 32 : rnd() % 600;
        grant_handle_t h = (grant_handle_t)(rnd() % 40);
        mfn_t m;
        unsigned a;

        switch (rnd() % 6) {
        case 0:
        case 1:
            mapped += b_maps((grant_ref_t)(rnd() % 8), gfn, rnd() & 1, &h) == GNTST_okay;
            break;
        case 2: {
            struct grant_map gm;
            bool had = grant_map_get(b, h, &gm) == 0;
            uint64_t at = (rnd() & 3) ? gfn << PAGE_SHIFT : 0;

            if (had && (rnd() & 1))
                at = gm.gfn << PAGE_SHIFT;                   /* the right address half the time */
            if (grant_op_unmap(b, &(struct gnttab_unmap_grant_ref){ .host_addr = at, .handle = h }) ==
                    GNTST_okay && had && at != 0)
                unmapped++;
            break;
        }
        case 3:
            a_grants((grant_ref_t)(rnd() % 8), (uint16_t)(rnd() & (GTF_permit_access | GTF_readonly)),
                     (rnd() & 3) ? DOM_B : 99, (uint32_t)(rnd() % 1600));
            break;
        case 4:
            if (rnd() & 1)
                (void)domain_unmap(DOM_B, gfn, 0);
            else
                (void)domain_set_access(DOM_B, gfn, 0, (unsigned)(rnd() % 8));
            break;
        default:
            (void)domain_map(DOM_B, gfn, rnd() % NR, 0, P2M_ACCESS_RWX);
            break;
        }
        /* Whatever B translates is its own RAM or A's RAM through one of its grant mappings. */
        if (domain_lookup(DOM_B, gfn, &m, &a) == 0) {
            if (frame_owner(m) != DOM_B) {
                assert_int_equal(frame_owner(m), DOM_A);
                assert_true(grant_maps_frame(b, m));
            }
            assert_int_equal(frame_type(m), FRAME_TYPE_GUEST_RAM);
        }
        if (step % 50 == 0)
            check();
    }
    check();
    assert_true(mapped > 100 && unmapped > 50);   /* the attack did map and unmap */
    grant_domain_destroy(domain_find(DOM_A));
    assert_int_equal(domain_destroy(DOM_A), 0);
    assert_int_equal(b->p2m.nr_foreign, 0);
    check();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_map_any_frame, setup),
        cmocka_unit_test_setup(test_copies_stay_inside, setup),
        cmocka_unit_test_setup(test_access_respected, setup),
        cmocka_unit_test_setup(test_destroy_returns_all, setup),
        cmocka_unit_test_setup(test_map_replaces, setup),
        cmocka_unit_test_setup(test_random_attack, setup),
        cmocka_unit_test_setup(test_grants_reach_only_granted, setup),
        cmocka_unit_test_setup(test_grant_random_attack, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
