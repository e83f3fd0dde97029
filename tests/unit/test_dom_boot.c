// SPDX-License-Identifier: GPL-2.0-only
/*
 * Domains from boot modules (hv/dom_boot.h): dom0_mem= resolution, module
 * command lines, and in the simulator what each module is for (initial
 * domain, xl.cfg descriptions of domUs, their kernels and ramdisks), the
 * domains built from them, every problem a description or the modules can
 * have (printed as file:line: error: key: ...), and restarts.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "hv/dom_boot.h"
#include "hv/guest_copy.h"
#include "hv/sched.h"
#include "xen/errno.h"
#include "sim.h"

#define MIB (1ULL << 20)

static struct hv_mem_amount amt(uint64_t bytes, bool all_but)
{
    return (struct hv_mem_amount){ .set = true, .all_but = all_but, .bytes = bytes };
}

static void test_default_and_caps(void **state)
{
    struct hv_dom0_mem m = { 0 };

    (void)state;
    assert_int_equal(dom0_mem_bytes(&m, 4096 * MIB), DOM0_MEM_DEFAULT);
    /* Never more than what is free minus the hypervisor's reserve. */
    assert_int_equal(dom0_mem_bytes(&m, 256 * MIB), 240 * MIB);
    assert_int_equal(dom0_mem_bytes(&m, DOM0_MEM_RESERVE), 0);
    assert_int_equal(dom0_mem_bytes(&m, DOM0_MEM_RESERVE + MIB), 0);   /* below DOM0_MEM_MIN */
}

static void test_amounts(void **state)
{
    struct hv_dom0_mem m = { .amount = amt(100 * MIB + 5, false) };

    (void)state;
    assert_int_equal(dom0_mem_bytes(&m, 1024 * MIB), 100 * MIB);          /* whole 2 MiB */
    m.amount = amt(3 * MIB + 4096 + 7, false);
    assert_int_equal(dom0_mem_bytes(&m, 1024 * MIB), 3 * MIB + 4096);     /* small: 4 KiB */
    m.amount = amt(200 * MIB, true);                                       /* all but 200 MiB */
    assert_int_equal(dom0_mem_bytes(&m, 1024 * MIB), 824 * MIB);
    m.amount = amt(2048 * MIB, true);
    assert_int_equal(dom0_mem_bytes(&m, 1024 * MIB), 0);
}

static void test_min_max(void **state)
{
    struct hv_dom0_mem m = { .amount = amt(64 * MIB, false), .min = amt(128 * MIB, false) };

    (void)state;
    assert_int_equal(dom0_mem_bytes(&m, 1024 * MIB), 128 * MIB);
    m = (struct hv_dom0_mem){ .max = amt(300 * MIB, false) };
    assert_int_equal(dom0_mem_bytes(&m, 4096 * MIB), 300 * MIB);
    m = (struct hv_dom0_mem){ .max = amt(900 * MIB, true) };                /* max: all but 900 */
    assert_int_equal(dom0_mem_bytes(&m, 1024 * MIB), 124 * MIB);
}

static void test_module_args(void **state)
{
    (void)state;
    assert_string_equal(dom_boot_module_args("guest.elf root=/dev/xvda ro", "qemu"), "root=/dev/xvda ro");
    assert_string_equal(dom_boot_module_args("  /boot/k   a", "GRUB 0.97"), "a");
    assert_string_equal(dom_boot_module_args("guest.elf", "qemu"), "");
    assert_string_equal(dom_boot_module_args("", ""), "");
    /* GRUB 2 passes only the arguments. */
    assert_string_equal(dom_boot_module_args("alpha beta", "GRUB 2.06"), "alpha beta");
}

/* ---- modules in the simulator -------------------------------------------------------- */

#define NR         16384U               /* 64 MiB of machine memory */
#define MOD_BASE   0x10000ULL           /* modules live below the free frames */
#define FREE_FIRST 1024U                /* frames from 4 MiB up are the allocator's */

static struct frame_desc table[NR];
static struct boot_info bi;
static uint64_t mod_next;
static uint8_t kernel_img[0x400];
static struct hv_options opts;

static void put(uint8_t *img, size_t off, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        img[off + i] = (uint8_t)(v >> (8 * i));
}

