#!/usr/bin/env bash
# Runs every libFuzzer target (tests/fuzz/fuzz_*.cpp) for FUZZ_SECONDS each
# (default 25) from its seed corpus; one test per target, passed when the
# fuzzer found no crash, leak, timeout or sanitizer report. Builds the fuzz
# build directory (clang, ASan+UBSan, -Dfuzz=true) when it is missing.
#   FUZZ_BUILD    build directory (default: <repo>/build-fuzz)
#   FUZZ_SECONDS  seconds per target
#   FUZZ_CORPUS   where new inputs are kept (default: a temp dir, removed)
# Crashing inputs are kept in $FUZZ_BUILD/crashes/<target>/; add them to
# tests/fuzz/corpus/<target>/ once fixed.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${FUZZ_BUILD:-$here/build-fuzz}
seconds=${FUZZ_SECONDS:-15}
passed=0
failed=0

if [ ! -f "$build/build.ninja" ]; then
    if ! command -v clang++ >/dev/null; then
        echo "not ok fuzz: clang++ is missing (scripts/install-deps installs it)"
        echo "0 passed, 1 failed"
        exit 1
    fi
    CC=clang CXX=clang++ meson setup "$build" "$here" -Dfuzz=true --buildtype=debugoptimized \
        -Db_sanitize=address,undefined -Db_lundef=false >/dev/null ||
        { echo "not ok fuzz: meson setup failed"; echo "0 passed, 1 failed"; exit 1; }
fi
if ! out=$(nice ninja -C "$build" 2>&1); then
    echo "$out" | tail -30
    echo "not ok fuzz: the fuzz build failed"
    echo "0 passed, 1 failed"
    exit 1
fi

work=$(mktemp -d /tmp/fab-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
for src in "$here"/tests/fuzz/fuzz_*.cpp; do
    t=$(basename "$src" .cpp)
    name=${t#fuzz_}
    exe="$build/tests/fuzz/$t"
    seeds="$here/tests/fuzz/corpus/$name"
    corpus=${FUZZ_CORPUS:-$work/corpus}/$name
    crashes="$build/crashes/$name"
    mkdir -p "$corpus" "$crashes"
    if [ ! -x "$exe" ]; then
        echo "not ok $name: $exe missing"
        failed=$((failed + 1))
        continue
    fi
    # Reports go to the terminal here (not tests/run's log files): libFuzzer
    # prints the crash and the input it saved.
    log="$work/$name.log"
    if ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:symbolize=1" \
        UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
        "$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -print_final_stats=1 -artifact_prefix="$crashes/" "$corpus" "$seeds" >"$log" 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
        echo "ok $name (${runs:-?} inputs in ${seconds}s)"
        passed=$((passed + 1))
    else
        echo "not ok $name: the fuzzer found a problem; input kept in $crashes/"
        grep -E "ERROR|SUMMARY|runtime error|Test unit written" "$log" | head -20
        tail -40 "$log"
        failed=$((failed + 1))
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
