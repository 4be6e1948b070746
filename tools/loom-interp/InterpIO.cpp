//===- InterpIO.cpp - loom-interp's inputs and outputs (.npy, safetensors) -===//

#include "tools/loom-interp/InterpIO.h"

#include "codegen/reference/Numerics.h"
#include "runtime/io/npy.h"
#include "runtime/io/safetensors.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>
#include <map>

using namespace mlir;
using loom::reference::Tensor;

namespace loom::interp {
namespace {

std::optional<rt::DType> dtypeOf(Type element, bool wideFloats) {
  if (isa<FloatType>(element) && wideFloats)
    return rt::DType::kF64;
  if (element.isF64()) return rt::DType::kF64;
  if (element.isF32()) return rt::DType::kF32;
  if (element.isBF16()) return rt::DType::kBF16;
  if (element.isF16()) return rt::DType::kF16;
  if (element.isIndex() || element.isInteger(64)) return rt::DType::kI64;
  if (element.isInteger(32)) return rt::DType::kI32;
  if (element.isInteger(8)) return rt::DType::kI8;
  if (element.isInteger(1)) return rt::DType::kI1;
  return std::nullopt;
}

double halfToDouble(uint16_t bits) {
  return llvm::APFloat(llvm::APFloat::IEEEhalf(), llvm::APInt(16, bits)).convertToDouble();
}

uint16_t doubleToHalf(double x) {
  llvm::APFloat v(x);
  bool lost;
  v.convert(llvm::APFloat::IEEEhalf(), llvm::APFloat::rmNearestTiesToEven, &lost);
  return static_cast<uint16_t>(v.bitcastToAPInt().getZExtValue());
}

double bf16ToDouble(uint16_t bits) {
  uint32_t word = uint32_t{bits} << 16;
  float f;
  std::memcpy(&f, &word, sizeof f);
  return f;
}

uint16_t doubleToBF16(double x) {
  // Rounded straight from double (never via f32, which would round twice);
  // the result is exact in f32, so its top half is the bf16.
  float f = static_cast<float>(loom::reference::roundToBF16(x));
  uint32_t word;
  std::memcpy(&word, &f, sizeof word);
  return static_cast<uint16_t>(word >> 16);
}

template <typename T>
void readInts(const rt::HostTensor &t, std::vector<int64_t> &out) {
  const T *p = t.data_as<T>();
  out.assign(p, p + t.num_elements());
}

std::string describeType(Type type) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << type;
  return s;
}

} // namespace

std::string argumentName(func::FuncOp fn, unsigned index) {
  for (const char *attr : {"loom.param", "loom.input"})
    if (auto name = fn.getArgAttrOfType<StringAttr>(index, attr))
      return name.getValue().str();
  return "arg" + std::to_string(index);
}

llvm::FailureOr<Tensor> toArgument(const rt::HostTensor &tensor, func::FuncOp fn, unsigned index,
                                   const std::string &what, std::string &error) {
  Type type = fn.getArgumentTypes()[index];
  Type element = getElementTypeOrSelf(type);
  std::string arg = "argument #" + std::to_string(index) + " (" + argumentName(fn, index) + ": " +
                    describeType(type) + ")";
  std::optional<rt::DType> expected = dtypeOf(element, false);
  if (!expected) {
    error = what + ": " + arg + " has an element type no file can hold";
    return llvm::failure();
  }
  if (tensor.dtype() != *expected) {
    error = what + ": dtype " + std::string(rt::DTypeName(tensor.dtype())) + " for " + arg +
            ", which needs " + std::string(rt::DTypeName(*expected));
    return llvm::failure();
  }
  Tensor value;
  value.elementType = element;
  value.shape = tensor.shape();
  switch (tensor.dtype()) {
  case rt::DType::kF64: {
    const double *p = tensor.data_as<double>();
    value.f.assign(p, p + tensor.num_elements());
    break;
  }
  case rt::DType::kF32: {
    const float *p = tensor.data_as<float>();
    value.f.assign(p, p + tensor.num_elements());
    break;
  }
  case rt::DType::kBF16:
  case rt::DType::kF16: {
    const uint16_t *p = tensor.data_as<uint16_t>();
    bool bf16 = tensor.dtype() == rt::DType::kBF16;
    for (uint64_t n = 0; n < tensor.num_elements(); ++n)
      value.f.push_back(bf16 ? bf16ToDouble(p[n]) : halfToDouble(p[n]));
    break;
  }
  case rt::DType::kI64: readInts<int64_t>(tensor, value.i); break;
  case rt::DType::kI32: readInts<int32_t>(tensor, value.i); break;
  case rt::DType::kI8: readInts<int8_t>(tensor, value.i); break;
  case rt::DType::kI1: readInts<uint8_t>(tensor, value.i); break;
  }
  if (std::optional<std::string> why = reference::mismatch(value, type)) {
    error = what + ": the tensor for " + arg + " " + *why;
    return llvm::failure();
  }
  return value;
}

llvm::FailureOr<std::vector<Tensor>> readNpyArguments(func::FuncOp fn,
                                                      const std::vector<std::string> &paths,
                                                      std::string &error) {
  if (paths.size() != fn.getNumArguments()) {
    error = "@" + fn.getSymName().str() + " takes " + std::to_string(fn.getNumArguments()) +
            " arguments, got " + std::to_string(paths.size()) + " --input files";
    return llvm::failure();
  }
  std::vector<Tensor> values;
  for (auto [n, path] : llvm::enumerate(paths)) {
    rt::Result<rt::HostTensor> t = rt::ReadNpyFile(path);
    if (!t.ok()) {
      error = t.status().message();
      return llvm::failure();
    }
    llvm::FailureOr<Tensor> v = toArgument(*t, fn, n, path, error);
    if (llvm::failed(v))
      return llvm::failure();
    values.push_back(std::move(*v));
  }
  return values;
}

