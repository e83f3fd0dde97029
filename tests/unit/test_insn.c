// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the instruction decoder: a table of real encodings in the
 * three code-segment modes with the length, kind and operands the CPU gives
 * them (lengths cross-checked against a disassembler when the table was
 * written), every refusal, every truncation of every encoding, and the
 * load/store semantics (zero extension, merges, high-byte registers,
 * MOVZX/MOVSX) on a full register file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hv/insn.h"

#define C16 VCPU_CS_16
#define C32 VCPU_CS_32
#define C64 VCPU_CS_64

struct vec {
    enum vcpu_cs_mode mode;
    const char *hex;           /* the instruction bytes, exactly */
    int rc;                    /* 0 or -XEN_EINVAL */
    unsigned len;
    enum insn_kind kind;
    unsigned size, reg_size, reg;
    bool high, has_imm;
    uint64_t imm;
    unsigned addr_size;
    enum insn_alu_op alu;      /* the ALU kinds; INSN_ALU_ADD (0) for the others */
    bool lock;
};

/* Decoded fine: length, kind, sizes, register, high byte, immediate (has, value), address size. */
#define OK(m, h, l, k, s, rs, r, hi, hasi, i, a) \
    { m, h, 0, l, INSN_##k, s, rs, r, hi, hasi, i, a, INSN_ALU_ADD, false }
/* No operand: only the length and kind matter. */
#define OP(m, h, l, k, a) OK(m, h, l, k, 0, 0, 0, false, false, 0, a)
#define BAD(m, h) { m, h, -XEN_EINVAL, 0, INSN_NONE, 0, 0, 0, false, false, 0, 0, INSN_ALU_ADD, false }
/* ALU kinds: the operation, one size for memory and register, LOCK or not. */
#define ALU(m, h, l, k, op, s, r, hi, hasi, i, a, lk) \
    { m, h, 0, l, INSN_##k, s, s, r, hi, hasi, i, a, INSN_ALU_##op, lk }

static const struct vec vecs[] = {
    /* ---- 64-bit mode: the xAPIC accesses Linux makes, and their neighbours ---- */
    /* mov [0xfee00330], eax (absolute disp32 through SIB, no base, no index) */
    OK(C64, "89 04 25 30 03 e0 fe", 7, MOV_TO_MEM, 4, 4, 0, false, false, 0, 8),
    /* mov eax, [rip - 16] */
    OK(C64, "8b 05 f0 ff ff ff", 6, MOV_FROM_MEM, 4, 4, 0, false, false, 0, 8),
    /* mov eax, [eip + 0] (67: 32-bit addressing, same length) */
    OK(C64, "67 8b 05 00 00 00 00", 7, MOV_FROM_MEM, 4, 4, 0, false, false, 0, 4),
    /* mov [rax + 0x300], ecx */
    OK(C64, "89 88 00 03 00 00", 6, MOV_TO_MEM, 4, 4, 1, false, false, 0, 8),
    /* mov [rcx*4 + 0xfee00000], rdx */
    OK(C64, "48 89 14 8d 00 00 e0 fe", 8, MOV_TO_MEM, 8, 8, 2, false, false, 0, 8),
    /* mov [rsp + 8], r9d */
    OK(C64, "44 89 4c 24 08", 5, MOV_TO_MEM, 4, 4, 9, false, false, 0, 8),
    /* mov [rbp + rax + 8], eax (SIB base 5 with mod 1: rbp, disp8) */
    OK(C64, "89 44 05 08", 4, MOV_TO_MEM, 4, 4, 0, false, false, 0, 8),
    /* mov [r13*1 + disp32] with REX.B: base field 5 under mod 0 is still "no base" */
    OK(C64, "41 89 04 25 00 00 00 00", 8, MOV_TO_MEM, 4, 4, 0, false, false, 0, 8),
    /* mov [r13 + 0], eax: rm 5 with mod 1 is a base */
    OK(C64, "41 89 45 00", 4, MOV_TO_MEM, 4, 4, 0, false, false, 0, 8),
    /* mov [rax + rbx*8 + 0x12345678], r15 */
    OK(C64, "4c 89 bc d8 78 56 34 12", 8, MOV_TO_MEM, 8, 8, 15, false, false, 0, 8),
    /* mov [rdi], ax */
    OK(C64, "66 89 07", 3, MOV_TO_MEM, 2, 2, 0, false, false, 0, 8),
    /* 66 then REX.W: REX.W wins, mov [rax], rax */
    OK(C64, "66 48 89 00", 4, MOV_TO_MEM, 8, 8, 0, false, false, 0, 8),
    /* REX then 66: the REX is not last, the CPU ignores it: mov [rax], ax */
    OK(C64, "48 66 89 00", 4, MOV_TO_MEM, 2, 2, 0, false, false, 0, 8),
    /* two REX prefixes: only the last counts (REX.R here, not REX.W) */
    OK(C64, "48 44 89 00", 4, MOV_TO_MEM, 4, 4, 8, false, false, 0, 8),
    /* mov [rax], r8 */
    OK(C64, "4c 89 00", 3, MOV_TO_MEM, 8, 8, 8, false, false, 0, 8),
    /* mov [rdi], ah: no REX, reg 4 is AH */
    OK(C64, "88 27", 2, MOV_TO_MEM, 1, 1, 0, true, false, 0, 8),
    /* mov [rdi], spl: any REX turns 4..7 into SPL..DIL */
    OK(C64, "40 88 27", 3, MOV_TO_MEM, 1, 1, 4, false, false, 0, 8),
    /* mov [rax], r12b */
    OK(C64, "44 88 20", 3, MOV_TO_MEM, 1, 1, 12, false, false, 0, 8),
    /* mov bh, [rsi] */
    OK(C64, "8a 3e", 2, MOV_FROM_MEM, 1, 1, 3, true, false, 0, 8),
    /* mov dl, [rsi] */
    OK(C64, "8a 16", 2, MOV_FROM_MEM, 1, 1, 2, false, false, 0, 8),
    /* mov dword [0xfee000b0], 0 (the EOI write) */
    OK(C64, "c7 04 25 b0 00 e0 fe 00 00 00 00", 11, MOV_TO_MEM, 4, 4, 0, false, true, 0, 8),
    /* mov qword [rax], -1: imm32 sign-extended */
    OK(C64, "48 c7 00 ff ff ff ff", 7, MOV_TO_MEM, 8, 8, 0, false, true, 0xFFFFFFFFFFFFFFFFULL, 8),
    /* mov qword [rax], 0x7fffffff: positive imm32 stays */
    OK(C64, "48 c7 00 ff ff ff 7f", 7, MOV_TO_MEM, 8, 8, 0, false, true, 0x7FFFFFFFULL, 8),
    /* mov dword [rax], 0x80000000: no extension at 32 bits */
    OK(C64, "c7 00 00 00 00 80", 6, MOV_TO_MEM, 4, 4, 0, false, true, 0x80000000ULL, 8),
    /* mov word [rax], 0x1234 */
    OK(C64, "66 c7 00 34 12", 5, MOV_TO_MEM, 2, 2, 0, false, true, 0x1234, 8),
    /* mov byte [rax + 16], 0xab */
    OK(C64, "c6 40 10 ab", 4, MOV_TO_MEM, 1, 1, 0, false, true, 0xAB, 8),
    /* mov byte [rip + 0x100], 1 with a REX: the REX does not change the immediate */
    OK(C64, "41 c6 05 00 01 00 00 01", 8, MOV_TO_MEM, 1, 1, 0, false, true, 1, 8),
    /* mov eax, [moffs64] */
    OK(C64, "a1 00 03 e0 fe 00 00 00 00", 9, MOV_FROM_MEM, 4, 4, 0, false, false, 0, 8),
    /* mov eax, [moffs32] with 67 */
    OK(C64, "67 a1 00 03 e0 fe", 6, MOV_FROM_MEM, 4, 4, 0, false, false, 0, 4),
    /* mov [moffs64], rax */
    OK(C64, "48 a3 00 03 e0 fe 00 00 00 00", 10, MOV_TO_MEM, 8, 8, 0, false, false, 0, 8),
    /* mov al, [moffs64]; mov [moffs64], al */
    OK(C64, "a0 88 77 66 55 44 33 22 11", 9, MOV_FROM_MEM, 1, 1, 0, false, false, 0, 8),
    OK(C64, "a2 88 77 66 55 44 33 22 11", 9, MOV_TO_MEM, 1, 1, 0, false, false, 0, 8),
    /* movzx eax, byte [rdi + 32]; movzx rax, word [rdi]; movzx ax, byte [rdi]; movzx r9d, word [rsi] */
    OK(C64, "0f b6 47 20", 4, MOVZX_FROM_MEM, 1, 4, 0, false, false, 0, 8),
    OK(C64, "48 0f b7 07", 4, MOVZX_FROM_MEM, 2, 8, 0, false, false, 0, 8),
    OK(C64, "66 0f b6 07", 4, MOVZX_FROM_MEM, 1, 2, 0, false, false, 0, 8),
    OK(C64, "44 0f b7 0e", 4, MOVZX_FROM_MEM, 2, 4, 9, false, false, 0, 8),
    /* movzx esp, byte [rax]: register 4 is ESP here, never AH (the destination is not a byte) */
    OK(C64, "0f b6 20", 3, MOVZX_FROM_MEM, 1, 4, 4, false, false, 0, 8),
    /* movsx eax, byte [rdi]; movsx rax, word [rdi]; movsx ax, byte [rdi] */
    OK(C64, "0f be 07", 3, MOVSX_FROM_MEM, 1, 4, 0, false, false, 0, 8),
    OK(C64, "48 0f bf 07", 4, MOVSX_FROM_MEM, 2, 8, 0, false, false, 0, 8),
    OK(C64, "66 0f be 07", 4, MOVSX_FROM_MEM, 1, 2, 0, false, false, 0, 8),
    /* xchg [rdx], eax; lock xchg [rdx], eax; xchg [rax], bh; xchg [rax], r11 */
    OK(C64, "87 02", 2, XCHG_MEM, 4, 4, 0, false, false, 0, 8),
    { C64, "f0 87 02", 0, 3, INSN_XCHG_MEM, 4, 4, 0, false, false, 0, 8, INSN_ALU_ADD, true },
    OK(C64, "86 38", 2, XCHG_MEM, 1, 1, 3, true, false, 0, 8),
    OK(C64, "4c 87 18", 3, XCHG_MEM, 8, 8, 11, false, false, 0, 8),
    /* XRELEASE mov and a ds override: prefixes the CPU accepts on a store */
    OK(C64, "f3 89 02", 3, MOV_TO_MEM, 4, 4, 0, false, false, 0, 8),
    OK(C64, "3e 89 02", 3, MOV_TO_MEM, 4, 4, 0, false, false, 0, 8),
    /* mov eax, gs:[0x10] (segment recorded, see test_prefix_fields) */
    OK(C64, "65 8b 04 25 10 00 00 00", 8, MOV_FROM_MEM, 4, 4, 0, false, false, 0, 8),
    /* no-operand instructions */
    OP(C64, "0f 01 d9", 3, VMMCALL, 8),
    OP(C64, "0f 01 c1", 3, VMCALL, 8),
    OP(C64, "0f a2", 2, CPUID, 8),
    OP(C64, "0f 32", 2, RDMSR, 8),
    OP(C64, "0f 30", 2, WRMSR, 8),
    OP(C64, "f4", 1, HLT, 8),
    OP(C64, "f3 f4", 2, HLT, 8),
    OP(C64, "0f 01 d1", 3, XSETBV, 8),
    OP(C64, "0f 09", 2, WBINVD, 8),
    OP(C64, "0f 08", 2, INVD, 8),
    OP(C64, "0f 31", 2, RDTSC, 8),
    OP(C64, "0f 01 f9", 3, RDTSCP, 8),
    OP(C64, "0f 33", 2, RDPMC, 8),
    OP(C64, "f3 90", 2, PAUSE, 8),
    OP(C64, "48 0f a2", 3, CPUID, 8),
    OP(C64, "66 0f 32", 3, RDMSR, 8),
    /* port I/O */
    OK(C64, "e4 71", 2, IN_IMM, 1, 0, 0, false, true, 0x71, 8),
    OK(C64, "e5 40", 2, IN_IMM, 4, 0, 0, false, true, 0x40, 8),
    OK(C64, "66 e7 80", 3, OUT_IMM, 2, 0, 0, false, true, 0x80, 8),
    OK(C64, "e6 ff", 2, OUT_IMM, 1, 0, 0, false, true, 0xFF, 8),
    OK(C64, "ec", 1, IN_DX, 1, 0, 0, false, false, 0, 8),
    OK(C64, "66 ed", 2, IN_DX, 2, 0, 0, false, false, 0, 8),
    OK(C64, "ef", 1, OUT_DX, 4, 0, 0, false, false, 0, 8),
    OK(C64, "ee", 1, OUT_DX, 1, 0, 0, false, false, 0, 8),
    /* REX.W cannot make port I/O 64-bit, with or without 66 */
    OK(C64, "48 ed", 2, IN_DX, 4, 0, 0, false, false, 0, 8),
    OK(C64, "66 48 ed", 3, IN_DX, 4, 0, 0, false, false, 0, 8),
    OK(C64, "f3 6c", 2, INS, 1, 0, 0, false, false, 0, 8),
    OK(C64, "66 f3 6f", 3, OUTS, 2, 0, 0, false, false, 0, 8),
    OK(C64, "6e", 1, OUTS, 1, 0, 0, false, false, 0, 8),
    OK(C64, "67 f3 6d", 3, INS, 4, 0, 0, false, false, 0, 4),
    /* 14 prefixes + hlt: exactly 15 bytes */
    OP(C64, "66 66 66 66 66 66 66 66 66 66 66 66 66 66 f4", 15, HLT, 8),
    /* 11 prefixes + mov [rax+rbx], eax with disp8: 15 bytes */
    OK(C64, "66 66 66 66 66 66 66 66 66 66 40 89 44 18 10", 15, MOV_TO_MEM, 2, 2, 0, false, false, 0, 8),

    /* ---- ALU instructions on memory (64-bit mode) ---- */
    /* op m, r: add [rip + disp32], eax; lock or [abs], ecx; adc [rax], rdx; sbb [rax], bx */
    ALU(C64, "01 05 30 03 e0 fe", 6, ALU_TO_MEM, ADD, 4, 0, false, false, 0, 8, false),
    ALU(C64, "f0 09 0c 25 00 00 d0 fe", 8, ALU_TO_MEM, OR, 4, 1, false, false, 0, 8, true),
    ALU(C64, "48 11 10", 3, ALU_TO_MEM, ADC, 8, 2, false, false, 0, 8, false),
    ALU(C64, "66 19 18", 3, ALU_TO_MEM, SBB, 2, 3, false, false, 0, 8, false),
    /* and [rax], ah; and [rax], spl (any REX); sub [rax], r8d; xor [rax], eax; cmp [rdi+16], eax; cmp [rsi], bh */
    ALU(C64, "20 20", 2, ALU_TO_MEM, AND, 1, 0, true, false, 0, 8, false),
    ALU(C64, "40 20 20", 3, ALU_TO_MEM, AND, 1, 4, false, false, 0, 8, false),
    ALU(C64, "44 29 00", 3, ALU_TO_MEM, SUB, 4, 8, false, false, 0, 8, false),
    ALU(C64, "31 00", 2, ALU_TO_MEM, XOR, 4, 0, false, false, 0, 8, false),
    ALU(C64, "39 47 10", 3, ALU_TO_MEM, CMP, 4, 0, false, false, 0, 8, false),
    ALU(C64, "38 3e", 2, ALU_TO_MEM, CMP, 1, 3, true, false, 0, 8, false),
    /* op r, m: add eax, [rip]; or ah, [rdi]; adc r9, [rax]; sbb dx, [rax]; and cl, [rsi]; sub ecx, [rax+4];
     * xor edx, [rsp]; cmp eax, [rip + disp32]; cmp bl, [rdi] */
    ALU(C64, "03 05 00 00 00 00", 6, ALU_FROM_MEM, ADD, 4, 0, false, false, 0, 8, false),
    ALU(C64, "0a 27", 2, ALU_FROM_MEM, OR, 1, 0, true, false, 0, 8, false),
    ALU(C64, "4c 13 08", 3, ALU_FROM_MEM, ADC, 8, 9, false, false, 0, 8, false),
    ALU(C64, "66 1b 10", 3, ALU_FROM_MEM, SBB, 2, 2, false, false, 0, 8, false),
    ALU(C64, "22 0e", 2, ALU_FROM_MEM, AND, 1, 1, false, false, 0, 8, false),
    ALU(C64, "2b 48 04", 3, ALU_FROM_MEM, SUB, 4, 1, false, false, 0, 8, false),
    ALU(C64, "33 14 24", 3, ALU_FROM_MEM, XOR, 4, 2, false, false, 0, 8, false),
    ALU(C64, "3b 05 30 03 e0 fe", 6, ALU_FROM_MEM, CMP, 4, 0, false, false, 0, 8, false),
    ALU(C64, "3a 1f", 2, ALU_FROM_MEM, CMP, 1, 3, false, false, 0, 8, false),
    /* group 1: or byte [rax], 1; lock or byte [rip], 0x80; and dword [rax], 0xfffeffff; add word [rax], 0x1234 */
    ALU(C64, "80 08 01", 3, ALU_TO_MEM, OR, 1, 0, false, true, 1, 8, false),
    ALU(C64, "f0 80 0d 00 00 00 00 80", 8, ALU_TO_MEM, OR, 1, 0, false, true, 0x80, 8, true),
    ALU(C64, "81 20 ff ff fe ff", 6, ALU_TO_MEM, AND, 4, 0, false, true, 0xFFFEFFFF, 8, false),
    ALU(C64, "66 81 00 34 12", 5, ALU_TO_MEM, ADD, 2, 0, false, true, 0x1234, 8, false),
    /* cmp qword [rax], 0x80000000: imm32 sign-extended */
    ALU(C64, "48 81 38 00 00 00 80", 7, ALU_TO_MEM, CMP, 8, 0, false, true, 0xFFFFFFFF80000000ULL, 8, false),
    /* 83: imm8 sign-extended to the operand size: add dword [rax], 1; sub dword [rax], -1; xor word [rax], -128 */
    ALU(C64, "83 00 01", 3, ALU_TO_MEM, ADD, 4, 0, false, true, 1, 8, false),
    ALU(C64, "83 28 ff", 3, ALU_TO_MEM, SUB, 4, 0, false, true, 0xFFFFFFFF, 8, false),
    ALU(C64, "66 83 30 80", 4, ALU_TO_MEM, XOR, 2, 0, false, true, 0xFF80, 8, false),
    /* cmp qword [0x1000], 0x7f; or qword [rax], -1; sbb dword [rax], 2; adc word [rax], 3 */
    ALU(C64, "48 83 3c 25 00 10 00 00 7f", 9, ALU_TO_MEM, CMP, 8, 0, false, true, 0x7F, 8, false),
    ALU(C64, "48 83 08 ff", 4, ALU_TO_MEM, OR, 8, 0, false, true, 0xFFFFFFFFFFFFFFFFULL, 8, false),
    ALU(C64, "83 18 02", 3, ALU_TO_MEM, SBB, 4, 0, false, true, 2, 8, false),
    ALU(C64, "66 83 10 03", 4, ALU_TO_MEM, ADC, 2, 0, false, true, 3, 8, false),
    /* Linux's full barrier: lock add dword [rsp - 4], 0 */
    ALU(C64, "f0 83 44 24 fc 00", 6, ALU_TO_MEM, ADD, 4, 0, false, true, 0, 8, true),
    /* test: test [rip], eax; test [rdi], ah; test byte [rax], 1; test dword [rax+8], 0x10000;
     * test word [rax], 0x8000; test qword [rax], -1 */
    ALU(C64, "85 05 00 00 00 00", 6, ALU_TO_MEM, TEST, 4, 0, false, false, 0, 8, false),
    ALU(C64, "84 27", 2, ALU_TO_MEM, TEST, 1, 0, true, false, 0, 8, false),
    ALU(C64, "f6 00 01", 3, ALU_TO_MEM, TEST, 1, 0, false, true, 1, 8, false),
    ALU(C64, "f7 40 08 00 00 01 00", 7, ALU_TO_MEM, TEST, 4, 0, false, true, 0x10000, 8, false),
    ALU(C64, "66 f7 00 00 80", 5, ALU_TO_MEM, TEST, 2, 0, false, true, 0x8000, 8, false),
    ALU(C64, "48 f7 00 ff ff ff ff", 7, ALU_TO_MEM, TEST, 8, 0, false, true, 0xFFFFFFFFFFFFFFFFULL, 8, false),
    /* inc, dec, not, neg: no register operand (reg 0) */
    ALU(C64, "fe 00", 2, UNARY_MEM, INC, 1, 0, false, false, 0, 8, false),
    ALU(C64, "fe 08", 2, UNARY_MEM, DEC, 1, 0, false, false, 0, 8, false),
    ALU(C64, "ff 05 00 00 00 00", 6, UNARY_MEM, INC, 4, 0, false, false, 0, 8, false),
    ALU(C64, "f0 48 ff 08", 4, UNARY_MEM, DEC, 8, 0, false, false, 0, 8, true),
    ALU(C64, "66 ff 00", 3, UNARY_MEM, INC, 2, 0, false, false, 0, 8, false),
    ALU(C64, "41 ff 00", 3, UNARY_MEM, INC, 4, 0, false, false, 0, 8, false),      /* [r8] */
    ALU(C64, "f6 10", 2, UNARY_MEM, NOT, 1, 0, false, false, 0, 8, false),
    ALU(C64, "f7 18", 2, UNARY_MEM, NEG, 4, 0, false, false, 0, 8, false),
    ALU(C64, "f0 48 f7 14 24", 5, UNARY_MEM, NOT, 8, 0, false, false, 0, 8, true),
    /* bt family with a register bit offset: bt [rdi], eax; lock bts [rdi], eax; btr [rdi], rcx; btc [rdi], dx */
    ALU(C64, "0f a3 07", 3, BT_MEM, BT, 4, 0, false, false, 0, 8, false),
    ALU(C64, "f0 0f ab 07", 4, BT_MEM, BTS, 4, 0, false, false, 0, 8, true),
    ALU(C64, "48 0f b3 0f", 4, BT_MEM, BTR, 8, 1, false, false, 0, 8, false),
    ALU(C64, "66 0f bb 17", 4, BT_MEM, BTC, 2, 2, false, false, 0, 8, false),
    ALU(C64, "4c 0f a3 07", 4, BT_MEM, BT, 8, 8, false, false, 0, 8, false),
    /* ... and with an imm8 (never sign-extended): bt dword [rax], 5; lock bts dword [rax], 31;
     * btr qword [rax], 63; btc word [rax], 255; lock bts dword [rip], 7 */
    ALU(C64, "0f ba 20 05", 4, BT_MEM, BT, 4, 0, false, true, 5, 8, false),
    ALU(C64, "f0 0f ba 28 1f", 5, BT_MEM, BTS, 4, 0, false, true, 31, 8, true),
    ALU(C64, "48 0f ba 30 3f", 5, BT_MEM, BTR, 8, 0, false, true, 63, 8, false),
    ALU(C64, "66 0f ba 38 ff", 5, BT_MEM, BTC, 2, 0, false, true, 0xFF, 8, false),
    ALU(C64, "f0 0f ba 2d 00 00 00 00 07", 9, BT_MEM, BTS, 4, 0, false, true, 7, 8, true),
    /* xadd and cmpxchg */
    ALU(C64, "0f c1 07", 3, XADD_MEM, ADD, 4, 0, false, false, 0, 8, false),
    ALU(C64, "f0 0f c1 07", 4, XADD_MEM, ADD, 4, 0, false, false, 0, 8, true),
    ALU(C64, "f0 48 0f c1 0f", 5, XADD_MEM, ADD, 8, 1, false, false, 0, 8, true),
    ALU(C64, "0f c0 27", 3, XADD_MEM, ADD, 1, 0, true, false, 0, 8, false),
    ALU(C64, "66 0f c1 3f", 4, XADD_MEM, ADD, 2, 7, false, false, 0, 8, false),
    ALU(C64, "f0 0f b1 0f", 4, CMPXCHG_MEM, CMP, 4, 1, false, false, 0, 8, true),
    ALU(C64, "f0 48 0f b1 17", 5, CMPXCHG_MEM, CMP, 8, 2, false, false, 0, 8, true),
    ALU(C64, "0f b0 0f", 3, CMPXCHG_MEM, CMP, 1, 1, false, false, 0, 8, false),
    ALU(C64, "40 0f b0 37", 4, CMPXCHG_MEM, CMP, 1, 6, false, false, 0, 8, false),  /* sil */
    ALU(C64, "66 0f b1 0f", 4, CMPXCHG_MEM, CMP, 2, 1, false, false, 0, 8, false),
    ALU(C64, "44 0f b1 07", 4, CMPXCHG_MEM, CMP, 4, 8, false, false, 0, 8, false),
    /* 15 bytes: 2 prefixes, lock, REX.W, add qword [rax + rcx*8 + 0x100], 0x12345678 */
    ALU(C64, "66 66 f0 48 81 84 c8 00 01 00 00 78 56 34 12", 15, ALU_TO_MEM, ADD, 8, 0, false, true,
        0x12345678, 8, true),

    /* ---- 32-bit mode ---- */
    /* mov [0xfee00330], eax: rm 5 under mod 0 is an absolute disp32 */
    OK(C32, "89 05 30 03 e0 fe", 6, MOV_TO_MEM, 4, 4, 0, false, false, 0, 4),
    OK(C32, "a1 30 03 e0 fe", 5, MOV_FROM_MEM, 4, 4, 0, false, false, 0, 4),
    OK(C32, "67 a1 30 03", 4, MOV_FROM_MEM, 4, 4, 0, false, false, 0, 2),
    OK(C32, "8b 80 20 03 00 00", 6, MOV_FROM_MEM, 4, 4, 0, false, false, 0, 4),
    OK(C32, "66 89 03", 3, MOV_TO_MEM, 2, 2, 0, false, false, 0, 4),
    OK(C32, "88 63 01", 3, MOV_TO_MEM, 1, 1, 0, true, false, 0, 4),
    OK(C32, "c7 05 b0 00 e0 fe 00 00 00 00", 10, MOV_TO_MEM, 4, 4, 0, false, true, 0, 4),
    OK(C32, "66 c7 05 b0 00 e0 fe 34 12", 9, MOV_TO_MEM, 2, 2, 0, false, true, 0x1234, 4),
    OK(C32, "0f b7 41 04", 4, MOVZX_FROM_MEM, 2, 4, 0, false, false, 0, 4),
    /* 67 in 32-bit mode: 16-bit addressing, mov [bx+si], eax */
    OK(C32, "67 89 00", 3, MOV_TO_MEM, 4, 4, 0, false, false, 0, 2),
    OK(C32, "67 89 06 34 12", 5, MOV_TO_MEM, 4, 4, 0, false, false, 0, 2),
    OK(C32, "87 0b", 2, XCHG_MEM, 4, 4, 1, false, false, 0, 4),
    OP(C32, "0f 01 d9", 3, VMMCALL, 4),
    OP(C32, "0f 01 c1", 3, VMCALL, 4),
    OP(C32, "0f a2", 2, CPUID, 4),
    OP(C32, "f4", 1, HLT, 4),
    /* or dword [0xfee00000], 1; lock xadd [abs], eax; test word [abs], 0x1234; bts dword [abs], 3;
     * dec byte [abs]; add [bx], eax (67: 16-bit addressing); sub ebx, [abs] */
    ALU(C32, "83 0d 00 00 e0 fe 01", 7, ALU_TO_MEM, OR, 4, 0, false, true, 1, 4, false),
    ALU(C32, "f0 0f c1 05 00 00 d0 fe", 8, XADD_MEM, ADD, 4, 0, false, false, 0, 4, true),
    ALU(C32, "66 f7 05 00 00 d0 fe 34 12", 9, ALU_TO_MEM, TEST, 2, 0, false, true, 0x1234, 4, false),
    ALU(C32, "0f ba 2d 00 00 d0 fe 03", 8, BT_MEM, BTS, 4, 0, false, true, 3, 4, false),
    ALU(C32, "fe 0d 00 00 d0 fe", 6, UNARY_MEM, DEC, 1, 0, false, false, 0, 4, false),
    ALU(C32, "67 01 07", 3, ALU_TO_MEM, ADD, 4, 0, false, false, 0, 2, false),
    ALU(C32, "2b 1d 00 00 d0 fe", 6, ALU_FROM_MEM, SUB, 4, 3, false, false, 0, 4, false),
    OK(C32, "e6 80", 2, OUT_IMM, 1, 0, 0, false, true, 0x80, 4),
    OK(C32, "66 ef", 2, OUT_DX, 2, 0, 0, false, false, 0, 4),
    OK(C32, "f3 6d", 2, INS, 4, 0, 0, false, false, 0, 4),

    /* ---- 16-bit mode ---- */
    /* mov [bx], ax; with 66: eax */
    OK(C16, "89 07", 2, MOV_TO_MEM, 2, 2, 0, false, false, 0, 2),
    OK(C16, "66 89 07", 3, MOV_TO_MEM, 4, 4, 0, false, false, 0, 2),
    OK(C16, "a1 30 03", 3, MOV_FROM_MEM, 2, 2, 0, false, false, 0, 2),
    OK(C16, "67 a1 30 03 e0 fe", 6, MOV_FROM_MEM, 2, 2, 0, false, false, 0, 4),
    /* mov ax, [bp - 2]; mov [0x1234], cx; mov ax, [bx + 0x100] */
    OK(C16, "8b 46 fe", 3, MOV_FROM_MEM, 2, 2, 0, false, false, 0, 2),
    OK(C16, "89 0e 34 12", 4, MOV_TO_MEM, 2, 2, 1, false, false, 0, 2),
    OK(C16, "8b 87 00 01", 4, MOV_FROM_MEM, 2, 2, 0, false, false, 0, 2),
    /* mov [bp + 0], dx: rm 6 with mod 1 is bp + disp8 */
    OK(C16, "89 56 00", 3, MOV_TO_MEM, 2, 2, 2, false, false, 0, 2),
    /* 67: 32-bit addressing with SIB: mov [0xfee00330], ax */
    OK(C16, "67 89 04 25 30 03 e0 fe", 8, MOV_TO_MEM, 2, 2, 0, false, false, 0, 4),
    OK(C16, "c7 06 34 12 78 56", 6, MOV_TO_MEM, 2, 2, 0, false, true, 0x5678, 2),
    OK(C16, "66 c7 06 34 12 78 56 34 12", 9, MOV_TO_MEM, 4, 4, 0, false, true, 0x12345678, 2),
    OK(C16, "0f b6 07", 3, MOVZX_FROM_MEM, 1, 2, 0, false, false, 0, 2),
    OK(C16, "8a 27", 2, MOV_FROM_MEM, 1, 1, 0, true, false, 0, 2),
    /* add word [0x1234], 1; add dword [0x1234], -1; test word [bp+2], 0x8000; bt [bx], ax;
     * lock cmpxchg [0x1000], cx; and byte [0x1000], 0xfe; 67: 32-bit addressing with SIB */
    ALU(C16, "83 06 34 12 01", 5, ALU_TO_MEM, ADD, 2, 0, false, true, 1, 2, false),
    ALU(C16, "66 83 06 34 12 ff", 6, ALU_TO_MEM, ADD, 4, 0, false, true, 0xFFFFFFFF, 2, false),
    ALU(C16, "f7 46 02 00 80", 5, ALU_TO_MEM, TEST, 2, 0, false, true, 0x8000, 2, false),
    ALU(C16, "0f a3 07", 3, BT_MEM, BT, 2, 0, false, false, 0, 2, false),
    ALU(C16, "f0 0f b1 0e 00 10", 6, CMPXCHG_MEM, CMP, 2, 1, false, false, 0, 2, true),
    ALU(C16, "80 26 00 10 fe", 5, ALU_TO_MEM, AND, 1, 0, false, true, 0xFE, 2, false),
    ALU(C16, "67 f0 ff 04 25 30 03 e0 fe", 9, UNARY_MEM, INC, 2, 0, false, false, 0, 4, true),
    OP(C16, "0f 01 d9", 3, VMMCALL, 2),
    OP(C16, "f4", 1, HLT, 2),
    OK(C16, "ed", 1, IN_DX, 2, 0, 0, false, false, 0, 2),
    OK(C16, "66 e5 10", 3, IN_IMM, 4, 0, 0, false, true, 0x10, 2),

    /* ---- refused ---- */
    BAD(C64, "89 c0"),                       /* mov eax, eax: a register form cannot be MMIO */
    BAD(C64, "8b c1"),
    BAD(C64, "c7 c0 00 00 00 00"),
    BAD(C64, "0f b6 c0"),
    BAD(C64, "87 c0"),
    BAD(C64, "c6 48 10 00"),                 /* c6 /1: #UD */
    BAD(C64, "c7 f8 00 00 00 00"),           /* xbegin */
    BAD(C64, "0f 0b"),                       /* ud2 */
    /* ALU register forms, and forms that touch no memory */
    BAD(C64, "01 c0"),                       /* add eax, eax */
    BAD(C64, "03 c1"),
    BAD(C64, "83 c0 01"),
    BAD(C64, "80 c0 01"),
    BAD(C64, "f7 d0"),                       /* not eax */
    BAD(C64, "fe c0"),
    BAD(C64, "85 c0"),
    BAD(C64, "0f a3 c0"),
    BAD(C64, "0f ba e0 01"),
    BAD(C64, "0f c1 c0"),
    BAD(C64, "0f b1 c0"),
    BAD(C64, "04 01"),                       /* add al, 1 */
    BAD(C64, "05 01 00 00 00"),
    BAD(C64, "3c 01"),                       /* cmp al, 1 */
    BAD(C64, "a9 01 00 00 00"),              /* test eax, 1 */
    BAD(C64, "06"),                          /* push es: x6/x7 of the ALU rows */
    /* LOCK where the CPU raises #UD: no memory write */
    BAD(C64, "f0 39 00"),                    /* lock cmp */
    BAD(C64, "f0 85 00"),                    /* lock test */
    BAD(C64, "f0 03 00"),                    /* lock add eax, [rax]: the register is the destination */
    BAD(C64, "f0 3a 00"),
    BAD(C64, "f0 81 38 01 00 00 00"),        /* lock cmp imm */
    BAD(C64, "f0 f6 00 01"),                 /* lock test imm */
    BAD(C64, "f0 0f a3 00"),                 /* lock bt */
    BAD(C64, "f0 0f ba 20 01"),
    /* group members not emulated, or that the CPU rejects */
    BAD(C64, "f6 08 01"),                    /* f6 /1: an undocumented alias of test */
    BAD(C64, "f6 20"),                       /* mul byte [rax] */
    BAD(C64, "f7 28"),                       /* imul */
    BAD(C64, "f7 30"),                       /* div */
    BAD(C64, "f7 38"),                       /* idiv */
    BAD(C64, "fe 10"),                       /* fe /2: #UD */
    BAD(C64, "ff 10"),                       /* call [rax] */
    BAD(C64, "ff 20"),                       /* jmp [rax] */
    BAD(C64, "ff 30"),                       /* push [rax] */
    BAD(C64, "0f ba 00 01"),                 /* 0f ba /0../3: #UD */
    BAD(C64, "0f ba 18 01"),
    BAD(C64, "82 00 01"),                    /* 82: #UD in 64-bit mode (and not emulated elsewhere) */
    BAD(C64, "0f c7 0f"),                    /* cmpxchg8b */
    BAD(C64, "f3 0f c1 07"),                 /* XRELEASE xadd: f3 in the 0f map is refused */
    BAD(C64, "f2 0f b1 07"),
    /* 16 bytes: the immediate's last byte */
    BAD(C64, "66 66 66 f0 48 81 84 c8 00 01 00 00 78 56 34 12"),
    BAD(C64, "a5"),                          /* movs */
    BAD(C64, "ab"),                          /* stos */
    BAD(C64, "90"),                          /* nop */
    BAD(C64, "f3 41 90"),                    /* xchg r8d, eax with a useless f3 */
    BAD(C64, "f2 90"),
    BAD(C64, "0f 01 00"),                    /* sgdt */
    BAD(C64, "0f 01 d8"),                    /* vmrun */
    BAD(C64, "f3 0f 01 d9"),                 /* vmgexit */
    BAD(C64, "f2 0f 01 d9"),
    BAD(C64, "66 0f 01 d9"),
    BAD(C64, "f3 0f a2"),
    BAD(C64, "f3 0f b6 07"),
    BAD(C64, "f0 89 02"),                    /* lock mov */
    BAD(C64, "f0 0f a2"),
    BAD(C64, "f0 f4"),
    BAD(C64, "f2 6c"),                       /* repne ins */
    BAD(C64, "c4 e2 79 18 00"),              /* vex */
    /* 15 prefixes: the opcode would be byte 16 */
    BAD(C64, "66 66 66 66 66 66 66 66 66 66 66 66 66 66 66 f4"),
    /* 16 prefixes */
    BAD(C64, "66 66 66 66 66 66 66 66 66 66 66 66 66 66 66 66 f4"),
    /* 14 prefixes + mov: 16 bytes */
    BAD(C64, "66 66 66 66 66 66 66 66 66 66 66 66 66 66 89 00"),
    /* 11 prefixes + mov with disp32: 18 bytes */
    BAD(C64, "66 66 66 66 66 66 66 66 66 66 66 89 80 00 00 00 00"),
    /* 10 prefixes + c7 with SIB, disp32, imm32: 21 bytes */
    BAD(C64, "66 66 66 66 66 66 66 66 66 66 c7 04 25 00 00 00 00 00 00 00 00"),
    /* The 16th byte would be: the second opcode byte, the third, the SIB, the port, the last moffs byte, the imm */
    BAD(C64, "66 66 66 66 66 66 66 66 66 66 66 66 66 66 0f a2"),
    BAD(C64, "66 66 66 66 66 66 66 66 66 66 66 66 66 0f 01 d9"),
    BAD(C64, "66 66 66 66 66 66 66 66 66 66 66 66 66 89 04 25"),
    BAD(C32, "66 66 66 66 66 66 66 66 66 66 66 66 66 66 e4 71"),
    BAD(C64, "66 66 66 66 66 66 66 a1 00 00 00 00 00 00 00 00"),
    BAD(C32, "67 67 67 67 67 67 67 67 67 67 c7 00 00 00 00 00"),
    BAD(C32, "48 89 00"),                    /* 48 is dec eax outside 64-bit mode */
    BAD(C32, "82 00 01"),
    BAD(C16, "f0 38 07"),
    BAD(C16, "40"),
    BAD(C32, "89 c0"),
    BAD(C16, "8b c0"),
};

static void parse(const char *hex, uint8_t *out, size_t *n)
{
    *n = 0;
    while (*hex != '\0') {
        char *end;
        unsigned long b = strtoul(hex, &end, 16);

        assert_true(end != hex && b <= 0xff && *n < 32);
        out[(*n)++] = (uint8_t)b;
        hex = end;
        while (*hex == ' ')
            hex++;
    }
}

/* Decode from a buffer that holds exactly `avail` bytes. */
static int decode_exact(const uint8_t *bytes, size_t avail, enum vcpu_cs_mode mode, struct insn *out)
{
    uint8_t *copy = malloc(avail == 0 ? 1 : avail);
    int rc;

    assert_non_null(copy);
    memcpy(copy, bytes, avail);
    rc = insn_decode(copy, avail, mode, out);
    free(copy);
    return rc;
}

static void check_one(const struct vec *v)
{
    uint8_t b[40];
    size_t n;
    struct insn in;
    int rc;

    memset(b, 0x90, sizeof(b));
    parse(v->hex, b, &n);
    memset(&in, 0xA5, sizeof(in));
    rc = decode_exact(b, n, v->mode, &in);
    if (rc != v->rc)
        fail_msg("%s (mode %d): rc %d, want %d", v->hex, v->mode, rc, v->rc);
    if (v->rc != 0) {
        /* A refusal stands whatever follows; fewer bytes may only ask for more. */
        assert_int_equal(insn_decode(b, sizeof(b), v->mode, &in), -XEN_EINVAL);
        for (size_t a = 0; a < n && a < INSN_MAX_LEN; a++) {
            rc = decode_exact(b, a, v->mode, &in);
            if (rc != -XEN_EFAULT && rc != -XEN_EINVAL)
                fail_msg("%s truncated to %zu: rc %d", v->hex, a, rc);
        }
        return;
    }
    if (in.len != v->len || in.len != n || in.kind != v->kind || in.size != v->size ||
        in.reg_size != v->reg_size || in.reg != v->reg || in.reg_high != v->high ||
        in.has_imm != v->has_imm || in.imm != v->imm || in.addr_size != v->addr_size ||
        in.alu != v->alu || in.lock != v->lock)
        fail_msg("%s (mode %d): len %u kind %d size %u/%u reg %u high %d imm %d:%llx addr %u alu %d lock %d",
                 v->hex, v->mode, in.len, in.kind, in.size, in.reg_size, in.reg, in.reg_high,
                 in.has_imm, (unsigned long long)in.imm, in.addr_size, in.alu, in.lock);
    /* Every shorter fetch asks for more bytes and leaves *out alone. */
    for (size_t a = 0; a < n; a++) {
        struct insn junk;

        memset(&junk, 0x5A, sizeof(junk));
        if (decode_exact(b, a, v->mode, &junk) != -XEN_EFAULT)
            fail_msg("%s truncated to %zu: not -EFAULT", v->hex, a);
        for (size_t i = 0; i < sizeof(junk); i++)
            assert_int_equal(((uint8_t *)&junk)[i], 0x5A);
    }
    /* Trailing bytes change nothing. */
    {
        struct insn more;

        assert_int_equal(insn_decode(b, sizeof(b), v->mode, &more), 0);
        assert_int_equal(more.len, in.len);
        assert_int_equal(more.kind, in.kind);
        assert_int_equal(more.reg, in.reg);
        assert_true(more.imm == in.imm);
    }
}

static void test_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < HV_ARRAY_SIZE(vecs); i++)
        check_one(&vecs[i]);
}

