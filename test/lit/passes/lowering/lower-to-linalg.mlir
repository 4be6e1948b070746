// RUN: loom-opt %s --split-input-file --loom-lower-to-linalg --verify-diagnostics | FileCheck %s

/// [Rule: elementwise ops become parallel generics over tensor.empty]
// CHECK-LABEL: func.func @elementwise
//       CHECK:   %[[E:.*]] = tensor.empty() : tensor<8xf32>
//       CHECK:   linalg.generic {{.*}}iterator_types = ["parallel"]{{.*}} ins(%{{.*}}, %{{.*}} : tensor<8xf32>, tensor<8xf32>) outs(%[[E]] : tensor<8xf32>)
//       CHECK:     arith.mulf
//       CHECK:   math.sqrt
//       CHECK:   arith.cmpf olt
//       CHECK:   arith.select
//       CHECK:   arith.sitofp
//   CHECK-NOT:   loom.
func.func @elementwise(%a: tensor<8xf32>, %b: tensor<8xf32>, %i: tensor<8xi64>) -> tensor<8xf32> {
  %m = loom.binary mul %a, %b : tensor<8xf32>
  %s = loom.unary sqrt %m : tensor<8xf32>
  %c = loom.compare lt %a, %b : tensor<8xf32>
  %y = loom.select %c, %s, %a : tensor<8xi1>, tensor<8xf32>
  %f = loom.cast %i : tensor<8xi64> to tensor<8xf32>
  %z = loom.binary add %y, %f : tensor<8xf32>
  return %z : tensor<8xf32>
}

// -----

/// [Rule: a broadcast reads its operand through a projected map; a sum is a
/// reduction generic over a zero fill; iota reads linalg.index; a splat
/// constant is a fill (not a dense global in the kernels .so)]
// CHECK-LABEL: func.func @broadcast_sum_iota
//       CHECK:   linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}], iterator_types = ["parallel", "parallel"]}
//       CHECK:   linalg.fill
//       CHECK:   iterator_types = ["parallel", "reduction"]
//       CHECK:     arith.addf
//       CHECK:   linalg.index 0
//       CHECK:   %[[TWO:.*]] = arith.constant 2.000000e+00 : f32
//       CHECK:   linalg.fill ins(%[[TWO]] : f32)
func.func @broadcast_sum_iota(%r: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xi64>, tensor<4xf32>) {
  %b = loom.broadcast %r dims [0] : tensor<4xf32> -> tensor<4x8xf32>
  %s = loom.reduce sum %b dims [1] acc(f32) : tensor<4x8xf32>
  %i = loom.iota dim 0 : tensor<4xi64>
  %c = loom.constant dense<2.0> : tensor<4xf32>
  return %s, %i, %c : tensor<4xf32>, tensor<4xi64>, tensor<4xf32>
}

// -----

/// [Rule: a result marked with an arena is written into that arena's argument]
// CHECK-LABEL: func.func @tied
//  CHECK-SAME: (%[[A:.*]]: tensor<8xf32> {loom.arena = "params"}
//       CHECK:   %[[R:.*]] = bufferization.materialize_in_destination %{{.*}} in %[[A]]
//       CHECK:   return %[[R]]
func.func @tied(%a: tensor<8xf32> {loom.arena = "params"}, %b: tensor<8xf32>)
    -> (tensor<8xf32> {loom.arena = "params"}) {
  %y = loom.binary add %a, %b : tensor<8xf32>
  return %y : tensor<8xf32>
}

// -----

func.func @negative_not_lowered(%q: tensor<1x5x4x4xf32>, %k: tensor<1x5x2x4xf32>,
    %v: tensor<1x5x2x4xf32>, %qp: tensor<1x5xi64>, %kp: tensor<1x5xi64>, %lo: tensor<1x5xi64>,
    %hi: tensor<1x5xi64>) -> tensor<1x5x4x4xf32> {
  // Attention stays a runtime kernel.
  // expected-error @+1 {{'loom.attention' op loom-lower-to-linalg: this op is not lowered yet}}
  %o, %lse = loom.attention %q, %k, %v query_positions(%qp) key_positions(%kp) visible(%lo, %hi)
      : tensor<1x5x4x4xf32>, tensor<1x5x2x4xf32>, tensor<1x5x2x4xf32>, tensor<1x5xi64>, tensor<1x5xi64>
  return %o : tensor<1x5x4x4xf32>
}

// -----

func.func @negative_bounded_norm(%x: tensor<?x6xf32, #loom.bounds<[4, 6]>>)
    -> tensor<?x6xf32, #loom.bounds<[4, 6]>> {
  // expected-error @+1 {{'loom.rms_norm' op loom-lower-to-linalg: an rms_norm of bounded dynamic shape is not lowered yet}}
  %y, %r = loom.rms_norm %x {epsilon = 1.0e-06 : f64} : tensor<?x6xf32, #loom.bounds<[4, 6]>>
  return %y : tensor<?x6xf32, #loom.bounds<[4, 6]>>
}

// -----

func.func @negative_bounded_reduce(%x: tensor<?x4xf32, #loom.bounds<[8, 4]>>) -> tensor<4xf32> {
  // expected-error @+1 {{'loom.reduce' op loom-lower-to-linalg: a reduction of bounded dynamic shape is not lowered yet}}
  %y = loom.reduce sum %x dims [0] acc(f32) : tensor<?x4xf32, #loom.bounds<[8, 4]>>
  return %y : tensor<4xf32>
}

// -----

/// [Rule: a dense non-splat constant stays an arith.constant; a one-element
/// splat too (no fill for a scalar)]
// CHECK-LABEL: func.func @dense_constants
//       CHECK:   arith.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
//       CHECK:   arith.constant dense<3> : tensor<i64>
//   CHECK-NOT:   linalg.fill
func.func @dense_constants() -> (tensor<2xf32>, tensor<i64>) {
  %a = loom.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %b = loom.constant dense<3> : tensor<i64>
  return %a, %b : tensor<2xf32>, tensor<i64>
}

// -----

/// [Rule: scatter_add loops over the update positions in order and adds each
/// update row into the destination row its index names (O(updates)); an
/// index outside the destination adds nothing]
// CHECK-LABEL: func.func @scatter_rows
//       CHECK:   scf.for
//       CHECK:     scf.for
//       CHECK:       %[[K:.*]] = arith.index_cast
//       CHECK:       scf.if
//       CHECK:         tensor.extract_slice %{{.*}}[%[[K]], 0] [1, 8] [1, 1]
//       CHECK:         arith.addf
//       CHECK:         tensor.insert_slice
//       CHECK:       } else {
//   CHECK-NOT:   linalg.generic {{.*}}reduction
func.func @scatter_rows(%u: tensor<2x3x8xf32>, %d: tensor<10x8xf32>, %i: tensor<2x3xi64>) -> tensor<10x8xf32> {
  %r = loom.scatter_add %u into %d[%i] axis 0 : tensor<2x3x8xf32>, tensor<10x8xf32>, tensor<2x3xi64>
  return %r : tensor<10x8xf32>
}
