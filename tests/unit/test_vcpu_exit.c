// SPDX-License-Identifier: GPL-2.0-only
/*
 * The exit dispatcher (vcpu_exit.c) driven by normalized exit records, as
 * the vendor layer produces them: every exit kind, with and without the
 * vendor's instruction length, guest mistakes turned into #GP/#UD, and the
 * cases that crash only the domain.  The guest runs with paging off, so
 * instruction bytes and data sit at their guest-physical addresses.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "hv/guest_copy.h"
#include "hv/insn_alu.h"
#include "hv/sched.h"
#include "hv/vlapic.h"
#include "xen/errno.h"
#include "fixture_machine.h"
#include "sim.h"

#define NR     4096U
#define FIRST  16U
#define ENTRY  0x1000U
#define DOMID  3U

static struct frame_desc table[NR];
static struct domain *d;
static struct vcpu *v;

static int setup(void **state)
{
    (void)state;
    fixture_machine(table, sizeof(table), NR, FIRST);
    v = fixture_one_vcpu(DOMID, 256, ENTRY);    /* 1 MiB of RAM */
    d = v->domain;
    return 0;
}

static void put(uint64_t gpa, const void *bytes, size_t len)
{
    assert_int_equal(copy_to_guest_phys(&d->p2m, gpa, bytes, len), 0);
}

static void code(const void *bytes, size_t len)
{
    put(v->regs.rip, bytes, len);
}

static void dispatch(enum vmexit_reason r, uint64_t qual, uint64_t info, uint32_t len)
{
    struct vmexit e = { .reason = r, .qual = qual, .info = info, .insn_len = len, .vendor_code = 0x999 };

    vcpu_handle_exit(v, &e);
}

static void assert_crashed(const char *words)
{
    assert_int_equal(d->guest.state, DOMAIN_CRASHED);
    if (strstr(d->guest.crash_msg, words) == NULL)
        fail_msg("crash message \"%s\" lacks \"%s\"", d->guest.crash_msg, words);
    assert_int_equal(v->run_state, VCPU_DOWN);
}

static void assert_injected(uint8_t vector)
{
    assert_int_equal(v->inject.type, VCPU_EVENT_EXCEPTION);
    assert_int_equal(v->inject.vector, vector);
}

static void test_hypercall_decoded(void **state)
{
    static const uint8_t vmmcall[] = { 0x0F, 0x01, 0xD9 };

    (void)state;
    code(vmmcall, sizeof(vmmcall));
    v->regs.rax = HYPERVISOR_xen_version;
    v->regs.rbx = XENVER_version;            /* 32-bit guest: first argument in ebx */
    dispatch(VMEXIT_HYPERCALL, 0, 0, 0);
    assert_int_equal(v->regs.rip, ENTRY + 3);
    assert_int_equal(v->regs.rax, (XENOLITH_VERSION_MAJOR << 16) | XENOLITH_VERSION_MINOR);
    assert_int_equal(v->hypercalls, 1);
}

static void test_hypercall_vendor_length(void **state)
{
    (void)state;
    v->regs.rax = HYPERVISOR_xen_version;
    v->regs.rbx = XENVER_version;
    dispatch(VMEXIT_HYPERCALL, 0, 0, 4);     /* with a prefix, say: the vendor knows */
    assert_int_equal(v->regs.rip, ENTRY + 4);
}

static void test_hypercall_bytes_changed(void **state)
{
    static const uint8_t cpuid[] = { 0x0F, 0xA2, 0x90 };

    (void)state;
    code(cpuid, sizeof(cpuid));
    dispatch(VMEXIT_HYPERCALL, 0, 0, 0);
    assert_crashed("changed under its exit");
    assert_int_equal(v->regs.rip, ENTRY);
}

static void test_unreadable_rip(void **state)
{
    (void)state;
    v->regs.rip = 0x800000;                  /* beyond the domain's RAM */
    dispatch(VMEXIT_CPUID, 0, 0, 0);
    assert_crashed("cannot read the instruction");
}

static void test_undecodable(void **state)
{
    static const uint8_t junk[] = { 0x0F, 0xFF, 0xFF, 0xFF };

    (void)state;
    code(junk, sizeof(junk));
    dispatch(VMEXIT_CPUID, 0, 0, 0);
    assert_crashed("cannot decode");
}

