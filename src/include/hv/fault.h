/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A fatal exception taken by the hypervisor itself: the register frame the
 * bare-metal entry stubs save, and the portable code that explains it to the
 * user before the machine stops.
 */
#ifndef HV_FAULT_H
#define HV_FAULT_H

#include "hv/types.h"

/* Layout shared with src/hal/x86_64/entry.S: keep the two in step. */
struct cpu_fault_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector;
    uint64_t error_code;
    /* Pushed by the CPU. */
    uint64_t rip, cs, rflags, rsp, ss;
};

struct cpu_fault_extra {
    uint64_t cr0, cr2, cr3, cr4;
};

/* Exception vectors (Intel SDM vol. 3A, table 6-1). */
enum {
    X86_EXC_DE = 0, X86_EXC_DB = 1, X86_EXC_NMI = 2, X86_EXC_BP = 3,
    X86_EXC_OF = 4, X86_EXC_BR = 5, X86_EXC_UD = 6, X86_EXC_NM = 7,
    X86_EXC_DF = 8, X86_EXC_TS = 10, X86_EXC_NP = 11, X86_EXC_SS = 12,
    X86_EXC_GP = 13, X86_EXC_PF = 14, X86_EXC_MF = 16, X86_EXC_AC = 17,
    X86_EXC_MC = 18, X86_EXC_XM = 19, X86_EXC_VE = 20, X86_EXC_CP = 21,
    X86_EXC_SX = 30,
    X86_EXC_COUNT = 32,
};

/* Short name of an exception vector ("#PF"), or "#??". */
const char *fault_vector_name(uint64_t vector);
/* One-line, human explanation of what most likely happened. */
const char *fault_hint(const struct cpu_fault_frame *frame, const struct cpu_fault_extra *extra);
/* Print the whole report (vector, error code, RIP, CR2, registers, hint). */
void fault_report(const struct cpu_fault_frame *frame, const struct cpu_fault_extra *extra);

#endif /* HV_FAULT_H */
