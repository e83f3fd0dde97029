// SPDX-License-Identifier: GPL-2.0-only
/*
 * One serial line for several consoles: Xen's Ctrl-A switch, input routed to
 * the initial domain (console_io ring + VIRQ_CONSOLE) or to a domain's PV
 * console ring, the hypervisor's own keys, and the PV console backend moving
 * output out of a guest ring whose indexes the guest may have broken.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_hc_fixture.h"

#include "hv/console_mux.h"
#include "hv/evtchn.h"
#include "hv/pv_console.h"

#define RING_GPA      (PV_CONSOLE_GFN << PAGE_SHIFT)
#define OFF_IN        0U
#define OFF_OUT       1024U
#define OFF_IN_CONS   3072U
#define OFF_IN_PROD   3076U
#define OFF_OUT_CONS  3080U
#define OFF_OUT_PROD  3084U
#define SHINFO_GFN    0x300U

static struct vcpu *dom0, *dom1, *dom2;

static uint32_t ring_u32(const struct domain *d, uint32_t off)
{
    uint32_t x;

    memcpy(&x, fx_gpa(d, RING_GPA + off), sizeof(x));
    return x;
}

static void ring_set_u32(const struct domain *d, uint32_t off, uint32_t x)
{
    memcpy(fx_gpa(d, RING_GPA + off), &x, sizeof(x));
}

/* The guest places its shared_info, so event channel bits have somewhere to go. */
static void map_shared_info(struct vcpu *v)
{
    struct xen_add_to_physmap x = { .domid = DOMID_SELF, .space = XENMAPSPACE_shared_info,
                                    .idx = 0, .gpfn = SHINFO_GFN };

    fx_put(v, 0, 0, &x, sizeof(x));
    assert_int_equal(fx_call(v, HYPERVISOR_memory_op, XENMEM_add_to_physmap, fx_addr(v, 0, 0), 0, 0, 0), 0);
}

static struct vcpu *guest(domid_t id, uint32_t flags)
{
    struct vcpu *v = fx_domain(id, flags, FX_LONG);

    evtchn_domain_init(v->domain);
    map_shared_info(v);
    if ((flags & SIF_INITDOMAIN) == 0)
        assert_int_equal(pv_console_attach(v->domain), 0);
    return v;
}

static int setup(void **state)
{
    (void)state;
    fx_machine();
    evtchn_reset();
    dom0 = guest(0, SIF_INITDOMAIN | SIF_PRIVILEGED);
    dom1 = guest(1, 0);
    dom2 = guest(2, 0);
    console_mux_start();
    return 0;
}

static void type(const char *text)
{
    assert_true(sim_serial_input(text, strlen(text)));
    console_mux_poll();
}

static void test_attach_sets_params(void **state)
{
    const struct domain *d = dom1->domain;
    uint32_t port = (uint32_t)d->guest.hvm_params[HVM_PARAM_CONSOLE_EVTCHN];
    struct evtchn_info st;

    (void)state;
    assert_int_equal(d->guest.hvm_params[HVM_PARAM_CONSOLE_PFN], PV_CONSOLE_GFN);
    assert_true(port != 0);
    assert_int_equal(evtchn_status(d, port, &st), 0);
    assert_int_equal(st.status, EVTCHNSTAT_unbound);
    assert_true(pv_console_attached(d));
    assert_false(pv_console_attached(dom0->domain));           /* console_io instead */
    assert_int_equal(pv_console_attach(dom0->domain), -XEN_EINVAL);
    assert_int_equal(ring_u32(d, OFF_OUT_PROD), 0);            /* a zeroed page */
    assert_true(fx_invariants());
}

static void test_banner_and_switch_order(void **state)
{
    (void)state;
    assert_non_null(strstr(sim_serial_output(),
                           "*** Serial input to DOM0 (type 'CTRL-a' three times to switch input)"));
    assert_true(console_mux_has_focus(dom0->domain));
    sim_serial_clear();
    type("\x01\x01\x01");
    assert_true(console_mux_has_focus(dom1->domain));
    assert_non_null(strstr(sim_serial_output(), "*** Serial input to DOM1"));
    type("\x01\x01\x01");
    assert_true(console_mux_has_focus(dom2->domain));
    type("\x01\x01\x01");
    assert_false(console_mux_has_focus(dom2->domain));
    assert_true(console_mux_state.to_hypervisor);
    assert_non_null(strstr(sim_serial_output(), "*** Serial input to Xen"));
    type("\x01\x01\x01");
    assert_true(console_mux_has_focus(dom0->domain));
}

