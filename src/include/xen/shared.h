/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Memory shared between Xen and a guest, x86_64 layouts: shared_info,
 * vcpu_info, vcpu_time_info, vcpu_runstate_info, xencons_interface.  The
 * static assertions pin every offset a guest relies on.
 */
#ifndef XEN_SHARED_H
#define XEN_SHARED_H

#include <stdint.h>

#define XEN_LEGACY_MAX_VCPUS 32

struct vcpu_time_info {
    uint32_t version;          /* odd while the hypervisor updates the record */
    uint32_t pad0;
    uint64_t tsc_timestamp;    /* TSC at the last update */
    uint64_t system_time;      /* ns since boot at tsc_timestamp */
    uint32_t tsc_to_system_mul;/* ns = ((tsc_delta << shift) * mul) >> 32 */
    int8_t tsc_shift;
    uint8_t flags;
    uint8_t pad1[2];
};

#define XEN_PVCLOCK_TSC_STABLE_BIT (1U << 0)

struct arch_vcpu_info {
    uint64_t cr2;
    uint64_t pad;
};

struct vcpu_info {
    uint8_t evtchn_upcall_pending;
    uint8_t evtchn_upcall_mask;
    uint8_t pad0[6];
    uint64_t evtchn_pending_sel;
    struct arch_vcpu_info arch;
    struct vcpu_time_info time;
};

struct arch_shared_info {
    uint64_t max_pfn;
    uint64_t pfn_to_mfn_frame_list_list;
    uint64_t nmi_reason;
    uint64_t p2m_cr3;
    uint64_t p2m_vaddr;
    uint64_t p2m_generation;
};

struct shared_info {
    struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
    uint64_t evtchn_pending[64];
    uint64_t evtchn_mask[64];
    uint32_t wc_version;
    uint32_t wc_sec;
    uint32_t wc_nsec;
    uint32_t wc_sec_hi;
    struct arch_shared_info arch;
};

#define RUNSTATE_running  0
#define RUNSTATE_runnable 1
#define RUNSTATE_blocked  2
#define RUNSTATE_offline  3

struct vcpu_runstate_info {
    int32_t state;
    uint32_t pad;
    uint64_t state_entry_time;
    uint64_t time[4];
};

struct xencons_interface {
    char in[1024];
    char out[2048];
    uint32_t in_cons, in_prod;
    uint32_t out_cons, out_prod;
};

struct grant_entry_v1 {
    uint16_t flags;
    uint16_t domid;
    uint32_t frame;
};

_Static_assert(sizeof(struct vcpu_time_info) == 32, "vcpu_time_info is 32 bytes");
_Static_assert(sizeof(struct vcpu_info) == 64, "vcpu_info is 64 bytes");
_Static_assert(__builtin_offsetof(struct vcpu_info, evtchn_pending_sel) == 8, "vcpu_info.sel");
_Static_assert(__builtin_offsetof(struct vcpu_info, arch) == 16, "vcpu_info.arch");
_Static_assert(__builtin_offsetof(struct vcpu_info, time) == 32, "vcpu_info.time");
_Static_assert(__builtin_offsetof(struct vcpu_time_info, tsc_to_system_mul) == 24, "time.mul");
_Static_assert(__builtin_offsetof(struct vcpu_time_info, tsc_shift) == 28, "time.shift");
_Static_assert(__builtin_offsetof(struct vcpu_time_info, flags) == 29, "time.flags");
_Static_assert(__builtin_offsetof(struct shared_info, evtchn_pending) == 2048, "shared_info.pending");
_Static_assert(__builtin_offsetof(struct shared_info, evtchn_mask) == 2560, "shared_info.mask");
_Static_assert(__builtin_offsetof(struct shared_info, wc_version) == 3072, "shared_info.wc_version");
_Static_assert(__builtin_offsetof(struct shared_info, wc_sec) == 3076, "shared_info.wc_sec");
_Static_assert(__builtin_offsetof(struct shared_info, wc_nsec) == 3080, "shared_info.wc_nsec");
_Static_assert(__builtin_offsetof(struct shared_info, wc_sec_hi) == 3084, "shared_info.wc_sec_hi");
_Static_assert(__builtin_offsetof(struct shared_info, arch) == 3088, "shared_info.arch");
_Static_assert(sizeof(struct shared_info) == 3136, "shared_info is 3136 bytes");
_Static_assert(sizeof(struct vcpu_runstate_info) == 48, "runstate info is 48 bytes");
_Static_assert(sizeof(struct xencons_interface) == 3088, "xencons_interface rings + indexes");
_Static_assert(__builtin_offsetof(struct xencons_interface, out_prod) == 3084, "xencons out_prod");
_Static_assert(sizeof(struct grant_entry_v1) == 8, "grant_entry_v1 is 8 bytes");

/* ---- additions for the hypercall layer ---------------------------------- */

/*
 * The runstate record as a 32-bit guest lays it out (64-bit fields aligned
 * to 4): 44 bytes, state_entry_time at 4, time[] at 12.  Halves are low
 * word first.
 */
struct vcpu_runstate_info_compat {
    int32_t state;
    uint32_t state_entry_time[2];
    uint32_t time[8];
};

/* A 32-bit guest's vcpu_info: evtchn_pending_sel is 32 bits at offset 4
 * (the time record stays at 32 in both layouts). */
#define XEN_VCPU_INFO_COMPAT_PENDING_SEL_OFF 4U
#define XEN_VCPU_INFO_PENDING_SEL_OFF        8U

_Static_assert(sizeof(struct vcpu_runstate_info_compat) == 44, "compat runstate info is 44 bytes");

#endif /* XEN_SHARED_H */
