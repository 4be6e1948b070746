//===- TestUtil.h - running IR snippets on the reference interpreter -------===//

#ifndef LOOM_TEST_REFERENCE_TESTUTIL_H
#define LOOM_TEST_REFERENCE_TESTUTIL_H

#include "codegen/reference/Interpreter.h"

#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace loom::reference::testing {

/// A context with the interpreter's dialects, element types, tensor builders
/// and `run`, which parses a module and runs its @f.
class InterpreterTest : public ::testing::Test {
protected:
  InterpreterTest();

  Tensor F(mlir::Type type, std::vector<int64_t> shape, std::vector<double> values) {
    return Tensor::floats(type, shape, values);
  }
  Tensor I(mlir::Type type, std::vector<int64_t> shape, std::vector<int64_t> values) {
    return Tensor::ints(type, shape, values);
  }
  Tensor index(int64_t v) { return Tensor::index(&context, v); }

  /// Runs @f of `ir`; a parse or run failure fails the test (results empty).
  std::vector<Tensor> run(const std::string &ir, std::vector<Tensor> inputs,
                          Precision precision = Precision::F32);
  /// Runs @f of `ir` expecting failure; returns the error (empty on success,
  /// which fails the test).
  std::string runError(const std::string &ir, std::vector<Tensor> inputs,
                       Precision precision = Precision::F32, Options options = {});

  mlir::MLIRContext context;
  mlir::Type f64, f32, bf16, f16, i64, i32, i8, i1;
};

/// Expects `t` to hold `expected` (floats within `tol`, NaN matching NaN).
void expectFloats(const Tensor &t, const std::vector<double> &expected, double tol = 0.0);
void expectInts(const Tensor &t, const std::vector<int64_t> &expected);

} // namespace loom::reference::testing

#endif // LOOM_TEST_REFERENCE_TESTUTIL_H
