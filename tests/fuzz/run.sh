#!/bin/sh
# Fuzz targets under tests/fuzz (fuzz_<name>.c, corpus in corpus/<name>/).
#   sh tests/fuzz/run.sh replay          every corpus through its target, built with
#                                        $CC (gcc by default) + ASan/UBSan: a regression test
#   sh tests/fuzz/run.sh fuzz csv [sec]  libFuzzer (clang -fsanitize=fuzzer,address) for sec
#                                        seconds (default 120); new inputs go to corpus/csv,
#                                        crashing ones to $BUILD/crash-*
# Builds into build-fuzz/ (override with BUILD=...); FUZZ_ARGS adds libFuzzer flags
# (FUZZ_ARGS="-fork=1 -ignore_crashes=1" goes on past a known crash).
set -e
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build-fuzz}
SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
SRC="$(ls lib/*/*.c)"
mkdir -p "$BUILD"
case "${1:-replay}" in
replay)
  CC=${CC:-gcc}
  for t in tests/fuzz/fuzz_*.c; do
    name=$(basename "$t" .c | sed 's/^fuzz_//')
    $CC -std=c99 -D_DEFAULT_SOURCE -O1 -g $SAN -Iinclude -Ilib -DSL_STATIC_DEFINE \
      -o "$BUILD/replay_$name" "$t" tests/fuzz/replay.c $SRC -lm
    "$BUILD/replay_$name" "tests/fuzz/corpus/$name"
  done
  ;;
fuzz)
  name=${2:-csv}
  secs=${3:-120}
  clang -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Iinclude -Ilib \
    -DSL_STATIC_DEFINE -o "$BUILD/fuzz_$name" "tests/fuzz/fuzz_$name.c" $SRC -lm
  mkdir -p "$BUILD/corpus_$name"
  # inputs up to 4 KiB, or the largest seed (whole checkpoints can be larger)
  maxlen=$(find "tests/fuzz/corpus/$name" -type f -size +4k -exec wc -c {} \; | sort -n | tail -1 | cut -d' ' -f1)
  "$BUILD/fuzz_$name" -max_total_time="$secs" -max_len="${maxlen:-4096}" -timeout=10 -artifact_prefix="$BUILD/" $FUZZ_ARGS \
    "$BUILD/corpus_$name" "tests/fuzz/corpus/$name"
  # keep a minimal set of the inputs that cover something new
  mkdir -p "$BUILD/min_$name"
  "$BUILD/fuzz_$name" -merge=1 "$BUILD/min_$name" "tests/fuzz/corpus/$name" "$BUILD/corpus_$name" >/dev/null 2>&1
  echo "minimised corpus: $(ls "$BUILD/min_$name" | wc -l) inputs in $BUILD/min_$name"
  ;;
*) echo "usage: $0 replay | fuzz <name> [seconds]"; exit 2 ;;
esac
