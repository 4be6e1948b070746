#include "runtime/train/checkpoint_state.h"

#include <cmath>
#include <cstring>
#include <optional>
#include <set>

#include <nlohmann/json.hpp>

#include "runtime/bundle/bundle_dtype.h"
#include "runtime/data/byte_corpus.h"
#include "runtime/io/safetensors.h"

namespace loom::rt {
namespace {

using Json = nlohmann::ordered_json;
using loom::bundle::Arena;
using loom::bundle::Parameter;

constexpr char kStateFormat[] = "loom-train-state";
constexpr int kStateVersion = 1;

Shape ShapeOf(const Parameter& p) { return Shape(p.shape().begin(), p.shape().end()); }

// The dtype the trainable parameters share, if they share one.
std::optional<DType> TrainableDType(const loom::bundle::Manifest& manifest) {
  std::optional<DType> common;
  for (const Parameter& p : manifest.parameters()) {
    if (p.frozen()) continue;
    std::optional<DType> dtype = FromBundleDType(p.dtype());
    if (!dtype || (common && *common != *dtype)) return std::nullopt;
    common = dtype;
  }
  return common;
}

}  // namespace

std::string EncodeTrainState(const TrainState& s) {
  Json json;
  json["format"] = kStateFormat;
  json["version"] = kStateVersion;
  json["step"] = s.step;
  json["data_cursor"] = s.data_cursor;
  json["seed"] = s.seed;
  json["rng"] = {{"generator", "splitmix64"},
                 {"seed", s.seed},
                 {"counter", static_cast<uint64_t>(s.data_cursor) * static_cast<uint64_t>(s.batch)}};
  json["accum"] = s.accum;
  json["batch"] = s.batch;
  json["length"] = s.length;
  json["tokens"] = s.tokens;
  json["skipped_steps"] = s.skipped_steps;
  json["bundle_manifest_sha256"] = s.bundle_sha256;
  json["data"] = {{"sha256", s.data_sha256}, {"bytes", s.data_bytes}};
  return json.dump(2) + "\n";
}

Result<TrainState> ParseTrainState(std::string_view text, const std::string& label) {
  Json json = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) {
    return MakeStatus(StatusCode::kInvalidFormat, label, ": not a JSON object");
  }
  std::string missing;
  auto field = [&](const Json& object, const char* name, auto check) -> const Json* {
    auto it = object.find(name);
    if (it == object.end() || !check(*it)) {
      if (missing.empty()) missing = name;
      return nullptr;
    }
    return &*it;
  };
  auto is_int = [](const Json& j) { return j.is_number_integer(); };
  auto is_uint = [](const Json& j) { return j.is_number_unsigned(); };
  auto is_string = [](const Json& j) { return j.is_string(); };
  auto is_object = [](const Json& j) { return j.is_object(); };
  TrainState s;
  const Json* format = field(json, "format", is_string);
  const Json* version = field(json, "version", is_int);
  if (format && (format->get<std::string>() != kStateFormat || !version ||
                 version->get<int64_t>() != kStateVersion)) {
    return MakeStatus(StatusCode::kUnsupported, label, ": not a ", kStateFormat, " version ",
                      kStateVersion, " file");
  }
  auto get_int = [&](const char* name, int64_t* out) {
    if (const Json* j = field(json, name, is_int)) *out = j->get<int64_t>();
  };
  get_int("step", &s.step);
  get_int("data_cursor", &s.data_cursor);
  get_int("accum", &s.accum);
  get_int("batch", &s.batch);
  get_int("length", &s.length);
  get_int("tokens", &s.tokens);
  get_int("skipped_steps", &s.skipped_steps);
  if (const Json* j = field(json, "seed", is_uint)) s.seed = j->get<uint64_t>();
  if (const Json* j = field(json, "bundle_manifest_sha256", is_string))
    s.bundle_sha256 = j->get<std::string>();
  uint64_t counter = 0;
  if (const Json* rng = field(json, "rng", is_object)) {
    if (const Json* j = field(*rng, "counter", is_uint)) counter = j->get<uint64_t>();
    const Json* generator = field(*rng, "generator", is_string);
    if (generator && generator->get<std::string>() != "splitmix64") {
      return MakeStatus(StatusCode::kUnsupported, label, ": rng.generator '",
                        generator->get<std::string>(), "' is not splitmix64");
    }
  }
  if (const Json* data = field(json, "data", is_object)) {
    if (const Json* j = field(*data, "sha256", is_string)) s.data_sha256 = j->get<std::string>();
    if (const Json* j = field(*data, "bytes", is_uint)) s.data_bytes = j->get<uint64_t>();
  }
  if (!missing.empty()) {
    return MakeStatus(StatusCode::kInvalidFormat, label, ": field '", missing,
                      "' is missing or has the wrong type");
  }
  if (s.step < 0 || s.data_cursor < 0 || s.accum < 1 || s.batch < 1 || s.length < 1 ||
      s.tokens < 0 || s.skipped_steps < 0 || s.skipped_steps > s.step) {
    return MakeStatus(StatusCode::kInvalidFormat, label, ": a count is out of range");
  }
  if (counter != static_cast<uint64_t>(s.data_cursor) * static_cast<uint64_t>(s.batch)) {
    return MakeStatus(StatusCode::kInvalidFormat, label, ": rng.counter ", counter,
                      " disagrees with data_cursor ", s.data_cursor, " x batch ", s.batch);
  }
  return s;
}

