// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of console_io: writes from other domains (prefixed, filtered,
 * line-buffered) and from the initial domain (raw), long writes completed
 * over several preempted rounds, reads of the input ring by the initial
 * domain, and every error: bad and page-crossing buffers, reads by other
 * domains, counts that would look like errors, unknown sub-ops.
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

static int64_t cio(struct vcpu *v, uint64_t cmd, uint64_t count, uint64_t buf)
{
    int64_t rc = FX_CALL3(v, HYPERVISOR_console_io, cmd, count, buf);

    assert_true(fx_declared(HYPERVISOR_console_io, rc));
    return rc;
}

/* Write s from page 2 of v's memory. */
static int64_t say(struct vcpu *v, const char *s)
{
    size_t n = strlen(s);

    fx_put(v, 2, 0, s, n);
    return cio(v, CONSOLEIO_write, n, fx_addr(v, 2, 0));
}

static void test_domu_lines(void **state)
{
    struct vcpu *v;
    (void)state;

    v = fx_domain(FX_DOMU, 0, FX_LONG);
    assert_int_equal(say(v, "hello\n"), 0);
    assert_string_equal(sim_serial_output(), "(d1) hello\n");
    sim_serial_clear();
    assert_int_equal(say(v, "abc"), 0);
    assert_string_equal(sim_serial_output(), "");
    assert_int_equal(say(v, "def\nghi\n\n"), 0);
    assert_string_equal(sim_serial_output(), "(d1) abcdef\n(d1) ghi\n(d1) \n");
    /* The console ring holds the same lines. */
    assert_true(console_ring_produced() >= strlen("(d1) abcdef\n(d1) ghi\n(d1) \n"));
}

static void test_domu_filtered(void **state)
{
    struct vcpu *v;
    (void)state;

    v = fx_domain(FX_DOMU, 0, FX_FLAT32);
    assert_int_equal(say(v, "a\x1b[31mb\x07\tc\r\x7f\x80\xff\n"), 0);
    assert_string_equal(sim_serial_output(), "(d1) a[31mb\tc\n");
}

static void test_domu_long_line_split(void **state)
{
    char line[600], expect[700];
    struct vcpu *v;
    (void)state;

    v = fx_domain(FX_DOMU, 0, FX_LONG);
    memset(line, 'x', 250);
    line[250] = '\n';
    line[251] = '\0';
    assert_int_equal(say(v, line), 0);
    snprintf(expect, sizeof(expect), "(d1) %.199s\n(d1) %.51s\n", line, line);
    assert_string_equal(sim_serial_output(), expect);
}

static void test_dom0_raw(void **state)
{
    struct vcpu *v;
    (void)state;

    v = fx_domain(FX_DOM0, SIF_PRIVILEGED | SIF_INITDOMAIN, FX_LONG);
    assert_int_equal(say(v, "\x1b[0mroot# "), 0);
    assert_string_equal(sim_serial_output(), "\x1b[0mroot# ");
}

static void test_zero_count(void **state)
{
    struct vcpu *v;
    (void)state;

    v = fx_domain(FX_DOMU, 0, FX_LONG);
    assert_int_equal(cio(v, CONSOLEIO_write, 0, 0xDEAD000000000000ULL), 0);
    assert_string_equal(sim_serial_output(), "");
}

/* Many rounds of preemption; the text arrives whole and in order. */
static void test_long_write_completes(void **state)
{
    static char text[6000];
    char last[32];
    struct vcpu *v;
    size_t pos = 0, lines = 0;
    int rounds = 0;
    (void)state;

    v = fx_domain(FX_DOMU, 0, FX_FLAT32);
    for (int i = 0; pos < sizeof(text) - 20; i++)
        pos += (size_t)snprintf(text + pos, sizeof(text) - pos, "line %d\n", i);
    for (size_t i = 0; i < pos; i++)
        lines += text[i] == '\n';
    fx_put(v, 0, 0, text, pos);
    v->regs.rax = HYPERVISOR_console_io;
    v->regs.rbx = CONSOLEIO_write;
    v->regs.rcx = pos;
    v->regs.rdx = fx_addr(v, 0, 0);
    do {
        v->regs.rip = FX_RIP;
        hypercall_dispatch(v);
        rounds++;
    } while (v->regs.rip != FX_RIP);
    assert_int_equal((uint32_t)v->regs.rax, 0);
    assert_int_equal(rounds, (int)((pos + 2047) / 2048));
    assert_int_equal(sim_serial_length(), pos + 5 * lines);   /* "(d1) " per line */
    assert_int_equal(strncmp(sim_serial_output(), "(d1) line 0\n(d1) line 1\n", 24), 0);
    snprintf(last, sizeof(last), "(d1) line %zu\n", lines - 1);
    assert_string_equal(sim_serial_output() + sim_serial_length() - strlen(last), last);
}

