// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest MSR policy (hv/msr_policy.h; table in docs/CPUID-MSR.md).
 *
 * Each emulated MSR validates the whole value first and changes state only
 * when the write is accepted, so a #GP leaves the vCPU as it was.  Feature
 * checks use the guest's CPUID view (cpuid_policy_guest), never the host's:
 * a guest may set an EFER bit exactly when its CPUID says it exists.
 */
#include "hv/msr_policy.h"

#include "hal/hal.h"
#include "hv/console.h"
#include "hv/cpuid_policy.h"
#include "hv/guest_copy.h"
#include "hv/guest_walk.h"

_Static_assert(XEN_NR_HYPERCALLS * HYPERCALL_PAGE_SLOT == HYPERCALL_PAGE_SIZE,
               "one hypercall page holds every hypercall slot");
_Static_assert(HYPERCALL_PAGE_SIZE == PAGE_SIZE, "the hypercall page is one page");

#define INSN_INT3     0xCCU
#define INSN_MOV_EAX  0xB8U     /* mov $imm32, %eax */
#define INSN_RET      0xC3U
#define HYPERCALL_PAGE_INDEX_MASK 0xFFFULL

const uint32_t msr_policy_passthrough[MSR_POLICY_NR_PASSTHROUGH] = {
    MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE,
    MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SFMASK,
    MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
};

struct msr_policy_state msr_policy_state;

bool msr_policy_intercepted(uint32_t msr)
{
    /*@ loop invariant 0 <= i <= MSR_POLICY_NR_PASSTHROUGH;
        loop invariant \forall integer j; 0 <= j < i ==> msr_policy_passthrough[j] != msr;
        loop assigns i;
        loop variant MSR_POLICY_NR_PASSTHROUGH - i; */
    for (unsigned i = 0; i < MSR_POLICY_NR_PASSTHROUGH; i++)
        if (msr_policy_passthrough[i] == msr)
            return false;
    return true;
}

/* Slot s of the hypercall page: "mov $s, %eax; <insn>; ret" (the rest stays int3). */
/*@ requires s < XEN_NR_HYPERCALLS;
    requires \valid(page + (0 .. HYPERCALL_PAGE_SIZE - 1)) && \valid_read(insn + (0 .. 2));
    requires \separated(page + (0 .. HYPERCALL_PAGE_SIZE - 1), insn + (0 .. 2));
    assigns page[s * HYPERCALL_PAGE_SLOT .. s * HYPERCALL_PAGE_SLOT + 8];
    ensures hypercall_slot_ok(page, s, (uint8_t *)insn); */
static void hypercall_slot_build(uint8_t *page, unsigned s, const uint8_t insn[3])
{
    unsigned b = s * HYPERCALL_PAGE_SLOT;
    uint8_t i0 = insn[0], i1 = insn[1], i2 = insn[2];

    page[b] = INSN_MOV_EAX;
    page[b + 1] = (uint8_t)s;        /* imm32, little endian: s < 128 */
    page[b + 2] = 0;
    page[b + 3] = 0;
    page[b + 4] = 0;
    page[b + 5] = i0;
    page[b + 6] = i1;
    page[b + 7] = i2;
    page[b + 8] = INSN_RET;
}

