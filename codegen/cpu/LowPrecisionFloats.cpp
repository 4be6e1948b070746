//===- LowPrecisionFloats.cpp - bf16 and f16 without library support -------===//

#include "codegen/cpu/LowPrecisionFloats.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::loom::codegen {
namespace {

/// f64 -> bf16 as f64 -> f32 rounded to odd, then f32 -> bf16 to nearest
/// even: with 16 more bits in between, the result is the one rounding of the
/// f64 value (rounding to nearest twice would not be: 1 + 2^-8 + 2^-30 would
/// become the tie 1 + 2^-8 in f32, then 1.0 instead of 1 + 2^-7).
/// Rounding to odd: the f32 rounded toward zero, with its last bit set when
/// inexact. NaN stays NaN; beyond the f32 range, the largest f32 with the
/// last bit set still rounds to infinity in bf16.
struct TruncF64ToBF16 : OpRewritePattern<arith::TruncFOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(arith::TruncFOp op, PatternRewriter &rewriter) const override {
    // Scalars: this runs on loops, after bufferization.
    if (!op.getIn().getType().isF64() || !op.getType().isBF16())
      return failure();
    Location loc = op.getLoc();
    Value x = op.getIn();
    Type f32 = rewriter.getF32Type(), i32 = rewriter.getI32Type();
    Value nearest = arith::TruncFOp::create(rewriter, loc, f32, x);
    Value back = arith::ExtFOp::create(rewriter, loc, rewriter.getF64Type(), nearest);
    Value inexact = arith::CmpFOp::create(rewriter, loc, arith::CmpFPredicate::ONE, back, x);
    Value awayFromZero = arith::CmpFOp::create(
        rewriter, loc, arith::CmpFPredicate::OGT, math::AbsFOp::create(rewriter, loc, back),
        math::AbsFOp::create(rewriter, loc, x));
    // Sign and magnitude: one less in the bits is one ulp toward zero.
    Value bits = arith::BitcastOp::create(rewriter, loc, i32, nearest);
    Value one = arith::ConstantIntOp::create(rewriter, loc, i32, 1);
    Value towardZero = arith::SelectOp::create(
        rewriter, loc, awayFromZero, arith::SubIOp::create(rewriter, loc, bits, one), bits);
    Value odd = arith::SelectOp::create(
        rewriter, loc, inexact, arith::OrIOp::create(rewriter, loc, towardZero, one), towardZero);
    Value intermediate = arith::BitcastOp::create(rewriter, loc, f32, odd);
    rewriter.replaceOpWithNewOp<arith::TruncFOp>(op, op.getType(), intermediate);
    return success();
  }
};

} // namespace

LogicalResult computeLowPrecisionFloatsInF32(ModuleOp module) {
  MLIRContext *context = module.getContext();
  PassManager pm(context);
  pm.addPass(math::createMathExtendToSupportedTypes());
  arith::ArithEmulateUnsupportedFloatsOptions emulate;
  emulate.sourceTypeStrs = {"bf16", "f16"};
  pm.addPass(arith::createArithEmulateUnsupportedFloats(emulate));
  if (failed(pm.run(module)))
    return module.emitError() << "CPU code generation: computing bf16 and f16 in f32 failed";
  RewritePatternSet patterns(context);
  patterns.add<TruncF64ToBF16>(context);
  arith::populateExpandBFloat16Patterns(patterns);
  if (failed(applyPatternsGreedily(module, std::move(patterns))))
    return module.emitError() << "CPU code generation: expanding bf16 conversions did not converge";
  return success();
}

} // namespace mlir::loom::codegen
