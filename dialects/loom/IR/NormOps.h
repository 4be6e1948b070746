//===- NormOps.h - the loom ops declared in NormOps.td ---===//

#ifndef LOOM_DIALECTS_LOOM_IR_NORM_OPS_H
#define LOOM_DIALECTS_LOOM_IR_NORM_OPS_H

#include "dialects/loom/IR/LoomOpBase.h"

#define GET_OP_CLASSES
#include "dialects/loom/IR/NormOps.h.inc"

#endif // LOOM_DIALECTS_LOOM_IR_NORM_OPS_H