static void test_prefix_fields(void **state)
{
    struct insn in;

    (void)state;
    assert_int_equal(insn_decode((const uint8_t *)"\x65\x8b\x04\x25\x10\x00\x00\x00", 8, C64, &in), 0);
    assert_int_equal(in.seg, 0x65);
    assert_false(in.lock);
    assert_false(in.rep);
    /* The last segment override counts. */
    assert_int_equal(insn_decode((const uint8_t *)"\x2e\x64\x89\x00", 4, C32, &in), 0);
    assert_int_equal(in.seg, 0x64);
    assert_int_equal(insn_decode((const uint8_t *)"\x89\x00", 2, C32, &in), 0);
    assert_int_equal(in.seg, INSN_SEG_NONE);
    assert_int_equal(insn_decode((const uint8_t *)"\xf0\x87\x02", 3, C64, &in), 0);
    assert_true(in.lock);
    assert_int_equal(insn_decode((const uint8_t *)"\xf3\x6c", 2, C64, &in), 0);
    assert_true(in.rep);
    assert_int_equal(insn_decode((const uint8_t *)"\x6c", 1, C64, &in), 0);
    assert_false(in.rep);
    /* f3 on a store is XRELEASE, not a repeat. */
    assert_int_equal(insn_decode((const uint8_t *)"\xf3\x89\x02", 3, C64, &in), 0);
    assert_false(in.rep);
    /* The last of f2/f3 decides: f2 f3 ins repeats, f3 f2 ins is refused. */
    assert_int_equal(insn_decode((const uint8_t *)"\xf2\xf3\x6c", 3, C64, &in), 0);
    assert_true(in.rep);
    assert_int_equal(insn_decode((const uint8_t *)"\xf3\xf2\x6c", 3, C64, &in), -XEN_EINVAL);
}