static void test_cpuid(void **state)
{
    static const uint8_t cpuid[] = { 0x0F, 0xA2 };

    (void)state;
    code(cpuid, sizeof(cpuid));
    v->regs.rax = XEN_CPUID_BASE;
    v->regs.rcx = 0;
    dispatch(VMEXIT_CPUID, 0, 0, 0);
    assert_int_equal(v->regs.rip, ENTRY + 2);
    assert_int_equal(v->regs.rbx, XEN_CPUID_SIGNATURE_EBX);
    assert_int_equal(v->regs.rcx, XEN_CPUID_SIGNATURE_ECX);
    assert_int_equal(v->regs.rdx, XEN_CPUID_SIGNATURE_EDX);
}

static void test_msrs(void **state)
{
    static const uint8_t rdmsr[] = { 0x0F, 0x32 };
    static const uint8_t wrmsr[] = { 0x0F, 0x30 };

    (void)state;
    code(rdmsr, sizeof(rdmsr));
    v->regs.rcx = 0x12345678;                /* nobody's MSR */
    dispatch(VMEXIT_RDMSR, 0, 0, 0);
    assert_injected(13);
    assert_true(v->inject.has_error_code);
    assert_int_equal(v->regs.rip, ENTRY);    /* a faulting instruction is not skipped */
    v->inject.type = VCPU_EVENT_NONE;
    v->regs.rcx = 0x277;                     /* PAT */
    dispatch(VMEXIT_RDMSR, 0, 0, 0);
    assert_int_equal(v->inject.type, VCPU_EVENT_NONE);
    assert_int_equal(v->regs.rip, ENTRY + 2);
    assert_int_equal(v->regs.rax, 0x00070406U);
    assert_int_equal(v->regs.rdx, 0x00070406U);
    code(wrmsr, sizeof(wrmsr));
    v->regs.rcx = 0x12345678;
    dispatch(VMEXIT_WRMSR, 0, 0, 0);
    assert_injected(13);
    assert_int_equal(v->regs.rip, ENTRY + 2);
    v->inject.type = VCPU_EVENT_NONE;
    v->regs.rcx = 0x277;
    v->regs.rax = 0x06060606;
    v->regs.rdx = 0x06060606;
    dispatch(VMEXIT_WRMSR, 0, 0, 0);
    assert_int_equal(v->inject.type, VCPU_EVENT_NONE);
    assert_int_equal(v->state.pat, 0x0606060606060606ULL);
    assert_true(v->state_dirty);
    assert_int_equal(v->regs.rip, ENTRY + 4);
}

static void test_hlt_blocks(void **state)
{
    static const uint8_t hlt[] = { 0xF4 };

    (void)state;
    code(hlt, sizeof(hlt));
    v->regs.rflags |= VCPU_RFLAGS_IF;
    dispatch(VMEXIT_HLT, 0, 0, 0);
    assert_int_equal(v->run_state, VCPU_BLOCKED);
    assert_int_equal(v->regs.rip, ENTRY + 1);
}

/* cli; hlt: nothing can wake the vCPU; the last one down powers the domain off. */
static void test_hlt_with_interrupts_off_powers_off(void **state)
{
    static const uint8_t hlt[] = { 0xF4 };

    (void)state;
    code(hlt, sizeof(hlt));
    v->regs.rflags &= ~VCPU_RFLAGS_IF;
    dispatch(VMEXIT_HLT, 0, 0, 0);
    assert_int_equal(v->run_state, VCPU_DOWN);
    assert_int_equal(d->guest.state, DOMAIN_SHUTDOWN);
    assert_int_equal(d->guest.shutdown_reason, SHUTDOWN_poweroff);
    assert_non_null(strstr(sim_serial_output(), "halted with interrupts off: powering off"));
}

