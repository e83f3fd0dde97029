// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of xen_version: every sub-op's value and buffer, in 64-bit and
 * 32-bit callers, and the error paths: bad, unmapped, read-only and
 * page-crossing buffers (nothing written), unknown sub-ops, a bad submap
 * index, a non-null pagesize argument.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "hv/setup.h"
#include "test_hc_fixture.h"

static int setup(void **state)
{
    (void)state;
    fx_machine();
    return 0;
}

static int64_t ver(struct vcpu *v, uint32_t cmd, uint64_t arg)
{
    int64_t rc = FX_CALL2(v, HYPERVISOR_xen_version, cmd, arg);

    assert_true(fx_declared(HYPERVISOR_xen_version, rc));
    return rc;
}

static void test_version(void **state)
{
    struct vcpu *v;
    (void)state;

    v = fx_domain(FX_DOMU, 0, FX_LONG);
    assert_int_equal(ver(v, XENVER_version, 0), (XENOLITH_VERSION_MAJOR << 16) | XENOLITH_VERSION_MINOR);
    /* The argument is ignored; cmd is a 32-bit int, so upper bits are ignored too. */
    assert_int_equal(FX_CALL2(v, HYPERVISOR_xen_version, 0x500000000ULL, 0xDEAD),
                     (XENOLITH_VERSION_MAJOR << 16) | XENOLITH_VERSION_MINOR);
}

/* A string sub-op: NUL-padded to its size, exactly size bytes written. */
static void check_string(struct vcpu *v, uint32_t cmd, size_t size, const char *expect)
{
    char buf[XEN_CAPABILITIES_LEN + 1];

    fx_fill(v, 5, 0xEE);
    assert_int_equal(ver(v, cmd, fx_addr(v, 5, 16)), 0);
    fx_get(v, 5, 16, buf, size + 1);
    assert_string_equal(buf, expect);
    for (size_t i = strlen(expect); i < size; i++)
        assert_int_equal(buf[i], 0);
    assert_int_equal((uint8_t)buf[size], 0xEE);
}

static void test_strings(void **state)
{
    struct vcpu *v;
    (void)state;

    for (int m = 0; m < 2; m++) {
        fx_machine();
        v = fx_domain(FX_DOMU, 0, m == 0 ? FX_LONG : FX_FLAT32);
        check_string(v, XENVER_extraversion, XEN_EXTRAVERSION_LEN, XENOLITH_VERSION_EXTRA);
        check_string(v, XENVER_capabilities, XEN_CAPABILITIES_LEN,
                     "hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64 ");
        check_string(v, XENVER_changeset, XEN_CHANGESET_LEN, "unavailable");
    }
}

static void test_compile_info(void **state)
{
    struct vcpu *v;
    struct xen_compile_info ci;
    (void)state;

    v = fx_domain(FX_DOMU, 0, FX_LONG);
    fx_fill(v, 5, 0xEE);
    assert_int_equal(ver(v, XENVER_compile_info, fx_addr(v, 5, 0)), 0);
    fx_get(v, 5, 0, &ci, sizeof(ci));
    assert_true(strlen(ci.compiler) > 4 && strlen(ci.compiler) < sizeof(ci.compiler));
    assert_string_equal(ci.compile_by, "xenolith");
    assert_int_equal(ci.compile_domain[0], 0);
    assert_int_equal(ci.compile_date[sizeof(ci.compile_date) - 1], 0);
    assert_int_equal(*fx_gpa(v->domain, fx_page_gpa(5) + sizeof(ci)), 0xEE);
}

