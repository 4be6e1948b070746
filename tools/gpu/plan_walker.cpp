#include "tools/gpu/plan_walker.h"

#include <cmath>
#include <cstring>

#include "runtime/bundle/bundle_dtype.h"
#include "runtime/data/byte_corpus.h"

namespace loom::gpu {
namespace {

using loom::bundle::TensorSig;
using rt::DType;
using rt::HostTensor;
using rt::Result;

// Uniform draws in (0, 1] from one splitmix64 counter.
class Draws {
 public:
  explicit Draws(uint64_t seed) : seed_(seed) {}
  double Uniform() {
    return (static_cast<double>(rt::SplitMix64(seed_ + counter_++) >> 11) + 1.0) * 0x1p-53;
  }
  double Normal() {  // Box-Muller's cosine branch, u1 first
    const double u1 = Uniform();
    const double u2 = Uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
  }

 private:
  uint64_t seed_;
  uint64_t counter_ = 0;
};

// Writes `x` into element i of `value` in its dtype (bf16 by truncation, f16 as 0: no such
// inputs so far).
void Store(HostTensor& value, uint64_t i, double x) {
  switch (value.dtype()) {
    case DType::kF64:
      value.data_as<double>()[i] = x;
      break;
    case DType::kF32:
      value.data_as<float>()[i] = static_cast<float>(x);
      break;
    case DType::kBF16: {
      float f = static_cast<float>(x);
      uint32_t bits;
      std::memcpy(&bits, &f, sizeof(bits));
      value.data_as<uint16_t>()[i] = static_cast<uint16_t>(bits >> 16);
      break;
    }
    case DType::kF16:
      value.data_as<uint16_t>()[i] = 0;
      break;
    case DType::kI64:
      value.data_as<int64_t>()[i] = static_cast<int64_t>(x);
      break;
    case DType::kI32:
      value.data_as<int32_t>()[i] = static_cast<int32_t>(x);
      break;
    case DType::kI8:
    case DType::kI1:
      value.data_as<int8_t>()[i] = static_cast<int8_t>(x);
      break;
  }
}

}  // namespace

Result<std::vector<HostTensor>> DrawInputs(const loom::bundle::EntryPoint& entry, uint64_t seed,
                                           int64_t token_range, int64_t step) {
  Draws draws(seed);
  std::vector<HostTensor> out;
  for (const TensorSig& sig : entry.inputs()) {
    const DType dtype = *rt::FromBundleDType(sig.dtype());  // a validated manifest's
    LOOM_ASSIGN_OR_RETURN(HostTensor value, HostTensor::Allocate(dtype, rt::Shape(sig.shape().begin(), sig.shape().end())));
    const uint64_t n = value.num_elements();
    const bool integer = dtype == DType::kI64 || dtype == DType::kI32;
    for (uint64_t i = 0; i < n; ++i) {
      double x;
      if (integer && sig.shape_size() == 0) {
        x = static_cast<double>(step);
      } else if (integer) {
        x = std::floor(draws.Uniform() * static_cast<double>(token_range) * (1.0 - 0x1p-52));
      } else if (dtype == DType::kI1 || dtype == DType::kI8) {
        x = draws.Uniform() < 0.5 ? 0.0 : 1.0;
      } else {
        x = draws.Normal();
      }
      Store(value, i, x);
    }
    out.push_back(std::move(value));
  }
  return out;
}

int64_t InferTokenRange(const loom::bundle::Manifest& manifest) {
  for (const auto& p : manifest.parameters())
    if (p.name().find("embed") != std::string::npos && p.shape_size() == 2) return p.shape(0);
  for (const auto& e : manifest.entry_points())
    if (e.name() == "forward" && e.outputs_size() > 0 && e.outputs(0).shape_size() > 0)
      return e.outputs(0).shape(e.outputs(0).shape_size() - 1);
  return 256;
}

}  // namespace loom::gpu
