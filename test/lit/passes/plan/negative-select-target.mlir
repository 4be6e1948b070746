// RUN: loom-opt %s --split-input-file --loom-select-target="target=cpu" --verify-diagnostics
// RUN: not loom-opt %s --loom-select-target="target=tpu" 2>&1 | FileCheck %s --check-prefix=UNKNOWN

/// [Rule: negative_ a module compiled for another target is not retargeted]
// expected-error @+1 {{loom-select-target: the module is compiled for 'cuda' already, not 'cpu'}}
module @negative_retarget attributes {loom.target = "cuda"} {
}

// UNKNOWN: loom-select-target: unknown target 'tpu' (expected cpu or cuda)
