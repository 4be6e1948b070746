// RUN: loom-opt %s --split-input-file --loom-autodiff --verify-diagnostics | FileCheck %s

/// [Rule: @grad_step returns the loss and accumulator + gradient per trained
/// parameter] y = x·W1ᵀ·W2ᵀ summed: dW2 = dyᵀ·h, dh = dy·W2, dW1 = dhᵀ·x.
// CHECK-LABEL: func.func @grad_step
//  CHECK-SAME: %[[X:[^:]*]]: tensor<4x8xf32> {loom.input = "x"}
//  CHECK-SAME: %[[W1:[^:]*]]: tensor<8x8xf32> {loom.param = "w1"}
//  CHECK-SAME: %[[W2:[^:]*]]: tensor<8x8xf32> {loom.param = "w2"}
//  CHECK-SAME: %[[G1:[^:]*]]: tensor<8x8xf32> {loom.grad = "w1"}
//  CHECK-SAME: %[[G2:[^:]*]]: tensor<8x8xf32> {loom.grad = "w2"}
//  CHECK-SAME: -> (tensor<f32>, tensor<8x8xf32>, tensor<8x8xf32>)
//       CHECK:   %[[H:.*]] = loom.linear %[[X]], %[[W1]]
//       CHECK:   %[[Y:.*]] = loom.linear %[[H]], %[[W2]]
//       CHECK:   %[[L:.*]] = loom.reduce sum %[[Y]]
//       CHECK:   %[[DY:.*]] = loom.broadcast
//   CHECK-DAG:   %[[DW2:.*]] = loom.matmul %[[DY]], %[[H]] transpose_lhs
//   CHECK-DAG:   %[[DH:.*]] = loom.matmul %[[DY]], %[[W2]] acc(f32)
//   CHECK-DAG:   %[[DW1:.*]] = loom.matmul %[[DH]], %[[X]] transpose_lhs
//       CHECK:   %[[A1:.*]] = loom.binary add %[[G1]], %[[DW1]]
//       CHECK:   %[[A2:.*]] = loom.binary add %[[G2]], %[[DW2]]
//       CHECK:   return %[[L]], %[[A1]], %[[A2]]
func.func @loss(%x: tensor<4x8xf32> {loom.input = "x"}, %w1: tensor<8x8xf32> {loom.param = "w1"},
                %w2: tensor<8x8xf32> {loom.param = "w2"}) -> tensor<f32> {
  %h = loom.linear %x, %w1 acc(f32) : tensor<4x8xf32>, tensor<8x8xf32>
  %y = loom.linear %h, %w2 acc(f32) : tensor<4x8xf32>, tensor<8x8xf32>
  %l = loom.reduce sum %y dims [0, 1] acc(f32) : tensor<4x8xf32>
  return %l : tensor<f32>
}

// -----

/// [Rule: a frozen parameter gets no accumulator and no op computes its
/// gradient] With W1 frozen and x an input, h carries no cotangent: the only
/// matmul left is dW2.
// CHECK-LABEL: func.func @grad_step
//  CHECK-SAME: {loom.frozen, loom.param = "w1"}
//  CHECK-SAME: %[[G2:[^:]*]]: tensor<8x8xf32> {loom.grad = "w2"}) -> (tensor<f32>, tensor<8x8xf32>)
//       CHECK:   loom.matmul
//   CHECK-NOT:   loom.matmul
//       CHECK:   return
func.func @loss(%x: tensor<4x8xf32> {loom.input = "x"}, %w1: tensor<8x8xf32> {loom.param = "w1", loom.frozen},
                %w2: tensor<8x8xf32> {loom.param = "w2"}) -> tensor<f32> {
  %h = loom.linear %x, %w1 acc(f32) : tensor<4x8xf32>, tensor<8x8xf32>
  %y = loom.linear %h, %w2 acc(f32) : tensor<4x8xf32>, tensor<8x8xf32>
  %l = loom.reduce sum %y dims [0, 1] acc(f32) : tensor<4x8xf32>
  return %l : tensor<f32>
}

// -----

/// [Rule: a frozen weight still passes gradients to earlier layers] W2 frozen:
/// no dW2, but dh = dy·W2 flows on to dW1.
// CHECK-LABEL: func.func @grad_step
//  CHECK-SAME: -> (tensor<f32>, tensor<8x8xf32>)
//       CHECK:   %[[DH:.*]] = loom.matmul %{{.*}}, %{{.*}} acc(f32)
//       CHECK:   loom.matmul %[[DH]], %{{.*}} transpose_lhs
//   CHECK-NOT:   loom.matmul
//       CHECK:   return
func.func @loss(%x: tensor<4x8xf32> {loom.input = "x"}, %w1: tensor<8x8xf32> {loom.param = "w1"},
                %w2: tensor<8x8xf32> {loom.param = "w2", loom.frozen}) -> tensor<f32> {
  %h = loom.linear %x, %w1 acc(f32) : tensor<4x8xf32>, tensor<8x8xf32>
  %y = loom.linear %h, %w2 acc(f32) : tensor<4x8xf32>, tensor<8x8xf32>
  %l = loom.reduce sum %y dims [0, 1] acc(f32) : tensor<4x8xf32>
  return %l : tensor<f32>
}

