// SPDX-License-Identifier: GPL-2.0-only
/*
 * The emulated local APIC (vlapic.c, vlapic_reg.c) of a vCPU built in the
 * simulator: reset values, every register in xAPIC (MMIO) and x2APIC (MSR)
 * mode with the #GP rules of x2APIC mode, APIC_BASE mode transitions,
 * IRR/ISR/EOI under TPR/PPR, self IPIs, errors, and the timer in its three
 * modes on the simulator's clock.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "hv/domain.h"
#include "hv/vlapic.h"
#include "fixture_machine.h"
#include "sim.h"

#define NR     1024U
#define FIRST  16U
#define DOMID  5U
#define BASE   0xFEE00000ULL
#define T0     1000000ULL        /* the clock when a test starts */

static struct frame_desc table[NR];
static struct domain *d;
static struct vcpu *v;

static int setup(void **state)
{
    (void)state;
    fixture_machine(table, sizeof(table), NR, FIRST);
    assert_int_equal(domain_create(DOMID, 64, PTE_FORMAT_NPT), 0);
    d = domain_find(DOMID);
    d->guest.nr_vcpus = 1;
    v = &d->guest.vcpus[0];
    v->domain = d;
    v->id = 0;
    v->state.paging.maxphyaddr = 48;
    vlapic_reset(v);
    sim_clock_advance(T0);
    return 0;
}

/* ---- access helpers ----------------------------------------------------------------- */

static uint32_t rd(unsigned off)
{
    uint64_t val = 0xDEAD;

    assert_int_equal(vlapic_mmio_read(v, BASE + off, 4, &val), 0);
    assert_true(val <= 0xFFFFFFFFULL);
    return (uint32_t)val;
}

static void wr(unsigned off, uint32_t val)
{
    assert_int_equal(vlapic_mmio_write(v, BASE + off, 4, val), 0);
}

static uint64_t msr(uint32_t m)
{
    uint64_t val = 0xDEAD;

    assert_int_equal(vlapic_msr_read(v, m, &val), 0);
    return val;
}

static void wrmsr(uint32_t m, uint64_t val)
{
    assert_int_equal(vlapic_msr_write(v, m, val), 0);
}

static void gp_read(uint32_t m)
{
    uint64_t val = 0x1234;

    if (vlapic_msr_read(v, m, &val) != -1)
        fail_msg("RDMSR 0x%x should #GP", m);
}

static void gp_write(uint32_t m, uint64_t val)
{
    if (vlapic_msr_write(v, m, val) != -1)
        fail_msg("WRMSR 0x%x <- 0x%llx should #GP", m, (unsigned long long)val);
}

#define X2(reg) VLAPIC_MSR_OF(reg)

static void to_x2apic(void)
{
    wrmsr(VLAPIC_MSR_APIC_BASE, BASE | VLAPIC_BASE_EN | VLAPIC_BASE_EXTD | VLAPIC_BASE_BSP);
}

/* ESR as software reads it: write, then read. */
static uint32_t esr(void)
{
    wr(VLAPIC_REG_ESR, 0);
    return rd(VLAPIC_REG_ESR);
}

static void enable(void)
{
    wr(VLAPIC_REG_SVR, VLAPIC_SVR_ENABLE | 0xFF);
}

static bool irr(unsigned vec)
{
    return (rd(VLAPIC_REG_IRR + (vec / 32) * 16) >> (vec % 32) & 1) != 0;
}

static bool isr(unsigned vec)
{
    return (rd(VLAPIC_REG_ISR + (vec / 32) * 16) >> (vec % 32) & 1) != 0;
}

/* ---- reset -------------------------------------------------------------------------- */

static void test_reset_values(void **state)
{
    (void)state;
    assert_int_equal(msr(VLAPIC_MSR_APIC_BASE), BASE | VLAPIC_BASE_EN | VLAPIC_BASE_BSP);
    assert_int_equal(rd(VLAPIC_REG_ID), 0);
    assert_int_equal(rd(VLAPIC_REG_LVR), 0x50014);
    assert_int_equal(rd(VLAPIC_REG_TPR), 0);
    assert_int_equal(rd(VLAPIC_REG_PPR), 0);
    assert_int_equal(rd(VLAPIC_REG_LDR), 0);
    assert_int_equal(rd(VLAPIC_REG_DFR), 0xFFFFFFFF);
    assert_int_equal(rd(VLAPIC_REG_SVR), 0xFF);
    for (unsigned i = 0; i < 8; i++) {
        assert_int_equal(rd(VLAPIC_REG_ISR + i * 16), 0);
        assert_int_equal(rd(VLAPIC_REG_TMR + i * 16), 0);
        assert_int_equal(rd(VLAPIC_REG_IRR + i * 16), 0);
    }
    assert_int_equal(rd(VLAPIC_REG_ESR), 0);
    assert_int_equal(rd(VLAPIC_REG_ICR), 0);
    assert_int_equal(rd(VLAPIC_REG_ICR2), 0);
    for (unsigned off = VLAPIC_REG_LVT_TIMER; off <= VLAPIC_REG_LVT_ERROR; off += 16)
        assert_int_equal(rd(off), VLAPIC_LVT_MASKED);
    assert_int_equal(rd(VLAPIC_REG_LVT_CMCI), VLAPIC_LVT_MASKED);
    assert_int_equal(rd(VLAPIC_REG_TMICT), 0);
    assert_int_equal(rd(VLAPIC_REG_TMCCT), 0);
    assert_int_equal(rd(VLAPIC_REG_TDCR), 0);
    assert_int_equal(msr(VLAPIC_MSR_TSC_DEADLINE), 0);
    assert_int_equal(vlapic_pending_vector(v), -1);
    assert_int_equal(vlapic_timer_deadline(v), 0);
    /* The APIC id is twice the vCPU id, as the CPUID policy reports it. */
    assert_int_equal(vlapic_state.cpu[d - domain_table][0].id, 0);
}

static void test_reset_clears_state(void **state)
{
    (void)state;
    enable();
    wr(VLAPIC_REG_TPR, 0x20);
    vlapic_set_irq(v, 0x40);
    vlapic_reset(v);
    assert_int_equal(rd(VLAPIC_REG_TPR), 0);
    assert_int_equal(rd(VLAPIC_REG_SVR), 0xFF);
    assert_false(irr(0x40));
}

