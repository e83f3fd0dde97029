// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the command line parser (src/core/cmdline.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "hv/cmdline.h"
#include "xen/errno.h"

static struct hv_options opts;

static int parse(const char *s)
{
    return cmdline_parse(s, strlen(s), &opts);
}

/* The command line has exactly one diagnostic, of the given kind, for `tok`. */
static void expect_one_diag(const char *line, enum cmdline_diag_kind kind, const char *tok)
{
    int rc = parse(line);

    if (opts.nr_diags != 1 || opts.diags[0].kind != kind ||
        strcmp(opts.diags[0].text, tok) != 0)
        fail_msg("'%s': got %u diags, first kind %d text '%s' (wanted %d '%s')", line,
                 opts.nr_diags, opts.nr_diags ? (int)opts.diags[0].kind : -1,
                 opts.nr_diags ? opts.diags[0].text : "", (int)kind, tok);
    assert_int_equal(rc, -XEN_EINVAL);
    assert_false(opts.diags[0].text_truncated);
}

static void expect_ok(const char *line)
{
    int rc = parse(line);

    if (rc != 0 || opts.nr_diags != 0)
        fail_msg("'%s': rc %d, %u diags, first '%s' (%s)", line, rc, opts.nr_diags,
                 opts.diags[0].text, cmdline_diag_text(opts.diags[0].kind));
}

/* One option value that must be rejected with `kind`. */
static void expect_bad(const char *opt, const char *value, enum cmdline_diag_kind kind)
{
    char line[128];

    snprintf(line, sizeof(line), "%s=%s", opt, value);
    expect_one_diag(line, kind, line);
}

static void assert_defaults_except_diags(void)
{
    struct hv_options d;

    cmdline_defaults(&d);
    assert_int_equal(opts.console, d.console);
    assert_memory_equal(&opts.com1, &d.com1, sizeof(d.com1));
    assert_int_equal(opts.loglvl.print, d.loglvl.print);
    assert_int_equal(opts.loglvl.ratelimit, d.loglvl.ratelimit);
    assert_int_equal(opts.guest_loglvl.print, d.guest_loglvl.print);
    assert_int_equal(opts.guest_loglvl.ratelimit, d.guest_loglvl.ratelimit);
    assert_int_equal(opts.noreboot, d.noreboot);
    assert_int_equal(opts.reboot_method, d.reboot_method);
    assert_int_equal(opts.reboot_warm, d.reboot_warm);
    assert_int_equal(opts.conring_size, d.conring_size);
    assert_memory_equal(&opts.dom0_mem, &d.dom0_mem, sizeof(d.dom0_mem));
    assert_int_equal(opts.debug_exit, d.debug_exit);
    assert_int_equal(opts.selftest, d.selftest);
}

static void test_defaults(void **state)
{
    (void)state;
    expect_ok("");
    assert_int_equal(opts.console, HV_CONSOLE_COM1);
    assert_int_equal(opts.com1.baud, 115200);
    assert_int_equal(opts.com1.clock_hz, 1843200);
    assert_int_equal(opts.com1.io_base, 0x3f8);
    assert_int_equal(opts.com1.irq, 4);
    assert_int_equal(opts.loglvl.print, HV_LOG_WARNING);
    assert_int_equal(opts.loglvl.ratelimit, HV_LOG_WARNING);
    assert_int_equal(opts.guest_loglvl.print, HV_LOG_NONE);
    assert_int_equal(opts.guest_loglvl.ratelimit, HV_LOG_WARNING);
    assert_false(opts.noreboot);
    assert_int_equal(opts.reboot_method, HV_REBOOT_DEFAULT);
    assert_int_equal(opts.conring_size, 64 * 1024);
    assert_false(opts.dom0_mem.amount.set);
    assert_false(opts.debug_exit);
    assert_int_equal(opts.selftest, HV_SELFTEST_NONE);
    assert_false(opts.has_dom0_args);
    assert_int_equal(opts.diags_dropped, 0);
    expect_ok("   \t\r\n ");
    assert_defaults_except_diags();
}

