/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Byte movers between hypervisor buffers and machine memory, under the
 * contracts of the proofs' memory model (hal/mem.h).  Apart from hal/mem.h
 * because only the guest copies use them: WP numbers every variable it
 * parses, prototype parameters included, so a declaration in a header that
 * every unit includes would change every unit's proof keys (docs/AUDIT.md).
 */
#ifndef HAL_MEM_COPY_H
#define HAL_MEM_COPY_H

#include "hal/mem.h"

/*
 * Move n bytes out of machine memory (a frame's bytes, from hal_mem_frame)
 * into a hypervisor buffer, and back.  HAL primitives because hypervisor
 * buffers are char (what a void * buffer is to the proofs' memory model)
 * and machine memory is uint8_t: a C loop between the two types is not a
 * memcpy to the compilers, and these run for every byte a hypercall moves.
 */
/*@ requires \valid(d + (0 .. n - 1)) && \valid_read(s + (0 .. n - 1));
    requires \separated(d + (0 .. n - 1), s + (0 .. n - 1));
    assigns d[0 .. n - 1] \from s[0 .. n - 1]; */
void hal_mem_copy_out(char *d, const uint8_t *s, size_t n);

/*@ requires \valid(d + (0 .. n - 1)) && \valid_read(s + (0 .. n - 1));
    requires \separated(d + (0 .. n - 1), s + (0 .. n - 1));
    assigns d[0 .. n - 1] \from s[0 .. n - 1]; */
void hal_mem_copy_in(uint8_t *d, const char *s, size_t n);

#endif /* HAL_MEM_COPY_H */
