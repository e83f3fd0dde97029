/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The emulated local APIC of a PVH guest's vCPU: xAPIC mode through MMIO at
 * the APIC base (0xFEE00000 after reset), x2APIC mode through MSRs
 * 0x800-0x8FF, the APIC_BASE MSR (0x1B) with its mode transitions, the APIC
 * timer (one-shot, periodic, TSC-deadline with MSR 0x6E0), IPIs to the vCPU
 * itself, and the interrupt state the exit dispatcher and the scheduler
 * drive: IRR -> ISR -> EOI under TPR/PPR.  docs/LAPIC.md has the register
 * table, the reset state and every choice made where hardware leaves one.
 *
 * The state of each vCPU lives here, indexed by the domain's slot in
 * domain_table and the vCPU id; a vCPU outside domain_table has none (its
 * MSR accesses raise #GP, its MMIO is not covered, nothing is pending).
 *
 * Time: the timer counts at VLAPIC_BUS_HZ divided by the divide
 * configuration, on hal_time_ns(); the TSC-deadline compares with the TSC
 * the guest reads (hal_rdtsc(), no offset), converted to hal_time_ns()
 * nanoseconds by rounding up so the interrupt never comes early.
 */
#ifndef HV_VLAPIC_H
#define HV_VLAPIC_H

#include "hv/domain.h"
#include "hv/types.h"

/* MSRs handled here. */
#define VLAPIC_MSR_APIC_BASE    0x0000001BU
#define VLAPIC_MSR_TSC_DEADLINE 0x000006E0U
#define VLAPIC_MSR_X2APIC_FIRST 0x00000800U
#define VLAPIC_MSR_X2APIC_LAST  0x000008FFU

/* APIC_BASE bits. */
#define VLAPIC_BASE_BSP     (1ULL << 8)
#define VLAPIC_BASE_EXTD    (1ULL << 10)
#define VLAPIC_BASE_EN      (1ULL << 11)
#define VLAPIC_BASE_DEFAULT 0xFEE00000ULL
#define VLAPIC_PAGE_SIZE    4096ULL

/* Register offsets in the xAPIC page; the x2APIC MSR is 0x800 + offset / 16. */
#define VLAPIC_REG_ID       0x020U
#define VLAPIC_REG_LVR      0x030U
#define VLAPIC_REG_TPR      0x080U
#define VLAPIC_REG_APR      0x090U
#define VLAPIC_REG_PPR      0x0A0U
#define VLAPIC_REG_EOI      0x0B0U
#define VLAPIC_REG_RRD      0x0C0U
#define VLAPIC_REG_LDR      0x0D0U
#define VLAPIC_REG_DFR      0x0E0U
#define VLAPIC_REG_SVR      0x0F0U
#define VLAPIC_REG_ISR      0x100U   /* 8 registers, 0x10 apart */
#define VLAPIC_REG_TMR      0x180U
#define VLAPIC_REG_IRR      0x200U
#define VLAPIC_REG_ESR      0x280U
#define VLAPIC_REG_LVT_CMCI 0x2F0U
#define VLAPIC_REG_ICR      0x300U
#define VLAPIC_REG_ICR2     0x310U
#define VLAPIC_REG_LVT_TIMER 0x320U
#define VLAPIC_REG_LVT_THERMAL 0x330U
#define VLAPIC_REG_LVT_PERF 0x340U
#define VLAPIC_REG_LVT_LINT0 0x350U
#define VLAPIC_REG_LVT_LINT1 0x360U
#define VLAPIC_REG_LVT_ERROR 0x370U
#define VLAPIC_REG_TMICT    0x380U
#define VLAPIC_REG_TMCCT    0x390U
#define VLAPIC_REG_TDCR     0x3E0U
#define VLAPIC_REG_SELF_IPI 0x3F0U   /* x2APIC only */

#define VLAPIC_MSR_OF(reg)  (VLAPIC_MSR_X2APIC_FIRST + ((reg) >> 4))

/* Version register: version 0x14, highest LVT entry 5 (six LVTs), as Xen's. */
#define VLAPIC_VERSION      0x00050014U

/* Register bits. */
#define VLAPIC_SVR_ENABLE   (1U << 8)
#define VLAPIC_SVR_RESET    0x000000FFU
#define VLAPIC_LVT_MASKED   (1U << 16)
#define VLAPIC_LVT_TIMER_ONESHOT  (0U << 17)
#define VLAPIC_LVT_TIMER_PERIODIC (1U << 17)
#define VLAPIC_LVT_TIMER_TSC      (2U << 17)
#define VLAPIC_ESR_SEND_ILLEGAL   (1U << 5)
#define VLAPIC_ESR_RECV_ILLEGAL   (1U << 6)
#define VLAPIC_ESR_ILLEGAL_REG    (1U << 7)

/* The timer's input clock (a 1 GHz bus, as Xen's emulation uses). */
#define VLAPIC_BUS_HZ 1000000000ULL

/* LVT entries, in this order in struct vlapic.lvt. */
enum vlapic_lvt {
    VLAPIC_LVT_CMCI = 0,
    VLAPIC_LVT_TIMER,
    VLAPIC_LVT_THERMAL,
    VLAPIC_LVT_PERF,
    VLAPIC_LVT_LINT0,
    VLAPIC_LVT_LINT1,
    VLAPIC_LVT_ERROR,
    VLAPIC_NR_LVT,
};

/* One vCPU's local APIC. */
struct vlapic {
    uint64_t apic_base;          /* the APIC_BASE MSR */
    uint64_t tsc_deadline;       /* IA32_TSC_DEADLINE, 0 = disarmed */
    uint64_t timer_base_ns;      /* when the count was timer_count */
    uint32_t timer_count;        /* count at timer_base_ns; 0 = not counting */
    uint32_t id;                 /* x2APIC id; the xAPIC id is its low byte */
    uint32_t tpr, ldr, dfr, svr;
    uint32_t esr;                /* what ESR reads */
    uint32_t esr_pending;        /* errors since the last ESR write */
    uint32_t icr_lo, icr_hi;     /* icr_hi: xAPIC bits 31:24, or the x2APIC destination */
    uint32_t lvt[VLAPIC_NR_LVT];
    uint32_t isr[8], tmr[8], irr[8];
    uint32_t tmict, tdcr;
};

struct vlapic_state {
    struct vlapic cpu[DOMAIN_MAX][DOMAIN_MAX_VCPUS];
};

/* Only vlapic.c writes this; contracts name it, tests may read it. */
extern struct vlapic_state vlapic_state;

/*@ predicate vlapic_vcpu_ok(struct vcpu *v) =
      \valid_read(v) && \separated(v, &vlapic_state);
    predicate vlapic_msr_ours(integer msr) =
      msr == VLAPIC_MSR_APIC_BASE || msr == VLAPIC_MSR_TSC_DEADLINE ||
      (VLAPIC_MSR_X2APIC_FIRST <= msr <= VLAPIC_MSR_X2APIC_LAST);
*/

/*
 * Power-on state of v's APIC: APIC id 2 * vcpu id, xAPIC mode at the default
 * base, BSP for vCPU 0, SVR 0xFF (software-disabled), every LVT masked,
 * everything else zero (DFR all ones).
 */
/*@ requires vlapic_vcpu_ok(v);
    assigns vlapic_state; */
void vlapic_reset(struct vcpu *v);

/* Whether RDMSR/WRMSR of `msr` belong here (the dispatcher routes them). */
/*@ assigns \nothing;
    ensures \result <==> vlapic_msr_ours(msr); */
bool vlapic_msr_handled(uint32_t msr);

/*
 * RDMSR of APIC_BASE, TSC_DEADLINE or an x2APIC register: 0 with *val set,
 * or -1 when the guest gets #GP(0) (an x2APIC MSR outside x2APIC mode, an
 * address with no register, a write-only register, an MSR not ours).
 */
/*@ requires vlapic_vcpu_ok(v) && \valid(val);
    requires \separated(val, &vlapic_state) && \separated(val, v);
    assigns *val, vlapic_state;
    ensures \result == 0 || \result == -1;
    ensures !vlapic_msr_ours(msr) ==> \result == -1; */
int vlapic_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val);