static void test_tokenizing(void **state)
{
    char buf[] = "debug_exit   noreboot\tloglvl=all";

    (void)state;
    /* len stops the parse: only "debug_exit" is seen. */
    assert_int_equal(cmdline_parse(buf, 10, &opts), 0);
    assert_true(opts.debug_exit);
    assert_false(opts.noreboot);
    /* A NUL stops it too. */
    buf[11] = '\0';
    assert_int_equal(cmdline_parse(buf, sizeof(buf), &opts), 0);
    assert_true(opts.debug_exit);
    assert_false(opts.noreboot);
    buf[11] = ' ';
    assert_int_equal(cmdline_parse(buf, sizeof(buf), &opts), 0);
    assert_true(opts.noreboot);
    assert_int_equal(opts.loglvl.print, HV_LOG_ALL);
    /* Zero length reads nothing. */
    assert_int_equal(cmdline_parse("bogus", 0, &opts), 0);
    /* Later occurrences win; a bad later one keeps the earlier value. */
    expect_ok("loglvl=info loglvl=debug");
    assert_int_equal(opts.loglvl.print, HV_LOG_DEBUG);
    expect_one_diag("loglvl=info loglvl=loud", CMDLINE_DIAG_BAD_VALUE, "loglvl=loud");
    assert_int_equal(opts.loglvl.print, HV_LOG_INFO);
    assert_int_equal(opts.diags[0].offset, 12);
}

static void test_dom0_separator(void **state)
{
    const char *line = "loglvl=all -- console=vga  root=/dev/xvda";

    (void)state;
    expect_ok(line);
    assert_true(opts.has_dom0_args);
    assert_int_equal(opts.dom0_args_offset, 14);
    assert_string_equal(line + opts.dom0_args_offset, "console=vga  root=/dev/xvda");
    assert_int_equal(opts.loglvl.print, HV_LOG_ALL);
    assert_int_equal(opts.console, HV_CONSOLE_COM1);
    expect_ok("noreboot --");
    assert_true(opts.has_dom0_args);
    assert_int_equal(opts.dom0_args_offset, 11);
    expect_ok("--   ");
    assert_int_equal(opts.dom0_args_offset, 5);
    /* Not standalone: an ordinary (unknown) token. */
    expect_one_diag("--x", CMDLINE_DIAG_UNKNOWN_OPTION, "--x");
    assert_false(opts.has_dom0_args);
    expect_one_diag("-", CMDLINE_DIAG_UNKNOWN_OPTION, "-");
}

static void test_unknown_and_diags(void **state)
{
    char line[2048] = "";
    const char *long_tok = "this_option_name_is_much_longer_than_the_diag_buffer=1";

    (void)state;
    expect_one_diag("frobnicate", CMDLINE_DIAG_UNKNOWN_OPTION, "frobnicate");
    expect_one_diag("=5", CMDLINE_DIAG_UNKNOWN_OPTION, "=5");
    expect_one_diag("no-", CMDLINE_DIAG_UNKNOWN_OPTION, "no-");
    expect_one_diag("no-frob", CMDLINE_DIAG_UNKNOWN_OPTION, "no-frob");
    expect_one_diag("no-console", CMDLINE_DIAG_UNKNOWN_OPTION, "no-console");
    expect_one_diag("console", CMDLINE_DIAG_MISSING_VALUE, "console");
    expect_one_diag("reboot", CMDLINE_DIAG_MISSING_VALUE, "reboot");
    expect_one_diag("Console=com1", CMDLINE_DIAG_UNKNOWN_OPTION, "Console=com1");
    expect_one_diag("consol=com1", CMDLINE_DIAG_UNKNOWN_OPTION, "consol=com1");
    expect_one_diag("consolex=com1", CMDLINE_DIAG_UNKNOWN_OPTION, "consolex=com1");
    assert_defaults_except_diags();

    /* Truncated text, offset of the token. */
    snprintf(line, sizeof(line), "noreboot %s", long_tok);
    assert_int_equal(parse(line), -XEN_EINVAL);
    assert_int_equal(opts.nr_diags, 1);
    assert_true(opts.diags[0].text_truncated);
    assert_int_equal(strlen(opts.diags[0].text), CMDLINE_DIAG_TEXT_MAX - 1);
    assert_memory_equal(opts.diags[0].text, long_tok, CMDLINE_DIAG_TEXT_MAX - 1);
    assert_int_equal(opts.diags[0].offset, 9);
    assert_true(opts.noreboot);
    /* Exactly CMDLINE_DIAG_TEXT_MAX - 1 characters is not truncated. */
    memset(line, 'x', CMDLINE_DIAG_TEXT_MAX - 1);
    line[CMDLINE_DIAG_TEXT_MAX - 1] = '\0';
    parse(line);
    assert_false(opts.diags[0].text_truncated);

    /* Bounded: 16 kept, the rest counted. */
    line[0] = '\0';
    for (int i = 0; i < 20; i++) {
        char tok[16];
        snprintf(tok, sizeof(tok), "bad%d ", i);
        strcat(line, tok);
    }
    assert_int_equal(parse(line), -XEN_EINVAL);
    assert_int_equal(opts.nr_diags, CMDLINE_MAX_DIAGS);
    assert_int_equal(opts.diags_dropped, 4);
    assert_string_equal(opts.diags[15].text, "bad15");
    /* Every parse starts from clean counts. */
    assert_int_equal(parse("a b"), -XEN_EINVAL);
    assert_int_equal(opts.nr_diags, 2);
    assert_int_equal(opts.diags_dropped, 0);
}

