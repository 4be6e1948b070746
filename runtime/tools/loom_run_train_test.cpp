// loom-run train end to end on the tiny Llama (models/llama/tiny.textproto), compiled by loomc
// when the suite starts: a run killed with SIGKILL at a random step and resumed repeats the
// uninterrupted run's losses bit for bit; a truncated or corrupted checkpoint is reported and
// skipped; a checkpoint of another bundle or other data is refused; --accum averages the
// micro-batch gradients; bad data gets a clear error.
//
// A runtime-only build (-DLOOM_BUILD_COMPILER=OFF) has no loomc and skips these tests, unless
// LOOM_LOOMC names one. LOOM_TRAIN_KILL_STEP=k fixes the step after which the kill lands.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "runtime/data/byte_corpus.h"
#include "runtime/exec/session.h"
#include "runtime/tools/test_shell.h"
#include "runtime/train/checkpoint.h"
#include "runtime/train/checkpoint_state.h"

namespace loom::rt {
namespace {

namespace fs = std::filesystem;

const std::string kSourceDir = LOOM_SOURCE_DIR;
const std::string kSpec = kSourceDir + "/models/llama/tiny.textproto";
const std::string kCorpus = kSourceDir + "/data/corpus/corpus.txt";

using testing::Outcome;
using testing::RunShell;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// What must repeat bit for bit, per step, from a metrics file; timing fields are left out.
struct StepRecord {
  std::string loss_bits;
  double loss, grad_norm;
  nlohmann::json lr;
  bool skipped;
  int64_t data_cursor, tokens;
  bool operator==(const StepRecord& o) const {
    return loss_bits == o.loss_bits && loss == o.loss && grad_norm == o.grad_norm && lr == o.lr &&
           skipped == o.skipped && data_cursor == o.data_cursor && tokens == o.tokens;
  }
};

// Steps in file order; a step that appears twice fails the test.
std::map<int64_t, StepRecord> ReadMetrics(const std::string& path) {
  std::map<int64_t, StepRecord> out;
  std::istringstream lines(ReadAll(path));
  std::string line;
  while (std::getline(lines, line)) {
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    EXPECT_TRUE(j.is_object()) << path << ": " << line;
    if (!j.is_object()) continue;
    const int64_t step = j["step"].get<int64_t>();
    EXPECT_EQ(out.count(step), 0u) << path << ": step " << step << " appears twice";
    out[step] = StepRecord{j["loss_bits"].get<std::string>(), j["loss"].get<double>(),
                           j["grad_norm"].get<double>(), j["lr"], j["skipped"].get<bool>(),
                           j["data_cursor"].get<int64_t>(), j["tokens"].get<int64_t>()};
  }
  return out;
}

// The last complete step in a metrics file that is being written.
int64_t LastStep(const std::string& path) {
  const std::string text = ReadAll(path);
  const size_t end = text.rfind('\n');
  if (end == std::string::npos) return 0;
  const size_t begin = text.rfind('\n', end - 1);
  const std::string line = text.substr(begin == std::string::npos ? 0 : begin + 1,
                                       end - (begin == std::string::npos ? 0 : begin + 1));
  nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
  return j.is_object() && j.contains("step") ? j["step"].get<int64_t>() : 0;
}

class LoomRunTrainTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    testing::CompiledBundle compiled = testing::CompileTestBundle("loom_run_train", kSpec, "train");
    skip_ = compiled.skip;
    bundle_error_ = compiled.error;
    root_ = compiled.root;
    bundle_ = compiled.bundle;
  }
  static void TearDownTestSuite() {
    if (!root_.empty() && !::testing::Test::HasFailure()) fs::remove_all(root_);
  }

  void SetUp() override {
    if (!skip_.empty()) GTEST_SKIP() << skip_;
    ASSERT_TRUE(bundle_error_.empty()) << bundle_error_;
    dir_ = root_ + "/" + ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }

  // The argument list of a 12-step run checkpointing every 3 steps into `ck`.
  static std::vector<std::string> TrainArgs(const std::string& ck, int64_t steps = 12) {
    return {"train",         bundle_,      "--spec",      kSpec,    "--data",
            kCorpus,         "--steps",    std::to_string(steps),   "--checkpoint-dir",
            ck,              "--checkpoint-every", "3",   "--keep", "10",
            "--threads",     "1",          "--log-every", "1",      "--progress",
            "never"};
  }
  static Outcome Train(const std::vector<std::string>& args) {
    std::string command = LOOM_RUN_BINARY;
    for (const std::string& a : args) command += " '" + a + "'";
    return RunShell(command);
  }

