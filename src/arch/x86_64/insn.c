// SPDX-License-Identifier: GPL-2.0-only
/*
 * Instruction-length and operand decoder (contracts in hv/insn.h, rules in
 * docs/INSN.md).
 *
 * The decode runs in stages, each one reading only bytes it has first
 * checked with insn_need(): legacy and REX prefixes, one to three opcode
 * bytes looked up in a switch (insn_desc) and, for the group opcodes, the
 * operation ModRM.reg selects, then the operand bytes the descriptor asks
 * for (ModRM, SIB, displacement, moffs, immediate).  An instruction is
 * refused as soon as the bytes seen decide it, so a refusal never depends
 * on how many bytes the caller could fetch.
 *
 * Bit fields are read by dividing by the weight of the field (b / 8 % 8)
 * like in pte.c: the compilers emit the same shifts and masks and the
 * provers stay in linear arithmetic with constant divisors.
 */
#include "hv/insn.h"

/* What follows the opcode. */
enum insn_form {
    INSN_FORM_NONE,         /* nothing */
    INSN_FORM_PORT,         /* imm8 port number */
    INSN_FORM_MOFFS,        /* absolute address of address-size bytes; register rAX */
    INSN_FORM_MODRM,        /* ModRM memory operand; register in ModRM.reg unless a group */
};

/* The immediate after a ModRM operand. */
enum insn_imm {
    INSN_IMM_NONE,
    INSN_IMM_OP,            /* of the operand size: 1, 2, 4 (imm32 sign-extended when it is 8) */
    INSN_IMM_SX8,           /* imm8 sign-extended to the operand size (83) */
    INSN_IMM_U8,            /* imm8 as it is (0f ba: a bit offset) */
};

/* Opcodes whose ModRM.reg selects the operation instead of naming a register. */
enum insn_group {
    INSN_GRP_NONE,
    INSN_GRP_MOV,           /* c6, c7: /0 MOV imm */
    INSN_GRP_1,             /* 80, 81: /0../7 ADD..CMP imm */
    INSN_GRP_1_SX8,         /* 83: the same with imm8 sign-extended */
    INSN_GRP_3,             /* f6, f7: /0 TEST imm, /2 NOT, /3 NEG */
    INSN_GRP_INCDEC,        /* fe, ff: /0 INC, /1 DEC */
    INSN_GRP_BT,            /* 0f ba: /4../7 BT, BTS, BTR, BTC imm8 */
};

/* How an operand's width is found. */
enum insn_width {
    INSN_W_NONE,            /* no operand */
    INSN_W_BYTE,            /* 1 */
    INSN_W_WORD,            /* 2 */
    INSN_W_OP,              /* the operand size: 2 or 4, 8 with REX.W */
    INSN_W_IO,              /* a port width: 2 or 4 (REX.W does not make it 8) */
};

/* Which opcode map the opcode came from (the prefixes each one allows differ). */
enum insn_map {
    INSN_MAP_1BYTE,
    INSN_MAP_0F,
    INSN_MAP_0F01,
};

struct insn_desc {
    enum insn_kind kind;    /* INSN_NONE: not supported (or a group not resolved yet) */
    enum insn_form form;
    enum insn_width mem;    /* width of the memory (or port) access */
    enum insn_width reg;    /* width of the register operand */
    enum insn_map map;
    enum insn_alu_op alu;   /* the ALU kinds' operation */
    enum insn_imm imm;
    enum insn_group group;
};

struct insn_prefixes {
    bool opsize;            /* 66 */
    bool addrsize;          /* 67 */
    bool lock;              /* f0 */
    unsigned rep;           /* the last of f2/f3, 0 if neither */
    unsigned seg;           /* the last segment override, INSN_SEG_NONE if none */
    unsigned rex;           /* the REX byte right before the opcode, 0 if none */
};

