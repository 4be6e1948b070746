//===- PlanClassify.cpp - how the target runs each op ----------------------===//

#include "passes/Plan/PlanClassify.h"

#include "passes/Fusion/TargetCapabilities.h"

#include "dialects/loom/IR/LoomOps.h"
#include "dialects/loomrt/IR/LoomrtDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

using namespace mlir;
using namespace mlir::loom;

namespace {

bool isF32Tensor(Value v) { return cast<ShapedType>(v.getType()).getElementType().isF32(); }

/// GEMM_F32 computes in f32: the operands, the result and the accumulator.
bool isF32Contraction(Operation *op, Type acc) {
  return acc.isF32() && llvm::all_of(op->getOperands(), isF32Tensor) &&
         llvm::all_of(op->getResults(), isF32Tensor);
}

/// A slice is a view when it is one contiguous byte range: unit strides, and
/// below the outermost dim it cuts, every dim is taken whole; above it, one
/// index each.
bool isContiguousSlice(SliceOp slice) {
  ArrayRef<int64_t> shape = cast<ShapedType>(slice.getInput().getType()).getShape();
  ArrayRef<int64_t> sizes = slice.getSizes();
  if (llvm::any_of(slice.getStrides(), [](int64_t s) { return s != 1; }))
    return false;
  size_t rank = shape.size(), first = 0;
  while (first < rank && sizes[first] == 1 && shape[first] != 1)
    ++first;
  // Dims [0, first) take one index each; dim `first` may be cut; the rest whole.
  for (size_t d = first + 1; d < rank; ++d)
    if (sizes[d] != shape[d])
      return false;
  return true;
}

/// The capability table of the target `op` is compiled for: the same table
/// the fusion policy read, so that a linear it gave a bias (a GEMM epilogue)
/// is planned as that GEMM. The cpu's when no module names a target
/// (hand-written plans), as before targets existed.
const TargetCapabilities &targetOf(Operation *op) {
  for (auto module = op->getParentOfType<ModuleOp>(); module;
       module = module->getParentOfType<ModuleOp>())
    if (auto target = module->getAttrOfType<StringAttr>("loom.target"))
      if (const TargetCapabilities *caps = capabilitiesFor(target.getValue()))
        return *caps;
  return *capabilitiesFor("cpu");
}

/// A linear is one GEMM call when it computes in f32 and its bias, if any,
/// is the library's epilogue.
bool isGemmLinear(LinearOp linear) {
  if (!isF32Contraction(linear, linear.getAcc()))
    return false;
  return !linear.getBias() || targetOf(linear).gemmBiasEpilogue;
}

} // namespace

OpPlacement mlir::loom::classify(Operation *op) {
  if (isa<func::ReturnOp>(op))
    return OpPlacement::Return;
  if (isa<loomrt::DispatchOp>(op))
    return OpPlacement::Dispatch;
  if (auto matmul = dyn_cast<MatmulOp>(op))
    return isF32Contraction(op, matmul.getAcc()) ? OpPlacement::Gemm : OpPlacement::Kernel;
  if (auto linear = dyn_cast<LinearOp>(op))
    return isGemmLinear(linear) ? OpPlacement::Gemm : OpPlacement::Kernel;
  if (isa<AttentionOp, AttentionGradOp>(op))
    return llvm::all_of(op->getResults(), isF32Tensor) ? OpPlacement::Attention
                                                       : OpPlacement::Kernel;
  if (isa<ReshapeOp>(op))
    return OpPlacement::View;
  if (auto slice = dyn_cast<SliceOp>(op))
    return isContiguousSlice(slice) ? OpPlacement::View : OpPlacement::Kernel;
  if (auto constant = dyn_cast<ConstantOp>(op))
    return cast<ElementsAttr>(constant.getValue()).isSplat() ? OpPlacement::Fill
                                                             : OpPlacement::Kernel;
  return OpPlacement::Kernel;
}

int64_t mlir::loom::viewByteOffset(Operation *op) {
  auto slice = dyn_cast<SliceOp>(op);
  if (!slice)
    return 0;
  auto type = cast<ShapedType>(slice.getInput().getType());
  int64_t offset = 0, stride = 1;
  for (int64_t d = type.getRank() - 1; d >= 0; --d) {
    offset += slice.getOffsets()[d] * stride;
    stride *= type.getDimSize(d);
  }
  return offset * loomrt::elementBytes(type.getElementType());
}
