// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for grant tables.  Three domains (0 privileged, 1 and
 * 2 not; the input picks which run 32-bit code), each with grant state; the
 * input is a program of steps, each one of:
 *   - a grant_table_op sub-op (setup_table, query_size, set/get_version,
 *     copy, map, unmap, cache_flush) from one domain, its records built from
 *     the input with bias towards refs, frames and domains that exist (and
 *     hostile buffers, counts and commands sometimes), through the hypercall
 *     entry;
 *   - map_grant_ref (checked: a mapping reported done is the grant's frame
 *     at the gfn asked, with the rights asked, under the handle returned)
 *     and unmap_grant_ref of a live handle or not (checked: Xen's status
 *     for each case, the gfn a hole afterwards, the handle gone);
 *   - add_to_physmap(XENMAPSPACE_grant_table) with any idx and gpfn;
 *   - the guest writing one of its grant entries (any flags, domid, frame);
 *   - a domain writing through one of its guest-physical pages (a grant
 *     mapping included: the bytes must land in the granter's frame, and a
 *     read-only one must refuse);
 *   - a domain destroyed and created again, through the grant layer
 *     (grant_domain_destroy, then domain_destroy must succeed) or through
 *     domain_destroy alone (refused with -EBUSY, changing nothing, while
 *     another domain maps its frames).
 * A domain may break its own way to its hypercall records (its page tables
 * or the argument page replaced, overwritten or read-only): a copy or unmap
 * may then answer -EFAULT, and only then (fx_page_reachable); a domain whose
 * argument page is gone altogether takes no more hypercall steps.
 * After every step: the whole-system invariant (memory, references, and
 * every foreign leaf accounted by one live maptrack entry: see
 * domain_check_invariants), every result one the table declares, every
 * domain's grant state well formed (frames within the limit, each still
 * its RAM, distinct), every live mapping showing the granter's bytes to the
 * mapper, and a copy that reported GNTST_okay really moved the bytes.  Any
 * disagreement aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FX_FRAMES 1024U
#define FX_RAM    288U
#include "../tests/unit/test_hc_fixture.h"
#include "hv/frame_ref.h"
#include "hv/grant_table.h"

#define FZ_STEPS    64U
#define FZ_DOMS     3U
#define FZ_ARG_PAGE 5U
#define FZ_GT_GFN   0x110U       /* where grant frames usually go (inside RAM: evicts pages) */
#define FZ_FREE_GFN 0x200U       /* above RAM: where grants are usually mapped */

static const uint8_t *fz_data;
static size_t fz_size, fz_pos;
static struct vcpu *fz_v[FZ_DOMS];
static bool fz_compat[FZ_DOMS];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fz_fail(const char *what, long long a, long long b)
{
    fprintf(stderr, "fuzz_grant_table: %s (%lld, %lld)\n", what, a, b);
    abort();
}

static unsigned fz_byte(void)
{
    return fz_pos < fz_size ? fz_data[fz_pos++] : 0U;
}

static uint64_t fz_bytes(unsigned n)
{
    uint64_t x = 0;

    for (unsigned i = 0; i < n; i++)
        x |= (uint64_t)fz_byte() << (8 * i);
    return x;
}

static domid_t fz_domid(void)
{
    unsigned b = fz_byte() % 8U;

    return b < FZ_DOMS ? (domid_t)b : b == 3 ? DOMID_SELF : b == 4 ? 9 : (domid_t)fz_bytes(2);
}

static uint32_t fz_ref(void)
{
    unsigned b = fz_byte();

    return b < 200 ? b % 16U : b < 240 ? 500U + b % 30U : (uint32_t)fz_bytes(4);
}

/* A gfn: a data page, a grant-frame place, a free place, the hole, the read-only page, or anything. */
static uint64_t fz_gfn(void)
{
    unsigned b = fz_byte();

    if (b < 112)
        return 0x30U + b % 8U;
    if (b < 160)
        return FZ_GT_GFN + b % 4U;
    if (b < 192)
        return FZ_FREE_GFN + b % 8U;
    if (b < 208)
        return FX_PAGE_GFN + FX_HOLE;
    if (b < 224)
        return FX_PAGE_GFN + FX_RO;
    return fz_bytes(5);
}

