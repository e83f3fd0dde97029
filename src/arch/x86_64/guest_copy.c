// SPDX-License-Identifier: GPL-2.0-only
/*
 * copy_{from,to}_guest_{phys,linear} (see hv/guest_copy.h, docs/MEMORY.md).
 *
 * Three passes over the pages of a range:
 *   1. translate and check every page (guest walk without side effects, p2m
 *      rights on the data page, a hypervisor mapping of the frame) and note
 *      the host pointer of each page in a plan;
 *   2. set the accessed/dirty bits the walks found pending;
 *   3. move the bytes through the plan's pointers.
 * Pass 1 changes nothing, so any failure leaves guest and dst as they were.
 * Passes 2 and 3 cannot fail for a reason pass 1 did not see: A/D updates
 * never change what a walk follows, and pass 3 does not walk again, so a
 * copy_to_guest that overwrites the guest's own page tables cannot change
 * where its later pages go.  (On SMP another vCPU of the same domain could
 * change the tables between the passes; a domain's vCPUs do not run
 * concurrently yet.)
 */
#include "hv/guest_copy.h"

#include "hal/hal.h"

#define PAGE_OFFSET_MASK (PAGE_SIZE - 1UL)
#define LOW32            0xFFFFFFFFULL

struct copy_plan {
    size_t nr;                                   /* pages in the range */
    uint8_t *page[GUEST_COPY_MAX_PAGES];         /* host view of the first byte of each chunk */
    bool ad[GUEST_COPY_MAX_PAGES];               /* the walk of that page has A/D bits to set */
};

/* Bytes of the range [addr, addr + left) that fall in addr's page. */
/*@ requires left >= 1;
    assigns \nothing;
    ensures 1 <= \result <= left && \result <= PAGE_SIZE; */
static size_t chunk_len(uint64_t addr, size_t left)
{
    size_t room = PAGE_SIZE - (size_t)(addr & PAGE_OFFSET_MASK);

    return left < room ? left : room;
}

/* Host pointer to gpa if the p2m grants `need` on its page, else NULL. */
static uint8_t *guest_phys_ptr(const struct p2m *p2m, uint64_t gpa, unsigned need)
{
    mfn_t mfn;
    unsigned access;
    uint8_t *frame;

    if (p2m_lookup(p2m, gpa >> PAGE_SHIFT, &mfn, &access) != 0 || (access & need) != need)
        return NULL;
    frame = hal_frame_map(mfn);
    if (frame == NULL)
        return NULL;
    return frame + (gpa & PAGE_OFFSET_MASK);
}

/* Linear addresses wrap at 4 GiB outside long mode, at 2^64 in it. */
static uint64_t linear_next(const struct guest_paging *gp, uint64_t gla, size_t n)
{
    uint64_t next = gla + (uint64_t)n;

    return guest_paging_mode(gp) == GW_MODE_LONG4 ? next : (next & LOW32);
}

/* Pass 1 for a guest-physical range. */
static int plan_phys(const struct p2m *p2m, uint64_t gpa, size_t len, unsigned need,
                     struct copy_plan *plan)
{
    size_t done = 0;

    plan->nr = 0;
    if (len > GUEST_COPY_MAX || gpa > UINT64_MAX - (uint64_t)len)
        return -XEN_EFAULT;
    while (done < len) {
        uint64_t a = gpa + (uint64_t)done;
        uint8_t *p = guest_phys_ptr(p2m, a, need);

        if (p == NULL)
            return -XEN_EFAULT;
        plan->page[plan->nr] = p;
        plan->ad[plan->nr] = false;
        plan->nr++;
        done += chunk_len(a, len - done);
    }
    return 0;
}

