// RUN: loom-opt %s | loom-opt | FileCheck %s
// RUN: loom-opt %s --mlir-print-op-generic | loom-opt | FileCheck %s

// CHECK-LABEL: func.func @fusion
//       CHECK:   %[[R:.*]]:2 = loom.fusion row_reduction (%{{.*}}, %{{.*}}) : (tensor<4x8xf32>, tensor<8xf32>) -> (tensor<4x8xf32>, tensor<4xf32>) {
//       CHECK:   ^bb0(%[[A:.*]]: tensor<4x8xf32>, %[[W:.*]]: tensor<8xf32>):
//       CHECK:     %[[E:.*]] = loom.unary exp %[[A]]
//       CHECK:     %{{.*}}, %{{.*}} = loom.rms_norm %[[E]] weight(%[[W]] : tensor<8xf32>)
//       CHECK:     loom.yield %{{.*}}, %{{.*}} : tensor<4x8xf32>, tensor<4xf32>
func.func @fusion(%x: tensor<4x8xf32>, %w: tensor<8xf32>) -> (tensor<4x8xf32>, tensor<4xf32>) {
  %r:2 = loom.fusion row_reduction (%x, %w) : (tensor<4x8xf32>, tensor<8xf32>) -> (tensor<4x8xf32>, tensor<4xf32>) {
  ^bb0(%a: tensor<4x8xf32>, %ww: tensor<8xf32>):
    %e = loom.unary exp %a : tensor<4x8xf32>
    %n, %rstd = loom.rms_norm %e weight(%ww : tensor<8xf32>) {epsilon = 1.0e-5 : f64} : tensor<4x8xf32>
    loom.yield %n, %rstd : tensor<4x8xf32>, tensor<4xf32>
  }
  return %r#0, %r#1 : tensor<4x8xf32>, tensor<4xf32>
}
