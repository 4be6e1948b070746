//===- FusionPolicy.cpp - the one place fusion decisions are made ----------===//

#include "passes/Fusion/FusionPolicy.h"

#include "dialects/loom/IR/LoomOps.h"

#include "llvm/Support/raw_ostream.h"

#include <functional>

using namespace mlir;
using namespace mlir::loom;

namespace {

std::string shapeString(ArrayRef<int64_t> shape) {
  std::string s;
  llvm::raw_string_ostream os(s);
  llvm::interleave(shape, os, "x");
  return shape.empty() ? "a scalar" : s;
}

int64_t rankOf(Value v) { return cast<ShapedType>(v.getType()).getRank(); }

/// A reduction is a row reduction when it reduces the trailing dims only:
/// rows (the leading dims) stay independent, so a kernel can own rows.
bool reducesTrailingDims(Operation *op) {
  int64_t rank = rankOf(op->getOperand(0));
  if (auto reduce = dyn_cast<ReduceOp>(op)) {
    ArrayRef<int64_t> dims = reduce.getDims();
    for (auto [i, d] : llvm::enumerate(llvm::reverse(dims)))
      if (d != rank - 1 - static_cast<int64_t>(i))
        return false;
    return true;
  }
  if (auto dim = op->getAttrOfType<IntegerAttr>("dim"))
    return dim.getInt() == rank - 1;
  return true; // norms and their gradients, cross entropy: the last dim
}

/// Does `v` depend on a member of `group` through ops outside it?
bool dependsOnGroup(Value v, const FusionGroup &group) {
  Operation *first = group.members.front();
  SmallVector<Value> work{v};
  llvm::SmallPtrSet<Operation *, 16> seen;
  while (!work.empty()) {
    Operation *def = work.pop_back_val().getDefiningOp();
    if (!def || def->getBlock() != first->getBlock() || def->isBeforeInBlock(first) ||
        !seen.insert(def).second)
      continue;
    if (group.members.contains(def))
      return true;
    llvm::append_range(work, def->getOperands());
  }
  return false;
}

} // namespace

FusionRole FusionPolicy::role(Operation *op, std::string *why) const {
  auto say = [&](FusionRole r, const Twine &reason) {
    if (why)
      *why = reason.str();
    return r;
  };
  auto fusable = dyn_cast<FusableOpInterface>(op);
  if (!fusable)
    return say(FusionRole::Barrier, "not a loom compute op");
  if (isa<BroadcastOp, IotaOp>(op))
    return say(FusionRole::CheapProducer, "a cheap producer: recomputed in each group that reads it");
  if (auto constant = dyn_cast<ConstantOp>(op))
    return cast<ElementsAttr>(constant.getValue()).isSplat()
               ? say(FusionRole::CheapProducer,
                     "a splat constant: recomputed in each group that reads it")
               : say(FusionRole::Barrier, "a dense constant: a kernel of its own");
  switch (fusable.getFusionKind()) {
  case FusionKind::Elementwise:
    return say(FusionRole::Elementwise, "elementwise");
  case FusionKind::RowReduction:
    return reducesTrailingDims(op)
               ? say(FusionRole::RowReduction, "a row reduction")
               : say(FusionRole::Barrier, "reduces leading dims (rows are not independent)");
  case FusionKind::Contraction:
    return say(FusionRole::Barrier, "a contraction: a " + caps.gemmLibrary +
                                        " call, or its own kernel when the library cannot");
  case FusionKind::Attention:
    return say(FusionRole::Barrier, "attention: the runtime's attention kernel");
  case FusionKind::Layout:
    return say(FusionRole::Barrier, "a layout change: a view, or a copy kernel of its own");
  case FusionKind::Scan:
    return say(FusionRole::Barrier, "a scan: a kernel of its own (scan strategy)");
  case FusionKind::Generator:
    return say(FusionRole::Barrier, "a random draw: a kernel of its own in this version");
  case FusionKind::Opaque:
    return say(FusionRole::Barrier, "data-dependent addressing (gather, scatter, sort)");
  }
  return say(FusionRole::Barrier, "unknown fusion kind");
}

