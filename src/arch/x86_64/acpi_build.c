// SPDX-License-Identifier: GPL-2.0-only
/*
 * ACPI tables for PVH domains (layout and choices in hv/acpi_build.h and
 * docs/ACPI.md).  Everything is written as little-endian bytes at fixed
 * offsets, so what the guest reads is exactly what the tests parse back, and
 * no structure is seen through a cast.  The area is zeroed first: every
 * field not written below (reserved bytes, the PM/GPE blocks of a
 * hardware-reduced FADT, the absent FACS and SCI) is zero by that.
 */
#include "hv/acpi_build.h"

/*@ requires \valid(b + (0 .. 1));
    assigns b[0 .. 1]; */
static void put_le16(uint8_t *b, uint16_t v)
{
    b[0] = (uint8_t)v;
    b[1] = (uint8_t)(v >> 8);
}

/*@ requires \valid(b + (0 .. 3));
    assigns b[0 .. 3]; */
static void put_le32(uint8_t *b, uint32_t v)
{
    b[0] = (uint8_t)v;
    b[1] = (uint8_t)(v >> 8);
    b[2] = (uint8_t)(v >> 16);
    b[3] = (uint8_t)(v >> 24);
}

/*@ requires \valid(b + (0 .. 7));
    assigns b[0 .. 7]; */
static void put_le64(uint8_t *b, uint64_t v)
{
    put_le32(b, (uint32_t)v);
    put_le32(b + 4, (uint32_t)(v >> 32));
}

/* The byte that makes b[0 .. n) sum to 0 modulo 256 when stored in a byte that is 0. */
/*@ requires \valid_read(b + (0 .. n - 1));
    assigns \nothing; */
static uint8_t checksum(const uint8_t *b, uint32_t n)
{
    uint8_t sum = 0;

    /*@ loop invariant 0 <= i <= n;
        loop assigns i, sum;
        loop variant n - i; */
    for (uint32_t i = 0; i < n; i++)
        sum = (uint8_t)(sum + b[i]);
    return (uint8_t)(0x100U - sum);
}

/* The header every table but the RSDP starts with; its checksum byte stays 0. */
/*@ requires \valid(t + (0 .. ACPI_HDR_LEN - 1));
    assigns t[0 .. ACPI_HDR_LEN - 1]; */
static void put_header(uint8_t *t, uint32_t sig, uint32_t len, uint8_t rev)
{
    put_le32(t + ACPI_HDR_SIGNATURE, sig);
    put_le32(t + ACPI_HDR_LENGTH, len);
    t[ACPI_HDR_REVISION] = rev;
    t[ACPI_HDR_CHECKSUM] = 0;
    put_le32(t + ACPI_HDR_OEM_ID, ACPI_OEM_ID_LO);
    put_le16(t + ACPI_HDR_OEM_ID + 4, ACPI_OEM_ID_HI);
    put_le64(t + ACPI_HDR_OEM_TABLE, ACPI_OEM_TABLE_ID);
    put_le32(t + ACPI_HDR_OEM_REV, ACPI_OEM_REVISION);
    put_le32(t + ACPI_HDR_CREATOR, ACPI_CREATOR_ID);
    put_le32(t + ACPI_HDR_CREATOR_REV, ACPI_CREATOR_REV);
}

/*@ requires \valid(t + (0 .. len - 1)) && len > ACPI_HDR_CHECKSUM;
    assigns t[ACPI_HDR_CHECKSUM]; */
static void seal(uint8_t *t, uint32_t len)
{
    t[ACPI_HDR_CHECKSUM] = checksum(t, len);
}

/*@ requires \valid(t + (0 .. ACPI_RSDP_LEN - 1));
    assigns t[0 .. ACPI_RSDP_LEN - 1];
    ensures t[ACPI_RSDP_REVISION] == ACPI_RSDP_REV; */
static void put_rsdp(uint8_t *t, uint64_t xsdt)
{
    put_le64(t, ACPI_SIG8('R', 'S', 'D', ' ', 'P', 'T', 'R', ' '));
    t[ACPI_RSDP_CHECKSUM] = 0;
    put_le32(t + ACPI_RSDP_OEM_ID, ACPI_OEM_ID_LO);
    put_le16(t + ACPI_RSDP_OEM_ID + 4, ACPI_OEM_ID_HI);
    t[ACPI_RSDP_REVISION] = ACPI_RSDP_REV;
    put_le32(t + ACPI_RSDP_RSDT, 0);         /* no RSDT: revision 2 readers use the XSDT */
    put_le32(t + ACPI_RSDP_LENGTH, ACPI_RSDP_LEN);
    put_le64(t + ACPI_RSDP_XSDT, xsdt);
    t[ACPI_RSDP_EXT_CSUM] = 0;
    t[ACPI_RSDP_EXT_CSUM + 1] = 0;
    t[ACPI_RSDP_EXT_CSUM + 2] = 0;
    t[ACPI_RSDP_EXT_CSUM + 3] = 0;
    /* The first checksum covers the ACPI 1.0 part; the extended one all of it, first included. */
    t[ACPI_RSDP_CHECKSUM] = checksum(t, ACPI_RSDP_V1_LEN);
    t[ACPI_RSDP_EXT_CSUM] = checksum(t, ACPI_RSDP_LEN);
}

/*
 * Hardware-reduced: no SCI, SMI command, PM1/PM2/PM timer/GPE blocks, reset
 * register or sleep registers (all zero from the cleared area), no FACS.
 */
/*@ requires \valid(t + (0 .. ACPI_FADT_LEN - 1));
    requires dsdt < ACPI_BUILD_GPA_LIMIT;
    assigns t[0 .. ACPI_FADT_LEN - 1]; */
