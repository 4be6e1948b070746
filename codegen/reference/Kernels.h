//===- Kernels.h - what an op's kernel sees, and every kernel --------------===//
//
// Private to codegen/reference/. A kernel reads its operands from the frame,
// computes in double (floats) or wrapping int64 (integers), and fills its
// results at their run-time shapes. The interpreter then rounds float results
// to their element type (Precision::F32), wraps integers to their width, and
// checks every result against its IR type — so kernels never round, and a
// kernel bug surfaces as an error rather than a wrong shape.
//
// One kernel file per op family: ElementwiseKernels.cpp, ContractionKernels.cpp,
// ReductionKernels.cpp, SoftmaxKernels.cpp, SortKernels.cpp,
// DataMovementKernels.cpp, RandomKernels.cpp, NormKernels.cpp,
// AttentionKernels.cpp, ScalarKernels.cpp (arith/tensor dim arithmetic).
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_CODEGEN_REFERENCE_KERNELS_H
#define LOOM_CODEGEN_REFERENCE_KERNELS_H

#include "codegen/reference/Interpreter.h"
#include "codegen/reference/Tensor.h"

#include "dialects/loom/IR/LoomOps.h"
#include "mlir/IR/Operation.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/Twine.h"

namespace loom::reference::detail {

using Frame = llvm::DenseMap<mlir::Value, Tensor>;

class OpEnv {
public:
  OpEnv(mlir::Operation *op, const Frame &frame, const Options &options, std::string &error)
      : op_(op), frame_(frame), options_(options), error_(error),
        results_(op->getNumResults()) {}

  mlir::Operation *op() const { return op_; }
  Precision precision() const { return options_.precision; }
  const Options &options() const { return options_; }

  /// The value of an operand (defined earlier in the frame).
  const Tensor &in(mlir::Value v) const;
  /// Result `index`, allocated with its IR element type at `shape`, zeroed.
  Tensor &out(unsigned index, llvm::ArrayRef<int64_t> shape);
  /// Result `index` set to `value` (its element type must be the IR's).
  void set(unsigned index, Tensor value) { results_[index] = std::move(value); }
  std::vector<Tensor> &results() { return results_; }

