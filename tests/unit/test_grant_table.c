// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the grant-table state and of single operations
 * (grant_table.c, grant_access.c, grant_ops.c), without the hypercall
 * layer: slots, frame growth and its accounting, entries in guest frames,
 * the maptrack and pin bits, and each operation's status for every error
 * path.  Two domains grant, copy and map: a mapped grant is the granter's
 * frame in the mapper's p2m (read through copy_from_guest_phys, written
 * through copy_to_guest_phys unless read-only), the pin bits follow the
 * mappings, and the death of either side drops every mapping and
 * reference.  The whole-system invariant (grant mappings included) is
 * checked after every step that changes a mapping.  test_grant_map.c
 * continues with more mapping scenarios.
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
#define DB 2                 /* grantee */
#define GFN_A_DATA 0x30U     /* a RAM page of A that A grants */
#define GFN_B_DATA 0x31U

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

/* Host pointer to grant entry ref of d (its frame must exist). */
static struct grant_entry_v1 *entry(struct domain *d, grant_ref_t ref)
{
    mfn_t m;

    assert_int_equal(grant_frame_mfn(d, ref / GRANT_ENTRIES_PER_FRAME, &m), 0);
    return (struct grant_entry_v1 *)(void *)(sim_frame(m) + (ref % GRANT_ENTRIES_PER_FRAME) * 8U);
}

static void grant(struct domain *d, grant_ref_t ref, uint16_t flags, domid_t to, uint32_t frame)
{
    *entry(d, ref) = (struct grant_entry_v1){ .flags = flags, .domid = to, .frame = frame };
}

static mfn_t mfn_of(const struct domain *d, gfn_t g)
{
    mfn_t m;
    unsigned a;

    assert_int_equal(domain_lookup(d->id, g, &m, &a), 0);
    return m;
}

static bool unmapped(const struct domain *d, gfn_t g)
{
    mfn_t m;
    unsigned a;

    return domain_lookup(d->id, g, &m, &a) == -XEN_ENOENT;
}

/* Maptrack entries made by hand (no p2m side): forgotten before the invariant is checked. */
static void forget_maps(struct domain *d)
{
    for (grant_handle_t h = 0; h < GRANT_MAPTRACK_MAX; h++)
        grant_map_free(d, h);
}

static bool slot_empty(uint32_t s)
{
    for (unsigned h = 0; h < GRANT_MAPTRACK_MAX; h++)
        if (grant_state[s].map[h].flags != 0)
            return false;
    return grant_state[s].nr_frames == 0;
}

/* ---- slots and frames ------------------------------------------------------------------ */

static void test_slots(void **state)
{
    struct domain *a;
    (void)state;

    a = fx_domain(DA, 0, FX_LONG)->domain;
    assert_false(grant_active(a));                 /* never set up */
    grant_domain_init(a);
    assert_true(grant_active(a));
    assert_int_equal(grant_nr_frames(a), 0);
    assert_int_equal(grant_state[grant_slot(a)].version, GRANT_TABLE_VERSION_1);
    assert_ptr_equal(&domain_table[grant_slot(a)], a);
    grant_domain_destroy(a);
    assert_false(grant_active(a));
    assert_int_equal(grant_state[grant_slot(a)].owner, DOMID_INVALID);
}

static void test_frames_grow(void **state)
{
    struct domain *a;
    uint64_t max, tot;
    mfn_t m, m0;
    (void)state;

    a = gdom(DA);
    max = a->max_pages;
    tot = a->tot_pages;
    assert_int_equal(grant_frame_mfn(a, 2, &m), 0);
    assert_int_equal(grant_nr_frames(a), 3);
    assert_int_equal(a->max_pages, max + 3);        /* on top of the domain's RAM */
    assert_int_equal(a->tot_pages, tot + 3);
    assert_int_equal(frame_owner(m), DA);
    assert_int_equal(frame_type(m), FRAME_TYPE_GUEST_RAM);
    assert_true(sim_frame_is_zero(m));
    assert_true(grant_is_frame(a, m));
    assert_false(grant_is_frame(a, mfn_of(a, GFN_A_DATA)));
    /* Existing frames are not allocated again. */
    assert_int_equal(grant_frame_mfn(a, 0, &m0), 0);
    assert_int_equal(grant_nr_frames(a), 3);
    assert_int_equal(a->max_pages, max + 3);
    assert_int_equal(grant_frame_gfn(a, 0), INVALID_GFN);
    grant_frame_set_gfn(a, 0, 0x99);
    assert_int_equal(grant_frame_gfn(a, 0), 0x99);
    grant_frame_set_gfn(a, 7, 0x98);                /* no such frame: ignored */
    assert_int_equal(grant_frame_gfn(a, 7), INVALID_GFN);
    /* Limits: the table size, the v2 status bit, a domain without grants. */
    assert_int_equal(grant_frame_mfn(a, GRANT_MAX_FRAMES, &m), -XEN_EINVAL);
    assert_int_equal(grant_frame_mfn(a, XENMAPIDX_grant_table_status, &m), -XEN_EINVAL);
    assert_int_equal(grant_frame_mfn(a, GRANT_MAX_FRAMES - 1, &m), 0);
    assert_int_equal(grant_nr_frames(a), GRANT_MAX_FRAMES);
    grant_domain_destroy(a);
    assert_int_equal(grant_frame_mfn(a, 0, &m), -XEN_EINVAL);
}