/*
 * WRMSR: 0 when done, -1 when the guest gets #GP(0) and nothing changed
 * (reserved bits, an illegal mode transition, a read-only or missing
 * register, x2APIC MSRs outside x2APIC mode, non-zero EOI/ESR writes).
 */
/*@ requires vlapic_vcpu_ok(v);
    assigns vlapic_state;
    ensures \result == 0 || \result == -1;
    ensures !vlapic_msr_ours(msr) ==> \result == -1; */
int vlapic_msr_write(struct vcpu *v, uint32_t msr, uint64_t val);

/* Whether gpa is in v's xAPIC page (xAPIC mode, hardware-enabled). */
/*@ requires vlapic_vcpu_ok(v);
    assigns \nothing; */
bool vlapic_mmio_covers(const struct vcpu *v, uint64_t gpa);

/*
 * A load or store of `size` bytes (1, 2, 4 or 8) at gpa in the xAPIC page.
 * 0 when emulated, -1 when not ours (not covered, bad size, the access
 * leaves the page).  Loads return bytes 0-3 of each 16-byte register slot
 * from the register and 0 for bytes 4-15; stores reach a register only
 * when they start at its offset and are at least 4 bytes wide (the low 32
 * bits are written), other stores are dropped.
 */
/*@ requires vlapic_vcpu_ok(v) && \valid(val);
    requires \separated(val, &vlapic_state) && \separated(val, v);
    assigns *val, vlapic_state;
    ensures \result == 0 || \result == -1;
    ensures size != 1 && size != 2 && size != 4 && size != 8 ==> \result == -1; */
