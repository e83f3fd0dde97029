// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hosted HAL: machine memory is a host array, the clock only moves when a
 * test moves it, and the serial line is a growing buffer tests can read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal/events.h"
#include "hal/hal.h"
#include "hal/mem.h"
#include "hal/mem_copy.h"
#include "hv/fault.h"
#include "hv/setup.h"
#include "sim.h"

static void sim_events_reset(void);

#define SIM_CPUID_SLOTS 64
#define SIM_SERIAL_MAX  (1024 * 1024)
#define SIM_MSR_SLOTS   64

struct sim_cpuid_entry {
    bool used;
    uint32_t leaf, subleaf;
    struct hal_cpuid regs;
};

/* Machine memory: the window of hal/mem.h (its inline views read it), set by
 * sim_reset to a calloc'ed block of frames; base 0 and no frames before. */
static uint8_t *machine_memory(void)
{
    return (uint8_t *)hal_mem_window.base;
}

static uint64_t machine_bytes(void)
{
    return hal_mem_window.frames * PAGE_SIZE;
}

static uint64_t scrub_count;
static char serial_buffer[SIM_SERIAL_MAX + 1];
static size_t serial_length;
static uint32_t serial_baud;
static struct sim_cpuid_entry cpuid_table[SIM_CPUID_SLOTS];
static uint64_t clock_ns;
struct sim_irq {
    uint64_t at_ns;
    uint64_t seq;
    uint8_t vector;
};
static struct sim_irq irq_queue[SIM_IRQ_QUEUE_MAX];
static size_t irq_count;
static uint64_t irq_seq;
static struct { bool used; uint32_t msr; uint64_t value; } msr_table[SIM_MSR_SLOTS];
static bool debug_exit_enabled;
static int64_t debug_exit_status = -1;
static void (*stop_handler)(enum sim_stop_reason reason);

void sim_reset(size_t nr_frames)
{
    uint8_t *memory;

    free(machine_memory());
    memory = calloc(nr_frames ? nr_frames : 1, PAGE_SIZE);
    if (memory == NULL) {
        fprintf(stderr, "sim: cannot allocate %zu frames\n", nr_frames);
        abort();
    }
    hal_mem_window.base = (uintptr_t)memory;
    hal_mem_window.frames = nr_frames;
    scrub_count = 0;
    serial_length = 0;
    serial_buffer[0] = '\0';
    serial_baud = 0;
    sim_events_reset();
    memset(cpuid_table, 0, sizeof(cpuid_table));
    memset(msr_table, 0, sizeof(msr_table));
    clock_ns = 0;
    irq_count = 0;
    irq_seq = 0;
    debug_exit_enabled = false;
    debug_exit_status = -1;
}

size_t sim_nr_frames(void)
{
    return hal_mem_window.frames;
}

uint8_t *sim_frame(mfn_t mfn)
{
    return hal_mem_frame_inline(mfn);
}

bool sim_write_phys(uint64_t paddr, const void *data, size_t len)
{
    uint64_t limit = machine_bytes();

    if (machine_memory() == NULL || paddr > limit || len > limit - paddr)
        return false;
    memcpy(machine_memory() + paddr, data, len);
    return true;
}

void sim_dirty_frame(mfn_t mfn, uint8_t pattern)
{
    uint8_t *frame = sim_frame(mfn);

    if (frame != NULL)
        memset(frame, pattern, PAGE_SIZE);
}

bool sim_frame_is_zero(mfn_t mfn)
{
    const uint8_t *frame = sim_frame(mfn);

    if (frame == NULL)
        return false;
    for (size_t i = 0; i < PAGE_SIZE; i++)
        if (frame[i] != 0)
            return false;
    return true;
}

uint64_t sim_scrub_count(void)
{
    return scrub_count;
}

const char *sim_serial_output(void)
{
    return serial_buffer;
}

size_t sim_serial_length(void)
{
    return serial_length;
}

void sim_serial_clear(void)
{
    serial_length = 0;
    serial_buffer[0] = '\0';
}

uint32_t sim_serial_baud(void)
{
    return serial_baud;
}