/* A PVH ELF64: one load of 0x100 bytes at 1 MiB, the PHYS32_ENTRY note. */
static size_t mk_kernel(void)
{
    uint8_t *img = kernel_img;

    memset(img, 0, sizeof(kernel_img));
    memcpy(img, "\x7f" "ELF", 4);
    img[4] = 2;
    img[5] = 1;
    img[6] = 1;
    put(img, 16, 2, 2);
    put(img, 18, 62, 2);
    put(img, 20, 1, 4);
    put(img, 32, 64, 8);               /* e_phoff */
    put(img, 52, 64, 2);
    put(img, 54, 56, 2);
    put(img, 56, 2, 2);                /* e_phnum */
    put(img, 64, 1, 4);                /* PT_LOAD */
    put(img, 64 + 8, 0x200, 8);
    put(img, 64 + 24, 0x100000, 8);
    put(img, 64 + 32, 0x100, 8);
    put(img, 64 + 40, 0x1000, 8);
    put(img, 120, 4, 4);               /* PT_NOTE */
    put(img, 120 + 8, 0x300, 8);
    put(img, 120 + 32, 20, 8);
    put(img, 120 + 40, 20, 8);
    put(img, 0x300, 4, 4);
    put(img, 0x304, 4, 4);
    put(img, 0x308, XEN_ELFNOTE_PHYS32_ENTRY, 4);
    memcpy(img + 0x30c, "Xen", 4);
    put(img, 0x310, 0x100000, 4);
    return 0x320;
}

static void add_module(const void *data, size_t len, const char *cmdline)
{
    struct boot_module *m = &bi.modules[bi.nr_modules++];

    assert_true(sim_write_phys(mod_next, data, len));
    m->start = mod_next;
    m->end = mod_next + len;
    (void)snprintf(m->cmdline, sizeof(m->cmdline), "%s", cmdline);
    mod_next = (mod_next + len + 0xFFF) & ~0xFFFULL;
    assert_true(mod_next < (uint64_t)FREE_FIRST * PAGE_SIZE);
}

static void add_kernel(const char *cmdline)
{
    add_module(kernel_img, mk_kernel(), cmdline);
}

static void add_text(const char *text, const char *cmdline)
{
    add_module(text, strlen(text), cmdline);
}

static int sim_setup(void **state)
{
    (void)state;
    sim_reset(NR);
    assert_int_equal(frame_init(table, sizeof(table), NR), 0);
    assert_int_equal(frame_add_free(FREE_FIRST, NR - FREE_FIRST), 0);
    domain_table_reset();
    vcpu_vendor_cpu_reset();
    assert_int_equal(vcpu_vendor_cpu_init(), 0);
    memset(&bi, 0, sizeof(bi));
    (void)snprintf(bi.loader_name, sizeof(bi.loader_name), "qemu");
    mod_next = MOD_BASE;
    cmdline_defaults(&opts);
    opts.dom0_mem.amount = (struct hv_mem_amount){ .set = true, .bytes = 4 * MIB };
    sim_serial_clear();
    return 0;
}

static void expect_output(const char *text)
{
    if (strstr(sim_serial_output(), text) == NULL)
        fail_msg("console lacks \"%s\"; it has:\n%s", text, sim_serial_output());
}

/* Whether guest-physical RAM of domain id holds `text`. */
static bool guest_holds(domid_t id, const char *text)
{
    static uint8_t page[PAGE_SIZE];
    struct domain *d = domain_find(id);
    size_t n = strlen(text);

    for (uint64_t gpa = 0; gpa < d->tot_pages * PAGE_SIZE; gpa += PAGE_SIZE) {
        if (copy_from_guest_phys(&d->p2m, page, gpa, PAGE_SIZE) != 0)
            continue;
        for (size_t i = 0; i + n <= PAGE_SIZE; i++)
            if (memcmp(page + i, text, n) == 0)
                return true;
    }
    return false;
}

/* The domain ends and is freed the way the scheduler does it. */
static void end_domain(domid_t id)
{
    struct domain *d = domain_find(id);

    for (uint32_t i = 0; i < d->guest.nr_vcpus; i++)
        vcpu_vendor_destroy(&d->guest.vcpus[i]);
    d->guest.nr_vcpus = 0;
    assert_int_equal(domain_destroy(id), 0);
}

#define WEB "name = \"web\"\ntype = \"pvh\"\nkernel = \"web.elf\"\nmemory = 4\n" \
            "root = \"/dev/xvda\"\nextra = \"console=hvc0\"\n"

