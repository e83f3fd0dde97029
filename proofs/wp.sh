#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Run Frama-C WP over the proof units of proofs/files.list.
#
#   proofs/wp.sh update [unit...]   run the provers, refresh each unit's cache
#                                   (proofs/cache/<unit>/), session
#                                   (proofs/session/<unit>/) and the aggregated
#                                   proofs/REPORT.md, report.json, status.csv
#   proofs/wp.sh replay [unit...]   offline: every goal must be answered by
#                                   the unit's cache (no prover runs, no
#                                   timeouts); fails if any goal is unproved,
#                                   a file fails to parse or a unit has no cache
#   proofs/wp.sh list               print the units and their files
#
# No unit named: all of them.  A unit is named by its name or by one of its
# files.  Each line of proofs/files.list is one unit: usually one C file; a
# line with several files proves them in one Frama-C run (one AST, so each
# file's goals see the others' definitions).  The unit's name is the base
# name of its first file without ".c".
#
# Why units: a goal's cache key is a hash of the prover task, which includes
# the global context (every global's unique name depends on the whole AST).
# One Frama-C run per file keeps a file's keys independent of the others, so
# goals proved on one file alone are reused, adding a file costs only its own
# goals, and a change in one file re-runs only that unit.  Each unit has its
# own cache directory because `-wp-cache cleanup` only prunes a session-local
# cache (with -wp-cache-dir, Frama-C disables cleanup): the unit's session
# directory links to it (proofs/session/<unit>/cache -> ../../cache/<unit>).
#
# All modes end with one line: "proofs: N goals, P proved, U unproved"
# (summed over the units run).
# Environment: WP_TIMEOUT (update only, default 20 s per prover), WP_JOBS
# (units run at once: default 2 in update, twice the CPUs in replay), WP_PAR
# (prover processes per unit, default 1), WP_SEED (update only: colon-
# separated directories of cache entries
# copied into a unit's cache when it has none yet; default proofs/cache, i.e.
# the flat entries of the pre-unit layout and of standalone runs).
set -euo pipefail

MODE=${1:-}
case "$MODE" in
  update|replay|list) ;;
  *) echo "usage: $0 update|replay|list [unit...]" >&2; exit 2 ;;
esac
shift

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

OUT=build/proofs
# This run's logs: a directory of its own (another wp.sh may run at the same
# time), renamed build/proofs/<mode>/ at the end.
RUN=$OUT/run.$$
rm -rf "$RUN"
mkdir -p "$RUN"

# ---- units ----------------------------------------------------------------------
declare -a UNITS=()
declare -A UNIT_FILES=()
while read -r line; do
  line=${line%%#*}
  read -r -a words <<<"$line"
  [ "${#words[@]}" -gt 0 ] || continue
  name=$(basename "${words[0]}" .c)
  if [ -n "${UNIT_FILES[$name]+set}" ]; then
    echo "proofs: two units named $name in proofs/files.list" >&2; exit 1
  fi
  for f in "${words[@]}"; do
    [ -f "$f" ] || { echo "proofs: missing file $f (proofs/files.list)" >&2; exit 1; }
  done
  UNITS+=("$name")
  UNIT_FILES[$name]="${words[*]}"
done <proofs/files.list

if [ "$MODE" = list ]; then
  for u in "${UNITS[@]}"; do printf '%s\t%s\n' "$u" "${UNIT_FILES[$u]}"; done
  exit 0
fi

SELECTED=()
if [ "$#" -eq 0 ]; then
  SELECTED=("${UNITS[@]}")
else
  for arg in "$@"; do
    found=
    for u in "${UNITS[@]}"; do
      for f in ${UNIT_FILES[$u]}; do
        if [ "$arg" = "$u" ] || [ "$arg" = "$f" ]; then found=$u; fi
      done
    done
    if [ -z "$found" ] && [ -f "$arg" ] && [ "${arg%.c}" != "$arg" ]; then
      # A C file not in proofs/files.list: a trial unit, run and cached like
      # the others but left out of the reports until it is listed.
      found=$(basename "$arg" .c)
      if [ -n "${UNIT_FILES[$found]+set}" ]; then
        echo "proofs: unit $found already names other files" >&2; exit 2
      fi
      UNIT_FILES[$found]=$arg
      echo "proofs: $found: trial unit ($arg is not in proofs/files.list)"
    fi
    [ -n "$found" ] || { echo "proofs: no unit $arg in proofs/files.list" >&2; exit 2; }
    case " ${SELECTED[*]-} " in *" $found "*) ;; *) SELECTED+=("$found") ;; esac
  done
