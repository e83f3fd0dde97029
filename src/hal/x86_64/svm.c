// SPDX-License-Identifier: GPL-2.0-only
/* Turning SVM on (hal_svm_enable); the entry stub is svm_run.S. */
#include "hal/hal.h"
#include "x86.h"

#define MSR_EFER        0xC0000080U
#define MSR_VM_HSAVE_PA 0xC0010117U
#define MSR_VM_CR       0xC0010114U
#define EFER_SVME       (1ULL << 12)
#define VM_CR_SVMDIS    (1ULL << 4)

bool hal_svm_enable(mfn_t hsave)
{
    struct hal_cpuid id;

    hal_cpuid(0x80000001U, 0, &id);
    if ((id.ecx & (1U << 2)) == 0)
        return false;
    if ((hal_rdmsr(MSR_VM_CR) & VM_CR_SVMDIS) != 0)
        return false;
    wrmsr(MSR_EFER, hal_rdmsr(MSR_EFER) | EFER_SVME);
    wrmsr(MSR_VM_HSAVE_PA, hsave << 12);
    return true;
}

void hal_fpu_save(uint8_t *area)
{
    __asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory");
}

void hal_fpu_restore(const uint8_t *area)
{
    __asm__ volatile("fxrstor64 (%0)" : : "r"(area) : "memory");
}
