//===- MemoryPlannerTest.cpp - the arena layout of loom-plan-memory --------===//

#include "passes/Plan/MemoryPlanner.h"

#include <gtest/gtest.h>

#include <random>

using namespace mlir::loom;

namespace {

bool meetInTime(const PlannedBuffer &a, const PlannedBuffer &b) {
  return a.first <= b.last && b.first <= a.last;
}
bool meetInSpace(const PlannedBuffer &a, const PlannedBuffer &b) {
  return a.offset < b.offset + b.bytes && b.offset < a.offset + a.bytes;
}

TEST(MemoryPlanner, BuffersLiveApartShareTheirPlace) {
  std::vector<PlannedBuffer> b{{100, 0, 1}, {100, 2, 3}, {100, 4, 5}};
  MemoryPlanStats s = planOffsets(b, 64);
  for (const PlannedBuffer &x : b)
    EXPECT_EQ(x.offset, 0);
  EXPECT_EQ(s.peakBytes, 100);
  EXPECT_EQ(s.liveBound, 100);
  EXPECT_EQ(s.tensorBytes, 3 * 128);
}

TEST(MemoryPlanner, BuffersLiveTogetherAreApartAndAligned) {
  std::vector<PlannedBuffer> b{{100, 0, 2}, {10, 1, 3}, {300, 2, 2}};
  MemoryPlanStats s = planOffsets(b, 64);
  // Largest first: 300 at 0, then 100 at 320 (aligned), then 10 (live with
  // both) at 448.
  EXPECT_EQ(b[2].offset, 0);
  EXPECT_EQ(b[0].offset, 320);
  EXPECT_EQ(b[1].offset, 448);
  EXPECT_EQ(s.peakBytes, 458);
  EXPECT_EQ(s.liveBound, 410);
}

TEST(MemoryPlanner, ALaterBufferTakesTheDeadOnesPlace) {
  // 100 (live 0..1) sits above 200 (live 0..3); 50 (live 2..3) takes its place.
  std::vector<PlannedBuffer> b{{200, 0, 3}, {100, 0, 1}, {50, 2, 3}};
  planOffsets(b, 64);
  EXPECT_EQ(b[0].offset, 0);
  EXPECT_EQ(b[1].offset, 256);
  EXPECT_EQ(b[2].offset, 256);
}

TEST(MemoryPlanner, RandomLayoutsNeverOverlapAndStayWithinBounds) {
  std::mt19937_64 rng(42);
  for (int trial = 0; trial < 500; ++trial) {
    std::vector<PlannedBuffer> b(1 + rng() % 40);
    for (PlannedBuffer &x : b) {
      x.bytes = static_cast<int64_t>(rng() % 5000);
      x.first = static_cast<int64_t>(rng() % 50);
      x.last = x.first + static_cast<int64_t>(rng() % 20);
    }
    MemoryPlanStats s = planOffsets(b, 64);
    int64_t sum = 0;
    for (size_t i = 0; i < b.size(); ++i) {
      EXPECT_EQ(b[i].offset % 64, 0);
      EXPECT_LE(b[i].offset + b[i].bytes, s.peakBytes);
      sum += (b[i].bytes + 63) / 64 * 64;
      for (size_t j = 0; j < i; ++j)
        if (b[i].bytes && b[j].bytes && meetInTime(b[i], b[j]))
          ASSERT_FALSE(meetInSpace(b[i], b[j])) << "trial " << trial << ": " << i << ", " << j;
    }
    EXPECT_LE(s.peakBytes, sum);
    EXPECT_GE(s.peakBytes, s.liveBound);
    EXPECT_EQ(s.tensorBytes, sum);
  }
}

} // namespace