static void test_many_diags(void **state)
{
    static char line[4096];
    size_t n = 0;

    (void)state;
    while (n + 3 < sizeof(line)) {
        line[n++] = 'q';
        line[n++] = ' ';
    }
    line[n] = '\0';
    assert_int_equal(parse(line), -XEN_EINVAL);
    assert_int_equal(opts.nr_diags, CMDLINE_MAX_DIAGS);
    assert_int_equal(opts.diags_dropped, n / 2 - CMDLINE_MAX_DIAGS);
}

static void test_booleans(void **state)
{
    static const char *const yes[] = { "yes", "on", "true", "enable", "1" };
    static const char *const no[] = { "no", "off", "false", "disable", "0" };
    char line[64];

    (void)state;
    for (size_t i = 0; i < 5; i++) {
        snprintf(line, sizeof(line), "debug_exit=%s noreboot=%s", yes[i], yes[i]);
        expect_ok(line);
        assert_true(opts.debug_exit);
        assert_true(opts.noreboot);
        snprintf(line, sizeof(line), "debug_exit noreboot debug_exit=%s noreboot=%s",
                 no[i], no[i]);
        expect_ok(line);
        assert_false(opts.debug_exit);
        assert_false(opts.noreboot);
    }
    expect_ok("debug-exit");
    assert_true(opts.debug_exit);
    expect_ok("debug_exit no-debug_exit");
    assert_false(opts.debug_exit);
    expect_ok("noreboot no-noreboot");
    assert_false(opts.noreboot);
    expect_ok("debug-exit no-debug-exit");
    assert_false(opts.debug_exit);
    expect_one_diag("noreboot=maybe", CMDLINE_DIAG_BAD_VALUE, "noreboot=maybe");
    expect_one_diag("debug_exit=", CMDLINE_DIAG_BAD_VALUE, "debug_exit=");
    expect_one_diag("debug_exit=YES", CMDLINE_DIAG_BAD_VALUE, "debug_exit=YES");
    expect_one_diag("debug_exit=yess", CMDLINE_DIAG_BAD_VALUE, "debug_exit=yess");
    expect_one_diag("no-debug_exit=1", CMDLINE_DIAG_BAD_VALUE, "no-debug_exit=1");
    /* "no_" is not the negation prefix. */
    expect_one_diag("no_debug_exit", CMDLINE_DIAG_UNKNOWN_OPTION, "no_debug_exit");
}

