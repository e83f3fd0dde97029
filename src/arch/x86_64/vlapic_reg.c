// SPDX-License-Identifier: GPL-2.0-only
/*
 * Register accesses of the emulated local APIC (hv/vlapic.h; the table is
 * in docs/LAPIC.md): RDMSR/WRMSR of APIC_BASE, TSC_DEADLINE and the x2APIC
 * MSRs, loads and stores in the xAPIC page.  Both interfaces meet in
 * reg_read/reg_write, keyed by the xAPIC offset; `x2` says which one asks,
 * because x2APIC mode is strict where xAPIC mode is lenient: in x2APIC mode
 * a missing register, a write to a read-only one or a reserved bit set is
 * #GP, in xAPIC mode reserved bits are dropped, writes to read-only
 * registers ignored, and a missing register reads 0 and records ESR's
 * illegal-register-address error.
 */
#include "hv/vlapic.h"

#include "hal/hal.h"

/* Bits each LVT keeps (vector, delivery mode, polarity, trigger, mask, timer mode). */
#define LVT_VEC       0xFFU
#define LVT_DM        0x700U
#define LVT_STATUS    (1U << 12)   /* delivery status: read-only, always idle */
#define LVT_POLARITY  (1U << 13)
#define LVT_REMOTE    (1U << 14)   /* remote IRR: read-only, never set (no level interrupts) */
#define LVT_TRIGGER   (1U << 15)
#define LVT_MODE      (3U << 17)
#define LVT_DM_BITS   (LVT_VEC | LVT_DM | VLAPIC_LVT_MASKED)
#define LVT_TIMER_BITS (LVT_VEC | VLAPIC_LVT_MASKED | LVT_MODE)
#define LVT_LINT_BITS (LVT_DM_BITS | LVT_POLARITY | LVT_TRIGGER)
#define LVT_ERROR_BITS (LVT_VEC | VLAPIC_LVT_MASKED)

#define SVR_BITS      0x3FFU        /* vector, APIC enable, focus checking off */
#define TDCR_BITS     0xBU
#define ICR_LO_BITS   0xCCFFFU      /* vector, mode, dest mode, level, trigger, shorthand */
#define ICR_HI_XAPIC  0xFF000000U
#define LDR_XAPIC     0xFF000000U
#define DFR_MODEL     0xF0000000U

/*
 * hal_time_ns (hal/hal.h) as this file relies on it: reading the clock
 * writes no memory.  The contract belongs on the prototype in hal/hal.h
 * (like hal_rdtsc's) and is repeated here until it is there; without it the
 * proof's report gate sees an unproved default `assigns`.
 */
/*@ assigns \nothing; */
uint64_t hal_time_ns(void);

/* ---- reads -------------------------------------------------------------------- */

/*@ assigns \nothing;
    ensures \result == -1 || (0 <= \result < VLAPIC_NR_LVT); */
static int lvt_index(unsigned off)
{
    if (off == VLAPIC_REG_LVT_CMCI)
        return VLAPIC_LVT_CMCI;
    if (off >= VLAPIC_REG_LVT_TIMER && off <= VLAPIC_REG_LVT_ERROR)
        return (int)((off - VLAPIC_REG_LVT_TIMER) / 16U) + VLAPIC_LVT_TIMER;
    return -1;
}

/* The 256-bit registers ISR, TMR, IRR, 32 bits at a time; false for other offsets. */
/*@ requires \valid_read(s) && \valid(out);
    requires \separated(out, s);
    assigns *out; */
static bool vector_reg_read(const struct vlapic *s, unsigned off, uint32_t *out)
{
    unsigned i = off / 16U % 8U;

    if (off >= VLAPIC_REG_ISR && off < VLAPIC_REG_TMR)
        *out = s->isr[i];
    else if (off >= VLAPIC_REG_TMR && off < VLAPIC_REG_IRR)
        *out = s->tmr[i];
    else if (off >= VLAPIC_REG_IRR && off < VLAPIC_REG_IRR + 0x80U)
        *out = s->irr[i];
    else
        return false;
    return true;
}

/*
 * Register at xAPIC offset `off` (16-byte aligned): true with *out, or
 * false when there is none in this mode (ICR as one 64-bit MSR and the
 * write-only registers are the callers' business).
 */
/*@ requires \valid_read(s) && \valid(out);
    requires \separated(out, s);
    assigns *out; */
