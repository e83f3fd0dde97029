// SPDX-License-Identifier: GPL-2.0-only
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hv/console.h"
#include "hv/cpufeature.h"
#include "sim.h"

static int setup(void **state)
{
    (void)state;
    sim_reset(16);
    console_init();
    console_set_threshold(LOG_ALL);
    return 0;
}

static void set_brand(const char *text)
{
    uint32_t w[12] = { 0 };

    memcpy(w, text, strlen(text));
    for (uint32_t i = 0; i < 3; i++)
        sim_cpuid_set(0x80000002U + i, 0, w[i * 4], w[i * 4 + 1], w[i * 4 + 2], w[i * 4 + 3]);
}

static void amd_epyc(void)
{
    sim_cpuid_set(0, 0, 0x10, 0x68747541U, 0x444D4163U, 0x69746E65U);
    /* family 0xf + ext 0x8 = 0x17, model 0x1 | ext 0x3 << 4 = 0x31, stepping 0 */
    sim_cpuid_set(1, 0, 0x00830F10U, 0, (1U << 21) | (1U << 24), 0);
    sim_cpuid_set(0x80000000U, 0, 0x8000001FU, 0, 0, 0);
    sim_cpuid_set(0x80000001U, 0, 0, 0, 1U << 2, (1U << 20) | (1U << 26));
    sim_cpuid_set(0x80000007U, 0, 0, 0, 0, 1U << 8);
    sim_cpuid_set(0x8000000AU, 0, 1, 32768, 0, (1U << 0) | (1U << 3));
    set_brand("  AMD EPYC 7302 16-Core Processor");
}

static void test_amd_with_svm_npt_nrip(void **state)
{
    struct cpu_features f;

    (void)state;
    amd_epyc();
    cpu_features_probe(&f);
    assert_int_equal(f.vendor, CPU_VENDOR_AMD);
    assert_string_equal(f.vendor_id, "AuthenticAMD");
    assert_string_equal(f.brand, "AMD EPYC 7302 16-Core Processor");
    assert_int_equal(f.family, 0x17);
    assert_int_equal(f.model, 0x31);
    assert_true(f.svm && f.npt && f.nrip_save && !f.svm_disabled);
    assert_int_equal(f.nr_asids, 32768);
    assert_false(f.vmx || f.ept);
    assert_true(f.nx && f.page1gb && f.x2apic && f.tsc_deadline && f.invariant_tsc);
    assert_true(cpu_features_can_virtualize(&f));
    cpu_features_log(&f);
    assert_non_null(strstr(sim_serial_output(), "HVM: SVM yes, NPT yes, NRIP save yes, VMX no, EPT no"));
    assert_non_null(strstr(sim_serial_output(), "32768 ASIDs"));
    assert_null(strstr(sim_serial_output(), "cannot run guests"));
}

static void test_svm_locked_by_firmware(void **state)
{
    struct cpu_features f;

    (void)state;
    amd_epyc();
    sim_msr_set(MSR_VM_CR, MSR_VM_CR_SVMDIS);
    cpu_features_probe(&f);
    assert_true(f.svm && f.svm_disabled);
    assert_false(cpu_features_can_virtualize(&f));
    cpu_features_log(&f);
    assert_non_null(strstr(sim_serial_output(), "SVM yes (disabled by firmware)"));
    assert_non_null(strstr(sim_serial_output(), "cannot run guests"));
}

static void test_svm_without_leaf_0x8000000a(void **state)
{
    struct cpu_features f;

    (void)state;
    amd_epyc();
    sim_cpuid_set(0x80000000U, 0, 0x80000001U, 0, 0, 0);
    cpu_features_probe(&f);
    assert_true(f.svm);
    assert_false(f.npt);
    assert_string_equal(f.brand, "");
    assert_false(cpu_features_can_virtualize(&f));
}

static void intel_haswell(uint64_t proc, uint64_t proc2)
{
    sim_cpuid_set(0, 0, 0xd, 0x756E6547U, 0x6C65746EU, 0x49656E69U);
    sim_cpuid_set(1, 0, 0x000306C3U, 0, 1U << 5, 0);
    sim_cpuid_set(0x80000000U, 0, 0x80000008U, 0, 0, 0);
    sim_cpuid_set(0x80000001U, 0, 0, 0, 0, 1U << 20);
    sim_msr_set(MSR_IA32_VMX_PROCBASED_CTLS, proc);
    sim_msr_set(MSR_IA32_VMX_PROCBASED_CTLS2, proc2);
}

static void test_intel_with_ept(void **state)
{
    struct cpu_features f;

    (void)state;
    intel_haswell(1ULL << (32 + 31), (1ULL << (32 + 1)) | (1ULL << (32 + 7)));
    cpu_features_probe(&f);
    assert_int_equal(f.vendor, CPU_VENDOR_INTEL);
    assert_int_equal(f.family, 6);
    assert_int_equal(f.model, 0x3c);
    assert_int_equal(f.stepping, 3);
    assert_true(f.vmx && f.ept && f.unrestricted_guest);
    assert_false(f.svm);
    assert_true(cpu_features_can_virtualize(&f));
    cpu_features_log(&f);
    assert_non_null(strstr(sim_serial_output(), "VMX yes, EPT yes"));
    assert_non_null(strstr(sim_serial_output(), "unrestricted guest yes"));
}

static void test_intel_without_secondary_controls(void **state)
{
    struct cpu_features f;

    (void)state;
    intel_haswell(0, 1ULL << (32 + 1));
    cpu_features_probe(&f);
    assert_true(f.vmx);
    assert_false(f.ept);
    assert_false(cpu_features_can_virtualize(&f));
}

static void test_unknown_cpu_with_nothing(void **state)
{
    struct cpu_features f;

    (void)state;
    sim_cpuid_set(0, 0, 0, 0x61616161U, 0x62626262U, 0x63636363U);
    cpu_features_probe(&f);
    assert_int_equal(f.vendor, CPU_VENDOR_OTHER);
    assert_string_equal(f.vendor_id, "aaaaccccbbbb");   /* EBX, EDX, ECX */
    assert_false(f.svm || f.vmx || f.nx);
    assert_int_equal(f.family, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_amd_with_svm_npt_nrip, setup),
        cmocka_unit_test_setup(test_svm_locked_by_firmware, setup),
        cmocka_unit_test_setup(test_svm_without_leaf_0x8000000a, setup),
        cmocka_unit_test_setup(test_intel_with_ept, setup),
        cmocka_unit_test_setup(test_intel_without_secondary_controls, setup),
        cmocka_unit_test_setup(test_unknown_cpu_with_nothing, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
