// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the frame allocator against the hosted HAL: ownership,
 * scrubbing (seen in simulated machine memory), buddy merging, contiguous
 * and aligned allocations, every error code, and the consistency checker's
 * own failure paths (by corrupting the table on purpose).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "hv/frame.h"
#include "hv/frame_ref.h"
#include "xen/errno.h"
#include "sim.h"

#define NR 1024U
#define BIG (2U * (1U << FRAME_MAX_ORDER))

static struct frame_desc table[NR];
static struct frame_desc *big_table;

/* Fresh machine of NR dirty frames, all given to the allocator. */
static int setup(void **state)
{
    (void)state;
    sim_reset(NR);
    for (mfn_t i = 0; i < NR; i++)
        sim_dirty_frame(i, 0xA5);
    assert_int_equal(frame_init(table, sizeof(table), NR), 0);
    assert_true(frame_check_invariants());
    assert_int_equal(frame_add_free(0, NR), 0);
    assert_true(frame_check_invariants());
    return 0;
}

/* Fresh machine, nothing given to the allocator yet. */
static int setup_reserved(void **state)
{
    (void)state;
    sim_reset(NR);
    assert_int_equal(frame_init(table, sizeof(table), NR), 0);
    return 0;
}

static void assert_owned(mfn_t m, mfn_t n, domid_t owner)
{
    for (mfn_t i = m; i < m + n; i++)
        assert_int_equal(frame_owner(i), owner);
}

/* Free frames not marked dirty must read as zero in machine memory. */
static void assert_clean_frames_zero(void)
{
    for (mfn_t i = 0; i < frame_heap.nr; i++)
        if (frame_heap.table[i].dirty == 0)
            assert_true(sim_frame_is_zero(i));
}

static void test_table_bytes(void **state)
{
    (void)state;
    assert_int_equal(frame_table_bytes(0), 0);
    assert_int_equal(frame_table_bytes(1), sizeof(struct frame_desc));
    assert_int_equal(frame_table_bytes(NR), NR * sizeof(struct frame_desc));
    assert_int_equal(frame_table_bytes(FRAME_MAX_FRAMES),
                     FRAME_MAX_FRAMES * sizeof(struct frame_desc));
    assert_int_equal(frame_table_bytes(FRAME_MAX_FRAMES + 1), 0);
}

static void test_init_errors(void **state)
{
    (void)state;
    struct frame_heap before = frame_heap;

    assert_int_equal(frame_init(NULL, sizeof(table), NR), -XEN_EINVAL);
    assert_int_equal(frame_init(table, sizeof(table), 0), -XEN_EINVAL);
    assert_int_equal(frame_init(table, sizeof(table), FRAME_MAX_FRAMES + 1), -XEN_EINVAL);
    assert_int_equal(frame_init(table, sizeof(table) - 1, NR), -XEN_EINVAL);
    assert_memory_equal(&before, &frame_heap, sizeof(before));
    assert_true(frame_check_invariants());
}

static void test_init_reserved(void **state)
{
    (void)state;
    assert_int_equal(frame_free_count(), 0);
    assert_owned(0, NR, DOMID_XEN);
    assert_int_equal(frame_alloc(0, 1), INVALID_MFN);
    /* Reserved frames are not allocations: nobody may free them. */
    assert_int_equal(frame_free(0, 0, DOMID_XEN), -XEN_EINVAL);
    assert_int_equal(frame_owner(NR), DOMID_INVALID);
    assert_true(frame_check_invariants());
}

static void test_add_free_errors(void **state)
{
    (void)state;
    assert_int_equal(frame_add_free(0, 0), -XEN_EINVAL);
    assert_int_equal(frame_add_free(NR, 1), -XEN_EINVAL);
    assert_int_equal(frame_add_free(NR - 2, 3), -XEN_EINVAL);
    assert_int_equal(frame_add_free(1, ~(mfn_t)0), -XEN_EINVAL);
    assert_int_equal(frame_add_free(10, 4), 0);
    /* Twice, or overlapping: refused without any change. */
    assert_int_equal(frame_add_free(10, 4), -XEN_EINVAL);
    assert_int_equal(frame_add_free(8, 4), -XEN_EINVAL);
    assert_int_equal(frame_owner(8), DOMID_XEN);
    assert_int_equal(frame_free_count(), 4);
    assert_true(frame_check_invariants());
}