/* A vCPU outside domain_table has no APIC: #GP, not covered, nothing pending. */
static void test_vcpu_without_state(void **state)
{
    struct domain other = { 0 };
    struct vcpu lone = { .domain = &other, .id = 0 };
    struct vcpu high = { .domain = d, .id = DOMAIN_MAX_VCPUS };
    uint64_t val = 7;

    (void)state;
    vlapic_reset(&lone);
    vlapic_set_irq(&lone, 0x40);
    vlapic_ack(&lone, 0x40);
    vlapic_timer_expire(&lone, T0);
    assert_int_equal(vlapic_msr_read(&lone, VLAPIC_MSR_APIC_BASE, &val), -1);
    assert_int_equal(vlapic_msr_write(&lone, VLAPIC_MSR_APIC_BASE, BASE), -1);
    assert_int_equal(vlapic_msr_read(&high, VLAPIC_MSR_APIC_BASE, &val), -1);
    assert_false(vlapic_mmio_covers(&lone, BASE));
    assert_int_equal(vlapic_mmio_read(&lone, BASE, 4, &val), -1);
    assert_int_equal(vlapic_mmio_write(&lone, BASE + VLAPIC_REG_TPR, 4, 1), -1);
    assert_int_equal(vlapic_pending_vector(&lone), -1);
    assert_int_equal(vlapic_entry_poll(&lone, T0), -1);
    assert_int_equal(vlapic_timer_deadline(&lone), 0);
    assert_int_equal(val, 7);
}

/* ---- xAPIC registers ----------------------------------------------------------------- */

static void test_xapic_covers(void **state)
{
    (void)state;
    assert_true(vlapic_mmio_covers(v, BASE));
    assert_true(vlapic_mmio_covers(v, BASE + 0xFFF));
    assert_false(vlapic_mmio_covers(v, BASE - 1));
    assert_false(vlapic_mmio_covers(v, BASE + 0x1000));
    to_x2apic();
    assert_false(vlapic_mmio_covers(v, BASE));
}

static void test_xapic_read_write(void **state)
{
    (void)state;
    wr(VLAPIC_REG_TPR, 0xFFFFFF45);
    assert_int_equal(rd(VLAPIC_REG_TPR), 0x45);
    assert_int_equal(rd(VLAPIC_REG_PPR), 0x45);
    wr(VLAPIC_REG_LDR, 0x12345678);
    assert_int_equal(rd(VLAPIC_REG_LDR), 0x12000000);
    wr(VLAPIC_REG_DFR, 0x0);
    assert_int_equal(rd(VLAPIC_REG_DFR), 0x0FFFFFFF);
    wr(VLAPIC_REG_SVR, 0xFFFFFFFF);
    assert_int_equal(rd(VLAPIC_REG_SVR), 0x3FF);
    wr(VLAPIC_REG_ICR2, 0xFFFFFFFF);
    assert_int_equal(rd(VLAPIC_REG_ICR2), 0xFF000000);
    wr(VLAPIC_REG_TDCR, 0xFFFFFFFF);
    assert_int_equal(rd(VLAPIC_REG_TDCR), 0xB);
    wr(VLAPIC_REG_LVT_LINT0, 0xFFFFFFFF);   /* status, remote IRR, bits 17+ dropped */
    assert_int_equal(rd(VLAPIC_REG_LVT_LINT0), 0x1A7FF);
    wr(VLAPIC_REG_LVT_ERROR, 0x0001F7FF);
    assert_int_equal(rd(VLAPIC_REG_LVT_ERROR), 0x100FF);
    wr(VLAPIC_REG_LVT_PERF, 0x0001F7FF);
    assert_int_equal(rd(VLAPIC_REG_LVT_PERF), 0x107FF);
    wr(VLAPIC_REG_LVT_THERMAL, 0x400);
    assert_int_equal(rd(VLAPIC_REG_LVT_THERMAL), 0x400);
    wr(VLAPIC_REG_LVT_CMCI, 0x1F0);
    assert_int_equal(rd(VLAPIC_REG_LVT_CMCI), 0x1F0);
    wr(VLAPIC_REG_LVT_TIMER, 0x2000F0);     /* bit 21 reserved: dropped */
    assert_int_equal(rd(VLAPIC_REG_LVT_TIMER), 0xF0);
    wr(VLAPIC_REG_LVT_TIMER, 0x600F1);      /* reserved timer mode 3: write ignored */
    assert_int_equal(rd(VLAPIC_REG_LVT_TIMER), 0xF0);
    wr(VLAPIC_REG_TMICT, 0xFFFFFFFF);
    assert_int_equal(rd(VLAPIC_REG_TMICT), 0xFFFFFFFF);
    assert_int_equal(esr(), 0);
}

static void test_xapic_read_only_ignored(void **state)
{
    (void)state;
    wr(VLAPIC_REG_ID, 0x05000000);
    wr(VLAPIC_REG_LVR, 0);
    wr(VLAPIC_REG_PPR, 0xFF);
    wr(VLAPIC_REG_ISR, 0xFFFFFFFF);
    wr(VLAPIC_REG_TMR + 0x70, 0xFFFFFFFF);
    wr(VLAPIC_REG_IRR + 0x10, 0xFFFFFFFF);
    wr(VLAPIC_REG_TMCCT, 5);
    wr(VLAPIC_REG_APR, 5);
    wr(VLAPIC_REG_RRD, 5);
    assert_int_equal(rd(VLAPIC_REG_ID), 0);
    assert_int_equal(rd(VLAPIC_REG_LVR), 0x50014);
    assert_int_equal(rd(VLAPIC_REG_PPR), 0);
    assert_int_equal(rd(VLAPIC_REG_ISR), 0);
    assert_int_equal(rd(VLAPIC_REG_TMR + 0x70), 0);
    assert_int_equal(rd(VLAPIC_REG_IRR + 0x10), 0);
    assert_int_equal(rd(VLAPIC_REG_TMCCT), 0);
    assert_int_equal(rd(VLAPIC_REG_APR), 0);
    assert_int_equal(rd(VLAPIC_REG_RRD), 0);
    assert_int_equal(rd(VLAPIC_REG_EOI), 0);
    assert_int_equal(esr(), 0);
}

