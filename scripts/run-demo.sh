#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# `make run`: boot Xenolith under QEMU (TCG, -cpu max) with the bundled demo
# domains, the console on this terminal.
#
#   scripts/run-demo.sh BUILD
#
# With Debian's Linux kernel at hand (fetched earlier by `make test`,
# `make linux-test` or `make run-linux`, or LINUX_KERNEL=<bzImage>; RUN_LINUX=1
# fetches it now), the domains are unprivileged PVH domains described in
# xl.cfg syntax, as on Xen:
#   d1 "linux"   Debian's kernel with a busybox shell on hvc0 (the PV console);
#                the serial input goes to it: type at the shell, `poweroff -f`
#                ends it
#   d2 "hello"   a tiny guest that greets and powers off (scripts/demo/)
#   d3 "ticker"  a tiny guest that sleeps on its event-channel timer
# Without the kernel (or with RUN_LINUX=0): the hello guest as domain 0 and
# the ticker as domain 1.  RUN_GUEST=<elf> boots that PVH kernel alone as
# domain 0 (RUN_GUEST_ARGS its command line).
#
# Ctrl-A three times switches the serial input between the domains and
# Xenolith (then 'h' lists the keys); QEMU's own escape key is Ctrl-] (Ctrl-] x
# quits).  QEMU ends when every domain has ended (debug_exit).
# Environment: QEMU, QEMU_MEM, RUN_CMDLINE, RUN_LINUX, RUN_GUEST, RUN_GUEST_ARGS.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-build}
QEMU=${QEMU:-qemu-system-x86_64}
CMDLINE=${RUN_CMDLINE:-console=com1 com1=115200,8n1 loglvl=info dom0_mem=64M debug_exit}
G=$BUILD/guests
D=$ROOT/scripts/demo

boot() {  # boot <MiB> <module list>
    echo "QEMU ends when every domain has ended; quit earlier with Ctrl-] x." >&2
    echo "Ctrl-A three times switches the console input between domains and Xenolith, as on Xen." >&2
    "$QEMU" -accel tcg -cpu max -m "$1" -nographic -no-reboot -echr 0x1d \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
        -kernel "$BUILD/xenolith.elf" -append "$CMDLINE" -initrd "$2"
    rc=$?
    # debug_exit: 33 when every domain ended well, 35 otherwise; both are a finished run.
    [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ] || [ "$rc" -eq 33 ] || [ "$rc" -eq 35 ]
}

if [ -n "${RUN_GUEST:-}" ]; then
    echo "Booting Xenolith with domain 0 = $RUN_GUEST." >&2
    boot "${QEMU_MEM:-512}" "$RUN_GUEST ${RUN_GUEST_ARGS:-}"
    exit
fi

linux=0
if [ "${RUN_LINUX:-}" != 0 ]; then
    # shellcheck source=tests/linux/lib.sh
    . "$ROOT/tests/linux/lib.sh"
    [ "${RUN_LINUX:-}" = 1 ] || export LINUX_OFFLINE=1
    if linux_prepare "$BUILD" 2>/dev/null; then linux=1; fi
fi

if [ "$linux" -eq 1 ]; then
    cfg=$BUILD/linux/linux-domu.cfg
    linux_domu_cfg "$cfg"
    echo "Booting Xenolith with three domUs: linux ($(basename "$KERNEL_BZ"), shell on hvc0), hello, ticker." >&2
    boot "${QEMU_MEM:-1024}" \
        "$cfg,$KERNEL_ELF,$INITRAMFS,$D/hello.cfg,$G/test-hello.elf,$D/ticker.cfg,$G/test-hlt_timer.elf"
else
    echo "Booting Xenolith with domain 0 = hello and domU ticker (no Linux kernel at hand:" \
         "'make run RUN_LINUX=1' fetches Debian's)." >&2
    boot "${QEMU_MEM:-512}" "$G/test-hello.elf,$D/ticker.cfg,$G/test-hlt_timer.elf"
fi
