// A program's checkpoint files on the runtime's test bundle (runtime/bundle/test_manifest.h)
// with two optimizer arenas and a gradient arena added: parameters and moments restore bit for
// bit into a fresh program, mismatches are refused, and NORMAL parameters are drawn
// deterministically from the seed.
#include "runtime/train/checkpoint_state.h"

#include <cmath>
#include <cstring>
#include <random>

#include <gtest/gtest.h>

#include "runtime/bundle/test_manifest.h"
#include "runtime/data/byte_corpus.h"
#include "runtime/exec/session.h"
#include "runtime/io/safetensors.h"

namespace loom::rt {
namespace {

using loom::bundle::Arena;
using loom::bundle::Manifest;

// The test manifest plus adam_m (64 B), adam_v (64 B) and grads (64 B).
Manifest TrainingManifest() {
  Manifest m = testing::TestManifest();
  for (auto [name, kind] : {std::pair{"adam_m", Arena::OPTIMIZER},
                            std::pair{"adam_v", Arena::OPTIMIZER},
                            std::pair{"grads", Arena::GRADIENTS}}) {
    Arena* a = m.add_arenas();
    a->set_name(name);
    a->set_size_bytes(64);
    a->set_alignment(64);
    a->set_kind(kind);
  }
  return m;
}

class CheckpointStateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir(::testing::UnitTest::GetInstance()->current_test_info()->name());
    ASSERT_TRUE(
        testing::WriteTestBundle(dir_ + "/bundle", TrainingManifest(), LOOM_TEST_KERNELS_SO).ok());
  }
  Program* Load(const std::string& name) {
    Result<Program*> program = session_.Load(name, dir_ + "/bundle");
    EXPECT_TRUE(program.ok()) << program.status().ToString();
    return program.ok() ? *program : nullptr;
  }
  std::string Write(const std::string& name, const std::string& bytes) {
    const std::string path = dir_ + "/" + name;
    FILE* f = std::fopen(path.c_str(), "wb");
    std::fwrite(bytes.data(), 1, bytes.size(), f);
    std::fclose(f);
    return path;
  }
  std::string dir_;
  Session session_{2};
};

std::string RandomBytes(size_t n, std::mt19937& rng) {
  std::string bytes(n, '\0');
  for (char& c : bytes) c = static_cast<char>(rng());
  return bytes;
}

TEST_F(CheckpointStateTest, ParametersAndMomentsRestoreBitForBit) {
  std::mt19937 rng(11);
  Program* a = Load("a");
  ASSERT_TRUE(a->SetParameter("W", testing::RandomF32({4, 3}, rng)).ok());
  ASSERT_TRUE(a->SetParameter("bias", testing::RandomF32({3}, rng)).ok());
  const std::string m = RandomBytes(64, rng), v = RandomBytes(64, rng);
  ASSERT_TRUE(a->SetArenaBytes("adam_m", m).ok());
  ASSERT_TRUE(a->SetArenaBytes("adam_v", v).ok());
  Result<std::string> model = EncodeModel(*a);
  Result<std::string> optimizer = EncodeOptimizer(*a);
  ASSERT_TRUE(model.ok() && optimizer.ok());

  // The optimizer file: one f32 tensor per OPTIMIZER arena, named after it.
  SafetensorsFile file = ReadSafetensorsFile(Write("optimizer.safetensors", *optimizer)).value();
  ASSERT_EQ(file.tensors.size(), 2u);
  EXPECT_EQ(file.tensors.at("adam_m").dtype(), DType::kF32);
  EXPECT_EQ(file.tensors.at("adam_m").shape(), (Shape{16}));
  EXPECT_EQ(file.metadata.count("loom.layout"), 1u);

  Program* b = Load("b");
  ASSERT_TRUE(RestoreModel(*b, Write("model.safetensors", *model)).ok());
  ASSERT_TRUE(RestoreOptimizer(*b, dir_ + "/optimizer.safetensors").ok());
  EXPECT_TRUE(b->GetParameter("W").value() == a->GetParameter("W").value());
  EXPECT_TRUE(b->GetParameter("bias").value() == a->GetParameter("bias").value());
  EXPECT_EQ(*b->ArenaBytes("adam_m"), m);
  EXPECT_EQ(*b->ArenaBytes("adam_v"), v);
  EXPECT_EQ(*EncodeModel(*b), *model);
  EXPECT_EQ(*EncodeOptimizer(*b), *optimizer);
}

