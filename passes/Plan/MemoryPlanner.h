//===- MemoryPlanner.h - offsets for buffers with live ranges --------------===//
//
// The arena layout problem of loom-plan-memory, without any IR: buffers with
// a size and a closed live range [first, last] of plan positions get byte
// offsets such that two buffers live at the same time never overlap.
//
//===----------------------------------------------------------------------===//

#ifndef LOOM_PASSES_PLAN_MEMORYPLANNER_H
#define LOOM_PASSES_PLAN_MEMORYPLANNER_H

#include <cstdint>
#include <vector>

namespace mlir::loom {

struct PlannedBuffer {
  int64_t bytes = 0;
  int64_t first = 0; // position of the definition
  int64_t last = 0;  // position of the last use (>= first)
  int64_t offset = -1; // the result
};

struct MemoryPlanStats {
  int64_t peakBytes = 0;   // the arena size the layout needs
  int64_t tensorBytes = 0; // all buffers side by side (no reuse), aligned
  int64_t liveBound = 0;   // the most bytes live at one position: no layout beats it
};

/// Places every buffer: greedily by decreasing size (ties: earlier first,
/// then index), each at the lowest `alignment`-aligned offset where it
/// overlaps no placed buffer whose live range meets its own. Deterministic.
MemoryPlanStats planOffsets(std::vector<PlannedBuffer> &buffers, int64_t alignment);

} // namespace mlir::loom

#endif // LOOM_PASSES_PLAN_MEMORYPLANNER_H