static void test_add_free_coalesces(void **state)
{
    (void)state;
    assert_int_equal(frame_add_free(0, NR / 2), 0);
    assert_int_equal(frame_add_free(NR / 2, NR / 2), 0);
    assert_true(frame_check_invariants());
    /* One block of order 10 covers the whole machine. */
    assert_int_equal(frame_free_head[10], 0);
    for (unsigned o = 0; o < 10; o++)
        assert_int_equal(frame_free_head[o], FRAME_NIL);
    assert_int_equal(frame_free_count(), NR);
}

static void test_add_free_unaligned(void **state)
{
    (void)state;
    /* [3, 17) = 3 | 4..7 | 8..15 | 16 */
    assert_int_equal(frame_add_free(3, 14), 0);
    assert_true(frame_check_invariants());
    assert_int_equal(frame_free_head[0] == 3 || frame_free_head[0] == 16, 1);
    assert_int_equal(frame_free_head[2], 4);
    assert_int_equal(frame_free_head[3], 8);
    assert_int_equal(frame_free_count(), 14);
    assert_owned(3, 14, FRAME_OWNER_FREE);
    assert_int_equal(frame_owner(2), DOMID_XEN);
    assert_int_equal(frame_owner(17), DOMID_XEN);
}

static void test_alloc_errors(void **state)
{
    (void)state;
    assert_int_equal(frame_alloc(FRAME_MAX_ORDER + 1, 1), INVALID_MFN);
    assert_int_equal(frame_alloc(0, FRAME_OWNER_FREE), INVALID_MFN);
    assert_int_equal(frame_alloc(0, DOMID_SELF), INVALID_MFN);
    assert_int_equal(frame_alloc(0, DOMID_INVALID), INVALID_MFN);
    /* Bigger than the machine. */
    assert_int_equal(frame_alloc(11, 1), INVALID_MFN);
    assert_int_equal(frame_free_count(), NR);
    assert_true(frame_check_invariants());
}

static void test_alloc_scrubs_and_aligns(void **state)
{
    (void)state;
    for (unsigned o = 0; o <= 6; o++) {
        mfn_t m = frame_alloc(o, (domid_t)(o + 1));

        assert_true(m != INVALID_MFN);
        assert_int_equal(m % (1U << o), 0);
        assert_owned(m, 1U << o, (domid_t)(o + 1));
        for (mfn_t i = m; i < m + (1U << o); i++)
            assert_true(sim_frame_is_zero(i));
        assert_true(frame_check_invariants());
    }
    assert_int_equal(frame_free_count(), NR - 127);
    /* Frames given at boot were dirty: each allocated one was scrubbed once. */
    assert_int_equal(sim_scrub_count(), 127);
    /* Xen may allocate for itself. */
    assert_true(frame_alloc(0, DOMID_XEN) != INVALID_MFN);
}

static void test_alloc_exhaustion(void **state)
{
    (void)state;
    mfn_t n = 0;

    while (frame_alloc(0, 7) != INVALID_MFN)
        n++;
    assert_int_equal(n, NR);
    assert_int_equal(frame_free_count(), 0);
    assert_int_equal(frame_alloc_contig(1, 0, 7), INVALID_MFN);
    assert_true(frame_check_invariants());
    assert_owned(0, NR, 7);
}

static void test_free_errors(void **state)
{
    (void)state;
    mfn_t m = frame_alloc(2, 3);

    assert_true(m != INVALID_MFN);
    assert_int_equal(frame_free(m, FRAME_MAX_ORDER + 1, 3), -XEN_EINVAL);
    assert_int_equal(frame_free(m, 2, FRAME_OWNER_FREE), -XEN_EINVAL);
    assert_int_equal(frame_free(m, 2, DOMID_COW), -XEN_EINVAL);
    assert_int_equal(frame_free(NR, 0, 3), -XEN_EINVAL);
    assert_int_equal(frame_free(NR - 1, 1, 3), -XEN_EINVAL);   /* runs off the end */
    assert_int_equal(frame_free(m + 1, 1, 3), -XEN_EINVAL);    /* misaligned */
    assert_int_equal(frame_free(m, 2, 4), -XEN_EINVAL);        /* wrong owner */
    assert_int_equal(frame_free(m, 3, 3), -XEN_EINVAL);        /* half of it not ours */
    assert_int_equal(frame_free(m ^ 4, 2, 3), -XEN_EINVAL);    /* free frames */
    assert_owned(m, 4, 3);
    assert_int_equal(frame_free_count(), NR - 4);
    assert_true(frame_check_invariants());
    assert_int_equal(frame_free(m, 2, 3), 0);
    assert_int_equal(frame_free(m, 2, 3), -XEN_EINVAL);        /* double free */
    assert_true(frame_check_invariants());
}

