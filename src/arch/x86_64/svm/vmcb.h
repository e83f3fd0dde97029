/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The AMD VMCB (AMD64 APM vol. 2, appendix B): control area at 0, state
 * save area at 0x400.  Only fields Xenolith uses are named; the static
 * assertions pin their offsets.  Only svm/ includes this file.
 */
#ifndef SVM_VMCB_H
#define SVM_VMCB_H

#include "hv/types.h"

struct vmcb_seg {
    uint16_t selector;
    uint16_t attrib;      /* descriptor bits 40-47 in 0-7, bits 52-55 in 8-11 */
    uint32_t limit;
    uint64_t base;
};

struct vmcb_control {
    uint32_t intercept_cr;          /* 0x000: reads 0-15, writes 16-31 */
    uint32_t intercept_dr;          /* 0x004 */
    uint32_t intercept_exceptions;  /* 0x008 */
    uint32_t intercept_misc1;       /* 0x00c: SVM_INTERCEPT1_* */
    uint32_t intercept_misc2;       /* 0x010: SVM_INTERCEPT2_* */
    uint32_t intercept_misc3;       /* 0x014 */
    uint8_t reserved0[0x3c - 0x18];
    uint16_t pause_filter_thresh;   /* 0x03c */
    uint16_t pause_filter_count;    /* 0x03e */
    uint64_t iopm_base_pa;          /* 0x040 */
    uint64_t msrpm_base_pa;         /* 0x048 */
    uint64_t tsc_offset;            /* 0x050 */
    uint32_t asid;                  /* 0x058 */
    uint8_t tlb_control;            /* 0x05c */
    uint8_t reserved1[3];
    uint64_t int_ctl;               /* 0x060: V_TPR, V_IRQ, V_INTR_MASKING ... */
    uint64_t int_state;             /* 0x068: bit 0 interrupt shadow */
    uint64_t exit_code;             /* 0x070 */
    uint64_t exit_info1;            /* 0x078 */
    uint64_t exit_info2;            /* 0x080 */
    uint64_t exit_int_info;         /* 0x088 */
    uint64_t np_enable;             /* 0x090 */
    uint64_t avic_apic_bar;         /* 0x098 */
    uint64_t ghcb_pa;               /* 0x0a0 */
    uint64_t event_inj;             /* 0x0a8 */
    uint64_t n_cr3;                 /* 0x0b0 */
    uint64_t virt_ext;              /* 0x0b8 */
    uint32_t clean_bits;            /* 0x0c0 */
    uint32_t reserved2;
    uint64_t next_rip;              /* 0x0c8 */
    uint8_t insn_len;               /* 0x0d0 */
    uint8_t insn_bytes[15];         /* 0x0d1 */
    uint8_t reserved3[0x400 - 0x0e0];
};

struct vmcb_save {
    struct vmcb_seg es, cs, ss, ds, fs, gs, gdtr, ldtr, idtr, tr;  /* 0x400 .. 0x49f */
    uint8_t reserved0[0x4cb - 0x4a0];
    uint8_t cpl;                    /* 0x4cb */
    uint32_t reserved1;
    uint64_t efer;                  /* 0x4d0 */
    uint8_t reserved2[0x548 - 0x4d8];
    uint64_t cr4;                   /* 0x548 */
    uint64_t cr3;                   /* 0x550 */
    uint64_t cr0;                   /* 0x558 */
    uint64_t dr7;                   /* 0x560 */
    uint64_t dr6;                   /* 0x568 */
    uint64_t rflags;                /* 0x570 */
    uint64_t rip;                   /* 0x578 */
    uint8_t reserved3[0x5d8 - 0x580];
    uint64_t rsp;                   /* 0x5d8 */
    uint8_t reserved4[0x5f8 - 0x5e0];
    uint64_t rax;                   /* 0x5f8 */
    uint64_t star;                  /* 0x600 */
    uint64_t lstar;                 /* 0x608 */
    uint64_t cstar;                 /* 0x610 */
    uint64_t sfmask;                /* 0x618 */
    uint64_t kernel_gs_base;        /* 0x620 */
    uint64_t sysenter_cs;           /* 0x628 */
    uint64_t sysenter_esp;          /* 0x630 */
    uint64_t sysenter_eip;          /* 0x638 */
    uint64_t cr2;                   /* 0x640 */
    uint8_t reserved5[0x668 - 0x648];
    uint64_t g_pat;                 /* 0x668 */
    uint64_t dbgctl;                /* 0x670 */
};