/* Reserved offsets read 0 and record "illegal register address"; so does the x2APIC-only SELF IPI. */
static void test_xapic_illegal_register(void **state)
{
    (void)state;
    assert_int_equal(rd(0x000), 0);
    assert_int_equal(esr(), VLAPIC_ESR_ILLEGAL_REG);
    assert_int_equal(esr(), 0);             /* back-to-back writes clear */
    wr(VLAPIC_REG_SELF_IPI, 0x40);
    assert_int_equal(esr(), VLAPIC_ESR_ILLEGAL_REG);
    assert_false(irr(0x40));
    wr(0x3A0, 1);
    assert_int_equal(esr(), VLAPIC_ESR_ILLEGAL_REG);
    assert_int_equal(rd(0xFF0), 0);
    assert_int_equal(esr(), VLAPIC_ESR_ILLEGAL_REG);
}

static void test_xapic_access_sizes(void **state)
{
    uint64_t val;

    (void)state;
    assert_int_equal(vlapic_mmio_read(v, BASE + 0x30, 1, &val), 0);
    assert_int_equal(val, 0x14);
    assert_int_equal(vlapic_mmio_read(v, BASE + 0x32, 2, &val), 0);
    assert_int_equal(val, 0x5);
    assert_int_equal(vlapic_mmio_read(v, BASE + 0x30, 8, &val), 0);
    assert_int_equal(val, 0x50014);             /* bytes 4-7 of the slot read 0 */
    assert_int_equal(vlapic_mmio_read(v, BASE + 0x2E, 4, &val), 0);
    assert_int_equal(val, 0x00140000);          /* straddles two slots */
    assert_int_equal(vlapic_mmio_read(v, BASE + 0x34, 4, &val), 0);
    assert_int_equal(val, 0);
    assert_int_equal(vlapic_mmio_read(v, BASE + 0x30, 3, &val), -1);
    assert_int_equal(vlapic_mmio_read(v, BASE + 0x30, 0, &val), -1);
    assert_int_equal(vlapic_mmio_read(v, BASE + 0xFFC, 8, &val), -1);
    assert_int_equal(vlapic_mmio_read(v, BASE + 0x1000, 4, &val), -1);
    /* Narrow and misaligned stores are dropped, 8-byte stores write the low half. */
    assert_int_equal(vlapic_mmio_write(v, BASE + VLAPIC_REG_TPR, 1, 0x30), 0);
    assert_int_equal(vlapic_mmio_write(v, BASE + VLAPIC_REG_TPR + 1, 4, 0x30), 0);
    assert_int_equal(rd(VLAPIC_REG_TPR), 0);
    assert_int_equal(vlapic_mmio_write(v, BASE + VLAPIC_REG_TPR, 8, 0x1234567800000031ULL), 0);
    assert_int_equal(rd(VLAPIC_REG_TPR), 0x31);
    assert_int_equal(vlapic_mmio_write(v, BASE + VLAPIC_REG_TPR, 3, 0), -1);
    assert_int_equal(vlapic_mmio_write(v, BASE + 0xFFC, 8, 0), -1);
    assert_int_equal(vlapic_mmio_write(v, BASE - 4, 4, 0), -1);
}

/* ---- APIC_BASE and modes ---------------------------------------------------------------- */

static void test_mode_transitions(void **state)
{
    const uint64_t en = VLAPIC_BASE_EN, x2 = VLAPIC_BASE_EXTD;

    (void)state;
    wr(VLAPIC_REG_TPR, 0x20);
    to_x2apic();                                          /* xAPIC -> x2APIC keeps registers */
    assert_int_equal(msr(VLAPIC_MSR_APIC_BASE), BASE | en | x2 | VLAPIC_BASE_BSP);
    assert_int_equal(msr(X2(VLAPIC_REG_TPR)), 0x20);
    assert_int_equal(msr(X2(VLAPIC_REG_LDR)), 0x00000001); /* cluster 0, bit 0 for id 0 */
    assert_int_equal(msr(X2(VLAPIC_REG_ID)), 0);
    gp_write(VLAPIC_MSR_APIC_BASE, BASE | en);            /* x2APIC -> xAPIC */
    gp_write(VLAPIC_MSR_APIC_BASE, BASE | x2);            /* invalid state */
    wrmsr(VLAPIC_MSR_APIC_BASE, BASE | en | x2);          /* same mode: fine (BSP ignored) */
    assert_int_equal(msr(VLAPIC_MSR_APIC_BASE), BASE | en | x2 | VLAPIC_BASE_BSP);
    wrmsr(VLAPIC_MSR_APIC_BASE, BASE);                    /* x2APIC -> disabled */
    gp_read(X2(VLAPIC_REG_TPR));
    assert_false(vlapic_mmio_covers(v, BASE));
    gp_write(VLAPIC_MSR_APIC_BASE, BASE | en | x2);       /* disabled -> x2APIC */
    gp_write(VLAPIC_MSR_APIC_BASE, BASE | x2);
    wrmsr(VLAPIC_MSR_APIC_BASE, BASE | en);               /* disabled -> xAPIC: registers reset */
    assert_int_equal(rd(VLAPIC_REG_TPR), 0);
    assert_int_equal(rd(VLAPIC_REG_SVR), 0xFF);
    wrmsr(VLAPIC_MSR_APIC_BASE, BASE);                    /* xAPIC -> disabled */
    assert_int_equal(msr(VLAPIC_MSR_APIC_BASE), BASE | VLAPIC_BASE_BSP);
}

static void test_apic_base_reserved_and_relocation(void **state)
{
    const uint64_t en = VLAPIC_BASE_EN;

    (void)state;
    gp_write(VLAPIC_MSR_APIC_BASE, BASE | en | 1);
    gp_write(VLAPIC_MSR_APIC_BASE, BASE | en | (1ULL << 9));
    gp_write(VLAPIC_MSR_APIC_BASE, BASE | en | (1ULL << 48));   /* beyond MAXPHYADDR 48 */
    gp_write(VLAPIC_MSR_APIC_BASE, BASE | en | (1ULL << 63));
    assert_int_equal(msr(VLAPIC_MSR_APIC_BASE), BASE | en | VLAPIC_BASE_BSP);
    wrmsr(VLAPIC_MSR_APIC_BASE, 0xFED00000ULL | en);           /* BSP cleared: ignored */
    assert_int_equal(msr(VLAPIC_MSR_APIC_BASE), 0xFED00000ULL | en | VLAPIC_BASE_BSP);
    assert_true(vlapic_mmio_covers(v, 0xFED00030ULL));
    assert_false(vlapic_mmio_covers(v, BASE));
    v->state.paging.maxphyaddr = 0;                            /* unknown: 36 bits */
    gp_write(VLAPIC_MSR_APIC_BASE, (1ULL << 36) | en);
    wrmsr(VLAPIC_MSR_APIC_BASE, (1ULL << 35) | en);
}

