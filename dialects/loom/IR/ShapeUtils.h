//===- ShapeUtils.h - bounded dims, type inference and shape reification -===//
//
// Helpers shared by the op families: a dim is (size, bound), where the size is
// ShapedType::kDynamic for a data-dependent dim and the bound comes from the
// tensor's #loom.bounds encoding (DESIGN.md §4).
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_DIALECTS_LOOM_IR_SHAPEUTILS_H
#define LOOM_DIALECTS_LOOM_IR_SHAPEUTILS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <string>

namespace mlir::loom {

/// One dim of a loom tensor.
struct Dim {
  int64_t size;  // ShapedType::kDynamic when data-dependent
  int64_t bound; // equals size when static; kDynamic when a dynamic dim has
                 // no #loom.bounds (invalid IR, reported by BoundedShapes)

  static Dim fixed(int64_t n) { return {n, n}; }
  bool isDynamic() const { return ShapedType::isDynamic(size); }
  bool operator==(const Dim &o) const { return size == o.size && bound == o.bound; }
  bool operator!=(const Dim &o) const { return !(*this == o); }
};
using Dims = llvm::SmallVector<Dim, 6>;

/// The dims of a ranked tensor type (bounds read from #loom.bounds).
Dims dimsOf(RankedTensorType type);
/// A ranked tensor type with a #loom.bounds encoding when any dim is dynamic
/// (none when a dynamic dim has no bound: the type then fails BoundedShapes).
RankedTensorType makeTensorType(llvm::ArrayRef<Dim> dims, Type elementType);
/// Prints a dim as `64` or `?<=512`, a shape as `[?<=512, 64]`.
std::string describe(const Dim &dim);
std::string describe(llvm::ArrayRef<Dim> dims);

/// Normalizes a possibly negative dim index; nullopt when out of range.
std::optional<int64_t> normalizeDim(int64_t dim, int64_t rank);

/// The float type normalization and attention statistics use: f64 for f64
/// data, else f32.
Type statisticsType(Type elementType);

/// Checks that `acc` suits `element`: a float for float data, an integer for
/// integer data, and never narrower than the data. Reports on `op`.
LogicalResult verifyAccumulationType(Operation *op, Type element, Type acc);

/// Reports an inference error as `'<op>' op <message>` when a location is
/// given, and fails. Every message here has an expected-error test.
template <typename... Args>
LogicalResult inferFail(std::optional<Location> loc, llvm::StringRef opName, Args &&...args) {
  if (loc)
    (mlir::emitError(*loc) << "'" << opName << "' op " << ... << std::forward<Args>(args));
  return failure();
}

/// The dynamic-size sources for reification: result dim `d` of a result is
/// static, or read from `(value, dim)` with tensor.dim, or an index SSA value.
struct DimSource {
  Value value;      // a tensor whose dim is read, or an index value
  int64_t dim = -1; // >= 0: tensor.dim(value, dim); -1: value is the size
};

/// Reifies one result: static dims become attributes, dynamic dims ask
/// `sourceOf(d)`.
llvm::SmallVector<OpFoldResult>
reifyDims(OpBuilder &builder, Location loc, RankedTensorType type,
          llvm::function_ref<DimSource(int64_t)> sourceOf);

/// Reifies a result whose dims are those of `like` (same rank).
llvm::SmallVector<OpFoldResult> reifyLike(OpBuilder &builder, Location loc,
                                          RankedTensorType type, Value like);

/// For ops whose dynamic result dims come, in order, from `dynamicDims`.
llvm::SmallVector<OpFoldResult> reifyFromOperands(OpBuilder &builder, Location loc,
                                                  RankedTensorType type,
                                                  ValueRange dynamicDims);

} // namespace mlir::loom

#endif // LOOM_DIALECTS_LOOM_IR_SHAPEUTILS_H
