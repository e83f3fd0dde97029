/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Machine memory as the proofs of the guest walk and the guest copies see
 * it, and the two HAL views that hand out pointers into that model.
 *
 * hal_mem_words and hal_mem_bytes are ghost arrays (never compiled, never
 * allocated): every machine frame as 512 table words and as 4096 bytes.  A
 * contract can then say "writes guest memory" (assigns hal_mem_words[..]),
 * and the provers know that hypervisor objects (locals, globals, buffers
 * declared separated) are not machine memory.  The two views are separate
 * arrays: nothing proved relates a write through one to a read through the
 * other (a walk only reads and sets bits in table words; a copy moves data
 * bytes and never reads a table it wrote).
 *
 * hal_mem_table and hal_mem_frame return exactly what hal_table_map and
 * hal_frame_map (hal/hal.h) return; only their contracts differ, and, like
 * every hal_* contract, they are trusted: the frame's view is its slice of
 * the model, and frames at or beyond HAL_MODEL_FRAMES are never mapped.
 */
#ifndef HAL_MEM_H
#define HAL_MEM_H

#include "hal/hal.h"
#include "hal/mem_model.h"
#include "hv/types.h"

/* hal_table_map(mfn): the frame's 512 words, or NULL. */
/*@ assigns \result \from mfn;
    ensures \result == \null ||
            (mfn < HAL_MODEL_FRAMES && \result == hal_mem_words + mfn * 512); */
uint64_t *hal_mem_table(mfn_t mfn);

/* hal_frame_map(mfn): the frame's 4096 bytes, or NULL. */
/*@ assigns \result \from mfn;
    ensures \result == \null ||
            (mfn < HAL_MODEL_FRAMES && \result == hal_mem_bytes + mfn * 4096); */
uint8_t *hal_mem_frame(mfn_t mfn);

#ifndef __FRAMAC__
/*
 * Compiled builds take the two views inline: a p2m lookup maps one table per
 * level and a guest copy one frame per page, and a call per view was a fifth
 * of a lookup's instructions.  The bodies are still the HAL's (trusted, like
 * every hal_* body, to give what the contracts above say); the proofs see
 * only the prototypes and contracts, which is why this sits after them.
 *
 * hal_mem_window says where machine memory is: frame f at base + f * 4096,
 * frames below `frames`.  On bare metal base is 0 (the boot identity map),
 * so frame 0 comes out as NULL, "not mapped", as hal_table_map says; the
 * simulator's window starts at its own allocation.
 */
struct hal_mem_window {
    uintptr_t base;
    uint64_t frames;
};
extern struct hal_mem_window hal_mem_window;

static inline uint8_t *hal_mem_frame_inline(mfn_t mfn)
{
    if (mfn >= hal_mem_window.frames)
        return NULL;
    return (uint8_t *)(hal_mem_window.base + (uintptr_t)mfn * PAGE_SIZE);
}

static inline uint64_t *hal_mem_table_inline(mfn_t mfn)
{
    /* Frames are page aligned, so the view is aligned for 64-bit words. */
    return (uint64_t *)(void *)hal_mem_frame_inline(mfn);
}

#define hal_mem_table(mfn) hal_mem_table_inline(mfn)
#define hal_mem_frame(mfn) hal_mem_frame_inline(mfn)
#endif /* !__FRAMAC__ */

#endif /* HAL_MEM_H */
