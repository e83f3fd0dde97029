/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the boot CPU offers for virtualization, read once through hal_cpuid
 * and hal_rdmsr.  Portable: the simulator feeds it any CPU it likes.
 */
#ifndef HV_CPUFEATURE_H
#define HV_CPUFEATURE_H

#include "hv/types.h"

enum cpu_vendor { CPU_VENDOR_OTHER, CPU_VENDOR_AMD, CPU_VENDOR_INTEL };

struct cpu_features {
    enum cpu_vendor vendor;
    char vendor_id[13];      /* "AuthenticAMD", NUL-terminated */
    char brand[49];          /* brand string, or "" */
    uint32_t family, model, stepping;
    /* AMD SVM */
    bool svm;                /* CPUID says SVM exists */
    bool svm_disabled;       /* ... but firmware locked it off (VM_CR.SVMDIS) */
    bool npt;                /* nested paging */
    bool nrip_save;          /* next-RIP saved on #VMEXIT */
    uint32_t svm_revision;
    uint32_t nr_asids;
    /* Intel VMX */
    bool vmx;
    bool ept;
    bool unrestricted_guest;
    /* Other features guests and the hypervisor rely on */
    bool nx, page1gb, x2apic, tsc_deadline, invariant_tsc;
};

void cpu_features_probe(struct cpu_features *out);
/* Log the virtualization summary line(s) at info level. */
void cpu_features_log(const struct cpu_features *f);
/* Whether Xenolith can run guests on this CPU (SVM+NPT or VMX+EPT). */
bool cpu_features_can_virtualize(const struct cpu_features *f);

/* Architectural MSRs read by the probe. */
#define MSR_VM_CR                    0xC0010114U
#define MSR_VM_CR_SVMDIS             (1ULL << 4)
#define MSR_IA32_VMX_PROCBASED_CTLS  0x00000482U
#define MSR_IA32_VMX_PROCBASED_CTLS2 0x0000048BU

#endif /* HV_CPUFEATURE_H */