static uint16_t fz_offset(void)
{
    unsigned b = fz_byte();

    return b < 200 ? (uint16_t)(b * 16U) : (uint16_t)fz_bytes(2);
}

static int64_t fz_call(struct vcpu *v, uint32_t cmd, uint64_t addr, uint32_t count)
{
    int64_t rc = FX_CALL3(v, HYPERVISOR_grant_table_op, cmd, addr, count);

    if (!fx_declared(HYPERVISOR_grant_table_op, rc))
        fz_fail("undeclared grant_table_op result", (long long)cmd, (long long)rc);
    return rc;
}

/* ---- invariants ---------------------------------------------------------------------------- */

/* Each live mapping of slot s shows the mapper the granter's frame, byte for byte. */
static void fz_check_mappings(uint32_t s)
{
    static uint8_t seen[PAGE_SIZE];
    const struct domain *d = &domain_table[s];

    for (uint32_t h = 0; h < GRANT_MAPTRACK_MAX; h++) {
        const struct grant_map *m = &grant_state[s].map[h];

        if (m->flags == 0)
            continue;
        if (copy_from_guest_phys(&d->p2m, seen, m->gfn << PAGE_SHIFT, PAGE_SIZE) != 0 ||
            memcmp(seen, sim_frame(m->mfn), PAGE_SIZE) != 0)
            fz_fail("a mapping does not show the granted frame", s, h);
    }
}

static void fz_check(void)
{
    if (!fx_invariants())
        fz_fail("whole-system invariant", 0, 0);
    for (uint32_t s = 0; s < DOMAIN_MAX; s++) {
        const struct grant_domain *g = &grant_state[s];

        if (g->nr_frames > GRANT_MAX_FRAMES)
            fz_fail("too many frames", s, g->nr_frames);
        if (g->version == 0)
            continue;
        if (!domain_table[s].live || domain_table[s].id != g->owner)
            fz_fail("grant state of a dead domain", s, g->owner);
        for (uint32_t i = 0; i < g->nr_frames; i++) {
            if (frame_owner(g->frame[i]) != g->owner || frame_type(g->frame[i]) != FRAME_TYPE_GUEST_RAM)
                fz_fail("grant frame not the domain's RAM", s, i);
            for (uint32_t j = 0; j < i; j++)
                if (g->frame[j] == g->frame[i])
                    fz_fail("grant frame twice", s, i);
        }
        fz_check_mappings(s);
    }
}

/* ---- steps ------------------------------------------------------------------------------------ */

static uint64_t fz_arg(struct vcpu *v)
{
    unsigned b = fz_byte();

    if (b < 232)
        return fx_addr(v, FZ_ARG_PAGE, 64);
    if (b < 244)
        return fx_addr(v, FX_HOLE, 0) - (b % 3U) * 8U;
    return fx_addr(v, FX_RO, 0);
}

/* Whether the argument page is still in the p2m (a grant mapped over it and unmapped leaves a hole). */
static bool fz_arg_mapped(const struct vcpu *v)
{
    mfn_t m;
    unsigned a;

    return domain_lookup(v->domain->id, FX_PAGE_GFN + FZ_ARG_PAGE, &m, &a) == 0;
}

/* Host view of one side of a copy as the harness understands it, or NULL. */
static const uint8_t *fz_side(struct vcpu *v, uint64_t ref_or_gmfn, domid_t domid, bool gref, uint16_t off)
{
    struct domain *d = domid == DOMID_SELF ? v->domain : domain_find(domid);
    struct grant_entry_v1 e;
    uint64_t gfn = ref_or_gmfn;
    mfn_t m;
    unsigned a;

    if (d == NULL || off >= PAGE_SIZE)
        return NULL;
    if (gref) {
        if (!grant_active(d) || grant_entry_read(d, (grant_ref_t)ref_or_gmfn, &e) != 0)
            return NULL;
        gfn = e.frame;
    }
    if (gfn > P2M_MAX_GFN || domain_lookup(d->id, gfn, &m, &a) != 0)
        return NULL;
    return sim_frame(m) + off;
}

