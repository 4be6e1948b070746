//===- GraphBuilder.h - terse loom op construction for model builders ----===//
//
// Model builders (one per family) emit loom IR through this class: it holds
// the compute element type, the accumulation type and the current location
// (a spec field's file:line:col, so that a later shape error points at the
// spec), and infers result types so that builders read like the math.
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_MODELS_COMMON_GRAPHBUILDER_H
#define LOOM_MODELS_COMMON_GRAPHBUILDER_H

#include "dialects/loom/IR/LoomOps.h"

#include "mlir/IR/Builders.h"

namespace loom::models {

class GraphBuilder {
public:
  GraphBuilder(mlir::OpBuilder &builder, mlir::Type elementType);

  mlir::OpBuilder &builder() { return b; }
  mlir::MLIRContext *context() { return b.getContext(); }
  mlir::Type elementType() const { return element; }
  /// f32 for f32/bf16/f16 data, f64 for f64 (DESIGN.md §4).
  mlir::Type accType() const { return acc; }
  mlir::Location loc() const { return location; }
  void setLoc(mlir::Location l) { location = l; }

  /// Types.
  mlir::RankedTensorType tensor(llvm::ArrayRef<int64_t> shape) const;
  mlir::RankedTensorType tensor(llvm::ArrayRef<int64_t> shape, mlir::Type element) const;
  mlir::RankedTensorType i64Tensor(llvm::ArrayRef<int64_t> shape) const;

  /// Elementwise.
  mlir::Value unary(mlir::loom::UnaryKind kind, mlir::Value x);
  mlir::Value binary(mlir::loom::BinaryKind kind, mlir::Value x, mlir::Value y);
  mlir::Value add(mlir::Value x, mlir::Value y) { return binary(mlir::loom::BinaryKind::add, x, y); }
  mlir::Value mul(mlir::Value x, mlir::Value y) { return binary(mlir::loom::BinaryKind::mul, x, y); }
  mlir::Value compare(mlir::loom::ComparePredicate p, mlir::Value x, mlir::Value y);
  mlir::Value select(mlir::Value cond, mlir::Value onTrue, mlir::Value onFalse);
  mlir::Value cast(mlir::Value x, mlir::Type element);
  /// Broadcast `x` into `shape`, operand dim i landing on result dim dims[i].
  mlir::Value broadcast(mlir::Value x, llvm::ArrayRef<int64_t> dims, llvm::ArrayRef<int64_t> shape);

  /// Constants and generators.
  mlir::Value splat(llvm::ArrayRef<int64_t> shape, double value);
  mlir::Value splatI64(llvm::ArrayRef<int64_t> shape, int64_t value);
  mlir::Value iota(llvm::ArrayRef<int64_t> shape, int64_t dim);

  /// Contractions and reductions.
  mlir::Value linear(mlir::Value x, mlir::Value weight);
  mlir::Value reduce(mlir::loom::ReduceKind kind, mlir::Value x, llvm::ArrayRef<int64_t> dims);

  /// Data movement.
  mlir::Value reshape(mlir::Value x, llvm::ArrayRef<int64_t> shape);
  mlir::Value gather(mlir::Value table, mlir::Value indices, int64_t axis = 0);
  mlir::Value concat(mlir::ValueRange xs, int64_t dim);

private:
  mlir::OpBuilder &b;
  mlir::Type element;
  mlir::Type acc;
  mlir::Location location;
};

} // namespace loom::models

#endif // LOOM_MODELS_COMMON_GRAPHBUILDER_H
