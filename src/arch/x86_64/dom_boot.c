// SPDX-License-Identifier: GPL-2.0-only
/*
 * Domains from boot modules (hv/dom_boot.h): the initial domain as Xen
 * builds it, and domUs described in xl.cfg syntax.  What each module is
 * for is decided once, up front (dom_boot_plan), from the modules' content;
 * building then reads the modules in place (they stay reserved), which is
 * also how a domU is built again when its on_* action says restart.
 */
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

static struct dom_boot_domain doms[DOMAIN_MAX];
static const struct boot_info *boot;      /* kept for restarts */
static struct xlcfg cfg;                  /* the description being used */

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

static bool str_eq(const char *a, const char *b)
{
    size_t i = 0;

    while (a[i] != '\0' && a[i] == b[i])
        i++;
    return a[i] == b[i];
}

const char *dom_boot_module_args(const char *s, const char *loader_name)
{
    size_t len = str_len(s, BOOT_MOD_CMDLINE_MAX);

    return s + cmdline_skip_image_name(s, len, loader_name,
                                       str_len(loader_name, BOOT_LOADER_NAME_MAX));
}

/* ---- modules ---------------------------------------------------------------------------- */

/* A view of a module's bytes, or NULL (reported) when unreadable. */
static const uint8_t *module_bytes(const struct boot_module *m, int idx, size_t *len)
{
    const void *p;

    *len = (size_t)(m->end - m->start);
    p = hal_phys_view(m->start, m->end - m->start);
    if (p == NULL)
        hv_err("boot module %d at [0x%lx, 0x%lx) is not readable\n", idx,
               (unsigned long)m->start, (unsigned long)m->end);
    return p;
}

static bool module_is_config(const struct boot_info *bi, uint32_t i)
{
    const struct boot_module *m = &bi->modules[i];
    const void *p = m->end > m->start ? hal_phys_view(m->start, m->end - m->start) : NULL;

    return p != NULL && xlcfg_detect(p, (size_t)(m->end - m->start));
}

/*
 * The file name a loader put before a module's arguments, trimmed: QEMU and
 * GRUB Legacy give one, GRUB 2 does not (empty then).
 */
static size_t module_image_name(const struct boot_info *bi, int i, const char **name)
{
    const char *s = bi->modules[i].cmdline;
    size_t end = (size_t)(dom_boot_module_args(s, bi->loader_name) - s), start = 0;

    while (start < end && (s[start] == ' ' || s[start] == '\t'))
        start++;
    while (end > start && (s[end - 1] == ' ' || s[end - 1] == '\t'))
        end--;
    *name = s + start;
    return end - start;
}

/* How messages name a module: its file name, else (a description under GRUB 2) its arguments. */
static void module_label(const struct boot_info *bi, int i, bool config, char *buf, size_t cap)
{
    const char *name;
    size_t n = module_image_name(bi, i, &name);

    if (n == 0 && config) {
        name = dom_boot_module_args(bi->modules[i].cmdline, bi->loader_name);
        n = str_len(name, BOOT_MOD_CMDLINE_MAX);
    }
    if (n == 0)
        (void)hv_snprintf(buf, cap, "module %d", i);
    else
        (void)hv_snprintf(buf, cap, "%.*s", (int)(n < cap - 1 ? n : cap - 1), name);
}

/* The last path component of s[0 .. n). */
static const char *base_name(const char *s, size_t *n)
{
    size_t start = 0;

    for (size_t i = 0; i < *n; i++)
        if (s[i] == '/')
            start = i + 1;
    *n -= start;
    return s + start;
}

/* Whether kernel=/ramdisk= (`want`) names module i; true when the loader gave no name. */
static bool module_matches(const struct boot_info *bi, int i, const char *want)
{
    const char *name;
    size_t n = module_image_name(bi, i, &name), wn = str_len(want, XLCFG_PATH_MAX);
    const char *b = base_name(name, &n), *wb = base_name(want, &wn);

    if (n == 0)
        return true;
    if (n != wn)
        return false;
    for (size_t k = 0; k < n; k++)
        if (b[k] != wb[k])
            return false;
    return true;
}

/* ---- the plan --------------------------------------------------------------------------- */

static void plan_reset(void)
{
    for (unsigned i = 0; i < DOMAIN_MAX; i++)
        doms[i] = (struct dom_boot_domain){ .config = -1, .kernel = -1, .second = -1 };
}

static void warn_unused(const struct boot_info *bi, uint32_t i, const char *why)
{
    char label[DOM_BOOT_LABEL_MAX];

    module_label(bi, (int)i, false, label, sizeof(label));
    hv_warn("boot module %u (%s): %s; ignored\n", i, label, why);
}

