// ptx_check: runs a bundle's CUDA kernels (loomc --ptx: DIR/kernels.ptx and DIR/kernels_cuda.json)
// on a GPU against its CPU kernels, launch by launch, and times two of them.
//
//   ptx_check DIR [--cpu-only] [--params FILE.safetensors] [--seed N] [--entries a,b,c]
//             [--token-range N] [--step N] [--reps N] [--threads N] [--cuda-library PATH]
//
// It walks the plans of @forward, @grad_step and @apply_step (those the bundle has; --entries
// picks others) command by command on the CPU with the runtime's own rt::Program and a command
// hook (Program::Run: the kernels .so, OpenBLAS GEMM, attention, copies, fills), from drawn
// parameters (NORMAL N(0, init_std^2) as rt::InitializeNormalParameters draws them, or --params)
// and drawn inputs (plan_walker.h). For every Launch it also runs
// the same kernel from kernels.ptx on the GPU: each buffer of the launch is copied to the
// device with the exact bytes the CPU kernel reads (outputs are filled with 0xFF bytes first,
// so an element the GPU kernel does not write shows), the kernel runs on the launch's grid and
// the table's block, and every buffer comes back and is compared with what the CPU kernel left:
//
//   Tolerance rule. Inputs must come back byte-identical (kernels never write them). Integer
//   and i1 outputs must be equal. For a float output buffer c (CPU) and g (GPU), element i
//   counts  err_i = |g_i - c_i| / max(|c_i|, 1e-3 * max_j |c_j|, 1e-30)  — relative error,
//   with values under a thousandth of the buffer's largest judged against that thousandth (a
//   difference in the last bits of a large term is no error in a sum near zero) — and must
//   have err_i <= 1e-5 for f32 and f64, 1.6e-2 for bf16 and 2e-3 for f16 (two units in the
//   last place). NaN must meet NaN and an infinity the same infinity.
//
// The GPU always starts from the CPU's inputs, so errors do not compound along the plan.
// Afterwards the largest elementwise and the largest row-reduction kernel (by bytes moved) are
// timed: the median of --reps (50) launches, each between two CUDA events, against the median
// of as many device-to-device cuMemcpy calls moving the same bytes (half the kernel's buffer
// bytes copied: that many read plus that many written). The table: kernel, strategy,
// grid x block, max relative error, time, GB/s (buffer bytes / time), ratio to the memcpy.
//
// --cpu-only: no GPU; the walk's final outputs of every entry point, and every parameter after
// the walk, must be byte-identical to rt::Program::Run on the same inputs.
//
// Exit status: 0 all agree; 1 a mismatch beyond the rule; 2 no CUDA driver or a CUDA error (the
// message names the call); 3 anything else (usage, the bundle, the kernel table).

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/base/host_tensor.h"
#include "runtime/base/status.h"
#include "runtime/exec/session.h"
#include "runtime/io/safetensors.h"
#include "runtime/train/checkpoint_state.h"
#include "runtime/device/cuda/cuda_driver.h"
#include "tools/gpu/plan_walker.h"

namespace loom::gpu {
namespace {

using rt::HostTensor;
using rt::cuda::CudaDriver;
using rt::cuda::CUdeviceptr;
using rt::cuda::CUfunction;
using rt::cuda::CUmodule;
using rt::MakeStatus;
using rt::Result;
using rt::Status;
using rt::StatusCode;

struct Options {
  std::string dir;
  bool cpu_only = false;
  std::string params;
  uint64_t seed = 1234;
  std::vector<std::string> entries;  // empty: forward, grad_step, apply_step
  int64_t token_range = 0;           // 0: inferred
  int64_t step = 1;
  int reps = 50;
  int threads = 4;
  std::string cuda_library;  // empty: LOOM_CUDA_DRIVER, else libcuda.so.1 (CudaDriver::Open)
};

const char kUsage[] =
    "usage: ptx_check DIR [--cpu-only] [--params FILE.safetensors] [--seed N]\n"
    "                 [--entries forward,grad_step,apply_step] [--token-range N] [--step N]\n"
    "                 [--reps N] [--threads N] [--cuda-library PATH]\n"
    "Runs the bundle's kernels.ptx on the GPU against its CPU kernels, launch by launch\n"
    "(DIR from loomc --target=cpu -o DIR --ptx), and times two kernels against cuMemcpy.\n";

std::vector<std::string> Split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, sep);)
    if (!part.empty()) parts.push_back(part);
  return parts;
}

