// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the multiboot parser, then the rest of the boot input
 * path (memory map sanitizer, command line) on what it produced.
 *
 * Input layout: byte 0 picks the magic (0: multiboot1, 1: multiboot2,
 * 2: bytes 1..4 as a raw magic, 3: multiboot2 with the info at 8 times the
 * little-endian bytes 1..2, which are then skipped); the rest is copied into
 * simulated machine memory at FUZZ_BASE, where the information structure
 * starts.  Pointers in it may aim anywhere: the machine has FUZZ_FRAMES frames, page 0 is unmapped.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hv/bootinfo.h"
#include "hv/cmdline.h"
#include "hv/memmap.h"
#include "sim.h"

#define FUZZ_FRAMES 32
#define FUZZ_BASE   0x1000ULL

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct boot_info *bi, int rc)
{
    if (bi->nr_mmap > BOOT_MMAP_MAX || bi->nr_modules > BOOT_MODULES_MAX ||
        bi->nr_problems > BOOT_PROBLEMS_MAX)
        abort();
    if (memchr(bi->cmdline, 0, sizeof(bi->cmdline)) == NULL ||
        memchr(bi->loader_name, 0, sizeof(bi->loader_name)) == NULL)
        abort();
    for (uint32_t i = 0; i < bi->nr_modules; i++)
        if (bi->modules[i].end < bi->modules[i].start ||
            memchr(bi->modules[i].cmdline, 0, BOOT_MOD_CMDLINE_MAX) == NULL)
            abort();
    if (rc == 0 && bi->protocol != 1 && bi->protocol != 2)
        abort();
    if (rc != 0 && bi->nr_problems == 0)
        abort();
}

/* What the boot path does next with a parsed boot_info. */
static void downstream(const struct boot_info *bi)
{
    static struct memmap_result mm;
    static struct hv_options opts;
    struct memmap_range res[BOOT_MODULES_MAX + 1];
    uint32_t nr = 0;
    size_t off;

    res[nr++] = (struct memmap_range){ 0, 0x100000 };
    for (uint32_t i = 0; i < bi->nr_modules; i++)
        res[nr++] = (struct memmap_range){ bi->modules[i].start, bi->modules[i].end };
    if (memmap_sanitize(bi->has_mmap ? bi->mmap : NULL, bi->nr_mmap, res, nr, &mm) == 0 &&
        (mm.nr_ranges == 0 || mm.usable_bytes == 0))
        abort();
    off = cmdline_skip_image_name(bi->cmdline, sizeof(bi->cmdline), bi->loader_name,
                                  sizeof(bi->loader_name));
    cmdline_parse(bi->cmdline + off, sizeof(bi->cmdline) - off, &opts);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool ready;
    static struct boot_info bi;
    uint64_t limit = (uint64_t)FUZZ_FRAMES * PAGE_SIZE, info = FUZZ_BASE;
    uint32_t magic;
    size_t skip = 1;
    int rc;

    if (!ready) {
        sim_reset(FUZZ_FRAMES);
        ready = true;
    }
    for (mfn_t f = 0; f < FUZZ_FRAMES; f++)
        memset(sim_frame(f), 0, PAGE_SIZE);
    if (size < 1)
        return 0;
    switch (data[0] & 3) {
    case 0: magic = MULTIBOOT1_BOOTLOADER_MAGIC; break;
    case 1: magic = MULTIBOOT2_BOOTLOADER_MAGIC; break;
    case 2:
        magic = size >= 5 ? (uint32_t)data[1] | (uint32_t)data[2] << 8 |
                            (uint32_t)data[3] << 16 | (uint32_t)data[4] << 24 : 0;
        break;
    default:
        magic = MULTIBOOT2_BOOTLOADER_MAGIC;
        info = size >= 3 ? ((uint64_t)data[1] | (uint64_t)data[2] << 8) * 8 : 0;
        skip = size >= 3 ? 3 : 1;
        break;
    }
    data += skip;
    size -= skip;
    if (size > limit - FUZZ_BASE)
        size = (size_t)(limit - FUZZ_BASE);
    if (!sim_write_phys(FUZZ_BASE, data, size))
        abort();
    rc = multiboot_parse(magic, info, &bi);
    check(&bi, rc);
    if (rc == 0)
        downstream(&bi);
    return 0;
}
