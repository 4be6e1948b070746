#include "runtime/exec/program.h"

#include <cstring>

#include "runtime/bundle/bundle_dtype.h"
#include "runtime/device/cuda/cuda_executor.h"
#include "runtime/exec/plan_executor.h"
#include "runtime/io/byte_source.h"
#include "runtime/io/safetensors.h"

namespace loom::rt {
namespace {

using loom::bundle::Parameter;
using loom::bundle::TensorSig;

Shape ShapeOf(const google::protobuf::RepeatedField<int64_t>& dims) {
  return Shape(dims.begin(), dims.end());
}

// The bytes of 1 in `dtype` (i1 is a byte 1; bf16 and f16 have exact encodings of 1).
std::string OneBytes(DType dtype) {
  auto bytes = [](auto v) { return std::string(reinterpret_cast<const char*>(&v), sizeof(v)); };
  switch (dtype) {
    case DType::kF64:
      return bytes(1.0);
    case DType::kF32:
      return bytes(1.0f);
    case DType::kBF16:
      return bytes(uint16_t{0x3F80});
    case DType::kF16:
      return bytes(uint16_t{0x3C00});
    case DType::kI64:
      return bytes(int64_t{1});
    case DType::kI32:
      return bytes(int32_t{1});
    case DType::kI8:
    case DType::kI1:
      return bytes(int8_t{1});
  }
  return {};
}

// A validated tensor's dtype and byte size.
std::pair<DType, uint64_t> TypeAndSize(int dtype,
                                       const google::protobuf::RepeatedField<int64_t>& shape) {
  DType rt_dtype = *FromBundleDType(static_cast<loom::bundle::DType>(dtype));
  return {rt_dtype, *CheckedByteSize(rt_dtype, ShapeOf(shape))};
}

}  // namespace

const char* DeviceName(Device device) { return device == Device::kCuda ? "cuda" : "cpu"; }

Result<Device> ParseDevice(const std::string& text, const std::string& flag) {
  if (text == "cpu") return Device::kCpu;
  if (text == "cuda") return Device::kCuda;
  return MakeStatus(StatusCode::kInvalidArgument, flag, ": '", text,
                    "' is not a device (cpu or cuda)");
}

Program::Program(Bundle bundle, ThreadPool* pool) : bundle_(std::move(bundle)), pool_(pool) {}
Program::~Program() = default;

Result<std::unique_ptr<Program>> Program::Load(Bundle bundle, ThreadPool* pool,
                                               const ProgramOptions& options) {
  const std::string& target = bundle.manifest.target();
  const Device device =
      options.device.value_or(target == "cuda" ? Device::kCuda : Device::kCpu);
  if (device == Device::kCuda && target != "cuda") {
    return MakeStatus(StatusCode::kInvalidArgument, bundle.dir, ": a \"", target,
                      "\" bundle has no GPU kernels; compile it with loomc --target=cuda to run on "
                      "the GPU");
  }
  std::unique_ptr<Program> program(new Program(std::move(bundle), pool));
  program->device_ = device;
  const auto& manifest = program->bundle_.manifest;
  for (const auto& arena : manifest.arenas()) {
    Result<HostArena> memory =
        HostArena::Allocate(arena.name(), arena.size_bytes(), arena.alignment());
    if (!memory.ok()) {
      return Status(memory.status().code(), program->dir() + ": " + memory.status().message());
    }
    program->arena_bases_.push_back(memory->data());
    program->arenas_.push_back(std::move(memory).value());
  }
  program->newer_.assign(manifest.arenas_size(), Newer::kSame);
  if (device == Device::kCuda) {
    cuda::CudaExecutorOptions cuda_options;
    cuda_options.graphs = options.cuda_graphs;
    LOOM_ASSIGN_OR_RETURN(program->cuda_,
                          cuda::CudaExecutor::Create(program->bundle_, cuda_options));
  } else {
    LOOM_ASSIGN_OR_RETURN(program->kernels_,
                          KernelLibrary::Open(program->bundle_.kernel_library_path,
                                              manifest.kernels()));
  }
  LOOM_RETURN_IF_ERROR(program->InitParameters());
  return program;
}

std::string Program::DeviceDescription() const {
  if (cuda_) return "cuda: " + cuda_->DeviceDescription();
  return "cpu (" + std::to_string(pool_->num_threads()) + " threads)";
}

Status Program::HostCurrent(uint32_t i) const {
  if (newer_[i] != Newer::kDevice) return OkStatus();
  LOOM_RETURN_IF_ERROR(cuda_->Download(arena_bases_[i], i, 0, arenas_[i].size_bytes()));
  newer_[i] = Newer::kSame;
  return OkStatus();
}

Status Program::AllHostCurrent() const {
  for (uint32_t i = 0; i < newer_.size(); ++i) LOOM_RETURN_IF_ERROR(HostCurrent(i));
  return OkStatus();
}

Status Program::HostWriting(uint32_t i) {
  if (!cuda_) return OkStatus();
  LOOM_RETURN_IF_ERROR(HostCurrent(i));  // a partial write keeps the rest of the arena
  if (arenas_[i].size_bytes() > 0) newer_[i] = Newer::kHost;
  return OkStatus();
}

Status Program::DeviceCurrent() {
  for (uint32_t i = 0; i < newer_.size(); ++i) {
    if (newer_[i] != Newer::kHost) continue;
    LOOM_RETURN_IF_ERROR(cuda_->Upload(i, 0, arena_bases_[i], arenas_[i].size_bytes()));
    newer_[i] = Newer::kSame;
  }
  return OkStatus();
}

Status Program::InitParameters() {
  const auto& params = bundle_.manifest.parameters();
  parameter_set_.assign(params.size(), false);
  for (int i = 0; i < params.size(); ++i) {
    const Parameter& p = params[i];
    if (p.init() == Parameter::NORMAL) continue;  // must be loaded
    parameter_set_[i] = true;
    if (p.init() == Parameter::ZEROS) continue;  // arenas start zero-filled
    auto [dtype, size] = TypeAndSize(p.dtype(), p.shape());
    LOOM_RETURN_IF_ERROR(HostWriting(p.arena()));
    const std::string one = OneBytes(dtype);
    std::byte* dst = At(p.arena(), p.offset_bytes());
    for (uint64_t at = 0; at < size; at += one.size())
      std::memcpy(dst + at, one.data(), one.size());
  }
  return OkStatus();
}

const loom::bundle::EntryPoint* Program::FindEntryPoint(const std::string& name) const {
  for (const auto& entry : bundle_.manifest.entry_points()) {
    if (entry.name() == name) return &entry;
  }
  return nullptr;
}

int Program::FindParameter(const std::string& name) const {
  const auto& params = bundle_.manifest.parameters();
  for (int i = 0; i < params.size(); ++i) {
    if (params[i].name() == name) return i;
  }
  return -1;
}

Status Program::LoadParameters(const std::string& path) {
  Touch();
  LOOM_ASSIGN_OR_RETURN(std::unique_ptr<FileSource> source, FileSource::Open(path));
  LOOM_ASSIGN_OR_RETURN(SafetensorsIndex index, ReadSafetensorsIndex(*source));
  for (const auto& [name, entry] : index.tensors) {
    int i = FindParameter(name);
    if (i < 0) {
      return MakeStatus(StatusCode::kInvalidArgument, path, ": tensor '", name,
                        "' is not a parameter of ", dir());
    }
    const Parameter& p = bundle_.manifest.parameters(i);
    auto [dtype, size] = TypeAndSize(p.dtype(), p.shape());
    if (entry.dtype != dtype || entry.shape != ShapeOf(p.shape())) {
      return MakeStatus(StatusCode::kInvalidArgument, path, ": tensor '", name, "' is ",
                        DTypeName(entry.dtype), ShapeToString(entry.shape), ", but ", dir(),
                        " declares ", DTypeName(dtype), ShapeToString(ShapeOf(p.shape())));
    }
    if (size > 0) {
      LOOM_RETURN_IF_ERROR(HostWriting(p.arena()));
      LOOM_RETURN_IF_ERROR(
          source->ReadAt(index.data_start + entry.begin, At(p.arena(), p.offset_bytes()), size));
    }
    parameter_set_[i] = true;
  }
  return OkStatus();
}

Status Program::SetParameter(const std::string& name, const HostTensor& value) {
  Touch();
  int i = FindParameter(name);
  if (i < 0) return MakeStatus(StatusCode::kNotFound, dir(), ": no parameter '", name, "'");
  const Parameter& p = bundle_.manifest.parameters(i);
  auto [dtype, size] = TypeAndSize(p.dtype(), p.shape());
  if (value.dtype() != dtype || value.shape() != ShapeOf(p.shape())) {
    return MakeStatus(StatusCode::kInvalidArgument, dir(), ": parameter '", name, "' is ",
                      DTypeName(dtype), ShapeToString(ShapeOf(p.shape())), ", not ",
                      DTypeName(value.dtype()), ShapeToString(value.shape()));
  }
  if (size > 0) {
    LOOM_RETURN_IF_ERROR(HostWriting(p.arena()));
    std::memcpy(At(p.arena(), p.offset_bytes()), value.data(), size);
  }
  parameter_set_[i] = true;
  return OkStatus();
}

Result<HostTensor> Program::GetParameter(const std::string& name) const {
  int i = FindParameter(name);
  if (i < 0) return MakeStatus(StatusCode::kNotFound, dir(), ": no parameter '", name, "'");
  const Parameter& p = bundle_.manifest.parameters(i);
  auto [dtype, size] = TypeAndSize(p.dtype(), p.shape());
  LOOM_ASSIGN_OR_RETURN(HostTensor value, HostTensor::Allocate(dtype, ShapeOf(p.shape())));
  LOOM_RETURN_IF_ERROR(HostCurrent(p.arena()));
  if (size > 0) std::memcpy(value.data(), At(p.arena(), p.offset_bytes()), size);
  return value;
}

Result<uint32_t> Program::FindArena(const std::string& name) const {
  const auto& arenas = bundle_.manifest.arenas();
  for (int i = 0; i < arenas.size(); ++i) {
    if (arenas[i].name() == name) return static_cast<uint32_t>(i);
  }
  return MakeStatus(StatusCode::kNotFound, dir(), ": no arena '", name, "'");
}

Result<std::string_view> Program::ArenaBytes(const std::string& name) const {
  LOOM_ASSIGN_OR_RETURN(uint32_t i, FindArena(name));
  if (arena_bases_[i] == nullptr) return std::string_view();
  LOOM_RETURN_IF_ERROR(HostCurrent(i));
  return std::string_view(reinterpret_cast<const char*>(arena_bases_[i]),
                          arenas_[i].size_bytes());
}

Result<std::byte*> Program::MutableArenaData(const std::string& name) {
  Touch();
  LOOM_ASSIGN_OR_RETURN(uint32_t i, FindArena(name));
  LOOM_RETURN_IF_ERROR(HostWriting(i));
  return arena_bases_[i];
}

Status Program::SetArenaBytes(const std::string& name, std::string_view bytes) {
  Touch();
  LOOM_ASSIGN_OR_RETURN(uint32_t i, FindArena(name));
  if (bytes.size() != arenas_[i].size_bytes()) {
    return MakeStatus(StatusCode::kInvalidArgument, dir(), ": arena '", name, "' holds ",
                      arenas_[i].size_bytes(), " bytes, not ", bytes.size());
  }
  if (!bytes.empty()) {
    // The whole arena is overwritten: nothing of the device's copy is kept, so it is not
    // downloaded first (HostWriting's partial-write case).
    std::memcpy(arena_bases_[i], bytes.data(), bytes.size());
    if (cuda_) newer_[i] = Newer::kHost;
  }
  const auto& params = bundle_.manifest.parameters();
  for (int p = 0; p < params.size(); ++p) {
    if (params[p].arena() == i) parameter_set_[p] = true;
  }
  return OkStatus();
}

Status Program::ZeroArenas(loom::bundle::Arena::Kind kind) {
  Touch();
  const auto& arenas = bundle_.manifest.arenas();
  for (int i = 0; i < arenas.size(); ++i) {
    if (arenas[i].kind() == kind && arena_bases_[i] != nullptr) {
      std::memset(arena_bases_[i], 0, arenas_[i].size_bytes());
      if (cuda_) {
        LOOM_RETURN_IF_ERROR(cuda_->ZeroArena(static_cast<uint32_t>(i)));
        newer_[i] = Newer::kSame;
      }
    }
  }
  return OkStatus();
}

Status Program::ScaleArenas(loom::bundle::Arena::Kind kind, DType dtype, double scale) {
  Touch();
  if (dtype != DType::kF32 && dtype != DType::kF64) {
    return MakeStatus(StatusCode::kInvalidArgument, dir(),
                      ": arenas are scaled in f32 or f64, not ", DTypeName(dtype));
  }
  const bool f64 = dtype == DType::kF64;
  const auto& arenas = bundle_.manifest.arenas();
  for (int i = 0; i < arenas.size(); ++i) {
    if (arenas[i].kind() != kind || arena_bases_[i] == nullptr) continue;
    if (cuda_) {
      LOOM_RETURN_IF_ERROR(DeviceCurrent());
      LOOM_RETURN_IF_ERROR(cuda_->ScaleArena(static_cast<uint32_t>(i), f64, scale));
      newer_[i] = Newer::kDevice;
      continue;
    }
    const uint64_t bytes = arenas_[i].size_bytes();
    if (f64) {
      double* x = reinterpret_cast<double*>(arena_bases_[i]);
      for (uint64_t k = 0; k < bytes / sizeof(double); ++k) x[k] *= scale;
    } else {
      float* x = reinterpret_cast<float*>(arena_bases_[i]);
      const float s = static_cast<float>(scale);
      for (uint64_t k = 0; k < bytes / sizeof(float); ++k) x[k] *= s;
    }
  }
  return OkStatus();
}

Status Program::ExecuteCommand(const loom::bundle::Command& command) {
  Touch();
  if (!cuda_) {
    rt::ExecuteCommand(command, PlanContext{arena_bases_, kernels_, *pool_});
    return OkStatus();
  }
  const auto& entries = bundle_.manifest.entry_points();
  for (int e = 0; e < entries.size(); ++e) {
    for (int c = 0; c < entries[e].plan_size(); ++c) {
      if (&entries[e].plan(c) != &command) continue;
      LOOM_RETURN_IF_ERROR(DeviceCurrent());
      LOOM_RETURN_IF_ERROR(cuda_->RunCommand(e, c));
      for (Newer& n : newer_) n = Newer::kDevice;
      return OkStatus();
    }
  }
  return MakeStatus(StatusCode::kInvalidArgument, dir(),
                    ": ExecuteCommand on the GPU takes a command of the program's own manifest");
}

Result<int> Program::CheckCall(const std::string& name,
                               const std::vector<const HostTensor*>& inputs) const {
  const auto& entries = bundle_.manifest.entry_points();
  int index = 0;
  while (index < entries.size() && entries[index].name() != name) ++index;
  if (index == entries.size()) {
    return MakeStatus(StatusCode::kNotFound, dir(), ": no entry point '", name, "'");
  }
  const loom::bundle::EntryPoint* entry = &entries[index];
  for (size_t i = 0; i < parameter_set_.size(); ++i) {
    if (!parameter_set_[i]) {
      return MakeStatus(StatusCode::kInvalidArgument, dir(), ": parameter '",
                        bundle_.manifest.parameters(static_cast<int>(i)).name(),
                        "' (init NORMAL) has not been loaded; load weights first (--params)");
    }
  }
  if (inputs.size() != static_cast<size_t>(entry->inputs_size())) {
    return MakeStatus(StatusCode::kInvalidArgument, dir(), ": entry point '", name, "' takes ",
                      entry->inputs_size(), " inputs, got ", inputs.size());
  }
  for (int i = 0; i < entry->inputs_size(); ++i) {
    if (inputs[i] == nullptr) continue;  // carried: in place already
    const TensorSig& sig = entry->inputs(i);
    auto [dtype, size] = TypeAndSize(sig.dtype(), sig.shape());
    const HostTensor& value = *inputs[i];
    if (value.dtype() != dtype || value.shape() != ShapeOf(sig.shape())) {
      return MakeStatus(StatusCode::kInvalidArgument, dir(), ": ", name, " input ", i, " '",
                        sig.name(), "' must be ", DTypeName(dtype),
                        ShapeToString(ShapeOf(sig.shape())), ", got ", DTypeName(value.dtype()),
                        ShapeToString(value.shape()));
    }
  }
  return index;
}

Result<std::vector<HostTensor>> Program::Run(const std::string& name,
                                             const std::vector<const HostTensor*>& inputs,
                                             const CommandHook* hook) {
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i] == nullptr) {
      return MakeStatus(StatusCode::kInvalidArgument, dir(), ": ", name, " input ", i,
                        " is missing (null)");
    }
  }
  LOOM_ASSIGN_OR_RETURN(const int index, CheckCall(name, inputs));
  return RunEntry(index, inputs, {}, hook);
}

