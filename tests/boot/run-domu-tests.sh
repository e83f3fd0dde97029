#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Unprivileged domains (domUs) described in xl.cfg syntax and booted from
# boot modules (docs/DOMAIN-CONFIG.md), under QEMU (TCG, -cpu max), with
# QEMU's multiboot1 -initrd list and with a GRUB ISO's module2 lines.
# Descriptions are in tests/boot/domu/; the kernels are our test guests
# (make guests).  Prints one PASS/FAIL line per case.
#   run-domu-tests.sh [BUILD]
set -u
cd "$(dirname "$0")/../.."
BUILD=${1:-build}
OUT=$BUILD/boot-tests
G=$BUILD/guests
D=tests/boot/domu
mkdir -p "$OUT"
QEMU=${QEMU:-qemu-system-x86_64}
TIMEOUT=${BOOT_TIMEOUT:-60}
status=0
EXIT_SUCCESS=33   # isa-debug-exit statuses of hv/setup.h, as QEMU exit codes
EXIT_FAILURE=35
CMDLINE="console=com1 loglvl=all debug_exit"

qemu_run() {  # qemu_run <log> <qemu args...>; sets $rc
    local log=$1; shift
    rm -f "$log"
    timeout "$TIMEOUT" "$QEMU" -accel tcg -cpu max -m 256 -display none -no-reboot \
        -monitor none -serial "file:$log" \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 "$@" </dev/null >"$log.qemu" 2>&1
    rc=$?
}

fail() {  # fail <name> <log> <why...>
    local name=$1 log=$2; shift 2
    echo "FAIL $name (exit $rc; log $log)"
    for m in "$@"; do echo "    $m"; done
    tail -n 30 "$log" 2>/dev/null | sed 's/^/    | /'
    status=1
}

# check <name> <log> <expected rc> <pattern>...  (extended regexps, all must match)
check() {
    local name=$1 log=$2 want=$3; shift 3
    local missing=()
    for pat in "$@"; do
        grep -Eq -- "$pat" "$log" 2>/dev/null || missing+=("missing: $pat")
    done
    [ "$rc" -eq "$want" ] || missing+=("exit $rc, wanted $want")
    if [ ${#missing[@]} -eq 0 ]; then echo "PASS $name"; else fail "$name" "$log" "${missing[@]}"; fi
}

# Line number of the first line matching an extended regexp (0 when none).
line_of() { grep -En -m1 -- "$2" "$1" 2>/dev/null | cut -d: -f1 || true; }

for f in "$G/test-hello.elf" "$G/test-cpuid_msr.elf" "$G/test-exceptions.elf" "$G/test-hlt_timer.elf" \
         "$G/test-triple_fault.elf"; do
    [ -f "$f" ] || { echo "FAIL domu tests: $f missing (make guests)"; exit 1; }
done

# 1. Domain 0 (hello) and a domU from a description (cpuid_msr), QEMU -initrd.
#    The domU's console lines carry Xen's "(d1) " prefix and no SIF_* flags.
log=$OUT/domu-dom0-and-domu.log
qemu_run "$log" -kernel "$BUILD/xenolith.elf" -append "$CMDLINE dom0_mem=32M" \
    -initrd "$G/test-hello.elf hello,$D/web.cfg,$G/test-cpuid_msr.elf"
check domu-multiboot1-dom0-and-domu "$log" $EXIT_SUCCESS \
    'domain 1 \(web\): 32 MiB' 'domain 0 \(Domain-0\): 32 MiB' \
    '^Test result: SUCCESS' '^\(d1\) Test result: SUCCESS' \
    '^\(d1\)   start_info v1 flags 0x0, .*cmdline "cpuid_msr"' \
    'start_info v1 flags 0x3, .*cmdline "hello"' \
    'domain 1 \(web\) ended: shut down: poweroff' 'domain 0 \(Domain-0\) ended: shut down: poweroff' \
    'all domains have ended: 2 powered off, 0 rebooted, 0 crashed'

# 2. Two domUs and no domain 0: one triple-faults while the other keeps running.
log=$OUT/domu-triple-fault.log
qemu_run "$log" -kernel "$BUILD/xenolith.elf" -append "$CMDLINE" \
    -initrd "$D/survivor.cfg,$G/test-hlt_timer.elf,$D/crash.cfg,$G/test-triple_fault.elf"
check domu-triple-fault-while-another-runs "$log" $EXIT_FAILURE \
    'domain 1 \(survivor\): 24 MiB' 'domain 2 \(crasher\): 16 MiB' \
    '^\(d2\) Test result: expect crash' 'domain 2 \(crasher\) ended: crashed: triple fault' \
    '^\(d1\) Test result: SUCCESS' 'domain 1 \(survivor\) ended: shut down: poweroff' \
    'all domains have ended: 1 powered off, 0 rebooted, 1 crashed'
if [ "$status" -eq 0 ]; then
    # Started: built and runnable (whether its first line comes before the crash depends on
    # how many exits its start-up takes in the first 10 ms slice); finished after the crash.
    started=$(line_of "$log" 'domain 1 \(survivor\): 24 MiB')
    crashed=$(line_of "$log" 'domain 2 \(crasher\) crashed')
    verdict=$(line_of "$log" '^\(d1\) Test result: SUCCESS')
    if [ -n "$started" ] && [ -n "$crashed" ] && [ -n "$verdict" ] &&
       [ "$started" -lt "$crashed" ] && [ "$crashed" -lt "$verdict" ]; then
        echo "PASS domu-survivor-outlives-the-crash"
    else
        fail domu-survivor-outlives-the-crash "$log" \
            "lines: d1 start $started, d2 crash $crashed, d1 verdict $verdict"
    fi
fi

# 3. Mistakes in a description: reported with file, line and key; that domain is
#    not started, domain 0 still runs, and the run ends with the failure status.
log=$OUT/domu-bad-config.log
qemu_run "$log" -kernel "$BUILD/xenolith.elf" -append "$CMDLINE dom0_mem=32M" \
    -initrd "$G/test-hello.elf,$D/bad.cfg,$G/test-hello.elf"
check domu-bad-description-reported "$log" $EXIT_FAILURE \
    'bad\.cfg:4: error: type: "hvm": Xenolith has no device model' 'bad\.cfg:6: error: vcpus: only 1 vCPU' \
    'bad\.cfg:7: warning: disk: xl key not supported' 'bad\.cfg: domain 1 not started' \
    '^Test result: SUCCESS' '1 described domain could not be started'

# 4. The same as 1 from a GRUB ISO: module2 lines carry no file names, so the
#    description is named by its arguments and kernel= is not checked.
log=$OUT/domu-iso.log
if MODULES="$G/test-hello.elf hello;$D/web.cfg web.cfg;$G/test-cpuid_msr.elf" \
       scripts/mkiso.sh "$BUILD" "$OUT/domu.iso" "$CMDLINE dom0_mem=32M" 0 \
       >"$OUT/mkiso-domu.log" 2>&1; then
    qemu_run "$log" -cdrom "$OUT/domu.iso" -boot d
    check domu-multiboot2-grub-modules "$log" $EXIT_SUCCESS 'loader: multiboot2 \(GRUB' \
        "module 1: .*'web.cfg'" 'domain 1 \(web\): 32 MiB' \
        '^Test result: SUCCESS' '^\(d1\) Test result: SUCCESS' \
        'all domains have ended: 2 powered off, 0 rebooted, 0 crashed'
else
    rc=1; fail domu-multiboot2-grub-modules "$OUT/mkiso-domu.log" "mkiso failed"
fi
exit $status