/* ---- x2APIC MSRs ------------------------------------------------------------------------ */

static void test_x2apic_needs_x2apic_mode(void **state)
{
    (void)state;
    gp_read(X2(VLAPIC_REG_ID));
    gp_write(X2(VLAPIC_REG_TPR), 0);
    gp_write(X2(VLAPIC_REG_ICR), 0x40);
    gp_read(X2(VLAPIC_REG_ICR));
    gp_read(0x10);                  /* not an MSR of ours */
    gp_write(0x10, 0);
    assert_true(vlapic_msr_handled(0x1B) && vlapic_msr_handled(0x6E0));
    assert_true(vlapic_msr_handled(0x800) && vlapic_msr_handled(0x8FF));
    assert_false(vlapic_msr_handled(0x7FF) || vlapic_msr_handled(0x900) || vlapic_msr_handled(0x10));
}

static void test_x2apic_registers(void **state)
{
    (void)state;
    to_x2apic();
    assert_int_equal(msr(X2(VLAPIC_REG_LVR)), 0x50014);
    wrmsr(X2(VLAPIC_REG_TPR), 0x37);
    assert_int_equal(msr(X2(VLAPIC_REG_TPR)), 0x37);
    assert_int_equal(msr(X2(VLAPIC_REG_PPR)), 0x37);
    wrmsr(X2(VLAPIC_REG_SVR), 0x3FF);
    assert_int_equal(msr(X2(VLAPIC_REG_SVR)), 0x3FF);
    wrmsr(X2(VLAPIC_REG_LVT_TIMER), 0x200F0);
    assert_int_equal(msr(X2(VLAPIC_REG_LVT_TIMER)), 0x200F0);
    wrmsr(X2(VLAPIC_REG_LVT_LINT1), 0x1A7FF | (1U << 12) | (1U << 14)); /* read-only bits accepted */
    assert_int_equal(msr(X2(VLAPIC_REG_LVT_LINT1)), 0x1A7FF);
    wrmsr(X2(VLAPIC_REG_LVT_CMCI), 0x10000);
    assert_int_equal(msr(X2(VLAPIC_REG_LVT_CMCI)), 0x10000);
    wrmsr(X2(VLAPIC_REG_TDCR), 0xB);
    assert_int_equal(msr(X2(VLAPIC_REG_TDCR)), 0xB);
    wrmsr(X2(VLAPIC_REG_TMICT), 0xFFFFFFFF);
    assert_int_equal(msr(X2(VLAPIC_REG_TMICT)), 0xFFFFFFFF);
    wrmsr(X2(VLAPIC_REG_ICR), 0x0000000700000000ULL | 0x40);
    assert_int_equal(msr(X2(VLAPIC_REG_ICR)), 0x0000000700000040ULL);
    wrmsr(X2(VLAPIC_REG_EOI), 0);
    wrmsr(X2(VLAPIC_REG_ESR), 0);
    assert_int_equal(msr(X2(VLAPIC_REG_ESR)), 0);
    for (unsigned i = 0; i < 8; i++) {
        assert_int_equal(msr(X2(VLAPIC_REG_ISR + i * 16)), 0);
        assert_int_equal(msr(X2(VLAPIC_REG_TMR + i * 16)), 0);
        assert_int_equal(msr(X2(VLAPIC_REG_IRR + i * 16)), 0);
    }
}

static void test_x2apic_gp_rules(void **state)
{
    static const uint32_t read_only[] = {
        VLAPIC_REG_ID, VLAPIC_REG_LVR, VLAPIC_REG_PPR, VLAPIC_REG_LDR, VLAPIC_REG_ISR,
        VLAPIC_REG_ISR + 0x70, VLAPIC_REG_TMR, VLAPIC_REG_IRR + 0x70, VLAPIC_REG_TMCCT,
    };
    static const uint32_t missing[] = { 0x800, 0x801, 0x809, 0x80C, 0x80E, 0x831, 0x83A, 0x840, 0x8FF };

    (void)state;
    to_x2apic();
    for (size_t i = 0; i < sizeof(read_only) / sizeof(read_only[0]); i++) {
        (void)msr(X2(read_only[i]));
        gp_write(X2(read_only[i]), 0);
    }
    for (size_t i = 0; i < sizeof(missing) / sizeof(missing[0]); i++) {
        gp_read(missing[i]);
        gp_write(missing[i], 0);
    }
    gp_read(X2(VLAPIC_REG_EOI));                          /* write-only */
    gp_read(X2(VLAPIC_REG_SELF_IPI));
    gp_write(X2(VLAPIC_REG_EOI), 1);
    gp_write(X2(VLAPIC_REG_ESR), 1);
    gp_write(X2(VLAPIC_REG_TPR), 0x100);
    gp_write(X2(VLAPIC_REG_TPR), 1ULL << 32);             /* upper half reserved */
    gp_write(X2(VLAPIC_REG_SVR), 0x1000);                 /* EOI-broadcast suppression: not offered */
    gp_write(X2(VLAPIC_REG_TDCR), 0x4);
    gp_write(X2(VLAPIC_REG_LVT_TIMER), 0x600F0);          /* reserved timer mode */
    gp_write(X2(VLAPIC_REG_LVT_TIMER), 0x700);            /* no delivery mode in the timer LVT */
    gp_write(X2(VLAPIC_REG_LVT_ERROR), 1U << 13);
    gp_write(X2(VLAPIC_REG_LVT_LINT0), 1U << 17);
    gp_write(X2(VLAPIC_REG_ICR), 0x1040);                 /* delivery status is reserved here */
    gp_write(X2(VLAPIC_REG_ICR), 0x100040);
    gp_write(X2(VLAPIC_REG_SELF_IPI), 0x140);
    gp_write(X2(VLAPIC_REG_SELF_IPI), 1ULL << 40);
    /* Nothing changed. */
    assert_int_equal(msr(X2(VLAPIC_REG_TPR)), 0);
    assert_int_equal(msr(X2(VLAPIC_REG_SVR)), 0xFF);
    assert_int_equal(msr(X2(VLAPIC_REG_LVT_TIMER)), VLAPIC_LVT_MASKED);
    assert_int_equal(msr(X2(VLAPIC_REG_ICR)), 0);
}

