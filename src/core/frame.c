// SPDX-License-Identifier: GPL-2.0-only
/*
 * Buddy allocator over machine frames.  See hv/frame.h for the interface and
 * docs/AUDIT.md for what the proofs cover.
 *
 * Free blocks are found through per-order lists, so a search costs at most
 * FRAME_NR_ORDERS steps; merging with buddies costs one step per order.
 * Block sizes come from order_pages() rather than shifts at a variable
 * count, which keeps the arithmetic linear for the provers.
 */
#include "hv/frame.h"
#include "xen/errno.h"

struct frame_heap frame_heap;
mfn_t frame_nr_free;
uint32_t frame_free_head[FRAME_NR_ORDERS];

/*@ predicate data_same{L1, L2}(integer i) =
      \at(frame_heap.table[i].owner, L1) == \at(frame_heap.table[i].owner, L2) &&
      \at(frame_heap.table[i].type, L1) == \at(frame_heap.table[i].type, L2) &&
      \at(frame_heap.table[i].dirty, L1) == \at(frame_heap.table[i].dirty, L2) &&
      \at(frame_heap.table[i].refcount, L1) == \at(frame_heap.table[i].refcount, L2);
    predicate links_same{L1, L2}(integer i) =
      \at(frame_heap.table[i].next, L1) == \at(frame_heap.table[i].next, L2) &&
      \at(frame_heap.table[i].prev, L1) == \at(frame_heap.table[i].prev, L2) &&
      \at(frame_heap.table[i].order, L1) == \at(frame_heap.table[i].order, L2) &&
      \at(frame_heap.table[i].head, L1) == \at(frame_heap.table[i].head, L2);
    // Heads at L2 are heads at L1 with the same order.
    predicate heads_shrunk{L1, L2} =
      \forall integer x; 0 <= x < \at(frame_heap.nr, L2) && frame_is_head{L2}(x) ==>
        frame_is_head{L1}(x) && frame_order_of{L1}(x) == frame_order_of{L2}(x);
*/

/*@ requires o <= FRAME_MAX_ORDER;
    assigns \nothing;
    ensures \result == frame_pages(o); */
static mfn_t order_pages(unsigned o)
{
    mfn_t p = 1;

    /*@ loop invariant 0 <= i <= o && p == frame_pages(i);
        loop assigns i, p;
        loop variant o - i; */
    for (unsigned i = 0; i < o; i++)
        p *= 2;
    return p;
}

/*@ assigns \nothing;
    ensures \result <==> frame_valid_owner(owner); */
static bool owner_valid(domid_t owner)
{
    return owner < DOMID_FIRST_RESERVED || owner == DOMID_XEN;
}

/* Take head x off its free list. */
/*@ requires frame_heap_inv;
    requires x < frame_heap.nr && frame_is_head(x);
    assigns frame_heap.table[0 .. frame_heap.nr - 1].next,
            frame_heap.table[0 .. frame_heap.nr - 1].prev,
            frame_heap.table[x].head, frame_free_head[0 .. FRAME_MAX_ORDER];
    ensures frame_heap_valid;
    ensures frame_lists_ok;
    ensures frame_heads_ok;
    ensures frame_disjoint;
    ensures frame_clean;
    ensures !frame_is_head(x);
    ensures \forall integer i; 0 <= i < frame_heap.nr && i != x ==>
              (frame_is_head(i) <==> \old(frame_is_head(i)));
    ensures heads_shrunk{Pre, Post}; */
static void list_unlink(mfn_t x)
{
    struct frame_desc *d = &frame_heap.table[x];
    uint32_t next = d->next, prev = d->prev;

    if (prev == FRAME_NIL)
        frame_free_head[(unsigned)d->order] = next;
    else
        frame_heap.table[prev].next = next;
    if (next != FRAME_NIL)
        frame_heap.table[next].prev = prev;
    d->head = 0;
    d->next = FRAME_NIL;
    d->prev = FRAME_NIL;
}

