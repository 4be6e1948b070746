//===- PlanMemory.cpp - loom-plan-memory: functions become command plans ---===//
//
// Each public function is walked once in order: every tensor value gets a
// place (a fixed place in a parameter/gradient/moment arena, an alias of
// another value's buffer, or a planned buffer in the activations arena with
// a live range), MemoryPlanner lays the planned buffers out, and the ops are
// transcribed into loomrt commands over views of those places.
//
//===----------------------------------------------------------------------===//

#include "passes/Autodiff/ParameterTable.h"
#include "passes/Plan/MemoryPlanner.h"
#include "passes/Plan/Passes.h"
#include "passes/Plan/PlanClassify.h"

#include "dialects/loom/IR/LoomOps.h"

#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringMap.h"

#include <cmath>
#include <map>

namespace mlir::loom {
#define GEN_PASS_DEF_LOOMPLANMEMORYPASS
#include "passes/Plan/Passes.h.inc"
} // namespace mlir::loom

using namespace mlir;
using namespace mlir::loom;

namespace {

constexpr int64_t kAlignment = 64;
constexpr const char kActivations[] = "activations";

int64_t alignUp(int64_t x) { return (x + kAlignment - 1) / kAlignment * kAlignment; }
int64_t bytesOf(Type t) { return loomrt::bufferBytes(cast<ShapedType>(t)); }

/// Where a value's bytes are: a fixed arena offset, or an offset into a
/// planned buffer (resolved once the planner has run).
struct Place {
  std::string arena; // empty: planned buffer `buffer`
  int64_t buffer = -1;
  int64_t offset = 0;
};

/// One row of the parameter table.
struct ParamSlot {
  std::string name, arena;
  int64_t offset = 0; // bytes
  RankedTensorType type;
  std::string init;
  std::optional<double> std;
};

/// The module-level memory: arenas with kinds and sizes, and parameters.
struct ModuleLayout {
  llvm::MapVector<StringRef, std::pair<loomrt::ArenaKind, int64_t>> arenas;
  std::vector<ParamSlot> params;
  llvm::StringMap<size_t> paramIndex;
  int64_t activationBytes = 0;
};

std::optional<loomrt::ArenaKind> arenaKind(StringRef name) {
  return llvm::StringSwitch<std::optional<loomrt::ArenaKind>>(name)
      .Case("params", loomrt::ArenaKind::parameters)
      .Case("frozen", loomrt::ArenaKind::frozen)
      .Case("grads", loomrt::ArenaKind::gradients)
      .Case("adam_m", loomrt::ArenaKind::optimizer)
      .Case("adam_v", loomrt::ArenaKind::optimizer)
      .Default(std::nullopt);
}

class Planner {
public:
  explicit Planner(ModuleOp module) : module(module), b(module.getContext()) {}

  LogicalResult run() {
    if (failed(collectParameters()) || failed(collectArenas()))
      return failure();
    SmallVector<func::FuncOp> fns;
    for (auto fn : module.getOps<func::FuncOp>())
      if (!fn.isPrivate())
        fns.push_back(fn);
    SmallVector<loomrt::EntryOp> entries;
    for (func::FuncOp fn : fns) {
      FailureOr<loomrt::EntryOp> entry = planFunction(fn);
      if (failed(entry))
        return failure();
      entries.push_back(*entry);
    }
    for (auto fn : llvm::to_vector(module.getOps<func::FuncOp>()))
      fn.erase();
    emitModuleOps();
    return success();
  }

private:
  ModuleOp module;
  OpBuilder b;
  ModuleLayout layout;

  // Per function.
  llvm::DenseMap<Value, Place> places;
  std::vector<PlannedBuffer> buffers;
  llvm::DenseMap<Operation *, int64_t> opPos;
  std::map<std::tuple<std::string, int64_t, const void *>, Value> views;
  loomrt::EntryOp entry;

  //===--------------------------------------------------------------------===//
  // The module's arenas and parameters
  //===--------------------------------------------------------------------===//

  /// Element types of parameters, from the arguments that carry them.
  void paramTypes(llvm::StringMap<RankedTensorType> &types) {
    for (auto fn : module.getOps<func::FuncOp>())
      for (unsigned i = 0; i < fn.getNumArguments(); ++i)
        if (auto name = fn.getArgAttrOfType<StringAttr>(i, "loom.param"))
          types[name.getValue()] = cast<RankedTensorType>(fn.getArgumentTypes()[i]);
  }

  LogicalResult collectParameters() {
    llvm::StringMap<RankedTensorType> types;
    paramTypes(types);
    Type arenaElement;
    for (auto fn : module.getOps<func::FuncOp>())
      for (unsigned i = 0; i < fn.getNumArguments(); ++i)
        if (auto a = fn.getArgAttrOfType<StringAttr>(i, "loom.arena"); a && a == "params")
          arenaElement = cast<ShapedType>(fn.getArgumentTypes()[i]).getElementType();
    std::string error;
    auto table = readParameterTable(module, error);
    if (failed(table))
      return module.emitError() << "loom-plan-memory: " << error;
    if (!*table)
      return layoutUnpackedParameters(types);
    // One dtype per arena (loom-pack-arenas): a parameter no function names
    // takes its arena's.
    llvm::StringMap<Type> arenaElements;
    if (arenaElement)
      arenaElements["params"] = arenaElement;
    for (const ParameterTableRow &row : **table)
      if (types.count(row.name))
        arenaElements[row.arena] = types[row.name].getElementType();
    for (const ParameterTableRow &row : **table) {
      Type element = types.count(row.name) ? types[row.name].getElementType()
                                           : arenaElements.lookup(row.arena);
      if (!element)
        return module.emitError() << "loom-plan-memory: no element type for parameter '"
                                  << row.name << "'";
      auto type = RankedTensorType::get(row.shape, element);
      if (types.count(row.name) && types[row.name] != type)
        return module.emitError() << "loom-plan-memory: parameter '" << row.name << "' is "
                                  << types[row.name] << " in a function but " << type
                                  << " in loom.parameter_table";
      ParamSlot slot{row.name, row.arena, row.offset * loomrt::elementBytes(element), type, "",
                     std::nullopt};
      if (failed(readInit(slot, row.init, row.initStd)))
        return failure();
      addParam(std::move(slot));
    }
    return success();
  }

  /// Without a parameter table (no training block): one "params" arena with
  /// the parameters in order of first appearance, 64-byte aligned.
  LogicalResult layoutUnpackedParameters(llvm::StringMap<RankedTensorType> &types) {
    int64_t at = 0;
    for (auto fn : module.getOps<func::FuncOp>())
      for (unsigned i = 0; i < fn.getNumArguments(); ++i) {
        auto name = fn.getArgAttrOfType<StringAttr>(i, "loom.param");
        if (!name || layout.paramIndex.count(name.getValue()))
          continue;
        RankedTensorType type = types[name.getValue()];
        ParamSlot slot{name.str(), "params", at, type, "", std::nullopt};
        auto init = fn.getArgAttrOfType<StringAttr>(i, "loom.init");
        auto std = fn.getArgAttrOfType<FloatAttr>(i, "loom.init_std");
        if (failed(readInit(slot, init ? std::optional<std::string>(init.str()) : std::nullopt,
                            std ? std::optional<double>(std.getValueAsDouble()) : std::nullopt)))
          return failure();
        at = alignUp(at + bytesOf(type));
        addParam(std::move(slot));
      }
    return success();
  }

  LogicalResult readInit(ParamSlot &slot, const std::optional<std::string> &init,
                         std::optional<double> std) {
    if (!init || (*init != "normal" && *init != "ones" && *init != "zeros"))
      return module.emitError() << "loom-plan-memory: parameter '" << slot.name
                                << "' needs loom.init normal, ones or zeros";
    slot.init = *init;
    if (slot.init == "normal") {
      if (!std)
        return module.emitError() << "loom-plan-memory: parameter '" << slot.name
                                  << "' has init normal but no init_std";
      slot.std = std;
    }
    return success();
  }

  void addParam(ParamSlot slot) {
    layout.paramIndex[slot.name] = layout.params.size();
    layout.params.push_back(std::move(slot));
  }

