#include "runtime/tools/generate.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <thread>

#include <nlohmann/json.hpp>

#include "runtime/data/byte_corpus.h"
#include "runtime/exec/session.h"
#include "runtime/io/byte_source.h"
#include "runtime/io/safetensors.h"
#include "runtime/train/checkpoint.h"

namespace loom::rt {

namespace {

constexpr char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD

}  // namespace

std::string Utf8StreamDecoder::Push(uint8_t byte) {
  std::string out;
  if (needed_ > 0) {
    // The second byte of some leads has a narrower range (no overlongs, surrogates or code
    // points past U+10FFFF).
    uint8_t lo = 0x80, hi = 0xBF;
    if (pending_.size() == 1) {
      const uint8_t lead = static_cast<uint8_t>(pending_[0]);
      if (lead == 0xE0) lo = 0xA0;
      if (lead == 0xED) hi = 0x9F;
      if (lead == 0xF0) lo = 0x90;
      if (lead == 0xF4) hi = 0x8F;
    }
    if (byte >= lo && byte <= hi) {
      pending_.push_back(static_cast<char>(byte));
      if (static_cast<int>(pending_.size()) == needed_) {
        out.swap(pending_);
        needed_ = 0;
      }
      return out;
    }
    // A maximal ill-formed subpart; `byte` starts afresh.
    out = kReplacement;
    pending_.clear();
    needed_ = 0;
  }
  if (byte < 0x80) {
    out.push_back(static_cast<char>(byte));
  } else if (byte >= 0xC2 && byte <= 0xF4) {
    needed_ = byte <= 0xDF ? 2 : byte <= 0xEF ? 3 : 4;
    pending_.push_back(static_cast<char>(byte));
  } else {
    out += kReplacement;
  }
  return out;
}

std::string Utf8StreamDecoder::Finish() {
  std::string out = pending_.empty() ? "" : kReplacement;
  pending_.clear();
  needed_ = 0;
  return out;
}

std::string SanitizeUtf8(const std::string& bytes) {
  Utf8StreamDecoder decoder;
  std::string out;
  for (char c : bytes) out += decoder.Push(static_cast<uint8_t>(c));
  return out + decoder.Finish();
}

SampleRng::SampleRng(uint64_t seed, uint64_t stream)
    : state_(SplitMix64(seed) ^ SplitMix64(~stream)) {}

uint64_t SampleRng::Next() {
  const uint64_t value = SplitMix64(state_);
  state_ += 0x9e3779b97f4a7c15ULL;
  return value;
}

double SampleRng::Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

int64_t SampleToken(const float* logits, int64_t vocab, const SamplingOptions& options,
                    SampleRng& rng) {
  // Likelier first; the lower id first among equals (so greedy and top-k 1 agree).
  auto before = [logits](int64_t a, int64_t b) {
    return logits[a] > logits[b] || (logits[a] == logits[b] && a < b);
  };
  if (options.temperature <= 0) {
    int64_t best = 0;
    for (int64_t i = 1; i < vocab; ++i) {
      if (before(i, best)) best = i;
    }
    return best;
  }
  std::vector<int64_t> ids(static_cast<size_t>(vocab));
  std::iota(ids.begin(), ids.end(), int64_t{0});
  const int64_t k = options.top_k > 0 ? std::min(options.top_k, vocab) : vocab;
  std::partial_sort(ids.begin(), ids.begin() + k, ids.end(), before);
  ids.resize(static_cast<size_t>(k));
  std::vector<double> weights(ids.size());
  const double max = logits[ids[0]];
  double total = 0;
  for (size_t i = 0; i < ids.size(); ++i) {
    weights[i] = std::exp((static_cast<double>(logits[ids[i]]) - max) / options.temperature);
    total += weights[i];
  }
  size_t kept = ids.size();
  if (options.top_p < 1.0) {
    double mass = 0;
    for (size_t i = 0; i < ids.size(); ++i) {
      mass += weights[i];
      if (mass >= options.top_p * total) {
        kept = i + 1;
        total = mass;
        break;
      }
    }
  }
  double u = rng.Uniform() * total;
  for (size_t i = 0; i < kept; ++i) {
    if (u < weights[i]) return ids[i];
    u -= weights[i];
  }
  return ids[kept - 1];  // rounding left u at the very end
}

namespace {

namespace fs = std::filesystem;
using loom::bundle::EntryPoint;
using loom::bundle::TensorSig;

Shape SigShape(const TensorSig& sig) { return Shape(sig.shape().begin(), sig.shape().end()); }

// The safetensors file with the weights: --params, or --checkpoint as a file, a checkpoint
// folder (verified) or a folder of checkpoints (the newest that verifies).
Result<std::string> WeightsPath(const GenerateOptions& options, std::FILE* err) {
  if (!options.params_path.empty()) return options.params_path;
  const std::string& path = options.checkpoint;
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) return path;
  if (!fs::is_directory(path, ec)) {
    return MakeStatus(StatusCode::kNotFound, "--checkpoint ", path, ": no such file or folder");
  }
  if (fs::exists(fs::path(path) / kCheckpointModelFile, ec)) {
    if (fs::exists(fs::path(path) / kCheckpointManifestFile, ec)) {
      Status verified = VerifyCheckpoint(path);
      if (!verified.ok()) {
        return MakeStatus(StatusCode::kInvalidFormat, "checkpoint ", path,
                          " does not verify: ", verified.message());
      }
    }
    return (fs::path(path) / kCheckpointModelFile).string();
  }
  std::vector<SkippedCheckpoint> skipped;
  LOOM_ASSIGN_OR_RETURN(std::optional<CheckpointDir> found, FindNewestCheckpoint(path, &skipped));
  for (const SkippedCheckpoint& s : skipped) {
    std::fprintf(err, "loom-run generate: warning: skipping damaged checkpoint %s\n",
                 s.ToString().c_str());
  }
  if (!found) {
    return MakeStatus(StatusCode::kNotFound, "--checkpoint ", path,
                      ": no model.safetensors and no complete step-N checkpoint in it");
  }
  return (fs::path(found->path) / kCheckpointModelFile).string();
}

// Loads the weights; every parameter the runtime cannot initialize itself must be in the file,
// and every tensor of the file must be a parameter of the same dtype and shape.
Status LoadWeights(Program& program, const std::string& path, const std::string& bundle_dir) {
  Status loaded = program.LoadParameters(path);
  if (!loaded.ok()) {
    return MakeStatus(StatusCode::kInvalidArgument, "the weights ", path,
                      " are not for the bundle ", bundle_dir, ": ", loaded.message());
  }
  LOOM_ASSIGN_OR_RETURN(std::unique_ptr<FileSource> source, FileSource::Open(path));
  LOOM_ASSIGN_OR_RETURN(SafetensorsIndex index, ReadSafetensorsIndex(*source));
  for (const auto& p : program.manifest().parameters()) {
    if (p.init() == loom::bundle::Parameter::NORMAL && index.tensors.count(p.name()) == 0) {
      return MakeStatus(StatusCode::kInvalidArgument, "the weights ", path,
                        " are not for the bundle ", bundle_dir, ": no tensor '", p.name(), "'");
    }
  }
  return OkStatus();
}

Result<std::vector<std::string>> ReadPromptsFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeStatus(StatusCode::kNotFound, "--prompts ", path, ": cannot open");
  std::vector<std::string> prompts;
  std::string line;
  for (int64_t number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object() || !j.contains("prompt") || !j["prompt"].is_string()) {
      return MakeStatus(StatusCode::kInvalidArgument, path, ":", number,
                        ": not a JSON object with a string \"prompt\"");
    }
    prompts.push_back(j["prompt"].get<std::string>());
  }
  if (prompts.empty()) return MakeStatus(StatusCode::kInvalidArgument, path, ": no prompts");
  return prompts;
}

