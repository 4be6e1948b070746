//===- TinyProgram.h - the tiny Llama's training step in the interpreter --===//
//
// Builds models/llama/tiny.textproto (optionally in another dtype), runs the
// input and autodiff phases, and drives @grad_step and @apply_step in the
// reference interpreter with parameters, gradients and Adam moments in flat
// arenas laid out by the module's loom.parameter_table.
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_TEST_TRAINING_TINYPROGRAM_H
#define LOOM_TEST_TRAINING_TINYPROGRAM_H

#include "test/training/Harness.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"

#include <map>
#include <memory>

namespace loom::training {

class TinyProgram {
public:
  /// Builds and compiles the tiny spec with `dtype` ("f32" or "f64"); check
  /// ok() after.
  TinyProgram(const std::string &dtype, reference::Precision precision);
  bool ok() const { return module && interp; }

  /// Sets the parameters from float tensors by Hugging Face name.
  void setParameters(const std::map<std::string, rt::HostTensor> &byName);
  /// One @grad_step from zero accumulators: returns the loss, fills `grads`.
  double gradStep(const std::vector<int64_t> &tokens, const std::vector<int64_t> &targets);
  /// One @apply_step at `step`; returns the gradient norm and the skip flag.
  std::pair<double, bool> applyStep(int64_t step);

  /// Parameter names in the arena's order (loom.parameter_table).
  const std::vector<std::string> &names() const { return paramNames; }
  /// One parameter or its gradient, read out of its arena.
  reference::Tensor parameter(size_t k) const { return slot(params, k); }
  reference::Tensor gradient(size_t k) const { return slot(grads, k); }
  int64_t batch = 0, length = 0;

private:
  mlir::MLIRContext context;
  mlir::OwningOpRef<mlir::ModuleOp> module;
  std::unique_ptr<reference::Interpreter> interp;
  reference::Tensor slot(const reference::Tensor &arena, size_t k) const;

  std::vector<std::string> paramNames;
  std::vector<int64_t> offsets;
  std::vector<std::vector<int64_t>> shapes;
  reference::Tensor params, grads, adamM, adamV; // flat arenas [N]
};

} // namespace loom::training

#endif // LOOM_TEST_TRAINING_TINYPROGRAM_H
