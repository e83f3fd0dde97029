// SPDX-License-Identifier: GPL-2.0-only
/*
 * The p2m: per-domain nested page tables (hv/p2m.h).  One walk serves NPT
 * and EPT; entries are read and built only through hv/pte.h.
 *
 * Every mutating operation runs in two phases.  Plan: walk, validate, and
 * allocate the (at most P2M_SPARE_MAX) table pages the change may need.
 * Apply: take the references, write the entries, release what was not used.
 * Nothing in the apply phase can fail.
 */
#include "hv/p2m.h"
#include "hv/pte_hw.h"

#include "hal/hal.h"
#include "hal/mem.h"
#include "xen/errno.h"

/* The tree shape of a p2m and the frame rules of a table write (ACSL only).
 * Here rather than in hv/p2m.h for now: see docs/P2M.md, "the tree". */
#include "../../../spec/p2m_tree.acsl"

/*@ // Facts of a 4 KiB change inside a 2 MiB leaf, as predicates of their
    // own axiomatic block rather than macros: a goal that does not need their
    // insides (a frame count, the allocator's invariant) then does not see
    // their quantifiers.
  axiomatic P2mIn2m {
    // Every free frame is on no path of the p2m at root (I3 of docs/P2M.md,
    // assumed where it is named: not yet proved of the whole system).
    predicate p2m_free_off{L}(integer fmt, integer root) =
      \forall integer x; 0 <= x < frame_heap.nr && frame_owner_of(x) == FRAME_OWNER_FREE ==>
        p2m_off_paths(fmt, root, x);
    // gfn unmapped out of its 2 MiB leaf (L0 before, L after): the tree
    // kept, gfn maps nothing, every other gfn of the region maps, if
    // anything, its page of that leaf, and outside the region nothing changed.
    predicate p2m_unmapped_in_2m{L0, L}(integer fmt, integer root, integer gfn) =
      p2m_hw_tree{L}(fmt, root) &&
      (\forall integer g2, m, a; 0 <= g2 <= P2M_MAX_GFN && g2 / 512 != gfn / 512 ==>
         (p2m_hw_maps{L}(fmt, root, g2, m, a) <==> p2m_hw_maps{L0}(fmt, root, g2, m, a))) &&
      (\forall integer m, a; !p2m_hw_maps{L}(fmt, root, gfn, m, a)) &&
      (\forall integer g2, m, a; 0 <= g2 <= P2M_MAX_GFN && g2 / 512 == gfn / 512 && g2 != gfn &&
         p2m_hw_maps{L}(fmt, root, g2, m, a) ==>
           m == pte_l_addr_2m(p2m_hw_word{L0}(p2m_hw_t2{L0}(root, gfn), p2m_l_index(gfn, 2))) + g2 % 512);
    // gfn mapped to frame inside its 2 MiB leaf (L0 before, L after): the
    // tree kept, gfn maps, if anything, frame, every other gfn of the
    // region its page of that leaf, and outside the region nothing changed.
    predicate p2m_mapped_in_2m{L0, L}(integer fmt, integer root, integer gfn, integer frame) =
      p2m_hw_tree{L}(fmt, root) &&
      (\forall integer g2, m, a; 0 <= g2 <= P2M_MAX_GFN && g2 / 512 != gfn / 512 ==>
         (p2m_hw_maps{L}(fmt, root, g2, m, a) <==> p2m_hw_maps{L0}(fmt, root, g2, m, a))) &&
      (\forall integer m, a; p2m_hw_maps{L}(fmt, root, gfn, m, a) ==> m == frame) &&
      (\forall integer g2, m, a; 0 <= g2 <= P2M_MAX_GFN && g2 / 512 == gfn / 512 && g2 != gfn &&
         p2m_hw_maps{L}(fmt, root, g2, m, a) ==>
           m == pte_l_addr_2m(p2m_hw_word{L0}(p2m_hw_t2{L0}(root, gfn), p2m_l_index(gfn, 2))) + g2 % 512);
    // Every gfn of gfn's 2 MiB region maps, if anything, its page of the
    // 2 MiB at frame.
    predicate p2m_region_at{L}(integer fmt, integer root, integer gfn, integer frame) =
      \forall integer g2, m, a; 0 <= g2 <= P2M_MAX_GFN && g2 / 512 == gfn / 512 &&
        p2m_hw_maps(fmt, root, g2, m, a) ==> m == frame + g2 % 512;
  }
*/

#define ENTRIES_PER_TABLE 512U
#define LEVEL_SHIFT       9U
/* Tables one change can need: L3 + L2 + L1 for a 4 KiB map under the root. */
#define P2M_SPARE_MAX     3U
/* A program point the annotations name (\at(e, name)); no code jumps there. */
#define PROOF_POINT(name) name: __attribute__((unused))
/* Every table word of machine memory (annotations only). */
#define MEM_WORDS hal_mem_words + (0 .. HAL_MEM_WORDS - 1)
/* Every frame's owner is what it was at label L (annotations only). */
#define P2M_OWNERS_KEPT(L)                                                                   \
    (frame_heap.nr == \at(frame_heap.nr, L) &&                                               \
     \forall integer x; 0 <= x < frame_heap.nr ==> frame_owner_of(x) == frame_owner_of{L}(x))
/* The p2m's format and root on entry (annotations only). */
#define P2M_FMT0  \at(p2m->format, Pre)
#define P2M_ROOT0 \at(p2m->root, Pre)
/* Before the change, the tables formed a tree and gfn's level-1 table existed. */
#define P2M_L1_CASE(gfn)                                                                     \
    (gfn <= P2M_MAX_GFN && p2m_hw_tree{Pre}(P2M_FMT0, P2M_ROOT0) &&                          \
     p2m_hw_has1{Pre}(P2M_FMT0, P2M_ROOT0, gfn))
/*
 * What a successful 4 KiB unmap of gfn does to the hardware view in that
 * case (no split): the tree stays a tree, gfn maps nothing, and no other
 * gfn's translation or rights change.
 */
#define P2M_UNMAPPED_4K(gfn)                                                                 \
    \result == 0 && P2M_L1_CASE(gfn) ==>                                                      \
        p2m_hw_tree(P2M_FMT0, P2M_ROOT0) &&                                                  \
        (\forall integer m, a; !p2m_hw_maps(P2M_FMT0, P2M_ROOT0, gfn, m, a)) &&               \
        (\forall integer g2, m, a; 0 <= g2 <= P2M_MAX_GFN && g2 != gfn ==>                    \
            (p2m_hw_maps(P2M_FMT0, P2M_ROOT0, g2, m, a) <==>                                  \
             p2m_hw_maps{Pre}(P2M_FMT0, P2M_ROOT0, g2, m, a)))
/*
 * What a successful 4 KiB map of gfn to frame `frame` does to the hardware
 * view in the same case: the tree stays a tree, no other gfn's translation
 * or rights change, and gfn maps `frame` if it maps anything.  (That it maps
 * it with the rights asked for needs the CPU's reading of pte_make_leaf's
 * entry in hv/pte.h: not yet.)
 */
/* The frame gfn's level-1 entry named before the change (annotations only). */
#define P2M_L1_FRAME0(gfn) \
    pte_l_addr(p2m_hw_word{Pre}(p2m_hw_t1{Pre}(P2M_ROOT0, gfn), p2m_l_index(gfn, 1)))
#define P2M_MAPPED_4K_VIEW(gfn, frame)                                                       \
    (p2m_hw_tree(P2M_FMT0, P2M_ROOT0) &&                                                     \
     (\forall integer m, a; p2m_hw_maps(P2M_FMT0, P2M_ROOT0, gfn, m, a) ==> m == frame) &&   \
     (\forall integer g2, m, a; 0 <= g2 <= P2M_MAX_GFN && g2 != gfn ==>                      \
        (p2m_hw_maps(P2M_FMT0, P2M_ROOT0, g2, m, a) <==>                                      \
         p2m_hw_maps{Pre}(P2M_FMT0, P2M_ROOT0, g2, m, a))))
#define P2M_MAPPED_4K(gfn, frame) \result == 0 && P2M_L1_CASE(gfn) ==> P2M_MAPPED_4K_VIEW(gfn, frame)

/*
 * The same for a 2 MiB change, where gfn's level-2 table existed before
 * it: the tree stays a tree and every gfn outside gfn's 2 MiB region maps
 * what it mapped before; the region maps nothing (unmap), or each of its
 * gfns maps, if anything, its own page of the 2 MiB at `frame`.
 */
#define P2M_L2_CASE(gfn)                                                                     \
    (gfn <= P2M_MAX_GFN && p2m_hw_tree{Pre}(P2M_FMT0, P2M_ROOT0) &&                          \
     p2m_hw_has2{Pre}(P2M_FMT0, P2M_ROOT0, gfn))
/* gfn's level-2 entry before the change (annotations only). */
#define P2M_L2_WORD0(gfn) \
    p2m_hw_word{Pre}(p2m_hw_t2{Pre}(P2M_ROOT0, gfn), p2m_l_index(gfn, 2))
#define P2M_OUTSIDE_2M_KEPT(gfn)                                                             \
    (\forall integer g2, m, a; 0 <= g2 <= P2M_MAX_GFN && g2 / 512 != gfn / 512 ==>            \
        (p2m_hw_maps(P2M_FMT0, P2M_ROOT0, g2, m, a) <==>                                      \
         p2m_hw_maps{Pre}(P2M_FMT0, P2M_ROOT0, g2, m, a)))
#define P2M_GONE_2M(gfn)                                                                     \
    (p2m_hw_tree(P2M_FMT0, P2M_ROOT0) &&                                                     \
     (\forall integer g2, m, a; 0 <= g2 <= P2M_MAX_GFN && g2 / 512 == gfn / 512 ==>           \
        !p2m_hw_maps(P2M_FMT0, P2M_ROOT0, g2, m, a)) &&                                       \
     P2M_OUTSIDE_2M_KEPT(gfn))
#define P2M_AT_2M(gfn, frame)                                                                \
    (p2m_hw_tree(P2M_FMT0, P2M_ROOT0) &&                                                     \
     (\forall integer g2, m, a; 0 <= g2 <= P2M_MAX_GFN && g2 / 512 == gfn / 512 &&            \
        p2m_hw_maps(P2M_FMT0, P2M_ROOT0, g2, m, a) ==> m == frame + g2 % 512) &&              \
     P2M_OUTSIDE_2M_KEPT(gfn))
/* gfn's level-1 table before the change (annotations only). */
#define P2M_L1_TABLE0(gfn) p2m_hw_t1{Pre}(P2M_ROOT0, gfn)
/* A 2 MiB set_access over a level-1 table: each gfn of the region maps, if
 * anything, the frame its word of that table named before. */
#define P2M_L1_FRAMES_2M(gfn)                                                                \
    (p2m_hw_tree(P2M_FMT0, P2M_ROOT0) &&                                                     \
     (\forall integer g2, m, a; 0 <= g2 <= P2M_MAX_GFN && g2 / 512 == gfn / 512 &&            \
        p2m_hw_maps(P2M_FMT0, P2M_ROOT0, g2, m, a) ==>                                        \
          m == pte_l_addr(p2m_hw_word{Pre}(P2M_L1_TABLE0(gfn), p2m_l_index(g2, 1)))) &&       \
     P2M_OUTSIDE_2M_KEPT(gfn))

/* Table pages allocated by the plan phase, each with its words already
 * mapped, so that linking them in the apply phase cannot fail. */
struct spare {
    mfn_t mfn[P2M_SPARE_MAX];
    uint64_t *map[P2M_SPARE_MAX];
    unsigned nr;
};

/* Where a walk toward a gfn stopped. */
struct walk_pos {
    unsigned level;   /* level of `table` */
    mfn_t table;      /* table page holding `entry` */
    uint64_t *t;      /* its words (the apply phase writes there without mapping it again) */
    unsigned index;   /* slot of the entry in `table` */
    uint64_t entry;   /* the entry: not present, a leaf, or (at the target level) a table */
};

/*@ // t is a table page of the machine memory model (hal/mem.h): 512 words.
    predicate p2m_words(uint64_t *t) =
      \valid(t + (0 .. 511)) && \base_addr(t) == \base_addr(&hal_mem_words[0]);
    predicate pos_ok(struct walk_pos *pos) =
      1 <= pos->level <= 4 && pos->index < 512 && p2m_words(pos->t);
    predicate spare_ok(struct spare *s) =
      s->nr <= P2M_SPARE_MAX &&
      \forall integer i; 0 <= i < s->nr ==>
        p2m_words(s->map[i]) && s->mfn[i] <= PTE_MFN_MAX && s->map[i] == hal_mem_words + s->mfn[i] * 512;
    // What every mutation needs of its struct p2m and of the allocator's table.
    predicate p2m_rw{L}(struct p2m *p) =
      \valid(p) && p2m_apart(p) && \separated(p, MEM_WORDS) && p2m_root_map_ok(p) &&
      \separated(frame_heap.table + (0 .. frame_heap.nr - 1), MEM_WORDS);
    // A mutation changes only the counters and the generation of its struct p2m.
    predicate p2m_kept{L1, L2}(struct p2m *p) =
      \at(p->root, L1) == \at(p->root, L2) && \at(p->owner, L1) == \at(p->owner, L2) &&
      \at(p->format, L1) == \at(p->format, L2) &&
      \at(p->root_map, L1) == \at(p->root_map, L2) &&
      \at(p->root_map_mfn, L1) == \at(p->root_map_mfn, L2);
*/

/* What the allocator calls may change (their assigns). */
#define HEAP_STATE P2M_HEAP_STATE

/* Where the allocator's state lies (annotations only): apart from it, a
 * caller's object survives every allocator call. */
#define HEAP_LOCS                                                                     \
    &frame_nr_free, frame_free_head + (0 .. FRAME_MAX_ORDER),                          \
        frame_heap.table + (0 .. frame_heap.nr - 1), hal_frame_zero_model + (0 .. frame_heap.nr - 1)

/*@ assigns \nothing;
    ensures \result == p2m_pages(order); */
static unsigned order_pages(unsigned order)
{
    return order == P2M_ORDER_2M ? ENTRIES_PER_TABLE : 1U;
}

/*
 * Is [m, m + n) inside the frame table?  Frames read back from entries are
 * checked before their references move: the tables are machine memory, and
 * a malformed p2m must make an operation refuse, never count references
 * beyond the table.
 */
/*@ assigns \nothing;
    ensures \result <==> m < frame_heap.nr && m + n <= frame_heap.nr; */
static bool in_frame_table(mfn_t m, mfn_t n)
{
    return m < frame_heap.nr && n <= frame_heap.nr - m;
}

/* frame_ref_put for frames read back from a table entry (see in_frame_table). */
/*@ requires frame_heap_inv;
    assigns frame_heap.table[0 .. frame_heap.nr - 1].refcount;
    ensures frame_heap_inv;
    ensures \result == 0 ==> m < frame_heap.nr && m + n <= frame_heap.nr; */
static int put_refs(mfn_t m, mfn_t n, domid_t owner)
{
    if (!in_frame_table(m, n))
        return -XEN_EINVAL;
    return frame_ref_put(m, n, owner);
}

/*
 * The reference moves of a mutation (for the p2m's owner, or a granter),
 * stated to leave its struct p2m as it was: proved here once, where the
 * context is small, rather than in each caller.  p2m is named for the
 * contracts only.
 */
/*@ requires frame_heap_inv && p2m_rw(p2m);
    assigns frame_heap.table[0 .. frame_heap.nr - 1].refcount;
    ensures frame_heap_inv && p2m_rw(p2m) && p2m_kept{Pre, Post}(p2m);
    ensures drop_keeps_words: p2m_hw_same{Pre, Post}; */
static void drop_refs(const struct p2m *p2m, mfn_t m, mfn_t n, domid_t owner)
{
    (void)p2m;
    (void)put_refs(m, n, owner);
}

/* What a 2 MiB leaf of the owner's RAM at `base` held, given back when it
 * goes: a reference on each of its 512 frames, and 512 mapped pages. */
/*@ requires frame_heap_inv && p2m_rw(p2m);
    assigns p2m->nr_mapped, frame_heap.table[0 .. frame_heap.nr - 1].refcount;
    ensures frame_heap_inv && p2m_rw(p2m) && p2m_kept{Pre, Post}(p2m);
    ensures p2m->nr_mapped == (uint64_t)(\old(p2m->nr_mapped) - ENTRIES_PER_TABLE);
    ensures leaf_2m_keeps_words: p2m_hw_same{Pre, Post}; */
static void drop_2m_leaf(struct p2m *p2m, mfn_t base)
{
    drop_refs(p2m, base, ENTRIES_PER_TABLE, p2m->owner);
    p2m->nr_mapped -= ENTRIES_PER_TABLE;
}

/* One more reference on each frame of a range frame_ref_check accepted. */
/*@ requires frame_heap_inv && p2m_rw(p2m) && m + n <= frame_heap.nr;
    assigns frame_heap.table[0 .. frame_heap.nr - 1].refcount;
    ensures frame_heap_inv && p2m_rw(p2m) && p2m_kept{Pre, Post}(p2m); */
static void take_refs(const struct p2m *p2m, mfn_t m, mfn_t n, domid_t owner, unsigned type)
{
    (void)p2m;
    (void)frame_ref_get(m, n, owner, type);
}

/*
 * Walk toward gfn until level `stop`, a non-present entry or a leaf.  False
 * when a table cannot be mapped or a 1 GiB leaf is met (malformed p2m).
 */
/*@ requires \valid_read(p2m) && \valid(pos) && \separated(pos, p2m) && 1 <= stop <= 4;
    assigns *pos;
    ensures \result ==> pos_ok(pos) && stop <= pos->level;
    ensures \result && pos->level > stop ==>
              !pte_l_present(p2m->format, pos->entry) ||
              (pos->level == 2 && pte_l_large(pos->entry));
    ensures descend_on_hw_path: \result ==>
              p2m_hw_has{Pre}(\old(p2m->format), \old(p2m->root), gfn, pos->level) &&
              pos->table == p2m_hw_tab{Pre}(\old(p2m->root), gfn, pos->level) &&
              pos->index == p2m_l_index(gfn, pos->level) &&
              pos->t == hal_mem_words + pos->table * 512 &&
              pos->entry == p2m_hw_word{Pre}(pos->table, pos->index);
    ensures descend_to_stop: \result && p2m_hw_has{Pre}(\old(p2m->format), \old(p2m->root), gfn, stop) ==>
              pos->level == stop; */
static bool p2m_descend(const struct p2m *p2m, gfn_t gfn, unsigned stop, struct walk_pos *pos)
{
    const enum pte_format fmt = p2m->format;
    const mfn_t root = p2m->root;
    mfn_t table = root;
    unsigned level = P2M_LEVELS;
    bool ok = true;
    uint64_t *t;
    unsigned index;
    uint64_t e;

    /* Locals only in the loop, *pos written once: the hardware view the
     * contract speaks of is then read in one memory state. */
    /*@ loop invariant stop <= level <= 4;
        loop invariant p2m_hw_has(fmt, root, gfn, level);
        loop invariant table == p2m_hw_tab(root, gfn, level);
        loop assigns level, table, t, index, e;
        loop variant level; */
    for (;;) {
        enum pte_hw_kind kind;

        t = hal_mem_table(table);
        if (t == NULL)
            return false;
        index = p2m_table_index(gfn, level);
        e = t[index];
        //@ assert entry_is_word: e == p2m_hw_word(table, index);
        if (level == stop)
            break;
        /* The CPU's reading of the entry, so that the path followed here is
         * the one the hardware view speaks of. */
        kind = pte_hw_kind(fmt, level, e);
        if (kind != PTE_HW_TABLE) {
            /* A large leaf stops the walk (at level 2, where a 4 KiB change
             * splits it; its rights decide whether it can be split).  Any
             * other present entry the CPU does not follow is malformed: the
             * CPU would never reach what lies below it. */
            ok = pte_present(fmt, e) && pte_is_large(fmt, e) ? level == 2 : !pte_present(fmt, e);
            break;
        }
        //@ assert next_on_path: p2m_hw_has(fmt, root, gfn, level - 1) && pte_l_addr(e) == p2m_hw_tab(root, gfn, level - 1);
        table = pte_mfn(e);
        level--;
    }
    *pos = (struct walk_pos){ level, table, t, index, e };
    return ok;
}

/* ---- table pages ---------------------------------------------------------- */

/* A zeroed table page owned by `owner`, typed and referenced once: a
 * frame that was free, and no other frame changed hands. */
/*@ requires frame_heap_inv;
    assigns HEAP_STATE;
    ensures frame_heap_inv;
    ensures \result == (mfn_t)INVALID_MFN || \result < frame_heap.nr;
    ensures table_was_free: \result != (mfn_t)INVALID_MFN ==>
              frame_owner_of{Pre}(\result) == FRAME_OWNER_FREE && frame_owner_of(\result) != FRAME_OWNER_FREE;
    ensures table_others: \forall integer x; 0 <= x < frame_heap.nr && x != \result ==>
              frame_owner_of(x) == frame_owner_of{Pre}(x);
    ensures table_owner: \result != (mfn_t)INVALID_MFN ==> frame_owner_of(\result) == owner; */
static mfn_t table_alloc(domid_t owner)
{
    mfn_t m = frame_alloc(0, owner);

    if (m == INVALID_MFN)
        return INVALID_MFN;
    //@ assert m < frame_heap.nr;
    /* A fresh frame of `owner` is untyped and unreferenced: neither can fail. */
    (void)frame_set_type(m, 1, owner, FRAME_TYPE_P2M_TABLE);
    (void)frame_ref_get(m, 1, owner, FRAME_TYPE_P2M_TABLE);
    return m;
}

/* Undo table_alloc: the page must hold no live entry any more. */
/*@ requires frame_heap_inv;
    assigns HEAP_STATE;
    ensures frame_heap_inv;
    ensures free_others: \forall integer x; 0 <= x < frame_heap.nr && x != m ==>
              frame_owner_of(x) == frame_owner_of{Pre}(x); */
static int table_free(domid_t owner, mfn_t m)
{
    int rc = put_refs(m, 1, owner);

    if (rc != 0)
        return rc;
    //@ assert m < frame_heap.nr;
    rc = frame_set_type(m, 1, owner, FRAME_TYPE_NONE);
    if (rc == 0)
        rc = frame_free(m, 0, owner);   /* scrubs */
    return rc;
}

/* table_free of one of the p2m's table pages, the struct p2m kept. */
/*@ requires frame_heap_inv && p2m_rw(p2m);
    assigns HEAP_STATE;
    ensures frame_heap_inv && p2m_rw(p2m) && p2m_kept{Pre, Post}(p2m);
    ensures drop_table_keeps_words: p2m_hw_same{Pre, Post};
    ensures drop_table_others: \forall integer x; 0 <= x < frame_heap.nr && x != m ==>
              frame_owner_of(x) == frame_owner_of{Pre}(x); */
static void drop_table(const struct p2m *p2m, mfn_t m)
{
    (void)table_free(p2m->owner, m);
}

/* table_alloc for the p2m's owner, the struct p2m kept. */
/*@ requires frame_heap_inv && p2m_rw(p2m);
    assigns HEAP_STATE;
    ensures frame_heap_inv && p2m_rw(p2m) && p2m_kept{Pre, Post}(p2m);
    ensures \result == (mfn_t)INVALID_MFN || \result < frame_heap.nr;
    ensures new_was_free: \result != (mfn_t)INVALID_MFN ==>
              frame_owner_of{Pre}(\result) == FRAME_OWNER_FREE && frame_owner_of(\result) != FRAME_OWNER_FREE;
    ensures new_others: \forall integer x; 0 <= x < frame_heap.nr && x != \result ==>
              frame_owner_of(x) == frame_owner_of{Pre}(x); */
static mfn_t new_table(const struct p2m *p2m)
{
    return table_alloc(p2m->owner);
}

/*
 * The writes to a struct spare, each proved here to leave the allocator's
 * invariant alone (in spare_fill's context the provers do not find it).
 */
/*@ requires frame_heap_inv && \valid(s) && \separated(s, HEAP_LOCS);
    assigns s->nr;
    ensures frame_heap_inv && spare_ok(s) && s->nr == 0; */
static void spare_empty(struct spare *s)
{
    s->nr = 0;
}

/*@ requires frame_heap_inv && \valid(s) && \separated(s, HEAP_LOCS);
    requires spare_ok(s) && s->nr < P2M_SPARE_MAX && m <= PTE_MFN_MAX && p2m_words(t);
    requires t == hal_mem_words + m * 512;
    assigns s->nr, s->mfn[s->nr], s->map[s->nr];
    ensures frame_heap_inv && spare_ok(s) && s->nr == \old(s->nr) + 1;
    ensures s->mfn[\old(s->nr)] == m; */
static void spare_push(struct spare *s, mfn_t m, uint64_t *t)
{
    s->mfn[s->nr] = m;
    s->map[s->nr] = t;
    s->nr++;
}

/*
 * Allocate and map `need` table pages up front; all or nothing.  Recursive
 * (need <= P2M_SPARE_MAX) so that *s is written only after the allocator
 * calls: this page is held in locals while the rest are allocated, and
 * given back if they cannot be.
 */
/*@ requires frame_heap_inv && p2m_rw(p2m) && \valid(s) && need <= P2M_SPARE_MAX;
    requires \separated(s, HEAP_LOCS) && \separated(s, p2m);
    decreases need;
    assigns *s, HEAP_STATE;
    ensures frame_heap_inv;
    ensures spare_ok(s);
    ensures p2m_rw(p2m) && p2m_kept{Pre, Post}(p2m);
    ensures \result == 0 || \result == -XEN_ENOMEM;
    ensures \result == 0 ==> s->nr == need;
    ensures \result != 0 ==> s->nr == 0;
    ensures spare_was_free: \result == 0 ==> \forall integer i; 0 <= i < s->nr ==>
              s->mfn[i] < frame_heap.nr && frame_owner_of{Pre}(s->mfn[i]) == FRAME_OWNER_FREE;
    ensures spare_distinct: \result == 0 ==> \forall integer i, j; 0 <= i < j < s->nr ==> s->mfn[i] != s->mfn[j]; */
