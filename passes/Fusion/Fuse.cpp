//===- Fuse.cpp - loom-fuse: form loom.fusion regions ----------------------===//
//
// Walks each public function once in program order, asking FusionPolicy at
// every op which open group (of the producers of its operands) it may join;
// then each group of two or more ops (cheap producers recomputed inside
// count) becomes a loom.fusion op, and the block is re-sorted so that the
// region's results are defined before their users outside it.
//
//===----------------------------------------------------------------------===//

#include "passes/Fusion/FusionPolicy.h"
#include "passes/Fusion/Passes.h"

#include "dialects/loom/IR/LoomOps.h"

#include "mlir/Analysis/TopologicalSortUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/RegionUtils.h"

namespace mlir::loom {
#define GEN_PASS_DEF_LOOMFUSEPASS
#include "passes/Fusion/Passes.h.inc"
} // namespace mlir::loom

using namespace mlir;
using namespace mlir::loom;

namespace {

struct Fuse : mlir::loom::impl::LoomFusePassBase<Fuse> {
  using LoomFusePassBase::LoomFusePassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto target = module->getAttrOfType<StringAttr>("loom.target");
    if (!target) {
      module.emitError("loom-fuse: no loom.target on the module (run loom-select-target first)");
      return signalPassFailure();
    }
    const TargetCapabilities *caps = capabilitiesFor(target.getValue());
    if (!caps) {
      module.emitError() << "loom-fuse: no capability table for target '" << target.getValue()
                         << "'";
      return signalPassFailure();
    }
    FusionPolicy policy(*caps);
    for (auto fn : module.getOps<func::FuncOp>()) {
      if (fn.isExternal())
        continue;
      if (!fn.getFunctionBody().hasOneBlock()) {
        fn.emitError("loom-fuse: functions must be one block");
        return signalPassFailure();
      }
      foldBiasEpilogues(fn.getFunctionBody().front(), policy);
      if (failed(fuseBlock(fn.getFunctionBody().front(), policy)))
        return signalPassFailure();
    }
  }

  void explainAt(Operation *op, const Twine &message) {
    if (explain)
      op->emitRemark() << "fusion: " << message;
  }

  /// linear(x, W) + broadcast(b) → linear(x, W, bias b) where the target's
  /// GEMM library applies a bias epilogue.
  void foldBiasEpilogues(Block &block, const FusionPolicy &policy) {
    for (auto linear : llvm::to_vector(block.getOps<LinearOp>())) {
      BiasEpilogue epilogue = policy.biasEpilogue(linear);
      if (!epilogue.add)
        continue; // no bias row added to this linear
      explainAt(epilogue.add,
                (epilogue.decision.fuse ? "folded into the linear: " : "not folded into the linear: ") +
                    epilogue.decision.reason);
      if (!epilogue.decision.fuse)
        continue;
      OpBuilder b(epilogue.add);
      auto fused = LinearOp::create(b, epilogue.add->getLoc(), linear.getType(), linear.getInput(),
                                    linear.getWeight(), epilogue.bias, linear.getAccAttr());
      epilogue.add->getResult(0).replaceAllUsesWith(fused.getResult());
      epilogue.add->erase();
      linear.erase();
    }
  }

  LogicalResult fuseBlock(Block &block, const FusionPolicy &policy) {
    std::vector<FusionGroup> groups;
    llvm::DenseMap<Operation *, unsigned> groupOf;
    std::optional<unsigned> lastScalar; // the open scalar group, if any
    for (Operation &op : block) {
      std::string why;
      FusionRole role = policy.role(&op, &why);
      if (role == FusionRole::Barrier || role == FusionRole::CheapProducer) {
        if (isa<FusableOpInterface>(op))
          explainAt(&op, "not grouped: " + why);
        continue;
      }
      std::optional<unsigned> home;
      SmallVector<unsigned> tried;
      for (Value v : op.getOperands()) {
        Operation *def = v.getDefiningOp();
        auto it = def ? groupOf.find(def) : groupOf.end();
        if (it == groupOf.end() || llvm::is_contained(tried, it->second))
          continue;
        // By value: inserting into groupOf below invalidates `it`.
        unsigned gid = it->second;
        tried.push_back(gid);
        if (home) {
          // The op reads a second group: the two may become one.
          mergeInto(groups, groupOf, *home, gid, policy, "an op reads both", &op);
          continue;
        }
        FusionGroup &g = groups[gid];
        FusionDecision d = policy.canJoin(g, &op);
        explainAt(&op, (d.fuse ? "joins group " : "does not join group ") + Twine(g.id) + ": " +
                           d.reason);
        if (!d.fuse)
          continue;
        g.members.insert(&op);
        g.closed = role == FusionRole::RowReduction;
        groupOf[&op] = gid;
        home = gid;
      }
      if (home) {
        if (groups[*home].shape.empty())
          lastScalar = *home;
        continue;
      }
      unsigned id = groups.size();
      FusionGroup g;
      g.id = id;
      g.members.insert(&op);
      g.shape = FusionPolicy::iterationShape(&op);
      g.closed = role == FusionRole::RowReduction;
      explainAt(&op, "starts group " + Twine(id));
      groupOf[&op] = id;
      groups.push_back(std::move(g));
      if (!groups[id].shape.empty())
        continue;
      // Independent scalar work shares one kernel.
      if (lastScalar)
        mergeInto(groups, groupOf, *lastScalar, id, policy,
                  "independent scalar work shares a kernel", &op);
      lastScalar = groupOf[&op];
    }
    mergeSiblings(groups, groupOf, policy);
    for (FusionGroup &g : groups)
      materialize(g, policy);
    if (!sortTopologically(&block))
      return emitError(block.getParentOp()->getLoc(),
                       "loom-fuse: the fusion regions form a cycle (a policy bug)");
    // Cheap producers that every reader now recomputes are dead.
    for (Operation &op : llvm::make_early_inc_range(llvm::reverse(block)))
      if (op.use_empty() && isPure(&op) && !op.hasTrait<mlir::OpTrait::IsTerminator>())
        op.erase();
    return success();
  }

