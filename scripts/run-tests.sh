#!/usr/bin/env bash
# Builds and runs every test twice, warnings as errors in both:
#   build/       the normal build
#   build-asan/  Debug with AddressSanitizer + UndefinedBehaviorSanitizer
# Goes on after a failure so that one run reports everything, then ends with the line
# "N passed, N failed" summed over both runs; the exit status is 0 only if everything passed.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

bash scripts/setup-debian.sh || exit 1

passed=0
failed=0
ok=1

# suite DIR [cmake options...]: configure, build and test one build directory. A configure or
# build failure counts as one failed test, so the summary can never read "0 failed" after it.
suite() {
    local dir=$1
    shift
    if [[ -f $dir/CMakeCache.txt ]] && ! grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja$' "$dir/CMakeCache.txt"; then
        rm -rf "$dir"  # made by another generator: cannot be reused
    fi
    echo "==> $dir: configure"
    if ! cmake -S . -B "$dir" -G Ninja -DMOSIX_WERROR=ON -DMOSIX_BUILD_TESTS=ON "$@"; then
        echo "run-tests: $dir: configure failed" >&2
        failed=$((failed + 1)) ok=0
        return
    fi
    echo "==> $dir: build"
    if ! cmake --build "$dir"; then
        echo "run-tests: $dir: build failed" >&2
        failed=$((failed + 1)) ok=0
        return
    fi
    echo "==> $dir: test"
    ctest --test-dir "$dir" --output-on-failure -j2 --timeout 300 2>&1 | tee "$dir/ctest.log"
    local status=${PIPESTATUS[0]}
    # ctest ends with e.g. "97% tests passed, 1 tests failed out of 40".
    local summary total bad
    summary=$(grep -Eo '[0-9]+ tests failed out of [0-9]+' "$dir/ctest.log" | tail -n 1)
    if [[ -n $summary ]]; then
        read -r bad _ _ _ _ total <<<"$summary"
        passed=$((passed + total - bad))
        failed=$((failed + bad))
    elif ! grep -q 'No tests were found' "$dir/ctest.log"; then
        echo "run-tests: $dir: ctest gave no summary" >&2
        failed=$((failed + 1))
    fi
    if ((status != 0)); then ok=0; fi
}

suite build -DMOSIX_SANITIZE=OFF
# Leak checking is on; tests/lsan.supp holds the suppressions (third-party libraries that keep
# memory until exit, and rank-local values that live as long as their rank). UBSan stops at the
# first problem.
ASAN_OPTIONS="detect_leaks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}" \
    LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}" \
    UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}" \
    suite build-asan -DMOSIX_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug

echo "$passed passed, $failed failed"
if ((ok == 0 || failed > 0)); then exit 1; fi