/* ---- interrupts ----------------------------------------------------------------------- */

static void test_eoi_nested(void **state)
{
    (void)state;
    enable();
    vlapic_set_irq(v, 0x30);
    vlapic_set_irq(v, 0x50);
    assert_int_equal(vlapic_pending_vector(v), 0x50);
    vlapic_ack(v, 0x50);
    assert_true(isr(0x50));
    assert_false(irr(0x50));
    assert_int_equal(rd(VLAPIC_REG_PPR), 0x50);
    assert_int_equal(vlapic_pending_vector(v), -1);       /* 0x30 is below the class in service */
    vlapic_set_irq(v, 0x61);                              /* a higher class nests */
    assert_int_equal(vlapic_pending_vector(v), 0x61);
    vlapic_ack(v, 0x61);
    assert_int_equal(rd(VLAPIC_REG_PPR), 0x60);
    wr(VLAPIC_REG_EOI, 0);                                /* ends 0x61, the highest in service */
    assert_false(isr(0x61));
    assert_true(isr(0x50));
    assert_int_equal(vlapic_pending_vector(v), -1);
    wr(VLAPIC_REG_EOI, 0xFFFFFFFF);                       /* any value in xAPIC mode */
    assert_int_equal(rd(VLAPIC_REG_PPR), 0);
    assert_int_equal(vlapic_pending_vector(v), 0x30);
    vlapic_ack(v, 0x30);
    wr(VLAPIC_REG_EOI, 0);
    assert_int_equal(vlapic_pending_vector(v), -1);
    wr(VLAPIC_REG_EOI, 0);                                /* nothing in service: no effect */
    assert_int_equal(rd(VLAPIC_REG_ISR + 0x10), 0);
}

static void test_same_class_waits(void **state)
{
    (void)state;
    enable();
    vlapic_set_irq(v, 0x41);
    vlapic_ack(v, 0x41);
    vlapic_set_irq(v, 0x4F);
    assert_int_equal(vlapic_pending_vector(v), -1);
    wr(VLAPIC_REG_EOI, 0);
    assert_int_equal(vlapic_pending_vector(v), 0x4F);
}

static void test_ack_without_request(void **state)
{
    (void)state;
    enable();
    vlapic_ack(v, 0x80);
    assert_false(isr(0x80));
    assert_int_equal(rd(VLAPIC_REG_PPR), 0);
}

static void test_tpr_masks(void **state)
{
    (void)state;
    enable();
    wr(VLAPIC_REG_TPR, 0x4A);
    vlapic_set_irq(v, 0x45);
    assert_int_equal(vlapic_pending_vector(v), -1);       /* class 4 <= TPR class 4 */
    vlapic_set_irq(v, 0x51);
    assert_int_equal(vlapic_pending_vector(v), 0x51);
    vlapic_ack(v, 0x51);
    assert_int_equal(rd(VLAPIC_REG_PPR), 0x50);           /* ISR class above TPR */
    wr(VLAPIC_REG_EOI, 0);
    assert_int_equal(rd(VLAPIC_REG_PPR), 0x4A);           /* TPR itself, low bits kept */
    wr(VLAPIC_REG_TPR, 0x3F);
    assert_int_equal(vlapic_pending_vector(v), 0x45);
    wr(VLAPIC_REG_TPR, 0xF0);
    assert_int_equal(vlapic_pending_vector(v), -1);
}

static void test_disabled_apic_holds_or_drops(void **state)
{
    (void)state;
    vlapic_set_irq(v, 0x40);                              /* software-disabled: held */
    assert_true(irr(0x40));
    assert_int_equal(vlapic_pending_vector(v), -1);
    enable();
    assert_int_equal(vlapic_pending_vector(v), 0x40);
    wr(VLAPIC_REG_SVR, 0xFF);
    assert_int_equal(vlapic_pending_vector(v), -1);
    wrmsr(VLAPIC_MSR_APIC_BASE, BASE);                    /* hardware-disabled: dropped */
    vlapic_set_irq(v, 0x41);
    wrmsr(VLAPIC_MSR_APIC_BASE, BASE | VLAPIC_BASE_EN);
    enable();
    assert_false(irr(0x41));
    assert_false(irr(0x40));                              /* the transition reset IRR */
    assert_int_equal(vlapic_pending_vector(v), -1);
}

static void test_illegal_vectors(void **state)
{
    (void)state;
    enable();
    vlapic_set_irq(v, 15);
    assert_int_equal(rd(VLAPIC_REG_IRR), 0);
    assert_int_equal(esr(), VLAPIC_ESR_RECV_ILLEGAL);
    wr(VLAPIC_REG_ICR, 0x40000 | 3);                      /* self IPI, vector 3 */
    assert_int_equal(rd(VLAPIC_REG_IRR), 0);
    assert_int_equal(esr(), VLAPIC_ESR_SEND_ILLEGAL);
    assert_int_equal(esr(), 0);
    /* Errors raise the error LVT's interrupt when it is unmasked. */
    wr(VLAPIC_REG_LVT_ERROR, 0xFE);
    vlapic_set_irq(v, 1);
    assert_true(irr(0xFE));
    assert_int_equal(vlapic_pending_vector(v), 0xFE);
    wr(VLAPIC_REG_LVT_ERROR, 0x05);                       /* an illegal error vector raises nothing */
    (void)rd(0x10);
    assert_int_equal(esr(), VLAPIC_ESR_RECV_ILLEGAL | VLAPIC_ESR_ILLEGAL_REG);
    assert_int_equal(rd(VLAPIC_REG_IRR), 0);
}

