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
/*@ requires \valid(v);
    assigns \nothing;
    ensures idx < HYPERCALL_NR_ARGS <==> \result != \null;
    ensures \result == \null || \result == &v->regs.rdi || \result == &v->regs.rsi ||
            \result == &v->regs.rdx || \result == &v->regs.r10 || \result == &v->regs.r8 ||
            \result == &v->regs.rbx || \result == &v->regs.rcx; */
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

/*@ requires \valid(v) && \valid(args + (0 .. HYPERCALL_NR_ARGS - 1));
    requires \separated(args + (0 .. HYPERCALL_NR_ARGS - 1), v);
    assigns args[0 .. HYPERCALL_NR_ARGS - 1]; */
static void read_args(struct vcpu *v, uint64_t args[HYPERCALL_NR_ARGS])
{
    const struct vcpu_regs *r = &v->regs;

    /* Straight-line (the registers of arg_reg): this runs on every hypercall. */
    _Static_assert(HYPERCALL_NR_ARGS == 5, "read_args fills five arguments");
    if (hypercall_compat(v)) {
        args[0] = r->rbx & LOW32;
        args[1] = r->rcx & LOW32;
        args[2] = r->rdx & LOW32;
        args[3] = r->rsi & LOW32;
        args[4] = r->rdi & LOW32;
    } else {
        args[0] = r->rdi;
        args[1] = r->rsi;
        args[2] = r->rdx;
        args[3] = r->r10;
        args[4] = r->r8;
    }
}

/*@ requires \valid(v);
    assigns v->regs.rax;
    ensures v->state.cs_mode == VCPU_CS_64 ==> v->regs.rax == (uint64_t)rc; */
static void set_result(struct vcpu *v, int64_t rc)
{
    if (hypercall_compat(v))
        v->regs.rax = (v->regs.rax & ~LOW32) | ((uint64_t)rc & LOW32);
    else
        v->regs.rax = (uint64_t)rc;
}

/* Back onto the hypercall instruction, wrapping as the mode's instruction pointer does. */
/*@ requires \valid(v);
    assigns v->regs.rip; */
static void rewind_rip(struct vcpu *v)
{
    uint64_t rip = v->regs.rip - HYPERCALL_INSN_LEN;

    if (v->state.cs_mode == VCPU_CS_32)
        rip &= LOW32;
    else if (v->state.cs_mode == VCPU_CS_16)
        rip &= 0xFFFFULL;
    v->regs.rip = rip;
}

/*@ requires \valid_read(d);
    assigns \nothing;
    ensures \result <==> (d->guest.start_flags & SIF_PRIVILEGED) != 0; */
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

int64_t hypercall_phys_write(const struct domain *d, uint64_t gpa, const void *buf, size_t len)
{
    return copy_to_guest_phys(&d->p2m, gpa, buf, len) == 0 ? 0 : -XEN_EFAULT;
}

/* ---- ABI records as bytes ---------------------------------------------------------- */

/*
 * A byte's value 0..255 and back, by arithmetic alone: char is signed here,
 * and the provers cannot relate the two conversions a cast would do.  Sums
 * rather than shifts and masks for the same reason: the contracts speak of
 * sums of bytes.
 */
/*@ requires \valid_read(buf + i);
    assigns \nothing;
    ensures \result == hc_byte(buf, i); */
static unsigned byte_at(const char *buf, size_t i)
{
    int b = buf[i];

    return (unsigned)(b < 0 ? b + 256 : b);
}

/*@ requires x < 256;
    assigns \nothing;
    ensures (\result < 0 ? \result + 256 : \result) == x; */
static char byte_of(unsigned x)
{
    int b = (int)x;

    return (char)(b < 128 ? b : b - 256);
}

uint8_t hypercall_get_u8(const char *buf, size_t off)
{
    return (uint8_t)byte_at(buf, off);
}

uint16_t hypercall_get_u16(const char *buf, size_t off)
{
    return (uint16_t)(byte_at(buf, off) + 256U * byte_at(buf, off + 1));
}

uint32_t hypercall_get_u32(const char *buf, size_t off)
{
    return hypercall_get_u16(buf, off) + 65536U * hypercall_get_u16(buf, off + 2);
}

uint64_t hypercall_get_u64(const char *buf, size_t off)
{
    return hypercall_get_u32(buf, off) + 4294967296ULL * hypercall_get_u32(buf, off + 4);
}

/*@ requires off <= SIZE_MAX - 2 && \valid(buf + (off .. off + 1));
    assigns buf[off .. off + 1];
    ensures hc_le16(buf, off) == val; */
static void put_u16(char *buf, size_t off, uint16_t val)
{
    buf[off] = byte_of(val % 256U);
    buf[off + 1] = byte_of(val / 256U);
}

void hypercall_put_u32(char *buf, size_t off, uint32_t val)
{
    put_u16(buf, off, (uint16_t)(val % 65536U));
    put_u16(buf, off + 2, (uint16_t)(val / 65536U));
}

void hypercall_put_u64(char *buf, size_t off, uint64_t val)
{
    hypercall_put_u32(buf, off, (uint32_t)(val % 4294967296ULL));
    hypercall_put_u32(buf, off + 4, (uint32_t)(val / 4294967296ULL));
}
