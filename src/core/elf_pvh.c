// SPDX-License-Identifier: GPL-2.0-only
/*
 * PVH kernel ELF parser (rules in hv/elf_pvh.h, user's view in
 * docs/PVH-BUILD.md).  Every field is read byte by byte, little-endian,
 * after its range was checked against the file length, so alignment and the
 * host's byte order never matter and a lying header can only fail a check.
 * Order of checks: identification, header, program header table, PT_LOAD
 * segments, notes (segments, then sections), entry point; the first problem
 * found is the one reported.
 */
#include "hv/elf_pvh.h"
#include "xen/pvh.h"

enum {
    EI_NIDENT = 16, EI_CLASS = 4, EI_DATA = 5, EI_VERSION = 6,
    ELFCLASS32 = 1, ELFCLASS64 = 2, ELFDATA2LSB = 1, EV_CURRENT = 1, ET_EXEC = 2,
    PT_LOAD = 1, PT_NOTE = 4, SHT_NOTE = 7,
    EHDR32_SIZE = 52, EHDR64_SIZE = 64, PHDR32_SIZE = 32, PHDR64_SIZE = 56,
    SHDR32_SIZE = 40, SHDR64_SIZE = 64,
    NOTE_HDR = 12,                       /* namesz, descsz, type */
};

#define LIT ELF_PVH_LIT
#define FMT ELF_PVH_FMT

/* The file and what the header says about its tables. */
struct elf_ctx {
    const uint8_t *img;
    size_t len;
    bool is64;
    uint64_t phoff;
    uint32_t phnum;
    uint32_t phent;         /* PHDR32_SIZE or PHDR64_SIZE */
    uint64_t shoff;
    uint32_t shnum;
    uint32_t shent;         /* as the header says: checked only if sections are needed */
};

/* One program header, both classes. */
struct elf_phdr {
    uint32_t type;
    uint64_t offset;
    uint64_t paddr;
    uint64_t filesz;
    uint64_t memsz;
    uint64_t align;
};

/* What the note scan found so far. */
struct note_scan {
    bool found;
    uint32_t entry;
    bool pv_entry;          /* XEN_ELFNOTE_ENTRY: a PV kernel, helps the message */
};

/*@ predicate ctx_file(struct elf_ctx *c) =
      \valid_read(c) && \valid_read(c->img + (0 .. c->len - 1));

    predicate ctx_ok(struct elf_ctx *c) =
      ctx_file(c) && c->phent == (c->is64 ? PHDR64_SIZE : PHDR32_SIZE) &&
      1 <= c->phnum <= ELF_PVH_MAX_PHDRS &&
      c->phoff + c->phnum * c->phent <= c->len;

    // A helper's result: 0 leaves the code as it was, an error sets one.
    predicate err_done{L1, L2}(struct elf_pvh_error *e, integer r) =
      elf_pvh_err_ok{L2}(e) && (r == 0 || r == -XEN_EINVAL) &&
      (r != 0 ==> \at(e->code, L2) != ELF_PVH_OK) &&
      (r == 0 ==> \at(e->code, L2) == \at(e->code, L1));

    predicate seg_disjoint(struct elf_pvh_segment *a, struct elf_pvh_segment *b) =
      a->paddr + a->memsz <= b->paddr || b->paddr + b->memsz <= a->paddr;

    // Entry i of a table of n entries of k bytes ends inside the table.
    lemma elf_pvh_entry_in_table: \forall integer i, n, k;
      0 <= i < n ==> 0 <= k ==> i * k + k <= n * k;

    // elf_pvh_image_ok without the entry, for images being filled.
    predicate loads_ok(struct elf_pvh_image *im, integer len) =
      im->nr_loads <= ELF_PVH_MAX_LOADS &&
      (im->nr_loads >= 1 ==> im->start < im->end <= ELF_PVH_ADDR_LIMIT) &&
      (\forall integer i; 0 <= i < im->nr_loads ==>
         elf_pvh_seg_ok(&im->loads[i], len) &&
         im->start <= im->loads[i].paddr &&
         im->loads[i].paddr + im->loads[i].memsz <= im->end) &&
      (\forall integer i, j; 0 <= i < j < im->nr_loads ==>
         seg_disjoint(&im->loads[i], &im->loads[j]));
*/

/* ---- messages ------------------------------------------------------------------ */

void elf_pvh_error_clear(struct elf_pvh_error *err)
{
    err->code = ELF_PVH_OK;
    err->len = 0;
    err->msg[0] = '\0';
}

void elf_pvh_error_add(struct elf_pvh_error *err, const char *text, size_t n)
{
    uint32_t at = err->len;
    size_t room = ELF_PVH_MSG_MAX - 1U - at;
    size_t k = n < room ? n : room;

    /*@ loop invariant 0 <= i <= k;
        loop assigns i, err->msg[at .. ELF_PVH_MSG_MAX - 2];
        loop variant k - i; */
    for (size_t i = 0; i < k; i++)
        err->msg[at + i] = text[i];
    err->len = at + (uint32_t)k;
    err->msg[err->len] = '\0';
}

