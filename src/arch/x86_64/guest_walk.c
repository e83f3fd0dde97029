// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest page walk (see hv/guest_walk.h and docs/MEMORY.md).
 *
 * One walk has two halves: evaluate (read entries through the p2m, check
 * present and reserved bits level by level, then the permissions of the
 * combined rights, then that every entry needing an A/D update sits in a
 * page the p2m lets us write), and only when all of that passed, commit the
 * A/D bits.  A walk that faults has therefore written nothing.
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
#define ADDR_2M_64  0x000FFFFFFFE00000ULL   /* bits 51:21 */
#define ADDR_1G_64  0x000FFFFFC0000000ULL   /* bits 51:30 */
#define ADDR_4K_32  0xFFFFF000ULL           /* bits 31:12 */
#define ADDR_4M_32  0xFFC00000ULL           /* bits 31:22 */
#define PAE_CR3     0xFFFFFFE0ULL           /* bits 31:5: PDPT base */
#define LOW32       0xFFFFFFFFULL

#define GW_MAX_LEVELS 4U

struct gw_level {
    uint64_t entry_gpa;   /* where the entry lives */
    mfn_t mfn;            /* machine frame of its table page */
    unsigned p2m_access;  /* what the p2m allows on that page */
    uint64_t entry;       /* its value as read */
    uint64_t set;         /* A/D bits the walk must set in it */
};

struct gw_walk {
    enum gw_mode mode;
    unsigned nr;                          /* entries used, top level first */
    struct gw_level lv[GW_MAX_LEVELS];
    uint64_t gla;                         /* truncated to 32 bits outside long mode */
    bool structure_only;                  /* commit walk: follow P/PS/addresses only */
};

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

/* Byte offset of the level-`level` entry for gla within its table. */
/*@ requires 1 <= level <= 4;
    assigns \nothing;
    ensures \result <= 4092; */
