// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of guest time: the pvclock scale for many frequencies (never
 * ahead of the exact conversion, close to it), system time from the TSC,
 * monotonic extrapolation across record updates, the version protocol in
 * shared_info and in a registered vcpu_info, the wallclock, shared_info
 * initialisation, runstate accounting, and the accessors' bounds.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_hc_fixture.h"

typedef unsigned __int128 u128;

static const uint64_t freqs[] = { 1, 1000, 32768, 1000000, 999999999, 1000000000, 1000000001,
                                  1999999999, 2000000000, 2000000001, 2400000000ULL,
                                  3000000000ULL, 3999999999ULL, 4000000001ULL, 14318180,
                                  17000000000ULL };

static int setup(void **state)
{
    (void)state;
    fx_machine();
    return 0;
}

/* A tiny deterministic generator. */
static uint64_t rnd_state = 0x9E3779B97F4A7C15ULL;
static uint64_t rnd(void)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 7;
    rnd_state ^= rnd_state << 17;
    return rnd_state;
}

static void test_scale_range_and_accuracy(void **state)
{
    (void)state;
    for (size_t f = 0; f < HV_ARRAY_SIZE(freqs); f++) {
        struct guest_time_scale s = guest_time_scale_for(freqs[f]);

        assert_true(s.mul >= 0x80000000U);
        assert_true(s.shift > -40 && s.shift < 40);
        for (int i = 0; i < 2000; i++) {
            /* Up to 2^40 ticks, fewer where the guest's shift would overflow 64 bits. */
            uint64_t delta = (rnd() >> (rnd() % 40 + 24)) >> (s.shift > 0 ? s.shift : 0);
            uint64_t exact = (uint64_t)((u128)delta * 1000000000U / freqs[f]);
            uint64_t got = guest_time_scale_delta(delta, s);

            /* Never ahead; behind by at most 2^-30 relative plus rounding. */
            assert_true(got <= exact);
            assert_true(exact - got <= exact / (1ULL << 30) + 2);
        }
    }
    /* 1 GHz (the simulator's TSC) converts exactly. */
    assert_int_equal(guest_time_scale_delta(123456789012ULL, guest_time_scale_for(1000000000)),
                     123456789012ULL);
}

static void test_tsc_to_ns(void **state)
{
    (void)state;
    assert_int_equal(guest_time_tsc_to_ns(100, 200, 1000), 0);
    assert_int_equal(guest_time_tsc_to_ns(200, 200, 1000), 0);
    assert_int_equal(guest_time_tsc_to_ns(200 + 2999, 200, 1000), 2999000000ULL);
    assert_int_equal(guest_time_tsc_to_ns(7, 0, 3), 2333333333ULL);
    assert_int_equal(guest_time_now(), hal_time_ns());
    sim_clock_advance(987654321);
    assert_int_equal(guest_time_now(), hal_time_ns());
}

/*
 * The guest reads time from the newest record; readings must never go
 * backwards, also across an update to a new record.
 */
static void test_monotonic_across_updates(void **state)
{
    (void)state;
    for (size_t f = 0; f < HV_ARRAY_SIZE(freqs); f++) {
        uint64_t hz = freqs[f], boot = rnd() >> 8, tsc = boot, last = 0;
        struct vcpu_time_info rec;

        guest_time_record_at(&rec, tsc, boot, hz);
        for (int i = 0; i < 3000; i++) {
            struct guest_time_scale s = { rec.tsc_to_system_mul, rec.tsc_shift };
            uint64_t now;

            tsc += rnd() % (hz < 1000 ? 50 : hz / 10);
            now = rec.system_time + guest_time_scale_delta(tsc - rec.tsc_timestamp, s);
            assert_true(now >= last);
            assert_true(now <= guest_time_tsc_to_ns(tsc, boot, hz));
            last = now;
            if (rnd() % 4 == 0) {
                guest_time_record_at(&rec, tsc, boot, hz);
                assert_true(rec.system_time >= last);
            }
        }
    }
}

