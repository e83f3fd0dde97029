// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the p2m, frame typing/refcounts and domain memory
 * management.  The input is a program of create / populate / alloc_ram /
 * map (4 KiB, 2 MiB) / unmap / set_access / lookup / destroy / free_ram
 * operations over several domains, with valid and hostile arguments (reserved
 * domain ids, gfns beyond the p2m, misaligned 2 MiB requests, bad rights,
 * other domains' frames, hypervisor frames, free frames, table pages, wild
 * frame numbers) and memory pressure (the hypervisor takes frames away).
 *
 * A shadow model holds what each domain's p2m must translate (a map
 * replaces what the range held, splitting a 2 MiB leaf for a 4 KiB map;
 * the checker confirms the old frames' references went).  Every result
 * is checked against what the model and the frame table (read before the
 * call) allow; after every step the whole-system checker
 * (domain_check_invariants) must pass and the touched gfns plus a sample
 * must translate as the model says; at the end every gfn is compared.  Any
 * disagreement aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/domain.h"
#include "xen/errno.h"
#include "sim.h"

#define FZ_FRAMES  2048U          /* 8 MiB: four 2 MiB blocks at most */
#define FZ_FIRST   16U            /* frames [0, 16): the hypervisor's */
#define FZ_DOMS    4U             /* guest ids 0..3 */
#define FZ_GFNS    2048U          /* gfns the model covers: four 2 MiB regions */
#define FZ_REGIONS (FZ_GFNS / 512U)
#define FZ_HV_MAX  FZ_FRAMES

struct fz_slot {
    mfn_t mfn;
    uint8_t access;               /* 0: not mapped */
};

struct fz_dom {
    bool live;
    struct fz_slot map[FZ_GFNS];
    bool large[FZ_REGIONS];       /* region mapped by one 2 MiB leaf */
};

static struct frame_desc fz_table[FZ_FRAMES];
static uint32_t fz_scratch[FZ_FRAMES];
static struct fz_dom fz_dom[FZ_DOMS];
static mfn_t fz_hv[FZ_HV_MAX];    /* frames the "hypervisor" took for pressure */
static size_t fz_nr_hv;
static domid_t fz_last_id;       /* range the last map/unmap/set_access touched */
static gfn_t fz_last_gfn;
static unsigned fz_last_order;
static const uint8_t *fz_data;
static size_t fz_size, fz_pos;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fz_fail(const char *what, long long a, long long b)
{
    fprintf(stderr, "fuzz_p2m: %s (%lld, %lld)\n", what, a, b);
    abort();
}

static unsigned fz_byte(void)
{
    return fz_pos < fz_size ? fz_data[fz_pos++] : 0U;
}

static unsigned fz_u16(void)
{
    unsigned lo = fz_byte();

    return lo | (fz_byte() << 8);
}

static domid_t fz_id(unsigned b)
{
    static const domid_t ids[8] = { 0, 1, 2, 3, 0, 1, DOMID_XEN, DOMID_SELF };

    return ids[b & 7U];
}

static struct fz_dom *fz_model(domid_t id)
{
    return id < FZ_DOMS && fz_dom[id].live ? &fz_dom[id] : NULL;
}

static unsigned fz_order(unsigned b)
{
    if ((b & 0x30U) == 0x30U)
        return (b & 0x40U) ? 1U : 10U;   /* hostile */
    return (b & 1U) ? P2M_ORDER_2M : P2M_ORDER_4K;
}

static gfn_t fz_gfn(unsigned order)
{
    static const gfn_t far[4] = { P2M_MAX_GFN + 1, ~0ULL, P2M_MAX_GFN + 512, 1ULL << 40 };
    unsigned v = fz_u16();

    if (v & 0x8000U)
        return far[v & 3U];
    v %= FZ_GFNS;
    if (order == P2M_ORDER_2M && (v & 0x4000U) == 0)
        v &= ~511U;
    return v;
}

static bool fz_range_in_model(gfn_t gfn, unsigned order)
{
    return gfn < FZ_GFNS && (order == 0 || (order == 9 && gfn % 512 == 0));
}

/* Does the model map anything in [gfn, gfn + n)? */
static bool fz_mapped(const struct fz_dom *d, gfn_t gfn, mfn_t n)
{
    for (gfn_t g = gfn; g < gfn + n; g++)
        if (d->map[g].access != 0)
            return true;
    return false;
}

