#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# How much slower Linux boots under Xenolith than on bare QEMU: the time from
# QEMU's start to the initramfs' /init running (its XENOLITH-INIT-UP line),
# for Debian's stock kernel booted by QEMU itself (-kernel bzImage) and as
# Xenolith's initial domain (or, with --domu, as an unprivileged PVH domain
# described by an xl.cfg module), in the same run, as a ratio.
#
#   tests/linux/bench-boot.sh [--runs N] [--xen XENOLITH_ELF] [--domu] [BUILD]
#
# What is measured, and why:
#   wall   seconds from QEMU's start until the marker appears on the serial
#          line: what a user waits.  The machine is shared and TCG is
#          sensitive to load, so each configuration is booted N times
#          (default 3), the two interleaved (bare, Xenolith, Xenolith, bare,
#          ...) so that a change in load hits both alike, and the median is
#          compared.
#   cpu    QEMU's own CPU time (user + system, all threads, from
#          /proc/PID/stat) at the same moment: the work done to get there,
#          much less disturbed by other processes than the wall time; idle
#          guest time (HLT) does not count in it.
# -icount is not used: it ties the guest's clocks to the instruction count,
# which changes what the kernel does while it calibrates and waits (and
# slows TCG down), so it would not measure the boot a user gets.
#
# Both boots use the same initramfs and the same guest RAM (LINUX_DOM_MEM /
# LINUX_BARE_MEM) and print the kernel's whole log on their console (ttyS0
# bare, hvc0 through console_io under Xenolith); BENCH_KERNEL_ARGS=quiet
# leaves the console out of it (and the "console" milestone with it).
# Besides init, the time to the kernel's "console [...] enabled" line is
# reported: the milestone both reach even when a boot fails later.  A run
# that panics or times out is left out of the medians and fails the verdict.
# Ends with "PASS bench-boot: ..." when both booted, else "FAIL ...".
set -u
# shellcheck source=tests/linux/lib.sh
. "$(dirname "$0")/lib.sh"

RUNS=3 XEN="" AS=dom0
while [ $# -gt 0 ]; do
    case $1 in
        --runs) RUNS=${2:?}; shift 2;;
        --domu) AS=domu; shift;;
        --xen) XEN=${2:?}; shift 2;;
        -h|--help) sed -n '3,/^set -u/p' "$0" | sed 's/^# \{0,1\}//; $d'; exit 0;;
        -*) echo "unknown option $1" >&2; exit 2;;
        *) break;;
    esac
done
BUILD=${1:-build}
XEN=${XEN:-$BUILD/xenolith.elf}
TIMEOUT=${BENCH_TIMEOUT:-240}
KARGS=${BENCH_KERNEL_ARGS-}
OUT=$BUILD/linux/bench
mkdir -p "$OUT"

[ -f "$XEN" ] || { echo "FAIL bench-boot: no hypervisor image $XEN (make hv)"; exit 1; }
linux_prepare "$BUILD" || { echo "FAIL bench-boot: no kernel to boot"; exit 1; }
# Under Xen the kernel's console is hvc0; without earlyprintk, as bare.
# shellcheck disable=SC2034  # read by qemu_xen_args
XEN_LINUX_CMDLINE="console=hvc0"
CLK_TCK=$(getconf CLK_TCK)

# boot_once <bare|xen> <log>: prints "<milestone> <wall s> <cpu s> <console wall s> <console cpu s>"
boot_once() {
    local mode=$1 log=$2 pid t0 now st cpu con_w="-" con_c="-" reached=none
    if [ "$mode" = xen ] && [ "$AS" = domu ]; then
        qemu_domu_args "$XEN" "$KARGS"
        con_re='printk: console \[hvc0\] enabled'
    elif [ "$mode" = xen ]; then
        qemu_xen_args "$XEN" "$KARGS"
        con_re='printk: console \[hvc0\] enabled'
    else
        qemu_bare_args "$KARGS"
        con_re='printk: console \[ttyS0\] enabled'
    fi
    rm -f "$log"
    t0=$(date +%s%N)
    "$QEMU" "${QEMU_ARGS[@]}" -serial "file:$log" </dev/null >"$log.qemu" 2>&1 &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        now=$(date +%s%N)
        if [ $(( (now - t0) / 1000000000 )) -ge "$TIMEOUT" ]; then
            reached="timeout"; break
        fi
        if [ "$con_w" = "-" ] && grep -Eaq "$con_re" "$log" 2>/dev/null; then
            read -r -a st </proc/"$pid"/stat 2>/dev/null || break
            con_w=$(( (now - t0) / 1000000 ))
            con_c=$(( (st[13] + st[14]) * 1000 / CLK_TCK ))
        fi
        if grep -aq 'Kernel panic - not syncing' "$log" 2>/dev/null; then
            reached="panic"; break
        fi
        if grep -aq 'XENOLITH-INIT-UP' "$log" 2>/dev/null; then
            read -r -a st </proc/"$pid"/stat 2>/dev/null || break
            cpu=$(( (st[13] + st[14]) * 1000 / CLK_TCK ))
            reached="init $(( (now - t0) / 1000000 )) $cpu"
            break
        fi
        sleep 0.05
    done
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    [ "$reached" = none ] && reached="exited"
    echo "$reached $con_w $con_c"
}

