// SPDX-License-Identifier: GPL-2.0-only
/*
 * Memory isolation scenario: two domains with separate p2ms in one machine,
 * plus hypervisor frames (both p2ms' tables and a "secret" frame).  Each
 * domain fills its own memory with page tables of its choosing (random
 * entries pointing anywhere, including at guest frame numbers equal to the
 * other domain's or the hypervisor's machine frames) and then asks for walks
 * and copies at any address, in any mode, at any CPL.  Whatever it does:
 *   - no byte outside its own frames changes (the other domain, the p2m
 *     tables, the secret frame are compared after every operation);
 *   - no copy_from_guest returns a byte of the other domain or of the
 *     hypervisor (their frames hold marker bytes the domain never holds);
 *   - every successful translation lands in the domain's own frames.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "gw_builder.h"
#include "hv/guest_copy.h"
#include "xen/errno.h"

#define FRAMES      160U
#define SECRET_MFN  41U
#define DOM_GFNS    32U
#define MARK_A      0xAAU
#define MARK_B      0xBBU
#define MARK_HV     0xCCU

struct dom {
    struct gwb b;
    mfn_t first;      /* machine frames [first, first + DOM_GFNS) */
    uint8_t mark;     /* byte value the domain's memory never holds */
};

static struct dom doms[2];
static uint8_t outside[FRAMES * PAGE_SIZE];
static uint8_t buf[4 * PAGE_SIZE];
static uint64_t seed = 0x243F6A8885A308D3ULL;

static uint64_t rnd(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return seed;
}

static bool owned(const struct dom *d, mfn_t mfn)
{
    return mfn >= d->first && mfn < d->first + DOM_GFNS;
}

/* Guest-chosen contents: random entries anywhere; never the other side's markers. */
static void scribble(const struct dom *d)
{
    for (gfn_t g = 0; g < DOM_GFNS; g++) {
        uint64_t *t = (uint64_t *)(void *)sim_frame(d->first + g);
        for (unsigned i = 0; i < 512; i++) {
            uint64_t e = ((rnd() % FRAMES) << 12) | (rnd() & 0xFFF) | ((rnd() % 4 == 0) ? (1ULL << 63) : 0);
            t[i] = (rnd() % 3 == 0) ? e | 1 : (rnd() % 2 ? e : 0);
        }
        for (unsigned i = 0; i < PAGE_SIZE; i++) {
            uint8_t *p = sim_frame(d->first + g) + i;
            if (*p == MARK_A || *p == MARK_B || *p == MARK_HV)
                *p = 0x01;
        }
    }
}

static int setup(void **state)
{
    (void)state;
    sim_reset(FRAMES);
    gwb_init(&doms[0].b, 1, 21, PTE_FORMAT_NPT);
    gwb_init(&doms[1].b, 21, SECRET_MFN, PTE_FORMAT_EPT);
    doms[0].first = 64;
    doms[1].first = 96;
    doms[0].mark = MARK_A;
    doms[1].mark = MARK_B;
    memset(sim_frame(SECRET_MFN), MARK_HV, PAGE_SIZE);
    for (unsigned k = 0; k < 2; k++)
        for (gfn_t g = 0; g < DOM_GFNS; g++)
            gwb_map(&doms[k].b, g, doms[k].first + g, (g % 5 == 0) ? P2M_ACCESS_R : P2M_ACCESS_RWX);
    return 0;
}

/* Copy everything but the domain's own frames. */
static void save_outside(const struct dom *d)
{
    memcpy(outside, sim_frame(0), FRAMES * PAGE_SIZE);
    memset(outside + d->first * PAGE_SIZE, 0, DOM_GFNS * PAGE_SIZE);
}

static void check_outside(const struct dom *d)
{
    uint8_t *mem = sim_frame(0);

    assert_memory_equal(outside, mem, d->first * PAGE_SIZE);
    assert_memory_equal(outside + (d->first + DOM_GFNS) * PAGE_SIZE,
                        mem + (d->first + DOM_GFNS) * PAGE_SIZE,
                        (FRAMES - d->first - DOM_GFNS) * PAGE_SIZE);
}