/* A pending LAPIC interrupt (here the LAPIC timer's) keeps HLT from blocking. */
static void test_hlt_with_lapic_interrupt_pending(void **state)
{
    static const uint8_t hlt[] = { 0xF4 };

    (void)state;
    assert_int_equal(vlapic_msr_write(v, 0x1B, 0xFEE00000ULL | (1U << 11) | (1U << 10) | (1U << 8)), 0);
    assert_int_equal(vlapic_msr_write(v, 0x80F, 0x1FF), 0);         /* SVR: enabled */
    vlapic_set_irq(v, 0x40);
    code(hlt, sizeof(hlt));
    v->regs.rflags |= VCPU_RFLAGS_IF;
    dispatch(VMEXIT_HLT, 0, 0, 0);
    assert_int_equal(v->run_state, VCPU_RUNNABLE);
    assert_int_equal(vlapic_pending_vector(v), 0x40);
}

/* The LAPIC through the exit dispatcher: APIC_BASE, x2APIC MSRs, xAPIC MMIO loads and stores. */
static void test_lapic_msr_and_mmio(void **state)
{
    static const uint8_t rdmsr[] = { 0x0F, 0x32 };
    static const uint8_t ver[] = { 0x8B, 0x05, 0x30, 0x00, 0xE0, 0xFE };   /* mov eax, [0xfee00030] */
    static const uint8_t tpr[] = { 0x89, 0x05, 0x80, 0x00, 0xE0, 0xFE };   /* mov [0xfee00080], eax */
    static const uint8_t tpr_rd[] = { 0x8B, 0x1D, 0x80, 0x00, 0xE0, 0xFE }; /* mov ebx, [0xfee00080] */

    (void)state;
    code(rdmsr, sizeof(rdmsr));
    v->regs.rcx = 0x1B;
    dispatch(VMEXIT_RDMSR, 0, 0, 0);
    assert_int_equal(v->regs.rax, 0xFEE00900ULL);                   /* enabled, BSP, xAPIC */
    assert_int_equal(v->regs.rdx, 0);
    assert_int_equal(v->regs.rip, ENTRY + 2);
    v->regs.rcx = 0x803;                                            /* x2APIC register in xAPIC mode */
    code(rdmsr, sizeof(rdmsr));
    dispatch(VMEXIT_RDMSR, 0, 0, 0);
    assert_injected(13);
    assert_int_equal(v->regs.rip, ENTRY + 2);                       /* not skipped */
    v->inject.type = VCPU_EVENT_NONE;
    v->regs.rip = ENTRY;
    code(ver, sizeof(ver));
    dispatch(VMEXIT_NPF, 0xFEE00030, 0, 0);
    assert_int_equal(v->regs.rax & 0xFF00FF, 0x50014 & 0xFF00FF);
    assert_int_equal(v->regs.rip, ENTRY + 6);
    code(tpr, sizeof(tpr));
    v->regs.rax = 0x20;
    dispatch(VMEXIT_NPF, 0xFEE00080, VMEXIT_NPF_WRITE, 0);
    code(tpr_rd, sizeof(tpr_rd));
    dispatch(VMEXIT_NPF, 0xFEE00080, 0, 0);
    assert_int_equal(v->regs.rbx, 0x20);
    assert_int_equal(d->guest.state, DOMAIN_RUNNING);
}

/* The xAPIC page's other paths: XCHG, accesses the vLAPIC refuses (unbacked then), an undecodable one. */
static void test_lapic_mmio_edges(void **state)
{
    static const uint8_t xchg_tpr[] = { 0x87, 0x04, 0x25, 0x80, 0x00, 0xE0, 0xFE };     /* xchg [TPR], eax */
    static const uint8_t load_end[] = { 0x48, 0x8B, 0x04, 0x25, 0xFC, 0x0F, 0xE0, 0xFE }; /* mov rax, [0xfee00ffc] */
    static const uint8_t store_end[] = { 0x48, 0x89, 0x04, 0x25, 0xFC, 0x0F, 0xE0, 0xFE };
    static const uint8_t ud2[] = { 0x0F, 0x0B };

    (void)state;
    v->state.cs_mode = VCPU_CS_64;
    code(xchg_tpr, sizeof(xchg_tpr));
    v->regs.rax = 0x30;
    dispatch(VMEXIT_NPF, 0xFEE00080, VMEXIT_NPF_WRITE, 0);
    assert_int_equal(v->regs.rax, 0);                                /* TPR was 0 */
    assert_int_equal(v->regs.rip, ENTRY + 7);
    v->regs.rip = ENTRY;
    dispatch(VMEXIT_NPF, 0xFEE00080, VMEXIT_NPF_WRITE, 0);
    assert_int_equal(v->regs.rax, 0x30);                             /* and became 0x30 */
    /* 8 bytes from the page's last 4: the vLAPIC refuses, the access is unbacked MMIO. */
    v->regs.rip = ENTRY;
    code(load_end, sizeof(load_end));
    dispatch(VMEXIT_NPF, 0xFEE00FFC, 0, 0);
    assert_true(v->regs.rax == ~0ULL);
    assert_int_equal(v->regs.rip, ENTRY + 8);
    code(store_end, sizeof(store_end));
    dispatch(VMEXIT_NPF, 0xFEE00FFC, VMEXIT_NPF_WRITE, 0);
    assert_int_equal(v->regs.rip, ENTRY + 16);
    assert_int_equal(d->guest.state, DOMAIN_RUNNING);
    code(ud2, sizeof(ud2));
    dispatch(VMEXIT_NPF, 0xFEE00080, 0, 0);
    assert_crashed("no MMIO emulation for 0f 0b 00 00 00 00 at rip 0x1010 (gpa 0xfee00080)");
}

