// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the guest page walk: every mode, large pages, reserved bits,
 * each permission rule, nested faults, the A/D rule.  Guest page tables and
 * the NPT/EPT p2m are built by hand in simulated machine memory
 * (gw_builder.h).  Every walk is also checked against the reference walker
 * (sim/ref_walk.c): result, error code, and the exact A/D bits written.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "gw_builder.h"
#include "xen/errno.h"

#define FRAMES   200U
#define GFN_BASE 64U     /* guest frame g lives in machine frame GFN_BASE + g */
#define NR_GFNS  128U

static struct gwb B;
static struct guest_paging gp;
static uint8_t before[FRAMES * PAGE_SIZE];

/* ---- fixtures: tables for each mode at fixed guest frames ------------------------------ */

/* Long mode: PML4 gfn 1, PDPT gfn 2, PD gfn 3, PT gfn 4, data gfn 5. */
#define LM_GLA ((255ULL << 39) | (1ULL << 30) | (2ULL << 21) | (3ULL << 12) | 0x123ULL)
#define LM_E4 (0x1000ULL + 255 * 8)
#define LM_E3 (0x2000ULL + 1 * 8)
#define LM_E2 (0x3000ULL + 2 * 8)
#define LM_E1 (0x4000ULL + 3 * 8)
/* PAE: PDPT at 0x6020, PD gfn 7, PT gfn 8, data gfn 9. */
#define PAE_GLA ((2ULL << 30) | (5ULL << 21) | (6ULL << 12) | 0x456ULL)
#define PAE_E3 (0x6020ULL + 2 * 8)
#define PAE_E2 (0x7000ULL + 5 * 8)
#define PAE_E1 (0x8000ULL + 6 * 8)
/* 32-bit: PD gfn 10, PT gfn 11, data gfn 12; odd indices use the upper half of a word. */
#define W32_GLA ((0x301ULL << 22) | (0x2A5ULL << 12) | 0x789ULL)
#define W32_E2 (0xA000ULL + 0x301 * 4)
#define W32_E1 (0xB000ULL + 0x2A5 * 4)

#define RWU 0x7ULL      /* P | RW | US */
#define A_BIT (1ULL << 5)
#define D_BIT (1ULL << 6)
#define PS_BIT (1ULL << 7)
#define XD_BIT (1ULL << 63)

static void machine(enum pte_format fmt)
{
    sim_reset(FRAMES);
    gwb_init(&B, 1, GFN_BASE, fmt);
    for (gfn_t g = 0; g < NR_GFNS; g++)
        gwb_map(&B, g, GFN_BASE + g, P2M_ACCESS_RWX);
    gwb_put64(&B, LM_E4, 0x2000 | RWU);
    gwb_put64(&B, LM_E3, 0x3000 | RWU);
    gwb_put64(&B, LM_E2, 0x4000 | RWU);
    gwb_put64(&B, LM_E1, 0x5000 | RWU);
    gwb_put64(&B, PAE_E3, 0x7000 | 1);
    gwb_put64(&B, PAE_E2, 0x8000 | RWU);
    gwb_put64(&B, PAE_E1, 0x9000 | RWU);
    gwb_put32(&B, W32_E2, 0xB000 | RWU);
    gwb_put32(&B, W32_E1, 0xC000 | RWU);
}

static void long_mode(void)
{
    gp = (struct guest_paging){ .cr0 = GW_CR0_PG | GW_CR0_WP | 1, .cr3 = 0x1000,
                                .cr4 = GW_CR4_PAE, .efer = GW_EFER_LMA | (1ULL << 8) | GW_EFER_NXE,
                                .cpl = 0, .maxphyaddr = 48 };
}

static void pae_mode(void)
{
    gp = (struct guest_paging){ .cr0 = GW_CR0_PG | GW_CR0_WP | 1, .cr3 = 0x6020,
                                .cr4 = GW_CR4_PAE, .efer = GW_EFER_NXE, .cpl = 0, .maxphyaddr = 36 };
}

static void mode32(void)
{
    gp = (struct guest_paging){ .cr0 = GW_CR0_PG | GW_CR0_WP | 1, .cr3 = 0xA000, .cr4 = GW_CR4_PSE,
                                .cpl = 0, .maxphyaddr = 36 };
}

static int setup_npt(void **state)
{
    (void)state;
    machine(PTE_FORMAT_NPT);
    long_mode();
    return 0;
}

static int setup_ept(void **state)
{
    (void)state;
    machine(PTE_FORMAT_EPT);
    long_mode();
    return 0;
}

/*
 * Walk with the core twice (check, then walk) and the reference once:
 * results must agree, the check must write nothing, and the walk must write
 * exactly the reference's A/D bits.
 */
static int walk(uint64_t gla, unsigned access, struct gw_result *res)
{
    struct ref_npt npt = gwb_ref_npt(&B.p2m);
    struct ref_cpu cpu = gwb_ref_cpu(&gp);
    struct ref_outcome o;
    struct gw_result chk;
    const char *diff;
    int rc_chk, rc;

    memcpy(before, sim_frame(0), sizeof(before));
    rc_chk = guest_walk_check(&B.p2m, &gp, gla, access, &chk);
    assert_memory_equal(before, sim_frame(0), sizeof(before));
    ref_walk(&npt, &cpu, gla, gwb_ref_access(access), &o);
    diff = gwb_compare(rc_chk, &chk, &o);
    if (diff != NULL)
        fail_msg("core and reference differ (%s): status %d/%d ec %x/%x gpa %llx/%llx level %u/%u",
                 diff, chk.status, o.verdict, chk.error_code, o.pfec, (unsigned long long)chk.gpa,
                 (unsigned long long)o.gpa, chk.level, o.level);
    rc = guest_walk(&B.p2m, &gp, gla, access, res);
    assert_int_equal(rc, rc_chk);
    assert_null(gwb_compare(rc, res, &o));
    ref_apply(&o);          /* onto machine memory the core already wrote... */
    {
        uint8_t *now = sim_frame(0);
        /* ...so compare the core's result against the snapshot plus the reference's writes. */
        static uint8_t expect[FRAMES * PAGE_SIZE];
        memcpy(expect, now, sizeof(expect));
        memcpy(now, before, sizeof(before));
        ref_apply(&o);
        assert_memory_equal(expect, now, sizeof(expect));
    }
    return rc;
}

/* Core-only walk for tests that want the raw value without the reference. */
static uint64_t get64(uint64_t gpa)
{
    return gwb_get64(&B, gpa);
}

/* ---- paging off --------------------------------------------------------------------------- */

