//===- PackArenas.cpp - parameters, gradients and moments in flat arenas --===//

#include "passes/Autodiff/Passes.h"

#include "dialects/loom/IR/LoomOps.h"
#include "passes/Autodiff/AdamW.h"

#include "mlir/IR/SymbolTable.h"

namespace mlir::loom {
#define GEN_PASS_DEF_LOOMPACKARENASPASS
#include "passes/Autodiff/Passes.h.inc"
} // namespace mlir::loom

using namespace mlir;
using namespace mlir::loom;

namespace {

/// One parameter's place in its arena.
struct Slot {
  std::string name;
  std::string arena; // "params" (trained) or "frozen"
  int64_t offset = 0;
  RankedTensorType type;
  unsigned argIndex = 0; // in the per-tensor @grad_step
};

struct Layout {
  SmallVector<Slot> trained, frozen;
  int64_t trainedSize = 0, frozenSize = 0;
  Type element;
};

int64_t count(RankedTensorType t) { return t.getNumElements(); }

/// Trained parameters with rank >= 2 first (the weight-decayed prefix), then
/// the rest; frozen parameters in an arena of their own. Fails on dynamic
/// shapes or mixed element types.
FailureOr<Layout> planLayout(func::FuncOp grad) {
  Layout layout;
  SmallVector<Slot> decayed, plain;
  for (unsigned i = 0; i < grad.getNumArguments(); ++i) {
    auto name = grad.getArgAttrOfType<StringAttr>(i, "loom.param");
    if (!name)
      continue;
    auto type = dyn_cast<RankedTensorType>(grad.getArgumentTypes()[i]);
    if (!type || !type.hasStaticShape() || !isa<FloatType>(type.getElementType()))
      return grad.emitError() << "loom-pack-arenas: parameter '" << name.getValue()
                              << "' is not a static float tensor";
    if (layout.element && layout.element != type.getElementType())
      return grad.emitError() << "loom-pack-arenas: parameters of mixed element types ("
                              << layout.element << " and " << type.getElementType()
                              << ") need one arena per dtype, not built yet";
    layout.element = type.getElementType();
    Slot slot{name.str(), "params", 0, type, i};
    if (grad.getArgAttr(i, "loom.frozen")) {
      slot.arena = "frozen";
      slot.offset = layout.frozenSize;
      layout.frozenSize += count(type);
      layout.frozen.push_back(slot);
    } else {
      (type.getRank() >= 2 ? decayed : plain).push_back(slot);
    }
  }
  for (Slot &s : decayed)
    layout.trained.push_back(s);
  for (Slot &s : plain)
    layout.trained.push_back(s);
  for (Slot &s : layout.trained) {
    s.offset = layout.trainedSize;
    layout.trainedSize += count(s.type);
  }
  if (layout.trained.empty())
    return grad.emitError("loom-pack-arenas: no trained parameter");
  return layout;
}

Value unpack(OpBuilder &b, Location loc, Value arena, const Slot &s) {
  int64_t n = count(s.type);
  Value flat = SliceOp::create(b, loc, arena, ArrayRef<int64_t>{s.offset}, ArrayRef<int64_t>{n},
                               ArrayRef<int64_t>{1});
  if (s.type.getRank() == 1)
    return flat;
  return ReshapeOp::create(b, loc, s.type, flat, ValueRange{});
}

Value pack(OpBuilder &b, Location loc, ValueRange values, Type element) {
  SmallVector<Value> flats;
  for (Value v : values) {
    auto t = cast<RankedTensorType>(v.getType());
    flats.push_back(t.getRank() == 1 ? v
                                     : ReshapeOp::create(b, loc, RankedTensorType::get({count(t)}, element),
                                                         v, ValueRange{}).getResult());
  }
  return flats.size() == 1 ? flats[0] : ConcatOp::create(b, loc, flats, 0).getResult();
}

struct PackArenasPass final : loom::impl::LoomPackArenasPassBase<PackArenasPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto grad = module.lookupSymbol<func::FuncOp>("grad_step");
    auto apply = module.lookupSymbol<func::FuncOp>("apply_step");
    if (!grad || !apply) {
      module.emitError("loom-pack-arenas: needs @grad_step and @apply_step (run loom-autodiff and "
                       "loom-build-apply-step first)");
      return signalPassFailure();
    }
    FailureOr<Layout> layout = planLayout(grad);
    if (failed(layout))
      return signalPassFailure();
    FailureOr<Hyper> hyper = readHyper(module, "loom-pack-arenas");
    if (failed(hyper))
      return signalPassFailure();
    SymbolTable symbols(module);
    if (failed(symbols.rename(grad, "grad_step_tensors")))
      return signalPassFailure();
    grad.setPrivate();
    buildGradStep(module, grad, *layout);
    buildApplyStep(module, apply, *layout, *hyper);
    apply.erase();
    recordTable(module, *layout);
  }

  RankedTensorType arenaType(int64_t n, Type element) {
    return RankedTensorType::get({n}, element);
  }

  /// @grad_step(params, frozen?, inputs..., grads) -> (loss, grads)
  void buildGradStep(ModuleOp module, func::FuncOp inner, const Layout &layout) {
    OpBuilder b(module.getContext());
    b.setInsertionPointAfter(inner);
    Location loc = inner.getLoc();
    Type element = layout.element;
    auto params = arenaType(layout.trainedSize, element);
    SmallVector<Type> inputs{params};
    bool hasFrozen = !layout.frozen.empty();
    if (hasFrozen)
      inputs.push_back(arenaType(layout.frozenSize, element));
    SmallVector<unsigned> dataArgs;
    for (unsigned i = 0; i < inner.getNumArguments(); ++i)
      if (!inner.getArgAttr(i, "loom.param") && !inner.getArgAttr(i, "loom.grad")) {
        dataArgs.push_back(i);
        inputs.push_back(inner.getArgumentTypes()[i]);
      }
    inputs.push_back(params);
    Type lossType = inner.getResultTypes()[0];
    auto fn = func::FuncOp::create(b, loc, "grad_step", b.getFunctionType(inputs, {lossType, params}));
    unsigned next = 0;
    fn.setArgAttr(next++, "loom.arena", b.getStringAttr("params"));
    if (hasFrozen)
      fn.setArgAttr(next++, "loom.arena", b.getStringAttr("frozen"));
    for (unsigned i : dataArgs)
      fn.setArgAttrs(next++, inner.getArgAttrDict(i));
    fn.setArgAttr(next, "loom.arena", b.getStringAttr("grads"));
    // The accumulated gradients are the gradient arena, updated.
    fn.setResultAttr(1, "loom.arena", b.getStringAttr("grads"));
    b.setInsertionPointToStart(fn.addEntryBlock());

    // The per-tensor step's arguments: each parameter unpacked from its arena,
    // data as is, then the accumulators unpacked from the gradient arena.
    SmallVector<Value> operands(inner.getNumArguments());
    Value paramArena = fn.getArgument(0), gradArena = fn.getArguments().back();
    Value frozenArena = hasFrozen ? fn.getArgument(1) : Value();
    for (const Slot &s : layout.trained)
      operands[s.argIndex] = unpack(b, loc, paramArena, s);
    for (const Slot &s : layout.frozen)
      operands[s.argIndex] = unpack(b, loc, frozenArena, s);
    for (auto [k, i] : llvm::enumerate(dataArgs))
      operands[i] = fn.getArgument((hasFrozen ? 2 : 1) + k);
    // Accumulators follow the loss's arguments in the trained parameters' order.
    unsigned firstAcc = inner.getNumArguments() - numTrainedArgs(inner);
    DenseMap<StringRef, unsigned> accOf;
    for (unsigned i = firstAcc; i < inner.getNumArguments(); ++i)
      accOf[inner.getArgAttrOfType<StringAttr>(i, "loom.grad").getValue()] = i;
    for (const Slot &s : layout.trained)
      operands[accOf.lookup(s.name)] = unpack(b, loc, gradArena, s);
    auto call = func::CallOp::create(b, loc, inner, operands);
    // Results: loss, then accumulated gradients in accumulator order.
    SmallVector<Value> ordered;
    for (const Slot &s : layout.trained)
      ordered.push_back(call.getResult(1 + accOf.lookup(s.name) - firstAcc));
    func::ReturnOp::create(b, loc, ValueRange{call.getResult(0), pack(b, loc, ordered, element)});
  }

  unsigned numTrainedArgs(func::FuncOp grad) {
    unsigned n = 0;
    for (unsigned i = 0; i < grad.getNumArguments(); ++i)
      n += grad.getArgAttr(i, "loom.grad") != nullptr;
    return n;
  }

  /// @apply_step(params, grads, m, v, step) -> (params, m, v, norm, skipped),
  /// rebuilt over whole arenas: one elementwise update (plus the norm's
  /// reduction), with weight decay on the arena's decayed prefix.
  void buildApplyStep(ModuleOp module, func::FuncOp perTensor, const Layout &layout,
                      const Hyper &hyper) {
    OpBuilder b(module.getContext());
    b.setInsertionPointAfter(perTensor);
    Location loc = perTensor.getLoc();
    Type element = layout.element;
    auto arena = arenaType(layout.trainedSize, element);
    Type step = perTensor.getArgumentTypes().back();
    auto fn = func::FuncOp::create(
        b, loc, "apply_step",
        b.getFunctionType({arena, arena, arena, arena, step},
                          {arena, arena, arena, perTensor.getResultTypes()[perTensor.getNumResults() - 2],
                           perTensor.getResultTypes().back()}));
    const char *names[] = {"params", "grads", "adam_m", "adam_v"};
    for (int k = 0; k < 4; ++k)
      fn.setArgAttr(k, "loom.arena", b.getStringAttr(names[k]));
    fn.setArgAttr(4, "loom.input", b.getStringAttr("step"));
    // Parameters and moments are updated in their arenas.
    for (int k = 0; k < 3; ++k)
      fn.setResultAttr(k, "loom.arena", b.getStringAttr(names[k == 0 ? 0 : k + 1]));
    b.setInsertionPointToStart(fn.addEntryBlock());
    int64_t decayed = 0;
    for (const Slot &s : layout.trained)
      decayed += s.type.getRank() >= 2 ? count(s.type) : 0;
    AdamSlot all{fn.getArgument(0), fn.getArgument(1), fn.getArgument(2), fn.getArgument(3),
                 decayed};
    AdamResults out = buildAdamW(b, loc, hyper, element, {all}, fn.getArgument(4));
    func::ReturnOp::create(b, loc,
                           ValueRange{out.params[0], out.m[0], out.v[0], out.norm, out.skipped});
  }

  void recordTable(ModuleOp module, const Layout &layout) {
    Builder b(module.getContext());
    auto grad = module.lookupSymbol<func::FuncOp>("grad_step_tensors");
    SmallVector<Attribute> entries;
    for (const SmallVector<Slot> *group : {&layout.trained, &layout.frozen})
      for (const Slot &s : *group) {
        SmallVector<NamedAttribute> fields{
            b.getNamedAttr("name", b.getStringAttr(s.name)),
            b.getNamedAttr("arena", b.getStringAttr(s.arena)),
            b.getNamedAttr("offset", b.getI64IntegerAttr(s.offset)),
            b.getNamedAttr("shape", b.getDenseI64ArrayAttr(s.type.getShape()))};
        for (StringRef key : {"loom.init", "loom.init_std"})
          if (Attribute a = grad.getArgAttr(s.argIndex, key))
            fields.push_back(b.getNamedAttr(key.drop_front(5), a));
        entries.push_back(b.getDictionaryAttr(fields));
      }
    module->setAttr("loom.parameter_table", b.getArrayAttr(entries));
  }
};

} // namespace
