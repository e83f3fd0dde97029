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
 * reference per leaf that maps it.  The one exception is a foreign leaf
 * (p2m_map_foreign): a 4 KiB leaf marked with the software bit of hv/pte.h
 * that maps another domain's guest RAM through a grant, holding one
 * reference taken for that frame's owner, and counted in nr_foreign rather
 * than nr_mapped.  Only p2m_unmap_foreign removes it: p2m_map, p2m_unmap and
 * p2m_set_access refuse a range that holds one, so no ordinary path treats a
 * granted frame as the domain's RAM.  Every operation validates everything
 * and allocates the table pages it may need before it changes anything, so
 * a failure (including out of memory) leaves the p2m as it was.
 *
 * Empty tables are kept until p2m_teardown, except that a 2 MiB operation
 * covering a whole level-1 table (2 MiB unmap, or a 2 MiB map, which
 * replaces what the table mapped) frees it.  Lookups report what the CPU's
 * nested walk allows, for any table (below).  docs/P2M.md has the details
 * and the invariants.
 */
#ifndef HV_P2M_H
#define HV_P2M_H

#include "hal/mem_model.h"
#include "hv/frame_ref.h"
#include "hv/pte.h"
#include "hv/types.h"
#include "xen/errno.h"

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
    uint64_t nr_mapped;      /* 4 KiB frames of the owner mapped by leaves */
    uint64_t nr_foreign;     /* foreign leaves (other domains' frames, through grants) */
    /*
     * Bumped by every call that may change what a gfn translates to or its
     * rights (map, map_foreign, unmap, unmap_foreign, set_access, teardown),
     * whether or not it succeeds.  A cached translation taken at generation g
     * still holds while generation == g: the instruction-fetch hints of
     * vcpu_exit.c skip their p2m walks that way.  0 after p2m_init; users of
     * it drop what they cached when the p2m is made again (a new domain's
     * vCPUs start with no hints).
     */
    uint64_t generation;
    /*
     * hal_table_map(root), kept by p2m_init.  No walk reads it any more (they
     * all map the root through hal_mem_table, so that the proved hardware view
     * covers the root); it stays until struct p2m next changes (re-proof).
     */
    const uint64_t *root_map;
    mfn_t root_map_mfn;
};

/*
 * The contract of hal_table_map (hal/hal.h), which the p2m proofs need:
 * NULL, or 512 entries of the frame's table-page view.  hal_table_view is
 * the logic name of that view (declared, never defined: no axiom); that two
 * calls for one frame give the same view is all it says.  Trusted, like
 * every hal_* contract; it belongs next to the prototype in hal/hal.h.
 */
/*@ axiomatic HalTableView {
      logic uint64_t *hal_table_view(integer mfn);
    }
*/
/*@ assigns \result \from mfn;
    ensures \result == \null || (\result == hal_table_view(mfn) && \valid(\result + (0 .. 511))); */
uint64_t *hal_table_map(mfn_t mfn);

/*@ // The root view p2m_init keeps is the HAL's view of the root (or unused).
    predicate p2m_root_map_ok{L}(struct p2m *p) =
      p->root_map == \null || p->root_map_mfn != p->root ||
      (p->root_map == hal_table_view(p->root) && \valid_read(p->root_map + (0 .. 511)));
*/

/*
 * What the CPU's nested walk accepts, entry by entry (p2m_lookup reports
 * exactly that; map/unmap/set_access only ever write entries it accepts):
 *   NPT  P and U/S on every level (guest accesses are user accesses); PS is
 *        reserved at level 4; a 2 MiB leaf has bits 20:13 reserved, a 1 GiB
 *        leaf bits 29:13 (bit 12 is PAT).  Rights: R; W if every level has
 *        RW; X unless some level has NX.
 *   EPT  an entry with R/W/X = 000 is not present; W without R (010, 110)
 *        is a misconfiguration; reserved: bits 7:3 at level 4, 6:3 in other
 *        non-leaf entries, 20:12 (2 MiB) and 29:12 (1 GiB) in large leaves,
 *        memory types 2, 3 and 7 in leaves.  Rights: the AND of R/W/X over
 *        the levels; nothing left means no access.
 * Misconfigured or reserved entries make the gfn "not mapped" (the CPU
 * would exit or fault).  Bits 51:MAXPHYADDR are not checked here: a frame
 * beyond machine memory fails when it is mapped (hal_*_map gives NULL).
 * Leaves at level 3 (1 GiB) are translated although p2m.c never writes them.
 */
