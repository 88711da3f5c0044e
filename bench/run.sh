#!/usr/bin/env bash
# bench/run.sh: the benchmark suite in one command (see bench/README.md).
#
#   bash bench/run.sh [--quick] [--case NAME]... [--no-r] [--no-process] [--lme4-limit SECONDS]
#                     [--runs K] [--budget SECONDS] [--no-build] [--list]
#
# Builds lmm with the benchmarks (Release), simulates the data sets that are missing from
# bench/data/, then for each case times lmm in process (bench/lmm_bench), the `lmm` command as a
# whole process (wall time and peak RSS) and, when R with lme4 is installed, lme4's lmer()
# (bench/lme4_timing.R), and prints one Markdown table on stdout (progress goes to stderr); the
# full run also prints a second table, one objective evaluation by number of observations
# (bench/objective_bench). Everything is in functions called from the last line, which exits,
# so editing this file while it runs cannot change the run.
set -euo pipefail

# ---- cases -----------------------------------------------------------------------------------
# name;group;data;joins (FILE:KEY, space-separated);factors;formula;kind (fit|confint|objective);
# lme4 (yes|no). Data: a file in ../shared/data, or sim:NAME for bench/data/NAME.csv
# (bench/simulate_data). The seed models are tools/reference/lme4_goldens.R's, with its data,
# joins and factors.
MA="mathachieve.csv"; MJ="mathachieveschool.csv:school"; CLF="classid,schoolid,classid2"
CASES=(
  "M_base;seed;$MA;$MJ;himinty;mathach ~ ses + (ses | school);fit;yes"
  "M_pracad;seed;$MA;$MJ;himinty;mathach ~ pracad + (pracad | school);fit;yes"
  "M_glp;seed;$MA;$MJ;himinty;mathach ~ pracad + (1 | school);fit;yes"
  "M_glp2;seed;$MA;$MJ;himinty;mathach ~ ses + himinty + ses:himinty + (ses | school);fit;yes"
  "M_combined;seed;$MA;$MJ;himinty;mathach ~ ses + pracad + himinty + ses:himinty + (ses | school);fit;yes"
  "M14;seed;classroom.csv;;$CLF;mathscore ~ ses + (ses | schoolid);fit;yes"
  "M15;seed;classroom.csv;;$CLF;mathscore ~ ses + (ses | schoolid) + (ses | classid);fit;yes"
  "M16;seed;classroom.csv;;$CLF;mathscore ~ ses + (ses | schoolid) + (ses || classid);fit;yes"
  "M17;seed;classroom.csv;;$CLF;mathscore ~ ses + (ses | schoolid) + (1 | classid);fit;yes"
  "M18;seed;classroom.csv;;$CLF;mathscore ~ ses + (1 | schoolid/classid2);fit;yes"
  "M19;seed;classroom.csv;;$CLF;mathscore ~ ses + (1 | schoolid) + (1 | schoolid:classid2);fit;yes"
  "M20;seed;classroom.csv;;$CLF;mathscore ~ ses + (1 | schoolid) + (1 | classid);fit;yes"
  "sleepstudy;sleepstudy;sleepstudy.csv;;Subject;Reaction ~ Days + (Days | Subject);fit;yes"
  "InstEval;insteval;InstEval.csv;;s,d,dept,service;y ~ 1 + service + (1 | s) + (1 | d) + (1 | dept);fit;yes"
  "InstEval_dept;insteval;InstEval.csv;;s,d,dept,service;y ~ service * dept + (1 | s) + (1 | d);fit;yes"
  "M17_confint;confint;classroom.csv;;$CLF;mathscore ~ ses + (ses | schoolid) + (1 | classid);confint;yes"
  "kb07_like;sim;sim:kb07_like;;;y ~ a * b * c + (1 + a + b + c | subj) + (1 + a + b + c | item);fit;yes"
  "movielens;sim;sim:movielens;;;y ~ 1 + (1 | user) + (1 | item);fit;yes"
  "nested_1m;sim;sim:nested_1m;;;y ~ x + (x | school) + (1 | class);fit;yes"
  "crossed_slopes;sim;sim:crossed_slopes;;;y ~ x + (1 + x | subj) + (1 | item);fit;yes"
  "scale_n10k;scaling;sim:crossed_n10k_l1k;;;y ~ 1 + (1 | g1) + (1 | g2);fit;yes"
  "scale_n100k;scaling;sim:crossed_n100k_l1k;;;y ~ 1 + (1 | g1) + (1 | g2);fit;yes"
  "scale_n1m_l1k;scaling;sim:crossed_n1m_l1k;;;y ~ 1 + (1 | g1) + (1 | g2);fit;yes"
  "scale_l10k;scaling;sim:crossed_n1m_l10k;;;y ~ 1 + (1 | g1) + (1 | g2);fit;yes"
  "scale_l100k;scaling;sim:crossed_n1m_l100k;;;y ~ 1 + (1 | g1) + (1 | g2);fit;yes"
  "crossed_10m;large;sim:crossed_10m;;;y ~ 1 + (1 | user) + (1 | item);fit;no"
  "objective_vs_n;objective;;;;;objective;no"
)
QUICK_GROUPS=" seed sleepstudy insteval "
OBJECTIVE_DATA=(crossed_n10k_l1k crossed_n100k_l1k crossed_n1m_l1k crossed_n3m_l1k)