Result<std::vector<HostTensor>> Program::RunEntry(int index,
                                                  const std::vector<const HostTensor*>& inputs,
                                                  const std::vector<bool>& keep,
                                                  const CommandHook* hook) {
  Touch();
  if (cuda_) return RunOnDevice(index, inputs, keep, hook);
  const loom::bundle::EntryPoint* entry = &bundle_.manifest.entry_points(index);
  for (int i = 0; i < entry->inputs_size(); ++i) {
    if (inputs[i] == nullptr) continue;
    const TensorSig& sig = entry->inputs(i);
    const uint64_t size = TypeAndSize(sig.dtype(), sig.shape()).second;
    if (size > 0) std::memcpy(At(sig.arena(), sig.offset_bytes()), inputs[i]->data(), size);
  }
  const PlanContext context{arena_bases_, kernels_, *pool_};
  if (hook == nullptr || !*hook) {
    ExecutePlan(*entry, context);
  } else {
    for (int c = 0; c < entry->plan_size(); ++c) {
      const loom::bundle::Command& command = entry->plan(c);
      LOOM_RETURN_IF_ERROR((*hook)(HookPoint::kBefore, c, command));
      rt::ExecuteCommand(command, context);
      LOOM_RETURN_IF_ERROR((*hook)(HookPoint::kAfter, c, command));
    }
  }
  std::vector<HostTensor> outputs;
  for (int o = 0; o < entry->outputs_size(); ++o) {
    if (o < static_cast<int>(keep.size()) && keep[o]) continue;
    const TensorSig& sig = entry->outputs(o);
    auto [dtype, size] = TypeAndSize(sig.dtype(), sig.shape());
    LOOM_ASSIGN_OR_RETURN(HostTensor value, HostTensor::Allocate(dtype, ShapeOf(sig.shape())));
    if (size > 0) std::memcpy(value.data(), At(sig.arena(), sig.offset_bytes()), size);
    outputs.push_back(std::move(value));
  }
  return outputs;
}

