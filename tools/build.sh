#!/usr/bin/env bash
# Installs what the build needs (tools/setup.sh) and builds lmm into build/ (warnings are errors).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DLMM_WERROR=ON > build.log 2>&1 || { cat build.log; exit 1; }
cmake --build build -j"$(nproc)" >> build.log 2>&1 || { tail -50 build.log; exit 1; }
