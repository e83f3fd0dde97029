/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Test-side fixture for the hypercall tests (header only): a simulated
 * machine with the frame allocator, domains with RAM built through the
 * domain API, a vCPU in 64-bit long mode (4-level paging) or in 32-bit
 * protected mode with paging off, and helpers to put hypercall arguments
 * into guest memory and to run a hypercall the way the exit handler does.
 *
 * Guest layout (both modes reach the same frames):
 *   RAM          gfn [0, FX_RAM), 4 KiB mappings
 *   page n       the n-th argument page: gfn FX_PAGE_GFN + n, n < FX_PAGES;
 *                linear FX_LIN(n) in long mode, its physical address with
 *                paging off (fx_addr() gives the right one)
 *   FX_HOLE      page FX_PAGES: not present in the guest page tables and not
 *                mapped in the p2m either (every access faults)
 *   FX_RO        page FX_RO: read-only in the guest page tables and in the p2m
 *   long mode    PML4 gfn 1, PDPT gfn 2, PD gfn 3, PT gfn 4
 *   memory map   [0, FX_RAM pages) RAM, one reserved page at 0xFEE00000
 * Tests read and write guest memory through domain_lookup + sim_frame, never
 * through the copy functions under test.
 */
#ifndef TESTS_TEST_HC_FIXTURE_H
#define TESTS_TEST_HC_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/domain.h"
#include "hv/evtchn.h"
#include "hv/guest_console.h"
#include "hv/guest_time.h"
#include "hv/console.h"
#include "hv/hypercall.h"
#include "hv/hypercall_table.h"
#include "xen/errno.h"
#include "xen/hypercall.h"
#include "xen/shared.h"
#include "sim.h"

#ifndef FX_FRAMES
#define FX_FRAMES    8192U       /* a harness may ask for fewer */
#endif
#define FX_FIRST     16U
#ifndef FX_RAM
#define FX_RAM       512U        /* at least FX_PAGE_GFN + FX_PAGES + 1 */
#endif
#define FX_MAX_PAGES (FX_RAM + 8U)
#define FX_PAGE_GFN  16U
#define FX_PAGES     256U
#define FX_HOLE      FX_PAGES
#define FX_RO        250U
#define FX_LIN_BASE  0x400000ULL
#define FX_LIN(n)    (FX_LIN_BASE + (uint64_t)(n) * PAGE_SIZE)
#define FX_RIP       0x100003ULL
#define FX_DOM0      0
#define FX_DOMU      1

enum fx_mode { FX_LONG, FX_FLAT32 };

static struct frame_desc fx_table[FX_FRAMES];
static uint32_t fx_scratch[FX_FRAMES];

static inline void fx_die(const char *what)
{
    fprintf(stderr, "test_hc_fixture: %s\n", what);
    abort();
}

/* A fresh machine: memory, allocator, empty domain table, console, guest time. */
static inline void fx_machine(void)
{
    sim_reset(FX_FRAMES);
    if (frame_init(fx_table, sizeof(fx_table), FX_FRAMES) != 0 ||
        frame_add_free(FX_FIRST, FX_FRAMES - FX_FIRST) != 0)
        fx_die("frame allocator");
    domain_table_reset();
    evtchn_reset();
    console_init();
    console_set_threshold(LOG_ALL);
    guest_console_reset();
    guest_time_reset();
    sim_serial_clear();
}

static inline bool fx_invariants(void)
{
    return domain_check_invariants(fx_scratch, FX_FRAMES);
}

/* Host pointer to guest-physical gpa of domain d (must be mapped). */
static inline uint8_t *fx_gpa(const struct domain *d, uint64_t gpa)
{
    mfn_t m;
    unsigned access;

    if (domain_lookup(d->id, gpa >> PAGE_SHIFT, &m, &access) != 0 || sim_frame(m) == NULL)
        fx_die("gpa not mapped");
    return sim_frame(m) + (gpa & (PAGE_SIZE - 1));
}

