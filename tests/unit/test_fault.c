// SPDX-License-Identifier: GPL-2.0-only
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hv/console.h"
#include "hv/fault.h"
#include "sim.h"

static const char *hint(uint64_t vector, uint64_t error_code, uint64_t cr2)
{
    struct cpu_fault_frame f = { .vector = vector, .error_code = error_code };
    struct cpu_fault_extra x = { .cr2 = cr2 };

    return fault_hint(&f, &x);
}

static void test_vector_names(void **state)
{
    (void)state;
    assert_string_equal(fault_vector_name(0), "#DE");
    assert_string_equal(fault_vector_name(14), "#PF");
    assert_string_equal(fault_vector_name(31), "#31");
    assert_string_equal(fault_vector_name(32), "#??");
    assert_string_equal(fault_vector_name(UINT64_MAX), "#??");
}

static void test_hints_per_vector(void **state)
{
    (void)state;
    assert_non_null(strstr(hint(X86_EXC_DE, 0, 0), "divide"));
    assert_non_null(strstr(hint(X86_EXC_UD, 0, 0), "invalid opcode"));
    assert_non_null(strstr(hint(X86_EXC_DF, 0, 0), "stack overflow"));
    assert_non_null(strstr(hint(X86_EXC_GP, 0, 0), "non-canonical"));
    assert_non_null(strstr(hint(X86_EXC_GP, 0x18, 0), "selector"));
    assert_non_null(strstr(hint(X86_EXC_SS, 0, 0), "stack-segment"));
    assert_non_null(strstr(hint(X86_EXC_NMI, 0, 0), "non-maskable"));
    assert_non_null(strstr(hint(X86_EXC_MC, 0, 0), "machine check"));
    assert_non_null(strstr(hint(X86_EXC_BP, 0, 0), "int3"));
    assert_non_null(strstr(hint(X86_EXC_TS, 0, 0), "unexpected"));
}

static void test_page_fault_hints(void **state)
{
    (void)state;
    assert_non_null(strstr(hint(X86_EXC_PF, 0x8, 0x1000), "reserved bit"));
    assert_non_null(strstr(hint(X86_EXC_PF, 0x11, 0x1000), "instruction fetch"));
    assert_non_null(strstr(hint(X86_EXC_PF, 0x0, 0x8), "NULL pointer"));
    assert_non_null(strstr(hint(X86_EXC_PF, 0x2, 0x5000), "write to an unmapped"));
    assert_non_null(strstr(hint(X86_EXC_PF, 0x0, 0x5000), "read from an unmapped"));
    assert_non_null(strstr(hint(X86_EXC_PF, 0x3, 0x5000), "read-only"));
    assert_non_null(strstr(hint(X86_EXC_PF, 0x1, 0x5000), "protection violation"));
}

static void test_report_shows_everything(void **state)
{
    struct cpu_fault_frame f = {
        .rax = 0x1111, .rbx = 0x2222, .r15 = 0xf15, .vector = X86_EXC_PF,
        .error_code = 0x2, .rip = 0xffff82d040200000ULL, .cs = 0x08, .rflags = 0x10046,
        .rsp = 0x7000, .ss = 0x10,
    };
    struct cpu_fault_extra x = { .cr0 = 0x80050033, .cr2 = 0xdead000, .cr3 = 0x20a000, .cr4 = 0x20 };
    const char *out;

    (void)state;
    sim_reset(16);
    console_init();
    fault_report(&f, &x);
    out = sim_serial_output();
    assert_non_null(strstr(out, "FATAL EXCEPTION"));
    assert_non_null(strstr(out, "Exception #PF (vector 14), error code 0x0002"));
    assert_non_null(strstr(out, "RIP: 0008:[<ffff82d040200000>]  RFLAGS: 0000000000010046"));
    assert_non_null(strstr(out, "CR2: 000000000dead000"));
    assert_non_null(strstr(out, "rax: 0000000000001111  rbx: 0000000000002222"));
    assert_non_null(strstr(out, "r15: 0000000000000f15  ss: 0010"));
    assert_non_null(strstr(out, "Hint: page fault: write to an unmapped address"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vector_names),
        cmocka_unit_test(test_hints_per_vector),
        cmocka_unit_test(test_page_fault_hints),
        cmocka_unit_test(test_report_shows_everything),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
