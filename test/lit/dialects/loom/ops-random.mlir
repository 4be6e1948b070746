// RUN: loom-opt %s --split-input-file | loom-opt --split-input-file | FileCheck %s
// RUN: loom-opt %s --split-input-file --mlir-print-op-generic | loom-opt --split-input-file | FileCheck %s

/// Round trip of the random family (random_fold_in, random_uniform,
/// random_normal) in custom and generic form.

/// key = fold_in(fold_in(seed, step), op id), as DESIGN.md §4 derives it.
// CHECK-LABEL: func.func @random_fold_in
//  CHECK-SAME: (%[[SEED:.*]]: tensor<i64>, %[[STEP:.*]]: tensor<i64>, %[[ID:.*]]: tensor<i64>)
//       CHECK: %[[K1:.*]] = loom.random_fold_in %[[SEED]], %[[STEP]] : tensor<i64>
//       CHECK: %[[K2:.*]] = loom.random_fold_in %[[K1]], %[[ID]] : tensor<i64>
//       CHECK: return %[[K2]] : tensor<i64>
func.func @random_fold_in(%seed: tensor<i64>, %step: tensor<i64>, %id: tensor<i64>) -> tensor<i64> {
  %0 = loom.random_fold_in %seed, %step : tensor<i64>
  %1 = loom.random_fold_in %0, %id : tensor<i64>
  return %1 : tensor<i64>
}

// -----

/// Uniform draws in every float type, a scalar included.
// CHECK-LABEL: func.func @random_uniform
//       CHECK: loom.random_uniform %{{.*}} : tensor<2x64xf32>
//       CHECK: loom.random_uniform %{{.*}} : tensor<2x64xf64>
//       CHECK: loom.random_uniform %{{.*}} : tensor<2x64xbf16>
//       CHECK: loom.random_uniform %{{.*}} : tensor<2x64xf16>
//       CHECK: loom.random_uniform %{{.*}} : tensor<f32>
func.func @random_uniform(%key: tensor<i64>) {
  %0 = loom.random_uniform %key : tensor<2x64xf32>
  %1 = loom.random_uniform %key : tensor<2x64xf64>
  %2 = loom.random_uniform %key : tensor<2x64xbf16>
  %3 = loom.random_uniform %key : tensor<2x64xf16>
  %4 = loom.random_uniform %key : tensor<f32>
  return
}

// -----

/// Dynamic dims take their sizes from `sizes`, in order.
// CHECK-LABEL: func.func @random_uniform_bounded
//  CHECK-SAME: (%[[KEY:.*]]: tensor<i64>, %[[N:.*]]: index, %[[M:.*]]: index)
//       CHECK: loom.random_uniform %[[KEY]] sizes(%[[N]]) : tensor<?x64xf32, #loom.bounds<[512, 64]>>
//       CHECK: loom.random_uniform %[[KEY]] sizes(%[[N]], %[[M]]) : tensor<?x?xbf16, #loom.bounds<[512, 8]>>
func.func @random_uniform_bounded(%key: tensor<i64>, %n: index, %m: index) {
  %0 = loom.random_uniform %key sizes(%n) : tensor<?x64xf32, #loom.bounds<[512, 64]>>
  %1 = loom.random_uniform %key sizes(%n, %m) : tensor<?x?xbf16, #loom.bounds<[512, 8]>>
  return
}

// -----

// CHECK-LABEL: func.func @random_normal
//       CHECK: loom.random_normal %{{.*}} : tensor<4x16xf32>
//       CHECK: loom.random_normal %{{.*}} : tensor<4x16xf64>
//       CHECK: loom.random_normal %{{.*}} : tensor<4x16xbf16>
//       CHECK: loom.random_normal %{{.*}} : tensor<4x16xf16>
func.func @random_normal(%key: tensor<i64>) {
  %0 = loom.random_normal %key : tensor<4x16xf32>
  %1 = loom.random_normal %key : tensor<4x16xf64>
  %2 = loom.random_normal %key : tensor<4x16xbf16>
  %3 = loom.random_normal %key : tensor<4x16xf16>
  return
}

// -----

// CHECK-LABEL: func.func @random_normal_bounded
//  CHECK-SAME: (%[[KEY:.*]]: tensor<i64>, %[[N:.*]]: index)
//       CHECK: loom.random_normal %[[KEY]] sizes(%[[N]]) : tensor<4x?xf32, #loom.bounds<[4, 256]>>
func.func @random_normal_bounded(%key: tensor<i64>, %n: index) {
  %0 = loom.random_normal %key sizes(%n) : tensor<4x?xf32, #loom.bounds<[4, 256]>>
  return
}