static void test_paging_off(void **state)
{
    struct gw_result r;

    (void)state;
    gp.cr0 = 1;
    assert_int_equal(walk(0x12345678, GW_ACC_WRITE, &r), 0);
    assert_int_equal(r.gpa, 0x12345678);
    assert_int_equal(r.level, 0);
    /* Linear addresses are 32 bits wide: the upper half is dropped. */
    assert_int_equal(walk(0xABCD00001000ULL, GW_ACC_FETCH, &r), 0);
    assert_int_equal(r.gpa, 0x1000);
    assert_int_equal(guest_paging_mode(&gp), GW_MODE_NONE);
}

/* ---- long mode -------------------------------------------------------------------------------- */

static void test_long_4k_read_sets_accessed(void **state)
{
    struct gw_result r;

    (void)state;
    assert_int_equal(guest_paging_mode(&gp), GW_MODE_LONG4);
    assert_int_equal(guest_walk_check(&B.p2m, &gp, LM_GLA, GW_ACC_READ, &r), 0);
    assert_true(r.ad_pending);
    assert_int_equal(get64(LM_E4) & A_BIT, 0);     /* the check wrote nothing */
    assert_int_equal(walk(LM_GLA, GW_ACC_READ, &r), 0);
    assert_int_equal(r.status, GW_OK);
    assert_int_equal(r.gpa, 0x5123);
    assert_int_equal(r.level, 1);
    assert_int_equal(get64(LM_E4), 0x2000 | RWU | A_BIT);
    assert_int_equal(get64(LM_E3), 0x3000 | RWU | A_BIT);
    assert_int_equal(get64(LM_E2), 0x4000 | RWU | A_BIT);
    assert_int_equal(get64(LM_E1), 0x5000 | RWU | A_BIT);   /* no D for a read */
    /* Now nothing is pending. */
    assert_int_equal(walk(LM_GLA, GW_ACC_READ, &r), 0);
    assert_false(r.ad_pending);
}

static void test_long_4k_write_sets_dirty_on_leaf_only(void **state)
{
    struct gw_result r;

    (void)state;
    assert_int_equal(walk(LM_GLA, GW_ACC_WRITE, &r), 0);
    assert_int_equal(get64(LM_E1), 0x5000 | RWU | A_BIT | D_BIT);
    assert_int_equal(get64(LM_E2), 0x4000 | RWU | A_BIT);
    assert_int_equal(get64(LM_E4), 0x2000 | RWU | A_BIT);
}

static void test_long_2m_and_1g(void **state)
{
    struct gw_result r;

    (void)state;
    gwb_put64(&B, LM_E2, 0x40000000ULL | PS_BIT | RWU);
    assert_int_equal(walk(LM_GLA, GW_ACC_WRITE, &r), 0);
    assert_int_equal(r.level, 2);
    assert_int_equal(r.gpa, 0x40000000ULL | (3ULL << 12) | 0x123);
    assert_int_equal(get64(LM_E2), 0x40000000ULL | PS_BIT | RWU | A_BIT | D_BIT);
    assert_int_equal(get64(LM_E3), 0x3000 | RWU | A_BIT);
    /* PAT (bit 12) is allowed in a large-page entry. */
    gwb_put64(&B, LM_E2, 0x40001000ULL | PS_BIT | RWU);
    assert_int_equal(walk(LM_GLA, GW_ACC_READ, &r), 0);
    gwb_put64(&B, LM_E3, 0x80000000ULL | PS_BIT | RWU);
    assert_int_equal(walk(LM_GLA, GW_ACC_READ, &r), 0);
    assert_int_equal(r.level, 3);
    assert_int_equal(r.gpa, 0x80000000ULL | (2ULL << 21) | (3ULL << 12) | 0x123);
}

static void test_long_reserved_bits(void **state)
{
    struct gw_result r;
    static const struct { uint64_t at, value; unsigned level; } cases[] = {
        { LM_E4, 0x2000 | RWU | PS_BIT, 4 },                        /* PS in a PML4E */
        { LM_E4, 0x2000 | RWU | (1ULL << 48), 4 },                  /* above MAXPHYADDR 48 */
        { LM_E3, 0x3000 | RWU | (1ULL << 51), 3 },
        { LM_E3, 0x80000000ULL | PS_BIT | RWU | (1ULL << 13), 3 },  /* 1 GiB: 29:13 */
        { LM_E3, 0x80000000ULL | PS_BIT | RWU | (1ULL << 29), 3 },
        { LM_E2, 0x40000000ULL | PS_BIT | RWU | (1ULL << 20), 2 },  /* 2 MiB: 20:13 */
        { LM_E2, 0x40000000ULL | PS_BIT | RWU | (1ULL << 13), 2 },
        { LM_E1, 0x5000 | RWU | (1ULL << 50), 1 },
    };

    (void)state;
    for (size_t i = 0; i < HV_ARRAY_SIZE(cases); i++) {
        machine(PTE_FORMAT_NPT);
        gwb_put64(&B, cases[i].at, cases[i].value);
        assert_int_equal(walk(LM_GLA, GW_ACC_WRITE, &r), -XEN_EFAULT);
        assert_int_equal(r.status, GW_PAGE_FAULT);
        assert_int_equal(r.error_code, PF_PRESENT | PF_RSVD | PF_WRITE);
        assert_int_equal(r.level, cases[i].level);
        /* Nothing was written on the way down. */
        assert_int_equal(get64(LM_E4) & A_BIT, 0);
    }
}

static void test_long_nx_reserved_without_nxe(void **state)
{
    struct gw_result r;

    (void)state;
    gwb_put64(&B, LM_E1, 0x5000 | RWU | XD_BIT);
    gp.efer &= ~GW_EFER_NXE;
    assert_int_equal(walk(LM_GLA, GW_ACC_READ, &r), -XEN_EFAULT);
    assert_int_equal(r.error_code, PF_PRESENT | PF_RSVD);
    /* I/D is reported for fetches only when NXE or SMEP make it meaningful. */
    assert_int_equal(walk(LM_GLA, GW_ACC_FETCH, &r), -XEN_EFAULT);
    assert_int_equal(r.error_code, PF_PRESENT | PF_RSVD);
    gp.cr4 |= GW_CR4_SMEP;
    assert_int_equal(walk(LM_GLA, GW_ACC_FETCH, &r), -XEN_EFAULT);
    assert_int_equal(r.error_code, PF_PRESENT | PF_RSVD | PF_INSTR);
}

static void test_long_ignored_high_bits_and_maxphyaddr(void **state)
{
    struct gw_result r;

    (void)state;
    /* Bits 62:52 are ignored by 4-level paging. */
    gwb_put64(&B, LM_E1, 0x5000 | RWU | (0x7FFULL << 52));
    assert_int_equal(walk(LM_GLA, GW_ACC_READ, &r), 0);
    assert_int_equal(r.gpa, 0x5123);
    /* MAXPHYADDR is clamped to 32..52: 60 acts as 52, 20 as 32. */
    gwb_put64(&B, LM_E1, 0x5000 | RWU | (1ULL << 40));
    gp.maxphyaddr = 60;
    assert_int_equal(walk(LM_GLA, GW_ACC_READ, &r), 0);
    assert_int_equal(r.gpa, (1ULL << 40) | 0x5123);
    gp.maxphyaddr = 20;
    assert_int_equal(walk(LM_GLA, GW_ACC_READ, &r), -XEN_EFAULT);
    assert_int_equal(r.error_code, PF_PRESENT | PF_RSVD);
}

