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
    uint64_t acpi;               /* the ACPI tables' page: memory map entry 1 */
    uint64_t info;               /* start_info */
    uint64_t info_end;
    uint64_t initrd;
};

/* Zeroes for the part of a segment beyond its file bytes. */
static const uint8_t pvh_zero_page[PAGE_SIZE];

/*@ // A step's error record: 0 leaves it clean, a failure sets a code.
    predicate build_err_done(struct elf_pvh_error *e, integer r) =
      elf_pvh_err_ok(e) && (r == 0 <==> e->code == ELF_PVH_OK);

    predicate build_err_clean(struct elf_pvh_error *e) =
      elf_pvh_err_ok(e) && e->code == ELF_PVH_OK;

    // A command line of the plan: its bytes and NUL are readable.
    predicate plan_cstr(char *s, integer n) =
      s != \null && 0 <= n < PVH_CMDLINE_MAX && \valid_read(s + (0 .. n));

    // What the acting steps rely on, once make_plan has succeeded.
    predicate plan_ok(struct pvh_plan *plan, struct pvh_build_params *p) =
      elf_pvh_image_ok(&plan->img, p->kernel_len) &&
      1 <= plan->nr_map <= PVH_MEMMAP_MAX &&
      plan->acpi % PAGE_SIZE == 0 && plan->acpi + PVH_ACPI_SIZE <= PVH_LOW_RAM_END &&
      plan->info <= plan->info_end <= ELF_PVH_ADDR_LIMIT &&
      plan->info_end - plan->info >= PVH_INFO_CMDLINE_OFF &&
      (plan->has_cmdline ==> plan_cstr(p->cmdline, plan->cmdline_len)) &&
      (plan->has_initrd_cmdline ==> plan_cstr(p->initrd_cmdline, plan->initrd_cmdline_len)) &&
      (plan->has_initrd ==> p->initrd != \null && p->initrd_len != 0);
*/

/*@ requires v <= 2 * ELF_PVH_ADDR_LIMIT;
    assigns \nothing;
    ensures v <= \result <= v + (PAGE_SIZE - 1) && \result % PAGE_SIZE == 0; */
static uint64_t page_up(uint64_t v)
{
    return (v + PAGE_SIZE - 1U) / PAGE_SIZE * PAGE_SIZE;
}

