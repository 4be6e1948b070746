//===- GpuKernelLowering.cpp - bufferized kernels to block-level GPU code --===//

#include "codegen/cuda/GpuKernelLowering.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include "llvm/ADT/SmallPtrSet.h"

namespace mlir::loom::codegen {
namespace {

//===----------------------------------------------------------------------===//
// 3. Thread distribution
//===----------------------------------------------------------------------===//

/// The buffer a memref view is a view of: a kernel argument or a temporary.
Value rootBuffer(Value value) {
  while (auto view = value.getDefiningOp<ViewLikeOpInterface>())
    value = view.getViewSource();
  return value;
}

/// The buffers an op (with what it nests) reads and writes.
struct Accesses {
  llvm::SmallPtrSet<Value, 8> reads, writes;
  bool unknown = false; // an effect on memory it cannot name: a barrier either side

  void add(const Accesses &other) {
    reads.insert(other.reads.begin(), other.reads.end());
    writes.insert(other.writes.begin(), other.writes.end());
    unknown |= other.unknown;
  }
  void clear() {
    reads.clear();
    writes.clear();
    unknown = false;
  }
  bool writesMemory() const { return unknown || !writes.empty(); }
};

Accesses accessesOf(Operation *root) {
  Accesses accesses;
  root->walk([&](Operation *op) {
    auto effecting = dyn_cast<MemoryEffectOpInterface>(op);
    if (!effecting) {
      // Ops that only hold regions (loops, ifs) are described by their
      // bodies; any other op without the interface may do anything.
      if (!op->hasTrait<OpTrait::HasRecursiveMemoryEffects>() && op->getNumRegions() == 0 &&
          !isPure(op))
        accesses.unknown = true;
      return;
    }
    SmallVector<MemoryEffects::EffectInstance> effects;
    effecting.getEffects(effects);
    for (const MemoryEffects::EffectInstance &effect : effects) {
      bool read = isa<MemoryEffects::Read>(effect.getEffect());
      bool write = isa<MemoryEffects::Write>(effect.getEffect());
      if (!read && !write)
        continue; // allocation and free of temporaries
      Value value = effect.getValue();
      if (!value) {
        accesses.unknown = true;
        continue;
      }
      (read ? accesses.reads : accesses.writes).insert(rootBuffer(value));
    }
  });
  return accesses;
}

/// Whether a stage with `next` accesses must wait for the stages since the
/// last barrier (`pending`): read-after-write, write-after-read and
/// write-after-write on one buffer, by different threads.
bool conflicts(const Accesses &pending, const Accesses &next) {
  if (!pending.unknown && pending.reads.empty() && pending.writes.empty())
    return false;
  if (pending.unknown || next.unknown)
    return true;
  for (Value v : next.reads)
    if (pending.writes.contains(v))
      return true;
  for (Value v : next.writes)
    if (pending.writes.contains(v) || pending.reads.contains(v))
      return true;
  return false;
}

/// scf.parallel (no reductions, constant bounds) -> a block-strided scf.for
/// over its flattened iterations, last dim fastest.
FailureOr<scf::ForOp> distributeParallel(scf::ParallelOp parallel, Value threadId,
                                         int64_t blockSize) {
  if (parallel.getNumReductions() != 0)
    return parallel.emitError() << "CUDA code generation: a parallel loop with reductions "
                                   "cannot be spread over threads";
  SmallVector<int64_t> lbs, steps, trips;
  int64_t total = 1;
  for (auto [lb, ub, step] : llvm::zip(parallel.getLowerBound(), parallel.getUpperBound(),
                                        parallel.getStep())) {
    std::optional<int64_t> l = getConstantIntValue(lb), u = getConstantIntValue(ub),
                           s = getConstantIntValue(step);
    if (!l || !u || !s || *s <= 0)
      return parallel.emitError() << "CUDA code generation: a parallel loop without constant "
                                     "bounds cannot be spread over threads";
    int64_t trip = *u > *l ? (*u - *l + *s - 1) / *s : 0;
    lbs.push_back(*l);
    steps.push_back(*s);
    trips.push_back(trip);
    total *= trip;
  }
  Location loc = parallel.getLoc();
  IRRewriter rewriter(parallel.getContext());
  rewriter.setInsertionPoint(parallel);
  auto constant = [&](int64_t v) { return arith::ConstantIndexOp::create(rewriter, loc, v); };
  auto loop = scf::ForOp::create(rewriter, loc, threadId, constant(total), constant(blockSize));
  rewriter.setInsertionPointToStart(loop.getBody());
  // Delinearize: the last dim varies fastest, as in the row-major buffers.
  unsigned rank = trips.size();
  SmallVector<Value> ivs(rank);
  Value rest = loop.getInductionVar();
  for (unsigned d = rank; d-- > 0;) {
    Value index = rest;
    if (d > 0) {
      Value trip = constant(trips[d]);
      index = arith::RemUIOp::create(rewriter, loc, rest, trip);
      rest = arith::DivUIOp::create(rewriter, loc, rest, trip);
    }
    if (steps[d] != 1)
      index = arith::MulIOp::create(rewriter, loc, index, constant(steps[d]));
    if (lbs[d] != 0)
      index = arith::AddIOp::create(rewriter, loc, index, constant(lbs[d]));
    ivs[d] = index;
  }
  Block *body = parallel.getBody();
  Operation *reduce = body->getTerminator();
  rewriter.eraseOp(reduce);
  rewriter.inlineBlockBefore(body, loop.getBody()->getTerminator(), ivs);
  rewriter.eraseOp(parallel);
  return loop;
}

/// Whether `index` is `iv`, directly or through an identity affine.apply.
bool isIndex(Value index, Value iv) {
  if (index == iv)
    return true;
  auto apply = index.getDefiningOp<affine::AffineApplyOp>();
  return apply && apply.getAffineMap().isIdentity() && apply.getMapOperands().size() == 1 &&
         apply.getMapOperands().front() == iv;
}

/// Whether `view` (a memref reached from its root buffer through subviews only) keeps the
/// root's last dim whole and in place as its own last dim: index i of the view's last dim is
/// element i of the root's last dim.
bool keepsLastDim(Value view) {
  while (auto subview = view.getDefiningOp<memref::SubViewOp>()) {
    auto source = cast<MemRefType>(subview.getSource().getType());
    auto result = cast<MemRefType>(subview.getType());
    int64_t last = source.getRank() - 1;
    if (source.getRank() == 0 || result.getRank() == 0 ||
        subview.getStaticOffsets()[last] != 0 || subview.getStaticStrides()[last] != 1 ||
        subview.getStaticSizes()[last] != source.getDimSize(last) ||
        result.getDimSize(result.getRank() - 1) != source.getDimSize(last))
      return false;
    view = subview.getSource();
  }
  return isa<BlockArgument>(view) || view.getDefiningOp<memref::AllocOp>();
}

/// A sequential nest whose every write is in one of its 1-D scf.parallel loops (all with the
/// same bounds), at the index of the loop's iv in the written buffer's last dim, and whose
/// written buffers are read only that way too: spread each parallel loop over the threads the
/// same way and every thread owns the same columns of every written buffer in every iteration
/// of the nest, so the threads can all run the nest without a barrier between its iterations.
/// The rest of the nest (its loops, conditions and reads of other buffers) then runs on every
/// thread alike. What scatter_add lowers to: for each index, a row added into the table row it
/// names (an embedding's gradient), row-parallel instead of on thread 0.
bool ownsColumns(Operation *nest) {
  SmallVector<scf::ParallelOp> parallels;
  nest->walk([&](scf::ParallelOp p) { parallels.push_back(p); });
  if (parallels.empty())
    return false;
  auto bounds = [](scf::ParallelOp p) -> std::optional<std::array<int64_t, 3>> {
    if (p.getNumLoops() != 1 || p.getNumReductions() != 0)
      return std::nullopt;
    std::optional<int64_t> l = getConstantIntValue(p.getLowerBound()[0]),
                           u = getConstantIntValue(p.getUpperBound()[0]),
                           s = getConstantIntValue(p.getStep()[0]);
    if (!l || !u || !s)
      return std::nullopt;
    return std::array<int64_t, 3>{*l, *u, *s};
  };
  std::optional<std::array<int64_t, 3>> shared = bounds(parallels.front());
  for (scf::ParallelOp p : parallels)
    if (!bounds(p) || bounds(p) != shared || p->getParentOfType<scf::ParallelOp>())
      return false;
  // The buffers written, each only by stores inside a parallel loop.
  llvm::SmallPtrSet<Value, 8> written;
  bool unknown = false;
  nest->walk([&](Operation *op) {
    if (auto store = dyn_cast<memref::StoreOp>(op)) {
      if (!op->getParentOfType<scf::ParallelOp>())
        unknown = true;
      written.insert(rootBuffer(store.getMemRef()));
      return;
    }
    auto effects = dyn_cast<MemoryEffectOpInterface>(op);
    if (!effects) {
      unknown |= !op->hasTrait<OpTrait::HasRecursiveMemoryEffects>() && op->getNumRegions() == 0 &&
                 !isPure(op);
      return;
    }
    if (effects.hasEffect<MemoryEffects::Write>() && !isa<memref::AllocOp>(op))
      unknown = true; // a write that is not a plain store
  });
  if (unknown)
    return false;
  // Every access to a written buffer: inside a parallel loop, at its iv in the last dim.
  WalkResult walk = nest->walk([&](Operation *op) {
    Value memref;
    ValueRange indices;
    if (auto load = dyn_cast<memref::LoadOp>(op)) {
      memref = load.getMemRef();
      indices = load.getIndices();
    } else if (auto store = dyn_cast<memref::StoreOp>(op)) {
      memref = store.getMemRef();
      indices = store.getIndices();
    } else {
      return WalkResult::advance();
    }
    if (!written.contains(rootBuffer(memref)))
      return WalkResult::advance();
    auto parallel = op->getParentOfType<scf::ParallelOp>();
    if (!parallel || indices.empty() || !isIndex(indices.back(), parallel.getInductionVars()[0]) ||
        !keepsLastDim(memref))
      return WalkResult::interrupt();
    return WalkResult::advance();
  });
  return !walk.wasInterrupted();
}

/// Wraps `op` (no used results) in `scf.if %tid == 0`; `start` is set to the
/// first op of the stage (the condition), where a barrier before it goes.
FailureOr<Operation *> runOnThreadZero(Operation *op, Value threadId, Operation *&start) {
  for (Value result : op->getResults())
    if (!result.use_empty())
      return op->emitError() << "CUDA code generation: an op whose results are used later "
                                "cannot run on one thread";
  OpBuilder b(op);
  Location loc = op->getLoc();
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value first = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, threadId, zero);
  start = zero.getDefiningOp();
  auto guard = scf::IfOp::create(b, loc, first, /*withElseRegion=*/false);
  op->moveBefore(guard.thenBlock()->getTerminator());
  return guard.getOperation();
}

//===----------------------------------------------------------------------===//
// 4. Outlining
//===----------------------------------------------------------------------===//

/// Gives every view of `value` (transitively) the memory space `space`.
void retypeViews(Value value, Attribute space) {
  for (Operation *user : value.getUsers()) {
    auto view = dyn_cast<ViewLikeOpInterface>(user);
    if (!view || view.getViewSource() != value)
      continue;
    for (Value result : user->getResults()) {
      auto type = dyn_cast<MemRefType>(result.getType());
      if (!type)
        continue;
      result.setType(MemRefType::get(type.getShape(), type.getElementType(), type.getLayout(),
                                     space));
      retypeViews(result, space);
    }
  }
}

int64_t elementBytes(Type type) {
  return std::max<int64_t>(1, (type.getIntOrFloatBitWidth() + 7) / 8);
}

//===----------------------------------------------------------------------===//
// sin and cos without local memory
//===----------------------------------------------------------------------===//

/// sin(x) (cosine: quadrantShift 1, as cos x = sin(x + π/2)) in f64.
Value sinCosF64(OpBuilder &b, Location loc, Value x, int64_t quadrantShift) {
  Type f64 = b.getF64Type();
  Type i64 = b.getI64Type();
  auto c = [&](double v) { return arith::ConstantOp::create(b, loc, b.getFloatAttr(f64, v)); };
  auto ci = [&](int64_t v) { return arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(v)); };
  auto fma = [&](Value a, Value m, Value add) { return math::FmaOp::create(b, loc, a, m, add); };
  // π/2 = kPio2Hi + kPio2Lo (the double nearest π/2, and the rest).
  constexpr double kTwoOverPi = 0.63661977236758138243;
  constexpr double kPio2Hi = 1.5707963267948965580e+00;
  constexpr double kPio2Lo = 6.1232339957367658e-17;
  Value k = math::RoundEvenOp::create(b, loc, arith::MulFOp::create(b, loc, x, c(kTwoOverPi)));
  Value negK = arith::NegFOp::create(b, loc, k);
  Value r = fma(negK, c(kPio2Hi), x);
  r = fma(negK, c(kPio2Lo), r);
  Value z = arith::MulFOp::create(b, loc, r, r);
  // sin r = r + r·z·(S1 + z·(S2 + ...)), S_n = (-1)^n / (2n+1)!
  const double sinCoefficients[] = {-1.0 / 6,          1.0 / 120,         -1.0 / 5040,
                                    1.0 / 362880,      -1.0 / 39916800,   1.0 / 6227020800,
                                    -1.0 / 1307674368000, 1.0 / 355687428096000};
  Value sp = c(sinCoefficients[7]);
  for (int n = 6; n >= 0; --n)
    sp = fma(z, sp, c(sinCoefficients[n]));
  Value sinR = fma(arith::MulFOp::create(b, loc, r, z), sp, r);
  // cos r = 1 + z·(C1 + z·(C2 + ...)), C_n = (-1)^n / (2n)!
  const double cosCoefficients[] = {-1.0 / 2,           1.0 / 24,
                                    -1.0 / 720,         1.0 / 40320,
                                    -1.0 / 3628800,     1.0 / 479001600,
                                    -1.0 / 87178291200, 1.0 / 20922789888000,
                                    -1.0 / 6402373705728000};
  Value cp = c(cosCoefficients[8]);
  for (int n = 7; n >= 0; --n)
    cp = fma(z, cp, c(cosCoefficients[n]));
  Value cosR = fma(z, cp, c(1.0));
  // The quadrant k mod 4 (k beyond 2^62 is a multiple of 4).
  Value small = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT,
                                      math::AbsFOp::create(b, loc, k), c(0x1p62));
  Value kInt = arith::FPToSIOp::create(
      b, loc, i64, arith::SelectOp::create(b, loc, small, k, c(0.0)));
  Value q = arith::AndIOp::create(b, loc, arith::AddIOp::create(b, loc, kInt, ci(quadrantShift)),
                                  ci(3));
  Value odd = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                                    arith::AndIOp::create(b, loc, q, ci(1)), ci(0));
  Value negative = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                                         arith::AndIOp::create(b, loc, q, ci(2)), ci(0));
  Value base = arith::SelectOp::create(b, loc, odd, cosR, sinR);
  return arith::SelectOp::create(b, loc, negative, arith::NegFOp::create(b, loc, base), base);
}

