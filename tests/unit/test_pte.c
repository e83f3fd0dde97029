// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the NPT/EPT entry encodings, with the expected bit patterns
 * written out by hand from the AMD APM / Intel SDM layouts, and exhaustive
 * round trips over every access set and a spread of frame numbers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "hv/pte.h"

#define R P2M_ACCESS_R
#define W P2M_ACCESS_W
#define X P2M_ACCESS_X

static void test_access_valid(void **state)
{
    (void)state;
    /* NPT: present means readable, so R is required. */
    assert_false(pte_access_valid(PTE_FORMAT_NPT, 0));
    assert_true(pte_access_valid(PTE_FORMAT_NPT, R));
    assert_true(pte_access_valid(PTE_FORMAT_NPT, R | W));
    assert_true(pte_access_valid(PTE_FORMAT_NPT, R | X));
    assert_true(pte_access_valid(PTE_FORMAT_NPT, R | W | X));
    assert_false(pte_access_valid(PTE_FORMAT_NPT, W));
    assert_false(pte_access_valid(PTE_FORMAT_NPT, X));
    assert_false(pte_access_valid(PTE_FORMAT_NPT, W | X));
    assert_false(pte_access_valid(PTE_FORMAT_NPT, 8));
    assert_false(pte_access_valid(PTE_FORMAT_NPT, R | 8));
    /* EPT: execute-only is fine, write without read is a misconfiguration. */
    assert_false(pte_access_valid(PTE_FORMAT_EPT, 0));
    assert_true(pte_access_valid(PTE_FORMAT_EPT, R));
    assert_true(pte_access_valid(PTE_FORMAT_EPT, X));
    assert_true(pte_access_valid(PTE_FORMAT_EPT, R | X));
    assert_true(pte_access_valid(PTE_FORMAT_EPT, R | W));
    assert_true(pte_access_valid(PTE_FORMAT_EPT, R | W | X));
    assert_false(pte_access_valid(PTE_FORMAT_EPT, W));
    assert_false(pte_access_valid(PTE_FORMAT_EPT, W | X));
    assert_false(pte_access_valid(PTE_FORMAT_EPT, 0x10));
    /* Unknown format. */
    assert_false(pte_access_valid((enum pte_format)2, R));
}

static void test_table_entries(void **state)
{
    (void)state;
    /* NPT non-leaf: P | RW | US. */
    assert_int_equal(pte_make_table(PTE_FORMAT_NPT, 0x1234), 0x1234007ULL);
    /* EPT non-leaf: R | W | X, no memory type. */
    assert_int_equal(pte_make_table(PTE_FORMAT_EPT, 0x1234), 0x1234007ULL);
    assert_int_equal(pte_make_table(PTE_FORMAT_NPT, PTE_MFN_MAX), 0x000FFFFFFFFFF007ULL);
    assert_true(pte_present(PTE_FORMAT_NPT, pte_make_table(PTE_FORMAT_NPT, 5)));
    assert_false(pte_is_large(PTE_FORMAT_NPT, pte_make_table(PTE_FORMAT_NPT, 5)));
    assert_int_equal(pte_mfn(pte_make_table(PTE_FORMAT_EPT, 77)), 77);
}

static void test_npt_leaves(void **state)
{
    (void)state;
    /* R: P | US | NX. */
    assert_int_equal(pte_make_leaf(PTE_FORMAT_NPT, 0x42, R, false), 0x8000000000042005ULL);
    /* RW: P | RW | US | NX. */
    assert_int_equal(pte_make_leaf(PTE_FORMAT_NPT, 0x42, R | W, false), 0x8000000000042007ULL);
    /* RX: P | US. */
    assert_int_equal(pte_make_leaf(PTE_FORMAT_NPT, 0x42, R | X, false), 0x42005ULL);
    /* RWX: P | RW | US. */
    assert_int_equal(pte_make_leaf(PTE_FORMAT_NPT, 0x42, R | W | X, false), 0x42007ULL);
    /* 2 MiB RWX at frame 0x200 (address 2 MiB): PS = bit 7. */
    assert_int_equal(pte_make_leaf(PTE_FORMAT_NPT, 0x200, R | W | X, true), 0x200087ULL);
    assert_int_equal(pte_access(PTE_FORMAT_NPT, 0x8000000000042005ULL), R);
    assert_int_equal(pte_access(PTE_FORMAT_NPT, 0x8000000000042007ULL), R | W);
    assert_int_equal(pte_access(PTE_FORMAT_NPT, 0x42005ULL), R | X);
    assert_int_equal(pte_access(PTE_FORMAT_NPT, 0x42007ULL), R | W | X);
    /* Not present: no rights whatever the other bits say. */
    assert_int_equal(pte_access(PTE_FORMAT_NPT, 0x42006ULL), 0);
    assert_false(pte_present(PTE_FORMAT_NPT, 0x42006ULL));
    assert_true(pte_present(PTE_FORMAT_NPT, 0x1ULL));
}

