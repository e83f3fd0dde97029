#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Boot Debian's stock Linux kernel with the busybox initramfs and judge how far
# it got from the serial log.
#
#   tests/linux/run-linux.sh [--xen XENOLITH_ELF | --domu XENOLITH_ELF | --bare] [--shell] [BUILD]
#   tests/linux/run-linux.sh --interactive [--xen ELF | --domu ELF | --bare] [BUILD]
#
#   --xen ELF   Linux as the initial domain of Xenolith (default:
#               BUILD/xenolith.elf), the ELF from tools/bzimage2elf.py as the
#               first boot module with console=hvc0, the initramfs second.
#   --domu ELF  Linux as an unprivileged PVH domain (domain 1, no domain 0):
#               an xl.cfg module (BUILD/linux/linux-domu.cfg, written here)
#               followed by the kernel and initramfs modules; its console is
#               the PV console (hvc0 on the ring Xenolith serves).
#   --bare      Linux booted by QEMU itself (-kernel bzImage, console=ttyS0):
#               checks the kernel, the initramfs and this harness.
#   --shell     type the commands at the shell through the serial line
#               (the console's input path) instead of letting init run them
#               (xenolith.test=1).
#   --interactive  the same boot with the serial line on this terminal, for a
#               person; QEMU's escape key is Ctrl-] (Ctrl-] x quits), so that
#               Ctrl-A reaches the hypervisor.
#
# The run goes through these stages, each found in the serial log:
#   kernel    "Linux version" (the kernel runs and prints)
#   console   "printk: console [hvc0] enabled" (ttyS0 when bare)
#   init      XENOLITH-INIT-UP (the initramfs' /init runs)
#   commands  the command output between the test markers
#   uname     a `uname -a` line of an x86_64 Linux
#   irqs      /proc/interrupts with Xen event channels (xen-percpu/xen-dyn
#             interrupt chips; the local APIC timer line when bare)
#   poweroff  Xenolith reports the domain powered off (QEMU powers off when
#             bare)
# and ends in one line: "PASS linux-<mode>: ..." or "FAIL linux-<mode>:
# stopped after <stage>: <reason>" followed by the last lines of Linux.
#
# Environment: LINUX_TIMEOUT (seconds, default 300), LINUX_KERNEL (a bzImage
# to use instead of Debian's), LINUX_PACKAGE (default linux-image-amd64),
# LINUX_QEMU_MEM, LINUX_DOM_MEM, XENOLITH_EXTRA (more hypervisor options, e.g.
# loglvl=all), XEN_LINUX_CMDLINE, LINUX_EXTRA (more kernel options).
set -u
# shellcheck source=tests/linux/lib.sh
. "$(dirname "$0")/lib.sh"

MODE=xen XEN="" SHELL_MODE=0 INTERACTIVE=0
while [ $# -gt 0 ]; do
    case $1 in
        --xen) MODE=xen; XEN=${2:?--xen needs the hypervisor image}; shift 2;;
        --domu) MODE=domu; XEN=${2:?--domu needs the hypervisor image}; shift 2;;
        --bare) MODE=bare; shift;;
        --shell) SHELL_MODE=1; shift;;
        --interactive) INTERACTIVE=1; shift;;
        -h|--help) sed -n '3,/^set -u/p' "$0" | sed 's/^# \{0,1\}//; $d'; exit 0;;
        -*) echo "unknown option $1" >&2; exit 2;;
        *) break;;
    esac
done
BUILD=${1:-build}
XEN=${XEN:-$BUILD/xenolith.elf}
TIMEOUT=${LINUX_TIMEOUT:-300}
NAME=linux-$MODE$([ "$SHELL_MODE" -eq 1 ] && echo -shell)
LOG=$BUILD/linux/$NAME.log

fail_early() { echo "FAIL $NAME: $*"; exit 1; }

if [ "$MODE" != bare ] && [ ! -f "$XEN" ]; then
    fail_early "no hypervisor image $XEN (make hv)"
