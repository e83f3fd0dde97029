/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Domains, as far as memory goes: a bounded table of guests, each with a RAM
 * limit (max_pages), the RAM it holds (tot_pages: frames it owns typed guest
 * RAM, mapped or not) and its p2m (whose table pages are counted apart, in
 * p2m.nr_tables).  Ids are Xen's domid_t; reserved ids (DOMID_XEN and the
 * others from DOMID_FIRST_RESERVED up) are never guests.
 *
 * Grant mappings (docs/GRANT-TABLES.md): a domain may map another domain's
 * RAM frame through a foreign leaf of its p2m (p2m_map_foreign).  The frame
 * stays its owner's and counts in the owner's tot_pages, never the
 * mapper's; the owner's nr_granted counts the foreign leaves, in every p2m,
 * that map its frames.  A domain is destroyed only when no foreign leaf
 * maps its frames (the grant layer drops those first); the foreign leaves
 * it holds itself go with it.
 */
#ifndef HV_DOMAIN_H
#define HV_DOMAIN_H

#include "hv/p2m.h"
#include "hv/vcpu.h"
#include "xen/hypercall.h"
#include "xen/pvh.h"

/* Guests that can exist at once (compile-time configuration). */
#define DOMAIN_MAX 8U
/* vCPUs per domain (one for now: secondary vCPUs need MADT and INIT/SIPI). */
#define DOMAIN_MAX_VCPUS 1U
#define DOMAIN_NAME_MAX 32U
#define DOMAIN_MEMMAP_MAX 8U

/* How a domain ended (or that it has not). */
enum domain_state {
    DOMAIN_RUNNING = 0,
    DOMAIN_SHUTDOWN,         /* SCHEDOP_shutdown: shutdown_reason says why */
    DOMAIN_CRASHED,          /* triple fault, bad state, or SHUTDOWN_crash; crash_msg says why */
};

/*
 * What a running guest has beyond its memory: vCPUs, the pages it shares
 * with the hypervisor, its parameters and how it ended.  domain_create
 * zeroes it; the domain builder and the hypercalls fill it.
 */
struct domain_guest {
    char name[DOMAIN_NAME_MAX];
    uint32_t start_flags;             /* SIF_PRIVILEGED | SIF_INITDOMAIN for the initial domain */
    enum domain_state state;
    uint32_t shutdown_reason;         /* SHUTDOWN_*, valid when state == DOMAIN_SHUTDOWN */
    bool has_shutdown_code;           /* SCHEDOP_shutdown_code given */
    uint32_t shutdown_code;
    char crash_msg[96];
    mfn_t shared_info_mfn;            /* domain-owned RAM frame, INVALID_MFN until first needed */
    gfn_t shared_info_gfn;            /* where the guest mapped it, INVALID_GFN if not mapped */
    uint64_t hvm_params[HVM_NR_PARAMS];
    struct hvm_memmap_table_entry memmap[DOMAIN_MEMMAP_MAX]; /* what XENMEM_memory_map returns */
    uint32_t nr_memmap;
    uint32_t nr_vcpus;
    struct vcpu vcpus[DOMAIN_MAX_VCPUS];
};

#define INVALID_GFN (~(gfn_t)0)

struct domain {
    bool live;
    domid_t id;
    uint64_t max_pages;      /* RAM limit, in 4 KiB frames */
    uint64_t tot_pages;      /* RAM held, in 4 KiB frames (table pages not included) */
    uint64_t nr_granted;     /* foreign leaves, in all p2ms (its own included), mapping its frames */
    struct p2m p2m;
    struct domain_guest guest;
};

/* Only domain.c writes this; tests and the checker read it. */
extern struct domain domain_table[DOMAIN_MAX];

/*@ predicate dom_slot_ok(integer i) = 0 <= i < DOMAIN_MAX;
    // What every domain function requires and keeps: the allocator's
    // invariant, each slot's kept root view is the HAL's, and the frame
    // table does not overlap the domain table (both are hypervisor memory,
    // set up apart at boot).
    predicate dom_state_ok{L} =
      frame_heap_inv &&
      \separated(frame_heap.table + (0 .. frame_heap.nr - 1), domain_table + (0 .. DOMAIN_MAX - 1)) &&
      \forall integer i; dom_slot_ok(i) ==> p2m_root_map_ok(&domain_table[i].p2m);
*/

/* Forget every domain (the frame allocator is reset separately). */
/*@ assigns domain_table[0 .. DOMAIN_MAX - 1];
    ensures \forall integer i; dom_slot_ok(i) ==>
              !domain_table[i].live && p2m_root_map_ok(&domain_table[i].p2m); */
void domain_table_reset(void);

/* The live domain `id`, or NULL. */
/*@ assigns \nothing;
    ensures \result == \null || (\exists integer i; dom_slot_ok(i) && \result == &domain_table[i]);
    ensures \result != \null ==> \result->live && \result->id == id; */
