// SPDX-License-Identifier: GPL-2.0-only
/*
 * PVH domain builder (layout and rules in hv/pvh_build.h and
 * docs/PVH-BUILD.md).  pvh_build first computes a complete plan (image
 * parsed, command lines measured, memory map, where every piece goes) and
 * checks it against the guest's RAM; only then does it populate RAM and
 * copy, so a bad kernel, a bad parameter or a layout that does not fit never
 * costs the domain a frame.
 */
#include "hv/pvh_build.h"

#include "hv/guest_copy.h"

#define LIT  ELF_PVH_LIT
#define FMT  ELF_PVH_FMT
#define ADDF ELF_PVH_ADDF
#define MiB (1ULL << 20)
#define EXTENT_2M_PAGES 512U

/* Everything decided before the first side effect. */
struct pvh_plan {
    struct elf_pvh_image img;
    struct hvm_memmap_table_entry map[PVH_MEMMAP_MAX];
    uint32_t nr_map;
    uint64_t low_end;            /* end of the RAM range that holds everything we place */
    bool has_cmdline;
    size_t cmdline_len;          /* NUL excluded */
    bool has_initrd;
    bool has_initrd_cmdline;
    size_t initrd_cmdline_len;
    uint64_t info;               /* start_info */
    uint64_t info_end;
    uint64_t initrd;
};

/* Zeroes for the part of a segment beyond its file bytes. */
static const uint8_t pvh_zero_page[PAGE_SIZE];

/*@ assigns \nothing;
    ensures \result >= v && \result % PAGE_SIZE == 0; */
static uint64_t page_up(uint64_t v)
{
    return (v + PAGE_SIZE - 1U) & ~(PAGE_SIZE - 1U);
}

uint32_t pvh_memmap_layout(uint64_t mem_bytes, struct hvm_memmap_table_entry *map)
{
    uint64_t low = mem_bytes < PVH_LOW_RAM_END ? mem_bytes : PVH_LOW_RAM_END;

    map[0] = (struct hvm_memmap_table_entry){ 0, low, XEN_HVM_MEMMAP_TYPE_RAM, 0 };
    if (mem_bytes <= PVH_LOW_RAM_END)
        return 1;
    map[1] = (struct hvm_memmap_table_entry){ PVH_HIGH_RAM_START, mem_bytes - low,
                                              XEN_HVM_MEMMAP_TYPE_RAM, 0 };
    return 2;
}

/* ---- checks ------------------------------------------------------------------------ */

/* Append " of N MiB" (KiB, or bytes, when that is the largest exact unit). */
/*@ requires elf_pvh_err_ok(err);
    assigns err->len, err->msg[0 .. ELF_PVH_MSG_MAX - 1];
    ensures elf_pvh_err_ok(err); */
static void add_size(struct elf_pvh_error *err, uint64_t bytes)
{
    if (bytes % MiB == 0)
        ADDF(err, " of %d MiB", bytes / MiB);
    else if (bytes % 1024U == 0)
        ADDF(err, " of %d KiB", bytes / 1024U);
    else
        ADDF(err, " of %d bytes", bytes);
}

/*@ requires \valid_read(d) && \valid_read(p) && \valid(err);
    assigns *err;
    ensures elf_pvh_err_ok(err); */
static int check_params(const struct domain *d, const struct pvh_build_params *p,
                        struct elf_pvh_error *err)
{
    if (!d->live) {
        FMT(err, PVH_BUILD_ERR_PARAMS, "domain %d is not live", d->id);
        return -XEN_EINVAL;
    }
    if ((p->kernel == NULL && p->kernel_len != 0) || (p->initrd == NULL && p->initrd_len != 0)) {
        FMT(err, PVH_BUILD_ERR_PARAMS, "NULL pointer with a length: kernel %d bytes at %x, initrd %d "
            "bytes at %x", p->kernel_len, (uintptr_t)p->kernel, p->initrd_len, (uintptr_t)p->initrd);
        return -XEN_EINVAL;
    }
    if ((p->start_flags & ~(SIF_PRIVILEGED | SIF_INITDOMAIN)) != 0) {
        FMT(err, PVH_BUILD_ERR_PARAMS, "start_flags %x: only SIF_PRIVILEGED (1) and SIF_INITDOMAIN (2) "
            "exist", p->start_flags);
        return -XEN_EINVAL;
    }
    if (p->mem_bytes == 0 || p->mem_bytes % PAGE_SIZE != 0 || p->mem_bytes > PVH_MEM_MAX) {
        FMT(err, PVH_BUILD_ERR_MEM_SIZE, "guest memory %x bytes: must be a non-zero multiple of 4 KiB, "
            "at most 1 TiB", p->mem_bytes);
        return -XEN_EINVAL;
    }
    if (p->mem_bytes / PAGE_SIZE > d->max_pages) {
        elf_pvh_error_set(err, PVH_BUILD_ERR_MAX_PAGES, LIT("guest memory"));
        add_size(err, p->mem_bytes);
        ADDF(err, " is more than the domain's max_pages %d", d->max_pages);
        return -XEN_ENOMEM;
    }
    if (d->tot_pages != 0 || d->p2m.nr_mapped != 0) {
        FMT(err, PVH_BUILD_ERR_NOT_EMPTY, "domain %d already holds %d pages: the builder needs a fresh "
            "domain", d->id, d->tot_pages);
        return -XEN_EINVAL;
    }
    return 0;
}

