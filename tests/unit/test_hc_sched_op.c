// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of sched_op: yield, block (with and without a pending upcall,
 * the upcall mask cleared), every shutdown reason, the first shutdown
 * winning, shutdown codes, remote shutdown and its permission checks, the
 * partial console line flushed at the end, poll (pending ports, timeouts,
 * waking by a listed port, masked or not, and by the deadline; compat
 * layout), and the error paths.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_hc_fixture.h"
#include "hv/evtchn.h"

static int setup(void **state)
{
    (void)state;
    fx_machine();
    return 0;
}

static int64_t sop(struct vcpu *v, uint64_t cmd, uint64_t arg)
{
    int64_t rc = FX_CALL2(v, HYPERVISOR_sched_op, cmd, arg);

    assert_true(fx_declared(HYPERVISOR_sched_op, rc));
    return rc;
}

static int64_t do_shutdown(struct vcpu *v, uint32_t cmd, uint32_t reason)
{
    struct sched_shutdown s = { reason };

    fx_put(v, 3, 40, &s, sizeof(s));
    return sop(v, cmd, fx_addr(v, 3, 40));
}

static void test_yield(void **state)
{
    struct vcpu *v;
    (void)state;

    v = fx_domain(FX_DOMU, 0, FX_LONG);
    assert_int_equal(sop(v, SCHEDOP_yield, 0xDEAD), 0);
    assert_int_equal(v->run_state, VCPU_RUNNABLE);
}

static void test_block_without_vcpu_info(void **state)
{
    struct vcpu *v;
    (void)state;

    v = fx_domain(FX_DOMU, 0, FX_LONG);
    assert_int_equal(sop(v, SCHEDOP_block, 0), 0);
    assert_int_equal(v->run_state, VCPU_BLOCKED);
}

/* With a registered vcpu_info: the mask is cleared; a pending upcall prevents blocking. */
static void test_block_with_vcpu_info(void **state)
{
    struct vcpu *v;
    uint8_t vi[2];
    (void)state;

    v = fx_domain(FX_DOMU, 0, FX_LONG);
    v->vcpu_info_registered = true;
    v->vcpu_info_gfn = FX_PAGE_GFN + 8;
    v->vcpu_info_offset = 128;
    vi[0] = 1;              /* upcall pending */
    vi[1] = 1;              /* masked */
    fx_put(v, 8, 128, vi, 2);
    assert_int_equal(sop(v, SCHEDOP_block, 0), 0);
    assert_int_equal(v->run_state, VCPU_RUNNABLE);
    fx_get(v, 8, 128, vi, 2);
    assert_int_equal(vi[0], 1);
    assert_int_equal(vi[1], 0);
    vi[0] = 0;
    vi[1] = 1;
    fx_put(v, 8, 128, vi, 2);
    assert_int_equal(sop(v, SCHEDOP_block, 0), 0);
    assert_int_equal(v->run_state, VCPU_BLOCKED);
    fx_get(v, 8, 128, vi, 2);
    assert_int_equal(vi[1], 0);
    /* A vcpu_info in a read-only frame: nothing to clear, the vCPU still blocks. */
    v->run_state = VCPU_RUNNABLE;
    v->vcpu_info_gfn = FX_PAGE_GFN + FX_RO;
    assert_int_equal(sop(v, SCHEDOP_block, 0), 0);
    assert_int_equal(v->run_state, VCPU_BLOCKED);
}

static void test_shutdown_reasons(void **state)
{
    static const uint32_t reasons[] = { SHUTDOWN_poweroff, SHUTDOWN_reboot, SHUTDOWN_suspend,
                                        SHUTDOWN_watchdog, SHUTDOWN_soft_reset, 200 };
    struct vcpu *v;
    (void)state;

    for (size_t i = 0; i < HV_ARRAY_SIZE(reasons); i++) {
        fx_machine();
        v = fx_domain(FX_DOMU, 0, FX_LONG);
        assert_int_equal(do_shutdown(v, SCHEDOP_shutdown, reasons[i]), 0);
        assert_int_equal(v->domain->guest.state, DOMAIN_SHUTDOWN);
        assert_int_equal(v->domain->guest.shutdown_reason, reasons[i]);
        assert_false(v->domain->guest.has_shutdown_code);
        assert_true(fx_invariants());
    }
}

