// SPDX-License-Identifier: GPL-2.0-only
/*
 * Memory map sanitizer (rules in hv/memmap.h).  The method is an elementary-
 * interval sweep: every start and end of every entry and reserved range is a
 * boundary point; between two consecutive points coverage cannot change, so
 * testing the left point of each interval decides it.  Quadratic, but both
 * inputs are bounded (BOOT_MMAP_MAX, MEMMAP_MAX_RESERVED) and it runs once.
 */
#include "hv/memmap.h"
#include "xen/errno.h"

#define MEMMAP_MAX_POINTS (2 * (BOOT_MMAP_MAX + MEMMAP_MAX_RESERVED))

/*@ predicate diags_ok(struct memmap_result *out) =
      out->nr_diags <= MEMMAP_MAX_DIAGS;
    predicate result_ok(struct memmap_result *out) =
      diags_ok(out) && out->nr_ranges <= MEMMAP_MAX_RANGES;
*/

/*@ requires \valid(out) && diags_ok(out);
    assigns out->nr_diags, out->diags_dropped, out->diags[0 .. MEMMAP_MAX_DIAGS - 1];
    ensures diags_ok(out);
*/
static void add_diag(struct memmap_result *out, enum memmap_diag_kind kind,
                     uint32_t index, uint32_t other)
{
    struct memmap_diag *d;

    /* At most BOOT_MMAP_MAX^2 + MEMMAP_MAX_RESERVED diagnostics: no overflow. */
    if (out->nr_diags >= MEMMAP_MAX_DIAGS) {
        out->diags_dropped++;
        return;
    }
    d = &out->diags[out->nr_diags++];
    d->kind = kind;
    d->index = index;
    d->other = other;
}

/*@ assigns \nothing;
    ensures \result <= MEMMAP_ADDR_LIMIT;
    ensures v < MEMMAP_ADDR_LIMIT ==> \result == v;
*/
static uint64_t clip(uint64_t v)
{
    return v < MEMMAP_ADDR_LIMIT ? v : MEMMAP_ADDR_LIMIT;
}

/* [*s, *e) of a non-wrapping entry, clipped to MEMMAP_ADDR_LIMIT. */
/*@ requires \valid_read(en) && \valid(s) && \valid(e) && \separated(s, e);
    assigns *s, *e;
    ensures *s <= *e <= MEMMAP_ADDR_LIMIT;
*/
static void entry_bounds(const struct boot_mmap_entry *en, uint64_t *s, uint64_t *e)
{
    *s = clip(en->addr);
    *e = en->len > MEMMAP_ADDR_LIMIT - *s ? MEMMAP_ADDR_LIMIT : *s + en->len;
}

/* Does a non-empty entry end beyond 2^64?  (An end exactly at 2^64 is fine.) */
/*@ requires \valid_read(en) && en->len != 0;
    assigns \nothing;
*/
static bool entry_wraps(const struct boot_mmap_entry *en)
{
    return en->len - 1 > UINT64_MAX - en->addr;
}

/* Rules 1-3: returns false when the input is fatally inconsistent. */
/*@ requires \valid(out) && diags_ok(out);
    requires \valid_read(entries + (0 .. nr - 1));
    requires \valid_read(reserved + (0 .. nr_res - 1));
    requires \separated(out, entries + (0 .. nr - 1), reserved + (0 .. nr_res - 1));
    assigns out->nr_diags, out->diags_dropped, out->diags[0 .. MEMMAP_MAX_DIAGS - 1];
    ensures diags_ok(out);
*/
static bool validate(const struct boot_mmap_entry *entries, uint32_t nr,
                     const struct memmap_range *reserved, uint32_t nr_res,
                     struct memmap_result *out)
{
    bool ok = true;

    /*@ loop invariant 0 <= i <= nr && diags_ok(out);
        loop assigns i, ok, out->nr_diags, out->diags_dropped,
                     out->diags[0 .. MEMMAP_MAX_DIAGS - 1];
        loop variant nr - i;
    */
    for (uint32_t i = 0; i < nr; i++) {
        if (entries[i].len == 0) {
            add_diag(out, MEMMAP_DIAG_ZERO_LENGTH, i, 0);
        } else if (entry_wraps(&entries[i])) {
            add_diag(out, MEMMAP_DIAG_WRAP, i, 0);
            ok = false;
        }
    }
    /*@ loop invariant 0 <= j <= nr_res && diags_ok(out);
        loop assigns j, ok, out->nr_diags, out->diags_dropped,
                     out->diags[0 .. MEMMAP_MAX_DIAGS - 1];
        loop variant nr_res - j;
    */
    for (uint32_t j = 0; j < nr_res; j++) {
        if (reserved[j].end < reserved[j].start) {
            add_diag(out, MEMMAP_DIAG_BAD_RESERVED, j, 0);
            ok = false;
        }
    }
    return ok;
}

