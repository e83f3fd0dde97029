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

#include "hal/hal.h"
#include "xen/errno.h"

#define ENTRIES_PER_TABLE 512U
#define LEVEL_SHIFT       9U
/* Tables one change can need: L3 + L2 + L1 for a 4 KiB map under the root. */
#define P2M_SPARE_MAX     3U

struct spare {
    mfn_t mfn[P2M_SPARE_MAX];
    unsigned nr;
};

/* Where a walk toward a gfn stopped. */
struct walk_pos {
    unsigned level;   /* level of `table` */
    mfn_t table;      /* table page holding `entry` */
    unsigned index;   /* slot of the entry in `table` */
    uint64_t entry;   /* the entry: not present, a leaf, or (at the target level) a table */
};

/*@ assigns \nothing;
    ensures \result == p2m_pages(order); */
static unsigned order_pages(unsigned order)
{
    return order == P2M_ORDER_2M ? ENTRIES_PER_TABLE : 1U;
}

/*
 * Walk toward gfn until level `stop`, a non-present entry or a leaf.  False
 * when a table cannot be mapped or a 1 GiB leaf is met (malformed p2m).
 */
static bool p2m_descend(const struct p2m *p2m, gfn_t gfn, unsigned stop, struct walk_pos *pos)
{
    mfn_t table = p2m->root;

    for (unsigned level = P2M_LEVELS; level >= stop; level--) {
        const uint64_t *t = hal_table_map(table);
        uint64_t e;

        if (t == NULL)
            return false;
        e = t[p2m_table_index(gfn, level)];
        *pos = (struct walk_pos){ level, table, p2m_table_index(gfn, level), e };
        if (level == stop || !pte_present(p2m->format, e))
            return true;
        if (pte_is_large(p2m->format, e))
            return level == 2;
        table = pte_mfn(e);
    }
    return false;
}

/* ---- table pages ---------------------------------------------------------- */

/* A zeroed table page owned by `owner`, typed and referenced once. */
static mfn_t table_alloc(domid_t owner)
{
    mfn_t m = frame_alloc(0, owner);

    if (m == INVALID_MFN)
        return INVALID_MFN;
    /* A fresh frame of `owner` is untyped and unreferenced: neither can fail. */
    (void)frame_set_type(m, 1, owner, FRAME_TYPE_P2M_TABLE);
    (void)frame_ref_get(m, 1, owner, FRAME_TYPE_P2M_TABLE);
    return m;
}

/* Undo table_alloc: the page must hold no live entry any more. */
static int table_free(domid_t owner, mfn_t m)
{
    int rc = frame_ref_put(m, 1, owner);

    if (rc == 0)
        rc = frame_set_type(m, 1, owner, FRAME_TYPE_NONE);
    if (rc == 0)
        rc = frame_free(m, 0, owner);   /* scrubs */
    return rc;
}

/* Allocate `need` table pages up front; all or nothing. */
static int spare_fill(const struct p2m *p2m, struct spare *s, unsigned need)
{
    s->nr = 0;
    while (s->nr < need) {
        mfn_t m = table_alloc(p2m->owner);

        if (m == INVALID_MFN) {
            while (s->nr > 0)
                (void)table_free(p2m->owner, s->mfn[--s->nr]);
            return -XEN_ENOMEM;
        }
        s->mfn[s->nr++] = m;
    }
    return 0;
}

static mfn_t spare_take(struct p2m *p2m, struct spare *s)
{
    p2m->nr_tables++;
    return s->mfn[--s->nr];
}

/* Link a fresh table below entry `index` of `table`. */
static mfn_t link_table(struct p2m *p2m, struct spare *s, mfn_t table, unsigned index)
{
    mfn_t t = spare_take(p2m, s);

    hal_table_map(table)[index] = pte_make_table(p2m->format, t);
    return t;
}

/*
 * Replace the 2 MiB leaf at pos by a level-1 table of 512 4 KiB leaves with
 * the same frames and rights, except that entry `index` becomes `entry`
 * (the change the split is for).  The table is complete before it is
 * linked, so the CPU sees the old leaf or the final table, never a table
 * with the old entry at `index`.  References are unchanged: the 512 frames
 * keep theirs (the caller drops the one of the frame it replaced).
 */
