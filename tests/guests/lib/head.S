/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PVH entry: 32-bit protected mode, paging off, ebx = guest-physical
 * address of hvm_start_info.  Zero .bss, check the start_info magic, build
 * an identity map of the low 4 GiB (2 MiB pages, the first 2 MiB through a
 * 4 KiB table so single pages can be unmapped), enable PAE + LME + PG and
 * enter 64-bit mode, then call guest_start(start_info or 0).  CR0.WP is
 * set so that read-only pages bind ring 0 too.
 *
 * Every mapping is user-accessible (U=1): the ring-3 tests run the guest's
 * own code and data at CPL3, and SMEP/SMAP stay off.
 */
#define GDT_CODE64 0x08
#define GDT_DATA   0x10

#define X86_CR0_PE   0x00000001
#define X86_CR0_PG   0x80000000
#define X86_CR0_WP   0x00010000
#define X86_CR4_PAE  0x00000020
#define MSR_EFER     0xc0000080
#define EFER_LME     0x00000100

#define PTE_PWU      0x007        /* present, writable, user */
#define PDE_LARGE    0x087        /* present, writable, user, 2 MiB */

    .section .text.boot, "ax"
    .code32
    .globl pvh_entry32
    .type pvh_entry32, @function
pvh_entry32:
    cli
    cld
    mov     %ebx, %esi

    /* .bss holds the page tables and the stack: clear it first. */
    mov     $__bss_start, %edi
    mov     $__bss_end, %ecx
    sub     %edi, %ecx
    xor     %eax, %eax
    rep stosb

    /* A wrong magic is reported by C as "no start_info" (esi = 0). */
    test    %esi, %esi
    jz      1f
    mov     pvh_start_magic, %eax
    cmp     %eax, (%esi)
    je      1f
    xor     %esi, %esi
1:
    mov     $boot_stack_top, %esp

    /* PML4[0] -> PDPT; PDPT[0..3] -> the four page directories. */
    mov     $pt_pdpt, %eax
    or      $PTE_PWU, %eax
    mov     %eax, pt_pml4
    mov     $pt_pd, %eax
    or      $PTE_PWU, %eax
    xor     %ecx, %ecx
2:  mov     %eax, pt_pdpt(,%ecx,8)
    add     $4096, %eax
    inc     %ecx
    cmp     $4, %ecx
    jb      2b

    /* 2048 large pages cover 0 - 4 GiB. */
    mov     $PDE_LARGE, %eax
    xor     %ecx, %ecx
3:  mov     %eax, pt_pd(,%ecx,8)
    add     $0x200000, %eax
    inc     %ecx
    cmp     $2048, %ecx
    jb      3b

    /* The first 2 MiB through pt_low, all 512 pages present for now. */
    mov     $pt_low, %eax
    or      $PTE_PWU, %eax
    mov     %eax, pt_pd
    mov     $PTE_PWU, %eax
    xor     %ecx, %ecx
4:  mov     %eax, pt_low(,%ecx,8)
    add     $4096, %eax
    inc     %ecx
    cmp     $512, %ecx
    jb      4b

    mov     %cr4, %eax
    or      $X86_CR4_PAE, %eax
    mov     %eax, %cr4
    mov     $pt_pml4, %eax
    mov     %eax, %cr3
    mov     $MSR_EFER, %ecx
    rdmsr
    or      $EFER_LME, %eax
    wrmsr
    lgdt    guest_gdt_ptr
    mov     %cr0, %eax
    or      $(X86_CR0_PG | X86_CR0_WP | X86_CR0_PE), %eax
    mov     %eax, %cr0
    ljmp    $GDT_CODE64, $entry64
    .size pvh_entry32, . - pvh_entry32

    .code64
entry64:
    mov     $GDT_DATA, %eax
    mov     %eax, %ds
    mov     %eax, %es
    mov     %eax, %ss
    mov     %eax, %fs
    mov     %eax, %gs
    lgdt    guest_gdt_ptr(%rip)
    mov     $boot_stack_top, %esp
    mov     %esi, %edi
    xor     %ebp, %ebp
    call    guest_start
5:  cli
    hlt
    jmp     5b

    .section .data
    .balign 16
    /*
     * 0x08 kernel code (64-bit), 0x10 kernel data, 0x18 user data (DPL3),
     * 0x20 user code (64-bit, DPL3), 0x28 the TSS (16 bytes, filled by
     * traps_init).
     */
    .globl guest_gdt
guest_gdt:
    .quad 0
    .quad 0x00af9a000000ffff
    .quad 0x00cf92000000ffff
    .quad 0x00cff2000000ffff
    .quad 0x00affa000000ffff
    .quad 0, 0
guest_gdt_end:
    .balign 16
    .globl guest_gdt_ptr
guest_gdt_ptr:
    .word guest_gdt_end - guest_gdt - 1
    .quad guest_gdt

    .section .bss
    .balign 4096
boot_stack:
    .skip 16384
    .globl boot_stack_top
boot_stack_top:

    .section .note.GNU-stack, "", @progbits
