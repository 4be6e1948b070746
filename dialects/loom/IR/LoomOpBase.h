//===- LoomOpBase.h - what every op family header needs -------------------===//

#ifndef LOOM_DIALECTS_LOOM_IR_LOOMOPBASE_H
#define LOOM_DIALECTS_LOOM_IR_LOOMOPBASE_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialects/loom/IR/LoomAttrs.h"
#include "dialects/loom/IR/LoomDialect.h"
#include "dialects/loom/IR/LoomInterfaces.h"

#endif // LOOM_DIALECTS_LOOM_IR_LOOMOPBASE_H
