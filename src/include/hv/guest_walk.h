/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest page walk: guest-linear -> guest-physical through the guest's own
 * page tables, exactly as the CPU would do it for the guest, with every
 * guest page-table access going through the domain's p2m.  Faults are
 * values (struct gw_result), never crashes.  docs/MEMORY.md has the rules:
 * walk modes, reserved bits, permission checks, the accessed/dirty rule.
 */
#ifndef HV_GUEST_WALK_H
#define HV_GUEST_WALK_H

#include "hal/hal.h"
#include "hal/mem.h"
#include "hv/p2m.h"
#include "hv/types.h"
#include "xen/errno.h"

#include "../../../spec/guest_walk.acsl"

/* Control-register bits the walk reads (Intel SDM vol. 3A 2.5, AMD APM vol. 2 3.1). */
#define GW_CR0_WP    (1ULL << 16)
#define GW_CR0_PG    (1ULL << 31)
#define GW_CR4_PSE   (1ULL << 4)
#define GW_CR4_PAE   (1ULL << 5)
#define GW_CR4_SMEP  (1ULL << 20)
#define GW_CR4_SMAP  (1ULL << 21)
#define GW_EFER_LMA  (1ULL << 10)
#define GW_EFER_NXE  (1ULL << 11)
#define GW_RFLAGS_AC (1ULL << 18)

/* The guest paging state of one vCPU, as its VMCB/VMCS holds it. */
struct guest_paging {
    uint64_t cr0, cr3, cr4, efer, rflags;
    uint8_t cpl;          /* current privilege level; 3 = user, anything else supervisor */
    uint8_t maxphyaddr;   /* guest MAXPHYADDR (CPUID 0x80000008 EAX[7:0]); used clamped to 32..52 */
};

enum gw_mode {
    GW_MODE_NONE = 0,     /* CR0.PG = 0: linear = physical (32-bit) */
    GW_MODE_2LEVEL = 1,   /* 32-bit paging, 4 MiB pages with CR4.PSE */
    GW_MODE_PAE = 2,      /* PAE paging: PDPTE, PDE, PTE; 2 MiB pages */
    GW_MODE_LONG4 = 3,    /* 4-level paging (EFER.LMA); 2 MiB and 1 GiB pages */
};

/* Access kind: flags. WRITE and FETCH exclude each other. */
#define GW_ACC_READ     0x0U
#define GW_ACC_WRITE    0x1U
#define GW_ACC_FETCH    0x2U
#define GW_ACC_IMPLICIT 0x4U  /* implicit supervisor-mode access (e.g. descriptor tables), any CPL */
#define GW_ACC_ALL      0x7U

/* #PF error code bits (SDM 4.7). */
#define PF_PRESENT 0x01U
#define PF_WRITE   0x02U
#define PF_USER    0x04U
#define PF_RSVD    0x08U
#define PF_INSTR   0x10U

enum gw_status {
    GW_OK = 0,
    GW_PAGE_FAULT = 1,    /* guest #PF: error_code, gla goes to CR2 */
    GW_GP_FAULT = 2,      /* non-canonical address in long mode: #GP(0) (#SS for stack accesses) */
    GW_NESTED_FAULT = 3,  /* the p2m refused gpa for nested_access (R: table read, W: A/D update) */
    GW_INVALID = 4,       /* the caller's access flags were inconsistent */
};

struct gw_result {
    enum gw_status status;
    uint64_t gpa;          /* GW_OK: the translation; GW_NESTED_FAULT: the page-table entry's gpa */
    uint32_t error_code;   /* GW_PAGE_FAULT only */
    unsigned nested_access;/* GW_NESTED_FAULT only: P2M_ACCESS_R or P2M_ACCESS_W */
    unsigned level;        /* GW_OK: leaf level (1: 4 KiB, 2: 2/4 MiB, 3: 1 GiB; 0: paging off);
                              faults: level of the entry at fault (0 when no entry was involved) */
    bool ad_pending;       /* guest_walk_check, GW_OK: guest_walk would set A/D bits */
};

