//===- DenseBuffers.cpp - interpreter tensors as compiled code's buffers ---===//

#include "codegen/cpu/testing/DenseBuffers.h"

#include "llvm/ADT/APFloat.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

using ::loom::reference::Tensor;

namespace mlir::loom::codegen::testsupport {
namespace {

/// f16 and bf16 go through APFloat (round to nearest even), the rest
/// through their C types.
const llvm::fltSemantics *halfSemantics(Type element) {
  if (element.isF16())
    return &llvm::APFloat::IEEEhalf();
  if (element.isBF16())
    return &llvm::APFloat::BFloat();
  return nullptr;
}

void storeFloat(char *p, Type element, double x) {
  if (const llvm::fltSemantics *half = halfSemantics(element)) {
    llvm::APFloat value(x);
    bool lost;
    value.convert(*half, llvm::APFloat::rmNearestTiesToEven, &lost);
    uint16_t bits = static_cast<uint16_t>(value.bitcastToAPInt().getZExtValue());
    std::memcpy(p, &bits, 2);
  } else if (element.isF64()) {
    std::memcpy(p, &x, 8);
  } else {
    float f = static_cast<float>(x);
    std::memcpy(p, &f, 4);
  }
}

double loadFloat(const char *p, Type element) {
  if (const llvm::fltSemantics *half = halfSemantics(element)) {
    uint16_t bits;
    std::memcpy(&bits, p, 2);
    return llvm::APFloat(*half, llvm::APInt(16, bits)).convertToFloat();
  }
  if (element.isF64()) {
    double x;
    std::memcpy(&x, p, 8);
    return x;
  }
  float f;
  std::memcpy(&f, p, 4);
  return f;
}

void storeInt(char *p, int64_t width, int64_t x) {
  switch (width) {
  case 8: std::memcpy(p, &x, 8); break;
  case 4: { int32_t v = static_cast<int32_t>(x); std::memcpy(p, &v, 4); break; }
  case 2: { int16_t v = static_cast<int16_t>(x); std::memcpy(p, &v, 2); break; }
  default: { int8_t v = static_cast<int8_t>(x); std::memcpy(p, &v, 1); break; }
  }
}

int64_t loadInt(const char *p, Type element) {
  if (element.isInteger(1))
    return *p & 1;
  switch (elementBytes(element)) {
  case 8: { int64_t v; std::memcpy(&v, p, 8); return v; }
  case 4: { int32_t v; std::memcpy(&v, p, 4); return v; }
  case 2: { int16_t v; std::memcpy(&v, p, 2); return v; }
  default: return static_cast<int8_t>(*p);
  }
}

} // namespace

int64_t elementBytes(Type element) {
  return element.isInteger(1) ? 1 : (element.getIntOrFloatBitWidth() + 7) / 8;
}

std::vector<char> packDense(const Tensor &value) {
  Type element = value.elementType;
  int64_t n = value.numElements(), width = elementBytes(element);
  std::vector<char> bytes(std::max<int64_t>(n * width, 8));
  for (int64_t k = 0; k < n; ++k) {
    if (value.isFloat())
      storeFloat(bytes.data() + k * width, element, value.f[k]);
    else
      storeInt(bytes.data() + k * width, width, value.i[k]);
  }
  return bytes;
}

Tensor unpackStrided(const char *data, Type element, ArrayRef<int64_t> shape,
                     ArrayRef<int64_t> strides) {
  Tensor value;
  value.elementType = element;
  value.shape.assign(shape.begin(), shape.end());
  int64_t width = elementBytes(element);
  ::loom::reference::forEachOffset(shape, strides, [&](int64_t, int64_t offset) {
    const char *p = data + offset * width;
    if (value.isFloat())
      value.f.push_back(loadFloat(p, element));
    else
      value.i.push_back(loadInt(p, element));
  });
  return value;
}

Tensor unpackDense(const char *data, RankedTensorType type) {
  return unpackStrided(data, type.getElementType(), type.getShape(),
                       ::loom::reference::stridesOf(type.getShape()));
}

std::vector<Tensor> generatedInputs(func::FuncOp fn, int64_t intRange) {
  uint64_t state = 0x9E3779B97F4A7C15ull;
  auto next = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return state >> 33;
  };
  std::vector<Tensor> inputs;
  for (Type t : fn.getArgumentTypes()) {
    auto type = cast<RankedTensorType>(t);
    Type element = type.getElementType();
    int64_t n = type.getNumElements();
    if (isa<FloatType>(element)) {
      std::vector<double> values;
      for (int64_t k = 0; k < n; ++k)
        values.push_back(static_cast<float>(static_cast<double>(next() % 4096) / 1024.0 - 2.0));
      // Stored as the buffer holds them (bf16 rounds), so both sides agree.
      Tensor value = Tensor::floats(element, type.getShape(), values);
      inputs.push_back(unpackDense(packDense(value).data(), type));
    } else {
      uint64_t range = element.isInteger(1) ? 2 : static_cast<uint64_t>(intRange);
      std::vector<int64_t> values;
      for (int64_t k = 0; k < n; ++k)
        values.push_back(static_cast<int64_t>(next() % range));
      inputs.push_back(Tensor::ints(element, type.getShape(), values));
    }
  }
  return inputs;
}

int countMismatches(const Tensor &got, const Tensor &want, double tolerance,
                    const std::string &where) {
  if (got.shape != want.shape) {
    ADD_FAILURE() << where << ": shape " << got.describe() << ", interpreter " << want.describe();
    return 1;
  }
  int bad = 0;
  if (!want.isFloat()) {
    for (size_t n = 0; n < want.i.size(); ++n)
      if (got.i[n] != want.i[n] && ++bad <= 5)
        ADD_FAILURE() << where << "[" << n << "]: compiled " << got.i[n] << ", interpreter "
                      << want.i[n];
    return bad;
  }
  for (size_t n = 0; n < want.f.size(); ++n) {
    double diff = got.f[n] - want.f[n];
    bool bothNan = std::isnan(got.f[n]) && std::isnan(want.f[n]);
    if (bothNan || got.f[n] == want.f[n] || std::fabs(diff) <= tolerance * std::fabs(want.f[n]))
      continue;
    if (++bad <= 5)
      ADD_FAILURE() << where << "[" << n << "]: compiled " << got.f[n] << ", interpreter "
                    << want.f[n] << " (diff " << diff << ")";
  }
  return bad;
}

} // namespace mlir::loom::codegen::testsupport
