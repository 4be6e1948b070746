#include "tools/loom-bench/train_bench.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "runtime/bundle/bundle_dtype.h"

namespace loom::bench {
namespace {

using loom::bundle::EntryPoint;
using loom::bundle::TensorSig;
using rt::DType;
using rt::HostTensor;
using rt::MakeStatus;
using rt::Result;
using rt::StatusCode;

const EntryPoint* Find(const loom::bundle::Manifest& manifest, const std::string& name) {
  for (const EntryPoint& entry : manifest.entry_points()) {
    if (entry.name() == name) return &entry;
  }
  return nullptr;
}

bool Is(const TensorSig& sig, loom::bundle::DType dtype, int rank) {
  return sig.dtype() == dtype && sig.shape_size() == rank;
}

// The scalar value of `t` as a double (f32, f64 or i1), NaN for anything else.
double Scalar(const HostTensor& t) {
  if (t.num_elements() != 1) return std::nan("");
  switch (t.dtype()) {
    case DType::kF32:
      return *t.data_as<float>();
    case DType::kF64:
      return *t.data_as<double>();
    case DType::kI1:
    case DType::kI8:
      return *t.data_as<int8_t>();
    default:
      return std::nan("");
  }
}

double Seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

}  // namespace

Result<TrainSetup> PrepareTraining(const loom::bundle::Manifest& manifest,
                                   const rt::ByteCorpus& corpus, uint64_t seed, int64_t count) {
  const EntryPoint* grad = Find(manifest, "grad_step");
  const EntryPoint* apply = Find(manifest, "apply_step");
  if (grad == nullptr || apply == nullptr) {
    return MakeStatus(StatusCode::kInvalidArgument,
                      "the bundle has no @grad_step and @apply_step: compile a model with "
                      "training (loomc SPEC --target=cpu -o DIR)");
  }
  TrainSetup setup;
  if (grad->inputs_size() != 2 || !Is(grad->inputs(0), loom::bundle::I64, 2) ||
      !Is(grad->inputs(1), loom::bundle::I64, 2) ||
      !std::equal(grad->inputs(0).shape().begin(), grad->inputs(0).shape().end(),
                  grad->inputs(1).shape().begin()) || grad->outputs_size() < 1 ||
      !Is(grad->outputs(0), loom::bundle::F32, 0)) {
    return MakeStatus(StatusCode::kUnsupported,
                      "@grad_step must take (tokens, targets) as i64 [B, L] and return an f32 "
                      "loss first; this bundle's does not (a byte language model is expected)");
  }
  setup.tokens_input = grad->inputs(1).name() == "tokens" ? 1 : 0;
  setup.batch = grad->inputs(0).shape(0);
  setup.length = grad->inputs(0).shape(1);
  if (apply->inputs_size() != 1 || !Is(apply->inputs(0), loom::bundle::I64, 0)) {
    return MakeStatus(StatusCode::kUnsupported, "@apply_step must take one i64 scalar (step)");
  }
  const rt::Shape shape = {setup.batch, setup.length};
  for (int64_t t = 0; t < count; ++t) {
    LOOM_ASSIGN_OR_RETURN(rt::ByteBatch b, corpus.Batch(seed, t, setup.batch, setup.length));
    LOOM_ASSIGN_OR_RETURN(HostTensor tokens, HostTensor::Allocate(DType::kI64, shape));
    LOOM_ASSIGN_OR_RETURN(HostTensor targets, HostTensor::Allocate(DType::kI64, shape));
    LOOM_ASSIGN_OR_RETURN(HostTensor step, HostTensor::Allocate(DType::kI64, {}));
    std::memcpy(tokens.data(), b.tokens.data(), tokens.size_bytes());
    std::memcpy(targets.data(), b.targets.data(), targets.size_bytes());
    *step.data_as<int64_t>() = t;
    setup.tokens.push_back(std::move(tokens));
    setup.targets.push_back(std::move(targets));
    setup.step.push_back(std::move(step));
  }
  return setup;
}

Result<TrainTiming> RunTraining(const TrainSetup& setup, int64_t warmup, int64_t steps,
                                const RunFn& run, const ZeroGradientsFn& zero_gradients) {
  if (static_cast<int64_t>(setup.step.size()) < warmup + steps) {
    return MakeStatus(StatusCode::kInternal, "fewer batches than steps");
  }
  using Clock = std::chrono::steady_clock;
  TrainTiming timing;
  timing.steps = steps;
  for (int64_t t = 0; t < warmup + steps; ++t) {
    std::vector<const HostTensor*> batch(2);
    batch[setup.tokens_input] = &setup.tokens[t];
    batch[1 - setup.tokens_input] = &setup.targets[t];
    const Clock::time_point start = Clock::now();
    LOOM_RETURN_IF_ERROR(zero_gradients());  // a new optimizer step: @grad_step accumulates
    LOOM_ASSIGN_OR_RETURN(std::vector<HostTensor> loss, run("grad_step", batch));
    const Clock::time_point mid = Clock::now();
    LOOM_ASSIGN_OR_RETURN(std::vector<HostTensor> update, run("apply_step", {&setup.step[t]}));
    const Clock::time_point end = Clock::now();

    const double value = Scalar(loss[0]);
    if (t == 0) timing.first_loss = value;
    timing.final_loss = value;
    bool norm_seen = false;
    for (const HostTensor& out : update) {
      if (out.dtype() == DType::kI1) timing.skipped += Scalar(out) != 0.0;
      if (!norm_seen && (out.dtype() == DType::kF32 || out.dtype() == DType::kF64) &&
          out.num_elements() == 1) {
        timing.last_grad_norm = Scalar(out);
        norm_seen = true;
      }
    }
    if (t >= warmup) {
      timing.grad_s += Seconds(mid - start);
      timing.apply_s += Seconds(end - mid);
      timing.total_s += Seconds(end - start);
      timing.step_ms.push_back(Seconds(end - start) * 1e3);
    }
  }
  return timing;
}

double Median(std::vector<double> values) {
  if (values.empty()) return 0.0;
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

std::string JsonNumber(double value) {
  if (!std::isfinite(value)) return "null";
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.9g", value);
  return buffer;
}

}  // namespace loom::bench
