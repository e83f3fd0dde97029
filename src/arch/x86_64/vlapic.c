// SPDX-License-Identifier: GPL-2.0-only
/*
 * The emulated local APIC (hv/vlapic.h; docs/LAPIC.md): state per vCPU,
 * interrupt priorities, delivery to the vCPU itself, the timer and the
 * APIC_BASE mode transitions.  vlapic_reg.c decodes register accesses.
 *
 * Only the vCPU itself is a destination for now (one vCPU per domain): IPIs
 * that name other APICs are accepted and go nowhere, as on a machine where
 * no such APIC exists.
 */
#include "hv/vlapic.h"

#include "hal/hal.h"

struct vlapic_state vlapic_state;

#define NS_PER_SEC 1000000000ULL
#define VEC_MIN    16U            /* vectors 0-15 are illegal for fixed delivery */

/* ---- state ------------------------------------------------------------------- */

struct vlapic *vlapic_of(const struct vcpu *v)
{
    /*@ loop invariant 0 <= i <= DOMAIN_MAX;
        loop assigns i;
        loop variant DOMAIN_MAX - i; */
    for (unsigned i = 0; i < DOMAIN_MAX; i++)
        if (v->domain == &domain_table[i])
            return v->id < DOMAIN_MAX_VCPUS ? &vlapic_state.cpu[i][v->id] : NULL;
    return NULL;
}

bool vlapic_x2apic_mode(const struct vlapic *s)
{
    return (s->apic_base & (VLAPIC_BASE_EN | VLAPIC_BASE_EXTD)) == (VLAPIC_BASE_EN | VLAPIC_BASE_EXTD);
}

bool vlapic_xapic_mode(const struct vlapic *s)
{
    return (s->apic_base & (VLAPIC_BASE_EN | VLAPIC_BASE_EXTD)) == VLAPIC_BASE_EN;
}

/*@ requires \valid_read(s);
    assigns \nothing; */
static bool sw_enabled(const struct vlapic *s)
{
    return (s->apic_base & VLAPIC_BASE_EN) != 0 && (s->svr & VLAPIC_SVR_ENABLE) != 0;
}

/* The registers INIT resets: everything but the id and APIC_BASE. */
/*@ requires \valid(s);
    assigns *s; */
static void regs_init(struct vlapic *s)
{
    uint64_t base = s->apic_base;
    uint32_t id = s->id;

    *s = (struct vlapic){ 0 };
    s->apic_base = base;
    s->id = id;
    s->dfr = 0xFFFFFFFFU;
    s->svr = VLAPIC_SVR_RESET;
    /*@ loop invariant 0 <= i <= VLAPIC_NR_LVT;
        loop assigns i, s->lvt[0 .. VLAPIC_NR_LVT - 1];
        loop variant VLAPIC_NR_LVT - i; */
    for (unsigned i = 0; i < VLAPIC_NR_LVT; i++)
        s->lvt[i] = VLAPIC_LVT_MASKED;
}

void vlapic_reset(struct vcpu *v)
{
    struct vlapic *s = vlapic_of(v);

    if (s == NULL)
        return;
    s->apic_base = VLAPIC_BASE_DEFAULT | VLAPIC_BASE_EN | (v->id == 0 ? VLAPIC_BASE_BSP : 0);
    s->id = v->id * 2U;     /* the initial APIC id CPUID leaf 1 reports */
    regs_init(s);
}

/* ---- 256-bit registers ---------------------------------------------------------- */

/*@ requires \valid(map + (0 .. 7)) && vec < 256;
    assigns map[vec / 32]; */
static void bit_set(uint32_t *map, unsigned vec)
{
    map[vec / 32U] |= 1U << (vec % 32U);
}

/*@ requires \valid(map + (0 .. 7)) && vec < 256;
    assigns map[vec / 32]; */
static void bit_clear(uint32_t *map, unsigned vec)
{
    map[vec / 32U] &= ~(1U << (vec % 32U));
}

/*@ requires \valid_read(map + (0 .. 7)) && vec < 256;
    assigns \nothing; */
