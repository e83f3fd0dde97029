// SPDX-License-Identifier: GPL-2.0-only
/*
 * xl.cfg domain descriptions (hv/xlcfg.h).  One pass over (text, len) with
 * an index: settings are read and applied one at a time, the value being
 * read lives in cfg->value, lists are only checked (no key Xenolith uses
 * takes one) and nothing is copied out of the text except bounded strings.
 * After an error the rest of the line is skipped, so one mistake is one
 * diagnostic and the lines after it are still checked.
 */
#include "hv/xlcfg.h"

#include "hv/xlcfg_lex.h"
#include "xen/errno.h"

#define KEYW     16U   /* width of the names of the keys Xenolith uses */
#define ACTW     20U   /* width of the action names */
#define XLW      36U   /* width of the names of the other xl keys */

/* One `key = value` being read: the key is text[key_at .. key_at + key_len). */
struct setting {
    size_t key_at;
    size_t key_len;
    uint32_t line;
    bool append;
    enum xlcfg_vkind kind;
};

/*@ predicate set_ok(struct xlcfg_lexer *lx, struct setting *st) =
      st->key_len <= XLCFG_TEXT_MAX && st->key_at + st->key_len <= lx->len;
*/

static const char key_names[XLCFG_NR_KEYS][KEYW] = {
    "name", "type", "kernel", "ramdisk", "cmdline", "extra", "root", "memory", "maxmem",
    "vcpus", "maxvcpus", "on_poweroff", "on_reboot", "on_watchdog", "on_crash",
};

/* Keys xl knows that Xenolith does not act on (a warning names them). */
static const char xl_keys[][XLW] = {
    "builder", "uuid", "seclabel", "init_seclabel", "pool", "cpus", "cpus_soft", "cpu_weight",
    "cap", "vnuma", "claim_mode", "max_grant_frames", "max_maptrack_frames", "max_grant_version",
    "max_event_channels", "nomigrate", "driver_domain", "passthrough", "disk", "vif", "vtpm", "p9",
    "pvcalls", "vfb", "vkb", "vdispl", "vsnd", "channel", "pci", "pci_permissive",
    "pci_msitranslate", "pci_seize", "pci_power_mgmt", "gfx_passthru", "rdm", "dtdev", "iomem",
    "ioports", "irqs", "usbctrl", "usbdev", "usb", "usbdevice", "bootloader", "bootloader_args",
    "e820_host", "firmware", "pvshim", "pvshim_path", "pvshim_cmdline", "pvshim_extra", "bios",
    "acpi", "acpi_s3", "acpi_s4", "acpi_firmware", "smbios_firmware", "apic", "pae", "hap",
    "oos", "shadow_memory", "nestedhvm", "altp2m", "viridian", "hpet", "timer_mode", "tsc_mode",
    "localtime", "rtc_timeoffset", "vga", "stdvga", "videoram", "vnc", "vnclisten", "vncdisplay",
    "vncunused", "vncpasswd", "keymap", "sdl", "opengl", "spice", "serial", "soundhw", "boot",
    "xen_platform_pci", "device_model_version", "device_model_override", "device_model_args",
    "device_model_user", "device_model_stubdomain_override", "on_soft_reset", "cpuid", "vuart",
    "device_tree", "gic_version", "vpmu", "msr_relaxed", "mca_caps",
};
#define NR_XL_KEYS (sizeof(xl_keys) / sizeof(xl_keys[0]))

static const char action_names[XLCFG_ACTION_MAX + 1][ACTW] = {
    "destroy", "restart", "preserve", "rename-restart", "coredump-destroy", "coredump-restart",
};

/* ---- diagnostics ------------------------------------------------------------------------- */

/*@ requires \valid(cfg) && xlcfg_inv(cfg);
    requires key_len == 0 || \valid_read(key + (0 .. key_len - 1));
    requires key_len == 0 || \separated(cfg, key + (0 .. key_len - 1));
    assigns cfg->nr_diags, cfg->diags_dropped, cfg->nr_errors, cfg->nr_warnings,
            cfg->diags[0 .. XLCFG_DIAGS_MAX - 1];
    ensures xlcfg_inv(cfg); */