/* ---- IPIs --------------------------------------------------------------------------------- */

static void test_xapic_self_ipis(void **state)
{
    (void)state;
    enable();
    wr(VLAPIC_REG_ICR, 0x40000 | 0x41);                   /* shorthand self */
    assert_true(irr(0x41));
    wr(VLAPIC_REG_ICR, 0x80000 | 0x42);                   /* all including self */
    assert_true(irr(0x42));
    wr(VLAPIC_REG_ICR, 0xC0000 | 0x43);                   /* all excluding self */
    assert_false(irr(0x43));
    assert_int_equal(rd(VLAPIC_REG_ICR), 0xC0043);        /* delivery status always idle */
    wr(VLAPIC_REG_ICR2, 0x00000000);
    wr(VLAPIC_REG_ICR, 0x44);                             /* physical, our id 0 */
    assert_true(irr(0x44));
    wr(VLAPIC_REG_ICR2, 0x01000000);
    wr(VLAPIC_REG_ICR, 0x45);                             /* another APIC: nobody */
    assert_false(irr(0x45));
    wr(VLAPIC_REG_ICR2, 0xFF000000);
    wr(VLAPIC_REG_ICR, 0x46);                             /* broadcast */
    assert_true(irr(0x46));
    wr(VLAPIC_REG_ICR, 0x447);                            /* NMI: not delivered as a vector */
    wr(VLAPIC_REG_ICR, 0x548);                            /* INIT */
    wr(VLAPIC_REG_ICR, 0x649);                            /* start-up */
    wr(VLAPIC_REG_ICR, 0x24A);                            /* SMI */
    assert_false(irr(0x47) || irr(0x48) || irr(0x49) || irr(0x4A));
    wr(VLAPIC_REG_ICR, 0x14B);                            /* lowest priority: like fixed */
    assert_true(irr(0x4B));
}

static void test_xapic_logical_destinations(void **state)
{
    (void)state;
    enable();
    wr(VLAPIC_REG_LDR, 0x02000000);                       /* flat: bit 1 */
    wr(VLAPIC_REG_ICR2, 0x03000000);
    wr(VLAPIC_REG_ICR, 0x800 | 0x50);
    assert_true(irr(0x50));
    wr(VLAPIC_REG_ICR2, 0x04000000);
    wr(VLAPIC_REG_ICR, 0x800 | 0x51);
    assert_false(irr(0x51));
    wr(VLAPIC_REG_DFR, 0x0FFFFFFF);                       /* cluster model */
    wr(VLAPIC_REG_LDR, 0x32000000);                       /* cluster 3, bit 1 */
    wr(VLAPIC_REG_ICR2, 0x32000000);
    wr(VLAPIC_REG_ICR, 0x800 | 0x52);
    assert_true(irr(0x52));
    wr(VLAPIC_REG_ICR2, 0x22000000);                      /* other cluster */
    wr(VLAPIC_REG_ICR, 0x800 | 0x53);
    assert_false(irr(0x53));
    wr(VLAPIC_REG_ICR2, 0x31000000);                      /* other member */
    wr(VLAPIC_REG_ICR, 0x800 | 0x54);
    assert_false(irr(0x54));
    wr(VLAPIC_REG_ICR2, 0xFF000000);
    wr(VLAPIC_REG_ICR, 0x800 | 0x55);
    assert_true(irr(0x55));
}

static void test_x2apic_ipis(void **state)
{
    (void)state;
    to_x2apic();
    wrmsr(X2(VLAPIC_REG_SVR), 0x1FF);
    wrmsr(X2(VLAPIC_REG_SELF_IPI), 0x61);
    assert_int_equal(vlapic_pending_vector(v), 0x61);
    wrmsr(X2(VLAPIC_REG_SELF_IPI), 0x05);
    wrmsr(X2(VLAPIC_REG_ESR), 0);
    assert_int_equal(msr(X2(VLAPIC_REG_ESR)), VLAPIC_ESR_SEND_ILLEGAL);
    wrmsr(X2(VLAPIC_REG_ICR), 0x62);                       /* physical 0: us */
    wrmsr(X2(VLAPIC_REG_ICR), (1ULL << 32) | 0x63);        /* physical 1: nobody */
    wrmsr(X2(VLAPIC_REG_ICR), (0xFFFFFFFFULL << 32) | 0x64);
    wrmsr(X2(VLAPIC_REG_ICR), (0x00000001ULL << 32) | 0x800 | 0x65); /* logical cluster 0, bit 0 */
    wrmsr(X2(VLAPIC_REG_ICR), (0x00010001ULL << 32) | 0x800 | 0x66); /* cluster 1 */
    wrmsr(X2(VLAPIC_REG_ICR), (0x00000002ULL << 32) | 0x800 | 0x67); /* bit 1 */
    wrmsr(X2(VLAPIC_REG_ICR), (0xFFFFFFFFULL << 32) | 0x800 | 0x68);
    assert_int_equal(msr(X2(VLAPIC_REG_IRR + 0x30)),
                     (1U << 1) | (1U << 2) | (1U << 4) | (1U << 5) | (1U << 8));
}

/* ---- LVT and SVR ---------------------------------------------------------------------- */

static void test_software_disable_masks_lvts(void **state)
{
    (void)state;
    wr(VLAPIC_REG_LVT_TIMER, 0x40);                       /* disabled: stays masked */
    assert_int_equal(rd(VLAPIC_REG_LVT_TIMER), VLAPIC_LVT_MASKED | 0x40);
    enable();
    wr(VLAPIC_REG_LVT_TIMER, 0x40);
    wr(VLAPIC_REG_LVT_LINT0, 0x700);
    assert_int_equal(rd(VLAPIC_REG_LVT_TIMER), 0x40);
    wr(VLAPIC_REG_SVR, 0x0FF);
    assert_int_equal(rd(VLAPIC_REG_LVT_TIMER), VLAPIC_LVT_MASKED | 0x40);
    assert_int_equal(rd(VLAPIC_REG_LVT_LINT0), VLAPIC_LVT_MASKED | 0x700);
}

/* ---- timer ------------------------------------------------------------------------------ */

static void timer_setup(uint32_t lvt, uint32_t tdcr)
{
    enable();
    wr(VLAPIC_REG_TDCR, tdcr);
    wr(VLAPIC_REG_LVT_TIMER, lvt);
}

