// SPDX-License-Identifier: GPL-2.0-only
/*
 * The one exit dispatcher for every vendor: each normalized struct vmexit
 * is handled here.  Guest mistakes become guest exceptions (#GP, #UD) or,
 * when nothing sensible can be done, a crash of that domain with a message;
 * never a hypervisor failure.  docs/VCPU.md has the table of exits.
 */
#include "hal/events.h"
#include "hv/sched.h"

#include "hv/console.h"
#include "hv/cpuid_policy.h"
#include "hv/evtchn.h"
#include "hv/guest_copy.h"
#include "hv/hypercall.h"
#include "hv/insn.h"
#include "hv/insn_alu.h"
#include "hv/msr_policy.h"
#include "hv/vlapic.h"
#include "xen/errno.h"

#define X86_EXC_UD 6U
#define X86_EXC_GP 13U
#define INSN_MAX_BYTES 15U
/* Work one string I/O exit may do before the instruction restarts. */
#define STRING_IO_MAX_BYTES 4096U

static struct domain *dom(struct vcpu *v)
{
    return v->domain;
}

void vcpu_inject_exception(struct vcpu *v, uint8_t vector, bool has_error, uint32_t error)
{
    v->inject = (struct vcpu_event){ .type = VCPU_EVENT_EXCEPTION, .vector = vector,
                                     .has_error_code = has_error, .error_code = error };
}

#define PAGE_OFFSET_MASK ((uint64_t)PAGE_SIZE - 1U)

static void copy_insn_bytes(uint8_t *dst, const uint8_t *src, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = src[i];
}

/* The paging state as far as a guest walk reads it (of rflags, only AC). */
static bool hint_paging_same(const struct guest_paging *a, const struct guest_paging *b)
{
    return a->cr0 == b->cr0 && a->cr3 == b->cr3 && a->cr4 == b->cr4 && a->efer == b->efer &&
           a->cpl == b->cpl && a->maxphyaddr == b->maxphyaddr &&
           ((a->rflags ^ b->rflags) & GW_RFLAGS_AC) == 0;
}

/* Each entry the hint's walk read, read again where it is now: unchanged? */
static bool hint_entries_same(const struct vcpu_fetch_hint *h)
{
    for (unsigned i = 0; i < h->nr; i++)
        if (h->entry_table[i][(h->entry_gpa[i] & PAGE_OFFSET_MASK) / 8U] != h->entry[i])
            return false;
    return true;
}

/*
 * The host view of the page a read at gla leads to, when a fetch hint
 * (hv/vcpu.h) for it still holds: same paging state, same linear page, and
 * every entry its walk read, read again as the walk reads it (through the
 * p2m as it is now, from a page the p2m lets us read), unchanged.  The walk
 * would then follow the same entries to the same verdict with no accessed
 * bit to set, so the read is what copy_from_guest_linear would do.  NULL
 * otherwise.
 */
static const uint8_t *hint_frame(struct vcpu *v, struct vcpu_fetch_hint *h, uint64_t gla)
{
    const struct p2m *p2m = &v->domain->p2m;
    struct p2m_cursor c;
    mfn_t mfn;
    unsigned acc;

    if (!h->valid || h->nr == 0 || h->nr > GW_MAX_LEVELS || h->page != (gla & ~PAGE_OFFSET_MASK) ||
        !hint_paging_same(&h->paging, &v->state.paging))
        return NULL;
    if (h->p2m_generation == p2m->generation)
        return hint_entries_same(h) ? h->data_page : NULL;
    /* The p2m changed since: translate each page again, then re-read. */
    p2m_cursor_init(&c, p2m);
    for (unsigned i = 0; i < h->nr; i++) {
        if (p2m_cursor_lookup(&c, h->entry_gpa[i] >> PAGE_SHIFT, &mfn, &acc) != 0 ||
            (acc & P2M_ACCESS_R) == 0)
            return NULL;
        h->entry_table[i] = hal_table_map(mfn);
        if (h->entry_table[i] == NULL)
            return NULL;
    }
    if (p2m_cursor_lookup(&c, h->data_gpa >> PAGE_SHIFT, &mfn, &acc) != 0 ||
        (acc & P2M_ACCESS_R) == 0)
        return NULL;
    h->data_page = hal_frame_map(mfn);
    if (h->data_page == NULL)
        return NULL;
    h->p2m_generation = p2m->generation;
    return hint_entries_same(h) ? h->data_page : NULL;
}

