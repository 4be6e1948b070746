//===- LoomrtDialect.h - the runtime's command plan as IR ------------------===//
#ifndef LOOM_DIALECTS_LOOMRT_IR_LOOMRTDIALECT_H
#define LOOM_DIALECTS_LOOMRT_IR_LOOMRTDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/RegionKindInterface.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialects/loomrt/IR/LoomrtDialect.h.inc"
#include "dialects/loomrt/IR/LoomrtEnums.h.inc"

#define GET_OP_CLASSES
#include "dialects/loomrt/IR/LoomrtOps.h.inc"

namespace mlir::loomrt {
/// Bytes of one element in a buffer (i1 takes a byte).
int64_t elementBytes(Type element);
/// Bytes of a static shaped type's dense buffer.
int64_t bufferBytes(ShapedType type);
} // namespace mlir::loomrt

#endif // LOOM_DIALECTS_LOOMRT_IR_LOOMRTDIALECT_H
