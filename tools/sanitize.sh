#!/usr/bin/env bash
# Builds the library, the CLI and the test suite with AddressSanitizer (leaks included) and
# UndefinedBehaviorSanitizer into build-asan/ (clang, -O1, Eigen's assertions on) and runs the
# test suite there. Any sanitizer report fails: a process stops at its first one, and every
# report, the CLI's included (tests run it as a child process), goes to build-asan/sanitizer-logs/,
# which must stay empty; the script prints what it holds.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh

build=build-asan
logs="$PWD/$build/sanitizer-logs"
# -ffp-contract=off: no fused multiply-adds the normal (GCC, ISO C++) build does not make; some
# lme4 goldens sit where BOBYQA's path turns on rounding.
sanitize="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -ffp-contract=off"
symbolizer=$(command -v llvm-symbolizer-14 || command -v llvm-symbolizer || true)
# exitcode: a report in the CLI must not pass for one of its own exit codes in a test's check.
common="halt_on_error=1:print_stacktrace=1:exitcode=86:log_path=$logs/report${symbolizer:+:external_symbolizer_path=$symbolizer}"
export ASAN_OPTIONS="$common:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="$common"

# The build runs the test binaries too (gtest_discover_tests), so the options are set before it.
mkdir -p "$build"
rm -rf "$logs" && mkdir -p "$logs"
cmake -S . -B "$build" -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" -DCMAKE_CXX_FLAGS="$sanitize" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" -DLMM_WERROR=ON -DLMM_BUILD_BENCHMARKS=OFF \
  -DLMM_CONSUMER_TESTS=OFF \
  > "$build/build.log" 2>&1 || { cat "$build/build.log"; exit 1; }
cmake --build "$build" -j"$(nproc)" >> "$build/build.log" 2>&1 || { tail -50 "$build/build.log"; exit 1; }

status=0
(cd "$build" && ctest -j"$(nproc)" --output-on-failure --timeout 600) || status=$?  # the slowest takes 35 s
if compgen -G "$logs/report*" > /dev/null; then
  echo "sanitizer reports:" >&2
  for f in "$logs"/report*; do echo "== $f" >&2; cat "$f" >&2; done
  status=1
fi
exit "$status"
