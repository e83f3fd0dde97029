// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of grant mappings across domain lifetimes (grant_ops.c,
 * grant_table.c, domain.c): the death of the granter (refused by
 * domain_destroy while others map its frames, allowed once
 * grant_domain_destroy dropped their mappings), the death of the mapper
 * (through the grant layer, or domain_destroy alone, which drops the
 * foreign leaves it holds), a domain mapping its own grant, and the
 * whole-system checker catching every way the maptrack and the foreign
 * leaves can disagree.  The invariant is checked after every step.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_hc_fixture.h"
#include "hv/frame_ref.h"
#include "hv/grant_table.h"

#define DA 1                 /* granting domain */
#define DB 2                 /* mapper */
#define DC 3                 /* another mapper */
#define GFN_A 0x30U          /* A's page it grants as ref 1 (rw) and 2 (ro) */

static int setup(void **state)
{
    (void)state;
    fx_machine();
    grant_reset();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    assert_true(fx_invariants());
    return 0;
}

static struct domain *gdom(domid_t id)
{
    struct domain *d = fx_domain(id, 0, FX_LONG)->domain;

    grant_domain_init(d);
    return d;
}

static struct grant_entry_v1 *entry(struct domain *d, grant_ref_t ref)
{
    mfn_t m;

    assert_int_equal(grant_frame_mfn(d, ref / GRANT_ENTRIES_PER_FRAME, &m), 0);
    return (struct grant_entry_v1 *)(void *)(sim_frame(m) + (ref % GRANT_ENTRIES_PER_FRAME) * 8U);
}

static mfn_t mfn_of(const struct domain *d, gfn_t g)
{
    mfn_t m;
    unsigned a;

    return domain_lookup(d->id, g, &m, &a) == 0 ? m : INVALID_MFN;
}

/* A grants its page GFN_A to `to` as ref 1 (read-write) and ref 2 (read-only). */
static mfn_t grants(struct domain *a, domid_t to)
{
    *entry(a, 1) = (struct grant_entry_v1){ .flags = GTF_permit_access, .domid = to, .frame = GFN_A };
    *entry(a, 2) = (struct grant_entry_v1){ .flags = GTF_permit_access | GTF_readonly, .domid = to,
                                            .frame = GFN_A };
    return mfn_of(a, GFN_A);
}

static grant_handle_t map(struct domain *ld, domid_t dom, grant_ref_t ref, gfn_t gfn, bool ro)
{
    struct gnttab_map_grant_ref op = { .host_addr = gfn << PAGE_SHIFT, .ref = ref, .dom = dom,
                                       .flags = GNTMAP_host_map | (ro ? GNTMAP_readonly : 0U) };
    grant_handle_t h = 0xFFFF;

    assert_int_equal(grant_op_map(ld, &op, &h), GNTST_okay);
    assert_true(fx_invariants());
    return h;
}

/* ---- death ---------------------------------------------------------------------------------- */

