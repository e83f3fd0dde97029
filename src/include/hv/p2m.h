/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * p2m: a domain's guest-physical -> machine translation, kept as the nested
 * page tables the CPU walks (AMD NPT format; Intel EPT through the same walk
 * with another entry encoding, see hv/pte.h).  Four levels of 512 entries;
 * leaves at level 1 (4 KiB) or level 2 (2 MiB).
 *
 * Table pages come from the frame allocator, owned by the domain, typed
 * FRAME_TYPE_P2M_TABLE with one reference (their parent entry, or struct
 * p2m for the root), and counted in nr_tables.  Leaves map frames the domain
 * owns, typed FRAME_TYPE_GUEST_RAM; each mapped 4 KiB frame holds one
 * reference per leaf that maps it.  Every operation validates everything and
 * allocates the table pages it may need before it changes anything, so a
 * failure (including out of memory) leaves the p2m as it was.
 *
 * Empty tables are kept until p2m_teardown, except that a 2 MiB operation
 * covering a whole level-1 table (2 MiB unmap, or 2 MiB map over an empty
 * table) frees it.  docs/P2M.md has the details and the invariants.
 */
#ifndef HV_P2M_H
#define HV_P2M_H

#include "hv/frame_ref.h"
#include "hv/pte.h"
#include "hv/types.h"

/* Guest-physical addresses Xenolith gives guests: 48 bits (4 levels). */
#define P2M_GFN_BITS 36U
#define P2M_MAX_GFN  ((1ULL << P2M_GFN_BITS) - 1)
#define P2M_LEVELS   4U
#define P2M_ORDER_4K 0U
#define P2M_ORDER_2M 9U

struct p2m {
    mfn_t root;              /* level-4 table, INVALID_MFN before p2m_init */
    domid_t owner;
    enum pte_format format;
    uint64_t nr_tables;      /* table pages in use, root included */
    uint64_t nr_mapped;      /* 4 KiB frames mapped by leaves */
};

/* Argument predicates of the contracts below (they need P2M_MAX_GFN, so they
 * live here rather than in spec/p2m.acsl, which frame_ref.h includes first). */
/*@ predicate p2m_order_ok(integer order) = order == 0 || order == 9;
    predicate p2m_gfn_ok(integer gfn, integer order) =
      p2m_order_ok(order) && 0 <= gfn <= P2M_MAX_GFN &&
      (order == 9 ==> gfn % 512 == 0);
    predicate p2m_mfn_ok(integer mfn, integer order) =
      p2m_order_ok(order) && 0 <= mfn <= PTE_MFN_MAX &&
      (order == 9 ==> mfn % 512 == 0);
    logic integer p2m_pages(integer order) = order == 9 ? 512 : 1;
*/

/*
 * Empty p2m for guest `owner`: allocates the root table.  0, or -XEN_EINVAL
 * (owner not a guest id, unknown format), -XEN_ENOMEM.
 */
/*@ requires frame_heap_inv && \valid(p2m);
    requires \separated(p2m, &frame_heap);
    assigns *p2m, frame_heap, frame_nr_free, frame_free_head[0 .. FRAME_MAX_ORDER],
            frame_heap.table[0 .. frame_heap.nr - 1],
            hal_frame_zero_model[0 .. frame_heap.nr - 1];
    ensures \result == 0 || \result == -XEN_EINVAL || \result == -XEN_ENOMEM;
    ensures !fr_guest(owner) || !pte_format_ok(fmt) ==> \result == -XEN_EINVAL;
    ensures \result == 0 ==> p2m->root != INVALID_MFN && p2m->owner == owner &&
            p2m->nr_tables == 1 && p2m->nr_mapped == 0; */
int p2m_init(struct p2m *p2m, domid_t owner, enum pte_format fmt);

/*
 * Map [gfn, gfn + 2^order) to [mfn, ...) with `access` (order 0 or 9).  0, or
 *   -XEN_EINVAL    p2m not initialised; bad order, access, gfn range or alignment;
 *                  an mfn beyond the frame table or not typed guest RAM
 *   -XEN_EPERM     an mfn free, the hypervisor's, or another domain's
 *   -XEN_EEXIST    something is mapped in the range (a 4 KiB map inside a
 *                  2 MiB leaf included: unmap first)
 *   -XEN_ENOMEM    no frame for a table page
 *   -XEN_EOVERFLOW a frame's reference count is at its maximum
 * On error nothing changed.
 */
/*@ requires frame_heap_inv && \valid(p2m);
    requires \separated(p2m, &frame_heap);
    assigns *p2m, frame_heap, frame_nr_free, frame_free_head[0 .. FRAME_MAX_ORDER],
            frame_heap.table[0 .. frame_heap.nr - 1],
            hal_frame_zero_model[0 .. frame_heap.nr - 1];
    ensures \result == 0 || \result == -XEN_EINVAL || \result == -XEN_EPERM ||
            \result == -XEN_EEXIST || \result == -XEN_ENOMEM || \result == -XEN_EOVERFLOW;
    ensures map_own_ram: \result == 0 ==>
              fr_range_refable{Pre}(mfn, p2m_pages(order), \old(p2m->owner), FRAME_TYPE_GUEST_RAM);
    ensures map_bad_args: !p2m_gfn_ok(gfn, order) || !p2m_mfn_ok(mfn, order) ==> \result == -XEN_EINVAL; */
