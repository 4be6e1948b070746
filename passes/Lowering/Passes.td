//===- Passes.td - lowering loom to upstream dialects ----------------------===//

#ifndef LOOM_PASSES_LOWERING_PASSES_TD
#define LOOM_PASSES_LOWERING_PASSES_TD

include "mlir/Pass/PassBase.td"

def LoomLowerToLinalgPass : Pass<"loom-lower-to-linalg", "::mlir::ModuleOp"> {
  let summary = "Lower loom ops to linalg on tensors (the first step of CPU code generation)";
  let description = [{
    The first step of CPU code generation (the runtime issue builds the rest),
    one file per op family, with the reference interpreter's formulas and
    summation orders so that compiled code agrees with it
    (test/codegen/CpuGoldensTest.cpp):
    - elementwise (LowerElementwise.cpp): unary (every kind; integer kinds
      wrap), binary, floor_mod, compare (ne unordered), select, cast (float to
      integer truncates, saturates, NaN to 0), broadcast (a projected input
      map), iota (`linalg.index`), constant (`arith.constant`);
    - contraction (LowerContraction.cpp): matmul (batched, transposes) and
      linear (+ bias): one generic with a reduction iterator summing in `acc`,
      then one rounding to the element type;
    - reduction (LowerReduction.cpp): reduce sum/mean/max/min (acc,
      keep_dims; NaN-propagating max/min), argmax (first maximum, NaN above
      all), softmax, log_softmax, cumsum (exclusive, reverse);
    - data movement (LowerDataMovement.cpp): transpose, slice, concat,
      reshape (static), gather, scatter_add (an scf.for nest over the update
      positions adding each row into its destination row: in index-position
      order, O(updates)).
    A function result marked `loom.arena = "X"` is written into the argument
    marked the same (`bufferization.materialize_in_destination`), so that
    after `eliminate-empty-tensors` and `one-shot-bufferize` an arena update
    happens in place. Any other op (attention, norms and their gradients,
    rope, cross_entropy, sort, top_k, random) and any bounded dynamic shape
    is an error naming it: "... is not lowered yet".

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
    "::mlir::bufferization::BufferizationDialect", "::mlir::scf::SCFDialect"];
}

#endif // LOOM_PASSES_LOWERING_PASSES_TD