void expandSinCosOp(Operation *op, int64_t quadrantShift) {
  Type type = op->getResult(0).getType();
  if (!type.isF32() && !type.isF64())
    return;
  OpBuilder b(op);
  Location loc = op->getLoc();
  Value x = op->getOperand(0);
  if (type.isF32())
    x = arith::ExtFOp::create(b, loc, b.getF64Type(), x);
  Value result = sinCosF64(b, loc, x, quadrantShift);
  if (type.isF32())
    result = arith::TruncFOp::create(b, loc, type, result);
  op->getResult(0).replaceAllUsesWith(result);
  op->erase();
}

} // namespace

void expandSinCos(Operation *root) {
  SmallVector<Operation *> ops;
  root->walk([&](Operation *op) {
    if (isa<math::SinOp, math::CosOp>(op))
      ops.push_back(op);
  });
  for (Operation *op : ops)
    expandSinCosOp(op, isa<math::CosOp>(op) ? 1 : 0);
}

void useIeeeSquareRoots(Operation *root) {
  SmallVector<Operation *> ops;
  root->walk([&](Operation *op) {
    if (isa<math::SqrtOp, math::RsqrtOp>(op))
      ops.push_back(op);
  });
  for (Operation *op : ops) {
    Type type = op->getResult(0).getType();
    bool sqrt = isa<math::SqrtOp>(op);
    // f64: __nv_sqrt is sqrt.rn.f64 already.
    if (!(type.isF32() || (type.isF64() && !sqrt)))
      continue;
    OpBuilder b(op);
    Location loc = op->getLoc();
    Value x = op->getOperand(0);
    Value result = type.isF32() ? LLVM::CallIntrinsicOp::create(
                                      b, loc, type, b.getStringAttr("llvm.nvvm.sqrt.rn.f"),
                                      ValueRange{x})
                                      .getResult(0)
                                : math::SqrtOp::create(b, loc, x).getResult();
    if (!sqrt)
      result = arith::DivFOp::create(
          b, loc, arith::ConstantOp::create(b, loc, b.getFloatAttr(type, 1.0)), result);
    op->getResult(0).replaceAllUsesWith(result);
    op->erase();
  }
}

