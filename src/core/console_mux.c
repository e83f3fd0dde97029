// SPDX-License-Identifier: GPL-2.0-only
/*
 * Serial input routing and Xen's Ctrl-A switch (hv/console_mux.h).
 */
#include "hv/console_mux.h"

#include "hal/events.h"
#include "hal/hal.h"
#include "hv/console.h"
#include "hv/evtchn.h"
#include "hv/guest_console.h"
#include "hv/pv_console.h"
#include "hv/sched.h"

struct console_mux_state console_mux_state;

/* The live domain after `after` in id order (any live one when after is DOMID_INVALID), or NULL. */
static const struct domain *next_live_domain(domid_t after)
{
    const struct domain *best = NULL;

    for (unsigned i = 0; i < DOMAIN_MAX; i++) {
        const struct domain *d = &domain_table[i];
        if (!domain_is_running(d))
            continue;
        if (after != DOMID_INVALID && d->id <= after)
            continue;
        if (best == NULL || d->id < best->id)
            best = d;
    }
    return best;
}

static void announce(void)
{
    if (console_mux_state.to_hypervisor)
        hv_print("*** Serial input to Xen (type 'CTRL-a' three times to switch input)\n");
    else
        hv_print("*** Serial input to DOM%u (type 'CTRL-a' three times to switch input)\n",
                 (unsigned)console_mux_state.focus);
}

void console_mux_start(void)
{
    const struct domain *d = next_live_domain(DOMID_INVALID);

    console_mux_state.switch_count = 0;
    console_mux_state.to_hypervisor = d == NULL;
    console_mux_state.focus = d != NULL ? d->id : DOMID_INVALID;
    announce();
}

/* Domains in id order, then the hypervisor, then around again. */
static void switch_input(void)
{
    const struct domain *d;

    if (console_mux_state.to_hypervisor)
        d = next_live_domain(DOMID_INVALID);
    else
        d = next_live_domain(console_mux_state.focus);
    console_mux_state.to_hypervisor = d == NULL;
    console_mux_state.focus = d != NULL ? d->id : DOMID_INVALID;
    announce();
}

static void list_domains(void)
{
    hv_print("domains:\n");
    for (unsigned i = 0; i < DOMAIN_MAX; i++) {
        const struct domain *d = &domain_table[i];
        if (!d->live || d->guest.nr_vcpus == 0)
            continue;
        hv_print("  d%u %s: %s, %lu of %lu pages, vcpu0 %s, %lu exits, %lu hypercalls\n", (unsigned)d->id,
                 d->guest.name, domain_is_running(d) ? "running" : "ended",
                 (unsigned long)d->tot_pages, (unsigned long)d->max_pages,
                 d->guest.vcpus[0].run_state == VCPU_RUNNABLE ? "runnable"
                 : d->guest.vcpus[0].run_state == VCPU_BLOCKED ? "blocked" : "down",
                 (unsigned long)d->guest.vcpus[0].exits, (unsigned long)d->guest.vcpus[0].hypercalls);
    }
}

/* The hypervisor's own keys, as Xen's debug keys: a letter, an action. */
static void hypervisor_key(char c)
{
    switch (c) {
    case 'h':
        hv_print("'h' pressed -> showing installed handlers\n"
                 " key 'h' (ascii '68') => show this message\n"
                 " key 'q' (ascii '71') => dump domain (and guest debug) info\n");
        break;
    case 'q':
        hv_print("'q' pressed -> dumping domain info\n");
        list_domains();
        break;
    default:
        if (c >= 0x20 && c <= 0x7E)
            hv_print("'%c' pressed -> no handler (press 'h' for the list)\n", c);
        break;
    }
}

/* The initial domain reads input with CONSOLEIO_read when VIRQ_CONSOLE tells it some came. */
static void console_notify_initial_domain(struct domain *d)
{
    if (evtchn_send_virq_global(d, VIRQ_CONSOLE) != 0)
        vcpu_kick(&d->guest.vcpus[0]);    /* no port bound: a blocked reader still wakes */
}

static void deliver(char c)
{
    struct domain *d;

    if (console_mux_state.to_hypervisor) {
        hypervisor_key(c);
        return;
    }
    d = domain_find(console_mux_state.focus);
    if (d == NULL || !domain_is_running(d))
        return;
    if ((d->guest.start_flags & SIF_INITDOMAIN) != 0) {
        if (guest_console_input_push(c))
            console_notify_initial_domain(d);
        return;
    }
    (void)pv_console_input(d, &c, 1);
}

void console_mux_input(char c)
{
    if (c == CONSOLE_SWITCH_CHAR) {
        if (++console_mux_state.switch_count == CONSOLE_SWITCH_COUNT) {
            console_mux_state.switch_count = 0;
            switch_input();
        }
        return;
    }
    /* One or two Ctrl-A were meant for the guest after all. */
    for (; console_mux_state.switch_count != 0; console_mux_state.switch_count--)
        deliver(CONSOLE_SWITCH_CHAR);
    deliver(c);
}

void console_mux_poll(void)
{
    char c;

    while (hal_serial_getc(&c))
        console_mux_input(c);
}

bool console_mux_has_focus(const struct domain *d)
{
    return !console_mux_state.to_hypervisor && console_mux_state.focus == d->id;
}

void console_mux_domain_gone(const struct domain *d)
{
    const struct domain *next;

    if (!console_mux_has_focus(d))
        return;
    next = next_live_domain(d->id);
    if (next == NULL)
        next = next_live_domain(DOMID_INVALID);
    if (next == NULL) {
        /* The last domain: input goes back to the hypervisor, nobody to tell. */
        console_mux_state.to_hypervisor = true;
        console_mux_state.focus = DOMID_INVALID;
        return;
    }
    console_mux_state.focus = next->id;
    announce();
}
