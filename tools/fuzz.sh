#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ (clang, with ASan + UBSan) into build-fuzz/ and runs each
# for a bounded time on a temporary copy of its seed corpus fuzz/corpus/<target>/ (the committed
# corpus is never modified). Fails on any crash, leak, timeout, out-of-memory or sanitizer
# report, printing the reproducer to rerun.
# Usage: tools/fuzz.sh [--time SECONDS_PER_TARGET] [target ...]   (default: 60 s, every target;
# --time 0 only runs the seed corpus, the committed reproducers included)
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=60
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --time) seconds="${2:?--time needs a number of seconds}"; shift 2 ;;
    --time=*) seconds="${1#--time=}"; shift ;;
    -h|--help) sed -n '2,7p' "$0" | cut -c3-; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "fuzz.sh: --time takes whole seconds, not '$seconds'" >&2; exit 2; }
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_csv_reader fuzz_formula fuzz_fit)

bash tools/setup.sh
build=build-fuzz
mkdir -p "$build"
cmake -S . -B "$build" -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLMM_FUZZ=ON \
  -DLMM_BUILD_TESTS=OFF -DLMM_WERROR=ON > "$build/build.log" 2>&1 || { cat "$build/build.log"; exit 1; }
cmake --build "$build" -j"$(nproc)" --target "${targets[@]}" >> "$build/build.log" 2>&1 ||
  { tail -50 "$build/build.log"; exit 1; }

# Logs and reproducers of this run; kept after a failure.
runs="$PWD/$build/runs"
rm -rf "$runs" && mkdir -p "$runs"
symbolizer=$(command -v llvm-symbolizer-14 || command -v llvm-symbolizer || true)
export ASAN_OPTIONS="detect_leaks=1:print_stacktrace=1${symbolizer:+:external_symbolizer_path=$symbolizer}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${symbolizer:+:external_symbolizer_path=$symbolizer}"

failed=0
for target in "${targets[@]}"; do
  corpus=$(mktemp -d)
  cp -R "fuzz/corpus/$target/." "$corpus/"
  args=(-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$runs/$target-")
  if [ "$seconds" -gt 0 ]; then args+=(-max_total_time="$seconds"); else args+=(-runs=0); fi
  [ -f "fuzz/$target.dict" ] && args+=(-dict="fuzz/$target.dict")
  log="$runs/$target.log"
  if "$build/fuzz/$target" "${args[@]}" "$corpus" > "$log" 2>&1; then
    ran=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    echo "fuzz.sh: $target: no failure in $([ "$seconds" -gt 0 ] && echo "$seconds s" || echo "the seed corpus") ($ran inputs)"
  else
    failed=1
    echo "fuzz.sh: $target FAILED; log: $log" >&2
    tail -n 60 "$log" >&2  # libFuzzer ends with the report and where it wrote the input
    for reproducer in "$runs/$target"-*; do
      [ -e "$reproducer" ] || continue
      echo "fuzz.sh: reproducer: $reproducer (rerun: $build/fuzz/$target $reproducer)" >&2
    done
  fi
  rm -rf "$corpus"
done
exit "$failed"
