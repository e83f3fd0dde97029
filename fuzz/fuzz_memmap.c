// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the memory map sanitizer.  Input: byte 0 = number of
 * entries (mod BOOT_MMAP_MAX + 2, so "too many" is reachable), byte 1 =
 * number of reserved ranges (mod MEMMAP_MAX_RESERVED + 2), byte 2 = address
 * scale shift (small shifts make overlaps likely); then entries of 17 bytes
 * (addr 8, len 8, type 1) and reserved ranges of 16 bytes (start 8, end 8);
 * missing bytes read as zero.  The result is checked against the rules: sorted,
 * disjoint, page aligned, and no usable byte inside a non-usable entry or a
 * reserved range.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hv/memmap.h"
#include "xen/errno.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t *cur, *end;

static uint64_t take(unsigned int n)
{
    uint64_t v = 0;
    for (unsigned int i = 0; i < n; i++)
        v |= (uint64_t)(cur < end ? *cur++ : 0) << (8 * i);
    return v;
}

static bool intersects(uint64_t s1, uint64_t e1, uint64_t s2, uint64_t e2)
{
    return s2 < e2 && s1 < e2 && s2 < e1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct boot_mmap_entry e[BOOT_MMAP_MAX + 1];
    static struct memmap_range r[MEMMAP_MAX_RESERVED + 1];
    static struct memmap_result out;
    uint32_t ne, nr;
    unsigned int shift;
    int rc;

    cur = data;
    end = data + size;
    ne = (uint32_t)(take(1) % (BOOT_MMAP_MAX + 2));
    nr = (uint32_t)(take(1) % (MEMMAP_MAX_RESERVED + 2));
    shift = (unsigned int)(take(1) % 64);
    for (uint32_t i = 0; i < ne && i <= BOOT_MMAP_MAX; i++) {
        uint64_t a = take(8), l = take(8);
        e[i].addr = shift ? a << shift : a;
        e[i].len = shift ? l << shift : l;
        e[i].type = (uint32_t)(take(1) % 6);
    }
    for (uint32_t j = 0; j < nr && j <= MEMMAP_MAX_RESERVED; j++) {
        uint64_t s = take(8), t = take(8);
        r[j].start = shift ? s << shift : s;
        r[j].end = shift ? t << shift : t;
    }
    rc = memmap_sanitize(ne ? e : NULL, ne, r, nr, &out);
    if (rc != 0 && rc != -XEN_EINVAL && rc != -XEN_ENOMEM)
        abort();
    if (out.nr_diags > MEMMAP_MAX_DIAGS || out.nr_ranges > MEMMAP_MAX_RANGES)
        abort();
    if (rc != 0) {
        if (out.nr_ranges != 0 || out.usable_bytes != 0 || out.nr_diags == 0)
            abort();
        return 0;
    }
    uint64_t sum = 0;
    for (uint32_t k = 0; k < out.nr_ranges; k++) {
        const struct memmap_range *g = &out.ranges[k];
        if ((g->start | g->end) & (PAGE_SIZE - 1) || g->start >= g->end ||
            g->end > MEMMAP_ADDR_LIMIT || (k && out.ranges[k - 1].end >= g->start))
            abort();
        sum += g->end - g->start;
        for (uint32_t i = 0; i < ne; i++) {
            uint64_t s = e[i].addr, l = e[i].len;
            uint64_t t = l > MEMMAP_ADDR_LIMIT - (s < MEMMAP_ADDR_LIMIT ? s : MEMMAP_ADDR_LIMIT)
                             ? MEMMAP_ADDR_LIMIT : s + l;
            if (e[i].type != BOOT_MEM_USABLE && l != 0 && intersects(g->start, g->end, s, t))
                abort();
        }
        for (uint32_t j = 0; j < nr; j++)
            if (intersects(g->start, g->end, r[j].start, r[j].end))
                abort();
    }
    if (sum != out.usable_bytes)
        abort();
    return 0;
}
