// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of memory_op: add_to_physmap(shared_info) (first placement
 * over RAM, moves, the same place again, inside a 2 MiB mapping, out of
 * memory at every step, a privileged caller placing another domain's),
 * memory_map (full, truncated, none), the reservation sizes and
 * maximum_gpfn, 32-bit layouts, and every error path.  The whole-system
 * checker runs after each change.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_hc_fixture.h"

#define CMD(op, extent) ((uint64_t)(op) | ((uint64_t)(extent) << MEMOP_EXTENT_SHIFT))

static int setup(void **state)
{
    (void)state;
    fx_machine();
    return 0;
}

static int64_t mop(struct vcpu *v, uint64_t cmd, uint64_t arg)
{
    int64_t rc = FX_CALL2(v, HYPERVISOR_memory_op, cmd, arg);

    assert_true(fx_declared(HYPERVISOR_memory_op, rc));
    return rc;
}

/* add_to_physmap with the argument at page 1 of the caller, in its layout. */
static int64_t xatp(struct vcpu *v, uint64_t extent, domid_t dom, uint32_t space, uint64_t idx,
                    uint64_t gpfn)
{
    if (v->state.cs_mode == VCPU_CS_64) {
        struct xen_add_to_physmap x = { dom, 0, space, idx, gpfn };

        fx_put(v, 1, 8, &x, sizeof(x));
    } else {
        struct xen_add_to_physmap_compat x = { dom, 0, space, (uint32_t)idx, (uint32_t)gpfn };

        fx_put(v, 1, 8, &x, sizeof(x));
    }
    return mop(v, CMD(XENMEM_add_to_physmap, extent), fx_addr(v, 1, 8));
}

#define SI(v, gpfn) xatp((v), 0, DOMID_SELF, XENMAPSPACE_shared_info, 0, (gpfn))

static mfn_t lookup(const struct domain *d, gfn_t g)
{
    mfn_t m;
    unsigned access;

    return domain_lookup(d->id, g, &m, &access) == 0 ? m : INVALID_MFN;
}

static void read_si(const struct domain *d, struct shared_info *si)
{
    memcpy(si, sim_frame(d->guest.shared_info_mfn), sizeof(*si));
}

static void test_shared_info_over_ram(void **state)
{
    struct shared_info si;
    struct vcpu *v;
    struct domain *d;
    mfn_t ram;
    uint64_t tot;
    (void)state;

    for (int m = 0; m < 2; m++) {
        fx_machine();
        sim_clock_advance(123456789);
        v = fx_domain(FX_DOMU, 0, m == 0 ? FX_LONG : FX_FLAT32);
        d = v->domain;
        ram = lookup(d, 0x40);
        tot = d->tot_pages;
        sim_dirty_frame(ram, 0x77);
        assert_int_equal(SI(v, 0x40), 0);
        assert_int_not_equal(d->guest.shared_info_mfn, INVALID_MFN);
        assert_int_equal(lookup(d, 0x40), d->guest.shared_info_mfn);
        assert_int_equal(d->guest.shared_info_gfn, 0x40);
        assert_int_equal(frame_owner(ram), FRAME_OWNER_FREE);     /* the RAM page went back */
        assert_int_equal(d->tot_pages, tot);
        read_si(d, &si);
        assert_int_equal(si.vcpu_info[0].time.version, 2);
        assert_int_equal(si.vcpu_info[0].time.system_time, 123456789);
        assert_true(si.vcpu_info[0].time.tsc_to_system_mul >= 0x80000000U);
        assert_int_equal(si.vcpu_info[0].time.flags, XEN_PVCLOCK_TSC_STABLE_BIT);
        assert_int_equal(si.wc_version, 2);
        assert_int_equal(si.vcpu_info[1].time.version, 0);
        for (unsigned i = 0; i < 64; i++)
            assert_int_equal(si.evtchn_pending[i] | si.evtchn_mask[i], 0);
        assert_true(fx_invariants());
    }
}

