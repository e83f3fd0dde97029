// SPDX-License-Identifier: GPL-2.0-only
/*
 * Sleeping on Xen the way a PVH kernel idles: the vCPU's one-shot timer
 * (VCPUOP_set_singleshot_timer) raises VIRQ_TIMER, which the callback vector
 * delivers, and SCHEDOP_block waits for it.  Guests that must stay alive for
 * a while use it: the hostile guest's delay, and wait_ms= on any guest's
 * command line (runtime.c), which keeps a domain busy booting while another
 * one acts.
 *
 * Everything set up for the wait is undone afterwards (the port closed,
 * CALLBACK_IRQ back to none, the vector's handler removed, the upcall mask
 * as it was), except where shared_info is: a guest that maps it elsewhere
 * later simply moves it.
 */
#include "guest.h"
#include "xen/errno.h"

/* Wake-ups without the timer's event before giving up (each is an event or a spurious return). */
#define SLEEP_MAX_WAKEUPS 100000U
/* How late the timer may be before the sleep is declared failed. */
#define SLEEP_GRACE_NS 5000000000ULL

static uint8_t sleep_shinfo[GUEST_PAGE_SIZE] GUEST_PAGE_ALIGNED;
static volatile struct shared_info *const shinfo = (volatile struct shared_info *)sleep_shinfo;
static uint32_t sleep_port;
static volatile bool sleep_fired;

static bool test_and_clear_bit64(volatile uint64_t *word, unsigned int bit)
{
    bool was;

    __asm__ volatile("lock btrq %2, %0; setc %1"
                     : "+m"(*word), "=q"(was)
                     : "r"((uint64_t)bit)
                     : "memory", "cc");
    return was;
}

static void sleep_upcall(struct exc_frame *f)
{
    volatile struct vcpu_info *vi = &shinfo->vcpu_info[0];

    (void)f;
    vi->evtchn_upcall_pending = 0;
    (void)__atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    if (test_and_clear_bit64(&shinfo->evtchn_pending[sleep_port / 64U], sleep_port % 64U))
        sleep_fired = true;
}

static long sleep_set_callback(uint64_t via)
{
    struct gx_hvm_param p = { .domid = (uint16_t)GX_DOMID_SELF, .index = HVM_PARAM_CALLBACK_IRQ,
                              .value = via };

    return hypercall2(HYPERVISOR_hvm_op, HVMOP_set_param, &p);
}

/* shared_info, the callback vector and a VIRQ_TIMER port; 0 or the failing call's rc. */
static long sleep_setup(void)
{
    struct gx_bind_virq bv = { .virq = VIRQ_TIMER, .vcpu = 0, .port = 0 };
    long rc = xen_map_shared_info((struct shared_info *)sleep_shinfo);

    if (rc != 0)
        return rc;
    trap_set_handler(GUEST_VEC_CALLBACK, sleep_upcall);
    rc = sleep_set_callback(GX_CALLBACK_VIA_VECTOR(GUEST_VEC_CALLBACK));
    if (rc != 0)
        return rc;
    rc = hypercall2(HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq, &bv);
    if (rc != 0)
        return rc;
    sleep_port = bv.port;
    (void)test_and_clear_bit64(&shinfo->evtchn_mask[sleep_port / 64U], sleep_port % 64U);
    return 0;
}

static void sleep_teardown(uint8_t old_mask)
{
    uint32_t port = sleep_port;

    (void)hypercall3(HYPERVISOR_vcpu_op, VCPUOP_stop_singleshot_timer, 0, 0);
    if (port != 0)
        (void)hypercall2(HYPERVISOR_event_channel_op, EVTCHNOP_close, &port);
    (void)sleep_set_callback(0);
    trap_set_handler(GUEST_VEC_CALLBACK, NULL);
    shinfo->vcpu_info[0].evtchn_upcall_mask = old_mask;
    sleep_port = 0;
}

/* SCHEDOP_block until the timer's event arrived; -ETIME if it never does. */
static long sleep_block_until(uint64_t deadline)
{
    volatile struct vcpu_time_info *t = &shinfo->vcpu_info[0].time;

    for (unsigned int n = 0; !sleep_fired && n < SLEEP_MAX_WAKEUPS; n++) {
        long rc = hypercall2(HYPERVISOR_sched_op, SCHEDOP_block, 0);

        if (rc != 0)
            return rc;
        /* sti's shadow covers the nop: the upcall is taken right there, not later. */
        __asm__ volatile("sti; nop; cli" ::: "memory");
        if (!sleep_fired && pvclock_read_ns(t) > deadline + SLEEP_GRACE_NS)
            return -XEN_ETIME;
    }
    return sleep_fired ? 0 : -XEN_ETIME;
}

long guest_sleep_ms(uint32_t ms, uint64_t *slept_ns)
{
    volatile struct vcpu_time_info *t = &shinfo->vcpu_info[0].time;
    uint8_t old_mask;
    long rc;

    *slept_ns = 0;
    irq_disable();
    sleep_fired = false;
    sleep_port = 0;
    rc = sleep_setup();
    old_mask = shinfo->vcpu_info[0].evtchn_upcall_mask;
    if (rc == 0) {
        uint64_t t0 = pvclock_read_ns(t);
        struct gx_singleshot_timer st = { .timeout_abs_ns = t0 + (uint64_t)ms * 1000000ULL,
                                          .flags = 0 };

        rc = hypercall3(HYPERVISOR_vcpu_op, VCPUOP_set_singleshot_timer, 0, &st);
        if (rc == 0)
            rc = sleep_block_until(st.timeout_abs_ns);
        *slept_ns = pvclock_read_ns(t) - t0;
    }
    sleep_teardown(old_mask);
    return rc;
}