llvm::FailureOr<std::vector<Tensor>>
readSafetensorsArguments(func::FuncOp fn, const std::vector<std::string> &paths,
                         std::string &error) {
  std::map<std::string, std::pair<std::string, rt::HostTensor>> byName; // name -> (file, tensor)
  for (const std::string &path : paths) {
    rt::Result<rt::SafetensorsFile> file = rt::ReadSafetensorsFile(path);
    if (!file.ok()) {
      error = file.status().message();
      return llvm::failure();
    }
    for (auto &[name, tensor] : file->tensors) {
      if (byName.count(name)) {
        error = path + ": tensor '" + name + "' is also in " + byName[name].first;
        return llvm::failure();
      }
      byName.emplace(name, std::make_pair(path, std::move(tensor)));
    }
  }
  std::vector<Tensor> values;
  for (unsigned n = 0; n < fn.getNumArguments(); ++n) {
    std::string name = argumentName(fn, n);
    auto it = byName.find(name);
    if (it == byName.end()) {
      error = "no tensor '" + name + "' for argument #" + std::to_string(n) + " of @" +
              fn.getSymName().str() + " in the safetensors inputs";
      return llvm::failure();
    }
    llvm::FailureOr<Tensor> v =
        toArgument(it->second.second, fn, n, it->second.first + " '" + name + "'", error);
    if (llvm::failed(v))
      return llvm::failure();
    values.push_back(std::move(*v));
    byName.erase(it);
  }
  if (!byName.empty()) {
    error = byName.begin()->second.first + ": tensor '" + byName.begin()->first +
            "' matches no argument of @" + fn.getSymName().str();
    return llvm::failure();
  }
  return values;
}

llvm::FailureOr<rt::HostTensor> toHostTensor(const Tensor &value, bool wideFloats,
                                             std::string &error) {
  std::optional<rt::DType> dtype = dtypeOf(value.elementType, wideFloats);
  if (!dtype) {
    error = "no file dtype for element type " + describeType(value.elementType);
    return llvm::failure();
  }
  rt::Result<rt::HostTensor> t = rt::HostTensor::Allocate(*dtype, value.shape);
  if (!t.ok()) {
    error = t.status().message();
    return llvm::failure();
  }
  rt::HostTensor &out = *t;
  uint64_t n = out.num_elements();
  for (uint64_t k = 0; k < n; ++k) {
    switch (*dtype) {
    case rt::DType::kF64: out.data_as<double>()[k] = value.f[k]; break;
    case rt::DType::kF32: out.data_as<float>()[k] = static_cast<float>(value.f[k]); break;
    case rt::DType::kBF16: out.data_as<uint16_t>()[k] = doubleToBF16(value.f[k]); break;
    case rt::DType::kF16: out.data_as<uint16_t>()[k] = doubleToHalf(value.f[k]); break;
    case rt::DType::kI64: out.data_as<int64_t>()[k] = value.i[k]; break;
    case rt::DType::kI32: out.data_as<int32_t>()[k] = static_cast<int32_t>(value.i[k]); break;
    case rt::DType::kI8: out.data_as<int8_t>()[k] = static_cast<int8_t>(value.i[k]); break;
    case rt::DType::kI1: out.data_as<uint8_t>()[k] = value.i[k] != 0; break;
    }
  }
  return std::move(out);
}

llvm::LogicalResult writeNpyOutputs(const std::vector<Tensor> &results,
                                    const std::vector<std::string> &paths, bool wideFloats,
                                    std::string &error) {
  if (paths.size() != results.size()) {
    error = "the function returns " + std::to_string(results.size()) + " results, got " +
            std::to_string(paths.size()) + " --output files";
    return llvm::failure();
  }
  for (auto [value, path] : llvm::zip_equal(results, paths)) {
    if (value.elementType.isBF16() && !wideFloats) {
      error = path + ": bf16 has no .npy dtype; write bf16 results with --outputs-safetensors";
      return llvm::failure();
    }
    llvm::FailureOr<rt::HostTensor> t = toHostTensor(value, wideFloats, error);
    if (llvm::failed(t))
      return llvm::failure();
    if (rt::Status s = rt::WriteNpyFile(path, *t); !s.ok()) {
      error = s.message();
      return llvm::failure();
    }
  }
  return llvm::success();
}

llvm::LogicalResult writeSafetensorsOutputs(const std::vector<Tensor> &results,
                                            const std::string &path, bool wideFloats,
                                            std::string &error) {
  rt::SafetensorsFile file;
  for (auto [n, value] : llvm::enumerate(results)) {
    llvm::FailureOr<rt::HostTensor> t = toHostTensor(value, wideFloats, error);
    if (llvm::failed(t))
      return llvm::failure();
    file.tensors.emplace("out" + std::to_string(n), std::move(*t));
  }
  if (rt::Status s = rt::WriteSafetensorsFile(path, file); !s.ok()) {
    error = s.message();
    return llvm::failure();
  }
  return llvm::success();
}

} // namespace loom::interp