static void test_errors(void **state)
{
    struct insn in;
    static const uint8_t hlt = 0xf4;
    uint8_t pfx[INSN_MAX_LEN];

    (void)state;
    assert_int_equal(insn_decode(&hlt, 0, C64, &in), -XEN_EFAULT);
    assert_int_equal(insn_decode(&hlt, 1, (enum vcpu_cs_mode)0, &in), -XEN_EINVAL);
    assert_int_equal(insn_decode(&hlt, 1, (enum vcpu_cs_mode)48, &in), -XEN_EINVAL);
    /* Prefixes only: more bytes might complete it, until 15 of them. */
    memset(pfx, 0x66, sizeof(pfx));
    for (size_t a = 1; a < INSN_MAX_LEN; a++)
        assert_int_equal(insn_decode(pfx, a, C64, &in), -XEN_EFAULT);
    assert_int_equal(insn_decode(pfx, INSN_MAX_LEN, C64, &in), -XEN_EINVAL);
    /* avail beyond 15 is clamped: the decoder reads no more than 15 bytes. */
    assert_int_equal(decode_exact(pfx, INSN_MAX_LEN, C64, &in), -XEN_EINVAL);
    /* An escape byte alone asks for the next one. */
    assert_int_equal(insn_decode((const uint8_t *)"\x0f\x01\xd9", 1, C64, &in), -XEN_EFAULT);
    assert_int_equal(insn_decode((const uint8_t *)"\x0f\x01\xd9", 2, C64, &in), -XEN_EFAULT);
    assert_int_equal(insn_decode((const uint8_t *)"\x0f\x01\xd9", 3, C64, &in), 0);
    /* REX prefixes alone in 64-bit mode are prefixes too. */
    memset(pfx, 0x48, sizeof(pfx));
    assert_int_equal(insn_decode(pfx, 3, C64, &in), -XEN_EFAULT);
    assert_int_equal(insn_decode(pfx, INSN_MAX_LEN, C64, &in), -XEN_EINVAL);
}

