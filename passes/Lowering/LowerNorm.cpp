//===- LowerNorm.cpp - rms_norm, layer_norm, their grads, rope to linalg ---===//
//
// As codegen/reference/NormKernels.cpp: row statistics over the last dim in
// f64, summed in index order by reduction generics, each result rounded once
// to its type. Every intermediate the interpreter names (x · rstd, x − mean,
// (x − mean) · rstd) is one f64 tensor, so each product is formed exactly as
// there. rope reads its inverse frequencies from a constant computed here with
// std::pow as the interpreter does, rounded to f32 (as are the positions and
// the angles) unless the input is f64, which is the interpreter's F32
// precision; cos and sin are libm's.
//
//===----------------------------------------------------------------------===//

#include "passes/Lowering/LowerCommon.h"

#include <cmath>

using namespace mlir;
using namespace mlir::loom;

namespace mlir::loom::lowering {
namespace {

/// Shapes and maps of an op normalizing the last dim of `type`.
struct Rows {
  Rows(OpBuilder &b, RankedTensorType type)
      : ctx(b.getContext()), f64(b.getF64Type()), rank(type.getRank()), last(rank - 1),
        size(static_cast<double>(type.getDimSize(last))),
        full(RankedTensorType::get(type.getShape(), f64)),
        rows(RankedTensorType::get(reducedShape(type.getShape(), {last}), f64)) {}

  MLIRContext *ctx;
  Type f64;
  int64_t rank, last;
  double size;
  RankedTensorType full, rows;

  AffineMap identity() const { return AffineMap::getMultiDimIdentityMap(rank, ctx); }
  /// A full element's row, and its column.
  AffineMap row() const { return identity().dropResult(last); }
  AffineMap column() const { return AffineMap::get(rank, 0, getAffineDimExpr(last, ctx), ctx); }

