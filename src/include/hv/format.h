/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A small, freestanding vsnprintf: the hypervisor has no libc, and the
 * simulator uses this same code so log text is identical in both.
 * Supports %% %c %s %d %i %u %x %X %p with flags '-' '0', a width, a
 * precision for %s (also ".*"), and the length modifiers hh h l ll z.
 */
#ifndef HV_FORMAT_H
#define HV_FORMAT_H

#include <stdarg.h>

#include "hv/types.h"

/*
 * Writes at most size-1 characters and always NUL-terminates when size > 0.
 * Returns the number of characters the full output would have had, like C99.
 */
size_t hv_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
size_t hv_snprintf(char *buf, size_t size, const char *fmt, ...) HV_PRINTF(3, 4);

#endif /* HV_FORMAT_H */