static uint64_t entry_offset(enum gw_mode mode, unsigned level, uint64_t gla)
{
    if (mode == GW_MODE_2LEVEL)
        return ((gla >> (12U + 10U * (level - 1U))) & 0x3FFULL) * 4U;
    if (mode == GW_MODE_PAE && level == 3)
        return ((gla >> 30) & 0x3ULL) * 8U;
    return ((gla >> (12U + 9U * (level - 1U))) & 0x1FFULL) * 8U;
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

/* Is the entry at this level a leaf (page) rather than a table pointer? */
static bool entry_is_leaf(const struct guest_paging *gp, enum gw_mode mode, unsigned level,
                          uint64_t e)
{
    if (level == 1)
        return true;
    if ((e & E_PS) == 0)
        return false;
    if (mode == GW_MODE_2LEVEL)
        return level == 2 && (gp->cr4 & GW_CR4_PSE) != 0;
    if (mode == GW_MODE_PAE)
        return level == 2;
    return level == 2 || level == 3;     /* PS in a PML4E is a reserved bit */
}

/* Reserved bits of a present entry (SDM tables 4-4..4-19). */
static uint64_t entry_reserved(const struct guest_paging *gp, enum gw_mode mode, unsigned level,
                               uint64_t e)
{
    unsigned m = gw_maxphyaddr(gp);
    uint64_t rsvd;

    if (mode == GW_MODE_2LEVEL) {
        /* Only a 4 MiB PDE has reserved bits: 21 and those PSE-36 cannot hold. */
        unsigned m32 = m < 40U ? m : 40U;
        if (level == 2 && entry_is_leaf(gp, mode, level, e))
            return bit_range(21, 13U + (m32 - 32U));
        return 0;
    }
    if (mode == GW_MODE_PAE && level == 3)
        return bit_range(63, m) | E_RW | E_US | bit_range(8, 5);
    if (mode == GW_MODE_PAE)
        rsvd = bit_range(62, m);           /* PAE: bits 62:M reserved */
    else
        rsvd = bit_range(51, m);           /* 4-level: 62:52 are ignored */
    if ((gp->efer & GW_EFER_NXE) == 0)
        rsvd |= E_XD;
    if (mode == GW_MODE_LONG4 && level == 4)
        rsvd |= E_PS;
    else if (level == 2 && (e & E_PS) != 0)
        rsvd |= bit_range(20, 13);
    else if (level == 3 && (e & E_PS) != 0)
        rsvd |= bit_range(29, 13);
    return rsvd;
}

/* Guest-physical address of the next table or of the byte gla maps to. */
static uint64_t entry_target(enum gw_mode mode, unsigned level, bool leaf, uint64_t e,
                             uint64_t gla)
{
    if (mode == GW_MODE_2LEVEL) {
        if (!leaf || level == 1)
            return (e & ADDR_4K_32) | (leaf ? (gla & 0xFFFULL) : 0);
        /* PSE-36: bits 20:13 are physical-address bits 39:32. */
        return (e & ADDR_4M_32) | (((e >> 13) & 0xFFULL) << 32) | (gla & 0x3FFFFFULL);
    }
    if (!leaf)
        return e & ADDR_4K_64;
    if (level == 1)
        return (e & ADDR_4K_64) | (gla & 0xFFFULL);
    if (level == 2)
        return (e & ADDR_2M_64) | (gla & 0x1FFFFFULL);
    return (e & ADDR_1G_64) | (gla & 0x3FFFFFFFULL);
}

/* Does this entry carry permission bits (all but the PAE PDPTE)? */
static bool entry_has_rights(enum gw_mode mode, unsigned level)
{
    return !(mode == GW_MODE_PAE && level == 3);
}

/* ---- reading one entry through the p2m ---------------------------------------- */

static bool read_entry(const struct p2m *p2m, enum gw_mode mode, uint64_t entry_gpa,
                       struct gw_level *lv)
{
    const uint64_t *t;
    uint64_t word;
    unsigned off = (unsigned)(entry_gpa & 0xFFFULL);

    lv->entry_gpa = entry_gpa;
    if (p2m_lookup(p2m, entry_gpa >> PAGE_SHIFT, &lv->mfn, &lv->p2m_access) != 0 ||
        (lv->p2m_access & P2M_ACCESS_R) == 0)
        return false;
    t = hal_table_map(lv->mfn);
    if (t == NULL)
        return false;
    word = t[off >> 3];
    if (mode == GW_MODE_2LEVEL)
        word = (word >> ((off & 4U) * 8U)) & LOW32;
    lv->entry = word;
    lv->set = 0;
    return true;
}

/* Set bits in an entry already read; 32-bit entries share a word with a neighbour. */
static void write_entry_bits(enum gw_mode mode, const struct gw_level *lv)
{
    uint64_t *t = hal_table_map(lv->mfn);
    unsigned off = (unsigned)(lv->entry_gpa & 0xFFFULL);

    if (t == NULL || lv->set == 0)
        return;
    if (mode == GW_MODE_2LEVEL)
        t[off >> 3] |= lv->set << ((off & 4U) * 8U);
    else
        t[off >> 3] |= lv->set;
}

/* ---- evaluation ---------------------------------------------------------------------- */

static void set_fault(struct gw_result *res, enum gw_status st, unsigned level)
{
    res->status = st;
    res->level = level;
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

/* Combined rights of the entries used: writable, user, execute-disabled. */
struct gw_rights {
    bool w, u, xd;
};

static bool permitted(const struct guest_paging *gp, unsigned access, struct gw_rights r)
{
    bool user = gp->cpl == 3 && (access & GW_ACC_IMPLICIT) == 0;
    bool write = (access & GW_ACC_WRITE) != 0;
    bool fetch = (access & GW_ACC_FETCH) != 0;
    bool nx = (gp->efer & GW_EFER_NXE) != 0 && r.xd;

    if (user)
        return r.u && (!write || r.w) && !(fetch && nx);
    if (fetch)
        return !(r.u && (gp->cr4 & GW_CR4_SMEP) != 0) && !nx;
    if (r.u && (gp->cr4 & GW_CR4_SMAP) != 0 &&
        ((access & GW_ACC_IMPLICIT) != 0 || (gp->rflags & GW_RFLAGS_AC) == 0))
        return false;
    return !write || r.w || (gp->cr0 & GW_CR0_WP) == 0;
}

/* Walk the tables down to the leaf; fills w->lv[] and res. */
static bool walk_levels(const struct p2m *p2m, const struct guest_paging *gp, unsigned access,
                        struct gw_walk *w, struct gw_result *res, struct gw_rights *r)
{
    unsigned top = mode_levels(w->mode);
    uint64_t table = top_table(w->mode, gp->cr3);

    r->w = true;
    r->u = true;
    r->xd = false;
    w->nr = 0;
    /* Level 1 entries are always leaves, so the loop ends there at the latest. */
    for (unsigned level = top;; level--) {
        struct gw_level *lv = &w->lv[w->nr];
        bool leaf;

        if (!read_entry(p2m, w->mode, table + entry_offset(w->mode, level, w->gla), lv)) {
            set_fault(res, GW_NESTED_FAULT, level);
            res->gpa = lv->entry_gpa;
            res->nested_access = P2M_ACCESS_R;
            return false;
        }
        w->nr++;
        if ((lv->entry & E_P) == 0) {
            set_fault(res, GW_PAGE_FAULT, level);
            res->error_code = access_error_code(gp, w->mode, access);
            return false;
        }
        if (!w->structure_only && (lv->entry & entry_reserved(gp, w->mode, level, lv->entry)) != 0) {
            set_fault(res, GW_PAGE_FAULT, level);
            res->error_code = access_error_code(gp, w->mode, access) | PF_PRESENT | PF_RSVD;
            return false;
        }
        if (entry_has_rights(w->mode, level)) {
            r->w = r->w && (lv->entry & E_RW) != 0;
            r->u = r->u && (lv->entry & E_US) != 0;
            r->xd = r->xd || (w->mode != GW_MODE_2LEVEL && (lv->entry & E_XD) != 0);
            lv->set = (lv->entry & E_A) ? 0 : E_A;
        }
        leaf = entry_is_leaf(gp, w->mode, level, lv->entry);
        if (leaf) {
            if ((access & GW_ACC_WRITE) != 0 && (lv->entry & E_D) == 0)
                lv->set |= E_D;
            res->gpa = entry_target(w->mode, level, true, lv->entry, w->gla);
            res->level = level;
            return true;
        }
        table = entry_target(w->mode, level, false, lv->entry, w->gla);
    }
}

/* Every entry needing an A/D update must live in a page the p2m lets us write. */
static bool ad_writable(const struct gw_walk *w, struct gw_result *res)
{
    for (unsigned i = 0; i < w->nr; i++) {
        if (w->lv[i].set != 0 && (w->lv[i].p2m_access & P2M_ACCESS_W) == 0) {
            set_fault(res, GW_NESTED_FAULT, mode_levels(w->mode) - i);
            res->gpa = w->lv[i].entry_gpa;
            res->nested_access = P2M_ACCESS_W;
            return false;
        }
    }
    return true;
}

static bool ad_any(const struct gw_walk *w)
{
    for (unsigned i = 0; i < w->nr; i++)
        if (w->lv[i].set != 0)
            return true;
    return false;
}

static int evaluate(const struct p2m *p2m, const struct guest_paging *gp, uint64_t gla,
                    unsigned access, struct gw_walk *w, struct gw_result *res)
{
    struct gw_rights r;

    res->status = GW_OK;
    res->gpa = 0;
    res->error_code = 0;
    res->nested_access = 0;
    res->level = 0;
    res->ad_pending = false;
    w->nr = 0;
    if (access > GW_ACC_ALL ||
        (access & (GW_ACC_WRITE | GW_ACC_FETCH)) == (GW_ACC_WRITE | GW_ACC_FETCH)) {
        set_fault(res, GW_INVALID, 0);
        return -XEN_EINVAL;
    }
    w->mode = guest_paging_mode(gp);
    if (w->mode == GW_MODE_NONE) {
        res->gpa = gla & LOW32;
        return 0;
    }
    if (w->mode == GW_MODE_LONG4 && !gw_canonical(gla)) {
        set_fault(res, GW_GP_FAULT, 0);
        return -XEN_EFAULT;
    }
    w->gla = w->mode == GW_MODE_LONG4 ? gla : (gla & LOW32);
    if (!walk_levels(p2m, gp, access, w, res, &r))
        return -XEN_EFAULT;
    if (!w->structure_only && !permitted(gp, access, r)) {
        set_fault(res, GW_PAGE_FAULT, res->level);
        res->error_code = access_error_code(gp, w->mode, access) | PF_PRESENT;
        return -XEN_EFAULT;
    }
    if (!ad_writable(w, res))
        return -XEN_EFAULT;
    res->ad_pending = ad_any(w);
    return 0;
}

static void commit(const struct gw_walk *w)
{
    for (unsigned i = 0; i < w->nr; i++)
        write_entry_bits(w->mode, &w->lv[i]);
}

/* ---- exported ------------------------------------------------------------------------ */

int guest_walk_check(const struct p2m *p2m, const struct guest_paging *gp, uint64_t gla,
                     unsigned access, struct gw_result *res)
{
    struct gw_walk w;

    w.structure_only = false;
    return evaluate(p2m, gp, gla, access, &w, res);
}

int guest_walk(const struct p2m *p2m, const struct guest_paging *gp, uint64_t gla,
               unsigned access, struct gw_result *res)
{
    struct gw_walk w;
    int rc;

    w.structure_only = false;
    rc = evaluate(p2m, gp, gla, access, &w, res);
    if (rc == 0)
        commit(&w);
    return rc;
}

int guest_walk_commit_ad(const struct p2m *p2m, const struct guest_paging *gp, uint64_t gla,
                         unsigned access)
{
    struct gw_walk w;
    struct gw_result res;

    w.structure_only = true;
    if (evaluate(p2m, gp, gla, access, &w, &res) != 0)
        return -XEN_EFAULT;
    commit(&w);
    return 0;
}
