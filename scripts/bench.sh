#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# `make bench`: instruction counts from callgrind, which are repeatable on a
# noisy machine.  Each figure is (run with N ops - run with 0 ops) / N.
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build}
OUT=$BUILD/bench
mkdir -p "$OUT"
make -s --no-print-directory BUILD="$BUILD" sim >/dev/null
cc -std=c11 -O2 -g -Isrc/include -Isim -DXENOLITH_SIM=1 tests/bench/bench_frame.c \
   "$BUILD/sim/libxenolith-sim.a" -o "$OUT/bench_frame"

instructions() {  # instructions <args...>: total instructions of one run
    valgrind --tool=callgrind --callgrind-out-file="$OUT/cg.out" "$OUT/bench_frame" "$@" \
        2>"$OUT/cg.log" >/dev/null
    sed -n 's/^==[0-9]*== Collected : //p' "$OUT/cg.log"
}

per_op() {  # per_op <workload> <count> <label>
    local base run
    base=$(instructions "$1" 0)
    run=$(instructions "$1" "$2")
    awk -v b="$base" -v r="$run" -v n="$2" -v l="$3" \
        'BEGIN { printf "%-58s %10.1f instructions\n", l, (r - b) / n }'
}

echo "Frame allocator (simulator, callgrind; scrubbing included, 4 KiB memset per frame):"
per_op alloc4k 20000 "  alloc + free of one 4 KiB frame (order 0)"
per_op alloc2m 200   "  alloc + free of one 2 MiB block (order 9, 512 frames)"
per_op contig 10000  "  alloc_contig of 3 frames + 3 single frees"

# Guest copies (docs/MEMORY.md): a 4 KiB copy_from_guest_linear through a
# 4-level guest walk over a 4-level NPT p2m (5 p2m lookups per page), next
# to a plain memcpy of 4 KiB, and one p2m_lookup.
cc -std=c11 -O2 -g -Isrc/include -Isim -DXENOLITH_SIM=1 tests/bench/bench_copy.c \
   "$BUILD/sim/libxenolith-sim.a" -o "$OUT/bench_copy"
copy_instructions() {  # copy_instructions <args...>
    valgrind --tool=callgrind --callgrind-out-file="$OUT/cg-copy.out" "$OUT/bench_copy" "$@" \
        2>"$OUT/cg-copy.log" >/dev/null
    sed -n 's/^==[0-9]*== Collected : //p' "$OUT/cg-copy.log"
}
copy_per_op() {  # copy_per_op <workload> <count> <bytes per op> <label>
    local base run
    base=$(copy_instructions "$1" 0)
    run=$(copy_instructions "$1" "$2")
    awk -v b="$base" -v r="$run" -v n="$2" -v sz="$3" -v l="$4" \
        'BEGIN { per = (r - b) / n; if (sz > 0) printf "%-58s %10.1f instructions (%.3f per byte)\n", l, per, per / sz;
                 else printf "%-58s %10.1f instructions\n", l, per }'
}
echo "Guest copies (simulator, callgrind):"
copy_per_op linear 2000 4096 "  copy_from_guest_linear, 4 KiB, 4-level walk + NPT"
copy_per_op memcpy 2000 4096 "  memcpy, 4 KiB (reference)"
copy_per_op lookup 2000 0    "  p2m_lookup, one 4 KiB gfn (4-level NPT, + loop)"
