// SPDX-License-Identifier: GPL-2.0-only
/*
 * Console output and a small printf.  On Xen every line goes through
 * console_io(CONSOLEIO_write); without Xen to COM1 (QEMU's -serial) and, if
 * present, the 0xe9 debug port.  The formatter knows %d %i %u %x %X %p %s
 * %c %% with the l/ll/z length modifiers, a field width and the 0 and -
 * flags: all the guests need.
 */
#include "guest.h"
#include "xen/errno.h"

#define COM1 0x3f8
#define COM_THR 0
#define COM_IER 1
#define COM_FCR 2
#define COM_LCR 3
#define COM_MCR 4
#define COM_LSR 5
#define COM_LSR_THRE 0x20
#define DEBUGCON 0xe9

static bool debugcon_present;

void console_init(void)
{
    if (guest_env.on_xen)
        return;   /* port I/O is not ours to touch under a hypervisor */
    outb(COM1 + COM_IER, 0x00);
    outb(COM1 + COM_LCR, 0x80);   /* divisor latch: 115200 baud */
    outb(COM1 + 0, 0x01);
    outb(COM1 + 1, 0x00);
    outb(COM1 + COM_LCR, 0x03);   /* 8n1 */
    outb(COM1 + COM_FCR, 0xc7);
    outb(COM1 + COM_MCR, 0x03);
    /* QEMU's and Bochs' debug console reads back 0xe9. */
    debugcon_present = inb(DEBUGCON) == DEBUGCON;
}

static void com1_putc(char c)
{
    for (unsigned int spin = 0; spin < 100000; spin++) {
        if ((inb(COM1 + COM_LSR) & COM_LSR_THRE) != 0)
            break;
    }
    outb(COM1 + COM_THR, (uint8_t)c);
}

static void bare_write(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        com1_putc(s[i]);
        if (debugcon_present)
            outb(DEBUGCON, (uint8_t)s[i]);
    }
}

void guest_console_write(const char *s, size_t len)
{
    if (len == 0)
        return;
    if (guest_env.on_xen && guest_env.hc_mode != HC_NONE) {
        long rc = hypercall3(HYPERVISOR_console_io, CONSOLEIO_write, len, s);
        if (rc >= 0)
            return;
        /* No console_io: Xen HVM guests may also print through port 0xe9. */
        for (size_t i = 0; i < len; i++)
            outb(DEBUGCON, (uint8_t)s[i]);
        return;
    }
    bare_write(s, len);
}

/* ---- formatting --------------------------------------------------------- */

struct fmt_out {
    char *buf;
    size_t size;
    size_t len;     /* characters produced, even past size */
};

static void put_char(struct fmt_out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

struct fmt_spec {
    bool left;
    bool zero;
    unsigned int width;
};

static void put_padded(struct fmt_out *o, const char *s, size_t n, const struct fmt_spec *sp)
{
    size_t pad = sp->width > n ? sp->width - n : 0;
    char padc = sp->zero && !sp->left ? '0' : ' ';

    if (!sp->left) {
        /* Zero padding goes after a sign. */
        if (padc == '0' && n > 0 && s[0] == '-') {
            put_char(o, '-');
            s++;
            n--;
        }
        while (pad-- > 0)
            put_char(o, padc);
    }
    for (size_t i = 0; i < n; i++)
        put_char(o, s[i]);
    if (sp->left) {
        while (pad-- > 0)
            put_char(o, ' ');
    }
}

static size_t utoa(char *tmp, uint64_t v, unsigned int base, bool upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char rev[24];
    size_t n = 0;

    do {
        rev[n++] = digits[v % base];
        v /= base;
    } while (v != 0);
    for (size_t i = 0; i < n; i++)
        tmp[i] = rev[n - 1 - i];
    return n;
}

/* The argument of an integer conversion, by length modifier. */
static uint64_t fetch_uint(va_list *ap, unsigned int lng, bool is_signed, bool *neg)
{
    *neg = false;
    if (is_signed) {
        int64_t v = lng >= 1 ? (int64_t)va_arg(*ap, long) : (int64_t)va_arg(*ap, int);
        if (v < 0) {
            *neg = true;
            return (uint64_t)0 - (uint64_t)v;
        }
        return (uint64_t)v;
    }
    return lng >= 1 ? (uint64_t)va_arg(*ap, unsigned long) : (uint64_t)va_arg(*ap, unsigned int);
}

static const char *parse_spec(const char *f, struct fmt_spec *sp, unsigned int *lng)
{
    sp->left = false;
    sp->zero = false;
    sp->width = 0;
    for (;; f++) {
        if (*f == '-')
            sp->left = true;
        else if (*f == '0')
            sp->zero = true;
        else
            break;
    }
    while (*f >= '0' && *f <= '9')
        sp->width = sp->width * 10U + (unsigned int)(*f++ - '0');
    *lng = 0;
    while (*f == 'l' || *f == 'z') {
        (*lng)++;
        f++;
    }
    return f;
}

static void format_one(struct fmt_out *o, char conv, const struct fmt_spec *sp, unsigned int lng,
                       va_list *ap)
{
    char tmp[32];
    size_t n;
    bool neg;

    switch (conv) {
    case 'd':
    case 'i':
    case 'u': {
        uint64_t v = fetch_uint(ap, lng, conv != 'u', &neg);
        tmp[0] = '-';
        n = utoa(tmp + (neg ? 1 : 0), v, 10, false) + (neg ? 1U : 0U);
        put_padded(o, tmp, n, sp);
        break;
    }
    case 'x':
    case 'X':
        n = utoa(tmp, fetch_uint(ap, lng, false, &neg), 16, conv == 'X');
        put_padded(o, tmp, n, sp);
        break;
    case 'p':
        tmp[0] = '0';
        tmp[1] = 'x';
        n = 2 + utoa(tmp + 2, (uint64_t)(uintptr_t)va_arg(*ap, void *), 16, false);
        put_padded(o, tmp, n, sp);
        break;
    case 'c':
        tmp[0] = (char)va_arg(*ap, int);
        put_padded(o, tmp, 1, sp);
        break;
    case 's': {
        const char *s = va_arg(*ap, const char *);
        if (s == NULL)
            s = "(null)";
        put_padded(o, s, strlen(s), sp);
        break;
    }
    default:
        put_char(o, '%');
        put_char(o, conv);
        break;
    }
}

int guest_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct fmt_out o = { buf, size, 0 };
    va_list aq;

    va_copy(aq, ap);
    for (const char *f = fmt; *f != '\0'; f++) {
        if (*f != '%') {
            put_char(&o, *f);
            continue;
        }
        f++;
        if (*f == '%') {
            put_char(&o, '%');
            continue;
        }
        struct fmt_spec sp;
        unsigned int lng;
        f = parse_spec(f, &sp, &lng);
        if (*f == '\0')
            break;
        format_one(&o, *f, &sp, lng, &aq);
    }
    va_end(aq);
    if (size > 0)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return (int)o.len;
}

int guest_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = guest_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

void guest_printf(const char *fmt, ...)
{
    char buf[256];
    va_list ap;

    va_start(ap, fmt);
    guest_vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    guest_console_write(buf, strlen(buf));
}
