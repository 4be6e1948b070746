#!/usr/bin/env bash
# Configures and builds Loom into $LOOM_BUILD_DIR (default: build/).
# usage: scripts/build.sh [ninja targets...]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${LOOM_BUILD_DIR:-$root/build}"
jobs="${LOOM_JOBS:-$(nproc)}"

if [ ! -f "$build/build.ninja" ]; then
  cmake -G Ninja -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release
fi
ninja -C "$build" -j "$jobs" "$@"