static void test_frames_out_of_memory(void **state)
{
    struct domain *a;
    uint64_t max;
    mfn_t m;
    (void)state;

    a = gdom(DA);
    assert_int_equal(domain_create(5, FX_FRAMES, PTE_FORMAT_NPT), 0);
    while (domain_alloc_ram(5, 0, &m) == 0)
        ;
    max = a->max_pages;
    assert_int_equal(grant_frame_mfn(a, 0, &m), -XEN_ENOMEM);
    assert_int_equal(a->max_pages, max);            /* the raise is undone */
    assert_int_equal(grant_nr_frames(a), 0);
    assert_int_equal(domain_destroy(5), 0);
    assert_int_equal(grant_frame_mfn(a, 0, &m), 0);
}

static void test_entries(void **state)
{
    struct domain *a;
    struct grant_entry_v1 e;
    mfn_t m;
    uint32_t off;
    (void)state;

    a = gdom(DA);
    assert_int_equal(grant_entry_locate(a, 0, &m, &off), -XEN_EINVAL);   /* no frame yet */
    assert_int_equal(grant_entry_read(a, 0, &e), -XEN_EINVAL);
    grant(a, 513, GTF_permit_access | GTF_readonly, DB, 0x1234);
    assert_int_equal(grant_entry_locate(a, 513, &m, &off), 0);
    assert_int_equal(off, 8);
    assert_int_equal(m, grant_state[grant_slot(a)].frame[1]);
    assert_int_equal(grant_entry_read(a, 513, &e), 0);
    assert_int_equal(e.flags, GTF_permit_access | GTF_readonly);
    assert_int_equal(e.domid, DB);
    assert_int_equal(e.frame, 0x1234);
    assert_int_equal(grant_entry_update_flags(a, 513, GTF_reading | GTF_writing, GTF_readonly), 0);
    assert_int_equal(entry(a, 513)->flags, GTF_permit_access | GTF_reading | GTF_writing);
    assert_int_equal(entry(a, 513)->frame, 0x1234);
    assert_int_equal(grant_entry_read(a, 2 * 512, &e), -XEN_EINVAL);
    assert_int_equal(grant_entry_update_flags(a, 2 * 512, 1, 0), -XEN_EINVAL);
    /* A frame that is no longer the domain's RAM is never touched. */
    m = grant_state[grant_slot(a)].frame[1];
    grant_state[grant_slot(a)].frame[1] = mfn_of(fx_domain(DB, 0, FX_LONG)->domain, 0x20);
    assert_int_equal(grant_entry_read(a, 513, &e), -XEN_EFAULT);
    assert_int_equal(grant_entry_update_flags(a, 513, 1, 0), -XEN_EFAULT);
    grant_state[grant_slot(a)].frame[1] = m;
}

static void test_frame_copy(void **state)
{
    mfn_t f;
    uint8_t *p;
    (void)state;

    assert_int_equal(domain_create(DA, 16, PTE_FORMAT_NPT), 0);
    assert_int_equal(domain_alloc_ram(DA, 0, &f), 0);
    p = sim_frame(f);
    for (unsigned i = 0; i < 16; i++)
        p[i] = (uint8_t)i;
    /* Overlapping both ways within one frame, like memmove. */
    assert_int_equal(grant_frame_copy(f, 4, f, 0, 8), 0);
    for (unsigned i = 0; i < 8; i++)
        assert_int_equal(p[4 + i], i);
    assert_int_equal(grant_frame_copy(f, 0, f, 4, 8), 0);
    for (unsigned i = 0; i < 8; i++)
        assert_int_equal(p[i], i);
    assert_int_equal(grant_frame_copy(f, 4095, f, 0, 1), 0);
    assert_int_equal(p[4095], 0);
    assert_int_equal(grant_frame_copy(f, 4095, f, 0, 2), -XEN_EINVAL);
    assert_int_equal(grant_frame_copy(f, 0, f, 4096, 1), -XEN_EINVAL);
    assert_int_equal(grant_frame_copy(f, 5000, f, 0, 0), -XEN_EINVAL);
    assert_int_equal(grant_frame_copy(FX_FRAMES + 5, 0, f, 0, 1), -XEN_EFAULT);
    assert_int_equal(grant_frame_copy(f, 0, FX_FRAMES + 5, 0, 1), -XEN_EFAULT);
}

/* ---- the maptrack and pins ------------------------------------------------------------------- */

