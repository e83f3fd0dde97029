// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of copy_{from,to}_guest_{phys,linear}: page crossing, every
 * failure path, the all-or-nothing rule (guest memory and dst compared
 * byte for byte with a snapshot), A/D bits, 32-bit wrap, canonical
 * boundaries, length bounds.  Every copy is also replayed on the reference
 * model (sim/ref_walk.c) and the resulting machine memory must match.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "gw_builder.h"
#include "hv/guest_copy.h"
#include "xen/errno.h"

#define FRAMES   600U
#define GFN_BASE 64U
#define NR_GFNS  520U

static struct gwb B;
static struct guest_paging gp;
static uint8_t before[FRAMES * PAGE_SIZE];
static uint8_t after_core[FRAMES * PAGE_SIZE];
static uint8_t buf[GUEST_COPY_MAX + 2 * PAGE_SIZE];
static uint8_t buf_core[GUEST_COPY_MAX + 2 * PAGE_SIZE];

#define RWU 0x7ULL
#define A_BIT (1ULL << 5)
#define D_BIT (1ULL << 6)
#define PS_BIT (1ULL << 7)

static void machine(void)
{
    sim_reset(FRAMES);
    gwb_init(&B, 1, GFN_BASE, PTE_FORMAT_NPT);
    for (gfn_t g = 0; g < NR_GFNS; g++)
        gwb_map(&B, g, GFN_BASE + g, P2M_ACCESS_RWX);
    /* Data frames 16.. hold a recognisable pattern. */
    for (gfn_t g = 16; g < NR_GFNS; g++)
        for (unsigned i = 0; i < PAGE_SIZE; i++)
            sim_frame(GFN_BASE + g)[i] = (uint8_t)(g * 7 + i);
}

/*
 * Long mode: PML4 gfn 1, PDPT gfn 2, PD gfn 3, PT gfn 4.  Linear page
 * 0x400000 + n*4096 maps guest frame 16 + n for n < 512 (PT entries),
 * all P|RW|US, A/D clear.
 */
static void long_mode_tables(void)
{
    gp = (struct guest_paging){ .cr0 = GW_CR0_PG | GW_CR0_WP | 1, .cr3 = 0x1000,
                                .cr4 = GW_CR4_PAE, .efer = GW_EFER_LMA | GW_EFER_NXE,
                                .cpl = 0, .maxphyaddr = 48 };
    gwb_put64(&B, 0x1000, 0x2000 | RWU);
    gwb_put64(&B, 0x2000, 0x3000 | RWU);
    gwb_put64(&B, 0x3000 + 2 * 8, 0x4000 | RWU);
    for (unsigned n = 0; n < 500; n++)
        gwb_put64(&B, 0x4000 + n * 8, ((16ULL + n) << 12) | RWU);
}

static int setup(void **state)
{
    (void)state;
    machine();
    long_mode_tables();
    return 0;
}

#define LIN(n) (0x400000ULL + (uint64_t)(n) * PAGE_SIZE)
#define PTE(n) (0x4000ULL + (uint64_t)(n) * 8)

enum op { FROM_PHYS, TO_PHYS, FROM_LIN, TO_LIN };

/*
 * Run one copy on the core and on the reference from the same machine
 * state; both must agree on the result, on all of machine memory and on
 * the buffer.  On failure, machine memory (and for copy_from, the buffer)
 * must be exactly as before.  Leaves the core's result in memory and buf.
 */