/* Length of a command line, refused when it has PVH_CMDLINE_MAX bytes or more. */
/*@ requires pvh_cstr_ok(s) && \valid(len) && \valid(err);
    assigns *len, *err;
    ensures elf_pvh_err_ok(err);
    ensures \result == 0 ==> *len < PVH_CMDLINE_MAX; */
static int measure_cmdline(const char *s, const char *what, size_t what_len, size_t *len,
                           struct elf_pvh_error *err)
{
    size_t n = 0;

    /*@ loop invariant 0 <= n <= PVH_CMDLINE_MAX;
        loop assigns n;
        loop variant PVH_CMDLINE_MAX - n; */
    while (n < PVH_CMDLINE_MAX && s[n] != '\0')
        n++;
    *len = n;
    if (n < PVH_CMDLINE_MAX)
        return 0;
    elf_pvh_error_set(err, PVH_BUILD_ERR_CMDLINE, what, what_len);
    elf_pvh_error_add(err, LIT(" command line is longer than 2047 characters"));
    return -XEN_EINVAL;
}

/*@ requires elf_pvh_err_ok(err) && \valid_read(plan) && plan->nr_map >= 1;
    assigns *err; */
static int segment_outside(const struct pvh_plan *plan, uint64_t mem, uint64_t a, uint64_t b,
                           struct elf_pvh_error *err)
{
    if (mem > PVH_LOW_RAM_END) {
        FMT(err, PVH_BUILD_ERR_SEG_OUTSIDE_RAM, "segment [%x, %x) lies in the MMIO hole [%x, %x), not "
            "in guest RAM", a, b, PVH_LOW_RAM_END, PVH_HIGH_RAM_START);
        return -XEN_EINVAL;
    }
    FMT(err, PVH_BUILD_ERR_SEG_OUTSIDE_RAM, "segment [%x, %x) outside guest RAM", a, b);
    add_size(err, plan->low_end);
    elf_pvh_error_add(err, LIT(": give the domain more memory (dom0_mem=)"));
    return -XEN_EINVAL;
}

/* Where start_info & co and the initrd go, and that everything fits. */
/*@ requires \valid(plan) && \valid_read(p) && \valid(err);
    requires plan->nr_map >= 1 && plan->img.end <= ELF_PVH_ADDR_LIMIT;
    assigns plan->info, plan->info_end, plan->initrd, *err;
    ensures elf_pvh_err_ok(err); */
static int place_info(struct pvh_plan *plan, const struct pvh_build_params *p,
                      struct elf_pvh_error *err)
{
    uint64_t info = page_up(plan->img.end);
    uint64_t size = PVH_INFO_CMDLINE_OFF;

    if (plan->has_cmdline)
        size += plan->cmdline_len + 1U;
    if (plan->has_initrd_cmdline)
        size += plan->initrd_cmdline_len + 1U;
    plan->info = info;
    plan->info_end = info + size;
    plan->initrd = page_up(plan->info_end);
    if (plan->info_end > plan->low_end) {
        FMT(err, PVH_BUILD_ERR_NO_ROOM_INFO, "no room for start_info, memory map and command line (%d "
            "bytes at %x) after the kernel: guest RAM ends at %x; give the domain more memory "
            "(dom0_mem=)", size, info, plan->low_end);
        return -XEN_EINVAL;
    }
    if (plan->has_initrd && (plan->initrd > plan->low_end ||
                             p->initrd_len > plan->low_end - plan->initrd)) {
        elf_pvh_error_set(err, PVH_BUILD_ERR_NO_ROOM_INITRD, LIT("initrd"));
        add_size(err, p->initrd_len);
        ADDF(err, " at %x does not fit in guest RAM ending at %x: give the domain more memory "
             "(dom0_mem=)", plan->initrd, plan->low_end);
        return -XEN_EINVAL;
    }
    return 0;
}