static bool bit_test(const uint32_t *map, unsigned vec)
{
    return (map[vec / 32U] >> (vec % 32U) & 1U) != 0;
}

/*@ requires x != 0;
    assigns \nothing;
    ensures 0 <= \result <= 31; */
static int highest_bit32(uint32_t x)
{
    int b = 31;

    /*@ loop invariant 0 <= b <= 31;
        loop assigns b;
        loop variant b; */
    while (b > 0 && (x >> b & 1U) == 0)
        b--;
    return b;
}

/* Highest vector set in a 256-bit register, or -1. */
/*@ requires \valid_read(map + (0 .. 7));
    assigns \nothing;
    ensures -1 <= \result <= 255; */
static int highest_vector(const uint32_t *map)
{
    /*@ loop invariant -1 <= w <= 7;
        loop assigns w;
        loop variant w; */
    for (int w = 7; w >= 0; w--)
        if (map[w] != 0)
            return w * 32 + highest_bit32(map[w]);
    return -1;
}

/* ---- priorities and delivery ---------------------------------------------------- */

uint32_t vlapic_ppr(const struct vlapic *s)
{
    int isrv = highest_vector(s->isr);
    uint32_t tpr = s->tpr % 256U;
    uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv / 16U * 16U;

    return tpr / 16U * 16U >= isr_class ? tpr : isr_class;
}

/* Request vector in IRR; an illegal one is an error the APIC records instead. */
void vlapic_accept(struct vlapic *s, unsigned vec)
{
    if ((s->apic_base & VLAPIC_BASE_EN) == 0 || vec > 0xFFU)
        return;
    if (vec < VEC_MIN) {
        vlapic_error(s, VLAPIC_ESR_RECV_ILLEGAL);
        return;
    }
    bit_set(s->irr, vec);
}

/*
 * Errors collect until the next ESR write makes them visible; each one
 * raises the error LVT's interrupt unless it is masked.  An illegal vector
 * in the error LVT itself raises nothing (no error loop).
 */
void vlapic_error(struct vlapic *s, uint32_t bit)
{
    uint32_t lvt = s->lvt[VLAPIC_LVT_ERROR];
    unsigned vec = lvt & 0xFFU;

    s->esr_pending |= bit;
    if ((lvt & VLAPIC_LVT_MASKED) == 0 && vec >= VEC_MIN && (s->apic_base & VLAPIC_BASE_EN) != 0)
        bit_set(s->irr, vec);
}

/* EOI: the highest in-service vector is done. */
void vlapic_eoi(struct vlapic *s)
{
    int vec = highest_vector(s->isr);

    if (vec >= 0)
        bit_clear(s->isr, (unsigned)vec);
}

/*@ requires \valid_read(s);
    assigns \nothing; */
static bool logical_match(const struct vlapic *s, uint32_t dest, bool x2)
{
    uint32_t ldr8 = s->ldr >> 24;

    if (x2)
        return dest == 0xFFFFFFFFU ||
               ((dest >> 16) == (s->ldr >> 16) && (dest & s->ldr & 0xFFFFU) != 0);
    if (dest == 0xFFU)
        return true;
    if ((s->dfr >> 28) == 0xFU)          /* flat model: a bit per APIC */
        return (dest & ldr8) != 0;
    /* cluster model: cluster in bits 7:4, a bit per APIC in 3:0 */
    return (dest >> 4) == (ldr8 >> 4) && (dest & ldr8 & 0xFU) != 0;
}

/* Whether an IPI without shorthand reaches this APIC. */
/*@ requires \valid_read(s);
    assigns \nothing; */
static bool dest_match(const struct vlapic *s, uint32_t dest, bool logical, bool x2)
{
    if (logical)
        return logical_match(s, dest, x2);
    if (x2)
        return dest == 0xFFFFFFFFU || dest == s->id;
    return dest == 0xFFU || dest == (s->id & 0xFFU);
}