static uint64_t io(unsigned port, unsigned size, bool in)
{
    return port | ((uint64_t)size << VMEXIT_IO_SIZE_SHIFT) | (in ? VMEXIT_IO_IN : 0);
}

static void test_port_io(void **state)
{
    static const uint8_t inb[] = { 0xE4, 0x60 };

    (void)state;
    v->regs.rax = 0x1111222233334444ULL;
    dispatch(VMEXIT_IO, io(0x60, 1, true), 0, 2);
    assert_int_equal(v->regs.rax, 0x11112222333344FFULL);     /* only al */
    dispatch(VMEXIT_IO, io(0x60, 2, true), 0, 2);
    assert_int_equal(v->regs.rax, 0x111122223333FFFFULL);
    dispatch(VMEXIT_IO, io(0x60, 4, true), 0, 2);
    assert_int_equal(v->regs.rax, 0xFFFFFFFFULL);             /* 32-bit writes zero-extend */
    assert_int_equal(v->regs.rip, ENTRY + 6);
    v->regs.rax = 5;
    dispatch(VMEXIT_IO, io(0x80, 1, false), 0, 1);
    assert_int_equal(v->regs.rax, 5);
    assert_int_equal(v->regs.rip, ENTRY + 7);
    /* No length from the vendor: decoded. */
    v->regs.rip = ENTRY;
    code(inb, sizeof(inb));
    dispatch(VMEXIT_IO, io(0x60, 1, true), 0, 0);
    assert_int_equal(v->regs.rip, ENTRY + 2);
    dispatch(VMEXIT_IO, io(0x60, 3, true), 0, 2);
    assert_crashed("access size 3");
}

static void test_string_io(void **state)
{
    uint8_t buf[8];
    static const uint8_t zero[8];

    (void)state;
    put(0x3000, zero, sizeof(zero));
    v->regs.rdi = 0x3000;
    v->regs.rcx = 3;
    dispatch(VMEXIT_IO, io(0x60, 2, true) | VMEXIT_IO_STRING | VMEXIT_IO_REP, 0, 2);
    assert_int_equal(copy_from_guest_phys(&d->p2m, buf, 0x3000, 8), 0);
    assert_int_equal(buf[0], 0xFF);
    assert_int_equal(buf[5], 0xFF);
    assert_int_equal(buf[6], 0);
    assert_int_equal(v->regs.rdi, 0x3006);
    assert_int_equal(v->regs.rcx, 0);
    assert_int_equal(v->regs.rip, ENTRY + 2);
    /* A long REP is done a page at a time: rip stays until rcx is 0. */
    v->regs.rdi = 0x4000;
    v->regs.rcx = 5000;
    dispatch(VMEXIT_IO, io(0x60, 1, true) | VMEXIT_IO_STRING | VMEXIT_IO_REP, 0, 2);
    assert_int_equal(v->regs.rcx, 5000 - 4096);
    assert_int_equal(v->regs.rip, ENTRY + 2);
    dispatch(VMEXIT_IO, io(0x60, 1, true) | VMEXIT_IO_STRING | VMEXIT_IO_REP, 0, 2);
    assert_int_equal(v->regs.rcx, 0);
    assert_int_equal(v->regs.rdi, 0x4000 + 5000);
    assert_int_equal(v->regs.rip, ENTRY + 4);
    /* OUTS only consumes; INS into memory that is not there is #GP. */
    v->regs.rsi = 0x100;
    dispatch(VMEXIT_IO, io(0x60, 4, false) | VMEXIT_IO_STRING, 0, 1);
    assert_int_equal(v->regs.rsi, 0x104);
    v->regs.rdi = 0x900000;
    dispatch(VMEXIT_IO, io(0x60, 1, true) | VMEXIT_IO_STRING, 0, 1);
    assert_injected(13);
}

