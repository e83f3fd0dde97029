// SPDX-License-Identifier: GPL-2.0-only
/*
 * The xl.cfg parser (hv/xlcfg.h): xl's syntax (quotes, escapes, numbers,
 * lists, comments, `;`, `+=`), each key's rules, every error and warning
 * with its line and key, the command line xl composes, and content
 * detection against the kinds of modules a loader hands over.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "hv/xlcfg.h"
#include "xen/errno.h"

static struct xlcfg cfg;

#define MINIMAL "name = \"web\"\ntype = \"pvh\"\nkernel = \"web.elf\"\n"

static int parse(const char *text)
{
    return xlcfg_parse(text, strlen(text), &cfg);
}

/* The one diagnostic of kind `kind`: it exists, at `line`, about `key`. */
static void expect_diag(enum xlcfg_diag_kind kind, uint32_t line, const char *key)
{
    for (uint32_t i = 0; i < cfg.nr_diags; i++) {
        if (cfg.diags[i].kind != kind)
            continue;
        assert_int_equal(cfg.diags[i].line, line);
        assert_string_equal(cfg.diags[i].key, key);
        return;
    }
    fail_msg("no diagnostic '%s' (%u diagnostics)", xlcfg_diag_text(kind), cfg.nr_diags);
}

/* A minimal description plus `extra_text` has exactly one error, `kind`. */
static void expect_error(const char *extra_text, enum xlcfg_diag_kind kind, uint32_t line,
                         const char *key)
{
    char text[512];

    (void)snprintf(text, sizeof(text), MINIMAL "%s", extra_text);
    assert_int_equal(parse(text), -XEN_EINVAL);
    assert_int_equal(cfg.nr_errors, 1);
    assert_true(xlcfg_diag_is_error(kind));
    expect_diag(kind, line, key);
}

static void expect_warning(const char *extra_text, enum xlcfg_diag_kind kind, uint32_t line,
                           const char *key)
{
    char text[512];

    (void)snprintf(text, sizeof(text), MINIMAL "%s", extra_text);
    assert_int_equal(parse(text), 0);
    assert_int_equal(cfg.nr_warnings, 1);
    assert_false(xlcfg_diag_is_error(kind));
    expect_diag(kind, line, key);
}

static void test_minimal_and_defaults(void **state)
{
    (void)state;
    assert_int_equal(parse(MINIMAL), 0);
    assert_int_equal(cfg.nr_diags, 0);
    assert_string_equal(cfg.name, "web");
    assert_string_equal(cfg.kernel, "web.elf");
    assert_string_equal(cfg.ramdisk, "");
    assert_false(cfg.has_cmdline);
    assert_string_equal(cfg.cmdline, "");
    assert_int_equal(cfg.memory_mib, XLCFG_MEMORY_DEFAULT);
    assert_int_equal(cfg.maxmem_mib, XLCFG_MEMORY_DEFAULT);
    assert_int_equal(cfg.vcpus, 1);
    assert_int_equal(cfg.on[XLCFG_ON_POWEROFF], XLCFG_ACTION_DESTROY);
    assert_int_equal(cfg.on[XLCFG_ON_REBOOT], XLCFG_ACTION_RESTART);
    assert_int_equal(cfg.on[XLCFG_ON_WATCHDOG], XLCFG_ACTION_DESTROY);
    assert_int_equal(cfg.on[XLCFG_ON_CRASH], XLCFG_ACTION_DESTROY);
    assert_int_equal(cfg.line[XLCFG_KEY_NAME], 1);
    assert_int_equal(cfg.line[XLCFG_KEY_KERNEL], 3);
    assert_int_equal(cfg.line[XLCFG_KEY_RAMDISK], 0);
}

