// Robustness: every valid test file, mutated thousands of times with a fixed seed (bit flips,
// truncations, insertions, deletions, header token and length-field edits), goes through both
// readers. Each result must be a clean parse, which then survives a write/read round trip, or
// a clean error that names the source; a crash, a sanitizer report or an INTERNAL error fails.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "runtime/io/npy.h"
#include "runtime/io/safetensors.h"
#include "runtime/io/test_util.h"

namespace loom::rt {
namespace {

// LOOM_ROBUSTNESS_ITERATIONS overrides the count for a deeper run (e.g. under sanitizers).
int Iterations() {
  const char* env = std::getenv("LOOM_ROBUSTNESS_ITERATIONS");
  return env && std::atoi(env) > 0 ? std::atoi(env) : 20000;
}
constexpr uint32_t kSeed = 20240611;

class Mutator {
 public:
  explicit Mutator(uint32_t seed) : rng_(seed) {}

  size_t Below(size_t n) { return n == 0 ? 0 : rng_() % n; }

  // Applies one mutation to `bytes`, or two to three one time in four.
  void Mutate(std::string& bytes) {
    int count = 1 + (Below(4) == 0 ? 1 + static_cast<int>(Below(2)) : 0);
    for (int i = 0; i < count; ++i) MutateOnce(bytes);
  }

 private:
  // Positions inside the first 160 bytes (where both formats keep their headers) are chosen
  // half of the time, since that is where the parsing logic is.
  size_t Position(const std::string& bytes) {
    size_t limit = bytes.size();
    if (Below(2) == 0 && limit > 160) limit = 160;
    return Below(limit);
  }

  void MutateOnce(std::string& bytes) {
    static const std::string kSyntax = "{}[](),:'\" 0123456789-.eE\\TrueFalsdpV<>|=\n\xff";
    static const char* kNumbers[] = {"0", "1", "-1", "00", "1.5", "1e3", "9223372036854775807",
                                     "9223372036854775808", "18446744073709551616",
                                     "4611686018427387904", "65536"};
    switch (Below(8)) {
      case 0:  // flip a few bits
        for (size_t i = 1 + Below(8); i > 0 && !bytes.empty(); --i) {
          bytes[Position(bytes)] ^= static_cast<char>(1u << Below(8));
        }
        break;
      case 1:  // truncate
        bytes.resize(Below(bytes.size() + 1));
        break;
      case 2: {  // insert random bytes
        std::string extra(1 + Below(16), '\0');
        for (char& c : extra) c = static_cast<char>(rng_());
        bytes.insert(Position(bytes) + (bytes.empty() ? 0 : Below(2)), extra);
        break;
      }
      case 3:  // delete bytes
        if (!bytes.empty()) {
          size_t at = Position(bytes);
          bytes.erase(at, 1 + Below(16));
        }
        break;
      case 4:  // replace a byte with a character the header grammars care about
        if (!bytes.empty()) bytes[Position(bytes)] = kSyntax[Below(kSyntax.size())];
        break;
      case 5: {  // replace a run of digits with an interesting number
        size_t at = bytes.find_first_of("0123456789", Position(bytes));
        if (at == std::string::npos) break;
        size_t end = bytes.find_first_not_of("0123456789", at);
        if (end == std::string::npos) end = bytes.size();
        bytes.replace(at, end - at, kNumbers[Below(std::size(kNumbers))]);
        break;
      }
      case 6: {  // overwrite a length field (npy: offset 8; safetensors: offset 0)
        const uint64_t size = bytes.size();
        const uint64_t values[] = {0, 1, 7, 8, size - 1, size, size + 1, 0xffff, 0xffffffff,
                                   100000000, 100000001, uint64_t{1} << 63, ~uint64_t{0},
                                   static_cast<uint64_t>(rng_())};
        uint64_t v = values[Below(std::size(values))];
        size_t at = Below(2) ? 0 : 8;
        for (size_t i = 0; i < 8 && at + i < bytes.size(); ++i) {
          bytes[at + i] = static_cast<char>(v >> (8 * i));
        }
        break;
      }
      default:  // duplicate a slice (repeats keys, entries, digits)
        if (!bytes.empty()) {
          size_t at = Position(bytes);
          bytes.insert(at, bytes.substr(at, 1 + Below(24)));
        }
        break;
    }
  }

