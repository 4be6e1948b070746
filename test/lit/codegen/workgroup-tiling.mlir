// The grids are written out (loom-kernel-strategy's choice is tested in
// test/lit/passes/strategy), so that each case shows one tiling.
// RUN: loom-opt %s --split-input-file --loom-test-workgroup-tiling | FileCheck %s
// RUN: loom-opt %s --split-input-file --loom-test-workgroup-tiling \
// RUN:   --loom-lower-to-linalg --eliminate-empty-tensors \
// RUN:   --one-shot-bufferize="bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map" \
// RUN:   --buffer-results-to-out-params="hoist-static-allocs modify-public-functions" --cse --canonicalize \
// RUN:   | FileCheck %s --check-prefix=BUF

/// [Rule: a row reduction's workgroup %wg takes rows [64 wg, 64 wg + 64) of
/// the [4, 64] rows, a box [1, 64] at offset wg; the weight is read whole; the
/// op is re-made on [1, 64, 64]; each result is its tile inserted into the
/// full result]
// CHECK-LABEL: func.func @rms_norm
//  CHECK-SAME: (%[[WG:.*]]: index, %[[X:.*]]: tensor<4x64x64xf32>, %[[W:.*]]: tensor<64xf32>)
//  CHECK-SAME: loom.workgroup_arg
//       CHECK:   %[[XS:.*]] = tensor.extract_slice %[[X]][%[[WG]], 0, 0] [1, 64, 64] [1, 1, 1]
//       CHECK:   %[[Y:.*]], %[[R:.*]] = loom.rms_norm %[[XS]] weight(%[[W]] : tensor<64xf32>) {{.*}} : tensor<1x64x64xf32>
//       CHECK:   %[[E0:.*]] = tensor.empty() : tensor<4x64x64xf32>
//       CHECK:   %[[Y2:.*]] = tensor.insert_slice %[[Y]] into %[[E0]][%[[WG]], 0, 0] [1, 64, 64] [1, 1, 1]
//       CHECK:   %[[E1:.*]] = tensor.empty() : tensor<4x64xf32>
//       CHECK:   %[[R2:.*]] = tensor.insert_slice %[[R]] into %[[E1]][%[[WG]], 0] [1, 64] [1, 1]
//       CHECK:   return %[[Y2]], %[[R2]]
/// [Rule: after bufferization with out-params each workgroup writes its rows
/// of the output buffers in place: no full-size buffer, no copy (the
/// insert_slice leaves a copy of the output's subview onto itself, which CSE
/// and canonicalize fold here, codegen/tiling's eraseSelfCopies in codegen)]
// BUF-LABEL: func.func @rms_norm
//  BUF-SAME: (%[[WG:.*]]: index, %{{.*}}: memref<4x64x64xf32>, %{{.*}}: memref<64xf32>, %[[OY:.*]]: memref<4x64x64xf32>, %[[OR:.*]]: memref<4x64xf32>)
//   BUF-NOT:   memref.alloc() {{.*}} : memref<4x64x64xf32>
//   BUF-NOT:   memref.copy
//   BUF-DAG:   memref.subview %[[OY]][%[[WG]], 0, 0] [1, 64, 64] [1, 1, 1]
//   BUF-DAG:   memref.subview %[[OR]][%[[WG]], 0] [1, 64] [1, 1]
//   BUF-NOT:   memref.copy
//       BUF:   return
//  BUF-NEXT: }
module @kernels {
  func.func @rms_norm(%x: tensor<4x64x64xf32>, %w: tensor<64xf32>) -> (tensor<4x64x64xf32>, tensor<4x64xf32>)
      attributes {loom.workgroups = array<i64: 4, 1, 1>, loom.tile_rows = 64 : i64} {
    %y, %r = loom.rms_norm %x weight(%w : tensor<64xf32>) {epsilon = 1.0e-05 : f64} : tensor<4x64x64xf32>
    return %y, %r : tensor<4x64x64xf32>, tensor<4x64xf32>
  }
}

// -----

