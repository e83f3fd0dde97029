// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the hypercall entry: register conventions of 64-bit and
 * 32-bit callers, result truncation, CPL checks, unknown numbers, the
 * statistics counter, preemption (rip and argument registers), and the
 * generated table (lookup, declared results, target-domain rules), the
 * argument copies and the little-endian field accessors of ABI records.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_hc_fixture.h"

static int setup(void **state)
{
    (void)state;
    fx_machine();
    return 0;
}

static void test_version_64(void **state)
{
    struct vcpu *v;
    (void)state;

    v = fx_domain(FX_DOMU, 0, FX_LONG);
    assert_int_equal(FX_CALL2(v, HYPERVISOR_xen_version, XENVER_version, 0),
                     (XENOLITH_VERSION_MAJOR << 16) | XENOLITH_VERSION_MINOR);
    assert_int_equal(v->regs.rip, FX_RIP);
    assert_int_equal(v->hypercalls, 1);
}

static void test_unknown_numbers(void **state)
{
    static const uint64_t nrs[] = { 0, 1, 7, 15, 23, 33, 35, 36, 99, 127, 128, 0xFFFF,
                                    0x100000011ULL, ~0ULL };
    struct vcpu *v;
    (void)state;

    v = fx_domain(FX_DOMU, 0, FX_LONG);
    for (size_t i = 0; i < HV_ARRAY_SIZE(nrs); i++) {
        assert_int_equal(FX_CALL2(v, nrs[i], 0, 0), -XEN_ENOSYS);
        assert_null(hypercall_table_lookup(nrs[i]));
    }
    assert_int_equal(v->hypercalls, HV_ARRAY_SIZE(nrs));
}

/* A 64-bit caller's rax is the whole number; a 32-bit caller's only eax. */
static void test_number_width(void **state)
{
    struct vcpu *v64, *v32;
    (void)state;

    v64 = fx_domain(FX_DOMU, 0, FX_LONG);
    v32 = fx_domain(2, 0, FX_FLAT32);
    assert_int_equal(FX_CALL2(v64, 0xDEAD00000000ULL | HYPERVISOR_xen_version, XENVER_version, 0),
                     -XEN_ENOSYS);
    v32->regs.rax = 0xDEAD000000000000ULL | HYPERVISOR_xen_version;
    v32->regs.rbx = 0xFFFFFFFF00000000ULL | XENVER_pagesize;   /* upper halves ignored */
    v32->regs.rcx = 0xFFFFFFFF00000000ULL;                     /* a null handle in ecx */
    hypercall_dispatch(v32);
    /* eax gets the result; the upper half of rax stays as it was. */
    assert_int_equal(v32->regs.rax, 0xDEAD000000000000ULL | PAGE_SIZE);
}

static void test_negative_result_truncated_for_32bit(void **state)
{
    struct vcpu *v;
    (void)state;

    v = fx_domain(FX_DOMU, 0, FX_FLAT32);
    v->regs.rax = 0x1234567800000000ULL | 99;
    hypercall_dispatch(v);
    assert_int_equal(v->regs.rax, 0x12345678FFFFFFDAULL);    /* eax = -ENOSYS */
    v = fx_domain(2, 0, FX_LONG);
    v->regs.rax = 99;
    hypercall_dispatch(v);
    assert_int_equal(v->regs.rax, (uint64_t)-XEN_ENOSYS);
}

/* The 32-bit convention: cmd ebx, count ecx, buffer edx. */
static void test_registers_32bit(void **state)
{
    struct vcpu *v;
    (void)state;

    v = fx_domain(FX_DOMU, 0, FX_FLAT32);
    fx_put(v, 3, 0, "abc\n", 4);
    v->regs.rax = HYPERVISOR_console_io;
    v->regs.rbx = CONSOLEIO_write;
    v->regs.rcx = 0xAAAAAAAA00000004ULL;
    v->regs.rdx = 0x5555555500000000ULL | fx_addr(v, 3, 0);
    v->regs.rdi = 77;   /* not an argument of console_io */
    hypercall_dispatch(v);
    assert_int_equal((uint32_t)v->regs.rax, 0);
    assert_string_equal(sim_serial_output(), "(d1) abc\n");
}

