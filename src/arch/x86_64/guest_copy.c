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

#define PAGE_OFFSET_MASK (PAGE_SIZE - 1UL)
#define LOW32            0xFFFFFFFFULL
/* A/D updates a plan keeps; beyond that, pass 2 walks again (rare: a large
 * copy over pages the guest has not touched since it cleared their A bits). */
#define COPY_AD_MAX      16U

struct copy_plan {
    size_t nr;                                   /* pages in the range */
    uint8_t *page[GUEST_COPY_MAX_PAGES];         /* host view of the first byte of each chunk */
    bool ad[GUEST_COPY_MAX_PAGES];               /* the walk of that page has A/D bits to set */
    unsigned nr_ad;                              /* updates in ad_list, COPY_AD_MAX + 1 if too many */
    struct gw_ad ad_list[COPY_AD_MAX];
};

/* Bytes of the range [addr, addr + left) that fall in addr's page. */
/*@ requires left >= 1;
    assigns \nothing;
    ensures 1 <= \result <= left && \result <= PAGE_SIZE; */
static inline size_t chunk_len(uint64_t addr, size_t left)
{
    size_t room = PAGE_SIZE - (size_t)(addr & PAGE_OFFSET_MASK);

    return left < room ? left : room;
}

/* Host pointer to gpa if the p2m grants `need` on its page, else NULL. */
static inline uint8_t *guest_phys_ptr(struct p2m_cursor *c, uint64_t gpa, unsigned need)
{
    mfn_t mfn;
    unsigned access;
    uint8_t *frame;

    if (p2m_cursor_lookup(c, gpa >> PAGE_SHIFT, &mfn, &access) != 0 || (access & need) != need)
        return NULL;
    frame = hal_frame_map(mfn);
    if (frame == NULL)
        return NULL;
    return frame + (gpa & PAGE_OFFSET_MASK);
}

/* Linear addresses wrap at 4 GiB outside long mode, at 2^64 in it. */
static inline uint64_t linear_next(bool long_mode, uint64_t gla, size_t n)
{
    uint64_t next = gla + (uint64_t)n;

    return long_mode ? next : (next & LOW32);
}

/* Pass 1 for a guest-physical range. */
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
    while (done < len) {
        uint64_t a = gpa + (uint64_t)done;
        uint8_t *p = guest_phys_ptr(&c, a, need);

        if (p == NULL)
            return -XEN_EFAULT;
        plan->page[plan->nr] = p;
        plan->ad[plan->nr] = false;
        plan->nr++;
        done += chunk_len(a, len - done);
    }
    return 0;
}

/* Keep the A/D updates the walker found for the page it just checked. */
static void plan_note_ad(struct copy_plan *plan, struct gw_walker *w)
{
    struct gw_ad found[GW_MAX_LEVELS];
    unsigned n = gw_walker_take_ad(w, found);

    for (unsigned i = 0; i < n; i++) {
        if (plan->nr_ad >= COPY_AD_MAX) {
            plan->nr_ad = COPY_AD_MAX + 1U;    /* pass 2 will walk again */
            return;
        }
        plan->ad_list[plan->nr_ad++] = found[i];
    }
}