/*@ predicate desc_sized(struct insn_desc d) =
      (d.mem == INSN_W_BYTE || d.mem == INSN_W_OP) && d.reg == d.mem;
    predicate desc_ok(struct insn_desc d) =
      INSN_NONE <= d.kind <= INSN_CMPXCHG_MEM && INSN_MAP_1BYTE <= d.map <= INSN_MAP_0F01 &&
      INSN_IMM_NONE <= d.imm <= INSN_IMM_U8 && INSN_GRP_NONE <= d.group <= INSN_GRP_BT &&
      ((d.kind == INSN_MOV_TO_MEM || d.kind == INSN_MOV_FROM_MEM || d.kind == INSN_XCHG_MEM) ==>
         desc_sized(d) && (d.form == INSN_FORM_MODRM || d.form == INSN_FORM_MOFFS)) &&
      (insn_alu_kind(d.kind) ==> desc_sized(d) && d.form == INSN_FORM_MODRM) &&
      ((d.kind == INSN_MOVZX_FROM_MEM || d.kind == INSN_MOVSX_FROM_MEM) ==>
         (d.mem == INSN_W_BYTE || d.mem == INSN_W_WORD) && d.reg == INSN_W_OP &&
         d.form == INSN_FORM_MODRM) &&
      (INSN_IN_IMM <= d.kind <= INSN_OUTS ==> (d.mem == INSN_W_BYTE || d.mem == INSN_W_IO)) &&
      ((d.kind == INSN_IN_IMM || d.kind == INSN_OUT_IMM) <==> d.form == INSN_FORM_PORT) &&
      (d.imm != INSN_IMM_NONE ==> d.form == INSN_FORM_MODRM &&
         (d.kind == INSN_MOV_TO_MEM || d.kind == INSN_ALU_TO_MEM || d.kind == INSN_BT_MEM)) &&
      ((d.imm == INSN_IMM_SX8 || d.imm == INSN_IMM_U8) ==> d.mem == INSN_W_OP) &&
      insn_alu_ok(d.kind, d.alu, d.imm != INSN_IMM_NONE ? 1 : 0) &&
      (d.group != INSN_GRP_NONE ==> desc_sized(d) && d.form == INSN_FORM_MODRM) &&
      ((d.group == INSN_GRP_1_SX8 || d.group == INSN_GRP_BT) ==> d.mem == INSN_W_OP);
*/

/* -XEN_EINVAL when an instruction would end beyond byte 15, -XEN_EFAULT
 * when it ends beyond the bytes the caller has, else 0. */
/*@ requires lim <= INSN_MAX_LEN;
    assigns \nothing;
    ensures end <= lim ==> \result == 0;
    ensures end > lim && end > INSN_MAX_LEN ==> \result == -XEN_EINVAL;
    ensures end > lim && end <= INSN_MAX_LEN ==> \result == -XEN_EFAULT; */
static int insn_need(unsigned end, unsigned lim)
{
    if (end <= lim)
        return 0;
    return end > INSN_MAX_LEN ? -XEN_EINVAL : -XEN_EFAULT;
}

/* Record legacy prefix b; false if b is not one.  A legacy prefix after a
 * REX prefix makes the CPU ignore the REX. */
/*@ requires \valid(p);
    assigns *p; */
static bool insn_legacy_prefix(struct insn_prefixes *p, unsigned b)
{
    switch (b) {
    case 0x66: p->opsize = true; break;
    case 0x67: p->addrsize = true; break;
    case 0xf0: p->lock = true; break;
    case 0xf2: case 0xf3: p->rep = b; break;
    case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65: p->seg = b; break;
    default: return false;
    }
    p->rex = 0;
    return true;
}

/* Position of the first byte that is not a prefix. */
/*@ requires lim <= INSN_MAX_LEN && \valid_read(bytes + (0 .. lim - 1));
    requires \valid(p) && \separated(p, bytes + (0 .. lim - 1));
    assigns *p;
    ensures \result == -XEN_EINVAL || \result == -XEN_EFAULT || 0 <= \result < lim; */
static int insn_scan_prefixes(const uint8_t *bytes, unsigned lim, bool long_mode,
                              struct insn_prefixes *p)
{
    unsigned i;

    p->opsize = p->addrsize = p->lock = false;
    p->rep = 0;
    p->seg = INSN_SEG_NONE;
    p->rex = 0;
    /*@ loop invariant 0 <= i <= lim;
        loop assigns i, *p;
        loop variant lim - i; */
    for (i = 0; i < lim; i++) {
        unsigned b = bytes[i];

        if (long_mode && b >= 0x40 && b <= 0x4f)
            p->rex = b;                 /* only the last one counts */
        else if (!insn_legacy_prefix(p, b))
            return (int)i;
    }
    return insn_need(lim + 1, lim);
}

/* The rows 00-3f whose low three bits are 0-3: ADD, OR, ADC, SBB, AND,
 * SUB, XOR, CMP (op / 8) with the memory operand first (x0, x1) or the
 * register first (x2, x3).  x4/x5 (rAX, imm) touch no memory. */
/*@ requires op < 0x40 && op % 8 < 4;
    assigns \nothing;
    ensures desc_ok(\result) && \result.map == INSN_MAP_1BYTE && \result.kind != INSN_NONE; */
static struct insn_desc insn_desc_alu_row(unsigned op)
{
    struct insn_desc d = { INSN_ALU_TO_MEM, INSN_FORM_MODRM, INSN_W_BYTE, INSN_W_BYTE, INSN_MAP_1BYTE,
                           INSN_ALU_ADD, INSN_IMM_NONE, INSN_GRP_NONE };