/* ---- loads and stores ---------------------------------------------------------------- */

static void fill_regs(struct vcpu_regs *r)
{
    uint8_t *p = (uint8_t *)r;

    /* Distinct bytes everywhere, rip and rflags included. */
    for (size_t i = 0; i < sizeof(*r); i++)
        p[i] = (uint8_t)(i * 37 + 11);
}

/* Where register number i (encoding order) lives in struct vcpu_regs. */
static const size_t reg_offset[16] = {
    offsetof(struct vcpu_regs, rax), offsetof(struct vcpu_regs, rcx),
    offsetof(struct vcpu_regs, rdx), offsetof(struct vcpu_regs, rbx),
    offsetof(struct vcpu_regs, rsp), offsetof(struct vcpu_regs, rbp),
    offsetof(struct vcpu_regs, rsi), offsetof(struct vcpu_regs, rdi),
    offsetof(struct vcpu_regs, r8), offsetof(struct vcpu_regs, r9),
    offsetof(struct vcpu_regs, r10), offsetof(struct vcpu_regs, r11),
    offsetof(struct vcpu_regs, r12), offsetof(struct vcpu_regs, r13),
    offsetof(struct vcpu_regs, r14), offsetof(struct vcpu_regs, r15),
};

static void test_reg_index_map(void **state)
{
    struct vcpu_regs r, want;
    uint64_t v = 0xFEEDFACECAFEBEEFULL, field;

    (void)state;
    for (unsigned i = 0; i < 16; i++) {
        fill_regs(&r);
        memcpy(&field, (uint8_t *)&r + reg_offset[i], sizeof(field));
        assert_true(insn_reg_get(&r, i) == field);
        want = r;
        memcpy((uint8_t *)&want + reg_offset[i], &v, sizeof(v));
        insn_reg_set(&r, i, v);
        assert_memory_equal(&r, &want, sizeof(r));
    }
}