/* The initial domain from modules 0 and (unless a description) 1; the next index. */
static uint32_t plan_initial(const struct boot_info *bi)
{
    struct dom_boot_domain *d = &doms[0];

    if (bi->nr_modules == 0 || module_is_config(bi, 0))
        return 0;
    d->described = d->initial = true;
    d->kernel = 0;
    (void)hv_snprintf(d->label, sizeof(d->label), "domain 0");
    (void)hv_snprintf(d->name, sizeof(d->name), "Domain-0");
    if (bi->nr_modules > 1 && !module_is_config(bi, 1)) {
        d->second = 1;
        return 2;
    }
    return 1;
}

uint32_t dom_boot_plan(const struct boot_info *bi)
{
    struct dom_boot_domain *cur = NULL;
    uint32_t n, next_id = 1;

    plan_reset();
    n = plan_initial(bi);
    for (uint32_t i = n; i < bi->nr_modules; i++) {
        if (module_is_config(bi, i)) {
            cur = next_id < DOMAIN_MAX ? &doms[next_id++] : NULL;
            if (cur == NULL) {
                warn_unused(bi, i, "a domain description beyond the domain table (at most 8 domains)");
                continue;
            }
            cur->described = true;
            cur->config = (int)i;
            module_label(bi, (int)i, true, cur->label, sizeof(cur->label));
        } else if (cur != NULL && cur->kernel < 0) {
            cur->kernel = (int)i;
        } else if (cur != NULL && cur->second < 0) {
            cur->second = (int)i;
        } else {
            warn_unused(bi, i, cur != NULL ? "a third module after a domain description"
                                           : "not a domain description, and not domain 0's");
        }
    }
    return (doms[0].described ? 1U : 0U) + next_id - 1;
}

const struct dom_boot_domain *dom_boot_domain(domid_t id)
{
    return id < DOMAIN_MAX ? &doms[id] : NULL;
}

/* ---- descriptions ----------------------------------------------------------------------- */

/* "<file>:<line>: error: <key>: <what>" (xl's and compilers' form). */
static void report_problem(const char *file, bool error, uint32_t line, const char *key,
                           const char *what)
{
    enum log_level level = error ? LOG_ERR : LOG_WARN;
    const char *sev = error ? "error" : "warning";
    char where[DOM_BOOT_LABEL_MAX + 16];

    if (line != 0)
        (void)hv_snprintf(where, sizeof(where), "%s:%u", file, line);
    else
        (void)hv_snprintf(where, sizeof(where), "%s", file);
    printk(level, "%s: %s: %s%s%s\n", where, sev, key, key[0] != '\0' ? ": " : "", what);
}

static void report_diags(const char *file, const struct xlcfg *c)
{
    for (uint32_t i = 0; i < c->nr_diags; i++)
        report_problem(file, xlcfg_diag_is_error(c->diags[i].kind), c->diags[i].line, c->diags[i].key,
                       xlcfg_diag_text(c->diags[i].kind));
    if (c->diags_dropped != 0)
        hv_err("%s: %u more problems not shown\n", file, c->diags_dropped);
}

/* An error of ours about key k of the description (lines as the parser saw them). */
static void key_error(const struct dom_boot_domain *d, enum xlcfg_key k, const char *what)
{
    report_problem(d->label, true, cfg.line[k], xlcfg_key_name(k), what);
}

static bool name_taken(domid_t id, const char *name)
{
    for (unsigned i = 0; i < DOMAIN_MAX; i++)
        if (i != id && doms[i].described && doms[i].name[0] != '\0' && str_eq(doms[i].name, name))
            return true;
    return false;
}

/* The kernel and ramdisk modules agree with kernel= and ramdisk=. */
static bool check_modules(const struct boot_info *bi, domid_t id, bool report)
{
    struct dom_boot_domain *d = &doms[id];
    char msg[160], label[DOM_BOOT_LABEL_MAX];

    if (d->kernel < 0) {
        if (report)
            key_error(d, XLCFG_KEY_KERNEL, "no boot module follows the description "
                                           "(the module right after it is the kernel)");
        return false;
    }
    if (cfg.ramdisk[0] != '\0' && d->second < 0) {
        if (report)
            key_error(d, XLCFG_KEY_RAMDISK, "no boot module follows the kernel's "
                                            "(the module after the kernel is the ramdisk)");
        return false;
    }
    for (int k = 0; k < 2; k++) {
        int mod = k == 0 ? d->kernel : d->second;
        const char *want = k == 0 ? cfg.kernel : cfg.ramdisk;
        if (want[0] == '\0' || module_matches(bi, mod, want))
            continue;
        if (report) {
            module_label(bi, mod, false, label, sizeof(label));
            (void)hv_snprintf(msg, sizeof(msg), "\"%s\" but boot module %d is %s", want, mod, label);
            key_error(d, k == 0 ? XLCFG_KEY_KERNEL : XLCFG_KEY_RAMDISK, msg);
        }
        return false;
    }
    return true;
}

