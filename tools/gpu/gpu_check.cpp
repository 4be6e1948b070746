// loom-gpu-check: the GPU check of compiled CUDA bundles (DESIGN.md §8, GPU tier), run on the
// device machine by check.sh:
//
//   loom-gpu-check CASES [--reps N] [--filter TEXT] [--threads T] [--seed S]
//
// CASES holds one folder per case, each a "cuda" bundle (loomc --target=cuda) prepared here by
// tools/gpu/prepare.sh. Every case runs twice on the device machine from the same parameters and
// inputs: on the GPU (the CUDA executor: cubin, cuBLASLt, the FlashAttention-2 kernels, a CUDA
// graph per entry point) and on the CPU through the same bundle's host kernels, which the CPU
// tests check against the reference interpreter and PyTorch goldens. So the CPU run is the
// golden; its outputs are compared with the GPU's:
//   err_i = |gpu_i - cpu_i| / max(|cpu_i|, 1e-2 * max_j |cpu_j|, 1e-30)
// at most the case's tolerance for floats (below), integers and i1 equal, NaN meeting NaN and
// an infinity the same one.
//
// Kinds of case, by what the folder holds:
//  - op (inputs.safetensors: the golden op case's inputs "in.N"): entry point @f; f32 2e-5
//    (5e-5 with a GEMM or attention: cuBLASLt and OpenBLAS sum in different orders), f64 1e-12.
//  - model (@forward, @grad_step, @apply_step): parameters N(0, init_std^2) and drawn inputs
//    (plan_walker.h), the three entry points in order, then the trainer's chained step (zero,
//    @grad_step, @apply_step as one graph), each output within 1e-4, then every PARAMETERS and
//    OPTIMIZER arena within 1e-4 normwise (||gpu - cpu|| / ||cpu||: AdamW moves an element
//    whose gradient is at noise level by about the learning rate either way). Then each step's
//    wall time, GPU (graph replay) against CPU.
// Every entry point (and the chained step) runs three times on both devices in lockstep: on the
// GPU the first run is eager, the second captures a CUDA graph, the third replays it.
//  - bench (a folder named bench_*): @f on drawn inputs, 1e-4; then every kernel and library
//    call of its plan is timed on the GPU (median of --reps between CUDA events) against a
//    same-run device-to-device copy moving the same bytes (half read, half written).
//
// Exit status: 0 all agree, 1 a mismatch, 2 no GPU or a CUDA error, 3 anything else.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "runtime/base/status.h"
#include "runtime/bundle/bundle_dtype.h"
#include "runtime/device/cuda/cuda_driver.h"
#include "runtime/device/cuda/cuda_executor.h"
#include "runtime/exec/session.h"
#include "runtime/io/safetensors.h"
#include "runtime/train/checkpoint_state.h"
#include "tools/gpu/plan_walker.h"