static bool reg_read(const struct vlapic *s, unsigned off, bool x2, uint32_t *out)
{
    int lvt = lvt_index(off);

    *out = 0;
    if (lvt >= 0) {
        *out = s->lvt[lvt];
        return true;
    }
    if (vector_reg_read(s, off, out))
        return true;
    switch (off) {
    case VLAPIC_REG_ID:    *out = x2 ? s->id : (s->id & 0xFFU) << 24; return true;
    case VLAPIC_REG_LVR:   *out = VLAPIC_VERSION; return true;
    case VLAPIC_REG_TPR:   *out = s->tpr; return true;
    case VLAPIC_REG_PPR:   *out = vlapic_ppr(s); return true;
    case VLAPIC_REG_LDR:   *out = s->ldr; return true;
    case VLAPIC_REG_SVR:   *out = s->svr; return true;
    case VLAPIC_REG_ESR:   *out = s->esr; return true;
    case VLAPIC_REG_TMICT: *out = s->tmict; return true;
    case VLAPIC_REG_TMCCT: *out = vlapic_timer_current(s, hal_time_ns()); return true;
    case VLAPIC_REG_TDCR:  *out = s->tdcr; return true;
    case VLAPIC_REG_APR:   /* xAPIC only, read-only; 0: no arbitration to report */
    case VLAPIC_REG_RRD:   /* remote read is never used: reads 0 */
    case VLAPIC_REG_EOI:   /* write-only: reads 0 in xAPIC mode */
        return !x2;
    case VLAPIC_REG_DFR:   *out = s->dfr; return !x2;
    case VLAPIC_REG_ICR:   *out = s->icr_lo; return !x2;
    case VLAPIC_REG_ICR2:  *out = s->icr_hi & ICR_HI_XAPIC; return !x2;
    default:
        return false;
    }
}

/* ---- writes ------------------------------------------------------------------- */

/*@ assigns \nothing; */
static uint32_t lvt_bits(int lvt)
{
    switch (lvt) {
    case VLAPIC_LVT_TIMER: return LVT_TIMER_BITS;
    case VLAPIC_LVT_LINT0:
    case VLAPIC_LVT_LINT1: return LVT_LINT_BITS;
    case VLAPIC_LVT_ERROR: return LVT_ERROR_BITS;
    default:               return LVT_DM_BITS;
    }
}

/*
 * LVT write: the read-only status bits are ignored, other reserved bits and
 * the reserved timer mode 3 are #GP in x2APIC mode and make xAPIC mode drop
 * the write.  A software-disabled APIC keeps every LVT masked.
 */
/*@ requires \valid(s) && 0 <= lvt < VLAPIC_NR_LVT;
    assigns *s;
    ensures \result == 0 || \result == -1; */
static int lvt_write(struct vlapic *s, int lvt, uint32_t val, bool x2)
{
    uint32_t bits = lvt_bits(lvt);
    bool bad_mode = lvt == VLAPIC_LVT_TIMER && (val & LVT_MODE) == LVT_MODE;

    if (x2 && ((val & ~(bits | LVT_STATUS | LVT_REMOTE)) != 0 || bad_mode))
        return -1;
    if (bad_mode)
        return 0;
    val &= bits;
    if ((s->svr & VLAPIC_SVR_ENABLE) == 0)
        val |= VLAPIC_LVT_MASKED;
    if (lvt == VLAPIC_LVT_TIMER)
        vlapic_lvt_timer_write(s, val);
    else
        s->lvt[lvt] = val;
    return 0;
}

/* SVR: clearing the enable bit (software disable) masks every LVT. */
/*@ requires \valid(s);
    assigns *s; */
static void svr_write(struct vlapic *s, uint32_t val)
{
    s->svr = val & SVR_BITS;
    if ((val & VLAPIC_SVR_ENABLE) != 0)
        return;
    /*@ loop invariant 0 <= i <= VLAPIC_NR_LVT;
        loop assigns i, s->lvt[0 .. VLAPIC_NR_LVT - 1];
        loop variant VLAPIC_NR_LVT - i; */
    for (unsigned i = 0; i < VLAPIC_NR_LVT; i++)
        s->lvt[i] |= VLAPIC_LVT_MASKED;
}

/* Registers that exist in both modes and take writes; -1 for any other offset. */
/*@ requires \valid(s);
    assigns *s;
    ensures \result == 0 || \result == -1; */
