//===- NormOps.td - rms_norm, layer_norm, rope ----------------------------===//

#ifndef LOOM_NORM_OPS_TD
#define LOOM_NORM_OPS_TD

include "dialects/loom/IR/LoomBase.td"
include "dialects/loom/IR/LoomAttrs.td"

def Loom_RmsNormOp : Loom_InferredOp<"rms_norm", "RowReduction", [Loom_Differentiable]> {
  let summary = "RMS normalization over the last dim";
  let description = [{
    `rstd = 1 / sqrt(mean(x², last dim) + epsilon)`, `y = x · rstd (· weight)`,
    computed in f32 (f64 for f64 input). Returns `y` (the input's type) and
    `rstd` (`[...]`, f32 or f64), which the VJP keeps as its residual.

    ```mlir
    %y, %rstd = loom.rms_norm %x weight(%w : tensor<64xf32>) {epsilon = 1.0e-05 : f64} : tensor<2x64x64xf32>
    ```
  }];
  let arguments = (ins Loom_FloatTensor:$input, Optional<Loom_FloatTensor>:$weight,
                       F64Attr:$epsilon);
  let results = (outs Loom_FloatTensor:$result, Loom_FloatTensor:$rstd);
  let assemblyFormat = [{
    $input (`weight` `(` $weight^ `:` type($weight) `)`)? attr-dict `:` type($input)
  }];
  let hasVerifier = 1;
}

def Loom_LayerNormOp : Loom_InferredOp<"layer_norm", "RowReduction", [Loom_Differentiable, AttrSizedOperandSegments]> {
  let summary = "Layer normalization over the last dim";
  let description = [{
    `y = (x − mean) · rstd (· weight) (+ bias)` with the biased variance, as
    torch.nn.functional.layer_norm, computed in f32 (f64 for f64 input). Returns
    `y`, `mean` and `rstd` (`[...]`, f32 or f64).

    ```mlir
    %y, %mean, %rstd = loom.layer_norm %x weight(%w : tensor<64xf32>) bias(%b : tensor<64xf32>)
        {epsilon = 1.0e-06 : f64} : tensor<2x16x64xf32>
    ```
  }];
  let arguments = (ins Loom_FloatTensor:$input, Optional<Loom_FloatTensor>:$weight,
                       Optional<Loom_FloatTensor>:$bias, F64Attr:$epsilon);
  let results = (outs Loom_FloatTensor:$result, Loom_FloatTensor:$mean, Loom_FloatTensor:$rstd);
  let assemblyFormat = [{
    $input (`weight` `(` $weight^ `:` type($weight) `)`)? (`bias` `(` $bias^ `:` type($bias) `)`)?
    attr-dict `:` type($input)
  }];
  let hasVerifier = 1;
}

def Loom_RmsNormGradOp : Loom_InferredOp<"rms_norm_grad", "RowReduction",
    [AllTypesMatch<["input", "normalized_grad"]>]> {
  let summary = "The input gradient of RMS normalization";
  let description = [{
    With `x̂ = x · rstd` (the forward pass keeps `rstd`) and `g = dL/dx̂` (the
    cotangent of the normalized value, before any weight: the VJP multiplies
    by the weight first), returns `dx = rstd · (g − x̂ · mean(g · x̂))` over the
    last dim, computed in f32 (f64 for f64 input).

    ```mlir
    %dx = loom.rms_norm_grad %x, %rstd, %g : tensor<2x64x64xf32>, tensor<2x64xf32>
    ```
  }];
  let arguments = (ins Loom_FloatTensor:$input, Loom_FloatTensor:$rstd,
                       Loom_FloatTensor:$normalized_grad);
  let results = (outs Loom_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $rstd `,` $normalized_grad attr-dict `:` type($input) `,` type($rstd)
  }];
}

def Loom_LayerNormGradOp : Loom_InferredOp<"layer_norm_grad", "RowReduction",
    [AllTypesMatch<["input", "normalized_grad"]>, AllTypesMatch<["mean", "rstd"]>]> {
  let summary = "The input gradient of layer normalization";
  let description = [{
    With `x̂ = (x − mean) · rstd` and `g = dL/dx̂`, returns
    `dx = rstd · (g − mean(g) − x̂ · mean(g · x̂))` over the last dim, computed
    in f32 (f64 for f64 input).

    ```mlir
    %dx = loom.layer_norm_grad %x, %mean, %rstd, %g : tensor<2x16x64xf32>, tensor<2x16xf32>
    ```
  }];
  let arguments = (ins Loom_FloatTensor:$input, Loom_FloatTensor:$mean, Loom_FloatTensor:$rstd,
                       Loom_FloatTensor:$normalized_grad);
  let results = (outs Loom_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $mean `,` $rstd `,` $normalized_grad attr-dict `:` type($input) `,` type($rstd)
  }];
}

def Loom_RopeOp : Loom_InferredOp<"rope", "Elementwise", [Loom_Differentiable]> {
  let summary = "Rotary position embedding with explicit positions";
  let description = [{
    `input [B, S, H, D]` (D even), `positions [B, S]` (integers). Pair `j` of a
    head rotates by `positions · theta^(−2j/D)`, with angles computed in f32 (f64
    for f64 input); `layout` says which elements pair up: `interleaved`
    (x[2j], x[2j+1]) as BLT and Meta's Llama, or `half_split` (x[j], x[j+D/2])
    as Hugging Face Llama. Positions are data, so packed rows, chunk-local
    restarts (Megalodon) and decoding at an offset need no other op.

    ```mlir
    %qr = loom.rope %q positions(%pos : tensor<2x64xi64>) layout(half_split) {theta = 1.0e+04 : f64}
        : tensor<2x64x4x16xf32>
    ```
  }];
  let arguments = (ins Loom_FloatTensor:$input, Loom_IndexTensor:$positions,
                       Loom_RopeLayout:$layout, F64Attr:$theta);
  let results = (outs Loom_FloatTensor:$result);
  let assemblyFormat = [{
    $input `positions` `(` $positions `:` type($positions) `)` `layout` `(` $layout `)` attr-dict
    `:` type($input)
  }];
  let hasVerifier = 1;
}

#endif // LOOM_NORM_OPS_TD