/* The first hint of v that holds for gla (see hint_frame). */
static const uint8_t *hints_frame(struct vcpu *v, uint64_t gla)
{
    for (unsigned i = 0; i < VCPU_FETCH_HINTS; i++) {
        const uint8_t *f = hint_frame(v, &v->fetch_hint[i], gla);

        if (f != NULL)
            return f;
    }
    return NULL;
}

/*
 * Remember the walk a walker just made for gla (leading to gpa), if it is
 * a 4-level one, in place of the hint for that page or else the oldest.
 */
static void hint_keep(struct vcpu *v, const struct gw_walker *w, uint64_t gla, uint64_t gpa,
                      const uint8_t *data_page)
{
    uint64_t page = gla & ~PAGE_OFFSET_MASK;
    unsigned slot = v->fetch_hint_next % VCPU_FETCH_HINTS;
    struct vcpu_fetch_hint *h;

    if (w->mode != GW_MODE_LONG4 || w->nr == 0 || w->nr > GW_MAX_LEVELS)
        return;
    for (unsigned i = 0; i < w->nr; i++)
        if (w->lv[i].table == NULL)
            return;
    for (unsigned i = 0; i < VCPU_FETCH_HINTS; i++)
        if (v->fetch_hint[i].valid && v->fetch_hint[i].page == page)
            slot = i;
    if (slot == v->fetch_hint_next % VCPU_FETCH_HINTS)
        v->fetch_hint_next = (uint8_t)((slot + 1U) % VCPU_FETCH_HINTS);
    h = &v->fetch_hint[slot];
    h->nr = (uint8_t)w->nr;
    h->paging = v->state.paging;
    h->paging.rflags &= GW_RFLAGS_AC;
    h->page = page;
    for (unsigned i = 0; i < w->nr; i++) {
        h->entry_gpa[i] = w->lv[i].entry_gpa;
        h->entry[i] = w->lv[i].entry;
        h->entry_table[i] = w->lv[i].table;
    }
    h->data_gpa = gpa & ~PAGE_OFFSET_MASK;
    h->data_page = data_page;
    h->p2m_generation = dom(v)->p2m.generation;
    h->valid = true;
}

/*
 * The page a read inside one page at gla reaches, found as
 * copy_from_guest_linear finds it when the walk has no accessed bit to set
 * (the case after the first exit at a page): one walk, then the p2m's read
 * right on the page it leads to; with nothing to set, the copy would write
 * nothing either.  A 4-level walk becomes a hint.  NULL when the walk fails
 * or has bits to set: the caller copies.
 */
static const uint8_t *fetch_walk(struct vcpu *v, uint64_t gla)
{
    struct gw_walker w;
    struct gw_result res;
    mfn_t mfn;
    unsigned acc;
    const uint8_t *f;

    gw_walker_init(&w, &dom(v)->p2m, &v->state.paging, GW_ACC_READ);
    if (gw_walker_check(&w, gla, &res) != 0 || res.ad_pending ||
        p2m_cursor_lookup(&w.p2m, res.gpa >> PAGE_SHIFT, &mfn, &acc) != 0 ||
        (acc & P2M_ACCESS_R) == 0)
        return NULL;
    f = hal_frame_map(mfn);
    if (f != NULL)
        hint_keep(v, &w, gla, res.gpa, f);
    return f;
}

/*
 * The bytes at the guest's rip, as many as can be read (up to 15): the
 * instruction may end before an unmapped page, so the part in the first
 * page is read on its own when the whole read fails.  Fifteen bytes inside
 * one page (nearly always) are found through a hint or one walk and left
 * where they are: *at points into guest memory then, else at buf, which
 * holds the copy.  The bytes are the copy's in every case.
 */
static size_t fetch_insn(struct vcpu *v, uint8_t *buf, const uint8_t **at)
{
    uint64_t gla = v->state.cs_base + v->regs.rip;
    size_t first = (size_t)(PAGE_SIZE - (gla & (PAGE_SIZE - 1)));
    const uint8_t *f;

    *at = buf;
    if (v->state.cs_mode != VCPU_CS_64)
        gla &= 0xFFFFFFFFULL;
    if (first >= INSN_MAX_BYTES) {
        f = hints_frame(v, gla);
        if (f == NULL)
            f = fetch_walk(v, gla);
        if (f != NULL) {
            *at = f + (gla & PAGE_OFFSET_MASK);
            return INSN_MAX_BYTES;
        }
    }
    if (copy_from_guest_linear(&dom(v)->p2m, &v->state.paging, buf, gla, INSN_MAX_BYTES) == 0)
        return INSN_MAX_BYTES;
    if (first < INSN_MAX_BYTES &&
        copy_from_guest_linear(&dom(v)->p2m, &v->state.paging, buf, gla, first) == 0)
        return first;
    return 0;
}