/*@ // Slot of gfn's entry in its level-`level` table.
    logic integer p2m_l_index(integer gfn, integer level) =
      (level == 1 ? gfn : level == 2 ? gfn / 0x200 : level == 3 ? gfn / 0x40000 : gfn / 0x8000000) % 512;

    // Word i of table page t in machine memory.
    logic uint64_t p2m_hw_word{L}(integer t, integer i) = hal_mem_words[t * 512 + i];

    // The end of a walk: the rights the fold grants are some access, and the
    // walk gives `frame` with them.
    predicate p2m_hw_end(integer fmt, uint64_t all, integer frame, integer mfn, integer acc) =
      mfn == frame && acc == pte_hw_rights_l(fmt, all) && acc != 0 && acc % 4 != P2M_ACCESS_W;

    // The hardware view of a p2m: the CPU's nested walk of gfn, over machine
    // memory as it is at L, ends at frame mfn with rights acc (for a large
    // leaf, the 4 KiB frame inside it).  p2m_hw_from_lN is the walk from the
    // level-N table page t, `all` being the rights fold of the levels above.
    // Leaves: 1 GiB at level 3, 2 MiB at level 2, 4 KiB at level 1.
    predicate p2m_hw_from_l1{L}(integer fmt, integer t, integer gfn, uint64_t all, integer mfn, integer acc) =
      \let e = p2m_hw_word(t, p2m_l_index(gfn, 1));
      pte_hw_kind_l(fmt, 1, e) == PTE_HW_LEAF &&
      p2m_hw_end(fmt, (uint64_t)(all & pte_hw_fold_l(fmt, e)), pte_l_addr(e), mfn, acc);

    predicate p2m_hw_from_l2{L}(integer fmt, integer t, integer gfn, uint64_t all, integer mfn, integer acc) =
      \let e = p2m_hw_word(t, p2m_l_index(gfn, 2));
      \let f = (uint64_t)(all & pte_hw_fold_l(fmt, e));
      pte_hw_kind_l(fmt, 2, e) == PTE_HW_LEAF ?
        p2m_hw_end(fmt, f, pte_l_addr_2m(e) + gfn % 512, mfn, acc) :
        pte_hw_kind_l(fmt, 2, e) == PTE_HW_TABLE && p2m_hw_from_l1(fmt, pte_l_addr(e), gfn, f, mfn, acc);

    predicate p2m_hw_from_l3{L}(integer fmt, integer t, integer gfn, uint64_t all, integer mfn, integer acc) =
      \let e = p2m_hw_word(t, p2m_l_index(gfn, 3));
      \let f = (uint64_t)(all & pte_hw_fold_l(fmt, e));
      pte_hw_kind_l(fmt, 3, e) == PTE_HW_LEAF ?
        p2m_hw_end(fmt, f, pte_l_addr_1g(e) + gfn % 0x40000, mfn, acc) :
        pte_hw_kind_l(fmt, 3, e) == PTE_HW_TABLE && p2m_hw_from_l2(fmt, pte_l_addr(e), gfn, f, mfn, acc);

    // From the root (level 4: tables only).  This is what "gfn is mapped to
    // mfn with rights acc" means; p2m_lookup is proved to report it.
    predicate p2m_hw_maps{L}(integer fmt, integer root, integer gfn, integer mfn, integer acc) =
      \let e = p2m_hw_word(root, p2m_l_index(gfn, 4));
      pte_hw_kind_l(fmt, 4, e) == PTE_HW_TABLE &&
      p2m_hw_from_l3(fmt, pte_l_addr(e), gfn, pte_hw_fold_l(fmt, e), mfn, acc);
*/