static void test_console(void **state)
{
    static const char *const unsupported[] = {
        "vga", "com2", "dbgp", "ehci", "xhci", "pv", "dtuart",
    };
    char line[64];

    (void)state;
    expect_ok("console=none");
    assert_int_equal(opts.console, 0);
    expect_ok("console=none console=com1");
    assert_int_equal(opts.console, HV_CONSOLE_COM1);
    expect_ok("console=none,com1");
    assert_int_equal(opts.console, HV_CONSOLE_COM1);
    expect_ok("console=com1,com1");
    for (size_t i = 0; i < HV_ARRAY_SIZE(unsupported); i++) {
        snprintf(line, sizeof(line), "console=none console=com1,%s", unsupported[i]);
        expect_one_diag(line, CMDLINE_DIAG_UNSUPPORTED, line + 13);
        assert_int_equal(opts.console, 0);  /* earlier none stays */
    }
    expect_bad("console", "", CMDLINE_DIAG_BAD_VALUE);
    expect_bad("console", "com1,", CMDLINE_DIAG_BAD_VALUE);
    expect_bad("console", "serial", CMDLINE_DIAG_BAD_VALUE);
    expect_bad("console", "COM1", CMDLINE_DIAG_BAD_VALUE);
    assert_int_equal(opts.console, HV_CONSOLE_COM1);
}

static void test_com1_ok(void **state)
{
    (void)state;
    expect_ok("com1=9600/3686400,8n1,0x2f8,3");
    assert_int_equal(opts.com1.baud, 9600);
    assert_int_equal(opts.com1.clock_hz, 3686400);
    assert_int_equal(opts.com1.io_base, 0x2f8);
    assert_int_equal(opts.com1.irq, 3);
    expect_ok("com1=auto");
    assert_int_equal(opts.com1.baud, 0);
    assert_int_equal(opts.com1.io_base, 0x3f8);
    expect_ok("com1=auto/1843200");
    assert_int_equal(opts.com1.baud, 0);
    expect_ok("com1=");
    assert_int_equal(opts.com1.baud, 115200);
    expect_ok("com1=,,3E8,0");
    assert_int_equal(opts.com1.io_base, 0x3e8);
    assert_int_equal(opts.com1.irq, 0);
    expect_ok("com1=115200,8n1");
    expect_ok("com1=57600,,,15");
    assert_int_equal(opts.com1.baud, 57600);
    assert_int_equal(opts.com1.irq, 15);
    expect_ok("com1=0x1c200");
    assert_int_equal(opts.com1.baud, 115200);
    expect_ok("com1=50");   /* divisor 2304 */
    expect_ok("com1=30/1843200");  /* divisor 3840 */
    expect_ok("com1=115200,,0X2F8");
    assert_int_equal(opts.com1.io_base, 0x2f8);
    expect_ok("com1=115200,,0xfff8");
    assert_int_equal(opts.com1.io_base, 0xfff8);
}

