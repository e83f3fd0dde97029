// SPDX-License-Identifier: GPL-2.0-only
/*
 * NPT and EPT entry encodings (layouts in hv/pte.h).
 *
 * Entries are built by adding fields and read by dividing by the weight of a
 * bit (e / 2^k % 2) instead of with shifts and masks: the machine code is the
 * same (unsigned division by a power of two is a shift), and WP's provers
 * prove the decode(encode(x)) == x facts about this linear arithmetic in
 * milliseconds, where the bit-vector forms time out (docs/P2M.md).
 */
#include "hv/pte_hw.h"

/* Weights of the entry bits: x86-64 / NPT (AMD APM vol. 2, 5.3 and 15.25). */
#define NPT_P      0x1ULL
#define NPT_RW     0x2ULL
#define NPT_US     0x4ULL
#define PTE_PS     0x80ULL                  /* bit 7 in both formats */
#define NPT_NX     0x8000000000000000ULL    /* bit 63 */
/* EPT (Intel SDM vol. 3C, 29.3.2): R, W, X are bits 0..2 (P2M_ACCESS_* values). */
#define EPT_WB     0x30ULL                  /* memory type 6 (write-back) in bits 3..5 */
#define PAGE_BYTES 0x1000ULL

bool pte_access_valid(enum pte_format fmt, unsigned access)
{
    if (access == 0 || access > P2M_ACCESS_RWX)
        return false;
    if (fmt == PTE_FORMAT_NPT)
        return access / P2M_ACCESS_R % 2 == 1;
    if (fmt == PTE_FORMAT_EPT)
        return access / P2M_ACCESS_W % 2 == 0 || access / P2M_ACCESS_R % 2 == 1;
    return false;
}

uint64_t pte_make_table(enum pte_format fmt, mfn_t table)
{
    (void)fmt;   /* NPT P|RW|US and EPT R|W|X are both the low three bits */
    return table * PAGE_BYTES + (NPT_P + NPT_RW + NPT_US);
}

/* NPT leaf flags for a rights set that includes R: P | US, RW if writable,
 * NX unless executable.  One constant per case keeps the proof linear. */
/*@ requires access == 1 || access == 3 || access == 5 || access == 7;
    assigns \nothing;
    ensures \result % 2 == 1 && (\result / 0x80) % 2 == 0 && (\result / 4096) % 0x10000000000 == 0;
    ensures \result % 4096 == 5 + (access / 2 % 2) * 2;
    ensures \result / 0x8000000000000000 == (access / 4 % 2 == 0 ? 1 : 0); */
static uint64_t npt_leaf_flags(unsigned access)
{
    switch (access) {
    case P2M_ACCESS_R:
        return NPT_P + NPT_US + NPT_NX;
    case P2M_ACCESS_R | P2M_ACCESS_W:
        return NPT_P + NPT_RW + NPT_US + NPT_NX;
    case P2M_ACCESS_R | P2M_ACCESS_X:
        return NPT_P + NPT_US;
    default:
        return NPT_P + NPT_RW + NPT_US;
    }
}

uint64_t pte_make_leaf(enum pte_format fmt, mfn_t mfn, unsigned access, bool large)
{
    uint64_t e = mfn * PAGE_BYTES + (large ? PTE_PS : 0);

    if (fmt == PTE_FORMAT_EPT)
        return e + EPT_WB + access;
    /*@ assert npt_rights: access == 1 || access == 3 || access == 5 || access == 7; */
    return e + npt_leaf_flags(access);
}

uint64_t pte_make_foreign(enum pte_format fmt, mfn_t mfn, unsigned access)
{
    uint64_t e = mfn * PAGE_BYTES;

    /* Built like pte_make_leaf's 4 KiB leaf, with the software bit added:
     * bit 9 (NPT) lies between the flags and the address, bit 52 (EPT)
     * above the address, so neither changes another field. */
    if (fmt == PTE_FORMAT_EPT)
        return e + EPT_WB + access + PTE_EPT_FOREIGN;
    /*@ assert npt_rights: access == 1 || access == 3 || access == 5 || access == 7; */
    return e + npt_leaf_flags(access) + PTE_NPT_FOREIGN;
}

/* The decoders are static inline in hv/pte.h. */
