// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reference page walker (see ref_walk.h).  Written from the manuals, on
 * purpose in another shape than src/arch/x86_64/guest_walk.c: one function
 * per paging mode, entries decoded into named fields first, rights and
 * reserved bits spelled out per entry kind, memory read byte by byte.
 * Speed does not matter here; being obviously right does.
 */
#include <stdlib.h>
#include <string.h>

#include "ref_walk.h"
#include "sim.h"

/* ---- machine memory, byte by byte ------------------------------------------- */

static bool mem_read(uint64_t maddr, unsigned width, uint64_t *value)
{
    const uint8_t *frame = sim_frame(maddr / PAGE_SIZE);
    uint64_t v = 0;

    if (frame == NULL)
        return false;
    for (unsigned i = 0; i < width; i++)
        v |= (uint64_t)frame[maddr % PAGE_SIZE + i] << (8 * i);
    *value = v;
    return true;
}

static void mem_or(uint64_t maddr, unsigned width, uint64_t bits)
{
    uint8_t *frame = sim_frame(maddr / PAGE_SIZE);

    if (frame == NULL)
        return;
    for (unsigned i = 0; i < width; i++)
        frame[maddr % PAGE_SIZE + i] |= (uint8_t)(bits >> (8 * i));
}

static bool bit(uint64_t v, unsigned n)
{
    return ((v >> n) & 1) != 0;
}

/* Value of bits hi..lo of v. */
static uint64_t field(uint64_t v, unsigned hi, unsigned lo)
{
    unsigned width = hi - lo + 1;

    return width == 64 ? v : (v >> lo) & ((1ULL << width) - 1);
}

/* Is any bit in hi..lo set?  (Empty when hi < lo.) */
static bool any_bits(uint64_t v, unsigned hi, unsigned lo)
{
    return hi >= lo && field(v, hi, lo) != 0;
}

/* ---- nested walk: AMD NPT (x86-64 long-mode format) or Intel EPT ---------------- */

/*
 * One NPT entry (APM vol. 2, 5.3 and 15.25.5): false when the walk stops
 * there.  Guest accesses are user accesses in the nested walk, so U/S is
 * needed on every level.  PS is reserved at level 4; a 2 MiB leaf has bits
 * 20:13 reserved and a 1 GiB leaf bits 29:13 (bit 12 is PAT).  Rights:
 * RW clear takes W away, NX set takes X away.
 */
static bool npt_entry(uint64_t e, int level, bool *leaf, unsigned *r)
{
    bool large = bit(e, 7);

    if (!bit(e, 0) || !bit(e, 2))
        return false;
    if (level == 4 && large)
        return false;
    if (large && level == 3 && any_bits(e, 29, 13))
        return false;
    if (large && level == 2 && any_bits(e, 20, 13))
        return false;
    if (!bit(e, 1))
        *r &= ~2U;
    if (bit(e, 63))
        *r &= ~4U;
    *leaf = level == 1 || large;
    return true;
}

/*
 * One EPT entry (SDM vol. 3C, 29.3.2 and 29.3.3.1): false when the walk
 * stops there, for an EPT violation (R/W/X all clear) or a misconfiguration:
 * write without read (010, 110), reserved bits (7:3 in a PML4E, 6:3 in an
 * entry that points to a table, 20:12 in a 2 MiB page, 29:12 in a 1 GiB
 * page), or memory type 2, 3 or 7 in an entry that maps a page.  Execute-
 * only (100) is accepted: the CPUs Xenolith runs EPT on report support for
 * it, and p2m_lookup assumes that too.  Rights: AND of R/W/X over the levels.
 */
static bool ept_entry(uint64_t e, int level, bool *leaf, unsigned *r)
{
    unsigned er = (unsigned)field(e, 2, 0);
    unsigned mtype = (unsigned)field(e, 5, 3);
    bool large = bit(e, 7);

    if (er == 0 || (!bit(er, 0) && bit(er, 1)))
        return false;
    if (level == 4)
        *leaf = false;
    else
        *leaf = level == 1 || large;
    if (level == 4 && any_bits(e, 7, 3))
        return false;
    if (level != 4 && !*leaf && any_bits(e, 6, 3))
        return false;
    if (*leaf && (mtype == 2 || mtype == 3 || mtype == 7))
        return false;
    if (*leaf && level == 2 && any_bits(e, 20, 12))
        return false;
    if (*leaf && level == 3 && any_bits(e, 29, 12))
        return false;
    *r &= er;
    return true;
}

