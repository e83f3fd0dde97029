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

/*@ assigns \nothing; */
static bool guest_may_set(uint32_t index)
{
    return index == HVM_PARAM_CALLBACK_IRQ || index == HVM_PARAM_STORE_EVTCHN ||
           index == HVM_PARAM_CONSOLE_EVTCHN;
}

/*@ assigns \nothing; */
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

#define PARAM_DOMID(a) hypercall_get_u16(a, offsetof(struct xen_hvm_param, domid))
#define PARAM_INDEX(a) hypercall_get_u32(a, offsetof(struct xen_hvm_param, index))
#define PARAM_VALUE    offsetof(struct xen_hvm_param, value)

/*@ requires hc_caller_ok(v);
    assigns domain_table[0 .. DOMAIN_MAX - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures \result == 0 || \result == -XEN_EFAULT || \result == -XEN_EINVAL ||
            \result == -XEN_ESRCH || \result == -XEN_EPERM; */
static int64_t set_param(struct vcpu *v, uint64_t arg)
{
    char a[sizeof(struct xen_hvm_param)];
    struct domain *d;
    uint32_t index;
    int rc = 0;

    if (hypercall_arg_read(v, arg, a, sizeof(a)) != 0)
        return -XEN_EFAULT;
    d = hypercall_target_domain(v, PARAM_DOMID(a), &rc);
    index = PARAM_INDEX(a);
    /* Xen's order for set: no such domain, then the index, then the right to it. */
    if (d == NULL)
        return rc == -XEN_EPERM && index >= HVM_NR_PARAMS ? -XEN_EINVAL : rc;
    if (index >= HVM_NR_PARAMS)
        return -XEN_EINVAL;
    if (d == v->domain && !guest_may_set(index))
        return -XEN_EPERM;
    d->guest.hvm_params[index] = hypercall_get_u64(a, PARAM_VALUE);
    return 0;
}

/*@ requires hc_caller_ok(v);
    assigns hal_mem_bytes[0 .. HAL_MEM_BYTES - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures \result == 0 || \result == -XEN_EFAULT || \result == -XEN_EINVAL ||
            \result == -XEN_ESRCH || \result == -XEN_EPERM; */
static int64_t get_param(struct vcpu *v, uint64_t arg)
{
    char a[sizeof(struct xen_hvm_param)];
    struct domain *d;
    uint32_t index;
    int rc = 0;

    if (hypercall_arg_read(v, arg, a, sizeof(a)) != 0)
        return -XEN_EFAULT;
    index = PARAM_INDEX(a);
    if (index >= HVM_NR_PARAMS)
        return -XEN_EINVAL;
    d = hypercall_target_domain(v, PARAM_DOMID(a), &rc);
    if (d == NULL)
        return rc;
    if (d == v->domain && !guest_may_get(index))
        return -XEN_EPERM;
    hypercall_put_u64(a, PARAM_VALUE, d->guest.hvm_params[index]);
    return hypercall_arg_write(v, arg, a, sizeof(a));
}

/*@ requires hc_caller_ok(v);
    assigns evtchn_table[0 .. DOMAIN_MAX - 1].upcall_vector[0 .. DOMAIN_MAX_VCPUS - 1],
            hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures \result == 0 || \result == -XEN_EFAULT || \result == -XEN_EINVAL ||
            \result == -XEN_ENOENT; */
static int64_t set_upcall_vector(struct vcpu *v, uint64_t arg)
{
    char a[sizeof(struct xen_hvm_evtchn_upcall_vector)];
    struct domain *d = v->domain;
    uint32_t vcpu;
    uint8_t vector;

    if (hypercall_arg_read(v, arg, a, sizeof(a)) != 0)
        return -XEN_EFAULT;
    vcpu = hypercall_get_u32(a, offsetof(struct xen_hvm_evtchn_upcall_vector, vcpu));
    vector = hypercall_get_u8(a, offsetof(struct xen_hvm_evtchn_upcall_vector, vector));
    if (vector < 0x10)
        return -XEN_EINVAL;
    if (vcpu >= d->guest.nr_vcpus || vcpu >= DOMAIN_MAX_VCPUS)
        return -XEN_ENOENT;
    evtchn_set_upcall_vector(&d->guest.vcpus[vcpu], vector);
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