void elf_pvh_error_set(struct elf_pvh_error *err, enum elf_pvh_code code, const char *text,
                       size_t n)
{
    elf_pvh_error_clear(err);
    err->code = code;
    elf_pvh_error_add(err, text, n);
}

/* v in `base` (10, or 16 with a 0x prefix), most significant digit first. */
/*@ requires elf_pvh_err_ok(err) && (base == 10 || base == 16);
    assigns err->len, err->msg[0 .. ELF_PVH_MSG_MAX - 1];
    ensures elf_pvh_err_ok(err); */
static void error_add_number(struct elf_pvh_error *err, uint64_t v, unsigned base)
{
    static const char digits[] = "0123456789abcdef";
    uint64_t div = 1;

    /* the largest power of base not above v: div * base <= v never overflows */
    /*@ loop invariant 1 <= div && (div == 1 || div <= v);
        loop assigns div;
        loop variant v - div; */
    while (v / div >= base)
        div *= base;
    if (base == 16U)
        elf_pvh_error_add(err, LIT("0x"));
    /*@ loop invariant elf_pvh_err_ok(err);
        loop assigns div, err->len, err->msg[0 .. ELF_PVH_MSG_MAX - 1];
        loop variant div; */
    for (; div != 0; div /= base)
        elf_pvh_error_add(err, &digits[(v / div) % base], 1);
}

void elf_pvh_error_addf(struct elf_pvh_error *err, const char *tmpl, size_t n, const uint64_t *v,
                        size_t nv)
{
    size_t next = 0;

    /*@ loop invariant 0 <= i <= n && elf_pvh_err_ok(err);
        loop assigns i, next, err->len, err->msg[0 .. ELF_PVH_MSG_MAX - 1];
        loop variant n - i; */
    for (size_t i = 0; i < n; i++) {
        if (tmpl[i] == '%' && i + 1U < n && (tmpl[i + 1U] == 'x' || tmpl[i + 1U] == 'd')) {
            error_add_number(err, next < nv ? v[next] : 0U, tmpl[i + 1U] == 'x' ? 16U : 10U);
            next++;
            i++;
        } else {
            elf_pvh_error_add(err, &tmpl[i], 1);
        }
    }
}

void elf_pvh_error_fmt(struct elf_pvh_error *err, enum elf_pvh_code code, const char *tmpl, size_t n,
                       const uint64_t *v, size_t nv)
{
    elf_pvh_error_clear(err);
    err->code = code;
    elf_pvh_error_addf(err, tmpl, n, v, nv);
}

/* ---- reading ------------------------------------------------------------------- */

/* n bytes at off, little-endian. */
/*@ requires \valid_read(img + (0 .. len - 1));
    requires n <= 8 && off <= len && n <= len - off;
    assigns \nothing; */
static uint64_t rd(const uint8_t *img, size_t len, uint64_t off, unsigned n)
{
    uint64_t v = 0;

    (void)len;
    /*@ loop invariant 0 <= i <= n;
        loop assigns i, v;
        loop variant i; */
    for (unsigned i = n; i > 0; i--)
        v = (v << 8) | img[off + i - 1U];
    return v;
}

/* A class-sized word (4 or 8 bytes) at off32 or off64 from `at`. */
/*@ requires ctx_file(c) && off32 + 4 <= 40 && off64 + 8 <= 64;
    requires at + (c->is64 ? off64 + 8 : off32 + 4) <= c->len;
    assigns \nothing; */
static uint64_t rd_word(const struct elf_ctx *c, uint64_t at, unsigned off32, unsigned off64)
{
    if (c->is64)
        return rd(c->img, c->len, at + off64, 8U);
    return rd(c->img, c->len, at + off32, 4U);
}

/* Where entry i of a table of n entries of ent bytes at base starts; the table is in the file. */
/*@ requires i < n <= ELF_PVH_MAX_SHDRS && ent <= 64 && base + n * ent <= len;
    assigns \nothing;
    ensures \result == base + i * ent && \result + ent <= len; */
static uint64_t table_entry(uint64_t base, uint32_t i, uint32_t n, uint32_t ent, size_t len)
{
    (void)n;
    (void)len;
    return base + (uint64_t)i * ent;
}

/* The program header at file offset `at`. */
/*@ requires ctx_ok(c) && \valid(ph) && \separated(ph, c) && at + c->phent <= c->len;
    assigns *ph; */
static void read_phdr(const struct elf_ctx *c, uint64_t at, struct elf_phdr *ph)
{
    ph->type = (uint32_t)rd(c->img, c->len, at, 4U);
    ph->offset = rd_word(c, at, 4U, 8U);
    ph->paddr = rd_word(c, at, 12U, 24U);
    ph->filesz = rd_word(c, at, 16U, 32U);
    ph->memsz = rd_word(c, at, 20U, 40U);
    ph->align = rd_word(c, at, 28U, 48U);
}

/* ---- header ---------------------------------------------------------------------- */

