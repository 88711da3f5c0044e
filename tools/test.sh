#!/usr/bin/env bash
# Sets up, builds, and runs the whole test suite (no R needed: goldens are committed).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/build.sh
cd build && ctest -j"$(nproc)" --output-on-failure