// -----

/// [Rule: a call is differentiated by one generated VJP function per callee
/// and mask, shared by every call with that mask] The first layer's input is
/// data (mask 01: only its weight needs a gradient); the next two share 11.
// CHECK-LABEL: func.func private @layer(
//   CHECK-DAG: func.func private @layer_vjp_11_1({{.*}}) -> (tensor<4x8xf32>, tensor<8x8xf32>)
//   CHECK-DAG: func.func private @layer_vjp_01_1({{.*}}) -> tensor<8x8xf32>
//   CHECK-NOT: func.func private @layer_vjp
//       CHECK-LABEL: func.func @grad_step
//       CHECK-COUNT-3: call @layer(
//       CHECK-COUNT-2: call @layer_vjp_11_1(
//       CHECK: call @layer_vjp_01_1(
func.func private @layer(%x: tensor<4x8xf32>, %w: tensor<8x8xf32>) -> tensor<4x8xf32> {
  %h = loom.linear %x, %w acc(f32) : tensor<4x8xf32>, tensor<8x8xf32>
  %y = loom.unary tanh %h : tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}
func.func @loss(%x: tensor<4x8xf32> {loom.input = "x"}, %w1: tensor<8x8xf32> {loom.param = "w1"},
                %w2: tensor<8x8xf32> {loom.param = "w2"}, %w3: tensor<8x8xf32> {loom.param = "w3"}) -> tensor<f32> {
  %h1 = func.call @layer(%x, %w1) : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
  %h2 = func.call @layer(%h1, %w2) : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
  %y = func.call @layer(%h2, %w3) : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
  %l = loom.reduce sum %y dims [0, 1] acc(f32) : tensor<4x8xf32>
  return %l : tensor<f32>
}

// -----

/// [Rule: a parameter the loss does not reach keeps its accumulator]
// CHECK-LABEL: func.func @grad_step
//  CHECK-SAME: %[[G:[^:]*]]: tensor<8xf32> {loom.grad = "unused"})
//       CHECK:   return %{{.*}}, %[[G]]
func.func @loss(%x: tensor<8xf32> {loom.input = "x"}, %u: tensor<8xf32> {loom.param = "unused"}) -> tensor<f32> {
  %l = loom.reduce sum %x dims [0] acc(f32) : tensor<8xf32>
  return %l : tensor<f32>
}

// -----

// expected-error @+1 {{loom-autodiff: no function @loss to differentiate}}
module {
  func.func @forward(%x: tensor<8xf32>) -> tensor<8xf32> {
    return %x : tensor<8xf32>
  }
}

// -----

// expected-error @+1 {{loom-autodiff: @loss must return one float scalar (tensor<f32>), not '(tensor<8xf32>) -> tensor<8xf32>'}}
func.func @loss(%x: tensor<8xf32> {loom.param = "x"}) -> tensor<8xf32> {
  return %x : tensor<8xf32>
}

// -----

/// Second-order derivatives are not built: a gradient op on the path is refused.
func.func @loss(%q: tensor<1x2x1x4xf32> {loom.param = "q"}, %p: tensor<1x2xi64> {loom.input = "p"},
                %o: tensor<1x2x1x4xf32> {loom.input = "o"}, %lse: tensor<1x2x1xf32> {loom.input = "lse"}) -> tensor<f32> {
  // expected-error @+1 {{'loom.attention_grad' op has no VJP, but it is on the path from a trained parameter to the differentiated result}}
  %dq, %dk, %dv = loom.attention_grad %q, %q, %q, %o, %lse, %o query_positions(%p) key_positions(%p) visible(%p, %p)
      : tensor<1x2x1x4xf32>, tensor<1x2x1x4xf32>, tensor<1x2x1x4xf32>, tensor<1x2x1x4xf32>, tensor<1x2x1xf32>,
        tensor<1x2xi64>, tensor<1x2xi64>
  %l = loom.reduce sum %dq dims [0, 1, 2, 3] acc(f32) : tensor<1x2x1x4xf32>
  return %l : tensor<f32>
}

// -----

/// VJP cases not built yet fail loudly on the forward op: a loss that reads
/// a norm's statistic (a residual, which takes no cotangent).
func.func @loss(%x: tensor<2x8xf32> {loom.param = "x"}) -> tensor<f32> {
  // expected-error @+1 {{'loom.rms_norm' op has no VJP for a cotangent of rstd (a residual) yet}}
  %y, %rstd = loom.rms_norm %x {epsilon = 1.0e-5 : f64} : tensor<2x8xf32>
  %l = loom.reduce sum %rstd dims [0] acc(f32) : tensor<2xf32>
  return %l : tensor<f32>
}