/* A frame: the domain's own RAM, another domain's, the hypervisor's, free,
 * a table page, or anything. */
static mfn_t fz_mfn(domid_t id, unsigned order)
{
    unsigned kind = fz_byte() % 8U, pick = fz_u16();
    mfn_t found = INVALID_MFN, seen = 0;

    if (kind == 4)
        return pick % FZ_FIRST;
    if (kind == 7)
        return (mfn_t)pick * (pick & 1U ? 1U : 977U);
    for (mfn_t i = 0; i < FZ_FRAMES; i++) {
        domid_t o = frame_owner(i);
        unsigned t = frame_type(i);
        bool want = kind <= 2 ? (o == id && t == FRAME_TYPE_GUEST_RAM) :
                    kind == 3 ? (o < FZ_DOMS && o != id && t == FRAME_TYPE_GUEST_RAM) :
                    kind == 5 ? (o == FRAME_OWNER_FREE) :
                                (o == id && t == FRAME_TYPE_P2M_TABLE);
        if (want && (seen++ == 0 || pick % seen == 0))
            found = i;
    }
    if (found == INVALID_MFN)
        return pick;
    return order == P2M_ORDER_2M ? found & ~511ULL : found;
}

static unsigned fz_access(void)
{
    static const unsigned a[10] = { P2M_ACCESS_RWX, P2M_ACCESS_R, P2M_ACCESS_R | P2M_ACCESS_W,
                                    P2M_ACCESS_R | P2M_ACCESS_X, P2M_ACCESS_X, 0, P2M_ACCESS_W,
                                    8, P2M_ACCESS_RWX, P2M_ACCESS_R };

    return a[fz_byte() % 10U];
}

/* ---- checks --------------------------------------------------------------------- */

static void fz_check_gfn(domid_t id, gfn_t g)
{
    const struct fz_dom *d = &fz_dom[id];
    mfn_t m = 0;
    unsigned a = 0;
    int rc = domain_lookup(id, g, &m, &a);

    if (d->map[g].access == 0) {
        if (rc != -XEN_ENOENT)
            fz_fail("lookup finds an unmapped gfn", id, (long long)g);
        return;
    }
    if (rc != 0 || m != d->map[g].mfn || a != d->map[g].access)
        fz_fail("lookup disagrees with the model", id, (long long)g);
    if (frame_owner(m) != id || frame_type(m) != FRAME_TYPE_GUEST_RAM)
        fz_fail("a gfn translates to a frame not the domain's RAM", id, (long long)m);
}

static void fz_check_range(domid_t id, gfn_t gfn, unsigned order)
{
    if (fz_model(id) == NULL || !fz_range_in_model(gfn, order))
        return;
    for (gfn_t g = gfn; g < gfn + (order == 9 ? 512U : 1U); g++)
        fz_check_gfn(id, g);
}

static void fz_touch(domid_t id, gfn_t gfn, unsigned order)
{
    fz_last_id = id;
    fz_last_gfn = gfn;
    fz_last_order = order;
}

static void fz_check_step(void)
{
    if (!domain_check_invariants(fz_scratch, FZ_FRAMES))
        fz_fail("invariants broken", 0, 0);
    fz_check_range(fz_last_id, fz_last_gfn, fz_last_order);
    fz_touch(DOMID_INVALID, 0, 0);
    for (domid_t id = 0; id < FZ_DOMS; id++) {
        if (!fz_dom[id].live) {
            if (domain_find(id) != NULL)
                fz_fail("a domain the model does not know", id, 0);
            continue;
        }
        for (unsigned k = 0; k < 8; k++)
            fz_check_gfn(id, (gfn_t)((fz_pos * 131U + k * 257U) % FZ_GFNS));
    }
}

static void fz_expect(bool ok, const char *what, int rc)
{
    if (!ok)
        fz_fail(what, rc, (long long)fz_pos);
}

/* What p2m_map must say about frames [m, m + n) (read from the frame table). */
static int fz_frames_verdict(mfn_t m, mfn_t n, domid_t id)
{
    if (m >= FZ_FRAMES || n > FZ_FRAMES - m)
        return -XEN_EINVAL;
    for (mfn_t i = m; i < m + n; i++) {
        if (frame_owner(i) != id)
            return -XEN_EPERM;
        if (frame_type(i) != FRAME_TYPE_GUEST_RAM)
            return -XEN_EINVAL;
    }
    return 0;
}