static struct insn decode_hex(const char *hex, enum vcpu_cs_mode mode)
{
    uint8_t b[32];
    size_t n;
    struct insn in;

    parse(hex, b, &n);
    assert_int_equal(insn_decode(b, n, mode, &in), 0);
    return in;
}

static void test_store_values(void **state)
{
    struct vcpu_regs r;
    struct insn in;

    (void)state;
    memset(&r, 0, sizeof(r));
    r.rax = 0x1122334455667788ULL;
    r.rbx = 0xA1A2A3A4A5A6A7A8ULL;
    r.r9 = 0x0F0E0D0C0B0A0908ULL;
    r.rsp = 0x8877665544332211ULL;
    in = decode_hex("89 04 25 30 03 e0 fe", C64);           /* eax */
    assert_true(insn_operand_value(&in, &r) == 0x55667788ULL);
    in = decode_hex("48 89 00", C64);                        /* rax */
    assert_true(insn_operand_value(&in, &r) == 0x1122334455667788ULL);
    in = decode_hex("66 89 00", C64);                        /* ax */
    assert_true(insn_operand_value(&in, &r) == 0x7788ULL);
    in = decode_hex("88 00", C64);                           /* al */
    assert_true(insn_operand_value(&in, &r) == 0x88ULL);
    in = decode_hex("88 20", C64);                           /* ah */
    assert_true(insn_operand_value(&in, &r) == 0x77ULL);
    in = decode_hex("88 38", C64);                           /* bh */
    assert_true(insn_operand_value(&in, &r) == 0xA7ULL);
    in = decode_hex("40 88 20", C64);                        /* spl */
    assert_true(insn_operand_value(&in, &r) == 0x11ULL);
    in = decode_hex("44 89 08", C64);                        /* r9d */
    assert_true(insn_operand_value(&in, &r) == 0x0B0A0908ULL);
    in = decode_hex("a3 00 03 e0 fe 00 00 00 00", C64);      /* eax to moffs */
    assert_true(insn_operand_value(&in, &r) == 0x55667788ULL);
    in = decode_hex("c7 00 ef be ad de", C64);               /* imm32 */
    assert_true(insn_operand_value(&in, &r) == 0xDEADBEEFULL);
    in = decode_hex("48 c7 00 00 00 00 80", C64);            /* imm32 sign-extended */
    assert_true(insn_operand_value(&in, &r) == 0xFFFFFFFF80000000ULL);
    in = decode_hex("c6 00 5a", C64);
    assert_true(insn_operand_value(&in, &r) == 0x5AULL);
    in = decode_hex("87 18", C64);                           /* xchg [rax], ebx */
    assert_true(insn_operand_value(&in, &r) == 0xA5A6A7A8ULL);
    /* The source of ALU kinds: register (high byte, REX), or the immediate as extended */
    in = decode_hex("01 18", C64);                           /* add [rax], ebx */
    assert_true(insn_operand_value(&in, &r) == 0xA5A6A7A8ULL);
    in = decode_hex("4c 0f c1 08", C64);                     /* xadd [rax], r9 */
    assert_true(insn_operand_value(&in, &r) == 0x0F0E0D0C0B0A0908ULL);
    in = decode_hex("0f b0 38", C64);                        /* cmpxchg [rax], bh */
    assert_true(insn_operand_value(&in, &r) == 0xA7ULL);
    in = decode_hex("66 83 00 80", C64);                     /* add word [rax], -128 */
    assert_true(insn_operand_value(&in, &r) == 0xFF80ULL);
    in = decode_hex("48 83 00 80", C64);
    assert_true(insn_operand_value(&in, &r) == 0xFFFFFFFFFFFFFF80ULL);
    in = decode_hex("0f ba 20 ff", C64);                     /* bt dword [rax], 255: not sign-extended */
    assert_true(insn_operand_value(&in, &r) == 0xFFULL);
    in = decode_hex("2b 18", C64);                           /* sub ebx, [rax]: the destination's value */
    assert_true(insn_operand_value(&in, &r) == 0xA5A6A7A8ULL);
    /* A hand-built insn whose immediate is wider than its size is truncated. */
    in.kind = INSN_MOV_TO_MEM;
    in.size = in.reg_size = 2;
    in.reg = 0;
    in.reg_high = false;
    in.has_imm = true;
    in.imm = 0x123456789ULL;
    assert_true(insn_operand_value(&in, &r) == 0x6789ULL);
}

