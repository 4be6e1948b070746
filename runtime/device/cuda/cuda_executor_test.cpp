// The CUDA executor end to end on a machine without a GPU: the stand-in driver and cuBLASLt
// (testing/) run the test bundle's host kernels, a naive column-major GEMM and the attention
// kernels' CUDA source under host emulation, so what is checked here is everything around the
// device code: the bundle's CUDA files (cubin, PTX fallback), device arenas and their host
// mirror, kernel parameters, the row-major GEMM mapping with its bias epilogue, copies and
// fills, graph capture and replay, and the errors. The kernels themselves are checked on a GPU
// by tools/gpu/check.sh.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "runtime/bundle/bundle.h"
#include "runtime/bundle/sha256.h"
#include "runtime/bundle/test_manifest.h"
#include "runtime/device/cuda/cuda_attention.h"
#include "runtime/device/cuda/cuda_executor.h"
#include "runtime/exec/program.h"
#include "runtime/exec/session.h"

namespace loom::rt {
namespace {

using loom::bundle::Arena;
using loom::bundle::LibraryCall;
using loom::bundle::Manifest;

// The stand-ins, for every test of this file.
class MockGpuEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    setenv("LOOM_CUDA_DRIVER", LOOM_MOCK_LIBCUDA, 1);
    setenv("LOOM_CUBLASLT", LOOM_MOCK_CUBLASLT, 1);
  }
};
const auto* const kEnvironment = ::testing::AddGlobalTestEnvironment(new MockGpuEnvironment);

// The PTX declarations of the test kernels (pointers are .ptr, the i64 scalar is not), which is
// what the stand-in driver reads of a PTX module.
constexpr const char* kTestPtx =
    ".version 8.7\n.target sm_90\n.address_size 64\n"
    ".visible .entry loom_test_add_rows(\n\t.param .u64 .ptr .align 1 p0,\n"
    "\t.param .u64 .ptr .align 1 p1,\n\t.param .u64 .ptr .align 1 p2,\n\t.param .u64 p3\n)\n{\n}\n"
    ".visible .entry loom_test_softmax_rows(\n\t.param .u64 .ptr .align 1 p0,\n"
    "\t.param .u64 .ptr .align 1 p1,\n\t.param .u64 p2\n)\n{\n}\n";

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

// The test program as a "cuda" bundle in `dir`: kernels.cubin (an ELF header and the bundle's
// name: the stand-in driver finds the bundle by it), kernels.ptx, kernels.so.
// With `bias_epilogue` the GEMM adds the bias itself and the add_rows launch becomes a copy.
Manifest CudaTestManifest(bool bias_epilogue) {
  Manifest m = testing::TestManifest();
  m.set_target("cuda");
  m.set_kernel_library("kernels.cubin");
  m.set_cuda_ptx("kernels.ptx");
  m.set_host_kernel_library("kernels.so");
  for (auto& kernel : *m.mutable_kernels()) {
    kernel.add_block(32);
    kernel.add_block(1);
    kernel.add_block(1);
  }
  m.clear_checksums();
  for (const char* path : {"kernels.cubin", "kernels.ptx", "kernels.so"}) {
    auto* sum = m.add_checksums();
    sum->set_path(path);
  }
  if (bias_epilogue) {
    auto* plan = m.mutable_entry_points(0)->mutable_plan();
    LibraryCall* gemm = (*plan)[2].mutable_library_call();
    gemm->set_bias(true);
    auto* bias = gemm->add_args();
    bias->set_arena(0);
    bias->set_offset_bytes(48);
    bias->set_size_bytes(12);
    // add_rows(h, bias, h2) becomes h2 = h: the epilogue added the bias already.
    auto* copy = (*plan)[3].mutable_copy();
    copy->mutable_src()->set_arena(2);
    copy->mutable_src()->set_offset_bytes(64);
    copy->mutable_src()->set_size_bytes(24);
    copy->mutable_dst()->set_arena(2);
    copy->mutable_dst()->set_offset_bytes(128);
    copy->mutable_dst()->set_size_bytes(24);
  }
  return m;
}

