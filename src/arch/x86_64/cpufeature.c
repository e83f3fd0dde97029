// SPDX-License-Identifier: GPL-2.0-only
#include "hv/cpufeature.h"

#include "hal/hal.h"
#include "hv/console.h"

/* CPUID bit positions (AMD APM vol. 3, Intel SDM vol. 2A). */
#define CPUID1_ECX_VMX           5
#define CPUID1_ECX_X2APIC        21
#define CPUID1_ECX_TSC_DEADLINE  24
#define EXT1_ECX_SVM             2
#define EXT1_EDX_NX              20
#define EXT1_EDX_PAGE1GB         26
#define EXT7_EDX_INVARIANT_TSC   8
#define SVM_EDX_NPT              0
#define SVM_EDX_NRIPS            3
/* In the allowed-1 (high) half of the VMX control MSRs. */
#define VMX_PROC_ACTIVATE_SECONDARY 31
#define VMX_PROC2_EPT               1
#define VMX_PROC2_UNRESTRICTED      7

static bool bit(uint32_t word, unsigned n)
{
    return ((word >> n) & 1U) != 0;
}

static void copy_regs_text(char *dst, const uint32_t *regs, size_t nregs)
{
    for (size_t r = 0; r < nregs; r++)
        for (unsigned b = 0; b < 4; b++)
            dst[r * 4 + b] = (char)((regs[r] >> (8 * b)) & 0xFFU);
    dst[nregs * 4] = '\0';
}

static void probe_vendor(struct cpu_features *f)
{
    struct hal_cpuid r;
    uint32_t id[3];

    hal_cpuid(0, 0, &r);
    id[0] = r.ebx;
    id[1] = r.edx;
    id[2] = r.ecx;
    copy_regs_text(f->vendor_id, id, 3);
    if (r.ebx == 0x68747541U && r.edx == 0x69746E65U && r.ecx == 0x444D4163U)
        f->vendor = CPU_VENDOR_AMD;        /* "AuthenticAMD" */
    else if (r.ebx == 0x756E6547U && r.edx == 0x49656E69U && r.ecx == 0x6C65746EU)
        f->vendor = CPU_VENDOR_INTEL;      /* "GenuineIntel" */
    else
        f->vendor = CPU_VENDOR_OTHER;
}

static void probe_signature(struct cpu_features *f, uint32_t eax)
{
    uint32_t family = (eax >> 8) & 0xFU;
    uint32_t model = (eax >> 4) & 0xFU;

    if (family == 0xFU)
        family += (eax >> 20) & 0xFFU;
    if (family >= 6U)
        model |= ((eax >> 16) & 0xFU) << 4;
    f->family = family;
    f->model = model;
    f->stepping = eax & 0xFU;
}

static void probe_brand(struct cpu_features *f, uint32_t max_ext)
{
    uint32_t words[12];
    size_t start = 0;

    f->brand[0] = '\0';
    if (max_ext < 0x80000004U)
        return;
    for (uint32_t i = 0; i < 3; i++) {
        struct hal_cpuid r;
        hal_cpuid(0x80000002U + i, 0, &r);
        words[i * 4 + 0] = r.eax;
        words[i * 4 + 1] = r.ebx;
        words[i * 4 + 2] = r.ecx;
        words[i * 4 + 3] = r.edx;
    }
    copy_regs_text(f->brand, words, 12);
    while (f->brand[start] == ' ')
        start++;
    for (size_t i = 0; start > 0; i++) {
        f->brand[i] = f->brand[i + start];
        if (f->brand[i] == '\0')
            break;
    }
}

static void probe_vmx(struct cpu_features *f)
{
    uint64_t proc, proc2;

    if (!f->vmx)
        return;
    proc = hal_rdmsr(MSR_IA32_VMX_PROCBASED_CTLS);
    if (((proc >> 32) >> VMX_PROC_ACTIVATE_SECONDARY & 1U) == 0)
        return;
    proc2 = hal_rdmsr(MSR_IA32_VMX_PROCBASED_CTLS2) >> 32;
    f->ept = (proc2 >> VMX_PROC2_EPT & 1U) != 0;
    f->unrestricted_guest = (proc2 >> VMX_PROC2_UNRESTRICTED & 1U) != 0;
}

