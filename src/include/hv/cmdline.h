/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor command line, parsed the Xen way into struct hv_options.
 *
 * Parsing has no side effect: the boot code applies the result and prints the
 * diagnostics.  The input is bootloader-controlled, so every byte sequence is
 * accepted without reading past `len` or past the first NUL.
 *
 * Rules (docs/COMMAND-LINE.md is the user's view):
 *  - tokens are separated by one or more blanks (space, tab, CR, LF);
 *  - a standalone "--" ends the hypervisor's options: what follows is meant
 *    for dom0 and only its offset is recorded;
 *  - a token is `name`, `name=value` or `no-name`; in names '-' and '_' are
 *    interchangeable (the "no-" prefix itself must use '-');
 *  - a later occurrence of an option overrides an earlier one;
 *  - an option with any problem produces exactly one diagnostic and leaves its
 *    setting unchanged (the default, or an earlier valid occurrence): an
 *    option is applied entirely or not at all.
 */
#ifndef HV_CMDLINE_H
#define HV_CMDLINE_H

#include "hv/types.h"

#define CMDLINE_MAX_DIAGS     16
/* Bytes of the offending token kept in a diagnostic, NUL included. */
#define CMDLINE_DIAG_TEXT_MAX 40

enum cmdline_diag_kind {
    CMDLINE_OK = 0,
    CMDLINE_DIAG_UNKNOWN_OPTION,  /* no such option (or "no-" on a non-boolean) */
    CMDLINE_DIAG_MISSING_VALUE,   /* option needs "=value" */
    CMDLINE_DIAG_BAD_VALUE,       /* value does not parse */
    CMDLINE_DIAG_OUT_OF_RANGE,    /* value parses but is outside the allowed range */
    CMDLINE_DIAG_UNSUPPORTED,     /* valid Xen syntax that Xenolith does not implement */
};
#define CMDLINE_DIAG_KIND_MAX CMDLINE_DIAG_UNSUPPORTED

struct cmdline_diag {
    enum cmdline_diag_kind kind;
    size_t offset;                       /* of the token in the parsed text */
    char text[CMDLINE_DIAG_TEXT_MAX];    /* the token, NUL-terminated */
    bool text_truncated;                 /* the token was longer than text[] */
};

/* Xen's log levels, ordered by verbosity. */
enum hv_loglvl {
    HV_LOG_NONE = 0,
    HV_LOG_ERROR,
    HV_LOG_WARNING,
    HV_LOG_INFO,
    HV_LOG_DEBUG,
    HV_LOG_ALL,
};

/*
 * Messages at or above `print` severity are always printed; those below it
 * but at or above `ratelimit` are printed rate-limited.  Invariant:
 * ratelimit >= print (in verbosity).
 */
struct hv_loglvl_pair {
    enum hv_loglvl print;
    enum hv_loglvl ratelimit;
};

/* Console bits (console=). */
#define HV_CONSOLE_COM1 0x1U

/* com1=: only 8n1 is accepted, so data/parity/stop are not stored. */
struct hv_com1 {
    uint32_t baud;      /* 0: "auto", keep what the firmware programmed */
    uint32_t clock_hz;  /* UART input clock */
    uint16_t io_base;
    uint8_t irq;        /* 0: polled */
};

enum hv_reboot_method {
    HV_REBOOT_DEFAULT = 0,  /* the hypervisor's choice */
    HV_REBOOT_KBD,          /* keyboard controller pulse (reboot=k) */
    HV_REBOOT_TRIPLE,       /* triple fault (reboot=t) */
    HV_REBOOT_PCI,          /* port 0xcf9 reset (reboot=p) */
};

enum hv_selftest {
    HV_SELFTEST_NONE = 0,
    HV_SELFTEST_FAULT,      /* take a #UD after boot to show the exception report */
};

/* One dom0_mem amount: absolute, or "all but" (a leading '-'). */
struct hv_mem_amount {
    bool set;
    bool all_but;
    uint64_t bytes;
};

struct hv_dom0_mem {
    struct hv_mem_amount amount;  /* dom0_mem=<size> */
    struct hv_mem_amount min;     /* dom0_mem=min:<size> */
    struct hv_mem_amount max;     /* dom0_mem=max:<size> */
};

#define HV_CONRING_MIN       (64ULL << 10)
#define HV_CONRING_MAX       (64ULL << 20)
#define HV_CONRING_DEFAULT   HV_CONRING_MIN
#define HV_COM1_CLOCK_DEFAULT 1843200U
#define HV_COM1_BAUD_DEFAULT  115200U
#define HV_COM1_IO_DEFAULT    0x3f8U
#define HV_COM1_IRQ_DEFAULT   4U

struct hv_options {
    uint32_t console;                   /* HV_CONSOLE_* bits, 0 = none */
    struct hv_com1 com1;
    struct hv_loglvl_pair loglvl;       /* hypervisor messages */
    struct hv_loglvl_pair guest_loglvl; /* messages caused by guests */
    bool noreboot;                      /* on panic: halt instead of rebooting */
    enum hv_reboot_method reboot_method;
    bool reboot_warm;                   /* reboot=w (vs c) */
    uint64_t conring_size;              /* bytes, a power of two */
    struct hv_dom0_mem dom0_mem;
    bool debug_exit;                    /* test-only: isa-debug-exit allowed */
    enum hv_selftest selftest;
    bool has_dom0_args;                 /* a standalone "--" was seen */
    size_t dom0_args_offset;            /* first byte after "--" and blanks */
    uint32_t nr_diags;                  /* valid entries in diags[] */
    uint32_t diags_dropped;             /* diagnostics that did not fit */
    struct cmdline_diag diags[CMDLINE_MAX_DIAGS];
};

/*@ predicate cmdline_diags_ok(struct hv_options *o) =
      o->nr_diags <= CMDLINE_MAX_DIAGS;
*/

/* The defaults: console=com1 com1=115200/1843200,8n1,0x3f8,4 loglvl=warning
 * guest_loglvl=none/warning conring_size=64K, reboot on panic. */
/*@ requires \valid(out);
    assigns *out;
    ensures out->nr_diags == 0 && out->diags_dropped == 0;
    ensures out->conring_size == HV_CONRING_DEFAULT;
    ensures out->console == HV_CONSOLE_COM1;
    ensures !out->has_dom0_args;
*/
void cmdline_defaults(struct hv_options *out);

/*
 * Parse at most `len` bytes of `text` (stopping at a NUL) into *out, which is
 * first reset to the defaults.  Returns 0 when every token was accepted,
 * -XEN_EINVAL when there is at least one diagnostic (the options are filled
 * in either case and are always usable).
 */
/*@ requires \valid(out);
    requires \valid_read(text + (0 .. len - 1));
    requires \separated(out, text + (0 .. len - 1));
    assigns *out;
    ensures cmdline_diags_ok(out);
    ensures \result == 0 || \result == -22;
    ensures out->has_dom0_args ==> out->dom0_args_offset <= len;
*/
int cmdline_parse(const char *text, size_t len, struct hv_options *out);

/*
 * Where options start in a command line given by a multiboot loader: like
 * Xen, loaders other than GRUB 2 put the image name first, which is skipped
 * (with the blanks after it).  `loader_name` is NUL-terminated within
 * loader_len bytes or ends there; it may be empty.  Result: offset <= len.
 */
/*@ requires \valid_read(text + (0 .. len - 1));
    requires \valid_read(loader_name + (0 .. loader_len - 1));
    assigns \nothing;
    ensures \result <= len;
*/
size_t cmdline_skip_image_name(const char *text, size_t len,
                               const char *loader_name, size_t loader_len);

/* Human text for a diagnostic kind (never NULL). */
/*@ assigns \result \from kind;
    ensures \result != \null;
*/
const char *cmdline_diag_text(enum cmdline_diag_kind kind);

/* Name of a log level as written on the command line (never NULL). */
/*@ assigns \result \from lvl;
    ensures \result != \null;
*/
const char *cmdline_loglvl_name(enum hv_loglvl lvl);

#endif /* HV_CMDLINE_H */
