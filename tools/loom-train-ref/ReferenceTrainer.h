//===- ReferenceTrainer.h - drive a compiled training step in the oracle --===//
//
// Runs the arena-form @grad_step and @apply_step of a module compiled through
// the autodiff phase in the reference interpreter: the parameter table
// (loom.parameter_table) says where each parameter lives in the arenas, the
// spec's init rules (loom.init, loom.init_std) fill them, and each step is
// one @grad_step from zero accumulators followed by one @apply_step. The
// slow-but-exact counterpart of `loom-run train` (compiled kernels).
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_TOOLS_LOOM_TRAIN_REF_REFERENCETRAINER_H
#define LOOM_TOOLS_LOOM_TRAIN_REF_REFERENCETRAINER_H

#include "codegen/reference/Interpreter.h"
#include "runtime/base/host_tensor.h"

#include "mlir/IR/BuiltinOps.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace loom::train {

struct ParameterSlot {
  std::string name, arena, init;
  double std = 0;
  int64_t offset = 0;
  std::vector<int64_t> shape;
  int64_t numElements() const;
};

struct StepStats {
  double gradNorm = 0;
  bool skipped = false;
};

class ReferenceTrainer {
public:
  /// Reads the parameter table and the step signatures; fails with a message
  /// on a module that did not go through the autodiff phase.
  static std::unique_ptr<ReferenceTrainer> create(mlir::ModuleOp module,
                                                  reference::Precision precision,
                                                  std::string &error);

  const std::vector<ParameterSlot> &table() const { return slots; }
  int64_t batch() const { return batchSize; }
  int64_t length() const { return sequence; }

  /// Draws every trained parameter from its init rule (normal by Box-Muller
  /// over splitmix64(seed, element), zeros, ones): deterministic everywhere.
  void initialize(uint64_t seed);
  /// Sets parameters by name from file tensors (f64 or f32); every trained
  /// parameter must be present.
  bool load(const std::map<std::string, rt::HostTensor> &byName, std::string &error);
  /// The parameters as f32 file tensors by name (for saving).
  std::map<std::string, rt::HostTensor> save() const;

  /// One @grad_step on a batch ([batch, length] ids); returns the loss.
  llvm::FailureOr<double> gradStep(const std::vector<int64_t> &tokens,
                                   const std::vector<int64_t> &targets, std::string &error);
  /// One @apply_step at 0-based `step`.
  llvm::FailureOr<StepStats> applyStep(int64_t step, std::string &error);

  reference::Tensor parameter(size_t k) const { return slice(params, k); }
  reference::Tensor gradient(size_t k) const { return slice(grads, k); }

private:
  reference::Tensor slice(const reference::Tensor &arena, size_t k) const;

  std::unique_ptr<reference::Interpreter> interp;
  mlir::MLIRContext *context = nullptr;
  std::vector<ParameterSlot> slots; // trained parameters only
  int64_t batchSize = 0, sequence = 0;
  reference::Tensor params, grads, adamM, adamV;
};

} // namespace loom::train

#endif // LOOM_TOOLS_LOOM_TRAIN_REF_REFERENCETRAINER_H
