//===- Folders.cpp - IEEE-correct folds and canonicalization patterns ----===//
//
// Float rules must hold for every input, NaN, ±inf and ±0 included:
//   x · 1 → x, x / 1 → x, x + (−0.0) → x, x − (+0.0) → x   (exact for all x)
// and never x + 0.0 (−0.0 + 0.0 = +0.0), x − x (NaN, inf) or x · 0 (NaN,
// −0.0). Integer rules (x + 0, x − 0, x · 1) hold for all integers.
//
//===----------------------------------------------------------------------===//

#include "dialects/loom/IR/DataMovementOps.h"
#include "dialects/loom/IR/ElementwiseOps.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::loom;

namespace {
/// A splat constant operand, as float or integer.
struct Splat {
  std::optional<APFloat> f;
  std::optional<APInt> i;

  explicit Splat(Attribute attr) {
    auto dense = dyn_cast_or_null<DenseElementsAttr>(attr);
    if (!dense || !dense.isSplat())
      return;
    if (isa<FloatType>(dense.getElementType()))
      f = dense.getSplatValue<APFloat>();
    else if (isa<IntegerType>(dense.getElementType()))
      i = dense.getSplatValue<APInt>();
  }
  bool isOne() const { return (f && f->isExactlyValue(1.0)) || (i && i->isOne()); }
  bool isIntZero() const { return i && i->isZero(); }
  bool isFloatZero(bool negative) const {
    return f && f->isZero() && f->isNegative() == negative;
  }
};
} // namespace

OpFoldResult BinaryOp::fold(FoldAdaptor adaptor) {
  Splat lhs(adaptor.getLhs()), rhs(adaptor.getRhs());
  switch (getKind()) {
  case BinaryKind::mul:
    if (rhs.isOne())
      return getLhs();
    if (lhs.isOne())
      return getRhs();
    return {};
  case BinaryKind::div:
    return rhs.isOne() ? OpFoldResult(getLhs()) : OpFoldResult();
  case BinaryKind::add:
    if (rhs.isFloatZero(/*negative=*/true) || rhs.isIntZero())
      return getLhs();
    if (lhs.isFloatZero(/*negative=*/true) || lhs.isIntZero())
      return getRhs();
    return {};
  case BinaryKind::sub:
    if (rhs.isFloatZero(/*negative=*/false) || rhs.isIntZero())
      return getLhs();
    return {};
  default:
    return {};
  }
}

OpFoldResult CastOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return {};
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

//===----------------------------------------------------------------------===//
// transpose
//===----------------------------------------------------------------------===//

OpFoldResult TransposeOp::fold(FoldAdaptor) {
  for (auto [i, p] : llvm::enumerate(getPerm()))
    if (static_cast<int64_t>(i) != p)
      return {};
  return getInput();
}

namespace {
/// transpose(transpose(x, inner), outer) → transpose(x, inner ∘ outer); an
/// identity composition then folds away.
struct ComposeTransposes final : OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TransposeOp op, PatternRewriter &rewriter) const override {
    auto inner = op.getInput().getDefiningOp<TransposeOp>();
    if (!inner)
      return rewriter.notifyMatchFailure(op, "input is not a transpose");
    SmallVector<int64_t> composed;
    for (int64_t p : op.getPerm())
      composed.push_back(inner.getPerm()[p]);
    rewriter.replaceOpWithNewOp<TransposeOp>(op, inner.getInput(), composed);
    return success();
  }
};
} // namespace

void TransposeOp::getCanonicalizationPatterns(RewritePatternSet &patterns, MLIRContext *ctx) {
  patterns.add<ComposeTransposes>(ctx);
}

//===----------------------------------------------------------------------===//
// reshape
//===----------------------------------------------------------------------===//

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  auto type = getType();
  if (getInput().getType() == type && type.hasStaticShape())
    return getInput();
  if (auto dense = dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput()))
    if (type.hasStaticShape() && !type.getEncoding())
      return dense.reshape(type);
  return {};
}

namespace {
/// reshape(reshape(x)) → reshape(x): row-major order makes the middle shape
/// irrelevant; the outer reshape's dynamic sizes still describe the result.
struct CollapseReshapes final : OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReshapeOp op, PatternRewriter &rewriter) const override {
    auto inner = op.getInput().getDefiningOp<ReshapeOp>();
    if (!inner)
      return rewriter.notifyMatchFailure(op, "input is not a reshape");
    rewriter.replaceOpWithNewOp<ReshapeOp>(op, op.getType(), inner.getInput(),
                                           op.getDynamicDims());
    return success();
  }
};
} // namespace

void ReshapeOp::getCanonicalizationPatterns(RewritePatternSet &patterns, MLIRContext *ctx) {
  patterns.add<CollapseReshapes>(ctx);
}