/* ---- tests: the plan ------------------------------------------------------------------- */

static void test_plan_roles(void **state)
{
    const struct dom_boot_domain *d;

    (void)state;
    add_kernel("dom0.elf a b");                 /* 0: domain 0 */
    add_text("initrd bytes\0", "initrd.img");   /* 1: its initrd (binary) */
    add_text(WEB, "web.cfg");                   /* 2 */
    add_kernel("web.elf");                      /* 3 */
    add_text("name='db'\nkernel='db.elf'\nramdisk='db.img'\n", "db.cfg");   /* 4 */
    add_kernel("db.elf");                       /* 5 */
    add_text("\x1f\x8b rd", "db.img");          /* 6 */
    add_text("\x7f" "ELF", "stray.bin");        /* 7: a third module */
    assert_int_equal(dom_boot_plan(&bi), 3);
    d = dom_boot_domain(0);
    assert_true(d->described && d->initial);
    assert_int_equal(d->kernel, 0);
    assert_int_equal(d->second, 1);
    assert_string_equal(d->name, "Domain-0");
    d = dom_boot_domain(1);
    assert_true(d->described && !d->initial);
    assert_int_equal(d->config, 2);
    assert_int_equal(d->kernel, 3);
    assert_int_equal(d->second, -1);
    assert_string_equal(d->label, "web.cfg");
    d = dom_boot_domain(2);
    assert_int_equal(d->config, 4);
    assert_int_equal(d->kernel, 5);
    assert_int_equal(d->second, 6);
    assert_false(dom_boot_domain(3)->described);
    assert_null(dom_boot_domain(DOMAIN_MAX));
    expect_output("boot module 7 (stray.bin): a third module after a domain description; ignored");
}

static void test_plan_without_initial_domain(void **state)
{
    (void)state;
    add_text(WEB, "web.cfg");
    add_kernel("web.elf");
    add_text("# a config can start with comments\n\nname = 'b'; kernel = 'k'\n", "b.cfg");
    assert_int_equal(dom_boot_plan(&bi), 2);
    assert_false(dom_boot_domain(0)->described);
    assert_int_equal(dom_boot_domain(1)->kernel, 1);
    assert_int_equal(dom_boot_domain(2)->config, 2);
    assert_int_equal(dom_boot_domain(2)->kernel, -1);
}

static void test_plan_dom0_without_initrd_and_unused(void **state)
{
    (void)state;
    add_kernel("dom0.elf");
    add_text(WEB, "web.cfg");
    assert_int_equal(dom_boot_plan(&bi), 2);
    assert_int_equal(dom_boot_domain(0)->second, -1);
    assert_int_equal(dom_boot_domain(1)->config, 1);
    sim_setup(NULL);
    add_kernel("dom0.elf");
    add_kernel("initrd");
    add_kernel("extra.bin");
    assert_int_equal(dom_boot_plan(&bi), 1);
    expect_output("boot module 2 (extra.bin): not a domain description, and not domain 0's; ignored");
}

static void test_plan_too_many(void **state)
{
    char name[16];

    (void)state;
    for (unsigned i = 0; i < DOMAIN_MAX; i++) {
        (void)snprintf(name, sizeof(name), "d%u.cfg", i);
        add_text("name='x'\n", name);
    }
    assert_int_equal(dom_boot_plan(&bi), DOMAIN_MAX - 1);
    expect_output("boot module 7 (d7.cfg): a domain description beyond the domain table");
}

/* ---- tests: building ------------------------------------------------------------------ */

static void test_start_dom0_and_domu(void **state)
{
    uint32_t failed = 99;
    struct domain *d;

    (void)state;
    add_kernel("dom0.elf dom0-args");
    add_text(WEB "on_crash = 'restart'\n", "/boot/web.cfg");
    add_kernel("build/guests/web.elf");
    assert_int_equal(dom_boot_start(&bi, &opts, &failed), 2);
    assert_int_equal(failed, 0);
    d = domain_find(1);
    assert_non_null(d);
    assert_string_equal(d->guest.name, "web");
    assert_int_equal(d->guest.start_flags, 0);
    assert_int_equal(d->guest.nr_memmap, 2);                         /* RAM, ACPI page */
    assert_int_equal(d->guest.memmap[0].size + d->guest.memmap[1].size, 4 * MIB); /* memory = 4 */
    assert_int_equal(d->guest.nr_vcpus, 1);
    assert_true(guest_holds(1, "root=/dev/xvda console=hvc0"));
    d = domain_find(0);
    assert_non_null(d);
    assert_string_equal(d->guest.name, "Domain-0");
    assert_int_equal(d->guest.start_flags, SIF_INITDOMAIN | SIF_PRIVILEGED);
    assert_true(guest_holds(0, "dom0-args"));
    assert_int_equal(dom_boot_domain(1)->on[XLCFG_ON_CRASH], XLCFG_ACTION_RESTART);
    expect_output("domain 1 (web): 4 MiB, kernel [0x100000, 0x101000)");
    expect_output("domain 0 (Domain-0): 4 MiB");
}

