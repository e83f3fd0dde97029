/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * void hal_svm_run(mfn_t vmcb, mfn_t host_save, struct vcpu_regs *regs)
 *
 * One guest entry and exit.  VMRUN itself switches only rax, rsp, rip,
 * rflags and the control state; the rest of the general registers are
 * swapped here, and the state VMRUN leaves alone (FS/GS/TR/LDTR hidden
 * parts, syscall and sysenter MSRs) with VMSAVE/VMLOAD, so the host gets
 * its own TR (and IST stacks) back before anything can fault.
 *
 * struct vcpu_regs offsets (hv/vcpu.h): rax 0, rbx 8, rcx 16, rdx 24,
 * rsi 32, rdi 40, rbp 48, rsp 56, r8 64 ... r15 120.
 */
    .text
    .globl hal_svm_run
    .type hal_svm_run, @function
hal_svm_run:
    push %rbx
    push %rbp
    push %r12
    push %r13
    push %r14
    push %r15
    shl $12, %rdi               /* frame numbers to physical addresses */
    shl $12, %rsi
    push %rdx                   /* 16(%rsp): regs */
    push %rsi                   /*  8(%rsp): host save area */
    push %rdi                   /*  0(%rsp): vmcb */

    clgi                        /* no interrupt or NMI between here and stgi */
    sti                         /* host IF=1 at VMRUN: physical interrupts exit the guest */
    mov %rsi, %rax
    vmsave %rax                 /* host FS/GS/TR/LDTR/MSRs */
    mov (%rsp), %rax
    vmload %rax                 /* guest ones */

    mov %rdx, %rax              /* guest general registers, rax/rsp excepted */
    mov 8(%rax), %rbx
    mov 16(%rax), %rcx
    mov 24(%rax), %rdx
    mov 32(%rax), %rsi
    mov 40(%rax), %rdi
    mov 48(%rax), %rbp
    mov 64(%rax), %r8
    mov 72(%rax), %r9
    mov 80(%rax), %r10
    mov 88(%rax), %r11
    mov 96(%rax), %r12
    mov 104(%rax), %r13
    mov 112(%rax), %r14
    mov 120(%rax), %r15
    mov (%rsp), %rax            /* vmcb physical address */
    vmrun %rax
    /* #VMEXIT: host rax, rsp, rip and flags are back; the rest is the guest's. */
    push %rax                   /* shifts the saved values by 8 */
    mov 24(%rsp), %rax          /* regs */
    mov %rbx, 8(%rax)
    mov %rcx, 16(%rax)
    mov %rdx, 24(%rax)
    mov %rsi, 32(%rax)
    mov %rdi, 40(%rax)
    mov %rbp, 48(%rax)
    mov %r8, 64(%rax)
    mov %r9, 72(%rax)
    mov %r10, 80(%rax)
    mov %r11, 88(%rax)
    mov %r12, 96(%rax)
    mov %r13, 104(%rax)
    mov %r14, 112(%rax)
    mov %r15, 120(%rax)
    pop %rax
    mov (%rsp), %rax
    vmsave %rax                 /* guest FS/GS/TR/LDTR/MSRs */
    mov 8(%rsp), %rax
    vmload %rax                 /* host ones */
    cli                         /* a pending interrupt waits for hal_irq_window() */
    stgi

    add $24, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbp
    pop %rbx
    ret
    .size hal_svm_run, . - hal_svm_run
    .section .note.GNU-stack, "", @progbits