/* The 64-bit convention: cmd rdi, count rsi, buffer rdx; int arguments are 32 bits. */
static void test_registers_64bit(void **state)
{
    struct vcpu *v;
    (void)state;

    v = fx_domain(FX_DOMU, 0, FX_LONG);
    fx_put(v, 3, 0, "xyz\n", 4);
    assert_int_equal(FX_CALL3(v, HYPERVISOR_console_io, 0x100000000ULL | CONSOLEIO_write,
                              0x700000004ULL, fx_addr(v, 3, 0)), 0);
    assert_string_equal(sim_serial_output(), "(d1) xyz\n");
}

static void test_cpl_checked(void **state)
{
    struct vcpu *v;
    (void)state;

    for (uint8_t cpl = 1; cpl <= 3; cpl++) {
        v = fx_domain((domid_t)(FX_DOMU + cpl), 0, cpl == 2 ? FX_FLAT32 : FX_LONG);
        v->state.paging.cpl = cpl;
        assert_int_equal(FX_CALL2(v, HYPERVISOR_xen_version, XENVER_version, 0), -XEN_EPERM);
        /* Even an unknown number: the privilege check comes first. */
        assert_int_equal(FX_CALL2(v, 99, 0, 0), -XEN_EPERM);
        assert_int_equal(v->hypercalls, 2);
    }
    /* Real mode has no privilege level: nothing to refuse. */
    v = fx_domain(9, 0, FX_FLAT32);
    v->state.paging.cr0 = 0;
    v->state.paging.cpl = 3;
    assert_int_equal(FX_CALL2(v, HYPERVISOR_xen_version, XENVER_pagesize, 0), PAGE_SIZE);
}

/* A preempted call leaves rax alone, rewinds rip onto the instruction, updates the arguments. */
static void test_continuation_64(void **state)
{
    struct vcpu *v;
    uint64_t buf;
    int rounds = 0;
    (void)state;

    v = fx_domain(FX_DOMU, 0, FX_LONG);
    for (unsigned n = 0; n < 4; n++)
        fx_fill(v, n, (uint8_t)('a' + n));
    buf = fx_addr(v, 0, 0);
    v->regs.rax = HYPERVISOR_console_io;
    v->regs.rdi = CONSOLEIO_write;
    v->regs.rsi = 4 * PAGE_SIZE;
    v->regs.rdx = buf;
    v->regs.rip = FX_RIP;
    for (;;) {
        hypercall_dispatch(v);
        if (v->regs.rip == FX_RIP)
            break;
        rounds++;
        assert_int_equal(v->regs.rip, FX_RIP - 3);
        assert_int_equal(v->regs.rax, HYPERVISOR_console_io);
        assert_int_equal(v->regs.rdi, CONSOLEIO_write);
        assert_int_equal(v->regs.rsi, 4 * PAGE_SIZE - (uint64_t)rounds * 2048);
        assert_int_equal(v->regs.rdx, buf + (uint64_t)rounds * 2048);
        v->regs.rip = FX_RIP;     /* the guest executes the instruction again */
    }
    assert_int_equal(v->regs.rax, 0);
    assert_int_equal(rounds, 7);
    assert_int_equal(v->hypercalls, 8);
}

