// ByteCorpus: a text corpus read as bytes, cut into training batches of BLT byte ids.
//
// The batches are a pure function of (seed, step): step t, row b starts at
//   offset = SplitMix64(seed + t * batch + b) % (N - length - 1)
// (N the corpus size in bytes); tokens are bytes [offset, offset + length) + 4 and targets the
// next bytes + 4 (BLT's ids, models.md §1.2). Resuming at step t therefore needs no loader state,
// and the PyTorch twin (scripts/goldens/make_llama_twin.py) draws the same batches.
#ifndef LOOM_RUNTIME_DATA_BYTE_CORPUS_H_
#define LOOM_RUNTIME_DATA_BYTE_CORPUS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/base/status.h"

namespace loom::rt {

// The standard splitmix64 finalizer (Steele, Lea, Flood 2014), all arithmetic mod 2^64.
uint64_t SplitMix64(uint64_t z);

// BLT's id of byte b (4 special ids come first).
constexpr int64_t kByteIdOffset = 4;

struct ByteBatch {
  int64_t batch = 0, length = 0;
  std::vector<int64_t> tokens;   // [batch, length] row-major
  std::vector<int64_t> targets;  // [batch, length]: the next byte of each token
};

class ByteCorpus {
 public:
  // Reads a whole file; refuses a missing or empty file.
  static Result<ByteCorpus> Load(const std::string& path);
  static ByteCorpus FromBytes(std::string bytes, std::string name);

  size_t size() const { return bytes_.size(); }
  const std::string& name() const { return name_; }

  // The batch of `step`; refuses shapes the corpus cannot fill (length + 1 bytes per row) and
  // non-positive sizes.
  Result<ByteBatch> Batch(uint64_t seed, int64_t step, int64_t batch, int64_t length) const;

  // −Σ p(b) ln p(b) over the corpus's byte frequencies: the loss of the best model that ignores
  // context, the bar a trained byte LM must clear.
  double UnigramEntropyNats() const;

 private:
  ByteCorpus(std::string bytes, std::string name) : bytes_(std::move(bytes)), name_(std::move(name)) {}
  std::string bytes_;
  std::string name_;
};

}  // namespace loom::rt

#endif  // LOOM_RUNTIME_DATA_BYTE_CORPUS_H_
