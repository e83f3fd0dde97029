// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen_version: what Xenolith says about itself.  Every buffer goes out
 * whole through hypercall_arg_write (all or nothing); a bad buffer is
 * -EFAULT.  Strings are NUL-padded to their ABI size.
 *
 * XENVER_commandline is for privileged domains only (-EPERM otherwise), as
 * in Xen.  Not provided (-ENOSYS): XENVER_build_id (the image carries no
 * build id).
 */
#include "hv/hypercall_table.h"

#include "hv/bootinfo.h"
#include "hv/setup.h"

#ifndef XENOLITH_VERSION_MAJOR
#error "the Makefile passes XENOLITH_VERSION_MAJOR/MINOR/EXTRA"
#endif

/* Optional build facts; reproducible builds leave them at these defaults. */
#ifndef XENOLITH_COMPILE_BY
#define XENOLITH_COMPILE_BY "xenolith"
#endif
#ifndef XENOLITH_COMPILE_DOMAIN
#define XENOLITH_COMPILE_DOMAIN ""
#endif
#ifndef XENOLITH_COMPILE_DATE
#define XENOLITH_COMPILE_DATE ""
#endif
#ifndef XENOLITH_CHANGESET
#define XENOLITH_CHANGESET "unavailable"
#endif
#if defined(__clang__)
#define HC_COMPILER "clang " __clang_version__
#elif defined(__GNUC__)
#define HC_COMPILER "gcc " __VERSION__
#else
#define HC_COMPILER "unknown"
#endif

/* Xenolith runs guests in hardware containers only: no PV interfaces. */
static const char capabilities[] = "hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64 ";

_Static_assert(sizeof(capabilities) <= XEN_CAPABILITIES_LEN, "capabilities fit");
_Static_assert(sizeof(XENOLITH_VERSION_EXTRA) <= XEN_EXTRAVERSION_LEN, "extraversion fits");
_Static_assert(XENOLITH_VERSION_MAJOR <= 0xFFFF && XENOLITH_VERSION_MINOR <= 0xFFFF, "16:16");

/*
 * src cut at its first NUL (it has srclen readable bytes; a string literal's
 * sizeof) or at size - 1 bytes, NUL-padded to size bytes of dst.
 */
/*@ requires 0 < size && \valid(dst + (0 .. size - 1)) && \valid_read(src + (0 .. srclen - 1));
    assigns dst[0 .. size - 1];
    ensures dst[size - 1] == '\0'; */
static void strpad(char *dst, size_t size, const char *src, size_t srclen)
{
    size_t i = 0;

    /*@ loop invariant 0 <= i <= size - 1 && i <= srclen;
        loop assigns i, dst[0 .. size - 2];
        loop variant size - i; */
    for (; i + 1 < size && i < srclen && src[i] != '\0'; i++)
        dst[i] = src[i];
    /*@ loop invariant 0 <= i <= size;
        loop invariant i == size ==> dst[size - 1] == '\0';
        loop assigns i, dst[0 .. size - 1];
        loop variant size - i; */
    for (; i < size; i++)
        dst[i] = '\0';
}

/*@ requires hc_caller_ok(v);
    requires 0 < size <= XEN_CAPABILITIES_LEN && \valid_read(s + (0 .. slen - 1));
    assigns hal_mem_bytes[0 .. HAL_MEM_BYTES - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures \result == 0 || \result == -XEN_EFAULT; */
static int64_t put_string(struct vcpu *v, uint64_t arg, const char *s, size_t slen, size_t size)
{
    char buf[XEN_CAPABILITIES_LEN];

    strpad(buf, size, s, slen);
    return hypercall_arg_write(v, arg, buf, size);
}

#define COMPILE_INFO_FIELD(f) \
    offsetof(struct xen_compile_info, f), sizeof(((struct xen_compile_info *)0)->f)

/*@ requires hc_caller_ok(v);
    assigns hal_mem_bytes[0 .. HAL_MEM_BYTES - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures \result == 0 || \result == -XEN_EFAULT; */