/* Warnings about modules and arguments the description leaves unused. */
static void warn_leftovers(const struct boot_info *bi, const struct dom_boot_domain *d)
{
    const char *args = dom_boot_module_args(bi->modules[d->kernel].cmdline, bi->loader_name);

    if (cfg.ramdisk[0] == '\0' && d->second >= 0)
        warn_unused(bi, (uint32_t)d->second, "follows a kernel whose description has no ramdisk=");
    if (cfg.has_cmdline && args[0] != '\0')
        hv_warn("%s: the kernel module's arguments \"%s\" are ignored: the description's "
                "command line counts\n", d->label, args);
}

/* Parse domU id's description and check it against the modules: 0 or -XEN_EINVAL. */
static int prepare_domu(const struct boot_info *bi, domid_t id, bool report)
{
    struct dom_boot_domain *d = &doms[id];
    size_t len = 0;
    const uint8_t *text = module_bytes(&bi->modules[d->config], d->config, &len);
    char msg[96];
    int rc;

    if (text == NULL)
        return -XEN_EINVAL;
    rc = xlcfg_parse((const char *)text, len, &cfg);
    if (report)
        report_diags(d->label, &cfg);
    if (rc != 0)
        return -XEN_EINVAL;
    if (!check_modules(bi, id, report))
        return -XEN_EINVAL;
    if (str_eq(cfg.name, "Domain-0") || name_taken(id, cfg.name)) {
        (void)hv_snprintf(msg, sizeof(msg), "\"%s\" is already a domain's name", cfg.name);
        if (report)
            key_error(d, XLCFG_KEY_NAME, msg);
        return -XEN_EINVAL;
    }
    if (report)
        warn_leftovers(bi, d);
    (void)hv_snprintf(d->name, sizeof(d->name), "%s", cfg.name);
    for (unsigned e = 0; e < XLCFG_NR_EVENTS; e++)
        d->on[e] = cfg.on[e];
    return 0;
}

/* ---- building --------------------------------------------------------------------------- */

static int build_failed(domid_t id, const char *name, int rc, const char *what,
                        const struct elf_pvh_error *err)
{
    hv_err("domain %u (%s): %s%s%s\n", id, name, what, err != NULL ? ": " : "",
           err != NULL ? err->msg : "");
    return rc;
}

/* Create domain id and build it from p; the scheduler gets it. */
static int build(domid_t id, const char *name, uint64_t max_bytes, struct pvh_build_params *p)
{
    static struct elf_pvh_error err;
    struct pvh_build_result r;
    struct domain *d;
    int rc = domain_create(id, max_bytes >> PAGE_SHIFT, PTE_FORMAT_NPT);

    if (rc != 0)
        return build_failed(id, name, rc, "cannot create the domain", NULL);
    d = domain_find(id);
    (void)hv_snprintf(d->guest.name, sizeof(d->guest.name), "%s", name);
    d->guest.start_flags = p->start_flags;
    err.code = ELF_PVH_OK;
    rc = pvh_build(d, p, &r, &err);
    if (rc == 0)
        rc = sched_add_domain(d, r.entry, (uint32_t)r.start_info_gpa);
    if (rc != 0) {
        (void)domain_destroy(id);
        return build_failed(id, name, rc, "cannot build the domain",
                            err.code != ELF_PVH_OK ? &err : NULL);
    }
    hv_print("domain %u (%s): %lu MiB, kernel [0x%lx, 0x%lx), entry 0x%x, start_info 0x%lx%s\n",
             id, name, (unsigned long)(p->mem_bytes / MIB), (unsigned long)r.kernel_start,
             (unsigned long)r.kernel_end, r.entry, (unsigned long)r.start_info_gpa,
             r.initrd_gpa != 0 ? ", initrd" : "");
    doms[id].started = true;
    return 0;
}

/* Kernel (and initrd) of a domain from its modules into p. */
static int fill_modules(const struct boot_info *bi, int kernel, int initrd,
                        struct pvh_build_params *p)
{
    size_t klen = 0, ilen = 0;