static bool fz_access_ok(const struct fz_dom *d, domid_t id, unsigned a)
{
    (void)d;
    return pte_access_valid(domain_find(id)->p2m.format, a);
}

/* ---- operations ------------------------------------------------------------------- */

static void op_create(void)
{
    domid_t id = fz_id(fz_byte());
    uint64_t max = 1U + fz_u16() % 3000U;
    enum pte_format fmt = (fz_byte() & 1U) ? PTE_FORMAT_EPT : PTE_FORMAT_NPT;
    bool existed = domain_find(id) != NULL;
    int rc = domain_create(id, max, fmt);

    if (id >= DOMID_FIRST_RESERVED)
        fz_expect(rc == -XEN_EINVAL, "create with a reserved id", rc);
    else if (existed)
        fz_expect(rc == -XEN_EEXIST, "create over a live id", rc);
    else
        fz_expect(rc == 0 || rc == -XEN_ENOMEM, "create", rc);
    if (rc == 0) {
        memset(&fz_dom[id], 0, sizeof(fz_dom[id]));
        fz_dom[id].live = true;
    }
}

static void op_populate(void)
{
    domid_t id = fz_id(fz_byte());
    unsigned order = fz_order(fz_byte());
    gfn_t gfn = fz_gfn(order);
    uint64_t nr = 1U + fz_byte() % (order == 9 ? 2U : 16U);
    struct fz_dom *d = fz_model(id);
    const struct domain *dom = domain_find(id);
    mfn_t n = order == 9 ? 512U : 1U;
    int rc;

    if (gfn < FZ_GFNS && gfn % n == 0 && nr > (FZ_GFNS - gfn) / n)
        nr = (FZ_GFNS - gfn) / n;         /* stay inside the model */
    rc = domain_populate(id, gfn, nr, order);
    if (d == NULL) {
        fz_expect(rc == -XEN_ESRCH, "populate of no domain", rc);
        return;
    }
    if ((order != 0 && order != 9) || gfn % n != 0 || gfn > P2M_MAX_GFN) {
        fz_expect(rc == -XEN_EINVAL, "populate with bad arguments", rc);
        return;
    }
    if (rc != 0) {
        fz_expect(rc == -XEN_ENOMEM || (rc == -XEN_EEXIST && fz_mapped(d, gfn, nr * n)),
                  "populate refused", rc);
        return;
    }
    fz_expect(!fz_mapped(d, gfn, nr * n), "populate over mapped gfns", rc);
    fz_expect(dom->tot_pages <= dom->max_pages, "populate beyond max_pages", rc);
    for (uint64_t e = 0; e < nr; e++) {
        mfn_t first, m;
        unsigned a;

        if (domain_lookup(id, gfn + e * n, &first, &a) != 0 || first % n != 0)
            fz_fail("populated extent not mapped or misaligned", id, (long long)(gfn + e * n));
        for (mfn_t i = 0; i < n; i++) {
            if (domain_lookup(id, gfn + e * n + i, &m, &a) != 0 || m != first + i ||
                a != P2M_ACCESS_RWX || frame_refcount(m) != 1)
                fz_fail("populated frame wrong", id, (long long)(gfn + e * n + i));
            d->map[gfn + e * n + i] = (struct fz_slot){ m, (uint8_t)a };
        }
        if (order == 9)
            d->large[(gfn + e * n) / 512] = true;
    }
}

static void op_alloc_ram(void)
{
    domid_t id = fz_id(fz_byte());
    unsigned order = fz_order(fz_byte());
    mfn_t m = INVALID_MFN;
    int rc = domain_alloc_ram(id, order, &m);

    if (fz_model(id) == NULL)
        fz_expect(rc == -XEN_ESRCH, "alloc_ram of no domain", rc);
    else if (order != 0 && order != 9)
        fz_expect(rc == -XEN_EINVAL, "alloc_ram bad order", rc);
    else
        fz_expect(rc == 0 || rc == -XEN_ENOMEM, "alloc_ram", rc);
    if (rc == 0 && (frame_owner(m) != id || frame_refcount(m) != 0))
        fz_fail("alloc_ram frame wrong", id, (long long)m);
}