static void test_shutdown_crash(void **state)
{
    struct vcpu *v;
    (void)state;

    v = fx_domain(FX_DOMU, 0, FX_FLAT32);
    assert_int_equal(do_shutdown(v, SCHEDOP_shutdown, SHUTDOWN_crash), 0);
    assert_int_equal(v->domain->guest.state, DOMAIN_CRASHED);
    assert_int_equal(v->domain->guest.shutdown_reason, SHUTDOWN_crash);
    assert_non_null(strstr(v->domain->guest.crash_msg, "crash"));
    assert_non_null(strstr(sim_serial_output(), "d1: crashed"));
}

/* The reason is a byte; the first shutdown wins. */
static void test_shutdown_truncated_and_first_wins(void **state)
{
    struct vcpu *v;
    (void)state;

    v = fx_domain(FX_DOMU, 0, FX_LONG);
    assert_int_equal(do_shutdown(v, SCHEDOP_shutdown, 0x301), 0);
    assert_int_equal(v->domain->guest.shutdown_reason, SHUTDOWN_reboot);
    assert_int_equal(do_shutdown(v, SCHEDOP_shutdown, SHUTDOWN_crash), 0);
    assert_int_equal(v->domain->guest.state, DOMAIN_SHUTDOWN);
    assert_int_equal(v->domain->guest.shutdown_reason, SHUTDOWN_reboot);
}

static void test_shutdown_code(void **state)
{
    struct vcpu *v;
    (void)state;

    v = fx_domain(FX_DOMU, 0, FX_LONG);
    assert_int_equal(do_shutdown(v, SCHEDOP_shutdown_code, 0x105), 0);
    assert_true(v->domain->guest.has_shutdown_code);
    assert_int_equal(v->domain->guest.shutdown_code, SHUTDOWN_soft_reset);
    assert_int_equal(do_shutdown(v, SCHEDOP_shutdown_code, SHUTDOWN_crash), 0);   /* first wins */
    assert_int_equal(v->domain->guest.shutdown_code, SHUTDOWN_soft_reset);
    assert_int_equal(v->domain->guest.state, DOMAIN_RUNNING);
    /* The code replaces the reason of the shutdown itself. */
    assert_int_equal(do_shutdown(v, SCHEDOP_shutdown, SHUTDOWN_crash), 0);
    assert_int_equal(v->domain->guest.state, DOMAIN_SHUTDOWN);
    assert_int_equal(v->domain->guest.shutdown_reason, SHUTDOWN_soft_reset);
}

static void test_shutdown_flushes_console(void **state)
{
    struct vcpu *v;
    (void)state;

    v = fx_domain(FX_DOMU, 0, FX_LONG);
    guest_console_write(v->domain, "bye", 3);
    assert_int_equal(do_shutdown(v, SCHEDOP_shutdown, SHUTDOWN_poweroff), 0);
    assert_non_null(strstr(sim_serial_output(), "(d1) bye\n"));
}