static int spare_fill(const struct p2m *p2m, struct spare *s, unsigned need)
{
    mfn_t m;
    uint64_t *t;

    if (need == 0) {
        spare_empty(s);
        return 0;
    }
    m = new_table(p2m);
    PROOF_POINT(allocated);
    t = m == INVALID_MFN ? NULL : hal_mem_table(m);
    if (t != NULL && spare_fill(p2m, s, need - 1) == 0) {
        //@ assert m < HAL_MODEL_FRAMES && m <= PTE_MFN_MAX && p2m_words(t) && t == hal_mem_words + m * 512;
        /* The rest were free after m was taken, so they are not m, and were free before. */
        /*@ assert spare_rest_free: \forall integer i; 0 <= i < s->nr ==>
                  s->mfn[i] < frame_heap.nr && frame_owner_of{allocated}(s->mfn[i]) == FRAME_OWNER_FREE; */
        //@ assert spare_rest_not_m: \forall integer i; 0 <= i < s->nr ==> s->mfn[i] != m;
        /*@ assert spare_rest_was_free: \forall integer i; 0 <= i < s->nr ==>
                  frame_owner_of{Pre}(s->mfn[i]) == FRAME_OWNER_FREE; */
        spare_push(s, m, t);
        return 0;
    }
    if (m != INVALID_MFN)
        drop_table(p2m, m);   /* the rest could not be had, or the HAL cannot map this one */
    spare_empty(s);
    return -XEN_ENOMEM;
}

/* The next spare table page (counted as the p2m's), and its words in *words. */
/*@ requires \valid(p2m) && \valid(s) && spare_ok(s) && s->nr >= 1 && \valid(words);
    requires \separated(p2m, s, words);
    assigns p2m->nr_tables, s->nr, *words;
    ensures spare_ok(s) && s->nr == \old(s->nr) - 1;
    ensures p2m_words(*words) && \result <= PTE_MFN_MAX;
    ensures \result == \old(s->mfn[s->nr - 1]) && *words == hal_mem_words + \result * 512; */
static mfn_t spare_take(struct p2m *p2m, struct spare *s, uint64_t **words)
{
    p2m->nr_tables++;
    s->nr--;
    *words = s->map[s->nr];
    return s->mfn[s->nr];
}

/*
 * Fill the level-1 table page l1 of a split: 512 4 KiB leaves of the 2 MiB
 * at `base` with `access`, except `entry` at gfn's slot.  While l1 is on no
 * path (the case below), no translation changes and the tree is kept.
 */
#define P2M_FILL_CASE(gfn, l1)                                                               \
    (P2M_L2_CASE(gfn) && p2m_off_paths{Pre}(P2M_FMT0, P2M_ROOT0, l1))
/*@ requires p2m_words(t) && t == hal_mem_words + l1 * 512;
    requires frame_heap_inv && p2m_rw(p2m);
    requires pte_format_ok(p2m->format) && pte_access_ok(p2m->format, access);
    requires base % 512 == 0 && base <= PTE_MFN_MAX;
    assigns hal_mem_words[l1 * 512 .. l1 * 512 + 511];
    ensures frame_heap_inv && p2m_kept{Pre, Post}(p2m);
    ensures p2m_hw_same_but_table{Pre, Post}(l1);
    ensures fill_leaves: \forall integer i; 0 <= i < 512 && i != p2m_l_index(gfn, 1) ==>
              pte_l_addr(p2m_hw_word(l1, i)) == base + i;
    ensures fill_entry: p2m_hw_word(l1, p2m_l_index(gfn, 1)) == entry;
    ensures fill_off_view: P2M_FILL_CASE(gfn, l1) ==>
              \forall integer g2, m, a; 0 <= g2 <= P2M_MAX_GFN ==>
                (p2m_hw_maps(P2M_FMT0, P2M_ROOT0, g2, m, a) <==> p2m_hw_maps{Pre}(P2M_FMT0, P2M_ROOT0, g2, m, a));
    ensures fill_off_tree: P2M_FILL_CASE(gfn, l1) ==> p2m_hw_tree(P2M_FMT0, P2M_ROOT0);
    ensures fill_off_stays: P2M_FILL_CASE(gfn, l1) ==> p2m_off_paths(P2M_FMT0, P2M_ROOT0, l1);
    ensures fill_off_slot: P2M_FILL_CASE(gfn, l1) ==>
              p2m_hw_has2(P2M_FMT0, P2M_ROOT0, gfn) &&
              p2m_hw_t2(P2M_ROOT0, gfn) == p2m_hw_t2{Pre}(P2M_ROOT0, gfn); */
static void split_fill(const struct p2m *p2m, gfn_t gfn, uint64_t *t, mfn_t l1, mfn_t base,
                       unsigned access, uint64_t entry)
{
    unsigned index = p2m_table_index(gfn, 1);

    (void)l1;   /* named for the contract: t is its words */
    /*@ loop invariant 0 <= i <= 512;
        loop invariant p2m_hw_same_but_table{Pre, Here}(l1);
        loop invariant \forall integer j; 0 <= j < i ==> pte_l_addr(p2m_hw_word(l1, j)) == base + j;
        loop assigns i, hal_mem_words[l1 * 512 .. l1 * 512 + 511];
        loop variant 512 - i; */
    for (unsigned i = 0; i < ENTRIES_PER_TABLE; i++)
        t[i] = pte_make_leaf(p2m->format, base + i, access, false);
    t[index] = entry;
    /* The frame rules of spec/p2m_tree.acsl for a page on no path. */
    //@ assert p2m->format == P2M_FMT0 && p2m->root == P2M_ROOT0;
}

/*
 * Link the table page l1 into gfn's level-2 slot at pos, in place of what
 * was there (a split's 2 MiB leaf; nothing, for a fresh level-1 table): one
 * word written.  In the case below (the tables
 * formed a tree, pos is gfn's level-2 slot, l1 was on no path), l1 becomes
 * the level-1 table of gfn's 2 MiB region and of nothing else.
 */
/* The tables formed a tree and pos is gfn's level-2 slot, its table, its
 * index and its words (annotations only; the cases below build on it). */
#define P2M_AT_L2_SLOT(gfn)                                                                  \
    (P2M_L2_CASE(gfn) && \at(pos->table, Pre) == p2m_hw_t2{Pre}(P2M_ROOT0, gfn) &&           \
     \at(pos->index, Pre) == p2m_l_index(gfn, 2) &&                                          \
     \at(pos->t, Pre) == hal_mem_words + \at(pos->table, Pre) * 512)
#define P2M_LINK_CASE(gfn, l1) \
    (P2M_AT_L2_SLOT(gfn) && p2m_off_paths{Pre}(P2M_FMT0, P2M_ROOT0, l1))
/*@ requires \valid_read(pos) && pos_ok(pos) && \separated(pos, MEM_WORDS);
    requires frame_heap_inv && p2m_rw(p2m) && pte_format_ok(p2m->format);
    requires l1 <= PTE_MFN_MAX;
    assigns hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures frame_heap_inv && p2m_kept{Pre, Post}(p2m);
    ensures link_tree: P2M_LINK_CASE(gfn, l1) ==> p2m_hw_tree(P2M_FMT0, P2M_ROOT0);
    ensures link_has1: P2M_LINK_CASE(gfn, l1) ==>
              p2m_hw_has1(P2M_FMT0, P2M_ROOT0, gfn) && p2m_hw_t1(P2M_ROOT0, gfn) == l1;
    ensures link_others: P2M_LINK_CASE(gfn, l1) ==> P2M_OUTSIDE_2M_KEPT(gfn);
    ensures link_region: P2M_LINK_CASE(gfn, l1) ==>
              \forall integer g2, m, a; 0 <= g2 <= P2M_MAX_GFN && g2 / 512 == gfn / 512 &&
                p2m_hw_maps(P2M_FMT0, P2M_ROOT0, g2, m, a) ==>
                  m == pte_l_addr(p2m_hw_word{Pre}(l1, p2m_l_index(g2, 1))) &&
                  pte_hw_kind_l(P2M_FMT0, 1, p2m_hw_word{Pre}(l1, p2m_l_index(g2, 1))) == PTE_HW_LEAF; */
static void link_l1(const struct p2m *p2m, const struct walk_pos *pos, gfn_t gfn, mfn_t l1)
{
    (void)gfn;   /* named for the contract */
    pos->t[pos->index] = pte_make_table(p2m->format, l1);
    /* The frame rules of spec/p2m_tree.acsl, instance by instance. */
    //@ assert P2M_LINK_CASE(gfn, l1) ==> p2m_hw_same_but{Pre, Here}(pos->table, pos->index);
    //@ assert P2M_LINK_CASE(gfn, l1) ==> pte_l_addr(p2m_hw_word(pos->table, pos->index)) == l1;
    /*@ assert P2M_LINK_CASE(gfn, l1) ==>
              pte_hw_kind_l(P2M_FMT0, 2, p2m_hw_word(pos->table, pos->index)) == PTE_HW_TABLE; */
    //@ assert p2m->format == P2M_FMT0 && p2m->root == P2M_ROOT0;
    //@ assert link_apart: P2M_LINK_CASE(gfn, l1) ==> l1 != pos->table;
    /*@ assert link_l1_kept: P2M_LINK_CASE(gfn, l1) ==>
              \forall integer i; 0 <= i < 512 ==> p2m_hw_word(l1, i) == p2m_hw_word{Pre}(l1, i); */
}

/*
 * link_l1 for a split, with the contract split_2m reads: its chain of
 * assertions was proved against these clauses, without gfn's new level-1
 * path (link_has1), which only a fresh table's caller needs.
 */
/*@ requires \valid_read(pos) && pos_ok(pos) && \separated(pos, MEM_WORDS);
    requires frame_heap_inv && p2m_rw(p2m) && pte_format_ok(p2m->format);
    requires l1 <= PTE_MFN_MAX;
    assigns hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures frame_heap_inv && p2m_kept{Pre, Post}(p2m);
    ensures link_tree: P2M_LINK_CASE(gfn, l1) ==> p2m_hw_tree(P2M_FMT0, P2M_ROOT0);
    ensures link_others: P2M_LINK_CASE(gfn, l1) ==> P2M_OUTSIDE_2M_KEPT(gfn);
    ensures link_region: P2M_LINK_CASE(gfn, l1) ==>
              \forall integer g2, m, a; 0 <= g2 <= P2M_MAX_GFN && g2 / 512 == gfn / 512 &&
                p2m_hw_maps(P2M_FMT0, P2M_ROOT0, g2, m, a) ==>
                  m == pte_l_addr(p2m_hw_word{Pre}(l1, p2m_l_index(g2, 1))) &&
                  pte_hw_kind_l(P2M_FMT0, 1, p2m_hw_word{Pre}(l1, p2m_l_index(g2, 1))) == PTE_HW_LEAF; */
static void split_link(const struct p2m *p2m, const struct walk_pos *pos, gfn_t gfn, mfn_t l1)
{
    link_l1(p2m, pos, gfn, l1);
}

/*
 * The 2 MiB leaf at pos is split for gfn (annotations only): the tables
 * formed a tree, pos is gfn's level-2 slot and holds gfn's level-2 word,
 * and the spare page the split takes was on no path.
 */
#define P2M_SPLIT_CASE(gfn)                                                                  \
    (P2M_AT_L2_SLOT(gfn) && \at(pos->entry, Pre) == P2M_L2_WORD0(gfn) &&                     \
     p2m_off_paths{Pre}(P2M_FMT0, P2M_ROOT0, \at(s->mfn[s->nr - 1], Pre)))
/* What the split does then: the tree kept, every gfn outside the region
 * unchanged, gfn maps, if anything, the frame of `entry`, and every other
 * gfn of the region its own page of the 2 MiB leaf. */
#define P2M_SPLIT_VIEW(gfn, entry)                                                           \
    (p2m_hw_tree(P2M_FMT0, P2M_ROOT0) && P2M_OUTSIDE_2M_KEPT(gfn) &&                         \
     (\forall integer m, a; p2m_hw_maps(P2M_FMT0, P2M_ROOT0, gfn, m, a) ==>                   \
        m == pte_l_addr(entry) && pte_hw_kind_l(P2M_FMT0, 1, entry) == PTE_HW_LEAF) &&      \
     (\forall integer g2, m, a; 0 <= g2 <= P2M_MAX_GFN && g2 / 512 == gfn / 512 && g2 != gfn && \
        p2m_hw_maps(P2M_FMT0, P2M_ROOT0, g2, m, a) ==>                                        \
          m == pte_l_addr_2m(P2M_L2_WORD0(gfn)) + g2 % 512))

/*
 * A 4 KiB change inside gfn's 2 MiB leaf at pos (annotations only): the
 * tables formed a tree, pos is gfn's level-2 slot and holds gfn's level-2
 * word, and every free frame was on no path of this p2m (I3 of docs/P2M.md,
 * not yet proved of the whole system: the allocator hands the split a
 * frame that was free, and this makes it one on no path).
 */
#define P2M_FREE_OFF0 p2m_free_off{Pre}(P2M_FMT0, P2M_ROOT0)
#define P2M_IN_2M_CASE(gfn) \
    (P2M_AT_L2_SLOT(gfn) && \at(pos->entry, Pre) == P2M_L2_WORD0(gfn) && P2M_FREE_OFF0)
/* The same seen from the top (unmap_4k, set_access_4k, their callers):
 * gfn's level-2 table existed and its level-2 entry was no table to the
 * CPU (a 2 MiB leaf, when the walk finds it present), and every free frame
 * was on no path. */
#define P2M_IN_2M_LEAF_CASE(gfn) \
    (P2M_L2_CASE(gfn) && !p2m_hw_has1{Pre}(P2M_FMT0, P2M_ROOT0, gfn) && P2M_FREE_OFF0)
/* A 4 KiB map there: the level-2 entry is present (a 2 MiB leaf, split). */
#define P2M_IN_2M_MAP_CASE(gfn) \
    (P2M_IN_2M_LEAF_CASE(gfn) && pte_l_present(P2M_FMT0, P2M_L2_WORD0(gfn)))
/* A 4 KiB map into an empty level-2 slot: gfn's level-2 table existed, its
 * level-2 entry was not present (a fresh level-1 table is linked), and
 * every free frame was on no path. */
#define P2M_FRESH_MAP_CASE(gfn) \
    (P2M_L2_CASE(gfn) && !pte_l_present(P2M_FMT0, P2M_L2_WORD0(gfn)) && P2M_FREE_OFF0)
/* A map below gfn's 1 GiB or 512 GiB region when it had no level-2 table
 * (fresh tables are linked from the empty slot where the walk stopped). */
#define P2M_FRESH_UP_MAP_CASE(gfn)                                                           \
    (gfn <= P2M_MAX_GFN && p2m_hw_tree{Pre}(P2M_FMT0, P2M_ROOT0) &&                          \
     !p2m_hw_has2{Pre}(P2M_FMT0, P2M_ROOT0, gfn) && P2M_FREE_OFF0)
/* gfn unmapped out of its 2 MiB leaf: every other gfn of the region maps,
 * if anything, its page of that leaf; outside the region nothing changed. */
#define P2M_UNMAPPED_IN_2M(gfn) p2m_unmapped_in_2m{Pre, Post}(P2M_FMT0, P2M_ROOT0, gfn)
/* In that case, once fill_for_split took the split's page into the local
 * spare s (what the split's case needs, P2M_SPLIT_CASE): the page was on no
 * path, and gfn's slot, the tree and the view are those of entry. */
#define P2M_IN_2M_SPARE_OFF p2m_off_paths(P2M_FMT0, P2M_ROOT0, s.mfn[0])
#define P2M_IN_2M_SLOT(gfn)                                                                  \
    (p2m_hw_tree(P2M_FMT0, P2M_ROOT0) && p2m_hw_has2(P2M_FMT0, P2M_ROOT0, gfn) &&            \
     p2m_hw_t2(P2M_ROOT0, gfn) == pos->table && pos->entry == P2M_L2_WORD0(gfn))
#define P2M_IN_2M_VIEW0                                                                      \
    (\forall integer g2, m, a; 0 <= g2 <= P2M_MAX_GFN ==>                                    \
       (p2m_hw_maps(P2M_FMT0, P2M_ROOT0, g2, m, a) <==> p2m_hw_maps{Pre}(P2M_FMT0, P2M_ROOT0, g2, m, a)))

/*
 * Replace the 2 MiB leaf at pos by a level-1 table of 512 4 KiB leaves with
 * the same frames and rights, except that gfn's entry becomes `entry`
 * (the change the split is for).  The table is complete before it is
 * linked, so the CPU sees the old leaf or the final table, never a table
 * with the old entry at gfn's slot.  References are unchanged: the 512
 * frames keep theirs (the caller drops the one of the frame it replaced).
 */
/*@ requires \valid(p2m) && \valid(s) && \valid_read(pos) && spare_ok(s) && s->nr >= 1;
    requires pos_ok(pos) && pte_format_ok(p2m->format);
    requires pte_access_ok(p2m->format, pte_l_access(p2m->format, pos->entry));
    requires \separated(p2m, s, pos);
    requires \separated(p2m, MEM_WORDS) && \separated(s, MEM_WORDS) && \separated(pos, MEM_WORDS);
    requires frame_heap_inv && p2m_rw(p2m) && \separated(s, HEAP_LOCS);
    assigns p2m->nr_tables, s->nr, hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures frame_heap_inv;
    ensures spare_ok(s) && s->nr == \old(s->nr) - 1;
    ensures p2m_kept{Pre, Post}(p2m);
    ensures split_view: P2M_SPLIT_CASE(gfn) ==> P2M_SPLIT_VIEW(gfn, entry); */
static void split_2m(struct p2m *p2m, struct spare *s, const struct walk_pos *pos, gfn_t gfn,
                     uint64_t entry)
{
    uint64_t *t;
    mfn_t l1 = spare_take(p2m, s, &t);

    split_fill(p2m, gfn, t, l1, pte_mfn_2m(pos->entry), pte_access(p2m->format, pos->entry), entry);
    /* Each step's contract, chained: l1 (the spare page taken) was on no
     * path while it was filled, and pos is still gfn's level-2 slot. */
    /*@ assert split_filled: P2M_SPLIT_CASE(gfn) ==>
              p2m_hw_tree(P2M_FMT0, P2M_ROOT0) && p2m_off_paths(P2M_FMT0, P2M_ROOT0, l1) &&
              p2m_hw_has2(P2M_FMT0, P2M_ROOT0, gfn) && p2m_hw_t2(P2M_ROOT0, gfn) == pos->table; */
    /*@ assert split_fill_view: P2M_SPLIT_CASE(gfn) ==>
              \forall integer g2, m, a; 0 <= g2 <= P2M_MAX_GFN ==>
                (p2m_hw_maps(P2M_FMT0, P2M_ROOT0, g2, m, a) <==> p2m_hw_maps{Pre}(P2M_FMT0, P2M_ROOT0, g2, m, a)); */
    PROOF_POINT(filled);
    split_link(p2m, pos, gfn, l1);
    /*@ assert split_others_link: P2M_SPLIT_CASE(gfn) ==>
              \forall integer g2, m, a; 0 <= g2 <= P2M_MAX_GFN && g2 / 512 != gfn / 512 ==>
                (p2m_hw_maps(P2M_FMT0, P2M_ROOT0, g2, m, a) <==>
                 p2m_hw_maps{filled}(P2M_FMT0, P2M_ROOT0, g2, m, a)); */
    //@ assert split_tree: P2M_SPLIT_CASE(gfn) ==> p2m_hw_tree(P2M_FMT0, P2M_ROOT0);
    //@ assert split_others: P2M_SPLIT_CASE(gfn) ==> P2M_OUTSIDE_2M_KEPT(gfn);
    /*@ assert split_gfn: P2M_SPLIT_CASE(gfn) ==>
              \forall integer m, a; p2m_hw_maps(P2M_FMT0, P2M_ROOT0, gfn, m, a) ==>
                m == pte_l_addr(entry) && pte_hw_kind_l(P2M_FMT0, 1, entry) == PTE_HW_LEAF; */
    /*@ assert split_region: P2M_SPLIT_CASE(gfn) ==>
              \forall integer g2, m, a; 0 <= g2 <= P2M_MAX_GFN && g2 / 512 == gfn / 512 && g2 != gfn &&
                p2m_hw_maps(P2M_FMT0, P2M_ROOT0, g2, m, a) ==>
                  m == pte_l_addr_2m(P2M_L2_WORD0(gfn)) + g2 % 512; */
}

/*
 * A split that replaces gfn's page (a map or an unmap inside a 2 MiB leaf):
 * split_2m with `entry` at gfn's slot, then the reference the 2 MiB leaf
 * held on gfn's page given back with its count.  (set_access keeps the
 * page, and its reference, and calls split_2m itself.)
 */
/*@ requires \valid(p2m) && \valid(s) && \valid_read(pos) && spare_ok(s) && s->nr >= 1;
    requires pos_ok(pos) && pte_format_ok(p2m->format);
    requires pte_access_ok(p2m->format, pte_l_access(p2m->format, pos->entry));
    requires \separated(p2m, s, pos);
    requires \separated(p2m, MEM_WORDS) && \separated(s, MEM_WORDS) && \separated(pos, MEM_WORDS);
    requires frame_heap_inv && p2m_rw(p2m) && \separated(s, HEAP_LOCS) && \separated(pos, HEAP_LOCS);
    assigns p2m->nr_mapped, p2m->nr_tables, s->nr, HEAP_STATE, hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures frame_heap_inv && p2m_rw(p2m);
    ensures p2m_kept{Pre, Post}(p2m);
    ensures replace_view: P2M_SPLIT_CASE(gfn) ==> P2M_SPLIT_VIEW(gfn, entry); */
static void split_replace(struct p2m *p2m, struct spare *s, const struct walk_pos *pos, gfn_t gfn,
                          uint64_t entry)
{
    unsigned i = p2m_table_index(gfn, 1);

    split_2m(p2m, s, pos, gfn, entry);
    PROOF_POINT(split);
    drop_refs(p2m, pte_mfn_2m(pos->entry) + i, 1, p2m->owner);
    p2m->nr_mapped--;
    /* The split wrote the view; the reference move writes no table word. */
    //@ assert replace_words: p2m_hw_same{split, Here};
    //@ assert replace_tree: P2M_SPLIT_CASE(gfn) ==> p2m_hw_tree(P2M_FMT0, P2M_ROOT0);
    //@ assert replace_others: P2M_SPLIT_CASE(gfn) ==> P2M_OUTSIDE_2M_KEPT(gfn);
    /*@ assert replace_gfn: P2M_SPLIT_CASE(gfn) ==>
              \forall integer m, a; p2m_hw_maps(P2M_FMT0, P2M_ROOT0, gfn, m, a) ==>
                m == pte_l_addr(entry) && pte_hw_kind_l(P2M_FMT0, 1, entry) == PTE_HW_LEAF; */
    /*@ assert replace_region: P2M_SPLIT_CASE(gfn) ==>
              \forall integer g2, m, a; 0 <= g2 <= P2M_MAX_GFN && g2 / 512 == gfn / 512 && g2 != gfn &&
                p2m_hw_maps(P2M_FMT0, P2M_ROOT0, g2, m, a) ==>
                  m == pte_l_addr_2m(P2M_L2_WORD0(gfn)) + g2 % 512; */
}

/*
 * Zero table page z (its words t) before it is linked fresh.  The allocator
 * scrubbed the frame, but the proofs see that only as hal_frame_is_zero,
 * not as the words the walk reads, so the p2m clears what it links (512
 * stores, once per new table).  While z is on no path (the case below),
 * writes there change no path, no translation and the tree.
 */
/*@ requires p2m_words(t) && t == hal_mem_words + z * 512;
    requires frame_heap_inv && p2m_rw(p2m);
    assigns hal_mem_words[z * 512 .. z * 512 + 511];
    ensures frame_heap_inv && p2m_kept{Pre, Post}(p2m);
    ensures p2m_hw_same_but_table{Pre, Post}(z);
    ensures zero_words: \forall integer i; 0 <= i < 512 ==> p2m_hw_word(z, i) == 0;
    ensures zero_off_view: p2m_off_paths{Pre}(P2M_FMT0, P2M_ROOT0, z) ==>
              \forall integer g2, m, a; 0 <= g2 <= P2M_MAX_GFN ==>
                (p2m_hw_maps(P2M_FMT0, P2M_ROOT0, g2, m, a) <==> p2m_hw_maps{Pre}(P2M_FMT0, P2M_ROOT0, g2, m, a));
    ensures zero_off_paths: p2m_off_paths{Pre}(P2M_FMT0, P2M_ROOT0, z) ==>
              \forall integer g2, k; 0 <= g2 <= P2M_MAX_GFN && 1 <= k <= 4 ==>
                (p2m_hw_has(P2M_FMT0, P2M_ROOT0, g2, k) <==> p2m_hw_has{Pre}(P2M_FMT0, P2M_ROOT0, g2, k)) &&
                (p2m_hw_has{Pre}(P2M_FMT0, P2M_ROOT0, g2, k) ==>
                   p2m_hw_tab(P2M_ROOT0, g2, k) == p2m_hw_tab{Pre}(P2M_ROOT0, g2, k));
    ensures zero_off_tree: p2m_off_paths{Pre}(P2M_FMT0, P2M_ROOT0, z) && p2m_hw_tree{Pre}(P2M_FMT0, P2M_ROOT0) ==>
              p2m_hw_tree(P2M_FMT0, P2M_ROOT0);
    ensures zero_off_stays: p2m_off_paths{Pre}(P2M_FMT0, P2M_ROOT0, z) ==> p2m_off_paths(P2M_FMT0, P2M_ROOT0, z); */
