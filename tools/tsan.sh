#!/usr/bin/env bash
# Builds the library and tests/thread_safety_test.cpp (one const model fitted, profiled and
# queried by several threads at once) with ThreadSanitizer into build-tsan/ (clang, -O1 -g) and
# runs that test. Any ThreadSanitizer report fails: the process stops at its first one, the
# report goes to build-tsan/sanitizer-logs/, which must stay empty; the script prints what it
# holds. Only these two targets are built: the whole suite under TSan would cost CI minutes for
# code that starts no threads of its own.
#
# OpenMP: the library's parallel loops (util/parallel.cpp) run on an OpenMP team, inside each of
# the test's threads too (profiles, bootstrap and derivatives spread over the cores), and are
# checked as well. GCC's libgomp is not instrumented: TSan would not see the fork, barriers
# and join that order a team's work. This build therefore uses LLVM's runtime (clang's -fopenmp,
# libomp) with Archer (libarcher.so, LLVM's OMPT tool for TSan), which tells TSan of those
# happens-before edges; and tools/tsan.supp keeps TSan from checking the interceptors libomp and
# Archer call for their own bookkeeping (locks and memory they order with atomics TSan cannot
# see), with called_from_lib only: no race report is suppressed, and every access lmm's code
# makes, inside parallel regions or not, is checked. A race between two OpenMP workers or two of
# the caller's threads is reported all the same (a parallel_for whose tasks add to one double
# is; one whose tasks write their own slots is not). Archer's warning to set
# ignore_noninstrumented_modules=1 is deliberately not followed: that would stop checking the
# interceptors called from every uninstrumented library (libstdc++'s memcpy into lmm's strings
# among them), where the suppressions file names the two OpenMP libraries alone.
# The script checks that the test is linked against libomp, not libgomp, and that Archer was
# loaded, so a build that lost either fails instead of checking without OpenMP's ordering.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh

build=build-tsan
logs="$PWD/$build/sanitizer-logs"
test_binary="$build/tests/thread_safety_test"
llvm_lib=$(llvm-config-14 --libdir)
archer="$llvm_lib/libarcher.so"
[ -f "$archer" ] || { echo "tsan.sh: no $archer (Debian's libomp-14-dev)" >&2; exit 1; }

symbolizer=$(command -v llvm-symbolizer-14 || command -v llvm-symbolizer || true)
# exitcode: a report must not pass for a test's own failure status. history_size: enough memory
# of past accesses that the report shows both stacks of a race in a long test.
export TSAN_OPTIONS="halt_on_error=1:exitcode=86:second_deadlock_stack=1:history_size=4:suppressions=$PWD/tools/tsan.supp:log_path=$logs/report${symbolizer:+:external_symbolizer_path=$symbolizer}"
# Archer (OMPT tool) loaded by libomp; verbose: it says so on stdout, checked below. libomp
# starts at the first parallel region (none on one core) and then shows its settings.
export OMP_TOOL_LIBRARIES="$archer"
export ARCHER_OPTIONS="verbose=1"
export OMP_DISPLAY_ENV=true

# The build runs the test binary too (gtest_discover_tests), so the options are set before it.
mkdir -p "$build"
rm -rf "$logs" && mkdir -p "$logs"
start=$SECONDS
cmake -S . -B "$build" -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" -DCMAKE_CXX_FLAGS="-fsanitize=thread -fno-omit-frame-pointer" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=thread" -DLMM_WERROR=ON -DLMM_BUILD_BENCHMARKS=OFF \
  > "$build/build.log" 2>&1 || { cat "$build/build.log"; exit 1; }
cmake --build "$build" -j"$(nproc)" --target lmm thread_safety_test >> "$build/build.log" 2>&1 ||
  { tail -50 "$build/build.log"; exit 1; }
echo "tsan.sh: configured and built in $((SECONDS - start)) s"

# libomp, never libgomp: Archer only annotates LLVM's runtime.
libs=$(ldd "$test_binary")
if ! grep -q 'libomp\.so' <<< "$libs" || grep -q 'libgomp' <<< "$libs"; then
  echo "tsan.sh: $test_binary is not linked against LLVM's libomp alone:" >&2
  echo "$libs" >&2
  exit 1
fi

status=0
run_start=$SECONDS
"$test_binary" > "$build/test.log" 2>&1 || status=$?
cat "$build/test.log"
echo "tsan.sh: the test ran in $((SECONDS - run_start)) s"
if ! grep -q 'OPENMP DISPLAY ENVIRONMENT BEGIN' "$build/test.log"; then
  echo "tsan.sh: the test ran no OpenMP parallel region (one core?): only its own threads were checked"
elif ! grep -q 'Archer detected OpenMP application with TSan' "$build/test.log"; then
  echo "tsan.sh: Archer was not loaded ($archer): OpenMP's synchronization was invisible to TSan" >&2
  status=1
fi
if compgen -G "$logs/report*" > /dev/null; then
  echo "ThreadSanitizer reports:" >&2
  for f in "$logs"/report*; do echo "== $f" >&2; cat "$f" >&2; done
  status=1
fi
exit "$status"