    switch (op / 8) {
    case 1: d.alu = INSN_ALU_OR; break;
    case 2: d.alu = INSN_ALU_ADC; break;
    case 3: d.alu = INSN_ALU_SBB; break;
    case 4: d.alu = INSN_ALU_AND; break;
    case 5: d.alu = INSN_ALU_SUB; break;
    case 6: d.alu = INSN_ALU_XOR; break;
    case 7: d.alu = INSN_ALU_CMP; break;
    default: break;
    }
    if (op % 8 >= 2)
        d.kind = INSN_ALU_FROM_MEM;
    if (op % 2 == 1)
        d.mem = d.reg = INSN_W_OP;
    return d;
}

/* One-byte opcode map. */
/*@ assigns \nothing;
    ensures desc_ok(\result) && \result.map == INSN_MAP_1BYTE; */
static struct insn_desc insn_desc_1byte(unsigned op)
{
    struct insn_desc d = { INSN_NONE, INSN_FORM_NONE, INSN_W_NONE, INSN_W_NONE, INSN_MAP_1BYTE,
                           INSN_ALU_ADD, INSN_IMM_NONE, INSN_GRP_NONE };

    if (op < 0x40 && op % 8 < 4)
        return insn_desc_alu_row(op);
    switch (op) {
    case 0x88: case 0x89: case 0xa2: case 0xa3:
        d.kind = INSN_MOV_TO_MEM;
        break;
    case 0x8a: case 0x8b: case 0xa0: case 0xa1:
        d.kind = INSN_MOV_FROM_MEM;
        break;
    case 0x86: case 0x87:
        d.kind = INSN_XCHG_MEM;
        break;
    case 0x84: case 0x85:
        d.kind = INSN_ALU_TO_MEM;
        d.alu = INSN_ALU_TEST;
        break;
    case 0xc6: case 0xc7: d.group = INSN_GRP_MOV; break;
    case 0x80: case 0x81: d.group = INSN_GRP_1; break;
    case 0x83: d.group = INSN_GRP_1_SX8; break;
    case 0xf6: case 0xf7: d.group = INSN_GRP_3; break;
    case 0xfe: case 0xff: d.group = INSN_GRP_INCDEC; break;
    case 0xe4: case 0xe5: d.kind = INSN_IN_IMM; d.form = INSN_FORM_PORT; break;
    case 0xe6: case 0xe7: d.kind = INSN_OUT_IMM; d.form = INSN_FORM_PORT; break;
    case 0xec: case 0xed: d.kind = INSN_IN_DX; break;
    case 0xee: case 0xef: d.kind = INSN_OUT_DX; break;
    case 0x6c: case 0x6d: d.kind = INSN_INS; break;
    case 0x6e: case 0x6f: d.kind = INSN_OUTS; break;
    case 0xf4: d.kind = INSN_HLT; return d;
    case 0x90: d.kind = INSN_PAUSE; return d;       /* without f3 it is NOP: refused later */
    default: return d;
    }
    if (d.kind >= INSN_MOV_TO_MEM || d.group != INSN_GRP_NONE) {
        /* Even opcodes are the byte forms in this map; a0-a3 take moffs. */
        d.mem = d.reg = op % 2 == 0 ? INSN_W_BYTE : INSN_W_OP;
        d.form = op / 4 == 0xa0 / 4 ? INSN_FORM_MOFFS : INSN_FORM_MODRM;
    } else {
        d.mem = op % 2 == 0 ? INSN_W_BYTE : INSN_W_IO;
    }
    return d;
}

/* 0f a3, ab, b3, bb: BT, BTS, BTR, BTC m, r. */
/*@ assigns \nothing;
    ensures INSN_ALU_BT <= \result <= INSN_ALU_BTC; */
static enum insn_alu_op insn_bt_op(unsigned op)
{
    switch (op) {
    case 0xab: return INSN_ALU_BTS;
    case 0xb3: return INSN_ALU_BTR;
    case 0xbb: return INSN_ALU_BTC;
    default: return INSN_ALU_BT;
    }
}

/* Two-byte map (0f xx), 0f 01 excepted. */
/*@ assigns \nothing;
    ensures desc_ok(\result) && \result.map == INSN_MAP_0F; */
static struct insn_desc insn_desc_0f(unsigned op)
{
    struct insn_desc d = { INSN_NONE, INSN_FORM_NONE, INSN_W_NONE, INSN_W_NONE, INSN_MAP_0F,
                           INSN_ALU_ADD, INSN_IMM_NONE, INSN_GRP_NONE };

