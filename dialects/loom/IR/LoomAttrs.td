//===- LoomAttrs.td - the bounds encoding and the op enums ---------------===//

#ifndef LOOM_ATTRS_TD
#define LOOM_ATTRS_TD

include "dialects/loom/IR/LoomBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/IR/TensorEncoding.td"

//===----------------------------------------------------------------------===//
// #loom.bounds: the static bound of every dim of a tensor with dynamic dims
//===----------------------------------------------------------------------===//

def Loom_BoundsAttr : AttrDef<Loom_Dialect, "Bounds",
    [DeclareAttrInterfaceMethods<VerifiableTensorEncoding>]> {
  let mnemonic = "bounds";
  let summary = "Static upper bounds of a tensor's dims";
  let description = [{
    A tensor encoding that gives one bound per dim, on tensors with at least
    one dynamic dim (a static tensor carries no encoding, so each shape has
    one spelling). A static dim's bound equals its size; a dynamic dim's bound
    is the largest size it can take at run time
    (DESIGN.md §4: data-dependent sizes are bounded, so codegen only ever sees
    static shapes once bounds are materialized).

    ```mlir
    // Up to 512 patches of width 64.
    tensor<?x64xf32, #loom.bounds<[512, 64]>>
    ```
  }];
  let parameters = (ins ArrayRefParameter<"int64_t", "bound per dim">:$bounds);
  let assemblyFormat = "`<` `[` $bounds `]` `>`";
  let genVerifyDecl = 1;
}

//===----------------------------------------------------------------------===//
// Op enums (printed as bare keywords in the custom form)
//===----------------------------------------------------------------------===//

def Loom_UnaryKind : I32EnumAttr<"UnaryKind", "elementwise unary function", [
    I32EnumAttrCase<"neg", 0>, I32EnumAttrCase<"abs", 1>,
    I32EnumAttrCase<"exp", 2>, I32EnumAttrCase<"log", 3>,
    I32EnumAttrCase<"log1p", 4>, I32EnumAttrCase<"expm1", 5>,
    I32EnumAttrCase<"sqrt", 6>, I32EnumAttrCase<"rsqrt", 7>,
    I32EnumAttrCase<"reciprocal", 8>, I32EnumAttrCase<"square", 9>,
    I32EnumAttrCase<"tanh", 10>, I32EnumAttrCase<"sigmoid", 11>,
    I32EnumAttrCase<"silu", 12>, I32EnumAttrCase<"gelu", 13>,
    I32EnumAttrCase<"gelu_tanh", 14>, I32EnumAttrCase<"relu", 15>,
    I32EnumAttrCase<"softplus", 16>, I32EnumAttrCase<"sin", 17>,
    I32EnumAttrCase<"cos", 18>, I32EnumAttrCase<"erf", 19>,
    I32EnumAttrCase<"floor", 20>, I32EnumAttrCase<"ceil", 21>,
    I32EnumAttrCase<"bit_not", 22, "not">]> {
  let cppNamespace = "::mlir::loom";
}

def Loom_BinaryKind : I32EnumAttr<"BinaryKind", "elementwise binary function", [
    I32EnumAttrCase<"add", 0>, I32EnumAttrCase<"sub", 1>,
    I32EnumAttrCase<"mul", 2>, I32EnumAttrCase<"div", 3>,
    I32EnumAttrCase<"max", 4>, I32EnumAttrCase<"min", 5>,
    I32EnumAttrCase<"pow", 6>, I32EnumAttrCase<"atan2", 7>,
    I32EnumAttrCase<"bit_and", 8, "and">, I32EnumAttrCase<"bit_or", 9, "or">,
    I32EnumAttrCase<"bit_xor", 10, "xor">]> {
  let cppNamespace = "::mlir::loom";
}

def Loom_ComparePredicate : I32EnumAttr<"ComparePredicate", "comparison", [
    I32EnumAttrCase<"eq", 0>, I32EnumAttrCase<"ne", 1>,
    I32EnumAttrCase<"lt", 2>, I32EnumAttrCase<"le", 3>,
    I32EnumAttrCase<"gt", 4>, I32EnumAttrCase<"ge", 5>]> {
  let cppNamespace = "::mlir::loom";
}

def Loom_ReduceKind : I32EnumAttr<"ReduceKind", "reduction", [
    I32EnumAttrCase<"sum", 0>, I32EnumAttrCase<"mean", 1>,
    I32EnumAttrCase<"max", 2>, I32EnumAttrCase<"min", 3>]> {
  let cppNamespace = "::mlir::loom";
}

def Loom_FusionRegionKind : I32EnumAttr<"FusionRegionKind", "what a fusion region computes", [
    // A chain of elementwise ops on one shape (with recomputed producers).
    I32EnumAttrCase<"elementwise", 0>,
    // Such a chain ending in a reduction over the rows' trailing dims.
    I32EnumAttrCase<"row_reduction", 1>]> {
  let cppNamespace = "::mlir::loom";
}

def Loom_RopeLayout : I32EnumAttr<"RopeLayout", "how rotary pairs are laid out", [
    // (x[2i], x[2i+1]) rotate together: BLT, Meta's Llama reference.
    I32EnumAttrCase<"interleaved", 0>,
    // (x[i], x[i + d/2]) rotate together: Hugging Face Llama.
    I32EnumAttrCase<"half_split", 1>]> {
  let cppNamespace = "::mlir::loom";
}

#endif // LOOM_ATTRS_TD
