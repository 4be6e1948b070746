//===- LlamaBuilder.cpp - loom IR of a Llama-shaped decoder ---------------===//

#include "models/llama/LlamaBuilder.h"

#include "models/common/TransformerBlocks.h"

#include "dialects/loom/IR/LoomOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringMap.h"

using namespace mlir;
using namespace mlir::loom;
using ::loom::spec::ParsedModelSpec;

namespace loom::models {
namespace {

constexpr int64_t kIgnoreIndex = -100;
constexpr unsigned kWeightsPerLayer = 9;

/// The weights of one layer, in @layer's argument order.
const char *const kLayerWeightSuffixes[kWeightsPerLayer] = {
    "input_layernorm.weight",      "self_attn.q_proj.weight", "self_attn.k_proj.weight",
    "self_attn.v_proj.weight",     "self_attn.o_proj.weight", "post_attention_layernorm.weight",
    "mlp.gate_proj.weight",        "mlp.up_proj.weight",      "mlp.down_proj.weight"};

class LlamaModuleBuilder {
public:
  LlamaModuleBuilder(MLIRContext &ctx, const ParsedModelSpec &parsed)
      : ctx(ctx), parsed(parsed), spec(parsed.spec), t(spec.transformer()), b(&ctx),
        g(b, elementType()), params(::loom::spec::llamaParameters(parsed)) {
    batch = spec.shape().batch();
    length = spec.shape().sequence();
    slots = spec.shape().max_decode_length() ? spec.shape().max_decode_length() : length;
    vocab = spec.vocabulary().size();
    attention = {batch,         length, t.num_heads(), t.num_kv_heads(), t.dim() / t.num_heads(),
                 t.rope().theta(), t.rope().layout() == ::loom::spec::Rope::INTERLEAVED
                                        ? RopeLayout::interleaved
                                        : RopeLayout::half_split};
  }

  OwningOpRef<ModuleOp> build() {
    OwningOpRef<ModuleOp> module = ModuleOp::create(at("name"), StringRef(spec.name()));
    if (spec.has_training())
      (*module)->setAttr("loom.training", trainingAttr());
    b.setInsertionPointToEnd(module->getBody());
    for (auto [i, p] : llvm::enumerate(params))
      paramIndex[p.name] = i;
    buildLayer();
    buildLayerDecode();
    buildForward();
    buildLoss();
    buildPrefill();
    buildDecodeStep();
    if (failed(verify(*module)))
      return nullptr;
    return module;
  }

private:
  /// The optimizer and schedule, read by loom-build-apply-step.
  DictionaryAttr trainingAttr() {
    const auto &tr = spec.training();
    auto f = [&](StringRef name, double v) { return b.getNamedAttr(name, b.getF64FloatAttr(v)); };
    auto i = [&](StringRef name, int64_t v) { return b.getNamedAttr(name, b.getI64IntegerAttr(v)); };
    return b.getDictionaryAttr({f("lr", tr.lr()), f("min_lr", tr.min_lr()),
                                i("warmup_steps", tr.warmup_steps()),
                                i("total_steps", tr.total_steps()), f("beta1", tr.beta1()),
                                f("beta2", tr.beta2()), f("eps", tr.eps()),
                                f("weight_decay", tr.weight_decay()),
                                f("clip_norm", tr.clip_norm()),
                                i("seed", static_cast<int64_t>(tr.seed()))});
  }

  Type elementType() {
    if (spec.dtype() == "bf16")
      return b.getBF16Type();
    if (spec.dtype() == "f64")
      return b.getF64Type();
    return b.getF32Type();
  }

  /// A spec field's location, named after what it built.
  Location at(StringRef path, StringRef what = "") {
    ::loom::spec::SourceLocation l = parsed.locate(path.str());
    Location fileLoc = FileLineColLoc::get(&ctx, l.file, l.line, l.column);
    return what.empty() ? fileLoc : Location(NameLoc::get(b.getStringAttr(what), fileLoc));
  }

  RankedTensorType paramType(const ::loom::spec::ParameterInfo &p) {
    return RankedTensorType::get(p.shape, g.elementType());
  }