int vlapic_mmio_read(struct vcpu *v, uint64_t gpa, unsigned size, uint64_t *val);
/*@ requires vlapic_vcpu_ok(v);
    assigns vlapic_state;
    ensures \result == 0 || \result == -1;
    ensures size != 1 && size != 2 && size != 4 && size != 8 ==> \result == -1; */
int vlapic_mmio_write(struct vcpu *v, uint64_t gpa, unsigned size, uint64_t val);

/*
 * An edge-triggered fixed interrupt for v (the upcall vector): IRR bit
 * `vector` set, held even while the APIC is software-disabled; dropped
 * while it is hardware-disabled; vectors 0-15 are illegal (ESR bit 6).
 */
/*@ requires vlapic_vcpu_ok(v);
    assigns vlapic_state; */
void vlapic_set_irq(struct vcpu *v, uint8_t vector);

/*
 * The vector to deliver now: the highest IRR vector whose priority class
 * (bits 7:4) is above PPR's, while the APIC is enabled (APIC_BASE EN and
 * SVR bit 8); -1 when there is none.
 */
/*@ requires vlapic_vcpu_ok(v);
    assigns \nothing;
    ensures \result == -1 || (16 <= \result <= 255); */
int vlapic_pending_vector(const struct vcpu *v);

/* The guest took `vector`: its IRR bit moves to ISR (nothing if it was not requested). */
/*@ requires vlapic_vcpu_ok(v);
    assigns vlapic_state; */
void vlapic_ack(struct vcpu *v, uint8_t vector);

/* When v's timer next expires, in hal_time_ns() nanoseconds; 0 when it is not armed. */
/*@ requires vlapic_vcpu_ok(v);
    assigns \nothing; */
uint64_t vlapic_timer_deadline(const struct vcpu *v);

/*
 * Time is now_ns: if the timer is due, it fires (IRR set unless the LVT is
 * masked); periodic re-arms for the first period ending after now_ns
 * (missed periods coalesce), one-shot and TSC-deadline disarm.
 */
