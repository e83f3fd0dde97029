/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Domains from boot modules, Xen's way, plus xl.cfg descriptions of
 * unprivileged domains (docs/DOMAIN-CONFIG.md):
 *
 *  - A module whose content is an xl.cfg description (hv/xlcfg.h,
 *    xlcfg_detect) describes a domU; the module right after it is that
 *    domU's kernel and, when the description has ramdisk=, the one after
 *    that its ramdisk.  Other modules before the next description are
 *    ignored with a warning.
 *  - The first module, when it is not a description, is the initial
 *    domain's kernel (domain 0, SIF_INITDOMAIN | SIF_PRIVILEGED; its command
 *    line, minus the image name, is the kernel's), and the next module, when
 *    it is not a description, its initrd.  Its memory comes from dom0_mem=.
 *  - DomUs get ids 1, 2, ... in module order, no SIF_* flags, the name,
 *    memory, command line and on_* actions of their description.  They are
 *    built first, so dom0_mem= (or its default) applies to what they leave.
 */
#ifndef HV_DOM_BOOT_H
#define HV_DOM_BOOT_H

#include "hv/bootinfo.h"
#include "hv/cmdline.h"
#include "hv/domain.h"
#include "hv/xlcfg.h"

/* Memory given to the initial domain when dom0_mem= says nothing. */
#define DOM0_MEM_DEFAULT   (512ULL << 20)
/* Memory the hypervisor keeps for itself when dom0_mem= is absent or "all but". */
#define DOM0_MEM_RESERVE   (16ULL << 20)
#define DOM0_MEM_MIN       (2ULL << 20)

/* Bytes of a module's label in messages ("web.cfg", "module 3"), NUL included. */
#define DOM_BOOT_LABEL_MAX 48U

/* One domain of the boot modules; the table is indexed by domid. */
struct dom_boot_domain {
    bool described;                /* the boot modules describe this domid */
    bool initial;                  /* domain 0, the initial domain */
    bool started;                  /* built and handed to the scheduler at least once */
    int config;                    /* module index of the description; -1 for domain 0 */
    int kernel;                    /* module index; -1 when no module follows the description */
    int second;                    /* the module after the kernel (ramdisk or ignored); -1: none */
    char label[DOM_BOOT_LABEL_MAX];   /* the description's name in messages */
    char name[DOMAIN_NAME_MAX];    /* from name= once parsed */
    enum xlcfg_action on[XLCFG_NR_EVENTS];
    uint32_t restarts;
};

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
 * Decide what every boot module is for (the rules at the top), filling the
 * domain table; modules that serve nothing get a warning.  Returns how many
 * domains the modules describe.  Nothing is built.
 */
/*@ requires \valid_read(bi) && boot_info_ok(bi);
    ensures \result <= DOMAIN_MAX; */
uint32_t dom_boot_plan(const struct boot_info *bi);

/* The table entry of domid `id` (after dom_boot_plan), or NULL. */
/*@ assigns \nothing;
    ensures id < DOMAIN_MAX <==> \result != \null; */
const struct dom_boot_domain *dom_boot_domain(domid_t id);

/*
 * Plan, then build and start every domain the boot modules describe: the
 * domUs in module order, then the initial domain.  Problems are printed
 * (descriptions as "<file>:<line>: error: <key>: ..."); a domain with a
 * problem is not started and the others are.  Returns how many started;
 * *failed counts the described domains that did not.  `bi` must stay
 * valid: restarts read the modules again.
 */
/*@ requires \valid_read(bi) && boot_info_ok(bi) && \valid_read(o) && \valid(failed);
    ensures \result + *failed <= DOMAIN_MAX; */
uint32_t dom_boot_start(const struct boot_info *bi, const struct hv_options *o, uint32_t *failed);

/*
 * Whether the domain that just ended (d, before it is destroyed) is to be
 * built again: its description's action for how it ended (on_poweroff for
 * SHUTDOWN_poweroff, on_reboot, on_watchdog, on_crash for a crash) is
 * restart, rename-restart or coredump-restart.  Never for the initial
 * domain (its reboot is the host's) or a domain not from the boot modules.
 */
/*@ requires \valid_read(d);
    assigns \nothing; */
bool dom_boot_wants_restart(const struct domain *d);

/*
 * Build domU `id` again from its description and modules, as at boot
 * (after its previous incarnation was destroyed).  0, -XEN_EINVAL (not a
 * domU of the boot modules, or its description no longer valid), or the
 * error of building it (printed).
 */
/*@ ensures \result <= 0; */
int dom_boot_restart(domid_t id);

#endif /* HV_DOM_BOOT_H */
