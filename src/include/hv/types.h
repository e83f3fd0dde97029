/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Basic types shared by every module.  Only freestanding headers are used so
 * the same file compiles for bare metal, for the simulator and for Frama-C.
 */
#ifndef HV_TYPES_H
#define HV_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Machine frame number: physical address >> PAGE_SHIFT. */
typedef uint64_t mfn_t;
/* Guest frame number: guest-physical address >> PAGE_SHIFT. */
typedef uint64_t gfn_t;
/* Xen domain id (16 bits in the ABI). */
typedef uint16_t domid_t;

#define PAGE_SHIFT 12
#define PAGE_SIZE  4096UL

#define INVALID_MFN (~(mfn_t)0)

/* Reserved domain ids, Xen's values. */
#define DOMID_FIRST_RESERVED 0x7FF0U
#define DOMID_SELF           0x7FF0U
#define DOMID_IO             0x7FF1U
#define DOMID_XEN            0x7FF2U
#define DOMID_COW            0x7FF3U
#define DOMID_INVALID        0x7FF4U
#define DOMID_IDLE           0x7FFFU

#define HV_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__) || defined(__clang__)
#define HV_NORETURN  __attribute__((noreturn))
#define HV_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define HV_UNUSED    __attribute__((unused))
#else
#define HV_NORETURN
#define HV_PRINTF(f, a)
#define HV_UNUSED
#endif

#endif /* HV_TYPES_H */