static void test_remote_shutdown(void **state)
{
    struct sched_remote_shutdown r = { .domain_id = FX_DOMU, .reason = SHUTDOWN_crash };
    struct vcpu *z, *u, *w;
    (void)state;

    z = fx_domain(FX_DOM0, SIF_PRIVILEGED | SIF_INITDOMAIN, FX_LONG);
    u = fx_domain(FX_DOMU, 0, FX_LONG);
    w = fx_domain(2, 0, FX_FLAT32);
    /* An unprivileged domain may not end another, nor itself this way. */
    fx_put(w, 3, 0, &r, sizeof(r));
    assert_int_equal(sop(w, SCHEDOP_remote_shutdown, fx_addr(w, 3, 0)), -XEN_EPERM);
    r.domain_id = 2;
    fx_put(w, 3, 0, &r, sizeof(r));
    assert_int_equal(sop(w, SCHEDOP_remote_shutdown, fx_addr(w, 3, 0)), -XEN_EPERM);
    r.domain_id = 7;
    fx_put(w, 3, 0, &r, sizeof(r));
    assert_int_equal(sop(w, SCHEDOP_remote_shutdown, fx_addr(w, 3, 0)), -XEN_ESRCH);
    r.domain_id = DOMID_SELF;
    fx_put(z, 3, 0, &r, sizeof(r));
    assert_int_equal(sop(z, SCHEDOP_remote_shutdown, fx_addr(z, 3, 0)), -XEN_ESRCH);
    assert_int_equal(u->domain->guest.state, DOMAIN_RUNNING);
    r.domain_id = FX_DOMU;
    fx_put(z, 3, 0, &r, sizeof(r));
    assert_int_equal(sop(z, SCHEDOP_remote_shutdown, fx_addr(z, 3, 0)), 0);
    assert_int_equal(u->domain->guest.state, DOMAIN_CRASHED);
    assert_int_equal(z->domain->guest.state, DOMAIN_RUNNING);
    assert_int_equal(w->domain->guest.state, DOMAIN_RUNNING);
}

static void test_errors(void **state)
{
    static const uint32_t cmds[] = { SCHEDOP_shutdown, SCHEDOP_shutdown_code,
                                     SCHEDOP_remote_shutdown };
    struct vcpu *v;
    (void)state;

    v = fx_domain(FX_DOM0, SIF_PRIVILEGED | SIF_INITDOMAIN, FX_LONG);
    for (size_t i = 0; i < HV_ARRAY_SIZE(cmds); i++) {
        assert_int_equal(sop(v, cmds[i], fx_addr(v, FX_HOLE, 0)), -XEN_EFAULT);
        assert_int_equal(sop(v, cmds[i], fx_addr(v, FX_HOLE, 0) - 2), -XEN_EFAULT);
        assert_int_equal(sop(v, cmds[i], 0x0000800000000000ULL), -XEN_EFAULT);
    }
    assert_int_equal(v->domain->guest.state, DOMAIN_RUNNING);
    assert_false(v->domain->guest.has_shutdown_code);
    assert_int_equal(sop(v, SCHEDOP_watchdog, fx_addr(v, 3, 0)), -XEN_ENOSYS);
    assert_int_equal(sop(v, SCHEDOP_pin_override, fx_addr(v, 3, 0)), -XEN_ENOSYS);
    assert_int_equal(sop(v, 8, 0), -XEN_ENOSYS);
    assert_int_equal(sop(v, 0xFFFFFFFF, 0), -XEN_ENOSYS);
    /* cmd is a 32-bit int: the upper half of rdi does not count. */
    assert_int_equal(sop(v, 0x100000000ULL | SCHEDOP_yield, 0), 0);
}

/* ---- SCHEDOP_poll ----------------------------------------------------------------- */

static struct vcpu *poll_domain(enum fx_mode mode)
{
    struct vcpu *v = fx_domain(FX_DOMU, 0, mode);
    mfn_t m;

    evtchn_reset();
    assert_int_equal(domain_alloc_ram(FX_DOMU, 0, &m), 0);
    v->domain->guest.shared_info_mfn = m;
    guest_time_shared_info_init(v->domain);
    evtchn_domain_init(v->domain);
    return v;
}

static struct shared_info *si(const struct vcpu *v)
{
    return (struct shared_info *)sim_frame(v->domain->guest.shared_info_mfn);
}

/* Ports at page 6, the sched_poll record at page 3 offset 40. */
static int64_t do_poll(struct vcpu *v, const uint32_t *ports, uint32_t nr, uint64_t timeout)
{
    struct sched_poll p = { .ports = fx_addr(v, 6, 0), .nr_ports = nr, .timeout = timeout };
    struct sched_poll_compat c = { .ports = (uint32_t)fx_addr(v, 6, 0), .nr_ports = nr,
                                   .timeout = { (uint32_t)timeout, (uint32_t)(timeout >> 32) } };

    if (nr > 0 && nr <= 200)
        fx_put(v, 6, 0, ports, nr * sizeof(ports[0]));
    if (v->state.cs_mode == VCPU_CS_64)
        fx_put(v, 3, 40, &p, sizeof(p));
    else
        fx_put(v, 3, 40, &c, sizeof(c));
    return sop(v, SCHEDOP_poll, fx_addr(v, 3, 40));
}