SmallVector<int64_t> FusionPolicy::iterationShape(Operation *op) {
  auto fusable = dyn_cast<FusableOpInterface>(op);
  Value v = fusable && fusable.getFusionKind() == FusionKind::RowReduction ? op->getOperand(0)
                                                                          : op->getResult(0);
  return SmallVector<int64_t>(cast<ShapedType>(v.getType()).getShape());
}

void mlir::loom::groupInterface(const FusionGroup &group, const FusionPolicy &policy,
                                llvm::SetVector<Value> &inputs,
                                llvm::SetVector<Value> &outputs) {
  // Inputs in the order the members read them, looking through cheap
  // producers (recomputed inside) to what they read.
  llvm::SmallPtrSet<Operation *, 8> cheapSeen;
  std::function<void(Value)> visit = [&](Value v) {
    Operation *def = v.getDefiningOp();
    if (def && group.members.contains(def))
      return;
    if (def && policy.role(def) == FusionRole::CheapProducer) {
      if (cheapSeen.insert(def).second)
        for (Value operand : def->getOperands())
          visit(operand);
      return;
    }
    inputs.insert(v);
  };
  for (Operation *m : group.members)
    for (Value v : m->getOperands())
      visit(v);
  for (Operation *m : group.members)
    for (Value r : m->getResults())
      if (llvm::any_of(r.getUsers(),
                       [&](Operation *user) { return !group.members.contains(user); }))
        outputs.insert(r);
}

FusionDecision FusionPolicy::canJoin(const FusionGroup &group, Operation *op) const {
  auto no = [](const Twine &why) { return FusionDecision{false, why.str()}; };
  std::string g = "group " + std::to_string(group.id);
  if (group.closed)
    return no(g + " ends with a row reduction (no epilogue after a reduction in this version)");
  FusionRole r = role(op);
  if (r != FusionRole::Elementwise && r != FusionRole::RowReduction)
    return no("only elementwise ops and row reductions join groups");
  SmallVector<int64_t> shape = iterationShape(op);
  if (shape != group.shape)
    return no("its iteration shape " + shapeString(shape) + " differs from " + g + "'s " +
              shapeString(group.shape));
  if (r == FusionRole::RowReduction) {
    Operation *rowInput = op->getOperand(0).getDefiningOp();
    if (!rowInput || !group.members.contains(rowInput))
      return no("its row input does not come from " + g);
  }
  if (group.members.size() + 1 > caps.maxFusedOps)
    return no(g + " holds " + std::to_string(group.members.size()) + " ops, the " + caps.name +
              " limit is " + std::to_string(caps.maxFusedOps));
  for (Value v : op->getOperands()) {
    Operation *def = v.getDefiningOp();
    if (def && group.members.contains(def))
      continue;
    if (dependsOnGroup(v, group))
      return no("an operand depends on " + g + " through an op outside it (a cycle)");
  }
  FusionGroup joined = group;
  joined.members.insert(op);
  llvm::SetVector<Value> inputs, outputs;
  groupInterface(joined, *this, inputs, outputs);
  if (inputs.size() + outputs.size() > caps.maxKernelBuffers)
    return no("the kernel would take " + std::to_string(inputs.size() + outputs.size()) +
              " buffers, the " + caps.name + " limit is " +
              std::to_string(caps.maxKernelBuffers));
  if (r == FusionRole::RowReduction)
    return {true, "a row reduction closes " + g + "'s elementwise chain on " + shapeString(shape)};
  return {true, "an elementwise chain on " + shapeString(shape) + " in " + g};
}

