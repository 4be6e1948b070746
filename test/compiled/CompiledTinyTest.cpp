//===- CompiledTinyTest.cpp - the tiny Llama compiled, against the oracle --===//
//
// The tiny spec goes through every phase (input … codegen) and the bundle
// writer into a bundle directory; the runtime (rt::Session, which never sees
// MLIR) loads it and runs @forward, @grad_step and @apply_step. The same
// module after autodiff runs in the reference interpreter (F32: each op in
// double, rounded to f32) on the same weights and bytes of the corpus.
// Issue 5's bounds: logits max|Δ| ≤ 1e-4·max|logit|; parameters after one
// step max|Δ| ≤ 1e-5·max|P|. The test prints the measured figures and the
// memory plan's peak bytes against the bytes of all tensors, each kernel's
// strategy and grid (loom-kernel-strategy), and @grad_step's wall time on the
// session's 2 threads.
//
//===----------------------------------------------------------------------===//

#include "codegen/bundle/BundleWriter.h"
#include "codegen/reference/Interpreter.h"
#include "dialects/loomrt/IR/LoomrtDialect.h"
#include "frontends/spec/SpecParser.h"
#include "models/llama/LlamaBuilder.h"
#include "runtime/data/byte_corpus.h"
#include "runtime/exec/session.h"
#include "test/training/Harness.h"
#include "tools/loom-train-ref/ReferenceTrainer.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/FileSystem.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>

using namespace mlir;
using namespace ::loom;

namespace {

constexpr uint64_t kDataSeed = 1234;

/// One compile of the tiny model for the whole suite.
struct Compiled {
  MLIRContext context;
  OwningOpRef<ModuleOp> oracle;  // after autodiff: what the interpreter runs
  OwningOpRef<ModuleOp> planned; // after codegen: what the bundle holds
  std::string dir;
  std::unique_ptr<rt::Session> session;
  rt::Program *program = nullptr;
  std::map<std::string, rt::HostTensor> weights;
  rt::ByteBatch batch;
};

Compiled *compiled = nullptr;

/// N(0, std²) by Box–Muller over splitmix64 (as loom-train-ref), ones, zeros.
rt::HostTensor initialWeight(const bundle::Parameter &p, uint64_t salt) {
  rt::Shape shape(p.shape().begin(), p.shape().end());
  rt::HostTensor t = std::move(rt::HostTensor::Allocate(rt::DType::kF32, shape)).value();
  auto *v = reinterpret_cast<float *>(t.data());
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  for (int64_t i = 0; i < n; ++i) {
    if (p.init() == bundle::Parameter::ONES) {
      v[i] = 1.0f;
    } else if (p.init() == bundle::Parameter::ZEROS) {
      v[i] = 0.0f;
    } else {
      uint64_t a = rt::SplitMix64(salt * 0x9E3779B97F4A7C15ull + 2 * i);
      uint64_t b = rt::SplitMix64(salt * 0x9E3779B97F4A7C15ull + 2 * i + 1);
      double u1 = ((a >> 11) + 0.5) / 9007199254740992.0, u2 = (b >> 11) / 9007199254740992.0;
      v[i] = static_cast<float>(p.init_std() * std::sqrt(-2 * std::log(u1)) *
                                std::cos(2 * M_PI * u2));
    }
  }
  return t;
}

reference::Tensor toTensor(MLIRContext *ctx, const rt::HostTensor &h) {
  std::vector<int64_t> shape(h.shape().begin(), h.shape().end());
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  if (h.dtype() == rt::DType::kI64) {
    const auto *p = reinterpret_cast<const int64_t *>(h.data());
    return reference::Tensor::ints(IntegerType::get(ctx, 64), shape, {p, p + n});
  }
  const auto *p = reinterpret_cast<const float *>(h.data());
  std::vector<double> values(p, p + n);
  return reference::Tensor::floats(Float32Type::get(ctx), shape, values);
}

rt::HostTensor ids(const std::vector<int64_t> &values, rt::Shape shape) {
  rt::HostTensor t = std::move(rt::HostTensor::Allocate(rt::DType::kI64, shape)).value();
  std::memcpy(t.data(), values.data(), values.size() * sizeof(int64_t));
  return t;
}

std::vector<double> floats(const rt::HostTensor &h) {
  const auto *p = reinterpret_cast<const float *>(h.data());
  size_t n = 1;
  for (int64_t d : h.shape())
    n *= d;
  return {p, p + n};
}

/// max |a − b| and max |b| over the elements.
std::pair<double, double> maxDelta(const std::vector<double> &a, const std::vector<double> &b) {
  double delta = 0, scale = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    delta = std::max(delta, std::isnan(a[i] - b[i]) ? INFINITY : std::fabs(a[i] - b[i]));
    scale = std::max(scale, std::fabs(b[i]));
  }
  return {a.size() == b.size() ? delta : INFINITY, scale};
}

