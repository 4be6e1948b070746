//===- KernelLaunch.cpp - one launch of a compiled kernel through the ABI --===//

#include "codegen/cpu/testing/KernelLaunch.h"

#include "codegen/cpu/testing/DenseBuffers.h"

using ::loom::reference::Tensor;

namespace mlir::loom::codegen::testsupport {

KernelLaunch::KernelLaunch(func::FuncOp fn, const std::vector<Tensor> &inputs) {
  for (const Tensor &input : inputs)
    inputs_.push_back(packDense(input));
  storage_ = inputs_;
  for (Type t : fn.getResultTypes()) {
    auto type = cast<RankedTensorType>(t);
    resultTypes_.push_back(type);
    int64_t bytes = type.getNumElements() * elementBytes(type.getElementType());
    storage_.emplace_back(std::max<int64_t>(bytes, 8), static_cast<char>(0xA5));
  }
  for (std::vector<char> &bytes : storage_)
    buffers_.push_back(bytes.data());
}

void KernelLaunch::run(KernelFn kernel) const {
  const int64_t workgroup[3] = {0, 0, 0};
  kernel(workgroup, buffers_.data(), nullptr);
}

std::vector<Tensor> KernelLaunch::results() const {
  std::vector<Tensor> results;
  for (size_t r = 0; r < resultTypes_.size(); ++r)
    results.push_back(unpackDense(storage_[inputs_.size() + r].data(), resultTypes_[r]));
  return results;
}

bool KernelLaunch::inputsUnchanged() const {
  return std::equal(inputs_.begin(), inputs_.end(), storage_.begin());
}

} // namespace mlir::loom::codegen::testsupport
