// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvm_op: HVM parameters.
 *
 * A domain reads and writes its own parameters within Xen's guest rules:
 *   - it may set CALLBACK_IRQ (how events reach it) and the two event
 *     channel numbers STORE_EVTCHN and CONSOLE_EVTCHN; every other index is
 *     the domain builder's (-EPERM).  Xen also lets guests set a few
 *     parameters that mean nothing for a PVH guest here (VM86_TSS,
 *     VM86_TSS_SIZED, ACPI_IOPORTS_LOCATION, VM_GENERATION_ID_ADDR,
 *     X87_FIP_WIDTH): they are refused with -EPERM too;
 *   - it may read the parameters Xen lets guests read (the ring pages and
 *     event channels, the callback, and those above); others are -EPERM.
 * A privileged domain reads and writes any parameter of any domain.  An
 * index beyond HVM_NR_PARAMS is -EINVAL.
 *
 * set_evtchn_upcall_vector: the caller's domain gives one of its vCPUs its
 * own event-channel upcall vector (used instead of CALLBACK_IRQ for that
 * vCPU; advertised by CPUID leaf base+4 bit 6).  -EINVAL for a vector below
 * 0x10 (those are exceptions), -ENOENT for a vCPU the domain does not have.
 *
 * Other hvm_op sub-ops are not provided yet (-ENOSYS).
 */
#include "hv/hypercall_table.h"

#include "hv/evtchn.h"
#include "hv/guest_copy.h"

static bool guest_may_set(uint32_t index)
{
    return index == HVM_PARAM_CALLBACK_IRQ || index == HVM_PARAM_STORE_EVTCHN ||
           index == HVM_PARAM_CONSOLE_EVTCHN;
}

static bool guest_may_get(uint32_t index)
{
    switch (index) {
    case HVM_PARAM_CALLBACK_IRQ:
    case HVM_PARAM_STORE_PFN:
    case HVM_PARAM_STORE_EVTCHN:
    case HVM_PARAM_CONSOLE_PFN:
    case HVM_PARAM_CONSOLE_EVTCHN:
    case HVM_PARAM_VM86_TSS:
    case HVM_PARAM_VM86_TSS_SIZED:
    case HVM_PARAM_ACPI_IOPORTS_LOCATION:
    case HVM_PARAM_VM_GENERATION_ID_ADDR:
    case HVM_PARAM_ALTP2M:
    case HVM_PARAM_X87_FIP_WIDTH:
        return true;
    default:
        return false;
    }
}

static int64_t read_param(struct vcpu *v, uint64_t arg, struct xen_hvm_param *a)
{
    return copy_from_guest_linear(&v->domain->p2m, &v->state.paging, a, arg, sizeof(*a)) == 0
               ? 0 : -XEN_EFAULT;
}

static int64_t set_param(struct vcpu *v, uint64_t arg)
{
    struct xen_hvm_param a;
    struct domain *d;
    int rc = 0;

    if (read_param(v, arg, &a) != 0)
        return -XEN_EFAULT;
    d = hypercall_target_domain(v, a.domid, &rc);
    if (d == NULL)
        return rc;
    if (a.index >= HVM_NR_PARAMS)
        return -XEN_EINVAL;
    if (d == v->domain && !guest_may_set(a.index))
        return -XEN_EPERM;
    d->guest.hvm_params[a.index] = a.value;
    return 0;
}

static int64_t get_param(struct vcpu *v, uint64_t arg)
{
    struct xen_hvm_param a;
    struct domain *d;
    int rc = 0;

    if (read_param(v, arg, &a) != 0)
        return -XEN_EFAULT;
    if (a.index >= HVM_NR_PARAMS)
        return -XEN_EINVAL;
    d = hypercall_target_domain(v, a.domid, &rc);
    if (d == NULL)
        return rc;
    if (d == v->domain && !guest_may_get(a.index))
        return -XEN_EPERM;
    a.value = d->guest.hvm_params[a.index];
    return copy_to_guest_linear(&v->domain->p2m, &v->state.paging, arg, &a, sizeof(a)) == 0
               ? 0 : -XEN_EFAULT;
}

static int64_t set_upcall_vector(struct vcpu *v, uint64_t arg)
{
    struct xen_hvm_evtchn_upcall_vector a;
    struct domain *d = v->domain;

    if (copy_from_guest_linear(&d->p2m, &v->state.paging, &a, arg, sizeof(a)) != 0)
        return -XEN_EFAULT;
    if (a.vector < 0x10)
        return -XEN_EINVAL;
    if (a.vcpu >= d->guest.nr_vcpus || a.vcpu >= DOMAIN_MAX_VCPUS)
        return -XEN_ENOENT;
    evtchn_set_upcall_vector(&d->guest.vcpus[a.vcpu], a.vector);
    return 0;
}

int64_t hc_hvm_op(struct vcpu *v, uint64_t op, uint64_t arg)
{
    switch (op) {
    case HVMOP_set_param:
        return set_param(v, arg);
    case HVMOP_get_param:
        return get_param(v, arg);
    case HVMOP_set_evtchn_upcall_vector:
        return set_upcall_vector(v, arg);
    default:
        return -XEN_ENOSYS;
    }
}
