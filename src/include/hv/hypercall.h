/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hypercall entry.  The exit dispatcher calls hypercall_dispatch() for every
 * VMMCALL/VMCALL exit, after moving rip past the instruction.  Number in
 * rax, arguments in rdi, rsi, rdx, r10, r8 (64-bit guests; a 32-bit guest's
 * ebx, ecx, edx, esi, edi), result to rax.  The table of handlers is
 * generated from spec/abi/hypercalls.tbl.
 */
#ifndef HV_HYPERCALL_H
#define HV_HYPERCALL_H

#include "hv/domain.h"
#include "hv/guest_copy.h"

#define HYPERCALL_NR_ARGS 5

/*
 * A handler's memory argument: len bytes at guest-linear address gla, read
 * or written through the caller's own page tables and p2m (the guest copy
 * functions, all or nothing).  0, or -XEN_EFAULT with nothing done; a failed
 * read leaves buf unchanged.  Every handler copies its arguments only
 * through these.
 */
/*@ requires \valid(v) && \valid_read(v->domain);
    requires \valid((uint8_t *)buf + (0 .. len - 1));
    requires \separated((uint8_t *)buf + (0 .. len - 1), &v->domain->p2m, &v->state.paging);
    requires gw_not_mem_bytes((uint8_t *)buf, len) && gw_not_mem_words((uint8_t *)buf, len);
    assigns ((uint8_t *)buf)[0 .. len - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures \result == 0 || \result == -XEN_EFAULT;
    ensures \result != 0 ==>
              \forall integer i; 0 <= i < len ==> ((uint8_t *)buf)[i] == \old(((uint8_t *)buf)[i]); */
int64_t hypercall_arg_read(struct vcpu *v, uint64_t gla, void *buf, size_t len);

/*@ requires \valid(v) && \valid_read(v->domain);
    requires \valid_read((const uint8_t *)buf + (0 .. len - 1));
    requires gw_not_mem_bytes((uint8_t *)buf, len);
    assigns hal_mem_bytes[0 .. HAL_MEM_BYTES - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures \result == 0 || \result == -XEN_EFAULT; */
int64_t hypercall_arg_write(struct vcpu *v, uint64_t gla, const void *buf, size_t len);

/*
 * An in/out argument: read it, and check that it can be written back
 * unchanged, so that an operation done on its behalf can always be reported
 * (Xen's handlers fail such a call with -EFAULT before acting).
 */
/*@ requires \valid(v) && \valid_read(v->domain);
    requires \valid((uint8_t *)buf + (0 .. len - 1));
    requires \separated((uint8_t *)buf + (0 .. len - 1), &v->domain->p2m, &v->state.paging);
    requires gw_not_mem_bytes((uint8_t *)buf, len) && gw_not_mem_words((uint8_t *)buf, len);
    assigns ((uint8_t *)buf)[0 .. len - 1], hal_mem_bytes[0 .. HAL_MEM_BYTES - 1],
            hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures \result == 0 || \result == -XEN_EFAULT; */
int64_t hypercall_arg_read_inout(struct vcpu *v, uint64_t gla, void *buf, size_t len);

/* Run the hypercall held in v->regs and store its result in v->regs.rax. */
/*@ requires \valid(v) && \valid(v->domain) && frame_heap_inv;
    assigns domain_table[0 .. DOMAIN_MAX - 1], frame_heap, frame_nr_free,
            frame_free_head[0 .. FRAME_MAX_ORDER], frame_heap.table[0 .. frame_heap.nr - 1],
            hal_frame_zero_model[0 .. frame_heap.nr - 1], *v; */
void hypercall_dispatch(struct vcpu *v);

#endif /* HV_HYPERCALL_H */