static void test_shared_info_moves(void **state)
{
    struct vcpu *v;
    struct domain *d;
    mfn_t si, ram2;
    uint64_t tot;
    (void)state;

    v = fx_domain(FX_DOMU, 0, FX_LONG);
    d = v->domain;
    assert_int_equal(SI(v, 0x40), 0);
    si = d->guest.shared_info_mfn;
    tot = d->tot_pages;
    sim_frame(si)[3000] = 0x5A;                     /* the frame's contents travel with it */
    ram2 = lookup(d, 0x41);
    assert_int_equal(SI(v, 0x41), 0);
    assert_int_equal(lookup(d, 0x40), INVALID_MFN);
    assert_int_equal(lookup(d, 0x41), si);
    assert_int_equal(frame_owner(ram2), FRAME_OWNER_FREE);
    assert_int_equal(d->tot_pages, tot - 1);
    assert_int_equal(sim_frame(si)[3000], 0x5A);
    assert_true(fx_invariants());
    /* The same place again: nothing changes. */
    assert_int_equal(SI(v, 0x41), 0);
    assert_int_equal(lookup(d, 0x41), si);
    assert_int_equal(d->tot_pages, tot - 1);
    /* A place where nothing was mapped (beyond RAM). */
    assert_int_equal(SI(v, 0xFEFFF), 0);
    assert_int_equal(lookup(d, 0xFEFFF), si);
    assert_int_equal(lookup(d, 0x41), INVALID_MFN);
    assert_int_equal(d->guest.shared_info_gfn, 0xFEFFF);
    assert_int_equal(d->tot_pages, tot - 1);
    assert_int_equal(frame_refcount(si), 1);
    assert_true(fx_invariants());
}

/* A domain whose RAM is 2 MiB mappings: the page is split out. */
static void test_shared_info_in_2m_mapping(void **state)
{
    struct vcpu *v;
    struct domain *d;
    mfn_t ram;
    (void)state;

    assert_int_equal(domain_create(3, 1100, PTE_FORMAT_EPT), 0);
    assert_int_equal(domain_populate(3, 0, 2, P2M_ORDER_2M), 0);
    d = domain_find(3);
    d->guest.nr_vcpus = 1;
    v = &d->guest.vcpus[0];
    v->domain = d;
    v->run_state = VCPU_RUNNABLE;
    v->state.paging.cr0 = 1;
    v->state.cs_mode = VCPU_CS_32;
    ram = lookup(d, 700);
    assert_int_equal(SI(v, 700), 0);
    assert_int_equal(lookup(d, 700), d->guest.shared_info_mfn);
    assert_int_equal(lookup(d, 699), ram - 1);
    assert_int_equal(lookup(d, 701), ram + 1);
    assert_int_equal(frame_owner(ram), FRAME_OWNER_FREE);
    assert_true(fx_invariants());
    /* maximum_gpfn sees through the 2 MiB leaves. */
    fx_put64(d, 0x100, 3);
    assert_int_equal(mop(v, XENMEM_maximum_gpfn, 0x100), 1023);
}

static void exhaust(mfn_t left)
{
    while (frame_free_count() > left)
        assert_true(frame_alloc(0, DOMID_XEN) != INVALID_MFN);
}

/* A domain at its limit: a fresh place cannot take the frame; a RAM page makes room. */
static void test_out_of_memory_at_limit(void **state)
{
    struct vcpu *v;
    struct domain *d;
    uint64_t tot;
    (void)state;

    v = fx_domain(FX_DOMU, 0, FX_LONG);
    d = v->domain;
    d->max_pages = d->tot_pages;
    tot = d->tot_pages;
    assert_int_equal(SI(v, 0x9000), -XEN_ENOMEM);
    assert_int_equal(d->guest.shared_info_mfn, INVALID_MFN);
    assert_int_equal(lookup(d, 0x9000), INVALID_MFN);
    assert_true(fx_invariants());
    assert_int_equal(SI(v, 0x30), 0);
    assert_int_equal(d->tot_pages, tot);
    assert_true(fx_invariants());
}

