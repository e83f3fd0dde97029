// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unbacked MMIO: memory that nothing answers for, as Xen gives a guest at
 * guest-physical addresses with neither RAM nor an emulated device behind
 * them.  Loads read all-ones, stores are dropped, and an instruction that
 * combines its memory operand with a register (ADD, OR, TEST, CMP, INC,
 * NEG, BTS, XADD, CMPXCHG...) behaves as on all-ones: each is run on the
 * address under test and on a RAM word holding all-ones, from the same
 * registers and flags, and must leave the same registers and status flags
 * (those the manuals leave undefined excepted).  Used by the hostile guest
 * (as a domU) and the mmio guest (as the initial domain).
 */
#include "guest.h"

#define STATUS_FLAGS 0x8D5ULL               /* CF PF AF ZF SF OF */
#define AF 0x10ULL
#define BT_UNDEFINED (0x800ULL | 0x80ULL | 0x10ULL | 0x4ULL)     /* OF SF AF PF after BT* */
#define ALL_ONES (~0ULL)

/* ---- plain loads and stores -------------------------------------------------------- */

static uint64_t read_sized(uint64_t p, unsigned int size)
{
    uint64_t v = 0;

    if (size == 1)
        __asm__ volatile("movzbl (%1), %k0" : "=r"(v) : "r"(p) : "memory");
    else if (size == 2)
        __asm__ volatile("movzwl (%1), %k0" : "=r"(v) : "r"(p) : "memory");
    else if (size == 4)
        __asm__ volatile("movl (%1), %k0" : "=r"(v) : "r"(p) : "memory");
    else
        __asm__ volatile("movq (%1), %0" : "=r"(v) : "r"(p) : "memory");
    return v;
}

static void write_sized(uint64_t p, unsigned int size, uint64_t v)
{
    if (size == 1)
        __asm__ volatile("movb %b1, (%0)" :: "r"(p), "r"(v) : "memory");
    else if (size == 2)
        __asm__ volatile("movw %w1, (%0)" :: "r"(p), "r"(v) : "memory");
    else if (size == 4)
        __asm__ volatile("movl %k1, (%0)" :: "r"(p), "r"(v) : "memory");
    else
        __asm__ volatile("movq %1, (%0)" :: "r"(p), "r"(v) : "memory");
}

/* No fault, stores dropped, loads all-ones at every width, and XCHG loads all-ones. */
static bool plain_accesses(uint64_t va)
{
    bool ok = true;
    uint64_t v = 0, x = 0x1234;

    ok = ok && probe_write64(va, 0x5a5a5a5a5a5a5a5aULL) == -1;
    ok = ok && probe_read64(va + 8, &v) == -1 && v == ALL_ONES;
    for (unsigned int size = 1; size <= 8; size *= 2) {
        uint64_t want = size == 8 ? ALL_ONES : (1ULL << (size * 8U)) - 1U;

        write_sized(va + 16, size, 0);
        ok = ok && read_sized(va + 16, size) == want;
    }
    __asm__ volatile("xchg %0, (%1)" : "+r"(x) : "r"(va + 24) : "memory");
    return ok && x == ALL_ONES;
}

/* ---- ALU instructions ------------------------------------------------------------------ */

/* rax, rcx and the status flags, in and out. */
struct alu_io {
    uint64_t a, c, flags;
};

/*
 * One instruction on (p) with rax and rcx as its registers; the status
 * flags are set from io->flags first (the others, IF among them, kept).
 */
#define ALU_CASE(fn, text)                                                                  \
    static void fn(uint64_t p, struct alu_io *io)                                           \
    {                                                                                       \
        uint64_t a = io->a, c = io->c, f = io->flags & STATUS_FLAGS;                        \
        __asm__ volatile("pushfq\n\tandq $-0x8d6, (%%rsp)\n\torq %[f], (%%rsp)\n\tpopfq\n\t" \
                         text "\n\tpushfq\n\tpopq %[f]"                                     \
                         : "+a"(a), "+c"(c), [f] "+r"(f) : [p] "r"(p) : "memory", "cc");   \
        io->a = a;                                                                          \
        io->c = c;                                                                          \
        io->flags = f & STATUS_FLAGS;                                                       \
    }

ALU_CASE(lock_add_l, "lock addl %%ecx, (%[p])")
ALU_CASE(lock_or_q_imm, "lock orq $1, (%[p])")
ALU_CASE(lock_and_b_imm, "lock andb $0x0f, (%[p])")
ALU_CASE(xor_w, "xorw %%cx, (%[p])")
ALU_CASE(sub_from_l, "subl (%[p]), %%eax")
ALU_CASE(adc_from_q, "adcq (%[p]), %%rcx")
ALU_CASE(sbb_from_ah, "sbbb (%[p]), %%ah")
ALU_CASE(or_from_w, "orw (%[p]), %%ax")
ALU_CASE(cmp_q, "cmpq %%rcx, (%[p])")
ALU_CASE(cmp_from_b, "cmpb (%[p]), %%cl")
ALU_CASE(cmp_l_sx8, "cmpl $-2, (%[p])")
ALU_CASE(test_l_imm, "testl $0x80000000, (%[p])")
ALU_CASE(test_w, "testw %%cx, (%[p])")
ALU_CASE(lock_inc_l, "lock incl (%[p])")
ALU_CASE(lock_dec_w, "lock decw (%[p])")
ALU_CASE(lock_not_q, "lock notq (%[p])")
ALU_CASE(lock_neg_b, "lock negb (%[p])")
ALU_CASE(bt_l, "btl %%ecx, (%[p])")
ALU_CASE(lock_bts_q_imm, "lock btsq $63, (%[p])")
ALU_CASE(lock_btr_w, "lock btrw %%cx, (%[p])")
ALU_CASE(btc_l_imm, "btcl $7, (%[p])")
ALU_CASE(lock_xadd_l, "lock xaddl %%ecx, (%[p])")
ALU_CASE(lock_xadd_b, "lock xaddb %%cl, (%[p])")
ALU_CASE(lock_cmpxchg_l, "lock cmpxchgl %%ecx, (%[p])")
ALU_CASE(lock_cmpxchg_q, "lock cmpxchgq %%rcx, (%[p])")

