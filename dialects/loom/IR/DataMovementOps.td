//===- DataMovementOps.td - gather, scatter_add, reshape, transpose, ... --===//

#ifndef LOOM_DATA_MOVEMENT_OPS_TD
#define LOOM_DATA_MOVEMENT_OPS_TD

include "dialects/loom/IR/LoomBase.td"

def Loom_GatherOp : Loom_InferredOp<"gather", "Opaque", [Loom_Differentiable]> {
  let summary = "Take slices along an axis by index (embedding lookup)";
  let description = [{
    numpy.take: `result = source[:axis] + indices + source[axis+1:]` in shape,
    `result[a..., i..., b...] = source[a..., indices[i...], b...]`. With axis 0
    and a `[V, D]` table this is an embedding lookup. An index outside
    `[0, source.shape[axis])` is undefined (the interpreter reports it).

    ```mlir
    %e = loom.gather %table[%ids] axis 0 : tensor<260x64xf32>, tensor<2x64xi64>
    ```
  }];
  let arguments = (ins Loom_Tensor:$source, Loom_IndexTensor:$indices, I64Attr:$axis);
  let results = (outs Loom_Tensor:$result);
  let assemblyFormat = [{
    $source `[` $indices `]` `axis` $axis attr-dict `:` type($source) `,` type($indices)
  }];
  }

def Loom_ScatterAddOp : Loom_InferredOp<"scatter_add", "Opaque", [Loom_Differentiable]> {
  let summary = "Add slices into a tensor by index (the transpose of gather)";
  let description = [{
    `result = dest`, then `result[a..., indices[i...], b...] += updates[a...,
    i..., b...]`; `updates` has gather's result shape. Repeated indices add up,
    in a fixed order (sorted by index, then by position; DESIGN.md §4:
    embedding gradients without atomics).

    ```mlir
    %g = loom.scatter_add %dy into %zeros[%ids] axis 0
        : tensor<2x64x64xf32>, tensor<260x64xf32>, tensor<2x64xi64>
    ```
  }];
  let arguments = (ins Loom_Tensor:$updates, Loom_Tensor:$dest,
                       Loom_IndexTensor:$indices, I64Attr:$axis);
  let results = (outs Loom_Tensor:$result);
  let assemblyFormat = [{
    $updates `into` $dest `[` $indices `]` `axis` $axis attr-dict
    `:` type($updates) `,` type($dest) `,` type($indices)
  }];
  let hasVerifier = 1;
}

def Loom_ReshapeOp : Loom_Op<"reshape", "Layout", [Loom_Differentiable]> {
  let summary = "Reinterpret the row-major elements under a new shape";
  let description = [{
    Keeps the elements in row-major order. Static shapes must have equal
    element counts; each dynamic result dim takes its size from `dynamic_dims`
    in order, and the bounded element counts must agree.

    ```mlir
    %h = loom.reshape %x : tensor<2x64x64xf32> -> tensor<2x64x4x16xf32>
    %r = loom.reshape %y sizes(%n) : tensor<?x4x16xf32, #loom.bounds<[512, 4, 16]>>
        -> tensor<?x64xf32, #loom.bounds<[512, 64]>>
    ```
  }];
  let arguments = (ins Loom_Tensor:$input, Variadic<Loom_DimSize>:$dynamic_dims);
  let results = (outs Loom_Tensor:$result);
  let assemblyFormat = [{
    $input (`sizes` `(` $dynamic_dims^ `)`)? attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def Loom_TransposeOp : Loom_InferredOp<"transpose", "Layout", [Loom_Differentiable]> {
  let summary = "Permute dims";
  let description = [{
    `result.shape[i] = input.shape[perm[i]]`.

    ```mlir
    %t = loom.transpose %x perm [0, 2, 1, 3] : tensor<2x64x4x16xf32>
    ```
  }];
  let arguments = (ins Loom_Tensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs Loom_Tensor:$result);
  let assemblyFormat = "$input `perm` $perm attr-dict `:` type($input)";
    let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def Loom_SliceOp : Loom_InferredOp<"slice", "Layout", [Loom_Differentiable]> {
  let summary = "Strided static slice";
  let description = [{
    Takes `sizes[d]` elements from `offsets[d]` every `strides[d]` along each
    dim. A size of -1 keeps the whole dim (offset 0, stride 1), which is the
    only way to slice a tensor along a dynamic dim.

    ```mlir
    %q = loom.slice %qkv offsets [0, 0, 0] sizes [2, 64, 64] strides [1, 1, 1] : tensor<2x64x192xf32>
    ```
  }];
  let arguments = (ins Loom_Tensor:$input, DenseI64ArrayAttr:$offsets,
                       DenseI64ArrayAttr:$sizes, DenseI64ArrayAttr:$strides);
  let results = (outs Loom_Tensor:$result);
  let assemblyFormat = [{
    $input `offsets` $offsets `sizes` $sizes `strides` $strides attr-dict `:` type($input)
  }];
  }

def Loom_ConcatOp : Loom_InferredOp<"concat", "Layout", [Loom_Differentiable]> {
  let summary = "Join tensors along a dim";
  let description = [{
    All inputs share the element type and every dim but `dim`. Along `dim` the
    result's extent is the sum (its bound the sum of bounds when any is
    dynamic).

    ```mlir
    %c = loom.concat %a, %b dim 1 : tensor<2x3xf32>, tensor<2x5xf32>
    ```
  }];
  let arguments = (ins Variadic<Loom_Tensor>:$inputs, I64Attr:$dim);
  let results = (outs Loom_Tensor:$result);
  let assemblyFormat = "$inputs `dim` $dim attr-dict `:` type($inputs)";
  }

def Loom_IotaOp : Loom_Op<"iota", "Generator"> {
  let summary = "Index along one dim";
  let description = [{
    `result[i_0, ..., i_n] = i_dim`, in an integer or float element type. A
    dynamic result dim takes its size from `dynamic_dims`, in order.

    ```mlir
    %pos = loom.iota dim 1 : tensor<2x64xi64>
    ```
  }];
  let arguments = (ins I64Attr:$dim, Variadic<Loom_DimSize>:$dynamic_dims);
  let results = (outs Loom_Tensor:$result);
  let assemblyFormat = "`dim` $dim (`sizes` `(` $dynamic_dims^ `)`)? attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def Loom_ConstantOp : Loom_InferredOp<"constant", "Generator", [ConstantLike]> {
  let summary = "A constant tensor";
  let description = [{
    A dense constant of static shape; its type is the attribute's type.

    ```mlir
    %one = loom.constant dense<1.0> : tensor<4x8xf32>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Loom_Tensor:$result);
  let assemblyFormat = "$value attr-dict";
  let hasFolder = 1;
}

#endif // LOOM_DATA_MOVEMENT_OPS_TD
