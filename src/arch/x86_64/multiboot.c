// SPDX-License-Identifier: GPL-2.0-only
/*
 * Multiboot 1 and 2 information parser.  The loader's memory is reached only
 * through hal_phys_view() with the exact length about to be read; every size,
 * count and pointer in it is treated as hostile.  Values are assembled byte by
 * byte (little endian) so no unaligned or type-punned load is ever made.
 */
#include "hv/bootinfo.h"
#include "hal/hal.h"
#include "xen/errno.h"

/* Multiboot 1 information: the fields we read end at boot_loader_name. */
#define MB1_INFO_SIZE        68U
#define MB1_FLAG_MEM         (1U << 0)
#define MB1_FLAG_CMDLINE     (1U << 2)
#define MB1_FLAG_MODS        (1U << 3)
#define MB1_FLAG_MMAP        (1U << 6)
#define MB1_FLAG_LOADER_NAME (1U << 9)
#define MB1_MODULE_SIZE      16U
#define MB1_MMAP_MIN_SIZE    20U  /* size field excluded */

#define MB2_TAG_END          0U
#define MB2_TAG_CMDLINE      1U
#define MB2_TAG_LOADER_NAME  2U
#define MB2_TAG_MODULE       3U
#define MB2_TAG_MEMINFO      4U
#define MB2_TAG_MMAP         6U
#define MB2_TAG_ACPI_OLD     14U
#define MB2_TAG_ACPI_NEW     15U
#define MB2_HEADER_SIZE      8U
#define MB2_MMAP_ENTRY_MIN   24U

#define RSDP_V1_SIZE 20U
#define RSDP_V2_SIZE 36U

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
    return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static void add_problem(struct boot_info *bi, enum boot_problem_kind kind,
                        uint32_t index, uint64_t value)
{
    struct boot_problem *pr;

    /* Problems are bounded by the 64 KiB info size: no overflow. */
    if (bi->nr_problems >= BOOT_PROBLEMS_MAX) {
        bi->problems_dropped++;
        return;
    }
    pr = &bi->problems[bi->nr_problems++];
    pr->kind = kind;
    pr->index = index;
    pr->value = value;
}

static void add_mmap(struct boot_info *bi, uint64_t addr, uint64_t len, uint32_t type)
{
    struct boot_mmap_entry *e;

    if (bi->nr_mmap >= BOOT_MMAP_MAX) {
        if (!bi->mmap_overflow)
            add_problem(bi, BOOT_PROBLEM_MMAP_OVERFLOW, bi->nr_mmap, addr);
        bi->mmap_overflow = true;
        return;
    }
    e = &bi->mmap[bi->nr_mmap++];
    e->addr = addr;
    e->len = len;
    e->type = type;
}

/* A module [start, end); NULL when it is dropped (problem recorded). */
static struct boot_module *add_module(struct boot_info *bi, uint32_t index,
                                      uint64_t start, uint64_t end)
{
    struct boot_module *m;

    if (end < start) {
        add_problem(bi, BOOT_PROBLEM_MODULE_END_BEFORE_START, index, end);
        return NULL;
    }
    if (bi->nr_modules >= BOOT_MODULES_MAX) {
        if (!bi->modules_overflow)
            add_problem(bi, BOOT_PROBLEM_TOO_MANY_MODULES, index, index + 1U);
        bi->modules_overflow = true;
        return NULL;
    }
    m = &bi->modules[bi->nr_modules++];
    m->start = start;
    m->end = end;
    return m;
}

/*
 * Copy a NUL-terminated string from physical memory into dst[cap], one page
 * (or less) per view so a string ending just before an unmapped page is fine.
 * Returns false when memory ran out before the NUL; dst is terminated anyway.
 * A 32-bit address plus cap cannot wrap a 64-bit one.
 */
static bool copy_phys_string(uint32_t paddr, char *dst, size_t cap, bool *truncated)
{
    size_t n = 0;
    const char *s;

    *truncated = false;
    while (n < cap - 1) {
        uint64_t a = (uint64_t)paddr + n;
        uint64_t chunk = PAGE_SIZE - (a & (PAGE_SIZE - 1));

        if (chunk > cap - 1 - n)
            chunk = cap - 1 - n;
        s = hal_phys_view(a, chunk);
        if (s == NULL) {
            dst[n] = '\0';
            return false;
        }
        for (uint64_t k = 0; k < chunk; k++, n++) {
            dst[n] = s[k];
            if (s[k] == '\0')
                return true;
        }
    }
    dst[n] = '\0';
    s = hal_phys_view((uint64_t)paddr + n, 1);
    *truncated = s == NULL || s[0] != '\0';
    return true;
}

