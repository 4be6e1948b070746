// loom-run on the CUDA device, on a machine without a GPU: the tiny Llama compiled with
// loomc --target=cuda runs through the CUDA executor with the stand-in driver and cuBLASLt
// (runtime/device/cuda/testing: generated kernels run the bundle's host kernels, attention its
// CUDA source under host emulation, GEMMs a naive column-major product) and, as the reference,
// through the same bundle's host kernels on the CPU (--device cpu). What this covers is the
// driver side of the GPU: the trainer's gradient zeroing and the checkpoints read from and
// written to device arenas through the host mirror, graph replays across steps, resuming on
// the other device. The device itself is checked by tools/gpu/check.sh.
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "runtime/tools/test_shell.h"

namespace loom::rt {
namespace {

namespace fs = std::filesystem;
using testing::Outcome;
using testing::RunShell;

const std::string kSourceDir = LOOM_SOURCE_DIR;
const std::string kSpec = kSourceDir + "/models/llama/tiny.textproto";
const std::string kCorpus = kSourceDir + "/data/corpus/corpus.txt";

struct Step {
  double loss, grad_norm;
};

std::map<int64_t, Step> ReadMetrics(const std::string& path) {
  std::map<int64_t, Step> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object()) continue;
    out[j["step"].get<int64_t>()] = {j["loss"].get<double>(), j["grad_norm"].get<double>()};
  }
  return out;
}

class LoomRunCudaTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    compiled_ = testing::CompileTestBundle("loom_run_cuda", kSpec, "on the GPU", "cuda");
    // Without the CUDA toolkit (no ptxas for the cubin, no nvcc for the attention kernels) the
    // tests skip, except under CI=true, where they fail.
    const char* ci = std::getenv("CI");
    if (ci != nullptr && std::string(ci) == "true") return;
    if (compiled_.error.find("ptxas") != std::string::npos) {
      compiled_.skip = "no CUDA toolkit (ptxas): " + compiled_.error;
    } else if (RunShell(std::string(LOOM_RUN_BINARY) + " devices").output.find("not built") !=
               std::string::npos) {
      compiled_.skip = "this loom-run was built without nvcc: no attention kernels";
    }
  }
  static void TearDownTestSuite() {
    if (!compiled_.root.empty() && !::testing::Test::HasFailure()) fs::remove_all(compiled_.root);
  }
  void SetUp() override {
    if (!compiled_.skip.empty()) GTEST_SKIP() << compiled_.skip;
    ASSERT_TRUE(compiled_.error.empty()) << compiled_.error;
    dir_ = compiled_.root + "/" + ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }

  // loom-run with the stand-ins in its environment (they serve --device cuda only); with
  // `stats`, the stand-in driver logs its launches and host transfers there.
  static Outcome LoomRun(const std::vector<std::string>& args, const std::string& stats = "") {
    std::string command = std::string("LOOM_CUDA_DRIVER='") + LOOM_MOCK_LIBCUDA +
                          "' LOOM_CUBLASLT='" + LOOM_MOCK_CUBLASLT + "' LOOM_MOCK_CUDA_BUNDLES='" +
                          compiled_.bundle + "' " +
                          (stats.empty() ? "" : "LOOM_MOCK_CUDA_STATS='" + stats + "' ") +
                          LOOM_RUN_BINARY;
    for (const std::string& a : args) command += " '" + a + "'";
    return RunShell(command);
  }
  static std::vector<std::string> Train(const std::string& ck, const std::string& device,
                                        int64_t steps) {
    return {"train", compiled_.bundle, "--spec", kSpec, "--data", kCorpus, "--steps",
            std::to_string(steps), "--checkpoint-dir", ck, "--checkpoint-every", "3",
            "--threads", "1", "--log-every", "1", "--progress", "never", "--device", device};
  }

  static testing::CompiledBundle compiled_;
  std::string dir_;
};
testing::CompiledBundle LoomRunCudaTest::compiled_;

