// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the memory map sanitizer (src/core/memmap.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "hv/memmap.h"
#include "xen/errno.h"

#define MiB (1ULL << 20)
#define LIMIT MEMMAP_ADDR_LIMIT

static struct memmap_result res;

static int diags(enum memmap_diag_kind kind)
{
    int n = 0;
    for (uint32_t i = 0; i < res.nr_diags; i++)
        n += res.diags[i].kind == kind;
    return n;
}

static const struct memmap_diag *diag(enum memmap_diag_kind kind)
{
    for (uint32_t i = 0; i < res.nr_diags; i++)
        if (res.diags[i].kind == kind)
            return &res.diags[i];
    fail_msg("diagnostic %s not found", memmap_diag_text(kind));
    return NULL;
}

/* Every result is sorted, disjoint, non-adjacent, page aligned and summed. */
static void assert_well_formed(int rc)
{
    uint64_t sum = 0;

    assert_true(res.nr_ranges <= MEMMAP_MAX_RANGES);
    assert_true(res.nr_diags <= MEMMAP_MAX_DIAGS);
    if (rc != 0) {
        assert_int_equal(res.nr_ranges, 0);
        assert_int_equal(res.usable_bytes, 0);
        return;
    }
    assert_true(res.nr_ranges >= 1);
    for (uint32_t i = 0; i < res.nr_ranges; i++) {
        assert_int_equal(res.ranges[i].start % 4096, 0);
        assert_int_equal(res.ranges[i].end % 4096, 0);
        assert_true(res.ranges[i].start < res.ranges[i].end);
        assert_true(res.ranges[i].end <= LIMIT);
        if (i > 0)
            assert_true(res.ranges[i - 1].end < res.ranges[i].start);
        sum += res.ranges[i].end - res.ranges[i].start;
    }
    assert_int_equal(sum, res.usable_bytes);
}

static int run(const struct boot_mmap_entry *e, uint32_t n, const struct memmap_range *r,
               uint32_t nr)
{
    int rc = memmap_sanitize(e, n, r, nr, &res);
    assert_well_formed(rc);
    return rc;
}

static void assert_range(uint32_t i, uint64_t start, uint64_t end)
{
    assert_true(i < res.nr_ranges);
    assert_int_equal(res.ranges[i].start, start);
    assert_int_equal(res.ranges[i].end, end);
}

static void test_typical_pc(void **state)
{
    const struct boot_mmap_entry e[] = {
        { 0, 0x9fc00, 1 },
        { 0x9fc00, 0x400, 2 },
        { 0xf0000, 0x10000, 2 },
        { 0x100000, 0x7ee0000, 1 },
        { 0x7fe0000, 0x20000, 2 },
        { 0xfffc0000, 0x40000, 2 },
        { 0x100000000ULL, 0x40000000ULL, 1 },
    };
    const struct memmap_range r[] = {
        { 0, MiB },                   /* first MiB */
        { MiB, 2 * MiB },             /* hypervisor image */
        { 3 * MiB, 3 * MiB + 0x800 }, /* a module, not page sized */
    };

    (void)state;
    assert_int_equal(run(e, HV_ARRAY_SIZE(e), r, HV_ARRAY_SIZE(r)), 0);
    assert_int_equal(res.nr_diags, 0);
    assert_int_equal(res.nr_ranges, 3);
    assert_range(0, 2 * MiB, 3 * MiB);
    assert_range(1, 3 * MiB + 0x1000, 0x7fe0000);
    assert_range(2, 0x100000000ULL, 0x140000000ULL);
    assert_int_equal(res.usable_bytes, MiB + (0x7fe0000 - 3 * MiB - 0x1000) + 0x40000000ULL);
    /* Without reserved ranges, the low 639 KiB come back (shrunk to pages). */
    assert_int_equal(run(e, HV_ARRAY_SIZE(e), NULL, 0), 0);
    assert_range(0, 0, 0x9f000);
    assert_range(1, 0x100000, 0x7fe0000);
}

