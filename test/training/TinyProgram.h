//===- TinyProgram.h - the tiny Llama compiled for training ---------------===//
//
// Builds models/llama/tiny.textproto (optionally in another dtype), runs the
// input and autodiff phases, and hands the module to the ReferenceTrainer
// (tools/loom-train-ref), which drives @grad_step and @apply_step in the
// reference interpreter.
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_TEST_TRAINING_TINYPROGRAM_H
#define LOOM_TEST_TRAINING_TINYPROGRAM_H

#include "test/training/Harness.h"
#include "tools/loom-train-ref/ReferenceTrainer.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"

#include <memory>

namespace loom::training {

class TinyProgram {
public:
  /// Builds and compiles the tiny spec with `dtype` ("f32" or "f64"); check
  /// ok() after.
  TinyProgram(const std::string &dtype, reference::Precision precision);
  bool ok() const { return trainer != nullptr; }

  /// Sets the parameters by Hugging Face name; fails the test on error.
  void setParameters(const std::map<std::string, rt::HostTensor> &byName);
  /// One @grad_step; fails the test on error.
  double gradStep(const std::vector<int64_t> &tokens, const std::vector<int64_t> &targets);
  /// One @apply_step at `step`; returns (grad norm, skipped).
  std::pair<double, bool> applyStep(int64_t step);

  const std::vector<train::ParameterSlot> &table() const { return trainer->table(); }
  reference::Tensor parameter(size_t k) const { return trainer->parameter(k); }
  reference::Tensor gradient(size_t k) const { return trainer->gradient(k); }
  int64_t batch() const { return trainer->batch(); }
  int64_t length() const { return trainer->length(); }

private:
  mlir::MLIRContext context;
  mlir::OwningOpRef<mlir::ModuleOp> module;
  std::unique_ptr<train::ReferenceTrainer> trainer;
};

} // namespace loom::training

#endif // LOOM_TEST_TRAINING_TINYPROGRAM_H
