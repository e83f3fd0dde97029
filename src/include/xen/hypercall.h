/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Xen hypercall numbers and sub-operation numbers (x86_64), as guests see
 * them.  Values are part of the ABI; names follow Xen's with a XEN_ prefix
 * where they would otherwise clash.
 */
#ifndef XEN_HYPERCALL_H
#define XEN_HYPERCALL_H

/* Hypercall numbers (rax). */
#define HYPERVISOR_set_trap_table      0
#define HYPERVISOR_platform_op         7
#define HYPERVISOR_memory_op          12
#define HYPERVISOR_set_timer_op       15
#define HYPERVISOR_xen_version        17
#define HYPERVISOR_console_io         18
#define HYPERVISOR_grant_table_op     20
#define HYPERVISOR_vm_assist          21
#define HYPERVISOR_iret               23
#define HYPERVISOR_vcpu_op            24
#define HYPERVISOR_sched_op           29
#define HYPERVISOR_event_channel_op   32
#define HYPERVISOR_physdev_op         33
#define HYPERVISOR_hvm_op             34
#define HYPERVISOR_sysctl             35
#define HYPERVISOR_domctl             36
/* Hypercall numbers are below this (the hypercall page has 4096/32 slots). */
#define XEN_NR_HYPERCALLS            128

/* xen_version sub-ops. */
#define XENVER_version       0
#define XENVER_extraversion  1
#define XENVER_compile_info  2
#define XENVER_capabilities  3
#define XENVER_changeset     4
#define XENVER_platform_parameters 5
#define XENVER_get_features  6
#define XENVER_pagesize      7
#define XENVER_guest_handle  8
#define XENVER_commandline   9

#define XEN_EXTRAVERSION_LEN   16
#define XEN_CAPABILITIES_LEN  1024
#define XEN_CHANGESET_LEN       64
#define XEN_COMMANDLINE_LEN   1024
#define XEN_COMPILE_INFO_SIZE  (64 + 16 + 32 + 32)   /* compiler, by, domain, date */

/* XENVER_get_features submap 0 bits. */
#define XENFEAT_writable_page_tables        0
#define XENFEAT_writable_descriptor_tables  1
#define XENFEAT_auto_translated_physmap     2
#define XENFEAT_supervisor_mode_kernel      3
#define XENFEAT_pae_pgdir_above_4gb         4
#define XENFEAT_mmu_pt_update_preserve_ad   5
#define XENFEAT_highmem_assist              6
#define XENFEAT_gnttab_map_avail_bits       7
#define XENFEAT_hvm_callback_vector         8
#define XENFEAT_hvm_safe_pvclock            9
#define XENFEAT_hvm_pirqs                  10
#define XENFEAT_dom0                       11
#define XENFEAT_NR_SUBMAPS                  1

/* console_io. */
#define CONSOLEIO_write 0
#define CONSOLEIO_read  1

/* sched_op. */
#define SCHEDOP_yield            0
#define SCHEDOP_block            1
#define SCHEDOP_shutdown         2
#define SCHEDOP_poll             3
#define SCHEDOP_remote_shutdown  4
#define SCHEDOP_shutdown_code    5
#define SCHEDOP_watchdog         6
#define SCHEDOP_pin_override     7

#define SHUTDOWN_poweroff  0
#define SHUTDOWN_reboot    1
#define SHUTDOWN_suspend   2
#define SHUTDOWN_crash     3
#define SHUTDOWN_watchdog  4
#define SHUTDOWN_soft_reset 5

/* memory_op. */
#define XENMEM_increase_reservation 0
#define XENMEM_decrease_reservation 1
#define XENMEM_maximum_ram_page     2
#define XENMEM_current_reservation  3
#define XENMEM_maximum_reservation  4
#define XENMEM_maximum_gpfn         14
#define XENMEM_add_to_physmap       7
#define XENMEM_memory_map           9
#define XENMEM_machine_memory_map   10

#define XENMAPSPACE_shared_info  0
#define XENMAPSPACE_grant_table  1
#define XENMAPSPACE_gmfn         2

/* vcpu_op. */
#define VCPUOP_initialise                 0
#define VCPUOP_up                         1
#define VCPUOP_down                       2
#define VCPUOP_is_up                      3
#define VCPUOP_get_runstate_info          4
#define VCPUOP_register_runstate_memory_area 5
#define VCPUOP_set_periodic_timer         6
#define VCPUOP_stop_periodic_timer        7
#define VCPUOP_set_singleshot_timer       8
#define VCPUOP_stop_singleshot_timer      9
#define VCPUOP_register_vcpu_info        10
#define VCPUOP_send_nmi                  11
#define VCPUOP_get_physid                12
#define VCPUOP_register_vcpu_time_memory_area 13

