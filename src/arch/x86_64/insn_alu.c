// SPDX-License-Identifier: GPL-2.0-only
/*
 * ALU results and status flags (contracts, and the logic they follow, in
 * hv/insn_alu.h; docs/INSN.md).
 *
 * Written the way insn.c and pte.c are: sums and differences never wrap a
 * uint64_t (the carry decides which of two exact formulas gives the
 * truncated value, since d + x + c may not fit 64 bits), flags are read as
 * f / weight % 2, and parity is a sum of bits.  The provers then stay in
 * linear integer arithmetic, where the contracts state the architecture's
 * definitions: the carry out of the top bit, the signed overflow, the carry
 * out of bit 3.
 */
#include "hv/insn_alu.h"

/* Largest s-byte value. */
/*@ requires alu_size_ok(size);
    assigns \nothing;
    ensures \result == alu_span(size) - 1; */
static uint64_t alu_mask(unsigned size)
{
    switch (size) {
    case 1: return 0xFFU;
    case 2: return 0xFFFFU;
    case 4: return 0xFFFFFFFFU;
    default: return 0xFFFFFFFFFFFFFFFFULL;
    }
}

/*@ requires alu_size_ok(size);
    assigns \nothing;
    ensures \result == v % alu_span(size); */
static uint64_t alu_trunc(uint64_t v, unsigned size)
{
    switch (size) {
    case 1: return v % 0x100U;
    case 2: return v % 0x10000U;
    case 4: return v % 0x100000000ULL;
    default: return v;
    }
}

/* The sign bit of an s-byte value: 1 for the upper half. */
/*@ requires alu_size_ok(size) && v < alu_span(size);
    assigns \nothing;
    ensures \result == (v >= alu_half(size) ? 1 : 0); */
static unsigned alu_sign(uint64_t v, unsigned size)
{
    return v > alu_mask(size) / 2U ? 1U : 0U;
}

/* The flag of weight w in f, in place (0 or w). */
/*@ requires w > 0;
    assigns \nothing;
    ensures \result == alu_flag(f, w) * w; */
static uint64_t alu_kept(uint64_t f, uint64_t w)
{
    return f / w % 2U * w;
}

/* ---- sums and differences -------------------------------------------------------- */

/* Carry out of d + x + c: x + c goes beyond the room left above d. */
/*@ requires alu_size_ok(size) && d < alu_span(size) && x < alu_span(size) && c <= 1;
    assigns \nothing;
    ensures \result == alu_add_cf(size, d, x, c); */
static unsigned alu_add_carry(unsigned size, uint64_t d, uint64_t x, uint64_t c)
{
    uint64_t room = alu_mask(size) - d;

    return x > room || (x == room && c == 1U) ? 1U : 0U;
}

/*@ requires alu_size_ok(size) && d < alu_span(size) && x < alu_span(size) && c <= 1;
    assigns \nothing;
    ensures \result == alu_add(size, d, x, c); */
static uint64_t alu_add_value(unsigned size, uint64_t d, uint64_t x, uint64_t c)
{
    uint64_t room = alu_mask(size) - d;

    /* With a carry out, the sum less 2^bits is what x + c exceeds room by, less one. */
    if (x > room)
        return x - room - 1U + c;
    if (x == room && c == 1U)
        return 0;
    return d + x + c;
}

/* Borrow out of d - x - c. */
/*@ requires c <= 1;
    assigns \nothing;
    ensures \result == alu_sub_cf(d, x, c); */
static unsigned alu_sub_borrow(uint64_t d, uint64_t x, uint64_t c)
{
    return x > d || (x == d && c == 1U) ? 1U : 0U;
}

/*@ requires alu_size_ok(size) && d < alu_span(size) && x < alu_span(size) && c <= 1;
    assigns \nothing;
    ensures \result == alu_sub(size, d, x, c); */
static uint64_t alu_sub_value(unsigned size, uint64_t d, uint64_t x, uint64_t c)
{
    /* With a borrow out, the difference plus 2^bits. */
    if (alu_sub_borrow(d, x, c) != 0U)
        return alu_mask(size) - (x - d) + (1U - c);
    return d - x - c;
}

/* Signed overflow of d + x + c: operands of one sign, a sum of the other. */
/*@ requires alu_size_ok(size) && d < alu_span(size) && x < alu_span(size) && c <= 1;
    assigns \nothing;
    ensures \result == alu_add_of(size, d, x, c); */
static unsigned alu_add_overflow(unsigned size, uint64_t d, uint64_t x, uint64_t c)
{
    unsigned sd = alu_sign(d, size);
    unsigned sr = alu_sign(alu_add_value(size, d, x, c), size);

    return sd == alu_sign(x, size) && sr != sd ? 1U : 0U;
}