struct vmcb {
    struct vmcb_control control;
    struct vmcb_save save;
};

_Static_assert(__builtin_offsetof(struct vmcb_control, iopm_base_pa) == 0x40, "vmcb iopm");
_Static_assert(__builtin_offsetof(struct vmcb_control, asid) == 0x58, "vmcb asid");
_Static_assert(__builtin_offsetof(struct vmcb_control, tlb_control) == 0x5c, "vmcb tlb_control");
_Static_assert(__builtin_offsetof(struct vmcb_control, exit_code) == 0x70, "vmcb exit_code");
_Static_assert(__builtin_offsetof(struct vmcb_control, np_enable) == 0x90, "vmcb np_enable");
_Static_assert(__builtin_offsetof(struct vmcb_control, event_inj) == 0xa8, "vmcb event_inj");
_Static_assert(__builtin_offsetof(struct vmcb_control, n_cr3) == 0xb0, "vmcb n_cr3");
_Static_assert(__builtin_offsetof(struct vmcb_control, next_rip) == 0xc8, "vmcb next_rip");
_Static_assert(sizeof(struct vmcb_control) == 0x400, "vmcb control area");
_Static_assert(__builtin_offsetof(struct vmcb, save.tr) == 0x490, "vmcb tr");
_Static_assert(__builtin_offsetof(struct vmcb, save.cpl) == 0x4cb, "vmcb cpl");
_Static_assert(__builtin_offsetof(struct vmcb, save.efer) == 0x4d0, "vmcb efer");
_Static_assert(__builtin_offsetof(struct vmcb, save.cr4) == 0x548, "vmcb cr4");
_Static_assert(__builtin_offsetof(struct vmcb, save.rip) == 0x578, "vmcb rip");
_Static_assert(__builtin_offsetof(struct vmcb, save.rsp) == 0x5d8, "vmcb rsp");
_Static_assert(__builtin_offsetof(struct vmcb, save.rax) == 0x5f8, "vmcb rax");
_Static_assert(__builtin_offsetof(struct vmcb, save.cr2) == 0x640, "vmcb cr2");
_Static_assert(__builtin_offsetof(struct vmcb, save.g_pat) == 0x668, "vmcb g_pat");
_Static_assert(sizeof(struct vmcb) <= 4096, "vmcb fits a page");

/* intercept_misc1 */
#define SVM_INTERCEPT1_INTR        (1U << 0)
#define SVM_INTERCEPT1_NMI         (1U << 1)
#define SVM_INTERCEPT1_SMI         (1U << 2)
#define SVM_INTERCEPT1_INIT        (1U << 3)
#define SVM_INTERCEPT1_VINTR       (1U << 4)
#define SVM_INTERCEPT1_CPUID       (1U << 18)
#define SVM_INTERCEPT1_RSM         (1U << 19)
#define SVM_INTERCEPT1_INVD        (1U << 22)
#define SVM_INTERCEPT1_HLT         (1U << 24)
#define SVM_INTERCEPT1_INVLPGA     (1U << 26)
#define SVM_INTERCEPT1_IOIO        (1U << 27)
#define SVM_INTERCEPT1_MSR         (1U << 28)
#define SVM_INTERCEPT1_TASK_SWITCH (1U << 29)
#define SVM_INTERCEPT1_SHUTDOWN    (1U << 31)
/* intercept_misc2 */
#define SVM_INTERCEPT2_VMRUN       (1U << 0)
#define SVM_INTERCEPT2_VMMCALL     (1U << 1)
#define SVM_INTERCEPT2_VMLOAD      (1U << 2)
#define SVM_INTERCEPT2_VMSAVE      (1U << 3)
#define SVM_INTERCEPT2_STGI        (1U << 4)
#define SVM_INTERCEPT2_CLGI        (1U << 5)
#define SVM_INTERCEPT2_SKINIT      (1U << 6)
#define SVM_INTERCEPT2_ICEBP       (1U << 8)
#define SVM_INTERCEPT2_MONITOR     (1U << 10)
#define SVM_INTERCEPT2_MWAIT       (1U << 11)
#define SVM_INTERCEPT2_MWAIT_COND  (1U << 12)
#define SVM_INTERCEPT2_XSETBV      (1U << 13)

