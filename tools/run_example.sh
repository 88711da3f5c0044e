#!/usr/bin/env bash
# Sets up, builds, and fits the seed's M_base on the shared MathAchieve data.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/build.sh
./build/lmm fit 'mathach ~ ses + (ses | school)' \
  --data ../shared/data/mathachieve.csv --join ../shared/data/mathachieveschool.csv --by school