static void test_full_description(void **state)
{
    static const char text[] =
        "# A web server\n"
        "name = 'web-1'   # single quotes too\n"
        "type=\"pvh\"; kernel = \"/boot/vmlinuz\"; ramdisk = \"/boot/initrd.img\"\n"
        "memory = 0x100\n"
        "maxmem = 512\n"
        "vcpus = 1\n"
        "on_poweroff = \"destroy\"\n"
        "on_reboot = 'restart'\n"
        "on_crash = \"restart\"\n"
        "on_watchdog = \"destroy\"\n"
        "cmdline = \"console=hvc0 quiet\"\r\n"
        "\n";

    (void)state;
    assert_int_equal(parse(text), 0);
    assert_int_equal(cfg.nr_diags, 0);
    assert_string_equal(cfg.name, "web-1");
    assert_string_equal(cfg.kernel, "/boot/vmlinuz");
    assert_string_equal(cfg.ramdisk, "/boot/initrd.img");
    assert_int_equal(cfg.memory_mib, 256);
    assert_int_equal(cfg.maxmem_mib, 512);
    assert_int_equal(cfg.on[XLCFG_ON_CRASH], XLCFG_ACTION_RESTART);
    assert_true(cfg.has_cmdline);
    assert_string_equal(cfg.cmdline, "console=hvc0 quiet");
    assert_int_equal(cfg.line[XLCFG_KEY_RAMDISK], 3);
    assert_int_equal(cfg.line[XLCFG_KEY_CMDLINE], 11);
}

static void test_numbers(void **state)
{
    (void)state;
    assert_int_equal(parse(MINIMAL "memory = 010\n"), 0);          /* octal, as strtol(.., 0) */
    assert_int_equal(cfg.memory_mib, 8);
    assert_int_equal(parse(MINIMAL "memory = \"64\"\n"), 0);        /* xl takes quoted numbers */
    assert_int_equal(cfg.memory_mib, 64);
    assert_int_equal(parse(MINIMAL "maxmem = 128\n"), 0);           /* memory follows maxmem */
    assert_int_equal(cfg.memory_mib, 128);
    expect_error("memory = 12a\n", XLCFG_ERR_NOT_NUMBER, 4, "memory");
    expect_error("memory = 09\n", XLCFG_ERR_NOT_NUMBER, 4, "memory");
    expect_error("memory = 0x\n", XLCFG_ERR_NOT_NUMBER, 4, "memory");
    expect_error("memory = \"\"\n", XLCFG_ERR_NOT_NUMBER, 4, "memory");
    expect_error("memory = \"-5\"\n", XLCFG_ERR_NOT_NUMBER, 4, "memory");
    expect_error("memory = 1\n", XLCFG_ERR_MEMORY_RANGE, 4, "memory");
    expect_error("memory = 1048577\n", XLCFG_ERR_MEMORY_RANGE, 4, "memory");
    expect_error("memory = 99999999999999999999999\n", XLCFG_ERR_MEMORY_RANGE, 4, "memory");
    expect_error("maxmem = 0xffffffffffffffffff\n", XLCFG_ERR_MEMORY_RANGE, 4, "maxmem");
    expect_error("memory = 64\nmaxmem = 32\n", XLCFG_ERR_MAXMEM_BELOW, 5, "maxmem");
    expect_error("memory += 64\n", XLCFG_ERR_APPEND, 4, "memory");
    expect_error("memory = [ 64 ]\n", XLCFG_ERR_LIST, 4, "memory");
}

static void test_vcpus(void **state)
{
    (void)state;
    assert_int_equal(parse(MINIMAL "vcpus = 1\nmaxvcpus = 1\n"), 0);
    expect_error("vcpus = 0\n", XLCFG_ERR_VCPUS_ZERO, 4, "vcpus");
    expect_error("vcpus = 2\n", XLCFG_ERR_VCPUS_MANY, 4, "vcpus");
    expect_error("\n\nmaxvcpus = 4\n", XLCFG_ERR_VCPUS_MANY, 6, "maxvcpus");
    expect_error("vcpus = \"x\"\n", XLCFG_ERR_NOT_NUMBER, 4, "vcpus");
    assert_int_equal(cfg.vcpus, 1);
}

