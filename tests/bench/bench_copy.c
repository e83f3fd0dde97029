// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest copy workload for `make bench`, run under callgrind with N
 * operations and with none (see scripts/bench.sh):
 *   bench_copy linear <count>   copy_from_guest_linear of 4 KiB, page aligned,
 *                               through a 4-level guest walk and an NPT p2m
 *   bench_copy memcpy <count>   plain memcpy of 4 KiB (the reference)
 *   bench_copy linear64k <count>  the same for 64 KiB (16 pages, one walker; the
 *                               bytes move page by page, so memcpy of 4 KiB is
 *                               the per-byte reference here too)
 *   bench_copy phys <count>     copy_from_guest_phys of 4 KiB
 *   bench_copy lookup <count>   p2m_lookup of one 4 KiB gfn (4-level NPT)
 * The setup (machine, tables, one warm-up copy that sets the A bits) is the
 * same for every workload and count, so it cancels out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/gw_builder.h"
#include "hal/hal.h"
#include "hv/guest_copy.h"

#define FRAMES   256U
#define GFN_BASE 64U
#define PAGES    64U

static struct gwb B;
static struct guest_paging gp;
#define BIG      (16U * PAGE_SIZE)

static uint8_t dst[BIG];
static uint8_t src[BIG];
static void *(*volatile plain_memcpy)(void *, const void *, size_t) = memcpy;

static void setup(void)
{
    sim_reset(FRAMES);
    gwb_init(&B, 1, GFN_BASE, PTE_FORMAT_NPT);
    /* What p2m_init does for a domain's p2m: keep the root's mapping. */
    B.p2m.root_map = hal_table_map(B.p2m.root);
    B.p2m.root_map_mfn = B.p2m.root;
    for (gfn_t g = 0; g < 128; g++)
        gwb_map(&B, g, GFN_BASE + g, P2M_ACCESS_RWX);
    /* PML4 gfn 1 -> PDPT gfn 2 -> PD gfn 3 -> PT gfn 4 -> data gfns 16.. */
    gwb_put64(&B, 0x1000, 0x2000 | 7);
    gwb_put64(&B, 0x2000, 0x3000 | 7);
    gwb_put64(&B, 0x3000, 0x4000 | 7);
    for (unsigned n = 0; n < PAGES; n++)
        gwb_put64(&B, 0x4000 + n * 8, ((16ULL + n) << 12) | 7);
    gp = (struct guest_paging){ .cr0 = GW_CR0_PG | GW_CR0_WP | 1, .cr3 = 0x1000, .cr4 = GW_CR4_PAE,
                                .efer = GW_EFER_LMA | GW_EFER_NXE, .cpl = 0, .maxphyaddr = 48 };
    for (unsigned n = 0; n < PAGES; n++)
        if (copy_from_guest_linear(&B.p2m, &gp, dst, (uint64_t)n << 12, PAGE_SIZE) != 0) {
            fprintf(stderr, "bench_copy: setup copy failed\n");
            exit(1);
        }
}

int main(int argc, char **argv)
{
    long count;
    mfn_t mfn;
    unsigned access;

    if (argc != 3) {
        fprintf(stderr, "usage: bench_copy <linear|memcpy|linear64k|phys|lookup> <count>\n");
        return 2;
    }
    count = strtol(argv[2], NULL, 10);
    setup();
    for (long i = 0; i < count; i++) {
        unsigned n = (unsigned)i % PAGES;
        if (strcmp(argv[1], "linear") == 0) {
            if (copy_from_guest_linear(&B.p2m, &gp, dst, (uint64_t)n << 12, PAGE_SIZE) != 0)
                return 1;
        } else if (strcmp(argv[1], "memcpy") == 0) {
            plain_memcpy(dst, src, PAGE_SIZE);
        } else if (strcmp(argv[1], "linear64k") == 0) {
            if (copy_from_guest_linear(&B.p2m, &gp, dst, (uint64_t)(n % (PAGES - 16)) << 12, BIG) != 0)
                return 1;
        } else if (strcmp(argv[1], "phys") == 0) {
            if (copy_from_guest_phys(&B.p2m, dst, (16ULL + n) << 12, PAGE_SIZE) != 0)
                return 1;
        } else if (strcmp(argv[1], "lookup") == 0) {
            if (p2m_lookup(&B.p2m, 16 + n, &mfn, &access) != 0)
                return 1;
        } else {
            return 2;
        }
    }
    return 0;
}