static int copy(enum op op, uint64_t addr, size_t len)
{
    struct ref_npt npt = gwb_ref_npt(&B.p2m);
    struct ref_cpu cpu = gwb_ref_cpu(&gp);
    int rc, ref_rc;

    memcpy(before, sim_frame(0), sizeof(before));
    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = (uint8_t)(0xA5 ^ i);
    memcpy(buf_core, buf, sizeof(buf));
    switch (op) {
    case FROM_PHYS: rc = copy_from_guest_phys(&B.p2m, buf_core, addr, len); break;
    case TO_PHYS: rc = copy_to_guest_phys(&B.p2m, addr, buf_core, len); break;
    case FROM_LIN: rc = copy_from_guest_linear(&B.p2m, &gp, buf_core, addr, len); break;
    default: rc = copy_to_guest_linear(&B.p2m, &gp, addr, buf_core, len); break;
    }
    assert_true(rc == 0 || rc == -XEN_EFAULT);
    memcpy(after_core, sim_frame(0), sizeof(after_core));
    if (rc != 0) {
        assert_memory_equal(before, after_core, sizeof(before));
        for (size_t i = 0; i < sizeof(buf); i++)
            assert_int_equal(buf_core[i], buf[i]);
    }
    memcpy(sim_frame(0), before, sizeof(before));
    ref_rc = ref_copy(&npt, op == FROM_PHYS || op == TO_PHYS ? NULL : &cpu, addr, buf, len,
                      op == TO_PHYS || op == TO_LIN);
    assert_int_equal(rc == 0, ref_rc == 0);
    assert_memory_equal(after_core, sim_frame(0), sizeof(after_core));
    assert_memory_equal(buf_core, buf, sizeof(buf));
    return rc;
}

static uint8_t guest_byte(uint64_t gpa)
{
    return *gwb_gpa_ptr(&B, gpa);
}

/* ---- guest-physical ---------------------------------------------------------------------- */

static void test_phys_roundtrip_across_pages(void **state)
{
    (void)state;
    assert_int_equal(copy(FROM_PHYS, 0x10F00, 0x300), 0);
    for (unsigned i = 0; i < 0x300; i++)
        assert_int_equal(buf_core[i], guest_byte(0x10F00 + i));
    assert_int_equal(copy(TO_PHYS, 0x20FFF, 2 * PAGE_SIZE + 2), 0);
    for (unsigned i = 0; i < 2 * PAGE_SIZE + 2; i++)
        assert_int_equal(guest_byte(0x20FFF + i), (uint8_t)(0xA5 ^ i));
}

static void test_len_zero_touches_nothing(void **state)
{
    (void)state;
    assert_int_equal(copy(FROM_PHYS, 0xFFFFFFFFFFFFF000ULL, 0), 0);
    assert_int_equal(copy(TO_PHYS, 0xFFFFFFFFFFFFF000ULL, 0), 0);
    assert_int_equal(copy(FROM_LIN, 0x8000000000000000ULL, 0), 0);
    assert_int_equal(copy(TO_LIN, 0x8000000000000000ULL, 0), 0);
}

static void test_huge_len(void **state)
{
    (void)state;
    /* Exactly the maximum, not page aligned: 257 pages, all mapped. */
    assert_int_equal(copy(FROM_PHYS, 0x10800, GUEST_COPY_MAX), 0);
    assert_int_equal(copy(TO_LIN, LIN(1) + 0x800, GUEST_COPY_MAX), 0);
    assert_int_equal(copy(FROM_PHYS, 0x10000, GUEST_COPY_MAX + 1), -XEN_EFAULT);
    assert_int_equal(copy(TO_PHYS, 0x10000, GUEST_COPY_MAX + 1), -XEN_EFAULT);
    assert_int_equal(copy(FROM_LIN, LIN(0), GUEST_COPY_MAX + 1), -XEN_EFAULT);
    assert_int_equal(copy(TO_LIN, LIN(0), GUEST_COPY_MAX + 1), -XEN_EFAULT);
    assert_int_equal(copy_from_guest_phys(&B.p2m, buf, 0x10000, SIZE_MAX), -XEN_EFAULT);
}

