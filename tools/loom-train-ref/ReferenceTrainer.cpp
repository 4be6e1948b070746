//===- ReferenceTrainer.cpp - drive a compiled training step in the oracle -===//

#include "tools/loom-train-ref/ReferenceTrainer.h"

#include "passes/Autodiff/ParameterTable.h"

#include "runtime/data/byte_corpus.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <cmath>
#include <cstring>

using namespace mlir;

namespace loom::train {

int64_t ParameterSlot::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

std::unique_ptr<ReferenceTrainer> ReferenceTrainer::create(ModuleOp module,
                                                           reference::Precision precision,
                                                           std::string &error) {
  auto table = mlir::loom::readParameterTable(module, error);
  auto grad = module.lookupSymbol<func::FuncOp>("grad_step");
  auto apply = module.lookupSymbol<func::FuncOp>("apply_step");
  if (failed(table))
    return nullptr;
  if (!*table || !grad || !apply) {
    error = "the module has no loom.parameter_table, @grad_step or @apply_step: compile it "
            "through the autodiff phase (loomc SPEC --compile-to=autodiff)";
    return nullptr;
  }
  auto trainer = std::unique_ptr<ReferenceTrainer>(new ReferenceTrainer());
  trainer->context = module.getContext();
  for (const mlir::loom::ParameterTableRow &row : **table) {
    if (row.arena != "params")
      continue; // frozen parameters are not trained here
    trainer->slots.push_back(ParameterSlot{row.name, row.arena, row.init.value_or("normal"),
                                           row.initStd.value_or(0.02), row.offset, row.shape});
  }
  // @grad_step(params, [frozen,] tokens, targets, grads): the data are the
  // two [batch, length] integer arguments.
  bool hasFrozen = grad.getNumArguments() == 5;
  if (grad.getNumArguments() != 4 && !hasFrozen) {
    error = "@grad_step must take (params, [frozen,] tokens, targets, grads)";
    return nullptr;
  }
  if (hasFrozen) {
    error = "frozen arenas are not supported by loom-train-ref yet";
    return nullptr;
  }
  auto tokens = dyn_cast<RankedTensorType>(grad.getArgumentTypes()[1]);
  auto arena = dyn_cast<RankedTensorType>(grad.getArgumentTypes()[0]);
  if (!tokens || tokens.getRank() != 2 || !tokens.hasStaticShape() || !arena) {
    error = "@grad_step's tokens must be a static [batch, length] tensor";
    return nullptr;
  }
  trainer->batchSize = tokens.getDimSize(0);
  trainer->sequence = tokens.getDimSize(1);
  trainer->params = reference::Tensor::zeros(arena.getElementType(), arena.getShape());
  trainer->grads = trainer->adamM = trainer->adamV = trainer->params;
  trainer->interp = std::make_unique<reference::Interpreter>(module, reference::Options{precision});
  return trainer;
}

void ReferenceTrainer::initialize(uint64_t seed) {
  uint64_t counter = 0;
  auto uniform = [&]() { // (0, 1], 53 bits
    return (static_cast<double>(rt::SplitMix64(seed + counter++) >> 11) + 1.0) * 0x1p-53;
  };
  for (const ParameterSlot &s : slots) {
    double *out = params.f.data() + s.offset;
    for (int64_t i = 0; i < s.numElements(); ++i) {
      if (s.init == "zeros")
        out[i] = 0.0;
      else if (s.init == "ones")
        out[i] = 1.0;
      else // normal: Box-Muller's cosine branch
        out[i] = s.std * std::sqrt(-2.0 * std::log(uniform())) * std::cos(2.0 * M_PI * uniform());
    }
  }
}

bool ReferenceTrainer::load(const std::map<std::string, rt::HostTensor> &byName,
                            std::string &error) {
  for (const ParameterSlot &s : slots) {
    auto it = byName.find(s.name);
    if (it == byName.end()) {
      error = "no tensor named '" + s.name + "'";
      return false;
    }
    const rt::HostTensor &t = it->second;
    if (t.shape() != s.shape || (t.dtype() != rt::DType::kF64 && t.dtype() != rt::DType::kF32)) {
      error = "'" + s.name + "' must be an f32 or f64 tensor of shape " + rt::ShapeToString(s.shape) +
              ", got " + rt::ShapeToString(t.shape());
      return false;
    }
    for (int64_t i = 0; i < s.numElements(); ++i)
      params.f[s.offset + i] = t.dtype() == rt::DType::kF64 ? t.data_as<double>()[i]
                                                            : t.data_as<float>()[i];
  }
  return true;
}

std::map<std::string, rt::HostTensor> ReferenceTrainer::save() const {
  std::map<std::string, rt::HostTensor> out;
  for (const ParameterSlot &s : slots) {
    rt::Result<rt::HostTensor> t = rt::HostTensor::Allocate(rt::DType::kF32, s.shape);
    if (!t.ok())
      continue;
    for (int64_t i = 0; i < s.numElements(); ++i)
      t->data_as<float>()[i] = static_cast<float>(params.f[s.offset + i]);
    out.emplace(s.name, std::move(*t));
  }
  return out;
}

reference::Tensor ReferenceTrainer::slice(const reference::Tensor &arena, size_t k) const {
  const ParameterSlot &s = slots[k];
  auto begin = arena.f.begin() + s.offset;
  return reference::Tensor::floats(arena.elementType, s.shape,
                                   std::vector<double>(begin, begin + s.numElements()));
}

FailureOr<double> ReferenceTrainer::gradStep(const std::vector<int64_t> &tokens,
                                             const std::vector<int64_t> &targets,
                                             std::string &error) {
  Type i64 = IntegerType::get(context, 64);
  std::vector<reference::Tensor> inputs{params,
                                        reference::Tensor::ints(i64, {batchSize, sequence}, tokens),
                                        reference::Tensor::ints(i64, {batchSize, sequence}, targets),
                                        reference::Tensor::zeros(params.elementType, params.shape)};
  auto out = interp->run("grad_step", inputs, error);
  if (failed(out))
    return failure();
  grads = std::move((*out)[1]);
  return (*out)[0].f[0];
}

FailureOr<StepStats> ReferenceTrainer::applyStep(int64_t step, std::string &error) {
  std::vector<reference::Tensor> inputs{
      params, grads, adamM, adamV, reference::Tensor::ints(IntegerType::get(context, 64), {}, {step})};
  auto out = interp->run("apply_step", inputs, error);
  if (failed(out))
    return failure();
  params = std::move((*out)[0]);
  adamM = std::move((*out)[1]);
  adamV = std::move((*out)[2]);
  return StepStats{(*out)[3].f[0], (*out)[4].i[0] != 0};
}

} // namespace loom::train