static void clear_table(const struct p2m *p2m, uint64_t *t, mfn_t z)
{
    (void)p2m;   /* p2m and z are named for the contract: t is z's words */
    (void)z;
    /*@ loop invariant 0 <= i <= 512;
        loop invariant p2m_hw_same_but_table{Pre, Here}(z);
        loop invariant \forall integer j; 0 <= j < i ==> p2m_hw_word(z, j) == 0;
        loop assigns i, hal_mem_words[z * 512 .. z * 512 + 511];
        loop variant 512 - i; */
    for (unsigned i = 0; i < ENTRIES_PER_TABLE; i++)
        t[i] = 0;
    //@ assert p2m->format == P2M_FMT0 && p2m->root == P2M_ROOT0;
}

/*
 * Zero the level-1 table page l1 before it is linked into gfn's level-2
 * slot (clear_table), keeping that slot's word.
 */
/*@ requires p2m_words(t) && t == hal_mem_words + l1 * 512;
    requires frame_heap_inv && p2m_rw(p2m);
    assigns hal_mem_words[l1 * 512 .. l1 * 512 + 511];
    ensures frame_heap_inv && p2m_kept{Pre, Post}(p2m);
    ensures p2m_hw_same_but_table{Pre, Post}(l1);
    ensures clear_zero: \forall integer i; 0 <= i < 512 ==> p2m_hw_word(l1, i) == 0;
    ensures clear_off_view: P2M_FILL_CASE(gfn, l1) ==>
              \forall integer g2, m, a; 0 <= g2 <= P2M_MAX_GFN ==>
                (p2m_hw_maps(P2M_FMT0, P2M_ROOT0, g2, m, a) <==> p2m_hw_maps{Pre}(P2M_FMT0, P2M_ROOT0, g2, m, a));
    ensures clear_off_tree: P2M_FILL_CASE(gfn, l1) ==> p2m_hw_tree(P2M_FMT0, P2M_ROOT0);
    ensures clear_off_stays: P2M_FILL_CASE(gfn, l1) ==> p2m_off_paths(P2M_FMT0, P2M_ROOT0, l1);
    ensures clear_off_slot: P2M_FILL_CASE(gfn, l1) ==>
              p2m_hw_has2(P2M_FMT0, P2M_ROOT0, gfn) &&
              p2m_hw_t2(P2M_ROOT0, gfn) == p2m_hw_t2{Pre}(P2M_ROOT0, gfn) &&
              p2m_hw_word(p2m_hw_t2(P2M_ROOT0, gfn), p2m_l_index(gfn, 2)) ==
                p2m_hw_word{Pre}(p2m_hw_t2{Pre}(P2M_ROOT0, gfn), p2m_l_index(gfn, 2)); */
static void clear_fresh_l1(const struct p2m *p2m, gfn_t gfn, uint64_t *t, mfn_t l1)
{
    (void)gfn;   /* named for the contract */
    clear_table(p2m, t, l1);
    /* gfn's level-2 table is on a path, so it is not l1: its word is kept. */
    //@ assert P2M_FILL_CASE(gfn, l1) ==> p2m_hw_t2{Pre}(P2M_ROOT0, gfn) != l1;
}

/*
 * A 4 KiB map where gfn's level-2 slot at pos is empty (annotations only):
 * the tables formed a tree, pos is gfn's level-2 slot and holds gfn's
 * level-2 word, which is not present, and the spare page linked was on no
 * path.
 */
#define P2M_FRESH_L1_CASE(gfn)                                                               \
    (P2M_AT_L2_SLOT(gfn) && \at(pos->entry, Pre) == P2M_L2_WORD0(gfn) &&                     \
     !pte_l_present(P2M_FMT0, P2M_L2_WORD0(gfn)) &&                                          \
     p2m_off_paths{Pre}(P2M_FMT0, P2M_ROOT0, \at(s->mfn[s->nr - 1], Pre)))

/*
 * A 4 KiB map into gfn's empty level-2 slot at pos: a fresh level-1 table
 * (the next spare page), zeroed while on no path, linked into the slot,
 * then the leaf written into it.  No gfn of the region mapped anything
 * before; after it, gfn maps the leaf's frame, if anything, and the others
 * still nothing.
 */
/*@ requires \valid(p2m) && \valid(s) && \valid_read(pos) && spare_ok(s) && s->nr >= 1;
    requires pos_ok(pos) && pte_format_ok(p2m->format);
    requires \separated(p2m, s, pos);
    requires \separated(p2m, MEM_WORDS) && \separated(s, MEM_WORDS) && \separated(pos, MEM_WORDS);
    requires frame_heap_inv && p2m_rw(p2m);
    assigns p2m->nr_tables, s->nr, hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures frame_heap_inv && p2m_rw(p2m) && p2m_kept{Pre, Post}(p2m);
    ensures fresh_view: P2M_FRESH_L1_CASE(gfn) ==> P2M_MAPPED_4K_VIEW(gfn, pte_l_addr(leaf)); */
static void map_fresh_l1(struct p2m *p2m, struct spare *s, const struct walk_pos *pos, gfn_t gfn,
                         uint64_t leaf)
{
    uint64_t *t;
    mfn_t l1 = spare_take(p2m, s, &t);

    /* Before: the region's level-2 word was not present, so no gfn of the
     * region mapped anything (the level-2 rules with no word changed). */
    /*@ assert fresh_region0: P2M_FRESH_L1_CASE(gfn) ==>
              \forall integer g2, m, a; 0 <= g2 <= P2M_MAX_GFN && g2 / 512 == gfn / 512 ==>
                !p2m_hw_maps{Pre}(P2M_FMT0, P2M_ROOT0, g2, m, a); */
    clear_fresh_l1(p2m, gfn, t, l1);
    /*@ assert fresh_cleared: P2M_FRESH_L1_CASE(gfn) ==>
              p2m_hw_tree(P2M_FMT0, P2M_ROOT0) && p2m_off_paths(P2M_FMT0, P2M_ROOT0, l1) &&
              p2m_hw_has2(P2M_FMT0, P2M_ROOT0, gfn) && p2m_hw_t2(P2M_ROOT0, gfn) == pos->table; */
    /*@ assert fresh_view_cleared: P2M_FRESH_L1_CASE(gfn) ==>
              \forall integer g2, m, a; 0 <= g2 <= P2M_MAX_GFN ==>
                (p2m_hw_maps(P2M_FMT0, P2M_ROOT0, g2, m, a) <==> p2m_hw_maps{Pre}(P2M_FMT0, P2M_ROOT0, g2, m, a)); */
    //@ assert fresh_zero_words: \forall integer i; 0 <= i < 512 ==> p2m_hw_word(l1, i) == 0;
    //@ assert fresh_zero_kind: pte_hw_kind_l(P2M_FMT0, 1, 0) != PTE_HW_LEAF;
    PROOF_POINT(cleared);
    link_l1(p2m, pos, gfn, l1);
    /* Linked: gfn's level-1 table is l1, whose words are all 0, so no gfn of
     * the region maps anything yet. */
    /*@ assert fresh_linked: P2M_FRESH_L1_CASE(gfn) ==>
              p2m_hw_tree(P2M_FMT0, P2M_ROOT0) && p2m_hw_has1(P2M_FMT0, P2M_ROOT0, gfn) &&
              p2m_hw_t1(P2M_ROOT0, gfn) == l1; */
    /*@ assert fresh_linked_words: P2M_FRESH_L1_CASE(gfn) ==>
              \forall integer g2; 0 <= g2 <= P2M_MAX_GFN ==>
                pte_hw_kind_l(P2M_FMT0, 1, p2m_hw_word{cleared}(l1, p2m_l_index(g2, 1))) != PTE_HW_LEAF; */
    /*@ assert fresh_linked_region: P2M_FRESH_L1_CASE(gfn) ==>
              \forall integer g2, m, a; 0 <= g2 <= P2M_MAX_GFN && g2 / 512 == gfn / 512 ==>
                !p2m_hw_maps(P2M_FMT0, P2M_ROOT0, g2, m, a); */
    /*@ assert fresh_linked_others0: P2M_FRESH_L1_CASE(gfn) ==>
              \forall integer g2, m, a; 0 <= g2 <= P2M_MAX_GFN && g2 / 512 != gfn / 512 ==>
                (p2m_hw_maps(P2M_FMT0, P2M_ROOT0, g2, m, a) <==>
                 p2m_hw_maps{cleared}(P2M_FMT0, P2M_ROOT0, g2, m, a)); */
    /*@ assert fresh_linked_others: P2M_FRESH_L1_CASE(gfn) ==>
              \forall integer g2, m, a; 0 <= g2 <= P2M_MAX_GFN && g2 / 512 != gfn / 512 ==>
                (p2m_hw_maps(P2M_FMT0, P2M_ROOT0, g2, m, a) <==> p2m_hw_maps{Pre}(P2M_FMT0, P2M_ROOT0, g2, m, a)); */
    PROOF_POINT(linked);
    t[p2m_table_index(gfn, 1)] = leaf;
    /* The level-1 rules of spec/p2m_tree.acsl, from linked. */
    //@ assert fresh_written: p2m_hw_same_but{linked, Here}(l1, p2m_l_index(gfn, 1));
    //@ assert fresh_word: p2m_hw_word(l1, p2m_l_index(gfn, 1)) == leaf;
    //@ assert p2m->format == P2M_FMT0 && p2m->root == P2M_ROOT0;
    //@ assert fresh_tree: P2M_FRESH_L1_CASE(gfn) ==> p2m_hw_tree(P2M_FMT0, P2M_ROOT0);
    /*@ assert fresh_gfn: P2M_FRESH_L1_CASE(gfn) ==>
              \forall integer m, a; p2m_hw_maps(P2M_FMT0, P2M_ROOT0, gfn, m, a) ==> m == pte_l_addr(leaf); */
    /*@ assert fresh_others_linked: P2M_FRESH_L1_CASE(gfn) ==>
              \forall integer g2, m, a; 0 <= g2 <= P2M_MAX_GFN && g2 != gfn ==>
                (p2m_hw_maps(P2M_FMT0, P2M_ROOT0, g2, m, a) <==> p2m_hw_maps{linked}(P2M_FMT0, P2M_ROOT0, g2, m, a)); */
    /*@ assert fresh_others: P2M_FRESH_L1_CASE(gfn) ==>
              \forall integer g2, m, a; 0 <= g2 <= P2M_MAX_GFN && g2 != gfn ==>
                (p2m_hw_maps(P2M_FMT0, P2M_ROOT0, g2, m, a) <==> p2m_hw_maps{Pre}(P2M_FMT0, P2M_ROOT0, g2, m, a)); */
}


/*
 * A map below an empty slot above level 1 (annotations only): the tables
 * formed a tree, pos is gfn's slot at its level (its table on gfn's path,
 * its word), the word is not present, and the spare pages are on no path
 * and distinct (pages that were free, taken one by one).
 */
/*@ // In a block of its own, so that only the goals that speak of spare pages
    // off the paths see its lemma (the other goals keep their contexts).
  axiomatic P2mSpares {
    // The spare pages of s are on no path of the p2m at (fmt, root), and distinct.
    predicate p2m_spares_off{L}(integer fmt, integer root, struct spare *s) =
      (\forall integer i; 0 <= i < s->nr ==> p2m_off_paths(fmt, root, s->mfn[i])) &&
      (\forall integer i, j; 0 <= i < j < s->nr ==> s->mfn[i] != s->mfn[j]);
    // Pages that were free (at L1, when every free frame was on no path) and
    // are distinct, the tables unchanged since: spare pages on no path.
    lemma p2m_spares_off_free{L1, L2}: \forall integer fmt, root, struct spare *s;
      p2m_free_off{L1}(fmt, root) && p2m_hw_same{L1, L2} &&
      \at(frame_heap.nr, L2) == \at(frame_heap.nr, L1) &&
      (\forall integer i; 0 <= i < \at(s->nr, L2) ==>
         0 <= \at(s->mfn[i], L2) < \at(frame_heap.nr, L2) &&
         frame_owner_of{L1}(\at(s->mfn[i], L2)) == FRAME_OWNER_FREE) &&
      (\forall integer i, j; 0 <= i < j < \at(s->nr, L2) ==> \at(s->mfn[i], L2) != \at(s->mfn[j], L2)) ==>
      p2m_spares_off{L2}(fmt, root, s);
  }
*/
#define P2M_SPARE_OFF0 p2m_spares_off{Pre}(P2M_FMT0, P2M_ROOT0, s)
#define P2M_FRESH_UP_CASE(gfn)                                                               \
    (gfn <= P2M_MAX_GFN && p2m_hw_tree{Pre}(P2M_FMT0, P2M_ROOT0) &&                          \
     p2m_hw_has{Pre}(P2M_FMT0, P2M_ROOT0, gfn, \at(pos->level, Pre)) &&                      \
     p2m_hw_tab{Pre}(P2M_ROOT0, gfn, \at(pos->level, Pre)) == \at(pos->table, Pre) &&         \
     \at(pos->entry, Pre) == p2m_hw_word{Pre}(\at(pos->table, Pre), \at(pos->index, Pre)) &&  \
     !pte_l_present(P2M_FMT0, \at(pos->entry, Pre)) && P2M_SPARE_OFF0)

/* The same for one link (link_fresh): the spare page it takes is on no path. */
#define P2M_LINK_UP_CASE(gfn)                                                                \
    (gfn <= P2M_MAX_GFN && p2m_hw_tree{Pre}(P2M_FMT0, P2M_ROOT0) &&                          \
     p2m_hw_has{Pre}(P2M_FMT0, P2M_ROOT0, gfn, \at(pos->level, Pre)) &&                      \
     p2m_hw_tab{Pre}(P2M_ROOT0, gfn, \at(pos->level, Pre)) == \at(pos->table, Pre) &&         \
     \at(pos->entry, Pre) == p2m_hw_word{Pre}(\at(pos->table, Pre), \at(pos->index, Pre)) &&  \
     !pte_l_present(P2M_FMT0, \at(pos->entry, Pre)) &&                                        \
     p2m_off_paths{Pre}(P2M_FMT0, P2M_ROOT0, \at(s->mfn[s->nr - 1], Pre)))

/*
 * Link the zeroed page z into gfn's empty slot at pos, at level 3 or 4
 * (annotations only: the case).  The tables formed a tree, pos is gfn's
 * slot at its level, its word no table or leaf to the CPU, and z is on no
 * path and all zero.
 */
#define P2M_SLOT_OF(gfn)                                                                     \
    (gfn <= P2M_MAX_GFN && p2m_hw_tree{Pre}(P2M_FMT0, P2M_ROOT0) &&                          \
     p2m_hw_has{Pre}(P2M_FMT0, P2M_ROOT0, gfn, pos->level) &&                                 \
     p2m_hw_tab{Pre}(P2M_ROOT0, gfn, pos->level) == pos->table)
#define P2M_ZERO_LINK_CASE(gfn, z)                                                            \
    (P2M_SLOT_OF(gfn) &&                                                                     \
     pte_hw_kind_l(P2M_FMT0, pos->level, p2m_hw_word{Pre}(pos->table, pos->index)) == PTE_HW_BAD && \
     p2m_off_paths{Pre}(P2M_FMT0, P2M_ROOT0, z) &&                                            \
     (\forall integer i; 0 <= i < 512 ==> p2m_hw_word{Pre}(z, i) == 0))
/* Then (the lemmas p2m_link3_* and p2m_link4_* of spec/p2m_tree.acsl) z is
 * gfn's table one level down, all zero, so nothing maps through it; no
 * gfn's translation changed; every other page on no path still is.  Said
 * once for link_zeroed and zero_and_link. */
#define P2M_ZERO_LINKED(gfn, z)                                                              \
    (p2m_hw_tree(P2M_FMT0, P2M_ROOT0) &&                                                     \
     p2m_hw_has(P2M_FMT0, P2M_ROOT0, gfn, pos->level - 1) &&                                  \
     p2m_hw_tab(P2M_ROOT0, gfn, pos->level - 1) == z &&                                       \
     (\forall integer i; 0 <= i < 512 ==> p2m_hw_word(z, i) == 0))
#define P2M_VIEW_UNCHANGED                                                                   \
    (\forall integer g2, m, a; 0 <= g2 <= P2M_MAX_GFN ==>                                    \
       (p2m_hw_maps(P2M_FMT0, P2M_ROOT0, g2, m, a) <==> p2m_hw_maps{Pre}(P2M_FMT0, P2M_ROOT0, g2, m, a)))
#define P2M_OFF_KEPT_BUT(z)                                                                  \
    (\forall integer x; p2m_off_paths{Pre}(P2M_FMT0, P2M_ROOT0, x) && x != z ==>              \
       p2m_off_paths(P2M_FMT0, P2M_ROOT0, x))
/*@ requires \valid_read(pos) && pos_ok(pos) && (pos->level == 3 || pos->level == 4);
    requires pos->t == hal_mem_words + pos->table * 512 && pos->index == p2m_l_index(gfn, pos->level);
    requires \separated(pos, MEM_WORDS) && frame_heap_inv && p2m_rw(p2m) && pte_format_ok(p2m->format);
    requires z <= PTE_MFN_MAX;
    assigns hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures frame_heap_inv && p2m_kept{Pre, Post}(p2m);
    ensures zl_linked: P2M_ZERO_LINK_CASE(gfn, z) ==> P2M_ZERO_LINKED(gfn, z);
    ensures zl_view: P2M_ZERO_LINK_CASE(gfn, z) ==> P2M_VIEW_UNCHANGED;
    ensures zl_off: P2M_ZERO_LINK_CASE(gfn, z) ==> P2M_OFF_KEPT_BUT(z); */
static void link_zeroed(const struct p2m *p2m, const struct walk_pos *pos, gfn_t gfn, mfn_t z)
{
    (void)gfn;   /* named for the contract */
    pos->t[pos->index] = pte_make_table(p2m->format, z);
    /* The link rules at pos's level, instance by instance. */
    //@ assert p2m->format == P2M_FMT0 && p2m->root == P2M_ROOT0;
    //@ assert zl_written: p2m_hw_same_but{Pre, Here}(pos->table, pos->index);
    //@ assert zl_word: pte_l_addr(p2m_hw_word(pos->table, pos->index)) == z;
    //@ assert zl_kind: pte_hw_kind_l(P2M_FMT0, pos->level, p2m_hw_word(pos->table, pos->index)) == PTE_HW_TABLE;
    /*@ assert zl_case3: P2M_ZERO_LINK_CASE(gfn, z) && pos->level == 3 ==>
              p2m_hw_has3{Pre}(P2M_FMT0, P2M_ROOT0, gfn) && p2m_hw_t3{Pre}(P2M_ROOT0, gfn) == pos->table &&
              p2m_link_zero3{Pre, Here}(P2M_FMT0, P2M_ROOT0, gfn) && p2m_linked3{Pre, Here}(P2M_ROOT0, gfn) == z; */
    /*@ assert zl_case4: P2M_ZERO_LINK_CASE(gfn, z) && pos->level == 4 ==>
              pos->table == P2M_ROOT0 &&
              p2m_link_zero4{Pre, Here}(P2M_FMT0, P2M_ROOT0, gfn) && p2m_linked4(P2M_ROOT0, gfn) == z; */
    /*@ assert zl_has3: P2M_ZERO_LINK_CASE(gfn, z) && pos->level == 3 ==>
              p2m_hw_has2(P2M_FMT0, P2M_ROOT0, gfn) && p2m_hw_t2(P2M_ROOT0, gfn) == z; */
    /*@ assert zl_has4: P2M_ZERO_LINK_CASE(gfn, z) && pos->level == 4 ==>
              p2m_hw_has3(P2M_FMT0, P2M_ROOT0, gfn) && p2m_hw_t3(P2M_ROOT0, gfn) == z; */
}

/*
 * Zero page z (its words t) and link it into gfn's empty slot at pos, at
 * level 3 or 4 (the case: the tables formed a tree, pos is gfn's slot at
 * its level with its word, not present, and z was on no path); then as
 * link_zeroed (P2M_ZERO_LINKED and the rest).
 */
#define P2M_ZERO_CASE(gfn, z)                                                                \
    (P2M_SLOT_OF(gfn) &&                                                                     \
     pos->entry == p2m_hw_word{Pre}(pos->table, pos->index) &&                                \
     !pte_l_present(P2M_FMT0, pos->entry) && p2m_off_paths{Pre}(P2M_FMT0, P2M_ROOT0, z))
/*@ requires \valid_read(pos) && pos_ok(pos) && (pos->level == 3 || pos->level == 4);
    requires pos->t == hal_mem_words + pos->table * 512 && pos->index == p2m_l_index(gfn, pos->level);
    requires \separated(pos, MEM_WORDS) && frame_heap_inv && p2m_rw(p2m) && pte_format_ok(p2m->format);
    requires p2m_words(t) && t == hal_mem_words + z * 512 && z <= PTE_MFN_MAX;
    assigns hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures frame_heap_inv && p2m_kept{Pre, Post}(p2m);
    ensures zk_linked: P2M_ZERO_CASE(gfn, z) ==> P2M_ZERO_LINKED(gfn, z);
    ensures zk_view: P2M_ZERO_CASE(gfn, z) ==> P2M_VIEW_UNCHANGED;
    ensures zk_off: P2M_ZERO_CASE(gfn, z) ==> P2M_OFF_KEPT_BUT(z); */
static void zero_and_link(const struct p2m *p2m, const struct walk_pos *pos, gfn_t gfn, mfn_t z, uint64_t *t)
{
    /* z was on no path: zeroing it keeps every path, view and the tree, and
     * gfn's slot at pos (another page). */
    //@ assert zk_apart: P2M_ZERO_CASE(gfn, z) ==> pos->table != z;
    clear_table(p2m, t, z);
    /*@ assert zk_zeroed: P2M_ZERO_CASE(gfn, z) ==>
              p2m_hw_tree(P2M_FMT0, P2M_ROOT0) && p2m_off_paths(P2M_FMT0, P2M_ROOT0, z) &&
              p2m_hw_has(P2M_FMT0, P2M_ROOT0, gfn, pos->level) &&
              p2m_hw_tab(P2M_ROOT0, gfn, pos->level) == pos->table &&
              pte_hw_kind_l(P2M_FMT0, pos->level, p2m_hw_word(pos->table, pos->index)) == PTE_HW_BAD; */
    /*@ assert zk_zeroed_off: P2M_ZERO_CASE(gfn, z) ==>
              \forall integer x; p2m_off_paths{Pre}(P2M_FMT0, P2M_ROOT0, x) ==>
                p2m_off_paths(P2M_FMT0, P2M_ROOT0, x); */
    link_zeroed(p2m, pos, gfn, z);
}

/*
 * Link a fresh table (the next spare page) into gfn's empty slot at pos, at
 * level 3 or 4 (zero_and_link); it is returned, its words in *words.
 */
/*@ requires \valid(p2m) && \valid(s) && \valid_read(pos) && \valid(words) && spare_ok(s) && s->nr >= 1;
    requires pos_ok(pos) && (pos->level == 3 || pos->level == 4) && pte_format_ok(p2m->format);
    requires pos->t == hal_mem_words + pos->table * 512 && pos->index == p2m_l_index(gfn, pos->level);
    requires \separated(p2m, s, pos, words);
    requires \separated(p2m, MEM_WORDS) && \separated(s, MEM_WORDS) && \separated(pos, MEM_WORDS) &&
             \separated(words, MEM_WORDS) && \separated(words, HEAP_LOCS);
    requires frame_heap_inv && p2m_rw(p2m);
    assigns p2m->nr_tables, s->nr, *words, hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures up_kept: frame_heap_inv && p2m_rw(p2m) && p2m_kept{Pre, Post}(p2m);
    ensures up_spare: spare_ok(s) && s->nr == \old(s->nr) - 1;
    ensures up_taken: \result == \old(s->mfn[s->nr - 1]) && \result <= PTE_MFN_MAX;
    ensures up_words: p2m_words(*words) && *words == hal_mem_words + \result * 512;
    ensures up_linked: P2M_LINK_UP_CASE(gfn) ==>
              p2m_hw_tree(P2M_FMT0, P2M_ROOT0) &&
              p2m_hw_has(P2M_FMT0, P2M_ROOT0, gfn, \old(pos->level) - 1) &&
              p2m_hw_tab(P2M_ROOT0, gfn, \old(pos->level) - 1) == \result &&
              (\forall integer i; 0 <= i < 512 ==> p2m_hw_word(\result, i) == 0);
    ensures up_view: P2M_LINK_UP_CASE(gfn) ==>
              \forall integer g2, m, a; 0 <= g2 <= P2M_MAX_GFN ==>
                (p2m_hw_maps(P2M_FMT0, P2M_ROOT0, g2, m, a) <==> p2m_hw_maps{Pre}(P2M_FMT0, P2M_ROOT0, g2, m, a));
    ensures up_spares: P2M_LINK_UP_CASE(gfn) && p2m_spares_off{Pre}(P2M_FMT0, P2M_ROOT0, s) ==>
              p2m_spares_off(P2M_FMT0, P2M_ROOT0, s); */
static mfn_t link_fresh(struct p2m *p2m, struct spare *s, const struct walk_pos *pos, gfn_t gfn,
                        uint64_t **words)
{
    /* The page is linked first, then taken off the spare (a counter): the
     * link's case is then this function's own, at its entry. */
    //@ assert up_top: s->mfn[s->nr - 1] <= PTE_MFN_MAX && p2m_words(s->map[s->nr - 1]);
    zero_and_link(p2m, pos, gfn, s->mfn[s->nr - 1], s->map[s->nr - 1]);
    PROOF_POINT(linked);
    /* The spare state is apart from machine memory: said field by field
     * first, so that spare_ok is then a conjunction of facts at hand. */
    //@ assert up_nr_kept: s->nr == \at(s->nr, Pre);
    //@ assert up_mfn_kept: \forall integer i; 0 <= i < s->nr ==> s->mfn[i] == \at(s->mfn[i], Pre);
    //@ assert up_map_kept: \forall integer i; 0 <= i < s->nr ==> s->map[i] == \at(s->map[i], Pre);
    //@ assert up_words_kept: \forall integer i; 0 <= i < s->nr ==> p2m_words(s->map[i]);
    //@ assert up_s_kept: spare_ok(s);
    /*@ assert up_spares_linked: P2M_LINK_UP_CASE(gfn) && p2m_spares_off{Pre}(P2M_FMT0, P2M_ROOT0, s) ==>
              (\forall integer i; 0 <= i < s->nr - 1 ==> p2m_off_paths(P2M_FMT0, P2M_ROOT0, s->mfn[i])) &&
              (\forall integer i, j; 0 <= i < j < s->nr - 1 ==> s->mfn[i] != s->mfn[j]); */
    mfn_t z = spare_take(p2m, s, words);
    /* Taking the page wrote the p2m's counter, not machine memory. */
    //@ assert up_same: p2m_hw_same{linked, Here};
    return z;
}