static const struct {
    const char *name;
    void (*run)(uint64_t p, struct alu_io *io);
    uint64_t undefined;                     /* flags the manuals leave undefined: not compared */
} alu_cases[] = {
    { "lock add [m], ecx", lock_add_l, 0 },
    { "lock or qword [m], 1", lock_or_q_imm, AF },
    { "lock and byte [m], 0x0f", lock_and_b_imm, AF },
    { "xor [m], cx", xor_w, AF },
    { "sub eax, [m]", sub_from_l, 0 },
    { "adc rcx, [m]", adc_from_q, 0 },
    { "sbb ah, [m]", sbb_from_ah, 0 },
    { "or ax, [m]", or_from_w, AF },
    { "cmp [m], rcx", cmp_q, 0 },
    { "cmp cl, [m]", cmp_from_b, 0 },
    { "cmp dword [m], -2", cmp_l_sx8, 0 },
    { "test dword [m], 0x80000000", test_l_imm, AF },
    { "test [m], cx", test_w, AF },
    { "lock inc dword [m]", lock_inc_l, 0 },
    { "lock dec word [m]", lock_dec_w, 0 },
    { "lock not qword [m]", lock_not_q, 0 },
    { "lock neg byte [m]", lock_neg_b, 0 },
    { "bt [m], ecx", bt_l, BT_UNDEFINED },
    { "lock bts qword [m], 63", lock_bts_q_imm, BT_UNDEFINED },
    { "lock btr [m], cx", lock_btr_w, BT_UNDEFINED },
    { "btc dword [m], 7", btc_l_imm, BT_UNDEFINED },
    { "lock xadd [m], ecx", lock_xadd_l, 0 },
    { "lock xadd [m], cl", lock_xadd_b, 0 },
    { "lock cmpxchg [m], ecx", lock_cmpxchg_l, 0 },
    { "lock cmpxchg [m], rcx", lock_cmpxchg_q, 0 },
};

/* rax, rcx (a bit offset below 64 for the BT cases), flags; rAX equal to all-ones for CMPXCHG, or not. */
static const struct alu_io alu_inputs[] = {
    { 0x1122334455667788ULL, 3, 0 },
    { ALL_ONES, 40, STATUS_FLAGS },
    { 0xFFFFFFFFULL, 1, 0x1 },
    { 0x00000000000000FFULL, 63, 0x40 | 0x800 },
};

/* All-ones RAM for the CPU's own answer; BT's register offsets reach 8 bytes past the operand. */
static uint64_t ones[4];

static bool alu_accesses(uint64_t va, const char *what, unsigned int *n)
{
    bool ok = true;

    *n = 0;
    for (size_t i = 0; i < GUEST_ARRAY_SIZE(alu_cases); i++)
        for (size_t k = 0; k < GUEST_ARRAY_SIZE(alu_inputs); k++) {
            struct alu_io cpu = alu_inputs[k], mmio = alu_inputs[k];
            uint64_t cmp = ~alu_cases[i].undefined;

            for (size_t j = 0; j < GUEST_ARRAY_SIZE(ones); j++)
                ones[j] = ALL_ONES;
            barrier();
            alu_cases[i].run((uint64_t)(uintptr_t)ones, &cpu);
            alu_cases[i].run(va, &mmio);
            (*n)++;
            if (cpu.a != mmio.a || cpu.c != mmio.c || (cpu.flags & cmp) != (mmio.flags & cmp)) {
                note("%s %s (input %lu): rax 0x%lx/0x%lx rcx 0x%lx/0x%lx flags 0x%lx/0x%lx (RAM/MMIO)", what,
                     alu_cases[i].name, (unsigned long)k, cpu.a, mmio.a, cpu.c, mmio.c, cpu.flags, mmio.flags);
                ok = false;
            }
        }
    /* Every write was dropped: the operand still reads all-ones. */
    return ok && read_sized(va, 8) == ALL_ONES && read_sized(va + 8, 8) == ALL_ONES;
}

bool unbacked_mmio_checks(uint64_t va, const char *what, uint64_t gpa)
{
    unsigned int n = 0;
    bool plain = plain_accesses(va);
    bool alu = alu_accesses(va + 64, what, &n);

    check(plain, "%s gpa 0x%lx: stores dropped, loads all-ones (8/1/2/4 bytes, xchg)%s", what, gpa,
          plain ? "" : " -- not so");
    check(alu, "%s gpa 0x%lx: %u ALU and read-modify-write runs as on all-ones, writes dropped%s", what, gpa, n,
          alu ? "" : " -- not so");
    return plain && alu;
}
