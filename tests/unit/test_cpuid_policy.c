// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the guest CPUID policy: every leaf the guest is offered,
 * each allow-list checked against a host whose feature words are all ones
 * (so the guest's word must equal the list exactly) and all zeros (so only
 * forced bits appear), the caps on the highest leaves, the zeroed leaves,
 * and Xen's leaves at 0x40000000 including the time leaf.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hv/console.h"
#include "hv/cpuid_policy.h"
#include "hv/guest_time.h"
#include "sim.h"

#define ONES 0xFFFFFFFFU
#define BIT(n) (1U << (n))

static struct domain dom;
static struct vcpu vcpu;

static struct hal_cpuid q(uint32_t leaf, uint32_t subleaf)
{
    struct hal_cpuid r;

    memset(&r, 0x5A, sizeof(r));   /* every register must be written */
    cpuid_policy_guest(&vcpu, leaf, subleaf, &r);
    return r;
}

static void assert_regs(struct hal_cpuid r, uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
    assert_int_equal(r.eax, a);
    assert_int_equal(r.ebx, b);
    assert_int_equal(r.ecx, c);
    assert_int_equal(r.edx, d);
}

static void assert_zero(struct hal_cpuid r)
{
    assert_regs(r, 0, 0, 0, 0);
}

/* An AMD host with many basic and extended leaves, every data leaf all ones. */
static void host_all_ones(void)
{
    sim_cpuid_set(0, 0, 0x10, 0x68747541U, 0x444D4163U, 0x69746E65U);   /* AuthenticAMD */
    for (uint32_t l = 1; l <= 0x10; l++)
        sim_cpuid_set(l, 0, ONES, ONES, ONES, ONES);
    sim_cpuid_set(4, 1, ONES, ONES, ONES, ONES);
    sim_cpuid_set(7, 1, ONES, ONES, ONES, ONES);
    sim_cpuid_set(0x80000000U, 0, 0x8000001FU, 0x68747541U, 0x444D4163U, 0x69746E65U);
    for (uint32_t l = 0x80000001U; l <= 0x8000001FU; l++)
        sim_cpuid_set(l, 0, ONES, ONES, ONES, ONES);
}

static int setup(void **state)
{
    (void)state;
    sim_reset(16);
    console_init();
    cpuid_policy_set_upcall_vector(false);
    dom = (struct domain){ .live = true, .id = 7 };
    vcpu = (struct vcpu){ .domain = &dom, .id = 0 };
    host_all_ones();
    return 0;
}

/* ---- basic leaves ------------------------------------------------------------ */

static void test_leaf0_caps_highest_leaf(void **state)
{
    (void)state;
    assert_regs(q(0, 0), CPUID_POLICY_MAX_BASIC, 0x68747541U, 0x444D4163U, 0x69746E65U);
    sim_cpuid_set(0, 0, 7, 0x68747541U, 0x444D4163U, 0x69746E65U);
    assert_int_equal(q(0, 0).eax, 7);
    /* Leaves above the host's highest read as zeros, even when it answers them. */
    assert_zero(q(8, 0));
    assert_zero(q(0xB, 0));
    /* A subleaf in ECX does not matter for leaf 0. */
    assert_int_equal(q(0, 99).eax, 7);
}

static void test_leaf1_filters_features(void **state)
{
    struct hal_cpuid r;

    (void)state;
    r = q(1, 0);
    assert_int_equal(r.eax, ONES);                              /* signature passes */
    assert_int_equal(r.ebx, 0x0000FFFFU | BIT(16));             /* one logical cpu, APIC id 0 */
    assert_int_equal(r.ecx, BIT(0) | BIT(1) | BIT(9) | BIT(13) | BIT(17) | BIT(19) | BIT(20) |
                            BIT(21) | BIT(22) | BIT(23) | BIT(24) | BIT(25) | BIT(30) | BIT(31));
    assert_int_equal(r.edx, 0x0F8BBB7FU);
    /* The bits the design names, one by one. */
    assert_true(r.ecx & CPUID1_ECX_HYPERVISOR);
    assert_false(r.ecx & BIT(5));    /* VMX */
    assert_false(r.ecx & BIT(6));    /* SMX */
    assert_false(r.ecx & BIT(3));    /* MONITOR */
    assert_true(r.ecx & BIT(21));    /* x2APIC: the emulated LAPIC has it */
    assert_true(r.ecx & BIT(24));    /* TSC-deadline: likewise */
    assert_false(r.ecx & (BIT(26) | BIT(27) | BIT(28) | BIT(12) | BIT(29)));  /* XSAVE, OSXSAVE, AVX, FMA, F16C */
    assert_true(r.ecx & BIT(17));    /* PCID */
    assert_false(r.edx & BIT(28));   /* HTT */
    assert_false(r.edx & (BIT(7) | BIT(14)));   /* MCE, MCA */
    assert_true(r.edx & (BIT(9) | BIT(12) | BIT(16)));   /* APIC, MTRR, PAT */
}

