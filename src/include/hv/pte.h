/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Page-table entry encodings, in one place: the x86-64 long-mode format that
 * AMD nested paging uses, and Intel's EPT format.  Every other file builds
 * and reads p2m entries only through these functions (the p2m walk is shared
 * and switches on the format through them; no function pointers).
 *
 * Layouts (AMD APM vol. 2 5.3/15.25; Intel SDM vol. 3C 29.3.2):
 *   NPT non-leaf   P(0) | RW(1) | US(2) | table address
 *   NPT leaf       P(0) | RW(1) if writable | US(2) | NX(63) if not executable
 *                  | PS(7) on a 2 MiB leaf | foreign(9) on a grant leaf | frame address
 *   EPT non-leaf   R(0) | W(1) | X(2) | table address
 *   EPT leaf       R/W/X(0-2) | memory type WB=6 (3-5) | PS(7) on a 2 MiB leaf
 *                  | frame address | foreign(52) on a grant leaf
 * Addresses are bits 12..51; a 2 MiB leaf's address is bits 21..51 (bit 12 is
 * PAT there on NPT, which Xenolith never sets).
 */
#ifndef HV_PTE_H
#define HV_PTE_H

#include "hv/types.h"

enum pte_format {
    PTE_FORMAT_NPT = 0,   /* AMD nested paging: x86-64 PTEs, guest accesses are user accesses */
    PTE_FORMAT_EPT = 1,   /* Intel EPT */
};

/* Access rights of a p2m mapping. */
#define P2M_ACCESS_R   0x1U
#define P2M_ACCESS_W   0x2U
#define P2M_ACCESS_X   0x4U
#define P2M_ACCESS_RWX (P2M_ACCESS_R | P2M_ACCESS_W | P2M_ACCESS_X)

/* Physical-address bits an entry may hold (architectural maximum, 52). */
#define PTE_ADDR_MASK    0x000FFFFFFFFFF000ULL
#define PTE_ADDR_MASK_2M 0x000FFFFFFFE00000ULL
/* Largest frame number an entry can hold. */
#define PTE_MFN_MAX      0xFFFFFFFFFFULL
/*
 * The software bit that marks a 4 KiB leaf "foreign": it maps another
 * domain's frame through a grant (hv/p2m.h, p2m_map_foreign).  The CPU
 * ignores both: NPT bit 9 is one of the AVL bits 9-11 of every long-mode
 * entry; EPT bit 52 is ignored in a leaf (bits 52-56).  Only leaves built by
 * pte_make_foreign carry it.
 */
#define PTE_NPT_FOREIGN  0x200ULL                 /* bit 9 */
#define PTE_EPT_FOREIGN  0x10000000000000ULL      /* bit 52 */

#include "../../../spec/pte.acsl"

/* Is `access` a rights set a leaf of this format can carry? */
/*@ assigns \nothing;
    ensures \result <==> pte_format_ok(fmt) && pte_access_ok(fmt, access); */
bool pte_access_valid(enum pte_format fmt, unsigned access);

/* Entry of a non-leaf level pointing at table page `table`. */
/*@ requires pte_format_ok(fmt) && table <= PTE_MFN_MAX;
    assigns \nothing;
    ensures pte_l_present(fmt, \result);
    ensures !pte_l_large(\result);
    ensures !pte_l_foreign(fmt, \result);
    ensures pte_l_addr(\result) == table;
    ensures pte_l_access(fmt, \result) == P2M_ACCESS_RWX; */
uint64_t pte_make_table(enum pte_format fmt, mfn_t table);

/* Leaf mapping frame `mfn` (512-aligned when `large`) with `access`. */
/*@ requires pte_format_ok(fmt) && pte_access_ok(fmt, access);
    requires mfn <= PTE_MFN_MAX;
    requires large ==> mfn % 512 == 0;
    assigns \nothing;
    ensures pte_l_present(fmt, \result);
    ensures pte_l_large(\result) <==> large;
    ensures !pte_l_foreign(fmt, \result);
    ensures pte_l_addr(\result) == mfn;
    ensures large ==> pte_l_addr_2m(\result) == mfn;
    ensures pte_l_access(fmt, \result) == access; */
uint64_t pte_make_leaf(enum pte_format fmt, mfn_t mfn, unsigned access, bool large);

