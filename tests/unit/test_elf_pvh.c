// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the PVH kernel parser (src/core/elf_pvh.c): ELF32 and ELF64
 * images built in memory, then damaged one field at a time; every refusal
 * must come with its own code and a message naming the problem and the
 * values.  The parser never reads outside the buffer: each image is parsed
 * at the end of a guard-free heap block (ASan in the fuzzer) and every
 * prefix of a valid image is parsed too.
 *
 * With ELF_PVH_SEED_DIR set, the valid images are also written there as
 * fuzz seeds (fuzz/corpus/elf_pvh was made that way).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/elf_pvh.h"
#include "xen/pvh.h"

#define BUF_MAX   0x8000U
#define PHDRS_AT  0x40U
#define NOTES_AT  0xF00U
#define SHDRS_AT  0x1000U
#define DATA_AT   0x2000U
#define MAX_SEGS  20U

/* ---- a small ELF writer ------------------------------------------------------------ */

struct mk_seg {
    uint32_t type;
    uint64_t paddr, filesz, memsz;
};

struct mk_elf {
    bool is64;
    uint16_t machine;
    uint32_t nseg;
    struct mk_seg seg[MAX_SEGS];
    uint64_t entry;
    unsigned entry_size;     /* 4 or 8; 0: no PHYS32_ENTRY note */
    uint64_t entry2;         /* second PHYS32_ENTRY note when non-zero */
    bool pv_note;            /* XEN_ELFNOTE_ENTRY */
    bool note_phdr;          /* a PT_NOTE program header */
    bool sections;           /* a section table with an SHT_NOTE */
    /* where things went */
    size_t len;
    uint64_t seg_off[MAX_SEGS];
    uint64_t entry_note;     /* file offset of the PHYS32_ENTRY note header */
    uint64_t notes_len;
};

static uint8_t buf[BUF_MAX];

static void put(uint8_t *b, uint64_t off, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        b[off + i] = (uint8_t)(v >> (8 * i));
}

static unsigned W(const struct mk_elf *m)                 /* class word size */
{
    return m->is64 ? 8U : 4U;
}

static uint64_t ph_at(const struct mk_elf *m, unsigned i)
{
    return PHDRS_AT + (uint64_t)i * (m->is64 ? 56U : 32U);
}

/* Offsets of program header fields: offset, paddr, filesz, memsz, align. */
enum ph_field { PH_OFFSET, PH_PADDR, PH_FILESZ, PH_MEMSZ, PH_ALIGN };

static void ph_put(const struct mk_elf *m, unsigned i, enum ph_field f, uint64_t v)
{
    static const unsigned off32[] = { 4, 12, 16, 20, 28 }, off64[] = { 8, 24, 32, 40, 48 };

    put(buf, ph_at(m, i) + (m->is64 ? off64[f] : off32[f]), v, W(m));
}

static uint64_t note(uint64_t at, const char *name, uint32_t type, uint64_t desc, unsigned dsz)
{
    uint32_t nsz = (uint32_t)strlen(name) + 1U;

    put(buf, at, nsz, 4);
    put(buf, at + 4, dsz, 4);
    put(buf, at + 8, type, 4);
    memcpy(&buf[at + 12], name, nsz);
    at += 12U + ((nsz + 3U) & ~3U);
    put(buf, at, desc, dsz);
    return at + ((dsz + 3U) & ~3U);
}

static uint64_t write_notes(struct mk_elf *m)
{
    uint64_t at = NOTES_AT;

    at = note(at, "Xen", XEN_ELFNOTE_GUEST_OS, 0x78756e696cULL, 6);     /* "linux" */
    at = note(at, "GNU", 3, 0x1122334455667788ULL, 8);
    if (m->pv_note)
        at = note(at, "Xen", XEN_ELFNOTE_ENTRY, 0xffffffff81000000ULL, 8);
    m->entry_note = at;
    if (m->entry_size != 0)
        at = note(at, "Xen", XEN_ELFNOTE_PHYS32_ENTRY, m->entry, m->entry_size);
    if (m->entry2 != 0)
        at = note(at, "Xen", XEN_ELFNOTE_PHYS32_ENTRY, m->entry2, 4);
    m->notes_len = at - NOTES_AT;
    return at;
}

