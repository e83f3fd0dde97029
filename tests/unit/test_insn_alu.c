// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ALU module (insn_alu.c) against the host CPU: every operation at
 * every operand size, on a table of edge values (zero, one, the sign
 * boundaries, all-ones, nibble carries, bit patterns) and pseudo-random
 * ones, with CF and the other status flags set and clear before it, is
 * executed natively on a memory operand (tests/unit/native_x86.h) and its
 * result and flags compared with insn_alu_result / insn_alu_status.  The
 * flags the manuals leave undefined are not compared with the CPU; the
 * values this module documents for them are checked instead (AF 0 after
 * AND, OR, XOR, TEST; the BT family changes CF only).
 */
#define _DEFAULT_SOURCE    /* mmap in native_x86.h */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "hv/insn_alu.h"
#include "native_x86.h"

#define CF INSN_ALU_CF
#define AF INSN_ALU_AF
#define STATUS INSN_ALU_STATUS

static const unsigned sizes[] = { 1, 2, 4, 8 };
static const uint64_t flags_in[] = { 0, STATUS, CF, STATUS & ~CF, INSN_ALU_ZF | INSN_ALU_OF, INSN_ALU_PF | AF };

static uint64_t mask_of(unsigned size)
{
    return size == 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static uint64_t rng(void)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return rng_state ^ (rng_state >> 29);
}

/* Edge values of an s-byte operand, then pseudo-random ones. */
#define NVALS 20
static void values(unsigned size, uint64_t *v)
{
    uint64_t m = mask_of(size), half = m / 2 + 1;
    const uint64_t edge[] = { 0, 1, 2, 0x0F, 0x10, 0x7F, 0x80, 0xFF, half - 1, half, half + 1, m, m - 1,
                              0x5555555555555555ULL & m, 0xAAAAAAAAAAAAAAAAULL & m, 0xF0F0F0F0F0F0F0F0ULL & m };
    size_t i;

    for (i = 0; i < HV_ARRAY_SIZE(edge); i++)
        v[i] = edge[i] & m;
    for (; i < NVALS; i++)
        v[i] = rng() & m;
}

/*
 * The instruction op (size bytes) on [rip + disp32] as the destination,
 * with cl/cx/ecx/rcx as the source, or for BT's immediate form imm8.
 */
static size_t encode(enum insn_alu_op op, unsigned size, bool bt_imm, uint8_t imm, uint8_t *b, size_t *disp_at)
{
    size_t n = 0;
    unsigned reg = 1;                             /* rcx */
    bool byte = size == 1;

    if (size == 2)
        b[n++] = 0x66;
    if (size == 8)
        b[n++] = 0x48;
    switch (op) {
    case INSN_ALU_TEST: b[n++] = byte ? 0x84 : 0x85; break;
    case INSN_ALU_INC: case INSN_ALU_DEC:
        b[n++] = byte ? 0xFE : 0xFF;
        reg = op == INSN_ALU_INC ? 0 : 1;
        break;
    case INSN_ALU_NOT: case INSN_ALU_NEG:
        b[n++] = byte ? 0xF6 : 0xF7;
        reg = op == INSN_ALU_NOT ? 2 : 3;
        break;
    case INSN_ALU_BT: case INSN_ALU_BTS: case INSN_ALU_BTR: case INSN_ALU_BTC:
        b[n++] = 0x0F;
        if (bt_imm) {
            b[n++] = 0xBA;
            reg = 4 + (unsigned)(op - INSN_ALU_BT);
        } else {
            b[n++] = (uint8_t)(0xA3 + 8 * (op - INSN_ALU_BT));
        }
        break;
    default:                                      /* ADD .. CMP: rows 00-3f */
        b[n++] = (uint8_t)(op * 8 + (byte ? 0 : 1));
        break;
    }
    b[n++] = (uint8_t)(reg << 3 | 5);
    *disp_at = n;
    n += 4;
    if (bt_imm)
        b[n++] = imm;
    return n;
}

static bool writes_result(enum insn_alu_op op)
{
    return op != INSN_ALU_CMP && op != INSN_ALU_TEST && op < INSN_ALU_BT;
}

/* The flags the module documents a value for where the manuals say "undefined". */
static uint64_t undefined_flags(enum insn_alu_op op)
{
    if (op == INSN_ALU_AND || op == INSN_ALU_OR || op == INSN_ALU_XOR || op == INSN_ALU_TEST)
        return AF;
    if (op >= INSN_ALU_BT)
        return INSN_ALU_OF | INSN_ALU_SF | AF | INSN_ALU_PF;
    return 0;
}

static unsigned long long failures;

static void report(const char *what, enum insn_alu_op op, unsigned size, uint64_t d, uint64_t x, uint64_t f,
                   uint64_t want, uint64_t got)
{
    if (failures++ < 20)
        print_error("%s: op %d size %u dst 0x%llx src 0x%llx flags 0x%llx: CPU 0x%llx, module 0x%llx\n", what,
                    (int)op, size, (unsigned long long)d, (unsigned long long)x, (unsigned long long)f,
                    (unsigned long long)want, (unsigned long long)got);
}

