//===- TestPasses.h - loom-opt's test-only passes --------------------------===//

#ifndef LOOM_TEST_LIB_TESTPASSES_H
#define LOOM_TEST_LIB_TESTPASSES_H

#include "dialects/loom/IR/LoomDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"

namespace mlir::loom {

#define GEN_PASS_DECL
#define GEN_PASS_REGISTRATION
#include "test/lib/TestPasses.h.inc"

} // namespace mlir::loom

#endif // LOOM_TEST_LIB_TESTPASSES_H
