// SPDX-License-Identifier: GPL-2.0-only
/*
 * A hostile unprivileged domain.  Started next to other domains (a Linux
 * domU, a test guest), it first blocks on its one-shot timer for delay_ms=
 * (command line; default 2000) so that it strikes while the others are in
 * the middle of their start, then attacks the hypervisor and the other
 * domains through every interface a guest reaches: event channels, grant
 * tables, memory_op, sched_op, hvm_op, console_io, vcpu_op, the hypercall
 * page MSR, hypercall arguments in the hypervisor's half of the address
 * space, non-canonical or at guest-physical memory it does not have, and
 * loads, stores and ALU instructions (read-modify-write, compare, test,
 * bit operations, XADD, CMPXCHG) on guest-physical addresses beyond its
 * RAM, and (hog_ms=) the CPU itself, held with interrupts off.
 *
 * Every attack must get Xen's answer: its error number or GNTST_ status, or,
 * where Xen's answer is "nothing done", a harmless one.  One line per attack.
 * Then a summary, "Test result: expect crash" (or FAILURE) and a triple
 * fault: the run must show a crash confined to this domain while the others
 * carry on.
 *
 * The domains attacked: 0 and 1, and every other domain found, never itself
 * (its id is CPUID leaf base+4 ECX).  XENMEM_current_reservation of another
 * domain tells whether it exists (-EPERM) or not (-ESRCH), as in Xen; the
 * answer expected from every other attack on that domain follows from it.
 * It refuses to run as a privileged domain: there its attacks would work.
 */
#include "guest.h"
#include "xen/errno.h"
#include "xen/event_channel.h"
#include "xen/grant_table.h"

#define DEFAULT_DELAY_MS 2000U
#define MAX_DELAY_MS 600000U
#define SCAN_DOMAINS 8U                /* domain ids 0 .. 7 are looked at */
#define MAX_TARGETS SCAN_DOMAINS
#define FIRST_BUCKET 64U               /* ports every Xen domain has from the start */
#define EV_PORTS 4096U                 /* 2-level ABI: ports 0 .. 4095 */
#define GNT_REFS 16U                   /* refs 0 .. 15 of each domain, and two far beyond */
#define GNT_FIRST_FRAME_REFS 512U      /* Xen gives each domain one grant frame at creation */
#define NO_SUCH_DOMID 0x7fefU          /* below DOMID_FIRST_RESERVED, never created */
#define MMIO_FLOOR 0xe0000000ULL
#define TWO_MIB 0x200000ULL
#define ALL_ONES (~0ULL)
#define PFEC_RSVD (1U << 3)
#define MSR_HYPERCALL_PAGE XEN_MSR_HYPERCALL_PAGE

struct target {
    domid_t id;
    bool present;
};

static domid_t self_id;
static struct target targets[MAX_TARGETS];
static unsigned int nr_targets;

/* [0] mapped, [1] the hole (unmapped), [2] the window for guest-physical probes. */
static uint8_t area[3][GUEST_PAGE_SIZE] GUEST_PAGE_ALIGNED;
static uint8_t scratch[GUEST_PAGE_SIZE] GUEST_PAGE_ALIGNED;     /* where a grant would land */
static uint64_t hole, window, beyond_ram;

/* ---- reporting ---------------------------------------------------------------------- */

static const char *err_name(long rc)
{
    switch (rc) {
    case 0: return "0";
    case -XEN_EPERM: return "-EPERM";
    case -XEN_ENOENT: return "-ENOENT";
    case -XEN_ESRCH: return "-ESRCH";
    case -XEN_EFAULT: return "-EFAULT";
    case -XEN_EBUSY: return "-EBUSY";
    case -XEN_EEXIST: return "-EEXIST";
    case -XEN_EINVAL: return "-EINVAL";
    case -XEN_ENOSPC: return "-ENOSPC";
    case -XEN_ENOSYS: return "-ENOSYS";
    default: return "?";
    }
}

/* A hypercall's own error, told apart from the GNTST_ status a record carries. */
#define RC_MARK 1000L

static long gnt_status(long rc, int16_t status)
{
    return rc != 0 ? rc - RC_MARK : status;
}

static const char *gnt_name(long st)
{
    static char rc_text[32];
    static const char *const names[] = {
        "GNTST_okay", "GNTST_general_error", "GNTST_bad_domain", "GNTST_bad_gntref",
        "GNTST_bad_handle", "GNTST_bad_virt_addr", "GNTST_bad_dev_addr", "GNTST_no_device_space",
        "GNTST_permission_denied", "GNTST_bad_page", "GNTST_bad_copy_arg",
    };

    if (st < -RC_MARK / 2) {
        guest_snprintf(rc_text, sizeof(rc_text), "hypercall rc %ld", st + RC_MARK);
        return rc_text;
    }
    return st <= 0 && -st < (long)GUEST_ARRAY_SIZE(names) ? names[-st] : "GNTST_?";
}

/* One attack, one line: "what: <answer>" or "what: <answer>, Xen says <want>". */
static bool expect_as(const char *(*name)(long), long got, long want, const char *fmt, ...)
    GUEST_PRINTF(4, 5);
static bool expect_as(const char *(*name)(long), long got, long want, const char *fmt, ...)
{
    char what[150];
    va_list ap;

    va_start(ap, fmt);
    guest_vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    if (got == want)
        return check(true, "%s: %s", what, name(got));
    return check(false, "%s: rc %ld %s, Xen says %s", what, got, name(got), name(want));
}
#define expect(got, want, ...) expect_as(err_name, (got), (want), __VA_ARGS__)
#define expect_gnt(got, want, ...) expect_as(gnt_name, (got), (want), __VA_ARGS__)

/* The same attack over many inputs: counted, the first wrong answer kept. */
struct tally {
    unsigned int tries, wrong;
    uint64_t input;
    long got, want;
};

static void tally(struct tally *t, uint64_t input, long got, long want)
{
    t->tries++;
    if (got != want && t->wrong++ == 0) {
        t->input = input;
        t->got = got;
        t->want = want;
    }
}

static bool tally_check(const struct tally *t, const char *(*name)(long), const char *what,
                        const char *answer)
{
    if (t->wrong == 0)
        return check(true, "%s: %s each (%u tries)", what, answer, t->tries);
    return check(false, "%s: %u of %u wrong, first at 0x%lx: rc %ld %s, Xen says %s", what,
                 t->wrong, t->tries, t->input, t->got, name(t->got), name(t->want));
}

