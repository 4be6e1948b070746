// RUN: loom-opt %s --split-input-file --loom-lower-to-linalg --verify-diagnostics | FileCheck %s

/// [Rule: rms_norm sums x² over the last dim in f64 in index order, takes
/// 1 / sqrt(ss / D + eps), multiplies x · rstd · weight in f64 and rounds y
/// and rstd once to their types]
// CHECK-LABEL: func.func @rms_norm
//       CHECK:   iterator_types = ["parallel", "reduction"]
//       CHECK:     arith.extf %{{.*}} : f32 to f64
//       CHECK:     arith.mulf
//       CHECK:     arith.addf %out
//       CHECK:     math.sqrt
//       CHECK:     arith.divf %cst{{.*}}, %{{.*}} : f64
//       CHECK:   ins(%arg0, %{{.*}}, %arg1 : tensor<4x6xf32>, tensor<4xf64>, tensor<6xf32>)
//       CHECK:     arith.truncf %{{.*}} : f64 to f32
//       CHECK:     arith.truncf %{{.*}} : f64 to f32
//   CHECK-NOT:   loom.
func.func @rms_norm(%x: tensor<4x6xf32>, %w: tensor<6xf32>) -> (tensor<4x6xf32>, tensor<4xf32>) {
  %y, %r = loom.rms_norm %x weight(%w : tensor<6xf32>) {epsilon = 1.0e-06 : f64} : tensor<4x6xf32>
  return %y, %r : tensor<4x6xf32>, tensor<4xf32>
}

// -----

/// [Rule: layer_norm is two passes (mean, then Σ (x − mean)² over one f64
/// tensor of x − mean), then ((x − mean) · rstd) · weight + bias; it returns
/// y, mean and rstd]
// CHECK-LABEL: func.func @layer_norm
//       CHECK:   arith.addf %out
//       CHECK:   arith.divf
//       CHECK:   arith.subf
//       CHECK:   iterator_types = ["parallel", "parallel", "reduction"]
//       CHECK:     arith.mulf %in, %in
//       CHECK:   math.sqrt
//       CHECK:   arith.mulf
//       CHECK:   arith.mulf
//       CHECK:   arith.addf
//       CHECK:   return %{{.*}}, %{{.*}}, %{{.*}} : tensor<2x3x8xf64>, tensor<2x3xf64>, tensor<2x3xf64>
func.func @layer_norm(%x: tensor<2x3x8xf64>, %w: tensor<8xf64>, %b: tensor<8xf64>)
    -> (tensor<2x3x8xf64>, tensor<2x3xf64>, tensor<2x3xf64>) {
  %y, %m, %r = loom.layer_norm %x weight(%w : tensor<8xf64>) bias(%b : tensor<8xf64>) {epsilon = 1.0e-05 : f64} : tensor<2x3x8xf64>
  return %y, %m, %r : tensor<2x3x8xf64>, tensor<2x3xf64>, tensor<2x3xf64>
}

// -----

/// [Rule: the norm grads form x̂ once in f64, reduce Σ g·x̂ (and Σ g) per row
/// and combine rstd · (g − mean(g) − x̂ · mean(g·x̂))]
// CHECK-LABEL: func.func @norm_grads
//       CHECK:   arith.mulf
//       CHECK:   iterator_types = ["parallel", "reduction"]
//       CHECK:   arith.divf
//       CHECK:   arith.subf
//       CHECK:   arith.truncf %{{.*}} : f64 to f32
//       CHECK:   arith.subf
//       CHECK:   iterator_types = ["parallel", "reduction"]
//       CHECK:   iterator_types = ["parallel", "reduction"]
//   CHECK-NOT:   loom.
func.func @norm_grads(%x: tensor<4x6xf32>, %m: tensor<4xf32>, %r: tensor<4xf32>, %g: tensor<4x6xf32>)
    -> (tensor<4x6xf32>, tensor<4x6xf32>) {
  %a = loom.rms_norm_grad %x, %r, %g : tensor<4x6xf32>, tensor<4xf32>
  %b = loom.layer_norm_grad %x, %m, %r, %g : tensor<4x6xf32>, tensor<4xf32>
  return %a, %b : tensor<4x6xf32>, tensor<4x6xf32>
}

// -----

/// [Rule: rope reads theta^(−2j/D) from a constant (rounded to f32 for a
/// non-f64 input, as are the positions and the angles), takes libm's cos and
/// sin in f64 and picks the pair partner with tensor.extract]
// CHECK-LABEL: func.func @rope
//       CHECK:   arith.constant dense<[1.000000e+00, 0.10000000149011612]> : tensor<2xf64>
//       CHECK:   arith.divui
//       CHECK:   tensor.extract %arg0
//       CHECK:   tensor.extract %arg0
//       CHECK:   arith.sitofp %{{.*}} : i32 to f64
//       CHECK:   arith.truncf %{{.*}} : f64 to f32
//       CHECK:   arith.truncf %{{.*}} : f64 to f32
//       CHECK:   math.cos
//       CHECK:   math.sin
//       CHECK:   arith.select
func.func @rope(%x: tensor<1x2x1x4xf32>, %p: tensor<1x2xi32>) -> tensor<1x2x1x4xf32> {
  %y = loom.rope %x positions(%p : tensor<1x2xi32>) layout(interleaved) {theta = 100.0 : f64} : tensor<1x2x1x4xf32>
  return %y : tensor<1x2x1x4xf32>
}

