// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of vcpu_op: vcpu ids, is_up, the timers (future, past, the
 * "future" flag), register_vcpu_info (seeded record, pvclock, every refusal),
 * the runstate area and get_runstate_info in both layouts, and the
 * sub-ops not provided.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_hc_fixture.h"

static int setup(void **state)
{
    (void)state;
    fx_machine();
    sim_clock_advance(1000000000ULL);
    return 0;
}

static int64_t vop(struct vcpu *v, uint64_t cmd, uint64_t vcpuid, uint64_t arg)
{
    int64_t rc = FX_CALL3(v, HYPERVISOR_vcpu_op, cmd, vcpuid, arg);

    assert_true(fx_declared(HYPERVISOR_vcpu_op, rc));
    return rc;
}

static void test_vcpu_ids(void **state)
{
    static const uint64_t ids[] = { 1, 2, 31, 32, 0x7FFFFFFF, 0xFFFFFFFF };
    struct vcpu *v;
    (void)state;

    v = fx_domain(FX_DOMU, 0, FX_LONG);
    for (size_t i = 0; i < HV_ARRAY_SIZE(ids); i++)
        for (uint64_t cmd = 0; cmd <= 15; cmd++)
            assert_int_equal(vop(v, cmd, ids[i], fx_addr(v, 2, 0)), -XEN_ENOENT);
    assert_int_equal(vop(v, 99, 1, 0), -XEN_ENOENT);
    /* vcpuid is an unsigned int: the upper half of rsi does not count. */
    assert_int_equal(vop(v, VCPUOP_is_up, 0x100000000ULL, 0), 1);
    v->run_state = VCPU_DOWN;
    assert_int_equal(vop(v, VCPUOP_is_up, 0, 0), 0);
    v->run_state = VCPU_BLOCKED;
    assert_int_equal(vop(v, VCPUOP_is_up, 0, 0), 1);
}

static void test_not_provided(void **state)
{
    static const uint64_t cmds[] = { VCPUOP_initialise, VCPUOP_up, VCPUOP_down,
                                     VCPUOP_set_periodic_timer, VCPUOP_send_nmi,
                                     VCPUOP_get_physid, VCPUOP_register_vcpu_time_memory_area, 14,
                                     0xFFFFFFFF };
    struct vcpu *v;
    (void)state;

    v = fx_domain(FX_DOMU, 0, FX_FLAT32);
    for (size_t i = 0; i < HV_ARRAY_SIZE(cmds); i++)
        assert_int_equal(vop(v, cmds[i], 0, fx_addr(v, 2, 0)), -XEN_ENOSYS);
}

static int64_t singleshot(struct vcpu *v, uint64_t timeout, uint32_t flags)
{
    struct vcpu_set_singleshot_timer t = { timeout, flags, 0 };

    fx_put(v, 2, 16, &t, sizeof(t));
    return vop(v, VCPUOP_set_singleshot_timer, 0, fx_addr(v, 2, 16));
}

static void test_timers(void **state)
{
    struct vcpu *v;
    (void)state;

    v = fx_domain(FX_DOMU, 0, FX_LONG);
    assert_int_equal(vop(v, VCPUOP_stop_periodic_timer, 0, 0), 0);
    assert_int_equal(singleshot(v, 2000000000ULL, VCPU_SSHOTTMR_future), 0);
    assert_int_equal(v->timer_deadline_ns, 2000000000ULL);
    assert_int_equal(singleshot(v, 1000000000ULL, VCPU_SSHOTTMR_future), 0);  /* now is not past */
    assert_int_equal(v->timer_deadline_ns, 1000000000ULL);
    assert_int_equal(singleshot(v, 999999999ULL, VCPU_SSHOTTMR_future), -XEN_ETIME);
    assert_int_equal(v->timer_deadline_ns, 1000000000ULL);
    assert_int_equal(singleshot(v, 5, 0), 0);          /* past, no flag: due at once */
    assert_int_equal(v->timer_deadline_ns, 5);
    assert_int_equal(singleshot(v, 0, 0xFFFFFFFE), 0);   /* other flag bits are ignored */
    assert_int_equal(v->timer_deadline_ns, 1);
    assert_int_equal(vop(v, VCPUOP_stop_singleshot_timer, 0, 0), 0);
    assert_int_equal(v->timer_deadline_ns, 0);
    v->timer_deadline_ns = 77;
    assert_int_equal(vop(v, VCPUOP_set_singleshot_timer, 0, fx_addr(v, FX_HOLE, 0) - 8),
                     -XEN_EFAULT);
    assert_int_equal(v->timer_deadline_ns, 77);
}

