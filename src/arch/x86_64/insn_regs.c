// SPDX-License-Identifier: GPL-2.0-only
/*
 * The register side of the emulated memory instructions (contracts in
 * hv/insn.h, rules in docs/INSN.md): the register file in encoding order,
 * register operands read and written at a width as the CPU does (8/16-bit
 * writes merge, 32-bit writes zero-extend), the register-or-immediate
 * operand of a decoded instruction and the register a load leaves.
 *
 * Written like the decoder: truncation, sign extension and merges are
 * divisions and sums with constant weights, no shifts or masks, so the
 * provers stay in linear arithmetic.
 */
#include "hv/insn.h"

uint64_t insn_reg_get(const struct vcpu_regs *r, unsigned idx)
{
    switch (idx) {
    case 0: return r->rax;    case 1: return r->rcx;    case 2: return r->rdx;    case 3: return r->rbx;
    case 4: return r->rsp;    case 5: return r->rbp;    case 6: return r->rsi;    case 7: return r->rdi;
    case 8: return r->r8;     case 9: return r->r9;     case 10: return r->r10;   case 11: return r->r11;
    case 12: return r->r12;   case 13: return r->r13;   case 14: return r->r14;   default: return r->r15;
    }
}

void insn_reg_set(struct vcpu_regs *r, unsigned idx, uint64_t v)
{
    switch (idx) {
    case 0: r->rax = v; break;    case 1: r->rcx = v; break;    case 2: r->rdx = v; break;
    case 3: r->rbx = v; break;    case 4: r->rsp = v; break;    case 5: r->rbp = v; break;
    case 6: r->rsi = v; break;    case 7: r->rdi = v; break;    case 8: r->r8 = v; break;
    case 9: r->r9 = v; break;     case 10: r->r10 = v; break;   case 11: r->r11 = v; break;
    case 12: r->r12 = v; break;   case 13: r->r13 = v; break;   case 14: r->r14 = v; break;
    default: r->r15 = v; break;
    }
}

/*@ requires insn_size_ok(s);
    assigns \nothing;
    ensures \result == insn_trunc(v, s); */
static uint64_t insn_trunc_to(uint64_t v, unsigned s)
{
    switch (s) {
    case 1: return v % 0x100;
    case 2: return v % 0x10000;
    case 4: return v % 0x100000000ULL;
    default: return v;
    }
}

/*@ requires from == 1 || from == 2;
    requires insn_size_ok(to) && to >= 2 && to >= from;
    assigns \nothing;
    ensures \result == insn_sext(v, from, to); */
static uint64_t insn_sext_to(uint64_t v, unsigned from, unsigned to)
{
    uint64_t t = insn_trunc_to(v, from);

    if (t < (from == 1 ? 0x80U : 0x8000U))
        return t;
    if (to == 8)
        return t + (from == 1 ? 0xFFFFFFFFFFFFFF00ULL : 0xFFFFFFFFFFFF0000ULL);
    if (to == 4)
        return t + (from == 1 ? 0xFFFFFF00ULL : 0xFFFF0000ULL);
    return t + (from == 1 ? 0xFF00ULL : 0);
}

/*@ requires insn_size_ok(s) && v < insn_span(s);
    requires high ==> s == 1;
    assigns \nothing;
    ensures \result == insn_merge(old, v, s, high); */
static uint64_t insn_merge_into(uint64_t old, uint64_t v, unsigned s, bool high)
{
    if (high)
        return old / 0x10000 * 0x10000 + v * 0x100 + old % 0x100;
    switch (s) {
    case 1: return old / 0x100 * 0x100 + v;
    case 2: return old / 0x10000 * 0x10000 + v;
    default: return v;
    }
}

uint64_t insn_reg_read(const struct vcpu_regs *r, unsigned idx, unsigned size, bool high)
{
    uint64_t v = insn_reg_get(r, idx);

    return high ? v / 0x100 % 0x100 : insn_trunc_to(v, size);
}

void insn_reg_write(struct vcpu_regs *r, unsigned idx, unsigned size, bool high, uint64_t v)
{
    insn_reg_set(r, idx, insn_merge_into(insn_reg_get(r, idx), insn_trunc_to(v, size), size, high));
}

uint64_t insn_operand_value(const struct insn *in, const struct vcpu_regs *regs)
{
    if (in->has_imm)
        return insn_trunc_to(in->imm, in->size);
    return insn_reg_read(regs, in->reg, in->size, in->reg_high);
}

void insn_mmio_load_result(const struct insn *in, struct vcpu_regs *regs, uint64_t value)
{
    uint64_t v = in->kind == INSN_MOVSX_FROM_MEM ? insn_sext_to(value, in->size, in->reg_size)
                                                 : insn_trunc_to(value, in->size);

    insn_reg_set(regs, in->reg, insn_merge_into(insn_reg_get(regs, in->reg), v, in->reg_size, in->reg_high));
}