static void write_phdrs(struct mk_elf *m)
{
    uint64_t data = DATA_AT;

    m->len = DATA_AT;
    for (unsigned i = 0; i < m->nseg; i++) {
        put(buf, ph_at(m, i), m->seg[i].type, 4);
        m->seg_off[i] = m->seg[i].filesz != 0 ? data : 0;
        ph_put(m, i, PH_OFFSET, m->seg_off[i]);
        ph_put(m, i, PH_PADDR, m->seg[i].paddr);
        put(buf, ph_at(m, i) + (m->is64 ? 16U : 8U), m->seg[i].paddr + 0x80000000U, W(m));
        ph_put(m, i, PH_FILESZ, m->seg[i].filesz);
        ph_put(m, i, PH_MEMSZ, m->seg[i].memsz);
        ph_put(m, i, PH_ALIGN, 0x1000);
        for (uint64_t k = 0; k < m->seg[i].filesz && data + k < BUF_MAX; k++)
            buf[data + k] = (uint8_t)(0x11U * (i + 1U) + k * 7U);
        if (m->seg[i].filesz != 0)
            m->len = data + m->seg[i].filesz;     /* the file ends with the last file bytes */
        data += (m->seg[i].filesz + 0xFFFU) & ~0xFFFULL;
    }
    if (m->note_phdr) {
        unsigned i = m->nseg;

        put(buf, ph_at(m, i), 4, 4);                  /* PT_NOTE */
        ph_put(m, i, PH_OFFSET, NOTES_AT);
        ph_put(m, i, PH_FILESZ, m->notes_len);
        ph_put(m, i, PH_MEMSZ, m->notes_len);
        ph_put(m, i, PH_ALIGN, 4);
    }
}

static void write_sections(const struct mk_elf *m)
{
    unsigned sz = m->is64 ? 64U : 40U, off = m->is64 ? 24U : 16U, size = m->is64 ? 32U : 20U;
    unsigned align = m->is64 ? 48U : 32U;

    /* [0] null, [1] SHT_NOTE over the notes, [2] SHT_PROGBITS */
    put(buf, SHDRS_AT + sz + 4, 7, 4);
    put(buf, SHDRS_AT + sz + off, NOTES_AT, W(m));
    put(buf, SHDRS_AT + sz + size, m->notes_len, W(m));
    put(buf, SHDRS_AT + sz + align, 4, W(m));
    put(buf, SHDRS_AT + 2 * sz + 4, 1, 4);
    put(buf, SHDRS_AT + 2 * sz + off, DATA_AT, W(m));
    put(buf, SHDRS_AT + 2 * sz + size, 0x100, W(m));
}

static void write_ehdr(const struct mk_elf *m)
{
    static const uint8_t ident[] = { 0x7f, 'E', 'L', 'F', 0, 1, 1, 0 };

    memcpy(buf, ident, sizeof(ident));
    buf[4] = m->is64 ? 2 : 1;
    put(buf, 16, 2, 2);                                   /* ET_EXEC */
    put(buf, 18, m->machine, 2);
    put(buf, 20, 1, 4);
    put(buf, 24, 0xffffffff81000000ULL, W(m));            /* e_entry: unused */
    put(buf, m->is64 ? 32 : 28, PHDRS_AT, W(m));
    put(buf, m->is64 ? 40 : 32, m->sections ? SHDRS_AT : 0, W(m));
    put(buf, m->is64 ? 52 : 40, m->is64 ? 64 : 52, 2);
    put(buf, m->is64 ? 54 : 42, m->is64 ? 56 : 32, 2);
    put(buf, m->is64 ? 56 : 44, m->nseg + (m->note_phdr ? 1U : 0U), 2);
    put(buf, m->is64 ? 58 : 46, m->is64 ? 64 : 40, 2);
    put(buf, m->is64 ? 60 : 48, m->sections ? 3 : 0, 2);
}

