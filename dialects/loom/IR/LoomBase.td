//===- LoomBase.td - the loom dialect, its type constraints and base op -===//
//
// Everything an op family file needs: the dialect, the element and tensor type
// constraints of DESIGN.md §4, and the base op class that every loom op derives
// from (it adds the bounded-shape invariant and the fusable interface).
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_BASE_TD
#define LOOM_BASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "dialects/loom/IR/LoomInterfaces.td"

def Loom_Dialect : Dialect {
  let name = "loom";
  let cppNamespace = "::mlir::loom";
  let summary = "Model-level ops for multimodal training and inference";
  let description = [{
    The loom dialect describes models at the level of tensors: elementwise math,
    contractions with an explicit accumulation type, reductions, data movement,
    counter-based randomness, normalization, rotary embeddings and attention whose
    mask is data. Shapes are equal across operands (broadcasting is an explicit
    op). A data-dependent size is a dynamic dim whose static bound is carried in
    the tensor's `#loom.bounds` encoding:

    ```mlir
    %x : tensor<?x64xf32, #loom.bounds<[512, 64]>>
    ```
  }];
  let useDefaultAttributePrinterParser = 1;
  let hasConstantMaterializer = 1;
  // Shape reification creates tensor.dim and arith ops.
  let dependentDialects = ["::mlir::tensor::TensorDialect", "::mlir::arith::ArithDialect"];
  let extraClassDeclaration = [{
    void registerAttributes();
    void registerElementwiseOps();
    void registerContractionOps();
    void registerReductionOps();
    void registerDataMovementOps();
    void registerRandomOps();
    void registerNormOps();
    void registerAttentionOps();
    void registerFusionOps();
  }];
}

//===----------------------------------------------------------------------===//
// Type constraints (DESIGN.md §4: f64, f32, bf16, f16, i64, i32, i8, i1)
//===----------------------------------------------------------------------===//

def Loom_FloatElement : AnyTypeOf<[F64, F32, BF16, F16]>;
def Loom_IntElement : AnyTypeOf<[I64, I32, I8, I1]>;
def Loom_IndexElement : AnyTypeOf<[I64, I32]>;
def Loom_Element : AnyTypeOf<[F64, F32, BF16, F16, I64, I32, I8, I1]>;

def Loom_Tensor : RankedTensorOf<[F64, F32, BF16, F16, I64, I32, I8, I1]>;
def Loom_FloatTensor : RankedTensorOf<[F64, F32, BF16, F16]>;
def Loom_IntTensor : RankedTensorOf<[I64, I32, I8, I1]>;
def Loom_IndexTensor : RankedTensorOf<[I64, I32]>;
def Loom_BoolTensor : RankedTensorOf<[I1]>;
def Loom_I64Tensor : RankedTensorOf<[I64]>;
// A Philox key: a 64-bit scalar whose halves are Philox's two key words.
def Loom_KeyTensor : 0DTensorOf<[I64]> {
  let builderCall = "::mlir::RankedTensorType::get({}, $_builder.getIntegerType(64))";
}
// A scalar index operand for the size of a dynamic dim.
defvar Loom_DimSize = Index;

// An accumulation type: a float for float data, a wide integer for integer data.
def Loom_AccTypeAttr : TypeAttrOf<AnyTypeOf<[F64, F32, BF16, F16, I64, I32]>>;

//===----------------------------------------------------------------------===//
// Base op classes
//===----------------------------------------------------------------------===//

// Every dynamic dim of every tensor operand and result carries a static bound
// (verified in LoomTraits.cpp).
def Loom_BoundedShapes : NativeOpTrait<"BoundedShapes"> {
  let cppNamespace = "::mlir::loom::OpTrait";
}

// The op's kind of iteration space, read by Loom_FusableOpInterface.
// `kind` names an enumerator of ::mlir::loom::FusionKind (LoomInterfaces.h).
class Loom_FusionKind<string kind>
    : ParamNativeOpTrait<"FusionKindIs", "::mlir::loom::FusionKind::" # kind> {
  let cppNamespace = "::mlir::loom::OpTrait";
}

// Ops with a VJP (Loom_DifferentiableOpInterface, built in *VJP.cpp).
defvar Loom_Differentiable = DeclareOpInterfaceMethods<Loom_DifferentiableOpInterface>;

// Every loom op is pure (random ops too: they are counter-based, DESIGN.md
// §4), keeps bounded shapes, says its fusion kind and reifies result shapes.
class Loom_Op<string mnemonic, string fusionKind, list<Trait> traits = []>
    : Op<Loom_Dialect, mnemonic,
         !listconcat(traits, [Pure, Loom_BoundedShapes,
                              Loom_FusionKind<fusionKind>, Loom_FusableOpInterface,
                              DeclareOpInterfaceMethods<ReifyRankedShapedTypeOpInterface, ["reifyResultShapes"]>])>;

// Ops whose result types follow from their operands by a type-equality trait
// (SameOperandsAndResultType, AllTypesMatch): ODS writes their inference.
class Loom_SameTypeOp<string mnemonic, string fusionKind, list<Trait> traits = []>
    : Loom_Op<mnemonic, fusionKind, !listconcat(traits, [DeclareOpInterfaceMethods<InferTypeOpInterface>])>;

// Ops whose result types follow from their operands and attributes by rules
// written in the family's .cpp (inferReturnTypes with an adaptor).
class Loom_InferredOp<string mnemonic, string fusionKind, list<Trait> traits = []>
    : Loom_Op<mnemonic, fusionKind, !listconcat(traits, [
        InferTypeOpAdaptor])>;

#endif // LOOM_BASE_TD