/* No free frame at all: only a place holding RAM works. */
static void test_out_of_memory_frames(void **state)
{
    struct vcpu *v;
    struct domain *d;
    (void)state;

    v = fx_domain(FX_DOMU, 0, FX_LONG);
    d = v->domain;
    /* One frame: it becomes shared_info, then the place needs a table page too. */
    exhaust(1);
    assert_int_equal(SI(v, 0x9000), -XEN_ENOMEM);
    assert_int_equal(lookup(d, 0x9000), INVALID_MFN);
    assert_int_not_equal(d->guest.shared_info_mfn, INVALID_MFN);
    assert_int_equal(d->guest.shared_info_gfn, INVALID_GFN);
    assert_true(fx_invariants());
    fx_machine();
    v = fx_domain(FX_DOMU, 0, FX_LONG);
    d = v->domain;
    exhaust(0);
    assert_int_equal(SI(v, 0x9000), -XEN_ENOMEM);
    assert_int_equal(d->guest.shared_info_mfn, INVALID_MFN);
    assert_true(fx_invariants());
    assert_int_equal(SI(v, 0x30), 0);
    assert_int_equal(lookup(d, 0x30), d->guest.shared_info_mfn);
    assert_true(fx_invariants());
}

/* A 2 MiB mapping needs a table page to split: with none left, nothing changes. */
static void test_out_of_memory_split(void **state)
{
    struct vcpu *v;
    struct domain *d;
    mfn_t ram;
    (void)state;

    assert_int_equal(domain_create(3, 1100, PTE_FORMAT_NPT), 0);
    assert_int_equal(domain_populate(3, 0, 1, P2M_ORDER_2M), 0);
    d = domain_find(3);
    d->guest.nr_vcpus = 1;
    v = &d->guest.vcpus[0];
    v->domain = d;
    v->state.paging.cr0 = 1;
    v->state.cs_mode = VCPU_CS_32;
    ram = lookup(d, 300);
    /* One frame: step 1 takes it for shared_info, the split finds none. */
    exhaust(1);
    assert_int_equal(SI(v, 300), -XEN_ENOMEM);
    assert_int_equal(lookup(d, 300), ram);
    assert_int_not_equal(d->guest.shared_info_mfn, INVALID_MFN);
    assert_int_equal(d->guest.shared_info_gfn, INVALID_GFN);
    assert_int_equal(frame_refcount(d->guest.shared_info_mfn), 0);
    assert_true(fx_invariants());
    /* Nothing free and the domain at its limit: refused before anything. */
    fx_machine();
    assert_int_equal(domain_create(3, 512, PTE_FORMAT_NPT), 0);
    assert_int_equal(domain_populate(3, 0, 1, P2M_ORDER_2M), 0);
    d = domain_find(3);
    d->guest.nr_vcpus = 1;
    v = &d->guest.vcpus[0];
    v->domain = d;
    v->state.paging.cr0 = 1;
    v->state.cs_mode = VCPU_CS_32;
    ram = lookup(d, 300);
    exhaust(0);
    assert_int_equal(SI(v, 300), -XEN_ENOMEM);
    assert_int_equal(lookup(d, 300), ram);
    assert_int_equal(d->guest.shared_info_mfn, INVALID_MFN);
    assert_true(fx_invariants());
}

/* A RAM page mapped at two places leaves one of them, but is not freed. */
static void test_page_mapped_twice_not_freed(void **state)
{
    struct vcpu *v;
    struct domain *d;
    mfn_t ram;
    (void)state;

    v = fx_domain(FX_DOMU, 0, FX_LONG);
    d = v->domain;
    ram = lookup(d, 0x30);
    assert_int_equal(domain_map(d->id, 0x9000, ram, P2M_ORDER_4K, P2M_ACCESS_RWX), 0);
    assert_int_equal(SI(v, 0x30), 0);
    assert_int_equal(frame_owner(ram), d->id);
    assert_int_equal(frame_refcount(ram), 1);
    assert_int_equal(lookup(d, 0x9000), ram);
    assert_true(fx_invariants());
    /* At its limit, such a page makes no room: refused before anything changes. */
    fx_machine();
    v = fx_domain(FX_DOMU, 0, FX_LONG);
    d = v->domain;
    d->max_pages = d->tot_pages;
    ram = lookup(d, 0x30);
    assert_int_equal(domain_map(d->id, 0x9000, ram, P2M_ORDER_4K, P2M_ACCESS_RWX), 0);
    assert_int_equal(SI(v, 0x30), -XEN_ENOMEM);
    assert_int_equal(lookup(d, 0x30), ram);
    assert_int_equal(frame_refcount(ram), 2);
    assert_true(fx_invariants());
}

