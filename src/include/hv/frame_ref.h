/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Types and reference counts of allocated frames.  The allocator (hv/frame.h)
 * says who owns a frame; this module says what the owner uses it for (guest
 * RAM, p2m table page) and how many references point at it:
 *   - a guest RAM frame: one reference per p2m leaf that maps it (a 2 MiB leaf
 *     references each of its 512 frames once), across all domains;
 *   - a p2m table page: exactly one reference, from its parent entry (or,
 *     for the root, from struct p2m).
 * A frame's type may change only while nobody references it.  Every function
 * refuses (with an error, changing nothing) frames outside the table, free
 * frames, hypervisor (DOMID_XEN) frames and frames of another domain.
 *
 * Only this module writes the type and refcount fields of frame_heap.table[]
 * (apart from frame.c, which resets them when a frame changes owner).
 */
#ifndef HV_FRAME_REF_H
#define HV_FRAME_REF_H

#include "hv/frame.h"

/* Frame types beyond the allocator's NONE and RESERVED. */
#define FRAME_TYPE_GUEST_RAM  2U
#define FRAME_TYPE_P2M_TABLE  3U
/* References a frame may hold (far above what 512 * domains can need). */
#define FRAME_REF_MAX 0x7FFFFFFFU

#include "../../../spec/p2m.acsl"

/*
 * Frames [mfn, mfn + n) are all owned by guest domain `owner`, typed `type`,
 * and can take one more reference.  Nothing changes.  0, or
 *   -XEN_EINVAL   owner not a guest domain id, n == 0, range beyond the table,
 *                 type not GUEST_RAM/P2M_TABLE, or a frame of another type
 *   -XEN_EPERM    a frame free, hypervisor-owned or owned by another domain
 *   -XEN_EOVERFLOW a frame at FRAME_REF_MAX
 */
/*@ requires frame_heap_inv;
    assigns \nothing;
    ensures \result == 0 <==> fr_range_refable(mfn, n, owner, type);
    ensures \result == 0 || \result == -XEN_EINVAL || \result == -XEN_EPERM ||
            \result == -XEN_EOVERFLOW; */
int frame_ref_check(mfn_t mfn, mfn_t n, domid_t owner, unsigned type);

/* One more reference on each frame of [mfn, mfn + n): frame_ref_check, then
 * the increments (all or nothing). */
/*@ requires frame_heap_inv;
    assigns frame_heap.table[mfn .. mfn + n - 1].refcount;
    ensures frame_heap_inv;
    behavior ok:
      assumes fr_range_refable(mfn, n, owner, type);
      ensures \result == 0;
      ensures \forall integer i; mfn <= i < mfn + n ==>
                frame_heap.table[i].refcount == \old(frame_heap.table[i].refcount) + 1;
    behavior refused:
      assumes !fr_range_refable(mfn, n, owner, type);
      ensures \result < 0;
      ensures \forall integer i; mfn <= i < mfn + n && 0 <= i < frame_heap.nr ==>
                frame_heap.table[i].refcount == \old(frame_heap.table[i].refcount);
    complete behaviors;
    disjoint behaviors; */
int frame_ref_get(mfn_t mfn, mfn_t n, domid_t owner, unsigned type);

/*
 * Drop one reference on each frame of [mfn, mfn + n), all owned by guest
 * `owner` and referenced (all or nothing).  0, or -XEN_EINVAL (bad owner or
 * range, a frame with no reference), -XEN_EPERM (a frame not owner's).
 */
/*@ requires frame_heap_inv;
    assigns frame_heap.table[mfn .. mfn + n - 1].refcount;
    ensures frame_heap_inv;
    behavior ok:
      assumes fr_range_putable(mfn, n, owner);
      ensures \result == 0;
      ensures \forall integer i; mfn <= i < mfn + n ==>
                frame_heap.table[i].refcount == \old(frame_heap.table[i].refcount) - 1;
    behavior refused:
      assumes !fr_range_putable(mfn, n, owner);
      ensures \result < 0;
      ensures \forall integer i; mfn <= i < mfn + n && 0 <= i < frame_heap.nr ==>
                frame_heap.table[i].refcount == \old(frame_heap.table[i].refcount);
    complete behaviors;
    disjoint behaviors; */
int frame_ref_put(mfn_t mfn, mfn_t n, domid_t owner);

/*
 * Type the frames [mfn, mfn + n) of guest `owner`: NONE -> GUEST_RAM or
 * P2M_TABLE, or back to NONE; only while unreferenced.  0, or -XEN_EINVAL
 * (bad owner, range or type, or a transition between two used types),
 * -XEN_EPERM (a frame not owner's), -XEN_EBUSY (a frame referenced).
 */
/*@ requires frame_heap_inv;
    assigns frame_heap.table[mfn .. mfn + n - 1].type;
    ensures frame_heap_inv;
    behavior ok:
      assumes fr_range_retypable(mfn, n, owner, type);
      ensures \result == 0;
      ensures \forall integer i; mfn <= i < mfn + n ==> frame_heap.table[i].type == type;
    behavior refused:
      assumes !fr_range_retypable(mfn, n, owner, type);
      ensures \result < 0;
      ensures \forall integer i; mfn <= i < mfn + n && 0 <= i < frame_heap.nr ==>
                frame_heap.table[i].type == \old(frame_heap.table[i].type);
    complete behaviors;
    disjoint behaviors; */
int frame_set_type(mfn_t mfn, mfn_t n, domid_t owner, unsigned type);

/* Type / reference count of a frame (FRAME_TYPE_RESERVED / 0 beyond the table). */
/*@ requires frame_heap_inv;
    assigns \nothing;
    ensures mfn < frame_heap.nr ==> \result == frame_heap.table[mfn].type;
    ensures mfn >= frame_heap.nr ==> \result == FRAME_TYPE_RESERVED; */
unsigned frame_type(mfn_t mfn);
/*@ requires frame_heap_inv;
    assigns \nothing;
    ensures mfn < frame_heap.nr ==> \result == frame_heap.table[mfn].refcount;
    ensures mfn >= frame_heap.nr ==> \result == 0; */
uint64_t frame_refcount(mfn_t mfn);

/*
 * O(n) check for tests and fuzzers: expected[i] is the number of references
 * to frame i the caller found in every p2m.  True when, for every frame,
 * refcount == expected[i]; a referenced frame is a guest's RAM or table page;
 * a free frame is untyped and unreferenced; a hypervisor frame is never typed
 * guest RAM or p2m table.
 */
/*@ requires frame_heap_inv;
    requires \valid_read(expected + (0 .. nr - 1));
    assigns \nothing; */
bool frame_ref_check_counts(const uint32_t *expected, mfn_t nr);

#endif /* HV_FRAME_REF_H */
