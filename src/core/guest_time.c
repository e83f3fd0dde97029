// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest time: pvclock scale and records, wallclock, runstate accounting
 * (hv/guest_time.h has the rules).
 */
#include "hv/guest_time.h"

#include "hal/hal.h"
#include "hv/frame_ref.h"
#include "hv/guest_copy.h"

struct guest_time_state guest_time_state;

#define VCPU_INFO_SIZE  64U
#define TIME_OFF        32U      /* vcpu_info.time */
#define SLOT_COUNT      XEN_LEGACY_MAX_VCPUS

void guest_time_reset(void)
{
    guest_time_state.epoch_sec = 0;
    guest_time_state.epoch_nsec = 0;
    for (unsigned i = 0; i < DOMAIN_MAX; i++)
        for (unsigned j = 0; j < DOMAIN_MAX_VCPUS; j++)
            guest_time_state.runstate[i][j] = (struct guest_runstate){ .owner = DOMID_INVALID };
}

void guest_time_set_epoch(uint64_t sec, uint32_t nsec)
{
    guest_time_state.epoch_sec = sec;
    guest_time_state.epoch_nsec = nsec;
}

/* ---- arithmetic ------------------------------------------------------------- */

struct guest_time_scale guest_time_scale_for(uint64_t hz)
{
    uint64_t f = hz;
    int shift = 0;

    /*
     * Bring the frequency into (1 GHz, 2 GHz] so that mul lands in
     * [2^31, 2^32).  Halving rounds up: the scale must never exceed the true
     * one, or the guest's clock would run ahead of system time.
     */
    while (f > 2 * GUEST_TIME_NS_PER_SEC) {
        f = f / 2 + f % 2;
        shift--;
    }
    while (f <= GUEST_TIME_NS_PER_SEC) {
        f *= 2;
        shift++;
    }
    return (struct guest_time_scale){ .mul = (uint32_t)((GUEST_TIME_NS_PER_SEC << 32) / f),
                                      .shift = (int8_t)shift };
}

uint64_t guest_time_scale_delta(uint64_t delta, struct guest_time_scale s)
{
    uint64_t d = s.shift < 0 ? delta >> -s.shift : delta << s.shift;

    /* 64 x 32 -> the upper 64 bits of the 96-bit product. */
    return (d >> 32) * s.mul + (((d & 0xFFFFFFFFULL) * s.mul) >> 32);
}

uint64_t guest_time_tsc_to_ns(uint64_t tsc, uint64_t tsc_at_boot, uint64_t hz)
{
    uint64_t d;

    if (tsc <= tsc_at_boot)
        return 0;
    d = tsc - tsc_at_boot;
    /* Exact floor, the way hal_time_ns() counts (hz below 2^34). */
    return (d / hz) * GUEST_TIME_NS_PER_SEC + ((d % hz) * GUEST_TIME_NS_PER_SEC) / hz;
}

uint64_t guest_time_now(void)
{
    return guest_time_tsc_to_ns(hal_rdtsc(), hal_tsc_at_boot(), hal_tsc_hz());
}

void guest_time_record_at(struct vcpu_time_info *t, uint64_t tsc, uint64_t tsc_at_boot, uint64_t hz)
{
    struct guest_time_scale s = guest_time_scale_for(hz);

    t->pad0 = 0;
    t->tsc_timestamp = tsc;
    t->system_time = guest_time_tsc_to_ns(tsc, tsc_at_boot, hz);
    t->tsc_to_system_mul = s.mul;
    t->tsc_shift = s.shift;
    t->flags = (uint8_t)XEN_PVCLOCK_TSC_STABLE_BIT;
    t->pad1[0] = 0;
    t->pad1[1] = 0;
}

/* ---- where records live ---------------------------------------------------------- */

static void bytes_copy(uint8_t *d, const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        d[i] = s[i];
}

/* The hypervisor's view of d's shared_info frame, if d has one and it is still d's RAM. */
static uint8_t *shinfo_map(const struct domain *d)
{
    mfn_t m = d->guest.shared_info_mfn;

    if (m == INVALID_MFN || frame_owner(m) != d->id || frame_type(m) != FRAME_TYPE_GUEST_RAM)
        return NULL;
    return hal_frame_map(m);
}

/* A vcpu_info: bytes of the shared_info frame, or guest-physical memory. */
struct vi_place {
    const struct domain *d;
    uint8_t *frame;          /* non-NULL: the slot is frame + base */
    uint64_t base;           /* byte offset in the frame, or the gpa */
};