/* A bzImage carries "HdrS" at 0x202: say so, it is the usual mistake. */
/*@ requires len == 0 || \valid_read(img + (0 .. len - 1));
    assigns \nothing; */
static bool looks_like_bzimage(const uint8_t *img, size_t len)
{
    return len >= 0x206U && img[0x202] == 'H' && img[0x203] == 'd' && img[0x204] == 'r' &&
           img[0x205] == 'S';
}

/*@ requires len == 0 || \valid_read(img + (0 .. len - 1));
    requires elf_pvh_err_ok(err);
    assigns *err;
    ensures err_done{Pre, Post}(err, \result);
    ensures \result == 0 ==> len >= EI_NIDENT; */
static int parse_ident(const uint8_t *img, size_t len, struct elf_pvh_error *err)
{
    if (len < 4U || img[0] != 0x7fU || img[1] != 'E' || img[2] != 'L' || img[3] != 'F') {
        FMT(err, ELF_PVH_ERR_NOT_ELF, "not an ELF image: no \\x7fELF magic in %d bytes", len);
        if (looks_like_bzimage(img, len))
            elf_pvh_error_add(err, LIT(" (this is a Linux bzImage: give its ELF vmlinux)"));
        return -XEN_EINVAL;
    }
    if (len < EI_NIDENT) {
        FMT(err, ELF_PVH_ERR_TRUNCATED, "ELF identification truncated: %d bytes, 16 needed", len);
        return -XEN_EINVAL;
    }
    if (img[EI_CLASS] != ELFCLASS32 && img[EI_CLASS] != ELFCLASS64) {
        FMT(err, ELF_PVH_ERR_CLASS, "EI_CLASS %d is neither ELFCLASS32 (1) nor ELFCLASS64 (2)",
            img[EI_CLASS]);
        return -XEN_EINVAL;
    }
    if (img[EI_DATA] != ELFDATA2LSB) {
        FMT(err, ELF_PVH_ERR_ENDIAN, "EI_DATA %d is not little-endian (ELFDATA2LSB, 1): not an x86 "
            "kernel", img[EI_DATA]);
        return -XEN_EINVAL;
    }
    if (img[EI_VERSION] != EV_CURRENT) {
        FMT(err, ELF_PVH_ERR_VERSION, "EI_VERSION %d is not EV_CURRENT (1)", img[EI_VERSION]);
        return -XEN_EINVAL;
    }
    return 0;
}

/*@ requires \valid_read(img + (0 .. len - 1)) && len >= EHDR32_SIZE;
    requires elf_pvh_err_ok(err) && \valid(out) && \separated(err, out);
    assigns *err, out->machine;
    ensures err_done{Pre, Post}(err, \result); */
static int check_type_machine(const uint8_t *img, size_t len, bool is64, struct elf_pvh_image *out,
                              struct elf_pvh_error *err)
{
    uint64_t type = rd(img, len, 16U, 2U);
    uint64_t machine = rd(img, len, 18U, 2U);

    if (type != ET_EXEC) {
        FMT(err, ELF_PVH_ERR_TYPE, "e_type %d is not ET_EXEC (2): a kernel is an executable", type);
        return -XEN_EINVAL;
    }
    if (machine != ELF_PVH_EM_X86_64 && (machine != ELF_PVH_EM_386 || is64)) {
        if (is64)
            FMT(err, ELF_PVH_ERR_MACHINE, "e_machine %d is not EM_X86_64 (62) in an ELFCLASS64 file",
                machine);
        else
            FMT(err, ELF_PVH_ERR_MACHINE, "e_machine %d is neither EM_X86_64 (62) nor EM_386 (3)",
                machine);
        return -XEN_EINVAL;
    }
    out->machine = (uint16_t)machine;
    return 0;
}

/*@ requires ctx_file(c) && \valid(c) && c->len >= EHDR32_SIZE && (c->is64 ==> c->len >= EHDR64_SIZE);
    requires elf_pvh_err_ok(err) && \separated(c, err);
    assigns *err, c->phoff, c->phnum, c->phent;
    ensures err_done{Pre, Post}(err, \result);
    ensures \result == 0 ==> ctx_ok(c); */
static int parse_phdr_table(struct elf_ctx *c, struct elf_pvh_error *err)
{
    uint64_t entsize = rd(c->img, c->len, c->is64 ? 54U : 42U, 2U);
    uint64_t need = c->is64 ? PHDR64_SIZE : PHDR32_SIZE;
    uint64_t phoff = rd_word(c, 0, 28U, 32U);
    uint64_t phnum = rd(c->img, c->len, c->is64 ? 56U : 44U, 2U);

    if (phnum == 0) {
        elf_pvh_error_set(err, ELF_PVH_ERR_NO_LOAD, LIT("no program headers (e_phnum 0): nothing to load"));
        return -XEN_EINVAL;
    }
    if (phnum > ELF_PVH_MAX_PHDRS) {
        FMT(err, ELF_PVH_ERR_TOO_MANY_PHDRS, "e_phnum %d: more than 64 program headers", phnum);
        return -XEN_EINVAL;
    }
    if (entsize != need) {
        FMT(err, ELF_PVH_ERR_PHENTSIZE, "e_phentsize %d is not the class's program header size %d",
            entsize, need);
        return -XEN_EINVAL;
    }
    if (phoff > c->len || phnum * need > c->len - phoff) {
        FMT(err, ELF_PVH_ERR_PHDRS_OUTSIDE, "program headers at e_phoff %x (%d bytes) lie outside "
            "the %d-byte file", phoff, phnum * need, c->len);
        return -XEN_EINVAL;
    }
    /*@ assert phoff + phnum * need <= c->len; */
    c->phoff = phoff;
    c->phnum = (uint32_t)phnum;
    c->phent = (uint32_t)need;
    /*@ assert c->phnum == phnum && c->phent == need && ctx_file(c); */
    return 0;
}

