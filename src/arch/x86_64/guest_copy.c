// SPDX-License-Identifier: GPL-2.0-only
/*
 * copy_{from,to}_guest_{phys,linear} (see hv/guest_copy.h, docs/MEMORY.md).
 *
 * Three passes over the pages of a range:
 *   1. translate and check every page (guest walk without side effects, p2m
 *      rights on the data page, a hypervisor mapping of the frame) and note
 *      the host pointer of each page in a plan, with the accessed/dirty
 *      updates the walks found pending (where in guest memory, which bits);
 *   2. apply those A/D updates;
 *   3. move the bytes through the plan's pointers.
 * Pass 1 changes nothing, so any failure leaves guest and dst as they were.
 * Passes 2 and 3 walk nothing again: they use what pass 1 found, so a
 * copy_to_guest that overwrites the guest's own page tables cannot change
 * where its later pages go.  Pass 1 walks each page once, with one walker
 * (hv/guest_walk.h) that keeps its p2m lookup cursor and the upper-level
 * entries consecutive pages share.  When a copy finds more A/D updates
 * than the plan holds, pass 2 follows the tables again for the pages that
 * had some (guest_walk_commit_ad), which A/D updates cannot have redirected.
 * (On SMP another vCPU of the same domain could change the tables between
 * the passes; a domain's vCPUs do not run concurrently yet.)
 */
#include "hv/guest_copy.h"

#include "hal/hal.h"
#include "hal/mem.h"
#include "hal/mem_copy.h"

#define PAGE_OFFSET_MASK (PAGE_SIZE - 1UL)
#define LOW32            0xFFFFFFFFULL
/* A/D updates a plan keeps; beyond that, pass 2 walks again (rare: a large
 * copy over pages the guest has not touched since it cleared their A bits). */
#define COPY_AD_MAX      16U

struct copy_plan {
    size_t nr;                                   /* pages in the range */
    uint8_t *frame[GUEST_COPY_MAX_PAGES];        /* host view of each page's frame */
    bool ad[GUEST_COPY_MAX_PAGES];               /* the walk of that page has A/D bits to set */
    unsigned nr_ad;                              /* updates in ad_list, COPY_AD_MAX + 1 if too many */
    struct gw_ad ad_list[COPY_AD_MAX];
};

/*@ predicate plan_ok(struct copy_plan *p) =
      p->nr <= GUEST_COPY_MAX_PAGES && p->nr_ad <= COPY_AD_MAX + 1 &&
      (\forall integer i; 0 <= i < p->nr ==> gw_mem_chunk(p->frame[i], PAGE_SIZE)) &&
      (\forall integer k; 0 <= k < p->nr_ad && k < COPY_AD_MAX ==> gw_mem_word(p->ad_list[k].word));
*/

/* Bytes of the range [addr, addr + left) that fall in addr's page. */
/*@ requires left >= 1;
    assigns \nothing;
    ensures 1 <= \result <= left && \result <= PAGE_SIZE;
    ensures \result <= PAGE_SIZE - addr % PAGE_SIZE; */
static inline size_t chunk_len(uint64_t addr, size_t left)
{
    size_t room = PAGE_SIZE - (size_t)(addr % PAGE_SIZE);

    return left < room ? left : room;
}

/* Host view of the frame holding gpa if the p2m grants `need` on it, else NULL. */
/*@ requires \valid(c) && p2m_cursor_ok(c);
    assigns *c;
    ensures p2m_cursor_ok(c) && c->p2m == \old(c->p2m) && c->format == \old(c->format);
    ensures \result == \null || gw_mem_chunk(\result, PAGE_SIZE); */
static inline uint8_t *guest_phys_frame(struct p2m_cursor *c, uint64_t gpa, unsigned need)
{
    mfn_t mfn;
    unsigned access;

    if (p2m_cursor_lookup(c, gpa / PAGE_SIZE, &mfn, &access) != 0 || (access & need) != need)
        return NULL;
    return hal_mem_frame(mfn);
}

/* Linear addresses wrap at 4 GiB outside long mode, at 2^64 in it. */
/*@ assigns \nothing; */
static inline uint64_t linear_next(bool long_mode, uint64_t gla, size_t n)
{
    uint64_t next = gla + (uint64_t)n;   /* wraps at 2^64, as the CPU's linear addresses do */

    return long_mode ? next : next % (LOW32 + 1U);
}