static void split_2m(struct p2m *p2m, struct spare *s, const struct walk_pos *pos,
                     unsigned index, uint64_t entry)
{
    mfn_t base = pte_mfn_2m(pos->entry);
    unsigned access = pte_access(p2m->format, pos->entry);
    mfn_t l1 = spare_take(p2m, s);
    uint64_t *t = hal_table_map(l1);

    for (unsigned i = 0; i < ENTRIES_PER_TABLE; i++)
        t[i] = pte_make_leaf(p2m->format, base + i, access, false);
    t[index] = entry;
    hal_table_map(pos->table)[pos->index] = pte_make_table(p2m->format, l1);
}

/* Number of present entries of level-1 table l1. */
static unsigned l1_present(const struct p2m *p2m, mfn_t l1)
{
    const uint64_t *t = hal_table_map(l1);
    unsigned n = 0;

    if (t == NULL)
        return 0;
    for (unsigned i = 0; i < ENTRIES_PER_TABLE; i++)
        n += pte_present(p2m->format, t[i]) ? 1U : 0U;
    return n;
}

/* Does level-1 table l1 hold a foreign leaf?  (An unmappable table counts as
 * one: the caller refuses rather than guess.) */
static bool l1_has_foreign(const struct p2m *p2m, mfn_t l1)
{
    const uint64_t *t = hal_table_map(l1);

    if (t == NULL)
        return true;
    for (unsigned i = 0; i < ENTRIES_PER_TABLE; i++)
        if (pte_present(p2m->format, t[i]) && pte_is_foreign(p2m->format, t[i]))
            return true;
    return false;
}

/* ---- init ------------------------------------------------------------------------ */

int p2m_init(struct p2m *p2m, domid_t owner, enum pte_format fmt)
{
    mfn_t root;

    if (owner >= DOMID_FIRST_RESERVED || (fmt != PTE_FORMAT_NPT && fmt != PTE_FORMAT_EPT))
        return -XEN_EINVAL;
    root = table_alloc(owner);
    if (root == INVALID_MFN)
        return -XEN_ENOMEM;
    *p2m = (struct p2m){ .root = root, .owner = owner, .format = fmt,
                         .nr_tables = 1, .nr_mapped = 0, .nr_foreign = 0, .generation = 0,
                         .root_map = hal_table_map(root), .root_map_mfn = root };
    return 0;
}

/* Shared argument checks of map/unmap/set_access. */
/*@ requires \valid_read(p2m);
    assigns \nothing;
    ensures \result == 0 || \result == -XEN_EINVAL;
    ensures \result == 0 ==> p2m_order_ok(order) && 0 <= gfn <= P2M_MAX_GFN &&
                              gfn % p2m_pages(order) == 0 && p2m->root != INVALID_MFN;
    ensures !p2m_gfn_ok(gfn, order) ==> \result == -XEN_EINVAL; */
static int check_target(const struct p2m *p2m, gfn_t gfn, unsigned order)
{
    if (p2m->root == INVALID_MFN || (order != P2M_ORDER_4K && order != P2M_ORDER_2M))
        return -XEN_EINVAL;
    if (gfn > P2M_MAX_GFN || (gfn & (order_pages(order) - 1U)) != 0)
        return -XEN_EINVAL;
    return 0;
}

/* Clear every present entry of level-1 table l1 (dropping references);
 * returns how many there were. */
static unsigned l1_clear(struct p2m *p2m, mfn_t l1)
{
    uint64_t *t = hal_table_map(l1);
    unsigned n = 0;

    if (t == NULL)
        return 0;
    for (unsigned i = 0; i < ENTRIES_PER_TABLE; i++) {
        if (pte_present(p2m->format, t[i])) {
            (void)frame_ref_put(pte_mfn(t[i]), 1, p2m->owner);
            t[i] = 0;
            n++;
        }
    }
    return n;
}

/* ---- map ---------------------------------------------------------------------------- */

/* What a map does at the place its walk stopped (planned before any change). */
struct map_plan {
    unsigned need;   /* table pages to allocate: the missing levels, or 1 for a split */
    bool split;      /* 4 KiB inside a 2 MiB leaf */
    uint64_t old;    /* present entry replaced at the target level, else 0 */
};

/*
 * pos is where p2m_descend stopped: at the target level, at a non-present
 * entry above it, or (4 KiB map) at a 2 MiB leaf, which must be split.
 * -XEN_EINVAL when what would be replaced holds a foreign leaf (only
 * p2m_unmap_foreign removes one), or when a level-1 table to be replaced
 * cannot be mapped (only a malformed p2m has one).
 */
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
            l1_has_foreign(p2m, pte_mfn(pos->entry)))
            return -XEN_EINVAL;
    } else {
        *mp = (struct map_plan){ 1, true, 0 };
    }
    return 0;
}

