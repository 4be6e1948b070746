//===- FusionPolicy.h - the one place fusion decisions are made ------------===//
//
// Every decision of loom-fuse goes through FusionPolicy, and each comes with
// its reason (printed under --loom-fusion-explain). The rules, in order:
//   - library calls (contractions the target sends to its GEMM library,
//     attention), layout changes, data-dependent ops and generators of
//     random numbers never join a kernel group; broadcasts, iotas and splat
//     constants are cheap producers, recomputed inside every group that
//     reads them instead of being written out;
//   - an elementwise op joins the group of a producer of one of its operands
//     when the group is still open (no row reduction yet) and computes on
//     the same shape (an elementwise chain);
//   - a row reduction (norms and their gradients, softmax, reductions and
//     argmax over trailing dims, cross entropy) joins the open group that
//     produces its row input of the same shape, and closes it;
//   - two open groups on the same shape merge when an op reads both, and
//     independent scalar (rank-0) groups merge (a launch each would cost
//     more than their work);
//   - sibling ropes (a group of one rope each, typically q and k of one
//     attention) that read the same positions, over the same rows, merge:
//     one launch reads the positions once;
//   - joining must not make a cycle (an operand reached from the group
//     through an op outside it), nor exceed the target's buffer and size
//     limits;
//   - a GEMM epilogue (a bias row added to a linear's result) is folded into
//     the library call only where the target's library applies it.
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_PASSES_FUSION_FUSIONPOLICY_H
#define LOOM_PASSES_FUSION_FUSIONPOLICY_H

#include "passes/Fusion/TargetCapabilities.h"

#include "mlir/IR/Operation.h"
#include "llvm/ADT/SetVector.h"

#include <optional>
#include <string>

namespace mlir::loom {

/// How an op takes part in fusion.
enum class FusionRole {
  Elementwise,   // same-shape elementwise op: joins chains
  CheapProducer, // broadcast, iota, splat constant: recomputed where read
  RowReduction,  // reduces the trailing dims of independent rows: closes a chain
  Barrier,       // never in a generated kernel group
};

struct FusionDecision {
  bool fuse = false;
  std::string reason;
};

struct BiasEpilogue {
  Operation *add = nullptr;
  Value bias;
  FusionDecision decision;
};

/// A group being formed: its ops in program order.
struct FusionGroup {
  unsigned id = 0;
  llvm::SetVector<Operation *> members;
  llvm::SmallVector<int64_t> shape; // the iteration shape (rows × row)
  bool closed = false;              // ends with a row reduction
};

class FusionPolicy {
public:
  explicit FusionPolicy(const TargetCapabilities &caps) : caps(caps) {}

  /// The op's role, and why (for barriers).
  FusionRole role(Operation *op, std::string *why = nullptr) const;

  /// May `op` join `group`? `op` comes after every member.
  FusionDecision canJoin(const FusionGroup &group, Operation *op) const;

  /// May the open groups `a` and `b` (same shape, independent of each
  /// other through outside ops) become one? `why` says what links them.
  FusionDecision canMerge(const FusionGroup &a, const FusionGroup &b, llvm::StringRef why) const;

  /// The value that makes `group` a candidate sibling of the other groups
  /// reading it: the positions of a group of one rope. None otherwise.
  std::optional<Value> siblingKey(const FusionGroup &group) const;

  /// May the independent groups `a` and `b`, siblings by their siblingKey,
  /// become one?
  FusionDecision canMergeSiblings(const FusionGroup &a, const FusionGroup &b) const;

  /// When `linear`'s only use adds a bias row (a broadcast along the last
  /// dim) to it: that add, the row, and whether it may become the linear's
  /// bias (a GEMM epilogue). `add` is null when there is no such addition.
  BiasEpilogue biasEpilogue(Operation *linear) const;

  const TargetCapabilities &capabilities() const { return caps; }

  /// The iteration shape of a role's op: the result for elementwise ops,
  /// the row input for row reductions.
  static llvm::SmallVector<int64_t> iterationShape(Operation *op);

private:
  /// What forbids any merge of `a` and `b` (`names` says which): a cycle
  /// through ops outside them, or the target's op and buffer limits.
  std::optional<FusionDecision> mergeLimits(const FusionGroup &a, const FusionGroup &b,
                                            const std::string &names) const;

  const TargetCapabilities &caps;
};

/// The values a group reads from outside (cheap producers looked through:
/// their own inputs count instead) and the member results used outside.
void groupInterface(const FusionGroup &group, const FusionPolicy &policy,
                    llvm::SetVector<Value> &inputs, llvm::SetVector<Value> &outputs);

} // namespace mlir::loom

#endif // LOOM_PASSES_FUSION_FUSIONPOLICY_H
