/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Domain descriptions in xl.cfg syntax (docs/DOMAIN-CONFIG.md).
 *
 * The text is a series of `key = value` settings separated by newlines or
 * semicolons; `key += value` appends to an earlier string.  Keys are lower
 * case ([a-z][a-z0-9_]*).  A value is a string in double or single quotes
 * (backslash escapes \" \' \\ \a \b \f \n \r \t \v \xHH \ooo), a number
 * (decimal, octal with a leading 0, hex with 0x), or a list [ v, v, ... ]
 * (nested, newlines allowed inside, a trailing comma allowed).  `#` starts a
 * comment that ends with the line.  A key given twice: the last one counts.
 *
 * Parsing works on (text, len) without a NUL, reads no byte outside it,
 * allocates nothing and keeps every string bounded.  Problems become
 * diagnostics (kind, line, key) that the caller prints with the file's name;
 * a description with any error is not to be used.
 */
#ifndef HV_XLCFG_H
#define HV_XLCFG_H

#include "hv/types.h"
#include "xen/errno.h"

#define XLCFG_TEXT_MAX     (64U * 1024U)  /* larger modules are never descriptions */
#define XLCFG_NAME_MAX     32U            /* bytes, NUL included (a domain's name) */
#define XLCFG_PATH_MAX     128U           /* kernel=, ramdisk=, root= */
#define XLCFG_CMDLINE_MAX  2048U          /* cmdline=, extra=, and the composed line */
#define XLCFG_VALUE_MAX    XLCFG_CMDLINE_MAX
#define XLCFG_KEY_MAX      24U            /* key text kept in a diagnostic */
#define XLCFG_DIAGS_MAX    16U
#define XLCFG_NEST_MAX     8U             /* list nesting */
#define XLCFG_MEMORY_MIN   2U             /* MiB */
#define XLCFG_MEMORY_MAX   (1024U * 1024U)  /* MiB: 1 TiB */
#define XLCFG_MEMORY_DEFAULT 32U          /* MiB, xl's default */
#define XLCFG_VCPUS_MAX    1U             /* vCPUs per domain for now */

/* What to do when a domain ends (xl's on_poweroff= and friends). */
enum xlcfg_action {
    XLCFG_ACTION_DESTROY = 0,
    XLCFG_ACTION_RESTART,
    XLCFG_ACTION_PRESERVE,
    XLCFG_ACTION_RENAME_RESTART,
    XLCFG_ACTION_COREDUMP_DESTROY,
    XLCFG_ACTION_COREDUMP_RESTART,
};
#define XLCFG_ACTION_MAX XLCFG_ACTION_COREDUMP_RESTART

/* How a domain ended, as the on_* keys name it. */
enum xlcfg_event {
    XLCFG_ON_POWEROFF = 0,
    XLCFG_ON_REBOOT,
    XLCFG_ON_WATCHDOG,
    XLCFG_ON_CRASH,
};
#define XLCFG_NR_EVENTS 4U

/* The keys Xenolith uses; cfg->line[] is indexed by them. */
enum xlcfg_key {
    XLCFG_KEY_NAME = 0,
    XLCFG_KEY_TYPE,
    XLCFG_KEY_KERNEL,
    XLCFG_KEY_RAMDISK,
    XLCFG_KEY_CMDLINE,
    XLCFG_KEY_EXTRA,
    XLCFG_KEY_ROOT,
    XLCFG_KEY_MEMORY,
    XLCFG_KEY_MAXMEM,
    XLCFG_KEY_VCPUS,
    XLCFG_KEY_MAXVCPUS,
    XLCFG_KEY_ON_POWEROFF,
    XLCFG_KEY_ON_REBOOT,
    XLCFG_KEY_ON_WATCHDOG,
    XLCFG_KEY_ON_CRASH,
};
#define XLCFG_NR_KEYS 15U

enum xlcfg_diag_kind {
    XLCFG_DIAG_NONE = 0,
    /* errors: the description is not used */
    XLCFG_ERR_SYNTAX,           /* not `key = value` */
    XLCFG_ERR_BARE_WORD,        /* an unquoted word where a value belongs */
    XLCFG_ERR_UNTERMINATED,     /* a string without its closing quote on the line */
    XLCFG_ERR_BAD_ESCAPE,
    XLCFG_ERR_NUL,              /* a NUL byte inside a string */
    XLCFG_ERR_UNCLOSED_LIST,
    XLCFG_ERR_NESTING,          /* lists nested deeper than XLCFG_NEST_MAX */
    XLCFG_ERR_TOO_LONG,         /* a value longer than its key allows */
    XLCFG_ERR_LIST,             /* a list where one value belongs */
    XLCFG_ERR_NOT_NUMBER,
    XLCFG_ERR_APPEND,           /* += on anything but a string */
    XLCFG_ERR_EMPTY,            /* an empty string where a name or file is needed */
    XLCFG_ERR_BAD_NAME,         /* a control character or quote in name= */
    XLCFG_ERR_TYPE_PV,
    XLCFG_ERR_TYPE_HVM,
    XLCFG_ERR_TYPE_UNKNOWN,
    XLCFG_ERR_MEMORY_RANGE,
    XLCFG_ERR_MAXMEM_BELOW,     /* maxmem= smaller than memory= */
    XLCFG_ERR_VCPUS_ZERO,
    XLCFG_ERR_VCPUS_MANY,
    XLCFG_ERR_ACTION,           /* on_*: not one of xl's actions */
    XLCFG_ERR_NO_NAME,
    XLCFG_ERR_NO_KERNEL,
    /* warnings: the description is used */
    XLCFG_WARN_UNKNOWN_KEY,
    XLCFG_WARN_UNSUPPORTED_KEY, /* an xl key Xenolith ignores */
    XLCFG_WARN_NO_TYPE,         /* xl would take type "pv" */
    XLCFG_WARN_CMDLINE_WINS,    /* root=/extra= ignored in favour of cmdline= */
    XLCFG_WARN_AS_DESTROY,      /* preserve, coredump-destroy */
    XLCFG_WARN_AS_RESTART,      /* rename-restart, coredump-restart */
};
#define XLCFG_DIAG_KIND_MAX XLCFG_WARN_AS_RESTART
#define XLCFG_FIRST_WARNING XLCFG_WARN_UNKNOWN_KEY

struct xlcfg_diag {
    enum xlcfg_diag_kind kind;
    uint32_t line;                 /* 1-based; 0 for "missing" and whole-file problems */
    char key[XLCFG_KEY_MAX];       /* NUL-terminated, possibly cut; "" when no key */
};

struct xlcfg {
    char name[XLCFG_NAME_MAX];
    char kernel[XLCFG_PATH_MAX];
    char ramdisk[XLCFG_PATH_MAX];     /* "" when none */
    char root[XLCFG_PATH_MAX];
    char extra[XLCFG_CMDLINE_MAX];
    /* After parsing: the kernel's whole command line, cmdline= or else
       "root=<root> <extra>" as xl composes it; "" when none was given. */
    char cmdline[XLCFG_CMDLINE_MAX];
    bool has_cmdline;                 /* cmdline=, root= or extra= was given */
    uint64_t memory_mib;
    uint64_t maxmem_mib;              /* memory_mib when maxmem= is absent */
    uint32_t vcpus;
    enum xlcfg_action on[XLCFG_NR_EVENTS];
    uint32_t line[XLCFG_NR_KEYS];     /* where each key was last set; 0: not set */
    uint32_t nr_errors;
    uint32_t nr_warnings;
    uint32_t nr_diags;                /* stored, at most XLCFG_DIAGS_MAX */
    uint32_t diags_dropped;
    struct xlcfg_diag diags[XLCFG_DIAGS_MAX];
    /* Scratch of the parser: the value being read. */
    char value[XLCFG_VALUE_MAX];
    size_t value_len;
};

/*@ predicate xlcfg_strings_ok(struct xlcfg *c) =
      c->name[XLCFG_NAME_MAX - 1] == 0 && c->kernel[XLCFG_PATH_MAX - 1] == 0 &&
      c->ramdisk[XLCFG_PATH_MAX - 1] == 0 && c->root[XLCFG_PATH_MAX - 1] == 0 &&
      c->extra[XLCFG_CMDLINE_MAX - 1] == 0 && c->cmdline[XLCFG_CMDLINE_MAX - 1] == 0;
    predicate xlcfg_ok(struct xlcfg *c) =
      xlcfg_strings_ok(c) && c->nr_diags <= XLCFG_DIAGS_MAX &&
      c->vcpus <= XLCFG_VCPUS_MAX &&
      (\forall integer i; 0 <= i < XLCFG_NR_EVENTS ==> c->on[i] <= XLCFG_ACTION_MAX) &&
      (\forall integer i; 0 <= i < XLCFG_DIAGS_MAX ==> c->diags[i].key[XLCFG_KEY_MAX - 1] == 0);
*/

/*
 * Whether a module holding `len` bytes at `text` is a domain description:
 * at most XLCFG_TEXT_MAX bytes of text (printable ASCII, tabs, line ends,
 * and bytes >= 0x80 for UTF-8) whose first setting starts `key =` or
 * `key +=`.  ELF images, bzImages, cpio archives and compressed data never
 * are (they hold bytes below 0x20 other than tabs and line ends, or 0x7f).
 */
/*@ requires len == 0 || \valid_read(text + (0 .. len - 1));
    assigns \nothing; */
bool xlcfg_detect(const char *text, size_t len);

/*
 * Parse a description.  *cfg is always fully written: defaults (memory 32
 * MiB, 1 vCPU, on_poweroff destroy, on_reboot restart, on_watchdog and
 * on_crash destroy), then what the text sets, then the composed command
 * line.  0 when there is no error (warnings may be listed), -XEN_EINVAL
 * otherwise.
 */
/*@ requires len <= XLCFG_TEXT_MAX;
    requires len == 0 || \valid_read(text + (0 .. len - 1));
    requires \valid(cfg);
    requires \separated(cfg, text + (0 .. len - 1));
    assigns *cfg;
    ensures xlcfg_ok(cfg);
    ensures \result == 0 || \result == -XEN_EINVAL;
    ensures \result == 0 <==> cfg->nr_errors == 0; */
int xlcfg_parse(const char *text, size_t len, struct xlcfg *cfg);

/* Whether a diagnostic kind is an error (else a warning). */
/*@ assigns \nothing;
    ensures \result <==> kind != XLCFG_DIAG_NONE && kind < XLCFG_FIRST_WARNING; */
bool xlcfg_diag_is_error(enum xlcfg_diag_kind kind);

/* Human text for a diagnostic kind (never NULL). */
/*@ assigns \nothing;
    ensures \result != \null; */
const char *xlcfg_diag_text(enum xlcfg_diag_kind kind);

/* The action's xl name ("destroy", ...; "?" when out of range). */
/*@ assigns \nothing;
    ensures \result != \null; */
const char *xlcfg_action_name(enum xlcfg_action a);

/* The key's name ("name", "kernel", ...; "?" when out of range). */
/*@ assigns \nothing;
    ensures \result != \null; */
const char *xlcfg_key_name(enum xlcfg_key k);

#endif /* HV_XLCFG_H */