static void test_unbacked_mmio(void **state)
{
    static const uint8_t load[] = { 0x8B, 0x05, 0x30, 0x03, 0xD0, 0xFE };    /* mov eax, [0xfed00330] */
    static const uint8_t store[] = { 0x89, 0x05, 0x30, 0x03, 0xD0, 0xFE };   /* mov [0xfed00330], eax */
    static const uint8_t inc[] = { 0xFF, 0x05, 0x30, 0x03, 0xD0, 0xFE };     /* inc dword [..] */
    static const uint8_t cpuid[] = { 0x0F, 0xA2 };

    (void)state;
    code(load, sizeof(load));
    v->regs.rax = 0x1234;
    dispatch(VMEXIT_NPF, 0xFED00330, 0, 0);
    assert_int_equal(v->regs.rax, 0xFFFFFFFFULL);
    assert_int_equal(v->regs.rip, ENTRY + 6);
    code(store, sizeof(store));
    dispatch(VMEXIT_NPF, 0xFED00330, VMEXIT_NPF_WRITE, 0);
    assert_int_equal(v->regs.rip, ENTRY + 12);
    assert_int_equal(d->guest.state, DOMAIN_RUNNING);
    /* Read-modify-write: all-ones + 1 is 0 (ZF, PF, AF); INC keeps CF; the write is dropped. */
    code(inc, sizeof(inc));
    v->regs.rflags = 0x202 | INSN_ALU_CF | INSN_ALU_SF | INSN_ALU_OF;
    dispatch(VMEXIT_NPF, 0xFED00330, VMEXIT_NPF_WRITE, 0);
    assert_int_equal(v->regs.rflags, 0x202 | INSN_ALU_CF | INSN_ALU_ZF | INSN_ALU_PF | INSN_ALU_AF);
    assert_int_equal(v->regs.rip, ENTRY + 18);
    assert_int_equal(v->regs.rax, 0xFFFFFFFFULL);
    assert_int_equal(d->guest.state, DOMAIN_RUNNING);
    /* Not a memory instruction at all (the guest rewrote it?): crash, naming bytes and address. */
    code(cpuid, sizeof(cpuid));
    dispatch(VMEXIT_NPF, 0xFED00330, 0, 0);
    assert_crashed("no MMIO emulation for 0f a2");
    assert_crashed("(gpa 0xfed00330)");
    assert_crashed("at rip 0x1012");
}

/* One unbacked-MMIO exit of the bytes at ENTRY in `mode`; the domain must stay up and rip advance by len. */
static void mmio_exit(enum vcpu_cs_mode mode, const char *hex_bytes, size_t len, uint64_t rflags)
{
    v->state.cs_mode = mode;
    v->regs.rip = ENTRY;
    v->regs.rflags = rflags;
    code(hex_bytes, len);
    dispatch(VMEXIT_NPF, 0xFED00330, VMEXIT_NPF_WRITE, 0);
    assert_int_equal(d->guest.state, DOMAIN_RUNNING);
    assert_int_equal(v->regs.rip, ENTRY + len);
}

#define CF INSN_ALU_CF
#define PF INSN_ALU_PF
#define AF INSN_ALU_AF
#define ZF INSN_ALU_ZF
#define SF INSN_ALU_SF

/*
 * ALU instructions in 32- and 16-bit code on an all-ones operand, results
 * worked out by hand (test_mmio_alu compares 64-bit forms with the CPU).
 */
