// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the emulated local APIC (vlapic.c, vlapic_reg.c).
 * The input is a program of guest accesses to one vCPU's APIC: RDMSR/WRMSR
 * of APIC_BASE, TSC_DEADLINE and any MSR in 0x800-0x8FF, loads and stores
 * of every size (legal or not) anywhere around the xAPIC page, interrupts
 * arriving, the guest taking the pending one, time passing with the timer
 * expiring, and resets.  A second domain's vCPU sits in another slot and
 * must never be disturbed.
 *
 * After every step the harness checks what must always hold: a refused
 * WRMSR (#GP) changed nothing; the APIC is never in the invalid state
 * (EXTD without EN); vectors 0-15 are never requested or in service; a
 * software-disabled APIC has every LVT masked; the pending vector is legal,
 * requested and above PPR; PPR follows TPR and ISR; the current count never
 * exceeds the initial count; after an expiry at time t the timer is not due
 * at t any more; 32-bit x2APIC registers read with a zero upper half; the
 * xAPIC page is covered exactly in xAPIC mode.  Any violation aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/domain.h"
#include "hv/vlapic.h"
#include "sim.h"

#define FZ_FRAMES 256U
#define FZ_FIRST  16U

static struct frame_desc fz_table[FZ_FRAMES];
static const uint8_t *fz_data;
static size_t fz_size, fz_pos;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fz_fail(const char *what, unsigned long long a, unsigned long long b)
{
    fprintf(stderr, "fuzz_vlapic: %s (0x%llx, 0x%llx)\n", what, a, b);
    abort();
}

static uint8_t fz_u8(void)
{
    return fz_pos < fz_size ? fz_data[fz_pos++] : 0;
}

static uint64_t fz_u64(unsigned bytes)
{
    uint64_t x = 0;

    for (unsigned i = 0; i < bytes; i++)
        x |= (uint64_t)fz_u8() << (8 * i);
    return x;
}

/* Interesting MSRs: ours, their neighbours, and a random x2APIC one. */
static uint32_t fz_msr(void)
{
    static const uint32_t known[] = {
        VLAPIC_MSR_APIC_BASE, VLAPIC_MSR_TSC_DEADLINE, 0x802, 0x803, 0x808, 0x80A, 0x80B, 0x80D,
        0x80F, 0x810, 0x817, 0x820, 0x827, 0x828, 0x82F, 0x830, 0x831, 0x832, 0x833, 0x834,
        0x835, 0x836, 0x837, 0x838, 0x839, 0x83E, 0x83F, 0x7FF, 0x900, 0x10,
    };
    uint8_t b = fz_u8();

    if (b < 2 * HV_ARRAY_SIZE(known))
        return known[b % HV_ARRAY_SIZE(known)];
    return VLAPIC_MSR_X2APIC_FIRST + fz_u8();
}

/* Values that hit the interesting bits more often than random ones. */
static uint64_t fz_value(void)
{
    static const uint64_t base[] = {
        0xFEE00000ULL | VLAPIC_BASE_EN, 0xFEE00000ULL | VLAPIC_BASE_EN | VLAPIC_BASE_EXTD,
        0xFEE00000ULL, 0xFEE00000ULL | VLAPIC_BASE_EXTD, 0xFEC00000ULL | VLAPIC_BASE_EN,
    };
    uint8_t kind = fz_u8();

    switch (kind & 7U) {
    case 0: return base[(kind >> 3) % HV_ARRAY_SIZE(base)];
    case 1: return fz_u64(1);
    case 2: return fz_u64(1) | (uint64_t)(fz_u8() & 7U) << 16 | 0x100;   /* LVT/SVR-like */
    case 3: return (uint64_t)fz_u8() << 32 | fz_u64(3);                  /* ICR-like */
    default: return fz_u64(8);
    }
}

static void check_vlapic(struct vcpu *v, const struct vlapic *s)
{
    int pend = vlapic_pending_vector(v);
    uint32_t ppr = vlapic_ppr(s);
    uint64_t now = hal_time_ns();

    if ((s->apic_base & VLAPIC_BASE_EXTD) != 0 && (s->apic_base & VLAPIC_BASE_EN) == 0)
        fz_fail("invalid APIC state", s->apic_base, 0);
    if ((s->irr[0] & 0xFFFFU) != 0 || (s->isr[0] & 0xFFFFU) != 0)
        fz_fail("vector below 16 requested or in service", s->irr[0], s->isr[0]);
    if ((s->svr & VLAPIC_SVR_ENABLE) == 0)
        for (unsigned i = 0; i < VLAPIC_NR_LVT; i++)
            if ((s->lvt[i] & VLAPIC_LVT_MASKED) == 0)
                fz_fail("LVT unmasked while software-disabled", i, s->lvt[i]);
    if (pend != -1) {
        if (pend < 16 || pend > 255 || (s->irr[pend / 32] >> (pend % 32) & 1U) == 0)
            fz_fail("pending vector not requested", (unsigned)pend, 0);
        if (((unsigned)pend & 0xF0U) <= (ppr & 0xF0U))
            fz_fail("pending vector not above PPR", (unsigned)pend, ppr);
    }
    if ((ppr & 0xF0U) < (s->tpr & 0xF0U) || ((ppr != s->tpr) && (ppr & 0x0FU) != 0))
        fz_fail("PPR does not follow TPR", ppr, s->tpr);
    if (vlapic_timer_current(s, now) > s->tmict)
        fz_fail("current count above initial count", vlapic_timer_current(s, now), s->tmict);
    if (vlapic_mmio_covers(v, s->apic_base & ~0xFFFULL) != vlapic_xapic_mode(s))
        fz_fail("xAPIC page coverage does not follow the mode", s->apic_base, 0);
}

static void step_msr_write(struct vcpu *v, const struct vlapic *s)
{
    struct vlapic before = *s;
    uint32_t m = fz_msr();
    uint64_t val = fz_value();

    if (vlapic_msr_write(v, m, val) == -1 && memcmp(&before, s, sizeof(before)) != 0)
        fz_fail("refused WRMSR changed the APIC", m, val);
}

static void step_msr_read(struct vcpu *v)
{
    uint32_t m = fz_msr();
    uint64_t val = 0;
    int rc = vlapic_msr_read(v, m, &val);

    if (rc != 0 && rc != -1)
        fz_fail("RDMSR result", m, (unsigned long long)rc);
    if (rc == 0 && m >= 0x800 && m != 0x830 && (val >> 32) != 0)
        fz_fail("32-bit x2APIC register with upper bits", m, val);
}

static void step_mmio(struct vcpu *v, bool write)
{
    static const unsigned sizes[] = { 1, 2, 4, 8, 4, 4, 3, 0 };
    uint64_t gpa = 0xFEE00000ULL - 0x10 + (fz_u64(2) % 0x1020U);
    unsigned size = sizes[fz_u8() & 7U];
    uint64_t val = write ? fz_value() : 0;
    int rc = write ? vlapic_mmio_write(v, gpa, size, val) : vlapic_mmio_read(v, gpa, size, &val);

    if (rc != 0 && rc != -1)
        fz_fail("MMIO result", gpa, (unsigned long long)rc);
    if (rc == 0 && !vlapic_mmio_covers(v, gpa))
        fz_fail("MMIO emulated outside the page", gpa, size);
    if (!write && rc == 0 && size < 8 && (val >> (size * 8)) != 0)
        fz_fail("MMIO load wider than its size", val, size);
}

/*
 * The scheduler's entry check must be exactly expiry then the pending
 * vector: both are run from the same state and must agree on the answer
 * and on the state they leave.
 */
static void entry_poll_twin(struct vcpu *v, struct vlapic *s)
{
    struct vlapic before = *s, after_pair;
    int pair, poll;

    vlapic_timer_expire(v, hal_time_ns());
    pair = vlapic_pending_vector(v);
    after_pair = *s;
    *s = before;
    poll = vlapic_entry_poll(v, hal_time_ns());
    if (poll != pair)
        fz_fail("vlapic_entry_poll disagrees with expire + pending", (unsigned long long)poll,
                (unsigned long long)pair);
    if (memcmp(&after_pair, s, sizeof(after_pair)) != 0)
        fz_fail("vlapic_entry_poll left another state than expire + pending", 0, 0);
}

static void step_time(struct vcpu *v, struct vlapic *s)
{
    uint64_t due;

    sim_clock_advance(fz_u64(2) << (fz_u8() & 15U));
    if (fz_u8() % 2U == 0)
        vlapic_timer_expire(v, hal_time_ns());
    else
        entry_poll_twin(v, s);
    due = vlapic_timer_deadline(v);
    if (due != 0 && due <= hal_time_ns())
        fz_fail("timer still due after expiry", due, hal_time_ns());
}

static void step_take(struct vcpu *v)
{
    int pend = vlapic_pending_vector(v);

    if (pend >= 0)
        vlapic_ack(v, (uint8_t)pend);
    else
        vlapic_ack(v, fz_u8());
}

static struct vcpu *fz_vcpu(domid_t id)
{
    struct domain *d;

    if (domain_create(id, 16, PTE_FORMAT_NPT) != 0)
        fz_fail("domain_create", id, 0);
    d = domain_find(id);
    d->guest.nr_vcpus = 1;
    d->guest.vcpus[0].domain = d;
    d->guest.vcpus[0].state.paging.maxphyaddr = 40;
    vlapic_reset(&d->guest.vcpus[0]);
    return &d->guest.vcpus[0];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vcpu *v, *w;
    const struct vlapic *s, *ws;
    struct vlapic other;

    sim_reset(FZ_FRAMES);
    if (frame_init(fz_table, sizeof(fz_table), FZ_FRAMES) != 0 ||
        frame_add_free(FZ_FIRST, FZ_FRAMES - FZ_FIRST) != 0)
        fz_fail("frame allocator", 0, 0);
    domain_table_reset();
    memset(&vlapic_state, 0, sizeof(vlapic_state));
    w = fz_vcpu(2);
    v = fz_vcpu(1);
    s = &vlapic_state.cpu[v->domain - domain_table][0];
    ws = &vlapic_state.cpu[w->domain - domain_table][0];
    other = *ws;
    fz_data = data;
    fz_size = size;
    fz_pos = 0;
    for (unsigned n = 0; n < 2048 && fz_pos < fz_size; n++) {
        switch (fz_u8() % 10U) {
        case 0: case 1: step_msr_write(v, s); break;
        case 2: step_msr_read(v); break;
        case 3: step_mmio(v, true); break;
        case 4: step_mmio(v, false); break;
        case 5: vlapic_set_irq(v, fz_u8()); break;
        case 6: step_take(v); break;
        case 7: step_time(v, &vlapic_state.cpu[v->domain - domain_table][0]); break;
        case 8: if (fz_u8() == 0) vlapic_reset(v); break;
        default: (void)vlapic_msr_write(v, VLAPIC_MSR_APIC_BASE, fz_value()); break;
        }
        check_vlapic(v, s);
    }
    if (memcmp(&other, ws, sizeof(other)) != 0)
        fz_fail("another vCPU's APIC changed", 0, 0);
    return 0;
}
