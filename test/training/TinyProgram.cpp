//===- TinyProgram.cpp - the tiny Llama compiled for training -------------===//

#include "test/training/TinyProgram.h"

#include "frontends/spec/SpecParser.h"
#include "models/llama/LlamaBuilder.h"

#include <gtest/gtest.h>

#include <cmath>

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
  module = models::buildLlamaModule(context, *spec);
  if (!module || !runPhases(*module, {"input", "autodiff"})) {
    ADD_FAILURE() << "building or compiling the tiny model failed";
    return;
  }
  trainer = train::ReferenceTrainer::create(*module, precision, errors);
  if (!trainer)
    ADD_FAILURE() << errors;
}

void TinyProgram::setParameters(const std::map<std::string, rt::HostTensor> &byName) {
  std::string error;
  if (!trainer->load(byName, error))
    ADD_FAILURE() << error;
}

double TinyProgram::gradStep(const std::vector<int64_t> &tokens,
                             const std::vector<int64_t> &targets) {
  std::string error;
  auto loss = trainer->gradStep(tokens, targets, error);
  if (failed(loss)) {
    ADD_FAILURE() << error;
    return NAN;
  }
  return *loss;
}

std::pair<double, bool> TinyProgram::applyStep(int64_t step) {
  std::string error;
  auto stats = trainer->applyStep(step, error);
  if (failed(stats)) {
    ADD_FAILURE() << error;
    return {NAN, true};
  }
  return {stats->gradNorm, stats->skipped};
}

} // namespace loom::training
