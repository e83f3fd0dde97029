/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hypercall entry.  The exit dispatcher calls hypercall_dispatch() for every
 * VMMCALL/VMCALL exit, after moving rip past the instruction.  Number in
 * rax, arguments in rdi, rsi, rdx, r10, r8 (64-bit guests; a 32-bit guest's
 * ebx, ecx, edx, esi, edi), result to rax.  The table of handlers is
 * generated from spec/abi/hypercalls.tbl.
 */
#ifndef HV_HYPERCALL_H
#define HV_HYPERCALL_H

#include "hv/domain.h"
#include "hv/evtchn.h"
#include "hv/grant_table.h"
#include "hv/guest_console.h"
#include "hv/guest_copy.h"
#include "hv/guest_time.h"

#define HYPERCALL_NR_ARGS 5

/*
 * What every handler may assume of its caller: a vCPU of a live domain of
 * the table, whose vCPUs (the caller among them) all name that domain and
 * their own index, as the scheduler creates them, and whose p2m keeps its
 * root view (dom_state_ok gives that for every domain).  The dispatcher
 * checks nothing here: the scheduler only runs such vCPUs.
 */
/*@ predicate hc_caller_ok(struct vcpu *v) =
      \valid(v) && \valid(v->domain) && v->domain->live &&
      (\exists integer i; dom_slot_ok(i) && v->domain == &domain_table[i]) &&
      v->id < v->domain->guest.nr_vcpus && v->domain->guest.nr_vcpus <= DOMAIN_MAX_VCPUS &&
      v == &v->domain->guest.vcpus[v->id] && p2m_root_map_ok(&v->domain->p2m) &&
      (\forall integer k; 0 <= k < v->domain->guest.nr_vcpus ==>
         v->domain->guest.vcpus[k].domain == v->domain && v->domain->guest.vcpus[k].id == k);

    // A hypervisor buffer of n bytes: not machine memory in the HAL's model.
    predicate hc_not_machine(char *p, integer n) =
      \separated(p + (0 .. n - 1), hal_mem_bytes + (0 .. HAL_MEM_BYTES - 1)) &&
      \separated(p + (0 .. n - 1), hal_mem_words + (0 .. HAL_MEM_WORDS - 1));
*/

/*
 * A handler's memory argument: len bytes at guest-linear address gla, read
 * or written through the caller's own page tables and p2m (the guest copy
 * functions, all or nothing).  0, or -XEN_EFAULT with nothing done; a failed
 * read leaves buf unchanged.  Every handler copies its arguments only
 * through these (and hypercall_phys_write below), so that the guest copy
 * functions' contracts meet the handlers in one place.
 *
 * Buffers are bytes (char), and a handler takes an ABI record apart with the
 * hypercall_get_* / hypercall_put_* accessors below rather than by passing a
 * struct as void *: the proofs' memory model cannot follow a struct seen as
 * bytes, and the guest's records are little-endian bytes anyway.
 */
/*@ requires hc_caller_ok(v);
    requires \valid((char *)buf + (0 .. len - 1)) && hc_not_machine((char *)buf, len);
    requires \separated((char *)buf + (0 .. len - 1), &v->domain->p2m) &&
             \separated((char *)buf + (0 .. len - 1), &v->state.paging);
    assigns ((char *)buf)[0 .. len - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures \result == 0 || \result == -XEN_EFAULT;
    ensures len > GUEST_COPY_MAX ==> \result == -XEN_EFAULT;
    ensures \result != 0 ==>
              \forall integer i; 0 <= i < len ==> ((char *)buf)[i] == \old(((char *)buf)[i]); */
int64_t hypercall_arg_read(struct vcpu *v, uint64_t gla, void *buf, size_t len);

/*@ requires hc_caller_ok(v);
    requires \valid_read((const char *)buf + (0 .. len - 1));
    requires hc_not_machine((char *)buf, len);
    assigns hal_mem_bytes[0 .. HAL_MEM_BYTES - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures \result == 0 || \result == -XEN_EFAULT;
    ensures len > GUEST_COPY_MAX ==> \result == -XEN_EFAULT; */
int64_t hypercall_arg_write(struct vcpu *v, uint64_t gla, const void *buf, size_t len);

/*
 * An in/out argument: read it, and check that it can be written back
 * unchanged, so that an operation done on its behalf can always be reported
 * (Xen's handlers fail such a call with -EFAULT before acting).
 */
/*@ requires hc_caller_ok(v);
    requires \valid((char *)buf + (0 .. len - 1)) && hc_not_machine((char *)buf, len);
    requires \separated((char *)buf + (0 .. len - 1), &v->domain->p2m) &&
             \separated((char *)buf + (0 .. len - 1), &v->state.paging);
    assigns ((char *)buf)[0 .. len - 1], hal_mem_bytes[0 .. HAL_MEM_BYTES - 1],
            hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures \result == 0 || \result == -XEN_EFAULT;
    ensures len > GUEST_COPY_MAX ==> \result == -XEN_EFAULT; */
int64_t hypercall_arg_read_inout(struct vcpu *v, uint64_t gla, void *buf, size_t len);

/*
 * A record the guest asked to have placed in its memory by guest-physical
 * address (VCPUOP_register_vcpu_info): len bytes to gpa through d's p2m,
 * all or nothing.  0, or -XEN_EFAULT with nothing written.
 */
/*@ requires \valid_read(d) && p2m_root_map_ok(&d->p2m);
    requires \valid_read((const char *)buf + (0 .. len - 1));
    requires hc_not_machine((char *)buf, len);
    assigns hal_mem_bytes[0 .. HAL_MEM_BYTES - 1];
    ensures \result == 0 || \result == -XEN_EFAULT;
    ensures len > GUEST_COPY_MAX ==> \result == -XEN_EFAULT; */
int64_t hypercall_phys_write(const struct domain *d, uint64_t gpa, const void *buf, size_t len);

/*
 * Fields of an ABI record held as bytes: little-endian, at byte offset off
 * (offsetof of the field in the record's struct in xen/).
 */
/*@ logic integer hc_byte{L}(char *p, integer i) = p[i] < 0 ? p[i] + 256 : p[i];
    logic integer hc_le16{L}(char *p, integer i) = hc_byte(p, i) + 256 * hc_byte(p, i + 1);
    logic integer hc_le32{L}(char *p, integer i) = hc_le16(p, i) + 65536 * hc_le16(p, i + 2);
    logic integer hc_le64{L}(char *p, integer i) = hc_le32(p, i) + 4294967296 * hc_le32(p, i + 4);
*/

/*@ requires \valid_read(buf + off);
    assigns \nothing;
    ensures \result == hc_byte(buf, off); */
uint8_t hypercall_get_u8(const char *buf, size_t off);

/*@ requires off <= SIZE_MAX - 2 && \valid_read(buf + (off .. off + 1));
    assigns \nothing;
    ensures \result == hc_le16(buf, off); */
uint16_t hypercall_get_u16(const char *buf, size_t off);

/*@ requires off <= SIZE_MAX - 4 && \valid_read(buf + (off .. off + 3));
    assigns \nothing;
    ensures \result == hc_le32(buf, off); */
uint32_t hypercall_get_u32(const char *buf, size_t off);

/*@ requires off <= SIZE_MAX - 8 && \valid_read(buf + (off .. off + 7));
    assigns \nothing;
    ensures \result == hc_le64(buf, off); */
uint64_t hypercall_get_u64(const char *buf, size_t off);

/*@ requires off <= SIZE_MAX - 4 && \valid(buf + (off .. off + 3));
    assigns buf[off .. off + 3];
    ensures hc_le32(buf, off) == val; */
void hypercall_put_u32(char *buf, size_t off, uint32_t val);

/*@ requires off <= SIZE_MAX - 8 && \valid(buf + (off .. off + 7));
    assigns buf[off .. off + 7];
    ensures hc_le64(buf, off) == val; */
void hypercall_put_u64(char *buf, size_t off, uint64_t val);

/*
 * Run the hypercall held in v->regs and store its result in v->regs.rax.
 * It may change whatever a handler may (hypercall_table.h: every key of
 * spec/abi/hypercalls.tbl's assigns column) and the log.
 */
/*@ requires hc_caller_ok(v);
    requires frame_heap_inv && dom_state_ok && guest_console_inv && evtchn_inv && grant_inv;
    assigns *v, domain_table[0 .. DOMAIN_MAX - 1], frame_heap, frame_nr_free,
            frame_free_head[0 .. FRAME_MAX_ORDER], frame_heap.table[0 .. frame_heap.nr - 1],
            hal_frame_zero_model[0 .. frame_heap.nr - 1], guest_console_state, console_model,
            guest_time_state, evtchn_table[0 .. DOMAIN_MAX - 1], grant_state[0 .. DOMAIN_MAX - 1],
            hal_mem_bytes[0 .. HAL_MEM_BYTES - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures guest_console_inv && evtchn_inv && grant_inv; */
void hypercall_dispatch(struct vcpu *v);

#endif /* HV_HYPERCALL_H */
