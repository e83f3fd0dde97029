// SPDX-License-Identifier: GPL-2.0-only
/*
 * The local APIC as a PVH guest finds it: APIC_BASE at its reset value,
 * the xAPIC registers through MMIO at 0xFEE00000, the timer in one-shot
 * mode waking a HLT with its vector (acknowledged with EOI), then, when
 * CPUID offers x2APIC, the same registers through MSRs, a self-IPI, and a
 * #GP for a write to a read-only register.  Needs no Xen: the same checks
 * hold on QEMU's own APIC, so they run bare too.
 */
#include "guest.h"

#define MSR_APIC_BASE   0x1BU
#define APIC_BASE_BSP   (1ULL << 8)
#define APIC_BASE_EXTD  (1ULL << 10)
#define APIC_BASE_EN    (1ULL << 11)
#define APIC_MMIO       0xFEE00000ULL

#define REG_ID     0x020U
#define REG_VER    0x030U
#define REG_TPR    0x080U
#define REG_EOI    0x0B0U
#define REG_SVR    0x0F0U
#define REG_LVTT   0x320U
#define REG_TMICT  0x380U
#define REG_TMCCT  0x390U
#define REG_TDCR   0x3E0U
#define MSR_X2APIC(reg) (0x800U + (reg) / 16U)
#define MSR_SELF_IPI    0x83FU

#define VEC_TIMER 0x40U
#define VEC_IPI   0x41U
#define MAX_WAIT  100000U
#define X86_GP    13

static volatile unsigned int timer_irqs, ipi_irqs;
static bool x2apic;

static uint32_t apic_read(uint32_t reg)
{
    if (x2apic)
        return (uint32_t)rdmsr(MSR_X2APIC(reg));
    return *(volatile uint32_t *)(uintptr_t)(APIC_MMIO + reg);
}

static void apic_write(uint32_t reg, uint32_t val)
{
    if (x2apic)
        wrmsr(MSR_X2APIC(reg), val);
    else
        *(volatile uint32_t *)(uintptr_t)(APIC_MMIO + reg) = val;
}

static void on_timer(struct exc_frame *f)
{
    (void)f;
    timer_irqs++;
    apic_write(REG_EOI, 0);
}

static void on_ipi(struct exc_frame *f)
{
    (void)f;
    ipi_irqs++;
    apic_write(REG_EOI, 0);
}

/* Wait with interrupts on until *counter moves; false after MAX_WAIT HLTs. */
static bool wait_for(volatile unsigned int *counter)
{
    for (unsigned int i = 0; i < MAX_WAIT && *counter == 0; i++)
        __asm__ volatile("sti; hlt; cli" ::: "memory");
    return *counter != 0;
}

static void check_timer(const char *mode)
{
    timer_irqs = 0;
    apic_write(REG_SVR, 0x100U | 0xFFU);             /* software-enabled, spurious 0xff */
    apic_write(REG_TPR, 0);
    apic_write(REG_TDCR, 0xBU);                     /* divide by 1 */
    apic_write(REG_LVTT, VEC_TIMER);                /* one-shot, unmasked */
    apic_write(REG_TMICT, 2000000U);
    uint32_t cur = apic_read(REG_TMCCT);
    check(cur <= 2000000U, "%s: current count %u <= initial count", mode, cur);
    check(wait_for(&timer_irqs), "%s: one-shot timer interrupt (vector 0x%x) woke HLT", mode, VEC_TIMER);
    check(apic_read(REG_TMCCT) == 0, "%s: one-shot timer stopped at 0", mode);
}

static void lapic_run(void)
{
    uint64_t base = rdmsr(MSR_APIC_BASE);
    struct cpuid_regs c1 = cpuid_count(1, 0);

    /* A BIOS leaves the 8259s delivering IRQ0 at vector 8: keep them quiet (no-op under Xen). */
    outb(0x21, 0xFF);
    outb(0xA1, 0xFF);
    trap_set_handler(VEC_TIMER, on_timer);
    trap_set_handler(VEC_IPI, on_ipi);
    check((c1.d & (1U << 9)) != 0, "CPUID.1:EDX.APIC set");
    check((base & ~0xFFFULL) == APIC_MMIO && (base & APIC_BASE_EN) != 0 && (base & APIC_BASE_BSP) != 0 &&
              (base & APIC_BASE_EXTD) == 0,
          "APIC_BASE 0x%lx: enabled xAPIC at 0xfee00000, BSP", base);

    uint32_t ver = apic_read(REG_VER);
    check((ver & 0xFFU) >= 0x10U && ((ver >> 16) & 0xFFU) >= 3U, "xAPIC version 0x%x (integrated, >= 4 LVTs)",
          ver);
    check_timer("xAPIC");

    if ((c1.c & (1U << 21)) == 0) {
        guest_printf("  note: CPUID offers no x2APIC; x2APIC checks skipped\n");
        return;
    }
    uint32_t id = apic_read(REG_ID) >> 24;
    wrmsr(MSR_APIC_BASE, base | APIC_BASE_EXTD);
    x2apic = true;
    check((rdmsr(MSR_APIC_BASE) & APIC_BASE_EXTD) != 0, "x2APIC mode entered");
    check(apic_read(REG_ID) == id, "x2APIC ID %u = xAPIC ID", apic_read(REG_ID));
    check(apic_read(REG_VER) == ver, "x2APIC version = xAPIC version");
    check(probe_wrmsr(MSR_X2APIC(REG_VER), 0) == X86_GP, "write to the read-only version MSR: #GP");
    check(probe_wrmsr(MSR_X2APIC(REG_EOI), 1) == X86_GP, "non-zero EOI write: #GP");
    ipi_irqs = 0;
    wrmsr(MSR_SELF_IPI, VEC_IPI);
    check(wait_for(&ipi_irqs), "self-IPI (vector 0x%x) delivered", VEC_IPI);
    check_timer("x2APIC");
}

const struct guest_test guest_test = {
    .name = "lapic",
    .flags = 0,
    .run = lapic_run,
};
