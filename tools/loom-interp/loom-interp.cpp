//===- loom-interp.cpp - run a function of a loom module on the reference ==//
//
//   loom-interp MODULE.mlir --function F [--precision f64|f32]
//       (--input a.npy ... | --inputs-safetensors in.safetensors ...)
//       [--output out0.npy ... | --outputs-safetensors out.safetensors] [--pad-outputs]
//
// Runs func.func @F of MODULE with the reference interpreter
// (codegen/reference/Interpreter.h). .npy inputs feed the arguments in order;
// safetensors inputs are matched by the arguments' loom.param / loom.input
// names (else arg<N>). Results go to one .npy per result or to one safetensors
// file (out0, out1, ...); with neither, a summary of each result is printed.
// Under --precision f64 float results are written as f64. Any bad input is an
// error message and exit code 1.
//
//===----------------------------------------------------------------------===//

#include "codegen/reference/Interpreter.h"
#include "tools/loom-interp/InterpIO.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
namespace cl = llvm::cl;
using loom::reference::Tensor;

static cl::opt<std::string> moduleFile(cl::Positional, cl::desc("<module.mlir>"), cl::Required);
static cl::opt<std::string> function("function", cl::desc("The func.func to run"), cl::Required);
static cl::opt<std::string> precision("precision",
                                      cl::desc("f32 (round at op boundaries to declared types; "
                                               "default) or f64 (every float in double)"),
                                      cl::init("f32"));
static cl::list<std::string> inputs("input", cl::desc("An .npy file per argument, in order"));
static cl::list<std::string> inputsSafetensors(
    "inputs-safetensors", cl::desc("safetensors files whose tensors feed arguments by name"));
static cl::list<std::string> outputs("output", cl::desc("An .npy file per result, in order"));
static cl::opt<std::string> outputsSafetensors(
    "outputs-safetensors", cl::desc("A safetensors file for the results (out0, out1, ...)"));
static cl::opt<bool> padOutputs(
    "pad-outputs", cl::desc("Return dynamic dims at their bound, padding filled with NaN "
                            "(floats) or the type's minimum (integers)"));

static int fail(const std::string &message) {
  llvm::errs() << "loom-interp: " << message << "\n";
  return 1;
}

static void printSummary(const std::vector<Tensor> &results) {
  for (auto [n, t] : llvm::enumerate(results)) {
    llvm::outs() << "out" << n << ": " << t.describe() << " [";
    int64_t shown = std::min<int64_t>(t.numElements(), 8);
    for (int64_t k = 0; k < shown; ++k) {
      llvm::outs() << (k ? ", " : "");
      if (t.isFloat())
        llvm::outs() << llvm::format("%.9g", t.f[k]);
      else
        llvm::outs() << t.i[k];
    }
    llvm::outs() << (t.numElements() > shown ? ", ...]\n" : "]\n");
  }
}

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  cl::ParseCommandLineOptions(argc, argv, "Loom reference interpreter\n");

  loom::reference::Options options;
  if (precision == "f64")
    options.precision = loom::reference::Precision::F64;
  else if (precision != "f32")
    return fail("--precision must be f32 or f64, got '" + precision + "'");
  options.padResultsToBounds = padOutputs;
  if (!inputs.empty() && !inputsSafetensors.empty())
    return fail("give inputs either as --input .npy files or as --inputs-safetensors, not both");
  if (!outputs.empty() && !outputsSafetensors.empty())
    return fail("give outputs either as --output .npy files or as --outputs-safetensors");

  DialectRegistry registry;
  loom::reference::registerDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> buffer = openInputFile(moduleFile, &error);
  if (!buffer)
    return fail(error);
  sourceMgr.AddNewSourceBuffer(std::move(buffer), llvm::SMLoc());
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &context);
  if (!module)
    return fail("cannot parse " + moduleFile);
  auto fn = module->lookupSymbol<func::FuncOp>(function);
  if (!fn)
    return fail("no func.func @" + function + " in " + moduleFile);

  llvm::FailureOr<std::vector<Tensor>> args =
      inputsSafetensors.empty()
          ? loom::interp::readNpyArguments(fn, inputs, error)
          : loom::interp::readSafetensorsArguments(fn, inputsSafetensors, error);
  if (failed(args))
    return fail(error);

  loom::reference::Interpreter interpreter(*module, options);
  llvm::FailureOr<std::vector<Tensor>> results = interpreter.run(function, *args, error);
  if (failed(results))
    return fail(error);

  bool wide = options.precision == loom::reference::Precision::F64;
  if (!outputsSafetensors.empty()) {
    if (failed(loom::interp::writeSafetensorsOutputs(*results, outputsSafetensors, wide, error)))
      return fail(error);
  } else if (!outputs.empty()) {
    if (failed(loom::interp::writeNpyOutputs(*results, outputs, wide, error)))
      return fail(error);
  } else {
    printSummary(*results);
  }
  return 0;
}
