// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hypercall conformance: each sub-operation a PVH guest relies on, its
 * results, and its error paths, with Xen's error numbers.  Every hypercall
 * that takes a pointer is also handed bad ones, each of which must give
 * -EFAULT (never a crash, a hang or a partial write reported as success):
 *   NULL (page 0 is unmapped), a non-canonical address, an unmapped page of
 *   the guest's own page tables, a guest-physical address beyond RAM (the
 *   identity map makes it a linear address too), and an object that starts
 *   on a mapped page and runs into the unmapped one.
 */
#include "guest.h"
#include "xen/errno.h"

#define BAD_SUBOP 99U
#define BAD_PARAM 1000U
#define NONCANONICAL 0x8000000000000000ULL
#define FOUR_GIB 0x100000000ULL
#define TWO_MIB 0x200000ULL
#define MMIO_FLOOR 0xe0000000ULL      /* keep clear of the LAPIC/IOAPIC window */

/* [0] mapped, [1] unmapped (the hole), [2] mapped, [3]-[4] a mapped pair. */
static uint8_t area[5][GUEST_PAGE_SIZE] GUEST_PAGE_ALIGNED;
static uint8_t shinfo_page[GUEST_PAGE_SIZE] GUEST_PAGE_ALIGNED;
static uint8_t vcpu_info_page[GUEST_PAGE_SIZE] GUEST_PAGE_ALIGNED;
static uint64_t hole;
static uint64_t beyond_ram;            /* 0: none found */
static struct gx_e820_entry e820[GUEST_MAX_MEMMAP];
static uint32_t nr_e820;

/* ---- bad pointers --------------------------------------------------------- */

struct bad_ptr {
    const char *name;
    uint64_t addr;
};

/* The bad pointers for an object of `size` bytes. */
static unsigned int bad_ptrs(struct bad_ptr *b, size_t size)
{
    unsigned int n = 0;

    b[n++] = (struct bad_ptr){ "NULL", 0 };
    b[n++] = (struct bad_ptr){ "non-canonical", NONCANONICAL };
    b[n++] = (struct bad_ptr){ "unmapped page", hole + 64 };
    if (beyond_ram != 0)
        b[n++] = (struct bad_ptr){ "gpa beyond RAM", beyond_ram };
    if (size >= 2)
        b[n++] = (struct bad_ptr){ "crossing into the hole", hole - size / 2 };
    return n;
}

static void check_bad_ptrs(const char *what, size_t size, long (*call)(uint64_t addr))
{
    struct bad_ptr b[5];
    unsigned int n = bad_ptrs(b, size);

    for (unsigned int i = 0; i < n; i++)
        check_rc(call(b[i].addr), -XEN_EFAULT, "%s, %s 0x%lx", what, b[i].name, b[i].addr);
}

/* Above every memory-map entry and below the MMIO window, 2 MiB aligned. */
static uint64_t find_beyond_ram(void)
{
    uint64_t top = 0;

    for (uint32_t i = 0; i < guest_env.nr_memmap; i++) {
        const struct hvm_memmap_table_entry *e = &guest_env.memmap[i];
        if (e->addr < MMIO_FLOOR && e->addr + e->size > top)
            top = e->addr + e->size;
    }
    for (uint32_t i = 0; i < nr_e820; i++) {
        if (e820[i].addr < MMIO_FLOOR && e820[i].addr + e820[i].size > top)
            top = e820[i].addr + e820[i].size;
    }
    top = ((top + TWO_MIB - 1) & ~(TWO_MIB - 1)) + 8 * TWO_MIB;
    return top != 0 && top < MMIO_FLOOR ? top : 0;
}

/* ---- xen_version ---------------------------------------------------------- */

static long xv_extraversion(uint64_t p) { return hypercall2(HYPERVISOR_xen_version, XENVER_extraversion, p); }
static long xv_get_features(uint64_t p) { return hypercall2(HYPERVISOR_xen_version, XENVER_get_features, p); }
static long xv_compile_info(uint64_t p) { return hypercall2(HYPERVISOR_xen_version, XENVER_compile_info, p); }

