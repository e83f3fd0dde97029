// SPDX-License-Identifier: GPL-2.0-only
/*
 * Frame allocator workload for `make bench`: run under callgrind twice, with
 * N operations and with none; the difference divided by N is the cost of one
 * operation in instructions, free of start-up noise.
 *   bench_frame <alloc4k|alloc2m|contig> <count>
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/frame.h"
#include "sim.h"

#define MACHINE_FRAMES 65536U    /* 256 MiB */

static void setup(void)
{
    static struct frame_desc *table;
    size_t bytes = frame_table_bytes(MACHINE_FRAMES);

    sim_reset(MACHINE_FRAMES);
    table = malloc(bytes);
    if (table == NULL || frame_init(table, bytes, MACHINE_FRAMES) != 0 ||
        frame_add_free(256, MACHINE_FRAMES - 256) != 0) {
        fprintf(stderr, "bench_frame: setup failed\n");
        exit(1);
    }
}

static void run(unsigned order, bool contig, long count)
{
    for (long i = 0; i < count; i++) {
        mfn_t mfn = contig ? frame_alloc_contig(3, 0, 1) : frame_alloc(order, 1);
        if (mfn == INVALID_MFN) {
            fprintf(stderr, "bench_frame: allocation failed\n");
            exit(1);
        }
        if (contig) {
            for (mfn_t f = 0; f < 3; f++)
                frame_free(mfn + f, 0, 1);
        } else {
            frame_free(mfn, order, 1);
        }
    }
}

int main(int argc, char **argv)
{
    long count;

    if (argc != 3) {
        fprintf(stderr, "usage: bench_frame <alloc4k|alloc2m|contig> <count>\n");
        return 2;
    }
    count = strtol(argv[2], NULL, 10);
    setup();
    if (strcmp(argv[1], "alloc4k") == 0)
        run(0, false, count);
    else if (strcmp(argv[1], "alloc2m") == 0)
        run(9, false, count);
    else if (strcmp(argv[1], "contig") == 0)
        run(0, true, count);
    else
        return 2;
    return 0;
}
