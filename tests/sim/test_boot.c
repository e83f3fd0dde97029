// SPDX-License-Identifier: GPL-2.0-only
/*
 * The whole portable boot path (hv_boot) in the simulator: multiboot1
 * structures are placed in simulated machine memory, the real parsers,
 * sanitizer, frame allocator and console run, and we read the serial line a
 * user would see.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hv/console.h"
#include "hv/frame.h"
#include "hv/setup.h"
#include "sim.h"

#define MACHINE_FRAMES 8192U          /* 32 MiB */
#define INFO_PADDR     0x9000U
#define CMDLINE_PADDR  0x9400U
#define MMAP_PADDR     0x9800U
#define LOADER_PADDR   0x9c00U
#define MB1_MAGIC      0x2BADB002U

struct mb1_mmap {
    uint32_t size;
    uint64_t addr, len;
    uint32_t type;
} __attribute__((packed));

static jmp_buf stop_jump;
static enum sim_stop_reason stop_reason;

static void on_stop(enum sim_stop_reason reason)
{
    stop_reason = reason;
    longjmp(stop_jump, 1);
}

static void put32(uint32_t paddr, uint32_t v)
{
    assert_true(sim_write_phys(paddr, &v, sizeof(v)));
}

/* Write a multiboot1 info with the given command line and map entries. */
static void place_mb1(const char *cmdline, const struct mb1_mmap *map, uint32_t nr_map)
{
    uint32_t flags = (1U << 2) | (1U << 9);

    assert_true(sim_write_phys(CMDLINE_PADDR, cmdline, strlen(cmdline) + 1));
    assert_true(sim_write_phys(LOADER_PADDR, "GRUB 2.06", 10));
    if (map != NULL) {
        flags |= 1U << 6;
        assert_true(sim_write_phys(MMAP_PADDR, map, nr_map * sizeof(*map)));
        put32(INFO_PADDR + 44, nr_map * (uint32_t)sizeof(*map));
        put32(INFO_PADDR + 48, MMAP_PADDR);
    }
    put32(INFO_PADDR + 0, flags);
    put32(INFO_PADDR + 16, CMDLINE_PADDR);
    put32(INFO_PADDR + 64, LOADER_PADDR);
}

static const struct mb1_mmap normal_map[] = {
    { 20, 0, 0x9F000, 1 },
    { 20, 0x9F000, 0x1000, 2 },
    { 20, 0x100000, (MACHINE_FRAMES * 4096ULL) - 0x100000, 1 },
};

static void setup_cpu_amd(void)
{
    sim_cpuid_set(0, 0, 0xd, 0x68747541U, 0x444D4163U, 0x69746E65U);
    sim_cpuid_set(1, 0, 0x00A00F11U, 0, 0, 0);
    sim_cpuid_set(0x80000000U, 0, 0x8000000AU, 0, 0, 0);
    sim_cpuid_set(0x80000001U, 0, 0, 0, 1U << 2, 1U << 20);
    sim_cpuid_set(0x8000000AU, 0, 1, 16, 0, (1U << 0) | (1U << 3));
}

/* Boot the simulated machine; returns once the hypervisor halted or rebooted. */
static void boot_with(uint32_t magic, const char *cmdline, const struct mb1_mmap *map,
                      uint32_t nr_map)
{
    const struct boot_image image = { 0x200000, 0x300000 };

    sim_reset(MACHINE_FRAMES);
    setup_cpu_amd();
    sim_set_stop_handler(on_stop);
    place_mb1(cmdline, map, nr_map);
    if (setjmp(stop_jump) == 0)
        hv_boot(magic, INFO_PADDR, &image);
}

static void boot(const char *cmdline, const void *unused)
{
    (void)unused;
    boot_with(MB1_MAGIC, cmdline, normal_map, 3);
}

static void expect_output(const char *needle)
{
    if (strstr(sim_serial_output(), needle) == NULL) {
        print_error("missing on the serial line: \"%s\"\n--- output:\n%s\n", needle,
                    sim_serial_output());
        fail();
    }
}

