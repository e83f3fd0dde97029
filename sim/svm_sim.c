// SPDX-License-Identifier: GPL-2.0-only
/* The simulator's SVM: VMRUN calls a test-provided hook that plays the guest. */
#include "sim.h"

#include "hal/hal.h"

#define SIM_EXIT_SHUTDOWN 0x07fULL
#define SIM_VMCB_EXIT_CODE 0x070U

static sim_svm_exit_hook *exit_hook;
static void *exit_ctx;
static bool refuse_enable;
static uint64_t runs;
static mfn_t hsave = INVALID_MFN;

void sim_svm_set_exit_hook(sim_svm_exit_hook *hook, void *ctx)
{
    exit_hook = hook;
    exit_ctx = ctx;
    runs = 0;
}

void sim_svm_refuse_enable(bool refuse)
{
    refuse_enable = refuse;
}

uint64_t sim_svm_runs(void)
{
    return runs;
}

mfn_t sim_svm_hsave(void)
{
    return hsave;
}

bool hal_svm_enable(mfn_t frame)
{
    if (refuse_enable)
        return false;
    hsave = frame;
    return true;
}

void hal_svm_run(mfn_t vmcb, mfn_t host_save, struct vcpu_regs *regs)
{
    uint8_t *page = sim_frame(vmcb);

    (void)host_save;
    runs++;
    if (exit_hook != NULL) {
        exit_hook(page, regs, exit_ctx);
        return;
    }
    for (unsigned i = 0; i < 8; i++)
        page[SIM_VMCB_EXIT_CODE + i] = (uint8_t)(SIM_EXIT_SHUTDOWN >> (8 * i));
}

/* The simulator has no FPU registers: saving records a marker, restoring checks nothing. */
void hal_fpu_save(uint8_t *area)
{
    area[0] = 0x5A;
}

void hal_fpu_restore(const uint8_t *area)
{
    (void)area;
}
