// SPDX-License-Identifier: GPL-2.0-only
/*
 * Round-trip costs seen from inside a guest: a null hypercall
 * (xen_version(XENVER_version): guest VMMCALL to guest resume) and a CPUID
 * exit, against a calibration loop of known length.  Under QEMU with
 * `-icount shift=0` the TSC counts executed instructions (guest and
 * hypervisor alike), so the numbers are instruction counts and do not
 * depend on the machine's load: scripts/bench-guest.sh runs it that way.
 */
#include "guest.h"

#define ROUNDS 2000U
#define CALIBRATION_STEPS 10000U

static uint64_t per_round(uint64_t t0, uint64_t t1, unsigned n)
{
    return (t1 - t0) / n;
}

/* A loop of exactly 3 instructions per step (dec, jnz, and the nop). */
static uint64_t calibrate(void)
{
    uint64_t t0, t1;
    unsigned n = CALIBRATION_STEPS;

    t0 = rdtsc();
    __asm__ volatile("1: nop; dec %0; jnz 1b" : "+r"(n));
    t1 = rdtsc();
    return t1 - t0;
}

static void bench_run(void)
{
    uint64_t t0, t1, cal, hc, cpu, rdtsc_cost;

    cal = calibrate();
    t0 = rdtsc();
    t1 = rdtsc();
    rdtsc_cost = t1 - t0;
    t0 = rdtsc();
    for (unsigned i = 0; i < ROUNDS; i++)
        (void)hypercall2(HYPERVISOR_xen_version, XENVER_version, 0);
    t1 = rdtsc();
    hc = per_round(t0, t1, ROUNDS);
    t0 = rdtsc();
    for (unsigned i = 0; i < ROUNDS; i++)
        (void)cpuid_count(0, 0);
    t1 = rdtsc();
    cpu = per_round(t0, t1, ROUNDS);
    guest_printf("bench: calibration %u steps x 3 instructions = %lu ticks\n", CALIBRATION_STEPS, cal);
    guest_printf("bench: rdtsc pair %lu ticks\n", rdtsc_cost);
    guest_printf("bench: null hypercall round trip %lu ticks\n", hc);
    guest_printf("bench: cpuid round trip %lu ticks\n", cpu);
    check(hc > 0 && cpu > 0, "round trips measured (%u rounds each)", ROUNDS);
}

const struct guest_test guest_test = {
    .name = "bench",
    .flags = GUEST_NEEDS_XEN,
    .run = bench_run,
};
