// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest page walk (see hv/guest_walk.h and docs/MEMORY.md).
 *
 * One walk has two halves: evaluate (read entries through the p2m, check
 * present and reserved bits level by level, then the permissions of the
 * combined rights, then that every entry needing an A/D update sits in a
 * page the p2m lets us write), and only when all of that passed, commit the
 * A/D bits.  A walk that faults has therefore written nothing.
 *
 * Every walk runs in a walker (hv/guest_walk.h), which the exported
 * one-shot functions make for one address and a copy keeps for all its
 * pages: it carries the p2m lookup cursor and the levels a walk shares
 * with the previous one.
 */
#include "hv/guest_walk.h"

#include "hal/hal.h"
#include "xen/errno.h"

/* Guest paging-structure entry bits (SDM 4.3-4.5, APM 5.3-5.4). */
#define E_P    (1ULL << 0)
#define E_RW   (1ULL << 1)
#define E_US   (1ULL << 2)
#define E_A    (1ULL << 5)
#define E_D    (1ULL << 6)
#define E_PS   (1ULL << 7)
#define E_XD   (1ULL << 63)

#define ADDR_4K_64  0x000FFFFFFFFFF000ULL   /* bits 51:12 */
#define ADDR_4K_32  0xFFFFF000ULL           /* bits 31:12 */
#define ADDR_4M_32  0xFFC00000ULL           /* bits 31:22 */
#define PAE_CR3     0xFFFFFFE0ULL           /* bits 31:5: PDPT base */
#define LOW32       0xFFFFFFFFULL

/* read_entry runs once per level of every walk: compilers must inline it. */
#if defined(__GNUC__) || defined(__clang__)
#define GW_INLINE inline __attribute__((always_inline))
#else
#define GW_INLINE inline
#endif

/* ---- small accessors ------------------------------------------------------ */

/* Bits lo..hi (inclusive) set; 0 when hi < lo. */
/*@ requires lo <= 64 && hi <= 63;
    assigns \nothing; */
static uint64_t bit_range(unsigned hi, unsigned lo)
{
    if (hi < lo)
        return 0;
    return (~0ULL >> (63U - hi)) & ~((1ULL << lo) - 1ULL);
}

/*@ requires \valid_read(gp);
    assigns \nothing;
    ensures 32 <= \result <= 52; */
static unsigned gw_maxphyaddr(const struct guest_paging *gp)
{
    if (gp->maxphyaddr < 32U)
        return 32U;
    if (gp->maxphyaddr > 52U)
        return 52U;
    return gp->maxphyaddr;
}

enum gw_mode guest_paging_mode(const struct guest_paging *gp)
{
    if ((gp->cr0 & GW_CR0_PG) == 0)
        return GW_MODE_NONE;
    if ((gp->efer & GW_EFER_LMA) != 0)
        return GW_MODE_LONG4;
    if ((gp->cr4 & GW_CR4_PAE) != 0)
        return GW_MODE_PAE;
    return GW_MODE_2LEVEL;
}

/* 48-bit canonical: bits 63:47 all equal. */
/*@ assigns \nothing; */
static bool gw_canonical(uint64_t gla)
{
    uint64_t top = gla >> 47;

    return top == 0 || top == 0x1FFFFULL;
}

/* Number of levels, top level first. */
/*@ assigns \nothing;
    ensures 2 <= \result <= 4; */
static unsigned mode_levels(enum gw_mode mode)
{
    if (mode == GW_MODE_LONG4)
        return 4;
    if (mode == GW_MODE_PAE)
        return 3;
    return 2;
}

/* 32-bit paging: byte offset of the level-`level` entry for gla in its table. */
/*@ requires 1 <= level <= 2;
    assigns \nothing;
    ensures \result <= 4092; */
static uint64_t entry_offset32(unsigned level, uint64_t gla)
{
    return ((gla >> (12U + 10U * (level - 1U))) & 0x3FFULL) * 4U;
}

/* Guest-physical base of the top-level table. */
static uint64_t top_table(enum gw_mode mode, uint64_t cr3)
{
    if (mode == GW_MODE_2LEVEL)
        return cr3 & ADDR_4K_32;
    if (mode == GW_MODE_PAE)
        return cr3 & PAE_CR3;
    return cr3 & ADDR_4K_64;
}