/* Pass 1 for a guest-linear range. */
static int plan_linear(const struct p2m *p2m, const struct guest_paging *gp, uint64_t gla,
                       size_t len, bool write, struct copy_plan *plan)
{
    size_t done = 0;
    uint64_t a = linear_next(gp, gla, 0);

    plan->nr = 0;
    if (len > GUEST_COPY_MAX)
        return -XEN_EFAULT;
    while (done < len) {
        struct gw_result res;
        size_t n = chunk_len(a, len - done);
        uint8_t *p;

        if (guest_walk_check(p2m, gp, a, write ? GW_ACC_WRITE : GW_ACC_READ, &res) != 0)
            return -XEN_EFAULT;
        p = guest_phys_ptr(p2m, res.gpa, write ? P2M_ACCESS_W : P2M_ACCESS_R);
        if (p == NULL)
            return -XEN_EFAULT;
        plan->page[plan->nr] = p;
        plan->ad[plan->nr] = res.ad_pending;
        plan->nr++;
        done += n;
        a = linear_next(gp, a, n);
    }
    return 0;
}

/* Pass 2: commit the A/D bits pass 1 found pending. */
static int plan_commit_ad(const struct p2m *p2m, const struct guest_paging *gp, uint64_t gla,
                          size_t len, bool write, const struct copy_plan *plan)
{
    size_t done = 0;
    uint64_t a = linear_next(gp, gla, 0);

    for (size_t i = 0; i < plan->nr; i++) {
        size_t n = chunk_len(a, len - done);

        /* Cannot fail after pass 1: A/D updates leave the structure alone. */
        if (plan->ad[i] &&
            guest_walk_commit_ad(p2m, gp, a, write ? GW_ACC_WRITE : GW_ACC_READ) != 0)
            return -XEN_EFAULT;
        done += n;
        a = linear_next(gp, a, n);
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

/* Pass 3 out of the guest. The first chunk starts at `first_offset` in its page. */
static void plan_read(const struct copy_plan *plan, uint64_t first_offset, uint8_t *dst,
                      size_t len)
{
    size_t done = 0;
    uint64_t off = first_offset;

    for (size_t i = 0; i < plan->nr; i++) {
        size_t n = chunk_len(off, len - done);

        copy_bytes(dst + done, plan->page[i], n);
        done += n;
        off = 0;
    }
}

/* Pass 3 into the guest. */
static void plan_write(const struct copy_plan *plan, uint64_t first_offset, const uint8_t *src,
                       size_t len)
{
    size_t done = 0;
    uint64_t off = first_offset;

    for (size_t i = 0; i < plan->nr; i++) {
        size_t n = chunk_len(off, len - done);

        copy_bytes(plan->page[i], src + done, n);
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
    plan_read(&plan, gpa & PAGE_OFFSET_MASK, dst, len);
    return 0;
}

int copy_to_guest_phys(const struct p2m *p2m, uint64_t gpa, const void *src, size_t len)
{
    struct copy_plan plan;

    if (len == 0)
        return 0;
    if (plan_phys(p2m, gpa, len, P2M_ACCESS_W, &plan) != 0)
        return -XEN_EFAULT;
    plan_write(&plan, gpa & PAGE_OFFSET_MASK, src, len);
    return 0;
}

/* Passes 1 and 2 of a linear copy. */
static int prepare_linear(const struct p2m *p2m, const struct guest_paging *gp, uint64_t gla,
                          size_t len, bool write, struct copy_plan *plan)
{
    if (plan_linear(p2m, gp, gla, len, write, plan) != 0)
        return -XEN_EFAULT;
    return plan_commit_ad(p2m, gp, gla, len, write, plan);
}

int copy_from_guest_linear(const struct p2m *p2m, const struct guest_paging *gp, void *dst,
                           uint64_t gla, size_t len)
{
    struct copy_plan plan;

    if (len == 0)
        return 0;
    if (prepare_linear(p2m, gp, gla, len, false, &plan) != 0)
        return -XEN_EFAULT;
    plan_read(&plan, gla & PAGE_OFFSET_MASK, dst, len);
    return 0;
}

int copy_to_guest_linear(const struct p2m *p2m, const struct guest_paging *gp, uint64_t gla,
                         const void *src, size_t len)
{
    struct copy_plan plan;

    if (len == 0)
        return 0;
    if (prepare_linear(p2m, gp, gla, len, true, &plan) != 0)
        return -XEN_EFAULT;
    plan_write(&plan, gla & PAGE_OFFSET_MASK, src, len);
    return 0;
}