void truncWithLlvmIntrinsic(Operation *root) {
  SmallVector<math::TruncOp> ops;
  root->walk([&](math::TruncOp op) { ops.push_back(op); });
  for (math::TruncOp op : ops) {
    OpBuilder b(op);
    Value result = LLVM::FTruncOp::create(b, op.getLoc(), op.getType(), op.getOperand());
    op.getResult().replaceAllUsesWith(result);
    op->erase();
  }
}

void elideCopiesIntoOutputs(func::FuncOp fn, unsigned numOutputs) {
  Block &entry = fn.getBody().front();
  unsigned firstOutput = fn.getNumArguments() - numOutputs;
  // The op of the entry block that holds `op` (or `op` itself).
  auto topLevel = [&](Operation *op) {
    while (op->getBlock() != &entry)
      op = op->getParentOp();
    return op;
  };
  // Whether every use of `buffer` (through its views) but `except` satisfies `where`.
  auto usesAll = [&](Value buffer, Operation *except, function_ref<bool(Operation *)> where) {
    SmallVector<Value> worklist{buffer};
    while (!worklist.empty()) {
      Value value = worklist.pop_back_val();
      for (Operation *user : value.getUsers()) {
        if (user == except)
          continue;
        if (isa<ViewLikeOpInterface>(user))
          llvm::append_range(worklist, user->getResults());
        if (!where(topLevel(user)))
          return false;
      }
    }
    return true;
  };
  for (auto copy : llvm::make_early_inc_range(entry.getOps<linalg::CopyOp>())) {
    auto alloc = copy.getInputs()[0].getDefiningOp<memref::AllocOp>();
    auto output = dyn_cast<BlockArgument>(copy.getOutputs()[0]);
    if (!alloc || alloc->getBlock() != &entry || !output || output.getOwner() != &entry ||
        output.getArgNumber() < firstOutput || alloc.getType() != output.getType())
      continue;
    // The temporary is done with when it is copied, and the output untouched
    // before: one buffer can play both parts.
    Operation *at = copy.getOperation();
    if (!usesAll(alloc.getResult(), at, [&](Operation *op) { return op->isBeforeInBlock(at); }) ||
        !usesAll(output, at, [&](Operation *op) { return at->isBeforeInBlock(op); }))
      continue;
    copy->erase();
    alloc.getResult().replaceAllUsesWith(output);
    alloc->erase();
  }
}