Result<std::vector<HostTensor>> Program::RunOnDevice(int entry_index,
                                                     const std::vector<const HostTensor*>& inputs,
                                                     const std::vector<bool>& keep,
                                                     const CommandHook* hook) {
  const loom::bundle::EntryPoint& entry = bundle_.manifest.entry_points(entry_index);
  LOOM_RETURN_IF_ERROR(DeviceCurrent());
  // Inputs go straight to their device views (the host mirror of those bytes is stale after).
  for (int i = 0; i < entry.inputs_size(); ++i) {
    const TensorSig& sig = entry.inputs(i);
    const uint64_t size = TypeAndSize(sig.dtype(), sig.shape()).second;
    if (size == 0 || inputs[i] == nullptr) continue;
    LOOM_RETURN_IF_ERROR(cuda_->Upload(sig.arena(), sig.offset_bytes(), inputs[i]->data(), size));
    newer_[sig.arena()] = Newer::kDevice;
  }
  Status ran;
  if (hook == nullptr || !*hook) {
    ran = cuda_->Run(entry_index);
  } else {
    cuda::CudaExecutor::Between between = [&](int index, bool before) -> Status {
      for (Newer& n : newer_) n = n == Newer::kSame ? Newer::kDevice : n;
      LOOM_RETURN_IF_ERROR(AllHostCurrent());
      return (*hook)(before ? HookPoint::kBefore : HookPoint::kAfter, index, entry.plan(index));
    };
    ran = cuda_->Run(entry_index, &between);
  }
  // Whatever the plan may have written is newer on the device, even after a failure midway.
  for (uint32_t i = 0; i < newer_.size(); ++i) {
    if (arenas_[i].size_bytes() > 0) newer_[i] = Newer::kDevice;
  }
  LOOM_RETURN_IF_ERROR(ran);
  std::vector<HostTensor> outputs;
  for (int o = 0; o < entry.outputs_size(); ++o) {
    if (o < static_cast<int>(keep.size()) && keep[o]) continue;
    const TensorSig& sig = entry.outputs(o);
    auto [dtype, size] = TypeAndSize(sig.dtype(), sig.shape());
    LOOM_ASSIGN_OR_RETURN(HostTensor value, HostTensor::Allocate(dtype, ShapeOf(sig.shape())));
    if (size > 0) {
      LOOM_RETURN_IF_ERROR(cuda_->Download(value.data(), sig.arena(), sig.offset_bytes(), size));
    }
    outputs.push_back(std::move(value));
  }
  return outputs;
}

