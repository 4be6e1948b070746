//===- Harness.h - run autodiff'ed programs in the reference interpreter --===//
//
// Shared by the VJP tests (per-op goldens, dot-product test) and the training
// tests (PyTorch twin, 300-step smoke training): file tensors to interpreter
// values, running a named phase on a module, and the argument lists of
// @grad_step and @apply_step.
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_TEST_TRAINING_HARNESS_H
#define LOOM_TEST_TRAINING_HARNESS_H

#include "codegen/reference/Interpreter.h"
#include "runtime/base/host_tensor.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

#include <map>
#include <string>
#include <vector>

namespace loom::training {

/// A float or integer file tensor as an interpreter value of `element` type
/// (floats widen/narrow through double; the interpreter rounds on entry in
/// F32). Rank-0 values stored as [1] are read as scalars when `scalar`.
reference::Tensor fromHost(const rt::HostTensor &t, mlir::Type element, bool scalar = false);

/// Every tensor of a safetensors file; fails the current test on error.
std::map<std::string, rt::HostTensor> readSafetensors(const std::string &path);

/// Runs the named phases (passes/Pipelines.h) on `module`; false on failure.
bool runPhases(mlir::ModuleOp module, llvm::ArrayRef<std::string> phases);

/// Max over elements of |a − b| / (|b| + floor): the relative error with an
/// absolute floor.
double relativeError(const reference::Tensor &a, const reference::Tensor &b, double floor);

/// The registry of everything these tests build and interpret.
void registerAll(mlir::DialectRegistry &registry);

} // namespace loom::training

#endif // LOOM_TEST_TRAINING_HARNESS_H
