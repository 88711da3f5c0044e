#!/usr/bin/env bash
# bench/ab.sh: two builds of lmm timed against each other in the same run, case by case and
# run by run alternately (A, B, A, B, ...), so that a change's effect is not confused with the
# machine's load drifting. For a refactor that must not be slower, and for refits.
#
#   bash bench/ab.sh BUILD_A BUILD_B [--runs K] [--cpu N]
#
# Each BUILD is a build directory configured with -DLMM_BUILD_BENCHMARKS=ON and holding `lmm`
# and `bench/lmm_bench` (cmake --build BUILD --target lmm_cli lmm_bench). Cases:
# - one objective evaluation at the fit (lmm_bench's evaluation_s) on the seed models, InstEval
#   and the simulated movielens design (bench/data/movielens.csv, made by bench/simulate_data
#   from BUILD_B if missing);
# - refits: the parametric bootstrap of M_base, 1,000 replicates on one thread
#   (`lmm confint --method boot`), and the full profile confint of M17 and M16 on one thread
#   (lmm_bench --confint).
# Prints a Markdown table of medians (seconds) and the ratio B / A.
#
# --cpu N runs the single-threaded cases (the seed models' evaluations, the bootstrap, the
# profiles) on CPU N only (taskset). On the project's 2-vCPU machine one vCPU has been seen 40%
# slower than the other for the same binary, so unpinned runs of a short case land at random on
# a fast or a slow CPU, and two identical builds can differ by 10% (bench/README). InstEval and
# movielens use both CPUs (the dense factor's threads) and are never pinned.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED="$ROOT/../shared/data"
DATA="$ROOT/bench/data"
A=$(cd "$1" && pwd); B=$(cd "$2" && pwd); shift 2
runs=5
PIN=()
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --cpu) PIN=(taskset -c "$2"); shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

MA=(--data "$SHARED/mathachieve.csv" --join "$SHARED/mathachieveschool.csv" --by school --factor himinty)
CL=(--data "$SHARED/classroom.csv" --factor classid,schoolid,classid2)
IE=(--data "$SHARED/InstEval.csv" --factor s,d,dept,service)

median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
kv() { sed -n "s/^$1=//p" "$2" | head -n1; }

# evaluation BUILD FORMULA ARGS...: one evaluation at the fit, in seconds
evaluation() {
  local build=$1 formula=$2; shift 2
  "${PIN[@]}" "$build/bench/lmm_bench" "$formula" "$@" --runs 1 > "$TMP/out"
  kv evaluation_s "$TMP/out"
}
threaded_evaluation() {  # a case whose dense factor runs on every CPU: never pinned
  local PIN=()
  evaluation "$@"
}
profile() {
  local build=$1 formula=$2; shift 2
  "${PIN[@]}" "$build/bench/lmm_bench" "$formula" "$@" --runs 1 --confint --threads 1 > "$TMP/out"
  kv confint_s "$TMP/out"
}
bootstrap() {
  local build=$1 t0 t1
  t0=$(date +%s.%N)
  "${PIN[@]}" "$build/lmm" confint 'mathach ~ ses + (ses | school)' "${MA[@]}" --method boot --nsim 1000 --threads 1 \
    --format json > "$TMP/boot.json"
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.4f\n", b - a}'
}

row() {  # row NAME FUNCTION ARGS...: alternate A and B, print medians and the ratio
  local name=$1 fn=$2 k; shift 2
  : > "$TMP/a"; : > "$TMP/b"
  for ((k = 0; k < runs; k++)); do
    "$fn" "$A" "$@" >> "$TMP/a"
    "$fn" "$B" "$@" >> "$TMP/b"
  done
  local ma mb
  ma=$(median < "$TMP/a"); mb=$(median < "$TMP/b")
  echo "| $name | $ma | $mb | $(awk -v a="$ma" -v b="$mb" 'BEGIN {printf "%.3f", b / a}') |"
}

TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
if [ ! -f "$DATA/movielens.csv" ]; then "$B/bench/simulate_data" --out "$DATA" movielens >&2; fi
echo "- A: $A ($(git -C "$A/.." rev-parse --short HEAD 2>/dev/null || echo '?'))"
echo "- B: $B ($(git -C "$B/.." rev-parse --short HEAD 2>/dev/null || echo '?'))"
echo "- machine: $(grep -m1 '^model name' /proc/cpuinfo | sed 's/^model name[[:space:]]*: //'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg) at start; median of $runs alternating runs${PIN[*]:+; single-threaded cases run under ${PIN[*]}}"
echo
echo '| case | A s | B s | B / A |'
echo '|---|--:|--:|--:|'
row "evaluation M_base" evaluation 'mathach ~ ses + (ses | school)' "${MA[@]}"
row "evaluation M_glp2" evaluation 'mathach ~ ses + himinty + ses:himinty + (ses | school)' "${MA[@]}"
row "evaluation M14" evaluation 'mathscore ~ ses + (ses | schoolid)' "${CL[@]}"
row "evaluation M15" evaluation 'mathscore ~ ses + (ses | schoolid) + (ses | classid)' "${CL[@]}"
row "evaluation M16" evaluation 'mathscore ~ ses + (ses | schoolid) + (ses || classid)' "${CL[@]}"
row "evaluation M17" evaluation 'mathscore ~ ses + (ses | schoolid) + (1 | classid)' "${CL[@]}"
row "evaluation M18" evaluation 'mathscore ~ ses + (1 | schoolid/classid2)' "${CL[@]}"
row "evaluation M20" evaluation 'mathscore ~ ses + (1 | schoolid) + (1 | classid)' "${CL[@]}"
row "evaluation InstEval" threaded_evaluation 'y ~ 1 + service + (1 | s) + (1 | d) + (1 | dept)' "${IE[@]}"
row "evaluation movielens" threaded_evaluation 'y ~ 1 + (1 | user) + (1 | item)' --data "$DATA/movielens.csv"
row "bootstrap M_base, 1,000 replicates, 1 thread" bootstrap
row "profile confint M17, 1 thread" profile 'mathscore ~ ses + (ses | schoolid) + (1 | classid)' "${CL[@]}"
row "profile confint M16, 1 thread" profile 'mathscore ~ ses + (ses | schoolid) + (ses || classid)' "${CL[@]}"