static void test_unbacked_mmio_alu_legacy_modes(void **state)
{
    (void)state;
    /* lock or dword [0xfed00330], 1: 0xffffffff, SF and PF; logic ops clear CF, OF (and AF) */
    mmio_exit(VCPU_CS_32, "\xF0\x83\x0D\x30\x03\xD0\xFE\x01", 8, 0x202 | CF | AF | ZF);
    assert_int_equal(v->regs.rflags, 0x202 | SF | PF);
    /* cmpxchg [..], ecx, eax unequal: eax gets the memory value (zero-extended), flags of eax - mem */
    v->regs.rax = 0xAAAA000012345678ULL;
    mmio_exit(VCPU_CS_32, "\x0F\xB1\x0D\x30\x03\xD0\xFE", 7, 0x202);
    assert_int_equal(v->regs.rax, 0xFFFFFFFFULL);
    assert_int_equal(v->regs.rflags, 0x202 | CF | AF);
    /* ... and equal: ZF, eax not written (its upper half stays) */
    v->regs.rax = 0xAAAA0000FFFFFFFFULL;
    mmio_exit(VCPU_CS_32, "\x0F\xB1\x0D\x30\x03\xD0\xFE", 7, 0x202 | CF);
    assert_int_equal(v->regs.rax, 0xAAAA0000FFFFFFFFULL);
    assert_int_equal(v->regs.rflags, 0x202 | ZF | PF);
    /* xadd [..], ax with ax 1: the sum wraps to 0; ax gets 0xffff, the rest of rax stays */
    v->regs.rax = 0x1111222233330001ULL;
    mmio_exit(VCPU_CS_32, "\x66\x0F\xC1\x05\x30\x03\xD0\xFE", 8, 0x202);
    assert_int_equal(v->regs.rax, 0x111122223333FFFFULL);
    assert_int_equal(v->regs.rflags, 0x202 | CF | ZF | AF | PF);
    /* bts dword [..], 31: CF is the bit read (1); ZF and the others are kept */
    mmio_exit(VCPU_CS_32, "\x0F\xBA\x2D\x30\x03\xD0\xFE\x1F", 8, 0x202 | ZF);
    assert_int_equal(v->regs.rflags, 0x202 | ZF | CF);
    /* sub ebx, [..]: 5 - 0xffffffff = 6 with a borrow; ebx zero-extended */
    v->regs.rbx = 0x1234567800000005ULL;
    mmio_exit(VCPU_CS_32, "\x2B\x1D\x30\x03\xD0\xFE", 6, 0x202);
    assert_int_equal(v->regs.rbx, 6);
    assert_int_equal(v->regs.rflags, 0x202 | CF | PF | AF);
    /* 16-bit code: add word [0x330], 1 */
    mmio_exit(VCPU_CS_16, "\x83\x06\x30\x03\x01", 5, 0x202);
    assert_int_equal(v->regs.rflags, 0x202 | CF | ZF | AF | PF);
    /* 66: add dword [0x330], -1: 0xfffffffe and a carry */
    mmio_exit(VCPU_CS_16, "\x66\x83\x06\x30\x03\xFF", 6, 0x202);
    assert_int_equal(v->regs.rflags, 0x202 | CF | SF | AF);
    /* test byte [0x330], 0x80 */
    mmio_exit(VCPU_CS_16, "\xF6\x06\x30\x03\x80", 5, 0x202 | CF | ZF);
    assert_int_equal(v->regs.rflags, 0x202 | SF);
    /* neg word [0x330]: 0 - 0xffff = 1, CF (operand not 0), AF */
    mmio_exit(VCPU_CS_16, "\xF7\x1E\x30\x03", 4, 0x202 | ZF);
    assert_int_equal(v->regs.rflags, 0x202 | CF | AF);
    /* dec byte [0x330]: 0xfe; DEC keeps CF */
    mmio_exit(VCPU_CS_16, "\xFE\x0E\x30\x03", 4, 0x202 | CF);
    assert_int_equal(v->regs.rflags, 0x202 | CF | SF);
    /* not word [0x330]: no flag changes, the write is dropped */
    mmio_exit(VCPU_CS_16, "\xF7\x16\x30\x03", 4, 0x202 | 0x8D5);
    assert_int_equal(v->regs.rflags, 0x202 | 0x8D5);
}