static void test_long_not_present_each_level(void **state)
{
    static const uint64_t at[] = { LM_E4, LM_E3, LM_E2, LM_E1 };
    struct gw_result r;

    (void)state;
    for (unsigned i = 0; i < 4; i++) {
        machine(PTE_FORMAT_NPT);
        gwb_put64(&B, at[i], 0xFFFFFFFFFFFFFFFEULL);   /* P clear: every other bit ignored */
        gp.cpl = 3;
        assert_int_equal(walk(LM_GLA, GW_ACC_WRITE, &r), -XEN_EFAULT);
        assert_int_equal(r.status, GW_PAGE_FAULT);
        assert_int_equal(r.error_code, PF_WRITE | PF_USER);
        assert_int_equal(r.level, 4 - i);
        gp.cpl = 0;
        assert_int_equal(walk(LM_GLA, GW_ACC_READ, &r), -XEN_EFAULT);
        assert_int_equal(r.error_code, 0);
        assert_int_equal(walk(LM_GLA, GW_ACC_FETCH, &r), -XEN_EFAULT);
        assert_int_equal(r.error_code, PF_INSTR);
    }
}

static void test_long_non_canonical(void **state)
{
    struct gw_result r;

    (void)state;
    assert_int_equal(walk(0x0000800000000000ULL, GW_ACC_READ, &r), -XEN_EFAULT);
    assert_int_equal(r.status, GW_GP_FAULT);
    assert_int_equal(walk(0xFFFF7FFFFFFFF000ULL, GW_ACC_READ, &r), -XEN_EFAULT);
    assert_int_equal(r.status, GW_GP_FAULT);
    /* The canonical upper half walks (PML4 slot 511 is empty here). */
    assert_int_equal(walk(0xFFFF800000000000ULL, GW_ACC_READ, &r), -XEN_EFAULT);
    assert_int_equal(r.status, GW_PAGE_FAULT);
    gwb_put64(&B, 0x1000 + 511 * 8, 0x2000 | RWU);
    gwb_put64(&B, 0x2000 + 511 * 8, 0x40000000ULL | PS_BIT | RWU);
    assert_int_equal(walk(0xFFFFFFFFC0000ABCULL, GW_ACC_READ, &r), 0);
    assert_int_equal(r.gpa, 0x40000ABCULL);
}

static void test_invalid_access_flags(void **state)
{
    struct gw_result r;

    (void)state;
    assert_int_equal(walk(LM_GLA, GW_ACC_WRITE | GW_ACC_FETCH, &r), -XEN_EINVAL);
    assert_int_equal(r.status, GW_INVALID);
    assert_int_equal(guest_walk(&B.p2m, &gp, LM_GLA, 8, &r), -XEN_EINVAL);
    assert_int_equal(guest_walk_check(&B.p2m, &gp, LM_GLA, 0x100, &r), -XEN_EINVAL);
    assert_int_equal(guest_walk_commit_ad(&B.p2m, &gp, LM_GLA, 3), -XEN_EFAULT);
    assert_int_equal(get64(LM_E4) & A_BIT, 0);
}

/* ---- permissions ---------------------------------------------------------------------------- */

struct perm_case {
    uint8_t cpl;
    unsigned access;
    uint64_t leaf_flags;   /* flags of the PTE; upper levels are P|RW|US */
    uint64_t cr0_wp, cr4, rflags;
    int rc;
    uint32_t ec;
};

static void test_permission_rules(void **state)
{
    static const struct perm_case cases[] = {
        /* user */
        { 3, GW_ACC_READ, RWU, 0, 0, 0, 0, 0 },
        { 3, GW_ACC_READ, 0x3, 0, 0, 0, -XEN_EFAULT, PF_PRESENT | PF_USER },
        { 3, GW_ACC_WRITE, 0x5, 0, 0, 0, -XEN_EFAULT, PF_PRESENT | PF_USER | PF_WRITE },
        { 3, GW_ACC_WRITE, 0x5, GW_CR0_WP, 0, 0, -XEN_EFAULT, PF_PRESENT | PF_USER | PF_WRITE },
        { 3, GW_ACC_FETCH, RWU | XD_BIT, 0, 0, 0, -XEN_EFAULT, PF_PRESENT | PF_USER | PF_INSTR },
        { 3, GW_ACC_FETCH, RWU, 0, GW_CR4_SMEP | GW_CR4_SMAP, 0, 0, 0 },
        /* supervisor writes: CR0.WP */
        { 0, GW_ACC_WRITE, 0x1, 0, 0, 0, 0, 0 },
        { 0, GW_ACC_WRITE, 0x1, GW_CR0_WP, 0, 0, -XEN_EFAULT, PF_PRESENT | PF_WRITE },
        { 0, GW_ACC_WRITE, 0x5, 0, 0, 0, 0, 0 },
        { 1, GW_ACC_WRITE, 0x5, GW_CR0_WP, 0, 0, -XEN_EFAULT, PF_PRESENT | PF_WRITE },
        /* SMEP */
        { 0, GW_ACC_FETCH, RWU, 0, 0, 0, 0, 0 },
        { 0, GW_ACC_FETCH, RWU, 0, GW_CR4_SMEP, 0, -XEN_EFAULT, PF_PRESENT | PF_INSTR },
        { 0, GW_ACC_FETCH, 0x3, 0, GW_CR4_SMEP, 0, 0, 0 },
        { 0, GW_ACC_FETCH, 0x3 | XD_BIT, 0, 0, 0, -XEN_EFAULT, PF_PRESENT | PF_INSTR },
        /* SMAP: explicit accesses obey EFLAGS.AC, implicit ones never do */
        { 0, GW_ACC_READ, RWU, 0, GW_CR4_SMAP, 0, -XEN_EFAULT, PF_PRESENT },
        { 0, GW_ACC_READ, RWU, 0, GW_CR4_SMAP, GW_RFLAGS_AC, 0, 0 },
        { 0, GW_ACC_WRITE, RWU, 0, GW_CR4_SMAP, 0, -XEN_EFAULT, PF_PRESENT | PF_WRITE },
        { 0, GW_ACC_READ | GW_ACC_IMPLICIT, RWU, 0, GW_CR4_SMAP, GW_RFLAGS_AC, -XEN_EFAULT, PF_PRESENT },
        { 0, GW_ACC_READ, 0x3, 0, GW_CR4_SMAP, 0, 0, 0 },
        { 0, GW_ACC_WRITE, 0x5, 0, GW_CR4_SMAP, GW_RFLAGS_AC, 0, 0 },
        { 0, GW_ACC_WRITE, 0x5, GW_CR0_WP, GW_CR4_SMAP, GW_RFLAGS_AC, -XEN_EFAULT, PF_PRESENT | PF_WRITE },
        /* implicit supervisor access at CPL 3: supervisor rules, U/S clear in the error code */
        { 3, GW_ACC_READ | GW_ACC_IMPLICIT, 0x3, 0, 0, 0, 0, 0 },
        { 3, GW_ACC_WRITE | GW_ACC_IMPLICIT, RWU, 0, GW_CR4_SMAP, GW_RFLAGS_AC, -XEN_EFAULT,
          PF_PRESENT | PF_WRITE },
        { 3, GW_ACC_WRITE | GW_ACC_IMPLICIT, 0x1, GW_CR0_WP, 0, 0, -XEN_EFAULT, PF_PRESENT | PF_WRITE },
    };
    struct gw_result r;

    (void)state;
    for (size_t i = 0; i < HV_ARRAY_SIZE(cases); i++) {
        const struct perm_case *c = &cases[i];
        machine(PTE_FORMAT_NPT);
        long_mode();
        gp.cpl = c->cpl;
        gp.cr0 = (gp.cr0 & ~GW_CR0_WP) | c->cr0_wp;
        gp.cr4 |= c->cr4;
        gp.rflags = c->rflags;
        gwb_put64(&B, LM_E1, 0x5000 | c->leaf_flags);
        print_message("case %zu\n", i);
        assert_int_equal(walk(LM_GLA, c->access, &r), c->rc);
        if (c->rc != 0) {
            assert_int_equal(r.status, GW_PAGE_FAULT);
            assert_int_equal(r.error_code, c->ec);
            assert_int_equal(get64(LM_E1) & (A_BIT | D_BIT), 0);   /* no A/D on a fault */
        }
    }
}