Status Program::CheckCarried(const std::string& name,
                             const std::vector<std::pair<int, int>>& pairs) const {
  const loom::bundle::EntryPoint* entry = FindEntryPoint(name);
  if (entry == nullptr) {
    return MakeStatus(StatusCode::kNotFound, dir(), ": no entry point '", name, "'");
  }
  std::vector<bool> seen_in(entry->inputs_size()), seen_out(entry->outputs_size());
  for (const auto& [in, out] : pairs) {
    if (in < 0 || in >= entry->inputs_size() || out < 0 || out >= entry->outputs_size() ||
        seen_in[in] || seen_out[out]) {
      return MakeStatus(StatusCode::kInvalidArgument, dir(), ": ", name, " has no input ", in,
                        " and output ", out, " to carry (or carries one twice)");
    }
    seen_in[in] = seen_out[out] = true;
    const TensorSig &i = entry->inputs(in), &o = entry->outputs(out);
    if (i.dtype() != o.dtype() || ShapeOf(i.shape()) != ShapeOf(o.shape())) {
      return MakeStatus(StatusCode::kInvalidArgument, dir(), ": ", name, " output ", out, " '",
                        o.name(), "' cannot be carried to input ", in, " '", i.name(),
                        "': their dtypes or shapes differ");
    }
  }
  return OkStatus();
}

