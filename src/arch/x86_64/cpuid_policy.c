// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest CPUID policy (hv/cpuid_policy.h; table in docs/CPUID-MSR.md).
 *
 * Feature words pass through allow-lists rather than deny-lists: a bit the
 * hypervisor has not thought about (a new instruction set needing state it
 * does not switch, an MSR it would answer with #GP) stays hidden.  The
 * reasons behind the lists, briefly:
 *   - no XSAVE: XCR0 is not switched between guests and the hypervisor, so
 *     XSAVE, OSXSAVE and every VEX/EVEX feature (AVX*, FMA, F16C, XOP,
 *     FMA4, PKU, ...) are hidden, and leaf 0xd is empty;
 *   - no nested virtualization: VMX, SMX and SVM are hidden, leaf 0x8000000a
 *     is empty;
 *   - MONITOR/MWAIT are intercepted (and not emulated), power-management
 *     leaves 5 and 6 are empty;
 *   - x2APIC and the TSC-deadline timer wait for the LAPIC emulation;
 *   - features whose MSRs the MSR policy answers with #GP (machine check,
 *     performance counters, debug store, thermal control, speculation
 *     controls, TSC_ADJUST, TSC_AUX for RDTSCP/RDPID) are hidden with them;
 *   - topology: one logical processor per package (HTT, CMP_LEGACY and
 *     TOPOEXT clear, core counts zero), initial APIC id = vcpu id * 2 as
 *     Xen reports it for HVM guests.
 */
#include "hv/cpuid_policy.h"

#include "hv/guest_time.h"
#include "xen/hypercall.h"

#define LEAF_EXT_BASE 0x80000000U
#define LEAF_HV_FIRST 0x40000000U
#define LEAF_HV_LAST  0x4FFFFFFFU

/* Leaf 1 EDX (AMD APM vol. 3 E.3.2, Intel SDM vol. 2A CPUID). */
#define L1_EDX_ALLOWED \
    ((1U << 0)  | /* FPU */      (1U << 1)  | /* VME */     (1U << 2)  | /* DE */    \
     (1U << 3)  | /* PSE */      (1U << 4)  | /* TSC */     (1U << 5)  | /* MSR */   \
     (1U << 6)  | /* PAE */      (1U << 8)  | /* CX8 */     (1U << 9)  | /* APIC */  \
     (1U << 11) | /* SEP */      (1U << 12) | /* MTRR */    (1U << 13) | /* PGE */   \
     (1U << 15) | /* CMOV */     (1U << 16) | /* PAT */     (1U << 17) | /* PSE36 */ \
     (1U << 19) | /* CLFSH */    (1U << 23) | /* MMX */     (1U << 24) | /* FXSR */  \
     (1U << 25) | /* SSE */      (1U << 26) | /* SSE2 */    (1U << 27))  /* SS */
/* Leaf 1 ECX.  Not here: MONITOR 3, DS-CPL 4, VMX 5, SMX 6, EIST 7, TM2 8,
 * FMA 12, xTPR 14, PDCM 15, DCA 18, XSAVE 26, OSXSAVE 27, AVX 28, F16C 29.
 * x2APIC 21 and TSC-deadline 24 describe the emulated local APIC, not the
 * host's: leaf_1 sets them unconditionally. */
#define L1_ECX_ALLOWED \
    ((1U << 0)  | /* SSE3 */     (1U << 1)  | /* PCLMULQDQ */ (1U << 9)  | /* SSSE3 */  \
     (1U << 13) | /* CX16 */     (1U << 17) | /* PCID */      (1U << 19) | /* SSE4.1 */ \
     (1U << 20) | /* SSE4.2 */   (1U << 22) | /* MOVBE */     (1U << 23) | /* POPCNT */ \
     (1U << 25) | /* AES */      (1U << 30))  /* RDRAND */
/* Leaf 1 EBX: brand index and CLFLUSH line size pass; the topology bytes do not. */
#define L1_EBX_KEEP          0x0000FFFFU
#define L1_EBX_LOGICAL_ONE   (1U << 16)
#define L1_EBX_APIC_ID_SHIFT 24U

/* Leaf 4 EAX: cache type, level and flags pass; sharing and core counts read 0. */
#define L4_EAX_KEEP 0x00003FFFU

/* Leaf 7 subleaf 0.  Not here: HLE, AVX2, RTM, MPX, AVX-512*, PT, TSC_ADJUST,
 * RDPID, LA57 (the software page walk has 4 levels), speculation controls. */