static void test_platform_parameters(void **state)
{
    struct vcpu *v;
    uint8_t b[12];
    (void)state;

    v = fx_domain(FX_DOMU, 0, FX_LONG);
    fx_fill(v, 5, 0xEE);
    assert_int_equal(ver(v, XENVER_platform_parameters, fx_addr(v, 5, 0)), 0);
    fx_get(v, 5, 0, b, sizeof(b));
    for (int i = 0; i < 8; i++)
        assert_int_equal(b[i], 0);
    assert_int_equal(b[8], 0xEE);
    /* A 32-bit caller gets the 4-byte layout. */
    v = fx_domain(2, 0, FX_FLAT32);
    fx_fill(v, 5, 0xEE);
    assert_int_equal(ver(v, XENVER_platform_parameters, fx_addr(v, 5, 0)), 0);
    fx_get(v, 5, 0, b, sizeof(b));
    assert_int_equal(b[3], 0);
    assert_int_equal(b[4], 0xEE);
}

static uint32_t features(struct vcpu *v, uint32_t idx, int64_t *rc)
{
    struct xen_feature_info fi = { .submap_idx = idx, .submap = 0xAAAAAAAA };

    fx_put(v, 6, 100, &fi, sizeof(fi));
    *rc = ver(v, XENVER_get_features, fx_addr(v, 6, 100));
    fx_get(v, 6, 100, &fi, sizeof(fi));
    assert_int_equal(fi.submap_idx, idx);
    return fi.submap;
}

static void test_get_features(void **state)
{
    const uint32_t base = (1U << XENFEAT_writable_page_tables) |
                          (1U << XENFEAT_auto_translated_physmap) |
                          (1U << XENFEAT_hvm_callback_vector) | (1U << XENFEAT_hvm_safe_pvclock);
    struct vcpu *u, *z;
    int64_t rc;
    (void)state;

    u = fx_domain(FX_DOMU, 0, FX_LONG);
    z = fx_domain(FX_DOM0, SIF_PRIVILEGED | SIF_INITDOMAIN, FX_FLAT32);
    assert_int_equal(features(u, 0, &rc), base);
    assert_int_equal(rc, 0);
    assert_int_equal(features(z, 0, &rc), base | (1U << XENFEAT_dom0));
    assert_int_equal(rc, 0);
    /* Unknown submaps are refused and the structure is left alone. */
    assert_int_equal(features(u, 1, &rc), 0xAAAAAAAA);
    assert_int_equal(rc, -XEN_EINVAL);
    assert_int_equal(features(u, 0xFFFFFFFF, &rc), 0xAAAAAAAA);
    assert_int_equal(rc, -XEN_EINVAL);
}

static void test_pagesize_and_handle(void **state)
{
    struct vcpu *v;
    uint8_t h[20];
    (void)state;

    v = fx_domain(FX_DOMU, 0, FX_LONG);
    assert_int_equal(ver(v, XENVER_pagesize, 0), PAGE_SIZE);
    assert_int_equal(ver(v, XENVER_pagesize, fx_addr(v, 1, 0)), -XEN_EINVAL);
    fx_fill(v, 7, 0xEE);
    assert_int_equal(ver(v, XENVER_guest_handle, fx_addr(v, 7, 0)), 0);
    fx_get(v, 7, 0, h, sizeof(h));
    for (int i = 0; i < 16; i++)
        assert_int_equal(h[i], 0);
    assert_int_equal(h[16], 0xEE);
}

static void test_unknown_subops(void **state)
{
    static const uint32_t cmds[] = { XENVER_build_id, 11, 12, 13, 0x7FFFFFFF,
                                     0xFFFFFFFF };
    struct vcpu *v;
    (void)state;

    v = fx_domain(FX_DOM0, SIF_PRIVILEGED | SIF_INITDOMAIN, FX_LONG);
    fx_fill(v, 5, 0xEE);
    for (size_t i = 0; i < HV_ARRAY_SIZE(cmds); i++)
        assert_int_equal(ver(v, cmds[i], fx_addr(v, 5, 0)), -XEN_ENOSYS);
    assert_int_equal(*fx_gpa(v->domain, fx_page_gpa(5)), 0xEE);
}