static int common_write(struct vlapic *s, unsigned off, uint32_t val, bool x2)
{
    uint32_t valid = off == VLAPIC_REG_TPR ? 0xFFU : off == VLAPIC_REG_SVR ? SVR_BITS
                   : off == VLAPIC_REG_TDCR ? TDCR_BITS : 0xFFFFFFFFU;

    if (x2 && (val & ~valid) != 0)
        return -1;
    switch (off) {
    case VLAPIC_REG_TPR:   s->tpr = val & 0xFFU; return 0;
    case VLAPIC_REG_SVR:   svr_write(s, val); return 0;
    case VLAPIC_REG_TDCR:  vlapic_tdcr_write(s, val, hal_time_ns()); return 0;
    case VLAPIC_REG_TMICT: vlapic_tmict_write(s, val, hal_time_ns()); return 0;
    case VLAPIC_REG_EOI:
        if (x2 && val != 0)
            return -1;
        vlapic_eoi(s);
        return 0;
    case VLAPIC_REG_ESR:
        if (x2 && val != 0)
            return -1;
        s->esr = s->esr_pending;     /* a write shows the errors collected since the last one */
        s->esr_pending = 0;
        return 0;
    default:
        return -1;
    }
}

/* xAPIC-only writes: LDR, DFR, the two ICR halves (the low half sends). */
/*@ requires \valid(s);
    assigns *s;
    ensures \result == 0 || \result == -1; */
static int xapic_only_write(struct vlapic *s, unsigned off, uint32_t val)
{
    switch (off) {
    case VLAPIC_REG_LDR:  s->ldr = val & LDR_XAPIC; return 0;
    case VLAPIC_REG_DFR:  s->dfr = (val & DFR_MODEL) | ~DFR_MODEL; return 0;
    case VLAPIC_REG_ICR2: s->icr_hi = val & ICR_HI_XAPIC; return 0;
    case VLAPIC_REG_ICR:
        s->icr_lo = val & ICR_LO_BITS;
        vlapic_send_ipi(s, s->icr_lo, s->icr_hi >> 24, false);
        return 0;
    default:
        return -1;
    }
}

/*
 * Write of register `off`: 0, or -1 when x2APIC mode raises #GP.  In xAPIC
 * mode a write to a read-only register is ignored, one to a missing
 * register records the illegal-register-address error.
 */
/*@ requires \valid(s);
    assigns *s;
    ensures \result == 0 || \result == -1; */
static int reg_write(struct vlapic *s, unsigned off, uint32_t val, bool x2)
{
    int lvt = lvt_index(off);
    uint32_t dummy;

    if (lvt >= 0)
        return lvt_write(s, lvt, val, x2);
    if (common_write(s, off, val, x2) == 0)
        return 0;
    if (x2) {
        if (off == VLAPIC_REG_SELF_IPI && (val & ~0xFFU) == 0) {
            vlapic_send_ipi(s, val | (1U << 18), 0, true);     /* shorthand: self */
            return 0;
        }
        return -1;
    }
    if (xapic_only_write(s, off, val) == 0)
        return 0;
    if (!reg_read(s, off, false, &dummy))
        vlapic_error(s, VLAPIC_ESR_ILLEGAL_REG);
    return 0;
}

/* ---- MSRs ----------------------------------------------------------------------- */

/*@ requires \valid(s) && \valid(val);
    requires \separated(val, s);
    assigns *val, *s;
    ensures \result == 0 || \result == -1; */
static int x2apic_read(struct vlapic *s, uint32_t msr, uint64_t *val)
{
    unsigned off = (msr - VLAPIC_MSR_X2APIC_FIRST) << 4;
    uint32_t r;

    if (!vlapic_x2apic_mode(s))
        return -1;
    if (off == VLAPIC_REG_ICR) {
        *val = (uint64_t)s->icr_hi << 32 | s->icr_lo;
        return 0;
    }
    if (!reg_read(s, off, true, &r))
        return -1;
    *val = r;
    return 0;
}

/*@ requires \valid(s);
    assigns *s;
    ensures \result == 0 || \result == -1; */
static int x2apic_write(struct vlapic *s, uint32_t msr, uint64_t val)
{
    unsigned off = (msr - VLAPIC_MSR_X2APIC_FIRST) << 4;

    if (!vlapic_x2apic_mode(s))
        return -1;
    if (off == VLAPIC_REG_ICR) {
        if ((val & ~(0xFFFFFFFF00000000ULL | ICR_LO_BITS)) != 0)
            return -1;
        s->icr_lo = (uint32_t)val;
        s->icr_hi = (uint32_t)(val >> 32);
        vlapic_send_ipi(s, s->icr_lo, s->icr_hi, true);
        return 0;
    }
    if ((val >> 32) != 0)         /* the upper half of every other x2APIC MSR is reserved */
        return -1;
    return reg_write(s, off, (uint32_t)val, true);
}