  /// Σ over the row of `term(inputs read at each element)`, in f64 from 0.
  Value sum(OpBuilder &b, Location loc, ValueRange inputs,
            function_ref<Value(OpBuilder &, Location, ValueRange)> term) const {
    Value init = filled(b, loc, rows, scalar(b, loc, f64, 0.0));
    return reduceGeneric(b, loc, inputs, {init}, rank, {last},
                         [&](OpBuilder &nb, Location l, ValueRange a) -> SmallVector<Value> {
                           return {arith::AddFOp::create(nb, l, a.back(), term(nb, l, a.drop_back()))
                                       .getResult()};
                         })[0];
  }
  /// 1 / sqrt(ss / D + eps) of each row.
  Value rstd(OpBuilder &b, Location loc, Value ss, double eps) const {
    return elementwise(b, loc, rows, {ss}, [&](OpBuilder &nb, Location l, ValueRange a) {
      Value v = arith::DivFOp::create(nb, l, a[0], scalar(nb, l, f64, size));
      v = arith::AddFOp::create(nb, l, v, scalar(nb, l, f64, eps));
      return arith::DivFOp::create(nb, l, scalar(nb, l, f64, 1.0), math::SqrtOp::create(nb, l, v))
          .getResult();
    });
  }
  /// `v` (f64) rounded to `type` (same shape), or `v` when `type` is f64.
  Value round(OpBuilder &b, Location loc, Value v, Type type) const {
    auto t = cast<RankedTensorType>(type);
    if (t.getElementType() == f64)
      return v;
    return elementwise(b, loc, t, {v}, [&](OpBuilder &nb, Location l, ValueRange a) {
      return castScalar(nb, l, a[0], t.getElementType());
    });
  }
  Value toF64(OpBuilder &b, Location loc, Value x) const { return castScalar(b, loc, x, f64); }
};

Value mulF(OpBuilder &b, Location l, Value x, Value y) { return arith::MulFOp::create(b, l, x, y); }
Value subF(OpBuilder &b, Location l, Value x, Value y) { return arith::SubFOp::create(b, l, x, y); }

LogicalResult lowerRmsNorm(OpBuilder &b, RmsNormOp op, const Rows &r, SmallVectorImpl<Value> &results) {
  auto type = op.getInput().getType();
  Location loc = op.getLoc();
  Value ss = r.sum(b, loc, {op.getInput()}, [&](OpBuilder &nb, Location l, ValueRange a) {
    Value x = r.toF64(nb, l, a[0]);
    return mulF(nb, l, x, x);
  });
  Value s = r.rstd(b, loc, ss, op.getEpsilon().convertToDouble());
  SmallVector<Value> inputs{op.getInput(), s};
  SmallVector<AffineMap> maps{r.identity(), r.row()};
  if (op.getWeight()) {
    inputs.push_back(op.getWeight());
    maps.push_back(r.column());
  }
  Type e = type.getElementType();
  results.push_back(generic(b, loc, cast<RankedTensorType>(op.getResult().getType()), inputs, maps,
                            [&](OpBuilder &nb, Location l, ValueRange a) {
                              Value v = mulF(nb, l, r.toF64(nb, l, a[0]), a[1]);
                              if (a.size() > 2)
                                v = mulF(nb, l, v, r.toF64(nb, l, a[2]));
                              return castScalar(nb, l, v, e);
                            }));
  results.push_back(r.round(b, loc, s, op.getRstd().getType()));
  return success();
}

LogicalResult lowerLayerNorm(OpBuilder &b, LayerNormOp op, const Rows &r, SmallVectorImpl<Value> &results) {
  auto type = op.getInput().getType();
  Location loc = op.getLoc();
  Value sum = r.sum(b, loc, {op.getInput()},
                    [&](OpBuilder &nb, Location l, ValueRange a) { return r.toF64(nb, l, a[0]); });
  Value m = elementwise(b, loc, r.rows, {sum}, [&](OpBuilder &nb, Location l, ValueRange a) {
    return arith::DivFOp::create(nb, l, a[0], scalar(nb, l, r.f64, r.size)).getResult();
  });
  // x − mean, then the biased variance's sum of squares over it.
  Value diff = generic(b, loc, r.full, {op.getInput(), m}, {r.identity(), r.row()},
                       [&](OpBuilder &nb, Location l, ValueRange a) {
                         return subF(nb, l, r.toF64(nb, l, a[0]), a[1]);
                       });
  Value ss = r.sum(b, loc, {diff}, [&](OpBuilder &nb, Location l, ValueRange a) {
    return mulF(nb, l, a[0], a[0]);
  });
  Value s = r.rstd(b, loc, ss, op.getEpsilon().convertToDouble());
  SmallVector<Value> inputs{diff, s};
  SmallVector<AffineMap> maps{r.identity(), r.row()};
  for (Value affine : {op.getWeight(), op.getBias()})
    if (affine) {
      inputs.push_back(affine);
      maps.push_back(r.column());
    }
  bool weight = static_cast<bool>(op.getWeight()), bias = static_cast<bool>(op.getBias());
  Type e = type.getElementType();
  results.push_back(generic(b, loc, cast<RankedTensorType>(op.getResult().getType()), inputs, maps,
                            [&](OpBuilder &nb, Location l, ValueRange a) {
                              Value v = mulF(nb, l, a[0], a[1]);
                              unsigned next = 2;
                              if (weight)
                                v = mulF(nb, l, v, r.toF64(nb, l, a[next++]));
                              if (bias)
                                v = arith::AddFOp::create(nb, l, v, r.toF64(nb, l, a[next++]));
                              return castScalar(nb, l, v, e);
                            }));
  results.push_back(r.round(b, loc, m, op.getMean().getType()));
  results.push_back(r.round(b, loc, s, op.getRstd().getType()));
  return success();
}

/// A row sum divided by the row length, in f64.
Value rowMean(OpBuilder &b, Location l, const Rows &r, Value sum) {
  return arith::DivFOp::create(b, l, sum, scalar(b, l, r.f64, r.size));
}

LogicalResult lowerRmsNormGrad(OpBuilder &b, RmsNormGradOp op, const Rows &r, SmallVectorImpl<Value> &results) {
  auto type = op.getInput().getType();
  Location loc = op.getLoc();
  // x̂ = x · rstd; dx = rstd · (g − x̂ · mean(g · x̂)).
  Value xhat = generic(b, loc, r.full, {op.getInput(), op.getRstd()}, {r.identity(), r.row()},
                       [&](OpBuilder &nb, Location l, ValueRange a) {
                         return mulF(nb, l, r.toF64(nb, l, a[0]), r.toF64(nb, l, a[1]));
                       });
  Value dot = r.sum(b, loc, {op.getNormalizedGrad(), xhat},
                    [&](OpBuilder &nb, Location l, ValueRange a) {
                      return mulF(nb, l, r.toF64(nb, l, a[0]), a[1]);
                    });
  Type e = type.getElementType();
  results.push_back(generic(
      b, loc, type, {op.getNormalizedGrad(), xhat, op.getRstd(), dot},
      {r.identity(), r.identity(), r.row(), r.row()}, [&](OpBuilder &nb, Location l, ValueRange a) {
        Value meanGX = rowMean(nb, l, r, a[3]);
        Value v = subF(nb, l, r.toF64(nb, l, a[0]), mulF(nb, l, a[1], meanGX));
        return castScalar(nb, l, mulF(nb, l, r.toF64(nb, l, a[2]), v), e);
      }));
  return success();
}

LogicalResult lowerLayerNormGrad(OpBuilder &b, LayerNormGradOp op, const Rows &r,
                                 SmallVectorImpl<Value> &results) {
  auto type = op.getInput().getType();
  Location loc = op.getLoc();
  // x̂ = (x − mean) · rstd; dx = rstd · (g − mean(g) − x̂ · mean(g · x̂)).
  Value xhat = generic(b, loc, r.full, {op.getInput(), op.getMean(), op.getRstd()},
                       {r.identity(), r.row(), r.row()}, [&](OpBuilder &nb, Location l, ValueRange a) {
                         Value d = subF(nb, l, r.toF64(nb, l, a[0]), r.toF64(nb, l, a[1]));
                         return mulF(nb, l, d, r.toF64(nb, l, a[2]));
                       });
  Value g = op.getNormalizedGrad();
  Value sumG = r.sum(b, loc, {g},
                     [&](OpBuilder &nb, Location l, ValueRange a) { return r.toF64(nb, l, a[0]); });
  Value dot = r.sum(b, loc, {g, xhat}, [&](OpBuilder &nb, Location l, ValueRange a) {
    return mulF(nb, l, r.toF64(nb, l, a[0]), a[1]);
  });
  Type e = type.getElementType();
  results.push_back(generic(
      b, loc, type, {g, xhat, op.getRstd(), sumG, dot},
      {r.identity(), r.identity(), r.row(), r.row(), r.row()},
      [&](OpBuilder &nb, Location l, ValueRange a) {
        Value v = subF(nb, l, r.toF64(nb, l, a[0]), rowMean(nb, l, r, a[3]));
        v = subF(nb, l, v, mulF(nb, l, a[1], rowMean(nb, l, r, a[4])));
        return castScalar(nb, l, mulF(nb, l, r.toF64(nb, l, a[2]), v), e);
      }));
  return success();
}

LogicalResult lowerRope(OpBuilder &b, RopeOp op, SmallVectorImpl<Value> &results) {
  auto type = op.getInput().getType();
  if (!type.hasStaticShape())
    return notLowered(op, "a rope of bounded dynamic shape");
  Location loc = op.getLoc();
  MLIRContext *ctx = b.getContext();
  Type f64 = b.getF64Type(), f32 = b.getF32Type(), e = type.getElementType();
  int64_t d = type.getDimSize(3), half = d / 2;
  bool f32Angles = !e.isF64(), interleaved = op.getLayout() == RopeLayout::interleaved;
  auto angleRound = [&](double v) { return f32Angles ? static_cast<double>(static_cast<float>(v)) : v; };
  double theta = op.getTheta().convertToDouble();
  SmallVector<double> invFreq;
  for (int64_t j = 0; j < half; ++j)
    invFreq.push_back(
        angleRound(std::pow(theta, -2.0 * static_cast<double>(j) / static_cast<double>(d))));
  auto freqType = RankedTensorType::get({half}, f64);
  Value freqs = arith::ConstantOp::create(b, loc, DenseElementsAttr::get(freqType, ArrayRef(invFreq)));
  Value x = op.getInput();
  AffineMap token = AffineMap::get(4, 0, {getAffineDimExpr(0, ctx), getAffineDimExpr(1, ctx)}, ctx);
  results.push_back(generic(
      b, loc, type, {op.getPositions()}, {token}, [&](OpBuilder &nb, Location l, ValueRange a) {
        auto roundAngle = [&](Value v) {
          return f32Angles ? castScalar(nb, l, castScalar(nb, l, v, f32), f64) : v;
        };
        auto index = [&](int64_t k) { return arith::ConstantIndexOp::create(nb, l, k); };
        SmallVector<Value> at;
        for (int64_t k = 0; k < 4; ++k)
          at.push_back(linalg::IndexOp::create(nb, l, k));
        Value c = at[3], j, ia, ib, first;
        if (interleaved) {
          j = arith::DivUIOp::create(nb, l, c, index(2));
          ia = arith::MulIOp::create(nb, l, j, index(2));
          ib = arith::AddIOp::create(nb, l, ia, index(1));
          first = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq, c, ia);
        } else {
          first = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ult, c, index(half));
          j = arith::SelectOp::create(nb, l, first, c, arith::SubIOp::create(nb, l, c, index(half)));
          ia = j;
          ib = arith::AddIOp::create(nb, l, j, index(half));
        }
        auto read = [&](Value k) {
          SmallVector<Value> where(at);
          where[3] = k;
          return castScalar(nb, l, tensor::ExtractOp::create(nb, l, x, where), f64);
        };
        Value pa = read(ia), pb = read(ib);
        Value p = roundAngle(castScalar(nb, l, a[0], f64));
        Value angle = roundAngle(mulF(nb, l, p, tensor::ExtractOp::create(nb, l, freqs, ValueRange{j})));
        Value cosine = math::CosOp::create(nb, l, angle), sine = math::SinOp::create(nb, l, angle);
        Value ya = subF(nb, l, mulF(nb, l, pa, cosine), mulF(nb, l, pb, sine));
        Value yb = arith::AddFOp::create(nb, l, mulF(nb, l, pa, sine), mulF(nb, l, pb, cosine));
        return castScalar(nb, l, arith::SelectOp::create(nb, l, first, ya, yb), e);
      }));
  return success();
}

} // namespace