static void test_leaf1_topology_and_empty_host(void **state)
{
    (void)state;
    vcpu.id = 3;
    assert_int_equal(q(1, 0).ebx >> 24, 6);             /* initial APIC id = vcpu id * 2 */
    assert_int_equal((q(1, 0).ebx >> 16) & 0xFF, 1);
    sim_cpuid_set(1, 0, 0x00830F10U, 0x00000800U, 0, 0);
    assert_regs(q(1, 0), 0x00830F10U, 0x06010800U,
                CPUID1_ECX_HYPERVISOR | CPUID1_ECX_X2APIC | CPUID1_ECX_TSC_DEADLINE, 0);
    vcpu.id = 200;                                      /* ids wrap within the 8-bit field */
    assert_int_equal(q(1, 0).ebx >> 24, (200 % 128) * 2);
}

static void test_leaf2_and_leaf4(void **state)
{
    (void)state;
    sim_cpuid_set(2, 0, 0x00665B5AU, 0x000000F0U, 0, 0x00C30000U);
    assert_regs(q(2, 0), 0x00665B5AU, 0x000000F0U, 0, 0x00C30000U);
    /* Leaf 4: subleaves pass, the sharing and core counts do not. */
    sim_cpuid_set(4, 1, 0xFC004122U, 0x01C0003FU, 0x3FU, 1);
    assert_regs(q(4, 1), 0x00000122U, 0x01C0003FU, 0x3FU, 1);
    assert_regs(q(4, 0), 0x00003FFFU, ONES, ONES, ONES);
    assert_zero(q(4, 2));       /* the host has no subleaf 2: the null cache type */
}

static void test_leaf7(void **state)
{
    struct hal_cpuid r;

    (void)state;
    r = q(7, 0);
    assert_int_equal(r.eax, 0);          /* no subleaf beyond 0 */
    assert_int_equal(r.ebx, BIT(0) | BIT(3) | BIT(6) | BIT(7) | BIT(8) | BIT(9) | BIT(10) | BIT(13) |
                            BIT(18) | BIT(19) | BIT(20) | BIT(23) | BIT(24) | BIT(29));
    assert_int_equal(r.ecx, BIT(2));
    assert_int_equal(r.edx, BIT(4));
    assert_false(r.ebx & (BIT(4) | BIT(11)));     /* HLE, RTM */
    assert_false(r.ebx & (BIT(5) | BIT(16)));     /* AVX2, AVX512F */
    assert_false(r.ebx & BIT(1));                 /* TSC_ADJUST */
    assert_false(r.ecx & BIT(16));                /* LA57 */
    assert_false(r.edx & (BIT(26) | BIT(29)));    /* IBRS/IBPB, ARCH_CAPABILITIES */
    assert_zero(q(7, 1));
    assert_zero(q(7, 0x12345));
}

static void test_empty_basic_leaves(void **state)
{
    static const uint32_t leaves[] = { 3, 5, 6, 8, 9, 0xA, 0xB, 0xC, 0xD };

    (void)state;
    for (size_t i = 0; i < HV_ARRAY_SIZE(leaves); i++)
        assert_zero(q(leaves[i], 0));
    assert_zero(q(0xD, 1));
    assert_zero(q(0xE, 0));          /* above the cap of 0xd */
    assert_zero(q(0x10, 0));
    assert_zero(q(0x3FFFFFFFU, 0));
    assert_zero(q(0x20000000U, 0));  /* no other leaf ranges */
    assert_zero(q(0xC0000000U, 0));
    assert_zero(q(0x80860000U, 0));
}

/* ---- extended leaves ------------------------------------------------------------ */

