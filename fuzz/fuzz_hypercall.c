// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the hypercall layer.  The input chooses the
 * caller's mode (64-bit long mode, 32-bit with paging off, 32-bit code in
 * long mode), whether it is the initial domain, whether a second domain
 * exists, and then a program of hypercalls (every implemented one, biased
 * towards valid sub-ops, with plausible or hostile argument structures in
 * guest memory, and raw unknown numbers) mixed with what the rest of the
 * hypervisor does meanwhile (time passes, the scheduler runs the vCPU,
 * console input arrives, the guest drops to CPL 3).  Preempted calls are
 * re-run as the guest would, a bounded number of times.
 *
 * After every step: the whole-system checker (domain_check_invariants),
 * the result is one the table declares (or -ENOSYS / -EPERM from the
 * entry), a 32-bit caller's upper rax is untouched, every shared_info
 * mapping and frame is consistent, the caller changed none of its own HVM
 * parameters but the guest-settable ones, and an unprivileged caller left
 * the other domain exactly as it was.  Any disagreement aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Small machines run faster (every fresh page costs a fault): two domains of
 * FX_RAM pages and their tables fit in FX_FRAMES.
 */
#define FX_FRAMES 1024U
#define FX_RAM    288U
#include "../tests/unit/test_hc_fixture.h"

#define FZ_STEPS       64U
#define FZ_MAX_ROUNDS  4096U
#define FZ_OTHER       2U

static const uint8_t *fz_data;
static size_t fz_size, fz_pos;
static struct vcpu *fz_v;
static struct domain *fz_other;
static struct domain fz_other_before;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fz_fail(const char *what, long long a, long long b)
{
    fprintf(stderr, "fuzz_hypercall: %s (%lld, %lld)\n", what, a, b);
    abort();
}

static unsigned fz_byte(void)
{
    return fz_pos < fz_size ? fz_data[fz_pos++] : 0U;
}

static uint64_t fz_bytes(unsigned n)
{
    uint64_t x = 0;

    for (unsigned i = 0; i < n; i++)
        x |= (uint64_t)fz_byte() << (8 * i);
    return x;
}

/* ---- argument building ---------------------------------------------------------------- */

/* Host pointer to byte off of argument page `page`, or NULL once the guest moved it away. */
static uint8_t *fz_arg_byte(unsigned page, uint64_t off)
{
    uint64_t gpa = fx_page_gpa(page) + off;
    mfn_t m;
    unsigned access;

    if (domain_lookup(fz_v->domain->id, gpa >> PAGE_SHIFT, &m, &access) != 0 || sim_frame(m) == NULL)
        return NULL;
    return sim_frame(m) + (gpa & (PAGE_SIZE - 1));
}

/* Copy n bytes to addr when all of it lies in one argument page that is still there. */
static void fz_write(uint64_t addr, const void *src, unsigned n)
{
    for (unsigned page = 0; page < 4; page++) {
        uint64_t base = fx_addr(fz_v, page, 0);

        if (addr < base || addr + n > base + PAGE_SIZE)
            continue;
        for (unsigned i = 0; i < n; i++) {
            uint8_t *b = fz_arg_byte(page, addr - base + i);

            if (b != NULL)
                *b = ((const uint8_t *)src)[i];
        }
        return;
    }
}

/* A guest address: mostly inside the argument pages, sometimes hostile. */
static uint64_t fz_ptr(void)
{
    unsigned kind = fz_byte() % 8U;
    uint64_t off = fz_bytes(2) % PAGE_SIZE;

    switch (kind) {
    case 0: case 1: case 2: case 3:
        return fx_addr(fz_v, kind, off & ~7ULL);
    case 4:
        return fx_addr(fz_v, FX_HOLE, 0) - (off % 64);       /* runs into the hole */
    case 5:
        return fx_addr(fz_v, FX_RO, off);
    case 6:
        return 0;
    default:
        return fz_bytes(8);
    }
}

/* n input bytes at addr (those that fall outside the argument pages are dropped). */
static void fz_plant(uint64_t addr, unsigned n)
{
    uint8_t buf[64];

    for (unsigned i = 0; i < n && i < sizeof(buf); i++)
        buf[i] = (uint8_t)fz_byte();
    fz_write(addr, buf, n < sizeof(buf) ? n : (unsigned)sizeof(buf));
}

/* Overwrite a 16-bit domid at addr with a plausible one. */
static void fz_domid(uint64_t addr)
{
    static const domid_t ids[] = { DOMID_SELF, FX_DOMU, FX_DOM0, FZ_OTHER, DOMID_XEN, 7 };
    domid_t id = ids[fz_byte() % HV_ARRAY_SIZE(ids)];

    fz_write(addr, &id, sizeof(id));
}

