//===- KernelSupport.cpp - operand access, errors, shapes, strided copies ---===//

#include "codegen/reference/Kernels.h"

#include "dialects/loom/IR/ShapeUtils.h"
#include "mlir/IR/Location.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace loom::reference::detail {

static void printLocation(llvm::raw_ostream &os, Location loc) {
  // A spec or .mlir position reads best as file:line:col; name and call-site
  // locations wrap one.
  if (auto file = loc->findInstanceOf<FileLineColLoc>()) {
    os << file.getFilename().getValue() << ":" << file.getLine() << ":" << file.getColumn();
    return;
  }
  os << loc;
}

std::string opMessage(Operation *op, const llvm::Twine &message) {
  std::string s;
  llvm::raw_string_ostream os(s);
  printLocation(os, op->getLoc());
  os << ": '" << op->getName() << "' op " << message;
  return s;
}

const Tensor &OpEnv::in(Value v) const { return frame_.find(v)->second; }

Tensor &OpEnv::out(unsigned index, llvm::ArrayRef<int64_t> shape) {
  Type type = op_->getResult(index).getType();
  results_[index] = Tensor::zeros(getElementTypeOrSelf(type), shape);
  return results_[index];
}

LogicalResult OpEnv::fail(const llvm::Twine &message) const {
  error_ = opMessage(op_, message);
  return failure();
}

LogicalResult OpEnv::sameShape(const Tensor &a, const Tensor &b, llvm::StringRef aName,
                               llvm::StringRef bName) const {
  if (a.shape == b.shape)
    return success();
  return fail(aName + " has run-time shape " + a.describe() + " but " + bName + " has " +
              b.describe());
}

LogicalResult OpEnv::sameSize(int64_t a, int64_t b, const llvm::Twine &what) const {
  if (a == b)
    return success();
  return fail(what + ": run-time sizes " + llvm::Twine(a) + " and " + llvm::Twine(b) + " differ");
}

FailureOr<std::vector<int64_t>> OpEnv::shapeFrom(RankedTensorType type, ValueRange sizes) const {
  std::vector<int64_t> shape;
  unsigned next = 0;
  for (auto [d, dim] : llvm::enumerate(mlir::loom::dimsOf(type))) {
    if (!dim.isDynamic()) {
      shape.push_back(dim.size);
      continue;
    }
    if (next >= sizes.size()) {
      (void)fail("has too few dynamic dim sizes");
      return failure();
    }
    int64_t n = in(sizes[next++]).i[0];
    if (n < 0 || n > dim.bound) {
      (void)fail("dynamic dim " + llvm::Twine(d) + " gets size " + llvm::Twine(n) +
                 ", outside its bound [0, " + llvm::Twine(dim.bound) + "]");
      return failure();
    }
    shape.push_back(n);
  }
  return shape;
}

AxisView axisView(llvm::ArrayRef<int64_t> shape, int64_t dim) {
  AxisView v;
  for (int64_t d = 0; d < static_cast<int64_t>(shape.size()); ++d) {
    if (d < dim)
      v.outer *= shape[d];
    else if (d == dim)
      v.size = shape[d];
    else
      v.inner *= shape[d];
  }
  return v;
}

void copyStrided(const Tensor &src, int64_t offset, llvm::ArrayRef<int64_t> srcStrides,
                 Tensor &out) {
  if (src.isFloat())
    forEachOffset(out.shape, srcStrides,
                  [&](int64_t n, int64_t at) { out.f[n] = src.f[offset + at]; });
  else
    forEachOffset(out.shape, srcStrides,
                  [&](int64_t n, int64_t at) { out.i[n] = src.i[offset + at]; });
}

} // namespace loom::reference::detail