static void test_write_bad_buffers(void **state)
{
    struct vcpu *v;
    (void)state;

    for (int m = 0; m < 2; m++) {
        fx_machine();
        v = fx_domain(FX_DOMU, 0, m == 0 ? FX_LONG : FX_FLAT32);
        fx_fill(v, FX_HOLE - 1, 'z');
        assert_int_equal(cio(v, CONSOLEIO_write, 10, fx_addr(v, FX_HOLE, 0)), -XEN_EFAULT);
        /* One chunk crossing into the hole: nothing of it is printed. */
        assert_int_equal(cio(v, CONSOLEIO_write, 20, fx_addr(v, FX_HOLE, 0) - 10), -XEN_EFAULT);
        assert_int_equal(cio(v, CONSOLEIO_write, 1, m == 0 ? 0xFFFF800000000000ULL - 1 : 0xF0000000),
                         -XEN_EFAULT);
        assert_string_equal(sim_serial_output(), "");
        /* A good first chunk is kept (as Xen does), the crossing one fails. */
        assert_int_equal(cio(v, CONSOLEIO_write, 300, fx_addr(v, FX_HOLE, 0) - 200), -XEN_EFAULT);
        assert_int_equal(guest_console_state.line[0].len, 128);
        /* Read-only memory is fine to print from. */
        fx_put(v, FX_RO, 0, "ro\n", 3);
        assert_int_equal(cio(v, CONSOLEIO_write, 3, fx_addr(v, FX_RO, 0)), 0);
    }
}

static void test_read_by_domu_refused(void **state)
{
    struct vcpu *v;
    (void)state;

    v = fx_domain(FX_DOMU, SIF_PRIVILEGED, FX_LONG);   /* privileged, yet not the initial domain */
    assert_true(guest_console_input_push('k'));
    assert_int_equal(cio(v, CONSOLEIO_read, 10, fx_addr(v, 2, 0)), -XEN_EPERM);
    assert_int_equal(guest_console_input_pending(), 1);
    assert_int_equal(cio(v, 2, 10, fx_addr(v, 2, 0)), -XEN_EPERM);
    assert_int_equal(cio(v, 0xFFFFFFFF, 10, fx_addr(v, 2, 0)), -XEN_EPERM);
}

static void test_read_by_dom0(void **state)
{
    struct vcpu *v;
    char buf[16];
    (void)state;

    v = fx_domain(FX_DOM0, SIF_PRIVILEGED | SIF_INITDOMAIN, FX_LONG);
    assert_int_equal(cio(v, CONSOLEIO_read, 10, fx_addr(v, 2, 0)), 0);
    for (const char *p = "hello"; *p; p++)
        assert_true(guest_console_input_push(*p));
    fx_fill(v, 2, '.');
    assert_int_equal(cio(v, CONSOLEIO_read, 3, fx_addr(v, 2, 0)), 3);
    fx_get(v, 2, 0, buf, 4);
    assert_memory_equal(buf, "hel.", 4);
    assert_int_equal(cio(v, CONSOLEIO_read, 0, fx_addr(v, 2, 0)), 0);
    assert_int_equal(cio(v, CONSOLEIO_read, 0x7FFFFFFF, fx_addr(v, 2, 8)), 2);
    fx_get(v, 2, 8, buf, 3);
    assert_memory_equal(buf, "lo.", 3);
    assert_int_equal(guest_console_input_pending(), 0);
    assert_int_equal(cio(v, 7, 1, fx_addr(v, 2, 0)), -XEN_ENOSYS);
}

static void test_read_errors_keep_input(void **state)
{
    struct vcpu *v;
    (void)state;

    v = fx_domain(FX_DOM0, SIF_PRIVILEGED | SIF_INITDOMAIN, FX_FLAT32);
    assert_true(guest_console_input_push('a'));
    assert_true(guest_console_input_push('b'));
    assert_int_equal(cio(v, CONSOLEIO_read, 0x80000000U, fx_addr(v, 2, 0)), -XEN_E2BIG);
    assert_int_equal(cio(v, CONSOLEIO_read, 0xFFFFFFFFU, fx_addr(v, 2, 0)), -XEN_E2BIG);
    assert_int_equal(cio(v, CONSOLEIO_read, 2, fx_addr(v, FX_HOLE, 0) - 1), -XEN_EFAULT);
    assert_int_equal(cio(v, CONSOLEIO_read, 2, fx_addr(v, FX_RO, 0)), -XEN_EFAULT);
    assert_int_equal(guest_console_input_pending(), 2);
    assert_int_equal(cio(v, CONSOLEIO_read, 2, fx_addr(v, FX_HOLE, 0) - 2), 2);
    assert_int_equal(guest_console_input_pending(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_domu_lines, setup),
        cmocka_unit_test_setup(test_domu_filtered, setup),
        cmocka_unit_test_setup(test_domu_long_line_split, setup),
        cmocka_unit_test_setup(test_dom0_raw, setup),
        cmocka_unit_test_setup(test_zero_count, setup),
        cmocka_unit_test_setup(test_long_write_completes, setup),
        cmocka_unit_test_setup(test_write_bad_buffers, setup),
        cmocka_unit_test_setup(test_read_by_domu_refused, setup),
        cmocka_unit_test_setup(test_read_by_dom0, setup),
        cmocka_unit_test_setup(test_read_errors_keep_input, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