/*@ predicate gw_access_ok(integer a) =
      0 <= a <= GW_ACC_ALL && (a & (GW_ACC_WRITE | GW_ACC_FETCH)) != (GW_ACC_WRITE | GW_ACC_FETCH);
*/

/*@ predicate guest_paging_mode_long(struct guest_paging *gp) =
      (gp->cr0 & GW_CR0_PG) != 0 && (gp->efer & GW_EFER_LMA) != 0;
*/

/* The paging mode the guest state selects. */
/*@ requires \valid_read(gp);
    assigns \nothing;
    ensures GW_MODE_NONE <= \result <= GW_MODE_LONG4;
    ensures (gp->cr0 & GW_CR0_PG) == 0 <==> \result == GW_MODE_NONE;
    ensures \result == GW_MODE_LONG4 <==> guest_paging_mode_long(gp); */
enum gw_mode guest_paging_mode(const struct guest_paging *gp);

/*
 * Translate gla for an access of kind `access` without changing anything:
 * the result says what guest_walk would return, and ad_pending whether it
 * would set accessed/dirty bits.  0 on GW_OK, -XEN_EFAULT on a fault,
 * -XEN_EINVAL (GW_INVALID) for bad access flags.
 */
/*@ requires \valid_read(p2m) && \valid_read(gp) && \valid(res);
    requires p2m_root_map_ok(p2m) && \separated(res, p2m, gp);
    assigns *res;
    ensures \result == 0 || \result == -XEN_EFAULT || \result == -XEN_EINVAL;
    ensures \result == 0 <==> res->status == GW_OK;
    ensures \result == -XEN_EINVAL <==> res->status == GW_INVALID;
    ensures !gw_access_ok(access) ==> \result == -XEN_EINVAL; */
int guest_walk_check(const struct p2m *p2m, const struct guest_paging *gp, uint64_t gla,
                     unsigned access, struct gw_result *res);

/*
 * guest_walk_check, then, only when the translation succeeded, set the
 * accessed bit of every entry used and the dirty bit of the leaf for a write
 * (the only guest memory a walk writes; nothing is written on any fault).
 */
/*@ requires \valid_read(p2m) && \valid_read(gp) && \valid(res);
    requires p2m_root_map_ok(p2m) && \separated(res, p2m, gp);
    requires \separated(res, hal_mem_words + (0 .. HAL_MEM_WORDS - 1));
    assigns *res, hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures \result == 0 || \result == -XEN_EFAULT || \result == -XEN_EINVAL;
    ensures \result == 0 <==> res->status == GW_OK;
    ensures \result == -XEN_EINVAL <==> res->status == GW_INVALID;
    ensures !gw_access_ok(access) ==> \result == -XEN_EINVAL; */
int guest_walk(const struct p2m *p2m, const struct guest_paging *gp, uint64_t gla,
               unsigned access, struct gw_result *res);

/*
 * A walker: many walks of one kind (same guest state, same access) while
 * nothing writes guest memory or the p2m, as in the check pass of a copy.
 * Each check gives guest_walk_check's answer; the walker keeps the p2m
 * lookup cursor across them and reuses the upper-level entries a check
 * shares with the previous successful one (same table indices: reading
 * them again would give the same values), so consecutive pages cost one
 * entry each.  It also hands out the accessed/dirty updates each check
 * found pending, as host pointers, so they can be applied later without
 * walking again; entries a check reused from the previous one are not
 * reported again (an entry the walks reach again after leaving it may be:
 * applying an update twice is harmless).
 * The fields are guest_walk.c's.
 */
struct gw_ad {
    uint64_t *word;        /* the 8-byte-aligned word holding the entry */
    uint64_t bits;         /* bits to OR into it (shifted into place for a 32-bit entry) */
};

