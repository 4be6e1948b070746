// RUN: loom-opt %s --loom-select-target="target=cuda" | FileCheck %s

/// [Rule: the option names the target]
// CHECK-LABEL: module @m attributes {loom.target = "cuda"}
module @m {
}