/* The n bytes fetch_insn found, in buf (the decoder works on a copy). */
static void fetched_to(uint8_t *buf, const uint8_t *at, size_t n)
{
    if (at != buf)
        copy_insn_bytes(buf, at, n);
}

/* Decode the n bytes fetched at rip; false (and the domain crashed) when impossible. */
static bool decode_fetched(struct vcpu *v, const uint8_t *bytes, size_t n, struct insn *in)
{
    if (n == 0) {
        domain_crash(dom(v), "cannot read the instruction at rip 0x%lx", (unsigned long)v->regs.rip);
        return false;
    }
    if (insn_decode(bytes, n, v->state.cs_mode, in) != 0) {
        domain_crash(dom(v), "cannot decode the instruction at rip 0x%lx (%02x %02x %02x %02x)",
                     (unsigned long)v->regs.rip, bytes[0], n > 1 ? bytes[1] : 0,
                     n > 2 ? bytes[2] : 0, n > 3 ? bytes[3] : 0);
        return false;
    }
    return true;
}

/* Decode the instruction at rip; false (and the domain crashed) when impossible. */
static bool decode_at_rip(struct vcpu *v, struct insn *in)
{
    uint8_t bytes[INSN_MAX_BYTES];
    const uint8_t *at;
    size_t n = fetch_insn(v, bytes, &at);

    fetched_to(bytes, at, n);
    return decode_fetched(v, bytes, n, in);
}

/*
 * The length of an instruction of `kind` in its plain encoding (no prefix)
 * when the bytes start with it, else 0.  insn_decode gives that kind and
 * length for these bytes in every mode (tests/unit/test_vcpu_exit_fetch.c
 * checks it), so the usual exits skip the decoder.
 */
static uint32_t plain_len(enum insn_kind kind, const uint8_t *b, size_t n)
{
    switch (kind) {
    case INSN_VMMCALL: return n >= 3 && b[0] == 0x0F && b[1] == 0x01 && b[2] == 0xD9 ? 3U : 0U;
    case INSN_CPUID: return n >= 2 && b[0] == 0x0F && b[1] == 0xA2 ? 2U : 0U;
    case INSN_RDMSR: return n >= 2 && b[0] == 0x0F && b[1] == 0x32 ? 2U : 0U;
    case INSN_WRMSR: return n >= 2 && b[0] == 0x0F && b[1] == 0x30 ? 2U : 0U;
    case INSN_HLT: return n >= 1 && b[0] == 0xF4 ? 1U : 0U;
    default: return 0;
    }
}

/* Past the instruction; an interrupt shadow covered only it. */
static void advance_rip(struct vcpu *v, uint32_t len)
{
    v->state.irq_shadow = false;
    v->regs.rip += len;
    if (v->state.cs_mode != VCPU_CS_64)
        v->regs.rip &= 0xFFFFFFFFULL;
}

/*
 * Skip the intercepted instruction of an exit whose instruction is known
 * (`kind`): by the vendor's length when it gave one, else by decoding it.
 * A decoded instruction of another kind (the guest rewrote it) crashes the
 * domain rather than skipping the wrong number of bytes.
 */
static bool skip_insn(struct vcpu *v, const struct vmexit *e, enum insn_kind kind)
{
    uint8_t bytes[INSN_MAX_BYTES];
    const uint8_t *at;
    struct insn in;
    size_t n;
    uint32_t len;

    if (e->insn_len != 0) {
        advance_rip(v, e->insn_len);
        return true;
    }
    n = fetch_insn(v, bytes, &at);
    len = plain_len(kind, at, n);
    if (len == 0) {
        fetched_to(bytes, at, n);
        if (!decode_fetched(v, bytes, n, &in))
            return false;
        if (in.kind != kind) {
            domain_crash(dom(v), "the instruction at rip 0x%lx changed under its exit (0x%lx)",
                         (unsigned long)v->regs.rip, (unsigned long)e->vendor_code);
            return false;
        }
        len = in.len;
    }
    advance_rip(v, len);
    return true;
}

