#!/bin/sh
# Runs every benchmark and writes one report.
#
#   sh bench/run.sh [--quick] [--compare]
#
# Builds the benchmark programs (make bench-build), runs each
# $BUILD/bench/bench_* with SL_BENCH_JSON pointing at one JSON-lines file,
# with --compare also every bench/compare/*_compare.py (they need Python,
# River, numpy; common.py installs missing peers unless SL_BENCH_INSTALL=0),
# then bench/report.py turns the rows into $BUILD/bench/report.md and
# report.json with the machine (CPU model, cores, load, compiler, flags, date).
# --quick gives CI sizes. BUILD (default build) and MODULES pass to make.
# Exits non-zero when a benchmark fails to build or run (the others still
# run and report); figures are never judged.
set -u
cd "$(dirname "$0")/.." || exit 2
BUILD=${BUILD:-build}
QUICK=""
COMPARE=0
for a in "$@"; do
  case "$a" in
  --quick) QUICK=--quick ;;
  --compare) COMPARE=1 ;;
  *) echo "usage: $0 [--quick] [--compare]" >&2; exit 2 ;;
  esac
done
status=0
# -k: a benchmark that does not build (its module left out) skips only itself
if [ -n "${MODULES:-}" ]; then
  make -k -j"${JOBS:-2}" BUILD="$BUILD" MODULES="$MODULES" bench-build || status=1
else
  make -k -j"${JOBS:-2}" BUILD="$BUILD" bench-build || status=1
fi
[ "$status" = 0 ] || echo "!! some benchmarks did not build; running the others"
out="$BUILD/bench"
json="$out/results.jsonl"
mkdir -p "$out"
: > "$json"
for b in "$out"/bench_*; do
  [ -x "$b" ] || continue
  echo "== $b $QUICK"
  SL_BENCH_JSON="$json" "$b" $QUICK || { echo "!! $b failed"; status=1; }
done
if [ "$COMPARE" = 1 ]; then
  if [ -n "${MODULES:-}" ]; then
    make -j"${JOBS:-2}" BUILD="$BUILD" MODULES="$MODULES" shared >/dev/null || status=1
  else
    make -j"${JOBS:-2}" BUILD="$BUILD" shared >/dev/null || status=1
  fi
  for p in bench/compare/*_compare.py; do
    [ -e "$p" ] || continue
    echo "== $p $QUICK"
    SL_LIBRARY="$(pwd)/$BUILD/libstreamlearn.so" SL_BENCH_JSON="$json" python3 "$p" $QUICK || {
      echo "!! $p failed"; status=1; }
  done
fi
python3 bench/report.py --rows "$json" --out "$out" --cc "${CC:-cc}" \
  --flags "library: ${CFLAGS:--O2 -g}; benchmarks: -O2 -g" ${QUICK:+--quick} || status=1
exit $status
