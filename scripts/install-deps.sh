#!/usr/bin/env bash
# Installs everything Loom needs on Debian 12, without questions, and does
# nothing when it is all there already. Both README commands call it.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache git python3 file binutils
  lld-22                                   # fast links against libMLIR.so
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools   # LLVM/MLIR 22, FileCheck, lit
  protobuf-compiler libprotobuf-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  nlohmann-json3-dev
  libopenblas-dev libssl-dev zlib1g-dev      # runtime: GEMM, bundle checksums, static protobuf
  libgfortran-12-dev                         # static OpenBLAS in loom-run and the GPU tools
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install-deps: not root and no sudo; install: ${missing[*]}" >&2; exit 1; }
    SUDO="sudo"
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "install-deps: all ${#PACKAGES[@]} packages present"
fi

# The CUDA toolkit is not a Debian 12 package at the version Loom targets
# (13, for sm_90 PTX); CI machines have it in /usr/local/cuda. Without it the
# PTX tests are skipped loudly, and the runtime is built without its GPU
# attention kernels (nvcc); both fail when CI=true.
if ! command -v ptxas >/dev/null && [ ! -x /usr/local/cuda/bin/ptxas ]; then
  echo "install-deps: NOTE: no CUDA toolkit (ptxas) found: PTX tests will be skipped" >&2
fi