/* What Xen answers an attack on t: `if_there` when t exists, else no such domain. */
static long want_dom(const struct target *t, long if_there)
{
    return t->present ? if_there : -XEN_ESRCH;
}

static long want_gnt_dom(const struct target *t, long if_there)
{
    return t->present ? if_there : GNTST_bad_domain;
}

static uint64_t va(const void *p)
{
    return (uint64_t)(uintptr_t)p;
}

/* ---- finding the other domains ------------------------------------------------------------ */

static long reservation(unsigned int op, domid_t id)
{
    domid_t d = id;

    return hypercall2(HYPERVISOR_memory_op, op, &d);
}

static void find_self(void)
{
    struct cpuid_regs r = { 0, 0, 0, 0 };

    if (guest_env.xen_max_leaf >= guest_env.xen_base + 4U)
        r = cpuid_count(guest_env.xen_base + 4U, 0);
    check((r.a & XEN_HVM_CPUID_DOMID_PRESENT) != 0, "CPUID base+4 names this domain: d%u", r.c);
    self_id = (domid_t)r.c;
}

static void add_target(domid_t id, bool present)
{
    if (id != self_id && nr_targets < MAX_TARGETS)
        targets[nr_targets++] = (struct target){ .id = id, .present = present };
}

/* Another domain's reservation is -EPERM (it exists) or -ESRCH (it does not). */
static void find_targets(void)
{
    for (unsigned int i = 0; i < SCAN_DOMAINS; i++) {
        domid_t id = (domid_t)i;
        long rc = reservation(XENMEM_current_reservation, id);

        if (id == self_id) {
            check(rc > 0, "current_reservation(d%u), this domain: %ld pages", i, rc);
            continue;
        }
        check(rc == -XEN_EPERM || rc == -XEN_ESRCH,
              "current_reservation(d%u) refused: %s (%s)", i, err_name(rc),
              rc == -XEN_EPERM ? "it exists" : "no such domain");
        if (rc == -XEN_EPERM || i <= 1)
            add_target(id, rc == -XEN_EPERM);
    }
    for (unsigned int i = 0; i < nr_targets; i++)
        note("target d%u: %s", targets[i].id, targets[i].present ? "present" : "absent");
}

/* ---- event channels ------------------------------------------------------------------------- */

static long evtchn(unsigned int op, void *arg)
{
    return hypercall2(HYPERVISOR_event_channel_op, op, arg);
}

static long ev_port_op(unsigned int op, uint32_t port)
{
    uint32_t p = port;    /* close, send and unmask take just the port */

    return evtchn(op, &p);
}

static long ev_status(domid_t dom, uint32_t port, struct evtchn_status *st)
{
    *st = (struct evtchn_status){ .dom = dom, .port = port };
    return evtchn(EVTCHNOP_status, st);
}

/* Ports of its own it never bound: send and close are -EINVAL, unmask harmless. */
static void ev_own_free_ports(void)
{
    struct tally send = { 0 }, close = { 0 }, unmask = { 0 };
    struct evtchn_status st;

    for (uint32_t p = 0; p < FIRST_BUCKET; p++) {
        if (ev_status(GX_DOMID_SELF, p, &st) != 0 || st.status != EVTCHNSTAT_closed)
            continue;          /* the hypervisor's own ports (console) are not ours to test */
        tally(&send, p, ev_port_op(EVTCHNOP_send, p), -XEN_EINVAL);
        tally(&close, p, ev_port_op(EVTCHNOP_close, p), -XEN_EINVAL);
        tally(&unmask, p, ev_port_op(EVTCHNOP_unmask, p), 0);
    }
    tally_check(&send, err_name, "send on its own unbound ports 0-63", "-EINVAL");
    tally_check(&close, err_name, "close of its own unbound ports 0-63", "-EINVAL");
    tally_check(&unmask, err_name, "unmask of its own unbound ports 0-63 (harmless)", "0");
}

/* Port numbers beyond the 2-level ABI's 4096. */
static void ev_bad_ports(void)
{
    static const uint32_t bad[] = { EV_PORTS, EV_PORTS + 1U, 0x7fffffffU, 0xffffffffU };
    struct tally t = { 0 };
    struct evtchn_status st;

    for (unsigned int i = 0; i < GUEST_ARRAY_SIZE(bad); i++) {
        tally(&t, bad[i], ev_port_op(EVTCHNOP_send, bad[i]), -XEN_EINVAL);
        tally(&t, bad[i], ev_port_op(EVTCHNOP_close, bad[i]), -XEN_EINVAL);
        tally(&t, bad[i], ev_port_op(EVTCHNOP_unmask, bad[i]), -XEN_EINVAL);
        tally(&t, bad[i], ev_status(GX_DOMID_SELF, bad[i], &st), -XEN_EINVAL);
    }
    tally_check(&t, err_name, "send/close/unmask/status of ports 4096 and beyond", "-EINVAL");
}

/* bind_interdomain to ports nobody offered this domain. */
static void ev_bind_interdomain(const struct target *t)
{
    static const uint32_t far[] = { EV_PORTS - 1U, EV_PORTS, 0xffffffffU };
    struct tally tl = { 0 };
    long want = want_dom(t, -XEN_EINVAL);

    for (uint32_t p = 0; p < FIRST_BUCKET + GUEST_ARRAY_SIZE(far); p++) {
        uint32_t port = p < FIRST_BUCKET ? p : far[p - FIRST_BUCKET];
        struct evtchn_bind_interdomain b = { .remote_dom = t->id, .remote_port = port };
        long rc = evtchn(EVTCHNOP_bind_interdomain, &b);

        tally(&tl, port, rc, want);
        if (rc == 0)
            (void)ev_port_op(EVTCHNOP_close, b.local_port);   /* a hole: do not keep it */
    }
    char what[100];
    guest_snprintf(what, sizeof(what), "bind_interdomain to d%u ports 0-63, 4095, 4096, ~0", t->id);
    tally_check(&tl, err_name, what, err_name(want));
}