/*
 * Send the IPI the ICR describes (lo: command, dest: destination field).
 * Fixed and lowest-priority IPIs reach this APIC when it is addressed;
 * NMI, SMI, INIT and start-up IPIs address other processors (there are
 * none) and a vCPU cannot re-initialize itself this way: dropped.
 */
void vlapic_send_ipi(struct vlapic *s, uint32_t lo, uint32_t dest, bool x2)
{
    unsigned vec = lo & 0xFFU;
    uint32_t mode = (lo >> 8) & 7U;
    uint32_t shorthand = (lo >> 18) & 3U;

    if (mode != 0 && mode != 1)
        return;
    if (vec < VEC_MIN) {
        vlapic_error(s, VLAPIC_ESR_SEND_ILLEGAL);
        return;
    }
    if (shorthand == 1 || shorthand == 2 ||
        (shorthand == 0 && dest_match(s, dest, (lo & (1U << 11)) != 0, x2)))
        bit_set(s->irr, vec);
}

/* ---- the interrupt interface ---------------------------------------------------- */

void vlapic_set_irq(struct vcpu *v, uint8_t vector)
{
    struct vlapic *s = vlapic_of(v);

    if (s != NULL)
        vlapic_accept(s, vector);
}

/*@ requires \valid_read(s);
    assigns \nothing;
    ensures \result == -1 || (16 <= \result <= 255); */
static int pending_of(const struct vlapic *s)
{
    int vec;

    if (!sw_enabled(s))
        return -1;
    vec = highest_vector(s->irr);
    if (vec < (int)VEC_MIN || ((uint32_t)vec & 0xF0U) <= (vlapic_ppr(s) & 0xF0U))
        return -1;
    return vec;
}

int vlapic_pending_vector(const struct vcpu *v)
{
    const struct vlapic *s = vlapic_of(v);

    return s != NULL ? pending_of(s) : -1;
}

void vlapic_ack(struct vcpu *v, uint8_t vector)
{
    struct vlapic *s = vlapic_of(v);

    if (s == NULL || !bit_test(s->irr, vector))
        return;
    bit_clear(s->irr, vector);
    bit_set(s->isr, vector);
}

/* ---- APIC_BASE ------------------------------------------------------------------ */

enum apic_mode { MODE_DISABLED, MODE_XAPIC, MODE_X2APIC, MODE_INVALID };

/*@ assigns \nothing; */
static enum apic_mode mode_of(uint64_t base)
{
    bool en = (base & VLAPIC_BASE_EN) != 0;
    bool extd = (base & VLAPIC_BASE_EXTD) != 0;

    if (extd)
        return en ? MODE_X2APIC : MODE_INVALID;
    return en ? MODE_XAPIC : MODE_DISABLED;
}

/* x2APIC leaves only to disabled, disabled only to xAPIC; never the invalid state. */
/*@ assigns \nothing; */
static bool transition_ok(enum apic_mode from, enum apic_mode to)
{
    if (to == MODE_INVALID)
        return false;
    if (from == to || from == MODE_XAPIC)
        return true;
    if (from == MODE_X2APIC)
        return to == MODE_DISABLED;
    return to == MODE_XAPIC;
}

/* Base address bits the guest may set: 12 up to its MAXPHYADDR. */
/*@ requires \valid_read(v);
    assigns \nothing; */
static uint64_t base_addr_mask(const struct vcpu *v)
{
    uint32_t bits = v->state.paging.maxphyaddr;

    if (bits < 32 || bits > 52)
        bits = 36;
    return ((1ULL << bits) - 1) & ~(VLAPIC_PAGE_SIZE - 1);
}

/*
 * A mode change resets the registers (only the id stays), except xAPIC ->
 * x2APIC, which keeps them and derives the logical x2APIC id into LDR.
 * BSP is the platform's to say: written values of it are ignored.
 */