static void diag(struct xlcfg *cfg, enum xlcfg_diag_kind kind, uint32_t line, const char *key,
                 size_t key_len)
{
    struct xlcfg_diag *d;
    size_t n = key_len < XLCFG_KEY_MAX - 1 ? key_len : XLCFG_KEY_MAX - 1;

    if (xlcfg_diag_is_error(kind))
        cfg->nr_errors++;
    else
        cfg->nr_warnings++;
    if (cfg->nr_diags == XLCFG_DIAGS_MAX) {
        cfg->diags_dropped++;
        return;
    }
    d = &cfg->diags[cfg->nr_diags];
    d->kind = kind;
    d->line = line;
    /*@ loop invariant 0 <= i <= n;
        loop assigns i, d->key[0 .. XLCFG_KEY_MAX - 2];
        loop variant n - i; */
    for (size_t i = 0; i < n; i++)
        d->key[i] = key[i];
    d->key[n] = '\0';
    d->key[XLCFG_KEY_MAX - 1] = '\0';
    cfg->nr_diags++;
}

/* A diagnostic about one of the keys Xenolith uses. */
/*@ requires \valid(cfg) && xlcfg_inv(cfg) && k < XLCFG_NR_KEYS;
    assigns cfg->nr_diags, cfg->diags_dropped, cfg->nr_errors, cfg->nr_warnings,
            cfg->diags[0 .. XLCFG_DIAGS_MAX - 1];
    ensures xlcfg_inv(cfg); */
static void diag_key(struct xlcfg *cfg, enum xlcfg_diag_kind kind, uint32_t line, enum xlcfg_key k)
{
    size_t n = 0;

    /*@ loop invariant 0 <= n <= KEYW - 1;
        loop assigns n;
        loop variant KEYW - 1 - n; */
    while (n < KEYW - 1 && key_names[k][n] != '\0')
        n++;
    diag(cfg, kind, line, key_names[k], n);
}

/*@ requires \valid(lx) && xlcfg_lex_ok(lx) && \valid_read(st) && set_ok(lx, st);
    requires \valid(cfg) && xlcfg_inv(cfg);
    requires \separated(cfg, lx->text + (0 .. lx->len - 1));
    assigns cfg->nr_diags, cfg->diags_dropped, cfg->nr_errors, cfg->nr_warnings,
            cfg->diags[0 .. XLCFG_DIAGS_MAX - 1];
    ensures xlcfg_inv(cfg); */
static void diag_setting(struct xlcfg *cfg, const struct xlcfg_lexer *lx, const struct setting *st,
                         enum xlcfg_diag_kind kind)
{
    diag(cfg, kind, st->line, st->key_len != 0 ? lx->text + st->key_at : "", st->key_len);
}

/* ---- applying a setting ---------------------------------------------------------------- */

/* Whether text[0 .. n) is the name held in a table row of width w. */
/*@ requires w >= 1 && \valid_read(name + (0 .. w - 1));
    requires n == 0 || \valid_read(p + (0 .. n - 1));
    assigns \nothing; */
static bool name_eq(const char *name, size_t w, const char *p, size_t n)
{
    if (n >= w)
        return false;
    /*@ loop invariant 0 <= i <= n;
        loop assigns i;
        loop variant n - i; */
    for (size_t i = 0; i < n; i++)
        if (name[i] != p[i])
            return false;
    return name[n] == '\0';
}

/*@ requires n == 0 || \valid_read(p + (0 .. n - 1));
    assigns \nothing;
    ensures -1 <= \result < (int)XLCFG_NR_KEYS; */
static int key_id(const char *p, size_t n)
{
    /*@ loop invariant 0 <= k <= XLCFG_NR_KEYS;
        loop assigns k;
        loop variant XLCFG_NR_KEYS - k; */
    for (unsigned k = 0; k < XLCFG_NR_KEYS; k++)
        if (name_eq(key_names[k], KEYW, p, n))
            return (int)k;
    return -1;
}

/*@ requires n == 0 || \valid_read(p + (0 .. n - 1));
    assigns \nothing; */
static bool is_xl_key(const char *p, size_t n)
{
    /*@ loop invariant 0 <= k <= NR_XL_KEYS;
        loop assigns k;
        loop variant NR_XL_KEYS - k; */
    for (size_t k = 0; k < NR_XL_KEYS; k++)
        if (name_eq(xl_keys[k], XLW, p, n))
            return true;
    return false;
}

/* Length of the string in dst[0 .. cap), at most cap - 1. */
/*@ requires cap >= 1 && \valid_read(s + (0 .. cap - 1));
    assigns \nothing;
    ensures \result <= cap - 1; */
