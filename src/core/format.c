// SPDX-License-Identifier: GPL-2.0-only
#include "hv/format.h"

/* Output cursor: counts every character, stores those that fit. */
struct out {
    char *buf;
    size_t size;
    size_t len;
};

struct spec {
    bool left;
    bool zero;
    size_t width;
    bool has_precision;
    size_t precision;
    int length;     /* -2 hh, -1 h, 0 int, 1 long, 2 long long, 3 size_t */
};

static void out_char(struct out *o, char c)
{
    if (o->size != 0 && o->len < o->size - 1)
        o->buf[o->len] = c;
    o->len++;
}

static void out_repeat(struct out *o, char c, size_t n)
{
    while (n-- > 0)
        out_char(o, c);
}

static size_t bounded_strlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n] != '\0')
        n++;
    return n;
}

static void out_padded(struct out *o, const char *s, size_t n, const struct spec *sp)
{
    size_t pad = sp->width > n ? sp->width - n : 0;

    if (!sp->left)
        out_repeat(o, ' ', pad);
    for (size_t i = 0; i < n; i++)
        out_char(o, s[i]);
    if (sp->left)
        out_repeat(o, ' ', pad);
}

static void out_number(struct out *o, uint64_t value, bool negative, unsigned base,
                       bool upper, const struct spec *sp)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    size_t n = 0;
    size_t total;

    do {
        tmp[n++] = digits[value % base];
        value /= base;
    } while (value != 0);
    total = n + (negative ? 1U : 0U);
    if (sp->zero && !sp->left) {
        if (negative)
            out_char(o, '-');
        out_repeat(o, '0', sp->width > total ? sp->width - total : 0);
    } else {
        if (!sp->left)
            out_repeat(o, ' ', sp->width > total ? sp->width - total : 0);
        if (negative)
            out_char(o, '-');
    }
    while (n > 0)
        out_char(o, tmp[--n]);
    if (sp->left)
        out_repeat(o, ' ', sp->width > total ? sp->width - total : 0);
}

static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
    *sp = (struct spec){ 0 };
    for (;; f++) {
        if (*f == '-')
            sp->left = true;
        else if (*f == '0')
            sp->zero = true;
        else
            break;
    }
    while (*f >= '0' && *f <= '9')
        sp->width = sp->width * 10 + (size_t)(*f++ - '0');
    if (*f == '.') {
        f++;
        sp->has_precision = true;
        if (*f == '*') {
            int p = va_arg(*ap, int);
            sp->precision = p < 0 ? 0 : (size_t)p;
            f++;
        }
        while (*f >= '0' && *f <= '9')
            sp->precision = sp->precision * 10 + (size_t)(*f++ - '0');
    }
    if (f[0] == 'h') {
        sp->length = f[1] == 'h' ? -2 : -1;
        f += f[1] == 'h' ? 2 : 1;
    } else if (f[0] == 'l') {
        sp->length = f[1] == 'l' ? 2 : 1;
        f += f[1] == 'l' ? 2 : 1;
    } else if (f[0] == 'z') {
        sp->length = 3;
        f++;
    }
    return f;
}

static uint64_t fetch_unsigned(const struct spec *sp, va_list *ap)
{
    switch (sp->length) {
    case -2: return (unsigned char)va_arg(*ap, unsigned int);
    case -1: return (unsigned short)va_arg(*ap, unsigned int);
    case 1:  return va_arg(*ap, unsigned long);
    case 2:  return va_arg(*ap, unsigned long long);
    case 3:  return va_arg(*ap, size_t);
    default: return va_arg(*ap, unsigned int);
    }
}

static int64_t fetch_signed(const struct spec *sp, va_list *ap)
{
    switch (sp->length) {
    case -2: return (signed char)va_arg(*ap, int);
    case -1: return (short)va_arg(*ap, int);
    case 1:  return va_arg(*ap, long);
    case 2:  return va_arg(*ap, long long);
    case 3:  return (int64_t)va_arg(*ap, size_t);
    default: return va_arg(*ap, int);
    }
}

static void out_signed(struct out *o, int64_t v, const struct spec *sp)
{
    /* Negate in unsigned arithmetic so INT64_MIN is printed correctly. */
    uint64_t magnitude = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

    out_number(o, magnitude, v < 0, 10, false, sp);
}

static void out_conversion(struct out *o, char conv, struct spec *sp, va_list *ap)
{
    switch (conv) {
    case 'c': {
        char c = (char)va_arg(*ap, int);
        out_padded(o, &c, 1, sp);
        break;
    }
    case 's': {
        const char *s = va_arg(*ap, const char *);
        if (s == NULL)
            s = "(null)";
        out_padded(o, s, bounded_strlen(s, sp->has_precision ? sp->precision : SIZE_MAX), sp);
        break;
    }
    case 'd':
    case 'i':
        out_signed(o, fetch_signed(sp, ap), sp);
        break;
    case 'u':
        out_number(o, fetch_unsigned(sp, ap), false, 10, false, sp);
        break;
    case 'x':
    case 'X':
        out_number(o, fetch_unsigned(sp, ap), false, 16, conv == 'X', sp);
        break;
    case 'p':
        out_char(o, '0');
        out_char(o, 'x');
        sp->zero = true;
        sp->width = 16;
        out_number(o, (uint64_t)(uintptr_t)va_arg(*ap, void *), false, 16, false, sp);
        break;
    case '%':
        out_char(o, '%');
        break;
    default:
        /* Unknown conversion: show it rather than guess at arguments. */
        out_char(o, '%');
        out_char(o, conv);
        break;
    }
}

size_t hv_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { buf, size, 0 };
    va_list args;

    va_copy(args, ap);
    while (*fmt != '\0') {
        struct spec sp;

        if (*fmt != '%') {
            out_char(&o, *fmt++);
            continue;
        }
        fmt = parse_spec(fmt + 1, &sp, &args);
        if (*fmt == '\0')
            break;
        out_conversion(&o, *fmt++, &sp, &args);
    }
    va_end(args);
    if (size != 0)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return o.len;
}

size_t hv_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    size_t n;

    va_start(ap, fmt);
    n = hv_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
