// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the PVH ACPI table builder (src/arch/x86_64/acpi_build.c).
 * The tables are parsed back by a small checker written here from the ACPI
 * layouts, not from the builder's constants: it follows the pointers from
 * the RSDP as a guest would, and checks every signature, length, checksum
 * and pointer, and the MADT entry by entry.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdbool.h>
#include <string.h>

#include "hv/acpi_build.h"
#include "xen/errno.h"

#define PAGE 4096U
#define FILL 0xA5U

static uint8_t page[2 * PAGE];

static uint32_t rd16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t rd32(const uint8_t *p) { return rd16(p) | rd16(p + 2) << 16; }
static uint64_t rd64(const uint8_t *p) { return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32; }

static unsigned sum8(const uint8_t *p, size_t n)
{
    unsigned s = 0;
    for (size_t i = 0; i < n; i++)
        s += p[i];
    return s & 0xFFU;
}

/* What the checker learnt, for the tests to look at. */
struct parsed {
    const uint8_t *rsdp, *xsdt, *fadt, *dsdt, *madt;
    uint32_t nr_lapics;
    uint32_t apic_id[256], uid[256], flags[256];
    uint32_t nr_other_entries;
};

/*
 * The checker reports the first broken rule and returns false (rather than
 * failing the test itself), so that a test can also show it catches damage.
 */
