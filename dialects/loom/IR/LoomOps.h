//===- LoomOps.h - every loom op (umbrella header) ------------------------===//
//
// Include the family header instead where one family is enough: it keeps
// rebuilds after an ODS edit small.
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_DIALECTS_LOOM_IR_LOOMOPS_H
#define LOOM_DIALECTS_LOOM_IR_LOOMOPS_H

#include "dialects/loom/IR/AttentionOps.h"
#include "dialects/loom/IR/ContractionOps.h"
#include "dialects/loom/IR/DataMovementOps.h"
#include "dialects/loom/IR/ElementwiseOps.h"
#include "dialects/loom/IR/FusionOps.h"
#include "dialects/loom/IR/NormOps.h"
#include "dialects/loom/IR/RandomOps.h"
#include "dialects/loom/IR/ReductionOps.h"

#endif // LOOM_DIALECTS_LOOM_IR_LOOMOPS_H