Result<Program::Carried> Program::StartCarried(const std::string& name,
                                               std::vector<std::pair<int, int>> pairs,
                                               std::vector<HostTensor> first) const {
  LOOM_RETURN_IF_ERROR(CheckCarried(name, pairs));
  const loom::bundle::EntryPoint* entry = FindEntryPoint(name);
  if (first.size() != pairs.size()) {
    return MakeStatus(StatusCode::kInvalidArgument, dir(), ": ", name, " carries ", pairs.size(),
                      " values but ", first.size(), " first values were given");
  }
  for (size_t k = 0; k < pairs.size(); ++k) {
    const TensorSig& i = entry->inputs(pairs[k].first);
    const DType dtype = TypeAndSize(i.dtype(), i.shape()).first;
    if (first[k].dtype() != dtype || first[k].shape() != ShapeOf(i.shape())) {
      return MakeStatus(StatusCode::kInvalidArgument, dir(), ": ", name, " input ",
                        pairs[k].first, " '", i.name(), "' must be ", DTypeName(dtype),
                        ShapeToString(ShapeOf(i.shape())), ", got ", DTypeName(first[k].dtype()),
                        ShapeToString(first[k].shape()));
    }
  }
  Carried state;
  state.owner = this;
  for (int e = 0; e < bundle_.manifest.entry_points_size(); ++e) {
    if (&bundle_.manifest.entry_points(e) == entry) state.entry = e;
  }
  state.pairs = std::move(pairs);
  state.first = std::move(first);
  return state;
}