static void test_xen_version(void)
{
    static char buf[XEN_CAPABILITIES_LEN];
    struct gx_feature_info fi = { 0, 0 };
    uint64_t params = 0;

    guest_printf("xen_version\n");
    long ver = hypercall2(HYPERVISOR_xen_version, XENVER_version, 0);
    uint32_t cpuid_ver = cpuid_count(guest_env.xen_base + 1U, 0).a;
    check(ver > 0 && ver == (long)cpuid_ver, "version 0x%lx (%ld.%ld), CPUID says 0x%x", ver,
          ver >> 16, ver & 0xffff, cpuid_ver);
    memset(buf, 0x7f, sizeof(buf));
    check_rc(xv_extraversion((uint64_t)(uintptr_t)buf), 0, "extraversion");
    check(strnlen(buf, XEN_EXTRAVERSION_LEN) < XEN_EXTRAVERSION_LEN && buf[XEN_EXTRAVERSION_LEN] == 0x7f,
          "extraversion \"%s\" is terminated and writes 16 bytes only", buf);
    /* Results that a message shows are fetched first: arguments have no order. */
    long rc = xv_compile_info((uint64_t)(uintptr_t)buf);
    check_rc(rc, 0, "compile_info (compiler \"%s\")", buf);
    rc = hypercall2(HYPERVISOR_xen_version, XENVER_capabilities, buf);
    check_rc(rc, 0, "capabilities \"%s\"", buf);
    rc = hypercall2(HYPERVISOR_xen_version, XENVER_changeset, buf);
    check_rc(rc, 0, "changeset \"%s\"", buf);
    rc = hypercall2(HYPERVISOR_xen_version, XENVER_platform_parameters, &params);
    check_rc(rc, 0, "platform_parameters (virt_start 0x%lx)", params);
    rc = xv_get_features((uint64_t)(uintptr_t)&fi);
    check_rc(rc, 0, "get_features(0) submap 0x%x", fi.submap);
    check((fi.submap & (1U << XENFEAT_hvm_callback_vector)) != 0, "feature 8 hvm_callback_vector");
    check((fi.submap & (1U << XENFEAT_hvm_safe_pvclock)) != 0, "feature 9 hvm_safe_pvclock");
    fi.submap_idx = XENFEAT_NR_SUBMAPS;
    check_rc(xv_get_features((uint64_t)(uintptr_t)&fi), -XEN_EINVAL, "get_features(%u)",
             XENFEAT_NR_SUBMAPS);
    check_rc(hypercall2(HYPERVISOR_xen_version, XENVER_pagesize, 0), 4096, "pagesize");
    check_rc(hypercall2(HYPERVISOR_xen_version, XENVER_guest_handle, buf), 0, "guest_handle");
    check_rc(hypercall2(HYPERVISOR_xen_version, XENVER_commandline, buf), 0, "commandline");
    check_rc(hypercall2(HYPERVISOR_xen_version, BAD_SUBOP, buf), -XEN_ENOSYS, "unknown sub-op %u",
             BAD_SUBOP);
    check_bad_ptrs("extraversion", XEN_EXTRAVERSION_LEN, xv_extraversion);
    check_bad_ptrs("get_features", sizeof(fi), xv_get_features);
    check_bad_ptrs("compile_info", sizeof(struct gx_compile_info), xv_compile_info);
    /* A destination the guest mapped read-only is not writable for Xen either. */
    uint64_t ro = (uint64_t)(uintptr_t)area[2];
    pt_map_4k(ro, ro, PTE_P | PTE_U);
    check_rc(xv_extraversion(ro), -XEN_EFAULT, "extraversion into a read-only page");
    pt_map_4k(ro, ro, PTE_P | PTE_W | PTE_U);
}

/* ---- console_io ----------------------------------------------------------- */

static long con_write16(uint64_t p) { return hypercall3(HYPERVISOR_console_io, CONSOLEIO_write, 16, p); }

static void test_console_io(void)
{
    static const char msg[] = "  (console_io across a page boundary)\n";
    char *cross = (char *)area[4] - 16;

    guest_printf("console_io\n");
    memcpy(cross, msg, sizeof(msg) - 1);
    check_rc(hypercall3(HYPERVISOR_console_io, CONSOLEIO_write, sizeof(msg) - 1, cross), 0,
             "write of %lu bytes across a page boundary", sizeof(msg) - 1);
    check_rc(hypercall3(HYPERVISOR_console_io, CONSOLEIO_write, 0, msg), 0, "write of 0 bytes");
    check_bad_ptrs("write 16 bytes", 16, con_write16);
    /* The first chunk already reaches the hole: nothing is printed. */
    check_rc(hypercall3(HYPERVISOR_console_io, CONSOLEIO_write, 0xffffffffU, hole - 64),
             -XEN_EFAULT, "write of 0xffffffff bytes running into the hole");
    check_rc(hypercall3(HYPERVISOR_console_io, BAD_SUBOP, 1, msg), -XEN_ENOSYS, "unknown sub-op %u",
             BAD_SUBOP);
}

/* ---- sched_op ------------------------------------------------------------- */

