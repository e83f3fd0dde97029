// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest's page tables: head.S builds an identity map of 0 - 4 GiB with
 * 2 MiB pages, the first 2 MiB through 4 KiB entries.  Tests change single
 * 4 KiB pages (to make holes or alias a page elsewhere); a 2 MiB page is
 * split on first use from a small pool.
 */
#include "guest.h"

#define PDE_PS (1ULL << 7)
#define PTE_ADDR_MASK 0x000ffffffffff000ULL
#define PT_ENTRIES 512
#define PT_POOL 8
#define FOUR_GIB 0x100000000ULL

uint64_t pt_pml4[PT_ENTRIES] GUEST_PAGE_ALIGNED;
uint64_t pt_pdpt[PT_ENTRIES] GUEST_PAGE_ALIGNED;
uint64_t pt_pd[4 * PT_ENTRIES] GUEST_PAGE_ALIGNED;
uint64_t pt_low[PT_ENTRIES] GUEST_PAGE_ALIGNED;
static uint64_t pt_pool[PT_POOL][PT_ENTRIES] GUEST_PAGE_ALIGNED;
static unsigned int pt_pool_used;

static void flush_all(void)
{
    __asm__ volatile("mov %%cr3, %%rax; mov %%rax, %%cr3" ::: "rax", "memory");
}

static void flush_one(uint64_t va)
{
    __asm__ volatile("invlpg (%0)" :: "r"(va) : "memory");
}

/* The 4 KiB table behind va's 2 MiB region, splitting a large page. */
static uint64_t *pt_for(uint64_t va)
{
    uint64_t *pde = &pt_pd[va >> 21];

    if ((*pde & PDE_PS) != 0) {
        if (pt_pool_used == PT_POOL)
            guest_fail("page-table pool exhausted splitting 0x%lx", va);
        uint64_t *pt = pt_pool[pt_pool_used++];
        uint64_t base = *pde & PTE_ADDR_MASK & ~0x1fffffULL;
        for (unsigned int i = 0; i < PT_ENTRIES; i++)
            pt[i] = (base + (uint64_t)i * GUEST_PAGE_SIZE) | PTE_P | PTE_W | PTE_U;
        *pde = (uint64_t)(uintptr_t)pt | PTE_P | PTE_W | PTE_U;
        flush_all();
    }
    return (uint64_t *)(uintptr_t)(*pde & PTE_ADDR_MASK);
}

void pt_map_4k(uint64_t va, uint64_t pa, uint64_t flags)
{
    if (va >= FOUR_GIB)
        guest_fail("pt_map_4k: 0x%lx is outside the identity map", va);
    pt_for(va)[(va >> 12) & (PT_ENTRIES - 1)] = (pa & PTE_ADDR_MASK) | flags;
    flush_one(va);
}

void pt_unmap_4k(uint64_t va)
{
    pt_map_4k(va, 0, 0);
}

/* NULL dereferences must fault: page 0 goes once start_info was copied. */
void paging_init(void)
{
    pt_unmap_4k(0);
}
