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
 *
 * For the proof (WP, -wp-rte): guest tables are read and written only
 * through hal_mem_table (hal/mem.h), so every entry's word is a word of the
 * machine-memory model and the A/D commit provably writes nothing else;
 * the walker's invariant is gw_walker_ok (hv/guest_walk.h).  Masks that
 * bound an index are written as % and / (linear to provers, the same
 * instructions to compilers).
 */
#include "hv/guest_walk.h"

#include "hal/hal.h"
#include "hal/mem.h"
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
#define RSVD_2M     0x1FE000ULL             /* bits 20:13 of a 2 MiB leaf (bit 12 is PAT) */
#define RSVD_1G     0x3FFFE000ULL           /* bits 29:13 of a 1 GiB leaf */
#define RSVD_PDPTE  0x1E6ULL                /* PAE PDPTE: bits 8:5, R/W and U/S */

/* read_entry runs once per level of every walk: compilers must inline it. */
#if defined(__GNUC__) || defined(__clang__)
#define GW_INLINE inline __attribute__((always_inline))
#else
#define GW_INLINE inline
#endif

/*@ // res may take a check's answer: apart from the walker, its guest state and p2m.
    predicate gw_res_ok(struct gw_walker *w, struct gw_result *res) =
      \valid(res) && \separated(w, res) && \separated(res, w->gp) &&
      \separated(res, w->p2m.p2m);
*/

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

/* Number of levels, top level first (0 without paging). */
/*@ assigns \nothing;
    ensures \result == gw_levels(mode); */
static unsigned mode_levels(enum gw_mode mode)
{
    if (mode == GW_MODE_LONG4)
        return 4;
    if (mode == GW_MODE_PAE)
        return 3;
    if (mode == GW_MODE_2LEVEL)
        return 2;
    return 0;
}

/* 32-bit paging: byte offset of the level-`level` entry for gla in its table. */
/*@ requires 1 <= level <= 2;
    assigns \nothing;
    ensures \result <= 4092; */
static uint64_t entry_offset32(unsigned level, uint64_t gla)
{
    uint64_t index = gla >> (level == 1 ? 12U : 22U);

    return (index % 1024U) * 4U;
}

/* Guest-physical base of the top-level table. */
/*@ assigns \nothing; */
static uint64_t top_table(enum gw_mode mode, uint64_t cr3)
{
    if (mode == GW_MODE_2LEVEL)
        return cr3 & ADDR_4K_32;
    if (mode == GW_MODE_PAE)
        return cr3 & PAE_CR3;
    return cr3 & ADDR_4K_64;
}

/* 32-bit paging: is the entry a leaf (page) rather than a table pointer? */
/*@ requires \valid_read(gp);
    assigns \nothing;
    ensures level == 1 ==> \result; */
static bool entry_is_leaf32(const struct guest_paging *gp, unsigned level, uint64_t e)
{
    return level == 1 || ((e & E_PS) != 0 && (gp->cr4 & GW_CR4_PSE) != 0);
}

/* 32-bit paging: guest-physical address of the next table or of the byte gla
 * maps to.  (PAE and 4-level walks compute theirs inline in walk64.) */
/*@ assigns \nothing; */
static uint64_t entry_target32(unsigned level, bool leaf, uint64_t e, uint64_t gla)
{
    if (!leaf || level == 1)
        return (e & ADDR_4K_32) | (leaf ? (gla & 0xFFFULL) : 0);
    /* PSE-36: bits 20:13 are physical-address bits 39:32. */
    return (e & ADDR_4M_32) | (((e >> 13) & 0xFFULL) << 32) | (gla & 0x3FFFFFULL);
}

/*@ requires \valid_read(gp);
    assigns \nothing; */
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
/*@ requires \valid_read(gp);
    assigns \nothing; */
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
/*@ requires \valid(w) && \valid_read(w->gp) && \separated(w, w->gp) && r <= 7;
    assigns w->perm_known, w->perm_ok; */
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
/*@ assigns \nothing;
    ensures \result <= 7; */
static inline unsigned rights_index(uint64_t all)
{
    return ((all & E_RW) != 0 ? 1U : 0U) + ((all & E_US) != 0 ? 2U : 0U) +
           ((all & E_XD) != 0 ? 0U : 4U);
}

/* Reserved-bit masks of the mode (SDM 4.3-4.5; bits at and above MAXPHYADDR). */
/*@ requires \valid(w) && \valid_read(gp) && \separated(w, gp);
    assigns w->rsvd, w->rsvd_pdpte, w->rsvd_4m; */