/* A referenced frame (still mapped by some p2m) is never freed: -XEN_EBUSY,
 * and nothing changes, until its last reference is dropped. */
static void test_free_refuses_referenced(void **state)
{
    (void)state;
    mfn_t m = frame_alloc(1, 3);
    uint8_t *p;

    assert_true(m != INVALID_MFN);
    assert_int_equal(frame_set_type(m, 2, 3, FRAME_TYPE_GUEST_RAM), 0);
    assert_int_equal(frame_ref_get(m + 1, 1, 3, FRAME_TYPE_GUEST_RAM), 0);
    p = hal_frame_map(m + 1);
    p[0] = 0x5A;
    assert_int_equal(frame_free(m, 1, 3), -XEN_EBUSY);         /* one frame of two */
    assert_int_equal(frame_free(m + 1, 0, 3), -XEN_EBUSY);
    assert_owned(m, 2, 3);
    assert_int_equal(frame_refcount(m + 1), 1);
    assert_int_equal(p[0], 0x5A);                               /* not scrubbed */
    assert_int_equal(frame_free_count(), NR - 2);
    assert_true(frame_check_invariants());
    assert_int_equal(frame_ref_put(m + 1, 1, 3), 0);
    assert_int_equal(frame_free(m, 1, 3), 0);
    assert_int_equal(frame_free_count(), NR);
    assert_true(sim_frame_is_zero(m + 1));
    assert_true(frame_check_invariants());
}

static void test_free_scrubs_and_merges(void **state)
{
    (void)state;
    mfn_t a = frame_alloc(3, 1), b = frame_alloc(3, 2);
    uint64_t scrubs;

    assert_true(a != INVALID_MFN && b != INVALID_MFN);
    for (mfn_t i = 0; i < 8; i++) {
        sim_dirty_frame(a + i, 0x11);
        sim_dirty_frame(b + i, 0x22);
    }
    scrubs = sim_scrub_count();
    assert_int_equal(frame_free(b, 3, 2), 0);
    assert_int_equal(sim_scrub_count(), scrubs + 8);
    for (mfn_t i = 0; i < 8; i++) {
        assert_true(sim_frame_is_zero(b + i));
        assert_false(sim_frame_is_zero(a + i));
    }
    assert_owned(b, 8, FRAME_OWNER_FREE);
    assert_int_equal(frame_free(a, 3, 1), 0);
    assert_true(frame_check_invariants());
    assert_clean_frames_zero();
    /* Everything merged back into one block. */
    assert_int_equal(frame_free_head[10], 0);
    assert_int_equal(frame_free_count(), NR);
    /* Freed frames are known zero: allocating them again scrubs nothing. */
    scrubs = sim_scrub_count();
    a = frame_alloc(3, 5);
    assert_int_equal(a, 0);
    assert_int_equal(sim_scrub_count(), scrubs);
    assert_true(frame_check_invariants());
}

static void test_free_merges_lower_buddy(void **state)
{
    (void)state;
    mfn_t m[4];

    for (int i = 0; i < 4; i++)
        m[i] = frame_alloc(0, 9);
    assert_int_equal(m[0], 0);
    assert_int_equal(m[3], 3);
    /* Free 2 then 3 (3's buddy is below it), then 0 and 1. */
    assert_int_equal(frame_free(2, 0, 9), 0);
    assert_int_equal(frame_free(3, 0, 9), 0);
    assert_true(frame_check_invariants());
    assert_int_equal(frame_free(1, 0, 9), 0);
    assert_int_equal(frame_free(0, 0, 9), 0);
    assert_true(frame_check_invariants());
    assert_int_equal(frame_free_head[10], 0);
}

