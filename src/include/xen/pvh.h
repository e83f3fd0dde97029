/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The PVH boot ABI: hvm_start_info and its module and memory-map entries,
 * and the Xen ELF notes a PVH kernel carries.
 */
#ifndef XEN_PVH_H
#define XEN_PVH_H

#include <stdint.h>

#define XEN_HVM_START_MAGIC 0x336ec578U

#define SIF_PRIVILEGED  (1U << 0)
#define SIF_INITDOMAIN  (1U << 1)

struct hvm_start_info {
    uint32_t magic;
    uint32_t version;
    uint32_t flags;
    uint32_t nr_modules;
    uint64_t modlist_paddr;
    uint64_t cmdline_paddr;
    uint64_t rsdp_paddr;
    uint64_t memmap_paddr;      /* version >= 1 */
    uint32_t memmap_entries;    /* version >= 1 */
    uint32_t reserved;
};

struct hvm_modlist_entry {
    uint64_t paddr;
    uint64_t size;
    uint64_t cmdline_paddr;
    uint64_t reserved;
};

struct hvm_memmap_table_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
    uint32_t reserved;
};

#define XEN_HVM_MEMMAP_TYPE_RAM      1
#define XEN_HVM_MEMMAP_TYPE_RESERVED 2
#define XEN_HVM_MEMMAP_TYPE_ACPI     3      /* ACPI tables: reclaimable once the OS has read them */

/* ELF notes with owner "Xen". */
#define XEN_ELFNOTE_ENTRY        1
#define XEN_ELFNOTE_HYPERCALL_PAGE 2
#define XEN_ELFNOTE_GUEST_OS     6
#define XEN_ELFNOTE_FEATURES    10
#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define XEN_ELFNOTE_PHYS32_RELOC 19

_Static_assert(sizeof(struct hvm_start_info) == 56, "hvm_start_info is 56 bytes");
_Static_assert(__builtin_offsetof(struct hvm_start_info, memmap_paddr) == 40, "start_info.memmap");
_Static_assert(__builtin_offsetof(struct hvm_start_info, memmap_entries) == 48, "start_info.entries");
_Static_assert(sizeof(struct hvm_modlist_entry) == 32, "modlist entry is 32 bytes");
_Static_assert(sizeof(struct hvm_memmap_table_entry) == 24, "memmap entry is 24 bytes");

#endif /* XEN_PVH_H */