static void walker_rsvd(struct gw_walker *w, const struct guest_paging *gp, enum gw_mode mode)
{
    unsigned m = gw_maxphyaddr(gp);
    unsigned m32 = m < 40U ? m : 40U;
    uint64_t xd = (gp->efer & GW_EFER_NXE) != 0 ? 0 : E_XD;

    w->rsvd = 0;
    w->rsvd_pdpte = 0;
    w->rsvd_4m = 0;
    if (mode == GW_MODE_LONG4) {
        w->rsvd = bit_range(51, m) | xd;       /* 4-level: bits 62:52 are ignored */
    } else if (mode == GW_MODE_PAE) {
        w->rsvd = bit_range(62, m) | xd;
        w->rsvd_pdpte = bit_range(63, m) | RSVD_PDPTE;
    } else {
        /* A 4 MiB PDE: bit 21 and the address bits PSE-36 cannot hold. */
        w->rsvd_4m = bit_range(21, 13U + (m32 - 32U));
    }
}

void gw_walker_init(struct gw_walker *w, const struct p2m *p2m, const struct guest_paging *gp,
                    unsigned access)
{
    enum gw_mode mode = guest_paging_mode(gp);

    p2m_cursor_init(&w->p2m, p2m);
    w->gp = gp;
    w->mode = mode;
    w->access = access;
    w->bad_access = access > GW_ACC_ALL ||
                    (access & (GW_ACC_WRITE | GW_ACC_FETCH)) == (GW_ACC_WRITE | GW_ACC_FETCH);
    w->top = mode_levels(mode);
    w->structure_only = false;
    w->valid = false;
    w->nr = 0;
    w->prev_gla = 0;
    walker_rsvd(w, gp, mode);
    w->ec = access_error_code(gp, mode, access);
    w->perm_known = 0;
    w->perm_ok = 0;
    w->lv[0].table = NULL;
    w->lv[1].table = NULL;
    w->lv[2].table = NULL;
    w->lv[3].table = NULL;
}

/* ---- reading one entry through the p2m ---------------------------------------- */

/*
 * Read the entry at entry_gpa (4 bytes when `narrow`) through the p2m into
 * lv (its rights and marks come later: level_fill); false when the p2m
 * refuses to let it be read.  An entry in the table page the level's last
 * read found (the next page of a copy: the same page table) needs no p2m
 * lookup: the p2m, which does not change during a walker's life, would
 * give the same frame and rights.
 */
/*@ requires \valid(c) && p2m_cursor_ok(c) && \valid(lv) && gw_table_ok(lv);
    requires \separated(c, lv) && \separated(lv, c->p2m);
    assigns *c, lv->entry_gpa, lv->table, lv->word, lv->entry, lv->p2m_w, lv->reported;
    ensures p2m_cursor_ok(c) && c->p2m == \old(c->p2m) && c->format == \old(c->format);
    ensures gw_table_ok(lv);
    ensures \result ==> gw_mem_word(lv->word); */
static GW_INLINE bool read_entry(struct p2m_cursor *c, uint64_t entry_gpa, bool narrow,
                                 struct gw_level *lv)
{
    uint64_t *t = lv->table;
    unsigned off = (unsigned)(entry_gpa % PAGE_SIZE);

    if (t == NULL || (entry_gpa ^ lv->entry_gpa) >= PAGE_SIZE) {
        mfn_t mfn;
        unsigned acc;

        if (p2m_cursor_lookup(c, entry_gpa / PAGE_SIZE, &mfn, &acc) != 0 ||
            (acc & P2M_ACCESS_R) == 0)
            return false;
        t = hal_mem_table(mfn);
        if (t == NULL)
            return false;
        lv->table = t;
        lv->p2m_w = (acc & P2M_ACCESS_W) != 0;
    }
    lv->entry_gpa = entry_gpa;
    lv->word = &t[off / 8U];
    lv->entry = *lv->word;
    if (narrow)
        lv->entry = (off & 4U) != 0 ? lv->entry >> 32 : lv->entry & LOW32;
    lv->reported = false;
    return true;
}

/* An entry's pending bits as an update of its 8-byte word. */
/*@ requires \valid_read(lv);
    assigns \nothing;
    ensures \result.word == lv->word; */
static struct gw_ad level_ad(const struct gw_level *lv, enum gw_mode mode)
{
    unsigned shift = mode == GW_MODE_2LEVEL && (lv->entry_gpa & 4U) != 0 ? 32U : 0U;

    return (struct gw_ad){ lv->word, lv->set << shift };
}

void gw_ad_apply(const struct gw_ad *ad)
{
    *ad->word |= ad->bits;
}

/* ---- evaluation ---------------------------------------------------------------------- */

/*@ requires \valid(res);
    assigns res->status, res->level;
    ensures res->status == st; */
static void set_fault(struct gw_result *res, enum gw_status st, unsigned level)
{
    res->status = st;
    res->level = level;
}

