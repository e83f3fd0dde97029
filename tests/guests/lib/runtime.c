// SPDX-License-Identifier: GPL-2.0-only
/*
 * Boot in C, checks, verdicts and shutdown.
 *
 * The verdict is one line in the words of Xen's test framework:
 *   Test result: SUCCESS
 *   Test result: FAILURE: <why>
 *   Test result: SKIP: <why>
 * followed by SCHEDOP_shutdown(poweroff) on Xen, or QEMU's isa-debug-exit
 * (port 0xf4) without it.
 */
#include "guest.h"
#include "xen/errno.h"

#define STR_(x) #x
#define STR(x) STR_(x)
#define ISA_DEBUG_EXIT_PORT 0xf4
#define WAIT_MS_MAX 600000U          /* wait_ms= is capped at 10 minutes */

/* The PVH entry point, for loaders that boot the ELF through this note. */
__asm__(".pushsection .note.Xen, \"a\", @note\n"
        ".balign 4\n"
        ".long 4\n"                                    /* namesz: "Xen\0" */
        ".long 4\n"                                    /* descsz */
        ".long " STR(XEN_ELFNOTE_PHYS32_ENTRY) "\n"
        ".asciz \"Xen\"\n"
        ".balign 4\n"
        ".long pvh_entry32\n"
        ".balign 4\n"
        ".popsection\n");

/* head.S compares the start_info magic against this. */
const uint32_t pvh_start_magic = XEN_HVM_START_MAGIC;

struct guest_env guest_env;

static unsigned int nr_checks;
static unsigned int nr_failed;
static char first_failure[128];
static bool verdict_given;

void guest_start(uint32_t start_info_pa);

/* Copy start_info, its memory map and command line before page 0 goes. */
static void copy_start_info(uint32_t pa)
{
    if (pa == 0)
        return;
    const struct hvm_start_info *si = (const struct hvm_start_info *)(uintptr_t)pa;
    guest_env.start_info = *si;
    guest_env.have_start_info = true;
    if (si->version >= 1 && si->memmap_paddr != 0) {
        const struct hvm_memmap_table_entry *m =
            (const struct hvm_memmap_table_entry *)(uintptr_t)si->memmap_paddr;
        uint32_t n = si->memmap_entries;
        if (n > GUEST_MAX_MEMMAP)
            n = GUEST_MAX_MEMMAP;
        memcpy(guest_env.memmap, m, n * sizeof(*m));
        guest_env.nr_memmap = n;
    }
    if (si->cmdline_paddr != 0) {
        const char *c = (const char *)(uintptr_t)si->cmdline_paddr;
        size_t l = strnlen(c, GUEST_CMDLINE_MAX - 1);
        memcpy(guest_env.cmdline, c, l);
        guest_env.cmdline[l] = '\0';
    }
}

static void print_banner(void)
{
    guest_printf("Xenolith test guest: %s\n", guest_test.name);
    if (guest_env.on_xen) {
        struct cpuid_regs v = cpuid_count(guest_env.xen_base + 1U, 0);
        guest_printf("  running on Xen %u.%u (CPUID base 0x%x, %s)\n", v.a >> 16, v.a & 0xffffU,
                     guest_env.xen_base, guest_env.vendor_amd ? "vmmcall" : "vmcall");
    } else {
        guest_printf("  no Xen CPUID signature%s\n", guest_env.bare ? " (bare run)" : "");
    }
    if (guest_env.have_start_info)
        guest_printf("  start_info v%u flags 0x%x, %u memory map entries, cmdline \"%s\"\n",
                     guest_env.start_info.version, guest_env.start_info.flags,
                     guest_env.nr_memmap, guest_env.cmdline);
}

/*
 * wait_ms=N on the command line (Xen only): block N ms on the timer before
 * the checks, so that a boot test can keep this domain alive, in the middle
 * of its start, while another domain acts (tests/boot/run-domu-tests.sh).
 */
static void wait_before_run(void)
{
    uint64_t ms = 0, ns = 0;

    if (!guest_env.on_xen || !str_word_u64(guest_env.cmdline, "wait_ms=", &ms))
        return;
    if (ms > WAIT_MS_MAX)
        ms = WAIT_MS_MAX;
    long rc = guest_sleep_ms((uint32_t)ms, &ns);
    check_rc(rc, 0, "wait_ms=%lu: blocked %lu ms on the one-shot timer before the checks", ms,
             ns / 1000000U);
}