std::string WriteCudaBundle(const std::string& name, Manifest m) {
  const std::string dir = testing::MakeTempDir(name);
  std::filesystem::copy_file(LOOM_TEST_KERNELS_SO, dir + "/kernels.so",
                             std::filesystem::copy_options::overwrite_existing);
  WriteFile(dir + "/kernels.ptx", kTestPtx);
  WriteFile(dir + "/kernels.cubin", std::string("\x7f" "ELF", 4) + dir);
  // The stand-in driver's bundles (testing/mock_libcuda.cpp).
  const char* known = std::getenv("LOOM_MOCK_CUDA_BUNDLES");
  setenv("LOOM_MOCK_CUDA_BUNDLES", (dir + ":" + (known ? known : "")).c_str(), 1);
  for (auto& sum : *m.mutable_checksums()) {
    sum.set_sha256_hex(Sha256HexOfFile(dir + "/" + sum.path()).value());
  }
  std::ofstream out(dir + "/manifest.pb", std::ios::binary | std::ios::trunc);
  EXPECT_TRUE(m.SerializeToOstream(&out));
  return dir;
}

struct Weights {
  HostTensor w, bias, x;
};
Weights RandomWeights(unsigned seed) {
  std::mt19937 rng(seed);
  return {testing::RandomF32({4, 3}, rng), testing::RandomF32({3}, rng),
          testing::RandomF32({2, 4}, rng)};
}

// y = softmax_rows(x W + bias), in double.
std::vector<double> Expected(const Weights& t) {
  std::vector<double> y(6);
  for (int r = 0; r < 2; ++r) {
    double h[3], max = -INFINITY, sum = 0;
    for (int j = 0; j < 3; ++j) {
      h[j] = t.bias.data_as<float>()[j];
      for (int p = 0; p < 4; ++p)
        h[j] += static_cast<double>(t.x.data_as<float>()[r * 4 + p]) * t.w.data_as<float>()[p * 3 + j];
      max = std::max(max, h[j]);
    }
    for (int j = 0; j < 3; ++j) sum += std::exp(h[j] - max);
    for (int j = 0; j < 3; ++j) y[r * 3 + j] = std::exp(h[j] - max) / sum;
  }
  return y;
}

std::unique_ptr<Program> LoadProgram(const std::string& dir, ThreadPool* pool,
                                     ProgramOptions options = {}) {
  Result<Bundle> bundle = LoadBundle(dir);
  EXPECT_TRUE(bundle.ok()) << bundle.status().message();
  Result<std::unique_ptr<Program>> program = Program::Load(std::move(bundle).value(), pool, options);
  EXPECT_TRUE(program.ok()) << program.status().message();
  return program.ok() ? std::move(program).value() : nullptr;
}

std::vector<double> Forward(Program& program, const Weights& t) {
  EXPECT_TRUE(program.SetParameter("W", t.w).ok());
  EXPECT_TRUE(program.SetParameter("bias", t.bias).ok());
  Result<std::vector<HostTensor>> y = program.Run("forward", {&t.x});
  EXPECT_TRUE(y.ok()) << y.status().message();
  if (!y.ok()) return {};
  return std::vector<double>(y->at(0).data_as<float>(), y->at(0).data_as<float>() + 6);
}

void ExpectNear(const std::vector<double>& got, const std::vector<double>& want, double tol) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], tol) << "element " << i;
}

TEST(CudaExecutor, ForwardOnTheDeviceMatchesTheCpuAndDouble) {
  ThreadPool pool(2);
  const Weights t = RandomWeights(1);
  for (bool bias : {false, true}) {
    const std::string dir = WriteCudaBundle(bias ? "cuda-bias" : "cuda-plain", CudaTestManifest(bias));
    auto gpu = LoadProgram(dir, &pool);
    auto cpu = LoadProgram(dir, &pool, ProgramOptions{Device::kCpu});
    ASSERT_TRUE(gpu && cpu);
    EXPECT_EQ(gpu->device(), Device::kCuda);
    EXPECT_EQ(cpu->device(), Device::kCpu);
    EXPECT_NE(gpu->DeviceDescription().find("mock CUDA device"), std::string::npos);
    const std::vector<double> want = Expected(t);
    ExpectNear(Forward(*gpu, t), want, 1e-6);
    ExpectNear(Forward(*cpu, t), want, 1e-6);
  }
}