static void test_record_fields(void **state)
{
    struct vcpu_time_info t;
    (void)state;

    memset(&t, 0xA5, sizeof(t));
    guest_time_record_at(&t, 5000, 1000, 2000);
    assert_int_equal(t.version, 0xA5A5A5A5);        /* left alone */
    assert_int_equal(t.pad0, 0);
    assert_int_equal(t.tsc_timestamp, 5000);
    assert_int_equal(t.system_time, 2000000000ULL);
    assert_int_equal(t.flags, XEN_PVCLOCK_TSC_STABLE_BIT);
    assert_int_equal(t.pad1[0] | t.pad1[1], 0);
    assert_int_equal(guest_time_scale_delta(2000, (struct guest_time_scale){ t.tsc_to_system_mul,
                                                                             t.tsc_shift }),
                     1000000000ULL);
}

/* A domain with its shared_info frame at gfn 0x60 (through the hypercall). */
static struct vcpu *with_shared_info(void)
{
    struct xen_add_to_physmap x = { DOMID_SELF, 0, XENMAPSPACE_shared_info, 0, 0x60 };
    struct vcpu *v = fx_domain(FX_DOMU, 0, FX_LONG);

    fx_put(v, 1, 0, &x, sizeof(x));
    assert_int_equal(FX_CALL2(v, HYPERVISOR_memory_op, XENMEM_add_to_physmap, fx_addr(v, 1, 0)), 0);
    return v;
}

static void read_si(const struct vcpu *v, struct shared_info *si)
{
    memcpy(si, sim_frame(v->domain->guest.shared_info_mfn), sizeof(*si));
}

static void test_pvclock_updates(void **state)
{
    struct shared_info si;
    struct vcpu_info vi;
    struct vcpu *v;
    (void)state;

    v = with_shared_info();
    for (uint32_t round = 1; round <= 3; round++) {
        sim_clock_advance(1000);
        guest_time_update(v);
        read_si(v, &si);
        assert_int_equal(si.vcpu_info[0].time.version, 2 + 2 * round);
        assert_int_equal(si.vcpu_info[0].time.system_time, hal_time_ns());
        assert_int_equal(si.vcpu_info[0].time.tsc_timestamp, hal_rdtsc());
    }
    /* A registered vcpu_info gets its own record too, with its own version. */
    v->vcpu_info_registered = true;
    v->vcpu_info_gfn = FX_PAGE_GFN + 12;
    v->vcpu_info_offset = 64;
    fx_fill(v, 12, 0);
    guest_time_write_pvclock(v);
    fx_get(v, 12, 64, &vi, sizeof(vi));
    assert_int_equal(vi.time.version, 2);
    assert_int_equal(vi.time.system_time, hal_time_ns());
    read_si(v, &si);
    assert_int_equal(si.vcpu_info[0].time.version, 10);
    /* An odd version left by the guest is taken as a start: the result is even. */
    vi.time.version = 7;
    fx_put(v, 12, 64, &vi, sizeof(vi));
    guest_time_write_pvclock(v);
    fx_get(v, 12, 64, &vi, sizeof(vi));
    assert_int_equal(vi.time.version, 10);
    /* The registered record moved to read-only memory: skipped, the slot still updated. */
    v->vcpu_info_gfn = FX_PAGE_GFN + FX_RO;
    guest_time_write_pvclock(v);
    read_si(v, &si);
    assert_int_equal(si.vcpu_info[0].time.version, 14);
    v->vcpu_info_gfn = FX_PAGE_GFN + FX_HOLE;
    guest_time_write_pvclock(v);
    read_si(v, &si);
    assert_int_equal(si.vcpu_info[0].time.version, 16);
}

