// SPDX-License-Identifier: GPL-2.0-only
/*
 * ALU instructions on unbacked MMIO through the exit dispatcher, against
 * the host CPU.  Each encoding (ADD..CMP both ways, group 1 with imm8,
 * imm16/32 and sign-extended imm8, TEST, INC/DEC/NOT/NEG, BT/BTS/BTR/BTC
 * with a register or an imm8, XADD, CMPXCHG; 66, REX.W, REX.R, REX for
 * SPL..DIL and none for AH..BH; with and without LOCK) is run twice from
 * the same registers and flags: natively on a memory operand of all-ones
 * (tests/unit/native_x86.h; the area around it is all-ones too, for BT's
 * reach), and in the simulator as a nested page fault at an address with
 * no p2m entry.  Every general register, rip and RFLAGS must come out the
 * same (the flags the manuals leave undefined are not compared; test
 * test_insn_alu checks the values chosen for them).
 */
#define _DEFAULT_SOURCE    /* mmap in native_x86.h */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "hv/guest_copy.h"
#include "hv/insn.h"
#include "hv/sched.h"
#include "native_x86.h"
#include "fixture_machine.h"
#include "sim.h"

#define NR     4096U
#define FIRST  16U
#define ENTRY  0x1000U
#define DOMID  3U
#define GPA    0xFED00330ULL            /* nothing there: no p2m entry, no LAPIC */

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

/* One encoding: [f0] [66] [REX] opcode (1 or 2 bytes) ModRM(mod 0, reg, rm 5) disp32 [imm]. */
struct spec {
    bool lock;
    unsigned size;              /* 1, 2, 4, 8: gives 66 or REX.W */
    uint8_t rex;                /* extra REX bits (0x40 | R), 0 for none; W comes from size */
    uint8_t op0, op1;           /* op1 0: one-byte opcode */
    unsigned reg;               /* ModRM.reg */
    unsigned imm_len;
    uint64_t imm;
    bool bt_reg;                /* the register operand is a bit offset: keep it small */
    int64_t bt_off;
    uint64_t undefined;         /* flags not compared */
};

static size_t build(const struct spec *sp, uint8_t *b, size_t *disp_at)
{
    size_t n = 0;
    uint8_t rex = sp->rex | (sp->size == 8 ? 0x48 : 0);

    if (sp->lock)
        b[n++] = 0xF0;
    if (sp->size == 2)
        b[n++] = 0x66;
    if (rex != 0)
        b[n++] = rex;
    b[n++] = sp->op0;
    if (sp->op1 != 0)
        b[n++] = sp->op1;
    b[n++] = (uint8_t)(sp->reg << 3 | 5);
    *disp_at = n;
    memset(b + n, 0, 4);                    /* nx_run points it at the data area */
    n += 4;
    for (unsigned i = 0; i < sp->imm_len; i++)
        b[n++] = (uint8_t)(sp->imm >> (8 * i));
    return n;
}

static uint64_t rng_state = 0x0123456789ABCDEFULL;

static uint64_t rng(void)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return rng_state ^ (rng_state >> 31);
}

static unsigned long long cases, failures;

static void mismatch(const uint8_t *b, size_t len, const char *what, uint64_t want, uint64_t got)
{
    char hex[64] = "";

    if (failures++ >= 20)
        return;
    for (size_t i = 0; i < len; i++)
        snprintf(hex + 3 * i, sizeof(hex) - 3 * i, "%02x ", b[i]);
    print_error("%s: %s CPU 0x%llx, emulated 0x%llx\n", hex, what, (unsigned long long)want,
                (unsigned long long)got);
}

/* Registers and flags for state k (k < 7): random, then with rAX matching an all-ones operand or not. */
static void initial(struct nx_state *st, unsigned k, const struct spec *sp)
{
    /* the all-ones operand's size in rAX (CMPXCHG equal), the upper bits left set or clear */
    static const uint64_t rax[] = { 0, 0, ~0ULL, 0xFFFFFFFFULL, 0xABCDEF01FFFFFFFFULL, 0x12345678000000FFULL,
                                    0x1234FFFFULL };

    for (unsigned i = 0; i < 16; i++)
        st->gpr[i] = rng();
    if (rax[k] != 0)
        st->gpr[0] = rax[k];
    if (sp->bt_reg)
        st->gpr[sp->reg + (sp->rex & 4U ? 8U : 0U)] = (uint64_t)sp->bt_off;
    st->rflags = rng() & NX_STATUS;
}

