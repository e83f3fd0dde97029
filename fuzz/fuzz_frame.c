// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the frame allocator: the input is a program of
 * init / add / alloc / alloc_contig / free operations (valid and invalid)
 * across several owners.  After every operation the allocator's own
 * consistency check must pass and a shadow model of ownership must agree
 * with frame_owner() and frame_free_count(); allocated frames must read as
 * zero; any disagreement aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/frame.h"
#include "xen/errno.h"
#include "sim.h"

#define FZ_MAX_FRAMES 160U
#define FZ_OWNERS 4U

static struct frame_desc fz_table[FZ_MAX_FRAMES];
static domid_t shadow[FZ_MAX_FRAMES];
static mfn_t fz_nr;
static mfn_t shadow_free;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fz_fail(const char *what, mfn_t at)
{
    fprintf(stderr, "fuzz_frame: %s at %llu\n", what, (unsigned long long)at);
    abort();
}

static domid_t fz_owner(uint8_t b)
{
    /* Mostly real owners, sometimes reserved ids the allocator must refuse. */
    static const domid_t owners[8] = { 0, 1, 2, DOMID_XEN, 0, 1, FRAME_OWNER_FREE, DOMID_SELF };

    return owners[b & 7U];
}

static bool fz_owner_ok(domid_t d)
{
    return d < DOMID_FIRST_RESERVED || d == DOMID_XEN;
}

static void fz_check(void)
{
    if (!frame_check_invariants())
        fz_fail("frame_check_invariants", 0);
    if (frame_free_count() != shadow_free)
        fz_fail("free count", frame_free_count());
    for (mfn_t i = 0; i < fz_nr; i++)
        if (frame_owner(i) != shadow[i])
            fz_fail("owner mismatch", i);
    if (frame_owner(fz_nr) != DOMID_INVALID)
        fz_fail("owner beyond table", fz_nr);
}

static void fz_init(mfn_t nr)
{
    sim_reset(nr);
    for (mfn_t i = 0; i < nr; i++)
        sim_dirty_frame(i, (uint8_t)(0x40 + i));
    if (frame_init(fz_table, nr * sizeof(struct frame_desc), nr) != 0)
        fz_fail("init", nr);
    fz_nr = nr;
    shadow_free = 0;
    for (mfn_t i = 0; i < nr; i++)
        shadow[i] = DOMID_XEN;
}

/* Were [m, m + n) all free in the shadow?  Then they now belong to owner. */
static void fz_take(mfn_t m, mfn_t n, domid_t owner)
{
    if (m > fz_nr || n > fz_nr - m)
        fz_fail("allocation out of range", m);
    for (mfn_t i = m; i < m + n; i++) {
        if (shadow[i] != FRAME_OWNER_FREE)
            fz_fail("allocated a frame that was not free", i);
        if (!sim_frame_is_zero(i))
            fz_fail("allocated frame not zero", i);
        shadow[i] = owner;
        /* The new owner writes its frames. */
        sim_dirty_frame(i, (uint8_t)(0x80 | owner));
    }
    shadow_free -= n;
}

static void fz_add(mfn_t start, mfn_t count)
{
    bool ok = count != 0 && start < fz_nr && count <= fz_nr - start;
    int rc;

    for (mfn_t i = start; ok && i < start + count; i++)
        ok = shadow[i] == DOMID_XEN && fz_table[i].type == FRAME_TYPE_RESERVED;
    rc = frame_add_free(start, count);
    if (rc != (ok ? 0 : -XEN_EINVAL))
        fz_fail("add_free result", start);
    if (ok) {
        for (mfn_t i = start; i < start + count; i++)
            shadow[i] = FRAME_OWNER_FREE;
        shadow_free += count;
    }
}