/* The p2m refuses `acc` on the page of the entry at gpa. */
/*@ requires \valid(res);
    assigns res->status, res->level, res->gpa, res->nested_access;
    ensures res->status == GW_NESTED_FAULT; */
static void nested_fault(struct gw_result *res, unsigned level, uint64_t gpa, unsigned acc)
{
    set_fault(res, GW_NESTED_FAULT, level);
    res->gpa = gpa;
    res->nested_access = acc;
}

/*@ requires \valid(res);
    assigns res->status, res->level, res->error_code;
    ensures res->status == GW_PAGE_FAULT; */
static void page_fault(struct gw_result *res, unsigned level, uint32_t ec)
{
    set_fault(res, GW_PAGE_FAULT, level);
    res->error_code = ec;
}

/*
 * Entry i's combined rights and pending bits, and with them whether it or
 * an entry above has pending bits (`pend`) and which is the first (top
 * down) whose page the p2m does not let us write (`first_bad`; entries
 * reused from the previous walk passed that check), from the same marks
 * of the entry above.
 */
/*@ requires \valid(lv) && i < GW_MAX_LEVELS;
    requires bad_above == GW_NO_LEVEL || bad_above < i;
    assigns lv->all, lv->set, lv->pend, lv->first_bad;
    ensures lv->first_bad == GW_NO_LEVEL || lv->first_bad <= i; */
static inline void level_fill(struct gw_level *lv, unsigned i, uint64_t all, uint64_t set,
                              bool pend_above, uint8_t bad_above)
{
    lv->all = all;
    lv->set = set;
    lv->pend = pend_above || set != 0;
    if (bad_above == GW_NO_LEVEL && set != 0 && !lv->p2m_w)
        lv->first_bad = (uint8_t)i;
    else
        lv->first_bad = bad_above;
}

/*
 * One step of a walk, for level top - i: read its entry (at entry_gpa,
 * where the entry above or CR3 points) through the p2m into lv[i].  The
 * evaluation of the entry is the mode's own (eval64, eval32), which counts
 * the level in the walker once it passed.
 */
/*@ requires \valid(w) && gw_res_ok(w, res);
    requires gw_walker_frame(w);
    requires gw_walker_shape(w);
    requires gw_walker_levels(w, w->nr);
    requires w->nr == i && i < w->top && res->status == GW_OK;
    assigns w->p2m, w->lv[i].entry_gpa, w->lv[i].table, w->lv[i].word, w->lv[i].entry,
            w->lv[i].p2m_w, w->lv[i].reported, *res;
    ensures gw_walker_frame(w);
    ensures gw_walker_shape(w);
    ensures gw_walker_levels(w, w->nr);
    ensures w->p2m.p2m == \old(w->p2m.p2m);
    ensures \result ==> gw_mem_word(w->lv[i].word) && res->status == GW_OK;
    ensures !\result ==> res->status == GW_NESTED_FAULT; */
static GW_INLINE bool step_read(struct gw_walker *w, unsigned i, uint64_t entry_gpa, bool narrow,
                                struct gw_result *res)
{
    if (!read_entry(&w->p2m, entry_gpa, narrow, &w->lv[i])) {
        nested_fault(res, w->top - i, entry_gpa, P2M_ACCESS_R);
        return false;
    }
    return true;
}

/* What the evaluation of an entry found. */
enum gw_step {
    GW_STEP_FAULT,      /* res says which */
    GW_STEP_LEAF,       /* res->gpa and res->level are the translation */
    GW_STEP_NEXT,       /* a table: go on with the next level */
};

/*
 * Level i passed its checks: its combined rights and pending bits
 * (level_fill), and the walker counts it.
 */
/*@ requires \valid(w) && gw_walker_frame(w);
    requires gw_walker_shape(w);
    requires gw_walker_levels(w, w->nr);
    requires w->nr == i && i < w->top && gw_mem_word(w->lv[i].word);
    requires bad == GW_NO_LEVEL || bad < i;
    assigns w->nr, w->lv[i].all, w->lv[i].set, w->lv[i].pend, w->lv[i].first_bad;
    ensures gw_walker_frame(w);
    ensures gw_walker_shape(w);
    ensures gw_walker_levels(w, w->nr);
    ensures w->nr == i + 1;
    ensures w->lv[i].first_bad == GW_NO_LEVEL || w->lv[i].first_bad <= i; */
static inline void level_count(struct gw_walker *w, unsigned i, uint64_t all, uint64_t set,
                               bool pend, uint8_t bad)
{
    level_fill(&w->lv[i], i, all, set, pend, bad);
    w->nr = i + 1U;
}

/* Reserved bits of a present PAE / 4-level entry at `level`. */
/*@ requires \valid_read(w);
    assigns \nothing; */