    switch (op) {
    case 0xa2: d.kind = INSN_CPUID; break;
    case 0x32: d.kind = INSN_RDMSR; break;
    case 0x30: d.kind = INSN_WRMSR; break;
    case 0x31: d.kind = INSN_RDTSC; break;
    case 0x33: d.kind = INSN_RDPMC; break;
    case 0x09: d.kind = INSN_WBINVD; break;
    case 0x08: d.kind = INSN_INVD; break;
    case 0xb6: case 0xb7: case 0xbe: case 0xbf:
        d.kind = op < 0xb8 ? INSN_MOVZX_FROM_MEM : INSN_MOVSX_FROM_MEM;
        d.form = INSN_FORM_MODRM;
        d.mem = op % 2 == 0 ? INSN_W_BYTE : INSN_W_WORD;
        d.reg = INSN_W_OP;
        break;
    case 0xa3: case 0xab: case 0xb3: case 0xbb:
        d.kind = INSN_BT_MEM;
        d.alu = insn_bt_op(op);
        d.form = INSN_FORM_MODRM;
        d.mem = d.reg = INSN_W_OP;
        break;
    case 0xba:
        d.group = INSN_GRP_BT;
        d.form = INSN_FORM_MODRM;
        d.mem = d.reg = INSN_W_OP;
        break;
    case 0xc0: case 0xc1: case 0xb0: case 0xb1:
        d.kind = op >= 0xc0 ? INSN_XADD_MEM : INSN_CMPXCHG_MEM;
        d.alu = op >= 0xc0 ? INSN_ALU_ADD : INSN_ALU_CMP;
        d.form = INSN_FORM_MODRM;
        d.mem = d.reg = op % 2 == 0 ? INSN_W_BYTE : INSN_W_OP;
        break;
    default: break;
    }
    return d;
}

/* 0f 01 xx: only register forms with a fixed third byte are supported. */
/*@ assigns \nothing;
    ensures desc_ok(\result) && \result.map == INSN_MAP_0F01; */
static struct insn_desc insn_desc_0f01(unsigned op)
{
    struct insn_desc d = { INSN_NONE, INSN_FORM_NONE, INSN_W_NONE, INSN_W_NONE, INSN_MAP_0F01,
                           INSN_ALU_ADD, INSN_IMM_NONE, INSN_GRP_NONE };

    switch (op) {
    case 0xd9: d.kind = INSN_VMMCALL; break;
    case 0xc1: d.kind = INSN_VMCALL; break;
    case 0xd1: d.kind = INSN_XSETBV; break;
    case 0xf9: d.kind = INSN_RDTSCP; break;
    default: break;
    }
    return d;
}

/* The operation /reg selects in a group: ADD..CMP in their encoding order. */
/*@ requires reg < 8;
    assigns \nothing;
    ensures INSN_ALU_ADD <= \result <= INSN_ALU_CMP; */
static enum insn_alu_op insn_group1_op(unsigned reg)
{
    switch (reg) {
    case 1: return INSN_ALU_OR;
    case 2: return INSN_ALU_ADC;
    case 3: return INSN_ALU_SBB;
    case 4: return INSN_ALU_AND;
    case 5: return INSN_ALU_SUB;
    case 6: return INSN_ALU_XOR;
    case 7: return INSN_ALU_CMP;
    default: return INSN_ALU_ADD;
    }
}

/*
 * A group opcode completed by ModRM.reg: the kind, the operation and the
 * immediate; INSN_NONE for the members not emulated (f6/f7 /1 /4../7 MUL,
 * DIV..., fe/ff /2../7 CALL, JMP, PUSH, 0f ba /0../3) and those the CPU
 * rejects (c6/c7 other than /0).
 */
/*@ requires desc_ok(d) && d.group != INSN_GRP_NONE && reg < 8;
    assigns \nothing;
    ensures desc_ok(\result) && \result.map == d.map && \result.group == d.group; */
static struct insn_desc insn_desc_group(struct insn_desc d, unsigned reg)
{
    d.kind = INSN_NONE;                                 /* until a member below is recognised */
    d.alu = INSN_ALU_ADD;
    d.imm = INSN_IMM_NONE;
    switch (d.group) {
    case INSN_GRP_MOV:
        if (reg == 0) { d.kind = INSN_MOV_TO_MEM; d.imm = INSN_IMM_OP; }
        break;
    case INSN_GRP_1: case INSN_GRP_1_SX8:
        d.kind = INSN_ALU_TO_MEM;
        d.alu = insn_group1_op(reg);
        d.imm = d.group == INSN_GRP_1 ? INSN_IMM_OP : INSN_IMM_SX8;
        break;
    case INSN_GRP_3:
        if (reg == 0) { d.kind = INSN_ALU_TO_MEM; d.alu = INSN_ALU_TEST; d.imm = INSN_IMM_OP; }
        else if (reg == 2) { d.kind = INSN_UNARY_MEM; d.alu = INSN_ALU_NOT; }
        else if (reg == 3) { d.kind = INSN_UNARY_MEM; d.alu = INSN_ALU_NEG; }
        break;
    case INSN_GRP_INCDEC:
        if (reg <= 1) { d.kind = INSN_UNARY_MEM; d.alu = reg == 0 ? INSN_ALU_INC : INSN_ALU_DEC; }
        break;
    default:                                            /* INSN_GRP_BT */
        if (reg >= 4) { d.kind = INSN_BT_MEM; d.alu = insn_bt_op(0xa3 + (reg - 4) * 8); d.imm = INSN_IMM_U8; }
        break;
    }
    return d;
}