static int place_read(const struct vi_place *p, uint64_t off, void *dst, size_t len)
{
    if (p->frame == NULL)
        return copy_from_guest_phys(&p->d->p2m, dst, p->base + off, len);
    bytes_copy(dst, p->frame + p->base + off, len);
    return 0;
}

static int place_write(const struct vi_place *p, uint64_t off, const void *src, size_t len)
{
    if (p->frame == NULL)
        return copy_to_guest_phys(&p->d->p2m, p->base + off, src, len);
    bytes_copy(p->frame + p->base + off, src, len);
    return 0;
}

/* v's slot in shared_info; false without a frame or a slot. */
static bool place_slot(const struct vcpu *v, struct vi_place *p)
{
    p->d = v->domain;
    p->frame = shinfo_map(v->domain);
    p->base = (uint64_t)v->id * VCPU_INFO_SIZE;
    return p->frame != NULL && v->id < SLOT_COUNT;
}

/* The vcpu_info v registered; false when it registered none. */
static bool place_registered(const struct vcpu *v, struct vi_place *p)
{
    p->d = v->domain;
    p->frame = NULL;
    p->base = v->vcpu_info_gfn * PAGE_SIZE + v->vcpu_info_offset;
    return v->vcpu_info_registered;
}

/* The record the guest reads now: the registered one, else the slot. */
static bool place_current(const struct vcpu *v, struct vi_place *p)
{
    return place_registered(v, p) || place_slot(v, p);
}

/* ---- pvclock and wallclock ---------------------------------------------------------- */

/* Version odd, body, version even; nothing when the place cannot be read. */
static void pvclock_write(const struct vi_place *p, const struct vcpu_time_info *body)
{
    struct vcpu_time_info rec = *body;
    uint32_t ver;

    if (place_read(p, TIME_OFF, &ver, sizeof(ver)) != 0)
        return;
    ver = (ver + 1U) | 1U;
    if (place_write(p, TIME_OFF, &ver, sizeof(ver)) != 0)
        return;
    rec.version = ver;
    (void)place_write(p, TIME_OFF, &rec, sizeof(rec));
    ver++;
    (void)place_write(p, TIME_OFF, &ver, sizeof(ver));
}

void guest_time_write_pvclock(const struct vcpu *v)
{
    struct vcpu_time_info body;
    struct vi_place p;

    guest_time_record_at(&body, hal_rdtsc(), hal_tsc_at_boot(), hal_tsc_hz());
    if (place_slot(v, &p))
        pvclock_write(&p, &body);
    if (place_registered(v, &p))
        pvclock_write(&p, &body);
}

static uint32_t get32(const uint8_t *b)
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static void put32(uint8_t *b, uint32_t x)
{
    b[0] = (uint8_t)x;
    b[1] = (uint8_t)(x >> 8);
    b[2] = (uint8_t)(x >> 16);
    b[3] = (uint8_t)(x >> 24);
}

void guest_time_write_wallclock(const struct domain *d)
{
    uint8_t *f = shinfo_map(d);
    uint64_t sec = guest_time_state.epoch_sec;
    uint32_t ver;

    if (f == NULL)
        return;
    ver = (get32(f + offsetof(struct shared_info, wc_version)) + 1U) | 1U;
    put32(f + offsetof(struct shared_info, wc_version), ver);
    put32(f + offsetof(struct shared_info, wc_sec), (uint32_t)sec);
    put32(f + offsetof(struct shared_info, wc_nsec), guest_time_state.epoch_nsec);
    put32(f + offsetof(struct shared_info, wc_sec_hi), (uint32_t)(sec >> 32));
    put32(f + offsetof(struct shared_info, wc_version), ver + 1U);
}

void guest_time_shared_info_init(struct domain *d)
{
    uint8_t *f = shinfo_map(d);

    if (f == NULL)
        return;
    for (size_t i = 0; i < PAGE_SIZE; i++)
        f[i] = 0;
    for (uint32_t i = 0; i < d->guest.nr_vcpus && i < DOMAIN_MAX_VCPUS; i++)
        guest_time_write_pvclock(&d->guest.vcpus[i]);
    guest_time_write_wallclock(d);
}

int guest_time_vcpu_info_read(const struct vcpu *v, uint32_t off, void *dst, size_t len)
{
    struct vi_place p;

    if (off > VCPU_INFO_SIZE || len > VCPU_INFO_SIZE - off || !place_current(v, &p))
        return -XEN_EFAULT;
    return place_read(&p, off, dst, len) == 0 ? 0 : -XEN_EFAULT;
}

