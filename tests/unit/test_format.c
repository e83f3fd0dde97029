// SPDX-License-Identifier: GPL-2.0-only
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hv/format.h"

#define CHECK(expected, ...)                                            \
    do {                                                                \
        char buf_[128];                                                 \
        size_t n_ = hv_snprintf(buf_, sizeof(buf_), __VA_ARGS__);       \
        assert_string_equal(buf_, expected);                            \
        assert_int_equal(n_, strlen(expected));                         \
    } while (0)

/* No format attribute: lets the tests pass formats the compiler would reject. */
static size_t format_unchecked(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    size_t n;

    va_start(ap, fmt);
    n = hv_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

#define CHECK_UNCHECKED(expected, ...)                                  \
    do {                                                                \
        char buf_[128];                                                 \
        size_t n_ = format_unchecked(buf_, sizeof(buf_), __VA_ARGS__);  \
        assert_string_equal(buf_, expected);                            \
        assert_int_equal(n_, strlen(expected));                         \
    } while (0)

static void test_integers(void **state)
{
    (void)state;
    CHECK("0", "%d", 0);
    CHECK("-42", "%d", -42);
    CHECK("42", "%i", 42);
    CHECK("4294967295", "%u", 4294967295U);
    CHECK("-9223372036854775808", "%lld", (long long)INT64_MIN);
    CHECK("18446744073709551615", "%llu", (unsigned long long)UINT64_MAX);
    CHECK("-1", "%ld", -1L);
    CHECK("ff", "%lx", 255UL);
    CHECK("DEADBEEF", "%X", 0xDEADBEEFU);
    CHECK("12", "%zu", (size_t)12);
    CHECK("-3", "%zd", (size_t)-3);
    /* Promoted ints wider than the length modifier are cut down, as in C. */
    CHECK_UNCHECKED("255", "%hhu", 0x1FF);
    CHECK_UNCHECKED("-1", "%hhd", 0xFF);
    CHECK_UNCHECKED("65535", "%hu", 0x1FFFF);
    CHECK_UNCHECKED("-1", "%hd", 0xFFFF);
}

static void test_width_and_flags(void **state)
{
    (void)state;
    CHECK("   42", "%5d", 42);
    CHECK("42   |", "%-5d|", 42);
    CHECK("00042", "%05d", 42);
    CHECK("-0042", "%05d", -42);
    CHECK("  -42", "%5d", -42);
    CHECK("-42  |", "%-5d|", -42);
    CHECK("0000beef", "%08x", 0xbeefU);
    CHECK("0x00000000deadbeef", "%p", (void *)(uintptr_t)0xdeadbeef);
}

static void test_strings_and_chars(void **state)
{
    (void)state;
    CHECK("hello", "%s", "hello");
    CHECK_UNCHECKED("(null)", "%s", (const char *)NULL);
    CHECK("  abc", "%5s", "abc");
    CHECK("abc  |", "%-5s|", "abc");
    CHECK("ab", "%.2s", "abcdef");
    CHECK("abc", "%.*s", 3, "abcdef");
    CHECK("", "%.*s", -1, "abcdef");
    CHECK("x", "%c", 'x');
    CHECK("  x", "%3c", 'x');
    CHECK("100%", "100%%");
}

static void test_unknown_and_trailing_conversion(void **state)
{
    (void)state;
    CHECK_UNCHECKED("%q", "%q");
    CHECK_UNCHECKED("abc", "abc%");
}

static void test_truncation_counts_full_length(void **state)
{
    char buf[8];
    size_t n;

    (void)state;
    n = hv_snprintf(buf, sizeof(buf), "%s-%d", "abcdef", 1234);
    assert_int_equal(n, 11);
    assert_string_equal(buf, "abcdef-");
    n = hv_snprintf(NULL, 0, "%d", 12345);
    assert_int_equal(n, 5);
    n = hv_snprintf(buf, 1, "xyz");
    assert_int_equal(n, 3);
    assert_string_equal(buf, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_integers),
        cmocka_unit_test(test_width_and_flags),
        cmocka_unit_test(test_strings_and_chars),
        cmocka_unit_test(test_unknown_and_trailing_conversion),
        cmocka_unit_test(test_truncation_counts_full_length),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