static void test_initial_domain_input(void **state)
{
    char buf[8];
    uint32_t port;

    (void)state;
    assert_int_equal(evtchn_bind_virq(dom0->domain, VIRQ_CONSOLE, 0, &port), 0);
    dom0->run_state = VCPU_BLOCKED;
    type("ls\r");
    assert_int_equal(guest_console_input_pending(), 3);
    assert_int_equal(guest_console_input_peek(buf, sizeof(buf)), 3);
    assert_memory_equal(buf, "ls\r", 3);
    assert_true(evtchn_is_pending(dom0->domain, port));
    assert_int_equal(dom0->run_state, VCPU_RUNNABLE);           /* the event woke it */
}

static void test_initial_domain_without_virq_still_wakes(void **state)
{
    (void)state;
    dom0->run_state = VCPU_BLOCKED;
    type("x");
    assert_int_equal(guest_console_input_pending(), 1);
    assert_int_equal(dom0->run_state, VCPU_RUNNABLE);
}

static void test_one_or_two_ctrl_a_pass_through(void **state)
{
    char buf[8];

    (void)state;
    type("\x01q\x01\x01w");
    assert_true(console_mux_has_focus(dom0->domain));
    assert_int_equal(guest_console_input_peek(buf, sizeof(buf)), 5);
    assert_memory_equal(buf, "\x01q\x01\x01w", 5);
}

static void test_domu_input_ring(void **state)
{
    const struct domain *d = dom1->domain;
    uint32_t port = (uint32_t)d->guest.hvm_params[HVM_PARAM_CONSOLE_EVTCHN];

    (void)state;
    type("\x01\x01\x01");
    dom1->run_state = VCPU_BLOCKED;
    type("uname -a\n");
    assert_int_equal(ring_u32(d, OFF_IN_PROD), 9);
    assert_int_equal(ring_u32(d, OFF_IN_CONS), 0);
    assert_memory_equal(fx_gpa(d, RING_GPA + OFF_IN), "uname -a\n", 9);
    assert_int_equal(guest_console_input_pending(), 0);         /* nothing went to dom0 */
    assert_true(evtchn_is_pending(d, port));
    assert_int_equal(dom1->run_state, VCPU_RUNNABLE);
}

static void test_domu_input_ring_full_and_wrapping(void **state)
{
    struct domain *d = dom1->domain;
    char big[1100];

    (void)state;
    memset(big, 'a', sizeof(big));
    ring_set_u32(d, OFF_IN_CONS, 0xFFFFFFF0U);                  /* indexes wrap around 2^32 */
    ring_set_u32(d, OFF_IN_PROD, 0xFFFFFFF0U);
    assert_int_equal(pv_console_input(d, big, sizeof(big)), 1024);
    assert_int_equal(ring_u32(d, OFF_IN_PROD), 0xFFFFFFF0U + 1024U);
    assert_int_equal(pv_console_input(d, "b", 1), 0);           /* full */
    /* A guest that broke its indexes gets nothing (and the hypervisor is fine). */
    ring_set_u32(d, OFF_IN_PROD, 5000);
    ring_set_u32(d, OFF_IN_CONS, 0);
    assert_int_equal(pv_console_input(d, "b", 1), 0);
}

static void put_output(struct domain *d, uint32_t cons, const char *text)
{
    uint32_t n = (uint32_t)strlen(text);

    for (uint32_t i = 0; i < n; i++)
        *fx_gpa(d, RING_GPA + OFF_OUT + ((cons + i) & 2047U)) = (uint8_t)text[i];
    ring_set_u32(d, OFF_OUT_CONS, cons);
    ring_set_u32(d, OFF_OUT_PROD, cons + n);
}

static void test_domu_output_prefixed_when_not_focused(void **state)
{
    struct domain *d = dom2->domain;

    (void)state;
    sim_serial_clear();
    put_output(d, 2040, "hello from\x1b[2J d2\npartial");    /* wraps the 2048-byte ring */
    pv_console_poll_output(d);
    assert_int_equal(ring_u32(d, OFF_OUT_CONS), 2040 + 25);
    assert_non_null(strstr(sim_serial_output(), "(d2) hello from[2J d2\n"));   /* ESC filtered */
    assert_null(strstr(sim_serial_output(), "partial"));                        /* line-buffered */
    put_output(d, 2040 + 25, " line\n");
    pv_console_poll_output(d);
    assert_non_null(strstr(sim_serial_output(), "(d2) partial line\n"));
}

