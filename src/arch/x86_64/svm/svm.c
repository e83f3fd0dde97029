// SPDX-License-Identifier: GPL-2.0-only
/*
 * AMD SVM behind the vcpu_vendor_* interface (hv/vcpu.h): per-CPU enable,
 * one VMCB per vCPU with its own ASID and nested paging on the domain's p2m,
 * the PVH entry state, and the translation of each #VMEXIT into a struct
 * vmexit.  Portable: the VMCB is ordinary memory reached through
 * hal_frame_map(), and the only hardware step, VMRUN, is hal_svm_run().
 */
#include "vmcb.h"

#include "hal/hal.h"
#include "hv/console.h"
#include "hv/cpuid_policy.h"
#include "hv/frame.h"
#include "hv/msr_policy.h"
#include "hv/vcpu.h"
#include "xen/errno.h"

#define EFER_SVME (1ULL << 12)
#define EFER_LMA  (1ULL << 10)
#define CR0_PE    (1ULL << 0)
#define CR0_ET    (1ULL << 4)
#define PAT_RESET 0x0007040600070406ULL
#define X86_EXC_UD 6U

/* Segment attributes (type, S, DPL, P in 0-7; AVL, L, D/B, G in 8-11). */
#define SEG_ATTR_CODE32 0xc9bU   /* execute/read accessed, present, 32-bit, 4 KiB granular */
#define SEG_ATTR_DATA32 0xc93U   /* read/write accessed, present, 32-bit, 4 KiB granular */
#define SEG_ATTR_TSS32  0x08bU   /* busy 32-bit TSS, present */
#define SEG_ATTR_LDT    0x082U
#define SEG_ATTR_L      (1U << 9)
#define SEG_ATTR_DB     (1U << 10)

/* State every vCPU on this CPU shares. */
static struct {
    bool ready;
    bool nrip_save;
    bool flush_by_asid;
    uint32_t nr_asids;
    uint32_t next_asid;
    mfn_t hsave;        /* VM_HSAVE_PA */
    mfn_t host_save;    /* VMSAVE area for the host's FS/GS/TR/LDTR/MSRs */
    mfn_t iopm;         /* 3 pages, every port intercepted */
    mfn_t msrpm;        /* 2 pages */
} svm;


static struct vmcb *vmcb_of(const struct vcpu *v)
{
    return (struct vmcb *)(void *)hal_frame_map(v->vendor.ctl_mfn);
}

/* Byte offset in the MSR permission map of `msr`'s two bits, or -1. */
static long msrpm_bit(uint32_t msr)
{
    if (msr <= 0x1FFFU)
        return (long)msr * 2;
    if (msr >= 0xC0000000U && msr <= 0xC0001FFFU)
        return 0x800L * 8 + (long)(msr - 0xC0000000U) * 2;
    if (msr >= 0xC0010000U && msr <= 0xC0011FFFU)
        return 0x1000L * 8 + (long)(msr - 0xC0010000U) * 2;
    return -1;
}

static void msrpm_pass_through(mfn_t pm, uint32_t msr)
{
    long bit = msrpm_bit(msr);
    uint64_t byte;
    uint8_t *page;

    if (bit < 0)
        return;
    byte = (uint64_t)bit / 8;
    page = hal_frame_map(pm + byte / PAGE_SIZE);
    /* Clear both the read and the write bit (bit is even, so both share a byte). */
    page[byte % PAGE_SIZE] = (uint8_t)(page[byte % PAGE_SIZE] & ~(3U << (bit % 8)));
}

static mfn_t alloc_filled(unsigned order, uint8_t fill)
{
    mfn_t m = frame_alloc(order, DOMID_XEN);

    if (m == INVALID_MFN)
        return INVALID_MFN;
    for (mfn_t i = 0; i < (1ULL << order); i++) {
        uint8_t *p = hal_frame_map(m + i);
        for (size_t b = 0; b < PAGE_SIZE; b++)
            p[b] = fill;
    }
    return m;
}