/* The 32-bit structure is 12 bytes: it may end at the very end of a page. */
static void test_singleshot_compat_size(void **state)
{
    struct vcpu_set_singleshot_timer t = { 3000000000ULL, 0, 0 };
    struct vcpu *v;
    (void)state;

    v = fx_domain(FX_DOMU, 0, FX_FLAT32);
    fx_put(v, FX_HOLE - 1, PAGE_SIZE - 12, &t, 12);
    assert_int_equal(vop(v, VCPUOP_set_singleshot_timer, 0, fx_addr(v, FX_HOLE, 0) - 12), 0);
    assert_int_equal(v->timer_deadline_ns, 3000000000ULL);
    v = fx_domain(2, 0, FX_LONG);
    fx_put(v, FX_HOLE - 1, PAGE_SIZE - 12, &t, 12);
    assert_int_equal(vop(v, VCPUOP_set_singleshot_timer, 0, fx_addr(v, FX_HOLE, 0) - 12),
                     -XEN_EFAULT);
}

/* A second vCPU of the same domain, as domains will have once DOMAIN_MAX_VCPUS > 1. */
static void test_timers_only_on_self(void **state)
{
    struct vcpu *t, other;
    (void)state;

    t = fx_domain(FX_DOMU, 0, FX_LONG);
    other = *t;
    t->timer_deadline_ns = 9;
    fx_put(&other, 2, 16, &(struct vcpu_set_singleshot_timer){ 2000000000ULL, 0, 0 }, 16);
    for (uint32_t cmd = VCPUOP_stop_periodic_timer; cmd <= VCPUOP_stop_singleshot_timer; cmd++)
        assert_int_equal(hc_vcpu_op(&other, cmd, 0, fx_addr(t, 2, 16)), -XEN_EINVAL);
    assert_int_equal(t->timer_deadline_ns, 9);
}

static int64_t reg_info(struct vcpu *v, uint64_t gfn, uint32_t offset)
{
    struct vcpu_register_vcpu_info info = { gfn, offset, 0xFFFF };

    fx_put(v, 2, 32, &info, sizeof(info));
    return vop(v, VCPUOP_register_vcpu_info, 0, fx_addr(v, 2, 32));
}

static void test_register_vcpu_info(void **state)
{
    struct vcpu_info vi;
    struct vcpu *v;
    (void)state;

    v = fx_domain(FX_DOMU, 0, FX_LONG);
    fx_fill(v, 9, 0xEE);
    assert_int_equal(reg_info(v, FX_PAGE_GFN + 9, 4032), 0);
    assert_true(v->vcpu_info_registered);
    assert_int_equal(v->vcpu_info_gfn, FX_PAGE_GFN + 9);
    assert_int_equal(v->vcpu_info_offset, 4032);
    fx_get(v, 9, 4032, &vi, sizeof(vi));
    assert_int_equal(vi.evtchn_upcall_pending, 1);
    assert_int_equal(vi.evtchn_upcall_mask, 0);
    assert_int_equal(vi.evtchn_pending_sel, ~0ULL);
    assert_int_equal(vi.arch.cr2, 0);
    assert_int_equal(vi.time.version, 2);
    assert_int_equal(vi.time.system_time, 1000000000ULL);
    assert_int_equal(vi.time.tsc_timestamp, hal_rdtsc());
    assert_true(vi.time.tsc_to_system_mul >= 0x80000000U);
    assert_int_equal(*fx_gpa(v->domain, fx_page_gpa(9) + 4031), 0xEE);
    /* Once only. */
    assert_int_equal(reg_info(v, FX_PAGE_GFN + 10, 0), -XEN_EINVAL);
    assert_int_equal(v->vcpu_info_gfn, FX_PAGE_GFN + 9);
}

/* The new record continues the shared_info slot; a 32-bit guest's selector is 32 bits at 4. */
static void test_register_vcpu_info_copies_slot_compat(void **state)
{
    struct xen_add_to_physmap_compat x = { DOMID_SELF, 0, XENMAPSPACE_shared_info, 0, 0x60 };
    uint8_t rec[64];
    struct vcpu_info vi;
    struct vcpu *v;
    uint8_t *slot;
    (void)state;

    v = fx_domain(FX_DOMU, 0, FX_FLAT32);
    fx_put(v, 1, 0, &x, sizeof(x));
    assert_int_equal(FX_CALL2(v, HYPERVISOR_memory_op, XENMEM_add_to_physmap, fx_addr(v, 1, 0)), 0);
    slot = sim_frame(v->domain->guest.shared_info_mfn);
    slot[1] = 1;                        /* masked */
    slot[16] = 0x42;                    /* arch */
    assert_int_equal(reg_info(v, FX_PAGE_GFN + 9, 4), 0);
    fx_get(v, 9, 4, rec, sizeof(rec));
    assert_int_equal(rec[0], 1);
    assert_int_equal(rec[1], 1);
    assert_memory_equal(rec + 4, "\xff\xff\xff\xff", 4);
    assert_memory_equal(rec + 8, "\0\0\0\0\0\0\0\0", 8);
    assert_int_equal(rec[16], 0x42);
    /* The slot got its pvclock at placement and at registration; the new record
     * started from the slot's version and moved on from there. */
    memcpy(&vi, slot, sizeof(vi));
    assert_int_equal(vi.time.version, 4);
    memcpy(&vi, rec, sizeof(vi));
    assert_int_equal(vi.time.version, 4);
}