Result<std::vector<HostTensor>> Program::RunCarried(Carried& state,
                                                    const std::vector<const HostTensor*>& others) {
  if (state.owner != this || state.entry < 0 ||
      state.entry >= bundle_.manifest.entry_points_size()) {
    return MakeStatus(StatusCode::kInvalidArgument, dir(),
                      ": RunCarried needs a state that this program's StartCarried began");
  }
  const loom::bundle::EntryPoint& entry = bundle_.manifest.entry_points(state.entry);
  const bool first_run = !state.first.empty();
  if (!first_run && state.epoch != epoch_) {
    return MakeStatus(StatusCode::kInvalidArgument, dir(), ": the state carried by ",
                      entry.name(), " may have been overwritten since its last run (the program "
                      "ran or was written in between); start the loop again");
  }
  std::vector<const HostTensor*> inputs(entry.inputs_size(), nullptr);
  std::vector<bool> keep(entry.outputs_size(), false);
  for (size_t k = 0; k < state.pairs.size(); ++k) {
    if (first_run) inputs[state.pairs[k].first] = &state.first[k];
    keep[state.pairs[k].second] = true;
  }
  size_t next = 0;
  for (int i = 0; i < entry.inputs_size(); ++i) {
    const bool carried = std::any_of(state.pairs.begin(), state.pairs.end(),
                                     [&](const auto& p) { return p.first == i; });
    if (carried) continue;
    if (next >= others.size() || others[next] == nullptr) {
      return MakeStatus(StatusCode::kInvalidArgument, dir(), ": ", entry.name(), " takes ",
                        entry.inputs_size() - static_cast<int>(state.pairs.size()),
                        " inputs besides its carried state, got ", others.size());
    }
    inputs[i] = others[next++];
  }
  if (next != others.size()) {
    return MakeStatus(StatusCode::kInvalidArgument, dir(), ": ", entry.name(), " takes ", next,
                      " inputs besides its carried state, got ", others.size());
  }
  LOOM_ASSIGN_OR_RETURN(const int index, CheckCall(entry.name(), inputs));
  Result<std::vector<HostTensor>> outputs = RunEntry(index, inputs, keep, nullptr);
  state.first.clear();  // uploaded: from now on the state is the arenas'
  state.epoch = 0;      // unknown until it is in place for the next run
  if (!outputs.ok()) return outputs;
  LOOM_RETURN_IF_ERROR(MoveCarried(entry, state.pairs));
  state.epoch = epoch_;
  return outputs;
}

