/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Interrupt and exception entry, the probes that expect a fault at one
 * instruction, and the ring-3 trampoline.
 *
 * Stub i sits at exc_stubs + 16 * i; vectors without a CPU error code push
 * a zero so every frame has the layout of struct exc_frame.
 */
#define GDT_KDATA 0x10
#define GDT_UDATA 0x1b
#define GDT_UCODE 0x23

    .text
    .altmacro
.macro exc_stub vec
    .balign 16
    .if ((\vec == 8) || ((\vec >= 10) && (\vec <= 14)) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30))
    .else
    pushq   $0
    .endif
    pushq   $\vec
    jmp     exc_common
.endm

    .balign 16
    .globl exc_stubs
exc_stubs:
    .set vec, 0
    .rept 256
    exc_stub %vec
    .set vec, vec + 1
    .endr

exc_common:
    push    %rax
    push    %rbx
    push    %rcx
    push    %rdx
    push    %rsi
    push    %rdi
    push    %rbp
    push    %r8
    push    %r9
    push    %r10
    push    %r11
    push    %r12
    push    %r13
    push    %r14
    push    %r15
    cld
    mov     %rsp, %rdi
    /* The CPU aligned rsp to 16 before its 40-byte frame; 136 more keep it so. */
    call    exc_dispatch
    pop     %r15
    pop     %r14
    pop     %r13
    pop     %r12
    pop     %r11
    pop     %r10
    pop     %r9
    pop     %r8
    pop     %rbp
    pop     %rdi
    pop     %rsi
    pop     %rdx
    pop     %rcx
    pop     %rbx
    pop     %rax
    add     $16, %rsp
    iretq

/*
 * Probes.  probe_begin records where to resume (the label after the probed
 * instruction) and the stack pointer to resume with; exc_dispatch uses both
 * when an exception arrives while exc_fixup_rip is set.
 */
.macro probe_begin
    lea     9f(%rip), %r11
    mov     %r11, exc_fixup_rip(%rip)
    mov     %rsp, exc_fixup_rsp(%rip)
.endm
.macro probe_end
9:  movq    $0, exc_fixup_rip(%rip)
    ret
.endm

    .globl probe_ud2_raw, probe_ud2_insn
probe_ud2_raw:
    probe_begin
probe_ud2_insn:
    ud2
    probe_end

    .globl probe_int3_raw, probe_int3_insn
probe_int3_raw:
    probe_begin
probe_int3_insn:
    int3
    probe_end

    .globl probe_div0_raw, probe_div0_insn
probe_div0_raw:
    xor     %edx, %edx
    mov     $1, %eax
    xor     %ecx, %ecx
    probe_begin
probe_div0_insn:
    div     %ecx
    probe_end

    .globl probe_read64_raw
probe_read64_raw:               /* rdi = address; returns the value or 0 */
    xor     %eax, %eax
    probe_begin
    mov     (%rdi), %rax
    probe_end

    .globl probe_write64_raw
probe_write64_raw:              /* rdi = address, rsi = value */
    probe_begin
    mov     %rsi, (%rdi)
    probe_end

    .globl probe_rdmsr_raw
probe_rdmsr_raw:                /* edi = MSR; returns edx:eax or 0 */
    mov     %edi, %ecx
    xor     %eax, %eax
    xor     %edx, %edx
    probe_begin
    rdmsr
9:  movq    $0, exc_fixup_rip(%rip)
    shl     $32, %rdx
    or      %rdx, %rax
    ret

    .globl probe_wrmsr_raw
probe_wrmsr_raw:                /* edi = MSR, rsi = value */
    mov     %edi, %ecx
    mov     %rsi, %rax
    mov     %rsi, %rdx
    shr     $32, %rdx
    probe_begin
    wrmsr
    probe_end

    .globl probe_call_raw
probe_call_raw:                 /* rdi = address to call */
    push    %rbx                /* keep rsp 16-aligned at the call */
    probe_begin
    call    *%rdi
9:  movq    $0, exc_fixup_rip(%rip)
    pop     %rbx
    ret

    .globl probe_cli_raw
probe_cli_raw:
    probe_begin
    cli
    probe_end

/*
 * run_user(fn, arg): save the callee-saved registers and rsp, then iretq to
 * fn at CPL3 on the user stack with IF clear.  user_exit() raises vector
 * 0x81, whose handler sends the CPU back to user_return with rax = value.
 */
    .globl run_user
run_user:
    push    %rbx
    push    %rbp
    push    %r12
    push    %r13
    push    %r14
    push    %r15
    pushfq
    mov     %rsp, user_saved_rsp(%rip)
    pushq   $GDT_UDATA
    lea     user_stack_top(%rip), %rax
    sub     $8, %rax            /* as if called: rsp = 8 mod 16 */
    push    %rax
    pushq   $0x2
    pushq   $GDT_UCODE
    push    %rdi
    mov     %rsi, %rdi
    iretq

    .globl user_return
user_return:
    popfq
    pop     %r15
    pop     %r14
    pop     %r13
    pop     %r12
    pop     %rbp
    pop     %rbx
    ret

    .globl user_exit
user_exit:
    int     $0x81
    ud2

    .section .bss
    .balign 4096
user_stack:
    .skip 8192
user_stack_top:

    .section .note.GNU-stack, "", @progbits