/* Read the opcode bytes at pos; returns the position after them. */
/*@ requires lim <= INSN_MAX_LEN && pos < lim && \valid_read(bytes + (0 .. lim - 1));
    requires \valid(d) && \separated(d, bytes + (0 .. lim - 1));
    assigns *d;
    ensures \result == -XEN_EINVAL || \result == -XEN_EFAULT || (pos < \result <= lim && desc_ok(*d)); */
static int insn_opcode_bytes(const uint8_t *bytes, unsigned lim, unsigned pos, struct insn_desc *d)
{
    int rc;

    if (bytes[pos] != 0x0f) {
        *d = insn_desc_1byte(bytes[pos]);
        return (int)pos + 1;
    }
    rc = insn_need(pos + 2, lim);
    if (rc != 0)
        return rc;
    if (bytes[pos + 1] != 0x01) {
        *d = insn_desc_0f(bytes[pos + 1]);
        return (int)pos + 2;
    }
    rc = insn_need(pos + 3, lim);
    if (rc != 0)
        return rc;
    *d = insn_desc_0f01(bytes[pos + 2]);
    return (int)pos + 3;
}

/* The opcode, a group's completed by the ModRM byte that follows (left to be read again). */
/*@ requires lim <= INSN_MAX_LEN && pos < lim && \valid_read(bytes + (0 .. lim - 1));
    requires \valid(d) && \separated(d, bytes + (0 .. lim - 1));
    assigns *d;
    ensures \result == -XEN_EINVAL || \result == -XEN_EFAULT || (pos < \result <= lim && desc_ok(*d)); */
static int insn_opcode(const uint8_t *bytes, unsigned lim, unsigned pos, struct insn_desc *d)
{
    int end = insn_opcode_bytes(bytes, lim, pos, d);
    int rc;

    if (end < 0 || d->group == INSN_GRP_NONE)
        return end;
    rc = insn_need((unsigned)end + 1, lim);
    if (rc != 0)
        return rc;
    *d = insn_desc_group(*d, bytes[end] / 8 % 8);
    return end;
}

/* What LOCK may prefix (insn_lockable): instructions that write their memory operand. */
/*@ assigns \nothing;
    ensures \result != 0 <==> insn_lockable(k, op); */
static bool insn_lock_ok(enum insn_kind k, enum insn_alu_op op)
{
    switch (k) {
    case INSN_XCHG_MEM: case INSN_UNARY_MEM: case INSN_XADD_MEM: case INSN_CMPXCHG_MEM:
        return true;
    case INSN_ALU_TO_MEM:
        return op != INSN_ALU_CMP && op != INSN_ALU_TEST;
    case INSN_BT_MEM:
        return op != INSN_ALU_BT;
    default:
        return false;
    }
}

/*
 * Prefixes the CPU would reject (#UD) or that would make it another
 * instruction: LOCK on anything that does not write memory (insn_lock_ok);
 * f2/f3 in the 0f maps (they select VMGEXIT, POPCNT, TZCNT and the like
 * there); 66 in 0f 01; f2 on INS/OUTS (undefined); PAUSE is f3 90 (90 alone
 * is NOP, and with REX.B an XCHG).
 */
/*@ requires \valid_read(d) && \valid_read(p);
    assigns \nothing;
    ensures \result != 0 && p->lock != 0 ==> insn_lockable(d->kind, d->alu); */
static bool insn_prefixes_fit(const struct insn_desc *d, const struct insn_prefixes *p)
{
    if (p->lock && !insn_lock_ok(d->kind, d->alu))
        return false;
    if (d->map != INSN_MAP_1BYTE && p->rep != 0)
        return false;
    if (d->map == INSN_MAP_0F01 && p->opsize)
        return false;
    if ((d->kind == INSN_INS || d->kind == INSN_OUTS) && p->rep == 0xf2)
        return false;
    if (d->kind == INSN_PAUSE)
        return p->rep == 0xf3 && p->rex % 2 == 0;
    return true;
}

/* Address size for the mode and 67. */
/*@ requires mode == VCPU_CS_16 || mode == VCPU_CS_32 || mode == VCPU_CS_64;
    assigns \nothing;
    ensures \result == 2 || \result == 4 || \result == 8; */
