// SPDX-License-Identifier: GPL-2.0-only
/* The smallest conversation with Xen: version, extraversion, console write. */
#include "guest.h"
#include "xen/errno.h"

static void hello_run(void)
{
    char extra[XEN_EXTRAVERSION_LEN + 1];
    static const char msg[] = "Hello from a Xenolith test guest\n";

    long ver = hypercall2(HYPERVISOR_xen_version, XENVER_version, 0);
    check(ver > 0, "xen_version(version) = 0x%lx: Xen %ld.%ld", ver, ver >> 16, ver & 0xffff);
    memset(extra, 0, sizeof(extra));
    /* Results that a message shows are fetched first: arguments have no order. */
    long rc = hypercall2(HYPERVISOR_xen_version, XENVER_extraversion, extra);
    check_rc(rc, 0, "xen_version(extraversion) \"%s\"", extra);
    check_rc(hypercall3(HYPERVISOR_console_io, CONSOLEIO_write, sizeof(msg) - 1, msg), 0,
             "console_io(write)");
}

const struct guest_test guest_test = {
    .name = "hello",
    .flags = GUEST_NEEDS_XEN,
    .run = hello_run,
};