uint32_t pvh_memmap_layout(uint64_t mem_bytes, struct hvm_memmap_table_entry *map)
{
    uint64_t low = mem_bytes < PVH_LOW_RAM_END ? mem_bytes : PVH_LOW_RAM_END;

    /* The ACPI page is RAM the guest must not allocate: its own entry, not type RAM. */
    map[0] = (struct hvm_memmap_table_entry){ 0, low - PVH_ACPI_SIZE, XEN_HVM_MEMMAP_TYPE_RAM, 0 };
    map[1] = (struct hvm_memmap_table_entry){ low - PVH_ACPI_SIZE, PVH_ACPI_SIZE,
                                              XEN_HVM_MEMMAP_TYPE_ACPI, 0 };
    if (mem_bytes <= PVH_LOW_RAM_END)
        return 2;
    map[2] = (struct hvm_memmap_table_entry){ PVH_HIGH_RAM_START, mem_bytes - low,
                                              XEN_HVM_MEMMAP_TYPE_RAM, 0 };
    return 3;
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

/*@ requires \valid_read(d) && \valid_read(p) && build_err_clean(err);
    assigns *err;
    ensures build_err_done(err, \result);
    ensures \result == 0 || \result == -XEN_EINVAL || \result == -XEN_ENOMEM;
    ensures \result == 0 ==> PVH_ACPI_SIZE < p->mem_bytes <= PVH_MEM_MAX &&
                             p->mem_bytes % PAGE_SIZE == 0; */
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
    if (p->mem_bytes <= PVH_ACPI_SIZE || p->mem_bytes % PAGE_SIZE != 0 || p->mem_bytes > PVH_MEM_MAX) {
        FMT(err, PVH_BUILD_ERR_MEM_SIZE, "guest memory %x bytes: must be a multiple of 4 KiB, more "
            "than the ACPI tables' 4 KiB and at most 1 TiB", p->mem_bytes);
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

/*
 * Characters before the NUL of a command line, counting no further than
 * PVH_CMDLINE_MAX (which means too long).  Only reads: pvh_build measures
 * before it writes anything.
 */
/*@ requires s != \null && pvh_cstr_ok(s);
    assigns \nothing;
    ensures \result <= PVH_CMDLINE_MAX;
    ensures \result < PVH_CMDLINE_MAX ==> \valid_read(s + (0 .. \result)); */
static size_t cstr_len(const char *s)
{
    size_t n = 0;

    /*@ loop invariant 0 <= n <= PVH_CMDLINE_MAX;
        loop invariant \forall integer k; 0 <= k < n ==> s[k] != 0;
        loop invariant \valid_read(s + (0 .. n - 1));
        loop assigns n;
        loop variant PVH_CMDLINE_MAX - n; */
    while (n < PVH_CMDLINE_MAX && s[n] != '\0')
        n++;
    return n;
}

/* A command line of n characters: refused when it has PVH_CMDLINE_MAX bytes or more. */
/*@ requires build_err_clean(err) && \valid_read(what + (0 .. what_len - 1));
    assigns *err;
    ensures build_err_done(err, \result);
    ensures \result == 0 || \result == -XEN_EINVAL;
    ensures \result == 0 <==> n < PVH_CMDLINE_MAX; */
static int check_cmdline(size_t n, const char *what, size_t what_len, struct elf_pvh_error *err)
{
    if (n < PVH_CMDLINE_MAX)
        return 0;
    elf_pvh_error_set(err, PVH_BUILD_ERR_CMDLINE, what, what_len);
    elf_pvh_error_add(err, LIT(" command line is longer than 2047 characters"));
    return -XEN_EINVAL;
}

/*@ requires build_err_clean(err) && \valid_read(plan) && \separated(err, plan);
    assigns *err;
    ensures build_err_done(err, \result) && \result == -XEN_EINVAL; */
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
/*@ requires \valid(plan) && \valid_read(p) && build_err_clean(err);
    requires \separated(plan, p, err) && \separated(err, p);
    requires plan->img.end <= ELF_PVH_ADDR_LIMIT && plan->low_end <= PVH_LOW_RAM_END;
    requires plan->has_cmdline ==> plan->cmdline_len < PVH_CMDLINE_MAX;
    requires plan->has_initrd_cmdline ==> plan->initrd_cmdline_len < PVH_CMDLINE_MAX;
    assigns plan->info, plan->info_end, plan->initrd, *err;
    ensures build_err_done(err, \result);
    ensures \result == 0 || \result == -XEN_EINVAL;
    ensures \result == 0 ==> plan->info <= plan->info_end <= ELF_PVH_ADDR_LIMIT &&
                             plan->info_end - plan->info >= PVH_INFO_CMDLINE_OFF; */
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

/*@ requires \valid(plan) && \valid_read(p) && build_err_clean(err);
    requires \separated(plan, p, err) && \separated(err, p);
    requires PVH_ACPI_SIZE < p->mem_bytes <= PVH_MEM_MAX && p->mem_bytes % PAGE_SIZE == 0;
    requires 1 <= plan->img.nr_loads <= ELF_PVH_MAX_LOADS && plan->img.end <= ELF_PVH_ADDR_LIMIT;
    requires plan->has_cmdline ==> plan->cmdline_len < PVH_CMDLINE_MAX;
    requires plan->has_initrd_cmdline ==> plan->initrd_cmdline_len < PVH_CMDLINE_MAX;
    assigns plan->map[0 .. PVH_MEMMAP_MAX - 1], plan->nr_map, plan->low_end, plan->acpi,
            plan->info, plan->info_end, plan->initrd, *err;
    ensures build_err_done(err, \result);
    ensures \result == 0 || \result == -XEN_EINVAL;
    ensures 1 <= plan->nr_map <= PVH_MEMMAP_MAX;
    ensures plan->acpi % PAGE_SIZE == 0 && plan->acpi + PVH_ACPI_SIZE <= PVH_LOW_RAM_END;
    ensures \result == 0 ==> plan->info <= plan->info_end <= ELF_PVH_ADDR_LIMIT &&
                             plan->info_end - plan->info >= PVH_INFO_CMDLINE_OFF; */
static int plan_layout(struct pvh_plan *plan, const struct pvh_build_params *p,
                       struct elf_pvh_error *err)
{
    plan->nr_map = pvh_memmap_layout(p->mem_bytes, plan->map);
    /* Everything placed below goes below the ACPI page, which ends low RAM. */
    plan->low_end = plan->map[0].size;
    plan->acpi = plan->map[1].addr;
    /*@ loop invariant 0 <= i <= plan->img.nr_loads;
        loop invariant build_err_clean(err);
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
/*@ // A measured command line: NULL, or cstr_len's answer for it.
    predicate cmdline_measured(char *s, integer n) =
      s != \null ==> n <= PVH_CMDLINE_MAX && (n < PVH_CMDLINE_MAX ==> \valid_read(s + (0 .. n)));
*/

/* Parse, check and place, given the command lines' lengths: no side effect on the domain. */
/*@ requires \valid_read(d) && \valid_read(p) && \valid(plan) && build_err_clean(err);
    requires p->kernel_len == 0 || \valid_read(p->kernel + (0 .. p->kernel_len - 1));
    requires cmdline_measured(p->cmdline, cmd_len);
    requires cmdline_measured(p->initrd_cmdline, icmd_len);
    requires \separated(plan, p, err, d) && \separated(err, p, d) && \separated(p, d);
    requires \separated(plan, p->kernel + (0 .. p->kernel_len - 1));
    requires \separated(err, p->kernel + (0 .. p->kernel_len - 1));
    assigns *plan, *err;
    ensures build_err_done(err, \result);
    ensures \result == 0 || \result == -XEN_EINVAL || \result == -XEN_ENOMEM;
    ensures \result == 0 ==> plan_ok(plan, p); */
static int make_plan(const struct domain *d, const struct pvh_build_params *p, size_t cmd_len,
                     size_t icmd_len, struct pvh_plan *plan, struct elf_pvh_error *err)
{
    int rc = check_params(d, p, err);

    plan->nr_map = 0;
    plan->has_cmdline = p->cmdline != NULL;
    plan->has_initrd = p->initrd != NULL && p->initrd_len != 0;
    plan->has_initrd_cmdline = plan->has_initrd && p->initrd_cmdline != NULL;
    plan->cmdline_len = plan->has_cmdline ? cmd_len : 0;
    plan->initrd_cmdline_len = plan->has_initrd_cmdline ? icmd_len : 0;
    if (rc == 0)
        rc = elf_pvh_parse(p->kernel, p->kernel_len, &plan->img, err);
    if (rc == 0 && plan->has_cmdline)
        rc = check_cmdline(cmd_len, LIT("kernel"), err);
    if (rc == 0 && plan->has_initrd_cmdline)
        rc = check_cmdline(icmd_len, LIT("initrd"), err);
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
/*@ requires dom_state_ok && \valid_read(d) && build_err_clean(err);
    requires \separated(err, domain_table + (0 .. DOMAIN_MAX - 1),
                        frame_heap.table + (0 .. frame_heap.nr - 1),
                        frame_free_head + (0 .. FRAME_MAX_ORDER));
    assigns *err, domain_table[0 .. DOMAIN_MAX - 1], frame_nr_free,
            frame_free_head[0 .. FRAME_MAX_ORDER], frame_heap.table[0 .. frame_heap.nr - 1],
            hal_frame_zero_model[0 .. frame_heap.nr - 1];
    ensures \result == 0 ==> dom_state_ok;
    ensures build_err_done(err, \result);
    ensures \result == 0 || \result == -XEN_ENOMEM; */
static int populate_range(const struct domain *d, uint64_t start, uint64_t end,
                          struct elf_pvh_error *err)
{
    gfn_t g = start >> PAGE_SHIFT, last = end >> PAGE_SHIFT;
    domid_t id = d->id;

    /*@ loop invariant dom_state_ok && build_err_clean(err);
        loop assigns g, domain_table[0 .. DOMAIN_MAX - 1], frame_nr_free,
                     frame_free_head[0 .. FRAME_MAX_ORDER], frame_heap.table[0 .. frame_heap.nr - 1],
                     hal_frame_zero_model[0 .. frame_heap.nr - 1];
        loop variant last - g; */
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

/* Every RAM range of the memory map. */
/*@ requires dom_state_ok && \valid_read(d) && \valid_read(plan) && build_err_clean(err);
    requires plan->nr_map <= PVH_MEMMAP_MAX;
    requires \separated(err, domain_table + (0 .. DOMAIN_MAX - 1),
                        frame_heap.table + (0 .. frame_heap.nr - 1),
                        frame_free_head + (0 .. FRAME_MAX_ORDER));
    assigns *err, domain_table[0 .. DOMAIN_MAX - 1], frame_nr_free,
            frame_free_head[0 .. FRAME_MAX_ORDER], frame_heap.table[0 .. frame_heap.nr - 1],
            hal_frame_zero_model[0 .. frame_heap.nr - 1];
    ensures build_err_done(err, \result);
    ensures \result == 0 || \result == -XEN_ENOMEM; */
static int populate(const struct domain *d, const struct pvh_plan *plan, struct elf_pvh_error *err)
{
    /*@ loop invariant 0 <= i <= plan->nr_map;
        loop invariant dom_state_ok && build_err_clean(err);
        loop assigns i, *err, domain_table[0 .. DOMAIN_MAX - 1], frame_nr_free,
                     frame_free_head[0 .. FRAME_MAX_ORDER], frame_heap.table[0 .. frame_heap.nr - 1],
                     hal_frame_zero_model[0 .. frame_heap.nr - 1];
        loop variant plan->nr_map - i; */
    for (uint32_t i = 0; i < plan->nr_map; i++) {
        const struct hvm_memmap_table_entry *m = &plan->map[i];

        if (populate_range(d, m->addr, m->addr + m->size, err) != 0)
            return -XEN_ENOMEM;
    }
    return 0;
}

/*@ requires \valid_read(d) && build_err_clean(err);
    requires src == \null || \valid_read(src + (0 .. len - 1));
    requires src == \null || gw_not_mem_bytes((char *)src, len);
    assigns *err, hal_mem_bytes[0 .. HAL_MEM_BYTES - 1];
    ensures build_err_done(err, \result);
    ensures \result == 0 || \result == -XEN_EFAULT; */
static int copy_out(const struct domain *d, uint64_t gpa, const uint8_t *src, uint64_t len,
                    struct elf_pvh_error *err)
{
    /* src NULL: zeroes, one page at a time */
    uint64_t chunk_max = src == NULL ? PAGE_SIZE : GUEST_COPY_MAX;
    uint64_t done = 0;

    /*@ loop invariant done <= len && build_err_clean(err);
        loop assigns done, *err, hal_mem_bytes[0 .. HAL_MEM_BYTES - 1];
        loop variant len - done; */
    while (done < len) {
        uint64_t n = len - done < chunk_max ? len - done : chunk_max;
        const uint8_t *from = src == NULL ? pvh_zero_page : src + done;

        if (copy_to_guest_phys(&d->p2m, gpa + done, from, (size_t)n) != 0) {
            FMT(err, PVH_BUILD_ERR_COPY, "copy to guest RAM at %x failed", gpa + done);
            return -XEN_EFAULT;
        }
        done += n;
    }
    return 0;
}

/*@ requires \valid_read(d) && \valid_read(plan) && \valid_read(p) && build_err_clean(err);
    requires elf_pvh_image_ok(&plan->img, p->kernel_len);
    requires p->kernel_len == 0 || \valid_read(p->kernel + (0 .. p->kernel_len - 1));
    requires gw_not_mem_bytes((char *)p->kernel, p->kernel_len);
    requires \separated(err, plan, p);
    assigns *err, hal_mem_bytes[0 .. HAL_MEM_BYTES - 1];
    ensures build_err_done(err, \result);
    ensures \result == 0 || \result == -XEN_EFAULT; */
static int load_kernel(const struct domain *d, const struct pvh_plan *plan,
                       const struct pvh_build_params *p, struct elf_pvh_error *err)
{
    /*@ loop invariant 0 <= i <= plan->img.nr_loads && build_err_clean(err);
        loop assigns i, *err, hal_mem_bytes[0 .. HAL_MEM_BYTES - 1];
        loop variant plan->img.nr_loads - i; */
    for (uint32_t i = 0; i < plan->img.nr_loads; i++) {
        const struct elf_pvh_segment *s = &plan->img.loads[i];

        if (copy_out(d, s->paddr, p->kernel + s->offset, s->filesz, err) != 0 ||
            copy_out(d, s->paddr + s->filesz, NULL, s->memsz - s->filesz, err) != 0)
            return -XEN_EFAULT;
    }
    return 0;
}

/*
 * The info block's fixed part, in guest byte order (little-endian), as the
 * guest reads it: start_info at 0, the module entry at PVH_INFO_MODLIST_OFF,
 * the memory map at PVH_INFO_MEMMAP_OFF.  Built as bytes so that what is
 * copied out is a byte buffer, not a structure seen through a cast.
 */
#define SI_MAGIC          0U
#define SI_VERSION        4U
#define SI_FLAGS          8U
#define SI_NR_MODULES     12U
#define SI_MODLIST_PADDR  16U
#define SI_CMDLINE_PADDR  24U
#define SI_RSDP_PADDR     32U
#define SI_MEMMAP_PADDR   40U
#define SI_MEMMAP_ENTRIES 48U
#define MOD_PADDR         0U
#define MOD_SIZE          8U
#define MOD_CMDLINE_PADDR 16U
#define MAP_ENTRY_SIZE    24U
#define MAP_ADDR          0U
#define MAP_SIZE          8U
#define MAP_TYPE          16U

/*@ requires \valid(b + (0 .. 3));
    assigns b[0 .. 3]; */
static void put_le32(uint8_t *b, uint32_t v)
{
    b[0] = (uint8_t)v;
    b[1] = (uint8_t)(v >> 8);
    b[2] = (uint8_t)(v >> 16);
    b[3] = (uint8_t)(v >> 24);
}

/*@ requires \valid(b + (0 .. 7));
    assigns b[0 .. 7]; */
static void put_le64(uint8_t *b, uint64_t v)
{
    put_le32(b, (uint32_t)v);
    put_le32(b + 4, (uint32_t)(v >> 32));
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

/* start_info (version 1), the module entry (only with an initrd), the memory map. */
/*@ requires \valid_read(plan) && \valid_read(p) && plan->nr_map <= PVH_MEMMAP_MAX;
    requires \valid(blk + (0 .. PVH_INFO_CMDLINE_OFF - 1));
    requires \separated(blk + (0 .. PVH_INFO_CMDLINE_OFF - 1), plan, p);
    assigns blk[0 .. PVH_INFO_CMDLINE_OFF - 1]; */
static void fill_info_block(const struct pvh_plan *plan, const struct pvh_build_params *p, uint8_t *blk)
{
    /*@ loop invariant 0 <= i <= PVH_INFO_CMDLINE_OFF;
        loop assigns i, blk[0 .. PVH_INFO_CMDLINE_OFF - 1];
        loop variant PVH_INFO_CMDLINE_OFF - i; */
    for (uint32_t i = 0; i < PVH_INFO_CMDLINE_OFF; i++)
        blk[i] = 0;
    put_le32(blk + SI_MAGIC, XEN_HVM_START_MAGIC);
    put_le32(blk + SI_VERSION, 1);
    put_le32(blk + SI_FLAGS, p->start_flags);
    put_le32(blk + SI_NR_MODULES, plan->has_initrd ? 1U : 0U);
    put_le64(blk + SI_MODLIST_PADDR, plan->has_initrd ? plan->info + PVH_INFO_MODLIST_OFF : 0);
    put_le64(blk + SI_CMDLINE_PADDR, plan->has_cmdline ? plan->info + PVH_INFO_CMDLINE_OFF : 0);
    put_le64(blk + SI_RSDP_PADDR, plan->acpi + ACPI_RSDP_OFF);
    put_le64(blk + SI_MEMMAP_PADDR, plan->info + PVH_INFO_MEMMAP_OFF);
    put_le32(blk + SI_MEMMAP_ENTRIES, plan->nr_map);
    if (plan->has_initrd) {
        put_le64(blk + PVH_INFO_MODLIST_OFF + MOD_PADDR, plan->initrd);
        put_le64(blk + PVH_INFO_MODLIST_OFF + MOD_SIZE, p->initrd_len);
        put_le64(blk + PVH_INFO_MODLIST_OFF + MOD_CMDLINE_PADDR, initrd_cmdline_gpa(plan));
    }
    /*@ loop invariant 0 <= i <= plan->nr_map;
        loop assigns i, blk[0 .. PVH_INFO_CMDLINE_OFF - 1];
        loop variant plan->nr_map - i; */
    for (uint32_t i = 0; i < plan->nr_map; i++) {
        uint8_t *e = blk + PVH_INFO_MEMMAP_OFF + i * MAP_ENTRY_SIZE;

        put_le64(e + MAP_ADDR, plan->map[i].addr);
        put_le64(e + MAP_SIZE, plan->map[i].size);
        put_le32(e + MAP_TYPE, plan->map[i].type);
    }
}

/*
 * A command line and its NUL, staged through a byte buffer: the guest copy
 * takes bytes, and a character string seen through a byte pointer is a cast
 * the proof's memory model does not follow.
 */
/*@ requires \valid_read(d) && build_err_clean(err);
    requires \valid_read(s + (0 .. len - 1));
    assigns *err, hal_mem_bytes[0 .. HAL_MEM_BYTES - 1];
    ensures build_err_done(err, \result);
    ensures \result == 0 || \result == -XEN_EFAULT; */
static int copy_str_out(const struct domain *d, uint64_t gpa, const char *s, uint64_t len,
                        struct elf_pvh_error *err)
{
    uint8_t buf[256];
    uint64_t done = 0;

    /*@ loop invariant done <= len && build_err_clean(err);
        loop assigns done, buf[0 .. 255], *err, hal_mem_bytes[0 .. HAL_MEM_BYTES - 1];
        loop variant len - done; */
    while (done < len) {
        uint64_t n = len - done < sizeof(buf) ? len - done : sizeof(buf);

        /*@ loop invariant 0 <= i <= n;
            loop assigns i, buf[0 .. 255];
            loop variant n - i; */
        for (uint64_t i = 0; i < n; i++)
            buf[i] = (uint8_t)s[done + i];
        if (copy_out(d, gpa + done, buf, n, err) != 0)
            return -XEN_EFAULT;
        done += n;
    }
    return 0;
}

/*
 * The ACPI tables, at the start of their page (the rest of it stays as
 * populated: zero).  plan_layout placed the page so that acpi_build cannot
 * refuse it; the assertion below is proved, not checked at run time.
 */
/*@ requires \valid_read(d) && \valid_read(plan) && build_err_clean(err) && \separated(err, plan);
    requires plan->acpi % PAGE_SIZE == 0 && plan->acpi + PVH_ACPI_SIZE <= PVH_LOW_RAM_END;
    assigns *err, hal_mem_bytes[0 .. HAL_MEM_BYTES - 1];
    ensures build_err_done(err, \result);
    ensures \result == 0 || \result == -XEN_EFAULT; */
static int write_acpi(const struct domain *d, const struct pvh_plan *plan, struct elf_pvh_error *err)
{
    uint8_t tbl[ACPI_BUILD_SIZE(PVH_ACPI_VCPUS)];
    uint64_t rsdp;
    size_t used = 0;
    int rc = acpi_build(tbl, sizeof(tbl), plan->acpi, PVH_ACPI_VCPUS, &rsdp, &used);

    /*@ assert rc == 0 && used == sizeof(tbl); */
    (void)rc;
    return copy_out(d, plan->acpi, tbl, used, err);
}

/* The ACPI tables, the info block, the command lines, the initrd. */
/*@ requires \valid_read(d) && \valid_read(plan) && \valid_read(p) && build_err_clean(err);
    requires plan_ok(plan, p) && \separated(err, plan, p);
    requires p->initrd_len == 0 || \valid_read(p->initrd + (0 .. p->initrd_len - 1));
    requires gw_not_mem_bytes((char *)p->initrd, p->initrd_len);
    assigns *err, hal_mem_bytes[0 .. HAL_MEM_BYTES - 1];
    ensures build_err_done(err, \result);
    ensures \result == 0 || \result == -XEN_EFAULT; */
static int write_info(const struct domain *d, const struct pvh_plan *plan,
                      const struct pvh_build_params *p, struct elf_pvh_error *err)
{
    uint8_t blk[PVH_INFO_CMDLINE_OFF];
    uint64_t at = plan->info + PVH_INFO_CMDLINE_OFF;
    int rc;

    fill_info_block(plan, p, blk);
    rc = write_acpi(d, plan, err);
    if (rc == 0)
        rc = copy_out(d, plan->info, blk, sizeof(blk), err);
    if (rc == 0 && plan->has_cmdline)
        rc = copy_str_out(d, at, p->cmdline, plan->cmdline_len + 1U, err);
    if (rc == 0 && plan->has_initrd_cmdline)
        rc = copy_str_out(d, initrd_cmdline_gpa(plan), p->initrd_cmdline,
                          plan->initrd_cmdline_len + 1U, err);
    if (rc == 0 && plan->has_initrd)
        rc = copy_out(d, plan->initrd, p->initrd, p->initrd_len, err);
    return rc;
}

/*@ requires \valid(d) && \valid_read(plan) && \valid_read(p) && \valid(r);
    requires plan->nr_map <= PVH_MEMMAP_MAX && \separated(r, d, plan, p) && \separated(d, plan, p);
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
    r->acpi_gpa = plan->acpi;
    r->rsdp_gpa = plan->acpi + ACPI_RSDP_OFF;
}

int pvh_build(struct domain *d, const struct pvh_build_params *p, struct pvh_build_result *r,
              struct elf_pvh_error *err)
{
    /* A copy of the parameters: nothing the build writes can reach it. */
    const struct pvh_build_params prm = *p;
    /* Measured before anything is written: the strings are only read. */
    size_t cmd_len = prm.cmdline != NULL ? cstr_len(prm.cmdline) : 0;
    size_t icmd_len = prm.initrd_cmdline != NULL ? cstr_len(prm.initrd_cmdline) : 0;
    /*
     * The error and the result are built in locals and copied out at the
     * end: the allocator and domain state the steps rely on provably
     * cannot overlap them.
     */
    struct pvh_build_result res = { 0 };
    struct elf_pvh_error e;
    struct pvh_plan plan;
    int rc;

    elf_pvh_error_clear(&e);
    rc = make_plan(d, &prm, cmd_len, icmd_len, &plan, &e);
    /*@ assert build_err_done(&e, rc); */
    if (rc == 0)
        rc = populate(d, &plan, &e);
    /*@ assert build_err_done(&e, rc); */
    if (rc == 0)
        rc = load_kernel(d, &plan, &prm, &e);
    /*@ assert build_err_done(&e, rc); */
    if (rc == 0)
        rc = write_info(d, &plan, &prm, &e);
    /*@ assert build_err_done(&e, rc); */
    if (rc == 0)
        commit(d, &plan, &prm, &res);
    *r = res;
    elf_pvh_error_set(err, e.code, e.msg, e.len);
    return rc;
}
