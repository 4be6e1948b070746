// RUN: loom-opt %s --split-input-file --loom-form-dispatches --verify-diagnostics | FileCheck %s

/// [Rule: a compute op becomes a dispatch of a kernel holding it]
// CHECK-LABEL: func.func @elementwise
//  CHECK-SAME: (%[[X:.*]]: tensor<8xf32>)
//       CHECK:   %[[R:.*]] = loomrt.dispatch @kernels::@k0_unary(%[[X]]) : (tensor<8xf32>) -> tensor<8xf32>
//       CHECK:   return %[[R]]
//       CHECK: module @kernels
//       CHECK:   func.func @k0_unary(%[[A:.*]]: tensor<8xf32>) -> tensor<8xf32>
//       CHECK:     loom.unary exp %[[A]]
func.func @elementwise(%x: tensor<8xf32>) -> tensor<8xf32> {
  %y = loom.unary exp %x : tensor<8xf32>
  return %y : tensor<8xf32>
}

// -----

/// [Rule: identical ops (same op, types, attributes) share one kernel, also
/// across functions; a different attribute makes another]
// CHECK-LABEL: func.func @shared
//       CHECK:   loomrt.dispatch @kernels::@k0_unary
//       CHECK:   loomrt.dispatch @kernels::@k0_unary
//       CHECK:   loomrt.dispatch @kernels::@k1_unary
// CHECK-LABEL: func.func @shared_too
//       CHECK:   loomrt.dispatch @kernels::@k0_unary
//       CHECK: module @kernels
//   CHECK-NOT:   func.func @k2
func.func @shared(%x: tensor<8xf32>) -> tensor<8xf32> {
  %a = loom.unary exp %x : tensor<8xf32>
  %b = loom.unary exp %a : tensor<8xf32>
  %c = loom.unary tanh %b : tensor<8xf32>
  return %c : tensor<8xf32>
}
func.func @shared_too(%x: tensor<8xf32>) -> tensor<8xf32> {
  %a = loom.unary exp %x : tensor<8xf32>
  return %a : tensor<8xf32>
}

// -----

/// [Rule: constants a kernel reads are cloned into it, not passed; a constant
/// only kernels read disappears from the function]
// CHECK-LABEL: func.func @constant_operand
//   CHECK-NOT:   loom.constant
//       CHECK:   loomrt.dispatch @kernels::@k0_binary(%{{.*}}) : (tensor<4xf32>) -> tensor<4xf32>
//       CHECK: func.func @k0_binary(%[[A:.*]]: tensor<4xf32>)
//       CHECK:   %[[C:.*]] = loom.constant dense<2.000000e+00>
//       CHECK:   loom.binary mul %[[A]], %[[C]]
func.func @constant_operand(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c = loom.constant dense<2.0> : tensor<4xf32>
  %y = loom.binary mul %x, %c : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

/// [Rule: f32 contractions without bias stay for the GEMM library; a bias or
/// another accumulation type makes a kernel]
// CHECK-LABEL: func.func @contractions
//       CHECK:   loom.linear %{{.*}}, %{{.*}} acc(f32)
//       CHECK:   loom.matmul %{{.*}}, %{{.*}} transpose_lhs acc(f32)
//       CHECK:   loomrt.dispatch @kernels::@k0_linear
//       CHECK:   loomrt.dispatch @kernels::@k1_matmul
func.func @contractions(%x: tensor<4x8xf32>, %w: tensor<16x8xf32>, %b: tensor<16xf32>,
                        %d: tensor<4x8xf64>) -> (tensor<4x16xf32>, tensor<8x8xf32>, tensor<4x16xf32>, tensor<4x4xf64>) {
  %y = loom.linear %x, %w acc(f32) : tensor<4x8xf32>, tensor<16x8xf32>
  %g = loom.matmul %x, %x transpose_lhs acc(f32) : tensor<4x8xf32>, tensor<4x8xf32>
  %z = loom.linear %x, %w bias(%b : tensor<16xf32>) acc(f32) : tensor<4x8xf32>, tensor<16x8xf32>
  %e = loom.matmul %d, %d transpose_rhs acc(f64) : tensor<4x8xf64>, tensor<4x8xf64>
  return %y, %g, %z, %e : tensor<4x16xf32>, tensor<8x8xf32>, tensor<4x16xf32>, tensor<4x4xf64>
}

// -----

/// [Rule: reshapes and contiguous slices stay as views; a strided or
/// non-contiguous slice is a kernel]
// CHECK-LABEL: func.func @views
//       CHECK:   loom.reshape
//       CHECK:   loom.slice %{{.*}} offsets [2, 0] sizes [3, 8]
//       CHECK:   loom.slice %{{.*}} offsets [1, 4] sizes [1, 2]
//       CHECK:   loomrt.dispatch @kernels::@k0_slice
//       CHECK:   loomrt.dispatch @kernels::@k1_slice
func.func @views(%x: tensor<6x8xf32>) -> (tensor<48xf32>, tensor<3x8xf32>, tensor<1x2xf32>, tensor<3x4xf32>, tensor<3x8xf32>) {
  %r = loom.reshape %x : tensor<6x8xf32> -> tensor<48xf32>
  %a = loom.slice %x offsets [2, 0] sizes [3, 8] strides [1, 1] : tensor<6x8xf32>
  %b = loom.slice %x offsets [1, 4] sizes [1, 2] strides [1, 1] : tensor<6x8xf32>
  %c = loom.slice %x offsets [0, 0] sizes [3, 4] strides [1, 1] : tensor<6x8xf32>
  %d = loom.slice %x offsets [0, 0] sizes [3, 8] strides [2, 1] : tensor<6x8xf32>
  return %r, %a, %b, %c, %d : tensor<48xf32>, tensor<3x8xf32>, tensor<1x2xf32>, tensor<3x4xf32>, tensor<3x8xf32>
}

// -----

/// [Rule: a splat constant a library call or the caller reads stays (memory
/// planning fills it); a dense one becomes a kernel of its own]
// CHECK-LABEL: func.func @returned_constants
//       CHECK:   %[[S:.*]] = loom.constant dense<1.000000e+00> : tensor<4x8xf32>
//       CHECK:   loomrt.dispatch @kernels::@k0_constant() : () -> tensor<2xf32>
//       CHECK:   loom.linear %[[S]]
func.func @returned_constants(%w: tensor<16x8xf32>) -> (tensor<4x16xf32>, tensor<2xf32>) {
  %s = loom.constant dense<1.0> : tensor<4x8xf32>
  %d = loom.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %y = loom.linear %s, %w acc(f32) : tensor<4x8xf32>, tensor<16x8xf32>
  return %y, %d : tensor<4x16xf32>, tensor<2xf32>
}

// -----

/// [Rule: private functions are left alone (they are inlined before this pass
/// in the pipeline)]
// CHECK-LABEL: func.func private @helper
//       CHECK:   loom.unary exp
func.func private @helper(%x: tensor<8xf32>) -> tensor<8xf32> {
  %y = loom.unary exp %x : tensor<8xf32>
  return %y : tensor<8xf32>
}

// -----

/// [Rule: negative_ calls must be inlined first]
func.func private @callee(%x: tensor<8xf32>) -> tensor<8xf32> {
  return %x : tensor<8xf32>
}
func.func @negative_call(%x: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{loom-form-dispatches: calls must be inlined first (run 'inline')}}
  %y = call @callee(%x) : (tensor<8xf32>) -> tensor<8xf32>
  return %y : tensor<8xf32>
}
