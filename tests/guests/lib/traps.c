// SPDX-License-Identifier: GPL-2.0-only
/*
 * IDT, TSS and exception dispatch.  Every vector has a stub (entry.S);
 * exc_dispatch decides what an arrival means:
 *  - an exception while a probe is armed: record it, resume after the probe;
 *  - int $0x81 from ring 3: the end of run_user();
 *  - a vector with a registered handler (the Xen callback vector);
 *  - anything else: the guest fails with a line naming vector, rip, error
 *    code and cr2.
 */
#include "guest.h"

#define GDT_KCODE 0x08
#define GDT_KDATA 0x10
#define GDT_TSS   0x28
#define IDT_INTR_DPL0 0x8e
#define IDT_INTR_DPL3 0xee
#define EXC_STUB_STRIDE 16

struct idt_gate {
    uint16_t off_lo;
    uint16_t sel;
    uint8_t ist;
    uint8_t attr;
    uint16_t off_mid;
    uint32_t off_hi;
    uint32_t zero;
};
_Static_assert(sizeof(struct idt_gate) == 16, "64-bit IDT gate");

struct tss64 {
    uint32_t rsvd0;
    uint64_t rsp[3];
    uint64_t rsvd1;
    uint64_t ist[7];
    uint64_t rsvd2;
    uint16_t rsvd3;
    uint16_t iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss64) == 104, "64-bit TSS");

struct desc_ptr {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

extern const char exc_stubs[];
extern uint64_t guest_gdt[];
extern const char user_return[];

static struct idt_gate idt[256] __attribute__((aligned(16)));
static struct tss64 tss __attribute__((aligned(16)));
static uint8_t ring0_stack[8192] __attribute__((aligned(16)));
static uint8_t df_stack[4096] __attribute__((aligned(16)));
static void (*vector_handlers[256])(struct exc_frame *f);

volatile struct exc_record exc_last = { .vector = -1 };
/* Armed by a probe (entry.S): where to resume and with which stack. */
volatile uint64_t exc_fixup_rip;
volatile uint64_t exc_fixup_rsp;
/* Saved by run_user(). */
uint64_t user_saved_rsp;

static void set_gate(unsigned int vec, uint8_t attr, uint8_t ist)
{
    uint64_t addr = (uint64_t)(uintptr_t)exc_stubs + (uint64_t)vec * EXC_STUB_STRIDE;

    idt[vec].off_lo = (uint16_t)addr;
    idt[vec].sel = GDT_KCODE;
    idt[vec].ist = ist;
    idt[vec].attr = attr;
    idt[vec].off_mid = (uint16_t)(addr >> 16);
    idt[vec].off_hi = (uint32_t)(addr >> 32);
    idt[vec].zero = 0;
}

static void tss_install(void)
{
    uint64_t base = (uint64_t)(uintptr_t)&tss;
    uint64_t limit = sizeof(tss) - 1;

    tss.rsp[0] = (uint64_t)(uintptr_t)(ring0_stack + sizeof(ring0_stack));
    tss.ist[0] = (uint64_t)(uintptr_t)(df_stack + sizeof(df_stack));
    tss.iomap_base = sizeof(tss);   /* no I/O bitmap: ring 3 port access faults */
    guest_gdt[GDT_TSS / 8] = (limit & 0xffffULL) | ((base & 0xffffffULL) << 16) |
                             (0x89ULL << 40) | (((limit >> 16) & 0xfULL) << 48) |
                             (((base >> 24) & 0xffULL) << 56);
    guest_gdt[GDT_TSS / 8 + 1] = base >> 32;
    __asm__ volatile("ltr %w0" :: "r"((uint16_t)GDT_TSS) : "memory");
}

void traps_init(void)
{
    struct desc_ptr p = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };

    for (unsigned int v = 0; v < 256; v++)
        set_gate(v, IDT_INTR_DPL0, 0);
    set_gate(X86_EXC_DF, IDT_INTR_DPL0, 1);   /* a known-good stack for #DF */
    set_gate(GUEST_VEC_USER_EXIT, IDT_INTR_DPL3, 0);
    tss_install();
    __asm__ volatile("lidt %0" :: "m"(p) : "memory");
}

void traps_load_empty_idt(void)
{
    struct desc_ptr p = { 0, 0 };

    __asm__ volatile("lidt %0" :: "m"(p) : "memory");
}

