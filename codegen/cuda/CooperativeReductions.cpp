//===- CooperativeReductions.cpp - long row reductions over many threads ---===//

#include "codegen/cuda/CooperativeReductions.h"

#include "mlir/Analysis/SliceAnalysis.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

#include <deque>

namespace mlir::loom::codegen {
namespace {

/// What a split needs to know of a reduction that qualifies.
struct Candidate {
  unsigned reductionDim = 0;
  int64_t rowLength = 0;  // R
  int64_t outputs = 1;    // P, the output's elements
  int64_t elementBytes = 0;
  Operation *combiner = nullptr;
  TypedAttr identity;
};

int64_t bytesOf(Type type) {
  if (type.isF32() || type.isInteger(32))
    return 4;
  if (type.isF64() || type.isInteger(64))
    return 8;
  return 0; // others are not split (low-precision floats are widened later)
}

/// The rules of the header, but the ratio.
std::optional<Candidate> qualify(linalg::LinalgOp op) {
  if (!op.hasPureTensorSemantics() || op.getNumDpsInits() != 1 || op.getNumReductionLoops() != 1 ||
      op.hasIndexSemantics() ||
      !llvm::all_of(op.getIndexingMapsArray(),
                    [](AffineMap map) { return map.isProjectedPermutation(); }))
    return std::nullopt;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (llvm::any_of(ranges, ShapedType::isDynamic))
    return std::nullopt;
  Candidate candidate;
  SmallVector<unsigned> reductionDims;
  op.getReductionDims(reductionDims);
  candidate.reductionDim = reductionDims.front();
  candidate.rowLength = ranges[candidate.reductionDim];
  for (auto [d, range] : llvm::enumerate(ranges))
    if (d != candidate.reductionDim)
      candidate.outputs *= range;
  if (candidate.rowLength < 64)
    return std::nullopt;

  // Every input that reads the row reads it contiguously (its last dim).
  AffineExpr row = getAffineDimExpr(candidate.reductionDim, op.getContext());
  bool readsRow = false;
  for (OpOperand *input : op.getDpsInputOperands()) {
    AffineMap map = op.getMatchingIndexingMap(input);
    if (!map.isFunctionOfDim(candidate.reductionDim))
      continue;
    if (map.getNumResults() == 0 || map.getResults().back() != row)
      return std::nullopt;
    readsRow = true;
  }
  if (!readsRow)
    return std::nullopt;

  Type element = getElementTypeOrSelf(op.getDpsInitOperand(0)->get().getType());
  candidate.elementBytes = bytesOf(element);
  if (candidate.elementBytes == 0)
    return std::nullopt;
  SmallVector<Operation *> combiners;
  if (!matchReduction(op.getRegionOutputArgs(), 0, combiners) || combiners.size() != 1)
    return std::nullopt;
  candidate.combiner = combiners.front();
  std::optional<TypedAttr> identity = arith::getNeutralElement(candidate.combiner);
  if (!identity || identity->getType() != element)
    return std::nullopt;
  candidate.identity = *identity;
  return candidate;
}

/// The ratio of the header, or 0 when none fits.
int64_t chooseRatio(const Candidate &c, int64_t blockSize, int64_t budgetLeft) {
  int64_t limit = std::min(c.rowLength / 8, std::max<int64_t>(32, blockSize / c.outputs));
  limit = std::min(limit, budgetLeft / (c.outputs * c.elementBytes));
  int64_t anyDivisor = 0;
  for (int64_t g = limit; g >= 8; --g) {
    if (c.rowLength % g != 0)
      continue;
    if (g % 32 == 0)
      return g; // whole warps on consecutive addresses
    anyDivisor = std::max(anyDivisor, g);
  }
  return anyDivisor;
}

/// Splits `op` by `ratio` (CooperativeReductions.h); returns the combining op.
linalg::GenericOp split(RewriterBase &rewriter, linalg::GenericOp op, const Candidate &c,
                        int64_t ratio) {
  MLIRContext *context = op.getContext();
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  unsigned loops = op.getNumLoops();
  AffineExpr lane = rewriter.getAffineDimExpr(loops); // the partial index, a new parallel dim

  // Inputs reading the row see it as [R/ratio, ratio]: element j·ratio + lane.
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  for (OpOperand *input : op.getDpsInputOperands()) {
    AffineMap map = op.getMatchingIndexingMap(input);
    SmallVector<AffineExpr> exprs(map.getResults());
    Value value = input->get();
    if (map.isFunctionOfDim(c.reductionDim)) {
      auto type = cast<RankedTensorType>(value.getType());
      SmallVector<int64_t> shape(type.getShape());
      shape.back() /= ratio;
      shape.push_back(ratio);
      SmallVector<ReassociationIndices> groups;
      for (int64_t i = 0; i + 1 < type.getRank(); ++i)
        groups.push_back({i});
      groups.push_back({type.getRank() - 1, type.getRank()});
      value = tensor::ExpandShapeOp::create(
          rewriter, loc, RankedTensorType::get(shape, type.getElementType()), value, groups);
      exprs.push_back(lane);
    }
    inputs.push_back(value);
    maps.push_back(AffineMap::get(loops + 1, 0, exprs, context));
  }

  // The partials: the output's shape and one more dim of `ratio`, from the identity.
  Value init = op.getDpsInitOperand(0)->get();
  auto outputType = cast<RankedTensorType>(init.getType());
  SmallVector<int64_t> partialShape(outputType.getShape());
  partialShape.push_back(ratio);
  Value empty = tensor::EmptyOp::create(rewriter, loc, partialShape, outputType.getElementType());
  Value identity = arith::ConstantOp::create(rewriter, loc, c.identity);
  Value partials = linalg::FillOp::create(rewriter, loc, identity, empty).getResult(0);
  SmallVector<AffineExpr> outputExprs(op.getMatchingIndexingMap(op.getDpsInitOperand(0)).getResults());
  outputExprs.push_back(lane);
  maps.push_back(AffineMap::get(loops + 1, 0, outputExprs, context));
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  iterators.push_back(utils::IteratorType::parallel);
  auto partial = linalg::GenericOp::create(rewriter, loc, TypeRange{partials.getType()}, inputs,
                                           ValueRange{partials}, maps, iterators);
  rewriter.inlineRegionBefore(op.getRegion(), partial.getRegion(), partial.getRegion().end());

  // out[p] ⊕= partials[p, lane], the combiner applied as in the op (same
  // operand order and flags).
  unsigned rank = outputType.getRank();
  SmallVector<AffineMap> combineMaps{
      rewriter.getMultiDimIdentityMap(rank + 1),
      AffineMap::get(rank + 1, 0, rewriter.getMultiDimIdentityMap(rank + 1).getResults().drop_back(),
                     context)};
  SmallVector<utils::IteratorType> combineIterators(rank, utils::IteratorType::parallel);
  combineIterators.push_back(utils::IteratorType::reduction);
  BlockArgument accumulator = partial.getRegionOutputArgs().front();
  Operation *combiner = c.combiner;
  auto combine = linalg::GenericOp::create(
      rewriter, loc, op->getResultTypes(), ValueRange{partial.getResult(0)}, ValueRange{init},
      combineMaps, combineIterators, [&](OpBuilder &b, Location l, ValueRange args) {
        Operation *clone = b.clone(*combiner);
        for (OpOperand &operand : clone->getOpOperands())
          operand.set(operand.get() == accumulator ? args[1] : args[0]);
        linalg::YieldOp::create(b, l, clone->getResult(0));
      });
  rewriter.replaceOp(op, combine.getResults());
  return combine;
}

/// Whether the tensor an empty starts becomes a kernel output after
/// bufferization: followed through the ops that take it as their init, it
/// is returned or inserted into a result (then it is written in place).
bool becomesOutput(tensor::EmptyOp empty) {
  Value value = empty.getResult();
  while (value.hasOneUse()) {
    OpOperand &use = *value.getUses().begin();
    auto dps = dyn_cast<DestinationStyleOpInterface>(use.getOwner());
    if (!dps || !dps.isDpsInit(&use))
      break;
    value = dps.getTiedOpResult(&use);
  }
  return llvm::any_of(value.getUses(), [](OpOperand &use) {
    auto insert = dyn_cast<tensor::InsertSliceOp>(use.getOwner());
    return isa<func::ReturnOp>(use.getOwner()) || (insert && use.get() == insert.getSource()) ||
           (insert && use.get() == insert.getDest());
  });
}

/// The bytes of the kernel's temporaries, as shared memory will hold them.
int64_t temporaryBytes(func::FuncOp fn) {
  int64_t bytes = 0;
  fn.walk([&](tensor::EmptyOp empty) {
    RankedTensorType type = empty.getType();
    if (!becomesOutput(empty) && type.hasStaticShape() && type.getElementType().isIntOrFloat())
      bytes += type.getNumElements() *
               std::max<int64_t>(1, (type.getElementType().getIntOrFloatBitWidth() + 7) / 8);
  });
  return bytes;
}

} // namespace

unsigned splitRowReductions(func::FuncOp fn, int64_t blockSize, int64_t sharedBudget) {
  // What the kernel's own temporaries take of shared memory comes off the
  // budget.
  constexpr int64_t kSharedLimit = 48 * 1024;
  int64_t budgetLeft = std::min(sharedBudget, kSharedLimit - temporaryBytes(fn));
  IRRewriter rewriter(fn.getContext());
  std::deque<linalg::LinalgOp> worklist;
  fn.walk([&](linalg::LinalgOp op) {
    if (op.getNumReductionLoops() == 1)
      worklist.push_back(op);
  });
  unsigned splits = 0;
  while (!worklist.empty()) {
    linalg::LinalgOp op = worklist.front();
    worklist.pop_front();
    std::optional<Candidate> candidate = qualify(op);
    if (!candidate)
      continue;
    int64_t ratio = chooseRatio(*candidate, blockSize, budgetLeft);
    if (ratio < 8)
      continue;
    // Only a reduction that is split becomes a linalg.generic here (its combiner then lives in
    // the new op's body).
    auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
    if (!generic) {
      rewriter.setInsertionPoint(op);
      FailureOr<linalg::GenericOp> general = linalg::generalizeNamedOp(rewriter, op);
      if (failed(general))
        continue;
      generic = *general;
      candidate = qualify(generic);
      if (!candidate)
        continue;
    }
    budgetLeft -= candidate->outputs * ratio * candidate->elementBytes;
    worklist.push_back(split(rewriter, generic, *candidate, ratio));
    ++splits;
  }
  return splits;
}

} // namespace mlir::loom::codegen