static size_t mk_build(struct mk_elf *m)
{
    memset(buf, 0, sizeof(buf));
    write_notes(m);
    write_phdrs(m);
    if (m->sections)
        write_sections(m);
    write_ehdr(m);
    return m->len;
}

/*
 * The standard image: text at 0x100000 (0x1800 file bytes, 0x3000 in memory),
 * data at 0x200000 (0x100 / 0x1000), a PT_GNU_STACK, entry 0x100040.
 */
static struct mk_elf std_elf(bool is64)
{
    struct mk_elf m = { .is64 = is64, .machine = 62, .nseg = 3, .entry = 0x100040,
                        .entry_size = is64 ? 8 : 4, .note_phdr = true, .sections = true };

    m.seg[0] = (struct mk_seg){ 1, 0x100000, 0x1800, 0x3000 };
    m.seg[1] = (struct mk_seg){ 1, 0x200000, 0x100, 0x1000 };
    m.seg[2] = (struct mk_seg){ 0x6474e551U, 0, 0, 0 };
    return m;
}

/* ---- checking ------------------------------------------------------------------------ */

static struct elf_pvh_image im;
static struct elf_pvh_error er;

/* Parse len bytes of buf from a heap copy of exactly that size. */
static int parse(size_t len)
{
    uint8_t *copy = len ? malloc(len) : NULL;
    int rc;

    if (len)
        memcpy(copy, buf, len);
    rc = elf_pvh_parse(copy, len, &im, &er);
    free(copy);
    assert_true(er.len < ELF_PVH_MSG_MAX);
    assert_int_equal(strlen(er.msg), er.len);
    assert_int_equal(rc == 0, er.code == ELF_PVH_OK);
    return rc;
}

static void expect(size_t len, enum elf_pvh_code code, const char *s1, const char *s2)
{
    assert_int_equal(parse(len), -XEN_EINVAL);
    if (er.code != code)
        fail_msg("code %d, expected %d: %s", er.code, code, er.msg);
    if (strstr(er.msg, s1) == NULL || (s2 != NULL && strstr(er.msg, s2) == NULL))
        fail_msg("message \"%s\" lacks \"%s\" / \"%s\"", er.msg, s1, s2 ? s2 : "");
}

static void test_valid(void **state)
{
    (void)state;
    for (int is64 = 0; is64 < 2; is64++) {
        struct mk_elf m = std_elf(is64);
        size_t len = mk_build(&m);

        assert_int_equal(parse(len), 0);
        assert_int_equal(er.len, 0);
        assert_int_equal(im.elf_class, is64 ? 64 : 32);
        assert_int_equal(im.machine, 62);
        assert_int_equal(im.entry, 0x100040);
        assert_int_equal(im.e_entry, is64 ? 0xffffffff81000000ULL : 0x81000000ULL);
        assert_false(im.note_in_section);
        assert_int_equal(im.nr_loads, 2);
        assert_int_equal(im.loads[0].paddr, 0x100000);
        assert_int_equal(im.loads[0].filesz, 0x1800);
        assert_int_equal(im.loads[0].memsz, 0x3000);
        assert_int_equal(im.loads[0].offset, m.seg_off[0]);
        assert_int_equal(im.loads[1].paddr, 0x200000);
        assert_int_equal(im.loads[1].offset, m.seg_off[1]);
        assert_int_equal(im.start, 0x100000);
        assert_int_equal(im.end, 0x201000);
    }
}

static void test_machine_choice(void **state)
{
    struct mk_elf m = std_elf(false);
    (void)state;

    m.machine = 3;                                      /* ELF32 EM_386: a 32-bit PVH kernel */
    assert_int_equal(parse(mk_build(&m)), 0);
    assert_int_equal(im.machine, 3);
    m = std_elf(true);
    m.machine = 3;
    expect(mk_build(&m), ELF_PVH_ERR_MACHINE, "e_machine 3", "ELFCLASS64");
    m.machine = 40;                                     /* ARM */
    expect(mk_build(&m), ELF_PVH_ERR_MACHINE, "e_machine 40", "EM_X86_64 (62)");
    m = std_elf(false);
    m.machine = 40;
    expect(mk_build(&m), ELF_PVH_ERR_MACHINE, "e_machine 40", "EM_386 (3)");
}

