// SPDX-License-Identifier: GPL-2.0-only
/*
 * The core walk against the reference walker: every combination of the
 * permission inputs (CPL, implicit access, access kind, U/S, R/W, XD, CR0.WP,
 * EFER.NXE, CR4.SMEP, CR4.SMAP, EFLAGS.AC) in each paging mode, and random
 * page tables with random walks.  Also checks the reference on its own on a
 * few hand-computed cases, so the two cannot simply share a mistake there.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "gw_builder.h"
#include "xen/errno.h"

#define FRAMES   96U
#define GFN_BASE 32U
#define NR_GFNS  48U

static struct gwb B;
static struct guest_paging gp;
static uint8_t before[FRAMES * PAGE_SIZE];
static uint8_t core_after[FRAMES * PAGE_SIZE];

static void machine(enum pte_format fmt)
{
    sim_reset(FRAMES);
    gwb_init(&B, 1, GFN_BASE, fmt);
    for (gfn_t g = 0; g < NR_GFNS; g++)
        gwb_map(&B, g, GFN_BASE + g, P2M_ACCESS_RWX);
}

/* Core check + walk vs reference, comparing guest frames [0, NR_GFNS) byte for byte. */
static void compare(uint64_t gla, unsigned access)
{
    struct ref_npt npt = gwb_ref_npt(&B.p2m);
    struct ref_cpu cpu = gwb_ref_cpu(&gp);
    struct ref_outcome o;
    struct gw_result r;
    uint8_t *guest = sim_frame(GFN_BASE);
    size_t bytes = NR_GFNS * PAGE_SIZE;
    const char *diff;
    int rc;

    memcpy(before, guest, bytes);
    rc = guest_walk_check(&B.p2m, &gp, gla, access, &r);
    assert_memory_equal(before, guest, bytes);
    ref_walk(&npt, &cpu, gla, gwb_ref_access(access), &o);
    diff = gwb_compare(rc, &r, &o);
    if (diff != NULL)
        fail_msg("%s: gla %llx access %u cr0 %llx cr4 %llx efer %llx cpl %u: core %d/%x/%llx ref %d/%x/%llx",
                 diff, (unsigned long long)gla, access, (unsigned long long)gp.cr0,
                 (unsigned long long)gp.cr4, (unsigned long long)gp.efer, gp.cpl, r.status,
                 r.error_code, (unsigned long long)r.gpa, o.verdict, o.pfec, (unsigned long long)o.gpa);
    rc = guest_walk(&B.p2m, &gp, gla, access, &r);
    assert_null(gwb_compare(rc, &r, &o));
    memcpy(core_after, guest, bytes);
    memcpy(guest, before, bytes);
    ref_apply(&o);
    assert_memory_equal(core_after, guest, bytes);
}

/* ---- the permission matrix ------------------------------------------------------------------- */

static const uint64_t LM_GLA = (1ULL << 39) | (2ULL << 30) | (3ULL << 21) | (4ULL << 12) | 0x10;
static const uint64_t PAE_GLA = (1ULL << 30) | (3ULL << 21) | (4ULL << 12) | 0x10;
static const uint64_t W32_GLA = (5ULL << 22) | (6ULL << 12) | 0x10;

/* Leaf rights `leaf`, upper levels P|RW|US; `upper` adds restrictions at the top. */
static void tables(enum gw_mode mode, uint64_t leaf, uint64_t upper_clear)
{
    machine(PTE_FORMAT_NPT);
    if (mode == GW_MODE_LONG4) {
        gwb_put64(&B, 0x1000 + 1 * 8, (0x2000 | 7) & ~upper_clear);
        gwb_put64(&B, 0x2000 + 2 * 8, 0x3000 | 7);
        gwb_put64(&B, 0x3000 + 3 * 8, 0x4000 | 7);
        gwb_put64(&B, 0x4000 + 4 * 8, 0x5000 | leaf);
    } else if (mode == GW_MODE_PAE) {
        gwb_put64(&B, 0x1000 + 1 * 8, 0x3000 | 1);
        gwb_put64(&B, 0x3000 + 3 * 8, (0x4000 | 7) & ~upper_clear);
        gwb_put64(&B, 0x4000 + 4 * 8, 0x5000 | leaf);
    } else {
        gwb_put32(&B, 0x1000 + 5 * 4, (uint32_t)((0x4000 | 7) & ~upper_clear));
        gwb_put32(&B, 0x4000 + 6 * 4, (uint32_t)(0x5000 | leaf));
    }
}