static void op_map(void)
{
    domid_t id = fz_id(fz_byte());
    unsigned order = fz_order(fz_byte());
    gfn_t gfn = fz_gfn(order);
    mfn_t mfn = fz_mfn(id, order);
    unsigned access = fz_access();
    struct fz_dom *d = fz_model(id);
    mfn_t n = order == 9 ? 512U : 1U;
    mfn_t free_before = frame_free_count();
    int verdict, rc;
    bool large;

    verdict = fz_frames_verdict(mfn, n, id);
    rc = domain_map(id, gfn, mfn, order, access);
    fz_touch(id, gfn, order);
    if (d == NULL) {
        fz_expect(rc == -XEN_ESRCH, "map in no domain", rc);
        return;
    }
    if ((order != 0 && order != 9) || gfn > P2M_MAX_GFN || gfn % n != 0 || mfn % n != 0 ||
        !fz_access_ok(d, id, access) || mfn > PTE_MFN_MAX) {
        fz_expect(rc == -XEN_EINVAL, "map with bad arguments", rc);
        return;
    }
    if (verdict != 0) {
        fz_expect(rc == verdict, "map of a frame that is not the domain's RAM", rc);
        return;
    }
    if (!fz_range_in_model(gfn, order))
        fz_fail("model cannot hold a valid map", (long long)gfn, 0);
    large = d->large[gfn / 512];
    if (rc == -XEN_ENOMEM) {
        /* A map needs pages only for missing tables (at most 3) or a split
         * (1); replacing a 4 KiB leaf, or anything with a 2 MiB map, needs none. */
        fz_expect(free_before < 3, "map out of memory with frames left", rc);
        fz_expect(!(order == 0 && d->map[gfn].access != 0 && !large) &&
                  !(order == 9 && fz_mapped(d, gfn, n)), "needless out of memory in map", rc);
        return;
    }
    fz_expect(rc == 0, "valid map refused", rc);
    /* The map replaces whatever was there; a 4 KiB map splits a 2 MiB leaf. */
    if (order == 0 && large)
        d->large[gfn / 512] = false;
    for (mfn_t i = 0; i < n; i++)
        d->map[gfn + i] = (struct fz_slot){ mfn + i, (uint8_t)access };
    if (order == 9)
        d->large[gfn / 512] = true;
}

static void op_unmap_or_access(bool unmap)
{
    domid_t id = fz_id(fz_byte());
    unsigned order = fz_order(fz_byte());
    gfn_t gfn = fz_gfn(order);
    unsigned access = unmap ? 0 : fz_access();
    struct fz_dom *d = fz_model(id);
    mfn_t n = order == 9 ? 512U : 1U;
    mfn_t free_before = frame_free_count();
    int rc = unmap ? domain_unmap(id, gfn, order) : domain_set_access(id, gfn, order, access);
    bool large;

    fz_touch(id, gfn, order);
    if (d == NULL) {
        fz_expect(rc == -XEN_ESRCH, "unmap/set_access in no domain", rc);
        return;
    }
    if ((order != 0 && order != 9) || gfn > P2M_MAX_GFN || gfn % n != 0 ||
        (!unmap && !fz_access_ok(d, id, access))) {
        fz_expect(rc == -XEN_EINVAL, "unmap/set_access with bad arguments", rc);
        return;
    }
    if (!fz_range_in_model(gfn, order)) {
        fz_expect(rc == -XEN_ENOENT, "unmap/set_access outside the model", rc);
        return;
    }
    if (!fz_mapped(d, gfn, n)) {
        fz_expect(rc == -XEN_ENOENT, "unmap/set_access of nothing", rc);
        return;
    }
    large = d->large[gfn / 512];
    if (rc == -XEN_ENOMEM) {
        fz_expect(order == 0 && large && free_before == 0 &&
                  (unmap || d->map[gfn].access != access), "needless out of memory", rc);
        return;
    }
    fz_expect(rc == 0, "unmap/set_access refused", rc);
    if (order == 0 && large && (unmap || d->map[gfn].access != access))
        d->large[gfn / 512] = false;        /* split */
    if (order == 9 && unmap)
        d->large[gfn / 512] = false;
    for (gfn_t g = gfn; g < gfn + n; g++) {
        if (d->map[g].access == 0)
            continue;
        if (unmap)
            d->map[g] = (struct fz_slot){ 0, 0 };
        else
            d->map[g].access = (uint8_t)access;
    }
}

