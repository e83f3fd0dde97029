// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the guest page walk and the guest copies.  The input
 * describes a small simulated machine: a p2m (NPT or EPT) mapping guest
 * frames with various rights (also restricted at an upper level, or without
 * U/S on NPT, which the walk must fold like the CPU), guest page-table entries written into guest
 * frames (present/absent, every flag, reserved and high bits, 32- and 64-bit
 * forms, at the slots the generated addresses use), the guest's paging state,
 * and a list of walks and copies.  Each operation runs on the core and, from
 * the same machine state, on the reference model (sim/ref_walk.c); the
 * result, error code, nested-fault address, A/D bits written, all of machine
 * memory and the copy buffer must agree, or the harness aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tests/unit/gw_builder.h"
#include "hv/guest_copy.h"
#include "xen/errno.h"

#define FZ_FRAMES   48U
#define FZ_P2M_LAST 16U       /* p2m tables live in frames 1..15 */
#define FZ_GFNS     24U       /* guest frame g -> machine frame 16 + g (when mapped) */
#define FZ_MAX_OPS  24U
#define FZ_BUF      (GUEST_COPY_MAX + 2 * PAGE_SIZE)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t snap[FZ_FRAMES * PAGE_SIZE];
static uint8_t core_mem[FZ_FRAMES * PAGE_SIZE];
static uint8_t *buf_core, *buf_ref;

struct input {
    const uint8_t *p;
    size_t left;
};

static uint8_t next8(struct input *in)
{
    if (in->left == 0)
        return 0;
    in->left--;
    return *in->p++;
}

static uint64_t next64(struct input *in)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < 8; i++)
        v |= (uint64_t)next8(in) << (8 * i);
    return v;
}

static void fz_fail(const char *what, unsigned op)
{
    fprintf(stderr, "fuzz_guest_walk: op %u: %s\n", op, what);
    abort();
}

static const unsigned slots64[8] = { 0, 1, 2, 3, 4, 511, 508, 510 };
static const unsigned slots32[8] = { 0, 1, 2, 3, 1023, 1022, 512, 768 };
static const uint64_t extras[16] = {
    0, 0, 0, 0, 1ULL << 63, 1ULL << 62, 1ULL << 52, 1ULL << 51,
    1ULL << 40, 1ULL << 36, 1ULL << 13, 1ULL << 17, 1ULL << 21, 1ULL << 29, 1ULL << 12, 0x7FFULL << 52,
};
static const uint8_t maxphys[8] = { 36, 36, 39, 40, 46, 48, 52, 20 };

static void build_p2m(struct input *in, struct gwb *b)
{
    uint8_t cfg = next8(in);
    static const unsigned rights[8] = {
        P2M_ACCESS_RWX, P2M_ACCESS_RWX, P2M_ACCESS_RWX, P2M_ACCESS_R | P2M_ACCESS_W,
        P2M_ACCESS_R, P2M_ACCESS_R | P2M_ACCESS_X, 0, P2M_ACCESS_X,
    };

    gwb_init(b, 1, FZ_P2M_LAST, (cfg & 1) ? PTE_FORMAT_EPT : PTE_FORMAT_NPT);
    for (gfn_t g = 0; g < FZ_GFNS; g += 2) {
        uint8_t r = next8(in);
        for (unsigned k = 0; k < 2; k++) {
            unsigned acc = rights[(r >> (4 * k)) & 7];
            /* NPT has no write-only or execute-only forms: they read as unmapped. */
            if (acc != 0)
                gwb_map(b, g + k, 16 + g + k, acc);
        }
    }
    /* Sometimes a 2 MiB p2m leaf to frames beyond machine memory. */
    if (cfg & 2)
        gwb_map_2m(b, 0x200, 0x400, P2M_ACCESS_RWX);
    /*
     * Nested entries the p2m never writes but the CPU folds over the levels:
     * rights taken away above every guest frame (the level-2 entry), and a
     * leaf without U/S (NPT: guest accesses are user accesses).  The walk
     * must see exactly what the reference's nested walk sees.
     */
    if (cfg & 4) {
        static const uint64_t npt_clear[4] = { 0x2, 0x2, 0x4, 0 };   /* RW, RW, U/S, none */
        static const uint64_t ept_keep[4] = { 0x5, 0x3, 0x1, 0x7 };  /* RX, RW, R, RWX */
        uint64_t *l2e = gwb_slot(b, 0, 2);

        if (cfg & 1)
            *l2e = (*l2e & ~0x7ULL) | ept_keep[(cfg >> 4) & 3];
        else
            *l2e = (*l2e & ~npt_clear[(cfg >> 4) & 3]) | ((cfg & 0x40) ? 1ULL << 63 : 0);
    }
    if ((cfg & 8) && !(cfg & 1)) {
        uint64_t *leaf = gwb_slot(b, (cfg >> 5) % FZ_GFNS, 1);

        *leaf &= ~0x4ULL;
    }
}