/* 32-bit paging: is the entry a leaf (page) rather than a table pointer? */
static bool entry_is_leaf32(const struct guest_paging *gp, unsigned level, uint64_t e)
{
    return level == 1 || ((e & E_PS) != 0 && (gp->cr4 & GW_CR4_PSE) != 0);
}

/* 32-bit paging: guest-physical address of the next table or of the byte gla
 * maps to.  (PAE and 4-level walks compute theirs inline in walk64.) */
static uint64_t entry_target32(unsigned level, bool leaf, uint64_t e, uint64_t gla)
{
    if (!leaf || level == 1)
        return (e & ADDR_4K_32) | (leaf ? (gla & 0xFFFULL) : 0);
    /* PSE-36: bits 20:13 are physical-address bits 39:32. */
    return (e & ADDR_4M_32) | (((e >> 13) & 0xFFULL) << 32) | (gla & 0x3FFFFFULL);
}

static uint32_t access_error_code(const struct guest_paging *gp, enum gw_mode mode,
                                  unsigned access)
{
    uint32_t ec = 0;

    if ((access & GW_ACC_WRITE) != 0)
        ec |= PF_WRITE;
    if (gp->cpl == 3 && (access & GW_ACC_IMPLICIT) == 0)
        ec |= PF_USER;
    /* I/D only when fetches can fault for being fetches (SDM 4.7). */
    if ((access & GW_ACC_FETCH) != 0 &&
        ((gp->cr4 & GW_CR4_SMEP) != 0 ||
         (mode != GW_MODE_2LEVEL && (gp->efer & GW_EFER_NXE) != 0)))
        ec |= PF_INSTR;
    return ec;
}

/* ---- walker set-up ------------------------------------------------------------------ */

/*
 * The permission check (SDM 4.6) for combined rights r: bit 0 R/W, bit 1
 * U/S (both ANDed over the entries), bit 2 XD (ORed).
 */
static bool permitted(const struct guest_paging *gp, unsigned access, unsigned r)
{
    bool user = gp->cpl == 3 && (access & GW_ACC_IMPLICIT) == 0;
    bool write = (access & GW_ACC_WRITE) != 0;
    bool fetch = (access & GW_ACC_FETCH) != 0;
    bool w = (r & 1U) != 0, u = (r & 2U) != 0;
    bool nx = (gp->efer & GW_EFER_NXE) != 0 && (r & 4U) != 0;

    if (user)
        return u && (!write || w) && !(fetch && nx);
    if (fetch)
        return !(u && (gp->cr4 & GW_CR4_SMEP) != 0) && !nx;
    if (u && (gp->cr4 & GW_CR4_SMAP) != 0 &&
        ((access & GW_ACC_IMPLICIT) != 0 || (gp->rflags & GW_RFLAGS_AC) == 0))
        return false;
    return !write || w || (gp->cr0 & GW_CR0_WP) == 0;
}

/* The verdict for rights r, worked out once per walker (pages of a copy
 * mostly have the same rights). */
static bool walker_permits(struct gw_walker *w, unsigned r)
{
    if (((w->perm_known >> r) & 1U) == 0) {
        w->perm_known |= (uint8_t)(1U << r);
        if (permitted(w->gp, w->access, r))
            w->perm_ok |= (uint8_t)(1U << r);
    }
    return ((w->perm_ok >> r) & 1U) != 0;
}

/* Rights r of a fold (AND of the entries, XD inverted). */
static inline unsigned rights_index(uint64_t all)
{
    return (unsigned)((all & E_RW) >> 1) | (unsigned)((all & E_US) >> 1) |
           ((all & E_XD) != 0 ? 0U : 4U);
}