/*@ requires ctx_file(c) && \valid(c) && c->len >= EI_NIDENT;
    requires \valid(out) && elf_pvh_err_ok(err) && \separated(c, out, err);
    assigns *c, *err, out->elf_class, out->machine, out->e_entry;
    ensures err_done{Pre, Post}(err, \result);
    ensures c->img == \old(c->img) && c->len == \old(c->len);
    ensures \result == 0 ==> ctx_ok(c); */
static int parse_header(struct elf_ctx *c, struct elf_pvh_image *out, struct elf_pvh_error *err)
{
    uint64_t need;

    c->is64 = c->img[EI_CLASS] == ELFCLASS64;
    need = c->is64 ? EHDR64_SIZE : EHDR32_SIZE;
    if (c->len < need) {
        FMT(err, ELF_PVH_ERR_TRUNCATED, "ELF header truncated: %d bytes, the class needs %d", c->len,
            need);
        return -XEN_EINVAL;
    }
    out->elf_class = c->is64 ? 64U : 32U;
    if (check_type_machine(c->img, c->len, c->is64, out, err) != 0)
        return -XEN_EINVAL;
    out->e_entry = rd_word(c, 0, 24U, 24U);
    c->shoff = rd_word(c, 0, 32U, 40U);
    c->shent = (uint32_t)rd(c->img, c->len, c->is64 ? 58U : 46U, 2U);
    c->shnum = (uint32_t)rd(c->img, c->len, c->is64 ? 60U : 48U, 2U);
    return parse_phdr_table(c, err);
}

/* ---- loadable segments ----------------------------------------------------------- */

/* The segment alone: sizes, file range, address range. */
/*@ requires ctx_ok(c) && \valid_read(ph) && elf_pvh_err_ok(err) && \separated(err, ph, c);
    assigns *err;
    ensures err_done{Pre, Post}(err, \result);
    ensures \result == 0 ==> ph->filesz <= ph->memsz && ph->offset + ph->filesz <= c->len &&
                             ph->paddr + ph->memsz <= ELF_PVH_ADDR_LIMIT; */
static int check_load(const struct elf_ctx *c, uint32_t idx, const struct elf_phdr *ph,
                      struct elf_pvh_error *err)
{
    if (ph->filesz > ph->memsz) {
        FMT(err, ELF_PVH_ERR_FILESZ, "program header %d: p_filesz %x larger than p_memsz %x", idx,
            ph->filesz, ph->memsz);
        return -XEN_EINVAL;
    }
    if (ph->offset > UINT64_MAX - ph->filesz || ph->paddr > UINT64_MAX - ph->memsz) {
        FMT(err, ELF_PVH_ERR_OVERFLOW, "program header %d: p_offset %x / p_paddr %x plus the segment "
            "size overflows 64 bits", idx, ph->offset, ph->paddr);
        return -XEN_EINVAL;
    }
    if (ph->offset + ph->filesz > c->len) {
        FMT(err, ELF_PVH_ERR_SEG_OUTSIDE_FILE, "program header %d: file bytes [%x, %x) outside the "
            "%d-byte file", idx, ph->offset, ph->offset + ph->filesz, c->len);
        return -XEN_EINVAL;
    }
    if (ph->paddr + ph->memsz > ELF_PVH_ADDR_LIMIT) {
        FMT(err, ELF_PVH_ERR_ABOVE_4G, "program header %d: segment [%x, %x) ends above 4 GiB: a PVH "
            "kernel starts with paging off", idx, ph->paddr, ph->paddr + ph->memsz);
        return -XEN_EINVAL;
    }
    return 0;
}

/* Index of the first recorded segment that meets [paddr, end), or nr_loads. */
/*@ requires \valid_read(out) && out->nr_loads <= ELF_PVH_MAX_LOADS;
    requires \forall integer k; 0 <= k < out->nr_loads ==>
      out->loads[k].paddr + out->loads[k].memsz <= ELF_PVH_ADDR_LIMIT;
    assigns \nothing;
    ensures 0 <= \result <= out->nr_loads;
    ensures \result == out->nr_loads ==> \forall integer k; 0 <= k < out->nr_loads ==>
      out->loads[k].paddr + out->loads[k].memsz <= paddr || end <= out->loads[k].paddr; */
