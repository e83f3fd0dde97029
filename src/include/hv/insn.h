/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Instruction-length and operand decoder for the guest instructions the
 * hypervisor emulates or skips.  AMD's next-RIP save is optional and QEMU's
 * SVM does not fill it, so the length of every intercepted instruction is
 * computed here from the bytes at the guest's rip; MMIO accesses (nested
 * page faults on emulated pages such as the xAPIC, or on memory nothing
 * backs) also need the register, the width, the direction and, for ALU
 * instructions, the operation (computed by hv/insn_alu.h).  The decoder is
 * insn.c; the register side (operands read and written at a width) is
 * insn_regs.c.  docs/INSN.md lists what is decoded, what is refused and why.
 *
 * The caller fetches up to INSN_MAX_LEN bytes at rip; `avail` says how many
 * are valid (fewer when the page ends or the next one is not mapped).  The
 * decoder reads no byte at or beyond min(avail, INSN_MAX_LEN) and answers
 * -XEN_EFAULT when it needs one of them, -XEN_EINVAL for an instruction it
 * does not support or that would be longer than 15 bytes (the CPU raises
 * #GP).  -XEN_EINVAL never depends on `avail`: more bytes only ever turn
 * -XEN_EFAULT into an answer.
 */
#ifndef HV_INSN_H
#define HV_INSN_H

#include "hv/insn_alu.h"
#include "hv/types.h"
#include "hv/vcpu_regs.h"
#include "xen/errno.h"

/* The architectural limit on an instruction's length. */
#define INSN_MAX_LEN 15U

enum insn_kind {
    INSN_NONE = 0,            /* never returned by a successful decode */
    /* no operands: the handler acts on fixed registers, the decoder gives the length */
    INSN_VMMCALL,             /* 0f 01 d9 */
    INSN_VMCALL,              /* 0f 01 c1 (Intel's, reaches AMD as #UD) */
    INSN_CPUID,               /* 0f a2 */
    INSN_RDMSR,               /* 0f 32 */
    INSN_WRMSR,               /* 0f 30 */
    INSN_HLT,                 /* f4 */
    INSN_XSETBV,              /* 0f 01 d1 */
    INSN_WBINVD,              /* 0f 09 */
    INSN_INVD,                /* 0f 08 */
    INSN_RDTSC,               /* 0f 31 */
    INSN_RDTSCP,              /* 0f 01 f9 */
    INSN_RDPMC,               /* 0f 33 */
    INSN_PAUSE,               /* f3 90 */
    /* port I/O: size is 1, 2 or 4; imm is the port for the imm8 forms */
    INSN_IN_IMM,              /* e4, e5 */
    INSN_OUT_IMM,             /* e6, e7 */
    INSN_IN_DX,               /* ec, ed */
    INSN_OUT_DX,              /* ee, ef */
    INSN_INS,                 /* 6c, 6d; rep with f3 */
    INSN_OUTS,                /* 6e, 6f; rep with f3 */
    /* one memory operand (never a register form) and one register or immediate */
    INSN_MOV_TO_MEM,          /* 88, 89, c6 /0, c7 /0, a2, a3 */
    INSN_MOV_FROM_MEM,        /* 8a, 8b, a0, a1 */
    INSN_MOVZX_FROM_MEM,      /* 0f b6, 0f b7 */
    INSN_MOVSX_FROM_MEM,      /* 0f be, 0f bf */
    INSN_XCHG_MEM,            /* 86, 87: loads and stores (Linux's xAPIC write on X86_BUG_11AP) */
    /*
     * ALU instructions on a memory operand, `alu` saying which: the memory
     * operand is read, combined, and (except CMP, TEST, BT) written back,
     * or, for ALU_FROM_MEM, the result goes to the register.
     */
    INSN_ALU_TO_MEM,          /* op m, r/imm: 00-39 (x0/x1, x8/x9), 80, 81, 83, 84, 85 (TEST), f6/f7 /0 (TEST imm) */
    INSN_ALU_FROM_MEM,        /* op r, m: 02-3b (x2/x3, xa/xb): ADD..CMP into the register */
    INSN_UNARY_MEM,           /* fe/ff /0 INC, /1 DEC; f6/f7 /2 NOT, /3 NEG: no register operand */
    INSN_BT_MEM,              /* 0f a3/ab/b3/bb BT/BTS/BTR/BTC m, r; 0f ba /4../7 m, imm8 */
    INSN_XADD_MEM,            /* 0f c0, c1: alu ADD; the register gets the old memory value */
    INSN_CMPXCHG_MEM,         /* 0f b0, b1: alu CMP of rAX with memory; rAX gets it when unequal */
};

/* struct insn.seg when no segment-override prefix was given (else the
 * prefix byte: 0x26 ES, 0x2e CS, 0x36 SS, 0x3e DS, 0x64 FS, 0x65 GS). */
#define INSN_SEG_NONE 0U

struct insn {
    unsigned len;             /* 1..INSN_MAX_LEN */
    enum insn_kind kind;
    unsigned size;            /* bytes moved to/from memory or the port: 1, 2, 4, 8; 0 without operand */
    unsigned reg_size;        /* bytes of the register operand: == size, except MOVZX/MOVSX (2, 4, 8) */
    unsigned reg;             /* register operand in encoding order 0..15 (rAX for a0-a3 and I/O;
                                 0 for the group opcodes c6/c7, 80/81/83, f6/f7, fe/ff, 0f ba) */
    bool reg_high;            /* AH, CH, DH, BH: bits 8..15 of register reg (then reg <= 3) */
    bool has_imm;             /* imm holds an immediate (c6/c7, ALU) or a port (e4-e7) */
    uint64_t imm;             /* c6/c7, ALU: the operand (sign-extended to size as the CPU does; < 2^(8*size)) */
    enum insn_alu_op alu;     /* the ALU kinds: which operation (INSN_ALU_ADD otherwise) */
    unsigned addr_size;       /* address size in bytes: 2, 4, 8 */
    unsigned seg;             /* last segment-override prefix, or INSN_SEG_NONE */
    bool rep;                 /* INS/OUTS with an f3 prefix */
    bool lock;                /* f0 prefix (only on the kinds that write memory: insn_lockable) */
};

/*@
  logic integer insn_lim(integer avail) = avail < INSN_MAX_LEN ? avail : INSN_MAX_LEN;
  predicate insn_size_ok(integer s) = s == 1 || s == 2 || s == 4 || s == 8;
  logic integer insn_span(integer s) =
    s == 1 ? 0x100 : s == 2 ? 0x10000 : s == 4 ? 0x100000000 : 0x10000000000000000;
  // The low `s` bytes of v.
  logic integer insn_trunc(integer v, integer s) = v % insn_span(s);
  // The low `from` bytes of v, sign-extended to `to` bytes.
  logic integer insn_sext(integer v, integer from, integer to) =
    insn_trunc(v, from) < insn_span(from) / 2 ? insn_trunc(v, from)
                                               : insn_trunc(v, from) + insn_span(to) - insn_span(from);
  // A register after an s-byte write of v (v < insn_span(s)): 8- and 16-bit
  // writes keep the other bits, 32-bit writes zero-extend, high-byte writes
  // replace bits 8..15.
  logic integer insn_merge(integer old, integer v, integer s, integer high) =
    high != 0 ? old / 0x10000 * 0x10000 + v * 0x100 + old % 0x100 :
    s == 1 ? old / 0x100 * 0x100 + v :
    s == 2 ? old / 0x10000 * 0x10000 + v :
    v;

  // General register number i in encoding order (struct vcpu_regs keeps another order).
  logic integer insn_reg_l{L}(struct vcpu_regs *r, integer i) =
    i == 0 ? r->rax : i == 1 ? r->rcx : i == 2 ? r->rdx : i == 3 ? r->rbx :
    i == 4 ? r->rsp : i == 5 ? r->rbp : i == 6 ? r->rsi : i == 7 ? r->rdi :
    i == 8 ? r->r8 : i == 9 ? r->r9 : i == 10 ? r->r10 : i == 11 ? r->r11 :
    i == 12 ? r->r12 : i == 13 ? r->r13 : i == 14 ? r->r14 : r->r15;
  predicate insn_regs_unchanged{A,B}(struct vcpu_regs *r, integer except) =
    (\forall integer j; 0 <= j < 16 && j != except ==> insn_reg_l{A}(r, j) == insn_reg_l{B}(r, j)) &&
    \at(r->rip, A) == \at(r->rip, B) && \at(r->rflags, A) == \at(r->rflags, B);

  predicate insn_operand_ok(struct insn i) =
    i.reg < 16 && (i.reg_high != 0 ==> i.reg < 4 && i.reg_size == 1);
  predicate insn_alu_kind(integer k) = INSN_ALU_TO_MEM <= k <= INSN_CMPXCHG_MEM;
  // The ALU operation each ALU kind may carry, and which take no immediate.
  predicate insn_alu_ok(integer k, integer op, integer has_imm) =
    (k == INSN_ALU_TO_MEM ==> INSN_ALU_ADD <= op <= INSN_ALU_TEST) &&
    (k == INSN_ALU_FROM_MEM ==> INSN_ALU_ADD <= op <= INSN_ALU_CMP && has_imm == 0) &&
    (k == INSN_UNARY_MEM ==> INSN_ALU_INC <= op <= INSN_ALU_NEG && has_imm == 0) &&
    (k == INSN_BT_MEM ==> INSN_ALU_BT <= op <= INSN_ALU_BTC) &&
    (k == INSN_XADD_MEM ==> op == INSN_ALU_ADD && has_imm == 0) &&
    (k == INSN_CMPXCHG_MEM ==> op == INSN_ALU_CMP && has_imm == 0);
  // What LOCK may prefix: an instruction that writes its memory operand.
  predicate insn_lockable(integer k, integer op) =
    k == INSN_XCHG_MEM || k == INSN_UNARY_MEM || k == INSN_XADD_MEM || k == INSN_CMPXCHG_MEM ||
    (k == INSN_ALU_TO_MEM && op != INSN_ALU_CMP && op != INSN_ALU_TEST) ||
    (k == INSN_BT_MEM && op != INSN_ALU_BT);
  predicate insn_stores(struct insn i) = i.kind == INSN_MOV_TO_MEM || i.kind == INSN_XCHG_MEM;
  predicate insn_loads(struct insn i) =
    i.kind == INSN_MOV_FROM_MEM || i.kind == INSN_XCHG_MEM ||
    i.kind == INSN_MOVZX_FROM_MEM || i.kind == INSN_MOVSX_FROM_MEM;
  predicate insn_widening(struct insn i) =
    i.kind == INSN_MOVZX_FROM_MEM || i.kind == INSN_MOVSX_FROM_MEM;
  predicate insn_is_io(struct insn i) = INSN_IN_IMM <= i.kind <= INSN_OUTS;
  // Every kind with a memory operand.
  predicate insn_mem_kind(integer k) = INSN_MOV_TO_MEM <= k <= INSN_CMPXCHG_MEM;
  // What insn_operand_value / insn_mmio_load_result need, and decode gives.
  predicate insn_mmio_ok(struct insn i) =
    insn_operand_ok(i) && insn_size_ok(i.size) && insn_size_ok(i.reg_size) &&
    (insn_widening(i) ? (i.size == 1 || i.size == 2) && i.reg_size >= 2 && i.reg_size >= i.size
                      : i.reg_size == i.size);
  predicate insn_valid(struct insn i) =
    1 <= i.len <= INSN_MAX_LEN &&
    INSN_VMMCALL <= i.kind <= INSN_CMPXCHG_MEM &&
    (i.addr_size == 2 || i.addr_size == 4 || i.addr_size == 8) &&
    insn_operand_ok(i) &&
    (insn_mem_kind(i.kind) ==> insn_mmio_ok(i)) &&
    insn_alu_ok(i.kind, i.alu, i.has_imm) &&
    (i.lock != 0 ==> insn_lockable(i.kind, i.alu)) &&
    (insn_is_io(i) ==> i.size == 1 || i.size == 2 || i.size == 4) &&
    ((i.kind == INSN_IN_IMM || i.kind == INSN_OUT_IMM) ==> i.has_imm != 0 && i.imm < 0x100) &&
    (insn_alu_kind(i.kind) && i.has_imm != 0 ==> i.imm < insn_span(i.size));

  // The register or immediate operand (what a store writes), and the register a load leaves.
  logic integer insn_store_l{L}(struct insn i, struct vcpu_regs *r) =
    i.has_imm != 0 ? insn_trunc(i.imm, i.size) :
    i.reg_high != 0 ? insn_reg_l(r, i.reg) / 0x100 % 0x100 :
    insn_trunc(insn_reg_l(r, i.reg), i.size);
  logic integer insn_loaded_l(struct insn i, integer v) =
    i.kind == INSN_MOVSX_FROM_MEM ? insn_sext(v, i.size, i.reg_size) : insn_trunc(v, i.size);
*/

/*
 * Decode the instruction at bytes[0]: 0 and *out filled, -XEN_EFAULT when
 * it continues beyond bytes[avail - 1], -XEN_EINVAL when it is not one of
 * enum insn_kind's forms (or longer than 15 bytes).  *out is written only
 * on success.
 */
/*@ requires \valid_read(bytes + (0 .. insn_lim(avail) - 1));
    requires \valid(out) && \separated(out, bytes + (0 .. insn_lim(avail) - 1));
    assigns *out;
    ensures \result == 0 || \result == -XEN_EINVAL || \result == -XEN_EFAULT;
    ensures \result == 0 ==> insn_valid(*out) && out->len <= avail;
    ensures \result != 0 ==> *out == \old(*out); */
int insn_decode(const uint8_t *bytes, size_t avail, enum vcpu_cs_mode mode, struct insn *out);

/*
 * The register or immediate operand of a memory instruction, truncated to
 * in->size (AH..BH: bits 8..15): what a MOV_TO_MEM or XCHG_MEM writes, the
 * source of ALU_TO_MEM, XADD_MEM and CMPXCHG_MEM, the bit offset of
 * BT_MEM, the destination's value before an ALU_FROM_MEM.
 */
/*@ requires \valid_read(in) && \valid_read(regs);
    requires insn_mem_kind(in->kind) && !insn_widening(*in) && insn_mmio_ok(*in);
    assigns \nothing;
    ensures \result == insn_store_l(*in, regs);
    ensures \result < insn_span(in->size); */
uint64_t insn_operand_value(const struct insn *in, const struct vcpu_regs *regs);

/* Complete a MOV_FROM_MEM, MOVZX/MOVSX_FROM_MEM or XCHG_MEM with the value
 * read from memory, as the CPU writes the destination: 8/16-bit writes keep
 * the other bits, 32-bit writes zero-extend to 64 bits, MOVZX/MOVSX extend
 * to the register size first.  Every other register is left alone. */
/*@ requires \valid(regs) && \valid_read(in) && \separated(in, regs);
    requires insn_loads(*in) && insn_mmio_ok(*in);
    assigns regs->rax, regs->rcx, regs->rdx, regs->rbx, regs->rsp, regs->rbp, regs->rsi, regs->rdi,
            regs->r8, regs->r9, regs->r10, regs->r11, regs->r12, regs->r13, regs->r14, regs->r15;
    ensures insn_reg_l(regs, in->reg) ==
            insn_merge(insn_reg_l{Pre}(regs, in->reg), insn_loaded_l(*in, value), in->reg_size, in->reg_high);
    ensures insn_regs_unchanged{Pre,Post}(regs, in->reg); */
void insn_mmio_load_result(const struct insn *in, struct vcpu_regs *regs, uint64_t value);

/* General register number idx in encoding order: 0 rax, 1 rcx, 2 rdx,
 * 3 rbx, 4 rsp, 5 rbp, 6 rsi, 7 rdi, 8..15 r8..r15. */
/*@ requires \valid_read(r) && idx < 16;
    assigns \nothing;
    ensures \result == insn_reg_l(r, idx); */
uint64_t insn_reg_get(const struct vcpu_regs *r, unsigned idx);

/*@ requires \valid(r) && idx < 16;
    assigns r->rax, r->rcx, r->rdx, r->rbx, r->rsp, r->rbp, r->rsi, r->rdi,
            r->r8, r->r9, r->r10, r->r11, r->r12, r->r13, r->r14, r->r15;
    ensures insn_reg_l(r, idx) == v;
    ensures insn_regs_unchanged{Pre,Post}(r, idx); */
void insn_reg_set(struct vcpu_regs *r, unsigned idx, uint64_t v);

/* Register idx read as a size-byte operand: its low bytes, or bits 8..15
 * when high (AH, CH, DH, BH: idx 0..3). */
/*@ requires \valid_read(r) && idx < 16 && insn_size_ok(size) && (high ==> idx < 4 && size == 1);
    assigns \nothing;
    ensures \result == (high ? insn_reg_l(r, idx) / 0x100 % 0x100 : insn_trunc(insn_reg_l(r, idx), size));
    ensures \result < insn_span(size); */
uint64_t insn_reg_read(const struct vcpu_regs *r, unsigned idx, unsigned size, bool high);

/* Write v to register idx as a size-byte destination, as the CPU does:
 * 8/16-bit writes (and AH..BH) keep the other bits, 32-bit writes
 * zero-extend, 64-bit writes replace.  v is truncated to size first. */
/*@ requires \valid(r) && idx < 16 && insn_size_ok(size) && (high ==> idx < 4 && size == 1);
    assigns r->rax, r->rcx, r->rdx, r->rbx, r->rsp, r->rbp, r->rsi, r->rdi,
            r->r8, r->r9, r->r10, r->r11, r->r12, r->r13, r->r14, r->r15;
    ensures insn_reg_l(r, idx) == insn_merge(insn_reg_l{Pre}(r, idx), insn_trunc(v, size), size, high);
    ensures insn_regs_unchanged{Pre,Post}(r, idx); */
void insn_reg_write(struct vcpu_regs *r, unsigned idx, unsigned size, bool high, uint64_t v);

#endif /* HV_INSN_H */
