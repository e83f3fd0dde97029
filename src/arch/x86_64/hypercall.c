// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hypercall entry (hv/hypercall.h): decode the calling convention of the
 * guest's current mode, check the caller may make hypercalls at all, run the
 * handler the generated table names, and store the result the way Xen does.
 *
 *   64-bit code (EFER.LMA and CS.L): number rax, arguments rdi rsi rdx r10
 *   r8, result in all of rax.
 *   32-bit and 16-bit code: number eax, arguments ebx ecx edx esi edi (each
 *   zero-extended), result in eax (the upper half of rax is left alone,
 *   as Xen writes only eax for such a guest).
 *
 * Hypercalls from CPL > 0 fail with -EPERM, except in real mode (CR0.PE
 * clear), where there is no privilege level to check, as in Xen.
 */
#include "hv/hypercall.h"

#include "hv/console.h"
#include "hv/hypercall_table.h"
#include "xen/errno.h"

#define CR0_PE (1ULL << 0)
/* VMMCALL (0f 01 d9) and VMCALL (0f 01 c1): a preempted hypercall re-runs it. */
#define HYPERCALL_INSN_LEN 3U
#define LOW32 0xFFFFFFFFULL

bool hypercall_compat(const struct vcpu *v)
{
    return v->state.cs_mode != VCPU_CS_64;
}

/* The register holding argument idx in the caller's convention (NULL past the fifth). */
static uint64_t *arg_reg(struct vcpu *v, unsigned idx)
{
    struct vcpu_regs *r = &v->regs;
    bool compat = hypercall_compat(v);

    switch (idx) {
    case 0:
        return compat ? &r->rbx : &r->rdi;
    case 1:
        return compat ? &r->rcx : &r->rsi;
    case 2:
        return &r->rdx;
    case 3:
        return compat ? &r->rsi : &r->r10;
    case 4:
        return compat ? &r->rdi : &r->r8;
    default:
        return NULL;
    }
}

void hypercall_set_arg(struct vcpu *v, unsigned idx, uint64_t value)
{
    uint64_t *reg = arg_reg(v, idx);

    if (reg == NULL)
        return;
    *reg = hypercall_compat(v) ? (*reg & ~LOW32) | (value & LOW32) : value;
}

static void read_args(struct vcpu *v, uint64_t args[HYPERCALL_NR_ARGS])
{
    bool compat = hypercall_compat(v);

    for (unsigned i = 0; i < HYPERCALL_NR_ARGS; i++) {
        const uint64_t *reg = arg_reg(v, i);

        args[i] = reg == NULL ? 0 : compat ? *reg & LOW32 : *reg;
    }
}

static void set_result(struct vcpu *v, int64_t rc)
{
    if (hypercall_compat(v))
        v->regs.rax = (v->regs.rax & ~LOW32) | ((uint64_t)rc & LOW32);
    else
        v->regs.rax = (uint64_t)rc;
}

/* Back onto the hypercall instruction, wrapping as the mode's instruction pointer does. */
static void rewind_rip(struct vcpu *v)
{
    uint64_t rip = v->regs.rip - HYPERCALL_INSN_LEN;

    if (v->state.cs_mode == VCPU_CS_32)
        rip &= LOW32;
    else if (v->state.cs_mode == VCPU_CS_16)
        rip &= 0xFFFFULL;
    v->regs.rip = rip;
}

static bool privileged(const struct domain *d)
{
    return (d->guest.start_flags & SIF_PRIVILEGED) != 0;
}

struct domain *hypercall_target_domain(struct vcpu *v, domid_t id, int *rc)
{
    struct domain *d;

    if (id == DOMID_SELF || id == v->domain->id)
        return v->domain;
    d = domain_find(id);
    if (d == NULL) {
        *rc = -XEN_ESRCH;
        return NULL;
    }
    if (!privileged(v->domain)) {
        *rc = -XEN_EPERM;
        return NULL;
    }
    return d;
}

bool hypercall_result_declared(const struct hypercall_info *info, int64_t rc)
{
    uint64_t e;

    if (rc >= 0)
        return true;
    if (rc < -127)
        return false;
    e = (uint64_t)-rc;
    return ((info->errors[e / 64] >> (e % 64)) & 1U) != 0;
}

void hypercall_dispatch(struct vcpu *v)
{
    const struct hypercall_info *info;
    uint64_t args[HYPERCALL_NR_ARGS];
    uint64_t nr = hypercall_compat(v) ? v->regs.rax & LOW32 : v->regs.rax;
    int64_t rc;

    v->hypercalls++;
    if ((v->state.paging.cr0 & CR0_PE) != 0 && v->state.paging.cpl != 0) {
        set_result(v, -XEN_EPERM);
        return;
    }
    info = hypercall_table_lookup(nr);
    if (info == NULL) {
        hv_debug("d%u v%u: hypercall %llu is not implemented\n", (unsigned)v->domain->id,
                 (unsigned)v->id, (unsigned long long)nr);
        set_result(v, -XEN_ENOSYS);
        return;
    }
    if (info->domains == HC_DOMAINS_PRIVILEGED && !privileged(v->domain)) {
        set_result(v, -XEN_EPERM);
        return;
    }
    read_args(v, args);
    rc = hypercall_table_call(v, nr, args);
    if (rc == -XEN_ERESTART) {
        /* rax still holds the number: the guest simply runs the call again. */
        rewind_rip(v);
        return;
    }
    set_result(v, rc);
}

/* ---- memory arguments ------------------------------------------------------------ */

int64_t hypercall_arg_read(struct vcpu *v, uint64_t gla, void *buf, size_t len)
{
    return copy_from_guest_linear(&v->domain->p2m, &v->state.paging, buf, gla, len) == 0
               ? 0 : -XEN_EFAULT;
}

int64_t hypercall_arg_write(struct vcpu *v, uint64_t gla, const void *buf, size_t len)
{
    return copy_to_guest_linear(&v->domain->p2m, &v->state.paging, gla, buf, len) == 0
               ? 0 : -XEN_EFAULT;
}

int64_t hypercall_arg_read_inout(struct vcpu *v, uint64_t gla, void *buf, size_t len)
{
    if (hypercall_arg_read(v, gla, buf, len) != 0 || hypercall_arg_write(v, gla, buf, len) != 0)
        return -XEN_EFAULT;
    return 0;
}
