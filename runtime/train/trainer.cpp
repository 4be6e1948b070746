#include "runtime/train/trainer.h"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <system_error>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/bundle/bundle_dtype.h"
#include "runtime/bundle/sha256.h"
#include "runtime/data/byte_corpus.h"
#include "runtime/data/corpus_path.h"
#include "runtime/exec/session.h"
#include "runtime/io/byte_sink.h"
#include "runtime/io/read_file.h"
#include "runtime/train/checkpoint.h"
#include "runtime/train/checkpoint_state.h"
#include "runtime/train/schedule.h"

namespace loom::rt {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using loom::bundle::Arena;
using loom::bundle::EntryPoint;
using loom::bundle::TensorSig;

constexpr uint64_t kDefaultSeed = 1234;

void Warn(const std::string& message) {
  std::fprintf(stderr, "loom-run train: warning: %s\n", message.c_str());
}

bool IsSig(const TensorSig& sig, loom::bundle::DType dtype, int rank) {
  return sig.dtype() == dtype && sig.shape_size() == rank;
}

// Where @grad_step and @apply_step keep what the loop needs.
struct StepSignature {
  int tokens_input = 0, targets_input = 1;
  int64_t batch = 0, length = 0;
  int norm_output = -1, skipped_output = -1;
};

Result<StepSignature> ReadSignature(const Program& program) {
  const EntryPoint* grad = program.FindEntryPoint("grad_step");
  const EntryPoint* apply = program.FindEntryPoint("apply_step");
  if (grad == nullptr || apply == nullptr) {
    return MakeStatus(StatusCode::kInvalidArgument, program.dir(),
                      ": no @grad_step and @apply_step; compile a spec with a training block "
                      "(loomc SPEC --target=cpu -o DIR)");
  }
  StepSignature sig;
  if (grad->inputs_size() == 2 && grad->inputs(0).name() == "targets" &&
      grad->inputs(1).name() == "tokens") {
    sig.tokens_input = 1;
    sig.targets_input = 0;
  }
  const bool grad_ok =
      grad->inputs_size() == 2 && IsSig(grad->inputs(0), loom::bundle::I64, 2) &&
      IsSig(grad->inputs(1), loom::bundle::I64, 2) &&
      grad->inputs(0).shape(0) == grad->inputs(1).shape(0) &&
      grad->inputs(0).shape(1) == grad->inputs(1).shape(1) && grad->outputs_size() >= 1 &&
      IsSig(grad->outputs(0), loom::bundle::F32, 0);
  if (!grad_ok) {
    return MakeStatus(StatusCode::kUnsupported, program.dir(),
                      ": @grad_step must take (tokens, targets) as i64 [batch, length] and "
                      "return an f32 loss first (a byte language model)");
  }
  sig.batch = grad->inputs(0).shape(0);
  sig.length = grad->inputs(0).shape(1);
  if (apply->inputs_size() != 1 || !IsSig(apply->inputs(0), loom::bundle::I64, 0)) {
    return MakeStatus(StatusCode::kUnsupported, program.dir(),
                      ": @apply_step must take one i64 scalar (the optimizer step)");
  }
  for (int i = 0; i < apply->outputs_size(); ++i) {
    const TensorSig& out = apply->outputs(i);
    if (sig.norm_output < 0 && IsSig(out, loom::bundle::F32, 0)) sig.norm_output = i;
    if (sig.skipped_output < 0 && IsSig(out, loom::bundle::I1, 0)) sig.skipped_output = i;
  }
  if (sig.norm_output < 0 || sig.skipped_output < 0) {
    return MakeStatus(StatusCode::kUnsupported, program.dir(),
                      ": @apply_step must return an f32 gradient norm and an i1 skip flag");
  }
  return sig;
}

// The trainable parameters' one dtype, f32 or f64: what their gradients are scaled in when
// micro-batches accumulate.
Result<DType> AccumulatedGradientDType(const Program& program) {
  std::optional<DType> dtype;
  for (const auto& p : program.manifest().parameters()) {
    if (p.frozen()) continue;
    std::optional<DType> d = FromBundleDType(p.dtype());
    if (!d || (dtype && *dtype != *d) || (*d != DType::kF32 && *d != DType::kF64)) {
      return MakeStatus(StatusCode::kUnsupported, program.dir(),
                        ": --accum above 1 needs f32 or f64 gradients of one dtype");
    }
    dtype = d;
  }
  if (!dtype) {
    return MakeStatus(StatusCode::kUnsupported, program.dir(),
                      ": --accum above 1 needs trained parameters");
  }
  return *dtype;
}

// "12,345" for 12345.
std::string Thousands(double value) {
  std::string digits = std::to_string(static_cast<long long>(std::llround(value)));
  std::string out;
  const size_t start = digits[0] == '-' ? 1 : 0;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > start && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string FormatG9(double value) {
  if (!std::isfinite(value)) return "null";
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.9g", value);
  return buffer;
}

std::string Duration(double seconds) {
  long long s = std::llround(std::max(0.0, seconds));
  char buffer[32];
  if (s >= 3600) {
    std::snprintf(buffer, sizeof(buffer), "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
  } else {
    std::snprintf(buffer, sizeof(buffer), "%lld:%02lld", s / 60, s % 60);
  }
  return buffer;
}

// The metrics file: keeps the lines of steps <= `start` (complete JSON lines only; a line cut
// by a kill is dropped) and opens it for appending.
Result<std::FILE*> OpenMetrics(const std::string& path, int64_t start) {
  std::error_code error;
  if (fs::exists(path, error)) {
    LOOM_ASSIGN_OR_RETURN(const std::string text, ReadFileToString(path));
    std::string kept;
    size_t begin = 0;
    while (begin < text.size()) {
      const size_t end = text.find('\n', begin);
      if (end == std::string::npos) break;  // a torn last line
      const std::string line = text.substr(begin, end - begin);
      begin = end + 1;
      nlohmann::json json = nlohmann::json::parse(line, nullptr, false);
      if (json.is_object() && json.contains("step") && json["step"].is_number_integer() &&
          json["step"].get<int64_t>() <= start) {
        kept += line + "\n";
      }
    }
    if (kept != text) {
      LOOM_ASSIGN_OR_RETURN(std::unique_ptr<FileSink> sink, FileSink::Create(path));
      LOOM_RETURN_IF_ERROR(sink->Write(kept));
      LOOM_RETURN_IF_ERROR(sink->Commit());
    }
  } else if (fs::path parent = fs::path(path).parent_path(); !parent.empty()) {
    fs::create_directories(parent, error);
  }
  std::FILE* file = std::fopen(path.c_str(), "a");
  if (file == nullptr) {
    return MakeStatus(StatusCode::kIoError, path, ": cannot open the metrics file: ",
                      std::strerror(errno));
  }
  return file;
}

struct FileCloser {
  void operator()(std::FILE* f) const {
    if (f != nullptr) std::fclose(f);
  }
};

class Progress {
 public:
  Progress(bool enabled, int64_t start, int64_t end)
      : enabled_(enabled), start_(start), end_(end), began_(Clock::now()) {}

  void Clear() {
    if (enabled_ && drawn_) {
      std::fputs("\r\033[K", stderr);
      std::fflush(stderr);
      drawn_ = false;
    }
  }

  void Draw(int64_t step, bool force) {
    if (!enabled_) return;
    const Clock::time_point now = Clock::now();
    if (!force && drawn_ && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    const double done = static_cast<double>(step - start_);
    const double total = static_cast<double>(end_ - start_);
    const double fraction = total > 0 ? done / total : 1.0;
    const int width = 30, filled = static_cast<int>(fraction * width);
    const double elapsed = std::chrono::duration<double>(now - began_).count();
    const double eta = done > 0 ? elapsed / done * (total - done) : 0.0;
    std::string bar(static_cast<size_t>(filled), '#');
    bar.resize(width, '.');
    std::fprintf(stderr, "\r[%s] %lld/%lld %3.0f%%  elapsed %s  eta %s\033[K", bar.c_str(),
                 static_cast<long long>(step), static_cast<long long>(end_), fraction * 100,
                 Duration(elapsed).c_str(), Duration(eta).c_str());
    std::fflush(stderr);
    drawn_ = true;
  }

  void Finish() {
    if (enabled_ && drawn_) {
      std::fputs("\n", stderr);
      drawn_ = false;
    }
  }

 private:
  bool enabled_;
  int64_t start_, end_;
  Clock::time_point began_, last_;
  bool drawn_ = false;
};

// Everything one run holds.
class Run {
 public:
  explicit Run(const TrainOptions& options) : options_(options) {}
  Result<TrainResult> Go();

 private:
  Status Setup();
  Status Resume();
  Status Fresh();
  Status ArchivePreviousRun();
  Status Step(int64_t t);
  Status SaveCheckpoint();

  const TrainOptions& options_;
  std::unique_ptr<Session> session_;
  Program* program_ = nullptr;
  StepSignature sig_;
  std::optional<ByteCorpus> corpus_;
  std::optional<LrSchedule> schedule_;
  TrainState state_;
  int64_t target_steps_ = 0;
  std::string metrics_path_;
  std::unique_ptr<std::FILE, FileCloser> metrics_;
  std::optional<CheckpointLock> lock_;
  TrainResult result_;
  std::unique_ptr<Progress> progress_;
  // Window of the log line.
  double window_seconds_ = 0;
  int64_t window_steps_ = 0;
  // Reused inputs.
  HostTensor tokens_, targets_, step_;
};

Status Run::Setup() {
  // The spec's schedule (for the lr column) and defaults.
  std::optional<uint64_t> spec_seed;
  std::optional<int64_t> spec_steps;
  if (!options_.spec_path.empty()) {
    Result<SpecTraining> read = ReadSpecTraining(options_.spec_path);
    if (!read.ok()) return Status(read.status().code(), read.status().message() + " (--spec)");
    SpecTraining spec = std::move(read).value();
    schedule_ = spec.schedule;
    spec_seed = spec.seed;
    spec_steps = spec.schedule.total_steps;
  }
  if (options_.steps) {
    target_steps_ = *options_.steps;
  } else if (spec_steps) {
    target_steps_ = *spec_steps;
  } else {
    return MakeStatus(StatusCode::kInvalidArgument,
                      "missing --steps (or --spec, whose training.total_steps is the default)");
  }

  const int threads = options_.threads > 0
                          ? options_.threads
                          : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  session_ = std::make_unique<Session>(threads);
  LOOM_ASSIGN_OR_RETURN(program_, session_->Load("train", options_.bundle_dir, options_.program));
  LOOM_ASSIGN_OR_RETURN(sig_, ReadSignature(*program_));
  LOOM_ASSIGN_OR_RETURN(state_.bundle_sha256,
                        Sha256HexOfFile(options_.bundle_dir + "/" + kManifestFileName));

  std::vector<std::string> files;
  LOOM_ASSIGN_OR_RETURN(std::string bytes, ReadCorpusBytes(options_.data_path, &files));
  if (bytes.size() < static_cast<uint64_t>(sig_.length) + 2) {
    return MakeStatus(StatusCode::kInvalidArgument, options_.data_path, ": ", bytes.size(),
                      " bytes cannot fill one row of ", sig_.length,
                      " tokens and their targets (the bundle's @grad_step length)");
  }
  state_.data_sha256 = Sha256HexOfBytes(bytes);
  state_.data_bytes = bytes.size();
  corpus_ = ByteCorpus::FromBytes(std::move(bytes), options_.data_path);

  state_.batch = sig_.batch;
  state_.length = sig_.length;
  state_.accum = options_.accum.value_or(1);
  state_.seed = options_.seed ? *options_.seed : spec_seed.value_or(kDefaultSeed);

  int64_t values = 0;
  for (const auto& p : program_->manifest().parameters()) {
    int64_t n = 1;
    for (int64_t d : p.shape()) n *= d;
    values += n;
  }
  std::printf("loom-run train: %s: %s parameters in %d tensors, batch %lld x %lld; data %s (%s "
              "bytes%s)\n",
              options_.bundle_dir.c_str(), Thousands(static_cast<double>(values)).c_str(),
              program_->manifest().parameters_size(),
              static_cast<long long>(sig_.batch), static_cast<long long>(sig_.length),
              options_.data_path.c_str(), Thousands(static_cast<double>(state_.data_bytes)).c_str(),
              files.size() > 1 ? (", " + std::to_string(files.size()) + " files").c_str() : "");
  std::printf("running on %s\n", program_->DeviceDescription().c_str());

  if (!options_.checkpoint_dir.empty()) {
    LOOM_ASSIGN_OR_RETURN(CheckpointLock lock, CheckpointLock::Acquire(options_.checkpoint_dir));
    lock_.emplace(std::move(lock));
    LOOM_RETURN_IF_ERROR(RemoveCheckpointTemporaries(options_.checkpoint_dir));
  }
  metrics_path_ = options_.metrics_path;
  if (metrics_path_.empty() && !options_.checkpoint_dir.empty()) {
    metrics_path_ = options_.checkpoint_dir + "/metrics.jsonl";
  }
  return OkStatus();
}

Status Run::Resume() {
  std::vector<SkippedCheckpoint> skipped;
  LOOM_ASSIGN_OR_RETURN(std::optional<CheckpointDir> found,
                        FindNewestCheckpoint(options_.checkpoint_dir, &skipped));
  for (const SkippedCheckpoint& damaged : skipped) {
    LOOM_ASSIGN_OR_RETURN(std::string aside, SetAsideDamagedCheckpoint(damaged.path));
    Warn("skipping checkpoint " + damaged.ToString() + "; moved to " + aside);
  }
  if (!found) return Fresh();
  const std::string label = found->path + "/" + kCheckpointStateFile;
  LOOM_ASSIGN_OR_RETURN(std::string text, ReadFileToString(label));
  LOOM_ASSIGN_OR_RETURN(TrainState saved, ParseTrainState(text, label));
  if (saved.step != found->step) {
    return MakeStatus(StatusCode::kInvalidFormat, label, ": step ", saved.step,
                      " disagrees with the folder name");
  }
  if (saved.bundle_sha256 != state_.bundle_sha256) {
    return MakeStatus(StatusCode::kInvalidArgument, found->path,
                      " was written for another bundle (manifest.pb SHA-256 ",
                      saved.bundle_sha256.substr(0, 12), "..., ", options_.bundle_dir, "'s is ",
                      state_.bundle_sha256.substr(0, 12),
                      "...); use another --checkpoint-dir, or --no-resume to start over in it");
  }
  if (saved.data_sha256 != state_.data_sha256) {
    return MakeStatus(StatusCode::kInvalidArgument, found->path,
                      " was trained on other data (", saved.data_bytes, " bytes, SHA-256 ",
                      saved.data_sha256.substr(0, 12), "...; --data ", options_.data_path,
                      " has ", state_.data_bytes, " bytes, SHA-256 ",
                      state_.data_sha256.substr(0, 12),
                      "...): resuming would not repeat the run; pass the same --data or "
                      "--no-resume");
  }
  if (saved.batch != sig_.batch || saved.length != sig_.length) {
    return MakeStatus(StatusCode::kInvalidFormat, label, ": batch ", saved.batch, " x ",
                      saved.length, " is not the bundle's ", sig_.batch, " x ", sig_.length);
  }
  if (options_.accum && *options_.accum != saved.accum) {
    return MakeStatus(StatusCode::kInvalidArgument, found->path, " was trained with --accum ",
                      saved.accum, ", not ", *options_.accum,
                      ": pass the same value (or none), or --no-resume");
  }
  if (options_.seed && *options_.seed != saved.seed) {
    return MakeStatus(StatusCode::kInvalidArgument, found->path, " was trained with --seed ",
                      saved.seed, ", not ", *options_.seed,
                      ": pass the same value (or none), or --no-resume");
  }
  if (!options_.params_path.empty()) {
    Warn("--params " + options_.params_path + " is ignored: resuming from " + found->path);
  }
  LOOM_RETURN_IF_ERROR(RestoreModel(*program_, found->path + "/" + kCheckpointModelFile));
  LOOM_RETURN_IF_ERROR(RestoreOptimizer(*program_, found->path + "/" + kCheckpointOptimizerFile));
  state_ = saved;
  result_.start_step = saved.step;
  result_.last_checkpoint = found->path;
  std::printf("resuming from %s: step %lld, data cursor %lld, seed %llu\n", found->path.c_str(),
              static_cast<long long>(saved.step), static_cast<long long>(saved.data_cursor),
              static_cast<unsigned long long>(saved.seed));
  return OkStatus();
}

Status Run::Fresh() {
  LOOM_RETURN_IF_ERROR(InitializeNormalParameters(*program_, state_.seed));
  if (!options_.params_path.empty()) {
    LOOM_RETURN_IF_ERROR(program_->LoadParameters(options_.params_path));
  }
  std::printf("starting at step 0: seed %llu%s\n", static_cast<unsigned long long>(state_.seed),
              options_.params_path.empty() ? ""
                                           : (", weights from " + options_.params_path).c_str());
  return OkStatus();
}

Status Run::SaveCheckpoint() {
  std::map<std::string, std::string> files;
  LOOM_ASSIGN_OR_RETURN(files[kCheckpointModelFile], EncodeModel(*program_));
  LOOM_ASSIGN_OR_RETURN(files[kCheckpointOptimizerFile], EncodeOptimizer(*program_));
  files[kCheckpointStateFile] = EncodeTrainState(state_);
  LOOM_ASSIGN_OR_RETURN(result_.last_checkpoint,
                        WriteCheckpoint(options_.checkpoint_dir, state_.step, files));
  std::vector<std::string> removed;
  LOOM_RETURN_IF_ERROR(
      RetainNewestCheckpoints(options_.checkpoint_dir, options_.keep, &removed));
  progress_->Clear();
  std::printf("saved checkpoint %s%s\n", result_.last_checkpoint.c_str(),
              removed.empty() ? ""
                              : (" (removed " + std::to_string(removed.size()) + " older)").c_str());
  std::fflush(stdout);
  return OkStatus();
}

Status Run::Step(int64_t t) {
  const Clock::time_point start = Clock::now();
  double loss_sum = 0;
  std::vector<const HostTensor*> inputs(2);
  inputs[sig_.tokens_input] = &tokens_;
  inputs[sig_.targets_input] = &targets_;
  *step_.data_as<int64_t>() = t;
  std::vector<HostTensor> update;
  if (state_.accum == 1) {
    // One micro-batch: zero the gradients, @grad_step, @apply_step as one chained step (on the
    // GPU, one CUDA graph per step; on the CPU the same as the calls one by one).
    LOOM_ASSIGN_OR_RETURN(ByteBatch batch,
                          corpus_->Batch(state_.seed, state_.data_cursor, sig_.batch, sig_.length));
    std::memcpy(tokens_.data(), batch.tokens.data(), tokens_.size_bytes());
    std::memcpy(targets_.data(), batch.targets.data(), targets_.size_bytes());
    LOOM_ASSIGN_OR_RETURN(std::vector<std::vector<HostTensor>> results,
                          program_->RunChain({{"grad_step", inputs}, {"apply_step", {&step_}}},
                                             Arena::GRADIENTS));
    loss_sum = *results[0][0].data_as<float>();
    ++state_.data_cursor;
    update = std::move(results[1]);
  }
  DType grad_dtype = DType::kF32;
  if (state_.accum > 1) {
    LOOM_ASSIGN_OR_RETURN(grad_dtype, AccumulatedGradientDType(*program_));
    LOOM_RETURN_IF_ERROR(program_->ZeroArenas(Arena::GRADIENTS));
  }
  for (int64_t micro = 0; state_.accum > 1 && micro < state_.accum; ++micro) {
    LOOM_ASSIGN_OR_RETURN(ByteBatch batch,
                          corpus_->Batch(state_.seed, state_.data_cursor, sig_.batch, sig_.length));
    std::memcpy(tokens_.data(), batch.tokens.data(), tokens_.size_bytes());
    std::memcpy(targets_.data(), batch.targets.data(), targets_.size_bytes());
    LOOM_ASSIGN_OR_RETURN(std::vector<HostTensor> out, program_->Run("grad_step", inputs));
    loss_sum += *out[0].data_as<float>();
    ++state_.data_cursor;
  }
  if (state_.accum > 1) {
    // Where the gradients live: on the GPU by its arena kernel, with no copy through the host.
    LOOM_RETURN_IF_ERROR(program_->ScaleArenas(Arena::GRADIENTS, grad_dtype,
                                               1.0 / static_cast<double>(state_.accum)));
    LOOM_ASSIGN_OR_RETURN(update, program_->Run("apply_step", {&step_}));
  }
  const float loss = static_cast<float>(loss_sum / static_cast<double>(state_.accum));
  const float norm = *update[sig_.norm_output].data_as<float>();
  const bool skipped = *update[sig_.skipped_output].data_as<int8_t>() != 0;
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();

  state_.step = t + 1;
  const int64_t step_tokens = sig_.batch * sig_.length * state_.accum;
  state_.tokens += step_tokens;
  state_.skipped_steps += skipped ? 1 : 0;
  const std::optional<double> lr =
      schedule_ ? std::optional<double>(LearningRate(*schedule_, t)) : std::nullopt;
  const double tokens_per_s = seconds > 0 ? static_cast<double>(step_tokens) / seconds : 0.0;

  if (metrics_) {
    uint32_t bits;
    std::memcpy(&bits, &loss, sizeof(bits));
    std::fprintf(metrics_.get(),
                 "{\"step\": %lld, \"loss\": %s, \"loss_bits\": \"0x%08x\", \"grad_norm\": %s, "
                 "\"lr\": %s, \"skipped\": %s, \"data_cursor\": %lld, \"tokens\": %lld, "
                 "\"tokens_per_s\": %.1f, \"ms_per_step\": %.3f}\n",
                 static_cast<long long>(state_.step), FormatG9(loss).c_str(), bits,
                 FormatG9(norm).c_str(), lr ? FormatG9(*lr).c_str() : "null",
                 skipped ? "true" : "false", static_cast<long long>(state_.data_cursor),
                 static_cast<long long>(state_.tokens), tokens_per_s, seconds * 1e3);
    if (std::fflush(metrics_.get()) != 0) {
      return MakeStatus(StatusCode::kIoError, metrics_path_, ": write failed: ",
                        std::strerror(errno));
    }
  }

  window_seconds_ += seconds;
  ++window_steps_;
  if (state_.step % options_.log_every == 0 || state_.step == target_steps_) {
    char lr_text[32] = "-";
    if (lr) std::snprintf(lr_text, sizeof(lr_text), "%.3e", *lr);
    const int width = static_cast<int>(std::to_string(target_steps_).size());
    const double window_tokens = static_cast<double>(step_tokens * window_steps_);
    progress_->Clear();
    std::printf("step %*lld/%lld  loss %.4f  grad-norm %.4f  lr %s  %s tok/s  %.1f ms/step%s\n",
                width, static_cast<long long>(state_.step), static_cast<long long>(target_steps_),
                static_cast<double>(loss), static_cast<double>(norm), lr_text,
                Thousands(window_seconds_ > 0 ? window_tokens / window_seconds_ : 0).c_str(),
                window_seconds_ * 1e3 / static_cast<double>(window_steps_),
                skipped ? "  (update skipped: non-finite gradient)" : "");
    std::fflush(stdout);
    window_seconds_ = 0;
    window_steps_ = 0;
  }
  return OkStatus();
}

// --no-resume: the folder's checkpoints (and its metrics file, which a fresh start would
// truncate) move to CK/previous-<unix seconds>/, so that starting over never destroys a run:
// resume and retention only look at CK/step-N.
Status Run::ArchivePreviousRun() {
  LOOM_ASSIGN_OR_RETURN(std::vector<CheckpointDir> old, ListCheckpoints(options_.checkpoint_dir));
  const fs::path metrics(metrics_path_);
  const bool move_metrics = !metrics_path_.empty() && fs::exists(metrics) &&
                            metrics.parent_path() == fs::path(options_.checkpoint_dir);
  if (old.empty() && !move_metrics) return OkStatus();
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  fs::path archive = fs::path(options_.checkpoint_dir) /
                     ("previous-" + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now).count()));
  for (int k = 1; fs::exists(archive); ++k) archive += "-" + std::to_string(k);
  std::error_code error;
  fs::create_directories(archive, error);
  if (error) return MakeStatus(StatusCode::kIoError, archive.string(), ": cannot create: ", error.message());
  for (const CheckpointDir& c : old) {
    fs::rename(c.path, archive / fs::path(c.path).filename(), error);
    if (error) return MakeStatus(StatusCode::kIoError, c.path, ": cannot move: ", error.message());
  }
  if (move_metrics) {
    fs::rename(metrics, archive / metrics.filename(), error);
    if (error) return MakeStatus(StatusCode::kIoError, metrics_path_, ": cannot move: ", error.message());
  }
  std::printf("--no-resume: moved %zu old checkpoint(s)%s to %s\n", old.size(),
              move_metrics ? " and the metrics file" : "", archive.string().c_str());
  return OkStatus();
}

Result<TrainResult> Run::Go() {
  LOOM_RETURN_IF_ERROR(Setup());
  if (!options_.checkpoint_dir.empty() && !options_.resume) {
    LOOM_RETURN_IF_ERROR(ArchivePreviousRun());
  }
  if (!options_.checkpoint_dir.empty() && options_.resume) {
    LOOM_RETURN_IF_ERROR(Resume());
  } else {
    LOOM_RETURN_IF_ERROR(Fresh());
  }
  result_.final_step = state_.step;
  if (state_.step >= target_steps_) {
    std::printf("already at step %lld (--steps %lld): nothing to train\n",
                static_cast<long long>(state_.step), static_cast<long long>(target_steps_));
    return result_;
  }
  if (!metrics_path_.empty()) {
    LOOM_ASSIGN_OR_RETURN(std::FILE * file, OpenMetrics(metrics_path_, state_.step));
    metrics_.reset(file);
  }
  std::printf("training steps %lld..%lld: accum %lld (%s tokens per step)%s%s\n",
              static_cast<long long>(state_.step + 1), static_cast<long long>(target_steps_),
              static_cast<long long>(state_.accum),
              Thousands(static_cast<double>(sig_.batch * sig_.length * state_.accum)).c_str(),
              options_.checkpoint_dir.empty() ? "; no --checkpoint-dir: no checkpoints" : "",
              schedule_ ? "" : "; lr shown as '-' (pass --spec to print the schedule)");
  std::fflush(stdout);

  const rt::Shape shape = {sig_.batch, sig_.length};
  LOOM_ASSIGN_OR_RETURN(tokens_, HostTensor::Allocate(DType::kI64, shape));
  LOOM_ASSIGN_OR_RETURN(targets_, HostTensor::Allocate(DType::kI64, shape));
  LOOM_ASSIGN_OR_RETURN(step_, HostTensor::Allocate(DType::kI64, {}));
  const bool bar = options_.progress == ProgressBar::kAlways ||
                   (options_.progress == ProgressBar::kAuto && ::isatty(STDERR_FILENO));
  progress_ = std::make_unique<Progress>(bar, state_.step, target_steps_);

  const Clock::time_point began = Clock::now();
  const int64_t first = state_.step;
  for (int64_t t = state_.step; t < target_steps_; ++t) {
    LOOM_RETURN_IF_ERROR(Step(t));
    const bool stop = options_.stop_requested != nullptr && options_.stop_requested->load();
    if (!options_.checkpoint_dir.empty() &&
        (state_.step % options_.checkpoint_every == 0 || state_.step == target_steps_ || stop)) {
      LOOM_RETURN_IF_ERROR(SaveCheckpoint());
    }
    progress_->Draw(state_.step, state_.step == target_steps_);
    if (stop && state_.step < target_steps_) {
      result_.interrupted = true;
      break;
    }
  }
  progress_->Finish();
  result_.final_step = state_.step;
  const double seconds = std::chrono::duration<double>(Clock::now() - began).count();
  const double tokens =
      static_cast<double>((state_.step - first) * sig_.batch * sig_.length * state_.accum);
  std::printf("%s at step %lld: %lld steps in %.1f s (%s tok/s), %lld skipped update(s)%s%s\n",
              result_.interrupted ? "stopped" : "done", static_cast<long long>(state_.step),
              static_cast<long long>(state_.step - first), seconds,
              Thousands(seconds > 0 ? tokens / seconds : 0).c_str(),
              static_cast<long long>(state_.skipped_steps),
              result_.last_checkpoint.empty() ? "" : "; checkpoint ",
              result_.last_checkpoint.c_str());
  return result_;
}

}  // namespace

Result<TrainResult> Train(const TrainOptions& options) {
  Run run(options);
  return run.Go();
}

}  // namespace loom::rt