/* Copy a string stored inside a tag (at most avail bytes). */
static bool copy_inline_string(const uint8_t *src, uint64_t avail, char *dst,
                               size_t cap, bool *truncated)
{
    size_t n = 0;

    *truncated = false;
    for (uint64_t k = 0; k < avail; k++) {
        if (src[k] == '\0') {
            dst[n] = '\0';
            return true;
        }
        if (n < cap - 1)
            dst[n++] = (char)src[k];
        else
            *truncated = true;
    }
    dst[n] = '\0';
    return false;
}

/* mb1 pointer-to-string field; `field` identifies it in problems. */
static void mb1_string(struct boot_info *bi, uint32_t paddr, char *dst, size_t cap,
                       bool *truncated, uint32_t field)
{
    if (!copy_phys_string(paddr, dst, cap, truncated))
        add_problem(bi, BOOT_PROBLEM_STRING_UNREADABLE, field, paddr);
    else if (*truncated)
        add_problem(bi, BOOT_PROBLEM_STRING_TRUNCATED, field, paddr);
}

/* mb2 inline string: `field` is the tag index. */
static void mb2_string(struct boot_info *bi, const uint8_t *src, uint64_t avail,
                       char *dst, size_t cap, bool *truncated, uint32_t field)
{
    if (!copy_inline_string(src, avail, dst, cap, truncated))
        add_problem(bi, BOOT_PROBLEM_STRING_UNTERMINATED, field, avail);
    if (*truncated)
        add_problem(bi, BOOT_PROBLEM_STRING_TRUNCATED, field, avail);
}

/* ---- multiboot 1 ------------------------------------------------------------ */

static void mb1_modules(struct boot_info *bi, uint32_t count, uint32_t addr)
{
    uint32_t n = count;
    const uint8_t *p;

    if (n > BOOT_MODULES_MAX) {
        add_problem(bi, BOOT_PROBLEM_TOO_MANY_MODULES, 0, count);
        bi->modules_overflow = true;
        n = BOOT_MODULES_MAX;
    }
    if (n == 0)
        return;
    p = hal_phys_view(addr, (uint64_t)n * MB1_MODULE_SIZE);
    if (p == NULL) {
        add_problem(bi, BOOT_PROBLEM_MODULES_UNREADABLE, 0, addr);
        return;
    }
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *e = p + (size_t)i * MB1_MODULE_SIZE;
        struct boot_module *m = add_module(bi, i, rd32(e), rd32(e + 4));
        uint32_t str = rd32(e + 8);

        if (m != NULL && str != 0)
            mb1_string(bi, str, m->cmdline, sizeof(m->cmdline),
                       &m->cmdline_truncated, i);
    }
}

static void mb1_mmap(struct boot_info *bi, uint32_t len, uint32_t addr)
{
    const uint8_t *p;
    uint32_t off = 0;

    bi->has_mmap = true;
    if (len == 0) {
        add_problem(bi, BOOT_PROBLEM_EMPTY_MEMORY_MAP, 0, addr);
        return;
    }
    if (len > BOOT_INFO_MAX_BYTES) {
        add_problem(bi, BOOT_PROBLEM_MMAP_TOO_LARGE, 0, len);
        return;
    }
    p = hal_phys_view(addr, len);
    if (p == NULL) {
        add_problem(bi, BOOT_PROBLEM_MMAP_UNREADABLE, 0, addr);
        return;
    }
    for (uint32_t i = 0; off < len; i++) {
        uint32_t size;

        if (len - off < 4 + MB1_MMAP_MIN_SIZE) {
            add_problem(bi, BOOT_PROBLEM_MMAP_TRAILING_BYTES, i, len - off);
            return;
        }
        size = rd32(p + off);
        if (size < MB1_MMAP_MIN_SIZE) {
            add_problem(bi, BOOT_PROBLEM_BAD_MMAP_ENTRY_SIZE, i, size);
            return;
        }
        if (size > len - off - 4) {
            add_problem(bi, BOOT_PROBLEM_MMAP_TRAILING_BYTES, i, len - off);
            return;
        }
        add_mmap(bi, rd64(p + off + 4), rd64(p + off + 12), rd32(p + off + 20));
        off += size + 4;
    }
}

