//===- loomc.cpp - the Loom compiler driver -------------------------------===//
//
//   loomc SPEC.textproto|IR.mlir [--compile-from=PHASE] [--compile-to=PHASE] [-o OUT]
//   loomc SPEC.textproto|IR.mlir --target=cpu|cuda -o DIR [--ptx]
//
// Reads a ModelSpec (built into loom IR by its family's builder) or a .mlir
// file, runs the pipeline's phases (passes/Pipelines.h) from just after
// --compile-from up to and including --compile-to, and prints the IR. Any
// phase's output is valid input for --compile-from of the same phase. MLIR's
// pass-manager, timing, printing and reproducer flags all apply.
//
// With --target and no --compile-to, it compiles through every phase and
// writes a bundle directory (codegen/bundle/BundleWriter.h) at DIR instead
// (--emit=bundle|ir chooses explicitly). A cuda bundle holds the kernels as
// kernels.cubin (sm_90, assembled by ptxas), kernels.ptx and kernels.so (the
// host's), with the launch table kernels_cuda.json. For a cpu bundle, --ptx
// also writes the same kernels for CUDA sm_90: DIR/kernels.ptx and
// DIR/kernels_cuda.json (files the runtime's bundle loader does not read;
// tools/gpu/ptx_check does); a cuda bundle has both already, so there --ptx
// changes nothing.
//
//===----------------------------------------------------------------------===//

#include "frontends/spec/SpecParser.h"
#include "models/llama/LlamaBuilder.h"
#include "passes/Pipelines.h"

#include "codegen/bundle/BundleWriter.h"
#include "codegen/cuda/CudaKernelCompiler.h"
#include "dialects/loom/IR/LoomDialect.h"
#include "dialects/loomrt/IR/LoomrtDialect.h"
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
#include "llvm/Support/Path.h"
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

static llvm::cl::opt<std::string>
    target("target", llvm::cl::desc("The target to compile for: cpu or cuda (sm_90)"),
           llvm::cl::init("cpu"));
static llvm::cl::opt<std::string>
    emit("emit",
         llvm::cl::desc("What to write: ir (the IR after --compile-to) or bundle (a bundle "
                        "directory at -o; needs --compile-to=codegen). Default: bundle when "
                        "--target is given without --compile-to, else ir"),
         llvm::cl::init(""));

static llvm::cl::opt<bool>
    emitPtx("ptx",
            llvm::cl::desc("With a cpu bundle: also compile its kernels for CUDA sm_90 into "
                           "DIR/kernels.ptx, with their launch table in DIR/kernels_cuda.json "
                           "(codegen/cuda/CudaKernelCompiler.h); the CPU bundle is unchanged. "
                           "A cuda bundle has both files already"),
            llvm::cl::init(false));

static llvm::cl::opt<bool>
    explainFusion("loom-fusion-explain",
                  llvm::cl::desc("Print the reason of every fusion decision (a remark per op)"),
                  llvm::cl::init(false));

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

/// --ptx: the bundle's kernels (the nested module @kernels) as PTX beside it.
LogicalResult writePtx(ModuleOp module, StringRef dir) {
  ModuleOp kernels;
  for (auto nested : module.getOps<ModuleOp>())
    if (nested.getSymName() == "kernels")
      kernels = nested;
  SmallVector<mlir::loom::codegen::CudaKernelInfo> infos;
  if (kernels) {
    llvm::SmallString<256> ptx(dir);
    llvm::sys::path::append(ptx, "kernels.ptx");
    if (failed(mlir::loom::codegen::compileCudaKernels(kernels, ptx, infos)))
      return failure();
  }
  llvm::SmallString<256> table(dir);
  llvm::sys::path::append(table, "kernels_cuda.json");
  if (failed(mlir::loom::codegen::writeCudaKernelTable(table, kernels ? "kernels.ptx" : "", infos,
                                                       module.getLoc())))
    return failure();
  llvm::outs() << "loomc: wrote " << dir << "/kernels.ptx: " << infos.size()
               << " CUDA kernels (sm_90)\n";
  return success();
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

  // `--target=cpu -o DIR` alone means: everything, into a bundle.
  bool wantsBundle = emit == "bundle" ||
                     (emit.empty() && target.getNumOccurrences() && !compileTo.getNumOccurrences());
  if (!emit.empty() && emit != "ir" && emit != "bundle") {
    llvm::errs() << "loomc: --emit=" << emit << " is neither ir nor bundle\n";
    return 1;
  }
  if (wantsBundle && !compileTo.getNumOccurrences())
    compileTo = "codegen";
  if (wantsBundle && (compileTo != "codegen" || outputFile == "-")) {
    llvm::errs() << "loomc: a bundle needs --compile-to=codegen (the default with --target) and "
                    "-o DIR\n";
    return 1;
  }
  if (emitPtx && !wantsBundle) {
    llvm::errs() << "loomc: --ptx writes beside a bundle: use it with --target=cpu -o DIR\n";
    return 1;
  }
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
  mlir::loom::registerPipelineDialects(registry);
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
    mlir::loom::PhaseOptions options;
    options.target = target;
    options.explainFusion = explainFusion;
    if (failed(mlir::loom::buildPhase(pm, static_cast<mlir::loom::Phase>(p), error, options))) {
      llvm::errs() << "loomc: " << error << "\n";
      return 1;
    }
  }
  if (failed(pm.run(*module)))
    return 1;

  if (wantsBundle) {
    TimingScope bundleTiming = timing.nest("Kernels and bundle");
    mlir::loom::codegen::BundleSummary summary;
    if (failed(mlir::loom::codegen::writeBundle(*module, target, outputFile, summary)))
      return 1;
    llvm::outs() << "loomc: wrote " << outputFile << ": " << summary.entryPoints
                 << " entry points, " << summary.kernels << " kernels, " << summary.commands
                 << " commands, " << summary.parameters << " parameters, "
                 << summary.arenaBytes << " arena bytes\n";
    if (target == "cuda") {
      if (summary.kernels > 0)
        llvm::outs() << "loomc: kernels for cuda: kernels.cubin (sm_90), kernels.ptx, "
                        "kernels.so (host), kernels_cuda.json\n";
    } else if (emitPtx && failed(writePtx(*module, outputFile))) {
      return 1;
    }
    for (auto entry : module->getOps<mlir::loomrt::EntryOp>()) {
      auto bytes = [&](StringRef key) {
        auto a = entry->getAttrOfType<IntegerAttr>(key);
        return a ? a.getInt() : int64_t{-1};
      };
      llvm::outs() << "  @" << entry.getSymName() << ": activations peak "
                   << bytes("loom.peak_bytes") << " bytes (live bound "
                   << bytes("loom.live_bytes") << ", all tensors " << bytes("loom.tensor_bytes")
                   << ")\n";
    }
    return 0;
  }

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