static void svm_read_caps(void)
{
    struct hal_cpuid id;

    hal_cpuid(0x8000000AU, 0, &id);
    svm.nr_asids = id.ebx;
    svm.nrip_save = (id.edx & (1U << 3)) != 0;
    svm.flush_by_asid = (id.edx & (1U << 6)) != 0;
}

void vcpu_vendor_cpu_reset(void)
{
    svm.ready = false;
}

int vcpu_vendor_cpu_init(void)
{
    if (svm.ready)
        return 0;
    svm_read_caps();
    svm.hsave = alloc_filled(0, 0);
    svm.host_save = alloc_filled(0, 0);
    svm.iopm = alloc_filled(2, 0xFF);
    svm.msrpm = alloc_filled(1, 0xFF);
    if (svm.hsave == INVALID_MFN || svm.host_save == INVALID_MFN || svm.iopm == INVALID_MFN ||
        svm.msrpm == INVALID_MFN) {
        hv_err("svm: no memory for the host save area and permission maps\n");
        return -XEN_ENOMEM;
    }
    /* The MSRs whose values live in the VMCB (msr_policy.h has the list). */
    for (size_t i = 0; i < MSR_POLICY_NR_PASSTHROUGH; i++)
        msrpm_pass_through(svm.msrpm, msr_policy_passthrough[i]);
    if (!hal_svm_enable(svm.hsave)) {
        hv_err("svm: the CPU refused to enable SVM (disabled by firmware?)\n");
        return -XEN_ENODEV;
    }
    svm.next_asid = 1;
    svm.ready = true;
    hv_info("svm: enabled, %u ASIDs, next-RIP save %s\n", svm.nr_asids,
            svm.nrip_save ? "yes" : "no (instruction lengths decoded)");
    return 0;
}

static void set_seg(struct vmcb_seg *s, uint16_t sel, uint16_t attrib, uint32_t limit)
{
    *s = (struct vmcb_seg){ .selector = sel, .attrib = attrib, .limit = limit, .base = 0 };
}

/*
 * The PVH entry state: 32-bit protected mode, paging off, flat 4 GiB code
 * and data segments, a 32-bit TSS, ebx = hvm_start_info.  The VMCB's EFER
 * keeps SVME set (VMRUN requires it); the guest's view of EFER lives in
 * v->state and has it clear.
 */
static void vmcb_set_pvh_state(struct vmcb_save *s, uint32_t entry)
{
    set_seg(&s->cs, 0x08, SEG_ATTR_CODE32, 0xFFFFFFFFU);
    set_seg(&s->ds, 0x10, SEG_ATTR_DATA32, 0xFFFFFFFFU);
    set_seg(&s->es, 0x10, SEG_ATTR_DATA32, 0xFFFFFFFFU);
    set_seg(&s->ss, 0x10, SEG_ATTR_DATA32, 0xFFFFFFFFU);
    set_seg(&s->fs, 0x10, SEG_ATTR_DATA32, 0xFFFFFFFFU);
    set_seg(&s->gs, 0x10, SEG_ATTR_DATA32, 0xFFFFFFFFU);
    set_seg(&s->tr, 0x18, SEG_ATTR_TSS32, 0x67);
    set_seg(&s->ldtr, 0, SEG_ATTR_LDT, 0);
    set_seg(&s->gdtr, 0, 0, 0xFFFF);
    set_seg(&s->idtr, 0, 0, 0xFFFF);
    s->cpl = 0;
    s->efer = EFER_SVME;
    s->cr0 = CR0_PE | CR0_ET;
    s->cr3 = 0;
    s->cr4 = 0;
    s->dr6 = 0xFFFF0FF0ULL;
    s->dr7 = 0x400;
    s->rflags = 0x2;
    s->rip = entry;
    s->rsp = 0;
    s->rax = 0;
    s->g_pat = PAT_RESET;
}