static void ev_foreign(const struct target *t)
{
    struct evtchn_alloc_unbound a = { .dom = t->id, .remote_dom = (uint16_t)GX_DOMID_SELF };
    struct evtchn_reset r = { .dom = t->id };
    struct evtchn_status st;

    long rc = evtchn(EVTCHNOP_alloc_unbound, &a);
    expect(rc, want_dom(t, -XEN_EPERM), "alloc_unbound in d%u for this domain", t->id);
    a = (struct evtchn_alloc_unbound){ .dom = t->id, .remote_dom = t->id };
    rc = evtchn(EVTCHNOP_alloc_unbound, &a);
    expect(rc, want_dom(t, -XEN_EPERM), "alloc_unbound in d%u for d%u", t->id, t->id);
    expect(ev_status(t->id, 1, &st), want_dom(t, -XEN_EPERM), "status of d%u's port 1", t->id);
    expect(ev_status(t->id, 4096, &st), want_dom(t, -XEN_EINVAL), "status of d%u's port 4096", t->id);
    expect(evtchn(EVTCHNOP_reset, &r), want_dom(t, -XEN_EPERM), "reset of all d%u's ports", t->id);
    ev_bind_interdomain(t);
}

static long bind_virq(uint32_t virq, uint32_t vcpu, uint32_t *port)
{
    struct evtchn_bind_virq b = { .virq = virq, .vcpu = vcpu, .port = 0 };
    long rc = evtchn(EVTCHNOP_bind_virq, &b);

    *port = b.port;
    return rc;
}

/*
 * VIRQ_CONSOLE is global: its events go to the initial domain only.  Xen up
 * to 4.19 lets any domain bind it (a port that never fires); newer Xen
 * refuses a domain that is not the VIRQ's handler with -EBUSY.
 */
static void ev_virqs(void)
{
    uint32_t port = 0;
    long rc = bind_virq(VIRQ_CONSOLE, 0, &port);

    check_rc2(rc, 0, -XEN_EBUSY, "bind_virq(VIRQ_CONSOLE), dom0's console VIRQ (port %u)", port);
    if (rc == 0)
        expect(ev_port_op(EVTCHNOP_close, port), 0, "close of that port");
    rc = bind_virq(VIRQ_CONSOLE, 1, &port);
    check_rc2(rc, -XEN_EINVAL, -XEN_EBUSY, "bind_virq(VIRQ_CONSOLE) on vCPU 1 (global VIRQ)");
    expect(bind_virq(NR_VIRQS, 0, &port), -XEN_EINVAL, "bind_virq(%u), beyond the VIRQs", NR_VIRQS);
    expect(bind_virq(0xffffffffU, 0, &port), -XEN_EINVAL, "bind_virq(0xffffffff)");
    expect(bind_virq(VIRQ_TIMER, 1, &port), -XEN_ENOENT, "bind_virq(VIRQ_TIMER) on vCPU 1");
    expect(bind_virq(VIRQ_DEBUG, 0xffffffffU, &port), -XEN_ENOENT,
           "bind_virq(VIRQ_DEBUG) on vCPU 0xffffffff");
    struct evtchn_bind_ipi ipi = { .vcpu = 7, .port = 0 };
    expect(evtchn(EVTCHNOP_bind_ipi, &ipi), -XEN_ENOENT, "bind_ipi to vCPU 7");
    struct evtchn_bind_vcpu bv = { .port = EV_PORTS, .vcpu = 0 };
    expect(evtchn(EVTCHNOP_bind_vcpu, &bv), -XEN_EINVAL, "bind_vcpu of port 4096");
}

/* A port of its own that is closed (0 if none below 64). */
static uint32_t free_port(void)
{
    struct evtchn_status st;

    for (uint32_t p = 1; p < FIRST_BUCKET; p++)
        if (ev_status(GX_DOMID_SELF, p, &st) == 0 && st.status == EVTCHNSTAT_closed)
            return p;
    return 0;
}

static long poll_one(uint32_t port)
{
    static uint32_t ports[1];
    struct sched_poll p = { .ports = va(ports), .nr_ports = 1, .timeout = 1 };   /* long past */

    ports[0] = port;
    return hypercall2(HYPERVISOR_sched_op, SCHEDOP_poll, &p);
}

/* Only ports bound to something can be polled. */
static void ev_poll(void)
{
    static uint32_t ports[GUEST_PAGE_SIZE / sizeof(uint32_t)];
    struct sched_poll p = { .ports = va(ports), .nr_ports = 129, .timeout = 1 };
    uint32_t port = free_port();

    expect(hypercall2(HYPERVISOR_sched_op, SCHEDOP_poll, &p), -XEN_EINVAL, "poll on 129 ports");
    expect(poll_one(EV_PORTS), -XEN_EINVAL, "poll on port 4096");
    expect(poll_one(0), -XEN_EINVAL, "poll on port 0 (reserved)");
    if (port != 0)
        expect(poll_one(port), -XEN_EINVAL, "poll on port %u (free)", port);
}

/* ---- grant tables ---------------------------------------------------------------------------- */

static long gnttab(unsigned int cmd, void *uop, uint32_t count)
{
    return hypercall3(HYPERVISOR_grant_table_op, cmd, uop, count);
}

/* Refs 0-15 and two far beyond of t, none granted to this domain: one status each. */
static void gnt_map_foreign(const struct target *t)
{
    static struct gnttab_map_grant_ref m[GNT_REFS + 2];
    struct tally tl = { 0 };

    for (uint32_t i = 0; i < GNT_REFS + 2; i++)
        m[i] = (struct gnttab_map_grant_ref){ .host_addr = va(scratch), .flags = GNTMAP_host_map,
                                              .ref = i < GNT_REFS ? i : 0x7fffffffU + (i - GNT_REFS),
                                              .dom = t->id, .status = 1 };
    long rc = gnttab(GNTTABOP_map_grant_ref, m, GNT_REFS + 2);
    expect(rc, 0, "map_grant_ref of %u refs of d%u (one status each)", GNT_REFS + 2, t->id);
    for (uint32_t i = 0; i < GNT_REFS + 2; i++) {
        long want = m[i].ref < GNT_FIRST_FRAME_REFS ? GNTST_general_error : GNTST_bad_gntref;

        tally(&tl, m[i].ref, m[i].status, want_gnt_dom(t, want));
        if (m[i].status == GNTST_okay) {
            struct gnttab_unmap_grant_ref u = { .host_addr = va(scratch), .handle = m[i].handle };
            (void)gnttab(GNTTABOP_unmap_grant_ref, &u, 1);
        }
    }
    char what[100];
    guest_snprintf(what, sizeof(what), "map_grant_ref statuses for d%u's refs 0-15, 0x7fffffff, 0x80000000",
                   t->id);
    tally_check(&tl, gnt_name, what,
                t->present ? "GNTST_general_error / _bad_gntref" : "GNTST_bad_domain");
}

