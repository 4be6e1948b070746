//===- LoomAttrs.cpp - #loom.bounds verification, enum and attr defs -----===//

#include "dialects/loom/IR/LoomAttrs.h"

#include "dialects/loom/IR/LoomDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::loom;

#include "dialects/loom/IR/LoomEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/loom/IR/LoomAttrs.cpp.inc"

LogicalResult BoundsAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 ArrayRef<int64_t> bounds) {
  for (auto [i, b] : llvm::enumerate(bounds))
    if (b < 0)
      return emitError() << "#loom.bounds: bound " << i << " is negative (" << b << ")";
  return success();
}

LogicalResult BoundsAttr::verifyEncoding(ArrayRef<int64_t> shape, Type,
                                         function_ref<InFlightDiagnostic()> emitError) const {
  ArrayRef<int64_t> bounds = getBounds();
  if (bounds.size() != shape.size())
    return emitError() << "#loom.bounds has " << bounds.size()
                       << " bounds for a tensor of rank " << shape.size();
  // One spelling per shape: inference never bounds a static tensor, so an
  // encoded static tensor would differ in type from the same inferred shape.
  if (llvm::none_of(shape, ShapedType::isDynamic))
    return emitError() << "#loom.bounds on a tensor without dynamic dims; a static "
                          "tensor carries no encoding";
  for (auto [i, size] : llvm::enumerate(shape)) {
    if (ShapedType::isDynamic(size)) {
      if (bounds[i] < 1)
        return emitError() << "#loom.bounds: dynamic dim " << i << " needs a bound of at least 1";
    } else if (bounds[i] != size) {
      return emitError() << "#loom.bounds: bound " << bounds[i] << " of static dim " << i
                         << " differs from its size " << size;
    }
  }
  return success();
}

void LoomDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/loom/IR/LoomAttrs.cpp.inc"
      >();
}