/* A foreign 4 KiB leaf (see PTE_*_FOREIGN): pte_make_leaf's entry plus the
 * format's software bit, nothing else changed. */
/*@ requires pte_format_ok(fmt) && pte_access_ok(fmt, access);
    requires mfn <= PTE_MFN_MAX;
    assigns \nothing;
    ensures pte_l_present(fmt, \result);
    ensures !pte_l_large(\result);
    ensures pte_l_foreign(fmt, \result);
    ensures pte_l_addr(\result) == mfn;
    ensures pte_l_access(fmt, \result) == access; */
uint64_t pte_make_foreign(enum pte_format fmt, mfn_t mfn, unsigned access);

/*
 * The decoders below are static inline: p2m_lookup runs them four times per
 * translation and is on every guest memory access (docs/P2M.md, benchmark).
 * They are proved wherever this header is analysed (pte.c is in the list).
 */
/*@ assigns \nothing;
    ensures \result <==> pte_l_present(fmt, e); */
static inline bool pte_present(enum pte_format fmt, uint64_t e)
{
    if (fmt == PTE_FORMAT_EPT)
        return e % 8 != 0;          /* any of R, W, X */
    return e % 2 == 1;              /* P */
}

/* Level-2/3 entry that maps a large page rather than pointing at a table
 * (at level 1 the same bit is PAT on NPT: do not ask). */
/*@ assigns \nothing;
    ensures \result <==> pte_l_large(e); */
static inline bool pte_is_large(enum pte_format fmt, uint64_t e)
{
    (void)fmt;                      /* PS is bit 7 in both formats */
    return e / 0x80 % 2 == 1;
}

/* Does the entry carry the foreign bit?  (Meaningful for 4 KiB leaves;
 * pte_make_table and pte_make_leaf never set it: their contracts say so.) */
/*@ assigns \nothing;
    ensures \result <==> pte_l_foreign(fmt, e); */
static inline bool pte_is_foreign(enum pte_format fmt, uint64_t e)
{
    if (fmt == PTE_FORMAT_EPT)
        return e / PTE_EPT_FOREIGN % 2 == 1;
    return e / PTE_NPT_FOREIGN % 2 == 1;
}

/* Frame of a table entry or 4 KiB leaf. */
/*@ assigns \nothing;
    ensures \result == pte_l_addr(e);
    ensures \result <= PTE_MFN_MAX; */
static inline mfn_t pte_mfn(uint64_t e)
{
    return e / 0x1000 % 0x10000000000ULL;          /* bits 12..51 */
}

/* First frame of a 2 MiB leaf. */
/*@ assigns \nothing;
    ensures \result == pte_l_addr_2m(e);
    ensures \result <= PTE_MFN_MAX && \result % 512 == 0; */
static inline mfn_t pte_mfn_2m(uint64_t e)
{
    return e / 0x200000 % 0x80000000ULL * 512;      /* bits 21..51 */
}

/* Rights of a leaf (0 for a non-present entry). */
/*@ assigns \nothing;
    ensures \result == pte_l_access(fmt, e);
    ensures \result <= P2M_ACCESS_RWX; */
static inline unsigned pte_access(enum pte_format fmt, uint64_t e)
{
    unsigned a;

    if (fmt == PTE_FORMAT_EPT)
        return (unsigned)(e % 8);                  /* R, W, X = P2M_ACCESS_* */
    if (e % 2 == 0)
        return 0;                                  /* not present */
    a = P2M_ACCESS_R;
    if (e / 0x2 % 2 == 1)
        a += P2M_ACCESS_W;                         /* RW */
    if (e / 0x8000000000000000ULL == 0)
        a += P2M_ACCESS_X;                         /* NX clear */
    return a;
}

/*
 * What the CPU's nested walk makes of one entry at its level (p2m_lookup
 * reports exactly that; see hv/p2m.h for the rules).  Computed, like the
 * decoders above, by dividing by bit weights: the same shifts and masks in
 * the machine code, linear arithmetic for the provers (no variable shifts).
 */
enum pte_hw_kind {
    PTE_HW_BAD = 0,     /* not present, supervisor-only (NPT), misconfigured or reserved bits */
    PTE_HW_TABLE = 1,   /* points at the next level's table */
    PTE_HW_LEAF = 2,    /* maps a 4 KiB, 2 MiB or 1 GiB page */
};