static void test_contig(void **state)
{
    (void)state;
    mfn_t m = frame_alloc_contig(3, 0, 4), n;

    assert_true(m != INVALID_MFN);
    assert_owned(m, 3, 4);
    assert_int_equal(frame_owner(m + 3), FRAME_OWNER_FREE);   /* surplus returned */
    assert_int_equal(frame_free_count(), NR - 3);
    assert_true(frame_check_invariants());
    for (mfn_t i = m; i < m + 3; i++)
        assert_true(sim_frame_is_zero(i));

    n = frame_alloc_contig(5, 6, 4);
    assert_true(n != INVALID_MFN);
    assert_int_equal(n % 64, 0);
    assert_owned(n, 5, 4);
    assert_true(frame_check_invariants());

    /* Exactly a power of two: no surplus. */
    n = frame_alloc_contig(16, 0, 6);
    assert_true(n != INVALID_MFN);
    assert_int_equal(n % 16, 0);
    assert_owned(n, 16, 6);
    assert_int_equal(frame_free_count(), NR - 3 - 5 - 16);
    assert_true(frame_check_invariants());

    /* Contiguous frames are freed in power-of-two pieces. */
    assert_int_equal(frame_free(m, 1, 4), 0);
    assert_int_equal(frame_free(m + 2, 0, 4), 0);
    assert_true(frame_check_invariants());
}

static void test_contig_errors(void **state)
{
    (void)state;
    assert_int_equal(frame_alloc_contig(0, 0, 1), INVALID_MFN);
    assert_int_equal(frame_alloc_contig(1, FRAME_MAX_ORDER + 1, 1), INVALID_MFN);
    assert_int_equal(frame_alloc_contig(1, 0, DOMID_IDLE), INVALID_MFN);
    assert_int_equal(frame_alloc_contig((1U << FRAME_MAX_ORDER) + 1, 0, 1), INVALID_MFN);
    assert_int_equal(frame_alloc_contig(NR + 1, 0, 1), INVALID_MFN);   /* no such block */
    assert_int_equal(frame_alloc_contig(2, 11, 1), INVALID_MFN);
    assert_int_equal(frame_free_count(), NR);
    assert_true(frame_check_invariants());
}

/* Orders up to FRAME_MAX_ORDER, on a table bigger than simulated memory
 * (nothing here scrubs). */
static void test_max_order(void **state)
{
    (void)state;
    sim_reset(1);
    big_table = calloc(BIG, sizeof(*big_table));
    assert_non_null(big_table);
    assert_int_equal(frame_init(big_table, BIG * sizeof(*big_table), BIG), 0);
    assert_int_equal(frame_add_free(0, BIG / 2), 0);
    assert_int_equal(frame_add_free(BIG / 2, BIG / 2), 0);
    assert_true(frame_check_invariants());
    /* Two maximal blocks that must not merge further. */
    assert_int_equal(frame_heap.table[0].order, FRAME_MAX_ORDER);
    assert_int_equal(frame_heap.table[BIG / 2].order, FRAME_MAX_ORDER);
    assert_int_equal(frame_heap.table[0].head, 1);
    assert_int_equal(frame_heap.table[BIG / 2].head, 1);
    free(big_table);
    big_table = NULL;
}

/* Corrupt one field, expect the checker to notice, restore. */
static void expect_corruption(uint32_t *field, uint32_t value)
{
    uint32_t saved = *field;

    *field = value;
    assert_false(frame_check_invariants());
    *field = saved;
    assert_true(frame_check_invariants());
}

static void expect_corruption8(uint8_t *field, uint8_t value)
{
    uint8_t saved = *field;

    *field = value;
    assert_false(frame_check_invariants());
    *field = saved;
    assert_true(frame_check_invariants());
}

static void expect_corruption8s(int8_t *field, int8_t value)
{
    int8_t saved = *field;

    *field = value;
    assert_false(frame_check_invariants());
    *field = saved;
    assert_true(frame_check_invariants());
}

static void expect_corruption16(uint16_t *field, uint16_t value)
{
    uint16_t saved = *field;

    *field = value;
    assert_false(frame_check_invariants());
    *field = saved;
    assert_true(frame_check_invariants());
}