static void build_guest_tables(struct input *in)
{
    unsigned n = next8(in) % 64U;

    for (unsigned i = 0; i < n; i++) {
        uint8_t f = next8(in), s = next8(in), t = next8(in), fl = next8(in), x = next8(in);
        uint8_t *frame = sim_frame(16 + f % FZ_GFNS);
        uint64_t target = (uint64_t)(t % 32U);   /* 24..31 are unmapped gfns */

        if (x & 0x80) {
            uint32_t e = (uint32_t)((target << 12) | fl | ((uint64_t)(x & 0x0F) << 13));
            memcpy(frame + slots32[s & 7] * 4, &e, 4);
        } else {
            uint64_t e = (target << 12) | fl | extras[x & 15];
            if (x & 0x40)
                e |= (uint64_t)(s >> 3) << 21;    /* large-page frames above 2 MiB */
            memcpy(frame + slots64[s & 7] * 8, &e, 8);
        }
    }
}

static void build_cpu(struct input *in, struct guest_paging *gp)
{
    uint8_t a = next8(in), c = next8(in), d = next8(in);
    static const uint64_t cr3_offsets[4] = { 0, 0x20, 0xFE0, 0x18 };

    gp->cr0 = 1 | ((a & 1) ? GW_CR0_PG : 0) | ((a & 2) ? GW_CR0_WP : 0);
    gp->cr4 = ((a & 4) ? GW_CR4_PSE : 0) | ((a & 8) ? GW_CR4_PAE : 0) |
              ((a & 16) ? GW_CR4_SMEP : 0) | ((a & 32) ? GW_CR4_SMAP : 0);
    gp->efer = ((a & 64) ? GW_EFER_LMA : 0) | ((a & 128) ? GW_EFER_NXE : 0);
    gp->rflags = (c & 1) ? GW_RFLAGS_AC : 0;
    gp->cpl = (uint8_t)((c >> 1) & 3);
    gp->maxphyaddr = maxphys[(c >> 3) & 7];
    gp->cr3 = ((uint64_t)(d % 26U) << 12) | cr3_offsets[(c >> 6) & 3];
}

static uint64_t make_gla(struct input *in, const struct guest_paging *gp)
{
    uint8_t sel = next8(in);
    uint64_t gla = 0;

    if ((sel & 7) == 7)
        return next64(in);
    switch (guest_paging_mode(gp)) {
    case GW_MODE_2LEVEL: {
        uint8_t i = next8(in);
        gla = ((uint64_t)slots32[i & 7] << 22) | ((uint64_t)slots32[(i >> 3) & 7] << 12);
        break;
    }
    case GW_MODE_PAE: {
        uint8_t i = next8(in), j = next8(in);
        gla = ((uint64_t)(i & 3) << 30) | ((uint64_t)slots64[(i >> 2) & 7] << 21) |
              ((uint64_t)slots64[(j & 7)] << 12);
        break;
    }
    default: {
        uint8_t i = next8(in), j = next8(in);
        gla = ((uint64_t)slots64[i & 7] << 39) | ((uint64_t)slots64[(i >> 3) & 7] << 30) |
              ((uint64_t)slots64[j & 7] << 21) | ((uint64_t)slots64[(j >> 3) & 7] << 12);
        if (gla & (1ULL << 47))
            gla |= 0xFFFF000000000000ULL;
        break;
    }
    }
    return gla | ((uint64_t)next8(in) << 4) | (sel >> 6);
}

static size_t make_len(struct input *in)
{
    static const size_t lens[8] = { 0, 1, 8, 4095, 4096, 4097, 3 * 4096 + 5, GUEST_COPY_MAX + 1 };
    uint8_t s = next8(in);

    return (s & 8) ? (size_t)next8(in) * 37U : lens[s & 7];
}

static void save(uint8_t *to)
{
    memcpy(to, sim_frame(0), FZ_FRAMES * PAGE_SIZE);
}

static void restore(const uint8_t *from)
{
    memcpy(sim_frame(0), from, FZ_FRAMES * PAGE_SIZE);
}