LogicalResult hoistTemporaries(func::FuncOp fn) {
  Block &entry = fn.getBody().front();
  SmallVector<memref::AllocOp> nested;
  fn.walk([&](memref::AllocOp alloc) {
    if (alloc->getBlock() != &entry)
      nested.push_back(alloc);
  });
  for (memref::AllocOp alloc : nested) {
    MemRefType type = alloc.getType();
    if (!type.hasStaticShape() || !alloc.getDynamicSizes().empty() ||
        !alloc.getSymbolOperands().empty())
      return alloc.emitError() << "CUDA code generation: temporary " << type
                               << " inside a loop has no static size";
    // Escapes: the buffer (or a view of it) leaves the op that uses it as a
    // value rather than as memory read or written.
    SmallVector<Value> worklist{alloc.getResult()};
    while (!worklist.empty()) {
      Value value = worklist.pop_back_val();
      for (OpOperand &use : value.getUses()) {
        Operation *user = use.getOwner();
        if (auto view = dyn_cast<ViewLikeOpInterface>(user);
            view && view.getViewSource() == value) {
          llvm::append_range(worklist, user->getResults());
          continue;
        }
        bool asMemory = isa<memref::LoadOp, linalg::LinalgOp, memref::CopyOp>(user) ||
                        (isa<memref::StoreOp>(user) &&
                         cast<memref::StoreOp>(user).getMemRef() == value);
        if (!asMemory)
          return alloc.emitError() << "CUDA code generation: temporary " << type
                                   << " inside a loop escapes through '" << user->getName()
                                   << "'";
      }
    }
    alloc->moveBefore(&entry, entry.begin());
  }
  return success();
}

