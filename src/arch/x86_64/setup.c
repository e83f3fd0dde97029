// SPDX-License-Identifier: GPL-2.0-only
/*
 * The boot sequence after the CPU is in long mode: understand what the loader
 * gave us, apply the command line, print the banner, take over memory.
 * Portable C: the simulator runs this very code on multiboot structures it
 * builds itself, which is how the failure paths are tested.
 */
#include "hv/setup.h"

#include <stdarg.h>

#include "hal/hal.h"
#include "hv/bootinfo.h"
#include "hv/console.h"
#include "hv/cpufeature.h"
#include "hv/dom_boot.h"
#include "hv/format.h"
#include "hv/frame.h"
#include "hv/memmap.h"
#include "hv/sched.h"

#define LOW_MEMORY_END   (1ULL << 20)   /* BIOS, real-mode IVT, EBDA, ROMs */
#define RESERVED_FIXED   2U             /* low memory and the image */
#define MIB              (1ULL << 20)

struct hv_options hv_opts;

static struct boot_info boot_info;

const char *hv_boot_cmdline(void)
{
    return boot_info.cmdline;
}
static struct memmap_result memory;
static struct cpu_features cpu;

void hv_fatal_stop(void)
{
    if (hv_opts.noreboot)
        hv_err("Manual reset required ('noreboot' specified)\n");
    else
        hv_err("Reboot in five seconds...\n");
    /* Tests end the emulator here, after the user-visible message. */
    if (hv_opts.debug_exit)
        hal_debug_exit(HV_EXIT_FAILURE);
    if (hv_opts.noreboot)
        hal_halt();
    hal_delay_ns(5ULL * 1000 * 1000 * 1000);
    hal_reboot();
}

void hv_panic(const char *fmt, ...)
{
    char message[256];
    va_list ap;

    va_start(ap, fmt);
    hv_vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    hv_err("\n");
    hv_err("****************************************\n");
    hv_err("Panic on CPU 0:\n");
    hv_err("%s\n", message);
    hv_err("****************************************\n");
    hv_err("\n");
    hv_fatal_stop();
}

static size_t bounded_length(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n] != '\0')
        n++;
    return n;
}

static void report_boot_problems(const struct boot_info *bi)
{
    for (uint32_t i = 0; i < bi->nr_problems; i++) {
        const struct boot_problem *p = &bi->problems[i];
        hv_warn("boot info: %s (index %u, value 0x%lx)\n", boot_problem_text(p->kind),
                p->index, (unsigned long)p->value);
    }
    if (bi->problems_dropped != 0)
        hv_warn("boot info: %u more problems not shown\n", bi->problems_dropped);
}

/* The hypervisor's options: the loader's command line minus the image name. */
static const char *cooked_cmdline(const struct boot_info *bi)
{
    size_t len = bounded_length(bi->cmdline, sizeof(bi->cmdline));

    return bi->cmdline + cmdline_skip_image_name(bi->cmdline, len, bi->loader_name,
                                                 bounded_length(bi->loader_name,
                                                                sizeof(bi->loader_name)));
}

static void parse_command_line(const struct boot_info *bi)
{
    const char *options = cooked_cmdline(bi);

    cmdline_parse(options, bounded_length(options, BOOT_CMDLINE_MAX), &hv_opts);
}

static void apply_options(void)
{
    console_set_threshold((enum log_level)hv_opts.loglvl.print);
    console_set_serial((hv_opts.console & HV_CONSOLE_COM1) != 0);
    if (hv_opts.com1.baud != 0)
        hal_serial_init(hv_opts.com1.baud);
    if (hv_opts.debug_exit)
        hal_debug_exit_enable();
}

static void report_cmdline_diags(void)
{
    for (uint32_t i = 0; i < hv_opts.nr_diags; i++) {
        const struct cmdline_diag *d = &hv_opts.diags[i];
        hv_warn("command line: '%s%s': %s; ignored\n", d->text,
                d->text_truncated ? "..." : "", cmdline_diag_text(d->kind));
    }
    if (hv_opts.diags_dropped != 0)
        hv_warn("command line: %u more problems not shown\n", hv_opts.diags_dropped);
}