static void test_ext_max_and_features(void **state)
{
    struct hal_cpuid r;

    (void)state;
    r = q(0x80000000U, 0);
    assert_regs(r, CPUID_POLICY_MAX_EXT, 0x68747541U, 0x444D4163U, 0x69746E65U);
    r = q(0x80000001U, 0);
    assert_int_equal(r.eax, ONES);
    assert_int_equal(r.ebx, ONES);
    assert_int_equal(r.ecx, BIT(0) | BIT(5) | BIT(6) | BIT(7) | BIT(8));
    assert_int_equal(r.edx, 0xE7D3BB7FU);
    assert_false(r.ecx & BIT(2));                        /* SVM */
    assert_false(r.ecx & BIT(1));                        /* CMP_LEGACY */
    assert_false(r.ecx & BIT(22));                       /* TOPOEXT */
    assert_false(r.edx & BIT(27));                       /* RDTSCP */
    assert_true(r.edx & (CPUID_EXT1_EDX_SYSCALL | CPUID_EXT1_EDX_NX | CPUID_EXT1_EDX_LM |
                         CPUID_EXT1_EDX_FFXSR | BIT(26)));   /* ... and 1 GiB pages */
    for (uint32_t l = 0x80000002U; l <= 0x80000006U; l++)
        assert_regs(q(l, 0), ONES, ONES, ONES, ONES);
    assert_regs(q(0x80000007U, 0), 0, 0, 0, BIT(8));
    assert_zero(q(0x8000000AU, 0));                      /* SVM features */
    assert_zero(q(0x8000001EU, 0));
    assert_zero(q(0x8000001FU, 0));
    assert_zero(q(0x80000020U, 0));
    assert_zero(q(0x8FFFFFFFU, 0));
    assert_zero(q(0xFFFFFFFFU, 0));
}

static void test_ext_address_sizes(void **state)
{
    (void)state;
    sim_cpuid_set(0x80000008U, 0, 0x00003934U | 0x00300000U, ONES, ONES, ONES);   /* 52 / 57 */
    assert_regs(q(0x80000008U, 0), 0x00003030U, 0, 0, 0);
    assert_int_equal(cpuid_policy_maxphyaddr(), 48);
    sim_cpuid_set(0x80000008U, 0, 0x00003028U, 0, 0x0000F00FU, 0);               /* 40 / 48 */
    assert_regs(q(0x80000008U, 0), 0x00003028U, 0, 0, 0);
    assert_int_equal(cpuid_policy_maxphyaddr(), 40);
    sim_cpuid_set(0x80000008U, 0, 0x00003014U, 0, 0, 0);                         /* bogus 20 */
    assert_int_equal(cpuid_policy_maxphyaddr(), CPUID_POLICY_ADDR_BITS_DEFAULT);
}

static void test_ext_short_host(void **state)
{
    (void)state;
    sim_cpuid_set(0x80000000U, 0, 0x80000004U, 0, 0, 0);
    assert_int_equal(q(0x80000000U, 0).eax, 0x80000004U);
    assert_regs(q(0x80000004U, 0), ONES, ONES, ONES, ONES);
    assert_zero(q(0x80000006U, 0));
    assert_zero(q(0x80000007U, 0));
    assert_zero(q(0x80000008U, 0));
    assert_int_equal(cpuid_policy_maxphyaddr(), CPUID_POLICY_ADDR_BITS_DEFAULT);
    /* A host whose 0x80000000 is not an extended-leaf count has none at all. */
    sim_cpuid_set(0x80000000U, 0, 0x0000000DU, 0, 0, 0);
    assert_zero(q(0x80000000U, 0));
    assert_zero(q(0x80000001U, 0));
}

/* ---- Xen leaves ------------------------------------------------------------------- */

static void test_xen_signature_and_version(void **state)
{
    struct hal_cpuid r;
    char sig[13];

    (void)state;
    r = q(XEN_CPUID_BASE, 0);
    assert_int_equal(r.eax, XEN_CPUID_BASE + 5);
    memcpy(sig, &r.ebx, 4);
    memcpy(sig + 4, &r.ecx, 4);
    memcpy(sig + 8, &r.edx, 4);
    sig[12] = '\0';
    assert_string_equal(sig, "XenVMMXenVMM");
    assert_regs(q(XEN_CPUID_BASE + 1, 0),
                (uint32_t)XENOLITH_VERSION_MAJOR << 16 | XENOLITH_VERSION_MINOR, 0, 0, 0);
    assert_regs(q(XEN_CPUID_BASE + 2, 0), 1, XEN_MSR_HYPERCALL_PAGE, 0, 0);
    assert_regs(q(XEN_CPUID_BASE + 2, 5), 1, XEN_MSR_HYPERCALL_PAGE, 0, 0);   /* no subleaves */
}

