// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the command line parser: the input is the command
 * line.  It is parsed once as a NUL-terminated copy and once as an exact-size
 * buffer (no NUL: any read past `len` is caught by ASan), and the result's
 * invariants are checked.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hv/cmdline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct hv_options *o, int rc, size_t len)
{
    if (o->nr_diags > CMDLINE_MAX_DIAGS)
        abort();
    if ((rc == 0) != (o->nr_diags == 0))
        abort();
    if (o->has_dom0_args && o->dom0_args_offset > len)
        abort();
    if (o->loglvl.ratelimit < o->loglvl.print ||
        o->guest_loglvl.ratelimit < o->guest_loglvl.print)
        abort();
    if (o->conring_size < HV_CONRING_MIN || o->conring_size > HV_CONRING_MAX ||
        (o->conring_size & (o->conring_size - 1)) != 0)
        abort();
    if (o->com1.io_base == 0 || o->com1.io_base > 0xfff8 || o->com1.irq > 15 ||
        o->com1.clock_hz == 0)
        abort();
    for (uint32_t i = 0; i < o->nr_diags; i++) {
        const struct cmdline_diag *d = &o->diags[i];
        if (memchr(d->text, 0, sizeof(d->text)) == NULL || d->offset >= len ||
            d->kind == CMDLINE_OK || d->kind > CMDLINE_DIAG_KIND_MAX)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct hv_options opts;
    char *exact = malloc(size ? size : 1);
    char *copy = malloc(size + 1);
    int rc;

    if (exact == NULL || copy == NULL)
        abort();
    memcpy(exact, data, size);
    memcpy(copy, data, size);
    copy[size] = '\0';

    rc = cmdline_parse(copy, size + 1, &opts);
    check(&opts, rc, size + 1);
    rc = cmdline_parse(exact, size, &opts);
    check(&opts, rc, size);
    if (cmdline_skip_image_name(exact, size, exact, size) > size)
        abort();
    free(exact);
    free(copy);
    return 0;
}
