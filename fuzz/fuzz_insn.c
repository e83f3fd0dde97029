// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the instruction decoder.  The input is the bytes at
 * a guest's rip; they are decoded in the three code-segment modes from a
 * heap copy that holds only min(size, 15) bytes (so ASan catches any read
 * beyond what the contract allows), with every shorter fetch as well.
 * Checked: the result is 0, -EINVAL or -EFAULT; a decoded instruction has a
 * length within the bytes given and within 15 and sane operand fields; an
 * answer other than -EFAULT never changes when more bytes follow; and for
 * MMIO kinds the store value and the register a load leaves agree with a
 * byte-by-byte model of the register file.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/insn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fz_fail(const char *what, enum vcpu_cs_mode mode, size_t avail)
{
    fprintf(stderr, "fuzz_insn: mode %d, avail %zu: %s\n", (int)mode, avail, what);
    abort();
}

static bool same(const struct insn *a, const struct insn *b)
{
    return a->len == b->len && a->kind == b->kind && a->size == b->size &&
           a->reg_size == b->reg_size && a->reg == b->reg && a->reg_high == b->reg_high &&
           a->has_imm == b->has_imm && a->imm == b->imm && a->addr_size == b->addr_size &&
           a->seg == b->seg && a->rep == b->rep && a->lock == b->lock;
}

static bool size_ok(unsigned s)
{
    return s == 1 || s == 2 || s == 4 || s == 8;
}

static bool is_store(enum insn_kind k)
{
    return k == INSN_MOV_TO_MEM || k == INSN_XCHG_MEM;
}

static bool is_load(enum insn_kind k)
{
    return k == INSN_MOV_FROM_MEM || k == INSN_XCHG_MEM || k == INSN_MOVZX_FROM_MEM ||
           k == INSN_MOVSX_FROM_MEM;
}

/* Decode from a heap block of exactly min(avail, 15) bytes. */
static int decode_exact(const uint8_t *data, size_t avail, enum vcpu_cs_mode mode, struct insn *out)
{
    size_t n = avail < INSN_MAX_LEN ? avail : INSN_MAX_LEN;
    uint8_t *copy = malloc(n == 0 ? 1 : n);
    int rc;

    if (copy == NULL)
        abort();
    memcpy(copy, data, n);
    rc = insn_decode(copy, avail, mode, out);
    free(copy);
    return rc;
}

static void check_fields(const struct insn *in, size_t avail, enum vcpu_cs_mode mode)
{
    if (in->len < 1 || in->len > INSN_MAX_LEN || in->len > avail)
        fz_fail("length out of range", mode, avail);
    if (in->kind < INSN_VMMCALL || in->kind > INSN_XCHG_MEM)
        fz_fail("kind out of range", mode, avail);
    if (in->addr_size != 2 && in->addr_size != 4 && in->addr_size != 8)
        fz_fail("address size", mode, avail);
    if (in->reg >= 16 || (in->reg_high && (in->reg >= 4 || in->reg_size != 1)))
        fz_fail("register", mode, avail);
    if (is_store(in->kind) || is_load(in->kind)) {
        if (!size_ok(in->size) || !size_ok(in->reg_size) || in->reg_size < in->size)
            fz_fail("mmio sizes", mode, avail);
        if ((in->kind == INSN_MOV_TO_MEM || in->kind == INSN_MOV_FROM_MEM ||
             in->kind == INSN_XCHG_MEM) && in->reg_size != in->size)
            fz_fail("mov sizes differ", mode, avail);
    }
    if (in->kind >= INSN_IN_IMM && in->kind <= INSN_OUTS && in->size != 1 && in->size != 2 &&
        in->size != 4)
        fz_fail("port width", mode, avail);
    if ((in->kind == INSN_IN_IMM || in->kind == INSN_OUT_IMM) && (!in->has_imm || in->imm > 0xff))
        fz_fail("port number", mode, avail);
    if (in->lock && in->kind != INSN_XCHG_MEM)
        fz_fail("lock accepted", mode, avail);
}