static void test_maptrack(void **state)
{
    struct domain *a, *b;
    struct grant_map m;
    grant_handle_t h, h2;
    mfn_t pinned;
    (void)state;

    a = gdom(DA);
    b = gdom(DB);
    assert_true(grant_map_room(b));
    assert_int_equal(grant_map_alloc(b, grant_slot(a), DA, 7, GNTMAP_host_map, 0x200, 0x777, &h), 0);
    assert_int_equal(grant_map_get(b, h, &m), 0);
    assert_int_equal(m.flags, GNTMAP_host_map);
    assert_int_equal(m.rdom, DA);
    assert_int_equal(m.ref, 7);
    assert_int_equal(m.gfn, 0x200);
    assert_int_equal(m.mfn, 0x777);
    assert_true(grant_maps_frame(b, 0x777));
    assert_false(grant_maps_frame(a, 0x777));
    assert_int_equal(grant_pin_flags(grant_slot(a), DA, 7), GTF_reading | GTF_writing);
    assert_int_equal(grant_pin_flags(grant_slot(a), DA, 8), 0);
    assert_int_equal(grant_pin_flags(grant_slot(a), DB, 7), 0);       /* another id in the slot */
    assert_true(grant_pinned_mfn(grant_slot(a), DA, 7, &pinned));
    assert_int_equal(pinned, 0x777);
    assert_false(grant_pinned_mfn(grant_slot(a), DA, 9, &pinned));
    /* Bad arguments. */
    assert_int_equal(grant_map_alloc(b, grant_slot(a), DA, 7, GNTMAP_readonly, 0, 0, &h2), -XEN_EINVAL);
    assert_int_equal(grant_map_alloc(b, grant_slot(a), DA, 7, GNTMAP_host_map | GNTMAP_device_map, 0, 0, &h2),
                     -XEN_EINVAL);
    assert_int_equal(grant_map_alloc(b, DOMAIN_MAX, DA, 7, GNTMAP_host_map, 0, 0, &h2), -XEN_EINVAL);
    assert_int_equal(grant_map_alloc(b, grant_slot(a), DA, GRANT_MAX_ENTRIES, GNTMAP_host_map, 0, 0, &h2),
                     -XEN_EINVAL);
    assert_int_equal(grant_map_get(b, GRANT_MAPTRACK_MAX, &m), -XEN_EINVAL);
    assert_int_equal(grant_map_get(b, h + 1, &m), -XEN_EINVAL);
    /* Full. */
    for (unsigned i = 1; i < GRANT_MAPTRACK_MAX; i++)
        assert_int_equal(grant_map_alloc(b, grant_slot(a), DA, i, GNTMAP_host_map | GNTMAP_readonly, i, i, &h2),
                         0);
    assert_false(grant_map_room(b));
    assert_int_equal(grant_map_alloc(b, grant_slot(a), DA, 1, GNTMAP_host_map, 0, 0, &h2), -XEN_ENOSPC);
    grant_map_free(b, h);
    grant_map_free(b, GRANT_MAPTRACK_MAX);          /* ignored */
    assert_true(grant_map_room(b));
    assert_int_equal(grant_map_get(b, h, &m), -XEN_EINVAL);
    assert_int_equal(grant_pin_flags(grant_slot(a), DA, 7), GTF_reading);   /* read-only one left */
    /* Entries without their p2m side break the invariant. */
    assert_false(fx_invariants());
    forget_maps(b);
    assert_true(fx_invariants());
}

static void test_unpin(void **state)
{
    struct domain *a, *b;
    grant_handle_t hr, hw;
    uint32_t sa;
    (void)state;

    a = gdom(DA);
    b = gdom(DB);
    sa = grant_slot(a);
    grant(a, 5, GTF_permit_access | GTF_reading | GTF_writing, DB, GFN_A_DATA);
    assert_int_equal(grant_map_alloc(b, sa, DA, 5, GNTMAP_host_map | GNTMAP_readonly, 1, 1, &hr), 0);
    assert_int_equal(grant_map_alloc(b, sa, DA, 5, GNTMAP_host_map, 2, 1, &hw), 0);
    grant_map_free(b, hw);
    grant_unpin(sa, DA, 5);
    assert_int_equal(entry(a, 5)->flags, GTF_permit_access | GTF_reading);
    grant_map_free(b, hr);
    grant_unpin(sa, DA, 5);
    assert_int_equal(entry(a, 5)->flags, GTF_permit_access);
    /* A granter that is gone (or another id in its slot) is left alone. */
    grant(a, 5, GTF_permit_access | GTF_reading, DB, GFN_A_DATA);
    grant_unpin(sa, 9, 5);
    assert_int_equal(entry(a, 5)->flags, GTF_permit_access | GTF_reading);
}

static void test_destroy_drops_mappings(void **state)
{
    struct domain *a, *b, *c;
    struct gnttab_map_grant_ref op;
    grant_handle_t h;
    mfn_t fa, fc, fb;
    (void)state;

    a = gdom(DA);
    b = gdom(DB);
    c = gdom(3);
    fa = mfn_of(a, GFN_A_DATA);
    fb = mfn_of(b, GFN_B_DATA);
    fc = mfn_of(c, 0x40);
    grant(a, 1, GTF_permit_access, DB, GFN_A_DATA);
    grant(c, 1, GTF_permit_access, DB, 0x40);
    grant(b, 0, GTF_permit_access, 3, GFN_B_DATA);
    op = (struct gnttab_map_grant_ref){ .host_addr = 0x300000, .flags = GNTMAP_host_map, .ref = 1, .dom = DA };
    assert_int_equal(grant_op_map(b, &op, &h), GNTST_okay);
    op = (struct gnttab_map_grant_ref){ .host_addr = 0x301000, .flags = GNTMAP_host_map | GNTMAP_readonly,
                                        .ref = 1, .dom = 3 };
    assert_int_equal(grant_op_map(b, &op, &h), GNTST_okay);
    op = (struct gnttab_map_grant_ref){ .host_addr = 0x302000, .flags = GNTMAP_host_map, .ref = 0, .dom = DB };
    assert_int_equal(grant_op_map(c, &op, &h), GNTST_okay);
    assert_int_equal(entry(a, 1)->flags, GTF_permit_access | GTF_reading | GTF_writing);
    assert_int_equal(entry(c, 1)->flags, GTF_permit_access | GTF_reading);
    assert_int_equal(frame_refcount(fa), 2);         /* A's own leaf and B's grant leaf */
    assert_int_equal(b->nr_granted, 1);
    assert_true(fx_invariants());
    /* While C maps one of B's frames, B cannot go. */
    assert_int_equal(domain_destroy(DB), -XEN_EBUSY);
    assert_true(fx_invariants());
    /* B dies: its mappings of A's and C's grants go, and so does C's mapping of B's. */
    grant_domain_destroy(b);
    assert_int_equal(entry(a, 1)->flags, GTF_permit_access);
    assert_int_equal(entry(c, 1)->flags, GTF_permit_access);
    assert_int_equal(grant_map_get(c, h, &(struct grant_map){ 0 }), -XEN_EINVAL);
    assert_true(unmapped(b, 0x300));
    assert_true(unmapped(b, 0x301));
    assert_true(unmapped(c, 0x302));
    assert_int_equal(frame_refcount(fa), 1);
    assert_int_equal(frame_refcount(fc), 1);
    assert_int_equal(frame_refcount(fb), 1);
    assert_int_equal(b->nr_granted, 0);
    assert_int_equal(b->p2m.nr_foreign, 0);
    assert_int_equal(c->p2m.nr_foreign, 0);
    assert_true(slot_empty(grant_slot(b)));
    assert_false(grant_active(b));
    assert_true(fx_invariants());
    assert_int_equal(domain_destroy(DB), 0);
    assert_true(fx_invariants());
}