static void test_rights_combine_across_levels(void **state)
{
    struct gw_result r;

    (void)state;
    /* Read-only at the PDPTE level makes the whole page read-only. */
    gwb_put64(&B, LM_E3, 0x3000 | 0x5);
    assert_int_equal(walk(LM_GLA, GW_ACC_WRITE, &r), -XEN_EFAULT);
    assert_int_equal(r.error_code, PF_PRESENT | PF_WRITE);
    /* Supervisor-only at the PML4E level hides it from user mode. */
    gwb_put64(&B, LM_E3, 0x3000 | RWU);
    gwb_put64(&B, LM_E4, 0x2000 | 0x3);
    gp.cpl = 3;
    assert_int_equal(walk(LM_GLA, GW_ACC_READ, &r), -XEN_EFAULT);
    assert_int_equal(r.error_code, PF_PRESENT | PF_USER);
    /* XD at the PD level forbids fetches below it. */
    gwb_put64(&B, LM_E4, 0x2000 | RWU);
    gwb_put64(&B, LM_E2, 0x4000 | RWU | XD_BIT);
    assert_int_equal(walk(LM_GLA, GW_ACC_FETCH, &r), -XEN_EFAULT);
    assert_int_equal(r.error_code, PF_PRESENT | PF_USER | PF_INSTR);
}

/* ---- nested faults -------------------------------------------------------------------------------- */

static void test_nested_table_page_unmapped(void **state)
{
    struct gw_result r;

    (void)state;
    gwb_unmap(&B, 3);   /* the PD page */
    assert_int_equal(walk(LM_GLA, GW_ACC_READ, &r), -XEN_EFAULT);
    assert_int_equal(r.status, GW_NESTED_FAULT);
    assert_int_equal(r.gpa, LM_E2);
    assert_int_equal(r.nested_access, P2M_ACCESS_R);
    assert_int_equal(r.level, 2);
    assert_int_equal(get64(LM_E4) & A_BIT, 0);
    /* CR3 outside the p2m entirely (beyond P2M_MAX_GFN too). */
    gp.cr3 = 0x000F000000000000ULL;
    assert_int_equal(walk(LM_GLA, GW_ACC_READ, &r), -XEN_EFAULT);
    assert_int_equal(r.status, GW_NESTED_FAULT);
    assert_int_equal(r.level, 4);
}

static void test_nested_table_beyond_machine(void **state)
{
    struct gw_result r;

    (void)state;
    gwb_map(&B, 2, FRAMES + 5, P2M_ACCESS_RWX);   /* p2m points past machine memory */
    assert_int_equal(walk(LM_GLA, GW_ACC_READ, &r), -XEN_EFAULT);
    assert_int_equal(r.status, GW_NESTED_FAULT);
    assert_int_equal(r.gpa, LM_E3);
}

static void test_nested_no_p2m(void **state)
{
    struct gw_result r;

    (void)state;
    B.p2m.root = INVALID_MFN;
    assert_int_equal(walk(LM_GLA, GW_ACC_READ, &r), -XEN_EFAULT);
    assert_int_equal(r.status, GW_NESTED_FAULT);
    assert_int_equal(r.gpa, LM_E4);
}

static void test_nested_readonly_table_needs_write_for_ad(void **state)
{
    struct gw_result r;

    (void)state;
    gwb_map(&B, 2, GFN_BASE + 2, P2M_ACCESS_R);   /* PDPT page read-only in the p2m */
    assert_int_equal(walk(LM_GLA, GW_ACC_READ, &r), -XEN_EFAULT);
    assert_int_equal(r.status, GW_NESTED_FAULT);
    assert_int_equal(r.gpa, LM_E3);
    assert_int_equal(r.nested_access, P2M_ACCESS_W);
    assert_int_equal(r.level, 3);
    assert_int_equal(get64(LM_E4) & A_BIT, 0);   /* nothing written, not even above */
    /* With A already set there, the read-only table is fine. */
    gwb_put64(&B, LM_E3, 0x3000 | RWU | A_BIT);
    assert_int_equal(walk(LM_GLA, GW_ACC_READ, &r), 0);
    assert_int_equal(get64(LM_E3), 0x3000 | RWU | A_BIT);
    /* The leaf's page read-only: a write needs D there. */
    gwb_map(&B, 4, GFN_BASE + 4, P2M_ACCESS_R | P2M_ACCESS_X);
    assert_int_equal(walk(LM_GLA, GW_ACC_WRITE, &r), -XEN_EFAULT);
    assert_int_equal(r.status, GW_NESTED_FAULT);
    assert_int_equal(r.gpa, LM_E1);
    assert_int_equal(r.level, 1);
    gwb_put64(&B, LM_E1, 0x5000 | RWU | A_BIT | D_BIT);
    assert_int_equal(walk(LM_GLA, GW_ACC_WRITE, &r), 0);
    /* A guest permission fault comes before the nested write check. */
    gwb_put64(&B, LM_E1, 0x5000 | 0x5);
    gwb_put64(&B, LM_E2, 0x4000 | RWU);
    assert_int_equal(walk(LM_GLA, GW_ACC_WRITE, &r), -XEN_EFAULT);
    assert_int_equal(r.status, GW_PAGE_FAULT);
}

