// loom-run generate (issue 7): the streaming UTF-8 decoder, the sampler and the command line as
// units; end to end on the tiny Llama (models/llama/tiny.textproto), compiled by loomc and
// trained for a few hundred steps when the suite starts: greedy text is the same with and
// without the KV cache, seeded sampling repeats, top-k 1 is greedy, and wrong weights, a bundle
// without @prefill and bad flags get clear errors.
//
// A runtime-only build (-DLOOM_BUILD_COMPILER=OFF) has no loomc and skips the end-to-end
// tests, unless LOOM_LOOMC names one.

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "runtime/bundle/test_manifest.h"
#include "runtime/io/safetensors.h"
#include "runtime/tools/generate.h"
#include "runtime/tools/generate_args.h"
#include "runtime/tools/test_shell.h"

namespace loom::rt {
namespace {

namespace fs = std::filesystem;
using testing::Outcome;
using testing::RunShell;

const std::string kFffd = "\xEF\xBF\xBD";

// ---- Utf8StreamDecoder ----

std::string PushAll(Utf8StreamDecoder& d, const std::string& bytes) {
  std::string out;
  for (char c : bytes) out += d.Push(static_cast<uint8_t>(c));
  return out;
}

TEST(Utf8StreamDecoderTest, HoldsBackASplitCharacterUntilItIsComplete) {
  Utf8StreamDecoder d;
  EXPECT_EQ(d.Push('a'), "a");
  EXPECT_EQ(d.Push(0xC3), "");  // é = C3 A9, one byte per token
  EXPECT_EQ(d.Push(0xA9), "\xC3\xA9");
  EXPECT_EQ(d.Push(0xF0), "");  // 😀 = F0 9F 98 80
  EXPECT_EQ(d.Push(0x9F), "");
  EXPECT_EQ(d.Push(0x98), "");
  EXPECT_EQ(d.Push(0x80), "\xF0\x9F\x98\x80");
  EXPECT_EQ(d.Push(0xE2), "");  // € = E2 82 AC
  EXPECT_EQ(d.Push(0x82), "");
  EXPECT_EQ(d.Push(0xAC), "\xE2\x82\xAC");
  EXPECT_EQ(d.Finish(), "");
}

TEST(Utf8StreamDecoderTest, ReplacesInvalidBytes) {
  Utf8StreamDecoder d;
  EXPECT_EQ(d.Push(0xFF), kFffd);
  EXPECT_EQ(d.Push(0x80), kFffd);  // a lone continuation byte
  EXPECT_EQ(d.Push(0xC0), kFffd);  // an overlong lead
  EXPECT_EQ(PushAll(d, "\xC3" "a"), kFffd + "a");    // a cut sequence, then ASCII
  EXPECT_EQ(PushAll(d, "\xE0\x80"), kFffd + kFffd);  // overlong: E0 needs A0..BF next
  EXPECT_EQ(PushAll(d, "\xED\xA0\x80"), kFffd + kFffd + kFffd);  // a surrogate
  EXPECT_EQ(PushAll(d, "\xF4\x90"), kFffd + kFffd);  // past U+10FFFF
  EXPECT_EQ(PushAll(d, "\xE2\x82\xE2\x82\xAC"), kFffd + "\xE2\x82\xAC");
  EXPECT_EQ(PushAll(d, "\xF0\x9F\x98"), "");
  EXPECT_EQ(d.Finish(), kFffd);  // cut off at the end
  EXPECT_EQ(d.Finish(), "");
  EXPECT_EQ(SanitizeUtf8("ok \xC3\xA9 \xFF!"), "ok \xC3\xA9 " + kFffd + "!");
}

// ---- SampleToken ----

std::vector<float> RandomLogits(int64_t vocab, std::mt19937& rng) {
  std::normal_distribution<float> normal(0, 2);
  std::vector<float> logits(static_cast<size_t>(vocab));
  for (float& l : logits) l = normal(rng);
  return logits;
}

TEST(SampleTokenTest, GreedyIsTheArgmaxWithTheLowestIdOnTies) {
  SampleRng rng(0, 0);
  const std::vector<float> logits{1, 3, 0, 3, -1};
  EXPECT_EQ(SampleToken(logits.data(), 5, SamplingOptions{}, rng), 1);
}

TEST(SampleTokenTest, TopKOneAndATinyTopPAreGreedy) {
  std::mt19937 gen(5);
  SampleRng rng(42, 0);
  for (int i = 0; i < 200; ++i) {
    std::vector<float> logits = RandomLogits(260, gen);
    const int64_t greedy = SampleToken(logits.data(), 260, SamplingOptions{}, rng);
    SamplingOptions k1{1.5, 1, 1.0, 0};
    EXPECT_EQ(SampleToken(logits.data(), 260, k1, rng), greedy);
    SamplingOptions p{1.5, 0, 1e-9, 0};
    EXPECT_EQ(SampleToken(logits.data(), 260, p, rng), greedy);
  }
}

TEST(SampleTokenTest, SeededDrawsRepeatAndFollowTheDistribution) {
  std::mt19937 gen(6);
  const std::vector<float> logits = RandomLogits(260, gen);
  SamplingOptions o{0.9, 40, 0.95, 0};
  auto draws = [&](uint64_t seed, uint64_t stream) {
    SampleRng rng(seed, stream);
    std::vector<int64_t> out;
    for (int i = 0; i < 100; ++i) out.push_back(SampleToken(logits.data(), 260, o, rng));
    return out;
  };
  EXPECT_EQ(draws(7, 3), draws(7, 3));
  EXPECT_NE(draws(7, 3), draws(8, 3));
  EXPECT_NE(draws(7, 3), draws(7, 4));

  // Two ids with probabilities 1/4 and 3/4 at temperature 1.
  const std::vector<float> two{0, std::log(3.0f)};
  SampleRng rng(1, 0);
  int ones = 0;
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    ones += SampleToken(two.data(), 2, SamplingOptions{1, 0, 1, 0}, rng) == 1;
  }
  EXPECT_NEAR(ones / double(n), 0.75, 0.015);
  // top-p 0.5 keeps only the likelier one; top-k limits to the likeliest k.
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(SampleToken(two.data(), 2, SamplingOptions{1, 0, 0.5, 0}, rng), 1);
  }
}