static void test_ept_leaves(void **state)
{
    (void)state;
    /* R + WB (6 << 3 = 0x30). */
    assert_int_equal(pte_make_leaf(PTE_FORMAT_EPT, 0x42, R, false), 0x42031ULL);
    assert_int_equal(pte_make_leaf(PTE_FORMAT_EPT, 0x42, R | W, false), 0x42033ULL);
    assert_int_equal(pte_make_leaf(PTE_FORMAT_EPT, 0x42, X, false), 0x42034ULL);
    assert_int_equal(pte_make_leaf(PTE_FORMAT_EPT, 0x42, R | W | X, false), 0x42037ULL);
    /* 2 MiB: PS = bit 7. */
    assert_int_equal(pte_make_leaf(PTE_FORMAT_EPT, 0x400, R | W | X, true), 0x4000B7ULL);
    assert_int_equal(pte_access(PTE_FORMAT_EPT, 0x42034ULL), X);
    assert_int_equal(pte_access(PTE_FORMAT_EPT, 0x42030ULL), 0);
    assert_false(pte_present(PTE_FORMAT_EPT, 0x42030ULL));   /* memory type alone: not present */
    assert_true(pte_present(PTE_FORMAT_EPT, 0x4ULL));
}

static void test_addresses(void **state)
{
    (void)state;
    /* Bits above 51 and below 12 never leak into the frame number. */
    assert_int_equal(pte_mfn(0xFFFFFFFFFFFFFFFFULL), PTE_MFN_MAX);
    assert_int_equal(pte_mfn(0x8000000000042FFFULL), 0x42);
    /* 2 MiB: bits 12..20 (PAT at 12 on NPT) are not address bits. */
    assert_int_equal(pte_mfn_2m(0x0000000000201087ULL), 0x200);
    assert_int_equal(pte_mfn_2m(0xFFFFFFFFFFFFFFFFULL), PTE_MFN_MAX & ~0x1FFULL);
    assert_true(pte_is_large(PTE_FORMAT_NPT, 0x80ULL));
    assert_true(pte_is_large(PTE_FORMAT_EPT, 0x80ULL));
    assert_false(pte_is_large(PTE_FORMAT_EPT, 0x7FULL));
}

/* decode(encode(mfn, access)) == (mfn, access) for every valid access set. */
static void test_round_trips(void **state)
{
    static const mfn_t mfns[] = { 0, 1, 0x200, 0x3FE00, 0x123456, 0xFFFFFFFE00ULL, PTE_MFN_MAX };
    (void)state;
    for (unsigned f = 0; f < 2; f++) {
        enum pte_format fmt = f ? PTE_FORMAT_EPT : PTE_FORMAT_NPT;

        for (unsigned a = 0; a < 16; a++) {
            if (!pte_access_valid(fmt, a))
                continue;
            for (size_t i = 0; i < sizeof(mfns) / sizeof(mfns[0]); i++) {
                uint64_t e = pte_make_leaf(fmt, mfns[i], a, false);

                assert_true(pte_present(fmt, e));
                assert_false(pte_is_large(fmt, e));
                assert_int_equal(pte_mfn(e), mfns[i]);
                assert_int_equal(pte_access(fmt, e), a);
                if (mfns[i] % 512 == 0) {
                    e = pte_make_leaf(fmt, mfns[i], a, true);
                    assert_true(pte_is_large(fmt, e));
                    assert_int_equal(pte_mfn_2m(e), mfns[i]);
                    assert_int_equal(pte_access(fmt, e), a);
                }
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_access_valid),
        cmocka_unit_test(test_table_entries),
        cmocka_unit_test(test_npt_leaves),
        cmocka_unit_test(test_ept_leaves),
        cmocka_unit_test(test_addresses),
        cmocka_unit_test(test_round_trips),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
