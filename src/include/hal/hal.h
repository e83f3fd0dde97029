/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The whole hardware interface the core may use.  Bare metal implements it in
 * src/hal/x86_64/, the simulator in sim/.  The contracts here are the trusted
 * base of every proof: WP assumes them, tests and the simulator check them.
 */
#ifndef HAL_HAL_H
#define HAL_HAL_H

#include "hv/types.h"

/* ---- console ------------------------------------------------------------ */

/* Program the serial port (COM1) for the given baud rate, 8n1. */
void hal_serial_init(uint32_t baud);

/*@ requires \valid_read(buf + (0 .. len - 1));
    assigns \nothing; */
void hal_serial_write(const char *buf, size_t len);

/* ---- machine memory ------------------------------------------------------ */

/*
 * Abstract model of machine memory for proofs: hal_frame_zero_model[f] != 0
 * means machine frame f reads as all zeroes.  The model is a ghost array
 * (never compiled, never allocated) so that writes to ordinary C memory
 * cannot disturb it: only hal functions assign it, and their contracts say
 * which frames they touch.  Only hal_frame_scrub sets an entry; a hal
 * function that writes machine memory must assign (clear) the entries of the
 * frames it writes.  Frames at or beyond HAL_MODEL_FRAMES do not exist.
 */
#define HAL_MODEL_FRAMES 0x100000000ULL
/*@ ghost extern uint8_t hal_frame_zero_model[HAL_MODEL_FRAMES]; */
/*@ axiomatic HalMachineMemory {
      predicate hal_frame_is_zero{L}(integer mfn) =
        0 <= mfn < HAL_MODEL_FRAMES && \at(hal_frame_zero_model[mfn], L) != 0;
    }
*/

/* Highest machine frame number the platform may hand out, plus one. */
mfn_t hal_machine_frames(void);

/* Fill machine frame mfn with zeroes. */
/*@ requires mfn < HAL_MODEL_FRAMES;
    assigns hal_frame_zero_model[mfn];
    ensures hal_frame_is_zero{Post}(mfn); */
void hal_frame_scrub(mfn_t mfn);

/*
 * A read-only view of `len` bytes of physical memory at `paddr`, used only
 * while booting (multiboot information, modules).  NULL when the range is not
 * accessible (beyond the boot mapping, wrapping, or in the unmapped first page).
 */
/*@ assigns \nothing;
    ensures \result == \null || \valid_read((const uint8_t *)\result + (0 .. len - 1)); */
const void *hal_phys_view(uint64_t paddr, uint64_t len);

/*
 * A writable view of RAM the hypervisor has taken for itself (the frame
 * table, the console ring), or NULL when the range is not mapped.
 */
void *hal_phys_map(uint64_t paddr, uint64_t len);

/*
 * The hypervisor's mapping of one machine frame, as a page-table page (512
 * entries) or as bytes.  Valid for every frame below hal_machine_frames();
 * NULL otherwise.  All guest memory and p2m accesses go through these two.
 */
uint64_t *hal_table_map(mfn_t mfn);
uint8_t *hal_frame_map(mfn_t mfn);

/* ---- CPU ------------------------------------------------------------------ */

struct hal_cpuid {
    uint32_t eax, ebx, ecx, edx;
};

/* The host CPU's answer to CPUID(leaf, subleaf) (the simulator answers from a table). */
/*@ requires \valid(out);
    assigns *out; */
void hal_cpuid(uint32_t leaf, uint32_t subleaf, struct hal_cpuid *out);

/*
 * Read a model-specific register.  Callers only read MSRs whose presence a
 * CPUID bit has shown (an absent MSR faults on hardware).
 */
uint64_t hal_rdmsr(uint32_t msr);

/* ---- AMD SVM ---------------------------------------------------------------- */

struct vcpu_regs;

/*
 * Turn SVM on for this CPU: EFER.SVME and VM_HSAVE_PA = hsave (a 4 KiB
 * hypervisor frame the CPU keeps host state in across VMRUN).  false when
 * the CPU refuses (no SVM, or locked off by firmware).
 */
bool hal_svm_enable(mfn_t hsave);

/*
 * Run the guest of VMCB `vmcb` until its next #VMEXIT: the guest's FS, GS,
 * TR, LDTR, STAR/LSTAR/CSTAR/SFMASK, KernelGSBase and SYSENTER MSRs are
 * switched with VMLOAD/VMSAVE (the host's kept in `host_save`), and every
 * general register except rax and rsp (which the VMCB holds) is loaded from
 * and saved back to *regs.  The simulator calls its exit hook instead.
 */
void hal_svm_run(mfn_t vmcb, mfn_t host_save, struct vcpu_regs *regs);

/*
 * The x87/SSE state (FXSAVE format, 512 bytes, 16-byte aligned) of the guest
 * that ran last, saved or loaded when another guest's vCPU takes the CPU.
 * The hypervisor itself never uses these registers (-mgeneral-regs-only).
 */
#define HAL_FPU_AREA_SIZE 512U
void hal_fpu_save(uint8_t *area);
void hal_fpu_restore(const uint8_t *area);

/* ---- time and interrupts ------------------------------------------------- */

/* Monotonic nanoseconds since boot (deterministic in the simulator). */
uint64_t hal_time_ns(void);

/* Busy-wait (the simulator just moves its clock). */
void hal_delay_ns(uint64_t ns);

/*
 * The time-stamp counter guests see (SVM runs them without a TSC offset) and
 * its calibrated frequency; pvclock records are built from these.  The
 * simulator's TSC runs at 1 GHz in step with hal_time_ns().
 */
/*@ assigns \nothing; */
uint64_t hal_rdtsc(void);
/*@ assigns \nothing;
    ensures \result > 0; */
uint64_t hal_tsc_hz(void);
/* TSC value at which hal_time_ns() was 0. */
/*@ assigns \nothing; */
uint64_t hal_tsc_at_boot(void);

/* Wait for an interrupt or until hal_time_ns() reaches deadline_ns,
 * whichever is first (the simulator moves its clock to the deadline). */
void hal_idle_until(uint64_t deadline_ns);

/* ---- test support ---------------------------------------------------------- */

/*
 * selftest=fault: take an invalid-opcode exception in hypervisor context so
 * the user can see the fatal exception report.  Does not return.
 */
HV_NORETURN void hal_selftest_fault(void);

/* ---- ending ---------------------------------------------------------------- */

/*
 * Test-only: end the emulator with `status` through QEMU's isa-debug-exit
 * device.  Does nothing unless enabled with hal_debug_exit_enable().
 */
void hal_debug_exit_enable(void);
void hal_debug_exit(uint32_t status);

HV_NORETURN void hal_halt(void);
HV_NORETURN void hal_reboot(void);

#endif /* HAL_HAL_H */