static void test_type(void **state)
{
    (void)state;
    assert_int_equal(parse("name=\"a\"\nkernel=\"k\"\ntype=\"pv\"\n"), -XEN_EINVAL);
    expect_diag(XLCFG_ERR_TYPE_PV, 3, "type");
    assert_int_equal(parse("name=\"a\"\nkernel=\"k\"\ntype=\"hvm\"\n"), -XEN_EINVAL);
    expect_diag(XLCFG_ERR_TYPE_HVM, 3, "type");
    assert_int_equal(parse("name=\"a\"\nkernel=\"k\"\ntype=\"pvhx\"\n"), -XEN_EINVAL);
    expect_diag(XLCFG_ERR_TYPE_UNKNOWN, 3, "type");
    assert_int_equal(parse("name=\"a\"\nkernel=\"k\"\ntype=3\n"), -XEN_EINVAL);
    expect_diag(XLCFG_ERR_TYPE_UNKNOWN, 3, "type");
    expect_error("type += \"h\"\n", XLCFG_ERR_APPEND, 4, "type");
    expect_error("type = [\"pvh\"]\n", XLCFG_ERR_LIST, 4, "type");
    /* No type: xl would say PV; Xenolith goes on as PVH with a warning. */
    assert_int_equal(parse("name=\"a\"\nkernel=\"k\"\n"), 0);
    assert_int_equal(cfg.nr_warnings, 1);
    expect_diag(XLCFG_WARN_NO_TYPE, 0, "type");
}

static void test_missing_keys(void **state)
{
    (void)state;
    assert_int_equal(parse("type = \"pvh\"\n"), -XEN_EINVAL);
    assert_int_equal(cfg.nr_errors, 2);
    expect_diag(XLCFG_ERR_NO_NAME, 0, "name");
    expect_diag(XLCFG_ERR_NO_KERNEL, 0, "kernel");
    assert_int_equal(parse(""), -XEN_EINVAL);          /* empty: both missing, and no type */
    assert_int_equal(cfg.nr_errors, 2);
    assert_int_equal(cfg.nr_warnings, 1);
}

static void test_strings(void **state)
{
    (void)state;
    assert_int_equal(parse(MINIMAL "extra = \"a\\\"b\\'c\\\\d\\te\\x41\\101\\7\"\n"), 0);
    assert_string_equal(cfg.cmdline, "a\"b'c\\d\teAA\a");
    assert_int_equal(parse(MINIMAL "extra = 'say \"hi\" # not a comment'\n"), 0);
    assert_string_equal(cfg.cmdline, "say \"hi\" # not a comment");
    expect_error("extra = \"abc\n", XLCFG_ERR_UNTERMINATED, 4, "extra");
    expect_error("extra = \"abc", XLCFG_ERR_UNTERMINATED, 4, "extra");
    expect_error("extra = \"abc\\", XLCFG_ERR_UNTERMINATED, 4, "extra");
    expect_error("extra = \"a\\qb\"\n", XLCFG_ERR_BAD_ESCAPE, 4, "extra");
    expect_error("extra = \"a\\x4\"\n", XLCFG_ERR_BAD_ESCAPE, 4, "extra");
    expect_error("extra = \"a\\0b\"\n", XLCFG_ERR_BAD_ESCAPE, 4, "extra");   /* no NUL */
    expect_error("extra = \"a\\x00\"\n", XLCFG_ERR_BAD_ESCAPE, 4, "extra");
    expect_error("extra = \"\\777\"\n", XLCFG_ERR_BAD_ESCAPE, 4, "extra");  /* > 255 */
    expect_error("extra = hello\n", XLCFG_ERR_BARE_WORD, 4, "extra");
    assert_int_equal(xlcfg_parse(MINIMAL "kernel = \"a\0b\"\n", sizeof(MINIMAL) - 1 + 15, &cfg), -XEN_EINVAL);
    expect_diag(XLCFG_ERR_NUL, 4, "kernel");
    expect_error("extra = \"a\" \"b\"\n", XLCFG_ERR_SYNTAX, 4, "extra");
    expect_error("kernel = \"\"\n", XLCFG_ERR_EMPTY, 4, "kernel");
    expect_error("ramdisk = ''\n", XLCFG_ERR_EMPTY, 4, "ramdisk");
    expect_error("name = \"a\\tb\"\n", XLCFG_ERR_BAD_NAME, 4, "name");
    expect_error("extra = [ \"a\" ]\n", XLCFG_ERR_LIST, 4, "extra");
}