static inline uint64_t fx_page_gpa(unsigned n)
{
    return ((uint64_t)FX_PAGE_GFN + n) * PAGE_SIZE;
}

/* Bytes at offset off of argument page n, possibly running into page n + 1. */
static inline void fx_put(const struct vcpu *v, unsigned n, uint64_t off, const void *src, size_t len)
{
    for (size_t i = 0; i < len; i++)
        *fx_gpa(v->domain, fx_page_gpa(n) + off + i) = ((const uint8_t *)src)[i];
}

static inline void fx_get(const struct vcpu *v, unsigned n, uint64_t off, void *dst, size_t len)
{
    for (size_t i = 0; i < len; i++)
        ((uint8_t *)dst)[i] = *fx_gpa(v->domain, fx_page_gpa(n) + off + i);
}

static inline void fx_fill(const struct vcpu *v, unsigned n, uint8_t byte)
{
    memset(fx_gpa(v->domain, fx_page_gpa(n)), byte, PAGE_SIZE);
}

/* The address the guest uses for offset off of page n (linear under paging). */
static inline uint64_t fx_addr(const struct vcpu *v, unsigned n, uint64_t off)
{
    if ((v->state.paging.cr0 & GW_CR0_PG) != 0)
        return FX_LIN(n) + off;
    return fx_page_gpa(n) + off;
}

static inline void fx_put64(const struct domain *d, uint64_t gpa, uint64_t x)
{
    memcpy(fx_gpa(d, gpa), &x, sizeof(x));
}

static inline void fx_long_mode(struct vcpu *v)
{
    const struct domain *d = v->domain;

    fx_put64(d, 0x1000, 0x2000 | 7);
    fx_put64(d, 0x2000, 0x3000 | 7);
    fx_put64(d, 0x3000 + 2 * 8, 0x4000 | 7);       /* 0x400000: PD index 2 */
    for (unsigned n = 0; n < FX_PAGES; n++)
        fx_put64(d, 0x4000 + n * 8, fx_page_gpa(n) | (n == FX_RO ? 5U : 7U));
    v->state.paging = (struct guest_paging){ .cr0 = GW_CR0_PG | GW_CR0_WP | 1, .cr3 = 0x1000,
                                             .cr4 = GW_CR4_PAE,
                                             .efer = GW_EFER_LMA | GW_EFER_NXE | (1ULL << 8),
                                             .cpl = 0, .maxphyaddr = 48 };
    v->state.cs_mode = VCPU_CS_64;
}

/* The guest-physical page gfn is mapped readable and writable, and its 64-bit word at byte
 * off holds want, the accessed and dirty bits aside (the guest walker sets them). */
static inline bool fx_word_is(const struct domain *d, uint64_t gfn, unsigned off, uint64_t want)
{
    const uint64_t ad = (1ULL << 5) | (1ULL << 6);
    uint64_t word;
    mfn_t m;
    unsigned access;

    if (domain_lookup(d->id, gfn, &m, &access) != 0 || sim_frame(m) == NULL ||
        (access & (P2M_ACCESS_R | P2M_ACCESS_W)) != (P2M_ACCESS_R | P2M_ACCESS_W))
        return false;
    memcpy(&word, sim_frame(m) + off, sizeof(word));
    return (word & ~ad) == want;
}

/* Whether fx_addr(v, n, ...) still reaches argument page n, writable: the page is mapped R+W
 * in the p2m and, under paging, the four entries fx_long_mode wrote on its path are intact.
 * A guest that replaced or overwrote one of those pages (add_to_physmap, a grant copy, a
 * write) makes its own hypercall arguments unreadable: -EFAULT is then Xen's answer. */