Status MissingEntry(const Program& program, const std::string& dir, const std::string& name,
                    const char* why) {
  std::string names;
  for (const auto& e : program.manifest().entry_points()) names += " @" + e.name();
  return MakeStatus(StatusCode::kNotFound, dir, ": no entry point @", name, " (", why,
                    "; it has:", names.empty() ? " none" : names, ")");
}

Status BadSignature(const std::string& dir, const std::string& what) {
  return MakeStatus(StatusCode::kInvalidArgument, dir, ": ", what,
                    " (generate expects a Llama bundle: models/llama/LlamaBuilder.cpp)");
}

// The shapes the generation needs, checked against the signatures.
struct Geometry {
  int64_t batch = 0, length = 0, vocab = 0;
  int64_t limit = 0;  // the longest sequence: cache slots, or @forward's length
};

Result<Geometry> CheckSignatures(const Program& program, const std::string& dir, bool cache) {
  Geometry g;
  const EntryPoint* run = program.FindEntryPoint(cache ? "prefill" : "forward");
  if (run == nullptr) {
    return MissingEntry(program, dir, cache ? "prefill" : "forward",
                        cache ? "generating with the KV cache needs @prefill and @decode_step"
                              : "--no-cache needs @forward");
  }
  if (run->inputs_size() != 1 || SigShape(run->inputs(0)).size() != 2 ||
      run->outputs_size() < 1 || SigShape(run->outputs(0)).size() != 3) {
    return BadSignature(dir, "@" + run->name() +
                                 " is not (tokens [B, S]) -> (logits [B, S, V], ...)");
  }
  const Shape tokens = SigShape(run->inputs(0)), logits = SigShape(run->outputs(0));
  g.batch = tokens[0];
  g.length = tokens[1];
  g.vocab = logits[2];
  if (logits[0] != g.batch || logits[1] != g.length || g.length < 2 || g.vocab <= kBpeId) {
    return BadSignature(dir, "@" + run->name() + "'s logits " + ShapeToString(logits) +
                                 " do not fit its tokens " + ShapeToString(tokens));
  }
  g.limit = g.length;
  if (!cache) return g;
  const EntryPoint* decode = program.FindEntryPoint("decode_step");
  if (decode == nullptr) {
    return MissingEntry(program, dir, "decode_step",
                        "generating with the KV cache needs @prefill and @decode_step; "
                        "--no-cache uses @forward");
  }
  const int caches = decode->inputs_size() - 2;
  if (caches < 0 || run->outputs_size() != 1 + caches || decode->outputs_size() != 1 + caches) {
    return BadSignature(dir, "@decode_step does not take and return @prefill's caches");
  }
  for (int i = 0; i < caches; ++i) {
    const Shape shape = SigShape(decode->inputs(i));
    const auto dtype = decode->inputs(i).dtype();
    if (shape != SigShape(run->outputs(1 + i)) || shape != SigShape(decode->outputs(1 + i)) ||
        dtype != run->outputs(1 + i).dtype() || dtype != decode->outputs(1 + i).dtype() ||
        shape.size() < 2 || shape[0] != g.batch || shape[1] < g.length) {
      return BadSignature(dir, "cache " + decode->inputs(i).name() + " differs between " +
                                   "@prefill and @decode_step");
    }
    g.limit = shape[1];
  }
  const Shape one{g.batch, 1};
  if (SigShape(decode->inputs(caches)) != one || SigShape(decode->inputs(caches + 1)) != one ||
      SigShape(decode->outputs(0)) != Shape{g.batch, 1, g.vocab}) {
    return BadSignature(dir, "@decode_step is not (caches..., token [B, 1], position [B, 1]) -> "
                             "(logits [B, 1, V], caches...)");
  }
  return g;
}

