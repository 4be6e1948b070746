//===- FusionOps.cpp - fusion regions --------------------------------------===//

#include "dialects/loom/IR/FusionOps.h"

using namespace mlir;
using namespace mlir::loom;

#define GET_OP_CLASSES
#include "dialects/loom/IR/FusionOps.cpp.inc"

void LoomDialect::registerFusionOps() {
  addOperations<
#define GET_OP_LIST
#include "dialects/loom/IR/FusionOps.cpp.inc"
      >();
}

LogicalResult FusionOp::verify() {
  Block &body = getBody().front();
  if (body.getNumArguments() != getInputs().size())
    return emitOpError() << "has " << getInputs().size() << " inputs but its body takes "
                         << body.getNumArguments() << " arguments";
  for (auto [i, pair] : llvm::enumerate(llvm::zip(getInputs(), body.getArguments())))
    if (std::get<0>(pair).getType() != std::get<1>(pair).getType())
      return emitOpError() << "input " << i << " is " << std::get<0>(pair).getType()
                           << " but the body's argument " << i << " is "
                           << std::get<1>(pair).getType();
  auto yield = cast<YieldOp>(body.getTerminator());
  if (!llvm::equal(yield.getValues().getTypes(), getResultTypes()))
    return emitOpError() << "yields " << yield.getValues().size()
                         << " values whose types differ from its results";
  if (getResults().empty())
    return emitOpError() << "computes nothing (no results)";
  return success();
}
