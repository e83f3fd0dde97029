// SPDX-License-Identifier: GPL-2.0-only
/*
 * vcpu_op(cmd, vcpuid, arg): operations on one vCPU of the caller's domain.
 * A vcpuid the domain does not have is -ENOENT whatever the command, as in
 * Xen.  Timer operations act only on the calling vCPU (-EINVAL otherwise).
 *
 * register_vcpu_info: the guest moves its vcpu_info (64 bytes at gfn,
 * offset) out of shared_info.  Refused with -EINVAL for a vCPU that has one
 * already, for a vCPU other than the caller that is up, for an offset
 * beyond the page or a frame that is not writable RAM, and with -ENXIO for a
 * record that would cross the page or is misaligned (Xen's current rules).
 * The new record starts as a copy of the vCPU's shared_info slot with every
 * event selector bit and the upcall flag set, so no event is lost in the
 * move (a spurious upcall is harmless); then the pvclock is written there.
 *
 * Not provided (-ENOSYS): initialise, up, down (secondary vCPUs come with
 * MADT and INIT/SIPI), set_periodic_timer (no periodic timer; stopping it
 * succeeds), send_nmi, get_physid, register_vcpu_time_memory_area.
 */
#include "hv/hypercall_table.h"

#define VCPU_INFO_SIZE 64U
#define LOW32          0xFFFFFFFFULL

/* t is one of the vCPUs of v's domain (hc_caller_ok: it names that domain and its index). */
/*@ predicate vcpu_of_caller(struct vcpu *v, struct vcpu *t) =
      \exists integer k; 0 <= k < v->domain->guest.nr_vcpus && t == &v->domain->guest.vcpus[k];
*/

/* ---- the vcpu_info area ---------------------------------------------------------- */

/* The record t's new area starts with (see the top of this file). */
/*@ requires \valid_read(t) && \valid_read(t->domain) && \valid(rec + (0 .. VCPU_INFO_SIZE - 1));
    assigns rec[0 .. VCPU_INFO_SIZE - 1]; */
static void vcpu_info_seed(const struct vcpu *t, bool compat, char rec[VCPU_INFO_SIZE])
{
    uint32_t sel = compat ? XEN_VCPU_INFO_COMPAT_PENDING_SEL_OFF : XEN_VCPU_INFO_PENDING_SEL_OFF;
    uint32_t sel_len = compat ? 4U : 8U;

    /*@ loop invariant 0 <= i <= VCPU_INFO_SIZE;
        loop assigns i, rec[0 .. VCPU_INFO_SIZE - 1];
        loop variant VCPU_INFO_SIZE - i; */
    for (unsigned i = 0; i < VCPU_INFO_SIZE; i++)
        rec[i] = 0;
    if (t->id < XEN_LEGACY_MAX_VCPUS)
        (void)guest_time_shared_info_read(t->domain, t->id * VCPU_INFO_SIZE, rec, VCPU_INFO_SIZE);
    rec[0] = 1;                           /* evtchn_upcall_pending */
    /*@ loop invariant 0 <= i <= sel_len;
        loop assigns i, rec[0 .. VCPU_INFO_SIZE - 1];
        loop variant sel_len - i; */
    for (unsigned i = 0; i < sel_len; i++)
        rec[sel + i] = (char)-1;          /* evtchn_pending_sel: all bits */
}

/*@ requires \valid_read(v) && \valid_read(t);
    assigns \nothing;
    ensures \result == 0 || \result == -XEN_EINVAL || \result == -XEN_ENXIO;
    ensures \result == 0 ==> gfn <= P2M_MAX_GFN && offset <= PAGE_SIZE - VCPU_INFO_SIZE; */
static int64_t vcpu_info_check(const struct vcpu *v, const struct vcpu *t, uint64_t gfn,
                               uint32_t offset)
{
    uint32_t align = hypercall_compat(v) ? 4U : 8U;

    if (gfn > P2M_MAX_GFN || offset >= PAGE_SIZE)
        return -XEN_EINVAL;
    if (t->vcpu_info_registered)
        return -XEN_EINVAL;
    if (t != v && t->run_state != VCPU_DOWN)
        return -XEN_EINVAL;
    if (offset > PAGE_SIZE - VCPU_INFO_SIZE || offset % align != 0)
        return -XEN_ENXIO;
    return 0;
}

