// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the xl.cfg parser: the input is a description.  It
 * is detected and parsed as an exact-size buffer (no NUL: any read past the
 * end is caught by ASan), and everything hv/xlcfg.h promises about the
 * result is checked: strings terminated within their arrays, counters and
 * bounds, lines within the text, one diagnostic per counted problem unless
 * dropped, and a result that says whether there was an error.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hv/xlcfg.h"
#include "xen/errno.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_str(const char *s, size_t cap)
{
    if (memchr(s, 0, cap) == NULL)
        abort();
}

static uint32_t count_lines(const uint8_t *data, size_t size)
{
    uint32_t n = 1;

    for (size_t i = 0; i < size; i++)
        n += data[i] == '\n';
    return n;
}

static void check(const struct xlcfg *c, int rc, uint32_t lines)
{
    uint32_t errors = 0, warnings = 0;

    check_str(c->name, sizeof(c->name));
    check_str(c->kernel, sizeof(c->kernel));
    check_str(c->ramdisk, sizeof(c->ramdisk));
    check_str(c->root, sizeof(c->root));
    check_str(c->extra, sizeof(c->extra));
    check_str(c->cmdline, sizeof(c->cmdline));
    if ((rc == 0) != (c->nr_errors == 0) || (rc != 0 && rc != -XEN_EINVAL))
        abort();
    if (c->nr_diags > XLCFG_DIAGS_MAX || c->vcpus != 1)
        abort();
    if (c->nr_diags + c->diags_dropped != c->nr_errors + c->nr_warnings)
        abort();
    for (unsigned e = 0; e < XLCFG_NR_EVENTS; e++)
        if ((unsigned)c->on[e] > XLCFG_ACTION_MAX)
            abort();
    for (unsigned k = 0; k < XLCFG_NR_KEYS; k++)
        if (c->line[k] > lines)
            abort();
    for (uint32_t i = 0; i < c->nr_diags; i++) {
        const struct xlcfg_diag *d = &c->diags[i];
        check_str(d->key, sizeof(d->key));
        if (d->kind == XLCFG_DIAG_NONE || (unsigned)d->kind > XLCFG_DIAG_KIND_MAX || d->line > lines)
            abort();
        if (xlcfg_diag_is_error(d->kind))
            errors++;
        else
            warnings++;
    }
    if (errors > c->nr_errors || warnings > c->nr_warnings)
        abort();
    if (rc == 0 && (c->name[0] == '\0' || c->kernel[0] == '\0' ||
                    c->memory_mib < XLCFG_MEMORY_MIN || c->memory_mib > XLCFG_MEMORY_MAX ||
                    c->maxmem_mib < c->memory_mib || c->maxmem_mib > XLCFG_MEMORY_MAX))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct xlcfg cfg;
    char *exact;
    int rc;

    if (size > XLCFG_TEXT_MAX)
        return 0;
    exact = malloc(size ? size : 1);
    if (exact == NULL)
        abort();
    memcpy(exact, data, size);
    (void)xlcfg_detect(exact, size);
    rc = xlcfg_parse(exact, size, &cfg);
    check(&cfg, rc, count_lines(data, size));
    free(exact);
    return 0;
}
