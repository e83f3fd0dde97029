// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of grant_table_op through the hypercall entry, as a guest sees
 * it: arguments and status fields in guest memory, 64-bit and 32-bit
 * layouts, every sub-op's errors, grant frames placed with add_to_physmap
 * (space 1) and filled by the guest itself, two domains copying through
 * grants and mapping them (the mapper's guest accesses reach the granter's
 * page; read-only maps refuse writes), preemption of long batches, and
 * memory_op's view of grant frames and grant mappings (reservations,
 * add_to_physmap over a mapped grant).  Every result must be one the
 * hypercall table declares, and the whole-system invariant holds after
 * every test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_hc_fixture.h"
#include "hv/frame_ref.h"
#include "hv/grant_table.h"

#define DA 1
#define DB 2
#define ARGP 5               /* argument page */
#define GT_GFN 0x200U        /* where the tests place grant frame 0 (above the argument pages) */

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

static struct vcpu *gdom(domid_t id, uint32_t flags, enum fx_mode mode)
{
    struct vcpu *v = fx_domain(id, flags, mode);

    grant_domain_init(v->domain);
    return v;
}

static int64_t gcall(struct vcpu *v, uint32_t cmd, uint64_t addr, uint32_t count)
{
    int64_t rc = FX_CALL3(v, HYPERVISOR_grant_table_op, cmd, addr, count);

    assert_true(fx_declared(HYPERVISOR_grant_table_op, rc));
    return rc;
}

/* Argument at page ARGP, offset 64; the result read back into buf. */
static int64_t gop(struct vcpu *v, uint32_t cmd, void *buf, size_t len, uint32_t count)
{
    int64_t rc;

    fx_put(v, ARGP, 64, buf, len);
    rc = gcall(v, cmd, fx_addr(v, ARGP, 64), count);
    fx_get(v, ARGP, 64, buf, len);
    return rc;
}

static int64_t xatp(struct vcpu *v, domid_t dom, uint32_t space, uint64_t idx, uint64_t gpfn)
{
    struct xen_add_to_physmap x = { .domid = dom, .space = space, .idx = idx, .gpfn = gpfn };
    struct xen_add_to_physmap_compat c = { .domid = dom, .space = space, .idx = (uint32_t)idx,
                                           .gpfn = (uint32_t)gpfn };
    int64_t rc;

    if (v->state.cs_mode == VCPU_CS_64)
        fx_put(v, ARGP + 1, 0, &x, sizeof(x));
    else
        fx_put(v, ARGP + 1, 0, &c, sizeof(c));
    rc = FX_CALL2(v, HYPERVISOR_memory_op, XENMEM_add_to_physmap, fx_addr(v, ARGP + 1, 0));
    assert_true(fx_declared(HYPERVISOR_memory_op, rc));
    return rc;
}

static mfn_t mfn_at(const struct domain *d, gfn_t g)
{
    mfn_t m;
    unsigned a;

    return domain_lookup(d->id, g, &m, &a) == 0 ? m : INVALID_MFN;
}

/* The guest writes grant entry ref of its table, placed at GT_GFN, through its own mapping. */
static void guest_grant(struct vcpu *v, grant_ref_t ref, uint16_t flags, domid_t to, uint32_t frame)
{
    struct grant_entry_v1 e = { .flags = flags, .domid = to, .frame = frame };

    memcpy(fx_gpa(v->domain, (uint64_t)GT_GFN * PAGE_SIZE + ref * 8U), &e, sizeof(e));
}

/* ---- the call itself ------------------------------------------------------------------ */