  /// Argument attributes of a parameter: its checkpoint name, init and frozen mark.
  DictionaryAttr paramAttrs(const ::loom::spec::ParameterInfo &p) {
    SmallVector<NamedAttribute> attrs{b.getNamedAttr("loom.param", b.getStringAttr(p.name))};
    const char *init = p.init == ::loom::spec::ParameterRule::NORMAL  ? "normal"
                       : p.init == ::loom::spec::ParameterRule::ZEROS ? "zeros"
                                                                     : "ones";
    attrs.push_back(b.getNamedAttr("loom.init", b.getStringAttr(init)));
    if (p.init == ::loom::spec::ParameterRule::NORMAL)
      attrs.push_back(b.getNamedAttr("loom.init_std", b.getF64FloatAttr(p.std)));
    if (p.frozen)
      attrs.push_back(b.getNamedAttr("loom.frozen", b.getUnitAttr()));
    return b.getDictionaryAttr(attrs);
  }

  /// A public entry point taking every parameter, then `extra` arguments.
  func::FuncOp entry(StringRef name, ArrayRef<Type> extra, ArrayRef<StringRef> extraNames,
                     ArrayRef<Type> results) {
    SmallVector<Type> inputs;
    for (const auto &p : params)
      inputs.push_back(paramType(p));
    inputs.append(extra.begin(), extra.end());
    auto fn = func::FuncOp::create(b, at("name", name), name, b.getFunctionType(inputs, results));
    for (auto [i, p] : llvm::enumerate(params))
      fn.setArgAttrs(i, paramAttrs(p));
    for (auto [i, n] : llvm::enumerate(extraNames))
      fn.setArgAttr(params.size() + i, "loom.input", b.getStringAttr(n));
    b.setInsertionPointToStart(fn.addEntryBlock());
    return fn;
  }

  Value param(func::FuncOp fn, StringRef name) {
    return fn.getArgument(paramIndex.lookup(name));
  }

  SmallVector<Value> layerWeights(func::FuncOp fn, int64_t layer) {
    SmallVector<Value> w;
    for (const char *suffix : kLayerWeightSuffixes)
      w.push_back(param(fn, ("model.layers." + std::to_string(layer) + "." + suffix)));
    return w;
  }

  SmallVector<Type> layerWeightTypes() {
    SmallVector<Type> types;
    for (const char *suffix : kLayerWeightSuffixes)
      types.push_back(paramType(params[paramIndex.lookup(std::string("model.layers.0.") + suffix)]));
    return types;
  }

  RankedTensorType hiddenType(int64_t len) { return g.tensor({batch, len, t.dim()}); }
  RankedTensorType kvType(int64_t len) {
    return g.tensor({batch, len, t.num_kv_heads(), attention.headDim});
  }

  /// The normed input's rotated queries and new keys and values; `w` are the
  /// layer's weights in kLayerWeightSuffixes order.
  std::pair<Value, KeysValues> attentionInputs(const AttentionShape &shape, Value x, Value pos,
                                               ValueRange w) {
    AttentionWeights aw{w[1], w[2], w[3], w[4]};
    g.setLoc(at("transformer.norm_eps", "attention_norm"));
    Value n = rmsNorm(g, x, w[0], t.norm_eps());
    g.setLoc(at("transformer.num_heads", "attention"));
    return {projectQueries(g, shape, aw, n, pos), projectKeysValues(g, shape, aw, n, pos)};
  }

  /// The rest of a layer after attention: residual, norm, SwiGLU, residual.
  Value feedForwardHalf(Value x, Value attentionOut, ValueRange w) {
    Value h = g.add(x, attentionOut);
    g.setLoc(at("transformer.norm_eps", "ffn_norm"));
    Value m = rmsNorm(g, h, w[5], t.norm_eps());
    g.setLoc(at("transformer.ffn_hidden", "ffn"));
    return g.add(h, swiglu(g, m, w[6], w[7], w[8]));
  }

  /// @layer(x, positions, lo, hi, weights...) -> (y, keys, values)
  void buildLayer() {
    OpBuilder::InsertionGuard guard(b);
    SmallVector<Type> inputs{hiddenType(length), g.i64Tensor({batch, length}),
                             g.i64Tensor({batch, length}), g.i64Tensor({batch, length})};
    inputs.append(layerWeightTypes());
    auto fn = func::FuncOp::create(b, at("transformer", "layer"), "layer",
                                   b.getFunctionType(inputs, {hiddenType(length), kvType(length),
                                                              kvType(length)}));
    fn.setPrivate();
    b.setInsertionPointToStart(fn.addEntryBlock());
    auto args = fn.getArguments();
    Value x = args[0], pos = args[1], lo = args[2], hi = args[3];
    auto w = args.drop_front(4);
    AttentionWeights aw{w[1], w[2], w[3], w[4]};

    auto [q, kv] = attentionInputs(attention, x, pos, w);
    Value y = feedForwardHalf(x, attend(g, attention, aw, q, pos, kv, pos, lo, hi), w);
    func::ReturnOp::create(b, g.loc(), ValueRange{y, kv.keys, kv.values});
  }

