// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the guest console module: line buffering per domain, the
 * "(d<id>) " prefix (0 to 32751), filtering, flushing, a reused domain slot starting
 * clean, domains outside the table, and the input ring (full, wrap-around,
 * peek without consuming, consume clamped).
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
    return 0;
}

static void put(const struct domain *d, const char *s)
{
    guest_console_write(d, s, strlen(s));
}

static void test_two_domains_do_not_interleave(void **state)
{
    struct domain *a, *b;
    (void)state;

    a = fx_domain(1, 0, FX_LONG)->domain;
    b = fx_domain(32000, 0, FX_LONG)->domain;
    put(a, "first ");
    put(b, "other\nsecond ");
    put(a, "half\n");
    put(b, "line\n");
    assert_string_equal(sim_serial_output(),
                        "(d32000) other\n(d1) first half\n(d32000) second line\n");
}

/* The prefix's digits at both ends of the guest range (0 and 32751 = DOMID_FIRST_RESERVED - 1). */
static void test_prefix_digits(void **state)
{
    struct domain *a, *b;
    (void)state;

    a = fx_domain(0, 0, FX_LONG)->domain;
    b = fx_domain(DOMID_FIRST_RESERVED - 1, 0, FX_LONG)->domain;
    put(a, "zero\n");
    put(b, "last\n");
    put(a, "10\n");
    assert_string_equal(sim_serial_output(), "(d0) zero\n(d32751) last\n(d0) 10\n");
}

static void test_flush(void **state)
{
    struct domain *a, *z;
    (void)state;

    a = fx_domain(1, 0, FX_LONG)->domain;
    z = fx_domain(0, SIF_INITDOMAIN, FX_LONG)->domain;
    guest_console_flush(a);
    assert_string_equal(sim_serial_output(), "");
    put(a, "no newline");
    guest_console_flush(a);
    assert_string_equal(sim_serial_output(), "(d1) no newline\n");
    guest_console_flush(a);
    put(z, "prompt");
    guest_console_flush(z);
    assert_string_equal(sim_serial_output(), "(d1) no newline\nprompt");
}

/* A domain in a slot another domain used sees none of its half line. */
static void test_reused_slot_starts_clean(void **state)
{
    struct domain *a, *b;
    (void)state;

    a = fx_domain(1, 0, FX_LONG)->domain;
    put(a, "secret");
    assert_int_equal(domain_destroy(1), 0);
    b = fx_domain(2, 0, FX_LONG)->domain;
    assert_ptr_equal(a, b);
    put(b, "hi\n");
    assert_string_equal(sim_serial_output(), "(d2) hi\n");
}

static void test_outside_table_ignored(void **state)
{
    struct domain outsider;
    (void)state;

    memset(&outsider, 0, sizeof(outsider));
    outsider.id = 3;
    put(&outsider, "ghost\n");
    guest_console_flush(&outsider);
    assert_string_equal(sim_serial_output(), "");
}

static void test_exact_line_limit(void **state)
{
    char text[GUEST_CONSOLE_LINE_MAX + 1];
    struct domain *a;
    (void)state;

    a = fx_domain(1, 0, FX_LONG)->domain;
    memset(text, 'y', GUEST_CONSOLE_LINE_MAX - 2);
    text[GUEST_CONSOLE_LINE_MAX - 2] = '\0';
    put(a, text);                       /* 198 characters: held */
    assert_string_equal(sim_serial_output(), "");
    put(a, "y");                        /* 199: the buffer is full, out it goes */
    assert_int_equal(sim_serial_length(), 5 + 199 + 1);
    put(a, "\n");                       /* an empty line follows */
    assert_string_equal(sim_serial_output() + 205, "(d1) \n");
    /* Filtered characters do not count. */
    sim_serial_clear();
    put(a, "\x01\x02\x03\x1b\n");
    assert_string_equal(sim_serial_output(), "(d1) \n");
}

static void test_input_ring(void **state)
{
    char buf[GUEST_CONSOLE_INPUT_SIZE + 8];
    (void)state;

    assert_int_equal(guest_console_input_pending(), 0);
    assert_int_equal(guest_console_input_peek(buf, sizeof(buf)), 0);
    for (unsigned i = 0; i < GUEST_CONSOLE_INPUT_SIZE; i++)
        assert_true(guest_console_input_push((char)('A' + i % 26)));
    assert_false(guest_console_input_push('!'));          /* full: dropped */
    assert_int_equal(guest_console_input_pending(), GUEST_CONSOLE_INPUT_SIZE);
    assert_int_equal(guest_console_input_peek(buf, 3), 3);
    assert_memory_equal(buf, "ABC", 3);
    assert_int_equal(guest_console_input_pending(), GUEST_CONSOLE_INPUT_SIZE);
    guest_console_input_consume(250);
    assert_int_equal(guest_console_input_pending(), 6);
    /* Wrap around the end of the ring. */
    for (unsigned i = 0; i < 10; i++)
        assert_true(guest_console_input_push((char)('0' + i)));
    assert_int_equal(guest_console_input_peek(buf, sizeof(buf)), 16);
    assert_memory_equal(buf, "QRSTUV0123456789", 16);
    guest_console_input_consume(1000);                      /* clamped */
    assert_int_equal(guest_console_input_pending(), 0);
    guest_console_reset();
    assert_int_equal(guest_console_input_pending(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_two_domains_do_not_interleave, setup),
        cmocka_unit_test_setup(test_prefix_digits, setup),
        cmocka_unit_test_setup(test_flush, setup),
        cmocka_unit_test_setup(test_reused_slot_starts_clean, setup),
        cmocka_unit_test_setup(test_outside_table_ignored, setup),
        cmocka_unit_test_setup(test_exact_line_limit, setup),
        cmocka_unit_test_setup(test_input_ring, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
