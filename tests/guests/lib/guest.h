/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The test-guest framework: a freestanding PVH guest that boots from the
 * PHYS32_ENTRY note, runs in 64-bit mode on an identity map of the low
 * 4 GiB, and ends with one verdict line in the words Xen's own test
 * framework uses.  See docs/TEST-GUESTS.md.
 *
 * A guest is one C file that defines `guest_test` and a run function; the
 * framework (lib/) does the rest: boot, console, traps, Xen detection,
 * verdict and shutdown.
 */
#ifndef GUEST_H
#define GUEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xen/pvh.h"
#include "xen/shared.h"
#include "xen_args.h"

#define GUEST_PAGE_SIZE 4096UL
#define GUEST_PAGE_ALIGNED __attribute__((aligned(4096)))
#define GUEST_NORETURN __attribute__((noreturn))
#define GUEST_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define GUEST_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- what a guest declares ------------------------------------------- */

/* The guest needs Xen: without the Xen CPUID leaves it reports SKIP. */
#define GUEST_NEEDS_XEN (1U << 0)
/*
 * The guest also means something on bare (emulated) hardware: with "bare"
 * on its command line it runs without Xen instead of skipping.  Used to
 * check the framework itself under plain QEMU.
 */
#define GUEST_BARE_OK (1U << 1)

struct guest_test {
    const char *name;
    unsigned int flags;
    void (*run)(void);
};

/* Each guest defines exactly one of these. */
extern const struct guest_test guest_test;

/* ---- environment ------------------------------------------------------ */

enum hypercall_mode {
    HC_NONE,      /* not on Xen */
    HC_VMMCALL,   /* AMD: 0f 01 d9 */
    HC_VMCALL,    /* Intel: 0f 01 c1 */
    HC_PAGE,      /* call through the hypercall page */
};

#define GUEST_MAX_MEMMAP 64
#define GUEST_CMDLINE_MAX 256

struct guest_env {
    bool on_xen;
    bool bare;                 /* running without Xen on purpose */
    bool vendor_amd;           /* AuthenticAMD or HygonGenuine */
    uint32_t xen_base;         /* CPUID base leaf of the Xen signature */
    uint32_t xen_max_leaf;     /* EAX of the base leaf */
    enum hypercall_mode hc_mode;
    const uint8_t *hypercall_page;   /* set when hc_mode == HC_PAGE */
    bool have_start_info;
    struct hvm_start_info start_info;            /* copy, taken at boot */
    uint32_t nr_memmap;
    struct hvm_memmap_table_entry memmap[GUEST_MAX_MEMMAP];
    char cmdline[GUEST_CMDLINE_MAX];
};

extern struct guest_env guest_env;

/* ---- output ----------------------------------------------------------- */

int guest_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int guest_snprintf(char *buf, size_t size, const char *fmt, ...) GUEST_PRINTF(3, 4);
void guest_printf(const char *fmt, ...) GUEST_PRINTF(1, 2);
/* Raw bytes to the console (console_io on Xen, else COM1 and port 0xe9). */
void guest_console_write(const char *s, size_t len);
void console_init(void);

/* ---- checks and verdicts ---------------------------------------------- */

/* One line per check: "  ok   <what>" or "  FAIL <what>"; returns ok. */
bool check(bool ok, const char *fmt, ...) GUEST_PRINTF(2, 3);
/* "  ok   <what>: rc <got>" when got == want, else FAIL with both values. */
bool check_rc(long got, long want, const char *fmt, ...) GUEST_PRINTF(3, 4);
/* As check_rc, accepting either of two results (ABI versions differ). */
bool check_rc2(long got, long want1, long want2, const char *fmt, ...) GUEST_PRINTF(4, 5);
/* A note line that is not a check. */
void note(const char *fmt, ...) GUEST_PRINTF(1, 2);

unsigned int guest_nr_failed(void);
unsigned int guest_nr_checks(void);
/* The text of the first failed check ("" while none failed). */
const char *guest_first_failure(void);
GUEST_NORETURN void guest_fail(const char *fmt, ...) GUEST_PRINTF(1, 2);
GUEST_NORETURN void guest_skip(const char *fmt, ...) GUEST_PRINTF(1, 2);
/* SUCCESS if every check passed, else FAILURE naming the first failed check. */
GUEST_NORETURN void guest_finish(void);

/* Exit statuses for QEMU's isa-debug-exit: QEMU exits with (v << 1) | 1. */
#define GUEST_EXIT_SUCCESS 0x10U   /* QEMU exit code 33 */
#define GUEST_EXIT_FAILURE 0x11U   /* 35 */
#define GUEST_EXIT_SKIP    0x12U   /* 37 */
GUEST_NORETURN void guest_shutdown(unsigned int exit_status);

/* ---- hypercalls ------------------------------------------------------- */

long hypercall5(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                uint64_t a5);
#define hypercall0(nr) hypercall5((nr), 0, 0, 0, 0, 0)
#define hypercall1(nr, a) hypercall5((nr), (uint64_t)(a), 0, 0, 0, 0)
#define hypercall2(nr, a, b) hypercall5((nr), (uint64_t)(a), (uint64_t)(b), 0, 0, 0)
#define hypercall3(nr, a, b, c) \
    hypercall5((nr), (uint64_t)(a), (uint64_t)(b), (uint64_t)(c), 0, 0)
/* Issue the instruction of `mode` directly (HC_VMMCALL or HC_VMCALL). */
long hypercall_insn(enum hypercall_mode mode, unsigned int nr, uint64_t a1, uint64_t a2,
                    uint64_t a3);