/* Put the free block [m, m + 2^o) at the front of list o. */
/*@ requires frame_heap_inv;
    requires o <= FRAME_MAX_ORDER && m < frame_heap.nr;
    requires m + frame_pages(o) <= frame_heap.nr;
    requires \forall integer j; m <= j < m + frame_pages(o) ==>
               frame_owner_of(j) == FRAME_OWNER_FREE;
    requires frame_range_uncovered(m, m + frame_pages(o));
    assigns frame_heap.table[0 .. frame_heap.nr - 1].next,
            frame_heap.table[0 .. frame_heap.nr - 1].prev,
            frame_heap.table[m].head, frame_heap.table[m].order,
            frame_free_head[o];
    ensures frame_heap_valid;
    ensures frame_lists_ok;
    ensures frame_heads_ok;
    ensures frame_disjoint;
    ensures frame_clean;
    ensures frame_is_head(m) && frame_order_of(m) == o;
    ensures \forall integer i; 0 <= i < frame_heap.nr && i != m ==>
              (frame_is_head(i) <==> \old(frame_is_head(i))) &&
              frame_order_of(i) == \old(frame_order_of(i)); */
static void list_push(mfn_t m, unsigned o)
{
    struct frame_desc *d = &frame_heap.table[m];
    uint32_t old = frame_free_head[o];

    d->next = old;
    d->prev = FRAME_NIL;
    d->order = (int8_t)o;
    d->head = 1;
    if (old != FRAME_NIL)
        frame_heap.table[old].prev = (uint32_t)m;
    frame_free_head[o] = (uint32_t)m;
}

/* Free block [m, m + 2^o): merge it with free buddies, then list it. */
/*@ requires frame_heap_inv;
    requires o <= FRAME_MAX_ORDER && m < frame_heap.nr;
    requires m + frame_pages(o) <= frame_heap.nr;
    requires \forall integer j; m <= j < m + frame_pages(o) ==>
               frame_owner_of(j) == FRAME_OWNER_FREE;
    requires frame_range_uncovered(m, m + frame_pages(o));
    assigns frame_heap.table[0 .. frame_heap.nr - 1].next,
            frame_heap.table[0 .. frame_heap.nr - 1].prev,
            frame_heap.table[0 .. frame_heap.nr - 1].head,
            frame_heap.table[0 .. frame_heap.nr - 1].order,
            frame_free_head[0 .. FRAME_MAX_ORDER];
    ensures frame_heap_inv;
    ensures \forall integer a, b; frame_range_uncovered{Pre}(a, b) &&
              (b <= m || m + frame_pages(o) <= a) ==> frame_range_uncovered(a, b); */
static void heap_merge_insert(mfn_t m, unsigned o)
{
    mfn_t p = order_pages(o);

    /*@ loop invariant o <= FRAME_MAX_ORDER && m < frame_heap.nr;
        loop invariant p == frame_pages(o);
        loop invariant m + p <= frame_heap.nr;
        loop invariant \forall integer j; m <= j < m + p ==>
                         frame_owner_of(j) == FRAME_OWNER_FREE;
        loop invariant frame_heap_inv;
        loop invariant frame_range_uncovered(m, m + p);
        // Ranges clear of the block and of every free block at entry stay
        // clear of both as the block grows.  Empty ranges are left out: an
        // empty range inside a buddy would not stay "outside" the merged
        // block, and they are uncovered by definition anyway.
        loop invariant \forall integer a, b; a < b && frame_range_uncovered{Pre}(a, b) &&
                         (b <= \at(m, Pre) || \at(m, Pre) + frame_pages(\at(o, Pre)) <= a) ==>
                         frame_range_uncovered(a, b);
        loop invariant \forall integer a, b; a < b && frame_range_uncovered{Pre}(a, b) &&
                         (b <= \at(m, Pre) || \at(m, Pre) + frame_pages(\at(o, Pre)) <= a) ==>
                         (b <= m || m + p <= a);
        loop assigns m, o, p, frame_heap.table[0 .. frame_heap.nr - 1].next,
            frame_heap.table[0 .. frame_heap.nr - 1].prev,
            frame_heap.table[0 .. frame_heap.nr - 1].head,
            frame_free_head[0 .. FRAME_MAX_ORDER];
        loop variant FRAME_MAX_ORDER - o; */
    while (o < FRAME_MAX_ORDER) {
        mfn_t buddy;

        /* Blocks pair up by index: 2j with 2j + 1. */
        if ((m / p) % 2 == 0) {
            buddy = m + p;
            if (buddy >= frame_heap.nr || p > frame_heap.nr - buddy)
                break;
        } else {
            /* m >= p always holds for an aligned block; the test keeps the
             * proof independent of alignment (see docs/AUDIT.md). */
            if (m < p)
                break;
            buddy = m - p;
        }
        if (frame_heap.table[buddy].head == 0 || frame_heap.table[buddy].order != (int8_t)o)
            break;
        list_unlink(buddy);
        if (buddy < m)
            m = buddy;
        o++;
        p *= 2;
    }
    list_push(m, o);
}