/// [Rule: the workgroup id is delinearized over the grid of boxes: rows
/// [4, 64] in boxes [1, 16] are 4 x 4 workgroups; a broadcast source is sliced
/// along its row dims only, a splat constant re-made at its tile's shape]
// CHECK-LABEL: func.func @delinearize
//  CHECK-SAME: (%[[WG:.*]]: index, %[[X:.*]]: tensor<4x64x64xf32>, %[[B:.*]]: tensor<64x64xf32>)
//       CHECK:   %[[C4:.*]] = arith.constant 4 : index
//       CHECK:   %[[Q:.*]] = arith.remui %[[WG]], %[[C4]]
//       CHECK:   %[[C16:.*]] = arith.constant 16 : index
//       CHECK:   %[[O1:.*]] = arith.muli %[[Q]], %[[C16]]
//       CHECK:   %[[O0:.*]] = arith.divui %[[WG]], %{{.*}}
//       CHECK:   tensor.extract_slice %[[X]][%[[O0]], %[[O1]], 0] [1, 16, 64] [1, 1, 1]
//       CHECK:   tensor.extract_slice %[[B]][%[[O1]], 0] [16, 64] [1, 1]
//       CHECK:   loom.constant dense<2.000000e+00> : tensor<1x16x64xf32>
//       CHECK:   loom.broadcast {{.*}} dims [1, 2] : tensor<16x64xf32> -> tensor<1x16x64xf32>
//       CHECK:   tensor.insert_slice {{.*}}[%[[O0]], %[[O1]], 0] [1, 16, 64] [1, 1, 1]
// BUF-LABEL: func.func @delinearize
//   BUF-NOT:   memref.alloc() {{.*}} : memref<4x64x64xf32>
//   BUF-NOT:   memref.copy
//       BUF:   return
module @kernels {
  func.func @delinearize(%x: tensor<4x64x64xf32>, %b: tensor<64x64xf32>) -> tensor<4x64x64xf32>
      attributes {loom.workgroups = array<i64: 16, 1, 1>, loom.tile_rows = 1024 : i64} {
    %two = loom.constant dense<2.0> : tensor<4x64x64xf32>
    %bb = loom.broadcast %b dims [1, 2] : tensor<64x64xf32> -> tensor<4x64x64xf32>
    %m = loom.binary mul %x, %two : tensor<4x64x64xf32>
    %s = loom.binary add %m, %bb : tensor<4x64x64xf32>
    return %s : tensor<4x64x64xf32>
  }
}

// -----

/// [Rule: cross_entropy's logits, targets and loss are sliced by rows; a
/// gather's table stays whole (along its axis always; along D here too, as
/// the box spans all of D)]
// CHECK-LABEL: func.func @cross_entropy
//  CHECK-SAME: (%[[WG:.*]]: index, %[[L:.*]]: tensor<256x260xf32>, %[[T:.*]]: tensor<256xi64>)
//       CHECK:   %[[O:.*]] = arith.muli %[[WG]], %{{.*}}
//       CHECK:   %[[LS:.*]] = tensor.extract_slice %[[L]][%[[O]], 0] [16, 260] [1, 1]
//       CHECK:   %[[TS:.*]] = tensor.extract_slice %[[T]][%[[O]]] [16] [1]
//       CHECK:   loom.cross_entropy %[[LS]], %[[TS]] acc(f32) : tensor<16x260xf32>, tensor<16xi64>
//       CHECK:   tensor.insert_slice {{.*}}[%[[O]]] [16] [1] : tensor<16xf32> into tensor<256xf32>
// CHECK-LABEL: func.func @embedding
//  CHECK-SAME: (%[[WG:.*]]: index, %[[TAB:.*]]: tensor<260x64xf32>, %[[IDS:.*]]: tensor<4x64xi64>)
//       CHECK:   %[[IS:.*]] = tensor.extract_slice %[[IDS]][%[[WG]], 0] [1, 64] [1, 1]
//       CHECK:   loom.gather %[[TAB]][%[[IS]]] axis 0 : tensor<260x64xf32>, tensor<1x64xi64>
module @kernels {
  func.func @cross_entropy(%logits: tensor<256x260xf32>, %t: tensor<256xi64>) -> tensor<256xf32>
      attributes {loom.workgroups = array<i64: 16, 1, 1>, loom.tile_rows = 16 : i64} {
    %l = loom.cross_entropy %logits, %t acc(f32) : tensor<256x260xf32>, tensor<256xi64>
    return %l : tensor<256xf32>
  }
  func.func @embedding(%table: tensor<260x64xf32>, %ids: tensor<4x64xi64>) -> tensor<4x64x64xf32>
      attributes {loom.workgroups = array<i64: 4, 1, 1>, loom.tile_rows = 4096 : i64} {
    %e = loom.gather %table[%ids] axis 0 : tensor<260x64xf32>, tensor<4x64xi64>
    return %e : tensor<4x64x64xf32>
  }
}

// -----

/// [Rule: one workgroup and serial kernels keep their form]
/// (A grid that does not fit the rows is an error: see
/// workgroup-tiling-invalid.mlir.)
// CHECK-LABEL: func.func @one_workgroup
//  CHECK-SAME: (%{{.*}}: tensor<4x8xf32>) -> tensor<4x8xf32>
//   CHECK-NOT:   tensor.extract_slice
// CHECK-LABEL: func.func @serial
//  CHECK-SAME: (%{{.*}}: tensor<256x64xf32>) -> tensor<64xf32>
//   CHECK-NOT:   tensor.extract_slice
module @kernels {
  func.func @one_workgroup(%x: tensor<4x8xf32>) -> tensor<4x8xf32>
      attributes {loom.workgroups = array<i64: 1, 1, 1>, loom.tile_rows = 32 : i64} {
    %e = loom.unary exp %x : tensor<4x8xf32>
    return %e : tensor<4x8xf32>
  }
  func.func @serial(%x: tensor<256x64xf32>) -> tensor<64xf32>
      attributes {loom.workgroups = array<i64: 1, 1, 1>} {
    %s = loom.reduce sum %x dims [0] acc(f32) : tensor<256x64xf32>
    return %s : tensor<64xf32>
  }
}