static inline uint64_t rsvd64(const struct gw_walker *w, bool pae, unsigned level, bool leaf)
{
    if (level > (pae ? 2U : 3U))
        return pae ? w->rsvd_pdpte : w->rsvd | E_PS;   /* PDPTE's own; PS in a PML4E */
    if (leaf && level == 2)
        return w->rsvd | RSVD_2M;
    if (leaf && level == 3)
        return w->rsvd | RSVD_1G;
    return w->rsvd;
}

/*
 * PAE / 4-level: the checks of the entry just read into lv[i] (present,
 * reserved bits), its rights and pending bits from all, pend and bad (the
 * marks of the entries above); for a leaf, the translation.
 */
/*@ requires \valid(w) && gw_res_ok(w, res);
    requires gw_walker_frame(w);
    requires gw_walker_shape(w);
    requires gw_walker_levels(w, w->nr);
    requires w->mode == GW_MODE_PAE || w->mode == GW_MODE_LONG4;
    requires w->nr == i && i < w->top && gw_mem_word(w->lv[i].word);
    requires bad == GW_NO_LEVEL || bad < i;
    requires res->status == GW_OK;
    assigns w->nr, w->lv[i].all, w->lv[i].set, w->lv[i].pend, w->lv[i].first_bad, *res;
    ensures gw_walker_frame(w);
    ensures gw_walker_shape(w);
    ensures gw_walker_levels(w, w->nr);
    ensures \result == GW_STEP_FAULT || \result == GW_STEP_LEAF || \result == GW_STEP_NEXT;
    ensures \result == GW_STEP_NEXT ==> w->nr == i + 1 && i + 1 < w->top && res->status == GW_OK;
    ensures \result == GW_STEP_NEXT ==>
              w->lv[i].first_bad == GW_NO_LEVEL || w->lv[i].first_bad <= i;
    ensures \result == GW_STEP_LEAF ==> 1 <= w->nr && res->status == GW_OK;
    ensures \result == GW_STEP_FAULT ==> res->status == GW_PAGE_FAULT; */
static enum gw_step eval64(struct gw_walker *w, uint64_t gla, unsigned i, uint64_t all,
                           bool pend, uint8_t bad, struct gw_result *res)
{
    bool pae = w->mode == GW_MODE_PAE;
    unsigned level = w->top - i;
    uint64_t e = w->lv[i].entry, set = 0, mask;
    bool leaf;

    if ((e & E_P) == 0) {
        page_fault(res, level, w->ec);
        return GW_STEP_FAULT;
    }
    leaf = level == 1 || (level <= (pae ? 2U : 3U) && (e & E_PS) != 0);
    if (!w->structure_only && (e & rsvd64(w, pae, level, leaf)) != 0) {
        page_fault(res, level, w->ec | PF_PRESENT | PF_RSVD);
        return GW_STEP_FAULT;
    }
    if (!(pae && level == 3)) {             /* a PAE PDPTE has no rights and no A bit */
        all &= e ^ E_XD;
        set = (e & E_A) ^ E_A;
    }
    if (leaf && (w->access & GW_ACC_WRITE) != 0)
        set |= (e & E_D) ^ E_D;
    level_count(w, i, all, set, pend, bad);
    if (!leaf)
        return GW_STEP_NEXT;
    mask = (1ULL << (12U + 9U * (level - 1U))) - 1U;
    res->gpa = (e & ADDR_4K_64 & ~mask) | (gla & mask);
    res->level = level;
    return GW_STEP_LEAF;
}

/*
 * One level of a PAE / 4-level walk: read entry i of the table level i - 1
 * points to (the top table for i == 0), then evaluate it with the rights,
 * pending bits and marks level i - 1 left in the walker.
 */
/*@ requires \valid(w) && gw_res_ok(w, res);
    requires gw_walker_frame(w);
    requires gw_walker_shape(w);
    requires gw_walker_levels(w, w->nr);
    requires w->mode == GW_MODE_PAE || w->mode == GW_MODE_LONG4;
    requires w->nr == i && i < w->top && res->status == GW_OK;
    assigns w->nr, w->p2m, w->lv[i], *res;
    ensures gw_walker_frame(w);
    ensures gw_walker_shape(w);
    ensures gw_walker_levels(w, w->nr);
    ensures w->p2m.p2m == \old(w->p2m.p2m);
    ensures \result == GW_STEP_FAULT || \result == GW_STEP_LEAF || \result == GW_STEP_NEXT;
    ensures \result == GW_STEP_NEXT ==> w->nr == i + 1 && i + 1 < w->top && res->status == GW_OK;
    ensures \result == GW_STEP_LEAF ==> 1 <= w->nr && res->status == GW_OK;
    ensures \result == GW_STEP_FAULT ==>
              res->status == GW_PAGE_FAULT || res->status == GW_NESTED_FAULT; */