static void fz_copy(struct vcpu *v)
{
    static uint8_t before[PAGE_SIZE];
    bool compat = fz_compat[v->domain->id];
    struct grant_copy_req r;
    struct gnttab_copy c;
    struct gnttab_copy_compat cc;
    const uint8_t *src, *dst;
    bool reachable;
    int64_t rc;
    int16_t st;

    r.flags = (uint16_t)(fz_byte() & 7U);
    r.source.ref_or_gmfn = (r.flags & GNTCOPY_source_gref) ? fz_ref() : fz_gfn();
    r.source.domid = fz_domid();
    r.source.offset = fz_offset();
    r.dest.ref_or_gmfn = (r.flags & GNTCOPY_dest_gref) ? fz_ref() : fz_gfn();
    r.dest.domid = fz_domid();
    r.dest.offset = fz_offset();
    r.len = fz_byte() < 230 ? (uint16_t)fz_byte() : (uint16_t)fz_bytes(2);
    if (compat) {
        r.source.ref_or_gmfn &= 0xFFFFFFFFU;
        r.dest.ref_or_gmfn &= 0xFFFFFFFFU;
        cc = (struct gnttab_copy_compat){ .source = { .u.gmfn = (uint32_t)r.source.ref_or_gmfn, r.source.domid,
                                                      r.source.offset },
                                          .dest = { .u.gmfn = (uint32_t)r.dest.ref_or_gmfn, r.dest.domid,
                                                    r.dest.offset }, .len = r.len, .flags = r.flags, .status = 1 };
        fx_put(v, FZ_ARG_PAGE, 64, &cc, sizeof(cc));
    } else {
        c = (struct gnttab_copy){ .source = { .u.gmfn = r.source.ref_or_gmfn, r.source.domid, r.source.offset },
                                  .dest = { .u.gmfn = r.dest.ref_or_gmfn, r.dest.domid, r.dest.offset },
                                  .len = r.len, .flags = r.flags, .status = 1 };
        fx_put(v, FZ_ARG_PAGE, 64, &c, sizeof(c));
    }
    src = fz_side(v, r.source.ref_or_gmfn, r.source.domid, r.flags & GNTCOPY_source_gref, r.source.offset);
    if (src != NULL && r.len <= PAGE_SIZE - r.source.offset)
        memcpy(before, src, r.len);
    reachable = fx_page_reachable(v, FZ_ARG_PAGE);
    rc = fz_call(v, GNTTABOP_copy, fx_addr(v, FZ_ARG_PAGE, 64), 1);
    if (rc == -XEN_EFAULT && (!reachable || !fx_page_reachable(v, FZ_ARG_PAGE)))
        return;                              /* the guest broke its own path to the record */
    fx_get(v, FZ_ARG_PAGE, 64 + (compat ? 20U : 36U), &st, sizeof(st));
    if (rc != 0 || st < GNTST_no_space || st > GNTST_okay)
        fz_fail("copy result", (long long)rc, st);
    if (st != GNTST_okay)
        return;
    /* Reported done: the bytes are where the caller asked (read as the hypervisor found them). */
    dst = fz_side(v, r.dest.ref_or_gmfn, r.dest.domid, r.flags & GNTCOPY_dest_gref, r.dest.offset);
    if (src == NULL || dst == NULL)
        fz_fail("a copy succeeded on a side the harness cannot find", src == NULL, dst == NULL);
    if (memcmp(dst, before, r.len) != 0)
        fz_fail("copy did not move the bytes", r.len, 0);
}