/* Overwrite a 64-bit field at addr with a small or interesting value. */
static void fz_small(uint64_t addr, unsigned width)
{
    static const uint64_t vals[] = { 0, 1, 2, 3, 4, 5, 18, 0x40, FX_PAGE_GFN + 9,
                                     FX_PAGE_GFN + FX_RO, FX_PAGE_GFN + FX_HOLE, 4032, 4033, 0xFEFFF,
                                     P2M_MAX_GFN + 1, 0xFFFFFFFF, 1000000000ULL };
    uint64_t x = vals[fz_byte() % HV_ARRAY_SIZE(vals)];

    fz_write(addr, &x, width);
}

/* A structure argument: random bytes, then some fields made plausible. */
static uint64_t fz_struct(bool domid_first)
{
    uint64_t p = fz_ptr();
    unsigned shape = fz_byte();

    fz_plant(p, 24);
    if (shape & 1U)
        fz_small(p + 8, 8);
    if (shape & 2U)
        fz_small(p + (hypercall_compat(fz_v) ? 12 : 16), hypercall_compat(fz_v) ? 4 : 8);
    if (shape & 4U)
        fz_small(p + 4, 4);
    if (shape & 8U)
        fz_small(p, domid_first ? 2 : 4);
    if (domid_first && (shape & 16U))
        fz_domid(p);
    return p;
}

static uint64_t fz_cmd(const uint32_t *common, size_t n)
{
    unsigned b = fz_byte();

    if (b < 200)
        return common[b % n];
    return b < 240 ? b - 200U : fz_bytes(8);
}

/* ---- one step --------------------------------------------------------------------------- */

static const uint32_t memory_cmds[] = { XENMEM_add_to_physmap, XENMEM_memory_map,
                                        XENMEM_current_reservation, XENMEM_maximum_reservation,
                                        XENMEM_maximum_gpfn };
static const uint32_t version_cmds[] = { XENVER_version, XENVER_extraversion, XENVER_compile_info,
                                         XENVER_capabilities, XENVER_changeset,
                                         XENVER_platform_parameters, XENVER_get_features,
                                         XENVER_pagesize, XENVER_guest_handle };
static const uint32_t vcpu_cmds[] = { VCPUOP_is_up, VCPUOP_get_runstate_info,
                                      VCPUOP_register_runstate_memory_area,
                                      VCPUOP_stop_periodic_timer, VCPUOP_set_singleshot_timer,
                                      VCPUOP_stop_singleshot_timer, VCPUOP_register_vcpu_info };
static const uint32_t sched_cmds[] = { SCHEDOP_yield, SCHEDOP_block, SCHEDOP_shutdown,
                                       SCHEDOP_shutdown_code, SCHEDOP_remote_shutdown, SCHEDOP_poll };
static const uint32_t hvm_cmds[] = { HVMOP_set_param, HVMOP_get_param };

/* Build the call: number and five arguments. */
static uint64_t fz_build(unsigned which, uint64_t a[HYPERCALL_NR_ARGS])
{
    for (unsigned i = 0; i < HYPERCALL_NR_ARGS; i++)
        a[i] = 0;
    switch (which) {
    case 0:
        a[0] = fz_cmd(memory_cmds, HV_ARRAY_SIZE(memory_cmds));
        if (fz_byte() % 8U == 0)
            a[0] |= fz_bytes(2) << MEMOP_EXTENT_SHIFT;
        a[1] = fz_struct(a[0] != XENMEM_memory_map);
        return HYPERVISOR_memory_op;
    case 1:
        a[0] = fz_cmd(version_cmds, HV_ARRAY_SIZE(version_cmds));
        a[1] = fz_byte() % 4U == 0 ? 0 : fz_struct(false);
        return HYPERVISOR_xen_version;
    case 2:
        a[0] = fz_byte() % 4U == 0 ? fz_bytes(4) : fz_byte() % 2U;
        a[1] = fz_byte() % 8U == 0 ? fz_bytes(4) : fz_bytes(2);
        a[2] = fz_ptr();
        fz_plant(a[2], 32);
        return HYPERVISOR_console_io;
    case 3:
        a[0] = fz_cmd(vcpu_cmds, HV_ARRAY_SIZE(vcpu_cmds));
        a[1] = fz_byte() % 8U == 0 ? fz_bytes(4) : 0;
        a[2] = fz_struct(false);
        return HYPERVISOR_vcpu_op;
    case 4:
        a[0] = fz_cmd(sched_cmds, HV_ARRAY_SIZE(sched_cmds));
        a[1] = fz_struct(a[0] == SCHEDOP_remote_shutdown);
        return HYPERVISOR_sched_op;
    case 5:
        a[0] = fz_cmd(hvm_cmds, HV_ARRAY_SIZE(hvm_cmds));
        a[1] = fz_struct(true);
        return HYPERVISOR_hvm_op;
    default:
        for (unsigned i = 0; i < HYPERCALL_NR_ARGS; i++)
            a[i] = fz_bytes(8);
        return fz_byte() % 2U ? fz_bytes(2) : fz_bytes(8);
    }
}

