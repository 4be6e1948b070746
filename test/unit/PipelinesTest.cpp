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

TEST(Pipelines, PhasesNotBuiltYetFailLoudly) {
  OpPassManager pm("builtin.module");
  std::string error;
  EXPECT_TRUE(failed(buildPhase(pm, Phase::Fusion, error)));
  EXPECT_NE(error.find("'fusion' is not built yet"), std::string::npos) << error;
  EXPECT_EQ(pm.size(), 0u);
}