  std::mt19937 rng_;
};

struct Outcome {
  int accepted = 0;
  int rejected = 0;
};

void CheckError(const Status& status, const std::string& name, Outcome& outcome) {
  ++outcome.rejected;
  EXPECT_NE(status.code(), StatusCode::kInternal) << status.ToString();
  EXPECT_EQ(status.message().rfind(name + ": ", 0), 0u) << status.ToString();
}

// Reads `bytes`; an accepted input must survive encode + read unchanged.
template <typename Read, typename Encode, typename ExpectSame>
void Check(const std::string& bytes, const std::string& name, Outcome& outcome, Read read,
           Encode encode, ExpectSame expect_same) {
  MemorySource source(name, bytes.data(), bytes.size());
  auto first = read(source);
  if (!first.ok()) return CheckError(first.status(), name, outcome);
  ++outcome.accepted;
  Result<std::string> again = encode(*first);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  MemorySource round(name, again->data(), again->size());
  auto back = read(round);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  expect_same(*back, *first);
}

void ExpectSameTensor(const HostTensor& a, const HostTensor& b) { EXPECT_TRUE(a == b); }

struct Seed {
  std::string bytes;
  bool is_npy;
};

// The committed valid files, plus files with larger data sections written here, so that a
// good share of mutations land in data and still parse (the round-trip check then runs).
std::vector<Seed> Seeds() {
  std::vector<Seed> seeds;
  for (const char* suffix : {".npy", ".safetensors"}) {
    for (const std::string& file : testing::ListTestdata(".", suffix)) {
      seeds.push_back({testing::ReadFileBytes(testing::TestdataPath(file)),
                       std::string(suffix) == ".npy"});
    }
  }
  SafetensorsFile file;
  uint32_t pattern = 1;
  for (DType dtype : kAllDTypes) {
    HostTensor tensor = testing::PatternTensor(dtype, {16, 8}, pattern++);
    if (dtype != DType::kBF16) seeds.push_back({EncodeNpy(tensor).value(), true});
    file.tensors.emplace(std::string(DTypeName(dtype)), std::move(tensor));
  }
  seeds.push_back({EncodeSafetensors(file).value(), false});
  return seeds;
}

TEST(RobustnessTest, MutatedFilesParseOrFailCleanly) {
  std::vector<Seed> seeds = Seeds();
  ASSERT_GE(seeds.size(), 20u);
  Mutator mutator(kSeed);
  Outcome native[2], foreign[2];  // [0]: npy reader, [1]: safetensors reader
  const int iterations = Iterations();
  for (int i = 0; i < iterations && !HasFatalFailure(); ++i) {
    // Half the inputs from each format, whatever the number of seeds of each.
    bool want_npy = mutator.Below(2) == 0;
    const Seed* seed_ptr;
    do {
      seed_ptr = &seeds[mutator.Below(seeds.size())];
    } while (seed_ptr->is_npy != want_npy);
    const Seed& seed = *seed_ptr;
    std::string bytes = seed.bytes;
    mutator.Mutate(bytes);
    const std::string name = "mutant-" + std::to_string(i);
    // Both readers see every input: a reader must also survive the other format's bytes.
    Check(bytes, name, seed.is_npy ? native[0] : foreign[0], ReadNpy, EncodeNpy,
          ExpectSameTensor);
    Check(bytes, name, seed.is_npy ? foreign[1] : native[1], ReadSafetensors, EncodeSafetensors,
          testing::ExpectSameSafetensors);
  }
  std::printf("mutants of own format  - npy: %d accepted, %d rejected; safetensors: %d "
              "accepted, %d rejected\n",
              native[0].accepted, native[0].rejected, native[1].accepted, native[1].rejected);
  // Both outcomes must be common on each reader's own format, or the test proves little.
  for (const Outcome& o : native) {
    int total = o.accepted + o.rejected;
    EXPECT_GT(o.accepted, total / 50);
    EXPECT_GT(o.rejected, total / 5);
  }
}

}  // namespace
}  // namespace loom::rt
