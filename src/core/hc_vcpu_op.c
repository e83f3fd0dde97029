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

#include "hv/guest_copy.h"

#define VCPU_INFO_SIZE 64U

/* ---- the vcpu_info area ---------------------------------------------------------- */

/* The record t's new area starts with (see the top of this file). */
static void vcpu_info_seed(const struct vcpu *t, bool compat, uint8_t rec[VCPU_INFO_SIZE])
{
    uint32_t sel = compat ? XEN_VCPU_INFO_COMPAT_PENDING_SEL_OFF : XEN_VCPU_INFO_PENDING_SEL_OFF;
    uint32_t sel_len = compat ? 4U : 8U;

    for (unsigned i = 0; i < VCPU_INFO_SIZE; i++)
        rec[i] = 0;
    if (t->id < XEN_LEGACY_MAX_VCPUS)
        (void)guest_time_shared_info_read(t->domain, t->id * VCPU_INFO_SIZE, rec, VCPU_INFO_SIZE);
    rec[0] = 1;                           /* evtchn_upcall_pending */
    for (unsigned i = 0; i < sel_len; i++)
        rec[sel + i] = 0xFF;              /* evtchn_pending_sel: all */
}

static int64_t vcpu_info_check(const struct vcpu *v, const struct vcpu *t,
                               const struct vcpu_register_vcpu_info *info)
{
    uint64_t align = hypercall_compat(v) ? 4U : 8U;

    if (info->mfn > P2M_MAX_GFN || info->offset >= PAGE_SIZE)
        return -XEN_EINVAL;
    if (t->vcpu_info_registered)
        return -XEN_EINVAL;
    if (t != v && t->run_state != VCPU_DOWN)
        return -XEN_EINVAL;
    if (info->offset > PAGE_SIZE - VCPU_INFO_SIZE || info->offset % align != 0)
        return -XEN_ENXIO;
    return 0;
}

static int64_t register_vcpu_info(struct vcpu *v, struct vcpu *t, uint64_t arg)
{
    struct vcpu_register_vcpu_info info;
    uint8_t rec[VCPU_INFO_SIZE];
    int64_t rc;

    if (hypercall_arg_read(v, arg, &info, sizeof(info)) != 0)
        return -XEN_EFAULT;
    rc = vcpu_info_check(v, t, &info);
    if (rc != 0)
        return rc;
    vcpu_info_seed(t, hypercall_compat(v), rec);
    /* All or nothing: a frame that is not writable RAM takes no byte and no registration. */
    if (copy_to_guest_phys(&t->domain->p2m, info.mfn * PAGE_SIZE + info.offset, rec,
                           sizeof(rec)) != 0)
        return -XEN_EINVAL;
    t->vcpu_info_gfn = info.mfn;
    t->vcpu_info_offset = info.offset;
    t->vcpu_info_registered = true;
    guest_time_write_pvclock(t);
    return 0;
}

/* ---- runstate ------------------------------------------------------------------ */

static int32_t runstate_now(const struct vcpu *v, const struct vcpu *t)
{
    return t == v ? RUNSTATE_running : guest_time_runstate_of(t->run_state);
}

/* Any address is accepted (0 stops the updates); a bad one is simply never written. */
static int64_t register_runstate(struct vcpu *v, struct vcpu *t, uint64_t arg)
{
    struct vcpu_register_runstate_memory_area area;
    bool compat = hypercall_compat(v);

    if (hypercall_arg_read(v, arg, &area, sizeof(area)) != 0)
        return -XEN_EFAULT;
    guest_time_runstate_register(t, compat ? area.addr & 0xFFFFFFFFULL : area.addr, compat,
                                 runstate_now(v, t));
    return 0;
}

static int64_t get_runstate_info(struct vcpu *v, struct vcpu *t, uint64_t arg)
{
    struct vcpu_runstate_info r;
    struct vcpu_runstate_info_compat c;

    guest_time_runstate_get(t, &r);
    if (!hypercall_compat(v))
        return copy_to_guest_linear(&v->domain->p2m, &v->state.paging, arg, &r, sizeof(r)) == 0
                   ? 0 : -XEN_EFAULT;
    c.state = r.state;
    c.state_entry_time[0] = (uint32_t)r.state_entry_time;
    c.state_entry_time[1] = (uint32_t)(r.state_entry_time >> 32);
    for (unsigned i = 0; i < 4; i++) {
        c.time[2 * i] = (uint32_t)r.time[i];
        c.time[2 * i + 1] = (uint32_t)(r.time[i] >> 32);
    }
    return copy_to_guest_linear(&v->domain->p2m, &v->state.paging, arg, &c, sizeof(c)) == 0
               ? 0 : -XEN_EFAULT;
}

/* ---- the one-shot timer ------------------------------------------------------------ */

static int64_t set_singleshot(struct vcpu *v, uint64_t arg)
{
    struct vcpu_set_singleshot_timer t;
    size_t len = hypercall_compat(v) ? VCPU_SET_SINGLESHOT_TIMER_COMPAT_SIZE : sizeof(t);

    t.flags = 0;
    if (hypercall_arg_read(v, arg, &t, len) != 0)
        return -XEN_EFAULT;
    if (t.timeout_abs_ns < guest_time_now()) {
        if ((t.flags & VCPU_SSHOTTMR_future) != 0)
            return -XEN_ETIME;
        /* Already due: fire at once (0 would mean "no timer"). */
        v->timer_deadline_ns = t.timeout_abs_ns != 0 ? t.timeout_abs_ns : 1;
        return 0;
    }
    v->timer_deadline_ns = t.timeout_abs_ns;
    return 0;
}

/* ---- dispatch ------------------------------------------------------------------------ */

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