static uint32_t find_overlap(const struct elf_pvh_image *out, uint64_t paddr, uint64_t end)
{
    /*@ loop invariant 0 <= i <= out->nr_loads;
        loop invariant \forall integer k; 0 <= k < i ==>
          out->loads[k].paddr + out->loads[k].memsz <= paddr || end <= out->loads[k].paddr;
        loop assigns i;
        loop variant out->nr_loads - i; */
    for (uint32_t i = 0; i < out->nr_loads; i++)
        if (paddr < out->loads[i].paddr + out->loads[i].memsz && out->loads[i].paddr < end)
            return i;
    return out->nr_loads;
}

/* Append a segment known to fit: within the file, below 4 GiB, disjoint from the others. */
/*@ requires \valid(out) && \valid_read(ph) && \separated(out, ph);
    requires loads_ok(out, len) && out->nr_loads < ELF_PVH_MAX_LOADS;
    requires 0 < ph->memsz && ph->filesz <= ph->memsz && ph->offset + ph->filesz <= len &&
             ph->paddr + ph->memsz <= ELF_PVH_ADDR_LIMIT;
    requires \forall integer k; 0 <= k < out->nr_loads ==>
      out->loads[k].paddr + out->loads[k].memsz <= ph->paddr ||
      ph->paddr + ph->memsz <= out->loads[k].paddr;
    assigns out->nr_loads, out->loads[out->nr_loads], out->start, out->end;
    ensures loads_ok(out, len) && out->nr_loads == \old(out->nr_loads) + 1; */
static void record_load(struct elf_pvh_image *out, const struct elf_phdr *ph, size_t len)
{
    uint64_t end = ph->paddr + ph->memsz;
    uint32_t nr = out->nr_loads;

    (void)len;
    out->loads[nr].paddr = ph->paddr;
    out->loads[nr].filesz = ph->filesz;
    out->loads[nr].memsz = ph->memsz;
    out->loads[nr].offset = ph->offset;
    if (nr == 0 || ph->paddr < out->start)
        out->start = ph->paddr;
    if (nr == 0 || end > out->end)
        out->end = end;
    out->nr_loads = nr + 1U;
    /*@ assert out->start < out->end <= ELF_PVH_ADDR_LIMIT; */
    /*@ assert nr > 0 ==> out->start <= \at(out->start, Pre) && \at(out->end, Pre) <= out->end; */
    /*@ assert \forall integer k; 0 <= k < nr ==>
          out->loads[k].paddr == \at(out->loads[k].paddr, Pre) &&
          out->loads[k].memsz == \at(out->loads[k].memsz, Pre) &&
          out->loads[k].filesz == \at(out->loads[k].filesz, Pre) &&
          out->loads[k].offset == \at(out->loads[k].offset, Pre); */
    /*@ assert \forall integer k; 0 <= k <= nr ==> elf_pvh_seg_ok(&out->loads[k], len) &&
          out->start <= out->loads[k].paddr && out->loads[k].paddr + out->loads[k].memsz <= out->end; */
    /*@ assert \forall integer i, j; 0 <= i < j <= nr ==> seg_disjoint(&out->loads[i], &out->loads[j]); */
}

/* Record a checked segment unless the table is full or it overlaps another. */
/*@ requires \valid(out) && elf_pvh_err_ok(err) && \valid_read(ph) && \separated(out, err, ph);
    requires loads_ok(out, len);
    requires 0 < ph->memsz && ph->filesz <= ph->memsz && ph->offset + ph->filesz <= len &&
             ph->paddr + ph->memsz <= ELF_PVH_ADDR_LIMIT;
    assigns *err, out->nr_loads, out->loads[0 .. ELF_PVH_MAX_LOADS - 1], out->start, out->end;
    ensures err_done{Pre, Post}(err, \result);
    ensures loads_ok(out, len); */
static int add_load(struct elf_pvh_image *out, uint32_t idx, const struct elf_phdr *ph, size_t len,
                    struct elf_pvh_error *err)
{
    uint64_t end = ph->paddr + ph->memsz;
    uint32_t k;

    if (out->nr_loads == ELF_PVH_MAX_LOADS) {
        FMT(err, ELF_PVH_ERR_TOO_MANY_LOADS, "program header %d: more than 16 loadable segments", idx);
        return -XEN_EINVAL;
    }
    k = find_overlap(out, ph->paddr, end);
    if (k < out->nr_loads) {
        FMT(err, ELF_PVH_ERR_OVERLAP, "program header %d: segment [%x, %x) overlaps segment [%x, %x)",
            idx, ph->paddr, end, out->loads[k].paddr, out->loads[k].paddr + out->loads[k].memsz);
        return -XEN_EINVAL;
    }
    record_load(out, ph, len);
    return 0;
}