/* List the free frames [start, end) as maximal aligned blocks. */
/*@ requires frame_heap_inv;
    requires start < end <= frame_heap.nr;
    requires \forall integer j; start <= j < end ==> frame_owner_of(j) == FRAME_OWNER_FREE;
    requires frame_range_uncovered(start, end);
    assigns frame_heap.table[0 .. frame_heap.nr - 1].next,
            frame_heap.table[0 .. frame_heap.nr - 1].prev,
            frame_heap.table[0 .. frame_heap.nr - 1].head,
            frame_heap.table[0 .. frame_heap.nr - 1].order,
            frame_free_head[0 .. FRAME_MAX_ORDER];
    ensures frame_heap_inv;
    ensures \forall integer a, b; frame_range_uncovered{Pre}(a, b) &&
              (b <= start || end <= a) ==> frame_range_uncovered(a, b); */
static void heap_carve(mfn_t start, mfn_t end)
{
    mfn_t cur = start;

    /*@ loop invariant start <= cur <= end;
        loop invariant frame_heap_inv;
        loop invariant frame_range_uncovered(cur, end);
        loop invariant \forall integer a, b; frame_range_uncovered{Pre}(a, b) &&
                         (b <= start || end <= a) ==> frame_range_uncovered(a, b);
        loop assigns cur, frame_heap.table[0 .. frame_heap.nr - 1].next,
            frame_heap.table[0 .. frame_heap.nr - 1].prev,
            frame_heap.table[0 .. frame_heap.nr - 1].head,
            frame_heap.table[0 .. frame_heap.nr - 1].order,
            frame_free_head[0 .. FRAME_MAX_ORDER];
        loop variant end - cur; */
    while (cur < end) {
        unsigned k = 0;
        mfn_t p = 1;

        /*@ loop invariant k <= FRAME_MAX_ORDER && p == frame_pages(k);
            loop invariant p <= end - cur;
            loop assigns k, p;
            loop variant FRAME_MAX_ORDER - k; */
        while (k < FRAME_MAX_ORDER && cur % (2 * p) == 0 && 2 * p <= end - cur) {
            k++;
            p *= 2;
        }
        heap_merge_insert(cur, k);
        cur += p;
    }
}

/*
 * Take a free block of 2^o frames off the lists (splitting a bigger one if
 * needed) without changing any frame's owner; INVALID_MFN if none.
 */
/*@ requires frame_heap_inv;
    requires o <= FRAME_MAX_ORDER;
    assigns frame_heap.table[0 .. frame_heap.nr - 1].next,
            frame_heap.table[0 .. frame_heap.nr - 1].prev,
            frame_heap.table[0 .. frame_heap.nr - 1].head,
            frame_heap.table[0 .. frame_heap.nr - 1].order,
            frame_free_head[0 .. FRAME_MAX_ORDER];
    ensures frame_heap_inv;
    ensures (\forall integer k; o <= k <= FRAME_MAX_ORDER ==>
               \old(frame_free_head[k]) == FRAME_NIL) ==> \result == (mfn_t)INVALID_MFN;
    ensures \result == (mfn_t)INVALID_MFN ==> frame_heap_unchanged{Pre, Post};
    ensures \result != (mfn_t)INVALID_MFN ==>
              \result < frame_heap.nr && \result + frame_pages(o) <= frame_heap.nr &&
              (\forall integer j; \result <= j < \result + frame_pages(o) ==>
                 frame_owner_of(j) == FRAME_OWNER_FREE) &&
              frame_range_uncovered(\result, \result + frame_pages(o)); */
