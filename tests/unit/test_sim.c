// SPDX-License-Identifier: GPL-2.0-only
/* The simulator's own behaviour: tests elsewhere rely on it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hal/hal.h"
#include "sim.h"

static int setup(void **state)
{
    (void)state;
    sim_reset(32);
    return 0;
}

static void test_machine_memory_and_views(void **state)
{
    const uint8_t *view;

    (void)state;
    assert_int_equal(hal_machine_frames(), 32);
    assert_null(sim_frame(32));
    assert_non_null(sim_frame(31));
    assert_true(sim_write_phys(0x2000, "abc", 4));
    assert_false(sim_write_phys(32 * 4096 - 2, "abc", 4));
    view = hal_phys_view(0x2000, 4);
    assert_non_null(view);
    assert_string_equal((const char *)view, "abc");
    assert_null(hal_phys_view(0x10, 4));              /* page 0 is never mapped */
    assert_null(hal_phys_view(32 * 4096 - 2, 4));     /* beyond memory */
    assert_null(hal_phys_view(UINT64_MAX - 1, 4));    /* wraps */
    assert_non_null(hal_phys_map(0x3000, 4096));
    assert_null(hal_phys_map(0, 16));
    assert_null(hal_phys_map(32 * 4096, 1));
}

static void test_scrub_zeroes_and_counts(void **state)
{
    (void)state;
    sim_dirty_frame(5, 0xAA);
    assert_false(sim_frame_is_zero(5));
    hal_frame_scrub(5);
    assert_true(sim_frame_is_zero(5));
    assert_int_equal(sim_scrub_count(), 1);
    assert_false(sim_frame_is_zero(99));
}

static void test_cpuid_and_msr_tables(void **state)
{
    struct hal_cpuid r;

    (void)state;
    sim_cpuid_set(7, 1, 1, 2, 3, 4);
    sim_cpuid_set(7, 1, 5, 6, 7, 8);                  /* overwrite, no new slot */
    hal_cpuid(7, 1, &r);
    assert_int_equal(r.eax, 5);
    assert_int_equal(r.edx, 8);
    hal_cpuid(7, 0, &r);
    assert_int_equal(r.eax | r.ebx | r.ecx | r.edx, 0);
    sim_msr_set(0x10, 42);
    sim_msr_set(0x10, 43);
    assert_int_equal(hal_rdmsr(0x10), 43);
    assert_int_equal(hal_rdmsr(0x11), 0);
}

static void test_clock_is_deterministic(void **state)
{
    (void)state;
    assert_int_equal(hal_time_ns(), 0);
    sim_clock_advance(100);
    hal_delay_ns(50);
    assert_int_equal(hal_time_ns(), 150);
}

static void test_interrupt_queue_orders_by_time_then_fifo(void **state)
{
    uint8_t v;

    (void)state;
    sim_clock_advance(1000);
    assert_true(sim_irq_schedule(5000, 0x30));
    assert_true(sim_irq_schedule(2000, 0x31));
    assert_true(sim_irq_schedule(2000, 0x32));
    assert_true(sim_irq_schedule(500, 0x33));         /* already due */
    assert_int_equal(sim_irq_pending(), 4);
    assert_true(sim_irq_next(&v));
    assert_int_equal(v, 0x33);
    assert_int_equal(hal_time_ns(), 1000);             /* the clock never goes back */
    assert_true(sim_irq_next(&v));
    assert_int_equal(v, 0x31);
    assert_int_equal(hal_time_ns(), 2000);
    assert_true(sim_irq_next(&v));
    assert_int_equal(v, 0x32);
    assert_true(sim_irq_next(&v));
    assert_int_equal(v, 0x30);
    assert_int_equal(hal_time_ns(), 5000);
    assert_false(sim_irq_next(&v));
}

static void test_interrupt_queue_is_bounded(void **state)
{
    (void)state;
    for (int i = 0; i < SIM_IRQ_QUEUE_MAX; i++)
        assert_true(sim_irq_schedule((uint64_t)i, 0x20));
    assert_false(sim_irq_schedule(0, 0x20));
}

static void test_serial_and_debug_exit(void **state)
{
    (void)state;
    hal_serial_init(57600);
    assert_int_equal(sim_serial_baud(), 57600);
    hal_serial_write("hi", 2);
    assert_string_equal(sim_serial_output(), "hi");
    sim_serial_clear();
    assert_int_equal(sim_serial_length(), 0);
    hal_debug_exit(3);
    assert_int_equal(sim_debug_exit_status(), -1);    /* off by default */
    hal_debug_exit_enable();
    hal_debug_exit(3);
    assert_int_equal(sim_debug_exit_status(), 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_machine_memory_and_views, setup),
        cmocka_unit_test_setup(test_scrub_zeroes_and_counts, setup),
        cmocka_unit_test_setup(test_cpuid_and_msr_tables, setup),
        cmocka_unit_test_setup(test_clock_is_deterministic, setup),
        cmocka_unit_test_setup(test_interrupt_queue_orders_by_time_then_fifo, setup),
        cmocka_unit_test_setup(test_interrupt_queue_is_bounded, setup),
        cmocka_unit_test_setup(test_serial_and_debug_exit, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
