/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Virtual CPUs and the normalized VM exit.
 *
 * The vendor layer (svm/, later vmx/) runs a vCPU until the hardware exits
 * and turns the exit into a struct vmexit; vcpu_handle_exit() (arch level,
 * one for every vendor) acts on it.  The simulator builds the same records,
 * so every exit path is tested without hardware.  Between exits the
 * architectural state the dispatcher may read or change lives in struct
 * vcpu: all general registers (regs), and the paging/segment state that the
 * vendor layer refreshes after every exit (state) and writes back before the
 * next entry when `state_dirty` is set.
 */
#ifndef HV_VCPU_H
#define HV_VCPU_H

#include "hv/guest_walk.h"
#include "hv/types.h"
#include "hv/vcpu_regs.h"

/* What the dispatcher sees of the guest's control state. */
struct vcpu_state {
    struct guest_paging paging;   /* cr0, cr3, cr4, efer, rflags, cpl, maxphyaddr */
    uint64_t cr2;
    uint64_t cs_base;
    enum vcpu_cs_mode cs_mode;
    uint64_t pat;                 /* guest PAT (the VMCB's g_pat under nested paging) */
    bool irq_shadow;              /* the instruction at rip cannot be interrupted (after STI, MOV SS) */
};

enum vmexit_reason {
    VMEXIT_NONE = 0,
    VMEXIT_HYPERCALL,      /* VMMCALL, or VMCALL decoded from #UD on AMD */
    VMEXIT_CPUID,
    VMEXIT_RDMSR,          /* msr in rcx */
    VMEXIT_WRMSR,          /* msr in rcx, value in edx:eax */
    VMEXIT_IO,             /* qual: see VMEXIT_IO_* */
    VMEXIT_NPF,            /* nested page fault: qual = gpa, info = VMEXIT_NPF_* */
    VMEXIT_HLT,
    VMEXIT_EXCEPTION,      /* intercepted guest exception: qual = vector, info = error code */
    VMEXIT_TRIPLE_FAULT,   /* SVM SHUTDOWN / VMX triple fault */
    VMEXIT_INTR,           /* physical interrupt while the guest ran */
    VMEXIT_IRQ_WINDOW,     /* the guest can now take the interrupt waiting for it */
    VMEXIT_NMI,
    VMEXIT_INVALID_STATE,  /* the CPU refused the guest state (VMRUN failed) */
    VMEXIT_UNHANDLED,      /* any other vendor exit: vendor_code says which */
};

/* VMEXIT_IO qualification bits. */
#define VMEXIT_IO_PORT_MASK  0xFFFFULL
#define VMEXIT_IO_SIZE_SHIFT 16          /* access size in bytes: 1, 2 or 4 */
#define VMEXIT_IO_SIZE_MASK  (0x7ULL << VMEXIT_IO_SIZE_SHIFT)
#define VMEXIT_IO_IN         (1ULL << 20)
#define VMEXIT_IO_STRING     (1ULL << 21)
#define VMEXIT_IO_REP        (1ULL << 22)

/* VMEXIT_NPF info bits (the access that faulted). */
#define VMEXIT_NPF_PRESENT  (1ULL << 0)  /* a translation existed (permission fault) */
#define VMEXIT_NPF_WRITE    (1ULL << 1)
#define VMEXIT_NPF_USER     (1ULL << 2)
#define VMEXIT_NPF_FETCH    (1ULL << 4)
#define VMEXIT_NPF_WALK     (1ULL << 5)  /* the fault hit a guest page-table access */

struct vmexit {
    enum vmexit_reason reason;
    uint64_t vendor_code;   /* raw exit code, for messages */
    uint64_t qual;
    uint64_t info;
    uint32_t insn_len;      /* length of the exiting instruction; 0 = unknown (decode it) */
};

/* Event to inject on the next entry. */
enum vcpu_event_type {
    VCPU_EVENT_NONE = 0,
    VCPU_EVENT_EXTINT,      /* external interrupt (upcall vector) */
    VCPU_EVENT_NMI,
    VCPU_EVENT_EXCEPTION,
    VCPU_EVENT_SOFTINT,
};

struct vcpu_event {
    enum vcpu_event_type type;
    uint8_t vector;
    bool has_error_code;
    uint32_t error_code;
};

enum vcpu_run_state {
    VCPU_DOWN = 0,          /* never started, or stopped */
    VCPU_RUNNABLE,
    VCPU_BLOCKED,           /* HLT or SCHEDOP_block: waits for an event or its timer */
};

/* Vendor-private state, opaque to generic code. */
struct vcpu_vendor {
    mfn_t ctl_mfn;          /* VMCB (SVM) or VMCS (VMX) */
    uint32_t asid;          /* ASID / VPID */
    bool launched;
    uint8_t maxphyaddr;     /* the guest's MAXPHYADDR, from CPUID when the vCPU was created */
    bool irq_window;        /* an interrupt-window exit is wanted (set up by the next entry) */
};

