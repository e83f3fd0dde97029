// SPDX-License-Identifier: GPL-2.0-only
/*
 * Grant entries in the granting domain's frames, and the bytes GNTTABOP_copy
 * moves, through the hypervisor's mapping of machine frames.  A grant frame
 * is used only while it is still the domain's guest RAM (the same check as
 * the shared_info accessors): a frame that left the domain is never touched.
 * Outside the WP proof (hal_frame_map has no contract); the contracts in
 * hv/grant_table.h are what the rest relies on.
 */
#include "hv/grant_table.h"

#include "hal/hal.h"
#include "hv/frame_ref.h"
#include "xen/errno.h"

/* Host view of grant entry ref of d, or NULL (with *rc set). */
static uint8_t *entry_map(const struct domain *d, grant_ref_t ref, int *rc)
{
    mfn_t m;
    uint32_t off;
    uint8_t *f;

    *rc = grant_entry_locate(d, ref, &m, &off);
    if (*rc != 0)
        return NULL;
    f = frame_owner(m) == d->id && frame_type(m) == FRAME_TYPE_GUEST_RAM ? hal_frame_map(m) : NULL;
    if (f == NULL) {
        *rc = -XEN_EFAULT;
        return NULL;
    }
    return f + off;
}

int grant_entry_read(const struct domain *d, grant_ref_t ref, struct grant_entry_v1 *e)
{
    int rc;
    const volatile uint8_t *p = entry_map(d, ref, &rc);

    if (p == NULL)
        return rc;
    /* One read of each field: the guest may change the entry meanwhile. */
    e->flags = (uint16_t)(p[0] | (p[1] << 8));
    e->domid = (uint16_t)(p[2] | (p[3] << 8));
    e->frame = (uint32_t)p[4] | (uint32_t)p[5] << 8 | (uint32_t)p[6] << 16 | (uint32_t)p[7] << 24;
    return 0;
}

int grant_entry_update_flags(const struct domain *d, grant_ref_t ref, uint16_t set, uint16_t clear)
{
    int rc;
    volatile uint8_t *p = entry_map(d, ref, &rc);
    uint16_t f;

    if (p == NULL)
        return rc;
    f = (uint16_t)(p[0] | (p[1] << 8));
    f = (uint16_t)((f | set) & ~clear);
    p[0] = (uint8_t)f;
    p[1] = (uint8_t)(f >> 8);
    return 0;
}

int grant_frame_copy(mfn_t dst, uint32_t doff, mfn_t src, uint32_t soff, uint32_t len)
{
    uint8_t *d, *s;

    if (doff > PAGE_SIZE || soff > PAGE_SIZE || len > PAGE_SIZE - doff || len > PAGE_SIZE - soff)
        return -XEN_EINVAL;
    d = hal_frame_map(dst);
    s = hal_frame_map(src);
    if (d == NULL || s == NULL)
        return -XEN_EFAULT;
    d += doff;
    s += soff;
    /* Within one frame the two ranges may overlap: copy away from the overlap. */
    if (dst != src || doff <= soff) {
        for (uint32_t i = 0; i < len; i++)
            d[i] = s[i];
    } else {
        for (uint32_t i = len; i-- > 0;)
            d[i] = s[i];
    }
    return 0;
}
