//===- MemoryPlanner.cpp - offsets for buffers with live ranges ------------===//
//
// Greedy by size (as TFLite's arena planner): large buffers first keep the
// holes that small ones fill later; for each buffer, the conflicting placed
// buffers are sorted by offset and the first gap that fits is taken.
//
//===----------------------------------------------------------------------===//

#include "passes/Plan/MemoryPlanner.h"

#include <algorithm>
#include <map>
#include <numeric>

using namespace mlir::loom;

namespace {

int64_t alignUp(int64_t x, int64_t a) { return (x + a - 1) / a * a; }

bool overlapInTime(const PlannedBuffer &a, const PlannedBuffer &b) {
  return a.first <= b.last && b.first <= a.last;
}

} // namespace

MemoryPlanStats mlir::loom::planOffsets(std::vector<PlannedBuffer> &buffers, int64_t alignment) {
  std::vector<size_t> order(buffers.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (buffers[a].bytes != buffers[b].bytes)
      return buffers[a].bytes > buffers[b].bytes;
    return buffers[a].first < buffers[b].first;
  });
  MemoryPlanStats stats;
  std::vector<size_t> placed;
  for (size_t i : order) {
    PlannedBuffer &buf = buffers[i];
    std::vector<std::pair<int64_t, int64_t>> busy; // [offset, end) of conflicting buffers
    for (size_t j : placed)
      if (overlapInTime(buf, buffers[j]))
        busy.push_back({buffers[j].offset, buffers[j].offset + buffers[j].bytes});
    std::sort(busy.begin(), busy.end());
    int64_t at = 0;
    for (auto [begin, end] : busy) {
      if (at + buf.bytes <= begin)
        break;
      at = std::max(at, alignUp(end, alignment));
    }
    buf.offset = at;
    placed.push_back(i);
    stats.peakBytes = std::max(stats.peakBytes, at + buf.bytes);
    stats.tensorBytes += alignUp(buf.bytes, alignment);
  }
  // The live bound: sweep positions.
  std::map<int64_t, int64_t> delta;
  for (const PlannedBuffer &b : buffers) {
    delta[b.first] += b.bytes;
    delta[b.last + 1] -= b.bytes;
  }
  int64_t live = 0;
  for (auto [pos, d] : delta) {
    live += d;
    stats.liveBound = std::max(stats.liveBound, live);
  }
  return stats;
}