static void probe_svm(struct cpu_features *f, uint32_t max_ext)
{
    struct hal_cpuid r;

    if (!f->svm)
        return;
    f->svm_disabled = (hal_rdmsr(MSR_VM_CR) & MSR_VM_CR_SVMDIS) != 0;
    if (max_ext < 0x8000000AU)
        return;
    hal_cpuid(0x8000000AU, 0, &r);
    f->svm_revision = r.eax & 0xFFU;
    f->nr_asids = r.ebx;
    f->npt = bit(r.edx, SVM_EDX_NPT);
    f->nrip_save = bit(r.edx, SVM_EDX_NRIPS);
}

void cpu_features_probe(struct cpu_features *f)
{
    struct hal_cpuid r;
    uint32_t max_basic, max_ext;

    *f = (struct cpu_features){ 0 };
    probe_vendor(f);
    hal_cpuid(0, 0, &r);
    max_basic = r.eax;
    if (max_basic >= 1) {
        hal_cpuid(1, 0, &r);
        probe_signature(f, r.eax);
        f->vmx = bit(r.ecx, CPUID1_ECX_VMX);
        f->x2apic = bit(r.ecx, CPUID1_ECX_X2APIC);
        f->tsc_deadline = bit(r.ecx, CPUID1_ECX_TSC_DEADLINE);
    }
    hal_cpuid(0x80000000U, 0, &r);
    max_ext = r.eax >= 0x80000000U ? r.eax : 0;
    if (max_ext >= 0x80000001U) {
        hal_cpuid(0x80000001U, 0, &r);
        f->svm = bit(r.ecx, EXT1_ECX_SVM);
        f->nx = bit(r.edx, EXT1_EDX_NX);
        f->page1gb = bit(r.edx, EXT1_EDX_PAGE1GB);
    }
    if (max_ext >= 0x80000007U) {
        hal_cpuid(0x80000007U, 0, &r);
        f->invariant_tsc = bit(r.edx, EXT7_EDX_INVARIANT_TSC);
    }
    probe_brand(f, max_ext);
    probe_svm(f, max_ext);
    probe_vmx(f);
}

static const char *yes_no(bool b)
{
    return b ? "yes" : "no";
}

void cpu_features_log(const struct cpu_features *f)
{
    hv_print("CPU: %s family 0x%x model 0x%x stepping %u%s%s\n", f->vendor_id,
            f->family, f->model, f->stepping, f->brand[0] ? ", " : "", f->brand);
    hv_print("HVM: SVM %s%s, NPT %s, NRIP save %s, VMX %s, EPT %s\n",
            yes_no(f->svm), f->svm_disabled ? " (disabled by firmware)" : "",
            yes_no(f->npt), yes_no(f->nrip_save), yes_no(f->vmx), yes_no(f->ept));
    if (f->svm)
        hv_info("HVM: SVM revision %u, %u ASIDs\n", f->svm_revision, f->nr_asids);
    if (f->vmx)
        hv_info("HVM: VMX unrestricted guest %s\n", yes_no(f->unrestricted_guest));
    hv_info("CPU: NX %s, 1G pages %s, x2APIC %s, TSC-deadline %s, invariant TSC %s\n",
            yes_no(f->nx), yes_no(f->page1gb), yes_no(f->x2apic),
            yes_no(f->tsc_deadline), yes_no(f->invariant_tsc));
    if (!cpu_features_can_virtualize(f))
        hv_warn("HVM: this CPU cannot run guests (needs SVM with NPT, or VMX with EPT)\n");
}

bool cpu_features_can_virtualize(const struct cpu_features *f)
{
    return (f->svm && !f->svm_disabled && f->npt) || (f->vmx && f->ept);
}