struct domain *domain_find(domid_t id);

/*
 * New domain `id` with an empty p2m in format `fmt`.  0, or -XEN_EINVAL (id
 * reserved, max_pages 0, bad format), -XEN_EEXIST (id live), -XEN_ENOSPC
 * (table full), -XEN_ENOMEM (no frame for the p2m root).
 */
/*@ requires dom_state_ok;
    assigns domain_table[0 .. DOMAIN_MAX - 1], frame_nr_free, frame_free_head[0 .. FRAME_MAX_ORDER],
            frame_heap.table[0 .. frame_heap.nr - 1],
            hal_frame_zero_model[0 .. frame_heap.nr - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures dom_state_ok;
    ensures !fr_guest(id) ==> \result == -XEN_EINVAL; */
int domain_create(domid_t id, uint64_t max_pages, enum pte_format fmt);

/*
 * Guest RAM: nr extents of 2^order frames (order 0 or 9) allocated to the
 * domain and mapped RWX at gfn, gfn + 2^order, ...  0, or -XEN_ESRCH (no such
 * domain), -XEN_EINVAL (bad order, nr, range or alignment), -XEN_ENOMEM
 * (beyond max_pages, or out of frames), -XEN_EEXIST (a gfn of the range is
 * mapped).  All or nothing: on error every extent of this call is undone
 * (empty p2m tables it created may stay, as p2m_unmap leaves them).
 */
/*@ requires dom_state_ok;
    assigns domain_table[0 .. DOMAIN_MAX - 1], frame_nr_free, frame_free_head[0 .. FRAME_MAX_ORDER],
            frame_heap.table[0 .. frame_heap.nr - 1],
            hal_frame_zero_model[0 .. frame_heap.nr - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures dom_state_ok; */
int domain_populate(domid_t id, gfn_t gfn, uint64_t nr, unsigned order);

/*
 * RAM for the domain, not mapped: 2^order frames typed guest RAM, counted in
 * tot_pages.  0 with *mfn set, or -XEN_ESRCH, -XEN_EINVAL, -XEN_ENOMEM.
 */
/*@ requires dom_state_ok && \valid(mfn);
    requires \separated(mfn, domain_table + (0 .. DOMAIN_MAX - 1), frame_heap.table + (0 .. frame_heap.nr - 1),
                         &frame_heap, &frame_nr_free);
    assigns *mfn, domain_table[0 .. DOMAIN_MAX - 1].tot_pages, frame_nr_free,
            frame_free_head[0 .. FRAME_MAX_ORDER],
            frame_heap.table[0 .. frame_heap.nr - 1],
            hal_frame_zero_model[0 .. frame_heap.nr - 1];
    ensures dom_state_ok; */
int domain_alloc_ram(domid_t id, unsigned order, mfn_t *mfn);

/*
 * Give back RAM frames [mfn, mfn + 2^order) (from domain_alloc_ram or
 * populate, unmapped).  0, or -XEN_ESRCH, -XEN_EINVAL (bad order/alignment,
 * not the domain's RAM), -XEN_EBUSY (a frame still mapped).
 */
/*@ requires dom_state_ok;
    assigns domain_table[0 .. DOMAIN_MAX - 1], frame_nr_free, frame_free_head[0 .. FRAME_MAX_ORDER],
            frame_heap.table[0 .. frame_heap.nr - 1],
            hal_frame_zero_model[0 .. frame_heap.nr - 1];
    ensures dom_state_ok; */
int domain_free_ram(domid_t id, mfn_t mfn, unsigned order);

/* p2m operations by domain id: p2m_* errors, or -XEN_ESRCH. */
/*@ requires dom_state_ok;
    assigns domain_table[0 .. DOMAIN_MAX - 1], frame_nr_free, frame_free_head[0 .. FRAME_MAX_ORDER],
            frame_heap.table[0 .. frame_heap.nr - 1],
            hal_frame_zero_model[0 .. frame_heap.nr - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures dom_state_ok; */
int domain_map(domid_t id, gfn_t gfn, mfn_t mfn, unsigned order, unsigned access);
/*@ requires dom_state_ok;
    assigns domain_table[0 .. DOMAIN_MAX - 1], frame_nr_free, frame_free_head[0 .. FRAME_MAX_ORDER],
            frame_heap.table[0 .. frame_heap.nr - 1],
            hal_frame_zero_model[0 .. frame_heap.nr - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures dom_state_ok; */
int domain_unmap(domid_t id, gfn_t gfn, unsigned order);
/*@ requires dom_state_ok;
    assigns domain_table[0 .. DOMAIN_MAX - 1], frame_nr_free, frame_free_head[0 .. FRAME_MAX_ORDER],
            frame_heap.table[0 .. frame_heap.nr - 1],
            hal_frame_zero_model[0 .. frame_heap.nr - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures dom_state_ok; */
