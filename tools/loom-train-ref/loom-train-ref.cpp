//===- loom-train-ref.cpp - train a compiled model in the reference interpreter ===//
//
//   loom-train-ref MODULE.mlir --corpus data/corpus/corpus.txt --steps 300
//       [--seed N] [--init weights.safetensors] [--save out.safetensors]
//       [--precision f32|f64] [--log-every 25]
//
// MODULE is a model compiled through the autodiff phase
// (`loomc SPEC --compile-to=autodiff`). Batches come from the byte corpus as
// pure functions of (seed, step) (runtime/data/byte_corpus.h). Prints a step
// log and, at the end, the mean loss of the last 20 steps against the
// corpus's byte-unigram entropy: what a model that ignores context can reach.
//
//===----------------------------------------------------------------------===//

#include "tools/loom-train-ref/ReferenceTrainer.h"

#include "codegen/reference/Interpreter.h"
#include "dialects/loom/IR/LoomDialect.h"
#include "runtime/data/byte_corpus.h"
#include "runtime/io/safetensors.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"

#include <chrono>
#include <cstdio>

using namespace mlir;
namespace cl = llvm::cl;

static cl::opt<std::string> moduleFile(cl::Positional, cl::desc("<module.mlir>"), cl::Required);
static cl::opt<std::string> corpusFile("corpus", cl::desc("Byte corpus to train on"), cl::Required);
static cl::opt<int64_t> steps("steps", cl::desc("Training steps"), cl::init(300));
static cl::opt<uint64_t> seed("seed", cl::desc("Seed of the weights and the batches"),
                              cl::init(1234));
static cl::opt<std::string> initFile("init", cl::desc("Initial weights (safetensors, by name)"));
static cl::opt<std::string> saveFile("save", cl::desc("Write the trained weights (safetensors)"));
static cl::opt<std::string> precision("precision", cl::desc("f32 (default) or f64"),
                                      cl::init("f32"));
static cl::opt<int64_t> logEvery("log-every", cl::desc("Print a step line every N steps"),
                                 cl::init(25));

static int fail(const std::string &message) {
  std::fprintf(stderr, "loom-train-ref: %s\n", message.c_str());
  return 1;
}

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  cl::ParseCommandLineOptions(argc, argv, "Train a compiled model in the reference interpreter\n");
  if (precision != "f32" && precision != "f64")
    return fail("--precision must be f32 or f64, not '" + precision + "'");
  if (steps < 1 || logEvery < 1)
    return fail("--steps and --log-every must be at least 1");

  DialectRegistry registry;
  ::loom::reference::registerDialects(registry);
  registry.insert<mlir::loom::LoomDialect, func::FuncDialect>();
  MLIRContext context(registry);
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(moduleFile, &context);
  if (!module)
    return fail("cannot parse " + moduleFile);

  std::string error;
  auto trainer = ::loom::train::ReferenceTrainer::create(
      *module, precision == "f64" ? ::loom::reference::Precision::F64 : ::loom::reference::Precision::F32,
      error);
  if (!trainer)
    return fail(moduleFile + ": " + error);
  if (initFile.empty()) {
    trainer->initialize(seed);
  } else {
    auto weights = ::loom::rt::ReadSafetensorsFile(initFile);
    if (!weights.ok())
      return fail(weights.status().ToString());
    if (!trainer->load(weights->tensors, error))
      return fail(initFile + ": " + error);
  }
  auto corpus = ::loom::rt::ByteCorpus::Load(corpusFile);
  if (!corpus.ok())
    return fail(corpus.status().ToString());

  int64_t params = 0;
  for (const auto &s : trainer->table())
    params += s.numElements();
  std::printf("training %lld parameters on %s (%zu bytes), batch %lld x %lld, %lld steps\n",
              static_cast<long long>(params), corpusFile.c_str(), corpus->size(),
              static_cast<long long>(trainer->batch()), static_cast<long long>(trainer->length()),
              static_cast<long long>(steps.getValue()));
  const int64_t window = std::min<int64_t>(20, steps);
  double tail = 0;
  int skipped = 0;
  auto start = std::chrono::steady_clock::now();
  for (int64_t t = 0; t < steps; ++t) {
    auto batch = corpus->Batch(seed, t, trainer->batch(), trainer->length());
    if (!batch.ok())
      return fail(batch.status().ToString());
    auto loss = trainer->gradStep(batch->tokens, batch->targets, error);
    if (failed(loss))
      return fail("step " + std::to_string(t) + ": " + error);
    auto stats = trainer->applyStep(t, error);
    if (failed(stats))
      return fail("step " + std::to_string(t) + ": " + error);
    skipped += stats->skipped;
    if (t >= steps - window)
      tail += *loss / window;
    if (t % logEvery == 0 || t == steps - 1) {
      double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::printf("step %5lld  loss %.4f  grad-norm %.4f%s  %.1f s\n", static_cast<long long>(t),
                  *loss, stats->gradNorm, stats->skipped ? "  SKIPPED" : "", seconds);
    }
  }
  double entropy = corpus->UnigramEntropyNats();
  std::printf("mean loss of the last %lld steps: %.4f nats; byte-unigram entropy of the corpus: "
              "%.4f nats (%+.4f); %d skipped steps\n",
              static_cast<long long>(window), tail, entropy, tail - entropy, skipped);
  if (!saveFile.empty()) {
    ::loom::rt::SafetensorsFile file;
    file.tensors = trainer->save();
    ::loom::rt::Status status = ::loom::rt::WriteSafetensorsFile(saveFile, file);
    if (!status.ok())
      return fail(status.ToString());
    std::printf("wrote %s\n", saveFile.c_str());
  }
  return 0;
}