  // Starts loom-run with `args`, its output to `log`.
  static pid_t Spawn(const std::vector<std::string>& args, const std::string& log) {
    std::vector<char*> argv{const_cast<char*>(LOOM_RUN_BINARY)};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    pid_t pid = fork();
    if (pid == 0) {
      int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
      ::execv(LOOM_RUN_BINARY, argv.data());
      _exit(127);
    }
    return pid;
  }

  // Waits until the metrics file shows step >= `step`, then sends `signal`; returns the
  // child's wait status.
  static int SignalAfterStep(pid_t pid, const std::string& metrics, int64_t step, int signal) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    int status = 0;
    while (LastStep(metrics) < step) {
      if (::waitpid(pid, &status, WNOHANG) == pid) return status;  // ended on its own
      if (std::chrono::steady_clock::now() > deadline) break;
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    ::kill(pid, signal);
    ::waitpid(pid, &status, 0);
    return status;
  }

  static std::string skip_, bundle_error_, root_, bundle_;
  std::string dir_;
};

std::string LoomRunTrainTest::skip_, LoomRunTrainTest::bundle_error_, LoomRunTrainTest::root_,
    LoomRunTrainTest::bundle_;

TEST_F(LoomRunTrainTest, KilledAndResumedRunRepeatsTheLossesBitForBit) {
  const std::string a = dir_ + "/uninterrupted", b = dir_ + "/killed";
  Outcome straight = Train(TrainArgs(a));
  ASSERT_EQ(straight.exit_code, 0) << straight.output;
  EXPECT_NE(straight.output.find("starting at step 0: seed 1234"), std::string::npos);
  // The log line: step, loss, grad norm, the spec's lr (3e-3 / 20 warmup steps at step 1).
  EXPECT_NE(straight.output.find("step  1/12  loss 5."), std::string::npos) << straight.output;
  EXPECT_NE(straight.output.find("lr 1.500e-04"), std::string::npos) << straight.output;
  EXPECT_NE(straight.output.find("ms/step"), std::string::npos);
  EXPECT_NE(straight.output.find("saved checkpoint " + a + "/step-00000012"), std::string::npos);

  // The kill lands after a random step past the first checkpoint (step 3): mid-step or
  // mid-checkpoint, wherever the process happens to be.
  std::random_device random;
  int64_t kill_step = std::uniform_int_distribution<int64_t>(4, 10)(random);
  if (const char* env = std::getenv("LOOM_TRAIN_KILL_STEP")) kill_step = std::atoll(env);
  SCOPED_TRACE("killed after step " + std::to_string(kill_step) +
               " (LOOM_TRAIN_KILL_STEP=" + std::to_string(kill_step) + " repeats it)");
  pid_t pid = Spawn(TrainArgs(b), dir_ + "/killed.log");
  ASSERT_GT(pid, 0);
  const int status = SignalAfterStep(pid, b + "/metrics.jsonl", kill_step, SIGKILL);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "the run was not killed (it ended first?):\n" << ReadAll(dir_ + "/killed.log");
  const int64_t killed_at = LastStep(b + "/metrics.jsonl");
  ASSERT_LT(killed_at, 12) << "the kill came after the last step";

  Outcome resumed = Train(TrainArgs(b));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  const size_t from = resumed.output.find("resuming from");
  std::printf("killed after step %lld (metrics had reached step %lld); %s\n",
              static_cast<long long>(kill_step), static_cast<long long>(killed_at),
              from == std::string::npos
                  ? "no resume"
                  : resumed.output.substr(from, resumed.output.find('\n', from) - from).c_str());
  EXPECT_NE(resumed.output.find("resuming from " + b + "/step-0000000"), std::string::npos)
      << resumed.output;

  const std::map<int64_t, StepRecord> expected = ReadMetrics(a + "/metrics.jsonl");
  const std::map<int64_t, StepRecord> actual = ReadMetrics(b + "/metrics.jsonl");
  ASSERT_EQ(expected.size(), 12u);
  ASSERT_EQ(actual.size(), 12u) << ReadAll(b + "/metrics.jsonl");
  for (const auto& [step, record] : expected) {
    ASSERT_EQ(actual.count(step), 1u) << step;
    EXPECT_TRUE(actual.at(step) == record)
        << "step " << step << ": loss " << actual.at(step).loss_bits << " vs "
        << record.loss_bits << ", grad norm " << actual.at(step).grad_norm << " vs "
        << record.grad_norm;
  }
  EXPECT_LT(expected.at(12).loss, expected.at(1).loss);  // it trains
  // The final checkpoints are the same bytes: parameters, moments, state.
  for (const char* file : {kCheckpointModelFile, kCheckpointOptimizerFile, kCheckpointStateFile}) {
    EXPECT_TRUE(ReadAll(a + "/step-00000012/" + file) == ReadAll(b + "/step-00000012/" + file))
        << file;
  }
  EXPECT_TRUE(VerifyCheckpoint(b + "/step-00000012").ok());
}

