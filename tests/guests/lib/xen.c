// SPDX-License-Identifier: GPL-2.0-only
/*
 * Talking to Xen: detection through the CPUID leaves, hypercalls (the
 * vendor's instruction directly, or through the hypercall page), the
 * shared_info page and its pvclock.
 *
 * 64-bit hypercall convention: rax = number, arguments in rdi rsi rdx r10
 * r8, result in rax.  Xen may clobber the argument registers, so all five
 * are outputs here.
 */
#include "guest.h"
#include "xen/errno.h"

/* "AuthenticAMD" / "HygonGenuine" as CPUID(0) returns them in ebx, edx, ecx. */
static bool vendor_is_amd(void)
{
    struct cpuid_regs r = cpuid_count(0, 0);

    if (r.b == 0x68747541U && r.d == 0x69746e65U && r.c == 0x444d4163U)
        return true;
    return r.b == 0x6f677948U && r.d == 0x6e65476eU && r.c == 0x656e6975U;
}

bool xen_detect(void)
{
    guest_env.vendor_amd = vendor_is_amd();
    /* Xen's leaves may move up in steps of 0x100 (e.g. behind Viridian's). */
    for (uint32_t base = XEN_CPUID_BASE; base < XEN_CPUID_BASE + 0x10000U; base += 0x100U) {
        struct cpuid_regs r = cpuid_count(base, 0);
        if (r.b == XEN_CPUID_SIGNATURE_EBX && r.c == XEN_CPUID_SIGNATURE_ECX &&
            r.d == XEN_CPUID_SIGNATURE_EDX && r.a >= base + 2U) {
            guest_env.on_xen = true;
            guest_env.xen_base = base;
            guest_env.xen_max_leaf = r.a;
            guest_env.hc_mode = guest_env.vendor_amd ? HC_VMMCALL : HC_VMCALL;
            return true;
        }
    }
    guest_env.on_xen = false;
    guest_env.hc_mode = HC_NONE;
    return false;
}

static long hc_vmmcall(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                       uint64_t a5)
{
    register uint64_t r10 __asm__("r10") = a4;
    register uint64_t r8 __asm__("r8") = a5;
    uint64_t rax = nr;

    __asm__ volatile("vmmcall"
                     : "+a"(rax), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
                     :: "memory");
    return (long)rax;
}

static long hc_vmcall(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                      uint64_t a5)
{
    register uint64_t r10 __asm__("r10") = a4;
    register uint64_t r8 __asm__("r8") = a5;
    uint64_t rax = nr;

    __asm__ volatile("vmcall"
                     : "+a"(rax), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
                     :: "memory");
    return (long)rax;
}

static long hc_page(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                    uint64_t a5)
{
    register uint64_t r10 __asm__("r10") = a4;
    register uint64_t r8 __asm__("r8") = a5;
    uint64_t slot = (uint64_t)(uintptr_t)guest_env.hypercall_page + (uint64_t)nr * 32U;
    uint64_t rax;

    /* The slot loads rax itself; rcx, r9 and r11 are the call's scratch. */
    __asm__ volatile("call *%[slot]"
                     : "=a"(rax), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
                     : [slot] "r"(slot)
                     : "memory", "rcx", "r9", "r11");
    return (long)rax;
}

long hypercall_insn(enum hypercall_mode mode, unsigned int nr, uint64_t a1, uint64_t a2,
                    uint64_t a3)
{
    if (mode == HC_VMMCALL)
        return hc_vmmcall(nr, a1, a2, a3, 0, 0);
    if (mode == HC_VMCALL)
        return hc_vmcall(nr, a1, a2, a3, 0, 0);
    return -XEN_ENOSYS;
}

long hypercall5(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                uint64_t a5)
{
    switch (guest_env.hc_mode) {
    case HC_VMMCALL:
        return hc_vmmcall(nr, a1, a2, a3, a4, a5);
    case HC_VMCALL:
        return hc_vmcall(nr, a1, a2, a3, a4, a5);
    case HC_PAGE:
        /* Slots exist for numbers below 128 only. */
        if (nr >= XEN_NR_HYPERCALLS)
            return guest_env.vendor_amd ? hc_vmmcall(nr, a1, a2, a3, a4, a5)
                                        : hc_vmcall(nr, a1, a2, a3, a4, a5);
        return hc_page(nr, a1, a2, a3, a4, a5);
    case HC_NONE:
    default:
        return -XEN_ENOSYS;
    }
}

void hypercall_use_page(void *page)
{
    uint32_t msr = cpuid_count(guest_env.xen_base + 2U, 0).b;

    wrmsr(msr, (uint64_t)(uintptr_t)page);
    guest_env.hypercall_page = page;
    guest_env.hc_mode = HC_PAGE;
}

long xen_map_shared_info(struct shared_info *page)
{
    struct gx_add_to_physmap atp = {
        .domid = (uint16_t)GX_DOMID_SELF,
        .size = 0,
        .space = XENMAPSPACE_shared_info,
        .idx = 0,
        .gpfn = (uint64_t)(uintptr_t)page / GUEST_PAGE_SIZE,
    };

    return hypercall2(HYPERVISOR_memory_op, XENMEM_add_to_physmap, &atp);
}

/* (delta * mul) >> 32 without a 128-bit type. */
static uint64_t mul_u64_u32_shr32(uint64_t delta, uint32_t mul)
{
    uint64_t lo = (delta & 0xffffffffULL) * mul;
    uint64_t hi = (delta >> 32) * mul;

    return hi + (lo >> 32);
}

uint64_t pvclock_read_ns(const volatile struct vcpu_time_info *t)
{
    uint32_t version;
    uint64_t ns;

    do {
        version = t->version;
        barrier();
        uint64_t delta = rdtsc() - t->tsc_timestamp;
        int8_t shift = t->tsc_shift;
        if (shift < 0)
            delta >>= (unsigned int)-shift;
        else
            delta <<= (unsigned int)shift;
        ns = t->system_time + mul_u64_u32_shr32(delta, t->tsc_to_system_mul);
        barrier();
    } while ((version & 1U) != 0 || version != t->version);
    return ns;
}