/* Note one more page in the plan. */
/*@ requires \valid(plan) && plan_ok(plan) && plan->nr < GUEST_COPY_MAX_PAGES;
    requires gw_mem_chunk(f, PAGE_SIZE);
    assigns plan->nr, plan->frame[plan->nr], plan->ad[plan->nr];
    ensures plan_ok(plan) && plan->nr == \old(plan->nr) + 1; */
static inline void plan_add(struct copy_plan *plan, uint8_t *f, bool ad)
{
    plan->frame[plan->nr] = f;
    plan->ad[plan->nr] = ad;
    plan->nr++;
}

/* Pass 1 for a guest-physical range. */
/*@ requires \valid(plan) && \valid_read(p2m) && p2m_root_map_ok(p2m) && \separated(plan, p2m);
    assigns *plan;
    ensures plan_ok(plan);
    ensures \result == 0 || \result == -XEN_EFAULT;
    ensures len > GUEST_COPY_MAX ==> \result == -XEN_EFAULT; */
static int plan_phys(const struct p2m *p2m, uint64_t gpa, size_t len, unsigned need,
                     struct copy_plan *plan)
{
    struct p2m_cursor c;
    size_t done = 0;

    plan->nr = 0;
    plan->nr_ad = 0;
    if (len > GUEST_COPY_MAX || gpa > UINT64_MAX - (uint64_t)len)
        return -XEN_EFAULT;
    p2m_cursor_init(&c, p2m);
    /*@ loop invariant 0 <= done <= len && plan_ok(plan) && plan->nr_ad == 0;
        loop invariant p2m_cursor_ok(&c) && c.p2m == p2m;
        loop assigns done, c, plan->nr, plan->frame[0 .. GUEST_COPY_MAX_PAGES - 1],
                     plan->ad[0 .. GUEST_COPY_MAX_PAGES - 1];
        loop variant len - done; */
    while (done < len) {
        uint64_t a = gpa + (uint64_t)done;
        uint8_t *f;

        /* (A range of GUEST_COPY_MAX bytes touches at most that many pages.) */
        if (plan->nr >= GUEST_COPY_MAX_PAGES)
            return -XEN_EFAULT;
        f = guest_phys_frame(&c, a, need);
        if (f == NULL)
            return -XEN_EFAULT;
        plan_add(plan, f, false);
        done += chunk_len(a, len - done);
    }
    return 0;
}

/* Keep the A/D updates the walker found for the page it just checked. */
/*@ requires \valid(plan) && \valid(w) && \separated(plan, w);
    requires \separated(plan, w->gp) && \separated(plan, w->p2m.p2m);
    requires plan_ok(plan) && plan->nr_ad <= COPY_AD_MAX;
    requires gw_walker_frame(w);
    requires gw_walker_shape(w);
    requires gw_walker_levels(w, w->nr);
    assigns plan->nr_ad, plan->ad_list[0 .. COPY_AD_MAX - 1], w->lv[0 .. GW_MAX_LEVELS - 1].reported;
    ensures plan_ok(plan);
    ensures gw_walker_frame(w);
    ensures gw_walker_shape(w);
    ensures gw_walker_levels(w, w->nr); */
static void plan_note_ad(struct copy_plan *plan, struct gw_walker *w)
{
    struct gw_ad found[GW_MAX_LEVELS];
    unsigned n = gw_walker_take_ad(w, found);

    /*@ loop invariant 0 <= i <= n && plan_ok(plan) && plan->nr_ad <= COPY_AD_MAX;
        loop assigns i, plan->nr_ad, plan->ad_list[0 .. COPY_AD_MAX - 1];
        loop variant n - i; */
    for (unsigned i = 0; i < n; i++) {
        if (plan->nr_ad >= COPY_AD_MAX) {
            plan->nr_ad = COPY_AD_MAX + 1U;    /* pass 2 will walk again */
            return;
        }
        plan->ad_list[plan->nr_ad++] = found[i];
    }
}