static void test_ident(void **state)
{
    struct mk_elf m = std_elf(true);
    size_t len = mk_build(&m);
    (void)state;

    expect(0, ELF_PVH_ERR_NOT_ELF, "not an ELF", "in 0 bytes");
    expect(3, ELF_PVH_ERR_NOT_ELF, "\\x7fELF", "3 bytes");
    buf[1] = 'e';
    expect(len, ELF_PVH_ERR_NOT_ELF, "no \\x7fELF magic", NULL);
    assert_null(strstr(er.msg, "bzImage"));
    memcpy(&buf[0x202], "HdrS", 4);
    expect(len, ELF_PVH_ERR_NOT_ELF, "bzImage", "vmlinux");
    mk_build(&m);
    expect(15, ELF_PVH_ERR_TRUNCATED, "identification truncated", "15 bytes");
    buf[4] = 3;
    expect(len, ELF_PVH_ERR_CLASS, "EI_CLASS 3", "ELFCLASS64");
    buf[4] = 2;
    buf[5] = 2;
    expect(len, ELF_PVH_ERR_ENDIAN, "EI_DATA 2", "little-endian");
    buf[5] = 1;
    buf[6] = 0;
    expect(len, ELF_PVH_ERR_VERSION, "EI_VERSION 0", "EV_CURRENT");
    buf[6] = 1;
    expect(63, ELF_PVH_ERR_TRUNCATED, "header truncated: 63 bytes", "needs 64");
    m = std_elf(false);
    mk_build(&m);
    expect(51, ELF_PVH_ERR_TRUNCATED, "51 bytes", "needs 52");
    assert_int_equal(parse(len), 0);
}

static void test_header_fields(void **state)
{
    struct mk_elf m = std_elf(true);
    size_t len = mk_build(&m);
    (void)state;

    put(buf, 16, 3, 2);
    expect(len, ELF_PVH_ERR_TYPE, "e_type 3", "ET_EXEC");
    mk_build(&m);
    put(buf, 54, 55, 2);
    expect(len, ELF_PVH_ERR_PHENTSIZE, "e_phentsize 55", "size 56");
    mk_build(&m);
    put(buf, 56, 65, 2);
    expect(len, ELF_PVH_ERR_TOO_MANY_PHDRS, "e_phnum 65", "64");
    put(buf, 56, 0, 2);
    expect(len, ELF_PVH_ERR_NO_LOAD, "no program headers", "e_phnum 0");
    mk_build(&m);
    put(buf, 32, len - 100, 8);
    expect(len, ELF_PVH_ERR_PHDRS_OUTSIDE, "program headers", "224 bytes");
    put(buf, 32, ~0ULL, 8);
    expect(len, ELF_PVH_ERR_PHDRS_OUTSIDE, "0xffffffffffffffff", NULL);
    m = std_elf(false);
    len = mk_build(&m);
    put(buf, 42, 56, 2);
    expect(len, ELF_PVH_ERR_PHENTSIZE, "e_phentsize 56", "size 32");
}