static void test_fatal_inputs(void **state)
{
    static struct boot_mmap_entry many[BOOT_MMAP_MAX + 1];
    const struct boot_mmap_entry one = { MiB, MiB, 1 };
    static struct memmap_range r[MEMMAP_MAX_RESERVED + 1];

    (void)state;
    assert_int_equal(run(NULL, 3, NULL, 0), -XEN_EINVAL);
    assert_int_equal(res.nr_diags, 1);
    assert_int_equal(res.diags[0].kind, MEMMAP_DIAG_NO_MAP);
    assert_int_equal(run(&one, 0, NULL, 0), -XEN_EINVAL);
    assert_int_equal(res.diags[0].kind, MEMMAP_DIAG_EMPTY_MAP);
    assert_int_equal(run(many, BOOT_MMAP_MAX + 1, NULL, 0), -XEN_EINVAL);
    assert_int_equal(diag(MEMMAP_DIAG_TOO_MANY_ENTRIES)->index, BOOT_MMAP_MAX + 1);
    assert_int_equal(run(&one, 1, r, MEMMAP_MAX_RESERVED + 1), -XEN_EINVAL);
    assert_int_equal(diag(MEMMAP_DIAG_TOO_MANY_RESERVED)->index, MEMMAP_MAX_RESERVED + 1);
    assert_int_equal(run(&one, 1, NULL, 1), -XEN_EINVAL);
    assert_int_equal(diags(MEMMAP_DIAG_TOO_MANY_RESERVED), 1);
    /* Exactly the maxima are fine. */
    for (uint32_t i = 0; i < BOOT_MMAP_MAX; i++)
        many[i] = (struct boot_mmap_entry){ (uint64_t)i * 2 * MiB, MiB, 1 };
    for (uint32_t i = 0; i < MEMMAP_MAX_RESERVED; i++)
        r[i] = (struct memmap_range){ (uint64_t)i * 2 * MiB, (uint64_t)i * 2 * MiB + 4096 };
    assert_int_equal(run(many, BOOT_MMAP_MAX, r, MEMMAP_MAX_RESERVED), 0);
    assert_int_equal(res.nr_ranges, BOOT_MMAP_MAX);
    assert_int_equal(res.usable_bytes, BOOT_MMAP_MAX * MiB - MEMMAP_MAX_RESERVED * 4096);
}

static void test_wrap(void **state)
{
    const struct boot_mmap_entry e[] = {
        { MiB, MiB, 1 },
        { UINT64_MAX - 10, 100, 2 },
        { 0x1000, UINT64_MAX, 1 },
        { 0, UINT64_MAX, 2 },                 /* last byte 2^64 - 2: fine */
        { UINT64_MAX - 4095, 4096, 1 },       /* ends exactly at 2^64: fine */
    };

    (void)state;
    assert_int_equal(run(e, HV_ARRAY_SIZE(e), NULL, 0), -XEN_EINVAL);
    assert_int_equal(diags(MEMMAP_DIAG_WRAP), 2);
    assert_int_equal(res.diags[0].index, 1);
    assert_int_equal(res.diags[1].index, 2);
    assert_true(memmap_diag_is_fatal(MEMMAP_DIAG_WRAP));
    /* Without the two wrapping ones: all reserved (entry 3 covers everything). */
    const struct boot_mmap_entry ok[] = { e[0], e[3], e[4] };
    assert_int_equal(run(ok, 3, NULL, 0), -XEN_ENOMEM);
    assert_int_equal(diags(MEMMAP_DIAG_OVERLAP), 2);
    assert_int_equal(diags(MEMMAP_DIAG_ABOVE_LIMIT), 1);
    assert_int_equal(diag(MEMMAP_DIAG_ABOVE_LIMIT)->index, 2);
    assert_int_equal(diags(MEMMAP_DIAG_NO_USABLE), 1);
}