int p2m_map(struct p2m *p2m, gfn_t gfn, mfn_t mfn, unsigned order, unsigned access);

/*
 * Remove every mapping of [gfn, gfn + 2^order), dropping the references.
 * A 4 KiB unmap inside a 2 MiB leaf splits it first.  0, or -XEN_EINVAL (bad
 * arguments), -XEN_ENOENT (nothing mapped there), -XEN_ENOMEM (no page for
 * the split).  On error nothing changed.
 */
/*@ requires frame_heap_inv && \valid(p2m);
    requires \separated(p2m, &frame_heap);
    assigns *p2m, frame_heap, frame_nr_free, frame_free_head[0 .. FRAME_MAX_ORDER],
            frame_heap.table[0 .. frame_heap.nr - 1],
            hal_frame_zero_model[0 .. frame_heap.nr - 1];
    ensures \result == 0 || \result == -XEN_EINVAL || \result == -XEN_ENOENT ||
            \result == -XEN_ENOMEM;
    ensures !p2m_gfn_ok(gfn, order) ==> \result == -XEN_EINVAL; */
int p2m_unmap(struct p2m *p2m, gfn_t gfn, unsigned order);

/*
 * Change the rights of every mapping in [gfn, gfn + 2^order).  A 4 KiB change
 * inside a 2 MiB leaf splits it (unless the rights are unchanged).  0, or
 * -XEN_EINVAL, -XEN_ENOENT, -XEN_ENOMEM as for p2m_unmap.
 */
/*@ requires frame_heap_inv && \valid(p2m);
    requires \separated(p2m, &frame_heap);
    assigns *p2m, frame_heap, frame_nr_free, frame_free_head[0 .. FRAME_MAX_ORDER],
            frame_heap.table[0 .. frame_heap.nr - 1],
            hal_frame_zero_model[0 .. frame_heap.nr - 1];
    ensures \result == 0 || \result == -XEN_EINVAL || \result == -XEN_ENOENT ||
            \result == -XEN_ENOMEM;
    ensures !p2m_gfn_ok(gfn, order) ==> \result == -XEN_EINVAL; */
int p2m_set_access(struct p2m *p2m, gfn_t gfn, unsigned order, unsigned access);

/*
 * Translate a guest frame.  0 with mfn and access filled in (for a 2 MiB leaf, the
 * 4 KiB frame inside it), or -XEN_ENOENT when nothing is mapped there (also
 * for gfn beyond P2M_MAX_GFN or an uninitialised p2m).
 */
/*@ requires \valid_read(p2m) && \valid(mfn) && \valid(access);
    requires \separated(mfn, access);
    assigns *mfn, *access;
    ensures \result == 0 || \result == -XEN_ENOENT;
    ensures gfn > P2M_MAX_GFN || p2m->root == INVALID_MFN ==> \result == -XEN_ENOENT;
    ensures \result == 0 ==> *access <= P2M_ACCESS_RWX; */
int p2m_lookup(const struct p2m *p2m, gfn_t gfn, mfn_t *mfn, unsigned *access);

/*
 * Drop every leaf's references and free every table page, root included;
 * the p2m is uninitialised afterwards.  0, or -XEN_EINVAL when something
 * found on the way was not what the invariants promise (it is skipped; the
 * rest is still freed).
 */
/*@ requires frame_heap_inv && \valid(p2m);
    requires \separated(p2m, &frame_heap);
    assigns *p2m, frame_heap, frame_nr_free, frame_free_head[0 .. FRAME_MAX_ORDER],
            frame_heap.table[0 .. frame_heap.nr - 1],
            hal_frame_zero_model[0 .. frame_heap.nr - 1];
    ensures p2m->root == INVALID_MFN && p2m->nr_tables == 0 && p2m->nr_mapped == 0; */
int p2m_teardown(struct p2m *p2m);

/*
 * O(size of the tables) check for tests and fuzzers.  Adds one to counts[f]
 * for every reference this p2m holds on frame f (root: 1; each table entry;
 * each 4 KiB frame of each leaf).  False when the tables are malformed: a
 * table or leaf frame beyond the frame table, not owned by p2m->owner or of
 * the wrong type, a table reached twice (shared or a loop), a 1 GiB leaf, a
 * misaligned 2 MiB leaf, or nr_tables / nr_mapped wrong.
 */
/*@ requires frame_heap_inv && \valid_read(p2m);
    requires \valid(counts + (0 .. nr - 1));
    assigns counts[0 .. nr - 1]; */
bool p2m_check(const struct p2m *p2m, uint32_t *counts, mfn_t nr);

#endif /* HV_P2M_H */