static void test_ept_format(void **state)
{
    struct gw_result r;

    (void)state;
    assert_int_equal(walk(LM_GLA, GW_ACC_WRITE, &r), 0);
    assert_int_equal(r.gpa, 0x5123);
    gwb_map(&B, 1, GFN_BASE + 1, P2M_ACCESS_X);          /* execute-only PML4 page */
    assert_int_equal(walk(LM_GLA, GW_ACC_READ, &r), -XEN_EFAULT);
    assert_int_equal(r.nested_access, P2M_ACCESS_R);
    gwb_map(&B, 1, GFN_BASE + 1, P2M_ACCESS_R);
    gwb_put64(&B, LM_E4, 0x2000 | RWU);
    assert_int_equal(walk(LM_GLA, GW_ACC_READ, &r), -XEN_EFAULT);
    assert_int_equal(r.nested_access, P2M_ACCESS_W);
}

/* ---- PAE ----------------------------------------------------------------------------------------- */

static void test_pae_4k_2m(void **state)
{
    struct gw_result r;

    (void)state;
    pae_mode();
    assert_int_equal(guest_paging_mode(&gp), GW_MODE_PAE);
    assert_int_equal(walk(PAE_GLA, GW_ACC_WRITE, &r), 0);
    assert_int_equal(r.gpa, 0x9456);
    assert_int_equal(r.level, 1);
    assert_int_equal(get64(PAE_E3), 0x7000 | 1);               /* PDPTEs have no A bit */
    assert_int_equal(get64(PAE_E2), 0x8000 | RWU | A_BIT);
    assert_int_equal(get64(PAE_E1), 0x9000 | RWU | A_BIT | D_BIT);
    gwb_put64(&B, PAE_E2, 0xE00000ULL | PS_BIT | RWU);
    assert_int_equal(walk(PAE_GLA, GW_ACC_READ, &r), 0);
    assert_int_equal(r.level, 2);
    assert_int_equal(r.gpa, 0xE00000ULL | (6ULL << 12) | 0x456);
    /* Only the low 32 bits of the address are a linear address. */
    assert_int_equal(walk(PAE_GLA | (7ULL << 40), GW_ACC_READ, &r), 0);
    assert_int_equal(r.gpa, 0xE00000ULL | (6ULL << 12) | 0x456);
}

static void test_pae_pdpte(void **state)
{
    struct gw_result r;
    static const uint64_t bad[] = { 1ULL << 1, 1ULL << 2, 1ULL << 5, 1ULL << 6, 1ULL << 7, 1ULL << 8,
                                    1ULL << 36, 1ULL << 52, XD_BIT };

    (void)state;
    pae_mode();
    gwb_put64(&B, PAE_E3, 0x7000);
    assert_int_equal(walk(PAE_GLA, GW_ACC_READ, &r), -XEN_EFAULT);
    assert_int_equal(r.status, GW_PAGE_FAULT);
    assert_int_equal(r.error_code, 0);
    assert_int_equal(r.level, 3);
    for (size_t i = 0; i < HV_ARRAY_SIZE(bad); i++) {
        gwb_put64(&B, PAE_E3, 0x7000 | 1 | bad[i]);
        assert_int_equal(walk(PAE_GLA, GW_ACC_READ, &r), -XEN_EFAULT);
        assert_int_equal(r.error_code, PF_PRESENT | PF_RSVD);
        assert_int_equal(r.level, 3);
    }
    /* PWT/PCD and the available bits are fine. */
    gwb_put64(&B, PAE_E3, 0x7000 | 1 | 0x18 | 0xE00);
    assert_int_equal(walk(PAE_GLA, GW_ACC_READ, &r), 0);
}

static void test_pae_reserved(void **state)
{
    struct gw_result r;

    (void)state;
    pae_mode();
    gwb_put64(&B, PAE_E1, 0x9000 | RWU | (1ULL << 62));     /* PAE: 62:M reserved */
    assert_int_equal(walk(PAE_GLA, GW_ACC_READ, &r), -XEN_EFAULT);
    assert_int_equal(r.error_code, PF_PRESENT | PF_RSVD);
    gwb_put64(&B, PAE_E1, 0x9000 | RWU | (1ULL << 36));     /* MAXPHYADDR 36 */
    assert_int_equal(walk(PAE_GLA, GW_ACC_READ, &r), -XEN_EFAULT);
    gwb_put64(&B, PAE_E1, 0x9000 | RWU);
    gwb_put64(&B, PAE_E2, 0xE00000ULL | PS_BIT | RWU | (1ULL << 13));
    assert_int_equal(walk(PAE_GLA, GW_ACC_READ, &r), -XEN_EFAULT);
    assert_int_equal(r.level, 2);
    gwb_put64(&B, PAE_E2, 0x8000 | RWU | XD_BIT);
    assert_int_equal(walk(PAE_GLA, GW_ACC_FETCH, &r), -XEN_EFAULT);
    assert_int_equal(r.error_code, PF_PRESENT | PF_INSTR);
    gp.efer = 0;
    assert_int_equal(walk(PAE_GLA, GW_ACC_FETCH, &r), -XEN_EFAULT);
    assert_int_equal(r.error_code, PF_PRESENT | PF_RSVD);
}

/*
 * A/D updates that land in the guest's own PDPT.  CR3 = 0x7FE0 puts PDPTE 3
 * at 0x7FF8, which is also PDE 511 of the PD at 0x7000 that PDPTE 2 names.
 * Walking 0xBFFFF000 uses that word as a PDE and sets its A bit (bit 5),
 * which is reserved in a PDPTE: walks through PDPTE 3 fault from then on.
 * guest_walk_commit_ad follows structure only, so a copy that checked
 * 0xBFFFF000 and 0xC0000000 first still commits both.
 */
static void pae_alias_tables(void)
{
    pae_mode();
    gp.cr3 = 0x7FE0;
    gwb_put64(&B, 0x7FF0, 0x7000 | 1);    /* PDPTE 2 -> PD 0x7000 */
    gwb_put64(&B, 0x7FF8, 0xD000 | 1);    /* PDPTE 3 = PDE 511 -> 0xD000 */
    gwb_put64(&B, 0xDFF8, 0xE000 | 1);    /* as PT: entry 511 -> data 0xE000 */
    gwb_put64(&B, 0xD000, 0xF000 | 1);    /* as PD: entry 0 -> PT 0xF000 */
    gwb_put64(&B, 0xF000, 0x10000 | 1);   /* PT entry 0 -> data 0x10000 */
}