LogicalResult prepareLoopNests(func::FuncOp fn) {
  IRRewriter rewriter(fn.getContext());
  SmallVector<linalg::LinalgOp> ops;
  fn.walk([&](linalg::LinalgOp op) { ops.push_back(op); });
  for (linalg::LinalgOp op : ops) {
    auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
    if (!generic) {
      rewriter.setInsertionPoint(op);
      FailureOr<linalg::GenericOp> general = linalg::generalizeNamedOp(rewriter, op);
      if (failed(general))
        return op->emitError() << "CUDA code generation: cannot express '" << op->getName()
                               << "' as a linalg.generic";
      generic = *general;
    }
    // Parallel dims outermost, each group in its order.
    SmallVector<utils::IteratorType> iterators = generic.getIteratorTypesArray();
    SmallVector<unsigned> order;
    for (auto [d, it] : llvm::enumerate(iterators))
      if (it == utils::IteratorType::parallel)
        order.push_back(d);
    for (auto [d, it] : llvm::enumerate(iterators))
      if (it != utils::IteratorType::parallel)
        order.push_back(d);
    bool identity = llvm::all_of(llvm::enumerate(order),
                                 [](auto pair) { return pair.index() == pair.value(); });
    if (!identity) {
      rewriter.setInsertionPoint(generic);
      FailureOr<linalg::GenericOp> interchanged =
          linalg::interchangeGenericOp(rewriter, generic, order);
      if (failed(interchanged))
        return generic.emitError() << "CUDA code generation: cannot move the parallel dims "
                                      "of this op outermost";
      generic = *interchanged;
    }
    rewriter.setInsertionPoint(generic);
    if (failed(linalg::linalgOpToParallelLoops(rewriter, generic)))
      return generic.emitError() << "CUDA code generation: cannot lower this op to loops";
    rewriter.eraseOp(generic);
  }
  return success();
}