/* ---- operations ---------------------------------------------------------------------------------- */

static struct gnttab_map_grant_ref map_req(domid_t dom, grant_ref_t ref, uint32_t flags)
{
    return (struct gnttab_map_grant_ref){ .host_addr = 0x500000, .flags = flags, .ref = ref, .dom = dom };
}

static void test_op_map_errors(void **state)
{
    struct domain *a, *b;
    struct gnttab_map_grant_ref op;
    grant_handle_t h = 0xABCD;
    mfn_t fa;
    (void)state;

    a = gdom(DA);
    b = gdom(DB);
    fa = mfn_of(a, GFN_A_DATA);
    grant(a, 3, GTF_permit_access, DB, GFN_A_DATA);
    grant(a, 4, GTF_permit_access | GTF_readonly, DB, GFN_A_DATA);
    grant(a, 5, GTF_permit_access, 7, GFN_A_DATA);             /* for someone else */
    grant(a, 6, GTF_accept_transfer, DB, GFN_A_DATA);
    grant(a, 8, GTF_permit_access, DB, 0x7FFF0);               /* not mapped in A */
    grant(a, 9, GTF_permit_access, DB, FX_PAGE_GFN + FX_RO);   /* read-only in A's p2m */
    op = map_req(DA, 3, 0);
    assert_int_equal(grant_op_map(b, &op, &h), GNTST_bad_gntref);
    op = map_req(DA, 3, GNTMAP_readonly);
    assert_int_equal(grant_op_map(b, &op, &h), GNTST_bad_gntref);
    op = map_req(DA, 3, GNTMAP_device_map);                    /* no device mapping for HVM */
    assert_int_equal(grant_op_map(b, &op, &h), GNTST_general_error);
    op = map_req(DA, 3, GNTMAP_host_map | GNTMAP_device_map);
    assert_int_equal(grant_op_map(b, &op, &h), GNTST_general_error);
    op = map_req(DA, 3, GNTMAP_host_map | GNTMAP_contains_pte);
    assert_int_equal(grant_op_map(b, &op, &h), GNTST_general_error);
    op = map_req(DA, 3, GNTMAP_host_map | GNTMAP_application_map);
    assert_int_equal(grant_op_map(b, &op, &h), GNTST_general_error);
    op = map_req(9, 3, GNTMAP_host_map);
    assert_int_equal(grant_op_map(b, &op, &h), GNTST_bad_domain);
    op = map_req(DOMID_SELF, 3, GNTMAP_host_map);             /* not translated for map */
    assert_int_equal(grant_op_map(b, &op, &h), GNTST_bad_domain);
    op = map_req(DA, 512, GNTMAP_host_map);
    assert_int_equal(grant_op_map(b, &op, &h), GNTST_bad_gntref);
    op = map_req(DA, 0xFFFFFFFFU, GNTMAP_host_map);
    assert_int_equal(grant_op_map(b, &op, &h), GNTST_bad_gntref);
    op = map_req(DA, 4, GNTMAP_host_map);                      /* write a read-only grant */
    assert_int_equal(grant_op_map(b, &op, &h), GNTST_general_error);
    op = map_req(DA, 5, GNTMAP_host_map | GNTMAP_readonly);    /* not granted to B */
    assert_int_equal(grant_op_map(b, &op, &h), GNTST_general_error);
    op = map_req(DA, 6, GNTMAP_host_map | GNTMAP_readonly);
    assert_int_equal(grant_op_map(b, &op, &h), GNTST_general_error);
    op = map_req(DA, 7, GNTMAP_host_map | GNTMAP_readonly);    /* never written: GTF_invalid */
    assert_int_equal(grant_op_map(b, &op, &h), GNTST_general_error);
    op = map_req(DA, 8, GNTMAP_host_map | GNTMAP_readonly);
    assert_int_equal(grant_op_map(b, &op, &h), GNTST_bad_page);
    op = map_req(DA, 9, GNTMAP_host_map);
    assert_int_equal(grant_op_map(b, &op, &h), GNTST_bad_page);
    op = map_req(DA, 3, GNTMAP_host_map);
    op.host_addr = (P2M_MAX_GFN + 1) << PAGE_SHIFT;
    assert_int_equal(grant_op_map(b, &op, &h), GNTST_general_error);
    /* A domain without grant state grants nothing. */
    (void)fx_domain(4, 0, FX_LONG);
    op = map_req(4, 3, GNTMAP_host_map);
    assert_int_equal(grant_op_map(b, &op, &h), GNTST_bad_domain);
    /* Nothing changed anywhere. */
    assert_int_equal(h, 0xABCD);
    assert_int_equal(entry(a, 3)->flags, GTF_permit_access);
    assert_int_equal(entry(a, 4)->flags, GTF_permit_access | GTF_readonly);
    assert_true(unmapped(b, 0x500));
    assert_int_equal(b->p2m.nr_foreign, 0);
    assert_int_equal(frame_refcount(fa), 1);
    assert_int_equal(grant_pin_flags(grant_slot(a), DA, 3), 0);
    assert_true(fx_invariants());
}

