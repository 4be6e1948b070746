#include "tools/loom-bench/plan_profiler.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "runtime/bundle/bundle.h"
#include "tools/loom-bench/train_bench.h"

namespace loom::bench {
namespace {

using loom::bundle::Command;
using loom::bundle::LibraryCall;
using rt::HostTensor;
using rt::MakeStatus;
using rt::Result;
using rt::StatusCode;
using Clock = std::chrono::steady_clock;

// "k12_rms_norm_grad" -> "rms_norm_grad": kernels of one op kind share a bucket.
std::string KernelKind(const std::string& name) {
  size_t i = 0;
  if (i < name.size() && name[i] == 'k') {
    ++i;
    while (i < name.size() && name[i] >= '0' && name[i] <= '9') ++i;
    if (i > 1 && i < name.size() && name[i] == '_') return name.substr(i + 1);
  }
  return name;
}

std::string Label(const Command& command, const loom::bundle::Manifest& manifest) {
  switch (command.command_case()) {
    case Command::kLaunch:
      return "kernel " + KernelKind(manifest.kernels(command.launch().kernel()).name());
    case Command::kLibraryCall:
      switch (command.library_call().routine()) {
        case LibraryCall::GEMM_F32:
          return "gemm";
        case LibraryCall::ATTENTION_F32:
          return "attention";
        case LibraryCall::ATTENTION_GRAD_F32:
          return "attention_grad";
        default:
          return "library_call";
      }
    case Command::kCopy:
      return "copy";
    case Command::kFill:
      return "fill";
    case Command::COMMAND_NOT_SET:
      break;
  }
  return "none";
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// Buckets by time, largest first.
std::vector<PlanProfiler::Bucket> Sorted(std::vector<PlanProfiler::Bucket> buckets) {
  std::stable_sort(buckets.begin(), buckets.end(),
                   [](const auto& a, const auto& b) { return a.seconds > b.seconds; });
  return buckets;
}

// The JSON key of a bucket's group: launches are summed into "kernels".
std::string Group(const std::string& label) {
  return label.rfind("kernel ", 0) == 0 ? "kernels" : label;
}

}  // namespace

Result<std::unique_ptr<PlanProfiler>> PlanProfiler::Load(const std::string& dir,
                                                         rt::ThreadPool* pool) {
  LOOM_ASSIGN_OR_RETURN(rt::Bundle bundle, rt::LoadBundle(dir));
  LOOM_ASSIGN_OR_RETURN(std::unique_ptr<rt::Program> program,
                        rt::Program::Load(std::move(bundle), pool));
  std::unique_ptr<PlanProfiler> profiler(new PlanProfiler(std::move(program)));
  profiler->Prepare();
  return profiler;
}

void PlanProfiler::Prepare() {
  const auto& manifest = program_->manifest();
  for (const auto& entry : manifest.entry_points()) {
    std::vector<size_t>& bucket = buckets_[entry.name()];
    EntryTimes& times = times_[entry.name()];
    std::map<std::string, size_t> by_label;
    for (const Command& command : entry.plan()) {
      const std::string label = Label(command, manifest);
      auto [it, added] = by_label.emplace(label, times.buckets.size());
      if (added) times.buckets.push_back(Bucket{label, 0, 0.0});
      bucket.push_back(it->second);
    }
  }
}

Result<std::vector<HostTensor>> PlanProfiler::Run(const std::string& name,
                                                  const std::vector<const HostTensor*>& inputs) {
  auto found = buckets_.find(name);
  if (found == buckets_.end()) return MakeStatus(StatusCode::kNotFound, "no entry point '", name, "'");
  const std::vector<size_t>& bucket = found->second;
  EntryTimes& times = times_[name];
  const Clock::time_point start = Clock::now();
  Clock::time_point before;
  const rt::Program::CommandHook hook = [&](rt::Program::HookPoint point, int c, const Command&) {
    if (point == rt::Program::HookPoint::kBefore) {
      before = Clock::now();
    } else {
      Bucket& b = times.buckets[bucket[c]];
      b.seconds += Seconds(Clock::now() - before);
      ++b.calls;
    }
    return rt::OkStatus();
  };
  LOOM_ASSIGN_OR_RETURN(std::vector<HostTensor> outputs, program_->Run(name, inputs, &hook));
  times.seconds += Seconds(Clock::now() - start);
  ++times.runs;
  return outputs;
}

void PlanProfiler::Reset() {
  for (auto& [name, times] : times_) {
    times.runs = 0;
    times.seconds = 0;
    for (Bucket& b : times.buckets) {
      b.calls = 0;
      b.seconds = 0;
    }
  }
}

Result<PlanProfiler::LaunchTiming> PlanProfiler::TimeLargestLaunch(const std::string& name,
                                                                    int repeats) {
  const loom::bundle::EntryPoint* entry = program_->FindEntryPoint(name);
  if (entry == nullptr) return MakeStatus(StatusCode::kNotFound, "no entry point '", name, "'");
  int best = -1;
  int64_t best_bytes = -1;
  for (int c = 0; c < entry->plan_size(); ++c) {
    const Command& command = entry->plan(c);
    if (command.command_case() != Command::kLaunch) continue;
    int64_t bytes = 0;
    for (const auto& view : command.launch().args()) bytes += static_cast<int64_t>(view.size_bytes());
    if (bytes > best_bytes) best = c, best_bytes = bytes;
  }
  if (best < 0) return MakeStatus(StatusCode::kNotFound, name, " launches no kernel");
  const auto& launch = entry->plan(best).launch();
  std::vector<double> seconds;
  for (int r = 0; r < repeats; ++r) {
    const Clock::time_point before = Clock::now();
    LOOM_RETURN_IF_ERROR(program_->ExecuteCommand(entry->plan(best)));
    seconds.push_back(Seconds(Clock::now() - before));
  }
  std::sort(seconds.begin(), seconds.end());
  return LaunchTiming{program_->manifest().kernels(launch.kernel()).name(), best_bytes,
                      launch.grid(0) * launch.grid(1) * launch.grid(2), seconds[seconds.size() / 2]};
}

double TriadSeconds(rt::ThreadPool& pool, int64_t bytes, int64_t chunks, int repeats) {
  const int64_t n = std::max<int64_t>(1, bytes / 3 / static_cast<int64_t>(sizeof(float)));
  std::vector<float> a(n), b(n, 1.0f), c(n, 2.0f);
  const float s = 3.0f;
  chunks = std::max<int64_t>(1, std::min(chunks, n));
  std::vector<double> seconds;
  for (int r = 0; r < repeats; ++r) {
    const Clock::time_point before = Clock::now();
    pool.ParallelFor(chunks, [&](int64_t k) {
      const int64_t lo = n * k / chunks, hi = n * (k + 1) / chunks;
      for (int64_t i = lo; i < hi; ++i) a[i] = b[i] + s * c[i];
    });
    seconds.push_back(Seconds(Clock::now() - before));
  }
  std::sort(seconds.begin(), seconds.end());
  volatile float sink = a[n / 2];  // the triad's result is used
  (void)sink;
  return seconds[seconds.size() / 2];
}

double ParallelForOverheadUs(rt::ThreadPool& pool, int64_t n, int repeats) {
  std::vector<double> us;
  for (int r = 0; r < repeats; ++r) {
    const Clock::time_point start = Clock::now();
    for (int i = 0; i < 100; ++i) pool.ParallelFor(n, [](int64_t) {});
    us.push_back(Seconds(Clock::now() - start) * 1e6 / 100);
  }
  return Median(us);
}

std::string ProfileTable(const std::map<std::string, PlanProfiler::EntryTimes>& times,
                         int64_t steps, double dispatch_us) {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof(line),
                "loom-bench profile: per training step, over %lld steps; one empty "
                "ParallelFor costs %.1f us\n",
                static_cast<long long>(steps), dispatch_us);
  out += line;
  for (const auto& [name, t] : times) {
    if (t.runs == 0) continue;
    const double total_ms = t.seconds * 1e3 / steps;
    double commands = 0;
    int64_t calls = 0;
    for (const auto& b : t.buckets) {
      commands += b.seconds;
      calls += b.calls;
    }
    std::snprintf(line, sizeof(line), "  @%s: %.3f ms/step (%lld commands)\n", name.c_str(),
                  total_ms, static_cast<long long>(calls / steps));
    out += line;
    std::snprintf(line, sizeof(line), "    %-28s %8s %10s %10s %7s\n", "command", "calls", "ms/step",
                  "us/call", "share");
    out += line;
    for (const auto& b : Sorted(t.buckets)) {
      std::snprintf(line, sizeof(line), "    %-28s %8lld %10.3f %10.1f %6.1f%%\n", b.label.c_str(),
                    static_cast<long long>(b.calls / steps), b.seconds * 1e3 / steps,
                    b.calls ? b.seconds * 1e6 / b.calls : 0.0, 100.0 * b.seconds / t.seconds);
      out += line;
    }
    const double rest = t.seconds - commands;
    std::snprintf(line, sizeof(line), "    %-28s %8s %10.3f %10s %6.1f%%\n",
                  "(inputs, outputs, timers)", "", rest * 1e3 / steps, "", 100.0 * rest / t.seconds);
    out += line;
  }
  return out;
}

std::string ProfileJson(const std::map<std::string, PlanProfiler::EntryTimes>& times,
                        int64_t steps, double dispatch_us) {
  std::string out = "{\"parallel_for_us\": " + JsonNumber(dispatch_us);
  for (const auto& [name, t] : times) {
    if (t.runs == 0) continue;
    std::map<std::string, std::pair<int64_t, double>> groups;  // calls, seconds
    for (const auto& b : t.buckets) {
      auto& g = groups[Group(b.label)];
      g.first += b.calls;
      g.second += b.seconds;
    }
    out += ", \"" + name + "\": {\"ms_per_step\": " + JsonNumber(t.seconds * 1e3 / steps);
    for (const auto& [group, g] : groups) {
      out += ", \"" + group + "_ms\": " + JsonNumber(g.second * 1e3 / steps) + ", \"" + group +
             "_calls\": " + std::to_string(g.first / steps);
    }
    out += "}";
  }
  return out + "}";
}

}  // namespace loom::bench
