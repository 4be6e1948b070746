//===- KernelLaunch.cpp - one launch of a compiled kernel through the ABI --===//

#include "codegen/cpu/testing/KernelLaunch.h"

#include "codegen/cpu/testing/DenseBuffers.h"

#include <algorithm>
#include <numeric>
#include <random>
#include <thread>

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

void KernelLaunch::runWorkgroup(KernelFn kernel, int64_t x) const {
  const int64_t workgroup[3] = {x, 0, 0};
  kernel(workgroup, buffers_.data(), nullptr);
}

void KernelLaunch::runGrid(KernelFn kernel, int64_t workgroups, int threads,
                           uint64_t seed) const {
  std::vector<int64_t> order(workgroups);
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), std::mt19937_64(seed));
  if (threads <= 1) {
    for (int64_t id : order)
      runWorkgroup(kernel, id);
    return;
  }
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      for (size_t i = t; i < order.size(); i += threads)
        runWorkgroup(kernel, order[i]);
    });
  for (std::thread &thread : pool)
    thread.join();
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
