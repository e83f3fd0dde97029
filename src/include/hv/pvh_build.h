/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The PVH domain builder: give an existing, empty domain its RAM, load a
 * PVH kernel (hv/elf_pvh.h) into it, and lay out what the guest finds at
 * its entry point: hvm_start_info (version 1), the command line, the module
 * list (the initrd as module 0), the memory map and the ACPI tables
 * (hv/acpi_build.h).  docs/PVH-BUILD.md has the picture.
 *
 * Guest-physical layout (all page aligned, all in RAM):
 *   RAM      [0, min(mem, 3 GiB)), and when mem > 3 GiB also
 *            [4 GiB, 4 GiB + mem - 3 GiB): the MMIO hole [3 GiB, 4 GiB)
 *            (IOAPIC 0xFEC00000, LAPIC 0xFEE00000, ...) is never RAM;
 *   ACPI     the last page of the low RAM range, marked ACPI (type 3) in
 *            the memory map so that the guest never allocates it: RSDP
 *            first (start_info.rsdp_paddr), then XSDT, FADT, DSDT, MADT;
 *   kernel   every PT_LOAD at its p_paddr, inside the low RAM range;
 *   info     the first page after the highest segment end: start_info at
 *            +0, the module list at +PVH_INFO_MODLIST_OFF, the memory map at
 *            +PVH_INFO_MEMMAP_OFF, the command line at +PVH_INFO_CMDLINE_OFF
 *            and the initrd's command line right after it (NULs included);
 *   initrd   the first page after the info block.
 * The same memory map goes into d->guest.memmap (what XENMEM_memory_map
 * returns).  There is no legacy hole at 0xA0000-0xFFFFF: a PVH guest has no
 * VGA or BIOS there, so that memory is plain RAM as for Xen's PVH domUs.
 *
 * Check, then act: every parameter, the image and the whole layout are
 * validated before the first frame is populated.  A failure after that
 * (out of memory) leaves a half-built domain that the caller destroys.
 */
#ifndef HV_PVH_BUILD_H
#define HV_PVH_BUILD_H

#include "hv/acpi_build.h"
#include "hv/domain.h"
#include "hv/elf_pvh.h"
#include "hv/guest_copy.h"
#include "xen/pvh.h"

#define PVH_LOW_RAM_END     0xC0000000ULL      /* 3 GiB: the MMIO hole starts here */
#define PVH_HIGH_RAM_START  0x100000000ULL     /* 4 GiB: RAM beyond 3 GiB continues here */
#define PVH_MEM_MAX         (1ULL << 40)       /* 1 TiB: anything larger is a mistake */
#define PVH_MEMMAP_MAX      3U                 /* entries the layout can produce */
#define PVH_ACPI_SIZE       PAGE_SIZE          /* the ACPI tables' page, at the top of low RAM */
#define PVH_ACPI_VCPUS      DOMAIN_MAX_VCPUS   /* vCPUs the MADT lists: all a domain gets */
#define PVH_CMDLINE_MAX     2048U              /* bytes of a command line, NUL included */

#define PVH_INFO_MODLIST_OFF 64U
#define PVH_INFO_MEMMAP_OFF  (PVH_INFO_MODLIST_OFF + 32U)
#define PVH_INFO_CMDLINE_OFF (PVH_INFO_MEMMAP_OFF + 24U * PVH_MEMMAP_MAX)

_Static_assert(PVH_MEMMAP_MAX <= DOMAIN_MEMMAP_MAX, "the domain holds the guest's memory map");
_Static_assert(ACPI_BUILD_SIZE(PVH_ACPI_VCPUS) <= PVH_ACPI_SIZE, "the ACPI tables fit their page");
_Static_assert(PVH_ACPI_VCPUS >= 1 && PVH_ACPI_VCPUS <= ACPI_BUILD_MAX_VCPUS, "MADT vCPU count");

struct pvh_build_params {
    const uint8_t *kernel;         /* the ELF image */
    size_t kernel_len;
    const char *cmdline;           /* NUL-terminated; NULL: none (cmdline_paddr 0) */
    const uint8_t *initrd;         /* NULL or initrd_len 0: no module */
    size_t initrd_len;
    const char *initrd_cmdline;    /* NUL-terminated; NULL: none; ignored without an initrd */
    uint64_t mem_bytes;            /* guest RAM, page aligned, at most PVH_MEM_MAX */
    uint32_t start_flags;          /* SIF_PRIVILEGED | SIF_INITDOMAIN, or 0 */
};