/* What is still not emulated crashes the domain, naming the bytes and the address. */
static void test_unbacked_mmio_not_emulated(void **state)
{
    static const uint8_t mul[] = { 0xF6, 0x25, 0x30, 0x03, 0xD0, 0xFE };          /* mul byte [..] */
    static const uint8_t lock_cmp[] = { 0xF0, 0x39, 0x05, 0x30, 0x03, 0xD0, 0xFE };  /* #UD on a CPU */
    static const uint8_t movs[] = { 0xA5 };
    static const uint8_t lapic_or[] = { 0x83, 0x0D, 0x80, 0x00, 0xE0, 0xFE, 0x01 }; /* or dword [TPR], 1 */

    (void)state;
    code(mul, sizeof(mul));
    dispatch(VMEXIT_NPF, 0xFED00330, 0, 0);
    assert_crashed("no MMIO emulation for f6 25 30 03 d0 fe at rip 0x1000 (gpa 0xfed00330)");
    assert_int_equal(v->regs.rip, ENTRY);
    assert_int_equal(setup(NULL), 0);
    code(lock_cmp, sizeof(lock_cmp));
    dispatch(VMEXIT_NPF, 0xFED00330, 0, 0);
    assert_crashed("no MMIO emulation for f0 39 05 30 03 d0");
    assert_int_equal(setup(NULL), 0);
    code(movs, sizeof(movs));
    dispatch(VMEXIT_NPF, 0xFED00330, VMEXIT_NPF_WRITE, 0);
    assert_crashed("no MMIO emulation for a5 ");
    /* On the local APIC page an ALU instruction is not read as all-ones: the domain crashes. */
    assert_int_equal(setup(NULL), 0);
    code(lapic_or, sizeof(lapic_or));
    dispatch(VMEXIT_NPF, 0xFEE00080, VMEXIT_NPF_WRITE, 0);
    assert_crashed("ALU instruction on the xAPIC page at gpa 0xfee00080 not emulated (rip 0x1000)");
    /* An instruction that cannot be read. */
    assert_int_equal(setup(NULL), 0);
    v->regs.rip = 0x800000;
    dispatch(VMEXIT_NPF, 0xFED00330, 0, 0);
    assert_crashed("cannot read the instruction at rip 0x800000 (MMIO at gpa 0xfed00330)");
}

static void test_mmio_xchg_and_movsx(void **state)
{
    static const uint8_t xchg[] = { 0x87, 0x05, 0x30, 0x03, 0xD0, 0xFE };     /* xchg [..], eax */
    static const uint8_t movsx[] = { 0x0F, 0xBE, 0x05, 0x30, 0x03, 0xD0, 0xFE };  /* movsx eax, byte [..] */

    (void)state;
    code(xchg, sizeof(xchg));
    v->regs.rax = 0x1234;
    dispatch(VMEXIT_NPF, 0xFED00330, VMEXIT_NPF_WRITE, 0);
    assert_int_equal(v->regs.rax, 0xFFFFFFFFULL);
    assert_int_equal(v->regs.rip, ENTRY + 6);
    code(movsx, sizeof(movsx));
    v->regs.rax = 0;
    dispatch(VMEXIT_NPF, 0xFED00330, 0, 0);
    assert_int_equal(v->regs.rax, 0xFFFFFFFFULL);    /* 0xff sign-extended to 32 bits */
    assert_int_equal(v->regs.rip, ENTRY + 13);
    assert_int_equal(d->guest.state, DOMAIN_RUNNING);
}

static void test_npf_crashes(void **state)
{
    (void)state;
    dispatch(VMEXIT_NPF, 0x2000, VMEXIT_NPF_PRESENT | VMEXIT_NPF_WRITE, 0);
    assert_crashed("denied by the p2m");
}

static void test_npf_walk_and_fetch(void **state)
{
    (void)state;
    dispatch(VMEXIT_NPF, 0xF0000000, VMEXIT_NPF_WALK, 0);
    assert_crashed("page tables");
    assert_int_equal(setup(NULL), 0);
    dispatch(VMEXIT_NPF, 0xF0000000, VMEXIT_NPF_FETCH, 0);
    assert_crashed("instruction fetch");
}