static void test_zero_length_and_no_usable(void **state)
{
    const struct boot_mmap_entry zero[] = { { MiB, 0, 1 }, { 2 * MiB, 0, 2 } };
    const struct boot_mmap_entry e[] = { { MiB, 0, 1 }, { 2 * MiB, MiB, 1 } };
    const struct boot_mmap_entry small[] = { { 0x1800, 0x1000, 1 }, { 0x5000, 0xfff, 1 } };
    const struct boot_mmap_entry other[] = { { MiB, MiB, 3 }, { 4 * MiB, MiB, 4 },
                                             { 8 * MiB, MiB, 5 }, { 9 * MiB, MiB, 99 },
                                             { 16 * MiB, MiB, 0 } };

    (void)state;
    assert_int_equal(run(zero, 2, NULL, 0), -XEN_ENOMEM);
    assert_int_equal(diags(MEMMAP_DIAG_ZERO_LENGTH), 2);
    assert_int_equal(res.diags[1].index, 1);
    assert_int_equal(res.diags[2].kind, MEMMAP_DIAG_NO_USABLE);
    assert_false(memmap_diag_is_fatal(MEMMAP_DIAG_ZERO_LENGTH));
    assert_true(memmap_diag_is_fatal(MEMMAP_DIAG_NO_USABLE));
    assert_int_equal(run(e, 2, NULL, 0), 0);
    assert_int_equal(res.nr_diags, 1);
    assert_int_equal(diag(MEMMAP_DIAG_ZERO_LENGTH)->index, 0);
    assert_range(0, 2 * MiB, 3 * MiB);
    /* Usable RAM without a whole page. */
    assert_int_equal(run(small, 2, NULL, 0), -XEN_ENOMEM);
    /* ACPI, NVS, bad, unknown types are not usable. */
    assert_int_equal(run(other, HV_ARRAY_SIZE(other), NULL, 0), -XEN_ENOMEM);
    assert_int_equal(res.nr_diags, 1);
}

static void test_overlaps(void **state)
{
    const struct boot_mmap_entry e[] = {
        { 0, 2 * MiB, 1 },
        { MiB + 0x800, 0x800, 2 },
    };
    const struct boot_mmap_entry rev[] = { e[1], e[0] };
    const struct boot_mmap_entry uu[] = {
        { 0x10000, 0x20000, 1 },
        { 0x18000, 0x20000, 1 },
        { 0x40000, 0x10000, 2 },
        { 0x48000, 0x10000, 2 },
    };
    const struct boot_mmap_entry touch[] = {
        { 0x10000, 0x10000, 1 },
        { 0x20000, 0x10000, 2 },
        { 0x30000, 0x10000, 1 },
    };

    (void)state;
    assert_int_equal(run(e, 2, NULL, 0), 0);
    assert_int_equal(res.nr_diags, 1);
    assert_int_equal(diag(MEMMAP_DIAG_OVERLAP)->index, 0);
    assert_int_equal(diag(MEMMAP_DIAG_OVERLAP)->other, 1);
    assert_int_equal(res.nr_ranges, 2);
    assert_range(0, 0, MiB);
    assert_range(1, MiB + 0x1000, 2 * MiB);
    /* Same answer whatever the order. */
    assert_int_equal(run(rev, 2, NULL, 0), 0);
    assert_range(0, 0, MiB);
    assert_range(1, MiB + 0x1000, 2 * MiB);
    /* Usable/usable and reserved/reserved overlaps: warned, merged. */
    assert_int_equal(run(uu, 4, NULL, 0), 0);
    assert_int_equal(diags(MEMMAP_DIAG_OVERLAP), 2);
    assert_int_equal(res.diags[1].index, 2);
    assert_int_equal(res.diags[1].other, 3);
    assert_int_equal(res.nr_ranges, 1);
    assert_range(0, 0x10000, 0x38000);
    /* Touching entries do not overlap. */
    assert_int_equal(run(touch, 3, NULL, 0), 0);
    assert_int_equal(res.nr_diags, 0);
    assert_int_equal(res.nr_ranges, 2);
}

static void test_merge_and_shrink(void **state)
{
    const struct boot_mmap_entry e[] = {
        { 0x5800, 0x1800, 1 },   /* out of order, joined mid-page */
        { 0x1800, 0x4000, 1 },
        { 0x10001, 0x2ffe, 1 },  /* shrinks to [0x11000, 0x12000) */
    };
    const struct memmap_range r[] = {
        { 0x11000, 0x11000 },    /* empty: nothing */
    };

    (void)state;
    assert_int_equal(run(e, 3, r, 1), 0);
    assert_int_equal(res.nr_diags, 0);
    assert_int_equal(res.nr_ranges, 2);
    assert_range(0, 0x2000, 0x7000);
    assert_range(1, 0x11000, 0x12000);
}

