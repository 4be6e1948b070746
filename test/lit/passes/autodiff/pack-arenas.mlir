// RUN: loom-opt %s --split-input-file --loom-autodiff --loom-build-apply-step --loom-pack-arenas --verify-diagnostics | FileCheck %s

/// [Rule: public steps take flat arenas; weight-decayed (rank >= 2) parameters
/// come first; frozen ones have their own arena; the layout is recorded]
// CHECK-LABEL: module attributes
//  CHECK-SAME: loom.parameter_table = [{arena = "params", init = "normal", init_std = 2.000000e-02 : f64, name = "w", offset = 0 : i64, shape = array<i64: 8, 4>},
//  CHECK-SAME: {arena = "params", init = "ones", name = "norm", offset = 32 : i64, shape = array<i64: 4>},
//  CHECK-SAME: {arena = "frozen", name = "f", offset = 0 : i64, shape = array<i64: 4>}]
// CHECK:       func.func private @grad_step_tensors(
// CHECK:       func.func @grad_step(%[[P:[^:]*]]: tensor<36xf32> {loom.arena = "params"}, %[[F:[^:]*]]: tensor<4xf32> {loom.arena = "frozen"}, %{{.*}}: tensor<8xi64> {loom.input = "ids"}, %[[G:[^:]*]]: tensor<36xf32> {loom.arena = "grads"}) -> (tensor<f32>, tensor<36xf32> {loom.arena = "grads"})
// CHECK-DAG:     loom.slice %[[P]] offsets [0] sizes [32] strides [1]
// CHECK-DAG:     loom.slice %[[P]] offsets [32] sizes [4] strides [1]
// CHECK-DAG:     loom.slice %[[F]] offsets [0] sizes [4] strides [1]
// CHECK:         call @grad_step_tensors(
// CHECK:         %[[ARENA:.*]] = loom.concat %{{.*}}, %{{.*}} dim 0 : tensor<32xf32>, tensor<4xf32>
// CHECK:         return %{{.*}}, %[[ARENA]]
/// @apply_step is one update over whole arenas; decay covers the first 32
/// elements (the matrix w), not the norm weight.
// CHECK-NOT:   @apply_step_tensors
// CHECK:       func.func @apply_step(%{{.*}}: tensor<36xf32> {loom.arena = "params"}, %{{.*}}: tensor<36xf32> {loom.arena = "grads"}, %{{.*}}: tensor<36xf32> {loom.arena = "adam_m"}, %{{.*}}: tensor<36xf32> {loom.arena = "adam_v"}, %{{.*}}: tensor<i64> {loom.input = "step"}) -> (tensor<36xf32> {loom.arena = "params"}, tensor<36xf32> {loom.arena = "adam_m"}, tensor<36xf32> {loom.arena = "adam_v"}, tensor<f32>, tensor<i1>)
// CHECK:         %[[I:.*]] = loom.iota dim 0 : tensor<36xi64>
// CHECK:         %[[D:.*]] = loom.constant dense<32> : tensor<36xi64>
// CHECK:         loom.compare lt %[[I]], %[[D]]
// CHECK-NOT:     call
// CHECK:         return
module attributes {loom.training = {lr = 1.0e-3 : f64, min_lr = 1.0e-4 : f64, warmup_steps = 10 : i64,
    total_steps = 100 : i64, beta1 = 0.9 : f64, beta2 = 0.95 : f64, eps = 1.0e-8 : f64,
    weight_decay = 0.1 : f64, clip_norm = 1.0 : f64}} {
  func.func @loss(%n: tensor<4xf32> {loom.param = "norm", loom.init = "ones"},
                  %w: tensor<8x4xf32> {loom.param = "w", loom.init = "normal", loom.init_std = 0.02 : f64},
                  %f: tensor<4xf32> {loom.param = "f", loom.frozen},
                  %ids: tensor<8xi64> {loom.input = "ids"}) -> tensor<f32> {
    %e = loom.gather %w[%ids] axis 0 : tensor<8x4xf32>, tensor<8xi64>
    %nb = loom.broadcast %n dims [1] : tensor<4xf32> -> tensor<8x4xf32>
    %fb = loom.broadcast %f dims [1] : tensor<4xf32> -> tensor<8x4xf32>
    %y = loom.binary mul %e, %nb : tensor<8x4xf32>
    %z = loom.binary mul %y, %fb : tensor<8x4xf32>
    %l = loom.reduce sum %z dims [0, 1] acc(f32) : tensor<8x4xf32>
    return %l : tensor<f32>
  }
}