static bool quiet;
#define CHECK(c)                                                                   \
    do {                                                                           \
        if (!(c)) {                                                                \
            if (!quiet)                                                            \
                print_message("ACPI check failed, line %d: %s\n", __LINE__, #c);   \
            return false;                                                          \
        }                                                                          \
    } while (0)

/*
 * A guest-physical range [gpa, gpa + len) inside the buffer the guest sees
 * at base: its host address, or NULL.
 */
static const uint8_t *in_buf(const uint8_t *buf, size_t size, uint64_t base, uint64_t gpa,
                             uint64_t len)
{
    if (gpa < base || gpa - base > size || len > size - (gpa - base))
        return NULL;
    return buf + (gpa - base);
}

/* A described table at gpa: inside the buffer, the signature, its length fits, checksum 0. */
static bool check_table(const uint8_t *buf, size_t size, uint64_t base, uint64_t gpa,
                        const char *sig, const uint8_t **out)
{
    const uint8_t *t = in_buf(buf, size, base, gpa, 36);

    CHECK(t != NULL);
    CHECK(memcmp(t, sig, 4) == 0);
    CHECK(rd32(t + 4) >= 36);
    CHECK(in_buf(buf, size, base, gpa, rd32(t + 4)) != NULL);
    CHECK(sum8(t, rd32(t + 4)) == 0);
    *out = t;
    return true;
}

static bool all_zero(const uint8_t *p, uint32_t from, uint32_t to)
{
    for (uint32_t off = from; off < to; off++)
        if (p[off] != 0)
            return false;
    return true;
}

static bool check_xsdt(const uint8_t *buf, size_t size, uint64_t base, struct parsed *p)
{
    CHECK(check_table(buf, size, base, rd64(p->rsdp + 24), "XSDT", &p->xsdt));
    CHECK((rd32(p->xsdt + 4) - 36) % 8 == 0);
    for (uint32_t off = 36; off < rd32(p->xsdt + 4); off += 8) {
        uint64_t at = rd64(p->xsdt + off);
        const uint8_t *t = in_buf(buf, size, base, at, 36);

        CHECK(t != NULL);
        if (memcmp(t, "FACP", 4) == 0) {
            CHECK(p->fadt == NULL);
            CHECK(check_table(buf, size, base, at, "FACP", &p->fadt));
        } else {
            CHECK(p->madt == NULL);
            CHECK(check_table(buf, size, base, at, "APIC", &p->madt));
        }
    }
    CHECK(p->fadt != NULL && p->madt != NULL);
    return true;
}

/* ACPI 6 length, revision >= 5, hardware-reduced, nothing legacy, DSDT and X_DSDT agree. */
static bool check_fadt(const uint8_t *buf, size_t size, uint64_t base, struct parsed *p)
{
    const uint8_t *f = p->fadt;

    CHECK(rd32(f + 4) == 276);
    CHECK(f[8] >= 5);
    CHECK(rd32(f + 112) & (1U << 20));
    CHECK(rd32(f + 36) == 0 && rd64(f + 132) == 0);             /* no FACS */
    CHECK(rd64(f + 140) == rd32(f + 40));
    CHECK(rd16(f + 46) == 0 && rd32(f + 48) == 0);              /* SCI_INT, SMI_CMD */
    CHECK(all_zero(f, 56, 96));                                 /* PM1/PM2/PM_TMR/GPE blocks */
    CHECK(all_zero(f, 116, 129));                               /* RESET_REG, RESET_VALUE */
    CHECK(all_zero(f, 148, 268));                               /* X_ blocks, sleep registers */
    CHECK(rd16(f + 109) == ((1U << 2) | (1U << 5)));            /* no VGA, no CMOS RTC */
    CHECK(check_table(buf, size, base, rd64(f + 140), "DSDT", &p->dsdt));
    CHECK(p->dsdt[8] >= 2);
    return true;
}

/* LAPIC address, no PCAT_COMPAT, entries walked by their lengths to the end. */
static bool check_madt(struct parsed *p)
{
    const uint8_t *m = p->madt;
    uint32_t len = rd32(m + 4);

    CHECK(rd32(m + 36) == 0xFEE00000U);
    CHECK(rd32(m + 40) == 0);
    for (uint32_t off = 44; off < len;) {
        const uint8_t *e = m + off;

        CHECK(off + 2 <= len);
        CHECK(e[1] >= 2 && off + e[1] <= len);
        if (e[0] == 0) {
            CHECK(e[1] == 8 && p->nr_lapics < 256);
            p->uid[p->nr_lapics] = e[2];
            p->apic_id[p->nr_lapics] = e[3];
            p->flags[p->nr_lapics] = rd32(e + 4);
            p->nr_lapics++;
        } else {
            p->nr_other_entries++;
        }
        off += e[1];
    }
    return true;
}

/* The whole set, from the RSDP as a guest finds it. */
static bool check_all(const uint8_t *buf, size_t size, uint64_t base, uint64_t rsdp_gpa,
                      struct parsed *p)
{
    memset(p, 0, sizeof(*p));
    p->rsdp = in_buf(buf, size, base, rsdp_gpa, 36);
    CHECK(p->rsdp != NULL);
    CHECK(rsdp_gpa % 16 == 0);
    CHECK(memcmp(p->rsdp, "RSD PTR ", 8) == 0);
    CHECK(sum8(p->rsdp, 20) == 0);
    CHECK(p->rsdp[15] == 2);
    CHECK(rd32(p->rsdp + 20) == 36);
    CHECK(sum8(p->rsdp, 36) == 0);
    CHECK(rd32(p->rsdp + 16) == 0);                             /* no RSDT */
    CHECK(check_xsdt(buf, size, base, p));
    CHECK(check_fadt(buf, size, base, p));
    CHECK(check_madt(p));
    return true;
}

/* Build for n vCPUs at gpa in page[] with size bytes, check, and check nothing beyond was touched. */
static void build_and_check(uint32_t n, uint64_t gpa, size_t size)
{
    static struct parsed p;
    uint64_t rsdp = 0;
    size_t used = 0;

    memset(page, FILL, sizeof(page));
    assert_int_equal(acpi_build(page, size, gpa, n, &rsdp, &used), 0);
    assert_int_equal(used, 492 + 8 * n);
    assert_true(used <= size);
    assert_int_equal(rsdp, gpa);
    for (size_t k = used; k < sizeof(page); k++)
        assert_int_equal(page[k], FILL);

    assert_true(check_all(page, used, gpa, rsdp, &p));
    assert_int_equal(p.nr_lapics, n);
    assert_int_equal(p.nr_other_entries, 0);                    /* no I/O APIC, no overrides */
    for (uint32_t i = 0; i < n; i++) {
        assert_int_equal(p.uid[i], i);
        assert_int_equal(p.apic_id[i], 2 * i);
        assert_int_equal(p.flags[i], 1);
    }
    /* Every table lies in the used part, every table below 4 GiB. */
    assert_true(gpa + used <= ACPI_BUILD_GPA_LIMIT);
}

static void test_one_vcpu(void **state)
{
    (void)state;
    build_and_check(1, 0x1FFFF000ULL, PAGE);
}

static void test_two_vcpus(void **state)
{
    (void)state;
    build_and_check(2, 0x00200010ULL, PAGE);
}

static void test_max_vcpus(void **state)
{
    (void)state;
    build_and_check(ACPI_BUILD_MAX_VCPUS, 0xBFFFF000ULL, PAGE);
    /* The last APIC id is 254: 255 would be the broadcast id. */
    assert_int_equal(page[ACPI_BUILD_SIZE(ACPI_BUILD_MAX_VCPUS) - 5], 254);
}

static void test_every_vcpu_count(void **state)
{
    (void)state;
    for (uint32_t n = 1; n <= ACPI_BUILD_MAX_VCPUS; n++)
        build_and_check(n, 0x1000ULL * n, ACPI_BUILD_SIZE(n));
}

static void test_top_of_4g(void **state)
{
    uint64_t rsdp;
    size_t used;

    (void)state;
    /* The last aligned place where the tables still end at or below 4 GiB. */
    build_and_check(3, (ACPI_BUILD_GPA_LIMIT - (492 + 24)) & ~15ULL, PAGE);
    memset(page, FILL, sizeof(page));
    assert_int_equal(acpi_build(page, PAGE, ACPI_BUILD_GPA_LIMIT - 512, 1, &rsdp, &used), 0);
    assert_int_equal(acpi_build(page, PAGE, ACPI_BUILD_GPA_LIMIT - 496, 1, &rsdp, &used),
                     -XEN_EINVAL);
    assert_int_equal(acpi_build(page, PAGE, ACPI_BUILD_GPA_LIMIT, 1, &rsdp, &used), -XEN_EINVAL);
    assert_int_equal(acpi_build(page, PAGE, 0xFFFFFFFFFFFFFFF0ULL, 1, &rsdp, &used), -XEN_EINVAL);
}

static void test_too_small(void **state)
{
    uint64_t rsdp = 7;
    size_t used = 0;

    (void)state;
    for (uint32_t n = 1; n <= ACPI_BUILD_MAX_VCPUS; n += 127) {
        size_t need = 492 + 8 * n;

        rsdp = 7;
        memset(page, FILL, sizeof(page));
        assert_int_equal(acpi_build(page, need - 1, 0x1000, n, &rsdp, &used), -XEN_ENOSPC);
        assert_int_equal(used, need);
        assert_int_equal(rsdp, 7);
        for (size_t k = 0; k < sizeof(page); k++)
            assert_int_equal(page[k], FILL);
        assert_int_equal(acpi_build(page, 36, 0x1000, n, &rsdp, &used), -XEN_ENOSPC);
        assert_int_equal(acpi_build(NULL, 0, 0x1000, n, &rsdp, &used), -XEN_ENOSPC);
        assert_int_equal(used, need);
        assert_int_equal(acpi_build(page, need, 0x1000, n, &rsdp, &used), 0);
    }
}

static void test_bad_arguments(void **state)
{
    uint64_t rsdp = 7;
    size_t used = 9;

    (void)state;
    memset(page, FILL, sizeof(page));
    assert_int_equal(acpi_build(page, PAGE, 0x1000, 0, &rsdp, &used), -XEN_EINVAL);
    assert_int_equal(acpi_build(page, PAGE, 0x1000, ACPI_BUILD_MAX_VCPUS + 1, &rsdp, &used),
                     -XEN_EINVAL);
    assert_int_equal(acpi_build(page, PAGE, 0x1000, UINT32_MAX, &rsdp, &used), -XEN_EINVAL);
    for (uint64_t mis = 1; mis < 16; mis++)
        assert_int_equal(acpi_build(page, PAGE, 0x1000 + mis, 1, &rsdp, &used), -XEN_EINVAL);
    /* A bad argument wins over a small buffer, and nothing is written. */
    assert_int_equal(acpi_build(page, 0, 0x1008, 1, &rsdp, &used), -XEN_EINVAL);
    assert_int_equal(rsdp, 7);
    assert_int_equal(used, 9);
    for (size_t k = 0; k < sizeof(page); k++)
        assert_int_equal(page[k], FILL);
}

static void test_checker_catches_damage(void **state)
{
    static struct parsed p;
    uint64_t rsdp;
    size_t used;
    static const uint32_t offs[] = {
        0, 8, 15, 20, 24, 32, ACPI_XSDT_OFF + 4, ACPI_XSDT_OFF + 40, ACPI_FADT_OFF + 9,
        ACPI_FADT_OFF + 112, ACPI_DSDT_OFF, ACPI_MADT_OFF + 36, ACPI_MADT_OFF + 47,
    };

    (void)state;
    for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
        assert_int_equal(acpi_build(page, PAGE, 0x2000, 2, &rsdp, &used), 0);
        assert_true(check_all(page, used, 0x2000, rsdp, &p));
        page[offs[i]] ^= 0x40;
        quiet = true;
        assert_false(check_all(page, used, 0x2000, rsdp, &p));
        quiet = false;
    }
}