static long gnt_copy1(struct gnttab_copy *c)
{
    c->status = 1;
    long rc = gnttab(GNTTABOP_copy, c, 1);
    return gnt_status(rc, c->status);
}

/* Copies through t's refs (never granted) and straight from t's frames (never allowed). */
static void gnt_copy_foreign(const struct target *t)
{
    struct gnttab_copy c = {
        .source = { .u.ref = 0, .domid = t->id, .offset = 0 },
        .dest = { .u.gmfn = va(scratch) >> 12, .domid = (uint16_t)GX_DOMID_SELF, .offset = 0 },
        .len = 64, .flags = GNTCOPY_source_gref,
    };

    expect_gnt(gnt_copy1(&c), want_gnt_dom(t, GNTST_general_error), "copy from d%u's ref 0", t->id);
    c = (struct gnttab_copy){
        .source = { .u.gmfn = va(scratch) >> 12, .domid = (uint16_t)GX_DOMID_SELF, .offset = 0 },
        .dest = { .u.ref = 1, .domid = t->id, .offset = 0 }, .len = 64, .flags = GNTCOPY_dest_gref,
    };
    expect_gnt(gnt_copy1(&c), want_gnt_dom(t, GNTST_general_error), "copy into d%u's ref 1", t->id);
    c = (struct gnttab_copy){
        .source = { .u.gmfn = 0x100, .domid = t->id, .offset = 0 },
        .dest = { .u.gmfn = va(scratch) >> 12, .domid = (uint16_t)GX_DOMID_SELF, .offset = 0 },
        .len = 64, .flags = 0,
    };
    expect_gnt(gnt_copy1(&c), want_gnt_dom(t, GNTST_permission_denied), "copy from d%u's gfn 0x100",
               t->id);
    c = (struct gnttab_copy){
        .source = { .u.gmfn = va(scratch) >> 12, .domid = (uint16_t)GX_DOMID_SELF, .offset = 0 },
        .dest = { .u.gmfn = 0x100, .domid = t->id, .offset = 0 }, .len = 64, .flags = 0,
    };
    expect_gnt(gnt_copy1(&c), want_gnt_dom(t, GNTST_permission_denied), "copy into d%u's gfn 0x100",
               t->id);
}

static void gnt_tables_foreign(const struct target *t)
{
    static uint64_t frames[4];
    struct gnttab_setup_table s = { .dom = t->id, .nr_frames = 1, .status = 1,
                                    .frame_list = va(frames) };
    struct gnttab_query_size q = { .dom = t->id, .status = 1 };
    struct gnttab_get_version g = { .dom = t->id };

    long rc = gnttab(GNTTABOP_setup_table, &s, 1);
    expect_gnt(gnt_status(rc, s.status), want_gnt_dom(t, GNTST_permission_denied),
               "setup_table of d%u", t->id);
    rc = gnttab(GNTTABOP_query_size, &q, 1);
    expect_gnt(gnt_status(rc, q.status), want_gnt_dom(t, GNTST_permission_denied),
               "query_size of d%u", t->id);
    expect(gnttab(GNTTABOP_get_version, &g, 1), want_dom(t, -XEN_EPERM), "get_version of d%u", t->id);
}

/* Counts and sizes no one should ask for. */
static void gnt_absurd(void)
{
    static uint64_t frames[4];
    struct gnttab_setup_table s = { .dom = (uint16_t)GX_DOMID_SELF, .nr_frames = 0xffffffffU,
                                    .status = 1, .frame_list = va(frames) };
    struct gnttab_query_size q = { .dom = (uint16_t)GX_DOMID_SELF };
    static struct gnttab_map_grant_ref m[2];

    long rc = gnttab(GNTTABOP_setup_table, &s, 1);
    expect_gnt(gnt_status(rc, s.status), GNTST_general_error, "setup_table of 0xffffffff frames");
    expect(gnttab(GNTTABOP_setup_table, &s, 2), -XEN_EINVAL, "setup_table with count 2");
    expect(gnttab(GNTTABOP_map_grant_ref, m, 0x80000000U), -XEN_EINVAL,
           "map_grant_ref with count 0x80000000 (negative)");
    /* HVM guests may use 8 grant_table_op commands only (-ENOSYS for the rest): these bits make another. */
    expect(gnttab(GNTTABOP_query_size | (1U << GNTTABOP_CONTINUATION_ARG_SHIFT), &q, 1), -XEN_ENOSYS,
           "query_size with continuation bits in cmd");
    struct gnttab_cache_flush f = { .a.dev_bus_addr = 0x100000, .offset = 0, .length = 64,
                                    .op = GNTTAB_CACHE_CLEAN };
    expect(gnttab(GNTTABOP_cache_flush, &f, 1), -XEN_ENOSYS, "cache_flush of machine address 1 MiB");
    m[0] = (struct gnttab_map_grant_ref){ .host_addr = va(scratch), .flags = 0, .dom = 1 };
    m[1] = (struct gnttab_map_grant_ref){ .host_addr = va(scratch),
                                          .flags = GNTMAP_host_map | GNTMAP_device_map, .dom = 1 };
    rc = gnttab(GNTTABOP_map_grant_ref, m, 2);
    expect_gnt(gnt_status(rc, m[0].status), GNTST_bad_gntref, "map_grant_ref without host_map");
    expect_gnt(gnt_status(rc, m[1].status), GNTST_general_error, "map_grant_ref with device_map");
    m[0] = (struct gnttab_map_grant_ref){ .host_addr = va(scratch), .flags = GNTMAP_host_map,
                                          .dom = NO_SUCH_DOMID };
    rc = gnttab(GNTTABOP_map_grant_ref, m, 1);
    expect_gnt(gnt_status(rc, m[0].status), GNTST_bad_domain, "map_grant_ref of d0x%x (none)",
               NO_SUCH_DOMID);
    struct gnttab_copy c = {
        .source = { .u.gmfn = va(scratch) >> 12, .domid = (uint16_t)GX_DOMID_SELF, .offset = 4000 },
        .dest = { .u.gmfn = va(scratch) >> 12, .domid = (uint16_t)GX_DOMID_SELF, .offset = 0 },
        .len = 200, .flags = 0,
    };
    expect_gnt(gnt_copy1(&c), GNTST_bad_copy_arg, "copy of 200 bytes from offset 4000");
    struct gx_add_to_physmap x = { .domid = (uint16_t)GX_DOMID_SELF, .space = XENMAPSPACE_grant_table,
                                   .idx = 0x7fffffffU, .gpfn = va(scratch) >> 12 };
    expect(hypercall2(HYPERVISOR_memory_op, XENMEM_add_to_physmap, &x), -XEN_EINVAL,
           "add_to_physmap of grant frame 0x7fffffff");
    x.idx = XENMAPIDX_grant_table_status;
    expect(hypercall2(HYPERVISOR_memory_op, XENMEM_add_to_physmap, &x), -XEN_EINVAL,
           "add_to_physmap of a v2 status frame (v1 table)");
}