TEST(CudaExecutor, GraphsAreCapturedOnceAndReplayed) {
  ThreadPool pool(1);
  const std::string stats = testing::MakeTempDir("cuda-stats") + "/stats.txt";
  setenv("LOOM_MOCK_CUDA_STATS", stats.c_str(), 1);
  const std::string dir = WriteCudaBundle("cuda-graphs", CudaTestManifest(true));
  auto gpu = LoadProgram(dir, &pool);
  ASSERT_TRUE(gpu);
  const Weights a = RandomWeights(2), b = RandomWeights(3);
  // A replay sees new parameters and inputs: the graph holds addresses, not values.
  ExpectNear(Forward(*gpu, a), Expected(a), 1e-6);  // eager
  ExpectNear(Forward(*gpu, b), Expected(b), 1e-6);  // captured, launched
  ExpectNear(Forward(*gpu, a), Expected(a), 1e-6);  // replayed
  unsetenv("LOOM_MOCK_CUDA_STATS");
  std::ifstream in(stats);
  std::string line;
  int graphs = 0, launches = 0;
  while (std::getline(in, line)) {
    graphs += line.rfind("graph ", 0) == 0;
    launches += line.rfind("launch ", 0) == 0;
  }
  EXPECT_EQ(graphs, 2);    // the first run is eager, then one graph launch per run
  EXPECT_EQ(launches, 3);  // softmax_rows once per run (the copy and GEMM are not kernels)
}

// A chained step: zero-fill, then each call with its own inputs copied in before its plan and
// its outputs copied out after (both calls share the arenas: the second overwrites the first's
// x and y), one graph launch per step.
TEST(CudaExecutor, AChainedStepIsOneGraphWithEachCallsOwnInputsAndOutputs) {
  ThreadPool pool(1);
  const std::string stats = testing::MakeTempDir("cuda-chain-stats") + "/stats.txt";
  const std::string dir = WriteCudaBundle("cuda-chain", CudaTestManifest(true));
  auto gpu = LoadProgram(dir, &pool);
  auto cpu = LoadProgram(dir, &pool, ProgramOptions{Device::kCpu});
  ASSERT_TRUE(gpu && cpu);
  const Weights a = RandomWeights(9), b = RandomWeights(10);
  for (Program* program : {gpu.get(), cpu.get()}) {
    ASSERT_TRUE(program->SetParameter("W", a.w).ok());
    ASSERT_TRUE(program->SetParameter("bias", a.bias).ok());
  }
  setenv("LOOM_MOCK_CUDA_STATS", stats.c_str(), 1);
  for (int step = 0; step < 2; ++step) {  // eager, then captured and replayed
    for (Program* program : {gpu.get(), cpu.get()}) {
      auto results = program->RunChain({{"forward", {&a.x}}, {"forward", {&b.x}}},
                                       Arena::ACTIVATIONS);
      ASSERT_TRUE(results.ok()) << results.status().message();
      ASSERT_EQ(results->size(), 2u);
      Weights with_a_params = RandomWeights(9);  // a's parameters, b's input
      std::memcpy(with_a_params.x.data(), b.x.data(), b.x.size_bytes());
      const std::vector<double> want_first = Expected(a), want_second = Expected(with_a_params);
      for (int i = 0; i < 6; ++i) {
        EXPECT_NEAR((*results)[0][0].data_as<float>()[i], want_first[i], 1e-6) << i;
        EXPECT_NEAR((*results)[1][0].data_as<float>()[i], want_second[i], 1e-6) << i;
      }
    }
  }
  unsetenv("LOOM_MOCK_CUDA_STATS");
  std::ifstream in(stats);
  int graphs = 0;
  for (std::string line; std::getline(in, line);) graphs += line.rfind("graph ", 0) == 0;
  EXPECT_EQ(graphs, 1);  // the first step eager, the second one graph
  // A bad call anywhere in the chain is refused before anything runs.
  auto refused = gpu->RunChain({{"forward", {&a.x}}, {"backward", {}}}, std::nullopt);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("no entry point 'backward'"), std::string::npos);
}

TEST(CudaExecutor, WithoutGraphsAndCommandByCommandToo) {
  ThreadPool pool(1);
  const std::string dir = WriteCudaBundle("cuda-eager", CudaTestManifest(false));
  const Weights t = RandomWeights(4);
  auto eager = LoadProgram(dir, &pool, ProgramOptions{std::nullopt, /*cuda_graphs=*/false});
  ASSERT_TRUE(eager);
  ExpectNear(Forward(*eager, t), Expected(t), 1e-6);
  // A hook sees the host mirror up to date before and after each command.
  int calls = 0;
  Program::CommandHook hook = [&](Program::HookPoint point, int index,
                                  const loom::bundle::Command&) -> Status {
    ++calls;
    if (point == Program::HookPoint::kAfter && index == 0) {
      // The copy x -> xc has run: act[0:32] holds x.
      const std::byte* xc = eager->ViewData(eager->manifest().entry_points(0).plan(0).copy().dst());
      EXPECT_EQ(std::memcmp(xc, t.x.data(), 32), 0);
    }
    return OkStatus();
  };
  Result<std::vector<HostTensor>> y = eager->Run("forward", {&t.x}, &hook);
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ(calls, 2 * eager->manifest().entry_points(0).plan_size());
}

