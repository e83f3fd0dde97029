/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Physical frame allocator: a buddy allocator over machine frames with one
 * descriptor per frame recording its owner.  Free blocks of 2^order frames
 * sit on per-order doubly linked lists threaded through the descriptors by
 * frame index, so every search is bounded by FRAME_NR_ORDERS steps and only
 * marking or scrubbing the frames of a block costs O(block).
 *
 * The descriptor table is not a static array: bare metal carves
 * frame_table_bytes(nr) bytes out of RAM at boot and hands them to
 * frame_init().  All frames start reserved (owned by DOMID_XEN, type
 * FRAME_TYPE_RESERVED); frame_add_free() gives RAM to the allocator.
 *
 * Contracts are built from the predicates of spec/frame.acsl; docs/AUDIT.md
 * explains them.  The state is a global so the contracts can name it; only
 * this module writes it.
 */
#ifndef HV_FRAME_H
#define HV_FRAME_H

#include "hv/types.h"
#include "hal/hal.h"
#include "xen/errno.h"

#define FRAME_MAX_ORDER 18U
#define FRAME_NR_ORDERS (FRAME_MAX_ORDER + 1U)
/* Largest table: frame indices must stay below the list sentinel. */
#define FRAME_MAX_FRAMES 0xFFFFFFFFULL
/* End-of-list link. */
#define FRAME_NIL 0xFFFFFFFFU
/* Owner of a frame that sits in the allocator's pool (a reserved domid). */
#define FRAME_OWNER_FREE 0x7FFEU

/* Frame types; the p2m work adds more (page tables, grants, ...). */
#define FRAME_TYPE_NONE     0U
#define FRAME_TYPE_RESERVED 1U  /* not (yet) RAM given to the allocator */

/*
 * The list fields (next, prev, order, head) and the ownership fields (owner,
 * type, dirty, refcount) have different C types on purpose: WP's memory
 * model keeps one memory per integer kind, so list surgery visibly leaves
 * ownership alone and vice versa.
 */
struct frame_desc {
    uint64_t refcount;  /* references held through p2m/grants (next issue) */
    uint32_t next;      /* free list: next head of the same order, or FRAME_NIL */
    uint32_t prev;      /* free list: previous head, or FRAME_NIL */
    domid_t owner;      /* domain id, DOMID_XEN, or FRAME_OWNER_FREE */
    uint8_t type;       /* FRAME_TYPE_* */
    uint8_t dirty;      /* 1: contents unknown, scrub before handing out */
    int8_t order;       /* order of the free block this frame heads */
    int8_t head;        /* 1: first frame of a free block on list `order` */
    uint8_t pad[2];
};

struct frame_heap {
    struct frame_desc *table;          /* nr descriptors */
    mfn_t nr;                          /* frames described */
};

/* Only frame.c writes these; tests and contracts read them. */
extern struct frame_heap frame_heap;
/* Frames owned by FRAME_OWNER_FREE (kept apart from frame_heap so that
 * counting does not touch the state the invariant describes). */
extern mfn_t frame_nr_free;
/* First block of each order, or FRAME_NIL. */
extern uint32_t frame_free_head[FRAME_NR_ORDERS];

#include "../../../spec/frame.acsl"

/*@ // No frame of the 2^order block at mfn holds a reference (p2m leaf,
    // table link, grant): only such a block may go back to the pool.
    predicate frame_block_unreferenced{L}(integer mfn, integer order) =
      \forall integer i; mfn <= i < mfn + frame_pages(order) ==>
        frame_heap.table[i].refcount == 0;
*/

/* Bytes of descriptor table needed for nr_frames frames (0 if too many). */
/*@ assigns \nothing;
    ensures 1 <= nr_frames <= FRAME_MAX_FRAMES ==>
              \result == nr_frames * sizeof(struct frame_desc);
    ensures !(1 <= nr_frames <= FRAME_MAX_FRAMES) ==> \result == 0; */
size_t frame_table_bytes(mfn_t nr_frames);

/*
 * Take `storage` (at least frame_table_bytes(nr_frames) bytes, suitably
 * aligned) as the descriptor table; every frame starts reserved and dirty.
 * Returns 0, or -XEN_EINVAL (nothing changed) for a NULL/short table or a
 * bad frame count.
 */
