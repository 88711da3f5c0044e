#!/usr/bin/env bash
# Sets up, builds, and runs the whole test suite (no R needed: goldens are committed); then the
# suite again under AddressSanitizer + UndefinedBehaviorSanitizer (tools/sanitize.sh), the
# thread-safety test under ThreadSanitizer (tools/tsan.sh) and each libFuzzer target for a
# bounded time (tools/fuzz.sh; LMM_FUZZ_SECONDS per target, default 60).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/build.sh
(cd build && ctest -j"$(nproc)" --output-on-failure)
bash tools/sanitize.sh
bash tools/tsan.sh
bash tools/fuzz.sh --time "${LMM_FUZZ_SECONDS:-60}"
