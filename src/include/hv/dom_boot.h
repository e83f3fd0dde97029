/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Domains from boot modules, Xen's way: module 0 is the initial domain's
 * kernel (its command line, minus the image name, is the kernel's command
 * line), module 1 its initrd.  The initial domain is domain 0 with
 * SIF_INITDOMAIN | SIF_PRIVILEGED; its memory comes from dom0_mem=.
 */
#ifndef HV_DOM_BOOT_H
#define HV_DOM_BOOT_H

#include "hv/bootinfo.h"
#include "hv/cmdline.h"

/* Memory given to the initial domain when dom0_mem= says nothing. */
#define DOM0_MEM_DEFAULT   (512ULL << 20)
/* Memory the hypervisor keeps for itself when dom0_mem= is absent or "all but". */
#define DOM0_MEM_RESERVE   (16ULL << 20)
#define DOM0_MEM_MIN       (2ULL << 20)

/*
 * The initial domain's memory in bytes (a multiple of 2 MiB when possible,
 * else of 4 KiB) for dom0_mem= settings m and `avail` bytes of free memory:
 * the amount (absolute, or all but the amount), else the default, clamped
 * to min: and max:, and to what is available minus DOM0_MEM_RESERVE.
 * 0 when not even DOM0_MEM_MIN is available.
 */
/*@ requires \valid_read(m);
    assigns \nothing;
    ensures \result % 4096 == 0; */
uint64_t dom0_mem_bytes(const struct hv_dom0_mem *m, uint64_t avail);

/*
 * The kernel command line inside a module's command line: as for the
 * hypervisor's own, loaders other than GRUB 2 put the image name first, and
 * it is skipped with the blanks after it (Xen's rule).
 */
/*@ requires \valid_read(s) && \valid_read(loader_name);
    assigns \nothing; */
const char *dom_boot_module_args(const char *s, const char *loader_name);

/*
 * Build and start the initial domain from the boot modules.  0, or a
 * negative Xen errno after printing what was wrong (bad image, no memory);
 * the hypervisor keeps running either way.
 */
int dom_boot_initial_domain(const struct boot_info *bi, const struct hv_options *o);

#endif /* HV_DOM_BOOT_H */
