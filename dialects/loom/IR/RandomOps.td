//===- RandomOps.td - Philox-4x32-10 counter-based randomness ------------===//
//
// DESIGN.md §4: counter = logical element index, key = fold_in(fold_in(seed,
// step), op id). Random ops are pure functions of (key, shape), so they
// regenerate exactly in the backward pass and after a resume.
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_RANDOM_OPS_TD
#define LOOM_RANDOM_OPS_TD

include "dialects/loom/IR/LoomBase.td"

def Loom_RandomFoldInOp : Loom_SameTypeOp<"random_fold_in", "Generator",
    [AllTypesMatch<["key", "data"]>]> {
  let summary = "Derive a key from a key and a 64-bit value";
  let description = [{
    Keys are 64-bit (`tensor<i64>`; Philox's two key words are its low and high
    halves). `fold_in(key, data)` runs Philox-4x32-10 with that key on the
    counter `(lo(data), hi(data), 0, 0)` and returns output words 0 and 1 as the
    new key's low and high halves.

    ```mlir
    %k1 = loom.random_fold_in %seed, %step : tensor<i64>
    ```
  }];
  let arguments = (ins Loom_KeyTensor:$key, Loom_KeyTensor:$data);
  let results = (outs Loom_KeyTensor:$result);
  let assemblyFormat = "$key `,` $data attr-dict `:` type($key)";
}

def Loom_RandomUniformOp : Loom_Op<"random_uniform", "Generator"> {
  let summary = "Uniform floats in [0, 1)";
  let description = [{
    Element `i` (row-major logical index, in the bounded shape) draws Philox on
    the counter `(lo(i), hi(i), 0, 0)`. f32, f16 and bf16 take the top 24 bits
    of word 0 as `bits · 2⁻²⁴` then round toward zero to the element type; f64
    takes 53 bits from words 0 and 1. The draws are bit-identical on every
    backend.

    ```mlir
    %u = loom.random_uniform %key : tensor<2x64xf32>
    ```
  }];
  let arguments = (ins Loom_KeyTensor:$key, Variadic<Loom_DimSize>:$dynamic_dims);
  let results = (outs Loom_FloatTensor:$result);
  let assemblyFormat = "$key (`sizes` `(` $dynamic_dims^ `)`)? attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def Loom_RandomNormalOp : Loom_Op<"random_normal", "Generator"> {
  let summary = "Standard normal floats";
  let description = [{
    Element `i` draws words 0 and 1 of Philox on the counter `(lo(i), hi(i), 0,
    1)` as two uniforms in (0, 1] and returns Box-Muller's cosine branch,
    computed in f32 (f64 for f64 results: words 0–3 as two 53-bit uniforms).
    Backends agree within 2 ulp.

    ```mlir
    %eps = loom.random_normal %key : tensor<4x16xf32>
    ```
  }];
  let arguments = (ins Loom_KeyTensor:$key, Variadic<Loom_DimSize>:$dynamic_dims);
  let results = (outs Loom_FloatTensor:$result);
  let assemblyFormat = "$key (`sizes` `(` $dynamic_dims^ `)`)? attr-dict `:` type($result)";
  let hasVerifier = 1;
}

#endif // LOOM_RANDOM_OPS_TD