static mfn_t heap_take(unsigned o)
{
    unsigned k = o;
    mfn_t p = order_pages(o);
    mfn_t m;

    /*@ loop invariant o <= k <= FRAME_MAX_ORDER && p == frame_pages(k);
        loop invariant \forall integer i; o <= i < k ==> frame_free_head[i] == FRAME_NIL;
        loop assigns k, p;
        loop variant FRAME_MAX_ORDER - k; */
    while (frame_free_head[k] == FRAME_NIL) {
        if (k == FRAME_MAX_ORDER)
            return INVALID_MFN;
        k++;
        p *= 2;
    }
    m = frame_free_head[k];
    /* The lists are not trusted: hand out only a real free head. */
    if (frame_heap.table[m].head == 0 || frame_heap.table[m].order != (int8_t)k)
        return INVALID_MFN;
    list_unlink(m);
    /*@ loop invariant o <= k <= FRAME_MAX_ORDER && p == frame_pages(k);
        loop invariant m < frame_heap.nr && m + p <= frame_heap.nr;
        loop invariant \forall integer j; m <= j < m + p ==>
                         frame_owner_of(j) == FRAME_OWNER_FREE;
        loop invariant frame_heap_inv;
        loop invariant frame_range_uncovered(m, m + p);
        loop assigns k, p, frame_heap.table[0 .. frame_heap.nr - 1].next,
            frame_heap.table[0 .. frame_heap.nr - 1].prev,
            frame_heap.table[0 .. frame_heap.nr - 1].head,
            frame_heap.table[0 .. frame_heap.nr - 1].order,
            frame_free_head[0 .. FRAME_MAX_ORDER];
        loop variant k; */
    while (k > o) {
        k--;
        p /= 2;
        list_push(m + p, k);
    }
    return m;
}

/*
 * One frame changes hands: scrubbed unless known zero, then owned by owner.
 * A separate function so the loop invariants of its callers see only this
 * contract, not the body (the provers time out on the inlined form).
 */
/*@ requires frame_heap_valid;
    requires i < frame_heap.nr;
    requires frame_clean_ok(i);
    assigns frame_heap.table[i].owner, frame_heap.table[i].type,
            frame_heap.table[i].dirty, frame_heap.table[i].refcount,
            hal_frame_zero_model[i];
    ensures frame_owner_of(i) == owner && frame_heap.table[i].type == FRAME_TYPE_NONE &&
            frame_heap.table[i].dirty == 1 && frame_heap.table[i].refcount == 0 &&
            hal_frame_is_zero(i); */
static void claim_frame(mfn_t i, domid_t owner)
{
    struct frame_desc *d = &frame_heap.table[i];

    if (d->dirty)
        hal_frame_scrub(i);
    d->owner = owner;
    d->type = FRAME_TYPE_NONE;
    d->dirty = 1;
    d->refcount = 0;
}

/* Hand the free frames [m, m + n) to owner, scrubbing those not known zero. */
/*@ requires frame_heap_inv;
    requires frame_block_ok(m, n) && frame_valid_owner(owner);
    requires \forall integer j; m <= j < m + n ==> frame_owner_of(j) == FRAME_OWNER_FREE;
    requires frame_range_uncovered(m, m + n);
    assigns frame_heap.table[m .. m + n - 1].owner, frame_heap.table[m .. m + n - 1].type,
            frame_heap.table[m .. m + n - 1].dirty, frame_heap.table[m .. m + n - 1].refcount,
            hal_frame_zero_model[m .. m + n - 1];
    ensures frame_heap_inv;
    ensures \forall integer j; m <= j < m + n ==>
              frame_owner_of(j) == owner && frame_heap.table[j].type == FRAME_TYPE_NONE &&
              hal_frame_is_zero(j); */