static void test_privileged_places_another(void **state)
{
    struct vcpu *z, *u;
    (void)state;

    z = fx_domain(FX_DOM0, SIF_PRIVILEGED | SIF_INITDOMAIN, FX_LONG);
    u = fx_domain(FX_DOMU, 0, FX_FLAT32);
    assert_int_equal(xatp(z, 0, FX_DOMU, XENMAPSPACE_shared_info, 0, 0x50), 0);
    assert_int_equal(lookup(u->domain, 0x50), u->domain->guest.shared_info_mfn);
    assert_int_equal(z->domain->guest.shared_info_mfn, INVALID_MFN);
    assert_int_equal(frame_owner(u->domain->guest.shared_info_mfn), FX_DOMU);
    assert_int_equal(xatp(u, 0, FX_DOM0, XENMAPSPACE_shared_info, 0, 0x50), -XEN_EPERM);
    assert_true(fx_invariants());
}

static void test_add_to_physmap_errors(void **state)
{
    static const uint32_t spaces[] = { XENMAPSPACE_grant_table, XENMAPSPACE_gmfn,
                                       XENMAPSPACE_gmfn_range, XENMAPSPACE_dev_mmio, 99 };
    struct vcpu *v;
    struct domain *d;
    (void)state;

    for (int m = 0; m < 2; m++) {
        fx_machine();
        v = fx_domain(FX_DOMU, 0, m == 0 ? FX_LONG : FX_FLAT32);
        d = v->domain;
        (void)fx_domain(2, 0, FX_LONG);
        assert_int_equal(xatp(v, 0x10000, DOMID_SELF, XENMAPSPACE_shared_info, 0, 0x40),
                         -XEN_EDOM);
        assert_int_equal(xatp(v, 0, DOMID_SELF, XENMAPSPACE_shared_info, 1, 0x40), -XEN_EINVAL);
        for (size_t i = 0; i < HV_ARRAY_SIZE(spaces); i++)
            assert_int_equal(xatp(v, 0, DOMID_SELF, spaces[i], 0, 0x40), -XEN_EINVAL);
        assert_int_equal(xatp(v, 0, 9, XENMAPSPACE_gmfn_foreign, 0, 0x40), -XEN_ENOSYS);
        assert_int_equal(xatp(v, 0, 9, XENMAPSPACE_shared_info, 0, 0x40), -XEN_ESRCH);
        assert_int_equal(xatp(v, 0, 2, XENMAPSPACE_grant_table, 0, 0x40), -XEN_EPERM);
        if (m == 0)
            assert_int_equal(SI(v, P2M_MAX_GFN + 1), -XEN_EINVAL);
        assert_int_equal(mop(v, XENMEM_add_to_physmap, fx_addr(v, FX_HOLE, 0)), -XEN_EFAULT);
        assert_int_equal(mop(v, XENMEM_add_to_physmap, fx_addr(v, FX_HOLE, 0) - 8), -XEN_EFAULT);
        assert_int_equal(d->guest.shared_info_mfn, INVALID_MFN);
        assert_true(fx_invariants());
        /* The largest extent that fits 16 bits is accepted (and unused). */
        assert_int_equal(xatp(v, 0xFFFF, DOMID_SELF, XENMAPSPACE_shared_info, 0, 0x40), 0);
        assert_int_equal(lookup(d, 0x40), d->guest.shared_info_mfn);
    }
}

/* memory_map with the header at page 2 and the buffer at page 3 + off. */
static int64_t mmap_call(struct vcpu *v, uint64_t cmd, uint32_t nr, uint64_t buffer, uint32_t *nr_out)
{
    int64_t rc;

    if (v->state.cs_mode == VCPU_CS_64) {
        struct xen_memory_map m = { nr, 0xABCD, buffer };

        fx_put(v, 2, 0, &m, sizeof(m));
        rc = mop(v, cmd, fx_addr(v, 2, 0));
        fx_get(v, 2, 0, &m, sizeof(m));
        assert_int_equal(m.buffer, buffer);
        *nr_out = m.nr_entries;
    } else {
        struct xen_memory_map_compat m = { nr, (uint32_t)buffer };

        fx_put(v, 2, 0, &m, sizeof(m));
        rc = mop(v, cmd, fx_addr(v, 2, 0));
        fx_get(v, 2, 0, &m, sizeof(m));
        assert_int_equal(m.buffer, (uint32_t)buffer);
        *nr_out = m.nr_entries;
    }
    return rc;
}

