/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Grant tables, version 1 (docs/GRANT-TABLES.md).
 *
 * Each domain slot of domain_table has a record here (so struct domain needs
 * no field): the table version, the grant frames (RAM frames of the domain,
 * allocated on first use, up to GRANT_MAX_FRAMES, holding 512 grant_entry_v1
 * each), where the guest placed each frame with add_to_physmap, and the
 * maptrack: the domain's mappings of other domains' grants, indexed by the
 * handle map_grant_ref returned.
 *
 * grant_table.c keeps this state (proved, spec/grant_table.acsl);
 * grant_access.c reads and writes grant entries and copies bytes through
 * the hypervisor's mapping of frames (outside the proof: hal_frame_map has
 * no contract); grant_ops.c does one map, unmap or copy
 * operation; hc_grant_table_op.c reads the guest's arguments.
 */
#ifndef HV_GRANT_TABLE_H
#define HV_GRANT_TABLE_H

#include "hv/domain.h"
#include "hv/guest_copy.h"
#include "xen/grant_table.h"

/* Grant frames a domain may have: Xen's default max_grant_frames. */
#define GRANT_MAX_FRAMES        64U
#define GRANT_ENTRIES_PER_FRAME 512U      /* PAGE_SIZE / sizeof(struct grant_entry_v1) */
#define GRANT_MAX_ENTRIES       (GRANT_MAX_FRAMES * GRANT_ENTRIES_PER_FRAME)
/* Mappings of other domains' grants a domain may hold at once. */
#define GRANT_MAPTRACK_MAX      256U

_Static_assert(GRANT_ENTRIES_PER_FRAME * sizeof(struct grant_entry_v1) == PAGE_SIZE,
               "a grant frame holds 512 v1 entries");

/* One mapping of another domain's grant (a maptrack entry). */
struct grant_map {
    uint8_t flags;          /* GNTMAP_host_map [| GNTMAP_readonly]; 0: free */
    uint8_t rslot;          /* slot of the granting domain */
    domid_t rdom;           /* ... and its id (a slot may be reused) */
    grant_ref_t ref;        /* the grant */
    gfn_t gfn;              /* where the frame is mapped in the mapper's p2m */
    mfn_t mfn;              /* the granted frame */
};

/* A domain slot's grant state. */
struct grant_domain {
    domid_t owner;                      /* the domain using the slot */
    uint32_t version;                   /* GRANT_TABLE_VERSION_1 while used; 0: slot unused */
    uint32_t nr_frames;                 /* frames [0, nr_frames) exist */
    mfn_t frame[GRANT_MAX_FRAMES];      /* the domain's RAM frames holding the entries */
    gfn_t gfn[GRANT_MAX_FRAMES];        /* where add_to_physmap put each; INVALID_GFN: nowhere */
    struct grant_map map[GRANT_MAPTRACK_MAX];
};

/* Only grant_table.c writes this; tests and contracts read it. */
extern struct grant_domain grant_state[DOMAIN_MAX];

#include "../../../spec/grant_table.acsl"

/* ---- the state (grant_table.c) ------------------------------------------------ */

/* d's index in domain_table, which indexes grant_state too. */
/*@ requires gt_dom_ok(d);
    assigns \nothing;
    ensures gt_slot(\result) && d == &domain_table[\result]; */
uint32_t grant_slot(const struct domain *d);

/* Every slot unused (machine reset; tests and fuzzers). */
/*@ assigns grant_state[0 .. DOMAIN_MAX - 1];
    ensures grant_inv;
    ensures \forall integer s; gt_slot(s) ==>
              gt_slot_empty(s) && grant_state[s].owner == DOMID_INVALID && grant_state[s].version == 0; */
void grant_reset(void);

/*
 * d was created: version 1, no frames yet (the first is allocated when
 * first needed), no mappings.  Whatever the slot held before is forgotten
 * (grant_domain_destroy cleaned it up when its previous domain died).
 */
