#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Build the unit and simulator tests with gcov instrumentation, run them,
# write an lcov HTML report to OUT/html and fail below the thresholds in
# coverage/thresholds.mk (line and branch coverage of src/core + src/arch).
set -u
cd "$(dirname "$0")/.."
OUT=${1:-build/cov}
LINE_MIN=$(sed -n 's/^LINE_MIN *= *//p' coverage/thresholds.mk)
BRANCH_MIN=$(sed -n 's/^BRANCH_MIN *= *//p' coverage/thresholds.mk)
RC="--rc lcov_branch_coverage=1"

rm -rf "$OUT" && mkdir -p "$OUT"
make -s -j"$(nproc)" --no-print-directory CC=gcc BUILD="$OUT" unit \
    COV_FLAGS="--coverage -O0" >"$OUT/build.log" 2>&1 || { cat "$OUT/build.log"; exit 1; }
find "$OUT" -name '*.gcda' -delete
for bin in "$OUT"/tests/unit/test_* "$OUT"/tests/sim/test_*; do
    [ -x "$bin" ] || continue
    "$bin" >"$OUT/$(basename "$bin").log" 2>&1 || echo "coverage: $(basename "$bin") had failures"
done
lcov $RC --quiet --capture --directory "$OUT" --base-directory . --output-file "$OUT/all.info" \
    2>"$OUT/lcov.log" || { cat "$OUT/lcov.log"; exit 1; }
lcov $RC --quiet --extract "$OUT/all.info" "$(pwd)/src/*" --output-file "$OUT/src.info"
lcov $RC --quiet --extract "$OUT/all.info" "$(pwd)/src/core/*" "$(pwd)/src/arch/*" \
    --output-file "$OUT/gated.info"
genhtml $RC --quiet --branch-coverage --legend --title "Xenolith src/" \
    --output-directory "$OUT/html" "$OUT/src.info" >/dev/null
summary=$(lcov $RC --summary "$OUT/gated.info" 2>&1)
echo "$summary" | grep -E 'lines|branches'
lines=$(echo "$summary" | sed -n 's/.*lines\.*: *\([0-9.]*\)%.*/\1/p')
branches=$(echo "$summary" | sed -n 's/.*branches\.*: *\([0-9.]*\)%.*/\1/p')
echo "coverage: src/core+src/arch lines ${lines:-0}% (min $LINE_MIN%), branches ${branches:-0}% (min $BRANCH_MIN%)"
echo "coverage: per file:"
lcov $RC --list "$OUT/gated.info" 2>/dev/null | sed -n "/^Filename/,\$p" | sed "s/^/  /"
echo "coverage: HTML report in $OUT/html/index.html"
ok=$(awk -v l="${lines:-0}" -v b="${branches:-0}" -v lm="$LINE_MIN" -v bm="$BRANCH_MIN" \
    'BEGIN { print (l >= lm && b >= bm) ? "yes" : "no" }')
[ "$ok" = yes ] || { echo "coverage: below threshold"; exit 1; }
