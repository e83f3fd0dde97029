// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the PVH kernel parser and the domain builder.
 *
 * Every input is parsed as a kernel (libFuzzer's buffer has exactly the
 * input's size, so ASan catches any read past it).  The result must be
 * self-consistent: a NUL-terminated message of the recorded length, code
 * OK exactly on success, and on success the promises of elf_pvh_image_ok
 * (segments inside the file and below 4 GiB, filesz <= memsz, no overlap,
 * start/end bounding them, the entry inside some segment's file bytes).
 *
 * Inputs that parse are then built into a small domain (the last input byte
 * picks the guest memory size, a slice of the input is the initrd); on
 * success the segments, zeroed tails, start_info and initrd are read back
 * and compared, and the whole-system checker must pass; the domain is then
 * destroyed and every frame must be back in the allocator.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/guest_copy.h"
#include "hv/pvh_build.h"
#include "xen/errno.h"
#include "sim.h"

#define FZ_FRAMES 2048U           /* 8 MiB of machine memory */
#define FZ_FIRST  16U
#define FZ_ID     1U

static struct frame_desc fz_table[FZ_FRAMES];
static uint32_t fz_scratch[FZ_FRAMES];
static uint8_t fz_got[GUEST_COPY_MAX];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fz_fail(const char *what, unsigned long long a, unsigned long long b)
{
    fprintf(stderr, "fuzz_elf_pvh: %s (%#llx, %#llx)\n", what, a, b);
    abort();
}

static void fz_check_error(int rc, const struct elf_pvh_error *err)
{
    if (err->len >= ELF_PVH_MSG_MAX || strlen(err->msg) != err->len)
        fz_fail("message not terminated at its length", err->len, 0);
    if ((rc == 0) != (err->code == ELF_PVH_OK) || (rc != 0 && err->len == 0))
        fz_fail("result and error code disagree", (unsigned long long)(long long)rc, err->code);
    if ((unsigned)err->code > ELF_PVH_CODE_MAX)
        fz_fail("unknown error code", err->code, 0);
}

/* What elf_pvh_image_ok promises, checked at run time. */
static void fz_check_image(const struct elf_pvh_image *im, size_t size)
{
    bool entry_ok = false;

    if (im->nr_loads == 0 || im->nr_loads > ELF_PVH_MAX_LOADS || im->start >= im->end ||
        im->end > ELF_PVH_ADDR_LIMIT)
        fz_fail("image bounds", im->start, im->end);
    for (uint32_t i = 0; i < im->nr_loads; i++) {
        const struct elf_pvh_segment *s = &im->loads[i];

        if (s->memsz == 0 || s->filesz > s->memsz || s->offset > size || s->filesz > size - s->offset ||
            s->paddr < im->start || s->paddr + s->memsz > im->end)
            fz_fail("segment", s->paddr, s->memsz);
        for (uint32_t j = 0; j < i; j++)
            if (s->paddr < im->loads[j].paddr + im->loads[j].memsz &&
                im->loads[j].paddr < s->paddr + s->memsz)
                fz_fail("overlapping segments", i, j);
        entry_ok |= im->entry >= s->paddr && im->entry - s->paddr < s->filesz;
    }
    if (!entry_ok)
        fz_fail("entry outside the segments", im->entry, 0);
}

/* Guest RAM [gpa, gpa + len) holds `want` (zeroes when want is NULL). */
static bool fz_guest_is(const struct domain *d, uint64_t gpa, const uint8_t *want, uint64_t len)
{
    for (uint64_t done = 0; done < len;) {
        size_t n = len - done < GUEST_COPY_MAX ? (size_t)(len - done) : GUEST_COPY_MAX;

        if (copy_from_guest_phys(&d->p2m, fz_got, gpa + done, n) != 0)
            fz_fail("guest RAM unreadable", gpa + done, n);
        for (size_t k = 0; k < n; k++)
            if (fz_got[k] != (want != NULL ? want[done + k] : 0U))
                return false;
        done += n;
    }
    return true;
}

static void fz_check_guest(const struct domain *d, const struct elf_pvh_image *im, const uint8_t *data,
                           const struct pvh_build_params *p, const struct pvh_build_result *r)
{
    struct hvm_start_info si;

    for (uint32_t i = 0; i < im->nr_loads; i++) {
        const struct elf_pvh_segment *s = &im->loads[i];

        if (!fz_guest_is(d, s->paddr, data + s->offset, s->filesz))
            fz_fail("segment bytes differ", s->paddr, s->filesz);
        if (!fz_guest_is(d, s->paddr + s->filesz, NULL, s->memsz - s->filesz))
            fz_fail("segment tail not zeroed", s->paddr, s->memsz);
    }
    if (copy_from_guest_phys(&d->p2m, &si, r->start_info_gpa, sizeof(si)) != 0 ||
        si.magic != XEN_HVM_START_MAGIC || si.version != 1 || si.memmap_entries != d->guest.nr_memmap ||
        si.flags != p->start_flags || r->start_info_gpa < im->end || r->entry != im->entry)
        fz_fail("start_info", r->start_info_gpa, si.magic);
    if (p->initrd_len != 0 && (r->initrd_gpa < r->info_end ||
                               !fz_guest_is(d, r->initrd_gpa, p->initrd, p->initrd_len)))
        fz_fail("initrd", r->initrd_gpa, p->initrd_len);
    if (d->tot_pages != p->mem_bytes / PAGE_SIZE)
        fz_fail("guest RAM size", d->tot_pages, p->mem_bytes);
}

static void fz_build(const uint8_t *data, size_t size, const struct elf_pvh_image *im)
{
    static const uint64_t mems[4] = { 1U << 20, 2U << 20, (4U << 20) + 4096U, 6U << 20 };
    static const char *const lines[4] = { NULL, "", "console=hvc0 earlyprintk=xen", "x" };
    uint8_t pick = data[size - 1];
    struct pvh_build_params p = {
        .kernel = data, .kernel_len = size, .cmdline = lines[pick & 3U],
        .initrd = data, .initrd_len = (pick & 4U) ? size / 2U : 0,
        .initrd_cmdline = (pick & 8U) ? "rdinit=/init" : NULL,
        .mem_bytes = mems[(pick >> 4) & 3U], .start_flags = (pick >> 6) & 3U,
    };
    struct pvh_build_result r;
    struct elf_pvh_error err;
    mfn_t free0;
    int rc;

    sim_reset(FZ_FRAMES);
    if (frame_init(fz_table, sizeof(fz_table), FZ_FRAMES) != 0 ||
        frame_add_free(FZ_FIRST, FZ_FRAMES - FZ_FIRST) != 0)
        fz_fail("setup", 0, 0);
    domain_table_reset();
    free0 = frame_free_count();
    if (domain_create(FZ_ID, p.mem_bytes / PAGE_SIZE, (pick & 1U) ? PTE_FORMAT_EPT : PTE_FORMAT_NPT) != 0)
        fz_fail("domain_create", 0, 0);
    rc = pvh_build(domain_find(FZ_ID), &p, &r, &err);
    fz_check_error(rc, &err);
    if (rc != 0 && rc != -XEN_EINVAL && rc != -XEN_ENOMEM)
        fz_fail("unexpected build error", (unsigned long long)(long long)rc, err.code);
    if (rc == -XEN_EINVAL && domain_find(FZ_ID)->tot_pages != 0)
        fz_fail("refused build used memory", domain_find(FZ_ID)->tot_pages, err.code);
    if (rc == 0)
        fz_check_guest(domain_find(FZ_ID), im, data, &p, &r);
    if (!domain_check_invariants(fz_scratch, FZ_FRAMES))
        fz_fail("invariants broken after build", (unsigned long long)(long long)rc, err.code);
    if (domain_destroy(FZ_ID) != 0 || !domain_check_invariants(fz_scratch, FZ_FRAMES) ||
        frame_free_count() != free0)
        fz_fail("destroy leaked", frame_free_count(), free0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct elf_pvh_image im;
    struct elf_pvh_error err;
    int rc = elf_pvh_parse(size ? data : NULL, size, &im, &err);

    fz_check_error(rc, &err);
    if (rc != 0) {
        if (rc != -XEN_EINVAL || err.code > ELF_PVH_ERR_ENTRY_OUTSIDE)
            fz_fail("parse error outside the parser's codes", (unsigned long long)(long long)rc, err.code);
        return 0;
    }
    fz_check_image(&im, size);
    fz_build(data, size, &im);
    return 0;
}