LogicalResult distributeOverThreads(func::FuncOp fn, int64_t blockSize) {
  Block &body = fn.getBody().front();
  OpBuilder b = OpBuilder::atBlockBegin(&body);
  Value threadId = gpu::ThreadIdOp::create(b, fn.getLoc(), gpu::Dimension::x);

  Accesses pending;
  for (Operation &op : llvm::make_early_inc_range(body.without_terminator())) {
    Operation *stage = nullptr, *start = nullptr;
    if (auto parallel = dyn_cast<scf::ParallelOp>(op)) {
      FailureOr<scf::ForOp> loop = distributeParallel(parallel, threadId, blockSize);
      if (failed(loop))
        return failure();
      stage = start = *loop;
    } else if (isa<memref::AllocOp, memref::AllocaOp>(op) || isPure(&op)) {
      continue;
    } else {
      Accesses accesses = accessesOf(&op);
      if (!accesses.writesMemory())
        continue; // reads alone are harmless on every thread
      if (op.getResults().empty() && ownsColumns(&op)) {
        SmallVector<scf::ParallelOp> parallels;
        op.walk([&](scf::ParallelOp p) { parallels.push_back(p); });
        for (scf::ParallelOp p : parallels)
          if (failed(distributeParallel(p, threadId, blockSize)))
            return failure();
        stage = start = &op;
      } else {
        FailureOr<Operation *> guarded = runOnThreadZero(&op, threadId, start);
        if (failed(guarded))
          return failure();
        stage = *guarded;
      }
    }
    Accesses accesses = accessesOf(stage);
    if (conflicts(pending, accesses)) {
      OpBuilder before(start);
      gpu::BarrierOp::create(before, stage->getLoc());
      pending.clear();
    }
    pending.add(accesses);
  }
  return success();
}

