// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest console output and input (hv/guest_console.h).
 */
#include "hv/guest_console.h"

#include "hv/console.h"

struct guest_console_state guest_console_state;

void guest_console_reset(void)
{
    /*@ loop invariant 0 <= i <= DOMAIN_MAX;
        loop invariant \forall integer j; 0 <= j < i ==> guest_console_state.line[j].len == 0;
        loop assigns i, guest_console_state.line[0 .. DOMAIN_MAX - 1];
        loop variant DOMAIN_MAX - i; */
    for (unsigned i = 0; i < DOMAIN_MAX; i++) {
        guest_console_state.line[i].owner = DOMID_INVALID;
        guest_console_state.line[i].len = 0;
    }
    guest_console_state.in_first = 0;
    guest_console_state.in_count = 0;
}

/* d's line buffer, claimed afresh when it last belonged to another domain. */
/*@ requires \valid_read(d) && guest_console_inv && \separated(d, &guest_console_state);
    assigns guest_console_state.line[0 .. DOMAIN_MAX - 1];
    ensures guest_console_inv;
    ensures \result == \null ||
            (\exists integer k; 0 <= k < DOMAIN_MAX && \result == &guest_console_state.line[k]); */
static struct guest_console_line *line_of(const struct domain *d)
{
    /*@ loop invariant 0 <= i <= DOMAIN_MAX && guest_console_inv;
        loop assigns i, guest_console_state.line[0 .. DOMAIN_MAX - 1];
        loop variant DOMAIN_MAX - i; */
    for (unsigned i = 0; i < DOMAIN_MAX; i++) {
        struct guest_console_line *l = &guest_console_state.line[i];

        if (&domain_table[i] != d)
            continue;
        if (l->owner != d->id) {
            l->owner = d->id;
            l->len = 0;
        }
        return l;
    }
    return NULL;
}

/* Xen keeps printable ASCII and tabs from other domains; newlines end lines. */
/*@ assigns \nothing; */
static bool printable(char c)
{
    return (c >= 0x20 && c <= 0x7E) || c == '\t';
}

#define PREFIX_MAX 9U     /* "(d65535) " */

/* "(d<id>) " into p, as Xen prefixes other domains' lines; returns its length. */
/*@ requires \valid(p + (0 .. PREFIX_MAX - 1));
    assigns p[0 .. PREFIX_MAX - 1];
    ensures 5 <= \result <= PREFIX_MAX; */
static size_t domain_prefix(char *p, domid_t id)
{
    char digits[5];
    size_t n = 0, k = 0;
    unsigned v = id;

    /*@ loop invariant 0 <= n <= 4;
        loop assigns n, v, digits[0 .. 4];
        loop variant 5 - n; */
    do {
        digits[n++] = (char)('0' + v % 10U);
        v /= 10U;
    } while (v != 0 && n < sizeof(digits));
    p[k++] = '(';
    p[k++] = 'd';
    /*@ loop invariant 0 <= n <= 5 && 3 <= k + n <= 7;
        loop assigns n, k, p[0 .. PREFIX_MAX - 1];
        loop variant n; */
    while (n > 0)
        p[k++] = digits[--n];
    p[k++] = ')';
    p[k++] = ' ';
    return k;
}

/* One whole line, so nothing else can land in its middle. */
/*@ requires \valid_read(d) && \valid(l) && l->len < GUEST_CONSOLE_LINE_MAX;
    assigns l->len, console_model;
    ensures l->len == 0; */
static void line_emit(const struct domain *d, struct guest_console_line *l)
{
    char prefix[PREFIX_MAX];
    size_t n = domain_prefix(prefix, d->id);

    console_write_raw(prefix, n);
    console_write_raw(l->text, l->len);
    console_write_raw("\n", 1);
    l->len = 0;
}

/*@ requires \valid_read(d);
    assigns \nothing; */
static bool is_initial(const struct domain *d)
{
    return (d->guest.start_flags & SIF_INITDOMAIN) != 0;
}

void guest_console_write(const struct domain *d, const char *text, size_t len)
{
    struct guest_console_line *l;

    if (is_initial(d)) {
        /* It may be an interactive shell: no buffering, no filtering. */
        console_write_raw(text, len);
        return;
    }
    l = line_of(d);
    if (l == NULL)
        return;
    /*@ loop invariant 0 <= i <= len && guest_console_inv;
        loop assigns i, guest_console_state.line[0 .. DOMAIN_MAX - 1], console_model;
        loop variant len - i; */
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\n') {
            line_emit(d, l);
            continue;
        }
        if (!printable(text[i]))
            continue;
        l->text[l->len++] = text[i];
        if (l->len == GUEST_CONSOLE_LINE_MAX - 1)
            line_emit(d, l);
    }
}

void guest_console_flush(const struct domain *d)
{
    struct guest_console_line *l;

    if (is_initial(d))
        return;
    l = line_of(d);
    if (l != NULL && l->len > 0)
        line_emit(d, l);
}

bool guest_console_input_push(char c)
{
    struct guest_console_state *s = &guest_console_state;

    if (s->in_count >= GUEST_CONSOLE_INPUT_SIZE)
        return false;
    s->input[(s->in_first + s->in_count) % GUEST_CONSOLE_INPUT_SIZE] = c;
    s->in_count++;
    return true;
}

uint32_t guest_console_input_pending(void)
{
    return guest_console_state.in_count;
}

uint32_t guest_console_input_peek(char *dst, uint32_t max)
{
    uint32_t avail = guest_console_input_pending();
    uint32_t n = avail < max ? avail : max;

    /*@ loop invariant 0 <= i <= n;
        loop assigns i, dst[0 .. max - 1];
        loop variant n - i; */
    for (uint32_t i = 0; i < n; i++)
        dst[i] = guest_console_state.input[(guest_console_state.in_first + i) %
                                           GUEST_CONSOLE_INPUT_SIZE];
    return n;
}

void guest_console_input_consume(uint32_t n)
{
    uint32_t avail = guest_console_input_pending();
    uint32_t k = n < avail ? n : avail;

    guest_console_state.in_first = (guest_console_state.in_first + k) % GUEST_CONSOLE_INPUT_SIZE;
    guest_console_state.in_count -= k;
}
