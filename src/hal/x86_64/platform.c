// SPDX-License-Identifier: GPL-2.0-only
/* The bare-metal HAL: CPU identification, physical memory, time, stopping. */
#include "hal/hal.h"
#include "hal/mem.h"
#include "hal/mem_copy.h"
#include "x86.h"

#define BOOT_MAP_LIMIT   (4ULL << 30)   /* head.S identity-maps the low 4 GiB */
#define PIT_HZ           1193182U
#define PIT_CALIBRATE_MS 10U
#define DEBUG_EXIT_PORT  0xF4
#define KBC_COMMAND_PORT 0x64
#define KBC_PULSE_RESET  0xFE

static uint64_t tsc_hz;
static uint64_t tsc_at_boot;
static bool debug_exit_enabled;

void hal_cpuid(uint32_t leaf, uint32_t subleaf, struct hal_cpuid *out)
{
    __asm__ volatile("cpuid"
                     : "=a"(out->eax), "=b"(out->ebx), "=c"(out->ecx), "=d"(out->edx)
                     : "a"(leaf), "c"(subleaf));
}

uint64_t hal_rdmsr(uint32_t msr)
{
    uint32_t lo, hi;

    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

/*
 * Where machine memory is, for every view below and for the inline views
 * of hal/mem.h: frame f at f * 4096 (the boot identity map), frames below
 * the identity map's limit.  Frame 0 comes out as NULL, "not mapped".
 */
struct hal_mem_window hal_mem_window = { .base = 0, .frames = BOOT_MAP_LIMIT >> PAGE_SHIFT };

mfn_t hal_machine_frames(void)
{
    return hal_mem_window.frames;
}

void hal_frame_scrub(mfn_t mfn)
{
    uint64_t *p = (uint64_t *)(uintptr_t)(mfn << PAGE_SHIFT);

    if (mfn >= hal_machine_frames())
        return;
    for (size_t i = 0; i < PAGE_SIZE / sizeof(uint64_t); i++)
        p[i] = 0;
}

void *hal_phys_map(uint64_t paddr, uint64_t len)
{
    if (paddr < PAGE_SIZE || paddr > BOOT_MAP_LIMIT || len > BOOT_MAP_LIMIT - paddr)
        return NULL;
    return (void *)(uintptr_t)paddr;
}

const void *hal_phys_view(uint64_t paddr, uint64_t len)
{
    return hal_phys_map(paddr, len);
}

/* The views of hal.h are the inline ones of hal/mem.h: one check, in one place. */
uint64_t *hal_table_map(mfn_t mfn)
{
    return hal_mem_table_inline(mfn);
}

uint8_t *hal_frame_map(mfn_t mfn)
{
    return hal_mem_frame_inline(mfn);
}

void hal_mem_copy_out(char *d, const uint8_t *s, size_t n)
{
    __builtin_memcpy(d, s, n);
}

void hal_mem_copy_in(uint8_t *d, const char *s, size_t n)
{
    __builtin_memcpy(d, s, n);
}

/* Measure the TSC against the PIT (channel 2, gated through port 0x61). */
void tsc_calibrate(void)
{
    uint16_t count = (uint16_t)(PIT_HZ / (1000U / PIT_CALIBRATE_MS));
    uint64_t start, end;
    uint32_t spins = 0;

    outb(0x61, (uint8_t)((inb(0x61) & ~0x02U) | 0x01U));
    outb(0x43, 0xB0);                  /* channel 2, lo/hi byte, mode 0 */
    outb(0x42, (uint8_t)(count & 0xFFU));
    outb(0x42, (uint8_t)(count >> 8));
    start = rdtsc();
    while ((inb(0x61) & 0x20U) == 0 && ++spins < 50000000U)
        ;
    end = rdtsc();
    tsc_hz = (end - start) * (1000U / PIT_CALIBRATE_MS);
    if (tsc_hz == 0)
        tsc_hz = 1000000000ULL;        /* no PIT: assume 1 GHz rather than divide by 0 */
    tsc_at_boot = start;
}

uint64_t hal_time_ns(void)
{
    uint64_t delta = rdtsc() - tsc_at_boot;

    if (tsc_hz == 0)
        return 0;
    return (delta / tsc_hz) * 1000000000ULL + ((delta % tsc_hz) * 1000000000ULL) / tsc_hz;
}

void hal_delay_ns(uint64_t ns)
{
    uint64_t until = hal_time_ns() + ns;

    while (hal_time_ns() < until)
        cpu_relax();
}

uint64_t hal_rdtsc(void)
{
    return rdtsc();
}

uint64_t hal_tsc_hz(void)
{
    return tsc_hz != 0 ? tsc_hz : 1000000000ULL;
}

uint64_t hal_tsc_at_boot(void)
{
    return tsc_at_boot;
}

void hal_selftest_fault(void)
{
    __asm__ volatile("ud2");
    __builtin_unreachable();
}

void hal_debug_exit_enable(void)
{
    debug_exit_enabled = true;
}

/* Bochs stops when "Shutdown" is written to this port; QEMU ignores it. */
#define BOCHS_SHUTDOWN_PORT 0x8900U

void hal_debug_exit(uint32_t status)
{
    static const char bochs_shutdown[] = "Shutdown";

    if (!debug_exit_enabled)
        return;
    outl(DEBUG_EXIT_PORT, status);
    for (size_t i = 0; i < sizeof(bochs_shutdown) - 1; i++)
        outb(BOCHS_SHUTDOWN_PORT, (uint8_t)bochs_shutdown[i]);
}

void hal_halt(void)
{
    for (;;)
        __asm__ volatile("cli; hlt");
}

void hal_reboot(void)
{
    static const struct __attribute__((packed)) {
        uint16_t limit;
        uint64_t base;
    } no_idt = { 0, 0 };

    /* Keyboard-controller reset, then a triple fault if that did nothing. */
    outb(KBC_COMMAND_PORT, KBC_PULSE_RESET);
    for (uint32_t i = 0; i < 1000000U; i++)
        cpu_relax();
    __asm__ volatile("lidt %0; int3" : : "m"(no_idt));
    hal_halt();
}
