// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the PVH domain builder (src/arch/x86_64/pvh_build.c) in the
 * simulator: ELF32 and ELF64 kernels built in memory are loaded into real
 * domains and read back through copy_from_guest_phys (segments, zeroed bss,
 * start_info, command lines, module list, memory map, ACPI page, initrd); every error
 * has its code and message, and the ones found before populating leave the
 * domain without a single frame.  The whole-system checker runs after every
 * build and every domain is destroyed without leaking a frame.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "hv/guest_copy.h"
#include "hv/pvh_build.h"
#include "xen/errno.h"
#include "fixture_machine.h"
#include "sim.h"

#define NR     8192U         /* 32 MiB of machine memory */
#define FIRST  16U
#define MiB    (1ULL << 20)
#define GiB    (1ULL << 30)

static struct frame_desc table[NR];
static uint32_t scratch[NR];
static mfn_t initial_free;

/* ---- a small ELF writer: loads, then one PT_NOTE holding the Xen notes -------------- */

#define IMG_MAX  0x10000U
#define DATA_AT  0x1000U

struct seg {
    uint64_t paddr, filesz, memsz;
};

static uint8_t img[IMG_MAX];
static uint64_t seg_off[8];

static void put(uint64_t off, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        img[off + i] = (uint8_t)(v >> (8 * i));
}

static void put_phdr(bool is64, unsigned i, uint32_t type, uint64_t off, uint64_t paddr,
                     uint64_t filesz, uint64_t memsz)
{
    uint64_t at = (is64 ? 64U : 52U) + i * (is64 ? 56U : 32U);
    unsigned w = is64 ? 8U : 4U;

    put(at, type, 4);
    put(at + (is64 ? 8 : 4), off, w);
    put(at + (is64 ? 24 : 12), paddr, w);
    put(at + (is64 ? 32 : 16), filesz, w);
    put(at + (is64 ? 40 : 20), memsz, w);
    put(at + (is64 ? 48 : 28), 4, w);
}

/* ELF with the given loads and, when entry_note, a PHYS32_ENTRY note. */
static size_t mk_kernel(bool is64, const struct seg *s, unsigned n, uint32_t entry, bool entry_note)
{
    uint64_t data = DATA_AT, notes = 0x800;
    unsigned w = is64 ? 8U : 4U;

    memset(img, 0, sizeof(img));
    memcpy(img, "\x7f" "ELF", 4);
    img[4] = is64 ? 2 : 1;
    img[5] = 1;
    img[6] = 1;
    put(16, 2, 2);
    put(18, 62, 2);
    put(20, 1, 4);
    put(is64 ? 32 : 28, is64 ? 64 : 52, w);              /* e_phoff: right after the header */
    put(is64 ? 54 : 42, is64 ? 56 : 32, 2);
    put(is64 ? 56 : 44, n + 1U, 2);
    for (unsigned i = 0; i < n; i++) {
        seg_off[i] = data;
        put_phdr(is64, i, 1, data, s[i].paddr, s[i].filesz, s[i].memsz);
        for (uint64_t k = 0; k < s[i].filesz; k++)
            img[data + k] = (uint8_t)(0x5aU ^ (i * 31U + k * 13U + (k >> 8)));
        data += (s[i].filesz + 15U) & ~15ULL;
    }
    /* note: namesz 4 "Xen", descsz 4, type 18 */
    put(notes, 4, 4);
    put(notes + 4, 4, 4);
    put(notes + 8, entry_note ? XEN_ELFNOTE_PHYS32_ENTRY : XEN_ELFNOTE_PHYS32_RELOC, 4);
    memcpy(&img[notes + 12], "Xen", 4);
    put(notes + 16, entry, 4);
    put_phdr(is64, n, 4, notes, 0, 20, 20);
    return data;
}

static const struct seg std_segs[2] = { { 0x100000, 0x1800, 0x3000 }, { 0x200000, 0x100, 0x1000 } };