static void heap_claim(mfn_t m, mfn_t n, domid_t owner)
{
    /*@ loop invariant m <= i <= m + n;
        loop invariant \forall integer j; m <= j < i ==>
          frame_owner_of(j) == owner && frame_heap.table[j].type == FRAME_TYPE_NONE &&
          frame_heap.table[j].dirty == 1 && hal_frame_is_zero(j);
        // Frames outside [m, m + n) are covered by the loop assigns clause.
        loop invariant \forall integer j; i <= j < m + n ==> data_same{Pre, Here}(j);
        loop invariant frame_heap_valid;
        loop invariant frame_lists_ok;
        loop invariant frame_heads_ok;
        loop invariant frame_disjoint;
        loop invariant frame_clean;
        loop invariant frame_range_uncovered(m, m + n);
        loop assigns i, frame_heap.table[m .. m + n - 1].owner,
            frame_heap.table[m .. m + n - 1].type,
            frame_heap.table[m .. m + n - 1].dirty,
            frame_heap.table[m .. m + n - 1].refcount,
            hal_frame_zero_model[m .. m + n - 1];
        loop variant m + n - i; */
    for (mfn_t i = m; i < m + n; i++)
        claim_frame(i, owner);
}

size_t frame_table_bytes(mfn_t nr_frames)
{
    if (nr_frames == 0 || nr_frames > FRAME_MAX_FRAMES)
        return 0;
    return (size_t)nr_frames * sizeof(struct frame_desc);
}

int frame_init(struct frame_desc *storage, size_t bytes, mfn_t nr_frames)
{
    if (storage == NULL || nr_frames == 0 || nr_frames > FRAME_MAX_FRAMES ||
        bytes / sizeof(struct frame_desc) < nr_frames)
        return -XEN_EINVAL;

    /*@ loop invariant 0 <= i <= nr_frames;
        loop invariant \forall integer j; 0 <= j < i ==>
          storage[j].owner == DOMID_XEN && storage[j].type == FRAME_TYPE_RESERVED &&
          storage[j].head == 0 && storage[j].dirty == 1 &&
          storage[j].next == FRAME_NIL && storage[j].prev == FRAME_NIL;
        loop assigns i, storage[0 .. nr_frames - 1];
        loop variant nr_frames - i; */
    for (mfn_t i = 0; i < nr_frames; i++) {
        storage[i].next = FRAME_NIL;
        storage[i].prev = FRAME_NIL;
        storage[i].refcount = 0;
        storage[i].owner = DOMID_XEN;
        storage[i].type = FRAME_TYPE_RESERVED;
        storage[i].order = 0;
        storage[i].head = 0;
        storage[i].dirty = 1;
    }
    /*@ loop invariant 0 <= o <= FRAME_NR_ORDERS;
        loop invariant \forall integer k; 0 <= k < o ==> frame_free_head[k] == FRAME_NIL;
        loop assigns o, frame_free_head[0 .. FRAME_MAX_ORDER];
        loop variant FRAME_NR_ORDERS - o; */
    for (unsigned o = 0; o < FRAME_NR_ORDERS; o++)
        frame_free_head[o] = FRAME_NIL;
    frame_heap.table = storage;
    frame_heap.nr = nr_frames;
    frame_nr_free = 0;
    return 0;
}

/* Is every frame of [m, m + n) reserved (want_owner == FRAME_OWNER_FREE) or
 * allocated to want_owner? */
/*@ requires frame_heap_inv && frame_block_ok(m, n);
    requires want_owner == FRAME_OWNER_FREE || frame_valid_owner(want_owner);
    assigns \nothing;
    ensures \result ==> frame_range_uncovered(m, m + n);
    ensures want_owner == FRAME_OWNER_FREE ==>
      (\result <==> \forall integer i; m <= i < m + n ==> frame_reserved(i));
    ensures want_owner != FRAME_OWNER_FREE ==>
      (\result <==> \forall integer i; m <= i < m + n ==>
          frame_owner_of(i) == want_owner &&
          frame_heap.table[i].type != FRAME_TYPE_RESERVED); */