    p->kernel = module_bytes(&bi->modules[kernel], kernel, &klen);
    p->kernel_len = klen;
    if (initrd >= 0) {
        p->initrd = module_bytes(&bi->modules[initrd], initrd, &ilen);
        p->initrd_len = ilen;
        p->initrd_cmdline = dom_boot_module_args(bi->modules[initrd].cmdline, bi->loader_name);
        if (p->initrd == NULL)
            return -XEN_EFAULT;
    }
    return p->kernel == NULL ? -XEN_EFAULT : 0;
}

static int build_domu(const struct boot_info *bi, domid_t id, bool report)
{
    struct dom_boot_domain *d = &doms[id];
    uint64_t mem, free_bytes = frame_free_count() << PAGE_SHIFT;
    struct pvh_build_params p = { .start_flags = 0 };
    char msg[96];
    int rc = prepare_domu(bi, id, report);

    if (rc != 0)
        return rc;
    mem = cfg.memory_mib * MIB;
    if (mem > free_bytes) {
        (void)hv_snprintf(msg, sizeof(msg), "%lu MiB asked, %lu MiB free",
                          (unsigned long)cfg.memory_mib, (unsigned long)(free_bytes / MIB));
        key_error(d, XLCFG_KEY_MEMORY, msg);
        return -XEN_ENOMEM;
    }
    rc = fill_modules(bi, d->kernel, cfg.ramdisk[0] != '\0' ? d->second : -1, &p);
    if (rc != 0)
        return rc;
    p.mem_bytes = mem;
    p.cmdline = cfg.has_cmdline ? cfg.cmdline
                                : dom_boot_module_args(bi->modules[d->kernel].cmdline, bi->loader_name);
    return build(id, d->name, cfg.maxmem_mib * MIB, &p);
}

static int build_initial(const struct boot_info *bi, const struct hv_options *o)
{
    struct dom_boot_domain *d = &doms[0];
    uint64_t mem = dom0_mem_bytes(&o->dom0_mem, frame_free_count() << PAGE_SHIFT);
    struct pvh_build_params p = { .start_flags = SIF_INITDOMAIN | SIF_PRIVILEGED };
    int rc;

    if (mem == 0)
        return build_failed(0, d->name, -XEN_ENOMEM, "not enough free memory for the initial domain",
                            NULL);
    rc = fill_modules(bi, d->kernel, d->second, &p);
    if (rc != 0)
        return rc;
    p.mem_bytes = mem;
    p.cmdline = dom_boot_module_args(bi->modules[d->kernel].cmdline, bi->loader_name);
    return build(0, d->name, mem, &p);
}

uint32_t dom_boot_start(const struct boot_info *bi, const struct hv_options *o, uint32_t *failed)
{
    uint32_t started = 0;

    boot = bi;
    *failed = 0;
    (void)dom_boot_plan(bi);
    for (domid_t id = 1; id < DOMAIN_MAX; id++) {
        if (!doms[id].described)
            continue;
        if (build_domu(bi, id, true) == 0) {
            started++;
            continue;
        }
        (*failed)++;
        hv_err("%s: domain %u not started (see above)\n", doms[id].label, id);
    }
    if (doms[0].described) {
        if (build_initial(bi, o) == 0)
            started++;
        else
            (*failed)++;
    }
    return started;
}

bool dom_boot_wants_restart(const struct domain *d)
{
    enum xlcfg_event ev;
    enum xlcfg_action a;

    if (d->id >= DOMAIN_MAX || !doms[d->id].described || doms[d->id].initial)
        return false;
    if (d->guest.state == DOMAIN_CRASHED)
        ev = XLCFG_ON_CRASH;
    else if (d->guest.state != DOMAIN_SHUTDOWN)
        return false;
    else if (d->guest.shutdown_reason == SHUTDOWN_poweroff)
        ev = XLCFG_ON_POWEROFF;
    else if (d->guest.shutdown_reason == SHUTDOWN_reboot)
        ev = XLCFG_ON_REBOOT;
    else if (d->guest.shutdown_reason == SHUTDOWN_watchdog)
        ev = XLCFG_ON_WATCHDOG;
    else
        return false;
    a = doms[d->id].on[ev];
    return a == XLCFG_ACTION_RESTART || a == XLCFG_ACTION_RENAME_RESTART ||
           a == XLCFG_ACTION_COREDUMP_RESTART;
}

int dom_boot_restart(domid_t id)
{
    int rc;

    if (boot == NULL || id == 0 || id >= DOMAIN_MAX || !doms[id].described || !doms[id].started)
        return -XEN_EINVAL;
    doms[id].restarts++;
    hv_print("domain %u (%s): restarting (restart %u)\n", id, doms[id].name, doms[id].restarts);
    rc = build_domu(boot, id, false);
    if (rc != 0)
        hv_err("domain %u (%s): restart failed (error %d)\n", id, doms[id].name, rc);
    return rc;
}