static void test_normal_boot_prints_banner_and_ends(void **state)
{
    (void)state;
    boot("console=com1 loglvl=all debug_exit", NULL);
    expect_output("(XEN) Xenolith 0.1.0 (x86_64)");
    expect_output("(XEN) loader: multiboot1 (GRUB 2.06)");
    expect_output("Command line: console=com1 loglvl=all debug_exit");
    assert_null(strstr(sim_serial_output(), "ignored"));
    expect_output("HVM: SVM yes, NPT yes, NRIP save yes, VMX no, EPT no");
    expect_output("usable memory: 30 MiB in 2 ranges");
    expect_output("frame allocator: ");
    expect_output("console ring: 64 KiB");
    expect_output("no domains to start (0 boot modules)");
    assert_int_equal(sim_debug_exit_status(), HV_EXIT_SUCCESS);
    assert_int_equal(stop_reason, SIM_STOP_HALT);
    assert_true(frame_check_invariants());
    assert_true(frame_free_count() > 7000);
}

static void test_default_loglvl_hides_info(void **state)
{
    (void)state;
    boot("console=com1", NULL);
    expect_output("(XEN) Xenolith 0.1.0");
    expect_output("usable memory:");
    assert_null(strstr(sim_serial_output(), "Loader memory map"));
    /* Without debug_exit nothing ends the emulator: the machine halts. */
    assert_int_equal(sim_debug_exit_status(), -1);
    assert_int_equal(stop_reason, SIM_STOP_HALT);
}

static void test_console_none_keeps_ring_only(void **state)
{
    uint64_t cursor = 0;
    char buf[256];
    size_t n;

    (void)state;
    boot("console=none debug_exit", NULL);
    /* Only what was printed before the command line took effect. */
    assert_null(strstr(sim_serial_output(), "usable memory"));
    n = console_ring_read(&cursor, buf, sizeof(buf) - 1);
    buf[n] = '\0';
    assert_non_null(strstr(buf, "Xenolith"));
}

static void test_com1_baud_is_programmed(void **state)
{
    (void)state;
    boot("com1=9600,8n1 debug_exit", NULL);
    assert_int_equal(sim_serial_baud(), 9600);
}

static void test_bad_options_are_reported(void **state)
{
    (void)state;
    boot("console=com1 frobnicate=3 loglvl=bogus debug_exit", NULL);
    expect_output("command line: 'frobnicate=3': unknown option; ignored");
    expect_output("command line: 'loglvl=bogus': bad value; ignored");
    assert_int_equal(sim_debug_exit_status(), HV_EXIT_SUCCESS);
}

static void test_many_bad_options_are_counted(void **state)
{
    char line[1024] = "debug_exit";

    (void)state;
    for (int i = 0; i < 20; i++)
        strcat(line, " bogus");
    boot(line, NULL);
    expect_output("more problems not shown");
}

static void test_missing_map_panics(void **state)
{
    (void)state;
    boot_with(MB1_MAGIC, "console=com1 debug_exit noreboot", NULL, 0);
    expect_output("The memory map from the boot loader is missing: cannot continue.");
    expect_output("Panic on CPU 0:");
    expect_output("Manual reset required ('noreboot' specified)");
    assert_int_equal(sim_debug_exit_status(), HV_EXIT_FAILURE);
    assert_int_equal(stop_reason, SIM_STOP_HALT);
}

static void test_empty_map_panics_and_reboots(void **state)
{
    (void)state;
    boot_with(MB1_MAGIC, "console=com1", normal_map, 0);
    expect_output("The memory map from the boot loader is empty: cannot continue.");
    expect_output("Reboot in five seconds...");
    assert_int_equal(stop_reason, SIM_STOP_REBOOT);
}

static void test_overlapping_map_warns(void **state)
{
    static const struct mb1_mmap map[] = {
        { 20, 0x100000, 0x1F00000, 1 },
        { 20, 0x800000, 0x100000, 2 },
    };

    (void)state;
    boot_with(MB1_MAGIC, "debug_exit", map, 2);
    expect_output("(entries 0 and 1)");
    expect_output("usable memory: 29 MiB in 3 ranges");
}

static void test_wrapping_entry_is_fatal(void **state)
{
    static const struct mb1_mmap map[] = {
        { 20, 0x100000, 0x1F00000, 1 },
        { 20, 0xFFFFFFFFFFFFF000ULL, 0x2000, 2 },
    };

    (void)state;
    boot_with(MB1_MAGIC, "debug_exit", map, 2);
    expect_output("(entry 1)");
    expect_output("The memory map from the boot loader is unusable");
    assert_int_equal(sim_debug_exit_status(), HV_EXIT_FAILURE);
}

static void test_ram_beyond_machine_is_not_used(void **state)
{
    static const struct mb1_mmap map[] = {
        { 20, 0x100000, 0x1F00000, 1 },
        { 20, 0x100000000ULL, 0x10000000ULL, 1 },
    };

    (void)state;
    boot_with(MB1_MAGIC, "loglvl=all debug_exit", map, 2);
    expect_output("memory above 32 MiB is not used yet");
    assert_int_equal(sim_debug_exit_status(), HV_EXIT_SUCCESS);
    assert_true(frame_check_invariants());
}