static unsigned insn_addr_size(enum vcpu_cs_mode mode, bool addrsize)
{
    if (mode == VCPU_CS_64)
        return addrsize ? 4 : 8;
    if (mode == VCPU_CS_32)
        return addrsize ? 2 : 4;
    return addrsize ? 4 : 2;
}

/* Width in bytes under a width rule, the mode, 66 and REX.W. */
/*@ requires mode == VCPU_CS_16 || mode == VCPU_CS_32 || mode == VCPU_CS_64;
    assigns \nothing;
    ensures w == INSN_W_NONE ==> \result == 0;
    ensures w == INSN_W_BYTE ==> \result == 1;
    ensures w == INSN_W_WORD ==> \result == 2;
    ensures w == INSN_W_OP ==> \result == 2 || \result == 4 || \result == 8;
    ensures w == INSN_W_IO ==> \result == 2 || \result == 4;
    ensures \result == 1 ==> w == INSN_W_BYTE; */
static unsigned insn_width_bytes(enum insn_width w, enum vcpu_cs_mode mode, bool opsize, unsigned rex)
{
    bool narrow = (mode == VCPU_CS_16) != opsize;       /* 66 swaps 2 and 4 */

    switch (w) {
    case INSN_W_BYTE: return 1;
    case INSN_W_WORD: return 2;
    case INSN_W_OP: return rex / 8 % 2 == 1 ? 8 : narrow ? 2 : 4;
    case INSN_W_IO: return rex / 8 % 2 == 1 ? 4 : narrow ? 2 : 4;
    default: return 0;
    }
}

/*
 * The fields that the descriptor and the prefixes decide.  Built as a value
 * (no pointers): the provers then see each field directly.
 */
/*@ requires mode == VCPU_CS_16 || mode == VCPU_CS_32 || mode == VCPU_CS_64;
    requires desc_ok(d);
    assigns \nothing;
    ensures \result.kind == d.kind && \result.reg == 0 && \result.reg_high == 0 && \result.has_imm == 0;
    ensures \result.alu == d.alu && \result.lock == p.lock;
    ensures \result.addr_size == 2 || \result.addr_size == 4 || \result.addr_size == 8;
    ensures insn_mem_kind(d.kind) ==> insn_mmio_ok(\result);
    ensures d.mem == INSN_W_OP ==> \result.size >= 2;
    ensures INSN_IN_IMM <= d.kind <= INSN_OUTS ==> \result.size == 1 || \result.size == 2 || \result.size == 4;
    ensures d.reg == INSN_W_BYTE <==> \result.reg_size == 1; */
static struct insn insn_fill(struct insn_desc d, struct insn_prefixes p, enum vcpu_cs_mode mode)
{
    struct insn o;

    o.len = 0;
    o.kind = d.kind;
    o.size = insn_width_bytes(d.mem, mode, p.opsize, p.rex);
    /* MOV and XCHG use one width for both operands: one computation. */
    o.reg_size = d.reg == d.mem ? o.size : insn_width_bytes(d.reg, mode, p.opsize, p.rex);
    o.reg = 0;
    o.reg_high = false;
    o.has_imm = false;
    o.imm = 0;
    o.addr_size = insn_addr_size(mode, p.addrsize);
    o.seg = p.seg;
    o.rep = p.rep == 0xf3 && (d.kind == INSN_INS || d.kind == INSN_OUTS);
    o.lock = p.lock;
    o.alu = d.alu;
    return o;
}

/*
 * Length of a ModRM memory operand (ModRM, SIB, displacement) at pos, or an
 * error; *modrm gets the ModRM byte.  16-bit addressing has no SIB and
 * 16-bit displacements; in 32/64-bit addressing mod 0 with rm 5 (RIP- or
 * EIP-relative in 64-bit mode, absolute otherwise) and mod 0 with SIB base 5
 * carry a disp32 with no base register.
 */
/*@ requires lim <= INSN_MAX_LEN && pos < lim && \valid_read(bytes + (0 .. lim - 1));
    requires addr_size == 2 || addr_size == 4 || addr_size == 8;
    requires \valid(modrm) && \separated(modrm, bytes + (0 .. lim - 1));
    assigns *modrm;
    ensures \result == -XEN_EINVAL || \result == -XEN_EFAULT || (pos < \result <= lim && *modrm <= 0xff); */