/* ---- fixture ------------------------------------------------------------------------- */

static struct pvh_build_params P;
static struct pvh_build_result R;
static struct elf_pvh_error E;
static uint8_t initrd[10000];

static void check(void)
{
    assert_true(domain_check_invariants(scratch, NR));
}

static int setup(void **state)
{
    (void)state;
    fixture_machine(table, sizeof(table), NR, FIRST);
    initial_free = frame_free_count();
    for (size_t i = 0; i < sizeof(initrd); i++)
        initrd[i] = (uint8_t)(i * 7U + 3U);
    P = (struct pvh_build_params){ .kernel = img, .kernel_len = mk_kernel(true, std_segs, 2, 0x100040, true),
                                   .cmdline = "console=hvc0 root=/dev/ram0",
                                   .initrd = initrd, .initrd_len = sizeof(initrd),
                                   .initrd_cmdline = "initrd.img", .mem_bytes = 16 * MiB + 12 * 1024,
                                   .start_flags = SIF_PRIVILEGED | SIF_INITDOMAIN };
    return 0;
}

/* Create domain 1 with max_pages pages and build it with P. */
static int build(uint64_t max_pages)
{
    int rc;

    assert_int_equal(domain_create(1, max_pages, PTE_FORMAT_NPT), 0);
    rc = pvh_build(domain_find(1), &P, &R, &E);
    assert_true(E.len < ELF_PVH_MSG_MAX);
    assert_int_equal(strlen(E.msg), E.len);
    assert_int_equal(rc == 0, E.code == ELF_PVH_OK);
    check();
    return rc;
}

/* The domain is gone and every frame is back. */
static void destroy(void)
{
    assert_int_equal(domain_destroy(1), 0);
    check();
    assert_int_equal(frame_free_count(), initial_free);
}

/* A refusal found before populating: code, errno, message, no frame used. */
static void expect_early(int errno_, enum elf_pvh_code code, const char *s1, const char *s2)
{
    assert_int_equal(build(P.mem_bytes / PAGE_SIZE + 1), errno_);
    if (E.code != code)
        fail_msg("code %d, expected %d: %s", E.code, code, E.msg);
    if (strstr(E.msg, s1) == NULL || (s2 != NULL && strstr(E.msg, s2) == NULL))
        fail_msg("message \"%s\" lacks \"%s\" / \"%s\"", E.msg, s1, s2 ? s2 : "");
    assert_int_equal(domain_find(1)->tot_pages, 0);
    assert_int_equal(domain_find(1)->p2m.nr_mapped, 0);
    destroy();
}

static void read_guest(uint64_t gpa, void *dst, size_t len)
{
    assert_int_equal(copy_from_guest_phys(&domain_find(1)->p2m, dst, gpa, len), 0);
}

/* ---- tests ----------------------------------------------------------------------------- */

static void test_memmap_layout(void **state)
{
    struct hvm_memmap_table_entry map[PVH_MEMMAP_MAX];
    (void)state;

    assert_int_equal(pvh_memmap_layout(16 * MiB, map), 2);
    assert_int_equal(map[0].addr, 0);
    assert_int_equal(map[0].size, 16 * MiB - 4096);
    assert_int_equal(map[0].type, XEN_HVM_MEMMAP_TYPE_RAM);
    assert_int_equal(map[1].addr, 16 * MiB - 4096);          /* the ACPI page ends low RAM */
    assert_int_equal(map[1].size, 4096);
    assert_int_equal(map[1].type, XEN_HVM_MEMMAP_TYPE_ACPI);
    assert_int_equal(XEN_HVM_MEMMAP_TYPE_ACPI, 3);
    assert_int_equal(pvh_memmap_layout(8192, map), 2);       /* the smallest guest */
    assert_int_equal(map[0].size, 4096);
    assert_int_equal(map[1].addr, 4096);
    assert_int_equal(pvh_memmap_layout(3 * GiB, map), 2);
    assert_int_equal(map[0].size, 3 * GiB - 4096);
    assert_int_equal(map[1].addr + map[1].size, 3 * GiB);
    assert_int_equal(pvh_memmap_layout(3 * GiB + 4096, map), 3);
    assert_int_equal(map[0].size, 3 * GiB - 4096);
    assert_int_equal(map[1].addr, 3 * GiB - 4096);
    assert_int_equal(map[1].type, XEN_HVM_MEMMAP_TYPE_ACPI);
    assert_int_equal(map[2].addr, 4 * GiB);
    assert_int_equal(map[2].size, 4096);
    assert_int_equal(map[2].type, XEN_HVM_MEMMAP_TYPE_RAM);
    assert_int_equal(pvh_memmap_layout(8 * GiB, map), 3);
    assert_int_equal(map[0].size + map[1].size + map[2].size, 8 * GiB);   /* nothing lost */
    assert_int_equal(map[2].addr + map[2].size, 9 * GiB);
    assert_int_equal(map[0].reserved, 0);
    assert_int_equal(map[1].reserved, 0);
    assert_int_equal(map[2].reserved, 0);
}

