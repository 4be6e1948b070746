//===- ReductionOps.h - the loom ops declared in ReductionOps.td ---===//

#ifndef LOOM_DIALECTS_LOOM_IR_REDUCTION_OPS_H
#define LOOM_DIALECTS_LOOM_IR_REDUCTION_OPS_H

#include "dialects/loom/IR/LoomOpBase.h"

#define GET_OP_CLASSES
#include "dialects/loom/IR/ReductionOps.h.inc"

#endif // LOOM_DIALECTS_LOOM_IR_REDUCTION_OPS_H