#define VCPU_SSHOTTMR_future  1U   /* set_singleshot_timer flag: fail with -ETIME if in the past */

/* hvm_op. */
#define HVMOP_set_param              0
#define HVMOP_get_param              1
#define HVMOP_set_evtchn_upcall_vector 23

#define HVM_PARAM_CALLBACK_IRQ    0
#define HVM_PARAM_STORE_PFN       1
#define HVM_PARAM_STORE_EVTCHN    2
#define HVM_PARAM_CONSOLE_PFN    17
#define HVM_PARAM_CONSOLE_EVTCHN 18
#define HVM_NR_PARAMS            39

/* event_channel_op. */
#define EVTCHNOP_bind_interdomain 0
#define EVTCHNOP_bind_virq        1
#define EVTCHNOP_bind_pirq        2
#define EVTCHNOP_close            3
#define EVTCHNOP_send             4
#define EVTCHNOP_status           5
#define EVTCHNOP_alloc_unbound    6
#define EVTCHNOP_bind_ipi         7
#define EVTCHNOP_bind_vcpu        8
#define EVTCHNOP_unmask           9
#define EVTCHNOP_reset           10
#define EVTCHNOP_init_control    11
#define EVTCHNOP_expand_array    12
#define EVTCHNOP_set_priority    13

#define VIRQ_TIMER   0
#define VIRQ_DEBUG   1
#define VIRQ_CONSOLE 2

/* grant_table_op. */
#define GNTTABOP_map_grant_ref    0
#define GNTTABOP_unmap_grant_ref  1
#define GNTTABOP_setup_table      2
#define GNTTABOP_dump_table       3
#define GNTTABOP_transfer         4
#define GNTTABOP_copy             5
#define GNTTABOP_query_size       6
#define GNTTABOP_unmap_and_replace 7
#define GNTTABOP_set_version      8
#define GNTTABOP_get_status_frames 9
#define GNTTABOP_get_version     10
#define GNTTABOP_swap_grant_ref  11
#define GNTTABOP_cache_flush     12

/* The hypercall-page MSR and Xen's CPUID leaves. */
#define XEN_MSR_HYPERCALL_PAGE  0x40000000U
#define XEN_CPUID_BASE          0x40000000U
#define XEN_CPUID_SIGNATURE_EBX 0x566e6558U   /* "XenV" */
#define XEN_CPUID_SIGNATURE_ECX 0x65584d4dU   /* "MMXe" */
#define XEN_CPUID_SIGNATURE_EDX 0x4d4d566eU   /* "nVMM" */
/* Leaf base+4 (HVM-specific) EAX flags. */
#define XEN_HVM_CPUID_APIC_ACCESS_VIRT  (1U << 0)
#define XEN_HVM_CPUID_X2APIC_VIRT       (1U << 1)
#define XEN_HVM_CPUID_IOMMU_MAPPINGS    (1U << 2)
#define XEN_HVM_CPUID_VCPU_ID_PRESENT   (1U << 3)
#define XEN_HVM_CPUID_DOMID_PRESENT     (1U << 4)
#define XEN_HVM_CPUID_UPCALL_VECTOR     (1U << 6)

/* ---- additions for the hypercall layer ---------------------------------- */

#include <stdint.h>

#define XENVER_build_id      10
#define XEN_DOMAIN_HANDLE_LEN 16

/*
 * memory_op: the low MEMOP_EXTENT_SHIFT bits of cmd select the operation;
 * the bits above are the extent a preempted operation resumes from.
 */
#define MEMOP_EXTENT_SHIFT 6
#define MEMOP_CMD_MASK     ((1U << MEMOP_EXTENT_SHIFT) - 1U)

#define XENMAPSPACE_gmfn_range   3
#define XENMAPSPACE_gmfn_foreign 4
#define XENMAPSPACE_dev_mmio     5

/* HVM parameters the guest may read besides the ones above. */
#define HVM_PARAM_IOREQ_PFN              5
#define HVM_PARAM_VM86_TSS              15
#define HVM_PARAM_ACPI_IOPORTS_LOCATION 19
#define HVM_PARAM_VM_GENERATION_ID_ADDR 34
#define HVM_PARAM_ALTP2M                35
#define HVM_PARAM_X87_FIP_WIDTH         36
#define HVM_PARAM_VM86_TSS_SIZED        37

/* HVM_PARAM_CALLBACK_IRQ: delivery type in bits 63:56 ((2 << 56) | vector). */
#define HVM_PARAM_CALLBACK_TYPE_SHIFT  56
#define HVM_PARAM_CALLBACK_TYPE_VECTOR 2ULL