static void test_domu_only_module_args(void **state)
{
    uint32_t failed;

    (void)state;
    /* No command line in the description: the kernel module's arguments are it. */
    add_text("name='solo'\ntype='pvh'\nkernel='solo.elf'\nmemory=2\nmaxmem=6\n", "solo.cfg");
    add_kernel("solo.elf quiet loglevel=3");
    assert_int_equal(dom_boot_start(&bi, &opts, &failed), 1);
    assert_int_equal(failed, 0);
    assert_null(domain_find(0));
    assert_true(guest_holds(1, "quiet loglevel=3"));
    /* memory= is the RAM it gets, maxmem= its limit (a page more: its PV console ring). */
    assert_int_equal(domain_find(1)->guest.memmap[0].size + domain_find(1)->guest.memmap[1].size,
                     2 * MIB);                                       /* RAM, then the ACPI page */
    assert_true(domain_find(1)->max_pages >= 6 * MIB / PAGE_SIZE &&
                domain_find(1)->max_pages <= 6 * MIB / PAGE_SIZE + 1);
    /* With one, they are ignored, with a warning. */
    sim_setup(NULL);
    add_text(WEB, "web.cfg");
    add_kernel("web.elf ignored-arg");
    assert_int_equal(dom_boot_start(&bi, &opts, &failed), 1);
    expect_output("web.cfg: the kernel module's arguments \"ignored-arg\" are ignored");
    assert_false(guest_holds(1, "ignored-arg"));
}

static void test_ramdisk(void **state)
{
    static const char rd[] = "070701 a cpio archive\0\0";
    uint32_t failed;

    (void)state;
    add_text("name='r'\nkernel='r.elf'\nramdisk='/boot/r.img'\nmemory=2\n", "r.cfg");
    add_kernel("r.elf");
    add_module(rd, sizeof(rd), "images/r.img rd-arg");
    add_text("name='s'\nkernel='s.elf'\nmemory=2\n", "s.cfg");
    add_kernel("s.elf");
    add_module(rd, sizeof(rd), "s.img");
    assert_int_equal(dom_boot_start(&bi, &opts, &failed), 2);
    assert_int_equal(failed, 0);
    assert_true(guest_holds(1, "070701 a cpio archive"));
    assert_true(guest_holds(1, "rd-arg"));
    assert_false(guest_holds(2, "070701 a cpio archive"));
    expect_output("boot module 5 (s.img): follows a kernel whose description has no ramdisk=; ignored");
}

/* One domU with description `text` and a kernel module named `kname`: it fails with `msg`. */
static void expect_domu_refused(const char *text, const char *kname, const char *msg)
{
    uint32_t failed = 0;

    sim_setup(NULL);
    add_kernel("dom0.elf");
    add_text(text, "web.cfg");
    if (kname != NULL)
        add_kernel(kname);
    assert_int_equal(dom_boot_start(&bi, &opts, &failed), 1);     /* domain 0 still starts */
    assert_int_equal(failed, 1);
    assert_null(domain_find(1));
    assert_non_null(domain_find(0));
    expect_output(msg);
    expect_output("web.cfg: domain 1 not started (see above)");
}

