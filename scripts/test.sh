#!/usr/bin/env bash
# Runs the test suite: installs what is missing, builds, runs ctest.
# Usage: scripts/test.sh [--sanitize | --avx2] [--all] [ctest args...]
#   --sanitize  build and test an ASan+UBSan configuration (build-asan/)
#   --avx2      build for CPUs without AVX-512 (x86-64-v3: AVX2 + FMA, as most
#               laptops; build-avx2/) and run the tests labeled "kernels" (the
#               core, model and generation binaries): the 256-bit micro-kernel
#               must give the same bits
#   --all       include the slow end-to-end tests (label "slow")
# The report's browser test (label "browser") runs when /usr/bin/chromium exists
# (scripts/setup.sh --tools installs it).
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=build
cmake_args=()
setup_args=()
excluded=(slow)
only=()
while [ $# -gt 0 ]; do
  case "$1" in
    --sanitize) build_dir=build-asan; cmake_args=(-DR1_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo -DR1_BUILD_BENCH=OFF) ;;
    --avx2)
      build_dir=build-avx2
      cmake_args=(-DR1_NATIVE=OFF "-DCMAKE_CXX_FLAGS=-march=x86-64-v3" -DR1_BUILD_BENCH=OFF)
      setup_args=(--target test_core --target test_model --target test_generate)
      only=(-L kernels) ;;
    --all) excluded=() ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) break ;;
  esac
  shift
done

if [ ! -x /usr/bin/chromium ]; then
  echo "test.sh: /usr/bin/chromium not found: skipping the browser tests (scripts/setup.sh --tools installs it)"
  excluded+=(browser)
fi
ctest_args=()
if [ ${#excluded[@]} -gt 0 ]; then
  ctest_args=(-LE "$(IFS='|'; echo "${excluded[*]}")")
fi

# One configure and build with the configuration's own arguments (configuring
# first as Release and then again would build everything twice).
scripts/setup.sh --build-dir "$build_dir" "${setup_args[@]}" -- "${cmake_args[@]}"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir "$build_dir" -j2 --output-on-failure "${ctest_args[@]}" "${only[@]}" "$@"