# Milliseconds as seconds with one decimal.
secs() { awk -v v="$1" 'BEGIN { if (v == "-") print "-"; else printf "%.1f", v / 1000 }'; }
median() { tr ' ' '\n' | grep -v '^-\?$' | sort -n | awk '{ a[NR] = $1 } END {
    if (NR == 0) print "-"; else if (NR % 2) print a[(NR + 1) / 2]; else print int((a[NR/2] + a[NR/2+1]) / 2) }'; }
range() { tr ' ' '\n' | grep -v '^-\?$' | sort -n | awk 'NR == 1 { lo = $1 } { hi = $1 } END {
    if (NR) printf "%.1f-%.1f", lo / 1000, hi / 1000; else print "-" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || a == 0) print "-"; else printf "%.2f", b / a }'; }

declare -A W=() C=() CW=() CC=() FAILS=()
if [ "$AS" = domu ]; then XEN_LABEL="Xenolith domU (xl.cfg)"; else XEN_LABEL="Xenolith initial domain"; fi
echo "bench-boot: $(basename "$KERNEL_BZ"), QEMU TCG -cpu max, $RUNS runs each, interleaved," \
     "kernel args '$KARGS', Linux as $XEN_LABEL"
for i in $(seq 1 "$RUNS"); do
    order="bare xen"
    [ $((i % 2)) -eq 0 ] && order="xen bare"
    for mode in $order; do
        read -r what w c cw cc <<<"$(boot_once "$mode" "$OUT/$mode-$i.log")"
        if [ "$what" = init ]; then
            W[$mode]="${W[$mode]:-} $w"; C[$mode]="${C[$mode]:-} $c"
            printf '  run %d %-5s init at %5ss wall, %5ss QEMU CPU\n' "$i" "$mode" "$(secs "$w")" "$(secs "$c")"
        else
            cw=${w:--}; cc=${c:--}   # with no init, the fields shift left
            FAILS[$mode]="${FAILS[$mode]:-} run $i: $what"
            printf '  run %d %-5s no init (%s); console at %ss\n' "$i" "$mode" "$what" "$(secs "$cw")"
        fi
        CW[$mode]="${CW[$mode]:-} $cw"; CC[$mode]="${CC[$mode]:-} $cc"
    done
done

report() {  # report <label> <bare wall list> <bare cpu list> <xen wall list> <xen cpu list>
    local bw bc xw xc
    bw=$(median <<<"$2"); bc=$(median <<<"$3"); xw=$(median <<<"$4"); xc=$(median <<<"$5")
    echo "$1 (median, min-max over the runs that got there):"
    printf '  %-22s %6ss wall (%s)  %6ss QEMU CPU\n' "bare QEMU -kernel" "$(secs "$bw")" "$(range <<<"$2")" "$(secs "$bc")"
    printf '  %-22s %6ss wall (%s)  %6ss QEMU CPU\n' "$XEN_LABEL" "$(secs "$xw")" "$(range <<<"$4")" "$(secs "$xc")"
    printf '  %-22s %6sx wall            %6sx QEMU CPU\n' "ratio Xenolith / bare" "$(ratio "$bw" "$xw")" "$(ratio "$bc" "$xc")"
    RATIO_WALL=$(ratio "$bw" "$xw"); RATIO_CPU=$(ratio "$bc" "$xc")
}

report "console registered" "${CW[bare]:-}" "${CC[bare]:-}" "${CW[xen]:-}" "${CC[xen]:-}"
report "init running" "${W[bare]:-}" "${C[bare]:-}" "${W[xen]:-}" "${C[xen]:-}"
if [ -z "${FAILS[bare]:-}" ] && [ -z "${FAILS[xen]:-}" ]; then
    echo "PASS bench-boot: Linux to init under Xenolith / bare QEMU: ${RATIO_WALL}x wall, ${RATIO_CPU}x QEMU CPU (goal 1.3x; Xen 4.17 2.0x)"
    exit 0
fi
for mode in bare xen; do
    [ -z "${FAILS[$mode]:-}" ] || echo "  $mode did not reach init:${FAILS[$mode]} (logs $OUT/$mode-*.log)"
done
echo "FAIL bench-boot: Linux did not reach init in every run; over the runs that did: ${RATIO_WALL}x wall, ${RATIO_CPU}x QEMU CPU"
exit 1