static void test_com1_bad(void **state)
{
    (void)state;
    expect_bad("com1", "fast", CMDLINE_DIAG_BAD_VALUE);
    expect_bad("com1", "0", CMDLINE_DIAG_OUT_OF_RANGE);
    expect_bad("com1", "230400", CMDLINE_DIAG_OUT_OF_RANGE);
    expect_bad("com1", "1", CMDLINE_DIAG_OUT_OF_RANGE);
    expect_bad("com1", "99999999999", CMDLINE_DIAG_OUT_OF_RANGE);
    expect_bad("com1", "99999999999999999999999", CMDLINE_DIAG_OUT_OF_RANGE);
    expect_bad("com1", "115200x", CMDLINE_DIAG_BAD_VALUE);
    expect_bad("com1", "115200/0", CMDLINE_DIAG_OUT_OF_RANGE);
    expect_bad("com1", "115200/", CMDLINE_DIAG_BAD_VALUE);
    expect_bad("com1", "115200/abc", CMDLINE_DIAG_BAD_VALUE);
    expect_bad("com1", "115200/99999999999", CMDLINE_DIAG_OUT_OF_RANGE);
    expect_bad("com1", "auto/0", CMDLINE_DIAG_OUT_OF_RANGE);
    expect_bad("com1", "0x", CMDLINE_DIAG_BAD_VALUE);
    expect_bad("com1", "115200,7e1", CMDLINE_DIAG_UNSUPPORTED);
    expect_bad("com1", "115200,8n2", CMDLINE_DIAG_UNSUPPORTED);
    expect_bad("com1", "115200,8o1", CMDLINE_DIAG_UNSUPPORTED);
    expect_bad("com1", "115200,5s1", CMDLINE_DIAG_UNSUPPORTED);
    expect_bad("com1", "115200,6m1", CMDLINE_DIAG_UNSUPPORTED);
    expect_bad("com1", "115200,8x1", CMDLINE_DIAG_BAD_VALUE);
    expect_bad("com1", "115200,9n1", CMDLINE_DIAG_BAD_VALUE);
    expect_bad("com1", "115200,4n1", CMDLINE_DIAG_BAD_VALUE);
    expect_bad("com1", "115200,8n3", CMDLINE_DIAG_BAD_VALUE);
    expect_bad("com1", "115200,8n", CMDLINE_DIAG_BAD_VALUE);
    expect_bad("com1", "115200,8n1x", CMDLINE_DIAG_BAD_VALUE);
    expect_bad("com1", "115200,8n1,pci", CMDLINE_DIAG_UNSUPPORTED);
    expect_bad("com1", "115200,8n1,amt", CMDLINE_DIAG_UNSUPPORTED);
    expect_bad("com1", "115200,8n1,0", CMDLINE_DIAG_OUT_OF_RANGE);
    expect_bad("com1", "115200,8n1,0xfff9", CMDLINE_DIAG_OUT_OF_RANGE);
    expect_bad("com1", "115200,8n1,0x10000", CMDLINE_DIAG_OUT_OF_RANGE);
    expect_bad("com1", "115200,8n1,0x", CMDLINE_DIAG_BAD_VALUE);
    expect_bad("com1", "115200,8n1,3g8", CMDLINE_DIAG_BAD_VALUE);
    expect_bad("com1", "115200,8n1,3G8", CMDLINE_DIAG_BAD_VALUE);
    expect_bad("com1", "115200,8n1,0y8", CMDLINE_DIAG_BAD_VALUE);
    expect_bad("com1", "115200,8n1,0X", CMDLINE_DIAG_BAD_VALUE);
    expect_bad("com1", "0xg", CMDLINE_DIAG_BAD_VALUE);
    expect_bad("com1", "0Xg", CMDLINE_DIAG_BAD_VALUE);
    expect_bad("com1", "115200,8n1,fffffffffffffffff", CMDLINE_DIAG_OUT_OF_RANGE);
    expect_bad("com1", "115200,8n1,0x3f8,msi", CMDLINE_DIAG_UNSUPPORTED);
    expect_bad("com1", "115200,8n1,0x3f8,16", CMDLINE_DIAG_OUT_OF_RANGE);
    expect_bad("com1", "115200,8n1,0x3f8,x", CMDLINE_DIAG_BAD_VALUE);
    expect_bad("com1", "115200,8n1,0x3f8,4,0:1.0", CMDLINE_DIAG_UNSUPPORTED);
    /* Atomic: a bad later field leaves the earlier ones unapplied. */
    expect_bad("com1", "9600,8n1,0x2f8,99", CMDLINE_DIAG_OUT_OF_RANGE);
    assert_defaults_except_diags();
}