static void test_phys_second_page_fails(void **state)
{
    (void)state;
    gwb_unmap(&B, 0x21);
    assert_int_equal(copy(FROM_PHYS, 0x20800, PAGE_SIZE), -XEN_EFAULT);
    assert_int_equal(copy(TO_PHYS, 0x20800, PAGE_SIZE), -XEN_EFAULT);
    /* Read-only in the p2m: reads work, writes fail whole. */
    gwb_map(&B, 0x21, GFN_BASE + 0x21, P2M_ACCESS_R);
    assert_int_equal(copy(FROM_PHYS, 0x20800, PAGE_SIZE), 0);
    assert_int_equal(copy(TO_PHYS, 0x20800, PAGE_SIZE), -XEN_EFAULT);
    /* Mapped to a frame beyond machine memory. */
    gwb_map(&B, 0x21, FRAMES + 10, P2M_ACCESS_RWX);
    assert_int_equal(copy(FROM_PHYS, 0x20800, PAGE_SIZE), -XEN_EFAULT);
    /* Wrapping past 2^64 and beyond the p2m's reach. */
    assert_int_equal(copy(FROM_PHYS, 0xFFFFFFFFFFFFFF00ULL, 0x200), -XEN_EFAULT);
    assert_int_equal(copy(TO_PHYS, 0x1000000000000ULL, 1), -XEN_EFAULT);
}

/* ---- guest-linear ----------------------------------------------------------------------------- */

static void test_linear_roundtrip_sets_ad(void **state)
{
    (void)state;
    assert_int_equal(copy(FROM_LIN, LIN(3) + 0xF00, 0x200), 0);
    for (unsigned i = 0; i < 0x200; i++)
        assert_int_equal(buf_core[i], guest_byte(((16ULL + 3) << 12) + 0xF00 + i));
    assert_int_equal(gwb_get64(&B, PTE(3)) & (A_BIT | D_BIT), A_BIT);
    assert_int_equal(gwb_get64(&B, PTE(4)) & (A_BIT | D_BIT), A_BIT);
    assert_int_equal(gwb_get64(&B, PTE(5)) & A_BIT, 0);
    assert_int_equal(copy(TO_LIN, LIN(7) + 0x10, PAGE_SIZE), 0);
    assert_int_equal(gwb_get64(&B, PTE(7)) & (A_BIT | D_BIT), A_BIT | D_BIT);
    assert_int_equal(gwb_get64(&B, PTE(8)) & (A_BIT | D_BIT), A_BIT | D_BIT);
    for (unsigned i = 0; i < PAGE_SIZE; i++)
        assert_int_equal(guest_byte(((16ULL + 7) << 12) + 0x10 + i), (uint8_t)(0xA5 ^ i));
    /* Second time: nothing pending, same data path. */
    assert_int_equal(copy(TO_LIN, LIN(7) + 0x10, PAGE_SIZE), 0);
}

static void test_linear_second_page_fails_writes_nothing(void **state)
{
    (void)state;
    /* Not present. */
    gwb_put64(&B, PTE(11), 0);
    assert_int_equal(copy(TO_LIN, LIN(10) + 0x800, PAGE_SIZE), -XEN_EFAULT);
    assert_int_equal(copy(FROM_LIN, LIN(10) + 0x800, PAGE_SIZE), -XEN_EFAULT);
    assert_int_equal(gwb_get64(&B, PTE(10)) & A_BIT, 0);
    /* Read-only PTE: copy_from works, copy_to fails. */
    gwb_put64(&B, PTE(11), (27ULL << 12) | 0x5);
    assert_int_equal(copy(FROM_LIN, LIN(10) + 0x800, PAGE_SIZE), 0);
    assert_int_equal(copy(TO_LIN, LIN(10) + 0x800, PAGE_SIZE), -XEN_EFAULT);
    /* Data page read-only in the p2m. */
    gwb_put64(&B, PTE(11), (27ULL << 12) | RWU);
    gwb_map(&B, 27, GFN_BASE + 27, P2M_ACCESS_R);
    assert_int_equal(copy(TO_LIN, LIN(10) + 0x800, PAGE_SIZE), -XEN_EFAULT);
    /* Data page unmapped in the p2m. */
    gwb_unmap(&B, 27);
    assert_int_equal(copy(FROM_LIN, LIN(10) + 0x800, PAGE_SIZE), -XEN_EFAULT);
    /* Table page read-only in the p2m while A must be set: nested fault, nothing written. */
    gwb_map(&B, 27, GFN_BASE + 27, P2M_ACCESS_RWX);
    gwb_map(&B, 4, GFN_BASE + 4, P2M_ACCESS_R);
    assert_int_equal(copy(FROM_LIN, LIN(10) + 0x800, PAGE_SIZE), -XEN_EFAULT);
    gwb_put64(&B, PTE(10), (26ULL << 12) | RWU | A_BIT);
    gwb_put64(&B, PTE(11), (27ULL << 12) | RWU | A_BIT);
    assert_int_equal(copy(FROM_LIN, LIN(10) + 0x800, PAGE_SIZE), 0);
}