/* ---- a byte-level model of register loads and stores ---------------------------- */

static uint64_t le_read(const uint8_t *b, unsigned n)
{
    uint64_t v = 0;

    for (unsigned i = n; i > 0; i--)
        v = v << 8 | b[i - 1];
    return v;
}

static void le_write(uint8_t *b, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        b[i] = (uint8_t)(v >> (8 * i));
}

static void check_mmio(const struct insn *in, const uint8_t *data, size_t size, enum vcpu_cs_mode mode)
{
    struct vcpu_regs regs, before;
    uint8_t reg[8], val[8] = { 0 };
    uint64_t value = 0, got;
    unsigned off = in->reg_high ? 1 : 0;

    for (size_t i = 0; i < sizeof(regs); i++)
        ((uint8_t *)&regs)[i] = size == 0 ? (uint8_t)i : (uint8_t)(data[i % size] * 7 + i);
    for (unsigned i = 0; i < 8; i++)
        value = value << 8 | (size == 0 ? 0xA5 : data[(i * 5 + 3) % size]);
    before = regs;
    le_write(reg, insn_reg_get(&regs, in->reg), 8);
    if (is_store(in->kind)) {
        uint64_t want = in->has_imm ? in->imm : le_read(reg + off, in->size);

        if (in->size < 8)
            want &= (1ULL << (8 * in->size)) - 1;
        if (insn_mmio_store_value(in, &regs) != want)
            fz_fail("store value", mode, size);
    }
    if (!is_load(in->kind))
        return;
    /* The value, extended to the register width as the CPU does it. */
    le_write(val, value, in->size);
    if (in->kind == INSN_MOVSX_FROM_MEM && (val[in->size - 1] & 0x80))
        memset(val + in->size, 0xFF, sizeof(val) - in->size);
    memcpy(reg + off, val, in->reg_size);
    if (in->reg_size == 4)
        memset(reg + 4, 0, 4);                    /* 32-bit writes zero-extend */
    insn_mmio_load_result(in, &regs, value);
    got = insn_reg_get(&regs, in->reg);
    if (got != le_read(reg, 8))
        fz_fail("loaded register", mode, size);
    insn_reg_set(&regs, in->reg, insn_reg_get(&before, in->reg));
    if (memcmp(&regs, &before, sizeof(regs)) != 0)
        fz_fail("load touched another register", mode, size);
}

static void check_mode(const uint8_t *data, size_t size, enum vcpu_cs_mode mode)
{
    struct insn full, part;
    int rc = decode_exact(data, size, mode, &full);

    if (rc != 0 && rc != -XEN_EINVAL && rc != -XEN_EFAULT)
        fz_fail("unexpected error code", mode, size);
    if (rc == -XEN_EFAULT && size >= INSN_MAX_LEN)
        fz_fail("-EFAULT with 15 bytes at hand", mode, size);
    if (rc == 0) {
        check_fields(&full, size, mode);
        check_mmio(&full, data, size, mode);
    }
    /* Every shorter fetch: an answer, once given, is final. */
    for (size_t a = 0; a < size && a <= INSN_MAX_LEN; a++) {
        int r = decode_exact(data, a, mode, &part);

        if (r == -XEN_EFAULT)
            continue;
        if (r != rc)
            fz_fail("answer changed with more bytes", mode, a);
        if (r == 0 && !same(&part, &full))
            fz_fail("decode changed with more bytes", mode, a);
    }
    if (rc == 0 && full.len < size) {
        /* Bytes past the instruction are never looked at: fetching only len gives the same. */
        if (decode_exact(data, full.len, mode, &part) != 0 || !same(&part, &full))
            fz_fail("exact-length fetch differs", mode, full.len);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_mode(data, size, VCPU_CS_16);
    check_mode(data, size, VCPU_CS_32);
    check_mode(data, size, VCPU_CS_64);
    return 0;
}