Result<Options> ParseArgs(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> Result<std::string> {
      if (i + 1 >= argc) return MakeStatus(StatusCode::kInvalidArgument, arg, " needs a value");
      return std::string(argv[++i]);
    };
    auto number = [&]() -> Result<int64_t> {
      LOOM_ASSIGN_OR_RETURN(std::string text, value());
      try {
        size_t used = 0;
        long long n = std::stoll(text, &used);
        if (used == text.size()) return static_cast<int64_t>(n);
      } catch (...) {
      }
      return MakeStatus(StatusCode::kInvalidArgument, arg, ": '", text, "' is not an integer");
    };
    if (arg == "--cpu-only") {
      o.cpu_only = true;
    } else if (arg == "--params") {
      LOOM_ASSIGN_OR_RETURN(o.params, value());
    } else if (arg == "--seed") {
      LOOM_ASSIGN_OR_RETURN(int64_t n, number());
      o.seed = static_cast<uint64_t>(n);
    } else if (arg == "--entries") {
      LOOM_ASSIGN_OR_RETURN(std::string list, value());
      o.entries = Split(list, ',');
    } else if (arg == "--token-range") {
      LOOM_ASSIGN_OR_RETURN(o.token_range, number());
    } else if (arg == "--step") {
      LOOM_ASSIGN_OR_RETURN(o.step, number());
    } else if (arg == "--reps") {
      LOOM_ASSIGN_OR_RETURN(int64_t n, number());
      o.reps = static_cast<int>(std::clamp<int64_t>(n, 1, 100000));
    } else if (arg == "--threads") {
      LOOM_ASSIGN_OR_RETURN(int64_t n, number());
      o.threads = static_cast<int>(std::clamp<int64_t>(n, 1, 256));
    } else if (arg == "--cuda-library") {
      LOOM_ASSIGN_OR_RETURN(o.cuda_library, value());
    } else if (arg == "-h" || arg == "--help") {
      return MakeStatus(StatusCode::kInvalidArgument, "");
    } else if (!arg.empty() && arg[0] == '-') {
      return MakeStatus(StatusCode::kInvalidArgument, "unknown option ", arg);
    } else if (o.dir.empty()) {
      o.dir = arg;
    } else {
      return MakeStatus(StatusCode::kInvalidArgument, "one bundle directory, got '", o.dir,
                        "' and '", arg, "'");
    }
  }
  if (o.dir.empty()) return MakeStatus(StatusCode::kInvalidArgument, "no bundle directory");
  return o;
}

// ---------------------------------------------------------------------------------------------
// The kernel table (kernels_cuda.json)

struct BufferInfo {
  std::string dtype;
  uint64_t bytes = 0;
};

struct KernelInfo {
  std::string name, strategy;
  int64_t grid[3] = {1, 1, 1};
  int64_t block[3] = {1, 1, 1};
  size_t num_inputs = 0;
  std::vector<BufferInfo> buffers;
  uint64_t total_bytes = 0;
};

Result<std::map<std::string, KernelInfo>> ReadKernelTable(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return MakeStatus(StatusCode::kNotFound, path,
                      ": no kernel table (compile the bundle with loomc ... --ptx)");
  }
  nlohmann::json json = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object() || !json.contains("kernels") ||
      !json["kernels"].is_array()) {
    return MakeStatus(StatusCode::kInvalidFormat, path, ": not a kernel table");
  }
  std::map<std::string, KernelInfo> table;
  for (const nlohmann::json& k : json["kernels"]) {
    KernelInfo info;
    if (!k.is_object() || !k.value("name", nlohmann::json()).is_string() || !k.contains("grid") ||
        !k["grid"].is_array() || k["grid"].size() != 3 || !k.contains("block") ||
        !k["block"].is_array() || k["block"].size() != 3 || !k.contains("buffers") ||
        !k["buffers"].is_array()) {
      return MakeStatus(StatusCode::kInvalidFormat, path, ": a kernel entry lacks name, grid, "
                                                          "block or buffers");
    }
    info.name = k["name"].get<std::string>();
    info.strategy = k.value("strategy", std::string());
    for (int d = 0; d < 3; ++d) {
      info.grid[d] = k["grid"][d].get<int64_t>();
      info.block[d] = k["block"][d].get<int64_t>();
    }
    info.num_inputs = k.value("num_inputs", 0);
    for (const nlohmann::json& b : k["buffers"]) {
      BufferInfo buffer{b.value("dtype", std::string()), b.value("bytes", uint64_t{0})};
      info.total_bytes += buffer.bytes;
      info.buffers.push_back(buffer);
    }
    table[info.name] = std::move(info);
  }
  return table;
}

