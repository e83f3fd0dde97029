/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A vCPU's general registers and code-segment mode, apart from the rest of
 * struct vcpu so that the instruction decoder (and its proof) depends on
 * nothing else.
 */
#ifndef HV_VCPU_REGS_H
#define HV_VCPU_REGS_H

#include "hv/types.h"

/*
 * General registers.  The bare-metal VMRUN stub saves and restores them at
 * these offsets (src/hal/x86_64/svm_run.S): do not reorder.
 */
struct vcpu_regs {
    uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rip, rflags;
};

/* Code-segment operating mode: how instruction bytes at rip decode. */
enum vcpu_cs_mode {
    VCPU_CS_16 = 16,
    VCPU_CS_32 = 32,
    VCPU_CS_64 = 64,
};

#endif /* HV_VCPU_REGS_H */
