/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor console: every message goes to an in-memory ring (Xen's
 * "conring", read later by console_io and dmesg-style tools) and, when the
 * serial console is enabled, to COM1.  Lines are prefixed "(XEN) " as in Xen.
 */
#ifndef HV_CONSOLE_H
#define HV_CONSOLE_H

#include "hv/types.h"

/* Message levels, most severe first (Xen's loglvl names). */
enum log_level {
    LOG_NONE = 0,   /* as a threshold: print nothing */
    LOG_ERR = 1,
    LOG_WARN = 2,
    LOG_INFO = 3,
    LOG_DEBUG = 4,
    LOG_ALL = 5,    /* as a threshold: print everything */
};

/*
 * Level of messages every user should see with the default loglvl=warning
 * (Xen's plain printk level): the banner and the boot summary.
 */
#define LOG_DEFAULT LOG_WARN

#define CONRING_DEFAULT_SIZE (64U * 1024U)

/* Reset the console: default ring, threshold LOG_WARN, serial on. */
void console_init(void);
void console_set_threshold(enum log_level threshold);
enum log_level console_threshold(void);
void console_set_serial(bool enabled);

/*
 * Move the ring to new storage (a power of two of at least the default size),
 * keeping what it holds.  Returns false and changes nothing otherwise.
 */
bool console_ring_resize(char *storage, size_t size);
size_t console_ring_size(void);

/* Total bytes ever written to the ring (its producer index). */
uint64_t console_ring_produced(void);
/*
 * Copy ring bytes starting at *cursor into dst (at most max), advancing the
 * cursor; a cursor that fell behind the oldest byte still held is moved up.
 */
size_t console_ring_read(uint64_t *cursor, char *dst, size_t max);

/*
 * For the proofs of callers: the console's state (ring, indexes, threshold,
 * serial switch) is private to console.c, which they do not read.  This ghost
 * (never compiled) stands for all of it, so the contracts below can say that
 * logging changes the console and nothing of the caller's.
 */
/*@ ghost extern int console_model; */

/*@ requires \valid_read(fmt);
    assigns console_model; */
void printk(enum log_level level, const char *fmt, ...) HV_PRINTF(2, 3);
/* Raw text straight to the console (ring and serial), no prefix, no level. */
/*@ requires \valid_read(text + (0 .. len - 1));
    assigns console_model; */
void console_write_raw(const char *text, size_t len);

#define hv_print(...) printk(LOG_DEFAULT, __VA_ARGS__)
#define hv_err(...)   printk(LOG_ERR, __VA_ARGS__)
#define hv_warn(...)  printk(LOG_WARN, __VA_ARGS__)
#define hv_info(...)  printk(LOG_INFO, __VA_ARGS__)
#define hv_debug(...) printk(LOG_DEBUG, __VA_ARGS__)

#endif /* HV_CONSOLE_H */