static GW_INLINE enum gw_step walk64_level(struct gw_walker *w, uint64_t gla, unsigned i,
                                           struct gw_result *res)
{
    /* (The PAE PDPT index is gla bits 31:30: the same formula.) */
    unsigned shift = 12U + 9U * (w->top - i - 1U);
    uint64_t table = i == 0 ? top_table(w->mode, w->gp->cr3) : w->lv[i - 1U].entry & ADDR_4K_64;
    uint64_t all = i == 0 ? ~0ULL : w->lv[i - 1U].all;
    bool pend = i != 0 && w->lv[i - 1U].pend;
    uint8_t bad = i == 0 ? GW_NO_LEVEL : w->lv[i - 1U].first_bad;

    if (!step_read(w, i, table + ((gla >> shift) % 512U) * 8U, false, res))
        return GW_STEP_FAULT;
    return eval64(w, gla, i, all, pend, bad, res);
}

/*
 * PAE and 4-level walks (8-byte entries) from level top - k down to the
 * leaf; the k levels above come from the previous walk.  Fills w->lv[k ..]
 * and res.  (Separate from the 32-bit walk so that each loop tests its
 * own mode's bits: this is the path of every copy of a 64-bit guest.)
 */
/*@ requires \valid(w) && gw_res_ok(w, res);
    requires gw_walker_frame(w);
    requires gw_walker_shape(w);
    requires gw_walker_levels(w, w->nr);
    requires w->mode == GW_MODE_PAE || w->mode == GW_MODE_LONG4;
    requires k < w->top && k <= w->nr && res->status == GW_OK;
    assigns w->nr, w->p2m, w->lv[k .. GW_MAX_LEVELS - 1], *res;
    ensures gw_walker_frame(w);
    ensures gw_walker_shape(w);
    ensures gw_walker_levels(w, w->nr);
    ensures w->mode == \old(w->mode);
    ensures w->access == \old(w->access);
    ensures w->p2m.p2m == \old(w->p2m.p2m);
    ensures \result ==> res->status == GW_OK && 1 <= w->nr;
    ensures !\result ==> res->status == GW_PAGE_FAULT || res->status == GW_NESTED_FAULT; */
static bool walk64(struct gw_walker *w, uint64_t gla, unsigned k, struct gw_result *res)
{
    unsigned i = k;
    enum gw_step st;

    w->nr = k;
    /*@ loop invariant k <= i < w->top && i < GW_MAX_LEVELS && w->nr == i;
        loop invariant res->status == GW_OK;
        loop invariant gw_walker_frame(w) && w->p2m.p2m == \at(w->p2m.p2m, Pre);
        loop invariant gw_walker_shape(w);
        loop invariant gw_walker_levels(w, w->nr);
        loop assigns i, st, w->nr, w->p2m, w->lv[k .. GW_MAX_LEVELS - 1], *res;
        loop variant w->top - i; */
    for (;;) {
        st = walk64_level(w, gla, i, res);
        if (st != GW_STEP_NEXT)
            return st == GW_STEP_LEAF;
        i++;
    }
}

/* The same as eval64 for 32-bit paging (4-byte entries, 4 MiB pages with CR4.PSE). */
/*@ requires \valid(w) && gw_res_ok(w, res);
    requires gw_walker_frame(w);
    requires gw_walker_shape(w);
    requires gw_walker_levels(w, w->nr);
    requires w->mode == GW_MODE_2LEVEL;
    requires w->nr == i && i < w->top && gw_mem_word(w->lv[i].word);
    requires bad == GW_NO_LEVEL || bad < i;
    requires res->status == GW_OK;
    assigns w->nr, w->lv[i].all, w->lv[i].set, w->lv[i].pend, w->lv[i].first_bad, *res;
    ensures gw_walker_frame(w);
    ensures gw_walker_shape(w);
    ensures gw_walker_levels(w, w->nr);
    ensures \result == GW_STEP_FAULT || \result == GW_STEP_LEAF || \result == GW_STEP_NEXT;
    ensures \result == GW_STEP_NEXT ==> w->nr == i + 1 && i + 1 < w->top && res->status == GW_OK;
    ensures \result == GW_STEP_NEXT ==>
              w->lv[i].first_bad == GW_NO_LEVEL || w->lv[i].first_bad <= i;
    ensures \result == GW_STEP_LEAF ==> 1 <= w->nr && res->status == GW_OK;
    ensures \result == GW_STEP_FAULT ==> res->status == GW_PAGE_FAULT; */
