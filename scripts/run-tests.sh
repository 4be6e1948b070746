#!/usr/bin/env bash
# All tests of tier 1 (DESIGN.md §8): installs what is missing, builds
# everything, runs ctest. Ends with ctest's closing line.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${LOOM_BUILD_DIR:-$root/build}"

bash "$root/scripts/install-deps.sh"
start=$(date +%s)
bash "$root/scripts/build.sh"
echo "build: $(( $(date +%s) - start )) s"
cd "$build"
# Tiers are ctest labels (DESIGN.md §8); tier 1 is tier 0 plus the CI-only tests.
ctest -L "${LOOM_TEST_TIERS:-^tier[01]$}" --output-on-failure -j "${LOOM_JOBS:-$(nproc)}"