/* One case: natively, then through the module (given operands with junk above size, which it must drop). */
static void one(enum insn_alu_op op, unsigned size, bool bt_imm, uint64_t d, uint64_t x, uint64_t f)
{
    uint8_t b[16];
    size_t disp_at, len;
    struct nx_state st;
    uint64_t m = mask_of(size), junk = size == 8 ? 0 : 0xDEAD0000DEAD0000ULL & ~m;
    uint64_t bits = 8ULL * size, mem = 0, status, want;

    len = encode(op, size, bt_imm, (uint8_t)x, b, &disp_at);
    memset(&st, 0, sizeof(st));
    for (unsigned i = 0; i < 16; i++)
        st.gpr[i] = rng();
    st.gpr[1] = op >= INSN_ALU_BT && !bt_imm ? x % bits : x | junk;   /* stay inside the operand */
    st.rflags = f;
    memset(nx_data() - NX_DATA_ROOM, 0, 2 * NX_DATA_ROOM);
    memcpy(nx_data(), &d, size);
    nx_run(b, len, disp_at, &st);
    memcpy(&mem, nx_data(), size);

    if (writes_result(op) && insn_alu_result(op, size, d | junk, x | junk, f) != mem)
        report("result", op, size, d, x, f, mem, insn_alu_result(op, size, d | junk, x | junk, f));
    status = insn_alu_status(op, size, d | junk, x | junk, f);
    want = st.rflags & STATUS & ~undefined_flags(op);
    if ((status & ~undefined_flags(op)) != want)
        report("flags", op, size, d, x, f, want, status);
    if ((status & ~STATUS) != 0)
        report("bits outside the status flags", op, size, d, x, f, 0, status);
    /* The documented values of the undefined flags. */
    if (undefined_flags(op) == AF && (status & AF) != 0)
        report("AF after a logic op", op, size, d, x, f, 0, status);
    if (op >= INSN_ALU_BT && (status & ~CF) != (f & STATUS & ~CF))
        report("BT family: flags other than CF", op, size, d, x, f, f & STATUS & ~CF, status & ~CF);
}

static void test_against_cpu(void **state)
{
    uint64_t vals[NVALS], srcs[NVALS];

    (void)state;
    for (int op = INSN_ALU_ADD; op <= INSN_ALU_BTC; op++)
        for (size_t s = 0; s < HV_ARRAY_SIZE(sizes); s++) {
            unsigned size = sizes[s];

            if (op >= INSN_ALU_BT && size == 1)
                continue;                         /* no byte form */
            values(size, vals);
            values(size, srcs);
            for (size_t i = 0; i < NVALS; i++)
                for (size_t j = 0; j < NVALS; j++)
                    for (size_t k = 0; k < HV_ARRAY_SIZE(flags_in); k++) {
                        one((enum insn_alu_op)op, size, false, vals[i], srcs[j], flags_in[k]);
                        if (op >= INSN_ALU_BT)
                            one((enum insn_alu_op)op, size, true, vals[i], srcs[j] & 0xFF, flags_in[k]);
                    }
        }
    if (failures != 0)
        fail_msg("%llu mismatches with the CPU", failures);
}

/* A few results written out by hand, so a reader sees the conventions. */
static void test_examples(void **state)
{
    (void)state;
    /* add al, 1 on 0xff: 0, CF ZF AF PF set */
    assert_int_equal(insn_alu_result(INSN_ALU_ADD, 1, 0xFF, 1, 0), 0);
    assert_int_equal(insn_alu_status(INSN_ALU_ADD, 1, 0xFF, 1, 0), CF | INSN_ALU_ZF | AF | INSN_ALU_PF);
    /* inc keeps CF; 0x7fffffff + 1 overflows */
    assert_int_equal(insn_alu_status(INSN_ALU_INC, 4, 0x7FFFFFFF, 0, CF),
                     CF | INSN_ALU_SF | INSN_ALU_OF | AF | INSN_ALU_PF);
    /* cmp all-ones with all-ones: equal */
    assert_int_equal(insn_alu_status(INSN_ALU_CMP, 8, ~0ULL, ~0ULL, 0), INSN_ALU_ZF | INSN_ALU_PF);
    /* sbb with borrow in: 0 - 0 - 1 */
    assert_true(insn_alu_result(INSN_ALU_SBB, 8, 0, 0, CF) == ~0ULL);
    /* not changes no flag */
    assert_int_equal(insn_alu_status(INSN_ALU_NOT, 2, 0x1234, 0, STATUS | 0x200), STATUS);
    assert_int_equal(insn_alu_result(INSN_ALU_NOT, 2, 0x1234, 0, 0), 0xEDCB);
    /* neg 0: CF clear; neg 0x80: overflow */
    assert_int_equal(insn_alu_status(INSN_ALU_NEG, 1, 0, 0, CF), INSN_ALU_ZF | INSN_ALU_PF);
    assert_int_equal(insn_alu_status(INSN_ALU_NEG, 1, 0x80, 0, 0) & (CF | INSN_ALU_OF), CF | INSN_ALU_OF);
    /* bt: bit 70 of a 64-bit operand is bit 6 */
    assert_int_equal(insn_alu_status(INSN_ALU_BT, 8, 0x40, 70, 0), CF);
    assert_int_equal(insn_alu_status(INSN_ALU_BTS, 4, 0x40, 7, INSN_ALU_ZF), INSN_ALU_ZF);
    /* operands are truncated to the size */
    assert_int_equal(insn_alu_result(INSN_ALU_XOR, 1, 0x1F0, 0x2F0, 0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_examples),
        cmocka_unit_test(test_against_cpu),
    };
    return cmocka_run_group_tests_name("insn_alu", tests, NULL, NULL);
}