static void handle_hypercall(struct vcpu *v, const struct vmexit *e)
{
    if (skip_insn(v, e, INSN_VMMCALL))
        hypercall_dispatch(v);
}

static void handle_cpuid(struct vcpu *v, const struct vmexit *e)
{
    struct hal_cpuid out;

    if (!skip_insn(v, e, INSN_CPUID))
        return;
    cpuid_policy_guest(v, (uint32_t)v->regs.rax, (uint32_t)v->regs.rcx, &out);
    v->regs.rax = out.eax;
    v->regs.rbx = out.ebx;
    v->regs.rcx = out.ecx;
    v->regs.rdx = out.edx;
}

static void handle_rdmsr(struct vcpu *v, const struct vmexit *e)
{
    uint32_t msr = (uint32_t)v->regs.rcx;
    uint64_t val;
    int rc = vlapic_msr_handled(msr) ? vlapic_msr_read(v, msr, &val) : msr_policy_read(v, msr, &val);

    if (rc != 0) {
        vcpu_inject_exception(v, X86_EXC_GP, true, 0);
        return;
    }
    if (!skip_insn(v, e, INSN_RDMSR))
        return;
    v->regs.rax = (uint32_t)val;
    v->regs.rdx = val >> 32;
}

static void handle_wrmsr(struct vcpu *v, const struct vmexit *e)
{
    uint32_t msr = (uint32_t)v->regs.rcx;
    uint64_t val = ((v->regs.rdx & 0xFFFFFFFFULL) << 32) | (v->regs.rax & 0xFFFFFFFFULL);
    int rc = vlapic_msr_handled(msr) ? vlapic_msr_write(v, msr, val) : msr_policy_write(v, msr, val);

    if (rc != 0) {
        vcpu_inject_exception(v, X86_EXC_GP, true, 0);
        return;
    }
    (void)skip_insn(v, e, INSN_WRMSR);
}

/* Whether any vCPU of d is still up. */
static bool any_vcpu_up(const struct domain *d)
{
    for (uint32_t i = 0; i < d->guest.nr_vcpus; i++)
        if (d->guest.vcpus[i].run_state != VCPU_DOWN)
            return true;
    return false;
}

/*
 * HLT waits for an interrupt: none if an event is already pending (sti;
 * hlt races with it).  With interrupts off nothing can ever wake it: the
 * vCPU goes down, and a domain whose vCPUs are all down is powered off, as
 * Xen does (it is how a guest without ACPI halts the machine).
 */
static void handle_hlt(struct vcpu *v, const struct vmexit *e)
{
    uint8_t vector;

    if (!skip_insn(v, e, INSN_HLT))
        return;
    if ((v->regs.rflags & VCPU_RFLAGS_IF) == 0) {
        v->run_state = VCPU_DOWN;
        if (!any_vcpu_up(dom(v))) {
            hv_print("d%u: all vCPUs halted with interrupts off: powering off\n", dom(v)->id);
            domain_shutdown(dom(v), SHUTDOWN_poweroff);
        }
        return;
    }
    if (!evtchn_upcall_vector(v, &vector) && vlapic_pending_vector(v) < 0)
        v->run_state = VCPU_BLOCKED;
}

/* IN from a port nobody claims reads all-ones, merged into rax as hardware does. */
static void io_in_all_ones(struct vcpu *v, unsigned size)
{
    if (size == 1)
        v->regs.rax |= 0xFFULL;
    else if (size == 2)
        v->regs.rax |= 0xFFFFULL;
    else
        v->regs.rax = 0xFFFFFFFFULL;   /* 32-bit destinations zero-extend */
}

static uint64_t addr_mask(const struct vcpu *v)
{
    return v->state.cs_mode == VCPU_CS_64 ? ~0ULL
         : v->state.cs_mode == VCPU_CS_32 ? 0xFFFFFFFFULL : 0xFFFFULL;
}

/*
 * INS/OUTS to an unclaimed port: INS stores all-ones at es:rdi, OUTS only
 * consumes.  A long REP is done a page at a time (rip stays on the
 * instruction until rcx reaches 0, as an interrupted REP would).  Segments
 * are taken as flat (PVH guests run with flat segments).
 */