/*@ requires hc_caller_ok(v) && vcpu_of_caller(v, t);
    assigns t->vcpu_info_gfn, t->vcpu_info_offset, t->vcpu_info_registered,
            hal_mem_bytes[0 .. HAL_MEM_BYTES - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures \result == 0 || \result == -XEN_EFAULT || \result == -XEN_EINVAL ||
            \result == -XEN_ENXIO; */
static int64_t register_vcpu_info(struct vcpu *v, struct vcpu *t, uint64_t arg)
{
    char info[sizeof(struct vcpu_register_vcpu_info)];
    char rec[VCPU_INFO_SIZE];
    uint64_t gfn;
    uint32_t offset;
    int64_t rc;

    if (hypercall_arg_read(v, arg, info, sizeof(info)) != 0)
        return -XEN_EFAULT;
    gfn = hypercall_get_u64(info, offsetof(struct vcpu_register_vcpu_info, mfn));
    offset = hypercall_get_u32(info, offsetof(struct vcpu_register_vcpu_info, offset));
    rc = vcpu_info_check(v, t, gfn, offset);
    if (rc != 0)
        return rc;
    vcpu_info_seed(t, hypercall_compat(v), rec);
    /* All or nothing: a frame that is not writable RAM takes no byte and no registration. */
    if (hypercall_phys_write(t->domain, gfn * PAGE_SIZE + offset, rec, sizeof(rec)) != 0)
        return -XEN_EINVAL;
    t->vcpu_info_gfn = gfn;
    t->vcpu_info_offset = offset;
    t->vcpu_info_registered = true;
    guest_time_write_pvclock(t);
    return 0;
}

/* ---- runstate ------------------------------------------------------------------ */

/*@ requires \valid_read(t);
    assigns \nothing;
    ensures gt_runstate_ok(\result); */
static int32_t runstate_now(const struct vcpu *v, const struct vcpu *t)
{
    return t == v ? RUNSTATE_running : guest_time_runstate_of(t->run_state);
}

/* Any address is accepted (0 stops the updates); a bad one is simply never written. */
/*@ requires hc_caller_ok(v) && vcpu_of_caller(v, t);
    assigns t->runstate_gla, guest_time_state.runstate[0 .. DOMAIN_MAX - 1][0 .. DOMAIN_MAX_VCPUS - 1],
            hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures \result == 0 || \result == -XEN_EFAULT; */
static int64_t register_runstate(struct vcpu *v, struct vcpu *t, uint64_t arg)
{
    char area[sizeof(struct vcpu_register_runstate_memory_area)];
    bool compat = hypercall_compat(v);
    uint64_t addr;

    if (hypercall_arg_read(v, arg, area, sizeof(area)) != 0)
        return -XEN_EFAULT;
    addr = hypercall_get_u64(area, offsetof(struct vcpu_register_runstate_memory_area, addr));
    guest_time_runstate_register(t, compat ? addr & LOW32 : addr, compat, runstate_now(v, t));
    return 0;
}

/* r in the caller's layout, as bytes: rec holds sizeof(struct vcpu_runstate_info). */
/*@ requires \valid_read(r) && \valid(rec + (0 .. sizeof(struct vcpu_runstate_info) - 1));
    requires \separated(r, rec + (0 .. sizeof(struct vcpu_runstate_info) - 1));
    assigns rec[0 .. sizeof(struct vcpu_runstate_info) - 1];
    ensures \result == (compat ? sizeof(struct vcpu_runstate_info_compat)
                               : sizeof(struct vcpu_runstate_info)); */
static size_t runstate_encode(const struct vcpu_runstate_info *r, bool compat, char *rec)
{
    size_t entry = compat ? offsetof(struct vcpu_runstate_info_compat, state_entry_time)
                          : offsetof(struct vcpu_runstate_info, state_entry_time);
    size_t time = compat ? offsetof(struct vcpu_runstate_info_compat, time)
                         : offsetof(struct vcpu_runstate_info, time);

    hypercall_put_u32(rec, offsetof(struct vcpu_runstate_info, state), (uint32_t)r->state);
    if (!compat)
        hypercall_put_u32(rec, offsetof(struct vcpu_runstate_info, pad), r->pad);
    /* The 32-bit layout's 64-bit fields are pairs of words, low word first. */
    hypercall_put_u64(rec, entry, r->state_entry_time);
    /*@ loop invariant 0 <= i <= 4;
        loop assigns i, rec[0 .. sizeof(struct vcpu_runstate_info) - 1];
        loop variant 4 - i; */
    for (unsigned i = 0; i < 4; i++)
        hypercall_put_u64(rec, time + 8U * i, r->time[i]);
    return compat ? sizeof(struct vcpu_runstate_info_compat) : sizeof(struct vcpu_runstate_info);
}