static void test_refusals(void **state)
{
    (void)state;
    expect_domu_refused(WEB "memory = 12a\n", "web.elf",
                        "web.cfg:7: error: memory: not a number");
    expect_domu_refused("name='web'\ntype='hvm'\nkernel='web.elf'\n", "web.elf",
                        "web.cfg:2: error: type: \"hvm\": Xenolith has no device model");
    expect_domu_refused("name='web'\n\nkernel='web.elf'\nvcpus=4\n", "web.elf",
                        "web.cfg:4: error: vcpus: only 1 vCPU per domain");
    expect_domu_refused("type='pvh'\nkernel='web.elf'\n", "web.elf",
                        "web.cfg: error: name: missing");
    expect_domu_refused(WEB, NULL,
                        "web.cfg:3: error: kernel: no boot module follows the description");
    expect_domu_refused(WEB, "other.elf",
                        "web.cfg:3: error: kernel: \"web.elf\" but boot module 2 is other.elf");
    expect_domu_refused(WEB "ramdisk = 'web.img'\n", "web.elf",
                        "web.cfg:7: error: ramdisk: no boot module follows the kernel's");
    expect_domu_refused("name='Domain-0'\nkernel='web.elf'\n", "web.elf",
                        "web.cfg:1: error: name: \"Domain-0\" is already a domain's name");
    expect_domu_refused("name='big'\nkernel='web.elf'\nmemory=4096\n", "web.elf",
                        "web.cfg:3: error: memory: 4096 MiB asked");
    /* Warnings are printed and the domain starts. */
    expect_output("web.cfg: warning: type: missing");
}

static void test_ramdisk_name_mismatch_and_duplicate(void **state)
{
    uint32_t failed = 0;

    (void)state;
    add_text("name='a'\nkernel='a.elf'\nramdisk='a.img'\nmemory=2\n", "a.cfg");
    add_kernel("a.elf");
    add_kernel("b.img");
    add_text("name='a'\nkernel='k.elf'\nmemory=2\n", "dup.cfg");
    add_kernel("k.elf");
    add_text("name='a'\nkernel='k.elf'\nmemory=2\ndisk=['x']\n", "dup2.cfg");
    add_kernel("k.elf");
    assert_int_equal(dom_boot_start(&bi, &opts, &failed), 1);
    assert_int_equal(failed, 2);
    expect_output("a.cfg:3: error: ramdisk: \"a.img\" but boot module 2 is b.img");
    expect_output("dup2.cfg:4: warning: disk: xl key not supported by Xenolith, ignored");
    /* a.cfg failed, so its name is free: dup.cfg gets it, dup2.cfg does not. */
    assert_string_equal(domain_find(2)->guest.name, "a");
    expect_output("dup2.cfg:1: error: name: \"a\" is already a domain's name");
}

static void test_grub2_names(void **state)
{
    uint32_t failed = 0;

    (void)state;
    (void)snprintf(bi.loader_name, sizeof(bi.loader_name), "GRUB 2.06-13");
    add_text(WEB "vcpus = 0\n", "");               /* module2 /boot/web.cfg: no name */
    add_kernel("");                                 /* no name either: not checked */
    add_text("name='n'\nkernel='whatever.elf'\nmemory=2\n", "n.cfg");  /* its arguments name it */
    add_kernel("");
    assert_int_equal(dom_boot_start(&bi, &opts, &failed), 1);
    assert_int_equal(failed, 1);
    expect_output("module 0:7: error: vcpus: a domain needs at least 1 vCPU");
    assert_string_equal(dom_boot_domain(2)->label, "n.cfg");
    assert_non_null(domain_find(2));
}

static void test_bad_kernel_image(void **state)
{
    uint32_t failed = 0;

    (void)state;
    add_text(WEB, "web.cfg");
    add_text("not an elf\0", "web.elf");
    assert_int_equal(dom_boot_start(&bi, &opts, &failed), 0);
    assert_int_equal(failed, 1);
    expect_output("domain 1 (web): cannot build the domain: ");
    assert_null(domain_find(1));
}

/* ---- tests: endings and restarts ----------------------------------------------------- */

static void set_end(domid_t id, enum domain_state st, uint32_t reason)
{
    struct domain *d = domain_find(id);

    d->guest.state = st;
    d->guest.shutdown_reason = reason;
}