static void test_reserved(void **state)
{
    const struct boot_mmap_entry e[] = { { 0, 16 * MiB, 1 } };
    const struct memmap_range bad[] = { { 0, MiB }, { 5 * MiB, 4 * MiB } };
    const struct memmap_range all[] = { { 0, 8 * MiB }, { 8 * MiB - 1, 16 * MiB } };
    const struct memmap_range high[] = { { LIMIT - 4096, UINT64_MAX }, { 0, 0x1001 } };

    (void)state;
    assert_int_equal(run(e, 1, bad, 2), -XEN_EINVAL);
    assert_int_equal(res.nr_diags, 1);
    assert_int_equal(diag(MEMMAP_DIAG_BAD_RESERVED)->index, 1);
    assert_true(memmap_diag_is_fatal(MEMMAP_DIAG_BAD_RESERVED));
    assert_int_equal(run(e, 1, all, 2), -XEN_ENOMEM);
    assert_int_equal(run(e, 1, high, 2), 0);
    assert_range(0, 0x2000, 16 * MiB);
}

static void test_address_limit(void **state)
{
    const struct boot_mmap_entry e[] = {
        { LIMIT - 0x2000, 0x4000, 1 },
        { LIMIT, 0x4000, 1 },
        { LIMIT + 0x10000, 0x4000, 2 },  /* not usable: no warning */
        { LIMIT - 0x1000, 0x1000, 2 },
    };

    (void)state;
    assert_int_equal(run(e, HV_ARRAY_SIZE(e), NULL, 0), 0);
    assert_int_equal(diags(MEMMAP_DIAG_ABOVE_LIMIT), 2);
    assert_int_equal(res.diags[0].index, 0);
    assert_int_equal(diags(MEMMAP_DIAG_OVERLAP), 2);
    assert_int_equal(res.nr_ranges, 1);
    assert_range(0, LIMIT - 0x2000, LIMIT - 0x1000);
    /* Ending exactly at the limit is not above it. */
    const struct boot_mmap_entry at[] = { { LIMIT - 0x2000, 0x2000, 1 } };
    assert_int_equal(run(at, 1, NULL, 0), 0);
    assert_int_equal(res.nr_diags, 0);
}

static void test_output_full(void **state)
{
    static struct boot_mmap_entry e[BOOT_MMAP_MAX];
    static struct memmap_range r[MEMMAP_MAX_RESERVED];
    uint64_t expect = 0;

    (void)state;
    /* 128 entries of 32 KiB; 40 of them split in two by a reserved page. */
    for (uint32_t i = 0; i < BOOT_MMAP_MAX; i++)
        e[i] = (struct boot_mmap_entry){ 0x10000ULL * i, 0x8000, 1 };
    for (uint32_t i = 0; i < MEMMAP_MAX_RESERVED; i++)
        r[i] = (struct memmap_range){ 0x10000ULL * i + 0x4000, 0x10000ULL * i + 0x5000 };
    assert_int_equal(run(e, BOOT_MMAP_MAX, r, MEMMAP_MAX_RESERVED), 0);
    assert_int_equal(res.nr_ranges, MEMMAP_MAX_RANGES);
    assert_int_equal(diags(MEMMAP_DIAG_OUTPUT_FULL), 1);
    assert_false(memmap_diag_is_fatal(MEMMAP_DIAG_OUTPUT_FULL));
    /* 40 split entries give 80 ranges (4 + 3 pages), then 48 whole ones. */
    expect = 40 * 0x7000ULL + 48 * 0x8000ULL;
    assert_int_equal(res.usable_bytes, expect);
    assert_range(127, 0x10000ULL * 87, 0x10000ULL * 87 + 0x8000);
}

static void test_diag_overflow(void **state)
{
    static struct boot_mmap_entry e[21];

    (void)state;
    for (uint32_t i = 0; i < 20; i++)
        e[i] = (struct boot_mmap_entry){ MiB * i, 0, 1 };
    e[20] = (struct boot_mmap_entry){ 0, MiB, 1 };
    assert_int_equal(run(e, 21, NULL, 0), 0);
    assert_int_equal(res.nr_diags, MEMMAP_MAX_DIAGS);
    assert_int_equal(res.diags_dropped, 4);
    assert_int_equal(res.diags[15].index, 15);
}