static void test_no_shared_info_no_writes(void **state)
{
    struct vcpu *v;
    uint8_t b;
    (void)state;

    v = fx_domain(FX_DOMU, 0, FX_LONG);
    guest_time_update(v);
    guest_time_write_wallclock(v->domain);
    guest_time_shared_info_init(v->domain);
    assert_int_equal(guest_time_vcpu_info_read(v, 0, &b, 1), -XEN_EFAULT);
    assert_int_equal(guest_time_vcpu_info_write(v, 0, &b, 1), -XEN_EFAULT);
    assert_int_equal(guest_time_shared_info_read(v->domain, 0, &b, 1), -XEN_EFAULT);
    /* A stale frame number (not the domain's RAM) is not written either. */
    v->domain->guest.shared_info_mfn = 3;
    sim_dirty_frame(3, 0x33);
    guest_time_shared_info_init(v->domain);
    assert_int_equal(sim_frame(3)[0], 0x33);
    assert_true(fx_invariants());
}

static void test_wallclock(void **state)
{
    struct shared_info si;
    struct vcpu *v;
    (void)state;

    v = with_shared_info();
    read_si(v, &si);
    assert_int_equal(si.wc_version, 2);
    assert_int_equal(si.wc_sec | si.wc_nsec | si.wc_sec_hi, 0);
    guest_time_set_epoch(0x123456789ULL, 999999999);
    guest_time_write_wallclock(v->domain);
    read_si(v, &si);
    assert_int_equal(si.wc_version, 4);
    assert_int_equal(si.wc_sec, 0x23456789);
    assert_int_equal(si.wc_sec_hi, 1);
    assert_int_equal(si.wc_nsec, 999999999);
    guest_time_reset();
    guest_time_write_wallclock(v->domain);
    read_si(v, &si);
    assert_int_equal(si.wc_version, 6);
    assert_int_equal(si.wc_sec | si.wc_nsec | si.wc_sec_hi, 0);
}

static void test_shared_info_init_zeroes(void **state)
{
    struct vcpu *v;
    uint8_t *f;
    (void)state;

    v = with_shared_info();
    f = sim_frame(v->domain->guest.shared_info_mfn);
    memset(f, 0xCC, PAGE_SIZE);
    guest_time_shared_info_init(v->domain);
    for (unsigned i = 0; i < PAGE_SIZE; i++) {
        bool record = (i >= 32 && i < 64) || (i >= 3072 && i < 3088);

        if (!record)
            assert_int_equal(f[i], 0);
    }
    assert_int_equal(f[32], 2);        /* vcpu_info[0].time.version */
    assert_int_equal(f[3072], 2);      /* wc_version */
}

static void test_accessor_bounds(void **state)
{
    uint8_t buf[80];
    struct vcpu *v;
    (void)state;

    v = with_shared_info();
    assert_int_equal(guest_time_vcpu_info_read(v, 0, buf, 64), 0);
    assert_int_equal(guest_time_vcpu_info_read(v, 1, buf, 64), -XEN_EFAULT);
    assert_int_equal(guest_time_vcpu_info_read(v, 65, buf, 0), -XEN_EFAULT);
    assert_int_equal(guest_time_vcpu_info_write(v, 63, buf, 2), -XEN_EFAULT);
    assert_int_equal(guest_time_vcpu_info_write(v, 0xFFFFFFFF, buf, 2), -XEN_EFAULT);
    assert_int_equal(guest_time_vcpu_info_write(v, 63, "\x11", 1), 0);
    assert_int_equal(sim_frame(v->domain->guest.shared_info_mfn)[63], 0x11);
    assert_int_equal(guest_time_shared_info_read(v->domain, 4090, buf, 6), 0);
    assert_int_equal(guest_time_shared_info_read(v->domain, 4090, buf, 7), -XEN_EFAULT);
    assert_int_equal(guest_time_shared_info_read(v->domain, 0xFFFFFFFF, buf, 1), -XEN_EFAULT);
}

