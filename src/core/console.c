// SPDX-License-Identifier: GPL-2.0-only
#include "hv/console.h"

#include "hal/hal.h"
#include "hv/format.h"

#define LINE_MAX 512

static char default_ring[CONRING_DEFAULT_SIZE];
static char *ring = default_ring;
static size_t ring_size = CONRING_DEFAULT_SIZE;
static uint64_t ring_produced;
/* Producer index of the oldest byte the ring still holds. */
static uint64_t ring_oldest;
static enum log_level threshold = LOG_WARN;
static bool serial_enabled = true;
/* True when the next character written starts a new line (needs a prefix). */
static bool at_line_start = true;

void console_init(void)
{
    ring = default_ring;
    ring_size = CONRING_DEFAULT_SIZE;
    ring_produced = 0;
    ring_oldest = 0;
    threshold = LOG_WARN;
    serial_enabled = true;
    at_line_start = true;
}

void console_set_threshold(enum log_level level)
{
    threshold = level;
}

enum log_level console_threshold(void)
{
    return threshold;
}

void console_set_serial(bool enabled)
{
    serial_enabled = enabled;
}

static bool is_power_of_two(size_t n)
{
    return n != 0 && (n & (n - 1)) == 0;
}

bool console_ring_resize(char *storage, size_t size)
{
    if (storage == NULL || size < CONRING_DEFAULT_SIZE || !is_power_of_two(size))
        return false;
    /* Keep what is held at the same producer positions in the new ring. */
    for (uint64_t pos = ring_oldest; pos < ring_produced; pos++)
        storage[pos & (size - 1)] = ring[pos & (ring_size - 1)];
    ring = storage;
    ring_size = size;
    return true;
}

size_t console_ring_size(void)
{
    return ring_size;
}

uint64_t console_ring_produced(void)
{
    return ring_produced;
}

size_t console_ring_read(uint64_t *cursor, char *dst, size_t max)
{
    size_t n = 0;

    if (*cursor < ring_oldest || *cursor > ring_produced)
        *cursor = ring_oldest;
    while (n < max && *cursor < ring_produced) {
        dst[n++] = ring[*cursor & (ring_size - 1)];
        (*cursor)++;
    }
    return n;
}

static void ring_write(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++)
        ring[(ring_produced + i) & (ring_size - 1)] = text[i];
    ring_produced += len;
    if (ring_produced - ring_oldest > ring_size)
        ring_oldest = ring_produced - ring_size;
}

void console_write_raw(const char *text, size_t len)
{
    ring_write(text, len);
    if (serial_enabled)
        hal_serial_write(text, len);
    if (len > 0)
        at_line_start = text[len - 1] == '\n';
}

/* Emit text, inserting the "(XEN) " prefix at the start of every line. */
static void console_write_prefixed(const char *text, size_t len)
{
    static const char prefix[] = "(XEN) ";
    size_t start = 0;

    for (size_t i = 0; i < len; i++) {
        if (at_line_start) {
            console_write_raw(prefix, sizeof(prefix) - 1);
            at_line_start = false;
        }
        if (text[i] == '\n') {
            console_write_raw(text + start, i + 1 - start);
            start = i + 1;
        }
    }
    if (start < len)
        console_write_raw(text + start, len - start);
}

void printk(enum log_level level, const char *fmt, ...)
{
    char line[LINE_MAX];
    va_list ap;
    size_t n;

    if (level == LOG_NONE || level > threshold)
        return;
    va_start(ap, fmt);
    n = hv_vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (n >= sizeof(line)) {
        /* Truncated: say so and still end the line. */
        n = sizeof(line) - 1;
        line[n - 4] = '.';
        line[n - 3] = '.';
        line[n - 2] = '.';
        line[n - 1] = '\n';
    }
    console_write_prefixed(line, n);
}