static void matrix(enum gw_mode mode)
{
    static const unsigned accesses[] = {
        GW_ACC_READ, GW_ACC_WRITE, GW_ACC_FETCH,
        GW_ACC_READ | GW_ACC_IMPLICIT, GW_ACC_WRITE | GW_ACC_IMPLICIT, GW_ACC_FETCH | GW_ACC_IMPLICIT,
    };
    unsigned n = 0;

    for (unsigned bits = 0; bits < (1U << 9); bits++) {
        uint64_t leaf = 1ULL | ((bits & 1) ? 2ULL : 0ULL) | ((bits & 2) ? 4ULL : 0ULL) |
                        ((bits & 4) && mode != GW_MODE_2LEVEL ? (1ULL << 63) : 0);
        uint64_t upper_clear = (bits & 8) ? 2 : 0;   /* read-only above the leaf */

        tables(mode, leaf, upper_clear);
        for (unsigned cpl = 0; cpl < 4; cpl += 3)
            for (unsigned a = 0; a < HV_ARRAY_SIZE(accesses); a++) {
                gp = (struct guest_paging){
                    .cr0 = 1 | GW_CR0_PG | ((bits & 16) ? GW_CR0_WP : 0),
                    .cr3 = 0x1000,
                    .cr4 = ((bits & 32) ? GW_CR4_SMEP : 0) | ((bits & 64) ? GW_CR4_SMAP : 0) |
                           (mode == GW_MODE_2LEVEL ? GW_CR4_PSE : GW_CR4_PAE),
                    .efer = ((bits & 128) ? GW_EFER_NXE : 0) | (mode == GW_MODE_LONG4 ? GW_EFER_LMA : 0),
                    .rflags = (bits & 256) ? GW_RFLAGS_AC : 0,
                    .cpl = (uint8_t)cpl, .maxphyaddr = 40 };
                /* Reset A/D so each walk starts from the same tables. */
                tables(mode, leaf, upper_clear);
                compare(mode == GW_MODE_LONG4 ? LM_GLA : mode == GW_MODE_PAE ? PAE_GLA : W32_GLA,
                        accesses[a]);
                n++;
            }
    }
    assert_int_equal(n, 512 * 2 * 6);
}

static void test_matrix_long(void **state) { (void)state; matrix(GW_MODE_LONG4); }
static void test_matrix_pae(void **state) { (void)state; matrix(GW_MODE_PAE); }
static void test_matrix_32bit(void **state) { (void)state; matrix(GW_MODE_2LEVEL); }

/* ---- random tables ------------------------------------------------------------------------------ */

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Entries pointing at small guest frames with random flags and sometimes stray high bits. */
static uint64_t random_entry(void)
{
    static const uint64_t stray[] = { 1ULL << 63, 1ULL << 62, 1ULL << 51, 1ULL << 45, 1ULL << 39,
                                      1ULL << 21, 1ULL << 13, 1ULL << 29, 1ULL << 35 };
    uint64_t e = ((rnd() % (NR_GFNS + 8)) << 12) | (rnd() & 0x1FF);

    if (rnd() % 4 == 0)
        e |= stray[rnd() % HV_ARRAY_SIZE(stray)];
    if (rnd() % 3 != 0)
        e |= 1;
    return e;
}