/* Program header i: checked and recorded when it is a non-empty PT_LOAD. */
/*@ requires ctx_ok(c) && i < c->phnum && \valid(out) && elf_pvh_err_ok(err);
    requires \separated(out, err, c) && loads_ok(out, c->len);
    assigns *err, out->nr_loads, out->loads[0 .. ELF_PVH_MAX_LOADS - 1], out->start, out->end;
    ensures err_done{Pre, Post}(err, \result) && loads_ok(out, c->len); */
static int load_one(const struct elf_ctx *c, uint32_t i, struct elf_pvh_image *out,
                    struct elf_pvh_error *err)
{
    struct elf_phdr ph;

    read_phdr(c, table_entry(c->phoff, i, c->phnum, c->phent, c->len), &ph);
    if (ph.type != PT_LOAD || (ph.memsz == 0 && ph.filesz == 0))
        return 0;
    if (check_load(c, i, &ph, err) != 0)
        return -XEN_EINVAL;
    return add_load(out, i, &ph, c->len, err);
}

/*@ requires ctx_ok(c) && \valid(out) && elf_pvh_err_ok(err) && \separated(out, err, c);
    assigns *err, out->nr_loads, out->loads[0 .. ELF_PVH_MAX_LOADS - 1], out->start, out->end;
    ensures err_done{Pre, Post}(err, \result);
    ensures ctx_ok(c);
    ensures \result == 0 ==> loads_ok(out, c->len) && out->nr_loads >= 1; */
static int parse_loads(const struct elf_ctx *c, struct elf_pvh_image *out, struct elf_pvh_error *err)
{
    out->nr_loads = 0;
    /*@ loop invariant 0 <= i <= c->phnum;
        loop invariant loads_ok(out, c->len) && err_done{Pre, Here}(err, 0);
        loop assigns i, *err, out->nr_loads, out->loads[0 .. ELF_PVH_MAX_LOADS - 1],
                     out->start, out->end;
        loop variant c->phnum - i; */
    for (uint32_t i = 0; i < c->phnum; i++)
        if (load_one(c, i, out, err) != 0)
            return -XEN_EINVAL;
    if (out->nr_loads == 0) {
        FMT(err, ELF_PVH_ERR_NO_LOAD, "no loadable (non-empty PT_LOAD) segment among %d program headers",
            c->phnum);
        return -XEN_EINVAL;
    }
    return 0;
}

/* ---- notes --------------------------------------------------------------------------- */

/* The PHYS32_ENTRY value of a note whose descriptor is at `at`. */
/*@ requires ctx_file(c) && \valid(ns) && elf_pvh_err_ok(err) && at + descsz <= c->len;
    requires \separated(ns, err, c);
    assigns *ns, *err;
    ensures err_done{Pre, Post}(err, \result); */
static int take_entry(const struct elf_ctx *c, uint64_t at, uint64_t descsz, struct note_scan *ns,
                      struct elf_pvh_error *err)
{
    uint64_t v;

    if (descsz != 4U && descsz != 8U) {
        FMT(err, ELF_PVH_ERR_ENTRY_NOTE, "XEN_ELFNOTE_PHYS32_ENTRY note holds %d bytes; 4 or 8 expected",
            descsz);
        return -XEN_EINVAL;
    }
    v = rd(c->img, c->len, at, (unsigned)descsz);
    if (v >= ELF_PVH_ADDR_LIMIT) {
        FMT(err, ELF_PVH_ERR_ENTRY_NOTE, "XEN_ELFNOTE_PHYS32_ENTRY %x is not a 32-bit address", v);
        return -XEN_EINVAL;
    }
    if (ns->found && v != ns->entry) {
        FMT(err, ELF_PVH_ERR_ENTRY_NOTE, "XEN_ELFNOTE_PHYS32_ENTRY %x disagrees with an earlier one, %x",
            v, ns->entry);
        return -XEN_EINVAL;
    }
    ns->found = true;
    ns->entry = (uint32_t)v;
    return 0;
}

/* Is the name at `at` (namesz bytes) "Xen" with its NUL? */
/*@ requires ctx_file(c) && at + namesz <= c->len;
    assigns \nothing; */
static bool note_is_xen(const struct elf_ctx *c, uint64_t at, uint64_t namesz)
{
    return namesz == 4U && c->img[at] == 'X' && c->img[at + 1U] == 'e' &&
           c->img[at + 2U] == 'n' && c->img[at + 3U] == '\0';
}

/* v rounded up to the note alignment (8, or else 4). */
/*@ requires v <= 0xFFFFFFFF;
    assigns \nothing;
    ensures v <= \result <= v + 7; */
static uint64_t note_pad(uint64_t v, uint64_t align)
{
    uint64_t a = align == 8U ? 8U : 4U;

    return (v + a - 1U) / a * a;
}

/*
 * Walk the notes in file bytes [off, off + size).  Padding is 4 bytes, or 8
 * when the segment/section asks for 8-byte alignment; the last note's
 * descriptor padding may be missing.  Bytes too few for a note header at the
 * end are padding too.
 */
/*@ requires ctx_file(c) && off + size <= c->len && \valid(ns) && elf_pvh_err_ok(err);
    requires \separated(ns, err, c);
    assigns *ns, *err;
    ensures err_done{Pre, Post}(err, \result); */