TEST(CudaExecutor, CubinFirstPtxWhereTheCubinDoesNotLoad) {
  ThreadPool pool(1);
  const std::string dir = WriteCudaBundle("cuda-cubin", CudaTestManifest(false));
  Result<Bundle> bundle = LoadBundle(dir);
  ASSERT_TRUE(bundle.ok());
  {
    auto cubin = cuda::CudaExecutor::Create(*bundle, {});
    ASSERT_TRUE(cubin.ok()) << cubin.status().message();
    EXPECT_TRUE((*cubin)->kernels_from_cubin());
  }
  // A cubin for another GPU: the driver JIT-compiles the PTX instead, and the program runs.
  setenv("LOOM_MOCK_CUDA_NO_CUBIN", "1", 1);
  {
    auto jit = cuda::CudaExecutor::Create(*bundle, {});
    ASSERT_TRUE(jit.ok()) << jit.status().message();
    EXPECT_FALSE((*jit)->kernels_from_cubin());
  }
  auto program = LoadProgram(dir, &pool);
  unsetenv("LOOM_MOCK_CUDA_NO_CUBIN");
  ASSERT_TRUE(program);
  const Weights t = RandomWeights(8);
  ExpectNear(Forward(*program, t), Expected(t), 1e-6);
}

TEST(CudaExecutor, HostMirrorFollowsTheDevice) {
  ThreadPool pool(1);
  const std::string dir = WriteCudaBundle("cuda-mirror", CudaTestManifest(true));
  auto gpu = LoadProgram(dir, &pool);
  ASSERT_TRUE(gpu);
  const Weights t = RandomWeights(5);
  const std::vector<double> y = Forward(*gpu, t);
  // The plan wrote io[64:88] (y) on the device; the host view catches up on reading.
  Result<std::string_view> io = gpu->ArenaBytes("io");
  ASSERT_TRUE(io.ok());
  for (int i = 0; i < 6; ++i) {
    float v;
    std::memcpy(&v, io->data() + 64 + 4 * i, 4);
    EXPECT_FLOAT_EQ(v, static_cast<float>(y[i]));
  }
  EXPECT_EQ(std::memcmp(gpu->GetParameter("W")->data(), t.w.data(), 48), 0);
  // Host-side writes reach the device before the next run.
  Result<std::byte*> params = gpu->MutableArenaData("params");
  ASSERT_TRUE(params.ok());
  std::memset(*params + 48, 0, 12);  // bias = 0
  Weights no_bias = RandomWeights(5);  // t again, with the bias zeroed
  std::memset(no_bias.bias.data(), 0, 12);
  Result<std::vector<HostTensor>> again = gpu->Run("forward", {&t.x});
  ASSERT_TRUE(again.ok());
  const std::vector<double> want = Expected(no_bias);
  for (int i = 0; i < 6; ++i) EXPECT_NEAR(again->at(0).data_as<float>()[i], want[i], 1e-6);
  ASSERT_TRUE(gpu->ZeroArenas(Arena::ACTIVATIONS).ok());
  Result<std::string_view> act = gpu->ArenaBytes("act");
  ASSERT_TRUE(act.ok());
  EXPECT_EQ(act->find_first_not_of('\0'), std::string_view::npos);
}