static void test_poll_blocks_and_wakes(void **state)
{
    struct vcpu *v;
    uint32_t a = 0, b = 0, ports[2];
    (void)state;

    v = poll_domain(FX_LONG);
    assert_int_equal(evtchn_bind_ipi(v->domain, 0, &a), 0);
    assert_int_equal(evtchn_bind_ipi(v->domain, 0, &b), 0);
    ports[0] = a;
    ports[1] = b;
    /* Nothing pending: the vCPU blocks; the upcall mask is left alone (unlike block). */
    si(v)->vcpu_info[0].evtchn_upcall_mask = 1;
    si(v)->evtchn_mask[0] = (1ULL << a) | (1ULL << b);
    assert_int_equal(do_poll(v, ports, 1, 0), 0);
    assert_int_equal(v->run_state, VCPU_BLOCKED);
    assert_int_equal(si(v)->vcpu_info[0].evtchn_upcall_mask, 1);
    /* Another port does not end the poll; the polled one does, though masked. */
    assert_int_equal(evtchn_send(v->domain, b), 0);
    assert_int_equal(v->run_state, VCPU_BLOCKED);
    assert_int_equal(evtchn_send(v->domain, a), 0);
    assert_int_equal(v->run_state, VCPU_RUNNABLE);
    /* A listed port pending already: no block. */
    assert_int_equal(do_poll(v, ports, 2, 0), 0);
    assert_int_equal(v->run_state, VCPU_RUNNABLE);
    /* Several ports: any of them ends it. */
    si(v)->evtchn_pending[0] = 0;
    assert_int_equal(do_poll(v, ports, 2, 0), 0);
    assert_int_equal(v->run_state, VCPU_BLOCKED);
    assert_int_equal(evtchn_send(v->domain, b), 0);
    assert_int_equal(v->run_state, VCPU_RUNNABLE);
    /* No ports, a timeout: a timed block that the deadline ends. */
    assert_int_equal(do_poll(v, ports, 0, guest_time_now() + 1000000), 0);
    assert_int_equal(v->run_state, VCPU_BLOCKED);
    assert_int_equal(evtchn_poll_next_deadline(), guest_time_now() + 1000000);
    evtchn_poll_expire(guest_time_now() + 1000000);
    assert_int_equal(v->run_state, VCPU_RUNNABLE);
    /* A timeout in the past: no block. */
    sim_clock_advance(5000);
    assert_int_equal(do_poll(v, ports, 0, 1), 0);
    assert_int_equal(v->run_state, VCPU_RUNNABLE);
    /* SCHEDOP_block forgets a poll that ended some other way. */
    si(v)->evtchn_pending[0] = 0;
    assert_int_equal(do_poll(v, ports, 1, 0), 0);
    v->run_state = VCPU_RUNNABLE;
    assert_int_equal(sop(v, SCHEDOP_block, 0), 0);
    assert_int_equal(evtchn_send(v->domain, a), 0);
    assert_int_equal(v->run_state, VCPU_BLOCKED);
}

/* An upcall that can be taken now (pending, interrupts on) ends the poll at once. */
static void test_poll_upcall_deliverable(void **state)
{
    struct vcpu *v;
    uint32_t a = 0;
    (void)state;

    v = poll_domain(FX_LONG);
    assert_int_equal(evtchn_bind_ipi(v->domain, 0, &a), 0);
    si(v)->vcpu_info[0].evtchn_upcall_pending = 1;
    v->state.paging.rflags = 0x2;
    assert_int_equal(do_poll(v, &a, 1, 0), 0);
    assert_int_equal(v->run_state, VCPU_BLOCKED);
    v->run_state = VCPU_RUNNABLE;
    v->state.paging.rflags = 0x202;
    assert_int_equal(do_poll(v, &a, 1, 0), 0);
    assert_int_equal(v->run_state, VCPU_RUNNABLE);
}