bool ref_npt_translate(const struct ref_npt *npt, uint64_t gpa, uint64_t *maddr, unsigned *rights)
{
    uint64_t table = npt->root_mfn;
    unsigned r = 7;

    if (npt->root_mfn == ~0ULL || gpa >> 48 != 0)
        return false;
    for (int level = 4; level >= 1; level--) {
        uint64_t e;
        unsigned idx = (unsigned)field(gpa, (unsigned)(12 + 9 * level - 1), (unsigned)(12 + 9 * (level - 1)));
        bool leaf = false;

        if (!mem_read(table * PAGE_SIZE + idx * 8ULL, 8, &e))
            return false;
        if (!(npt->ept ? ept_entry(e, level, &leaf, &r) : npt_entry(e, level, &leaf, &r)))
            return false;
        if (leaf) {
            unsigned page_bits = (unsigned)(12 + 9 * (level - 1));
            uint64_t base = field(e, 51, page_bits) << page_bits;
            uint64_t pa = base | field(gpa, page_bits - 1, 0);
            if (sim_frame(pa / PAGE_SIZE) == NULL)
                return false;
            *maddr = pa;
            *rights = r;
            return true;
        }
        table = field(e, 51, 12);
    }
    return false;
}

/* ---- guest walk ---------------------------------------------------------------------- */

struct used_entry {
    uint64_t gpa, maddr;
    unsigned width;
    uint64_t value;
    bool writable_page;   /* the p2m lets us write this entry's page */
    bool has_rights;      /* RW/US/A bits exist (not a PAE PDPTE) */
    unsigned level;
};

struct walk {
    const struct ref_npt *npt;
    const struct ref_cpu *cpu;
    struct ref_access acc;
    struct ref_outcome *out;
    unsigned n;
    struct used_entry e[4];
};

static unsigned maxphy(const struct ref_cpu *cpu)
{
    unsigned m = cpu->maxphyaddr;

    return m < 32 ? 32 : m > 52 ? 52 : m;
}

static bool user_access(const struct walk *w)
{
    return w->cpu->cpl == 3 && !w->acc.implicit;
}

static uint32_t pfec_base(const struct walk *w, bool pae_or_long)
{
    uint32_t ec = 0;
    bool nxe = bit(w->cpu->efer, 11), smep = bit(w->cpu->cr4, 20);

    if (w->acc.write)
        ec |= 2;
    if (user_access(w))
        ec |= 4;
    if (w->acc.fetch && (smep || (pae_or_long && nxe)))
        ec |= 16;
    return ec;
}

/* Read the entry at gpa through the nested walk; false (with out filled) on a nested fault. */
static bool fetch_entry(struct walk *w, uint64_t gpa, unsigned width, unsigned level,
                        bool has_rights)
{
    struct used_entry *u = &w->e[w->n];
    unsigned rights;

    if (!ref_npt_translate(w->npt, gpa, &u->maddr, &rights) || !(rights & 1) ||
        !mem_read(u->maddr, width, &u->value)) {
        w->out->verdict = REF_NESTED;
        w->out->gpa = gpa;
        w->out->nested_write = false;
        w->out->level = level;
        return false;
    }
    u->gpa = gpa;
    u->width = width;
    u->writable_page = (rights & 2) != 0;
    u->has_rights = has_rights;
    u->level = level;
    w->n++;
    return true;
}

static void page_fault(struct walk *w, unsigned level, uint32_t ec)
{
    w->out->verdict = REF_PAGE_FAULT;
    w->out->pfec = ec;
    w->out->level = level;
}

/* Permission check on the entries used (SDM 4.6); true if allowed. */
static bool allowed(const struct walk *w)
{
    bool rw = true, us = true, xd = false;
    bool nxe = bit(w->cpu->efer, 11);
    bool wp = bit(w->cpu->cr0, 16), smep = bit(w->cpu->cr4, 20), smap = bit(w->cpu->cr4, 21);
    bool ac = bit(w->cpu->rflags, 18);

    for (unsigned i = 0; i < w->n; i++) {
        if (!w->e[i].has_rights)
            continue;
        rw = rw && bit(w->e[i].value, 1);
        us = us && bit(w->e[i].value, 2);
        if (w->e[i].width == 8 && bit(w->e[i].value, 63))
            xd = true;
    }
    if (!nxe)
        xd = false;
    if (user_access(w)) {
        if (!us)
            return false;
        if (w->acc.write && !rw)
            return false;
        if (w->acc.fetch && xd)
            return false;
        return true;
    }
    /* Supervisor-mode access. */
    if (w->acc.fetch) {
        if (us && smep)
            return false;
        return !xd;
    }
    if (us && smap && (w->acc.implicit || !ac))
        return false;
    if (w->acc.write && !rw && wp)
        return false;
    return true;
}

