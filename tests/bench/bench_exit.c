// SPDX-License-Identifier: GPL-2.0-only
/*
 * Exit path workload for `make bench`, run under callgrind with N exits and
 * with none (see scripts/bench.sh).  The guest is a 64-bit long-mode vCPU
 * (4-level guest paging over a 4-level NPT p2m) of the initial domain, its
 * code in a page of its own, as the bench guest (tests/guests/test-bench.c)
 * runs under QEMU:
 *   bench_exit hc <count>          VMMCALL exit record -> vcpu_handle_exit: xen_version(
 *                                  XENVER_version) result in rax, rip past the
 *                                  instruction, its length decoded from guest memory
 *   bench_exit hc_nrip <count>     the same with the vendor's instruction length (next-RIP)
 *   bench_exit cpuid <count>       CPUID exit record -> vcpu_handle_exit, length decoded
 *   bench_exit cpuid_nrip <count>  the same with the vendor's length
 *   bench_exit loop_hc <count>     the whole scheduler loop (sched_run): event delivery,
 *                                  the SVM layer's VMCB <-> vCPU state sync, the
 *                                  simulated VMRUN, the exit, the clock; no next-RIP
 *                                  (as under QEMU); the guest shuts down after <count>
 *   bench_exit loop_cpuid <count>  the same with CPUID exits
 *   bench_exit loop_hc_upcall <count>  loop_hc with an event channel upcall vector set
 *                                  (HVM_PARAM_CALLBACK_IRQ), as Linux has it: each entry
 *                                  reads evtchn_upcall_pending from the vcpu_info
 * The direct workloads check every result (rip, rax) and fail loudly if the
 * exit was not handled as the guest expects.  The set-up is the same for
 * every count, so it cancels out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/arch/x86_64/svm/vmcb.h"
#include "../unit/test_hc_fixture.h"
#include "hv/sched.h"
#include "hv/vlapic.h"

#define BENCH_DOM  0
#define CODE_PAGE  0U                      /* fixture page 0: linear FX_LIN(0) */
#define ARG_PAGE   1U                      /* SCHEDOP_shutdown's argument */
#define CODE_OFF   0x100U
#define CODE_LIN   (FX_LIN(CODE_PAGE) + CODE_OFF)

enum work { W_HC, W_HC_NRIP, W_CPUID, W_CPUID_NRIP, W_LOOP_HC, W_LOOP_CPUID, W_LOOP_HC_UPCALL };

static struct vcpu *v;
static uint64_t version;                    /* xen_version's answer to the warm-up call */
static long loop_left;                      /* exits the looping guest still takes */
static enum work loop_work;

static void die(const char *what)
{
    fprintf(stderr, "bench_exit: %s\n", what);
    exit(1);
}

/* The CPU state of a 64-bit guest in the VMCB (the SVM layer reads it after every exit). */
static void vmcb_long_mode(struct vmcb *vmcb)
{
    vmcb->save.cr0 = v->state.paging.cr0;
    vmcb->save.cr3 = v->state.paging.cr3;
    vmcb->save.cr4 = v->state.paging.cr4;
    vmcb->save.efer = v->state.paging.efer | (1ULL << 12);   /* SVME */
    vmcb->save.cs.attrib = 0xa9b;                             /* 64-bit code: L, P, G */
    vmcb->save.cpl = 0;
}

static void setup(void)
{
    static const uint8_t code[] = { 0x0F, 0x01, 0xD9, 0x0F, 0xA2 };   /* vmmcall; cpuid */
    struct domain *d;

    fx_machine();
    sim_cpuid_set(0, 0, 0x10, 0x68747541U, 0x444D4163U, 0x69746E65U);   /* AuthenticAMD */
    vcpu_vendor_cpu_reset();
    sim_svm_set_exit_hook(NULL, NULL);
    if (vcpu_vendor_cpu_init() != 0 || domain_create(BENCH_DOM, FX_MAX_PAGES, PTE_FORMAT_NPT) != 0 ||
        domain_populate(BENCH_DOM, 0, FX_RAM, P2M_ORDER_4K) != 0)
        die("domain");
    d = domain_find(BENCH_DOM);
    d->guest.start_flags = SIF_INITDOMAIN | SIF_PRIVILEGED;
    if (sched_add_domain(d, 0x1000, 0) != 0)
        die("vCPU");
    v = &d->guest.vcpus[0];
    fx_long_mode(v);
    vmcb_long_mode((struct vmcb *)(void *)sim_frame(v->vendor.ctl_mfn));
    fx_put(v, CODE_PAGE, CODE_OFF, code, sizeof(code));
    fx_put(v, ARG_PAGE, 0, &(uint32_t){ SHUTDOWN_poweroff }, sizeof(uint32_t));
}

