//===- FusionOps.h - the loom ops declared in FusionOps.td -----------------===//

#ifndef LOOM_DIALECTS_LOOM_IR_FUSION_OPS_H
#define LOOM_DIALECTS_LOOM_IR_FUSION_OPS_H

#include "dialects/loom/IR/LoomOpBase.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"

#define GET_OP_CLASSES
#include "dialects/loom/IR/FusionOps.h.inc"

#endif // LOOM_DIALECTS_LOOM_IR_FUSION_OPS_H
