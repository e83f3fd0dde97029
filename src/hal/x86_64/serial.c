// SPDX-License-Identifier: GPL-2.0-only
/* COM1, a 16550-compatible UART at I/O port 0x3F8, polled. */
#include "hal/hal.h"
#include "hal/events.h"
#include "x86.h"

#define COM1_BASE   0x3F8
#define UART_CLOCK  115200U
#define REG_DATA    0
#define REG_IER     1
#define REG_FCR     2
#define REG_LCR     3
#define REG_MCR     4
#define REG_LSR     5
#define LCR_DLAB    0x80
#define LCR_8N1     0x03
#define LSR_THRE    0x20
/* Give up on a dead or absent UART instead of hanging the boot. */
#define TX_SPIN_LIMIT 100000U

static bool serial_ready;

void hal_serial_init(uint32_t baud)
{
    uint32_t divisor = (baud == 0 || baud > UART_CLOCK) ? 1U : UART_CLOCK / baud;

    outb(COM1_BASE + REG_IER, 0x00);
    outb(COM1_BASE + REG_LCR, LCR_DLAB);
    outb(COM1_BASE + REG_DATA, (uint8_t)(divisor & 0xFFU));
    outb(COM1_BASE + REG_IER, (uint8_t)((divisor >> 8) & 0xFFU));
    outb(COM1_BASE + REG_LCR, LCR_8N1);
    outb(COM1_BASE + REG_FCR, 0xC7);   /* enable and clear FIFOs */
    outb(COM1_BASE + REG_MCR, 0x03);   /* DTR, RTS */
    serial_ready = true;
}

void serial_early_init(void)
{
    hal_serial_init(115200);
}

static void serial_putc(char c)
{
    for (uint32_t spin = 0; spin < TX_SPIN_LIMIT; spin++) {
        if (inb(COM1_BASE + REG_LSR) & LSR_THRE)
            break;
        cpu_relax();
    }
    outb(COM1_BASE + REG_DATA, (uint8_t)c);
}

void hal_serial_write(const char *buf, size_t len)
{
    if (!serial_ready)
        return;
    for (size_t i = 0; i < len; i++) {
        if (buf[i] == '\n')
            serial_putc('\r');
        serial_putc(buf[i]);
    }
}

#define LSR_DATA_READY 0x01

bool hal_serial_input_ready(void)
{
    return serial_ready && (inb(COM1_BASE + REG_LSR) & LSR_DATA_READY) != 0;
}

bool hal_serial_getc(char *c)
{
    if (!hal_serial_input_ready())
        return false;
    *c = (char)inb(COM1_BASE + REG_DATA);
    return true;
}
