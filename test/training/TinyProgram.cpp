//===- TinyProgram.cpp - the tiny Llama's training step in the interpreter -===//

#include "test/training/TinyProgram.h"

#include "frontends/spec/SpecParser.h"
#include "models/llama/LlamaBuilder.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <gtest/gtest.h>

using namespace mlir;

namespace loom::training {

TinyProgram::TinyProgram(const std::string &dtype, reference::Precision precision) {
  DialectRegistry registry;
  registerAll(registry);
  context.appendDialectRegistry(registry);
  context.loadAllAvailableDialects();
  std::string errors;
  auto spec = spec::parseModelSpecFile(LOOM_SOURCE_DIR "/models/llama/tiny.textproto", errors);
  if (!spec) {
    ADD_FAILURE() << errors;
    return;
  }
  spec->spec.set_dtype(dtype);
  batch = spec->spec.shape().batch();
  length = spec->spec.shape().sequence();
  module = models::buildLlamaModule(context, *spec);
  if (!module || !runPhases(*module, {"input", "autodiff"})) {
    ADD_FAILURE() << "building or compiling the tiny model failed";
    module = nullptr;
    return;
  }
  auto grad = module->lookupSymbol<func::FuncOp>("grad_step");
  for (unsigned i = 0; i < grad.getNumArguments(); ++i)
    if (auto name = grad.getArgAttrOfType<StringAttr>(i, "loom.param")) {
      paramNames.push_back(name.str());
      auto type = cast<RankedTensorType>(grad.getArgumentTypes()[i]);
      params.push_back(reference::Tensor::zeros(type.getElementType(), type.getShape()));
    }
  adamM = adamV = grads = params;
  interp = std::make_unique<reference::Interpreter>(*module, reference::Options{precision});
}

void TinyProgram::setParameters(const std::map<std::string, rt::HostTensor> &byName) {
  for (size_t k = 0; k < paramNames.size(); ++k) {
    auto it = byName.find(paramNames[k]);
    if (it == byName.end()) {
      ADD_FAILURE() << "no initial value for " << paramNames[k];
      continue;
    }
    params[k] = fromHost(it->second, params[k].elementType);
  }
}

double TinyProgram::gradStep(const std::vector<int64_t> &tokens,
                             const std::vector<int64_t> &targets) {
  Type i64 = IntegerType::get(&context, 64);
  std::vector<reference::Tensor> inputs = params;
  inputs.push_back(reference::Tensor::ints(i64, {batch, length}, tokens));
  inputs.push_back(reference::Tensor::ints(i64, {batch, length}, targets));
  for (const auto &p : params) // the tiny model freezes nothing
    inputs.push_back(reference::Tensor::zeros(p.elementType, p.shape));
  std::string error;
  auto out = interp->run("grad_step", inputs, error);
  if (failed(out)) {
    ADD_FAILURE() << error;
    return NAN;
  }
  for (size_t k = 0; k < grads.size(); ++k)
    grads[k] = std::move((*out)[1 + k]);
  return (*out)[0].f[0];
}

std::pair<double, bool> TinyProgram::applyStep(int64_t step) {
  std::vector<reference::Tensor> inputs = params;
  inputs.insert(inputs.end(), grads.begin(), grads.end());
  inputs.insert(inputs.end(), adamM.begin(), adamM.end());
  inputs.insert(inputs.end(), adamV.begin(), adamV.end());
  inputs.push_back(reference::Tensor::ints(IntegerType::get(&context, 64), {}, {step}));
  std::string error;
  auto out = interp->run("apply_step", inputs, error);
  if (failed(out)) {
    ADD_FAILURE() << error;
    return {NAN, true};
  }
  size_t n = params.size();
  for (size_t k = 0; k < n; ++k) {
    params[k] = std::move((*out)[k]);
    adamM[k] = std::move((*out)[n + k]);
    adamV[k] = std::move((*out)[2 * n + k]);
  }
  return {(*out)[3 * n].f[0], (*out)[3 * n + 1].i[0] != 0};
}

} // namespace loom::training