void sim_cpuid_set(uint32_t leaf, uint32_t subleaf, uint32_t eax, uint32_t ebx,
                   uint32_t ecx, uint32_t edx)
{
    struct sim_cpuid_entry *free_slot = NULL;

    for (size_t i = 0; i < SIM_CPUID_SLOTS; i++) {
        struct sim_cpuid_entry *e = &cpuid_table[i];
        if (e->used && e->leaf == leaf && e->subleaf == subleaf) {
            free_slot = e;
            break;
        }
        if (!e->used && free_slot == NULL)
            free_slot = e;
    }
    if (free_slot == NULL)
        abort();
    free_slot->used = true;
    free_slot->leaf = leaf;
    free_slot->subleaf = subleaf;
    free_slot->regs = (struct hal_cpuid){ eax, ebx, ecx, edx };
}

void sim_msr_set(uint32_t msr, uint64_t value)
{
    for (size_t i = 0; i < SIM_MSR_SLOTS; i++) {
        if (!msr_table[i].used || msr_table[i].msr == msr) {
            msr_table[i].used = true;
            msr_table[i].msr = msr;
            msr_table[i].value = value;
            return;
        }
    }
    abort();
}

void sim_clock_advance(uint64_t ns)
{
    clock_ns += ns;
}

bool sim_irq_schedule(uint64_t at_ns, uint8_t vector)
{
    if (irq_count == SIM_IRQ_QUEUE_MAX)
        return false;
    irq_queue[irq_count++] = (struct sim_irq){ at_ns, irq_seq++, vector };
    return true;
}

size_t sim_irq_pending(void)
{
    return irq_count;
}

bool sim_irq_next(uint8_t *vector)
{
    size_t best = 0;

    if (irq_count == 0)
        return false;
    for (size_t i = 1; i < irq_count; i++) {
        const struct sim_irq *a = &irq_queue[i], *b = &irq_queue[best];
        if (a->at_ns < b->at_ns || (a->at_ns == b->at_ns && a->seq < b->seq))
            best = i;
    }
    if (irq_queue[best].at_ns > clock_ns)
        clock_ns = irq_queue[best].at_ns;
    *vector = irq_queue[best].vector;
    irq_queue[best] = irq_queue[--irq_count];
    return true;
}

void sim_set_stop_handler(void (*handler)(enum sim_stop_reason reason))
{
    stop_handler = handler;
}

int64_t sim_debug_exit_status(void)
{
    return debug_exit_status;
}

/* ---- the HAL itself ----------------------------------------------------- */

void hal_serial_init(uint32_t baud)
{
    serial_baud = baud;
}

void hal_serial_write(const char *buf, size_t len)
{
    size_t room = SIM_SERIAL_MAX - serial_length;

    if (len > room)
        len = room;
    memcpy(serial_buffer + serial_length, buf, len);
    serial_length += len;
    serial_buffer[serial_length] = '\0';
}

mfn_t hal_machine_frames(void)
{
    return hal_mem_window.frames;
}

void hal_frame_scrub(mfn_t mfn)
{
    uint8_t *frame = sim_frame(mfn);

    /* The core must never scrub a frame the machine does not have. */
    if (frame == NULL)
        abort();
    memset(frame, 0, PAGE_SIZE);
    scrub_count++;
}

void *hal_phys_map(uint64_t paddr, uint64_t len)
{
    uint64_t limit = machine_bytes();

    /* Like bare metal, the first page is never mapped. */
    if (machine_memory() == NULL || paddr < PAGE_SIZE || paddr > limit || len > limit - paddr)
        return NULL;
    return machine_memory() + paddr;
}

const void *hal_phys_view(uint64_t paddr, uint64_t len)
{
    return hal_phys_map(paddr, len);
}

uint64_t *hal_table_map(mfn_t mfn)
{
    /* Machine memory comes from calloc: 8-byte aligned, so this view is valid. */
    return (uint64_t *)(void *)sim_frame(mfn);
}

uint8_t *hal_frame_map(mfn_t mfn)
{
    return sim_frame(mfn);
}

/* The window machine_memory() reads (above). */
struct hal_mem_window hal_mem_window;

void hal_mem_copy_out(char *d, const uint8_t *s, size_t n)
{
    memcpy(d, s, n);
}

void hal_mem_copy_in(uint8_t *d, const char *s, size_t n)
{
    memcpy(d, s, n);
}