static int mb1_parse(uint64_t info, struct boot_info *bi)
{
    const uint8_t *p = hal_phys_view(info, MB1_INFO_SIZE);
    uint32_t flags;

    if (p == NULL) {
        add_problem(bi, BOOT_PROBLEM_INFO_UNREADABLE, 0, info);
        return -XEN_EFAULT;
    }
    flags = rd32(p);
    if (flags & MB1_FLAG_MEM) {
        bi->has_mem_basic = true;
        bi->mem_lower_kib = rd32(p + 4);
        bi->mem_upper_kib = rd32(p + 8);
    }
    if (flags & MB1_FLAG_CMDLINE) {
        bi->has_cmdline = true;
        mb1_string(bi, rd32(p + 16), bi->cmdline, sizeof(bi->cmdline),
                   &bi->cmdline_truncated, 16);
    }
    if (flags & MB1_FLAG_MODS)
        mb1_modules(bi, rd32(p + 20), rd32(p + 24));
    if (flags & MB1_FLAG_MMAP)
        mb1_mmap(bi, rd32(p + 44), rd32(p + 48));
    else
        add_problem(bi, BOOT_PROBLEM_NO_MEMORY_MAP, 0, flags);
    if (flags & MB1_FLAG_LOADER_NAME) {
        bi->has_loader_name = true;
        mb1_string(bi, rd32(p + 64), bi->loader_name, sizeof(bi->loader_name),
                   &bi->loader_name_truncated, 64);
    }
    return 0;
}

/* ---- multiboot 2 ------------------------------------------------------------ */

static void mb2_mmap(struct boot_info *bi, const uint8_t *t, uint32_t size, uint32_t idx)
{
    uint32_t entry_size = rd32(t + 8), version = rd32(t + 12);
    uint32_t body = size - 16, n;

    if (entry_size < MB2_MMAP_ENTRY_MIN || (entry_size & 7U) != 0) {
        add_problem(bi, BOOT_PROBLEM_BAD_MMAP_ENTRY_SIZE, idx, entry_size);
        return;
    }
    bi->has_mmap = true;
    if (version != 0)
        add_problem(bi, BOOT_PROBLEM_MMAP_ENTRY_VERSION, idx, version);
    n = body / entry_size;
    if (body % entry_size != 0)
        add_problem(bi, BOOT_PROBLEM_MMAP_TRAILING_BYTES, idx, body % entry_size);
    if (n == 0)
        add_problem(bi, BOOT_PROBLEM_EMPTY_MEMORY_MAP, idx, size);
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *e = t + 16 + (size_t)i * entry_size;
        add_mmap(bi, rd64(e), rd64(e + 8), rd32(e + 16));
    }
}

static bool rsdp_valid(const uint8_t *r, uint32_t len)
{
    static const char sig[8] = { 'R', 'S', 'D', ' ', 'P', 'T', 'R', ' ' };
    uint8_t sum = 0, ext = 0;

    for (uint32_t i = 0; i < 8; i++)
        if (r[i] != (uint8_t)sig[i])
            return false;
    for (uint32_t i = 0; i < len; i++) {
        if (i < RSDP_V1_SIZE)
            sum = (uint8_t)(sum + r[i]);
        ext = (uint8_t)(ext + r[i]);
    }
    return sum == 0 && ext == 0;
}