static void test_granter_death(void **state)
{
    struct domain *a, *b, *c;
    struct gnttab_map_grant_ref op = { .host_addr = 0x500000, .flags = GNTMAP_host_map, .ref = 1, .dom = DA };
    grant_handle_t h;
    mfn_t fa;
    (void)state;

    a = gdom(DA);
    b = gdom(DB);
    c = gdom(DC);
    fa = grants(a, DB);
    memcpy(sim_frame(fa), "A was here", 10);
    (void)map(b, DA, 1, 0x500, false);
    (void)map(b, DA, 2, 0x501, true);
    entry(a, 3)->flags = GTF_permit_access;
    entry(a, 3)->domid = DC;
    entry(a, 3)->frame = GFN_A;
    (void)map(c, DA, 3, 0x700, false);
    assert_int_equal(a->nr_granted, 3);
    assert_int_equal(frame_refcount(fa), 4);
    /* A cannot be torn down while B and C map its frame: nothing changes. */
    assert_int_equal(domain_destroy(DA), -XEN_EBUSY);
    assert_non_null(domain_find(DA));
    assert_int_equal(frame_refcount(fa), 4);
    assert_true(fx_invariants());
    /* A dies through the grant layer first: every mapping of its grants goes. */
    grant_domain_destroy(a);
    assert_int_equal(mfn_of(b, 0x500), INVALID_MFN);
    assert_int_equal(mfn_of(b, 0x501), INVALID_MFN);
    assert_int_equal(mfn_of(c, 0x700), INVALID_MFN);
    assert_int_equal(b->p2m.nr_foreign, 0);
    assert_int_equal(c->p2m.nr_foreign, 0);
    assert_true(grant_map_room(b));
    assert_int_equal(grant_map_get(b, 0, &(struct grant_map){ 0 }), -XEN_EINVAL);
    assert_int_equal(a->nr_granted, 0);
    assert_int_equal(frame_refcount(fa), 1);
    assert_true(fx_invariants());
    assert_int_equal(domain_destroy(DA), 0);
    assert_int_equal(frame_owner(fa), FRAME_OWNER_FREE);
    assert_true(sim_frame_is_zero(fa));                    /* scrubbed before anyone gets it */
    assert_true(fx_invariants());
    /* B's later requests find no granter. */
    assert_int_equal(grant_op_map(b, &op, &h), GNTST_bad_domain);
    assert_int_equal(grant_op_unmap(b, &(struct gnttab_unmap_grant_ref){ .host_addr = 0x500000, .handle = 0 }),
                     GNTST_bad_handle);
}

static void test_mapper_death(void **state)
{
    struct domain *a, *b;
    mfn_t fa;
    (void)state;

    a = gdom(DA);
    b = gdom(DB);
    fa = grants(a, DB);
    (void)map(b, DA, 1, 0x500, false);
    (void)map(b, DA, 2, 0x501, true);
    assert_int_equal(entry(a, 1)->flags, GTF_permit_access | GTF_reading | GTF_writing);
    assert_int_equal(entry(a, 2)->flags, GTF_permit_access | GTF_readonly | GTF_reading);
    /* B dies: its mappings and references go, A's entries are unpinned. */
    grant_domain_destroy(b);
    assert_int_equal(entry(a, 1)->flags, GTF_permit_access);
    assert_int_equal(entry(a, 2)->flags, GTF_permit_access | GTF_readonly);
    assert_int_equal(frame_refcount(fa), 1);
    assert_int_equal(a->nr_granted, 0);
    assert_int_equal(b->p2m.nr_foreign, 0);
    assert_true(fx_invariants());
    assert_int_equal(domain_destroy(DB), 0);
    assert_int_equal(frame_owner(fa), DA);
    assert_true(fx_invariants());
    assert_int_equal(domain_destroy(DA), 0);
    assert_true(fx_invariants());
}

/* domain_destroy alone (as when a domain that failed to build goes) drops the grant
 * mappings the domain holds; the grant layer cleans its bookkeeping later. */
static void test_mapper_destroyed_directly(void **state)
{
    struct domain *a, *b;
    mfn_t fa;
    (void)state;

    a = gdom(DA);
    b = gdom(DB);
    fa = grants(a, DB);
    (void)map(b, DA, 1, 0x500, false);
    (void)map(b, DA, 2, 0x501, true);
    assert_int_equal(domain_destroy(DB), 0);
    assert_int_equal(frame_refcount(fa), 1);
    assert_int_equal(frame_owner(fa), DA);
    assert_int_equal(a->nr_granted, 0);
    assert_true(fx_invariants());
    /* The dead slot's maptrack still pins A's entries until the grant layer drops it. */
    assert_int_equal(entry(a, 1)->flags, GTF_permit_access | GTF_reading | GTF_writing);
    grant_domain_destroy(b);
    assert_int_equal(entry(a, 1)->flags, GTF_permit_access);
    assert_int_equal(entry(a, 2)->flags, GTF_permit_access | GTF_readonly);
    assert_true(fx_invariants());
    assert_int_equal(domain_destroy(DA), 0);
}

