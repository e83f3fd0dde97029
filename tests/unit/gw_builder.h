/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Test-side builder for guest page tables and p2m tables in simulated machine
 * memory, written from the architectural formats (it does not use p2m.c, whose
 * map/unmap may not exist yet).  Shared by the guest walk/copy tests, the
 * isolation scenario, the fuzz harness and the benchmark; header only.
 */
#ifndef TESTS_GW_BUILDER_H
#define TESTS_GW_BUILDER_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/guest_walk.h"
#include "hv/p2m.h"
#include "ref_walk.h"
#include "sim.h"

struct gwb {
    struct p2m p2m;
    mfn_t next;      /* next machine frame to hand out for p2m tables */
    mfn_t limit;     /* first frame the table allocator may not use */
};

static inline void gwb_die(const char *what)
{
    fprintf(stderr, "gw_builder: %s\n", what);
    abort();
}

/* p2m tables come from machine frames [first, limit). */
static inline void gwb_init(struct gwb *b, mfn_t first, mfn_t limit, enum pte_format fmt)
{
    uint8_t *root = sim_frame(first);

    if (root == NULL || first >= limit)
        gwb_die("no room for the p2m root");
    memset(root, 0, PAGE_SIZE);
    b->p2m = (struct p2m){ .root = first, .owner = 1, .format = fmt, .nr_tables = 1, .nr_mapped = 0 };
    b->next = first + 1;
    b->limit = limit;
}

static inline uint64_t gwb_table_entry(const struct gwb *b, mfn_t mfn)
{
    /* Tables: every right; NPT entries carry U/S because guest accesses are user accesses. */
    (void)b;
    return ((uint64_t)mfn << 12) | 0x7ULL;   /* NPT: P, RW, US; EPT: R, W, X */
}

static inline uint64_t gwb_leaf_entry(const struct gwb *b, mfn_t mfn, unsigned access, bool large)
{
    uint64_t e = (uint64_t)mfn << 12;

    if (large)
        e |= 1ULL << 7;
    if (b->p2m.format == PTE_FORMAT_EPT) {
        e |= (access & P2M_ACCESS_R) ? 1ULL : 0;
        e |= (access & P2M_ACCESS_W) ? 2ULL : 0;
        e |= (access & P2M_ACCESS_X) ? 4ULL : 0;
        return e;
    }
    /* NPT cannot express "not readable": no R means not present. */
    if ((access & P2M_ACCESS_R) == 0)
        return 0;
    e |= 0x5ULL;
    e |= (access & P2M_ACCESS_W) ? 2ULL : 0;
    e |= (access & P2M_ACCESS_X) ? 0 : (1ULL << 63);
    return e;
}

static inline uint64_t *gwb_table(mfn_t mfn)
{
    uint64_t *t = (uint64_t *)(void *)sim_frame(mfn);

    if (t == NULL)
        gwb_die("table frame beyond machine memory");
    return t;
}

/* The entry slot for gfn at `level` (1 or 2), creating tables on the way. */
static inline uint64_t *gwb_slot(struct gwb *b, gfn_t gfn, unsigned level)
{
    mfn_t table = b->p2m.root;

    for (unsigned l = 4; l > level; l--) {
        uint64_t *t = gwb_table(table);
        unsigned idx = (unsigned)((gfn >> (9 * (l - 1))) & 511);

        if ((t[idx] & 0x7ULL) == 0) {
            if (b->next >= b->limit)
                gwb_die("out of p2m table frames");
            memset(sim_frame(b->next), 0, PAGE_SIZE);
            t[idx] = gwb_table_entry(b, b->next);
            b->next++;
            b->p2m.nr_tables++;
        }
        table = (t[idx] >> 12) & 0xFFFFFFFFFFULL;
    }
    return &gwb_table(table)[(gfn >> (9 * (level - 1))) & 511];
}

static inline void gwb_map(struct gwb *b, gfn_t gfn, mfn_t mfn, unsigned access)
{
    *gwb_slot(b, gfn, 1) = gwb_leaf_entry(b, mfn, access, false);
}