/*@ requires vlapic_vcpu_ok(v);
    assigns vlapic_state; */
void vlapic_timer_expire(struct vcpu *v, uint64_t now_ns);

/*
 * What an entry into v at time now_ns needs, with one lookup of v's APIC:
 * vlapic_timer_expire(v, now_ns), then the answer of vlapic_pending_vector.
 */
/*@ requires vlapic_vcpu_ok(v);
    assigns vlapic_state;
    ensures \result == -1 || (16 <= \result <= 255); */
int vlapic_entry_poll(struct vcpu *v, uint64_t now_ns);

/* ---- between vlapic.c and vlapic_reg.c only --------------------------------------- */

/* v's APIC state, or NULL for a vCPU outside domain_table (or beyond DOMAIN_MAX_VCPUS). */
/*@ requires \valid_read(v);
    assigns \nothing;
    ensures \result == \null ||
            (\exists integer i, j; 0 <= i < DOMAIN_MAX && 0 <= j < DOMAIN_MAX_VCPUS &&
                                   \result == &vlapic_state.cpu[i][j]); */
struct vlapic *vlapic_of(const struct vcpu *v);

/*@ requires \valid_read(s);
    assigns \nothing; */
bool vlapic_x2apic_mode(const struct vlapic *s);
/*@ requires \valid_read(s);
    assigns \nothing; */
bool vlapic_xapic_mode(const struct vlapic *s);

/* PPR: TPR, or the class of the highest in-service vector when that is higher. */
/*@ requires \valid_read(s);
    assigns \nothing;
    ensures \result <= 0xFF; */
uint32_t vlapic_ppr(const struct vlapic *s);

/* A fixed interrupt arrives: IRR bit set; vectors 0-15 record an error instead. */
/*@ requires \valid(s);
    assigns *s; */
void vlapic_accept(struct vlapic *s, unsigned vec);

/* Record an ESR error bit (and raise the error LVT's interrupt). */
/*@ requires \valid(s);
    assigns *s; */
void vlapic_error(struct vlapic *s, uint32_t bit);

/*@ requires \valid(s);
    assigns *s; */
void vlapic_eoi(struct vlapic *s);

/* Send the IPI of ICR command `lo` to destination `dest` (8-bit xAPIC or 32-bit x2APIC). */
/*@ requires \valid(s);
    assigns *s; */
void vlapic_send_ipi(struct vlapic *s, uint32_t lo, uint32_t dest, bool x2);

/* WRMSR APIC_BASE: 0, or -1 (#GP) for reserved bits or an illegal mode transition. */
/*@ requires \valid_read(v) && \valid(s);
    assigns *s;
    ensures \result == 0 || \result == -1;
    ensures \result == -1 ==> s->apic_base == \old(s->apic_base); */
int vlapic_base_write(const struct vcpu *v, struct vlapic *s, uint64_t val);

/* LVT timer bits 18:17 in place: VLAPIC_LVT_TIMER_{ONESHOT,PERIODIC,TSC} or reserved 3 << 17. */
/*@ requires \valid_read(s);
    assigns \nothing; */
uint32_t vlapic_timer_mode(const struct vlapic *s);

/* The current-count register at time now. */
/*@ requires \valid_read(s);
    assigns \nothing; */
uint32_t vlapic_timer_current(const struct vlapic *s, uint64_t now);

/* Initial-count, divide-configuration and LVT timer writes (their effects on counting). */
/*@ requires \valid(s);
    assigns *s; */
void vlapic_tmict_write(struct vlapic *s, uint32_t val, uint64_t now);
/*@ requires \valid(s);
    assigns *s; */
void vlapic_tdcr_write(struct vlapic *s, uint32_t val, uint64_t now);
/*@ requires \valid(s);
    assigns *s; */
void vlapic_lvt_timer_write(struct vlapic *s, uint32_t val);

#endif /* HV_VLAPIC_H */
