//===- ReductionOps.td - reduce, argmax, cumsum, top_k, sort, softmax, CE -===//

#ifndef LOOM_REDUCTION_OPS_TD
#define LOOM_REDUCTION_OPS_TD

include "dialects/loom/IR/LoomBase.td"
include "dialects/loom/IR/LoomAttrs.td"

def Loom_ReduceOp : Loom_InferredOp<"reduce", "RowReduction", [Loom_Differentiable]> {
  let summary = "Sum, mean, max or min over dims";
  let description = [{
    Reduces `dims` (sorted, unique) in the accumulation type `acc` and rounds
    once to the element type. Without `keep_dims` the reduced dims are dropped;
    with it they stay with extent 1. Sums run in a fixed order (DESIGN.md §4:
    no atomics), so results are bit-identical run to run. Float max and min
    propagate NaN. mean is float-only. A reduced dynamic dim reduces over its
    run-time count.

    ```mlir
    %s = loom.reduce sum %x dims [1] acc(f32) : tensor<4x64xbf16>
    %m = loom.reduce max %x dims [1] keep_dims acc(f32) : tensor<4x64xf32>
    ```
  }];
  let arguments = (ins Loom_ReduceKind:$kind, Loom_Tensor:$input,
                       DenseI64ArrayAttr:$dims, Loom_AccTypeAttr:$acc, UnitAttr:$keep_dims);
  let results = (outs Loom_Tensor:$result);
  let assemblyFormat = [{
    $kind $input `dims` $dims (`keep_dims` $keep_dims^)? `acc` `(` $acc `)` attr-dict `:` type($input)
  }];
  let hasVerifier = 1;
}

def Loom_ArgmaxOp : Loom_InferredOp<"argmax", "RowReduction"> {
  let summary = "Index of the largest element along a dim";
  let description = [{
    Returns i64 indices with `dim` dropped. Ties give the smallest index; NaN
    counts as larger than every number (as torch.argmax), the first NaN wins.

    ```mlir
    %i = loom.argmax %logits dim 1 : tensor<4x260xf32>
    ```
  }];
  let arguments = (ins Loom_Tensor:$input, I64Attr:$dim);
  let results = (outs Loom_I64Tensor:$result);
  let assemblyFormat = "$input `dim` $dim attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def Loom_CumsumOp : Loom_InferredOp<"cumsum", "Scan", [Loom_Differentiable]> {
  let summary = "Cumulative sum along a dim";
  let description = [{
    `y[i] = Σ_{j ≤ i} x[j]` along `dim` (`j < i` with `exclusive`; from the end
    with `reverse`), summed in `acc` in index order and rounded per element.

    ```mlir
    %ids = loom.cumsum %starts dim 1 acc(i64) : tensor<2x64xi64>
    ```
  }];
  let arguments = (ins Loom_Tensor:$input, I64Attr:$dim, Loom_AccTypeAttr:$acc,
                       UnitAttr:$exclusive, UnitAttr:$reverse);
  let results = (outs Loom_Tensor:$result);
  let assemblyFormat = "$input `dim` $dim `acc` `(` $acc `)` attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def Loom_TopKOp : Loom_InferredOp<"top_k", "Opaque", [Loom_Differentiable]> {
  let summary = "The k largest elements of the last dim, with their indices";
  let description = [{
    Returns the `k` largest values of the last dim in descending order and their
    i64 indices. Equal values keep index order (stable); NaN counts as the
    largest. The last dim must be static with at least `k` elements.

    ```mlir
    %v, %i = loom.top_k %scores k 2 : tensor<8x16xf32>
    ```
  }];
  let arguments = (ins Loom_Tensor:$input, I64Attr:$k);
  let results = (outs Loom_Tensor:$values, Loom_I64Tensor:$indices);
  let assemblyFormat = "$input `k` $k attr-dict `:` type($input)";
  }