// ---------------------------------------------------------------------------------------------
// Comparison

struct BufferTolerance {
  bool is_float = false;
  double tolerance = 0;
};

BufferTolerance ToleranceOf(const std::string& dtype) {
  if (dtype == "f32" || dtype == "f64") return {true, 1e-5};
  if (dtype == "bf16") return {true, 1.6e-2};
  if (dtype == "f16") return {true, 2e-3};
  return {false, 0};
}

double HalfToDouble(uint16_t h) {
  const int sign = (h >> 15) & 1, exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
  double value;
  if (exponent == 0) {
    value = std::ldexp(mantissa, -24);
  } else if (exponent == 31) {
    value = mantissa ? std::numeric_limits<double>::quiet_NaN() : HUGE_VAL;
  } else {
    value = std::ldexp(mantissa + 1024, exponent - 25);
  }
  return sign ? -value : value;
}

double ElementAt(const std::string& dtype, const std::byte* data, uint64_t i) {
  if (dtype == "f32") {
    float v;
    std::memcpy(&v, data + 4 * i, 4);
    return v;
  }
  if (dtype == "f64") {
    double v;
    std::memcpy(&v, data + 8 * i, 8);
    return v;
  }
  uint16_t bits;
  std::memcpy(&bits, data + 2 * i, 2);
  if (dtype == "bf16") {
    uint32_t wide = static_cast<uint32_t>(bits) << 16;
    float v;
    std::memcpy(&v, &wide, 4);
    return v;
  }
  return HalfToDouble(bits);
}

uint64_t ElementBytes(const std::string& dtype) {
  if (dtype == "f64" || dtype == "i64") return 8;
  if (dtype == "f32" || dtype == "i32") return 4;
  if (dtype == "bf16" || dtype == "f16" || dtype == "i16") return 2;
  return 1;
}

struct Agreement {
  double max_err = 0;
  int64_t bad = 0;
  std::string first_bad;  // where and what, for the report
};