/* Rules 4 and 6: warnings only. */
/*@ requires \valid(out) && diags_ok(out);
    requires \valid_read(entries + (0 .. nr - 1));
    requires \separated(out, entries + (0 .. nr - 1));
    assigns out->nr_diags, out->diags_dropped, out->diags[0 .. MEMMAP_MAX_DIAGS - 1];
    ensures diags_ok(out);
*/
static void check_entries(const struct boot_mmap_entry *entries, uint32_t nr,
                          struct memmap_result *out)
{
    /*@ loop invariant 0 <= i <= nr && diags_ok(out);
        loop assigns i, out->nr_diags, out->diags_dropped,
                     out->diags[0 .. MEMMAP_MAX_DIAGS - 1];
        loop variant nr - i;
    */
    for (uint32_t i = 0; i < nr; i++) {
        const struct boot_mmap_entry *a = &entries[i];

        if (a->len == 0)
            continue;
        if (a->type == BOOT_MEM_USABLE &&
            a->len - 1 >= MEMMAP_ADDR_LIMIT - clip(a->addr))
            add_diag(out, MEMMAP_DIAG_ABOVE_LIMIT, i, 0);
        /*@ loop invariant i + 1 <= j <= nr && diags_ok(out);
            loop assigns j, out->nr_diags, out->diags_dropped,
                         out->diags[0 .. MEMMAP_MAX_DIAGS - 1];
            loop variant nr - j;
        */
        for (uint32_t j = i + 1; j < nr; j++) {
            const struct boot_mmap_entry *b = &entries[j];

            /* Inclusive last bytes: no overflow for non-wrapping entries. */
            if (b->len != 0 && a->addr <= b->addr + (b->len - 1) &&
                b->addr <= a->addr + (a->len - 1))
                add_diag(out, MEMMAP_DIAG_OVERLAP, i, j);
        }
    }
}

/* Callers add at most two points per entry and per reserved range. */
/*@ requires n < MEMMAP_MAX_POINTS && \valid(points + n);
    assigns points[n];
    ensures \result == n + 1;
*/
static uint32_t add_point(uint64_t *points, uint32_t n, uint64_t p)
{
    points[n] = p;
    return n + 1;
}

/* All boundary points, sorted, without duplicates. */
/*@ requires nr <= BOOT_MMAP_MAX && nr_res <= MEMMAP_MAX_RESERVED;
    requires \valid_read(entries + (0 .. nr - 1));
    requires \valid_read(reserved + (0 .. nr_res - 1));
    requires \valid(points + (0 .. MEMMAP_MAX_POINTS - 1));
    requires \separated(points + (0 .. MEMMAP_MAX_POINTS - 1),
                        entries + (0 .. nr - 1), reserved + (0 .. nr_res - 1));
    assigns points[0 .. MEMMAP_MAX_POINTS - 1];
    ensures \result <= MEMMAP_MAX_POINTS;
*/
static uint32_t collect_points(uint64_t *points,
                               const struct boot_mmap_entry *entries, uint32_t nr,
                               const struct memmap_range *reserved, uint32_t nr_res)
{
    uint32_t n = 0, u = 0;
    uint64_t s, e;

    /*@ loop invariant 0 <= i <= nr && n <= 2 * i;
        loop assigns i, n, s, e, points[0 .. MEMMAP_MAX_POINTS - 1];
        loop variant nr - i;
    */
    for (uint32_t i = 0; i < nr; i++) {
        entry_bounds(&entries[i], &s, &e);
        if (s < e) {
            n = add_point(points, n, s);
            n = add_point(points, n, e);
        }
    }
    /*@ loop invariant 0 <= j <= nr_res && n <= 2 * nr + 2 * j;
        loop assigns j, n, s, e, points[0 .. MEMMAP_MAX_POINTS - 1];
        loop variant nr_res - j;
    */
    for (uint32_t j = 0; j < nr_res; j++) {
        s = clip(reserved[j].start);
        e = clip(reserved[j].end);
        if (s < e) {
            n = add_point(points, n, s);
            n = add_point(points, n, e);
        }
    }
    /*@ loop invariant 1 <= i && (n == 0 || i <= n);
        loop assigns i, points[0 .. MEMMAP_MAX_POINTS - 1];
        loop variant n - i;
    */
    for (uint32_t i = 1; i < n; i++) {
        uint64_t v = points[i];
        uint32_t k = i;

        /*@ loop invariant 0 <= k <= i;
            loop assigns k, points[0 .. MEMMAP_MAX_POINTS - 1];
            loop variant k;
        */
        for (; k > 0 && points[k - 1] > v; k--)
            points[k] = points[k - 1];
        points[k] = v;
    }
    /*@ loop invariant 0 <= u <= i <= n;
        loop assigns i, u, points[0 .. MEMMAP_MAX_POINTS - 1];
        loop variant n - i;
    */
    for (uint32_t i = 0; i < n; i++)
        if (u == 0 || points[u - 1] != points[i])
            points[u++] = points[i];
    return u;
}