class CompiledTiny : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    auto *c = new Compiled;
    DialectRegistry registry;
    training::registerAll(registry);
    c->context.appendDialectRegistry(registry);
    c->context.loadAllAvailableDialects();
    std::string errors;
    auto spec = spec::parseModelSpecFile(LOOM_SOURCE_DIR "/models/llama/tiny.textproto", errors);
    ASSERT_TRUE(spec) << errors;
    c->planned = models::buildLlamaModule(c->context, *spec);
    ASSERT_TRUE(c->planned);
    ASSERT_TRUE(training::runPhases(*c->planned, {"input", "autodiff"}));
    c->oracle = OwningOpRef<ModuleOp>(c->planned->clone());
    ASSERT_TRUE(training::runPhases(*c->planned, {"target", "bounds", "fusion", "codegen"}));

    c->dir = (std::filesystem::temp_directory_path() /
              ("loom-compiled-tiny-" + std::to_string(::getpid())))
                 .string();
    mlir::loom::codegen::BundleSummary summary;
    ASSERT_TRUE(succeeded(mlir::loom::codegen::writeCpuBundle(*c->planned, c->dir, summary)));
    std::cout << "bundle: " << summary.kernels << " kernels, " << summary.commands
              << " commands, " << summary.arenaBytes << " arena bytes\n";

    c->session = std::make_unique<rt::Session>(2);
    auto program = c->session->Load("tiny", c->dir);
    ASSERT_TRUE(program.ok()) << program.status().message();
    c->program = *program;
    uint64_t salt = 1;
    for (const bundle::Parameter &p : c->program->manifest().parameters()) {
      rt::HostTensor w = initialWeight(p, salt++);
      ASSERT_TRUE(c->program->SetParameter(p.name(), w).ok());
      c->weights.emplace(p.name(), std::move(w));
    }
    auto corpus = rt::ByteCorpus::Load(LOOM_SOURCE_DIR "/data/corpus/corpus.txt");
    ASSERT_TRUE(corpus.ok()) << corpus.status().message();
    auto batch = corpus->Batch(kDataSeed, 0, 4, 64);
    ASSERT_TRUE(batch.ok());
    c->batch = *batch;
    compiled = c;
  }

  static void TearDownTestSuite() {
    if (!compiled)
      return;
    std::error_code ec;
    std::filesystem::remove_all(compiled->dir, ec);
    delete compiled;
    compiled = nullptr;
  }
};

TEST_F(CompiledTiny, ForwardLogitsMatchTheInterpreter) {
  ASSERT_TRUE(compiled);
  Compiled &c = *compiled;
  rt::HostTensor tokens = ids(c.batch.tokens, {4, 64});
  auto out = c.program->Run("forward", {&tokens});
  ASSERT_TRUE(out.ok()) << out.status().message();

  auto fn = c.oracle->lookupSymbol<func::FuncOp>("forward");
  std::vector<reference::Tensor> inputs;
  for (unsigned i = 0; i < fn.getNumArguments(); ++i) {
    auto name = fn.getArgAttrOfType<StringAttr>(i, "loom.param");
    inputs.push_back(name ? toTensor(&c.context, c.weights.at(name.str()))
                          : toTensor(&c.context, tokens));
  }
  reference::Interpreter interp(*c.oracle, {reference::Precision::F32});
  std::string error;
  auto want = interp.run("forward", inputs, error);
  ASSERT_TRUE(succeeded(want)) << error;
  auto [delta, scale] = maxDelta(floats((*out)[0]), (*want)[0].f);
  std::cout << "forward logits: max|delta| = " << delta << ", max|logit| = " << scale
            << ", ratio " << delta / scale << " (bound 1e-4)\n";
  EXPECT_LE(delta, 1e-4 * scale);
}