Status Program::MoveCarried(const loom::bundle::EntryPoint& entry,
                            const std::vector<std::pair<int, int>>& pairs) {
  std::vector<cuda::CudaExecutor::RegionMove> moves;
  for (const auto& [in, out] : pairs) {
    const TensorSig &i = entry.inputs(in), &o = entry.outputs(out);
    const uint64_t bytes = TypeAndSize(i.dtype(), i.shape()).second;
    if (bytes == 0 || (i.arena() == o.arena() && i.offset_bytes() == o.offset_bytes())) continue;
    moves.push_back({o.arena(), o.offset_bytes(), i.arena(), i.offset_bytes(), bytes});
  }
  if (moves.empty()) return OkStatus();
  if (cuda_) return cuda_->MoveRegions(moves);
  // Every source read before any destination is written: the regions may overlap.
  uint64_t total = 0;
  for (const auto& m : moves) total += m.bytes;
  if (move_staging_.size() < total) move_staging_.resize(total);  // kept: once per token
  std::byte* staging = move_staging_.data();
  uint64_t at = 0;
  for (const auto& m : moves) {
    std::memcpy(staging + at, At(m.src_arena, m.src_offset), m.bytes);
    at += m.bytes;
  }
  at = 0;
  for (const auto& m : moves) {
    std::memcpy(At(m.dst_arena, m.dst_offset), staging + at, m.bytes);
    at += m.bytes;
  }
  return OkStatus();
}

