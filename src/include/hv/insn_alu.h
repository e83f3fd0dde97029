/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The arithmetic of the ALU instructions that the MMIO emulation completes
 * (docs/INSN.md, "ALU instructions"): the value an operation
 * computes and the status flags (CF, PF, AF, ZF, SF, OF) it leaves, for
 * operands of 1, 2, 4 or 8 bytes, as the architecture defines each
 * instruction.  Pure: values in, values out.  The caller picks the operands
 * (the memory one is what the bus answered) and writes the results where
 * the instruction would (vcpu_exit.c).
 *
 * The flags the manuals leave undefined get one fixed value here:
 *   - AND, OR, XOR, TEST: AF = 0;
 *   - BT, BTS, BTR, BTC: only CF changes (ZF is unaffected by definition;
 *     OF, SF, AF and PF, undefined, keep their values).
 */
#ifndef HV_INSN_ALU_H
#define HV_INSN_ALU_H

#include "hv/types.h"

enum insn_alu_op {
    /* In the order of the opcode rows 00-3f and of /reg in 80, 81, 83. */
    INSN_ALU_ADD,
    INSN_ALU_OR,
    INSN_ALU_ADC,
    INSN_ALU_SBB,
    INSN_ALU_AND,
    INSN_ALU_SUB,
    INSN_ALU_XOR,
    INSN_ALU_CMP,             /* SUB that writes no result */
    INSN_ALU_TEST,            /* AND that writes no result */
    INSN_ALU_INC,             /* one operand (src ignored); CF unchanged */
    INSN_ALU_DEC,
    INSN_ALU_NOT,             /* no flag changes */
    INSN_ALU_NEG,
    INSN_ALU_BT,              /* src is the bit offset (modulo the operand's bits) */
    INSN_ALU_BTS,
    INSN_ALU_BTR,
    INSN_ALU_BTC,
};

/* The status flags in RFLAGS. */
#define INSN_ALU_CF 0x001ULL
#define INSN_ALU_PF 0x004ULL
#define INSN_ALU_AF 0x010ULL
#define INSN_ALU_ZF 0x040ULL
#define INSN_ALU_SF 0x080ULL
#define INSN_ALU_OF 0x800ULL
#define INSN_ALU_STATUS (INSN_ALU_CF | INSN_ALU_PF | INSN_ALU_AF | INSN_ALU_ZF | INSN_ALU_SF | INSN_ALU_OF)

