/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a guest's CPUID returns.  The answer is built from the host's CPUID
 * (read through hal_cpuid on every call: nothing is cached, so the
 * simulator can present any CPU), filtered through allow-lists: a feature
 * reaches the guest only when Xenolith knows it works there.  The Xen leaves
 * at 0x40000000 are synthesized.  docs/CPUID-MSR.md has the full table and
 * the reasons.
 */
#ifndef HV_CPUID_POLICY_H
#define HV_CPUID_POLICY_H

#include "hal/hal.h"
#include "hv/domain.h"
#include "hv/types.h"

/* Highest basic and extended leaves a guest sees (lower when the host's are). */
#define CPUID_POLICY_MAX_BASIC  0xDU
#define CPUID_POLICY_MAX_EXT    0x80000008U
/* Xen's leaves are base .. base + CPUID_POLICY_XEN_LAST. */
#define CPUID_POLICY_XEN_LAST   5U
/* Guest-physical and linear address widths never exceed 4-level paging's. */
#define CPUID_POLICY_ADDR_BITS  48U
/* MAXPHYADDR when the host has no leaf 0x80000008 (the architectural default). */
#define CPUID_POLICY_ADDR_BITS_DEFAULT 36U

/* Leaf 0x80000001 EDX bits other modules decide on (EFER bits they enable). */
#define CPUID_EXT1_EDX_SYSCALL  (1U << 11)
#define CPUID_EXT1_EDX_NX       (1U << 20)
#define CPUID_EXT1_EDX_FFXSR    (1U << 25)
#define CPUID_EXT1_EDX_LM       (1U << 29)
/* Leaf 1 ECX bit 31: "running under a hypervisor". */
#define CPUID1_ECX_HYPERVISOR   (1U << 31)
/* Leaf 1 ECX bits the emulated local APIC provides whatever the host has:
 * x2APIC mode (MSR interface) and the TSC-deadline timer mode. */
#define CPUID1_ECX_X2APIC       (1U << 21)
#define CPUID1_ECX_TSC_DEADLINE (1U << 24)

/*
 * Xen's time leaf (base + 3).  Subleaf 0: EAX flags below, EBX the TSC mode,
 * ECX the guest TSC frequency in kHz, EDX the incarnation (migrations).
 * Subleaf 1: EBX:EAX the TSC offset, ECX/EDX the tsc->ns multiplier and
 * (signed) shift.  Subleaf 2: EAX the host TSC frequency in kHz.
 */
#define XEN_CPUID_TSC_EMULATED          (1U << 0)
#define XEN_CPUID_HOST_TSC_RELIABLE     (1U << 1)
#define XEN_CPUID_RDTSCP_INSTR_AVAIL    (1U << 2)
#define XEN_CPUID_TSC_MODE_DEFAULT      0U
#define XEN_CPUID_TSC_MODE_NEVER_EMULATE 2U

/*
 * Whether leaf base + 4 advertises XEN_HVM_CPUID_UPCALL_VECTOR (the per-vCPU
 * upcall vector of HVMOP_set_evtchn_upcall_vector).  On by default: event
 * channels deliver through it.  A guest that sees the bit relies on the
 * hypercall instead of HVM_PARAM_CALLBACK_IRQ; tests turn it off to see the
 * other path.
 */
extern bool cpuid_policy_upcall_vector;

/*@ assigns cpuid_policy_upcall_vector;
    ensures cpuid_policy_upcall_vector == available; */
void cpuid_policy_set_upcall_vector(bool available);

/*
 * The guest's answer to CPUID(leaf, subleaf) on vCPU v.  Every input gets an
 * answer: leaves the guest is not offered read as zeros (as AMD CPUs do past
 * their highest leaf).
 */
/*@ requires \valid_read(v) && \valid_read(v->domain) && \valid(out);
    requires \separated(out, v) && \separated(out, v->domain);
    assigns *out;
    ensures xen_signature: leaf == XEN_CPUID_BASE ==>
              out->eax == XEN_CPUID_BASE + CPUID_POLICY_XEN_LAST &&
              out->ebx == XEN_CPUID_SIGNATURE_EBX && out->ecx == XEN_CPUID_SIGNATURE_ECX &&
              out->edx == XEN_CPUID_SIGNATURE_EDX;
    ensures xen_hypercall_msr: leaf == XEN_CPUID_BASE + 2 ==>
              out->eax == 1 && out->ebx == XEN_MSR_HYPERCALL_PAGE && out->ecx == 0 && out->edx == 0;
    ensures xen_ids: leaf == XEN_CPUID_BASE + 4 && subleaf == 0 ==>
              out->ebx == v->id && out->ecx == v->domain->id;
    ensures beyond_xen: XEN_CPUID_BASE + CPUID_POLICY_XEN_LAST < leaf <= 0x4FFFFFFF ==>
              out->eax == 0 && out->ebx == 0 && out->ecx == 0 && out->edx == 0; */
void cpuid_policy_guest(const struct vcpu *v, uint32_t leaf, uint32_t subleaf, struct hal_cpuid *out);

/*
 * The guest's MAXPHYADDR (leaf 0x80000008 EAX[7:0] as the guest sees it):
 * what the vendor code should put in guest_paging.maxphyaddr so the
 * software page walk rejects the same addresses the hardware walk does.
 */
/*@ assigns \nothing;
    ensures 32 <= \result <= CPUID_POLICY_ADDR_BITS; */
uint8_t cpuid_policy_maxphyaddr(void);

#endif /* HV_CPUID_POLICY_H */