Lowered lowerNorm(OpBuilder &b, Operation *op, SmallVectorImpl<Value> &results) {
  // The row ops, once their operands are known to be static.
  auto rows = [&](auto rowOp, ValueRange operands, const char *what, auto lower) -> LogicalResult {
    for (Value v : operands)
      if (!cast<RankedTensorType>(v.getType()).hasStaticShape())
        return notLowered(op, Twine(what) + " of bounded dynamic shape");
    return lower(b, rowOp, Rows(b, rowOp.getInput().getType()), results);
  };
  if (auto n = dyn_cast<RmsNormOp>(op))
    return rows(n, {n.getInput()}, "an rms_norm", lowerRmsNorm);
  if (auto n = dyn_cast<LayerNormOp>(op))
    return rows(n, {n.getInput()}, "a layer_norm", lowerLayerNorm);
  if (auto g = dyn_cast<RmsNormGradOp>(op))
    return rows(g, {g.getInput(), g.getRstd()}, "an rms_norm_grad", lowerRmsNormGrad);
  if (auto g = dyn_cast<LayerNormGradOp>(op))
    return rows(g, {g.getInput(), g.getMean(), g.getRstd()}, "a layer_norm_grad", lowerLayerNormGrad);
  if (auto rope = dyn_cast<RopeOp>(op))
    return lowerRope(b, rope, results);
  return std::nullopt;
}

} // namespace mlir::loom::lowering