/*
 * Argument structures, x86_64 layout; a `_compat` twin gives the layout a
 * 32-bit guest uses where it differs (i386 aligns 64-bit fields to 4 and
 * has 32-bit handles and xen_ulong_t).
 */
struct xen_feature_info {           /* XENVER_get_features */
    uint32_t submap_idx;
    uint32_t submap;
};

struct xen_compile_info {           /* XENVER_compile_info */
    char compiler[64];
    char compile_by[16];
    char compile_domain[32];
    char compile_date[32];
};

struct xen_platform_parameters {    /* XENVER_platform_parameters */
    uint64_t virt_start;
};
struct xen_platform_parameters_compat {
    uint32_t virt_start;
};

struct xen_add_to_physmap {         /* XENMEM_add_to_physmap */
    uint16_t domid;
    uint16_t size;                  /* XENMAPSPACE_gmfn_range only */
    uint32_t space;
    uint64_t idx;
    uint64_t gpfn;
};
struct xen_add_to_physmap_compat {
    uint16_t domid;
    uint16_t size;
    uint32_t space;
    uint32_t idx;
    uint32_t gpfn;
};

struct xen_memory_map {             /* XENMEM_memory_map */
    uint32_t nr_entries;            /* IN: entries the buffer holds; OUT: entries written */
    uint32_t pad;
    uint64_t buffer;                /* guest handle of e820 entries */
};
struct xen_memory_map_compat {
    uint32_t nr_entries;
    uint32_t buffer;
};

/* One e820 entry as XENMEM_memory_map returns it: packed, 20 bytes. */
struct xen_e820_entry {
    uint32_t addr_lo, addr_hi;
    uint32_t size_lo, size_hi;
    uint32_t type;
};

struct xen_hvm_param {              /* HVMOP_set_param, HVMOP_get_param */
    uint16_t domid;
    uint16_t pad;
    uint32_t index;
    uint64_t value;
};

struct sched_shutdown {             /* SCHEDOP_shutdown, SCHEDOP_shutdown_code */
    uint32_t reason;
};

struct sched_remote_shutdown {      /* SCHEDOP_remote_shutdown */
    uint16_t domain_id;
    uint16_t pad;
    uint32_t reason;
};

struct vcpu_register_vcpu_info {    /* VCPUOP_register_vcpu_info */
    uint64_t mfn;                   /* a gfn for translated guests */
    uint32_t offset;
    uint32_t rsvd;
};

struct vcpu_set_singleshot_timer {  /* VCPUOP_set_singleshot_timer */
    uint64_t timeout_abs_ns;        /* system time */
    uint32_t flags;                 /* VCPU_SSHOTTMR_* */
    uint32_t pad;                   /* not in the 32-bit layout (12 bytes) */
};
#define VCPU_SET_SINGLESHOT_TIMER_COMPAT_SIZE 12U

struct vcpu_register_runstate_memory_area {  /* VCPUOP_register_runstate_memory_area */
    uint64_t addr;                  /* guest-linear; a 32-bit guest's handle is the low half */
};

_Static_assert(sizeof(struct xen_feature_info) == 8, "xen_feature_info is 8 bytes");
_Static_assert(sizeof(struct xen_compile_info) == 144, "xen_compile_info is 144 bytes");
_Static_assert(sizeof(struct xen_add_to_physmap) == 24, "xen_add_to_physmap is 24 bytes");
_Static_assert(__builtin_offsetof(struct xen_add_to_physmap, idx) == 8, "xatp.idx");
_Static_assert(__builtin_offsetof(struct xen_add_to_physmap, gpfn) == 16, "xatp.gpfn");
_Static_assert(sizeof(struct xen_add_to_physmap_compat) == 16, "compat xatp is 16 bytes");
_Static_assert(sizeof(struct xen_memory_map) == 16, "xen_memory_map is 16 bytes");
_Static_assert(sizeof(struct xen_memory_map_compat) == 8, "compat xen_memory_map is 8 bytes");
_Static_assert(sizeof(struct xen_e820_entry) == 20, "e820 entry is 20 bytes");
_Static_assert(sizeof(struct xen_hvm_param) == 16, "xen_hvm_param is 16 bytes");
_Static_assert(__builtin_offsetof(struct xen_hvm_param, value) == 8, "xen_hvm_param.value");
_Static_assert(sizeof(struct sched_remote_shutdown) == 8, "sched_remote_shutdown is 8 bytes");
_Static_assert(sizeof(struct vcpu_register_vcpu_info) == 16, "vcpu_register_vcpu_info is 16 bytes");
_Static_assert(sizeof(struct vcpu_set_singleshot_timer) == 16, "singleshot timer is 16 bytes");

#endif /* XEN_HYPERCALL_H */
