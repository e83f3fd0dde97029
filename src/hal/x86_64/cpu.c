// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hypervisor's own GDT, TSS and IDT.  Exceptions taken here are always
 * fatal: they are reported through fault_report() and the machine stops the
 * way the command line asked (halt with noreboot, otherwise reboot).
 */
#include "hv/fault.h"
#include "hv/setup.h"
#include "x86.h"

#define GDT_CODE64 0x08
#define GDT_DATA   0x10
#define GDT_TSS    0x18
#define IST_STACK_SIZE 8192
#define IST_DOUBLE_FAULT 1
#define IST_NMI          2
#define IST_MACHINE_CHECK 3

struct __attribute__((packed)) tss64 {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
};

struct __attribute__((packed)) idt_gate {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_high;
    uint32_t reserved;
};

struct __attribute__((packed)) table_pointer {
    uint16_t limit;
    uint64_t base;
};

extern const uint64_t exception_stubs[X86_EXC_COUNT];

static uint64_t gdt[5] __attribute__((aligned(16)));
static struct tss64 tss __attribute__((aligned(16)));
static struct idt_gate idt[256] __attribute__((aligned(16)));
static uint8_t ist_stacks[3][IST_STACK_SIZE] __attribute__((aligned(16)));

static void gdt_set_tss(void)
{
    uint64_t base = (uint64_t)(uintptr_t)&tss;
    uint64_t limit = sizeof(tss) - 1;

    /* 64-bit available TSS descriptor (type 9), present, two GDT slots. */
    gdt[3] = (limit & 0xFFFFULL) | ((base & 0xFFFFFFULL) << 16) | (0x89ULL << 40) |
             (((limit >> 16) & 0xFULL) << 48) | (((base >> 24) & 0xFFULL) << 56);
    gdt[4] = base >> 32;
}

static void load_gdt(void)
{
    struct table_pointer p = { sizeof(gdt) - 1, (uint64_t)(uintptr_t)gdt };

    gdt[0] = 0;
    gdt[1] = 0x00AF9A000000FFFFULL;   /* 64-bit ring-0 code */
    gdt[2] = 0x00CF92000000FFFFULL;   /* ring-0 data */
    gdt_set_tss();
    __asm__ volatile(
        "lgdt %0\n\t"
        "pushq %1\n\t"
        "leaq 1f(%%rip), %%rax\n\t"
        "pushq %%rax\n\t"
        "lretq\n"
        "1:\n\t"
        "movw %w2, %%ax\n\t"
        "movw %%ax, %%ds\n\t"
        "movw %%ax, %%es\n\t"
        "movw %%ax, %%ss\n\t"
        : : "m"(p), "i"(GDT_CODE64), "i"(GDT_DATA) : "rax", "memory");
    __asm__ volatile("ltr %w0" : : "r"((uint16_t)GDT_TSS));
}

static void tss_init(void)
{
    tss.ist[IST_DOUBLE_FAULT - 1] = (uint64_t)(uintptr_t)(ist_stacks[0] + IST_STACK_SIZE);
    tss.ist[IST_NMI - 1] = (uint64_t)(uintptr_t)(ist_stacks[1] + IST_STACK_SIZE);
    tss.ist[IST_MACHINE_CHECK - 1] = (uint64_t)(uintptr_t)(ist_stacks[2] + IST_STACK_SIZE);
    tss.iomap_base = sizeof(tss);
}

static void idt_set(unsigned vector, uint64_t handler, uint8_t ist)
{
    struct idt_gate *g = &idt[vector];

    g->offset_low = (uint16_t)(handler & 0xFFFFU);
    g->selector = GDT_CODE64;
    g->ist = ist;
    g->type_attr = 0x8E;              /* present, DPL 0, 64-bit interrupt gate */
    g->offset_mid = (uint16_t)((handler >> 16) & 0xFFFFU);
    g->offset_high = (uint32_t)(handler >> 32);
    g->reserved = 0;
}

static void load_idt(void)
{
    struct table_pointer p = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };

    for (unsigned v = 0; v < X86_EXC_COUNT; v++)
        idt_set(v, exception_stubs[v], 0);
    /* Faults that may come with a broken stack get known-good ones. */
    idt_set(X86_EXC_DF, exception_stubs[X86_EXC_DF], IST_DOUBLE_FAULT);
    idt_set(X86_EXC_NMI, exception_stubs[X86_EXC_NMI], IST_NMI);
    idt_set(X86_EXC_MC, exception_stubs[X86_EXC_MC], IST_MACHINE_CHECK);
    idt_set(HOST_TIMER_VECTOR, irq_stub_timer, 0);
    idt_set(HOST_SPURIOUS_VECTOR, irq_stub_spurious, 0);
    __asm__ volatile("lidt %0" : : "m"(p));
}

void cpu_tables_init(void)
{
    tss_init();
    load_gdt();
    load_idt();
}

/* Called by entry.S with the saved frame; never returns. */
void hal_exception(struct cpu_fault_frame *frame);
void hal_exception(struct cpu_fault_frame *frame)
{
    static bool in_exception;
    struct cpu_fault_extra extra = { read_cr0(), read_cr2(), read_cr3(), read_cr4() };

    if (in_exception) {
        /* A fault while reporting a fault: stop without touching anything. */
        for (;;)
            __asm__ volatile("cli; hlt");
    }
    in_exception = true;
    fault_report(frame, &extra);
    hv_fatal_stop();
}