void gw_walker_init(struct gw_walker *w, const struct p2m *p2m, const struct guest_paging *gp,
                    unsigned access)
{
    unsigned m = gw_maxphyaddr(gp);
    unsigned m32 = m < 40U ? m : 40U;
    uint64_t xd = (gp->efer & GW_EFER_NXE) != 0 ? 0 : E_XD;

    p2m_cursor_init(&w->p2m, p2m);
    w->gp = gp;
    w->mode = guest_paging_mode(gp);
    w->access = access;
    w->bad_access = access > GW_ACC_ALL ||
                    (access & (GW_ACC_WRITE | GW_ACC_FETCH)) == (GW_ACC_WRITE | GW_ACC_FETCH);
    w->top = w->mode == GW_MODE_NONE ? 0 : mode_levels(w->mode);
    w->structure_only = false;
    w->valid = false;
    w->nr = 0;
    w->prev_gla = 0;
    w->rsvd = 0;
    w->rsvd_pdpte = 0;
    w->rsvd_4m = 0;
    if (w->mode == GW_MODE_LONG4) {
        w->rsvd = bit_range(51, m) | xd;       /* 4-level: bits 62:52 are ignored */
    } else if (w->mode == GW_MODE_PAE) {
        w->rsvd = bit_range(62, m) | xd;
        w->rsvd_pdpte = bit_range(63, m) | E_RW | E_US | bit_range(8, 5);
    } else {
        /* A 4 MiB PDE: bit 21 and the address bits PSE-36 cannot hold. */
        w->rsvd_4m = bit_range(21, 13U + (m32 - 32U));
    }
    w->ec = access_error_code(gp, w->mode, access);
    w->perm_known = 0;
    w->perm_ok = 0;
}

/* ---- reading one entry through the p2m ---------------------------------------- */

/*
 * Read the entry at entry_gpa (4 bytes when `narrow`) through the p2m into
 * lv; false when the p2m refuses to let it be read.
 */
static GW_INLINE bool read_entry(struct gw_walker *w, uint64_t entry_gpa, bool narrow,
                                 struct gw_level *lv)
{
    uint64_t *t;
    mfn_t mfn;
    unsigned acc;
    unsigned off = (unsigned)(entry_gpa & 0xFFFULL);

    lv->entry_gpa = entry_gpa;
    if (p2m_cursor_lookup(&w->p2m, entry_gpa >> PAGE_SHIFT, &mfn, &acc) != 0 ||
        (acc & P2M_ACCESS_R) == 0)
        return false;
    t = hal_table_map(mfn);
    if (t == NULL)
        return false;
    lv->word = &t[off >> 3];
    lv->entry = *lv->word;
    if (narrow)
        lv->entry = (lv->entry >> ((off & 4U) * 8U)) & LOW32;
    lv->p2m_w = (acc & P2M_ACCESS_W) != 0;
    lv->set = 0;
    lv->reported = false;
    return true;
}

/* An entry's pending bits as an update of its 8-byte word. */
static struct gw_ad level_ad(const struct gw_level *lv, enum gw_mode mode)
{
    unsigned shift = mode == GW_MODE_2LEVEL ? (unsigned)(lv->entry_gpa & 4U) * 8U : 0U;

    return (struct gw_ad){ lv->word, lv->set << shift };
}

void gw_ad_apply(const struct gw_ad *ad)
{
    *ad->word |= ad->bits;
}

/* ---- evaluation ---------------------------------------------------------------------- */

static void set_fault(struct gw_result *res, enum gw_status st, unsigned level)
{
    res->status = st;
    res->level = level;
}

static bool nested_fault(struct gw_result *res, unsigned level, uint64_t gpa)
{
    set_fault(res, GW_NESTED_FAULT, level);
    res->gpa = gpa;
    res->nested_access = P2M_ACCESS_R;
    return false;
}

static bool page_fault(struct gw_result *res, unsigned level, uint32_t ec)
{
    set_fault(res, GW_PAGE_FAULT, level);
    res->error_code = ec;
    return false;
}

/*
 * Once entry i's pending bits are known: whether it or an entry above has
 * some (`pend`), and which is the first (top down) whose page the p2m does
 * not let us write (`bad`; entries reused from the previous walk passed
 * that check).  The running values are the caller's.
 */
static inline void level_marks(struct gw_level *lv, unsigned i, bool *pend, uint8_t *bad)
{
    if (lv->set != 0) {
        *pend = true;
        if (*bad == GW_NO_LEVEL && !lv->p2m_w)
            *bad = (uint8_t)i;
    }
    lv->pend = *pend;
    lv->first_bad = *bad;
}

/*
 * PAE and 4-level walks (8-byte entries) from level top - k down to the
 * leaf; the k levels above come from the previous walk.  Fills w->lv[k ..]
 * and res.  (Separate from the 32-bit walk so that each loop tests its
 * own mode's bits: this is the path of every copy of a 64-bit guest.)
 */
