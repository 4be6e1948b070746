//===- Philox.cpp - Philox-4x32-10 and the random ops' draws ----------------===//

#include "codegen/reference/Philox.h"

#include <cmath>

namespace loom::reference {
namespace {
constexpr uint32_t kMul0 = 0xD2511F53, kMul1 = 0xCD9E8D57;  // round multipliers
constexpr uint32_t kWeyl0 = 0x9E3779B9, kWeyl1 = 0xBB67AE85; // key schedule

PhiloxCounter round(const PhiloxCounter &c, const PhiloxKey &k) {
  uint64_t p0 = uint64_t{kMul0} * c[0], p1 = uint64_t{kMul1} * c[2];
  uint32_t hi0 = static_cast<uint32_t>(p0 >> 32), lo0 = static_cast<uint32_t>(p0);
  uint32_t hi1 = static_cast<uint32_t>(p1 >> 32), lo1 = static_cast<uint32_t>(p1);
  return {hi1 ^ c[1] ^ k[0], lo1, hi0 ^ c[3] ^ k[1], lo0};
}

PhiloxCounter counterOf(uint64_t index, uint32_t word3) {
  return {static_cast<uint32_t>(index), static_cast<uint32_t>(index >> 32), 0, word3};
}

constexpr double kTwoPi = 6.283185307179586476925286766559;
} // namespace

PhiloxCounter philox4x32_10(PhiloxCounter counter, PhiloxKey key) {
  for (int r = 0; r < 10; ++r) {
    if (r > 0) { // the key is bumped between rounds, as Random123 does
      key[0] += kWeyl0;
      key[1] += kWeyl1;
    }
    counter = round(counter, key);
  }
  return counter;
}

PhiloxKey splitKey(int64_t key) {
  uint64_t k = static_cast<uint64_t>(key);
  return {static_cast<uint32_t>(k), static_cast<uint32_t>(k >> 32)};
}

int64_t foldIn(int64_t key, int64_t data) {
  PhiloxCounter out = philox4x32_10(counterOf(static_cast<uint64_t>(data), 0), splitKey(key));
  return static_cast<int64_t>((uint64_t{out[1]} << 32) | out[0]);
}

double uniform24(int64_t key, uint64_t index) {
  PhiloxCounter out = philox4x32_10(counterOf(index, 0), splitKey(key));
  return std::ldexp(static_cast<double>(out[0] >> 8), -24);
}

double uniform53(int64_t key, uint64_t index) {
  PhiloxCounter out = philox4x32_10(counterOf(index, 0), splitKey(key));
  uint64_t bits = ((uint64_t{out[1]} << 32) | out[0]) >> 11;
  return std::ldexp(static_cast<double>(bits), -53);
}

double normal24(int64_t key, uint64_t index) {
  PhiloxCounter out = philox4x32_10(counterOf(index, 1), splitKey(key));
  double u1 = std::ldexp(static_cast<double>((out[0] >> 8) + 1), -24);
  double u2 = std::ldexp(static_cast<double>((out[1] >> 8) + 1), -24);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(kTwoPi * u2);
}

double normal53(int64_t key, uint64_t index) {
  PhiloxCounter out = philox4x32_10(counterOf(index, 1), splitKey(key));
  uint64_t b1 = ((uint64_t{out[1]} << 32) | out[0]) >> 11;
  uint64_t b2 = ((uint64_t{out[3]} << 32) | out[2]) >> 11;
  double u1 = std::ldexp(static_cast<double>(b1 + 1), -53);
  double u2 = std::ldexp(static_cast<double>(b2 + 1), -53);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(kTwoPi * u2);
}

} // namespace loom::reference