/*@ requires grant_inv && gt_dom_ok(d);
    assigns grant_state[0 .. DOMAIN_MAX - 1];
    ensures grant_inv;
    ensures \forall integer i; dom_slot_ok(i) && d == &domain_table[i] ==>
              gt_slot_empty(i) && grant_state[i].owner == d->id &&
              grant_state[i].version == GRANT_TABLE_VERSION_1; */
void grant_domain_init(struct domain *d);

/*
 * d goes away; call before domain_destroy (which frees the grant frames
 * with the rest of d's RAM, and refuses while another domain maps one of
 * d's frames).  Drops every mapping d holds of other domains' grants (out
 * of d's p2m; their GTF_reading/GTF_writing are cleared when no other
 * mapping keeps them) and every mapping other domains hold of d's grants
 * (out of their p2ms), then marks the slot unused.  Afterwards no foreign
 * reference involves d, either way.
 */
/*@ requires grant_inv && dom_state_ok && gt_dom_ok(d);
    assigns grant_state[0 .. DOMAIN_MAX - 1], domain_table[0 .. DOMAIN_MAX - 1],
            frame_heap.table[0 .. frame_heap.nr - 1], hal_mem_bytes[0 .. HAL_MEM_BYTES - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures grant_inv && dom_state_ok;
    ensures \forall integer i; dom_slot_ok(i) && d == &domain_table[i] ==>
              gt_slot_empty(i) && grant_state[i].owner == DOMID_INVALID && grant_state[i].version == 0; */
void grant_domain_destroy(struct domain *d);

/* Has d grant state (grant_domain_init ran for it, and not grant_domain_destroy)? */
/*@ requires gt_dom_ok(d);
    assigns \nothing;
    ensures \result ==> \forall integer i; dom_slot_ok(i) && d == &domain_table[i] ==>
              grant_state[i].owner == d->id && grant_state[i].version == GRANT_TABLE_VERSION_1; */
bool grant_active(const struct domain *d);

/* Grant frames d has now. */
/*@ requires grant_inv && gt_dom_ok(d);
    assigns \nothing;
    ensures \result <= GRANT_MAX_FRAMES; */
uint32_t grant_nr_frames(const struct domain *d);

/*
 * Machine frame of d's grant frame idx (for add_to_physmap space 1 and
 * setup_table), growing the table to idx + 1 frames first as Xen does.  New
 * frames are zeroed RAM of d on top of its memory limit (max_pages is raised
 * by one per frame: like Xen's, grant frames do not count against the
 * domain's RAM).  0, or -XEN_EINVAL (idx >= GRANT_MAX_FRAMES, which includes
 * XENMAPIDX_grant_table_status for a v1 table; slot not d's), -XEN_ENOMEM
 * (no frame; frames allocated before the failure stay).
 */
/*@ requires grant_inv && dom_state_ok && gt_dom_ok(d) && \valid(mfn);
    requires \separated(mfn, domain_table + (0 .. DOMAIN_MAX - 1), frame_heap.table + (0 .. frame_heap.nr - 1),
                        &frame_heap, &frame_nr_free, grant_state + (0 .. DOMAIN_MAX - 1));
    assigns *mfn, grant_state[0 .. DOMAIN_MAX - 1], domain_table[0 .. DOMAIN_MAX - 1].tot_pages,
            domain_table[0 .. DOMAIN_MAX - 1].max_pages,
            frame_nr_free, frame_free_head[0 .. FRAME_MAX_ORDER],
            frame_heap.table[0 .. frame_heap.nr - 1], hal_frame_zero_model[0 .. frame_heap.nr - 1];
    ensures grant_inv && dom_state_ok;
    ensures \result == 0 || \result == -XEN_EINVAL || \result == -XEN_ENOMEM;
    ensures idx >= GRANT_MAX_FRAMES ==> \result == -XEN_EINVAL; */
int grant_frame_mfn(struct domain *d, uint32_t idx, mfn_t *mfn);

/* Where d placed grant frame idx (INVALID_GFN: nowhere, or no such frame). */
/*@ requires grant_inv && gt_dom_ok(d);
    assigns \nothing; */
gfn_t grant_frame_gfn(const struct domain *d, uint32_t idx);

