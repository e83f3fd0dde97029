#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# `make bench`: instruction counts from callgrind, which are repeatable on a
# noisy machine.  Each figure is (run with N ops - run with 0 ops) / N, so
# start-up and set-up costs cancel out.
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build}
OUT=$BUILD/bench
mkdir -p "$OUT"
make -s --no-print-directory BUILD="$BUILD" sim >/dev/null
for bench in tests/bench/bench_*.c; do
    cc -std=c11 -O2 -g -Isrc/include -Isim -Itests/unit -DXENOLITH_SIM=1 "$bench" \
       "$BUILD/sim/libxenolith-sim.a" -o "$OUT/$(basename "$bench" .c)"
done

instructions() {  # instructions <program> <args...>: total instructions of one run
    local prog=$1; shift
    valgrind --tool=callgrind --callgrind-out-file="$OUT/cg.out" "$OUT/$prog" "$@" \
        2>"$OUT/cg.log" >/dev/null
    sed -n 's/^==[0-9]*== Collected : //p' "$OUT/cg.log"
}

# measure <program> <workload> <count> <bytes per op, 0 if none> <label>
measure() {
    local base run
    base=$(instructions "$1" "$2" 0)
    run=$(instructions "$1" "$2" "$3")
    awk -v b="$base" -v r="$run" -v n="$3" -v sz="$4" -v l="$5" \
        'BEGIN { per = (r - b) / n;
                 if (sz > 0) printf "%-58s %10.1f instructions (%.3f per byte)\n", l, per, per / sz;
                 else printf "%-58s %10.1f instructions\n", l, per }'
}

echo "Frame allocator (scrubbing included, 4 KiB memset per frame):"
measure bench_frame alloc4k 20000 0 "  alloc + free of one 4 KiB frame (order 0)"
measure bench_frame alloc2m 200 0   "  alloc + free of one 2 MiB block (order 9, 512 frames)"
measure bench_frame contig 10000 0  "  alloc_contig of 3 frames + 3 single frees"

echo "p2m (4-level NPT):"
measure bench_p2m lookup 20000 0    "  p2m_lookup, 4 KiB mapping"
measure bench_p2m lookup2m 20000 0  "  p2m_lookup inside a 2 MiB mapping"
measure bench_p2m cursor 20000 0    "  p2m_cursor_lookup, 4 KiB mapping, same region"
measure bench_p2m mapunmap 20000 0  "  p2m_map + p2m_unmap of one 4 KiB page"

# docs/MEMORY.md: a 4 KiB copy_from_guest_linear through a 4-level guest walk
# over a 4-level NPT p2m (5 p2m lookups per page), next to a plain memcpy;
# a 64 KiB one (16 pages: one walker, the upper levels read once) moves its
# bytes page by page, so the 4 KiB memcpy is its per-byte reference too.
echo "Guest copies:"
measure bench_copy linear 2000 4096 "  copy_from_guest_linear, 4 KiB, 4-level walk + NPT"
measure bench_copy linear64k 500 65536 "  copy_from_guest_linear, 64 KiB (16 pages)"
measure bench_copy phys 2000 4096   "  copy_from_guest_phys, 4 KiB"
measure bench_copy memcpy 2000 4096 "  memcpy, 4 KiB (reference)"

# docs/VCPU.md: the hypervisor's side of an exit in a 64-bit guest with
# 4-level paging over an NPT p2m.  The first four are the exit dispatcher
# alone (exit record in, result in rax and rip advanced); the loop ones are
# the whole scheduler loop per exit (event delivery, VMCB <-> vCPU sync, the
# simulated VMRUN, the dispatcher, the clock), without next-RIP as under QEMU.
echo "VM exits (64-bit guest, 4-level paging, NPT):"
measure bench_exit hc 2000 0         "  null hypercall (xen_version), length decoded"
measure bench_exit hc_nrip 2000 0    "  null hypercall (xen_version), next-RIP given"
measure bench_exit cpuid 2000 0      "  CPUID exit, length decoded"
measure bench_exit cpuid_nrip 2000 0 "  CPUID exit, next-RIP given"
measure bench_exit loop_hc 2000 0    "  scheduler loop per null hypercall exit"
measure bench_exit loop_cpuid 2000 0 "  scheduler loop per CPUID exit"
measure bench_exit loop_hc_upcall 2000 0 "  ... per null hypercall, upcall vector set (vcpu_info read)"
