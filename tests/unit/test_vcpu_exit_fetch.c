// SPDX-License-Identifier: GPL-2.0-only
/*
 * The instruction fetch of the exit dispatcher (vcpu_exit.c) in a 64-bit
 * guest with 4-level paging, when the vendor gives no instruction length:
 * the fetch hints (hv/vcpu.h) a vCPU keeps so that the next exit at a page
 * skips the guest walk must never change what an exit does.  Each test fills
 * a hint, changes what its walk depended on (CR3, a guest page-table entry,
 * an accessed bit, the p2m under a table or under the code, the paging
 * mode, CPL, SMAP/AC), and checks that the next exit sees the guest as it
 * is now.  Also: the plain encodings the dispatcher recognises without the
 * decoder are what insn_decode makes of them in every mode.
 *
 * Layout (tests/unit/test_hc_fixture.h): PML4 gfn 1 -> PDPT gfn 2 -> PD gfn 3
 * -> PT gfn 4, linear FX_LIN(n) -> gfn 16 + n; the entries are written
 * without accessed bits, so the first exit at a page sets them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_hc_fixture.h"
#include "hv/insn.h"
#include "hv/sched.h"

#define DOMID     FX_DOMU
#define CODE_OFF  0x10U
#define PTE_A     (1ULL << 5)
#define PT_GPA    0x4000ULL               /* the level-1 table */
#define PD_GPA    0x3000ULL
#define PML4_GPA  0x1000ULL
/* A second tree for the CR3 test: PML4 gfn 5 -> PDPT gfn 6 -> PD gfn 7 -> PT gfn 8. */
#define CR3_B     0x5000ULL

static const uint8_t vmmcall[] = { 0x0F, 0x01, 0xD9 };
static const uint8_t cpuid[] = { 0x0F, 0xA2 };

static struct vcpu *v;
static struct domain *d;

static int setup(void **state)
{
    (void)state;
    fx_machine();
    sim_cpuid_set(0, 0, 0x10, 0x68747541U, 0x444D4163U, 0x69746E65U);
    v = fx_domain(DOMID, 0, FX_LONG);
    d = v->domain;
    return 0;
}

static uint64_t get64(uint64_t gpa)
{
    uint64_t x;

    memcpy(&x, fx_gpa(d, gpa), sizeof(x));
    return x;
}

/* The leaf entry of fixture page n. */
static uint64_t pte_gpa(unsigned n)
{
    return PT_GPA + n * 8U;
}

static unsigned nr_hints(void)
{
    unsigned n = 0;

    for (unsigned i = 0; i < VCPU_FETCH_HINTS; i++)
        n += v->fetch_hint[i].valid ? 1U : 0U;
    return n;
}

/* One exit at rip, no instruction length from the vendor. */
static void exit_at(enum vmexit_reason r, uint64_t rip)
{
    struct vmexit e = { .reason = r, .vendor_code = 0x999 };

    v->regs.rip = rip;
    v->regs.rax = r == VMEXIT_HYPERCALL ? HYPERVISOR_xen_version : 0;
    v->regs.rdi = XENVER_version;
    v->regs.rcx = 0;
    vcpu_handle_exit(v, &e);
}

static void assert_handled(uint64_t rip, unsigned len)
{
    assert_int_equal(d->guest.state, DOMAIN_RUNNING);
    assert_int_equal(v->regs.rip, rip + len);
}

static void assert_crashed(const char *words)
{
    assert_int_equal(d->guest.state, DOMAIN_CRASHED);
    if (strstr(d->guest.crash_msg, words) == NULL)
        fail_msg("crash message \"%s\" lacks \"%s\"", d->guest.crash_msg, words);
}

/* Exits at the code page until a hint for it is there (the first sets the A bits). */
static uint64_t warm(const uint8_t *insn, size_t len, enum vmexit_reason r)
{
    uint64_t rip = FX_LIN(0) + CODE_OFF;

    fx_put(v, 0, CODE_OFF, insn, len);
    for (unsigned i = 0; i < 3; i++) {
        exit_at(r, rip);
        assert_handled(rip, (unsigned)len);
    }
    assert_int_equal(nr_hints(), 1);
    return rip;
}