/* The last step of every lookup: rights, or "no access at all".  An EPT
 * fold with W but not R cannot come from entries the walk accepted (each
 * has W => R); it is refused here anyway so that the result is a valid
 * rights set by construction, whatever the fold. */
/*@ requires \valid(mfn) && \valid(access) && \separated(mfn, access);
    assigns *mfn, *access;
    ensures \result == 0 || \result == -XEN_ENOENT;
    ensures \result == 0 ==> pte_access_ok(fmt, *access) && *mfn == frame;
    ensures \result == 0 ==> p2m_hw_end(fmt, all, frame, *mfn, *access);
    ensures \result != 0 ==> *mfn == \old(*mfn) && *access == \old(*access); */
static inline int p2m_hw_result(enum pte_format fmt, uint64_t all, mfn_t frame, mfn_t *mfn,
                                unsigned *access)
{
    unsigned a = pte_hw_rights(fmt, all);

    /* EPT: each level present, yet their rights have nothing in common. */
    if (a == 0 || a % 4 == P2M_ACCESS_W)
        return -XEN_ENOENT;
    *mfn = frame;
    *access = a;
    return 0;
}

/* Slot of gfn's entry in its level-`level` table (bits 9(level-1) .. +8). */
/*@ requires 1 <= level <= 4;
    assigns \nothing;
    ensures \result < 512;
    ensures \result == p2m_l_index(gfn, level); */
static inline unsigned p2m_table_index(gfn_t gfn, unsigned level)
{
    uint64_t above = level == 1 ? gfn : level == 2 ? gfn / 0x200U :
                     level == 3 ? gfn / 0x40000U : gfn / 0x8000000U;

    return (unsigned)(above % 512U);
}

/* Argument predicates of the contracts below (they need P2M_MAX_GFN, so they
 * live here rather than in spec/p2m.acsl, which frame_ref.h includes first). */
/*@ // A struct p2m lies apart from the allocator's state.
    predicate p2m_apart{L}(struct p2m *p) =
      \separated(p, &frame_heap) && \separated(p, &frame_nr_free) &&
      \separated(p, frame_free_head + (0 .. FRAME_MAX_ORDER)) &&
      \separated(p, frame_heap.table + (0 .. frame_heap.nr - 1)) &&
      \separated(p, hal_frame_zero_model + (0 .. HAL_MODEL_FRAMES - 1));
*/
/* What the allocator's calls assign (hv/frame.h), field by field, as the p2m's
 * mutations assign it too: the provers then match the allocator's assigns
 * against a mutation's by their text. */
#define P2M_HEAP_STATE                                                              \
    frame_free_head[0 .. FRAME_MAX_ORDER], frame_nr_free,                           \
        frame_heap.table[0 .. frame_heap.nr - 1].next,                              \
        frame_heap.table[0 .. frame_heap.nr - 1].prev,                              \
        frame_heap.table[0 .. frame_heap.nr - 1].head,                              \
        frame_heap.table[0 .. frame_heap.nr - 1].order,                             \
        frame_heap.table[0 .. frame_heap.nr - 1].owner,                             \
        frame_heap.table[0 .. frame_heap.nr - 1].type,                              \
        frame_heap.table[0 .. frame_heap.nr - 1].dirty,                             \
        frame_heap.table[0 .. frame_heap.nr - 1].refcount,                          \
        hal_frame_zero_model[0 .. frame_heap.nr - 1]