static void test_lengths(void **state)
{
    static char text[XLCFG_CMDLINE_MAX + 256];
    size_t n;

    (void)state;
    expect_error("name = \"01234567890123456789012345678901\"\n", XLCFG_ERR_TOO_LONG,
                 4, "name");
    assert_int_equal(parse(MINIMAL "name = \"012345678901234567890123456789X\"\n"), 0);
    assert_int_equal(strlen(cfg.name), XLCFG_NAME_MAX - 1);
    /* A value longer than the scratch: too long, and the next line is still read. */
    n = (size_t)snprintf(text, sizeof(text), MINIMAL "extra = \"");
    memset(text + n, 'x', XLCFG_CMDLINE_MAX + 10);
    n += XLCFG_CMDLINE_MAX + 10;
    (void)snprintf(text + n, sizeof(text) - n, "\"\nvcpus = 3\n");
    assert_int_equal(xlcfg_parse(text, strlen(text), &cfg), -XEN_EINVAL);
    assert_int_equal(cfg.nr_errors, 2);
    expect_diag(XLCFG_ERR_TOO_LONG, 4, "extra");
    expect_diag(XLCFG_ERR_VCPUS_MANY, 5, "vcpus");
    /* A long number token too. */
    n = (size_t)snprintf(text, sizeof(text), MINIMAL "memory = 1");
    memset(text + n, '0', XLCFG_VALUE_MAX + 5);
    text[n + XLCFG_VALUE_MAX + 5] = '\0';
    assert_int_equal(parse(text), -XEN_EINVAL);
    expect_diag(XLCFG_ERR_TOO_LONG, 4, "memory");
    /* root= and extra= that do not fit together. */
    n = (size_t)snprintf(text, sizeof(text), MINIMAL "root = \"/dev/xvda\"\nextra = \"");
    memset(text + n, 'y', XLCFG_CMDLINE_MAX - 5);
    n += XLCFG_CMDLINE_MAX - 5;
    (void)snprintf(text + n, sizeof(text) - n, "\"\n");
    assert_int_equal(parse(text), -XEN_EINVAL);
    expect_diag(XLCFG_ERR_TOO_LONG, 5, "extra");
    assert_string_equal(cfg.cmdline, "");
}

static void test_cmdline_composition(void **state)
{
    (void)state;
    assert_int_equal(parse(MINIMAL "root = \"/dev/xvda1 ro\"\nextra = \"console=hvc0\"\n"), 0);
    assert_string_equal(cfg.cmdline, "root=/dev/xvda1 ro console=hvc0");
    assert_true(cfg.has_cmdline);
    assert_int_equal(parse(MINIMAL "root = \"/dev/xvda\"\n"), 0);
    assert_string_equal(cfg.cmdline, "root=/dev/xvda");
    assert_int_equal(parse(MINIMAL "extra = \"a\"\nextra += \" b\"\n"), 0);   /* += appends */
    assert_string_equal(cfg.cmdline, "a b");
    assert_int_equal(parse(MINIMAL "extra += \"x\"\n"), 0);                  /* += on nothing */
    assert_string_equal(cfg.cmdline, "x");
    assert_int_equal(parse(MINIMAL "extra = \"a\"\nextra = \"b\"\n"), 0);    /* the last wins */
    assert_string_equal(cfg.cmdline, "b");
    assert_int_equal(parse(MINIMAL "extra = \"\"\n"), 0);
    assert_true(cfg.has_cmdline);
    assert_string_equal(cfg.cmdline, "");
    expect_warning("cmdline = \"c\"\nroot = \"r\"\n", XLCFG_WARN_CMDLINE_WINS, 5, "root");
    assert_string_equal(cfg.cmdline, "c");
    expect_warning("extra = \"e\"\ncmdline = \"c\"\n", XLCFG_WARN_CMDLINE_WINS, 4, "extra");
    assert_string_equal(cfg.cmdline, "c");
}

