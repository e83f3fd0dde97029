// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest console output and input (hv/guest_console.h).
 */
#include "hv/guest_console.h"

#include "hv/console.h"
#include "hv/format.h"

struct guest_console_state guest_console_state;

void guest_console_reset(void)
{
    for (unsigned i = 0; i < DOMAIN_MAX; i++) {
        guest_console_state.line[i].owner = DOMID_INVALID;
        guest_console_state.line[i].len = 0;
    }
    guest_console_state.in_prod = 0;
    guest_console_state.in_cons = 0;
}

/* d's line buffer, claimed afresh when it last belonged to another domain. */
static struct guest_console_line *line_of(const struct domain *d)
{
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
static bool printable(char c)
{
    return (c >= 0x20 && c <= 0x7E) || c == '\t';
}

/* One whole line, so nothing else can land in its middle. */
static void line_emit(const struct domain *d, struct guest_console_line *l)
{
    char prefix[16];
    size_t n = hv_snprintf(prefix, sizeof(prefix), "(d%u) ", (unsigned)d->id);

    console_write_raw(prefix, n < sizeof(prefix) ? n : sizeof(prefix) - 1);
    console_write_raw(l->text, l->len);
    console_write_raw("\n", 1);
    l->len = 0;
}

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

    if (s->in_prod - s->in_cons >= GUEST_CONSOLE_INPUT_SIZE)
        return false;
    s->input[s->in_prod % GUEST_CONSOLE_INPUT_SIZE] = c;
    s->in_prod++;
    return true;
}

uint32_t guest_console_input_pending(void)
{
    return guest_console_state.in_prod - guest_console_state.in_cons;
}

uint32_t guest_console_input_peek(char *dst, uint32_t max)
{
    uint32_t avail = guest_console_input_pending();
    uint32_t n = avail < max ? avail : max;

    for (uint32_t i = 0; i < n; i++)
        dst[i] = guest_console_state.input[(guest_console_state.in_cons + i) %
                                           GUEST_CONSOLE_INPUT_SIZE];
    return n;
}

void guest_console_input_consume(uint32_t n)
{
    uint32_t avail = guest_console_input_pending();

    guest_console_state.in_cons += n < avail ? n : avail;
}