static bool range_held(mfn_t m, mfn_t n, domid_t want_owner)
{
    /*@ loop invariant m <= i <= m + n;
        loop invariant want_owner == FRAME_OWNER_FREE ==>
          \forall integer j; m <= j < i ==> frame_reserved(j);
        loop invariant want_owner != FRAME_OWNER_FREE ==>
          \forall integer j; m <= j < i ==> frame_owner_of(j) == want_owner &&
             frame_heap.table[j].type != FRAME_TYPE_RESERVED;
        loop invariant frame_range_uncovered(m, i);
        loop assigns i;
        loop variant m + n - i; */
    for (mfn_t i = m; i < m + n; i++) {
        const struct frame_desc *d = &frame_heap.table[i];

        if (want_owner == FRAME_OWNER_FREE) {
            if (d->owner != DOMID_XEN || d->type != FRAME_TYPE_RESERVED)
                return false;
        } else if (d->owner != want_owner || d->type == FRAME_TYPE_RESERVED) {
            return false;
        }
    }
    return true;
}

int frame_add_free(mfn_t start, mfn_t count)
{
    if (count == 0 || start >= frame_heap.nr || count > frame_heap.nr - start ||
        !range_held(start, count, FRAME_OWNER_FREE))
        return -XEN_EINVAL;

    /*@ loop invariant start <= i <= start + count;
        loop invariant \forall integer j; start <= j < i ==> frame_free_frame(j) &&
          frame_heap.table[j].dirty == 1;
        loop invariant \forall integer j; 0 <= j < frame_heap.nr && !(start <= j < i) ==>
          data_same{Pre, Here}(j);
        loop invariant frame_heap_valid;
        loop invariant frame_lists_ok;
        loop invariant frame_heads_ok;
        loop invariant frame_disjoint;
        loop invariant frame_clean;
        loop invariant frame_range_uncovered(start, start + count);
        loop assigns i, frame_heap.table[start .. start + count - 1].owner,
            frame_heap.table[start .. start + count - 1].type,
            frame_heap.table[start .. start + count - 1].dirty;
        loop variant start + count - i; */
    for (mfn_t i = start; i < start + count; i++) {
        frame_heap.table[i].owner = FRAME_OWNER_FREE;
        frame_heap.table[i].type = FRAME_TYPE_NONE;
        frame_heap.table[i].dirty = 1;
    }
    heap_carve(start, start + count);
    frame_nr_free += count;
    return 0;
}

mfn_t frame_alloc(unsigned order, domid_t owner)
{
    mfn_t m;

    if (order > FRAME_MAX_ORDER || !owner_valid(owner))
        return INVALID_MFN;
    m = heap_take(order);
    if (m == INVALID_MFN)
        return INVALID_MFN;
    heap_claim(m, order_pages(order), owner);
    frame_nr_free -= order_pages(order);
    return m;
}

mfn_t frame_alloc_contig(mfn_t nr, unsigned align_order, domid_t owner)
{
    unsigned k = align_order;
    mfn_t p, m;

    if (nr == 0 || align_order > FRAME_MAX_ORDER || !owner_valid(owner))
        return INVALID_MFN;
    p = order_pages(k);
    /* Smallest order >= align_order whose block holds nr frames. */
    /*@ loop invariant align_order <= k <= FRAME_MAX_ORDER && p == frame_pages(k);
        loop assigns k, p;
        loop variant FRAME_MAX_ORDER - k; */
    while (p < nr && k < FRAME_MAX_ORDER) {
        k++;
        p *= 2;
    }
    if (p < nr)
        return INVALID_MFN;
    m = heap_take(k);
    if (m == INVALID_MFN)
        return INVALID_MFN;
    heap_claim(m, nr, owner);
    if (nr < p)
        heap_carve(m + nr, m + p);
    frame_nr_free -= nr;
    return m;
}

