#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Exit round trips measured from inside a guest (tests/guests/test-bench.c),
# under QEMU TCG with -icount shift=0: the guest's TSC then counts executed
# instructions (the guest checks this against a calibration loop), so the
# results are instruction counts, stable on a noisy machine.
#   scripts/bench-guest.sh BUILD_DIR
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build}
log=$BUILD/bench/guest-bench.log
mkdir -p "$BUILD/bench"
timeout 120 qemu-system-x86_64 -accel tcg -cpu max -icount shift=0 -m 256 -nographic -no-reboot \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 -kernel "$BUILD/xenolith.elf" \
    -append "console=com1 debug_exit dom0_mem=32M" -initrd "$BUILD/guests/test-bench.elf" \
    >"$log" 2>&1 || true
if ! grep -q 'Test result: SUCCESS' "$log"; then
    echo "bench-guest: the bench guest failed (log: $log)"; tail -20 "$log"; exit 1
fi
cal=$(sed -n 's/^bench: calibration [0-9]* steps x 3 instructions = \([0-9]*\) ticks.*/\1/p' "$log")
hc=$(sed -n 's/^bench: null hypercall round trip \([0-9]*\) ticks.*/\1/p' "$log")
cpu=$(sed -n 's/^bench: cpuid round trip \([0-9]*\) ticks.*/\1/p' "$log")
echo "guest round trips (QEMU -icount shift=0; calibration: 30000 instructions = $cal ticks)"
printf '  %-40s %8s instructions\n' "null hypercall (xen_version), guest+hv" "$hc"
printf '  %-40s %8s instructions\n' "cpuid exit, guest+hv" "$cpu"