Result<std::vector<HostTensor>> Program::ReadCarried(const Carried& state) const {
  if (state.owner != this) {
    return MakeStatus(StatusCode::kInvalidArgument, dir(),
                      ": ReadCarried needs a state that this program's StartCarried began");
  }
  if (!state.first.empty()) {
    std::vector<HostTensor> copies;
    for (const HostTensor& t : state.first) {
      LOOM_ASSIGN_OR_RETURN(HostTensor copy, HostTensor::Allocate(t.dtype(), t.shape()));
      std::memcpy(copy.data(), t.data(), t.size_bytes());
      copies.push_back(std::move(copy));
    }
    return copies;
  }
  if (state.epoch != epoch_) {
    return MakeStatus(StatusCode::kInvalidArgument, dir(),
                      ": the carried state may have been overwritten since its last run");
  }
  const loom::bundle::EntryPoint& entry = bundle_.manifest.entry_points(state.entry);
  std::vector<HostTensor> values;
  for (const auto& [in, out] : state.pairs) {
    const TensorSig& sig = entry.inputs(in);  // where the state waits for the next run
    auto [dtype, size] = TypeAndSize(sig.dtype(), sig.shape());
    LOOM_ASSIGN_OR_RETURN(HostTensor value, HostTensor::Allocate(dtype, ShapeOf(sig.shape())));
    LOOM_RETURN_IF_ERROR(HostCurrent(sig.arena()));
    if (size > 0) std::memcpy(value.data(), At(sig.arena(), sig.offset_bytes()), size);
    values.push_back(std::move(value));
  }
  return values;
}

Result<std::vector<std::vector<HostTensor>>> Program::RunChain(
    const std::vector<Call>& calls, std::optional<loom::bundle::Arena::Kind> zero_first) {
  Touch();
  std::vector<int> entries;
  for (const Call& call : calls) {
    LOOM_ASSIGN_OR_RETURN(const int index, CheckCall(call.name, call.inputs));
    entries.push_back(index);
  }
  std::vector<std::vector<HostTensor>> results;
  if (!cuda_) {
    if (zero_first) LOOM_RETURN_IF_ERROR(ZeroArenas(*zero_first));
    for (const Call& call : calls) {
      LOOM_ASSIGN_OR_RETURN(std::vector<HostTensor> outputs, Run(call.name, call.inputs));
      results.push_back(std::move(outputs));
    }
    return results;
  }
  LOOM_RETURN_IF_ERROR(DeviceCurrent());
  std::vector<uint32_t> zero;
  if (zero_first) {
    const auto& arenas = bundle_.manifest.arenas();
    for (int i = 0; i < arenas.size(); ++i) {
      if (arenas[i].kind() == *zero_first && arenas_[i].size_bytes() > 0) zero.push_back(i);
    }
  }
  std::vector<std::vector<const void*>> in(calls.size());
  std::vector<std::vector<void*>> out(calls.size());
  for (size_t c = 0; c < calls.size(); ++c) {
    for (const HostTensor* t : calls[c].inputs) in[c].push_back(t->data());
    std::vector<HostTensor> outputs;
    for (const TensorSig& sig : bundle_.manifest.entry_points(entries[c]).outputs()) {
      LOOM_ASSIGN_OR_RETURN(HostTensor value,
                            HostTensor::Allocate(TypeAndSize(sig.dtype(), sig.shape()).first,
                                                 ShapeOf(sig.shape())));
      outputs.push_back(std::move(value));
    }
    results.push_back(std::move(outputs));
    for (HostTensor& t : results.back()) out[c].push_back(t.data());
  }
  Status ran = cuda_->RunChain(entries, zero, in, out);
  // Whatever the chain may have written is newer on the device, even after a failure midway.
  for (uint32_t i = 0; i < newer_.size(); ++i) {
    if (arenas_[i].size_bytes() > 0) newer_[i] = Newer::kDevice;
  }
  LOOM_RETURN_IF_ERROR(ran);
  return results;
}

}  // namespace loom::rt