TEST_F(LoomRunTrainTest, DamagedCheckpointsAreSkipped) {
  const std::string ck = dir_ + "/ck";
  ASSERT_EQ(Train(TrainArgs(ck, 6)).exit_code, 0);
  const std::string original = ReadAll(ck + "/metrics.jsonl");
  const std::string model6 = ck + "/step-00000006/model.safetensors";
  const std::string optimizer6 = ck + "/step-00000006/optimizer.safetensors";

  // Truncated: the run falls back to step 3 and repeats steps 4..6 exactly.
  fs::resize_file(model6, fs::file_size(model6) / 2);
  Outcome out = Train(TrainArgs(ck, 6));
  ASSERT_EQ(out.exit_code, 0) << out.output;
  EXPECT_NE(out.output.find("warning: skipping checkpoint " + ck +
                            "/step-00000006: model.safetensors: SHA-256 mismatch (the file is "
                            "truncated or corrupted"),
            std::string::npos)
      << out.output;
  // The damaged checkpoint is kept aside for inspection, out of the way of the next start.
  EXPECT_NE(out.output.find("; moved to " + ck + "/damaged-step-00000006\n"), std::string::npos)
      << out.output;
  EXPECT_EQ(fs::file_size(ck + "/damaged-step-00000006/model.safetensors"),
            fs::file_size(model6) / 2);
  EXPECT_NE(out.output.find("resuming from " + ck + "/step-00000003: step 3, data cursor 3"),
            std::string::npos)
      << out.output;
  std::ofstream(dir_ + "/original.jsonl") << original;
  const std::map<int64_t, StepRecord> before = ReadMetrics(dir_ + "/original.jsonl");
  ASSERT_EQ(before.size(), 6u);
  EXPECT_TRUE(ReadMetrics(ck + "/metrics.jsonl") == before);
  EXPECT_TRUE(VerifyCheckpoint(ck + "/step-00000006").ok());

  // Corrupted: one byte changed in the middle of the moments.
  {
    std::fstream f(optimizer6, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(static_cast<std::streamoff>(fs::file_size(optimizer6) / 2));
    const char c = static_cast<char>(f.peek());
    f.seekp(static_cast<std::streamoff>(fs::file_size(optimizer6) / 2));
    f.put(static_cast<char>(c ^ 1));
  }
  out = Train(TrainArgs(ck, 6));
  ASSERT_EQ(out.exit_code, 0) << out.output;
  EXPECT_NE(out.output.find("step-00000006: optimizer.safetensors: SHA-256 mismatch"),
            std::string::npos)
      << out.output;
  EXPECT_NE(out.output.find("resuming from " + ck + "/step-00000003"), std::string::npos);

  // Both damaged (and one unfinished): a fresh start, which repeats the same run.
  fs::resize_file(ck + "/step-00000003/state.json", 10);
  fs::remove(ck + "/step-00000006/COMPLETE");
  out = Train(TrainArgs(ck, 6));
  ASSERT_EQ(out.exit_code, 0) << out.output;
  EXPECT_NE(out.output.find("step-00000006: no COMPLETE marker"), std::string::npos)
      << out.output;
  EXPECT_NE(out.output.find("step-00000003: state.json: SHA-256 mismatch"), std::string::npos);
  EXPECT_NE(out.output.find("starting at step 0"), std::string::npos);
  EXPECT_TRUE(ReadMetrics(ck + "/metrics.jsonl") == before);
}

TEST_F(LoomRunTrainTest, CheckpointsOfAnotherRunAreRefused) {
  const std::string ck = dir_ + "/ck";
  ASSERT_EQ(Train(TrainArgs(ck, 3)).exit_code, 0);
  // Nothing more to train.
  Outcome out = Train(TrainArgs(ck, 3));
  ASSERT_EQ(out.exit_code, 0) << out.output;
  EXPECT_NE(out.output.find("already at step 3 (--steps 3): nothing to train"), std::string::npos);

  // Other data, another --accum or --seed: refused, naming the checkpoint.
  const std::string other = dir_ + "/other.txt";
  std::ofstream(other) << ReadAll(kCorpus).substr(0, 5000);
  std::vector<std::string> args = TrainArgs(ck, 6);
  args[5] = other;
  out = Train(args);
  EXPECT_EQ(out.exit_code, 1);
  EXPECT_NE(out.output.find(ck + "/step-00000003 was trained on other data"), std::string::npos)
      << out.output;
  args = TrainArgs(ck, 6);
  args.insert(args.end(), {"--accum", "2"});
  out = Train(args);
  EXPECT_NE(out.output.find("was trained with --accum 1, not 2"), std::string::npos) << out.output;
  args = TrainArgs(ck, 6);
  args.insert(args.end(), {"--seed", "5"});
  out = Train(args);
  EXPECT_NE(out.output.find("was trained with --seed 1234, not 5"), std::string::npos)
      << out.output;

  // A (complete, verified) checkpoint written for another bundle.
  const std::string path = ck + "/step-00000003";
  TrainState state = ParseTrainState(ReadAll(path + "/state.json"), "state.json").value();
  state.bundle_sha256 = std::string(64, 'f');
  ASSERT_TRUE(WriteCheckpoint(ck, 3,
                              {{kCheckpointModelFile, ReadAll(path + "/model.safetensors")},
                               {kCheckpointOptimizerFile, ReadAll(path + "/optimizer.safetensors")},
                               {kCheckpointStateFile, EncodeTrainState(state)}})
                  .ok());
  out = Train(TrainArgs(ck, 6));
  EXPECT_EQ(out.exit_code, 1);
  EXPECT_NE(out.output.find(path + " was written for another bundle (manifest.pb SHA-256 ffffff"),
            std::string::npos)
      << out.output;

  // --no-resume starts over in the folder.
  args = TrainArgs(ck, 3);
  args.push_back("--no-resume");
  out = Train(args);
  ASSERT_EQ(out.exit_code, 0) << out.output;
  EXPECT_NE(out.output.find("--no-resume: moved 1 old checkpoint(s) and the metrics file to " + ck +
                            "/previous-"),
            std::string::npos)
      << out.output;
  EXPECT_NE(out.output.find("starting at step 0"), std::string::npos);
}

TEST_F(LoomRunTrainTest, SigtermCheckpointsAndStops) {
  const std::string ck = dir_ + "/ck";
  std::vector<std::string> args = TrainArgs(ck, 200);
  args[11] = "100";  // --checkpoint-every 100: the stop writes its own checkpoint
  pid_t pid = Spawn(args, dir_ + "/log");
  const int status = SignalAfterStep(pid, ck + "/metrics.jsonl", 4, SIGTERM);
  ASSERT_TRUE(WIFEXITED(status)) << ReadAll(dir_ + "/log");
  EXPECT_EQ(WEXITSTATUS(status), 130) << ReadAll(dir_ + "/log");
  const int64_t step = LastStep(ck + "/metrics.jsonl");
  EXPECT_NE(ReadAll(dir_ + "/log").find("stopped at step " + std::to_string(step)),
            std::string::npos);
  EXPECT_TRUE(VerifyCheckpoint(ck + "/" + CheckpointName(step)).ok());
}

// @grad_step adds into the GRADIENTS arena, so the trainer zeroes it per step and, with
// --accum K, averages K micro-batch gradients: the grad norm of step 1 with --accum 2 is that
// of (g0 + g1) / 2 for the first two batches.
TEST_F(LoomRunTrainTest, AccumulationAveragesMicroBatchGradients) {
  Session session(1);
  Program* program = session.Load("tiny", bundle_).value();
  ASSERT_TRUE(InitializeNormalParameters(*program, 1234).ok());
  const ByteCorpus corpus = ByteCorpus::FromBytes(ReadAll(kCorpus), kCorpus);
  auto grad_step = [&](int64_t cursor) {
    ByteBatch batch = corpus.Batch(1234, cursor, 4, 64).value();
    HostTensor tokens = HostTensor::Allocate(DType::kI64, {4, 64}).value();
    HostTensor targets = HostTensor::Allocate(DType::kI64, {4, 64}).value();
    std::memcpy(tokens.data(), batch.tokens.data(), tokens.size_bytes());
    std::memcpy(targets.data(), batch.targets.data(), targets.size_bytes());
    ASSERT_TRUE(program->Run("grad_step", {&tokens, &targets}).ok());
  };
  auto grads = [&] {
    std::string_view bytes = program->ArenaBytes("grads").value();
    std::vector<float> out(bytes.size() / sizeof(float));
    std::memcpy(out.data(), bytes.data(), bytes.size());
    return out;
  };
  ASSERT_TRUE(program->ZeroArenas(loom::bundle::Arena::GRADIENTS).ok());
  grad_step(0);
  const std::vector<float> g0 = grads();
  ASSERT_TRUE(program->ZeroArenas(loom::bundle::Arena::GRADIENTS).ok());
  grad_step(1);
  const std::vector<float> g1 = grads();
  grad_step(0);  // onto g1: the arena accumulates
  const std::vector<float> sum = grads();
  double norm = 0, max_error = 0, norm0 = 0;
  for (size_t i = 0; i < g0.size(); ++i) {
    norm0 += double(g0[i]) * g0[i];
    max_error = std::max(max_error, std::abs(double(sum[i]) - (double(g0[i]) + g1[i])));
    norm += std::pow((double(g0[i]) + g1[i]) / 2, 2);
  }
  EXPECT_LT(max_error, 1e-6);

  // @apply_step sums the squares in f32 (AdamW.cpp), 1e-4 from this f64 norm for both runs;
  // a gradient summed but not averaged, or only the last micro-batch's, would be 10% off or more.
  const std::string metrics = dir_ + "/metrics.jsonl";
  for (int64_t accum : {1, 2}) {
    Outcome out = Train({"train", bundle_, "--data", kCorpus, "--steps", "1", "--accum",
                         std::to_string(accum), "--threads", "1", "--metrics", metrics,
                         "--progress", "never"});
    ASSERT_EQ(out.exit_code, 0) << out.output;
    const double expected = std::sqrt(accum == 1 ? norm0 : norm);
    EXPECT_NEAR(ReadMetrics(metrics).at(1).grad_norm, expected, 3e-4 * expected) << accum;
  }
}

TEST_F(LoomRunTrainTest, DataFolderAccumulationAndDataErrors) {
  // A folder of two files, two micro-batches per step.
  const std::string data = dir_ + "/data";
  fs::create_directories(data);
  const std::string corpus = ReadAll(kCorpus);
  std::ofstream(data + "/a.txt") << corpus.substr(0, 20000);
  std::ofstream(data + "/b.txt") << corpus.substr(20000, 20000);
  const std::string metrics = dir_ + "/metrics.jsonl";
  Outcome out = Train({"train", bundle_, "--data", data, "--steps", "2", "--accum", "2",
                       "--threads", "1", "--metrics", metrics, "--progress", "never"});
  ASSERT_EQ(out.exit_code, 0) << out.output;
  EXPECT_NE(out.output.find("(40,001 bytes, 2 files)"), std::string::npos) << out.output;
  EXPECT_NE(out.output.find("accum 2 (512 tokens per step)"), std::string::npos) << out.output;
  EXPECT_NE(out.output.find("lr -"), std::string::npos) << out.output;  // no --spec
  const std::map<int64_t, StepRecord> steps = ReadMetrics(metrics);
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps.at(2).data_cursor, 4);
  EXPECT_EQ(steps.at(2).tokens, 1024);
  EXPECT_TRUE(steps.at(2).lr.is_null());

  std::ofstream(dir_ + "/short.txt") << "too short";
  std::ofstream(dir_ + "/empty.txt");
  fs::create_directories(dir_ + "/nothing");
  struct Case {
    std::string data, message;
  };
  const Case cases[] = {
      {dir_ + "/missing", dir_ + "/missing: no such file or folder (--data)"},
      {dir_ + "/empty.txt", dir_ + "/empty.txt: the file is empty"},
      {dir_ + "/nothing", dir_ + "/nothing: the folder holds no files"},
      {dir_ + "/short.txt",
       dir_ + "/short.txt: 9 bytes cannot fill one row of 64 tokens and their targets"},
  };
  for (const Case& c : cases) {
    out = Train({"train", bundle_, "--data", c.data, "--steps", "1"});
    EXPECT_EQ(out.exit_code, 1) << out.output;
    EXPECT_NE(out.output.find("loom-run train: error: "), std::string::npos) << out.output;
    EXPECT_NE(out.output.find(c.message), std::string::npos)
        << out.output << "\nexpected: " << c.message;
  }
}

}  // namespace
}  // namespace loom::rt