static void test_call_errors(void **state)
{
    static const uint32_t absent[] = { GNTTABOP_dump_table, GNTTABOP_transfer, GNTTABOP_unmap_and_replace,
                                       GNTTABOP_get_status_frames, GNTTABOP_swap_grant_ref, 13, 0xFFF };
    struct vcpu *v, *w;
    (void)state;

    w = fx_domain(3, 0, FX_LONG);                   /* no grant state */
    assert_int_equal(gcall(w, GNTTABOP_query_size, fx_addr(w, ARGP, 0), 1), -XEN_ENOSYS);
    v = gdom(DA, 0, FX_LONG);
    for (size_t i = 0; i < HV_ARRAY_SIZE(absent); i++)
        assert_int_equal(gcall(v, absent[i], fx_addr(v, ARGP, 0), 1), -XEN_ENOSYS);
    assert_int_equal(gcall(v, GNTTABOP_copy, fx_addr(v, ARGP, 0), 0x80000000U), -XEN_EINVAL);
    /* What Xen refuses to HVM guests: continuation bits in cmd, cache_flush. */
    assert_int_equal(gcall(v, GNTTABOP_copy | (1U << 12), fx_addr(v, ARGP, 0), 1), -XEN_ENOSYS);
    assert_int_equal(gcall(v, GNTTABOP_query_size | (1U << 12), fx_addr(v, ARGP, 0), 1), -XEN_ENOSYS);
    assert_int_equal(gcall(v, GNTTABOP_cache_flush | (5U << 12), fx_addr(v, ARGP, 0), 1), -XEN_ENOSYS);
    assert_int_equal(gcall(v, GNTTABOP_cache_flush, fx_addr(v, ARGP, 0), 1), -XEN_ENOSYS);
    assert_int_equal(gcall(v, GNTTABOP_cache_flush, fx_addr(v, ARGP, 0), 0x80000000U), -XEN_ENOSYS);
    /* Nothing to do. */
    assert_int_equal(gcall(v, GNTTABOP_copy, fx_addr(v, FX_HOLE, 0), 0), 0);
    assert_int_equal(gcall(v, GNTTABOP_map_grant_ref, fx_addr(v, FX_HOLE, 0), 0), 0);
    /* Unreadable records. */
    assert_int_equal(gcall(v, GNTTABOP_copy, fx_addr(v, FX_HOLE, 0), 1), -XEN_EFAULT);
    assert_int_equal(gcall(v, GNTTABOP_map_grant_ref, fx_addr(v, FX_HOLE, 0), 1), -XEN_EFAULT);
    assert_int_equal(gcall(v, GNTTABOP_unmap_grant_ref, fx_addr(v, FX_HOLE, 0), 1), -XEN_EFAULT);
    assert_int_equal(gcall(v, GNTTABOP_setup_table, fx_addr(v, FX_HOLE, 0), 1), -XEN_EFAULT);
    assert_int_equal(gcall(v, GNTTABOP_query_size, fx_addr(v, FX_HOLE, 0), 1), -XEN_EFAULT);
    assert_int_equal(gcall(v, GNTTABOP_set_version, fx_addr(v, FX_HOLE, 0), 1), -XEN_EFAULT);
    assert_int_equal(gcall(v, GNTTABOP_get_version, fx_addr(v, FX_HOLE, 0), 1), -XEN_EFAULT);
    /* Read-only records: nothing is done for a record whose status cannot be written. */
    assert_int_equal(gcall(v, GNTTABOP_copy, fx_addr(v, FX_RO, 0), 1), -XEN_EFAULT);
    assert_int_equal(gcall(v, GNTTABOP_map_grant_ref, fx_addr(v, FX_RO, 0), 1), -XEN_EFAULT);
    assert_int_equal(gcall(v, GNTTABOP_unmap_grant_ref, fx_addr(v, FX_RO, 0), 1), -XEN_EFAULT);
}

/* ---- setup_table, query_size, versions -------------------------------------------------- */

static void test_query_size(void **state)
{
    struct gnttab_query_size q = { .dom = DOMID_SELF, .nr_frames = 99, .max_nr_frames = 99, .status = 5 };
    struct vcpu *z, *u;
    (void)state;

    z = gdom(0, SIF_PRIVILEGED | SIF_INITDOMAIN, FX_LONG);
    u = gdom(DA, 0, FX_FLAT32);
    assert_int_equal(gop(u, GNTTABOP_query_size, &q, sizeof(q), 1), 0);
    assert_int_equal(q.status, GNTST_okay);
    assert_int_equal(q.nr_frames, 1);                           /* the first frame, as on Xen */
    assert_int_equal(q.max_nr_frames, GRANT_MAX_FRAMES);
    assert_int_equal(xatp(u, DOMID_SELF, XENMAPSPACE_grant_table, 1, GT_GFN), 0);
    q = (struct gnttab_query_size){ .dom = DA };
    assert_int_equal(gop(u, GNTTABOP_query_size, &q, sizeof(q), 1), 0);
    assert_int_equal(q.nr_frames, 2);
    q = (struct gnttab_query_size){ .dom = 0, .nr_frames = 77 };
    assert_int_equal(gop(u, GNTTABOP_query_size, &q, sizeof(q), 1), 0);
    assert_int_equal(q.status, GNTST_permission_denied);
    assert_int_equal(q.nr_frames, 77);
    q = (struct gnttab_query_size){ .dom = 9 };
    assert_int_equal(gop(z, GNTTABOP_query_size, &q, sizeof(q), 1), 0);
    assert_int_equal(q.status, GNTST_bad_domain);
    q = (struct gnttab_query_size){ .dom = DA };
    assert_int_equal(gop(z, GNTTABOP_query_size, &q, sizeof(q), 1), 0);
    assert_int_equal(q.status, GNTST_okay);
    assert_int_equal(q.nr_frames, 2);
    (void)fx_domain(3, 0, FX_LONG);
    q = (struct gnttab_query_size){ .dom = 3 };
    assert_int_equal(gop(z, GNTTABOP_query_size, &q, sizeof(q), 1), 0);
    assert_int_equal(q.status, GNTST_general_error);          /* no grant state */
    assert_int_equal(gop(z, GNTTABOP_query_size, &q, sizeof(q), 2), -XEN_EINVAL);
    assert_int_equal(gop(z, GNTTABOP_query_size, &q, sizeof(q), 0), -XEN_EINVAL);
    assert_int_equal(gcall(z, GNTTABOP_query_size, fx_addr(z, FX_RO, 0), 1), -XEN_EFAULT);
}