static int insn_modrm(const uint8_t *bytes, unsigned lim, unsigned pos, unsigned addr_size,
                      unsigned *modrm)
{
    unsigned m = bytes[pos], mod = m / 64, rm = m % 8;
    unsigned end = pos + 1, disp;
    int rc;

    *modrm = m;
    if (mod == 3)
        return (int)end;
    if (addr_size == 2) {
        disp = mod == 1 ? 1 : (mod == 2 || rm == 6) ? 2 : 0;
    } else {
        bool no_base = mod == 0 && rm == 5;

        if (rm == 4) {                                  /* SIB byte */
            rc = insn_need(end + 1, lim);
            if (rc != 0)
                return rc;
            no_base = mod == 0 && bytes[end] % 8 == 5;
            end++;
        }
        disp = mod == 1 ? 1 : (mod == 2 || no_base) ? 4 : 0;
    }
    rc = insn_need(end + disp, lim);
    return rc != 0 ? rc : (int)(end + disp);
}

/*
 * The little-endian immediate at pos, extended to the operand size as the
 * CPU does: INSN_IMM_OP is an imm8, imm16 or imm32 (sign-extended to 64
 * bits with REX.W), INSN_IMM_SX8 an imm8 sign-extended (83), INSN_IMM_U8 an
 * imm8 as it is (a bit offset).
 */
/*@ requires lim <= INSN_MAX_LEN && pos <= lim && \valid_read(bytes + (0 .. lim - 1));
    requires \valid(o) && \separated(o, bytes + (0 .. lim - 1)) && insn_size_ok(o->size);
    requires kind == INSN_IMM_OP || kind == INSN_IMM_SX8 || kind == INSN_IMM_U8;
    requires kind == INSN_IMM_SX8 ==> o->size >= 2;
    assigns o->imm, o->has_imm;
    ensures \result == -XEN_EINVAL || \result == -XEN_EFAULT || pos < \result <= lim;
    ensures \result >= 0 ==> o->has_imm != 0 && o->imm < insn_span(o->size);
    ensures \result < 0 ==> o->has_imm == \old(o->has_imm); */
static int insn_immediate(const uint8_t *bytes, unsigned lim, unsigned pos, enum insn_imm kind, struct insn *o)
{
    unsigned n = kind != INSN_IMM_OP ? 1 : o->size == 8 ? 4 : o->size;
    int rc = insn_need(pos + n, lim);
    uint64_t v;

    if (rc != 0)
        return rc;
    v = bytes[pos];
    if (n >= 2)
        v += (uint64_t)bytes[pos + 1] * 0x100;
    if (n == 4)
        v += (uint64_t)bytes[pos + 2] * 0x10000 + (uint64_t)bytes[pos + 3] * 0x1000000;
    if (kind == INSN_IMM_OP && o->size == 8 && v >= 0x80000000ULL)
        v += 0xFFFFFFFF00000000ULL;
    if (kind == INSN_IMM_SX8 && v >= 0x80U)
        v += o->size == 8 ? 0xFFFFFFFFFFFFFF00ULL : o->size == 4 ? 0xFFFFFF00ULL : 0xFF00ULL;
    o->imm = v;
    o->has_imm = true;
    return (int)(pos + n);
}

/*
 * A ModRM memory operand: register forms (mod 3) are refused, as they
 * access no memory.  Unless the opcode is a group (where ModRM.reg chose
 * the operation), the register operand is ModRM.reg with REX.R, and a byte
 * register 4..7 without any REX prefix is AH..BH.  Then the immediate the
 * descriptor asks for.
 */
/*@ requires lim <= INSN_MAX_LEN && pos < lim && \valid_read(bytes + (0 .. lim - 1));
    requires \valid_read(d) && \valid_read(p) && \valid(o);
    requires \separated(o, bytes + (0 .. lim - 1)) && \separated(o, d, p);
    requires d->form == INSN_FORM_MODRM && INSN_IMM_NONE <= d->imm <= INSN_IMM_U8;
    requires o->reg == 0 && o->reg_high == 0 && o->has_imm == 0;
    requires d->imm != INSN_IMM_NONE ==> insn_size_ok(o->size);
    requires d->imm == INSN_IMM_SX8 ==> o->size >= 2;
    requires o->addr_size == 2 || o->addr_size == 4 || o->addr_size == 8;
    assigns o->reg, o->reg_high, o->imm, o->has_imm;
    ensures \result == -XEN_EINVAL || \result == -XEN_EFAULT || pos < \result <= lim;
    ensures o->reg < 16 && (o->reg_high != 0 ==> o->reg < 4 && o->reg_size == 1);
    ensures o->has_imm != 0 ==> d->imm != INSN_IMM_NONE && o->imm < insn_span(o->size); */