static void test_xen_time_leaf(void **state)
{
    (void)state;
    /* The simulated TSC runs at 1 GHz: 1e6 kHz; the scale (<< 1) * 2^31 >> 32 is 1:1. */
    assert_regs(q(XEN_CPUID_BASE + 3, 0), XEN_CPUID_HOST_TSC_RELIABLE,
                XEN_CPUID_TSC_MODE_NEVER_EMULATE, 1000000, 0);
    assert_regs(q(XEN_CPUID_BASE + 3, 1), 0, 0, 0x80000000U, 1);
    assert_int_equal(q(XEN_CPUID_BASE + 3, 1).ecx, guest_time_scale_for(hal_tsc_hz()).mul);
    assert_regs(q(XEN_CPUID_BASE + 3, 2), 1000000, 0, 0, 0);
    assert_zero(q(XEN_CPUID_BASE + 3, 3));
    /* Without an invariant TSC the host TSC is not reliable: default mode. */
    sim_cpuid_set(0x80000007U, 0, ONES, ONES, ONES, ~BIT(8));
    assert_regs(q(XEN_CPUID_BASE + 3, 0), 0, XEN_CPUID_TSC_MODE_DEFAULT, 1000000, 0);
    sim_cpuid_set(0x80000000U, 0, 0x80000006U, 0, 0, 0);
    sim_cpuid_set(0x80000007U, 0, ONES, ONES, ONES, ONES);   /* beyond the host's highest */
    assert_regs(q(XEN_CPUID_BASE + 3, 0), 0, XEN_CPUID_TSC_MODE_DEFAULT, 1000000, 0);
}

static void test_xen_hvm_leaf(void **state)
{
    (void)state;
    vcpu.id = 0;
    assert_regs(q(XEN_CPUID_BASE + 4, 0),
                XEN_HVM_CPUID_VCPU_ID_PRESENT | XEN_HVM_CPUID_DOMID_PRESENT, 0, 7, 0);
    assert_int_equal(XEN_HVM_CPUID_VCPU_ID_PRESENT | XEN_HVM_CPUID_DOMID_PRESENT, 0x18);
    vcpu.id = 5;
    dom.id = 0x7FEF;
    assert_regs(q(XEN_CPUID_BASE + 4, 0), 0x18, 5, 0x7FEF, 0);
    cpuid_policy_set_upcall_vector(true);
    assert_true(cpuid_policy_upcall_vector);
    assert_regs(q(XEN_CPUID_BASE + 4, 0), 0x18 | XEN_HVM_CPUID_UPCALL_VECTOR, 5, 0x7FEF, 0);
    assert_int_equal(XEN_HVM_CPUID_UPCALL_VECTOR, 0x40);
    assert_zero(q(XEN_CPUID_BASE + 4, 1));
    cpuid_policy_set_upcall_vector(false);
    assert_int_equal(q(XEN_CPUID_BASE + 4, 0).eax, 0x18);
}

static void test_xen_range_elsewhere_is_empty(void **state)
{
    unsigned found = 0;

    (void)state;
    assert_zero(q(XEN_CPUID_BASE + 5, 0));
    assert_zero(q(XEN_CPUID_BASE + 6, 0));
    assert_zero(q(XEN_CPUID_BASE + 0xFF, 0));
    assert_zero(q(0x40000100U, 0));
    assert_zero(q(0x40000102U, 0));
    assert_zero(q(0x4FFFFFFFU, 0));
    /* The way guests look for Xen: every 0x100 leaves, the signature in EBX/ECX/EDX. */
    for (uint32_t base = 0x40000000U; base < 0x40010000U; base += 0x100) {
        struct hal_cpuid r = q(base, 0);
        if (r.ebx == XEN_CPUID_SIGNATURE_EBX && r.ecx == XEN_CPUID_SIGNATURE_ECX &&
            r.edx == XEN_CPUID_SIGNATURE_EDX) {
            assert_int_equal(base, XEN_CPUID_BASE);
            assert_true(r.eax - base >= 2);
            found++;
        }
    }
    assert_int_equal(found, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_leaf0_caps_highest_leaf, setup),
        cmocka_unit_test_setup(test_leaf1_filters_features, setup),
        cmocka_unit_test_setup(test_leaf1_topology_and_empty_host, setup),
        cmocka_unit_test_setup(test_leaf2_and_leaf4, setup),
        cmocka_unit_test_setup(test_leaf7, setup),
        cmocka_unit_test_setup(test_empty_basic_leaves, setup),
        cmocka_unit_test_setup(test_ext_max_and_features, setup),
        cmocka_unit_test_setup(test_ext_address_sizes, setup),
        cmocka_unit_test_setup(test_ext_short_host, setup),
        cmocka_unit_test_setup(test_xen_signature_and_version, setup),
        cmocka_unit_test_setup(test_xen_time_leaf, setup),
        cmocka_unit_test_setup(test_xen_hvm_leaf, setup),
        cmocka_unit_test_setup(test_xen_range_elsewhere_is_empty, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
