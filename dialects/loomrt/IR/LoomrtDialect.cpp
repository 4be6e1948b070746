//===- LoomrtDialect.cpp - dialect registration ----------------------------===//

#include "dialects/loomrt/IR/LoomrtDialect.h"

using namespace mlir;
using namespace mlir::loomrt;

#include "dialects/loomrt/IR/LoomrtDialect.cpp.inc"
#include "dialects/loomrt/IR/LoomrtEnums.cpp.inc"

void LoomrtDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/loomrt/IR/LoomrtOps.cpp.inc"
      >();
}

int64_t mlir::loomrt::elementBytes(Type element) {
  if (element.isInteger(1))
    return 1;
  return (element.getIntOrFloatBitWidth() + 7) / 8;
}

int64_t mlir::loomrt::bufferBytes(ShapedType type) {
  return type.getNumElements() * elementBytes(type.getElementType());
}