/* One frame goes back to the pool: scrubbed now, so known zero. */
/*@ requires frame_heap_valid;
    requires i < frame_heap.nr;
    assigns frame_heap.table[i].owner, frame_heap.table[i].type,
            frame_heap.table[i].dirty, frame_heap.table[i].refcount,
            hal_frame_zero_model[i];
    ensures frame_free_frame(i) && frame_heap.table[i].dirty == 0 &&
            frame_heap.table[i].refcount == 0 && hal_frame_is_zero(i); */
static void release_frame(mfn_t i)
{
    struct frame_desc *d = &frame_heap.table[i];

    hal_frame_scrub(i);
    d->owner = FRAME_OWNER_FREE;
    d->type = FRAME_TYPE_NONE;
    d->dirty = 0;
    d->refcount = 0;
}

/*
 * Every frame of [m, m + n) back to the pool, scrubbed.  Its own function so
 * the provers see frame_free's loop without frame_free's other context.
 */
/*@ requires frame_heap_inv;
    requires frame_block_ok(m, n);
    requires frame_range_uncovered(m, m + n);
    assigns frame_heap.table[m .. m + n - 1].owner, frame_heap.table[m .. m + n - 1].type,
            frame_heap.table[m .. m + n - 1].dirty, frame_heap.table[m .. m + n - 1].refcount,
            hal_frame_zero_model[m .. m + n - 1];
    ensures frame_heap_inv;
    ensures frame_range_uncovered(m, m + n);
    ensures \forall integer j; m <= j < m + n ==> frame_free_frame(j) &&
              frame_heap.table[j].dirty == 0 && hal_frame_is_zero(j); */
static void release_block(mfn_t m, mfn_t n)
{
    /*@ loop invariant m <= i <= m + n;
        loop invariant \forall integer j; m <= j < i ==> frame_free_frame(j) &&
          frame_heap.table[j].dirty == 0 && hal_frame_is_zero(j);
        // Frames outside [m, m + n) are covered by the loop assigns clause.
        loop invariant \forall integer j; i <= j < m + n ==> data_same{Pre, Here}(j);
        loop invariant frame_heap_valid;
        loop invariant frame_lists_ok;
        loop invariant frame_heads_ok;
        loop invariant frame_disjoint;
        loop invariant frame_clean;
        loop invariant frame_range_uncovered(m, m + n);
        loop assigns i, frame_heap.table[m .. m + n - 1].owner,
            frame_heap.table[m .. m + n - 1].type,
            frame_heap.table[m .. m + n - 1].dirty,
            frame_heap.table[m .. m + n - 1].refcount,
            hal_frame_zero_model[m .. m + n - 1];
        loop variant m + n - i; */
    for (mfn_t i = m; i < m + n; i++)
        release_frame(i);
}

/* Does no frame of [m, m + n) hold a reference? */
/*@ requires frame_heap_valid && frame_block_ok(m, n);
    assigns \nothing;
    ensures \result <==> \forall integer i; m <= i < m + n ==> frame_heap.table[i].refcount == 0; */
static bool range_unreferenced(mfn_t m, mfn_t n)
{
    /*@ loop invariant m <= i <= m + n;
        loop invariant \forall integer j; m <= j < i ==> frame_heap.table[j].refcount == 0;
        loop assigns i;
        loop variant m + n - i; */
    for (mfn_t i = m; i < m + n; i++)
        if (frame_heap.table[i].refcount != 0)
            return false;
    return true;
}

int frame_free(mfn_t mfn, unsigned order, domid_t owner)
{
    mfn_t p;

    if (order > FRAME_MAX_ORDER || !owner_valid(owner) || mfn >= frame_heap.nr)
        return -XEN_EINVAL;
    p = order_pages(order);
    if (p > frame_heap.nr - mfn || mfn % p != 0 || !range_held(mfn, p, owner))
        return -XEN_EINVAL;
    if (!range_unreferenced(mfn, p))
        return -XEN_EBUSY;

    release_block(mfn, p);
    heap_merge_insert(mfn, order);
    frame_nr_free += p;
    return 0;
}

domid_t frame_owner(mfn_t mfn)
{
    if (mfn >= frame_heap.nr)
        return DOMID_INVALID;
    return frame_heap.table[mfn].owner;
}

