// Checkpoint folders on disk: the atomic write and its files, verification, damaged checkpoints
// skipped with a message naming the damage, retention, temporaries of a killed write, the lock,
// and state.json.
#include "runtime/train/checkpoint.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include <gtest/gtest.h>

#include "runtime/bundle/sha256.h"
#include "runtime/train/checkpoint_state.h"

namespace loom::rt {
namespace {

namespace fs = std::filesystem;

std::string FreshDir(const std::string& name) {
  const std::string dir =
      ::testing::TempDir() + "/checkpoint_" + std::to_string(::getpid()) + "_" + name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::map<std::string, std::string> Files(int64_t step) {
  TrainState state;
  state.step = step;
  state.data_cursor = step * 2;
  state.seed = 7;
  state.accum = 2;
  state.batch = 4;
  state.length = 64;
  state.bundle_sha256 = std::string(64, 'a');
  state.data_sha256 = std::string(64, 'b');
  state.data_bytes = 1000;
  return {{kCheckpointModelFile, "model bytes of step " + std::to_string(step)},
          {kCheckpointOptimizerFile, std::string(4096, static_cast<char>(step))},
          {kCheckpointStateFile, EncodeTrainState(state)}};
}

TEST(Checkpoint, WriteVerifyAndFind) {
  const std::string root = FreshDir("roundtrip") + "/ck";  // created by the write
  Result<std::string> path = WriteCheckpoint(root, 12, Files(12));
  ASSERT_TRUE(path.ok()) << path.status().ToString();
  EXPECT_EQ(*path, root + "/step-00000012");
  for (const auto& [name, bytes] : Files(12)) EXPECT_EQ(ReadAll(*path + "/" + name), bytes);
  // MANIFEST is sha256sum's format; COMPLETE names the step and MANIFEST's hash.
  const std::string manifest = ReadAll(*path + "/MANIFEST");
  EXPECT_NE(manifest.find(Sha256HexOfBytes(Files(12)[kCheckpointModelFile]) +
                          "  model.safetensors\n"),
            std::string::npos)
      << manifest;
  const std::string complete = ReadAll(*path + "/COMPLETE");
  EXPECT_NE(complete.find("step 12\n"), std::string::npos) << complete;
  EXPECT_NE(complete.find(Sha256HexOfBytes(manifest)), std::string::npos) << complete;
  EXPECT_TRUE(VerifyCheckpoint(*path).ok());
  // Nothing but the checkpoint is left in the root (no temporaries).
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(root)) names.push_back(entry.path().filename());
  EXPECT_EQ(names, std::vector<std::string>{"step-00000012"});

  std::vector<SkippedCheckpoint> skipped;
  Result<std::optional<CheckpointDir>> found = FindNewestCheckpoint(root, &skipped);
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->step, 12);
  EXPECT_TRUE(skipped.empty());