/*
 * Drop what a map replaced at the target level: a 4 KiB leaf, a 2 MiB leaf,
 * or a level-1 table with its leaves (the table is freed).
 */
static void map_release(struct p2m *p2m, unsigned target, uint64_t old)
{
    if (!pte_present(p2m->format, old))
        return;
    if (target == 1) {
        (void)frame_ref_put(pte_mfn(old), 1, p2m->owner);
        p2m->nr_mapped--;
    } else if (pte_is_large(p2m->format, old)) {
        (void)frame_ref_put(pte_mfn_2m(old), ENTRIES_PER_TABLE, p2m->owner);
        p2m->nr_mapped -= ENTRIES_PER_TABLE;
    } else {
        p2m->nr_mapped -= l1_clear(p2m, pte_mfn(old));
        (void)table_free(p2m->owner, pte_mfn(old));
        p2m->nr_tables--;
    }
}

/*
 * The plan of a map at gfn (target level 1 or 2), with the table pages it
 * needs taken: 0, or the error that leaves everything as it was.
 */
static int map_prepare(const struct p2m *p2m, gfn_t gfn, unsigned target, struct walk_pos *pos,
                       struct map_plan *mp, struct spare *s)
{
    int rc;

    if (!p2m_descend(p2m, gfn, target, pos))
        return -XEN_EINVAL;
    rc = map_plan(p2m, target, pos, mp);
    if (rc == 0)
        rc = spare_fill(p2m, s, mp->need);
    return rc;
}

/*
 * Apply a prepared map (nothing here can fail; the spare pages are exactly
 * what is linked): write `leaf`, linking missing tables or splitting a
 * 2 MiB leaf, and drop what it replaced.  The owner's RAM leaves the
 * replacement removed are taken off nr_mapped; the caller counts the new
 * leaf.
 */
static void map_apply(struct p2m *p2m, gfn_t gfn, unsigned target, const struct walk_pos *pos,
                      const struct map_plan *mp, struct spare *s, uint64_t leaf)
{
    mfn_t table = pos->table;

    if (mp->split) {
        unsigned i = p2m_table_index(gfn, 1);

        split_2m(p2m, s, pos, i, leaf);
        (void)frame_ref_put(pte_mfn_2m(pos->entry) + i, 1, p2m->owner);
        p2m->nr_mapped--;     /* the one page of the 2 MiB leaf replaced */
        return;
    }
    for (unsigned level = pos->level; level > target; level--)
        table = link_table(p2m, s, table, p2m_table_index(gfn, level));
    hal_table_map(table)[p2m_table_index(gfn, target)] = leaf;
    map_release(p2m, target, mp->old);
}

int p2m_map(struct p2m *p2m, gfn_t gfn, mfn_t mfn, unsigned order, unsigned access)
{
    unsigned target = order == P2M_ORDER_2M ? 2U : 1U;
    struct walk_pos pos;
    struct map_plan mp;
    struct spare s;
    int rc = check_target(p2m, gfn, order);

    p2m->generation++;
    if (rc != 0)
        return rc;
    if (!pte_access_valid(p2m->format, access) || mfn > PTE_MFN_MAX ||
        (mfn & (order_pages(order) - 1U)) != 0)
        return -XEN_EINVAL;
    rc = frame_ref_check(mfn, order_pages(order), p2m->owner, FRAME_TYPE_GUEST_RAM);
    if (rc == 0)
        rc = map_prepare(p2m, gfn, target, &pos, &mp, &s);
    if (rc != 0)
        return rc;
    (void)frame_ref_get(mfn, order_pages(order), p2m->owner, FRAME_TYPE_GUEST_RAM);
    map_apply(p2m, gfn, target, &pos, &mp, &s,
              pte_make_leaf(p2m->format, mfn, access, order == P2M_ORDER_2M));
    p2m->nr_mapped += order_pages(order);
    return 0;
}

/* ---- foreign (grant) leaves ---------------------------------------------------------- */

