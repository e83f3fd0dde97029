// SPDX-License-Identifier: GPL-2.0-only
/*
 * p2m workload for the benchmark, run under callgrind with N operations and
 * with none; (difference) / N is the cost of one operation in instructions:
 *   bench_p2m lookup <count>      p2m_lookup of a 4 KiB gfn (4-level NPT)
 *   bench_p2m lookup2m <count>    p2m_lookup inside a 2 MiB leaf
 *   bench_p2m cursor <count>      p2m_cursor_lookup of a 4 KiB gfn through one
 *                                 cursor (what a guest walk does per level)
 *   bench_p2m mapunmap <count>    p2m_map + p2m_unmap of one 4 KiB page
 *                                 (tables already present)
 * The setup (machine, allocator, one domain with 64 mapped pages and one
 * 2 MiB leaf) is the same for every workload and count, so it cancels out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/domain.h"
#include "sim.h"

#define FRAMES 4096U
#define PAGES  64U

static struct frame_desc table[FRAMES];
static mfn_t spare;

static void setup(void)
{
    sim_reset(FRAMES);
    domain_table_reset();
    if (frame_init(table, sizeof(table), FRAMES) != 0 || frame_add_free(16, FRAMES - 16) != 0 ||
        domain_create(1, FRAMES, PTE_FORMAT_NPT) != 0 ||
        domain_populate(1, 0, PAGES, 0) != 0 || domain_populate(1, 512, 1, 9) != 0 ||
        domain_alloc_ram(1, 0, &spare) != 0) {
        fprintf(stderr, "bench_p2m: setup failed\n");
        exit(1);
    }
}

int main(int argc, char **argv)
{
    struct p2m *p;
    long count;
    mfn_t mfn;
    unsigned access;

    if (argc != 3) {
        fprintf(stderr, "usage: bench_p2m <lookup|lookup2m|cursor|mapunmap> <count>\n");
        return 2;
    }
    count = strtol(argv[2], NULL, 10);
    setup();
    p = &domain_find(1)->p2m;
    /* The workload is chosen once, outside the measured loop. */
    if (strcmp(argv[1], "lookup") == 0) {
        for (long i = 0; i < count; i++)
            if (p2m_lookup(p, (gfn_t)i % PAGES, &mfn, &access) != 0)
                return 1;
    } else if (strcmp(argv[1], "lookup2m") == 0) {
        for (long i = 0; i < count; i++)
            if (p2m_lookup(p, 512 + (gfn_t)i % PAGES, &mfn, &access) != 0)
                return 1;
    } else if (strcmp(argv[1], "cursor") == 0) {
        struct p2m_cursor c;

        p2m_cursor_init(&c, p);
        for (long i = 0; i < count; i++)
            if (p2m_cursor_lookup(&c, (gfn_t)i % PAGES, &mfn, &access) != 0)
                return 1;
    } else if (strcmp(argv[1], "mapunmap") == 0) {
        for (long i = 0; i < count; i++)
            if (p2m_map(p, PAGES + (gfn_t)i % PAGES, spare, 0, P2M_ACCESS_RWX) != 0 ||
                p2m_unmap(p, PAGES + (gfn_t)i % PAGES, 0) != 0)
                return 1;
    } else {
        return 2;
    }
    return 0;
}