struct gw_level {
    uint64_t entry_gpa;    /* where the entry lives */
    uint64_t *table;       /* host view of its table page, NULL before the level's first read */
    uint64_t *word;        /* host view of the aligned 8-byte word that holds it */
    uint64_t entry;        /* its value as read (a 32-bit entry zero-extended) */
    uint64_t set;          /* A/D bits the walk must set in it (the entry's own positions) */
    uint64_t all;          /* AND of the entries down to this one, XD inverted (RW, US, !XD) */
    bool p2m_w;            /* the p2m lets us write the entry's page */
    bool reported;         /* its pending bits were reported by an earlier check */
    bool pend;             /* this entry or one above has pending bits */
    uint8_t first_bad;     /* first entry down to this one with pending bits in a page the
                              p2m will not let us write, or GW_NO_LEVEL */
};

#define GW_NO_LEVEL 0xFFU

#define GW_MAX_LEVELS 4U

struct gw_walker {
    struct p2m_cursor p2m;
    const struct guest_paging *gp;
    enum gw_mode mode;
    unsigned access;
    bool bad_access;       /* unknown flags, or write together with fetch */
    uint8_t perm_known, perm_ok;  /* permission verdicts worked out, by combined rights */
    unsigned top;          /* levels of the mode (2, 3 or 4), 0 without paging */
    bool structure_only;   /* follow P, PS and addresses only (guest_walk_commit_ad) */
    bool valid;            /* lv[0 .. nr - 1] hold the last successful walk, of prev_gla */
    unsigned nr;
    uint64_t prev_gla;
    uint64_t rsvd;         /* reserved bits of every PAE / 4-level entry but the PDPTE */
    uint64_t rsvd_pdpte;   /* PAE PDPTE */
    uint64_t rsvd_4m;      /* 32-bit 4 MiB PDE */
    uint32_t ec;           /* error-code bits of the access kind */
    struct gw_level lv[GW_MAX_LEVELS];
};

/*@ // Levels of a mode's walk (struct gw_walker's top).
    logic integer gw_levels(integer mode) =
      mode == GW_MODE_LONG4 ? 4 : mode == GW_MODE_PAE ? 3 : mode == GW_MODE_2LEVEL ? 2 : 0;

    // Level i of a walk: its word is machine memory, and the first entry
    // with unwritable pending bits it names is itself or one above.
    predicate gw_level_ok(struct gw_level *lv, integer i) =
      gw_mem_word(lv->word) && (lv->first_bad == GW_NO_LEVEL || lv->first_bad <= i);
*/

/*
 * A walker fit for gw_walker_check: its guest state and p2m lie outside it
 * (frame), its mode, levels and access flags agree (shape), and its first
 * n levels' words are machine memory (levels).
 */
/*@ predicate gw_table_ok(struct gw_level *lv) =
      lv->table == \null || gw_mem_table(lv->table);

    predicate gw_walker_frame(struct gw_walker *w) =
      \valid_read(w->gp) && \separated(w, w->gp) &&
      p2m_cursor_ok(&w->p2m) && \separated(w, w->p2m.p2m) &&
      gw_table_ok(&w->lv[0]) && gw_table_ok(&w->lv[1]) &&
      gw_table_ok(&w->lv[2]) && gw_table_ok(&w->lv[3]);

    predicate gw_walker_shape(struct gw_walker *w) =
      GW_MODE_NONE <= w->mode <= GW_MODE_LONG4 && w->top == gw_levels(w->mode) &&
      w->nr <= w->top && (w->bad_access <==> !gw_access_ok(w->access));

    // Unrolled over the GW_MAX_LEVELS levels: ground facts, no quantifier
    // for the provers to instantiate after each write to the walker.
    predicate gw_walker_levels(struct gw_walker *w, integer n) =
      (n > 0 ==> gw_level_ok(&w->lv[0], 0)) && (n > 1 ==> gw_level_ok(&w->lv[1], 1)) &&
      (n > 2 ==> gw_level_ok(&w->lv[2], 2)) && (n > 3 ==> gw_level_ok(&w->lv[3], 3));

    predicate gw_walker_ok(struct gw_walker *w) =
      gw_walker_frame(w) && gw_walker_shape(w) && gw_walker_levels(w, w->nr);
*/