static void test_runstate_accounting(void **state)
{
    struct vcpu_runstate_info r;
    struct vcpu *v;
    (void)state;

    v = fx_domain(FX_DOMU, 0, FX_LONG);
    /* Never registered: accounting starts from the vCPU's run_state. */
    guest_time_runstate_get(v, &r);
    assert_int_equal(r.state, RUNSTATE_runnable);
    sim_clock_advance(10);
    guest_time_update(v);                     /* scheduled in */
    sim_clock_advance(20);
    guest_time_runstate_set(v, RUNSTATE_blocked);
    sim_clock_advance(30);
    guest_time_runstate_set(v, RUNSTATE_runnable);
    sim_clock_advance(40);
    guest_time_runstate_get(v, &r);
    assert_int_equal(r.state, RUNSTATE_runnable);
    assert_int_equal(r.time[RUNSTATE_runnable], 10 + 40);
    assert_int_equal(r.time[RUNSTATE_running], 20);
    assert_int_equal(r.time[RUNSTATE_blocked], 30);
    assert_int_equal(r.time[RUNSTATE_offline], 0);
    assert_int_equal(r.state_entry_time, 60);
    /* Registering restarts the accounting. */
    guest_time_runstate_register(v, 0, false, RUNSTATE_running);
    guest_time_runstate_get(v, &r);
    assert_int_equal(r.time[RUNSTATE_runnable] + r.time[RUNSTATE_blocked], 0);
    assert_int_equal(r.state_entry_time, 100);
    /* Another domain in the same slot starts afresh. */
    assert_int_equal(domain_destroy(FX_DOMU), 0);
    v = fx_domain(5, 0, FX_LONG);
    v->run_state = VCPU_DOWN;
    guest_time_runstate_get(v, &r);
    assert_int_equal(r.state, RUNSTATE_offline);
    assert_int_equal(r.state_entry_time, 100);
    assert_int_equal(guest_time_runstate_of(VCPU_BLOCKED), RUNSTATE_blocked);
    assert_int_equal(guest_time_runstate_of((enum vcpu_run_state)77), RUNSTATE_offline);
}

/* A vCPU whose domain is not in the table has no record: nothing happens, nothing breaks. */
static void test_runstate_outside_table(void **state)
{
    struct domain outsider;
    struct vcpu_runstate_info r;
    (void)state;

    memset(&outsider, 0, sizeof(outsider));
    outsider.id = 3;
    outsider.guest.vcpus[0].domain = &outsider;
    outsider.guest.vcpus[0].run_state = VCPU_BLOCKED;
    guest_time_runstate_set(&outsider.guest.vcpus[0], RUNSTATE_running);
    guest_time_runstate_register(&outsider.guest.vcpus[0], 0x1000, false, RUNSTATE_running);
    assert_int_equal(outsider.guest.vcpus[0].runstate_gla, 0x1000);
    guest_time_runstate_get(&outsider.guest.vcpus[0], &r);
    assert_int_equal(r.state, RUNSTATE_blocked);
    assert_int_equal(r.time[0] | r.time[1] | r.time[2] | r.time[3], 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_scale_range_and_accuracy, setup),
        cmocka_unit_test_setup(test_tsc_to_ns, setup),
        cmocka_unit_test_setup(test_monotonic_across_updates, setup),
        cmocka_unit_test_setup(test_record_fields, setup),
        cmocka_unit_test_setup(test_pvclock_updates, setup),
        cmocka_unit_test_setup(test_no_shared_info_no_writes, setup),
        cmocka_unit_test_setup(test_wallclock, setup),
        cmocka_unit_test_setup(test_shared_info_init_zeroes, setup),
        cmocka_unit_test_setup(test_accessor_bounds, setup),
        cmocka_unit_test_setup(test_runstate_accounting, setup),
        cmocka_unit_test_setup(test_runstate_outside_table, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
