//===- RandomKernels.cpp - random_fold_in, random_uniform, random_normal ---===//
//
// Element i of a draw is Philox on the element's row-major index in the
// *bounded* shape (RandomOps.td), so a draw of run-time size n equals the
// leading part of the draw at the bound, and backends with materialized bounds
// draw the same numbers.
//
//===----------------------------------------------------------------------===//

#include "codegen/reference/Kernels.h"
#include "codegen/reference/Numerics.h"
#include "codegen/reference/Philox.h"

using namespace mlir;
using namespace mlir::loom;

namespace loom::reference::detail {
namespace {

template <typename OpT, typename Draw>
LogicalResult runDraw(OpT op, OpEnv &env, Draw draw) {
  FailureOr<std::vector<int64_t>> shape = env.shapeFrom(op.getType(), op.getDynamicDims());
  if (failed(shape))
    return failure();
  int64_t key = env.in(op.getKey()).i[0];
  Tensor &out = env.out(0, *shape);
  // The logical index: the element's multi-index under the bounded strides.
  forEachOffset(*shape, stridesOf(boundedShape(op.getType())),
                [&](int64_t n, int64_t i) { out.f[n] = draw(key, static_cast<uint64_t>(i)); });
  return success();
}

} // namespace

LogicalResult runRandomFoldIn(RandomFoldInOp op, OpEnv &env) {
  int64_t key = env.in(op.getKey()).i[0], data = env.in(op.getData()).i[0];
  Tensor &out = env.out(0, {});
  out.i[0] = foldIn(key, data);
  return success();
}

LogicalResult runRandomUniform(RandomUniformOp op, OpEnv &env) {
  Type element = op.getType().getElementType();
  if (element.isF64())
    return runDraw(op, env, uniform53);
  // 24 bits, then toward zero to f16/bf16 (f32 holds them exactly). F64
  // precision keeps every float in double, so it keeps the 24 bits.
  bool round = env.precision() == Precision::F32;
  return runDraw(op, env, [&](int64_t key, uint64_t i) {
    double u = uniform24(key, i);
    return round ? roundTowardZero(u, element) : u;
  });
}

LogicalResult runRandomNormal(RandomNormalOp op, OpEnv &env) {
  // Rounded to nearest at the op boundary (f32 within 2 ulp of any backend).
  if (op.getType().getElementType().isF64())
    return runDraw(op, env, normal53);
  return runDraw(op, env, normal24);
}

} // namespace loom::reference::detail
