/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Entry from a multiboot1 loader (QEMU -kernel) or a multiboot2 loader
 * (GRUB): both arrive here in 32-bit protected mode with paging off,
 * EAX = loader magic and EBX = physical address of the boot information.
 * We build an identity map of the low 4 GiB, enter long mode and call
 * hal_start(magic, info) in C.
 */

#define MB1_MAGIC       0x1BADB002
#define MB1_FLAGS       0x00000003      /* page-aligned modules, memory info */
#define MB2_MAGIC       0xE85250D6
#define MB2_ARCH_I386   0

#define CR0_PE          (1 << 0)
#define CR0_WP          (1 << 16)
#define CR0_PG          (1 << 31)
#define CR4_PAE         (1 << 5)
#define CR4_OSFXSR      (1 << 9)     /* FXSAVE/FXRSTOR include the SSE state guests use */
#define CR4_OSXMMEXCPT  (1 << 10)
#define CR0_MP          (1 << 1)
#define CR0_EM          (1 << 2)
#define MSR_EFER        0xC0000080
#define EFER_LME        (1 << 8)
#define EFER_NXE        (1 << 11)
#define PTE_P           0x1
#define PTE_W           0x2
#define PTE_PS          0x80
#define COM1            0x3F8

    .section .multiboot, "a"
    .balign 4
mb1_header:
    .long MB1_MAGIC
    .long MB1_FLAGS
    .long -(MB1_MAGIC + MB1_FLAGS)

    .balign 8
mb2_header:
    .long MB2_MAGIC
    .long MB2_ARCH_I386
    .long mb2_header_end - mb2_header
    .long -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
    /* Information request: command line, modules, memory map (required). */
    .balign 8
    .short 1, 0
    .long 8 + 3 * 4
    .long 1, 3, 6
    /* Module alignment: page-aligned modules. */
    .balign 8
    .short 6, 0
    .long 8
    /* End tag. */
    .balign 8
    .short 0, 0
    .long 8
mb2_header_end:

    .section .text.boot, "ax"
    .code32
    .globl _start
_start:
    cli
    cld
    movl %eax, %edi                 /* loader magic, kept for hal_start */
    movl %ebx, %esi                 /* boot information */

    /* Clear .bss (stack and page tables live there). */
    movl $__bss_start, %ecx
    movl $__bss_end, %edx
1:  cmpl %edx, %ecx
    jae 2f
    movl $0, (%ecx)
    addl $4, %ecx
    jmp 1b
2:
    movl $boot_stack_top, %esp

    /* Long mode is required; tell the user instead of resetting silently. */
    movl $0x80000000, %eax
    cpuid
    cmpl $0x80000001, %eax
    jb no_long_mode
    movl $0x80000001, %eax
    cpuid
    btl $29, %edx
    jnc no_long_mode
    movl %edx, %ebp                 /* remember NX support (bit 20) */

    /* PML4[0] -> PDPT; PDPT[0..3] -> four page directories. */
    movl $boot_pdpt, %eax
    orl $(PTE_P | PTE_W), %eax
    movl %eax, boot_pml4
    xorl %ecx, %ecx
3:  movl %ecx, %eax
    shll $12, %eax
    addl $boot_pd, %eax
    orl $(PTE_P | PTE_W), %eax
    movl %eax, boot_pdpt(, %ecx, 8)
    incl %ecx
    cmpl $4, %ecx
    jb 3b

    /* 2 MiB pages for 2 MiB .. 4 GiB. */
    movl $1, %ecx
4:  movl %ecx, %eax
    shll $21, %eax
    orl $(PTE_P | PTE_W | PTE_PS), %eax
    movl %eax, boot_pd(, %ecx, 8)
    incl %ecx
    cmpl $2048, %ecx
    jb 4b

    /* 4 KiB pages for the first 2 MiB, leaving page 0 unmapped so that a
     * NULL dereference faults instead of reading the real-mode IVT. */
    movl $boot_pt0, %eax
    orl $(PTE_P | PTE_W), %eax
    movl %eax, boot_pd
    movl $1, %ecx
5:  movl %ecx, %eax
    shll $12, %eax
    orl $(PTE_P | PTE_W), %eax
    movl %eax, boot_pt0(, %ecx, 8)
    incl %ecx
    cmpl $512, %ecx
    jb 5b

    movl %cr4, %eax
    orl $(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
    movl %eax, %cr4
    movl $boot_pml4, %eax
    movl %eax, %cr3

    movl $MSR_EFER, %ecx
    rdmsr
    orl $EFER_LME, %eax
    btl $20, %ebp
    jnc 6f
    orl $EFER_NXE, %eax
6:  wrmsr

    movl %cr0, %eax
    andl $~CR0_EM, %eax
    orl $(CR0_PE | CR0_PG | CR0_WP | CR0_MP), %eax
    movl %eax, %cr0

    lgdt boot_gdt_desc
    ljmp $0x08, $long_mode_entry

no_long_mode:
    movl $no_lm_msg, %esi
7:  lodsb
    testb %al, %al
    jz 9f
    movl %eax, %ebx
    movw $(COM1 + 5), %dx
8:  inb %dx, %al                    /* wait for the transmitter */
    testb $0x20, %al
    jz 8b
    movl %ebx, %eax
    movw $COM1, %dx
    outb %al, %dx
    jmp 7b
9:  hlt
    jmp 9b

    .code64
long_mode_entry:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    xorw %ax, %ax
    movw %ax, %fs
    movw %ax, %gs
    movabsq $boot_stack_top, %rsp
    xorl %ebp, %ebp
    movl %edi, %edi                 /* zero-extend magic and info */
    movl %esi, %esi
    call hal_start
10: cli
    hlt
    jmp 10b

    .section .rodata
no_lm_msg:
    .asciz "Xenolith: this CPU has no 64-bit long mode; cannot boot.\r\n"

    .balign 16
boot_gdt:
    .quad 0
    .quad 0x00AF9A000000FFFF        /* 0x08: 64-bit code */
    .quad 0x00CF92000000FFFF        /* 0x10: data */
boot_gdt_end:
boot_gdt_desc:
    .short boot_gdt_end - boot_gdt - 1
    .long boot_gdt

    .section .bss.pagetables, "aw", @nobits
    .balign 4096
    .globl boot_pml4
boot_pml4:  .skip 4096
boot_pdpt:  .skip 4096
boot_pd:    .skip 4 * 4096
boot_pt0:   .skip 4096

    .section .bss
    .balign 16
    .globl boot_stack_top
boot_stack: .skip 32768
boot_stack_top:

    .section .note.GNU-stack, "", @progbits
