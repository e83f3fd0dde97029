/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Control interface of the hosted simulator: tests and fuzzers use it to set
 * up machine memory, CPUID answers and the clock, and to read what the core
 * wrote to the serial line.  The core itself only sees hal/hal.h.
 */
#ifndef SIM_SIM_H
#define SIM_SIM_H

#include "hv/types.h"

/* Reset the whole machine: `nr_frames` frames of zeroed machine memory. */
void sim_reset(size_t nr_frames);
size_t sim_nr_frames(void);

/* Host pointer to machine frame mfn (NULL when out of range). */
uint8_t *sim_frame(mfn_t mfn);
/* Copy bytes into machine memory at a physical address; false if out of range. */
bool sim_write_phys(uint64_t paddr, const void *data, size_t len);
/* Fill a frame with a non-zero pattern so tests can see scrubbing. */
void sim_dirty_frame(mfn_t mfn, uint8_t pattern);
bool sim_frame_is_zero(mfn_t mfn);
/* How many times hal_frame_scrub() ran since reset. */
uint64_t sim_scrub_count(void);

/* Serial output captured since reset or the last clear (NUL-terminated). */
const char *sim_serial_output(void);
size_t sim_serial_length(void);
void sim_serial_clear(void);
/* Console input: characters the next hal_serial_getc() calls return (false: no room). */
#define SIM_SERIAL_INPUT_MAX 4096U
bool sim_serial_input(const char *text, size_t len);

/* The host timer: last deadline armed (0 = disarmed) and how often it was armed. */
uint64_t sim_timer_deadline(void);
uint64_t sim_timer_arm_count(void);

/* Baud rate last programmed through hal_serial_init (0 if never). */
uint32_t sim_serial_baud(void);

/* CPUID answers the simulated CPU gives (all zero unless set). */
void sim_cpuid_set(uint32_t leaf, uint32_t subleaf, uint32_t eax, uint32_t ebx,
                   uint32_t ecx, uint32_t edx);

/* MSR values hal_rdmsr returns (0 unless set). */
void sim_msr_set(uint32_t msr, uint64_t value);

/* Deterministic clock. */
void sim_clock_advance(uint64_t ns);

/*
 * Interrupt queue: interrupts scheduled at a point of simulated time.  Taking
 * the next one moves the clock to its time (never backwards); interrupts due
 * at the same time come out in the order they were scheduled.
 */
#define SIM_IRQ_QUEUE_MAX 256
bool sim_irq_schedule(uint64_t at_ns, uint8_t vector);
size_t sim_irq_pending(void);
/* Take the earliest interrupt; false when the queue is empty. */
bool sim_irq_next(uint8_t *vector);

/*
 * hal_halt/hal_reboot cannot return; in the simulator they call the handler
 * installed here (which must longjmp out) or abort the process.
 */
enum sim_stop_reason { SIM_STOP_HALT = 1, SIM_STOP_REBOOT = 2 };
void sim_set_stop_handler(void (*handler)(enum sim_stop_reason reason));
/* Last status passed to hal_debug_exit while enabled, or -1. */
int64_t sim_debug_exit_status(void);

/*
 * SVM in the simulator.  hal_svm_enable() succeeds unless refused; each
 * hal_svm_run() calls the exit hook, which plays the guest: it reads and
 * changes the VMCB page (struct vmcb of src/arch/x86_64/svm/vmcb.h) and the
 * general registers, and must set the exit fields as the CPU would.  Without
 * a hook a run exits with SHUTDOWN (a triple fault).
 */
struct vcpu_regs;
typedef void sim_svm_exit_hook(uint8_t *vmcb, struct vcpu_regs *regs, void *ctx);
void sim_svm_set_exit_hook(sim_svm_exit_hook *hook, void *ctx);
void sim_svm_refuse_enable(bool refuse);
uint64_t sim_svm_runs(void);
mfn_t sim_svm_hsave(void);

#endif /* SIM_SIM_H */