static void exit_record(struct vmexit *e, enum work w)
{
    bool hc = w == W_HC || w == W_HC_NRIP;
    bool nrip = w == W_HC_NRIP || w == W_CPUID_NRIP;

    *e = (struct vmexit){ .reason = hc ? VMEXIT_HYPERCALL : VMEXIT_CPUID,
                          .vendor_code = hc ? SVM_EXIT_VMMCALL : SVM_EXIT_CPUID,
                          .insn_len = nrip ? (hc ? 3U : 2U) : 0U };
}

/* One exit handled by the dispatcher, as vcpu_vendor_run would have left the vCPU. */
static void one_exit(enum work w)
{
    struct vmexit e;
    bool hc = w == W_HC || w == W_HC_NRIP;
    uint64_t rip = CODE_LIN + (hc ? 0U : 3U);

    exit_record(&e, w);
    v->regs.rip = rip;
    v->regs.rax = hc ? HYPERVISOR_xen_version : 0;
    v->regs.rdi = XENVER_version;
    v->regs.rcx = 0;
    vcpu_handle_exit(v, &e);
    if (v->regs.rip != rip + (hc ? 3U : 2U))
        die("rip not past the instruction");
    if (hc && version == 0)
        version = v->regs.rax;
    if (hc && (v->regs.rax != version || (int64_t)version <= 0 || version == HYPERVISOR_xen_version))
        die("xen_version result");
    if (!hc && v->regs.rax == 0)
        die("cpuid leaf 0 result");
}

/* The looping guest (the simulated VMRUN): its next exit, then the shutdown. */
static void play(uint8_t *page, struct vcpu_regs *regs, void *ctx)
{
    struct vmcb *vmcb = (struct vmcb *)(void *)page;
    bool hc = loop_work != W_LOOP_CPUID;

    (void)ctx;
    vmcb->control.exit_int_info = 0;
    vmcb->control.exit_info1 = 0;
    vmcb->control.exit_info2 = 0;
    if (loop_left-- <= 0 || hc) {
        vmcb->save.rip = CODE_LIN;
        vmcb->save.rax = HYPERVISOR_xen_version;
        regs->rdi = XENVER_version;
        vmcb->control.exit_code = SVM_EXIT_VMMCALL;
        if (loop_left < 0) {
            vmcb->save.rax = HYPERVISOR_sched_op;
            regs->rdi = SCHEDOP_shutdown;
            regs->rsi = FX_LIN(ARG_PAGE);
        }
        return;
    }
    vmcb->save.rip = CODE_LIN + 3;
    vmcb->save.rax = 0;
    regs->rcx = 0;
    vmcb->control.exit_code = SVM_EXIT_CPUID;
}

static void run_loop(enum work w, long count)
{
    struct sched_summary s;

    loop_work = w;
    loop_left = count;
    sim_svm_set_exit_hook(play, NULL);
    sched_run(&s);
    if (s.nr_domains != 1 || s.nr_poweroff != 1 || loop_left != -1)
        die("the looping guest did not power off after its exits");
}

int main(int argc, char **argv)
{
    static const char *const names[] = { "hc", "hc_nrip", "cpuid", "cpuid_nrip", "loop_hc",
                                         "loop_cpuid", "loop_hc_upcall" };
    long count;
    int w = -1;

    if (argc != 3) {
        fprintf(stderr, "usage: bench_exit <hc|hc_nrip|cpuid|cpuid_nrip|loop_hc|loop_cpuid|"
                        "loop_hc_upcall> <count>\n");
        return 2;
    }
    for (int i = 0; i < (int)(sizeof(names) / sizeof(names[0])); i++)
        if (strcmp(argv[1], names[i]) == 0)
            w = i;
    if (w < 0)
        return 2;
    count = strtol(argv[2], NULL, 10);
    setup();
    if (w == W_LOOP_HC_UPCALL)
        v->domain->guest.hvm_params[HVM_PARAM_CALLBACK_IRQ] =
            (HVM_PARAM_CALLBACK_TYPE_VECTOR << HVM_PARAM_CALLBACK_TYPE_SHIFT) | 0xF3;
    if (w >= W_LOOP_HC) {
        run_loop((enum work)w, count);
        return 0;
    }
    one_exit((enum work)w);                 /* warm-up: sets the guest's accessed bits */
    for (long i = 0; i < count; i++)
        one_exit((enum work)w);
    return 0;
}
