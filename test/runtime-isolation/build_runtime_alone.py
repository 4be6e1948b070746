#!/usr/bin/env python3
"""Configures, builds and tests the runtime alone (-DLOOM_BUILD_COMPILER=OFF) in a scratch
build directory: the runtime must build and pass its tests on a machine without MLIR
(DESIGN.md §3). The configure step must not look MLIR or LLVM up at all.

The scratch directory is kept between runs, so a rerun only rebuilds what changed (and a cold
build hits ccache). This test itself is excluded from the nested ctest run. Standard library
only.
"""
import argparse
import os
import subprocess
import sys
import time

SELF_TEST_NAME = "runtime-standalone-build"


def step(title, command):
    print("==> %s\n    %s" % (title, " ".join(command)), flush=True)
    start = time.monotonic()
    result = subprocess.run(command)
    print("    (%.1f s, exit %d)" % (time.monotonic() - start, result.returncode), flush=True)
    if result.returncode != 0:
        sys.exit("runtime-alone: %s failed" % title)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--scratch-dir", required=True)
    parser.add_argument("--cmake", default="cmake")
    parser.add_argument("--ctest", default="ctest")
    parser.add_argument("--generator", default="Ninja")
    parser.add_argument("--c-compiler")
    parser.add_argument("--cxx-compiler")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()

    configure = [args.cmake, "-G", args.generator, "-S", args.source_dir, "-B", args.scratch_dir,
                 "-DLOOM_BUILD_COMPILER=OFF", "-DLOOM_BUILD_TESTS=ON"]
    if args.c_compiler:
        configure.append("-DCMAKE_C_COMPILER=" + args.c_compiler)
    if args.cxx_compiler:
        configure.append("-DCMAKE_CXX_COMPILER=" + args.cxx_compiler)
    step("configure", configure)

    # With the compiler off nothing may even search for MLIR or LLVM.
    with open(os.path.join(args.scratch_dir, "CMakeCache.txt")) as f:
        looked_up = [line.strip() for line in f
                     if line.startswith(("MLIR_DIR:", "LLVM_DIR:", "MLIR_", "LLVM_"))]
    if looked_up:
        sys.exit("runtime-alone: configuring with LOOM_BUILD_COMPILER=OFF looked up MLIR/LLVM:\n  "
                 + "\n  ".join(looked_up))

    step("build", [args.cmake, "--build", args.scratch_dir, "--parallel", str(args.jobs)])
    step("test", [args.ctest, "--test-dir", args.scratch_dir, "--output-on-failure",
                  "--parallel", str(args.jobs), "--no-tests=error",
                  "-E", "^%s$" % SELF_TEST_NAME])
    print("runtime-alone: configured, built and tested without MLIR")
    return 0


if __name__ == "__main__":
    sys.exit(main())