static void test_checker_detects(void **state)
{
    (void)state;
    struct frame_desc *t = frame_heap.table;
    mfn_t a = frame_alloc(0, 1);     /* 0 */
    mfn_t b = frame_alloc(2, 1);     /* 4..7; free: 1, 2..3, 8.. */
    mfn_t saved;

    assert_int_equal(a, 0);
    assert_int_equal(b, 4);
    assert_true(frame_check_invariants());
    expect_corruption8(&t[a].dirty, 0);                     /* owned but clean */
    expect_corruption16(&t[a].owner, FRAME_OWNER_FREE);     /* free outside a block */
    expect_corruption16(&t[3].owner, 1);                    /* owned inside a block */
    expect_corruption16(&t[2].owner, 1);                    /* owned head */
    expect_corruption8s(&t[2].order, FRAME_MAX_ORDER + 1);  /* bad order */
    expect_corruption8s(&t[2].order, -1);                   /* negative order */
    expect_corruption8s(&t[3].head, 1);                      /* head inside a block */
    expect_corruption8s(&t[2].order, 2);                     /* runs into 4 (overlap/owned) */
    expect_corruption8s(&t[1].order, 1);                     /* misaligned */
    expect_corruption8s(&t[NR / 2].order, 10);               /* off the end */
    expect_corruption8s(&t[a].head, 1);                      /* not on a list; owned */
    /* Unmerged buddies: split the top block into two halves by hand. */
    {
        static struct frame_desc copy[NR];

        memcpy(copy, t, sizeof(copy));
        t[NR / 2].order = 8;
        t[NR / 2 + 256].order = 8;
        t[NR / 2 + 256].head = 1;
        assert_false(frame_check_invariants());
        memcpy(t, copy, sizeof(copy));
        assert_true(frame_check_invariants());
    }
    /* List links. */
    expect_corruption(&frame_free_head[0], 5);                    /* not a head */
    expect_corruption(&frame_free_head[0], NR + 5);               /* out of range */
    expect_corruption(&frame_free_head[1], 1);                    /* wrong order */
    expect_corruption(&t[frame_free_head[9]].prev, 3);            /* bad back link */
    expect_corruption(&t[frame_free_head[9]].next, frame_free_head[9]);   /* cycle */
    expect_corruption(&frame_free_head[3], FRAME_NIL);            /* head not listed */
    saved = frame_nr_free;
    frame_nr_free = saved + 1;
    assert_false(frame_check_invariants());
    frame_nr_free = saved;
    assert_true(frame_check_invariants());
}

/* A block listed twice on the same list shows up as a cycle or a bad link. */
static void test_checker_cycle_long(void **state)
{
    (void)state;
    struct frame_desc *t = frame_heap.table;
    mfn_t m[4];

    for (int i = 0; i < 4; i++)
        m[i] = frame_alloc(0, 2);
    /* Free 0 and 3 (their buddies stay allocated): list 0 has two blocks. */
    assert_int_equal(frame_free(m[0], 0, 2), 0);
    assert_int_equal(frame_free(m[3], 0, 2), 0);
    assert_true(frame_check_invariants());
    {
        uint32_t h = frame_free_head[0], second = t[h].next;

        assert_true(second != FRAME_NIL);
        expect_corruption(&t[second].next, h);
    }
}

/* A corrupted list head is refused, not handed out. */
static void test_alloc_refuses_corrupt_list(void **state)
{
    (void)state;
    frame_free_head[0] = 5;             /* frame 5 is inside the order-10 block */
    assert_int_equal(frame_alloc(0, 1), INVALID_MFN);
    frame_free_head[1] = 0;             /* a head, but of order 10 */
    frame_free_head[0] = FRAME_NIL;
    assert_int_equal(frame_alloc(1, 1), INVALID_MFN);
    frame_free_head[1] = FRAME_NIL;
    assert_owned(0, NR, FRAME_OWNER_FREE);
    assert_true(frame_check_invariants());
    assert_int_equal(frame_alloc(0, 1), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_bytes),
        cmocka_unit_test_setup(test_init_errors, setup),
        cmocka_unit_test_setup(test_init_reserved, setup_reserved),
        cmocka_unit_test_setup(test_add_free_errors, setup_reserved),
        cmocka_unit_test_setup(test_add_free_coalesces, setup_reserved),
        cmocka_unit_test_setup(test_add_free_unaligned, setup_reserved),
        cmocka_unit_test_setup(test_alloc_errors, setup),
        cmocka_unit_test_setup(test_alloc_scrubs_and_aligns, setup),
        cmocka_unit_test_setup(test_alloc_exhaustion, setup),
        cmocka_unit_test_setup(test_free_errors, setup),
        cmocka_unit_test_setup(test_free_scrubs_and_merges, setup),
        cmocka_unit_test_setup(test_free_merges_lower_buddy, setup),
        cmocka_unit_test_setup(test_contig, setup),
        cmocka_unit_test_setup(test_contig_errors, setup),
        cmocka_unit_test_setup(test_free_refuses_referenced, setup),
        cmocka_unit_test(test_max_order),
        cmocka_unit_test_setup(test_checker_detects, setup),
        cmocka_unit_test_setup(test_checker_cycle_long, setup),
        cmocka_unit_test_setup(test_alloc_refuses_corrupt_list, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