static void test_segments(void **state)
{
    struct mk_elf m = std_elf(true);
    size_t len = mk_build(&m);
    (void)state;

    ph_put(&m, 0, PH_FILESZ, 0x3001);
    expect(len, ELF_PVH_ERR_FILESZ, "program header 0: p_filesz 0x3001", "p_memsz 0x3000");
    mk_build(&m);
    ph_put(&m, 1, PH_FILESZ, 0x800);
    expect(len, ELF_PVH_ERR_SEG_OUTSIDE_FILE, "program header 1: file bytes [0x4000, 0x4800)",
           "16640-byte file");
    mk_build(&m);
    ph_put(&m, 1, PH_OFFSET, ~0ULL - 0x10);
    expect(len, ELF_PVH_ERR_OVERFLOW, "program header 1", "overflows 64 bits");
    mk_build(&m);
    ph_put(&m, 1, PH_PADDR, ~0ULL - 0xfff);
    expect(len, ELF_PVH_ERR_OVERFLOW, "p_paddr 0xfffffffffffff000", "overflows");
    mk_build(&m);
    ph_put(&m, 1, PH_PADDR, 0xfffff800);
    expect(len, ELF_PVH_ERR_ABOVE_4G, "[0xfffff800, 0x100000800)", "above 4 GiB");
    mk_build(&m);
    ph_put(&m, 1, PH_MEMSZ, 0x200000000ULL);                /* absurd size */
    expect(len, ELF_PVH_ERR_ABOVE_4G, "[0x200000, 0x200200000)", "paging off");
    mk_build(&m);
    ph_put(&m, 1, PH_PADDR, 0x102000);
    expect(len, ELF_PVH_ERR_OVERLAP, "segment [0x102000, 0x103000)",
           "overlaps segment [0x100000, 0x103000)");
    /* ELF32: the same address checks in 32-bit fields */
    m = std_elf(false);
    len = mk_build(&m);
    ph_put(&m, 1, PH_PADDR, 0xfffff800);
    expect(len, ELF_PVH_ERR_ABOVE_4G, "[0xfffff800, 0x100000800)", NULL);
    mk_build(&m);
    ph_put(&m, 0, PH_PADDR, 0x1ff000);
    expect(len, ELF_PVH_ERR_OVERLAP, "program header 1: segment [0x200000, 0x201000)",
           "overlaps segment [0x1ff000, 0x202000)");
}

static void test_load_counts(void **state)
{
    struct mk_elf m = std_elf(true);
    (void)state;

    /* 16 loadable segments are fine, 17 are not; empty ones do not count */
    for (unsigned i = 3; i < 17; i++)
        m.seg[i] = (struct mk_seg){ 1, 0x300000 + i * 0x1000, 0, 0x1000 };
    m.nseg = 17;
    assert_int_equal(parse(mk_build(&m)), 0);
    assert_int_equal(im.nr_loads, 16);
    assert_int_equal(im.end, 0x311000);
    m.seg[17] = (struct mk_seg){ 1, 0x400000, 0, 0 };
    m.nseg = 18;
    assert_int_equal(parse(mk_build(&m)), 0);
    m.seg[18] = (struct mk_seg){ 1, 0x500000, 0, 0x1000 };
    m.nseg = 19;
    expect(mk_build(&m), ELF_PVH_ERR_TOO_MANY_LOADS, "program header 18", "more than 16");
    /* nothing loadable */
    m = std_elf(true);
    m.seg[0].type = 0;
    m.seg[1] = (struct mk_seg){ 1, 0x200000, 0, 0 };
    expect(mk_build(&m), ELF_PVH_ERR_NO_LOAD, "no loadable", "among 4 program headers");
}