static void test_random_tables(void **state)
{
    static const unsigned idx[] = { 0, 1, 2, 511 };

    (void)state;
    for (unsigned round = 0; round < 60; round++) {
        machine(round % 2 ? PTE_FORMAT_EPT : PTE_FORMAT_NPT);
        for (gfn_t g = 1; g < 16; g++) {
            if (rnd() % 5 == 0)
                gwb_map(&B, g, GFN_BASE + g, (unsigned)(rnd() % 8) | P2M_ACCESS_R);
            for (unsigned k = 0; k < HV_ARRAY_SIZE(idx); k++)
                gwb_put64(&B, (g << 12) + idx[k] * 8, random_entry());
        }
        for (unsigned i = 0; i < 40; i++) {
            uint64_t r = rnd();
            gp = (struct guest_paging){ .cr0 = 1 | GW_CR0_PG | (r & GW_CR0_WP), .cr3 = ((r >> 32) % 16) << 12,
                                        .cr4 = r & (GW_CR4_PSE | GW_CR4_PAE | GW_CR4_SMEP | GW_CR4_SMAP),
                                        .efer = (r >> 40) & 1 ? GW_EFER_LMA | (r & GW_EFER_NXE) : (r & GW_EFER_NXE),
                                        .rflags = r & GW_RFLAGS_AC, .cpl = (uint8_t)((r >> 50) & 3),
                                        .maxphyaddr = (uint8_t)(36 + (r >> 56) % 17) };
            if (gp.efer & GW_EFER_LMA)
                gp.cr4 |= GW_CR4_PAE;
            uint64_t gla = ((uint64_t)idx[rnd() % 4] << 39) | ((uint64_t)idx[rnd() % 4] << 30) |
                           ((uint64_t)idx[rnd() % 4] << 21) | ((uint64_t)idx[rnd() % 4] << 12) | (rnd() & 0xFFF);
            if (rnd() % 8 == 0)
                gla = rnd();
            compare(gla, (unsigned)(rnd() % 3) | ((rnd() % 4 == 0) ? GW_ACC_IMPLICIT : 0));
        }
    }
}

/* ---- the reference on its own --------------------------------------------------------------------- */

static void test_reference_hand_cases(void **state)
{
    struct ref_npt npt;
    struct ref_cpu cpu = { .cr0 = 1u << 31, .cr3 = 0x1000, .cr4 = 1u << 5, .efer = 1u << 10,
                           .cpl = 3, .maxphyaddr = 48 };
    struct ref_outcome o;
    uint64_t maddr;
    unsigned rights;

    (void)state;
    machine(PTE_FORMAT_NPT);
    npt = gwb_ref_npt(&B.p2m);
    assert_true(ref_npt_translate(&npt, 0x5123, &maddr, &rights));
    assert_int_equal(maddr, ((uint64_t)(GFN_BASE + 5) << 12) | 0x123);
    assert_int_equal(rights, 7);
    assert_false(ref_npt_translate(&npt, (uint64_t)NR_GFNS << 12, &maddr, &rights));
    assert_false(ref_npt_translate(&npt, 1ULL << 48, &maddr, &rights));
    /* A user write through a 1 GiB page that is read-only: #PF P|W|U. */
    gwb_put64(&B, 0x1000, 0x2000 | 7);
    gwb_put64(&B, 0x2000, 0x40000000ULL | 0x80 | 5);
    ref_walk(&npt, &cpu, 0x1234, (struct ref_access){ .write = true }, &o);
    assert_int_equal(o.verdict, REF_PAGE_FAULT);
    assert_int_equal(o.pfec, 0x7);
    ref_walk(&npt, &cpu, 0x1234, (struct ref_access){ 0 }, &o);
    assert_int_equal(o.verdict, REF_OK);
    assert_int_equal(o.gpa, 0x40001234ULL);
    assert_int_equal(o.nr_writes, 2);
    assert_int_equal(o.writes[1].maddr, (uint64_t)(GFN_BASE + 2) << 12);
    assert_int_equal(o.writes[1].bits, 0x20);
}


/* ---- the nested walk: the reference against p2m_lookup, entry by entry ---------------------------- */

/* The four entries on the way to gfn g (level 4 first), in simulated memory. */
static void nested_chain(gfn_t g, uint64_t *slot[4])
{
    mfn_t table = B.p2m.root;

    for (unsigned l = 4; l >= 1; l--) {
        uint64_t *t = gwb_table(table);

        slot[4 - l] = &t[(g >> (9 * (l - 1))) & 511];
        table = (*slot[4 - l] >> 12) & 0xFFFFFFFFFFULL;
    }
}

/* The reference and p2m_lookup agree on gfn g; returns the reference's verdict (rights != 0). */
static bool nested_agree(gfn_t g)
{
    struct ref_npt npt = gwb_ref_npt(&B.p2m);
    uint64_t maddr = 0;
    unsigned rights = 0, acc = 0;
    mfn_t m = 0;
    bool ref = ref_npt_translate(&npt, g << PAGE_SHIFT, &maddr, &rights) && rights != 0;
    int rc = p2m_lookup(&B.p2m, g, &m, &acc);

    assert_int_equal(rc == 0, ref);
    if (ref) {
        assert_int_equal(m, maddr >> PAGE_SHIFT);
        assert_int_equal(acc, rights);
    }
    return ref;
}