static void test_poll_errors(void **state)
{
    struct vcpu *v;
    uint32_t ports[129] = { 0 };
    uint32_t a;
    struct sched_poll p;
    (void)state;

    v = poll_domain(FX_LONG);
    /* Port 0 and free ports cannot be polled. */
    assert_int_equal(do_poll(v, ports, 1, 0), -XEN_EINVAL);
    ports[0] = 5;
    assert_int_equal(do_poll(v, ports, 1, 0), -XEN_EINVAL);
    assert_int_equal(v->run_state, VCPU_RUNNABLE);
    assert_int_equal(evtchn_bind_ipi(v->domain, 0, &a), 0);
    for (unsigned i = 0; i < 129; i++)
        ports[i] = a;
    assert_int_equal(do_poll(v, ports, 129, 0), -XEN_EINVAL);
    assert_int_equal(do_poll(v, ports, 0xFFFFFFFF, 0), -XEN_EINVAL);
    ports[1] = 4096;
    assert_int_equal(do_poll(v, ports, 2, 0), -XEN_EINVAL);
    assert_int_equal(v->run_state, VCPU_RUNNABLE);
    /* The record, or the port list, is unreadable. */
    assert_int_equal(sop(v, SCHEDOP_poll, fx_addr(v, FX_HOLE, 0) - 8), -XEN_EFAULT);
    p = (struct sched_poll){ .ports = fx_addr(v, FX_HOLE, 0) - 4, .nr_ports = 2 };
    fx_put(v, 3, 40, &p, sizeof(p));
    assert_int_equal(sop(v, SCHEDOP_poll, fx_addr(v, 3, 40)), -XEN_EFAULT);
    assert_int_equal(v->run_state, VCPU_RUNNABLE);
    /* 128 ports is the most. */
    ports[1] = a;
    assert_int_equal(do_poll(v, ports, 128, 0), 0);
    assert_int_equal(v->run_state, VCPU_BLOCKED);
}

/* A 32-bit caller's record is 16 bytes; its limit is 1024 ports. */
static void test_poll_compat(void **state)
{
    struct vcpu *v;
    uint32_t ports[1];
    (void)state;

    v = poll_domain(FX_FLAT32);
    evtchn_set_compat(v->domain, true);
    assert_int_equal(evtchn_bind_ipi(v->domain, 0, &ports[0]), 0);
    assert_int_equal(do_poll(v, ports, 1, guest_time_now() + 777), 0);
    assert_int_equal(v->run_state, VCPU_BLOCKED);
    assert_int_equal(evtchn_poll_next_deadline(), guest_time_now() + 777);
    v->run_state = VCPU_RUNNABLE;
    ports[0] = 1024;
    assert_int_equal(do_poll(v, ports, 1, 0), -XEN_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_yield, setup),
        cmocka_unit_test_setup(test_block_without_vcpu_info, setup),
        cmocka_unit_test_setup(test_block_with_vcpu_info, setup),
        cmocka_unit_test_setup(test_shutdown_reasons, setup),
        cmocka_unit_test_setup(test_shutdown_crash, setup),
        cmocka_unit_test_setup(test_shutdown_truncated_and_first_wins, setup),
        cmocka_unit_test_setup(test_shutdown_code, setup),
        cmocka_unit_test_setup(test_shutdown_flushes_console, setup),
        cmocka_unit_test_setup(test_remote_shutdown, setup),
        cmocka_unit_test_setup(test_errors, setup),
        cmocka_unit_test_setup(test_poll_blocks_and_wakes, setup),
        cmocka_unit_test_setup(test_poll_upcall_deliverable, setup),
        cmocka_unit_test_setup(test_poll_errors, setup),
        cmocka_unit_test_setup(test_poll_compat, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