/*
 * The ACPI page at the top of low RAM: exactly what acpi_build makes for one
 * vCPU at that address (test_acpi_build checks those tables field by
 * field), then zeroes; start_info points at its RSDP.
 */
static void check_acpi_page(uint64_t mem, const struct hvm_start_info *si)
{
    static uint8_t want[4096], got[4096];
    uint64_t rsdp;
    size_t used;

    assert_int_equal(R.acpi_gpa, mem - 4096);
    assert_int_equal(R.rsdp_gpa, R.acpi_gpa);
    assert_int_equal(si->rsdp_paddr, R.rsdp_gpa);
    memset(want, 0, sizeof(want));
    assert_int_equal(acpi_build(want, sizeof(want), R.acpi_gpa, 1, &rsdp, &used), 0);
    assert_int_equal(rsdp, R.rsdp_gpa);
    read_guest(R.acpi_gpa, got, sizeof(got));
    assert_memory_equal(got, want, sizeof(got));
    assert_memory_equal(got, "RSD PTR ", 8);
}

/* Everything the guest gets, read back, for an ELF64 and an ELF32 kernel. */
static void check_guest_image(uint64_t mem)
{
    static uint8_t got[0x3000];
    struct hvm_start_info si;
    struct hvm_modlist_entry mod;
    struct hvm_memmap_table_entry mm[3];
    const struct domain *d = domain_find(1);
    char line[64];

    assert_int_equal(R.entry, 0x100040);
    assert_int_equal(R.kernel_start, 0x100000);
    assert_int_equal(R.kernel_end, 0x201000);
    assert_int_equal(R.start_info_gpa, 0x201000);
    /* segments: file bytes, then zeroes */
    for (unsigned i = 0; i < 2; i++) {
        read_guest(std_segs[i].paddr, got, std_segs[i].memsz);
        assert_memory_equal(got, &img[seg_off[i]], std_segs[i].filesz);
        for (uint64_t k = std_segs[i].filesz; k < std_segs[i].memsz; k++)
            assert_int_equal(got[k], 0);
    }
    read_guest(R.start_info_gpa, &si, sizeof(si));
    assert_int_equal(si.magic, XEN_HVM_START_MAGIC);
    assert_int_equal(si.version, 1);
    assert_int_equal(si.flags, SIF_PRIVILEGED | SIF_INITDOMAIN);
    assert_int_equal(si.nr_modules, 1);
    assert_int_equal(si.modlist_paddr, 0x201000 + PVH_INFO_MODLIST_OFF);
    assert_int_equal(si.cmdline_paddr, 0x201000 + PVH_INFO_CMDLINE_OFF);
    assert_int_equal(si.rsdp_paddr, mem - 4096);
    assert_int_equal(si.memmap_paddr, 0x201000 + PVH_INFO_MEMMAP_OFF);
    assert_int_equal(si.memmap_entries, 2);
    assert_int_equal(si.reserved, 0);
    assert_int_equal(R.modlist_gpa, si.modlist_paddr);
    assert_int_equal(R.memmap_gpa, si.memmap_paddr);
    assert_int_equal(R.cmdline_gpa, si.cmdline_paddr);
    read_guest(si.cmdline_paddr, line, sizeof("console=hvc0 root=/dev/ram0"));
    assert_string_equal(line, "console=hvc0 root=/dev/ram0");
    read_guest(si.memmap_paddr, mm, 2 * sizeof(mm[0]));
    assert_int_equal(mm[0].addr, 0);
    assert_int_equal(mm[0].size, mem - 4096);
    assert_int_equal(mm[0].type, XEN_HVM_MEMMAP_TYPE_RAM);
    assert_int_equal(mm[1].addr, mem - 4096);
    assert_int_equal(mm[1].size, 4096);
    assert_int_equal(mm[1].type, XEN_HVM_MEMMAP_TYPE_ACPI);
    assert_int_equal(d->guest.nr_memmap, 2);
    assert_memory_equal(&d->guest.memmap[0], &mm[0], 2 * sizeof(mm[0]));
    check_acpi_page(mem, &si);
    assert_int_equal(d->guest.start_flags, SIF_PRIVILEGED | SIF_INITDOMAIN);
    read_guest(si.modlist_paddr, &mod, sizeof(mod));
    assert_int_equal(mod.paddr, 0x202000);                  /* first page after the info block */
    assert_int_equal(mod.size, sizeof(initrd));
    assert_int_equal(mod.reserved, 0);
    assert_int_equal(mod.cmdline_paddr, si.cmdline_paddr + sizeof("console=hvc0 root=/dev/ram0"));
    assert_int_equal(R.initrd_cmdline_gpa, mod.cmdline_paddr);
    read_guest(mod.cmdline_paddr, line, sizeof("initrd.img"));
    assert_string_equal(line, "initrd.img");
    assert_int_equal(R.info_end, mod.cmdline_paddr + sizeof("initrd.img"));
    assert_int_equal(R.initrd_gpa, mod.paddr);
    assert_int_equal(R.initrd_size, sizeof(initrd));
    read_guest(mod.paddr, got, sizeof(initrd));
    assert_memory_equal(got, initrd, sizeof(initrd));
}

