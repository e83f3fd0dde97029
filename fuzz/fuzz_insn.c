// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the instruction decoder.  The input is the bytes at
 * a guest's rip; they are decoded in the three code-segment modes from a
 * heap copy that holds only min(size, 15) bytes (so ASan catches any read
 * beyond what the contract allows), with every shorter fetch as well.
 * Checked: the result is 0, -EINVAL or -EFAULT; a decoded instruction has a
 * length within the bytes given and within 15 and sane operand fields; an
 * answer other than -EFAULT never changes when more bytes follow; for
 * MMIO kinds the operand value and the register a load leaves agree with a
 * byte-by-byte model of the register file; and for the ALU kinds the
 * decoded operation, run through insn_alu on operands taken from the input,
 * agrees with a model written here another way (128-bit sums, the sign and
 * carry bits read from XORs, the compiler's parity).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/insn.h"
#include "hv/insn_alu.h"

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

static bool is_alu(enum insn_kind k)
{
    return k >= INSN_ALU_TO_MEM && k <= INSN_CMPXCHG_MEM;
}

static bool is_widening(enum insn_kind k)
{
    return k == INSN_MOVZX_FROM_MEM || k == INSN_MOVSX_FROM_MEM;
}

/* The operations each ALU kind may carry, and whether it may have an immediate. */
static bool alu_fits(const struct insn *in)
{
    switch (in->kind) {
    case INSN_ALU_TO_MEM: return in->alu <= INSN_ALU_TEST;
    case INSN_ALU_FROM_MEM: return in->alu <= INSN_ALU_CMP && !in->has_imm;
    case INSN_UNARY_MEM: return in->alu >= INSN_ALU_INC && in->alu <= INSN_ALU_NEG && !in->has_imm;
    case INSN_BT_MEM: return in->alu >= INSN_ALU_BT && in->alu <= INSN_ALU_BTC;
    case INSN_XADD_MEM: return in->alu == INSN_ALU_ADD && !in->has_imm;
    case INSN_CMPXCHG_MEM: return in->alu == INSN_ALU_CMP && !in->has_imm;
    default: return in->alu == INSN_ALU_ADD;
    }
}

/* LOCK is only valid on an instruction that writes its memory operand (else #UD). */
static bool lock_fits(const struct insn *in)
{
    switch (in->kind) {
    case INSN_XCHG_MEM: case INSN_UNARY_MEM: case INSN_XADD_MEM: case INSN_CMPXCHG_MEM: return true;
    case INSN_ALU_TO_MEM: return in->alu != INSN_ALU_CMP && in->alu != INSN_ALU_TEST;
    case INSN_BT_MEM: return in->alu != INSN_ALU_BT;
    default: return false;
    }
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
    if (in->kind < INSN_VMMCALL || in->kind > INSN_CMPXCHG_MEM)
        fz_fail("kind out of range", mode, avail);
    if (in->addr_size != 2 && in->addr_size != 4 && in->addr_size != 8)
        fz_fail("address size", mode, avail);
    if (in->reg >= 16 || (in->reg_high && (in->reg >= 4 || in->reg_size != 1)))
        fz_fail("register", mode, avail);
    if (is_store(in->kind) || is_load(in->kind) || is_alu(in->kind)) {
        if (!size_ok(in->size) || !size_ok(in->reg_size) || in->reg_size < in->size)
            fz_fail("mmio sizes", mode, avail);
        if (!is_widening(in->kind) && in->reg_size != in->size)
            fz_fail("operand sizes differ", mode, avail);
    }
    if (!alu_fits(in))
        fz_fail("ALU operation of the kind", mode, avail);
    if (is_alu(in->kind) && in->has_imm && in->size < 8 && in->imm >> (8 * in->size) != 0)
        fz_fail("immediate wider than the operand", mode, avail);
    if (in->kind >= INSN_IN_IMM && in->kind <= INSN_OUTS && in->size != 1 && in->size != 2 &&
        in->size != 4)
        fz_fail("port width", mode, avail);
    if ((in->kind == INSN_IN_IMM || in->kind == INSN_OUT_IMM) && (!in->has_imm || in->imm > 0xff))
        fz_fail("port number", mode, avail);
    if (in->lock && !lock_fits(in))
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
    if (is_store(in->kind) || is_alu(in->kind)) {
        uint64_t want = in->has_imm ? in->imm : le_read(reg + off, in->size);

        if (in->size < 8)
            want &= (1ULL << (8 * in->size)) - 1;
        if (insn_operand_value(in, &regs) != want)
            fz_fail("operand value", mode, size);
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

/* ---- a second model of the ALU ---------------------------------------------------- */

struct alu_model {
    uint64_t r;
    uint64_t flags;     /* the status flags, RFLAGS bits */
};

/* d op x at n bits from sums in 128 bits and sign bits read from XORs (insn_alu compares instead). */
static struct alu_model alu_model(enum insn_alu_op op, unsigned size, uint64_t d, uint64_t x, uint64_t f)
{
    unsigned n = 8 * size;
    uint64_t m = size == 8 ? ~0ULL : (1ULL << n) - 1, top = 1ULL << (n - 1);
    uint64_t c = f & INSN_ALU_CF, keep = f & INSN_ALU_STATUS, cf = 0, of = 0, af = 0;
    unsigned __int128 wide;
    struct alu_model out = { 0, 0 };
    bool add = op == INSN_ALU_ADD || op == INSN_ALU_ADC || op == INSN_ALU_INC;
    bool sub = op == INSN_ALU_SUB || op == INSN_ALU_SBB || op == INSN_ALU_CMP || op == INSN_ALU_DEC ||
               op == INSN_ALU_NEG;

    d &= m;
    x &= m;
    if (op == INSN_ALU_INC || op == INSN_ALU_DEC)
        x = 1;
    if (op == INSN_ALU_NEG) {
        x = d;
        d = 0;
    }
    if (op != INSN_ALU_ADC && op != INSN_ALU_SBB)
        c = 0;
    if (add) {
        wide = (unsigned __int128)d + x + c;
        out.r = (uint64_t)wide & m;
        cf = wide > m;
        of = ((d ^ out.r) & (x ^ out.r) & top) != 0;
    } else if (sub) {
        out.r = (d - x - c) & m;
        cf = (unsigned __int128)x + c > d;
        of = ((d ^ x) & (d ^ out.r) & top) != 0;
    } else if (op == INSN_ALU_AND || op == INSN_ALU_TEST) {
        out.r = d & x;
    } else if (op == INSN_ALU_OR) {
        out.r = d | x;
    } else if (op == INSN_ALU_XOR) {
        out.r = d ^ x;
    } else if (op == INSN_ALU_NOT) {
        out.r = ~d & m;
        out.flags = keep;
        return out;
    } else {                                          /* the BT family: CF only */
        out.flags = (keep & ~INSN_ALU_CF) | ((d >> (x % n)) & 1);
        return out;
    }
    if (add || sub)
        af = ((d ^ x ^ out.r) & 0x10) != 0;
    if (op == INSN_ALU_INC || op == INSN_ALU_DEC)
        cf = keep & INSN_ALU_CF;
    out.flags = (cf ? INSN_ALU_CF : 0) | (af ? INSN_ALU_AF : 0) | (of ? INSN_ALU_OF : 0) |
                (__builtin_parity((unsigned)(out.r & 0xFF)) ? 0 : INSN_ALU_PF) |
                (out.r == 0 ? INSN_ALU_ZF : 0) | ((out.r & top) != 0 ? INSN_ALU_SF : 0);
    return out;
}

/* The decoded operation on operands from the input (memory, the other operand, RFLAGS). */
static void check_alu(const struct insn *in, const uint8_t *data, size_t size, enum vcpu_cs_mode mode)
{
    uint64_t w[3] = { 0, 0, 0 };
    struct alu_model want;

    if (!is_alu(in->kind))
        return;
    for (size_t i = 0; i < 24 && i < size; i++)
        w[i / 8] |= (uint64_t)data[size - 1 - i] << (8 * (i % 8));
    want = alu_model(in->alu, in->size, w[0], w[1], w[2]);
    if (insn_alu_status(in->alu, in->size, w[0], w[1], w[2]) != want.flags)
        fz_fail("ALU flags differ from the model", mode, size);
    if (in->alu < INSN_ALU_BT && insn_alu_result(in->alu, in->size, w[0], w[1], w[2]) != want.r)
        fz_fail("ALU result differs from the model", mode, size);
    /* The all-ones operand the unbacked-MMIO path gives it. */
    want = alu_model(in->alu, in->size, ~0ULL, w[1], w[2]);
    if (insn_alu_status(in->alu, in->size, ~0ULL, w[1], w[2]) != want.flags)
        fz_fail("ALU flags on all-ones differ from the model", mode, size);
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
        check_alu(&full, data, size, mode);
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