static void test_wants_restart(void **state)
{
    uint32_t failed;
    struct domain *d;

    (void)state;
    add_kernel("dom0.elf");
    add_text(WEB "on_poweroff='rename-restart'\non_reboot='destroy'\non_watchdog='coredump-restart'\n"
             "on_crash='preserve'\n", "web.cfg");
    add_kernel("web.elf");
    assert_int_equal(dom_boot_start(&bi, &opts, &failed), 2);
    d = domain_find(1);
    assert_false(dom_boot_wants_restart(d));                  /* still running */
    set_end(1, DOMAIN_SHUTDOWN, SHUTDOWN_poweroff);
    assert_true(dom_boot_wants_restart(d));
    set_end(1, DOMAIN_SHUTDOWN, SHUTDOWN_reboot);
    assert_false(dom_boot_wants_restart(d));
    set_end(1, DOMAIN_SHUTDOWN, SHUTDOWN_watchdog);
    assert_true(dom_boot_wants_restart(d));
    set_end(1, DOMAIN_SHUTDOWN, SHUTDOWN_suspend);
    assert_false(dom_boot_wants_restart(d));
    set_end(1, DOMAIN_CRASHED, SHUTDOWN_crash);
    assert_false(dom_boot_wants_restart(d));                  /* preserve acts as destroy */
    set_end(0, DOMAIN_SHUTDOWN, SHUTDOWN_reboot);
    assert_false(dom_boot_wants_restart(domain_find(0)));    /* the host's reboot */
    expect_output("web.cfg:10: warning: on_crash: acts as destroy here");
}

static void test_restart(void **state)
{
    uint32_t failed;
    mfn_t free_before;

    (void)state;
    add_kernel("dom0.elf");
    add_text(WEB "on_reboot='restart'\n", "web.cfg");
    add_kernel("web.elf");
    (void)dom_boot_plan(&bi);
    assert_int_equal(dom_boot_restart(1), -XEN_EINVAL);       /* nothing started yet */
    assert_int_equal(dom_boot_start(&bi, &opts, &failed), 2);
    assert_true(dom_boot_wants_restart(domain_find(1)) == false);
    set_end(1, DOMAIN_SHUTDOWN, SHUTDOWN_reboot);
    assert_true(dom_boot_wants_restart(domain_find(1)));
    free_before = frame_free_count();
    end_domain(1);
    sim_serial_clear();
    assert_int_equal(dom_boot_restart(1), 0);
    assert_int_equal(dom_boot_domain(1)->restarts, 1);
    assert_non_null(domain_find(1));
    assert_int_equal(domain_find(1)->guest.state, DOMAIN_RUNNING);
    assert_int_equal(domain_find(1)->guest.start_flags, 0);
    assert_true(guest_holds(1, "root=/dev/xvda console=hvc0"));
    assert_int_equal(frame_free_count(), free_before);        /* the same memory again */
    expect_output("domain 1 (web): restarting (restart 1)");
    /* Quiet: the description's warnings were printed at boot already. */
    assert_null(strstr(sim_serial_output(), "warning"));
    assert_int_equal(dom_boot_restart(0), -XEN_EINVAL);       /* domain 0: the host reboots */
    assert_int_equal(dom_boot_restart(5), -XEN_EINVAL);
    assert_int_equal(dom_boot_restart(DOMAIN_MAX), -XEN_EINVAL);
    /* Still running: creating it again fails, and says so. */
    assert_int_equal(dom_boot_restart(1), -XEN_EEXIST);
    expect_output("domain 1 (web): restart failed");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_and_caps),
        cmocka_unit_test(test_amounts),
        cmocka_unit_test(test_min_max),
        cmocka_unit_test(test_module_args),
        cmocka_unit_test_setup(test_plan_roles, sim_setup),
        cmocka_unit_test_setup(test_plan_without_initial_domain, sim_setup),
        cmocka_unit_test_setup(test_plan_dom0_without_initrd_and_unused, sim_setup),
        cmocka_unit_test_setup(test_plan_too_many, sim_setup),
        cmocka_unit_test_setup(test_start_dom0_and_domu, sim_setup),
        cmocka_unit_test_setup(test_domu_only_module_args, sim_setup),
        cmocka_unit_test_setup(test_ramdisk, sim_setup),
        cmocka_unit_test_setup(test_refusals, sim_setup),
        cmocka_unit_test_setup(test_ramdisk_name_mismatch_and_duplicate, sim_setup),
        cmocka_unit_test_setup(test_grub2_names, sim_setup),
        cmocka_unit_test_setup(test_bad_kernel_image, sim_setup),
        cmocka_unit_test_setup(test_wants_restart, sim_setup),
        cmocka_unit_test_setup(test_restart, sim_setup),
    };
    return cmocka_run_group_tests_name("dom_boot", tests, NULL, NULL);
}