static void test_pae_commit_with_alias(void **state)
{
    struct gw_result r;

    (void)state;
    pae_alias_tables();
    assert_int_equal(guest_walk_check(&B.p2m, &gp, 0xBFFFF000, GW_ACC_READ, &r), 0);
    assert_int_equal(r.gpa, 0xE000);
    assert_int_equal(guest_walk_check(&B.p2m, &gp, 0xC0000000, GW_ACC_READ, &r), 0);
    assert_int_equal(r.gpa, 0x10000);
    assert_int_equal(guest_walk_commit_ad(&B.p2m, &gp, 0xBFFFF000, GW_ACC_READ), 0);
    assert_int_equal(get64(0x7FF8), 0xD000 | 1 | A_BIT);
    assert_int_equal(guest_walk_commit_ad(&B.p2m, &gp, 0xC0000000, GW_ACC_READ), 0);
    assert_int_equal(get64(0xD000), 0xF000 | 1 | A_BIT);
    assert_int_equal(get64(0xF000), 0x10000 | 1 | A_BIT);
    /* A fresh walk now sees the reserved bit in PDPTE 3. */
    assert_int_equal(walk(0xC0000000, GW_ACC_READ, &r), -XEN_EFAULT);
    assert_int_equal(r.error_code, PF_PRESENT | PF_RSVD);
    assert_int_equal(r.level, 3);
}

/* ---- 32-bit paging ---------------------------------------------------------------------------- */

static void test_32bit_4k(void **state)
{
    struct gw_result r;

    (void)state;
    mode32();
    assert_int_equal(guest_paging_mode(&gp), GW_MODE_2LEVEL);
    /* A neighbour in the same 64-bit word must not be disturbed. */
    gwb_put32(&B, W32_E2 - 4, 0xDEAD0000U);
    gwb_put32(&B, W32_E1 - 4, 0xBEEF0000U);
    assert_int_equal(walk(W32_GLA, GW_ACC_WRITE, &r), 0);
    assert_int_equal(r.gpa, 0xC789);
    assert_int_equal(gwb_get32(&B, W32_E2), 0xB000 | RWU | A_BIT);
    assert_int_equal(gwb_get32(&B, W32_E1), 0xC000 | RWU | A_BIT | D_BIT);
    assert_int_equal(gwb_get32(&B, W32_E2 - 4), 0xDEAD0000U);
    assert_int_equal(gwb_get32(&B, W32_E1 - 4), 0xBEEF0000U);
    /* Even index: lower half. */
    gwb_put32(&B, 0xA000 + 0x300 * 4, 0xB000 | RWU);
    gwb_put32(&B, 0xB000 + 0x2A4 * 4, 0xC000 | 0x5);
    gp.cpl = 3;
    assert_int_equal(walk((0x300ULL << 22) | (0x2A4ULL << 12), GW_ACC_WRITE, &r), -XEN_EFAULT);
    assert_int_equal(r.error_code, PF_PRESENT | PF_WRITE | PF_USER);
    assert_int_equal(walk((0x300ULL << 22) | (0x2A4ULL << 12), GW_ACC_READ, &r), 0);
    /* No XD in 32-bit paging: NXE does not make fetches fault nor set I/D. */
    gp.efer = GW_EFER_NXE;
    gwb_put32(&B, W32_E1, 0xC000);
    assert_int_equal(walk(W32_GLA, GW_ACC_FETCH, &r), -XEN_EFAULT);
    assert_int_equal(r.error_code, PF_USER);
}

static void test_32bit_4m_pse(void **state)
{
    struct gw_result r;

    (void)state;
    mode32();
    gwb_put32(&B, W32_E2, 0x00C00000U | (uint32_t)PS_BIT | RWU | (0x5U << 13));  /* PSE-36: bits 34,32 */
    assert_int_equal(walk(W32_GLA, GW_ACC_WRITE, &r), 0);
    assert_int_equal(r.level, 2);
    assert_int_equal(r.gpa, (0x5ULL << 32) | 0x00C00000U | (0x2A5ULL << 12) | 0x789);
    assert_int_equal(gwb_get32(&B, W32_E2) & (A_BIT | D_BIT), A_BIT | D_BIT);
    /* MAXPHYADDR 36: PSE-36 bits for address bits 39:36 (entry bits 20:17) are reserved, so is 21. */
    gwb_put32(&B, W32_E2, 0x00C00000U | (uint32_t)PS_BIT | RWU | (1U << 17));
    assert_int_equal(walk(W32_GLA, GW_ACC_READ, &r), -XEN_EFAULT);
    assert_int_equal(r.error_code, PF_PRESENT | PF_RSVD);
    gp.maxphyaddr = 52;     /* acts as 40 for 32-bit paging: only bit 21 reserved */
    assert_int_equal(walk(W32_GLA, GW_ACC_READ, &r), 0);
    assert_int_equal(r.gpa, (0x10ULL << 32) | 0x00C00000U | (0x2A5ULL << 12) | 0x789);
    gwb_put32(&B, W32_E2, 0x00C00000U | (uint32_t)PS_BIT | RWU | (1U << 21));
    assert_int_equal(walk(W32_GLA, GW_ACC_READ, &r), -XEN_EFAULT);
    /* CR4.PSE clear: PS is ignored and the entry points at a page table. */
    gp.cr4 = 0;
    gwb_put32(&B, W32_E2, 0xB000 | (uint32_t)PS_BIT | RWU);
    assert_int_equal(walk(W32_GLA, GW_ACC_READ, &r), 0);
    assert_int_equal(r.level, 1);
    assert_int_equal(r.gpa, 0xC789);
}

static void test_32bit_not_present_and_nested(void **state)
{
    struct gw_result r;

    (void)state;
    mode32();
    gwb_put32(&B, W32_E1, 0xC000 | 0x6);
    assert_int_equal(walk(W32_GLA, GW_ACC_READ, &r), -XEN_EFAULT);
    assert_int_equal(r.level, 1);
    assert_int_equal(r.error_code, 0);
    gwb_unmap(&B, 10);
    assert_int_equal(walk(W32_GLA, GW_ACC_READ, &r), -XEN_EFAULT);
    assert_int_equal(r.status, GW_NESTED_FAULT);
    assert_int_equal(r.gpa, W32_E2);
}

