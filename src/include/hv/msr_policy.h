/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a guest's RDMSR and WRMSR do.  A few MSRs live in the VMCB (VMCS) and
 * are passed through (msr_policy_passthrough); every other MSR access exits
 * and comes here: EFER, APIC_BASE, PAT, the MTRR default type and
 * capabilities, MISC_ENABLE, the TSC and Xen's hypercall-page MSR are
 * emulated, and everything else raises #GP in the guest, as Xen does for
 * MSRs it does not know.  docs/CPUID-MSR.md has the table and the reasons.
 */
#ifndef HV_MSR_POLICY_H
#define HV_MSR_POLICY_H

#include "hv/console.h"
#include "hv/domain.h"
#include "hv/types.h"
#include "xen/hypercall.h"

/* Architectural MSR numbers (Intel SDM vol. 4, AMD APM vol. 2 appendix A). */
#define MSR_IA32_TSC            0x00000010U
#define MSR_IA32_APIC_BASE      0x0000001BU
#define MSR_IA32_MTRRCAP        0x000000FEU
#define MSR_IA32_SYSENTER_CS    0x00000174U
#define MSR_IA32_SYSENTER_ESP   0x00000175U
#define MSR_IA32_SYSENTER_EIP   0x00000176U
#define MSR_IA32_MISC_ENABLE    0x000001A0U
#define MSR_IA32_PAT            0x00000277U
#define MSR_IA32_MTRR_DEF_TYPE  0x000002FFU
#define MSR_EFER                0xC0000080U
/* AMD K8/family 10h "interrupt pending message" (C1E control): read as 0,
 * C1E off.  QEMU's -cpu max reports family 0xf, for which Linux reads it
 * without a fault handler while picking its idle routine. */
#define MSR_AMD_INT_PENDING_MSG 0xC0010055U
#define MSR_STAR                0xC0000081U
#define MSR_LSTAR               0xC0000082U
#define MSR_CSTAR               0xC0000083U
#define MSR_SFMASK              0xC0000084U
#define MSR_FS_BASE             0xC0000100U
#define MSR_GS_BASE             0xC0000101U
#define MSR_KERNEL_GS_BASE      0xC0000102U

/* EFER bits. */
#define MSR_EFER_SCE    (1ULL << 0)
#define MSR_EFER_LME    (1ULL << 8)
#define MSR_EFER_LMA    (1ULL << 10)
#define MSR_EFER_NXE    (1ULL << 11)
#define MSR_EFER_SVME   (1ULL << 12)
#define MSR_EFER_FFXSR  (1ULL << 14)

/* APIC_BASE: the xAPIC at its reset address, enabled, x2APIC mode off. */
#define MSR_APIC_BASE_BSP     (1ULL << 8)
#define MSR_APIC_BASE_EXTD    (1ULL << 10)
#define MSR_APIC_BASE_ENABLE  (1ULL << 11)
#define MSR_APIC_BASE_DEFAULT 0xFEE00000ULL

/* PAT at reset: WB, WT, UC-, UC, repeated. */
#define MSR_PAT_RESET 0x0007040600070406ULL

/* MTRR default type: type in bits 0-7, FE (fixed ranges on) 10, E (on) 11. */
#define MSR_MTRR_DEF_TYPE_E      (1ULL << 11)
#define MSR_MTRR_DEF_TYPE_FE     (1ULL << 10)
#define MSR_MTRR_DEF_TYPE_VALID  0xCFFULL
/* What a PVH guest starts with: MTRRs on, everything write-back. */
#define MSR_MTRR_DEF_TYPE_RESET  (MSR_MTRR_DEF_TYPE_E | 6ULL)

/*
 * MISC_ENABLE as guests read it: fast strings on, branch trace store and
 * PEBS unavailable, xTPR messages off; MONITOR/MWAIT off (hidden in CPUID).
 */
#define MSR_MISC_ENABLE_VALUE ((1ULL << 0) | (1ULL << 11) | (1ULL << 12) | (1ULL << 23))

/* The hypercall page: XEN_NR_HYPERCALLS slots of 32 bytes. */
#define HYPERCALL_PAGE_SIZE 4096U
#define HYPERCALL_PAGE_SLOT 32U

/* MSRs the guest accesses without an exit (their values live in the VMCB/VMCS). */
#define MSR_POLICY_NR_PASSTHROUGH 10U
extern const uint32_t msr_policy_passthrough[MSR_POLICY_NR_PASSTHROUGH];

/* Unknown MSRs reported so far (each once, at debug level). */
#define MSR_POLICY_LOG_SLOTS 32U

/*
 * The module's state; only msr_policy.c writes it.  mtrr_def_type is
 * interim storage, indexed by domain_table slot and vcpu id, until struct
 * vcpu_state has a field for it.
 */
struct msr_policy_state {
    uint8_t page[HYPERCALL_PAGE_SIZE];      /* hypercall page being built (too big for the stack) */
    uint32_t logged[MSR_POLICY_LOG_SLOTS];
    uint32_t nr_logged;
    uint64_t mtrr_def_type[DOMAIN_MAX][DOMAIN_MAX_VCPUS];
};
extern struct msr_policy_state msr_policy_state;

