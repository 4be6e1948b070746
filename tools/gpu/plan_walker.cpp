#include "tools/gpu/plan_walker.h"

#include <cmath>
#include <cstring>

#include "runtime/bundle/bundle_dtype.h"
#include "runtime/data/byte_corpus.h"
#include "runtime/exec/plan_executor.h"

namespace loom::gpu {
namespace {

using loom::bundle::Command;
using loom::bundle::Parameter;
using loom::bundle::TensorSig;
using rt::DType;
using rt::HostTensor;
using rt::MakeStatus;
using rt::Result;
using rt::StatusCode;

rt::Shape ShapeOf(const google::protobuf::RepeatedField<int64_t>& dims) {
  return rt::Shape(dims.begin(), dims.end());
}

// A validated tensor's dtype and byte size.
std::pair<DType, uint64_t> TypeAndSize(int dtype,
                                       const google::protobuf::RepeatedField<int64_t>& shape) {
  DType rt_dtype = *rt::FromBundleDType(static_cast<loom::bundle::DType>(dtype));
  return {rt_dtype, *rt::CheckedByteSize(rt_dtype, ShapeOf(shape))};
}

// Uniform draws in (0, 1] from one splitmix64 counter.
class Draws {
 public:
  explicit Draws(uint64_t seed) : seed_(seed) {}
  double Uniform() {
    return (static_cast<double>(rt::SplitMix64(seed_ + counter_++) >> 11) + 1.0) * 0x1p-53;
  }
  double Normal() {  // Box-Muller's cosine branch, u1 first
    const double u1 = Uniform();
    const double u2 = Uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
  }