/* Exit codes. */
#define SVM_EXIT_EXCP_BASE   0x040ULL
#define SVM_EXIT_INTR        0x060ULL
#define SVM_EXIT_VINTR       0x064ULL
#define SVM_EXIT_NMI         0x061ULL
#define SVM_EXIT_SMI         0x062ULL
#define SVM_EXIT_INIT        0x063ULL
#define SVM_EXIT_CPUID       0x072ULL
#define SVM_EXIT_RSM         0x073ULL
#define SVM_EXIT_INVD        0x076ULL
#define SVM_EXIT_HLT         0x078ULL
#define SVM_EXIT_INVLPGA     0x07aULL
#define SVM_EXIT_IOIO        0x07bULL
#define SVM_EXIT_MSR         0x07cULL
#define SVM_EXIT_TASK_SWITCH 0x07dULL
#define SVM_EXIT_SHUTDOWN    0x07fULL
#define SVM_EXIT_VMRUN       0x080ULL
#define SVM_EXIT_VMMCALL     0x081ULL
#define SVM_EXIT_VMLOAD      0x082ULL
#define SVM_EXIT_VMSAVE      0x083ULL
#define SVM_EXIT_STGI        0x084ULL
#define SVM_EXIT_CLGI        0x085ULL
#define SVM_EXIT_SKINIT      0x086ULL
#define SVM_EXIT_ICEBP       0x088ULL
#define SVM_EXIT_MONITOR     0x08aULL
#define SVM_EXIT_MWAIT       0x08bULL
#define SVM_EXIT_MWAIT_COND  0x08cULL
#define SVM_EXIT_XSETBV      0x08dULL
#define SVM_EXIT_NPF         0x400ULL
#define SVM_EXIT_INVALID     (~0ULL)

/* IOIO exit_info1 */
#define SVM_IOIO_IN          (1ULL << 0)
#define SVM_IOIO_STR         (1ULL << 2)
#define SVM_IOIO_REP         (1ULL << 3)
#define SVM_IOIO_SZ_SHIFT    4
#define SVM_IOIO_PORT_SHIFT  16

/* NPF exit_info1 */
#define SVM_NPF_PRESENT      (1ULL << 0)
#define SVM_NPF_WRITE        (1ULL << 1)
#define SVM_NPF_USER         (1ULL << 2)
#define SVM_NPF_FETCH        (1ULL << 4)
#define SVM_NPF_IN_WALK      (1ULL << 33)

/* event_inj / exit_int_info */
#define SVM_EVT_VALID        (1ULL << 31)
#define SVM_EVT_ERR_VALID    (1ULL << 11)
#define SVM_EVT_TYPE_SHIFT   8
#define SVM_EVT_TYPE_INTR    0ULL
#define SVM_EVT_TYPE_NMI     2ULL
#define SVM_EVT_TYPE_EXCEPT  3ULL
#define SVM_EVT_TYPE_SOFT    4ULL

#define SVM_INT_STATE_SHADOW       (1ULL << 0)
#define SVM_INT_CTL_V_IRQ          (1ULL << 8)
#define SVM_INT_CTL_V_INTR_PRIO    (0xFULL << 16)
#define SVM_INT_CTL_V_IGN_TPR      (1ULL << 20)
#define SVM_INT_CTL_V_INTR_MASKING (1ULL << 24)
#define SVM_INT_CTL_V_VECTOR_SHIFT 32          /* V_INTR_VECTOR, the byte at 0x064 */
#define SVM_INT_CTL_V_VECTOR_MASK  (0xFFULL << SVM_INT_CTL_V_VECTOR_SHIFT)
#define SVM_TLB_FLUSH_ALL     1U
#define SVM_TLB_FLUSH_GUEST   3U

#define SVM_IOPM_PAGES  3U      /* 12 KiB: one bit per port, intercept when set */
#define SVM_MSRPM_PAGES 2U      /* 8 KiB: two bits (read, write) per MSR */

#endif /* SVM_VMCB_H */