static void test_hint_kept_and_results_unchanged(void **state)
{
    uint64_t rip;

    (void)state;
    /* The first exit at the page found the accessed bits clear and set them. */
    fx_put(v, 0, CODE_OFF, vmmcall, sizeof(vmmcall));
    exit_at(VMEXIT_HYPERCALL, FX_LIN(0) + CODE_OFF);
    assert_true((get64(PML4_GPA) & PTE_A) != 0);
    assert_true((get64(pte_gpa(0)) & PTE_A) != 0);
    rip = warm(vmmcall, sizeof(vmmcall), VMEXIT_HYPERCALL);
    assert_int_equal(v->regs.rax, (XENOLITH_VERSION_MAJOR << 16) | XENOLITH_VERSION_MINOR);
    assert_int_equal(v->fetch_hint[0].nr, 4);
    assert_int_equal(v->fetch_hint[0].page, FX_LIN(0));
    assert_int_equal(v->fetch_hint[0].data_gpa, fx_page_gpa(0));
    /* New bytes in the same page are read, not remembered. */
    fx_put(v, 0, CODE_OFF, cpuid, sizeof(cpuid));
    exit_at(VMEXIT_CPUID, rip);
    assert_handled(rip, 2);
    exit_at(VMEXIT_HYPERCALL, rip);
    assert_crashed("changed under its exit");
}

/* A walk from another CR3 leads the same linear page elsewhere. */
static void test_cr3_change(void **state)
{
    uint64_t rip;

    (void)state;
    rip = warm(vmmcall, sizeof(vmmcall), VMEXIT_HYPERCALL);
    fx_put64(d, CR3_B, 0x6000 | 0x27);
    fx_put64(d, 0x6000, 0x7000 | 0x27);
    fx_put64(d, 0x7000 + 2 * 8, 0x8000 | 0x27);
    fx_put64(d, 0x8000, fx_page_gpa(1) | 0x27);     /* FX_LIN(0) -> page 1 */
    fx_put(v, 1, CODE_OFF, cpuid, sizeof(cpuid));
    v->state.paging.cr3 = CR3_B;
    exit_at(VMEXIT_CPUID, rip);
    assert_handled(rip, 2);
    v->state.paging.cr3 = PML4_GPA;
    exit_at(VMEXIT_CPUID, rip);
    assert_crashed("changed under its exit");
}

/* The guest points its PTE elsewhere (accessed bit set: the walk writes nothing). */
static void test_pte_rewritten(void **state)
{
    uint64_t rip;

    (void)state;
    rip = warm(vmmcall, sizeof(vmmcall), VMEXIT_HYPERCALL);
    fx_put(v, 2, CODE_OFF, cpuid, sizeof(cpuid));
    fx_put64(d, pte_gpa(0), fx_page_gpa(2) | 7 | PTE_A);
    exit_at(VMEXIT_CPUID, rip);
    assert_handled(rip, 2);
    /* ... or marks it not present: the fetch fails. */
    fx_put64(d, pte_gpa(0), 0);
    exit_at(VMEXIT_CPUID, rip);
    assert_crashed("cannot read the instruction");
}

/* A cleared accessed bit, in the leaf or above, is set again by the next exit. */
static void test_accessed_bit_cleared(void **state)
{
    uint64_t rip;

    (void)state;
    rip = warm(vmmcall, sizeof(vmmcall), VMEXIT_HYPERCALL);
    fx_put64(d, pte_gpa(0), get64(pte_gpa(0)) & ~PTE_A);
    exit_at(VMEXIT_HYPERCALL, rip);
    assert_handled(rip, 3);
    assert_true((get64(pte_gpa(0)) & PTE_A) != 0);
    fx_put64(d, PD_GPA + 2 * 8, get64(PD_GPA + 2 * 8) & ~PTE_A);
    fx_put64(d, PML4_GPA, get64(PML4_GPA) & ~PTE_A);
    exit_at(VMEXIT_HYPERCALL, rip);
    assert_handled(rip, 3);
    assert_true((get64(PD_GPA + 2 * 8) & PTE_A) != 0);
    assert_true((get64(PML4_GPA) & PTE_A) != 0);
}