 private:
  uint64_t seed_;
  uint64_t counter_ = 0;
};

// Writes `x` into element i of `value` in its dtype (bf16 by truncation, f16 as 0: no such
// inputs so far).
void Store(HostTensor& value, uint64_t i, double x) {
  switch (value.dtype()) {
    case DType::kF64:
      value.data_as<double>()[i] = x;
      break;
    case DType::kF32:
      value.data_as<float>()[i] = static_cast<float>(x);
      break;
    case DType::kBF16: {
      float f = static_cast<float>(x);
      uint32_t bits;
      std::memcpy(&bits, &f, sizeof(bits));
      value.data_as<uint16_t>()[i] = static_cast<uint16_t>(bits >> 16);
      break;
    }
    case DType::kF16:
      value.data_as<uint16_t>()[i] = 0;
      break;
    case DType::kI64:
      value.data_as<int64_t>()[i] = static_cast<int64_t>(x);
      break;
    case DType::kI32:
      value.data_as<int32_t>()[i] = static_cast<int32_t>(x);
      break;
    case DType::kI8:
    case DType::kI1:
      value.data_as<int8_t>()[i] = static_cast<int8_t>(x);
      break;
  }
}

}  // namespace

Result<std::unique_ptr<PlanWalker>> PlanWalker::Load(const std::string& dir, rt::ThreadPool* pool) {
  LOOM_ASSIGN_OR_RETURN(rt::Bundle bundle, rt::LoadBundle(dir));
  if (bundle.manifest.target() != "cpu") {
    return MakeStatus(StatusCode::kUnsupported, dir, ": target '", bundle.manifest.target(),
                      "': the walk runs the CPU kernels of a \"cpu\" bundle");
  }
  std::unique_ptr<PlanWalker> walker(new PlanWalker(std::move(bundle), pool));
  LOOM_RETURN_IF_ERROR(walker->Prepare());
  return walker;
}

rt::Status PlanWalker::Prepare() {
  for (const auto& arena : bundle_.manifest.arenas()) {
    LOOM_ASSIGN_OR_RETURN(rt::HostArena memory,
                          rt::HostArena::Allocate(arena.name(), arena.size_bytes(), arena.alignment()));
    bases_.push_back(memory.data());
    arenas_.push_back(std::move(memory));
  }
  LOOM_ASSIGN_OR_RETURN(kernels_, rt::KernelLibrary::Open(bundle_.kernel_library_path,
                                                          bundle_.manifest.kernels()));
  return rt::OkStatus();
}

rt::Status PlanWalker::SetParameter(const std::string& name, const HostTensor& value) {
  for (const Parameter& p : bundle_.manifest.parameters()) {
    if (p.name() != name) continue;
    auto [dtype, size] = TypeAndSize(p.dtype(), p.shape());
    if (value.dtype() != dtype || value.shape() != ShapeOf(p.shape())) {
      return MakeStatus(StatusCode::kInvalidArgument, dir(), ": parameter '", name,
                        "': wrong dtype or shape");
    }
    if (size > 0) std::memcpy(At(p.arena(), p.offset_bytes()), value.data(), size);
    return rt::OkStatus();
  }
  return MakeStatus(StatusCode::kNotFound, dir(), ": no parameter '", name, "'");
}

Result<HostTensor> PlanWalker::GetParameter(const std::string& name) const {
  for (const Parameter& p : bundle_.manifest.parameters()) {
    if (p.name() != name) continue;
    auto [dtype, size] = TypeAndSize(p.dtype(), p.shape());
    LOOM_ASSIGN_OR_RETURN(HostTensor value, HostTensor::Allocate(dtype, ShapeOf(p.shape())));
    if (size > 0) std::memcpy(value.data(), At(p.arena(), p.offset_bytes()), size);
    return value;
  }
  return MakeStatus(StatusCode::kNotFound, dir(), ": no parameter '", name, "'");
}

Result<std::vector<HostTensor>> PlanWalker::Run(const std::string& name,
                                                const std::vector<const HostTensor*>& inputs,
                                                const LaunchHook& hook) {
  const loom::bundle::EntryPoint* entry = nullptr;
  for (const auto& e : bundle_.manifest.entry_points())
    if (e.name() == name) entry = &e;
  if (entry == nullptr) return MakeStatus(StatusCode::kNotFound, dir(), ": no entry point '", name, "'");
  if (inputs.size() != static_cast<size_t>(entry->inputs_size())) {
    return MakeStatus(StatusCode::kInvalidArgument, name, " takes ", entry->inputs_size(),
                      " inputs, got ", inputs.size());
  }
  for (int i = 0; i < entry->inputs_size(); ++i) {
    const TensorSig& sig = entry->inputs(i);
    auto [dtype, size] = TypeAndSize(sig.dtype(), sig.shape());
    if (inputs[i]->dtype() != dtype || inputs[i]->shape() != ShapeOf(sig.shape())) {
      return MakeStatus(StatusCode::kInvalidArgument, name, ": input ", i, " '", sig.name(),
                        "' has the wrong dtype or shape");
    }
    if (size > 0) std::memcpy(At(sig.arena(), sig.offset_bytes()), inputs[i]->data(), size);
  }
  const rt::PlanContext context{bases_, kernels_, *pool_};
  loom::bundle::EntryPoint single;
  for (const Command& command : entry->plan()) {
    single.clear_plan();
    *single.add_plan() = command;
    std::vector<std::byte*> buffers;
    if (command.command_case() == Command::kLaunch) {
      for (const auto& view : command.launch().args()) buffers.push_back(At(view.arena(), view.offset_bytes()));
      if (hook.before) LOOM_RETURN_IF_ERROR(hook.before(command.launch(), buffers));
    }
    rt::ExecutePlan(single, context);
    if (command.command_case() == Command::kLaunch && hook.after)
      LOOM_RETURN_IF_ERROR(hook.after(command.launch(), buffers));
  }
  std::vector<HostTensor> outputs;
  for (const TensorSig& sig : entry->outputs()) {
    auto [dtype, size] = TypeAndSize(sig.dtype(), sig.shape());
    LOOM_ASSIGN_OR_RETURN(HostTensor value, HostTensor::Allocate(dtype, ShapeOf(sig.shape())));
    if (size > 0) std::memcpy(value.data(), At(sig.arena(), sig.offset_bytes()), size);
    outputs.push_back(std::move(value));
  }
  return outputs;
}

Result<std::vector<std::pair<std::string, HostTensor>>> DrawParameters(
    const loom::bundle::Manifest& manifest, uint64_t seed) {
  Draws draws(seed);
  std::vector<std::pair<std::string, HostTensor>> out;
  for (const Parameter& p : manifest.parameters()) {
    auto [dtype, size] = TypeAndSize(p.dtype(), p.shape());
    (void)size;
    LOOM_ASSIGN_OR_RETURN(HostTensor value, HostTensor::Allocate(dtype, ShapeOf(p.shape())));
    const uint64_t n = value.num_elements();
    for (uint64_t i = 0; i < n; ++i) {
      double x = 0.0;
      if (p.init() == Parameter::ONES) {
        x = 1.0;
      } else if (p.init() == Parameter::NORMAL) {
        x = static_cast<double>(p.init_std()) * draws.Normal();
      }
      Store(value, i, x);
    }
    out.emplace_back(p.name(), std::move(value));
  }
  return out;
}

Result<std::vector<HostTensor>> DrawInputs(const loom::bundle::EntryPoint& entry, uint64_t seed,
                                           int64_t token_range, int64_t step) {
  Draws draws(seed);
  std::vector<HostTensor> out;
  for (const TensorSig& sig : entry.inputs()) {
    auto [dtype, size] = TypeAndSize(sig.dtype(), sig.shape());
    (void)size;
    LOOM_ASSIGN_OR_RETURN(HostTensor value, HostTensor::Allocate(dtype, ShapeOf(sig.shape())));
    const uint64_t n = value.num_elements();
    const bool integer = dtype == DType::kI64 || dtype == DType::kI32;
    for (uint64_t i = 0; i < n; ++i) {
      double x;
      if (integer && sig.shape_size() == 0) {
        x = static_cast<double>(step);
      } else if (integer) {
        x = std::floor(draws.Uniform() * static_cast<double>(token_range) * (1.0 - 0x1p-52));
      } else if (dtype == DType::kI1 || dtype == DType::kI8) {
        x = draws.Uniform() < 0.5 ? 0.0 : 1.0;
      } else {
        x = draws.Normal();
      }
      Store(value, i, x);
    }
    out.push_back(std::move(value));
  }
  return out;
}

}  // namespace loom::gpu