LogicalResult emulateThreadsOnHost(func::FuncOp fn, int64_t blockSize) {
  Block &body = fn.getBody().front();
  gpu::ThreadIdOp threadId;
  for (auto op : body.getOps<gpu::ThreadIdOp>())
    threadId = op;
  if (!threadId)
    return success();
  // Segments between barriers, of the ops that run once per thread.
  llvm::SmallPtrSet<Operation *, 32> threaded;
  SmallVector<SmallVector<Operation *>> segments(1);
  SmallVector<gpu::BarrierOp> barriers;
  for (Operation &op : body.without_terminator()) {
    if (&op == threadId.getOperation())
      continue;
    if (auto barrier = dyn_cast<gpu::BarrierOp>(op)) {
      barriers.push_back(barrier);
      segments.emplace_back();
      continue;
    }
    bool dependsOnThread = false;
    op.walk([&](Operation *inner) {
      for (Value operand : inner->getOperands())
        if (Operation *def = operand.getDefiningOp())
          dependsOnThread |= def == threadId.getOperation() || threaded.contains(def);
    });
    bool touchesMemory = !isa<memref::AllocOp>(op) && !isPure(&op);
    if (dependsOnThread || touchesMemory) {
      threaded.insert(&op);
      segments.back().push_back(&op);
    }
  }
  for (ArrayRef<Operation *> segment : segments) {
    if (segment.empty())
      continue;
    OpBuilder b(segment.back()->getContext());
    b.setInsertionPointAfter(segment.back());
    Location loc = segment.front()->getLoc();
    auto loop = scf::ForOp::create(b, loc, arith::ConstantIndexOp::create(b, loc, 0),
                                   arith::ConstantIndexOp::create(b, loc, blockSize),
                                   arith::ConstantIndexOp::create(b, loc, 1));
    for (Operation *op : segment)
      op->moveBefore(loop.getBody()->getTerminator());
    threadId.getResult().replaceUsesWithIf(loop.getInductionVar(), [&](OpOperand &use) {
      return loop->isProperAncestor(use.getOwner());
    });
    for (Operation *op : segment)
      for (Value result : op->getResults())
        for (Operation *user : result.getUsers())
          if (!loop->isProperAncestor(user))
            return op->emitError() << "host emulation: a per-thread value is used after a "
                                      "barrier";
  }
  for (gpu::BarrierOp barrier : barriers)
    barrier.erase();
  if (!threadId.getResult().use_empty())
    return threadId.emitError() << "host emulation: the thread id is used outside a segment";
  threadId.erase();
  return success();
}

