#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Unprivileged domains (domUs) described in xl.cfg syntax and booted from
# boot modules (docs/DOMAIN-CONFIG.md), under QEMU (TCG, -cpu max), with
# QEMU's multiboot1 -initrd list and with a GRUB ISO's module2 lines.
# Descriptions are in tests/boot/domu/; the kernels are our test guests
# (make guests).  Prints one PASS/FAIL line per case.
#   run-domu-tests.sh [BUILD]
# The hostile-domain cases also boot Debian's Linux as the victim when
# tests/linux/run-linux.sh has prepared BUILD/linux (else they say SKIP).
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

qemu_run() {  # qemu_run <log> <qemu args...>; sets $rc (MEM: QEMU's RAM in MiB)
    local log=$1; shift
    rm -f "$log"
    timeout "$TIMEOUT" "$QEMU" -accel tcg -cpu max -m "${MEM:-256}" -display none -no-reboot \
        -monitor none -serial "file:$log" \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 "$@" </dev/null >"$log.qemu" 2>&1
    rc=$?
}

fail() {  # fail <name> <log> <why...>
    local name=$1 log=$2; shift 2
    echo "FAIL $name (exit $rc; log $log)"
    for m in "$@"; do echo "    $m"; done
    tail -n "${FAIL_TAIL:-30}" "$log" 2>/dev/null | sed 's/^/    | /'
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
         "$G/test-triple_fault.elf" "$G/test-hostile.elf"; do
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
# The hostile guest's own judgement (domain $3): every attack got Xen's answer, then
# its announcement of the crash.  On failure: its summary and its FAIL lines.
hostile_answers() {  # hostile_answers <name> <log> <domid>
    local name=$1 log=$2 d=$3 summary
    local -a bad
    summary=$(grep -E -m1 "^\(d$d\) hostile: [0-9]+ attacks checked" "$log" 2>/dev/null)
    if grep -Eq "^\(d$d\) hostile: [0-9]+ attacks checked, 0 answered otherwise" "$log" &&
       grep -Eq "^\(d$d\) Test result: expect crash" "$log"; then
        echo "PASS $name (${summary#*hostile: })"
    else
        mapfile -t bad < <(grep -E "^\(d$d\)   FAIL" "$log" 2>/dev/null | head -n 20)
        FAIL_TAIL=0 fail "$name" "$log" "${summary:-no summary from the hostile domain d$d}" "${bad[@]}"
    fi
}

# in_order <name> <log> <label:pattern>...: each pattern's first line comes after the previous one's.
in_order() {
    local name=$1 log=$2 prev=0 prev_label=start n
    shift 2
    for lp in "$@"; do
        n=$(line_of "$log" "${lp#*:}")
        if [ -z "$n" ] || [ "$n" -le "$prev" ]; then
            fail "$name" "$log" "${lp%%:*} (line ${n:-none}) not after ${prev_label} (line $prev)"
            return
        fi
        prev=$n prev_label=${lp%%:*}
    done
    echo "PASS $name"
}

# 5. A hostile domU next to a survivor, no domain 0.  The survivor (hlt_timer) blocks 5 s on
#    its timer before its checks (wait_ms=), so it is in the middle of its start when the
#    hostile domU strikes, 2 s in (tests/boot/domu/hostile.cfg): every attack must get Xen's
#    answer.  Then the hostile domU holds the CPU with interrupts off for 6 s: the survivor
#    must wake at 5 s and pass its checks meanwhile.  The hostile domain must end crashed
#    (triple fault) and alone, and the hypervisor must reach its summary.
cat >"$OUT/survivor-wait.cfg" <<'CFG'
# hlt_timer, blocked 5 s on its timer before its checks (written by run-domu-tests.sh)
name = "survivor"
type = "pvh"
kernel = "test-hlt_timer.elf"
memory = 24
cmdline = "hlt_timer wait_ms=5000"
CFG
log=$OUT/domu-hostile.log
qemu_run "$log" -kernel "$BUILD/xenolith.elf" -append "$CMDLINE" \
    -initrd "$OUT/survivor-wait.cfg,$G/test-hlt_timer.elf,$D/hostile.cfg,$G/test-hostile.elf"
check domu-hostile-crash-confined "$log" $EXIT_FAILURE \
    'domain 1 \(survivor\): 24 MiB' 'domain 2 \(hostile\): 16 MiB' '^\(d2\)   note target d1: present' \
    '^\(d2\)   ok   d1 still exists after the attacks' \
    'domain 2 \(hostile\) ended: crashed: triple fault' '^\(d1\) Test result: SUCCESS' \
    'domain 1 \(survivor\) ended: shut down: poweroff' \
    'all domains have ended: 1 powered off, 0 rebooted, 1 crashed'
in_order domu-hostile-timeline "$log" \
    'survivor started:^\(d1\) Xenolith test guest: hlt_timer' \
    'hostile attacks d1:^\(d2\) attacks on d1 \(present\)' \
    'hostile hogs the CPU:^\(d2\) hogging the CPU' \
    'survivor woke:^\(d1\)   ok   wait_ms=5000' \
    'survivor verdict:^\(d1\) Test result: SUCCESS' \
    'hostile crashed:domain 2 \(hostile\) ended: crashed'
hostile_answers domu-hostile-attacks-answered-as-xen "$log" 2

# 6. The same after a Linux domU (Debian's kernel and the busybox initramfs that
#    tests/linux/run-linux.sh prepares): the hostile domain strikes 2 s in, while Linux
#    boots, then hogs the CPU; Linux must still run its commands and power off.
kernel=$(find "$BUILD/linux" -maxdepth 1 -name 'vmlinuz-*.elf' 2>/dev/null | sort | head -n 1)
initramfs=$BUILD/linux/initramfs.cpio.gz
if [ -z "$kernel" ] || [ ! -f "$initramfs" ]; then
    echo "SKIP domu-hostile-after-linux (no $BUILD/linux/vmlinuz-*.elf and initramfs.cpio.gz:" \
         "run tests/linux/run-linux.sh first)"
else
    cat >"$OUT/linux-victim.cfg" <<CFG
# Debian's kernel as domain 1, the hostile domain's victim (written by run-domu-tests.sh)
name = "linux"
type = "pvh"
kernel = "$(basename "$kernel")"
ramdisk = "$(basename "$initramfs")"
memory = 512
extra = "console=hvc0 earlyprintk=xen xenolith.test=1"
CFG
    log=$OUT/domu-hostile-linux.log
    MEM=${LINUX_QEMU_MEM:-1024} TIMEOUT=${LINUX_TIMEOUT:-300} qemu_run "$log" \
        -kernel "$BUILD/xenolith.elf" -append "console=com1 debug_exit" \
        -initrd "$OUT/linux-victim.cfg,$kernel,$initramfs,$D/hostile.cfg,$G/test-hostile.elf"
    check domu-hostile-after-linux-crash-confined "$log" $EXIT_FAILURE \
        'domain 1 \(linux\): 512 MiB' 'domain 2 \(hostile\): 16 MiB' '^\(d2\)   note target d1: present' \
        '^\(d2\)   ok   d1 still exists after the attacks' \
        'domain 2 \(hostile\) ended: crashed: triple fault' 'XENOLITH-TEST-END' \
        'domain 1 \(linux\) ended: shut down: poweroff' \
        'all domains have ended: 1 powered off, 0 rebooted, 1 crashed'
    in_order domu-hostile-after-linux-timeline "$log" \
        'Linux boots:Linux version' \
        'hostile attacks d1:^\(d2\) attacks on d1 \(present\)' \
        'hostile hogs the CPU:^\(d2\) hogging the CPU' \
        'Linux done:XENOLITH-TEST-END'
    hostile_answers domu-hostile-after-linux-attacks-answered-as-xen "$log" 2
fi
exit $status
