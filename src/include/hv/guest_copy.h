/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The only way the hypervisor touches guest memory: copies by guest-physical
 * address (through the p2m) and by guest-linear address (through the guest's
 * page tables, as the guest at its CPL would access it, then the p2m).
 *
 * All or nothing: every page of the range is translated and permission-
 * checked before a single byte moves, so a failing copy_to_guest_* writes
 * nothing to the guest (no data, no accessed/dirty bit) and a failing
 * copy_from_guest_* leaves dst untouched.  Every failure is -XEN_EFAULT, as
 * in Xen.  docs/MEMORY.md explains the passes.
 */
#ifndef HV_GUEST_COPY_H
#define HV_GUEST_COPY_H

#include "hv/guest_walk.h"
#include "hv/p2m.h"
#include "hv/types.h"
#include "xen/errno.h"

/* Longest single copy; longer ones fail with -XEN_EFAULT (callers chunk). */
#define GUEST_COPY_MAX       (1UL << 20)
/* Pages a range of GUEST_COPY_MAX bytes can touch when it is not page aligned. */
#define GUEST_COPY_MAX_PAGES (GUEST_COPY_MAX / PAGE_SIZE + 1UL)

/*
 * The contracts speak of machine memory through the HAL's model (spec/
 * guest_walk.acsl): buffers on the hypervisor's side must not be machine
 * memory as the model sees it, and a copy to the guest, or out of it by
 * linear address (accessed bits), writes machine memory.  A linear copy may
 * walk again after writing A/D bits: the p2m and the guest state it follows
 * must not be guest-table memory themselves.
 */
/*@ predicate gw_tables_apart(struct p2m *p2m, struct guest_paging *gp) =
      \separated(p2m, hal_mem_words + (0 .. HAL_MEM_WORDS - 1)) &&
      \separated(gp, hal_mem_words + (0 .. HAL_MEM_WORDS - 1));
*/
/*@ requires \valid((char *)dst + (0 .. len - 1));
    requires \valid_read(p2m) && p2m_root_map_ok(p2m);
    requires \separated((char *)dst + (0 .. len - 1), p2m);
    requires gw_not_mem_bytes((char *)dst, len);
    assigns ((char *)dst)[0 .. len - 1];
    ensures \result == 0 || \result == -XEN_EFAULT;
    ensures len > GUEST_COPY_MAX ==> \result == -XEN_EFAULT;
    ensures \result != 0 ==>
              \forall integer i; 0 <= i < len ==> ((char *)dst)[i] == \old(((char *)dst)[i]); */
int copy_from_guest_phys(const struct p2m *p2m, void *dst, uint64_t gpa, size_t len);

/*@ requires \valid_read((const char *)src + (0 .. len - 1));
    requires \valid_read(p2m) && p2m_root_map_ok(p2m);
    requires gw_not_mem_bytes((char *)src, len);
    assigns hal_mem_bytes[0 .. HAL_MEM_BYTES - 1];
    ensures \result == 0 || \result == -XEN_EFAULT;
    ensures len > GUEST_COPY_MAX ==> \result == -XEN_EFAULT; */
int copy_to_guest_phys(const struct p2m *p2m, uint64_t gpa, const void *src, size_t len);

/*@ requires \valid((char *)dst + (0 .. len - 1));
    requires \valid_read(p2m) && \valid_read(gp) && p2m_root_map_ok(p2m);
    requires gw_tables_apart(p2m, gp);
    requires \separated((char *)dst + (0 .. len - 1), p2m, gp);
    requires gw_not_mem_bytes((char *)dst, len) && gw_not_mem_words((char *)dst, len);
    assigns ((char *)dst)[0 .. len - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures \result == 0 || \result == -XEN_EFAULT;
    ensures len > GUEST_COPY_MAX ==> \result == -XEN_EFAULT;
    ensures \result != 0 ==>
              \forall integer i; 0 <= i < len ==> ((char *)dst)[i] == \old(((char *)dst)[i]); */
int copy_from_guest_linear(const struct p2m *p2m, const struct guest_paging *gp, void *dst,
                           uint64_t gla, size_t len);

/*@ requires \valid_read((const char *)src + (0 .. len - 1));
    requires \valid_read(p2m) && \valid_read(gp) && p2m_root_map_ok(p2m);
    requires gw_tables_apart(p2m, gp);
    requires gw_not_mem_bytes((char *)src, len);
    assigns hal_mem_bytes[0 .. HAL_MEM_BYTES - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures \result == 0 || \result == -XEN_EFAULT;
    ensures len > GUEST_COPY_MAX ==> \result == -XEN_EFAULT; */
int copy_to_guest_linear(const struct p2m *p2m, const struct guest_paging *gp, uint64_t gla,
                         const void *src, size_t len);

#endif /* HV_GUEST_COPY_H */
