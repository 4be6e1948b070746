//===- RandomOps.h - the loom ops declared in RandomOps.td ---===//

#ifndef LOOM_DIALECTS_LOOM_IR_RANDOM_OPS_H
#define LOOM_DIALECTS_LOOM_IR_RANDOM_OPS_H

#include "dialects/loom/IR/LoomOpBase.h"

#define GET_OP_CLASSES
#include "dialects/loom/IR/RandomOps.h.inc"

#endif // LOOM_DIALECTS_LOOM_IR_RANDOM_OPS_H
