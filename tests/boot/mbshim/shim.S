/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A test-only multiboot1 "loader in the middle": QEMU boots this shim with
 * -kernel and Xenolith as module 0; the shim loads Xenolith and hands it a
 * multiboot information structure with a deliberately broken memory map.
 */
    .section .multiboot, "a"
    .balign 4
    .long 0x1BADB002
    .long 0x00000003
    .long -(0x1BADB002 + 0x00000003)

    .text
    .code32
    .globl _start
_start:
    cli
    movl $stack_top, %esp
    pushl %ebx
    pushl %eax
    call shim_main
1:  hlt
    jmp 1b

    .bss
    .balign 16
    .skip 16384
stack_top:

    .section .note.GNU-stack, "", @progbits