/* ---- memory_op, sched_op, hvm_op on another domain ---------------------------------------- */

static void mem_foreign(const struct target *t)
{
    static uint64_t extents[1] = { 0x100 };
    struct gx_add_to_physmap x = { .domid = t->id, .space = XENMAPSPACE_shared_info, .idx = 0,
                                   .gpfn = va(scratch) >> 12 };

    expect(reservation(XENMEM_maximum_reservation, t->id), want_dom(t, -XEN_EPERM),
           "maximum_reservation of d%u", t->id);
    expect(reservation(XENMEM_maximum_gpfn, t->id), want_dom(t, -XEN_EPERM), "maximum_gpfn of d%u",
           t->id);
    expect(hypercall2(HYPERVISOR_memory_op, XENMEM_add_to_physmap, &x), want_dom(t, -XEN_EPERM),
           "add_to_physmap of d%u's shared_info", t->id);
    x.space = XENMAPSPACE_grant_table;
    expect(hypercall2(HYPERVISOR_memory_op, XENMEM_add_to_physmap, &x), want_dom(t, -XEN_EPERM),
           "add_to_physmap of d%u's grant frame 0", t->id);
    /* Xen answers these with the number of extents done: 0.  Anything but a positive count is harmless. */
    struct gx_memory_reservation r = { .extent_start = va(extents), .nr_extents = 1, .domid = t->id };
    long rc = hypercall2(HYPERVISOR_memory_op, XENMEM_decrease_reservation, &r);
    check(rc <= 0, "decrease_reservation of d%u's gfn 0x100: rc %ld %s, no extent (Xen: 0)", t->id, rc,
          err_name(rc));
    rc = hypercall2(HYPERVISOR_memory_op, GX_XENMEM_populate_physmap, &r);
    check(rc <= 0, "populate_physmap into d%u: rc %ld %s, no extent (Xen: 0)", t->id, rc, err_name(rc));
}

static long remote_shutdown(domid_t id, uint32_t reason)
{
    struct sched_remote_shutdown s = { .domain_id = id, .reason = reason };

    return hypercall2(HYPERVISOR_sched_op, SCHEDOP_remote_shutdown, &s);
}

static void sched_foreign(const struct target *t)
{
    expect(remote_shutdown(t->id, SHUTDOWN_poweroff), want_dom(t, -XEN_EPERM),
           "remote_shutdown(d%u, poweroff)", t->id);
    expect(remote_shutdown(t->id, 0xffffffffU), want_dom(t, -XEN_EPERM),
           "remote_shutdown(d%u, reason 0xffffffff)", t->id);
}

static long hvm_param(unsigned int op, domid_t id, uint32_t index, uint64_t *value)
{
    struct gx_hvm_param p = { .domid = id, .index = index, .value = *value };
    long rc = hypercall2(HYPERVISOR_hvm_op, op, &p);

    *value = p.value;
    return rc;
}

static void hvm_foreign(const struct target *t)
{
    uint64_t v = GX_CALLBACK_VIA_VECTOR(GUEST_VEC_CALLBACK);

    expect(hvm_param(HVMOP_set_param, t->id, HVM_PARAM_CALLBACK_IRQ, &v), want_dom(t, -XEN_EPERM),
           "set_param(d%u, CALLBACK_IRQ)", t->id);
    v = 0x1234;
    expect(hvm_param(HVMOP_set_param, t->id, HVM_PARAM_CONSOLE_EVTCHN, &v), want_dom(t, -XEN_EPERM),
           "set_param(d%u, CONSOLE_EVTCHN)", t->id);
    expect(hvm_param(HVMOP_set_param, t->id, 1000, &v), want_dom(t, -XEN_EINVAL),
           "set_param(d%u, index 1000)", t->id);
    expect(hvm_param(HVMOP_get_param, t->id, 1000, &v), -XEN_EINVAL, "get_param(d%u, index 1000)", t->id);
    v = 0xdeadbeefULL;
    long rc = hvm_param(HVMOP_get_param, t->id, HVM_PARAM_STORE_PFN, &v);
    expect(rc, want_dom(t, -XEN_EPERM), "get_param(d%u, STORE_PFN)", t->id);
    check(v == 0xdeadbeefULL, "get_param(d%u) wrote nothing back (0x%lx)", t->id, v);
    v = 0;
    expect(hvm_param(HVMOP_get_param, t->id, HVM_PARAM_CONSOLE_PFN, &v), want_dom(t, -XEN_EPERM),
           "get_param(d%u, CONSOLE_PFN)", t->id);
}

static void attack_target(const struct target *t)
{
    guest_printf("attacks on d%u (%s)\n", t->id, t->present ? "present" : "absent");
    ev_foreign(t);
    gnt_map_foreign(t);
    gnt_copy_foreign(t);
    gnt_tables_foreign(t);
    mem_foreign(t);
    sched_foreign(t);
    hvm_foreign(t);
}

/* ---- this domain's own limits ------------------------------------------------------------------ */

