//===- Tensor.cpp - the reference interpreter's values ---------------------===//

#include "codegen/reference/Tensor.h"

#include "codegen/reference/Numerics.h"
#include "dialects/loom/IR/ShapeUtils.h"

#include "llvm/Support/CheckedArithmetic.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

using namespace mlir;

namespace loom::reference {

int64_t Tensor::numElements() const { return checkedCount(shape).value_or(0); }

std::string Tensor::describe() const {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "[";
  for (size_t d = 0; d < shape.size(); ++d)
    os << (d ? ", " : "") << shape[d];
  os << "] ";
  if (elementType)
    os << elementType;
  else
    os << "<no element type>";
  return s;
}

Tensor Tensor::zeros(Type elementType, llvm::ArrayRef<int64_t> shape) {
  Tensor t;
  t.elementType = elementType;
  t.shape.assign(shape.begin(), shape.end());
  if (t.isFloat())
    t.f.assign(t.numElements(), 0.0);
  else
    t.i.assign(t.numElements(), 0);
  return t;
}

Tensor Tensor::floats(Type elementType, llvm::ArrayRef<int64_t> shape,
                      llvm::ArrayRef<double> values) {
  Tensor t;
  t.elementType = elementType;
  t.shape.assign(shape.begin(), shape.end());
  t.f.assign(values.begin(), values.end());
  return t;
}

Tensor Tensor::ints(Type elementType, llvm::ArrayRef<int64_t> shape,
                    llvm::ArrayRef<int64_t> values) {
  Tensor t;
  t.elementType = elementType;
  t.shape.assign(shape.begin(), shape.end());
  t.i.assign(values.begin(), values.end());
  return t;
}

Tensor Tensor::index(MLIRContext *context, int64_t value) {
  return ints(IndexType::get(context), {}, {value});
}

std::vector<int64_t> stridesOf(llvm::ArrayRef<int64_t> shape) {
  std::vector<int64_t> strides(shape.size(), 1);
  for (int64_t d = static_cast<int64_t>(shape.size()) - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
}

std::optional<int64_t> checkedCount(llvm::ArrayRef<int64_t> shape) {
  std::optional<int64_t> n = 1;
  for (int64_t s : shape) {
    if (s < 0)
      return std::nullopt;
    if (!(n = llvm::checkedMul(*n, s)))
      return std::nullopt;
  }
  return n;
}

std::vector<int64_t> boundedShape(RankedTensorType type) {
  std::vector<int64_t> shape;
  for (const mlir::loom::Dim &d : mlir::loom::dimsOf(type))
    shape.push_back(d.bound);
  return shape;
}

std::optional<std::string> mismatch(const Tensor &value, Type type) {
  std::string s;
  llvm::raw_string_ostream os(s);
  auto tensor = dyn_cast<RankedTensorType>(type);
  Type element = tensor ? tensor.getElementType() : type; // index and scalars are rank 0
  if (value.elementType != element) {
    os << "has element type " << value.elementType << ", expected " << element;
    return s;
  }
  llvm::SmallVector<mlir::loom::Dim> dims;
  if (tensor)
    dims = mlir::loom::dimsOf(tensor);
  if (value.shape.size() != dims.size()) {
    os << "has rank " << value.shape.size() << ", expected " << dims.size();
    return s;
  }
  for (auto [d, dim] : llvm::enumerate(dims)) {
    int64_t size = value.shape[d];
    if (!dim.isDynamic() && size != dim.size) {
      os << "has size " << size << " in dim " << d << ", expected " << dim.size;
      return s;
    }
    if (dim.isDynamic() && (size < 0 || size > dim.bound)) {
      os << "has size " << size << " in dynamic dim " << d << ", outside its bound [0, "
         << dim.bound << "]";
      return s;
    }
  }
  std::optional<int64_t> count = checkedCount(value.shape);
  size_t stored = value.isFloat() ? value.f.size() : value.i.size();
  size_t other = value.isFloat() ? value.i.size() : value.f.size();
  if (!count || stored != static_cast<uint64_t>(*count) || other != 0) {
    os << "holds " << stored << " elements for shape " << value.describe();
    return s;
  }
  if (!value.isFloat()) {
    int64_t lo = minOf(element), hi = maxOf(element);
    for (auto [n, x] : llvm::enumerate(value.i))
      if (x < lo || x > hi) {
        os << "holds " << x << " at flat index " << n << ", outside " << element << "'s range ["
           << lo << ", " << hi << "]";
        return s;
      }
  }
  return std::nullopt;
}

double floatPoison() { return std::nan(""); }

int64_t intPoison(Type elementType) {
  return bitWidth(elementType) == 1 ? 1 : minOf(elementType);
}

Tensor padToBound(const Tensor &value, RankedTensorType type) {
  Tensor out;
  out.elementType = value.elementType;
  out.shape = boundedShape(type);
  int64_t n = out.numElements();
  if (value.isFloat())
    out.f.assign(n, floatPoison());
  else
    out.i.assign(n, intPoison(value.elementType));
  // Each element keeps its multi-index, now under the bounded strides.
  forEachOffset(value.shape, stridesOf(out.shape), [&](int64_t flat, int64_t at) {
    if (value.isFloat())
      out.f[at] = value.f[flat];
    else
      out.i[at] = value.i[flat];
  });
  return out;
}

} // namespace loom::reference