static void test_op_map_and_access(void **state)
{
    struct domain *a, *b;
    struct gnttab_map_grant_ref op;
    grant_handle_t hw = 0xABCD, hr = 0xABCD;
    uint8_t buf[16];
    uint8_t *pa;
    mfn_t fa;
    struct grant_map m;
    (void)state;

    a = gdom(DA);
    b = gdom(DB);
    fa = mfn_of(a, GFN_A_DATA);
    pa = sim_frame(fa);
    memcpy(pa + 64, "A's own bytes", 13);
    grant(a, 3, GTF_permit_access, DB, GFN_A_DATA);
    grant(a, 4, GTF_permit_access | GTF_readonly, DB, GFN_A_DATA);
    /* Read-write: the frame appears at gfn 0x500 of B, the entry is pinned both ways. */
    op = map_req(DA, 3, GNTMAP_host_map);
    assert_int_equal(grant_op_map(b, &op, &hw), GNTST_okay);
    assert_true(hw < GRANT_MAPTRACK_MAX);
    assert_int_equal(entry(a, 3)->flags, GTF_permit_access | GTF_reading | GTF_writing);
    assert_int_equal(mfn_of(b, 0x500), fa);
    assert_int_equal(frame_owner(fa), DA);                    /* still A's, counted as A's */
    assert_int_equal(frame_refcount(fa), 2);
    assert_int_equal(a->nr_granted, 1);
    assert_int_equal(b->p2m.nr_foreign, 1);
    assert_int_equal(grant_map_get(b, hw, &m), 0);
    assert_int_equal(m.flags, GNTMAP_host_map);
    assert_int_equal(m.gfn, 0x500);
    assert_int_equal(m.mfn, fa);
    assert_true(fx_invariants());
    /* B reads A's bytes through its own guest-physical address, and writes back. */
    assert_int_equal(copy_from_guest_phys(&b->p2m, buf, 0x500000 + 64, 13), 0);
    assert_memory_equal(buf, "A's own bytes", 13);
    assert_int_equal(copy_to_guest_phys(&b->p2m, 0x500000 + 200, "from B", 6), 0);
    assert_memory_equal(pa + 200, "from B", 6);
    /* Read-only: readable, never writable; only GTF_reading for it. */
    op = map_req(DA, 4, GNTMAP_host_map | GNTMAP_readonly);
    op.host_addr = 0x501000;
    assert_int_equal(grant_op_map(b, &op, &hr), GNTST_okay);
    assert_int_not_equal(hr, hw);
    assert_int_equal(entry(a, 4)->flags, GTF_permit_access | GTF_readonly | GTF_reading);
    assert_int_equal(copy_from_guest_phys(&b->p2m, buf, 0x501000 + 200, 6), 0);
    assert_memory_equal(buf, "from B", 6);
    memset(buf, 0x77, sizeof(buf));
    assert_int_equal(copy_to_guest_phys(&b->p2m, 0x501000 + 300, buf, 4), -XEN_EFAULT);
    assert_int_equal(pa[300], 0);
    {
        mfn_t got;
        unsigned acc;

        assert_int_equal(domain_lookup(DB, 0x501, &got, &acc), 0);
        assert_int_equal(acc, P2M_ACCESS_R);                   /* read-only, not executable */
        assert_int_equal(domain_lookup(DB, 0x500, &got, &acc), 0);
        assert_int_equal(acc, P2M_ACCESS_R | P2M_ACCESS_W);
    }
    assert_int_equal(frame_refcount(fa), 3);
    assert_int_equal(a->nr_granted, 2);
    assert_true(fx_invariants());
    /* B's own tot_pages never counts A's frame. */
    assert_int_equal(b->tot_pages, FX_RAM);
}