/* *next := gfn's slot, empty, in table page z (words t) at `level`; said
 * here once, away from the proofs of the caller: the writes leave the
 * allocator's invariant, the p2m, machine memory and the spare pages alone. */
/*@ requires \valid(next) && \valid_read(s) && \separated(next, HEAP_LOCS) && \separated(next, p2m) &&
             \separated(next, MEM_WORDS) && \separated(next, s);
    requires frame_heap_inv && p2m_rw(p2m) && spare_ok(s);
    requires 1 <= level <= 4 && p2m_words(t);
    assigns *next;
    ensures frame_heap_inv && p2m_rw(p2m) && p2m_kept{Pre, Post}(p2m);
    ensures spare_ok(s) && s->nr == \old(s->nr);
    ensures slot_words_kept: p2m_hw_same{Pre, Post};
    ensures slot_spares_kept: \forall integer fmt, root;
              p2m_spares_off{Pre}(fmt, root, s) ==> p2m_spares_off(fmt, root, s);
    ensures pos_ok(next) && next->level == level && next->table == z && next->t == t;
    ensures next->index == p2m_l_index(gfn, level) && next->entry == 0; */
static void empty_slot_at(const struct p2m *p2m, const struct spare *s, struct walk_pos *next, unsigned level,
                          mfn_t z, uint64_t *t, gfn_t gfn)
{
    (void)p2m;   /* p2m and s are named for the contract */
    (void)s;
    next->level = level;
    next->table = z;
    next->t = t;
    next->index = p2m_table_index(gfn, level);
    next->entry = 0;
    //@ assert p2m_hw_same{Pre, Here};
    //@ assert s->nr == \at(s->nr, Pre) && \forall integer i; 0 <= i < s->nr ==> s->mfn[i] == \at(s->mfn[i], Pre);
}

/*
 * A 2 MiB leaf written into gfn's level-2 slot at pos, in a level-2 table
 * just linked (the slot is empty: nothing to release).  The level-2 rules
 * of spec/p2m_tree.acsl, as in map_2m_slot.
 */
/*@ requires \valid_read(pos) && pos_ok(pos) && pos->level == 2 && \separated(pos, p2m);
    requires \separated(pos, MEM_WORDS) && frame_heap_inv && p2m_rw(p2m) && pte_format_ok(p2m->format);
    requires pos->t == hal_mem_words + pos->table * 512 && pos->index == p2m_l_index(gfn, 2);
    requires pte_l_large(leaf);
    assigns hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures frame_heap_inv && p2m_rw(p2m) && p2m_kept{Pre, Post}(p2m);
    ensures fresh_2m_view: P2M_L2_CASE(gfn) && pos->table == p2m_hw_t2{Pre}(P2M_ROOT0, gfn) ==>
              P2M_AT_2M(gfn, pte_l_addr_2m(leaf)); */
static void write_fresh_2m(const struct p2m *p2m, const struct walk_pos *pos, gfn_t gfn, uint64_t leaf)
{
    (void)p2m;   /* p2m and gfn are named for the contract */
    (void)gfn;
    pos->t[pos->index] = leaf;
    //@ assert p2m_hw_same_but{Pre, Here}(pos->table, pos->index);
    //@ assert p2m_hw_word(pos->table, pos->index) == leaf;
    //@ assert pte_hw_kind_l(P2M_FMT0, 2, p2m_hw_word(pos->table, pos->index)) != PTE_HW_TABLE;
    //@ assert p2m->format == P2M_FMT0 && p2m->root == P2M_ROOT0;
    /*@ assert fresh_2m_tree: P2M_L2_CASE(gfn) && pos->table == p2m_hw_t2{Pre}(P2M_ROOT0, gfn) ==>
              p2m_hw_tree(P2M_FMT0, P2M_ROOT0); */
    /*@ assert fresh_2m_region: P2M_L2_CASE(gfn) && pos->table == p2m_hw_t2{Pre}(P2M_ROOT0, gfn) ==>
              \forall integer g2, m, a; 0 <= g2 <= P2M_MAX_GFN && g2 / 512 == gfn / 512 &&
                p2m_hw_maps(P2M_FMT0, P2M_ROOT0, g2, m, a) ==> m == pte_l_addr_2m(leaf) + g2 % 512; */
    /*@ assert fresh_2m_others: P2M_L2_CASE(gfn) && pos->table == p2m_hw_t2{Pre}(P2M_ROOT0, gfn) ==>
              P2M_OUTSIDE_2M_KEPT(gfn); */
}

/*
 * A map below gfn's empty slot at pos, at level 3 or 4 (or 2 for a 4 KiB
 * map, from the recursion): fresh tables down to the target level, each
 * zeroed and linked (link_fresh), then the leaf.  One level per call.
 */
/*@ requires \valid(p2m) && \valid(s) && \valid_read(pos) && spare_ok(s);
    requires pos_ok(pos) && (target == 1 || target == 2) && target < pos->level;
    requires s->nr == pos->level - target && pte_format_ok(p2m->format);
    requires pos->t == hal_mem_words + pos->table * 512 && pos->index == p2m_l_index(gfn, pos->level);
    requires target == 2 ==> pte_l_large(leaf);
    requires \separated(p2m, s, pos);
    requires \separated(p2m, MEM_WORDS) && \separated(s, MEM_WORDS) && \separated(pos, MEM_WORDS);
    requires frame_heap_inv && p2m_rw(p2m);
    decreases pos->level;
    assigns p2m->nr_tables, s->nr, hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures frame_heap_inv && p2m_rw(p2m) && p2m_kept{Pre, Post}(p2m);
    ensures fresh_up_4k: target == 1 && P2M_FRESH_UP_CASE(gfn) ==> P2M_MAPPED_4K_VIEW(gfn, pte_l_addr(leaf));
    ensures fresh_up_2m: target == 2 && P2M_FRESH_UP_CASE(gfn) ==> P2M_AT_2M(gfn, pte_l_addr_2m(leaf)); */
static void map_fresh(struct p2m *p2m, struct spare *s, const struct walk_pos *pos, gfn_t gfn,
                      unsigned target, uint64_t leaf)
{
    struct walk_pos next;
    uint64_t *t;
    mfn_t z;

    if (pos->level == 2) {
        /* A 4 KiB map: the level-1 table and the leaf. */
        //@ assert fresh_up_l2: P2M_FRESH_UP_CASE(gfn) ==> P2M_FRESH_L1_CASE(gfn);
        map_fresh_l1(p2m, s, pos, gfn, leaf);
        return;
    }
    //@ assert fresh_up_link: P2M_FRESH_UP_CASE(gfn) ==> P2M_LINK_UP_CASE(gfn);
    z = link_fresh(p2m, s, pos, gfn, &t);
    /*@ assert fresh_up_linked: P2M_FRESH_UP_CASE(gfn) ==>
              p2m_hw_tree(P2M_FMT0, P2M_ROOT0) &&
              p2m_hw_has(P2M_FMT0, P2M_ROOT0, gfn, pos->level - 1) &&
              p2m_hw_tab(P2M_ROOT0, gfn, pos->level - 1) == z &&
              p2m_hw_word(z, p2m_l_index(gfn, pos->level - 1)) == 0 &&
              p2m_spares_off(P2M_FMT0, P2M_ROOT0, s) &&
              (\forall integer g2, m, a; 0 <= g2 <= P2M_MAX_GFN ==>
                 (p2m_hw_maps(P2M_FMT0, P2M_ROOT0, g2, m, a) <==> p2m_hw_maps{Pre}(P2M_FMT0, P2M_ROOT0, g2, m, a))); */
    PROOF_POINT(linked);
    empty_slot_at(p2m, s, &next, pos->level - 1, z, t, gfn);
    //@ assert fresh_up_same: p2m_hw_same{linked, Here};
    PROOF_POINT(ready);
    /*@ assert fresh_up_next: P2M_FRESH_UP_CASE(gfn) ==>
              p2m_hw_tree(P2M_FMT0, P2M_ROOT0) &&
              p2m_hw_has(P2M_FMT0, P2M_ROOT0, gfn, next.level) &&
              p2m_hw_tab(P2M_ROOT0, gfn, next.level) == next.table &&
              next.entry == p2m_hw_word(next.table, next.index) && !pte_l_present(P2M_FMT0, next.entry); */
    //@ assert fresh_up_spare: P2M_FRESH_UP_CASE(gfn) ==> p2m_spares_off(P2M_FMT0, P2M_ROOT0, s);
    /*@ assert fresh_up_ready: P2M_FRESH_UP_CASE(gfn) ==>
              \forall integer g2, m, a; 0 <= g2 <= P2M_MAX_GFN ==>
                (p2m_hw_maps(P2M_FMT0, P2M_ROOT0, g2, m, a) <==> p2m_hw_maps{Pre}(P2M_FMT0, P2M_ROOT0, g2, m, a)); */
    if (next.level == target) {
        /* A 2 MiB map: the leaf in the fresh level-2 table. */
        /*@ assert fresh_up_2m_case: P2M_FRESH_UP_CASE(gfn) ==>
                  p2m_hw_has2(P2M_FMT0, P2M_ROOT0, gfn) && next.table == p2m_hw_t2(P2M_ROOT0, gfn); */
        write_fresh_2m(p2m, &next, gfn, leaf);
        /*@ assert fresh_up_2m_region: target == 2 && P2M_FRESH_UP_CASE(gfn) ==>
                  \forall integer g2, m, a; 0 <= g2 <= P2M_MAX_GFN && g2 / 512 == gfn / 512 &&
                    p2m_hw_maps(P2M_FMT0, P2M_ROOT0, g2, m, a) ==> m == pte_l_addr_2m(leaf) + g2 % 512; */
        /*@ assert fresh_up_2m_others: target == 2 && P2M_FRESH_UP_CASE(gfn) ==>
                  \forall integer g2, m, a; 0 <= g2 <= P2M_MAX_GFN && g2 / 512 != gfn / 512 ==>
                    (p2m_hw_maps(P2M_FMT0, P2M_ROOT0, g2, m, a) <==>
                     p2m_hw_maps{ready}(P2M_FMT0, P2M_ROOT0, g2, m, a)); */
        /*@ assert fresh_up_2m_others0: target == 2 && P2M_FRESH_UP_CASE(gfn) ==> P2M_OUTSIDE_2M_KEPT(gfn); */
        //@ assert fresh_up_2m_tree: target == 2 && P2M_FRESH_UP_CASE(gfn) ==> p2m_hw_tree(P2M_FMT0, P2M_ROOT0);
    } else {
        map_fresh(p2m, s, &next, gfn, target, leaf);
    }
}

/* Can a 2 MiB leaf be split into 4 KiB leaves with its rights?  (Only a
 * malformed entry, say EPT write-without-read, cannot.) */
/*@ requires pte_format_ok(fmt);
    assigns \nothing;
    ensures \result <==> pte_access_ok(fmt, pte_l_access(fmt, e)); */
static bool splittable(enum pte_format fmt, uint64_t e)
{
    return pte_access_valid(fmt, pte_access(fmt, e));
}

/* Number of present entries of level-1 table l1. */
/*@ requires \valid_read(p2m);
    assigns \nothing;
    ensures \result <= 512; */
static unsigned l1_present(const struct p2m *p2m, mfn_t l1)
{
    const uint64_t *t = hal_mem_table(l1);
    unsigned n = 0;

    if (t == NULL)
        return 0;
    /*@ loop invariant 0 <= i <= 512 && n <= i;
        loop assigns i, n;
        loop variant 512 - i; */
    for (unsigned i = 0; i < ENTRIES_PER_TABLE; i++)
        n += pte_present(p2m->format, t[i]) ? 1U : 0U;
    return n;
}

/* Does level-1 table l1 hold a foreign leaf?  (An unmappable table counts as
 * one: the caller refuses rather than guess.) */
/*@ requires \valid_read(p2m);
    assigns \nothing; */
static bool l1_has_foreign(const struct p2m *p2m, mfn_t l1)
{
    const uint64_t *t = hal_mem_table(l1);

    if (t == NULL)
        return true;
    /*@ loop invariant 0 <= i <= 512;
        loop assigns i;
        loop variant 512 - i; */
    for (unsigned i = 0; i < ENTRIES_PER_TABLE; i++)
        if (pte_present(p2m->format, t[i]) && pte_is_foreign(p2m->format, t[i]))
            return true;
    return false;
}

/* ---- writes to struct p2m ---------------------------------------------------------- */

/*
 * init, map and map_foreign write their struct p2m through these three, each
 * proved once to keep the allocator's invariant and the root view: in those
 * callers' contexts (a dozen calls' contracts) the provers do not find that
 * a counter write leaves frame_heap_inv alone.  The other mutations, whose
 * contexts are smaller, write their counters directly.
 */

/* Every field of *p2m: an empty p2m when root is INVALID_MFN, else one root table. */
/*@ requires frame_heap_inv && \valid(p2m) && p2m_apart(p2m);
    assigns *p2m;
    ensures frame_heap_inv;
    ensures p2m_root_map_ok(p2m);
    ensures p2m->root == root && p2m->owner == owner && p2m->format == fmt;
    ensures p2m->nr_tables == (root == (mfn_t)INVALID_MFN ? 0 : 1);
    ensures p2m->nr_mapped == 0 && p2m->nr_foreign == 0;
 */
static void p2m_set(struct p2m *p2m, domid_t owner, enum pte_format fmt, mfn_t root)
{
    bool empty = root == INVALID_MFN;

    *p2m = (struct p2m){ .root = root, .owner = owner, .format = fmt,
                         .nr_tables = empty ? 0U : 1U, .nr_mapped = 0, .nr_foreign = 0,
                         .generation = 0, .root_map = empty ? NULL : hal_table_map(root),
                         .root_map_mfn = root };
}

/* A new generation: lookup cursors of the old one walk again. */
/*@ requires frame_heap_inv && p2m_rw(p2m);
    assigns p2m->generation;
    ensures frame_heap_inv;
    ensures p2m_rw(p2m); */
static void p2m_bump(struct p2m *p2m)
{
    p2m->generation++;
}

/* Count a new leaf: `pages` of the owner's RAM, or one foreign page. */
/*@ requires frame_heap_inv && p2m_rw(p2m);
    assigns p2m->nr_mapped, p2m->nr_foreign;
    ensures frame_heap_inv;
    ensures p2m_rw(p2m) && p2m->root == \old(p2m->root); */
static void p2m_count_leaf(struct p2m *p2m, unsigned pages, bool foreign)
{
    if (foreign)
        p2m->nr_foreign++;
    else
        p2m->nr_mapped += pages;
}

/* ---- init ------------------------------------------------------------------------ */

/*
 * A new root: table_alloc, and the frame's words through the hypervisor's
 * view, which p2m_init clears.  INVALID_MFN when there is no frame, or one
 * the hypervisor cannot map (given back).
 */
/*@ requires frame_heap_inv && \valid(words) && \separated(words, HEAP_LOCS);
    assigns HEAP_STATE, *words;
    ensures frame_heap_inv;
    ensures root_alloc_ok: \result != (mfn_t)INVALID_MFN ==>
              \result < frame_heap.nr && frame_owner_of(\result) == owner &&
              *words == hal_mem_words + \result * 512 && \result < HAL_MODEL_FRAMES; */
static mfn_t root_alloc(domid_t owner, uint64_t **words)
{
    mfn_t root = table_alloc(owner);

    if (root == INVALID_MFN)
        return INVALID_MFN;
    *words = hal_mem_table(root);
    if (*words == NULL) {
        (void)table_free(owner, root);
        return INVALID_MFN;
    }
    return root;
}

/*@ // In a block of its own, so that only the goals that speak of an empty
    // p2m see its lemma (the other goals keep their contexts).
  axiomatic P2mEmpty {
    // No gfn of the p2m at (fmt, root) maps anything.
    predicate p2m_hw_empty{L}(integer fmt, integer root) =
      \forall integer g, m, a; 0 <= g <= P2M_MAX_GFN ==> !p2m_hw_maps(fmt, root, g, m, a);
    // Root page t's 512 words are zero.
    predicate p2m_hw_zero_root{L}(integer t) =
      \forall integer i; 0 <= i < 512 ==> p2m_hw_word(t, i) == 0;
    // The CPU follows no zero word (it is not present), so under a zero root
    // nothing is mapped and the only table page on any path is the root: a
    // tree.
    lemma p2m_zero_root_empty{L}: \forall integer fmt, root;
      p2m_hw_zero_root(root) ==> p2m_hw_empty(fmt, root);
    lemma p2m_zero_root_tree{L}: \forall integer fmt, root;
      p2m_hw_zero_root(root) ==> p2m_hw_tree(fmt, root);
  }
*/

/*@ // I3 in the form the mutations keep, in a block of its own like the
    // ones above.
  axiomatic P2mOwned {
    // Every table page on a path of the p2m at (fmt, root), the root
    // included, is a frame of the frame table owned by dom.
    predicate p2m_tables_owned{L}(integer fmt, integer root, integer dom) =
      \forall integer g, k; 0 <= g <= P2M_MAX_GFN && 1 <= k <= 4 && p2m_hw_has(fmt, root, g, k) ==>
        0 <= p2m_hw_tab(root, g, k) < frame_heap.nr && frame_owner_of(p2m_hw_tab(root, g, k)) == dom;
    // So a free frame is on no path (what the fresh-table cases assume).
    lemma p2m_tables_owned_free_off{L}: \forall integer fmt, root, dom;
      p2m_tables_owned(fmt, root, dom) && dom != FRAME_OWNER_FREE ==> p2m_free_off(fmt, root);
    // A write into gfn's level-1 table (a tree) keeps every path, so with
    // the owners unchanged the tables stay dom's.
    lemma p2m_l1_write_owned{L1, L2}: \forall integer fmt, root, g, i, dom;
      p2m_hw_tree{L1}(fmt, root) && 0 <= g <= P2M_MAX_GFN && p2m_hw_has1{L1}(fmt, root, g) &&
      0 <= i < 512 && p2m_hw_same_but{L1, L2}(p2m_hw_t1{L1}(root, g), i) &&
      p2m_tables_owned{L1}(fmt, root, dom) && \at(frame_heap.nr, L2) == \at(frame_heap.nr, L1) &&
      (\forall integer x; 0 <= x < \at(frame_heap.nr, L1) ==> frame_owner_of{L2}(x) == frame_owner_of{L1}(x)) ==>
        p2m_tables_owned{L2}(fmt, root, dom);
    // The same words and the same owners keep it.
    lemma p2m_same_owned{L1, L2}: \forall integer fmt, root, dom;
      p2m_hw_same{L1, L2} && p2m_tables_owned{L1}(fmt, root, dom) &&
      \at(frame_heap.nr, L2) == \at(frame_heap.nr, L1) &&
      (\forall integer x; 0 <= x < \at(frame_heap.nr, L1) ==> frame_owner_of{L2}(x) == frame_owner_of{L1}(x)) ==>
        p2m_tables_owned{L2}(fmt, root, dom);
    // A page on no path, rewritten and given back, takes no path with it:
    // the paths are kept, and no table on them changed owner.
    lemma p2m_off_owned{L1, L2}: \forall integer fmt, root, t, dom;
      p2m_off_paths{L1}(fmt, root, t) && p2m_hw_same_but_table{L1, L2}(t) &&
      p2m_tables_owned{L1}(fmt, root, dom) && \at(frame_heap.nr, L2) == \at(frame_heap.nr, L1) &&
      (\forall integer x; 0 <= x < \at(frame_heap.nr, L1) && x != t ==>
         frame_owner_of{L2}(x) == frame_owner_of{L1}(x)) ==>
        p2m_tables_owned{L2}(fmt, root, dom);
    // A non-table written into gfn's level-2 slot of a tree: every path
    // left was a path before, through the same tables.
    lemma p2m_l2_write_owned{L1, L2}: \forall integer fmt, root, g, dom;
      p2m_hw_tree{L1}(fmt, root) && 0 <= g <= P2M_MAX_GFN && p2m_hw_has2{L1}(fmt, root, g) &&
      p2m_hw_same_but{L1, L2}(p2m_hw_t2{L1}(root, g), p2m_l_index(g, 2)) &&
      pte_hw_kind_l(fmt, 2, p2m_hw_word{L2}(p2m_hw_t2{L1}(root, g), p2m_l_index(g, 2))) != PTE_HW_TABLE &&
      p2m_tables_owned{L1}(fmt, root, dom) && \at(frame_heap.nr, L2) == \at(frame_heap.nr, L1) &&
      (\forall integer x; 0 <= x < \at(frame_heap.nr, L1) ==> frame_owner_of{L2}(x) == frame_owner_of{L1}(x)) ==>
        p2m_tables_owned{L2}(fmt, root, dom);
    // Writes confined to gfn's level-1 table of a tree keep every path.
    lemma p2m_l1_table_owned{L1, L2}: \forall integer fmt, root, g, dom;
      p2m_hw_tree{L1}(fmt, root) && 0 <= g <= P2M_MAX_GFN && p2m_hw_has1{L1}(fmt, root, g) &&
      p2m_hw_same_but_table{L1, L2}(p2m_hw_t1{L1}(root, g)) &&
      p2m_tables_owned{L1}(fmt, root, dom) && \at(frame_heap.nr, L2) == \at(frame_heap.nr, L1) &&
      (\forall integer x; 0 <= x < \at(frame_heap.nr, L1) ==> frame_owner_of{L2}(x) == frame_owner_of{L1}(x)) ==>
        p2m_tables_owned{L2}(fmt, root, dom);
    // Under a zero root the root is the only table on any path.
    lemma p2m_zero_root_owned{L}: \forall integer fmt, root, dom;
      p2m_hw_zero_root(root) && 0 <= root < frame_heap.nr && frame_owner_of(root) == dom ==>
        p2m_tables_owned(fmt, root, dom);
  }
*/

/* (Besides its contract in hv/p2m.h: a new p2m maps nothing, its one table,
 * the root, is a tree, and that table is the owner's frame.) */
/*@ ensures init_empty: \result == 0 ==> p2m_hw_empty(p2m->format, p2m->root);
    ensures init_tree: \result == 0 ==> p2m_hw_tree(p2m->format, p2m->root);
    ensures init_owned: \result == 0 ==> p2m_tables_owned(p2m->format, p2m->root, p2m->owner); */
int p2m_init(struct p2m *p2m, domid_t owner, enum pte_format fmt)
{
    mfn_t root = INVALID_MFN;
    uint64_t *words = NULL;
    int rc = 0;

    if (owner >= DOMID_FIRST_RESERVED || (fmt != PTE_FORMAT_NPT && fmt != PTE_FORMAT_EPT))
        rc = -XEN_EINVAL;
    else
        root = root_alloc(owner, &words);
    if (rc == 0 && root == INVALID_MFN)
        rc = -XEN_ENOMEM;
    /* A failed init leaves an empty p2m (no root), which map/unmap refuse and
     * teardown accepts, rather than whatever *p2m held before. */
    //@ assert init_alloc_owned: rc == 0 ==> 0 <= root < frame_heap.nr && frame_owner_of(root) == owner;
    p2m_set(p2m, owner, fmt, root);
    /* The allocator scrubbed the frame, but the walk's view of it is its
     * words: clear them, so that the empty p2m is proved empty. */
    if (rc == 0) {
        //@ assert words != \null && words == hal_mem_words + root * 512;
        clear_table(p2m, words, root);
        //@ assert init_zero: p2m_hw_zero_root(p2m->root);
        //@ assert init_root_owned: 0 <= root < frame_heap.nr && frame_owner_of(root) == owner;
    }
    return rc;
}

/* Shared argument checks of map/unmap/set_access. */
/*@ requires \valid_read(p2m);
    assigns \nothing;
    ensures \result == 0 || \result == -XEN_EINVAL;
    ensures \result == 0 ==> p2m_order_ok(order) && 0 <= gfn <= P2M_MAX_GFN &&
                              gfn % p2m_pages(order) == 0 && p2m->root != INVALID_MFN &&
                              pte_format_ok(p2m->format);
    ensures !p2m_gfn_ok(gfn, order) ==> \result == -XEN_EINVAL; */
static int check_target(const struct p2m *p2m, gfn_t gfn, unsigned order)
{
    if (p2m->root == INVALID_MFN || (order != P2M_ORDER_4K && order != P2M_ORDER_2M) ||
        (p2m->format != PTE_FORMAT_NPT && p2m->format != PTE_FORMAT_EPT))
        return -XEN_EINVAL;
    if (gfn > P2M_MAX_GFN || gfn % order_pages(order) != 0)
        return -XEN_EINVAL;
    return 0;
}

/* Clear every present entry of level-1 table l1 (dropping references);
 * returns how many there were. */
/*@ requires frame_heap_inv && p2m_rw(p2m);
    assigns frame_heap.table[0 .. frame_heap.nr - 1].refcount, hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures frame_heap_inv && \result <= 512;
    ensures p2m_rw(p2m) && p2m_kept{Pre, Post}(p2m);
    ensures clear_in_table: p2m_hw_same_but_table{Pre, Post}(l1); */