/*@ requires storage_valid: \valid(storage + (0 .. bytes / sizeof(struct frame_desc) - 1));
    requires storage_separated: frame_storage_separated(storage, bytes / sizeof(struct frame_desc));
    assigns frame_heap, frame_nr_free, frame_free_head[0 .. FRAME_MAX_ORDER], storage[0 .. bytes / sizeof(struct frame_desc) - 1];
    behavior ok:
      assumes frame_init_args_ok(storage, bytes, nr_frames);
      ensures \result == 0;
      ensures frame_heap_inv;
      ensures frame_heap.table == storage && frame_heap.nr == nr_frames;
      ensures frame_nr_free == 0;
      ensures \forall integer i; 0 <= i < nr_frames ==> frame_reserved(i);
    behavior bad:
      assumes !frame_init_args_ok(storage, bytes, nr_frames);
      ensures \result == -XEN_EINVAL;
      ensures frame_heap == \old(frame_heap);
      ensures \forall integer i; 0 <= i < bytes / sizeof(struct frame_desc) ==>
                storage[i] == \old(storage[i]);
    complete behaviors;
    disjoint behaviors; */
int frame_init(struct frame_desc *storage, size_t bytes, mfn_t nr_frames);

/*
 * Give frames [start, start + count) to the allocator.  They must all be
 * reserved (never given before); they are not known to be zero, so they are
 * scrubbed when first allocated.  Returns 0 or -XEN_EINVAL (nothing changed).
 */
/*@ requires frame_heap_inv;
    assigns frame_free_head[0 .. FRAME_MAX_ORDER], frame_nr_free,
            frame_heap.table[0 .. frame_heap.nr - 1].next,
            frame_heap.table[0 .. frame_heap.nr - 1].prev,
            frame_heap.table[0 .. frame_heap.nr - 1].head,
            frame_heap.table[0 .. frame_heap.nr - 1].order,
            frame_heap.table[0 .. frame_heap.nr - 1].owner,
            frame_heap.table[0 .. frame_heap.nr - 1].type,
            frame_heap.table[0 .. frame_heap.nr - 1].dirty,
            frame_heap.table[0 .. frame_heap.nr - 1].refcount;
    ensures frame_heap_inv;
    behavior ok:
      assumes frame_range_ok(start, count) &&
              (\forall integer i; start <= i < start + count ==> frame_reserved(i));
      ensures \result == 0;
      ensures \forall integer i; start <= i < start + count ==> frame_free_frame(i);
      ensures \forall integer i; 0 <= i < frame_heap.nr && !(start <= i < start + count) ==>
                frame_owner_of(i) == \old(frame_owner_of(i)) &&
                frame_heap.table[i].type == \old(frame_heap.table[i].type);
    behavior bad:
      assumes !(frame_range_ok(start, count) &&
              (\forall integer i; start <= i < start + count ==> frame_reserved(i)));
      ensures \result == -XEN_EINVAL;
      ensures frame_heap_unchanged{Pre, Post};
    complete behaviors;
    disjoint behaviors; */
int frame_add_free(mfn_t start, mfn_t count);

/*
 * A block of 2^order frames, 2^order-aligned, every frame owned by `owner`
 * and zero; INVALID_MFN for a bad order or owner, or when no block is free.
 */
/*@ requires frame_heap_inv;
    assigns frame_free_head[0 .. FRAME_MAX_ORDER], frame_nr_free,
            frame_heap.table[0 .. frame_heap.nr - 1].next,
            frame_heap.table[0 .. frame_heap.nr - 1].prev,
            frame_heap.table[0 .. frame_heap.nr - 1].head,
            frame_heap.table[0 .. frame_heap.nr - 1].order,
            frame_heap.table[0 .. frame_heap.nr - 1].owner,
            frame_heap.table[0 .. frame_heap.nr - 1].type,
            frame_heap.table[0 .. frame_heap.nr - 1].dirty,
            frame_heap.table[0 .. frame_heap.nr - 1].refcount,
            hal_frame_zero_model[0 .. frame_heap.nr - 1];
    ensures frame_heap_inv;
    behavior bad:
      assumes order > FRAME_MAX_ORDER || !frame_valid_owner(owner);
      ensures \result == (mfn_t)INVALID_MFN;
      ensures frame_heap_unchanged{Pre, Post};
    behavior good:
      assumes order <= FRAME_MAX_ORDER && frame_valid_owner(owner);
      ensures (\forall integer k; order <= k <= FRAME_MAX_ORDER ==>
                 \old(frame_free_head[k]) == FRAME_NIL) ==> \result == (mfn_t)INVALID_MFN;
      ensures \result == (mfn_t)INVALID_MFN ==> frame_heap_unchanged{Pre, Post};
      ensures \result != (mfn_t)INVALID_MFN ==>
              frame_block_ok(\result, frame_pages(order)) &&
              frame_given{Pre, Post}(\result, frame_pages(order), owner);
    complete behaviors;
    disjoint behaviors; */
mfn_t frame_alloc(unsigned order, domid_t owner);

/*
 * Exactly nr contiguous frames, aligned to 2^align_order, owned by `owner`
 * and zero.  The rounded-up buddy block's surplus goes back to the pool.
 */
