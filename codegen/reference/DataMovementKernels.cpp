//===- DataMovementKernels.cpp - gather, scatter_add, layout ops, iota, ... -===//

#include "codegen/reference/Kernels.h"

#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;
using namespace mlir::loom;

namespace loom::reference::detail {
namespace {

/// numpy.take's view of a source around `axis`: the source is [outer, axis,
/// inner], the result [outer, count(indices), inner].
struct TakeView {
  int64_t outer, axis, inner, count;
};

TakeView takeView(llvm::ArrayRef<int64_t> source, const Tensor &indices, int64_t axis) {
  AxisView v = axisView(source, axis);
  return {v.outer, v.size, v.inner, indices.numElements()};
}

std::vector<int64_t> takeShape(llvm::ArrayRef<int64_t> source, const Tensor &indices,
                               int64_t axis) {
  std::vector<int64_t> shape(source.begin(), source.begin() + axis);
  shape.insert(shape.end(), indices.shape.begin(), indices.shape.end());
  shape.insert(shape.end(), source.begin() + axis + 1, source.end());
  return shape;
}

/// Fails naming the first index outside [0, extent).
LogicalResult checkIndices(OpEnv &env, const Tensor &indices, int64_t extent) {
  for (auto [n, idx] : llvm::enumerate(indices.i))
    if (idx < 0 || idx >= extent)
      return env.fail("index " + llvm::Twine(idx) + " at flat position " + llvm::Twine(n) +
                      " of the indices is outside [0, " + llvm::Twine(extent) + ")");
  return success();
}

double toDouble(APFloat v) {
  bool lost;
  v.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
  return v.convertToDouble();
}

int64_t toInt(const APInt &v) {
  return v.getBitWidth() == 1 ? static_cast<int64_t>(v.getZExtValue()) : v.getSExtValue();
}

} // namespace

LogicalResult runGather(GatherOp op, OpEnv &env) {
  const Tensor &source = env.in(op.getSource()), &indices = env.in(op.getIndices());
  int64_t axis = static_cast<int64_t>(op.getAxis());
  TakeView v = takeView(source.shape, indices, axis);
  if (failed(checkIndices(env, indices, v.axis)))
    return failure();
  Tensor &out = env.out(0, takeShape(source.shape, indices, axis));
  for (int64_t o = 0; o < v.outer; ++o)
    for (int64_t j = 0; j < v.count; ++j) {
      int64_t src = (o * v.axis + indices.i[j]) * v.inner, dst = (o * v.count + j) * v.inner;
      if (source.isFloat())
        std::copy_n(source.f.begin() + src, v.inner, out.f.begin() + dst);
      else
        std::copy_n(source.i.begin() + src, v.inner, out.i.begin() + dst);
    }
  return success();
}

LogicalResult runScatterAdd(ScatterAddOp op, OpEnv &env) {
  const Tensor &updates = env.in(op.getUpdates()), &dest = env.in(op.getDest());
  const Tensor &indices = env.in(op.getIndices());
  int64_t axis = static_cast<int64_t>(op.getAxis());
  if (updates.shape != takeShape(dest.shape, indices, axis))
    return env.fail("updates have run-time shape " + updates.describe() +
                    ", not the gathered shape of the dest and indices");
  TakeView v = takeView(dest.shape, indices, axis);
  if (failed(checkIndices(env, indices, v.axis)))
    return failure();
  Tensor &out = env.out(0, dest.shape);
  out.f = dest.f;
  out.i = dest.i;
  // Positions in increasing order: each slot adds its updates sorted by
  // position, the order DESIGN.md §4 fixes (in double, rounded once).
  for (int64_t o = 0; o < v.outer; ++o)
    for (int64_t j = 0; j < v.count; ++j) {
      int64_t dst = (o * v.axis + indices.i[j]) * v.inner, src = (o * v.count + j) * v.inner;
      for (int64_t c = 0; c < v.inner; ++c) {
        if (out.isFloat())
          out.f[dst + c] += updates.f[src + c];
        else
          out.i[dst + c] = static_cast<int64_t>(static_cast<uint64_t>(out.i[dst + c]) +
                                                static_cast<uint64_t>(updates.i[src + c]));
      }
    }
  return success();
}

LogicalResult runReshape(ReshapeOp op, OpEnv &env) {
  const Tensor &x = env.in(op.getInput());
  FailureOr<std::vector<int64_t>> shape = env.shapeFrom(op.getType(), op.getDynamicDims());
  if (failed(shape))
    return failure();
  if (checkedCount(*shape) != x.numElements())
    return env.fail("reshapes " + x.describe() + " (" + llvm::Twine(x.numElements()) +
                    " elements) to a run-time shape of " +
                    llvm::Twine(checkedCount(*shape).value_or(-1)) + " elements");
  Tensor y = x;
  y.shape = *shape;
  env.set(0, std::move(y));
  return success();
}

LogicalResult runTranspose(TransposeOp op, OpEnv &env) {
  const Tensor &x = env.in(op.getInput());
  std::vector<int64_t> inStrides = stridesOf(x.shape), shape, strides;
  for (int64_t p : op.getPerm()) {
    shape.push_back(x.shape[p]);
    strides.push_back(inStrides[p]);
  }
  copyStrided(x, 0, strides, env.out(0, shape));
  return success();
}

LogicalResult runSlice(SliceOp op, OpEnv &env) {
  const Tensor &x = env.in(op.getInput());
  std::vector<int64_t> inStrides = stridesOf(x.shape), shape, strides;
  int64_t offset = 0;
  for (size_t d = 0; d < x.shape.size(); ++d) {
    if (op.getSizes()[d] == -1) { // the whole dim, possibly dynamic
      shape.push_back(x.shape[d]);
      strides.push_back(inStrides[d]);
      continue;
    }
    shape.push_back(op.getSizes()[d]);
    strides.push_back(op.getStrides()[d] * inStrides[d]);
    offset += op.getOffsets()[d] * inStrides[d];
  }
  Tensor &out = env.out(0, shape);
  if (out.numElements() > 0)
    copyStrided(x, offset, strides, out);
  return success();
}

LogicalResult runConcat(ConcatOp op, OpEnv &env) {
  int64_t dim = static_cast<int64_t>(op.getDim());
  const Tensor &first = env.in(op.getInputs().front());
  std::vector<int64_t> shape = first.shape;
  shape[dim] = 0;
  for (auto [n, v] : llvm::enumerate(op.getInputs())) {
    const Tensor &t = env.in(v);
    for (size_t d = 0; d < shape.size(); ++d)
      if (static_cast<int64_t>(d) != dim &&
          failed(env.sameSize(t.shape[d], first.shape[d],
                              "input #" + llvm::Twine(n) + " dim " + llvm::Twine(d))))
        return failure();
    shape[dim] += t.shape[dim];
  }
  Tensor &out = env.out(0, shape);
  AxisView ov = axisView(shape, dim);
  int64_t at = 0; // where along `dim` the next input starts
  for (Value v : op.getInputs()) {
    const Tensor &t = env.in(v);
    AxisView iv = axisView(t.shape, dim);
    int64_t block = iv.size * iv.inner;
    for (int64_t o = 0; o < iv.outer; ++o) {
      int64_t src = o * block, dst = (o * ov.size + at) * ov.inner;
      if (t.isFloat())
        std::copy_n(t.f.begin() + src, block, out.f.begin() + dst);
      else
        std::copy_n(t.i.begin() + src, block, out.i.begin() + dst);
    }
    at += iv.size;
  }
  return success();
}

LogicalResult runIota(IotaOp op, OpEnv &env) {
  FailureOr<std::vector<int64_t>> shape = env.shapeFrom(op.getType(), op.getDynamicDims());
  if (failed(shape))
    return failure();
  Tensor &out = env.out(0, *shape);
  AxisView v = axisView(*shape, static_cast<int64_t>(op.getDim()));
  for (int64_t o = 0; o < v.outer; ++o)
    for (int64_t s = 0; s < v.size; ++s)
      for (int64_t i = 0; i < v.inner; ++i) {
        int64_t at = (o * v.size + s) * v.inner + i;
        if (out.isFloat())
          out.f[at] = static_cast<double>(s);
        else
          out.i[at] = s; // wraps to the width at the op boundary
      }
  return success();
}

LogicalResult runConstant(Operation *op, Attribute value, OpEnv &env) {
  Type type = op->getResult(0).getType();
  if (auto f = dyn_cast<FloatAttr>(value)) {
    env.set(0, Tensor::floats(type, {}, {toDouble(f.getValue())}));
    return success();
  }
  if (auto i = dyn_cast<IntegerAttr>(value)) {
    env.set(0, Tensor::ints(type, {}, {toInt(i.getValue())}));
    return success();
  }
  auto dense = dyn_cast<DenseElementsAttr>(value);
  auto tensor = dense ? dyn_cast<RankedTensorType>(dense.getType()) : RankedTensorType();
  if (!tensor)
    return env.fail("holds a constant the interpreter cannot read (only scalars and dense "
                    "tensor elements)");
  Tensor &out = env.out(0, tensor.getShape());
  if (out.isFloat()) {
    if (dense.isSplat())
      std::fill(out.f.begin(), out.f.end(), toDouble(dense.getSplatValue<APFloat>()));
    else
      for (auto [n, v] : llvm::enumerate(dense.getValues<APFloat>()))
        out.f[n] = toDouble(v);
  } else {
    if (dense.isSplat())
      std::fill(out.i.begin(), out.i.end(), toInt(dense.getSplatValue<APInt>()));
    else
      for (auto [n, v] : llvm::enumerate(dense.getValues<APInt>()))
        out.i[n] = toInt(v);
  }
  return success();
}

} // namespace loom::reference::detail