static enum gw_step eval32(struct gw_walker *w, uint64_t gla, unsigned i, uint64_t all,
                           bool pend, uint8_t bad, struct gw_result *res)
{
    unsigned level = w->top - i;
    uint64_t e = w->lv[i].entry, set;
    bool leaf;

    if ((e & E_P) == 0) {
        page_fault(res, level, w->ec);
        return GW_STEP_FAULT;
    }
    leaf = entry_is_leaf32(w->gp, level, e);
    /* Only a 4 MiB PDE has reserved bits. */
    if (!w->structure_only && level == 2 && leaf && (e & w->rsvd_4m) != 0) {
        page_fault(res, level, w->ec | PF_PRESENT | PF_RSVD);
        return GW_STEP_FAULT;
    }
    all &= e ^ E_XD;                 /* (32-bit entries have no XD) */
    set = (e & E_A) ^ E_A;
    if (leaf && (w->access & GW_ACC_WRITE) != 0)
        set |= (e & E_D) ^ E_D;
    level_count(w, i, all, set, pend, bad);
    if (!leaf)
        return GW_STEP_NEXT;
    res->gpa = entry_target32(level, true, e, gla);
    res->level = level;
    return GW_STEP_LEAF;
}

/* The same as walk64_level for 32-bit paging. */
/*@ requires \valid(w) && gw_res_ok(w, res);
    requires gw_walker_frame(w);
    requires gw_walker_shape(w);
    requires gw_walker_levels(w, w->nr);
    requires w->mode == GW_MODE_2LEVEL;
    requires w->nr == i && i < w->top && res->status == GW_OK;
    assigns w->nr, w->p2m, w->lv[i], *res;
    ensures gw_walker_frame(w);
    ensures gw_walker_shape(w);
    ensures gw_walker_levels(w, w->nr);
    ensures w->p2m.p2m == \old(w->p2m.p2m);
    ensures \result == GW_STEP_FAULT || \result == GW_STEP_LEAF || \result == GW_STEP_NEXT;
    ensures \result == GW_STEP_NEXT ==> w->nr == i + 1 && i + 1 < w->top && res->status == GW_OK;
    ensures \result == GW_STEP_LEAF ==> 1 <= w->nr && res->status == GW_OK;
    ensures \result == GW_STEP_FAULT ==>
              res->status == GW_PAGE_FAULT || res->status == GW_NESTED_FAULT; */
static GW_INLINE enum gw_step walk32_level(struct gw_walker *w, uint64_t gla, unsigned i,
                                           struct gw_result *res)
{
    uint64_t table = i == 0 ? top_table(w->mode, w->gp->cr3)
                            : entry_target32(2, false, w->lv[i - 1U].entry, gla);
    uint64_t all = i == 0 ? ~0ULL : w->lv[i - 1U].all;
    bool pend = i != 0 && w->lv[i - 1U].pend;
    uint8_t bad = i == 0 ? GW_NO_LEVEL : w->lv[i - 1U].first_bad;

    if (!step_read(w, i, table + entry_offset32(w->top - i, gla), true, res))
        return GW_STEP_FAULT;
    return eval32(w, gla, i, all, pend, bad, res);
}

/* The same as walk64 for 32-bit paging (two levels). */
/*@ requires \valid(w) && gw_res_ok(w, res);
    requires gw_walker_frame(w);
    requires gw_walker_shape(w);
    requires gw_walker_levels(w, w->nr);
    requires w->mode == GW_MODE_2LEVEL;
    requires k < w->top && k <= w->nr && res->status == GW_OK;
    assigns w->nr, w->p2m, w->lv[k .. GW_MAX_LEVELS - 1], *res;
    ensures gw_walker_frame(w);
    ensures gw_walker_shape(w);
    ensures gw_walker_levels(w, w->nr);
    ensures w->mode == \old(w->mode);
    ensures w->access == \old(w->access);
    ensures w->p2m.p2m == \old(w->p2m.p2m);
    ensures \result ==> res->status == GW_OK && 1 <= w->nr;
    ensures !\result ==> res->status == GW_PAGE_FAULT || res->status == GW_NESTED_FAULT; */
static bool walk32(struct gw_walker *w, uint64_t gla, unsigned k, struct gw_result *res)
{
    unsigned i = k;
    enum gw_step st;

    w->nr = k;
    /*@ loop invariant k <= i < w->top && i < GW_MAX_LEVELS && w->nr == i;
        loop invariant res->status == GW_OK;
        loop invariant gw_walker_frame(w) && w->p2m.p2m == \at(w->p2m.p2m, Pre);
        loop invariant gw_walker_shape(w);
        loop invariant gw_walker_levels(w, w->nr);
        loop assigns i, st, w->nr, w->p2m, w->lv[k .. GW_MAX_LEVELS - 1], *res;
        loop variant w->top - i; */
    for (;;) {
        st = walk32_level(w, gla, i, res);
        if (st != GW_STEP_NEXT)
            return st == GW_STEP_LEAF;
        i++;
    }
}

/* Lowest linear-address bit of the index at `level`: entries of two
 * addresses agree down to `level` when the addresses agree above it. */