static bool walk64(struct gw_walker *w, uint64_t gla, unsigned k, struct gw_result *res)
{
    bool pae = w->mode == GW_MODE_PAE, write = (w->access & GW_ACC_WRITE) != 0;
    bool check_rsvd = !w->structure_only;
    unsigned level = w->top - k;
    unsigned leaf_top = pae ? 2U : 3U;     /* highest level with large pages */
    uint64_t table, all = ~0ULL;
    bool pend = false;
    uint8_t bad = GW_NO_LEVEL;

    if (k == 0) {
        table = top_table(w->mode, w->gp->cr3);
    } else {
        table = w->lv[k - 1].entry & ADDR_4K_64;
        all = w->lv[k - 1].all;
        pend = w->lv[k - 1].pend;
        bad = w->lv[k - 1].first_bad;
    }
    for (unsigned i = k;; i++, level--) {
        struct gw_level *lv = &w->lv[i];
        unsigned shift = 12U + 9U * (level - 1U);
        uint64_t e, rsvd = w->rsvd;
        bool leaf;

        /* (The PAE PDPT index is gla bits 31:30: the same formula.) */
        w->nr = i;
        if (!read_entry(w, table + ((gla >> shift) & 0x1FFULL) * 8U, false, lv))
            return nested_fault(res, level, lv->entry_gpa);
        w->nr = i + 1U;
        e = lv->entry;
        if ((e & E_P) == 0)
            return page_fault(res, level, w->ec);
        leaf = level == 1 || (level <= leaf_top && (e & E_PS) != 0);
        if (level > leaf_top)
            rsvd = pae ? w->rsvd_pdpte : rsvd | E_PS;   /* PDPTE's own; PS in a PML4E */
        else if (leaf && level > 1)
            rsvd |= level == 2 ? bit_range(20, 13) : bit_range(29, 13);
        if (check_rsvd && (e & rsvd) != 0)
            return page_fault(res, level, w->ec | PF_PRESENT | PF_RSVD);
        if (!(pae && level == 3)) {             /* a PAE PDPTE has no rights and no A bit */
            all &= e ^ E_XD;
            lv->set = (e & E_A) ^ E_A;
        }
        lv->all = all;
        if (leaf) {
            if (write)
                lv->set |= (e & E_D) ^ E_D;
            level_marks(lv, i, &pend, &bad);
            res->gpa = (e & ADDR_4K_64 & ~((1ULL << shift) - 1U)) | (gla & ((1ULL << shift) - 1U));
            res->level = level;
            return true;
        }
        level_marks(lv, i, &pend, &bad);
        table = e & ADDR_4K_64;
    }
}

/* The same for 32-bit paging (4-byte entries, 4 MiB pages with CR4.PSE). */
static bool walk32(struct gw_walker *w, uint64_t gla, unsigned k, struct gw_result *res)
{
    unsigned level = w->top - k;
    uint64_t table, all = ~0ULL;

    if (k == 0) {
        table = top_table(w->mode, w->gp->cr3);
    } else {
        table = w->lv[k - 1].entry & ADDR_4K_32;
        all = w->lv[k - 1].all;
    }
    bool pend = k > 0 && w->lv[k - 1].pend;
    uint8_t bad = k > 0 ? w->lv[k - 1].first_bad : GW_NO_LEVEL;

    for (unsigned i = k;; i++, level--) {
        struct gw_level *lv = &w->lv[i];
        uint64_t e;
        bool leaf;

        w->nr = i;
        if (!read_entry(w, table + entry_offset32(level, gla), true, lv))
            return nested_fault(res, level, lv->entry_gpa);
        w->nr = i + 1U;
        e = lv->entry;
        if ((e & E_P) == 0)
            return page_fault(res, level, w->ec);
        leaf = entry_is_leaf32(w->gp, level, e);
        /* Only a 4 MiB PDE has reserved bits. */
        if (!w->structure_only && level == 2 && leaf && (e & w->rsvd_4m) != 0)
            return page_fault(res, level, w->ec | PF_PRESENT | PF_RSVD);
        all &= e ^ E_XD;                 /* (32-bit entries have no XD) */
        lv->set = (e & E_A) ^ E_A;
        lv->all = all;
        if (leaf) {
            if ((w->access & GW_ACC_WRITE) != 0)
                lv->set |= (e & E_D) ^ E_D;
            level_marks(lv, i, &pend, &bad);
            res->gpa = entry_target32(level, true, e, gla);
            res->level = level;
            return true;
        }
        level_marks(lv, i, &pend, &bad);
        table = entry_target32(level, false, e, gla);
    }
}