// One prompt being completed.
struct Row {
  bool live = false;           // a prompt (false: a padding slot of the last batch)
  bool done = true;
  std::vector<int64_t> ids;    // the prompt, then the completion
  int64_t generated = 0;
  Utf8StreamDecoder decoder;
  std::string text;            // the completion so far, valid UTF-8
  size_t printed = 0;          // text mode: the bytes of `text` written out
  SampleRng rng{0, 0};
};

Result<HostTensor> I64Tensor(Shape shape) {
  LOOM_ASSIGN_OR_RETURN(HostTensor t, HostTensor::Allocate(DType::kI64, std::move(shape)));
  std::fill_n(t.data_as<int64_t>(), t.num_elements(), int64_t{0});
  return t;
}

Status CheckLogits(const HostTensor& logits) {
  if (logits.dtype() != DType::kF32) {
    return MakeStatus(StatusCode::kUnsupported, "logits of dtype ", DTypeName(logits.dtype()),
                      " (generate samples from f32 logits)");
  }
  return OkStatus();
}

class Generator {
 public:
  Generator(const GenerateOptions& o, const std::vector<std::string>& prompts, Program& program,
            Geometry g, bool jsonl, std::FILE* out)
      : o_(o), prompts_(prompts), program_(program), g_(g), jsonl_(jsonl), out_(out) {}