int vlapic_base_write(const struct vcpu *v, struct vlapic *s, uint64_t val)
{
    uint64_t ok = base_addr_mask(v) | VLAPIC_BASE_EN | VLAPIC_BASE_EXTD | VLAPIC_BASE_BSP;
    enum apic_mode from = mode_of(s->apic_base);
    enum apic_mode to = mode_of(val);

    if ((val & ~ok) != 0 || !transition_ok(from, to))
        return -1;
    s->apic_base = (val & ~VLAPIC_BASE_BSP) | (s->apic_base & VLAPIC_BASE_BSP);
    if (from == to)
        return 0;
    if (from == MODE_XAPIC && to == MODE_X2APIC)
        s->ldr = (s->id >> 4) << 16 | 1U << (s->id % 16U);
    else
        regs_init(s);
    return 0;
}

bool vlapic_mmio_covers(const struct vcpu *v, uint64_t gpa)
{
    const struct vlapic *s = vlapic_of(v);
    uint64_t base;

    if (s == NULL || !vlapic_xapic_mode(s))
        return false;
    base = s->apic_base & ~(VLAPIC_PAGE_SIZE - 1) & 0x000FFFFFFFFFFFFFULL;
    return gpa >= base && gpa - base < VLAPIC_PAGE_SIZE;
}

/* ---- the timer ------------------------------------------------------------------- */

uint32_t vlapic_timer_mode(const struct vlapic *s)
{
    return s->lvt[VLAPIC_LVT_TIMER] & (3U << 17);
}

/* Bus clocks per count, by divide configuration code (bits 3, 1:0). */
static const uint64_t timer_divisors[8] = { 2, 4, 8, 16, 32, 64, 128, 1 };

/*@ requires \valid_read(s);
    assigns \nothing;
    ensures 1 <= \result <= 128; */
static uint64_t timer_divisor(const struct vlapic *s)
{
    return timer_divisors[s->tdcr / 8U % 2U * 4U + s->tdcr % 4U];
}

/* Nanoseconds per count (the bus runs at 1 GHz: one count per divisor ns). */
/*@ requires \valid_read(s);
    assigns \nothing;
    ensures 1 <= \result <= 128; */
static uint64_t ns_per_count(const struct vlapic *s)
{
    return timer_divisor(s) * (NS_PER_SEC / VLAPIC_BUS_HZ);
}

/*@ requires \valid_read(s);
    assigns \nothing; */
static bool counting(const struct vlapic *s)
{
    return s->timer_count != 0 && vlapic_timer_mode(s) != VLAPIC_LVT_TIMER_TSC;
}

uint32_t vlapic_timer_current(const struct vlapic *s, uint64_t now)
{
    uint64_t ticks;

    if (!counting(s))
        return 0;
    ticks = now > s->timer_base_ns ? (now - s->timer_base_ns) / ns_per_count(s) : 0;
    if (ticks < s->timer_count)
        return (uint32_t)(s->timer_count - ticks);
    if (vlapic_timer_mode(s) != VLAPIC_LVT_TIMER_PERIODIC || s->tmict == 0)
        return 0;
    /* Periodic: the count reloads from the initial count at every zero. */
    return s->tmict - (uint32_t)((ticks - s->timer_count) % s->tmict);
}

/* Start counting down from `count` now (0: stop). */
/*@ requires \valid(s);
    assigns s->timer_count, s->timer_base_ns; */
static void timer_start(struct vlapic *s, uint32_t count, uint64_t now)
{
    s->timer_count = count;
    s->timer_base_ns = now;
}

void vlapic_tmict_write(struct vlapic *s, uint32_t val, uint64_t now)
{
    if (vlapic_timer_mode(s) == VLAPIC_LVT_TIMER_TSC)
        return;                 /* ignored in TSC-deadline mode */
    s->tmict = val;
    timer_start(s, val, now);
}

/* A new divisor applies from now on: the count goes on from where it is. */
void vlapic_tdcr_write(struct vlapic *s, uint32_t val, uint64_t now)
{
    uint32_t cur = vlapic_timer_current(s, now);

    s->tdcr = val & 0xBU;
    if (counting(s))
        timer_start(s, cur, now);
}