/* Leaf reached: permissions, then the A/D updates and their nested rights. */
static void finish(struct walk *w, uint64_t gpa, unsigned level, bool pae_or_long)
{
    struct ref_outcome *o = w->out;

    if (!allowed(w)) {
        page_fault(w, level, pfec_base(w, pae_or_long) | 1);
        return;
    }
    o->nr_writes = 0;
    for (unsigned i = 0; i < w->n; i++) {
        const struct used_entry *u = &w->e[i];
        uint64_t bits = 0;

        if (u->has_rights && !bit(u->value, 5))
            bits |= 1ULL << 5;
        if (i == w->n - 1 && w->acc.write && !bit(u->value, 6))
            bits |= 1ULL << 6;
        if (bits == 0)
            continue;
        if (!u->writable_page) {
            o->verdict = REF_NESTED;
            o->gpa = u->gpa;
            o->nested_write = true;
            o->level = u->level;
            o->nr_writes = 0;
            return;
        }
        o->writes[o->nr_writes++] = (struct ref_ad_write){ u->maddr, bits, u->width };
    }
    o->verdict = REF_OK;
    o->gpa = gpa;
    o->level = level;
}

/* 32-bit paging (SDM 4.3). */
static void walk_32bit(struct walk *w, uint32_t la)
{
    bool pse = bit(w->cpu->cr4, 4);
    unsigned m = maxphy(w->cpu) > 40 ? 40 : maxphy(w->cpu);
    uint64_t pde_gpa = (field(w->cpu->cr3, 31, 12) << 12) + field(la, 31, 22) * 4;
    uint64_t pde, pte;

    if (!fetch_entry(w, pde_gpa, 4, 2, true))
        return;
    pde = w->e[0].value;
    if (!bit(pde, 0)) {
        page_fault(w, 2, pfec_base(w, false));
        return;
    }
    if (pse && bit(pde, 7)) {
        /* 4 MiB page: bits 20:13 hold address bits 39:32, M-32 of them usable; bit 21 reserved. */
        if (any_bits(pde, 21, 13 + (m - 32))) {
            page_fault(w, 2, pfec_base(w, false) | 1 | 8);
            return;
        }
        finish(w, (field(pde, 20, 13) << 32) | (field(pde, 31, 22) << 22) | field(la, 21, 0), 2,
               false);
        return;
    }
    if (!fetch_entry(w, (field(pde, 31, 12) << 12) + field(la, 21, 12) * 4, 4, 1, true))
        return;
    pte = w->e[1].value;
    if (!bit(pte, 0)) {
        page_fault(w, 1, pfec_base(w, false));
        return;
    }
    finish(w, (field(pte, 31, 12) << 12) | field(la, 11, 0), 1, false);
}

/* Reserved-bit test for a 64-bit PAE / 4-level entry (not the PAE PDPTE). */
static bool rsvd64(const struct walk *w, uint64_t e, bool pae, int level, bool leaf)
{
    unsigned m = maxphy(w->cpu);
    bool nxe = bit(w->cpu->efer, 11);

    if (pae ? any_bits(e, 62, m) : any_bits(e, 51, m))
        return true;
    if (!nxe && bit(e, 63))
        return true;
    if (level == 4 && bit(e, 7))
        return true;
    if (leaf && level == 2 && any_bits(e, 20, 13))
        return true;
    if (leaf && level == 3 && any_bits(e, 29, 13))
        return true;
    return false;
}

/* Levels 2 and 1 of PAE paging and levels 4..1 of 4-level paging. */
static void walk_64bit_entries(struct walk *w, uint64_t la, uint64_t table, int top, bool pae)
{
    for (int level = top; level >= 1; level--) {
        unsigned lo = (unsigned)(12 + 9 * (level - 1));
        uint64_t e;
        bool leaf;

        if (!fetch_entry(w, table + field(la, lo + 8, lo) * 8, 8, (unsigned)level, true))
            return;
        e = w->e[w->n - 1].value;
        if (!bit(e, 0)) {
            page_fault(w, (unsigned)level, pfec_base(w, true));
            return;
        }
        leaf = level == 1 || (level <= 3 && bit(e, 7) && !(pae && level == 3));
        if (rsvd64(w, e, pae, level, leaf)) {
            page_fault(w, (unsigned)level, pfec_base(w, true) | 1 | 8);
            return;
        }
        if (leaf) {
            finish(w, (field(e, 51, lo) << lo) | field(la, lo - 1, 0), (unsigned)level, true);
            return;
        }
        table = field(e, 51, 12) << 12;
    }
}

