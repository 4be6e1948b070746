#include "runtime/tools/run_command.h"

#include <thread>

#include "runtime/exec/session.h"
#include "runtime/io/npy.h"
#include "runtime/io/safetensors.h"

namespace loom::rt {
namespace {

using SigList = google::protobuf::RepeatedPtrField<loom::bundle::TensorSig>;

// The inputs, in signature order, from .npy files or one safetensors file.
Result<std::vector<HostTensor>> ReadInputs(const RunArgs& args, const std::string& function,
                                           const SigList& sigs) {
  std::vector<HostTensor> inputs;
  if (args.inputs_safetensors.empty()) {
    if (args.inputs.size() != static_cast<size_t>(sigs.size())) {
      return MakeStatus(StatusCode::kInvalidArgument, function, " takes ", sigs.size(),
                        " inputs, but ", args.inputs.size(), " --input files were given");
    }
    for (const std::string& path : args.inputs) {
      LOOM_ASSIGN_OR_RETURN(HostTensor tensor, ReadNpyFile(path));
      inputs.push_back(std::move(tensor));
    }
    return inputs;
  }
  LOOM_ASSIGN_OR_RETURN(SafetensorsFile file, ReadSafetensorsFile(args.inputs_safetensors));
  for (const auto& sig : sigs) {
    auto it = file.tensors.find(sig.name());
    if (it == file.tensors.end()) {
      return MakeStatus(StatusCode::kInvalidArgument, args.inputs_safetensors, ": no tensor '",
                        sig.name(), "' (an input of ", function, ")");
    }
    inputs.push_back(std::move(it->second));
    file.tensors.erase(it);
  }
  if (!file.tensors.empty()) {
    return MakeStatus(StatusCode::kInvalidArgument, args.inputs_safetensors, ": tensor '",
                      file.tensors.begin()->first, "' is not an input of ", function);
  }
  return inputs;
}

Status WriteOutputs(const RunArgs& args, const std::string& function, const SigList& sigs,
                    std::vector<HostTensor> outputs) {
  if (!args.outputs.empty()) {
    if (args.outputs.size() != outputs.size()) {
      return MakeStatus(StatusCode::kInvalidArgument, function, " returns ", outputs.size(),
                        " outputs, but ", args.outputs.size(), " --output files were given");
    }
    for (size_t i = 0; i < outputs.size(); ++i) {
      LOOM_RETURN_IF_ERROR(WriteNpyFile(args.outputs[i], outputs[i]));
    }
  }
  if (!args.outputs_safetensors.empty()) {
    SafetensorsFile file;
    for (size_t i = 0; i < outputs.size(); ++i) {
      file.tensors[sigs[static_cast<int>(i)].name()] = std::move(outputs[i]);
    }
    LOOM_RETURN_IF_ERROR(WriteSafetensorsFile(args.outputs_safetensors, file));
  }
  return OkStatus();
}

}  // namespace

Status RunCommand(const RunArgs& args) {
  int threads = args.threads > 0
                    ? args.threads
                    : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  Session session(threads);
  LOOM_ASSIGN_OR_RETURN(Program * program, session.Load("main", args.bundle_dir, args.program));
  const loom::bundle::EntryPoint* entry = program->FindEntryPoint(args.function);
  if (entry == nullptr) {
    std::string names;
    for (const auto& e : program->manifest().entry_points()) names += " " + e.name();
    return MakeStatus(StatusCode::kNotFound, args.bundle_dir, ": no entry point '", args.function,
                      "' (it has:", names.empty() ? " none" : names, ")");
  }
  for (const std::string& path : args.params) LOOM_RETURN_IF_ERROR(program->LoadParameters(path));
  LOOM_ASSIGN_OR_RETURN(std::vector<HostTensor> inputs,
                        ReadInputs(args, args.function, entry->inputs()));
  std::vector<const HostTensor*> pointers;
  for (const HostTensor& t : inputs) pointers.push_back(&t);
  LOOM_ASSIGN_OR_RETURN(std::vector<HostTensor> outputs, program->Run(args.function, pointers));
  return WriteOutputs(args, args.function, entry->outputs(), std::move(outputs));
}

}  // namespace loom::rt