static void test_layout_constants(void **state)
{
    (void)state;
    assert_int_equal(ACPI_BUILD_SIZE(ACPI_BUILD_MAX_VCPUS), 1516);
    assert_true(ACPI_BUILD_SIZE(ACPI_BUILD_MAX_VCPUS) <= PAGE);
    assert_true(ACPI_RSDP_OFF + ACPI_RSDP_LEN <= ACPI_XSDT_OFF);
    assert_true(ACPI_XSDT_OFF + ACPI_XSDT_LEN <= ACPI_FADT_OFF);
    assert_true(ACPI_FADT_OFF + ACPI_FADT_LEN <= ACPI_DSDT_OFF);
    assert_true(ACPI_DSDT_OFF + ACPI_DSDT_LEN <= ACPI_MADT_OFF);
    assert_int_equal(ACPI_XSDT_OFF % 16 + ACPI_FADT_OFF % 16 + ACPI_DSDT_OFF % 16 +
                     ACPI_MADT_OFF % 16, 0);
}

static void test_header_fields(void **state)
{
    uint64_t rsdp;
    size_t used;
    static const uint32_t tables[] = { ACPI_XSDT_OFF, ACPI_FADT_OFF, ACPI_DSDT_OFF, ACPI_MADT_OFF };

    (void)state;
    assert_int_equal(acpi_build(page, PAGE, 0x3000, 4, &rsdp, &used), 0);
    assert_memory_equal(page + 9, "XENOLI", 6);
    for (size_t i = 0; i < 4; i++) {
        const uint8_t *t = page + tables[i];

        assert_memory_equal(t + 10, "XENOLI", 6);
        assert_memory_equal(t + 16, "XENOLITH", 8);
        assert_memory_equal(t + 28, "XNLT", 4);
    }
    assert_int_equal(page[ACPI_FADT_OFF + 8], 6);
    assert_int_equal(page[ACPI_FADT_OFF + 131], 5);
    assert_int_equal(page[ACPI_MADT_OFF + 8], 5);
    assert_int_equal(page[ACPI_XSDT_OFF + 8], 1);
    assert_int_equal(rd32(page + ACPI_FADT_OFF + 112), 0x100035);
    assert_int_equal(rd32(page + ACPI_FADT_OFF + 40), 0x3000 + ACPI_DSDT_OFF);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_vcpu),
        cmocka_unit_test(test_two_vcpus),
        cmocka_unit_test(test_max_vcpus),
        cmocka_unit_test(test_every_vcpu_count),
        cmocka_unit_test(test_top_of_4g),
        cmocka_unit_test(test_too_small),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_checker_catches_damage),
        cmocka_unit_test(test_layout_constants),
        cmocka_unit_test(test_header_fields),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