static void test_timer_one_shot(void **state)
{
    (void)state;
    timer_setup(0x40, 0xB);                               /* divide by 1: 1 count per ns */
    wr(VLAPIC_REG_TMICT, 1000);
    assert_int_equal(vlapic_timer_deadline(v), T0 + 1000);
    assert_int_equal(rd(VLAPIC_REG_TMCCT), 1000);
    sim_clock_advance(300);
    assert_int_equal(rd(VLAPIC_REG_TMCCT), 700);
    vlapic_timer_expire(v, T0 + 999);
    assert_false(irr(0x40));
    vlapic_timer_expire(v, T0 + 1000);
    assert_true(irr(0x40));
    assert_int_equal(vlapic_timer_deadline(v), 0);
    sim_clock_advance(700);
    assert_int_equal(rd(VLAPIC_REG_TMCCT), 0);
    assert_int_equal(rd(VLAPIC_REG_TMICT), 1000);
    vlapic_ack(v, 0x40);
    vlapic_timer_expire(v, T0 + 5000);                    /* fires once */
    assert_false(irr(0x40));
}

/*
 * The scheduler's entry check: the timer fires if due, then the highest
 * deliverable vector, as vlapic_timer_expire + vlapic_pending_vector.
 */
static void test_entry_poll(void **state)
{
    (void)state;
    assert_int_equal(vlapic_entry_poll(v, T0), -1);       /* nothing armed, nothing pending */
    timer_setup(0x40, 0xB);
    wr(VLAPIC_REG_TMICT, 1000);
    assert_int_equal(vlapic_entry_poll(v, T0 + 999), -1); /* not due yet: still armed */
    assert_int_equal(vlapic_timer_deadline(v), T0 + 1000);
    assert_false(irr(0x40));
    assert_int_equal(vlapic_entry_poll(v, T0 + 1000), 0x40);
    assert_true(irr(0x40));
    assert_int_equal(vlapic_timer_deadline(v), 0);        /* one-shot: disarmed */
    assert_int_equal(vlapic_entry_poll(v, T0 + 2000), 0x40);   /* still pending, not fired again */
    vlapic_ack(v, 0x40);
    assert_int_equal(vlapic_entry_poll(v, T0 + 3000), -1);     /* in service now */
    vlapic_set_irq(v, 0x61);
    assert_int_equal(vlapic_entry_poll(v, T0 + 3000), 0x61);   /* a higher class than 0x40 */
    wr(VLAPIC_REG_EOI, 0);
    wr(VLAPIC_REG_LVT_TIMER, VLAPIC_LVT_MASKED | 0x50);
    wr(VLAPIC_REG_TMICT, 10);
    assert_int_equal(vlapic_entry_poll(v, T0 + 3000 + 10), 0x61);   /* masked: fires, requests nothing */
    assert_false(irr(0x50));
    assert_int_equal(vlapic_timer_deadline(v), 0);
}

static void test_timer_count_runs_out_without_expire(void **state)
{
    (void)state;
    timer_setup(0x40, 0xB);
    wr(VLAPIC_REG_TMICT, 100);
    sim_clock_advance(250);
    assert_int_equal(rd(VLAPIC_REG_TMCCT), 0);
    wr(VLAPIC_REG_TMICT, 0);                              /* 0 stops the timer */
    assert_int_equal(vlapic_timer_deadline(v), 0);
}

static void test_timer_periodic(void **state)
{
    (void)state;
    timer_setup(0x20041, 0x0);                            /* periodic, divide by 2 */
    wr(VLAPIC_REG_TMICT, 100);                            /* period 200 ns */
    assert_int_equal(vlapic_timer_deadline(v), T0 + 200);
    sim_clock_advance(50);
    assert_int_equal(rd(VLAPIC_REG_TMCCT), 75);
    vlapic_timer_expire(v, T0 + 200);
    assert_true(irr(0x41));
    assert_int_equal(vlapic_timer_deadline(v), T0 + 400);
    vlapic_ack(v, 0x41);
    wr(VLAPIC_REG_EOI, 0);
    sim_clock_advance(1000);                              /* now T0 + 1050: periods missed */
    assert_int_equal(rd(VLAPIC_REG_TMCCT), 75);           /* reloads without expire calls */
    vlapic_timer_expire(v, T0 + 1050);
    assert_true(irr(0x41));                               /* coalesced into one */
    assert_int_equal(vlapic_timer_deadline(v), T0 + 1200);
    assert_int_equal(rd(VLAPIC_REG_TMCCT), 75);
}

static void test_timer_masked(void **state)
{
    (void)state;
    timer_setup(VLAPIC_LVT_MASKED | 0x40, 0xB);
    wr(VLAPIC_REG_TMICT, 10);
    assert_int_equal(vlapic_timer_deadline(v), T0 + 10);
    vlapic_timer_expire(v, T0 + 10);
    assert_false(irr(0x40));
    assert_int_equal(vlapic_timer_deadline(v), 0);        /* one-shot disarmed all the same */
}

static void test_timer_divide_config(void **state)
{
    static const struct { uint32_t tdcr; uint64_t div; } codes[] = {
        { 0x0, 2 }, { 0x1, 4 }, { 0x2, 8 }, { 0x3, 16 },
        { 0x8, 32 }, { 0x9, 64 }, { 0xA, 128 }, { 0xB, 1 },
    };

    (void)state;
    timer_setup(0x40, 0);
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        wr(VLAPIC_REG_TDCR, codes[i].tdcr);
        wr(VLAPIC_REG_TMICT, 1000);
        assert_int_equal(vlapic_timer_deadline(v), hal_time_ns() + 1000 * codes[i].div);
    }
    /* A new divisor applies from now on; the count goes on from where it was. */
    wr(VLAPIC_REG_TDCR, 0xB);
    wr(VLAPIC_REG_TMICT, 1000);
    sim_clock_advance(400);
    wr(VLAPIC_REG_TDCR, 0x0);                             /* divide by 2 */
    assert_int_equal(rd(VLAPIC_REG_TMCCT), 600);
    assert_int_equal(vlapic_timer_deadline(v), hal_time_ns() + 1200);
    sim_clock_advance(200);
    assert_int_equal(rd(VLAPIC_REG_TMCCT), 500);
}