static void test_sched_op(void)
{
    guest_printf("sched_op\n");
    check_rc(hypercall2(HYPERVISOR_sched_op, SCHEDOP_yield, 0), 0, "yield");
    check_rc(hypercall2(HYPERVISOR_sched_op, BAD_SUBOP, 0), -XEN_ENOSYS, "unknown sub-op %u",
             BAD_SUBOP);
    check_rc(hypercall2(HYPERVISOR_sched_op, SCHEDOP_shutdown, 0), -XEN_EFAULT,
             "shutdown with a NULL argument");
}

/* ---- memory_op ------------------------------------------------------------ */

static long mem_current(uint64_t p) { return hypercall2(HYPERVISOR_memory_op, XENMEM_current_reservation, p); }
static long mem_map(uint64_t p) { return hypercall2(HYPERVISOR_memory_op, XENMEM_memory_map, p); }
static long mem_atp(uint64_t p) { return hypercall2(HYPERVISOR_memory_op, XENMEM_add_to_physmap, p); }

static long mem_map_into(uint64_t buf)
{
    struct gx_memory_map m = { .nr_entries = GUEST_MAX_MEMMAP, .buffer = buf };

    return mem_map((uint64_t)(uintptr_t)&m);
}

static void compare_memmaps(void)
{
    if (guest_env.start_info.version < 1 || guest_env.nr_memmap == 0) {
        note("start_info has no memory map to compare with");
        return;
    }
    bool same = nr_e820 == guest_env.nr_memmap;
    for (uint32_t i = 0; same && i < nr_e820; i++) {
        const struct hvm_memmap_table_entry *s = &guest_env.memmap[i];
        same = e820[i].addr == s->addr && e820[i].size == s->size && e820[i].type == s->type;
    }
    check(same, "memory_map matches start_info's memory map (%u and %u entries)", nr_e820,
          guest_env.nr_memmap);
}

static void test_memory_map(void)
{
    struct gx_memory_map m = { .nr_entries = GUEST_MAX_MEMMAP, .buffer = (uint64_t)(uintptr_t)e820 };
    uint64_t ram = 0;

    long rc = mem_map((uint64_t)(uintptr_t)&m);
    check_rc(rc, 0, "memory_map: %u entries", m.nr_entries);
    nr_e820 = m.nr_entries <= GUEST_MAX_MEMMAP ? m.nr_entries : 0;
    for (uint32_t i = 0; i < nr_e820; i++) {
        note("  e820 0x%012lx-0x%012lx type %u", e820[i].addr, e820[i].addr + e820[i].size,
             e820[i].type);
        if (e820[i].type == GX_E820_RAM)
            ram += e820[i].size;
    }
    check(ram > 0, "memory_map has %lu KiB of RAM", ram / 1024);
    compare_memmaps();
    struct gx_e820_entry one[2];
    memset(one, 0xab, sizeof(one));
    m.nr_entries = 1;
    m.buffer = (uint64_t)(uintptr_t)one;
    check(mem_map((uint64_t)(uintptr_t)&m) == 0 && m.nr_entries == 1 &&
              memcmp(&one[0], &e820[0], sizeof(one[0])) == 0 && one[1].type == 0xababababU,
          "memory_map with room for 1 entry returns exactly the first");
}