static void test_notes(void **state)
{
    struct mk_elf m = std_elf(true);
    size_t len;
    (void)state;

    m.entry_size = 0;
    expect(mk_build(&m), ELF_PVH_ERR_NO_PHYS32_ENTRY, "XEN_ELFNOTE_PHYS32_ENTRY", "CONFIG_PVH=y");
    assert_non_null(strstr(er.msg, "CONFIG_XEN_PVH"));
    assert_null(strstr(er.msg, "memory"));
    assert_null(strstr(er.msg, "PV guests"));
    m.pv_note = true;
    expect(mk_build(&m), ELF_PVH_ERR_NO_PHYS32_ENTRY, "CONFIG_PVH=y", "XEN_ELFNOTE_ENTRY is for PV");
    /* 4-byte note in ELF64, 8-byte note in ELF32: both sizes accepted */
    m = std_elf(true);
    m.entry_size = 4;
    assert_int_equal(parse(mk_build(&m)), 0);
    m = std_elf(false);
    m.entry_size = 8;
    assert_int_equal(parse(mk_build(&m)), 0);
    assert_int_equal(im.entry, 0x100040);
    m.entry_size = 2;
    expect(mk_build(&m), ELF_PVH_ERR_ENTRY_NOTE, "holds 2 bytes", "4 or 8");
    m.entry = 0x100000040ULL;
    m.entry_size = 8;
    expect(mk_build(&m), ELF_PVH_ERR_ENTRY_NOTE, "0x100000040", "not a 32-bit address");
    m = std_elf(false);
    m.entry2 = 0x100080;
    expect(mk_build(&m), ELF_PVH_ERR_ENTRY_NOTE, "0x100080 disagrees", "0x100040");
    m.entry2 = 0x100040;                                /* the same value twice is fine */
    assert_int_equal(parse(mk_build(&m)), 0);
    /* a note whose name or value runs past the note area */
    m = std_elf(true);
    len = mk_build(&m);
    put(buf, m.entry_note + 4, 0x100, 4);
    expect(len, ELF_PVH_ERR_BAD_NOTE, "descsz 256", "runs past");
    mk_build(&m);
    put(buf, m.entry_note, 0xfffffff0U, 4);
    expect(len, ELF_PVH_ERR_BAD_NOTE, "namesz 4294967280", NULL);
    /* PT_NOTE outside the file */
    mk_build(&m);
    ph_put(&m, 3, PH_FILESZ, len);
    expect(len, ELF_PVH_ERR_SEG_OUTSIDE_FILE, "program header 3: PT_NOTE", NULL);
    mk_build(&m);
    ph_put(&m, 3, PH_OFFSET, ~0ULL);
    expect(len, ELF_PVH_ERR_SEG_OUTSIDE_FILE, "PT_NOTE at 0xffffffffffffffff", NULL);
}

static void test_entry_position(void **state)
{
    struct mk_elf m = std_elf(true);
    (void)state;

    m.entry = 0x102000;                                 /* in the text segment's bss */
    expect(mk_build(&m), ELF_PVH_ERR_ENTRY_OUTSIDE, "0x102000", "not inside the file bytes");
    m.entry = 0x300000;
    expect(mk_build(&m), ELF_PVH_ERR_ENTRY_OUTSIDE, "0x300000", NULL);
    m.entry = 0x2000ff;                                 /* last file byte of the data segment */
    assert_int_equal(parse(mk_build(&m)), 0);
    m.entry = 0x100000;
    assert_int_equal(parse(mk_build(&m)), 0);
}

static void test_sections(void **state)
{
    struct mk_elf m = std_elf(false);
    size_t len;
    (void)state;

    m.note_phdr = false;                                /* only the SHT_NOTE section has it */
    len = mk_build(&m);
    assert_int_equal(parse(len), 0);
    assert_true(im.note_in_section);
    assert_int_equal(im.entry, 0x100040);
    m.is64 = true;
    m.entry_size = 8;
    len = mk_build(&m);
    assert_int_equal(parse(len), 0);
    assert_true(im.note_in_section);
    put(buf, 58, 40, 2);
    expect(len, ELF_PVH_ERR_BAD_SHDRS, "e_shentsize 40", "e_shnum 3");
    mk_build(&m);
    put(buf, 40, len - 8, 8);
    expect(len, ELF_PVH_ERR_BAD_SHDRS, "section headers unusable", NULL);
    mk_build(&m);
    put(buf, 60, 5000, 2);
    expect(len, ELF_PVH_ERR_BAD_SHDRS, "e_shnum 5000", NULL);
    mk_build(&m);
    put(buf, SHDRS_AT + 64 + 32, 0x10000, 8);           /* SHT_NOTE size */
    expect(len, ELF_PVH_ERR_BAD_SHDRS, "SHT_NOTE section 1", "outside the file");
    /* no sections and no PT_NOTE: no note at all */
    m.sections = false;
    expect(mk_build(&m), ELF_PVH_ERR_NO_PHYS32_ENTRY, "CONFIG_PVH=y", NULL);
    /* a broken section table is not looked at when a PT_NOTE has the note */
    m = std_elf(true);
    len = mk_build(&m);
    put(buf, 58, 3, 2);
    assert_int_equal(parse(len), 0);
    assert_false(im.note_in_section);
}

