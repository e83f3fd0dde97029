// SPDX-License-Identifier: GPL-2.0-only
/* The initial domain from boot modules (hv/dom_boot.h). */
#include "hv/dom_boot.h"

#include "hal/hal.h"
#include "hv/console.h"
#include "hv/format.h"
#include "hv/frame.h"
#include "hv/pvh_build.h"
#include "hv/sched.h"
#include "xen/errno.h"

#define MIB (1ULL << 20)
#define TWO_MIB (2ULL << 20)

static uint64_t resolve_amount(const struct hv_mem_amount *a, uint64_t avail)
{
    if (!a->all_but)
        return a->bytes;
    return a->bytes < avail ? avail - a->bytes : 0;
}

uint64_t dom0_mem_bytes(const struct hv_dom0_mem *m, uint64_t avail)
{
    uint64_t usable = avail > DOM0_MEM_RESERVE ? avail - DOM0_MEM_RESERVE : 0;
    uint64_t want = m->amount.set ? resolve_amount(&m->amount, avail) : DOM0_MEM_DEFAULT;

    if (m->min.set && want < resolve_amount(&m->min, avail))
        want = resolve_amount(&m->min, avail);
    if (m->max.set && want > resolve_amount(&m->max, avail))
        want = resolve_amount(&m->max, avail);
    if (want > usable)
        want = usable;
    /* Whole 2 MiB extents populate fastest; small sizes keep 4 KiB granularity. */
    want = want >= TWO_MIB * 8 ? want & ~(TWO_MIB - 1) : want & ~(uint64_t)(PAGE_SIZE - 1);
    return want < DOM0_MEM_MIN ? 0 : want;
}

static size_t str_len(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n] != '\0')
        n++;
    return n;
}

const char *dom_boot_module_args(const char *s, const char *loader_name)
{
    size_t len = str_len(s, BOOT_MOD_CMDLINE_MAX);

    return s + cmdline_skip_image_name(s, len, loader_name,
                                       str_len(loader_name, BOOT_LOADER_NAME_MAX));
}

/* A view of a module's bytes, or NULL (reported) when unreadable. */
static const uint8_t *module_bytes(const struct boot_module *m, unsigned idx, size_t *len)
{
    const void *p;

    *len = (size_t)(m->end - m->start);
    p = hal_phys_view(m->start, m->end - m->start);
    if (p == NULL)
        hv_err("boot module %u at [0x%lx, 0x%lx) is not readable\n", idx,
               (unsigned long)m->start, (unsigned long)m->end);
    return p;
}

static int build_failed(int rc, const char *what, const struct elf_pvh_error *err)
{
    hv_err("initial domain: %s: %s\n", what, err != NULL ? err->msg : "");
    return rc;
}

static int fill_params(const struct boot_info *bi, uint64_t mem, struct pvh_build_params *p)
{
    size_t klen = 0, ilen = 0;

    *p = (struct pvh_build_params){ .mem_bytes = mem,
                                    .start_flags = SIF_INITDOMAIN | SIF_PRIVILEGED };
    p->kernel = module_bytes(&bi->modules[0], 0, &klen);
    p->kernel_len = klen;
    p->cmdline = dom_boot_module_args(bi->modules[0].cmdline, bi->loader_name);
    if (bi->nr_modules > 1) {
        p->initrd = module_bytes(&bi->modules[1], 1, &ilen);
        p->initrd_len = ilen;
        p->initrd_cmdline = dom_boot_module_args(bi->modules[1].cmdline, bi->loader_name);
        if (p->initrd == NULL)
            return -XEN_EFAULT;
    }
    return p->kernel == NULL ? -XEN_EFAULT : 0;
}

int dom_boot_initial_domain(const struct boot_info *bi, const struct hv_options *o)
{
    static struct elf_pvh_error err;
    struct pvh_build_params p;
    struct pvh_build_result r;
    struct domain *d;
    uint64_t mem = dom0_mem_bytes(&o->dom0_mem, frame_free_count() << PAGE_SHIFT);
    int rc;

    if (mem == 0)
        return build_failed(-XEN_ENOMEM, "not enough free memory for the initial domain", NULL);
    rc = fill_params(bi, mem, &p);
    if (rc != 0)
        return rc;
    rc = domain_create(0, mem >> PAGE_SHIFT, PTE_FORMAT_NPT);
    if (rc != 0)
        return build_failed(rc, "cannot create domain 0", NULL);
    d = domain_find(0);
    (void)hv_snprintf(d->guest.name, sizeof(d->guest.name), "Domain-0");
    d->guest.start_flags = p.start_flags;
    rc = pvh_build(d, &p, &r, &err);
    if (rc == 0)
        rc = sched_add_domain(d, r.entry, (uint32_t)r.start_info_gpa);
    if (rc != 0) {
        (void)domain_destroy(0);
        return build_failed(rc, "cannot build domain 0", err.code != ELF_PVH_OK ? &err : NULL);
    }
    hv_print("domain 0: %lu MiB, kernel [0x%lx, 0x%lx), entry 0x%x, start_info 0x%lx%s\n",
             (unsigned long)(mem / MIB), (unsigned long)r.kernel_start, (unsigned long)r.kernel_end,
             r.entry, (unsigned long)r.start_info_gpa, r.initrd_gpa != 0 ? ", initrd" : "");
    return 0;
}