#define L7_EBX_ALLOWED \
    ((1U << 0)  | /* FSGSBASE */ (1U << 3)  | /* BMI1 */    (1U << 6)  | /* FDP_EXCPTN_ONLY */ \
     (1U << 7)  | /* SMEP */     (1U << 8)  | /* BMI2 */    (1U << 9)  | /* ERMS */            \
     (1U << 10) | /* INVPCID */  (1U << 13) | /* FPU CS/DS deprecated */                      \
     (1U << 18) | /* RDSEED */   (1U << 19) | /* ADX */     (1U << 20) | /* SMAP */            \
     (1U << 23) | /* CLFLUSHOPT */ (1U << 24) | /* CLWB */  (1U << 29))  /* SHA */
#define L7_ECX_ALLOWED (1U << 2)    /* UMIP */
#define L7_EDX_ALLOWED (1U << 4)    /* FSRM */

/* Leaf 0x80000001 ECX.  Not here: CMP_LEGACY 1, SVM 2, ExtApicSpace 3,
 * AltMovCr8 4, OSVW 9, IBS 10, XOP 11, SKINIT 12, WDT 13, LWP 15, FMA4 16,
 * TCE 17, NodeId 19, TBM 21, TOPOEXT 22, the performance counter
 * extensions 23, 24, 27, 28, DataBreakpointExt 26, MONITORX 29. */
#define E1_ECX_ALLOWED \
    ((1U << 0) | /* LAHF/SAHF */ (1U << 5) | /* LZCNT */ (1U << 6) | /* SSE4A */ \
     (1U << 7) | /* MisAlignSse */ (1U << 8))  /* PREFETCHW */
/* Leaf 0x80000001 EDX.  Not here: MCE 7, MCA 14, RDTSCP 27 (TSC_AUX is
 * not switched), reserved bits. */
#define E1_EDX_ALLOWED \
    ((1U << 0)  | (1U << 1)  | (1U << 2)  | (1U << 3)  | (1U << 4)  | (1U << 5)  | \
     (1U << 6)  | (1U << 8)  | (1U << 9)  | (1U << 11) | (1U << 12) | (1U << 13) | \
     (1U << 15) | (1U << 16) | (1U << 17) | (1U << 20) | (1U << 22) | (1U << 23) | \
     (1U << 24) | (1U << 25) | (1U << 26) | (1U << 29) | (1U << 30) | (1U << 31))

/* Leaf 0x80000007 EDX: only the invariant-TSC bit (no power states). */
#define E7_EDX_INVARIANT_TSC (1U << 8)

bool cpuid_policy_upcall_vector = true;

void cpuid_policy_set_upcall_vector(bool available)
{
    cpuid_policy_upcall_vector = available;
}

/*@ requires \valid(out);
    assigns *out;
    ensures out->eax == 0 && out->ebx == 0 && out->ecx == 0 && out->edx == 0; */
static void zero(struct hal_cpuid *out)
{
    out->eax = 0;
    out->ebx = 0;
    out->ecx = 0;
    out->edx = 0;
}

/*@ assigns \nothing;
    ensures \result <= a && \result <= b; */
static uint32_t min_u32(uint32_t a, uint32_t b)
{
    return a < b ? a : b;
}

/* The host's highest basic leaf, and its highest extended leaf or 0. */
/*@ assigns \nothing; */
static uint32_t host_max_basic(void)
{
    struct hal_cpuid r;

    hal_cpuid(0, 0, &r);
    return r.eax;
}

/*@ assigns \nothing; */
static uint32_t host_max_ext(void)
{
    struct hal_cpuid r;

    hal_cpuid(LEAF_EXT_BASE, 0, &r);
    return r.eax >= LEAF_EXT_BASE && r.eax <= LEAF_EXT_BASE + 0xFFFFU ? r.eax : 0;
}

/*@ assigns \nothing;
    ensures \result <= CPUID_POLICY_MAX_BASIC; */
static uint32_t guest_max_basic(void)
{
    return min_u32(host_max_basic(), CPUID_POLICY_MAX_BASIC);
}

/*@ assigns \nothing;
    ensures \result <= CPUID_POLICY_MAX_EXT; */
static uint32_t guest_max_ext(void)
{
    uint32_t host = host_max_ext();

    return host == 0 ? 0 : min_u32(host, CPUID_POLICY_MAX_EXT);
}

/* Leaf 1: features, and the topology of one logical processor per package. */
/*@ requires \valid_read(v) && \valid(out);
    assigns *out; */
static void leaf_1(const struct vcpu *v, struct hal_cpuid *out)
{
    hal_cpuid(1, 0, out);
    out->ebx = (out->ebx & L1_EBX_KEEP) | L1_EBX_LOGICAL_ONE |
               ((v->id % 128U) * 2U) << L1_EBX_APIC_ID_SHIFT;
    out->ecx = (out->ecx & L1_ECX_ALLOWED) | CPUID1_ECX_HYPERVISOR | CPUID1_ECX_X2APIC |
               CPUID1_ECX_TSC_DEADLINE;
    out->edx &= L1_EDX_ALLOWED;
}

