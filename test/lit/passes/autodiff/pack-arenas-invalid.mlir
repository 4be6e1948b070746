// RUN: loom-opt %s --split-input-file --loom-pack-arenas --verify-diagnostics

// expected-error @+1 {{loom-pack-arenas: needs @grad_step and @apply_step (run loom-autodiff and loom-build-apply-step first)}}
module {
}

// -----

/// One arena per dtype is not built yet.
module {
  // expected-error @+1 {{loom-pack-arenas: parameters of mixed element types ('f32' and 'bf16') need one arena per dtype, not built yet}}
  func.func @grad_step(%a: tensor<4xf32> {loom.param = "a"}, %b: tensor<4xbf16> {loom.param = "b"}) {
    return
  }
  func.func @apply_step() {
    return
  }
}

// -----

module {
  // expected-error @+1 {{loom-pack-arenas: no trained parameter}}
  func.func @grad_step(%a: tensor<4xf32> {loom.param = "a", loom.frozen}) {
    return
  }
  func.func @apply_step() {
    return
  }
}

// -----

module {
  // expected-error @+1 {{loom-pack-arenas: parameter 'a' is not a static float tensor}}
  func.func @grad_step(%a: tensor<4xi32> {loom.param = "a"}) {
    return
  }
  func.func @apply_step() {
    return
  }
}