/* Note that d placed grant frame idx at gfn (ignored for a frame it does not have). */
/*@ requires grant_inv && gt_dom_ok(d);
    assigns grant_state[0 .. DOMAIN_MAX - 1].gfn[0 .. GRANT_MAX_FRAMES - 1];
    ensures grant_inv; */
void grant_frame_set_gfn(struct domain *d, uint32_t idx, gfn_t gfn);

/* Is mfn one of d's grant frames (which must not be freed while d lives)? */
/*@ requires grant_inv && gt_dom_ok(d);
    assigns \nothing; */
bool grant_is_frame(const struct domain *d, mfn_t mfn);

/*
 * Where grant entry ref of d lives: its frame and byte offset.  0, or
 * -XEN_EINVAL (ref beyond d's frames).
 */
/*@ requires grant_inv && gt_dom_ok(d) && \valid(mfn) && \valid(off) && \separated(mfn, off);
    assigns *mfn, *off;
    ensures \result == 0 || \result == -XEN_EINVAL;
    ensures \result == 0 ==> *off <= PAGE_SIZE - 8 && *off % 8 == 0; */
int grant_entry_locate(const struct domain *d, grant_ref_t ref, mfn_t *mfn, uint32_t *off);

/*
 * A new maptrack entry of ld: a host mapping (flags: GNTMAP_host_map, maybe
 * | GNTMAP_readonly) of grant ref of the domain in slot rslot (id rdom),
 * frame mfn at gfn.  0 with *h set, -XEN_ENOSPC (table full), -XEN_EINVAL
 * (bad flags, slot or ref).
 */
/*@ requires grant_inv && gt_dom_ok(ld) && \valid(h) && \separated(h, grant_state + (0 .. DOMAIN_MAX - 1));
    assigns grant_state[0 .. DOMAIN_MAX - 1].map[0 .. GRANT_MAPTRACK_MAX - 1], *h;
    ensures grant_inv;
    ensures \result == 0 || \result == -XEN_ENOSPC || \result == -XEN_EINVAL;
    ensures \result == 0 ==> *h < GRANT_MAPTRACK_MAX; */
int grant_map_alloc(struct domain *ld, uint32_t rslot, domid_t rdom, grant_ref_t ref, unsigned flags,
                    gfn_t gfn, mfn_t mfn, grant_handle_t *h);

/* Maptrack entry h of ld: 0 with *out set, or -XEN_EINVAL (no such handle, free entry). */
/*@ requires grant_inv && gt_dom_ok(ld) && \valid(out) && \separated(out, grant_state + (0 .. DOMAIN_MAX - 1));
    assigns *out;
    ensures \result == 0 || \result == -XEN_EINVAL;
    ensures \result == 0 ==> out->flags != 0 && gt_slot(out->rslot); */
int grant_map_get(const struct domain *ld, grant_handle_t h, struct grant_map *out);

/* Has ld a free maptrack entry? */
/*@ requires grant_inv && gt_dom_ok(ld);
    assigns \nothing; */
bool grant_map_room(const struct domain *ld);

/* Free maptrack entry h of ld (nothing for a bad handle). */
/*@ requires grant_inv && gt_dom_ok(ld);
    assigns grant_state[0 .. DOMAIN_MAX - 1].map[0 .. GRANT_MAPTRACK_MAX - 1];
    ensures grant_inv; */
void grant_map_free(struct domain *ld, grant_handle_t h);

/*
 * The GTF_reading / GTF_writing bits the live mappings of grant ref of the
 * domain in slot rslot (id rdom) require: GTF_reading when any maps it,
 * GTF_writing too when a writable one does.
 */
/*@ requires grant_inv;
    assigns \nothing;
    ensures \result == 0 || \result == GTF_reading || \result == (GTF_reading | GTF_writing); */
uint16_t grant_pin_flags(uint32_t rslot, domid_t rdom, grant_ref_t ref);

/*
 * A mapping of grant ref of the domain in slot rslot (id rdom) went away:
 * clear the GTF_reading / GTF_writing bits of its entry that no remaining
 * mapping needs (nothing when that domain is gone).
 */
/*@ requires grant_inv && gt_slot(rslot);
    assigns hal_mem_bytes[0 .. HAL_MEM_BYTES - 1];
    ensures grant_inv; */
