//===- ElementwiseOps.h - the loom ops declared in ElementwiseOps.td ---===//

#ifndef LOOM_DIALECTS_LOOM_IR_ELEMENTWISE_OPS_H
#define LOOM_DIALECTS_LOOM_IR_ELEMENTWISE_OPS_H

#include "dialects/loom/IR/LoomOpBase.h"

#define GET_OP_CLASSES
#include "dialects/loom/IR/ElementwiseOps.h.inc"

#endif // LOOM_DIALECTS_LOOM_IR_ELEMENTWISE_OPS_H