int p2m_map_foreign(struct p2m *p2m, gfn_t gfn, mfn_t mfn, unsigned access, domid_t granter)
{
    struct walk_pos pos;
    struct map_plan mp;
    struct spare s;
    int rc = check_target(p2m, gfn, P2M_ORDER_4K);

    p2m->generation++;
    if (rc != 0)
        return rc;
    if (!pte_access_valid(p2m->format, access) || mfn > PTE_MFN_MAX)
        return -XEN_EINVAL;
    /* The granter's RAM (refused otherwise: free, the hypervisor's, a table page). */
    rc = frame_ref_check(mfn, 1, granter, FRAME_TYPE_GUEST_RAM);
    if (rc == 0)
        rc = map_prepare(p2m, gfn, 1, &pos, &mp, &s);
    if (rc != 0)
        return rc;
    (void)frame_ref_get(mfn, 1, granter, FRAME_TYPE_GUEST_RAM);
    map_apply(p2m, gfn, 1, &pos, &mp, &s, pte_make_foreign(p2m->format, mfn, access));
    p2m->nr_foreign++;
    return 0;
}

/* Walk to the 4 KiB leaf at gfn: true with pos at level 1 when it is present and foreign. */
static bool find_foreign(const struct p2m *p2m, gfn_t gfn, struct walk_pos *pos)
{
    if (p2m->root == INVALID_MFN || gfn > P2M_MAX_GFN || !p2m_descend(p2m, gfn, 1, pos))
        return false;
    return pos->level == 1 && pte_present(p2m->format, pos->entry) &&
           pte_is_foreign(p2m->format, pos->entry);
}