static void mb2_rsdp(struct boot_info *bi, const uint8_t *t, uint32_t size,
                     uint32_t type, uint32_t idx, uint64_t tag_paddr)
{
    uint32_t rev = type == MB2_TAG_ACPI_NEW ? 2U : 1U;
    uint32_t need = rev == 2 ? RSDP_V2_SIZE : RSDP_V1_SIZE;

    if (size - MB2_HEADER_SIZE < need) {
        add_problem(bi, BOOT_PROBLEM_BAD_TAG_SIZE, idx, size);
        return;
    }
    if (bi->has_rsdp && bi->rsdp_revision == rev) {
        add_problem(bi, BOOT_PROBLEM_DUPLICATE_TAG, idx, type);
        return;
    }
    if (!rsdp_valid(t + MB2_HEADER_SIZE, need)) {
        add_problem(bi, BOOT_PROBLEM_BAD_RSDP, idx, rev);
        return;
    }
    /* The ACPI 2.0 copy (XSDT) wins over the 1.0 one, whatever the order. */
    if (bi->has_rsdp && bi->rsdp_revision > rev)
        return;
    bi->has_rsdp = true;
    bi->rsdp_revision = rev;
    bi->rsdp_paddr = tag_paddr + MB2_HEADER_SIZE;
}

/* Minimum size of each tag we read, header included. */
static uint32_t mb2_tag_min_size(uint32_t type)
{
    switch (type) {
    case MB2_TAG_MODULE: return 16;
    case MB2_TAG_MEMINFO: return 16;
    case MB2_TAG_MMAP: return 16;
    default: return MB2_HEADER_SIZE;
    }
}

static void mb2_tag(struct boot_info *bi, const uint8_t *t, uint32_t type,
                    uint32_t size, uint32_t idx, uint64_t tag_paddr)
{
    struct boot_module *m;

    if (size < mb2_tag_min_size(type)) {
        add_problem(bi, BOOT_PROBLEM_BAD_TAG_SIZE, idx, size);
        return;
    }
    switch (type) {
    case MB2_TAG_CMDLINE:
    case MB2_TAG_LOADER_NAME:
        if (type == MB2_TAG_CMDLINE ? bi->has_cmdline : bi->has_loader_name) {
            add_problem(bi, BOOT_PROBLEM_DUPLICATE_TAG, idx, type);
        } else if (type == MB2_TAG_CMDLINE) {
            bi->has_cmdline = true;
            mb2_string(bi, t + 8, size - 8, bi->cmdline, sizeof(bi->cmdline),
                       &bi->cmdline_truncated, idx);
        } else {
            bi->has_loader_name = true;
            mb2_string(bi, t + 8, size - 8, bi->loader_name,
                       sizeof(bi->loader_name), &bi->loader_name_truncated, idx);
        }
        break;
    case MB2_TAG_MODULE:
        m = add_module(bi, idx, rd32(t + 8), rd32(t + 12));
        if (m != NULL)
            mb2_string(bi, t + 16, size - 16, m->cmdline, sizeof(m->cmdline),
                       &m->cmdline_truncated, idx);
        break;
    case MB2_TAG_MEMINFO:
        bi->has_mem_basic = true;
        bi->mem_lower_kib = rd32(t + 8);
        bi->mem_upper_kib = rd32(t + 12);
        break;
    case MB2_TAG_MMAP:
        if (bi->has_mmap)
            add_problem(bi, BOOT_PROBLEM_DUPLICATE_TAG, idx, type);
        else
            mb2_mmap(bi, t, size, idx);
        break;
    case MB2_TAG_ACPI_OLD:
    case MB2_TAG_ACPI_NEW:
        mb2_rsdp(bi, t, size, type, idx, tag_paddr);
        break;
    default:
        /* The specification says to ignore tags we do not know. */
        break;
    }
}