static void print_banner(const struct boot_info *bi)
{
    hv_print("Xenolith %d.%d%s (x86_64), a Xen-compatible hypervisor\n",
             XENOLITH_VERSION_MAJOR, XENOLITH_VERSION_MINOR, XENOLITH_VERSION_EXTRA);
    hv_print("loader: multiboot%u (%s)\n", bi->protocol,
             bi->has_loader_name ? bi->loader_name : "unnamed loader");
    hv_print("Command line: %s%s\n", cooked_cmdline(bi), bi->cmdline_truncated ? " [truncated]" : "");
}

static void print_memory_map(const struct boot_info *bi)
{
    hv_info("Loader memory map (%u entries):\n", bi->nr_mmap);
    for (uint32_t i = 0; i < bi->nr_mmap; i++) {
        const struct boot_mmap_entry *e = &bi->mmap[i];
        hv_info(" [%016lx, %016lx) type %u\n", (unsigned long)e->addr,
                (unsigned long)(e->addr + e->len), e->type);
    }
}

/* Diagnostics about the map as a whole name no entry. */
static bool memmap_diag_names_entry(enum memmap_diag_kind kind)
{
    return kind != MEMMAP_DIAG_NO_MAP && kind != MEMMAP_DIAG_EMPTY_MAP &&
           kind != MEMMAP_DIAG_NO_USABLE && kind != MEMMAP_DIAG_OUTPUT_FULL &&
           kind != MEMMAP_DIAG_TOO_MANY_ENTRIES && kind != MEMMAP_DIAG_TOO_MANY_RESERVED;
}

static void report_memmap_diags(int rc)
{
    for (uint32_t i = 0; i < memory.nr_diags; i++) {
        const struct memmap_diag *d = &memory.diags[i];
        enum log_level level = memmap_diag_is_fatal(d->kind) ? LOG_ERR : LOG_WARN;
        if (!memmap_diag_names_entry(d->kind))
            printk(level, "memory map: %s\n", memmap_diag_text(d->kind));
        else if (d->kind == MEMMAP_DIAG_OVERLAP)
            hv_warn("memory map: %s (entries %u and %u)\n", memmap_diag_text(d->kind),
                    d->index, d->other);
        else
            printk(level, "memory map: %s (entry %u)\n", memmap_diag_text(d->kind), d->index);
    }
    if (rc != 0 && memory.nr_diags == 0)
        hv_err("memory map: unusable (error %d)\n", rc);
}

/* Build the list of ranges the hypervisor keeps for itself. */
static uint32_t collect_reserved(const struct boot_info *bi, const struct boot_image *image,
                                 struct memmap_range *reserved, uint32_t max)
{
    uint32_t n = 0;

    reserved[n++] = (struct memmap_range){ 0, LOW_MEMORY_END };
    reserved[n++] = (struct memmap_range){ image->start, image->end };
    for (uint32_t i = 0; i < bi->nr_modules && n < max; i++)
        reserved[n++] = (struct memmap_range){ bi->modules[i].start, bi->modules[i].end };
    return n;
}

static void sanitize_memory(const struct boot_info *bi, const struct boot_image *image)
{
    static struct memmap_range reserved[MEMMAP_MAX_RESERVED];
    uint32_t nr_reserved = collect_reserved(bi, image, reserved, MEMMAP_MAX_RESERVED);
    int rc;

    print_memory_map(bi);
    rc = memmap_sanitize(bi->has_mmap ? bi->mmap : NULL, bi->nr_mmap, reserved,
                         nr_reserved, &memory);
    report_memmap_diags(rc);
    if (rc != 0)
        hv_panic("The memory map from the boot loader is %s: cannot continue.\n"
                 "Check the firmware's memory map (e820) and the boot loader.",
                 !bi->has_mmap ? "missing" : bi->nr_mmap == 0 ? "empty" : "unusable");
    hv_print("usable memory: %lu MiB in %u ranges\n",
             (unsigned long)(memory.usable_bytes / MIB), memory.nr_ranges);
}