  LogicalResult addArena(StringRef name, int64_t bytes, Location loc) {
    std::optional<loomrt::ArenaKind> kind = arenaKind(name);
    if (!kind)
      return emitError(loc) << "loom-plan-memory: unknown arena '" << name
                            << "' (params, frozen, grads, adam_m, adam_v)";
    auto &slot = layout.arenas[b.getStringAttr(name).getValue()];
    slot = {*kind, std::max(slot.second, bytes)};
    return success();
  }

  LogicalResult collectArenas() {
    for (const ParamSlot &p : layout.params)
      if (failed(addArena(p.arena, p.offset + bytesOf(p.type), module.getLoc())))
        return failure();
    for (auto fn : module.getOps<func::FuncOp>())
      for (unsigned i = 0; i < fn.getNumArguments(); ++i)
        if (auto a = fn.getArgAttrOfType<StringAttr>(i, "loom.arena"))
          if (failed(addArena(a.getValue(), bytesOf(fn.getArgumentTypes()[i]), fn.getLoc())))
            return failure();
    return success();
  }

  void emitModuleOps() {
    OpBuilder at = OpBuilder::atBlockBegin(module.getBody());
    Location loc = module.getLoc();
    for (auto &[name, kindSize] : layout.arenas)
      loomrt::ArenaOp::create(at, loc, name, kindSize.first, kindSize.second, kAlignment);
    loomrt::ArenaOp::create(at, loc, kActivations, loomrt::ArenaKind::activations,
                            layout.activationBytes, kAlignment);
    for (const ParamSlot &p : layout.params) {
      auto init = llvm::StringSwitch<loomrt::InitKind>(p.init)
                      .Case("normal", loomrt::InitKind::normal)
                      .Case("ones", loomrt::InitKind::ones)
                      .Default(loomrt::InitKind::zeros);
      loomrt::ParameterOp::create(
          at, loc, at.getStringAttr(p.name), FlatSymbolRefAttr::get(at.getContext(), p.arena),
          at.getI64IntegerAttr(p.offset), TypeAttr::get(p.type),
          loomrt::InitKindAttr::get(at.getContext(), init),
          p.std ? at.getF64FloatAttr(*p.std) : FloatAttr(),
          p.arena == "frozen" ? at.getUnitAttr() : UnitAttr());
    }
  }

  //===--------------------------------------------------------------------===//
  // One function
  //===--------------------------------------------------------------------===//

  int64_t newBuffer(Value v, int64_t first) {
    buffers.push_back({bytesOf(v.getType()), first, first, -1});
    return static_cast<int64_t>(buffers.size()) - 1;
  }

  void touch(Value v, int64_t pos) {
    const Place &p = places[v];
    if (p.arena.empty())
      buffers[p.buffer].last = std::max(buffers[p.buffer].last, pos);
  }

  /// The value a view chain starts from.
  static Value root(Value v) {
    while (Operation *def = v.getDefiningOp())
      if (classify(def) == OpPlacement::View)
        v = def->getOperand(0);
      else
        break;
    return v;
  }

  /// The results that can be computed straight into their arena: for each
  /// result marked loom.arena = X, the argument marked X (and every view of
  /// it) is last read before the op that defines the result.
  llvm::DenseMap<Value, std::string> inPlaceResults(func::FuncOp fn, Block &body) {
    llvm::DenseMap<Value, int64_t> lastRead; // by root
    for (Operation &op : body)
      for (Value v : op.getOperands())
        lastRead[root(v)] = std::max(lastRead.lookup(root(v)), opPos[&op]);
    llvm::DenseMap<Value, std::string> pinned;
    auto ret = cast<func::ReturnOp>(body.getTerminator());
    for (auto [i, v] : llvm::enumerate(ret.getOperands())) {
      auto arena = fn.getResultAttrOfType<StringAttr>(i, "loom.arena");
      Operation *def = v.getDefiningOp();
      if (!arena || !def || pinned.count(v) ||
          llvm::is_contained({OpPlacement::View, OpPlacement::Fill}, classify(def)))
        continue;
      if (llvm::count(ret.getOperands(), v) != 1)
        continue;
      std::optional<unsigned> arg;
      for (unsigned a = 0; a < fn.getNumArguments(); ++a)
        if (fn.getArgAttrOfType<StringAttr>(a, "loom.arena") == arena)
          arg = a;
      if (arg && lastRead.lookup(fn.getArgument(*arg)) < opPos[def])
        pinned[v] = arena.str();
    }
    return pinned;
  }