/*@ requires \valid(out);
    assigns *out; */
static void leaf_7(uint32_t subleaf, struct hal_cpuid *out)
{
    if (subleaf != 0) {
        zero(out);
        return;
    }
    hal_cpuid(7, 0, out);
    out->eax = 0;                 /* highest subleaf: 0 */
    out->ebx &= L7_EBX_ALLOWED;
    out->ecx &= L7_ECX_ALLOWED;
    out->edx &= L7_EDX_ALLOWED;
}

/*@ requires \valid_read(v) && \valid(out);
    assigns *out; */
static void basic_leaf(const struct vcpu *v, uint32_t leaf, uint32_t subleaf, struct hal_cpuid *out)
{
    switch (leaf) {
    case 0:
        hal_cpuid(0, 0, out);
        out->eax = min_u32(out->eax, CPUID_POLICY_MAX_BASIC);
        break;
    case 1:
        leaf_1(v, out);
        break;
    case 2:                       /* cache and TLB descriptors */
        hal_cpuid(2, 0, out);
        break;
    case 4:                       /* deterministic cache parameters */
        hal_cpuid(4, subleaf, out);
        out->eax &= L4_EAX_KEEP;
        break;
    case 7:
        leaf_7(subleaf, out);
        break;
    default:                      /* 3, 5, 6, 8 .. 0xd: nothing offered */
        zero(out);
        break;
    }
}

/* Leaf 0x80000007 EDX as the guest sees it: the invariant-TSC bit or 0. */
/*@ assigns \nothing; */
static uint32_t invariant_tsc_bit(void)
{
    struct hal_cpuid r;

    if (guest_max_ext() < 0x80000007U)
        return 0;
    hal_cpuid(0x80000007U, 0, &r);
    return r.edx & E7_EDX_INVARIANT_TSC;
}

/* The guest's MAXPHYADDR from the host's leaf 0x80000008 EAX: at most 48 bits. */
/*@ assigns \nothing;
    ensures \result <= CPUID_POLICY_ADDR_BITS; */
static uint32_t guest_phys_bits(uint32_t host_eax)
{
    return min_u32(host_eax & 0xFFU, CPUID_POLICY_ADDR_BITS);
}

/* Address widths: at most 48 bits; the guest-physical size field (AMD) 0 = same. */
/*@ requires \valid(out);
    assigns *out; */
static void leaf_e8(struct hal_cpuid *out)
{
    struct hal_cpuid host;

    hal_cpuid(0x80000008U, 0, &host);
    zero(out);
    out->eax = guest_phys_bits(host.eax) | min_u32((host.eax >> 8) & 0xFFU, CPUID_POLICY_ADDR_BITS) << 8;
}

/*@ requires \valid(out);
    assigns *out; */
static void ext_leaf(uint32_t leaf, struct hal_cpuid *out)
{
    switch (leaf) {
    case 0x80000000U:
        hal_cpuid(leaf, 0, out);
        out->eax = guest_max_ext();
        break;
    case 0x80000001U:
        hal_cpuid(leaf, 0, out);
        out->ecx &= E1_ECX_ALLOWED;
        out->edx &= E1_EDX_ALLOWED;
        break;
    case 0x80000002U:             /* brand string */
    case 0x80000003U:
    case 0x80000004U:
    case 0x80000005U:             /* L1 caches and TLBs */
    case 0x80000006U:             /* L2/L3 caches and TLBs */
        hal_cpuid(leaf, 0, out);
        break;
    case 0x80000007U:
        zero(out);
        out->edx = invariant_tsc_bit();
        break;
    case 0x80000008U:
        leaf_e8(out);
        break;
    default:
        zero(out);
        break;
    }
}

/* base + 3: the time leaf.  The TSC runs natively, without offset or scaling. */
/*@ requires \valid(out);
    assigns out->eax, out->ebx, out->ecx, out->edx; */
static void xen_leaf_time(uint32_t subleaf, struct hal_cpuid *out)
{
    uint64_t hz = hal_tsc_hz();
    uint32_t khz = hz / 1000U > 0xFFFFFFFFULL ? 0xFFFFFFFFU : (uint32_t)(hz / 1000U);

    if (subleaf == 0) {
        /* RDTSCP is hidden (see E1_EDX_ALLOWED), so its flag stays clear. */
        bool reliable = invariant_tsc_bit() != 0;
        out->eax = reliable ? XEN_CPUID_HOST_TSC_RELIABLE : 0;
        out->ebx = reliable ? XEN_CPUID_TSC_MODE_NEVER_EMULATE : XEN_CPUID_TSC_MODE_DEFAULT;
        out->ecx = khz;
    } else if (subleaf == 1) {
        /* No offset; the scale is the one pvclock records carry. */
        struct guest_time_scale sc = guest_time_scale_for(hz);
        out->ecx = sc.mul;
        out->edx = (uint32_t)(int32_t)sc.shift;   /* sign-extended */
    } else if (subleaf == 2) {
        out->eax = khz;
    }
}

