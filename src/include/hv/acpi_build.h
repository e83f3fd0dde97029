/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ACPI tables for a PVH domain: the minimal set a hardware-reduced x86
 * platform needs so that the guest finds its local APICs and knows it has no
 * legacy hardware.  docs/ACPI.md has the field-by-field picture.
 *
 *   RSDP  revision 2 (36 bytes), both checksums, XsdtAddress; no RSDT
 *   XSDT  two entries: FADT, MADT
 *   FADT  revision 6 (276 bytes): HW_REDUCED_ACPI, no SCI, no PM/GPE blocks,
 *         no FACS, IAPC_BOOT_ARCH "no VGA, no CMOS RTC", DSDT and X_DSDT
 *   DSDT  the header only (an empty AML body)
 *   MADT  local APIC at 0xFEE00000, flags 0 (no 8259s), one enabled
 *         Processor Local APIC entry per vCPU (UID and processor id = vcpu id,
 *         APIC id = 2 * vcpu id, the emulated LAPIC's reset id), no I/O APIC
 *
 * Layout in the buffer (each table 16-byte aligned, offsets fixed):
 *   +0 RSDP, +48 XSDT, +112 FADT, +400 DSDT, +448 MADT (44 + 8 * nr_vcpus).
 * The guest sees the buffer at guest-physical buf_gpa, which must be 16-byte
 * aligned (where the RSDP must sit) and keep every table below 4 GiB (the
 * FADT's 32-bit DSDT pointer, and Xen puts its tables there too).
 *
 * Pure computation: no allocation, no global state.
 */
#ifndef HV_ACPI_BUILD_H
#define HV_ACPI_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "xen/errno.h"

/* xAPIC ids are 8 bits, 0xFF is the broadcast id: 2 * 127 = 254 is the last. */
#define ACPI_BUILD_MAX_VCPUS 128U
#define ACPI_BUILD_GPA_LIMIT 0x100000000ULL    /* every table lies below 4 GiB */
#define ACPI_BUILD_ALIGN     16U

#define ACPI_LAPIC_ADDR      0xFEE00000U

#define ACPI_RSDP_OFF        0U
#define ACPI_XSDT_OFF        48U
#define ACPI_FADT_OFF        112U
#define ACPI_DSDT_OFF        400U
#define ACPI_MADT_OFF        448U

#define ACPI_HDR_LEN         36U
#define ACPI_RSDP_LEN        36U
#define ACPI_RSDP_V1_LEN     20U              /* what the first checksum covers */
#define ACPI_XSDT_ENTRIES    2U
#define ACPI_XSDT_LEN        (ACPI_HDR_LEN + 8U * ACPI_XSDT_ENTRIES)
#define ACPI_FADT_LEN        276U
#define ACPI_DSDT_LEN        ACPI_HDR_LEN
#define ACPI_MADT_FIXED_LEN  44U              /* header, local APIC address, flags */
#define ACPI_MADT_LAPIC_LEN  8U
#define ACPI_MADT_LEN(n)     (ACPI_MADT_FIXED_LEN + ACPI_MADT_LAPIC_LEN * (n))

/* Bytes acpi_build uses for n vCPUs: 492 + 8 n, 1516 for 128: one page. */
#define ACPI_BUILD_SIZE(n)   (ACPI_MADT_OFF + ACPI_MADT_LEN(n))

/* Header fields every table shares (offsets inside a table). */
#define ACPI_HDR_SIGNATURE   0U
#define ACPI_HDR_LENGTH      4U
#define ACPI_HDR_REVISION    8U
#define ACPI_HDR_CHECKSUM    9U
#define ACPI_HDR_OEM_ID      10U
#define ACPI_HDR_OEM_TABLE   16U
#define ACPI_HDR_OEM_REV     24U
#define ACPI_HDR_CREATOR     28U
#define ACPI_HDR_CREATOR_REV 32U

/* RSDP fields. */
#define ACPI_RSDP_CHECKSUM   8U
#define ACPI_RSDP_OEM_ID     9U
#define ACPI_RSDP_REVISION   15U
#define ACPI_RSDP_RSDT       16U
#define ACPI_RSDP_LENGTH     20U
#define ACPI_RSDP_XSDT       24U
#define ACPI_RSDP_EXT_CSUM   32U

/* FADT fields. */
#define ACPI_FADT_FACS       36U
#define ACPI_FADT_DSDT       40U
#define ACPI_FADT_SCI_INT    46U
#define ACPI_FADT_BOOT_ARCH  109U
#define ACPI_FADT_FLAGS      112U
#define ACPI_FADT_MINOR_REV  131U
#define ACPI_FADT_X_FACS     132U
#define ACPI_FADT_X_DSDT     140U

#define ACPI_FADT_WBINVD        (1U << 0)
#define ACPI_FADT_PROC_C1       (1U << 2)
#define ACPI_FADT_PWR_BUTTON    (1U << 4)     /* no fixed-feature power button */
#define ACPI_FADT_SLP_BUTTON    (1U << 5)     /* no fixed-feature sleep button */
#define ACPI_FADT_HW_REDUCED    (1U << 20)
#define ACPI_BOOT_ARCH_NO_VGA   (1U << 2)
#define ACPI_BOOT_ARCH_NO_CMOS  (1U << 5)

/* MADT fields and its Processor Local APIC entry (type 0). */
#define ACPI_MADT_LAPIC_ADDR 36U
#define ACPI_MADT_FLAGS      40U
#define ACPI_MADT_TYPE_LAPIC 0U
#define ACPI_MADT_ENABLED    1U

/* Revisions: ACPI 6.x tables. */
#define ACPI_RSDP_REV        2U
#define ACPI_XSDT_REV        1U
#define ACPI_FADT_REV        6U
#define ACPI_FADT_MINOR      5U
#define ACPI_DSDT_REV        2U               /* AML integers are 64 bits */
#define ACPI_MADT_REV        5U

/* Four or eight ASCII characters as the little-endian integer the table holds. */
#define ACPI_SIG4(a, b, c, d) \
    ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)
#define ACPI_SIG8(a, b, c, d, e, f, g, h) \
    ((uint64_t)ACPI_SIG4(a, b, c, d) | (uint64_t)ACPI_SIG4(e, f, g, h) << 32)

/* Who made the tables: OEM id "XENOLI", table id "XENOLITH", creator "XNLT". */
#define ACPI_OEM_ID_LO       ACPI_SIG4('X', 'E', 'N', 'O')
#define ACPI_OEM_ID_HI       ((uint16_t)('L' | 'I' << 8))
#define ACPI_OEM_TABLE_ID    ACPI_SIG8('X', 'E', 'N', 'O', 'L', 'I', 'T', 'H')
#define ACPI_OEM_REVISION    1U
#define ACPI_CREATOR_ID      ACPI_SIG4('X', 'N', 'L', 'T')
#define ACPI_CREATOR_REV     1U

/*@ logic integer acpi_build_size(integer n) = ACPI_MADT_OFF + ACPI_MADT_FIXED_LEN + 8 * n;

    predicate acpi_build_args_ok(integer gpa, integer n) =
      1 <= n <= ACPI_BUILD_MAX_VCPUS && gpa % ACPI_BUILD_ALIGN == 0 &&
      gpa + acpi_build_size(n) <= ACPI_BUILD_GPA_LIMIT;
*/

/*
 * Lay the tables for nr_vcpus vCPUs out in buf[0 .. size), which the guest
 * will see at guest-physical buf_gpa.  0: *rsdp_gpa (= buf_gpa, the RSDP
 * is first) and *used (= ACPI_BUILD_SIZE(nr_vcpus)) are set, bytes beyond
 * *used are untouched.  -XEN_EINVAL: nr_vcpus is 0 or above
 * ACPI_BUILD_MAX_VCPUS, buf_gpa is not 16-byte aligned, or the tables would
 * reach 4 GiB.  -XEN_ENOSPC: size is too small, *used says how much is
 * needed.  The buffer is not written on an error.
 */
/*@ requires \valid(rsdp_gpa) && \valid(used) && \separated(rsdp_gpa, used);
    requires size == 0 || \valid(buf + (0 .. size - 1));
    requires size == 0 || \separated(buf + (0 .. size - 1), rsdp_gpa, used);
    assigns buf[0 .. size - 1], *rsdp_gpa, *used;
    ensures \result == 0 || \result == -XEN_ENOSPC || \result == -XEN_EINVAL;
    ensures \result == -XEN_EINVAL <==> !acpi_build_args_ok(buf_gpa, nr_vcpus);
    ensures \result == -XEN_ENOSPC <==>
              acpi_build_args_ok(buf_gpa, nr_vcpus) && size < acpi_build_size(nr_vcpus);
    ensures \result == -XEN_ENOSPC ==> *used == acpi_build_size(nr_vcpus);
    ensures \result == 0 ==> *used == acpi_build_size(nr_vcpus) && *used <= size &&
                             *rsdp_gpa == buf_gpa;
    ensures \result != 0 ==> \forall integer k; 0 <= k < size ==> buf[k] == \old(buf[k]);
    ensures \result == 0 ==>
              \forall integer k; acpi_build_size(nr_vcpus) <= k < size ==> buf[k] == \old(buf[k]);
    ensures \result == 0 ==> buf[ACPI_RSDP_REVISION] == ACPI_RSDP_REV; */
int acpi_build(uint8_t *buf, size_t size, uint64_t buf_gpa, uint32_t nr_vcpus,
               uint64_t *rsdp_gpa, size_t *used);

#endif /* HV_ACPI_BUILD_H */