/* Tiny deterministic generator for the model check. */
static uint64_t rng_state = 0x243f6a8885a308d3ULL;
static uint64_t rng(uint64_t bound)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state % bound;
}

/*
 * Compare with an obviously correct model on a 64-page space in 1 KiB units:
 * a page is usable iff each of its units is covered by a usable entry, by no
 * other entry and by no reserved range.
 */
static void test_against_model(void **state)
{
    enum { UNITS = 256, UNIT = 1024 };

    (void)state;
    for (int iter = 0; iter < 3000; iter++) {
        struct boot_mmap_entry e[8];
        struct memmap_range r[4];
        uint32_t ne = 1 + (uint32_t)rng(8), nr = (uint32_t)rng(5);
        bool usable[UNITS] = { false }, blocked[UNITS] = { false };
        struct memmap_range model[64];
        uint32_t nm = 0;
        int rc;

        for (uint32_t i = 0; i < ne; i++) {
            uint64_t s = rng(UNITS), n = rng(UNITS - s + 1);
            e[i] = (struct boot_mmap_entry){ s * UNIT, n * UNIT, rng(3) ? 1U : 2U };
            for (uint64_t u = s; u < s + n; u++) {
                if (e[i].type == 1)
                    usable[u] = true;
                else
                    blocked[u] = true;
            }
        }
        for (uint32_t j = 0; j < nr; j++) {
            uint64_t s = rng(UNITS), n = rng(UNITS / 4);
            if (s + n > UNITS)
                n = UNITS - s;
            r[j] = (struct memmap_range){ s * UNIT, (s + n) * UNIT };
            for (uint64_t u = s; u < s + n; u++)
                blocked[u] = true;
        }
        for (uint32_t p = 0; p < UNITS / 4; p++) {
            bool ok = true;
            for (uint32_t u = 4 * p; u < 4 * p + 4; u++)
                ok = ok && usable[u] && !blocked[u];
            if (!ok)
                continue;
            if (nm > 0 && model[nm - 1].end == p * 4096ULL)
                model[nm - 1].end += 4096;
            else
                model[nm++] = (struct memmap_range){ p * 4096ULL, (p + 1) * 4096ULL };
        }
        rc = run(e, ne, r, nr);
        if (nm == 0) {
            assert_int_equal(rc, -XEN_ENOMEM);
            continue;
        }
        assert_int_equal(rc, 0);
        assert_int_equal(res.nr_ranges, nm);
        for (uint32_t k = 0; k < nm; k++)
            assert_range(k, model[k].start, model[k].end);
    }
}

static void test_texts(void **state)
{
    (void)state;
    for (int k = 0; k <= MEMMAP_DIAG_KIND_MAX; k++) {
        const char *t = memmap_diag_text((enum memmap_diag_kind)k);
        assert_non_null(t);
        assert_string_not_equal(t, "unknown diagnostic");
        for (int j = 0; j < k; j++)
            assert_string_not_equal(t, memmap_diag_text((enum memmap_diag_kind)j));
    }
    assert_string_equal(memmap_diag_text((enum memmap_diag_kind)500), "unknown diagnostic");
    assert_false(memmap_diag_is_fatal(MEMMAP_DIAG_NONE));
    assert_true(memmap_diag_is_fatal(MEMMAP_DIAG_NO_MAP));
    assert_false(memmap_diag_is_fatal(MEMMAP_DIAG_OVERLAP));
    assert_false(memmap_diag_is_fatal((enum memmap_diag_kind)500));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_typical_pc),
        cmocka_unit_test(test_fatal_inputs),
        cmocka_unit_test(test_wrap),
        cmocka_unit_test(test_zero_length_and_no_usable),
        cmocka_unit_test(test_overlaps),
        cmocka_unit_test(test_merge_and_shrink),
        cmocka_unit_test(test_reserved),
        cmocka_unit_test(test_address_limit),
        cmocka_unit_test(test_output_full),
        cmocka_unit_test(test_diag_overflow),
        cmocka_unit_test(test_against_model),
        cmocka_unit_test(test_texts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