static void own_limits(void)
{
    static char buf[64];
    struct evtchn_status st;

    guest_printf("attacks through its own interfaces\n");
    ev_own_free_ports();
    ev_bad_ports();
    long rc = ev_status(GX_DOMID_SELF, 0, &st);
    expect(rc, 0, "status of port 0, reserved: state %u (closed)", st.status);
    ev_virqs();
    ev_poll();
    gnt_absurd();
    expect(remote_shutdown((domid_t)GX_DOMID_SELF, SHUTDOWN_crash), -XEN_ESRCH,
           "remote_shutdown(DOMID_SELF)");
    expect(remote_shutdown(self_id, SHUTDOWN_crash), -XEN_EPERM, "remote_shutdown(d%u), itself",
           self_id);
    expect(hypercall3(HYPERVISOR_console_io, CONSOLEIO_read, sizeof(buf), buf), -XEN_EPERM,
           "console_io read (dom0's input)");
    expect(hypercall3(HYPERVISOR_console_io, 99, sizeof(buf), buf), -XEN_EPERM, "console_io sub-op 99");
    expect(reservation(XENMEM_current_reservation | (1U << MEMOP_EXTENT_SHIFT), (domid_t)GX_DOMID_SELF),
           -XEN_EINVAL, "current_reservation with an extent in cmd");
    expect(hypercall3(HYPERVISOR_vcpu_op, VCPUOP_up, 1, 0), -XEN_ENOENT, "vcpu_op up(vCPU 1)");
    expect(hypercall3(HYPERVISOR_vcpu_op, VCPUOP_is_up, 0xffffffffU, 0), -XEN_ENOENT,
           "vcpu_op is_up(vCPU 0xffffffff)");
}

/* ---- hostile pointers ---------------------------------------------------------------------------- */

struct bad_ptr {
    const char *name;
    uint64_t addr;
};

static struct bad_ptr bad_ptrs[16];
static unsigned int nr_bad_ptrs;

static void bad_ptr(const char *name, uint64_t addr)
{
    if (nr_bad_ptrs < GUEST_ARRAY_SIZE(bad_ptrs))
        bad_ptrs[nr_bad_ptrs++] = (struct bad_ptr){ name, addr };
}

static void find_bad_ptrs(void)
{
    bad_ptr("NULL", 0);
    bad_ptr("hypervisor half 0xffff800000000000", 0xffff800000000000ULL);
    bad_ptr("Xen's text 0xffff82d080200000", 0xffff82d080200000ULL);
    bad_ptr("0xffffffff80000000", 0xffffffff80000000ULL);
    bad_ptr("wrapping 0xfffffffffffffff8", 0xfffffffffffffff8ULL);
    bad_ptr("non-canonical 0x0000800000000000", 0x0000800000000000ULL);
    bad_ptr("non-canonical 0x8000000000000000", 0x8000000000000000ULL);
    bad_ptr("lower half top 0x00007ffffffff000", 0x00007ffffffff000ULL);
    bad_ptr("unmapped page", hole + 64);
    if (beyond_ram != 0)
        bad_ptr("gpa beyond RAM", beyond_ram);
    bad_ptr("LAPIC page 0xfee00000", 0xfee00000ULL);
}

static struct xen_memory_map mm_arg;
static struct gnttab_setup_table st_arg;

static long p_xen_version(unsigned int op, uint64_t p) { return hypercall2(HYPERVISOR_xen_version, op, p); }
static long p_memory_op(unsigned int op, uint64_t p) { return hypercall2(HYPERVISOR_memory_op, op, p); }
static long p_evtchn(unsigned int op, uint64_t p) { return hypercall2(HYPERVISOR_event_channel_op, op, p); }
static long p_gnttab(unsigned int op, uint64_t p) { return hypercall3(HYPERVISOR_grant_table_op, op, p, 1); }
static long p_sched(unsigned int op, uint64_t p) { return hypercall2(HYPERVISOR_sched_op, op, p); }

static long p_extraversion(uint64_t p) { return p_xen_version(XENVER_extraversion, p); }
static long p_compile_info(uint64_t p) { return p_xen_version(XENVER_compile_info, p); }
static long p_console(uint64_t p) { return hypercall3(HYPERVISOR_console_io, CONSOLEIO_write, 16, p); }
static long p_reservation(uint64_t p) { return p_memory_op(XENMEM_current_reservation, p); }
static long p_memory_map(uint64_t p) { return p_memory_op(XENMEM_memory_map, p); }
static long p_memory_map_buf(uint64_t p)
{
    mm_arg = (struct xen_memory_map){ .nr_entries = 8, .buffer = p };
    return hypercall2(HYPERVISOR_memory_op, XENMEM_memory_map, &mm_arg);
}
static long p_evtchn_status(uint64_t p) { return p_evtchn(EVTCHNOP_status, p); }
static long p_alloc_unbound(uint64_t p) { return p_evtchn(EVTCHNOP_alloc_unbound, p); }
static long p_query_size(uint64_t p) { return p_gnttab(GNTTABOP_query_size, p); }
static long p_map_grant(uint64_t p) { return p_gnttab(GNTTABOP_map_grant_ref, p); }
static long p_copy(uint64_t p) { return p_gnttab(GNTTABOP_copy, p); }
/* The frame list is written per entry: a bad one is GNTST_bad_virt_addr, the call itself 0. */
static long p_frame_list(uint64_t p)
{
    st_arg = (struct gnttab_setup_table){ .dom = (uint16_t)GX_DOMID_SELF, .nr_frames = 1,
                                          .status = 1, .frame_list = p };
    long rc = hypercall3(HYPERVISOR_grant_table_op, GNTTABOP_setup_table, &st_arg, 1);
    return rc != 0 ? rc : (st_arg.status == GNTST_bad_virt_addr ? -XEN_EFAULT : st_arg.status);
}
static long p_get_param(uint64_t p) { return hypercall2(HYPERVISOR_hvm_op, HVMOP_get_param, p); }
static long p_timer(uint64_t p) { return hypercall3(HYPERVISOR_vcpu_op, VCPUOP_set_singleshot_timer, 0, p); }
static long p_shutdown(uint64_t p) { return p_sched(SCHEDOP_shutdown, p); }
static long p_remote_shutdown(uint64_t p) { return p_sched(SCHEDOP_remote_shutdown, p); }
static long p_poll(uint64_t p) { return p_sched(SCHEDOP_poll, p); }

struct ptr_call {
    const char *what;
    size_t size;
    long (*call)(uint64_t p);
};