static void check_ram(uint64_t mem)
{
    const struct domain *d = domain_find(1);
    mfn_t m0, m511;
    unsigned a;
    uint8_t b;

    assert_int_equal(d->tot_pages, mem / PAGE_SIZE);
    assert_int_equal(d->p2m.nr_mapped, mem / PAGE_SIZE);
    read_guest(mem - 1, &b, 1);                               /* the last byte is RAM ... */
    assert_int_equal(copy_from_guest_phys(&d->p2m, &b, mem, 1), -XEN_EFAULT);   /* ... the next is not */
    assert_int_equal(domain_lookup(1, 0, &m0, &a), 0);
    assert_int_equal(domain_lookup(1, 511, &m511, &a), 0);
    assert_int_equal(a, P2M_ACCESS_RWX);
    assert_int_equal(m0 % 512, 0);                            /* a 2 MiB extent */
    assert_int_equal(m511, m0 + 511);
}

static void test_build_elf64(void **state)
{
    (void)state;
    assert_int_equal(build(P.mem_bytes / PAGE_SIZE), 0);      /* max_pages exactly enough */
    assert_string_equal(E.msg, "");
    check_ram(P.mem_bytes);
    check_guest_image(P.mem_bytes);
    destroy();
}

static void test_build_elf32(void **state)
{
    (void)state;
    P.kernel_len = mk_kernel(false, std_segs, 2, 0x100040, true);
    assert_int_equal(build(P.mem_bytes / PAGE_SIZE), 0);
    check_ram(P.mem_bytes);
    check_guest_image(P.mem_bytes);
    destroy();
}

