// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of frame typing and reference counts: every refusal (frame
 * beyond the table, free, hypervisor's, another domain's, wrong type,
 * referenced, at the maximum) changes nothing; ranges are all or nothing;
 * the count checker's rules.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "hv/frame_ref.h"
#include "xen/errno.h"
#include "fixture_machine.h"
#include "sim.h"

#define NR    1024U
#define FIRST 16U
#define RAM   FRAME_TYPE_GUEST_RAM
#define TAB   FRAME_TYPE_P2M_TABLE

static struct frame_desc table[NR];
static uint32_t counts[NR];

static int setup(void **state)
{
    (void)state;
    fixture_frames(table, sizeof(table), NR, FIRST);
    return 0;
}

static void test_set_type(void **state)
{
    mfn_t m = frame_alloc(1, 1), x = frame_alloc(0, 2), f = frame_alloc(0, 1);
    (void)state;

    assert_int_equal(frame_free(f, 0, 1), 0);
    assert_int_equal(frame_set_type(m, 2, 1, RAM), 0);
    assert_int_equal(frame_type(m), RAM);
    assert_int_equal(frame_type(m + 1), RAM);
    assert_int_equal(frame_set_type(m, 2, 1, RAM), 0);          /* same type again */
    assert_int_equal(frame_set_type(m, 1, 1, TAB), -XEN_EINVAL); /* RAM -> table directly */
    assert_int_equal(frame_set_type(m, 1, 1, FRAME_TYPE_RESERVED), -XEN_EINVAL);
    assert_int_equal(frame_set_type(m, 1, 1, 99), -XEN_EINVAL);
    assert_int_equal(frame_set_type(m, 1, DOMID_XEN, RAM), -XEN_EINVAL);
    assert_int_equal(frame_set_type(m, 0, 1, RAM), -XEN_EINVAL);
    assert_int_equal(frame_set_type(NR, 1, 1, RAM), -XEN_EINVAL);
    assert_int_equal(frame_set_type(NR - 1, 2, 1, RAM), -XEN_EINVAL);
    assert_int_equal(frame_set_type(x, 1, 1, RAM), -XEN_EPERM);   /* another domain's */
    assert_int_equal(frame_set_type(3, 1, 1, RAM), -XEN_EPERM);   /* the hypervisor's */
    assert_int_equal(frame_set_type(f, 1, 1, RAM), -XEN_EPERM);   /* free */
    /* All or nothing: the second frame is another domain's. */
    assert_int_equal(frame_set_type(x - 1, 2, 2, RAM), -XEN_EPERM);
    assert_int_equal(frame_type(x), FRAME_TYPE_NONE);
    assert_int_equal(frame_ref_get(m + 1, 1, 1, RAM), 0);
    assert_int_equal(frame_set_type(m, 2, 1, FRAME_TYPE_NONE), -XEN_EBUSY);
    assert_int_equal(frame_type(m), RAM);                          /* unchanged */
    assert_int_equal(frame_ref_put(m + 1, 1, 1), 0);
    assert_int_equal(frame_set_type(m, 2, 1, FRAME_TYPE_NONE), 0);
    assert_int_equal(frame_set_type(m, 1, 1, TAB), 0);
    assert_int_equal(frame_type(NR + 3), FRAME_TYPE_RESERVED);
    assert_int_equal(frame_refcount(NR + 3), 0);
}

static void test_get_put(void **state)
{
    mfn_t m = frame_alloc(2, 1), t = frame_alloc(0, 1);
    (void)state;

    assert_int_equal(frame_set_type(m, 4, 1, RAM), 0);
    assert_int_equal(frame_set_type(t, 1, 1, TAB), 0);
    assert_int_equal(frame_ref_check(m, 4, 1, RAM), 0);
    assert_int_equal(frame_ref_check(m, 4, 1, TAB), -XEN_EINVAL);
    assert_int_equal(frame_ref_check(m, 4, 1, FRAME_TYPE_NONE), -XEN_EINVAL);
    assert_int_equal(frame_ref_check(m, 4, 2, RAM), -XEN_EPERM);
    assert_int_equal(frame_ref_check(m, 4, DOMID_XEN, RAM), -XEN_EINVAL);
    assert_int_equal(frame_ref_get(m, 4, 1, RAM), 0);
    assert_int_equal(frame_ref_get(m + 1, 2, 1, RAM), 0);
    assert_int_equal(frame_refcount(m), 1);
    assert_int_equal(frame_refcount(m + 1), 2);
    assert_int_equal(frame_refcount(m + 3), 1);
    /* All or nothing: frame t (a table) is not RAM. */
    assert_int_equal(frame_ref_get(t, 1, 1, RAM), -XEN_EINVAL);
    assert_int_equal(frame_ref_get(t, 1, 1, TAB), 0);
    frame_heap.table[m + 2].refcount = FRAME_REF_MAX;
    assert_int_equal(frame_ref_get(m, 4, 1, RAM), -XEN_EOVERFLOW);
    assert_int_equal(frame_refcount(m), 1);
    frame_heap.table[m + 2].refcount = 2;
    assert_int_equal(frame_ref_put(m, 4, 2), -XEN_EPERM);
    assert_int_equal(frame_ref_put(m, 4, DOMID_XEN), -XEN_EINVAL);
    assert_int_equal(frame_ref_put(m, 0, 1), -XEN_EINVAL);
    assert_int_equal(frame_ref_put(m, 4, 1), 0);
    assert_int_equal(frame_refcount(m), 0);
    assert_int_equal(frame_refcount(m + 1), 1);
    assert_int_equal(frame_ref_put(m, 2, 1), -XEN_EINVAL);        /* m has none left */
    assert_int_equal(frame_refcount(m + 1), 1);                   /* unchanged */
    assert_int_equal(frame_ref_put(3, 1, 1), -XEN_EPERM);
}

static void test_check_counts(void **state)
{
    mfn_t m = frame_alloc(0, 1);
    (void)state;

    memset(counts, 0, sizeof(counts));
    assert_true(frame_ref_check_counts(counts, NR));
    assert_false(frame_ref_check_counts(counts, NR + 1));
    assert_int_equal(frame_set_type(m, 1, 1, RAM), 0);
    assert_int_equal(frame_ref_get(m, 1, 1, RAM), 0);
    assert_false(frame_ref_check_counts(counts, NR));    /* a reference nobody holds */
    counts[m] = 1;
    assert_true(frame_ref_check_counts(counts, NR));
    counts[m] = 0;
    assert_int_equal(frame_ref_put(m, 1, 1), 0);
    assert_int_equal(frame_set_type(m, 1, 1, FRAME_TYPE_NONE), 0);
    frame_heap.table[m].refcount = 1;                    /* referenced but untyped */
    counts[m] = 1;
    assert_false(frame_ref_check_counts(counts, NR));
    frame_heap.table[m].refcount = 0;
    counts[m] = 0;
    frame_heap.table[5].type = TAB;                      /* hypervisor frame typed as a table */
    assert_false(frame_ref_check_counts(counts, NR));
    frame_heap.table[5].type = FRAME_TYPE_RESERVED;
    assert_int_equal(frame_free(m, 0, 1), 0);
    frame_heap.table[m].type = FRAME_TYPE_RESERVED;      /* free frame with a type */
    assert_false(frame_ref_check_counts(counts, NR));
    frame_heap.table[m].type = FRAME_TYPE_NONE;
    assert_true(frame_ref_check_counts(counts, NR));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_set_type, setup),
        cmocka_unit_test_setup(test_get_put, setup),
        cmocka_unit_test_setup(test_check_counts, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