/*@ requires \valid(w) && \valid_read(p2m) && \valid_read(gp);
    requires p2m_root_map_ok(p2m) && \separated(w, p2m) && \separated(w, gp);
    assigns *w;
    ensures w->gp == gp && w->access == access && w->nr == 0 && !w->valid;
    ensures p2m_cursor_ok(&w->p2m) && w->p2m.p2m == p2m;
    ensures gw_walker_frame(w);
    ensures gw_walker_shape(w);
    ensures gw_walker_levels(w, w->nr);
    ensures w->mode == GW_MODE_LONG4 <==> guest_paging_mode_long(gp); */
void gw_walker_init(struct gw_walker *w, const struct p2m *p2m, const struct guest_paging *gp,
                    unsigned access);

/*
 * guest_walk_check(p2m, gp, gla, access, res) for the walker's p2m, guest
 * state and access, provided nothing wrote guest memory or the p2m since
 * gw_walker_init.  Writes nothing but *w and *res.
 */
/*@ requires \valid(w) && \valid(res) && \separated(w, res);
    requires gw_walker_ok(w) && \separated(res, w->gp) && \separated(res, w->p2m.p2m);
    assigns *w, *res;
    ensures gw_walker_frame(w);
    ensures gw_walker_shape(w);
    ensures gw_walker_levels(w, w->nr);
    ensures w->p2m.p2m == \old(w->p2m.p2m);
    ensures w->gp == \old(w->gp) && w->access == \old(w->access) && w->mode == \old(w->mode);
    ensures \result == 0 || \result == -XEN_EFAULT || \result == -XEN_EINVAL;
    ensures \result == 0 <==> res->status == GW_OK;
    ensures \result == -XEN_EINVAL <==> res->status == GW_INVALID;
    ensures !gw_access_ok(w->access) ==> \result == -XEN_EINVAL; */
int gw_walker_check(struct gw_walker *w, uint64_t gla, struct gw_result *res);

/*
 * After a successful gw_walker_check: the A/D updates it found pending,
 * except in the levels it reused from a check whose updates were already
 * taken (at most GW_MAX_LEVELS), stored in out; how many.  Applying every
 * update reported for a sequence of checks with gw_ad_apply is what
 * guest_walk would have written for each of them in turn.
 */
/*@ requires \valid(w) && \valid(out + (0 .. GW_MAX_LEVELS - 1)) && \separated(w, out + (0 .. GW_MAX_LEVELS - 1));
    requires gw_walker_ok(w) && \separated(out + (0 .. GW_MAX_LEVELS - 1), w->gp) &&
             \separated(out + (0 .. GW_MAX_LEVELS - 1), w->p2m.p2m);
    assigns w->lv[0 .. GW_MAX_LEVELS - 1].reported, out[0 .. GW_MAX_LEVELS - 1];
    ensures gw_walker_frame(w);
    ensures gw_walker_shape(w);
    ensures gw_walker_levels(w, w->nr);
    ensures \result <= GW_MAX_LEVELS;
    ensures \forall integer k; 0 <= k < \result ==> gw_mem_word(out[k].word); */
unsigned gw_walker_take_ad(struct gw_walker *w, struct gw_ad *out);

/* OR the bits of one update into guest memory. */
/*@ requires \valid_read(ad) && gw_mem_word(ad->word);
    assigns *ad->word; */
void gw_ad_apply(const struct gw_ad *ad);

/*
 * Set the accessed/dirty bits a successful guest_walk_check(gla, access)
 * found pending, following only the structure of the tables (present bits,
 * page-size bits, addresses), which A/D updates never change: so after a
 * check of several addresses, their A/D updates can be committed in any
 * order even when one update lands in a table another walk reads.  Writes
 * only entries whose page the p2m maps writable.  0, or -XEN_EFAULT when
 * the structure no longer leads to a leaf (the tables changed meanwhile).
 */
/*@ requires \valid_read(p2m) && \valid_read(gp) && p2m_root_map_ok(p2m);
    assigns hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures \result == 0 || \result == -XEN_EFAULT; */
int guest_walk_commit_ad(const struct p2m *p2m, const struct guest_paging *gp, uint64_t gla,
                         unsigned access);

#endif /* HV_GUEST_WALK_H */