static void test_loglvl(void **state)
{
    static const char *const names[] = { "none", "error", "warning", "info", "debug", "all" };
    char line[64];

    (void)state;
    for (int i = 0; i <= HV_LOG_ALL; i++) {
        snprintf(line, sizeof(line), "loglvl=%s guest_loglvl=%s/all", names[i], names[i]);
        expect_ok(line);
        assert_int_equal(opts.loglvl.print, i);
        assert_int_equal(opts.loglvl.ratelimit, i);
        assert_int_equal(opts.guest_loglvl.print, i);
        assert_int_equal(opts.guest_loglvl.ratelimit, HV_LOG_ALL);
        assert_string_equal(cmdline_loglvl_name((enum hv_loglvl)i), names[i]);
    }
    assert_string_equal(cmdline_loglvl_name((enum hv_loglvl)99), "?");
    expect_ok("loglvl=info/debug");
    assert_int_equal(opts.loglvl.print, HV_LOG_INFO);
    assert_int_equal(opts.loglvl.ratelimit, HV_LOG_DEBUG);
    /* The rate-limited level is never below the printed one. */
    expect_ok("guest_loglvl=debug/error");
    assert_int_equal(opts.guest_loglvl.print, HV_LOG_DEBUG);
    assert_int_equal(opts.guest_loglvl.ratelimit, HV_LOG_DEBUG);
    expect_bad("loglvl", "loud", CMDLINE_DIAG_BAD_VALUE);
    expect_bad("loglvl", "", CMDLINE_DIAG_BAD_VALUE);
    expect_bad("loglvl", "info/", CMDLINE_DIAG_BAD_VALUE);
    expect_bad("loglvl", "/info", CMDLINE_DIAG_BAD_VALUE);
    expect_bad("loglvl", "info/loud", CMDLINE_DIAG_BAD_VALUE);
    expect_bad("guest_loglvl", "infos", CMDLINE_DIAG_BAD_VALUE);
    expect_bad("guest-loglvl", "inf", CMDLINE_DIAG_BAD_VALUE);
    assert_defaults_except_diags();
}

static void test_reboot(void **state)
{
    (void)state;
    expect_ok("reboot=no");
    assert_true(opts.noreboot);
    expect_ok("reboot=n");
    assert_true(opts.noreboot);
    expect_ok("reboot=kbd,warm");
    assert_int_equal(opts.reboot_method, HV_REBOOT_KBD);
    assert_true(opts.reboot_warm);
    assert_false(opts.noreboot);
    expect_ok("reboot=w,triple,cold");
    assert_int_equal(opts.reboot_method, HV_REBOOT_TRIPLE);
    assert_false(opts.reboot_warm);
    expect_ok("reboot=pci");
    assert_int_equal(opts.reboot_method, HV_REBOOT_PCI);
    expect_ok("noreboot reboot=k");
    assert_true(opts.noreboot);
    expect_bad("reboot", "acpi", CMDLINE_DIAG_UNSUPPORTED);
    expect_bad("reboot", "bios", CMDLINE_DIAG_UNSUPPORTED);
    expect_bad("reboot", "efi", CMDLINE_DIAG_UNSUPPORTED);
    expect_bad("reboot", "Power", CMDLINE_DIAG_UNSUPPORTED);
    expect_bad("reboot", "x", CMDLINE_DIAG_BAD_VALUE);
    expect_bad("reboot", "", CMDLINE_DIAG_BAD_VALUE);
    expect_bad("reboot", "k,,t", CMDLINE_DIAG_BAD_VALUE);
    /* Atomic: "n" before a bad item is not applied. */
    expect_bad("reboot", "n,z", CMDLINE_DIAG_BAD_VALUE);
    assert_defaults_except_diags();
}

