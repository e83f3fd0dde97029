// SPDX-License-Identifier: GPL-2.0-only
/*
 * Read-only walks over a whole p2m (hv/p2m.h): the listing of its foreign
 * (grant) leaves, which domain teardown and the checkers use, and the
 * checker p2m_check.  Apart from p2m.c because they change nothing: they
 * read tables through hal_table_map and entries through hv/pte.h only.
 */
#include "hv/p2m.h"

#include "hal/hal.h"
#include "xen/errno.h"

#define ENTRIES_PER_TABLE 512U

/*@ // Gfns one entry of a level-`level` table covers, and the whole table.
    logic integer span_of(integer level) =
      level == 1 ? 1 : level == 2 ? 0x200 : level == 3 ? 0x40000 : 0x8000000;
    // A table at `level` whose first gfn is base lies inside the guest-physical space.
    predicate table_range_ok(integer level, integer base) =
      1 <= level <= 4 && 0 <= base && base + 512 * span_of(level) <= P2M_MAX_GFN + 1;
*/

/* ---- the foreign leaves ---------------------------------------------------------------- */

/* Gfns one entry of a level-`level` table covers. */
/*@ requires 1 <= level <= 4;
    assigns \nothing;
    ensures \result == span_of(level); */
static gfn_t level_span(unsigned level)
{
    return level == 1 ? 1U : level == 2 ? 0x200U : level == 3 ? 0x40000U : 0x8000000U;
}

/*
 * First foreign leaf at a gfn >= from below `table` (at `level`, its first
 * gfn `base`, from < base + 512 spans).  Recursion depth is the level.
 */
/*@ requires \valid_read(p2m) && \valid(gfn) && \valid(mfn) && \separated(gfn, mfn);
    requires table_range_ok(level, base);
    decreases level;
    assigns *gfn, *mfn;
    ensures \result ==> from <= *gfn <= P2M_MAX_GFN; */
static bool foreign_next(const struct p2m *p2m, mfn_t table, unsigned level, gfn_t base, gfn_t from,
                         gfn_t *gfn, mfn_t *mfn)
{
    const uint64_t *t = hal_table_map(table);
    gfn_t span = level_span(level);
    gfn_t first = from > base ? (from - base) / span : 0U;   /* entries wholly below from are skipped */

    if (t == NULL)
        return false;
    /*@ loop invariant (first < 512 ==> first <= i) && i <= 512;
        loop assigns i, *gfn, *mfn;
        loop variant 512 - i; */
    for (unsigned i = first < ENTRIES_PER_TABLE ? (unsigned)first : ENTRIES_PER_TABLE;
         i < ENTRIES_PER_TABLE; i++) {
        uint64_t e = t[i];
        gfn_t g = base + i * span;

        if (!pte_present(p2m->format, e))
            continue;
        if (level == 1) {
            if (pte_is_foreign(p2m->format, e) && g >= from) {
                *gfn = g;
                *mfn = pte_mfn(e);
                return true;
            }
        } else if (!pte_is_large(p2m->format, e) &&
                   foreign_next(p2m, pte_mfn(e), level - 1, g, from, gfn, mfn)) {
            return true;
        }
    }
    return false;
}

int p2m_foreign_next(const struct p2m *p2m, gfn_t from, gfn_t *gfn, mfn_t *mfn)
{
    if (p2m->root == INVALID_MFN || from > P2M_MAX_GFN ||
        !foreign_next(p2m, p2m->root, P2M_LEVELS, 0, from, gfn, mfn))
        return -XEN_ENOENT;
    return 0;
}

/* ---- the highest mapped gfn ---------------------------------------------------------------- */

/*
 * Highest gfn mapped below `table` (at `level`, its first gfn `base`), or
 * false if none.  Looks from the top entry down, so it stops at the first
 * leaf it meets.  Recursion depth is the level.
 */
/*@ requires \valid_read(p2m) && \valid(out);
    requires table_range_ok(level, base);
    decreases level;
    assigns *out;
    ensures \result ==> *out <= P2M_MAX_GFN; */
static bool highest_below(const struct p2m *p2m, mfn_t table, unsigned level, gfn_t base, gfn_t *out)
{
    const uint64_t *t = hal_table_map(table);
    gfn_t span = level_span(level);

    if (t == NULL)
        return false;
    /*@ loop invariant 0 <= i <= 512;
        loop assigns i, *out;
        loop variant i; */
    for (unsigned i = ENTRIES_PER_TABLE; i-- > 0;) {
        uint64_t e = t[i];
        gfn_t g = base + i * span;

        if (!pte_present(p2m->format, e))
            continue;
        if (level == 1 || (level == 2 && pte_is_large(p2m->format, e))) {
            *out = g + span - 1;
            return true;
        }
        if (pte_is_large(p2m->format, e))
            continue;                 /* no 1 GiB leaves in a well-formed p2m */
        if (highest_below(p2m, pte_mfn(e), level - 1, g, out))
            return true;
    }
    return false;
}

gfn_t p2m_highest_gfn(const struct p2m *p2m)
{
    gfn_t g = 0;

    if (p2m->root == INVALID_MFN || !highest_below(p2m, p2m->root, P2M_LEVELS, 0, &g) ||
        g > P2M_MAX_GFN)
        return 0;
    return g;
}

