//===- LoomInterfaces.td - differentiable and fusable op interfaces -----===//
//
// The two interfaces later passes talk to instead of op lists:
//   * Loom_DifferentiableOpInterface: the residual-aware VJP that autodiff
//     calls (issue "training programs"); an op without it is refused there.
//   * Loom_FusableOpInterface: what the fusion policy needs to know about an
//     op's iteration space.
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_INTERFACES_TD
#define LOOM_INTERFACES_TD

include "mlir/IR/OpBase.td"

def Loom_DifferentiableOpInterface : OpInterface<"DifferentiableOpInterface"> {
  let cppNamespace = "::mlir::loom";
  let description = [{
    An op that builds its vector-Jacobian product. The VJP is built in the
    same function as the forward op, after it, so it reads the op's operands
    and results directly: an op chooses its residuals by what it returns
    (attention returns its log-sum-exp, norms their reciprocal std) and reads
    them instead of recomputing. Integer operands get no cotangent (a null
    Value); operands whose cotangent is not `needed` get none either, so a
    frozen weight gets no weight-gradient op.
  }];
  let methods = [
    InterfaceMethod<[{
        Builds the VJP at the builder's insertion point. `resultCotangents` has
        one entry per result (null where the result does not reach the loss);
        `operandCotangents` receives one entry per operand (null where not
        `needed` or integer). Fails with a diagnostic on the op when a case is
        not supported.
      }],
      "::llvm::LogicalResult", "buildVJP",
      (ins "::mlir::OpBuilder &":$builder,
           "::mlir::ValueRange":$resultCotangents,
           "::llvm::ArrayRef<bool>":$needed,
           "::llvm::SmallVectorImpl<::mlir::Value> &":$operandCotangents)>,
  ];
}

def Loom_FusableOpInterface : OpInterface<"FusableOpInterface"> {
  let cppNamespace = "::mlir::loom";
  let description = [{
    What the fusion policy asks of an op: its kind of iteration space
    (elementwise, layout change, row reduction, scan, contraction, attention,
    generator, or opaque) and, for row reductions and scans, the reduced dim.
    The kind comes from the op's FusionKindIs trait (set in the op family's
    .td file), so a new op only states it once.
  }];
  let methods = [
    InterfaceMethod<"The op's kind of iteration space.",
      "::mlir::loom::FusionKind", "getFusionKind", (ins), "",
      [{ return ConcreteOp::kFusionKind; }]>,
  ];
}

#endif // LOOM_INTERFACES_TD
