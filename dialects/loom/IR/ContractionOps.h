//===- ContractionOps.h - the loom ops declared in ContractionOps.td ---===//

#ifndef LOOM_DIALECTS_LOOM_IR_CONTRACTION_OPS_H
#define LOOM_DIALECTS_LOOM_IR_CONTRACTION_OPS_H

#include "dialects/loom/IR/LoomOpBase.h"

#define GET_OP_CLASSES
#include "dialects/loom/IR/ContractionOps.h.inc"

#endif // LOOM_DIALECTS_LOOM_IR_CONTRACTION_OPS_H