void hal_cpuid(uint32_t leaf, uint32_t subleaf, struct hal_cpuid *out)
{
    for (size_t i = 0; i < SIM_CPUID_SLOTS; i++) {
        const struct sim_cpuid_entry *e = &cpuid_table[i];
        if (e->used && e->leaf == leaf && e->subleaf == subleaf) {
            *out = e->regs;
            return;
        }
    }
    *out = (struct hal_cpuid){ 0, 0, 0, 0 };
}

uint64_t hal_rdmsr(uint32_t msr)
{
    for (size_t i = 0; i < SIM_MSR_SLOTS; i++)
        if (msr_table[i].used && msr_table[i].msr == msr)
            return msr_table[i].value;
    return 0;
}

uint64_t hal_time_ns(void)
{
    return clock_ns;
}

void hal_delay_ns(uint64_t ns)
{
    clock_ns += ns;
}

/* The simulated TSC: 1 GHz, 0x1000000 at boot, so conversions are visible. */
#define SIM_TSC_AT_BOOT 0x1000000ULL

uint64_t hal_rdtsc(void)
{
    return SIM_TSC_AT_BOOT + clock_ns;
}

uint64_t hal_tsc_hz(void)
{
    return 1000000000ULL;
}

uint64_t hal_tsc_at_boot(void)
{
    return SIM_TSC_AT_BOOT;
}

/* Idle: time jumps to the deadline, unless console input is waiting. */
void hal_idle_until(uint64_t deadline_ns)
{
    if (deadline_ns > clock_ns && !hal_serial_input_ready())
        clock_ns = deadline_ns;
}

/* ---- host timer and console input (hal/events.h) ------------------------- */

static uint64_t timer_deadline_ns;
static uint64_t timer_arm_count;
static char serial_input[SIM_SERIAL_INPUT_MAX];
static size_t serial_in_prod, serial_in_cons;

static void sim_events_reset(void)
{
    timer_deadline_ns = 0;
    timer_arm_count = 0;
    serial_in_prod = serial_in_cons = 0;
}

void hal_timer_arm(uint64_t deadline_ns)
{
    timer_deadline_ns = deadline_ns;
    timer_arm_count++;
}

uint64_t sim_timer_deadline(void)
{
    return timer_deadline_ns;
}

uint64_t sim_timer_arm_count(void)
{
    return timer_arm_count;
}

void hal_irq_window(void)
{
}

uint64_t hal_timer_interrupts(void)
{
    return 0;
}

bool sim_serial_input(const char *text, size_t len)
{
    if (len > SIM_SERIAL_INPUT_MAX - (serial_in_prod - serial_in_cons))
        return false;
    for (size_t i = 0; i < len; i++)
        serial_input[serial_in_prod++ % SIM_SERIAL_INPUT_MAX] = text[i];
    return true;
}

bool hal_serial_input_ready(void)
{
    return serial_in_prod != serial_in_cons;
}

bool hal_serial_getc(char *c)
{
    if (!hal_serial_input_ready())
        return false;
    *c = serial_input[serial_in_cons++ % SIM_SERIAL_INPUT_MAX];
    return true;
}

/* The simulator has no exception entry: report a #UD as the CPU would have. */
void hal_selftest_fault(void)
{
    struct cpu_fault_frame frame = { .vector = X86_EXC_UD, .rip = 0xffff800000001000ULL,
                                     .cs = 0x08, .rflags = 0x2, .rsp = 0x7ff0, .ss = 0x10 };
    struct cpu_fault_extra extra = { .cr0 = 0x80050033ULL };

    fault_report(&frame, &extra);
    hv_fatal_stop();
}

void hal_debug_exit_enable(void)
{
    debug_exit_enabled = true;
}

void hal_debug_exit(uint32_t status)
{
    if (debug_exit_enabled)
        debug_exit_status = status;
}

static HV_NORETURN void sim_stop(enum sim_stop_reason reason)
{
    if (stop_handler != NULL)
        stop_handler(reason);
    fprintf(stderr, "sim: machine stopped (%s) with no handler installed\n",
            reason == SIM_STOP_HALT ? "halt" : "reboot");
    abort();
}

void hal_halt(void)
{
    sim_stop(SIM_STOP_HALT);
}

void hal_reboot(void)
{
    sim_stop(SIM_STOP_REBOOT);
}