static void fz_map(struct vcpu *v)
{
    unsigned fb = fz_byte();
    struct gnttab_map_grant_ref m = { .host_addr = fz_gfn() << PAGE_SHIFT,
                                      .flags = fb < 200 ? GNTMAP_host_map | (fb & GNTMAP_readonly) : fb & 0x3FU,
                                      .ref = fz_ref(), .dom = fz_domid(), .handle = 0x5555, .status = 1 };
    struct domain *d = v->domain;
    struct grant_map gm;
    mfn_t mfn;
    unsigned access;
    int64_t rc;

    fx_put(v, FZ_ARG_PAGE, 64, &m, sizeof(m));
    rc = fz_call(v, GNTTABOP_map_grant_ref, fz_arg(v), 1 + (fz_byte() < 220 ? 0U : 1U));
    fx_get(v, FZ_ARG_PAGE, 64, &m, sizeof(m));
    if (rc != 0 || m.status < GNTST_no_space || m.status > GNTST_okay)
        return;
    if (m.status != GNTST_okay) {
        if (m.handle != 0x5555)
            fz_fail("a failed map wrote a handle", m.status, m.handle);
        return;
    }
    /* Done: the handle names the mapping, which is where it was asked, with the rights asked. */
    if (grant_map_get(d, m.handle, &gm) != 0 || gm.gfn != m.host_addr >> PAGE_SHIFT ||
        gm.rdom != m.dom || gm.ref != m.ref || m.dev_bus_addr != 0)
        fz_fail("map reported done, maptrack disagrees", m.handle, (long long)m.host_addr);
    if (domain_lookup(d->id, gm.gfn, &mfn, &access) != 0 || mfn != gm.mfn || frame_owner(mfn) != m.dom ||
        ((access & P2M_ACCESS_W) != 0) != ((m.flags & GNTMAP_readonly) == 0) || (access & P2M_ACCESS_X) != 0)
        fz_fail("map reported done, p2m disagrees", (long long)mfn, access);
}

/* unmap_grant_ref of a live handle (usually) or not, with the right address or not. */
static void fz_unmap(struct vcpu *v)
{
    struct domain *d = v->domain;
    uint32_t s = grant_slot(d);
    grant_handle_t h = (grant_handle_t)(fz_byte() % 16U);
    unsigned b = fz_byte();
    struct gnttab_unmap_grant_ref u = { .handle = h, .status = 1 };
    struct grant_map gm;
    bool had, reachable;
    int64_t rc;

    /* Most of the time, the k-th live handle. */
    if (b < 200) {
        for (uint32_t k = 0, i = 0; i < GRANT_MAPTRACK_MAX; i++) {
            if (grant_state[s].map[i].flags != 0 && k++ == h % 4U) {
                u.handle = (grant_handle_t)i;
                break;
            }
        }
    }
    had = grant_map_get(d, u.handle, &gm) == 0;
    b = fz_byte();
    u.host_addr = b < 160 && had ? (gm.gfn << PAGE_SHIFT) + fz_byte() : b < 200 ? 0 : fz_gfn() << PAGE_SHIFT;
    u.dev_bus_addr = fz_byte() < 240 ? 0 : fz_bytes(8);
    fx_put(v, FZ_ARG_PAGE, 64, &u, sizeof(u));
    reachable = fx_page_reachable(v, FZ_ARG_PAGE);
    rc = fz_call(v, GNTTABOP_unmap_grant_ref, fx_addr(v, FZ_ARG_PAGE, 64), 1);
    if (rc == -XEN_EFAULT && (!reachable || !fx_page_reachable(v, FZ_ARG_PAGE)))
        return;                              /* the guest broke its own path to the record */
    fx_get(v, FZ_ARG_PAGE, 64, &u, sizeof(u));
    if (rc != 0)
        fz_fail("unmap of a readable record failed", (long long)rc, 0);
    if (!had) {
        if (u.status != GNTST_bad_handle)
            fz_fail("unmap of a free handle", u.status, u.handle);
        return;
    }
    if (u.host_addr == 0 || (u.host_addr >> PAGE_SHIFT) != gm.gfn) {
        if (u.status != (u.host_addr == 0 ? GNTST_okay : GNTST_general_error) ||
            grant_map_get(d, u.handle, &gm) != 0)
            fz_fail("unmap with another address", u.status, (long long)u.host_addr);
        return;
    }
    {
        mfn_t m;
        unsigned a;

        if (u.status != GNTST_okay || grant_map_get(d, u.handle, &gm) == 0 ||
            domain_lookup(d->id, gm.gfn, &m, &a) != -XEN_ENOENT)
            fz_fail("unmap of a live mapping", u.status, u.handle);
    }
}