static void setup_64(struct vcpu *v, domid_t dom, uint32_t nr, struct gnttab_setup_table *s, uint64_t list)
{
    *s = (struct gnttab_setup_table){ .dom = dom, .nr_frames = nr, .status = 7, .frame_list = list };
    assert_int_equal(gop(v, GNTTABOP_setup_table, s, sizeof(*s), 1), 0);
}

static void test_setup_table(void **state)
{
    struct gnttab_setup_table s;
    uint64_t list[4];
    struct vcpu *v, *z;
    (void)state;

    z = gdom(0, SIF_PRIVILEGED | SIF_INITDOMAIN, FX_LONG);
    v = gdom(DA, 0, FX_LONG);
    fx_fill(v, ARGP + 2, 0x5A);
    setup_64(v, DOMID_SELF, 4, &s, fx_addr(v, ARGP + 2, 0));
    assert_int_equal(s.status, GNTST_okay);
    assert_int_equal(grant_nr_frames(v->domain), 4);
    fx_get(v, ARGP + 2, 0, list, sizeof(list));
    for (int i = 0; i < 4; i++)
        assert_int_equal(list[i], INVALID_GFN);                /* not placed yet */
    /* Placed frames report where they are. */
    assert_int_equal(xatp(v, DOMID_SELF, XENMAPSPACE_grant_table, 2, GT_GFN + 2), 0);
    setup_64(v, DA, 3, &s, fx_addr(v, ARGP + 2, 0));
    fx_get(v, ARGP + 2, 0, list, sizeof(list));
    assert_int_equal(list[2], GT_GFN + 2);
    assert_int_equal(list[3], INVALID_GFN);                    /* only nr_frames written */
    assert_int_equal(grant_nr_frames(v->domain), 4);           /* the table never shrinks */
    setup_64(v, DOMID_SELF, 0, &s, 0);
    assert_int_equal(s.status, GNTST_okay);
    /* Errors. */
    setup_64(v, DOMID_SELF, GRANT_MAX_FRAMES + 1, &s, fx_addr(v, ARGP + 2, 0));
    assert_int_equal(s.status, GNTST_general_error);
    setup_64(v, 0, 1, &s, fx_addr(v, ARGP + 2, 0));
    assert_int_equal(s.status, GNTST_permission_denied);
    setup_64(z, 9, 1, &s, fx_addr(z, ARGP + 2, 0));
    assert_int_equal(s.status, GNTST_bad_domain);
    setup_64(v, DOMID_SELF, 2, &s, fx_addr(v, FX_RO, 0));
    assert_int_equal(s.status, GNTST_bad_virt_addr);
    setup_64(z, DA, 6, &s, fx_addr(z, ARGP + 2, 0));           /* the initial domain may, for another */
    assert_int_equal(s.status, GNTST_okay);
    assert_int_equal(grant_nr_frames(v->domain), 6);
    assert_int_equal(gop(v, GNTTABOP_setup_table, &s, sizeof(s), 2), -XEN_EINVAL);
    assert_int_equal(gcall(v, GNTTABOP_setup_table, fx_addr(v, FX_RO, 0), 1), -XEN_EFAULT);
}

static void test_setup_table_out_of_memory(void **state)
{
    struct gnttab_setup_table s;
    struct vcpu *v;
    mfn_t m;
    (void)state;

    v = gdom(DA, 0, FX_LONG);
    assert_int_equal(domain_create(5, FX_FRAMES, PTE_FORMAT_NPT), 0);
    while (domain_alloc_ram(5, 0, &m) == 0)
        ;
    setup_64(v, DOMID_SELF, 1, &s, fx_addr(v, ARGP + 2, 0));
    assert_int_equal(s.status, GNTST_general_error);
    assert_int_equal(xatp(v, DOMID_SELF, XENMAPSPACE_grant_table, 0, GT_GFN), -XEN_ENOMEM);
}