void trap_set_handler(unsigned int vector, void (*fn)(struct exc_frame *f))
{
    if (vector < 256)
        vector_handlers[vector] = fn;
}

static const char *const exc_names[32] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "#CSO", "#TS",
    "#NP", "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
};

static const char *vector_name(uint64_t v)
{
    if (v < 32 && exc_names[v] != NULL)
        return exc_names[v];
    return v < 32 ? "reserved exception" : "interrupt";
}

static void record_and_resume(struct exc_frame *f)
{
    exc_last.vector = (int)f->vector;
    exc_last.error = f->error;
    exc_last.rip = f->rip;
    exc_last.cs = f->cs;
    exc_last.cr2 = f->vector == X86_EXC_PF ? read_cr2() : 0;
    f->rip = exc_fixup_rip;
    f->rsp = exc_fixup_rsp;
    exc_fixup_rip = 0;
}

/* int $0x81 from ring 3: continue in run_user() at CPL0 with rax = rdi. */
static void user_return_to_kernel(struct exc_frame *f)
{
    f->rax = f->rdi;
    f->rip = (uint64_t)(uintptr_t)user_return;
    f->cs = GDT_KCODE;
    f->ss = GDT_KDATA;
    f->rsp = user_saved_rsp;
    f->rflags = 0x2;   /* run_user's popfq restores the caller's flags */
}

void exc_dispatch(struct exc_frame *f);
void exc_dispatch(struct exc_frame *f)
{
    if (f->vector < 32 && exc_fixup_rip != 0) {
        record_and_resume(f);
        return;
    }
    if (f->vector == GUEST_VEC_USER_EXIT && (f->cs & 3U) == 3U) {
        user_return_to_kernel(f);
        return;
    }
    if (vector_handlers[f->vector] != NULL) {
        vector_handlers[f->vector](f);
        return;
    }
    guest_printf("  unexpected %s (vector %lu) at rip 0x%lx cs 0x%lx, error 0x%lx, cr2 0x%lx\n",
                 vector_name(f->vector), f->vector, f->rip, f->cs, f->error,
                 f->vector == X86_EXC_PF ? read_cr2() : 0);
    guest_fail("unexpected %s (vector %lu) at rip 0x%lx", vector_name(f->vector), f->vector,
               f->rip);
}

/* ---- probes ------------------------------------------------------------ */

void probe_ud2_raw(void);
void probe_int3_raw(void);
void probe_div0_raw(void);
uint64_t probe_read64_raw(uint64_t addr);
void probe_write64_raw(uint64_t addr, uint64_t val);
uint64_t probe_rdmsr_raw(uint32_t msr);
void probe_wrmsr_raw(uint32_t msr, uint64_t val);
void probe_call_raw(uint64_t addr);
void probe_cli_raw(void);

static void exc_clear(void)
{
    exc_last.vector = -1;
    exc_last.error = 0;
    exc_last.rip = 0;
    exc_last.cr2 = 0;
    exc_last.cs = 0;
    barrier();
}

int probe_ud2(void)
{
    exc_clear();
    probe_ud2_raw();
    return exc_last.vector;
}

int probe_int3(void)
{
    exc_clear();
    probe_int3_raw();
    return exc_last.vector;
}

int probe_div0(void)
{
    exc_clear();
    probe_div0_raw();
    return exc_last.vector;
}

int probe_read64(uint64_t addr, uint64_t *out)
{
    exc_clear();
    uint64_t v = probe_read64_raw(addr);
    if (out != NULL)
        *out = v;
    return exc_last.vector;
}

int probe_write64(uint64_t addr, uint64_t val)
{
    exc_clear();
    probe_write64_raw(addr, val);
    return exc_last.vector;
}

int probe_rdmsr(uint32_t msr, uint64_t *out)
{
    exc_clear();
    uint64_t v = probe_rdmsr_raw(msr);
    if (out != NULL)
        *out = v;
    return exc_last.vector;
}

int probe_wrmsr(uint32_t msr, uint64_t val)
{
    exc_clear();
    probe_wrmsr_raw(msr, val);
    return exc_last.vector;
}

int probe_call(uint64_t addr)
{
    exc_clear();
    probe_call_raw(addr);
    return exc_last.vector;
}

int probe_cli(void)
{
    exc_clear();
    probe_cli_raw();
    return exc_last.vector;
}