static void test_op_map_over_mappings(void **state)
{
    struct domain *a, *b;
    struct gnttab_map_grant_ref op;
    grant_handle_t h, h2 = 0xABCD;
    mfn_t fa, ram;
    uint64_t tot;
    (void)state;

    a = gdom(DA);
    b = gdom(DB);
    fa = mfn_of(a, GFN_A_DATA);
    grant(a, 3, GTF_permit_access, DB, GFN_A_DATA);
    grant(a, 4, GTF_permit_access, DB, GFN_A_DATA + 1);
    /* Over B's RAM: as in Xen, the grant takes the place; the page stays B's, unmapped. */
    ram = mfn_of(b, GFN_B_DATA);
    tot = b->tot_pages;
    op = map_req(DA, 3, GNTMAP_host_map);
    op.host_addr = (uint64_t)GFN_B_DATA << PAGE_SHIFT;
    assert_int_equal(grant_op_map(b, &op, &h), GNTST_okay);
    assert_int_equal(mfn_of(b, GFN_B_DATA), fa);
    assert_int_equal(frame_owner(ram), DB);
    assert_int_equal(frame_refcount(ram), 0);
    assert_int_equal(b->tot_pages, tot);
    assert_true(fx_invariants());
    /* Over a grant mapping: refused, as in Xen; nothing changes. */
    op = map_req(DA, 4, GNTMAP_host_map);
    op.host_addr = (uint64_t)GFN_B_DATA << PAGE_SHIFT;
    assert_int_equal(grant_op_map(b, &op, &h2), GNTST_general_error);
    assert_int_equal(h2, 0xABCD);
    assert_int_equal(mfn_of(b, GFN_B_DATA), fa);
    assert_int_equal(entry(a, 4)->flags, GTF_permit_access);
    assert_int_equal(grant_pin_flags(grant_slot(a), DA, 4), 0);
    assert_int_equal(b->p2m.nr_foreign, 1);
    assert_true(fx_invariants());
    /* ... and the ordinary p2m paths cannot take the grant away or change it. */
    assert_int_equal(domain_unmap(DB, GFN_B_DATA, P2M_ORDER_4K), -XEN_ENXIO);
    assert_int_equal(domain_set_access(DB, GFN_B_DATA, P2M_ORDER_4K, P2M_ACCESS_RWX), -XEN_ENXIO);
    assert_int_equal(domain_map(DB, GFN_B_DATA, ram, P2M_ORDER_4K, P2M_ACCESS_RWX), -XEN_EINVAL);
    assert_int_equal(mfn_of(b, GFN_B_DATA), fa);
    /* After the unmap the gfn is a hole; B's page can go back there. */
    assert_int_equal(grant_op_unmap(b, &(struct gnttab_unmap_grant_ref){
                                            .host_addr = (uint64_t)GFN_B_DATA << PAGE_SHIFT, .handle = h }),
                     GNTST_okay);
    assert_true(unmapped(b, GFN_B_DATA));
    assert_int_equal(domain_map(DB, GFN_B_DATA, ram, P2M_ORDER_4K, P2M_ACCESS_RWX), 0);
    assert_true(fx_invariants());
}

static void test_op_map_pinned(void **state)
{
    struct domain *a, *b;
    struct gnttab_map_grant_ref op;
    grant_handle_t h1, h2, h3;
    mfn_t fa;
    (void)state;

    a = gdom(DA);
    b = gdom(DB);
    fa = mfn_of(a, GFN_A_DATA);
    grant(a, 3, GTF_permit_access, DB, GFN_A_DATA);
    op = map_req(DA, 3, GNTMAP_host_map | GNTMAP_readonly);
    op.host_addr = 0x600000;
    assert_int_equal(grant_op_map(b, &op, &h1), GNTST_okay);
    /* A mapping pins the grant: a second read-only one does not look at the entry again
     * (here withdrawn and pointed elsewhere) and gets the pinned frame. */
    grant(a, 3, GTF_invalid, 0, GFN_A_DATA + 1);
    op.host_addr = 0x601000;
    assert_int_equal(grant_op_map(b, &op, &h2), GNTST_okay);
    assert_int_equal(mfn_of(b, 0x601), fa);
    /* ... but a write mapping over a read-only pin checks it. */
    op = map_req(DA, 3, GNTMAP_host_map);
    op.host_addr = 0x602000;
    assert_int_equal(grant_op_map(b, &op, &h3), GNTST_general_error);
    assert_true(unmapped(b, 0x602));
    grant(a, 3, GTF_permit_access, DB, GFN_A_DATA + 1);
    assert_int_equal(grant_op_map(b, &op, &h3), GNTST_okay);
    assert_int_equal(mfn_of(b, 0x602), fa);                  /* still the frame first pinned */
    assert_int_equal(entry(a, 3)->flags, GTF_permit_access | GTF_reading | GTF_writing);
    assert_int_equal(frame_refcount(fa), 4);
    assert_true(fx_invariants());
}

static void test_op_map_table_full(void **state)
{
    struct domain *a, *b;
    struct gnttab_map_grant_ref op;
    grant_handle_t h;
    unsigned n = 0;
    (void)state;

    a = gdom(DA);
    b = gdom(DB);
    grant(a, 3, GTF_permit_access | GTF_readonly, DB, GFN_A_DATA);
    op = map_req(DA, 3, GNTMAP_host_map | GNTMAP_readonly);
    while (grant_map_room(b)) {
        op.host_addr = (0x1000ULL + n) << PAGE_SHIFT;
        assert_int_equal(grant_op_map(b, &op, &h), GNTST_okay);
        n++;
    }
    assert_int_equal(n, GRANT_MAPTRACK_MAX);
    assert_int_equal(b->p2m.nr_foreign, GRANT_MAPTRACK_MAX);
    op.host_addr = (0x1000ULL + n) << PAGE_SHIFT;
    assert_int_equal(grant_op_map(b, &op, &h), GNTST_no_space);
    assert_true(unmapped(b, 0x1000 + n));
    assert_true(fx_invariants());
    /* One unmapped: room for one again. */
    assert_int_equal(grant_op_unmap(b, &(struct gnttab_unmap_grant_ref){ .host_addr = 0x1000000, .handle = 0 }),
                     GNTST_okay);
    assert_int_equal(grant_op_map(b, &op, &h), GNTST_okay);
    assert_int_equal(h, 0);
    assert_true(fx_invariants());
}