/* The domain writes one of its guest-physical pages (a grant mapping included). */
static void fz_write(struct vcpu *v)
{
    struct domain *d = v->domain;
    uint64_t gfn = fz_gfn();
    uint8_t bytes[8];
    mfn_t m = INVALID_MFN;
    unsigned access = 0;
    bool mapped = gfn <= P2M_MAX_GFN && domain_lookup(d->id, gfn, &m, &access) == 0;
    uint32_t off = fz_byte() * 16U;
    int rc;

    for (unsigned i = 0; i < sizeof(bytes); i++)
        bytes[i] = (uint8_t)fz_byte();
    rc = copy_to_guest_phys(&d->p2m, (gfn << PAGE_SHIFT) + off, bytes, sizeof(bytes));
    if ((rc == 0) != (mapped && (access & P2M_ACCESS_W) != 0))
        fz_fail("a write against the p2m's rights", rc, access);
    if (rc == 0 && memcmp(sim_frame(m) + off, bytes, sizeof(bytes)) != 0)
        fz_fail("a write landed elsewhere", (long long)gfn, (long long)m);
}

static void fz_op(struct vcpu *v)
{
    unsigned op = fz_byte() % 12U;
    uint8_t rec[48];

    switch (op) {
    case 0:
        fz_copy(v);
        return;
    case 1:
    case 10:
        fz_map(v);
        return;
    case 11:
        fz_unmap(v);
        return;
    default:
        break;
    }
    for (unsigned i = 0; i < sizeof(rec); i++)
        rec[i] = (uint8_t)fz_byte();
    switch (op) {
    case 2:                                  /* setup_table: a sane record most of the time */
        memset(rec, 0, 8);
        rec[0] = (uint8_t)fz_domid();
        rec[4] = (uint8_t)(fz_byte() % 80U);
        memcpy(&rec[fz_compat[v->domain->id] ? 12 : 16], &(uint64_t){ fx_addr(v, FZ_ARG_PAGE + 1, 0) }, 8);
        break;
    default:
        break;
    }
    fx_put(v, FZ_ARG_PAGE, 64, rec, sizeof(rec));
    {
        static const uint32_t cmds[] = { GNTTABOP_unmap_grant_ref, GNTTABOP_setup_table, GNTTABOP_query_size,
                                         GNTTABOP_set_version, GNTTABOP_get_version, GNTTABOP_cache_flush,
                                         GNTTABOP_transfer, GNTTABOP_copy };
        uint32_t cmd = op < 2 ? GNTTABOP_query_size : cmds[(op - 2) % 8U];
        uint32_t count = fz_byte() < 240 ? 1U : (uint32_t)fz_bytes(4);

        if (fz_byte() >= 250)
            cmd |= (uint32_t)fz_bytes(4) << 12;
        (void)fz_call(v, cmd, fz_arg(v), count);
    }
}

static void fz_add_to_physmap(struct vcpu *v)
{
    struct xen_add_to_physmap x = { .domid = fz_domid(), .space = XENMAPSPACE_grant_table };
    struct xen_add_to_physmap_compat c;
    unsigned b = fz_byte();
    int64_t rc;

    x.idx = b < 200 ? b % 6U : b < 230 ? (XENMAPIDX_grant_table_status | (b % 4U)) : fz_bytes(8);
    x.gpfn = fz_gfn();
    c = (struct xen_add_to_physmap_compat){ .domid = x.domid, .space = x.space, .idx = (uint32_t)x.idx,
                                            .gpfn = (uint32_t)x.gpfn };
    if (fz_compat[v->domain->id])
        fx_put(v, FZ_ARG_PAGE, 64, &c, sizeof(c));
    else
        fx_put(v, FZ_ARG_PAGE, 64, &x, sizeof(x));
    rc = FX_CALL2(v, HYPERVISOR_memory_op, XENMEM_add_to_physmap, fx_addr(v, FZ_ARG_PAGE, 64));
    if (!fx_declared(HYPERVISOR_memory_op, rc))
        fz_fail("undeclared memory_op result", 0, (long long)rc);
}