/*
 * The host view of the data page at gpa through the walker's p2m cursor
 * (which has just looked up the tables' gfns: the data page is often in the
 * same 2 MiB region).  Stated for the walker, whose invariant it keeps, so
 * that the page step below reasons about the walker only.
 */
/*@ requires \valid(w);
    requires gw_walker_frame(w);
    requires gw_walker_shape(w);
    requires gw_walker_levels(w, w->nr);
    assigns w->p2m;
    ensures gw_walker_frame(w);
    ensures gw_walker_shape(w);
    ensures gw_walker_levels(w, w->nr);
    ensures w->gp == \old(w->gp) && w->p2m.p2m == \old(w->p2m.p2m);
    ensures \result == \null || gw_mem_chunk(\result, PAGE_SIZE); */
static uint8_t *walker_data_frame(struct gw_walker *w, uint64_t gpa, unsigned need)
{
    return guest_phys_frame(&w->p2m, gpa, need);
}

/*
 * Check the page at gla and find its frame: the host view, or NULL when the
 * walk or the p2m refuses the access; *ad says the walk has A/D bits to set.
 * Apart from the plan so that the plan visibly stays as it was.
 */
/*@ requires \valid(w) && \valid(ad) && \separated(w, ad);
    requires \separated(ad, w->gp) && \separated(ad, w->p2m.p2m);
    requires gw_walker_frame(w);
    requires gw_walker_shape(w);
    requires gw_walker_levels(w, w->nr);
    assigns *w, *ad;
    ensures gw_walker_frame(w);
    ensures gw_walker_shape(w);
    ensures gw_walker_levels(w, w->nr);
    ensures w->gp == \old(w->gp) && w->p2m.p2m == \old(w->p2m.p2m);
    ensures \result == \null || gw_mem_chunk(\result, PAGE_SIZE); */
static uint8_t *linear_page_frame(struct gw_walker *w, uint64_t gla, unsigned need, bool *ad)
{
    struct gw_result res;

    if (gw_walker_check(w, gla, &res) != 0)
        return NULL;
    *ad = res.ad_pending;
    return walker_data_frame(w, res.gpa, need);
}

/* One page of pass 1: check the page at gla, note its frame and A/D updates. */
/*@ requires \valid(plan) && \valid(w) && \separated(plan, w);
    requires \separated(plan, w->gp) && \separated(plan, w->p2m.p2m);
    requires plan_ok(plan);
    requires gw_walker_frame(w);
    requires gw_walker_shape(w);
    requires gw_walker_levels(w, w->nr);
    assigns *plan, *w;
    ensures plan_ok(plan);
    ensures gw_walker_frame(w);
    ensures gw_walker_shape(w);
    ensures gw_walker_levels(w, w->nr);
    ensures w->gp == \old(w->gp) && w->p2m.p2m == \old(w->p2m.p2m);
    ensures \result == 0 || \result == -XEN_EFAULT; */
static int plan_linear_page(struct gw_walker *w, uint64_t gla, unsigned need, struct copy_plan *plan)
{
    bool ad = false;
    uint8_t *f;

    /* (A range of GUEST_COPY_MAX bytes touches at most that many pages.) */
    if (plan->nr >= GUEST_COPY_MAX_PAGES)
        return -XEN_EFAULT;
    f = linear_page_frame(w, gla, need, &ad);
    if (f == NULL)
        return -XEN_EFAULT;
    plan_add(plan, f, ad);
    if (ad && plan->nr_ad <= COPY_AD_MAX)
        plan_note_ad(plan, w);
    return 0;
}

/* Pass 1 for a guest-linear range, with the walker set up by the caller. */
/*@ requires \valid(plan) && \valid(w) && \separated(plan, w);
    requires \separated(plan, w->gp) && \separated(plan, w->p2m.p2m);
    requires gw_walker_frame(w);
    requires gw_walker_shape(w);
    requires gw_walker_levels(w, w->nr);
    assigns *plan, *w;
    ensures plan_ok(plan);
    ensures \result == 0 || \result == -XEN_EFAULT;
    ensures len > GUEST_COPY_MAX ==> \result == -XEN_EFAULT; */
