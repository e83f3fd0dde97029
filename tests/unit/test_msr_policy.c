// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the guest MSR policy: each emulated MSR read and written,
 * every #GP case (and that a refused write changes nothing), the EFER bits
 * following the guest's CPUID, the hypercall page as the guest finds it in
 * its RAM (and every way the MSR write can fail), the page builder for both
 * vendors' instructions, unknown MSRs logged once, and the pass-through list.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hv/console.h"
#include "hv/cpuid_policy.h"
#include "hv/guest_copy.h"
#include "hv/msr_policy.h"
#include "sim.h"
#include "xen/errno.h"

#define NR     512U
#define FIRST  16U
#define DOMID  3
#define RAM_PAGES 16U
#define CR0_PG (1ULL << 31)
#define EXT1_EDX_ALL (CPUID_EXT1_EDX_SYSCALL | CPUID_EXT1_EDX_NX | CPUID_EXT1_EDX_FFXSR | \
                      CPUID_EXT1_EDX_LM)

static struct frame_desc table[NR];
static struct domain *d;
static struct vcpu *v;
static uint8_t guest_page[PAGE_SIZE];

static void host_ext1_edx(uint32_t edx)
{
    sim_cpuid_set(0x80000000U, 0, 0x80000008U, 0, 0, 0);
    sim_cpuid_set(0x80000001U, 0, 0, 0, 0, edx);
}

static int setup(void **state)
{
    (void)state;
    sim_reset(NR);
    console_init();
    console_set_threshold(LOG_ALL);
    assert_int_equal(frame_init(table, sizeof(table), NR), 0);
    assert_int_equal(frame_add_free(FIRST, NR - FIRST), 0);
    domain_table_reset();
    assert_int_equal(domain_create(DOMID, 64, PTE_FORMAT_NPT), 0);
    assert_int_equal(domain_populate(DOMID, 0, RAM_PAGES, 0), 0);
    d = domain_find(DOMID);
    v = &d->guest.vcpus[0];
    *v = (struct vcpu){ .domain = d, .id = 0 };
    v->state.pat = MSR_PAT_RESET;
    msr_policy_vcpu_init(v);
    host_ext1_edx(EXT1_EDX_ALL);
    sim_serial_clear();
    return 0;
}

static uint64_t rd(uint32_t msr)
{
    uint64_t val = 0xDEADBEEFULL;

    assert_int_equal(msr_policy_read(v, msr, &val), 0);
    return val;
}

static void assert_read_gp(uint32_t msr)
{
    uint64_t val = 0x1234;

    assert_int_equal(msr_policy_read(v, msr, &val), -1);
}

/* A refused write: #GP, and neither the state nor the dirty flag moved. */
static void assert_write_gp(uint32_t msr, uint64_t val)
{
    struct vcpu before;

    v->state_dirty = false;
    memcpy(&before, v, sizeof(before));
    assert_int_equal(msr_policy_write(v, msr, val), -1);
    assert_memory_equal(&before, v, sizeof(before));
}

