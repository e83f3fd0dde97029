#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Build every fuzz/fuzz_*.c harness with libFuzzer + ASan + UBSan over the
# same portable sources the image compiles, and run each for SECONDS.
# New inputs go to OUT/corpus-<name>; the committed seeds are read only.
set -u
cd "$(dirname "$0")/.."
OUT=${1:-build/fuzz}
SECONDS_EACH=${2:-60}
mkdir -p "$OUT"
SRCS=$(ls src/core/*.c src/arch/x86_64/*.c src/arch/x86_64/svm/*.c src/arch/x86_64/vmx/*.c sim/*.c 2>/dev/null)
CFLAGS="-std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
  -Isrc/include -Isim -DXENOLITH_SIM=1 -DXENOLITH_VERSION_MAJOR=0 -DXENOLITH_VERSION_MINOR=1 \
  -DXENOLITH_VERSION_EXTRA=\".0\""
status=0
for src in fuzz/fuzz_*.c; do
    [ -e "$src" ] || continue
    name=$(basename "$src" .c)
    corpus=fuzz/corpus/${name#fuzz_}
    bin=$OUT/$name
    if ! clang $CFLAGS "$src" $SRCS -o "$bin" 2>"$OUT/$name.build.log"; then
        echo "FAIL $name (build; see $OUT/$name.build.log)"; cat "$OUT/$name.build.log"
        status=1; continue
    fi
    mkdir -p "$OUT/corpus-$name" "$corpus"
    log=$OUT/$name.log
    seeds=$(realpath "$corpus")
    if (cd "$OUT" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
          "./$name" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
          -print_final_stats=1 "corpus-$name" "$seeds") >"$log" 2>&1; then
        execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
        echo "PASS $name (${execs:-?} executions in ${SECONDS_EACH}s)"
    else
        echo "FAIL $name (log: $log)"; grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$log" | head -20
        status=1
    fi
done
exit $status
