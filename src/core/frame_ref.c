// SPDX-License-Identifier: GPL-2.0-only
/*
 * Frame types and reference counts (see hv/frame_ref.h).  Every range
 * operation checks every frame first and only then writes, so a refusal
 * changes nothing.
 */
#include "hv/frame_ref.h"

/*@ assigns \nothing;
    ensures \result <==> fr_used_type(t); */
static bool used_type(unsigned t)
{
    return t == FRAME_TYPE_GUEST_RAM || t == FRAME_TYPE_P2M_TABLE;
}

/* Owner and range checks shared by every entry point. */
/*@ requires frame_heap_inv;
    assigns \nothing;
    ensures \result == 0 <==> fr_guest(owner) && fr_range_in(mfn, n);
    ensures \result == 0 || \result == -XEN_EINVAL; */
static int range_args(mfn_t mfn, mfn_t n, domid_t owner)
{
    if (owner >= DOMID_FIRST_RESERVED || n == 0 || mfn >= frame_heap.nr ||
        n > frame_heap.nr - mfn)
        return -XEN_EINVAL;
    return 0;
}

int frame_ref_check(mfn_t mfn, mfn_t n, domid_t owner, unsigned type)
{
    int rc = range_args(mfn, n, owner);

    if (rc != 0)
        return rc;
    if (!used_type(type))
        return -XEN_EINVAL;
    /*@ loop invariant mfn <= i <= mfn + n;
        loop invariant \forall integer j; mfn <= j < i ==>
          fr_held(j, owner, type) && frame_heap.table[j].refcount < FRAME_REF_MAX;
        loop assigns i;
        loop variant mfn + n - i; */
    for (mfn_t i = mfn; i < mfn + n; i++) {
        const struct frame_desc *d = &frame_heap.table[i];

        if (d->owner != owner)
            return -XEN_EPERM;
        if (d->type != type)
            return -XEN_EINVAL;
        if (d->refcount >= FRAME_REF_MAX)
            return -XEN_EOVERFLOW;
    }
    return 0;
}

int frame_ref_get(mfn_t mfn, mfn_t n, domid_t owner, unsigned type)
{
    int rc = frame_ref_check(mfn, n, owner, type);

    if (rc != 0)
        return rc;
    /*@ loop invariant mfn <= i <= mfn + n;
        loop invariant \forall integer j; mfn <= j < i ==>
          frame_heap.table[j].refcount == \at(frame_heap.table[j].refcount, Pre) + 1;
        loop invariant \forall integer j; i <= j < mfn + n ==>
          frame_heap.table[j].refcount == \at(frame_heap.table[j].refcount, Pre);
        loop assigns i, frame_heap.table[mfn .. mfn + n - 1].refcount;
        loop variant mfn + n - i; */
    for (mfn_t i = mfn; i < mfn + n; i++)
        frame_heap.table[i].refcount++;
    return 0;
}

int frame_ref_put(mfn_t mfn, mfn_t n, domid_t owner)
{
    int rc = range_args(mfn, n, owner);

    if (rc != 0)
        return rc;
    /*@ loop invariant mfn <= i <= mfn + n;
        loop invariant \forall integer j; mfn <= j < i ==>
          frame_heap.table[j].owner == owner && frame_heap.table[j].refcount > 0;
        loop assigns i;
        loop variant mfn + n - i; */
    for (mfn_t i = mfn; i < mfn + n; i++) {
        if (frame_heap.table[i].owner != owner)
            return -XEN_EPERM;
        if (frame_heap.table[i].refcount == 0)
            return -XEN_EINVAL;
    }
    /*@ loop invariant mfn <= i <= mfn + n;
        loop invariant \forall integer j; mfn <= j < i ==>
          frame_heap.table[j].refcount == \at(frame_heap.table[j].refcount, Pre) - 1;
        loop invariant \forall integer j; i <= j < mfn + n ==>
          frame_heap.table[j].refcount == \at(frame_heap.table[j].refcount, Pre);
        loop assigns i, frame_heap.table[mfn .. mfn + n - 1].refcount;
        loop variant mfn + n - i; */
    for (mfn_t i = mfn; i < mfn + n; i++)
        frame_heap.table[i].refcount--;
    return 0;
}

/*@ assigns \nothing;
    ensures \result <==> fr_type_step(from, to); */
static bool type_step_ok(unsigned from, unsigned to)
{
    if (to == FRAME_TYPE_NONE)
        return from == FRAME_TYPE_NONE || used_type(from);
    return used_type(to) && (from == FRAME_TYPE_NONE || from == to);
}

int frame_set_type(mfn_t mfn, mfn_t n, domid_t owner, unsigned type)
{
    int rc = range_args(mfn, n, owner);

    if (rc != 0)
        return rc;
    if (type != FRAME_TYPE_NONE && !used_type(type))
        return -XEN_EINVAL;
    /*@ loop invariant mfn <= i <= mfn + n;
        loop invariant \forall integer j; mfn <= j < i ==>
          frame_heap.table[j].owner == owner && frame_heap.table[j].refcount == 0 &&
          fr_type_step(frame_heap.table[j].type, type);
        loop assigns i;
        loop variant mfn + n - i; */
    for (mfn_t i = mfn; i < mfn + n; i++) {
        const struct frame_desc *d = &frame_heap.table[i];

        if (d->owner != owner)
            return -XEN_EPERM;
        if (d->refcount != 0)
            return -XEN_EBUSY;
        if (!type_step_ok(d->type, type))
            return -XEN_EINVAL;
    }
    /*@ loop invariant mfn <= i <= mfn + n;
        loop invariant \forall integer j; mfn <= j < i ==> frame_heap.table[j].type == type;
        loop assigns i, frame_heap.table[mfn .. mfn + n - 1].type;
        loop variant mfn + n - i; */
    for (mfn_t i = mfn; i < mfn + n; i++)
        frame_heap.table[i].type = (uint8_t)type;
    return 0;
}

unsigned frame_type(mfn_t mfn)
{
    if (mfn >= frame_heap.nr)
        return FRAME_TYPE_RESERVED;
    return frame_heap.table[mfn].type;
}

uint64_t frame_refcount(mfn_t mfn)
{
    if (mfn >= frame_heap.nr)
        return 0;
    return frame_heap.table[mfn].refcount;
}

/*@ requires frame_heap_valid && i < frame_heap.nr;
    assigns \nothing; */
static bool frame_counts_ok(mfn_t i, uint32_t expected)
{
    const struct frame_desc *d = &frame_heap.table[i];
    bool guest = d->owner < DOMID_FIRST_RESERVED;

    if (d->refcount != expected)
        return false;
    if (used_type(d->type) && !guest)
        return false;         /* free or hypervisor frame typed as guest memory */
    if (d->refcount != 0 && !used_type(d->type))
        return false;         /* only guest RAM and table pages are referenced */
    if (d->owner == FRAME_OWNER_FREE && d->type != FRAME_TYPE_NONE)
        return false;
    return true;
}

bool frame_ref_check_counts(const uint32_t *expected, mfn_t nr)
{
    if (nr != frame_heap.nr)
        return false;
    /*@ loop invariant 0 <= i <= nr;
        loop assigns i;
        loop variant nr - i; */
    for (mfn_t i = 0; i < nr; i++)
        if (!frame_counts_ok(i, expected[i]))
            return false;
    return true;
}