static void op_lookup(void)
{
    domid_t id = fz_id(fz_byte());
    gfn_t gfn = fz_gfn(0);
    mfn_t m;
    unsigned a;

    if (fz_model(id) != NULL && gfn < FZ_GFNS) {
        fz_check_gfn(id, gfn);
        return;
    }
    int rc = domain_lookup(id, gfn, &m, &a);
    fz_expect(fz_model(id) == NULL ? rc == -XEN_ESRCH : rc == -XEN_ENOENT, "lookup", rc);
}

static void op_destroy(void)
{
    domid_t id = fz_id(fz_byte());
    int rc = domain_destroy(id);

    if (fz_model(id) == NULL) {
        fz_expect(rc == -XEN_ESRCH, "destroy of no domain", rc);
        return;
    }
    fz_expect(rc == 0, "destroy", rc);
    fz_dom[id].live = false;
    for (mfn_t i = 0; i < FZ_FRAMES; i++)
        if (frame_owner(i) == id)
            fz_fail("destroy left a frame with the domain", id, (long long)i);
}

static void op_free_ram(void)
{
    domid_t id = fz_id(fz_byte());
    unsigned order = fz_order(fz_byte());
    mfn_t mfn = fz_mfn(id, order);
    struct fz_dom *d = fz_model(id);
    mfn_t n = order == 9 ? 512U : 1U;
    int verdict = fz_frames_verdict(mfn, n, id);
    int rc = domain_free_ram(id, mfn, order);

    if (d == NULL) {
        fz_expect(rc == -XEN_ESRCH, "free_ram of no domain", rc);
        return;
    }
    if ((order != 0 && order != 9) || mfn % n != 0 || verdict != 0) {
        fz_expect(rc == -XEN_EINVAL, "free_ram of frames not the domain's RAM", rc);
        return;
    }
    if (rc == -XEN_EBUSY)
        return;                    /* the checker confirms the refcounts */
    fz_expect(rc == 0, "free_ram", rc);
    for (gfn_t g = 0; g < FZ_GFNS; g++)
        if (d->map[g].access != 0 && d->map[g].mfn >= mfn && d->map[g].mfn < mfn + n)
            fz_fail("free_ram freed a mapped frame", id, (long long)g);
}

/* Memory pressure: the hypervisor takes frames, or gives some back. */
static void op_pressure(void)
{
    unsigned b = fz_byte();
    unsigned count = 1U + (b >> 1) % 64U;

    for (unsigned i = 0; i < count; i++) {
        if (b & 1U) {
            mfn_t m;

            if (fz_nr_hv == FZ_HV_MAX || (m = frame_alloc(0, DOMID_XEN)) == INVALID_MFN)
                return;
            fz_hv[fz_nr_hv++] = m;
        } else {
            if (fz_nr_hv == 0)
                return;
            if (frame_free(fz_hv[--fz_nr_hv], 0, DOMID_XEN) != 0)
                fz_fail("hypervisor frame not freeable", 0, 0);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned steps = 0;

    sim_reset(FZ_FRAMES);
    if (frame_init(fz_table, sizeof(fz_table), FZ_FRAMES) != 0 ||
        frame_add_free(FZ_FIRST, FZ_FRAMES - FZ_FIRST) != 0)
        fz_fail("setup", 0, 0);
    domain_table_reset();
    memset(fz_dom, 0, sizeof(fz_dom));
    fz_nr_hv = 0;
    fz_data = data;
    fz_size = size;
    fz_pos = 0;
    while (fz_pos < fz_size && steps++ < 128) {
        switch (fz_byte() % 10U) {
        case 0: op_create(); break;
        case 1: op_populate(); break;
        case 2: op_alloc_ram(); break;
        case 3: op_map(); break;
        case 4: op_unmap_or_access(true); break;
        case 5: op_unmap_or_access(false); break;
        case 6: op_lookup(); break;
        case 7: op_destroy(); break;
        case 8: op_free_ram(); break;
        default: op_pressure(); break;
        }
        fz_check_step();
    }
    for (domid_t id = 0; id < FZ_DOMS; id++)
        if (fz_dom[id].live)
            for (gfn_t g = 0; g < FZ_GFNS; g++)
                fz_check_gfn(id, g);
    return 0;
}