/* Signed overflow of d - x - c: operands of different signs, a difference of x's sign. */
/*@ requires alu_size_ok(size) && d < alu_span(size) && x < alu_span(size) && c <= 1;
    assigns \nothing;
    ensures \result == alu_sub_of(size, d, x, c); */
static unsigned alu_sub_overflow(unsigned size, uint64_t d, uint64_t x, uint64_t c)
{
    unsigned sd = alu_sign(d, size);
    unsigned sr = alu_sign(alu_sub_value(size, d, x, c), size);

    return sd != alu_sign(x, size) && sr != sd ? 1U : 0U;
}

/* ---- the flags of each operation ------------------------------------------------- */

/* CF after op (NOT and the BT family are insn_alu_status's own cases). */
/*@ requires alu_size_ok(size) && alu_op_ok(op) && !alu_bit_op(op) && op != INSN_ALU_NOT;
    requires d < alu_span(size) && x < alu_span(size);
    assigns \nothing;
    ensures \result == alu_cf(op, size, d, x, f); */
static unsigned alu_carry(enum insn_alu_op op, unsigned size, uint64_t d, uint64_t x, uint64_t f)
{
    uint64_t c = f % 2U;

    switch (op) {
    case INSN_ALU_ADD: return alu_add_carry(size, d, x, 0);
    case INSN_ALU_ADC: return alu_add_carry(size, d, x, c);
    case INSN_ALU_SUB: case INSN_ALU_CMP: return alu_sub_borrow(d, x, 0);
    case INSN_ALU_SBB: return alu_sub_borrow(d, x, c);
    case INSN_ALU_NEG: return alu_sub_borrow(0, d, 0);
    case INSN_ALU_INC: case INSN_ALU_DEC: return (unsigned)c;
    default: return 0;                          /* AND, OR, XOR, TEST clear it */
    }
}

/* OF after op, likewise. */
/*@ requires alu_size_ok(size) && alu_op_ok(op) && !alu_bit_op(op) && op != INSN_ALU_NOT;
    requires d < alu_span(size) && x < alu_span(size);
    assigns \nothing;
    ensures \result == alu_of(op, size, d, x, f); */
static unsigned alu_overflow(enum insn_alu_op op, unsigned size, uint64_t d, uint64_t x, uint64_t f)
{
    uint64_t c = f % 2U;

    switch (op) {
    case INSN_ALU_ADD: return alu_add_overflow(size, d, x, 0);
    case INSN_ALU_ADC: return alu_add_overflow(size, d, x, c);
    case INSN_ALU_INC: return alu_add_overflow(size, d, 1, 0);
    case INSN_ALU_SUB: case INSN_ALU_CMP: return alu_sub_overflow(size, d, x, 0);
    case INSN_ALU_SBB: return alu_sub_overflow(size, d, x, c);
    case INSN_ALU_DEC: return alu_sub_overflow(size, d, 1, 0);
    case INSN_ALU_NEG: return alu_sub_overflow(size, 0, d, 0);
    default: return 0;                          /* AND, OR, XOR, TEST clear it */
    }
}

/* AF: the carry (borrow) out of bit 3; 0 after AND, OR, XOR, TEST, where it is undefined. */
/*@ requires alu_op_ok(op) && !alu_bit_op(op) && op != INSN_ALU_NOT;
    assigns \nothing;
    ensures \result == alu_af(op, d, x, f); */
static unsigned alu_aux(enum insn_alu_op op, uint64_t d, uint64_t x, uint64_t f)
{
    uint64_t c = f % 2U;

    switch (op) {
    case INSN_ALU_ADD: return d % 16U + x % 16U >= 16U ? 1U : 0U;
    case INSN_ALU_ADC: return d % 16U + x % 16U + c >= 16U ? 1U : 0U;
    case INSN_ALU_INC: return d % 16U == 15U ? 1U : 0U;
    case INSN_ALU_SUB: case INSN_ALU_CMP: return d % 16U < x % 16U ? 1U : 0U;
    case INSN_ALU_SBB: return d % 16U < x % 16U + c ? 1U : 0U;
    case INSN_ALU_DEC: return d % 16U == 0U ? 1U : 0U;
    case INSN_ALU_NEG: return d % 16U != 0U ? 1U : 0U;
    default: return 0;
    }
}

/* PF: 1 when the low byte of r has an even number of bits set. */
/*@ assigns \nothing;
    ensures \result == alu_parity(r); */