static size_t str_len(const char *s, size_t cap)
{
    size_t n = 0;

    /*@ loop invariant 0 <= n <= cap - 1;
        loop assigns n;
        loop variant cap - 1 - n; */
    while (n < cap - 1 && s[n] != '\0')
        n++;
    return n;
}

/* Append src[0 .. n) at dst[*at], NUL-terminated; false (nothing written) when it does not fit. */
/*@ requires cap >= 1 && \valid(dst + (0 .. cap - 1)) && \valid(at) && *at <= cap - 1;
    requires n == 0 || \valid_read(src + (0 .. n - 1));
    requires \separated(dst + (0 .. cap - 1), at);
    requires n == 0 || \separated(dst + (0 .. cap - 1), src + (0 .. n - 1), at);
    assigns dst[0 .. cap - 1], *at;
    ensures *at <= cap - 1; */
static bool cat(char *dst, size_t cap, size_t *at, const char *src, size_t n)
{
    if (n > cap - 1 - *at)
        return false;
    /*@ loop invariant 0 <= i <= n;
        loop assigns i, dst[*at .. *at + n - 1];
        loop variant n - i; */
    for (size_t i = 0; i < n; i++)
        dst[*at + i] = src[i];
    *at += n;
    dst[*at] = '\0';
    return true;
}


/* A number in [min, max] for key k: stored in *out, or an error. */
/*@ requires \valid_read(cfg) && xlcfg_inv(cfg) && \valid_read(st);
    requires \valid(out) && \separated(cfg, out) && range != XLCFG_DIAG_NONE;
    assigns *out;
    ensures \result == XLCFG_DIAG_NONE ==> min <= *out <= max; */
static enum xlcfg_diag_kind number_in(const struct xlcfg *cfg, const struct setting *st,
                                      uint64_t min, uint64_t max, enum xlcfg_diag_kind range,
                                      uint64_t *out)
{
    uint64_t v;

    if (st->append)
        return XLCFG_ERR_APPEND;
    if (!xlcfg_lex_number(cfg, &v))
        return XLCFG_ERR_NOT_NUMBER;
    if (v < min || v > max)
        return range;
    *out = v;
    return XLCFG_DIAG_NONE;
}

/* name=: printable, no control characters (it is printed in messages). */
/*@ requires \valid_read(cfg) && xlcfg_inv(cfg);
    assigns \nothing; */
static bool value_is_name(const struct xlcfg *cfg)
{
    /*@ loop invariant 0 <= i <= cfg->value_len;
        loop assigns i;
        loop variant cfg->value_len - i; */
    for (size_t i = 0; i < cfg->value_len; i++) {
        unsigned char u = (unsigned char)cfg->value[i];
        if (u < 0x20 || u == 0x7F)
            return false;
    }
    return true;
}

/* name, kernel, ramdisk, cmdline, extra, root: = replaces, += appends. */
/*@ requires \valid(cfg) && xlcfg_inv(cfg) && \valid_read(st);
    requires k == XLCFG_KEY_NAME || k == XLCFG_KEY_KERNEL || k == XLCFG_KEY_RAMDISK ||
             k == XLCFG_KEY_CMDLINE || k == XLCFG_KEY_EXTRA || k == XLCFG_KEY_ROOT;
    assigns cfg->name[0 .. XLCFG_NAME_MAX - 1], cfg->kernel[0 .. XLCFG_PATH_MAX - 1],
            cfg->ramdisk[0 .. XLCFG_PATH_MAX - 1], cfg->root[0 .. XLCFG_PATH_MAX - 1],
            cfg->extra[0 .. XLCFG_CMDLINE_MAX - 1], cfg->cmdline[0 .. XLCFG_CMDLINE_MAX - 1];
    ensures xlcfg_inv(cfg); */
static enum xlcfg_diag_kind apply_string(struct xlcfg *cfg, const struct setting *st,
                                         enum xlcfg_key k)
{
    char *dst = k == XLCFG_KEY_NAME ? cfg->name : k == XLCFG_KEY_KERNEL ? cfg->kernel
              : k == XLCFG_KEY_RAMDISK ? cfg->ramdisk : k == XLCFG_KEY_ROOT ? cfg->root
              : k == XLCFG_KEY_EXTRA ? cfg->extra : cfg->cmdline;
    size_t cap = k == XLCFG_KEY_NAME ? XLCFG_NAME_MAX
               : k == XLCFG_KEY_EXTRA || k == XLCFG_KEY_CMDLINE ? XLCFG_CMDLINE_MAX : XLCFG_PATH_MAX;
    size_t at;

    if (st->kind == XLCFG_V_LIST)
        return XLCFG_ERR_LIST;
    if (k == XLCFG_KEY_NAME && !value_is_name(cfg))
        return XLCFG_ERR_BAD_NAME;
    at = st->append ? str_len(dst, cap) : 0;
    if ((k == XLCFG_KEY_NAME || k == XLCFG_KEY_KERNEL || k == XLCFG_KEY_RAMDISK) &&
        at + cfg->value_len == 0)
        return XLCFG_ERR_EMPTY;
    return cat(dst, cap, &at, cfg->value, cfg->value_len) ? XLCFG_DIAG_NONE : XLCFG_ERR_TOO_LONG;
}

/* type=: "pvh" only. */
/*@ requires \valid_read(cfg) && xlcfg_inv(cfg) && \valid_read(st);
    assigns \nothing; */
static enum xlcfg_diag_kind apply_type(const struct xlcfg *cfg, const struct setting *st)
{
    if (st->kind == XLCFG_V_LIST)
        return XLCFG_ERR_LIST;
    if (st->append)
        return XLCFG_ERR_APPEND;
    if (name_eq("pvh", 4, cfg->value, cfg->value_len))
        return XLCFG_DIAG_NONE;
    if (name_eq("pv", 3, cfg->value, cfg->value_len))
        return XLCFG_ERR_TYPE_PV;
    if (name_eq("hvm", 4, cfg->value, cfg->value_len))
        return XLCFG_ERR_TYPE_HVM;
    return XLCFG_ERR_TYPE_UNKNOWN;
}

/* on_poweroff, on_reboot, on_watchdog, on_crash. */
/*@ requires \valid(cfg) && xlcfg_inv(cfg) && \valid_read(st) && ev < XLCFG_NR_EVENTS;
    assigns cfg->on[ev];
    ensures xlcfg_inv(cfg); */
static enum xlcfg_diag_kind apply_action(struct xlcfg *cfg, const struct setting *st, unsigned ev)
{
    if (st->kind == XLCFG_V_LIST)
        return XLCFG_ERR_LIST;
    if (st->append)
        return XLCFG_ERR_APPEND;
    /*@ loop invariant 0 <= a <= XLCFG_ACTION_MAX + 1;
        loop assigns a;
        loop variant XLCFG_ACTION_MAX + 1 - a; */
    for (unsigned a = 0; a <= XLCFG_ACTION_MAX; a++) {
        if (!name_eq(action_names[a], ACTW, cfg->value, cfg->value_len))
            continue;
        cfg->on[ev] = (enum xlcfg_action)a;
        if (a == XLCFG_ACTION_PRESERVE || a == XLCFG_ACTION_COREDUMP_DESTROY)
            return XLCFG_WARN_AS_DESTROY;
        return a == XLCFG_ACTION_RESTART || a == XLCFG_ACTION_DESTROY ? XLCFG_DIAG_NONE
                                                                      : XLCFG_WARN_AS_RESTART;
    }
    return XLCFG_ERR_ACTION;
}

/* memory, maxmem (MiB), vcpus, maxvcpus. */
/*@ requires \valid(cfg) && xlcfg_inv(cfg) && \valid_read(st);
    requires k == XLCFG_KEY_MEMORY || k == XLCFG_KEY_MAXMEM || k == XLCFG_KEY_VCPUS ||
             k == XLCFG_KEY_MAXVCPUS;
    assigns cfg->memory_mib, cfg->maxmem_mib, cfg->vcpus;
    ensures xlcfg_inv(cfg); */
static enum xlcfg_diag_kind apply_number(struct xlcfg *cfg, const struct setting *st,
                                         enum xlcfg_key k)
{
    uint64_t v = 0;
    enum xlcfg_diag_kind e;

    if (st->kind == XLCFG_V_LIST)
        return XLCFG_ERR_LIST;
    if (k == XLCFG_KEY_MEMORY || k == XLCFG_KEY_MAXMEM) {
        e = number_in(cfg, st, XLCFG_MEMORY_MIN, XLCFG_MEMORY_MAX, XLCFG_ERR_MEMORY_RANGE, &v);
        if (e == XLCFG_DIAG_NONE && k == XLCFG_KEY_MEMORY)
            cfg->memory_mib = v;
        else if (e == XLCFG_DIAG_NONE)
            cfg->maxmem_mib = v;
        return e;
    }
    e = number_in(cfg, st, 0, UINT64_MAX, XLCFG_ERR_NOT_NUMBER, &v);
    if (e == XLCFG_DIAG_NONE && v == 0)
        e = XLCFG_ERR_VCPUS_ZERO;
    else if (e == XLCFG_DIAG_NONE && v > XLCFG_VCPUS_MAX)
        e = XLCFG_ERR_VCPUS_MANY;
    if (e == XLCFG_DIAG_NONE && k == XLCFG_KEY_VCPUS)
        cfg->vcpus = (uint32_t)v;
    return e;
}

/* Key k of a setting read without error: its value checked and stored, or why not. */
/*@ requires \valid(cfg) && xlcfg_inv(cfg) && \valid_read(st) && k < XLCFG_NR_KEYS;
    requires \separated(cfg, st);
    assigns cfg->name[0 .. XLCFG_NAME_MAX - 1], cfg->kernel[0 .. XLCFG_PATH_MAX - 1],
            cfg->ramdisk[0 .. XLCFG_PATH_MAX - 1], cfg->root[0 .. XLCFG_PATH_MAX - 1],
            cfg->extra[0 .. XLCFG_CMDLINE_MAX - 1], cfg->cmdline[0 .. XLCFG_CMDLINE_MAX - 1],
            cfg->on[0 .. XLCFG_NR_EVENTS - 1], cfg->memory_mib, cfg->maxmem_mib, cfg->vcpus;
    ensures xlcfg_inv(cfg); */
static enum xlcfg_diag_kind apply_key(struct xlcfg *cfg, const struct setting *st, enum xlcfg_key k)
{
    if (k == XLCFG_KEY_TYPE)
        return apply_type(cfg, st);
    if (k >= XLCFG_KEY_ON_POWEROFF)
        return apply_action(cfg, st, (unsigned)k - XLCFG_KEY_ON_POWEROFF);
    if (k >= XLCFG_KEY_MEMORY)
        return apply_number(cfg, st, k);
    return apply_string(cfg, st, k);
}

/* A setting read without error: act on it, or say why not. */
/*@ requires \valid(lx) && xlcfg_lex_ok(lx) && \valid_read(st) && set_ok(lx, st);
    requires \valid(cfg) && xlcfg_inv(cfg);
    requires \separated(cfg, lx, st) && \separated(cfg, lx->text + (0 .. lx->len - 1));
    assigns *cfg;
    ensures xlcfg_inv(cfg); */
static void apply(struct xlcfg *cfg, const struct xlcfg_lexer *lx, const struct setting *st)
{
    int id = key_id(lx->text + st->key_at, st->key_len);
    enum xlcfg_diag_kind e;

    if (id < 0) {
        diag_setting(cfg, lx, st, is_xl_key(lx->text + st->key_at, st->key_len)
                                      ? XLCFG_WARN_UNSUPPORTED_KEY : XLCFG_WARN_UNKNOWN_KEY);
        return;
    }
    cfg->line[id] = st->line;
    e = apply_key(cfg, st, (enum xlcfg_key)id);
    if (e != XLCFG_DIAG_NONE)
        diag_setting(cfg, lx, st, e);
}

/* After the key: the operator, the value and what ends the setting. */
/*@ requires \valid(lx) && xlcfg_lex_ok(lx) && \valid(st) && set_ok(lx, st);
    requires \valid(cfg) && xlcfg_inv(cfg);
    requires \separated(cfg, lx, st) && \separated(lx, st);
    requires \separated(cfg, lx->text + (0 .. lx->len - 1));
    requires \separated(st, lx->text + (0 .. lx->len - 1));
    assigns lx->pos, lx->line, st->append, st->kind, cfg->value[0 .. XLCFG_VALUE_MAX - 1],
            cfg->value_len;
    ensures xlcfg_lex_ok(lx) && xlcfg_inv(cfg) && set_ok(lx, st) && lx->pos >= \old(lx->pos); */
static enum xlcfg_diag_kind read_rest(struct xlcfg_lexer *lx, struct xlcfg *cfg, struct setting *st)
{
    enum xlcfg_diag_kind e = xlcfg_lex_operator(lx, &st->append);

    if (e == XLCFG_DIAG_NONE)
        e = xlcfg_lex_value(lx, cfg, &st->kind);
    if (e == XLCFG_DIAG_NONE)
        e = xlcfg_lex_end(lx);
    return e;
}

/* One `key = value` (the current byte starts it and is no line end). */
/*@ requires \valid(lx) && xlcfg_lex_ok(lx) && lx->pos < lx->len && lx->text[lx->pos] != '\n';
    requires \valid(cfg) && xlcfg_inv(cfg);
    requires \separated(cfg, lx) && \separated(cfg, lx->text + (0 .. lx->len - 1));
    assigns lx->pos, lx->line, *cfg;
    ensures xlcfg_lex_ok(lx);
    ensures xlcfg_inv(cfg);
    ensures lx->pos > \old(lx->pos); */
static void parse_setting(struct xlcfg_lexer *lx, struct xlcfg *cfg)
{
    struct setting st = { .key_at = lx->pos, .key_len = 0, .line = lx->line, .append = false,
                          .kind = XLCFG_V_STRING };
    enum xlcfg_diag_kind e;

    st.key_len = xlcfg_lex_ident(lx);
    //@ assert lx->pos == \at(lx->pos, Pre) + st.key_len;
    if (st.key_len == 0) {
        diag(cfg, XLCFG_ERR_SYNTAX, st.line, "", 0);
        xlcfg_lex_skip_line(lx);
        return;
    }
    e = read_rest(lx, cfg, &st);
    //@ assert lx->pos > \at(lx->pos, Pre);
    if (e != XLCFG_DIAG_NONE) {
        diag_setting(cfg, lx, &st, e);
        xlcfg_lex_skip_line(lx);
        return;
    }
    apply(cfg, lx, &st);
}

/* Blanks, then a line end, a `;` or a setting. */
/*@ requires \valid(lx) && xlcfg_lex_ok(lx) && lx->pos < lx->len && \valid(cfg) && xlcfg_inv(cfg);
    requires \separated(cfg, lx) && \separated(cfg, lx->text + (0 .. lx->len - 1));
    assigns lx->pos, lx->line, *cfg;
    ensures xlcfg_lex_ok(lx) && xlcfg_inv(cfg) && lx->pos > \old(lx->pos); */
static void parse_statement(struct xlcfg_lexer *lx, struct xlcfg *cfg)
{
    xlcfg_lex_skip_blanks(lx);
    if (lx->pos >= lx->len)
        return;
    if (lx->text[lx->pos] == '\n') {
        lx->line++;
        lx->pos++;
    } else if (lx->text[lx->pos] == ';') {
        lx->pos++;
    } else {
        parse_setting(lx, cfg);
    }
}

/* ---- the whole description -------------------------------------------------------------- */

/*@ requires \valid(cfg);
    assigns *cfg;
    ensures xlcfg_inv(cfg); */
static void set_defaults(struct xlcfg *cfg)
{
    cfg->name[0] = cfg->kernel[0] = cfg->ramdisk[0] = cfg->root[0] = '\0';
    cfg->extra[0] = cfg->cmdline[0] = '\0';
    cfg->has_cmdline = false;
    cfg->memory_mib = cfg->maxmem_mib = XLCFG_MEMORY_DEFAULT;
    cfg->vcpus = 1;
    cfg->on[XLCFG_ON_POWEROFF] = XLCFG_ACTION_DESTROY;
    cfg->on[XLCFG_ON_REBOOT] = XLCFG_ACTION_RESTART;
    cfg->on[XLCFG_ON_WATCHDOG] = XLCFG_ACTION_DESTROY;
    cfg->on[XLCFG_ON_CRASH] = XLCFG_ACTION_DESTROY;
    /*@ loop invariant 0 <= i <= XLCFG_NR_KEYS;
        loop assigns i, cfg->line[0 .. XLCFG_NR_KEYS - 1];
        loop variant XLCFG_NR_KEYS - i; */
    for (unsigned i = 0; i < XLCFG_NR_KEYS; i++)
        cfg->line[i] = 0;
    cfg->nr_errors = cfg->nr_warnings = cfg->nr_diags = cfg->diags_dropped = 0;
    /*@ loop invariant 0 <= i <= XLCFG_DIAGS_MAX;
        loop invariant \forall integer j; 0 <= j < i ==> cfg->diags[j].key[XLCFG_KEY_MAX - 1] == 0;
        loop assigns i, cfg->diags[0 .. XLCFG_DIAGS_MAX - 1];
        loop variant XLCFG_DIAGS_MAX - i; */
    for (unsigned i = 0; i < XLCFG_DIAGS_MAX; i++) {
        cfg->diags[i].kind = XLCFG_DIAG_NONE;
        cfg->diags[i].line = 0;
        cfg->diags[i].key[0] = '\0';
        cfg->diags[i].key[XLCFG_KEY_MAX - 1] = '\0';
    }
    cfg->value_len = 0;
}

/* xl's rule: cmdline= wins; else "root=<root> <extra>", "root=<root>" or "<extra>". */
/*@ requires \valid(cfg) && xlcfg_inv(cfg);
    assigns cfg->cmdline[0 .. XLCFG_CMDLINE_MAX - 1], cfg->has_cmdline, cfg->nr_diags,
            cfg->diags_dropped, cfg->nr_errors, cfg->nr_warnings, cfg->diags[0 .. XLCFG_DIAGS_MAX - 1];
    ensures xlcfg_inv(cfg); */
static void compose_cmdline(struct xlcfg *cfg)
{
    bool root = cfg->line[XLCFG_KEY_ROOT] != 0, extra = cfg->line[XLCFG_KEY_EXTRA] != 0;
    enum xlcfg_key culprit = extra ? XLCFG_KEY_EXTRA : XLCFG_KEY_ROOT;
    size_t at = 0;
    bool ok = true;

    cfg->has_cmdline = cfg->line[XLCFG_KEY_CMDLINE] != 0 || root || extra;
    if (cfg->line[XLCFG_KEY_CMDLINE] != 0) {
        if (root || extra)
            diag_key(cfg, XLCFG_WARN_CMDLINE_WINS, cfg->line[culprit], culprit);
        return;
    }
    if (root)
        ok = cat(cfg->cmdline, XLCFG_CMDLINE_MAX, &at, "root=", 5) &&
             cat(cfg->cmdline, XLCFG_CMDLINE_MAX, &at, cfg->root, str_len(cfg->root, XLCFG_PATH_MAX)) &&
             (!extra || cat(cfg->cmdline, XLCFG_CMDLINE_MAX, &at, " ", 1));
    if (ok && extra)
        ok = cat(cfg->cmdline, XLCFG_CMDLINE_MAX, &at, cfg->extra,
                 str_len(cfg->extra, XLCFG_CMDLINE_MAX));
    if (!ok) {
        cfg->cmdline[0] = '\0';
        diag_key(cfg, XLCFG_ERR_TOO_LONG, cfg->line[culprit], culprit);
    }
}

/*@ requires \valid(cfg) && xlcfg_inv(cfg);
    assigns *cfg;
    ensures xlcfg_inv(cfg);
    ensures xlcfg_strings_ok(cfg); */
static void finish(struct xlcfg *cfg)
{
    if (cfg->line[XLCFG_KEY_NAME] == 0)
        diag_key(cfg, XLCFG_ERR_NO_NAME, 0, XLCFG_KEY_NAME);
    if (cfg->line[XLCFG_KEY_KERNEL] == 0)
        diag_key(cfg, XLCFG_ERR_NO_KERNEL, 0, XLCFG_KEY_KERNEL);
    if (cfg->line[XLCFG_KEY_TYPE] == 0)
        diag_key(cfg, XLCFG_WARN_NO_TYPE, 0, XLCFG_KEY_TYPE);
    if (cfg->line[XLCFG_KEY_MEMORY] == 0 && cfg->line[XLCFG_KEY_MAXMEM] != 0)
        cfg->memory_mib = cfg->maxmem_mib;       /* xl: the target defaults to the maximum */
    else if (cfg->line[XLCFG_KEY_MAXMEM] == 0)
        cfg->maxmem_mib = cfg->memory_mib;
    else if (cfg->maxmem_mib < cfg->memory_mib)
        diag_key(cfg, XLCFG_ERR_MAXMEM_BELOW, cfg->line[XLCFG_KEY_MAXMEM], XLCFG_KEY_MAXMEM);
    compose_cmdline(cfg);
    cfg->name[XLCFG_NAME_MAX - 1] = cfg->kernel[XLCFG_PATH_MAX - 1] = '\0';
    cfg->ramdisk[XLCFG_PATH_MAX - 1] = cfg->root[XLCFG_PATH_MAX - 1] = '\0';
    cfg->extra[XLCFG_CMDLINE_MAX - 1] = cfg->cmdline[XLCFG_CMDLINE_MAX - 1] = '\0';
}

int xlcfg_parse(const char *text, size_t len, struct xlcfg *cfg)
{
    struct xlcfg_lexer lx = { .text = text, .len = len, .pos = 0, .line = 1 };

    set_defaults(cfg);
    /*@ loop invariant xlcfg_lex_ok(&lx) && xlcfg_inv(cfg);
        loop assigns lx.pos, lx.line, *cfg;
        loop variant lx.len - lx.pos; */
    while (lx.pos < lx.len)
        parse_statement(&lx, cfg);
    finish(cfg);
    return cfg->nr_errors == 0 ? 0 : -XEN_EINVAL;
}


bool xlcfg_diag_is_error(enum xlcfg_diag_kind kind)
{
    return kind != XLCFG_DIAG_NONE && kind < XLCFG_FIRST_WARNING;
}

const char *xlcfg_diag_text(enum xlcfg_diag_kind kind)
{
    static const char *const text[XLCFG_DIAG_KIND_MAX + 1] = {
        [XLCFG_DIAG_NONE] = "no problem",
        [XLCFG_ERR_SYNTAX] = "syntax error: expected key = value (or key += value)",
        [XLCFG_ERR_BARE_WORD] = "a value must be a quoted string, a number or a list "
                                "(write strings in quotes: type = \"pvh\")",
        [XLCFG_ERR_UNTERMINATED] = "string without its closing quote on this line",
        [XLCFG_ERR_BAD_ESCAPE] = "bad backslash escape in a string (\\\" \\' \\\\ \\n \\t \\xHH ...; "
                                 "no NUL)",
        [XLCFG_ERR_NUL] = "a NUL byte inside a string",
        [XLCFG_ERR_UNCLOSED_LIST] = "list without its closing ]",
        [XLCFG_ERR_NESTING] = "lists nested too deeply",
        [XLCFG_ERR_TOO_LONG] = "value too long for this key",
        [XLCFG_ERR_LIST] = "a list where a single value belongs",
        [XLCFG_ERR_NOT_NUMBER] = "not a number (decimal, 0x hex or 0 octal)",
        [XLCFG_ERR_APPEND] = "+= works only on strings",
        [XLCFG_ERR_EMPTY] = "must not be empty",
        [XLCFG_ERR_BAD_NAME] = "control characters are not allowed in a domain's name",
        [XLCFG_ERR_TYPE_PV] = "\"pv\": Xenolith runs PVH guests only (type = \"pvh\"; "
                              "a Linux kernel needs CONFIG_PVH=y)",
        [XLCFG_ERR_TYPE_HVM] = "\"hvm\": Xenolith has no device model; it runs PVH guests only "
                               "(type = \"pvh\")",
        [XLCFG_ERR_TYPE_UNKNOWN] = "unknown type (xl knows \"pv\", \"pvh\" and \"hvm\"; "
                                   "Xenolith runs \"pvh\")",
        [XLCFG_ERR_MEMORY_RANGE] = "must be between 2 and 1048576 (MiB)",
        [XLCFG_ERR_MAXMEM_BELOW] = "maxmem is smaller than memory",
        [XLCFG_ERR_VCPUS_ZERO] = "a domain needs at least 1 vCPU",
        [XLCFG_ERR_VCPUS_MANY] = "only 1 vCPU per domain is supported for now",
        [XLCFG_ERR_ACTION] = "must be destroy, restart, preserve, rename-restart, "
                             "coredump-destroy or coredump-restart",
        [XLCFG_ERR_NO_NAME] = "missing: every domain needs name = \"...\"",
        [XLCFG_ERR_NO_KERNEL] = "missing: kernel = \"...\" names the module after this one",
        [XLCFG_WARN_UNKNOWN_KEY] = "unknown key, ignored",
        [XLCFG_WARN_UNSUPPORTED_KEY] = "xl key not supported by Xenolith, ignored",
        [XLCFG_WARN_NO_TYPE] = "missing (xl would build a PV guest); taking type = \"pvh\"",
        [XLCFG_WARN_CMDLINE_WINS] = "ignored in favour of cmdline= (as xl does)",
        [XLCFG_WARN_AS_DESTROY] = "acts as destroy here (no toolstack keeps or dumps a domain)",
        [XLCFG_WARN_AS_RESTART] = "acts as restart here (no toolstack keeps or dumps a domain)",
    };

    return (unsigned)kind <= XLCFG_DIAG_KIND_MAX && text[kind] != NULL ? text[kind] : "unknown problem";
}

const char *xlcfg_action_name(enum xlcfg_action a)
{
    return (unsigned)a <= XLCFG_ACTION_MAX ? action_names[a] : "?";
}

const char *xlcfg_key_name(enum xlcfg_key k)
{
    return (unsigned)k < XLCFG_NR_KEYS ? key_names[k] : "?";
}