static const struct ptr_call ptr_calls[] = {
    { "xen_version(extraversion)", XEN_EXTRAVERSION_LEN, p_extraversion },
    { "xen_version(compile_info)", XEN_COMPILE_INFO_SIZE, p_compile_info },
    { "console_io(write, 16)", 16, p_console },
    { "memory_op(current_reservation)", 2, p_reservation },
    { "memory_op(memory_map) argument", sizeof(struct xen_memory_map), p_memory_map },
    { "memory_op(memory_map) buffer", sizeof(struct xen_e820_entry), p_memory_map_buf },
    { "event_channel_op(status)", sizeof(struct evtchn_status), p_evtchn_status },
    { "event_channel_op(alloc_unbound)", sizeof(struct evtchn_alloc_unbound), p_alloc_unbound },
    { "grant_table_op(query_size)", sizeof(struct gnttab_query_size), p_query_size },
    { "grant_table_op(map_grant_ref)", sizeof(struct gnttab_map_grant_ref), p_map_grant },
    { "grant_table_op(copy)", sizeof(struct gnttab_copy), p_copy },
    { "grant_table_op(setup_table) frame list", 8, p_frame_list },
    { "hvm_op(get_param)", sizeof(struct gx_hvm_param), p_get_param },
    { "vcpu_op(set_singleshot_timer)", sizeof(struct gx_singleshot_timer), p_timer },
    { "sched_op(shutdown)", sizeof(struct gx_sched_shutdown), p_shutdown },
    { "sched_op(remote_shutdown)", sizeof(struct sched_remote_shutdown), p_remote_shutdown },
    { "sched_op(poll)", sizeof(struct sched_poll), p_poll },
};

/* Each call with each hostile pointer, and an object running into the hole: -EFAULT. */
static void hostile_pointers(void)
{
    guest_printf("hypercall arguments at %u hostile addresses, and objects running into a hole\n",
                 nr_bad_ptrs);
    for (unsigned int i = 0; i < GUEST_ARRAY_SIZE(ptr_calls); i++) {
        const struct ptr_call *c = &ptr_calls[i];
        struct tally t = { 0 };

        for (unsigned int j = 0; j < nr_bad_ptrs; j++)
            tally(&t, bad_ptrs[j].addr, c->call(bad_ptrs[j].addr), -XEN_EFAULT);
        tally(&t, hole - c->size / 2U, c->call(hole - c->size / 2U), -XEN_EFAULT);
        tally_check(&t, err_name, c->what, "-EFAULT");
    }
}

/* A poll list of 128 ports whose first two (a bound IPI port) lie before the hole. */
static void poll_into_hole(void)
{
    volatile uint32_t *ports = (volatile uint32_t *)(uintptr_t)(hole - 8);
    struct evtchn_bind_ipi ipi = { .vcpu = 0, .port = 0 };
    struct sched_poll p = { .ports = hole - 8, .nr_ports = 128, .timeout = 1 };

    long rc = evtchn(EVTCHNOP_bind_ipi, &ipi);
    if (!expect(rc, 0, "bind_ipi for a port to poll (port %u)", ipi.port))
        return;
    ports[0] = ports[1] = ipi.port;
    expect(hypercall2(HYPERVISOR_sched_op, SCHEDOP_poll, &p), -XEN_EFAULT,
           "poll on 128 ports listed into the hole");
    expect(ev_port_op(EVTCHNOP_close, ipi.port), 0, "close of the IPI port");
}

/* Lengths and counts that run from mapped memory into the hole. */
static void lengths_into_hole(void)
{
    struct gnttab_map_grant_ref *m = (struct gnttab_map_grant_ref *)(uintptr_t)(hole - 2 * sizeof(*m));

    memset(m, 0, 2 * sizeof(*m));
    m[0].status = m[1].status = 1;
    expect(hypercall3(HYPERVISOR_console_io, CONSOLEIO_write, 0x7fffffffU, hole - 16), -XEN_EFAULT,
           "console_io write of 0x7fffffff bytes running into the hole");
    long rc = gnttab(GNTTABOP_map_grant_ref, m, 0x7fffffffU);
    expect(rc, -XEN_EFAULT, "map_grant_ref count 0x7fffffff, records running into the hole");
    check(m[0].status == GNTST_bad_gntref && m[1].status == GNTST_bad_gntref,
          "map_grant_ref: the 2 records before the hole done: %s, %s", gnt_name(m[0].status),
          gnt_name(m[1].status));
    poll_into_hole();
}

/* ---- the hypercall page MSR ------------------------------------------------------------------- */

static void hypercall_page_msr(void)
{
    static const uint64_t bad[] = { 0xffff800000000000ULL, 0x000ffffffffff000ULL };
    struct tally t = { 0 };

    for (unsigned int i = 0; i < GUEST_ARRAY_SIZE(bad); i++)
        tally(&t, bad[i], probe_wrmsr(MSR_HYPERCALL_PAGE, bad[i]), X86_EXC_GP);
    if (beyond_ram != 0)
        tally(&t, beyond_ram, probe_wrmsr(MSR_HYPERCALL_PAGE, beyond_ram), X86_EXC_GP);
    tally(&t, va(scratch) | 1U, probe_wrmsr(MSR_HYPERCALL_PAGE, va(scratch) | 1U), X86_EXC_GP);
    if (t.wrong == 0)
        check(true, "hypercall page MSR at gpas it has no RAM at, or page index 1: #GP each (%u)",
              t.tries);
    else
        check(false, "hypercall page MSR at 0x%lx: vector %ld, Xen raises #GP", t.input, t.got);
}

/* ---- guest-physical addresses beyond its RAM ---------------------------------------------------- */

/*
 * The window page mapped at gpa: every load reads all-ones, every store is
 * dropped (what Xen does for memory nothing backs), with no fault, and ALU
 * instructions on it compute with all-ones (lib/unbacked.c).
 */
static void npt_unbacked(const char *what, uint64_t gpa)
{
    pt_map_4k(window, gpa, PTE_P | PTE_W);
    (void)unbacked_mmio_checks(window, what, gpa);
    pt_map_4k(window, window, PTE_P | PTE_W | PTE_U);
}

static uint32_t max_phys_bits(void)
{
    if (cpuid_count(0x80000000U, 0).a < 0x80000008U)
        return 36;
    return cpuid_count(0x80000008U, 0).a & 0xffU;
}

static void npt_attacks(void)
{
    uint32_t bits = max_phys_bits();
    uint64_t v = 0;

    guest_printf("loads and stores beyond its RAM (MAXPHYADDR %u)\n", bits);
    if (beyond_ram != 0)
        npt_unbacked("16 MiB beyond RAM,", beyond_ram);
    npt_unbacked("IOAPIC window (no IOAPIC),", 0xfec00000ULL);
    npt_unbacked("last page below 4 GiB,", 0xfffff000ULL);
    npt_unbacked("highest address bit,", 1ULL << (bits - 1U));
    if (bits >= 52)
        return;
    /* Beyond MAXPHYADDR the guest's own walk faults (reserved bit) before any p2m is asked. */
    uint64_t above = (uint64_t)1 << bits;
    pt_map_4k(window, above, PTE_P | PTE_W);
    int vec = probe_read64(window, &v);
    pt_map_4k(window, window, PTE_P | PTE_W | PTE_U);
    check((vec == X86_EXC_PF && (exc_last.error & PFEC_RSVD) != 0) || (vec == -1 && v == ALL_ONES),
          "load from gpa 0x%lx above MAXPHYADDR: vector %d (error 0x%lx), or all-ones", above, vec,
          vec == -1 ? 0 : exc_last.error);
}