/* Every prefix of a valid image fails cleanly (or parses, for the full one). */
static void test_prefixes(void **state)
{
    (void)state;
    for (int is64 = 0; is64 < 2; is64++) {
        struct mk_elf m = std_elf(is64);
        size_t len = mk_build(&m);

        for (size_t n = 0; n < len; n++) {
            assert_int_equal(parse(n), -XEN_EINVAL);
            assert_true(er.code != ELF_PVH_OK);
        }
        assert_int_equal(parse(len), 0);
    }
}

static void test_messages(void **state)
{
    char longtext[400];
    (void)state;

    /* only %x and %d are special: "%%" and other characters are copied */
    ELF_PVH_FMT(&er, ELF_PVH_ERR_OVERLAP, "v=%x %x %d %d %% %q %", 0, ~0ULL, 0, ~0ULL);
    assert_string_equal(er.msg, "v=0x0 0xffffffffffffffff 0 18446744073709551615 %% %q %");
    assert_int_equal(er.code, ELF_PVH_ERR_OVERLAP);
    ELF_PVH_ADDF(&er, " %d%x", 7);                       /* a missing value prints as 0 */
    assert_string_equal(er.msg, "v=0x0 0xffffffffffffffff 0 18446744073709551615 %% %q % 70x0");
    elf_pvh_error_set(&er, ELF_PVH_ERR_CLASS, ELF_PVH_LIT("abc"));
    elf_pvh_error_add(&er, ELF_PVH_LIT("de"));
    assert_string_equal(er.msg, "abcde");
    assert_int_equal(er.code, ELF_PVH_ERR_CLASS);
    memset(longtext, 'a', sizeof(longtext));
    elf_pvh_error_add(&er, longtext, sizeof(longtext));
    ELF_PVH_ADDF(&er, "%d", 12345);
    assert_int_equal(er.len, ELF_PVH_MSG_MAX - 1);
    assert_int_equal(strlen(er.msg), ELF_PVH_MSG_MAX - 1);
    elf_pvh_error_clear(&er);
    assert_int_equal(er.code, ELF_PVH_OK);
    assert_string_equal(er.msg, "");
}

/* With ELF_PVH_SEED_DIR set: write the valid images as fuzz seeds. */
static void write_seed(const char *dir, const char *name, size_t len)
{
    char path[512];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(buf, 1, len, f), len);
    fclose(f);
}

static void test_seeds(void **state)
{
    const char *dir = getenv("ELF_PVH_SEED_DIR");
    struct mk_elf m;
    (void)state;

    m = std_elf(true);
    assert_int_equal(parse(mk_build(&m)), 0);
    if (dir)
        write_seed(dir, "elf64-pvh", m.len);
    m = std_elf(false);
    assert_int_equal(parse(mk_build(&m)), 0);
    if (dir)
        write_seed(dir, "elf32-x86_64-pvh", m.len);
    m.machine = 3;
    m.pv_note = true;
    assert_int_equal(parse(mk_build(&m)), 0);
    if (dir)
        write_seed(dir, "elf32-i386-pvh", m.len);
    m = std_elf(true);
    m.note_phdr = false;
    assert_int_equal(parse(mk_build(&m)), 0);
    if (dir)
        write_seed(dir, "elf64-section-note", m.len);
    m = std_elf(true);
    m.entry_size = 0;
    m.pv_note = true;
    assert_int_not_equal(parse(mk_build(&m)), 0);
    if (dir)
        write_seed(dir, "elf64-pv-only", m.len);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_machine_choice),
        cmocka_unit_test(test_ident),
        cmocka_unit_test(test_header_fields),
        cmocka_unit_test(test_segments),
        cmocka_unit_test(test_load_counts),
        cmocka_unit_test(test_notes),
        cmocka_unit_test(test_entry_position),
        cmocka_unit_test(test_sections),
        cmocka_unit_test(test_prefixes),
        cmocka_unit_test(test_messages),
        cmocka_unit_test(test_seeds),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