  FailureOr<loomrt::EntryOp> planFunction(func::FuncOp fn) {
    places.clear();
    buffers.clear();
    views.clear();
    if (!fn.getFunctionBody().hasOneBlock())
      return fn.emitError() << "loom-plan-memory: @" << fn.getSymName()
                            << " must be one block (inline and canonicalize first)";
    Block &body = fn.getFunctionBody().front();
    // Positions: arguments at 0, the k-th op at k + 1; `end` is after the
    // return, where outputs are read.
    opPos.clear();
    int64_t pos = 0;
    for (Operation &op : body)
      opPos[&op] = ++pos;
    const int64_t end = pos + 1;

    // Arguments.
    SmallVector<std::pair<std::string, Value>> inputs;
    for (BlockArgument arg : fn.getArguments()) {
      unsigned i = arg.getArgNumber();
      if (!isa<RankedTensorType>(arg.getType()) ||
          !cast<ShapedType>(arg.getType()).hasStaticShape())
        return fn.emitError() << "loom-plan-memory: argument " << i << " of @"
                              << fn.getSymName() << " is not a static tensor";
      if (auto name = fn.getArgAttrOfType<StringAttr>(i, "loom.param")) {
        auto found = layout.paramIndex.find(name.getValue());
        if (found == layout.paramIndex.end() || layout.params[found->second].type != arg.getType())
          return fn.emitError() << "loom-plan-memory: argument " << i << " of @"
                                << fn.getSymName() << " is parameter '" << name.getValue()
                                << "', which the parameter table lacks or types differently";
        const ParamSlot &p = layout.params[found->second];
        places[arg] = Place{p.arena, -1, p.offset};
      } else if (auto arena = fn.getArgAttrOfType<StringAttr>(i, "loom.arena")) {
        places[arg] = Place{arena.str(), -1, 0};
      } else {
        places[arg] = Place{"", newBuffer(arg, 0), 0};
        auto name = fn.getArgAttrOfType<StringAttr>(i, "loom.input");
        inputs.push_back({name ? name.str() : ("arg" + Twine(i)).str(), arg});
      }
    }

    // Values.
    llvm::DenseMap<Value, std::string> pinned = inPlaceResults(fn, body);
    for (Operation &op : body) {
      int64_t at = opPos[&op];
      OpPlacement kind = classify(&op);
      if (kind == OpPlacement::Kernel)
        return op.emitError() << "loom-plan-memory: op is not planned: it should be a kernel "
                                 "(run loom-form-dispatches first)";
      for (Value v : op.getOperands())
        touch(v, at);
      if (kind == OpPlacement::Return) {
        for (Value v : op.getOperands())
          touch(v, end);
        continue;
      }
      for (Value r : op.getResults()) {
        if (!cast<ShapedType>(r.getType()).hasStaticShape())
          return op.emitError() << "loom-plan-memory: result is not static";
        if (kind == OpPlacement::View) {
          Place p = places[op.getOperand(0)];
          p.offset += viewByteOffset(&op);
          places[r] = p;
        } else if (auto it = pinned.find(r); it != pinned.end()) {
          places[r] = Place{it->second, -1, 0};
        } else {
          places[r] = Place{"", newBuffer(r, at), 0};
        }
      }
    }

    MemoryPlanStats stats = planOffsets(buffers, kAlignment);
    layout.activationBytes = std::max(layout.activationBytes, stats.peakBytes);

    OpBuilder at = OpBuilder::atBlockEnd(module.getBody());
    entry = loomrt::EntryOp::create(at, fn.getLoc(), fn.getSymName());
    entry->setAttr("loom.peak_bytes", b.getI64IntegerAttr(stats.peakBytes));
    entry->setAttr("loom.tensor_bytes", b.getI64IntegerAttr(stats.tensorBytes));
    entry->setAttr("loom.live_bytes", b.getI64IntegerAttr(stats.liveBound));
    b.setInsertionPointToEnd(&entry.getBody().front());
    for (auto &[name, v] : inputs)
      loomrt::InputOp::create(b, fn.getLoc(), name, view(v, fn.getLoc()));
    for (Operation &op : body)
      if (failed(emit(op, fn)))
        return failure();
    return entry;
  }

