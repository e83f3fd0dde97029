// SPDX-License-Identifier: GPL-2.0-only
/*
 * HLT blocks until an event: bind VIRQ_TIMER to an event channel, have
 * events delivered on the HVM callback vector, arm a singleshot timer 10 ms
 * ahead, and HLT.  The guest must wake on the timer's upcall, and pvclock
 * time (vcpu_info[0].time in shared_info) must have moved past the deadline.
 */
#include "guest.h"
#include "xen/errno.h"

#define TIMEOUT_NS 10000000ULL        /* 10 ms */
#define MAX_WAKEUPS 1000U

static uint8_t shinfo_page[GUEST_PAGE_SIZE] GUEST_PAGE_ALIGNED;
static volatile struct shared_info *const shinfo = (volatile struct shared_info *)shinfo_page;
static uint32_t timer_port;
static volatile unsigned int timer_events;
static volatile unsigned int upcalls;

static void clear_bit64(volatile uint64_t *word, unsigned int bit)
{
    __asm__ volatile("lock btrq %1, %0" : "+m"(*word) : "r"((uint64_t)bit) : "memory");
}

/* Callback vector: scan the 2-level pending bitmap, consume every event. */
static void upcall(struct exc_frame *f)
{
    volatile struct vcpu_info *vi = &shinfo->vcpu_info[0];

    (void)f;
    upcalls++;
    vi->evtchn_upcall_pending = 0;
    uint64_t sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    for (unsigned int w = 0; w < 64 && sel != 0; w++) {
        if ((sel & (1ULL << w)) == 0)
            continue;
        sel &= ~(1ULL << w);
        uint64_t pend = shinfo->evtchn_pending[w] & ~shinfo->evtchn_mask[w];
        for (unsigned int b = 0; b < 64; b++) {
            if ((pend & (1ULL << b)) == 0)
                continue;
            clear_bit64(&shinfo->evtchn_pending[w], b);
            if (w * 64U + b == timer_port)
                timer_events++;
        }
    }
}

static bool setup_events(void)
{
    struct gx_feature_info fi = { .submap_idx = 0, .submap = 0 };

    /* Results that a message shows are fetched first: arguments have no order. */
    long rc = hypercall2(HYPERVISOR_xen_version, XENVER_get_features, &fi);
    check_rc(rc, 0, "get_features(0) = 0x%x", fi.submap);
    if (!check((fi.submap & (1U << XENFEAT_hvm_callback_vector)) != 0,
               "XENFEAT_hvm_callback_vector offered"))
        return false;
    if (!check_rc(xen_map_shared_info((struct shared_info *)shinfo_page), 0,
                  "add_to_physmap(shared_info) at gfn 0x%lx",
                  (uint64_t)(uintptr_t)shinfo_page / GUEST_PAGE_SIZE))
        return false;
    check(shinfo->vcpu_info[0].time.tsc_to_system_mul != 0, "pvclock tsc_to_system_mul 0x%x",
          shinfo->vcpu_info[0].time.tsc_to_system_mul);
    trap_set_handler(GUEST_VEC_CALLBACK, upcall);
    struct gx_hvm_param p = { .domid = (uint16_t)GX_DOMID_SELF, .index = HVM_PARAM_CALLBACK_IRQ,
                              .value = GX_CALLBACK_VIA_VECTOR(GUEST_VEC_CALLBACK) };
    if (!check_rc(hypercall2(HYPERVISOR_hvm_op, HVMOP_set_param, &p), 0,
                  "CALLBACK_IRQ = vector 0x%x", GUEST_VEC_CALLBACK))
        return false;
    struct gx_bind_virq bv = { .virq = VIRQ_TIMER, .vcpu = 0, .port = 0 };
    rc = hypercall2(HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq, &bv);
    if (!check_rc(rc, 0, "bind_virq(VIRQ_TIMER) -> port %u", bv.port))
        return false;
    timer_port = bv.port;
    clear_bit64(&shinfo->evtchn_mask[timer_port / 64U], timer_port % 64U);
    shinfo->vcpu_info[0].evtchn_upcall_mask = 0;
    return true;
}

static void hlt_timer_run(void)
{
    irq_disable();
    if (!setup_events())
        return;
    /* Events raised by the set-up itself are not the timer's. */
    irq_enable();
    irq_disable();
    timer_events = 0;

    volatile struct vcpu_time_info *t = &shinfo->vcpu_info[0].time;
    uint64_t t0 = pvclock_read_ns(t);
    struct gx_singleshot_timer st = { .timeout_abs_ns = t0 + TIMEOUT_NS, .flags = 0 };
    if (!check_rc(hypercall3(HYPERVISOR_vcpu_op, VCPUOP_set_singleshot_timer, 0, &st), 0,
                  "set_singleshot_timer(now + 10 ms)"))
        return;
    unsigned int wakeups = 0;
    while (timer_events == 0 && wakeups < MAX_WAKEUPS) {
        /* sti's one-instruction shadow: no upcall can slip in before hlt. */
        __asm__ volatile("sti; hlt; cli" ::: "memory");
        wakeups++;
    }
    uint64_t t1 = pvclock_read_ns(t);
    check(timer_events > 0, "woken by the timer event after %u HLT(s), %u upcall(s)", wakeups,
          upcalls);
    check(t1 >= st.timeout_abs_ns, "time advanced %lu ns >= %llu ns", t1 - t0, TIMEOUT_NS);
    check(t1 - t0 < 5000000000ULL, "and less than 5 s (%lu ns)", t1 - t0);
    check_rc(hypercall3(HYPERVISOR_vcpu_op, VCPUOP_stop_singleshot_timer, 0, 0), 0,
             "stop_singleshot_timer");
    struct gx_hvm_param p = { .domid = (uint16_t)GX_DOMID_SELF, .index = HVM_PARAM_CALLBACK_IRQ,
                              .value = 0 };
    check_rc(hypercall2(HYPERVISOR_hvm_op, HVMOP_set_param, &p), 0, "CALLBACK_IRQ = none");
}

const struct guest_test guest_test = {
    .name = "hlt_timer",
    .flags = GUEST_NEEDS_XEN,
    .run = hlt_timer_run,
};