/*@ requires hc_caller_ok(v) && vcpu_of_caller(v, t);
    assigns guest_time_state.runstate[0 .. DOMAIN_MAX - 1][0 .. DOMAIN_MAX_VCPUS - 1],
            hal_mem_bytes[0 .. HAL_MEM_BYTES - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures \result == 0 || \result == -XEN_EFAULT; */
static int64_t get_runstate_info(struct vcpu *v, struct vcpu *t, uint64_t arg)
{
    struct vcpu_runstate_info r;
    char rec[sizeof(struct vcpu_runstate_info)];
    size_t len;

    guest_time_runstate_get(t, &r);
    len = runstate_encode(&r, hypercall_compat(v), rec);
    return hypercall_arg_write(v, arg, rec, len);
}

/* ---- the one-shot timer ------------------------------------------------------------ */

/*@ requires hc_caller_ok(v);
    assigns v->timer_deadline_ns, hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures \result == 0 || \result == -XEN_EFAULT || \result == -XEN_ETIME; */
static int64_t set_singleshot(struct vcpu *v, uint64_t arg)
{
    char t[sizeof(struct vcpu_set_singleshot_timer)];
    size_t len = hypercall_compat(v) ? VCPU_SET_SINGLESHOT_TIMER_COMPAT_SIZE : sizeof(t);
    uint64_t timeout;

    /* Both layouts hold the timeout and the flags (only the padding differs). */
    if (hypercall_arg_read(v, arg, t, len) != 0)
        return -XEN_EFAULT;
    timeout = hypercall_get_u64(t, offsetof(struct vcpu_set_singleshot_timer, timeout_abs_ns));
    if (timeout < guest_time_now()) {
        if ((hypercall_get_u32(t, offsetof(struct vcpu_set_singleshot_timer, flags)) &
             VCPU_SSHOTTMR_future) != 0)
            return -XEN_ETIME;
        /* Already due: fire at once (0 would mean "no timer"). */
        v->timer_deadline_ns = timeout != 0 ? timeout : 1;
        return 0;
    }
    v->timer_deadline_ns = timeout;
    return 0;
}

/* ---- dispatch ------------------------------------------------------------------------ */

/*@ requires hc_caller_ok(v) && \valid_read(t);
    assigns v->timer_deadline_ns, hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures \result == 0 || \result == -XEN_EFAULT || \result == -XEN_EINVAL ||
            \result == -XEN_ETIME; */
static int64_t timer_op(struct vcpu *v, struct vcpu *t, uint32_t cmd, uint64_t arg)
{
    if (t != v)
        return -XEN_EINVAL;
    switch (cmd) {
    case VCPUOP_stop_periodic_timer:
        return 0;
    case VCPUOP_set_singleshot_timer:
        return set_singleshot(v, arg);
    default:
        v->timer_deadline_ns = 0;    /* VCPUOP_stop_singleshot_timer */
        return 0;
    }
}

int64_t hc_vcpu_op(struct vcpu *v, uint32_t cmd, uint32_t vcpuid, uint64_t arg)
{
    struct domain *d = v->domain;
    struct vcpu *t;

    if (vcpuid >= d->guest.nr_vcpus || vcpuid >= DOMAIN_MAX_VCPUS)
        return -XEN_ENOENT;
    t = &d->guest.vcpus[vcpuid];
    switch (cmd) {
    case VCPUOP_is_up:
        return t->run_state != VCPU_DOWN ? 1 : 0;
    case VCPUOP_get_runstate_info:
        return get_runstate_info(v, t, arg);
    case VCPUOP_register_runstate_memory_area:
        return register_runstate(v, t, arg);
    case VCPUOP_register_vcpu_info:
        return register_vcpu_info(v, t, arg);
    case VCPUOP_stop_periodic_timer:
    case VCPUOP_set_singleshot_timer:
    case VCPUOP_stop_singleshot_timer:
        return timer_op(v, t, cmd, arg);
    default:
        return -XEN_ENOSYS;
    }
}