static void test_setup_table_compat(void **state)
{
    struct gnttab_setup_table_compat c = { .dom = DOMID_SELF, .nr_frames = 3, .status = 7 };
    uint32_t list[4];
    struct vcpu *v;
    (void)state;

    v = gdom(DA, 0, FX_FLAT32);
    assert_int_equal(xatp(v, DOMID_SELF, XENMAPSPACE_grant_table, 1, GT_GFN), 0);
    fx_fill(v, ARGP + 2, 0x5A);
    c.frame_list = (uint32_t)fx_addr(v, ARGP + 2, 0);
    assert_int_equal(gop(v, GNTTABOP_setup_table, &c, sizeof(c), 1), 0);
    assert_int_equal(c.status, GNTST_okay);
    fx_get(v, ARGP + 2, 0, list, sizeof(list));
    assert_int_equal(list[0], 0xFFFFFFFFU);
    assert_int_equal(list[1], GT_GFN);
    assert_int_equal(list[2], 0xFFFFFFFFU);
    assert_int_equal(list[3], 0x5A5A5A5AU);                     /* 32-bit entries, 3 of them */
}

static void test_versions(void **state)
{
    struct gnttab_set_version s;
    struct gnttab_get_version g;
    struct vcpu *v;
    (void)state;

    v = gdom(DA, 0, FX_LONG);
    (void)gdom(DB, 0, FX_LONG);
    s.version = 1;
    assert_int_equal(gop(v, GNTTABOP_set_version, &s, sizeof(s), 1), 0);
    assert_int_equal(s.version, 1);
    s.version = 2;                                              /* v2 refused: Linux stays with v1 */
    assert_int_equal(gop(v, GNTTABOP_set_version, &s, sizeof(s), 1), -XEN_ENOSYS);
    assert_int_equal(s.version, 1);
    s.version = 3;
    assert_int_equal(gop(v, GNTTABOP_set_version, &s, sizeof(s), 1), -XEN_EINVAL);
    assert_int_equal(s.version, 1);
    s.version = 0;
    assert_int_equal(gop(v, GNTTABOP_set_version, &s, sizeof(s), 1), -XEN_EINVAL);
    assert_int_equal(gcall(v, GNTTABOP_set_version, fx_addr(v, FX_RO, 0), 1), -XEN_EFAULT);
    g = (struct gnttab_get_version){ .dom = DOMID_SELF, .version = 9 };
    assert_int_equal(gop(v, GNTTABOP_get_version, &g, sizeof(g), 1), 0);
    assert_int_equal(g.version, 1);
    g.dom = DB;
    assert_int_equal(gop(v, GNTTABOP_get_version, &g, sizeof(g), 1), -XEN_EPERM);
    g.dom = 9;
    assert_int_equal(gop(v, GNTTABOP_get_version, &g, sizeof(g), 1), -XEN_ESRCH);
    g = (struct gnttab_get_version){ .dom = DOMID_SELF };
    fx_put(v, FX_RO, 0, &g, sizeof(g));
    assert_int_equal(gcall(v, GNTTABOP_get_version, fx_addr(v, FX_RO, 0), 1), -XEN_EFAULT);
}

/* ---- add_to_physmap(grant_table) ---------------------------------------------------------------- */

static void test_add_to_physmap(void **state)
{
    struct vcpu *v;
    struct domain *d;
    mfn_t f0, ram;
    uint64_t tot;
    struct grant_entry_v1 e;
    (void)state;

    v = gdom(DA, 0, FX_LONG);
    d = v->domain;
    /* Frame 0 over a RAM page: the page goes back, the frame comes in. */
    ram = mfn_at(d, 0x40);
    tot = d->tot_pages;
    assert_int_equal(xatp(v, DOMID_SELF, XENMAPSPACE_grant_table, 0, 0x40), 0);
    f0 = mfn_at(d, 0x40);
    assert_int_not_equal(f0, ram);
    assert_int_equal(frame_owner(ram), FRAME_OWNER_FREE);
    assert_int_equal(d->tot_pages, tot);                        /* one page out, one frame in */
    assert_true(grant_is_frame(d, f0));
    assert_int_equal(grant_frame_gfn(d, 0), 0x40);
    /* The guest's writes are the hypervisor's entries. */
    memcpy(fx_gpa(d, 0x40ULL * PAGE_SIZE + 8), &(struct grant_entry_v1){ GTF_permit_access, DB, 0x77 }, 8);
    assert_int_equal(grant_entry_read(d, 1, &e), 0);
    assert_int_equal(e.frame, 0x77);
    /* Moved: the old place is unmapped; again at the same place: nothing changes. */
    assert_int_equal(xatp(v, DOMID_SELF, XENMAPSPACE_grant_table, 0, GT_GFN), 0);
    assert_int_equal(mfn_at(d, GT_GFN), f0);
    assert_int_equal(mfn_at(d, 0x40), INVALID_MFN);
    assert_int_equal(xatp(v, DOMID_SELF, XENMAPSPACE_grant_table, 0, GT_GFN), 0);
    assert_int_equal(mfn_at(d, GT_GFN), f0);
    /* Another grant frame or shared_info over a grant frame: the frame stays allocated. */
    assert_int_equal(xatp(v, DOMID_SELF, XENMAPSPACE_grant_table, 1, GT_GFN), 0);
    assert_int_equal(frame_owner(f0), DA);
    assert_int_equal(grant_entry_read(d, 1, &e), 0);
    assert_int_equal(e.frame, 0x77);
    assert_int_equal(xatp(v, DOMID_SELF, XENMAPSPACE_shared_info, 0, 0x41), 0);
    assert_int_equal(xatp(v, DOMID_SELF, XENMAPSPACE_grant_table, 2, 0x41), 0);
    assert_int_equal(frame_owner(d->guest.shared_info_mfn), DA);
    /* Errors: beyond the table, the v2 status bit, beyond the p2m, others' tables. */
    assert_int_equal(xatp(v, DOMID_SELF, XENMAPSPACE_grant_table, GRANT_MAX_FRAMES, GT_GFN), -XEN_EINVAL);
    assert_int_equal(xatp(v, DOMID_SELF, XENMAPSPACE_grant_table, XENMAPIDX_grant_table_status, GT_GFN),
                     -XEN_EINVAL);
    assert_int_equal(xatp(v, DOMID_SELF, XENMAPSPACE_grant_table, 0, P2M_MAX_GFN + 1), -XEN_EINVAL);
    assert_int_equal(xatp(v, 9, XENMAPSPACE_grant_table, 0, GT_GFN), -XEN_ESRCH);
    (void)fx_domain(3, 0, FX_LONG);
    assert_int_equal(xatp(v, 3, XENMAPSPACE_grant_table, 0, GT_GFN), -XEN_EPERM);
    assert_int_equal(grant_nr_frames(d), 3);
}

