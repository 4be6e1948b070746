//===- AttentionOps.h - the loom ops declared in AttentionOps.td ---===//

#ifndef LOOM_DIALECTS_LOOM_IR_ATTENTION_OPS_H
#define LOOM_DIALECTS_LOOM_IR_ATTENTION_OPS_H

#include "dialects/loom/IR/LoomOpBase.h"

#define GET_OP_CLASSES
#include "dialects/loom/IR/AttentionOps.h.inc"

#endif // LOOM_DIALECTS_LOOM_IR_ATTENTION_OPS_H