static unsigned l1_clear(struct p2m *p2m, mfn_t l1)
{
    uint64_t *t = hal_mem_table(l1);
    unsigned n = 0;

    if (t == NULL)
        return 0;
    /*@ loop invariant 0 <= i <= 512 && n <= i && frame_heap_inv;
        loop invariant p2m_rw(p2m) && p2m_kept{Pre, Here}(p2m);
        loop invariant p2m_hw_same_but_table{Pre, Here}(l1);
        loop assigns i, n, frame_heap.table[0 .. frame_heap.nr - 1].refcount,
                     hal_mem_words[0 .. HAL_MEM_WORDS - 1];
        loop variant 512 - i; */
    for (unsigned i = 0; i < ENTRIES_PER_TABLE; i++) {
        if (pte_present(p2m->format, t[i])) {
            drop_refs(p2m, pte_mfn(t[i]), 1, p2m->owner);
            t[i] = 0;
            n++;
        }
    }
    return n;
}

/*
 * Clear and free level-1 table l1 once no walk reaches it any more (its
 * slot in the level-2 table was overwritten first): the hardware view and
 * the tree stay as they were.  Its leaves are taken off nr_mapped.
 */
/*@ requires frame_heap_inv && p2m_rw(p2m);
    assigns p2m->nr_mapped, p2m->nr_tables, HEAP_STATE, hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures frame_heap_inv && p2m_rw(p2m) && p2m_kept{Pre, Post}(p2m);
    ensures unlinked_view: p2m_off_paths{Pre}(\old(p2m->format), \old(p2m->root), l1) ==>
              \forall integer g, m, a; 0 <= g <= P2M_MAX_GFN ==>
                (p2m_hw_maps(\old(p2m->format), \old(p2m->root), g, m, a) <==>
                 p2m_hw_maps{Pre}(\old(p2m->format), \old(p2m->root), g, m, a));
    ensures unlinked_tree: p2m_off_paths{Pre}(\old(p2m->format), \old(p2m->root), l1) &&
              p2m_hw_tree{Pre}(\old(p2m->format), \old(p2m->root)) ==>
              p2m_hw_tree(\old(p2m->format), \old(p2m->root));
    ensures unlinked_owned: p2m_off_paths{Pre}(P2M_FMT0, P2M_ROOT0, l1) ==>
              \forall integer dom; p2m_tables_owned{Pre}(P2M_FMT0, P2M_ROOT0, dom) ==>
                p2m_tables_owned(P2M_FMT0, P2M_ROOT0, dom); */
static void clear_unlinked_l1(struct p2m *p2m, mfn_t l1)
{
    unsigned n = l1_clear(p2m, l1);

    drop_table(p2m, l1);
    //@ assert p2m_hw_same_but_table{Pre, Here}(l1);
    /*@ assert unlinked_others: \forall integer x; 0 <= x < frame_heap.nr && x != l1 ==>
          frame_owner_of(x) == frame_owner_of{Pre}(x); */
    p2m->nr_tables--;
    p2m->nr_mapped -= n;
}

/* ---- map ---------------------------------------------------------------------------- */

/* What a map does at the place its walk stopped (planned before any change). */
struct map_plan {
    unsigned need;   /* table pages to allocate: the missing levels, or 1 for a split */
    bool split;      /* 4 KiB inside a 2 MiB leaf */
    uint64_t old;    /* present entry replaced at the target level, else 0 */
};

/*@ // The plan fits where the walk stopped: the missing levels, or one page for a split.
    predicate plan_ok(struct map_plan *mp, struct walk_pos *pos, integer target) =
      mp->need <= P2M_SPARE_MAX &&
      (mp->split ==> mp->need == 1 && target == 1 && pos->level == 2) &&
      (!mp->split ==> target <= pos->level && mp->need == pos->level - target);
*/

/*
 * pos is where p2m_descend stopped: at the target level, at a non-present
 * entry above it, or (4 KiB map) at a 2 MiB leaf, which must be split.
 * -XEN_EINVAL when what would be replaced holds a foreign leaf (only
 * p2m_unmap_foreign removes one), or when a level-1 table to be replaced
 * cannot be mapped or is no table to the CPU, or a 2 MiB leaf to be split
 * carries rights no 4 KiB leaf can (only a malformed p2m has any of these).
 */
/*@ requires \valid_read(p2m) && \valid_read(pos) && \valid(mp) && pos_ok(pos);
    requires pte_format_ok(p2m->format) && (target == 1 || target == 2);
    requires target <= pos->level;
    requires pos->level > target ==>
               !pte_l_present(p2m->format, pos->entry) ||
               (pos->level == 2 && pte_l_large(pos->entry));
    requires \separated(mp, p2m, pos);
    assigns *mp;
    ensures \result == 0 || \result == -XEN_EINVAL;
    ensures \result == 0 ==> plan_ok(mp, pos, target);
    ensures \result == 0 && mp->split ==>
              pte_access_ok(p2m->format, pte_l_access(p2m->format, pos->entry));
    ensures plan_split: \result == 0 && pos->level != target && pte_l_present(p2m->format, pos->entry) ==>
              mp->split;
    ensures plan_no_split: \result == 0 && !pte_l_present(p2m->format, pos->entry) ==> !mp->split;
    ensures plan_old_table: \result == 0 && target == 2 && pos->level == 2 &&
              pte_l_present(p2m->format, pos->entry) && !pte_l_large(pos->entry) ==>
              pte_hw_kind_l(p2m->format, 2, pos->entry) == PTE_HW_TABLE; */
static int map_plan(const struct p2m *p2m, unsigned target, const struct walk_pos *pos,
                    struct map_plan *mp)
{
    *mp = (struct map_plan){ 0, false, 0 };
    if (!pte_present(p2m->format, pos->entry)) {
        mp->need = pos->level - target;
    } else if (pos->level == target) {
        mp->old = pos->entry;
        if (target == 1 && pte_is_foreign(p2m->format, pos->entry))
            return -XEN_EINVAL;
        if (target == 2 && !pte_is_large(p2m->format, pos->entry) &&
            (pte_hw_kind(p2m->format, 2, pos->entry) != PTE_HW_TABLE ||
             l1_has_foreign(p2m, pte_mfn(pos->entry))))
            return -XEN_EINVAL;
    } else {
        if (!splittable(p2m->format, pos->entry))
            return -XEN_EINVAL;
        *mp = (struct map_plan){ 1, true, 0 };
    }
    return 0;
}

/*
 * Drop what a 2 MiB map replaced in its slot (written already): a 2 MiB
 * leaf's references, or a level-1 table with its leaves, cleared and freed.
 * The slot was written first, so that table is on no walk's path any more
 * (the caller shows it): then the hardware view and the tree are kept.
 */
/*@ requires frame_heap_inv && p2m_rw(p2m);
    assigns p2m->nr_mapped, p2m->nr_tables, HEAP_STATE, hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures frame_heap_inv;
    ensures p2m_rw(p2m) && p2m_kept{Pre, Post}(p2m);
    ensures release_2m_kept:
              !pte_l_present(\old(p2m->format), old) || pte_l_large(old) ||
              p2m_off_paths{Pre}(\old(p2m->format), \old(p2m->root), pte_l_addr(old)) ==>
                (\forall integer g, m, a; 0 <= g <= P2M_MAX_GFN ==>
                   (p2m_hw_maps(\old(p2m->format), \old(p2m->root), g, m, a) <==>
                    p2m_hw_maps{Pre}(\old(p2m->format), \old(p2m->root), g, m, a))) &&
                (p2m_hw_tree{Pre}(\old(p2m->format), \old(p2m->root)) ==>
                   p2m_hw_tree(\old(p2m->format), \old(p2m->root)));
    ensures release_2m_owned:
              !pte_l_present(\old(p2m->format), old) || pte_l_large(old) ||
              p2m_off_paths{Pre}(\old(p2m->format), \old(p2m->root), pte_l_addr(old)) ==>
                \forall integer dom; p2m_tables_owned{Pre}(P2M_FMT0, P2M_ROOT0, dom) ==>
                p2m_tables_owned(P2M_FMT0, P2M_ROOT0, dom); */
static void release_2m(struct p2m *p2m, uint64_t old)
{
    if (!pte_present(p2m->format, old))
        return;
    if (pte_is_large(p2m->format, old)) {
        drop_2m_leaf(p2m, pte_mfn_2m(old));
        //@ assert p2m_hw_same{Pre, Here};
        //@ assert P2M_OWNERS_KEPT(Pre);
        return;
    }
    clear_unlinked_l1(p2m, pte_mfn(old));
}

/*
 * Drop what a map replaced at the target level: a 4 KiB leaf, or what a
 * 2 MiB map replaced (release_2m).
 */
/*@ requires frame_heap_inv && p2m_rw(p2m) && (target == 1 || target == 2);
    assigns p2m->nr_mapped, p2m->nr_tables, HEAP_STATE, hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures frame_heap_inv;
    ensures p2m_rw(p2m) && p2m_kept{Pre, Post}(p2m);
    ensures release_4k_words: target == 1 ==> p2m_hw_same{Pre, Post};
    ensures release_4k_owners: target == 1 ==> P2M_OWNERS_KEPT(Pre); */
static void map_release(struct p2m *p2m, unsigned target, uint64_t old)
{
    if (target == 2) {
        release_2m(p2m, old);
        return;
    }
    if (!pte_present(p2m->format, old))
        return;
    drop_refs(p2m, pte_mfn(old), 1, p2m->owner);
    p2m->nr_mapped--;
}

/*
 * A 2 MiB map into gfn's level-2 slot at pos: the leaf written first, then
 * what it replaced dropped.
 */
/*@ requires frame_heap_inv && p2m_rw(p2m) && pte_format_ok(p2m->format);
    requires \valid_read(pos) && pos_ok(pos) && pos->level == 2 && \separated(pos, p2m);
    requires \separated(pos, MEM_WORDS) && \separated(pos, HEAP_LOCS);
    requires pos->t == hal_mem_words + pos->table * 512 && pos->index == p2m_l_index(gfn, 2);
    requires pos->table == p2m_hw_t2(p2m->root, gfn) && pos->entry == p2m_hw_word(pos->table, pos->index);
    requires pte_l_large(leaf);
    requires pte_l_present(p2m->format, pos->entry) && !pte_l_large(pos->entry) ==>
               pte_hw_kind_l(p2m->format, 2, pos->entry) == PTE_HW_TABLE;
    assigns p2m->nr_mapped, p2m->nr_tables, HEAP_STATE, hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures frame_heap_inv && p2m_rw(p2m) && p2m_kept{Pre, Post}(p2m);
    ensures slot_2m_view: P2M_L2_CASE(gfn) ==> P2M_AT_2M(gfn, pte_l_addr_2m(leaf));
    ensures slot_2m_owned: P2M_L2_CASE(gfn) ==> \forall integer dom; p2m_tables_owned{Pre}(P2M_FMT0, P2M_ROOT0, dom) ==>
                p2m_tables_owned(P2M_FMT0, P2M_ROOT0, dom); */
static void map_2m_slot(struct p2m *p2m, gfn_t gfn, const struct walk_pos *pos, uint64_t leaf)
{
    uint64_t old = pte_present(p2m->format, pos->entry) ? pos->entry : 0;

    (void)gfn;   /* named for the contract */
    pos->t[pos->index] = leaf;
    /* The frame rules of spec/p2m_tree.acsl, instance by instance. */
    //@ assert p2m_hw_same_but{Pre, Here}(pos->table, pos->index);
    //@ assert p2m_hw_word(pos->table, pos->index) == leaf;
    //@ assert pte_hw_kind_l(P2M_FMT0, 2, p2m_hw_word(pos->table, pos->index)) != PTE_HW_TABLE;
    //@ assert p2m->format == P2M_FMT0 && p2m->root == P2M_ROOT0;
    //@ assert slot_2m_tree: P2M_L2_CASE(gfn) ==> p2m_hw_tree(P2M_FMT0, P2M_ROOT0);
    /*@ assert slot_2m_region: P2M_L2_CASE(gfn) ==>
              \forall integer g2, m, a; 0 <= g2 <= P2M_MAX_GFN && g2 / 512 == gfn / 512 &&
                p2m_hw_maps(P2M_FMT0, P2M_ROOT0, g2, m, a) ==> m == pte_l_addr_2m(leaf) + g2 % 512; */
    //@ assert slot_2m_others: P2M_L2_CASE(gfn) ==> P2M_OUTSIDE_2M_KEPT(gfn);
    /*@ assert slot_2m_old_l1: P2M_L2_CASE(gfn) && pte_l_present(P2M_FMT0, old) && !pte_l_large(old) ==>
              p2m_hw_has1{Pre}(P2M_FMT0, P2M_ROOT0, gfn) && pte_l_addr(old) == p2m_hw_t1{Pre}(P2M_ROOT0, gfn); */
    /*@ assert slot_2m_old_off: P2M_L2_CASE(gfn) && pte_l_present(P2M_FMT0, old) && !pte_l_large(old) ==>
              p2m_off_paths(P2M_FMT0, P2M_ROOT0, pte_l_addr(old)); */
    //@ assert slot_2m_owners: P2M_OWNERS_KEPT(Pre);
    PROOF_POINT(written);
    /*@ assert slot_2m_written_owned: P2M_L2_CASE(gfn) ==>
          \forall integer dom; p2m_tables_owned{Pre}(P2M_FMT0, P2M_ROOT0, dom) ==>
            p2m_tables_owned(P2M_FMT0, P2M_ROOT0, dom); */
    release_2m(p2m, old);
    /*@ assert slot_2m_released_owned: P2M_L2_CASE(gfn) ==>
          \forall integer dom; p2m_tables_owned{written}(P2M_FMT0, P2M_ROOT0, dom) ==>
            p2m_tables_owned(P2M_FMT0, P2M_ROOT0, dom); */
}

/*
 * The plan of a map at gfn (target level 1 or 2): 0, or the error that
 * leaves everything as it was.  The caller then allocates the table pages
 * it needs (spare_fill): pos and mp are its locals, which the provers see
 * apart from the allocator's state at once (as parameters here they would
 * not).
 */
/*@ requires frame_heap_inv;
    requires p2m_rw(p2m) && pte_format_ok(p2m->format) && (target == 1 || target == 2);
    requires \valid(pos) && \valid(mp);
    requires \separated(pos, mp, p2m);
    requires \separated(pos, HEAP_LOCS) && \separated(mp, HEAP_LOCS);
    assigns *pos, *mp;
    ensures frame_heap_inv;
    ensures prepare_kept: p2m_kept{Pre, Post}(p2m);
    ensures \result == 0 || \result == -XEN_EINVAL;
    ensures \result == 0 ==> pos_ok(pos);
    ensures \result == 0 ==> plan_ok(mp, pos, target);
    ensures \result == 0 && mp->split ==>
              pte_access_ok(p2m->format, pte_l_access(p2m->format, pos->entry));
    ensures prepare_on_hw_path: \result == 0 ==> pos->t == hal_mem_words + pos->table * 512;
    ensures prepare_index: \result == 0 ==> pos->index == p2m_l_index(gfn, pos->level);
    ensures prepare_table: \result == 0 ==> pos->table == p2m_hw_tab{Pre}(\old(p2m->root), gfn, pos->level);
    ensures prepare_entry: \result == 0 ==> pos->entry == p2m_hw_word{Pre}(pos->table, pos->index);
    ensures prepare_old_table: \result == 0 && target == 2 && pos->level == 2 &&
              pte_l_present(p2m->format, pos->entry) && !pte_l_large(pos->entry) ==>
              pte_hw_kind_l(p2m->format, 2, pos->entry) == PTE_HW_TABLE;
    ensures prepare_to_target: \result == 0 && p2m_hw_has{Pre}(\old(p2m->format), \old(p2m->root), gfn, target) ==>
              pos->level == target;
    ensures prepare_has: \result == 0 ==> p2m_hw_has{Pre}(\old(p2m->format), \old(p2m->root), gfn, pos->level);
    ensures prepare_stop: \result == 0 && pos->level > target ==>
              !pte_l_present(p2m->format, pos->entry) || (pos->level == 2 && pte_l_large(pos->entry));
    ensures prepare_split: \result == 0 && pos->level != target && pte_l_present(p2m->format, pos->entry) ==>
              mp->split;
    ensures prepare_no_split: \result == 0 && !pte_l_present(p2m->format, pos->entry) ==> !mp->split; */
static int map_prepare(const struct p2m *p2m, gfn_t gfn, unsigned target, struct walk_pos *pos,
                       struct map_plan *mp)
{
    if (!p2m_descend(p2m, gfn, target, pos))
        return -XEN_EINVAL;
    return map_plan(p2m, target, pos, mp);
}

/*
 * Apply a prepared map (nothing here can fail; the spare pages are exactly
 * what is linked): write `leaf`, linking missing tables or splitting a
 * 2 MiB leaf, and drop what it replaced.  The owner's RAM leaves the
 * replacement removed are taken off nr_mapped; the caller counts the new
 * leaf.
 */
/*@ requires frame_heap_inv;
    requires p2m_rw(p2m);
    requires pte_format_ok(p2m->format) && (target == 1 || target == 2);
    requires \valid_read(pos) && \valid_read(mp) && \valid(s);
    requires pos_ok(pos) && plan_ok(mp, pos, target) && spare_ok(s) && s->nr == mp->need;
    requires mp->split ==> pte_access_ok(p2m->format, pte_l_access(p2m->format, pos->entry));
    requires \separated(pos, mp, s, p2m);
    requires \separated(pos, MEM_WORDS) && \separated(mp, MEM_WORDS) && \separated(s, MEM_WORDS);
    requires \separated(pos, HEAP_LOCS) && \separated(mp, HEAP_LOCS) && \separated(s, HEAP_LOCS);
    requires pos->t == hal_mem_words + pos->table * 512 && pos->index == p2m_l_index(gfn, pos->level);
    requires target == 2 ==> pte_l_large(leaf);
    requires target == 2 && pos->level == 2 ==>
               pos->table == p2m_hw_t2(p2m->root, gfn) && pos->entry == p2m_hw_word(pos->table, pos->index) &&
               (pte_l_present(p2m->format, pos->entry) && !pte_l_large(pos->entry) ==>
                  pte_hw_kind_l(p2m->format, 2, pos->entry) == PTE_HW_TABLE);
    assigns p2m->nr_mapped, p2m->nr_tables, s->nr, HEAP_STATE, hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures frame_heap_inv;
    ensures p2m_rw(p2m) && p2m_kept{Pre, Post}(p2m);
    ensures apply_l1_slot: target == 1 && \old(pos->level) == 1 ==>
              p2m_hw_same_but{Pre, Post}(\old(pos->table), \old(pos->index)) &&
              p2m_hw_word(\old(pos->table), \old(pos->index)) == leaf;
    ensures apply_l1_owners: target == 1 && \old(pos->level) == 1 ==> P2M_OWNERS_KEPT(Pre);
    ensures apply_2m_view: target == 2 && \old(pos->level) == 2 && P2M_L2_CASE(gfn) ==>
              P2M_AT_2M(gfn, pte_l_addr_2m(leaf));
    ensures apply_2m_owned: target == 2 && \old(pos->level) == 2 && P2M_L2_CASE(gfn) ==>
              \forall integer dom; p2m_tables_owned{Pre}(P2M_FMT0, P2M_ROOT0, dom) ==>
                p2m_tables_owned(P2M_FMT0, P2M_ROOT0, dom);
    ensures apply_in_2m_view: mp->split && P2M_SPLIT_CASE(gfn) ==> P2M_SPLIT_VIEW(gfn, leaf);
    ensures apply_fresh_view: target == 1 && \old(pos->level) == 2 && !mp->split && P2M_FRESH_L1_CASE(gfn) ==>
              P2M_MAPPED_4K_VIEW(gfn, pte_l_addr(leaf));
    ensures apply_up_4k_view: target == 1 && \old(pos->level) >= 3 && P2M_FRESH_UP_CASE(gfn) ==>
              P2M_MAPPED_4K_VIEW(gfn, pte_l_addr(leaf));
    ensures apply_up_2m_view: target == 2 && \old(pos->level) >= 3 && P2M_FRESH_UP_CASE(gfn) ==>
              P2M_AT_2M(gfn, pte_l_addr_2m(leaf)); */
static void map_apply(struct p2m *p2m, gfn_t gfn, unsigned target, const struct walk_pos *pos,
                      const struct map_plan *mp, struct spare *s, uint64_t leaf)
{
    uint64_t *t = pos->t;

    if (target == 2 && pos->level == 2) {
        map_2m_slot(p2m, gfn, pos, leaf);
        return;
    }
    if (mp->split) {
        split_replace(p2m, s, pos, gfn, leaf);
        return;
    }
    if (pos->level > target) {
        /* An empty slot above the target (the plan splits a present one):
         * fresh tables down to the target level, each zeroed, nothing
         * replaced. */
        map_fresh(p2m, s, pos, gfn, target, leaf);
        return;
    }
    t[p2m_table_index(gfn, target)] = leaf;
    //@ assert p2m_rw(p2m) && p2m_kept{Pre, Here}(p2m);
    //@ ghost mfn_t slot_table = pos->table;
    //@ ghost unsigned slot = pos->index;
    //@ ghost unsigned slot_level = pos->level;
    /*@ assert written: target == 1 && slot_level == 1 ==>
          p2m_hw_same_but{Pre, Here}(slot_table, slot) && p2m_hw_word(slot_table, slot) == leaf; */
    map_release(p2m, target, mp->old);
    /*@ assert released: target == 1 && slot_level == 1 ==>
          p2m_hw_same_but{Pre, Here}(slot_table, slot) && p2m_hw_word(slot_table, slot) == leaf; */
}

/* spare_fill for a planned map: the walk position and the plan (the
 * caller's locals) are kept, said here once in a small context. */
/*@ requires frame_heap_inv;
    requires p2m_rw(p2m);
    requires \valid(s) && \valid_read(pos) && \valid_read(mp);
    requires mp->need <= P2M_SPARE_MAX;
    requires \separated(s, HEAP_LOCS) && \separated(pos, HEAP_LOCS) && \separated(mp, HEAP_LOCS);
    requires \separated(s, p2m, pos, mp) && \separated(s, MEM_WORDS);
    assigns *s, HEAP_STATE;
    ensures frame_heap_inv && spare_ok(s) && p2m_rw(p2m) && p2m_kept{Pre, Post}(p2m);
    ensures \result == 0 || \result == -XEN_ENOMEM;
    ensures \result == 0 ==> s->nr == mp->need;
    ensures pos->level == \old(pos->level); ensures pos->index == \old(pos->index);
    ensures pos->t == \old(pos->t); ensures pos->table == \old(pos->table);
    ensures pos->entry == \old(pos->entry);
    ensures mp->need == \old(mp->need) && mp->split == \old(mp->split);
    ensures fill_pos_ok: pos_ok{Pre}(pos) ==> pos_ok(pos);
    ensures fill_plan_ok: \forall integer target; plan_ok{Pre}(mp, pos, target) ==> plan_ok(mp, pos, target);
    ensures fill_keeps_words: p2m_hw_same{Pre, Post};
    ensures fill_none_owners: mp->need == 0 ==> P2M_OWNERS_KEPT(Pre);
    ensures map_spare_was_free: \result == 0 ==> \forall integer i; 0 <= i < s->nr ==>
              s->mfn[i] < frame_heap.nr && frame_owner_of{Pre}(s->mfn[i]) == FRAME_OWNER_FREE;
    ensures map_spare_distinct: \result == 0 ==> \forall integer i, j; 0 <= i < j < s->nr ==>
              s->mfn[i] != s->mfn[j];
    ensures map_spares_off: \result == 0 && p2m_free_off{Pre}(p2m->format, p2m->root) ==>
              p2m_spares_off(p2m->format, p2m->root, s); */
static int fill_for_map(const struct p2m *p2m, struct spare *s, const struct walk_pos *pos,
                        const struct map_plan *mp)
{
    int rc;

    (void)pos;   /* named for the contract */
    if (mp->need == 0) {
        /* Nothing to take (spare_fill would say the same): here the owners
         * are seen unchanged without the allocator's postcondition. */
        spare_empty(s);
        return 0;
    }
    rc = spare_fill(p2m, s, mp->need);
    /* Said once, so that map_spares_off is the lemma p2m_spares_off_free. */
    //@ assert fill_same_words: p2m_hw_same{Pre, Here};
    /* Each field kept, said one by one: pos_ok and plan_ok then follow
     * without the allocator's whole postcondition in view. */
    //@ assert fill_level: pos->level == \at(pos->level, Pre);
    //@ assert fill_index: pos->index == \at(pos->index, Pre);
    //@ assert fill_t: pos->t == \at(pos->t, Pre);
    //@ assert fill_need: mp->need == \at(mp->need, Pre);
    //@ assert fill_split: mp->split == \at(mp->split, Pre);
    return rc;
}

/*
 * The common part of p2m_map and p2m_map_foreign once their arguments are
 * checked: take a reference on each frame of [mfn, mfn + pages) for
 * ref_owner (before any entry can point there), plan, take the table pages,
 * write `leaf`.  0, or -XEN_EINVAL (a foreign leaf in the way, malformed
 * tables) or -XEN_ENOMEM, the references given back: nothing changed.  The
 * new leaf is not counted here (the caller knows its kind).
 */
