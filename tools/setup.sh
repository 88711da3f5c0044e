#!/usr/bin/env bash
# Installs the Debian packages lmm needs to build and test. Idempotent; run as root (or with sudo).
# Set LMM_WITH_R=1 to also install R and lme4 (only needed to regenerate reference goldens or
# to run the benchmarks against lme4; the tests never need R).
set -euo pipefail
packages=(cmake g++ make libeigen3-dev libnlopt-dev libnlopt-cxx-dev libcli11-dev libfmt-dev
          nlohmann-json3-dev libboost-dev libicu-dev libgtest-dev libgmock-dev libbenchmark-dev)
# tools/sanitize.sh and tools/fuzz.sh: clang with its sanitizer and libFuzzer runtimes, its
# OpenMP runtime (g++ brings libgomp itself), and llvm-symbolizer for their stack traces.
packages+=(clang-14 libclang-rt-14-dev libomp-14-dev llvm-14)
if [ "${LMM_WITH_R:-0}" = 1 ]; then
  packages+=(r-base-core r-cran-lme4 r-cran-lmertest r-cran-jsonlite)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi
