// SPDX-License-Identifier: GPL-2.0-only
/*
 * Xen-style command line parser.  Everything works on (pointer, length)
 * slices of the caller's buffer: nothing is copied except the bounded text
 * of a diagnostic, and no byte past the slice is ever read.
 */
#include "hv/cmdline.h"
#include "xen/errno.h"

/* A piece of the command line. */
struct slice {
    const char *p;
    size_t n;
};

enum opt_id {
    OPT_NONE = 0,
    OPT_CONSOLE,
    OPT_COM1,
    OPT_LOGLVL,
    OPT_GUEST_LOGLVL,
    OPT_NOREBOOT,
    OPT_REBOOT,
    OPT_CONRING_SIZE,
    OPT_DOM0_MEM,
    OPT_DEBUG_EXIT,
    OPT_SELFTEST,
};

struct opt_name {
    const char *name;
    enum opt_id id;
    bool boolean;
};

static const struct opt_name opt_names[] = {
    { "console", OPT_CONSOLE, false },
    { "com1", OPT_COM1, false },
    { "loglvl", OPT_LOGLVL, false },
    { "guest_loglvl", OPT_GUEST_LOGLVL, false },
    { "noreboot", OPT_NOREBOOT, true },
    { "reboot", OPT_REBOOT, false },
    { "conring_size", OPT_CONRING_SIZE, false },
    { "dom0_mem", OPT_DOM0_MEM, false },
    { "debug_exit", OPT_DEBUG_EXIT, true },
    { "selftest", OPT_SELFTEST, false },
};

static const char *const loglvl_names[] = {
    [HV_LOG_NONE] = "none",
    [HV_LOG_ERROR] = "error",
    [HV_LOG_WARNING] = "warning",
    [HV_LOG_INFO] = "info",
    [HV_LOG_DEBUG] = "debug",
    [HV_LOG_ALL] = "all",
};

/* ---- small string helpers (no libc on bare metal) ------------------------ */

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int hex_value(char c)
{
    if (is_digit(c))
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Exact match of a slice against a NUL-terminated literal. */
static bool slice_is(struct slice s, const char *lit)
{
    size_t i;

    for (i = 0; i < s.n; i++)
        if (lit[i] == '\0' || lit[i] != s.p[i])
            return false;
    return lit[i] == '\0';
}

/* Option-name match: a '-' in s matches the '_' of the (underscore-only) name. */
static bool name_is(struct slice s, const char *lit)
{
    size_t i;

    for (i = 0; i < s.n; i++) {
        char a = s.p[i] == '-' ? '_' : s.p[i];
        if (lit[i] == '\0' || a != lit[i])
            return false;
    }
    return lit[i] == '\0';
}

static bool starts_with(struct slice s, const char *lit)
{
    size_t i;

    for (i = 0; lit[i] != '\0'; i++)
        if (i >= s.n || s.p[i] != lit[i])
            return false;
    return true;
}

static struct slice slice_from(struct slice s, size_t k)
{
    struct slice r = { s.p + k, s.n - k };
    return r;
}

/* Split s at the first `sep`: *head gets the part before, the result the rest. */
static bool split_at(struct slice s, char sep, struct slice *head, struct slice *rest)
{
    for (size_t i = 0; i < s.n; i++) {
        if (s.p[i] == sep) {
            head->p = s.p;
            head->n = i;
            *rest = slice_from(s, i + 1);
            return true;
        }
    }
    *head = s;
    rest->p = s.p + s.n;
    rest->n = 0;
    return false;
}

/* ---- number parsing -------------------------------------------------------- */

/*
 * Unsigned number at the start of s: decimal, or hexadecimal after "0x"/"0X".
 * Returns the number of characters used (0: no digits), sets *overflow when
 * the value does not fit in 64 bits.
 */
static size_t parse_u64(struct slice s, uint64_t *val, bool *overflow)
{
    uint64_t base = 10;
    size_t i = 0, first;
    uint64_t v = 0;

    *overflow = false;
    if (s.n >= 3 && s.p[0] == '0' && (s.p[1] == 'x' || s.p[1] == 'X') &&
        hex_value(s.p[2]) >= 0) {
        base = 16;
        i = 2;
    }
    first = i;
    for (; i < s.n; i++) {
        int d = base == 16 ? hex_value(s.p[i]) : (is_digit(s.p[i]) ? s.p[i] - '0' : -1);
        if (d < 0)
            break;
        if (v > (UINT64_MAX - (uint64_t)d) / base)
            *overflow = true;
        else
            v = v * base + (uint64_t)d;
    }
    *val = v;
    return i == first ? 0 : i;
}

/* The whole slice is one number (decimal or 0x-hex). */
static enum cmdline_diag_kind parse_number(struct slice s, uint64_t max, uint64_t *val)
{
    bool overflow;
    size_t used = parse_u64(s, val, &overflow);

    if (used == 0 || used != s.n)
        return CMDLINE_DIAG_BAD_VALUE;
    if (overflow || *val > max)
        return CMDLINE_DIAG_OUT_OF_RANGE;
    return CMDLINE_OK;
}

/* The whole slice is hexadecimal, "0x" optional. */
static enum cmdline_diag_kind parse_hex(struct slice s, uint64_t *val)
{
    uint64_t v = 0;
    size_t i = 0;

    if (s.n >= 2 && s.p[0] == '0' && (s.p[1] == 'x' || s.p[1] == 'X'))
        i = 2;
    if (i == s.n)
        return CMDLINE_DIAG_BAD_VALUE;
    for (; i < s.n; i++) {
        int d = hex_value(s.p[i]);
        if (d < 0)
            return CMDLINE_DIAG_BAD_VALUE;
        if (v > (UINT64_MAX >> 4))
            return CMDLINE_DIAG_OUT_OF_RANGE;
        v = (v << 4) | (uint64_t)d;
    }
    *val = v;
    return CMDLINE_OK;
}

/* Xen's <size>: number with an optional B/K/M/G/T suffix; no suffix means K. */
static enum cmdline_diag_kind parse_size(struct slice s, uint64_t *bytes)
{
    bool overflow;
    uint64_t v;
    unsigned int shift = 10;
    size_t used = parse_u64(s, &v, &overflow);

    if (used == 0)
        return CMDLINE_DIAG_BAD_VALUE;
    if (used < s.n) {
        switch (s.p[used]) {
        case 'B': case 'b': shift = 0; break;
        case 'K': case 'k': shift = 10; break;
        case 'M': case 'm': shift = 20; break;
        case 'G': case 'g': shift = 30; break;
        case 'T': case 't': shift = 40; break;
        case '%': return CMDLINE_DIAG_UNSUPPORTED;
        default: return CMDLINE_DIAG_BAD_VALUE;
        }
        if (used + 1 != s.n)
            return CMDLINE_DIAG_BAD_VALUE;
    }
    if (overflow || v > (UINT64_MAX >> shift))
        return CMDLINE_DIAG_OUT_OF_RANGE;
    *bytes = v << shift;
    return CMDLINE_OK;
}

static enum cmdline_diag_kind parse_bool(struct slice s, bool *val)
{
    static const char *const yes[] = { "yes", "on", "true", "enable", "1" };
    static const char *const no[] = { "no", "off", "false", "disable", "0" };

    for (size_t i = 0; i < HV_ARRAY_SIZE(yes); i++) {
        if (slice_is(s, yes[i])) {
            *val = true;
            return CMDLINE_OK;
        }
        if (slice_is(s, no[i])) {
            *val = false;
            return CMDLINE_OK;
        }
    }
    return CMDLINE_DIAG_BAD_VALUE;
}

/* ---- option values ---------------------------------------------------------- */

static enum cmdline_diag_kind parse_level(struct slice s, enum hv_loglvl *lvl)
{
    for (size_t i = 0; i < HV_ARRAY_SIZE(loglvl_names); i++) {
        if (slice_is(s, loglvl_names[i])) {
            *lvl = (enum hv_loglvl)i;
            return CMDLINE_OK;
        }
    }
    return CMDLINE_DIAG_BAD_VALUE;
}

static enum cmdline_diag_kind parse_loglvl(struct slice s, struct hv_loglvl_pair *out)
{
    struct slice first, second;
    struct hv_loglvl_pair p;
    enum cmdline_diag_kind k;

    if (split_at(s, '/', &first, &second)) {
        k = parse_level(first, &p.print);
        if (k == CMDLINE_OK)
            k = parse_level(second, &p.ratelimit);
    } else {
        k = parse_level(first, &p.print);
        p.ratelimit = p.print;
    }
    if (k != CMDLINE_OK)
        return k;
    if (p.ratelimit < p.print)
        p.ratelimit = p.print;
    *out = p;
    return CMDLINE_OK;
}

static enum cmdline_diag_kind parse_console(struct slice s, uint32_t *console)
{
    static const char *const unsupported[] = {
        "vga", "com2", "dbgp", "ehci", "xhci", "pv", "dtuart",
    };
    uint32_t mask = 0;
    struct slice item, rest = s;
    bool more = true;

    while (more) {
        bool known = false;

        more = split_at(rest, ',', &item, &rest);
        if (slice_is(item, "com1")) {
            mask |= HV_CONSOLE_COM1;
            continue;
        }
        if (slice_is(item, "none"))
            continue;
        for (size_t i = 0; i < HV_ARRAY_SIZE(unsupported); i++)
            known = known || slice_is(item, unsupported[i]);
        return known ? CMDLINE_DIAG_UNSUPPORTED : CMDLINE_DIAG_BAD_VALUE;
    }
    *console = mask;
    return CMDLINE_OK;
}

/* com1 field 0: <baud>|auto[/<clock_hz>] */
static enum cmdline_diag_kind parse_com1_speed(struct slice s, struct hv_com1 *c)
{
    struct slice baud, clock;
    uint64_t v;
    enum cmdline_diag_kind k;

    if (split_at(s, '/', &baud, &clock)) {
        k = parse_number(clock, UINT32_MAX, &v);
        if (k != CMDLINE_OK)
            return k;
        if (v == 0)
            return CMDLINE_DIAG_OUT_OF_RANGE;
        c->clock_hz = (uint32_t)v;
    }
    if (slice_is(baud, "auto")) {
        c->baud = 0;
    } else if (baud.n != 0) {
        k = parse_number(baud, UINT32_MAX, &v);
        if (k != CMDLINE_OK)
            return k;
        if (v == 0)
            return CMDLINE_DIAG_OUT_OF_RANGE;
        c->baud = (uint32_t)v;
    }
    if (c->baud != 0) {
        /* The 16550 divisor clock / (16 * baud) must be within 1..0xffff. */
        uint64_t div = (uint64_t)c->clock_hz / (16U * (uint64_t)c->baud);
        if (div == 0 || div > 0xffffU)
            return CMDLINE_DIAG_OUT_OF_RANGE;
    }
    return CMDLINE_OK;
}

/* com1 field 1: <data><parity><stop>; only 8n1 is supported. */
static enum cmdline_diag_kind parse_com1_dps(struct slice s)
{
    if (s.n == 0)
        return CMDLINE_OK;
    if (s.n != 3 || s.p[0] < '5' || s.p[0] > '8' ||
        (s.p[1] != 'n' && s.p[1] != 'o' && s.p[1] != 'e' && s.p[1] != 'm' &&
         s.p[1] != 's') ||
        (s.p[2] != '1' && s.p[2] != '2'))
        return CMDLINE_DIAG_BAD_VALUE;
    if (s.p[0] != '8' || s.p[1] != 'n' || s.p[2] != '1')
        return CMDLINE_DIAG_UNSUPPORTED;
    return CMDLINE_OK;
}

/* com1 field 2: I/O base in hex; the 8 registers must fit in port space. */
static enum cmdline_diag_kind parse_com1_io(struct slice s, struct hv_com1 *c)
{
    uint64_t v = 0;
    enum cmdline_diag_kind k;

    if (s.n == 0)
        return CMDLINE_OK;
    if (slice_is(s, "pci") || slice_is(s, "amt"))
        return CMDLINE_DIAG_UNSUPPORTED;
    k = parse_hex(s, &v);
    if (k != CMDLINE_OK)
        return k;
    if (v == 0 || v > 0xfff8U)
        return CMDLINE_DIAG_OUT_OF_RANGE;
    c->io_base = (uint16_t)v;
    return CMDLINE_OK;
}

/* com1 field 3: ISA IRQ 0..15 (0 = polled). */
static enum cmdline_diag_kind parse_com1_irq(struct slice s, struct hv_com1 *c)
{
    uint64_t v;
    enum cmdline_diag_kind k;

    if (s.n == 0)
        return CMDLINE_OK;
    if (slice_is(s, "msi"))
        return CMDLINE_DIAG_UNSUPPORTED;
    k = parse_number(s, 15, &v);
    if (k != CMDLINE_OK)
        return k;
    c->irq = (uint8_t)v;
    return CMDLINE_OK;
}

static enum cmdline_diag_kind parse_com1(struct slice s, struct hv_com1 *out)
{
    struct hv_com1 c = *out;
    struct slice f0, f1, f2, f3, rest;
    enum cmdline_diag_kind k;

    split_at(s, ',', &f0, &rest);
    split_at(rest, ',', &f1, &rest);
    split_at(rest, ',', &f2, &rest);
    /* Fields after the IRQ (PCI bridge and device) are not implemented. */
    if (split_at(rest, ',', &f3, &rest))
        return CMDLINE_DIAG_UNSUPPORTED;
    k = parse_com1_speed(f0, &c);
    if (k == CMDLINE_OK)
        k = parse_com1_dps(f1);
    if (k == CMDLINE_OK)
        k = parse_com1_io(f2, &c);
    if (k == CMDLINE_OK)
        k = parse_com1_irq(f3, &c);
    if (k == CMDLINE_OK)
        *out = c;
    return k;
}

/* reboot=: Xen matches the first letter of each comma-separated item. */
static enum cmdline_diag_kind parse_reboot(struct slice s, struct hv_options *o)
{
    enum hv_reboot_method method = o->reboot_method;
    bool noreboot = o->noreboot, warm = o->reboot_warm;
    struct slice item, rest = s;
    bool more = true;

    while (more) {
        more = split_at(rest, ',', &item, &rest);
        if (item.n == 0)
            return CMDLINE_DIAG_BAD_VALUE;
        switch (item.p[0]) {
        case 'n': noreboot = true; break;
        case 'w': warm = true; break;
        case 'c': warm = false; break;
        case 'k': method = HV_REBOOT_KBD; break;
        case 't': method = HV_REBOOT_TRIPLE; break;
        case 'p': method = HV_REBOOT_PCI; break;
        case 'b': case 'a': case 'e': case 'P':
            return CMDLINE_DIAG_UNSUPPORTED;
        default:
            return CMDLINE_DIAG_BAD_VALUE;
        }
    }
    o->reboot_method = method;
    o->noreboot = noreboot;
    o->reboot_warm = warm;
    return CMDLINE_OK;
}

static enum cmdline_diag_kind parse_conring(struct slice s, uint64_t *size)
{
    uint64_t v = 0, p2 = HV_CONRING_MIN;
    enum cmdline_diag_kind k = parse_size(s, &v);

    if (k != CMDLINE_OK)
        return k;
    if (v < HV_CONRING_MIN || v > HV_CONRING_MAX)
        return CMDLINE_DIAG_OUT_OF_RANGE;
    while (p2 < v)
        p2 <<= 1;
    *size = p2;
    return CMDLINE_OK;
}

static enum cmdline_diag_kind parse_mem_amount(struct slice s, struct hv_mem_amount *a)
{
    struct hv_mem_amount r = { true, false, 0 };
    enum cmdline_diag_kind k;

    if (s.n > 0 && s.p[0] == '-') {
        r.all_but = true;
        s = slice_from(s, 1);
    }
    k = parse_size(s, &r.bytes);
    if (k == CMDLINE_OK)
        *a = r;
    return k;
}

/* dom0_mem=: comma-separated <size>, -<size>, min:<size>, max:<size>. */
static enum cmdline_diag_kind parse_dom0_mem(struct slice s, struct hv_dom0_mem *out)
{
    struct hv_dom0_mem m = *out;
    struct slice item, rest = s;
    bool more = true;
    enum cmdline_diag_kind k;

    while (more) {
        more = split_at(rest, ',', &item, &rest);
        if (starts_with(item, "min:"))
            k = parse_mem_amount(slice_from(item, 4), &m.min);
        else if (starts_with(item, "max:"))
            k = parse_mem_amount(slice_from(item, 4), &m.max);
        else
            k = parse_mem_amount(item, &m.amount);
        if (k != CMDLINE_OK)
            return k;
    }
    *out = m;
    return CMDLINE_OK;
}

static enum cmdline_diag_kind parse_selftest(struct slice s, enum hv_selftest *t)
{
    if (slice_is(s, "none"))
        *t = HV_SELFTEST_NONE;
    else if (slice_is(s, "fault"))
        *t = HV_SELFTEST_FAULT;
    else
        return CMDLINE_DIAG_BAD_VALUE;
    return CMDLINE_OK;
}

/* ---- tokens ---------------------------------------------------------------- */

static void add_diag(struct hv_options *o, enum cmdline_diag_kind kind,
                     struct slice tok, size_t offset)
{
    struct cmdline_diag *d;
    size_t n = tok.n;

    /* Saturating: 2^32 bad tokens need a line of 8 GiB, but len is size_t. */
    if (o->nr_diags >= CMDLINE_MAX_DIAGS) {
        o->diags_dropped += o->diags_dropped < UINT32_MAX;
        return;
    }
    d = &o->diags[o->nr_diags++];
    d->kind = kind;
    d->offset = offset;
    d->text_truncated = n > CMDLINE_DIAG_TEXT_MAX - 1;
    if (d->text_truncated)
        n = CMDLINE_DIAG_TEXT_MAX - 1;
    for (size_t i = 0; i < n; i++)
        d->text[i] = tok.p[i];
    d->text[n] = '\0';
}

static const struct opt_name *find_option(struct slice name)
{
    for (size_t i = 0; i < HV_ARRAY_SIZE(opt_names); i++)
        if (name_is(name, opt_names[i].name))
            return &opt_names[i];
    return NULL;
}

static bool *bool_field(struct hv_options *o, enum opt_id id)
{
    return id == OPT_NOREBOOT ? &o->noreboot : &o->debug_exit;
}

static enum cmdline_diag_kind apply_value(struct hv_options *o, enum opt_id id,
                                          struct slice v)
{
    switch (id) {
    case OPT_CONSOLE: return parse_console(v, &o->console);
    case OPT_COM1: return parse_com1(v, &o->com1);
    case OPT_LOGLVL: return parse_loglvl(v, &o->loglvl);
    case OPT_GUEST_LOGLVL: return parse_loglvl(v, &o->guest_loglvl);
    case OPT_REBOOT: return parse_reboot(v, o);
    case OPT_CONRING_SIZE: return parse_conring(v, &o->conring_size);
    case OPT_DOM0_MEM: return parse_dom0_mem(v, &o->dom0_mem);
    case OPT_SELFTEST: return parse_selftest(v, &o->selftest);
    default: return parse_bool(v, bool_field(o, id));
    }
}

static enum cmdline_diag_kind parse_token(struct hv_options *o, struct slice tok)
{
    struct slice name, value;
    bool has_value = split_at(tok, '=', &name, &value);
    const struct opt_name *opt = find_option(name);

    if (opt == NULL) {
        /* "no-<boolean>" clears it and takes no value. */
        if (!starts_with(name, "no-"))
            return CMDLINE_DIAG_UNKNOWN_OPTION;
        opt = find_option(slice_from(name, 3));
        if (opt == NULL || !opt->boolean)
            return CMDLINE_DIAG_UNKNOWN_OPTION;
        if (has_value)
            return CMDLINE_DIAG_BAD_VALUE;
        *bool_field(o, opt->id) = false;
        return CMDLINE_OK;
    }
    if (!has_value) {
        if (!opt->boolean)
            return CMDLINE_DIAG_MISSING_VALUE;
        *bool_field(o, opt->id) = true;
        return CMDLINE_OK;
    }
    return apply_value(o, opt->id, value);
}

void cmdline_defaults(struct hv_options *out)
{
    *out = (struct hv_options){
        .console = HV_CONSOLE_COM1,
        .com1 = { HV_COM1_BAUD_DEFAULT, HV_COM1_CLOCK_DEFAULT,
                  HV_COM1_IO_DEFAULT, HV_COM1_IRQ_DEFAULT },
        .loglvl = { HV_LOG_WARNING, HV_LOG_WARNING },
        .guest_loglvl = { HV_LOG_NONE, HV_LOG_WARNING },
        .noreboot = false,
        .reboot_method = HV_REBOOT_DEFAULT,
        .conring_size = HV_CONRING_DEFAULT,
        .selftest = HV_SELFTEST_NONE,
    };
}

int cmdline_parse(const char *text, size_t len, struct hv_options *out)
{
    size_t i = 0;

    cmdline_defaults(out);
    while (i < len && text[i] != '\0') {
        size_t start = i;
        struct slice tok;
        enum cmdline_diag_kind k;

        if (is_blank(text[i])) {
            i++;
            continue;
        }
        while (i < len && text[i] != '\0' && !is_blank(text[i]))
            i++;
        tok.p = text + start;
        tok.n = i - start;
        if (slice_is(tok, "--")) {
            while (i < len && is_blank(text[i]))
                i++;
            out->has_dom0_args = true;
            out->dom0_args_offset = i;
            break;
        }
        k = parse_token(out, tok);
        if (k != CMDLINE_OK)
            add_diag(out, k, tok, start);
    }
    return (out->nr_diags != 0) ? -XEN_EINVAL : 0;
}

size_t cmdline_skip_image_name(const char *text, size_t len,
                               const char *loader_name, size_t loader_len)
{
    static const char grub2[] = "GRUB 2";
    size_t i = 0;

    for (i = 0; i < sizeof(grub2) - 1; i++)
        if (i >= loader_len || loader_name[i] != grub2[i])
            break;
    if (i == sizeof(grub2) - 1)
        return 0;
    i = 0;
    while (i < len && is_blank(text[i]))
        i++;
    while (i < len && text[i] != '\0' && !is_blank(text[i]))
        i++;
    while (i < len && is_blank(text[i]))
        i++;
    return i;
}

const char *cmdline_diag_text(enum cmdline_diag_kind kind)
{
    switch (kind) {
    case CMDLINE_OK: return "ok";
    case CMDLINE_DIAG_UNKNOWN_OPTION: return "unknown option";
    case CMDLINE_DIAG_MISSING_VALUE: return "missing value";
    case CMDLINE_DIAG_BAD_VALUE: return "bad value";
    case CMDLINE_DIAG_OUT_OF_RANGE: return "value out of range";
    case CMDLINE_DIAG_UNSUPPORTED: return "unsupported";
    }
    return "unknown diagnostic";
}

const char *cmdline_loglvl_name(enum hv_loglvl lvl)
{
    if ((unsigned int)lvl < HV_ARRAY_SIZE(loglvl_names))
        return loglvl_names[lvl];
    return "?";
}