void guest_start(uint32_t start_info_pa)
{
    xen_detect();
    console_init();
    copy_start_info(start_info_pa);
    traps_init();
    paging_init();
    guest_env.bare = str_has_word(guest_env.cmdline, "bare");
    print_banner();
    if (!guest_env.have_start_info)
        guest_fail("no hvm_start_info (ebx was 0 or the magic was not 0x%x)", XEN_HVM_START_MAGIC);
    if (!guest_env.on_xen && (guest_test.flags & GUEST_NEEDS_XEN) != 0 &&
        !((guest_test.flags & GUEST_BARE_OK) != 0 && guest_env.bare)) {
        if ((guest_test.flags & GUEST_BARE_OK) != 0)
            guest_printf("  this guest can also run without Xen: \"bare\" on its command line\n");
        guest_skip("not running on Xen");
    }
    wait_before_run();
    guest_test.run();
    guest_finish();
}

/* ---- checks ---------------------------------------------------------------- */

static bool report(bool ok, const char *text)
{
    nr_checks++;
    if (!ok) {
        if (nr_failed == 0)
            guest_snprintf(first_failure, sizeof(first_failure), "%s", text);
        nr_failed++;
    }
    guest_printf("  %s %s\n", ok ? "ok  " : "FAIL", text);
    return ok;
}

bool check(bool ok, const char *fmt, ...)
{
    char text[200];
    va_list ap;

    va_start(ap, fmt);
    guest_vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    return report(ok, text);
}

bool check_rc(long got, long want, const char *fmt, ...)
{
    char what[160], text[200];
    va_list ap;

    va_start(ap, fmt);
    guest_vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    if (got == want)
        guest_snprintf(text, sizeof(text), "%s: rc %ld", what, got);
    else
        guest_snprintf(text, sizeof(text), "%s: rc %ld, expected %ld", what, got, want);
    return report(got == want, text);
}

bool check_rc2(long got, long want1, long want2, const char *fmt, ...)
{
    char what[160], text[200];
    va_list ap;
    bool ok = got == want1 || got == want2;

    va_start(ap, fmt);
    guest_vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    if (ok)
        guest_snprintf(text, sizeof(text), "%s: rc %ld", what, got);
    else
        guest_snprintf(text, sizeof(text), "%s: rc %ld, expected %ld or %ld", what, got, want1,
                       want2);
    return report(ok, text);
}

void note(const char *fmt, ...)
{
    char text[200];
    va_list ap;

    va_start(ap, fmt);
    guest_vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    guest_printf("  note %s\n", text);
}

unsigned int guest_nr_failed(void)
{
    return nr_failed;
}

unsigned int guest_nr_checks(void)
{
    return nr_checks;
}

const char *guest_first_failure(void)
{
    return first_failure;
}

/* ---- verdicts and shutdown ------------------------------------------------- */

static GUEST_NORETURN void verdict(unsigned int status, const char *word, const char *why)
{
    /* A fault while printing a verdict must not print a second one. */
    if (!verdict_given) {
        verdict_given = true;
        if (why != NULL)
            guest_printf("Test result: %s: %s\n", word, why);
        else
            guest_printf("Test result: %s\n", word);
    }
    guest_shutdown(status);
}

void guest_fail(const char *fmt, ...)
{
    char why[160];
    va_list ap;

    va_start(ap, fmt);
    guest_vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    verdict(GUEST_EXIT_FAILURE, "FAILURE", why);
}

void guest_skip(const char *fmt, ...)
{
    char why[160];
    va_list ap;

    va_start(ap, fmt);
    guest_vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    verdict(GUEST_EXIT_SKIP, "SKIP", why);
}

void guest_finish(void)
{
    char why[200];

    if (nr_failed == 0) {
        guest_printf("  %u checks passed\n", nr_checks);
        verdict(GUEST_EXIT_SUCCESS, "SUCCESS", NULL);
    }
    guest_snprintf(why, sizeof(why), "%s (%u of %u checks failed)", first_failure, nr_failed,
                   nr_checks);
    verdict(GUEST_EXIT_FAILURE, "FAILURE", why);
}

void guest_shutdown(unsigned int exit_status)
{
    if (guest_env.on_xen) {
        struct gx_sched_shutdown sd = { .reason = SHUTDOWN_poweroff };
        long rc = hypercall2(HYPERVISOR_sched_op, SCHEDOP_shutdown, &sd);
        guest_printf("  SCHEDOP_shutdown returned %ld\n", rc);
    } else {
        /* QEMU's isa-debug-exit ends the emulator; elsewhere this is a no-op. */
        outl(ISA_DEBUG_EXIT_PORT, exit_status);
    }
    /* On Xen a HLT with interrupts off takes the vCPU down, which also ends the domain. */
    for (;;)
        __asm__ volatile("cli; hlt" ::: "memory");
}
