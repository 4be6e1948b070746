//===- FusionOps.td - fusion regions: what one kernel computes -------------===//

#ifndef LOOM_FUSION_OPS_TD
#define LOOM_FUSION_OPS_TD

include "dialects/loom/IR/LoomBase.td"
include "dialects/loom/IR/LoomAttrs.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"

def Loom_FusionOp : Op<Loom_Dialect, "fusion", [IsolatedFromAbove, SingleBlock,
    SingleBlockImplicitTerminator<"YieldOp">, RecursiveMemoryEffects]> {
  let summary = "A group of ops that one generated kernel computes";
  let description = [{
    Formed by the fusion pass (`loom-fuse`) after target selection: the body
    computes the results from the inputs, which it receives as block
    arguments (the region sees nothing from above), and yields them. `kind`
    names the group's shape: `elementwise` (a chain of elementwise ops with
    their cheap producers), `row_reduction` (such a chain ending in a
    reduction along the rows' trailing dims). Kernel formation outlines each
    fusion op into one kernel.

    ```mlir
    %y = loom.fusion elementwise (%a, %b) : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32> {
    ^bb0(%x: tensor<8xf32>, %z: tensor<8xf32>):
      %m = loom.binary mul %x, %z : tensor<8xf32>
      %e = loom.unary exp %m : tensor<8xf32>
      loom.yield %e : tensor<8xf32>
    }
    ```
  }];
  let arguments = (ins Loom_FusionRegionKind:$kind, Variadic<Loom_Tensor>:$inputs);
  let results = (outs Variadic<Loom_Tensor>:$results);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $kind ` ` `(` $inputs `)` attr-dict `:` functional-type($inputs, $results) $body
  }];
  let hasVerifier = 1;
}

def Loom_YieldOp : Op<Loom_Dialect, "yield", [Pure, Terminator, HasParent<"FusionOp">,
    ReturnLike]> {
  let summary = "The results of a fusion region";
  let description = [{
    ```mlir
    loom.yield %e : tensor<8xf32>
    ```
  }];
  let arguments = (ins Variadic<Loom_Tensor>:$values);
  let assemblyFormat = "($values^ `:` type($values))? attr-dict";
  let builders = [OpBuilder<(ins), [{ /* no values */ }]>];
}

#endif // LOOM_FUSION_OPS_TD
