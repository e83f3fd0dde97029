/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PVH kernel images: parse and validate an ELF kernel held in a byte buffer,
 * without side effects and without reading outside [img, img + len).
 *
 * Accepted (docs/PVH-BUILD.md is the user's view):
 *  - ELFCLASS32 or ELFCLASS64, little-endian, EV_CURRENT, ET_EXEC;
 *  - e_machine EM_X86_64 in either class (Xen's own test images are ELF32
 *    with EM_X86_64), or EM_386 in ELFCLASS32 only: a PVH kernel is entered
 *    in 32-bit protected mode whatever its machine, so a 32-bit kernel is as
 *    bootable as a 64-bit one; an ELF64 EM_386 file is malformed;
 *  - standard header entry sizes, at most ELF_PVH_MAX_PHDRS program headers;
 *  - PT_LOAD segments: file bytes inside the file, p_filesz <= p_memsz,
 *    [p_paddr, p_paddr + p_memsz) below 4 GiB (the kernel starts with paging
 *    off), no two overlapping, at most ELF_PVH_MAX_LOADS; empty ones
 *    (p_memsz 0) are ignored; at least one is required;
 *  - the entry point is the "Xen" note XEN_ELFNOTE_PHYS32_ENTRY (4- or
 *    8-byte value below 4 GiB), looked up in PT_NOTE segments, else in
 *    SHT_NOTE sections; e_entry is not used.  It must lie in the file bytes
 *    of a loaded segment.
 *
 * Every refusal has its own code and a message naming the problem and the
 * values involved.  The same error record serves the domain builder
 * (hv/pvh_build.h), whose codes follow the parser's.
 */
#ifndef HV_ELF_PVH_H
#define HV_ELF_PVH_H

#include "hv/types.h"
#include "xen/errno.h"

#define ELF_PVH_MAX_PHDRS  64U            /* Linux vmlinux has about 5 */
#define ELF_PVH_MAX_LOADS  16U
#define ELF_PVH_MAX_SHDRS  4096U          /* only scanned when no PT_NOTE has the note */
#define ELF_PVH_ADDR_LIMIT (1ULL << 32)   /* segments end at or below 4 GiB */
#define ELF_PVH_MSG_MAX    256U           /* message bytes, NUL included */

#define ELF_PVH_EM_386    3U
#define ELF_PVH_EM_X86_64 62U

enum elf_pvh_code {
    ELF_PVH_OK = 0,
    /* elf_pvh_parse */
    ELF_PVH_ERR_NOT_ELF,           /* no \x7f"ELF" magic */
    ELF_PVH_ERR_TRUNCATED,         /* file shorter than its ELF header */
    ELF_PVH_ERR_CLASS,             /* EI_CLASS neither 32 nor 64 bits */
    ELF_PVH_ERR_ENDIAN,            /* not little-endian */
    ELF_PVH_ERR_VERSION,           /* EI_VERSION not EV_CURRENT */
    ELF_PVH_ERR_TYPE,              /* e_type not ET_EXEC */
    ELF_PVH_ERR_MACHINE,           /* e_machine not x86 (or EM_386 in ELF64) */
    ELF_PVH_ERR_PHENTSIZE,         /* e_phentsize not the class's size */
    ELF_PVH_ERR_PHDRS_OUTSIDE,     /* program header table not inside the file */
    ELF_PVH_ERR_TOO_MANY_PHDRS,    /* e_phnum > ELF_PVH_MAX_PHDRS */
    ELF_PVH_ERR_TOO_MANY_LOADS,    /* more than ELF_PVH_MAX_LOADS non-empty PT_LOAD */
    ELF_PVH_ERR_SEG_OUTSIDE_FILE,  /* a segment's file bytes not inside the file */
    ELF_PVH_ERR_FILESZ,            /* p_filesz > p_memsz */
    ELF_PVH_ERR_OVERFLOW,          /* offset + size or paddr + size beyond 2^64 */
    ELF_PVH_ERR_ABOVE_4G,          /* a segment ends above 4 GiB (absurd size or address) */
    ELF_PVH_ERR_OVERLAP,           /* two PT_LOAD segments overlap in physical memory */
    ELF_PVH_ERR_NO_LOAD,           /* no non-empty PT_LOAD */
    ELF_PVH_ERR_BAD_NOTE,          /* a note runs past its segment or section */
    ELF_PVH_ERR_BAD_SHDRS,         /* section headers needed but unusable */
    ELF_PVH_ERR_ENTRY_NOTE,        /* PHYS32_ENTRY note of a bad size, >= 4 GiB, or two disagree */
    ELF_PVH_ERR_NO_PHYS32_ENTRY,   /* not a PVH kernel */
    ELF_PVH_ERR_ENTRY_OUTSIDE,     /* the entry is not in a loaded segment's file bytes */
    /* pvh_build (hv/pvh_build.h) */
    PVH_BUILD_ERR_PARAMS,          /* domain not live, kernel pointer missing, unknown SIF_ flags */
    PVH_BUILD_ERR_MEM_SIZE,        /* guest memory 0, not page aligned, or above PVH_MEM_MAX */
    PVH_BUILD_ERR_MAX_PAGES,       /* guest memory above the domain's max_pages */
    PVH_BUILD_ERR_NOT_EMPTY,       /* the domain already has memory */
    PVH_BUILD_ERR_CMDLINE,         /* a command line of PVH_CMDLINE_MAX bytes or more */
    PVH_BUILD_ERR_SEG_OUTSIDE_RAM, /* a segment not inside guest RAM */
    PVH_BUILD_ERR_NO_ROOM_INFO,    /* no RAM after the kernel for start_info & co */
    PVH_BUILD_ERR_NO_ROOM_INITRD,  /* no RAM after start_info for the initrd */
    PVH_BUILD_ERR_POPULATE,        /* out of memory while populating guest RAM */
    PVH_BUILD_ERR_COPY,            /* a copy into guest RAM failed (defensive) */
};
#define ELF_PVH_CODE_MAX PVH_BUILD_ERR_COPY

struct elf_pvh_error {
    enum elf_pvh_code code;
    uint32_t len;                 /* characters in msg, NUL excluded */
    char msg[ELF_PVH_MSG_MAX];    /* always NUL-terminated; cut when too long */
};

/* One non-empty PT_LOAD: file bytes [offset, offset + filesz) go to
 * guest-physical [paddr, paddr + filesz), zeroes up to paddr + memsz. */
struct elf_pvh_segment {
    uint64_t paddr;
    uint64_t filesz;
    uint64_t memsz;
    uint64_t offset;
};

struct elf_pvh_image {
    uint8_t elf_class;                 /* 32 or 64 */
    uint16_t machine;                  /* ELF_PVH_EM_X86_64 or ELF_PVH_EM_386 */
    uint32_t entry;                    /* XEN_ELFNOTE_PHYS32_ENTRY */
    uint64_t e_entry;                  /* the header's entry, informational only */
    bool note_in_section;              /* the note came from SHT_NOTE sections */
    uint32_t nr_loads;
    struct elf_pvh_segment loads[ELF_PVH_MAX_LOADS];   /* program-header order */
    uint64_t start;                    /* lowest p_paddr */
    uint64_t end;                      /* highest p_paddr + p_memsz */
};

/*@ predicate elf_pvh_err_ok(struct elf_pvh_error *e) =
      \valid(e) && e->len < ELF_PVH_MSG_MAX && e->msg[e->len] == 0;

    predicate elf_pvh_seg_ok(struct elf_pvh_segment *s, integer len) =
      0 < s->memsz && s->filesz <= s->memsz &&
      s->offset + s->filesz <= len &&
      s->paddr + s->memsz <= ELF_PVH_ADDR_LIMIT;

    predicate elf_pvh_image_ok(struct elf_pvh_image *im, integer len) =
      1 <= im->nr_loads <= ELF_PVH_MAX_LOADS &&
      im->start < im->end <= ELF_PVH_ADDR_LIMIT &&
      (\forall integer i; 0 <= i < im->nr_loads ==>
         elf_pvh_seg_ok(&im->loads[i], len) &&
         im->start <= im->loads[i].paddr &&
         im->loads[i].paddr + im->loads[i].memsz <= im->end) &&
      (\forall integer i, j; 0 <= i < j < im->nr_loads ==>
         im->loads[i].paddr + im->loads[i].memsz <= im->loads[j].paddr ||
         im->loads[j].paddr + im->loads[j].memsz <= im->loads[i].paddr) &&
      (\exists integer i; 0 <= i < im->nr_loads &&
         im->loads[i].paddr <= im->entry < im->loads[i].paddr + im->loads[i].filesz);
*/

/* A string literal as the (text, length) pair the message functions take. */
#define ELF_PVH_LIT(s) (s), (sizeof(s) - 1U)

/* The values of a message (1 to 8), as the (array, count) pair the functions take. */
#define ELF_PVH_VALUES(...) (const uint64_t[]){ __VA_ARGS__ }, ELF_PVH_NARGS(__VA_ARGS__, 8, 7, 6, 5, 4, 3, 2, 1, 0)
#define ELF_PVH_NARGS(a1, a2, a3, a4, a5, a6, a7, a8, n, ...) (n)

/*
 * Set err from a literal template and one or more values, or append to it:
 * ELF_PVH_FMT(err, code, "segment [%x, %x) of %d bytes", a, b, n).
 */
#define ELF_PVH_FMT(err, code, tmpl, ...) \
    elf_pvh_error_fmt((err), (code), ELF_PVH_LIT(tmpl), ELF_PVH_VALUES(__VA_ARGS__))
#define ELF_PVH_ADDF(err, tmpl, ...) \
    elf_pvh_error_addf((err), ELF_PVH_LIT(tmpl), ELF_PVH_VALUES(__VA_ARGS__))

/*
 * Parse the kernel image [img, img + len).  0 with *out filled in and
 * err->code ELF_PVH_OK (empty message), or -XEN_EINVAL with err->code and
 * err->msg saying why (*out is then meaningless).  img may be NULL when
 * len is 0 (refused as not ELF).
 */
/*@ requires \valid(out) && \valid(err) && \separated(out, err);
    requires len == 0 || \valid_read(img + (0 .. len - 1));
    requires \separated(out, img + (0 .. len - 1)) && \separated(err, img + (0 .. len - 1));
    assigns *out, *err;
    ensures elf_pvh_err_ok(err);
    ensures \result == 0 || \result == -XEN_EINVAL;
    ensures \result == 0 <==> err->code == ELF_PVH_OK;
    ensures \result == 0 ==> elf_pvh_image_ok(out, len); */
int elf_pvh_parse(const uint8_t *img, size_t len, struct elf_pvh_image *out,
                  struct elf_pvh_error *err);

/* No error: code ELF_PVH_OK, empty message. */
/*@ requires \valid(err);
    assigns *err;
    ensures elf_pvh_err_ok(err) && err->code == ELF_PVH_OK && err->len == 0; */
void elf_pvh_error_clear(struct elf_pvh_error *err);

/* Start a message: code and the first n characters of text. */
/*@ requires \valid(err) && \valid_read(text + (0 .. n - 1));
    requires \separated(err, text + (0 .. n - 1));
    assigns *err;
    ensures elf_pvh_err_ok(err) && err->code == code; */
void elf_pvh_error_set(struct elf_pvh_error *err, enum elf_pvh_code code, const char *text,
                       size_t n);

/* Append n characters of text (cut at ELF_PVH_MSG_MAX - 1). */
/*@ requires elf_pvh_err_ok(err) && \valid_read(text + (0 .. n - 1));
    requires \separated(err, text + (0 .. n - 1));
    assigns err->len, err->msg[0 .. ELF_PVH_MSG_MAX - 1];
    ensures elf_pvh_err_ok(err); */
void elf_pvh_error_add(struct elf_pvh_error *err, const char *text, size_t n);

/*
 * Append the n characters of tmpl where "%x" stands for the next of the nv
 * values in 0x-prefixed hexadecimal and "%d" for it in decimal (a missing
 * value prints as 0).  Any other character is copied.
 */
/*@ requires elf_pvh_err_ok(err) && \valid_read(tmpl + (0 .. n - 1)) && \valid_read(v + (0 .. nv - 1));
    requires \separated(err, tmpl + (0 .. n - 1), v + (0 .. nv - 1));
    assigns err->len, err->msg[0 .. ELF_PVH_MSG_MAX - 1];
    ensures elf_pvh_err_ok(err); */
void elf_pvh_error_addf(struct elf_pvh_error *err, const char *tmpl, size_t n, const uint64_t *v,
                        size_t nv);

/* Start a message: code, then tmpl and the values as elf_pvh_error_addf does. */
/*@ requires \valid(err) && \valid_read(tmpl + (0 .. n - 1)) && \valid_read(v + (0 .. nv - 1));
    requires \separated(err, tmpl + (0 .. n - 1), v + (0 .. nv - 1));
    assigns *err;
    ensures elf_pvh_err_ok(err) && err->code == code; */
void elf_pvh_error_fmt(struct elf_pvh_error *err, enum elf_pvh_code code, const char *tmpl, size_t n,
                       const uint64_t *v, size_t nv);

#endif /* HV_ELF_PVH_H */