static void test_op_unmap(void **state)
{
    struct domain *a, *b;
    struct gnttab_map_grant_ref mop;
    struct gnttab_unmap_grant_ref op = { 0 };
    grant_handle_t hw, hr;
    struct grant_map m;
    mfn_t fa;
    (void)state;

    a = gdom(DA);
    b = gdom(DB);
    fa = mfn_of(a, GFN_A_DATA);
    op.handle = 0;
    assert_int_equal(grant_op_unmap(b, &op), GNTST_bad_handle);
    op.handle = GRANT_MAPTRACK_MAX;
    assert_int_equal(grant_op_unmap(b, &op), GNTST_bad_handle);
    op.handle = 0xFFFF;
    assert_int_equal(grant_op_unmap(b, &op), GNTST_bad_handle);
    grant(a, 3, GTF_permit_access, DB, GFN_A_DATA);
    mop = map_req(DA, 3, GNTMAP_host_map);
    mop.host_addr = 0x600000;
    assert_int_equal(grant_op_map(b, &mop, &hw), GNTST_okay);
    mop.flags |= GNTMAP_readonly;
    mop.host_addr = 0x601000;
    assert_int_equal(grant_op_map(b, &mop, &hr), GNTST_okay);
    op.handle = hw;
    op.host_addr = 0;
    assert_int_equal(grant_op_unmap(b, &op), GNTST_okay);          /* nothing asked */
    assert_int_equal(mfn_of(b, 0x600), fa);
    op.host_addr = 0x601000;
    assert_int_equal(grant_op_unmap(b, &op), GNTST_general_error);  /* not where it is */
    assert_int_equal(mfn_of(b, 0x600), fa);
    assert_int_equal(mfn_of(b, 0x601), fa);
    assert_int_equal(grant_map_get(b, hw, &m), 0);                  /* still tracked */
    assert_true(fx_invariants());
    /* The writable one goes: GTF_writing with it; the gfn is a hole. */
    op.host_addr = 0x600123;                                         /* any offset in the page */
    op.dev_bus_addr = 0x1234000;                                     /* no device mapping: ignored */
    assert_int_equal(grant_op_unmap(b, &op), GNTST_okay);
    assert_true(unmapped(b, 0x600));
    assert_int_equal(grant_map_get(b, hw, &m), -XEN_EINVAL);
    assert_int_equal(entry(a, 3)->flags, GTF_permit_access | GTF_reading);
    assert_int_equal(frame_refcount(fa), 2);
    assert_int_equal(a->nr_granted, 1);
    assert_true(fx_invariants());
    assert_int_equal(grant_op_unmap(b, &op), GNTST_bad_handle);     /* twice */
    /* The last one goes: no pin left, no reference left. */
    op.handle = hr;
    op.host_addr = 0x601000;
    assert_int_equal(grant_op_unmap(b, &op), GNTST_okay);
    assert_int_equal(entry(a, 3)->flags, GTF_permit_access);
    assert_int_equal(frame_refcount(fa), 1);
    assert_int_equal(a->nr_granted, 0);
    assert_int_equal(b->p2m.nr_foreign, 0);
    assert_true(fx_invariants());
}

static struct grant_copy_req copy_req(uint64_t src, domid_t sdom, uint64_t dst, domid_t ddom, uint16_t len,
                                      uint16_t flags)
{
    return (struct grant_copy_req){ .source = { src, sdom, 0 }, .dest = { dst, ddom, 0 }, .len = len,
                                    .flags = flags };
}

static void test_op_copy_two_domains(void **state)
{
    struct domain *a, *b;
    struct grant_copy_req r;
    uint8_t *pa, *pb;
    (void)state;

    a = gdom(DA);
    b = gdom(DB);
    pa = sim_frame(mfn_of(a, GFN_A_DATA));
    pb = sim_frame(mfn_of(b, GFN_B_DATA));
    memcpy(pa + 100, "granted bytes", 13);
    grant(a, 1, GTF_permit_access, DB, GFN_A_DATA);
    grant(a, 2, GTF_permit_access | GTF_readonly, DB, GFN_A_DATA);
    /* B reads A's page through the grant, into its own page... */
    r = copy_req(1, DA, GFN_B_DATA, DOMID_SELF, 13, GNTCOPY_source_gref);
    r.source.offset = 100;
    r.dest.offset = 7;
    assert_int_equal(grant_op_copy(b, &r), GNTST_okay);
    assert_memory_equal(pb + 7, "granted bytes", 13);
    /* ... through a read-only grant as well, and writes back through the writable one. */
    r = copy_req(2, DA, GFN_B_DATA, DOMID_SELF, 7, GNTCOPY_source_gref);
    r.source.offset = 100;
    assert_int_equal(grant_op_copy(b, &r), GNTST_okay);
    memcpy(pb + 2000, "reply", 5);
    r = copy_req(GFN_B_DATA, DOMID_SELF, 1, DA, 5, GNTCOPY_dest_gref);
    r.source.offset = 2000;
    r.dest.offset = 4091;
    assert_int_equal(grant_op_copy(b, &r), GNTST_okay);
    assert_memory_equal(pa + 4091, "reply", 5);
    /* No bit is left set in the entries. */
    assert_int_equal(entry(a, 1)->flags, GTF_permit_access);
    /* Both sides grants: B copies from one of A's grants to another of A's. */
    r = copy_req(1, DA, 1, DA, 5, GNTCOPY_source_gref | GNTCOPY_dest_gref);
    r.source.offset = 4091;
    assert_int_equal(grant_op_copy(b, &r), GNTST_okay);
    assert_memory_equal(pa, "reply", 5);
    /* The grant's upper union bytes are not part of the ref. */
    r = copy_req(0xFFFFFFFF00000001ULL, DA, GFN_B_DATA, DOMID_SELF, 1, GNTCOPY_source_gref);
    assert_int_equal(grant_op_copy(b, &r), GNTST_okay);
}

