//===- TestPasses.td - loom-opt's test-only passes -------------------------===//
//
// Registered only in loom-opt (MLIR's test/lib convention): tools for testing
// other passes, never part of a pipeline.
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_TEST_LIB_TESTPASSES_TD
#define LOOM_TEST_LIB_TESTPASSES_TD

include "mlir/Pass/PassBase.td"

def LoomTestBreakSubtractionPass : Pass<"loom-test-break-subtraction", "::mlir::ModuleOp"> {
  let summary = "Swap the operands of every loom.binary sub (a deliberately wrong rewrite)";
  let description = [{
    Exists so that tests can show that translation validation catches a pass
    that changes what a program computes.
  }];
  let dependentDialects = ["::mlir::loom::LoomDialect"];
}

def LoomTestPassEquivalencePass : Pass<"loom-test-pass-equivalence", "::mlir::ModuleOp"> {
  let summary = "Translation validation: interpret every function before and after a pipeline";
  let description = [{
    Runs `pipeline` (textual, as for --pass-pipeline, without the builtin.module
    anchor) on the module and checks that every public function present before
    and after computes the same results: both versions are run by the reference
    interpreter in float64 on `trials` sets of random inputs (floats uniform in
    [-1, 1], integers uniform in [0, 3] so that they index the small tensors of
    tests), and float results must agree within `tolerance` relative. A
    mismatch is an error naming the function, the result and the error; a
    function whose inputs the original refuses (an out-of-range index) or that
    takes index arguments is skipped with a remark. The module is left
    transformed, so FileCheck can look at the output too.

    ```
    loom-opt --loom-test-pass-equivalence="pipeline=canonicalize" in.mlir
    ```
  }];
  let options = [
    Option<"pipeline", "pipeline", "std::string", "\"\"", "The pass pipeline to validate">,
    Option<"trials", "trials", "unsigned", "3", "Random input sets per function">,
    Option<"tolerance", "tolerance", "double", "1e-12", "Largest relative difference allowed">,
    Option<"seed", "seed", "uint64_t", "1", "Seed of the random inputs">,
  ];
  let dependentDialects = ["::mlir::loom::LoomDialect"];
}

def LoomTestWorkgroupTilingPass : Pass<"loom-test-workgroup-tiling", "::mlir::ModuleOp"> {
  let summary = "Tile every kernel with a grid of several workgroups (codegen/tiling)";
  let description = [{
    Applies codegen/tiling's tileWorkgroups to every func.func (at any depth)
    whose `loom.workgroups` has gx > 1, so that lit tests can show the tiled
    form, and what bufferization makes of it, without compiling a .so.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::tensor::TensorDialect"];
}

#endif // LOOM_TEST_LIB_TESTPASSES_TD
