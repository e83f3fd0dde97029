/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Test oracle: run one instruction, given as its bytes, on the host CPU
 * (x86-64), with every general register but rsp and the status flags
 * loaded from a state and saved back after it.  The instruction's memory
 * operand is RIP-relative (ModRM mod 0, rm 5) and is pointed at a data
 * area of the same mapping, so the emulation under test and the CPU can be
 * given the very same bytes and compared register by register and flag by
 * flag.  Header only (each test binary is one translation unit); the
 * including file defines _DEFAULT_SOURCE before any include (mmap).
 */
#ifndef TESTS_NATIVE_X86_H
#define TESTS_NATIVE_X86_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* General registers in encoding order (rax rcx rdx rbx rsp rbp rsi rdi r8..r15), then RFLAGS. */
struct nx_state {
    uint64_t gpr[16];
    uint64_t rflags;
};

#define NX_MAP_SIZE   0x3000U
#define NX_DATA_OFF   0x2000U      /* the memory operand; the area around it is for BT's reach */
#define NX_DATA_ROOM  0x800U       /* bytes of data area on each side of the operand */
/* The status flags and what popf may set from user mode besides them (bit 1 is always 1). */
#define NX_STATUS     0x8D5ULL
#define NX_RFLAGS_BASE 0x202ULL

/*
 * nx_enter(state, code): load the registers from state (rsp excepted), call
 * code (the instruction followed by a ret), save them and RFLAGS back.  The
 * callee-saved registers are kept; state and code stay on the stack.
 */
void nx_enter(struct nx_state *st, const void *code);
__asm__(
    "    .text\n"
    "    .globl nx_enter\n"
    "    .type nx_enter, @function\n"
    "nx_enter:\n"
    "    push %rbx\n    push %rbp\n    push %r12\n    push %r13\n    push %r14\n    push %r15\n"
    "    push %rsi\n"                   /* 8(%rsp): code */
    "    push %rdi\n"                   /* (%rsp): state */
    "    mov 0(%rdi), %rax\n    mov 8(%rdi), %rcx\n    mov 16(%rdi), %rdx\n    mov 24(%rdi), %rbx\n"
    "    mov 40(%rdi), %rbp\n    mov 48(%rdi), %rsi\n"
    "    mov 64(%rdi), %r8\n    mov 72(%rdi), %r9\n    mov 80(%rdi), %r10\n    mov 88(%rdi), %r11\n"
    "    mov 96(%rdi), %r12\n    mov 104(%rdi), %r13\n    mov 112(%rdi), %r14\n    mov 120(%rdi), %r15\n"
    "    pushq 128(%rdi)\n    popfq\n"
    "    mov 56(%rdi), %rdi\n"
    "    call *8(%rsp)\n"
    "    pushfq\n"
    "    push %rdi\n"
    "    mov 16(%rsp), %rdi\n"
    "    popq 56(%rdi)\n"
    "    popq 128(%rdi)\n"
    "    mov %rax, 0(%rdi)\n    mov %rcx, 8(%rdi)\n    mov %rdx, 16(%rdi)\n    mov %rbx, 24(%rdi)\n"
    "    mov %rbp, 40(%rdi)\n    mov %rsi, 48(%rdi)\n"
    "    mov %r8, 64(%rdi)\n    mov %r9, 72(%rdi)\n    mov %r10, 80(%rdi)\n    mov %r11, 88(%rdi)\n"
    "    mov %r12, 96(%rdi)\n    mov %r13, 104(%rdi)\n    mov %r14, 112(%rdi)\n    mov %r15, 120(%rdi)\n"
    "    add $16, %rsp\n"
    "    pop %r15\n    pop %r14\n    pop %r13\n    pop %r12\n    pop %rbp\n    pop %rbx\n"
    "    ret\n"
    "    .size nx_enter, . - nx_enter\n");

static uint8_t *nx_page;

static inline uint8_t *nx_map(void)
{
    if (nx_page == NULL) {
        void *p = mmap(NULL, NX_MAP_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

        if (p == MAP_FAILED) {
            perror("native_x86: mmap");
            abort();
        }
        nx_page = p;
    }
    return nx_page;
}

/* The memory operand (and NX_DATA_ROOM bytes on each side of it). */
static inline uint8_t *nx_data(void)
{
    return nx_map() + NX_DATA_OFF;
}

/*
 * Run the len bytes of one instruction whose RIP-relative disp32 starts at
 * disp_at (patched here to reach nx_data()); st in, st out.  Only the
 * status flags of st->rflags are used: the rest is NX_RFLAGS_BASE.
 */
static inline void nx_run(const uint8_t *bytes, size_t len, size_t disp_at, struct nx_state *st)
{
    uint8_t *code = nx_map();
    int32_t disp = (int32_t)(NX_DATA_OFF - len);

    if (len > 15 || disp_at + 4 > len)
        abort();
    memcpy(code, bytes, len);
    memcpy(code + disp_at, &disp, sizeof(disp));
    code[len] = 0xC3;                               /* ret */
    st->rflags = NX_RFLAGS_BASE | (st->rflags & NX_STATUS);
    nx_enter(st, code);
}

#endif /* TESTS_NATIVE_X86_H */
