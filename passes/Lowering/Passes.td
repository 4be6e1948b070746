//===- Passes.td - lowering loom to upstream dialects ----------------------===//

#ifndef LOOM_PASSES_LOWERING_PASSES_TD
#define LOOM_PASSES_LOWERING_PASSES_TD

include "mlir/Pass/PassBase.td"

def LoomLowerToLinalgPass : Pass<"loom-lower-to-linalg", "::mlir::ModuleOp"> {
  let summary = "Lower elementwise, broadcast, iota, constant and sum ops to linalg on tensors";
  let description = [{
    The first step of CPU code generation (the runtime issue builds the rest):
    elementwise loom ops become `linalg.generic`s with parallel iterators,
    `loom.broadcast` a generic with a projected input map, `loom.iota` a
    generic over `linalg.index`, `loom.reduce sum` a generic with reduction
    iterators over a zero-filled init, `loom.constant` an `arith.constant`.
    A function result marked `loom.arena = "X"` is written into the argument
    marked the same (`bufferization.materialize_in_destination`), so that
    after `eliminate-empty-tensors` and `one-shot-bufferize` an arena update
    happens in place. Any other loom op is an error naming it: not lowered yet.

    ```mlir
    %y = loom.binary mul %a, %b : tensor<8xf32>
    // becomes
    %e = tensor.empty() : tensor<8xf32>
    %y = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]}
        ins(%a, %b : tensor<8xf32>, tensor<8xf32>) outs(%e : tensor<8xf32>) { ... arith.mulf ... }
    ```
  }];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect",
    "::mlir::arith::ArithDialect", "::mlir::math::MathDialect",
    "::mlir::bufferization::BufferizationDialect"];
}

#endif // LOOM_PASSES_LOWERING_PASSES_TD
