// loom-run run end to end: the test bundle (runtime/bundle/test_manifest.h) with .npy and
// safetensors inputs and outputs, and the exit code and message of each kind of mistake.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cmath>
#include <cstdio>
#include <random>

#include "runtime/bundle/test_manifest.h"
#include "runtime/io/npy.h"
#include "runtime/io/safetensors.h"
#include "runtime/tools/run_args.h"
#include "runtime/tools/test_shell.h"

namespace loom::rt {
namespace {

using testing::Outcome;

Outcome LoomRun(const std::string& args) {
  return testing::RunShell(std::string(LOOM_RUN_BINARY) + " " + args);
}

class LoomRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir(::testing::UnitTest::GetInstance()->current_test_info()->name());
    ASSERT_TRUE(
        testing::WriteTestBundle(dir_ + "/bundle", testing::TestManifest(), LOOM_TEST_KERNELS_SO)
            .ok());
    std::mt19937 rng(3);
    SafetensorsFile weights;
    weights.tensors["W"] = testing::RandomF32({4, 3}, rng);
    weights.tensors["bias"] = testing::RandomF32({3}, rng);
    ASSERT_TRUE(WriteSafetensorsFile(dir_ + "/w.safetensors", weights).ok());
    x_ = testing::RandomF32({2, 4}, rng);
    ASSERT_TRUE(WriteNpyFile(dir_ + "/x.npy", x_).ok());
  }
  std::string dir_;
  HostTensor x_;
};

TEST_F(LoomRunTest, NpyInAndOut) {
  Outcome out = LoomRun("run " + dir_ + "/bundle --function forward --params " + dir_ +
                        "/w.safetensors --input @" + dir_ + "/x.npy --output @" + dir_ +
                        "/y.npy --threads 2");
  ASSERT_EQ(out.exit_code, 0) << out.output;
  HostTensor y = ReadNpyFile(dir_ + "/y.npy").value();
  ASSERT_EQ(y.shape(), (Shape{2, 3}));
  for (int r = 0; r < 2; ++r) {  // softmax rows sum to 1
    float sum = 0;
    for (int j = 0; j < 3; ++j) sum += y.data_as<float>()[r * 3 + j];
    EXPECT_NEAR(sum, 1.0f, 1e-6);
  }
}

TEST_F(LoomRunTest, SafetensorsInAndOutMatchNpy) {
  SafetensorsFile in;
  in.tensors["x"] = x_.Clone().value();
  ASSERT_TRUE(WriteSafetensorsFile(dir_ + "/in.safetensors", in).ok());
  std::string common =
      "run " + dir_ + "/bundle --function=forward --params=" + dir_ + "/w.safetensors ";
  ASSERT_EQ(LoomRun(common + "--inputs-safetensors " + dir_ +
                    "/in.safetensors --outputs-safetensors " + dir_ + "/out.safetensors")
                .exit_code,
            0);
  ASSERT_EQ(LoomRun(common + "--input " + dir_ + "/x.npy --output " + dir_ + "/y.npy").exit_code,
            0);
  SafetensorsFile out = ReadSafetensorsFile(dir_ + "/out.safetensors").value();
  EXPECT_TRUE(out.tensors.at("y") == ReadNpyFile(dir_ + "/y.npy").value());
}

TEST_F(LoomRunTest, ErrorsExitWithOne) {
  const std::string bundle = dir_ + "/bundle", w = " --params " + dir_ + "/w.safetensors";
  const std::string io = " --input @" + dir_ + "/x.npy --output @" + dir_ + "/y.npy";
  struct Case {
    std::string args, message;
  };
  const Case cases[] = {
      {"", "usage: loom-run"},
      {"bogus", "unknown command 'bogus'"},
      {"train", "loom-run train: error: missing the bundle directory"},
      {"train " + bundle + " --steps 2 --accum 0", "--accum '0' is not a whole number"},
      {"train " + bundle + " --steps 2 --progress sometimes", "--progress 'sometimes'"},
      {"train " + bundle, "missing --steps"},
      {"train " + bundle + " --steps 2 --data " + dir_ + "/x.npy",
       "no @grad_step and @apply_step"},
      {"run " + bundle + io, "missing --function"},
      {"run --function forward" + io, "missing the bundle directory"},
      {"run " + bundle + " --function forward --input @" + dir_ + "/x.npy", "no --output"},
      {"run " + bundle + " --function forward --bogus 1" + io, "unknown flag '--bogus'"},
      {"run " + bundle + " --function forward --threads 0" + io, "--threads '0'"},
      {"run " + dir_ + "/nowhere --function forward" + io, "nowhere/manifest.pb: cannot open"},
      {"run " + bundle + " --function backward" + w + io,
       "no entry point 'backward' (it has: forward)"},
      {"run " + bundle + " --function forward" + io,
       "parameter 'W' (init NORMAL) has not been loaded"},
      {"run " + bundle + " --function forward" + w + " --output @" + dir_ + "/y.npy",
       "forward takes 1 inputs, but 0 --input files"},
      {"run " + bundle + " --function forward" + w + " --input @" + dir_ +
           "/missing.npy --output @" + dir_ + "/y.npy",
       "missing.npy"},
      {"run " + bundle + " --function forward --params " + dir_ + "/x.npy" + io, "x.npy"},
  };
  for (const Case& c : cases) {
    Outcome out = LoomRun(c.args);
    EXPECT_EQ(out.exit_code, 1) << c.args << "\n" << out.output;
    EXPECT_NE(out.output.find(c.message), std::string::npos)
        << c.args << "\noutput: " << out.output << "\nexpected: " << c.message;
  }
}

TEST(LoomRunBinaryTest, TrainHelp) {
  Outcome out = LoomRun("train --help");
  EXPECT_EQ(out.exit_code, 0);
  EXPECT_EQ(out.output.rfind("usage: loom-run train DIR", 0), 0u) << out.output;
  for (const char* flag : {"--data", "--steps", "--accum", "--seed", "--spec", "--checkpoint-dir",
                           "--checkpoint-every", "--keep", "--no-resume", "--params",
                           "--metrics", "--log-every", "--threads", "--progress"}) {
    EXPECT_NE(out.output.find(flag), std::string::npos) << flag;
  }
  out = LoomRun("--help");
  EXPECT_NE(out.output.find("train     train a compiled bundle"), std::string::npos) << out.output;
}

TEST(LoomRunBinaryTest, GenerateHelp) {
  Outcome out = LoomRun("generate --help");
  EXPECT_EQ(out.exit_code, 0);
  EXPECT_EQ(out.output.rfind("usage: loom-run generate DIR", 0), 0u) << out.output;
  for (const char* flag : {"--checkpoint", "--params", "--prompt", "--prompts", "--max-tokens",
                           "--temperature", "--top-k", "--top-p", "--seed", "--no-cache",
                           "--threads"}) {
    EXPECT_NE(out.output.find(flag), std::string::npos) << flag;
  }
  out = LoomRun("--help");
  EXPECT_NE(out.output.find("generate  complete prompts"), std::string::npos) << out.output;
}

TEST(LoomRunBinaryTest, ProtobufIsLinkedStatically) {
  FILE* pipe = popen(("readelf -d " + std::string(LOOM_RUN_BINARY) + " 2>&1").c_str(), "r");
  std::string text;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) text.append(buffer, n);
  ASSERT_EQ(pclose(pipe), 0) << text;
  EXPECT_NE(text.find("NEEDED"), std::string::npos) << text;
  EXPECT_EQ(text.find("libprotobuf"), std::string::npos) << text;
}

}  // namespace
}  // namespace loom::rt
