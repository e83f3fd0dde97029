#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Test guests under Xenolith in Bochs' AMD model (cpu: model=ryzen), whose SVM
# saves next-RIP: the instruction-length path QEMU never takes.  Bochs boots
# the GRUB ISO (domain 0 = the guest, as module2); it always exits 1, so the
# verdict is read from its serial file.  Xenolith's debug_exit stops Bochs
# through its shutdown port.
#   tests/boot/run-bochs-tests.sh BUILD_DIR [guest...]
set -u
cd "$(dirname "$0")/../.."
BUILD=${1:-build}; shift || true
GUESTS=${*:-hello hypercalls}
OUT=$BUILD/bochs-tests
mkdir -p "$OUT"
status=0
for g in $GUESTS; do
    dir=$OUT/$g
    rm -rf "$dir"; mkdir -p "$dir"
    if ! MODULES="$BUILD/guests/test-$g.elf" scripts/mkiso.sh "$BUILD" "$dir/test.iso" \
            "console=com1 loglvl=all debug_exit dom0_mem=16M" 0 >"$dir/mkiso.log" 2>&1; then
        echo "FAIL bochs-$g (mkiso: $dir/mkiso.log)"; status=1; continue
    fi
    cat >"$dir/bochsrc" <<CFG
megs: 128
cpu: model=ryzen, count=1, ips=50000000
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
ata0-master: type=cdrom, path=test.iso, status=inserted
boot: cdrom
display_library: rfb, options="timeout=0"
com1: enabled=1, mode=file, dev=serial.txt
log: bochs.log
CFG
    printf 'c\nquit\n' >"$dir/cmds"
    (cd "$dir" && timeout "${BOCHS_TIMEOUT:-600}" bochs -q -f bochsrc -rc cmds >/dev/null 2>&1)
    log=$dir/serial.txt
    if grep -q 'next-RIP save yes' "$log" && grep -q 'Test result: SUCCESS' "$log" && \
       grep -q 'all domains have ended: 1 powered off, 0 rebooted, 0 crashed' "$log"; then
        echo "PASS bochs-$g (SVM with next-RIP save)"
    else
        echo "FAIL bochs-$g (log: $log)"; tail -15 "$log" 2>/dev/null | sed 's/^/    | /'; status=1
    fi
done
exit $status