static bool io_string(struct vcpu *v, uint64_t qual, unsigned size)
{
    static uint8_t ones[STRING_IO_MAX_BYTES];
    uint64_t mask = addr_mask(v);
    bool rep = (qual & VMEXIT_IO_REP) != 0;
    uint64_t count = rep ? (v->regs.rcx & mask) : 1;
    uint64_t n = count < STRING_IO_MAX_BYTES / size ? count : STRING_IO_MAX_BYTES / size;
    bool down = (v->regs.rflags & (1ULL << 10)) != 0;   /* EFLAGS.DF */
    uint64_t bytes = n * size;
    uint64_t *ptr = (qual & VMEXIT_IO_IN) != 0 ? &v->regs.rdi : &v->regs.rsi;
    uint64_t start = down ? ((*ptr - bytes + size) & mask) : (*ptr & mask);

    for (size_t i = 0; i < sizeof(ones); i++)
        ones[i] = 0xFF;

    if ((qual & VMEXIT_IO_IN) != 0 && bytes != 0 &&
        copy_to_guest_linear(&dom(v)->p2m, &v->state.paging, start, ones, (size_t)bytes) != 0) {
        vcpu_inject_exception(v, X86_EXC_GP, true, 0);
        return false;
    }
    *ptr = (down ? *ptr - bytes : *ptr + bytes) & mask;
    if (rep)
        v->regs.rcx = (v->regs.rcx & ~mask) | ((count - n) & mask);
    return !rep || count == n;
}

static void handle_io(struct vcpu *v, const struct vmexit *e)
{
    unsigned size = (unsigned)((e->qual & VMEXIT_IO_SIZE_MASK) >> VMEXIT_IO_SIZE_SHIFT);
    unsigned port = (unsigned)(e->qual & VMEXIT_IO_PORT_MASK);
    struct insn in;
    uint32_t len = e->insn_len;

    if (size != 1 && size != 2 && size != 4) {
        domain_crash(dom(v), "port I/O exit with access size %u", size);
        return;
    }
    hv_debug("d%u: unclaimed I/O port 0x%x (%s, %u bytes)\n", dom(v)->id, port,
             (e->qual & VMEXIT_IO_IN) != 0 ? "in" : "out", size);
    if (len == 0) {
        if (!decode_at_rip(v, &in))
            return;
        len = in.len;
    }
    if ((e->qual & VMEXIT_IO_STRING) != 0) {
        if (io_string(v, e->qual, size))
            advance_rip(v, len);
        return;
    }
    if ((e->qual & VMEXIT_IO_IN) != 0)
        io_in_all_ones(v, size);
    advance_rip(v, len);
}

static bool insn_is_mmio_load(enum insn_kind k)
{
    return k == INSN_MOV_FROM_MEM || k == INSN_MOVZX_FROM_MEM || k == INSN_MOVSX_FROM_MEM ||
           k == INSN_XCHG_MEM;   /* xchg: the load reads all-ones, the store is dropped */
}

/* ALU instructions on the memory operand: read-modify-write, or a compare or test. */
static bool insn_is_mmio_alu(enum insn_kind k)
{
    return k >= INSN_ALU_TO_MEM && k <= INSN_CMPXCHG_MEM;
}

/*
 * Fetch and decode the instruction at rip for an MMIO access at gpa; false,
 * with the domain crashed naming the bytes and the address, when it cannot
 * be read or is not one of the memory instructions emulated.
 */
static bool decode_mmio(struct vcpu *v, uint64_t gpa, struct insn *in)
{
    uint8_t b[INSN_MAX_BYTES] = { 0 };
    const uint8_t *at;
    size_t n = fetch_insn(v, b, &at);

    fetched_to(b, at, n);
    if (n == 0) {
        domain_crash(dom(v), "cannot read the instruction at rip 0x%lx (MMIO at gpa 0x%lx)",
                     (unsigned long)v->regs.rip, (unsigned long)gpa);
        return false;
    }
    if (insn_decode(b, n, v->state.cs_mode, in) == 0 &&
        (in->kind == INSN_MOV_TO_MEM || insn_is_mmio_load(in->kind) || insn_is_mmio_alu(in->kind)))
        return true;
    domain_crash(dom(v), "no MMIO emulation for %02x %02x %02x %02x %02x %02x at rip 0x%lx (gpa 0x%lx)",
                 b[0], b[1], b[2], b[3], b[4], b[5], (unsigned long)v->regs.rip, (unsigned long)gpa);
    return false;
}