static void test_timer_mode_change_disarms(void **state)
{
    (void)state;
    timer_setup(0x40, 0xB);
    wr(VLAPIC_REG_TMICT, 1000);
    wr(VLAPIC_REG_LVT_TIMER, 0x41);                       /* same mode: keeps counting */
    assert_int_equal(vlapic_timer_deadline(v), T0 + 1000);
    wr(VLAPIC_REG_LVT_TIMER, 0x20041);                    /* periodic: disarmed */
    assert_int_equal(vlapic_timer_deadline(v), 0);
    assert_int_equal(rd(VLAPIC_REG_TMICT), 0);
    assert_int_equal(rd(VLAPIC_REG_TMCCT), 0);
}

static void test_timer_tsc_deadline(void **state)
{
    (void)state;
    timer_setup(0x40, 0xB);
    wrmsr(VLAPIC_MSR_TSC_DEADLINE, hal_rdtsc() + 500);    /* not in TSC-deadline mode: ignored */
    assert_int_equal(msr(VLAPIC_MSR_TSC_DEADLINE), 0);
    assert_int_equal(vlapic_timer_deadline(v), 0);
    wr(VLAPIC_REG_LVT_TIMER, VLAPIC_LVT_TIMER_TSC | 0x42);
    wrmsr(VLAPIC_MSR_TSC_DEADLINE, hal_rdtsc() + 500);
    assert_int_equal(msr(VLAPIC_MSR_TSC_DEADLINE), hal_rdtsc() + 500);
    assert_int_equal(vlapic_timer_deadline(v), T0 + 500);
    wr(VLAPIC_REG_TMICT, 100);                            /* ignored in this mode */
    assert_int_equal(rd(VLAPIC_REG_TMICT), 0);
    assert_int_equal(rd(VLAPIC_REG_TMCCT), 0);
    vlapic_timer_expire(v, T0 + 499);
    assert_false(irr(0x42));
    vlapic_timer_expire(v, T0 + 500);
    assert_true(irr(0x42));
    assert_int_equal(msr(VLAPIC_MSR_TSC_DEADLINE), 0);
    assert_int_equal(vlapic_timer_deadline(v), 0);
    /* A deadline already past is due at once; 0 disarms; a mode change disarms. */
    wrmsr(VLAPIC_MSR_TSC_DEADLINE, 1);
    assert_int_equal(vlapic_timer_deadline(v), 1);
    wrmsr(VLAPIC_MSR_TSC_DEADLINE, 0);
    assert_int_equal(vlapic_timer_deadline(v), 0);
    wrmsr(VLAPIC_MSR_TSC_DEADLINE, hal_rdtsc() + 10);
    wr(VLAPIC_REG_LVT_TIMER, 0x42);
    assert_int_equal(vlapic_timer_deadline(v), 0);
    assert_int_equal(msr(VLAPIC_MSR_TSC_DEADLINE), 0);
    /* Far deadlines saturate instead of wrapping. */
    wr(VLAPIC_REG_LVT_TIMER, VLAPIC_LVT_TIMER_TSC | 0x42);
    wrmsr(VLAPIC_MSR_TSC_DEADLINE, ~0ULL);
    assert_true(vlapic_timer_deadline(v) > T0 + 1000000000000ULL);
}

static void test_timer_x2apic(void **state)
{
    (void)state;
    to_x2apic();
    wrmsr(X2(VLAPIC_REG_SVR), 0x1FF);
    wrmsr(X2(VLAPIC_REG_TDCR), 0xB);
    wrmsr(X2(VLAPIC_REG_LVT_TIMER), 0x50);
    wrmsr(X2(VLAPIC_REG_TMICT), 40);
    sim_clock_advance(10);
    assert_int_equal(msr(X2(VLAPIC_REG_TMCCT)), 30);
    vlapic_timer_expire(v, hal_time_ns() + 30);
    assert_int_equal(vlapic_pending_vector(v), 0x50);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_reset_values, setup),
        cmocka_unit_test_setup(test_reset_clears_state, setup),
        cmocka_unit_test_setup(test_vcpu_without_state, setup),
        cmocka_unit_test_setup(test_xapic_covers, setup),
        cmocka_unit_test_setup(test_xapic_read_write, setup),
        cmocka_unit_test_setup(test_xapic_read_only_ignored, setup),
        cmocka_unit_test_setup(test_xapic_illegal_register, setup),
        cmocka_unit_test_setup(test_xapic_access_sizes, setup),
        cmocka_unit_test_setup(test_mode_transitions, setup),
        cmocka_unit_test_setup(test_apic_base_reserved_and_relocation, setup),
        cmocka_unit_test_setup(test_x2apic_needs_x2apic_mode, setup),
        cmocka_unit_test_setup(test_x2apic_registers, setup),
        cmocka_unit_test_setup(test_x2apic_gp_rules, setup),
        cmocka_unit_test_setup(test_eoi_nested, setup),
        cmocka_unit_test_setup(test_same_class_waits, setup),
        cmocka_unit_test_setup(test_ack_without_request, setup),
        cmocka_unit_test_setup(test_tpr_masks, setup),
        cmocka_unit_test_setup(test_disabled_apic_holds_or_drops, setup),
        cmocka_unit_test_setup(test_illegal_vectors, setup),
        cmocka_unit_test_setup(test_xapic_self_ipis, setup),
        cmocka_unit_test_setup(test_xapic_logical_destinations, setup),
        cmocka_unit_test_setup(test_x2apic_ipis, setup),
        cmocka_unit_test_setup(test_software_disable_masks_lvts, setup),
        cmocka_unit_test_setup(test_entry_poll, setup),
        cmocka_unit_test_setup(test_timer_one_shot, setup),
        cmocka_unit_test_setup(test_timer_count_runs_out_without_expire, setup),
        cmocka_unit_test_setup(test_timer_periodic, setup),
        cmocka_unit_test_setup(test_timer_masked, setup),
        cmocka_unit_test_setup(test_timer_divide_config, setup),
        cmocka_unit_test_setup(test_timer_mode_change_disarms, setup),
        cmocka_unit_test_setup(test_timer_tsc_deadline, setup),
        cmocka_unit_test_setup(test_timer_x2apic, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