def Loom_SortOp : Loom_InferredOp<"sort", "Opaque", [Loom_Differentiable]> {
  let summary = "Stable sort along a dim, returning the permutation";
  let description = [{
    Sorts along `dim` (ascending; descending with `descending`) and returns the
    sorted values and the i64 permutation (`values = take(input, perm)`). The
    sort is stable; NaN sorts after every number in ascending order and first in
    descending order (as torch.sort).

    ```mlir
    %s, %perm = loom.sort %group_ids dim 0 : tensor<64xi32>
    ```
  }];
  let arguments = (ins Loom_Tensor:$input, I64Attr:$dim, UnitAttr:$descending);
  let results = (outs Loom_Tensor:$values, Loom_I64Tensor:$permutation);
  let assemblyFormat = "$input `dim` $dim attr-dict `:` type($input)";
  }

class Loom_SoftmaxLikeOp<string mnemonic, string formula>
    : Loom_SameTypeOp<mnemonic, "RowReduction", [Loom_Differentiable, SameOperandsAndResultType]> {
  let summary = formula # " along a dim";
  let arguments = (ins Loom_FloatTensor:$input, I64Attr:$dim, Loom_AccTypeAttr:$acc);
  let results = (outs Loom_FloatTensor:$result);
  let assemblyFormat = "$input `dim` $dim `acc` `(` $acc `)` attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def Loom_SoftmaxOp : Loom_SoftmaxLikeOp<"softmax", "exp(x - max) / Σ exp(x - max)"> {
  let description = [{
    Max-subtracted softmax along `dim`, computed in `acc` (a float type).
    A row of -inf gives NaN, as in PyTorch; attention handles its masked rows
    itself.

    ```mlir
    %p = loom.softmax %scores dim 1 acc(f32) : tensor<4x260xbf16>
    ```
  }];
}

def Loom_LogSoftmaxOp : Loom_SoftmaxLikeOp<"log_softmax", "x - max - log Σ exp(x - max)"> {
  let description = [{
    Log-softmax along `dim`, computed in `acc` (a float type).

    ```mlir
    %lp = loom.log_softmax %logits dim 1 acc(f32) : tensor<4x260xf32>
    ```
  }];
}

def Loom_CrossEntropyOp : Loom_InferredOp<"cross_entropy", "RowReduction", [Loom_Differentiable]> {
  let summary = "Per-token cross entropy over the last dim of logits";
  let description = [{
    `loss[t] = w[t] · (logsumexp(logits[t, :]) − logits[t, target[t]])`,
    with loss 0 where `target[t] == ignore_index` (default -100, as PyTorch).
    Logits are `[..., V]`, targets and the optional float weights `[...]`.
    Computed in `acc` (a float type); the loss has the logits' element type.
    Reducing to a mean is left to the builder, which divides by the weight
    total or the count of kept tokens as the recipe says. A target outside
    `[0, V)` other than `ignore_index` is undefined (the interpreter reports it).

    ```mlir
    %l = loom.cross_entropy %logits, %targets acc(f32) : tensor<128x260xf32>, tensor<128xi64>
    %lw = loom.cross_entropy %logits, %targets weights(%w : tensor<128xf32>) acc(f32) {ignore_index = 0}
        : tensor<128x260xf32>, tensor<128xi64>
    ```
  }];
  let arguments = (ins Loom_FloatTensor:$logits, Loom_IndexTensor:$targets,
                       Optional<Loom_FloatTensor>:$weights, Loom_AccTypeAttr:$acc,
                       DefaultValuedAttr<I64Attr, "-100">:$ignore_index);
  let results = (outs Loom_FloatTensor:$loss);
  let assemblyFormat = [{
    $logits `,` $targets (`weights` `(` $weights^ `:` type($weights) `)`)? `acc` `(` $acc `)`
    attr-dict `:` type($logits) `,` type($targets)
  }];
  let hasVerifier = 1;
}

#endif // LOOM_REDUCTION_OPS_TD