static int scan_notes(const struct elf_ctx *c, uint64_t off, uint64_t size, uint64_t align,
                      struct note_scan *ns, struct elf_pvh_error *err)
{
    uint64_t pos = 0;

    /*@ loop invariant 0 <= pos <= size && err_done{Pre, Here}(err, 0);
        loop assigns pos, *ns, *err;
        loop variant size - pos; */
    while (size - pos >= NOTE_HDR) {
        uint32_t namesz = (uint32_t)rd(c->img, c->len, off + pos, 4U);
        uint32_t descsz = (uint32_t)rd(c->img, c->len, off + pos + 4U, 4U);
        uint32_t type = (uint32_t)rd(c->img, c->len, off + pos + 8U, 4U);
        uint64_t name = pos + NOTE_HDR, npad = note_pad(namesz, align), dpad = note_pad(descsz, align);
        uint64_t desc = name + npad;

        /* desc <= size once the first test passed */
        if (npad > size - name || descsz > size - desc) {
            FMT(err, ELF_PVH_ERR_BAD_NOTE, "note at file offset %x (namesz %d, descsz %d) runs past its "
                "note area [%x, %x)", off + pos, namesz, descsz, off, off + size);
            return -XEN_EINVAL;
        }
        /*@ assert name <= desc <= size && descsz <= size - desc; */
        if (note_is_xen(c, off + name, namesz)) {
            if (type == XEN_ELFNOTE_PHYS32_ENTRY && take_entry(c, off + desc, descsz, ns, err) != 0)
                return -XEN_EINVAL;
            if (type == XEN_ELFNOTE_ENTRY)
                ns->pv_entry = true;
        }
        pos = dpad > size - desc ? size : desc + dpad;
        /*@ assert \at(pos, LoopCurrent) < pos <= size; */
    }
    return 0;
}

/*@ requires ctx_ok(c) && \valid(ns) && elf_pvh_err_ok(err) && \separated(ns, err, c);
    assigns *ns, *err;
    ensures err_done{Pre, Post}(err, \result); */
static int note_segments(const struct elf_ctx *c, struct note_scan *ns, struct elf_pvh_error *err)
{
    struct elf_phdr ph;

    /*@ loop invariant 0 <= i <= c->phnum && err_done{Pre, Here}(err, 0);
        loop assigns i, ph, *ns, *err;
        loop variant c->phnum - i; */
    for (uint32_t i = 0; i < c->phnum; i++) {
        read_phdr(c, table_entry(c->phoff, i, c->phnum, c->phent, c->len), &ph);
        if (ph.type != PT_NOTE)
            continue;
        if (ph.offset > c->len || ph.filesz > c->len - ph.offset) {
            FMT(err, ELF_PVH_ERR_SEG_OUTSIDE_FILE, "program header %d: PT_NOTE at %x size %x lies "
                "outside the %d-byte file", i, ph.offset, ph.filesz, c->len);
            return -XEN_EINVAL;
        }
        if (scan_notes(c, ph.offset, ph.filesz, ph.align, ns, err) != 0)
            return -XEN_EINVAL;
    }
    return 0;
}

/* The section header table, once it is known to be needed. */
/*@ requires ctx_file(c) && elf_pvh_err_ok(err) && \separated(err, c);
    assigns *err;
    ensures err_done{Pre, Post}(err, \result);
    ensures \result == 0 ==> c->shent == (c->is64 ? SHDR64_SIZE : SHDR32_SIZE) &&
      c->shnum <= ELF_PVH_MAX_SHDRS && c->shoff + c->shnum * c->shent <= c->len; */
static int check_shdr_table(const struct elf_ctx *c, struct elf_pvh_error *err)
{
    uint64_t need = c->is64 ? SHDR64_SIZE : SHDR32_SIZE;

    if (c->shent != need || c->shnum > ELF_PVH_MAX_SHDRS || c->shoff > c->len ||
        c->shnum * need > c->len - c->shoff) {
        FMT(err, ELF_PVH_ERR_BAD_SHDRS, "section headers unusable: e_shoff %x, e_shnum %d, e_shentsize "
            "%d, file %d bytes", c->shoff, c->shnum, c->shent, c->len);
        return -XEN_EINVAL;
    }
    return 0;
}

/* Fallback when no PT_NOTE had the entry: SHT_NOTE sections (none when e_shnum is 0). */
/*@ requires ctx_file(c) && \valid(ns) && elf_pvh_err_ok(err) && \separated(ns, err, c);
    assigns *ns, *err;
    ensures err_done{Pre, Post}(err, \result); */