/* base + 4: the HVM leaf (subleaf 0 only). */
/*@ requires \valid_read(v) && \valid_read(v->domain) && \valid(out);
    requires \separated(out, v) && \separated(out, v->domain);
    assigns out->eax, out->ebx, out->ecx;
    ensures subleaf == 0 ==> out->ebx == v->id && out->ecx == v->domain->id; */
static void xen_leaf_hvm(const struct vcpu *v, uint32_t subleaf, struct hal_cpuid *out)
{
    if (subleaf != 0)
        return;
    out->eax = XEN_HVM_CPUID_VCPU_ID_PRESENT | XEN_HVM_CPUID_DOMID_PRESENT;
    if (cpuid_policy_upcall_vector)
        out->eax |= XEN_HVM_CPUID_UPCALL_VECTOR;
    out->ebx = v->id;
    out->ecx = v->domain->id;
}

/* Xen's leaves at 0x40000000; the rest of the hypervisor range reads as zeros. */
/*@ requires LEAF_HV_FIRST <= leaf <= LEAF_HV_LAST;
    requires \valid_read(v) && \valid_read(v->domain) && \valid(out);
    requires \separated(out, v) && \separated(out, v->domain);
    assigns *out;
    ensures leaf == XEN_CPUID_BASE ==>
              out->eax == XEN_CPUID_BASE + CPUID_POLICY_XEN_LAST &&
              out->ebx == XEN_CPUID_SIGNATURE_EBX && out->ecx == XEN_CPUID_SIGNATURE_ECX &&
              out->edx == XEN_CPUID_SIGNATURE_EDX;
    ensures leaf == XEN_CPUID_BASE + 2 ==>
              out->eax == 1 && out->ebx == XEN_MSR_HYPERCALL_PAGE && out->ecx == 0 && out->edx == 0;
    ensures leaf == XEN_CPUID_BASE + 4 && subleaf == 0 ==> out->ebx == v->id && out->ecx == v->domain->id;
    ensures XEN_CPUID_BASE + CPUID_POLICY_XEN_LAST < leaf ==>
              out->eax == 0 && out->ebx == 0 && out->ecx == 0 && out->edx == 0; */
static void xen_leaf(const struct vcpu *v, uint32_t leaf, uint32_t subleaf, struct hal_cpuid *out)
{
    zero(out);
    switch (leaf - XEN_CPUID_BASE) {
    case 0:
        out->eax = XEN_CPUID_BASE + CPUID_POLICY_XEN_LAST;
        out->ebx = XEN_CPUID_SIGNATURE_EBX;
        out->ecx = XEN_CPUID_SIGNATURE_ECX;
        out->edx = XEN_CPUID_SIGNATURE_EDX;
        break;
    case 1:
        out->eax = (uint32_t)XENOLITH_VERSION_MAJOR << 16 | (uint32_t)XENOLITH_VERSION_MINOR;
        break;
    case 2:
        out->eax = 1;             /* hypercall pages */
        out->ebx = XEN_MSR_HYPERCALL_PAGE;
        break;
    case 3:
        xen_leaf_time(subleaf, out);
        break;
    case 4:
        xen_leaf_hvm(v, subleaf, out);
        break;
    default:                      /* base + 5 (PV only) and beyond: zeros */
        break;
    }
}

void cpuid_policy_guest(const struct vcpu *v, uint32_t leaf, uint32_t subleaf, struct hal_cpuid *out)
{
    if (leaf >= LEAF_HV_FIRST && leaf <= LEAF_HV_LAST)
        xen_leaf(v, leaf, subleaf, out);
    else if (leaf <= guest_max_basic())
        basic_leaf(v, leaf, subleaf, out);
    else if (leaf >= LEAF_EXT_BASE && leaf <= guest_max_ext())
        ext_leaf(leaf, out);
    else
        zero(out);
}

uint8_t cpuid_policy_maxphyaddr(void)
{
    struct hal_cpuid r;
    uint32_t bits;

    if (guest_max_ext() < 0x80000008U)
        return CPUID_POLICY_ADDR_BITS_DEFAULT;
    hal_cpuid(0x80000008U, 0, &r);
    bits = guest_phys_bits(r.eax);
    return (uint8_t)(bits < 32U ? CPUID_POLICY_ADDR_BITS_DEFAULT : bits);
}
