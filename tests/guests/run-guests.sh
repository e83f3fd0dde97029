#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Run the test guests and judge their verdict lines.  One PASS/FAIL line per
# run; exits non-zero if any failed.
#
#   run-guests.sh BUILD_DIR
#       Each guest alone under plain QEMU (no Xen CPUID leaves): the verdict
#       must be "SKIP: not running on Xen" with isa-debug-exit status 0x12.
#       A guest that can also run without Xen says so when it skips; it is
#       run again with "bare" on its command line and must succeed.  The
#       self-test and lapic guests need no Xen and must succeed outright.
#   run-guests.sh --xen XENOLITH_ELF BUILD_DIR
#       Each guest as the first module of Xenolith: the verdict must be
#       SUCCESS; triple_fault must announce "expect crash" and then be
#       reported crashed by the hypervisor.
#   run-guests.sh --real-xen XEN_IMAGE BUILD_DIR
#       The same judgement against real Xen (xen.gz or its gunzipped ELF, e.g.
#       from Debian's xen-hypervisor package), each guest as a PVH dom0 on a
#       q35 machine with an emulated AMD IOMMU (Xen insists on one for a PVH
#       dom0).  Xen does not end QEMU, so the run stops once Xen reports the
#       domain halted, shut down or crashed.  This is the reference the
#       guests' expectations were checked against.
#
# Environment: QEMU (qemu-system-x86_64), GUEST_TIMEOUT (seconds, default 20),
# GUESTS (space-separated names to run, default all).
set -u

usage() { echo "usage: $0 [--xen XENOLITH_ELF | --real-xen XEN_IMAGE] BUILD_DIR" >&2; exit 2; }