static void test_conring(void **state)
{
    static const struct { const char *v; uint64_t bytes; } ok[] = {
        { "64K", 64ULL << 10 }, { "64k", 64ULL << 10 }, { "65536B", 64ULL << 10 },
        { "65536b", 64ULL << 10 }, { "128", 128ULL << 10 }, { "100K", 128ULL << 10 },
        { "1M", 1ULL << 20 }, { "1m", 1ULL << 20 }, { "3M", 4ULL << 20 },
        { "64M", 64ULL << 20 }, { "0x40K", 64ULL << 10 }, { "0X40", 64ULL << 10 },
    };
    char line[64];

    (void)state;
    for (size_t i = 0; i < HV_ARRAY_SIZE(ok); i++) {
        snprintf(line, sizeof(line), "conring_size=%s", ok[i].v);
        expect_ok(line);
        assert_int_equal(opts.conring_size, ok[i].bytes);
    }
    expect_ok("conring-size=256K");
    assert_int_equal(opts.conring_size, 256 << 10);
    expect_bad("conring_size", "32K", CMDLINE_DIAG_OUT_OF_RANGE);
    expect_bad("conring_size", "0", CMDLINE_DIAG_OUT_OF_RANGE);
    expect_bad("conring_size", "65M", CMDLINE_DIAG_OUT_OF_RANGE);
    expect_bad("conring_size", "1G", CMDLINE_DIAG_OUT_OF_RANGE);
    expect_bad("conring_size", "1g", CMDLINE_DIAG_OUT_OF_RANGE);
    expect_bad("conring_size", "5T", CMDLINE_DIAG_OUT_OF_RANGE);
    expect_bad("conring_size", "5t", CMDLINE_DIAG_OUT_OF_RANGE);
    expect_bad("conring_size", "99999999999999999999", CMDLINE_DIAG_OUT_OF_RANGE);
    expect_bad("conring_size", "17179869184T", CMDLINE_DIAG_OUT_OF_RANGE);
    expect_bad("conring_size", "abc", CMDLINE_DIAG_BAD_VALUE);
    expect_bad("conring_size", "", CMDLINE_DIAG_BAD_VALUE);
    expect_bad("conring_size", "64Q", CMDLINE_DIAG_BAD_VALUE);
    expect_bad("conring_size", "64KB", CMDLINE_DIAG_BAD_VALUE);
    expect_bad("conring_size", "10%", CMDLINE_DIAG_UNSUPPORTED);
    expect_bad("conring_size", "0x", CMDLINE_DIAG_BAD_VALUE);
    assert_defaults_except_diags();
}

static void test_dom0_mem(void **state)
{
    (void)state;
    expect_ok("dom0_mem=512M");
    assert_true(opts.dom0_mem.amount.set);
    assert_false(opts.dom0_mem.amount.all_but);
    assert_int_equal(opts.dom0_mem.amount.bytes, 512ULL << 20);
    assert_false(opts.dom0_mem.min.set);
    expect_ok("dom0_mem=-1G");
    assert_true(opts.dom0_mem.amount.all_but);
    assert_int_equal(opts.dom0_mem.amount.bytes, 1ULL << 30);
    expect_ok("dom0_mem=min:256M,max:1G,768M");
    assert_int_equal(opts.dom0_mem.min.bytes, 256ULL << 20);
    assert_int_equal(opts.dom0_mem.max.bytes, 1ULL << 30);
    assert_int_equal(opts.dom0_mem.amount.bytes, 768ULL << 20);
    assert_true(opts.dom0_mem.min.set && opts.dom0_mem.max.set);
    expect_ok("dom0_mem=max:-512M");
    assert_true(opts.dom0_mem.max.all_but);
    assert_false(opts.dom0_mem.amount.set);
    expect_ok("dom0-mem=1024");
    assert_int_equal(opts.dom0_mem.amount.bytes, 1ULL << 20);
    expect_bad("dom0_mem", "max:", CMDLINE_DIAG_BAD_VALUE);
    expect_bad("dom0_mem", "lots", CMDLINE_DIAG_BAD_VALUE);
    expect_bad("dom0_mem", "", CMDLINE_DIAG_BAD_VALUE);
    expect_bad("dom0_mem", "-", CMDLINE_DIAG_BAD_VALUE);
    expect_bad("dom0_mem", "10%", CMDLINE_DIAG_UNSUPPORTED);
    expect_bad("dom0_mem", "min:1x", CMDLINE_DIAG_BAD_VALUE);
    expect_bad("dom0_mem", "512M,", CMDLINE_DIAG_BAD_VALUE);
    expect_bad("dom0_mem", "max:1G,99999999999999999999", CMDLINE_DIAG_OUT_OF_RANGE);
    assert_defaults_except_diags();
}

static void test_selftest(void **state)
{
    (void)state;
    expect_ok("selftest=fault");
    assert_int_equal(opts.selftest, HV_SELFTEST_FAULT);
    expect_ok("selftest=fault selftest=none");
    assert_int_equal(opts.selftest, HV_SELFTEST_NONE);
    expect_bad("selftest", "panic", CMDLINE_DIAG_BAD_VALUE);
    expect_bad("selftest", "", CMDLINE_DIAG_BAD_VALUE);
    expect_one_diag("selftest", CMDLINE_DIAG_MISSING_VALUE, "selftest");
}