static void do_walk(const struct gwb *b, const struct guest_paging *gp, uint64_t gla,
                    unsigned access, bool commit, unsigned op)
{
    struct ref_npt npt = gwb_ref_npt(&b->p2m);
    struct ref_cpu cpu = gwb_ref_cpu(gp);
    struct ref_outcome o;
    struct gw_result r;
    int rc;
    const char *diff;

    save(snap);
    rc = commit ? guest_walk(&b->p2m, gp, gla, access, &r)
                : guest_walk_check(&b->p2m, gp, gla, access, &r);
    save(core_mem);
    restore(snap);
    if (access > GW_ACC_ALL) {
        /* Flags the reference has no words for: the core must refuse them and write nothing. */
        if (rc != -XEN_EINVAL || r.status != GW_INVALID)
            fz_fail("unknown access flags accepted", op);
        if (memcmp(core_mem, snap, sizeof(snap)) != 0)
            fz_fail("refused walk wrote memory", op);
        return;
    }
    ref_walk(&npt, &cpu, gla, gwb_ref_access(access), &o);
    diff = gwb_compare(rc, &r, &o);
    if (diff != NULL) {
        fprintf(stderr, "gla %llx access %u: core status %d ec %x gpa %llx level %u; ref %d ec %x gpa %llx level %u\n",
                (unsigned long long)gla, access, r.status, r.error_code, (unsigned long long)r.gpa,
                r.level, o.verdict, o.pfec, (unsigned long long)o.gpa, o.level);
        fz_fail(diff, op);
    }
    if (commit)
        ref_apply(&o);
    if (memcmp(core_mem, sim_frame(0), FZ_FRAMES * PAGE_SIZE) != 0)
        fz_fail("machine memory (A/D writes) differs", op);
}

static void do_copy(const struct gwb *b, const struct guest_paging *gp, uint64_t addr, size_t len,
                    bool linear, bool to_guest, unsigned op)
{
    struct ref_npt npt = gwb_ref_npt(&b->p2m);
    struct ref_cpu cpu = gwb_ref_cpu(gp);
    size_t span = len < FZ_BUF ? len : FZ_BUF;
    int rc, ref_rc;

    for (size_t i = 0; i < span; i++)
        buf_core[i] = buf_ref[i] = (uint8_t)(i * 13 + op);
    save(snap);
    if (linear)
        rc = to_guest ? copy_to_guest_linear(&b->p2m, gp, addr, buf_core, len)
                      : copy_from_guest_linear(&b->p2m, gp, buf_core, addr, len);
    else
        rc = to_guest ? copy_to_guest_phys(&b->p2m, addr, buf_core, len)
                      : copy_from_guest_phys(&b->p2m, buf_core, addr, len);
    if (rc != 0 && rc != -XEN_EFAULT)
        fz_fail("copy returned something else than 0 or -EFAULT", op);
    save(core_mem);
    if (rc != 0 && memcmp(core_mem, snap, sizeof(snap)) != 0)
        fz_fail("failed copy changed machine memory", op);
    restore(snap);
    ref_rc = ref_copy(&npt, linear ? &cpu : NULL, addr, buf_ref, len, to_guest);
    if ((rc == 0) != (ref_rc == 0))
        fz_fail("copy result differs", op);
    if (memcmp(core_mem, sim_frame(0), FZ_FRAMES * PAGE_SIZE) != 0)
        fz_fail("machine memory after copy differs", op);
    if (memcmp(buf_core, buf_ref, span) != 0)
        fz_fail("copy buffer differs", op);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = { data, size };
    struct gwb b;
    struct guest_paging gp;
    unsigned nops;

    if (buf_core == NULL) {
        buf_core = malloc(FZ_BUF);
        buf_ref = malloc(FZ_BUF);
        if (buf_core == NULL || buf_ref == NULL)
            abort();
    }
    sim_reset(FZ_FRAMES);
    build_p2m(&in, &b);
    build_guest_tables(&in);
    build_cpu(&in, &gp);
    nops = next8(&in) % FZ_MAX_OPS;
    for (unsigned op = 0; op < nops && in.left > 0; op++) {
        uint8_t kind = next8(&in);
        unsigned access = next8(&in) & 0xF;
        uint64_t gla = make_gla(&in, &gp);

        switch (kind & 7) {
        case 0: do_walk(&b, &gp, gla, access & 7, false, op); break;
        case 1: case 2: do_walk(&b, &gp, gla, access, true, op); break;
        case 3: do_copy(&b, &gp, gla, make_len(&in), true, false, op); break;
        case 4: do_copy(&b, &gp, gla, make_len(&in), true, true, op); break;
        case 5: do_copy(&b, &gp, (gla & 0x1FFFFULL) | ((kind & 8) ? 0x200000ULL : 0), make_len(&in),
                        false, (kind & 16) != 0, op); break;
        case 6: build_cpu(&in, &gp); break;
        default: build_guest_tables(&in); break;
        }
    }
    return 0;
}