mfn_t frame_free_count(void)
{
    return frame_nr_free;
}

/* Is the buddy of head i (order o < FRAME_MAX_ORDER, size p) a free head of
 * the same order, i.e. a merge that was missed? */
/*@ requires frame_heap_valid && i < frame_heap.nr && p >= 1;
    assigns \nothing; */
static bool buddy_unmerged(mfn_t i, unsigned o, mfn_t p)
{
    mfn_t index = i / p, buddy;

    if (index % 2 == 0) {
        if (p >= frame_heap.nr - i)
            return false;
        buddy = i + p;
    } else {
        buddy = (index - 1) * p;
    }
    return frame_heap.table[buddy].head != 0 && frame_heap.table[buddy].order == (int8_t)o;
}

/* One frame of the in-order scan; *cover_end is where the current free block
 * ends, *heads counts heads. */
/*@ requires frame_heap_valid && i < frame_heap.nr;
    requires \valid(cover_end) && \valid(heads);
    requires \separated(cover_end, heads, &frame_heap, frame_heap.table + (0 .. frame_heap.nr - 1));
    assigns *cover_end, *heads; */
static bool check_frame(mfn_t i, mfn_t *cover_end, mfn_t *heads)
{
    const struct frame_desc *d = &frame_heap.table[i];
    mfn_t p;

    if (d->owner != FRAME_OWNER_FREE && d->dirty == 0)
        return false;
    if (d->head == 0) {
        /* Inside a free block exactly when free. */
        return (i < *cover_end) == (d->owner == FRAME_OWNER_FREE);
    }
    if (d->order < 0 || d->order > (int8_t)FRAME_MAX_ORDER ||
        d->owner != FRAME_OWNER_FREE || i < *cover_end)
        return false;
    p = order_pages((unsigned)d->order);
    if (i % p != 0 || p > frame_heap.nr - i)
        return false;
    if (d->order < (int8_t)FRAME_MAX_ORDER && buddy_unmerged(i, (unsigned)d->order, p))
        return false;
    *cover_end = i + p;
    *heads += 1;
    return true;
}

/* Walk list o: every element a head of order o whose prev link points back;
 * adds the length to *listed.  False on a bad link or a cycle. */
/*@ requires frame_heap_valid && o <= FRAME_MAX_ORDER;
    requires \valid(listed) && \separated(listed, &frame_heap, frame_heap.table + (0 .. frame_heap.nr - 1));
    assigns *listed; */
static bool check_list(unsigned o, mfn_t *listed)
{
    uint32_t cur = frame_free_head[o], prev = FRAME_NIL;
    mfn_t steps = 0;

    /*@ loop invariant 0 <= steps <= frame_heap.nr;
        loop assigns cur, prev, steps;
        loop variant frame_heap.nr - steps; */
    while (cur != FRAME_NIL) {
        const struct frame_desc *d;

        if (cur >= frame_heap.nr || steps == frame_heap.nr)
            return false;
        d = &frame_heap.table[cur];
        if (d->head == 0 || d->order != (int8_t)o || d->prev != prev)
            return false;
        prev = cur;
        cur = d->next;
        steps++;
    }
    *listed += steps;
    return true;
}

bool frame_check_invariants(void)
{
    mfn_t cover_end = 0, heads = 0, nr_free = 0, listed = 0;

    /*@ loop invariant 0 <= i <= frame_heap.nr;
        loop assigns i, cover_end, heads, nr_free;
        loop variant frame_heap.nr - i; */
    for (mfn_t i = 0; i < frame_heap.nr; i++) {
        if (!check_frame(i, &cover_end, &heads))
            return false;
        if (frame_heap.table[i].owner == FRAME_OWNER_FREE)
            nr_free++;
    }
    if (nr_free != frame_nr_free)
        return false;
    /*@ loop invariant 0 <= o <= FRAME_NR_ORDERS;
        loop assigns o, listed;
        loop variant FRAME_NR_ORDERS - o; */
    for (unsigned o = 0; o < FRAME_NR_ORDERS; o++)
        if (!check_list(o, &listed))
            return false;
    return listed == heads;
}
