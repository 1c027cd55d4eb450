#!/usr/bin/env bash
# shellcheck disable=SC2317  # some functions are only called via run_stage "$@"
# THE test command. From a fresh clone it runs, in order:
#   1. normal build     build/       Ninja, RelWithDebInfo   then ctest
#   2. sanitizer build  build-asan/  -DRDC_SANITIZE=ON       then ctest      (skip: RDC_SKIP_ASAN=1)
#   3. fuzz build       build-fuzz/  clang, -DRDC_FUZZ=ON    then each libFuzzer target for
#      RDC_FUZZ_SECONDS (default 30) on its seed corpus in tests/fuzz/corpus/ (skip: RDC_SKIP_FUZZ=1)
# A failing stage does not stop the later ones, so the summary at the end is
# complete; the exit status is non-zero if anything failed. The summary ends
# with ctest's own "N% tests passed, ..." line (of the first failing ctest run,
# else of the normal build), so whatever reads the last line sees ctest's verdict.
#
# Environment: RDC_JOBS (build/ctest parallelism, default 2), RDC_SKIP_ASAN=1,
# RDC_SKIP_FUZZ=1, RDC_FUZZ_SECONDS=N.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
jobs=${RDC_JOBS:-2}
fuzz_seconds=${RDC_FUZZ_SECONDS:-30}

summary=()           # one line per stage, printed at the end
failed=0
final_ctest_line=""  # the ctest verdict line echoed last
failed_ctest_line=""

note() { printf '\n==> %s\n' "$*"; }
record() { summary+=("$(printf '%-5s %s' "$1" "$2")"); [ "$1" != FAIL ] || failed=1; }

# Runs "$@" in a subshell with errexit in force (calling it from an `if` would
# silently switch errexit off inside), returning its status without exiting.
run_stage() {
  set +e
  (set -e; "$@")
  local rc=$?
  set -e
  return $rc
}

configure_and_build() { # <dir> <cmake args...>
  local dir=$1
  shift
  cmake -S "$root" -B "$dir" -G Ninja "$@"
  cmake --build "$dir" -j "$jobs"
}

# Runs ctest in <dir>, keeps its log, and records its verdict line.
ctest_stage() { # <label> <dir>
  local label=$1 dir=$2 rc line
  note "ctest in $dir"
  set +e
  ctest --test-dir "$dir" --output-on-failure --no-tests=error -j "$jobs" 2>&1 |
    tee "$dir/ctest.log"
  rc=${PIPESTATUS[0]}
  set -e
  line=$(grep -E '^[0-9]+% tests passed' "$dir/ctest.log" | tail -n 1 || true)
  [ -n "$line" ] || line="ctest printed no verdict (exit status $rc)"
  if [ "$rc" -eq 0 ]; then
    record PASS "ctest $label: $line"
  else
    record FAIL "ctest $label: $line"
    [ -n "$failed_ctest_line" ] || failed_ctest_line=$line
  fi
  [ "$label" != normal ] || final_ctest_line=$line
}

# --- 1. normal build ------------------------------------------------------
note "normal build (build/)"
if run_stage configure_and_build build -DCMAKE_BUILD_TYPE=RelWithDebInfo; then
  record PASS "build normal (build/, RelWithDebInfo)"
  ctest_stage normal build
else
  record FAIL "build normal (build/): see the compiler output above; ctest not run"
fi

# --- 2. ASan + UBSan build --------------------------------------------------
if [ "${RDC_SKIP_ASAN:-0}" = 1 ]; then
  record SKIP "ASan+UBSan build and ctest (RDC_SKIP_ASAN=1)"
else
  note "ASan+UBSan build (build-asan/)"
  if run_stage configure_and_build build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRDC_SANITIZE=ON; then
    record PASS "build asan (build-asan/, ASan+UBSan)"
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    ctest_stage asan build-asan
    unset ASAN_OPTIONS UBSAN_OPTIONS
  else
    record FAIL "build asan (build-asan/): see the compiler output above; ctest not run"
  fi
fi

# --- 3. libFuzzer targets ---------------------------------------------------
# The library code gets the fuzzer-no-link instrumentation; the fuzz targets
# themselves link -fsanitize=fuzzer (tests/fuzz/CMakeLists.txt). Only the fuzz
# targets (and what they link) are built here.
fuzz_flags="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
fuzz_targets=()
for dir in "$root"/tests/fuzz/corpus/*/; do
  [ -d "$dir" ] && fuzz_targets+=("$(basename "$dir")")
done

build_fuzzers() {
  CC=clang CXX=clang++ cmake -S "$root" -B build-fuzz -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRDC_FUZZ=ON \
    -DCMAKE_C_FLAGS="$fuzz_flags" -DCMAKE_CXX_FLAGS="$fuzz_flags"
  cmake --build build-fuzz -j "$jobs" --target "${fuzz_targets[@]}"
}

# New inputs go to a scratch corpus under build-fuzz/ (the seed corpus in the
# tree stays untouched); a crash leaves its input in build-fuzz/artifacts/.
run_fuzzer() { # <target>
  local t=$1
  mkdir -p "build-fuzz/corpus/$t" "build-fuzz/artifacts/$t"
  "build-fuzz/tests/fuzz/$t" -max_total_time="$fuzz_seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="build-fuzz/artifacts/$t/" \
    "build-fuzz/corpus/$t" "tests/fuzz/corpus/$t" 2>&1 | tee "build-fuzz/$t.log"
}

if [ "${RDC_SKIP_FUZZ:-0}" = 1 ]; then
  record SKIP "fuzzing (RDC_SKIP_FUZZ=1)"
elif [ ${#fuzz_targets[@]} -eq 0 ]; then
  record FAIL "fuzzing: no seed corpora in tests/fuzz/corpus/"
else
  note "fuzz build (build-fuzz/, clang): ${fuzz_targets[*]}"
  if run_stage build_fuzzers; then
    record PASS "build fuzz (build-fuzz/, clang, ${#fuzz_targets[@]} targets)"
    for t in "${fuzz_targets[@]}"; do
      note "fuzzing $t for ${fuzz_seconds}s"
      if run_stage run_fuzzer "$t"; then
        runs=$(grep -Eo 'stat::number_of_executed_units: [0-9]+' "build-fuzz/$t.log" | grep -Eo '[0-9]+$' || true)
        record PASS "fuzz $t (${fuzz_seconds}s, ${runs:-?} inputs, no crash)"
      else
        record FAIL "fuzz $t: crash or error, see build-fuzz/$t.log and build-fuzz/artifacts/$t/"
      fi
    done
  else
    record FAIL "build fuzz (build-fuzz/): see the compiler output above; fuzzers not run"
  fi
fi

# --- summary ----------------------------------------------------------------
echo
echo "==================== tests/run.sh summary ===================="
printf '%s\n' "${summary[@]}"
if [ $failed -eq 0 ]; then
  echo "RESULT: all stages passed"
else
  echo "RESULT: FAILED"
fi
echo "=============================================================="
last=${failed_ctest_line:-$final_ctest_line}
[ -z "$last" ] || echo "$last"
exit $failed