static void run_one(const struct spec *sp)
{
    uint8_t b[16];
    size_t disp_at, len = build(sp, b, &disp_at);

    for (unsigned k = 0; k < 7; k++) {
        struct nx_state st, cpu;
        uint64_t rsp = rng();

        initial(&st, k, sp);
        cpu = st;
        memset(nx_data() - NX_DATA_ROOM, 0xFF, 2 * NX_DATA_ROOM);
        nx_run(b, len, disp_at, &cpu);

        if (d == NULL || d->guest.state != DOMAIN_RUNNING)
            assert_int_equal(setup(NULL), 0);       /* a fresh domain after a crash */
        v->state.cs_mode = VCPU_CS_64;
        for (unsigned i = 0; i < 16; i++)
            insn_reg_set(&v->regs, i, st.gpr[i]);
        v->regs.rsp = rsp;
        v->regs.rip = ENTRY;
        v->regs.rflags = NX_RFLAGS_BASE | st.rflags;
        assert_int_equal(copy_to_guest_phys(&d->p2m, ENTRY, b, len), 0);
        {
            struct vmexit e = { .reason = VMEXIT_NPF, .qual = GPA, .info = VMEXIT_NPF_WRITE };

            vcpu_handle_exit(v, &e);
        }
        cases++;
        if (d->guest.state != DOMAIN_RUNNING) {
            mismatch(b, len, d->guest.crash_msg, 0, 1);
            continue;
        }
        for (unsigned i = 0; i < 16; i++)
            if (i != 4 && insn_reg_get(&v->regs, i) != cpu.gpr[i])
                mismatch(b, len, "register", cpu.gpr[i], insn_reg_get(&v->regs, i));
        if (v->regs.rsp != rsp)
            mismatch(b, len, "rsp", rsp, v->regs.rsp);
        if (v->regs.rip != ENTRY + len)
            mismatch(b, len, "rip", ENTRY + len, v->regs.rip);
        if ((v->regs.rflags & ~sp->undefined) != (cpu.rflags & ~sp->undefined))
            mismatch(b, len, "rflags", cpu.rflags, v->regs.rflags);
    }
}

/* The size variants: size, extra REX. */
static const struct { unsigned size; uint8_t rex; } widths[] = {
    { 1, 0 }, { 1, 0x40 }, { 1, 0x44 }, { 2, 0 }, { 2, 0x44 }, { 4, 0 }, { 4, 0x44 }, { 8, 0 }, { 8, 0x44 },
};

/* ModRM.reg values that do not name rsp (AH is fine: a byte register without REX). */
static bool reg_usable(unsigned size, uint8_t rex, unsigned reg)
{
    return !(reg == 4 && (size != 1 || rex != 0) && (rex & 4U) == 0);
}

static uint64_t logic_af(unsigned op)
{
    return op == INSN_ALU_AND || op == INSN_ALU_OR || op == INSN_ALU_XOR || op == INSN_ALU_TEST
               ? INSN_ALU_AF : 0;
}

#define BT_UNDEFINED (INSN_ALU_OF | INSN_ALU_SF | INSN_ALU_AF | INSN_ALU_PF)

static void test_alu_rows(void **state)
{
    (void)state;
    for (unsigned op = 0; op < 8; op++)
        for (unsigned dir = 0; dir < 4; dir += 2)
            for (size_t w = 0; w < HV_ARRAY_SIZE(widths); w++)
                for (unsigned reg = 0; reg < 8; reg++) {
                    struct spec sp = { .size = widths[w].size, .rex = widths[w].rex,
                                       .op0 = (uint8_t)(op * 8 + dir + (widths[w].size == 1 ? 0 : 1)),
                                       .reg = reg, .undefined = logic_af(op) };

                    if (!reg_usable(sp.size, sp.rex, reg))
                        continue;
                    run_one(&sp);
                    sp.lock = dir == 0 && op != INSN_ALU_CMP;
                    if (sp.lock)
                        run_one(&sp);
                }
    if (failures != 0)
        fail_msg("%llu mismatches in %llu cases", failures, cases);
}

static void test_group1_and_test(void **state)
{
    static const uint64_t imm8[] = { 0, 1, 0x7F, 0x80, 0xFF };
    static const uint64_t imm16[] = { 0, 1, 0x7FFF, 0x8000, 0xFFFF };
    static const uint64_t imm32[] = { 0, 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0x1234 };

    (void)state;
    for (size_t w = 0; w < HV_ARRAY_SIZE(widths); w++) {
        unsigned size = widths[w].size;
        const uint64_t *iz = size == 1 ? imm8 : size == 2 ? imm16 : imm32;
        size_t niz = size == 4 || size == 8 ? HV_ARRAY_SIZE(imm32) : HV_ARRAY_SIZE(imm8);

        for (unsigned op = 0; op < 8; op++) {
            for (size_t i = 0; i < niz; i++) {
                /* 80 / 81 with an immediate of the operand size (imm32 for 8) */
                struct spec sp = { .size = size, .rex = widths[w].rex, .op0 = size == 1 ? 0x80 : 0x81, .reg = op,
                                   .imm_len = size == 8 ? 4 : size, .imm = iz[i], .undefined = logic_af(op) };

                run_one(&sp);
                sp.lock = op != INSN_ALU_CMP;
                run_one(&sp);
            }
            for (size_t i = 0; i < HV_ARRAY_SIZE(imm8) && size != 1; i++) {
                struct spec sp = { .size = size, .rex = widths[w].rex, .op0 = 0x83, .reg = op, .imm_len = 1,
                                   .imm = imm8[i], .undefined = logic_af(op) };

                run_one(&sp);
            }
        }
        /* TEST m, r and TEST m, imm */
        for (unsigned reg = 0; reg < 8; reg++) {
            struct spec sp = { .size = size, .rex = widths[w].rex, .op0 = size == 1 ? 0x84 : 0x85, .reg = reg,
                               .undefined = INSN_ALU_AF };

            if (reg_usable(size, sp.rex, reg))
                run_one(&sp);
        }
        for (size_t i = 0; i < niz; i++) {
            struct spec sp = { .size = size, .rex = widths[w].rex, .op0 = size == 1 ? 0xF6 : 0xF7, .reg = 0,
                               .imm_len = size == 8 ? 4 : size, .imm = iz[i], .undefined = INSN_ALU_AF };

            run_one(&sp);
        }
    }
    if (failures != 0)
        fail_msg("%llu mismatches in %llu cases", failures, cases);
}

static void test_unary(void **state)
{
    (void)state;
    for (size_t w = 0; w < HV_ARRAY_SIZE(widths); w++) {
        unsigned size = widths[w].size;

        for (unsigned which = 0; which < 4; which++) {     /* inc, dec, not, neg */
            struct spec sp = { .size = size, .rex = widths[w].rex,
                               .op0 = which < 2 ? (size == 1 ? 0xFE : 0xFF) : (size == 1 ? 0xF6 : 0xF7),
                               .reg = which < 2 ? which : which };

            run_one(&sp);
            sp.lock = true;
            run_one(&sp);
        }
    }
    if (failures != 0)
        fail_msg("%llu mismatches in %llu cases", failures, cases);
}

static void test_bit_ops(void **state)
{
    static const int64_t offs[] = { 0, 5, 15, 16, 31, 32, 63, 64, 100, -1, -17, -200, 1000 };
    static const uint64_t imms[] = { 0, 1, 7, 15, 31, 32, 63, 64, 200, 255 };

    (void)state;
    for (size_t w = 0; w < HV_ARRAY_SIZE(widths); w++) {
        unsigned size = widths[w].size;

        if (size == 1)
            continue;
        for (unsigned which = 0; which < 4; which++) {     /* bt, bts, btr, btc */
            for (unsigned reg = 0; reg < 8; reg++)
                for (size_t o = 0; o < HV_ARRAY_SIZE(offs); o++) {
                    struct spec sp = { .size = size, .rex = widths[w].rex, .op0 = 0x0F,
                                       .op1 = (uint8_t)(0xA3 + 8 * which), .reg = reg, .bt_reg = true,
                                       .bt_off = offs[o], .undefined = BT_UNDEFINED };

                    if (!reg_usable(size, sp.rex, reg))
                        continue;
                    run_one(&sp);
                    sp.lock = which != 0;
                    if (sp.lock)
                        run_one(&sp);
                }
            for (size_t i = 0; i < HV_ARRAY_SIZE(imms); i++) {
                struct spec sp = { .size = size, .rex = widths[w].rex, .op0 = 0x0F, .op1 = 0xBA, .reg = 4 + which,
                                   .imm_len = 1, .imm = imms[i], .lock = which != 0, .undefined = BT_UNDEFINED };

                run_one(&sp);
            }
        }
    }
    if (failures != 0)
        fail_msg("%llu mismatches in %llu cases", failures, cases);
}

static void test_xadd_cmpxchg(void **state)
{
    (void)state;
    for (size_t w = 0; w < HV_ARRAY_SIZE(widths); w++) {
        unsigned size = widths[w].size;

        for (unsigned reg = 0; reg < 8; reg++)
            for (unsigned which = 0; which < 2; which++) {
                struct spec sp = { .size = size, .rex = widths[w].rex, .op0 = 0x0F,
                                   .op1 = (uint8_t)((which == 0 ? 0xC0 : 0xB0) + (size == 1 ? 0 : 1)), .reg = reg };

                if (!reg_usable(size, sp.rex, reg))
                    continue;
                run_one(&sp);
                sp.lock = true;
                run_one(&sp);
            }
    }
    if (failures != 0)
        fail_msg("%llu mismatches in %llu cases", failures, cases);
    print_message("%llu cases compared with the CPU\n", cases);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alu_rows),
        cmocka_unit_test(test_group1_and_test),
        cmocka_unit_test(test_unary),
        cmocka_unit_test(test_bit_ops),
        cmocka_unit_test(test_xadd_cmpxchg),
    };
    return cmocka_run_group_tests_name("mmio_alu", tests, NULL, NULL);
}