/* PAE paging (SDM 4.4): the PDPTE is read at walk time, like AMD's nested walk does. */
static void walk_pae(struct walk *w, uint32_t la)
{
    uint64_t pdpte;
    unsigned m = maxphy(w->cpu);

    if (!fetch_entry(w, (field(w->cpu->cr3, 31, 5) << 5) + field(la, 31, 30) * 8, 8, 3, false))
        return;
    pdpte = w->e[0].value;
    if (!bit(pdpte, 0)) {
        page_fault(w, 3, pfec_base(w, true));
        return;
    }
    if (bit(pdpte, 1) || bit(pdpte, 2) || any_bits(pdpte, 8, 5) || any_bits(pdpte, 63, m)) {
        page_fault(w, 3, pfec_base(w, true) | 1 | 8);
        return;
    }
    walk_64bit_entries(w, la, field(pdpte, 51, 12) << 12, 2, true);
}

static bool canonical48(uint64_t la)
{
    uint64_t upper = field(la, 63, 47);

    return upper == 0 || upper == 0x1FFFF;
}

void ref_walk(const struct ref_npt *npt, const struct ref_cpu *cpu, uint64_t gla,
              struct ref_access acc, struct ref_outcome *out)
{
    struct walk w = { .npt = npt, .cpu = cpu, .acc = acc, .out = out, .n = 0 };

    memset(out, 0, sizeof(*out));
    if (acc.write && acc.fetch) {
        out->verdict = REF_BAD_ACCESS;
        return;
    }
    if (!bit(cpu->cr0, 31)) {
        out->verdict = REF_OK;
        out->gpa = gla & 0xFFFFFFFFULL;
        return;
    }
    if (bit(cpu->efer, 10)) {
        if (!canonical48(gla)) {
            out->verdict = REF_GP;
            return;
        }
        walk_64bit_entries(&w, gla, field(cpu->cr3, 51, 12) << 12, 4, false);
    } else if (bit(cpu->cr4, 5)) {
        walk_pae(&w, (uint32_t)gla);
    } else {
        walk_32bit(&w, (uint32_t)gla);
    }
}

void ref_apply(const struct ref_outcome *out)
{
    for (unsigned i = 0; i < out->nr_writes; i++)
        mem_or(out->writes[i].maddr, out->writes[i].width, out->writes[i].bits);
}

/* ---- copies --------------------------------------------------------------------------- */

#define REF_COPY_MAX (1UL << 20)

struct ref_page {
    uint64_t maddr;          /* machine address of the chunk's first byte */
    size_t len;
    struct ref_outcome walk; /* its walk (linear copies) */
};

int ref_copy(const struct ref_npt *npt, const struct ref_cpu *cpu, uint64_t addr, uint8_t *buf,
             size_t len, bool to_guest)
{
    size_t npages = 0, done = 0;
    struct ref_page *pages;
    bool long_mode = cpu != NULL && bit(cpu->cr0, 31) && bit(cpu->efer, 10);
    int rc = 0;

    if (len == 0)
        return 0;
    if (len > REF_COPY_MAX || (cpu == NULL && addr + len < addr))
        return -1;
    pages = calloc(len / PAGE_SIZE + 2, sizeof(*pages));
    if (pages == NULL)
        abort();
    /* Translate everything first, on the memory as it is. */
    while (done < len && rc == 0) {
        uint64_t a = addr + done;
        struct ref_page *p = &pages[npages++];
        uint64_t gpa = a;
        unsigned rights;

        if (cpu != NULL && !long_mode)
            a &= 0xFFFFFFFFULL;
        p->len = PAGE_SIZE - a % PAGE_SIZE;
        if (p->len > len - done)
            p->len = len - done;
        if (cpu != NULL) {
            ref_walk(npt, cpu, a, (struct ref_access){ .write = to_guest }, &p->walk);
            if (p->walk.verdict != REF_OK) {
                rc = -1;
                break;
            }
            gpa = p->walk.gpa;
        }
        if (!ref_npt_translate(npt, gpa, &p->maddr, &rights) || !(rights & (to_guest ? 2U : 1U)))
            rc = -1;
        done += p->len;
    }
    if (rc == 0) {
        for (size_t i = 0; i < npages; i++)
            ref_apply(&pages[i].walk);
        done = 0;
        for (size_t i = 0; i < npages; i++) {
            uint8_t *host = sim_frame(pages[i].maddr / PAGE_SIZE) + pages[i].maddr % PAGE_SIZE;
            if (to_guest)
                memcpy(host, buf + done, pages[i].len);
            else
                memcpy(buf + done, host, pages[i].len);
            done += pages[i].len;
        }
    }
    free(pages);
    return rc;
}