static void test_add_to_physmap_compat(void **state)
{
    struct vcpu *v;
    (void)state;

    v = gdom(DA, 0, FX_FLAT32);
    assert_int_equal(xatp(v, DOMID_SELF, XENMAPSPACE_grant_table, 3, GT_GFN), 0);
    assert_int_equal(mfn_at(v->domain, GT_GFN), grant_state[grant_slot(v->domain)].frame[3]);
    assert_int_equal(xatp(v, DOMID_SELF, XENMAPSPACE_grant_table, XENMAPIDX_grant_table_status | 3, GT_GFN),
                     -XEN_EINVAL);
}

/* ---- copy, map, unmap, cache_flush -------------------------------------------------------------- */

/* A and B with A's table at GT_GFN; A grants its page 0x30 to B as ref 1 (rw) and 2 (ro). */
static void two_domains(struct vcpu **a, struct vcpu **b, enum fx_mode bmode)
{
    *a = gdom(DA, 0, FX_LONG);
    *b = gdom(DB, 0, bmode);
    assert_int_equal(xatp(*a, DOMID_SELF, XENMAPSPACE_grant_table, 0, GT_GFN), 0);
    guest_grant(*a, 1, GTF_permit_access, DB, 0x30);
    guest_grant(*a, 2, GTF_permit_access | GTF_readonly, DB, 0x30);
    memcpy(fx_gpa((*a)->domain, 0x30ULL * PAGE_SIZE), "from A", 6);
}

static void test_copy(void **state)
{
    struct vcpu *a, *b;
    struct gnttab_copy c[4];
    (void)state;

    two_domains(&a, &b, FX_LONG);
    memset(c, 0, sizeof(c));
    c[0] = (struct gnttab_copy){ .source = { .u.ref = 1, .domid = DA }, .dest = { .u.gmfn = 0x31, .domid = DOMID_SELF,
                                 .offset = 10 }, .len = 6, .flags = GNTCOPY_source_gref, .status = 9 };
    c[1] = c[0];
    c[1].dest.offset = 4095;                                    /* crosses the page */
    c[2] = (struct gnttab_copy){ .source = { .u.gmfn = 0x31, .domid = DOMID_SELF, .offset = 10 },
                                 .dest = { .u.ref = 2, .domid = DA, .offset = 100 }, .len = 6,
                                 .flags = GNTCOPY_dest_gref, .status = 9 };   /* into a read-only grant */
    c[3] = c[2];
    c[3].dest.u.ref = 1;
    assert_int_equal(gop(b, GNTTABOP_copy, c, sizeof(c), 4), 0);
    assert_int_equal(c[0].status, GNTST_okay);
    assert_int_equal(c[1].status, GNTST_bad_copy_arg);
    assert_int_equal(c[2].status, GNTST_general_error);
    assert_int_equal(c[3].status, GNTST_okay);
    assert_memory_equal(fx_gpa(b->domain, 0x31ULL * PAGE_SIZE + 10), "from A", 6);
    assert_memory_equal(fx_gpa(a->domain, 0x30ULL * PAGE_SIZE + 100), "from A", 6);
    assert_int_equal(c[0].len, 6);                              /* only status is written */
    /* A copy from an unreadable record stops there, after the ones before it. */
    assert_int_equal(gcall(b, GNTTABOP_copy, fx_addr(b, FX_HOLE, 0) - sizeof(c[0]), 2), -XEN_EFAULT);
}