fi

# ---- Why3: configured per checkout, never in the user's home ---------------
export WHY3CONFIG="$ROOT/$OUT/why3.conf"
configure_why3() {
  local datadir tmp
  datadir=$(why3 --print-datadir)
  tmp="$WHY3CONFIG.$$"
  why3 --config="$tmp" config detect >"$OUT/why3-detect.log" 2>&1
  # cvc5 1.0.3 is unknown to Why3 1.5.1 and rejects the ALL_SUPPORTED logic
  # the stock CVC4 drivers send: a hand-written driver and prover entry.
  cat >"$OUT/cvc5.drv.$$" <<DRV
prelude ";; produced by proofs/wp.sh for cvc5 1.0.x ;;"
prelude "(set-logic ALL)"
import "$datadir/drivers/cvc4_16.gen"
DRV
  cat >>"$tmp" <<CONF

[prover]
command = "cvc5 --tlimit=%t000 --lang=smt2 %f"
command_steps = "cvc5 --rlimit=%S --lang=smt2 %f"
driver = "$ROOT/$OUT/cvc5.drv"
name = "CVC5"
shortcut = "cvc5"
version = "1.0.3"
CONF
  # Renamed into place: a wp.sh running at the same time never reads half a file.
  mv -f "$OUT/cvc5.drv.$$" "$OUT/cvc5.drv"
  mv -f "$tmp" "$WHY3CONFIG"
}
configure_why3

# The provers, in this order, in both modes: the cache only remembers the
# answers of the provers tried, so replay must ask the same list.
PROVERS=tip,z3,cvc5,cvc4
TIMEOUT=${WP_TIMEOUT:-20}
# Replay waits more than it computes (Frama-C polls its prover tasks every
# 50 ms, even when the cache answers), so twice as many units as CPUs keep
# them busy: 23 units took 668 s with 2 at once, 470 s with 4, on 2 CPUs.
if [ "$MODE" = replay ]; then
  JOBS=${WP_JOBS:-$(( $(nproc) * 2 ))}
else
  JOBS=${WP_JOBS:-2}
fi
PAR=${WP_PAR:-1}

if [ "$MODE" = update ]; then
  CACHE=cleanup        # run provers, store results, drop the unit's unused entries
else
  CACHE=offline        # answer from the cache only
fi
# The cache must be the session's own (see above): no global cache from the
# environment.
unset FRAMAC_WP_CACHE FRAMAC_WP_CACHEDIR

# The files must parse exactly as the build compiles them: C11 (the ABI
# headers use _Static_assert), the include path and the version macros of the
# Makefile's COMMON_CFLAGS, read from the Makefile so there is one source.
make_var() {
  local v
  v=$(sed -n "s/^$1[[:space:]]*:=[[:space:]]*//p" Makefile | head -n 1)
  [ -n "$v" ] || { echo "proofs: $1 not found in Makefile" >&2; exit 1; }
  printf '%s' "$v"
}
CPP_ARGS="-std=c11 -Isrc/include"
CPP_ARGS+=" -DXENOLITH_VERSION_MAJOR=$(make_var VERSION_MAJOR)"
CPP_ARGS+=" -DXENOLITH_VERSION_MINOR=$(make_var VERSION_MINOR)"
# Frama-C hands this string to a shell: the quotes make the macro a C string.
CPP_ARGS+=" -DXENOLITH_VERSION_EXTRA='\"$(make_var VERSION_EXTRA)\"'"
export WP_CPP_ARGS="$CPP_ARGS" WP_TIMEOUT="$TIMEOUT"

