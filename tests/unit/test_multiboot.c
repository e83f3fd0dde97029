// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the multiboot parser (src/arch/x86_64/multiboot.c): the
 * structures are laid out byte by byte in simulated machine memory, both
 * well-formed ones and hostile ones.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "hv/bootinfo.h"
#include "sim.h"
#include "xen/errno.h"

#define MEM_FRAMES 64                     /* 256 KiB of machine memory */
#define MEM_END    ((uint64_t)MEM_FRAMES * 4096)
#define INFO       0x10000ULL
#define STRINGS    0x11000ULL
#define MODS       0x12000ULL
#define MMAP       0x13000ULL

static struct boot_info bi;
static uint8_t buf[80 * 1024];
static size_t blen;

static int setup(void **state)
{
    (void)state;
    sim_reset(MEM_FRAMES);
    memset(buf, 0, sizeof(buf));
    blen = 0;
    return 0;
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

static void poke32(uint64_t paddr, uint32_t v)
{
    uint8_t b[4];
    put32(b, v);
    assert_true(sim_write_phys(paddr, b, 4));
}

static void poke_str(uint64_t paddr, const char *s)
{
    assert_true(sim_write_phys(paddr, s, strlen(s) + 1));
}

/* How many problems of a kind were recorded. */
static int problems(enum boot_problem_kind kind)
{
    int n = 0;
    for (uint32_t i = 0; i < bi.nr_problems; i++)
        n += bi.problems[i].kind == kind;
    return n;
}

static const struct boot_problem *problem(enum boot_problem_kind kind)
{
    for (uint32_t i = 0; i < bi.nr_problems; i++)
        if (bi.problems[i].kind == kind)
            return &bi.problems[i];
    fail_msg("problem %d (%s) not found", kind, boot_problem_text(kind));
    return NULL;
}

static void assert_invariants(void)
{
    assert_true(bi.nr_mmap <= BOOT_MMAP_MAX);
    assert_true(bi.nr_modules <= BOOT_MODULES_MAX);
    assert_true(bi.nr_problems <= BOOT_PROBLEMS_MAX);
    assert_true(memchr(bi.cmdline, 0, sizeof(bi.cmdline)) != NULL);
    assert_true(memchr(bi.loader_name, 0, sizeof(bi.loader_name)) != NULL);
    for (uint32_t i = 0; i < bi.nr_modules; i++) {
        assert_true(bi.modules[i].start <= bi.modules[i].end);
        assert_true(memchr(bi.modules[i].cmdline, 0, BOOT_MOD_CMDLINE_MAX) != NULL);
    }
}

/* ---- multiboot 1 builders ---------------------------------------------------- */

static uint8_t mb1[116];

static void mb1_reset(uint32_t flags)
{
    memset(mb1, 0, sizeof(mb1));
    put32(mb1, flags);
}

static int mb1_parse_at(uint64_t paddr)
{
    int rc;

    assert_true(sim_write_phys(paddr, mb1, sizeof(mb1)));
    rc = multiboot_parse(MULTIBOOT1_BOOTLOADER_MAGIC, paddr, &bi);
    assert_invariants();
    return rc;
}

static void mb1_set(size_t off, uint32_t v)
{
    put32(mb1 + off, v);
}

/* An mb1 memory map of n standard entries at MMAP. */
static void mb1_mmap(uint32_t n)
{
    static uint8_t m[24 * 256];

    assert_true(n <= 256);
    for (uint32_t i = 0; i < n; i++) {
        put32(m + 24 * i, 20);
        put64(m + 24 * i + 4, 0x100000ULL * i);
        put64(m + 24 * i + 12, 0x100000ULL);
        put32(m + 24 * i + 20, i % 2 ? 2 : 1);
    }
    assert_true(sim_write_phys(MMAP, m, 24 * n));
    mb1[0] |= 1U << 6;
    mb1_set(44, 24 * n);
    mb1_set(48, (uint32_t)MMAP);
}

static void test_mb1_full(void **state)
{
    uint8_t mods[32] = { 0 };

    (void)state;
    mb1_reset(1U | 1U << 2 | 1U << 3 | 1U << 9);
    mb1_set(4, 639);
    mb1_set(8, 523264);
    poke_str(STRINGS, "/boot/xenolith.gz console=com1");
    mb1_set(16, (uint32_t)STRINGS);
    poke_str(STRINGS + 0x100, "vmlinuz root=/dev/xvda");
    poke_str(STRINGS + 0x200, "qemu");
    mb1_set(64, (uint32_t)STRINGS + 0x200);
    put32(mods, 0x20000);
    put32(mods + 4, 0x28000);
    put32(mods + 8, (uint32_t)STRINGS + 0x100);
    put32(mods + 16, 0x28000);
    put32(mods + 20, 0x28000);  /* empty module, no string */
    assert_true(sim_write_phys(MODS, mods, sizeof(mods)));
    mb1_set(20, 2);
    mb1_set(24, (uint32_t)MODS);
    mb1_mmap(3);

    assert_int_equal(mb1_parse_at(INFO), 0);
    assert_int_equal(bi.protocol, 1);
    assert_int_equal(bi.info_paddr, INFO);
    assert_int_equal(bi.nr_problems, 0);
    assert_true(bi.has_mem_basic);
    assert_int_equal(bi.mem_lower_kib, 639);
    assert_int_equal(bi.mem_upper_kib, 523264);
    assert_true(bi.has_cmdline);
    assert_false(bi.cmdline_truncated);
    assert_string_equal(bi.cmdline, "/boot/xenolith.gz console=com1");
    assert_true(bi.has_loader_name);
    assert_string_equal(bi.loader_name, "qemu");
    assert_int_equal(bi.nr_modules, 2);
    assert_int_equal(bi.modules[0].start, 0x20000);
    assert_int_equal(bi.modules[0].end, 0x28000);
    assert_string_equal(bi.modules[0].cmdline, "vmlinuz root=/dev/xvda");
    assert_string_equal(bi.modules[1].cmdline, "");
    assert_true(bi.has_mmap);
    assert_int_equal(bi.nr_mmap, 3);
    assert_int_equal(bi.mmap[1].addr, 0x100000);
    assert_int_equal(bi.mmap[1].len, 0x100000);
    assert_int_equal(bi.mmap[1].type, 2);
    assert_int_equal(bi.mmap[2].type, 1);
    assert_false(bi.mmap_overflow);
    assert_false(bi.has_rsdp);
}

static void test_mb1_minimal(void **state)
{
    (void)state;
    /* Nothing but mem_lower/upper: parsed, with "no memory map". */
    mb1_reset(1);
    mb1_set(8, 1024);
    assert_int_equal(mb1_parse_at(INFO), 0);
    assert_true(bi.has_mem_basic);
    assert_false(bi.has_mmap);
    assert_false(bi.has_cmdline);
    assert_false(bi.has_loader_name);
    assert_string_equal(bi.cmdline, "");
    assert_int_equal(bi.nr_problems, 1);
    assert_int_equal(problem(BOOT_PROBLEM_NO_MEMORY_MAP)->value, 1);
    /* No flags at all. */
    mb1_reset(0);
    assert_int_equal(mb1_parse_at(INFO), 0);
    assert_false(bi.has_mem_basic);
    assert_int_equal(problems(BOOT_PROBLEM_NO_MEMORY_MAP), 1);
}

static void test_mb1_info_unreadable(void **state)
{
    (void)state;
    mb1_reset(0);
    /* Page 0, beyond memory, straddling the end of memory. */
    assert_int_equal(multiboot_parse(MULTIBOOT1_BOOTLOADER_MAGIC, 0x500, &bi), -XEN_EFAULT);
    assert_int_equal(problem(BOOT_PROBLEM_INFO_UNREADABLE)->value, 0x500);
    assert_int_equal(bi.protocol, 1);
    assert_int_equal(multiboot_parse(MULTIBOOT1_BOOTLOADER_MAGIC, 0, &bi), -XEN_EFAULT);
    assert_int_equal(multiboot_parse(MULTIBOOT1_BOOTLOADER_MAGIC, 1ULL << 40, &bi),
                     -XEN_EFAULT);
    assert_int_equal(multiboot_parse(MULTIBOOT1_BOOTLOADER_MAGIC, MEM_END - 60, &bi),
                     -XEN_EFAULT);
    assert_int_equal(multiboot_parse(MULTIBOOT1_BOOTLOADER_MAGIC, UINT64_MAX - 3, &bi),
                     -XEN_EFAULT);
    assert_int_equal(bi.nr_problems, 1);
    /* Exactly the 68 bytes we read, at the very end: fine. */
    assert_int_equal(multiboot_parse(MULTIBOOT1_BOOTLOADER_MAGIC, MEM_END - 68, &bi), 0);
}

static void test_bad_magic(void **state)
{
    (void)state;
    assert_int_equal(multiboot_parse(0x1BADB002, INFO, &bi), -XEN_EINVAL);
    assert_int_equal(bi.protocol, 0);
    assert_int_equal(bi.nr_problems, 1);
    assert_int_equal(problem(BOOT_PROBLEM_BAD_MAGIC)->value, 0x1BADB002);
    assert_int_equal(multiboot_parse(0, 0, &bi), -XEN_EINVAL);
}

static void test_mb1_strings(void **state)
{
    char big[BOOT_CMDLINE_MAX + 10];

    (void)state;
    mb1_reset(1U << 2 | 1U << 9);
    mb1_mmap(1);
    /* cmdline pointer 0 (page 0) and loader name beyond memory. */
    mb1_set(16, 0);
    mb1_set(64, 0x7ffff000);
    assert_int_equal(mb1_parse_at(INFO), 0);
    assert_int_equal(problems(BOOT_PROBLEM_STRING_UNREADABLE), 2);
    assert_int_equal(bi.problems[0].index, 16);
    assert_int_equal(bi.problems[1].index, 64);
    assert_int_equal(bi.problems[1].value, 0x7ffff000);
    assert_true(bi.has_cmdline);
    assert_string_equal(bi.cmdline, "");

    /* A string crossing a page boundary is read whole. */
    poke_str(STRINGS + 4090, "console=com1 loglvl=all");
    mb1_set(16, (uint32_t)STRINGS + 4090);
    /* A string running into the end of memory without a NUL. */
    memset(big, 'n', 8);
    assert_true(sim_write_phys(MEM_END - 8, big, 8));
    mb1_set(64, (uint32_t)(MEM_END - 8));
    assert_int_equal(mb1_parse_at(INFO), 0);
    assert_string_equal(bi.cmdline, "console=com1 loglvl=all");
    assert_int_equal(problems(BOOT_PROBLEM_STRING_UNREADABLE), 1);
    assert_string_equal(bi.loader_name, "nnnnnnnn");

    /* Too long: truncated copy, flagged; exactly the maximum is not. */
    memset(big, 'a', sizeof(big));
    big[sizeof(big) - 1] = '\0';
    assert_true(sim_write_phys(STRINGS, big, sizeof(big)));
    mb1_set(16, (uint32_t)STRINGS);
    mb1_reset(1U << 2);
    mb1_set(16, (uint32_t)STRINGS);
    mb1_mmap(1);
    assert_int_equal(mb1_parse_at(INFO), 0);
    assert_true(bi.cmdline_truncated);
    assert_int_equal(strlen(bi.cmdline), BOOT_CMDLINE_MAX - 1);
    assert_int_equal(problem(BOOT_PROBLEM_STRING_TRUNCATED)->index, 16);
    big[BOOT_CMDLINE_MAX - 1] = '\0';
    assert_true(sim_write_phys(STRINGS, big, BOOT_CMDLINE_MAX));
    assert_int_equal(mb1_parse_at(INFO), 0);
    assert_false(bi.cmdline_truncated);
    assert_int_equal(bi.nr_problems, 0);
    /* Maximum length ending exactly at the end of memory: cannot tell, truncated. */
    assert_true(sim_write_phys(MEM_END - (BOOT_CMDLINE_MAX - 1), big, BOOT_CMDLINE_MAX - 1));
    mb1_set(16, (uint32_t)(MEM_END - (BOOT_CMDLINE_MAX - 1)));
    assert_int_equal(mb1_parse_at(INFO), 0);
    assert_true(bi.cmdline_truncated);
    assert_int_equal(strlen(bi.cmdline), BOOT_CMDLINE_MAX - 1);

    /* Loader name longer than 63 bytes. */
    mb1_reset(1U << 9);
    mb1_mmap(1);
    mb1_set(64, (uint32_t)STRINGS);
    assert_int_equal(mb1_parse_at(INFO), 0);
    assert_true(bi.loader_name_truncated);
    assert_int_equal(strlen(bi.loader_name), BOOT_LOADER_NAME_MAX - 1);
    assert_int_equal(problem(BOOT_PROBLEM_STRING_TRUNCATED)->index, 64);
}

static void test_mb1_modules(void **state)
{
    uint8_t mods[16 * 20] = { 0 };
    char longstr[400];

    (void)state;
    /* Count 0 with the flag: nothing. */
    mb1_reset(1U << 3);
    mb1_mmap(1);
    mb1_set(20, 0);
    mb1_set(24, 0);
    assert_int_equal(mb1_parse_at(INFO), 0);
    assert_int_equal(bi.nr_modules, 0);
    assert_int_equal(bi.nr_problems, 0);

    /* List in page 0 / beyond memory. */
    mb1_set(20, 1);
    mb1_set(24, 0x10);
    assert_int_equal(mb1_parse_at(INFO), 0);
    assert_int_equal(problem(BOOT_PROBLEM_MODULES_UNREADABLE)->value, 0x10);
    mb1_set(24, (uint32_t)(MEM_END - 8));
    assert_int_equal(mb1_parse_at(INFO), 0);
    assert_int_equal(problems(BOOT_PROBLEM_MODULES_UNREADABLE), 1);
    assert_int_equal(bi.nr_modules, 0);

    /* A giant count: 16 parsed, the rest reported. */
    for (int i = 0; i < 20; i++) {
        put32(mods + 16 * i, 0x20000U + 0x1000U * (uint32_t)i);
        put32(mods + 16 * i + 4, 0x20800U + 0x1000U * (uint32_t)i);
    }
    /* Module 2 ends before it starts; module 3 has an unreadable string;
     * module 4 a string too long. */
    put32(mods + 16 * 2 + 4, 0x100);
    put32(mods + 16 * 3 + 8, 0x20);
    memset(longstr, 'm', sizeof(longstr));
    longstr[sizeof(longstr) - 1] = '\0';
    assert_true(sim_write_phys(STRINGS, longstr, sizeof(longstr)));
    put32(mods + 16 * 4 + 8, (uint32_t)STRINGS);
    assert_true(sim_write_phys(MODS, mods, sizeof(mods)));
    mb1_set(20, 0xffffffffU);
    mb1_set(24, (uint32_t)MODS);
    assert_int_equal(mb1_parse_at(INFO), 0);
    assert_true(bi.modules_overflow);
    assert_int_equal(problem(BOOT_PROBLEM_TOO_MANY_MODULES)->value, 0xffffffffU);
    assert_int_equal(problem(BOOT_PROBLEM_MODULE_END_BEFORE_START)->index, 2);
    assert_int_equal(problem(BOOT_PROBLEM_STRING_UNREADABLE)->index, 3);
    assert_int_equal(bi.nr_modules, 15);
    assert_int_equal(bi.modules[2].start, 0x23000);  /* module 3 kept */
    assert_string_equal(bi.modules[2].cmdline, "");
    assert_true(bi.modules[3].cmdline_truncated);
    assert_int_equal(strlen(bi.modules[3].cmdline), BOOT_MOD_CMDLINE_MAX - 1);
    assert_int_equal(problem(BOOT_PROBLEM_STRING_TRUNCATED)->index, 4);
}

static void test_mb1_mmap(void **state)
{
    uint8_t m[64] = { 0 };

    (void)state;
    mb1_reset(1U << 6);
    /* Empty, too large, unreadable. */
    mb1_set(44, 0);
    mb1_set(48, (uint32_t)MMAP);
    assert_int_equal(mb1_parse_at(INFO), 0);
    assert_true(bi.has_mmap);
    assert_int_equal(bi.nr_mmap, 0);
    assert_int_equal(problems(BOOT_PROBLEM_EMPTY_MEMORY_MAP), 1);
    assert_int_equal(problems(BOOT_PROBLEM_NO_MEMORY_MAP), 0);
    mb1_set(44, BOOT_INFO_MAX_BYTES + 1);
    assert_int_equal(mb1_parse_at(INFO), 0);
    assert_int_equal(problem(BOOT_PROBLEM_MMAP_TOO_LARGE)->value, BOOT_INFO_MAX_BYTES + 1);
    mb1_set(44, 48);
    mb1_set(48, 0xff0);
    assert_int_equal(mb1_parse_at(INFO), 0);
    assert_int_equal(problem(BOOT_PROBLEM_MMAP_UNREADABLE)->value, 0xff0);

    /* Entry size below 20. */
    put32(m, 19);
    assert_true(sim_write_phys(MMAP, m, sizeof(m)));
    mb1_set(44, 48);
    mb1_set(48, (uint32_t)MMAP);
    assert_int_equal(mb1_parse_at(INFO), 0);
    assert_int_equal(problem(BOOT_PROBLEM_BAD_MMAP_ENTRY_SIZE)->value, 19);
    assert_int_equal(bi.nr_mmap, 0);

    /* Entry larger than what is left; entry of 24 (extended); trailing bytes. */
    put32(m, 24);
    put64(m + 4, 0x1000);
    put64(m + 12, 0x9f000);
    put32(m + 20, 1);
    put32(m + 28, 0xffff);   /* second entry claims 64 KiB */
    assert_true(sim_write_phys(MMAP, m, sizeof(m)));
    mb1_set(44, 56);
    assert_int_equal(mb1_parse_at(INFO), 0);
    assert_int_equal(bi.nr_mmap, 1);
    assert_int_equal(bi.mmap[0].len, 0x9f000);
    assert_int_equal(problem(BOOT_PROBLEM_MMAP_TRAILING_BYTES)->index, 1);
    mb1_set(44, 28 + 10);
    assert_int_equal(mb1_parse_at(INFO), 0);
    assert_int_equal(bi.nr_mmap, 1);
    assert_int_equal(problem(BOOT_PROBLEM_MMAP_TRAILING_BYTES)->value, 10);

    /* More entries than we keep. */
    mb1_mmap(200);
    assert_int_equal(mb1_parse_at(INFO), 0);
    assert_int_equal(bi.nr_mmap, BOOT_MMAP_MAX);
    assert_true(bi.mmap_overflow);
    assert_int_equal(problems(BOOT_PROBLEM_MMAP_OVERFLOW), 1);
    assert_int_equal(bi.mmap[127].addr, 0x100000ULL * 127);
}

static void test_problem_overflow(void **state)
{
    uint8_t mods[16 * 16] = { 0 };

    (void)state;
    /* 16 modules that end before they start + too many + no mmap. */
    for (int i = 0; i < 16; i++)
        put32(mods + 16 * i, 0x1000);
    assert_true(sim_write_phys(MODS, mods, sizeof(mods)));
    mb1_reset(1U << 3);
    mb1_set(20, 17);
    mb1_set(24, (uint32_t)MODS);
    assert_int_equal(mb1_parse_at(INFO), 0);
    assert_int_equal(bi.nr_problems, BOOT_PROBLEMS_MAX);
    assert_int_equal(bi.problems_dropped, 2);
    assert_int_equal(bi.nr_modules, 0);
}

/* ---- multiboot 2 builders ---------------------------------------------------- */

static void mb2_begin(void)
{
    memset(buf, 0, sizeof(buf));
    blen = 8;
}

/* A tag whose size field says `size` while `plen` payload bytes are copied. */
static void mb2_raw(uint32_t type, uint32_t size, const void *payload, size_t plen)
{
    put32(buf + blen, type);
    put32(buf + blen + 4, size);
    if (plen)
        memcpy(buf + blen + 8, payload, plen);
    blen += (8 + plen + 7) & ~(size_t)7;
}

static void mb2_tag(uint32_t type, const void *payload, size_t plen)
{
    mb2_raw(type, (uint32_t)(8 + plen), payload, plen);
}

static void mb2_str(uint32_t type, const char *s)
{
    mb2_tag(type, s, strlen(s) + 1);
}

static void mb2_module(uint32_t start, uint32_t end, const char *s)
{
    uint8_t p[300];
    size_t n = strlen(s) + 1;

    put32(p, start);
    put32(p + 4, end);
    memcpy(p + 8, s, n);
    mb2_tag(3, p, 8 + n);
}

static void mb2_mmap_tag(uint32_t entry_size, uint32_t version, uint32_t n)
{
    static uint8_t p[8 + 40 * 300];

    put32(p, entry_size);
    put32(p + 4, version);
    for (uint32_t i = 0; i < n; i++) {
        memset(p + 8 + entry_size * i, 0, entry_size);
        put64(p + 8 + entry_size * i, 0x200000ULL * i);
        put64(p + 8 + entry_size * i + 8, 0x1ff000);
        put32(p + 8 + entry_size * i + 16, i == 1 ? 2 : 1);
    }
    mb2_tag(6, p, 8 + (size_t)entry_size * n);
}

static void make_rsdp(uint8_t *r, uint8_t rev)
{
    uint8_t sum = 0;

    memset(r, 0, 36);
    memcpy(r, "RSD PTR ", 8);
    memcpy(r + 9, "XENOLI", 6);
    r[15] = rev;
    put32(r + 16, 0xe0000);
    put32(r + 20, 36);
    put64(r + 24, 0xe1000);
    for (int i = 0; i < 20; i++)
        sum = (uint8_t)(sum + r[i]);
    r[8] = (uint8_t)-sum;
    sum = 0;
    for (int i = 0; i < 36; i++)
        sum = (uint8_t)(sum + r[i]);
    r[32] = (uint8_t)-sum;
}

static void mb2_end(void)
{
    mb2_raw(0, 8, NULL, 0);
    put32(buf, (uint32_t)blen);
}

static int mb2_parse_at(uint64_t paddr)
{
    int rc;

    assert_true(sim_write_phys(paddr, buf, blen));
    rc = multiboot_parse(MULTIBOOT2_BOOTLOADER_MAGIC, paddr, &bi);
    assert_invariants();
    return rc;
}

static void test_mb2_full(void **state)
{
    uint8_t meminfo[8], rsdp[36], fb[24] = { 0 };

    (void)state;
    mb2_begin();
    mb2_str(1, "console=com1 loglvl=all");
    mb2_str(2, "GRUB 2.06");
    mb2_module(0x20000, 0x24000, "vmlinuz console=hvc0");
    mb2_module(0x24000, 0x30000, "");
    put32(meminfo, 639);
    put32(meminfo + 4, 130048);
    mb2_tag(4, meminfo, 8);
    mb2_tag(8, fb, sizeof(fb));        /* framebuffer: ignored */
    mb2_mmap_tag(24, 0, 4);
    make_rsdp(rsdp, 0);
    mb2_tag(14, rsdp, 20);
    make_rsdp(rsdp, 2);
    mb2_tag(15, rsdp, 36);
    mb2_tag(99, fb, 3);                /* unknown: ignored */
    mb2_end();

    assert_int_equal(mb2_parse_at(INFO), 0);
    assert_int_equal(bi.protocol, 2);
    assert_int_equal(bi.nr_problems, 0);
    assert_string_equal(bi.cmdline, "console=com1 loglvl=all");
    assert_string_equal(bi.loader_name, "GRUB 2.06");
    assert_int_equal(bi.nr_modules, 2);
    assert_int_equal(bi.modules[0].start, 0x20000);
    assert_int_equal(bi.modules[0].end, 0x24000);
    assert_string_equal(bi.modules[0].cmdline, "vmlinuz console=hvc0");
    assert_string_equal(bi.modules[1].cmdline, "");
    assert_true(bi.has_mem_basic);
    assert_int_equal(bi.mem_upper_kib, 130048);
    assert_true(bi.has_mmap);
    assert_int_equal(bi.nr_mmap, 4);
    assert_int_equal(bi.mmap[3].addr, 0x600000);
    assert_int_equal(bi.mmap[3].len, 0x1ff000);
    assert_int_equal(bi.mmap[1].type, 2);
    assert_true(bi.has_rsdp);
    assert_int_equal(bi.rsdp_revision, 2);
    /* The RSDP copy sits right after the tag-15 header. */
    {
        const uint8_t *r = sim_frame(bi.rsdp_paddr >> 12) + (bi.rsdp_paddr & 0xfff);
        assert_memory_equal(r, "RSD PTR ", 8);
        assert_int_equal(r[15], 2);
    }
}

static void test_mb2_header(void **state)
{
    (void)state;
    mb2_begin();
    mb2_mmap_tag(24, 0, 1);
    mb2_end();
    assert_true(sim_write_phys(INFO, buf, blen));
    /* Misaligned. */
    assert_int_equal(multiboot_parse(MULTIBOOT2_BOOTLOADER_MAGIC, INFO + 4, &bi), -XEN_EINVAL);
    assert_int_equal(problem(BOOT_PROBLEM_INFO_MISALIGNED)->value, INFO + 4);
    /* Page 0 and beyond memory. */
    assert_int_equal(multiboot_parse(MULTIBOOT2_BOOTLOADER_MAGIC, 0x8, &bi), -XEN_EFAULT);
    assert_int_equal(problems(BOOT_PROBLEM_INFO_UNREADABLE), 1);
    assert_int_equal(multiboot_parse(MULTIBOOT2_BOOTLOADER_MAGIC, MEM_END, &bi), -XEN_EFAULT);
    assert_int_equal(multiboot_parse(MULTIBOOT2_BOOTLOADER_MAGIC, 0xfffffffffffffff8ULL, &bi),
                     -XEN_EFAULT);
    /* total_size too small, too large, zero. */
    poke32(INFO, 15);
    assert_int_equal(multiboot_parse(MULTIBOOT2_BOOTLOADER_MAGIC, INFO, &bi), -XEN_EINVAL);
    assert_int_equal(problem(BOOT_PROBLEM_BAD_TOTAL_SIZE)->value, 15);
    poke32(INFO, 0);
    assert_int_equal(multiboot_parse(MULTIBOOT2_BOOTLOADER_MAGIC, INFO, &bi), -XEN_EINVAL);
    poke32(INFO, BOOT_INFO_MAX_BYTES + 8);
    assert_int_equal(multiboot_parse(MULTIBOOT2_BOOTLOADER_MAGIC, INFO, &bi), -XEN_EINVAL);
    poke32(INFO, 0xfffffff8U);
    assert_int_equal(multiboot_parse(MULTIBOOT2_BOOTLOADER_MAGIC, INFO, &bi), -XEN_EINVAL);
    /* total_size running past the end of memory. */
    poke32(MEM_END - 16, 4096);
    assert_int_equal(multiboot_parse(MULTIBOOT2_BOOTLOADER_MAGIC, MEM_END - 16, &bi),
                     -XEN_EFAULT);
    assert_int_equal(problem(BOOT_PROBLEM_INFO_UNREADABLE)->value, MEM_END - 16);
    /* The smallest valid structure: header + end tag, no map. */
    poke32(MEM_END - 16, 16);
    poke32(MEM_END - 8, 0);
    poke32(MEM_END - 4, 8);
    assert_int_equal(multiboot_parse(MULTIBOOT2_BOOTLOADER_MAGIC, MEM_END - 16, &bi), 0);
    assert_int_equal(bi.nr_problems, 1);
    assert_int_equal(problems(BOOT_PROBLEM_NO_MEMORY_MAP), 1);
}

static void test_mb2_tag_framing(void **state)
{
    uint8_t pad[16] = { 0 };

    (void)state;
    /* A tag smaller than its header stops the walk. */
    mb2_begin();
    mb2_mmap_tag(24, 0, 1);
    mb2_raw(1, 7, NULL, 0);
    mb2_end();
    assert_int_equal(mb2_parse_at(INFO), 0);
    assert_int_equal(problem(BOOT_PROBLEM_BAD_TAG_SIZE)->index, 1);
    assert_int_equal(problem(BOOT_PROBLEM_BAD_TAG_SIZE)->value, 7);
    assert_false(bi.has_cmdline);
    assert_int_equal(bi.nr_mmap, 1);
    assert_int_equal(problems(BOOT_PROBLEM_NO_END_TAG), 0);

    /* A tag overrunning total_size. */
    mb2_begin();
    mb2_raw(1, 0x10000, "abc", 4);
    mb2_end();
    assert_int_equal(mb2_parse_at(INFO), 0);
    assert_int_equal(problem(BOOT_PROBLEM_TRUNCATED_TAG)->value, 0x10000);
    assert_false(bi.has_cmdline);
    assert_int_equal(problems(BOOT_PROBLEM_NO_MEMORY_MAP), 1);
    /* Overrunning by exactly one byte. */
    mb2_begin();
    mb2_raw(1, 17, "abcdefgh", 8);
    put32(buf, (uint32_t)blen);
    assert_int_equal(mb2_parse_at(INFO), 0);
    assert_int_equal(problems(BOOT_PROBLEM_TRUNCATED_TAG), 1);

    /* No end tag: total_size ends right after a tag. */
    mb2_begin();
    mb2_mmap_tag(24, 0, 1);
    put32(buf, (uint32_t)blen);
    assert_int_equal(mb2_parse_at(INFO), 0);
    assert_int_equal(problems(BOOT_PROBLEM_NO_END_TAG), 1);
    assert_int_equal(bi.nr_mmap, 1);
    /* ... or 4 bytes after it. */
    put32(buf, (uint32_t)blen + 4);
    assert_int_equal(mb2_parse_at(INFO), 0);
    assert_int_equal(problems(BOOT_PROBLEM_NO_END_TAG), 1);
    /* ... or the last tag's padding runs past total_size. */
    mb2_begin();
    mb2_mmap_tag(24, 0, 1);
    mb2_raw(2, 9, "x", 1);
    put32(buf, (uint32_t)blen - 7);
    assert_int_equal(mb2_parse_at(INFO), 0);
    assert_int_equal(problems(BOOT_PROBLEM_NO_END_TAG), 1);
    assert_string_equal(bi.loader_name, "x");
    /* Tags after the end tag are not looked at. */
    mb2_begin();
    mb2_mmap_tag(24, 0, 1);
    mb2_raw(0, 8, NULL, 0);
    mb2_str(1, "hidden");
    put32(buf, (uint32_t)blen);
    assert_int_equal(mb2_parse_at(INFO), 0);
    assert_false(bi.has_cmdline);
    assert_int_equal(bi.nr_problems, 0);
    (void)pad;
}

static void test_mb2_strings(void **state)
{
    char big[BOOT_CMDLINE_MAX + 50];

    (void)state;
    /* Duplicates, unterminated, truncated. */
    mb2_begin();
    mb2_mmap_tag(24, 0, 1);
    mb2_str(1, "first");
    mb2_str(1, "second");
    mb2_str(2, "loader");
    mb2_str(2, "other loader");
    mb2_end();
    assert_int_equal(mb2_parse_at(INFO), 0);
    assert_string_equal(bi.cmdline, "first");
    assert_string_equal(bi.loader_name, "loader");
    assert_int_equal(problems(BOOT_PROBLEM_DUPLICATE_TAG), 2);
    assert_int_equal(bi.problems[0].index, 2);
    assert_int_equal(bi.problems[0].value, 1);
    assert_int_equal(bi.problems[1].value, 2);

    mb2_begin();
    mb2_mmap_tag(24, 0, 1);
    mb2_tag(1, "unterminated", 12);
    mb2_tag(2, "", 0);
    mb2_end();
    assert_int_equal(mb2_parse_at(INFO), 0);
    assert_true(bi.has_cmdline);
    assert_string_equal(bi.cmdline, "unterminated");
    assert_int_equal(problems(BOOT_PROBLEM_STRING_UNTERMINATED), 2);
    assert_string_equal(bi.loader_name, "");

    memset(big, 'c', sizeof(big));
    big[sizeof(big) - 1] = '\0';
    mb2_begin();
    mb2_mmap_tag(24, 0, 1);
    mb2_str(1, big);
    mb2_str(2, big);
    mb2_end();
    assert_int_equal(mb2_parse_at(INFO), 0);
    assert_true(bi.cmdline_truncated);
    assert_int_equal(strlen(bi.cmdline), BOOT_CMDLINE_MAX - 1);
    assert_true(bi.loader_name_truncated);
    assert_int_equal(strlen(bi.loader_name), BOOT_LOADER_NAME_MAX - 1);
    assert_int_equal(problems(BOOT_PROBLEM_STRING_TRUNCATED), 2);
    assert_int_equal(problems(BOOT_PROBLEM_STRING_UNTERMINATED), 0);
    /* Unterminated and too long: both reported. */
    mb2_begin();
    mb2_mmap_tag(24, 0, 1);
    mb2_tag(1, big, BOOT_CMDLINE_MAX + 10);
    mb2_end();
    assert_int_equal(mb2_parse_at(INFO), 0);
    assert_int_equal(problems(BOOT_PROBLEM_STRING_TRUNCATED), 1);
    assert_int_equal(problems(BOOT_PROBLEM_STRING_UNTERMINATED), 1);
}

static void test_mb2_modules(void **state)
{
    char longstr[BOOT_MOD_CMDLINE_MAX + 20];
    uint8_t p[8] = { 0 };

    (void)state;
    memset(longstr, 'q', sizeof(longstr));
    longstr[sizeof(longstr) - 1] = '\0';
    mb2_begin();
    mb2_mmap_tag(24, 0, 1);
    mb2_module(0x30000, 0x20000, "backwards");
    mb2_raw(3, 15, p, 7);                 /* too small */
    mb2_raw(3, 16, p, 8);                 /* no room for the string */
    mb2_module(0x20000, 0x21000, longstr);
    for (uint32_t i = 0; i < 20; i++)
        mb2_module(0x40000 + i * 0x1000, 0x41000 + i * 0x1000, "m");
    mb2_end();
    assert_int_equal(mb2_parse_at(INFO), 0);
    assert_int_equal(problem(BOOT_PROBLEM_MODULE_END_BEFORE_START)->index, 1);
    assert_int_equal(problem(BOOT_PROBLEM_MODULE_END_BEFORE_START)->value, 0x20000);
    assert_int_equal(problem(BOOT_PROBLEM_BAD_TAG_SIZE)->index, 2);
    assert_int_equal(problem(BOOT_PROBLEM_STRING_UNTERMINATED)->index, 3);
    assert_int_equal(problem(BOOT_PROBLEM_STRING_TRUNCATED)->index, 4);
    assert_int_equal(bi.nr_modules, BOOT_MODULES_MAX);
    assert_true(bi.modules_overflow);
    assert_int_equal(problems(BOOT_PROBLEM_TOO_MANY_MODULES), 1);
    assert_int_equal(problem(BOOT_PROBLEM_TOO_MANY_MODULES)->index, 19);
    assert_true(bi.modules[1].cmdline_truncated);
    assert_string_equal(bi.modules[0].cmdline, "");
    assert_int_equal(bi.modules[15].start, 0x40000 + 13 * 0x1000);
}

static void test_mb2_mmap(void **state)
{
    uint8_t small[4] = { 0 };

    (void)state;
    /* Bad entry sizes: no map at all. */
    static const uint32_t bad_sizes[] = { 0, 16, 20, 28, 0xfffffff9U };
    for (size_t i = 0; i < HV_ARRAY_SIZE(bad_sizes); i++) {
        mb2_begin();
        mb2_mmap_tag(24, 0, 2);
        put32(buf + 16, bad_sizes[i]);
        mb2_end();
        assert_int_equal(mb2_parse_at(INFO), 0);
        assert_int_equal(problem(BOOT_PROBLEM_BAD_MMAP_ENTRY_SIZE)->value, bad_sizes[i]);
        assert_int_equal(problems(BOOT_PROBLEM_NO_MEMORY_MAP), 1);
        assert_false(bi.has_mmap);
    }
    /* An entry size larger than the tag: no entries, all trailing. */
    mb2_begin();
    mb2_mmap_tag(24, 0, 2);
    put32(buf + 16, 0xfffffff8U);
    mb2_end();
    assert_int_equal(mb2_parse_at(INFO), 0);
    assert_int_equal(bi.nr_mmap, 0);
    assert_int_equal(problem(BOOT_PROBLEM_MMAP_TRAILING_BYTES)->value, 48);
    assert_int_equal(problems(BOOT_PROBLEM_EMPTY_MEMORY_MAP), 1);
    /* Tag too small for its header. */
    mb2_begin();
    mb2_tag(6, small, 4);
    mb2_end();
    assert_int_equal(mb2_parse_at(INFO), 0);
    assert_int_equal(problem(BOOT_PROBLEM_BAD_TAG_SIZE)->value, 12);
    assert_int_equal(problems(BOOT_PROBLEM_NO_MEMORY_MAP), 1);
    /* Zero entries; version 1; trailing bytes; larger entries. */
    mb2_begin();
    mb2_mmap_tag(24, 0, 0);
    mb2_end();
    assert_int_equal(mb2_parse_at(INFO), 0);
    assert_true(bi.has_mmap);
    assert_int_equal(problems(BOOT_PROBLEM_EMPTY_MEMORY_MAP), 1);
    mb2_begin();
    mb2_mmap_tag(32, 1, 3);
    put32(buf + 12, 16 + 3 * 32 + 8);   /* 8 extra bytes in the tag */
    mb2_end();
    assert_int_equal(mb2_parse_at(INFO), 0);
    assert_int_equal(bi.nr_mmap, 3);
    assert_int_equal(bi.mmap[2].addr, 0x400000);
    assert_int_equal(problem(BOOT_PROBLEM_MMAP_ENTRY_VERSION)->value, 1);
    assert_int_equal(problem(BOOT_PROBLEM_MMAP_TRAILING_BYTES)->value, 8);
    /* Duplicate map; overflow. */
    mb2_begin();
    mb2_mmap_tag(24, 0, 1);
    mb2_mmap_tag(24, 0, 200);
    mb2_end();
    assert_int_equal(mb2_parse_at(INFO), 0);
    assert_int_equal(bi.nr_mmap, 1);
    assert_int_equal(problem(BOOT_PROBLEM_DUPLICATE_TAG)->value, 6);
    mb2_begin();
    mb2_mmap_tag(24, 0, 300);
    mb2_end();
    assert_int_equal(mb2_parse_at(INFO), 0);
    assert_int_equal(bi.nr_mmap, BOOT_MMAP_MAX);
    assert_true(bi.mmap_overflow);
    assert_int_equal(problems(BOOT_PROBLEM_MMAP_OVERFLOW), 1);
    /* Meminfo too small. */
    mb2_begin();
    mb2_mmap_tag(24, 0, 1);
    mb2_tag(4, small, 4);
    mb2_end();
    assert_int_equal(mb2_parse_at(INFO), 0);
    assert_false(bi.has_mem_basic);
    assert_int_equal(problems(BOOT_PROBLEM_BAD_TAG_SIZE), 1);
}

static void test_mb2_rsdp(void **state)
{
    uint8_t r1[36], r2[36], bad[36];

    (void)state;
    make_rsdp(r1, 0);
    make_rsdp(r2, 2);
    /* v1 only, then v2 after v1 wins, v1 after v2 is ignored. */
    mb2_begin();
    mb2_mmap_tag(24, 0, 1);
    mb2_tag(14, r1, 20);
    mb2_end();
    assert_int_equal(mb2_parse_at(INFO), 0);
    assert_true(bi.has_rsdp);
    assert_int_equal(bi.rsdp_revision, 1);
    assert_int_equal(bi.rsdp_paddr, INFO + 8 + 40 + 8);
    assert_int_equal(bi.nr_problems, 0);
    mb2_begin();
    mb2_mmap_tag(24, 0, 1);
    mb2_tag(15, r2, 36);
    mb2_tag(14, r1, 20);
    mb2_end();
    assert_int_equal(mb2_parse_at(INFO), 0);
    assert_int_equal(bi.rsdp_revision, 2);
    assert_int_equal(bi.rsdp_paddr, INFO + 8 + 40 + 8);
    assert_int_equal(bi.nr_problems, 0);
    /* Duplicates. */
    mb2_begin();
    mb2_mmap_tag(24, 0, 1);
    mb2_tag(14, r1, 20);
    mb2_tag(14, r1, 20);
    mb2_tag(15, r2, 36);
    mb2_tag(15, r2, 36);
    mb2_end();
    assert_int_equal(mb2_parse_at(INFO), 0);
    assert_int_equal(bi.rsdp_revision, 2);
    assert_int_equal(problems(BOOT_PROBLEM_DUPLICATE_TAG), 2);
    /* Too small, bad signature, bad checksum, bad extended checksum. */
    mb2_begin();
    mb2_mmap_tag(24, 0, 1);
    mb2_tag(14, r1, 19);
    mb2_tag(15, r2, 35);
    memcpy(bad, r1, 36);
    bad[0] = 'X';
    mb2_tag(14, bad, 20);
    memcpy(bad, r1, 36);
    bad[9] ^= 1;
    mb2_tag(14, bad, 20);
    memcpy(bad, r2, 36);
    bad[30] ^= 1;
    mb2_tag(15, bad, 36);
    mb2_end();
    assert_int_equal(mb2_parse_at(INFO), 0);
    assert_false(bi.has_rsdp);
    assert_int_equal(problems(BOOT_PROBLEM_BAD_TAG_SIZE), 2);
    assert_int_equal(problems(BOOT_PROBLEM_BAD_RSDP), 3);
    assert_int_equal(problem(BOOT_PROBLEM_BAD_RSDP)->value, 1);
    assert_int_equal(bi.problems[4].value, 2);
}

static void test_problem_texts(void **state)
{
    (void)state;
    for (int k = 0; k <= BOOT_PROBLEM_KIND_MAX; k++) {
        const char *t = boot_problem_text((enum boot_problem_kind)k);
        assert_non_null(t);
        assert_string_not_equal(t, "unknown problem");
        for (int j = 0; j < k; j++)
            assert_string_not_equal(t, boot_problem_text((enum boot_problem_kind)j));
    }
    assert_string_equal(boot_problem_text((enum boot_problem_kind)1000), "unknown problem");
    assert_string_equal(boot_problem_text(BOOT_PROBLEM_NO_MEMORY_MAP), "no memory map");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_mb1_full, setup),
        cmocka_unit_test_setup(test_mb1_minimal, setup),
        cmocka_unit_test_setup(test_mb1_info_unreadable, setup),
        cmocka_unit_test_setup(test_bad_magic, setup),
        cmocka_unit_test_setup(test_mb1_strings, setup),
        cmocka_unit_test_setup(test_mb1_modules, setup),
        cmocka_unit_test_setup(test_mb1_mmap, setup),
        cmocka_unit_test_setup(test_problem_overflow, setup),
        cmocka_unit_test_setup(test_mb2_full, setup),
        cmocka_unit_test_setup(test_mb2_header, setup),
        cmocka_unit_test_setup(test_mb2_tag_framing, setup),
        cmocka_unit_test_setup(test_mb2_strings, setup),
        cmocka_unit_test_setup(test_mb2_modules, setup),
        cmocka_unit_test_setup(test_mb2_mmap, setup),
        cmocka_unit_test_setup(test_mb2_rsdp, setup),
        cmocka_unit_test_setup(test_problem_texts, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
