//===- DataMovementOps.h - the loom ops declared in DataMovementOps.td ---===//

#ifndef LOOM_DIALECTS_LOOM_IR_DATA_MOVEMENT_OPS_H
#define LOOM_DIALECTS_LOOM_IR_DATA_MOVEMENT_OPS_H

#include "dialects/loom/IR/LoomOpBase.h"

#define GET_OP_CLASSES
#include "dialects/loom/IR/DataMovementOps.h.inc"

#endif // LOOM_DIALECTS_LOOM_IR_DATA_MOVEMENT_OPS_H
