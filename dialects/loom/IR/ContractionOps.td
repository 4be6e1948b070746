//===- ContractionOps.td - matmul and linear ------------------------------===//

#ifndef LOOM_CONTRACTION_OPS_TD
#define LOOM_CONTRACTION_OPS_TD

include "dialects/loom/IR/LoomBase.td"

def Loom_MatmulOp : Loom_InferredOp<"matmul", "Contraction", [Loom_Differentiable]> {
  let summary = "Batched matrix product with an accumulation type";
  let description = [{
    `lhs [..., m, k] × rhs [..., k, n] → [..., m, n]`; both operands have the
    same rank (≥ 2) and the same leading batch dims. `transpose_lhs` reads lhs
    as `[..., k, m]`, `transpose_rhs` reads rhs as `[..., n, k]`. Products are
    summed in `acc` (a float for float data, i32 or i64 for integers) and
    rounded once to the operands' element type.

    ```mlir
    %s = loom.matmul %q, %k transpose_rhs acc(f32) : tensor<8x64x16xbf16>, tensor<8x64x16xbf16>
    ```
  }];
  let arguments = (ins Loom_Tensor:$lhs, Loom_Tensor:$rhs, Loom_AccTypeAttr:$acc,
                       UnitAttr:$transpose_lhs, UnitAttr:$transpose_rhs);
  let results = (outs Loom_Tensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs (`transpose_lhs` $transpose_lhs^)? (`transpose_rhs` $transpose_rhs^)?
    `acc` `(` $acc `)` attr-dict `:` type($lhs) `,` type($rhs)
  }];
  let hasVerifier = 1;
}

def Loom_LinearOp : Loom_InferredOp<"linear", "Contraction", [Loom_Differentiable]> {
  let summary = "x·Wᵀ (+ b) with PyTorch's weight layout";
  let description = [{
    `input [..., in] × weight [out, in] (+ bias [out]) → [..., out]`, as
    torch.nn.functional.linear: the weight is stored `[out, in]`, as in Hugging
    Face checkpoints. Summed in `acc`, rounded once to the element type.

    ```mlir
    %h = loom.linear %x, %w acc(f32) : tensor<2x64x64xbf16>, tensor<192x64xbf16>
    %o = loom.linear %x, %w bias(%b : tensor<192xf32>) acc(f32) : tensor<2x64x64xf32>, tensor<192x64xf32>
    ```
  }];
  let arguments = (ins Loom_Tensor:$input, Loom_Tensor:$weight,
                       Optional<Loom_Tensor>:$bias, Loom_AccTypeAttr:$acc);
  let results = (outs Loom_Tensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`bias` `(` $bias^ `:` type($bias) `)`)? `acc` `(` $acc `)` attr-dict
    `:` type($input) `,` type($weight)
  }];
  let hasVerifier = 1;
}

#endif // LOOM_CONTRACTION_OPS_TD
