// SPDX-License-Identifier: GPL-2.0-only
/*
 * console_io: guest text to the hypervisor console (hv/guest_console.h
 * formats it) and console input to the initial domain.
 *
 * Permissions are Xen's with its debug-build console policy: every domain
 * may write; reading, and any other sub-op, is for the initial domain only
 * (others get -EPERM; the initial domain gets -ENOSYS for unknown sub-ops).
 *
 * A write is copied in chunks of GUEST_CONSOLE_CHUNK bytes.  After
 * HC_CONSOLE_CHUNKS_PER_CALL chunks the call is preempted (the remaining
 * count and buffer go back into the argument registers and the guest runs
 * the hypercall again), so a huge count costs bounded work per exit.  A
 * chunk that cannot be copied ends the call with -EFAULT; the chunks before
 * it have been printed, as in Xen.
 */
#include "hv/hypercall_table.h"

#define GUEST_CONSOLE_CHUNK         128U
#define HC_CONSOLE_CHUNKS_PER_CALL  16U
#define HC_CONSOLE_READ_MAX         GUEST_CONSOLE_INPUT_SIZE
#define INT_MAX_U                   0x7FFFFFFFU

/*@ requires \valid_read(d);
    assigns \nothing;
    ensures \result <==> (d->guest.start_flags & SIF_INITDOMAIN) != 0; */
static bool initial_domain(const struct domain *d)
{
    return (d->guest.start_flags & SIF_INITDOMAIN) != 0;
}

/* The next byte of a guest buffer: 32-bit guests' addresses wrap at 4 GiB. */
/*@ requires \valid_read(v);
    assigns \nothing; */
static uint64_t advance(const struct vcpu *v, uint64_t addr, uint64_t n)
{
    return hypercall_compat(v) ? (addr + n) & 0xFFFFFFFFULL : addr + n;
}

/*@ requires hc_caller_ok(v) && guest_console_inv;
    assigns v->regs, guest_console_state.line[0 .. DOMAIN_MAX - 1], console_model,
            hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures guest_console_inv;
    ensures \result == 0 || \result == -XEN_EFAULT || \result == -XEN_ERESTART; */
static int64_t console_write(struct vcpu *v, uint32_t count, uint64_t buffer)
{
    char chunk[GUEST_CONSOLE_CHUNK];

    /*@ loop invariant 0 <= done <= HC_CONSOLE_CHUNKS_PER_CALL;
        loop invariant guest_console_inv;
        loop assigns done, count, buffer, chunk[0 .. GUEST_CONSOLE_CHUNK - 1],
                     guest_console_state.line[0 .. DOMAIN_MAX - 1], console_model,
                     hal_mem_words[0 .. HAL_MEM_WORDS - 1];
        loop variant count; */
    for (unsigned done = 0; count > 0; done++) {
        uint32_t n = count < GUEST_CONSOLE_CHUNK ? count : GUEST_CONSOLE_CHUNK;

        if (done == HC_CONSOLE_CHUNKS_PER_CALL) {
            hypercall_set_arg(v, 1, count);
            hypercall_set_arg(v, 2, buffer);
            return -XEN_ERESTART;
        }
        if (hypercall_arg_read(v, buffer, chunk, n) != 0)
            return -XEN_EFAULT;
        guest_console_write(v->domain, chunk, n);
        buffer = advance(v, buffer, n);
        count -= n;
    }
    return 0;
}

/*
 * Up to count waiting input characters, in one copy: they leave the ring
 * only once they reached the guest, so a bad buffer loses nothing.
 */
/*@ requires hc_caller_ok(v) && guest_console_inv;
    assigns guest_console_state.in_first, guest_console_state.in_count,
            hal_mem_bytes[0 .. HAL_MEM_BYTES - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures guest_console_inv;
    ensures \result >= 0 || \result == -XEN_EFAULT || \result == -XEN_E2BIG; */
static int64_t console_read(struct vcpu *v, uint32_t count, uint64_t buffer)
{
    char buf[HC_CONSOLE_READ_MAX];
    uint32_t n;

    if (count > INT_MAX_U)
        return -XEN_E2BIG;    /* the count must not look like an error */
    n = guest_console_input_peek(buf, count < HC_CONSOLE_READ_MAX ? count : HC_CONSOLE_READ_MAX);
    if (hypercall_arg_write(v, buffer, buf, n) != 0)
        return -XEN_EFAULT;
    guest_console_input_consume(n);
    return n;
}

int64_t hc_console_io(struct vcpu *v, uint32_t cmd, uint32_t count, uint64_t buffer)
{
    if (cmd == CONSOLEIO_write)
        return console_write(v, count, buffer);
    if (!initial_domain(v->domain))
        return -XEN_EPERM;
    if (cmd == CONSOLEIO_read)
        return console_read(v, count, buffer);
    return -XEN_ENOSYS;
}