/*
 * EPT: every R/W/X value on each of the four levels, misconfigurations
 * included: W without R (010, 110) anywhere stops the walk, whatever the
 * other levels say; otherwise the rights are the AND over the levels.
 */
static void test_nested_ept_rights_matrix(void **state)
{
    uint64_t *slot[4], keep[4];
    unsigned mapped = 0;
    (void)state;

    machine(PTE_FORMAT_EPT);
    nested_chain(7, slot);
    for (unsigned l = 0; l < 4; l++)
        keep[l] = *slot[l] & ~7ULL;
    for (unsigned combo = 0; combo < 8 * 8 * 8 * 8; combo++) {
        unsigned r[4], all = 7;
        bool misconf = false;

        for (unsigned l = 0; l < 4; l++) {
            r[l] = (combo >> (3 * l)) & 7U;
            *slot[l] = keep[l] | r[l];
            misconf = misconf || r[l] == 0 || r[l] == 2 || r[l] == 6;
            all &= r[l];
        }
        /* Hand-computed expectation, independent of both walks. */
        assert_int_equal(nested_agree(7), !misconf && all != 0);
        mapped += !misconf && all != 0 ? 1U : 0U;
    }
    /* Levels from {1, 3, 4, 5, 7}: 5^4 combinations, minus those with nothing in common. */
    assert_true(mapped > 0 && mapped < 5 * 5 * 5 * 5);
    for (unsigned l = 0; l < 4; l++)
        *slot[l] = keep[l] | 7;
    assert_true(nested_agree(7));
}

/* EPT reserved bits and memory types, as the SDM lists them per entry kind. */
static void test_nested_ept_reserved(void **state)
{
    uint64_t *slot[4], keep[4];
    struct ref_npt npt;
    uint64_t maddr;
    unsigned rights;
    (void)state;

    machine(PTE_FORMAT_EPT);
    npt = gwb_ref_npt(&B.p2m);
    nested_chain(7, slot);
    for (unsigned l = 0; l < 4; l++)
        keep[l] = *slot[l];
    assert_true(ref_npt_translate(&npt, 7 << 12, &maddr, &rights));
    for (unsigned b = 3; b <= 7; b++) {
        /* PML4E: bits 7:3 reserved. */
        *slot[0] = keep[0] | (1ULL << b);
        assert_false(ref_npt_translate(&npt, 7 << 12, &maddr, &rights));
        assert_false(nested_agree(7));
        *slot[0] = keep[0];
        /* PDPTE / PDE pointing to a table: bits 6:3 reserved (7 makes it a page). */
        for (unsigned l = 1; l <= 2 && b <= 6; l++) {
            *slot[l] = keep[l] | (1ULL << b);
            assert_false(ref_npt_translate(&npt, 7 << 12, &maddr, &rights));
            assert_false(nested_agree(7));
            *slot[l] = keep[l];
        }
    }
    /* PTE: memory types 2, 3 and 7 are reserved; bit 7 is ignored. */
    for (unsigned t = 0; t < 8; t++) {
        bool ok = t != 2 && t != 3 && t != 7;

        *slot[3] = (keep[3] & ~0x38ULL) | ((uint64_t)t << 3);
        assert_int_equal(ref_npt_translate(&npt, 7 << 12, &maddr, &rights), ok);
        assert_int_equal(nested_agree(7), ok);
    }
    *slot[3] = keep[3] | 0x80;
    assert_true(ref_npt_translate(&npt, 7 << 12, &maddr, &rights));
    assert_true(nested_agree(7));
    *slot[3] = keep[3];
    /* A 2 MiB page at PDE 1 (gfns 512..1023 -> frames 0..511): bits 20:12 reserved. */
    {
        uint64_t *pde1 = slot[2] + 1;

        *pde1 = 0x80 | (6U << 3) | 7;
        assert_true(ref_npt_translate(&npt, 512ULL << 12, &maddr, &rights));
        assert_int_equal(maddr, 0);
        assert_true(nested_agree(512 + 5));
        for (unsigned b = 12; b <= 20; b++) {
            *pde1 = 0x80 | (6U << 3) | 7 | (1ULL << b);
            assert_false(ref_npt_translate(&npt, 512ULL << 12, &maddr, &rights));
            assert_false(nested_agree(512));
        }
        *pde1 = 0x80 | (2U << 3) | 7;            /* memory type 2 in a large page */
        assert_false(ref_npt_translate(&npt, 512ULL << 12, &maddr, &rights));
        *pde1 = 0;
    }
    /* A 1 GiB page at PDPTE 1: bits 29:12 reserved. */
    {
        uint64_t *pdpte1 = slot[1] + 1;

        *pdpte1 = 0x80 | (6U << 3) | 7;
        assert_true(ref_npt_translate(&npt, (1ULL << 30) + 0x3123, &maddr, &rights));
        assert_int_equal(maddr, 0x3123);
        assert_true(nested_agree((1ULL << 18) + 3));
        *pdpte1 |= 1ULL << 29;
        assert_false(ref_npt_translate(&npt, 1ULL << 30, &maddr, &rights));
        assert_false(nested_agree(1ULL << 18));
        *pdpte1 = 0;
    }
}