static int note_sections(const struct elf_ctx *c, struct note_scan *ns, struct elf_pvh_error *err)
{
    if (c->shnum == 0)
        return 0;
    if (check_shdr_table(c, err) != 0)
        return -XEN_EINVAL;
    /*@ loop invariant 0 <= i <= c->shnum && err_done{Pre, Here}(err, 0);
        loop assigns i, *ns, *err;
        loop variant c->shnum - i; */
    for (uint32_t i = 0; i < c->shnum; i++) {
        uint64_t at = table_entry(c->shoff, i, c->shnum, c->shent, c->len);
        uint64_t off = rd_word(c, at, 16U, 24U), size = rd_word(c, at, 20U, 32U);

        if (rd(c->img, c->len, at + 4U, 4U) != SHT_NOTE)
            continue;
        if (off > c->len || size > c->len - off) {
            FMT(err, ELF_PVH_ERR_BAD_SHDRS, "SHT_NOTE section %d at %x size %x lies outside the file",
                i, off, size);
            return -XEN_EINVAL;
        }
        if (scan_notes(c, off, size, rd_word(c, at, 32U, 48U), ns, err) != 0)
            return -XEN_EINVAL;
    }
    return 0;
}

/* ---- entry ------------------------------------------------------------------------------- */

/*@ requires \valid_read(out) && \valid_read(ns) && elf_pvh_err_ok(err) && \separated(err, out, ns);
    requires out->nr_loads <= ELF_PVH_MAX_LOADS;
    assigns *err;
    ensures err_done{Pre, Post}(err, \result);
    ensures \result == 0 ==> \exists integer i; 0 <= i < out->nr_loads &&
      out->loads[i].paddr <= ns->entry < out->loads[i].paddr + out->loads[i].filesz; */
static int check_entry(const struct elf_pvh_image *out, const struct note_scan *ns,
                       struct elf_pvh_error *err)
{
    if (!ns->found) {
        elf_pvh_error_set(err, ELF_PVH_ERR_NO_PHYS32_ENTRY,
                          LIT("no XEN_ELFNOTE_PHYS32_ENTRY note (owner \"Xen\", type 18): not a PVH "
                              "kernel; build Linux with CONFIG_PVH=y (CONFIG_XEN_PVH=y)"));
        if (ns->pv_entry)
            elf_pvh_error_add(err, LIT("; its XEN_ELFNOTE_ENTRY is for PV guests only"));
        return -XEN_EINVAL;
    }
    /*@ loop invariant 0 <= i <= out->nr_loads;
        loop assigns i;
        loop variant out->nr_loads - i; */
    for (uint32_t i = 0; i < out->nr_loads; i++)
        if (ns->entry >= out->loads[i].paddr &&
            ns->entry - out->loads[i].paddr < out->loads[i].filesz)
            return 0;
    FMT(err, ELF_PVH_ERR_ENTRY_OUTSIDE, "XEN_ELFNOTE_PHYS32_ENTRY %x is not inside the file bytes of a "
        "loadable segment", ns->entry);
    return -XEN_EINVAL;
}

/* The notes, then the entry against the loaded segments. */
/*@ requires ctx_ok(c) && \valid(out) && elf_pvh_err_ok(err) && \separated(c, out, err);
    requires loads_ok(out, c->len) && out->nr_loads >= 1;
    assigns *err, out->entry, out->note_in_section;
    ensures err_done{Pre, Post}(err, \result);
    ensures \result == 0 ==> elf_pvh_image_ok(out, c->len); */
static int parse_entry(const struct elf_ctx *c, struct elf_pvh_image *out, struct elf_pvh_error *err)
{
    struct note_scan ns = { false, 0, false };

    /*@ assert \separated(out, &ns); */
    if (note_segments(c, &ns, err) != 0)
        return -XEN_EINVAL;
    if (!ns.found) {
        if (note_sections(c, &ns, err) != 0)
            return -XEN_EINVAL;
        out->note_in_section = true;
    }
    /*@ assert loads_ok(out, c->len); */
    if (check_entry(out, &ns, err) != 0)
        return -XEN_EINVAL;
    out->entry = ns.entry;
    /*@ assert loads_ok(out, c->len); */
    return 0;
}

/* A whole-struct store kept out of elf_pvh_parse: its proof stays small. */
/*@ requires \valid(out);
    assigns *out;
    ensures out->nr_loads == 0 && !out->note_in_section; */
static void image_reset(struct elf_pvh_image *out)
{
    *out = (struct elf_pvh_image){ 0 };
}

int elf_pvh_parse(const uint8_t *img, size_t len, struct elf_pvh_image *out,
                  struct elf_pvh_error *err)
{
    struct elf_ctx c = { img, len, false, 0, 0, 0, 0, 0, 0 };

    /*@ assert \separated(out, &c) && \separated(err, &c); */
    elf_pvh_error_clear(err);
    image_reset(out);
    if (parse_ident(img, len, err) != 0 || parse_header(&c, out, err) != 0)
        return -XEN_EINVAL;
    /*@ assert ctx_ok(&c); */
    /*@ assert c.len == len; */
    /*@ assert err->code == ELF_PVH_OK; */
    if (parse_loads(&c, out, err) != 0)
        return -XEN_EINVAL;
    /*@ assert ctx_ok(&c) && elf_pvh_err_ok(err); */
    /*@ assert loads_ok(out, c.len) && out->nr_loads >= 1; */
    return parse_entry(&c, out, err);
}