struct load_case {
    const char *hex;
    enum vcpu_cs_mode mode;
    uint64_t old, value, want;
};

static void test_load_results(void **state)
{
    static const struct load_case cases[] = {
        /* mov eax, [..]: zero-extends to 64 bits; value bits above 32 are ignored */
        { "8b 05 00 00 00 00", C64, ~0ULL, 0x99DEADBEEFULL, 0xDEADBEEFULL },
        /* in 32-bit mode too */
        { "8b 00", C32, ~0ULL, 0xDEADBEEFULL, 0xDEADBEEFULL },
        { "48 8b 00", C64, 0, 0x8877665544332211ULL, 0x8877665544332211ULL },
        /* 16- and 8-bit loads merge */
        { "66 8b 00", C64, ~0ULL, 0xBEEFULL, 0xFFFFFFFFFFFFBEEFULL },
        { "8b 00", C16, 0x1122334455667788ULL, 0xBEEFULL, 0x112233445566BEEFULL },
        { "8a 00", C64, ~0ULL, 0x12EFULL, 0xFFFFFFFFFFFFFFEFULL },
        { "8a 20", C64, 0x1122334455667788ULL, 0xEFULL, 0x112233445566EF88ULL },   /* ah */
        { "a0 00 00 00 00 00 00 00 00", C64, 0x1122334455667788ULL, 0xEFULL, 0x11223344556677EFULL },
        { "a1 00 00 00 00", C32, 0x1122334455667788ULL, 0xCAFEF00DULL, 0xCAFEF00DULL },
        /* movzx */
        { "0f b6 00", C64, ~0ULL, 0xFFEFULL, 0xEFULL },
        { "66 0f b6 00", C64, ~0ULL, 0xFFEFULL, 0xFFFFFFFFFFFF00EFULL },
        { "48 0f b7 00", C64, ~0ULL, 0x12348765ULL, 0x8765ULL },
        { "0f b6 00", C16, 0x1122334455667788ULL, 0x80ULL, 0x1122334455660080ULL },
        /* movsx */
        { "0f be 00", C64, 0, 0x80ULL, 0xFFFFFF80ULL },
        { "0f be 00", C64, ~0ULL, 0x7FULL, 0x7FULL },
        { "48 0f be 00", C64, 0, 0xFFULL, 0xFFFFFFFFFFFFFFFFULL },
        { "48 0f bf 00", C64, 0, 0x8000ULL, 0xFFFFFFFFFFFF8000ULL },
        { "0f bf 00", C64, 0, 0x18000ULL, 0xFFFF8000ULL },
        { "66 0f be 00", C64, 0x1111111111111111ULL, 0x80ULL, 0x111111111111FF80ULL },
        { "66 0f bf 00", C64, 0x1111111111111111ULL, 0x8001ULL, 0x1111111111118001ULL },
        { "0f be 00", C16, 0x1111111111111111ULL, 0x7FULL, 0x111111111111007FULL },
        /* xchg loads like mov */
        { "87 00", C64, ~0ULL, 0x1234ULL, 0x1234ULL },
        { "86 20", C64, 0x1122334455667788ULL, 0x5AULL, 0x1122334455665A88ULL },
    };

    (void)state;
    for (size_t i = 0; i < HV_ARRAY_SIZE(cases); i++) {
        const struct load_case *c = &cases[i];
        struct insn in = decode_hex(c->hex, c->mode);
        struct vcpu_regs r, before;

        fill_regs(&r);
        insn_reg_set(&r, in.reg, c->old);
        before = r;
        insn_mmio_load_result(&in, &r, c->value);
        if (insn_reg_get(&r, in.reg) != c->want)
            fail_msg("%s: got %llx, want %llx", c->hex,
                     (unsigned long long)insn_reg_get(&r, in.reg), (unsigned long long)c->want);
        insn_reg_set(&r, in.reg, c->old);
        assert_memory_equal(&r, &before, sizeof(r));
    }
}