fi
command -v "$QEMU" >/dev/null || fail_early "$QEMU not found (apt-get install qemu-system-x86)"
linux_prepare "$BUILD" || fail_early "no kernel to boot (see the messages above)"

if [ "$INTERACTIVE" -eq 1 ] || [ "$SHELL_MODE" -eq 1 ]; then EXTRA=${LINUX_EXTRA:-}
else EXTRA="xenolith.test=1 ${LINUX_EXTRA:-}"; fi
# shellcheck disable=SC2086  # one kernel option per word
case $MODE in
    xen) qemu_xen_args "$XEN" $EXTRA;;
    domu) qemu_domu_args "$XEN" $EXTRA;;
    *) qemu_bare_args $EXTRA;;
esac

if [ "$INTERACTIVE" -eq 1 ]; then
    echo "Booting $(basename "$KERNEL_BZ") ($MODE); quit QEMU with Ctrl-] x." >&2
    exec "$QEMU" "${QEMU_ARGS[@]}" -nographic -echr 0x1d
fi

# ---- one boot, watched ---------------------------------------------------------------
STAGES=(kernel console init commands uname irqs poweroff)
declare -A AT=()        # stage -> seconds after QEMU start
if [ "$MODE" != bare ]; then
    CONSOLE_RE='printk: console \[hvc0\] enabled'
    IRQ_RE='xen-(percpu|dyn)'
else
    CONSOLE_RE='printk: console \[ttyS0\] enabled'
    IRQ_RE='LOC: +[0-9]+'
fi
BEGIN_RE='^(\([^)]*\) )?XENOLITH-(TEST-BEGIN|SHELL-42)'
END_RE='^(\([^)]*\) )?XENOLITH-(TEST|SHELL)-END'

mkdir -p "$(dirname "$LOG")"
rm -f "$LOG"
start=$(date +%s.%N)
elapsed() { awk -v s="$start" -v n="$(date +%s.%N)" 'BEGIN { printf "%.1f", n - s }'; }

if [ "$SHELL_MODE" -eq 1 ]; then
    fifo=$(mktemp -u "$BUILD/linux/.in.XXXXXX")
    mkfifo "$fifo"
    "$QEMU" "${QEMU_ARGS[@]}" -serial stdio <"$fifo" >"$LOG" 2>"$LOG.qemu" &
    qpid=$!
    exec 3>"$fifo"
    rm -f "$fifo"
else
    "$QEMU" "${QEMU_ARGS[@]}" -serial stdio </dev/null >"$LOG" 2>"$LOG.qemu" &
    qpid=$!
fi

# The serial log without carriage returns, the form every check reads.
clean_log() { tr -d '\r' <"$LOG" 2>/dev/null; }
# The command output: between the begin and end markers (or to the end).
command_part() { clean_log | sed -n -E "/$BEGIN_RE/,/$END_RE/p"; }

check_stages() {
    local text
    text=$(clean_log)
    [ -n "${AT[kernel]:-}" ] || ! grep -q 'Linux version ' <<<"$text" || AT[kernel]=$(elapsed)
    [ -n "${AT[console]:-}" ] || ! grep -Eq "$CONSOLE_RE" <<<"$text" || AT[console]=$(elapsed)
    [ -n "${AT[init]:-}" ] || ! grep -q 'XENOLITH-INIT-UP' <<<"$text" || AT[init]=$(elapsed)
    if [ -z "${AT[commands]:-}" ] && grep -Eq "$END_RE" <<<"$text"; then
        AT[commands]=$(elapsed)
        text=$(command_part)
        ! grep -Eq '^(\([^)]*\) )?Linux [^ ]+ [0-9]+\.[0-9]+[^ ]* .*x86_64' <<<"$text" || AT[uname]=${AT[commands]}
        ! grep -Eq "$IRQ_RE" <<<"$text" || AT[irqs]=${AT[commands]}
    fi
}