static unsigned alu_parity(uint64_t r)
{
    uint64_t n = r % 2U + r / 2U % 2U + r / 4U % 2U + r / 8U % 2U + r / 16U % 2U + r / 32U % 2U +
                 r / 64U % 2U + r / 128U % 2U;

    return n % 2U == 0U ? 1U : 0U;
}

/* AND, OR, XOR and TEST: the bitwise results (operands already s-byte values). */
/*@ requires alu_size_ok(size);
    assigns \nothing;
    ensures \result == (op == INSN_ALU_OR ? (d | x) : op == INSN_ALU_XOR ? (d ^ x) : (d & x)) % alu_span(size); */
static uint64_t alu_logic_value(enum insn_alu_op op, unsigned size, uint64_t d, uint64_t x)
{
    uint64_t v = d & x;                         /* AND, TEST */

    if (op == INSN_ALU_OR)
        v = d | x;
    else if (op == INSN_ALU_XOR)
        v = d ^ x;
    return alu_trunc(v, size);
}

/* ---- exported ---------------------------------------------------------------------- */

uint64_t insn_alu_result(enum insn_alu_op op, unsigned size, uint64_t dst, uint64_t src, uint64_t rflags)
{
    uint64_t d = alu_trunc(dst, size), x = alu_trunc(src, size), c = rflags % 2U;

    switch (op) {
    case INSN_ALU_ADD: return alu_add_value(size, d, x, 0);
    case INSN_ALU_ADC: return alu_add_value(size, d, x, c);
    case INSN_ALU_INC: return alu_add_value(size, d, 1, 0);
    case INSN_ALU_SUB: case INSN_ALU_CMP: return alu_sub_value(size, d, x, 0);
    case INSN_ALU_SBB: return alu_sub_value(size, d, x, c);
    case INSN_ALU_DEC: return alu_sub_value(size, d, 1, 0);
    case INSN_ALU_NEG: return alu_sub_value(size, 0, d, 0);
    case INSN_ALU_NOT: return alu_mask(size) - d;     /* no borrow, as d <= mask */
    case INSN_ALU_AND: case INSN_ALU_OR: case INSN_ALU_XOR: case INSN_ALU_TEST:
        return alu_logic_value(op, size, d, x);
    default: return d;                                /* the BT family: refused by the contract */
    }
}

/* The bit a BT-family instruction reads. */
/*@ requires alu_size_ok(size);
    assigns \nothing;
    ensures \result == alu_bit_at(size, d, x); */
static uint64_t alu_bit_read(unsigned size, uint64_t d, uint64_t x)
{
    return (d >> (x % (8U * (uint64_t)size))) % 2U;
}

/*
 * BT, BTS, BTR, BTC: CF is the bit read; ZF is unaffected and OF, SF, AF,
 * PF are undefined: they keep their values.
 */
/*@ requires alu_size_ok(size) && d < alu_span(size) && x < alu_span(size);
    assigns \nothing;
    ensures \result == alu_status(INSN_ALU_BT, size, d, x, f, 0); */
static uint64_t alu_bit_status(unsigned size, uint64_t d, uint64_t x, uint64_t f)
{
    return alu_bit_read(size, d, x) * INSN_ALU_CF + alu_kept(f, INSN_ALU_PF) + alu_kept(f, INSN_ALU_AF) +
           alu_kept(f, INSN_ALU_ZF) + alu_kept(f, INSN_ALU_SF) + alu_kept(f, INSN_ALU_OF);
}

uint64_t insn_alu_status(enum insn_alu_op op, unsigned size, uint64_t dst, uint64_t src, uint64_t rflags)
{
    uint64_t d = alu_trunc(dst, size), x = alu_trunc(src, size), r;

    if (op >= INSN_ALU_BT)
        return alu_bit_status(size, d, x, rflags);
    if (op == INSN_ALU_NOT)                     /* NOT changes no flag */
        return alu_kept(rflags, INSN_ALU_CF) + alu_kept(rflags, INSN_ALU_PF) + alu_kept(rflags, INSN_ALU_AF) +
               alu_kept(rflags, INSN_ALU_ZF) + alu_kept(rflags, INSN_ALU_SF) + alu_kept(rflags, INSN_ALU_OF);
    r = insn_alu_result(op, size, dst, src, rflags);
    return alu_carry(op, size, d, x, rflags) * INSN_ALU_CF + alu_parity(r) * INSN_ALU_PF +
           alu_aux(op, d, x, rflags) * INSN_ALU_AF + (r == 0U ? INSN_ALU_ZF : 0U) +
           alu_sign(r, size) * INSN_ALU_SF + alu_overflow(op, size, d, x, rflags) * INSN_ALU_OF;
}