  //===--------------------------------------------------------------------===//
  // Commands
  //===--------------------------------------------------------------------===//

  /// A view of `v`'s place (plus `extra` bytes) typed `type` (default: v's).
  Value view(Value v, Location loc, Type type = {}, int64_t extra = 0) {
    const Place &p = places[v];
    std::string arena = p.arena.empty() ? kActivations : p.arena;
    int64_t offset = p.offset + extra + (p.arena.empty() ? buffers[p.buffer].offset : 0);
    return viewAt(arena, offset, cast<ShapedType>(type ? type : v.getType()), loc);
  }

  /// The view of `arena` at `offset` typed like `shaped`; one op per place
  /// and type, at the top of the plan.
  Value viewAt(StringRef arena, int64_t offset, ShapedType shaped, Location loc) {
    auto memref = MemRefType::get(shaped.getShape(), shaped.getElementType());
    auto key = std::make_tuple(arena.str(), offset, memref.getAsOpaquePointer());
    if (auto found = views.find(key); found != views.end())
      return found->second;
    OpBuilder at = OpBuilder::atBlockBegin(&entry.getBody().front());
    Value created =
        loomrt::ViewOp::create(at, loc, memref, FlatSymbolRefAttr::get(b.getContext(), arena),
                               b.getI64IntegerAttr(offset));
    views[key] = created;
    return created;
  }

  LogicalResult emit(Operation &op, func::FuncOp fn) {
    Location loc = op.getLoc();
    switch (classify(&op)) {
    case OpPlacement::View:
      return success();
    case OpPlacement::Dispatch: {
      auto dispatch = cast<loomrt::DispatchOp>(op);
      SmallVector<Value> args;
      for (Value v : dispatch.getOperands())
        args.push_back(view(v, loc));
      for (Value v : dispatch.getResults())
        args.push_back(view(v, loc));
      // The kernel's grid (loom-kernel-strategy), else one workgroup.
      auto kernel = SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(dispatch,
                                                                       dispatch.getKernel());
      auto grid = kernel ? kernel->getAttrOfType<DenseI64ArrayAttr>("loom.workgroups") : nullptr;
      loomrt::LaunchOp::create(b, loc, dispatch.getKernel(),
                               grid ? grid : b.getDenseI64ArrayAttr({1, 1, 1}), args);
      return success();
    }
    case OpPlacement::Gemm:
      return emitGemm(op);
    case OpPlacement::Attention:
      return emitAttention(op);
    case OpPlacement::Fill: {
      auto dense = dyn_cast<DenseElementsAttr>(cast<ConstantOp>(op).getValue());
      if (!dense)
        return op.emitError() << "loom-plan-memory: a splat constant must be dense";
      loomrt::FillOp::create(b, loc, view(op.getResult(0), loc),
                             dense.getSplatValue<Attribute>());
      return success();
    }
    case OpPlacement::Return:
      return emitReturn(cast<func::ReturnOp>(op), fn);
    case OpPlacement::Kernel:
      break;
    }
    return op.emitError() << "loom-plan-memory: op is not planned";
  }

