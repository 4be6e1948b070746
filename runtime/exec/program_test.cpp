// The executor on the test bundle (runtime/bundle/test_manifest.h, kernels from
// test_kernels.cpp): outputs against values computed here, bit-identical results for any thread
// count, sessions with several programs, and the errors of loading and running.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <random>

#include "runtime/bundle/test_manifest.h"
#include "runtime/exec/session.h"
#include "runtime/io/safetensors.h"

namespace loom::rt {
namespace {

using loom::bundle::Manifest;

// softmax_rows(x · W + bias) in double.
std::vector<double> Expected(const HostTensor& x, const HostTensor& w, const HostTensor& bias) {
  std::vector<double> y(6);
  for (int r = 0; r < 2; ++r) {
    double h[3], max = -INFINITY, sum = 0;
    for (int j = 0; j < 3; ++j) {
      h[j] = bias.data_as<float>()[j];
      for (int k = 0; k < 4; ++k)
        h[j] += double(x.data_as<float>()[r * 4 + k]) * w.data_as<float>()[k * 3 + j];
      max = std::max(max, h[j]);
    }
    for (int j = 0; j < 3; ++j) sum += std::exp(h[j] - max);
    for (int j = 0; j < 3; ++j) y[r * 3 + j] = std::exp(h[j] - max) / sum;
  }
  return y;
}

std::string TestBundle(const std::string& name,
                       const Manifest& manifest = testing::TestManifest()) {
  std::string dir = testing::MakeTempDir(name);
  Status status = testing::WriteTestBundle(dir, manifest, LOOM_TEST_KERNELS_SO);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return dir;
}

TEST(ProgramTest, ForwardMatchesReferenceForAnyThreadCount) {
  std::string dir = TestBundle("forward");
  std::mt19937 rng(7);
  HostTensor x = testing::RandomF32({2, 4}, rng), w = testing::RandomF32({4, 3}, rng),
             bias = testing::RandomF32({3}, rng);
  std::vector<double> expected = Expected(x, w, bias);
  HostTensor first;
  for (int threads : {1, 2, 5}) {
    Session session(threads);
    Result<Program*> program = session.Load("mlp", dir);
    ASSERT_TRUE(program.ok()) << program.status().ToString();
    ASSERT_TRUE((*program)->SetParameter("W", w).ok());
    ASSERT_TRUE((*program)->SetParameter("bias", bias).ok());
    Result<std::vector<HostTensor>> y = (*program)->Run("forward", {&x});
    ASSERT_TRUE(y.ok()) << y.status().ToString();
    ASSERT_EQ(y->size(), 1u);
    for (int i = 0; i < 6; ++i) EXPECT_NEAR((*y)[0].data_as<float>()[i], expected[i], 1e-6) << i;
    if (threads == 1) {
      first = std::move((*y)[0]);
    } else {
      EXPECT_TRUE((*y)[0] == first) << "not bit-identical with " << threads << " threads";
    }
  }
}

TEST(ProgramTest, ParametersFromSafetensors) {
  std::string dir = TestBundle("safetensors");
  std::mt19937 rng(8);
  SafetensorsFile weights;
  weights.tensors["W"] = testing::RandomF32({4, 3}, rng);
  weights.tensors["bias"] = testing::RandomF32({3}, rng);
  std::string path = dir + "/weights.safetensors";
  ASSERT_TRUE(WriteSafetensorsFile(path, weights).ok());
  Session session(2);
  Program* program = session.Load("mlp", dir).value();
  Status status = program->LoadParameters(path);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_TRUE(program->GetParameter("W").value() == weights.tensors["W"]);
  HostTensor x = testing::RandomF32({2, 4}, rng);
  std::vector<double> expected = Expected(x, weights.tensors["W"], weights.tensors["bias"]);
  HostTensor y = std::move(program->Run("forward", {&x}).value()[0]);
  for (int i = 0; i < 6; ++i) EXPECT_NEAR(y.data_as<float>()[i], expected[i], 1e-6);
}

TEST(ProgramTest, WholeArenasByName) {
  std::string dir = TestBundle("arenas");
  std::mt19937 rng(10);
  Session session(1);
  Program* program = session.Load("mlp", dir).value();
  Result<std::string_view> params = program->ArenaBytes("params");
  ASSERT_TRUE(params.ok()) << params.status().ToString();
  EXPECT_EQ(params->size(), 64u);
  EXPECT_EQ(*params, std::string(64, '\0'));  // arenas start zero-filled

  // Writing the PARAMETERS arena loads W and bias: the program runs.
  std::string bytes(64, '\0');
  HostTensor w = testing::RandomF32({4, 3}, rng), bias = testing::RandomF32({3}, rng);
  std::memcpy(bytes.data(), w.data(), 48);
  std::memcpy(bytes.data() + 48, bias.data(), 12);
  ASSERT_TRUE(program->SetArenaBytes("params", bytes).ok());
  EXPECT_TRUE(program->GetParameter("W").value() == w);
  EXPECT_EQ(*program->ArenaBytes("params"), bytes);
  HostTensor x = testing::RandomF32({2, 4}, rng);
  ASSERT_TRUE(program->Run("forward", {&x}).ok());

  // In-place updates through the mutable view, and zeroing by kind.
  Result<std::byte*> data = program->MutableArenaData("params");
  ASSERT_TRUE(data.ok());
  reinterpret_cast<float*>(*data)[0] = 2.5f;
  EXPECT_EQ(program->GetParameter("W").value().data_as<float>()[0], 2.5f);
  ASSERT_TRUE(program->ZeroArenas(loom::bundle::Arena::ACTIVATIONS).ok());
  EXPECT_EQ(*program->ArenaBytes("act"), std::string(192, '\0'));
  EXPECT_EQ(program->GetParameter("W").value().data_as<float>()[0], 2.5f);
  ASSERT_TRUE(program->ZeroArenas(loom::bundle::Arena::PARAMETERS).ok());
  EXPECT_EQ(*program->ArenaBytes("params"), std::string(64, '\0'));

  Status status = program->SetArenaBytes("params", std::string(63, 'x'));
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("arena 'params' holds 64 bytes, not 63"), std::string::npos)
      << status.message();
  EXPECT_EQ(program->ArenaBytes("grads").status().code(), StatusCode::kNotFound);
  EXPECT_NE(program->ArenaBytes("grads").status().message().find("no arena 'grads'"),
            std::string::npos);
  EXPECT_FALSE(program->MutableArenaData("grads").ok());
  EXPECT_FALSE(program->SetArenaBytes("grads", "").ok());
}

TEST(ProgramTest, SessionHoldsIndependentPrograms) {
  std::string dir = TestBundle("session");
  std::mt19937 rng(9);
  HostTensor x = testing::RandomF32({2, 4}, rng);
  Session session(3);
  Program* a = session.Load("policy", dir).value();
  Program* b = session.Load("judge", dir).value();
  EXPECT_FALSE(session.Load("policy", dir).ok());
  HostTensor wa = testing::RandomF32({4, 3}, rng), wb = testing::RandomF32({4, 3}, rng),
             bias = testing::RandomF32({3}, rng);
  ASSERT_TRUE(a->SetParameter("W", wa).ok() && a->SetParameter("bias", bias).ok());
  ASSERT_TRUE(b->SetParameter("W", wb).ok() && b->SetParameter("bias", bias).ok());
  HostTensor ya = std::move(a->Run("forward", {&x}).value()[0]);
  HostTensor yb = std::move(b->Run("forward", {&x}).value()[0]);
  std::vector<double> ea = Expected(x, wa, bias), eb = Expected(x, wb, bias);
  for (int i = 0; i < 6; ++i) {
    EXPECT_NEAR(ya.data_as<float>()[i], ea[i], 1e-6);
    EXPECT_NEAR(yb.data_as<float>()[i], eb[i], 1e-6);
  }
  EXPECT_EQ(session.size(), 2u);
  EXPECT_TRUE(session.Unload("policy"));
  EXPECT_EQ(session.Find("policy"), nullptr);
  EXPECT_EQ(session.Find("judge"), b);
}

// A hook sees every command before and after it runs, in plan order, without changing the
// result; its error stops the run.
TEST(ProgramTest, CommandHookWrapsEveryCommand) {
  std::string dir = TestBundle("hook");
  std::mt19937 rng(10);
  HostTensor x = testing::RandomF32({2, 4}, rng), w = testing::RandomF32({4, 3}, rng),
             bias = testing::RandomF32({3}, rng);
  Session session(2);
  Program* program = session.Load("mlp", dir).value();
  ASSERT_TRUE(program->SetParameter("W", w).ok() && program->SetParameter("bias", bias).ok());
  HostTensor plain = std::move(program->Run("forward", {&x}).value()[0]);
  std::vector<std::pair<Program::HookPoint, int>> seen;
  Program::CommandHook hook = [&](Program::HookPoint point, int index,
                                  const loom::bundle::Command& command) {
    EXPECT_EQ(&command, &program->FindEntryPoint("forward")->plan(index));
    seen.emplace_back(point, index);
    return OkStatus();
  };
  Result<std::vector<HostTensor>> hooked = program->Run("forward", {&x}, &hook);
  ASSERT_TRUE(hooked.ok()) << hooked.status().ToString();
  EXPECT_TRUE((*hooked)[0] == plain);
  const int commands = program->FindEntryPoint("forward")->plan_size();
  ASSERT_GT(commands, 0);
  ASSERT_EQ(seen.size(), 2u * commands);
  for (int c = 0; c < commands; ++c) {
    EXPECT_EQ(seen[2 * c], std::make_pair(Program::HookPoint::kBefore, c));
    EXPECT_EQ(seen[2 * c + 1], std::make_pair(Program::HookPoint::kAfter, c));
  }
  int calls = 0;
  Program::CommandHook failing = [&](Program::HookPoint, int, const loom::bundle::Command&) {
    ++calls;
    return MakeStatus(StatusCode::kInternal, "stop");
  };
  Result<std::vector<HostTensor>> stopped = program->Run("forward", {&x}, &failing);
  EXPECT_EQ(stopped.status().code(), StatusCode::kInternal);
  EXPECT_EQ(calls, 1);
}

// A GEMM-only program over several row blocks with op(A) = A^T: C[130, 7] = A^T · B.
TEST(ProgramTest, TransposedGemmOverRowBlocks) {
  const int64_t m = 130, n = 7, k = 5;
  Manifest manifest;
  manifest.set_schema_version(kBundleSchemaVersion);
  manifest.set_kernel_abi_version(kKernelAbiVersion);
  manifest.set_target("cpu");
  auto* arena = manifest.add_arenas();
  arena->set_name("io");
  arena->set_size_bytes(4 * (k * m + k * n + m * n));
  arena->set_alignment(64);
  arena->set_kind(loom::bundle::Arena::IO);
  auto* entry = manifest.add_entry_points();
  entry->set_name("gemm");
  uint64_t offset = 0;
  auto add_sig = [&](google::protobuf::RepeatedPtrField<loom::bundle::TensorSig>* list,
                     const char* name, int64_t rows, int64_t cols) {
    auto* sig = list->Add();
    sig->set_name(name);
    sig->set_dtype(loom::bundle::F32);
    sig->add_shape(rows);
    sig->add_shape(cols);
    sig->set_offset_bytes(offset);
    offset += 4 * rows * cols;
  };
  add_sig(entry->mutable_inputs(), "a_t", k, m);
  add_sig(entry->mutable_inputs(), "b", k, n);
  add_sig(entry->mutable_outputs(), "c", m, n);
  auto* gemm = entry->add_plan()->mutable_library_call();
  gemm->set_routine(loom::bundle::LibraryCall::GEMM_F32);
  gemm->set_m(m);
  gemm->set_n(n);
  gemm->set_k(k);
  gemm->set_trans_a(true);
  gemm->set_lda(m);
  gemm->set_ldb(n);
  gemm->set_ldc(n);
  gemm->set_alpha(1.0f);
  gemm->set_beta(0.0f);
  for (const auto& sig : {entry->inputs(0), entry->inputs(1), entry->outputs(0)}) {
    auto* view = gemm->add_args();
    view->set_offset_bytes(sig.offset_bytes());
    view->set_size_bytes(4 * sig.shape(0) * sig.shape(1));
  }
  std::string dir = testing::MakeTempDir("gemm");
  std::ofstream(dir + "/manifest.pb", std::ios::binary) << manifest.SerializeAsString();

  std::mt19937 rng(10);
  HostTensor a_t = testing::RandomF32({k, m}, rng), b = testing::RandomF32({k, n}, rng);
  HostTensor first;
  for (int threads : {1, 4}) {
    Session session(threads);
    Result<Program*> program = session.Load("gemm", dir);
    ASSERT_TRUE(program.ok()) << program.status().ToString();
    HostTensor c = std::move((*program)->Run("gemm", {&a_t, &b}).value()[0]);
    for (int64_t i = 0; i < m; ++i) {
      for (int64_t j = 0; j < n; ++j) {
        double want = 0;
        for (int64_t p = 0; p < k; ++p)
          want += double(a_t.data_as<float>()[p * m + i]) * b.data_as<float>()[p * n + j];
        ASSERT_NEAR(c.data_as<float>()[i * n + j], want, 1e-5) << i << "," << j;
      }
    }
    if (threads == 1)
      first = std::move(c);
    else
      EXPECT_TRUE(c == first);
  }
}

TEST(ProgramTest, RunBeforeWeightsAreLoaded) {
  Session session(1);
  Program* program = session.Load("mlp", TestBundle("unloaded")).value();
  HostTensor x = HostTensor::Allocate(DType::kF32, {2, 4}).value();
  Result<std::vector<HostTensor>> y = program->Run("forward", {&x});
  ASSERT_FALSE(y.ok());
  EXPECT_NE(y.status().message().find("parameter 'W' (init NORMAL) has not been loaded"),
            std::string::npos)
      << y.status().message();
}

TEST(ProgramTest, BadInputs) {
  Session session(1);
  Program* program = session.Load("mlp", TestBundle("inputs")).value();
  std::mt19937 rng(11);
  ASSERT_TRUE(program->SetParameter("W", testing::RandomF32({4, 3}, rng)).ok());
  ASSERT_TRUE(program->SetParameter("bias", testing::RandomF32({3}, rng)).ok());
  HostTensor wrong = testing::RandomF32({4, 2}, rng);
  Result<std::vector<HostTensor>> y = program->Run("forward", {&wrong});
  ASSERT_FALSE(y.ok());
  EXPECT_NE(y.status().message().find("forward input 0 'x' must be f32[2, 4], got f32[4, 2]"),
            std::string::npos)
      << y.status().message();
  EXPECT_FALSE(program->Run("forward", {}).ok());
  EXPECT_EQ(program->Run("backward", {&wrong}).status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(program->SetParameter("W", testing::RandomF32({3}, rng)).ok());
  EXPECT_EQ(program->SetParameter("nope", testing::RandomF32({3}, rng)).code(),
            StatusCode::kNotFound);
}

TEST(ProgramTest, WeightsOfAnotherProgram) {
  std::string dir = TestBundle("foreign");
  std::mt19937 rng(12);
  SafetensorsFile weights;
  weights.tensors["W"] = testing::RandomF32({4, 3}, rng);
  weights.tensors["other"] = testing::RandomF32({3}, rng);
  ASSERT_TRUE(WriteSafetensorsFile(dir + "/w.safetensors", weights).ok());
  Session session(1);
  Status status = session.Load("mlp", dir).value()->LoadParameters(dir + "/w.safetensors");
  EXPECT_NE(status.message().find("tensor 'other' is not a parameter"), std::string::npos)
      << status.ToString();
}

TEST(ProgramTest, MissingKernelSymbol) {
  Manifest manifest = testing::TestManifest();
  manifest.mutable_kernels(1)->set_symbol("loom_test_missing");
  Session session(1);
  Result<Program*> program = session.Load("mlp", TestBundle("symbol", manifest));
  ASSERT_FALSE(program.ok());
  EXPECT_NE(program.status().message().find(
                "kernels[1] 'softmax_rows': symbol 'loom_test_missing' is not exported"),
            std::string::npos)
      << program.status().message();
}

// A "cuda" bundle carries its kernels three ways (cubin, PTX, host .so) and their thread blocks:
// one without them is refused at load, before any device is chosen. (A complete one runs on the
// CPU and, through the stand-in driver, on the CUDA executor: cuda_executor_test.cpp.)
TEST(ProgramTest, CudaBundleWithoutItsCudaFilesIsRefused) {
  Manifest manifest = testing::TestManifest();
  manifest.set_target("cuda");
  Session session(1);
  Result<Program*> program = session.Load("mlp", TestBundle("cuda", manifest));
  ASSERT_FALSE(program.ok());
  EXPECT_EQ(program.status().code(), StatusCode::kInvalidFormat);
  EXPECT_NE(program.status().message().find("block: 0 entries, not 3"),
            std::string::npos)
      << program.status().message();
}

}  // namespace
}  // namespace loom::rt
