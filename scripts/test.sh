#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# `make test`: everything CI checks.  Each check prints PASS/FAIL; unit tests
# count each CMocka case.  Ends with one line "N passed, M failed" and exits
# non-zero on any failure.
set -u
cd "$(dirname "$0")/.."
scripts/install-deps.sh || exit 1

BUILD=${BUILD:-build}
LOGS=$BUILD/test-logs
mkdir -p "$LOGS"
JOBS=${JOBS:-$(nproc)}
passed=0
failed=0
failures=()

record() {  # record <name> <status> <log>
    if [ "$2" -eq 0 ]; then
        passed=$((passed + 1)); echo "PASS  $1"
    else
        failed=$((failed + 1)); failures+=("$1"); echo "FAIL  $1 (log: $3)"
        tail -n 25 "$3" | sed 's/^/      | /'
    fi
}

step() {  # step <name> <command...>
    local name=$1; shift
    local log=$LOGS/${name//\//_}.log
    "$@" >"$log" 2>&1
    record "$name" $? "$log"
}

# Run a CMocka binary and count its cases.
unit_binary() {
    local bin=$1 name log rc p f
    name=$(basename "$bin")
    log=$LOGS/$name.log
    "$bin" >"$log" 2>&1
    rc=$?
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n1)
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n1)
    p=${p:-0}; f=${f:-0}
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi  # crashed before its summary
    passed=$((passed + p)); failed=$((failed + f))
    if [ "$f" -eq 0 ]; then
        echo "PASS  unit/$name ($p cases)"
    else
        failures+=("unit/$name"); echo "FAIL  unit/$name ($p passed, $f failed; log: $log)"
        grep -E '^\[  (FAILED|  ERROR)|FAIL|error' "$log" | head -n 20 | sed 's/^/      | /'
    fi
}

# Count "PASS name"/"FAIL name" lines printed by a sub-runner.
sub_runner() {  # sub_runner <name> <command...>
    local name=$1; shift
    local log=$LOGS/$name.log rc p f
    "$@" >"$log" 2>&1
    rc=$?
    p=$(grep -c '^PASS ' "$log"); f=$(grep -c '^FAIL ' "$log")
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    passed=$((passed + p)); failed=$((failed + f))
    grep -E '^(PASS|FAIL) ' "$log" | sed "s/^\(PASS\|FAIL\) /\1  $name\//"
    if [ "$f" -ne 0 ]; then
        failures+=("$name"); echo "      (log: $log)"
        tail -n 25 "$log" | sed 's/^/      | /'
    fi
}

echo "== builds"
step build/gcc make -j"$JOBS" --no-print-directory BUILD="$BUILD" CC=gcc all iso
step build/clang make -j"$JOBS" --no-print-directory BUILD="$BUILD/clang" CC=clang all

echo "== generated sources up to date"
step gen/hypercalls tools/gen-hypercalls.py --check

echo "== host tools (tools/bzimage2elf.py)"
sub_runner tools tests/tools/test_bzimage2elf.py

echo "== unit and simulator tests"
for bin in "$BUILD"/tests/unit/test_* "$BUILD"/tests/sim/test_*; do
    [ -x "$bin" ] && [ "${bin%.d}" = "$bin" ] && unit_binary "$bin"
done

echo "== proofs (offline replay of the committed cache)"
step proofs/replay proofs/wp.sh replay

echo "== fuzz smoke"
sub_runner fuzz fuzz/run.sh "$BUILD/fuzz" "${FUZZ_SMOKE_SECONDS:-10}"

echo "== coverage gate"
step coverage coverage/run.sh "$BUILD/cov"

echo "== test guests under plain QEMU (SKIP verdicts, selftest and exceptions-bare SUCCESS)"
step build/guests make --no-print-directory BUILD="$BUILD" guests
sub_runner guests tests/guests/run-guests.sh "$BUILD/guests"

echo "== test guests under Xenolith (QEMU TCG, -cpu max: SVM without next-RIP save)"
GUESTS="cpuid_msr exceptions hello hlt_timer hypercall_page hypercalls lapic mmio selftest triple_fault" \
    sub_runner guests-xen tests/guests/run-guests.sh --xen "$BUILD/xenolith.elf" "$BUILD/guests"

echo "== test guests under Xenolith in Bochs (AMD model: SVM with next-RIP save)"
sub_runner bochs tests/boot/run-bochs-tests.sh "$BUILD" hello hypercalls cpuid_msr exceptions hypercall_page hlt_timer lapic mmio

echo "== boot tests (QEMU TCG, -cpu max)"
sub_runner boot tests/boot/run-boot-tests.sh "$BUILD"
sub_runner boot-domu tests/boot/run-domu-tests.sh "$BUILD"

echo "== Linux: Debian's kernel + busybox initramfs on bare QEMU (the reference for the Xenolith boot)"
sub_runner linux-bare tests/linux/run-linux.sh --bare "$BUILD"

echo "== Linux: the same kernel and initramfs as an unprivileged PVH domain (xl.cfg module), commands typed at its shell on hvc0"
sub_runner linux-domu tests/linux/run-linux.sh --domu "$BUILD/xenolith.elf" --shell "$BUILD"

echo "== Linux: the same kernel and initramfs as Xenolith's initial domain (QEMU TCG, -cpu max)"
sub_runner linux-xen tests/linux/run-linux.sh --xen "$BUILD/xenolith.elf" "$BUILD"

echo
if [ "$failed" -ne 0 ]; then
    echo "failed: ${failures[*]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