/* Lowest linear-address bit of the index at `level`: entries of two
 * addresses agree down to `level` when the addresses agree above it. */
static inline unsigned level_shift(enum gw_mode mode, unsigned level)
{
    return mode == GW_MODE_2LEVEL ? 12U + 10U * (level - 1U) : 12U + 9U * (level - 1U);
}

/*
 * How many top levels gla shares with the previous successful walk.  The
 * shared levels are a prefix, so look from the bottom: the next page of a
 * copy shares all but the leaf, or everything.
 */
static unsigned shared_levels(const struct gw_walker *w, uint64_t gla)
{
    uint64_t diff = gla ^ w->prev_gla;
    unsigned k = w->nr;

    if (!w->valid)
        return 0;
    while (k > 0 && (diff >> level_shift(w->mode, w->top + 1U - k)) != 0)
        k--;
    return k;
}

/* gla is in the page of the previous walk's leaf: the same verdict (it
 * passed), the same pending bits; only the offset differs. */
static int reuse_leaf(struct gw_walker *w, uint64_t gla, struct gw_result *res)
{
    const struct gw_level *leaf = &w->lv[w->nr - 1U];
    unsigned level = w->top + 1U - w->nr;
    uint64_t in_page = (1ULL << level_shift(w->mode, level)) - 1U;

    if (w->mode == GW_MODE_2LEVEL)
        res->gpa = entry_target32(level, true, leaf->entry, gla);
    else
        res->gpa = (leaf->entry & ADDR_4K_64 & ~in_page) | (gla & in_page);
    res->level = level;
    res->ad_pending = leaf->pend;
    w->prev_gla = gla;
    return 0;
}

/*
 * The common step of a copy: gla is in another page of the same page table
 * as the previous walk's 4 KiB leaf, so only its PTE is new.  The same
 * checks as the full walk, in the same order, for that one entry.
 */
static int next_pte(struct gw_walker *w, uint64_t gla, struct gw_result *res)
{
    const struct gw_level *up = &w->lv[w->nr - 2U];
    struct gw_level *lv = &w->lv[w->nr - 1U];
    bool narrow = w->mode == GW_MODE_2LEVEL;
    uint64_t entry_gpa = narrow ? (up->entry & ADDR_4K_32) + ((gla >> 12) & 0x3FFULL) * 4U
                                : (up->entry & ADDR_4K_64) + ((gla >> 12) & 0x1FFULL) * 8U;
    uint64_t e;
    bool pend = up->pend;
    uint8_t bad = up->first_bad;

    w->valid = false;
    if (!read_entry(w, entry_gpa, narrow, lv)) {
        w->nr--;
        (void)nested_fault(res, 1, entry_gpa);
        return -XEN_EFAULT;
    }
    e = lv->entry;
    if ((e & E_P) == 0) {
        (void)page_fault(res, 1, w->ec);
        return -XEN_EFAULT;
    }
    if (!narrow && !w->structure_only && (e & w->rsvd) != 0) {
        (void)page_fault(res, 1, w->ec | PF_PRESENT | PF_RSVD);
        return -XEN_EFAULT;
    }
    lv->all = up->all & (e ^ E_XD);
    lv->set = (e & E_A) ^ E_A;
    if ((w->access & GW_ACC_WRITE) != 0)
        lv->set |= (e & E_D) ^ E_D;
    level_marks(lv, w->nr - 1U, &pend, &bad);
    res->gpa = (e & (narrow ? ADDR_4K_32 : ADDR_4K_64)) | (gla & 0xFFFULL);
    res->level = 1;
    if (!w->structure_only && !walker_permits(w, rights_index(lv->all))) {
        (void)page_fault(res, 1, w->ec | PF_PRESENT);
        return -XEN_EFAULT;
    }
    if (bad != GW_NO_LEVEL) {
        set_fault(res, GW_NESTED_FAULT, w->top - bad);
        res->gpa = w->lv[bad].entry_gpa;
        res->nested_access = P2M_ACCESS_W;
        return -XEN_EFAULT;
    }
    res->ad_pending = pend;
    w->valid = true;
    w->prev_gla = gla;
    return 0;
}

