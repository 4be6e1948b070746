// RUN: loom-opt %s --split-input-file --loom-select-target --verify-diagnostics | FileCheck %s

/// [Rule: the target is recorded on the module; cpu by default]
// CHECK-LABEL: module @m attributes {loom.target = "cpu"}
module @m {
  func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
    return %x : tensor<4xf32>
  }
}

// -----

/// [Rule: selecting the target a module has already is a no-op; another is
/// an error (negative-select-target.mlir)]
// CHECK-LABEL: module @same attributes {loom.target = "cpu"}
module @same attributes {loom.target = "cpu"} {
}