/*@ requires frame_heap_inv && p2m_rw(p2m) && pte_format_ok(p2m->format);
    requires (target == 1 || target == 2) && mfn + pages <= frame_heap.nr;
    requires target == 2 ==> pte_l_large(leaf);
    assigns p2m->nr_mapped, p2m->nr_tables, HEAP_STATE, hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures frame_heap_inv && p2m_rw(p2m) && p2m_kept{Pre, Post}(p2m);
    ensures \result == 0 || \result == -XEN_EINVAL || \result == -XEN_ENOMEM;
    ensures leaf_l1_view: target == 1 ==> P2M_MAPPED_4K(gfn, pte_l_addr(leaf));
    ensures leaf_l1_owned: target == 1 && \result == 0 && P2M_L1_CASE(gfn) &&
              p2m_tables_owned{Pre}(P2M_FMT0, P2M_ROOT0, \at(p2m->owner, Pre)) ==>
                p2m_tables_owned(P2M_FMT0, P2M_ROOT0, \at(p2m->owner, Pre));
    ensures leaf_2m_owned: target == 2 && \result == 0 && P2M_L2_CASE(gfn) &&
              p2m_tables_owned{Pre}(P2M_FMT0, P2M_ROOT0, \at(p2m->owner, Pre)) ==>
                p2m_tables_owned(P2M_FMT0, P2M_ROOT0, \at(p2m->owner, Pre));
    ensures leaf_2m_view: target == 2 ==> (\result == 0 && P2M_L2_CASE(gfn) ==> P2M_AT_2M(gfn, pte_l_addr_2m(leaf)));
    ensures leaf_in_2m_view: target == 1 && \result == 0 && P2M_IN_2M_MAP_CASE(gfn) ==>
              p2m_mapped_in_2m{Pre, Post}(P2M_FMT0, P2M_ROOT0, gfn, pte_l_addr(leaf));
    ensures leaf_fresh_view: target == 1 && \result == 0 && P2M_FRESH_MAP_CASE(gfn) ==>
              P2M_MAPPED_4K_VIEW(gfn, pte_l_addr(leaf));
    ensures leaf_up_4k_view: target == 1 && \result == 0 && P2M_FRESH_UP_MAP_CASE(gfn) ==>
              P2M_MAPPED_4K_VIEW(gfn, pte_l_addr(leaf));
    ensures leaf_up_2m_view: target == 2 && \result == 0 && P2M_FRESH_UP_MAP_CASE(gfn) ==>
              P2M_AT_2M(gfn, pte_l_addr_2m(leaf)); */
static int map_leaf(struct p2m *p2m, gfn_t gfn, unsigned target, mfn_t mfn, mfn_t pages,
                    domid_t ref_owner, uint64_t leaf)
{
    struct walk_pos pos;
    struct map_plan mp;
    struct spare s;
    int rc;

    take_refs(p2m, mfn, pages, ref_owner, FRAME_TYPE_GUEST_RAM);
    //@ assert p2m_kept{Pre, Here}(p2m);
    //@ assert p2m_hw_same{Pre, Here};
    rc = map_prepare(p2m, gfn, target, &pos, &mp);
    //@ assert p2m_kept{Pre, Here}(p2m);
    //@ assert p2m_hw_same{Pre, Here};
    //@ assert leaf_prepared_owners: P2M_OWNERS_KEPT(Pre);
    //@ assert leaf_fresh_walk: rc == 0 && target == 1 && P2M_FRESH_MAP_CASE(gfn) ==> pos.level == 2;
    //@ assert leaf_in_2m_walk: rc == 0 && target == 1 && P2M_IN_2M_MAP_CASE(gfn) ==> pos.level == 2;
    //@ assert leaf_free_off: P2M_FRESH_UP_MAP_CASE(gfn) ==> p2m_free_off(P2M_FMT0, P2M_ROOT0);
    if (rc == 0)
        rc = fill_for_map(p2m, &s, &pos, &mp);
    //@ assert p2m_kept{Pre, Here}(p2m);
    //@ assert p2m_hw_same{Pre, Here};
    if (rc != 0) {
        drop_refs(p2m, mfn, pages, ref_owner);
        return rc;
    }
    //@ assert leaf_pos: pos_ok(&pos);
    //@ assert leaf_plan: plan_ok(&mp, &pos, target);
    //@ assert leaf_spares: spare_ok(&s) && s.nr == mp.need;
    /*@ assert leaf_slot: target == 1 && P2M_L1_CASE(gfn) ==>
          pos.level == 1 && pos.table == p2m_hw_t1{Pre}(P2M_ROOT0, gfn) && pos.index == p2m_l_index(gfn, 1); */
    /* There no page was needed, so none was taken: every owner is the same. */
    //@ assert leaf_l1_no_page: target == 1 && P2M_L1_CASE(gfn) ==> mp.need == 0;
    //@ assert leaf_l1_filled_owners: target == 1 && P2M_L1_CASE(gfn) ==> P2M_OWNERS_KEPT(Pre);
    //@ assert leaf_2m_no_page: target == 2 && P2M_L2_CASE(gfn) ==> mp.need == 0;
    //@ assert leaf_2m_filled_owners: target == 2 && P2M_L2_CASE(gfn) ==> P2M_OWNERS_KEPT(Pre);
    /*@ assert leaf_2m_ready_owned: target == 2 && P2M_L2_CASE(gfn) ==>
          \forall integer dom; p2m_tables_owned{Pre}(P2M_FMT0, P2M_ROOT0, dom) ==>
            p2m_tables_owned(P2M_FMT0, P2M_ROOT0, dom); */
    /*@ assert leaf_slot_2m: target == 2 && P2M_L2_CASE(gfn) ==>
          pos.level == 2 && pos.table == p2m_hw_t2{Pre}(P2M_ROOT0, gfn) && pos.index == p2m_l_index(gfn, 2); */
    /*@ assert leaf_case_2m: target == 2 && P2M_L2_CASE(gfn) ==>
          p2m_hw_tree(P2M_FMT0, P2M_ROOT0) && p2m_hw_has2(P2M_FMT0, P2M_ROOT0, gfn) &&
          (\forall integer g2, m, a; p2m_hw_maps(P2M_FMT0, P2M_ROOT0, g2, m, a) <==>
             p2m_hw_maps{Pre}(P2M_FMT0, P2M_ROOT0, g2, m, a)); */
    /* A 4 KiB map inside a 2 MiB leaf: the walk stopped at gfn's present
     * level-2 word (there is no level-1 table, and the level-2 one exists),
     * which is split with the one spare page, a page that was free, so on
     * no path (I3, the hypothesis of the case). */
    //@ assert leaf_in_2m_level: target == 1 && P2M_IN_2M_MAP_CASE(gfn) ==> pos.level == 2;
    /*@ assert leaf_in_2m_split: target == 1 && P2M_IN_2M_MAP_CASE(gfn) ==>
          mp.split && s.nr == 1 && pos.table == p2m_hw_t2{Pre}(P2M_ROOT0, gfn) &&
          pos.index == p2m_l_index(gfn, 2) && pos.entry == P2M_L2_WORD0(gfn); */
    /*@ assert leaf_in_2m_spare: target == 1 && P2M_IN_2M_MAP_CASE(gfn) ==>
          p2m_off_paths(P2M_FMT0, P2M_ROOT0, s.mfn[0]); */
    /*@ assert leaf_in_2m_case: target == 1 && P2M_IN_2M_MAP_CASE(gfn) ==>
          p2m_hw_tree(P2M_FMT0, P2M_ROOT0) && p2m_hw_has2(P2M_FMT0, P2M_ROOT0, gfn) &&
          pos.table == p2m_hw_t2(P2M_ROOT0, gfn) && pos.entry == p2m_hw_word(pos.table, pos.index) &&
          (\forall integer g2, m, a; p2m_hw_maps(P2M_FMT0, P2M_ROOT0, g2, m, a) <==>
             p2m_hw_maps{Pre}(P2M_FMT0, P2M_ROOT0, g2, m, a)); */
    /* A 4 KiB map into an empty level-2 slot: the walk stopped there (the
     * same reasoning), no split is planned, one fresh page that was free. */
    //@ assert leaf_fresh_level: target == 1 && P2M_FRESH_MAP_CASE(gfn) ==> pos.level == 2;
    /*@ assert leaf_fresh_plan: target == 1 && P2M_FRESH_MAP_CASE(gfn) ==>
          !mp.split && s.nr == 1 && pos.table == p2m_hw_t2{Pre}(P2M_ROOT0, gfn) &&
          pos.index == p2m_l_index(gfn, 2) && pos.entry == P2M_L2_WORD0(gfn); */
    /*@ assert leaf_fresh_spare: target == 1 && P2M_FRESH_MAP_CASE(gfn) ==>
          p2m_off_paths(P2M_FMT0, P2M_ROOT0, s.mfn[0]); */
    /*@ assert leaf_fresh_case: target == 1 && P2M_FRESH_MAP_CASE(gfn) ==>
          p2m_hw_tree(P2M_FMT0, P2M_ROOT0) && p2m_hw_has2(P2M_FMT0, P2M_ROOT0, gfn) &&
          pos.table == p2m_hw_t2(P2M_ROOT0, gfn) && pos.entry == p2m_hw_word(pos.table, pos.index) &&
          (\forall integer g2, m, a; p2m_hw_maps(P2M_FMT0, P2M_ROOT0, g2, m, a) <==>
             p2m_hw_maps{Pre}(P2M_FMT0, P2M_ROOT0, g2, m, a)); */
    /* A map where gfn had no level-2 table: the walk stopped at an empty
     * slot above level 2 (has2 is implied by a table at level 2 or 1),
     * nothing is split, one spare page per level to link, each one a page
     * that was free, so on no path (I3, the hypothesis of the case). */
    //@ assert leaf_up_level: P2M_FRESH_UP_MAP_CASE(gfn) ==> pos.level >= 3;
    /*@ assert leaf_up_plan: P2M_FRESH_UP_MAP_CASE(gfn) ==>
          !pte_l_present(P2M_FMT0, pos.entry) && !mp.split && s.nr == pos.level - target; */
    //@ assert leaf_up_spares: P2M_FRESH_UP_MAP_CASE(gfn) ==> p2m_spares_off(P2M_FMT0, P2M_ROOT0, &s);
    /*@ assert leaf_up_case: P2M_FRESH_UP_MAP_CASE(gfn) ==>
          p2m_hw_tree(P2M_FMT0, P2M_ROOT0) && p2m_hw_has(P2M_FMT0, P2M_ROOT0, gfn, pos.level) &&
          p2m_hw_tab(P2M_ROOT0, gfn, pos.level) == pos.table &&
          pos.entry == p2m_hw_word(pos.table, pos.index) &&
          (\forall integer g2, m, a; p2m_hw_maps(P2M_FMT0, P2M_ROOT0, g2, m, a) <==>
             p2m_hw_maps{Pre}(P2M_FMT0, P2M_ROOT0, g2, m, a)); */
    PROOF_POINT(applying);
    map_apply(p2m, gfn, target, &pos, &mp, &s, leaf);
    /*@ assert leaf_up_4k_done: target == 1 && P2M_FRESH_UP_MAP_CASE(gfn) ==>
          P2M_MAPPED_4K_VIEW(gfn, pte_l_addr(leaf)); */
    /*@ assert leaf_up_2m_done: target == 2 && P2M_FRESH_UP_MAP_CASE(gfn) ==>
          P2M_AT_2M(gfn, pte_l_addr_2m(leaf)); */
    /*@ assert leaf_fresh_applied: target == 1 && P2M_FRESH_MAP_CASE(gfn) ==>
          p2m_hw_tree(P2M_FMT0, P2M_ROOT0) &&
          (\forall integer m, a; p2m_hw_maps(P2M_FMT0, P2M_ROOT0, gfn, m, a) ==> m == pte_l_addr(leaf)) &&
          (\forall integer g2, m, a; 0 <= g2 <= P2M_MAX_GFN && g2 != gfn ==>
             (p2m_hw_maps(P2M_FMT0, P2M_ROOT0, g2, m, a) <==>
              p2m_hw_maps{applying}(P2M_FMT0, P2M_ROOT0, g2, m, a))); */
    /*@ assert leaf_fresh_done: target == 1 && P2M_FRESH_MAP_CASE(gfn) ==>
          P2M_MAPPED_4K_VIEW(gfn, pte_l_addr(leaf)); */
    /*@ assert leaf_in_2m_applied: target == 1 && P2M_IN_2M_MAP_CASE(gfn) ==>
          p2m_mapped_in_2m{applying, Here}(P2M_FMT0, P2M_ROOT0, gfn, pte_l_addr(leaf)); */
    /*@ assert leaf_in_2m_done: target == 1 && P2M_IN_2M_MAP_CASE(gfn) ==>
          p2m_mapped_in_2m{Pre, Here}(P2M_FMT0, P2M_ROOT0, gfn, pte_l_addr(leaf)); */
    //@ assert p2m_kept{Pre, Here}(p2m);
    /*@ assert leaf_same_but: target == 1 && P2M_L1_CASE(gfn) ==>
          p2m_hw_same_but{Pre, Here}(p2m_hw_t1{Pre}(P2M_ROOT0, gfn), p2m_l_index(gfn, 1)) &&
          p2m_hw_word(p2m_hw_t1{Pre}(P2M_ROOT0, gfn), p2m_l_index(gfn, 1)) == leaf; */
    //@ assert leaf_tree: target == 1 && P2M_L1_CASE(gfn) ==> p2m_hw_tree(P2M_FMT0, P2M_ROOT0);
    /*@ assert leaf_2m_applied_owned: target == 2 && P2M_L2_CASE(gfn) ==>
          \forall integer dom; p2m_tables_owned{Pre}(P2M_FMT0, P2M_ROOT0, dom) ==>
            p2m_tables_owned(P2M_FMT0, P2M_ROOT0, dom); */
    /* In the level-1 case nothing was allocated (the plan needs no page)
     * and only reference counts moved: every owner is what it was. */
    //@ assert leaf_l1_applied_owners: target == 1 && P2M_L1_CASE(gfn) ==> P2M_OWNERS_KEPT(applying);
    //@ assert leaf_l1_owners: target == 1 && P2M_L1_CASE(gfn) ==> P2M_OWNERS_KEPT(Pre);
    return 0;
}

/* (Besides its contract in hv/p2m.h: what a 4 KiB map does to the hardware
 * view; see P2M_MAPPED_4K.) */
/*@ ensures map_4k_view: order == P2M_ORDER_4K ==> P2M_MAPPED_4K(gfn, mfn);
    ensures map_2m_view: order == P2M_ORDER_2M ==> (\result == 0 && P2M_L2_CASE(gfn) ==> P2M_AT_2M(gfn, mfn));
    ensures map_in_2m_view: order == P2M_ORDER_4K ==>
              (\result == 0 && P2M_IN_2M_MAP_CASE(gfn) ==> p2m_mapped_in_2m{Pre, Post}(P2M_FMT0, P2M_ROOT0, gfn, mfn));
    ensures map_fresh_view: order == P2M_ORDER_4K ==>
              (\result == 0 && P2M_FRESH_MAP_CASE(gfn) ==> P2M_MAPPED_4K_VIEW(gfn, mfn));
    ensures map_up_view: order == P2M_ORDER_4K ==>
              (\result == 0 && P2M_FRESH_UP_MAP_CASE(gfn) ==> P2M_MAPPED_4K_VIEW(gfn, mfn));
    ensures map_up_2m_view: order == P2M_ORDER_2M ==>
              (\result == 0 && P2M_FRESH_UP_MAP_CASE(gfn) ==> P2M_AT_2M(gfn, mfn));
    ensures map_owned: order == P2M_ORDER_4K ==>
              (\result == 0 && P2M_L1_CASE(gfn) &&
               p2m_tables_owned{Pre}(P2M_FMT0, P2M_ROOT0, \at(p2m->owner, Pre)) ==>
                 p2m_tables_owned(P2M_FMT0, P2M_ROOT0, \at(p2m->owner, Pre)));
    ensures map_2m_owned: order == P2M_ORDER_2M ==>
              (\result == 0 && P2M_L2_CASE(gfn) &&
               p2m_tables_owned{Pre}(P2M_FMT0, P2M_ROOT0, \at(p2m->owner, Pre)) ==>
                 p2m_tables_owned(P2M_FMT0, P2M_ROOT0, \at(p2m->owner, Pre))); */
int p2m_map(struct p2m *p2m, gfn_t gfn, mfn_t mfn, unsigned order, unsigned access)
{
    int rc = check_target(p2m, gfn, order);

    p2m_bump(p2m);
    if (rc != 0)
        return rc;
    if (!pte_access_valid(p2m->format, access) || mfn > PTE_MFN_MAX ||
        mfn % order_pages(order) != 0)
        return -XEN_EINVAL;
    rc = frame_ref_check(mfn, order_pages(order), p2m->owner, FRAME_TYPE_GUEST_RAM);
    if (rc != 0)
        return rc;
    //@ assert mfn + p2m_pages(order) <= frame_heap.nr;
    //@ assert p2m_hw_same{Pre, Here};
    rc = map_leaf(p2m, gfn, order == P2M_ORDER_2M ? 2U : 1U, mfn, order_pages(order), p2m->owner,
                  pte_make_leaf(p2m->format, mfn, access, order == P2M_ORDER_2M));
    if (rc == 0)
        p2m_count_leaf(p2m, order_pages(order), false);
    return rc;
}

/* ---- foreign (grant) leaves ---------------------------------------------------------- */

/* (Besides its contract in hv/p2m.h: what it does to the hardware view, as
 * a 4 KiB p2m_map.) */
/*@ ensures foreign_view: P2M_MAPPED_4K(gfn, mfn);
    ensures foreign_fresh_view: \result == 0 && P2M_FRESH_MAP_CASE(gfn) ==> P2M_MAPPED_4K_VIEW(gfn, mfn);
    ensures foreign_up_view: \result == 0 && P2M_FRESH_UP_MAP_CASE(gfn) ==> P2M_MAPPED_4K_VIEW(gfn, mfn);
    ensures foreign_owned: \result == 0 && P2M_L1_CASE(gfn) &&
              p2m_tables_owned{Pre}(P2M_FMT0, P2M_ROOT0, \at(p2m->owner, Pre)) ==>
                p2m_tables_owned(P2M_FMT0, P2M_ROOT0, \at(p2m->owner, Pre)); */
int p2m_map_foreign(struct p2m *p2m, gfn_t gfn, mfn_t mfn, unsigned access, domid_t granter)
{
    int rc = check_target(p2m, gfn, P2M_ORDER_4K);

    p2m_bump(p2m);
    if (rc != 0)
        return rc;
    if (!pte_access_valid(p2m->format, access) || mfn > PTE_MFN_MAX)
        return -XEN_EINVAL;
    /* The granter's RAM (refused otherwise: free, the hypervisor's, a table page). */
    rc = frame_ref_check(mfn, 1, granter, FRAME_TYPE_GUEST_RAM);
    if (rc != 0)
        return rc;
    //@ assert mfn + 1 <= frame_heap.nr;
    //@ assert p2m_hw_same{Pre, Here};
    rc = map_leaf(p2m, gfn, 1, mfn, 1, granter, pte_make_foreign(p2m->format, mfn, access));
    if (rc == 0)
        p2m_count_leaf(p2m, 1, true);
    return rc;
}

/* Walk to the 4 KiB leaf at gfn: true with pos at level 1 when it is present and foreign. */
/*@ requires \valid_read(p2m) && \valid(pos) && \separated(pos, p2m);
    assigns *pos;
    ensures \result ==> pos_ok(pos); */
static bool find_foreign(const struct p2m *p2m, gfn_t gfn, struct walk_pos *pos)
{
    if (p2m->root == INVALID_MFN || gfn > P2M_MAX_GFN || !p2m_descend(p2m, gfn, 1, pos))
        return false;
    return pos->level == 1 && pte_present(p2m->format, pos->entry) &&
           pte_is_foreign(p2m->format, pos->entry);
}

/* p2m_descend toward a 4 KiB leaf, with only the facts p2m_unmap_foreign
 * needs (the path at level 1 only: a smaller context there). */
/*@ requires \valid_read(p2m) && \valid(pos) && \separated(pos, p2m);
    requires frame_heap_inv && p2m_rw(p2m);
    requires \separated(pos, MEM_WORDS) && \separated(pos, HEAP_LOCS);
    assigns *pos;
    ensures descend_l1_heap: frame_heap_inv;
    ensures descend_l1_rw: p2m_rw(p2m) && p2m_kept{Pre, Post}(p2m);
    ensures descend_l1_keeps_words: p2m_hw_same{Pre, Post};
    ensures \result ==> pos_ok(pos);
    ensures descend_l1_path: \result && pos->level == 1 ==>
              p2m_hw_has{Pre}(\old(p2m->format), \old(p2m->root), gfn, 1) &&
              pos->table == p2m_hw_tab{Pre}(\old(p2m->root), gfn, 1) &&
              pos->index == p2m_l_index(gfn, 1) && pos->t == hal_mem_words + pos->table * 512 &&
              pos->entry == p2m_hw_word{Pre}(pos->table, pos->index); */
static bool descend_l1(const struct p2m *p2m, gfn_t gfn, struct walk_pos *pos)
{
    return p2m_descend(p2m, gfn, 1, pos);
}

/*
 * Remove the foreign leaf of mfn at pos, gfn's slot in its level-1 table,
 * dropping the reference it holds for the granter.  The entry is written
 * last, as in unmap_l1, whose proof of the view this follows.
 */
/*@ requires frame_heap_inv && p2m_rw(p2m) && pte_format_ok(p2m->format);
    requires \valid_read(pos) && pos_ok(pos) && pos->level == 1 && \separated(pos, p2m);
    requires \separated(pos, MEM_WORDS) && \separated(pos, HEAP_LOCS);
    requires pos->t == hal_mem_words + pos->table * 512 && pos->index == p2m_l_index(gfn, 1);
    requires pos->table == p2m_hw_tab(p2m->root, gfn, 1) && pos->entry == p2m_hw_word(pos->table, pos->index);
    assigns p2m->nr_foreign, frame_heap.table[0 .. frame_heap.nr - 1].refcount,
            hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures frame_heap_inv;
    ensures p2m_kept{Pre, Post}(p2m);
    ensures \result == 0 || \result == -XEN_EINVAL;
    ensures unmap_foreign_l1_view: P2M_UNMAPPED_4K(gfn);
    ensures unmap_foreign_l1_write: \result == 0 ==> p2m_hw_same_but{Pre, Post}(pos->table, pos->index); */
static int unmap_foreign_l1(struct p2m *p2m, gfn_t gfn, const struct walk_pos *pos, mfn_t mfn,
                            domid_t granter)
{
    (void)gfn;   /* named for the contract */
    if (put_refs(mfn, 1, granter) != 0)
        return -XEN_EINVAL;
    p2m->nr_foreign--;
    pos->t[pos->index] = 0;
    /* The frame rules of spec/p2m_tree.acsl, instance by instance. */
    //@ assert p2m_hw_same_but{Pre, Here}(pos->table, pos->index);
    //@ assert p2m_hw_word(pos->table, pos->index) == 0;
    /*@ assert foreign_same_but: P2M_L1_CASE(gfn) ==>
              p2m_hw_same_but{Pre, Here}(p2m_hw_t1{Pre}(P2M_ROOT0, gfn), p2m_l_index(gfn, 1)) &&
              pte_hw_kind_l(P2M_FMT0, 1, p2m_hw_word(p2m_hw_t1{Pre}(P2M_ROOT0, gfn), p2m_l_index(gfn, 1))) != PTE_HW_LEAF; */
    //@ assert foreign_tree: P2M_L1_CASE(gfn) ==> p2m_hw_tree(P2M_FMT0, P2M_ROOT0);
    //@ assert foreign_gone: P2M_L1_CASE(gfn) ==> \forall integer m, a; !p2m_hw_maps(P2M_FMT0, P2M_ROOT0, gfn, m, a);
    return 0;
}

/* p2m_unmap_foreign after its generation bump. */
/*@ requires frame_heap_inv && p2m_rw(p2m);
    assigns p2m->nr_foreign, frame_heap.table[0 .. frame_heap.nr - 1].refcount,
            hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures frame_heap_inv;
    ensures p2m_kept{Pre, Post}(p2m);
    ensures \result == 0 || \result == -XEN_EINVAL || \result == -XEN_ENOENT;
    ensures unmap_foreign_4k_view: P2M_UNMAPPED_4K(gfn);
    ensures unmap_foreign_4k_owned: \result == 0 && p2m_hw_tree{Pre}(P2M_FMT0, P2M_ROOT0) &&
              p2m_tables_owned{Pre}(P2M_FMT0, P2M_ROOT0, \at(p2m->owner, Pre)) ==>
                p2m_tables_owned(P2M_FMT0, P2M_ROOT0, \at(p2m->owner, Pre)); */
static int unmap_foreign_4k(struct p2m *p2m, gfn_t gfn, mfn_t mfn, domid_t granter)
{
    struct walk_pos pos;

    if (check_target(p2m, gfn, P2M_ORDER_4K) != 0 || !descend_l1(p2m, gfn, &pos))
        return -XEN_EINVAL;
    if (!pte_present(p2m->format, pos.entry))
        return -XEN_ENOENT;
    /* Only the grant mapping named: never the owner's RAM, never another frame. */
    if (pos.level != 1 || !pte_is_foreign(p2m->format, pos.entry) || pte_mfn(pos.entry) != mfn)
        return -XEN_EINVAL;
    //@ assert p2m_hw_same{Pre, Here};
    /*@ assert P2M_L1_CASE(gfn) ==>
              p2m_hw_tree(P2M_FMT0, P2M_ROOT0) && p2m_hw_has1(P2M_FMT0, P2M_ROOT0, gfn) &&
              (\forall integer g2, m, a; p2m_hw_maps(P2M_FMT0, P2M_ROOT0, g2, m, a) <==>
                 p2m_hw_maps{Pre}(P2M_FMT0, P2M_ROOT0, g2, m, a)); */
    //@ assert foreign_l1_case: p2m_hw_tree{Pre}(P2M_FMT0, P2M_ROOT0) ==> P2M_L1_CASE(gfn);
    PROOF_POINT(found);
    int rc = unmap_foreign_l1(p2m, gfn, &pos, mfn, granter);
    /* Only gfn's level-1 word changed and no frame changed owner, so every
     * path keeps its tables (the lemma of block P2mOwned). */
    //@ assert foreign_write: rc == 0 ==> p2m_hw_same_but{Pre, Here}(pos.table, pos.index);
    /*@ assert foreign_owners: frame_heap.nr == \at(frame_heap.nr, Pre) &&
              \forall integer x; 0 <= x < frame_heap.nr ==> frame_owner_of(x) == frame_owner_of{Pre}(x); */
    /*@ assert foreign_owned: rc == 0 && p2m_hw_tree{Pre}(P2M_FMT0, P2M_ROOT0) &&
              p2m_tables_owned{Pre}(P2M_FMT0, P2M_ROOT0, \at(p2m->owner, Pre)) ==>
                p2m_tables_owned(P2M_FMT0, P2M_ROOT0, \at(p2m->owner, Pre)); */
    return rc;
}