Result<std::string> EncodeModel(const Program& program) {
  SafetensorsFile file;
  for (const Parameter& p : program.manifest().parameters()) {
    LOOM_ASSIGN_OR_RETURN(HostTensor value, program.GetParameter(p.name()));
    file.tensors.emplace(p.name(), std::move(value));
  }
  return EncodeSafetensors(file);
}

Result<std::string> EncodeOptimizer(const Program& program) {
  const std::optional<DType> common = TrainableDType(program.manifest());
  SafetensorsFile file;
  std::string layout;
  for (const Arena& arena : program.manifest().arenas()) {
    if (arena.kind() != Arena::OPTIMIZER) continue;
    LOOM_ASSIGN_OR_RETURN(std::string_view bytes, program.ArenaBytes(arena.name()));
    DType dtype = common && bytes.size() % DTypeSize(*common) == 0 ? *common : DType::kI8;
    LOOM_ASSIGN_OR_RETURN(
        HostTensor value,
        HostTensor::Allocate(dtype, {static_cast<int64_t>(bytes.size() / DTypeSize(dtype))}));
    if (!bytes.empty()) std::memcpy(value.data(), bytes.data(), bytes.size());
    file.tensors.emplace(arena.name(), std::move(value));
    layout = "each tensor is a whole OPTIMIZER arena of the bundle, byte for byte";
  }
  if (!layout.empty()) file.metadata["loom.layout"] = layout;
  return EncodeSafetensors(file);
}

Status RestoreModel(Program& program, const std::string& path) {
  LOOM_ASSIGN_OR_RETURN(SafetensorsFile file, ReadSafetensorsFile(path));
  for (const Parameter& p : program.manifest().parameters()) {
    auto it = file.tensors.find(p.name());
    if (it == file.tensors.end()) {
      return MakeStatus(StatusCode::kInvalidArgument, path, ": no tensor for parameter '",
                        p.name(), "' of ", program.dir());
    }
    Status status = program.SetParameter(p.name(), it->second);
    if (!status.ok()) return Status(status.code(), path + ": " + status.message());
    file.tensors.erase(it);
  }
  if (!file.tensors.empty()) {
    return MakeStatus(StatusCode::kInvalidArgument, path, ": tensor '",
                      file.tensors.begin()->first, "' is not a parameter of ", program.dir());
  }
  return OkStatus();
}

Status RestoreOptimizer(Program& program, const std::string& path) {
  LOOM_ASSIGN_OR_RETURN(SafetensorsFile file, ReadSafetensorsFile(path));
  for (const Arena& arena : program.manifest().arenas()) {
    if (arena.kind() != Arena::OPTIMIZER) continue;
    auto it = file.tensors.find(arena.name());
    if (it == file.tensors.end()) {
      return MakeStatus(StatusCode::kInvalidArgument, path, ": no tensor for optimizer arena '",
                        arena.name(), "' of ", program.dir());
    }
    const HostTensor& value = it->second;
    if (value.size_bytes() != arena.size_bytes()) {
      return MakeStatus(StatusCode::kInvalidArgument, path, ": tensor '", arena.name(), "' holds ",
                        value.size_bytes(), " bytes, but the arena of ", program.dir(), " holds ",
                        arena.size_bytes());
    }
    LOOM_RETURN_IF_ERROR(program.SetArenaBytes(
        arena.name(),
        std::string_view(reinterpret_cast<const char*>(value.data()), value.size_bytes())));
    file.tensors.erase(it);
  }
  if (!file.tensors.empty()) {
    return MakeStatus(StatusCode::kInvalidArgument, path, ": tensor '",
                      file.tensors.begin()->first, "' is not an optimizer arena of ",
                      program.dir());
  }
  return OkStatus();
}

Status InitializeNormalParameters(Program& program, uint64_t seed) {
  uint64_t counter = 0;
  auto uniform = [&]() {  // (0, 1], 53 bits
    return (static_cast<double>(SplitMix64(seed + counter++) >> 11) + 1.0) * 0x1p-53;
  };
  for (const Parameter& p : program.manifest().parameters()) {
    if (p.init() != Parameter::NORMAL) continue;
    std::optional<DType> dtype = FromBundleDType(p.dtype());
    if (!dtype || (*dtype != DType::kF32 && *dtype != DType::kF64)) {
      return MakeStatus(StatusCode::kUnsupported, program.dir(), ": parameter '", p.name(),
                        "' is ", dtype ? DTypeName(*dtype) : "?",
                        "; the trainer draws f32 and f64 NORMAL parameters only (load it with "
                        "--params)");
    }
    LOOM_ASSIGN_OR_RETURN(HostTensor value, HostTensor::Allocate(*dtype, ShapeOf(p)));
    const double std = static_cast<double>(p.init_std());
    for (uint64_t i = 0; i < value.num_elements(); ++i) {
      const double u1 = uniform();
      const double u2 = uniform();
      const double x = std * std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
      if (*dtype == DType::kF32) {
        value.data_as<float>()[i] = static_cast<float>(x);
      } else {
        value.data_as<double>()[i] = x;
      }
    }
    LOOM_RETURN_IF_ERROR(program.SetParameter(p.name(), value));
  }
  return OkStatus();
}

}  // namespace loom::rt