/* All-ones in an operand of `size` bytes: what a read answers when nothing drives the bus. */
static uint64_t all_ones(unsigned size)
{
    return size >= 8U ? ~0ULL : (1ULL << (8U * size)) - 1U;
}

/*
 * Complete an ALU instruction whose memory operand read `mem`: registers
 * and status flags as the CPU leaves them (the arithmetic is insn_alu's).
 * The memory operand is the destination, except for ALU_FROM_MEM (op reg,
 * mem) and CMPXCHG (which compares rAX with it).  What the instruction
 * would write to memory is not computed: unbacked MMIO drops it.
 */
static void mmio_alu_complete(struct vcpu_regs *r, const struct insn *in, uint64_t mem)
{
    uint64_t dst = mem, src = 0, res = 0, status;

    if (in->kind != INSN_UNARY_MEM)
        src = insn_operand_value(in, r);
    if (in->kind == INSN_ALU_FROM_MEM) {
        dst = src;
        src = mem;
    } else if (in->kind == INSN_CMPXCHG_MEM) {
        dst = insn_reg_read(r, 0, in->size, false);
        src = mem;
    }
    if (in->kind != INSN_BT_MEM)
        res = insn_alu_result(in->alu, in->size, dst, src, r->rflags);
    status = insn_alu_status(in->alu, in->size, dst, src, r->rflags);
    if (in->kind == INSN_ALU_FROM_MEM && in->alu != INSN_ALU_CMP)
        insn_reg_write(r, in->reg, in->size, in->reg_high, res);
    else if (in->kind == INSN_XADD_MEM)                 /* the register gets the old memory value */
        insn_reg_write(r, in->reg, in->size, in->reg_high, mem);
    else if (in->kind == INSN_CMPXCHG_MEM && res != 0)  /* unequal: rAX gets the memory value */
        insn_reg_write(r, 0, in->size, false, mem);
    r->rflags = (r->rflags & ~INSN_ALU_STATUS) | status;
}

/*
 * A guest access to guest-physical memory that is not RAM (no p2m entry):
 * unbacked MMIO, as on a machine where nothing answers.  The memory operand
 * reads as all-ones and writes are dropped, whatever the instruction: a
 * load, a store, an XCHG, or an ALU instruction (registers and flags as the
 * CPU leaves them for an all-ones operand, mmio_alu_complete).  Anything
 * else crashes the domain with the bytes and the address, so the reason is
 * visible.
 */
static void handle_unbacked_mmio(struct vcpu *v, const struct vmexit *e)
{
    struct insn in;

    if (!decode_mmio(v, e->qual, &in))
        return;
    if (insn_is_mmio_load(in.kind))
        insn_mmio_load_result(&in, &v->regs, ~0ULL);
    else if (insn_is_mmio_alu(in.kind))
        mmio_alu_complete(&v->regs, &in, all_ones(in.size));
    hv_debug("d%u: unbacked MMIO at gpa 0x%lx: %s\n", dom(v)->id, (unsigned long)e->qual,
             in.kind == INSN_MOV_TO_MEM ? "write dropped"
             : insn_is_mmio_load(in.kind) ? "read as all-ones" : "read as all-ones, any write dropped");
    advance_rip(v, in.len);
}

/*
 * The local APIC page in xAPIC mode: loads and stores go to the emulated
 * registers (an XCHG does both).  False when the access is not one the
 * vLAPIC takes (outside the page, a bad width), which then goes the
 * unbacked-MMIO way.  ALU instructions crash the domain: the xAPIC's
 * registers are made for aligned loads and stores, no guest we know
 * combines them in place, and reading them as all-ones would be wrong.
 */
static bool handle_lapic_mmio(struct vcpu *v, const struct vmexit *e)
{
    struct insn in;
    uint64_t val = 0;

    if (!decode_mmio(v, e->qual, &in))
        return true;                        /* the domain crashed with the reason */
    if (insn_is_mmio_load(in.kind)) {
        if (vlapic_mmio_read(v, e->qual, in.size, &val) != 0)
            return false;
        if (in.kind == INSN_XCHG_MEM &&
            vlapic_mmio_write(v, e->qual, in.size, insn_operand_value(&in, &v->regs)) != 0)
            return false;
        insn_mmio_load_result(&in, &v->regs, val);
    } else if (in.kind == INSN_MOV_TO_MEM) {
        if (vlapic_mmio_write(v, e->qual, in.size, insn_operand_value(&in, &v->regs)) != 0)
            return false;
    } else {
        domain_crash(dom(v), "ALU instruction on the xAPIC page at gpa 0x%lx not emulated (rip 0x%lx)",
                     (unsigned long)e->qual, (unsigned long)v->regs.rip);
        return true;
    }
    advance_rip(v, in.len);
    return true;
}