  // Rewriting a step (a resume from an earlier checkpoint) replaces the old folder.
  auto files = Files(12);
  files[kCheckpointModelFile] = "other model";
  ASSERT_TRUE(WriteCheckpoint(root, 12, files).ok());
  EXPECT_EQ(ReadAll(*path + "/model.safetensors"), "other model");
  EXPECT_TRUE(VerifyCheckpoint(*path).ok());
}

struct Damage {
  const char* name;
  std::function<void(const std::string& dir)> apply;
  const char* message;
};

TEST(Checkpoint, DamagedCheckpointsAreSkippedWithTheReason) {
  const Damage damages[] = {
      {"truncated model",
       [](const std::string& dir) { fs::resize_file(dir + "/model.safetensors", 5); },
       "step-00000006: model.safetensors: SHA-256 mismatch (the file is truncated or corrupted; 5 "
       "bytes on disk)"},
      {"corrupted optimizer",
       [](const std::string& dir) {
         std::fstream f(dir + "/optimizer.safetensors",
                        std::ios::in | std::ios::out | std::ios::binary);
         f.seekp(2000);
         f.put('\x7f');
       },
       "step-00000006: optimizer.safetensors: SHA-256 mismatch"},
      {"state removed", [](const std::string& dir) { fs::remove(dir + "/state.json"); },
       "step-00000006: state.json is missing or unreadable"},
      {"no marker", [](const std::string& dir) { fs::remove(dir + "/COMPLETE"); },
       "step-00000006: no COMPLETE marker (the checkpoint was not finished)"},
      {"manifest edited",
       [](const std::string& dir) { std::ofstream(dir + "/MANIFEST", std::ios::app) << "x\n"; },
       "step-00000006: MANIFEST does not match the COMPLETE marker"},
      {"manifest removed", [](const std::string& dir) { fs::remove(dir + "/MANIFEST"); },
       "step-00000006: MANIFEST is missing"},
  };
  for (const Damage& damage : damages) {
    SCOPED_TRACE(damage.name);
    const std::string root = FreshDir("damaged");
    ASSERT_TRUE(WriteCheckpoint(root, 3, Files(3)).ok());
    ASSERT_TRUE(WriteCheckpoint(root, 6, Files(6)).ok());
    damage.apply(root + "/step-00000006");
    std::vector<SkippedCheckpoint> skipped;
    Result<std::optional<CheckpointDir>> found = FindNewestCheckpoint(root, &skipped);
    ASSERT_TRUE(found.ok());
    ASSERT_TRUE(found->has_value());
    EXPECT_EQ((*found)->step, 3);
    ASSERT_EQ(skipped.size(), 1u);
    EXPECT_NE(skipped[0].ToString().find(damage.message), std::string::npos)
        << skipped[0].ToString() << "\nexpected: " << damage.message;
  }
}

TEST(Checkpoint, NoneVerifiesMeansAFreshStart) {
  const std::string root = FreshDir("none");
  ASSERT_TRUE(WriteCheckpoint(root, 3, Files(3)).ok());
  fs::resize_file(root + "/step-00000003/state.json", 0);
  fs::create_directories(root + "/step-00000009");  // an empty folder: no marker
  fs::create_directories(root + "/step-x");         // not a checkpoint name: ignored
  std::vector<SkippedCheckpoint> skipped;
  Result<std::optional<CheckpointDir>> found = FindNewestCheckpoint(root, &skipped);
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value());
  ASSERT_EQ(skipped.size(), 2u);
  EXPECT_EQ(skipped[0].path, root + "/step-00000009");
  EXPECT_EQ(skipped[0].reason, "no COMPLETE marker (the checkpoint was not finished)");
  EXPECT_NE(skipped[1].ToString().find("step-00000003: state.json: SHA-256 mismatch"),
            std::string::npos);
  // Set aside, they are out of the way of the next search, and kept.
  for (const SkippedCheckpoint& damaged : skipped) {
    Result<std::string> aside = SetAsideDamagedCheckpoint(damaged.path);
    ASSERT_TRUE(aside.ok()) << aside.status().ToString();
    EXPECT_TRUE(fs::exists(*aside + "/"));
  }
  EXPECT_TRUE(fs::exists(root + "/damaged-step-00000003/model.safetensors"));
  EXPECT_TRUE(ListCheckpoints(root)->empty());
  // A root that does not exist holds no checkpoints.
  found = FindNewestCheckpoint(root + "/absent", nullptr);
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value());
}