TEST_F(CompiledTiny, OneTrainingStepMatchesTheInterpreter) {
  ASSERT_TRUE(compiled);
  Compiled &c = *compiled;
  std::string error;
  auto trainer = train::ReferenceTrainer::create(*c.oracle, reference::Precision::F32, error);
  ASSERT_TRUE(trainer) << error;
  ASSERT_TRUE(trainer->load(c.weights, error)) << error;

  rt::HostTensor tokens = ids(c.batch.tokens, {4, 64}), targets = ids(c.batch.targets, {4, 64});
  auto loss = c.program->Run("grad_step", {&tokens, &targets});
  ASSERT_TRUE(loss.ok()) << loss.status().message();
  auto wantLoss = trainer->gradStep(c.batch.tokens, c.batch.targets, error);
  ASSERT_TRUE(succeeded(wantLoss)) << error;
  double gotLoss = floats((*loss)[0])[0];
  std::cout << "grad_step loss: compiled " << gotLoss << ", interpreter " << *wantLoss << "\n";
  EXPECT_NEAR(gotLoss, *wantLoss, 1e-5 * std::fabs(*wantLoss));

  rt::HostTensor step = ids({0}, {});
  auto applied = c.program->Run("apply_step", {&step});
  ASSERT_TRUE(applied.ok()) << applied.status().message();
  auto stats = trainer->applyStep(0, error);
  ASSERT_TRUE(succeeded(stats)) << error;
  double gotNorm = floats((*applied)[0])[0];
  std::cout << "apply_step grad norm: compiled " << gotNorm << ", interpreter "
            << stats->gradNorm << "\n";
  EXPECT_NEAR(gotNorm, stats->gradNorm, 1e-4 * stats->gradNorm);
  EXPECT_EQ(static_cast<bool>((*applied)[1].data()[0] != std::byte{0}), stats->skipped);

  double delta = 0, scale = 0;
  for (size_t k = 0; k < trainer->table().size(); ++k) {
    auto got = c.program->GetParameter(trainer->table()[k].name);
    ASSERT_TRUE(got.ok()) << got.status().message();
    auto [d, s] = maxDelta(floats(*got), trainer->parameter(k).f);
    delta = std::max(delta, d);
    scale = std::max(scale, s);
  }
  std::cout << "parameters after one step: max|delta| = " << delta << ", max|P| = " << scale
            << ", ratio " << delta / scale << " (bound 1e-5)\n";
  EXPECT_LE(delta, 1e-5 * scale);
}

TEST_F(CompiledTiny, PeakArenaBytesAgainstAllTensors) {
  ASSERT_TRUE(compiled);
  for (auto entry : compiled->planned->getOps<loomrt::EntryOp>()) {
    int64_t peak = entry->getAttrOfType<IntegerAttr>("loom.peak_bytes").getInt();
    int64_t all = entry->getAttrOfType<IntegerAttr>("loom.tensor_bytes").getInt();
    int64_t live = entry->getAttrOfType<IntegerAttr>("loom.live_bytes").getInt();
    std::cout << "@" << entry.getSymName().str() << ": peak " << peak << " bytes, live bound "
              << live << ", all tensors " << all << " (" << 100.0 * peak / all << "%)\n";
    // The layout never needs more than all tensors side by side, never less
    // than what is live at once, and reuse must actually happen.
    EXPECT_LE(peak, all);
    EXPECT_GE(peak, live);
    if (entry.getSymName() == "grad_step") {
      EXPECT_LT(peak, all / 2);
    }
  }
}

/// Each kernel's strategy and grid (loom-kernel-strategy), as the bundle runs
/// them: a kernel with several workgroups has rows; no kernel is asked for
/// more workgroups than it has rows.
TEST_F(CompiledTiny, KernelStrategies) {
  ASSERT_TRUE(compiled);
  std::map<std::string, int> byStrategy;
  for (auto kernels : compiled->planned->getOps<ModuleOp>()) {
    for (auto fn : kernels.getOps<func::FuncOp>()) {
      auto strategy = fn->getAttrOfType<StringAttr>("loom.strategy");
      auto grid = fn->getAttrOfType<DenseI64ArrayAttr>("loom.workgroups");
      auto tile = fn->getAttrOfType<IntegerAttr>("loom.tile_rows");
      int64_t workgroups = grid ? grid[0] : 1;
      std::string name = strategy ? strategy.str() : "(none)";
      byStrategy[name + (workgroups > 1 ? ", tiled" : "")]++;
      std::cout << "kernel @" << fn.getSymName().str() << ": " << name << ", " << workgroups
                << " workgroups";
      if (tile)
        std::cout << " of " << tile.getInt() << " rows";
      std::cout << "\n";
      if (workgroups > 1) {
        EXPECT_TRUE(tile) << fn.getSymName().str();
        EXPECT_NE(name, "serial") << fn.getSymName().str();
      }
    }
  }
  for (auto &[strategy, count] : byStrategy)
    std::cout << "kernels " << strategy << ": " << count << "\n";
}

} // namespace