static void test_memory_map(void **state)
{
    static const uint8_t e0[20] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x20, 0, 0, 0, 0, 0, 1, 0, 0, 0 };
    static const uint8_t e1[20] = { 0, 0, 0xE0, 0xFE, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 0, 0,
                                    2, 0, 0, 0 };
    struct vcpu *v;
    uint8_t buf[64];
    uint32_t nr;
    (void)state;

    for (int m = 0; m < 2; m++) {
        fx_machine();
        v = fx_domain(FX_DOMU, 0, m == 0 ? FX_LONG : FX_FLAT32);
        fx_fill(v, 3, 0xEE);
        assert_int_equal(mmap_call(v, XENMEM_memory_map, 8, fx_addr(v, 3, 4), &nr), 0);
        assert_int_equal(nr, 2);
        fx_get(v, 3, 0, buf, sizeof(buf));
        assert_int_equal(buf[3], 0xEE);
        assert_memory_equal(buf + 4, e0, 20);
        assert_memory_equal(buf + 24, e1, 20);
        assert_int_equal(buf[44], 0xEE);
        /* A buffer for one entry gets one, and the count says so. */
        fx_fill(v, 3, 0xEE);
        assert_int_equal(mmap_call(v, XENMEM_memory_map, 1, fx_addr(v, 3, 0), &nr), 0);
        assert_int_equal(nr, 1);
        fx_get(v, 3, 0, buf, sizeof(buf));
        assert_memory_equal(buf, e0, 20);
        assert_int_equal(buf[20], 0xEE);
        assert_int_equal(mmap_call(v, XENMEM_memory_map, 0, 0, &nr), 0);
        assert_int_equal(nr, 0);
        /* Bad buffers: the count is not updated. */
        assert_int_equal(mmap_call(v, XENMEM_memory_map, 2, fx_addr(v, FX_HOLE, 0) - 30, &nr),
                         -XEN_EFAULT);
        assert_int_equal(nr, 2);
        assert_int_equal(mmap_call(v, XENMEM_memory_map, 2, fx_addr(v, FX_RO, 0), &nr),
                         -XEN_EFAULT);
        assert_int_equal(mop(v, XENMEM_memory_map, fx_addr(v, FX_HOLE, 0)), -XEN_EFAULT);
        /* An extent makes it another operation, which does not exist. */
        assert_int_equal(mmap_call(v, CMD(XENMEM_memory_map, 1), 2, fx_addr(v, 3, 0), &nr),
                         -XEN_ENOSYS);
        /* No map for this domain. */
        v->domain->guest.nr_memmap = 0;
        assert_int_equal(mmap_call(v, XENMEM_memory_map, 2, fx_addr(v, 3, 0), &nr), -XEN_ENOSYS);
    }
}

/* The header sits in read-only memory: the entries go out, the count cannot. */
static void test_memory_map_readonly_header(void **state)
{
    struct xen_memory_map m = { 2, 0, 0 };
    struct vcpu *v;
    (void)state;

    v = fx_domain(FX_DOMU, 0, FX_LONG);
    m.buffer = fx_addr(v, 3, 0);
    fx_put(v, FX_RO, 0, &m, sizeof(m));
    assert_int_equal(mop(v, XENMEM_memory_map, fx_addr(v, FX_RO, 0)), -XEN_EFAULT);
}

static int64_t res(struct vcpu *v, uint64_t cmd, domid_t dom)
{
    fx_put(v, 2, 6, &dom, sizeof(dom));
    return mop(v, cmd, fx_addr(v, 2, 6));
}