/* 2 MiB p2m leaf: gfn and mfn 512-aligned. */
static inline void gwb_map_2m(struct gwb *b, gfn_t gfn, mfn_t mfn, unsigned access)
{
    *gwb_slot(b, gfn, 2) = gwb_leaf_entry(b, mfn, access, true);
}

static inline void gwb_unmap(struct gwb *b, gfn_t gfn)
{
    *gwb_slot(b, gfn, 1) = 0;
}

/* Host pointer to guest-physical address gpa (must be mapped), independent of p2m.c. */
static inline uint8_t *gwb_gpa_ptr(const struct gwb *b, uint64_t gpa)
{
    struct ref_npt npt = { b->p2m.root, b->p2m.format == PTE_FORMAT_EPT };
    uint64_t maddr;
    unsigned rights;

    if (!ref_npt_translate(&npt, gpa, &maddr, &rights))
        gwb_die("gpa not mapped");
    return sim_frame(maddr >> 12) + (maddr & 0xFFF);
}

static inline void gwb_put64(const struct gwb *b, uint64_t gpa, uint64_t v)
{
    memcpy(gwb_gpa_ptr(b, gpa), &v, 8);
}

static inline void gwb_put32(const struct gwb *b, uint64_t gpa, uint32_t v)
{
    memcpy(gwb_gpa_ptr(b, gpa), &v, 4);
}

static inline uint64_t gwb_get64(const struct gwb *b, uint64_t gpa)
{
    uint64_t v;

    memcpy(&v, gwb_gpa_ptr(b, gpa), 8);
    return v;
}

static inline uint32_t gwb_get32(const struct gwb *b, uint64_t gpa)
{
    uint32_t v;

    memcpy(&v, gwb_gpa_ptr(b, gpa), 4);
    return v;
}

/* The reference walker's view of the same state. */
static inline struct ref_npt gwb_ref_npt(const struct p2m *p2m)
{
    return (struct ref_npt){ p2m->root == INVALID_MFN ? ~0ULL : p2m->root,
                             p2m->format == PTE_FORMAT_EPT };
}

static inline struct ref_cpu gwb_ref_cpu(const struct guest_paging *gp)
{
    return (struct ref_cpu){ gp->cr0, gp->cr3, gp->cr4, gp->efer, gp->rflags, gp->cpl,
                             gp->maxphyaddr };
}

static inline struct ref_access gwb_ref_access(unsigned access)
{
    return (struct ref_access){ (access & GW_ACC_WRITE) != 0, (access & GW_ACC_FETCH) != 0,
                                (access & GW_ACC_IMPLICIT) != 0 };
}

/*
 * Compare a core result with a reference outcome; returns NULL when they
 * agree, else what differs.
 */
static inline const char *gwb_compare(int rc, const struct gw_result *r, const struct ref_outcome *o)
{
    static const enum gw_status map[] = {
        [REF_OK] = GW_OK, [REF_PAGE_FAULT] = GW_PAGE_FAULT, [REF_GP] = GW_GP_FAULT,
        [REF_NESTED] = GW_NESTED_FAULT, [REF_BAD_ACCESS] = GW_INVALID,
    };

    if (r->status != map[o->verdict])
        return "status";
    if ((rc == 0) != (o->verdict == REF_OK))
        return "return code";
    if (r->level != o->level)
        return "level";
    switch (o->verdict) {
    case REF_OK:
        if (r->ad_pending != (o->nr_writes > 0))
            return "A/D pending";
        return r->gpa == o->gpa ? NULL : "gpa";
    case REF_PAGE_FAULT:
        return r->error_code == o->pfec ? NULL : "error code";
    case REF_NESTED:
        if (r->gpa != o->gpa)
            return "nested gpa";
        return r->nested_access == (o->nested_write ? P2M_ACCESS_W : P2M_ACCESS_R) ? NULL
                                                                                : "nested access";
    default:
        return NULL;
    }
}

#endif /* TESTS_GW_BUILDER_H */