// ---- the command line ----

Status ParseError(std::vector<std::string> args) {
  Result<GenerateArgs> parsed = ParseGenerateArgs(args);
  return parsed.ok() ? OkStatus() : parsed.status();
}

TEST(GenerateArgsTest, ParsesEveryFlag) {
  Result<GenerateArgs> parsed = ParseGenerateArgs(
      {"B", "--checkpoint", "CK", "--prompt", "", "--prompt=x y", "--max-tokens", "7",
       "--temperature=0.7", "--top-k", "5", "--top-p", "0.9", "--seed", "18446744073709551615",
       "--no-cache", "--threads", "3"});
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const GenerateOptions& o = parsed->options;
  EXPECT_EQ(o.bundle_dir, "B");
  EXPECT_EQ(o.checkpoint, "CK");
  EXPECT_EQ(o.prompts, (std::vector<std::string>{"", "x y"}));
  EXPECT_EQ(o.max_tokens, 7);
  EXPECT_DOUBLE_EQ(o.sampling.temperature, 0.7);
  EXPECT_EQ(o.sampling.top_k, 5);
  EXPECT_DOUBLE_EQ(o.sampling.top_p, 0.9);
  EXPECT_EQ(o.sampling.seed, 18446744073709551615ull);
  EXPECT_FALSE(o.use_cache);
  EXPECT_EQ(o.threads, 3);
  EXPECT_TRUE(ParseGenerateArgs({"--help"})->help);
}

TEST(GenerateArgsTest, RefusesBadFlags) {
  const std::vector<std::string> base{"B", "--params", "W", "--prompt", "p"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return ParseError(args).message();
  };
  EXPECT_EQ(with({}), "");
  EXPECT_NE(with({"--top-p", "0"}).find("--top-p '0' is not a number in (0, 1]"),
            std::string::npos);
  EXPECT_NE(with({"--top-p", "1.5"}).find("is not a number"), std::string::npos);
  EXPECT_NE(with({"--temperature", "-1"}).find("--temperature '-1'"), std::string::npos);
  EXPECT_NE(with({"--temperature", "nan"}).find("is not a number"), std::string::npos);
  EXPECT_NE(with({"--max-tokens", "0"}).find("--max-tokens '0' is not a whole number"),
            std::string::npos);
  EXPECT_NE(with({"--top-k", "-1"}).find("--top-k"), std::string::npos);
  EXPECT_NE(with({"--seed", "-1"}).find("--seed '-1'"), std::string::npos);
  EXPECT_NE(with({"--bogus", "1"}).find("unknown flag '--bogus'"), std::string::npos);
  EXPECT_NE(with({"--max-tokens"}).find("--max-tokens needs a value"), std::string::npos);
  EXPECT_NE(with({"extra"}).find("unexpected argument 'extra'"), std::string::npos);
  EXPECT_NE(with({"--checkpoint", "CK"}).find("exactly one of --checkpoint and --params"),
            std::string::npos);
  EXPECT_NE(with({"--prompts", "P.jsonl"}).find("--prompt TEXT or --prompts"),
            std::string::npos);
  EXPECT_NE(ParseError({"B", "--params", "W"}).message().find("--prompt TEXT or --prompts"),
            std::string::npos);
  EXPECT_NE(ParseError({"--params", "W", "--prompt", "p"}).message().find("missing the bundle"),
            std::string::npos);
  EXPECT_NE(ParseError({"B", "--prompt"}).message().find("--prompt needs a value"),
            std::string::npos);
}