# Copy the entries of WP_SEED into a new unit cache; cleanup at the end of
# the unit's update keeps only what the unit uses.
seed_cache() {
  local dir=$1 seed n=0
  local IFS=:
  for seed in ${WP_SEED-proofs/cache}; do
    [ -d "$seed" ] || continue
    find "$seed" -maxdepth 1 -name '*.json' -type f -exec cp -n -t "$dir" {} +
  done
  n=$(find "$dir" -maxdepth 1 -name '*.json' | wc -l)
  echo "proofs: $2: new cache seeded with $n entries"
}

# run_unit <unit>: one Frama-C over the unit's files; leaves its log, stats,
# CSV and classification in $RUN/<unit>/ and "rc secs" in run.txt.
run_unit() {
  local u=$1 uo=$RUN/$1 cache=proofs/cache/$1 session=proofs/session/$1
  local -a files args
  read -r -a files <<<"${UNIT_FILES[$u]}"
  rm -rf "$uo"
  mkdir -p "$uo" "$session"
  if [ "$MODE" = replay ] && ! compgen -G "$cache/*.json" >/dev/null; then
    echo "missing" >"$uo/run.txt"
    return 0
  fi
  if [ ! -d "$cache" ]; then
    mkdir -p "$cache"
    seed_cache "$cache" "$u"
  fi
  ln -sfn "../../cache/$u" "$session/cache"
  args=(
    -c11
    -cpp-extra-args="$CPP_ARGS"
    "${files[@]}"
    -wp -wp-rte -wp-init-const
    -wp-prover "$PROVERS" -wp-timeout "$TIMEOUT" -wp-par "$PAR"
    -wp-session "$session"
    -wp-cache "$CACHE"
    -wp-report-json "$uo/wp-stats.json"
    -then -report -report-classify
    -report-unclassified-unknown ERROR
    # Untried: preconditions of exported functions (obligations of callers
    # outside the unit) and contracts of functions that are declared but not
    # proved here (hal_*, other modules).  Listed in REPORT.md as assumed;
    # every WP goal itself must be proved (summary.py counts them).
    -report-unclassified-untried REVIEW
    -report-output "$uo/classify.json"
    -report-csv "$uo/status.csv"
  )
  local start end rc
  start=$(date +%s.%N)
  set +e
  frama-c "${args[@]}" >"$uo/wp-$MODE.log" 2>&1
  rc=$?
  set -e
  end=$(date +%s.%N)
  echo "$rc $(python3 -c "print(f'{$end - $start:.1f}')")" >"$uo/run.txt"
}

# Longest units first (by their last recorded time) so that the pool ends
# together.
order_units() {
  local u t
  for u in "$@"; do
    t=$(python3 -c "import json,sys
try: print(json.load(open(sys.argv[1])).get('secs', 0))
except Exception: print(1e9)" "proofs/session/$u/unit.json")
    printf '%s %s\n' "$t" "$u"
  done | sort -k1,1 -g -r | cut -d' ' -f2
}
mapfile -t ORDERED < <(order_units "${SELECTED[@]}")

start=$(date +%s.%N)
running=0
for u in "${ORDERED[@]}"; do
  if [ "$running" -ge "$JOBS" ]; then
    wait -n || true
    running=$((running - 1))
  fi
  echo "proofs: $u: $MODE (${UNIT_FILES[$u]})"
  run_unit "$u" &
  running=$((running + 1))
done
wait || true
end=$(date +%s.%N)
secs=$(python3 -c "print(f'{$end - $start:.1f}')")

# ---- summary --------------------------------------------------------------------
specs=()
for u in "${SELECTED[@]}"; do specs+=("$u=${UNIT_FILES[$u]// /,}"); done
all=()
for u in "${UNITS[@]}"; do all+=("$u=${UNIT_FILES[$u]// /,}"); done
set +e
WP_RUN_DIR=$RUN WP_LOG_DIR=$OUT/$MODE \
  python3 proofs/summary.py "$MODE" "$secs" "${specs[@]}" -- "${all[@]}"
rc=$?
set -e
rm -rf "${OUT:?}/$MODE"
mv "$RUN" "$OUT/$MODE" 2>/dev/null || true
exit "$rc"