static void test_op_copy_errors(void **state)
{
    struct domain *a, *b;
    struct grant_copy_req r;
    (void)state;

    a = gdom(DA);
    b = gdom(DB);
    grant(a, 1, GTF_permit_access, DB, GFN_A_DATA);
    grant(a, 2, GTF_permit_access | GTF_readonly, DB, GFN_A_DATA);
    grant(a, 3, GTF_permit_access, 3, GFN_A_DATA);
    grant(a, 4, GTF_permit_access, DB, 0x7FFF0);
    r = copy_req(1, DA, GFN_B_DATA, DOMID_SELF, 1, GNTCOPY_source_gref);
    r.source.offset = 4096;
    assert_int_equal(grant_op_copy(b, &r), GNTST_bad_copy_arg);
    r = copy_req(1, DA, GFN_B_DATA, DOMID_SELF, 2, GNTCOPY_source_gref);
    r.dest.offset = 4095;
    assert_int_equal(grant_op_copy(b, &r), GNTST_bad_copy_arg);
    r = copy_req(GFN_B_DATA, DB, GFN_B_DATA, DOMID_SELF, 1, 0);   /* a gmfn of its own, by id */
    assert_int_equal(grant_op_copy(b, &r), GNTST_okay);
    r = copy_req(GFN_B_DATA, DOMID_SELF, GFN_A_DATA, DA, 1, 0);    /* another domain's gmfn */
    assert_int_equal(grant_op_copy(b, &r), GNTST_permission_denied);
    r = copy_req(GFN_B_DATA, 9, GFN_B_DATA, DOMID_SELF, 1, 0);     /* the domain is looked up first */
    assert_int_equal(grant_op_copy(b, &r), GNTST_bad_domain);
    r = copy_req(GFN_B_DATA, DOMID_SELF, GFN_B_DATA, 9, 1, 0);
    assert_int_equal(grant_op_copy(b, &r), GNTST_bad_domain);
    r = copy_req(1, 9, GFN_B_DATA, DOMID_SELF, 1, GNTCOPY_source_gref);
    assert_int_equal(grant_op_copy(b, &r), GNTST_bad_domain);
    r = copy_req(GFN_B_DATA, DOMID_SELF, 1, 9, 1, GNTCOPY_dest_gref);
    assert_int_equal(grant_op_copy(b, &r), GNTST_bad_domain);
    r = copy_req(600, DA, GFN_B_DATA, DOMID_SELF, 1, GNTCOPY_source_gref);
    assert_int_equal(grant_op_copy(b, &r), GNTST_bad_gntref);
    r = copy_req(3, DA, GFN_B_DATA, DOMID_SELF, 1, GNTCOPY_source_gref);
    assert_int_equal(grant_op_copy(b, &r), GNTST_general_error);  /* granted to someone else */
    r = copy_req(GFN_B_DATA, DOMID_SELF, 2, DA, 1, GNTCOPY_dest_gref);
    assert_int_equal(grant_op_copy(b, &r), GNTST_general_error);  /* read-only grant as destination */
    r = copy_req(4, DA, GFN_B_DATA, DOMID_SELF, 1, GNTCOPY_source_gref);
    assert_int_equal(grant_op_copy(b, &r), GNTST_bad_page);       /* granted gfn not mapped */
    r = copy_req(FX_PAGE_GFN + FX_HOLE, DOMID_SELF, GFN_B_DATA, DOMID_SELF, 1, 0);
    assert_int_equal(grant_op_copy(b, &r), GNTST_bad_page);
    r = copy_req(GFN_B_DATA, DOMID_SELF, FX_PAGE_GFN + FX_RO, DOMID_SELF, 1, 0);
    assert_int_equal(grant_op_copy(b, &r), GNTST_bad_page);       /* read-only destination */
    r = copy_req(P2M_MAX_GFN + 1, DOMID_SELF, GFN_B_DATA, DOMID_SELF, 1, 0);
    assert_int_equal(grant_op_copy(b, &r), GNTST_bad_page);
    r = copy_req(FX_PAGE_GFN + FX_RO, DOMID_SELF, GFN_B_DATA, DOMID_SELF, 1, 0);
    assert_int_equal(grant_op_copy(b, &r), GNTST_okay);           /* read-only source is fine */
    /* A domain without grant state is no grant domain. */
    grant_domain_destroy(a);
    r = copy_req(1, DA, GFN_B_DATA, DOMID_SELF, 1, GNTCOPY_source_gref);
    assert_int_equal(grant_op_copy(b, &r), GNTST_bad_domain);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_slots, setup, teardown),
        cmocka_unit_test_setup_teardown(test_frames_grow, setup, teardown),
        cmocka_unit_test_setup_teardown(test_frames_out_of_memory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_entries, setup, teardown),
        cmocka_unit_test_setup_teardown(test_frame_copy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_maptrack, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unpin, setup, teardown),
        cmocka_unit_test_setup_teardown(test_destroy_drops_mappings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_op_map_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_op_map_and_access, setup, teardown),
        cmocka_unit_test_setup_teardown(test_op_map_over_mappings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_op_map_pinned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_op_map_table_full, setup, teardown),
        cmocka_unit_test_setup_teardown(test_op_unmap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_op_copy_two_domains, setup, teardown),
        cmocka_unit_test_setup_teardown(test_op_copy_errors, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