/* No command line, no initrd: zero addresses, no module; an initrd command
 * line without an initrd is ignored. */
static void test_build_minimal(void **state)
{
    struct hvm_start_info si;
    (void)state;

    P.cmdline = NULL;
    P.initrd = NULL;
    P.initrd_len = 0;
    P.start_flags = 0;
    P.mem_bytes = 4 * MiB;
    assert_int_equal(build(1024), 0);
    read_guest(R.start_info_gpa, &si, sizeof(si));
    assert_int_equal(si.flags, 0);
    assert_int_equal(si.nr_modules, 0);
    assert_int_equal(si.modlist_paddr, 0);
    assert_int_equal(si.cmdline_paddr, 0);
    assert_int_equal(si.memmap_entries, 2);
    check_acpi_page(4 * MiB, &si);
    assert_int_equal(R.initrd_gpa, 0);
    assert_int_equal(R.initrd_cmdline_gpa, 0);
    assert_int_equal(R.info_end, R.start_info_gpa + PVH_INFO_CMDLINE_OFF);
    check_ram(4 * MiB);
    destroy();
    /* an empty command line is still a command line */
    P.cmdline = "";
    assert_int_equal(build(1024), 0);
    read_guest(R.start_info_gpa, &si, sizeof(si));
    assert_int_equal(si.cmdline_paddr, R.start_info_gpa + PVH_INFO_CMDLINE_OFF);
    destroy();
}

/* Exactly 2047 characters fit, 2048 do not. */
static void test_cmdline_limits(void **state)
{
    static char longline[PVH_CMDLINE_MAX + 10];
    char last[2];
    (void)state;

    memset(longline, 'x', PVH_CMDLINE_MAX - 1);
    longline[PVH_CMDLINE_MAX - 1] = '\0';
    P.cmdline = longline;
    assert_int_equal(build(8192), 0);
    read_guest(R.cmdline_gpa + PVH_CMDLINE_MAX - 2, last, 2);
    assert_int_equal(last[0], 'x');
    assert_int_equal(last[1], '\0');
    destroy();
    longline[PVH_CMDLINE_MAX - 1] = 'x';
    longline[PVH_CMDLINE_MAX] = '\0';
    expect_early(-XEN_EINVAL, PVH_BUILD_ERR_CMDLINE, "kernel command line", "2047 characters");
    P.cmdline = "ok";
    P.initrd_cmdline = longline;
    expect_early(-XEN_EINVAL, PVH_BUILD_ERR_CMDLINE, "initrd command line", NULL);
}

