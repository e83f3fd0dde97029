/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the boot loader told us, normalized: multiboot1 and multiboot2 both end
 * up in one bounded struct boot_info.  The parser reads loader memory only
 * through hal_phys_view() with an explicit length, validates every size and
 * count it finds, and records what was wrong as problems instead of trusting
 * it.  Nothing in struct boot_info points into loader memory.
 */
#ifndef HV_BOOTINFO_H
#define HV_BOOTINFO_H

#include "hv/types.h"

#define MULTIBOOT1_BOOTLOADER_MAGIC 0x2BADB002U
#define MULTIBOOT2_BOOTLOADER_MAGIC 0x36D76289U

#define BOOT_CMDLINE_MAX      1024  /* bytes, NUL included */
#define BOOT_LOADER_NAME_MAX  64
#define BOOT_MOD_CMDLINE_MAX  256
#define BOOT_MMAP_MAX         128
#define BOOT_MODULES_MAX      16
#define BOOT_PROBLEMS_MAX     16
/* Largest multiboot2 information structure / multiboot1 mmap we accept. */
#define BOOT_INFO_MAX_BYTES   (64U * 1024U)

/* Memory types of the multiboot maps (the e820 numbering). */
#define BOOT_MEM_USABLE       1U
#define BOOT_MEM_RESERVED     2U
#define BOOT_MEM_ACPI_RECLAIM 3U
#define BOOT_MEM_ACPI_NVS     4U
#define BOOT_MEM_BAD          5U

struct boot_mmap_entry {
    uint64_t addr;
    uint64_t len;
    uint32_t type;   /* as given by the loader, BOOT_MEM_* or other */
};

struct boot_module {
    uint64_t start;  /* physical, [start, end) */
    uint64_t end;
    char cmdline[BOOT_MOD_CMDLINE_MAX];  /* NUL-terminated */
    bool cmdline_truncated;
};

enum boot_problem_kind {
    BOOT_PROBLEM_NONE = 0,
    BOOT_PROBLEM_BAD_MAGIC,           /* value: the magic */
    BOOT_PROBLEM_INFO_UNREADABLE,     /* value: the info address */
    BOOT_PROBLEM_INFO_MISALIGNED,     /* mb2 info not 8-byte aligned */
    BOOT_PROBLEM_BAD_TOTAL_SIZE,      /* mb2 total_size < 16 or > 64 KiB */
    BOOT_PROBLEM_BAD_TAG_SIZE,        /* tag smaller than its header/payload */
    BOOT_PROBLEM_TRUNCATED_TAG,       /* tag runs past total_size */
    BOOT_PROBLEM_NO_END_TAG,
    BOOT_PROBLEM_DUPLICATE_TAG,       /* second copy ignored; value: tag type */
    BOOT_PROBLEM_NO_MEMORY_MAP,
    BOOT_PROBLEM_EMPTY_MEMORY_MAP,
    BOOT_PROBLEM_MMAP_UNREADABLE,     /* value: the mmap address */
    BOOT_PROBLEM_MMAP_TOO_LARGE,      /* value: the length */
    BOOT_PROBLEM_BAD_MMAP_ENTRY_SIZE, /* value: the size */
    BOOT_PROBLEM_MMAP_ENTRY_VERSION,  /* mb2 entry_version != 0 (parsed anyway) */
    BOOT_PROBLEM_MMAP_TRAILING_BYTES, /* mmap length not a whole number of entries */
    BOOT_PROBLEM_MMAP_OVERFLOW,       /* more than BOOT_MMAP_MAX entries */
    BOOT_PROBLEM_MODULES_UNREADABLE,  /* value: mods_addr */
    BOOT_PROBLEM_TOO_MANY_MODULES,    /* value: the count given */
    BOOT_PROBLEM_MODULE_END_BEFORE_START, /* index: module; module dropped */
    BOOT_PROBLEM_STRING_UNREADABLE,   /* a string pointer leads nowhere; value: address */
    BOOT_PROBLEM_STRING_UNTERMINATED, /* mb2 string without NUL inside its tag */
    BOOT_PROBLEM_STRING_TRUNCATED,    /* longer than our copy; value: tag/field */
    BOOT_PROBLEM_BAD_RSDP,            /* RSDP copy with a bad signature or checksum */
};
#define BOOT_PROBLEM_KIND_MAX BOOT_PROBLEM_BAD_RSDP

struct boot_problem {
    enum boot_problem_kind kind;
    uint32_t index;  /* mb2 tag index, mmap entry or module index; else 0 */
    uint64_t value;  /* the offending value, see the kind */
};

struct boot_info {
    uint32_t protocol;   /* 1 or 2; 0 when the magic was not recognized */
    uint64_t info_paddr;

    bool has_cmdline;
    bool cmdline_truncated;
    char cmdline[BOOT_CMDLINE_MAX];           /* always NUL-terminated */

    bool has_loader_name;
    bool loader_name_truncated;
    char loader_name[BOOT_LOADER_NAME_MAX];   /* always NUL-terminated */

    bool has_mem_basic;                       /* mb1 flag 0 / mb2 tag 4 */
    uint32_t mem_lower_kib;
    uint32_t mem_upper_kib;

    bool has_mmap;
    bool mmap_overflow;                       /* entries beyond BOOT_MMAP_MAX dropped */
    uint32_t nr_mmap;
    struct boot_mmap_entry mmap[BOOT_MMAP_MAX];

    bool modules_overflow;
    uint32_t nr_modules;
    struct boot_module modules[BOOT_MODULES_MAX];

    /* mb2 tags 14/15 hold a copy of the RSDP; this is where that copy is. */
    bool has_rsdp;
    uint32_t rsdp_revision;                   /* 1 (tag 14) or 2 (tag 15) */
    uint64_t rsdp_paddr;

    uint32_t nr_problems;
    uint32_t problems_dropped;
    struct boot_problem problems[BOOT_PROBLEMS_MAX];
};

/*@ predicate boot_info_ok(struct boot_info *bi) =
      bi->nr_mmap <= BOOT_MMAP_MAX && bi->nr_modules <= BOOT_MODULES_MAX &&
      bi->nr_problems <= BOOT_PROBLEMS_MAX &&
      bi->cmdline[BOOT_CMDLINE_MAX - 1] == 0 &&
      bi->loader_name[BOOT_LOADER_NAME_MAX - 1] == 0;
*/

/*
 * Parse the multiboot information the loader left at info_paddr, given the
 * magic it left in eax.  *out is always fully initialized.
 *   0            parsed; out->problems may still list anything odd (including
 *                "no memory map", which the memory map sanitizer treats as fatal)
 *   -XEN_EINVAL  unknown magic, or an mb2 header that is misaligned or has an
 *                impossible total_size
 *   -XEN_EFAULT  the information structure itself is not readable
 */
/*@ requires \valid(out);
    assigns *out;
    ensures boot_info_ok(out);
    ensures \result == 0 || \result == -22 || \result == -14;
    ensures \result == 0 ==> out->protocol == 1 || out->protocol == 2;
*/
int multiboot_parse(uint32_t magic, uint64_t info_paddr, struct boot_info *out);

/* Human text for a problem kind (never NULL). */
/*@ assigns \result \from kind;
    ensures \result != \null;
*/
const char *boot_problem_text(enum boot_problem_kind kind);

#endif /* HV_BOOTINFO_H */