static void vmcb_set_controls(struct vmcb_control *c, mfn_t p2m_root, uint32_t asid)
{
    c->intercept_exceptions = 1U << X86_EXC_UD;        /* VMCALL from guests that think they are on Intel */
    c->intercept_misc1 = SVM_INTERCEPT1_INTR | SVM_INTERCEPT1_NMI | SVM_INTERCEPT1_SMI |
                         SVM_INTERCEPT1_INIT | SVM_INTERCEPT1_CPUID | SVM_INTERCEPT1_RSM |
                         SVM_INTERCEPT1_HLT | SVM_INTERCEPT1_INVLPGA | SVM_INTERCEPT1_IOIO |
                         SVM_INTERCEPT1_MSR | SVM_INTERCEPT1_TASK_SWITCH | SVM_INTERCEPT1_SHUTDOWN;
    c->intercept_misc2 = SVM_INTERCEPT2_VMRUN | SVM_INTERCEPT2_VMMCALL | SVM_INTERCEPT2_VMLOAD |
                         SVM_INTERCEPT2_VMSAVE | SVM_INTERCEPT2_STGI | SVM_INTERCEPT2_CLGI |
                         SVM_INTERCEPT2_SKINIT | SVM_INTERCEPT2_MONITOR | SVM_INTERCEPT2_MWAIT |
                         SVM_INTERCEPT2_MWAIT_COND | SVM_INTERCEPT2_XSETBV;
    c->iopm_base_pa = svm.iopm << PAGE_SHIFT;
    c->msrpm_base_pa = svm.msrpm << PAGE_SHIFT;
    c->asid = asid;
    c->tlb_control = SVM_TLB_FLUSH_ALL;
    /* The guest's IF masks only virtual interrupts; physical ones exit to us. */
    c->int_ctl = SVM_INT_CTL_V_INTR_MASKING;
    c->np_enable = 1;
    c->n_cr3 = p2m_root << PAGE_SHIFT;
}

static void vcpu_state_from_vmcb(struct vcpu *v, const struct vmcb_save *s);

int vcpu_vendor_create(struct vcpu *v, mfn_t p2m_root, uint32_t entry, uint32_t start_info_gpa)
{
    struct vmcb *vmcb;
    mfn_t m;

    if (!svm.ready)
        return -XEN_ENODEV;
    if (svm.nr_asids != 0 && svm.next_asid >= svm.nr_asids)
        return -XEN_ENOSPC;
    m = alloc_filled(0, 0);
    if (m == INVALID_MFN)
        return -XEN_ENOMEM;
    /* The guest's address width is the CPU's: asked once, not on every exit (CPUID is slow,
     * and an exit of its own when Xenolith itself runs in a VM). */
    v->vendor = (struct vcpu_vendor){ .ctl_mfn = m, .asid = svm.next_asid++, .launched = false,
                                      .maxphyaddr = cpuid_policy_maxphyaddr() };
    vmcb = vmcb_of(v);
    vmcb_set_controls(&vmcb->control, p2m_root, v->vendor.asid);
    vmcb_set_pvh_state(&vmcb->save, entry);
    v->regs = (struct vcpu_regs){ .rbx = start_info_gpa, .rip = entry, .rflags = 0x2 };
    vcpu_state_from_vmcb(v, &vmcb->save);
    v->state_dirty = false;
    return 0;
}

void vcpu_vendor_destroy(struct vcpu *v)
{
    if (v->vendor.ctl_mfn != INVALID_MFN && v->vendor.ctl_mfn != 0)
        (void)frame_free(v->vendor.ctl_mfn, 0, DOMID_XEN);
    v->vendor.ctl_mfn = INVALID_MFN;
}

void vcpu_vendor_hypercall_insn(uint8_t out[3])
{
    out[0] = 0x0F;      /* vmmcall */
    out[1] = 0x01;
    out[2] = 0xD9;
}

