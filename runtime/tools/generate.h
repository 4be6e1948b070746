// `loom-run generate` (issue 7): text from a compiled Llama bundle's @prefill and @decode_step
// (the KV cache), or from @forward over the whole sequence at each step (--no-cache).
//
// Tokens are BLT byte ids (byte b is id b + 4, runtime/data/byte_corpus.h); ids below 4 are
// specials (0 boe/pad, 1 bos, 2 eos, 3 bpe): eos ends a completion, and no special is printed.
//
// Prompts go through the model in batches of the bundle's batch size B. With the cache, a batch
// is one @prefill of [B, S] tokens (each prompt padded with id 0 after its end: the attention is
// causal, so the padding never changes the logits of the prompt's positions) whose logits at the
// prompt's last position give the first token; then one @decode_step per token, each row at its
// own position (row r writes cache slot `position` and attends to slots <= position). Without
// the cache, each step runs @forward on the padded sequences and reads each row's logits at its
// last position. Both paths compute the same function, so greedy decoding gives the same text.
//
// A completion ends at eos, after --max-tokens tokens, or when prompt + completion fill the
// sequence: @decode_step's cache slots with the cache, @forward's length without. A prompt
// longer than the @prefill length minus one keeps its last bytes. An empty prompt is [bos].
#ifndef LOOM_RUNTIME_TOOLS_GENERATE_H_
#define LOOM_RUNTIME_TOOLS_GENERATE_H_

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "runtime/base/status.h"
#include "runtime/exec/program.h"

namespace loom::rt {

inline constexpr int64_t kBoeId = 0, kBosId = 1, kEosId = 2, kBpeId = 3;

// Bytes in, valid UTF-8 out, as soon as it is complete: an incomplete multi-byte sequence is
// held back until its last byte arrives; each maximal ill-formed subpart (Unicode §3.9,
// "substitution of maximal subparts") becomes U+FFFD, as does a sequence cut off by Finish.
class Utf8StreamDecoder {
 public:
  // The text that `byte` completes (possibly empty, possibly several characters).
  std::string Push(uint8_t byte);
  // What is still held back, as U+FFFD; the decoder is empty afterwards.
  std::string Finish();

 private:
  std::string pending_;  // the start of a multi-byte sequence, valid so far
  int needed_ = 0;       // the sequence's total length
};

// The whole `bytes` as UTF-8 (Push each, then Finish).
std::string SanitizeUtf8(const std::string& bytes);

struct SamplingOptions {
  double temperature = 0.0;  // 0: greedy (argmax, the lowest id on ties)
  int64_t top_k = 0;         // 0: all ids
  double top_p = 1.0;        // nucleus: the smallest set of likeliest ids with mass >= top_p
  uint64_t seed = 0;
};

// One completion's random stream: splitmix64 over a counter whose start mixes the seed and the
// prompt's index, so a prompt's draws depend on neither the batch it lands in nor its slot.
class SampleRng {
 public:
  SampleRng(uint64_t seed, uint64_t stream);
  uint64_t Next();
  double Uniform();  // in [0, 1), 53 bits

 private:
  uint64_t state_;
};

// The next id from `logits` (vocab floats). Greedy ignores `rng`; otherwise softmax(logits / T)
// restricted to the top_k likeliest ids, then to the top_p nucleus, drawn with one Uniform().
int64_t SampleToken(const float* logits, int64_t vocab, const SamplingOptions& options,
                    SampleRng& rng);

struct GenerateOptions {
  std::string bundle_dir;
  std::string checkpoint;   // a step-N folder, a folder of checkpoints, or a safetensors file
  std::string params_path;  // a safetensors file (the alternative to --checkpoint)
  std::vector<std::string> prompts;  // --prompt, repeatable
  std::string prompts_path;          // --prompts FILE.jsonl: {"prompt": "..."} per line
  int64_t max_tokens = 256;
  SamplingOptions sampling;
  bool use_cache = true;
  int threads = 0;  // 0: one per hardware thread
  ProgramOptions program;  // --device, --no-cuda-graphs
};

struct GenerateStats {
  int64_t prompts = 0;
  int64_t tokens = 0;  // every token sampled (eos included)
  double seconds = 0;  // the model runs and sampling, without loading
  double tokens_per_second() const { return seconds > 0 ? tokens / seconds : 0; }
};

// Runs the generation, writing completions to `out`: text mode (--prompt) streams each
// completion as it grows, one line per prompt; JSONL mode (--prompts) writes
// {"prompt": ..., "completion": ...} per prompt in input order. Warnings go to `err`.
Result<GenerateStats> Generate(const GenerateOptions& options, std::FILE* out, std::FILE* err);

}  // namespace loom::rt

#endif  // LOOM_RUNTIME_TOOLS_GENERATE_H_