// How many lines of the stand-in driver's log at `path` are `line` ("upload 32768"), or start
// with it when it ends in a space ("graph " for every graph launch).
int CountStatLines(const std::string& path, const std::string& line) {
  const bool prefix = !line.empty() && line.back() == ' ';
  std::ifstream in(path);
  int n = 0;
  for (std::string l; std::getline(in, l);) n += prefix ? l.rfind(line, 0) == 0 : l == line;
  return n;
}

// Not bit for bit: the stand-in cuBLASLt sums in double, OpenBLAS in f32.
void ExpectSameSteps(const std::map<int64_t, Step>& got, const std::map<int64_t, Step>& want,
                     int64_t steps) {
  ASSERT_EQ(got.size(), static_cast<size_t>(steps));
  ASSERT_EQ(want.size(), static_cast<size_t>(steps));
  for (const auto& [step, w] : want) {
    const Step& g = got.at(step);
    EXPECT_NEAR(g.loss, w.loss, 1e-4 * std::fabs(w.loss)) << "step " << step;
    EXPECT_NEAR(g.grad_norm, w.grad_norm, 1e-3 * std::fabs(w.grad_norm)) << "step " << step;
  }
}

TEST_F(LoomRunCudaTest, TrainsOnTheDeviceAsOnTheCpu) {
  const std::string cpu = dir_ + "/cpu", gpu = dir_ + "/gpu";
  Outcome on_cpu = LoomRun(Train(cpu, "cpu", 6));
  ASSERT_EQ(on_cpu.exit_code, 0) << on_cpu.output;
  Outcome on_gpu = LoomRun(Train(gpu, "cuda", 6));
  ASSERT_EQ(on_gpu.exit_code, 0) << on_gpu.output;
  EXPECT_NE(on_gpu.output.find("step 6/6"), std::string::npos) << on_gpu.output;
  EXPECT_NE(on_gpu.output.find("running on cuda: mock CUDA device (CPU kernels) (sm_90, driver 13000)"),
            std::string::npos)
      << on_gpu.output;
  EXPECT_NE(on_cpu.output.find("running on cpu (1 threads)"), std::string::npos) << on_cpu.output;
  ExpectSameSteps(ReadMetrics(gpu + "/metrics.jsonl"), ReadMetrics(cpu + "/metrics.jsonl"), 6);
}

// Two micro-batches a step: the gradients arena is zeroed, accumulated by two @grad_step runs
// and scaled by 1/2 on the device (the arena kernel, once a step), then @apply_step.
TEST_F(LoomRunCudaTest, AccumulatesOnTheDeviceAsOnTheCpu) {
  const std::string cpu = dir_ + "/cpu", gpu = dir_ + "/gpu", stats = dir_ + "/stats.txt";
  std::vector<std::string> cpu_args = Train(cpu, "cpu", 4), gpu_args = Train(gpu, "cuda", 4);
  for (auto* args : {&cpu_args, &gpu_args}) args->insert(args->end(), {"--accum", "2"});
  Outcome on_cpu = LoomRun(cpu_args);
  ASSERT_EQ(on_cpu.exit_code, 0) << on_cpu.output;
  Outcome on_gpu = LoomRun(gpu_args, stats);
  ASSERT_EQ(on_gpu.exit_code, 0) << on_gpu.output;
  EXPECT_NE(on_gpu.output.find("accum 2"), std::string::npos) << on_gpu.output;
  ExpectSameSteps(ReadMetrics(gpu + "/metrics.jsonl"), ReadMetrics(cpu + "/metrics.jsonl"), 4);
  EXPECT_EQ(CountStatLines(stats, "launch loom_arena_scale_f32"), 4)
      << "one device-side scaling of the gradients per step";
}