static void test_register_vcpu_info_refused(void **state)
{
    struct vcpu *v;
    (void)state;

    for (int m = 0; m < 2; m++) {
        fx_machine();
        v = fx_domain(FX_DOMU, 0, m == 0 ? FX_LONG : FX_FLAT32);
        assert_int_equal(reg_info(v, FX_PAGE_GFN + 9, 4033), -XEN_ENXIO);   /* crosses */
        assert_int_equal(reg_info(v, FX_PAGE_GFN + 9, 4094), -XEN_ENXIO);
        assert_int_equal(reg_info(v, FX_PAGE_GFN + 9, 2), -XEN_ENXIO);      /* misaligned */
        if (m == 0)
            assert_int_equal(reg_info(v, FX_PAGE_GFN + 9, 4), -XEN_ENXIO);
        assert_int_equal(reg_info(v, FX_PAGE_GFN + 9, 4096), -XEN_EINVAL);  /* beyond the page */
        assert_int_equal(reg_info(v, FX_PAGE_GFN + 9, 0xFFFFFFFF), -XEN_EINVAL);
        assert_int_equal(reg_info(v, FX_PAGE_GFN + FX_HOLE, 0), -XEN_EINVAL);   /* unmapped */
        assert_int_equal(reg_info(v, FX_PAGE_GFN + FX_RO, 0), -XEN_EINVAL);     /* read-only */
        assert_int_equal(reg_info(v, 0x80000, 0), -XEN_EINVAL);                 /* beyond RAM */
        assert_int_equal(reg_info(v, P2M_MAX_GFN + 1, 0), -XEN_EINVAL);
        assert_int_equal(reg_info(v, ~0ULL, 0), -XEN_EINVAL);
        assert_int_equal(vop(v, VCPUOP_register_vcpu_info, 0, fx_addr(v, FX_HOLE, 0) - 4),
                         -XEN_EFAULT);
        assert_false(v->vcpu_info_registered);
        assert_true(fx_invariants());
    }
}

/* Another vCPU's area may be set only while it is down. */
static void test_register_vcpu_info_other(void **state)
{
    struct vcpu *t, other;
    struct vcpu_register_vcpu_info info = { FX_PAGE_GFN + 9, 0, 0 };
    (void)state;

    t = fx_domain(FX_DOMU, 0, FX_LONG);
    other = *t;
    fx_put(t, 2, 32, &info, sizeof(info));
    assert_int_equal(hc_vcpu_op(&other, VCPUOP_register_vcpu_info, 0, fx_addr(t, 2, 32)),
                     -XEN_EINVAL);
    t->run_state = VCPU_DOWN;
    assert_int_equal(hc_vcpu_op(&other, VCPUOP_register_vcpu_info, 0, fx_addr(t, 2, 32)), 0);
    assert_true(t->vcpu_info_registered);
}

static int64_t reg_runstate(struct vcpu *v, uint64_t addr)
{
    fx_put(v, 2, 48, &addr, sizeof(addr));
    return vop(v, VCPUOP_register_runstate_memory_area, 0, fx_addr(v, 2, 48));
}