/* (Besides its contract in hv/p2m.h: what it does to the hardware view
 * when gfn's level-1 table exists, as a 4 KiB unmap; and its tables stay
 * the owner's frames.) */
/*@ ensures unmap_foreign_view: P2M_UNMAPPED_4K(gfn);
    ensures unmap_foreign_owned: \result == 0 && p2m_hw_tree{Pre}(P2M_FMT0, P2M_ROOT0) &&
              p2m_tables_owned{Pre}(P2M_FMT0, P2M_ROOT0, \at(p2m->owner, Pre)) ==>
                p2m_tables_owned(P2M_FMT0, P2M_ROOT0, \at(p2m->owner, Pre)); */
int p2m_unmap_foreign(struct p2m *p2m, gfn_t gfn, mfn_t mfn)
{
    domid_t granter = frame_owner(mfn);
    int rc;

    p2m_bump(p2m);
    //@ assert p2m_hw_same{Pre, Here};
    rc = unmap_foreign_4k(p2m, gfn, mfn, granter);
    //@ assert foreign_kept: frame_heap_inv && p2m_root_map_ok(p2m);
    return rc;
}

int p2m_foreign_lookup(const struct p2m *p2m, gfn_t gfn, mfn_t *mfn, unsigned *access)
{
    struct walk_pos pos;

    if (!find_foreign(p2m, gfn, &pos))
        return -XEN_ENOENT;
    *mfn = pte_mfn(pos.entry);
    *access = pte_access(p2m->format, pos.entry);
    return 0;
}

/* ---- unmap / set_access ----------------------------------------------------------------- */

/* Rewrite the rights of every present entry of level-1 table l1: only its
 * words change, and each keeps the frame it names. */
/*@ requires \valid_read(p2m) && \separated(p2m, MEM_WORDS);
    requires pte_format_ok(p2m->format) && pte_access_ok(p2m->format, access);
    assigns hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures access_in_table: p2m_hw_same_but_table{Pre, Post}(l1);
    ensures access_frames_kept: \forall integer j; 0 <= j < 512 ==>
              pte_l_addr(p2m_hw_word(l1, j)) == pte_l_addr(p2m_hw_word{Pre}(l1, j)); */
static void l1_set_access(const struct p2m *p2m, mfn_t l1, unsigned access)
{
    uint64_t *t = hal_mem_table(l1);

    if (t == NULL)
        return;
    /*@ loop invariant 0 <= i <= 512;
        loop invariant p2m_hw_same_but_table{Pre, Here}(l1);
        loop invariant \forall integer j; 0 <= j < 512 ==>
          pte_l_addr(p2m_hw_word(l1, j)) == pte_l_addr(p2m_hw_word{Pre}(l1, j));
        loop assigns i, hal_mem_words[0 .. HAL_MEM_WORDS - 1];
        loop variant 512 - i; */
    for (unsigned i = 0; i < ENTRIES_PER_TABLE; i++)
        if (pte_present(p2m->format, t[i]))
            t[i] = pte_make_leaf(p2m->format, pte_mfn(t[i]), access, false);
}

/* Walk for a 4 KiB change: pos at level 1, or at a 2 MiB leaf (split needed).
 * The allocator's invariant and the struct p2m are said to be kept here, in a
 * small context, so that the callers' goals about them stay trivial. */
/*@ requires \valid_read(p2m) && \valid(pos) && \valid(split) && \separated(pos, split, p2m);
    requires frame_heap_inv && p2m_rw(p2m) && pte_format_ok(p2m->format);
    requires \separated(pos, MEM_WORDS) && \separated(pos, HEAP_LOCS);
    requires \separated(split, MEM_WORDS) && \separated(split, HEAP_LOCS);
    assigns *pos, *split;
    ensures frame_heap_inv && p2m_rw(p2m) && pte_format_ok(p2m->format) && p2m_kept{Pre, Post}(p2m);
    ensures find_keeps_words: p2m_hw_same{Pre, Post};
    ensures \result == 0 || \result == -XEN_ENOENT;
    ensures \result == 0 ==> pos_ok(pos) && pte_l_present(p2m->format, pos->entry);
    ensures \result == 0 ==> (*split <==> pos->level == 2) && (pos->level == 1 || pos->level == 2);
    ensures find_on_hw_path: \result == 0 ==>
              p2m_hw_has{Pre}(\old(p2m->format), \old(p2m->root), gfn, pos->level) &&
              pos->t == hal_mem_words + pos->table * 512 && pos->index == p2m_l_index(gfn, pos->level) &&
              pos->table == p2m_hw_tab{Pre}(\old(p2m->root), gfn, pos->level) &&
              pos->entry == p2m_hw_word{Pre}(pos->table, pos->index);
    ensures find_l1: \result == 0 && p2m_hw_has1{Pre}(\old(p2m->format), \old(p2m->root), gfn) ==>
              pos->level == 1; */
static int find_4k(const struct p2m *p2m, gfn_t gfn, struct walk_pos *pos, bool *split)
{
    if (!p2m_descend(p2m, gfn, 1, pos) || !pte_present(p2m->format, pos->entry))
        return -XEN_ENOENT;
    *split = pos->level == 2;   /* descend stops above level 1 only at a 2 MiB leaf */
    return 0;
}

/* spare_fill of the one page a split needs: the walk position (the
 * caller's local) is kept, said here once in a small context. */
/*@ requires frame_heap_inv && p2m_rw(p2m) && \valid(s) && \valid_read(pos);
    requires \separated(s, HEAP_LOCS) && \separated(pos, HEAP_LOCS);
    requires \separated(s, p2m, pos) && \separated(s, MEM_WORDS);
    assigns *s, HEAP_STATE;
    ensures frame_heap_inv && spare_ok(s) && p2m_rw(p2m) && p2m_kept{Pre, Post}(p2m);
    ensures \result == 0 || \result == -XEN_ENOMEM;
    ensures \result == 0 ==> s->nr == 1;
    ensures pos->level == \old(pos->level) && pos->index == \old(pos->index);
    ensures pos->t == \old(pos->t) && pos->table == \old(pos->table) && pos->entry == \old(pos->entry);
    ensures split_page_was_free: \result == 0 ==>
              s->mfn[0] < frame_heap.nr && frame_owner_of{Pre}(s->mfn[0]) == FRAME_OWNER_FREE;
    ensures split_fill_keeps_words: p2m_hw_same{Pre, Post}; */
static int fill_for_split(const struct p2m *p2m, struct spare *s, const struct walk_pos *pos)
{
    (void)pos;   /* named for the contract */
    return spare_fill(p2m, s, 1);
}

/* unmap of a 4 KiB page inside the 2 MiB leaf at pos: split it with the
 * page's entry cleared.  -XEN_EINVAL for a leaf too malformed to split. */
/*@ requires frame_heap_inv && p2m_rw(p2m) && pte_format_ok(p2m->format);
    requires \valid_read(pos) && pos_ok(pos) && \separated(pos, p2m);
    requires \separated(pos, MEM_WORDS) && \separated(pos, HEAP_LOCS);
    assigns p2m->nr_mapped, p2m->nr_tables, HEAP_STATE, hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures frame_heap_inv && p2m_kept{Pre, Post}(p2m);
    ensures \result == 0 || \result == -XEN_EINVAL || \result == -XEN_ENOMEM;
    ensures unmap_in_2m_view: \result == 0 && P2M_IN_2M_CASE(gfn) ==> P2M_UNMAPPED_IN_2M(gfn); */
static int unmap_in_2m(struct p2m *p2m, gfn_t gfn, const struct walk_pos *pos)
{
    struct spare s;

    if (!splittable(p2m->format, pos->entry))
        return -XEN_EINVAL;       /* a malformed 2 MiB leaf */
    if (fill_for_split(p2m, &s, pos) != 0)
        return -XEN_ENOMEM;
    /* The page the split takes was free, so on no path; nothing was written. */
    //@ assert in_2m_spare: P2M_IN_2M_CASE(gfn) ==> P2M_IN_2M_SPARE_OFF;
    //@ assert in_2m_slot: P2M_IN_2M_CASE(gfn) ==> P2M_IN_2M_SLOT(gfn);
    //@ assert in_2m_view0: P2M_IN_2M_CASE(gfn) ==> P2M_IN_2M_VIEW0;
    PROOF_POINT(spared);
    //@ assert in_2m_zero: pte_hw_kind_l(P2M_FMT0, 1, 0) != PTE_HW_LEAF;
    split_replace(p2m, &s, pos, gfn, 0);
    /* Each part of the view, from the split's (relative to spared, whose
     * view was that of Pre). */
    //@ assert in_2m_tree: P2M_IN_2M_CASE(gfn) ==> p2m_hw_tree(P2M_FMT0, P2M_ROOT0);
    /*@ assert in_2m_others: P2M_IN_2M_CASE(gfn) ==>
              \forall integer g2, m, a; 0 <= g2 <= P2M_MAX_GFN && g2 / 512 != gfn / 512 ==>
                (p2m_hw_maps(P2M_FMT0, P2M_ROOT0, g2, m, a) <==>
                 p2m_hw_maps{spared}(P2M_FMT0, P2M_ROOT0, g2, m, a)); */
    /*@ assert in_2m_gone: P2M_IN_2M_CASE(gfn) ==>
              \forall integer m, a; !p2m_hw_maps(P2M_FMT0, P2M_ROOT0, gfn, m, a); */
    /*@ assert in_2m_region: P2M_IN_2M_CASE(gfn) ==>
              \forall integer g2, m, a; 0 <= g2 <= P2M_MAX_GFN && g2 / 512 == gfn / 512 && g2 != gfn &&
                p2m_hw_maps(P2M_FMT0, P2M_ROOT0, g2, m, a) ==>
                  m == pte_l_addr_2m(P2M_L2_WORD0(gfn)) + g2 % 512; */
    return 0;
}

/*
 * unmap of the 4 KiB leaf at pos, gfn's slot in its level-1 table.  A grant
 * mapping is p2m_unmap_foreign's to remove (-XEN_ENXIO).  The entry is
 * written last: the proof of the view (P2M_UNMAPPED_4K) ends at that write.
 */
/*@ requires frame_heap_inv && p2m_rw(p2m) && pte_format_ok(p2m->format);
    requires \valid_read(pos) && pos_ok(pos) && pos->level == 1 && \separated(pos, p2m);
    requires \separated(pos, MEM_WORDS) && \separated(pos, HEAP_LOCS);
    requires pos->t == hal_mem_words + pos->table * 512 && pos->index == p2m_l_index(gfn, 1);
    requires pos->table == p2m_hw_tab(p2m->root, gfn, 1) && pos->entry == p2m_hw_word(pos->table, pos->index);
    assigns p2m->nr_mapped, frame_heap.table[0 .. frame_heap.nr - 1].refcount,
            hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures frame_heap_inv && p2m_kept{Pre, Post}(p2m);
    ensures \result == 0 || \result == -XEN_ENXIO;
    ensures unmap_l1_view: P2M_UNMAPPED_4K(gfn);
    ensures unmap_l1_write: \result == 0 ==> p2m_hw_same_but{Pre, Post}(pos->table, pos->index); */
static int unmap_l1(struct p2m *p2m, gfn_t gfn, const struct walk_pos *pos)
{
    (void)gfn;   /* named for the contract */
    if (pte_is_foreign(p2m->format, pos->entry))
        return -XEN_ENXIO;
    drop_refs(p2m, pte_mfn(pos->entry), 1, p2m->owner);
    p2m->nr_mapped--;
    pos->t[pos->index] = 0;
    /* The frame rules of spec/p2m_tree.acsl, instance by instance. */
    //@ assert p2m_hw_same_but{Pre, Here}(pos->table, pos->index);
    //@ assert p2m_hw_word(pos->table, pos->index) == 0;
    /*@ assert unmap_same_but: P2M_L1_CASE(gfn) ==>
              p2m_hw_same_but{Pre, Here}(p2m_hw_t1{Pre}(P2M_ROOT0, gfn), p2m_l_index(gfn, 1)) &&
              pte_hw_kind_l(P2M_FMT0, 1, p2m_hw_word(p2m_hw_t1{Pre}(P2M_ROOT0, gfn), p2m_l_index(gfn, 1))) != PTE_HW_LEAF; */
    //@ assert unmap_tree: P2M_L1_CASE(gfn) ==> p2m_hw_tree(P2M_FMT0, P2M_ROOT0);
    //@ assert unmap_gone: P2M_L1_CASE(gfn) ==> \forall integer m, a; !p2m_hw_maps(P2M_FMT0, P2M_ROOT0, gfn, m, a);
    return 0;
}

/*@ requires frame_heap_inv && p2m_rw(p2m) && pte_format_ok(p2m->format);
    assigns p2m->nr_mapped, p2m->nr_tables, HEAP_STATE, hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures frame_heap_inv;
    ensures \result == 0 || \result == -XEN_EINVAL || \result == -XEN_ENOENT ||
            \result == -XEN_ENOMEM || \result == -XEN_ENXIO;
    ensures p2m_kept{Pre, Post}(p2m);
    ensures unmap_4k_view: P2M_UNMAPPED_4K(gfn);
    ensures unmap_in_2m_view: \result == 0 && P2M_IN_2M_LEAF_CASE(gfn) ==> P2M_UNMAPPED_IN_2M(gfn);
    ensures unmap_4k_owned: \result == 0 && P2M_L1_CASE(gfn) &&
              p2m_tables_owned{Pre}(P2M_FMT0, P2M_ROOT0, \at(p2m->owner, Pre)) ==>
                p2m_tables_owned(P2M_FMT0, P2M_ROOT0, \at(p2m->owner, Pre)); */
static int unmap_4k(struct p2m *p2m, gfn_t gfn)
{
    struct walk_pos pos;
    bool split;
    int rc = find_4k(p2m, gfn, &pos, &split);

    if (rc != 0)
        return rc;
    //@ assert p2m_hw_same{Pre, Here};
    /* Without a level-1 table, the walk stopped at gfn's level-2 word. */
    //@ assert unmap_to_2m: P2M_IN_2M_LEAF_CASE(gfn) ==> split && pos.level == 2;
    if (split) {
        /*@ assert unmap_2m_slot: P2M_IN_2M_LEAF_CASE(gfn) ==>
                  p2m_hw_tree(P2M_FMT0, P2M_ROOT0) && p2m_hw_has2(P2M_FMT0, P2M_ROOT0, gfn) &&
                  pos.table == p2m_hw_t2(P2M_ROOT0, gfn) && pos.index == p2m_l_index(gfn, 2) &&
                  pos.entry == p2m_hw_word(pos.table, pos.index) && p2m_free_off(P2M_FMT0, P2M_ROOT0); */
        //@ assert unmap_2m_view0: P2M_IN_2M_LEAF_CASE(gfn) ==> P2M_IN_2M_VIEW0;
        PROOF_POINT(found);
        rc = unmap_in_2m(p2m, gfn, &pos);
        /*@ assert unmap_in_2m_done: rc == 0 && P2M_IN_2M_LEAF_CASE(gfn) ==>
                  p2m_unmapped_in_2m{found, Here}(P2M_FMT0, P2M_ROOT0, gfn); */
        /*@ assert unmap_in_2m_rebased: rc == 0 && P2M_IN_2M_LEAF_CASE(gfn) ==>
                  p2m_unmapped_in_2m{Pre, Here}(P2M_FMT0, P2M_ROOT0, gfn); */
        return rc;
    }
    //@ assert unmap_has1: !P2M_IN_2M_LEAF_CASE(gfn);
    /*@ assert P2M_L1_CASE(gfn) ==>
              p2m_hw_tree(P2M_FMT0, P2M_ROOT0) && p2m_hw_has1(P2M_FMT0, P2M_ROOT0, gfn) &&
              (\forall integer g2, m, a; p2m_hw_maps(P2M_FMT0, P2M_ROOT0, g2, m, a) <==>
                 p2m_hw_maps{Pre}(P2M_FMT0, P2M_ROOT0, g2, m, a)); */
    //@ assert p2m->format == P2M_FMT0 && p2m->root == P2M_ROOT0;
    //@ assert unmap_slot: P2M_L1_CASE(gfn) ==> pos.table == p2m_hw_t1(P2M_ROOT0, gfn) && pos.index == p2m_l_index(gfn, 1);
    rc = unmap_l1(p2m, gfn, &pos);
    /* As in unmap_foreign_4k: one level-1 word changed, no owner. */
    //@ assert unmap_write: rc == 0 ==> p2m_hw_same_but{Pre, Here}(pos.table, pos.index);
    /*@ assert unmap_owners: frame_heap.nr == \at(frame_heap.nr, Pre) &&
              \forall integer x; 0 <= x < frame_heap.nr ==> frame_owner_of(x) == frame_owner_of{Pre}(x); */
    /*@ assert unmap_owned: rc == 0 && P2M_L1_CASE(gfn) &&
              p2m_tables_owned{Pre}(P2M_FMT0, P2M_ROOT0, \at(p2m->owner, Pre)) ==>
                p2m_tables_owned(P2M_FMT0, P2M_ROOT0, \at(p2m->owner, Pre)); */
    return rc;
}

/*
 * 2 MiB unmap of the leaf at pos, gfn's level-2 slot: the 512 frames'
 * references given back, then the slot cleared, the last word written (the
 * proof of the view, P2M_GONE_2M, ends at that write).
 */
/*@ requires frame_heap_inv && p2m_rw(p2m) && pte_format_ok(p2m->format);
    requires \valid_read(pos) && pos_ok(pos) && pos->level == 2 && \separated(pos, p2m);
    requires \separated(pos, MEM_WORDS) && \separated(pos, HEAP_LOCS);
    requires pos->t == hal_mem_words + pos->table * 512 && pos->index == p2m_l_index(gfn, 2);
    requires pos->table == p2m_hw_t2(p2m->root, gfn);
    assigns p2m->nr_mapped, HEAP_STATE, hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures frame_heap_inv;
    ensures unmap_leaf_2m_view: P2M_L2_CASE(gfn) ==> P2M_GONE_2M(gfn);
    ensures unmap_leaf_2m_owned: P2M_L2_CASE(gfn) ==> \forall integer dom; p2m_tables_owned{Pre}(P2M_FMT0, P2M_ROOT0, dom) ==>
                p2m_tables_owned(P2M_FMT0, P2M_ROOT0, dom); */
static void unmap_2m_leaf(struct p2m *p2m, gfn_t gfn, const struct walk_pos *pos)
{
    (void)gfn;   /* named for the contract */
    drop_2m_leaf(p2m, pte_mfn_2m(pos->entry));
    pos->t[pos->index] = 0;
    /* The frame rules of spec/p2m_tree.acsl, instance by instance. */
    //@ assert p2m_hw_same_but{Pre, Here}(pos->table, pos->index);
    //@ assert p2m_hw_word(pos->table, pos->index) == 0;
    //@ assert pte_hw_kind_l(P2M_FMT0, 2, p2m_hw_word(pos->table, pos->index)) == PTE_HW_BAD;
    //@ assert p2m->format == P2M_FMT0 && p2m->root == P2M_ROOT0;
    //@ assert unmap_leaf_2m_tree: P2M_L2_CASE(gfn) ==> p2m_hw_tree(P2M_FMT0, P2M_ROOT0);
    /*@ assert unmap_leaf_2m_gone: P2M_L2_CASE(gfn) ==>
              \forall integer g2, m, a; 0 <= g2 <= P2M_MAX_GFN && g2 / 512 == gfn / 512 ==>
                !p2m_hw_maps(P2M_FMT0, P2M_ROOT0, g2, m, a); */
    /* Only reference counts moved: the one word written decides. */
    //@ assert unmap_leaf_2m_owners: P2M_OWNERS_KEPT(Pre);
}

/*
 * 2 MiB unmap over the level-1 table at pos, gfn's level-2 slot: the slot
 * is cleared first, which takes the table off every walk (the tree: only
 * gfn's 2 MiB region reached it), then its leaves are cleared and the page
 * freed.  -XEN_ENOENT when nothing is mapped in it, -XEN_ENXIO when it
 * holds a grant mapping (p2m_unmap_foreign's to remove).
 */
/*@ requires frame_heap_inv && p2m_rw(p2m) && pte_format_ok(p2m->format);
    requires \valid_read(pos) && pos_ok(pos) && pos->level == 2 && \separated(pos, p2m);
    requires \separated(pos, MEM_WORDS) && \separated(pos, HEAP_LOCS);
    requires pos->t == hal_mem_words + pos->table * 512 && pos->index == p2m_l_index(gfn, 2);
    requires pos->table == p2m_hw_t2(p2m->root, gfn) && pos->entry == p2m_hw_word(pos->table, pos->index);
    requires pte_hw_kind_l(p2m->format, 2, pos->entry) == PTE_HW_TABLE;
    assigns p2m->nr_mapped, p2m->nr_tables, HEAP_STATE, hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures frame_heap_inv;
    ensures \result == 0 || \result == -XEN_ENOENT || \result == -XEN_ENXIO;
    ensures unmap_table_2m_view: \result == 0 && P2M_L2_CASE(gfn) ==> P2M_GONE_2M(gfn);
    ensures unmap_table_2m_owned: \result == 0 && P2M_L2_CASE(gfn) ==> \forall integer dom; p2m_tables_owned{Pre}(P2M_FMT0, P2M_ROOT0, dom) ==>
                p2m_tables_owned(P2M_FMT0, P2M_ROOT0, dom); */
static int unmap_2m_table(struct p2m *p2m, gfn_t gfn, const struct walk_pos *pos)
{
    mfn_t l1 = pte_mfn(pos->entry);

    (void)gfn;   /* named for the contract */
    if (l1_present(p2m, l1) == 0)
        return -XEN_ENOENT;
    if (l1_has_foreign(p2m, l1))
        return -XEN_ENXIO;
    pos->t[pos->index] = 0;
    /* The frame rules of spec/p2m_tree.acsl, instance by instance. */
    //@ assert p2m_hw_same_but{Pre, Here}(pos->table, pos->index);
    //@ assert p2m_hw_word(pos->table, pos->index) == 0;
    //@ assert pte_hw_kind_l(P2M_FMT0, 2, p2m_hw_word(pos->table, pos->index)) == PTE_HW_BAD;
    //@ assert p2m->format == P2M_FMT0 && p2m->root == P2M_ROOT0;
    /*@ assert unlinked_l1: P2M_L2_CASE(gfn) ==>
              p2m_hw_has1{Pre}(P2M_FMT0, P2M_ROOT0, gfn) && l1 == p2m_hw_t1{Pre}(P2M_ROOT0, gfn); */
    //@ assert unlinked_off: P2M_L2_CASE(gfn) ==> p2m_off_paths(P2M_FMT0, P2M_ROOT0, l1);
    //@ assert unlinked_gone: P2M_L2_CASE(gfn) ==> P2M_GONE_2M(gfn);
    //@ assert unlinked_owners: P2M_OWNERS_KEPT(Pre);
    /*@ assert unlinked_owned: P2M_L2_CASE(gfn) ==>
          \forall integer dom; p2m_tables_owned{Pre}(P2M_FMT0, P2M_ROOT0, dom) ==>
            p2m_tables_owned(P2M_FMT0, P2M_ROOT0, dom); */
    PROOF_POINT(unlinked);
    clear_unlinked_l1(p2m, l1);
    /*@ assert cleared_owned: P2M_L2_CASE(gfn) ==>
          \forall integer dom; p2m_tables_owned{unlinked}(P2M_FMT0, P2M_ROOT0, dom) ==>
            p2m_tables_owned(P2M_FMT0, P2M_ROOT0, dom); */
    return 0;
}

/* 2 MiB unmap at pos, gfn's level-2 slot, which holds a present entry. */
/*@ requires frame_heap_inv && p2m_rw(p2m) && pte_format_ok(p2m->format);
    requires \valid_read(pos) && pos_ok(pos) && pos->level == 2 && \separated(pos, p2m);
    requires \separated(pos, MEM_WORDS) && \separated(pos, HEAP_LOCS);
    requires pos->t == hal_mem_words + pos->table * 512 && pos->index == p2m_l_index(gfn, 2);
    requires pos->table == p2m_hw_t2(p2m->root, gfn) && pos->entry == p2m_hw_word(pos->table, pos->index);
    assigns p2m->nr_mapped, p2m->nr_tables, HEAP_STATE, hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures frame_heap_inv;
    ensures \result == 0 || \result == -XEN_EINVAL || \result == -XEN_ENOENT || \result == -XEN_ENXIO;
    ensures unmap_at_2m_view: \result == 0 && P2M_L2_CASE(gfn) ==> P2M_GONE_2M(gfn);
    ensures unmap_at_2m_owned: \result == 0 && P2M_L2_CASE(gfn) ==> \forall integer dom; p2m_tables_owned{Pre}(P2M_FMT0, P2M_ROOT0, dom) ==>
                p2m_tables_owned(P2M_FMT0, P2M_ROOT0, dom); */
static int unmap_2m_at(struct p2m *p2m, gfn_t gfn, const struct walk_pos *pos)
{
    if (pte_is_large(p2m->format, pos->entry)) {
        unmap_2m_leaf(p2m, gfn, pos);
        return 0;
    }
    /* A present entry the CPU follows neither as a leaf nor as a table is
     * malformed (p2m.c never writes one): refused, nothing changed. */
    if (pte_hw_kind(p2m->format, 2, pos->entry) != PTE_HW_TABLE)
        return -XEN_EINVAL;
    return unmap_2m_table(p2m, gfn, pos);
}

/*
 * The asserts before a call to a helper carry the case from the caller's
 * entry to the helper's (whose contract speaks of its own entry): nothing
 * has been written yet, so the tree, the path and every gfn's view at this
 * point are those of the caller's entry, and the helper's slot is gfn's.
 */