static void test_typical_lines(void **state)
{
    (void)state;
    expect_ok("console=com1 com1=115200,8n1 loglvl=all debug_exit");
    assert_true(opts.debug_exit);
    expect_ok("dom0_mem=1024M,max:1024M console=com1,none com1=115200,8n1,0x3f8,4 "
              "loglvl=all/all guest_loglvl=all noreboot conring_size=1M -- "
              "console=hvc0 earlyprintk=xen");
    assert_true(opts.noreboot);
    assert_true(opts.has_dom0_args);
    /* Two problems, each reported once, the rest applied. */
    assert_int_equal(parse("console=vga loglvl=debug com1=115200,7e1 noreboot"),
                     -XEN_EINVAL);
    assert_int_equal(opts.nr_diags, 2);
    assert_int_equal(opts.diags[0].kind, CMDLINE_DIAG_UNSUPPORTED);
    assert_string_equal(opts.diags[0].text, "console=vga");
    assert_int_equal(opts.diags[0].offset, 0);
    assert_int_equal(opts.diags[1].kind, CMDLINE_DIAG_UNSUPPORTED);
    assert_int_equal(opts.diags[1].offset, 25);
    assert_int_equal(opts.loglvl.print, HV_LOG_DEBUG);
    assert_true(opts.noreboot);
}

static void test_skip_image_name(void **state)
{
    const char *line = "  /boot/xenolith.gz   console=com1";
    const char *grub = "GRUB 2.06-13+deb12u1";

    (void)state;
    assert_int_equal(cmdline_skip_image_name(line, strlen(line), grub, strlen(grub) + 1), 0);
    assert_int_equal(cmdline_skip_image_name(line, strlen(line), "qemu", 5), 22);
    assert_int_equal(cmdline_skip_image_name(line, strlen(line), "", 1), 22);
    assert_int_equal(cmdline_skip_image_name(line, strlen(line), "GRUB", 5), 22);
    /* A loader name cut short by its length is not GRUB 2. */
    assert_int_equal(cmdline_skip_image_name(line, strlen(line), grub, 3), 22);
    assert_int_equal(cmdline_skip_image_name(line, strlen(line), grub, 0), 22);
    assert_int_equal(cmdline_skip_image_name("kernel", 6, "qemu", 5), 6);
    assert_int_equal(cmdline_skip_image_name("   ", 3, "qemu", 5), 3);
    assert_int_equal(cmdline_skip_image_name("a\0b", 3, "qemu", 5), 1);
    assert_int_equal(cmdline_skip_image_name("", 0, "qemu", 5), 0);
}

static void test_texts(void **state)
{
    (void)state;
    for (int k = 0; k <= CMDLINE_DIAG_KIND_MAX; k++) {
        const char *t = cmdline_diag_text((enum cmdline_diag_kind)k);
        assert_non_null(t);
        assert_string_not_equal(t, "unknown diagnostic");
    }
    assert_string_equal(cmdline_diag_text(CMDLINE_DIAG_UNKNOWN_OPTION), "unknown option");
    assert_string_equal(cmdline_diag_text((enum cmdline_diag_kind)77), "unknown diagnostic");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_tokenizing),
        cmocka_unit_test(test_dom0_separator),
        cmocka_unit_test(test_unknown_and_diags),
        cmocka_unit_test(test_many_diags),
        cmocka_unit_test(test_booleans),
        cmocka_unit_test(test_console),
        cmocka_unit_test(test_com1_ok),
        cmocka_unit_test(test_com1_bad),
        cmocka_unit_test(test_loglvl),
        cmocka_unit_test(test_reboot),
        cmocka_unit_test(test_conring),
        cmocka_unit_test(test_dom0_mem),
        cmocka_unit_test(test_selftest),
        cmocka_unit_test(test_typical_lines),
        cmocka_unit_test(test_skip_image_name),
        cmocka_unit_test(test_texts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
