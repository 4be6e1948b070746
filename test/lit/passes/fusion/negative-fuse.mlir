// RUN: loom-opt %s --split-input-file --loom-fuse --verify-diagnostics

/// [Rule: negative_ the target must be selected first]
// expected-error @+1 {{loom-fuse: no loom.target on the module (run loom-select-target first)}}
module {
}

// -----

/// [Rule: negative_ the target needs a capability table]
// expected-error @+1 {{loom-fuse: no capability table for target 'tpu'}}
module attributes {loom.target = "tpu"} {
}