  /// Moves group `from` into group `into` when the policy allows (`from`
  /// is left empty), explaining at `at`.
  void mergeInto(std::vector<FusionGroup> &groups, llvm::DenseMap<Operation *, unsigned> &groupOf,
                 unsigned into, unsigned from, const FusionPolicy &policy, StringRef why,
                 Operation *at) {
    FusionGroup &a = groups[into], &b = groups[from];
    if (b.members.empty() || into == from)
      return;
    FusionDecision d = policy.canMerge(a, b, why);
    explainAt(at, (d.fuse ? "" : "no merge: ") + Twine(d.reason));
    if (!d.fuse)
      return;
    moveMembers(groups, groupOf, into, from);
  }

  /// Group `from`'s members join group `into` (in block order); `from` is
  /// left empty.
  static void moveMembers(std::vector<FusionGroup> &groups,
                          llvm::DenseMap<Operation *, unsigned> &groupOf, unsigned into,
                          unsigned from) {
    FusionGroup &a = groups[into], &b = groups[from];
    SmallVector<Operation *> all(a.members.begin(), a.members.end());
    llvm::append_range(all, b.members);
    llvm::sort(all, [](Operation *x, Operation *y) { return x->isBeforeInBlock(y); });
    a.members.clear();
    a.members.insert(all.begin(), all.end());
    for (Operation *m : b.members)
      groupOf[m] = into;
    b.members.clear();
  }

  /// Merges sibling groups (FusionPolicy::siblingKey): each into the latest
  /// earlier group of its key that the policy allows (q's rope and k's rope
  /// of one layer; another layer's depend on them, which the policy sees).
  void mergeSiblings(std::vector<FusionGroup> &groups,
                     llvm::DenseMap<Operation *, unsigned> &groupOf, const FusionPolicy &policy) {
    llvm::DenseMap<Value, SmallVector<unsigned>> byKey;
    for (unsigned gid = 0; gid < groups.size(); ++gid) {
      std::optional<Value> key = policy.siblingKey(groups[gid]);
      if (!key)
        continue;
      SmallVector<unsigned> &earlier = byKey[*key];
      bool merged = false;
      for (unsigned into : llvm::reverse(earlier)) {
        if (policy.siblingKey(groups[into]) != key)
          continue; // already holds a sibling
        FusionDecision d = policy.canMergeSiblings(groups[into], groups[gid]);
        explainAt(groups[gid].members.front(), (d.fuse ? "" : "no merge: ") + Twine(d.reason));
        if (!d.fuse)
          continue;
        moveMembers(groups, groupOf, into, gid);
        merged = true;
        break;
      }
      if (!merged)
        earlier.push_back(gid);
    }
  }

  /// The cheap producers a group recomputes, in block order.
  SmallVector<Operation *> cheapProducers(const FusionGroup &g, const FusionPolicy &policy) {
    llvm::SetVector<Operation *> found;
    SmallVector<Value> work;
    for (Operation *m : g.members)
      llvm::append_range(work, m->getOperands());
    while (!work.empty()) {
      Operation *def = work.pop_back_val().getDefiningOp();
      if (def && !g.members.contains(def) && policy.role(def) == FusionRole::CheapProducer &&
          found.insert(def))
        llvm::append_range(work, def->getOperands());
    }
    SmallVector<Operation *> ordered(found.begin(), found.end());
    llvm::sort(ordered, [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
    return ordered;
  }

  void materialize(FusionGroup &g, const FusionPolicy &policy) {
    if (g.members.empty())
      return; // merged into another group
    SmallVector<Operation *> cheap = cheapProducers(g, policy);
    if (g.members.size() + cheap.size() < 2)
      return; // one op: a kernel of its own anyway
    llvm::SetVector<Value> inputs, outputs;
    groupInterface(g, policy, inputs, outputs);
    Operation *last = g.members.back();
    OpBuilder b(last->getContext());
    b.setInsertionPointAfter(last);
    SmallVector<Location> locs;
    for (Operation *m : g.members)
      locs.push_back(m->getLoc());
    Location loc = b.getFusedLoc(locs);
    auto fusion = FusionOp::create(b, loc, ValueRange(outputs.getArrayRef()).getTypes(),
                                   g.closed ? FusionRegionKind::row_reduction
                                            : FusionRegionKind::elementwise,
                                   inputs.getArrayRef());
    Block *body = b.createBlock(&fusion.getBody());
    IRMapping map;
    for (Value in : inputs)
      map.map(in, body->addArgument(in.getType(), in.getLoc()));
    SmallVector<Operation *> ordered(cheap.begin(), cheap.end());
    llvm::append_range(ordered, g.members);
    llvm::sort(ordered, [](Operation *a, Operation *c) { return a->isBeforeInBlock(c); });
    for (Operation *op : ordered)
      b.clone(*op, map);
    SmallVector<Value> yielded;
    for (Value out : outputs)
      yielded.push_back(map.lookup(out));
    YieldOp::create(b, loc, yielded);
    for (auto [out, result] : llvm::zip(outputs, fusion.getResults()))
      Value(out).replaceUsesWithIf(result, [&](OpOperand &use) {
        return !g.members.contains(use.getOwner());
      });
    for (Operation *m : llvm::reverse(g.members))
      m->erase();
  }
};

} // namespace