# Shell mode: probe until the shell answers, then type the commands.  The
# markers are computed by the shell so that the echoed input never matches.
shell_driver() {
    [ "$SHELL_MODE" -eq 1 ] || return 0
    [ -n "${AT[init]:-}" ] || return 0
    if ! grep -Eq "$BEGIN_RE" < <(clean_log); then
        local now
        now=$(date +%s)
        if [ "$now" -ge "${next_probe:-0}" ]; then
            # shellcheck disable=SC2016  # the guest's shell expands it
            printf 'echo XENOLITH-SHELL-$((40+2))\n' >&3 2>/dev/null
            next_probe=$((now + 3))
        fi
    elif [ -z "${typed:-}" ]; then
        typed=1
        # shellcheck disable=SC2016
        for cmd in 'uname -a' 'cat /proc/interrupts' 'echo XENOLITH-SHELL-END-$((40+2))'; do
            printf '%s\n' "$cmd" >&3 2>/dev/null
            sleep 0.5
        done
    elif [ -n "${AT[commands]:-}" ] && [ -z "${off_typed:-}" ]; then
        off_typed=1
        printf 'poweroff -f\n' >&3 2>/dev/null
    fi
}

deadline=$(( $(date +%s) + TIMEOUT ))
reason=""
while :; do
    check_stages
    shell_driver
    if ! kill -0 "$qpid" 2>/dev/null; then
        wait "$qpid"; rc=$?
        check_stages
        break
    fi
    if grep -Eq 'Kernel panic - not syncing|\(XEN\) .*(crashed|Panic)' < <(clean_log); then
        sleep 1   # let the panic's last lines and the hypervisor's verdict arrive
        kill "$qpid" 2>/dev/null; wait "$qpid" 2>/dev/null; rc=-1
        check_stages
        break
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
        kill "$qpid" 2>/dev/null; wait "$qpid" 2>/dev/null; rc=124
        reason="timed out after ${TIMEOUT}s"
        break
    fi
    sleep 0.2
done
[ "$SHELL_MODE" -eq 1 ] && exec 3>&-

# Powered off: Xenolith's end-of-run summary, or QEMU's own power-off (bare).
text=$(clean_log)
if [ "$MODE" != bare ]; then
    grep -Eq 'all domains have ended: 1 powered off' <<<"$text" && AT[poweroff]=$(elapsed)
else
    [ "$rc" -eq 0 ] && grep -q 'reboot: Power down' <<<"$text" && AT[poweroff]=$(elapsed)
fi

# ---- verdict ---------------------------------------------------------------------------
case $MODE in
    xen) how="as Xenolith's initial domain";;
    domu) how="as an unprivileged PVH domain of Xenolith";;
    *) how="under bare QEMU";;
esac
echo "$NAME: $(basename "$KERNEL_BZ") $how, log $LOG"
last=none
missing=""
for s in "${STAGES[@]}"; do
    if [ -n "${AT[$s]:-}" ]; then
        printf '  [ok] %-9s %6ss\n' "$s" "${AT[$s]}"
        [ -z "$missing" ] && last=$s
    else
        printf '  [--] %s\n' "$s"
        [ -n "$missing" ] || missing=$s
    fi
done
if [ -z "$missing" ]; then
    echo "PASS $NAME: every stage reached, init at ${AT[init]}s, powered off at ${AT[poweroff]}s"
    exit 0
fi
if [ -z "$reason" ]; then
    reason=$(grep -Eo 'Kernel panic - not syncing: .*|kernel BUG at [^ ]*|\(XEN\) domain [0-9]+ .*ended: .*' \
             <<<"$text" | head -n 2 | paste -sd ';' -)
    [ -n "$reason" ] || reason="QEMU exited with status $rc"
fi
echo "FAIL $NAME: stopped after '$last' ('$missing' not reached): $reason"
grep -v -E '^\(XEN\) d[0-9]+: (unclaimed I/O|unbacked MMIO)' <<<"$text" | tail -n 30 | sed 's/^/    | /'
[ -s "$LOG.qemu" ] && sed 's/^/    qemu| /' "$LOG.qemu" | tail -n 5
exit 1