/* Frames below this can be managed (the hypervisor's mapping covers them). */
static mfn_t managed_frame_limit(void)
{
    mfn_t top = memory.ranges[memory.nr_ranges - 1].end >> PAGE_SHIFT;
    mfn_t mapped = hal_machine_frames();

    if (top > mapped) {
        hv_warn("memory above %lu MiB is not used yet\n",
                (unsigned long)((mapped << PAGE_SHIFT) / MIB));
        top = mapped;
    }
    return top;
}

/* Carve the frame table out of the top of the largest usable range. */
static uint64_t place_frame_table(uint64_t bytes, mfn_t limit)
{
    uint64_t best_start = 0, best_end = 0;
    uint64_t top = limit << PAGE_SHIFT;

    for (uint32_t i = 0; i < memory.nr_ranges; i++) {
        uint64_t start = memory.ranges[i].start;
        uint64_t end = memory.ranges[i].end < top ? memory.ranges[i].end : top;
        if (end > start && end - start > best_end - best_start) {
            best_start = start;
            best_end = end;
        }
    }
    if (best_end - best_start < bytes)
        return 0;
    return (best_end - bytes) & ~(PAGE_SIZE - 1);
}

static void give_ram_to_allocator(mfn_t limit, uint64_t table_start, uint64_t table_end)
{
    for (uint32_t i = 0; i < memory.nr_ranges; i++) {
        mfn_t start = memory.ranges[i].start >> PAGE_SHIFT;
        mfn_t end = memory.ranges[i].end >> PAGE_SHIFT;
        mfn_t t0 = table_start >> PAGE_SHIFT, t1 = table_end >> PAGE_SHIFT;

        if (end > limit)
            end = limit;
        if (start >= end)
            continue;
        /* The frame table sits wholly inside one range: split around it. */
        if (t0 >= start && t1 <= end) {
            if (t0 > start)
                frame_add_free(start, t0 - start);
            if (end > t1)
                frame_add_free(t1, end - t1);
        } else {
            frame_add_free(start, end - start);
        }
    }
}