// ScaleArenas on the device (the arena kernel over the stand-in driver, whose launch runs the
// kernel's CUDA source on the CPU): the host mirror then reads the scaled bytes; a host-side
// write made just before is uploaded first and scaled too; the CPU program scales the same.
TEST(CudaExecutor, ArenasAreScaledOnTheDevice) {
  ThreadPool pool(1);
  const std::string dir = WriteCudaBundle("cuda-scale", CudaTestManifest(true));
  auto gpu = LoadProgram(dir, &pool);
  auto cpu = LoadProgram(dir, &pool, ProgramOptions{Device::kCpu});
  ASSERT_TRUE(gpu && cpu);
  const Weights t = RandomWeights(9);
  Forward(*gpu, t);  // the device arenas now hold the weights
  Forward(*cpu, t);
  Result<std::byte*> params = gpu->MutableArenaData("params");
  ASSERT_TRUE(params.ok());
  const float planted = 3.0f;
  std::memcpy(*params, &planted, 4);  // host-side, not yet on the device
  Result<std::byte*> cpu_params = cpu->MutableArenaData("params");
  ASSERT_TRUE(cpu_params.ok());
  std::memcpy(*cpu_params, &planted, 4);
  for (Program* p : {gpu.get(), cpu.get()})
    ASSERT_TRUE(p->ScaleArenas(Arena::PARAMETERS, DType::kF32, 0.25).ok());
  Result<std::string_view> on_gpu = gpu->ArenaBytes("params");
  Result<std::string_view> on_cpu = cpu->ArenaBytes("params");
  ASSERT_TRUE(on_gpu.ok() && on_cpu.ok());
  ASSERT_EQ(on_gpu->size(), on_cpu->size());
  EXPECT_EQ(*on_gpu, *on_cpu);
  float first;
  std::memcpy(&first, on_gpu->data(), 4);
  EXPECT_EQ(first, 0.75f);
  float w1;
  std::memcpy(&w1, on_gpu->data() + 4, 4);
  EXPECT_EQ(w1, t.w.data_as<float>()[1] * 0.25f);
  // Only f32 and f64.
  Status bad = gpu->ScaleArenas(Arena::PARAMETERS, DType::kI64, 2.0);
  EXPECT_EQ(bad.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.message().find("f32 or f64"), std::string::npos) << bad.message();
}

TEST(CudaExecutor, AttentionRunsTheFlashKernelsLikeTheCpuRoutines) {
  if (cuda::AttentionKernelImage().empty()) {
    const char* ci = std::getenv("CI");
    ASSERT_FALSE(ci != nullptr && std::string(ci) == "true")
        << "the runtime was built without nvcc under CI=true";
    GTEST_SKIP() << "this runtime was built without nvcc: no attention kernels to run";
  }
  ThreadPool pool(2);
  Manifest m = testing::AttentionTestManifest();
  m.set_target("cuda");
  const std::string dir = testing::MakeTempDir("cuda-attention");
  ASSERT_TRUE(testing::WriteTestBundle(dir, m, LOOM_TEST_KERNELS_SO).ok());
  auto gpu = LoadProgram(dir, &pool);
  auto cpu = LoadProgram(dir, &pool, ProgramOptions{Device::kCpu});
  ASSERT_TRUE(gpu && cpu);
  for (const char* entry : {"attention", "attention_grad"}) {
    const auto* e = gpu->FindEntryPoint(entry);
    ASSERT_NE(e, nullptr);
    std::mt19937 rng(7);
    std::vector<HostTensor> inputs;
    for (const auto& sig : e->inputs()) {
      Shape shape(sig.shape().begin(), sig.shape().end());
      if (sig.dtype() == loom::bundle::F32) {
        inputs.push_back(testing::RandomF32(shape, rng));
        if (sig.name() == "lse") {  // a plausible log-sum-exp: finite, around log(Sk)
          for (uint64_t i = 0; i < inputs.back().num_elements(); ++i)
            inputs.back().data_as<float>()[i] = 1.5f + 0.1f * inputs.back().data_as<float>()[i];
        }
        continue;
      }
      // Mask tensors: positions 0.., causal intervals [j, inf) with one key seen by nobody.
      HostTensor t = HostTensor::Allocate(DType::kI64, shape).value();
      const int64_t cols = shape.back();
      for (uint64_t i = 0; i < t.num_elements(); ++i) {
        const int64_t j = static_cast<int64_t>(i % cols);
        int64_t value = j;
        if (sig.name() == "visible_hi") value = j == 2 ? 2 : int64_t{1} << 40;
        t.data_as<int64_t>()[i] = value;
      }
      inputs.push_back(std::move(t));
    }
    std::vector<const HostTensor*> pointers;
    for (const HostTensor& t : inputs) pointers.push_back(&t);
    Result<std::vector<HostTensor>> got = gpu->Run(entry, pointers);
    Result<std::vector<HostTensor>> want = cpu->Run(entry, pointers);
    ASSERT_TRUE(got.ok()) << got.status().message();
    ASSERT_TRUE(want.ok()) << want.status().message();
    for (size_t o = 0; o < got->size(); ++o) {
      const HostTensor& g = got->at(o);
      const HostTensor& w = want->at(o);
      double max_abs = 0, max_err = 0;
      for (uint64_t i = 0; i < w.num_elements(); ++i) max_abs = std::max(max_abs, std::fabs(double(w.data_as<float>()[i])));
      for (uint64_t i = 0; i < w.num_elements(); ++i) {
        const float a = g.data_as<float>()[i], b = w.data_as<float>()[i];
        if (std::isinf(b)) {
          EXPECT_EQ(a, b) << entry << " output " << o << " element " << i;
          continue;
        }
        max_err = std::max(max_err, std::fabs(double(a) - b) / std::max(std::fabs(double(b)), 1e-3 * max_abs + 1e-30));
      }
      EXPECT_LE(max_err, 1e-5) << entry << " output " << o;
    }
  }
}