static enum vcpu_cs_mode cs_mode_of(const struct vmcb_save *s)
{
    if ((s->cr0 & CR0_PE) == 0)
        return VCPU_CS_16;
    if ((s->efer & EFER_LMA) != 0 && (s->cs.attrib & SEG_ATTR_L) != 0)
        return VCPU_CS_64;
    return (s->cs.attrib & SEG_ATTR_DB) != 0 ? VCPU_CS_32 : VCPU_CS_16;
}

static void vcpu_state_from_vmcb(struct vcpu *v, const struct vmcb_save *s)
{
    v->regs.rax = s->rax;
    v->regs.rsp = s->rsp;
    v->regs.rip = s->rip;
    v->regs.rflags = s->rflags;
    v->state.paging.cr0 = s->cr0;
    v->state.paging.cr3 = s->cr3;
    v->state.paging.cr4 = s->cr4;
    v->state.paging.efer = s->efer & ~EFER_SVME;
    v->state.paging.rflags = s->rflags;
    v->state.paging.cpl = s->cpl;
    v->state.paging.maxphyaddr = v->vendor.maxphyaddr;
    v->state.cr2 = s->cr2;
    v->state.cs_base = s->cs.base;
    v->state.cs_mode = cs_mode_of(s);
    v->state.pat = s->g_pat;
}

/* The interrupt shadow (after STI or MOV SS) as the exit left it. */
static void irq_shadow_from_vmcb(struct vcpu *v, const struct vmcb_control *c)
{
    v->state.irq_shadow = (c->int_state & SVM_INT_STATE_SHADOW) != 0;
}

/* The dispatcher clears it when it skips the instruction the shadow covered. */
static void irq_shadow_to_vmcb(const struct vcpu *v, struct vmcb *vmcb)
{
    if (!v->state.irq_shadow)
        vmcb->control.int_state &= ~SVM_INT_STATE_SHADOW;
}

static void vcpu_state_to_vmcb(struct vcpu *v, struct vmcb_save *s)
{
    s->rax = v->regs.rax;
    s->rsp = v->regs.rsp;
    s->rip = v->regs.rip;
    s->rflags = v->regs.rflags;
    if (!v->state_dirty)
        return;
    s->efer = v->state.paging.efer | EFER_SVME;
    s->cr2 = v->state.cr2;
    s->g_pat = v->state.pat;
    v->state_dirty = false;
}

static uint64_t event_to_svm(const struct vcpu_event *e)
{
    uint64_t type;
    uint64_t inj;

    switch (e->type) {
    case VCPU_EVENT_EXTINT: type = SVM_EVT_TYPE_INTR; break;
    case VCPU_EVENT_NMI: type = SVM_EVT_TYPE_NMI; break;
    case VCPU_EVENT_SOFTINT: type = SVM_EVT_TYPE_SOFT; break;
    default: type = SVM_EVT_TYPE_EXCEPT; break;
    }
    inj = SVM_EVT_VALID | (type << SVM_EVT_TYPE_SHIFT) | e->vector;
    if (e->has_error_code)
        inj |= SVM_EVT_ERR_VALID | ((uint64_t)e->error_code << 32);
    return inj;
}

/* An event the exit interrupted is delivered again on the next entry. */
static void event_from_exit_int_info(struct vcpu *v, uint64_t info)
{
    uint64_t type = (info >> SVM_EVT_TYPE_SHIFT) & 7U;

    if ((info & SVM_EVT_VALID) == 0 || v->inject.type != VCPU_EVENT_NONE)
        return;
    v->inject = (struct vcpu_event){
        .type = type == SVM_EVT_TYPE_INTR ? VCPU_EVENT_EXTINT
              : type == SVM_EVT_TYPE_NMI ? VCPU_EVENT_NMI
              : type == SVM_EVT_TYPE_SOFT ? VCPU_EVENT_SOFTINT : VCPU_EVENT_EXCEPTION,
        .vector = (uint8_t)(info & 0xFFU),
        .has_error_code = (info & SVM_EVT_ERR_VALID) != 0,
        .error_code = (uint32_t)(info >> 32),
    };
}

static uint64_t io_qual(uint64_t info1)
{
    uint64_t size = (info1 >> SVM_IOIO_SZ_SHIFT) & 7U;    /* one-hot: 1, 2, 4 */
    uint64_t q = (info1 >> SVM_IOIO_PORT_SHIFT) & VMEXIT_IO_PORT_MASK;

    q |= size << VMEXIT_IO_SIZE_SHIFT;
    if ((info1 & SVM_IOIO_IN) != 0)
        q |= VMEXIT_IO_IN;
    if ((info1 & SVM_IOIO_STR) != 0)
        q |= VMEXIT_IO_STRING;
    if ((info1 & SVM_IOIO_REP) != 0)
        q |= VMEXIT_IO_REP;
    return q;
}

static uint64_t npf_info(uint64_t info1)
{
    uint64_t i = 0;

    if ((info1 & SVM_NPF_PRESENT) != 0)
        i |= VMEXIT_NPF_PRESENT;
    if ((info1 & SVM_NPF_WRITE) != 0)
        i |= VMEXIT_NPF_WRITE;
    if ((info1 & SVM_NPF_USER) != 0)
        i |= VMEXIT_NPF_USER;
    if ((info1 & SVM_NPF_FETCH) != 0)
        i |= VMEXIT_NPF_FETCH;
    if ((info1 & SVM_NPF_IN_WALK) != 0)
        i |= VMEXIT_NPF_WALK;
    return i;
}

/* SVM and monitor instructions: the guest sees a CPU without them. */
static bool exit_is_undefined_insn(uint64_t code)
{
    return code == SVM_EXIT_VMRUN || code == SVM_EXIT_VMLOAD || code == SVM_EXIT_VMSAVE ||
           code == SVM_EXIT_STGI || code == SVM_EXIT_CLGI || code == SVM_EXIT_SKINIT ||
           code == SVM_EXIT_INVLPGA || code == SVM_EXIT_MONITOR || code == SVM_EXIT_MWAIT ||
           code == SVM_EXIT_MWAIT_COND || code == SVM_EXIT_XSETBV || code == SVM_EXIT_RSM;
}

/* Length of an intercepted instruction when the CPU reports next-RIP. */
static uint32_t nrip_len(const struct vmcb *vmcb)
{
    uint64_t len = vmcb->control.next_rip - vmcb->save.rip;

    return svm.nrip_save && len >= 1 && len <= 15 ? (uint32_t)len : 0;
}

static enum vmexit_reason reason_of(uint64_t code, uint64_t info1)
{
    switch (code) {
    case SVM_EXIT_VMMCALL: return VMEXIT_HYPERCALL;
    case SVM_EXIT_CPUID: return VMEXIT_CPUID;
    case SVM_EXIT_MSR: return info1 != 0 ? VMEXIT_WRMSR : VMEXIT_RDMSR;
    case SVM_EXIT_IOIO: return VMEXIT_IO;
    case SVM_EXIT_NPF: return VMEXIT_NPF;
    case SVM_EXIT_HLT: return VMEXIT_HLT;
    case SVM_EXIT_SHUTDOWN: return VMEXIT_TRIPLE_FAULT;
    case SVM_EXIT_INTR: return VMEXIT_INTR;
    case SVM_EXIT_VINTR: return VMEXIT_IRQ_WINDOW;
    case SVM_EXIT_NMI: return VMEXIT_NMI;
    case SVM_EXIT_INVALID: return VMEXIT_INVALID_STATE;
    default: break;
    }
    if (code >= SVM_EXIT_EXCP_BASE && code < SVM_EXIT_EXCP_BASE + 32U)
        return VMEXIT_EXCEPTION;
    if (exit_is_undefined_insn(code))
        return VMEXIT_EXCEPTION;
    return VMEXIT_UNHANDLED;
}

