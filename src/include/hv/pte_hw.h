/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * How the CPU reads the entries hv/pte.h builds (its pte_hw_kind_l), for the
 * proofs that need it: pte.c proves it, p2m.c uses it.  A header of its own
 * rather than more lines in hv/pte.h: every unit that includes hv/pte.h
 * would otherwise see a changed context, and its cached proofs go cold.
 * Frama-C merges this contract with the one in hv/pte.h; to the compilers
 * it is the same prototype again.
 */
#ifndef HV_PTE_HW_H
#define HV_PTE_HW_H

#include "hv/pte.h"

/* A table entry is followed as a table at every level that has tables. */
/*@ requires pte_format_ok(fmt) && table <= PTE_MFN_MAX;
    assigns \nothing;
    ensures table_hw_kind: \forall integer k; 2 <= k <= 4 ==> pte_hw_kind_l(fmt, k, \result) == PTE_HW_TABLE; */
uint64_t pte_make_table(enum pte_format fmt, mfn_t table);

#endif