/* NPT: reserved bits of large leaves, PS at level 4, U/S needed on every level. */
static void test_nested_npt_reserved(void **state)
{
    uint64_t *slot[4];
    struct ref_npt npt;
    uint64_t maddr;
    unsigned rights;
    (void)state;

    machine(PTE_FORMAT_NPT);
    npt = gwb_ref_npt(&B.p2m);
    nested_chain(7, slot);
    /* 2 MiB leaf at PDE 1: bit 12 is PAT (allowed), 20:13 reserved. */
    slot[2][1] = 0x80 | 0x7 | (1ULL << 12);
    assert_true(ref_npt_translate(&npt, (512ULL << 12) | 0x10, &maddr, &rights));
    assert_int_equal(maddr, 0x10);
    assert_int_equal(rights, 7);
    assert_true(nested_agree(512 + 9));
    for (unsigned b = 13; b <= 20; b++) {
        slot[2][1] = 0x80 | 0x7 | (1ULL << b);
        assert_false(ref_npt_translate(&npt, 512ULL << 12, &maddr, &rights));
        assert_false(nested_agree(512));
    }
    slot[2][1] = 0x80 | 0x3;                               /* supervisor-only large leaf */
    assert_false(ref_npt_translate(&npt, 512ULL << 12, &maddr, &rights));
    assert_false(nested_agree(512));
    slot[2][1] = 0;
    /* 1 GiB leaf at PDPTE 1: 29:13 reserved, read-only and no-execute fold. */
    slot[1][1] = 0x80 | 0x5 | (1ULL << 63);
    assert_true(ref_npt_translate(&npt, (1ULL << 30) | 0x2345, &maddr, &rights));
    assert_int_equal(maddr, 0x2345);
    assert_int_equal(rights, 1);
    assert_true(nested_agree((1ULL << 18) + 2));
    slot[1][1] |= 1ULL << 29;
    assert_false(ref_npt_translate(&npt, 1ULL << 30, &maddr, &rights));
    assert_false(nested_agree(1ULL << 18));
    slot[1][1] = 0;
    /* PS in a level-4 entry is reserved. */
    slot[0][1] = 0x80 | 0x7;
    assert_false(ref_npt_translate(&npt, 1ULL << 39, &maddr, &rights));
    slot[0][1] = 0;
    /* U/S missing on one upper level: nothing. */
    *slot[1] &= ~0x4ULL;
    assert_false(ref_npt_translate(&npt, 7 << 12, &maddr, &rights));
    assert_false(nested_agree(7));
    *slot[1] |= 0x4;
    assert_true(nested_agree(7));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matrix_long),
        cmocka_unit_test(test_matrix_pae),
        cmocka_unit_test(test_matrix_32bit),
        cmocka_unit_test(test_random_tables),
        cmocka_unit_test(test_reference_hand_cases),
        cmocka_unit_test(test_nested_ept_rights_matrix),
        cmocka_unit_test(test_nested_ept_reserved),
        cmocka_unit_test(test_nested_npt_reserved),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