static void test_param_errors(void **state)
{
    struct domain *d;
    (void)state;

    P.kernel = NULL;
    expect_early(-XEN_EINVAL, PVH_BUILD_ERR_PARAMS, "NULL pointer with a length: kernel ",
                 " bytes at 0x0, initrd 10000 bytes at 0x");
    P.kernel = img;
    P.initrd = NULL;
    expect_early(-XEN_EINVAL, PVH_BUILD_ERR_PARAMS, "initrd 10000 bytes at 0x0", NULL);
    P.initrd = initrd;
    P.start_flags = 4;
    expect_early(-XEN_EINVAL, PVH_BUILD_ERR_PARAMS, "start_flags 0x4", "SIF_INITDOMAIN (2)");
    P.start_flags = 0;
    P.mem_bytes = 0;
    expect_early(-XEN_EINVAL, PVH_BUILD_ERR_MEM_SIZE, "guest memory 0x0", "multiple of 4 KiB");
    P.mem_bytes = 4096;                                   /* the ACPI page alone */
    expect_early(-XEN_EINVAL, PVH_BUILD_ERR_MEM_SIZE, "guest memory 0x1000", "more than the ACPI");
    P.mem_bytes = 16 * MiB + 1;
    expect_early(-XEN_EINVAL, PVH_BUILD_ERR_MEM_SIZE, "0x1000001", NULL);
    P.mem_bytes = PVH_MEM_MAX + 4096;
    expect_early(-XEN_EINVAL, PVH_BUILD_ERR_MEM_SIZE, "at most 1 TiB", NULL);
    P.mem_bytes = 16 * MiB;
    assert_int_equal(build(4095), -XEN_ENOMEM);
    assert_int_equal(E.code, PVH_BUILD_ERR_MAX_PAGES);
    assert_non_null(strstr(E.msg, "guest memory of 16 MiB is more than the domain's max_pages 4095"));
    assert_int_equal(domain_find(1)->tot_pages, 0);
    destroy();
    /* a domain that already has memory */
    assert_int_equal(domain_create(1, 8192, PTE_FORMAT_NPT), 0);
    assert_int_equal(domain_populate(1, 100, 1, 0), 0);
    assert_int_equal(pvh_build(domain_find(1), &P, &R, &E), -XEN_EINVAL);
    assert_int_equal(E.code, PVH_BUILD_ERR_NOT_EMPTY);
    assert_non_null(strstr(E.msg, "domain 1 already holds 1 pages"));
    assert_int_equal(domain_find(1)->tot_pages, 1);
    destroy();
    /* a domain that is gone */
    assert_int_equal(domain_create(1, 8192, PTE_FORMAT_NPT), 0);
    d = domain_find(1);
    destroy();
    assert_int_equal(pvh_build(d, &P, &R, &E), -XEN_EINVAL);
    assert_int_equal(E.code, PVH_BUILD_ERR_PARAMS);
    assert_non_null(strstr(E.msg, "domain 32756 is not live"));
    check();
}

static void test_image_errors(void **state)
{
    (void)state;
    P.kernel_len = mk_kernel(true, std_segs, 2, 0x100040, false);
    expect_early(-XEN_EINVAL, ELF_PVH_ERR_NO_PHYS32_ENTRY, "XEN_ELFNOTE_PHYS32_ENTRY", "CONFIG_PVH=y");
    assert_null(strstr(E.msg, "memory"));
    P.kernel_len = 10;
    expect_early(-XEN_EINVAL, ELF_PVH_ERR_TRUNCATED, "10 bytes", NULL);
    P.kernel_len = 0;
    expect_early(-XEN_EINVAL, ELF_PVH_ERR_NOT_ELF, "not an ELF image", NULL);
}

static void test_layout_errors(void **state)
{
    static const struct seg hole_seg = { 0xC0000000ULL, 0x100, 0x1000 };
    (void)state;

    P.mem_bytes = 1 * MiB;
    expect_early(-XEN_EINVAL, PVH_BUILD_ERR_SEG_OUTSIDE_RAM,
                 "segment [0x100000, 0x103000) outside guest RAM of 1020 KiB",
                 "give the domain more memory (dom0_mem=)");
    P.mem_bytes = 0x200000 + 0x800 * 4096ULL;             /* 10 MiB: the second segment fits */
    assert_int_equal(build(P.mem_bytes / PAGE_SIZE), 0);
    destroy();
    P.mem_bytes = 0x201000;                /* the data segment would overlap the ACPI page */
    expect_early(-XEN_EINVAL, PVH_BUILD_ERR_SEG_OUTSIDE_RAM, "[0x200000, 0x201000)", "of 2 MiB");
    P.mem_bytes = 0x1FF000;                                /* the data segment sticks out */
    expect_early(-XEN_EINVAL, PVH_BUILD_ERR_SEG_OUTSIDE_RAM, "[0x200000, 0x201000)", "of 2040 KiB");
    /* a segment in the MMIO hole of a 3.5 GiB guest (refused before populating) */
    P.kernel_len = mk_kernel(true, &hole_seg, 1, 0xC0000010U, true);
    P.mem_bytes = 3 * GiB + 512 * MiB;
    expect_early(-XEN_EINVAL, PVH_BUILD_ERR_SEG_OUTSIDE_RAM, "[0xc0000000, 0xc0001000)", "MMIO hole");
    /* no room after the kernel for start_info (the page after it holds the ACPI tables) */
    P.kernel_len = mk_kernel(true, std_segs, 2, 0x100040, true);
    P.mem_bytes = 0x202000;
    expect_early(-XEN_EINVAL, PVH_BUILD_ERR_NO_ROOM_INFO, "at 0x201000) after the kernel",
                 "guest RAM ends at 0x201000");
    /* the initrd: one page after the info block fits exactly, one byte more does not */
    P.initrd_len = 4096;
    P.mem_bytes = 0x204000;
    assert_int_equal(build(P.mem_bytes / PAGE_SIZE), 0);
    assert_int_equal(R.initrd_gpa, 0x202000);
    assert_int_equal(R.acpi_gpa, 0x203000);               /* right after the initrd */
    destroy();
    P.initrd_len = 4097;
    expect_early(-XEN_EINVAL, PVH_BUILD_ERR_NO_ROOM_INITRD, "initrd of 4097 bytes at 0x202000",
                 "guest RAM ending at 0x203000");
}