# ---- options ---------------------------------------------------------------------------------
quick=0; use_r=1; use_process=1; build=1; list=0
lme4_limit=600; runs=5; budget=60
selected=()

usage() { sed -n '4,5p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

parse_options() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --quick) quick=1 ;;
      --case) [ $# -ge 2 ] || usage; selected+=("$2"); shift ;;
      --no-r) use_r=0 ;;
      --no-process) use_process=0 ;;
      --lme4-limit) [ $# -ge 2 ] || usage; lme4_limit=$2; shift ;;
      --runs) [ $# -ge 2 ] || usage; runs=$2; shift ;;
      --budget) [ $# -ge 2 ] || usage; budget=$2; shift ;;
      --no-build) build=0 ;;
      --list) list=1 ;;
      -h|--help) usage ;;
      *) echo "run.sh: unknown option '$1'" >&2; usage ;;
    esac
    shift
  done
}

# ---- helpers ---------------------------------------------------------------------------------
field() { local f; IFS=';' read -r -a f <<<"$1"; echo "${f[$2]:-}"; }  # field k of a case line
kv() { sed -n "s/^$1=//p" "$2" | head -n1; }                              # value of key=value
median() { sort -g | awk '{v[NR] = $1} END {if (NR == 0) print ""; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
fmt_s() { if [ -n "$1" ]; then awk -v x="$1" 'BEGIN {if (x < 0.01) printf "%.4f", x; else if (x < 10) printf "%.3f", x; else printf "%.1f", x}'; else printf -- '-'; fi; }
ratio() { if [ -n "$1" ] && [ -n "$2" ]; then awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2f", a / b; else printf "-"}'; else printf -- '-'; fi; }

wanted() {  # a case line selected by the --case globs, --quick, or the full run?
  local name group pattern
  name=$(field "$1" 0); group=$(field "$1" 1)
  if [ ${#selected[@]} -gt 0 ]; then
    for pattern in "${selected[@]}"; do
      # shellcheck disable=SC2053  # glob match intended
      [[ $name == $pattern ]] && return 0
    done
    return 1
  fi
  [ "$quick" = 0 ] || [[ $QUICK_GROUPS == *" $group "* ]]
}

data_args() {  # a case's data options, one per line: --data FILE [--join FILE --by KEY]... [--factor LIST]
  local d joins factors j
  d=$(field "$1" 2); joins=$(field "$1" 3); factors=$(field "$1" 4)
  echo "--data"
  if [[ $d == sim:* ]]; then echo "$DATA/${d#sim:}.csv"; else echo "$SHARED/$d"; fi
  for j in $joins; do echo "--join"; echo "$SHARED/${j%%:*}"; echo "--by"; echo "${j##*:}"; done
  if [ -n "$factors" ]; then echo "--factor"; echo "$factors"; fi
}

build_tools() {
  echo "building (Release, benchmarks on) ..." >&2
  cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DLMM_WERROR=ON -DLMM_BUILD_BENCHMARKS=ON >/dev/null
  cmake --build "$BUILD" -j"$(nproc)" --target lmm_cli lmm_bench objective_bench simulate_data >/dev/null
}

simulate_missing_data() {  # the simulated CSVs the selected cases need and bench/data/ lacks
  local c d f need=()
  for c in "$@"; do
    d=$(field "$c" 2)
    if [[ $d == sim:* ]] && [ ! -f "$DATA/${d#sim:}.csv" ]; then need+=("${d#sim:}"); fi
    if [ "$(field "$c" 6)" = objective ]; then
      for f in "${OBJECTIVE_DATA[@]}"; do [ -f "$DATA/$f.csv" ] || need+=("$f"); done
    fi
  done
  if [ ${#need[@]} -gt 0 ]; then
    echo "simulating ${need[*]} ..." >&2
    "$BUILD/bench/simulate_data" --out "$DATA" "${need[@]}" >&2
  fi
}

machine_header() {
  local cpu mem commit dirty
  cpu=$(grep -m1 '^model name' /proc/cpuinfo | sed 's/^model name[[:space:]]*: //')
  mem=$(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
  commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
  dirty=""
  if git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null | grep -q .; then dirty=" (with uncommitted changes)"; fi
  echo "# lmm benchmark"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- commit: $commit$dirty on branch $(git -C "$ROOT" rev-parse --abbrev-ref HEAD 2>/dev/null || echo unknown)"
  echo "- machine: $cpu, $(nproc) cores available ($(grep -c '^processor' /proc/cpuinfo) online), $mem memory, load average $(cut -d' ' -f1-3 /proc/loadavg) at start"
  echo "- compiler: $(c++ --version | head -n1)"
  if [ "$use_r" = 1 ]; then
    echo "- R: $(Rscript -e 'cat(R.version.string, "; lme4", as.character(packageVersion("lme4")), "; Matrix", as.character(packageVersion("Matrix")), "; BLAS", extSoftVersion()[["BLAS"]])' 2>/dev/null)"
  else
    echo "- R: not used (lme4 columns empty)"
  fi
  echo "- runs: median of up to $runs runs per tool and case, no new run after $budget s; lme4 limit $lme4_limit s$( [ "$use_process" = 1 ] || echo "; lmm process not measured (--no-process)")"
  echo
}

table_header() {
  echo '| case | n | load s | model s | fit s | evals | lmm in-proc s | lmm process s | peak MiB | lme4 s | lme4/lmm in-proc | lme4/lmm process | objective check |'
  echo '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|'
}

# ---- one case: one table row -----------------------------------------------------------------
run_case() {
  local c=$1 name formula kind r_ok dargs=() extra=() command=() rargs=()
  local n load model fit evals obj inproc proc_s="" peak lme4_s lme4_num check robj ci status k t0 t1 started proc_ok
  name=$(field "$c" 0); formula=$(field "$c" 5); kind=$(field "$c" 6); r_ok=$(field "$c" 7)
  mapfile -t dargs < <(data_args "$c")

  # lmm in process: medians of the load, model construction and fit (or confint) phases
  echo "[$name] lmm in process ..." >&2
  [ "$kind" = confint ] && extra=(--confint --threads 1)
  if ! "$BUILD/bench/lmm_bench" "$formula" "${dargs[@]}" --runs "$runs" --budget "$budget" "${extra[@]}" \
      >"$TMP/lmm.out" 2>"$TMP/lmm.err"; then
    echo "| $name | error: $(head -n1 "$TMP/lmm.err") |||||||||||"
    return
  fi
  n=$(kv n "$TMP/lmm.out"); load=$(kv load_s "$TMP/lmm.out"); model=$(kv model_s "$TMP/lmm.out")
  fit=$(kv fit_s "$TMP/lmm.out"); evals=$(kv evaluations "$TMP/lmm.out"); obj=$(kv objective "$TMP/lmm.out")
  if [ "$kind" = confint ]; then
    inproc=$(kv confint_s "$TMP/lmm.out")
  else
    inproc=$(awk -v a="$model" -v b="$fit" 'BEGIN {printf "%.6f", a + b}')
  fi

  # lmm as a whole process: wall time (median) and peak RSS (largest); with --no-process, the
  # peak RSS of lmm_bench instead, marked "(in-proc)"
  if [ "$use_process" = 0 ]; then
    peak="$(kv peak_rss_mib "$TMP/lmm.out") (in-proc)"
  else
    echo "[$name] lmm process ..." >&2
    command=(fit); [ "$kind" = confint ] && command=(confint)
    : >"$TMP/proc.times"; started=$(date +%s%N); proc_ok=1
    for ((k = 0; k < runs; k++)); do
      # /usr/bin/time gives the peak RSS (%M); its %e counts in 10 ms steps, too coarse for the
      # small cases, so the wall time is taken with nanosecond clocks around it (which adds the
      # ~1 ms of starting /usr/bin/time itself).
      t0=$(date +%s%N)
      if ! /usr/bin/time -f '%e %M' -o "$TMP/time.out" "$LMM" "${command[@]}" "$formula" "${dargs[@]}" --format json \
          >"$TMP/proc.json" 2>"$TMP/proc.err"; then proc_ok=0; break; fi
      t1=$(date +%s%N)
      echo "$(( (t1 - t0) / 1000 )) $(tail -n1 "$TMP/time.out" | awk '{print $2}')" >>"$TMP/proc.times"
      [ $(( (t1 - started) / 1000000000 )) -lt "${budget%.*}" ] || break
    done
    if [ "$proc_ok" = 1 ]; then
      proc_s=$(awk '{printf "%.6f\n", $1 / 1e6}' "$TMP/proc.times" | median)
      peak=$(awk '{if ($2 > m) m = $2} END {printf "%.0f", m / 1024}' "$TMP/proc.times")
    else
      peak="error"
    fi
  fi

  # lme4: lmer() (or confint()) timed inside R, under a time limit
  lme4_s=""; check="-"
  if [ "$use_r" = 1 ] && [ "$r_ok" = yes ]; then
    echo "[$name] lme4 (limit $lme4_limit s) ..." >&2
    rargs=(--formula "$formula" "${dargs[@]}")
    [ "$kind" = confint ] && rargs+=(--confint)
    status=0
    timeout "$lme4_limit" Rscript "$ROOT/bench/lme4_timing.R" "${rargs[@]}" --runs "$runs" --budget "$budget" \
      >"$TMP/r.out" 2>"$TMP/r.err" || status=$?
    if [ "$status" = 124 ]; then
      lme4_s="skipped"; check="lme4 > ${lme4_limit} s"
    elif [ "$status" != 0 ]; then
      lme4_s="error"; check="lme4: $(grep -m1 -i error "$TMP/r.err" || head -n1 "$TMP/r.err")"
    else
      lme4_s=$(kv lme4_s "$TMP/r.out"); robj=$(kv objective "$TMP/r.out")
      # lmm's objective may not be worse than lme4's by more than 1e-6 relative
      check=$(awk -v a="$obj" -v b="$robj" 'BEGIN {
        d = (a - b) / (b < 0 ? -b : b)
        printf "%s (%+.1e)", (d <= 1e-6 ? "ok" : "WORSE"), d }')
      if [ "$kind" = confint ]; then
        # largest difference between lmm's and lme4's limits, relative to lme4's interval width
        ci=$(awk 'FNR == NR && $1 == "ci" {lo[$2] = $3; hi[$2] = $4; next}
                  $1 == "ci" && ($2 in lo) {w = $4 - $3; if (w <= 0) w = 1
                    for (k = 0; k < 2; k++) { d = (k ? hi[$2] - $4 : lo[$2] - $3) / w; if (d < 0) d = -d; if (d > m) {m = d; at = $2} } }
                  END {printf "ci limits differ by at most %.1e of the width (%s)", m, at}' "$TMP/lmm.out" "$TMP/r.out")
        check="$check; $ci"
      fi
      # convergence or other warnings, from either side
      lmm_msg=$(kv message "$TMP/lmm.out"); r_msg=$(kv message "$TMP/r.out")
      [ -n "$lmm_msg" ] && check="$check; lmm: $lmm_msg"
      [ -n "$r_msg" ] && check="$check; lme4: $r_msg"
    fi
  elif [ "$r_ok" != yes ]; then
    lme4_s="not run"
  fi

  lme4_num=""; [[ $lme4_s =~ ^[0-9.]+$ ]] && lme4_num=$lme4_s
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
    "$name" "$n" "$(fmt_s "$load")" "$(fmt_s "$model")" "$(fmt_s "$fit")" "$evals" "$(fmt_s "$inproc")" \
    "$(fmt_s "$proc_s")" "$peak" "$(if [ -n "$lme4_num" ]; then fmt_s "$lme4_num"; else echo "${lme4_s:--}"; fi)" \
    "$(ratio "$lme4_num" "$inproc")" "$(ratio "$lme4_num" "$proc_s")" "$check"
}

# ---- second table: one objective evaluation by n ---------------------------------------------
objective_table() {
  echo "[objective_vs_n] objective_bench ..." >&2
  echo
  echo "One evaluation of the REML criterion at the fitted theta, y ~ 1 + (1|g1) + (1|g2), 1000 x 200 levels:"
  echo
  "$BUILD/bench/objective_bench" --data-dir "$DATA" --benchmark_format=csv >"$TMP/objective.csv" 2>"$TMP/objective.err"
  echo '| n | ms per evaluation (median) | ns per observation | time ratio to previous n | distinct (g1,g2) pairs | downdate entries | ns per downdate entry | fit evaluations |'
  echo '|--:|--:|--:|--:|--:|--:|--:|--:|'
  awk -F, '
    /^name,/ { for (i = 1; i <= NF; i++) { gsub(/"/, "", $i); col[$i] = i }; next }
    col["name"] && $1 ~ /_median"?$/ {
      t = $col["real_time"]; n = $col["n"]; e = $col["pair_products"]
      printf "| %d | %.3f | %.2f | %s | %d | %d | %.2f | %d |\n", n, t, t * 1e6 / n, (prev ? sprintf("%.2f", t / prev) : "-"),
        $col["pairs"], e, t * 1e6 / e, $col["fit_evaluations"]
      prev = t }' "$TMP/objective.csv"
}

# ---- main ------------------------------------------------------------------------------------
main() {
  parse_options "$@"
  cd "$(dirname "$0")/.."
  ROOT=$PWD
  BUILD=$ROOT/build
  DATA=$ROOT/bench/data
  SHARED=$(cd "$ROOT/.." && pwd)/shared/data
  LMM=$BUILD/lmm

  local c run_cases=() objective=0
  if [ "$list" = 1 ]; then
    for c in "${CASES[@]}"; do printf '%-16s %-10s %s\n' "$(field "$c" 0)" "$(field "$c" 1)" "$(field "$c" 5)"; done
    return 0
  fi
  for c in "${CASES[@]}"; do if wanted "$c"; then run_cases+=("$c"); fi; done
  if [ ${#run_cases[@]} -eq 0 ]; then echo "run.sh: no case matches (see --list)" >&2; exit 2; fi

  [ "$build" = 0 ] || build_tools
  for exe in "$LMM" "$BUILD/bench/lmm_bench" "$BUILD/bench/objective_bench" "$BUILD/bench/simulate_data"; do
    [ -x "$exe" ] || { echo "run.sh: $exe is missing (build with -DLMM_BUILD_BENCHMARKS=ON)" >&2; exit 1; }
  done
  simulate_missing_data "${run_cases[@]}"
  if [ "$use_r" = 1 ] && ! Rscript -e 'quit(status = !requireNamespace("lme4", quietly = TRUE))' >/dev/null 2>&1; then
    echo "run.sh: R with lme4 not found; lme4 columns skipped" >&2
    use_r=0
  fi

  TMP=$(mktemp -d)
  trap 'rm -rf "$TMP"' EXIT

  machine_header
  table_header
  for c in "${run_cases[@]}"; do
    if [ "$(field "$c" 6)" = objective ]; then objective=1; else run_case "$c"; fi
  done
  [ "$objective" = 0 ] || objective_table
}

main "$@"; exit $?