static void put_fadt(uint8_t *t, uint64_t dsdt)
{
    put_header(t, ACPI_SIG4('F', 'A', 'C', 'P'), ACPI_FADT_LEN, ACPI_FADT_REV);
    put_le32(t + ACPI_FADT_DSDT, (uint32_t)dsdt);
    put_le16(t + ACPI_FADT_BOOT_ARCH, ACPI_BOOT_ARCH_NO_VGA | ACPI_BOOT_ARCH_NO_CMOS);
    put_le32(t + ACPI_FADT_FLAGS, ACPI_FADT_WBINVD | ACPI_FADT_PROC_C1 | ACPI_FADT_PWR_BUTTON |
                                  ACPI_FADT_SLP_BUTTON | ACPI_FADT_HW_REDUCED);
    t[ACPI_FADT_MINOR_REV] = ACPI_FADT_MINOR;
    put_le64(t + ACPI_FADT_X_DSDT, dsdt);
    seal(t, ACPI_FADT_LEN);
}

/*@ requires 1 <= n <= ACPI_BUILD_MAX_VCPUS;
    requires \valid(t + (0 .. ACPI_MADT_FIXED_LEN + 8 * n - 1));
    assigns t[0 .. ACPI_MADT_FIXED_LEN + 8 * n - 1]; */
static void put_madt(uint8_t *t, uint32_t n)
{
    uint32_t len = ACPI_MADT_LEN(n);

    put_header(t, ACPI_SIG4('A', 'P', 'I', 'C'), len, ACPI_MADT_REV);
    put_le32(t + ACPI_MADT_LAPIC_ADDR, ACPI_LAPIC_ADDR);
    put_le32(t + ACPI_MADT_FLAGS, 0);        /* no PCAT_COMPAT: a PVH guest has no 8259s */
    /*@ loop invariant 0 <= i <= n;
        loop assigns i, t[ACPI_MADT_FIXED_LEN .. ACPI_MADT_FIXED_LEN + 8 * n - 1];
        loop variant n - i; */
    for (uint32_t i = 0; i < n; i++) {
        uint8_t *e = t + ACPI_MADT_FIXED_LEN + ACPI_MADT_LAPIC_LEN * i;

        e[0] = ACPI_MADT_TYPE_LAPIC;
        e[1] = ACPI_MADT_LAPIC_LEN;
        e[2] = (uint8_t)i;                   /* ACPI processor UID: the vcpu id */
        e[3] = (uint8_t)(2U * i);            /* the emulated LAPIC's reset id */
        put_le32(e + 4, ACPI_MADT_ENABLED);
    }
    seal(t, len);
}

/*@ requires \valid(t + (0 .. ACPI_XSDT_LEN - 1));
    assigns t[0 .. ACPI_XSDT_LEN - 1]; */
static void put_xsdt(uint8_t *t, uint64_t fadt, uint64_t madt)
{
    put_header(t, ACPI_SIG4('X', 'S', 'D', 'T'), ACPI_XSDT_LEN, ACPI_XSDT_REV);
    put_le64(t + ACPI_HDR_LEN, fadt);
    put_le64(t + ACPI_HDR_LEN + 8, madt);
    seal(t, ACPI_XSDT_LEN);
}

/* Every table, once the arguments are known to be good. */
/*@ requires 1 <= n <= ACPI_BUILD_MAX_VCPUS;
    requires gpa + acpi_build_size(n) <= ACPI_BUILD_GPA_LIMIT;
    requires \valid(buf + (0 .. acpi_build_size(n) - 1));
    assigns buf[0 .. acpi_build_size(n) - 1];
    ensures buf[ACPI_RSDP_REVISION] == ACPI_RSDP_REV; */
static void build_tables(uint8_t *buf, uint64_t gpa, uint32_t n)
{
    uint32_t need = ACPI_BUILD_SIZE(n);

    /*@ loop invariant 0 <= i <= need;
        loop assigns i, buf[0 .. need - 1];
        loop variant need - i; */
    for (uint32_t i = 0; i < need; i++)
        buf[i] = 0;
    /* Tables that others point to come first: their checksums do not depend on the pointers. */
    put_header(buf + ACPI_DSDT_OFF, ACPI_SIG4('D', 'S', 'D', 'T'), ACPI_DSDT_LEN, ACPI_DSDT_REV);
    seal(buf + ACPI_DSDT_OFF, ACPI_DSDT_LEN);
    put_madt(buf + ACPI_MADT_OFF, n);
    put_fadt(buf + ACPI_FADT_OFF, gpa + ACPI_DSDT_OFF);
    put_xsdt(buf + ACPI_XSDT_OFF, gpa + ACPI_FADT_OFF, gpa + ACPI_MADT_OFF);
    put_rsdp(buf + ACPI_RSDP_OFF, gpa + ACPI_XSDT_OFF);
}

int acpi_build(uint8_t *buf, size_t size, uint64_t buf_gpa, uint32_t nr_vcpus,
               uint64_t *rsdp_gpa, size_t *used)
{
    if (nr_vcpus == 0 || nr_vcpus > ACPI_BUILD_MAX_VCPUS || buf_gpa % ACPI_BUILD_ALIGN != 0 ||
        buf_gpa > ACPI_BUILD_GPA_LIMIT - ACPI_BUILD_SIZE(nr_vcpus))
        return -XEN_EINVAL;
    *used = ACPI_BUILD_SIZE(nr_vcpus);
    if (size < ACPI_BUILD_SIZE(nr_vcpus))
        return -XEN_ENOSPC;
    build_tables(buf, buf_gpa, nr_vcpus);
    *rsdp_gpa = buf_gpa + ACPI_RSDP_OFF;
    return 0;
}
