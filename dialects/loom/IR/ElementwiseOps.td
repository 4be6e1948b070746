//===- ElementwiseOps.td - unary, binary, compare, select, cast, broadcast -===//
//
// Elementwise ops take operands of one shape: broadcasting is the explicit
// loom.broadcast, inserted by builders (DESIGN.md §4).
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_ELEMENTWISE_OPS_TD
#define LOOM_ELEMENTWISE_OPS_TD

include "dialects/loom/IR/LoomBase.td"
include "dialects/loom/IR/LoomAttrs.td"

def Loom_UnaryOp : Loom_SameTypeOp<"unary", "Elementwise", [Loom_Differentiable, SameOperandsAndResultType]> {
  let summary = "Elementwise unary function";
  let description = [{
    Applies `kind` to every element. Float-only kinds: exp, log, log1p, expm1,
    sqrt, rsqrt, reciprocal, tanh, sigmoid, silu (x·σ(x)), gelu (exact, with
    erf), gelu_tanh (the tanh approximation), softplus (log(1 + eˣ)), sin, cos,
    erf, floor, ceil. `not` is bitwise and integer-only (logical on i1). neg,
    abs, square and relu take any type; integer neg and abs wrap (two's
    complement).

    ```mlir
    %y = loom.unary silu %x : tensor<2x8xbf16>
    ```
  }];
  let arguments = (ins Loom_UnaryKind:$kind, Loom_Tensor:$input);
  let results = (outs Loom_Tensor:$result);
  let assemblyFormat = "$kind $input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def Loom_BinaryOp : Loom_SameTypeOp<"binary", "Elementwise", [Loom_Differentiable, SameOperandsAndResultType]> {
  let summary = "Elementwise binary function";
  let description = [{
    Applies `kind` to pairs of elements of two tensors of one type. Float-only:
    div (IEEE), pow, atan2(lhs, rhs). Integer-only (bitwise; logical on i1):
    and, or, xor. add, sub, mul, max and min take any type; integers wrap.
    Float max and min propagate NaN (like torch.maximum).

    ```mlir
    %z = loom.binary mul %x, %y : tensor<4x8xf32>
    ```
  }];
  let arguments = (ins Loom_BinaryKind:$kind, Loom_Tensor:$lhs, Loom_Tensor:$rhs);
  let results = (outs Loom_Tensor:$result);
  let assemblyFormat = "$kind $lhs `,` $rhs attr-dict `:` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Loom_FloorModOp : Loom_SameTypeOp<"floor_mod", "Elementwise", [Loom_Differentiable, SameOperandsAndResultType]> {
  let summary = "Remainder with the sign of the divisor";
  let description = [{
    `lhs - floor(lhs / rhs) * rhs`, as torch.remainder and Python's `%`: the
    result has the sign of `rhs`. BLT's hash embeddings rely on it over int64
    (models.md §1.5). Integer division by zero is undefined; float gives NaN.

    ```mlir
    %r = loom.floor_mod %hash, %buckets : tensor<2x64xi64>
    ```
  }];
  let arguments = (ins Loom_Tensor:$lhs, Loom_Tensor:$rhs);
  let results = (outs Loom_Tensor:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def Loom_CompareOp : Loom_InferredOp<"compare", "Elementwise", [AllTypesMatch<["lhs", "rhs"]>]> {
  let summary = "Elementwise comparison to i1";
  let description = [{
    Float comparisons follow IEEE: eq, lt, le, gt and ge are false when either
    side is NaN; ne is true when either side is NaN. Integers compare signed.

    ```mlir
    %m = loom.compare lt %pos, %limit : tensor<64xi64>
    ```
  }];
  let arguments = (ins Loom_ComparePredicate:$predicate, Loom_Tensor:$lhs, Loom_Tensor:$rhs);
  let results = (outs Loom_BoolTensor:$result);
  let assemblyFormat = "$predicate $lhs `,` $rhs attr-dict `:` type($lhs)";
}

def Loom_SelectOp : Loom_InferredOp<"select", "Elementwise",
    [Loom_Differentiable, AllTypesMatch<["on_true", "on_false"]>]> {
  let summary = "Elementwise choice by an i1 condition";
  let description = [{
    `condition ? on_true : on_false`, element by element; the condition has the
    shape of the values.

    ```mlir
    %y = loom.select %mask, %x, %zero : tensor<4x8xi1>, tensor<4x8xf32>
    ```
  }];
  let arguments = (ins Loom_BoolTensor:$condition, Loom_Tensor:$on_true, Loom_Tensor:$on_false);
  let results = (outs Loom_Tensor:$result);
  let assemblyFormat = [{
    $condition `,` $on_true `,` $on_false attr-dict `:` type($condition) `,` type($on_true)
  }];
  let hasVerifier = 1;
}

def Loom_CastOp : Loom_Op<"cast", "Elementwise", [Loom_Differentiable]> {
  let summary = "Elementwise conversion of the element type";
  let description = [{
    Converts every element to the result's element type, keeping the shape.
    Float to narrower float rounds to nearest even; float to integer rounds
    toward zero and saturates, with NaN giving 0 (so every backend agrees);
    integer to i1 is `x != 0`; i1 to a number gives 0 or 1. The result type is
    written, since it is what the op means.

    ```mlir
    %h = loom.cast %x : tensor<4x8xf32> to tensor<4x8xbf16>
    ```
  }];
  let arguments = (ins Loom_Tensor:$input);
  let results = (outs Loom_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Loom_BroadcastOp : Loom_Op<"broadcast", "Elementwise", [Loom_Differentiable]> {
  let summary = "Explicit broadcast to a larger shape";
  let description = [{
    Operand dim `i` becomes result dim `dims[i]` (strictly increasing), with the
    same extent; every other result dim is new and repeats the operand. A new
    dynamic result dim takes its size from `dynamic_dims`, in order.

    ```mlir
    // Bias [64] over rows [?, 64] of up to 512 tokens.
    %b = loom.broadcast %bias dims [1] sizes(%n) : tensor<64xf32> -> tensor<?x64xf32, #loom.bounds<[512, 64]>>
    ```
  }];
  let arguments = (ins Loom_Tensor:$input, DenseI64ArrayAttr:$dims,
                       Variadic<Loom_DimSize>:$dynamic_dims);
  let results = (outs Loom_Tensor:$result);
  let assemblyFormat = [{
    $input `dims` $dims (`sizes` `(` $dynamic_dims^ `)`)? attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

#endif // LOOM_ELEMENTWISE_OPS_TD