static void fz_alloc(unsigned order, domid_t owner)
{
    mfn_t m = frame_alloc(order, owner);

    if (m == INVALID_MFN)
        return;
    if (order > FRAME_MAX_ORDER || !fz_owner_ok(owner))
        fz_fail("alloc accepted bad arguments", order);
    if (m % ((mfn_t)1 << order) != 0)
        fz_fail("alloc misaligned", m);
    fz_take(m, (mfn_t)1 << order, owner);
}

static void fz_contig(mfn_t nr, unsigned align, domid_t owner)
{
    mfn_t m = frame_alloc_contig(nr, align, owner);

    if (m == INVALID_MFN)
        return;
    if (nr == 0 || align > FRAME_MAX_ORDER || !fz_owner_ok(owner))
        fz_fail("alloc_contig accepted bad arguments", nr);
    if (m % ((mfn_t)1 << align) != 0)
        fz_fail("alloc_contig misaligned", m);
    fz_take(m, nr, owner);
}

static void fz_free(mfn_t mfn, unsigned order, domid_t owner)
{
    bool ok = order <= FRAME_MAX_ORDER && fz_owner_ok(owner) && mfn < fz_nr;
    mfn_t n = ok ? (mfn_t)1 << order : 0;
    int rc;

    ok = ok && n <= fz_nr - mfn && mfn % n == 0;
    for (mfn_t i = mfn; ok && i < mfn + n; i++)
        ok = shadow[i] == owner && fz_table[i].type != FRAME_TYPE_RESERVED;
    rc = frame_free(mfn, order, owner);
    if (rc != (ok ? 0 : -XEN_EINVAL))
        fz_fail("free result", mfn);
    if (!ok)
        return;
    for (mfn_t i = mfn; i < mfn + n; i++) {
        if (!sim_frame_is_zero(i))
            fz_fail("freed frame not scrubbed", i);
        shadow[i] = FRAME_OWNER_FREE;
    }
    shadow_free += n;
}

/* Free some frame the shadow says `owner` holds, as the largest aligned
 * block it holds there: keeps frees mostly valid so the pool churns. */
static void fz_free_owned(uint8_t pick, domid_t owner)
{
    mfn_t start = (mfn_t)pick * fz_nr / 256U;

    for (mfn_t k = 0; k < fz_nr; k++) {
        mfn_t i = (start + k) % fz_nr;
        unsigned o = 0;

        if (shadow[i] != owner || fz_table[i].type == FRAME_TYPE_RESERVED)
            continue;
        while (o < 6 && i % ((mfn_t)2 << o) == 0 && i + ((mfn_t)2 << o) <= fz_nr) {
            bool all = true;

            for (mfn_t j = i; j < i + ((mfn_t)2 << o); j++)
                all = all && shadow[j] == owner;
            if (!all)
                break;
            o++;
        }
        fz_free(i, o, owner);
        return;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t pos = 0;

    if (size < 1)
        return 0;
    fz_init(1 + (mfn_t)data[pos++] % FZ_MAX_FRAMES);
    fz_check();
    while (pos + 4 <= size) {
        uint8_t op = data[pos], a = data[pos + 1], b = data[pos + 2], c = data[pos + 3];

        pos += 4;
        switch (op % 8U) {
        case 0:
            fz_add((mfn_t)a * 2U, (mfn_t)b + 1U);
            break;
        case 1:
            fz_alloc(a % 24U, fz_owner(b));
            break;
        case 2:
            fz_contig((mfn_t)a % 80U, b % 24U, fz_owner(c));
            break;
        case 3:
            fz_free((mfn_t)a * 2U + (c & 1U), b % 24U, fz_owner(c >> 1));
            break;
        case 4:
        case 5:
            fz_free_owned(a, fz_owner(b % FZ_OWNERS));
            break;
        case 6:
            fz_add(0, fz_nr);
            break;
        default:
            if (a == 0xFF)
                fz_init(1 + (mfn_t)b * 2U % FZ_MAX_FRAMES);
            else
                fz_alloc(a % 4U, fz_owner(b));
            break;
        }
        fz_check();
    }
    return 0;
}