/* The p2m loses the code page, or gives its gfn another frame. */
static void test_p2m_code_page(void **state)
{
    uint64_t rip;

    (void)state;
    rip = warm(cpuid, sizeof(cpuid), VMEXIT_CPUID);
    assert_int_equal(domain_unmap(DOMID, FX_PAGE_GFN, P2M_ORDER_4K), 0);
    assert_int_equal(domain_populate(DOMID, FX_PAGE_GFN, 1, P2M_ORDER_4K), 0);
    fx_put(v, 0, CODE_OFF, vmmcall, sizeof(vmmcall));          /* into the new frame */
    exit_at(VMEXIT_HYPERCALL, rip);
    assert_handled(rip, 3);
    assert_int_equal(domain_unmap(DOMID, FX_PAGE_GFN, P2M_ORDER_4K), 0);
    exit_at(VMEXIT_HYPERCALL, rip);
    assert_crashed("cannot read the instruction");
}

/* The p2m loses a page-table page, or gives it another (empty) frame. */
static void test_p2m_table_page(void **state)
{
    uint64_t rip;

    (void)state;
    rip = warm(cpuid, sizeof(cpuid), VMEXIT_CPUID);
    assert_int_equal(domain_unmap(DOMID, PT_GPA >> PAGE_SHIFT, P2M_ORDER_4K), 0);
    exit_at(VMEXIT_CPUID, rip);
    assert_crashed("cannot read the instruction");
}

static void test_p2m_table_page_replaced(void **state)
{
    uint64_t rip;

    (void)state;
    rip = warm(cpuid, sizeof(cpuid), VMEXIT_CPUID);
    assert_int_equal(domain_unmap(DOMID, PD_GPA >> PAGE_SHIFT, P2M_ORDER_4K), 0);
    assert_int_equal(domain_populate(DOMID, PD_GPA >> PAGE_SHIFT, 1, P2M_ORDER_4K), 0);
    exit_at(VMEXIT_CPUID, rip);                                /* a zeroed PD: not present */
    assert_crashed("cannot read the instruction");
}

/* Paging off: the linear address is physical (beyond RAM here). */
static void test_paging_turned_off(void **state)
{
    uint64_t rip;

    (void)state;
    rip = warm(cpuid, sizeof(cpuid), VMEXIT_CPUID);
    v->state.paging.cr0 &= ~GW_CR0_PG;
    v->state.paging.efer &= ~GW_EFER_LMA;
    v->state.cs_mode = VCPU_CS_32;
    exit_at(VMEXIT_CPUID, rip);
    assert_crashed("cannot read the instruction");
}

/* The same walk at CPL 3 meets a supervisor-only page. */
static void test_cpl_change(void **state)
{
    uint64_t rip = FX_LIN(3) + CODE_OFF;

    (void)state;
    fx_put64(d, pte_gpa(3), fx_page_gpa(3) | 3 | PTE_A);      /* U/S clear */
    fx_put(v, 3, CODE_OFF, cpuid, sizeof(cpuid));
    for (unsigned i = 0; i < 3; i++) {
        exit_at(VMEXIT_CPUID, rip);
        assert_handled(rip, 2);
    }
    assert_int_equal(nr_hints(), 1);
    v->state.paging.cpl = 3;
    exit_at(VMEXIT_CPUID, rip);
    assert_crashed("cannot read the instruction");
}