static void test_copy_compat(void **state)
{
    struct vcpu *a, *b;
    struct gnttab_copy_compat c[2];
    (void)state;

    two_domains(&a, &b, FX_FLAT32);
    memset(c, 0, sizeof(c));
    c[0] = (struct gnttab_copy_compat){ .source = { .u.ref = 2, .domid = DA }, .dest = { .u.gmfn = 0x31,
                                        .domid = DOMID_SELF }, .len = 6, .flags = GNTCOPY_source_gref };
    c[1] = (struct gnttab_copy_compat){ .source = { .u.ref = 7, .domid = DA }, .dest = { .u.gmfn = 0x31,
                                        .domid = DOMID_SELF }, .len = 6, .flags = GNTCOPY_source_gref };
    assert_int_equal(gop(b, GNTTABOP_copy, c, sizeof(c), 2), 0);
    assert_int_equal(c[0].status, GNTST_okay);
    assert_int_equal(c[1].status, GNTST_general_error);         /* ref 7 is not granted */
    assert_memory_equal(fx_gpa(b->domain, 0x31ULL * PAGE_SIZE), "from A", 6);
}

static void test_copy_preempted(void **state)
{
    enum { N = 300 };
    struct vcpu *a, *b;
    struct gnttab_copy c;
    uint64_t base;
    int rounds = 0;
    (void)state;

    two_domains(&a, &b, FX_LONG);
    /* N records over pages ARGP.. ARGP+2: byte i of A's page goes to byte i of B's page. */
    for (unsigned i = 0; i < N; i++) {
        c = (struct gnttab_copy){ .source = { .u.ref = 1, .domid = DA, .offset = (uint16_t)i },
                                  .dest = { .u.gmfn = 0x32, .domid = DOMID_SELF, .offset = (uint16_t)i },
                                  .len = 1, .flags = GNTCOPY_source_gref, .status = 9 };
        fx_put(b, ARGP, i * sizeof(c), &c, sizeof(c));
        *fx_gpa(a->domain, 0x30ULL * PAGE_SIZE + i) = (uint8_t)(i * 7);
    }
    base = fx_addr(b, ARGP, 0);
    b->regs.rax = HYPERVISOR_grant_table_op;
    b->regs.rdi = GNTTABOP_copy;
    b->regs.rsi = base;
    b->regs.rdx = N;
    b->regs.rip = FX_RIP;
    for (;;) {
        hypercall_dispatch(b);
        if (b->regs.rip == FX_RIP)
            break;
        /* Preempted: rip back on the instruction, arguments advanced past the records done. */
        rounds++;
        assert_int_equal(b->regs.rip, FX_RIP - 3);
        assert_int_equal(b->regs.rax, HYPERVISOR_grant_table_op);
        assert_int_equal(b->regs.rdi, GNTTABOP_copy);
        assert_int_equal(b->regs.rsi, base + (uint64_t)rounds * 128 * sizeof(c));
        assert_int_equal(b->regs.rdx, N - rounds * 128);
        b->regs.rip = FX_RIP;
        assert_true(rounds < 10);
    }
    assert_int_equal(b->regs.rax, 0);
    assert_int_equal(rounds, 2);
    for (unsigned i = 0; i < N; i++) {
        fx_get(b, ARGP, i * sizeof(c), &c, sizeof(c));
        assert_int_equal(c.status, GNTST_okay);
        assert_int_equal(*fx_gpa(b->domain, 0x32ULL * PAGE_SIZE + i), (uint8_t)(i * 7));
    }
}