static void attack(struct dom *self, const struct dom *other)
{
    unsigned ok[5] = { 0 };

    memset(sim_frame(other->first), other->mark, DOM_GFNS * PAGE_SIZE);
    for (unsigned round = 0; round < 40; round++) {
        scribble(self);
        save_outside(self);
        for (unsigned i = 0; i < 200; i++) {
            uint64_t r = rnd();
            struct guest_paging gp = {
                .cr0 = 1 | ((r & 1) ? 0 : GW_CR0_PG) | (r & GW_CR0_WP),
                .cr3 = (rnd() % FRAMES) << 12 | (rnd() & 0xFE0),
                .cr4 = r & (GW_CR4_PSE | GW_CR4_PAE | GW_CR4_SMEP | GW_CR4_SMAP),
                .efer = ((r >> 8) & 1) ? GW_EFER_LMA | GW_EFER_NXE : 0,
                .rflags = r & GW_RFLAGS_AC, .cpl = (uint8_t)((r >> 40) & 3), .maxphyaddr = 48 };
            uint64_t addr = (rnd() % 4 == 0) ? rnd() : ((rnd() % (FRAMES + 8)) << 12) | (rnd() & 0xFFF);
            size_t len = (size_t)(rnd() % (3 * PAGE_SIZE));
            struct gw_result res;
            mfn_t mfn;
            unsigned acc;

            unsigned op = (unsigned)(rnd() % 5);

            switch (op) {
            case 0:
                if (guest_walk(&self->b.p2m, &gp, addr, (unsigned)(rnd() % 3), &res) == 0 &&
                    p2m_lookup(&self->b.p2m, res.gpa >> PAGE_SHIFT, &mfn, &acc) == 0) {
                    assert_true(owned(self, mfn));
                    ok[op]++;
                }
                break;
            case 1:
                memset(buf, 0, sizeof(buf));
                ok[op] += copy_from_guest_linear(&self->b.p2m, &gp, buf, addr, len) == 0;
                for (size_t k = 0; k < sizeof(buf); k++)
                    assert_true(buf[k] != other->mark && buf[k] != MARK_HV);
                break;
            case 2:
                memset(buf, 0x11, sizeof(buf));
                ok[op] += copy_to_guest_linear(&self->b.p2m, &gp, addr, buf, len) == 0;
                break;
            case 3:
                memset(buf, 0, sizeof(buf));
                ok[op] += copy_from_guest_phys(&self->b.p2m, buf, addr, len) == 0;
                for (size_t k = 0; k < sizeof(buf); k++)
                    assert_true(buf[k] != other->mark && buf[k] != MARK_HV);
                break;
            default:
                memset(buf, 0x22, sizeof(buf));
                ok[op] += copy_to_guest_phys(&self->b.p2m, addr, buf, len) == 0;
                break;
            }
            check_outside(self);
        }
    }
    /* The attack did get through to its own memory in every way (the test has teeth). */
    for (unsigned k = 0; k < 5; k++)
        assert_true(ok[k] > 0);
}

static void test_domain_a_cannot_reach_b_or_hypervisor(void **state)
{
    (void)state;
    attack(&doms[0], &doms[1]);
}

static void test_domain_b_cannot_reach_a_or_hypervisor(void **state)
{
    (void)state;
    attack(&doms[1], &doms[0]);
}

/* A guest that names the other domain's frames by number still reaches its own. */
static void test_gfn_equal_to_foreign_mfn(void **state)
{
    uint8_t byte = 0;

    (void)state;
    memset(sim_frame(doms[1].first), MARK_B, DOM_GFNS * PAGE_SIZE);
    memset(sim_frame(doms[0].first), 0x5A, DOM_GFNS * PAGE_SIZE);
    /* gpa = B's first machine frame: not in A's p2m. */
    assert_int_equal(copy_from_guest_phys(&doms[0].b.p2m, &byte, doms[1].first << PAGE_SHIFT, 1),
                     -XEN_EFAULT);
    assert_int_equal(copy_from_guest_phys(&doms[0].b.p2m, &byte, SECRET_MFN << PAGE_SHIFT, 1),
                     -XEN_EFAULT);
    /* gpa 1 in A is A's frame, not machine frame 1 (a p2m table). */
    assert_int_equal(copy_from_guest_phys(&doms[0].b.p2m, &byte, 1 << PAGE_SHIFT, 1), 0);
    assert_int_equal(byte, 0x5A);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_domain_a_cannot_reach_b_or_hypervisor, setup),
        cmocka_unit_test_setup(test_domain_b_cannot_reach_a_or_hypervisor, setup),
        cmocka_unit_test_setup(test_gfn_equal_to_foreign_mfn, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