/* ---- set-up, the wait, the end ------------------------------------------------------------------- */

static void top_of(uint64_t addr, uint64_t size, uint32_t type, uint64_t *top)
{
    note("memory map: 0x%lx-0x%lx type %u", addr, addr + size - 1, type);
    if (addr < MMIO_FLOOR && addr + size > *top)
        *top = addr + size;
}

/* 16 MiB above every memory-map entry below the MMIO window (start_info's, else XENMEM_memory_map's). */
static void find_beyond_ram(void)
{
    static struct gx_e820_entry e820[GUEST_MAX_MEMMAP];
    struct gx_memory_map mm = { .nr_entries = GUEST_MAX_MEMMAP, .buffer = va(e820) };
    uint64_t top = 0;

    for (uint32_t i = 0; i < guest_env.nr_memmap; i++)
        top_of(guest_env.memmap[i].addr, guest_env.memmap[i].size, guest_env.memmap[i].type, &top);
    if (guest_env.nr_memmap == 0 && hypercall2(HYPERVISOR_memory_op, XENMEM_memory_map, &mm) == 0)
        for (uint32_t i = 0; i < mm.nr_entries && i < GUEST_MAX_MEMMAP; i++)
            top_of(e820[i].addr, e820[i].size, e820[i].type, &top);
    beyond_ram = 0;
    if (top != 0)
        top = ((top + TWO_MIB - 1) & ~(TWO_MIB - 1)) + 8 * TWO_MIB;
    if (top != 0 && top < MMIO_FLOOR)
        beyond_ram = top;
    else
        note("no guest-physical address beyond RAM found: those attacks are left out");
}

static void wait_for_the_others(void)
{
    uint64_t ms = DEFAULT_DELAY_MS, ns = 0;

    (void)str_word_u64(guest_env.cmdline, "delay_ms=", &ms);
    if (ms > MAX_DELAY_MS)
        ms = MAX_DELAY_MS;
    long rc = guest_sleep_ms((uint32_t)ms, &ns);
    check_rc(rc, 0, "blocked %lu ms on the one-shot timer (delay_ms=%lu)", ns / 1000000U, ms);
}

/*
 * Hog the CPU with interrupts off for hog_ms= (command line; default 0: not
 * at all), never exiting on its own: the hypervisor must still give the
 * other domains their turns (the boot test sees them finish meanwhile).
 * The time this vCPU spent runnable but not running shows it was preempted.
 */
static void cpu_hog(void)
{
    static uint8_t shinfo_page[GUEST_PAGE_SIZE] GUEST_PAGE_ALIGNED;
    volatile struct shared_info *shi = (volatile struct shared_info *)shinfo_page;
    struct vcpu_runstate_info r0, r1;
    uint64_t ms = 0;

    if (!str_word_u64(guest_env.cmdline, "hog_ms=", &ms) || ms == 0)
        return;
    if (ms > MAX_DELAY_MS)
        ms = MAX_DELAY_MS;
    if (!check_rc(xen_map_shared_info((struct shared_info *)shinfo_page), 0, "shared_info for the clock"))
        return;
    long rc = hypercall3(HYPERVISOR_vcpu_op, VCPUOP_get_runstate_info, 0, &r0);
    guest_printf("hogging the CPU for %lu ms with interrupts off\n", ms);
    uint64_t t0 = pvclock_read_ns(&shi->vcpu_info[0].time), t = t0;
    while (t - t0 < ms * 1000000U) {
        __asm__ volatile("pause");
        t = pvclock_read_ns(&shi->vcpu_info[0].time);
    }
    rc = rc != 0 ? rc : hypercall3(HYPERVISOR_vcpu_op, VCPUOP_get_runstate_info, 0, &r1);
    check_rc(rc, 0, "get_runstate_info around the hog");
    if (rc == 0)
        note("hogged %lu ms; %lu ms of it runnable but not running (preempted for the others)",
             (t - t0) / 1000000U, (r1.time[RUNSTATE_runnable] - r0.time[RUNSTATE_runnable]) / 1000000U);
}

/* The domains it attacked are all still there. */
static void targets_survived(void)
{
    for (unsigned int i = 0; i < nr_targets; i++) {
        const struct target *t = &targets[i];

        if (t->present)
            expect(reservation(XENMEM_current_reservation, t->id), -XEN_EPERM,
                   "d%u still exists after the attacks", t->id);
    }
}

static GUEST_NORETURN void triple_fault(void)
{
    unsigned int failed = guest_nr_failed(), checks = guest_nr_checks();

    guest_printf("hostile: %u attacks checked, %u answered otherwise than Xen would\n", checks, failed);
    if (failed == 0)
        guest_printf("Test result: expect crash\n");
    else
        guest_printf("Test result: FAILURE: %s (%u of %u checks failed)\n", guest_first_failure(),
                     failed, checks);
    irq_disable();
    traps_load_empty_idt();
    __asm__ volatile("ud2" ::: "memory");
    guest_fail("ud2 with an empty IDT returned");
}

static void hostile_run(void)
{
    if ((guest_env.start_info.flags & (SIF_PRIVILEGED | SIF_INITDOMAIN)) != 0)
        guest_skip("hostile needs an unprivileged domain (start_info flags 0x%x)",
                   guest_env.start_info.flags);
    irq_disable();
    hole = va(area[1]);
    window = va(area[2]);
    pt_unmap_4k(hole);
    find_beyond_ram();
    find_self();
    wait_for_the_others();
    find_targets();
    for (unsigned int i = 0; i < nr_targets; i++)
        attack_target(&targets[i]);
    own_limits();
    find_bad_ptrs();
    hostile_pointers();
    lengths_into_hole();
    hypercall_page_msr();
    npt_attacks();
    targets_survived();
    cpu_hog();
    triple_fault();
}

const struct guest_test guest_test = {
    .name = "hostile",
    .flags = GUEST_NEEDS_XEN,
    .run = hostile_run,
};