int p2m_unmap_foreign(struct p2m *p2m, gfn_t gfn, mfn_t mfn)
{
    struct walk_pos pos;

    p2m->generation++;
    if (p2m->root == INVALID_MFN || gfn > P2M_MAX_GFN || !p2m_descend(p2m, gfn, 1, &pos))
        return -XEN_EINVAL;
    if (!pte_present(p2m->format, pos.entry))
        return -XEN_ENOENT;
    /* Only the grant mapping named: never the owner's RAM, never another frame. */
    if (pos.level != 1 || !pte_is_foreign(p2m->format, pos.entry) || pte_mfn(pos.entry) != mfn ||
        frame_ref_put(mfn, 1, frame_owner(mfn)) != 0)
        return -XEN_EINVAL;
    hal_table_map(pos.table)[pos.index] = 0;
    p2m->nr_foreign--;
    return 0;
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

/* Rewrite the rights of every present entry of level-1 table l1. */
static void l1_set_access(const struct p2m *p2m, mfn_t l1, unsigned access)
{
    uint64_t *t = hal_table_map(l1);

    for (unsigned i = 0; i < ENTRIES_PER_TABLE; i++)
        if (pte_present(p2m->format, t[i]))
            t[i] = pte_make_leaf(p2m->format, pte_mfn(t[i]), access, false);
}

/* Walk for a 4 KiB change: pos at level 1, or at a 2 MiB leaf (split needed). */
static int find_4k(const struct p2m *p2m, gfn_t gfn, struct walk_pos *pos, bool *split)
{
    if (!p2m_descend(p2m, gfn, 1, pos) || !pte_present(p2m->format, pos->entry))
        return -XEN_ENOENT;
    *split = pos->level == 2;   /* descend stops above level 1 only at a 2 MiB leaf */
    return 0;
}

static int unmap_4k(struct p2m *p2m, gfn_t gfn)
{
    struct walk_pos pos;
    struct spare s;
    bool split;
    int rc = find_4k(p2m, gfn, &pos, &split);

    if (rc == 0 && !split && pte_is_foreign(p2m->format, pos.entry))
        rc = -XEN_ENXIO;          /* a grant mapping: p2m_unmap_foreign's to remove */
    if (rc == 0 && split)
        rc = spare_fill(p2m, &s, 1);
    if (rc != 0)
        return rc;
    if (split) {
        unsigned i = p2m_table_index(gfn, 1);

        split_2m(p2m, &s, &pos, i, 0);
        (void)frame_ref_put(pte_mfn_2m(pos.entry) + i, 1, p2m->owner);
    } else {
        (void)frame_ref_put(pte_mfn(pos.entry), 1, p2m->owner);
        hal_table_map(pos.table)[pos.index] = 0;
    }
    p2m->nr_mapped--;
    return 0;
}

static int unmap_2m(struct p2m *p2m, gfn_t gfn)
{
    struct walk_pos pos;

    if (!p2m_descend(p2m, gfn, 2, &pos) || pos.level != 2 ||
        !pte_present(p2m->format, pos.entry))
        return -XEN_ENOENT;
    if (pte_is_large(p2m->format, pos.entry)) {
        (void)frame_ref_put(pte_mfn_2m(pos.entry), ENTRIES_PER_TABLE, p2m->owner);
        hal_table_map(pos.table)[pos.index] = 0;
        p2m->nr_mapped -= ENTRIES_PER_TABLE;
        return 0;
    }
    if (l1_present(p2m, pte_mfn(pos.entry)) == 0)
        return -XEN_ENOENT;
    if (l1_has_foreign(p2m, pte_mfn(pos.entry)))
        return -XEN_ENXIO;
    p2m->nr_mapped -= l1_clear(p2m, pte_mfn(pos.entry));
    hal_table_map(pos.table)[pos.index] = 0;
    (void)table_free(p2m->owner, pte_mfn(pos.entry));
    p2m->nr_tables--;
    return 0;
}

int p2m_unmap(struct p2m *p2m, gfn_t gfn, unsigned order)
{
    int rc = check_target(p2m, gfn, order);

    p2m->generation++;
    if (rc != 0)
        return rc;
    return order == P2M_ORDER_2M ? unmap_2m(p2m, gfn) : unmap_4k(p2m, gfn);
}

static int set_access_4k(struct p2m *p2m, gfn_t gfn, unsigned access)
{
    struct walk_pos pos;
    struct spare s;
    bool split;
    int rc = find_4k(p2m, gfn, &pos, &split);

    if (rc == 0 && !split && pte_is_foreign(p2m->format, pos.entry))
        rc = -XEN_ENXIO;          /* a grant mapping keeps the grant's rights */
    if (rc != 0)
        return rc;
    if (split && pte_access(p2m->format, pos.entry) == access)
        return 0;                /* nothing changes: keep the 2 MiB leaf */
    if (split) {
        unsigned i = p2m_table_index(gfn, 1);

        rc = spare_fill(p2m, &s, 1);
        if (rc != 0)
            return rc;
        split_2m(p2m, &s, &pos, i, pte_make_leaf(p2m->format, pte_mfn_2m(pos.entry) + i,
                                                 access, false));
        return 0;
    }
    hal_table_map(pos.table)[pos.index] =
        pte_make_leaf(p2m->format, pte_mfn(pos.entry), access, false);
    return 0;
}

static int set_access_2m(struct p2m *p2m, gfn_t gfn, unsigned access)
{
    struct walk_pos pos;

    if (!p2m_descend(p2m, gfn, 2, &pos) || pos.level != 2 ||
        !pte_present(p2m->format, pos.entry))
        return -XEN_ENOENT;
    if (pte_is_large(p2m->format, pos.entry)) {
        hal_table_map(pos.table)[pos.index] =
            pte_make_leaf(p2m->format, pte_mfn_2m(pos.entry), access, true);
        return 0;
    }
    if (l1_present(p2m, pte_mfn(pos.entry)) == 0)
        return -XEN_ENOENT;
    if (l1_has_foreign(p2m, pte_mfn(pos.entry)))
        return -XEN_ENXIO;
    l1_set_access(p2m, pte_mfn(pos.entry), access);
    return 0;
}

int p2m_set_access(struct p2m *p2m, gfn_t gfn, unsigned order, unsigned access)
{
    int rc = check_target(p2m, gfn, order);

    p2m->generation++;
    if (rc != 0)
        return rc;
    if (!pte_access_valid(p2m->format, access))
        return -XEN_EINVAL;
    return order == P2M_ORDER_2M ? set_access_2m(p2m, gfn, access)
                                 : set_access_4k(p2m, gfn, access);
}

/* ---- teardown ------------------------------------------------------------------------------ */

/* Free the table `table` at `level` and everything below it. */
/*@ decreases level; */
static int teardown_table(struct p2m *p2m, mfn_t table, unsigned level)
{
    uint64_t *t = hal_table_map(table);
    int rc = 0;

    if (t == NULL)
        return -XEN_EINVAL;
    for (unsigned i = 0; i < ENTRIES_PER_TABLE; i++) {
        uint64_t e = t[i];

        if (!pte_present(p2m->format, e))
            continue;
        t[i] = 0;
        if (level == 1 && pte_is_foreign(p2m->format, e)) {
            /* A grant mapping: the frame is its owner's, which keeps it. */
            if (frame_ref_put(pte_mfn(e), 1, frame_owner(pte_mfn(e))) != 0)
                rc = -XEN_EINVAL;
        } else if (level == 1 || (level == 2 && pte_is_large(p2m->format, e))) {
            bool large = level == 2;
            if (frame_ref_put(large ? pte_mfn_2m(e) : pte_mfn(e),
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