/* An LVT timer write that changes the mode disarms the timer. */
void vlapic_lvt_timer_write(struct vlapic *s, uint32_t val)
{
    uint32_t old = vlapic_timer_mode(s);

    s->lvt[VLAPIC_LVT_TIMER] = val;
    if (vlapic_timer_mode(s) != old) {
        s->tmict = 0;
        s->tsc_deadline = 0;
        timer_start(s, 0, 0);
    }
}

/*
 * TSC value -> hal_time_ns() nanoseconds, rounded up (the interrupt never
 * comes before the guest's TSC reaches the deadline); at least 1, since 0
 * means "no deadline"; far deadlines saturate.
 */
/*@ assigns \nothing;
    ensures \result >= 1; */
static uint64_t tsc_to_ns_ceil(uint64_t tsc)
{
    uint64_t boot = hal_tsc_at_boot();
    uint64_t hz = hal_tsc_hz();
    uint64_t d, q, r, frac;

    if (tsc <= boot)
        return 1;
    d = tsc - boot;
    q = d / hz;
    r = d % hz;
    if (q > (UINT64_MAX - NS_PER_SEC) / NS_PER_SEC)
        return UINT64_MAX;
    /* r < hz; a clock above 2^34 Hz (17 GHz) rounds the fraction up to a second. */
    frac = hz <= (1ULL << 34) ? (r * NS_PER_SEC + hz - 1) / hz : NS_PER_SEC;
    return q * NS_PER_SEC + frac > 0 ? q * NS_PER_SEC + frac : 1;
}

/*@ requires \valid_read(s);
    assigns \nothing; */
static uint64_t deadline_of(const struct vlapic *s)
{
    if (vlapic_timer_mode(s) == VLAPIC_LVT_TIMER_TSC)
        return s->tsc_deadline != 0 ? tsc_to_ns_ceil(s->tsc_deadline) : 0;
    if (!counting(s))
        return 0;
    return s->timer_base_ns + (uint64_t)s->timer_count * ns_per_count(s);
}

uint64_t vlapic_timer_deadline(const struct vcpu *v)
{
    const struct vlapic *s = vlapic_of(v);

    return s != NULL ? deadline_of(s) : 0;
}

/*@ requires \valid(s);
    assigns *s; */
static void timer_fire(struct vlapic *s)
{
    uint32_t lvt = s->lvt[VLAPIC_LVT_TIMER];

    if ((lvt & VLAPIC_LVT_MASKED) == 0)
        vlapic_accept(s, lvt & 0xFFU);
}

/* A periodic timer whose period ended at `due`: the first period ending after now. */
/*@ requires \valid(s) && due <= now && s->tmict != 0;
    assigns s->timer_count, s->timer_base_ns; */
static void timer_rearm(struct vlapic *s, uint64_t due, uint64_t now)
{
    uint64_t period = (uint64_t)s->tmict * ns_per_count(s);
    uint64_t missed = (now - due) / period;

    timer_start(s, s->tmict, due + missed * period);
}

/*@ requires \valid(s);
    assigns *s; */
static void timer_expire(struct vlapic *s, uint64_t now_ns)
{
    uint64_t due = deadline_of(s);

    if (due == 0 || due > now_ns)
        return;
    if (vlapic_timer_mode(s) == VLAPIC_LVT_TIMER_TSC)
        s->tsc_deadline = 0;
    else if (vlapic_timer_mode(s) == VLAPIC_LVT_TIMER_PERIODIC && s->tmict != 0)
        timer_rearm(s, due, now_ns);
    else
        timer_start(s, 0, 0);
    timer_fire(s);
}

void vlapic_timer_expire(struct vcpu *v, uint64_t now_ns)
{
    struct vlapic *s = vlapic_of(v);

    if (s != NULL)
        timer_expire(s, now_ns);
}

int vlapic_entry_poll(struct vcpu *v, uint64_t now_ns)
{
    struct vlapic *s = vlapic_of(v);

    if (s == NULL)
        return -1;
    timer_expire(s, now_ns);
    return pending_of(s);
}