static int plan_linear(struct gw_walker *w, uint64_t gla, size_t len, struct copy_plan *plan)
{
    bool long_mode = w->mode == GW_MODE_LONG4;
    unsigned need = (w->access & GW_ACC_WRITE) != 0 ? P2M_ACCESS_W : P2M_ACCESS_R;
    size_t done = 0;
    uint64_t a = linear_next(long_mode, gla, 0);

    plan->nr = 0;
    plan->nr_ad = 0;
    if (len > GUEST_COPY_MAX)
        return -XEN_EFAULT;
    /*@ loop invariant 0 <= done <= len && plan_ok(plan);
        loop invariant gw_walker_frame(w);
        loop invariant gw_walker_shape(w);
        loop invariant gw_walker_levels(w, w->nr);
        loop invariant w->gp == \at(w->gp, Pre) && w->p2m.p2m == \at(w->p2m.p2m, Pre);
        loop assigns done, a, *w, *plan;
        loop variant len - done; */
    while (done < len) {
        size_t n = chunk_len(a, len - done);

        if (plan_linear_page(w, a, need, plan) != 0)
            return -XEN_EFAULT;
        done += n;
        a = linear_next(long_mode, a, n);
    }
    return 0;
}

/*
 * Pass 2: apply the A/D updates pass 1 found.  If there were too many to
 * keep, follow the tables again for the pages that had some: A/D updates
 * leave the structure alone, so these walks take pass 1's path and cannot
 * fail (the error is there for tables that changed meanwhile).
 */
/*@ requires \valid_read(plan) && plan_ok(plan);
    requires \valid_read(p2m) && \valid_read(gp) && p2m_root_map_ok(p2m);
    requires \separated(plan, hal_mem_words + (0 .. HAL_MEM_WORDS - 1));
    requires \separated(p2m, hal_mem_words + (0 .. HAL_MEM_WORDS - 1));
    requires \separated(gp, hal_mem_words + (0 .. HAL_MEM_WORDS - 1));
    assigns hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures \result == 0 || \result == -XEN_EFAULT; */
static int plan_commit_ad(const struct p2m *p2m, const struct guest_paging *gp, uint64_t gla,
                          size_t len, unsigned access, const struct copy_plan *plan)
{
    bool long_mode;
    size_t done = 0;
    uint64_t a;

    if (plan->nr_ad <= COPY_AD_MAX) {
        /*@ loop invariant 0 <= i <= plan->nr_ad;
            loop assigns i, hal_mem_words[0 .. HAL_MEM_WORDS - 1];
            loop variant plan->nr_ad - i; */
        for (unsigned i = 0; i < plan->nr_ad; i++)
            gw_ad_apply(&plan->ad_list[i]);
        return 0;
    }
    long_mode = guest_paging_mode(gp) == GW_MODE_LONG4;
    a = linear_next(long_mode, gla, 0);
    /*@ loop invariant 0 <= i <= plan->nr && done <= len && p2m_root_map_ok(p2m);
        loop assigns i, done, a, hal_mem_words[0 .. HAL_MEM_WORDS - 1];
        loop variant plan->nr - i; */
    for (size_t i = 0; i < plan->nr && done < len; i++) {
        size_t n = chunk_len(a, len - done);

        if (plan->ad[i] && guest_walk_commit_ad(p2m, gp, a, access) != 0)
            return -XEN_EFAULT;
        done += n;
        a = linear_next(long_mode, a, n);
    }
    return 0;
}

/*
 * Pass 3: move the bytes out of the guest, chunk by chunk through the
 * plan's frames; the first chunk starts at `off` in its page.
 */
/*@ requires \valid_read(plan) && plan_ok(plan) && off < PAGE_SIZE;
    requires \valid(buf + (0 .. len - 1)) && gw_not_mem_bytes(buf, len);
    requires \separated(buf + (0 .. len - 1), plan);
    assigns buf[0 .. len - 1]; */
static void plan_move_out(const struct copy_plan *plan, uint64_t off, char *buf, size_t len)
{
    size_t done = 0;

    /*@ loop invariant 0 <= i <= plan->nr && done <= len && off < PAGE_SIZE;
        loop assigns i, done, off, buf[0 .. len - 1];
        loop variant plan->nr - i; */
    for (size_t i = 0; i < plan->nr && done < len; i++) {
        size_t n = chunk_len(off, len - done);

        hal_mem_copy_out(buf + done, plan->frame[i] + off, n);
        done += n;
        off = 0;
    }
}