static void fz_set_regs(uint64_t nr, const uint64_t a[HYPERCALL_NR_ARGS], uint64_t rax_hi)
{
    struct vcpu_regs *r = &fz_v->regs;

    r->rax = rax_hi | nr;
    r->rip = FX_RIP;
    if (fz_v->state.cs_mode == VCPU_CS_64) {
        r->rdi = a[0]; r->rsi = a[1]; r->rdx = a[2]; r->r10 = a[3]; r->r8 = a[4];
    } else {
        r->rbx = a[0]; r->rcx = a[1]; r->rdx = a[2]; r->rsi = a[3]; r->rdi = a[4];
    }
}

/* Run the call as the guest would, re-running it while it is preempted. */
static int64_t fz_run(uint64_t nr, const uint64_t a[HYPERCALL_NR_ARGS])
{
    bool compat = hypercall_compat(fz_v);
    /* Garbage in the upper half of a 32-bit caller's rax must survive. */
    uint64_t rax_hi = compat ? 0xA5A5A5A500000000ULL : 0;
    unsigned rounds = 0;

    if (compat)
        nr &= 0xFFFFFFFFULL;
    fz_set_regs(nr, a, rax_hi);
    for (;;) {
        hypercall_dispatch(fz_v);
        if (fz_v->regs.rip == FX_RIP)
            break;
        if (fz_v->regs.rip != FX_RIP - 3 || (fz_v->regs.rax & 0xFFFFFFFFULL) != (nr & 0xFFFFFFFFULL))
            fz_fail("preempted call left rip/rax wrong", (long long)fz_v->regs.rip, (long long)nr);
        if (++rounds == FZ_MAX_ROUNDS)
            fz_fail("a preempted call makes no progress", (long long)nr, rounds);
        fz_v->regs.rip = FX_RIP;
    }
    if (compat) {
        if ((fz_v->regs.rax & ~0xFFFFFFFFULL) != rax_hi)
            fz_fail("upper half of rax changed for a 32-bit caller", (long long)nr, 0);
        return (int64_t)(int32_t)(uint32_t)fz_v->regs.rax;
    }
    return (int64_t)fz_v->regs.rax;
}

static void fz_check_result(uint64_t nr, uint64_t a0, int64_t rc, bool cpl_refused)
{
    const struct hypercall_info *info = hypercall_table_lookup(nr);

    if (cpl_refused) {
        if (rc != -XEN_EPERM)
            fz_fail("CPL > 0 not refused", (long long)nr, rc);
        return;
    }
    /*
     * A 32-bit caller gets the low half of the result, as on Xen: a count or
     * frame number of 2^31 or more (XENMEM_maximum_gpfn after a frame was
     * placed high) reads as a negative int.  Error codes are all above -4096,
     * so such a value is never one; XENMEM_maximum_gpfn may still land among
     * them (a frame at gfn 0xFFFFFF00 reads as -256): a value there is taken
     * for a gfn only when it is the truncated highest gfn of a domain it can
     * name, and must otherwise be a declared error.
     */
    if (hypercall_compat(fz_v) && nr == HYPERVISOR_memory_op && (uint32_t)a0 == XENMEM_maximum_gpfn &&
        rc < 0 && rc >= INT32_MIN &&
        ((uint32_t)rc == (uint32_t)p2m_highest_gfn(&fz_v->domain->p2m) ||
         (fz_other != NULL && (uint32_t)rc == (uint32_t)p2m_highest_gfn(&fz_other->p2m))))
        return;
    if (hypercall_compat(fz_v) && nr == HYPERVISOR_memory_op && rc < -4095 && rc >= INT32_MIN)
        return;
    if (info == NULL ? rc != -XEN_ENOSYS : !hypercall_result_declared(info, rc))
        fz_fail("result not declared in the table", (long long)nr, rc);
    if (rc == -XEN_ERESTART)
        fz_fail("ERESTART reached the guest", (long long)nr, rc);
}