  /// Fails with "<location>: 'op' op <message>".
  mlir::LogicalResult fail(const llvm::Twine &message) const;
  /// Fails unless `a` and `b` have the same run-time shape (dynamic dims that
  /// the types say are equal must agree at run time).
  mlir::LogicalResult sameShape(const Tensor &a, const Tensor &b, llvm::StringRef aName,
                                llvm::StringRef bName) const;
  /// Fails unless size `a` equals `b`.
  mlir::LogicalResult sameSize(int64_t a, int64_t b, const llvm::Twine &what) const;
  /// The run-time shape of `type`, dynamic dims read in order from `sizes`
  /// (index values), each checked against its bound.
  mlir::FailureOr<std::vector<int64_t>> shapeFrom(mlir::RankedTensorType type,
                                                  mlir::ValueRange sizes) const;

private:
  mlir::Operation *op_;
  const Frame &frame_;
  const Options &options_;
  std::string &error_;
  std::vector<Tensor> results_;
};

/// Formats "<location>: 'op' op <message>" (the interpreter's error style).
std::string opMessage(mlir::Operation *op, const llvm::Twine &message);

/// A tensor seen as [outer, size, inner] around `dim`: element (o, s, i) sits
/// at (o · size + s) · inner + i.
struct AxisView {
  int64_t outer = 1, size = 1, inner = 1;
};
AxisView axisView(llvm::ArrayRef<int64_t> shape, int64_t dim);

/// Fills `out` (shape set, storage allocated) with out[idx] = src[offset +
/// Σ idx[d] · srcStrides[d]]: broadcast (stride 0), transpose (permuted
/// strides) and slice (scaled strides) in one loop.
void copyStrided(const Tensor &src, int64_t offset, llvm::ArrayRef<int64_t> srcStrides,
                 Tensor &out);

// Elementwise (ElementwiseKernels.cpp)
mlir::LogicalResult runUnary(mlir::loom::UnaryOp op, OpEnv &env);
mlir::LogicalResult runBinary(mlir::loom::BinaryOp op, OpEnv &env);
mlir::LogicalResult runFloorMod(mlir::loom::FloorModOp op, OpEnv &env);
mlir::LogicalResult runCompare(mlir::loom::CompareOp op, OpEnv &env);
mlir::LogicalResult runSelect(mlir::loom::SelectOp op, OpEnv &env);
mlir::LogicalResult runCast(mlir::loom::CastOp op, OpEnv &env);
mlir::LogicalResult runBroadcast(mlir::loom::BroadcastOp op, OpEnv &env);
// Contraction (ContractionKernels.cpp)
mlir::LogicalResult runMatmul(mlir::loom::MatmulOp op, OpEnv &env);
mlir::LogicalResult runLinear(mlir::loom::LinearOp op, OpEnv &env);
// Reduction and scan (ReductionKernels.cpp)
mlir::LogicalResult runReduce(mlir::loom::ReduceOp op, OpEnv &env);
mlir::LogicalResult runArgmax(mlir::loom::ArgmaxOp op, OpEnv &env);
mlir::LogicalResult runCumsum(mlir::loom::CumsumOp op, OpEnv &env);
// Softmax family (SoftmaxKernels.cpp)
mlir::LogicalResult runSoftmax(mlir::loom::SoftmaxOp op, OpEnv &env);
mlir::LogicalResult runLogSoftmax(mlir::loom::LogSoftmaxOp op, OpEnv &env);
mlir::LogicalResult runCrossEntropy(mlir::loom::CrossEntropyOp op, OpEnv &env);
// Sorting (SortKernels.cpp)
mlir::LogicalResult runTopK(mlir::loom::TopKOp op, OpEnv &env);
mlir::LogicalResult runSort(mlir::loom::SortOp op, OpEnv &env);
// Data movement (DataMovementKernels.cpp)
mlir::LogicalResult runGather(mlir::loom::GatherOp op, OpEnv &env);
mlir::LogicalResult runScatterAdd(mlir::loom::ScatterAddOp op, OpEnv &env);
mlir::LogicalResult runReshape(mlir::loom::ReshapeOp op, OpEnv &env);
mlir::LogicalResult runTranspose(mlir::loom::TransposeOp op, OpEnv &env);
mlir::LogicalResult runSlice(mlir::loom::SliceOp op, OpEnv &env);
mlir::LogicalResult runConcat(mlir::loom::ConcatOp op, OpEnv &env);
mlir::LogicalResult runIota(mlir::loom::IotaOp op, OpEnv &env);
mlir::LogicalResult runConstant(mlir::Operation *op, mlir::Attribute value, OpEnv &env);
// Randomness (RandomKernels.cpp)
mlir::LogicalResult runRandomFoldIn(mlir::loom::RandomFoldInOp op, OpEnv &env);
mlir::LogicalResult runRandomUniform(mlir::loom::RandomUniformOp op, OpEnv &env);
mlir::LogicalResult runRandomNormal(mlir::loom::RandomNormalOp op, OpEnv &env);
// Normalization and rotary embeddings (NormKernels.cpp)
mlir::LogicalResult runRmsNorm(mlir::loom::RmsNormOp op, OpEnv &env);
mlir::LogicalResult runLayerNorm(mlir::loom::LayerNormOp op, OpEnv &env);
mlir::LogicalResult runRmsNormGrad(mlir::loom::RmsNormGradOp op, OpEnv &env);
mlir::LogicalResult runLayerNormGrad(mlir::loom::LayerNormGradOp op, OpEnv &env);
mlir::LogicalResult runRope(mlir::loom::RopeOp op, OpEnv &env);
// Attention (AttentionKernels.cpp)
mlir::LogicalResult runAttention(mlir::loom::AttentionOp op, OpEnv &env);
mlir::LogicalResult runAttentionGrad(mlir::loom::AttentionGradOp op, OpEnv &env);
// Scalar dim-size arithmetic: arith integer ops, tensor.dim, tensor.extract
// (ScalarKernels.cpp). Sets `handled` to false for an op it does not know.
mlir::LogicalResult runScalarOp(mlir::Operation *op, OpEnv &env, bool &handled);

} // namespace loom::reference::detail

#endif // LOOM_CODEGEN_REFERENCE_KERNELS_H
