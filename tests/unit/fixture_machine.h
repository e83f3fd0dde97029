/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The simulated machine most unit and simulator tests start from, set up in
 * one place: machine memory of `nr` frames, the frame table over it (the
 * test's own `table`, `bytes` long), the frames from `first` on free, and,
 * with fixture_machine, an empty domain table.  fixture_one_vcpu adds the
 * guest the exit-path tests drive: one domain with RAM from gfn 0 and its
 * vCPU 0 ready at `entry`, on an SVM CPU with no exit hook.  Include after
 * cmocka.h (the set-up asserts as the tests do).
 */
#ifndef TEST_FIXTURE_MACHINE_H
#define TEST_FIXTURE_MACHINE_H

#include "hv/domain.h"
#include "hv/frame.h"
#include "hv/sched.h"
#include "sim.h"

static inline void fixture_frames(struct frame_desc *table, size_t bytes, mfn_t nr, mfn_t first)
{
    sim_reset(nr);
    assert_int_equal(frame_init(table, bytes, nr), 0);
    assert_int_equal(frame_add_free(first, nr - first), 0);
}

static inline void fixture_machine(struct frame_desc *table, size_t bytes, mfn_t nr, mfn_t first)
{
    fixture_frames(table, bytes, nr, first);
    domain_table_reset();
}

static inline struct vcpu *fixture_one_vcpu(domid_t id, unsigned pages, uint32_t entry)
{
    struct domain *d;

    vcpu_vendor_cpu_reset();
    sim_svm_set_exit_hook(NULL, NULL);
    assert_int_equal(vcpu_vendor_cpu_init(), 0);
    assert_int_equal(domain_create(id, 512, PTE_FORMAT_NPT), 0);
    d = domain_find(id);
    assert_int_equal(domain_populate(id, 0, pages, 0), 0);
    assert_int_equal(sched_add_domain(d, entry, 0), 0);
    return &d->guest.vcpus[0];
}

#endif /* TEST_FIXTURE_MACHINE_H */