namespace {

/// Three @decode_step runs after @prefill, the caches through the host (Run) and then carried
/// in the arenas (three RunCarried in a row): the same logits bit for bit, and the carried
/// state reads back as the host loop's caches; a run in between makes the next RunCarried
/// refuse; pairs that do not fit are refused by name.
TEST_F(CompiledTiny, DecodeStepsCarryTheirCachesInTheArenas) {
  ASSERT_TRUE(compiled);
  Compiled &c = *compiled;
  rt::Program &p = *c.program;
  rt::HostTensor tokens = ids(c.batch.tokens, {4, 64});
  auto prefill = p.Run("prefill", {&tokens});
  ASSERT_TRUE(prefill.ok()) << prefill.status().message();
  const size_t caches = prefill->size() - 1;
  ASSERT_EQ(caches, 4u);
  std::vector<rt::HostTensor> hostCaches, first;
  for (size_t i = 0; i < caches; ++i) {
    const rt::HostTensor &t = (*prefill)[1 + i];
    for (auto *list : {&hostCaches, &first}) {
      list->push_back(std::move(rt::HostTensor::Allocate(t.dtype(), t.shape())).value());
      std::memcpy(list->back().data(), t.data(), t.size_bytes());
    }
  }
  auto token = [](int64_t step) { return ids({5 + step, 6 + step, 7 + step, 8 + step}, {4, 1}); };
  auto position = [](int64_t step) {
    return ids({10 + step, 20 + step, 30 + step, 40 + step}, {4, 1});
  };

  std::vector<std::vector<double>> viaHost, viaArenas;
  for (int64_t step = 0; step < 3; ++step) {
    rt::HostTensor t = token(step), pos = position(step);
    std::vector<const rt::HostTensor *> inputs;
    for (const rt::HostTensor &h : hostCaches)
      inputs.push_back(&h);
    inputs.push_back(&t);
    inputs.push_back(&pos);
    auto out = p.Run("decode_step", inputs);
    ASSERT_TRUE(out.ok()) << out.status().message();
    viaHost.push_back(floats((*out)[0]));
    for (size_t i = 0; i < caches; ++i)
      hostCaches[i] = std::move((*out)[1 + i]);
  }

  std::vector<std::pair<int, int>> pairs;
  for (size_t i = 0; i < caches; ++i)
    pairs.emplace_back(static_cast<int>(i), static_cast<int>(i) + 1);
  auto carried = p.StartCarried("decode_step", pairs, std::move(first));
  ASSERT_TRUE(carried.ok()) << carried.status().message();
  for (int64_t step = 0; step < 3; ++step) {
    rt::HostTensor t = token(step), pos = position(step);
    auto out = p.RunCarried(*carried, {&t, &pos});
    ASSERT_TRUE(out.ok()) << out.status().message();
    ASSERT_EQ(out->size(), 1u); // the logits only
    viaArenas.push_back(floats((*out)[0]));
  }
  EXPECT_EQ(viaArenas, viaHost);
  auto state = p.ReadCarried(*carried);
  ASSERT_TRUE(state.ok()) << state.status().message();
  ASSERT_EQ(state->size(), caches);
  for (size_t i = 0; i < caches; ++i)
    EXPECT_EQ(std::memcmp((*state)[i].data(), hostCaches[i].data(), hostCaches[i].size_bytes()), 0)
        << "cache " << i;

  // Another run overwrites the arenas: the carried loop must start again.
  ASSERT_TRUE(p.Run("prefill", {&tokens}).ok());
  rt::HostTensor t = token(3), pos = position(3);
  auto refused = p.RunCarried(*carried, {&t, &pos});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("may have been overwritten"), std::string::npos)
      << refused.status().message();

  // negative_: a cache carried to the token input (dtype and shape differ), an output out of
  // range, the same input twice, no first value.
  auto refusal = [&](std::vector<std::pair<int, int>> bad) {
    auto started = p.StartCarried("decode_step", std::move(bad), {});
    return started.ok() ? std::string() : std::string(started.status().message());
  };
  EXPECT_NE(refusal({{4, 1}}).find("differ"), std::string::npos);
  EXPECT_NE(refusal({{0, 9}}).find("has no input 0 and output 9"), std::string::npos);
  EXPECT_NE(refusal({{0, 1}, {0, 2}}).find("carries one twice"), std::string::npos);
  EXPECT_NE(refusal({{0, 1}}).find("first values were given"), std::string::npos);
  rt::Program::Carried foreign;
  auto notStarted = p.RunCarried(foreign, {&t, &pos});
  ASSERT_FALSE(notStarted.ok());
  EXPECT_NE(notStarted.status().message().find("StartCarried"), std::string::npos);
}

} // namespace