/*@ // The tables a mutation writes are machine memory (hal/mem_model.h): apart
    // from the struct p2m and the allocator's frame table.
    predicate p2m_mem_apart{L}(struct p2m *p) =
      \separated(p, hal_mem_words + (0 .. HAL_MEM_WORDS - 1)) &&
      \separated(frame_heap.table + (0 .. frame_heap.nr - 1), hal_mem_words + (0 .. HAL_MEM_WORDS - 1));
*/
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
 * Empty p2m for guest `owner`: allocates the root table and clears its
 * words (the only machine memory it writes).  0, or -XEN_EINVAL (owner not a
 * guest id, unknown format), -XEN_ENOMEM (no frame, or one the hypervisor
 * cannot map).  On error *p2m is an empty p2m (root INVALID_MFN): map, unmap
 * and set_access refuse it with -XEN_EINVAL, teardown accepts it.
 */
/*@ requires frame_heap_inv && \valid(p2m) && p2m_apart(p2m) && p2m_mem_apart(p2m);
    assigns *p2m, P2M_HEAP_STATE, hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures frame_heap_inv;
    ensures p2m_root_map_ok(p2m);
    ensures \result == 0 || \result == -XEN_EINVAL || \result == -XEN_ENOMEM;
    ensures !fr_guest(owner) || !pte_format_ok(fmt) ==> \result == -XEN_EINVAL;
    ensures \result != 0 ==> p2m->root == (mfn_t)INVALID_MFN && p2m->nr_tables == 0;
    ensures \result == 0 ==> p2m->root != (mfn_t)INVALID_MFN && p2m->owner == owner &&
            p2m->nr_tables == 1 && p2m->nr_mapped == 0 && p2m->nr_foreign == 0; */
int p2m_init(struct p2m *p2m, domid_t owner, enum pte_format fmt);

/*
 * Map [gfn, gfn + 2^order) to [mfn, ...) with `access` (order 0 or 9),
 * replacing whatever the range mapped before (Xen's p2m semantics): the old
 * leaves' references are dropped (their frames stay the domain's, unmapped).
 * A 4 KiB map inside a 2 MiB leaf splits the leaf (the other 511 pages keep
 * their frames and rights); a 2 MiB map over a level-1 table removes every
 * 4 KiB leaf in it and frees the table.  Callers that need the range empty
 * check first (domain_populate does).  0, or
 *   -XEN_EINVAL    p2m not initialised; bad order, access, gfn range or alignment;
 *                  an mfn beyond the frame table or not typed guest RAM;
 *                  a foreign leaf in the range (a grant mapping is never
 *                  replaced this way: Xen's answer too);
 *                  tables on the way that p2m.c does not write (malformed)
 *   -XEN_EPERM     an mfn free, the hypervisor's, or another domain's
 *   -XEN_ENOMEM    no frame for a table page (a split or a new table)
 *   -XEN_EOVERFLOW a frame's reference count is at its maximum (counted
 *                  before the old mapping's references are dropped)
 * On error nothing changed.
 */
/*@ requires frame_heap_inv && \valid(p2m) && p2m_apart(p2m) && p2m_root_map_ok(p2m);
    requires p2m_mem_apart(p2m);
    assigns *p2m, P2M_HEAP_STATE, hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures frame_heap_inv && p2m_root_map_ok(p2m);
    ensures \result == 0 || \result == -XEN_EINVAL || \result == -XEN_EPERM ||
            \result == -XEN_ENOMEM || \result == -XEN_EOVERFLOW;
    ensures map_keeps_root: \result == 0 ==> p2m->root == \old(p2m->root);
    ensures map_own_ram: \result == 0 ==>
              fr_range_refable{Pre}(mfn, p2m_pages(order), \old(p2m->owner), FRAME_TYPE_GUEST_RAM);
    ensures map_bad_args: !p2m_gfn_ok(gfn, order) || !p2m_mfn_ok(mfn, order) ==> \result == -XEN_EINVAL; */
int p2m_map(struct p2m *p2m, gfn_t gfn, mfn_t mfn, unsigned order, unsigned access);