// -----

/// [Rule: f64 rope keeps the angles in f64; half_split pairs j with j + D/2]
// CHECK-LABEL: func.func @rope_f64
//       CHECK:   arith.cmpi ult
//   CHECK-NOT:   arith.truncf
//       CHECK:   math.cos
func.func @rope_f64(%x: tensor<1x2x1x4xf64>, %p: tensor<1x2xi64>) -> tensor<1x2x1x4xf64> {
  %y = loom.rope %x positions(%p : tensor<1x2xi64>) layout(half_split) {theta = 100.0 : f64} : tensor<1x2x1x4xf64>
  return %y : tensor<1x2x1x4xf64>
}

// -----

/// [Rule: cross_entropy is max + log Σ exp(x − max) − x[target] with
/// softmax's row statistics, times the weight, 0 at ignore_index; an
/// out-of-range target reads column 0 instead of out of bounds]
// CHECK-LABEL: func.func @cross_entropy
//       CHECK:   arith.cmpf ogt
//       CHECK:   math.exp
//       CHECK:   arith.cmpi eq, %in, %c0_i64
//       CHECK:   arith.cmpi sge
//       CHECK:   arith.cmpi slt
//       CHECK:   tensor.extract %arg0
//       CHECK:   math.log
//       CHECK:   arith.mulf
//       CHECK:   arith.select
func.func @cross_entropy(%x: tensor<6x5xf32>, %t: tensor<6xi64>, %w: tensor<6xf32>) -> tensor<6xf32> {
  %l = loom.cross_entropy %x, %t weights(%w : tensor<6xf32>) acc(f32) {ignore_index = 0 : i64} : tensor<6x5xf32>, tensor<6xi64>
  return %l : tensor<6xf32>
}

// -----

/// [Rule: sort and top_k are stable rank sorts: a rank generic counts the
/// elements before each (NaN last ascending, ties by index), a pick generic
/// takes the element of each rank with its index; top_k keeps the first k
/// of the descending order]
// CHECK-LABEL: func.func @sort_top_k
//       CHECK:   iterator_types = ["parallel", "reduction"]
//       CHECK:     arith.cmpf ord
//       CHECK:     arith.cmpf uno
//       CHECK:     arith.cmpi ult
//       CHECK:     arith.extui
//       CHECK:   linalg.generic
//  CHECK-SAME:     outs(%{{.*}}, %{{.*}} : tensor<5xf32>, tensor<5xi64>)
//       CHECK:     arith.cmpi eq
//       CHECK:   iterator_types = ["parallel", "parallel", "reduction"]
//       CHECK:     arith.cmpi slt
//       CHECK:   outs(%{{.*}}, %{{.*}} : tensor<3x2xi64>, tensor<3x2xi64>)
func.func @sort_top_k(%x: tensor<5xf32>, %i: tensor<3x6xi64>)
    -> (tensor<5xf32>, tensor<5xi64>, tensor<3x2xi64>, tensor<3x2xi64>) {
  %v, %p = loom.sort %x dim 0 : tensor<5xf32>
  %tv, %ti = loom.top_k %i k 2 : tensor<3x6xi64>
  return %v, %p, %tv, %ti : tensor<5xf32>, tensor<5xi64>, tensor<3x2xi64>, tensor<3x2xi64>
}

// -----

/// [Rule: random ops run Philox-4x32-10 in arith (i64 products split into
/// words, the key bumped by the Weyl constants); fold_in joins words 1:0,
/// uniform f32 scales word 0 >> 8 by 2^-24]
// CHECK-LABEL: func.func @random
//       CHECK:   arith.constant 3528531795 : i64
//       CHECK:   arith.constant -1640531527 : i32
//       CHECK:   arith.shli
//       CHECK:   arith.ori
//       CHECK:   arith.constant 5 : i64
//       CHECK:   arith.shrui %{{.*}}, %c8_i32
//       CHECK:   arith.uitofp
//       CHECK:   arith.mulf
func.func @random(%k: tensor<i64>, %d: tensor<i64>) -> (tensor<i64>, tensor<2x5xf32>) {
  %f = loom.random_fold_in %k, %d : tensor<i64>
  %u = loom.random_uniform %k : tensor<2x5xf32>
  return %f, %u : tensor<i64>, tensor<2x5xf32>
}

// -----

func.func @negative_uniform_bf16(%k: tensor<i64>) -> tensor<4xbf16> {
  // expected-error @+1 {{'loom.random_uniform' op loom-lower-to-linalg: a random_uniform of a 16-bit float is not lowered yet}}
  %u = loom.random_uniform %k : tensor<4xbf16>
  return %u : tensor<4xbf16>
}