static void test_runstate_area(void **state)
{
    struct vcpu_runstate_info r;
    struct vcpu *v;
    (void)state;

    v = fx_domain(FX_DOMU, 0, FX_LONG);
    fx_fill(v, 10, 0xEE);
    assert_int_equal(reg_runstate(v, fx_addr(v, 10, 8)), 0);
    assert_int_equal(v->runstate_gla, fx_addr(v, 10, 8));
    fx_get(v, 10, 8, &r, sizeof(r));
    assert_int_equal(r.state, RUNSTATE_running);
    assert_int_equal(r.state_entry_time, 1000000000ULL);
    for (int i = 0; i < 4; i++)
        assert_int_equal(r.time[i], 0);
    assert_int_equal(*fx_gpa(v->domain, fx_page_gpa(10) + 8 + sizeof(r)), 0xEE);
    /* The scheduler reports a change: the area follows. */
    sim_clock_advance(1000);
    guest_time_runstate_set(v, RUNSTATE_blocked);
    fx_get(v, 10, 8, &r, sizeof(r));
    assert_int_equal(r.state, RUNSTATE_blocked);
    assert_int_equal(r.state_entry_time, 1000001000ULL);
    assert_int_equal(r.time[RUNSTATE_running], 1000);
    /* get_runstate_info includes the time in the current state. */
    sim_clock_advance(500);
    assert_int_equal(vop(v, VCPUOP_get_runstate_info, 0, fx_addr(v, 11, 0)), 0);
    fx_get(v, 11, 0, &r, sizeof(r));
    assert_int_equal(r.state, RUNSTATE_blocked);
    assert_int_equal(r.time[RUNSTATE_running], 1000);
    assert_int_equal(r.time[RUNSTATE_blocked], 500);
    assert_int_equal(vop(v, VCPUOP_get_runstate_info, 0, fx_addr(v, FX_RO, 0)), -XEN_EFAULT);
    /* Address 0 stops the updates. */
    assert_int_equal(reg_runstate(v, 0), 0);
    assert_int_equal(v->runstate_gla, 0);
}

/* Any address is taken; one that cannot be written is simply not written. */
static void test_runstate_bad_area(void **state)
{
    struct vcpu *v;
    (void)state;

    v = fx_domain(FX_DOMU, 0, FX_LONG);
    assert_int_equal(reg_runstate(v, fx_addr(v, FX_HOLE, 0) - 16), 0);
    assert_int_equal(v->runstate_gla, fx_addr(v, FX_HOLE, 0) - 16);
    assert_int_equal(reg_runstate(v, 0x8000000000000000ULL), 0);
    guest_time_runstate_set(v, RUNSTATE_runnable);
    assert_int_equal(vop(v, VCPUOP_register_runstate_memory_area, 0, fx_addr(v, FX_HOLE, 0) - 4),
                     -XEN_EFAULT);
    assert_int_equal(v->runstate_gla, 0x8000000000000000ULL);
}

static void test_runstate_compat(void **state)
{
    struct vcpu_runstate_info_compat c;
    struct vcpu *v;
    (void)state;

    v = fx_domain(FX_DOMU, 0, FX_FLAT32);
    fx_fill(v, 10, 0xEE);
    /* A 32-bit guest's handle is the low half of the 64-bit field. */
    assert_int_equal(reg_runstate(v, 0xFFFFFFFF00000000ULL | fx_addr(v, 10, 4)), 0);
    assert_int_equal(v->runstate_gla, fx_addr(v, 10, 4));
    sim_clock_advance(0x100000000ULL);
    guest_time_runstate_set(v, RUNSTATE_offline);
    fx_get(v, 10, 4, &c, sizeof(c));
    assert_int_equal(c.state, RUNSTATE_offline);
    assert_int_equal(c.state_entry_time[0], (uint32_t)(1000000000ULL + 0x100000000ULL));
    assert_int_equal(c.state_entry_time[1], 1);
    assert_int_equal(c.time[0], 0);
    assert_int_equal(c.time[1], 1);             /* 2^32 ns running */
    assert_int_equal(*fx_gpa(v->domain, fx_page_gpa(10) + 4 + 44), 0xEE);
    sim_clock_advance(7);
    fx_fill(v, 11, 0xEE);
    assert_int_equal(vop(v, VCPUOP_get_runstate_info, 0, fx_addr(v, 11, 0)), 0);
    fx_get(v, 11, 0, &c, sizeof(c));
    assert_int_equal(c.time[2 * RUNSTATE_offline], 7);
    assert_int_equal(*fx_gpa(v->domain, fx_page_gpa(11) + 44), 0xEE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_vcpu_ids, setup),
        cmocka_unit_test_setup(test_not_provided, setup),
        cmocka_unit_test_setup(test_timers, setup),
        cmocka_unit_test_setup(test_singleshot_compat_size, setup),
        cmocka_unit_test_setup(test_timers_only_on_self, setup),
        cmocka_unit_test_setup(test_register_vcpu_info, setup),
        cmocka_unit_test_setup(test_register_vcpu_info_copies_slot_compat, setup),
        cmocka_unit_test_setup(test_register_vcpu_info_refused, setup),
        cmocka_unit_test_setup(test_register_vcpu_info_other, setup),
        cmocka_unit_test_setup(test_runstate_area, setup),
        cmocka_unit_test_setup(test_runstate_bad_area, setup),
        cmocka_unit_test_setup(test_runstate_compat, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
