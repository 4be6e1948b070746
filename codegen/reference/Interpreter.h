//===- Interpreter.h - the reference interpreter of loom IR ----------------===//
//
// The oracle of DESIGN.md §2: runs any func.func of a loom module op by op, in
// a fixed order, single-threaded, so results are bit-identical run to run.
//
//   mlir::DialectRegistry registry;
//   loom::reference::registerDialects(registry);
//   mlir::MLIRContext context(registry);
//   ... parse or build a module ...
//   loom::reference::Interpreter interp(module, {loom::reference::Precision::F64});
//   std::string error;
//   auto results = interp.run("forward", inputs, error);
//
// Precision::F64 computes and stores every float in double whatever its
// declared type (for goldens). Precision::F32 rounds every float result at the
// op boundary to its declared element type (f32; bf16 and f16 by exact
// round-to-nearest-even emulation) and rounds inputs and constants on entry;
// inside an op arithmetic is in double, so an op's accumulation type only
// matters for integers (where wrapping makes it irrelevant: results wrap to the
// element width). Integers always wrap to their width.
//
// Dynamic dims carry their run-time size (see Tensor.h); an input larger than
// its bound is refused. Every failure is an error message naming the op and
// its location (out-of-range gather/scatter indices, cross_entropy targets,
// integer division by zero, sizes above a bound, unsupported ops, invalid IR);
// the interpreter never aborts on any IR or input.
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_CODEGEN_REFERENCE_INTERPRETER_H
#define LOOM_CODEGEN_REFERENCE_INTERPRETER_H

#include "codegen/reference/Tensor.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/LogicalResult.h"

#include <memory>
#include <string>
#include <vector>

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace loom::reference {

enum class Precision { F64, F32 };

struct Options {
  Precision precision = Precision::F32;
  /// Return results with dynamic dims at their bound, the padding filled with
  /// poison (padToBound in Tensor.h) — what a backend with materialized bounds
  /// returns. Off: results have their run-time sizes.
  bool padResultsToBounds = false;
  /// The largest tensor (elements) an op may create; larger result types are
  /// refused before anything is allocated, so absurd IR fails cleanly.
  int64_t maxElements = int64_t{1} << 28;
  /// Calls nested deeper than this fail (recursive IR).
  unsigned maxCallDepth = 200;
};

/// The dialects whose ops the interpreter runs: loom, func, and the arith and
/// tensor ops of dim-size arithmetic (arith integer ops, tensor.dim,
/// tensor.extract).
void registerDialects(mlir::DialectRegistry &registry);

class Interpreter {
public:
  explicit Interpreter(mlir::ModuleOp module, Options options = {});
  ~Interpreter();
  Interpreter(const Interpreter &) = delete;
  Interpreter &operator=(const Interpreter &) = delete;

  /// Runs func.func @function on `inputs` (one per argument: the argument's
  /// element type, a rank and sizes that fit its type; index arguments are
  /// rank-0 index tensors). The module is verified on the first run, so it
  /// must not change between runs of one Interpreter (make a new one).
  llvm::FailureOr<std::vector<Tensor>> run(llvm::StringRef function,
                                           llvm::ArrayRef<Tensor> inputs, std::string &error);

  const Options &options() const { return options_; }

private:
  mlir::ModuleOp module_;
  Options options_;
  std::optional<std::string> verifyError_; // set once verified: empty when valid
};

} // namespace loom::reference

#endif // LOOM_CODEGEN_REFERENCE_INTERPRETER_H
