/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Time as guests see it, and the records the hypervisor keeps up to date in
 * guest memory: each vCPU's pvclock (vcpu_time_info, in its slot of the
 * domain's shared_info page and in the vcpu_info it registered), the
 * wallclock in shared_info, and the runstate area.
 *
 * System time is nanoseconds since boot: the value of hal_time_ns() at a
 * TSC reading, floor((tsc - hal_tsc_at_boot()) * 10^9 / hal_tsc_hz()).  A
 * pvclock record holds one such pair (tsc_timestamp, system_time) and the
 * scale the guest extrapolates with:
 *     ns = system_time + (((tsc - tsc_timestamp) << shift) * mul >> 32)
 * (a negative shift shifts right), mul normalised to [2^31, 2^32).  Because
 * mul is rounded down, the extrapolation never runs ahead of system time,
 * so a newer record never makes the guest's clock go backwards: records can
 * carry PVCLOCK_TSC_STABLE.  A record is written as version odd, body,
 * version even (a reader retries while the version is odd or changed).
 *
 * Wallclock: shared_info's wc_sec/wc_nsec is the wall-clock time at system
 * time 0 (the boot epoch).  Nothing reads an RTC yet, so the epoch is 0
 * (1970-01-01) unless guest_time_set_epoch() says otherwise.
 *
 * Runstate: time each vCPU spent running, runnable, blocked and offline.
 * Accounting restarts when a vCPU registers its runstate area (the record
 * is indexed by the domain's slot, so a reused slot starts afresh); the
 * scheduler reports transitions with guest_time_runstate_set() and calls
 * guest_time_update() when it runs a vCPU.
 *
 * The shared_info frame is written through the hypervisor's mapping of that
 * frame (it exists before the guest maps it); everything else through
 * copy_to_guest_*.  A record whose place the guest made unwritable is
 * silently not updated, as in Xen.
 */
#ifndef HV_GUEST_TIME_H
#define HV_GUEST_TIME_H

#include "hv/domain.h"
#include "xen/shared.h"

#define GUEST_TIME_NS_PER_SEC 1000000000ULL

/* ns = ((delta << shift) * mul) >> 32, shift < 0 meaning a right shift. */
struct guest_time_scale {
    uint32_t mul;
    int8_t shift;
};

/* Runstate accounting of one vCPU. */
struct guest_runstate {
    domid_t owner;           /* domain the record belongs to; DOMID_INVALID: none */
    bool compat;             /* the area was registered by 32-bit code: 44-byte layout */
    int32_t state;           /* RUNSTATE_* */
    uint64_t entry_ns;       /* system time the state was entered */
    uint64_t time[4];        /* ns spent in each state before entry_ns */
};

struct guest_time_state {
    uint64_t epoch_sec;      /* wall-clock time at system time 0 */
    uint32_t epoch_nsec;
    struct guest_runstate runstate[DOMAIN_MAX][DOMAIN_MAX_VCPUS];
};

/* Only guest_time.c writes this; contracts name it. */
extern struct guest_time_state guest_time_state;

/*@ predicate gt_vcpu_ok(struct vcpu *v) =
      \valid(v) && \valid(v->domain) && v->id < DOMAIN_MAX_VCPUS;
    predicate gt_runstate_ok(integer s) = 0 <= s <= 3;
*/

/* Epoch 0, no runstate records. */
/*@ assigns guest_time_state; */
void guest_time_reset(void);

/* Wall-clock time at system time 0 (nsec below one second). */
/*@ requires nsec < 1000000000;
    assigns guest_time_state.epoch_sec, guest_time_state.epoch_nsec; */
void guest_time_set_epoch(uint64_t sec, uint32_t nsec);

/* The pvclock scale of a counter running at hz ticks per second. */
/*@ requires hz > 0;
    assigns \nothing;
    ensures 0x80000000 <= \result.mul; */
struct guest_time_scale guest_time_scale_for(uint64_t hz);

/* What a guest computes from a tick delta and a scale. */
/*@ requires -64 < s.shift < 64;
    assigns \nothing; */
uint64_t guest_time_scale_delta(uint64_t delta, struct guest_time_scale s);

/* System time at a TSC reading: floor((tsc - tsc_at_boot) * 10^9 / hz), 0 before boot. */
/*@ requires hz > 0;
    assigns \nothing; */
uint64_t guest_time_tsc_to_ns(uint64_t tsc, uint64_t tsc_at_boot, uint64_t hz);

/* System time now. */
/*@ assigns \nothing; */
uint64_t guest_time_now(void);

/*
 * Fill the body of a pvclock record for TSC reading tsc (version left
 * alone): tsc_timestamp, system_time, the scale, PVCLOCK_TSC_STABLE.
 */
/*@ requires \valid(t) && hz > 0;
    assigns t->tsc_timestamp, t->system_time, t->tsc_to_system_mul, t->tsc_shift,
            t->flags, t->pad0, t->pad1[0 .. 1];
    ensures t->tsc_timestamp == tsc;
    ensures t->tsc_to_system_mul >= 0x80000000; */
void guest_time_record_at(struct vcpu_time_info *t, uint64_t tsc, uint64_t tsc_at_boot, uint64_t hz);

/*
 * Refresh v's pvclock now: in shared_info's vcpu_info[v->id] (when the
 * domain has its shared_info frame) and in the vcpu_info v registered.
 */
/*@ requires gt_vcpu_ok(v);
    assigns \nothing; */
void guest_time_write_pvclock(const struct vcpu *v);

/* The scheduler runs v: its runstate becomes running, its pvclock is refreshed. */
/*@ requires gt_vcpu_ok(v);
    assigns guest_time_state.runstate[0 .. DOMAIN_MAX - 1][0 .. DOMAIN_MAX_VCPUS - 1]; */
void guest_time_update(struct vcpu *v);

/*
 * d's shared_info frame was just allocated: zero it, then write every
 * vCPU's pvclock and the wallclock.
 */
/*@ requires \valid(d);
    assigns \nothing; */
void guest_time_shared_info_init(struct domain *d);

/* Write the wallclock (wc_version odd, wc_sec/wc_nsec/wc_sec_hi, even) into d's shared_info. */
/*@ requires \valid_read(d);
    assigns \nothing; */
void guest_time_write_wallclock(const struct domain *d);

/*
 * Bytes [off, off + len) of v's current vcpu_info: the one it registered,
 * else its slot in shared_info.  0, or -XEN_EFAULT when there is none or
 * the guest made it inaccessible, or the range leaves the 64-byte record.
 */
/*@ requires gt_vcpu_ok(v) && \valid((char *)dst + (0 .. len - 1));
    assigns ((char *)dst)[0 .. len - 1];
    ensures \result == 0 || \result == -XEN_EFAULT;
    ensures off + len > 64 ==> \result == -XEN_EFAULT; */
int guest_time_vcpu_info_read(const struct vcpu *v, uint32_t off, void *dst, size_t len);
/*@ requires gt_vcpu_ok(v) && \valid_read((const char *)src + (0 .. len - 1));
    assigns \nothing;
    ensures \result == 0 || \result == -XEN_EFAULT;
    ensures off + len > 64 ==> \result == -XEN_EFAULT; */
int guest_time_vcpu_info_write(const struct vcpu *v, uint32_t off, const void *src, size_t len);

/* Bytes of d's shared_info frame (not mapped into the guest necessarily). 0 or -XEN_EFAULT. */
/*@ requires \valid_read(d) && \valid((char *)dst + (0 .. len - 1));
    assigns ((char *)dst)[0 .. len - 1];
    ensures \result == 0 || \result == -XEN_EFAULT;
    ensures off + len > PAGE_SIZE ==> \result == -XEN_EFAULT; */
int guest_time_shared_info_read(const struct domain *d, uint32_t off, void *dst, size_t len);

/* v changes to runstate `state`: the time in the old state is accounted, the area written. */
/*@ requires gt_vcpu_ok(v) && gt_runstate_ok(state);
    assigns guest_time_state.runstate[0 .. DOMAIN_MAX - 1][0 .. DOMAIN_MAX_VCPUS - 1]; */
void guest_time_runstate_set(struct vcpu *v, int32_t state);

/*
 * v's runstate area is now at guest-linear gla (0: none), in the 32-bit
 * layout when compat.  Accounting restarts in `state`; the record is
 * written at once.
 */
/*@ requires gt_vcpu_ok(v) && gt_runstate_ok(state);
    assigns v->runstate_gla,
            guest_time_state.runstate[0 .. DOMAIN_MAX - 1][0 .. DOMAIN_MAX_VCPUS - 1];
    ensures v->runstate_gla == gla; */
void guest_time_runstate_register(struct vcpu *v, uint64_t gla, bool compat, int32_t state);

/* v's runstate now, time in the current state included (VCPUOP_get_runstate_info). */
/*@ requires gt_vcpu_ok(v) && \valid(out);
    assigns *out,
            guest_time_state.runstate[0 .. DOMAIN_MAX - 1][0 .. DOMAIN_MAX_VCPUS - 1]; */
void guest_time_runstate_get(struct vcpu *v, struct vcpu_runstate_info *out);

/* The RUNSTATE_* a vCPU is in by its run_state, when it is not the one running. */
/*@ assigns \nothing;
    ensures gt_runstate_ok(\result); */
int32_t guest_time_runstate_of(enum vcpu_run_state s);

#endif /* HV_GUEST_TIME_H */