namespace loom::gpu {
namespace {

using rt::DType;
using rt::HostTensor;
using rt::MakeStatus;
using rt::Result;
using rt::Status;
using rt::StatusCode;

struct Options {
  std::string cases;
  int reps = 20;
  std::string filter;
  int threads = 0;
  uint64_t seed = 1;
};

constexpr char kUsage[] =
    "usage: loom-gpu-check CASES [--reps N] [--filter TEXT] [--threads T] [--seed S]\n";

Result<Options> ParseOptions(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> Result<std::string> {
      if (i + 1 >= argc) return MakeStatus(StatusCode::kInvalidArgument, arg, " needs a value");
      return std::string(argv[++i]);
    };
    auto number = [&](int64_t min, int64_t max) -> Result<int64_t> {
      LOOM_ASSIGN_OR_RETURN(std::string text, value());
      char* end = nullptr;
      const long long n = std::strtoll(text.c_str(), &end, 10);
      if (text.empty() || *end != '\0' || n < min || n > max) {
        return MakeStatus(StatusCode::kInvalidArgument, arg, " '", text,
                          "' is not a whole number in [", min, ", ", max, "]");
      }
      return static_cast<int64_t>(n);
    };
    if (arg == "--reps") {
      LOOM_ASSIGN_OR_RETURN(int64_t n, number(1, 100000));
      o.reps = static_cast<int>(n);
    } else if (arg == "--filter") {
      LOOM_ASSIGN_OR_RETURN(o.filter, value());
    } else if (arg == "--threads") {
      LOOM_ASSIGN_OR_RETURN(int64_t n, number(1, 1024));
      o.threads = static_cast<int>(n);
    } else if (arg == "--seed") {
      LOOM_ASSIGN_OR_RETURN(int64_t n, number(0, int64_t{1} << 62));
      o.seed = static_cast<uint64_t>(n);
    } else if (arg.rfind("--", 0) == 0 || !o.cases.empty()) {
      return MakeStatus(StatusCode::kInvalidArgument, "unexpected argument '", arg, "'");
    } else {
      o.cases = arg;
    }
  }
  if (o.cases.empty()) return MakeStatus(StatusCode::kInvalidArgument, "no CASES folder");
  if (o.threads == 0) o.threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  return o;
}

// ---------------------------------------------------------------------------------------------
// Comparison

struct Agreement {
  double max_err = 0;
  std::string first_bad;  // empty when everything agrees
};

double AsDouble(const HostTensor& t, uint64_t i) {
  switch (t.dtype()) {
    case DType::kF64: return t.data_as<double>()[i];
    case DType::kF32: return t.data_as<float>()[i];
    default: return 0;
  }
}

// Compares `gpu` with `cpu` (same dtype and shape) under `tol`; `what` names them.
void Compare(const HostTensor& gpu, const HostTensor& cpu, double tol, const std::string& what,
             Agreement* a) {
  const bool is_float = cpu.dtype() == DType::kF32 || cpu.dtype() == DType::kF64;
  if (!is_float) {
    if (std::memcmp(gpu.data(), cpu.data(), cpu.size_bytes()) != 0 && a->first_bad.empty()) {
      a->first_bad = what + ": integer values differ";
    }
    return;
  }
  double max_abs = 0;
  for (uint64_t i = 0; i < cpu.num_elements(); ++i) {
    const double c = AsDouble(cpu, i);
    if (std::isfinite(c)) max_abs = std::max(max_abs, std::fabs(c));
  }
  for (uint64_t i = 0; i < cpu.num_elements(); ++i) {
    const double g = AsDouble(gpu, i), c = AsDouble(cpu, i);
    double err = 0;
    if (std::isnan(c) || std::isnan(g)) {
      err = std::isnan(c) && std::isnan(g) ? 0 : INFINITY;
    } else if (std::isinf(c) || std::isinf(g)) {
      err = g == c ? 0 : INFINITY;
    } else {
      err = std::fabs(g - c) / std::max({std::fabs(c), 1e-2 * max_abs, 1e-30});
    }
    a->max_err = std::max(a->max_err, err);
    if (err > tol && a->first_bad.empty()) {
      char text[160];
      std::snprintf(text, sizeof(text), "%s[%llu]: GPU %.9g, CPU %.9g (error %.3g > %.1g)",
                    what.c_str(), static_cast<unsigned long long>(i), g, c, err, tol);
      a->first_bad = text;
    }
  }
}

// Parameters and moments after AdamW steps, normwise: ||gpu - cpu|| / ||cpu||. Adam divides by
// sqrt(v), so an element whose gradient is at noise level moves by about the learning rate
// whichever way its last bits fall; elementwise errors there say nothing about the device,
// the norm of the difference does.
void CompareNormwise(const HostTensor& gpu, const HostTensor& cpu, double tol,
                     const std::string& what, Agreement* a) {
  double diff = 0, norm = 0;
  for (uint64_t i = 0; i < cpu.num_elements(); ++i) {
    const double g = AsDouble(gpu, i), c = AsDouble(cpu, i);
    diff += (g - c) * (g - c);
    norm += c * c;
  }
  const double err = norm > 0 ? std::sqrt(diff / norm) : std::sqrt(diff);
  a->max_err = std::max(a->max_err, std::isnan(err) ? INFINITY : err);
  if (!(err <= tol) && a->first_bad.empty()) {
    char text[160];
    std::snprintf(text, sizeof(text), "%s: normwise error %.3g > %.1g", what.c_str(), err, tol);
    a->first_bad = text;
  }
}

// The element type of a PARAMETERS arena (its parameters') or an OPTIMIZER arena (the trained
// parameters' moments): kUnsupported when the parameters it follows mix dtypes.
Result<DType> ArenaDType(const loom::bundle::Manifest& manifest, int arena) {
  const bool moments = manifest.arenas(arena).kind() == loom::bundle::Arena::OPTIMIZER;
  std::optional<DType> dtype;
  for (const auto& p : manifest.parameters()) {
    if (moments ? p.frozen() : p.arena() != static_cast<uint32_t>(arena)) continue;
    std::optional<DType> d = rt::FromBundleDType(p.dtype());
    if (!d || (dtype && *dtype != *d)) {
      return MakeStatus(StatusCode::kUnsupported, "arena '", manifest.arenas(arena).name(),
                        "' holds parameters of several dtypes: compared per arena, it needs one");
    }
    dtype = d;
  }
  return dtype.value_or(DType::kF32);
}

HostTensor ArenaAsTensor(std::string_view bytes, DType dtype) {
  const uint64_t size = dtype == DType::kF64 ? 8 : dtype == DType::kF32 ? 4 : 1;
  HostTensor t = HostTensor::Allocate(dtype, {static_cast<int64_t>(bytes.size() / size)}).value();
  std::memcpy(t.data(), bytes.data(), t.size_bytes());
  return t;
}

// ---------------------------------------------------------------------------------------------
// Cases

enum class Kind { kOp, kModel, kBench };

struct Timing {
  std::string command, what;
  double us = 0, copy_us = 0;
  uint64_t bytes = 0;
  double flops = 0;
};

struct CaseResult {
  std::string name, kind;
  double tol = 0;
  Agreement agreement;
  std::vector<Timing> timings;
  std::vector<std::pair<std::string, std::pair<double, double>>> steps;  // wall ms GPU, CPU
  std::string error;       // a CUDA or load error: the case did not run
  bool cuda_error = false;
};

// The golden inputs "in.N" in the signature's dtypes (f64 values narrowed to an f32 argument:
// the attention cases run retyped to f32).
Result<std::vector<HostTensor>> OpInputs(const std::string& path,
                                         const loom::bundle::EntryPoint& entry) {
  LOOM_ASSIGN_OR_RETURN(rt::SafetensorsFile file, rt::ReadSafetensorsFile(path));
  std::vector<HostTensor> inputs;
  for (int i = 0; i < entry.inputs_size(); ++i) {
    const auto& sig = entry.inputs(i);
    auto found = file.tensors.find("in." + std::to_string(i));
    if (found == file.tensors.end()) {
      return MakeStatus(StatusCode::kInvalidFormat, path, ": no tensor in.", i);
    }
    const DType dtype = *rt::FromBundleDType(sig.dtype());
    LOOM_ASSIGN_OR_RETURN(HostTensor t,
                          HostTensor::Allocate(dtype, rt::Shape(sig.shape().begin(), sig.shape().end())));
    const HostTensor& from = found->second;
    if (from.num_elements() != t.num_elements()) {
      return MakeStatus(StatusCode::kInvalidFormat, path, ": in.", i, " has ", from.num_elements(),
                        " elements, the signature ", t.num_elements());
    }
    if (from.dtype() == dtype) {
      std::memcpy(t.data(), from.data(), t.size_bytes());
    } else if (from.dtype() == DType::kF64 && dtype == DType::kF32) {
      for (uint64_t e = 0; e < t.num_elements(); ++e)
        t.data_as<float>()[e] = static_cast<float>(from.data_as<double>()[e]);
    } else {
      return MakeStatus(StatusCode::kInvalidFormat, path, ": in.", i, " is ",
                        rt::DTypeName(from.dtype()), ", the signature ", rt::DTypeName(dtype));
    }
    inputs.push_back(std::move(t));
  }
  return inputs;
}

std::vector<const HostTensor*> Pointers(const std::vector<HostTensor>& values) {
  std::vector<const HostTensor*> out;
  for (const HostTensor& v : values) out.push_back(&v);
  return out;
}

double WallMs(const std::function<Status()>& run, int reps, Status* status) {
  std::vector<double> ms;
  for (int r = 0; r < reps && status->ok(); ++r) {
    const auto start = std::chrono::steady_clock::now();
    *status = run();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  if (ms.empty()) return 0;
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

// The FLOPs of a library call, for TFLOP/s (0 when not counted).
double Flops(const loom::bundle::LibraryCall& call) {
  if (call.routine() == loom::bundle::LibraryCall::GEMM_F32) {
    return 2.0 * static_cast<double>(call.m()) * call.n() * call.k();
  }
  const auto& s = call.attention();
  // Two matrix products per visible (query, key) pair; the causal half is not known here, so
  // all pairs count (the figure is an upper bound of the useful rate).
  const double pairs = static_cast<double>(s.batch()) * s.query_heads() * s.query_len() * s.key_len();
  const double forward = 2.0 * pairs * (s.head_dim() + s.value_dim());
  return call.routine() == loom::bundle::LibraryCall::ATTENTION_F32 ? forward : 2.5 * forward;
}

class Checker {
 public:
  explicit Checker(const Options& options) : options_(options) {}

  CaseResult Run(const std::string& dir, const std::string& name) {
    CaseResult r;
    r.name = name;
    Status status = RunCase(dir, &r);
    if (!status.ok()) {
      r.error = status.message();
      // A driver call's failure (kInternal) or no driver at all; a missing file is not.
      r.cuda_error = status.code() == StatusCode::kInternal ||
                     status.message().find("libcuda") != std::string::npos;
    }
    return r;
  }

 private:
  Status RunCase(const std::string& dir, CaseResult* r) {
    rt::Session cpu_session(options_.threads), gpu_session(1);
    LOOM_ASSIGN_OR_RETURN(rt::Program * cpu, cpu_session.Load("cpu", dir, rt::ProgramOptions{rt::Device::kCpu}));
    LOOM_ASSIGN_OR_RETURN(rt::Program * gpu, gpu_session.Load("gpu", dir, rt::ProgramOptions{rt::Device::kCuda}));
    const auto& manifest = cpu->manifest();
    bool contraction = false;
    for (const auto& e : manifest.entry_points())
      for (const auto& c : e.plan()) contraction |= c.has_library_call();
    Kind kind = Kind::kBench;
    const std::string inputs_path = dir + "/inputs.safetensors";
    if (std::filesystem::exists(inputs_path)) {
      kind = Kind::kOp;
    } else if (cpu->FindEntryPoint("grad_step") && cpu->FindEntryPoint("apply_step") &&
               cpu->FindEntryPoint("forward")) {
      kind = Kind::kModel;
    } else if (r->name.rfind("bench_", 0) != 0) {
      return MakeStatus(StatusCode::kInvalidArgument, dir,
                        ": neither an op case (inputs.safetensors), a model nor a bench_ case");
    }
    r->kind = kind == Kind::kOp ? "op" : kind == Kind::kModel ? "model" : "bench";
    LOOM_RETURN_IF_ERROR(rt::InitializeNormalParameters(*cpu, options_.seed));
    LOOM_RETURN_IF_ERROR(rt::InitializeNormalParameters(*gpu, options_.seed));

    std::vector<std::string> entries;
    if (kind == Kind::kModel) {
      entries = {"forward", "grad_step", "apply_step"};
    } else {
      for (const auto& e : manifest.entry_points()) entries.push_back(e.name());
    }
    const int64_t token_range = InferTokenRange(manifest);
    std::map<std::string, std::vector<HostTensor>> inputs;
    for (size_t i = 0; i < entries.size(); ++i) {
      const loom::bundle::EntryPoint& entry = *cpu->FindEntryPoint(entries[i]);
      if (kind == Kind::kOp) {
        LOOM_ASSIGN_OR_RETURN(inputs[entries[i]], OpInputs(inputs_path, entry));
      } else {
        LOOM_ASSIGN_OR_RETURN(inputs[entries[i]],
                              DrawInputs(entry, options_.seed + 1000003 * (i + 1), token_range, 1));
      }
    }
    bool f64 = false;
    for (const auto& e : manifest.entry_points())
      for (const auto& o : e.outputs()) f64 |= o.dtype() == loom::bundle::F64;
    r->tol = kind == Kind::kOp ? (f64 ? 1e-12 : contraction ? 5e-5 : 2e-5) : 1e-4;

    // Each entry point three times on both devices, in lockstep: on the GPU the first run is
    // eager, the second captures the CUDA graph and the third replays it (what users run).
    // State carries over the same way on both (gradients accumulate, AdamW steps).
    const char* kRuns[] = {"eager", "captured", "replayed"};
    for (const std::string& entry : entries) {
      const auto args = Pointers(inputs[entry]);
      for (const char* run : kRuns) {
        LOOM_ASSIGN_OR_RETURN(std::vector<HostTensor> want, cpu->Run(entry, args));
        LOOM_ASSIGN_OR_RETURN(std::vector<HostTensor> got, gpu->Run(entry, args));
        for (size_t o = 0; o < want.size(); ++o) {
          const auto& sig = cpu->FindEntryPoint(entry)->outputs(static_cast<int>(o));
          Compare(got[o], want[o], r->tol, "@" + entry + " " + sig.name() + " (" + run + ")",
                  &r->agreement);
        }
      }
    }
    if (kind == Kind::kModel) {
      // The trainer's step: zero-fill, @grad_step, @apply_step as one chained step (one graph).
      for (const char* run : kRuns) {
        const std::vector<rt::Program::Call> step = {
            {"grad_step", Pointers(inputs["grad_step"])},
            {"apply_step", Pointers(inputs["apply_step"])}};
        LOOM_ASSIGN_OR_RETURN(auto want, cpu->RunChain(step, loom::bundle::Arena::GRADIENTS));
        LOOM_ASSIGN_OR_RETURN(auto got, gpu->RunChain(step, loom::bundle::Arena::GRADIENTS));
        for (size_t c = 0; c < want.size(); ++c) {
          for (size_t o = 0; o < want[c].size(); ++o) {
            Compare(got[c][o], want[c][o], r->tol,
                    "chained step: @" + step[c].name + " output " + std::to_string(o) + " (" +
                        run + ")",
                    &r->agreement);
          }
        }
      }
      for (int a = 0; a < manifest.arenas_size(); ++a) {
        const auto& arena = manifest.arenas(a);
        if (arena.kind() != loom::bundle::Arena::PARAMETERS &&
            arena.kind() != loom::bundle::Arena::OPTIMIZER) {
          continue;
        }
        LOOM_ASSIGN_OR_RETURN(DType dtype, ArenaDType(manifest, a));
        LOOM_ASSIGN_OR_RETURN(std::string_view c, cpu->ArenaBytes(arena.name()));
        LOOM_ASSIGN_OR_RETURN(std::string_view g, gpu->ArenaBytes(arena.name()));
        CompareNormwise(ArenaAsTensor(g, dtype), ArenaAsTensor(c, dtype), r->tol,
                        "arena '" + arena.name() + "' after the steps", &r->agreement);
      }
      // Each step's wall time, with the arenas as they are (the values no longer matter).
      for (const std::string& entry : entries) {
        const auto args = Pointers(inputs[entry]);
        Status status;
        const double gpu_ms = WallMs([&] { return gpu->Run(entry, args).status(); }, options_.reps, &status);
        LOOM_RETURN_IF_ERROR(status);
        const double cpu_ms = WallMs([&] { return cpu->Run(entry, args).status(); },
                                     std::max(1, options_.reps / 4), &status);
        LOOM_RETURN_IF_ERROR(status);
        r->steps.push_back({entry, {gpu_ms, cpu_ms}});
      }
    }
    if (kind == Kind::kBench) LOOM_RETURN_IF_ERROR(TimeCommands(*gpu, r));
    return rt::OkStatus();
  }

  Status TimeCommands(rt::Program& gpu, CaseResult* r) {
    rt::cuda::CudaExecutor* executor = gpu.cuda_executor();
    const auto& manifest = gpu.manifest();
    for (int e = 0; e < manifest.entry_points_size(); ++e) {
      const auto& entry = manifest.entry_points(e);
      for (int c = 0; c < entry.plan_size(); ++c) {
        const auto& command = entry.plan(c);
        if (!command.has_launch() && !command.has_library_call()) continue;
        Timing t;
        t.command = "@" + entry.name() + "[" + std::to_string(c) + "]";
        const auto& views = command.has_launch() ? command.launch().args() : command.library_call().args();
        for (const auto& v : views) t.bytes += v.size_bytes();
        if (command.has_library_call()) {
          const auto& call = command.library_call();
          t.what = call.routine() == loom::bundle::LibraryCall::GEMM_F32
                       ? std::string(call.bias() ? "cuBLASLt GEMM + bias" : "cuBLASLt GEMM")
                       : call.routine() == loom::bundle::LibraryCall::ATTENTION_F32 ? "FA2 attention"
                                                                                   : "FA2 attention grad";
          t.flops = Flops(call);
        } else {
          t.what = manifest.kernels(static_cast<int>(command.launch().kernel())).name();
        }
        LOOM_ASSIGN_OR_RETURN(t.us, executor->TimeCommandUs(e, c, options_.reps));
        LOOM_ASSIGN_OR_RETURN(t.copy_us, executor->TimeCopyUs(std::max<uint64_t>(t.bytes / 2, 4), options_.reps));
        r->timings.push_back(t);
      }
    }
    return rt::OkStatus();
  }

  const Options& options_;
};

void Report(const std::vector<CaseResult>& results, std::ostream& out) {
  char line[256];
  out << "\n== agreement: GPU against the CPU (the same bundle's host kernels)\n";
  std::snprintf(line, sizeof(line), "%-36s %-6s %-10s %-10s %s\n", "case", "kind", "max err",
                "tolerance", "result");
  out << line;
  for (const CaseResult& r : results) {
    const char* verdict = !r.error.empty() ? "ERROR" : r.agreement.first_bad.empty() ? "ok" : "MISMATCH";
    std::snprintf(line, sizeof(line), "%-36s %-6s %-10.2e %-10.0e %s\n", r.name.c_str(),
                  r.kind.c_str(), r.agreement.max_err, r.tol, verdict);
    out << line;
    if (!r.error.empty()) out << "    " << r.error << "\n";
    if (!r.agreement.first_bad.empty()) out << "    " << r.agreement.first_bad << "\n";
  }
  bool any_steps = false, any_timing = false;
  for (const CaseResult& r : results) {
    any_steps |= !r.steps.empty();
    any_timing |= !r.timings.empty();
  }
  if (any_steps) {
    out << "\n== whole steps (wall time per call, median; GPU: one CUDA graph replay)\n";
    for (const CaseResult& r : results) {
      for (const auto& [entry, ms] : r.steps) {
        std::snprintf(line, sizeof(line), "%-20s @%-12s GPU %9.3f ms   CPU %9.3f ms   CPU/GPU %6.2fx\n",
                      r.name.c_str(), entry.c_str(), ms.first, ms.second,
                      ms.first > 0 ? ms.second / ms.first : 0.0);
        out << line;
      }
    }
  }
  if (any_timing) {
    out << "\n== kernels (median between CUDA events) against a same-run device-to-device copy of the same bytes\n";
    std::snprintf(line, sizeof(line), "%-24s %-16s %-26s %10s %10s %9s %8s %9s\n", "case", "command",
                  "what", "us", "copy us", "GB/s", "vs copy", "TFLOP/s");
    out << line;
    for (const CaseResult& r : results) {
      for (const Timing& t : r.timings) {
        const double gbs = t.us > 0 ? t.bytes / (t.us * 1e3) : 0;
        std::snprintf(line, sizeof(line), "%-24s %-16s %-26s %10.2f %10.2f %9.1f %7.2fx %9s\n",
                      r.name.c_str(), t.command.c_str(), t.what.c_str(), t.us, t.copy_us, gbs,
                      t.copy_us > 0 ? t.us / t.copy_us : 0.0,
                      t.flops > 0 ? std::to_string(t.flops / (t.us * 1e6)).substr(0, 6).c_str() : "-");
        out << line;
      }
    }
  }
}

// The errors after which a CUDA context cannot run anything more (cuda.h: "the process must be
// terminated and relaunched").
bool IsStickyCudaError(const std::string& error) {
  for (const char* name : {"CUDA_ERROR_ILLEGAL_ADDRESS", "CUDA_ERROR_LAUNCH_FAILED",
                           "CUDA_ERROR_ILLEGAL_INSTRUCTION", "CUDA_ERROR_MISALIGNED_ADDRESS",
                           "CUDA_ERROR_INVALID_ADDRESS_SPACE", "CUDA_ERROR_INVALID_PC",
                           "CUDA_ERROR_HARDWARE_STACK_ERROR", "CUDA_ERROR_LAUNCH_TIMEOUT"}) {
    if (error.find(name) != std::string::npos) return true;
  }
  return false;
}

int Main(int argc, char** argv) {
  // Line by line even into a pipe (check.sh tees it): a run killed by its timeout or by a
  // driver fault keeps every line it printed.
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  Result<Options> options = ParseOptions(argc, argv);
  if (!options.ok()) {
    std::cerr << "loom-gpu-check: " << options.status().message() << "\n" << kUsage;
    return kExitOther;
  }
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& item : std::filesystem::directory_iterator(options->cases, ec)) {
    const std::string name = item.path().filename().string();
    if (!std::filesystem::exists(item.path() / "manifest.pb")) continue;
    if (!options->filter.empty() && name.find(options->filter) == std::string::npos) continue;
    names.push_back(name);
  }
  if (ec || names.empty()) {
    std::cerr << "loom-gpu-check: " << options->cases << ": no case folders (bundles)"
              << (ec ? " (" + ec.message() + ")" : "") << "\n";
    return kExitOther;
  }
  // A kernel fault ends the run (a sticky error, below), so the cases go from the smallest
  // (one op each) to the model, the benchmarks, and the hand-written attention kernels last.
  auto order = [](const std::string& name) {
    const int rank = name.find("attention") != std::string::npos ? 3
                     : name.rfind("op_", 0) == 0                 ? 0
                     : name.rfind("model_", 0) == 0              ? 1
                                                                 : 2;
    return std::make_pair(rank, name);
  };
  std::sort(names.begin(), names.end(),
            [&](const std::string& a, const std::string& b) { return order(a) < order(b); });
  // One driver (and context) for the whole run, not one per case: the programs share it. Its
  // error, if any, is each case's (reported below).
  Result<std::shared_ptr<rt::cuda::CudaDriver>> driver = rt::cuda::CudaDriver::Open();
  Checker checker(*options);
  std::vector<CaseResult> results;
  int exit = kExitOk;
  for (const std::string& name : names) {
    CaseResult r = checker.Run(options->cases + "/" + name, name);
    std::cout << (r.error.empty() ? (r.agreement.first_bad.empty() ? "ok       " : "MISMATCH ")
                                  : "ERROR    ")
              << name << (r.error.empty() ? "" : ": " + r.error) << "\n";
    if (!r.error.empty()) {
      exit = std::max(exit, r.cuda_error ? kExitCuda : kExitOther);
    } else if (!r.agreement.first_bad.empty() && exit == kExitOk) {
      exit = kExitMismatch;
    }
    results.push_back(std::move(r));
    // Without a GPU nothing else can run: say so once.
    if (results.size() == 1 && !results[0].error.empty() &&
        results[0].error.find("libcuda.so.1 not found") != std::string::npos) {
      break;
    }
    // A kernel fault leaves the context unusable: every later case would fail with it.
    if (IsStickyCudaError(results.back().error)) {
      std::cout << "loom-gpu-check: the CUDA context is lost after case " << name
                << " (a kernel fault is sticky); the remaining " << names.size() - results.size()
                << " case(s) are not run\n";
      break;
    }
  }
  Report(results, std::cout);
  int agree = 0;
  for (const CaseResult& r : results) agree += r.error.empty() && r.agreement.first_bad.empty();
  std::cout << "\nloom-gpu-check: " << agree << " of " << names.size() << " cases agree\n";
  return exit;
}

}  // namespace
}  // namespace loom::gpu

int main(int argc, char** argv) { return loom::gpu::Main(argc, argv); }
