#!/usr/bin/env bash
# Runs the test suite: installs what is missing, builds, runs ctest.
# Usage: scripts/test.sh [--sanitize | --avx2] [--all] [ctest args...]
#   --sanitize  build and test an ASan+UBSan configuration (build-asan/)
#   --avx2      build for CPUs without AVX-512 (x86-64-v3: AVX2 + FMA, as most
#               laptops; build-avx2/) and run the tests labeled "kernels" (the
#               core, model and generation binaries): the 256-bit micro-kernel
#               must give the same bits; then, when build/ has the native
#               build, compare a short training run and generation byte for
#               byte between the two
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
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
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

# The AVX2 build must train and generate the same bytes as the native one:
# CrossBuild.TrainingAndGenerationBytes writes them in each build directory.
if [ "$build_dir" = build-avx2 ]; then
  # Against a Release build/: the sanitizers' instrumentation changes the bytes.
  if [ -x build/tests/model/test_model ] &&
    grep -qx 'CMAKE_BUILD_TYPE:STRING=Release' build/CMakeCache.txt; then
    cmake --build build --target test_model
    for dir in build build-avx2; do
      OMP_WAIT_POLICY=PASSIVE "$dir/tests/model/test_model" --gtest_filter='CrossBuild.*' >/dev/null
    done
    if ! cmp build/cross_build_bytes.bin build-avx2/cross_build_bytes.bin; then
      echo "test.sh: the AVX2 build trains and generates other bytes than the native build (build/)"
      exit 1
    fi
    echo "test.sh: the AVX2 build trains and generates the same bytes as the native build"
  else
    echo "test.sh: no native Release build in build/ to compare the AVX2 build's bytes with (run scripts/test.sh first)"
  fi
fi
