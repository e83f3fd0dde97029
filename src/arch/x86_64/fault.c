// SPDX-License-Identifier: GPL-2.0-only
#include "hv/fault.h"

#include "hv/console.h"

#define PF_PRESENT (1U << 0)
#define PF_WRITE   (1U << 1)
#define PF_USER    (1U << 2)
#define PF_RSVD    (1U << 3)
#define PF_INSN    (1U << 4)

static const char *const vector_names[X86_EXC_COUNT] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
    "#DF", "#09", "#TS", "#NP", "#SS", "#GP", "#PF", "#15",
    "#MF", "#AC", "#MC", "#XM", "#VE", "#CP", "#22", "#23",
    "#24", "#25", "#26", "#27", "#HV", "#VC", "#SX", "#31",
};

const char *fault_vector_name(uint64_t vector)
{
    return vector < X86_EXC_COUNT ? vector_names[vector] : "#??";
}

static const char *page_fault_hint(uint64_t error_code, uint64_t cr2)
{
    if (error_code & PF_RSVD)
        return "page fault: reserved bit set in a page-table entry (corrupt page tables)";
    if (error_code & PF_INSN)
        return "page fault on instruction fetch: jump to a bad or non-executable address";
    if (!(error_code & PF_PRESENT) && cr2 < PAGE_SIZE)
        return "page fault near address 0: NULL pointer dereference";
    if (!(error_code & PF_PRESENT))
        return (error_code & PF_WRITE) ? "page fault: write to an unmapped address"
                                       : "page fault: read from an unmapped address";
    return (error_code & PF_WRITE) ? "page fault: write to a read-only page"
                                   : "page fault: protection violation";
}

const char *fault_hint(const struct cpu_fault_frame *frame, const struct cpu_fault_extra *extra)
{
    switch (frame->vector) {
    case X86_EXC_DE:
        return "divide error: division by zero or quotient overflow";
    case X86_EXC_UD:
        return "invalid opcode: executed an undefined instruction (ud2 marks a BUG)";
    case X86_EXC_DF:
        return "double fault: an exception while delivering another; often a stack overflow";
    case X86_EXC_GP:
        return frame->error_code != 0
                   ? "general protection fault with a selector: bad segment or descriptor"
                   : "general protection fault: non-canonical address or privileged operation";
    case X86_EXC_SS:
        return "stack-segment fault: stack pointer non-canonical or overflowed";
    case X86_EXC_PF:
        return page_fault_hint(frame->error_code, extra->cr2);
    case X86_EXC_NMI:
        return "non-maskable interrupt: hardware error or watchdog";
    case X86_EXC_MC:
        return "machine check: the hardware reported an uncorrectable error";
    case X86_EXC_BP:
        return "breakpoint: an int3 was left in the code";
    default:
        return "unexpected exception in the hypervisor";
    }
}

void fault_report(const struct cpu_fault_frame *f, const struct cpu_fault_extra *x)
{
    hv_err("----[ Xenolith-%d.%d%s  x86_64  FATAL EXCEPTION ]----\n",
           XENOLITH_VERSION_MAJOR, XENOLITH_VERSION_MINOR, XENOLITH_VERSION_EXTRA);
    hv_err("Exception %s (vector %lu), error code 0x%04lx\n", fault_vector_name(f->vector),
           (unsigned long)f->vector, (unsigned long)f->error_code);
    hv_err("RIP: %04lx:[<%016lx>]  RFLAGS: %016lx\n", (unsigned long)f->cs,
           (unsigned long)f->rip, (unsigned long)f->rflags);
    hv_err("CR2: %016lx  CR0: %016lx  CR3: %016lx  CR4: %016lx\n",
           (unsigned long)x->cr2, (unsigned long)x->cr0, (unsigned long)x->cr3,
           (unsigned long)x->cr4);
    hv_err("rax: %016lx  rbx: %016lx  rcx: %016lx\n", (unsigned long)f->rax,
           (unsigned long)f->rbx, (unsigned long)f->rcx);
    hv_err("rdx: %016lx  rsi: %016lx  rdi: %016lx\n", (unsigned long)f->rdx,
           (unsigned long)f->rsi, (unsigned long)f->rdi);
    hv_err("rbp: %016lx  rsp: %016lx  r8:  %016lx\n", (unsigned long)f->rbp,
           (unsigned long)f->rsp, (unsigned long)f->r8);
    hv_err("r9:  %016lx  r10: %016lx  r11: %016lx\n", (unsigned long)f->r9,
           (unsigned long)f->r10, (unsigned long)f->r11);
    hv_err("r12: %016lx  r13: %016lx  r14: %016lx\n", (unsigned long)f->r12,
           (unsigned long)f->r13, (unsigned long)f->r14);
    hv_err("r15: %016lx  ss: %04lx\n", (unsigned long)f->r15, (unsigned long)f->ss);
    hv_err("Hint: %s\n", fault_hint(f, x));
}