static void test_commit_ad_failure_paths(void **state)
{
    (void)state;
    /* Not present: nothing to commit. */
    gwb_put64(&B, LM_E1, 0);
    assert_int_equal(guest_walk_commit_ad(&B.p2m, &gp, LM_GLA, GW_ACC_READ), -XEN_EFAULT);
    assert_int_equal(get64(LM_E4) & A_BIT, 0);
    /* The commit follows structure only: reserved bits do not stop it. */
    gwb_put64(&B, LM_E1, 0x5000 | RWU | (1ULL << 50));
    assert_int_equal(guest_walk_commit_ad(&B.p2m, &gp, LM_GLA, GW_ACC_WRITE), 0);
    assert_int_equal(get64(LM_E1) & (A_BIT | D_BIT), A_BIT | D_BIT);
    /* Table page read-only in the p2m: nothing is written at all. */
    machine(PTE_FORMAT_NPT);
    gwb_map(&B, 3, GFN_BASE + 3, P2M_ACCESS_R);
    assert_int_equal(guest_walk_commit_ad(&B.p2m, &gp, LM_GLA, GW_ACC_READ), -XEN_EFAULT);
    assert_int_equal(get64(LM_E4) & A_BIT, 0);
}

/* ---- nested rights folded over the p2m's levels ----------------------------------------------- */

/* The p2m's level-2 entry above every guest frame of the fixtures. */
static uint64_t *p2m_l2e(void)
{
    return gwb_slot(&B, 0, 2);
}

static void test_nested_rights_fold_npt(void **state)
{
    struct gw_result r;
    uint64_t keep;

    (void)state;
    /* The PT page's p2m leaf without U/S: the CPU refuses guest accesses to it. */
    *gwb_slot(&B, 4, 1) &= ~0x4ULL;
    assert_int_equal(walk(LM_GLA, GW_ACC_READ, &r), -XEN_EFAULT);
    assert_int_equal(r.status, GW_NESTED_FAULT);
    assert_int_equal(r.gpa, LM_E1);
    assert_int_equal(r.nested_access, P2M_ACCESS_R);
    *gwb_slot(&B, 4, 1) |= 0x4;
    /* Read-only above: the tables can be read, their A bits not set. */
    keep = *p2m_l2e();
    *p2m_l2e() &= ~0x2ULL;
    assert_int_equal(walk(LM_GLA, GW_ACC_READ, &r), -XEN_EFAULT);
    assert_int_equal(r.status, GW_NESTED_FAULT);
    assert_int_equal(r.gpa, LM_E4);
    assert_int_equal(r.nested_access, P2M_ACCESS_W);
    gwb_put64(&B, LM_E4, 0x2000 | RWU | A_BIT);
    gwb_put64(&B, LM_E3, 0x3000 | RWU | A_BIT);
    gwb_put64(&B, LM_E2, 0x4000 | RWU | A_BIT);
    gwb_put64(&B, LM_E1, 0x5000 | RWU | A_BIT);
    assert_int_equal(walk(LM_GLA, GW_ACC_READ, &r), 0);
    assert_int_equal(walk(LM_GLA, GW_ACC_WRITE, &r), -XEN_EFAULT);   /* D on the leaf */
    assert_int_equal(r.gpa, LM_E1);
    /* NX above changes nothing for table reads. */
    *p2m_l2e() = keep | (1ULL << 63);
    assert_int_equal(walk(LM_GLA, GW_ACC_WRITE, &r), 0);
    /* U/S missing above: nothing below is reachable. */
    *p2m_l2e() = keep & ~0x4ULL;
    assert_int_equal(walk(LM_GLA, GW_ACC_READ, &r), -XEN_EFAULT);
    assert_int_equal(r.gpa, LM_E4);
    assert_int_equal(r.nested_access, P2M_ACCESS_R);
}

static void test_nested_rights_fold_ept(void **state)
{
    struct gw_result r;
    uint64_t keep = *p2m_l2e();

    (void)state;
    *p2m_l2e() = (keep & ~0x7ULL) | 0x5;                 /* R, X above: no W */
    assert_int_equal(walk(LM_GLA, GW_ACC_READ, &r), -XEN_EFAULT);
    assert_int_equal(r.status, GW_NESTED_FAULT);
    assert_int_equal(r.gpa, LM_E4);
    assert_int_equal(r.nested_access, P2M_ACCESS_W);
    *p2m_l2e() = (keep & ~0x7ULL) | 0x4;                 /* X only above */
    assert_int_equal(walk(LM_GLA, GW_ACC_READ, &r), -XEN_EFAULT);
    assert_int_equal(r.nested_access, P2M_ACCESS_R);
    *p2m_l2e() = (keep & ~0x7ULL) | 0x3;                 /* R, W above */
    assert_int_equal(walk(LM_GLA, GW_ACC_WRITE, &r), 0);
    assert_int_equal(r.gpa, 0x5123);
}

/* ---- the walker: many checks, one cursor, shared upper levels ------------------------------------- */

static void walker_fixture(void)
{
    /* PD[2] -> PT gfn 4 (entries 0..7 -> data gfns 20..27), PD[3] -> PT gfn 6 (0..3 -> 30..33). */
    for (unsigned n = 0; n < 8; n++)
        gwb_put64(&B, 0x4000 + n * 8, ((20ULL + n) << 12) | RWU);
    gwb_put64(&B, 0x3000 + 3 * 8, 0x6000 | RWU);
    for (unsigned n = 0; n < 4; n++)
        gwb_put64(&B, 0x6000 + n * 8, ((30ULL + n) << 12) | RWU);
    gwb_put64(&B, 0x6000 + 2 * 8, 0);                                    /* one hole */
    gwb_put64(&B, 0x1000 + 3 * 8, 0x2000 | RWU);                          /* another PML4 slot */
}

#define WK(pml4, pd, pt) (((uint64_t)(pml4) << 39) | (1ULL << 30) | ((uint64_t)(pd) << 21) | \
                          ((uint64_t)(pt) << 12))

