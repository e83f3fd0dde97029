/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reference page walker for tests and fuzzers: an independent model of the
 * x86 guest page walk (all four modes) on top of an independent model of the
 * nested walk (NPT or EPT), reading simulated machine memory through
 * sim_frame() only.  It shares nothing with src/ but the basic types, so a
 * bug has to be made twice, differently, to go unseen.  The semantics it
 * implements are those docs/MEMORY.md states.
 */
#ifndef SIM_REF_WALK_H
#define SIM_REF_WALK_H

#include "hv/types.h"

/* What the reference needs of the guest CPU. */
struct ref_cpu {
    uint64_t cr0, cr3, cr4, efer, rflags;
    unsigned cpl;
    unsigned maxphyaddr;
};

/* The domain's nested tables: root machine frame and entry format. */
struct ref_npt {
    uint64_t root_mfn;   /* ~0 for "no p2m" */
    bool ept;
};

/* Access requested. */
struct ref_access {
    bool write, fetch, implicit;
};

enum ref_verdict {
    REF_OK,
    REF_PAGE_FAULT,
    REF_GP,
    REF_NESTED,
    REF_BAD_ACCESS,
};

/* One accessed/dirty update: OR `bits` into the entry of `width` bytes at machine address maddr. */
struct ref_ad_write {
    uint64_t maddr;
    uint64_t bits;
    unsigned width;
};

struct ref_outcome {
    enum ref_verdict verdict;
    uint64_t gpa;          /* REF_OK: translation; REF_NESTED: gpa of the entry refused */
    uint32_t pfec;         /* REF_PAGE_FAULT: error code */
    bool nested_write;     /* REF_NESTED: the refused access was an A/D write */
    unsigned level;        /* same meaning as struct gw_result.level */
    unsigned nr_writes;
    struct ref_ad_write writes[4];
};

/* Translate gla; writes nothing (see ref_apply). */
void ref_walk(const struct ref_npt *npt, const struct ref_cpu *cpu, uint64_t gla,
              struct ref_access acc, struct ref_outcome *out);
/* Perform the A/D writes of an outcome in machine memory. */
void ref_apply(const struct ref_outcome *out);

/*
 * Nested translation of gpa: true with the machine address and rights
 * (bit 0 read, bit 1 write, bit 2 execute) when gpa is mapped to an
 * existing machine frame.
 */
bool ref_npt_translate(const struct ref_npt *npt, uint64_t gpa, uint64_t *maddr, unsigned *rights);

/*
 * All-or-nothing copies with the semantics of docs/MEMORY.md; cpu == NULL
 * for guest-physical addresses.  0 or -1.
 */
int ref_copy(const struct ref_npt *npt, const struct ref_cpu *cpu, uint64_t addr, uint8_t *buf,
             size_t len, bool to_guest);

#endif /* SIM_REF_WALK_H */