/* NPT bits the walk tests: P(0), U/S(2), PS(7), NX(63); reserved in large leaves. */
#define PTE_NPT_NX       0x8000000000000000ULL
#define PTE_NPT_RSVD_LOW 0x2000ULL      /* weight of bit 13, the lowest reserved bit of a large leaf */

/*@ // What the CPU's nested walk makes of an entry at `level` (1..4): the
    // functions below compute exactly these (docs/P2M.md, "the hardware view").
    logic integer pte_npt_kind_l(integer level, integer e) =
      e % 2 == 0 || e / 4 % 2 == 0 ? PTE_HW_BAD :
      level == 1 ? PTE_HW_LEAF :
      e / 0x80 % 2 == 0 ? PTE_HW_TABLE :
      level == 4 ? PTE_HW_BAD :
      level == 3 ? (e / PTE_NPT_RSVD_LOW % 0x20000 != 0 ? PTE_HW_BAD : PTE_HW_LEAF) :
      (e / PTE_NPT_RSVD_LOW % 0x100 != 0 ? PTE_HW_BAD : PTE_HW_LEAF);

    logic integer pte_ept_kind_l(integer level, integer e) =
      e % 8 == 0 || e % 8 == 2 || e % 8 == 6 ? PTE_HW_BAD :
      level == 4 ? (e / 8 % 32 != 0 ? PTE_HW_BAD : PTE_HW_TABLE) :
      level != 1 && e / 0x80 % 2 == 0 ? (e / 8 % 16 != 0 ? PTE_HW_BAD : PTE_HW_TABLE) :
      e / 8 % 8 == 2 || e / 8 % 8 == 3 || e / 8 % 8 == 7 ? PTE_HW_BAD :
      level == 1 ? PTE_HW_LEAF :
      level == 3 ? (e / 0x1000 % 0x40000 != 0 ? PTE_HW_BAD : PTE_HW_LEAF) :
      (e / 0x1000 % 0x200 != 0 ? PTE_HW_BAD : PTE_HW_LEAF);

    logic integer pte_hw_kind_l(integer fmt, integer level, integer e) =
      fmt == PTE_FORMAT_EPT ? pte_ept_kind_l(level, e) : pte_npt_kind_l(level, e);

    // One entry's contribution to the rights fold (NPT's NX inverted), and
    // the rights a fold grants.
    logic uint64_t pte_hw_fold_l(integer fmt, uint64_t e) =
      fmt == PTE_FORMAT_EPT ? e : (uint64_t)(e ^ PTE_NPT_NX);
    logic integer pte_hw_rights_l(integer fmt, uint64_t all) =
      fmt == PTE_FORMAT_EPT ? all % 8 :
      P2M_ACCESS_R + (all / 2 % 2) * P2M_ACCESS_W + (all / PTE_NPT_NX != 0 ? P2M_ACCESS_X : 0);

    // First frame of a 1 GiB leaf (bits 30..51).
    logic integer pte_l_addr_1g(integer e) = (e / 0x40000000 % 0x400000) * 0x40000;
*/

/*@ requires 1 <= level <= 4;
    assigns \nothing;
    ensures \result == PTE_HW_BAD || \result == PTE_HW_TABLE || \result == PTE_HW_LEAF;
    ensures level == 1 ==> \result != PTE_HW_TABLE;
    ensures level == 4 ==> \result != PTE_HW_LEAF;
    ensures \result == pte_npt_kind_l(level, e); */
static inline enum pte_hw_kind pte_npt_kind(unsigned level, uint64_t e)
{
    if (e % 2 == 0 || e / 4 % 2 == 0)
        return PTE_HW_BAD;                /* P and U/S: guest accesses are user accesses */
    if (level == 1)
        return PTE_HW_LEAF;               /* bit 7 is PAT here */
    if (e / 0x80 % 2 == 0)
        return PTE_HW_TABLE;
    if (level == 4)
        return PTE_HW_BAD;                /* PS is reserved in a level-4 entry */
    if (level == 3)                       /* 1 GiB: bits 29:13 reserved */
        return e / PTE_NPT_RSVD_LOW % 0x20000 != 0 ? PTE_HW_BAD : PTE_HW_LEAF;
    return e / PTE_NPT_RSVD_LOW % 0x100 != 0 ? PTE_HW_BAD : PTE_HW_LEAF;   /* 2 MiB: 20:13 */
}

