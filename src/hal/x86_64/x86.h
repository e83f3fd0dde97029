/* SPDX-License-Identifier: GPL-2.0-only */
/* Privileged x86 instructions, for the bare-metal HAL only. */
#ifndef HAL_X86_64_X86_H
#define HAL_X86_64_X86_H

#include "hv/types.h"

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline void outl(uint16_t port, uint32_t v)
{
    __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t read_cr0(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr0, %0" : "=r"(v));
    return v;
}

static inline uint64_t read_cr2(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}

static inline uint64_t read_cr3(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr3, %0" : "=r"(v));
    return v;
}

static inline uint64_t read_cr4(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr4, %0" : "=r"(v));
    return v;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline void cpu_relax(void)
{
    __asm__ volatile("pause" ::: "memory");
}

/* Bare-metal entry points shared between the HAL's own files. */
void cpu_tables_init(void);
void serial_early_init(void);
void tsc_calibrate(void);
void apic_timer_init(void);

/* Host interrupt vectors (above the 32 exceptions and the legacy PIC range). */
#define HOST_TIMER_VECTOR    0xF0U
#define HOST_SPURIOUS_VECTOR 0xFFU
extern const uint64_t irq_stub_timer, irq_stub_spurious;

#endif /* HAL_X86_64_X86_H */