void hypercall_page_build(uint8_t page[HYPERCALL_PAGE_SIZE], const uint8_t insn[3])
{
    /*@ loop invariant 0 <= i <= HYPERCALL_PAGE_SIZE;
        loop assigns i, page[0 .. HYPERCALL_PAGE_SIZE - 1];
        loop variant HYPERCALL_PAGE_SIZE - i; */
    for (unsigned i = 0; i < HYPERCALL_PAGE_SIZE; i++)
        page[i] = INSN_INT3;
    /*@ loop invariant 0 <= s <= XEN_NR_HYPERCALLS;
        loop invariant \forall integer t; 0 <= t < s && t != HYPERVISOR_iret ==>
          hypercall_slot_ok(page, t, (uint8_t *)insn);
        loop invariant s > HYPERVISOR_iret ==>
          page[HYPERVISOR_iret * HYPERCALL_PAGE_SLOT] == 0x0F &&
          page[HYPERVISOR_iret * HYPERCALL_PAGE_SLOT + 1] == 0x0B;
        loop assigns s, page[0 .. HYPERCALL_PAGE_SIZE - 1];
        loop variant XEN_NR_HYPERCALLS - s; */
    for (unsigned s = 0; s < XEN_NR_HYPERCALLS; s++) {
        if (s == HYPERVISOR_iret) {
            page[s * HYPERCALL_PAGE_SLOT] = 0x0F;          /* ud2 */
            page[s * HYPERCALL_PAGE_SLOT + 1] = 0x0B;
            continue;
        }
        /* Slots do not overlap: the ud2 of the iret slot survives. */
        //@ assert s < HYPERVISOR_iret ==> s * HYPERCALL_PAGE_SLOT + 8 < HYPERVISOR_iret * HYPERCALL_PAGE_SLOT;
        //@ assert s > HYPERVISOR_iret ==> s * HYPERCALL_PAGE_SLOT > HYPERVISOR_iret * HYPERCALL_PAGE_SLOT + 1;
        hypercall_slot_build(page, s, insn);
    }
}

/* ---- logging --------------------------------------------------------------- */

/* Report an access to an MSR not emulated here, once per MSR number. */
/*@ requires \valid_read(v) && \valid_read(v->domain);
    assigns msr_policy_state.logged[0 .. MSR_POLICY_LOG_SLOTS - 1], msr_policy_state.nr_logged,
            console_model; */
static void log_unknown(const struct vcpu *v, uint32_t msr, bool write)
{
    /*@ loop invariant 0 <= i <= MSR_POLICY_LOG_SLOTS;
        loop assigns i;
        loop variant MSR_POLICY_LOG_SLOTS - i; */
    for (uint32_t i = 0; i < msr_policy_state.nr_logged && i < MSR_POLICY_LOG_SLOTS; i++)
        if (msr_policy_state.logged[i] == msr)
            return;
    if (msr_policy_state.nr_logged >= MSR_POLICY_LOG_SLOTS)
        return;      /* a guest probing many MSRs must not flood the console */
    msr_policy_state.logged[msr_policy_state.nr_logged++] = msr;
    hv_debug("d%u v%u: %s of MSR 0x%x, which is not emulated: #GP\n", (unsigned)v->domain->id,
             (unsigned)v->id, write ? "write" : "read", (unsigned)msr);
}

/* A write to a known MSR refused with #GP (the value, or the MSR, is read-only). */
/*@ requires \valid_read(v) && \valid_read(v->domain);
    assigns console_model;
    ensures \result == -1; */
static int refuse(const struct vcpu *v, uint32_t msr, uint64_t val)
{
    hv_debug("d%u v%u: write of 0x%llx to MSR 0x%x refused: #GP\n", (unsigned)v->domain->id,
             (unsigned)v->id, (unsigned long long)val, (unsigned)msr);
    return -1;
}

/* ---- per-MSR rules ----------------------------------------------------------- */

/* The interim MTRRdefType storage of v, or NULL for a vCPU outside domain_table. */
/*@ requires \valid_read(v);
    assigns \nothing;
    ensures \result == \null ||
            (\exists integer i, j; 0 <= i < DOMAIN_MAX && 0 <= j < DOMAIN_MAX_VCPUS &&
                                   \result == &msr_policy_state.mtrr_def_type[i][j]); */
static uint64_t *mtrr_def_type_of(const struct vcpu *v)
{
    /*@ loop invariant 0 <= i <= DOMAIN_MAX;
        loop assigns i;
        loop variant DOMAIN_MAX - i; */
    for (unsigned i = 0; i < DOMAIN_MAX; i++)
        if (v->domain == &domain_table[i])
            return v->id < DOMAIN_MAX_VCPUS ? &msr_policy_state.mtrr_def_type[i][v->id] : NULL;
    return NULL;
}

void msr_policy_vcpu_init(const struct vcpu *v)
{
    uint64_t *mtrr = mtrr_def_type_of(v);

    if (mtrr != NULL)
        *mtrr = MSR_MTRR_DEF_TYPE_RESET;
}

/*@ requires \valid_read(v);
    assigns \nothing; */
