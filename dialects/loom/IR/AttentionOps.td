//===- AttentionOps.td - attention whose mask is data ---------------------===//

#ifndef LOOM_ATTENTION_OPS_TD
#define LOOM_ATTENTION_OPS_TD

include "dialects/loom/IR/LoomBase.td"

def Loom_AttentionOp : Loom_InferredOp<"attention", "Attention",
    [Loom_Differentiable, AllTypesMatch<["key_positions", "visible_lo", "visible_hi"]>]> {
  let summary = "Grouped-query attention with a per-key visibility interval";
  let description = [{
    Shapes: `query [B, Sq, Hq, D]`, `key [B, Sk, Hkv, D]`, `value [B, Sk, Hkv,
    Dv]` with `Hq % Hkv == 0` (query head `h` reads kv head `h / (Hq / Hkv)`),
    `query_positions [B, Sq]`, and `key_positions`, `visible_lo`, `visible_hi`
    `[B, Sk]`, all integers.

    Query `i` sees key `j` iff `visible_lo[j] ≤ query_positions[i] <
    visible_hi[j]`: one interval per key expresses every mask of the seeds
    (DESIGN.md §4) — causal `[p_j, ∞)`, document-causal with window W `[p_j,
    min(p_j + W, doc_end))`, a bidirectional image span `[o, doc_end)` for its
    keys, chunk-local causal `[p_j, chunk_end)`, and contiguous ranges for BLT's
    byte↔patch cross-attention and packed sequences. Key positions are carried
    for kernels that derive tile sparsity from them and for position-dependent
    biases; the mask itself reads only the intervals.

    `out = softmax(scale · q·kᵀ over visible keys) · v`, with `scale`
    defaulting to `1/sqrt(D)`, computed in f32 (f64 for f64 input). Returns the
    output `[B, Sq, Hq, Dv]` (the query's element type) and the log-sum-exp
    `[B, Sq, Hq]` (f32, or f64) of the scaled scores, which the VJP keeps. A
    query that sees no key gets output 0 and log-sum-exp −inf, never NaN.

    ```mlir
    %o, %lse = loom.attention %q, %k, %v query_positions(%qp) key_positions(%kp)
        visible(%lo, %hi) : tensor<2x64x4x16xf32>, tensor<2x64x2x16xf32>, tensor<2x64x2x16xf32>,
        tensor<2x64xi64>, tensor<2x64xi64>
    ```
  }];
  let arguments = (ins Loom_FloatTensor:$query, Loom_FloatTensor:$key, Loom_FloatTensor:$value,
                       Loom_IndexTensor:$query_positions, Loom_IndexTensor:$key_positions,
                       Loom_IndexTensor:$visible_lo, Loom_IndexTensor:$visible_hi,
                       OptionalAttr<F64Attr>:$scale);
  let results = (outs Loom_FloatTensor:$output, Loom_FloatTensor:$logsumexp);
  let assemblyFormat = [{
    $query `,` $key `,` $value `query_positions` `(` $query_positions `)`
    `key_positions` `(` $key_positions `)` `visible` `(` $visible_lo `,` $visible_hi `)` attr-dict
    `:` type($query) `,` type($key) `,` type($value) `,` type($query_positions) `,` type($key_positions)
  }];
  let hasVerifier = 1;
}

def Loom_AttentionGradOp : Loom_InferredOp<"attention_grad", "Attention",
    [AllTypesMatch<["key_positions", "visible_lo", "visible_hi"]>,
     AllTypesMatch<["output", "output_grad"]>]> {
  let summary = "The VJP of loom.attention: gradients of query, key and value";
  let description = [{
    Given attention's operands, its output `O` and log-sum-exp `L` (kept by the
    forward pass as residuals) and the output's cotangent `dO`, returns `dQ`,
    `dK`, `dV` with the shapes of query, key and value. With
    `P = exp(scale·q·kᵀ − L)` over visible keys (0 elsewhere) and
    `D = rowsum(dO ∘ O)`: `dV = Pᵀ·dO`, `dS = P ∘ (dO·vᵀ − D)`,
    `dQ = scale·dS·k`, `dK = scale·dSᵀ·q`, summed over the query heads that
    share a kv head. A query that sees no key contributes nothing. Computed
    in f32 (f64 for f64 input), in a fixed order.

    ```mlir
    %dq, %dk, %dv = loom.attention_grad %q, %k, %v, %o, %lse, %do query_positions(%qp)
        key_positions(%kp) visible(%lo, %hi) : tensor<2x64x4x16xf32>, tensor<2x64x2x16xf32>,
        tensor<2x64x2x16xf32>, tensor<2x64x4x16xf32>, tensor<2x64x4xf32>, tensor<2x64xi64>,
        tensor<2x64xi64>
    ```
  }];
  let arguments = (ins Loom_FloatTensor:$query, Loom_FloatTensor:$key, Loom_FloatTensor:$value,
                       Loom_FloatTensor:$output, Loom_FloatTensor:$logsumexp,
                       Loom_FloatTensor:$output_grad,
                       Loom_IndexTensor:$query_positions, Loom_IndexTensor:$key_positions,
                       Loom_IndexTensor:$visible_lo, Loom_IndexTensor:$visible_hi,
                       OptionalAttr<F64Attr>:$scale);
  let results = (outs Loom_FloatTensor:$query_grad, Loom_FloatTensor:$key_grad,
                      Loom_FloatTensor:$value_grad);
  let assemblyFormat = [{
    $query `,` $key `,` $value `,` $output `,` $logsumexp `,` $output_grad
    `query_positions` `(` $query_positions `)` `key_positions` `(` $key_positions `)`
    `visible` `(` $visible_lo `,` $visible_hi `)` attr-dict
    `:` type($query) `,` type($key) `,` type($value) `,` type($output) `,` type($logsumexp) `,`
    type($query_positions) `,` type($key_positions)
  }];
  let hasVerifier = 1;
}

#endif // LOOM_ATTENTION_OPS_TD