static void test_map_unmap(void **state)
{
    struct vcpu *a, *b;
    struct gnttab_map_grant_ref m[4];
    struct gnttab_unmap_grant_ref u[3];
    uint8_t buf[8];
    mfn_t fa;
    (void)state;

    two_domains(&a, &b, FX_LONG);
    fa = mfn_at(a->domain, 0x30);
    memset(m, 0, sizeof(m));
    m[0] = (struct gnttab_map_grant_ref){ .host_addr = 0x600000, .flags = GNTMAP_host_map, .ref = 1, .dom = DA,
                                          .handle = 0x1234, .status = 9, .dev_bus_addr = 0x5555 };
    m[1] = m[0];
    m[1].dom = 9;
    m[2] = m[0];
    m[2].ref = 4096;
    m[3] = m[0];
    m[3].ref = 2;
    m[3].flags |= GNTMAP_readonly;
    m[3].host_addr = 0x601000;
    assert_int_equal(gop(b, GNTTABOP_map_grant_ref, m, sizeof(m), 4), 0);
    assert_int_equal(m[0].status, GNTST_okay);
    assert_int_equal(m[0].dev_bus_addr, 0);                     /* no device mapping */
    assert_int_equal(m[1].status, GNTST_bad_domain);
    assert_int_equal(m[1].handle, 0x1234);                      /* written on success only */
    assert_int_equal(m[2].status, GNTST_bad_gntref);
    assert_int_equal(m[3].status, GNTST_okay);
    assert_int_not_equal(m[3].handle, m[0].handle);
    assert_int_equal(mfn_at(b->domain, 0x600), fa);
    assert_int_equal(mfn_at(b->domain, 0x601), fa);
    /* A's entries carry the pins, written where A placed its table. */
    assert_memory_equal(fx_gpa(a->domain, (uint64_t)GT_GFN * PAGE_SIZE + 8),
                        &(uint16_t){ GTF_permit_access | GTF_reading | GTF_writing }, 2);
    assert_memory_equal(fx_gpa(a->domain, (uint64_t)GT_GFN * PAGE_SIZE + 16),
                        &(uint16_t){ GTF_permit_access | GTF_readonly | GTF_reading }, 2);
    /* B's guest accesses reach A's page: through either mapping for reads, the writable one for writes. */
    assert_int_equal(copy_from_guest_phys(&b->domain->p2m, buf, 0x601000, 6), 0);
    assert_memory_equal(buf, "from A", 6);
    assert_int_equal(copy_to_guest_phys(&b->domain->p2m, 0x600000 + 8, "B!", 2), 0);
    assert_memory_equal(fx_gpa(a->domain, 0x30ULL * PAGE_SIZE + 8), "B!", 2);
    assert_int_equal(copy_to_guest_phys(&b->domain->p2m, 0x601000 + 8, "no", 2), -XEN_EFAULT);
    assert_true(fx_invariants());
    /* Unmap: a bad handle, a wrong address, then both; the same again is a bad handle. */
    u[0] = (struct gnttab_unmap_grant_ref){ .host_addr = 0x600000, .handle = 77, .status = 9 };
    u[1] = (struct gnttab_unmap_grant_ref){ .host_addr = 0x602000, .handle = m[0].handle, .status = 9 };
    u[2] = (struct gnttab_unmap_grant_ref){ .host_addr = 0x601000, .handle = m[3].handle, .status = 9 };
    assert_int_equal(gop(b, GNTTABOP_unmap_grant_ref, u, sizeof(u), 3), 0);
    assert_int_equal(u[0].status, GNTST_bad_handle);
    assert_int_equal(u[1].status, GNTST_general_error);
    assert_int_equal(u[2].status, GNTST_okay);
    assert_int_equal(mfn_at(b->domain, 0x601), INVALID_MFN);
    assert_int_equal(mfn_at(b->domain, 0x600), fa);
    u[0] = (struct gnttab_unmap_grant_ref){ .host_addr = 0x600000, .handle = m[0].handle, .status = 9 };
    assert_int_equal(gop(b, GNTTABOP_unmap_grant_ref, u, sizeof(u[0]), 1), 0);
    assert_int_equal(u[0].status, GNTST_okay);
    assert_int_equal(mfn_at(b->domain, 0x600), INVALID_MFN);
    assert_memory_equal(fx_gpa(a->domain, (uint64_t)GT_GFN * PAGE_SIZE + 8), &(uint16_t){ GTF_permit_access }, 2);
    assert_int_equal(frame_refcount(fa), 1);
    assert_int_equal(gop(b, GNTTABOP_unmap_grant_ref, u, sizeof(u[0]), 1), 0);
    assert_int_equal(u[0].status, GNTST_bad_handle);
}

static void test_map_compat(void **state)
{
    struct vcpu *a, *b;
    struct gnttab_map_grant_ref m = { .host_addr = 0x600000, .flags = GNTMAP_host_map | GNTMAP_readonly, .ref = 2,
                                      .dom = DA };
    struct gnttab_unmap_grant_ref u = { .host_addr = 0x600000 };
    (void)state;

    two_domains(&a, &b, FX_FLAT32);
    assert_int_equal(gop(b, GNTTABOP_map_grant_ref, &m, sizeof(m), 1), 0);
    assert_int_equal(m.status, GNTST_okay);
    assert_memory_equal(fx_gpa(b->domain, 0x600000), "from A", 6);
    assert_true(fx_invariants());
    u.handle = m.handle;
    assert_int_equal(gop(b, GNTTABOP_unmap_grant_ref, &u, sizeof(u), 1), 0);
    assert_int_equal(u.status, GNTST_okay);
    assert_int_equal(mfn_at(b->domain, 0x600), INVALID_MFN);
}