/* The hypervisor command line: privileged domains only, 1024 NUL-padded bytes. */
static void test_commandline(void **state)
{
    char buf[XEN_COMMANDLINE_LEN];
    struct vcpu *v;
    (void)state;

    v = fx_domain(FX_DOMU, 0, FX_LONG);
    fx_fill(v, 5, 0xEE);
    assert_int_equal(ver(v, XENVER_commandline, fx_addr(v, 5, 0)), -XEN_EPERM);
    assert_int_equal(*fx_gpa(v->domain, fx_page_gpa(5)), 0xEE);
    fx_machine();
    v = fx_domain(FX_DOM0, SIF_PRIVILEGED | SIF_INITDOMAIN, FX_LONG);
    fx_fill(v, 5, 0xEE);
    assert_int_equal(ver(v, XENVER_commandline, fx_addr(v, 5, 0)), 0);
    fx_get(v, 5, 0, buf, sizeof(buf));
    assert_string_equal(buf, hv_boot_cmdline());
    assert_int_equal(buf[XEN_COMMANDLINE_LEN - 1], 0);
    assert_int_equal(*fx_gpa(v->domain, fx_page_gpa(5) + XEN_COMMANDLINE_LEN), 0xEE);
    assert_int_equal(ver(v, XENVER_commandline, 0), -XEN_EFAULT);
}

/* Every buffer sub-op, with buffers that cannot take it whole: -EFAULT, nothing written. */
static void test_bad_buffers(void **state)
{
    static const uint32_t cmds[] = { XENVER_extraversion, XENVER_compile_info, XENVER_capabilities,
                                     XENVER_changeset, XENVER_platform_parameters,
                                     XENVER_get_features, XENVER_guest_handle };
    struct vcpu *v;
    (void)state;

    for (int m = 0; m < 2; m++) {
        fx_machine();
        v = fx_domain(FX_DOMU, 0, m == 0 ? FX_LONG : FX_FLAT32);
        fx_fill(v, FX_HOLE - 1, 0xEE);
        fx_fill(v, FX_RO, 0xEE);
        /* A valid submap index where get_features will find it: only the write can fail. */
        fx_put(v, FX_RO, 64, "\0\0\0\0\0\0\0\0", 8);
        for (size_t i = 0; i < HV_ARRAY_SIZE(cmds); i++) {
            /* Unmapped page. */
            assert_int_equal(ver(v, cmds[i], fx_addr(v, FX_HOLE, 0)), -XEN_EFAULT);
            /* Crossing from a good page into the hole. */
            assert_int_equal(ver(v, cmds[i], fx_addr(v, FX_HOLE, 0) - 2), -XEN_EFAULT);
            /* Read-only page. */
            assert_int_equal(ver(v, cmds[i], fx_addr(v, FX_RO, 64)), -XEN_EFAULT);
            /* Beyond the guest's RAM (paging off) or not canonical (long mode). */
            assert_int_equal(ver(v, cmds[i], m == 0 ? 0x8000000000000000ULL : 0xF0000000ULL),
                             -XEN_EFAULT);
        }
        for (unsigned b = 0; b < PAGE_SIZE; b++) {
            assert_int_equal(*fx_gpa(v->domain, fx_page_gpa(FX_HOLE - 1) + b), 0xEE);
            assert_int_equal(*fx_gpa(v->domain, fx_page_gpa(FX_RO) + b),
                             b >= 64 && b < 72 ? 0 : 0xEE);
        }
        assert_true(fx_invariants());
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_version, setup),
        cmocka_unit_test_setup(test_strings, setup),
        cmocka_unit_test_setup(test_compile_info, setup),
        cmocka_unit_test_setup(test_platform_parameters, setup),
        cmocka_unit_test_setup(test_get_features, setup),
        cmocka_unit_test_setup(test_pagesize_and_handle, setup),
        cmocka_unit_test_setup(test_unknown_subops, setup),
        cmocka_unit_test_setup(test_commandline, setup),
        cmocka_unit_test_setup(test_bad_buffers, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