static void test_continuation_32(void **state)
{
    struct vcpu *v;
    (void)state;

    v = fx_domain(FX_DOMU, 0, FX_FLAT32);
    fx_fill(v, 0, 'q');
    v->regs.rax = 0xABCD000000000000ULL | HYPERVISOR_console_io;
    v->regs.rbx = CONSOLEIO_write;
    v->regs.rcx = 0x1111111100000000ULL | 3000;
    v->regs.rdx = 0x2222222200000000ULL | fx_addr(v, 0, 0);
    v->regs.rip = 0x10003;
    hypercall_dispatch(v);
    assert_int_equal(v->regs.rip, 0x10000);
    assert_int_equal(v->regs.rax, 0xABCD000000000000ULL | HYPERVISOR_console_io);
    assert_int_equal(v->regs.rcx, 0x1111111100000000ULL | (3000 - 2048));
    assert_int_equal(v->regs.rdx, 0x2222222200000000ULL | (fx_addr(v, 0, 0) + 2048));
    /* rip wraps within 32 bits. */
    v->regs.rip = 1;
    v->regs.rcx = 3000;
    v->regs.rdx = fx_addr(v, 0, 0);
    hypercall_dispatch(v);
    assert_int_equal(v->regs.rip, 0xFFFFFFFEULL);
    v->state.cs_mode = VCPU_CS_16;
    v->regs.rip = 1;
    v->regs.rcx = 3000;
    v->regs.rdx = fx_addr(v, 0, 0);
    hypercall_dispatch(v);
    assert_int_equal(v->regs.rip, 0xFFFEULL);
}

static void test_set_arg_beyond_five_ignored(void **state)
{
    struct vcpu *v;
    struct vcpu_regs before;
    (void)state;

    v = fx_domain(FX_DOMU, 0, FX_LONG);
    before = v->regs;
    hypercall_set_arg(v, 5, 123);
    assert_memory_equal(&before, &v->regs, sizeof(before));
    hypercall_set_arg(v, 3, 0xFFFFFFFFFFULL);
    assert_int_equal(v->regs.r10, 0xFFFFFFFFFFULL);
    hypercall_set_arg(v, 4, 9);
    assert_int_equal(v->regs.r8, 9);
    v->state.cs_mode = VCPU_CS_32;
    v->regs.rsi = 0x7700000000000000ULL;
    hypercall_set_arg(v, 3, 0xFFFFFFFFFFULL);
    assert_int_equal(v->regs.rsi, 0x77000000FFFFFFFFULL);
    hypercall_set_arg(v, 4, 5);
    assert_int_equal(v->regs.rdi, 5);
}

static void test_table_facts(void **state)
{
    (void)state;
    for (unsigned i = 0; i < HYPERCALL_TABLE_SIZE; i++) {
        const struct hypercall_info *h = &hypercall_info_table[i];

        assert_ptr_equal(hypercall_table_lookup(h->nr), h);
        assert_true(h->nr < XEN_NR_HYPERCALLS);
        assert_true(h->nr_args <= HYPERCALL_NR_ARGS);
        if (i > 0)
            assert_true(hypercall_info_table[i - 1].nr < h->nr);
        assert_true(hypercall_result_declared(h, 0));
        assert_true(hypercall_result_declared(h, 0x7FFFFFFFFFFFLL));
        assert_false(hypercall_result_declared(h, -200));
        assert_false(hypercall_result_declared(h, INT64_MIN));
    }
    assert_string_equal(hypercall_table_lookup(HYPERVISOR_memory_op)->name, "memory_op");
    {
        static const uint64_t args[HYPERCALL_NR_ARGS];
        struct vcpu *v = fx_domain(FX_DOMU, 0, FX_LONG);

        assert_int_equal(hypercall_table_call(v, 99, args), -XEN_ENOSYS);
        assert_int_equal(hypercall_table_call(v, HYPERVISOR_xen_version, args),
                         (XENOLITH_VERSION_MAJOR << 16) | XENOLITH_VERSION_MINOR);
    }
    assert_true(hypercall_result_declared(hypercall_table_lookup(HYPERVISOR_console_io),
                                          -XEN_ERESTART));
    assert_false(hypercall_result_declared(hypercall_table_lookup(HYPERVISOR_xen_version),
                                           -XEN_ENOMEM));
    assert_true(hypercall_result_declared(hypercall_table_lookup(HYPERVISOR_vcpu_op),
                                          -XEN_ETIME));
}

