// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PV console backend (hv/pv_console.h).
 */
#include "hv/pv_console.h"

#include "hv/console.h"
#include "hv/console_mux.h"
#include "hv/evtchn.h"
#include "hv/guest_console.h"
#include "hv/guest_copy.h"
#include "xen/errno.h"
#include "xen/shared.h"

#define RING_IN_SIZE  1024U
#define RING_OUT_SIZE 2048U
#define OFF_IN        0U
#define OFF_OUT       1024U
#define OFF_IN_CONS   3072U
#define OFF_IN_PROD   3076U
#define OFF_OUT_CONS  3080U
#define OFF_OUT_PROD  3084U

_Static_assert(__builtin_offsetof(struct xencons_interface, out) == OFF_OUT, "out ring");
_Static_assert(__builtin_offsetof(struct xencons_interface, in_cons) == OFF_IN_CONS, "in_cons");
_Static_assert(__builtin_offsetof(struct xencons_interface, in_prod) == OFF_IN_PROD, "in_prod");
_Static_assert(__builtin_offsetof(struct xencons_interface, out_cons) == OFF_OUT_CONS, "out_cons");
_Static_assert(__builtin_offsetof(struct xencons_interface, out_prod) == OFF_OUT_PROD, "out_prod");

/* The ring's guest-physical address, or 0 when d has none. */
static uint64_t ring_gpa(const struct domain *d)
{
    uint64_t pfn = d->guest.hvm_params[HVM_PARAM_CONSOLE_PFN];

    if ((d->guest.start_flags & SIF_INITDOMAIN) != 0 || pfn == 0 || pfn > P2M_MAX_GFN)
        return 0;
    return pfn << PAGE_SHIFT;
}

bool pv_console_attached(const struct domain *d)
{
    return ring_gpa(d) != 0;
}

static uint32_t port_of(const struct domain *d)
{
    return (uint32_t)d->guest.hvm_params[HVM_PARAM_CONSOLE_EVTCHN];
}

static bool read_u32(const struct domain *d, uint32_t off, uint32_t *out)
{
    return copy_from_guest_phys(&d->p2m, out, ring_gpa(d) + off, sizeof(*out)) == 0;
}

static bool write_u32(const struct domain *d, uint32_t off, uint32_t val)
{
    return copy_to_guest_phys(&d->p2m, ring_gpa(d) + off, &val, sizeof(val)) == 0;
}

static void pv_console_notify(struct domain *d)
{
    (void)evtchn_notify_port(d, port_of(d));
}

int pv_console_attach(struct domain *d)
{
    uint32_t port;
    mfn_t mfn;
    int rc;

    if ((d->guest.start_flags & SIF_INITDOMAIN) != 0)
        return -XEN_EINVAL;                 /* it has console_io */
    /* The ring is one page on top of the domain's RAM, as a toolstack's special pages are. */
    d->max_pages++;
    rc = domain_alloc_ram(d->id, P2M_ORDER_4K, &mfn);
    if (rc != 0)
        return rc;
    rc = domain_map(d->id, PV_CONSOLE_GFN, mfn, P2M_ORDER_4K, P2M_ACCESS_R | P2M_ACCESS_W);
    if (rc != 0) {
        (void)domain_free_ram(d->id, mfn, P2M_ORDER_4K);
        return rc;
    }
    rc = evtchn_alloc_hv_port(d, &port);
    if (rc != 0) {
        (void)domain_unmap(d->id, PV_CONSOLE_GFN, P2M_ORDER_4K);
        (void)domain_free_ram(d->id, mfn, P2M_ORDER_4K);
        return rc;
    }
    d->guest.hvm_params[HVM_PARAM_CONSOLE_PFN] = PV_CONSOLE_GFN;
    d->guest.hvm_params[HVM_PARAM_CONSOLE_EVTCHN] = port;
    return 0;
}

/* The domain's text, unbuffered while it has the keyboard, else one prefixed line at a time. */
static void emit(const struct domain *d, const char *text, size_t len)
{
    if (console_mux_has_focus(d))
        console_write_raw(text, len);
    else
        guest_console_write(d, text, len);
}

void pv_console_poll_output(struct domain *d)
{
    char buf[RING_OUT_SIZE];
    uint32_t cons, prod, avail, n = 0;

    if (!pv_console_attached(d) || !read_u32(d, OFF_OUT_CONS, &cons) || !read_u32(d, OFF_OUT_PROD, &prod))
        return;
    avail = prod - cons;
    if (avail == 0)
        return;
    if (avail > RING_OUT_SIZE)
        avail = RING_OUT_SIZE;             /* a lying producer gets one ring's worth */
    while (n < avail) {
        uint32_t at = (cons + n) & (RING_OUT_SIZE - 1U);
        uint32_t chunk = RING_OUT_SIZE - at < avail - n ? RING_OUT_SIZE - at : avail - n;
        if (copy_from_guest_phys(&d->p2m, buf + n, ring_gpa(d) + OFF_OUT + at, chunk) != 0)
            return;
        n += chunk;
    }
    emit(d, buf, n);
    if (write_u32(d, OFF_OUT_CONS, cons + n))
        pv_console_notify(d);
}

size_t pv_console_input(struct domain *d, const char *text, size_t len)
{
    uint32_t cons, prod;
    size_t n = 0;

    if (!pv_console_attached(d) || !read_u32(d, OFF_IN_CONS, &cons) || !read_u32(d, OFF_IN_PROD, &prod))
        return 0;
    if (prod - cons > RING_IN_SIZE)
        return 0;                          /* indexes the guest broke: nothing fits */
    while (n < len && prod - cons < RING_IN_SIZE) {
        uint32_t at = prod & (RING_IN_SIZE - 1U);
        if (copy_to_guest_phys(&d->p2m, ring_gpa(d) + OFF_IN + at, text + n, 1) != 0)
            break;
        prod++;
        n++;
    }
    if (n != 0 && write_u32(d, OFF_IN_PROD, prod))
        pv_console_notify(d);
    return n;
}