  // Completes prompts[first, first + B) (fewer in the last batch).
  Status RunBatch(size_t first, std::FILE* err, GenerateStats* stats) {
    rows_.assign(static_cast<size_t>(g_.batch), Row{});
    first_ = first;
    cursor_ = 0;
    for (size_t r = 0; r < rows_.size() && first + r < prompts_.size(); ++r) {
      Row& row = rows_[r];
      const std::string& prompt = prompts_[first + r];
      row.live = true;
      row.done = false;
      row.rng = SampleRng(o_.sampling.seed, first + r);
      const size_t keep = static_cast<size_t>(g_.length - 1);
      size_t begin = 0;
      if (prompt.size() > keep) {
        begin = prompt.size() - keep;
        std::fprintf(err,
                     "loom-run generate: warning: prompt %zu has %zu bytes; keeping its last "
                     "%zu (the sequence is %lld)\n",
                     first + r + 1, prompt.size(), keep, static_cast<long long>(g_.length));
      }
      for (size_t i = begin; i < prompt.size(); ++i) {
        row.ids.push_back(static_cast<uint8_t>(prompt[i]) + kByteIdOffset);
      }
      if (row.ids.empty()) row.ids.push_back(kBosId);
    }
    for (Row& row : rows_) {
      if (!row.live) row.ids.push_back(kBoeId);
    }
    return o_.use_cache ? WithCache(stats) : WithoutCache(stats);
  }

  // Writes what is ready: text mode streams the earliest unfinished completion, JSONL mode
  // writes finished ones in order.
  void Emit() {
    while (cursor_ < rows_.size() && rows_[cursor_].live) {
      Row& row = rows_[cursor_];
      if (jsonl_) {
        if (!row.done) break;
        nlohmann::ordered_json j;
        j["prompt"] = prompts_[first_ + cursor_];
        j["completion"] = row.text;
        const std::string line =
            j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
        std::fwrite(line.data(), 1, line.size(), out_);
      } else {
        std::fwrite(row.text.data() + row.printed, 1, row.text.size() - row.printed, out_);
        row.printed = row.text.size();
        if (!row.done) break;
        std::fputc('\n', out_);
      }
      ++cursor_;
    }
    std::fflush(out_);
  }

 private:
  void Sample(Row& row, const float* logits, GenerateStats* stats) {
    const int64_t id = SampleToken(logits, g_.vocab, o_.sampling, row.rng);
    row.ids.push_back(id);
    ++row.generated;
    ++stats->tokens;
    if (id >= kByteIdOffset && id < kByteIdOffset + 256) {
      row.text += row.decoder.Push(static_cast<uint8_t>(id - kByteIdOffset));
    }
    if (id == kEosId || row.generated >= o_.max_tokens ||
        static_cast<int64_t>(row.ids.size()) >= g_.limit) {
      row.done = true;
      row.text += row.decoder.Finish();
    }
  }

  bool AllDone() const {
    return std::all_of(rows_.begin(), rows_.end(), [](const Row& r) { return r.done; });
  }

  // Runs `entry` (@prefill or @forward) on every row's ids, padded to [B, S], and samples each
  // unfinished row from the logits at its last position. Returns the outputs.
  Result<std::vector<HostTensor>> RunWholeSequences(const std::string& entry,
                                                    GenerateStats* stats) {
    LOOM_ASSIGN_OR_RETURN(HostTensor tokens, I64Tensor({g_.batch, g_.length}));
    for (size_t r = 0; r < rows_.size(); ++r) {
      std::copy(rows_[r].ids.begin(), rows_[r].ids.end(),
                tokens.data_as<int64_t>() + r * g_.length);
    }
    LOOM_ASSIGN_OR_RETURN(std::vector<HostTensor> outs, program_.Run(entry, {&tokens}));
    LOOM_RETURN_IF_ERROR(CheckLogits(outs[0]));
    for (size_t r = 0; r < rows_.size(); ++r) {
      Row& row = rows_[r];
      if (row.done) continue;
      const int64_t last = static_cast<int64_t>(row.ids.size()) - 1;
      Sample(row, outs[0].data_as<float>() + (r * g_.length + last) * g_.vocab, stats);
    }
    Emit();
    return outs;
  }

