//===- LoomInterfaces.h - fusion kinds, op traits and op interfaces ------===//

#ifndef LOOM_DIALECTS_LOOM_IR_LOOMINTERFACES_H
#define LOOM_DIALECTS_LOOM_IR_LOOMINTERFACES_H

#include "mlir/IR/OpDefinition.h"

namespace mlir::loom {

/// The iteration space of an op, as the fusion policy sees it.
enum class FusionKind {
  Elementwise,  // one output element per input element of equal index
  Layout,       // moves elements without arithmetic (reshape, transpose, ...)
  RowReduction, // reduces (or normalizes over) whole rows of a dim
  Scan,         // prefix combine along a dim
  Contraction,  // matmul-like; a library call or a tiled GEMM
  Attention,    // a runtime kernel
  Generator,    // no tensor inputs (iota, constants, random)
  Opaque,       // data-dependent addressing (gather, scatter, sort, top-k)
};

llvm::StringRef stringifyFusionKind(FusionKind kind);

namespace OpTrait {

/// Every dynamic dim of every tensor operand and result carries a
/// #loom.bounds encoding (DESIGN.md §4).
template <typename ConcreteType>
class BoundedShapes : public mlir::OpTrait::TraitBase<ConcreteType, BoundedShapes> {
public:
  static llvm::LogicalResult verifyTrait(Operation *op);
};

llvm::LogicalResult verifyBoundedShapes(Operation *op);

template <typename ConcreteType>
llvm::LogicalResult BoundedShapes<ConcreteType>::verifyTrait(Operation *op) {
  return verifyBoundedShapes(op);
}

/// Records an op's FusionKind, read by FusableOpInterface's default method.
template <FusionKind Kind>
struct FusionKindIs {
  template <typename ConcreteType>
  class Impl : public mlir::OpTrait::TraitBase<ConcreteType, Impl> {
  public:
    static constexpr FusionKind kFusionKind = Kind;
  };
};

} // namespace OpTrait
} // namespace mlir::loom

#include "dialects/loom/IR/LoomInterfaces.h.inc"

#endif // LOOM_DIALECTS_LOOM_IR_LOOMINTERFACES_H