TEST(GenerateCommandTest, BundleWithoutPrefillIsRefused) {
  const std::string dir = testing::MakeTempDir("generate_no_prefill");
  ASSERT_TRUE(testing::WriteTestBundle(dir + "/bundle", testing::TestManifest(),
                                       LOOM_TEST_KERNELS_SO)
                  .ok());
  Outcome out = RunShell(std::string(LOOM_RUN_BINARY) + " generate " + dir +
                         "/bundle --params none.safetensors --prompt hi");
  EXPECT_EQ(out.exit_code, 1);
  EXPECT_NE(out.output.find("loom-run generate: error:"), std::string::npos) << out.output;
  EXPECT_NE(out.output.find("no entry point @prefill"), std::string::npos) << out.output;
  EXPECT_NE(out.output.find("it has: @forward"), std::string::npos) << out.output;
  Outcome flags = RunShell(std::string(LOOM_RUN_BINARY) + " generate " + dir +
                           "/bundle --params w --prompt hi --top-k x");
  EXPECT_EQ(flags.exit_code, 1);
  EXPECT_NE(flags.output.find("--top-k 'x' is not a whole number"), std::string::npos)
      << flags.output;
}

// ---- end to end on the tiny Llama ----

const std::string kSourceDir = LOOM_SOURCE_DIR;
const std::string kSpec = kSourceDir + "/models/llama/tiny.textproto";
const std::string kCorpus = kSourceDir + "/data/corpus/corpus.txt";

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

class LoomRunGenerateTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    testing::CompiledBundle compiled =
        testing::CompileTestBundle("loom_run_generate", kSpec, "generate");
    skip_ = compiled.skip;
    setup_error_ = compiled.error;
    root_ = compiled.root;
    bundle_ = compiled.bundle;
    if (!skip_.empty() || !setup_error_.empty()) return;
    // A few hundred steps: enough for varied, non-uniform logits.
    Outcome out = RunShell(std::string(LOOM_RUN_BINARY) + " train " + bundle_ + " --spec " + kSpec +
                   " --data " + kCorpus + " --steps 300 --checkpoint-dir " + root_ +
                   "/ck --checkpoint-every 300 --threads 2 --progress never");
    if (out.exit_code != 0) setup_error_ = "loom-run train failed:\n" + out.output;
    prompts_ = root_ + "/prompts.jsonl";
    std::ofstream(prompts_) << "{\"prompt\": \"The \"}\n"
                               "{\"prompt\": \"Once upon a time, \"}\n"
                               "\n"
                               "{\"prompt\": \"caf\\u00e9 \"}\n"
                               "{\"prompt\": \"\"}\n"
                               "{\"prompt\": \"And then she said\"}\n";
  }
  static void TearDownTestSuite() {
    if (!root_.empty() && !::testing::Test::HasFailure()) fs::remove_all(root_);
  }
  void SetUp() override {
    if (!skip_.empty()) GTEST_SKIP() << skip_;
    ASSERT_TRUE(setup_error_.empty()) << setup_error_;
  }

  struct Run {
    int exit_code;
    std::string out, err;
  };
  // loom-run generate BUNDLE ARGS: stdout and stderr apart.
  static Run Generate(const std::string& args, const std::string& bundle = bundle_) {
    const std::string out_path = root_ + "/stdout.txt";
    Outcome o = RunShell("(" + std::string(LOOM_RUN_BINARY) + " generate " + bundle + " " + args +
                         " --threads 2 > " + out_path + ")");
    return Run{o.exit_code, ReadAll(out_path), o.output};
  }

  static std::string skip_, setup_error_, root_, bundle_, prompts_;
};

std::string LoomRunGenerateTest::skip_, LoomRunGenerateTest::setup_error_,
    LoomRunGenerateTest::root_, LoomRunGenerateTest::bundle_, LoomRunGenerateTest::prompts_;

