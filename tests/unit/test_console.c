// SPDX-License-Identifier: GPL-2.0-only
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hv/console.h"
#include "sim.h"

static int setup(void **state)
{
    (void)state;
    sim_reset(16);
    console_init();
    return 0;
}

static size_t read_all(char *buf, size_t max)
{
    uint64_t cursor = 0;
    size_t n = console_ring_read(&cursor, buf, max - 1);

    buf[n] = '\0';
    return n;
}

static void test_prefix_on_every_line(void **state)
{
    (void)state;
    hv_warn("one\ntwo\n");
    hv_warn("three ");
    hv_warn("continues\n");
    assert_string_equal(sim_serial_output(), "(XEN) one\n(XEN) two\n(XEN) three continues\n");
}

static void test_threshold_filters_levels(void **state)
{
    (void)state;
    assert_int_equal(console_threshold(), LOG_WARN);
    hv_info("hidden\n");
    hv_debug("hidden\n");
    hv_err("shown\n");
    printk(LOG_NONE, "never\n");
    assert_string_equal(sim_serial_output(), "(XEN) shown\n");
    console_set_threshold(LOG_ALL);
    hv_debug("debug\n");
    assert_non_null(strstr(sim_serial_output(), "(XEN) debug\n"));
    console_set_threshold(LOG_NONE);
    hv_err("nothing\n");
    assert_null(strstr(sim_serial_output(), "nothing"));
}

static void test_serial_off_still_fills_ring(void **state)
{
    char buf[128];

    (void)state;
    console_set_serial(false);
    hv_err("ring only\n");
    assert_int_equal(sim_serial_length(), 0);
    read_all(buf, sizeof(buf));
    assert_string_equal(buf, "(XEN) ring only\n");
}

static void test_long_message_is_truncated_visibly(void **state)
{
    char big[1000];

    (void)state;
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    hv_err("%s", big);
    assert_non_null(strstr(sim_serial_output(), "a...\n"));
}

static void test_ring_wraps_and_reader_catches_up(void **state)
{
    static char buf[CONRING_DEFAULT_SIZE + 1];
    uint64_t cursor = 0;
    size_t n;

    (void)state;
    console_set_serial(false);
    for (int i = 0; i < 5000; i++)
        console_write_raw("0123456789abcdef\n", 17);
    assert_int_equal(console_ring_produced(), 5000 * 17);
    n = console_ring_read(&cursor, buf, sizeof(buf) - 1);
    /* The reader fell behind: it gets exactly the newest ring-full. */
    assert_int_equal(n, CONRING_DEFAULT_SIZE);
    assert_int_equal(cursor, 5000 * 17);
    buf[n] = '\0';
    assert_string_equal(buf + n - 17, "0123456789abcdef\n");
    assert_int_equal(console_ring_read(&cursor, buf, 10), 0);
    cursor = UINT64_MAX;   /* a cursor from the future is reset too */
    assert_int_equal(console_ring_read(&cursor, buf, 4), 4);
}

static void test_resize_keeps_contents(void **state)
{
    static char bigger[4 * CONRING_DEFAULT_SIZE];
    static char not_pow2[3 * CONRING_DEFAULT_SIZE];
    char buf[64];

    (void)state;
    hv_err("before resize\n");
    assert_false(console_ring_resize(NULL, sizeof(bigger)));
    assert_false(console_ring_resize(bigger, 4096));
    assert_false(console_ring_resize(not_pow2, sizeof(not_pow2)));
    assert_true(console_ring_resize(bigger, sizeof(bigger)));
    assert_int_equal(console_ring_size(), sizeof(bigger));
    read_all(buf, sizeof(buf));
    assert_string_equal(buf, "(XEN) before resize\n");
    hv_err("after\n");
    read_all(buf, sizeof(buf));
    assert_string_equal(buf, "(XEN) before resize\n(XEN) after\n");
}

static void test_resize_after_wrap_keeps_newest(void **state)
{
    static char bigger[2 * CONRING_DEFAULT_SIZE];
    static char buf[2 * CONRING_DEFAULT_SIZE];
    uint64_t cursor = 0;
    size_t n;

    (void)state;
    console_set_serial(false);
    for (int i = 0; i < 5000; i++)
        console_write_raw("0123456789abcdef\n", 17);
    assert_true(console_ring_resize(bigger, sizeof(bigger)));
    n = console_ring_read(&cursor, buf, sizeof(buf));
    assert_int_equal(n, CONRING_DEFAULT_SIZE);
    assert_memory_equal(buf + n - 17, "0123456789abcdef\n", 17);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_prefix_on_every_line, setup),
        cmocka_unit_test_setup(test_threshold_filters_levels, setup),
        cmocka_unit_test_setup(test_serial_off_still_fills_ring, setup),
        cmocka_unit_test_setup(test_long_message_is_truncated_visibly, setup),
        cmocka_unit_test_setup(test_ring_wraps_and_reader_catches_up, setup),
        cmocka_unit_test_setup(test_resize_keeps_contents, setup),
        cmocka_unit_test_setup(test_resize_after_wrap_keeps_newest, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
