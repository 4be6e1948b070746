// RUN: loom-opt %s --loom-form-dispatches --loom-kernel-strategy --loom-plan-memory | FileCheck %s

/// [Rule: loom-plan-memory launches each kernel on the grid loom-kernel-strategy
/// chose: 16 workgroups of 16 rows for the softmax, one for the small exp
/// and for the serial reduction over the leading dim]
//       CHECK: module @kernels
//       CHECK:   func.func @k0_softmax
//  CHECK-SAME:     loom.strategy = "row_reduction", loom.tile_rows = 16 : i64, loom.workgroups = array<i64: 16, 1, 1>
//       CHECK:   func.func @k1_unary
//  CHECK-SAME:     loom.strategy = "elementwise", loom.tile_rows = 8 : i64, loom.workgroups = array<i64: 1, 1, 1>
//       CHECK:   func.func @k2_reduce
//  CHECK-SAME:     loom.strategy = "serial", loom.workgroups = array<i64: 1, 1, 1>
//       CHECK: loomrt.entry @grids
//       CHECK:   loomrt.launch @kernels::@k0_softmax grid [16, 1, 1]
//       CHECK:   loomrt.launch @kernels::@k1_unary grid [1, 1, 1]
//       CHECK:   loomrt.launch @kernels::@k2_reduce grid [1, 1, 1]
func.func @grids(%x: tensor<256x260xf32>, %y: tensor<8xf32>) -> (tensor<256x260xf32>, tensor<8xf32>, tensor<260xf32>) {
  %p = loom.softmax %x dim 1 acc(f32) : tensor<256x260xf32>
  %e = loom.unary exp %y : tensor<8xf32>
  %s = loom.reduce sum %p dims [0] acc(f32) : tensor<256x260xf32>
  return %p, %e, %s : tensor<256x260xf32>, tensor<8xf32>, tensor<260xf32>
}