/* Is the byte at p usable RAM that is not reserved? */
/*@ requires \valid_read(entries + (0 .. nr - 1));
    requires \valid_read(reserved + (0 .. nr_res - 1));
    assigns \nothing;
*/
static bool byte_usable(uint64_t p, const struct boot_mmap_entry *entries, uint32_t nr,
                        const struct memmap_range *reserved, uint32_t nr_res)
{
    bool usable = false;
    uint64_t s, e;

    /*@ loop invariant 0 <= i <= nr;
        loop assigns i, usable, s, e;
        loop variant nr - i;
    */
    for (uint32_t i = 0; i < nr; i++) {
        entry_bounds(&entries[i], &s, &e);
        if (s <= p && p < e) {
            if (entries[i].type != BOOT_MEM_USABLE)
                return false;
            usable = true;
        }
    }
    /*@ loop invariant 0 <= j <= nr_res;
        loop assigns j;
        loop variant nr_res - j;
    */
    for (uint32_t j = 0; j < nr_res; j++)
        if (clip(reserved[j].start) <= p && p < clip(reserved[j].end))
            return false;
    return usable;
}

/* Rules 7 and 8: shrink a maximal usable run to whole pages and keep it. */
/*@ requires \valid(out) && \valid(full) && \separated(out, full);
    requires result_ok(out);
    assigns out->nr_ranges, out->ranges[0 .. MEMMAP_MAX_RANGES - 1], out->usable_bytes,
            out->nr_diags, out->diags_dropped, out->diags[0 .. MEMMAP_MAX_DIAGS - 1], *full;
    ensures result_ok(out);
*/
static void emit_run(struct memmap_result *out, uint64_t s, uint64_t e, bool *full)
{
    uint64_t ps = (s + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
    uint64_t pe = e & ~(uint64_t)(PAGE_SIZE - 1);

    if (ps >= pe)
        return;
    if (out->nr_ranges >= MEMMAP_MAX_RANGES) {
        if (!*full)
            add_diag(out, MEMMAP_DIAG_OUTPUT_FULL, out->nr_ranges, 0);
        *full = true;
        return;
    }
    out->ranges[out->nr_ranges].start = ps;
    out->ranges[out->nr_ranges].end = pe;
    out->nr_ranges++;
    out->usable_bytes += pe - ps;
}

/*@ requires nr <= BOOT_MMAP_MAX && nr_res <= MEMMAP_MAX_RESERVED;
    requires \valid(out) && result_ok(out);
    requires \valid_read(entries + (0 .. nr - 1));
    requires \valid_read(reserved + (0 .. nr_res - 1));
    requires \separated(out, entries + (0 .. nr - 1), reserved + (0 .. nr_res - 1));
    assigns out->nr_ranges, out->ranges[0 .. MEMMAP_MAX_RANGES - 1], out->usable_bytes,
            out->nr_diags, out->diags_dropped, out->diags[0 .. MEMMAP_MAX_DIAGS - 1];
    ensures result_ok(out);
*/
static void sweep(const struct boot_mmap_entry *entries, uint32_t nr,
                  const struct memmap_range *reserved, uint32_t nr_res,
                  struct memmap_result *out)
{
    /* 2.6 KiB of the 32 KiB boot stack, once. */
    uint64_t points[MEMMAP_MAX_POINTS];
    uint32_t n = collect_points(points, entries, nr, reserved, nr_res);
    uint64_t run_s = 0, run_e = 0;
    bool in_run = false, full = false;

    /*@ loop invariant 0 <= k && (n == 0 || k < n) && result_ok(out);
        loop assigns k, run_s, run_e, in_run, full, out->nr_ranges,
                     out->ranges[0 .. MEMMAP_MAX_RANGES - 1], out->usable_bytes,
                     out->nr_diags, out->diags_dropped, out->diags[0 .. MEMMAP_MAX_DIAGS - 1];
        loop variant n - k;
    */
    for (uint32_t k = 0; k + 1 < n; k++) {
        if (byte_usable(points[k], entries, nr, reserved, nr_res)) {
            if (!in_run)
                run_s = points[k];
            in_run = true;
            run_e = points[k + 1];
        } else if (in_run) {
            emit_run(out, run_s, run_e, &full);
            in_run = false;
        }
    }
    if (in_run)
        emit_run(out, run_s, run_e, &full);
}

/*@ requires \valid(out);
    assigns out->nr_ranges, out->usable_bytes;
    ensures \result == err && out->nr_ranges == 0 && out->usable_bytes == 0;
*/
static int fail(struct memmap_result *out, int err)
{
    out->nr_ranges = 0;
    out->usable_bytes = 0;
    return err;
}

int memmap_sanitize(const struct boot_mmap_entry *entries, uint32_t nr_entries,
                    const struct memmap_range *reserved, uint32_t nr_reserved,
                    struct memmap_result *out)
{
    /* Only the counts: entries past them are never meaningful. */
    out->nr_ranges = 0;
    out->usable_bytes = 0;
    out->nr_diags = 0;
    out->diags_dropped = 0;
    if (entries == NULL) {
        add_diag(out, MEMMAP_DIAG_NO_MAP, 0, 0);
        return fail(out, -XEN_EINVAL);
    }
    if (nr_entries == 0) {
        add_diag(out, MEMMAP_DIAG_EMPTY_MAP, 0, 0);
        return fail(out, -XEN_EINVAL);
    }
    if (nr_entries > BOOT_MMAP_MAX) {
        add_diag(out, MEMMAP_DIAG_TOO_MANY_ENTRIES, nr_entries, 0);
        return fail(out, -XEN_EINVAL);
    }
    if (nr_reserved > MEMMAP_MAX_RESERVED || (reserved == NULL && nr_reserved != 0)) {
        add_diag(out, MEMMAP_DIAG_TOO_MANY_RESERVED, nr_reserved, 0);
        return fail(out, -XEN_EINVAL);
    }
    if (!validate(entries, nr_entries, reserved, nr_reserved, out))
        return fail(out, -XEN_EINVAL);
    check_entries(entries, nr_entries, out);
    sweep(entries, nr_entries, reserved, nr_reserved, out);
    if (out->nr_ranges == 0) {
        add_diag(out, MEMMAP_DIAG_NO_USABLE, 0, 0);
        return fail(out, -XEN_ENOMEM);
    }
    return 0;
}

const char *memmap_diag_text(enum memmap_diag_kind kind)
{
    switch (kind) {
    case MEMMAP_DIAG_NONE: return "no problem";
    case MEMMAP_DIAG_NO_MAP: return "no memory map from the boot loader";
    case MEMMAP_DIAG_EMPTY_MAP: return "memory map is empty";
    case MEMMAP_DIAG_TOO_MANY_ENTRIES: return "memory map has too many entries";
    case MEMMAP_DIAG_TOO_MANY_RESERVED: return "too many reserved ranges";
    case MEMMAP_DIAG_WRAP: return "memory map entry wraps around 2^64";
    case MEMMAP_DIAG_BAD_RESERVED: return "reserved range ends before it starts";
    case MEMMAP_DIAG_NO_USABLE: return "no usable RAM left";
    case MEMMAP_DIAG_ZERO_LENGTH: return "zero-length memory map entry ignored";
    case MEMMAP_DIAG_OVERLAP: return "memory map entries overlap (non-usable type wins)";
    case MEMMAP_DIAG_ABOVE_LIMIT: return "usable RAM above 2^52 ignored";
    case MEMMAP_DIAG_OUTPUT_FULL: return "too many usable ranges, highest dropped";
    }
    return "unknown diagnostic";
}

bool memmap_diag_is_fatal(enum memmap_diag_kind kind)
{
    return kind >= MEMMAP_DIAG_NO_MAP && kind <= MEMMAP_DIAG_NO_USABLE;
}