/*@ predicate msr_pat_type_ok(integer t) = t == 0 || t == 1 || (4 <= t <= 7); */

/* Whether an access to `msr` exits (true) or goes straight to the VMCB/VMCS. */
/*@ assigns \nothing;
    ensures \result == \false <==>
              (\exists integer i; 0 <= i < MSR_POLICY_NR_PASSTHROUGH && msr_policy_passthrough[i] == msr); */
bool msr_policy_intercepted(uint32_t msr);

/* Reset values of the MSR state this module keeps for a new vCPU. */
/*@ requires \valid_read(v);
    assigns msr_policy_state.mtrr_def_type[0 .. DOMAIN_MAX - 1][0 .. DOMAIN_MAX_VCPUS - 1]; */
void msr_policy_vcpu_init(const struct vcpu *v);

/*
 * RDMSR by the guest: 0 with *val set, or -1 when the guest gets #GP(0)
 * (an MSR not emulated here).
 */
/*@ requires \valid(v) && \valid_read(v->domain) && \valid(val);
    requires \separated(val, v, &msr_policy_state);
    assigns *val, msr_policy_state.logged[0 .. MSR_POLICY_LOG_SLOTS - 1], msr_policy_state.nr_logged,
            console_model;
    ensures \result == 0 || \result == -1;
    ensures msr == MSR_EFER ==> \result == 0 && *val == v->state.paging.efer;
    ensures msr == MSR_IA32_PAT ==> \result == 0 && *val == v->state.pat;
    ensures msr == MSR_IA32_MTRRCAP ==> \result == 0 && *val == 0;
    ensures msr == MSR_AMD_INT_PENDING_MSG ==> \result == 0 && *val == 0;
    ensures msr == XEN_MSR_HYPERCALL_PAGE ==> \result == 0 && *val == 0; */
int msr_policy_read(struct vcpu *v, uint32_t msr, uint64_t *val);

/*
 * WRMSR by the guest: 0 when done (state changed, state_dirty set when the
 * vendor must write it back), or -1 when the guest gets #GP(0) and nothing
 * changed.  A write to XEN_MSR_HYPERCALL_PAGE fills the guest page at
 * val & ~0xfff (page index val & 0xfff must be 0) with hypercall stubs.
 */
/*@ requires \valid(v) && \valid_read(v->domain) && \valid_read(&v->domain->p2m);
    requires \separated(v, &msr_policy_state);
    assigns v->state.paging.efer, v->state.pat, v->state_dirty, msr_policy_state, console_model,
            hal_mem_bytes[0 .. HAL_MEM_BYTES - 1];
    ensures \result == 0 || \result == -1;
    ensures msr == MSR_EFER && (val & MSR_EFER_SVME) != 0 ==> \result == -1;
    ensures msr == MSR_IA32_MTRRCAP ==> \result == -1;
    ensures msr == MSR_AMD_INT_PENDING_MSG ==> \result == -1;
    ensures \result == -1 ==> v->state.paging.efer == \old(v->state.paging.efer) &&
                              v->state.pat == \old(v->state.pat); */
int msr_policy_write(struct vcpu *v, uint32_t msr, uint64_t val);

/*
 * Xen's hypercall page for hypercall instruction `insn` (3 bytes: vmmcall
 * 0f 01 d9 or vmcall 0f 01 c1): all int3 (0xcc), then in 32-byte slot i
 * "mov $i, %eax; <insn>; ret", except slot HYPERVISOR_iret, which is ud2
 * (PVH guests have no use for the PV iret hypercall).
 */
/*@ predicate hypercall_slot_ok{L}(uint8_t *page, integer s, uint8_t *insn) =
      page[s * HYPERCALL_PAGE_SLOT] == 0xB8 && page[s * HYPERCALL_PAGE_SLOT + 1] == s &&
      page[s * HYPERCALL_PAGE_SLOT + 5] == insn[0] && page[s * HYPERCALL_PAGE_SLOT + 6] == insn[1] &&
      page[s * HYPERCALL_PAGE_SLOT + 7] == insn[2] && page[s * HYPERCALL_PAGE_SLOT + 8] == 0xC3;
*/
/*@ requires \valid(page + (0 .. HYPERCALL_PAGE_SIZE - 1)) && \valid_read(insn + (0 .. 2));
    requires \separated(page + (0 .. HYPERCALL_PAGE_SIZE - 1), insn + (0 .. 2));
    assigns page[0 .. HYPERCALL_PAGE_SIZE - 1];
    ensures \forall integer s; 0 <= s < XEN_NR_HYPERCALLS && s != HYPERVISOR_iret ==>
              hypercall_slot_ok(page, s, (uint8_t *)insn);
    ensures page[HYPERVISOR_iret * HYPERCALL_PAGE_SLOT] == 0x0F &&
            page[HYPERVISOR_iret * HYPERCALL_PAGE_SLOT + 1] == 0x0B; */
void hypercall_page_build(uint8_t page[HYPERCALL_PAGE_SIZE], const uint8_t insn[3]);

#endif /* HV_MSR_POLICY_H */