/* Registers other than rax: the load lands in the register the ModRM names. */
static void test_load_targets(void **state)
{
    struct vcpu_regs r;
    struct insn in;

    (void)state;
    fill_regs(&r);
    in = decode_hex("44 8b 38", C64);                        /* mov r15d, [rax] */
    assert_int_equal(in.reg, 15);
    insn_mmio_load_result(&in, &r, 0xABCDEF01ULL);
    assert_true(r.r15 == 0xABCDEF01ULL);
    in = decode_hex("8a 3e", C64);                           /* mov bh, [rsi] */
    r.rbx = 0x1122334455667788ULL;
    insn_mmio_load_result(&in, &r, 0xCCULL);
    assert_true(r.rbx == 0x112233445566CC88ULL);
    in = decode_hex("40 8a 3e", C64);                        /* mov dil, [rsi] */
    r.rdi = 0x1122334455667788ULL;
    insn_mmio_load_result(&in, &r, 0xCCULL);
    assert_true(r.rdi == 0x11223344556677CCULL);
    in = decode_hex("8b 0c 24", C32);                        /* mov ecx, [esp] */
    r.rcx = ~0ULL;
    insn_mmio_load_result(&in, &r, 0x42ULL);
    assert_true(r.rcx == 0x42ULL);
}