static void test_target_domain(void **state)
{
    struct vcpu *u, *z;
    int rc = 0;
    (void)state;

    z = fx_domain(FX_DOM0, SIF_PRIVILEGED | SIF_INITDOMAIN, FX_LONG);
    u = fx_domain(FX_DOMU, 0, FX_LONG);
    assert_ptr_equal(hypercall_target_domain(u, DOMID_SELF, &rc), u->domain);
    assert_ptr_equal(hypercall_target_domain(u, FX_DOMU, &rc), u->domain);
    assert_null(hypercall_target_domain(u, FX_DOM0, &rc));
    assert_int_equal(rc, -XEN_EPERM);
    assert_null(hypercall_target_domain(u, 5, &rc));
    assert_int_equal(rc, -XEN_ESRCH);
    assert_null(hypercall_target_domain(u, DOMID_XEN, &rc));
    assert_int_equal(rc, -XEN_ESRCH);
    assert_ptr_equal(hypercall_target_domain(z, FX_DOMU, &rc), u->domain);
    assert_null(hypercall_target_domain(z, 6, &rc));
    assert_int_equal(rc, -XEN_ESRCH);
    assert_true(hypercall_compat(fx_domain(4, 0, FX_FLAT32)));
    assert_false(hypercall_compat(z));
}

/* Fields of a record held as bytes: little-endian, any byte value, neighbours untouched. */
static void test_record_bytes(void **state)
{
    static const unsigned char raw[16] = { 0x01, 0x80, 0xFF, 0x7F, 0x00, 0xFE, 0x81, 0x10,
                                           0xAA, 0x55, 0xC3, 0x3C, 0x99, 0x66, 0xF0, 0x0F };
    char buf[16];
    uint64_t u64;
    uint32_t u32;
    uint16_t u16;
    (void)state;

    memcpy(buf, raw, sizeof(buf));
    for (size_t off = 0; off + 8 <= sizeof(buf); off++) {
        memcpy(&u64, raw + off, 8);
        memcpy(&u32, raw + off, 4);
        memcpy(&u16, raw + off, 2);
        assert_int_equal(hypercall_get_u64(buf, off), u64);
        assert_int_equal(hypercall_get_u32(buf, off), u32);
        assert_int_equal(hypercall_get_u16(buf, off), u16);
        assert_int_equal(hypercall_get_u8(buf, off), raw[off]);
    }
    memset(buf, 0x5A, sizeof(buf));
    hypercall_put_u32(buf, 3, 0xFF8001FEU);
    assert_int_equal(hypercall_get_u32(buf, 3), 0xFF8001FEU);
    assert_int_equal((unsigned char)buf[3], 0xFE);
    assert_int_equal((unsigned char)buf[6], 0xFF);
    assert_int_equal((unsigned char)buf[2], 0x5A);
    assert_int_equal((unsigned char)buf[7], 0x5A);
    hypercall_put_u64(buf, 7, 0x8877665544332211ULL);
    u64 = 0x8877665544332211ULL;
    assert_memory_equal(buf + 7, &u64, 8);
    assert_int_equal(hypercall_get_u64(buf, 7), 0x8877665544332211ULL);
    assert_int_equal((unsigned char)buf[15], 0x5A);
    assert_int_equal(hypercall_get_u32(buf, 3), 0xFF8001FEU);
    hypercall_put_u64(buf, 0, ~0ULL);
    assert_int_equal(hypercall_get_u64(buf, 0), ~0ULL);
    hypercall_put_u32(buf, 0, 0);
    assert_int_equal(hypercall_get_u64(buf, 0), 0xFFFFFFFF00000000ULL);
}

