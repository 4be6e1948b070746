//===- Philox.h - Philox-4x32-10 and the random ops' draws ------------------===//
//
// The counter-based generator of DESIGN.md §4 (Salmon et al., "Parallel random
// numbers: as easy as 1, 2, 3", SC'11; Random123's philox4x32_R(10, ...)) and
// the exact counter/key layout of RandomOps.td. Pure functions: the same key
// and element index give the same draw on every backend.
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_CODEGEN_REFERENCE_PHILOX_H
#define LOOM_CODEGEN_REFERENCE_PHILOX_H

#include <array>
#include <cstdint>

namespace loom::reference {

using PhiloxCounter = std::array<uint32_t, 4>;
using PhiloxKey = std::array<uint32_t, 2>;

/// Ten Philox-4x32 rounds of `counter` under `key`.
PhiloxCounter philox4x32_10(PhiloxCounter counter, PhiloxKey key);

/// A 64-bit key (a `tensor<i64>` value) as Philox's two key words: low, high.
PhiloxKey splitKey(int64_t key);

/// loom.random_fold_in: Philox on (lo(data), hi(data), 0, 0); words 0 and 1
/// become the new key's low and high halves.
int64_t foldIn(int64_t key, int64_t data);

/// loom.random_uniform for f32, f16 and bf16 before rounding to the type: the
/// top 24 bits of word 0 of Philox on (lo(i), hi(i), 0, 0), times 2^-24.
double uniform24(int64_t key, uint64_t index);
/// loom.random_uniform for f64: the top 53 bits of the 64-bit word
/// (word 1 << 32 | word 0), times 2^-53.
double uniform53(int64_t key, uint64_t index);

/// loom.random_normal: Box-Muller's cosine branch sqrt(-2 ln u1) · cos(2π u2)
/// of two uniforms in (0, 1] from Philox on (lo(i), hi(i), 0, 1): for f32, f16
/// and bf16 u1 = (top 24 bits of word 0 + 1) · 2^-24 and u2 likewise from word
/// 1; for f64 u1 = (top 53 bits of words 1:0 + 1) · 2^-53, u2 from words 3:2.
/// Computed in double; the caller rounds to the element type.
double normal24(int64_t key, uint64_t index);
double normal53(int64_t key, uint64_t index);

} // namespace loom::reference

#endif // LOOM_CODEGEN_REFERENCE_PHILOX_H