  /// @layer_decode(x, position, k_cache, v_cache, slot_positions, lo, hi, weights...)
  ///     -> (y, k_cache, v_cache)
  void buildLayerDecode() {
    OpBuilder::InsertionGuard guard(b);
    AttentionShape one = attention;
    one.length = 1;
    SmallVector<Type> inputs{hiddenType(1), g.i64Tensor({batch, 1}), kvType(slots), kvType(slots),
                             g.i64Tensor({batch, slots}), g.i64Tensor({batch, slots}),
                             g.i64Tensor({batch, slots})};
    inputs.append(layerWeightTypes());
    auto fn = func::FuncOp::create(
        b, at("transformer", "layer_decode"), "layer_decode",
        b.getFunctionType(inputs, {hiddenType(1), kvType(slots), kvType(slots)}));
    fn.setPrivate();
    b.setInsertionPointToStart(fn.addEntryBlock());
    auto args = fn.getArguments();
    Value x = args[0], pos = args[1], kCache = args[2], vCache = args[3], slotPos = args[4],
          lo = args[5], hi = args[6];
    auto w = args.drop_front(7);
    AttentionWeights aw{w[1], w[2], w[3], w[4]};

    auto [q, kv] = attentionInputs(one, x, pos, w);
    g.setLoc(at("shape.max_decode_length", "kv_cache"));
    KeysValues cache{writeCacheSlot(g, kCache, kv.keys, pos),
                     writeCacheSlot(g, vCache, kv.values, pos)};
    g.setLoc(at("transformer.num_heads", "attention"));
    Value y = feedForwardHalf(x, attend(g, one, aw, q, pos, cache, slotPos, lo, hi), w);
    func::ReturnOp::create(b, g.loc(), ValueRange{y, cache.keys, cache.values});
  }

  /// Embedding, then the layers, then the final norm and the LM head.
  /// Returns the logits and each layer's keys and values.
  std::pair<Value, SmallVector<Value>> trunk(func::FuncOp fn, Value tokens) {
    g.setLoc(at("vocabulary", "embed_tokens"));
    Value x = g.gather(param(fn, "model.embed_tokens.weight"), tokens);
    g.setLoc(at("shape.sequence", "positions"));
    Value pos = g.iota({batch, length}, 1);
    auto [lo, hi] = causalIntervals(g, pos);
    SmallVector<Value> keysValues;
    for (int64_t i = 0; i < t.num_layers(); ++i) {
      SmallVector<Value> operands{x, pos, lo, hi};
      operands.append(layerWeights(fn, i));
      auto call = func::CallOp::create(b, at("transformer.num_layers", "layer"), "layer",
                                       TypeRange{hiddenType(length), kvType(length), kvType(length)},
                                       operands);
      x = call.getResult(0);
      keysValues.push_back(call.getResult(1));
      keysValues.push_back(call.getResult(2));
    }
    return {head(fn, x), keysValues};
  }

  Value head(func::FuncOp fn, Value x) {
    g.setLoc(at("transformer.norm_eps", "norm"));
    Value n = rmsNorm(g, x, param(fn, "model.norm.weight"), t.norm_eps());
    g.setLoc(at("transformer.tie_embeddings", "lm_head"));
    return g.linear(n, param(fn, t.tie_embeddings() ? "model.embed_tokens.weight"
                                                    : "lm_head.weight"));
  }

  void buildForward() {
    OpBuilder::InsertionGuard guard(b);
    auto logitsType = g.tensor({batch, length, vocab});
    auto fn = entry("forward", {g.i64Tensor({batch, length})}, {"tokens"}, {logitsType});
    Value logits = trunk(fn, fn.getArguments().back()).first;
    func::ReturnOp::create(b, g.loc(), logits);
  }

