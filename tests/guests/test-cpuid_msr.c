// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the guest sees of the CPU: the hypervisor bit, no VMX and no SVM
 * (nested virtualization is not offered), Xen's CPUID leaves, and the MSR
 * policy: the hypercall-page MSR reads as zero, unknown MSRs raise #GP in
 * the guest, EFER shows long mode.
 */
#include "guest.h"
#include "xen/errno.h"

#define CPUID1_ECX_VMX        (1U << 5)
#define CPUID1_ECX_HYPERVISOR (1U << 31)
#define CPUID_EXT1_ECX_SVM    (1U << 2)
#define EFER_SVME             (1ULL << 12)
#define MSR_UNKNOWN           0x12345678U

static void check_feature_bits(void)
{
    struct cpuid_regs r = cpuid_count(1, 0);

    check((r.c & CPUID1_ECX_HYPERVISOR) != 0, "CPUID 1 ECX[31] hypervisor set (ecx 0x%x)", r.c);
    check((r.c & CPUID1_ECX_VMX) == 0, "CPUID 1 ECX[5] VMX clear");
    uint32_t max_ext = cpuid_count(0x80000000U, 0).a;
    if (max_ext >= 0x80000001U) {
        r = cpuid_count(0x80000001U, 0);
        check((r.c & CPUID_EXT1_ECX_SVM) == 0, "CPUID 0x80000001 ECX[2] SVM clear (ecx 0x%x)", r.c);
    } else {
        note("no CPUID leaf 0x80000001 (max extended leaf 0x%x)", max_ext);
    }
}

static void check_xen_leaves(void)
{
    uint32_t base = guest_env.xen_base;
    struct cpuid_regs r = cpuid_count(base, 0);

    check(r.b == XEN_CPUID_SIGNATURE_EBX && r.c == XEN_CPUID_SIGNATURE_ECX &&
              r.d == XEN_CPUID_SIGNATURE_EDX,
          "CPUID 0x%x signature XenVMMXenVMM", base);
    check(r.a >= base + 2U, "CPUID 0x%x max leaf 0x%x >= base + 2", base, r.a);
    r = cpuid_count(base + 1U, 0);
    long ver = hypercall2(HYPERVISOR_xen_version, XENVER_version, 0);
    check(r.a != 0 && (long)r.a == ver, "CPUID base+1 version 0x%x matches xen_version 0x%lx",
          r.a, ver);
    r = cpuid_count(base + 2U, 0);
    check(r.a == 1, "CPUID base+2 EAX: %u hypercall page(s)", r.a);
    check(r.b == XEN_MSR_HYPERCALL_PAGE, "CPUID base+2 EBX: hypercall MSR 0x%x", r.b);
    if (guest_env.xen_max_leaf >= base + 4U) {
        r = cpuid_count(base + 4U, 0);
        note("CPUID base+4 flags 0x%x ebx 0x%x ecx 0x%x", r.a, r.b, r.c);
        if ((r.a & XEN_HVM_CPUID_VCPU_ID_PRESENT) != 0)
            check(r.b == 0, "CPUID base+4 vcpu id of the boot vCPU is 0 (got %u)", r.b);
    }
}

static void check_msrs(void)
{
    uint64_t v = 1;
    int vec = probe_rdmsr(XEN_MSR_HYPERCALL_PAGE, &v);

    check(vec == -1 && v == 0, "rdmsr 0x%x (hypercall page, write-only) reads 0: vector %d value 0x%lx",
          XEN_MSR_HYPERCALL_PAGE, vec, v);
    vec = probe_rdmsr(XEN_MSR_HYPERCALL_PAGE + 1U, &v);
    check(vec == X86_EXC_GP && exc_last.error == 0, "rdmsr 0x%x (no such Xen MSR) -> #GP: vector %d",
          XEN_MSR_HYPERCALL_PAGE + 1U, vec);
    vec = probe_rdmsr(MSR_UNKNOWN, &v);
    check(vec == X86_EXC_GP && exc_last.error == 0, "rdmsr 0x%x -> #GP(0): vector %d error 0x%lx",
          MSR_UNKNOWN, vec, exc_last.error);
    vec = probe_wrmsr(MSR_UNKNOWN, 0x1234);
    check(vec == X86_EXC_GP && exc_last.error == 0, "wrmsr 0x%x -> #GP(0): vector %d error 0x%lx",
          MSR_UNKNOWN, vec, exc_last.error);
    vec = probe_rdmsr(MSR_EFER, &v);
    check(vec == -1 && (v & (EFER_LME | EFER_LMA)) == (EFER_LME | EFER_LMA),
          "EFER 0x%lx readable with LME and LMA set", v);
    check((v & EFER_SVME) == 0, "EFER.SVME clear in the guest");
}

static void cpuid_msr_run(void)
{
    check_feature_bits();
    check_xen_leaves();
    check_msrs();
}

const struct guest_test guest_test = {
    .name = "cpuid_msr",
    .flags = GUEST_NEEDS_XEN,
    .run = cpuid_msr_run,
};