/*@ requires 1 <= level <= 4;
    assigns \nothing;
    ensures 12 <= \result <= 42; */
static inline unsigned level_shift(enum gw_mode mode, unsigned level)
{
    return mode == GW_MODE_2LEVEL ? 12U + 10U * (level - 1U) : 12U + 9U * (level - 1U);
}

/*
 * How many top levels gla shares with the previous successful walk.  The
 * shared levels are a prefix, so look from the bottom: the next page of a
 * copy shares all but the leaf (one entry to read), or everything.
 */
/*@ requires \valid_read(w) && w->nr <= w->top && 1 <= w->top <= GW_MAX_LEVELS;
    assigns \nothing;
    ensures \result <= w->nr;
    ensures !w->valid ==> \result == 0; */
static unsigned shared_levels(const struct gw_walker *w, uint64_t gla)
{
    uint64_t diff = gla ^ w->prev_gla;
    unsigned k = w->nr;

    if (!w->valid)
        return 0;
    /* The common step of a copy, without the loop: another page under the
     * same page table as a 4 KiB leaf shares all levels but the leaf. */
    if (k == w->top && (diff >> 12) != 0 && (diff >> level_shift(w->mode, 2)) == 0)
        return k - 1U;
    /*@ loop invariant k <= w->nr;
        loop assigns k;
        loop variant k; */
    while (k > 0 && (diff >> level_shift(w->mode, w->top + 1U - k)) != 0)
        k--;
    return k;
}

/* gla is in the page of the previous walk's leaf: the same verdict (it
 * passed), the same pending bits; only the offset differs. */
/*@ requires \valid(w) && gw_res_ok(w, res);
    requires gw_walker_frame(w);
    requires gw_walker_shape(w);
    requires gw_walker_levels(w, w->nr);
    requires w->mode != GW_MODE_NONE && 1 <= w->nr;
    assigns res->gpa, res->level, res->ad_pending, w->prev_gla;
    ensures gw_walker_frame(w);
    ensures gw_walker_shape(w);
    ensures gw_walker_levels(w, w->nr);
    ensures w->mode == \old(w->mode);
    ensures w->access == \old(w->access); */
static void reuse_leaf(struct gw_walker *w, uint64_t gla, struct gw_result *res)
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
}

/*
 * The end of a check that walked: the permissions of the combined rights,
 * then every entry needing an A/D update must live in a page the p2m lets
 * us write (else a nested fault names the first one, top down).
 */
/*@ requires \valid(w) && gw_res_ok(w, res);
    requires gw_walker_frame(w);
    requires gw_walker_shape(w);
    requires gw_walker_levels(w, w->nr);
    requires 1 <= w->nr && res->status == GW_OK;
    assigns w->valid, w->prev_gla, w->perm_known, w->perm_ok, *res;
    ensures gw_walker_frame(w);
    ensures gw_walker_shape(w);
    ensures gw_walker_levels(w, w->nr);
    ensures w->mode == \old(w->mode);
    ensures w->access == \old(w->access);
    ensures \result == 0 || \result == -XEN_EFAULT;
    ensures \result == 0 <==> res->status == GW_OK;
    ensures res->status != GW_INVALID; */
static int walk_verdict(struct gw_walker *w, uint64_t gla, struct gw_result *res)
{
    const struct gw_level *leaf = &w->lv[w->nr - 1U];

    if (!w->structure_only && !walker_permits(w, rights_index(leaf->all))) {
        page_fault(res, res->level, w->ec | PF_PRESENT);
        return -XEN_EFAULT;
    }
    if (leaf->first_bad != GW_NO_LEVEL) {
        nested_fault(res, w->top - leaf->first_bad, w->lv[leaf->first_bad].entry_gpa,
                     P2M_ACCESS_W);
        return -XEN_EFAULT;
    }
    res->ad_pending = leaf->pend;
    w->valid = true;
    w->prev_gla = gla;
    return 0;
}

/*
 * A check with paging on: reuse the previous walk's leaf when gla is in
 * its page, else walk from the first level gla does not share with it.
 */
/*@ requires \valid(w) && gw_res_ok(w, res);
    requires gw_walker_frame(w);
    requires gw_walker_shape(w);
    requires gw_walker_levels(w, w->nr);
    requires w->mode != GW_MODE_NONE && res->status == GW_OK;
    assigns w->valid, w->nr, w->p2m, w->lv[0 .. GW_MAX_LEVELS - 1], w->prev_gla,
            w->perm_known, w->perm_ok, *res;
    ensures gw_walker_frame(w);
    ensures gw_walker_shape(w);
    ensures gw_walker_levels(w, w->nr);
    ensures w->p2m.p2m == \old(w->p2m.p2m);
    ensures w->gp == \old(w->gp);
    ensures w->access == \old(w->access);
    ensures w->mode == \old(w->mode);
    ensures \result == 0 || \result == -XEN_EFAULT;
    ensures \result == 0 <==> res->status == GW_OK;
    ensures res->status != GW_INVALID; */