/*@ requires \valid(plan) && \valid_read(p) && \valid(err);
    requires 0 < p->mem_bytes <= PVH_MEM_MAX && p->mem_bytes % PAGE_SIZE == 0;
    requires 1 <= plan->img.nr_loads <= ELF_PVH_MAX_LOADS && plan->img.end <= ELF_PVH_ADDR_LIMIT;
    assigns plan->map[0 .. PVH_MEMMAP_MAX - 1], plan->nr_map, plan->low_end, plan->info,
            plan->info_end, plan->initrd, *err;
    ensures elf_pvh_err_ok(err); */
static int plan_layout(struct pvh_plan *plan, const struct pvh_build_params *p,
                       struct elf_pvh_error *err)
{
    plan->nr_map = pvh_memmap_layout(p->mem_bytes, plan->map);
    plan->low_end = plan->map[0].size;
    /*@ loop invariant 0 <= i <= plan->img.nr_loads;
        loop assigns i;
        loop variant plan->img.nr_loads - i; */
    for (uint32_t i = 0; i < plan->img.nr_loads; i++) {
        const struct elf_pvh_segment *s = &plan->img.loads[i];

        if (s->paddr + s->memsz > plan->low_end)
            return segment_outside(plan, p->mem_bytes, s->paddr, s->paddr + s->memsz, err);
    }
    return place_info(plan, p, err);
}

/* Parse, measure and place: no side effect on the domain. */
/*@ requires \valid_read(d) && \valid_read(p) && \valid(plan) && \valid(err);
    assigns *plan, *err;
    ensures elf_pvh_err_ok(err); */
static int make_plan(const struct domain *d, const struct pvh_build_params *p, struct pvh_plan *plan,
                     struct elf_pvh_error *err)
{
    int rc = check_params(d, p, err);

    plan->nr_map = 0;
    plan->has_cmdline = p->cmdline != NULL;
    plan->has_initrd = p->initrd != NULL && p->initrd_len != 0;
    plan->has_initrd_cmdline = plan->has_initrd && p->initrd_cmdline != NULL;
    plan->cmdline_len = 0;
    plan->initrd_cmdline_len = 0;
    if (rc == 0)
        rc = elf_pvh_parse(p->kernel, p->kernel_len, &plan->img, err);
    if (rc == 0 && plan->has_cmdline)
        rc = measure_cmdline(p->cmdline, LIT("kernel"), &plan->cmdline_len, err);
    if (rc == 0 && plan->has_initrd_cmdline)
        rc = measure_cmdline(p->initrd_cmdline, LIT("initrd"), &plan->initrd_cmdline_len, err);
    if (rc == 0)
        rc = plan_layout(plan, p, err);
    return rc;
}

/* ---- acting ----------------------------------------------------------------------- */

/*
 * RAM [start, end): 2 MiB extents where aligned, 4 KiB pages elsewhere.  A
 * 2 MiB extent that finds no contiguous machine block is retried as 512
 * single pages: fragmentation must not fail a build that has the memory.
 */
/*@ requires frame_heap_inv && \valid_read(d) && \valid(err);
    requires start % PAGE_SIZE == 0 && end % PAGE_SIZE == 0 && start <= end;
    assigns *err, domain_table[0 .. DOMAIN_MAX - 1], frame_heap, frame_nr_free,
            frame_free_head[0 .. FRAME_MAX_ORDER], frame_heap.table[0 .. frame_heap.nr - 1],
            hal_frame_zero_model[0 .. frame_heap.nr - 1];
    ensures elf_pvh_err_ok(err); */
static int populate_range(const struct domain *d, uint64_t start, uint64_t end,
                          struct elf_pvh_error *err)
{
    gfn_t g = start >> PAGE_SHIFT, last = end >> PAGE_SHIFT;
    domid_t id = d->id;