/*@
  predicate alu_size_ok(integer s) = s == 1 || s == 2 || s == 4 || s == 8;
  predicate alu_op_ok(integer op) = INSN_ALU_ADD <= op <= INSN_ALU_BTC;
  predicate alu_bit_op(integer op) = INSN_ALU_BT <= op <= INSN_ALU_BTC;

  logic integer alu_span(integer s) =
    s == 1 ? 0x100 : s == 2 ? 0x10000 : s == 4 ? 0x100000000 : 0x10000000000000000;
  logic integer alu_half(integer s) = alu_span(s) / 2;
  // An s-byte value v (0 <= v < span) read as a two's-complement number.
  logic integer alu_signed(integer v, integer s) = v < alu_half(s) ? v : v - alu_span(s);
  // The flag of weight w (a power of two) in f: 0 or 1.
  logic integer alu_flag(integer f, integer w) = f / w % 2;

  // Sums and differences with a carry or borrow in (c): the s-byte result,
  // the carry (borrow) out of the top bit, the signed overflow, the carry
  // (borrow) out of bit 3.  INC is d + 1, DEC d - 1, NEG 0 - d.
  logic integer alu_add(integer s, integer d, integer x, integer c) = (d + x + c) % alu_span(s);
  logic integer alu_sub(integer s, integer d, integer x, integer c) =
    (d - x - c + alu_span(s)) % alu_span(s);
  logic integer alu_add_cf(integer s, integer d, integer x, integer c) =
    d + x + c >= alu_span(s) ? 1 : 0;
  logic integer alu_sub_cf(integer d, integer x, integer c) = d < x + c ? 1 : 0;
  logic integer alu_add_of(integer s, integer d, integer x, integer c) =
    -alu_half(s) <= alu_signed(d, s) + alu_signed(x, s) + c < alu_half(s) ? 0 : 1;
  logic integer alu_sub_of(integer s, integer d, integer x, integer c) =
    -alu_half(s) <= alu_signed(d, s) - alu_signed(x, s) - c < alu_half(s) ? 0 : 1;
  logic integer alu_add_af(integer d, integer x, integer c) = d % 16 + x % 16 + c >= 16 ? 1 : 0;
  logic integer alu_sub_af(integer d, integer x, integer c) = d % 16 < x % 16 + c ? 1 : 0;

  // The bit a BT-family instruction reads: bit (x modulo the operand's bits) of d.
  logic integer alu_bit_at(integer s, integer d, integer x) = (d >> (x % (8 * s))) % 2;

  // The value op computes from the s-byte operands d (destination) and x
  // (source), c being CF before it.  b is the bitwise result AND, OR, XOR
  // and TEST need (d & x, d | x or d ^ x, written out by the contracts
  // below): a parameter, because the provers do not know that & | ^
  // commute and WP's simplifier orders their operands its own way in a
  // goal but not inside a definition.  BT-family results are not defined.
  logic integer alu_result(integer op, integer s, integer d, integer x, integer c, integer b) =
    op == INSN_ALU_ADD ? alu_add(s, d, x, 0) :
    op == INSN_ALU_ADC ? alu_add(s, d, x, c) :
    op == INSN_ALU_INC ? alu_add(s, d, 1, 0) :
    op == INSN_ALU_SUB || op == INSN_ALU_CMP ? alu_sub(s, d, x, 0) :
    op == INSN_ALU_SBB ? alu_sub(s, d, x, c) :
    op == INSN_ALU_DEC ? alu_sub(s, d, 1, 0) :
    op == INSN_ALU_NEG ? alu_sub(s, 0, d, 0) :
    op == INSN_ALU_NOT ? alu_span(s) - 1 - d :
    b % alu_span(s);

  // Each status flag after op (f: RFLAGS before it).
  logic integer alu_cf(integer op, integer s, integer d, integer x, integer f) =
    op == INSN_ALU_ADD ? alu_add_cf(s, d, x, 0) :
    op == INSN_ALU_ADC ? alu_add_cf(s, d, x, alu_flag(f, INSN_ALU_CF)) :
    op == INSN_ALU_SUB || op == INSN_ALU_CMP ? alu_sub_cf(d, x, 0) :
    op == INSN_ALU_SBB ? alu_sub_cf(d, x, alu_flag(f, INSN_ALU_CF)) :
    op == INSN_ALU_NEG ? alu_sub_cf(0, d, 0) :
    op == INSN_ALU_INC || op == INSN_ALU_DEC || op == INSN_ALU_NOT ? alu_flag(f, INSN_ALU_CF) :
    INSN_ALU_BT <= op <= INSN_ALU_BTC ? alu_bit_at(s, d, x) :
    0;
  logic integer alu_of(integer op, integer s, integer d, integer x, integer f) =
    op == INSN_ALU_ADD ? alu_add_of(s, d, x, 0) :
    op == INSN_ALU_ADC ? alu_add_of(s, d, x, alu_flag(f, INSN_ALU_CF)) :
    op == INSN_ALU_INC ? alu_add_of(s, d, 1, 0) :
    op == INSN_ALU_SUB || op == INSN_ALU_CMP ? alu_sub_of(s, d, x, 0) :
    op == INSN_ALU_SBB ? alu_sub_of(s, d, x, alu_flag(f, INSN_ALU_CF)) :
    op == INSN_ALU_DEC ? alu_sub_of(s, d, 1, 0) :
    op == INSN_ALU_NEG ? alu_sub_of(s, 0, d, 0) :
    op == INSN_ALU_NOT || INSN_ALU_BT <= op <= INSN_ALU_BTC ? alu_flag(f, INSN_ALU_OF) :
    0;
  logic integer alu_af(integer op, integer d, integer x, integer f) =
    op == INSN_ALU_ADD ? alu_add_af(d, x, 0) :
    op == INSN_ALU_ADC ? alu_add_af(d, x, alu_flag(f, INSN_ALU_CF)) :
    op == INSN_ALU_INC ? alu_add_af(d, 1, 0) :
    op == INSN_ALU_SUB || op == INSN_ALU_CMP ? alu_sub_af(d, x, 0) :
    op == INSN_ALU_SBB ? alu_sub_af(d, x, alu_flag(f, INSN_ALU_CF)) :
    op == INSN_ALU_DEC ? alu_sub_af(d, 1, 0) :
    op == INSN_ALU_NEG ? alu_sub_af(0, d, 0) :
    op == INSN_ALU_NOT || INSN_ALU_BT <= op <= INSN_ALU_BTC ? alu_flag(f, INSN_ALU_AF) :
    0;
  // 1 when the low byte of r has an even number of bits set.
  logic integer alu_parity(integer r) =
    (r % 2 + r / 2 % 2 + r / 4 % 2 + r / 8 % 2 + r / 16 % 2 + r / 32 % 2 + r / 64 % 2 + r / 128 % 2)
      % 2 == 0 ? 1 : 0;
  // PF, ZF and SF come from the result, except for NOT and the BT family,
  // which keep them.
  logic integer alu_pf(integer op, integer s, integer d, integer x, integer f, integer b) =
    op == INSN_ALU_NOT || INSN_ALU_BT <= op <= INSN_ALU_BTC ? alu_flag(f, INSN_ALU_PF) :
    alu_parity(alu_result(op, s, d, x, alu_flag(f, INSN_ALU_CF), b));
  logic integer alu_zf(integer op, integer s, integer d, integer x, integer f, integer b) =
    op == INSN_ALU_NOT || INSN_ALU_BT <= op <= INSN_ALU_BTC ? alu_flag(f, INSN_ALU_ZF) :
    alu_result(op, s, d, x, alu_flag(f, INSN_ALU_CF), b) == 0 ? 1 : 0;
  logic integer alu_sf(integer op, integer s, integer d, integer x, integer f, integer b) =
    op == INSN_ALU_NOT || INSN_ALU_BT <= op <= INSN_ALU_BTC ? alu_flag(f, INSN_ALU_SF) :
    alu_result(op, s, d, x, alu_flag(f, INSN_ALU_CF), b) >= alu_half(s) ? 1 : 0;

  // The status flags after op as RFLAGS bits (every other bit 0).
  logic integer alu_status(integer op, integer s, integer d, integer x, integer f, integer b) =
    alu_cf(op, s, d, x, f) * INSN_ALU_CF + alu_pf(op, s, d, x, f, b) * INSN_ALU_PF +
    alu_af(op, d, x, f) * INSN_ALU_AF + alu_zf(op, s, d, x, f, b) * INSN_ALU_ZF +
    alu_sf(op, s, d, x, f, b) * INSN_ALU_SF + alu_of(op, s, d, x, f) * INSN_ALU_OF;
*/

