// SPDX-License-Identifier: GPL-2.0-only
/*
 * The bytes of a domain's shared_info frame that event channels use (the
 * pending and mask bitmaps), through the hypervisor's mapping of the frame,
 * with the same checks as the pvclock writer in guest_time.c: the frame is
 * used only while it is still the domain's guest RAM.  Outside the WP proof
 * (hal_frame_map has no contract); everything else reaches guest memory
 * through functions with contracts.
 */
#include "hv/evtchn.h"

#include "hal/hal.h"
#include "hv/frame_ref.h"
#include "xen/errno.h"

static uint8_t *shinfo_map(const struct domain *d, uint32_t off)
{
    mfn_t m = d->guest.shared_info_mfn;

    if (off >= PAGE_SIZE || m == INVALID_MFN || frame_owner(m) != d->id ||
        frame_type(m) != FRAME_TYPE_GUEST_RAM)
        return NULL;
    return hal_frame_map(m);
}

int evtchn_shinfo_read8(const struct domain *d, uint32_t off, uint8_t *b)
{
    const uint8_t *f = shinfo_map(d, off);

    if (f == NULL)
        return -XEN_EFAULT;
    *b = f[off];
    return 0;
}

int evtchn_shinfo_write8(const struct domain *d, uint32_t off, uint8_t b)
{
    uint8_t *f = shinfo_map(d, off);

    if (f == NULL)
        return -XEN_EFAULT;
    f[off] = b;
    return 0;
}