    while (g < last) {
        uint64_t n;
        int rc;

        if (g % EXTENT_2M_PAGES == 0 && last - g >= EXTENT_2M_PAGES) {
            n = EXTENT_2M_PAGES;
            rc = domain_populate(id, g, 1, P2M_ORDER_2M);
            if (rc == -XEN_ENOMEM)
                rc = domain_populate(id, g, n, P2M_ORDER_4K);
        } else {
            n = EXTENT_2M_PAGES - g % EXTENT_2M_PAGES;
            n = n < last - g ? n : last - g;
            rc = domain_populate(id, g, n, P2M_ORDER_4K);
        }
        if (rc != 0) {
            FMT(err, PVH_BUILD_ERR_POPULATE, "populating guest RAM [%x, %x) failed (error -%d): not "
                "enough free memory for the guest", g << PAGE_SHIFT, (g + n) << PAGE_SHIFT,
                (uint64_t)-(int64_t)rc);
            return -XEN_ENOMEM;
        }
        g += n;
    }
    return 0;
}

/*@ requires \valid_read(d) && \valid(err);
    requires src == \null || \valid_read(src + (0 .. len - 1));
    assigns *err;
    ensures elf_pvh_err_ok(err); */
static int copy_out(const struct domain *d, uint64_t gpa, const uint8_t *src, uint64_t len,
                    struct elf_pvh_error *err)
{
    /* src NULL: zeroes, one page at a time */
    uint64_t chunk_max = src == NULL ? PAGE_SIZE : GUEST_COPY_MAX;
    uint64_t done = 0;

    /*@ loop invariant done <= len;
        loop assigns done, *err;
        loop variant len - done; */
    while (done < len) {
        uint64_t n = len - done < chunk_max ? len - done : chunk_max;
        const void *from = src == NULL ? (const void *)pvh_zero_page : (const void *)(src + done);

        if (copy_to_guest_phys(&d->p2m, gpa + done, from, (size_t)n) != 0) {
            FMT(err, PVH_BUILD_ERR_COPY, "copy to guest RAM at %x failed", gpa + done);
            return -XEN_EFAULT;
        }
        done += n;
    }
    return 0;
}

/*@ requires \valid_read(d) && \valid_read(plan) && \valid_read(p) && \valid(err);
    assigns *err;
    ensures elf_pvh_err_ok(err); */
static int load_kernel(const struct domain *d, const struct pvh_plan *plan,
                       const struct pvh_build_params *p, struct elf_pvh_error *err)
{
    /*@ loop invariant 0 <= i <= plan->img.nr_loads;
        loop assigns i, *err;
        loop variant plan->img.nr_loads - i; */
    for (uint32_t i = 0; i < plan->img.nr_loads; i++) {
        const struct elf_pvh_segment *s = &plan->img.loads[i];

        if (copy_out(d, s->paddr, p->kernel + s->offset, s->filesz, err) != 0 ||
            copy_out(d, s->paddr + s->filesz, NULL, s->memsz - s->filesz, err) != 0)
            return -XEN_EFAULT;
    }
    return 0;
}

/* What start_info says, given the plan. */
/*@ requires \valid_read(plan) && \valid(si);
    assigns *si; */
static void fill_start_info(const struct pvh_plan *plan, uint32_t flags, struct hvm_start_info *si)
{
    *si = (struct hvm_start_info){ 0 };
    si->magic = XEN_HVM_START_MAGIC;
    si->version = 1;
    si->flags = flags;
    si->nr_modules = plan->has_initrd ? 1U : 0U;
    si->modlist_paddr = plan->has_initrd ? plan->info + PVH_INFO_MODLIST_OFF : 0;
    si->cmdline_paddr = plan->has_cmdline ? plan->info + PVH_INFO_CMDLINE_OFF : 0;
    si->rsdp_paddr = 0;
    si->memmap_paddr = plan->info + PVH_INFO_MEMMAP_OFF;
    si->memmap_entries = plan->nr_map;
}

/*@ requires \valid_read(plan);
    assigns \nothing; */
static uint64_t initrd_cmdline_gpa(const struct pvh_plan *plan)
{
    uint64_t at = plan->info + PVH_INFO_CMDLINE_OFF;

    if (!plan->has_initrd_cmdline)
        return 0;
    return plan->has_cmdline ? at + plan->cmdline_len + 1U : at;
}

/* start_info, module list, memory map, command lines, initrd. */
/*@ requires \valid_read(d) && \valid_read(plan) && \valid_read(p) && \valid(err);
    assigns *err;
    ensures elf_pvh_err_ok(err); */