static uint64_t apic_base_value(const struct vcpu *v)
{
    return MSR_APIC_BASE_DEFAULT | MSR_APIC_BASE_ENABLE | (v->id == 0 ? MSR_APIC_BASE_BSP : 0);
}

/* EFER bits the guest may write: those its CPUID offers, and LMA (ignored). */
/*@ requires \valid_read(v) && \valid_read(v->domain);
    assigns \nothing; */
static uint64_t efer_writable(const struct vcpu *v)
{
    struct hal_cpuid e1;
    uint64_t ok = MSR_EFER_LMA;

    cpuid_policy_guest(v, 0x80000001U, 0, &e1);
    if ((e1.edx & CPUID_EXT1_EDX_SYSCALL) != 0)
        ok |= MSR_EFER_SCE;
    if ((e1.edx & CPUID_EXT1_EDX_LM) != 0)
        ok |= MSR_EFER_LME;
    if ((e1.edx & CPUID_EXT1_EDX_NX) != 0)
        ok |= MSR_EFER_NXE;
    if ((e1.edx & CPUID_EXT1_EDX_FFXSR) != 0)
        ok |= MSR_EFER_FFXSR;
    return ok;
}

/*
 * SVME is never writable (SVM is hidden); LME may not change while paging
 * is on; LMA belongs to the CPU (the current value stays).
 */
/*@ requires \valid(v) && \valid_read(v->domain);
    assigns v->state.paging.efer, v->state_dirty, console_model;
    ensures \result == 0 || \result == -1;
    ensures (val & MSR_EFER_SVME) != 0 ==> \result == -1;
    ensures \result == -1 ==> v->state.paging.efer == \old(v->state.paging.efer); */
static int efer_write(struct vcpu *v, uint64_t val)
{
    uint64_t cur = v->state.paging.efer;

    if ((val & MSR_EFER_SVME) != 0 || (val & ~efer_writable(v)) != 0)
        return refuse(v, MSR_EFER, val);
    if ((v->state.paging.cr0 & GW_CR0_PG) != 0 && ((val ^ cur) & MSR_EFER_LME) != 0)
        return refuse(v, MSR_EFER, val);
    v->state.paging.efer = (val & ~MSR_EFER_LMA) | (cur & MSR_EFER_LMA);
    v->state_dirty = true;
    return 0;
}

/* Every byte a PAT memory type: UC 0, WC 1, WT 4, WP 5, WB 6, UC- 7. */
/*@ assigns \nothing; */
static bool pat_valid(uint64_t pat)
{
    /*@ loop invariant 0 <= i <= 8;
        loop assigns i;
        loop variant 8 - i; */
    for (unsigned i = 0; i < 8; i++) {
        uint64_t t = (pat >> (i * 8U)) & 0xFFU;
        if (t == 2 || t == 3 || t > 7)
            return false;
    }
    return true;
}

/*@ requires \valid(v) && \valid_read(v->domain);
    assigns v->state.pat, v->state_dirty, console_model;
    ensures \result == 0 || \result == -1;
    ensures \result == -1 ==> v->state.pat == \old(v->state.pat); */
static int pat_write(struct vcpu *v, uint64_t val)
{
    if (!pat_valid(val))
        return refuse(v, MSR_IA32_PAT, val);
    v->state.pat = val;
    v->state_dirty = true;
    return 0;
}

/* MTRR memory types: UC 0, WC 1, WT 4, WP 5, WB 6 (UC- exists only in PAT). */
/*@ requires \valid_read(v) && \valid_read(v->domain);
    assigns msr_policy_state.mtrr_def_type[0 .. DOMAIN_MAX - 1][0 .. DOMAIN_MAX_VCPUS - 1],
            console_model;
    ensures \result == 0 || \result == -1; */
static int mtrr_def_type_write(const struct vcpu *v, uint64_t val)
{
    uint64_t *mtrr = mtrr_def_type_of(v);
    uint64_t type = val & 0xFFU;

    if (mtrr == NULL || (val & ~MSR_MTRR_DEF_TYPE_VALID) != 0 || type == 2 || type == 3 || type > 6)
        return refuse(v, MSR_IA32_MTRR_DEF_TYPE, val);
    *mtrr = val;
    return 0;
}