/* SMAP: a supervisor read of a user page needs rflags.AC; the hint keeps AC apart. */
static void test_smap_and_ac(void **state)
{
    uint64_t rip;

    (void)state;
    v->state.paging.cr4 |= GW_CR4_SMAP;
    v->state.paging.rflags = GW_RFLAGS_AC | 0x246;
    rip = warm(cpuid, sizeof(cpuid), VMEXIT_CPUID);
    v->state.paging.rflags = GW_RFLAGS_AC | 0x2;               /* other flags: the same walk */
    exit_at(VMEXIT_CPUID, rip);
    assert_handled(rip, 2);
    v->state.paging.rflags = 0x2;
    exit_at(VMEXIT_CPUID, rip);
    assert_crashed("cannot read the instruction");
}

static void test_cr4_change(void **state)
{
    uint64_t rip;

    (void)state;
    rip = warm(cpuid, sizeof(cpuid), VMEXIT_CPUID);
    v->state.paging.cr4 |= GW_CR4_SMAP;                        /* fixture pages are user pages */
    exit_at(VMEXIT_CPUID, rip);
    assert_crashed("cannot read the instruction");
}

/* A 2 MiB leaf: three entries in the walk; its PDE changes too. */
static void test_large_page(void **state)
{
    uint64_t rip = 0x40000000ULL + 0xA000 + CODE_OFF;          /* PDPT index 1, gpa 0xa000 */

    (void)state;
    fx_put64(d, 0x2000 + 8, 0x9000 | 7);                        /* PDPT[1] -> PD gfn 9 */
    fx_put64(d, 0x9000, 0x0ULL | 0x87);                         /* 2 MiB at gpa 0 */
    assert_int_equal(copy_to_guest_phys(&d->p2m, 0xA000 + CODE_OFF, cpuid, sizeof(cpuid)), 0);
    for (unsigned i = 0; i < 3; i++) {
        exit_at(VMEXIT_CPUID, rip);
        assert_handled(rip, 2);
    }
    assert_int_equal(v->fetch_hint[0].nr, 3);
    assert_int_equal(v->fetch_hint[0].data_gpa, 0xA000);
    /* The guest's RAM is 2 MiB: the large page moved to 0x200000 is not RAM. */
    fx_put64(d, 0x9000, 0x200000ULL | 0x87 | PTE_A);
    exit_at(VMEXIT_CPUID, rip);
    assert_crashed("cannot read the instruction");
}

/* Several pages keep their own hints; the oldest makes room; all stay right. */
static void test_many_pages(void **state)
{
    (void)state;
    for (unsigned n = 0; n < 6; n++) {
        if (n % 2 == 0)
            fx_put(v, n, CODE_OFF, cpuid, sizeof(cpuid));
        else
            fx_put(v, n, CODE_OFF, vmmcall, sizeof(vmmcall));
    }
    for (unsigned round = 0; round < 3; round++)
        for (unsigned n = 0; n < 6; n++) {
            uint64_t rip = FX_LIN(n) + CODE_OFF;

            exit_at(n % 2 == 0 ? VMEXIT_CPUID : VMEXIT_HYPERCALL, rip);
            assert_handled(rip, n % 2 == 0 ? 2U : 3U);
        }
    assert_int_equal(nr_hints(), VCPU_FETCH_HINTS);
    /* Page 5's hint is among the newest: its new bytes are what the next exit sees. */
    fx_put(v, 5, CODE_OFF, cpuid, sizeof(cpuid));
    exit_at(VMEXIT_HYPERCALL, FX_LIN(5) + CODE_OFF);
    assert_crashed("changed under its exit");
}

