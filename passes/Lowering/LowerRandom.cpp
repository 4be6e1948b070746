//===- LowerRandom.cpp - random_fold_in and random_uniform to linalg --------===//
//
// Philox-4x32-10 in arith on i32 words, as codegen/reference/Philox.cpp: each
// round's 32×32→64 products are i64 multiplies split into high and low words,
// and the key is bumped by the Weyl constants between rounds. random_fold_in
// runs it on the counter {data lo, data hi, 0, 0}; random_uniform on the
// element's row-major index {lo, hi, 0, 0}, taking 24 bits of word 0 (f32)
// or the top 53 of words 1:0 (f64), scaled exactly.
//
//===----------------------------------------------------------------------===//

#include "passes/Lowering/LowerCommon.h"

using namespace mlir;
using namespace mlir::loom;

namespace mlir::loom::lowering {
namespace {

using Words = SmallVector<Value, 4>;

Value i32(OpBuilder &b, Location l, uint32_t v) {
  return arith::ConstantOp::create(b, l, b.getI32IntegerAttr(static_cast<int32_t>(v)));
}

/// The low and high words of an i64.
std::pair<Value, Value> split(OpBuilder &b, Location l, Value v) {
  Type t = b.getI32Type();
  Value hi = arith::ShRUIOp::create(b, l, v, scalar(b, l, b.getI64Type(), 32));
  return {arith::TruncIOp::create(b, l, t, v), arith::TruncIOp::create(b, l, t, hi)};
}

/// (hi << 32) | lo as an i64.
Value join(OpBuilder &b, Location l, Value lo, Value hi) {
  Type i64 = b.getI64Type();
  Value h = arith::ShLIOp::create(b, l, arith::ExtUIOp::create(b, l, i64, hi), scalar(b, l, i64, 32));
  return arith::OrIOp::create(b, l, h, arith::ExtUIOp::create(b, l, i64, lo));
}

/// Philox-4x32-10 of the counter {lo, hi, 0, 0} of `index` (i64) under `key` (i64).
Words philox(OpBuilder &b, Location l, Value index, Value key) {
  auto [c0, c1] = split(b, l, index);
  auto [k0, k1] = split(b, l, key);
  Words c{c0, c1, i32(b, l, 0), i32(b, l, 0)};
  auto mul = [&](uint32_t m, Value x) {
    Type i64 = b.getI64Type();
    Value p = arith::MulIOp::create(b, l, arith::ExtUIOp::create(b, l, i64, x),
                                    scalar(b, l, i64, static_cast<double>(m)));
    return split(b, l, p);
  };
  for (int r = 0; r < 10; ++r) {
    if (r > 0) {
      k0 = arith::AddIOp::create(b, l, k0, i32(b, l, 0x9E3779B9));
      k1 = arith::AddIOp::create(b, l, k1, i32(b, l, 0xBB67AE85));
    }
    auto [lo0, hi0] = mul(0xD2511F53, c[0]);
    auto [lo1, hi1] = mul(0xCD9E8D57, c[2]);
    Value w0 = arith::XOrIOp::create(b, l, arith::XOrIOp::create(b, l, hi1, c[1]), k0);
    Value w2 = arith::XOrIOp::create(b, l, arith::XOrIOp::create(b, l, hi0, c[3]), k1);
    c = {w0, lo1, w2, lo0};
  }
  return c;
}

} // namespace

Lowered lowerRandom(OpBuilder &b, Operation *op, SmallVectorImpl<Value> &results) {
  Location loc = op->getLoc();
  if (auto fold = dyn_cast<RandomFoldInOp>(op)) {
    auto type = cast<RankedTensorType>(fold.getType());
    results.push_back(elementwise(b, loc, type, {fold.getKey(), fold.getData()},
                                  [&](OpBuilder &nb, Location l, ValueRange a) {
                                    Words w = philox(nb, l, a[1], a[0]);
                                    return join(nb, l, w[0], w[1]);
                                  }));
    return success();
  }
  if (auto uniform = dyn_cast<RandomUniformOp>(op)) {
    auto type = uniform.getType();
    Type e = type.getElementType();
    if (!type.hasStaticShape())
      return notLowered(op, "a random_uniform of bounded dynamic shape");
    if (!e.isF32() && !e.isF64())
      return notLowered(op, "a random_uniform of a 16-bit float");
    int64_t rank = type.getRank();
    SmallVector<int64_t> strides(rank, 1);
    for (int64_t d = rank - 2; d >= 0; --d)
      strides[d] = strides[d + 1] * type.getDimSize(d + 1);
    AffineMap scalarMap = AffineMap::get(rank, 0, {}, b.getContext());
    results.push_back(generic(
        b, loc, type, {uniform.getKey()}, {scalarMap}, [&](OpBuilder &nb, Location l, ValueRange a) {
          Type i64 = nb.getI64Type();
          Value index = scalar(nb, l, i64, 0);
          for (int64_t d = 0; d < rank; ++d) {
            Value at = arith::IndexCastOp::create(nb, l, i64, linalg::IndexOp::create(nb, l, d));
            index = arith::AddIOp::create(
                nb, l, index,
                arith::MulIOp::create(nb, l, at, scalar(nb, l, i64, static_cast<double>(strides[d]))));
          }
          Words w = philox(nb, l, index, a[0]);
          if (e.isF64()) {
            Value bits = arith::ShRUIOp::create(nb, l, join(nb, l, w[0], w[1]), scalar(nb, l, i64, 11));
            return arith::MulFOp::create(nb, l, arith::UIToFPOp::create(nb, l, e, bits),
                                         scalar(nb, l, e, 0x1p-53))
                .getResult();
          }
          Value bits = arith::ShRUIOp::create(nb, l, w[0], i32(nb, l, 8));
          return arith::MulFOp::create(nb, l, arith::UIToFPOp::create(nb, l, e, bits),
                                       scalar(nb, l, e, 0x1p-24))
              .getResult();
        }));
    return success();
  }
  return std::nullopt;
}

} // namespace mlir::loom::lowering