static void test_memory_op(void)
{
    uint16_t self = (uint16_t)GX_DOMID_SELF;
    uint16_t nobody = (uint16_t)(GX_DOMID_SELF - 1U);

    guest_printf("memory_op\n");
    test_memory_map();
    beyond_ram = find_beyond_ram();
    if (beyond_ram == 0)
        note("no guest-physical address beyond RAM below 0x%llx: those checks are left out",
             MMIO_FLOOR);
    else
        note("beyond-RAM probe address 0x%lx", beyond_ram);
    check_bad_ptrs("memory_map argument", sizeof(struct gx_memory_map), mem_map);
    /* The copy is nr_entries entries long: only that many bytes can cross the hole. */
    check_bad_ptrs("memory_map buffer", (nr_e820 != 0 ? nr_e820 : 1) * sizeof(struct gx_e820_entry),
                   mem_map_into);

    long cur = mem_current((uint64_t)(uintptr_t)&self);
    check(cur > 0, "current_reservation(DOMID_SELF) = %ld pages", cur);
    long max = hypercall2(HYPERVISOR_memory_op, XENMEM_maximum_reservation, &self);
    check(max >= cur, "maximum_reservation(DOMID_SELF) = %ld pages >= current", max);
    long gpfn = hypercall2(HYPERVISOR_memory_op, XENMEM_maximum_gpfn, &self);
    check(gpfn > 0 && gpfn >= cur - 1, "maximum_gpfn(DOMID_SELF) = 0x%lx", gpfn);
    check_rc(mem_current((uint64_t)(uintptr_t)&nobody), -XEN_ESRCH,
             "current_reservation(domain 0x%x, none)", nobody);
    check_bad_ptrs("current_reservation", sizeof(self), mem_current);

    struct gx_add_to_physmap atp = { .domid = (uint16_t)GX_DOMID_SELF, .size = 0,
                                     .space = XENMAPSPACE_shared_info, .idx = 0,
                                     .gpfn = (uint64_t)(uintptr_t)shinfo_page / GUEST_PAGE_SIZE };
    check_bad_ptrs("add_to_physmap", sizeof(atp), mem_atp);
    check_rc(mem_atp((uint64_t)(uintptr_t)&atp), 0, "add_to_physmap(shared_info) at gfn 0x%lx",
             atp.gpfn);
    const volatile struct shared_info *si = (const volatile struct shared_info *)shinfo_page;
    check(si->vcpu_info[0].time.tsc_to_system_mul != 0 && (si->vcpu_info[0].time.version & 1U) == 0,
          "shared_info vcpu_info[0].time: mul 0x%x shift %d version %u",
          si->vcpu_info[0].time.tsc_to_system_mul, si->vcpu_info[0].time.tsc_shift,
          si->vcpu_info[0].time.version);
    check_rc(hypercall2(HYPERVISOR_memory_op, BAD_SUBOP, 0), -XEN_ENOSYS, "unknown sub-op %u",
             BAD_SUBOP);
}

/* ---- hvm_op --------------------------------------------------------------- */

static long hvm_get(uint64_t p) { return hypercall2(HYPERVISOR_hvm_op, HVMOP_get_param, p); }
static long hvm_set(uint64_t p) { return hypercall2(HYPERVISOR_hvm_op, HVMOP_set_param, p); }

/* Events may arrive once a callback is set; interrupts stay off, and this absorbs any. */
static void ignore_upcall(struct exc_frame *f)
{
    (void)f;
    ((volatile struct shared_info *)shinfo_page)->vcpu_info[0].evtchn_upcall_pending = 0;
    ((volatile struct vcpu_info *)(vcpu_info_page + 128))->evtchn_upcall_pending = 0;
}

static void test_hvm_op(void)
{
    uint64_t via = GX_CALLBACK_VIA_VECTOR(GUEST_VEC_CALLBACK);
    struct gx_hvm_param p = { .domid = (uint16_t)GX_DOMID_SELF, .index = HVM_PARAM_CALLBACK_IRQ,
                              .value = via };

    guest_printf("hvm_op\n");
    trap_set_handler(GUEST_VEC_CALLBACK, ignore_upcall);
    check_rc(hvm_set((uint64_t)(uintptr_t)&p), 0, "set_param(CALLBACK_IRQ, vector 0x%x)",
             GUEST_VEC_CALLBACK);
    p.value = 0;
    long rc = hvm_get((uint64_t)(uintptr_t)&p);
    check(rc == 0 && p.value == via, "get_param(CALLBACK_IRQ) = 0x%lx: rc %ld", p.value, rc);
    p.value = 0;
    check_rc(hvm_set((uint64_t)(uintptr_t)&p), 0, "set_param(CALLBACK_IRQ, none)");
    p.index = BAD_PARAM;
    check_rc(hvm_get((uint64_t)(uintptr_t)&p), -XEN_EINVAL, "get_param(%u)", BAD_PARAM);
    check_rc(hvm_set((uint64_t)(uintptr_t)&p), -XEN_EINVAL, "set_param(%u)", BAD_PARAM);
    check_bad_ptrs("get_param", sizeof(p), hvm_get);
    check_rc(hypercall2(HYPERVISOR_hvm_op, BAD_SUBOP, 0), -XEN_ENOSYS, "unknown sub-op %u",
             BAD_SUBOP);
}

/* ---- vcpu_op -------------------------------------------------------------- */

static long vcpu_reg_info(uint64_t p) { return hypercall3(HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, 0, p); }
static long vcpu_singleshot(uint64_t p) { return hypercall3(HYPERVISOR_vcpu_op, VCPUOP_set_singleshot_timer, 0, p); }

