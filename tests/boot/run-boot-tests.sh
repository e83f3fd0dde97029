#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Boot build/xenolith.elf under QEMU (TCG, -cpu max) with -kernel
# (multiboot1) and the GRUB ISO with -cdrom (multiboot2), and check what the
# serial line shows.  Prints one PASS/FAIL line per case.
set -u
cd "$(dirname "$0")/../.."
BUILD=${1:-build}
OUT=$BUILD/boot-tests
mkdir -p "$OUT"
QEMU=${QEMU:-qemu-system-x86_64}
TIMEOUT=${BOOT_TIMEOUT:-60}
status=0
# isa-debug-exit statuses of hv/setup.h, as QEMU exit codes.
EXIT_SUCCESS=33
EXIT_FAILURE=35

qemu_run() {  # qemu_run <log> <qemu args...>; sets $rc
    local log=$1; shift
    rm -f "$log"
    timeout "$TIMEOUT" "$QEMU" -accel tcg -cpu max -m 256 -display none -no-reboot \
        -monitor none -serial "file:$log" \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 "$@" </dev/null >"$log.qemu" 2>&1
    rc=$?
}

# check <name> <log> <expected rc> <pattern>...  (extended regexps, all must match)
check() {
    local name=$1 log=$2 want=$3; shift 3
    local missing=()
    for pat in "$@"; do
        grep -Eq -- "$pat" "$log" 2>/dev/null || missing+=("$pat")
    done
    if [ "$rc" -eq "$want" ] && [ ${#missing[@]} -eq 0 ]; then
        echo "PASS $name"
    else
        echo "FAIL $name (exit $rc, wanted $want; log $log)"
        for m in "${missing[@]}"; do echo "    missing: $m"; done
        tail -n 30 "$log" 2>/dev/null | sed 's/^/    | /'
        cat "$log.qemu" 2>/dev/null | sed 's/^/    qemu| /'
        status=1
    fi
}

BANNER=(
    'Xenolith [0-9]+\.[0-9]+'
    'Command line: .*console=com1'
    'usable memory: [0-9]+ MiB'
    'HVM: SVM yes, NPT yes, NRIP save (yes|no), VMX no, EPT no'
    'console ring: [0-9]+ KiB'
)

log=$OUT/mb1.log
qemu_run "$log" -kernel "$BUILD/xenolith.elf" -append "console=com1 loglvl=all debug_exit"
check boot-multiboot1 "$log" $EXIT_SUCCESS "${BANNER[@]}" 'loader: multiboot1' \
    'frame allocator: [0-9]+ free frames' 'no domains to start'

log=$OUT/bad-option.log
qemu_run "$log" -kernel "$BUILD/xenolith.elf" \
    -append "console=com1 frobnicate=3 loglvl=bogus com1=9600,7e2 debug_exit"
check bad-options-reported "$log" $EXIT_SUCCESS \
    "'frobnicate=3': unknown option" "'loglvl=bogus': bad value" "'com1=9600,7e2': unsupported" \
    'Xenolith [0-9]+\.[0-9]+'

log=$OUT/fault.log
qemu_run "$log" -kernel "$BUILD/xenolith.elf" \
    -append "console=com1 selftest=fault noreboot debug_exit"
check exception-report "$log" $EXIT_FAILURE 'FATAL EXCEPTION' 'Exception #UD \(vector 6\)' \
    'RIP: 0008:\[<[0-9a-f]{16}>\]' 'CR2: [0-9a-f]{16}' 'rax: [0-9a-f]{16}' 'Hint: invalid opcode' \
    "Manual reset required \('noreboot' specified\)"

# Broken memory maps, handed over by the test shim (tests/boot/mbshim).
shim_case() {  # shim_case <variant> <expected rc> <patterns...>
    local variant=$1 want=$2; shift 2
    log=$OUT/mmap-$variant.log
    qemu_run "$log" -kernel "$BUILD/tests/mbshim.elf" -append "mmap=$variant" \
        -initrd "$BUILD/xenolith.elf console=com1 loglvl=all debug_exit"
    check "memory-map-$variant" "$log" "$want" "$@"
}
shim_case missing $EXIT_FAILURE 'boot info: no memory map' \
    'The memory map from the boot loader is missing: cannot continue' 'Panic on CPU 0'
shim_case empty $EXIT_FAILURE 'The memory map from the boot loader is empty: cannot continue'
shim_case wrap $EXIT_FAILURE 'memory map: .*(wrap|2\^64).*\(entry 2\)' \
    'The memory map from the boot loader is unusable'
shim_case nousable $EXIT_FAILURE 'memory map: .*usable' \
    'The memory map from the boot loader is unusable'
shim_case overlap $EXIT_SUCCESS 'memory map: .*overlap.*\(entries 1 and 2\)' \
    'usable memory: [0-9]+ MiB' 'no domains to start'

log=$OUT/iso.log
if \
   scripts/mkiso.sh "$BUILD" "$BUILD/boot-tests/test.iso" "console=com1 loglvl=all debug_exit" 0 \
       >"$OUT/mkiso.log" 2>&1; then
    qemu_run "$log" -cdrom "$BUILD/boot-tests/test.iso" -boot d
    check boot-iso-multiboot2 "$log" $EXIT_SUCCESS "${BANNER[@]}" 'loader: multiboot2 \(GRUB'
else
    echo "FAIL boot-iso-multiboot2 (mkiso failed: $OUT/mkiso.log)"; status=1
fi
# Domain 0 from GRUB's multiboot2 modules: module2 command lines carry no image name.
log=$OUT/iso-dom0.log
if [ -f "$BUILD/guests/test-hypercalls.elf" ] && \
   MODULES="$BUILD/guests/test-hypercalls.elf alpha beta" scripts/mkiso.sh "$BUILD" \
       "$BUILD/boot-tests/dom0.iso" "console=com1 loglvl=all debug_exit dom0_mem=32M" 0 \
       >"$OUT/mkiso-dom0.log" 2>&1; then
    qemu_run "$log" -cdrom "$BUILD/boot-tests/dom0.iso" -boot d
    check boot-iso-domain0 "$log" $EXIT_SUCCESS "module 0: .*'alpha beta'" 'cmdline "alpha beta"' \
        'Test result: SUCCESS' 'domain 0 \(Domain-0\) ended: shut down: poweroff'
else
    echo "FAIL boot-iso-domain0 (no guest image or mkiso failed: $OUT/mkiso-dom0.log)"; status=1
fi

# A kernel without the PVH note: refused with a message naming the note and the option.
log=$OUT/not-pvh.log
qemu_run "$log" -kernel "$BUILD/xenolith.elf" -append "console=com1 debug_exit dom0_mem=32M" \
    -initrd "$BUILD/xenolith.elf"
check refuse-non-pvh-kernel "$log" $EXIT_FAILURE 'PHYS32_ENTRY' 'CONFIG_PVH' \
    'no domain could be started'
exit $status