/*
 * Where an instruction at rip was fetched from in a 4-level guest
 * (vcpu_exit.c): the paging state and linear page of that fetch, every
 * page-table entry its walk read (top level first: guest-physical address
 * and value) and the guest-physical page it led to.  Only a hint that saves
 * a later exit at that page a guest page walk: before each use every entry
 * is read again where the p2m puts it now (translated again when the p2m's
 * generation moved since) and must be unchanged, so a stale hint (new CR3,
 * other paging mode, a guest page-table write, a p2m change) is never
 * trusted, and nothing needs to invalidate it.  A vCPU keeps a few (the
 * hypercall page, and the code its other exits come from).
 */
#define VCPU_FETCH_HINTS 4U
struct vcpu_fetch_hint {
    bool valid;
    uint8_t nr;                          /* entries in the walk (4: 4 KiB page, 3: 2 MiB, 2: 1 GiB) */
    struct guest_paging paging;          /* as it was, rflags reduced to AC (all the walk reads of it) */
    uint64_t page;                       /* guest-linear page of the fetch */
    uint64_t entry_gpa[GW_MAX_LEVELS];
    uint64_t entry[GW_MAX_LEVELS];       /* each with its accessed bit set (the walk had nothing to set) */
    uint64_t data_gpa;                   /* guest-physical page the walk led to */
    /*
     * The translations above as the p2m gave them at generation
     * p2m_generation: each entry's table page and the data page, mapped.
     * While the p2m's generation is unchanged they still hold, and a check
     * of the hint only re-reads the entries (the guest may have changed its
     * tables without an exit).
     */
    uint64_t p2m_generation;
    const uint64_t *entry_table[GW_MAX_LEVELS];
    const uint8_t *data_page;
};

struct domain;

struct vcpu {
    struct domain *domain;
    uint32_t id;
    enum vcpu_run_state run_state;
    struct vcpu_regs regs;
    struct vcpu_state state;
    bool state_dirty;           /* state changed by the dispatcher: write back before entry */
    struct vcpu_event inject;   /* pending injection, consumed by the next entry */
    uint64_t timer_deadline_ns; /* singleshot timer, 0 = none */
    uint64_t vcpu_info_gfn;     /* registered vcpu_info (gfn, offset); gfn 0 + off 0 = shared_info slot */
    uint32_t vcpu_info_offset;
    bool vcpu_info_registered;
    uint64_t runstate_gla;      /* registered runstate area, 0 = none */
    uint64_t hypercalls;        /* statistics */
    uint64_t exits;
    struct vcpu_fetch_hint fetch_hint[VCPU_FETCH_HINTS];   /* vcpu_exit.c's */
    uint8_t fetch_hint_next;             /* the one the next new walk replaces */
    struct vcpu_vendor vendor;
    /* x87/SSE registers while another vCPU has the CPU (FXSAVE image). */
    uint8_t fpu[512] __attribute__((aligned(16)));
};

#define VCPU_RFLAGS_IF 0x200ULL

/* Whether an external interrupt could be injected at the next entry. */
/*@ requires \valid_read(v);
    assigns \nothing; */
static inline bool vcpu_interruptible(const struct vcpu *v)
{
    return (v->regs.rflags & VCPU_RFLAGS_IF) != 0 && !v->state.irq_shadow &&
           v->inject.type == VCPU_EVENT_NONE;
}

/* Deliver exception `vector` to the guest on its next entry. */
void vcpu_inject_exception(struct vcpu *v, uint8_t vector, bool has_error, uint32_t error);

/* Forget the per-CPU vendor state (the simulator's machine reset). */
void vcpu_vendor_cpu_reset(void);

/* ---- the vendor interface (svm/ implements it; vmx/ will) ------------------ */

/* Enable virtualization on this CPU.  0, or -XEN_ENODEV with a reason logged. */
int vcpu_vendor_cpu_init(void);

/* Allocate the control block, set intercepts and the PVH entry state
 * (32-bit protected mode, paging off, flat segments, 32-bit TSS, ebx =
 * start_info_gpa, rip = entry).  p2m_root: the nested page-table root. */
int vcpu_vendor_create(struct vcpu *v, mfn_t p2m_root, uint32_t entry, uint32_t start_info_gpa);

/* Run the vCPU until its next exit; fills *exit and refreshes v->regs/state. */
void vcpu_vendor_run(struct vcpu *v, struct vmexit *exit);

/*
 * Ask for an exit (VMEXIT_IRQ_WINDOW) as soon as the guest can take an
 * external interrupt (IF set, no interrupt shadow), or stop asking.  The
 * interrupt itself is injected through v->inject once
 * vcpu_interruptible(v).
 */
void vcpu_vendor_request_irq_window(struct vcpu *v, bool on);
bool vcpu_vendor_irq_window_requested(const struct vcpu *v);
/* Free the control block. */
void vcpu_vendor_destroy(struct vcpu *v);

/* The three bytes of this vendor's hypercall instruction (vmmcall or vmcall). */
/*@ requires \valid(out + (0 .. 2));
    assigns out[0 .. 2]; */
void vcpu_vendor_hypercall_insn(uint8_t out[3]);

#endif /* HV_VCPU_H */