XEN=""
MODE=plain
if [ "${1:-}" = "--xen" ] || [ "${1:-}" = "--real-xen" ]; then
    [ $# -eq 3 ] || usage
    MODE=${1#--}
    XEN=$2
    shift 2
fi
[ $# -eq 1 ] || usage
BUILD=$1
QEMU=${QEMU:-qemu-system-x86_64}
TIMEOUT=${GUEST_TIMEOUT:-20}
LOGS=$BUILD/logs
# Plain runs need little; Xenolith also has to fit a domain next to itself.
MEM=128
[ "$MODE" = xen ] && MEM=${XEN_QEMU_MEM:-256}
mkdir -p "$LOGS"

# isa-debug-exit statuses of lib/guest.h, as QEMU exit codes ((v << 1) | 1).
EXIT_SUCCESS=33
EXIT_SKIP=37

status=0
ran=0

# qemu_run <log> <qemu args...>: sets rc (124 on timeout).
qemu_run() {
    local log=$1; shift
    rm -f "$log" "$log.qemu"
    timeout "$TIMEOUT" "$QEMU" -accel tcg -cpu max -M pc -m "$MEM" -display none -nographic \
        -no-reboot -monitor none -serial "file:$log" \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 "$@" </dev/null >"$log.qemu" 2>&1
    rc=$?
}

# Real Xen never ends QEMU: watch its log for the end of dom0 and stop QEMU
# then (rc 0), or at the time-out (rc 124).
REAL_XEN_END='Hardware Dom0 (halted|shutdown|crashed)|Panic on CPU'
real_xen_run() {
    local log=$1 elf=$2 name=$3 pid waited=0
    rm -f "$log" "$log.qemu"
    "$QEMU" -accel tcg -cpu max -M q35 -m 512 -device amd-iommu -display none -nographic \
        -no-reboot -monitor none -serial "file:$log" -kernel "$XEN" \
        -append "dom0=pvh dom0_mem=64M console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all noreboot" \
        -initrd "$elf $name" </dev/null >"$log.qemu" 2>&1 &
    pid=$!
    rc=124
    while [ "$waited" -lt $((TIMEOUT * 2)) ] && kill -0 "$pid" 2>/dev/null; do
        if grep -Eq "$REAL_XEN_END" "$log" 2>/dev/null; then
            rc=0
            break
        fi
        sleep 0.5
        waited=$((waited + 1))
    done
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
}

# The text after "Test result: " on the guest's verdict lines (hypervisors may
# prefix the line, e.g. "(d1) ").
verdicts() { sed -n 's/\r$//; s/.*Test result: //p' "$1" 2>/dev/null; }

pass() { echo "PASS $1"; ran=$((ran + 1)); }
fail() {
    local name=$1 why=$2 log=$3
    echo "FAIL $name ($why; log $log)"
    tail -n 25 "$log" 2>/dev/null | sed 's/^/    | /'
    [ -s "$log.qemu" ] && sed 's/^/    qemu| /' "$log.qemu" | tail -n 5
    status=1
    ran=$((ran + 1))
}

# expect_verdict <name> <log> <wanted verdict> <wanted exit code or "">
expect_verdict() {
    local name=$1 log=$2 want=$3 want_rc=$4 got n
    got=$(verdicts "$log")
    n=$(printf '%s' "$got" | grep -c '' || true)
    if [ "$rc" -eq 124 ]; then
        fail "$name" "timed out after ${TIMEOUT}s, verdict '${got:-none}'" "$log"
    elif [ "$n" -ne 1 ]; then
        fail "$name" "$n verdict lines, wanted exactly one: '$want'" "$log"
    elif [ "$got" != "$want" ]; then
        fail "$name" "verdict '$got', wanted '$want'" "$log"
    elif [ -n "$want_rc" ] && [ "$rc" -ne "$want_rc" ]; then
        fail "$name" "exit code $rc, wanted $want_rc" "$log"
    else
        pass "$name: $got"
    fi
}

run_plain() {
    local name=$1 elf=$2 log=$LOGS/$1.log
    if [ "$name" = selftest ] || [ "$name" = lapic ]; then
        qemu_run "$log" -kernel "$elf" -append bare
        expect_verdict "$name" "$log" "SUCCESS" $EXIT_SUCCESS
        return
    fi
    qemu_run "$log" -kernel "$elf"
    expect_verdict "$name" "$log" "SKIP: not running on Xen" $EXIT_SKIP
    if grep -q "can also run without Xen" "$log"; then
        log=$LOGS/$name-bare.log
        qemu_run "$log" -kernel "$elf" -append bare
        expect_verdict "$name-bare" "$log" "SUCCESS" $EXIT_SUCCESS
    fi
}

run_xen() {
    local name=$1 elf=$2 log=$LOGS/$1-$MODE.log
    if [ "$MODE" = real-xen ]; then
        real_xen_run "$log" "$elf" "$name"
    else
        qemu_run "$log" -kernel "$XEN" -append "console=com1 debug_exit loglvl=all" \
            -initrd "$elf $name"
    fi
    if [ "$name" = hostile ]; then
        # As the initial domain it is privileged, where its attacks would work: it
        # refuses.  tests/boot/run-domu-tests.sh runs it as a domU next to others.
        expect_verdict "$name" "$log" "SKIP: hostile needs an unprivileged domain (start_info flags 0x3)" ""
        return
    fi
    if [ "$name" != triple_fault ]; then
        expect_verdict "$name" "$log" "SUCCESS" ""
        return
    fi
    # The announcement, then the hypervisor's word that the domain crashed
    # (real Xen says "Triple fault - invoking HVM shutdown action").
    if [ "$(verdicts "$log")" != "expect crash" ]; then
        fail "$name" "no 'Test result: expect crash' line" "$log"
    elif ! sed -n '/Test result: expect crash/,$p' "$log" | sed 1d | grep -Eqi 'crash|triple fault'; then
        fail "$name" "no crash report from the hypervisor after the guest's announcement" "$log"
    else
        pass "$name: domain crashed as expected"
    fi
}

if [ -n "$XEN" ] && [ ! -f "$XEN" ]; then
    echo "FAIL hypervisor image $XEN not found"; exit 1
fi
if [ "$MODE" = real-xen ] && gzip -t "$XEN" 2>/dev/null; then
    gunzip -c "$XEN" >"$LOGS/xen.elf" || { echo "FAIL cannot unpack $XEN"; exit 1; }
    XEN=$LOGS/xen.elf   # QEMU's multiboot loader takes no compressed image
fi
shopt -s nullglob
elfs=("$BUILD"/test-*.elf)
if [ ${#elfs[@]} -eq 0 ]; then
    echo "FAIL no guests in $BUILD (build them with make -C tests/guests BUILD=...)"; exit 1
fi
for elf in "${elfs[@]}"; do
    name=$(basename "$elf" .elf)
    name=${name#test-}
    if [ -n "${GUESTS:-}" ] && ! grep -qw -- "$name" <<<"$GUESTS"; then
        continue
    fi
    if [ -n "$XEN" ]; then
        run_xen "$name" "$elf"
    else
        run_plain "$name" "$elf"
    fi
done
[ "$ran" -gt 0 ] || { echo "FAIL no guest ran"; exit 1; }
exit $status