static int64_t put_compile_info(struct vcpu *v, uint64_t arg)
{
    char info[sizeof(struct xen_compile_info)];

    strpad(info + COMPILE_INFO_FIELD(compiler), HC_COMPILER, sizeof(HC_COMPILER));
    strpad(info + COMPILE_INFO_FIELD(compile_by), XENOLITH_COMPILE_BY, sizeof(XENOLITH_COMPILE_BY));
    strpad(info + COMPILE_INFO_FIELD(compile_domain), XENOLITH_COMPILE_DOMAIN,
           sizeof(XENOLITH_COMPILE_DOMAIN));
    strpad(info + COMPILE_INFO_FIELD(compile_date), XENOLITH_COMPILE_DATE,
           sizeof(XENOLITH_COMPILE_DATE));
    return hypercall_arg_write(v, arg, info, sizeof(info));
}

/* HVM guests get 0: the field only ever meant something to PV guests. */
/*@ requires hc_caller_ok(v);
    assigns hal_mem_bytes[0 .. HAL_MEM_BYTES - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures \result == 0 || \result == -XEN_EFAULT; */
static int64_t put_platform_parameters(struct vcpu *v, uint64_t arg)
{
    /* virt_start = 0, in either layout. */
    static const char zero[sizeof(struct xen_platform_parameters)];

    return hypercall_arg_write(v, arg, zero,
                               hypercall_compat(v) ? sizeof(struct xen_platform_parameters_compat)
                                                   : sizeof(struct xen_platform_parameters));
}

/* Submap 0 for a translated, HVM-style guest; dom0 gets its bit. */
/*@ requires \valid_read(d);
    assigns \nothing; */
static uint32_t features(const struct domain *d)
{
    uint32_t f = (1U << XENFEAT_writable_page_tables) | (1U << XENFEAT_auto_translated_physmap) |
                 (1U << XENFEAT_hvm_callback_vector) | (1U << XENFEAT_hvm_safe_pvclock);

    if ((d->guest.start_flags & SIF_INITDOMAIN) != 0)
        f |= 1U << XENFEAT_dom0;
    return f;
}

/*@ requires hc_caller_ok(v);
    assigns hal_mem_bytes[0 .. HAL_MEM_BYTES - 1], hal_mem_words[0 .. HAL_MEM_WORDS - 1];
    ensures \result == 0 || \result == -XEN_EFAULT || \result == -XEN_EINVAL; */
static int64_t get_features(struct vcpu *v, uint64_t arg)
{
    char fi[sizeof(struct xen_feature_info)];

    if (hypercall_arg_read(v, arg, fi, sizeof(fi)) != 0)
        return -XEN_EFAULT;
    if (hypercall_get_u32(fi, offsetof(struct xen_feature_info, submap_idx)) >= XENFEAT_NR_SUBMAPS)
        return -XEN_EINVAL;
    hypercall_put_u32(fi, offsetof(struct xen_feature_info, submap), features(v->domain));
    return hypercall_arg_write(v, arg, fi, sizeof(fi));
}

int64_t hc_xen_version(struct vcpu *v, uint32_t cmd, uint64_t arg)
{
    static const char handle[XEN_DOMAIN_HANDLE_LEN];

    switch (cmd) {
    case XENVER_version:
        return ((int64_t)XENOLITH_VERSION_MAJOR << 16) | XENOLITH_VERSION_MINOR;
    case XENVER_extraversion:
        return put_string(v, arg, XENOLITH_VERSION_EXTRA, sizeof(XENOLITH_VERSION_EXTRA),
                          XEN_EXTRAVERSION_LEN);
    case XENVER_compile_info:
        return put_compile_info(v, arg);
    case XENVER_capabilities:
        return put_string(v, arg, capabilities, sizeof(capabilities), XEN_CAPABILITIES_LEN);
    case XENVER_changeset:
        return put_string(v, arg, XENOLITH_CHANGESET, sizeof(XENOLITH_CHANGESET),
                          XEN_CHANGESET_LEN);
    case XENVER_platform_parameters:
        return put_platform_parameters(v, arg);
    case XENVER_get_features:
        return get_features(v, arg);
    case XENVER_pagesize:
        /* The argument must be a null handle. */
        return arg != 0 ? -XEN_EINVAL : (int64_t)PAGE_SIZE;
    case XENVER_commandline:
        if ((v->domain->guest.start_flags & SIF_PRIVILEGED) == 0)
            return -XEN_EPERM;
        return put_string(v, arg, hv_boot_cmdline(), BOOT_CMDLINE_MAX, XEN_COMMANDLINE_LEN);
    case XENVER_guest_handle:
        /* Domains have no UUID (no toolstack gives one): all zeroes. */
        return hypercall_arg_write(v, arg, handle, sizeof(handle));
    default:
        return -XEN_ENOSYS;
    }
}
