#include "runtime/data/byte_corpus.h"

#include <array>
#include <cmath>
#include <fstream>
#include <sstream>

namespace loom::rt {

uint64_t SplitMix64(uint64_t z) {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

Result<ByteCorpus> ByteCorpus::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeStatus(StatusCode::kNotFound, path, ": cannot open the corpus");
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) return MakeStatus(StatusCode::kIoError, path, ": read failed");
  std::string bytes = contents.str();
  if (bytes.empty()) return MakeStatus(StatusCode::kInvalidArgument, path, ": the corpus is empty");
  return ByteCorpus(std::move(bytes), path);
}

ByteCorpus ByteCorpus::FromBytes(std::string bytes, std::string name) {
  return ByteCorpus(std::move(bytes), std::move(name));
}

Result<ByteBatch> ByteCorpus::Batch(uint64_t seed, int64_t step, int64_t batch,
                                    int64_t length) const {
  if (step < 0 || batch <= 0 || length <= 0)
    return MakeStatus(StatusCode::kInvalidArgument, name_, ": batch ", batch, " x ", length,
                      " at step ", step, ": sizes must be > 0 and the step >= 0");
  const uint64_t n = bytes_.size();
  if (n < static_cast<uint64_t>(length) + 2)
    return MakeStatus(StatusCode::kInvalidArgument, name_, ": ", n,
                      " bytes cannot fill rows of ", length, " tokens and their targets");
  const uint64_t span = n - static_cast<uint64_t>(length) - 1;
  ByteBatch out;
  out.batch = batch;
  out.length = length;
  out.tokens.resize(static_cast<size_t>(batch * length));
  out.targets.resize(out.tokens.size());
  for (int64_t b = 0; b < batch; ++b) {
    const uint64_t offset =
        SplitMix64(seed + static_cast<uint64_t>(step) * static_cast<uint64_t>(batch) +
                   static_cast<uint64_t>(b)) % span;
    for (int64_t s = 0; s < length; ++s) {
      const size_t at = static_cast<size_t>(b * length + s);
      out.tokens[at] = static_cast<unsigned char>(bytes_[offset + s]) + kByteIdOffset;
      out.targets[at] = static_cast<unsigned char>(bytes_[offset + s + 1]) + kByteIdOffset;
    }
  }
  return out;
}

double ByteCorpus::UnigramEntropyNats() const {
  std::array<uint64_t, 256> counts{};
  for (unsigned char c : bytes_) ++counts[c];
  double entropy = 0;
  const double n = static_cast<double>(bytes_.size());
  for (uint64_t c : counts)
    if (c) entropy -= (c / n) * std::log(c / n);
  return entropy;
}

}  // namespace loom::rt