static void test_own_grant(void **state)
{
    struct domain *a;
    uint8_t buf[4];
    mfn_t fa;
    (void)state;

    a = gdom(DA);
    fa = grants(a, DA);
    memcpy(sim_frame(fa), "self", 4);
    (void)map(a, DA, 1, 0x500, false);
    (void)map(a, DA, 2, 0x501, true);
    assert_int_equal(a->nr_granted, 2);
    assert_int_equal(copy_from_guest_phys(&a->p2m, buf, 0x501000, 4), 0);
    assert_memory_equal(buf, "self", 4);
    assert_int_equal(copy_to_guest_phys(&a->p2m, 0x501000, buf, 4), -XEN_EFAULT);
    /* Its own mappings do not keep it alive: domain_destroy drops them. */
    assert_int_equal(domain_destroy(DA), 0);
    assert_int_equal(frame_owner(fa), FRAME_OWNER_FREE);
    assert_true(fx_invariants());
    grant_domain_destroy(a);
    assert_true(fx_invariants());
}

static void test_own_grant_through_grant_layer(void **state)
{
    struct domain *a, *b;
    mfn_t fa;
    (void)state;

    a = gdom(DA);
    b = gdom(DB);
    fa = grants(a, DA);
    (void)map(a, DA, 1, 0x500, false);
    *entry(a, 4) = (struct grant_entry_v1){ .flags = GTF_permit_access, .domid = DB, .frame = GFN_A };
    (void)map(b, DA, 4, 0x600, false);
    /* B maps it too: A may not go before the grant layer runs. */
    assert_int_equal(domain_destroy(DA), -XEN_EBUSY);
    grant_domain_destroy(a);
    assert_int_equal(a->nr_granted, 0);
    assert_int_equal(mfn_of(b, 0x600), INVALID_MFN);
    assert_int_equal(frame_refcount(fa), 1);
    assert_true(fx_invariants());
    assert_int_equal(domain_destroy(DA), 0);
    assert_true(fx_invariants());
}

/* ---- the domain API -------------------------------------------------------------------------- */

static void test_domain_api(void **state)
{
    struct domain *a, *b;
    grant_handle_t h = 0;
    mfn_t fa, fb;
    (void)state;

    a = gdom(DA);
    b = gdom(DB);
    fa = mfn_of(a, GFN_A);
    fb = mfn_of(b, GFN_A);
    assert_int_equal(domain_map_foreign(9, 0x500, fa, false, DA), -XEN_ESRCH);
    assert_int_equal(domain_map_foreign(DB, 0x500, fa, false, 9), -XEN_ESRCH);
    assert_int_equal(domain_map_foreign(DB, 0x500, fb, false, DA), -XEN_EPERM);   /* not A's */
    assert_int_equal(domain_map_foreign(DB, 0x500, 3, false, DA), -XEN_EPERM);    /* the hypervisor's */
    assert_int_equal(domain_map_foreign(DB, 0x500, b->p2m.root, false, DB), -XEN_EINVAL);
    assert_int_equal(domain_map_foreign(DB, P2M_MAX_GFN + 1, fa, false, DA), -XEN_EINVAL);
    assert_int_equal(domain_unmap_foreign(9, 0x500, fa), -XEN_ESRCH);
    assert_int_equal(domain_unmap_foreign(DB, 0x500, fa), -XEN_ENOENT);
    assert_int_equal(domain_unmap_foreign(DB, GFN_A, fb), -XEN_EINVAL);          /* B's own RAM */
    assert_int_equal(a->nr_granted, 0);
    assert_true(fx_invariants());
    /* A foreign leaf by itself breaks the invariant: it needs its maptrack entry. */
    assert_int_equal(domain_map_foreign(DB, 0x500, fa, true, DA), 0);
    assert_int_equal(a->nr_granted, 1);
    assert_false(fx_invariants());
    assert_int_equal(grant_map_alloc(b, grant_slot(a), DA, 1, GNTMAP_host_map | GNTMAP_readonly, 0x500, fa, &h),
                     0);
    assert_true(fx_invariants());
    assert_int_equal(domain_unmap_foreign(DB, 0x500, fb), -XEN_EINVAL);          /* another frame */
    assert_int_equal(domain_unmap_foreign(DB, 0x500, fa), 0);
    assert_int_equal(a->nr_granted, 0);
    assert_false(fx_invariants());                                              /* entry left alone */
    grant_map_free(b, h);
    assert_true(fx_invariants());
}