static void walker_run(unsigned access)
{
    static const uint64_t seq[] = {
        WK(255, 2, 0), WK(255, 2, 1) + 0x10, WK(255, 2, 1) + 0x800, WK(255, 2, 3) + 0x123,
        WK(255, 3, 0), WK(255, 3, 1), WK(255, 3, 2), WK(255, 3, 3), WK(255, 2, 7),
        WK(3, 2, 5), WK(3, 2, 5) + 8, WK(255, 2, 6), 0x0000800000000000ULL, WK(255, 2, 6),
    };
    static uint8_t expect[FRAMES * PAGE_SIZE];
    struct gw_walker w;
    struct gw_ad ad[64];
    unsigned nr_ad = 0;

    walker_fixture();
    memcpy(before, sim_frame(0), sizeof(before));
    gw_walker_init(&w, &B.p2m, &gp, access);
    for (unsigned i = 0; i < HV_ARRAY_SIZE(seq); i++) {
        struct gw_result a, b;
        int rc = gw_walker_check(&w, seq[i], &a);

        memset(&b, 0, sizeof(b));
        assert_int_equal(guest_walk_check(&B.p2m, &gp, seq[i], access, &b), rc);
        assert_int_equal(a.status, b.status);
        assert_int_equal(a.gpa, b.gpa);
        assert_int_equal(a.error_code, b.error_code);
        assert_int_equal(a.nested_access, b.nested_access);
        assert_int_equal(a.level, b.level);
        assert_int_equal(a.ad_pending, b.ad_pending);
        if (rc == 0)
            nr_ad += gw_walker_take_ad(&w, &ad[nr_ad]);
        /* The first four share their upper levels (and two their page):
         * PML4E, PDPTE, PDE, PTE 0; PTE 1; nothing; PTE 3. */
        if (i == 3)
            assert_int_equal(nr_ad, 6);
    }
    assert_memory_equal(before, sim_frame(0), sizeof(before));      /* checks write nothing */
    /* Applying the reports is what guest_walk does for every address in
     * turn (an entry reached again later may be reported again: harmless). */
    for (unsigned i = 0; i < nr_ad; i++)
        gw_ad_apply(&ad[i]);
    memcpy(expect, sim_frame(0), sizeof(expect));
    memcpy(sim_frame(0), before, sizeof(before));
    for (unsigned i = 0; i < HV_ARRAY_SIZE(seq); i++) {
        struct gw_result r;

        (void)guest_walk(&B.p2m, &gp, seq[i], access, &r);
    }
    assert_memory_equal(expect, sim_frame(0), sizeof(expect));
    assert_true(nr_ad > 8);
}

static void test_walker_long(void **state)
{
    (void)state;
    walker_run(GW_ACC_READ);
    machine(PTE_FORMAT_NPT);
    walker_run(GW_ACC_WRITE);
    /* Nothing pending any more: nothing reported. */
    {
        struct gw_walker w;
        struct gw_result r;
        struct gw_ad ad[GW_MAX_LEVELS];

        gw_walker_init(&w, &B.p2m, &gp, GW_ACC_WRITE);
        assert_int_equal(gw_walker_check(&w, WK(255, 2, 0), &r), 0);
        assert_false(r.ad_pending);
        assert_int_equal(gw_walker_take_ad(&w, ad), 0);
    }
}

/* The walker in the other modes, and with bad flags. */
static void test_walker_modes(void **state)
{
    struct gw_walker w;
    struct gw_result r, c;
    struct gw_ad ad[GW_MAX_LEVELS];

    (void)state;
    pae_mode();
    gw_walker_init(&w, &B.p2m, &gp, GW_ACC_WRITE);
    assert_int_equal(gw_walker_check(&w, PAE_GLA, &r), 0);
    assert_int_equal(guest_walk_check(&B.p2m, &gp, PAE_GLA, GW_ACC_WRITE, &c), 0);
    assert_int_equal(r.gpa, c.gpa);
    assert_int_equal(gw_walker_take_ad(&w, ad), 2);                 /* PDE A, PTE A|D: no PDPTE */
    assert_int_equal(gw_walker_check(&w, PAE_GLA + 8, &r), 0);      /* same page: all reused */
    assert_int_equal(r.gpa, c.gpa + 8);
    assert_int_equal(gw_walker_take_ad(&w, ad), 0);
    mode32();
    gw_walker_init(&w, &B.p2m, &gp, GW_ACC_READ);
    assert_int_equal(gw_walker_check(&w, W32_GLA, &r), 0);
    assert_int_equal(gw_walker_take_ad(&w, ad), 2);
    /* An odd 32-bit entry sits in the upper half of its word. */
    assert_int_equal(ad[1].bits, A_BIT << 32);
    gw_ad_apply(&ad[1]);
    assert_int_equal(gwb_get32(&B, W32_E1) & A_BIT, A_BIT);
    gp.cr0 = 1;
    gw_walker_init(&w, &B.p2m, &gp, GW_ACC_READ);
    assert_int_equal(gw_walker_check(&w, 0x123456789ULL, &r), 0);
    assert_int_equal(r.gpa, 0x23456789);
    assert_int_equal(gw_walker_take_ad(&w, ad), 0);
    gw_walker_init(&w, &B.p2m, &gp, GW_ACC_WRITE | GW_ACC_FETCH);
    assert_int_equal(gw_walker_check(&w, 0, &r), -XEN_EINVAL);
    assert_int_equal(r.status, GW_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_paging_off, setup_npt),
        cmocka_unit_test_setup(test_long_4k_read_sets_accessed, setup_npt),
        cmocka_unit_test_setup(test_long_4k_write_sets_dirty_on_leaf_only, setup_npt),
        cmocka_unit_test_setup(test_long_2m_and_1g, setup_npt),
        cmocka_unit_test_setup(test_long_reserved_bits, setup_npt),
        cmocka_unit_test_setup(test_long_nx_reserved_without_nxe, setup_npt),
        cmocka_unit_test_setup(test_long_ignored_high_bits_and_maxphyaddr, setup_npt),
        cmocka_unit_test_setup(test_long_not_present_each_level, setup_npt),
        cmocka_unit_test_setup(test_long_non_canonical, setup_npt),
        cmocka_unit_test_setup(test_invalid_access_flags, setup_npt),
        cmocka_unit_test_setup(test_permission_rules, setup_npt),
        cmocka_unit_test_setup(test_rights_combine_across_levels, setup_npt),
        cmocka_unit_test_setup(test_nested_table_page_unmapped, setup_npt),
        cmocka_unit_test_setup(test_nested_table_beyond_machine, setup_npt),
        cmocka_unit_test_setup(test_nested_no_p2m, setup_npt),
        cmocka_unit_test_setup(test_nested_readonly_table_needs_write_for_ad, setup_npt),
        cmocka_unit_test_setup(test_ept_format, setup_ept),
        cmocka_unit_test_setup(test_pae_4k_2m, setup_npt),
        cmocka_unit_test_setup(test_pae_pdpte, setup_npt),
        cmocka_unit_test_setup(test_pae_reserved, setup_npt),
        cmocka_unit_test_setup(test_pae_commit_with_alias, setup_npt),
        cmocka_unit_test_setup(test_32bit_4k, setup_npt),
        cmocka_unit_test_setup(test_32bit_4m_pse, setup_npt),
        cmocka_unit_test_setup(test_32bit_not_present_and_nested, setup_npt),
        cmocka_unit_test_setup(test_commit_ad_failure_paths, setup_npt),
        cmocka_unit_test_setup(test_nested_rights_fold_npt, setup_npt),
        cmocka_unit_test_setup(test_nested_rights_fold_ept, setup_ept),
        cmocka_unit_test_setup(test_walker_long, setup_npt),
        cmocka_unit_test_setup(test_walker_modes, setup_npt),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