  void buildLoss() {
    OpBuilder::InsertionGuard guard(b);
    Type f32 = g.accType();
    auto fn = entry("loss", {g.i64Tensor({batch, length}), g.i64Tensor({batch, length})},
                    {"tokens", "targets"}, {RankedTensorType::get({}, f32)});
    auto args = fn.getArguments();
    Value logits = trunk(fn, args[args.size() - 2]).first;
    Value targets = args.back();
    // Mean cross entropy over the targets that are not ignored, in f32.
    g.setLoc(at("vocabulary", "loss"));
    int64_t tokens = batch * length;
    Value flatLogits = g.cast(g.reshape(logits, {tokens, vocab}), f32);
    Value flatTargets = g.reshape(targets, {tokens});
    Value perToken = CrossEntropyOp::create(b, g.loc(), flatLogits, flatTargets, Value(), f32,
                                            kIgnoreIndex);
    Value total = g.reduce(ReduceKind::sum, perToken, {0});
    Value kept = g.compare(ComparePredicate::ne, flatTargets, g.splatI64({tokens}, kIgnoreIndex));
    Value count = g.reduce(ReduceKind::sum, g.cast(kept, f32), {0});
    GraphBuilder f(b, f32);
    f.setLoc(g.loc());
    Value safeCount = f.binary(BinaryKind::max, count, f.splat({}, 1.0));
    func::ReturnOp::create(b, g.loc(), f.binary(BinaryKind::div, total, safeCount));
  }

  SmallVector<Type> cacheTypes() {
    return SmallVector<Type>(2 * t.num_layers(), kvType(slots));
  }

  void buildPrefill() {
    OpBuilder::InsertionGuard guard(b);
    SmallVector<Type> results{g.tensor({batch, length, vocab})};
    results.append(cacheTypes());
    auto fn = entry("prefill", {g.i64Tensor({batch, length})}, {"tokens"}, results);
    auto [logits, keysValues] = trunk(fn, fn.getArguments().back());
    g.setLoc(at("shape.max_decode_length", "kv_cache"));
    SmallVector<Value> out{logits};
    for (Value kv : keysValues) {
      if (slots == length) {
        out.push_back(kv);
        continue;
      }
      Value empty = g.splat({batch, slots - length, t.num_kv_heads(), attention.headDim}, 0.0);
      out.push_back(g.concat({kv, empty}, 1));
    }
    func::ReturnOp::create(b, g.loc(), out);
  }

  void buildDecodeStep() {
    OpBuilder::InsertionGuard guard(b);
    SmallVector<Type> extra = cacheTypes();
    SmallVector<std::string> names;
    for (int64_t i = 0; i < t.num_layers(); ++i) {
      names.push_back("k_cache." + std::to_string(i));
      names.push_back("v_cache." + std::to_string(i));
    }
    names.push_back("token");
    names.push_back("position");
    extra.push_back(g.i64Tensor({batch, 1}));
    extra.push_back(g.i64Tensor({batch, 1}));
    SmallVector<StringRef> nameRefs(names.begin(), names.end());
    SmallVector<Type> results{g.tensor({batch, 1, vocab})};
    results.append(cacheTypes());
    auto fn = entry("decode_step", extra, nameRefs, results);
    auto args = fn.getArguments();
    Value token = args[args.size() - 2], position = args.back();
    auto caches = args.slice(params.size(), 2 * t.num_layers());

    g.setLoc(at("vocabulary", "embed_tokens"));
    Value x = g.gather(param(fn, "model.embed_tokens.weight"), token);
    // Slot t holds the key at position t; it is visible to queries at
    // positions [t, +inf), so slots not written yet (t > position) are masked.
    g.setLoc(at("shape.max_decode_length", "kv_cache"));
    Value slotPos = g.iota({batch, slots}, 1);
    auto [lo, hi] = causalIntervals(g, slotPos);
    SmallVector<Value> out{Value()};
    for (int64_t i = 0; i < t.num_layers(); ++i) {
      SmallVector<Value> operands{x, position, caches[2 * i], caches[2 * i + 1], slotPos, lo, hi};
      operands.append(layerWeights(fn, i));
      auto call = func::CallOp::create(
          b, at("transformer.num_layers", "layer_decode"), "layer_decode",
          TypeRange{hiddenType(1), kvType(slots), kvType(slots)}, operands);
      x = call.getResult(0);
      out.push_back(call.getResult(1));
      out.push_back(call.getResult(2));
    }
    out[0] = head(fn, x);
    func::ReturnOp::create(b, g.loc(), out);
  }

  MLIRContext &ctx;
  const ParsedModelSpec &parsed;
  const ::loom::spec::ModelSpec &spec;
  const ::loom::spec::Transformer &t;
  OpBuilder b;
  GraphBuilder g;
  std::vector<::loom::spec::ParameterInfo> params;
  llvm::StringMap<unsigned> paramIndex;
  int64_t batch, length, slots, vocab;
  AttentionShape attention;
};

} // namespace

OwningOpRef<ModuleOp> buildLlamaModule(MLIRContext &context, const ParsedModelSpec &spec) {
  context.loadDialect<LoomDialect, func::FuncDialect>();
  return LlamaModuleBuilder(context, spec).build();
}
} // namespace loom::models