TEST(Checkpoint, RetentionKeepsTheNewest) {
  const std::string root = FreshDir("retention");
  for (int64_t step : {3, 6, 9, 12, 100}) ASSERT_TRUE(WriteCheckpoint(root, step, Files(step)).ok());
  std::vector<std::string> removed;
  ASSERT_TRUE(RetainNewestCheckpoints(root, 2, &removed).ok());
  EXPECT_EQ(removed, (std::vector<std::string>{root + "/step-00000009", root + "/step-00000006",
                                               root + "/step-00000003"}));
  Result<std::vector<CheckpointDir>> left = ListCheckpoints(root);
  ASSERT_TRUE(left.ok());
  ASSERT_EQ(left->size(), 2u);
  EXPECT_EQ((*left)[0].step, 100);  // by number, not by name length
  EXPECT_EQ((*left)[1].step, 12);
  ASSERT_TRUE(RetainNewestCheckpoints(root, 0, &removed).ok());  // 0 keeps all
  EXPECT_EQ(ListCheckpoints(root)->size(), 2u);
}

TEST(Checkpoint, TemporariesOfAKilledWriteAreRemoved) {
  const std::string root = FreshDir("temporaries");
  ASSERT_TRUE(WriteCheckpoint(root, 3, Files(3)).ok());
  fs::create_directories(root + "/.step-00000006.tmp");
  std::ofstream(root + "/.step-00000006.tmp/model.safetensors") << "half";
  fs::create_directories(root + "/.step-00000003.old");
  std::ofstream(root + "/metrics.jsonl") << "{}\n";
  ASSERT_TRUE(RemoveCheckpointTemporaries(root).ok());
  EXPECT_FALSE(fs::exists(root + "/.step-00000006.tmp"));
  EXPECT_FALSE(fs::exists(root + "/.step-00000003.old"));
  EXPECT_TRUE(fs::exists(root + "/metrics.jsonl"));
  EXPECT_TRUE(VerifyCheckpoint(root + "/step-00000003").ok());
}

TEST(Checkpoint, OneTrainerPerFolder) {
  const std::string root = FreshDir("lock");
  {
    Result<CheckpointLock> first = CheckpointLock::Acquire(root);
    ASSERT_TRUE(first.ok()) << first.status().ToString();
    Result<CheckpointLock> second = CheckpointLock::Acquire(root);
    ASSERT_FALSE(second.ok());
    EXPECT_NE(second.status().message().find("another loom-run train is writing"),
              std::string::npos);
  }
  EXPECT_TRUE(CheckpointLock::Acquire(root).ok());  // released with the first
}

TEST(TrainStateJson, RoundTripAndErrors) {
  const std::string text = Files(5)[kCheckpointStateFile];
  Result<TrainState> state = ParseTrainState(text, "state.json");
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  EXPECT_EQ(state->step, 5);
  EXPECT_EQ(state->data_cursor, 10);
  EXPECT_EQ(state->seed, 7u);
  EXPECT_EQ(state->accum, 2);
  EXPECT_EQ(state->data_bytes, 1000u);
  EXPECT_EQ(EncodeTrainState(*state), text);
  EXPECT_NE(text.find("\"counter\": 40"), std::string::npos) << text;  // cursor 10 x batch 4

  auto replace = [&](const std::string& from, const std::string& to) {
    std::string out = text;
    out.replace(out.find(from), from.size(), to);
    return out;
  };
  struct Case {
    std::string text, message;
  };
  const Case cases[] = {
      {"not json", "state.json: not a JSON object"},
      {replace("\"step\": 5", "\"step\": \"5\""), "field 'step' is missing or has the wrong type"},
      {replace("\"data_cursor\"", "\"cursor\""), "field 'data_cursor' is missing"},
      {replace("\"counter\": 40", "\"counter\": 41"), "rng.counter 41 disagrees with data_cursor 10"},
      {replace("loom-train-state", "other"), "not a loom-train-state version 1 file"},
      {replace("\"accum\": 2", "\"accum\": 0"), "a count is out of range"},
  };
  for (const Case& c : cases) {
    Result<TrainState> bad = ParseTrainState(c.text, "state.json");
    ASSERT_FALSE(bad.ok()) << c.text;
    EXPECT_NE(bad.status().message().find(c.message), std::string::npos)
        << bad.status().message() << "\nexpected: " << c.message;
  }
}

}  // namespace
}  // namespace loom::rt