void grant_unpin(uint32_t rslot, domid_t rdom, grant_ref_t ref);

/* Does ld map frame mfn through a live grant mapping? */
/*@ requires grant_inv && gt_dom_ok(ld);
    assigns \nothing; */
bool grant_maps_frame(const struct domain *ld, mfn_t mfn);

/*
 * The frame the live mappings of that grant use (all use the same: later
 * mappings reuse the first one's frame, as Xen's active entries do).
 * True with *mfn set, or false when the grant is not mapped.
 */
/*@ requires grant_inv && \valid(mfn) && \separated(mfn, grant_state + (0 .. DOMAIN_MAX - 1));
    assigns *mfn; */
bool grant_pinned_mfn(uint32_t rslot, domid_t rdom, grant_ref_t ref, mfn_t *mfn);

/*
 * The p2m side of a grant mapping: machine frame mfn of domain `granter`
 * mapped at gfn of d's p2m as a foreign leaf, read-only (R) or read-write
 * (RW), holding a reference on the frame for granter; and taken away.
 * domain_map_foreign / domain_unmap_foreign's results (0 or an errno; on
 * error nothing changed).
 */
/*@ requires dom_state_ok && gt_dom_ok(d);
    assigns domain_table[0 .. DOMAIN_MAX - 1].p2m, domain_table[0 .. DOMAIN_MAX - 1].nr_granted,
            frame_nr_free, frame_free_head[0 .. FRAME_MAX_ORDER],
            frame_heap.table[0 .. frame_heap.nr - 1], hal_frame_zero_model[0 .. frame_heap.nr - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures dom_state_ok;
    ensures \result <= 0; */
int grant_p2m_map_foreign(struct domain *d, gfn_t gfn, mfn_t mfn, bool readonly, domid_t granter);
/*@ requires dom_state_ok && gt_dom_ok(d);
    assigns domain_table[0 .. DOMAIN_MAX - 1].p2m, domain_table[0 .. DOMAIN_MAX - 1].nr_granted,
            frame_heap.table[0 .. frame_heap.nr - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures dom_state_ok;
    ensures \result <= 0; */
int grant_p2m_unmap_foreign(struct domain *d, gfn_t gfn, mfn_t mfn);

/*
 * The grant side of domain_check_invariants (tests, fuzzers): for every live
 * domain, each live maptrack entry is a foreign leaf of its p2m at the
 * entry's gfn mapping the entry's frame, readable, writable exactly when the
 * entry is not read-only, of a frame the live domain the entry names owns;
 * no two entries share a gfn; and the domain's foreign leaves are exactly
 * as many as its live entries (none for a domain without grant state).
 * Together: every foreign leaf is accounted by one live grant mapping.
 */
/*@ requires grant_inv && dom_state_ok;
    assigns \nothing; */
bool grant_check_mappings(void);

/* ---- grant entries and frame bytes (grant_access.c) ------------------------------ */

/*
 * Grant entry ref of d, read from d's grant frame.  0, -XEN_EINVAL (ref
 * beyond d's frames), -XEN_EFAULT (the frame is no longer d's RAM).
 */
/*@ requires grant_inv && gt_dom_ok(d) && \valid(e);
    assigns *e;
    ensures \result == 0 || \result == -XEN_EINVAL || \result == -XEN_EFAULT; */
int grant_entry_read(const struct domain *d, grant_ref_t ref, struct grant_entry_v1 *e);

/* Set then clear bits of the flags of grant entry ref of d.  Errors as grant_entry_read. */
/*@ requires grant_inv && gt_dom_ok(d);
    assigns hal_mem_bytes[0 .. HAL_MEM_BYTES - 1];
    ensures \result == 0 || \result == -XEN_EINVAL || \result == -XEN_EFAULT; */
int grant_entry_update_flags(const struct domain *d, grant_ref_t ref, uint16_t set, uint16_t clear);

/*
 * len bytes from offset soff of frame src to offset doff of frame dst (the
 * ranges may overlap: the same frame on both sides).  0, or -XEN_EINVAL (a
 * range beyond its page), -XEN_EFAULT (a frame the hypervisor cannot map).
 */