static void test_actions(void **state)
{
    (void)state;
    expect_warning("on_crash = \"preserve\"\n", XLCFG_WARN_AS_DESTROY, 4, "on_crash");
    assert_int_equal(cfg.on[XLCFG_ON_CRASH], XLCFG_ACTION_PRESERVE);
    expect_warning("on_crash = \"coredump-destroy\"\n", XLCFG_WARN_AS_DESTROY, 4, "on_crash");
    expect_warning("on_reboot = \"rename-restart\"\n", XLCFG_WARN_AS_RESTART, 4, "on_reboot");
    assert_int_equal(cfg.on[XLCFG_ON_REBOOT], XLCFG_ACTION_RENAME_RESTART);
    expect_warning("on_watchdog = \"coredump-restart\"\n", XLCFG_WARN_AS_RESTART, 4, "on_watchdog");
    assert_int_equal(parse(MINIMAL "on_poweroff = \"restart\"\non_reboot = \"destroy\"\n"), 0);
    assert_int_equal(cfg.on[XLCFG_ON_POWEROFF], XLCFG_ACTION_RESTART);
    assert_int_equal(cfg.on[XLCFG_ON_REBOOT], XLCFG_ACTION_DESTROY);
    expect_error("on_crash = \"reboot\"\n", XLCFG_ERR_ACTION, 4, "on_crash");
    expect_error("on_crash = \"destroyx\"\n", XLCFG_ERR_ACTION, 4, "on_crash");
    expect_error("on_reboot += \"x\"\n", XLCFG_ERR_APPEND, 4, "on_reboot");
    expect_error("on_reboot = []\n", XLCFG_ERR_LIST, 4, "on_reboot");
    assert_string_equal(xlcfg_action_name(XLCFG_ACTION_COREDUMP_RESTART), "coredump-restart");
    assert_string_equal(xlcfg_action_name((enum xlcfg_action)99), "?");
}

static void test_unknown_and_unsupported_keys(void **state)
{
    (void)state;
    expect_warning("frobnicate = 1\n", XLCFG_WARN_UNKNOWN_KEY, 4, "frobnicate");
    expect_warning("disk = [ 'phy:/dev/vg/web,xvda,w', [ 1, [] ], ]\n", XLCFG_WARN_UNSUPPORTED_KEY,
                   4, "disk");
    expect_warning("vif = [\n  'bridge=xenbr0',  # first\n\n  'mac=00:16:3e:00:00:01'\n]\n",
                   XLCFG_WARN_UNSUPPORTED_KEY, 4, "vif");
    expect_warning("device_model_stubdomain_override = 1\n", XLCFG_WARN_UNSUPPORTED_KEY, 4,
                   "device_model_stubdomain");                      /* cut to XLCFG_KEY_MAX - 1 */
    /* The lines after a multi-line list keep their numbers. */
    assert_int_equal(parse(MINIMAL "vif = [\n'a',\n'b']\nvcpus = 2\n"), -XEN_EINVAL);
    expect_diag(XLCFG_ERR_VCPUS_MANY, 7, "vcpus");
}

static void test_syntax_errors(void **state)
{
    (void)state;
    expect_error("memory 64\n", XLCFG_ERR_SYNTAX, 4, "memory");
    expect_error("memory =\n", XLCFG_ERR_SYNTAX, 4, "memory");
    expect_error("memory + 64\n", XLCFG_ERR_SYNTAX, 4, "memory");
    expect_error("= 64\n", XLCFG_ERR_SYNTAX, 4, "");
    expect_error("Memory = 64\n", XLCFG_ERR_SYNTAX, 4, "");      /* keys are lower case */
    expect_error("memory = 64 64\n", XLCFG_ERR_SYNTAX, 4, "memory");
    expect_error("memory = @\n", XLCFG_ERR_SYNTAX, 4, "memory");
    expect_error("disk = [ 'a' 'b' ]\n", XLCFG_ERR_SYNTAX, 4, "disk");
    expect_error("disk = [ , ]\n", XLCFG_ERR_SYNTAX, 4, "disk");
    expect_error("disk = [ 'a' ] ]\n", XLCFG_ERR_SYNTAX, 4, "disk");
    expect_error("disk = [ 'a', [ 'b' ]\n", XLCFG_ERR_UNCLOSED_LIST, 4, "disk");
    expect_error("disk = [[[[[[[[[ ]]]]]]]]]\n", XLCFG_ERR_NESTING, 4, "disk");
    expect_error("disk = [ bad ]\n", XLCFG_ERR_BARE_WORD, 4, "disk");
    /* Each bad line is one error; the good lines around it still count. */
    assert_int_equal(parse("name = \"a\"\nfoo bar\nkernel = \"k\"\n!!\nmemory = 64\n"), -XEN_EINVAL);
    assert_int_equal(cfg.nr_errors, 2);
    expect_diag(XLCFG_ERR_SYNTAX, 2, "foo");
    assert_int_equal(cfg.memory_mib, 64);
    assert_string_equal(cfg.kernel, "k");
}