int gw_walker_check(struct gw_walker *w, uint64_t gla, struct gw_result *res)
{
    const struct gw_level *leaf;
    unsigned k;

    *res = (struct gw_result){ .status = GW_OK };
    if (w->bad_access) {
        set_fault(res, GW_INVALID, 0);
        return -XEN_EINVAL;
    }
    if (w->mode == GW_MODE_NONE) {
        res->gpa = gla & LOW32;
        return 0;
    }
    if (w->mode == GW_MODE_LONG4 && !gw_canonical(gla)) {
        set_fault(res, GW_GP_FAULT, 0);
        return -XEN_EFAULT;
    }
    if (w->mode != GW_MODE_LONG4)
        gla &= LOW32;
    /* Another page under the same page table as a 4 KiB leaf before. */
    if (w->valid && w->nr == w->top && ((gla ^ w->prev_gla) >> 12) != 0 &&
        ((gla ^ w->prev_gla) >> level_shift(w->mode, 2)) == 0)
        return next_pte(w, gla, res);
    k = shared_levels(w, gla);
    if (k > 0 && k == w->nr)
        return reuse_leaf(w, gla, res);
    w->valid = false;
    if (!(w->mode == GW_MODE_2LEVEL ? walk32(w, gla, k, res) : walk64(w, gla, k, res)))
        return -XEN_EFAULT;
    leaf = &w->lv[w->nr - 1U];
    if (!w->structure_only && !walker_permits(w, rights_index(leaf->all))) {
        (void)page_fault(res, res->level, w->ec | PF_PRESENT);
        return -XEN_EFAULT;
    }
    /* Every entry needing an A/D update must live in a page the p2m lets us
     * write; else a nested fault names the first one, top down. */
    if (leaf->first_bad != GW_NO_LEVEL) {
        set_fault(res, GW_NESTED_FAULT, w->top - leaf->first_bad);
        res->gpa = w->lv[leaf->first_bad].entry_gpa;
        res->nested_access = P2M_ACCESS_W;
        return -XEN_EFAULT;
    }
    res->ad_pending = leaf->pend;
    w->valid = true;
    w->prev_gla = gla;
    return 0;
}

unsigned gw_walker_take_ad(struct gw_walker *w, struct gw_ad *out)
{
    unsigned n = 0;

    for (unsigned i = 0; i < w->nr && i < GW_MAX_LEVELS; i++) {
        struct gw_level *lv = &w->lv[i];

        if (lv->set != 0 && !lv->reported) {
            out[n++] = level_ad(lv, w->mode);
            lv->reported = true;
        }
    }
    return n;
}

/* Apply every A/D update of the walker's last (successful) walk. */
static void commit(const struct gw_walker *w)
{
    for (unsigned i = 0; i < w->nr; i++) {
        if (w->lv[i].set != 0) {
            struct gw_ad ad = level_ad(&w->lv[i], w->mode);

            gw_ad_apply(&ad);
        }
    }
}

/* ---- exported ------------------------------------------------------------------------ */

int guest_walk_check(const struct p2m *p2m, const struct guest_paging *gp, uint64_t gla,
                     unsigned access, struct gw_result *res)
{
    struct gw_walker w;

    gw_walker_init(&w, p2m, gp, access);
    return gw_walker_check(&w, gla, res);
}

int guest_walk(const struct p2m *p2m, const struct guest_paging *gp, uint64_t gla,
               unsigned access, struct gw_result *res)
{
    struct gw_walker w;
    int rc;

    gw_walker_init(&w, p2m, gp, access);
    rc = gw_walker_check(&w, gla, res);
    if (rc == 0)
        commit(&w);
    return rc;
}

int guest_walk_commit_ad(const struct p2m *p2m, const struct guest_paging *gp, uint64_t gla,
                         unsigned access)
{
    struct gw_walker w;
    struct gw_result res;

    gw_walker_init(&w, p2m, gp, access);
    w.structure_only = true;
    if (gw_walker_check(&w, gla, &res) != 0)
        return -XEN_EFAULT;
    commit(&w);
    return 0;
}