static void init_frame_allocator(void)
{
    mfn_t limit = managed_frame_limit();
    uint64_t bytes = (frame_table_bytes(limit) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    uint64_t table = place_frame_table(bytes, limit);
    void *storage = table != 0 ? hal_phys_map(table, bytes) : NULL;

    if (storage == NULL || frame_init(storage, bytes, limit) != 0)
        hv_panic("No room for the frame table (%lu KiB for %lu frames).",
                 (unsigned long)(bytes / 1024), (unsigned long)limit);
    give_ram_to_allocator(limit, table, table + bytes);
    hv_print("frame allocator: %lu free frames (%lu MiB), frame table %lu KiB at 0x%lx\n",
             (unsigned long)frame_free_count(),
             (unsigned long)((frame_free_count() << PAGE_SHIFT) / MIB),
             (unsigned long)(bytes / 1024), (unsigned long)table);
}

/* conring_size= larger than the built-in ring: move the ring into frames. */
static void size_console_ring(void)
{
    uint64_t want = hv_opts.conring_size;
    mfn_t frames = want / PAGE_SIZE;
    mfn_t mfn;
    void *storage;

    if (want > console_ring_size()) {
        mfn = frame_alloc_contig(frames, 0, DOMID_XEN);
        storage = mfn == INVALID_MFN ? NULL : hal_phys_map(mfn << PAGE_SHIFT, want);
        if (storage == NULL || !console_ring_resize(storage, (size_t)want))
            hv_warn("conring_size: cannot allocate %lu KiB, keeping %zu KiB\n",
                    (unsigned long)(want / 1024), console_ring_size() / 1024);
    }
    hv_print("console ring: %zu KiB\n", console_ring_size() / 1024);
}

static void report_modules(const struct boot_info *bi)
{
    for (uint32_t i = 0; i < bi->nr_modules; i++) {
        const struct boot_module *m = &bi->modules[i];
        hv_print("module %u: [%08lx, %08lx) %lu KiB '%s'\n", i, (unsigned long)m->start,
                 (unsigned long)m->end, (unsigned long)((m->end - m->start) / 1024),
                 m->cmdline);
    }
}

/* Why guests cannot run here, or NULL when they can. */
static const char *virtualization_missing(const struct cpu_features *f)
{
    if (f->vendor != CPU_VENDOR_AMD || !f->svm)
        return "this CPU has no AMD SVM (Intel VMX support comes later)";
    if (f->svm_disabled)
        return "SVM is disabled by the firmware (check the BIOS setting)";
    if (!f->npt)
        return "this CPU has SVM but no nested paging";
    return NULL;
}

/* Start the domains of the boot modules, run them until they all end. */
HV_NORETURN static void run_domains(const struct boot_info *bi)
{
    struct sched_summary sum;
    const char *missing = virtualization_missing(&cpu);
    uint32_t failed = 0;
    bool ok;

    if (missing != NULL)
        hv_panic("Cannot run guests: %s.", missing);
    if (vcpu_vendor_cpu_init() != 0)
        hv_panic("Cannot run guests: enabling SVM failed.");
    if (dom_boot_start(bi, &hv_opts, &failed) == 0) {
        /* Xen would panic; nothing else can run, so end as cleanly as with no modules. */
        hv_err("no domain could be started (see above)\n");
        hal_debug_exit(HV_EXIT_FAILURE);
        hv_print("Xenolith halted. It is safe to power off.\n");
        hal_halt();
    }
    sched_run(&sum);
    /* A described domain that could not start is a failure too (tests see it in the status). */
    ok = sum.nr_crashed == 0 && !sum.stalled && failed == 0;
    hv_print("all domains have ended: %u powered off, %u rebooted, %u crashed\n",
             sum.nr_poweroff, sum.nr_reboot, sum.nr_crashed);
    if (failed != 0)
        hv_print("%u described domain%s could not be started\n", failed, failed == 1 ? "" : "s");
    hal_debug_exit(ok ? HV_EXIT_SUCCESS : HV_EXIT_FAILURE);
    if (sum.initial_domain_reboot && !hv_opts.noreboot) {
        hv_print("the initial domain asked for a reboot: rebooting\n");
        hal_reboot();
    }
    hv_print("Xenolith halted. It is safe to power off.\n");
    hal_halt();
}

void hv_boot(uint32_t magic, uint64_t info_paddr, const struct boot_image *image)
{
    int rc;

    cmdline_defaults(&hv_opts);
    console_init();
    rc = multiboot_parse(magic, info_paddr, &boot_info);
    if (rc != 0) {
        report_boot_problems(&boot_info);
        hv_panic("Not started by a multiboot loader (magic 0x%08x, info at 0x%lx):\n"
                 "boot Xenolith with GRUB's multiboot2 or QEMU's -kernel.",
                 magic, (unsigned long)info_paddr);
    }
    parse_command_line(&boot_info);
    apply_options();
    print_banner(&boot_info);
    report_cmdline_diags();
    report_boot_problems(&boot_info);
    cpu_features_probe(&cpu);
    cpu_features_log(&cpu);
    sanitize_memory(&boot_info, image);
    init_frame_allocator();
    size_console_ring();
    report_modules(&boot_info);
    if (hv_opts.selftest == HV_SELFTEST_FAULT) {
        hv_print("selftest: taking an invalid-opcode exception on purpose\n");
        hal_selftest_fault();
    }
    if (boot_info.nr_modules == 0) {
        hv_print("no domains to start (0 boot modules): nothing to run\n");
        hal_debug_exit(HV_EXIT_SUCCESS);
        hv_print("Xenolith halted. It is safe to power off.\n");
        hal_halt();
    }
    run_domains(&boot_info);
}