static void handle_npf(struct vcpu *v, const struct vmexit *e)
{
    mfn_t mfn;
    unsigned access;

    if ((e->info & VMEXIT_NPF_WALK) != 0) {
        domain_crash(dom(v), "guest page tables at gpa 0x%lx are not in guest RAM",
                     (unsigned long)e->qual);
        return;
    }
    if (p2m_lookup(&dom(v)->p2m, e->qual >> PAGE_SHIFT, &mfn, &access) == 0) {
        domain_crash(dom(v), "%s access to gpa 0x%lx denied by the p2m (rip 0x%lx)",
                     (e->info & VMEXIT_NPF_WRITE) != 0 ? "write"
                     : (e->info & VMEXIT_NPF_FETCH) != 0 ? "instruction fetch" : "read",
                     (unsigned long)e->qual, (unsigned long)v->regs.rip);
        return;
    }
    if ((e->info & VMEXIT_NPF_FETCH) != 0) {
        domain_crash(dom(v), "instruction fetch from gpa 0x%lx, which is not RAM",
                     (unsigned long)e->qual);
        return;
    }
    if (vlapic_mmio_covers(v, e->qual) && handle_lapic_mmio(v, e))
        return;
    handle_unbacked_mmio(v, e);
}

/*
 * #UD is intercepted only to find VMCALL, the Intel hypercall instruction,
 * executed by a guest that believes it runs on Intel: handled as VMMCALL.
 * Every other #UD goes back to the guest untouched.
 */
static void handle_exception(struct vcpu *v, const struct vmexit *e)
{
    struct insn in;
    uint8_t bytes[INSN_MAX_BYTES];
    const uint8_t *at;
    size_t n;

    if (e->qual == X86_EXC_UD) {
        n = fetch_insn(v, bytes, &at);
        fetched_to(bytes, at, n);
        if (n != 0 && insn_decode(bytes, n, v->state.cs_mode, &in) == 0 && in.kind == INSN_VMCALL) {
            advance_rip(v, in.len);
            hypercall_dispatch(v);
            return;
        }
        vcpu_inject_exception(v, X86_EXC_UD, false, 0);
        return;
    }
    /* Vectors 8, 10-14, 17, 21 carry an error code. */
    vcpu_inject_exception(v, (uint8_t)e->qual,
                          e->qual == 8 || (e->qual >= 10 && e->qual <= 14) || e->qual == 17 ||
                              e->qual == 21,
                          (uint32_t)e->info);
}

void vcpu_handle_exit(struct vcpu *v, const struct vmexit *e)
{
    switch (e->reason) {
    case VMEXIT_HYPERCALL: handle_hypercall(v, e); break;
    case VMEXIT_CPUID: handle_cpuid(v, e); break;
    case VMEXIT_RDMSR: handle_rdmsr(v, e); break;
    case VMEXIT_WRMSR: handle_wrmsr(v, e); break;
    case VMEXIT_IO: handle_io(v, e); break;
    case VMEXIT_NPF: handle_npf(v, e); break;
    case VMEXIT_HLT: handle_hlt(v, e); break;
    case VMEXIT_EXCEPTION: handle_exception(v, e); break;
    case VMEXIT_INTR:
        hal_irq_window();      /* the host timer's interrupt, taken and acknowledged now */
        break;
    case VMEXIT_IRQ_WINDOW:    /* the scheduler injects the waiting interrupt at the next entry */
    case VMEXIT_NMI:
    case VMEXIT_NONE:
        break;
    case VMEXIT_TRIPLE_FAULT:
        domain_crash(dom(v), "triple fault (rip 0x%lx)", (unsigned long)v->regs.rip);
        break;
    case VMEXIT_INVALID_STATE:
        domain_crash(dom(v), "the CPU refused the vCPU state (VMRUN failed, rip 0x%lx)",
                     (unsigned long)v->regs.rip);
        break;
    case VMEXIT_UNHANDLED:
    default:
        domain_crash(dom(v), "unhandled exit 0x%lx (rip 0x%lx)", (unsigned long)e->vendor_code,
                     (unsigned long)v->regs.rip);
        break;
    }
}