/* The argument copies: all or nothing, -EFAULT for a bad address, nothing else. */
static void test_arg_copies(void **state)
{
    static char big[GUEST_COPY_MAX + 1];
    struct vcpu *v;
    char buf[32], seen[32], tmp[8];
    (void)state;

    for (int m = 0; m < 2; m++) {
        fx_machine();
        v = fx_domain(FX_DOMU, 0, m == 0 ? FX_LONG : FX_FLAT32);
        for (size_t i = 0; i < sizeof(buf); i++)
            buf[i] = (char)(0x80 + i);
        assert_int_equal(hypercall_arg_write(v, fx_addr(v, 5, PAGE_SIZE - 8), buf, sizeof(buf)), 0);
        fx_get(v, 5, PAGE_SIZE - 8, seen, sizeof(seen));     /* crosses into page 6 */
        assert_memory_equal(seen, buf, sizeof(buf));
        memset(seen, 0, sizeof(seen));
        assert_int_equal(hypercall_arg_read(v, fx_addr(v, 5, PAGE_SIZE - 8), seen, sizeof(seen)), 0);
        assert_memory_equal(seen, buf, sizeof(buf));
        /* A read that faults anywhere leaves the buffer alone. */
        memset(seen, 0x33, sizeof(seen));
        assert_int_equal(hypercall_arg_read(v, fx_addr(v, FX_HOLE, 0) - 8, seen, sizeof(seen)),
                         -XEN_EFAULT);
        for (size_t i = 0; i < sizeof(seen); i++)
            assert_int_equal(seen[i], 0x33);
        /* Writes: nothing reaches a read-only page, nor the page before a hole. */
        fx_fill(v, FX_RO, 0x11);
        assert_int_equal(hypercall_arg_write(v, fx_addr(v, FX_RO, 0), buf, 8), -XEN_EFAULT);
        fx_fill(v, FX_HOLE - 1, 0x22);
        assert_int_equal(hypercall_arg_write(v, fx_addr(v, FX_HOLE, 0) - 4, buf, 8), -XEN_EFAULT);
        fx_get(v, FX_HOLE - 1, PAGE_SIZE - 4, seen, 4);
        for (size_t i = 0; i < 4; i++)
            assert_int_equal(seen[i], 0x22);
        /* In/out: readable but not writable is -EFAULT. */
        assert_int_equal(hypercall_arg_read_inout(v, fx_addr(v, FX_RO, 0), tmp, 8), -XEN_EFAULT);
        assert_int_equal(hypercall_arg_read_inout(v, fx_addr(v, 5, PAGE_SIZE - 8), seen, 16), 0);
        assert_memory_equal(seen, buf, 16);
        /* Too long for one copy. */
        assert_int_equal(hypercall_arg_write(v, fx_addr(v, 5, 0), big, sizeof(big)), -XEN_EFAULT);
        assert_int_equal(hypercall_arg_read(v, fx_addr(v, 5, 0), big, sizeof(big)), -XEN_EFAULT);
        /* By guest-physical address: RAM yes, the hole and read-only RAM no. */
        assert_int_equal(hypercall_phys_write(v->domain, fx_page_gpa(7) + 100, buf, 8), 0);
        fx_get(v, 7, 100, seen, 8);
        assert_memory_equal(seen, buf, 8);
        assert_int_equal(hypercall_phys_write(v->domain, fx_page_gpa(FX_HOLE), buf, 8),
                         -XEN_EFAULT);
        assert_int_equal(hypercall_phys_write(v->domain, fx_page_gpa(FX_RO), buf, 8), -XEN_EFAULT);
        assert_true(fx_invariants());
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_version_64, setup),
        cmocka_unit_test_setup(test_unknown_numbers, setup),
        cmocka_unit_test_setup(test_number_width, setup),
        cmocka_unit_test_setup(test_negative_result_truncated_for_32bit, setup),
        cmocka_unit_test_setup(test_registers_32bit, setup),
        cmocka_unit_test_setup(test_registers_64bit, setup),
        cmocka_unit_test_setup(test_cpl_checked, setup),
        cmocka_unit_test_setup(test_continuation_64, setup),
        cmocka_unit_test_setup(test_continuation_32, setup),
        cmocka_unit_test_setup(test_set_arg_beyond_five_ignored, setup),
        cmocka_unit_test_setup(test_table_facts, setup),
        cmocka_unit_test_setup(test_target_domain, setup),
        cmocka_unit_test_setup(test_record_bytes, setup),
        cmocka_unit_test_setup(test_arg_copies, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