  Status WithCache(GenerateStats* stats) {
    LOOM_ASSIGN_OR_RETURN(std::vector<HostTensor> outs, RunWholeSequences("prefill", stats));
    std::vector<HostTensor> caches(std::make_move_iterator(outs.begin() + 1),
                                   std::make_move_iterator(outs.end()));
    LOOM_ASSIGN_OR_RETURN(HostTensor token, I64Tensor({g_.batch, 1}));
    LOOM_ASSIGN_OR_RETURN(HostTensor position, I64Tensor({g_.batch, 1}));
    // The caches stay where the plan runs (Program::RunCarried): on the GPU they are uploaded
    // once and moved on the device between tokens, not copied up and down with every token.
    std::vector<std::pair<int, int>> pairs;
    for (size_t i = 0; i < caches.size(); ++i) {
      pairs.emplace_back(static_cast<int>(i), static_cast<int>(i) + 1);
    }
    LOOM_ASSIGN_OR_RETURN(Program::Carried carried,
                          program_.StartCarried("decode_step", std::move(pairs),
                                                std::move(caches)));
    while (!AllDone()) {
      SetTokensAndPositions(token, position);
      LOOM_ASSIGN_OR_RETURN(outs, program_.RunCarried(carried, {&token, &position}));
      SampleDecoded(outs[0], stats);
    }
    return OkStatus();
  }

  // @decode_step's token and position inputs: each row's last id at its place.
  void SetTokensAndPositions(HostTensor& token, HostTensor& position) const {
    for (size_t r = 0; r < rows_.size(); ++r) {
      const Row& row = rows_[r];
      // A finished row recomputes slot 0 of its own cache: harmless, and never read again.
      token.data_as<int64_t>()[r] = row.done ? kBoeId : row.ids.back();
      position.data_as<int64_t>()[r] = row.done ? 0 : static_cast<int64_t>(row.ids.size()) - 1;
    }
  }

  // Samples each unfinished row from @decode_step's logits [B, 1, V].
  void SampleDecoded(const HostTensor& logits, GenerateStats* stats) {
    for (size_t r = 0; r < rows_.size(); ++r) {
      if (!rows_[r].done) Sample(rows_[r], logits.data_as<float>() + r * g_.vocab, stats);
    }
    Emit();
  }

  Status WithoutCache(GenerateStats* stats) {
    while (!AllDone()) LOOM_RETURN_IF_ERROR(RunWholeSequences("forward", stats).status());
    return OkStatus();
  }

  const GenerateOptions& o_;
  const std::vector<std::string>& prompts_;
  Program& program_;
  Geometry g_;
  bool jsonl_;
  std::FILE* out_;
  std::vector<Row> rows_;
  size_t first_ = 0, cursor_ = 0;
};

}  // namespace

Result<GenerateStats> Generate(const GenerateOptions& options, std::FILE* out, std::FILE* err) {
  const bool jsonl = !options.prompts_path.empty();
  std::vector<std::string> prompts = options.prompts;
  if (jsonl) {
    LOOM_ASSIGN_OR_RETURN(prompts, ReadPromptsFile(options.prompts_path));
  }
  if (prompts.empty()) return MakeStatus(StatusCode::kInvalidArgument, "no prompts");

  const int threads = options.threads > 0
                          ? options.threads
                          : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  Session session(threads);
  LOOM_ASSIGN_OR_RETURN(Program * program, session.Load("main", options.bundle_dir, options.program));
  LOOM_ASSIGN_OR_RETURN(Geometry g, CheckSignatures(*program, options.bundle_dir,
                                                    options.use_cache));
  LOOM_ASSIGN_OR_RETURN(std::string weights, WeightsPath(options, err));
  LOOM_RETURN_IF_ERROR(LoadWeights(*program, weights, options.bundle_dir));

  GenerateStats stats;
  stats.prompts = static_cast<int64_t>(prompts.size());
  Generator generator(options, prompts, *program, g, jsonl, out);
  const auto start = std::chrono::steady_clock::now();
  for (size_t first = 0; first < prompts.size(); first += static_cast<size_t>(g.batch)) {
    LOOM_RETURN_IF_ERROR(generator.RunBatch(first, err, &stats));
  }
  stats.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fprintf(err,
               "loom-run generate: %lld tokens for %lld prompts in %.3f s: %.1f tokens/s "
               "(%s, batch %lld, %s)\n",
               static_cast<long long>(stats.tokens), static_cast<long long>(stats.prompts),
               stats.seconds, stats.tokens_per_second(),
               options.use_cache ? "KV cache" : "no cache", static_cast<long long>(g.batch),
               program->DeviceDescription().c_str());
  return stats;
}

}  // namespace loom::rt