/* memory_op around grants: what reservations count, and a mapped grant's gfn left alone. */
static void test_memory_op_and_grants(void **state)
{
    struct vcpu *a, *b;
    struct gnttab_setup_table st;
    struct gnttab_map_grant_ref m = { .host_addr = 0x40000, .flags = GNTMAP_host_map, .ref = 1, .dom = DA };
    domid_t self = DOMID_SELF;
    int64_t before_a, before_b;
    mfn_t fa;
    (void)state;

    a = gdom(DA, 0, FX_LONG);
    b = gdom(DB, 0, FX_LONG);
    fx_put(a, ARGP + 3, 0, &self, sizeof(self));
    fx_put(b, ARGP + 3, 0, &self, sizeof(self));
    before_a = FX_CALL2(a, HYPERVISOR_memory_op, XENMEM_current_reservation, fx_addr(a, ARGP + 3, 0));
    before_b = FX_CALL2(b, HYPERVISOR_memory_op, XENMEM_current_reservation, fx_addr(b, ARGP + 3, 0));
    assert_int_equal(before_a, FX_RAM);
    /* Grant frames are not guest RAM: 4 frames, same reservation. */
    setup_64(a, DOMID_SELF, 4, &st, fx_addr(a, ARGP + 2, 0));
    assert_int_equal(st.status, GNTST_okay);
    assert_int_equal(a->domain->tot_pages, FX_RAM + 4);
    assert_int_equal(FX_CALL2(a, HYPERVISOR_memory_op, XENMEM_current_reservation, fx_addr(a, ARGP + 3, 0)),
                     before_a);
    /* A grant B maps (over its RAM page 0x40) is A's: B's reservation does not change. */
    assert_int_equal(xatp(a, DOMID_SELF, XENMAPSPACE_grant_table, 0, GT_GFN), 0);
    guest_grant(a, 1, GTF_permit_access, DB, 0x30);
    fa = mfn_at(a->domain, 0x30);
    assert_int_equal(gop(b, GNTTABOP_map_grant_ref, &m, sizeof(m), 1), 0);
    assert_int_equal(m.status, GNTST_okay);
    assert_int_equal(mfn_at(b->domain, 0x40), fa);
    assert_int_equal(FX_CALL2(b, HYPERVISOR_memory_op, XENMEM_current_reservation, fx_addr(b, ARGP + 3, 0)),
                     before_b);
    assert_int_equal(FX_CALL2(a, HYPERVISOR_memory_op, XENMEM_current_reservation, fx_addr(a, ARGP + 3, 0)),
                     before_a);
    /* add_to_physmap cannot take a mapped grant's place (only unmap_grant_ref removes it). */
    assert_int_equal(xatp(b, DOMID_SELF, XENMAPSPACE_grant_table, 0, 0x40), -XEN_EINVAL);
    assert_int_equal(xatp(b, DOMID_SELF, XENMAPSPACE_shared_info, 0, 0x40), -XEN_EINVAL);
    assert_int_equal(mfn_at(b->domain, 0x40), fa);
    assert_int_equal(b->domain->guest.shared_info_mfn, INVALID_MFN);   /* nothing allocated either */
    assert_true(fx_invariants());
}

static void test_domain_death(void **state)
{
    struct vcpu *a, *b;
    struct gnttab_copy c = { .source = { .u.ref = 1, .domid = DA }, .dest = { .u.gmfn = 0x31, .domid = DOMID_SELF },
                             .len = 6, .flags = GNTCOPY_source_gref };
    (void)state;

    two_domains(&a, &b, FX_LONG);
    grant_domain_destroy(a->domain);
    assert_int_equal(domain_destroy(DA), 0);
    assert_int_equal(gop(b, GNTTABOP_copy, &c, sizeof(c), 1), 0);
    assert_int_equal(c.status, GNTST_bad_domain);
    /* A new domain in the same slot starts with an empty table. */
    a = gdom(DA, 0, FX_LONG);
    assert_int_equal(grant_nr_frames(a->domain), 0);
    assert_int_equal(gop(b, GNTTABOP_copy, &c, sizeof(c), 1), 0);
    assert_int_equal(c.status, GNTST_general_error);           /* ref 1: in the first frame, not granted */
    c.source.u.ref = GRANT_ENTRIES_PER_FRAME;
    assert_int_equal(gop(b, GNTTABOP_copy, &c, sizeof(c), 1), 0);
    assert_int_equal(c.status, GNTST_bad_gntref);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_call_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_size, setup, teardown),
        cmocka_unit_test_setup_teardown(test_setup_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_setup_table_out_of_memory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_setup_table_compat, setup, teardown),
        cmocka_unit_test_setup_teardown(test_versions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_add_to_physmap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_add_to_physmap_compat, setup, teardown),
        cmocka_unit_test_setup_teardown(test_copy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_copy_compat, setup, teardown),
        cmocka_unit_test_setup_teardown(test_copy_preempted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_unmap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_compat, setup, teardown),
        cmocka_unit_test_setup_teardown(test_memory_op_and_grants, setup, teardown),
        cmocka_unit_test_setup_teardown(test_domain_death, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