static void test_domu_output_raw_when_focused(void **state)
{
    struct domain *d = dom1->domain;

    (void)state;
    type("\x01\x01\x01");
    sim_serial_clear();
    put_output(d, 0, "/ # ");
    pv_console_poll_output(d);
    assert_string_equal(sim_serial_output(), "/ # ");            /* the prompt shows at once */
}

static void test_domu_output_lying_producer(void **state)
{
    struct domain *d = dom2->domain;

    (void)state;
    ring_set_u32(d, OFF_OUT_CONS, 100);
    ring_set_u32(d, OFF_OUT_PROD, 100 + 1000000);               /* claims a megabyte */
    pv_console_poll_output(d);
    assert_int_equal(ring_u32(d, OFF_OUT_CONS), 100 + 2048);     /* one ring's worth */
    ring_set_u32(d, OFF_OUT_PROD, 50);                          /* behind the consumer */
    ring_set_u32(d, OFF_OUT_CONS, 100);
    pv_console_poll_output(d);
    assert_int_equal(ring_u32(d, OFF_OUT_CONS), 100 + 2048);     /* "behind" is ~4 GiB ahead: capped */
    assert_true(fx_invariants());
}

static void test_ring_unmapped_by_guest(void **state)
{
    struct domain *d = dom2->domain;

    (void)state;
    assert_int_equal(domain_unmap(d->id, PV_CONSOLE_GFN, P2M_ORDER_4K), 0);
    pv_console_poll_output(d);                                  /* nothing to read: no crash */
    assert_int_equal(pv_console_input(d, "x", 1), 0);
}

static void test_hypervisor_keys(void **state)
{
    (void)state;
    type("\x01\x01\x01\x01\x01\x01\x01\x01\x01");                /* DOM1, DOM2, Xen */
    assert_true(console_mux_state.to_hypervisor);
    sim_serial_clear();
    type("h");
    assert_non_null(strstr(sim_serial_output(), "'h' pressed -> showing installed handlers"));
    type("q");
    assert_non_null(strstr(sim_serial_output(), "d1 "));
    assert_non_null(strstr(sim_serial_output(), "d2 "));
    type("z");
    assert_non_null(strstr(sim_serial_output(), "'z' pressed -> no handler"));
    assert_int_equal(guest_console_input_pending(), 0);         /* keys stay in the hypervisor */
}

static void test_focus_moves_when_domain_ends(void **state)
{
    (void)state;
    type("\x01\x01\x01");
    assert_true(console_mux_has_focus(dom1->domain));
    dom1->domain->guest.state = DOMAIN_SHUTDOWN;
    console_mux_domain_gone(dom1->domain);
    assert_true(console_mux_has_focus(dom2->domain));
    dom2->domain->guest.state = DOMAIN_SHUTDOWN;
    console_mux_domain_gone(dom2->domain);
    assert_true(console_mux_has_focus(dom0->domain));
    dom0->domain->guest.state = DOMAIN_SHUTDOWN;
    console_mux_domain_gone(dom0->domain);
    assert_true(console_mux_state.to_hypervisor);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_attach_sets_params, setup),
        cmocka_unit_test_setup(test_banner_and_switch_order, setup),
        cmocka_unit_test_setup(test_initial_domain_input, setup),
        cmocka_unit_test_setup(test_initial_domain_without_virq_still_wakes, setup),
        cmocka_unit_test_setup(test_one_or_two_ctrl_a_pass_through, setup),
        cmocka_unit_test_setup(test_domu_input_ring, setup),
        cmocka_unit_test_setup(test_domu_input_ring_full_and_wrapping, setup),
        cmocka_unit_test_setup(test_domu_output_prefixed_when_not_focused, setup),
        cmocka_unit_test_setup(test_domu_output_raw_when_focused, setup),
        cmocka_unit_test_setup(test_domu_output_lying_producer, setup),
        cmocka_unit_test_setup(test_ring_unmapped_by_guest, setup),
        cmocka_unit_test_setup(test_hypervisor_keys, setup),
        cmocka_unit_test_setup(test_focus_moves_when_domain_ends, setup),
    };
    return cmocka_run_group_tests_name("console_mux", tests, NULL, NULL);
}