  /// Row-major 2-D f32 matrices of a contraction, one GEMM per batch.
  LogicalResult emitGemm(Operation &op) {
    Location loc = op.getLoc();
    Type f32 = b.getF32Type();
    auto matrix = [&](int64_t rows, int64_t cols) { return RankedTensorType::get({rows, cols}, f32); };
    if (auto linear = dyn_cast<LinearOp>(op)) {
      auto in = cast<ShapedType>(linear.getInput().getType());
      auto w = cast<ShapedType>(linear.getWeight().getType());
      int64_t k = in.getShape().back(), n = w.getDimSize(0), rows = in.getNumElements() / k;
      // A bias is here only where classify() found the library's epilogue.
      Value bias = linear.getBias() ? view(linear.getBias(), loc) : Value();
      loomrt::GemmOp::create(b, loc, view(linear.getInput(), loc, matrix(rows, k)),
                             view(linear.getWeight(), loc, matrix(n, k)),
                             view(linear.getResult(), loc, matrix(rows, n)), bias,
                             /*trans_a=*/UnitAttr(), /*trans_b=*/b.getUnitAttr(),
                             b.getF32FloatAttr(1.0f),
                             b.getF32FloatAttr(0.0f));
      return success();
    }
    auto matmul = cast<MatmulOp>(op);
    auto lhs = cast<ShapedType>(matmul.getLhs().getType());
    auto rhs = cast<ShapedType>(matmul.getRhs().getType());
    auto res = cast<ShapedType>(matmul.getResult().getType());
    int64_t rank = res.getRank();
    int64_t batch = 1;
    for (int64_t d = 0; d + 2 < rank; ++d)
      batch *= res.getDimSize(d);
    auto last2 = [&](ShapedType t) { return matrix(t.getDimSize(rank - 2), t.getDimSize(rank - 1)); };
    for (int64_t i = 0; i < batch; ++i)
      loomrt::GemmOp::create(
          b, loc, view(matmul.getLhs(), loc, last2(lhs), i * bytesOf(last2(lhs))),
          view(matmul.getRhs(), loc, last2(rhs), i * bytesOf(last2(rhs))),
          view(matmul.getResult(), loc, last2(res), i * bytesOf(last2(res))), /*bias=*/Value(),
          matmul.getTransposeLhsAttr(), matmul.getTransposeRhsAttr(), b.getF32FloatAttr(1.0f),
          b.getF32FloatAttr(0.0f));
    return success();
  }

  /// The scale the loom op states, else 1/sqrt(head dim), as the interpreter.
  template <typename OpT>
  FloatAttr attentionScale(OpT op) {
    int64_t d = cast<ShapedType>(op.getQuery().getType()).getShape().back();
    std::optional<APFloat> scale = op.getScale();
    double s = scale ? scale->convertToDouble() : 1.0 / std::sqrt(static_cast<double>(d));
    return b.getF32FloatAttr(static_cast<float>(s));
  }

  LogicalResult emitAttention(Operation &op) {
    Location loc = op.getLoc();
    if (auto a = dyn_cast<AttentionOp>(op)) {
      loomrt::AttentionOp::create(
          b, loc, view(a.getQuery(), loc), view(a.getKey(), loc), view(a.getValue(), loc),
          view(a.getQueryPositions(), loc), view(a.getVisibleLo(), loc),
          view(a.getVisibleHi(), loc), view(op.getResult(0), loc), view(op.getResult(1), loc),
          attentionScale(a));
      return success();
    }
    auto g = cast<AttentionGradOp>(op);
    loomrt::AttentionGradOp::create(
        b, loc, view(g.getQuery(), loc), view(g.getKey(), loc), view(g.getValue(), loc),
        view(g.getOutput(), loc), view(g.getLogsumexp(), loc), view(g.getOutputGrad(), loc),
        view(g.getQueryPositions(), loc), view(g.getVisibleLo(), loc),
        view(g.getVisibleHi(), loc), view(op.getResult(0), loc), view(op.getResult(1), loc),
        view(op.getResult(2), loc), attentionScale(g));
    return success();
  }

  /// Results marked loom.arena go to their arena (copied unless computed
  /// there); the others are outputs, read where they are.
  LogicalResult emitReturn(func::ReturnOp ret, func::FuncOp fn) {
    Location loc = ret.getLoc();
    for (auto [i, v] : llvm::enumerate(ret.getOperands())) {
      if (auto arena = fn.getResultAttrOfType<StringAttr>(i, "loom.arena")) {
        const Place &p = places[v];
        if (p.arena == arena.getValue() && p.offset == 0)
          continue; // computed in place
        Value target = viewAt(arena.getValue(), 0, cast<ShapedType>(v.getType()), loc);
        loomrt::CopyOp::create(b, loc, view(v, loc), target);
        continue;
      }
      auto name = fn.getResultAttrOfType<StringAttr>(i, "loom.output");
      loomrt::OutputOp::create(b, loc, name ? name.str() : ("result" + Twine(i)).str(),
                               view(v, loc));
    }
    return success();
  }
};

struct PlanMemory : mlir::loom::impl::LoomPlanMemoryPassBase<PlanMemory> {
  void runOnOperation() override {
    if (failed(Planner(getOperation()).run()))
      signalPassFailure();
  }
};

} // namespace
