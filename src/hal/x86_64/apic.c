// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host's local APIC: a one-shot timer that ends guest slices and wakes
 * the idle CPU (hal/events.h).  TSC-deadline mode where the CPU has it (the
 * deadline is a TSC value, nothing to calibrate); otherwise one-shot count
 * mode, with the APIC timer's rate measured against the TSC at boot.
 *
 * The APIC is used in xAPIC mode through its MMIO page, which the boot page
 * tables map (low 4 GiB identity map).  The legacy 8259 PICs are masked:
 * after the BIOS their vectors overlap the CPU exceptions.
 */
#include "hal/events.h"
#include "hal/hal.h"
#include "x86.h"

#define MSR_APIC_BASE      0x1BU
#define MSR_TSC_DEADLINE   0x6E0U
#define APIC_BASE_ENABLE   (1ULL << 11)
#define APIC_BASE_ADDR     0xFFFFFFFFFF000ULL

#define APIC_REG_EOI       0x0B0U
#define APIC_REG_SVR       0x0F0U
#define APIC_REG_LVT_TIMER 0x320U
#define APIC_REG_INIT_CNT  0x380U
#define APIC_REG_CUR_CNT   0x390U
#define APIC_REG_DIVIDE    0x3E0U

#define APIC_SVR_ENABLE    (1U << 8)
#define APIC_LVT_MASKED    (1U << 16)
#define APIC_LVT_TSC_DEADLINE (2U << 17)
#define APIC_DIVIDE_BY_16  0x3U

#define CPUID1_ECX_TSC_DEADLINE (1U << 24)
#define CPUID1_EDX_APIC         (1U << 9)

#define CALIBRATE_NS 10000000ULL      /* 10 ms of TSC against the APIC count */

static volatile uint32_t *apic_regs;
static bool use_tsc_deadline;
static uint64_t apic_ticks_per_ms;  /* count mode: APIC timer ticks (after /16) per millisecond */
static volatile uint64_t timer_interrupts;

static uint32_t apic_read(uint32_t reg)
{
    return apic_regs[reg / 4U];
}

static void apic_write(uint32_t reg, uint32_t v)
{
    apic_regs[reg / 4U] = v;
}

static void pic_mask_all(void)
{
    outb(0x21, 0xFF);
    outb(0xA1, 0xFF);
}

static void apic_calibrate(void)
{
    uint64_t start;
    uint32_t left;

    apic_write(APIC_REG_DIVIDE, APIC_DIVIDE_BY_16);
    apic_write(APIC_REG_LVT_TIMER, APIC_LVT_MASKED | HOST_TIMER_VECTOR);
    apic_write(APIC_REG_INIT_CNT, 0xFFFFFFFFU);
    start = hal_time_ns();
    while (hal_time_ns() - start < CALIBRATE_NS)
        cpu_relax();
    left = apic_read(APIC_REG_CUR_CNT);
    apic_write(APIC_REG_INIT_CNT, 0);
    apic_ticks_per_ms = (0xFFFFFFFFULL - left) / (CALIBRATE_NS / 1000000ULL);
    if (apic_ticks_per_ms == 0)
        apic_ticks_per_ms = 1;
}

void apic_timer_init(void)
{
    struct hal_cpuid id;
    uint64_t base;

    pic_mask_all();
    hal_cpuid(1, 0, &id);
    if ((id.edx & CPUID1_EDX_APIC) == 0)
        return;                        /* no APIC: slices end only at guest exits */
    base = hal_rdmsr(MSR_APIC_BASE);
    wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
    apic_regs = (volatile uint32_t *)(uintptr_t)(base & APIC_BASE_ADDR);
    apic_write(APIC_REG_SVR, APIC_SVR_ENABLE | HOST_SPURIOUS_VECTOR);
    use_tsc_deadline = (id.ecx & CPUID1_ECX_TSC_DEADLINE) != 0;
    if (use_tsc_deadline)
        apic_write(APIC_REG_LVT_TIMER, APIC_LVT_TSC_DEADLINE | HOST_TIMER_VECTOR);
    else
        apic_calibrate();
}

void hal_timer_arm(uint64_t deadline_ns)
{
    uint64_t now, ticks;

    if (apic_regs == NULL)
        return;
    if (use_tsc_deadline) {
        uint64_t tsc = 0;
        if (deadline_ns != 0) {
            now = hal_time_ns();
            uint64_t delta = deadline_ns > now ? deadline_ns - now : 0;
            tsc = hal_rdtsc() + (delta / 1000U) * (hal_tsc_hz() / 1000000U) + 1U;
        }
        wrmsr(MSR_TSC_DEADLINE, tsc);
        return;
    }
    if (deadline_ns == 0) {
        apic_write(APIC_REG_INIT_CNT, 0);
        return;
    }
    now = hal_time_ns();
    ticks = deadline_ns > now ? ((deadline_ns - now) / 1000U) * apic_ticks_per_ms / 1000U : 0;
    if (ticks == 0)
        ticks = 1;
    if (ticks > 0xFFFFFFFFULL)
        ticks = 0xFFFFFFFFULL;
    apic_write(APIC_REG_LVT_TIMER, HOST_TIMER_VECTOR);
    apic_write(APIC_REG_INIT_CNT, (uint32_t)ticks);
}

/* Called from the interrupt stub (entry.S) with interrupts off. */
void apic_timer_interrupt(void);
void apic_timer_interrupt(void)
{
    timer_interrupts++;
    apic_write(APIC_REG_EOI, 0);
}

void hal_irq_window(void)
{
    __asm__ volatile("sti; nop; cli" ::: "memory");
}

uint64_t hal_timer_interrupts(void)
{
    return timer_interrupts;
}

/*
 * Wait for the deadline, or less when console input arrives: the timer
 * wakes the halted CPU at the deadline, and at least every millisecond to
 * look at the UART (its receive interrupt is not used).
 */
void hal_idle_until(uint64_t deadline_ns)
{
    while (hal_time_ns() < deadline_ns && !hal_serial_input_ready()) {
        uint64_t now = hal_time_ns();
        uint64_t wake = deadline_ns - now > 1000000ULL ? now + 1000000ULL : deadline_ns;
        if (apic_regs == NULL) {
            cpu_relax();
            continue;
        }
        hal_timer_arm(wake);
        __asm__ volatile("sti; hlt; cli" ::: "memory");
    }
}