TEST_F(CheckpointStateTest, MismatchesAreRefused) {
  std::mt19937 rng(12);
  Program* program = Load("p");
  SafetensorsFile partial;
  partial.tensors["W"] = testing::RandomF32({4, 3}, rng);
  const std::string partial_path = dir_ + "/partial.safetensors";
  ASSERT_TRUE(WriteSafetensorsFile(partial_path, partial).ok());
  Status status = RestoreModel(*program, partial_path);
  EXPECT_NE(status.message().find("no tensor for parameter 'bias'"), std::string::npos)
      << status.ToString();

  partial.tensors["bias"] = testing::RandomF32({3}, rng);
  partial.tensors["extra"] = testing::RandomF32({1}, rng);
  ASSERT_TRUE(WriteSafetensorsFile(partial_path, partial).ok());
  status = RestoreModel(*program, partial_path);
  EXPECT_NE(status.message().find("tensor 'extra' is not a parameter"), std::string::npos)
      << status.ToString();

  SafetensorsFile moments;
  moments.tensors["adam_m"] = testing::RandomF32({16}, rng);
  moments.tensors["adam_v"] = testing::RandomF32({8}, rng);
  const std::string moments_path = dir_ + "/moments.safetensors";
  ASSERT_TRUE(WriteSafetensorsFile(moments_path, moments).ok());
  status = RestoreOptimizer(*program, moments_path);
  EXPECT_NE(status.message().find("tensor 'adam_v' holds 32 bytes, but the arena"),
            std::string::npos)
      << status.ToString();
}

TEST_F(CheckpointStateTest, NormalParametersAreDrawnFromTheSeed) {
  Program* a = Load("a");
  Program* b = Load("b");
  Program* c = Load("c");
  ASSERT_TRUE(InitializeNormalParameters(*a, 1234).ok());
  ASSERT_TRUE(InitializeNormalParameters(*b, 1234).ok());
  ASSERT_TRUE(InitializeNormalParameters(*c, 1235).ok());
  HostTensor w = a->GetParameter("W").value();
  EXPECT_TRUE(w == b->GetParameter("W").value());
  EXPECT_FALSE(w == c->GetParameter("W").value());
  // The first element: Box-Muller's cosine branch over the first two splitmix64 uniforms.
  auto uniform = [](uint64_t counter) {
    return (static_cast<double>(SplitMix64(1234 + counter) >> 11) + 1.0) * 0x1p-53;
  };
  const double std = static_cast<double>(0.02f);  // the manifest's init_std is a float
  const double first = std * std::sqrt(-2.0 * std::log(uniform(0))) *
                       std::cos(2.0 * M_PI * uniform(1));
  EXPECT_EQ(w.data_as<float>()[0], static_cast<float>(first));
  // W's 12 elements take counters 0..23, so bias starts at 24.
  const double bias0 = std * std::sqrt(-2.0 * std::log(uniform(24))) *
                       std::cos(2.0 * M_PI * uniform(25));
  EXPECT_EQ(a->GetParameter("bias").value().data_as<float>()[0], static_cast<float>(bias0));
  // Every parameter is set, so the program runs.
  std::mt19937 rng(1);
  HostTensor x = testing::RandomF32({2, 4}, rng);
  EXPECT_TRUE(a->Run("forward", {&x}).ok());
}

}  // namespace
}  // namespace loom::rt
