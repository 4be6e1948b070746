//===- Passes.td - fusion under the target's capability table --------------===//

#ifndef LOOM_PASSES_FUSION_PASSES_TD
#define LOOM_PASSES_FUSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def LoomFusePass : Pass<"loom-fuse", "::mlir::ModuleOp"> {
  let summary = "Form loom.fusion regions under the target's capability table";
  let description = [{
    After target selection (it reads `loom.target` and the target's row of
    passes/Fusion/TargetCapabilities.cpp), groups each function's ops into
    the regions one generated kernel computes. Every decision is made by
    FusionPolicy (passes/Fusion/FusionPolicy.h, which lists the rules) and
    comes with a reason; `explain=true` (loomc `--loom-fusion-explain`)
    prints each one as a remark at its op:
    - elementwise chains: an elementwise op joins the open group of a
      producer of one of its operands that computes on the same shape;
    - cheap producers (broadcast, iota, splat constants) are recomputed in
      every group that reads them, never written out;
    - a row reduction (norms and their gradients, softmax, reductions over
      trailing dims, cross entropy) joins the open group producing its row
      input and closes it;
    - library calls, attention, layout changes, data-dependent and random
      ops never join;
    - sibling ropes (q's and k's of one attention, each a group of its own)
      over the same positions merge: one launch reads the positions once;
    - no cycles; the target's buffer and op limits hold;
    - a bias row added to an f32 linear becomes the linear's bias (a GEMM
      epilogue) only where the target's GEMM library applies one (cuda:
      cuBLASLt; not cpu: OpenBLAS sgemm has none).
    Groups of two or more ops (recomputed producers count) become
    `loom.fusion` ops; kernel formation (`loom-form-dispatches`) outlines
    each into one kernel.

    ```mlir
    %m = loom.binary mul %x, %y : tensor<4x64xf32>
    %r, %rstd = loom.rms_norm %m {epsilon = 1.0e-5 : f64} : tensor<4x64xf32>
    // becomes
    %r, %rstd = loom.fusion row_reduction (%x, %y) : (...) -> (...) {
    ^bb0(%a: tensor<4x64xf32>, %b: tensor<4x64xf32>):
      %m = loom.binary mul %a, %b : tensor<4x64xf32>
      %r, %rstd = loom.rms_norm %m {epsilon = 1.0e-5 : f64} : tensor<4x64xf32>
      loom.yield %r, %rstd : tensor<4x64xf32>, tensor<4xf32>
    }
    ```
  }];
  let options = [
    Option<"explain", "explain", "bool", /*default=*/"false",
           "print the reason of every fusion decision as a remark at its op">,
  ];
  let dependentDialects = ["::mlir::loom::LoomDialect"];
}

#endif // LOOM_PASSES_FUSION_PASSES_TD
