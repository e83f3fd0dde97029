/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor's backend for the Xen PV console of domains that are not
 * the initial domain (the initial domain uses console_io instead).
 *
 * The ring page (struct xencons_interface: in[1024], out[2048] and four
 * free-running indexes) is a frame of the guest's own RAM mapped at a gfn
 * outside its memory map; HVM_PARAM_CONSOLE_PFN and HVM_PARAM_CONSOLE_EVTCHN
 * tell the guest where it is and which event channel port signals it.  The
 * backend does not wait for the guest's notification: the scheduler polls
 * every console at each slice boundary, which the host timer keeps short.
 *
 * Everything in the page is guest-controlled: indexes are masked into the
 * rings, a producer that claims more than a ring holds is treated as a full
 * ring, and the page is only touched through copy_{from,to}_guest_phys.
 */
#ifndef HV_PV_CONSOLE_H
#define HV_PV_CONSOLE_H

#include "hv/domain.h"

/* Where the ring page goes in a guest's physical space: just below 4 GiB, in the MMIO hole. */
#define PV_CONSOLE_GFN 0xFEFFFULL

/*
 * Give domain d a console: a RAM frame for the ring, zeroed, mapped at
 * PV_CONSOLE_GFN, and an event channel port unbound to the hypervisor;
 * sets the two HVM parameters.  0, or a negative Xen error (the domain
 * then simply has no console).
 */
int pv_console_attach(struct domain *d);

/* Move d's pending output from its ring to the console; notify it when space was freed. */
void pv_console_poll_output(struct domain *d);

/* Queue typed characters into d's input ring and notify it; returns how many fit. */
size_t pv_console_input(struct domain *d, const char *text, size_t len);

/* Whether d has a console ring attached. */
bool pv_console_attached(const struct domain *d);

#endif /* HV_PV_CONSOLE_H */
