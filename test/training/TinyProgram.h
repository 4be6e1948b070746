//===- TinyProgram.h - the tiny Llama's training step in the interpreter --===//
//
// Builds models/llama/tiny.textproto (optionally in another dtype), runs the
// input and autodiff phases, and drives @grad_step and @apply_step in the
// reference interpreter with parameters, accumulators and Adam moments held
// in the order of the program's arguments.
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

  const std::vector<std::string> &names() const { return paramNames; }
  const std::vector<reference::Tensor> &parameters() const { return params; }
  const std::vector<reference::Tensor> &gradients() const { return grads; }
  int64_t batch = 0, length = 0;

private:
  mlir::MLIRContext context;
  mlir::OwningOpRef<mlir::ModuleOp> module;
  std::unique_ptr<reference::Interpreter> interp;
  std::vector<std::string> paramNames;
  std::vector<reference::Tensor> params, grads, adamM, adamV;
};

} // namespace loom::training

#endif // LOOM_TEST_TRAINING_TINYPROGRAM_H