static int mb2_parse(uint64_t info, struct boot_info *bi)
{
    const uint8_t *p;
    uint32_t total, off = MB2_HEADER_SIZE;

    if ((info & 7U) != 0) {
        add_problem(bi, BOOT_PROBLEM_INFO_MISALIGNED, 0, info);
        return -XEN_EINVAL;
    }
    p = hal_phys_view(info, MB2_HEADER_SIZE);
    if (p == NULL) {
        add_problem(bi, BOOT_PROBLEM_INFO_UNREADABLE, 0, info);
        return -XEN_EFAULT;
    }
    total = rd32(p);
    if (total < 2 * MB2_HEADER_SIZE || total > BOOT_INFO_MAX_BYTES) {
        add_problem(bi, BOOT_PROBLEM_BAD_TOTAL_SIZE, 0, total);
        return -XEN_EINVAL;
    }
    p = hal_phys_view(info, total);
    if (p == NULL) {
        add_problem(bi, BOOT_PROBLEM_INFO_UNREADABLE, 0, info);
        return -XEN_EFAULT;
    }
    for (uint32_t idx = 0;; idx++) {
        uint32_t type, size;

        if (total - off < MB2_HEADER_SIZE) {
            add_problem(bi, BOOT_PROBLEM_NO_END_TAG, idx, total);
            break;
        }
        type = rd32(p + off);
        size = rd32(p + off + 4);
        if (size < MB2_HEADER_SIZE) {
            add_problem(bi, BOOT_PROBLEM_BAD_TAG_SIZE, idx, size);
            break;
        }
        if (size > total - off) {
            add_problem(bi, BOOT_PROBLEM_TRUNCATED_TAG, idx, size);
            break;
        }
        if (type == MB2_TAG_END)
            break;
        mb2_tag(bi, p + off, type, size, idx, info + off);
        /* Tags start 8-byte aligned; size <= total <= 64 KiB, no overflow. */
        size = (size + 7U) & ~7U;
        off = size > total - off ? total : off + size;
    }
    if (!bi->has_mmap)
        add_problem(bi, BOOT_PROBLEM_NO_MEMORY_MAP, 0, 0);
    return 0;
}

int multiboot_parse(uint32_t magic, uint64_t info_paddr, struct boot_info *out)
{
    *out = (struct boot_info){ .info_paddr = info_paddr };
    if (magic == MULTIBOOT1_BOOTLOADER_MAGIC) {
        out->protocol = 1;
        return mb1_parse(info_paddr, out);
    }
    if (magic == MULTIBOOT2_BOOTLOADER_MAGIC) {
        out->protocol = 2;
        return mb2_parse(info_paddr, out);
    }
    add_problem(out, BOOT_PROBLEM_BAD_MAGIC, 0, magic);
    return -XEN_EINVAL;
}

const char *boot_problem_text(enum boot_problem_kind kind)
{
    switch (kind) {
    case BOOT_PROBLEM_NONE: return "no problem";
    case BOOT_PROBLEM_BAD_MAGIC: return "bad magic: not loaded by a multiboot loader";
    case BOOT_PROBLEM_INFO_UNREADABLE: return "boot information not readable";
    case BOOT_PROBLEM_INFO_MISALIGNED: return "multiboot2 information not 8-byte aligned";
    case BOOT_PROBLEM_BAD_TOTAL_SIZE: return "multiboot2 total_size out of range";
    case BOOT_PROBLEM_BAD_TAG_SIZE: return "tag too small";
    case BOOT_PROBLEM_TRUNCATED_TAG: return "truncated tag";
    case BOOT_PROBLEM_NO_END_TAG: return "no end tag";
    case BOOT_PROBLEM_DUPLICATE_TAG: return "duplicate tag ignored";
    case BOOT_PROBLEM_NO_MEMORY_MAP: return "no memory map";
    case BOOT_PROBLEM_EMPTY_MEMORY_MAP: return "empty memory map";
    case BOOT_PROBLEM_MMAP_UNREADABLE: return "memory map not readable";
    case BOOT_PROBLEM_MMAP_TOO_LARGE: return "memory map too large";
    case BOOT_PROBLEM_BAD_MMAP_ENTRY_SIZE: return "bad memory map entry size";
    case BOOT_PROBLEM_MMAP_ENTRY_VERSION: return "unknown memory map entry version";
    case BOOT_PROBLEM_MMAP_TRAILING_BYTES: return "memory map has trailing bytes";
    case BOOT_PROBLEM_MMAP_OVERFLOW: return "memory map entries dropped: too many";
    case BOOT_PROBLEM_MODULES_UNREADABLE: return "module list not readable";
    case BOOT_PROBLEM_TOO_MANY_MODULES: return "modules dropped: too many";
    case BOOT_PROBLEM_MODULE_END_BEFORE_START: return "module end before start";
    case BOOT_PROBLEM_STRING_UNREADABLE: return "string not readable";
    case BOOT_PROBLEM_STRING_UNTERMINATED: return "string not NUL-terminated";
    case BOOT_PROBLEM_STRING_TRUNCATED: return "string truncated";
    case BOOT_PROBLEM_BAD_RSDP: return "bad ACPI RSDP copy";
    }
    return "unknown problem";
}