/*@ requires frame_heap_inv && p2m_rw(p2m) && pte_format_ok(p2m->format);
    assigns p2m->nr_mapped, p2m->nr_tables, HEAP_STATE, hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures frame_heap_inv;
    ensures \result == 0 || \result == -XEN_EINVAL || \result == -XEN_ENOENT || \result == -XEN_ENXIO;
    ensures unmap_2m_view: \result == 0 && P2M_L2_CASE(gfn) ==> P2M_GONE_2M(gfn);
    ensures unmap_2m_owned: \result == 0 && P2M_L2_CASE(gfn) ==> \forall integer dom; p2m_tables_owned{Pre}(P2M_FMT0, P2M_ROOT0, dom) ==>
                p2m_tables_owned(P2M_FMT0, P2M_ROOT0, dom); */
static int unmap_2m(struct p2m *p2m, gfn_t gfn)
{
    struct walk_pos pos;

    if (!p2m_descend(p2m, gfn, 2, &pos) || pos.level != 2 ||
        !pte_present(p2m->format, pos.entry))
        return -XEN_ENOENT;
    //@ assert p2m_hw_same{Pre, Here};
    /*@ assert P2M_L2_CASE(gfn) ==>
              p2m_hw_tree(P2M_FMT0, P2M_ROOT0) && p2m_hw_has2(P2M_FMT0, P2M_ROOT0, gfn) &&
              (\forall integer g2, m, a; p2m_hw_maps(P2M_FMT0, P2M_ROOT0, g2, m, a) <==>
                 p2m_hw_maps{Pre}(P2M_FMT0, P2M_ROOT0, g2, m, a)); */
    //@ assert p2m->format == P2M_FMT0 && p2m->root == P2M_ROOT0;
    //@ assert unmap_2m_slot: pos.table == p2m_hw_t2(P2M_ROOT0, gfn) && pos.index == p2m_l_index(gfn, 2);
    return unmap_2m_at(p2m, gfn, &pos);
}

/* (Besides its contract in hv/p2m.h: what an unmap does to the hardware view.) */
/*@ ensures unmap_4k_view: order == P2M_ORDER_4K ==> P2M_UNMAPPED_4K(gfn);
    ensures unmap_in_2m_view: order == P2M_ORDER_4K ==>
              (\result == 0 && P2M_IN_2M_LEAF_CASE(gfn) ==> P2M_UNMAPPED_IN_2M(gfn));
    ensures unmap_2m_view: order == P2M_ORDER_2M ==> (\result == 0 && P2M_L2_CASE(gfn) ==> P2M_GONE_2M(gfn));
    ensures unmap_owned: order == P2M_ORDER_4K ==>
              (\result == 0 && P2M_L1_CASE(gfn) &&
               p2m_tables_owned{Pre}(P2M_FMT0, P2M_ROOT0, \at(p2m->owner, Pre)) ==>
                 p2m_tables_owned(P2M_FMT0, P2M_ROOT0, \at(p2m->owner, Pre)));
    ensures unmap_2m_owned: order == P2M_ORDER_2M ==>
              (\result == 0 && P2M_L2_CASE(gfn) &&
               p2m_tables_owned{Pre}(P2M_FMT0, P2M_ROOT0, \at(p2m->owner, Pre)) ==>
                 p2m_tables_owned(P2M_FMT0, P2M_ROOT0, \at(p2m->owner, Pre))); */
int p2m_unmap(struct p2m *p2m, gfn_t gfn, unsigned order)
{
    int rc = check_target(p2m, gfn, order);
    p2m_bump(p2m);
    if (rc != 0)
        return rc;
    if (order == P2M_ORDER_2M)
        rc = unmap_2m(p2m, gfn);
    else
        rc = unmap_4k(p2m, gfn);
    //@ assert unmap_kept: frame_heap_inv;
    //@ assert unmap_root_kept: p2m_root_map_ok(p2m);
    return rc;
}

/*
 * set_access of a 4 KiB page inside the 2 MiB leaf at pos: nothing to do
 * when the leaf has the rights already, else split it with the page's
 * entry changed.  -XEN_EINVAL for a leaf too malformed to split.
 */
/*@ requires frame_heap_inv && p2m_rw(p2m) && pte_format_ok(p2m->format);
    requires pte_access_ok(p2m->format, access);
    requires \valid_read(pos) && pos_ok(pos) && \separated(pos, p2m);
    requires \separated(pos, MEM_WORDS) && \separated(pos, HEAP_LOCS);
    assigns p2m->nr_tables, HEAP_STATE, hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures frame_heap_inv;
    ensures p2m_kept{Pre, Post}(p2m);
    ensures \result == 0 || \result == -XEN_EINVAL || \result == -XEN_ENOMEM;
    ensures access_in_2m_view: \result == 0 && P2M_IN_2M_CASE(gfn) &&
              pte_l_access(P2M_FMT0, \at(pos->entry, Pre)) != access ==>
              P2M_AT_2M(gfn, pte_l_addr_2m(P2M_L2_WORD0(gfn)));
    ensures access_in_2m_same: pte_l_access(P2M_FMT0, \at(pos->entry, Pre)) == access ==>
              \result == 0 && p2m_hw_same{Pre, Post}; */
static int set_access_in_2m(struct p2m *p2m, gfn_t gfn, const struct walk_pos *pos, unsigned access)
{
    struct spare s;
    unsigned i = p2m_table_index(gfn, 1);

    if (pte_access(p2m->format, pos->entry) == access)
        return 0;                 /* nothing changes: keep the 2 MiB leaf */
    if (!splittable(p2m->format, pos->entry))
        return -XEN_EINVAL;       /* a malformed 2 MiB leaf */
    if (fill_for_split(p2m, &s, pos) != 0)
        return -XEN_ENOMEM;
    /* The page the split takes was free, so on no path; nothing was written. */
    //@ assert in_2m_spare: P2M_IN_2M_CASE(gfn) ==> P2M_IN_2M_SPARE_OFF;
    //@ assert in_2m_slot: P2M_IN_2M_CASE(gfn) ==> P2M_IN_2M_SLOT(gfn);
    //@ assert in_2m_view0: P2M_IN_2M_CASE(gfn) ==> P2M_IN_2M_VIEW0;
    PROOF_POINT(spared);
    split_2m(p2m, &s, pos, gfn, pte_make_leaf(p2m->format, pte_mfn_2m(pos->entry) + i, access, false));
    /*@ assert in_2m_others: P2M_IN_2M_CASE(gfn) ==>
              \forall integer g2, m, a; 0 <= g2 <= P2M_MAX_GFN && g2 / 512 != gfn / 512 ==>
                (p2m_hw_maps(P2M_FMT0, P2M_ROOT0, g2, m, a) <==>
                 p2m_hw_maps{spared}(P2M_FMT0, P2M_ROOT0, g2, m, a)); */
    return 0;
}

/*
 * set_access of the 4 KiB leaf at pos, gfn's slot in its level-1 table:
 * the same frame with the new rights.  A grant mapping keeps the grant's
 * rights (-XEN_ENXIO).  The entry is the only word written, so the proof of
 * the view (P2M_MAPPED_4K) ends at that write.
 */
/*@ requires p2m_rw(p2m) && pte_format_ok(p2m->format) && pte_access_ok(p2m->format, access);
    requires \valid_read(pos) && pos_ok(pos) && pos->level == 1 && \separated(pos, MEM_WORDS);
    requires pos->t == hal_mem_words + pos->table * 512 && pos->index == p2m_l_index(gfn, 1);
    requires pos->table == p2m_hw_tab(p2m->root, gfn, 1) && pos->entry == p2m_hw_word(pos->table, pos->index);
    assigns hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures p2m_kept{Pre, Post}(p2m);
    ensures \result == 0 || \result == -XEN_ENXIO;
    ensures access_l1_view: P2M_MAPPED_4K(gfn, pte_l_addr(pos->entry));
    ensures access_l1_write: \result == 0 ==> p2m_hw_same_but{Pre, Post}(pos->table, pos->index); */
static int set_access_l1(struct p2m *p2m, gfn_t gfn, const struct walk_pos *pos, unsigned access)
{
    (void)gfn;   /* named for the contract */
    if (pte_is_foreign(p2m->format, pos->entry))
        return -XEN_ENXIO;
    pos->t[pos->index] = pte_make_leaf(p2m->format, pte_mfn(pos->entry), access, false);
    /* The frame rules of spec/p2m_tree.acsl, instance by instance. */
    //@ assert p2m_hw_same_but{Pre, Here}(pos->table, pos->index);
    //@ assert pte_l_addr(p2m_hw_word(pos->table, pos->index)) == pte_l_addr(pos->entry);
    /*@ assert access_same_but: P2M_L1_CASE(gfn) ==>
              p2m_hw_same_but{Pre, Here}(p2m_hw_t1{Pre}(P2M_ROOT0, gfn), p2m_l_index(gfn, 1)) &&
              pte_l_addr(p2m_hw_word(p2m_hw_t1{Pre}(P2M_ROOT0, gfn), p2m_l_index(gfn, 1))) ==
                pte_l_addr(pos->entry); */
    //@ assert access_tree: P2M_L1_CASE(gfn) ==> p2m_hw_tree(P2M_FMT0, P2M_ROOT0);
    return 0;
}

/*@ requires frame_heap_inv && p2m_rw(p2m) && pte_format_ok(p2m->format);
    requires pte_access_ok(p2m->format, access);
    assigns p2m->nr_tables, HEAP_STATE, hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures frame_heap_inv;
    ensures p2m_kept{Pre, Post}(p2m);
    ensures \result == 0 || \result == -XEN_EINVAL || \result == -XEN_ENOENT ||
            \result == -XEN_ENOMEM || \result == -XEN_ENXIO;
    ensures access_4k_view: P2M_MAPPED_4K(gfn, P2M_L1_FRAME0(gfn));
    ensures access_in_2m_view: \result == 0 && P2M_IN_2M_LEAF_CASE(gfn) ==>
              P2M_AT_2M(gfn, pte_l_addr_2m(P2M_L2_WORD0(gfn)));
    ensures access_4k_owned: \result == 0 && P2M_L1_CASE(gfn) &&
              p2m_tables_owned{Pre}(P2M_FMT0, P2M_ROOT0, \at(p2m->owner, Pre)) ==>
                p2m_tables_owned(P2M_FMT0, P2M_ROOT0, \at(p2m->owner, Pre)); */
static int set_access_4k(struct p2m *p2m, gfn_t gfn, unsigned access)
{
    struct walk_pos pos;
    bool split;
    int rc = find_4k(p2m, gfn, &pos, &split);

    if (rc != 0)
        return rc;
    /* Without a level-1 table, the walk stopped at gfn's level-2 word. */
    //@ assert access_to_2m: P2M_IN_2M_LEAF_CASE(gfn) ==> split && pos.level == 2;
    //@ assert p2m_hw_same{Pre, Here};
    if (split) {
        /*@ assert access_2m_slot: P2M_IN_2M_LEAF_CASE(gfn) ==>
                  p2m_hw_tree(P2M_FMT0, P2M_ROOT0) && p2m_hw_has2(P2M_FMT0, P2M_ROOT0, gfn) &&
                  pos.table == p2m_hw_t2(P2M_ROOT0, gfn) && pos.index == p2m_l_index(gfn, 2) &&
                  pos.entry == p2m_hw_word(pos.table, pos.index) && p2m_free_off(P2M_FMT0, P2M_ROOT0); */
        /* The leaf's own view, for when its rights are already the ones asked
         * (nothing written): the level-2 rules with no word changed. */
        /*@ assert access_in_2m_leaf0: P2M_IN_2M_LEAF_CASE(gfn) ==>
                  p2m_region_at{Pre}(P2M_FMT0, P2M_ROOT0, gfn, pte_l_addr_2m(P2M_L2_WORD0(gfn))); */
        PROOF_POINT(found);
        rc = set_access_in_2m(p2m, gfn, &pos, access);
        /*@ assert access_in_2m_kept: P2M_IN_2M_LEAF_CASE(gfn) &&
                  pte_l_access(P2M_FMT0, \at(pos.entry, found)) == access ==> p2m_hw_same{Pre, Here}; */
        return rc;
    }
    //@ assert access_has1: !P2M_IN_2M_LEAF_CASE(gfn);
    /*@ assert P2M_L1_CASE(gfn) ==>
              p2m_hw_tree(P2M_FMT0, P2M_ROOT0) && p2m_hw_has1(P2M_FMT0, P2M_ROOT0, gfn) &&
              (\forall integer g2, m, a; p2m_hw_maps(P2M_FMT0, P2M_ROOT0, g2, m, a) <==>
                 p2m_hw_maps{Pre}(P2M_FMT0, P2M_ROOT0, g2, m, a)); */
    //@ assert p2m->format == P2M_FMT0 && p2m->root == P2M_ROOT0;
    //@ assert access_slot: P2M_L1_CASE(gfn) ==> pos.table == p2m_hw_t1(P2M_ROOT0, gfn) && pos.index == p2m_l_index(gfn, 1);
    rc = set_access_l1(p2m, gfn, &pos, access);
    /* As in unmap_foreign_4k: one level-1 word changed, no owner. */
    //@ assert access_write: rc == 0 ==> p2m_hw_same_but{Pre, Here}(pos.table, pos.index);
    /*@ assert access_owned: rc == 0 && P2M_L1_CASE(gfn) &&
              p2m_tables_owned{Pre}(P2M_FMT0, P2M_ROOT0, \at(p2m->owner, Pre)) ==>
                p2m_tables_owned(P2M_FMT0, P2M_ROOT0, \at(p2m->owner, Pre)); */
    return rc;
}

/*
 * set_access of the 2 MiB leaf at pos, gfn's level-2 slot: the same 2 MiB
 * with the new rights, the only word written.
 */
/*@ requires p2m_rw(p2m) && pte_format_ok(p2m->format) && pte_access_ok(p2m->format, access);
    requires \valid_read(pos) && pos_ok(pos) && pos->level == 2 && \separated(pos, MEM_WORDS);
    requires pos->t == hal_mem_words + pos->table * 512 && pos->index == p2m_l_index(gfn, 2);
    requires pos->table == p2m_hw_t2(p2m->root, gfn) && pos->entry == p2m_hw_word(pos->table, pos->index);
    requires pte_l_large(pos->entry);
    assigns hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures access_leaf_2m_view: P2M_L2_CASE(gfn) ==> P2M_AT_2M(gfn, pte_l_addr_2m(\old(pos->entry)));
    ensures access_leaf_2m_owned: P2M_L2_CASE(gfn) ==> \forall integer dom; p2m_tables_owned{Pre}(P2M_FMT0, P2M_ROOT0, dom) ==>
                p2m_tables_owned(P2M_FMT0, P2M_ROOT0, dom); */
static void set_access_2m_leaf(const struct p2m *p2m, gfn_t gfn, const struct walk_pos *pos,
                               unsigned access)
{
    const uint64_t leaf = pte_make_leaf(p2m->format, pte_mfn_2m(pos->entry), access, true);

    (void)gfn;   /* named for the contract */
    //@ assert leaf_not_table: pte_hw_kind_l(P2M_FMT0, 2, leaf) != PTE_HW_TABLE;
    pos->t[pos->index] = leaf;
    /* The frame rules of spec/p2m_tree.acsl, instance by instance. */
    //@ assert p2m_hw_same_but{Pre, Here}(pos->table, pos->index);
    //@ assert leaf_written: p2m_hw_word(pos->table, pos->index) == leaf;
    //@ assert pte_l_addr_2m(p2m_hw_word(pos->table, pos->index)) == pte_l_addr_2m(pos->entry);
    //@ assert pte_hw_kind_l(P2M_FMT0, 2, p2m_hw_word(pos->table, pos->index)) != PTE_HW_TABLE;
    //@ assert access_2m_tree: P2M_L2_CASE(gfn) ==> p2m_hw_tree(P2M_FMT0, P2M_ROOT0);
    /*@ assert access_2m_region: P2M_L2_CASE(gfn) ==>
              \forall integer g2, m, a; 0 <= g2 <= P2M_MAX_GFN && g2 / 512 == gfn / 512 &&
                p2m_hw_maps(P2M_FMT0, P2M_ROOT0, g2, m, a) ==> m == pte_l_addr_2m(pos->entry) + g2 % 512; */
}

/*
 * set_access of the level-1 table gfn's level-2 slot (at pos) points to:
 * every present entry gets the new rights, keeping its frame.  A present
 * level-2 entry the CPU follows neither as a leaf nor as a table is
 * malformed (p2m.c never writes one): refused, nothing changed; so is a
 * table holding a grant mapping (-XEN_ENXIO) or nothing (-XEN_ENOENT).
 */
/*@ requires p2m_rw(p2m) && pte_format_ok(p2m->format) && pte_access_ok(p2m->format, access);
    requires \valid_read(pos) && pos_ok(pos) && pos->level == 2 && \separated(pos, MEM_WORDS);
    requires pos->index == p2m_l_index(gfn, 2);
    requires pos->table == p2m_hw_t2(p2m->root, gfn) && pos->entry == p2m_hw_word(pos->table, pos->index);
    assigns hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures \result == 0 || \result == -XEN_EINVAL || \result == -XEN_ENOENT || \result == -XEN_ENXIO;
    ensures access_table_2m_view: \result == 0 && P2M_L2_CASE(gfn) ==> P2M_L1_FRAMES_2M(gfn);
    ensures access_table_2m_owned: \result == 0 && P2M_L2_CASE(gfn) ==> \forall integer dom; p2m_tables_owned{Pre}(P2M_FMT0, P2M_ROOT0, dom) ==>
                p2m_tables_owned(P2M_FMT0, P2M_ROOT0, dom); */
static int set_access_2m_table(const struct p2m *p2m, gfn_t gfn, const struct walk_pos *pos,
                               unsigned access)
{
    mfn_t l1 = pte_mfn(pos->entry);

    (void)gfn;   /* named for the contract */
    if (pte_hw_kind(p2m->format, 2, pos->entry) != PTE_HW_TABLE)
        return -XEN_EINVAL;
    if (l1_present(p2m, l1) == 0)
        return -XEN_ENOENT;
    if (l1_has_foreign(p2m, l1))
        return -XEN_ENXIO;
    //@ assert access_l1_table: P2M_L2_CASE(gfn) ==> p2m_hw_has1(P2M_FMT0, P2M_ROOT0, gfn) && l1 == P2M_L1_TABLE0(gfn);
    l1_set_access(p2m, l1, access);
    //@ assert access_table_tree: P2M_L2_CASE(gfn) ==> p2m_hw_tree(P2M_FMT0, P2M_ROOT0);
    return 0;
}

/*@ requires frame_heap_inv && p2m_rw(p2m) && pte_format_ok(p2m->format);
    requires pte_access_ok(p2m->format, access);
    assigns hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures \result == 0 || \result == -XEN_EINVAL || \result == -XEN_ENOENT || \result == -XEN_ENXIO;
    ensures access_2m_view: \result == 0 && P2M_L2_CASE(gfn) && pte_l_large(P2M_L2_WORD0(gfn)) ==>
              P2M_AT_2M(gfn, pte_l_addr_2m(P2M_L2_WORD0(gfn)));
    ensures access_2m_table_view: \result == 0 && P2M_L2_CASE(gfn) && !pte_l_large(P2M_L2_WORD0(gfn)) ==>
              P2M_L1_FRAMES_2M(gfn);
    ensures access_2m_owned: \result == 0 && P2M_L2_CASE(gfn) ==> \forall integer dom; p2m_tables_owned{Pre}(P2M_FMT0, P2M_ROOT0, dom) ==>
                p2m_tables_owned(P2M_FMT0, P2M_ROOT0, dom); */
static int set_access_2m(struct p2m *p2m, gfn_t gfn, unsigned access)
{
    struct walk_pos pos;

    if (!p2m_descend(p2m, gfn, 2, &pos) || pos.level != 2 ||
        !pte_present(p2m->format, pos.entry))
        return -XEN_ENOENT;
    /* As in unmap_2m: the case carried to the helper's entry. */
    //@ assert p2m_hw_same{Pre, Here};
    /*@ assert P2M_L2_CASE(gfn) ==>
              p2m_hw_tree(P2M_FMT0, P2M_ROOT0) && p2m_hw_has2(P2M_FMT0, P2M_ROOT0, gfn) &&
              (\forall integer g2, m, a; p2m_hw_maps(P2M_FMT0, P2M_ROOT0, g2, m, a) <==>
                 p2m_hw_maps{Pre}(P2M_FMT0, P2M_ROOT0, g2, m, a)); */
    //@ assert p2m->format == P2M_FMT0 && p2m->root == P2M_ROOT0;
    //@ assert access_2m_slot: pos.table == p2m_hw_t2(P2M_ROOT0, gfn) && pos.index == p2m_l_index(gfn, 2);
    //@ assert access_2m_word: P2M_L2_CASE(gfn) ==> pos.entry == P2M_L2_WORD0(gfn);
    if (pte_is_large(p2m->format, pos.entry)) {
        set_access_2m_leaf(p2m, gfn, &pos, access);
        return 0;
    }
    //@ assert access_2m_l1: P2M_L2_CASE(gfn) ==> p2m_hw_t1(P2M_ROOT0, gfn) == P2M_L1_TABLE0(gfn);
    /*@ assert access_2m_l1_words: \forall integer t, j; p2m_hw_word(t, j) == p2m_hw_word{Pre}(t, j); */
    return set_access_2m_table(p2m, gfn, &pos, access);
}

/* (Besides its contract in hv/p2m.h: what a 4 KiB set_access does to the
 * hardware view; see P2M_MAPPED_4K: the frame stays the one gfn mapped.) */
/*@ ensures access_4k_view: order == P2M_ORDER_4K ==> P2M_MAPPED_4K(gfn, P2M_L1_FRAME0(gfn));
    ensures access_in_2m_view: order == P2M_ORDER_4K ==>
              (\result == 0 && P2M_IN_2M_LEAF_CASE(gfn) ==> P2M_AT_2M(gfn, pte_l_addr_2m(P2M_L2_WORD0(gfn))));
    ensures access_2m_view: order == P2M_ORDER_2M ==>
              (\result == 0 && P2M_L2_CASE(gfn) && pte_l_large(P2M_L2_WORD0(gfn)) ==>
                 P2M_AT_2M(gfn, pte_l_addr_2m(P2M_L2_WORD0(gfn))));
    ensures access_2m_table_view: order == P2M_ORDER_2M ==>
              (\result == 0 && P2M_L2_CASE(gfn) && !pte_l_large(P2M_L2_WORD0(gfn)) ==>
                 P2M_L1_FRAMES_2M(gfn));
    ensures access_owned: order == P2M_ORDER_4K ==>
              (\result == 0 && P2M_L1_CASE(gfn) &&
               p2m_tables_owned{Pre}(P2M_FMT0, P2M_ROOT0, \at(p2m->owner, Pre)) ==>
                 p2m_tables_owned(P2M_FMT0, P2M_ROOT0, \at(p2m->owner, Pre)));
    ensures access_2m_owned: order == P2M_ORDER_2M ==>
              (\result == 0 && P2M_L2_CASE(gfn) &&
               p2m_tables_owned{Pre}(P2M_FMT0, P2M_ROOT0, \at(p2m->owner, Pre)) ==>
                 p2m_tables_owned(P2M_FMT0, P2M_ROOT0, \at(p2m->owner, Pre))); */
int p2m_set_access(struct p2m *p2m, gfn_t gfn, unsigned order, unsigned access)
{
    int rc = check_target(p2m, gfn, order);

    p2m->generation++;
    if (rc != 0)
        return rc;
    //@ assert p2m_hw_same{Pre, Here};
    if (!pte_access_valid(p2m->format, access))
        return -XEN_EINVAL;
    return order == P2M_ORDER_2M ? set_access_2m(p2m, gfn, access)
                                 : set_access_4k(p2m, gfn, access);
}

/* ---- teardown ------------------------------------------------------------------------------ */

/* Free the table `table` at `level` and everything below it. */
/*@ requires frame_heap_inv && p2m_rw(p2m) && 1 <= level <= 4;
    decreases level;
    assigns HEAP_STATE, hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures frame_heap_inv; */
static int teardown_table(struct p2m *p2m, mfn_t table, unsigned level)
{
    uint64_t *t = hal_mem_table(table);
    int rc = 0;

    if (t == NULL)
        return -XEN_EINVAL;
    /*@ loop invariant 0 <= i <= 512 && frame_heap_inv;
        loop assigns i, rc, HEAP_STATE, hal_mem_words[0 .. HAL_MEM_WORDS - 1];
        loop variant 512 - i; */
    for (unsigned i = 0; i < ENTRIES_PER_TABLE; i++) {
        uint64_t e = t[i];

        if (!pte_present(p2m->format, e))
            continue;
        t[i] = 0;
        if (level == 1 && pte_is_foreign(p2m->format, e)) {
            /* A grant mapping: the frame is its owner's, which keeps it. */
            if (put_refs(pte_mfn(e), 1, frame_owner(pte_mfn(e))) != 0)
                rc = -XEN_EINVAL;
        } else if (level == 1 || (level == 2 && pte_is_large(p2m->format, e))) {
            bool large = level == 2;
            if (put_refs(large ? pte_mfn_2m(e) : pte_mfn(e),
                         large ? ENTRIES_PER_TABLE : 1U, p2m->owner) != 0)
                rc = -XEN_EINVAL;
        } else if (level > 2 && pte_is_large(p2m->format, e)) {
            rc = -XEN_EINVAL;
        } else if (teardown_table(p2m, pte_mfn(e), level - 1) != 0) {
            rc = -XEN_EINVAL;
        }
    }
    if (table_free(p2m->owner, table) != 0)
        rc = -XEN_EINVAL;
    return rc;
}

int p2m_teardown(struct p2m *p2m)
{
    int rc = 0;

    p2m->generation++;
    if (p2m->root != INVALID_MFN)
        rc = teardown_table(p2m, p2m->root, P2M_LEVELS);
    p2m->root = INVALID_MFN;
    p2m->nr_tables = 0;
    p2m->nr_mapped = 0;
    p2m->nr_foreign = 0;
    p2m->root_map = NULL;
    p2m->root_map_mfn = INVALID_MFN;
    return rc;
}