static int write_info(const struct domain *d, const struct pvh_plan *plan,
                      const struct pvh_build_params *p, struct elf_pvh_error *err)
{
    struct hvm_start_info si;
    struct hvm_modlist_entry mod = { plan->initrd, p->initrd_len, initrd_cmdline_gpa(plan), 0 };
    int rc;

    fill_start_info(plan, p->start_flags, &si);
    rc = copy_out(d, plan->info, (const uint8_t *)&si, sizeof(si), err);
    if (rc == 0)
        rc = copy_out(d, si.memmap_paddr, (const uint8_t *)plan->map,
                      plan->nr_map * sizeof(plan->map[0]), err);
    if (rc == 0 && plan->has_initrd)
        rc = copy_out(d, si.modlist_paddr, (const uint8_t *)&mod, sizeof(mod), err);
    if (rc == 0 && plan->has_cmdline)
        rc = copy_out(d, si.cmdline_paddr, (const uint8_t *)p->cmdline, plan->cmdline_len + 1U, err);
    if (rc == 0 && plan->has_initrd_cmdline)
        rc = copy_out(d, mod.cmdline_paddr, (const uint8_t *)p->initrd_cmdline,
                      plan->initrd_cmdline_len + 1U, err);
    if (rc == 0 && plan->has_initrd)
        rc = copy_out(d, plan->initrd, p->initrd, p->initrd_len, err);
    return rc;
}

/*@ requires \valid(d) && \valid_read(plan) && \valid_read(p) && \valid(r);
    requires plan->nr_map <= PVH_MEMMAP_MAX;
    assigns d->guest.memmap[0 .. DOMAIN_MEMMAP_MAX - 1], d->guest.nr_memmap,
            d->guest.start_flags, *r; */
static void commit(struct domain *d, const struct pvh_plan *plan, const struct pvh_build_params *p,
                   struct pvh_build_result *r)
{
    /*@ loop invariant 0 <= i <= plan->nr_map;
        loop assigns i, d->guest.memmap[0 .. DOMAIN_MEMMAP_MAX - 1];
        loop variant plan->nr_map - i; */
    for (uint32_t i = 0; i < plan->nr_map; i++)
        d->guest.memmap[i] = plan->map[i];
    d->guest.nr_memmap = plan->nr_map;
    d->guest.start_flags = p->start_flags;
    r->entry = plan->img.entry;
    r->start_info_gpa = plan->info;
    r->kernel_start = plan->img.start;
    r->kernel_end = plan->img.end;
    r->modlist_gpa = plan->has_initrd ? plan->info + PVH_INFO_MODLIST_OFF : 0;
    r->memmap_gpa = plan->info + PVH_INFO_MEMMAP_OFF;
    r->nr_memmap = plan->nr_map;
    r->cmdline_gpa = plan->has_cmdline ? plan->info + PVH_INFO_CMDLINE_OFF : 0;
    r->initrd_cmdline_gpa = initrd_cmdline_gpa(plan);
    r->info_end = plan->info_end;
    r->initrd_gpa = plan->has_initrd ? plan->initrd : 0;
    r->initrd_size = plan->has_initrd ? p->initrd_len : 0;
}

int pvh_build(struct domain *d, const struct pvh_build_params *p, struct pvh_build_result *r,
              struct elf_pvh_error *err)
{
    struct pvh_plan plan;
    int rc;

    elf_pvh_error_clear(err);
    *r = (struct pvh_build_result){ 0 };
    rc = make_plan(d, p, &plan, err);
    /*@ loop invariant 0 <= i <= plan.nr_map;
        loop assigns i, rc, *err, domain_table[0 .. DOMAIN_MAX - 1], frame_heap, frame_nr_free,
                     frame_free_head[0 .. FRAME_MAX_ORDER], frame_heap.table[0 .. frame_heap.nr - 1],
                     hal_frame_zero_model[0 .. frame_heap.nr - 1];
        loop variant plan.nr_map - i; */
    for (uint32_t i = 0; rc == 0 && i < plan.nr_map; i++)
        rc = populate_range(d, plan.map[i].addr, plan.map[i].addr + plan.map[i].size, err);
    if (rc == 0)
        rc = load_kernel(d, &plan, p, err);
    if (rc == 0)
        rc = write_info(d, &plan, p, err);
    if (rc == 0)
        commit(d, &plan, p, r);
    return rc;
}