/*@ assigns hal_mem_bytes[0 .. HAL_MEM_BYTES - 1];
    ensures \result == 0 || \result == -XEN_EINVAL || \result == -XEN_EFAULT; */
int grant_frame_copy(mfn_t dst, uint32_t doff, mfn_t src, uint32_t soff, uint32_t len);

/* ---- one operation (grant_ops.c) ----------------------------------------------------- */

/* A copy operation's arguments, whatever the caller's layout. */
struct grant_copy_req {
    struct {
        uint64_t ref_or_gmfn;   /* a grant ref (GNTCOPY_*_gref) or a gfn of the caller */
        domid_t domid;
        uint16_t offset;
    } source, dest;
    uint16_t len;
    uint16_t flags;
};

/*
 * map_grant_ref for caller domain ld (an HVM/PVH domain: host_addr is a
 * guest-physical address): the granted frame appears at gfn host_addr >> 12
 * of ld's p2m (GNTMAP_host_map; read-only with GNTMAP_readonly), a maptrack
 * entry records it, and the granter's entry gets GTF_reading (and
 * GTF_writing for a writable mapping).  The status (GNTST_*); on
 * GNTST_okay *handle is the new handle.  On any other status nothing
 * changed.
 */
/*@ requires grant_inv && dom_state_ok && gt_dom_ok(ld) && \valid_read(op) && \valid(handle);
    requires \separated(handle, grant_state + (0 .. DOMAIN_MAX - 1), domain_table + (0 .. DOMAIN_MAX - 1),
                         frame_heap.table + (0 .. frame_heap.nr - 1), &frame_heap, &frame_nr_free,
                         frame_free_head + (0 .. FRAME_MAX_ORDER));
    assigns grant_state[0 .. DOMAIN_MAX - 1], hal_mem_bytes[0 .. HAL_MEM_BYTES - 1], *handle,
            domain_table[0 .. DOMAIN_MAX - 1].p2m, domain_table[0 .. DOMAIN_MAX - 1].nr_granted,
            frame_nr_free, frame_free_head[0 .. FRAME_MAX_ORDER],
            frame_heap.table[0 .. frame_heap.nr - 1], hal_frame_zero_model[0 .. frame_heap.nr - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures grant_inv;
    ensures dom_state_ok;
    ensures GNTST_no_space <= \result <= GNTST_okay; */
int16_t grant_op_map(struct domain *ld, const struct gnttab_map_grant_ref *op, grant_handle_t *handle);

/*
 * unmap_grant_ref for ld: the status.  The mapping named by the handle
 * leaves ld's p2m (the gfn is then unmapped) and the maptrack, and the
 * granter's GTF_reading / GTF_writing bits no other mapping needs are
 * cleared.  GNTST_bad_handle (no such mapping); host_addr 0: nothing asked,
 * GNTST_okay, the mapping stays; host_addr not where the handle maps:
 * GNTST_general_error.
 */
/*@ requires grant_inv && dom_state_ok && gt_dom_ok(ld) && \valid_read(op);
    assigns grant_state[0 .. DOMAIN_MAX - 1], hal_mem_bytes[0 .. HAL_MEM_BYTES - 1],
            domain_table[0 .. DOMAIN_MAX - 1].p2m, domain_table[0 .. DOMAIN_MAX - 1].nr_granted,
            frame_heap.table[0 .. frame_heap.nr - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures grant_inv && dom_state_ok;
    ensures GNTST_no_space <= \result <= GNTST_okay; */
int16_t grant_op_unmap(struct domain *ld, const struct gnttab_unmap_grant_ref *op);

/* copy for ld: the status. */
/*@ requires grant_inv && dom_state_ok && gt_dom_ok(ld) && \valid_read(op);
    assigns hal_mem_bytes[0 .. HAL_MEM_BYTES - 1];
    ensures GNTST_no_space <= \result <= GNTST_okay; */
int16_t grant_op_copy(struct domain *ld, const struct grant_copy_req *op);

#endif /* HV_GRANT_TABLE_H */
