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

#define HYPERCALL_NR_ARGS 5

/* Run the hypercall held in v->regs and store its result in v->regs.rax. */
/*@ requires \valid(v) && \valid(v->domain) && frame_heap_inv;
    assigns domain_table[0 .. DOMAIN_MAX - 1], frame_heap, frame_nr_free,
            frame_free_head[0 .. FRAME_MAX_ORDER], frame_heap.table[0 .. frame_heap.nr - 1],
            hal_frame_zero_model[0 .. frame_heap.nr - 1], *v; */
void hypercall_dispatch(struct vcpu *v);

#endif /* HV_HYPERCALL_H */