struct pvh_build_result {
    uint32_t entry;                /* XEN_ELFNOTE_PHYS32_ENTRY: start eip */
    uint64_t start_info_gpa;       /* start ebx */
    uint64_t kernel_start;         /* lowest segment address */
    uint64_t kernel_end;           /* highest segment end */
    uint64_t modlist_gpa;          /* 0 without an initrd */
    uint64_t memmap_gpa;
    uint32_t nr_memmap;
    uint64_t cmdline_gpa;          /* 0 without a command line */
    uint64_t initrd_cmdline_gpa;   /* 0 without one */
    uint64_t info_end;             /* first byte after the info block */
    uint64_t initrd_gpa;           /* 0 without an initrd */
    uint64_t initrd_size;
    uint64_t acpi_gpa;             /* the ACPI page (memory map entry 1) */
    uint64_t rsdp_gpa;             /* start_info.rsdp_paddr */
};

/*@ predicate pvh_cstr_ok(char *s) =
      \exists integer n; 0 <= n && \valid_read(s + (0 .. n)) && s[n] == 0;
*/

/*
 * The guest's memory map for mem_bytes of RAM (see the layout above): RAM
 * below the ACPI page, the ACPI page (the last page of low RAM), and RAM
 * above 4 GiB when mem_bytes > 3 GiB.  Writes 2 or 3 entries to map[] and
 * returns how many.
 */
/*@ requires \valid(map + (0 .. PVH_MEMMAP_MAX - 1));
    requires PVH_ACPI_SIZE < mem_bytes <= PVH_MEM_MAX && mem_bytes % PAGE_SIZE == 0;
    assigns map[0 .. PVH_MEMMAP_MAX - 1];
    ensures \result == 2 || \result == 3;
    ensures \result == 2 <==> mem_bytes <= PVH_LOW_RAM_END;
    ensures map[0].addr == 0 && 0 < map[0].size <= PVH_LOW_RAM_END - PVH_ACPI_SIZE;
    ensures map[0].size % PAGE_SIZE == 0;
    ensures map[1].addr == map[0].size && map[1].size == PVH_ACPI_SIZE;
    ensures map[1].type == XEN_HVM_MEMMAP_TYPE_ACPI; */
uint32_t pvh_memmap_layout(uint64_t mem_bytes, struct hvm_memmap_table_entry *map);

/*
 * Build domain d from p (see the top of this file).  0 with *r filled in and
 * d->guest.memmap/nr_memmap/start_flags set, or an error with err->code and
 * err->msg saying why:
 *   -XEN_EINVAL  parameters (mem_bytes must exceed the ACPI page), the ELF image (ELF_PVH_ERR_*), or a layout that
 *                does not fit (PVH_BUILD_ERR_SEG_OUTSIDE_RAM, _NO_ROOM_*)
 *   -XEN_ENOMEM  guest memory above max_pages, or populating it failed
 *   -XEN_EFAULT  a copy into guest RAM failed (PVH_BUILD_ERR_COPY)
 * The caller destroys the domain after an error.
 */
/*@ requires dom_state_ok;
    requires \valid(d) && \valid_read(p) && \valid(r) && \valid(err);
    requires \exists integer i; dom_slot_ok(i) && d == &domain_table[i];
    requires p->kernel_len == 0 || \valid_read(p->kernel + (0 .. p->kernel_len - 1));
    requires p->initrd_len == 0 || \valid_read(p->initrd + (0 .. p->initrd_len - 1));
    requires p->cmdline == \null || pvh_cstr_ok(p->cmdline);
    requires p->initrd_cmdline == \null || pvh_cstr_ok(p->initrd_cmdline);
    requires gw_not_mem_bytes((char *)p->kernel, p->kernel_len);
    requires gw_not_mem_bytes((char *)p->initrd, p->initrd_len);
    requires \separated(r, err, p, &domain_table[0 .. DOMAIN_MAX - 1]);
    requires \separated(r, err, frame_heap.table + (0 .. frame_heap.nr - 1),
                        frame_free_head + (0 .. FRAME_MAX_ORDER), &frame_heap);
    requires \separated(err, p->kernel + (0 .. p->kernel_len - 1));
    assigns *r, *err, domain_table[0 .. DOMAIN_MAX - 1], frame_nr_free,
            frame_free_head[0 .. FRAME_MAX_ORDER], frame_heap.table[0 .. frame_heap.nr - 1],
            hal_frame_zero_model[0 .. frame_heap.nr - 1], hal_mem_bytes[0 .. HAL_MEM_BYTES - 1],
            hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures elf_pvh_err_ok(err);
    ensures \result == 0 <==> err->code == ELF_PVH_OK;
    ensures \result == 0 || \result == -XEN_EINVAL || \result == -XEN_ENOMEM ||
            \result == -XEN_EFAULT; */
int pvh_build(struct domain *d, const struct pvh_build_params *p, struct pvh_build_result *r,
              struct elf_pvh_error *err);

#endif /* HV_PVH_BUILD_H */