static void fz_check_domain(const struct domain *d)
{
    mfn_t m;
    unsigned access;

    if (d->guest.shared_info_gfn != INVALID_GFN &&
        (domain_lookup(d->id, d->guest.shared_info_gfn, &m, &access) != 0 ||
         m != d->guest.shared_info_mfn))
        fz_fail("shared_info gfn does not map its frame", d->id, (long long)d->guest.shared_info_gfn);
    if (d->guest.shared_info_mfn != INVALID_MFN &&
        (frame_owner(d->guest.shared_info_mfn) != d->id ||
         frame_type(d->guest.shared_info_mfn) != FRAME_TYPE_GUEST_RAM))
        fz_fail("shared_info frame not the domain's RAM", d->id, 0);
    if (d->guest.state > DOMAIN_CRASHED || d->guest.shutdown_reason > 0xFF ||
        d->guest.shutdown_code > 0xFF)
        fz_fail("domain end state out of range", d->id, d->guest.state);
    for (uint32_t i = 0; i < d->guest.nr_vcpus; i++) {
        const struct vcpu *v = &d->guest.vcpus[i];

        if (v->run_state > VCPU_BLOCKED)
            fz_fail("run state out of range", d->id, v->run_state);
        if (v->vcpu_info_registered && (v->vcpu_info_offset > PAGE_SIZE - 64 ||
                                        v->vcpu_info_gfn > P2M_MAX_GFN))
            fz_fail("vcpu_info registered out of its page", d->id, v->vcpu_info_offset);
    }
}

static void fz_check_step(const uint64_t params_before[HVM_NR_PARAMS])
{
    const struct domain *d = fz_v->domain;

    if (!fx_invariants())
        fz_fail("domain_check_invariants", 0, 0);
    fz_check_domain(d);
    for (uint32_t i = 0; i < HVM_NR_PARAMS; i++)
        if (d->guest.hvm_params[i] != params_before[i] && i != HVM_PARAM_CALLBACK_IRQ &&
            i != HVM_PARAM_STORE_EVTCHN && i != HVM_PARAM_CONSOLE_EVTCHN)
            fz_fail("the guest changed a parameter it may not set", i, 0);
    if (fz_other != NULL) {
        fz_check_domain(fz_other);
        if ((d->guest.start_flags & SIF_PRIVILEGED) == 0 &&
            memcmp(fz_other, &fz_other_before, sizeof(fz_other_before)) != 0)
            fz_fail("an unprivileged caller changed another domain", fz_other->id, 0);
    }
}

/* What the rest of the hypervisor does between hypercalls. */
static void fz_environment(void)
{
    unsigned b = fz_byte();

    switch (b % 6U) {
    case 0:
        sim_clock_advance(fz_bytes(4));
        break;
    case 1:
        fz_v->run_state = VCPU_RUNNABLE;
        guest_time_update(fz_v);
        break;
    case 2:
        guest_time_runstate_set(fz_v, (int32_t)(fz_byte() % 4U));
        break;
    case 3:
        (void)guest_console_input_push((char)fz_byte());
        break;
    case 4:
        guest_time_set_epoch(fz_bytes(8), (uint32_t)(fz_bytes(4) % 1000000000U));
        guest_time_write_wallclock(fz_v->domain);
        break;
    default:
        fz_v->state.paging.cpl = (uint8_t)(fz_byte() % 4U);
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint64_t params[HVM_NR_PARAMS];
    unsigned mode, flags, steps = 0;

    fz_data = data;
    fz_size = size;
    fz_pos = 0;
    fx_machine();
    console_set_serial(false);
    mode = fz_byte() % 3U;
    flags = fz_byte();
    fz_v = fx_domain((flags & 1U) ? FX_DOM0 : FX_DOMU,
                     (flags & 1U) ? SIF_PRIVILEGED | SIF_INITDOMAIN : 0,
                     mode == 1 ? FX_FLAT32 : FX_LONG);
    if (mode == 2)
        fz_v->state.cs_mode = VCPU_CS_32;          /* 32-bit code under long-mode paging */
    fz_other = (flags & 2U) ? fx_domain(FZ_OTHER, 0, FX_LONG)->domain : NULL;
    while (fz_pos < fz_size && steps++ < FZ_STEPS) {
        unsigned op = fz_byte() % 8U;
        uint64_t a[HYPERCALL_NR_ARGS], nr;
        bool cpl_refused;
        int64_t rc;

        memcpy(params, fz_v->domain->guest.hvm_params, sizeof(params));
        if (fz_other != NULL)
            fz_other_before = *fz_other;
        if (op == 7) {
            fz_environment();
        } else {
            nr = fz_build(op, a);
            cpl_refused = (fz_v->state.paging.cr0 & 1U) != 0 && fz_v->state.paging.cpl != 0;
            rc = fz_run(nr, a);
            fz_check_result(hypercall_compat(fz_v) ? nr & 0xFFFFFFFFULL : nr, a[0], rc, cpl_refused);
        }
        fz_check_step(params);
    }
    return 0;
}