TEST_F(LoomRunGenerateTest, GreedyTextIsTheSameWithAndWithoutTheCache) {
  // Five prompts: a full batch of 4, then one prompt and three padding rows.
  const std::string args = "--checkpoint " + root_ + "/ck --prompts " + prompts_ +
                           " --max-tokens 40";
  Run cached = Generate(args);
  ASSERT_EQ(cached.exit_code, 0) << cached.err;
  Run uncached = Generate(args + " --no-cache");
  ASSERT_EQ(uncached.exit_code, 0) << uncached.err;
  EXPECT_EQ(cached.out, uncached.out);
  EXPECT_NE(cached.err.find("tokens/s (KV cache, batch 4"), std::string::npos) << cached.err;
  EXPECT_NE(uncached.err.find("tokens/s (no cache, batch 4"), std::string::npos);

  std::istringstream lines(cached.out);
  std::string line;
  std::vector<nlohmann::json> rows;
  while (std::getline(lines, line)) rows.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(rows.size(), 5u) << cached.out;
  EXPECT_EQ(rows[0]["prompt"], "The ");
  EXPECT_EQ(rows[2]["prompt"], "caf\xC3\xA9 ");
  EXPECT_EQ(rows[3]["prompt"], "");
  for (const auto& row : rows) {
    const std::string completion = row["completion"].get<std::string>();
    EXPECT_FALSE(completion.empty());
    EXPECT_LE(completion.size(), 40u * 3);  // bytes, or U+FFFD
  }

  // Text mode: the same completion, streamed, one line; the checkpoint's step folder and its
  // model.safetensors give the same weights as the checkpoint folder.
  Run text = Generate("--checkpoint " + root_ + "/ck/step-00000300 --prompt 'The ' "
                      "--max-tokens 40");
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(text.out, rows[0]["completion"].get<std::string>() + "\n");
  Run file = Generate("--params " + root_ + "/ck/step-00000300/model.safetensors "
                      "--prompt 'The ' --max-tokens 40 --no-cache");
  EXPECT_EQ(file.out, text.out) << file.err;
}

TEST_F(LoomRunGenerateTest, SeededSamplingRepeatsAndTopKOneIsGreedy) {
  const std::string base = "--checkpoint " + root_ + "/ck --prompts " + prompts_ +
                           " --max-tokens 30 ";
  Run a = Generate(base + "--temperature 1 --top-p 0.95 --seed 11");
  Run b = Generate(base + "--temperature 1 --top-p 0.95 --seed 11");
  Run c = Generate(base + "--temperature 1 --top-p 0.95 --seed 12");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(a.out, b.out);
  EXPECT_NE(a.out, c.out);
  // The draws of a prompt do not depend on the path: the cache or not.
  Run d = Generate(base + "--temperature 1 --top-p 0.95 --seed 11 --no-cache");
  EXPECT_EQ(a.out, d.out);

  Run greedy = Generate(base);
  Run top1 = Generate(base + "--temperature 0.8 --top-k 1 --seed 5");
  ASSERT_EQ(top1.exit_code, 0) << top1.err;
  EXPECT_EQ(greedy.out, top1.out);
}

TEST_F(LoomRunGenerateTest, RefusesWeightsOfAnotherBundle) {
  const std::string model = root_ + "/ck/step-00000300/model.safetensors";
  Result<SafetensorsFile> file = ReadSafetensorsFile(model);
  ASSERT_TRUE(file.ok()) << file.status().ToString();

  SafetensorsFile reshaped;  // one tensor of another shape
  for (auto& [name, tensor] : file->tensors) {
    Result<HostTensor> copy = tensor.Clone();
    ASSERT_TRUE(copy.ok());
    reshaped.tensors[name] = std::move(*copy);
  }
  Result<HostTensor> wide = HostTensor::Allocate(DType::kF32, {260, 32});
  ASSERT_TRUE(wide.ok());
  reshaped.tensors["model.embed_tokens.weight"] = std::move(*wide);
  ASSERT_TRUE(WriteSafetensorsFile(root_ + "/reshaped.safetensors", reshaped).ok());
  Run r = Generate("--params " + root_ + "/reshaped.safetensors --prompt hi");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("are not for the bundle"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("model.embed_tokens.weight"), std::string::npos) << r.err;

  file->tensors.erase("lm_head.weight");  // a tensor missing
  ASSERT_TRUE(WriteSafetensorsFile(root_ + "/partial.safetensors", *file).ok());
  Run p = Generate("--params " + root_ + "/partial.safetensors --prompt hi");
  EXPECT_EQ(p.exit_code, 1);
  EXPECT_NE(p.err.find("no tensor 'lm_head.weight'"), std::string::npos) << p.err;

  Run missing = Generate("--checkpoint " + root_ + "/nowhere --prompt hi");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("no such file or folder"), std::string::npos) << missing.err;
  fs::create_directories(root_ + "/empty_ck");
  Run empty = Generate("--checkpoint " + root_ + "/empty_ck --prompt hi");
  EXPECT_EQ(empty.exit_code, 1);
  EXPECT_NE(empty.err.find("no complete step-N checkpoint"), std::string::npos) << empty.err;

  std::ofstream(root_ + "/bad.jsonl") << "{\"prompt\": \"ok\"}\n[1, 2]\n";
  Run bad = Generate("--params " + model + " --prompts " + root_ + "/bad.jsonl");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("bad.jsonl:2: not a JSON object"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace loom::rt