static int insn_modrm_operand(const uint8_t *bytes, unsigned lim, unsigned pos,
                              const struct insn_desc *d, const struct insn_prefixes *p, struct insn *o)
{
    unsigned modrm = 0, reg;
    int end = insn_modrm(bytes, lim, pos, o->addr_size, &modrm);

    if (end < 0)
        return end;
    if (modrm / 64 == 3)
        return -XEN_EINVAL;
    if (d->group == INSN_GRP_NONE) {
        reg = modrm / 8 % 8 + p->rex / 4 % 2 * 8;
        if (o->reg_size == 1 && p->rex == 0 && reg >= 4) {
            o->reg_high = true;
            reg -= 4;
        }
        o->reg = reg;
    }
    if (d->imm == INSN_IMM_NONE)
        return end;
    return insn_immediate(bytes, lim, (unsigned)end, d->imm, o);
}

/* Everything after the opcode; returns the instruction's length. */
/*@ requires lim <= INSN_MAX_LEN && pos <= lim && \valid_read(bytes + (0 .. lim - 1));
    requires \valid_read(d) && \valid_read(p) && \valid(o) && desc_ok(*d);
    requires \separated(o, bytes + (0 .. lim - 1)) && \separated(o, d, p);
    requires o->reg == 0 && o->reg_high == 0 && o->has_imm == 0;
    requires o->addr_size == 2 || o->addr_size == 4 || o->addr_size == 8;
    requires d->imm != INSN_IMM_NONE ==> insn_size_ok(o->size);
    requires d->imm == INSN_IMM_SX8 ==> o->size >= 2;
    requires d->reg == INSN_W_BYTE <==> o->reg_size == 1;
    assigns o->reg, o->reg_high, o->imm, o->has_imm;
    ensures \result == -XEN_EINVAL || \result == -XEN_EFAULT || pos <= \result <= lim;
    ensures insn_operand_ok(*o);
    ensures d->form == INSN_FORM_PORT && \result >= 0 ==> o->has_imm != 0 && o->imm < 0x100;
    ensures d->form != INSN_FORM_PORT && o->has_imm != 0 ==>
            d->imm != INSN_IMM_NONE && o->imm < insn_span(o->size); */
static int insn_operands(const uint8_t *bytes, unsigned lim, unsigned pos,
                         const struct insn_desc *d, const struct insn_prefixes *p, struct insn *o)
{
    int rc;

    switch (d->form) {
    case INSN_FORM_PORT:
        rc = insn_need(pos + 1, lim);
        if (rc != 0)
            return rc;
        o->imm = bytes[pos];
        o->has_imm = true;
        return (int)pos + 1;
    case INSN_FORM_MOFFS:
        rc = insn_need(pos + o->addr_size, lim);
        return rc != 0 ? rc : (int)(pos + o->addr_size);
    case INSN_FORM_MODRM:
        rc = insn_need(pos + 1, lim);
        return rc != 0 ? rc : insn_modrm_operand(bytes, lim, pos, d, p, o);
    default:
        return (int)pos;
    }
}

/* The whole decode into a local of insn_decode (which copies it out only on success). */
/*@ requires lim <= INSN_MAX_LEN && \valid_read(bytes + (0 .. lim - 1));
    requires mode == VCPU_CS_16 || mode == VCPU_CS_32 || mode == VCPU_CS_64;
    requires \valid(o) && \separated(o, bytes + (0 .. lim - 1));
    assigns *o;
    ensures \result == 0 || \result == -XEN_EINVAL || \result == -XEN_EFAULT;
    ensures \result == 0 ==> insn_valid(*o) && o->len <= lim; */
static int insn_decode_into(const uint8_t *bytes, unsigned lim, enum vcpu_cs_mode mode, struct insn *o)
{
    struct insn_prefixes p;
    struct insn_desc d;
    int pos, end;

    pos = insn_scan_prefixes(bytes, lim, mode == VCPU_CS_64, &p);
    if (pos < 0)
        return pos;
    pos = insn_opcode(bytes, lim, (unsigned)pos, &d);
    if (pos < 0)
        return pos;
    if (d.kind == INSN_NONE || !insn_prefixes_fit(&d, &p))
        return -XEN_EINVAL;
    *o = insn_fill(d, p, mode);
    end = insn_operands(bytes, lim, (unsigned)pos, &d, &p, o);
    if (end < 0)
        return end;
    /*@ assert 1 <= end <= lim; */
    o->len = (unsigned)end;
    return 0;
}

int insn_decode(const uint8_t *bytes, size_t avail, enum vcpu_cs_mode mode, struct insn *out)
{
    unsigned lim = avail < INSN_MAX_LEN ? (unsigned)avail : INSN_MAX_LEN;
    struct insn o;
    int rc;

    if (mode != VCPU_CS_16 && mode != VCPU_CS_32 && mode != VCPU_CS_64)
        return -XEN_EINVAL;
    rc = insn_decode_into(bytes, lim, mode, &o);
    if (rc == 0)
        *out = o;
    return rc;
}
