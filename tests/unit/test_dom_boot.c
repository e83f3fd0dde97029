// SPDX-License-Identifier: GPL-2.0-only
/* dom0_mem= resolution and module command lines (hv/dom_boot.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "hv/dom_boot.h"

#define MIB (1ULL << 20)

static struct hv_mem_amount amt(uint64_t bytes, bool all_but)
{
    return (struct hv_mem_amount){ .set = true, .all_but = all_but, .bytes = bytes };
}

static void test_default_and_caps(void **state)
{
    struct hv_dom0_mem m = { 0 };

    (void)state;
    assert_int_equal(dom0_mem_bytes(&m, 4096 * MIB), DOM0_MEM_DEFAULT);
    /* Never more than what is free minus the hypervisor's reserve. */
    assert_int_equal(dom0_mem_bytes(&m, 256 * MIB), 240 * MIB);
    assert_int_equal(dom0_mem_bytes(&m, DOM0_MEM_RESERVE), 0);
    assert_int_equal(dom0_mem_bytes(&m, DOM0_MEM_RESERVE + MIB), 0);   /* below DOM0_MEM_MIN */
}

static void test_amounts(void **state)
{
    struct hv_dom0_mem m = { .amount = amt(100 * MIB + 5, false) };

    (void)state;
    assert_int_equal(dom0_mem_bytes(&m, 1024 * MIB), 100 * MIB);          /* whole 2 MiB */
    m.amount = amt(3 * MIB + 4096 + 7, false);
    assert_int_equal(dom0_mem_bytes(&m, 1024 * MIB), 3 * MIB + 4096);     /* small: 4 KiB */
    m.amount = amt(200 * MIB, true);                                       /* all but 200 MiB */
    assert_int_equal(dom0_mem_bytes(&m, 1024 * MIB), 824 * MIB);
    m.amount = amt(2048 * MIB, true);
    assert_int_equal(dom0_mem_bytes(&m, 1024 * MIB), 0);
}

static void test_min_max(void **state)
{
    struct hv_dom0_mem m = { .amount = amt(64 * MIB, false), .min = amt(128 * MIB, false) };

    (void)state;
    assert_int_equal(dom0_mem_bytes(&m, 1024 * MIB), 128 * MIB);
    m = (struct hv_dom0_mem){ .max = amt(300 * MIB, false) };
    assert_int_equal(dom0_mem_bytes(&m, 4096 * MIB), 300 * MIB);
    m = (struct hv_dom0_mem){ .max = amt(900 * MIB, true) };                /* max: all but 900 */
    assert_int_equal(dom0_mem_bytes(&m, 1024 * MIB), 124 * MIB);
}

static void test_module_args(void **state)
{
    (void)state;
    assert_string_equal(dom_boot_module_args("guest.elf root=/dev/xvda ro", "qemu"), "root=/dev/xvda ro");
    assert_string_equal(dom_boot_module_args("  /boot/k   a", "GRUB 0.97"), "a");
    assert_string_equal(dom_boot_module_args("guest.elf", "qemu"), "");
    assert_string_equal(dom_boot_module_args("", ""), "");
    /* GRUB 2 passes only the arguments. */
    assert_string_equal(dom_boot_module_args("alpha beta", "GRUB 2.06"), "alpha beta");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_and_caps),
        cmocka_unit_test(test_amounts),
        cmocka_unit_test(test_min_max),
        cmocka_unit_test(test_module_args),
    };
    return cmocka_run_group_tests_name("dom_boot", tests, NULL, NULL);
}