/* Out of frames half-way: -XEN_ENOMEM, and destroy gives everything back. */
static void test_populate_failure(void **state)
{
    mfn_t hv[NR];
    size_t n = 0;
    (void)state;

    while (frame_free_count() > 1000)
        hv[n++] = frame_alloc(0, DOMID_XEN);
    assert_int_equal(build(P.mem_bytes / PAGE_SIZE), -XEN_ENOMEM);
    assert_int_equal(E.code, PVH_BUILD_ERR_POPULATE);
    assert_non_null(strstr(E.msg, "populating guest RAM ["));
    assert_non_null(strstr(E.msg, "failed (error -12): not enough free memory"));
    assert_int_equal(domain_destroy(1), 0);
    check();
    while (n > 0)
        assert_int_equal(frame_free(hv[--n], 0, DOMID_XEN), 0);
    assert_int_equal(frame_free_count(), initial_free);
}

/* No free 2 MiB block anywhere: the builder falls back to 4 KiB pages. */
static void test_fragmented(void **state)
{
    static mfn_t hv[NR];
    size_t n = 0, kept = 0;
    mfn_t m0, m1;
    unsigned a;
    (void)state;

    while (frame_free_count() > 0)
        hv[n++] = frame_alloc(0, DOMID_XEN);
    for (size_t i = 0; i < n; i++) {
        if (hv[i] % 512 == 7)                 /* keep one frame of every 2 MiB block */
            hv[kept++] = hv[i];
        else
            assert_int_equal(frame_free(hv[i], 0, DOMID_XEN), 0);
    }
    P.mem_bytes = 4 * MiB;
    assert_int_equal(build(1024), 0);
    assert_int_equal(domain_find(1)->tot_pages, 1024);
    assert_int_equal(domain_lookup(1, 0, &m0, &a), 0);
    assert_int_equal(domain_lookup(1, 511, &m1, &a), 0);
    assert_true(m1 != m0 + 511);              /* 4 KiB pages: no 2 MiB run exists */
    check_guest_image(4 * MiB);
    assert_int_equal(domain_destroy(1), 0);
    check();
    while (kept > 0)
        assert_int_equal(frame_free(hv[--kept], 0, DOMID_XEN), 0);
    assert_int_equal(frame_free_count(), initial_free);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_memmap_layout),
        cmocka_unit_test_setup(test_build_elf64, setup),
        cmocka_unit_test_setup(test_build_elf32, setup),
        cmocka_unit_test_setup(test_build_minimal, setup),
        cmocka_unit_test_setup(test_cmdline_limits, setup),
        cmocka_unit_test_setup(test_param_errors, setup),
        cmocka_unit_test_setup(test_image_errors, setup),
        cmocka_unit_test_setup(test_layout_errors, setup),
        cmocka_unit_test_setup(test_populate_failure, setup),
        cmocka_unit_test_setup(test_fragmented, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