bool vlapic_msr_handled(uint32_t msr)
{
    return msr == VLAPIC_MSR_APIC_BASE || msr == VLAPIC_MSR_TSC_DEADLINE ||
           (msr >= VLAPIC_MSR_X2APIC_FIRST && msr <= VLAPIC_MSR_X2APIC_LAST);
}

int vlapic_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val)
{
    struct vlapic *s = vlapic_of(v);

    if (s == NULL)
        return -1;
    if (msr == VLAPIC_MSR_APIC_BASE) {
        *val = s->apic_base;
        return 0;
    }
    if (msr == VLAPIC_MSR_TSC_DEADLINE) {
        /* Reads 0 outside TSC-deadline mode. */
        *val = vlapic_timer_mode(s) == VLAPIC_LVT_TIMER_TSC ? s->tsc_deadline : 0;
        return 0;
    }
    if (msr >= VLAPIC_MSR_X2APIC_FIRST && msr <= VLAPIC_MSR_X2APIC_LAST)
        return x2apic_read(s, msr, val);
    return -1;
}

int vlapic_msr_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
    struct vlapic *s = vlapic_of(v);

    if (s == NULL)
        return -1;
    if (msr == VLAPIC_MSR_APIC_BASE)
        return vlapic_base_write(v, s, val);
    if (msr == VLAPIC_MSR_TSC_DEADLINE) {
        /* Ignored outside TSC-deadline mode; 0 disarms. */
        if (vlapic_timer_mode(s) == VLAPIC_LVT_TIMER_TSC)
            s->tsc_deadline = val;
        return 0;
    }
    if (msr >= VLAPIC_MSR_X2APIC_FIRST && msr <= VLAPIC_MSR_X2APIC_LAST)
        return x2apic_write(s, msr, val);
    return -1;
}

/* ---- MMIO ----------------------------------------------------------------------- */

/*@ assigns \nothing;
    ensures \result <==> (size == 1 || size == 2 || size == 4 || size == 8); */
static bool size_ok(unsigned size)
{
    return size == 1 || size == 2 || size == 4 || size == 8;
}

/*
 * Bytes [off, off + size) of the page: bytes 0-3 of a 16-byte slot come
 * from its register (read once per slot), bytes 4-15 read 0.
 */
/*@ requires \valid(s) && off + size <= VLAPIC_PAGE_SIZE && size <= 8;
    assigns *s;
    ensures \result < 0x10000000000000000; */
static uint64_t page_read(struct vlapic *s, unsigned off, unsigned size)
{
    uint64_t val = 0;
    uint32_t reg = 0;

    /*@ loop invariant 0 <= i <= size;
        loop assigns i, val, reg, *s;
        loop variant size - i; */
    for (unsigned i = 0; i < size; i++) {
        unsigned o = off + i;
        if ((o & 0xCU) != 0)
            continue;
        if (i == 0 || (o & 0xFU) == 0) {
            if (!reg_read(s, o & 0xFF0U, false, &reg))
                vlapic_error(s, VLAPIC_ESR_ILLEGAL_REG);
        }
        val |= (uint64_t)((reg >> (o % 4U * 8U)) & 0xFFU) << (i * 8U);
    }
    return val;
}

int vlapic_mmio_read(struct vcpu *v, uint64_t gpa, unsigned size, uint64_t *val)
{
    struct vlapic *s = vlapic_of(v);
    unsigned off = (unsigned)(gpa % VLAPIC_PAGE_SIZE);

    if (s == NULL || !size_ok(size) || !vlapic_mmio_covers(v, gpa) || off + size > VLAPIC_PAGE_SIZE)
        return -1;
    *val = page_read(s, off, size);
    return 0;
}

int vlapic_mmio_write(struct vcpu *v, uint64_t gpa, unsigned size, uint64_t val)
{
    struct vlapic *s = vlapic_of(v);
    unsigned off = (unsigned)(gpa % VLAPIC_PAGE_SIZE);

    if (s == NULL || !size_ok(size) || !vlapic_mmio_covers(v, gpa) || off + size > VLAPIC_PAGE_SIZE)
        return -1;
    /* Narrow or misaligned stores are dropped (hardware leaves them undefined). */
    if ((off & 0xFU) == 0 && size >= 4)
        (void)reg_write(s, off, (uint32_t)val, false);
    return 0;
}