/*
 * Remove every mapping of [gfn, gfn + 2^order), dropping the references.
 * A 4 KiB unmap inside a 2 MiB leaf splits it first.  0, or -XEN_EINVAL (bad
 * arguments), -XEN_ENOENT (nothing mapped there), -XEN_ENOMEM (no page for
 * the split), -XEN_ENXIO (a foreign leaf in the range: not the domain's
 * page, which is what Xen's guest_remove_page answers; only
 * p2m_unmap_foreign removes it).  On error nothing changed.
 */
/*@ requires frame_heap_inv && \valid(p2m) && p2m_apart(p2m) && p2m_root_map_ok(p2m);
    requires p2m_mem_apart(p2m);
    assigns *p2m, P2M_HEAP_STATE, hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures frame_heap_inv && p2m_root_map_ok(p2m);
    ensures \result == 0 || \result == -XEN_EINVAL || \result == -XEN_ENOENT ||
            \result == -XEN_ENOMEM || \result == -XEN_ENXIO;
    ensures !p2m_gfn_ok(gfn, order) ==> \result == -XEN_EINVAL; */
int p2m_unmap(struct p2m *p2m, gfn_t gfn, unsigned order);

/*
 * Change the rights of every mapping in [gfn, gfn + 2^order).  A 4 KiB change
 * inside a 2 MiB leaf splits it (unless the rights are unchanged).  0, or
 * -XEN_EINVAL, -XEN_ENOENT, -XEN_ENOMEM, -XEN_ENXIO as for p2m_unmap (a
 * grant mapping's rights are the grant's, not the domain's to change).
 */
/*@ requires frame_heap_inv && \valid(p2m) && p2m_apart(p2m) && p2m_root_map_ok(p2m);
    requires p2m_mem_apart(p2m);
    assigns *p2m, P2M_HEAP_STATE, hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures frame_heap_inv && p2m_root_map_ok(p2m);
    ensures \result == 0 || \result == -XEN_EINVAL || \result == -XEN_ENOENT ||
            \result == -XEN_ENOMEM || \result == -XEN_ENXIO;
    ensures !p2m_gfn_ok(gfn, order) ==> \result == -XEN_EINVAL; */
int p2m_set_access(struct p2m *p2m, gfn_t gfn, unsigned order, unsigned access);

/*
 * A grant mapping: a 4 KiB foreign leaf at gfn for frame mfn, which guest
 * `granter` owns as typed guest RAM, with `access`; one reference on mfn is
 * taken for granter (the frame stays granter's: p2m_unmap_foreign, or
 * p2m_teardown, drops the reference).  Whatever of the owner's RAM gfn
 * mapped is replaced as p2m_map replaces it (its reference dropped, the
 * frame still the owner's, unmapped; a 2 MiB leaf is split).  granter may
 * be the owner itself (a domain mapping its own grant).  0, or
 *   -XEN_EINVAL    p2m not initialised; gfn beyond P2M_MAX_GFN; bad access;
 *                  granter not a guest id; mfn beyond the frame table or not
 *                  typed guest RAM; gfn holds a foreign leaf already;
 *                  malformed tables on the way
 *   -XEN_EPERM     mfn free, the hypervisor's, or not granter's
 *   -XEN_ENOMEM    no frame for a table page
 *   -XEN_EOVERFLOW mfn's reference count is at its maximum
 * On error nothing changed.
 */
/*@ requires frame_heap_inv && \valid(p2m) && p2m_apart(p2m) && p2m_root_map_ok(p2m);
    requires p2m_mem_apart(p2m);
    assigns *p2m, P2M_HEAP_STATE, hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures frame_heap_inv && p2m_root_map_ok(p2m);
    ensures \result == 0 || \result == -XEN_EINVAL || \result == -XEN_EPERM ||
            \result == -XEN_ENOMEM || \result == -XEN_EOVERFLOW;
    ensures foreign_keeps_root: \result == 0 ==> p2m->root == \old(p2m->root);
    ensures foreign_granter_ram: \result == 0 ==>
              fr_range_refable{Pre}(mfn, 1, granter, FRAME_TYPE_GUEST_RAM);
    ensures foreign_bad_args: !p2m_gfn_ok(gfn, 0) || !p2m_mfn_ok(mfn, 0) ==> \result == -XEN_EINVAL; */