static GW_INLINE int check_paged(struct gw_walker *w, uint64_t gla, struct gw_result *res)
{
    unsigned k;
    bool ok;

    if (w->mode != GW_MODE_LONG4)
        gla &= LOW32;
    k = shared_levels(w, gla);
    if (k > 0 && k == w->nr) {
        reuse_leaf(w, gla, res);
        return 0;
    }
    w->valid = false;
    if (w->mode == GW_MODE_2LEVEL)
        ok = walk32(w, gla, k, res);
    else
        ok = walk64(w, gla, k, res);
    if (!ok)
        return -XEN_EFAULT;
    return walk_verdict(w, gla, res);
}

/*
 * Start a check's answer: status st, the translation gpa, the rest 0.  (w
 * is there for the contract: the answer lies apart from the walker, which
 * keeps its invariant.)
 */
/*@ requires \valid(w) && gw_res_ok(w, res);
    requires gw_walker_frame(w);
    requires gw_walker_shape(w);
    requires gw_walker_levels(w, w->nr);
    assigns *res;
    ensures gw_walker_frame(w);
    ensures gw_walker_shape(w);
    ensures gw_walker_levels(w, w->nr);
    ensures res->status == st; */
static inline void result_init(const struct gw_walker *w, struct gw_result *res,
                               enum gw_status st, uint64_t gpa)
{
    (void)w;
    *res = (struct gw_result){ .status = st, .gpa = gpa };
}

int gw_walker_check(struct gw_walker *w, uint64_t gla, struct gw_result *res)
{
    if (w->bad_access) {
        result_init(w, res, GW_INVALID, 0);
        return -XEN_EINVAL;
    }
    if (w->mode == GW_MODE_NONE) {
        result_init(w, res, GW_OK, gla & LOW32);
        return 0;
    }
    if (w->mode == GW_MODE_LONG4 && !gw_canonical(gla)) {
        result_init(w, res, GW_GP_FAULT, 0);
        return -XEN_EFAULT;
    }
    result_init(w, res, GW_OK, 0);
    return check_paged(w, gla, res);
}

/*
 * gw_walker_take_ad for level i: report its pending bits as out[n] unless
 * the level is not part of the walk, has none, or reported them already;
 * the new count.  (One call per level, without a loop: each call writes
 * one level's mark and one slot, so the walker's invariant and the slots
 * already filled visibly stay as they were.)
 */
/*@ requires \valid(w) && \valid(out + (0 .. GW_MAX_LEVELS - 1)) && \separated(w, out + (0 .. GW_MAX_LEVELS - 1));
    requires gw_walker_ok(w) && \separated(out + (0 .. GW_MAX_LEVELS - 1), w->gp) &&
             \separated(out + (0 .. GW_MAX_LEVELS - 1), w->p2m.p2m);
    requires i < GW_MAX_LEVELS && n <= i;
    requires \forall integer k; 0 <= k < n ==> gw_mem_word(out[k].word);
    assigns w->lv[i].reported, out[n];
    ensures gw_walker_frame(w);
    ensures gw_walker_shape(w);
    ensures gw_walker_levels(w, w->nr);
    ensures n <= \result <= i + 1;
    ensures \forall integer k; 0 <= k < \result ==> gw_mem_word(out[k].word); */
static inline unsigned take_level(struct gw_walker *w, unsigned i, struct gw_ad *out, unsigned n)
{
    struct gw_level *lv = &w->lv[i];

    if (i >= w->nr || lv->set == 0 || lv->reported)
        return n;
    out[n] = level_ad(lv, w->mode);
    lv->reported = true;
    return n + 1U;
}

_Static_assert(GW_MAX_LEVELS == 4, "gw_walker_take_ad looks at four levels");

unsigned gw_walker_take_ad(struct gw_walker *w, struct gw_ad *out)
{
    unsigned n = take_level(w, 0, out, 0);

    n = take_level(w, 1, out, n);
    n = take_level(w, 2, out, n);
    return take_level(w, 3, out, n);
}

/* Apply every A/D update of the walker's last (successful) walk. */
/*@ requires \valid_read(w) && w->nr <= GW_MAX_LEVELS && gw_walker_levels(w, w->nr);
    requires \separated(w, hal_mem_words + (0 .. HAL_MEM_WORDS - 1));
    assigns hal_mem_words[0 .. HAL_MEM_WORDS - 1]; */
static void commit(const struct gw_walker *w)
{
    /*@ loop invariant 0 <= i <= w->nr;
        loop assigns i, hal_mem_words[0 .. HAL_MEM_WORDS - 1];
        loop variant w->nr - i; */
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
