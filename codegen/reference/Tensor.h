//===- Tensor.h - the reference interpreter's values -----------------------===//
//
// A value of the reference interpreter: a dense row-major tensor at its
// run-time shape. Floats of every width are held as double (rounded to their
// element type at op boundaries in Precision::F32), integers of every width,
// i1 and index as int64 (wrapped to their width at op boundaries). One storage
// type per kind keeps every kernel a plain loop over contiguous memory.
//
// A dim that is dynamic in the IR type (`tensor<?x64xf32, #loom.bounds<[512,
// 64]>>`) carries its run-time size here, which never exceeds the bound; no
// padding exists inside the interpreter. padToBound() materializes a tensor at
// its bound, filling the padding with a poison value (NaN for floats) so that a
// consumer that ignores the count is caught (DESIGN.md §4).
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_CODEGEN_REFERENCE_TENSOR_H
#define LOOM_CODEGEN_REFERENCE_TENSOR_H

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace loom::reference {

struct Tensor {
  mlir::Type elementType;     // f64, f32, bf16, f16, i64, i32, i8, i1 or index
  std::vector<int64_t> shape; // run-time sizes; rank 0 is a scalar
  std::vector<double> f;      // the elements when elementType is a float
  std::vector<int64_t> i;     // the elements otherwise (i1 holds 0 or 1)

  bool isFloat() const { return llvm::isa<mlir::FloatType>(elementType); }
  int64_t numElements() const;
  /// The shape and element type for messages: `[4, 3] f32`.
  std::string describe() const;

  /// A tensor of `shape` filled with zeros.
  static Tensor zeros(mlir::Type elementType, llvm::ArrayRef<int64_t> shape);
  static Tensor floats(mlir::Type elementType, llvm::ArrayRef<int64_t> shape,
                       llvm::ArrayRef<double> values);
  static Tensor ints(mlir::Type elementType, llvm::ArrayRef<int64_t> shape,
                     llvm::ArrayRef<int64_t> values);
  /// A rank-0 index value (a dynamic dim size argument).
  static Tensor index(mlir::MLIRContext *context, int64_t value);
};

/// Row-major strides of `shape`.
std::vector<int64_t> stridesOf(llvm::ArrayRef<int64_t> shape);

/// Calls visit(flat, offset) for every element of `shape` in row-major order,
/// where offset = Σ index[d] · strides[d]: the one odometer behind strided
/// copies, reductions, padding and bounded-shape indices.
template <typename Visit>
void forEachOffset(llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<int64_t> strides, Visit visit) {
  int64_t rank = shape.size(), count = 1;
  for (int64_t s : shape)
    count *= s;
  std::vector<int64_t> index(rank, 0);
  int64_t offset = 0;
  for (int64_t flat = 0; flat < count; ++flat) {
    visit(flat, offset);
    for (int64_t d = rank - 1; d >= 0; --d) {
      offset += strides[d];
      if (++index[d] < shape[d])
        break;
      offset -= strides[d] * shape[d];
      index[d] = 0;
    }
  }
}

/// The element count of `shape`, or nullopt when a size is negative or the
/// count overflows int64.
std::optional<int64_t> checkedCount(llvm::ArrayRef<int64_t> shape);

/// The shape of `type` with every dynamic dim at its #loom.bounds bound.
std::vector<int64_t> boundedShape(mlir::RankedTensorType type);

/// Why `value` cannot be a value of `type` (element type, rank, a static size
/// that differs, a dynamic size above its bound, storage that does not match
/// the shape, an integer outside its width), or nullopt when it can.
std::optional<std::string> mismatch(const Tensor &value, mlir::Type type);

/// What padding is filled with: NaN for floats, the most negative value for
/// integers (i1: 1), so that reading padding as data shows.
double floatPoison();
int64_t intPoison(mlir::Type elementType);

/// `value` at the bounded shape of `type` (value must fit it, see mismatch):
/// element (a, b, ...) keeps its place, padding is poison.
Tensor padToBound(const Tensor &value, mlir::RankedTensorType type);

} // namespace loom::reference

#endif // LOOM_CODEGEN_REFERENCE_TENSOR_H