FailureOr<gpu::GPUFuncOp> outlineToGpuFunc(func::FuncOp fn, gpu::GPUModuleOp gpuModule,
                                           StringRef name, bool workgroupArgument,
                                           int64_t blockSize, int64_t &sharedBytes) {
  MLIRContext *context = fn.getContext();
  Location loc = fn.getLoc();
  auto workgroup = gpu::AddressSpaceAttr::get(context, gpu::AddressSpace::Workgroup);

  SmallVector<memref::AllocOp> allocs;
  SmallVector<Type> attributionTypes;
  sharedBytes = 0;
  WalkResult walk = fn.walk([&](Operation *op) {
    if (isa<memref::AllocaOp>(op)) {
      op->emitError() << "CUDA code generation: a stack temporary would live in local memory";
      return WalkResult::interrupt();
    }
    auto alloc = dyn_cast<memref::AllocOp>(op);
    if (!alloc)
      return WalkResult::advance();
    MemRefType type = alloc.getType();
    if (!type.hasStaticShape() || !type.getLayout().isIdentity() ||
        alloc->getParentOp() != fn.getOperation()) {
      alloc.emitError() << "CUDA code generation: temporary " << type
                        << " is not a static buffer of the kernel's body";
      return WalkResult::interrupt();
    }
    allocs.push_back(alloc);
    attributionTypes.push_back(
        MemRefType::get(type.getShape(), type.getElementType(), type.getLayout(), workgroup));
    sharedBytes += type.getNumElements() * elementBytes(type.getElementType());
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return failure();

  Block &source = fn.getBody().front();
  unsigned first = workgroupArgument ? 1 : 0;
  SmallVector<Type> inputs(fn.getArgumentTypes().drop_front(first));
  OpBuilder b = OpBuilder::atBlockEnd(gpuModule.getBody());
  auto kernel = gpu::GPUFuncOp::create(b, loc, name, FunctionType::get(context, inputs, {}),
                                       attributionTypes);
  kernel->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), UnitAttr::get(context));
  kernel.setKnownBlockSizeAttr(
      DenseI32ArrayAttr::get(context, {static_cast<int32_t>(blockSize), 1, 1}));
  Block &entry = kernel.getBody().front();

  b.setInsertionPointToStart(&entry);
  if (workgroupArgument)
    source.getArgument(0).replaceAllUsesWith(
        gpu::BlockIdOp::create(b, loc, gpu::Dimension::x).getResult());
  for (unsigned i = 0; i < inputs.size(); ++i)
    source.getArgument(first + i).replaceAllUsesWith(entry.getArgument(i));
  for (auto [i, alloc] : llvm::enumerate(allocs)) {
    retypeViews(alloc.getResult(), workgroup);
    alloc.getResult().replaceAllUsesWith(entry.getArgument(inputs.size() + i));
    alloc.erase();
  }
  entry.getOperations().splice(entry.end(), source.getOperations());
  auto ret = cast<func::ReturnOp>(entry.getTerminator());
  if (ret.getNumOperands() != 0)
    return ret.emitError() << "CUDA code generation: a kernel returns its results through "
                              "out-params, not values";
  b.setInsertionPoint(ret);
  gpu::ReturnOp::create(b, ret.getLoc());
  ret.erase();
  fn.erase();
  return kernel;
}

} // namespace mlir::loom::codegen