/* The guest writes one of its grant entries (through the hypervisor's view of its frame). */
static void fz_guest_grant(struct domain *d)
{
    uint32_t s = grant_slot(d);
    uint32_t ref = fz_byte() % 16U;
    struct grant_entry_v1 e = { .flags = (uint16_t)fz_bytes(2), .domid = fz_domid(), .frame = (uint32_t)fz_gfn() };

    if (grant_state[s].nr_frames == 0)
        return;
    if (fz_byte() < 200)
        e.flags &= GTF_permit_access | GTF_readonly;
    memcpy(sim_frame(grant_state[s].frame[0]) + ref * 8U, &e, sizeof(e));
}

static void fz_domain(unsigned i)
{
    uint32_t flags = i == 0 ? SIF_PRIVILEGED | SIF_INITDOMAIN : 0U;

    fz_v[i] = fx_domain((domid_t)i, flags, fz_compat[i] ? FX_FLAT32 : FX_LONG);
    grant_domain_init(fz_v[i]->domain);
}

/* domain_destroy alone: refused (nothing changed) while another domain maps one of its
 * frames; otherwise it goes with the grant mappings it holds, and comes back. */
static void fz_destroy_direct(unsigned who)
{
    struct domain *d = fz_v[who]->domain;
    uint64_t granted = d->nr_granted, own = 0;
    int rc;

    for (uint32_t h = 0; h < GRANT_MAPTRACK_MAX; h++) {
        const struct grant_map *m = &grant_state[grant_slot(d)].map[h];

        own += m->flags != 0 && m->rdom == who && frame_owner(m->mfn) == who;
    }
    rc = domain_destroy((domid_t)who);
    if (rc != (granted == own ? 0 : -XEN_EBUSY))
        fz_fail("domain_destroy alone", rc, (long long)granted);
    if (rc != 0) {
        if (domain_find((domid_t)who) != d || d->nr_granted != granted)
            fz_fail("a refused domain_destroy changed something", who, 0);
        return;
    }
    /* The grant layer catches up: the dead slot's maptrack and the pins it held. */
    grant_domain_destroy(d);
    fz_domain(who);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned modes;

    fz_data = data;
    fz_size = size;
    fz_pos = 0;
    fx_machine();
    grant_reset();
    modes = fz_byte();
    for (unsigned i = 0; i < FZ_DOMS; i++) {
        fz_compat[i] = (modes >> i) & 1U;
        fz_domain(i);
    }
    for (unsigned step = 0; step < FZ_STEPS && fz_pos < fz_size; step++) {
        unsigned b = fz_byte();
        unsigned who = fz_byte() % FZ_DOMS;

        if (b < 200 && !fz_arg_mapped(fz_v[who])) {
            continue;                        /* nowhere left to put a record */
        } else if (b < 150) {
            fz_op(fz_v[who]);
        } else if (b < 200) {
            fz_add_to_physmap(fz_v[who]);
        } else if (b < 230) {
            fz_guest_grant(fz_v[who]->domain);
        } else if (b < 245) {
            fz_write(fz_v[who]);
        } else if (b < 250) {
            fz_destroy_direct(who);
        } else {
            grant_domain_destroy(fz_v[who]->domain);
            if (domain_destroy((domid_t)who) != 0)
                fz_fail("domain_destroy", who, 0);
            fz_domain(who);
        }
        fz_check();
    }
    return 0;
}