static void test_linear_user_access(void **state)
{
    (void)state;
    gp.cpl = 3;
    gwb_put64(&B, PTE(21), (37ULL << 12) | 0x3);   /* supervisor page */
    assert_int_equal(copy(FROM_LIN, LIN(20), 2 * PAGE_SIZE), -XEN_EFAULT);
    assert_int_equal(copy(FROM_LIN, LIN(20), PAGE_SIZE), 0);
    gp.cpl = 0;
    assert_int_equal(copy(FROM_LIN, LIN(20), 2 * PAGE_SIZE), 0);
    /* Supervisor copies obey SMAP like the guest kernel would (AC clear). */
    gp.cr4 |= GW_CR4_SMAP;
    assert_int_equal(copy(FROM_LIN, LIN(20), PAGE_SIZE), -XEN_EFAULT);
    gp.rflags = GW_RFLAGS_AC;
    assert_int_equal(copy(TO_LIN, LIN(20), PAGE_SIZE), 0);
}

static void test_linear_canonical_boundary(void **state)
{
    (void)state;
    /* The first page is fine, the second is non-canonical: nothing happens. */
    gwb_put64(&B, 0x1000 + 255 * 8, 0x2000 | RWU);
    gwb_put64(&B, 0x2000 + 511 * 8, 0x3000 | RWU);
    gwb_put64(&B, 0x3000 + 511 * 8, 0x4000 | RWU);
    gwb_put64(&B, 0x4000 + 511 * 8, (30ULL << 12) | RWU);
    assert_int_equal(copy(FROM_LIN, 0x00007FFFFFFFF000ULL, PAGE_SIZE), 0);
    assert_int_equal(copy(TO_LIN, 0x00007FFFFFFFF800ULL, PAGE_SIZE), -XEN_EFAULT);
    assert_int_equal(copy(FROM_LIN, 0x0000800000000000ULL, 1), -XEN_EFAULT);
}

static void test_32bit_wrap(void **state)
{
    (void)state;
    /* 32-bit paging, PD gfn 10 (0xA000), PTs gfn 11 (top) and 12 (bottom). */
    gp = (struct guest_paging){ .cr0 = GW_CR0_PG | 1, .cr3 = 0xA000, .maxphyaddr = 36 };
    gwb_put32(&B, 0xA000 + 1023 * 4, 0xB000 | RWU);
    gwb_put32(&B, 0xB000 + 1023 * 4, (40U << 12) | RWU);
    gwb_put32(&B, 0xA000, 0xC000 | RWU);
    gwb_put32(&B, 0xC000, (41U << 12) | RWU);
    assert_int_equal(copy(TO_LIN, 0xFFFFF800ULL, PAGE_SIZE), 0);
    for (unsigned i = 0; i < 0x800; i++) {
        assert_int_equal(guest_byte((40ULL << 12) + 0x800 + i), (uint8_t)(0xA5 ^ i));
        assert_int_equal(guest_byte((41ULL << 12) + i), (uint8_t)(0xA5 ^ (0x800 + i)));
    }
    assert_int_equal(gwb_get32(&B, 0xC000) & (A_BIT | D_BIT), A_BIT | D_BIT);
    /* Paging off wraps the same way: linear = physical, 32 bits. */
    gp.cr0 = 1;
    assert_int_equal(copy(FROM_LIN, 0xFFFFFFFFULL, 2), -XEN_EFAULT);   /* gfn 0xFFFFF unmapped */
    assert_int_equal(copy(FROM_LIN, 0x100000000ULL + 0x20000, 16), 0);
    assert_int_equal(buf_core[0], guest_byte(0x20000));
}