static unsigned count(const char *hay, const char *needle)
{
    unsigned n = 0;

    for (const char *p = strstr(hay, needle); p != NULL; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* ---- EFER ---------------------------------------------------------------- */

static void test_efer_read_write(void **state)
{
    (void)state;
    v->state.paging.efer = 0;
    assert_int_equal(rd(MSR_EFER), 0);
    v->state_dirty = false;
    assert_int_equal(msr_policy_write(v, MSR_EFER, MSR_EFER_SCE | MSR_EFER_LME | MSR_EFER_NXE), 0);
    assert_true(v->state_dirty);
    assert_int_equal(v->state.paging.efer, MSR_EFER_SCE | MSR_EFER_LME | MSR_EFER_NXE);
    assert_int_equal(rd(MSR_EFER), MSR_EFER_SCE | MSR_EFER_LME | MSR_EFER_NXE);
    assert_int_equal(msr_policy_write(v, MSR_EFER, MSR_EFER_FFXSR), 0);
    assert_int_equal(v->state.paging.efer, MSR_EFER_FFXSR);
    assert_int_equal(msr_policy_write(v, MSR_EFER, 0), 0);
    assert_int_equal(v->state.paging.efer, 0);
}

static void test_efer_reserved_and_svme(void **state)
{
    static const uint64_t bad[] = {
        MSR_EFER_SVME, MSR_EFER_SVME | MSR_EFER_LME, 1ULL << 1, 1ULL << 9, 1ULL << 13 /* LMSLE */,
        1ULL << 15 /* TCE */, 1ULL << 16, 1ULL << 21, 1ULL << 32, 1ULL << 63,
    };

    (void)state;
    v->state.paging.efer = MSR_EFER_NXE;
    for (size_t i = 0; i < HV_ARRAY_SIZE(bad); i++)
        assert_write_gp(MSR_EFER, bad[i]);
    assert_int_equal(v->state.paging.efer, MSR_EFER_NXE);
}

static void test_efer_follows_guest_cpuid(void **state)
{
    (void)state;
    v->state.paging.efer = 0;
    host_ext1_edx(EXT1_EDX_ALL & ~CPUID_EXT1_EDX_NX);
    assert_write_gp(MSR_EFER, MSR_EFER_NXE);
    host_ext1_edx(EXT1_EDX_ALL & ~CPUID_EXT1_EDX_LM);
    assert_write_gp(MSR_EFER, MSR_EFER_LME);
    host_ext1_edx(EXT1_EDX_ALL & ~CPUID_EXT1_EDX_SYSCALL);
    assert_write_gp(MSR_EFER, MSR_EFER_SCE);
    host_ext1_edx(EXT1_EDX_ALL & ~CPUID_EXT1_EDX_FFXSR);
    assert_write_gp(MSR_EFER, MSR_EFER_FFXSR);
    assert_int_equal(msr_policy_write(v, MSR_EFER, MSR_EFER_NXE | MSR_EFER_LME | MSR_EFER_SCE), 0);
    /* No extended leaves at all: only zero (and LMA, ignored) can be written. */
    sim_cpuid_set(0x80000000U, 0, 0, 0, 0, 0);
    assert_write_gp(MSR_EFER, MSR_EFER_NXE);
    assert_int_equal(msr_policy_write(v, MSR_EFER, 0), 0);
}

static void test_efer_lme_with_paging(void **state)
{
    (void)state;
    v->state.paging.cr0 = CR0_PG | 1;
    v->state.paging.efer = 0;
    assert_write_gp(MSR_EFER, MSR_EFER_LME);                   /* set while paging: #GP */
    v->state.paging.efer = MSR_EFER_LME | MSR_EFER_LMA;
    assert_write_gp(MSR_EFER, MSR_EFER_LMA);                   /* clear while paging: #GP */
    assert_write_gp(MSR_EFER, 0);
    /* Other bits may change while paging, LME unchanged. */
    assert_int_equal(msr_policy_write(v, MSR_EFER, MSR_EFER_LME | MSR_EFER_NXE), 0);
    assert_int_equal(v->state.paging.efer, MSR_EFER_LME | MSR_EFER_LMA | MSR_EFER_NXE);
    /* Paging off: LME may change. */
    v->state.paging.cr0 = 1;
    v->state.paging.efer = MSR_EFER_LME;
    assert_int_equal(msr_policy_write(v, MSR_EFER, 0), 0);
    assert_int_equal(v->state.paging.efer, 0);
}

static void test_efer_lma_is_read_only(void **state)
{
    (void)state;
    v->state.paging.efer = 0;
    assert_int_equal(msr_policy_write(v, MSR_EFER, MSR_EFER_LMA | MSR_EFER_SCE), 0);
    assert_int_equal(v->state.paging.efer, MSR_EFER_SCE);      /* LMA stays clear */
    v->state.paging.cr0 = CR0_PG | 1;
    v->state.paging.efer = MSR_EFER_LME | MSR_EFER_LMA;
    assert_int_equal(msr_policy_write(v, MSR_EFER, MSR_EFER_LME | MSR_EFER_SCE), 0);
    assert_int_equal(v->state.paging.efer, MSR_EFER_LME | MSR_EFER_LMA | MSR_EFER_SCE);
}

/* ---- APIC_BASE, PAT, MTRRs, MISC_ENABLE, TSC ------------------------------------ */

static void test_apic_base(void **state)
{
    (void)state;
    assert_int_equal(rd(MSR_IA32_APIC_BASE), 0xFEE00900ULL);
    assert_int_equal(msr_policy_write(v, MSR_IA32_APIC_BASE, 0xFEE00900ULL), 0);
    assert_write_gp(MSR_IA32_APIC_BASE, 0xFEE00100ULL);                 /* disable */
    assert_write_gp(MSR_IA32_APIC_BASE, 0xFEE00D00ULL);                 /* x2APIC mode */
    assert_write_gp(MSR_IA32_APIC_BASE, 0xFED00900ULL);                 /* relocate */
    assert_write_gp(MSR_IA32_APIC_BASE, 0xFEE00800ULL);                 /* BSP flag */
    v->id = 1;
    assert_int_equal(rd(MSR_IA32_APIC_BASE), 0xFEE00800ULL);            /* not the BSP */
    assert_write_gp(MSR_IA32_APIC_BASE, 0xFEE00900ULL);
}

static void test_pat(void **state)
{
    static const uint8_t bad_types[] = { 2, 3, 8, 0x10, 0x80, 0xFF };

    (void)state;
    assert_int_equal(rd(MSR_IA32_PAT), MSR_PAT_RESET);
    v->state_dirty = false;
    assert_int_equal(msr_policy_write(v, MSR_IA32_PAT, 0x0706050401000706ULL), 0);
    assert_true(v->state_dirty);
    assert_int_equal(v->state.pat, 0x0706050401000706ULL);
    assert_int_equal(rd(MSR_IA32_PAT), 0x0706050401000706ULL);
    for (unsigned byte = 0; byte < 8; byte++)
        for (size_t i = 0; i < sizeof(bad_types); i++)
            assert_write_gp(MSR_IA32_PAT, (MSR_PAT_RESET & ~(0xFFULL << (byte * 8))) |
                                              ((uint64_t)bad_types[i] << (byte * 8)));
    assert_int_equal(v->state.pat, 0x0706050401000706ULL);
}

static void test_mtrr(void **state)
{
    static const uint64_t bad[] = { 2, 3, 7, 0xFF, 0x806ULL | (1ULL << 8), 0x806ULL | (1ULL << 9),
                                    0x806ULL | (1ULL << 12), 0x806ULL | (1ULL << 63) };
    uint64_t val;
    struct vcpu stray = { .domain = d, .id = DOMAIN_MAX_VCPUS };

    (void)state;
    assert_int_equal(rd(MSR_IA32_MTRRCAP), 0);
    assert_write_gp(MSR_IA32_MTRRCAP, 0);
    /* C1E control reads as "off" and cannot be changed. */
    assert_int_equal(rd(MSR_AMD_INT_PENDING_MSG), 0);
    assert_write_gp(MSR_AMD_INT_PENDING_MSG, 0);
    assert_write_gp(MSR_AMD_INT_PENDING_MSG, 1ULL << 27);
    assert_int_equal(rd(MSR_IA32_MTRR_DEF_TYPE), MSR_MTRR_DEF_TYPE_RESET);
    assert_int_equal(MSR_MTRR_DEF_TYPE_RESET, 0x806);
    /* What an OS does around a cache-attribute change: off, then back on. */
    assert_int_equal(msr_policy_write(v, MSR_IA32_MTRR_DEF_TYPE, 0), 0);
    assert_int_equal(rd(MSR_IA32_MTRR_DEF_TYPE), 0);
    assert_int_equal(msr_policy_write(v, MSR_IA32_MTRR_DEF_TYPE, 0xC05), 0);
    assert_int_equal(rd(MSR_IA32_MTRR_DEF_TYPE), 0xC05);
    for (size_t i = 0; i < HV_ARRAY_SIZE(bad); i++) {
        assert_int_equal(msr_policy_write(v, MSR_IA32_MTRR_DEF_TYPE, bad[i]), -1);
        assert_int_equal(rd(MSR_IA32_MTRR_DEF_TYPE), 0xC05);
    }
    for (uint64_t t = 0; t <= 6; t++)
        if (t != 2 && t != 3)
            assert_int_equal(msr_policy_write(v, MSR_IA32_MTRR_DEF_TYPE, 0x800 | t), 0);
    /* A new vCPU starts from the reset value. */
    msr_policy_vcpu_init(v);
    assert_int_equal(rd(MSR_IA32_MTRR_DEF_TYPE), 0x806);
    /* A vCPU with no storage slot gets #GP rather than someone else's value. */
    assert_int_equal(msr_policy_read(&stray, MSR_IA32_MTRR_DEF_TYPE, &val), -1);
    assert_int_equal(msr_policy_write(&stray, MSR_IA32_MTRR_DEF_TYPE, 0x806), -1);
    msr_policy_vcpu_init(&stray);    /* nothing to reset, nothing written */
    assert_int_equal(rd(MSR_IA32_MTRR_DEF_TYPE), 0x806);
}

static void test_mtrr_per_domain(void **state)
{
    struct domain *d2;
    struct vcpu *v2;
    uint64_t val;

    (void)state;
    assert_int_equal(domain_create(DOMID + 1, 16, PTE_FORMAT_NPT), 0);
    d2 = domain_find(DOMID + 1);
    v2 = &d2->guest.vcpus[0];
    *v2 = (struct vcpu){ .domain = d2, .id = 0 };
    msr_policy_vcpu_init(v2);
    assert_int_equal(msr_policy_write(v, MSR_IA32_MTRR_DEF_TYPE, 0), 0);
    assert_int_equal(msr_policy_read(v2, MSR_IA32_MTRR_DEF_TYPE, &val), 0);
    assert_int_equal(val, 0x806);
}

static void test_misc_enable(void **state)
{
    (void)state;
    assert_int_equal(rd(MSR_IA32_MISC_ENABLE), MSR_MISC_ENABLE_VALUE);
    assert_true(rd(MSR_IA32_MISC_ENABLE) & 1);               /* fast strings */
    assert_false(rd(MSR_IA32_MISC_ENABLE) & (1ULL << 18));   /* MONITOR/MWAIT */
    assert_int_equal(msr_policy_write(v, MSR_IA32_MISC_ENABLE, MSR_MISC_ENABLE_VALUE), 0);
    assert_int_equal(count(sim_serial_output(), "ignored"), 0);
    assert_int_equal(msr_policy_write(v, MSR_IA32_MISC_ENABLE, 0), 0);   /* dropped */
    assert_int_equal(rd(MSR_IA32_MISC_ENABLE), MSR_MISC_ENABLE_VALUE);
    assert_int_equal(count(sim_serial_output(), "ignored"), 1);
}

static void test_tsc(void **state)
{
    uint64_t t0;

    (void)state;
    t0 = rd(MSR_IA32_TSC);
    assert_int_equal(t0, hal_rdtsc());
    sim_clock_advance(12345);
    assert_int_equal(rd(MSR_IA32_TSC), t0 + 12345);
    assert_int_equal(msr_policy_write(v, MSR_IA32_TSC, 0), 0);   /* accepted, no effect */
    assert_int_equal(rd(MSR_IA32_TSC), t0 + 12345);
    assert_non_null(strstr(sim_serial_output(), "ignored"));
}

/* ---- the hypercall page ------------------------------------------------------------ */

static void expected_page(uint8_t *page, const uint8_t insn[3])
{
    memset(page, 0xCC, PAGE_SIZE);
    for (unsigned s = 0; s < 128; s++) {
        uint8_t *p = page + s * 32;
        if (s == 23) {
            p[0] = 0x0F;
            p[1] = 0x0B;
            continue;
        }
        p[0] = 0xB8;
        p[1] = (uint8_t)s;
        p[2] = p[3] = p[4] = 0;
        memcpy(p + 5, insn, 3);
        p[8] = 0xC3;
    }
}

static void test_page_builder_both_vendors(void **state)
{
    static const uint8_t vmmcall[3] = { 0x0F, 0x01, 0xD9 };
    static const uint8_t vmcall[3] = { 0x0F, 0x01, 0xC1 };
    static uint8_t page[HYPERCALL_PAGE_SIZE], want[PAGE_SIZE];

    (void)state;
    hypercall_page_build(page, vmmcall);
    expected_page(want, vmmcall);
    assert_memory_equal(page, want, PAGE_SIZE);
    /* Spot checks spelled out: slot 17 (xen_version) and the iret slot. */
    assert_memory_equal(page + 17 * 32, "\xB8\x11\x00\x00\x00\x0F\x01\xD9\xC3\xCC", 10);
    assert_memory_equal(page + 23 * 32, "\x0F\x0B\xCC\xCC", 4);
    assert_int_equal(page[127 * 32 + 1], 127);
    assert_int_equal(page[4095], 0xCC);
    hypercall_page_build(page, vmcall);
    expected_page(want, vmcall);
    assert_memory_equal(page, want, PAGE_SIZE);
    assert_memory_equal(page + 34 * 32, "\xB8\x22\x00\x00\x00\x0F\x01\xC1\xC3\xCC", 10);
}

static void test_hypercall_page_msr(void **state)
{
    uint8_t insn[3];
    static uint8_t want[PAGE_SIZE];

    (void)state;
    memset(guest_page, 0x77, sizeof(guest_page));
    assert_int_equal(copy_to_guest_phys(&d->p2m, 0x5000, guest_page, PAGE_SIZE), 0);
    assert_int_equal(msr_policy_write(v, XEN_MSR_HYPERCALL_PAGE, 0x5000), 0);
    assert_int_equal(copy_from_guest_phys(&d->p2m, guest_page, 0x5000, PAGE_SIZE), 0);
    vcpu_vendor_hypercall_insn(insn);
    expected_page(want, insn);
    assert_memory_equal(guest_page, want, PAGE_SIZE);
    /* The neighbours are untouched. */
    assert_int_equal(copy_from_guest_phys(&d->p2m, guest_page, 0x4000, PAGE_SIZE), 0);
    for (unsigned i = 0; i < PAGE_SIZE; i++)
        assert_int_equal(guest_page[i], 0);
    /* Reads as zero, whatever was written. */
    assert_int_equal(rd(XEN_MSR_HYPERCALL_PAGE), 0);
}

static void test_hypercall_page_msr_errors(void **state)
{
    static uint8_t zero[PAGE_SIZE];

    (void)state;
    /* Page index other than 0. */
    assert_write_gp(XEN_MSR_HYPERCALL_PAGE, 0x5001);
    assert_write_gp(XEN_MSR_HYPERCALL_PAGE, 0x5FFF);
    /* Not guest RAM: beyond the populated range, or beyond any guest-physical address. */
    assert_write_gp(XEN_MSR_HYPERCALL_PAGE, (uint64_t)RAM_PAGES << PAGE_SHIFT);
    assert_write_gp(XEN_MSR_HYPERCALL_PAGE, 1ULL << 48);
    assert_write_gp(XEN_MSR_HYPERCALL_PAGE, 0xFFFFFFFFFFFFF000ULL);
    /* Read-only guest RAM. */
    assert_int_equal(domain_set_access(DOMID, 6, 0, P2M_ACCESS_R | P2M_ACCESS_X), 0);
    assert_write_gp(XEN_MSR_HYPERCALL_PAGE, 0x6000);
    assert_int_equal(copy_from_guest_phys(&d->p2m, guest_page, 0x6000, PAGE_SIZE), 0);
    assert_memory_equal(guest_page, zero, PAGE_SIZE);
    assert_non_null(strstr(sim_serial_output(), "not writable guest RAM"));
    /* The other MSRs of Xen's range do not exist. */
    assert_read_gp(XEN_MSR_HYPERCALL_PAGE + 1);
    assert_write_gp(XEN_MSR_HYPERCALL_PAGE + 1, 0);
    assert_read_gp(0x40000200U);
}

/* ---- unknown MSRs and the pass-through list ------------------------------------------ */

static void test_unknown_msrs(void **state)
{
    static const uint32_t unknown[] = {
        0x0, 0x3A /* FEATURE_CONTROL */, 0x48 /* SPEC_CTRL */, 0x8B /* microcode */,
        0x179 /* MCG_CAP */, 0x200 /* MTRRphysBase0 */, 0x250 /* MTRRfix64K */, 0x6E0 /* TSC_DEADLINE */,
        0x802 /* x2APIC id */, 0xC0000103U /* TSC_AUX */, 0xC0010114U /* VM_CR */, 0xFFFFFFFFU,
    };

    (void)state;
    for (size_t i = 0; i < HV_ARRAY_SIZE(unknown); i++) {
        assert_read_gp(unknown[i]);
        assert_write_gp(unknown[i], 0);
        assert_write_gp(unknown[i], ~0ULL);
    }
    /* Logged at debug level, once per MSR. */
    assert_int_equal(count(sim_serial_output(), "MSR 0x6e0, which is not emulated"), 1);
    assert_int_equal(count(sim_serial_output(), "read of MSR 0x179"), 1);
    assert_int_equal(count(sim_serial_output(), "write of MSR 0x179"), 0);
    sim_serial_clear();
    assert_read_gp(0x179);
    assert_int_equal(sim_serial_length(), 0);
}

static void test_unknown_log_is_bounded(void **state)
{
    (void)state;
    for (uint32_t msr = 0x1000; msr < 0x1000 + 2 * MSR_POLICY_LOG_SLOTS; msr++)
        assert_read_gp(msr);
    assert_int_equal(msr_policy_state.nr_logged, MSR_POLICY_LOG_SLOTS);
    assert_true(count(sim_serial_output(), "not emulated") <= MSR_POLICY_LOG_SLOTS);
    sim_serial_clear();
    assert_read_gp(0x2000);
    assert_int_equal(sim_serial_length(), 0);
}

static void test_passthrough_list(void **state)
{
    static const uint32_t pass[] = { 0xC0000100U, 0xC0000101U, 0xC0000102U, 0xC0000081U,
                                     0xC0000082U, 0xC0000083U, 0xC0000084U, 0x174, 0x175, 0x176 };
    static const uint32_t trapped[] = { MSR_EFER, MSR_IA32_PAT, MSR_IA32_APIC_BASE, MSR_IA32_TSC,
                                        XEN_MSR_HYPERCALL_PAGE, 0xC0000103U, 0x173, 0x177, 0 };

    (void)state;
    assert_int_equal(MSR_POLICY_NR_PASSTHROUGH, HV_ARRAY_SIZE(pass));
    for (size_t i = 0; i < HV_ARRAY_SIZE(pass); i++) {
        assert_false(msr_policy_intercepted(pass[i]));
        assert_int_equal(msr_policy_passthrough[i], pass[i]);
    }
    for (size_t i = 0; i < HV_ARRAY_SIZE(trapped); i++)
        assert_true(msr_policy_intercepted(trapped[i]));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_efer_read_write, setup),
        cmocka_unit_test_setup(test_efer_reserved_and_svme, setup),
        cmocka_unit_test_setup(test_efer_follows_guest_cpuid, setup),
        cmocka_unit_test_setup(test_efer_lme_with_paging, setup),
        cmocka_unit_test_setup(test_efer_lma_is_read_only, setup),
        cmocka_unit_test_setup(test_apic_base, setup),
        cmocka_unit_test_setup(test_pat, setup),
        cmocka_unit_test_setup(test_mtrr, setup),
        cmocka_unit_test_setup(test_mtrr_per_domain, setup),
        cmocka_unit_test_setup(test_misc_enable, setup),
        cmocka_unit_test_setup(test_tsc, setup),
        cmocka_unit_test_setup(test_page_builder_both_vendors, setup),
        cmocka_unit_test_setup(test_hypercall_page_msr, setup),
        cmocka_unit_test_setup(test_hypercall_page_msr_errors, setup),
        cmocka_unit_test_setup(test_unknown_msrs, setup),
        cmocka_unit_test_setup(test_unknown_log_is_bounded, setup),
        cmocka_unit_test_setup(test_passthrough_list, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