std::optional<FusionDecision> FusionPolicy::mergeLimits(const FusionGroup &a,
                                                        const FusionGroup &b,
                                                        const std::string &names) const {
  auto no = [](const Twine &reason) { return FusionDecision{false, reason.str()}; };
  if (a.members.size() + b.members.size() > caps.maxFusedOps)
    return no(names + " together exceed the " + caps.name.str() + " limit of " +
              std::to_string(caps.maxFusedOps) + " ops");
  for (auto [from, to] : {std::pair{&a, &b}, std::pair{&b, &a}})
    for (Operation *m : from->members)
      for (Value v : m->getOperands()) {
        Operation *def = v.getDefiningOp();
        if (def && (from->members.contains(def) || to->members.contains(def)))
          continue;
        if (dependsOnGroup(v, *to))
          return no(names + " depend on each other through an op outside them (a cycle)");
      }
  FusionGroup merged = a;
  for (Operation *m : b.members)
    merged.members.insert(m);
  llvm::SetVector<Value> inputs, outputs;
  groupInterface(merged, *this, inputs, outputs);
  if (inputs.size() + outputs.size() > caps.maxKernelBuffers)
    return no(names + " together would take " + std::to_string(inputs.size() + outputs.size()) +
              " buffers, the " + caps.name.str() + " limit is " +
              std::to_string(caps.maxKernelBuffers));
  return std::nullopt;
}

FusionDecision FusionPolicy::canMerge(const FusionGroup &a, const FusionGroup &b,
                                      StringRef why) const {
  auto no = [](const Twine &reason) { return FusionDecision{false, reason.str()}; };
  std::string names = "groups " + std::to_string(a.id) + " and " + std::to_string(b.id);
  if (a.closed || b.closed)
    return no(names + ": a group that ends with a row reduction takes nothing more");
  if (a.shape != b.shape)
    return no(names + " compute on " + shapeString(a.shape) + " and " + shapeString(b.shape));
  if (std::optional<FusionDecision> refused = mergeLimits(a, b, names))
    return *refused;
  return {true, names + " merge (" + why.str() + ")"};
}

std::optional<Value> FusionPolicy::siblingKey(const FusionGroup &group) const {
  if (group.members.size() != 1)
    return std::nullopt;
  auto rope = dyn_cast<RopeOp>(group.members.front());
  if (!rope)
    return std::nullopt;
  return rope.getPositions();
}

FusionDecision FusionPolicy::canMergeSiblings(const FusionGroup &a, const FusionGroup &b) const {
  auto no = [](const Twine &reason) { return FusionDecision{false, reason.str()}; };
  std::string names = "groups " + std::to_string(a.id) + " and " + std::to_string(b.id);
  std::optional<Value> key = siblingKey(a);
  if (!key || key != siblingKey(b))
    return no(names + " are not ropes over the same positions");
  // The rows of the merged kernel are the positions' dims: each rope's
  // input must lead with them (a [B, S, H, D] layout over [B, S]).
  ArrayRef<int64_t> rows = cast<ShapedType>(key->getType()).getShape();
  for (const FusionGroup *g : {&a, &b}) {
    ArrayRef<int64_t> shape = iterationShape(g->members.front());
    if (shape.size() < rows.size() || shape.take_front(rows.size()) != rows)
      return no(names + ": a rope input " + shapeString(shape) + " does not lead with its rows " +
                shapeString(rows));
  }
  if (std::optional<FusionDecision> refused = mergeLimits(a, b, names))
    return *refused;
  return {true, names + " merge (ropes over the same positions " + shapeString(rows) +
                    ": one launch reads them once)"};
}

BiasEpilogue FusionPolicy::biasEpilogue(Operation *op) const {
  auto linear = dyn_cast<LinearOp>(op);
  if (!linear || linear.getBias() || !linear->hasOneUse())
    return {};
  auto add = dyn_cast<BinaryOp>(*linear->getUsers().begin());
  if (!add || add.getKind() != BinaryKind::add)
    return {};
  Value other = add.getLhs() == linear.getResult() ? add.getRhs() : add.getLhs();
  auto bcast = other.getDefiningOp<BroadcastOp>();
  int64_t rank = cast<ShapedType>(linear.getType()).getRank();
  if (!bcast || cast<ShapedType>(bcast.getInput().getType()).getRank() != 1 ||
      bcast.getDims() != ArrayRef<int64_t>{rank - 1})
    return {};
  if (!caps.gemmBiasEpilogue)
    return {add, bcast.getInput(),
            {false, caps.gemmLibrary.str() + " applies no bias epilogue on " + caps.name.str()}};
  return {add, bcast.getInput(),
          {true, "the bias row becomes a " + caps.gemmLibrary.str() + " epilogue"}};
}