/* Xen's hypercall-page MSR: fill the guest page at val & ~0xfff, page index 0 only. */
/*@ requires \valid_read(v) && \valid_read(v->domain);
    assigns msr_policy_state.page[0 .. HYPERCALL_PAGE_SIZE - 1], console_model,
            hal_mem_bytes[0 .. HAL_MEM_BYTES - 1];
    ensures \result == 0 || \result == -1; */
static int hypercall_page_write(const struct vcpu *v, uint64_t val)
{
    uint8_t insn[3];
    uint64_t gpa = val & ~HYPERCALL_PAGE_INDEX_MASK;

    if ((val & HYPERCALL_PAGE_INDEX_MASK) != 0)
        return refuse(v, XEN_MSR_HYPERCALL_PAGE, val);
    vcpu_vendor_hypercall_insn(insn);
    hypercall_page_build(msr_policy_state.page, insn);
    if (copy_to_guest_phys(&v->domain->p2m, gpa, msr_policy_state.page, HYPERCALL_PAGE_SIZE) != 0) {
        hv_debug("d%u: hypercall page at gpa 0x%llx is not writable guest RAM\n",
                 (unsigned)v->domain->id, (unsigned long long)gpa);
        return refuse(v, XEN_MSR_HYPERCALL_PAGE, val);
    }
    hv_debug("d%u: hypercall page written at gpa 0x%llx\n", (unsigned)v->domain->id,
             (unsigned long long)gpa);
    return 0;
}

/* ---- entry points --------------------------------------------------------------- */

int msr_policy_read(struct vcpu *v, uint32_t msr, uint64_t *val)
{
    const uint64_t *mtrr;

    switch (msr) {
    case MSR_IA32_TSC:            /* guests run without a TSC offset */
        *val = hal_rdtsc();
        return 0;
    case MSR_IA32_APIC_BASE:
        *val = apic_base_value(v);
        return 0;
    case MSR_IA32_MTRRCAP:        /* no variable or fixed ranges, no WC */
    case MSR_AMD_INT_PENDING_MSG: /* C1E off: nothing to enable or clear */
    case XEN_MSR_HYPERCALL_PAGE:  /* write-only: reads as zero */
        *val = 0;
        return 0;
    case MSR_IA32_MISC_ENABLE:
        *val = MSR_MISC_ENABLE_VALUE;
        return 0;
    case MSR_IA32_PAT:
        *val = v->state.pat;
        return 0;
    case MSR_EFER:
        *val = v->state.paging.efer;
        return 0;
    case MSR_IA32_MTRR_DEF_TYPE:
        mtrr = mtrr_def_type_of(v);
        if (mtrr == NULL)
            break;
        *val = *mtrr;
        return 0;
    default:
        break;
    }
    log_unknown(v, msr, false);
    return -1;
}

int msr_policy_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
    switch (msr) {
    case MSR_EFER:
        return efer_write(v, val);
    case MSR_IA32_PAT:
        return pat_write(v, val);
    case MSR_IA32_MTRR_DEF_TYPE:
        return mtrr_def_type_write(v, val);
    case XEN_MSR_HYPERCALL_PAGE:
        return hypercall_page_write(v, val);
    case MSR_IA32_APIC_BASE:
        /* Relocating, disabling or x2APIC mode wait for the LAPIC emulation. */
        return val == apic_base_value(v) ? 0 : refuse(v, msr, val);
    case MSR_IA32_TSC:
    case MSR_IA32_MISC_ENABLE:
        /* Accepted and dropped: no TSC offset yet; MISC_ENABLE is fixed. */
        if (msr == MSR_IA32_TSC || val != MSR_MISC_ENABLE_VALUE)
            hv_debug("d%u v%u: write of 0x%llx to MSR 0x%x ignored\n", (unsigned)v->domain->id,
                     (unsigned)v->id, (unsigned long long)val, (unsigned)msr);
        return 0;
    case MSR_IA32_MTRRCAP:
    case MSR_AMD_INT_PENDING_MSG:
        return refuse(v, msr, val);
    default:
        break;
    }
    log_unknown(v, msr, true);
    return -1;
}