static inline bool fx_page_reachable(const struct vcpu *v, unsigned n)
{
    const struct domain *d = v->domain;
    uint64_t page = fx_page_gpa(n) >> PAGE_SHIFT;
    mfn_t m;
    unsigned access;

    if (domain_lookup(d->id, page, &m, &access) != 0 ||
        (access & (P2M_ACCESS_R | P2M_ACCESS_W)) != (P2M_ACCESS_R | P2M_ACCESS_W))
        return false;
    if ((v->state.paging.cr0 & GW_CR0_PG) == 0)
        return true;
    return fx_word_is(d, 1, 0, 0x2000 | 7) && fx_word_is(d, 2, 0, 0x3000 | 7) &&
           fx_word_is(d, 3, 2 * 8, 0x4000 | 7) &&
           fx_word_is(d, 4, n * 8, fx_page_gpa(n) | (n == FX_RO ? 5U : 7U));
}

/* Domain id with its RAM, start flags and one vCPU in `mode`. */
static inline struct vcpu *fx_domain(domid_t id, uint32_t flags, enum fx_mode mode)
{
    struct domain *d;
    struct vcpu *v;

    if (domain_create(id, FX_MAX_PAGES, PTE_FORMAT_NPT) != 0 ||
        domain_populate(id, 0, FX_RAM, P2M_ORDER_4K) != 0)
        fx_die("domain");
    d = domain_find(id);
    d->guest.start_flags = flags;
    d->guest.memmap[0] = (struct hvm_memmap_table_entry){ 0, (uint64_t)FX_RAM * PAGE_SIZE,
                                                          XEN_HVM_MEMMAP_TYPE_RAM, 0 };
    d->guest.memmap[1] = (struct hvm_memmap_table_entry){ 0xFEE00000ULL, PAGE_SIZE,
                                                          XEN_HVM_MEMMAP_TYPE_RESERVED, 0 };
    d->guest.nr_memmap = 2;
    d->guest.nr_vcpus = 1;
    v = &d->guest.vcpus[0];
    v->domain = d;
    v->id = 0;
    v->run_state = VCPU_RUNNABLE;
    /* The hole: nowhere in the p2m; the read-only page: R only in the p2m. */
    if (domain_unmap(id, FX_PAGE_GFN + FX_HOLE, P2M_ORDER_4K) != 0 ||
        domain_set_access(id, FX_PAGE_GFN + FX_RO, P2M_ORDER_4K, P2M_ACCESS_R) != 0)
        fx_die("hole / read-only page");
    if (mode == FX_LONG) {
        fx_long_mode(v);
    } else {
        v->state.paging = (struct guest_paging){ .cr0 = 1, .cpl = 0, .maxphyaddr = 36 };
        v->state.cs_mode = VCPU_CS_32;
    }
    return v;
}

/* Run hypercall nr as the exit handler does; the result as the guest reads it. */
static inline int64_t fx_call(struct vcpu *v, uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2,
                              uint64_t a3, uint64_t a4)
{
    struct vcpu_regs *r = &v->regs;

    r->rax = nr;
    r->rip = FX_RIP;
    if (v->state.cs_mode == VCPU_CS_64) {
        r->rdi = a0;
        r->rsi = a1;
        r->rdx = a2;
        r->r10 = a3;
        r->r8 = a4;
    } else {
        r->rbx = a0;
        r->rcx = a1;
        r->rdx = a2;
        r->rsi = a3;
        r->rdi = a4;
    }
    hypercall_dispatch(v);
    if (v->state.cs_mode == VCPU_CS_64)
        return (int64_t)r->rax;
    return (int64_t)(int32_t)(uint32_t)r->rax;
}

#define FX_CALL2(v, nr, a, b)    fx_call((v), (nr), (a), (b), 0, 0, 0)
#define FX_CALL3(v, nr, a, b, c) fx_call((v), (nr), (a), (b), (c), 0, 0)

/* Was every hypercall result the test saw one the table declares? */
static inline bool fx_declared(uint64_t nr, int64_t rc)
{
    const struct hypercall_info *info = hypercall_table_lookup(nr);

    return info != NULL ? hypercall_result_declared(info, rc) : rc == -XEN_ENOSYS;
}

#endif /* TESTS_TEST_HC_FIXTURE_H */