/*@ requires frame_heap_inv;
    assigns frame_free_head[0 .. FRAME_MAX_ORDER], frame_nr_free,
            frame_heap.table[0 .. frame_heap.nr - 1].next,
            frame_heap.table[0 .. frame_heap.nr - 1].prev,
            frame_heap.table[0 .. frame_heap.nr - 1].head,
            frame_heap.table[0 .. frame_heap.nr - 1].order,
            frame_heap.table[0 .. frame_heap.nr - 1].owner,
            frame_heap.table[0 .. frame_heap.nr - 1].type,
            frame_heap.table[0 .. frame_heap.nr - 1].dirty,
            frame_heap.table[0 .. frame_heap.nr - 1].refcount,
            hal_frame_zero_model[0 .. frame_heap.nr - 1];
    ensures frame_heap_inv;
    behavior bad:
      assumes !frame_contig_args_ok(nr, align_order, owner);
      ensures \result == (mfn_t)INVALID_MFN;
      ensures frame_heap_unchanged{Pre, Post};
    behavior good:
      assumes frame_contig_args_ok(nr, align_order, owner);
      ensures \result == (mfn_t)INVALID_MFN ==> frame_heap_unchanged{Pre, Post};
      ensures \result != (mfn_t)INVALID_MFN ==>
              frame_block_ok(\result, nr) &&
              frame_given{Pre, Post}(\result, nr, owner);
    complete behaviors;
    disjoint behaviors; */
mfn_t frame_alloc_contig(mfn_t nr, unsigned align_order, domid_t owner);

/*
 * Return the 2^order block at mfn, every frame of which `owner` must own
 * and nothing may reference (a referenced frame is still mapped somewhere:
 * freeing it would hand a mapped frame to the next owner).  Each frame is
 * scrubbed, then the block merges with free buddies.  Returns 0, or
 * -XEN_EINVAL (bad arguments) or -XEN_EBUSY (a frame referenced); on error
 * nothing changed.
 */
/*@ requires frame_heap_inv;
    assigns frame_free_head[0 .. FRAME_MAX_ORDER], frame_nr_free,
            frame_heap.table[0 .. frame_heap.nr - 1].next,
            frame_heap.table[0 .. frame_heap.nr - 1].prev,
            frame_heap.table[0 .. frame_heap.nr - 1].head,
            frame_heap.table[0 .. frame_heap.nr - 1].order,
            frame_heap.table[0 .. frame_heap.nr - 1].owner,
            frame_heap.table[0 .. frame_heap.nr - 1].type,
            frame_heap.table[0 .. frame_heap.nr - 1].dirty,
            frame_heap.table[0 .. frame_heap.nr - 1].refcount,
            hal_frame_zero_model[0 .. frame_heap.nr - 1];
    ensures frame_heap_inv;
    behavior ok:
      assumes frame_free_args_ok(mfn, order, owner);
      assumes frame_block_unreferenced(mfn, order);
      ensures \result == 0;
      ensures \forall integer i; mfn <= i < mfn + frame_pages(order) ==>
                frame_free_frame(i) && frame_heap.table[i].dirty == 0 &&
                hal_frame_is_zero(i);
      ensures \forall integer i; 0 <= i < frame_heap.nr && !(mfn <= i < mfn + frame_pages(order)) ==>
                frame_owner_of(i) == \old(frame_owner_of(i));
    behavior busy:
      assumes frame_free_args_ok(mfn, order, owner);
      assumes !frame_block_unreferenced(mfn, order);
      ensures \result == -XEN_EBUSY;
      ensures frame_heap_unchanged{Pre, Post};
    behavior bad:
      assumes !frame_free_args_ok(mfn, order, owner);
      ensures \result == -XEN_EINVAL;
      ensures frame_heap_unchanged{Pre, Post};
    complete behaviors;
    disjoint behaviors; */
int frame_free(mfn_t mfn, unsigned order, domid_t owner);

/* Owner of a frame, DOMID_INVALID beyond the table. */
/*@ requires frame_heap_inv;
    assigns \nothing;
    ensures mfn < frame_heap.nr ==> \result == frame_owner_of(mfn);
    ensures mfn >= frame_heap.nr ==> \result == DOMID_INVALID; */
domid_t frame_owner(mfn_t mfn);

/* Frames currently in the pool. */
/*@ requires frame_heap_inv;
    assigns \nothing;
    ensures \result == frame_nr_free; */
mfn_t frame_free_count(void);

/*
 * Full O(n) consistency check for tests and fuzzers: lists well formed and
 * acyclic, free blocks aligned, disjoint and made of free frames, every free
 * frame in a block, buddies merged, the free count right.
 */
/*@ requires frame_heap_inv;
    assigns \nothing; */
bool frame_check_invariants(void);

#endif /* HV_FRAME_H */