/* The same into the guest. */
/*@ requires \valid_read(plan) && plan_ok(plan) && off < PAGE_SIZE;
    requires \valid_read(buf + (0 .. len - 1)) && gw_not_mem_bytes((char *)buf, len);
    requires \separated(plan, hal_mem_bytes + (0 .. HAL_MEM_BYTES - 1));
    assigns hal_mem_bytes[0 .. HAL_MEM_BYTES - 1]; */
static void plan_move_in(const struct copy_plan *plan, uint64_t off, const char *buf, size_t len)
{
    size_t done = 0;

    /*@ loop invariant 0 <= i <= plan->nr && done <= len && off < PAGE_SIZE;
        loop assigns i, done, off, hal_mem_bytes[0 .. HAL_MEM_BYTES - 1];
        loop variant plan->nr - i; */
    for (size_t i = 0; i < plan->nr && done < len; i++) {
        size_t n = chunk_len(off, len - done);

        hal_mem_copy_in(plan->frame[i] + off, buf + done, n);
        done += n;
        off = 0;
    }
}

int copy_from_guest_phys(const struct p2m *p2m, void *dst, uint64_t gpa, size_t len)
{
    struct copy_plan plan;

    if (len == 0)
        return 0;
    if (plan_phys(p2m, gpa, len, P2M_ACCESS_R, &plan) != 0)
        return -XEN_EFAULT;
    plan_move_out(&plan, gpa % PAGE_SIZE, dst, len);
    return 0;
}

int copy_to_guest_phys(const struct p2m *p2m, uint64_t gpa, const void *src, size_t len)
{
    struct copy_plan plan;

    if (len == 0)
        return 0;
    if (plan_phys(p2m, gpa, len, P2M_ACCESS_W, &plan) != 0)
        return -XEN_EFAULT;
    plan_move_in(&plan, gpa % PAGE_SIZE, src, len);
    return 0;
}

/* Passes 1 and 2 of a linear copy: 0 when the bytes may move. */
/*@ requires \valid(plan) && \valid_read(p2m) && \valid_read(gp) && p2m_root_map_ok(p2m);
    requires \separated(plan, p2m) && \separated(plan, gp);
    requires \separated(plan, hal_mem_words + (0 .. HAL_MEM_WORDS - 1));
    requires \separated(p2m, hal_mem_words + (0 .. HAL_MEM_WORDS - 1));
    requires \separated(gp, hal_mem_words + (0 .. HAL_MEM_WORDS - 1));
    assigns *plan, hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures plan_ok(plan);
    ensures \result == 0 || \result == -XEN_EFAULT;
    ensures len > GUEST_COPY_MAX ==> \result == -XEN_EFAULT; */
static int plan_linear_commit(const struct p2m *p2m, const struct guest_paging *gp, uint64_t gla,
                              size_t len, unsigned access, struct copy_plan *plan)
{
    struct gw_walker w;

    gw_walker_init(&w, p2m, gp, access);
    if (plan_linear(&w, gla, len, plan) != 0)
        return -XEN_EFAULT;
    return plan_commit_ad(p2m, gp, gla, len, access, plan);
}

int copy_from_guest_linear(const struct p2m *p2m, const struct guest_paging *gp, void *dst,
                           uint64_t gla, size_t len)
{
    struct copy_plan plan;

    if (len == 0)
        return 0;
    if (plan_linear_commit(p2m, gp, gla, len, GW_ACC_READ, &plan) != 0)
        return -XEN_EFAULT;
    plan_move_out(&plan, gla % PAGE_SIZE, dst, len);
    return 0;
}

int copy_to_guest_linear(const struct p2m *p2m, const struct guest_paging *gp, uint64_t gla,
                         const void *src, size_t len)
{
    struct copy_plan plan;

    if (len == 0)
        return 0;
    if (plan_linear_commit(p2m, gp, gla, len, GW_ACC_WRITE, &plan) != 0)
        return -XEN_EFAULT;
    plan_move_in(&plan, gla % PAGE_SIZE, src, len);
    return 0;
}
