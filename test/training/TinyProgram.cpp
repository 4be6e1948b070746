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
  auto table = (*module)->getAttrOfType<ArrayAttr>("loom.parameter_table");
  auto grad = module->lookupSymbol<func::FuncOp>("grad_step");
  if (!table || !grad) {
    ADD_FAILURE() << "no parameter table or @grad_step";
    module = nullptr;
    return;
  }
  for (Attribute entry : table) {
    auto dict = cast<DictionaryAttr>(entry);
    paramNames.push_back(dict.getAs<StringAttr>("name").str());
    offsets.push_back(dict.getAs<IntegerAttr>("offset").getInt());
    auto shape = dict.getAs<DenseI64ArrayAttr>("shape").asArrayRef();
    shapes.emplace_back(shape.begin(), shape.end());
  }
  auto arena = cast<RankedTensorType>(grad.getArgumentTypes()[0]);
  params = reference::Tensor::zeros(arena.getElementType(), arena.getShape());
  adamM = adamV = grads = params;
  interp = std::make_unique<reference::Interpreter>(*module, reference::Options{precision});
}

reference::Tensor TinyProgram::slot(const reference::Tensor &arena, size_t k) const {
  int64_t n = 1;
  for (int64_t d : shapes[k])
    n *= d;
  auto begin = arena.f.begin() + offsets[k];
  return reference::Tensor::floats(arena.elementType, shapes[k], std::vector<double>(begin, begin + n));
}

void TinyProgram::setParameters(const std::map<std::string, rt::HostTensor> &byName) {
  for (size_t k = 0; k < paramNames.size(); ++k) {
    auto it = byName.find(paramNames[k]);
    if (it == byName.end()) {
      ADD_FAILURE() << "no initial value for " << paramNames[k];
      continue;
    }
    reference::Tensor value = fromHost(it->second, params.elementType);
    std::copy(value.f.begin(), value.f.end(), params.f.begin() + offsets[k]);
  }
}

double TinyProgram::gradStep(const std::vector<int64_t> &tokens,
                             const std::vector<int64_t> &targets) {
  Type i64 = IntegerType::get(&context, 64);
  // (params, tokens, targets, zero accumulators): the tiny model freezes nothing.
  std::vector<reference::Tensor> inputs{params,
                                        reference::Tensor::ints(i64, {batch, length}, tokens),
                                        reference::Tensor::ints(i64, {batch, length}, targets),
                                        reference::Tensor::zeros(params.elementType, params.shape)};
  std::string error;
  auto out = interp->run("grad_step", inputs, error);
  if (failed(out)) {
    ADD_FAILURE() << error;
    return NAN;
  }
  grads = std::move((*out)[1]);
  return (*out)[0].f[0];
}

std::pair<double, bool> TinyProgram::applyStep(int64_t step) {
  std::vector<reference::Tensor> inputs{
      params, grads, adamM, adamV,
      reference::Tensor::ints(IntegerType::get(&context, 64), {}, {step})};
  std::string error;
  auto out = interp->run("apply_step", inputs, error);
  if (failed(out)) {
    ADD_FAILURE() << error;
    return {NAN, true};
  }
  params = std::move((*out)[0]);
  adamM = std::move((*out)[1]);
  adamV = std::move((*out)[2]);
  return {(*out)[3].f[0], (*out)[4].i[0] != 0};
}

} // namespace loom::training