/*@ requires 1 <= level <= 4;
    assigns \nothing;
    ensures \result == PTE_HW_BAD || \result == PTE_HW_TABLE || \result == PTE_HW_LEAF;
    ensures level == 1 ==> \result != PTE_HW_TABLE;
    ensures level == 4 ==> \result != PTE_HW_LEAF;
    ensures \result == pte_ept_kind_l(level, e); */
static inline enum pte_hw_kind pte_ept_kind(unsigned level, uint64_t e)
{
    uint64_t rights = e % 8, mtype = e / 8 % 8;

    if (rights == 0 || rights == 2 || rights == 6)
        return PTE_HW_BAD;                /* not present, or W without R */
    if (level == 4)
        return e / 8 % 32 != 0 ? PTE_HW_BAD : PTE_HW_TABLE;          /* bits 7:3 reserved */
    if (level != 1 && e / 0x80 % 2 == 0)
        return e / 8 % 16 != 0 ? PTE_HW_BAD : PTE_HW_TABLE;          /* bits 6:3 reserved */
    if (mtype == 2 || mtype == 3 || mtype == 7)
        return PTE_HW_BAD;                /* reserved memory types */
    if (level == 1)
        return PTE_HW_LEAF;
    if (level == 3)
        return e / 0x1000 % 0x40000 != 0 ? PTE_HW_BAD : PTE_HW_LEAF; /* 1 GiB: bits 29:12 */
    return e / 0x1000 % 0x200 != 0 ? PTE_HW_BAD : PTE_HW_LEAF;       /* 2 MiB: bits 20:12 */
}

/*@ requires 1 <= level <= 4;
    assigns \nothing;
    ensures \result == PTE_HW_BAD || \result == PTE_HW_TABLE || \result == PTE_HW_LEAF;
    ensures level == 1 ==> \result != PTE_HW_TABLE;
    ensures level == 4 ==> \result != PTE_HW_LEAF;
    ensures \result == pte_hw_kind_l(fmt, level, e); */
static inline enum pte_hw_kind pte_hw_kind(enum pte_format fmt, unsigned level, uint64_t e)
{
    return fmt == PTE_FORMAT_EPT ? pte_ept_kind(level, e) : pte_npt_kind(level, e);
}

/*
 * Rights fold over the entries of one translation: start from ~0 and AND
 * every entry in, NPT entries with NX inverted (so that bit 63 survives
 * only when no level forbids execution).  One word carries the result.
 */
/*@ assigns \nothing;
    ensures \result == pte_hw_fold_l(fmt, e); */
static inline uint64_t pte_hw_fold(enum pte_format fmt, uint64_t e)
{
    return fmt == PTE_FORMAT_EPT ? e : e ^ PTE_NPT_NX;
}

/* The rights a fold grants: EPT R/W/X are bits 0..2 (P2M_ACCESS_*); NPT
 * always R, W from RW (bit 1), X when no level had NX. */
/*@ assigns \nothing;
    ensures \result <= P2M_ACCESS_RWX;
    ensures fmt != PTE_FORMAT_EPT ==> \result % 2 == 1;
    ensures \result == pte_hw_rights_l(fmt, all); */
static inline unsigned pte_hw_rights(enum pte_format fmt, uint64_t all)
{
    if (fmt == PTE_FORMAT_EPT)
        return (unsigned)(all % 8);
    return P2M_ACCESS_R + (unsigned)(all / 2 % 2) * P2M_ACCESS_W +
           (all / PTE_NPT_NX != 0 ? P2M_ACCESS_X : 0U);
}

/* First frame of a 1 GiB leaf (bits 30..51; never written by p2m.c, but
 * translated like the hardware does). */
/*@ assigns \nothing;
    ensures \result <= PTE_MFN_MAX;
    ensures \result == pte_l_addr_1g(e); */
static inline mfn_t pte_mfn_1g(uint64_t e)
{
    return e / 0x40000000 % 0x400000ULL * 0x40000;
}

#endif /* HV_PTE_H */