int p2m_map_foreign(struct p2m *p2m, gfn_t gfn, mfn_t mfn, unsigned access, domid_t granter);

/*
 * Remove the foreign leaf at gfn, which must map mfn, dropping the reference
 * it holds for mfn's owner.  0, or -XEN_EINVAL (bad arguments, the leaf at
 * gfn is not foreign, or maps another frame), -XEN_ENOENT (nothing mapped at
 * gfn).  On error nothing changed.
 */
/*@ requires frame_heap_inv && \valid(p2m) && p2m_apart(p2m) && p2m_root_map_ok(p2m);
    requires p2m_mem_apart(p2m);
    assigns *p2m, frame_heap.table[0 .. frame_heap.nr - 1].refcount,
            hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures frame_heap_inv && p2m_root_map_ok(p2m);
    ensures \result == 0 || \result == -XEN_EINVAL || \result == -XEN_ENOENT; */
int p2m_unmap_foreign(struct p2m *p2m, gfn_t gfn, mfn_t mfn);

/*
 * Is the 4 KiB leaf at gfn foreign?  0 with its frame and the rights the
 * leaf itself carries, or -XEN_ENOENT (nothing there, a leaf of the owner's
 * RAM, a 2 MiB leaf, gfn beyond P2M_MAX_GFN, uninitialised p2m).  Ordinary
 * lookups (p2m_lookup) do not tell the two kinds apart: the CPU does not.
 */
/*@ requires \valid_read(p2m) && \valid(mfn) && \valid(access) && \separated(mfn, access);
    assigns *mfn, *access;
    ensures \result == 0 || \result == -XEN_ENOENT; */
int p2m_foreign_lookup(const struct p2m *p2m, gfn_t gfn, mfn_t *mfn, unsigned *access);

/*
 * The first foreign leaf at a gfn >= from (listing them: teardown of a
 * domain, checkers).  0 with *gfn and *mfn, or -XEN_ENOENT (none, from
 * beyond P2M_MAX_GFN, uninitialised p2m).
 */
/*@ requires \valid_read(p2m) && \valid(gfn) && \valid(mfn) && \separated(gfn, mfn);
    assigns *gfn, *mfn;
    ensures \result == 0 || \result == -XEN_ENOENT;
    ensures \result == 0 ==> from <= *gfn <= P2M_MAX_GFN; */
int p2m_foreign_next(const struct p2m *p2m, gfn_t from, gfn_t *gfn, mfn_t *mfn);

/*
 * The highest gfn the p2m maps (RAM or foreign leaves), 0 when it maps
 * nothing (XENMEM_maximum_gpfn).
 */
/*@ requires \valid_read(p2m);
    assigns \nothing;
    ensures \result <= P2M_MAX_GFN; */
gfn_t p2m_highest_gfn(const struct p2m *p2m);

/*
 * Translate a guest frame as the CPU's nested walk would (see above): 0 with
 * the frame (for a large leaf, the 4 KiB frame inside it) and the rights
 * hardware grants, i.e. folded over every level; or -XEN_ENOENT when the
 * guest can do nothing there (not present, NPT supervisor-only, EPT
 * misconfigured or no common right, reserved bits, a table beyond machine
 * memory; also gfn beyond P2M_MAX_GFN or an uninitialised p2m).  The frame
 * itself is not checked (beyond machine memory: hal_frame_map says so).
 */
