//===- Harness.cpp - run autodiff'ed programs in the reference interpreter -===//

#include "test/training/Harness.h"

#include "dialects/loom/IR/LoomDialect.h"
#include "passes/Pipelines.h"
#include "runtime/io/safetensors.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassManager.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

using namespace mlir;

namespace loom::training {

reference::Tensor fromHost(const rt::HostTensor &t, Type element, bool scalar) {
  std::vector<int64_t> shape(t.shape().begin(), t.shape().end());
  if (scalar && shape == std::vector<int64_t>{1})
    shape.clear();
  size_t n = t.num_elements();
  if (isa<FloatType>(element)) {
    std::vector<double> values(n);
    for (size_t i = 0; i < n; ++i) {
      switch (t.dtype()) {
      case rt::DType::kF64: values[i] = t.data_as<double>()[i]; break;
      case rt::DType::kF32: values[i] = t.data_as<float>()[i]; break;
      default: ADD_FAILURE() << "fromHost: a float argument needs F64 or F32 data"; return {};
      }
    }
    return reference::Tensor::floats(element, shape, values);
  }
  std::vector<int64_t> values(n);
  for (size_t i = 0; i < n; ++i) {
    switch (t.dtype()) {
    case rt::DType::kI64: values[i] = t.data_as<int64_t>()[i]; break;
    case rt::DType::kI32: values[i] = t.data_as<int32_t>()[i]; break;
    case rt::DType::kI8: values[i] = t.data_as<int8_t>()[i]; break;
    case rt::DType::kI1: values[i] = t.data_as<uint8_t>()[i]; break;
    default: ADD_FAILURE() << "fromHost: an integer argument needs integer data"; return {};
    }
  }
  return reference::Tensor::ints(element, shape, values);
}

std::map<std::string, rt::HostTensor> readSafetensors(const std::string &path) {
  rt::Result<rt::SafetensorsFile> file = rt::ReadSafetensorsFile(path);
  if (!file.ok()) {
    ADD_FAILURE() << file.status().ToString();
    return {};
  }
  return std::move(file->tensors);
}

bool runPhases(ModuleOp module, ArrayRef<std::string> phases) {
  PassManager pm(module.getContext());
  for (const std::string &name : phases) {
    std::optional<mlir::loom::Phase> phase = mlir::loom::parsePhase(name);
    std::string error;
    if (!phase || failed(mlir::loom::buildPhase(pm, *phase, error))) {
      ADD_FAILURE() << "phase " << name << ": " << error;
      return false;
    }
  }
  return succeeded(pm.run(module));
}

double relativeError(const reference::Tensor &a, const reference::Tensor &b, double floor) {
  if (a.shape != b.shape || a.f.size() != b.f.size())
    return INFINITY;
  double worst = 0;
  for (size_t i = 0; i < a.f.size(); ++i) {
    double x = a.f[i], y = b.f[i];
    if (std::isnan(x) || std::isnan(y)) {
      if (std::isnan(x) != std::isnan(y))
        return INFINITY;
      continue;
    }
    if (x == y) // equal infinities
      continue;
    worst = std::max(worst, std::fabs(x - y) / (std::fabs(y) + floor));
  }
  return worst;
}

void registerAll(DialectRegistry &registry) {
  reference::registerDialects(registry);
  mlir::loom::registerPipelineDialects(registry);
}

} // namespace loom::training