/* Turn the VMCB's exit fields into the vendor-neutral record. */
static void svm_normalize_exit(const struct vmcb *vmcb, struct vmexit *e)
{
    uint64_t code = vmcb->control.exit_code;
    uint64_t info1 = vmcb->control.exit_info1, info2 = vmcb->control.exit_info2;

    *e = (struct vmexit){ .reason = reason_of(code, info1), .vendor_code = code };
    switch (e->reason) {
    case VMEXIT_IO:
        e->qual = io_qual(info1);
        /* IOIO always reports the next rip in exit_info2, NRIP or not. */
        e->insn_len = info2 > vmcb->save.rip && info2 - vmcb->save.rip <= 15
                    ? (uint32_t)(info2 - vmcb->save.rip) : 0;
        break;
    case VMEXIT_NPF:
        e->qual = info2;
        e->info = npf_info(info1);
        break;
    case VMEXIT_EXCEPTION:
        e->qual = code >= SVM_EXIT_EXCP_BASE && code < SVM_EXIT_EXCP_BASE + 32U
                ? code - SVM_EXIT_EXCP_BASE : X86_EXC_UD;
        e->info = info1;
        break;
    case VMEXIT_HYPERCALL:
    case VMEXIT_CPUID:
    case VMEXIT_RDMSR:
    case VMEXIT_WRMSR:
    case VMEXIT_HLT:
        e->insn_len = nrip_len(vmcb);
        break;
    default:
        e->qual = info1;
        e->info = info2;
        break;
    }
}

/*
 * An interrupt window: V_IRQ set (any vector: it is never delivered) with
 * the VINTR intercept makes the CPU exit as soon as the guest could take an
 * external interrupt; the caller then injects the real one with EVENTINJ.
 * The request is noted here and written into the VMCB by the next entry,
 * which maps the VMCB anyway (the scheduler asks before every entry).
 */
void vcpu_vendor_request_irq_window(struct vcpu *v, bool on)
{
    v->vendor.irq_window = on;
}

bool vcpu_vendor_irq_window_requested(const struct vcpu *v)
{
    return v->vendor.irq_window;
}

static void irq_window_to_vmcb(const struct vcpu *v, struct vmcb_control *c)
{
    c->int_ctl &= ~(SVM_INT_CTL_V_IRQ | SVM_INT_CTL_V_INTR_PRIO | SVM_INT_CTL_V_IGN_TPR |
                    SVM_INT_CTL_V_VECTOR_MASK);
    c->intercept_misc1 &= ~SVM_INTERCEPT1_VINTR;
    if (v->vendor.irq_window) {
        c->int_ctl |= SVM_INT_CTL_V_IRQ | SVM_INT_CTL_V_INTR_PRIO | SVM_INT_CTL_V_IGN_TPR;
        c->intercept_misc1 |= SVM_INTERCEPT1_VINTR;
    }
}

void vcpu_vendor_run(struct vcpu *v, struct vmexit *exit)
{
    struct vmcb *vmcb = vmcb_of(v);

    irq_shadow_to_vmcb(v, vmcb);
    irq_window_to_vmcb(v, &vmcb->control);
    vcpu_state_to_vmcb(v, &vmcb->save);
    vmcb->control.event_inj = v->inject.type != VCPU_EVENT_NONE ? event_to_svm(&v->inject) : 0;
    v->inject.type = VCPU_EVENT_NONE;
    /*
     * Flush this guest's translations on every entry: p2m changes (unmaps,
     * permission changes) must never leave a stale nested TLB entry.
     */
    vmcb->control.tlb_control = svm.flush_by_asid ? SVM_TLB_FLUSH_GUEST : SVM_TLB_FLUSH_ALL;
    vmcb->control.clean_bits = 0;
    hal_svm_run(v->vendor.ctl_mfn, svm.host_save, &v->regs);
    v->vendor.launched = true;
    vcpu_state_from_vmcb(v, &vmcb->save);
    irq_shadow_from_vmcb(v, &vmcb->control);
    svm_normalize_exit(vmcb, exit);
    event_from_exit_int_info(v, vmcb->control.exit_int_info);
    v->exits++;
}