/* Instructions across a page end: no hint; the second page is read too. */
static void test_page_crossing(void **state)
{
    uint64_t rip = FX_LIN(1) - 1;

    (void)state;
    fx_put(v, 0, PAGE_SIZE - 1, vmmcall, sizeof(vmmcall));     /* runs into page 1 */
    for (unsigned i = 0; i < 3; i++) {
        exit_at(VMEXIT_HYPERCALL, rip);
        assert_handled(rip, 3);
    }
    assert_int_equal(nr_hints(), 0);
    /* Near the end of the last mapped page, the rest is a hole: the first page's part only. */
    rip = FX_LIN(FX_PAGES) - 2;
    fx_put(v, FX_PAGES - 1, PAGE_SIZE - 2, cpuid, sizeof(cpuid));
    exit_at(VMEXIT_CPUID, rip);
    assert_handled(rip, 2);
    fx_put(v, FX_PAGES - 1, PAGE_SIZE - 2, vmmcall, 2);
    exit_at(VMEXIT_HYPERCALL, rip);
    assert_crashed("cannot decode");
}

/* The plain encodings the dispatcher recognises: insn_decode agrees in every mode. */
static void test_plain_encodings_agree(void **state)
{
    static const struct { uint8_t b[3]; unsigned len; enum insn_kind kind; } plain[] = {
        { { 0x0F, 0x01, 0xD9 }, 3, INSN_VMMCALL }, { { 0x0F, 0xA2 }, 2, INSN_CPUID },
        { { 0x0F, 0x32 }, 2, INSN_RDMSR },         { { 0x0F, 0x30 }, 2, INSN_WRMSR },
        { { 0xF4 }, 1, INSN_HLT },
    };
    static const enum vcpu_cs_mode modes[] = { VCPU_CS_16, VCPU_CS_32, VCPU_CS_64 };

    (void)state;
    for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
        for (size_t m = 0; m < 3; m++)
            for (unsigned fill = 0; fill < 256; fill += 51) {
                uint8_t bytes[15];
                struct insn in;

                memset(bytes, (int)fill, sizeof(bytes));
                memcpy(bytes, plain[i].b, plain[i].len);
                assert_int_equal(insn_decode(bytes, sizeof(bytes), modes[m], &in), 0);
                assert_int_equal(in.kind, plain[i].kind);
                assert_int_equal(in.len, plain[i].len);
            }
}

/* A prefixed form is not plain: it goes through the decoder, with its length. */
static void test_prefixed_form_decoded(void **state)
{
    static const uint8_t seg_cpuid[] = { 0x2E, 0x0F, 0xA2 };
    uint64_t rip = FX_LIN(0) + CODE_OFF;
    struct insn in;

    (void)state;
    fx_put(v, 0, CODE_OFF, seg_cpuid, sizeof(seg_cpuid));
    if (insn_decode(seg_cpuid, sizeof(seg_cpuid), VCPU_CS_64, &in) == 0) {
        assert_int_equal(in.kind, INSN_CPUID);
        exit_at(VMEXIT_CPUID, rip);
        assert_handled(rip, in.len);
    } else {
        exit_at(VMEXIT_CPUID, rip);
        assert_crashed("cannot decode");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_hint_kept_and_results_unchanged, setup),
        cmocka_unit_test_setup(test_cr3_change, setup),
        cmocka_unit_test_setup(test_pte_rewritten, setup),
        cmocka_unit_test_setup(test_accessed_bit_cleared, setup),
        cmocka_unit_test_setup(test_p2m_code_page, setup),
        cmocka_unit_test_setup(test_p2m_table_page, setup),
        cmocka_unit_test_setup(test_p2m_table_page_replaced, setup),
        cmocka_unit_test_setup(test_paging_turned_off, setup),
        cmocka_unit_test_setup(test_cpl_change, setup),
        cmocka_unit_test_setup(test_smap_and_ac, setup),
        cmocka_unit_test_setup(test_cr4_change, setup),
        cmocka_unit_test_setup(test_large_page, setup),
        cmocka_unit_test_setup(test_many_pages, setup),
        cmocka_unit_test_setup(test_page_crossing, setup),
        cmocka_unit_test_setup(test_plain_encodings_agree, setup),
        cmocka_unit_test_setup(test_prefixed_form_decoded, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