static void test_many_diagnostics(void **state)
{
    static char text[4096];
    size_t n = 0;

    (void)state;
    for (unsigned i = 0; i < XLCFG_DIAGS_MAX + 5; i++)
        n += (size_t)snprintf(text + n, sizeof(text) - n, "bad%u\n", i);
    assert_int_equal(parse(text), -XEN_EINVAL);
    assert_int_equal(cfg.nr_diags, XLCFG_DIAGS_MAX);
    assert_int_equal(cfg.nr_errors, XLCFG_DIAGS_MAX + 5 + 2);  /* + name and kernel missing */
    assert_int_equal(cfg.diags_dropped, 5 + 3);
}

static void test_detect(void **state)
{
    static const uint8_t elf[] = { 0x7F, 'E', 'L', 'F', 2, 1, 1, 0 };
    static const uint8_t gz[] = { 0x1F, 0x8B, 8, 0 };
    static const char cpio[] = "070701000000010000";   /* newc: NULs follow the names */
    static const char utf8[] = "# caf\xc3\xa9\nname = 'x'\n";

    (void)state;
    assert_true(xlcfg_detect(MINIMAL, strlen(MINIMAL)));
    assert_true(xlcfg_detect("\n\n  ; # c\n\tname+='a'", 19));
    assert_true(xlcfg_detect(utf8, strlen(utf8)));
    assert_true(xlcfg_detect("foo=", 4));
    assert_false(xlcfg_detect((const char *)elf, sizeof(elf)));
    assert_false(xlcfg_detect((const char *)gz, sizeof(gz)));
    assert_false(xlcfg_detect(cpio, sizeof(cpio)));      /* the NUL */
    assert_false(xlcfg_detect(cpio, strlen(cpio)));      /* a number, not a key */
    assert_false(xlcfg_detect("", 0));
    assert_false(xlcfg_detect("# only a comment\n", 17));
    assert_false(xlcfg_detect("hello world\n", 12));
    assert_false(xlcfg_detect("Name = 'x'\n", 11));
    assert_false(xlcfg_detect("name = 'x'\x7f", 11));
    assert_false(xlcfg_detect("name", 4));
    assert_false(xlcfg_detect("name =", XLCFG_TEXT_MAX + 1));
}

static void test_texts(void **state)
{
    (void)state;
    for (unsigned k = 0; k <= XLCFG_DIAG_KIND_MAX + 1; k++)
        assert_non_null(xlcfg_diag_text((enum xlcfg_diag_kind)k));
    assert_non_null(strstr(xlcfg_diag_text(XLCFG_ERR_TYPE_PV), "PVH"));
    assert_string_equal(xlcfg_diag_text((enum xlcfg_diag_kind)999), "unknown problem");
    assert_false(xlcfg_diag_is_error(XLCFG_DIAG_NONE));
    assert_true(xlcfg_diag_is_error(XLCFG_ERR_NO_KERNEL));
    assert_false(xlcfg_diag_is_error(XLCFG_WARN_UNKNOWN_KEY));
    assert_string_equal(xlcfg_key_name(XLCFG_KEY_ON_CRASH), "on_crash");
    assert_string_equal(xlcfg_key_name((enum xlcfg_key)XLCFG_NR_KEYS), "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_minimal_and_defaults),
        cmocka_unit_test(test_full_description),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_vcpus),
        cmocka_unit_test(test_type),
        cmocka_unit_test(test_missing_keys),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_lengths),
        cmocka_unit_test(test_cmdline_composition),
        cmocka_unit_test(test_actions),
        cmocka_unit_test(test_unknown_and_unsupported_keys),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_many_diagnostics),
        cmocka_unit_test(test_detect),
        cmocka_unit_test(test_texts),
    };
    return cmocka_run_group_tests_name("xlcfg", tests, NULL, NULL);
}