// Greedy generation from a CPU-trained checkpoint: the same text on the stand-in GPU as on the
// CPU, and @decode_step's KV caches (4 of [4, 64, 2, 16] f32: 32768 bytes each) cross between
// host and device once (down after @prefill, up before the first @decode_step), not with every
// token: they stay in the device's arenas (Program::RunCarried), moved there between tokens.
TEST_F(LoomRunCudaTest, GeneratesOnTheDeviceAsOnTheCpuWithTheCachesLeftThere) {
  const std::string ck = dir_ + "/ck", stats = dir_ + "/stats.txt";
  Outcome trained = LoomRun(Train(ck, "cpu", 3));
  ASSERT_EQ(trained.exit_code, 0) << trained.output;
  auto generate = [&](const std::string& device, const std::string& log) {
    return LoomRun({"generate", compiled_.bundle, "--checkpoint", ck, "--prompt", "The ",
                    "--prompt", "An", "--max-tokens", "24", "--threads", "1", "--device",
                    device},
                   log);
  };
  Outcome on_cpu = generate("cpu", "");
  ASSERT_EQ(on_cpu.exit_code, 0) << on_cpu.output;
  Outcome on_gpu = generate("cuda", stats);
  ASSERT_EQ(on_gpu.exit_code, 0) << on_gpu.output;
  // The completions (stdout's first lines; the last line is the timing).
  auto text = [](const std::string& out) { return out.substr(0, out.find("loom-run generate:")); };
  EXPECT_EQ(text(on_gpu.output), text(on_cpu.output));
  EXPECT_NE(on_gpu.output.find("tokens/s"), std::string::npos) << on_gpu.output;
  EXPECT_EQ(CountStatLines(stats, "upload 32768"), 4) << "the caches go up once";
  EXPECT_EQ(CountStatLines(stats, "download 32768"), 4) << "and down once, after @prefill";
  EXPECT_GE(CountStatLines(stats, "graph "), 10) << "@decode_step replays its graph per token";
}

TEST_F(LoomRunCudaTest, ACheckpointOfTheDeviceResumesOnTheCpu) {
  const std::string cpu = dir_ + "/cpu", mixed = dir_ + "/mixed";
  Outcome straight = LoomRun(Train(cpu, "cpu", 6));
  ASSERT_EQ(straight.exit_code, 0) << straight.output;
  // Three steps on the device (checkpoint at step 3: parameters and moments read back from the
  // device arenas), then three more on the CPU from that checkpoint.
  Outcome first = LoomRun(Train(mixed, "cuda", 3));
  ASSERT_EQ(first.exit_code, 0) << first.output;
  Outcome second = LoomRun(Train(mixed, "cpu", 6));
  ASSERT_EQ(second.exit_code, 0) << second.output;
  EXPECT_NE(second.output.find("resuming from"), std::string::npos) << second.output;
  ExpectSameSteps(ReadMetrics(mixed + "/metrics.jsonl"), ReadMetrics(cpu + "/metrics.jsonl"), 6);
  // And back: from the CPU's step-6 checkpoint, two more steps on the device.
  Outcome third = LoomRun(Train(mixed, "cuda", 8));
  ASSERT_EQ(third.exit_code, 0) << third.output;
  EXPECT_EQ(ReadMetrics(mixed + "/metrics.jsonl").size(), 8u);
}

TEST_F(LoomRunCudaTest, DevicesAndClearErrors) {
  Outcome devices = LoomRun({"devices"});
  EXPECT_EQ(devices.exit_code, 0) << devices.output;
  EXPECT_NE(devices.output.find("mock CUDA device"), std::string::npos) << devices.output;
  EXPECT_NE(devices.output.find("CUDA bundles run on this machine's GPU"), std::string::npos);
  // Without a driver: one clear line, exit 1.
  Outcome no_driver = RunShell("LOOM_CUDA_DRIVER=/nonexistent/libcuda.so.1 " +
                               std::string(LOOM_RUN_BINARY) + " train " + compiled_.bundle +
                               " --spec " + kSpec + " --data " + kCorpus +
                               " --steps 1 --checkpoint-dir " + dir_ + "/ck --device cuda");
  EXPECT_EQ(no_driver.exit_code, 1);
  EXPECT_NE(no_driver.output.find("libcuda.so.1 not found"), std::string::npos) << no_driver.output;
  EXPECT_NE(no_driver.output.find("--device cpu"), std::string::npos) << no_driver.output;
  Outcome bad = LoomRun({"train", compiled_.bundle, "--device", "tpu"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.output.find("--device: 'tpu' is not a device (cpu or cuda)"), std::string::npos)
      << bad.output;
}

}  // namespace
}  // namespace loom::rt