static void test_vmcall_on_amd(void **state)
{
    static const uint8_t vmcall[] = { 0x0F, 0x01, 0xC1 };
    static const uint8_t ud2[] = { 0x0F, 0x0B };

    (void)state;
    code(vmcall, sizeof(vmcall));
    v->regs.rax = HYPERVISOR_xen_version;
    v->regs.rbx = XENVER_version;
    dispatch(VMEXIT_EXCEPTION, 6, 0, 0);
    assert_int_equal(v->regs.rip, ENTRY + 3);
    assert_int_equal(v->regs.rax, (XENOLITH_VERSION_MAJOR << 16) | XENOLITH_VERSION_MINOR);
    assert_int_equal(v->inject.type, VCPU_EVENT_NONE);
    code(ud2, sizeof(ud2));
    dispatch(VMEXIT_EXCEPTION, 6, 0, 0);
    assert_injected(6);
    assert_false(v->inject.has_error_code);
    assert_int_equal(v->regs.rip, ENTRY + 3);
}

static void test_exception_reflected(void **state)
{
    (void)state;
    dispatch(VMEXIT_EXCEPTION, 14, 0x6, 0);
    assert_injected(14);
    assert_true(v->inject.has_error_code);
    assert_int_equal(v->inject.error_code, 6);
    dispatch(VMEXIT_EXCEPTION, 3, 0, 0);
    assert_injected(3);
    assert_false(v->inject.has_error_code);
}

static void test_fatal_exits(void **state)
{
    (void)state;
    dispatch(VMEXIT_TRIPLE_FAULT, 0, 0, 0);
    assert_crashed("triple fault");
    assert_int_equal(setup(NULL), 0);
    dispatch(VMEXIT_INVALID_STATE, 0, 0, 0);
    assert_crashed("refused the vCPU state");
    assert_int_equal(setup(NULL), 0);
    dispatch(VMEXIT_UNHANDLED, 0, 0, 0);
    assert_crashed("unhandled exit 0x999");
}

static void test_interrupts_do_nothing(void **state)
{
    struct vcpu_regs before = v->regs;

    (void)state;
    dispatch(VMEXIT_INTR, 0, 0, 0);
    dispatch(VMEXIT_NMI, 0, 0, 0);
    assert_memory_equal(&before, &v->regs, sizeof(before));
    assert_int_equal(d->guest.state, DOMAIN_RUNNING);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_hypercall_decoded, setup),
        cmocka_unit_test_setup(test_hypercall_vendor_length, setup),
        cmocka_unit_test_setup(test_hypercall_bytes_changed, setup),
        cmocka_unit_test_setup(test_unreadable_rip, setup),
        cmocka_unit_test_setup(test_undecodable, setup),
        cmocka_unit_test_setup(test_cpuid, setup),
        cmocka_unit_test_setup(test_msrs, setup),
        cmocka_unit_test_setup(test_hlt_blocks, setup),
        cmocka_unit_test_setup(test_hlt_with_interrupts_off_powers_off, setup),
        cmocka_unit_test_setup(test_hlt_with_lapic_interrupt_pending, setup),
        cmocka_unit_test_setup(test_lapic_msr_and_mmio, setup),
        cmocka_unit_test_setup(test_lapic_mmio_edges, setup),
        cmocka_unit_test_setup(test_port_io, setup),
        cmocka_unit_test_setup(test_string_io, setup),
        cmocka_unit_test_setup(test_unbacked_mmio, setup),
        cmocka_unit_test_setup(test_unbacked_mmio_alu_legacy_modes, setup),
        cmocka_unit_test_setup(test_unbacked_mmio_not_emulated, setup),
        cmocka_unit_test_setup(test_mmio_xchg_and_movsx, setup),
        cmocka_unit_test_setup(test_npf_crashes, setup),
        cmocka_unit_test_setup(test_npf_walk_and_fetch, setup),
        cmocka_unit_test_setup(test_vmcall_on_amd, setup),
        cmocka_unit_test_setup(test_exception_reflected, setup),
        cmocka_unit_test_setup(test_fatal_exits, setup),
        cmocka_unit_test_setup(test_interrupts_do_nothing, setup),
    };
    return cmocka_run_group_tests_name("vcpu_exit", tests, NULL, NULL);
}