static void test_no_room_for_frame_table_panics(void **state)
{
    static const struct mb1_mmap map[] = {
        { 20, 0x100000, 0x2000, 1 },
        { 20, 0x1FFF000, 0x1000, 1 },
    };

    (void)state;
    boot_with(MB1_MAGIC, "debug_exit", map, 2);
    expect_output("No room for the frame table");
    assert_int_equal(sim_debug_exit_status(), HV_EXIT_FAILURE);
}

static void test_bad_magic_panics(void **state)
{
    (void)state;
    boot_with(0x12345678U, "debug_exit", normal_map, 3);
    expect_output("Not started by a multiboot loader (magic 0x12345678");
    expect_output("boot info: ");
}

static void test_bigger_console_ring(void **state)
{
    (void)state;
    boot("conring_size=256K debug_exit", NULL);
    expect_output("console ring: 256 KiB");
    assert_int_equal(console_ring_size(), 256 * 1024);
}

static void test_console_ring_too_big_for_machine(void **state)
{
    (void)state;
    boot("conring_size=32M debug_exit", NULL);
    expect_output("conring_size: cannot allocate 32768 KiB, keeping 64 KiB");
}

static void test_selftest_fault_reports_and_stops(void **state)
{
    (void)state;
    boot("selftest=fault debug_exit noreboot", NULL);
    expect_output("selftest: taking an invalid-opcode exception on purpose");
    expect_output("FATAL EXCEPTION");
    expect_output("Exception #UD (vector 6)");
    expect_output("Hint: invalid opcode");
    expect_output("Manual reset required");
    assert_int_equal(sim_debug_exit_status(), HV_EXIT_FAILURE);
}

static void test_modules_are_listed_and_reserved(void **state)
{
    uint32_t mod[4] = { 0x400000, 0x480000, 0x9e00, 0 };

    (void)state;
    sim_reset(MACHINE_FRAMES);
    setup_cpu_amd();
    sim_set_stop_handler(on_stop);
    place_mb1("debug_exit", normal_map, 3);
    assert_true(sim_write_phys(0x9e00, "guest.elf root=/dev/xvda", 25));
    assert_true(sim_write_phys(0x9d00, mod, sizeof(mod)));
    put32(INFO_PADDR + 0, (1U << 2) | (1U << 3) | (1U << 6) | (1U << 9));
    put32(INFO_PADDR + 20, 1);
    put32(INFO_PADDR + 24, 0x9d00);
    if (setjmp(stop_jump) == 0) {
        const struct boot_image image = { 0x200000, 0x300000 };
        hv_boot(MB1_MAGIC, INFO_PADDR, &image);
    }
    expect_output("module 0: [00400000, 00480000) 512 KiB 'guest.elf root=/dev/xvda'");
    /* The module is no kernel: the error names the problem and nothing runs. */
    expect_output("domain 0 (Domain-0): cannot build the domain: ");
    expect_output("no domain could be started");
    assert_int_equal(sim_debug_exit_status(), HV_EXIT_FAILURE);
    /* The module's frames were never given to the allocator. */
    assert_int_equal(frame_owner(0x400), DOMID_XEN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normal_boot_prints_banner_and_ends),
        cmocka_unit_test(test_default_loglvl_hides_info),
        cmocka_unit_test(test_console_none_keeps_ring_only),
        cmocka_unit_test(test_com1_baud_is_programmed),
        cmocka_unit_test(test_bad_options_are_reported),
        cmocka_unit_test(test_many_bad_options_are_counted),
        cmocka_unit_test(test_missing_map_panics),
        cmocka_unit_test(test_empty_map_panics_and_reboots),
        cmocka_unit_test(test_overlapping_map_warns),
        cmocka_unit_test(test_wrapping_entry_is_fatal),
        cmocka_unit_test(test_ram_beyond_machine_is_not_used),
        cmocka_unit_test(test_no_room_for_frame_table_panics),
        cmocka_unit_test(test_bad_magic_panics),
        cmocka_unit_test(test_bigger_console_ring),
        cmocka_unit_test(test_console_ring_too_big_for_machine),
        cmocka_unit_test(test_selftest_fault_reports_and_stops),
        cmocka_unit_test(test_modules_are_listed_and_reserved),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