static void test_reservations(void **state)
{
    struct vcpu *v, *z;
    struct domain *d;
    (void)state;

    z = fx_domain(FX_DOM0, SIF_PRIVILEGED | SIF_INITDOMAIN, FX_LONG);
    v = fx_domain(FX_DOMU, 0, FX_FLAT32);
    d = v->domain;
    /* The hole's frame is unmapped but still the domain's. */
    assert_int_equal(res(v, XENMEM_current_reservation, DOMID_SELF), FX_RAM);
    assert_int_equal(res(v, XENMEM_current_reservation, FX_DOMU), d->tot_pages);
    assert_int_equal(res(v, XENMEM_maximum_reservation, DOMID_SELF), FX_MAX_PAGES);
    assert_int_equal(res(v, XENMEM_maximum_gpfn, DOMID_SELF), FX_RAM - 1);
    /* shared_info is not guest RAM; maximum_gpfn follows it beyond RAM. */
    assert_int_equal(SI(v, 0xFEFFF), 0);
    assert_int_equal(res(v, XENMEM_current_reservation, DOMID_SELF), d->tot_pages - 1);
    assert_int_equal(res(v, XENMEM_maximum_gpfn, DOMID_SELF), 0xFEFFF);
    /* Others: the privileged domain may ask, an ordinary one may not. */
    assert_int_equal(res(z, XENMEM_maximum_reservation, FX_DOMU), FX_MAX_PAGES);
    assert_int_equal(res(v, XENMEM_current_reservation, FX_DOM0), -XEN_EPERM);
    assert_int_equal(res(v, XENMEM_maximum_gpfn, 42), -XEN_ESRCH);
    assert_int_equal(domain_create(5, 10, PTE_FORMAT_NPT), 0);
    assert_int_equal(res(z, XENMEM_maximum_gpfn, 5), 0);
    assert_int_equal(res(z, XENMEM_current_reservation, 5), 0);
    /* Errors. */
    assert_int_equal(res(v, CMD(XENMEM_current_reservation, 1), DOMID_SELF), -XEN_EINVAL);
    assert_int_equal(res(v, CMD(XENMEM_maximum_gpfn, 0x3FFFFFF), DOMID_SELF), -XEN_EINVAL);
    assert_int_equal(mop(v, XENMEM_maximum_reservation, fx_addr(v, FX_HOLE, 0) - 1), -XEN_EFAULT);
    assert_int_equal(mop(z, XENMEM_current_reservation, 0xFFFF900000000000ULL), -XEN_EFAULT);
}

static void test_unknown_ops(void **state)
{
    static const uint64_t cmds[] = { XENMEM_increase_reservation, XENMEM_decrease_reservation,
                                     XENMEM_maximum_ram_page, 5, 6, 8, XENMEM_machine_memory_map,
                                     11, 13, 15, 63, CMD(63, 0x123) };
    struct vcpu *v;
    (void)state;

    v = fx_domain(FX_DOMU, 0, FX_LONG);
    for (size_t i = 0; i < HV_ARRAY_SIZE(cmds); i++)
        assert_int_equal(mop(v, cmds[i], fx_addr(v, 2, 0)), -XEN_ENOSYS);
    /* Bits above the operation are the extent, never part of the operation. */
    assert_int_equal(res(v, (1ULL << 40) | XENMEM_maximum_reservation, DOMID_SELF), -XEN_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_shared_info_over_ram, setup),
        cmocka_unit_test_setup(test_shared_info_moves, setup),
        cmocka_unit_test_setup(test_shared_info_in_2m_mapping, setup),
        cmocka_unit_test_setup(test_out_of_memory_at_limit, setup),
        cmocka_unit_test_setup(test_out_of_memory_frames, setup),
        cmocka_unit_test_setup(test_out_of_memory_split, setup),
        cmocka_unit_test_setup(test_page_mapped_twice_not_freed, setup),
        cmocka_unit_test_setup(test_privileged_places_another, setup),
        cmocka_unit_test_setup(test_add_to_physmap_errors, setup),
        cmocka_unit_test_setup(test_memory_map, setup),
        cmocka_unit_test_setup(test_memory_map_readonly_header, setup),
        cmocka_unit_test_setup(test_reservations, setup),
        cmocka_unit_test_setup(test_unknown_ops, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