/* Install the hypercall page at `page` (WRMSR) and route hypercalls through it. */
void hypercall_use_page(void *page);

/* Scan CPUID 0x40000000.. for "XenVMMXenVMM"; fills guest_env. */
bool xen_detect(void);

/* Map shared_info at the page `page` (add_to_physmap); returns rc. */
long xen_map_shared_info(struct shared_info *page);
/* System time in ns from a pvclock record (retries while it is updated). */
uint64_t pvclock_read_ns(const volatile struct vcpu_time_info *t);
/*
 * Block about ms milliseconds on the vCPU's one-shot timer (VIRQ_TIMER on
 * the callback vector, SCHEDOP_block); 0 with the time slept, or the failing
 * hypercall's rc (-ETIME: the timer never came).  Maps shared_info at a
 * framework page and undoes the rest of its set-up (lib/sleep.c).
 */
long guest_sleep_ms(uint32_t ms, uint64_t *slept_ns);

/* ---- CPU helpers ------------------------------------------------------ */

struct cpuid_regs { uint32_t a, b, c, d; };
struct cpuid_regs cpuid_count(uint32_t leaf, uint32_t subleaf);
uint64_t rdmsr(uint32_t msr);
void wrmsr(uint32_t msr, uint64_t val);
uint64_t rdtsc(void);
uint64_t read_cr0(void);
uint64_t read_cr2(void);
uint64_t read_cr3(void);
uint64_t read_cr4(void);
void outb(uint16_t port, uint8_t v);
uint8_t inb(uint16_t port);
void outl(uint16_t port, uint32_t v);

#define MSR_EFER 0xC0000080U
#define EFER_LME (1ULL << 8)
#define EFER_LMA (1ULL << 10)

/* ---- traps ------------------------------------------------------------ */

#define X86_EXC_DE 0
#define X86_EXC_DB 1
#define X86_EXC_BP 3
#define X86_EXC_UD 6
#define X86_EXC_DF 8
#define X86_EXC_GP 13
#define X86_EXC_PF 14

#define PFEC_PRESENT (1U << 0)
#define PFEC_WRITE   (1U << 1)
#define PFEC_USER    (1U << 2)

/* Interrupt vectors the framework uses. */
#define GUEST_VEC_USER_EXIT 0x81   /* int $0x81 from ring 3 returns to run_user() */
#define GUEST_VEC_CALLBACK  0xf3   /* Xen event-channel upcall (HVM callback vector) */

/* What the CPU pushed, and the registers the stub saved. */
struct exc_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss;
};

/* The last exception a probe caught. */
struct exc_record {
    int vector;                /* -1: none */
    uint64_t error;
    uint64_t rip;
    uint64_t cr2;
    uint64_t cs;
};
extern volatile struct exc_record exc_last;

void traps_init(void);
/* Called for `vector` (>= 32) instead of reporting it as unexpected. */
void trap_set_handler(unsigned int vector, void (*fn)(struct exc_frame *f));
/*
 * Load an IDT limit of 0: the next exception cannot be delivered and becomes
 * a triple fault.
 */
void traps_load_empty_idt(void);

/*
 * Probes: run one instruction that is expected to fault.  The handler
 * records the exception in exc_last and resumes right after the
 * instruction.  Each returns the vector caught, or -1 if none.
 */
int probe_ud2(void);
int probe_int3(void);
int probe_div0(void);
int probe_read64(uint64_t addr, uint64_t *out);
int probe_write64(uint64_t addr, uint64_t val);
int probe_rdmsr(uint32_t msr, uint64_t *out);
int probe_wrmsr(uint32_t msr, uint64_t val);
/* Call `addr` (for code that may fault before returning, e.g. ud2). */
int probe_call(uint64_t addr);
int probe_cli(void);
/* Addresses of the probed instructions, to check the reported rip. */
extern const char probe_ud2_insn[], probe_int3_insn[], probe_div0_insn[];

/*
 * Ring 3: run fn(arg) at CPL3 on the framework's user stack.  fn must end
 * with user_exit(value), which returns value from run_user().
 */
uint64_t run_user(void (*fn)(uint64_t), uint64_t arg);
GUEST_NORETURN void user_exit(uint64_t value);

static inline void irq_enable(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void irq_disable(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void barrier(void) { __asm__ volatile("" ::: "memory"); }

/* ---- unbacked MMIO (lib/unbacked.c) ------------------------------------ */

/*
 * The page at va (mapped to guest-physical gpa, which nothing backs) as Xen
 * gives it: plain loads read all-ones and stores are dropped, without a
 * fault; ALU and read-modify-write instructions leave the registers and
 * flags that an all-ones operand in RAM gives.  Two check lines, naming
 * `what` and gpa; true if both passed.
 */
bool unbacked_mmio_checks(uint64_t va, const char *what, uint64_t gpa);

/* ---- paging ----------------------------------------------------------- */

#define PTE_P  (1ULL << 0)
#define PTE_W  (1ULL << 1)
#define PTE_U  (1ULL << 2)

/* Map the 4 KiB page at va (< 4 GiB) to pa with flags (splits a 2 MiB page). */
void pt_map_4k(uint64_t va, uint64_t pa, uint64_t flags);
void pt_unmap_4k(uint64_t va);
void paging_init(void);

/* ---- memory and strings (the compiler may call these too) ------------- */

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
bool str_has_word(const char *s, const char *word);
/* The number in the word "<key><number>" of s (decimal or 0x hex); false if none. */
bool str_word_u64(const char *s, const char *key, uint64_t *val);

/* Linker symbols. */
extern char __image_start[], __image_end[];

#endif /* GUEST_H */