int domain_set_access(domid_t id, gfn_t gfn, unsigned order, unsigned access);
/*@ requires dom_state_ok && \valid(mfn) && \valid(access) && \separated(mfn, access);
    assigns *mfn, *access; */
int domain_lookup(domid_t id, gfn_t gfn, mfn_t *mfn, unsigned *access);

/*
 * Grant mappings by domain id (the grant layer's p2m side).  Map frame mfn
 * of live domain `granter` at gfn of domain id's p2m, read-only (R) or
 * read-write (RW; never executable, like Xen's grant mappings), as a
 * foreign leaf holding one reference on mfn for granter; granter's
 * nr_granted counts it.  0, or -XEN_ESRCH (either domain not live), or
 * p2m_map_foreign's errors (-XEN_EINVAL also when gfn holds a grant mapping
 * already; RAM of id's at gfn is replaced, as in Xen).  On error nothing
 * changed.
 */
/*@ requires dom_state_ok;
    assigns domain_table[0 .. DOMAIN_MAX - 1].p2m, domain_table[0 .. DOMAIN_MAX - 1].nr_granted,
            frame_nr_free, frame_free_head[0 .. FRAME_MAX_ORDER],
            frame_heap.table[0 .. frame_heap.nr - 1],
            hal_frame_zero_model[0 .. frame_heap.nr - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures dom_state_ok;
    ensures \result == 0 || \result == -XEN_ESRCH || \result == -XEN_EINVAL || \result == -XEN_EPERM ||
            \result == -XEN_ENOMEM || \result == -XEN_EOVERFLOW; */
int domain_map_foreign(domid_t id, gfn_t gfn, mfn_t mfn, bool readonly, domid_t granter);

/*
 * Remove the grant mapping of mfn at gfn of domain id's p2m (the reference
 * goes back to mfn's owner, whose nr_granted drops).  0, or -XEN_ESRCH, or
 * p2m_unmap_foreign's errors (-XEN_ENOENT nothing at gfn; -XEN_EINVAL not a
 * foreign leaf of mfn).  On error nothing changed.
 */
/*@ requires dom_state_ok;
    assigns domain_table[0 .. DOMAIN_MAX - 1].p2m, domain_table[0 .. DOMAIN_MAX - 1].nr_granted,
            frame_heap.table[0 .. frame_heap.nr - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures dom_state_ok;
    ensures \result == 0 || \result == -XEN_ESRCH || \result == -XEN_EINVAL || \result == -XEN_ENOENT; */
int domain_unmap_foreign(domid_t id, gfn_t gfn, mfn_t mfn);

/*
 * Tear the domain down: drop the grant mappings it holds, unmap everything,
 * free its p2m tables and every frame it owns (through frame_free, which
 * scrubs).  0, -XEN_ESRCH, -XEN_EBUSY (another domain still maps one of
 * its frames through a grant: nothing changed; grant_domain_destroy drops
 * those mappings), or -XEN_EINVAL when something was inconsistent
 * (everything that could be freed was).
 */
/*@ requires dom_state_ok;
    assigns domain_table[0 .. DOMAIN_MAX - 1], frame_nr_free, frame_free_head[0 .. FRAME_MAX_ORDER],
            frame_heap.table[0 .. frame_heap.nr - 1],
            hal_frame_zero_model[0 .. frame_heap.nr - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures dom_state_ok; */
int domain_destroy(domid_t id);

/*
 * The whole-system O(n) check (tests, fuzzers): the allocator's own check,
 * every live p2m well formed (p2m_check), every frame's refcount equal to the
 * references found in all p2ms, a free or hypervisor frame never mapped or
 * typed as guest memory, every guest-owned frame belonging to a live domain
 * and typed, tot_pages and nr_tables equal to the frames so typed; and the
 * grant mappings (grant_check_mappings): every foreign leaf is accounted by
 * exactly one live maptrack entry of its domain (same gfn and frame, write
 * access only if the entry is not read-only), of a frame of the live domain
 * the entry names, and every domain's nr_granted is the number of foreign
 * leaves mapping its frames.  `scratch` holds nr entries (nr ==
 * frame_heap.nr).
 */
/*@ requires frame_heap_inv && \valid(scratch + (0 .. nr - 1));
    requires \separated(scratch + (0 .. nr - 1), domain_table + (0 .. DOMAIN_MAX - 1),
                         frame_heap.table + (0 .. frame_heap.nr - 1), &frame_heap,
                         frame_free_head + (0 .. FRAME_MAX_ORDER));
    assigns scratch[0 .. nr - 1]; */
bool domain_check_invariants(uint32_t *scratch, mfn_t nr);

#endif /* HV_DOMAIN_H */
