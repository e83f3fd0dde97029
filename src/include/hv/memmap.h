/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Memory map sanitizer: from the loader's map (struct boot_mmap_entry, see
 * hv/bootinfo.h) and the ranges the hypervisor must not hand out, compute the
 * usable RAM as sorted, disjoint ranges of whole 4 KiB frames.
 *
 * Rules:
 *  1. No map (entries == NULL), an empty map, more than BOOT_MMAP_MAX entries
 *     or more than MEMMAP_MAX_RESERVED reserved ranges: fatal, -XEN_EINVAL.
 *  2. An entry whose end lies beyond 2^64 (addr + len wraps) is inconsistent:
 *     fatal, -XEN_EINVAL, one MEMMAP_DIAG_WRAP per such entry naming it.
 *     A reserved range with end < start: fatal, MEMMAP_DIAG_BAD_RESERVED.
 *  3. A zero-length entry is ignored with a MEMMAP_DIAG_ZERO_LENGTH warning.
 *  4. Any two overlapping entries give a MEMMAP_DIAG_OVERLAP warning naming
 *     both (index < other).  A byte is usable only if some entry of type
 *     BOOT_MEM_USABLE covers it and no entry of another type does: overlaps
 *     are resolved in favour of the non-usable type.  ACPI-reclaimable memory
 *     counts as not usable.
 *  5. Reserved ranges [start, end) are removed from the usable RAM; empty
 *     reserved ranges are allowed and do nothing.
 *  6. Only physical addresses below MEMMAP_ADDR_LIMIT (2^52, the x86_64
 *     architectural maximum) are considered; usable RAM above it is dropped
 *     with a MEMMAP_DIAG_ABOVE_LIMIT warning.
 *  7. After 4 and 5, each maximal usable run is shrunk inwards to page
 *     boundaries; runs with no whole page left vanish.  Adjacent usable
 *     entries merge first, so RAM split mid-page by the loader is not lost.
 *  8. More than MEMMAP_MAX_RANGES resulting ranges: the highest are dropped
 *     with one MEMMAP_DIAG_OUTPUT_FULL warning (not counted in usable_bytes).
 *  9. No usable page left: fatal, MEMMAP_DIAG_NO_USABLE, -XEN_ENOMEM.
 * On any fatal result out->nr_ranges and out->usable_bytes are 0.
 * Diagnostics are structured (kind, index, other); the caller formats them
 * with memmap_diag_text().  At most MEMMAP_MAX_DIAGS are kept, the rest are
 * counted in diags_dropped.
 */
#ifndef HV_MEMMAP_H
#define HV_MEMMAP_H

#include "hv/types.h"
#include "hv/bootinfo.h"

#define MEMMAP_MAX_RANGES   128
#define MEMMAP_MAX_RESERVED 40
#define MEMMAP_MAX_DIAGS    16
#define MEMMAP_ADDR_LIMIT   (1ULL << 52)

enum memmap_diag_kind {
    MEMMAP_DIAG_NONE = 0,
    /* fatal */
    MEMMAP_DIAG_NO_MAP,
    MEMMAP_DIAG_EMPTY_MAP,
    MEMMAP_DIAG_TOO_MANY_ENTRIES,   /* index: the count given */
    MEMMAP_DIAG_TOO_MANY_RESERVED,  /* index: the count given */
    MEMMAP_DIAG_WRAP,               /* index: entry */
    MEMMAP_DIAG_BAD_RESERVED,       /* index: reserved range */
    MEMMAP_DIAG_NO_USABLE,
    /* warnings */
    MEMMAP_DIAG_ZERO_LENGTH,        /* index: entry */
    MEMMAP_DIAG_OVERLAP,            /* index, other: the two entries */
    MEMMAP_DIAG_ABOVE_LIMIT,        /* index: entry */
    MEMMAP_DIAG_OUTPUT_FULL,
};
#define MEMMAP_DIAG_KIND_MAX MEMMAP_DIAG_OUTPUT_FULL

struct memmap_diag {
    enum memmap_diag_kind kind;
    uint32_t index;
    uint32_t other;
};

/* [start, end), both page aligned in results. */
struct memmap_range {
    uint64_t start;
    uint64_t end;
};

struct memmap_result {
    uint32_t nr_ranges;
    struct memmap_range ranges[MEMMAP_MAX_RANGES];
    uint64_t usable_bytes;
    uint32_t nr_diags;
    uint32_t diags_dropped;
    struct memmap_diag diags[MEMMAP_MAX_DIAGS];
};

/*@ requires \valid(out);
    requires \separated(out, entries + (0 .. nr_entries - 1),
                        reserved + (0 .. nr_reserved - 1));
    requires entries == \null || nr_entries > BOOT_MMAP_MAX ||
             \valid_read(entries + (0 .. nr_entries - 1));
    requires reserved == \null || nr_reserved > MEMMAP_MAX_RESERVED ||
             \valid_read(reserved + (0 .. nr_reserved - 1));
    assigns *out;
    ensures \result == 0 || \result == -22 || \result == -12;
    ensures out->nr_diags <= MEMMAP_MAX_DIAGS;
    ensures out->nr_ranges <= MEMMAP_MAX_RANGES;
    ensures \result != 0 ==> out->nr_ranges == 0 && out->usable_bytes == 0;
    ensures \result == 0 ==> out->nr_ranges >= 1;
*/
int memmap_sanitize(const struct boot_mmap_entry *entries, uint32_t nr_entries,
                    const struct memmap_range *reserved, uint32_t nr_reserved,
                    struct memmap_result *out);

/* Human text for a diagnostic kind (never NULL). */
/*@ assigns \result \from kind;
    ensures \result != \null;
*/
const char *memmap_diag_text(enum memmap_diag_kind kind);

/* Whether a diagnostic kind makes memmap_sanitize() fail. */
/*@ assigns \nothing; */
bool memmap_diag_is_fatal(enum memmap_diag_kind kind);

#endif /* HV_MEMMAP_H */