int guest_time_vcpu_info_write(const struct vcpu *v, uint32_t off, const void *src, size_t len)
{
    struct vi_place p;

    if (off > VCPU_INFO_SIZE || len > VCPU_INFO_SIZE - off || !place_current(v, &p))
        return -XEN_EFAULT;
    return place_write(&p, off, src, len) == 0 ? 0 : -XEN_EFAULT;
}

int guest_time_shared_info_read(const struct domain *d, uint32_t off, void *dst, size_t len)
{
    const uint8_t *f = shinfo_map(d);

    if (f == NULL || off > PAGE_SIZE || len > PAGE_SIZE - off)
        return -XEN_EFAULT;
    bytes_copy(dst, f + off, len);
    return 0;
}

/* ---- runstate ----------------------------------------------------------------- */

int32_t guest_time_runstate_of(enum vcpu_run_state s)
{
    switch (s) {
    case VCPU_RUNNABLE:
        return RUNSTATE_runnable;
    case VCPU_BLOCKED:
        return RUNSTATE_blocked;
    default:
        return RUNSTATE_offline;
    }
}

/* v's accounting slot (by the domain's place in domain_table), or NULL. */
static struct guest_runstate *record_of(const struct vcpu *v)
{
    for (unsigned i = 0; i < DOMAIN_MAX; i++)
        if (&domain_table[i] == v->domain && v->id < DOMAIN_MAX_VCPUS)
            return &guest_time_state.runstate[i][v->id];
    return NULL;
}

static void record_start(struct guest_runstate *r, domid_t owner, int32_t state, uint64_t now,
                         bool compat)
{
    *r = (struct guest_runstate){ .owner = owner, .compat = compat, .state = state,
                                  .entry_ns = now };
}

/* v's record, started now in the state its run_state gives when it belonged to nobody. */
static struct guest_runstate *record_live(const struct vcpu *v, uint64_t now)
{
    struct guest_runstate *r = record_of(v);

    if (r != NULL && r->owner != v->domain->id)
        record_start(r, v->domain->id, guest_time_runstate_of(v->run_state), now, false);
    return r;
}

static void area_write(const struct vcpu *v, const struct guest_runstate *r)
{
    const struct domain *d = v->domain;

    if (v->runstate_gla == 0)
        return;
    if (r->compat) {
        struct vcpu_runstate_info_compat c = { .state = r->state };

        c.state_entry_time[0] = (uint32_t)r->entry_ns;
        c.state_entry_time[1] = (uint32_t)(r->entry_ns >> 32);
        for (unsigned i = 0; i < 4; i++) {
            c.time[2 * i] = (uint32_t)r->time[i];
            c.time[2 * i + 1] = (uint32_t)(r->time[i] >> 32);
        }
        (void)copy_to_guest_linear(&d->p2m, &v->state.paging, v->runstate_gla, &c, sizeof(c));
    } else {
        struct vcpu_runstate_info n = { .state = r->state, .state_entry_time = r->entry_ns };

        for (unsigned i = 0; i < 4; i++)
            n.time[i] = r->time[i];
        (void)copy_to_guest_linear(&d->p2m, &v->state.paging, v->runstate_gla, &n, sizeof(n));
    }
}

void guest_time_runstate_set(struct vcpu *v, int32_t state)
{
    uint64_t now = guest_time_now();
    struct guest_runstate *r = record_live(v, now);

    if (r == NULL)
        return;
    if (now > r->entry_ns) {
        r->time[r->state & 3] += now - r->entry_ns;
        r->entry_ns = now;
    }
    r->state = state;
    area_write(v, r);
}

void guest_time_update(struct vcpu *v)
{
    guest_time_runstate_set(v, RUNSTATE_running);
    guest_time_write_pvclock(v);
}

void guest_time_runstate_register(struct vcpu *v, uint64_t gla, bool compat, int32_t state)
{
    struct guest_runstate *r = record_of(v);

    v->runstate_gla = gla;
    if (r == NULL)
        return;
    record_start(r, v->domain->id, state, guest_time_now(), compat);
    area_write(v, r);
}

void guest_time_runstate_get(struct vcpu *v, struct vcpu_runstate_info *out)
{
    uint64_t now = guest_time_now();
    const struct guest_runstate *r = record_live(v, now);

    *out = (struct vcpu_runstate_info){ .state = guest_time_runstate_of(v->run_state) };
    if (r == NULL)
        return;
    out->state = r->state;
    out->state_entry_time = r->entry_ns;
    for (unsigned i = 0; i < 4; i++)
        out->time[i] = r->time[i];
    if (now > r->entry_ns)
        out->time[r->state & 3] += now - r->entry_ns;
}