/* ---- the checker ------------------------------------------------------------------------------- */

static void test_checker_catches(void **state)
{
    struct domain *a, *b;
    grant_handle_t h, h2;
    struct grant_map saved;
    uint32_t sb;
    mfn_t fa;
    (void)state;

    a = gdom(DA);
    b = gdom(DB);
    sb = grant_slot(b);
    fa = grants(a, DB);
    h = map(b, DA, 1, 0x500, false);
    h2 = map(b, DA, 2, 0x501, true);
    assert_true(grant_check_mappings());
    saved = grant_state[sb].map[h];
    /* The entry says another gfn, another frame, read-only, another granter, a dead slot. */
    grant_state[sb].map[h].gfn = 0x502;
    assert_false(grant_check_mappings());
    grant_state[sb].map[h] = saved;
    grant_state[sb].map[h].mfn = fa + 1;
    assert_false(grant_check_mappings());
    grant_state[sb].map[h] = saved;
    grant_state[sb].map[h].flags |= GNTMAP_readonly;
    assert_false(grant_check_mappings());
    grant_state[sb].map[h] = saved;
    grant_state[sb].map[h].rdom = DB;
    assert_false(grant_check_mappings());
    grant_state[sb].map[h] = saved;
    grant_state[sb].map[h].rslot = (uint8_t)sb;
    assert_false(grant_check_mappings());
    grant_state[sb].map[h] = saved;
    /* Two entries for one gfn (and one leaf unaccounted). */
    grant_state[sb].map[h2].gfn = 0x500;
    grant_state[sb].map[h2].flags = GNTMAP_host_map;
    assert_false(grant_check_mappings());
    grant_state[sb].map[h2].gfn = 0x501;
    grant_state[sb].map[h2].flags = GNTMAP_host_map | GNTMAP_readonly;
    assert_true(grant_check_mappings());
    /* A leaf without its entry; an entry without its leaf. */
    grant_state[sb].map[h2].flags = 0;
    assert_false(grant_check_mappings());
    grant_state[sb].map[h2].flags = GNTMAP_host_map | GNTMAP_readonly;
    b->p2m.nr_foreign++;
    assert_false(grant_check_mappings());
    b->p2m.nr_foreign--;
    /* A domain without grant state holding a foreign leaf. */
    grant_state[sb].version = 0;
    assert_false(grant_check_mappings());
    grant_state[sb].version = GRANT_TABLE_VERSION_1;
    assert_true(grant_check_mappings());
    /* nr_granted counts exactly the foreign leaves of the granter's frames. */
    a->nr_granted++;
    assert_false(fx_invariants());
    a->nr_granted--;
    assert_true(fx_invariants());
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_granter_death, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mapper_death, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mapper_destroyed_directly, setup, teardown),
        cmocka_unit_test_setup_teardown(test_own_grant, setup, teardown),
        cmocka_unit_test_setup_teardown(test_own_grant_through_grant_layer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_domain_api, setup, teardown),
        cmocka_unit_test_setup_teardown(test_checker_catches, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
