//===- PipelinesTest.cpp - named phases ------------------------------------===//

#include "passes/Pipelines.h"

#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace mlir::loom;

TEST(Pipelines, PhaseNamesRoundTrip) {
  for (Phase p : {Phase::Input, Phase::Autodiff, Phase::Target, Phase::Bounds, Phase::Fusion,
                  Phase::Codegen})
    EXPECT_EQ(parsePhase(phaseName(p)), p);
  EXPECT_FALSE(parsePhase("fusoin").has_value());
}

TEST(Pipelines, InputPhaseBuilds) {
  MLIRContext context;
  OpPassManager pm("builtin.module");
  std::string error;
  ASSERT_TRUE(succeeded(buildPhase(pm, Phase::Input, error))) << error;
  EXPECT_EQ(pm.size(), 3u);
}

TEST(Pipelines, EveryPhaseBuildsForCpu) {
  for (Phase p : {Phase::Input, Phase::Autodiff, Phase::Target, Phase::Bounds, Phase::Fusion,
                  Phase::Codegen}) {
    OpPassManager pm("builtin.module");
    std::string error;
    EXPECT_TRUE(succeeded(buildPhase(pm, p, error))) << phaseName(p).str() << ": " << error;
    EXPECT_GT(pm.size(), 0u) << phaseName(p).str();
  }
}

TEST(Pipelines, EveryPhaseBuildsForCuda) {
  PhaseOptions cuda;
  cuda.target = "cuda";
  for (Phase p : {Phase::Target, Phase::Bounds, Phase::Fusion, Phase::Codegen}) {
    OpPassManager pm("builtin.module");
    std::string error;
    EXPECT_TRUE(succeeded(buildPhase(pm, p, error, cuda))) << phaseName(p).str() << ": " << error;
    EXPECT_GT(pm.size(), 0u) << phaseName(p).str();
  }
}

TEST(Pipelines, AnUnknownTargetFailsLoudly) {
  OpPassManager pm("builtin.module");
  std::string error;
  PhaseOptions tpu;
  tpu.target = "tpu";
  EXPECT_TRUE(failed(buildPhase(pm, Phase::Target, error, tpu)));
  EXPECT_NE(error.find("unknown target 'tpu' (expected cpu or cuda)"), std::string::npos)
      << error;
  EXPECT_EQ(pm.size(), 0u);
}