/*
 * The value op computes from dst and src (each taken modulo 2^(8 * size)),
 * rflags giving the carry in of ADC and SBB: what the instruction writes to
 * its destination (CMP and TEST compute it and write nothing).  Not for the
 * BT family, whose results only ever go to memory.
 */
/*@ requires alu_size_ok(size) && alu_op_ok(op) && !alu_bit_op(op);
    assigns \nothing;
    ensures \let d = dst % alu_span(size); \let x = src % alu_span(size);
            \result == alu_result(op, size, d, x, alu_flag(rflags, INSN_ALU_CF),
                                  op == INSN_ALU_OR ? (d | x) : op == INSN_ALU_XOR ? (d ^ x) : (d & x));
    ensures \result < alu_span(size); */
uint64_t insn_alu_result(enum insn_alu_op op, unsigned size, uint64_t dst, uint64_t src, uint64_t rflags);

/*
 * The status flags after op (operands as for insn_alu_result; for the BT
 * family src is the bit offset) as RFLAGS bits, every other bit 0: the
 * caller replaces RFLAGS & INSN_ALU_STATUS with them.  Flags the
 * instruction leaves alone are copied from rflags.
 */
/*@ requires alu_size_ok(size) && alu_op_ok(op);
    assigns \nothing;
    ensures \let d = dst % alu_span(size); \let x = src % alu_span(size);
            \result == alu_status(op, size, d, x, rflags,
                                  op == INSN_ALU_OR ? (d | x) : op == INSN_ALU_XOR ? (d ^ x) : (d & x));
    ensures \result <= INSN_ALU_STATUS; */
uint64_t insn_alu_status(enum insn_alu_op op, unsigned size, uint64_t dst, uint64_t src, uint64_t rflags);

#endif /* HV_INSN_ALU_H */