static void test_copy_to_own_page_tables(void **state)
{
    (void)state;
    /*
     * Linear page 30 maps the PT itself (gfn 4); the copy's second page (31)
     * goes where the PT said before the copy, although the copy's first page
     * rewrites PTE 31 on the way.
     */
    gwb_put64(&B, PTE(30), (4ULL << 12) | RWU);
    assert_int_equal(copy(TO_LIN, LIN(30), 2 * PAGE_SIZE), 0);
    assert_int_equal(guest_byte((16ULL + 31) << 12), (uint8_t)(0xA5 ^ PAGE_SIZE));
}

static void test_pae_alias_copy(void **state)
{
    (void)state;
    /* The PDPT-alias layout of test_guest_walk: both pages translated before any A bit is set. */
    gp = (struct guest_paging){ .cr0 = GW_CR0_PG | 1, .cr3 = 0x7FE0, .cr4 = GW_CR4_PAE,
                                .maxphyaddr = 36 };
    gwb_put64(&B, 0x7FF0, 0x7000 | 1);
    gwb_put64(&B, 0x7FF8, 0xD000 | 1);
    gwb_put64(&B, 0xDFF8, 0xE000 | 1);
    gwb_put64(&B, 0xD000, 0xF000 | 1);
    gwb_put64(&B, 0xF000, 0x10000 | 1);
    assert_int_equal(copy(FROM_LIN, 0xBFFFF800ULL, PAGE_SIZE), 0);
    assert_int_equal(buf_core[0], guest_byte(0xE800));
    assert_int_equal(buf_core[0x800], guest_byte(0x10000));
    assert_int_equal(copy(FROM_LIN, 0xC0000000ULL, 1), -XEN_EFAULT);
}

/* Pages in two 2 MiB regions: the second region's walk reuses the upper levels. */
static void test_linear_across_regions(void **state)
{
    (void)state;
    /* PD[3] -> PT gfn 6: linear 0x600000 + n*4096 -> gfn 200 + n. */
    gwb_put64(&B, 0x3000 + 3 * 8, 0x6000 | RWU);
    for (unsigned n = 0; n < 8; n++)
        gwb_put64(&B, 0x6000 + n * 8, ((200ULL + n) << 12) | RWU);
    for (unsigned n = 500; n < 512; n++)
        gwb_put64(&B, PTE(n), ((uint64_t)(n - 470) << 12) | RWU);    /* gfns 30..41 */
    assert_int_equal(copy(TO_LIN, LIN(510) + 0x100, 3 * PAGE_SIZE), 0);
    assert_int_equal(guest_byte((41ULL << 12)), (uint8_t)(0xA5 ^ 0xF00));
    assert_int_equal(guest_byte(200ULL << 12), (uint8_t)(0xA5 ^ 0x1F00));
    assert_int_equal(gwb_get64(&B, 0x6000 + 8) & (A_BIT | D_BIT), A_BIT | D_BIT);
    assert_int_equal(gwb_get64(&B, 0x3000 + 3 * 8) & A_BIT, A_BIT);
    assert_int_equal(copy(FROM_LIN, LIN(500), 21 * PAGE_SIZE), -XEN_EFAULT);  /* 0x608000: none */
    assert_int_equal(copy(FROM_LIN, LIN(500), 20 * PAGE_SIZE), 0);
    /* The second region's PDE not present: the first pages' A bits stay clear. */
    gwb_put64(&B, 0x3000 + 3 * 8, 0);
    gwb_put64(&B, PTE(509), (39ULL << 12) | RWU);
    assert_int_equal(copy(TO_LIN, LIN(509), 4 * PAGE_SIZE), -XEN_EFAULT);
    assert_int_equal(gwb_get64(&B, PTE(509)) & (A_BIT | D_BIT), 0);
}