// Compares buffer `index` of `kernel` (the rule above); bytes are the CPU's and the GPU's.
void CompareOutput(const BufferInfo& buffer, int index, const std::byte* cpu, const std::byte* gpu,
                   uint64_t bytes, Agreement& agreement) {
  auto note = [&](uint64_t element, const std::string& what) {
    if (agreement.bad++ == 0) {
      std::ostringstream out;
      out << "buffer " << index << " (" << buffer.dtype << ") element " << element << ": " << what;
      agreement.first_bad = out.str();
    }
  };
  const BufferTolerance rule = ToleranceOf(buffer.dtype);
  if (!rule.is_float) {
    const uint64_t width = ElementBytes(buffer.dtype);
    for (uint64_t i = 0; i + width <= bytes; i += width) {
      if (std::memcmp(cpu + i, gpu + i, width) != 0) {
        int64_t c = 0, g = 0;
        std::memcpy(&c, cpu + i, std::min<uint64_t>(width, 8));
        std::memcpy(&g, gpu + i, std::min<uint64_t>(width, 8));
        note(i / width, "cpu " + std::to_string(c) + " gpu " + std::to_string(g));
        agreement.max_err = std::numeric_limits<double>::infinity();
      }
    }
    return;
  }
  const uint64_t n = bytes / ElementBytes(buffer.dtype);
  double largest = 0;
  for (uint64_t i = 0; i < n; ++i) {
    double c = std::fabs(ElementAt(buffer.dtype, cpu, i));
    if (std::isfinite(c)) largest = std::max(largest, c);
  }
  const double floor = std::max(1e-3 * largest, 1e-30);
  for (uint64_t i = 0; i < n; ++i) {
    const double c = ElementAt(buffer.dtype, cpu, i), g = ElementAt(buffer.dtype, gpu, i);
    double err;
    if (std::isnan(c) || std::isnan(g)) {
      err = std::isnan(c) && std::isnan(g) ? 0 : std::numeric_limits<double>::infinity();
    } else if (std::isinf(c) || std::isinf(g)) {
      err = c == g ? 0 : std::numeric_limits<double>::infinity();
    } else {
      err = std::fabs(g - c) / std::max(std::fabs(c), floor);
    }
    agreement.max_err = std::max(agreement.max_err, err);
    if (!(err <= rule.tolerance)) {
      std::ostringstream what;
      what.precision(9);
      what << "cpu " << c << " gpu " << g << " (relative error " << err << ")";
      note(i, what.str());
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The GPU side

struct KernelResult {
  const KernelInfo* info = nullptr;
  CUfunction fn = nullptr;
  int registers = 0, local_bytes = 0, shared_bytes = 0;
  int64_t launches = 0;
  Agreement agreement;
  std::vector<std::vector<std::byte>> sample;  // one launch's inputs, for timing
  double time_us = -1, memcpy_us = -1;
};

class GpuCheck {
 public:
  GpuCheck(CudaDriver& driver, CUmodule module, const loom::bundle::Manifest& manifest,
           const std::map<std::string, KernelInfo>& table)
      : driver_(driver), module_(module), manifest_(manifest), table_(table) {}

  // Resolves every kernel of the manifest in the loaded module and picks the two to time.
  Status Prepare() {
    for (int k = 0; k < manifest_.kernels_size(); ++k) {
      const std::string& name = manifest_.kernels(k).name();
      auto found = table_.find(name);
      if (found == table_.end()) {
        return MakeStatus(StatusCode::kInvalidFormat, "kernel ", k, " '", name,
                          "' is not in kernels_cuda.json");
      }
      KernelResult& r = results_[name];
      r.info = &found->second;
      if (r.info->buffers.size() != manifest_.kernels(k).num_buffer_args()) {
        return MakeStatus(StatusCode::kInvalidFormat, "kernel '", name, "': kernels_cuda.json has ",
                          r.info->buffers.size(), " buffers, the manifest ",
                          manifest_.kernels(k).num_buffer_args());
      }
      LOOM_ASSIGN_OR_RETURN(r.fn, driver_.Function(module_, name));
      LOOM_RETURN_IF_ERROR(driver_.FunctionInfo(r.fn, &r.registers, &r.local_bytes, &r.shared_bytes));
    }
    return rt::OkStatus();
  }

  // The kernels that the walk launches and are the largest of their strategy.
  void ChooseTimed(const std::vector<const loom::bundle::EntryPoint*>& entries) {
    for (const auto* entry : entries) {
      for (const auto& command : entry->plan()) {
        if (command.command_case() != loom::bundle::Command::kLaunch) continue;
        const std::string& name = manifest_.kernels(command.launch().kernel()).name();
        const KernelInfo& info = *results_[name].info;
        for (const char* strategy : {"elementwise", "row_reduction"}) {
          if (info.strategy != strategy) continue;
          std::string& chosen = timed_[strategy];
          if (chosen.empty() || info.total_bytes > results_[chosen].info->total_bytes) chosen = name;
        }
      }
    }
  }

  Status Before(const loom::bundle::Launch& launch, const std::vector<std::byte*>& buffers) {
    before_.clear();
    for (int i = 0; i < launch.args_size(); ++i) {
      const uint64_t size = launch.args(i).size_bytes();
      before_.emplace_back(buffers[i], buffers[i] + (buffers[i] ? size : 0));
    }
    return rt::OkStatus();
  }

  Status After(const loom::bundle::Launch& launch, const std::vector<std::byte*>& buffers) {
    const std::string& name = manifest_.kernels(launch.kernel()).name();
    KernelResult& r = results_[name];
    const KernelInfo& info = *r.info;
    for (int d = 0; d < 3; ++d) {
      if (launch.grid(d) != info.grid[d]) {
        return MakeStatus(StatusCode::kInvalidFormat, "kernel '", name, "': the plan launches a grid [",
                          launch.grid(0), ", ", launch.grid(1), ", ", launch.grid(2),
                          "], kernels_cuda.json was compiled for [", info.grid[0], ", ",
                          info.grid[1], ", ", info.grid[2], "]");
      }
    }
    for (int i = 0; i < launch.args_size(); ++i) {
      if (launch.args(i).size_bytes() != info.buffers[i].bytes) {
        return MakeStatus(StatusCode::kInvalidFormat, "kernel '", name, "' buffer ", i, ": the plan's view has ",
                          launch.args(i).size_bytes(), " bytes, the kernel's buffer ",
                          info.buffers[i].bytes);
      }
    }
    std::vector<std::vector<std::byte>> gpu;
    LOOM_RETURN_IF_ERROR(RunOnGpu(r, before_, &gpu));
    ++r.launches;
    for (size_t i = 0; i < gpu.size(); ++i) {
      const uint64_t size = launch.args(static_cast<int>(i)).size_bytes();
      if (i < info.num_inputs) {
        if (size > 0 && std::memcmp(gpu[i].data(), before_[i].data(), size) != 0) {
          if (r.agreement.bad++ == 0) r.agreement.first_bad = "input buffer " + std::to_string(i) + " was written";
          r.agreement.max_err = std::numeric_limits<double>::infinity();
        }
        continue;
      }
      CompareOutput(info.buffers[i], static_cast<int>(i), buffers[i], gpu[i].data(), size, r.agreement);
    }
    for (const auto& [strategy, chosen] : timed_)
      if (chosen == name && r.sample.empty()) r.sample = before_;
    return rt::OkStatus();
  }

  Status Time(int reps) {
    for (const auto& [strategy, name] : timed_) {
      KernelResult& r = results_[name];
      if (r.sample.empty()) continue;
      std::vector<CUdeviceptr> device;
      Status status = Upload(r, r.sample, &device);
      std::vector<void*> params;
      for (CUdeviceptr& ptr : device) params.push_back(&ptr);
      auto launch = [&]() { return driver_.Launch(r.fn, r.info->grid, r.info->block, params.data(), name); };
      for (int w = 0; status.ok() && w < 3; ++w) status = launch();
      if (status.ok()) status = driver_.Synchronize(name);
      std::vector<double> kernel_us, copy_us;
      for (int i = 0; status.ok() && i < reps; ++i) {
        Result<double> us = driver_.TimeUs(launch, name);
        if (us.ok()) kernel_us.push_back(*us); else status = us.status();
      }
      // memcpy of half the buffer bytes: as many bytes read and written as the kernel moves.
      const size_t half = std::max<size_t>(4, r.info->total_bytes / 2);
      CUdeviceptr src = 0, dst = 0;
      if (status.ok()) {
        Result<CUdeviceptr> a = driver_.Alloc(half, "memcpy source");
        if (a.ok()) src = *a; else status = a.status();
      }
      if (status.ok()) {
        Result<CUdeviceptr> b = driver_.Alloc(half, "memcpy destination");
        if (b.ok()) dst = *b; else status = b.status();
      }
      if (status.ok()) status = driver_.Fill(src, 0, half, "memcpy source");
      auto copy = [&]() { return driver_.CopyOnDevice(dst, src, half); };
      for (int w = 0; status.ok() && w < 3; ++w) status = copy();
      for (int i = 0; status.ok() && i < reps; ++i) {
        Result<double> us = driver_.TimeUs(copy, "memcpy");
        if (us.ok()) copy_us.push_back(*us); else status = us.status();
      }
      driver_.Free(src);
      driver_.Free(dst);
      for (CUdeviceptr ptr : device) driver_.Free(ptr);
      LOOM_RETURN_IF_ERROR(status);
      r.time_us = Median(kernel_us);
      r.memcpy_us = Median(copy_us);
    }
    return rt::OkStatus();
  }

  // Prints the table; true when every kernel agrees.
  bool Report(std::ostream& out) const {
    char line[512];
    std::snprintf(line, sizeof(line), "%-24s %-14s %-16s %4s %5s %4s %6s %11s %9s %8s %7s\n",
                  "kernel", "strategy", "grid x block", "runs", "regs", "lmem", "smem",
                  "max rel err", "time us", "GB/s", "/memcpy");
    out << line;
    bool ok = true;
    int launched = 0;
    for (int k = 0; k < manifest_.kernels_size(); ++k) {
      const KernelResult& r = results_.at(manifest_.kernels(k).name());
      if (r.launches == 0) continue;
      ++launched;
      const KernelInfo& info = *r.info;
      char shape[64], time[32] = "-", rate[32] = "-", ratio[32] = "-";
      std::snprintf(shape, sizeof(shape), "%lldx%lld", static_cast<long long>(info.grid[0] * info.grid[1] * info.grid[2]),
                    static_cast<long long>(info.block[0] * info.block[1] * info.block[2]));
      if (r.time_us > 0) {
        std::snprintf(time, sizeof(time), "%.2f", r.time_us);
        std::snprintf(rate, sizeof(rate), "%.1f", static_cast<double>(info.total_bytes) / (r.time_us * 1e3));
        std::snprintf(ratio, sizeof(ratio), "%.2fx", r.time_us / r.memcpy_us);
      }
      std::snprintf(line, sizeof(line), "%-24s %-14s %-16s %4lld %5d %4d %6d %11.3g %9s %8s %7s\n",
                    info.name.c_str(), info.strategy.c_str(), shape,
                    static_cast<long long>(r.launches), r.registers, r.local_bytes, r.shared_bytes,
                    r.agreement.max_err, time, rate, ratio);
      out << line;
      if (r.agreement.bad > 0) {
        out << "    MISMATCH: " << r.agreement.bad << " element(s) beyond the tolerance; first: "
            << r.agreement.first_bad << "\n";
        ok = false;
      }
    }
    out << "\nTimed (median of the launches; memcpy = cuMemcpyDtoD of half the kernel's buffer "
           "bytes, the same bytes read plus written):\n";
    for (const auto& [strategy, name] : timed_) {
      const KernelResult& r = results_.at(name);
      if (r.time_us <= 0) continue;
      std::snprintf(line, sizeof(line),
                    "  %-14s %-24s %10llu bytes  kernel %8.2f us %8.1f GB/s  memcpy %8.2f us %8.1f GB/s  ratio %.2fx\n",
                    strategy.c_str(), name.c_str(), static_cast<unsigned long long>(r.info->total_bytes),
                    r.time_us, static_cast<double>(r.info->total_bytes) / (r.time_us * 1e3),
                    r.memcpy_us, static_cast<double>(r.info->total_bytes) / (r.memcpy_us * 1e3),
                    r.time_us / r.memcpy_us);
      out << line;
    }
    out << "\n" << launched << " kernels launched; " << (ok ? "all agree" : "MISMATCHES") << " with the CPU kernels "
        << "(f32 within 1e-5 relative, floor 1e-3 of the buffer's largest; integers exact)\n";
    return ok;
  }

 private:
  static double Median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
  }

  // Device copies of `host` (inputs as they are, outputs 0xFF); frees what it made on failure.
  Status Upload(const KernelResult& r, const std::vector<std::vector<std::byte>>& host,
                std::vector<CUdeviceptr>* device) {
    const std::string& name = r.info->name;
    Status status;
    for (size_t i = 0; status.ok() && i < host.size(); ++i) {
      const std::string what = name + " buffer " + std::to_string(i);
      Result<CUdeviceptr> ptr = driver_.Alloc(host[i].size(), what);
      if (!ptr.ok()) {
        status = ptr.status();
        break;
      }
      device->push_back(*ptr);
      status = i < r.info->num_inputs ? driver_.CopyToDevice(*ptr, host[i].data(), host[i].size(), what)
                                      : driver_.Fill(*ptr, 0xFF, host[i].size(), what);
    }
    if (!status.ok()) {
      for (CUdeviceptr ptr : *device) driver_.Free(ptr);
      device->clear();
    }
    return status;
  }

  Status RunOnGpu(const KernelResult& r, const std::vector<std::vector<std::byte>>& host,
                  std::vector<std::vector<std::byte>>* out) {
    std::vector<CUdeviceptr> device;
    LOOM_RETURN_IF_ERROR(Upload(r, host, &device));
    std::vector<void*> params;
    for (CUdeviceptr& ptr : device) params.push_back(&ptr);
    Status status = driver_.Launch(r.fn, r.info->grid, r.info->block, params.data(), r.info->name);
    if (status.ok()) status = driver_.Synchronize(r.info->name);
    for (size_t i = 0; status.ok() && i < host.size(); ++i) {
      out->emplace_back(host[i].size());
      status = driver_.CopyToHost(out->back().data(), device[i], host[i].size(),
                                  r.info->name + " buffer " + std::to_string(i));
    }
    for (CUdeviceptr ptr : device) driver_.Free(ptr);
    return status;
  }

  CudaDriver& driver_;
  CUmodule module_;
  const loom::bundle::Manifest& manifest_;
  const std::map<std::string, KernelInfo>& table_;
  std::map<std::string, KernelResult> results_;
  std::map<std::string, std::string> timed_;  // strategy -> kernel
  std::vector<std::vector<std::byte>> before_;
};

// ---------------------------------------------------------------------------------------------
// The walk

struct Setup {
  std::vector<const loom::bundle::EntryPoint*> entries;
  std::vector<std::vector<HostTensor>> inputs;  // by entry
};

Result<Setup> Prepare(const Options& options, const loom::bundle::Manifest& manifest) {
  Setup setup;
  std::vector<std::string> names = options.entries;
  const bool explicit_entries = !names.empty();
  if (!explicit_entries) names = {"forward", "grad_step", "apply_step"};
  const int64_t token_range = options.token_range > 0 ? options.token_range : InferTokenRange(manifest);
  for (const std::string& name : names) {
    const loom::bundle::EntryPoint* entry = nullptr;
    for (const auto& e : manifest.entry_points())
      if (e.name() == name) entry = &e;
    if (entry == nullptr) {
      if (explicit_entries) return MakeStatus(StatusCode::kNotFound, "no entry point '", name, "'");
      continue;
    }
    setup.entries.push_back(entry);
    LOOM_ASSIGN_OR_RETURN(std::vector<HostTensor> inputs,
                          DrawInputs(*entry, options.seed + 1000003 * setup.entries.size(), token_range,
                                     options.step));
    setup.inputs.push_back(std::move(inputs));
  }
  if (setup.entries.empty()) return MakeStatus(StatusCode::kNotFound, "the bundle has none of the entry points to walk");
  return setup;
}

// The parameters a check starts from: NORMAL ones drawn from --seed, ONES and ZEROS as the
// runtime initializes them, then those --params holds (tensors that are no parameter ignored).
Status InitParameters(const Options& options, rt::Program& program) {
  LOOM_RETURN_IF_ERROR(rt::InitializeNormalParameters(program, options.seed));
  if (options.params.empty()) return rt::OkStatus();
  LOOM_ASSIGN_OR_RETURN(rt::SafetensorsFile file, rt::ReadSafetensorsFile(options.params));
  for (const auto& p : program.manifest().parameters()) {
    auto found = file.tensors.find(p.name());
    if (found != file.tensors.end()) LOOM_RETURN_IF_ERROR(program.SetParameter(p.name(), found->second));
  }
  return rt::OkStatus();
}

std::vector<const HostTensor*> Pointers(const std::vector<HostTensor>& values) {
  std::vector<const HostTensor*> out;
  for (const HostTensor& v : values) out.push_back(&v);
  return out;
}

int Fail(const Status& status, int code) {
  std::cerr << "ptx_check: " << status.message() << "\n";
  return code;
}

// --cpu-only: the walk against rt::Program::Run.
int CpuOnly(const Options& options, rt::Session& session, rt::Program& walker, const Setup& setup) {
  Result<rt::Program*> program = session.Load("reference", options.dir, rt::ProgramOptions{rt::Device::kCpu});
  if (!program.ok()) return Fail(program.status(), kExitOther);
  Status status = InitParameters(options, **program);
  if (!status.ok()) return Fail(status, kExitOther);
  // The walk: every command through the hook path, doing nothing around it.
  const rt::Program::CommandHook walk = [](rt::Program::HookPoint, int, const loom::bundle::Command&) {
    return rt::OkStatus();
  };
  int64_t outputs = 0, differing = 0;
  for (size_t e = 0; e < setup.entries.size(); ++e) {
    const std::string& name = setup.entries[e]->name();
    Result<std::vector<HostTensor>> walked = walker.Run(name, Pointers(setup.inputs[e]), &walk);
    if (!walked.ok()) return Fail(walked.status(), kExitOther);
    Result<std::vector<HostTensor>> ran = (*program)->Run(name, Pointers(setup.inputs[e]));
    if (!ran.ok()) return Fail(ran.status(), kExitOther);
    for (size_t i = 0; i < ran->size(); ++i, ++outputs) {
      if ((*walked)[i] != (*ran)[i]) {
        ++differing;
        std::cout << "DIFFERS: @" << name << " output " << i << " ('"
                  << setup.entries[e]->outputs(static_cast<int>(i)).name() << "')\n";
      }
    }
    std::cout << "@" << name << ": " << setup.entries[e]->plan_size() << " commands walked, "
              << ran->size() << " outputs compared\n";
  }
  int64_t parameters = 0;
  for (const auto& p : walker.manifest().parameters()) {
    Result<HostTensor> a = walker.GetParameter(p.name());
    Result<HostTensor> b = (*program)->GetParameter(p.name());
    if (!a.ok() || !b.ok()) return Fail(a.ok() ? b.status() : a.status(), kExitOther);
    ++parameters;
    if (*a != *b) {
      ++differing;
      std::cout << "DIFFERS: parameter '" << p.name() << "' after the walk\n";
    }
  }
  if (differing > 0) {
    std::cout << "cpu-only: " << differing << " of " << outputs << " outputs and " << parameters
              << " parameters differ from rt::Program::Run\n";
    return kExitMismatch;
  }
  std::cout << "cpu-only: the command-by-command walk matches rt::Program::Run byte for byte ("
            << setup.entries.size() << " entry points, " << outputs << " outputs, " << parameters
            << " parameters)\n";
  return kExitOk;
}

int Main(int argc, char** argv) {
  // Line by line even into a pipe (check.sh tees it): a run killed by its timeout or by a
  // driver fault keeps every line it printed.
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  Result<Options> parsed = ParseArgs(argc, argv);
  if (!parsed.ok()) {
    if (!parsed.status().message().empty()) std::cerr << "ptx_check: " << parsed.status().message() << "\n";
    std::cerr << kUsage;
    return kExitOther;
  }
  const Options& options = *parsed;
  rt::Session session(options.threads);
  Result<rt::Program*> walker = session.Load("walk", options.dir, rt::ProgramOptions{rt::Device::kCpu});
  if (!walker.ok()) return Fail(walker.status(), kExitOther);
  const loom::bundle::Manifest& manifest = (*walker)->manifest();
  Result<Setup> setup = Prepare(options, manifest);
  if (!setup.ok()) return Fail(setup.status(), kExitOther);
  Status init = InitParameters(options, **walker);
  if (!init.ok()) return Fail(init, kExitOther);
  if (options.cpu_only) return CpuOnly(options, session, **walker, *setup);

  Result<std::map<std::string, KernelInfo>> table = ReadKernelTable(options.dir + "/kernels_cuda.json");
  if (!table.ok()) return Fail(table.status(), kExitOther);
  std::ifstream ptx_file(options.dir + "/kernels.ptx", std::ios::binary);
  if (!ptx_file) {
    return Fail(MakeStatus(StatusCode::kNotFound, options.dir, "/kernels.ptx: no PTX (compile the "
                                                               "bundle with loomc ... --ptx)"),
                kExitOther);
  }
  std::string ptx((std::istreambuf_iterator<char>(ptx_file)), std::istreambuf_iterator<char>());

  Result<std::shared_ptr<CudaDriver>> driver = CudaDriver::Open(options.cuda_library);
  if (!driver.ok()) return Fail(driver.status(), kExitCuda);
  std::cout << "device: " << (*driver)->device_name() << " (sm_" << (*driver)->compute_capability()
            << "), driver API " << (*driver)->driver_version() << "\n";
  if ((*driver)->compute_capability() < 90) {
    return Fail(MakeStatus(StatusCode::kUnsupported, "kernels.ptx targets sm_90; this device is sm_",
                           (*driver)->compute_capability()),
                kExitCuda);
  }
  Result<CUmodule> module = (*driver)->LoadModule(ptx.c_str(), "kernels.ptx");
  if (!module.ok()) return Fail(module.status(), kExitCuda);
  GpuCheck check(**driver, *module, manifest, *table);
  Status status = check.Prepare();
  if (!status.ok()) return Fail(status, status.code() == StatusCode::kInternal ? kExitCuda : kExitOther);
  check.ChooseTimed(setup->entries);

  // Around every Launch: its args' buffers, in order, before and after the CPU kernel ran.
  const rt::Program::CommandHook hook = [&](rt::Program::HookPoint point, int,
                                            const loom::bundle::Command& command) -> Status {
    if (command.command_case() != loom::bundle::Command::kLaunch) return rt::OkStatus();
    std::vector<std::byte*> buffers;
    for (const auto& view : command.launch().args()) buffers.push_back((*walker)->ViewData(view));
    return point == rt::Program::HookPoint::kBefore ? check.Before(command.launch(), buffers)
                                                    : check.After(command.launch(), buffers);
  };
  for (size_t e = 0; e < setup->entries.size(); ++e) {
    const std::string& name = setup->entries[e]->name();
    Result<std::vector<HostTensor>> outputs = (*walker)->Run(name, Pointers(setup->inputs[e]), &hook);
    if (!outputs.ok()) {
      return Fail(outputs.status(), outputs.status().code() == StatusCode::kInternal ? kExitCuda : kExitOther);
    }
    std::cout << "@" << name << ": " << setup->entries[e]->plan_size() << " commands walked\n";
  }
  status = check.Time(options.reps);
  if (!status.ok()) return Fail(status, kExitCuda);
  std::cout << "\n";
  return check.Report(std::cout) ? kExitOk : kExitMismatch;
}

}  // namespace
}  // namespace loom::gpu

int main(int argc, char** argv) { return loom::gpu::Main(argc, argv); }
