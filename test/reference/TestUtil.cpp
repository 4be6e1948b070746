//===- TestUtil.cpp - running IR snippets on the reference interpreter -----===//

#include "test/reference/TestUtil.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Parser/Parser.h"

#include <cmath>

using namespace mlir;

namespace loom::reference::testing {

InterpreterTest::InterpreterTest() {
  DialectRegistry registry;
  registerDialects(registry);
  context.appendDialectRegistry(registry);
  context.loadAllAvailableDialects();
  // Diagnostics of deliberately bad IR are expected; the interpreter reports them itself.
  context.getDiagEngine().registerHandler([](Diagnostic &) { return success(); });
  Builder b(&context);
  f64 = b.getF64Type();
  f32 = b.getF32Type();
  bf16 = b.getBF16Type();
  f16 = b.getF16Type();
  i64 = b.getI64Type();
  i32 = b.getI32Type();
  i8 = b.getI8Type();
  i1 = b.getI1Type();
}

std::vector<Tensor> InterpreterTest::run(const std::string &ir, std::vector<Tensor> inputs,
                                         Precision precision) {
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(ir, &context);
  if (!module) {
    ADD_FAILURE() << "cannot parse:\n" << ir;
    return {};
  }
  Interpreter interpreter(*module, {precision});
  std::string error;
  FailureOr<std::vector<Tensor>> results = interpreter.run("f", inputs, error);
  if (failed(results)) {
    ADD_FAILURE() << error;
    return {};
  }
  return *results;
}

std::string InterpreterTest::runError(const std::string &ir, std::vector<Tensor> inputs,
                                      Precision precision, Options options) {
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(ir, &context);
  if (!module) {
    ADD_FAILURE() << "cannot parse:\n" << ir;
    return {};
  }
  options.precision = precision;
  Interpreter interpreter(*module, options);
  std::string error;
  if (succeeded(interpreter.run("f", inputs, error)))
    ADD_FAILURE() << "expected a failure:\n" << ir;
  return error;
}

void expectFloats(const Tensor &t, const std::vector<double> &expected, double tol) {
  ASSERT_TRUE(t.isFloat()) << t.describe();
  ASSERT_EQ(t.f.size(), expected.size()) << t.describe();
  for (size_t n = 0; n < expected.size(); ++n) {
    if (std::isnan(expected[n])) {
      EXPECT_TRUE(std::isnan(t.f[n])) << "element " << n << " is " << t.f[n] << ", not NaN";
      continue;
    }
    if (tol == 0.0 || std::isinf(expected[n]))
      EXPECT_EQ(t.f[n], expected[n]) << "element " << n;
    else
      EXPECT_NEAR(t.f[n], expected[n], tol) << "element " << n;
  }
}

void expectInts(const Tensor &t, const std::vector<int64_t> &expected) {
  ASSERT_FALSE(t.isFloat()) << t.describe();
  EXPECT_EQ(t.i, expected) << t.describe();
}

} // namespace loom::reference::testing