/*@ requires \valid_read(p2m) && \valid(mfn) && \valid(access);
    requires \separated(mfn, access) && p2m_root_map_ok(p2m);
    assigns *mfn, *access;
    ensures \result == 0 || \result == -XEN_ENOENT;
    ensures gfn > P2M_MAX_GFN || \old(p2m->root) == (mfn_t)INVALID_MFN ==> \result == -XEN_ENOENT;
    ensures \result == 0 ==> *access <= P2M_ACCESS_RWX;
    ensures \result == 0 ==> pte_access_ok(\old(p2m->format), *access);
    ensures lookup_is_hw_view: \result == 0 ==>
              p2m_hw_maps{Pre}(\old(p2m->format), \old(p2m->root), gfn, *mfn, *access); */
int p2m_lookup(const struct p2m *p2m, gfn_t gfn, mfn_t *mfn, unsigned *access);

/*
 * A lookup cursor, for code that translates many gfns while no p2m change
 * can happen (one guest walk; the check pass of a copy): it remembers the
 * level-1 table (or the large leaf) of the last 2 MiB region it walked to
 * and the folded entries above it, so another gfn of that region costs one
 * entry read and no HAL call.  It gives exactly p2m_lookup's answers as
 * long as the p2m's tables do not change; after any change (p2m_map,
 * p2m_unmap, p2m_set_access, p2m_teardown, or a write into a table page)
 * start a new one with p2m_cursor_init.
 */
#define P2M_REGION_SHIFT 9U
#define P2M_REGION_PAGES 512U            /* 1 << P2M_REGION_SHIFT (a division is a shift to compilers, linear to provers) */
#define P2M_CURSOR_NONE  ((gfn_t)~(gfn_t)0)   /* no region remembered (never a gfn >> 9); the outer cast keeps ACSL's ~0 unsigned */

struct p2m_cursor {
    const struct p2m *p2m;
    enum pte_format format;
    gfn_t region;            /* gfn >> 9 of the region remembered, or P2M_CURSOR_NONE */
    const uint64_t *l1;      /* its level-1 table, or NULL when a large leaf maps it */
    mfn_t base;              /* large leaf: the frame of the region's first gfn */
    uint64_t all;            /* pte_hw_fold of the entries above level 1 (or of the large leaf's path) */
};

/*@ predicate p2m_cursor_ok(struct p2m_cursor *c) =
      \valid_read(c->p2m) && \separated(c, c->p2m) && p2m_root_map_ok(c->p2m) &&
      (c->region == P2M_CURSOR_NONE ||
       (c->region <= P2M_MAX_GFN / 512 &&
        (c->l1 == \null || \valid_read(c->l1 + (0 .. 511)))));
*/

/*@ requires \valid(c) && \valid_read(p2m) && p2m_root_map_ok(p2m);
    requires \separated(c, p2m);
    assigns *c;
    ensures c->p2m == p2m && c->format == p2m->format && c->region == P2M_CURSOR_NONE;
    ensures p2m_cursor_ok(c); */
static inline void p2m_cursor_init(struct p2m_cursor *c, const struct p2m *p2m)
{
    c->p2m = p2m;
    c->format = p2m->format;
    c->region = P2M_CURSOR_NONE;
    c->l1 = NULL;
    c->base = 0;
    c->all = 0;
}

/* Slow path of p2m_cursor_lookup: a walk from the root that refills the cursor. */
/*@ requires \valid(c) && p2m_cursor_ok(c) && \valid(mfn) && \valid(access);
    requires \separated(c, mfn, access) && \separated(c->p2m, mfn, access);
    assigns *c, *mfn, *access;
    ensures p2m_cursor_ok(c) && c->p2m == \old(c->p2m) && c->format == \old(c->format);
    ensures \result == 0 || \result == -XEN_ENOENT;
    ensures gfn > P2M_MAX_GFN ==> \result == -XEN_ENOENT;
    ensures \result == 0 ==> pte_access_ok(c->format, *access);
    ensures walk_is_hw_view: \result == 0 ==>
              p2m_hw_maps{Pre}(\old(c->format), \old(c->p2m->root), gfn, *mfn, *access); */
