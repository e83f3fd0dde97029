/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Running guests on the one physical CPU Xenolith uses so far: round robin
 * over runnable vCPUs, blocked vCPUs woken by their timers, and the end of
 * each domain (shutdown or crash) reported and its memory given back.
 */
#ifndef HV_SCHED_H
#define HV_SCHED_H

#include "hv/domain.h"

/*
 * Exits a vCPU may take before the next one gets the CPU: a bound for
 * exits that take no time (the simulator); on hardware an exit costs a few
 * microseconds at least, so the slice's time runs out first and a guest that
 * exits often gets the same share of the CPU as one that never exits.
 */
#define SCHED_EXITS_PER_SLICE 1024U
/* A slice lasts at most this long (the host timer interrupts a guest that does not exit). */
#define SCHED_SLICE_NS 10000000ULL

/* What sched_run() saw when the last domain ended. */
struct sched_summary {
    uint32_t nr_domains;        /* domains that ended */
    uint32_t nr_poweroff;       /* ... by SHUTDOWN_poweroff */
    uint32_t nr_reboot;         /* ... by SHUTDOWN_reboot */
    uint32_t nr_crashed;        /* ... by a crash (any cause) */
    bool initial_domain_reboot; /* the initial domain asked for a host reboot */
    bool stalled;               /* stopped because no vCPU could ever run again */
};

/*
 * Give domain d one vCPU (id 0) starting at the PVH entry point with ebx =
 * start_info_gpa, runnable.  0 or the vendor layer's error.
 */
int sched_add_domain(struct domain *d, uint32_t entry, uint32_t start_info_gpa);

/*
 * The domain stops for good: every vCPU down, state and crash message
 * recorded, a line on the console.  Guest-caused; never panics.
 */
void domain_crash(struct domain *d, const char *fmt, ...) HV_PRINTF(2, 3);
void domain_shutdown(struct domain *d, uint32_t reason);
bool domain_is_running(const struct domain *d);

/* An event is pending for v (event channel, console input): a blocked vCPU
 * becomes runnable; a running one notices on its next entry. */
void vcpu_kick(struct vcpu *v);

/*
 * When every vCPU is blocked without a timer but a console could still bring
 * input, the CPU waits for typed input: forever (0, the default), or this
 * long before the domains are reported blocked forever (tests).
 */
void sched_set_input_wait_limit(uint64_t ns);

/* Run every domain until none is left; then *out says how they ended. */
void sched_run(struct sched_summary *out);

/* Text for a SHUTDOWN_* reason ("poweroff", ...; "unknown" otherwise). */
const char *shutdown_reason_text(uint32_t reason);

/* Called by the exit dispatcher: one exit of v handled. (Defined in vcpu_exit.c.) */
void vcpu_handle_exit(struct vcpu *v, const struct vmexit *e);

#endif /* HV_SCHED_H */