/* Register operands read and written at a width, the way the ALU emulation uses them. */
static void test_reg_read_write(void **state)
{
    struct vcpu_regs r, before;

    (void)state;
    fill_regs(&r);
    r.rax = 0x1122334455667788ULL;
    r.r12 = 0x0102030405060708ULL;
    assert_true(insn_reg_read(&r, 0, 1, false) == 0x88ULL);
    assert_true(insn_reg_read(&r, 0, 1, true) == 0x77ULL);                 /* ah */
    assert_true(insn_reg_read(&r, 0, 2, false) == 0x7788ULL);
    assert_true(insn_reg_read(&r, 0, 4, false) == 0x55667788ULL);
    assert_true(insn_reg_read(&r, 0, 8, false) == 0x1122334455667788ULL);
    assert_true(insn_reg_read(&r, 12, 2, false) == 0x0708ULL);
    before = r;
    insn_reg_write(&r, 0, 1, true, 0x1FFULL);                              /* ah: only bits 8..15 */
    assert_true(r.rax == 0x112233445566FF88ULL);
    insn_reg_write(&r, 0, 2, false, 0xABCDEF12ULL);                        /* ax: truncated, merged */
    assert_true(r.rax == 0x112233445566EF12ULL);
    insn_reg_write(&r, 0, 4, false, 0xFFFFFFFFFFFFFFFFULL);                /* eax: zero-extends */
    assert_true(r.rax == 0xFFFFFFFFULL);
    insn_reg_write(&r, 12, 1, false, 0xEEULL);                             /* r12b */
    assert_true(r.r12 == 0x01020304050607EEULL);
    insn_reg_write(&r, 12, 8, false, 5);
    assert_true(r.r12 == 5);
    r.rax = before.rax;
    r.r12 = before.r12;
    assert_memory_equal(&r, &before, sizeof(r));                           /* nothing else moved */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors),
        cmocka_unit_test(test_prefix_fields),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_reg_index_map),
        cmocka_unit_test(test_store_values),
        cmocka_unit_test(test_load_results),
        cmocka_unit_test(test_load_targets),
        cmocka_unit_test(test_reg_read_write),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
