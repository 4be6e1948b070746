//===- loomc.cpp - the Loom compiler driver -------------------------------===//
//
//   loomc SPEC.textproto|IR.mlir [--compile-from=PHASE] [--compile-to=PHASE] [-o OUT]
//
// Reads a ModelSpec (built into loom IR by its family's builder) or a .mlir
// file, runs the pipeline's phases (passes/Pipelines.h) from just after
// --compile-from up to and including --compile-to, and prints the IR. Any
// phase's output is valid input for --compile-from of the same phase. MLIR's
// pass-manager, timing, printing and reproducer flags all apply.
//
//===----------------------------------------------------------------------===//

#include "frontends/spec/SpecParser.h"
#include "models/llama/LlamaBuilder.h"
#include "passes/Pipelines.h"

#include "dialects/loom/IR/LoomDialect.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/Timing.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;

static llvm::cl::opt<std::string> inputFile(llvm::cl::Positional,
                                            llvm::cl::desc("<spec.textproto | input.mlir>"),
                                            llvm::cl::Required);
static llvm::cl::opt<std::string> outputFile("o", llvm::cl::desc("Output file"),
                                             llvm::cl::value_desc("filename"),
                                             llvm::cl::init("-"));
static llvm::cl::opt<std::string>
    compileFrom("compile-from",
                llvm::cl::desc("The phase whose output the input is: builder (IR as a model "
                               "builder or a user wrote it; the default), input, autodiff, "
                               "target, bounds, fusion, codegen"),
                llvm::cl::init("builder"));
static llvm::cl::opt<std::string>
    compileTo("compile-to",
              llvm::cl::desc("The last phase to run, whose output is printed (default: input, "
                             "the last phase built so far)"),
              llvm::cl::init("input"));

namespace {
/// "builder" sits before the first pipeline phase.
constexpr int kBuilderIndex = -1;

std::optional<int> phaseIndex(StringRef name) {
  if (name == "builder")
    return kBuilderIndex;
  if (std::optional<mlir::loom::Phase> p = mlir::loom::parsePhase(name))
    return static_cast<int>(*p);
  return std::nullopt;
}

bool isSpec(StringRef path) {
  return path.ends_with(".textproto") || path.ends_with(".pbtxt") || path.ends_with(".txtpb");
}

OwningOpRef<ModuleOp> loadInput(MLIRContext &context, llvm::SourceMgr &sourceMgr) {
  if (isSpec(inputFile)) {
    std::string errors;
    std::optional<::loom::spec::ParsedModelSpec> spec =
        ::loom::spec::parseModelSpecFile(inputFile, errors);
    if (!spec) {
      llvm::errs() << errors;
      return nullptr;
    }
    return ::loom::models::buildLlamaModule(context, *spec);
  }
  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> buffer = openInputFile(inputFile, &error);
  if (!buffer) {
    llvm::errs() << "loomc: " << error << "\n";
    return nullptr;
  }
  sourceMgr.AddNewSourceBuffer(std::move(buffer), llvm::SMLoc());
  return parseSourceFile<ModuleOp>(sourceMgr, &context);
}
} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  // Before the pass-manager options, so that --mlir-print-ir-after=canonicalize
  // and friends can name the passes the phases run.
  registerTransformsPasses();
  registerAsmPrinterCLOptions();
  registerMLIRContextCLOptions();
  registerPassManagerCLOptions();
  registerDefaultTimingManagerCLOptions();
  llvm::cl::ParseCommandLineOptions(argc, argv, "Loom compiler driver\n");

  std::optional<int> from = phaseIndex(compileFrom), to = phaseIndex(compileTo);
  if (!from || !to) {
    llvm::errs() << "loomc: unknown phase '" << (from ? compileTo : compileFrom)
                 << "' (phases: builder, input, autodiff, target, bounds, fusion, codegen)\n";
    return 1;
  }
  if (*to < *from) {
    llvm::errs() << "loomc: --compile-to=" << compileTo << " comes before --compile-from="
                 << compileFrom << "\n";
    return 1;
  }
  if (isSpec(inputFile) && *from != kBuilderIndex) {
    llvm::errs() << "loomc: a spec is the start of the pipeline; --compile-from applies to "
                    ".mlir input\n";
    return 1;
  }

  DialectRegistry registry;
  registry.insert<mlir::loom::LoomDialect, func::FuncDialect>();
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);

  DefaultTimingManager tm;
  applyDefaultTimingManagerCLOptions(tm);
  TimingScope timing = tm.getRootScope();

  OwningOpRef<ModuleOp> module;
  {
    TimingScope loadTiming = timing.nest(isSpec(inputFile) ? "Build from spec" : "Parse");
    module = loadInput(context, sourceMgr);
  }
  if (!module)
    return 1;

  PassManager pm(&context);
  if (failed(applyPassManagerCLOptions(pm)))
    return 1;
  pm.enableTiming(timing);
  for (int p = *from + 1; p <= *to; ++p) {
    std::string error;
    if (failed(mlir::loom::buildPhase(pm, static_cast<mlir::loom::Phase>(p), error))) {
      llvm::errs() << "loomc: " << error << "\n";
      return 1;
    }
  }
  if (failed(pm.run(*module)))
    return 1;

  std::string error;
  std::unique_ptr<llvm::ToolOutputFile> output = openOutputFile(outputFile, &error);
  if (!output) {
    llvm::errs() << "loomc: " << error << "\n";
    return 1;
  }
  TimingScope printTiming = timing.nest("Output");
  module->print(output->os());
  output->keep();
  return 0;
}