TEST(CudaExecutor, ClearErrors) {
  ThreadPool pool(1);
  const std::string dir = WriteCudaBundle("cuda-errors", CudaTestManifest(true));
  auto load = [&](ProgramOptions options = {}) {
    Result<Bundle> bundle = LoadBundle(dir);
    EXPECT_TRUE(bundle.ok());
    return Program::Load(std::move(bundle).value(), &pool, options);
  };
  setenv("LOOM_CUDA_DRIVER", "/nonexistent/libcuda.so.1", 1);
  auto no_driver = load();
  setenv("LOOM_CUDA_DRIVER", LOOM_MOCK_LIBCUDA, 1);
  ASSERT_FALSE(no_driver.ok());
  EXPECT_EQ(no_driver.status().code(), StatusCode::kNotFound);
  EXPECT_NE(no_driver.status().message().find("--device cpu"), std::string::npos)
      << no_driver.status().message();

  setenv("LOOM_CUBLASLT", "/nonexistent/libcublasLt.so.13", 1);
  auto no_cublas = load();
  setenv("LOOM_CUBLASLT", LOOM_MOCK_CUBLASLT, 1);
  ASSERT_FALSE(no_cublas.ok());
  EXPECT_NE(no_cublas.status().message().find("cuBLASLt not found"), std::string::npos)
      << no_cublas.status().message();

  auto gpu = load();
  ASSERT_TRUE(gpu.ok()) << gpu.status().message();
  const Weights t = RandomWeights(6);
  ASSERT_TRUE((*gpu)->SetParameter("W", t.w).ok());
  ASSERT_TRUE((*gpu)->SetParameter("bias", t.bias).ok());
  ASSERT_TRUE((*gpu)->Run("forward", {&t.x}).ok());  // the eager first run
  setenv("LOOM_MOCK_CUDA_FAIL", "cuGraphLaunch", 1);
  Result<std::vector<HostTensor>> failed = (*gpu)->Run("forward", {&t.x});
  unsetenv("LOOM_MOCK_CUDA_FAIL");
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.status().message().find("cuGraphLaunch(forward) failed: CUDA_ERROR_LAUNCH_FAILED"),
            std::string::npos)
      << failed.status().message();
  // The program still runs after a failed step.
  EXPECT_TRUE((*gpu)->Run("forward", {&t.x}).ok());

  // A CPU bundle has no GPU kernels.
  const std::string cpu_dir = testing::MakeTempDir("cpu-on-cuda");
  ASSERT_TRUE(testing::WriteTestBundle(cpu_dir, testing::TestManifest(), LOOM_TEST_KERNELS_SO).ok());
  Result<Bundle> cpu_bundle = LoadBundle(cpu_dir);
  ASSERT_TRUE(cpu_bundle.ok());
  auto refused = Program::Load(std::move(cpu_bundle).value(), &pool, ProgramOptions{Device::kCuda});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("loomc --target=cuda"), std::string::npos);
}

TEST(CudaExecutor, ParseDevice) {
  EXPECT_EQ(*ParseDevice("cpu", "--device"), Device::kCpu);
  EXPECT_EQ(*ParseDevice("cuda", "--device"), Device::kCuda);
  Result<Device> bad = ParseDevice("gpu", "--device");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("--device: 'gpu' is not a device"), std::string::npos);
}

}  // namespace
}  // namespace loom::rt