int p2m_cursor_walk(struct p2m_cursor *c, gfn_t gfn, mfn_t *mfn, unsigned *access);

/* p2m_lookup through a cursor (see above). */
/*@ requires \valid(c) && p2m_cursor_ok(c) && \valid(mfn) && \valid(access);
    requires \separated(c, mfn, access) && \separated(c->p2m, mfn, access);
    assigns *c, *mfn, *access;
    ensures p2m_cursor_ok(c) && c->p2m == \old(c->p2m) && c->format == \old(c->format);
    ensures \result == 0 || \result == -XEN_ENOENT;
    ensures gfn > P2M_MAX_GFN ==> \result == -XEN_ENOENT;
    ensures \result == 0 ==> pte_access_ok(c->format, *access); */
static inline int p2m_cursor_lookup(struct p2m_cursor *c, gfn_t gfn, mfn_t *mfn, unsigned *access)
{
    uint64_t e;

    if (gfn / P2M_REGION_PAGES != c->region)
        return p2m_cursor_walk(c, gfn, mfn, access);
    if (c->l1 == NULL)
        return p2m_hw_result(c->format, c->all, c->base + gfn % 512U, mfn, access);
    e = c->l1[gfn % 512U];
    if (pte_hw_kind(c->format, 1, e) == PTE_HW_BAD)
        return -XEN_ENOENT;
    return p2m_hw_result(c->format, c->all & pte_hw_fold(c->format, e), pte_mfn(e), mfn, access);
}

/*
 * Drop every leaf's references (a foreign leaf's for its frame's owner, whose
 * frame stays allocated) and free every table page, root included; the p2m
 * is uninitialised afterwards.  0, or -XEN_EINVAL when something
 * found on the way was not what the invariants promise (it is skipped; the
 * rest is still freed).
 */
/*@ requires frame_heap_inv && \valid(p2m) && p2m_apart(p2m) && p2m_root_map_ok(p2m);
    requires p2m_mem_apart(p2m);
    assigns *p2m, P2M_HEAP_STATE, hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures frame_heap_inv && p2m_root_map_ok(p2m);
    ensures p2m->root == (mfn_t)INVALID_MFN && p2m->nr_tables == 0 && p2m->nr_mapped == 0 &&
            p2m->nr_foreign == 0; */
int p2m_teardown(struct p2m *p2m);

/*
 * O(size of the tables) check for tests and fuzzers.  Adds one to counts[f]
 * for every reference this p2m holds on frame f (root: 1; each table entry;
 * each 4 KiB frame of each leaf, foreign leaves included).  Foreign leaves
 * are checked apart: 4 KiB only, a frame typed guest RAM of some guest
 * (own RAM leaves: the p2m owner's), counted against nr_foreign.  False
 * when the tables are malformed: a table or leaf frame beyond the frame
 * table, not owned by the right domain or of the wrong type, a table reached
 * twice (shared or a loop), a 1 GiB leaf, a misaligned 2 MiB leaf, the
 * foreign bit anywhere but in a 4 KiB leaf, an entry p2m_lookup would not
 * accept (see above: p2m.c never writes one), or nr_tables / nr_mapped /
 * nr_foreign wrong.
 */
/*@ requires frame_heap_inv && \valid_read(p2m);
    requires \valid(counts + (0 .. nr - 1));
    requires \separated(counts + (0 .. nr - 1), p2m, &frame_heap, &frame_nr_free,
                        frame_free_head + (0 .. FRAME_MAX_ORDER),
                        frame_heap.table + (0 .. frame_heap.nr - 1),
                        hal_frame_zero_model + (0 .. frame_heap.nr - 1));
    assigns counts[0 .. nr - 1]; */
bool p2m_check(const struct p2m *p2m, uint32_t *counts, mfn_t nr);

#endif /* HV_P2M_H */