/* A/D updates: kept in the plan (few), or found again in pass 2 (many). */
static void test_linear_many_ad_updates(void **state)
{
    (void)state;
    assert_int_equal(copy(TO_LIN, LIN(40), 12 * PAGE_SIZE), 0);   /* 3 + 12 updates */
    for (unsigned n = 40; n < 52; n++)
        assert_int_equal(gwb_get64(&B, PTE(n)) & (A_BIT | D_BIT), A_BIT | D_BIT);
    assert_int_equal(gwb_get64(&B, PTE(52)) & A_BIT, 0);
    assert_int_equal(copy(TO_LIN, LIN(60) + 1, 20 * PAGE_SIZE), 0); /* 21 pages: too many to keep */
    for (unsigned n = 60; n < 81; n++)
        assert_int_equal(gwb_get64(&B, PTE(n)) & (A_BIT | D_BIT), A_BIT | D_BIT);
    assert_int_equal(gwb_get64(&B, PTE(81)) & A_BIT, 0);
    /* Reads: A only; the pages written before keep their D. */
    assert_int_equal(copy(FROM_LIN, LIN(70), 30 * PAGE_SIZE), 0);
    assert_int_equal(gwb_get64(&B, PTE(99)) & (A_BIT | D_BIT), A_BIT);
    assert_int_equal(gwb_get64(&B, PTE(70)) & (A_BIT | D_BIT), A_BIT | D_BIT);
}

/* A guest 2 MiB page: one walk serves every page of the copy. */
static void test_linear_large_guest_page(void **state)
{
    (void)state;
    gwb_put64(&B, 0x3000 + 4 * 8, 0x0 | PS_BIT | RWU);           /* 0x800000 -> gpa 0 */
    assert_int_equal(copy(TO_LIN, 0x800000ULL + 0x20000 - 0x80, 3 * PAGE_SIZE), 0);
    assert_int_equal(guest_byte(0x20000), (uint8_t)(0xA5 ^ 0x80));
    assert_int_equal(gwb_get64(&B, 0x3000 + 4 * 8) & (A_BIT | D_BIT), A_BIT | D_BIT);
    assert_int_equal(copy(FROM_LIN, 0x800000ULL + 0x30000, 4 * PAGE_SIZE), 0);
}

/* The p2m's rights fold over its levels for copies too (NPT: U/S needed). */
static void test_p2m_forms(void **state)
{
    (void)state;
    *gwb_slot(&B, 0x21, 1) &= ~0x4ULL;                            /* no U/S */
    assert_int_equal(copy(FROM_PHYS, 0x20800, PAGE_SIZE), -XEN_EFAULT);
    assert_int_equal(copy(TO_PHYS, 0x21000, 1), -XEN_EFAULT);
    *gwb_slot(&B, 0x21, 1) |= 0x4;
    *gwb_slot(&B, 0, 2) &= ~0x2ULL;                               /* read-only above everything */
    assert_int_equal(copy(FROM_PHYS, 0x20800, PAGE_SIZE), 0);
    assert_int_equal(copy(TO_PHYS, 0x20800, PAGE_SIZE), -XEN_EFAULT);
    assert_int_equal(copy(FROM_LIN, LIN(3), 8), -XEN_EFAULT);       /* A bits cannot be set */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_phys_roundtrip_across_pages, setup),
        cmocka_unit_test_setup(test_len_zero_touches_nothing, setup),
        cmocka_unit_test_setup(test_huge_len, setup),
        cmocka_unit_test_setup(test_phys_second_page_fails, setup),
        cmocka_unit_test_setup(test_linear_roundtrip_sets_ad, setup),
        cmocka_unit_test_setup(test_linear_second_page_fails_writes_nothing, setup),
        cmocka_unit_test_setup(test_linear_user_access, setup),
        cmocka_unit_test_setup(test_linear_canonical_boundary, setup),
        cmocka_unit_test_setup(test_32bit_wrap, setup),
        cmocka_unit_test_setup(test_copy_to_own_page_tables, setup),
        cmocka_unit_test_setup(test_pae_alias_copy, setup),
        cmocka_unit_test_setup(test_linear_across_regions, setup),
        cmocka_unit_test_setup(test_linear_many_ad_updates, setup),
        cmocka_unit_test_setup(test_linear_large_guest_page, setup),
        cmocka_unit_test_setup(test_p2m_forms, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
