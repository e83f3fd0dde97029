/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Exception entry stubs for vectors 0-31.  Each pushes a dummy error code
 * when the CPU does not, then its vector, then the general registers, giving
 * the struct cpu_fault_frame layout of hv/fault.h, and calls
 * hal_exception(frame), which does not return.
 */

.macro EXC_NOERR vec
    .balign 16
exc_stub_\vec:
    pushq $0
    pushq $\vec
    jmp exc_common
.endm

.macro EXC_ERR vec
    .balign 16
exc_stub_\vec:
    pushq $\vec
    jmp exc_common
.endm

    .text
EXC_NOERR 0
EXC_NOERR 1
EXC_NOERR 2
EXC_NOERR 3
EXC_NOERR 4
EXC_NOERR 5
EXC_NOERR 6
EXC_NOERR 7
EXC_ERR   8
EXC_NOERR 9
EXC_ERR   10
EXC_ERR   11
EXC_ERR   12
EXC_ERR   13
EXC_ERR   14
EXC_NOERR 15
EXC_NOERR 16
EXC_ERR   17
EXC_NOERR 18
EXC_NOERR 19
EXC_NOERR 20
EXC_ERR   21
EXC_NOERR 22
EXC_NOERR 23
EXC_NOERR 24
EXC_NOERR 25
EXC_NOERR 26
EXC_NOERR 27
EXC_NOERR 28
EXC_ERR   29
EXC_ERR   30
EXC_NOERR 31

exc_common:
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    cld
    movq %rsp, %rdi
    andq $-16, %rsp                 /* ABI stack alignment for the C handler */
    call hal_exception
1:  cli
    hlt
    jmp 1b


/*
 * Host interrupts.  They are only ever taken inside hal_irq_window() or the
 * idle loop's sti;hlt, so the C handler runs on the hypervisor stack with
 * the caller-saved registers preserved here.
 */
    .balign 16
irq_timer_entry:
    pushq %rbp
    pushq %rax
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    movq %rsp, %rbp
    andq $-16, %rsp
    cld
    call apic_timer_interrupt
    movq %rbp, %rsp
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rax
    popq %rbp
    iretq

    .balign 16
irq_spurious_entry:
    iretq       /* spurious APIC interrupts need no EOI */

    .section .rodata
    .balign 8
    .globl exception_stubs
exception_stubs:
    .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    .quad exc_stub_\v
    .endr

    .globl irq_stub_timer, irq_stub_spurious
irq_stub_timer:
    .quad irq_timer_entry
irq_stub_spurious:
    .quad irq_spurious_entry

    .section .note.GNU-stack, "", @progbits