/* ---- checker --------------------------------------------------------------------------------- */

struct check_ctx {
    const struct p2m *p2m;
    uint32_t *counts;
    mfn_t nr;
    uint64_t tables;
    uint64_t mapped;
    uint64_t foreign;
};

/*@ // The counts the checker adds to lie apart from the checker, the p2m and the allocator
    // (whose invariant frame_owner and frame_type need).
    predicate check_ctx_ok{L}(struct check_ctx *c) =
      \valid(c) && \valid_read(c->p2m) && \valid(c->counts + (0 .. c->nr - 1)) &&
      \separated(c, c->counts + (0 .. c->nr - 1)) &&
      \separated(c, &frame_heap, &frame_nr_free, frame_free_head + (0 .. FRAME_MAX_ORDER),
                 frame_heap.table + (0 .. frame_heap.nr - 1),
                 hal_frame_zero_model + (0 .. frame_heap.nr - 1)) &&
      \separated(c->counts + (0 .. c->nr - 1), c->p2m, &frame_heap, &frame_nr_free,
                 frame_free_head + (0 .. FRAME_MAX_ORDER),
                 frame_heap.table + (0 .. frame_heap.nr - 1),
                 hal_frame_zero_model + (0 .. frame_heap.nr - 1));
*/

/* A foreign leaf's frame m: guest RAM of some guest (the owner's own grants included). */
/*@ requires frame_heap_inv && check_ctx_ok(c);
    assigns c->counts[0 .. c->nr - 1], c->foreign; */
static bool check_foreign(struct check_ctx *c, mfn_t m)
{
    if (m >= c->nr || frame_owner(m) >= DOMID_FIRST_RESERVED || frame_type(m) != FRAME_TYPE_GUEST_RAM)
        return false;
    c->counts[m]++;
    c->foreign++;
    return true;
}

/* Count references to frames [m, m + n) of guest RAM of the p2m's owner. */
/*@ requires frame_heap_inv && check_ctx_ok(c);
    assigns c->counts[0 .. c->nr - 1], c->mapped; */
static bool check_leaf(struct check_ctx *c, mfn_t m, mfn_t n)
{
    if (m >= c->nr || n > c->nr - m)
        return false;
    /*@ loop invariant m <= i <= m + n;
        loop assigns i, c->counts[0 .. c->nr - 1];
        loop variant m + n - i; */
    for (mfn_t i = m; i < m + n; i++) {
        if (frame_owner(i) != c->p2m->owner || frame_type(i) != FRAME_TYPE_GUEST_RAM)
            return false;
        c->counts[i]++;
    }
    c->mapped += n;
    return true;
}

/*@ requires frame_heap_inv && check_ctx_ok(c) && 1 <= level <= 4;
    decreases level;
    assigns c->counts[0 .. c->nr - 1], c->tables, c->mapped, c->foreign; */
static bool check_table(struct check_ctx *c, mfn_t table, unsigned level)
{
    const uint64_t *t;

    /* A table counted before is shared, or reached through a loop. */
    if (table >= c->nr || c->counts[table] != 0 || frame_owner(table) != c->p2m->owner ||
        frame_type(table) != FRAME_TYPE_P2M_TABLE)
        return false;
    t = hal_table_map(table);
    if (t == NULL)
        return false;
    c->counts[table] = 1;
    c->tables++;
    /*@ loop invariant 0 <= i <= 512;
        loop assigns i, c->counts[0 .. c->nr - 1], c->tables, c->mapped, c->foreign;
        loop variant 512 - i; */
    for (unsigned i = 0; i < ENTRIES_PER_TABLE; i++) {
        uint64_t e = t[i];
        bool ok;

        if (!pte_present(c->p2m->format, e))
            continue;
        if (pte_hw_kind(c->p2m->format, level, e) == PTE_HW_BAD)
            return false;     /* present to p2m.c, refused by the CPU: not what p2m.c writes */
        if (pte_is_foreign(c->p2m->format, e))
            ok = level == 1 && check_foreign(c, pte_mfn(e));
        else if (level == 1)
            ok = check_leaf(c, pte_mfn(e), 1);
        else if (pte_is_large(c->p2m->format, e))
            ok = level == 2 && pte_mfn(e) % ENTRIES_PER_TABLE == 0 &&
                 check_leaf(c, pte_mfn_2m(e), ENTRIES_PER_TABLE);
        else
            ok = check_table(c, pte_mfn(e), level - 1);
        if (!ok)
            return false;
    }
    return true;
}

bool p2m_check(const struct p2m *p2m, uint32_t *counts, mfn_t nr)
{
    struct check_ctx c = { p2m, counts, nr, 0, 0, 0 };

    if (p2m->root == INVALID_MFN)
        return p2m->nr_tables == 0 && p2m->nr_mapped == 0 && p2m->nr_foreign == 0;
    if (!check_table(&c, p2m->root, P2M_LEVELS))
        return false;
    return c.tables == p2m->nr_tables && c.mapped == p2m->nr_mapped && c.foreign == p2m->nr_foreign;
}