/* Pass 1 for a guest-linear range, with the walker set up by the caller. */
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
    while (done < len) {
        struct gw_result res;
        size_t n = chunk_len(a, len - done);
        uint8_t *p;

        if (gw_walker_check(w, a, &res) != 0)
            return -XEN_EFAULT;
        /* The walker's cursor has just looked up the tables' gfns: the data
         * page is often in the same 2 MiB region. */
        p = guest_phys_ptr(&w->p2m, res.gpa, need);
        if (p == NULL)
            return -XEN_EFAULT;
        plan->page[plan->nr] = p;
        plan->ad[plan->nr] = res.ad_pending;
        plan->nr++;
        if (res.ad_pending && plan->nr_ad <= COPY_AD_MAX)
            plan_note_ad(plan, w);
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
static int plan_commit_ad(const struct p2m *p2m, const struct guest_paging *gp, uint64_t gla,
                          size_t len, unsigned access, const struct copy_plan *plan)
{
    bool long_mode;
    size_t done = 0;
    uint64_t a;

    if (plan->nr_ad <= COPY_AD_MAX) {
        for (unsigned i = 0; i < plan->nr_ad; i++)
            gw_ad_apply(&plan->ad_list[i]);
        return 0;
    }
    long_mode = guest_paging_mode(gp) == GW_MODE_LONG4;
    a = linear_next(long_mode, gla, 0);
    for (size_t i = 0; i < plan->nr; i++) {
        size_t n = chunk_len(a, len - done);

        if (plan->ad[i] && guest_walk_commit_ad(p2m, gp, a, access) != 0)
            return -XEN_EFAULT;
        done += n;
        a = linear_next(long_mode, a, n);
    }
    return 0;
}

/*
 * A plain byte loop: compilers turn it into their memcpy (the simulator's
 * libc, src/hal/x86_64/libc.c on bare metal), and core code calls no libc.
 */
/*@ requires \valid(d + (0 .. n - 1)) && \valid_read(s + (0 .. n - 1));
    requires \separated(d + (0 .. n - 1), s + (0 .. n - 1));
    assigns d[0 .. n - 1];
    ensures \forall integer i; 0 <= i < n ==> d[i] == s[i]; */
static void copy_bytes(uint8_t *restrict d, const uint8_t *restrict s, size_t n)
{
    /*@ loop invariant 0 <= i <= n;
        loop invariant \forall integer j; 0 <= j < i ==> d[j] == s[j];
        loop assigns i, d[0 .. n - 1];
        loop variant n - i; */
    for (size_t i = 0; i < n; i++)
        d[i] = s[i];
}

/*
 * Pass 3: move the bytes, to the guest (`to_guest`) or out of it.  The
 * first chunk starts at `first_offset` in its page.
 */
static void plan_move(const struct copy_plan *plan, uint64_t first_offset, uint8_t *buf,
                      size_t len, bool to_guest)
{
    size_t done = 0;
    uint64_t off = first_offset;

    for (size_t i = 0; i < plan->nr; i++) {
        size_t n = chunk_len(off, len - done);

        if (to_guest)
            copy_bytes(plan->page[i], buf + done, n);
        else
            copy_bytes(buf + done, plan->page[i], n);
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
    plan_move(&plan, gpa & PAGE_OFFSET_MASK, dst, len, false);
    return 0;
}

int copy_to_guest_phys(const struct p2m *p2m, uint64_t gpa, const void *src, size_t len)
{
    struct copy_plan plan;

    if (len == 0)
        return 0;
    if (plan_phys(p2m, gpa, len, P2M_ACCESS_W, &plan) != 0)
        return -XEN_EFAULT;
    /* plan_move only reads buf when copying to the guest. */
    plan_move(&plan, gpa & PAGE_OFFSET_MASK, (uint8_t *)(uintptr_t)src, len, true);
    return 0;
}

/* The three passes of a linear copy. */
static int copy_linear(const struct p2m *p2m, const struct guest_paging *gp, uint64_t gla,
                       uint8_t *buf, size_t len, bool to_guest)
{
    unsigned access = to_guest ? GW_ACC_WRITE : GW_ACC_READ;
    struct copy_plan plan;
    struct gw_walker w;

    if (len == 0)
        return 0;
    gw_walker_init(&w, p2m, gp, access);
    if (plan_linear(&w, gla, len, &plan) != 0 ||
        plan_commit_ad(p2m, gp, gla, len, access, &plan) != 0)
        return -XEN_EFAULT;
    plan_move(&plan, gla & PAGE_OFFSET_MASK, buf, len, to_guest);
    return 0;
}

int copy_from_guest_linear(const struct p2m *p2m, const struct guest_paging *gp, void *dst,
                           uint64_t gla, size_t len)
{
    return copy_linear(p2m, gp, gla, dst, len, false);
}

int copy_to_guest_linear(const struct p2m *p2m, const struct guest_paging *gp, uint64_t gla,
                         const void *src, size_t len)
{
    /* copy_linear only reads buf when copying to the guest. */
    return copy_linear(p2m, gp, gla, (uint8_t *)(uintptr_t)src, len, true);
}