static void test_vcpu_info(void)
{
    uint64_t gfn = (uint64_t)(uintptr_t)vcpu_info_page / GUEST_PAGE_SIZE;
    struct gx_register_vcpu_info r = { .mfn = gfn, .offset = GUEST_PAGE_SIZE - 8, .rsvd = 0 };

    /* Xen has answered both over the years. */
    check_rc2(vcpu_reg_info((uint64_t)(uintptr_t)&r), -XEN_EINVAL, -XEN_ENXIO,
              "register_vcpu_info, offset 0x%x runs off the page", r.offset);
    if (beyond_ram != 0) {
        r.mfn = beyond_ram / GUEST_PAGE_SIZE;
        r.offset = 0;
        check_rc(vcpu_reg_info((uint64_t)(uintptr_t)&r), -XEN_EINVAL,
                 "register_vcpu_info, gfn 0x%lx beyond RAM", r.mfn);
    }
    check_bad_ptrs("register_vcpu_info", sizeof(r), vcpu_reg_info);
    r.mfn = gfn;
    r.offset = 128;
    check_rc(vcpu_reg_info((uint64_t)(uintptr_t)&r), 0, "register_vcpu_info at gfn 0x%lx + 128", gfn);
    const volatile struct vcpu_info *vi = (const volatile struct vcpu_info *)(vcpu_info_page + 128);
    check(vi->time.tsc_to_system_mul != 0, "registered vcpu_info has pvclock (mul 0x%x)",
          vi->time.tsc_to_system_mul);
}

static void test_vcpu_op(void)
{
    guest_printf("vcpu_op\n");
    test_vcpu_info();
    check_rc(hypercall3(HYPERVISOR_vcpu_op, VCPUOP_is_up, 0, 0), 1, "is_up(0)");
    check_rc(hypercall3(HYPERVISOR_vcpu_op, VCPUOP_is_up, 99, 0), -XEN_ENOENT, "is_up(99)");
    check_rc(hypercall3(HYPERVISOR_vcpu_op, VCPUOP_stop_periodic_timer, 0, 0), 0,
             "stop_periodic_timer(0)");
    /* Once registered, only the new vcpu_info's pvclock is kept up to date. */
    const volatile struct vcpu_time_info *t =
        &((const volatile struct vcpu_info *)(vcpu_info_page + 128))->time;
    struct gx_singleshot_timer st = { .timeout_abs_ns = pvclock_read_ns(t) + 1000000000ULL,
                                      .flags = 0 };
    check_rc(vcpu_singleshot((uint64_t)(uintptr_t)&st), 0, "set_singleshot_timer(0, now + 1 s)");
    check_rc(hypercall3(HYPERVISOR_vcpu_op, VCPUOP_stop_singleshot_timer, 0, 0), 0,
             "stop_singleshot_timer(0)");
    check_bad_ptrs("set_singleshot_timer", sizeof(st), vcpu_singleshot);
    check_rc(hypercall3(HYPERVISOR_vcpu_op, BAD_SUBOP, 0, 0), -XEN_ENOSYS, "unknown sub-op %u",
             BAD_SUBOP);
}

/* ---- hypercall numbers and privilege ------------------------------------ */

static void user_xen_version(uint64_t nr)
{
    user_exit((uint64_t)hypercall_insn(guest_env.hc_mode, (unsigned int)nr, XENVER_version, 0, 0));
}

static void test_numbers_and_cpl(void)
{
    static const unsigned int bad_nrs[] = { HYPERVISOR_set_trap_table, 99, 127, 128, 0x10000 };

    guest_printf("hypercall numbers and privilege\n");
    for (unsigned int i = 0; i < GUEST_ARRAY_SIZE(bad_nrs); i++)
        check_rc(hypercall3(bad_nrs[i], 0, 0, 0), -XEN_ENOSYS, "hypercall %u (none for PVH)",
                 bad_nrs[i]);
    long rc = (long)run_user(user_xen_version, HYPERVISOR_xen_version);
    check_rc(rc, -XEN_EPERM, "xen_version from CPL3");
    rc = (long)run_user(user_xen_version, HYPERVISOR_console_io);
    check_rc(rc, -XEN_EPERM, "console_io from CPL3");
    check(hypercall2(HYPERVISOR_xen_version, XENVER_version, 0) > 0, "xen_version from CPL0 again");
}

static void hypercalls_run(void)
{
    irq_disable();
    hole = (uint64_t)(uintptr_t)area[1];
    pt_unmap_4k(hole);
    /* The bad-pointer lists need beyond_ram: memory_op finds it first. */
    test_memory_op();
    test_xen_version();
    test_console_io();
    test_sched_op();
    test_hvm_op();
    test_vcpu_op();
    test_numbers_and_cpl();
}

const struct guest_test guest_test = {
    .name = "hypercalls",
    .flags = GUEST_NEEDS_XEN,
    .run = hypercalls_run,
};
