// RUN: loom-opt %s --split-input-file --loom-lower-to-linalg --verify-diagnostics | FileCheck %s

/// [Rule: integer unary kinds wrap; float kinds follow the interpreter's
/// formulas (sigmoid branches on the sign, relu keeps NaN)]
// CHECK-LABEL: func.func @unary_kinds
//       CHECK:   arith.cmpi slt
//       CHECK:   arith.subi
//       CHECK:   arith.select
//       CHECK:   arith.cmpf oge
//       CHECK:   arith.cmpf ugt
//       CHECK:   math.log1p
//       CHECK:   math.floor
//   CHECK-NOT:   loom.
func.func @unary_kinds(%i: tensor<4xi64>, %x: tensor<4xf32>)
    -> (tensor<4xi64>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %a = loom.unary abs %i : tensor<4xi64>
  %s = loom.unary silu %x : tensor<4xf32>
  %r = loom.unary relu %x : tensor<4xf32>
  %l = loom.unary log1p %x : tensor<4xf32>
  %f = loom.unary floor %x : tensor<4xf32>
  return %a, %s, %r, %l, %f : tensor<4xi64>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

/// [Rule: integer floor_mod never divides by 0 or -1 (no trap) and moves the
/// remainder to the divisor's sign]
// CHECK-LABEL: func.func @floor_mod
//       CHECK:   arith.select
//       CHECK:   arith.remsi
//       CHECK:   arith.xori
//       CHECK:   arith.select
func.func @floor_mod(%a: tensor<4xi64>, %b: tensor<4xi64>) -> tensor<4xi64> {
  %y = loom.floor_mod %a, %b : tensor<4xi64>
  return %y : tensor<4xi64>
}

// -----

/// [Rule: float to integer truncates, saturates and sends NaN to 0]
// CHECK-LABEL: func.func @cast_saturating
//       CHECK:   math.trunc
//       CHECK:   arith.fptosi
//       CHECK:   arith.select %{{.*}}, %c-2147483648_i32
//       CHECK:   arith.select %{{.*}}, %c2147483647_i32
//       CHECK:   arith.cmpf uno
//       CHECK:   arith.select %{{.*}}, %c0_i32
func.func @cast_saturating(%x: tensor<4xf32>) -> tensor<4xi32> {
  %y = loom.cast %x : tensor<4xf32> to tensor<4xi32>
  return %y : tensor<4xi32>
}

// -----

/// [Rule: matmul is one generic (batch, m, n | k) summing in acc from a zero
/// fill, then one rounding to the element type; transposes are maps]
// CHECK-DAG:   affine_map<(d0, d1, d2, d3) -> (d0, d3, d1)>
// CHECK-DAG:   affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>
// CHECK-LABEL: func.func @matmul
//       CHECK:   linalg.fill
//       CHECK:   linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "reduction"]
//       CHECK:     arith.extf
//       CHECK:     arith.mulf
//       CHECK:     arith.addf
//       CHECK:   arith.truncf {{.*}} : f32 to bf16
func.func @matmul(%a: tensor<2x4x3xbf16>, %b: tensor<2x5x4xbf16>) -> tensor<2x3x5xbf16> {
  %y = loom.matmul %a, %b transpose_lhs transpose_rhs acc(f32) : tensor<2x4x3xbf16>, tensor<2x5x4xbf16>
  return %y : tensor<2x3x5xbf16>
}

// -----

/// [Rule: linear reads the weight [out, in] and adds the bias after the sum]
// CHECK-LABEL: func.func @linear
//       CHECK:   iterator_types = ["parallel", "parallel", "parallel", "reduction"]
//       CHECK:   linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<2x3x5xf32>, tensor<5xf32>)
//       CHECK:     arith.addf
func.func @linear(%x: tensor<2x3x4xf32>, %w: tensor<5x4xf32>, %bias: tensor<5xf32>) -> tensor<2x3x5xf32> {
  %y = loom.linear %x, %w bias(%bias : tensor<5xf32>) acc(f32) : tensor<2x3x4xf32>, tensor<5x4xf32>
  return %y : tensor<2x3x5xf32>
}

// -----

/// [Rule: reduce sums in acc, a mean divides by the count before rounding,
/// keep_dims expands the unit dims back; max propagates NaN]
// CHECK-LABEL: func.func @reduce
//       CHECK:   iterator_types = ["reduction", "parallel", "reduction"]
//       CHECK:     arith.extf {{.*}} : f32 to f64
//       CHECK:   arith.divf
//       CHECK:   arith.truncf
//       CHECK:   tensor.expand_shape {{.*}} into tensor<1x4x1xf32>
//       CHECK:   arith.maximumf
func.func @reduce(%x: tensor<3x4x5xf32>) -> (tensor<1x4x1xf32>, tensor<3x5xf32>) {
  %m = loom.reduce mean %x dims [0, 2] keep_dims acc(f64) : tensor<3x4x5xf32>
  %n = loom.reduce max %x dims [1] acc(f32) : tensor<3x4x5xf32>
  return %m, %n : tensor<1x4x1xf32>, tensor<3x5xf32>
}

// -----

/// [Rule: argmax carries (value, index): strictly greater, or the first NaN]
// CHECK-LABEL: func.func @argmax
//       CHECK:   linalg.generic {{.*}} outs(%{{.*}}, %{{.*}} : tensor<3x5xf32>, tensor<3x5xi64>)
//       CHECK:     linalg.index 1
//       CHECK:     arith.cmpf ogt
//       CHECK:     arith.cmpf uno
func.func @argmax(%x: tensor<3x4x5xf32>) -> tensor<3x5xi64> {
  %a = loom.argmax %x dim 1 : tensor<3x4x5xf32>
  return %a : tensor<3x5xi64>
}

// -----

/// [Rule: softmax is max, Σ exp(x - max), exp(x - max) / Σ]
// CHECK-LABEL: func.func @softmax
//       CHECK:   arith.cmpf ogt
//       CHECK:   arith.subf
//       CHECK:   math.exp
//       CHECK:   arith.addf
//       CHECK:   arith.divf
func.func @softmax(%x: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %s = loom.softmax %x dim 1 acc(f32) : tensor<3x4xf32>
  return %s : tensor<3x4xf32>
}

// -----

/// [Rule: cumsum adds x[j] where j ≤ i in index order; reverse reads x[n-1-j]]
// CHECK-LABEL: func.func @cumsum
//       CHECK:   iterator_types = ["parallel", "parallel", "reduction"]
//       CHECK:     arith.cmpi sgt
//       CHECK:     tensor.extract
//       CHECK:     arith.select
func.func @cumsum(%x: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %c = loom.cumsum %x dim 1 acc(f32) {exclusive, reverse} : tensor<3x4xf32>
  return %c : tensor<3x4xf32>
}

// -----

/// [Rule: transpose reads through the inverse permutation; slice is
/// extract_slice; concat inserts into an empty tensor; reshape collapses to
/// 1-D and expands]
// CHECK-DAG:   affine_map<(d0, d1, d2) -> (d1, d2, d0)>
// CHECK-LABEL: func.func @layout
//       CHECK:   linalg.generic
//       CHECK:   tensor.extract_slice %{{.*}}[1, 0] [2, 3] [2, 3]
//       CHECK:   tensor.insert_slice %{{.*}}[0, 0] [2, 1] [1, 1]
//       CHECK:   tensor.insert_slice %{{.*}}[0, 1] [2, 3] [1, 1]
//       CHECK:   tensor.collapse_shape
//       CHECK:   tensor.expand_shape
func.func @layout(%x: tensor<2x3x4xf32>, %s: tensor<5x7xf32>, %a: tensor<2x1xf32>, %b: tensor<2x3xf32>)
    -> (tensor<4x2x3xf32>, tensor<2x3xf32>, tensor<2x4xf32>, tensor<6x4xf32>) {
  %t = loom.transpose %x perm [2, 0, 1] : tensor<2x3x4xf32>
  %l = loom.slice %s offsets [1, 0] sizes [2, 3] strides [2, 3] : tensor<5x7xf32>
  %c = loom.concat %a, %b dim 1 : tensor<2x1xf32>, tensor<2x3xf32>
  %r = loom.reshape %x : tensor<2x3x4xf32> -> tensor<6x4xf32>
  return %t, %l, %c, %r : tensor<4x2x3xf32>, tensor<2x3xf32>, tensor<2x4xf32>, tensor<6x4xf32>
}

// -----

/// [Rule: gather extracts at the clamped index; scatter_add copies dest, then
/// loops over the index positions in order adding each update row where its
/// index lands (lower-to-linalg.mlir @scatter_rows has the details)]
// CHECK-LABEL: func.func @gather_scatter
//       CHECK:   arith.maxsi
//       CHECK:   arith.minsi
//       CHECK:   tensor.extract
//       CHECK:   linalg.copy
//       CHECK:   scf.for
//       CHECK:     scf.if
func.func @gather_scatter(%t: tensor<5x2xf32>, %ids: tensor<3xi64>, %u: tensor<3x2xf32>)
    -> (tensor<3x2xf32>, tensor<5x2xf32>) {
  %g = loom.gather %t[%ids] axis 0 : tensor<5x2xf32>, tensor<3xi64>
  %s = loom.scatter_add %u into %t[%ids] axis 0 : tensor<3x2xf32>, tensor<5x2xf32>, tensor<3xi64>
  return %g, %s : tensor<3x2xf32>, tensor<5x2xf32>
}

// -----

func.func @negative_bounded_matmul(%a: tensor<?x4xf32, #loom.bounds<[8, 4]>>, %b: tensor<4x5xf32>)
    -> tensor<?x5xf32, #loom.bounds<[8, 5]>> {
  // expected-error @+1 {{'loom.matmul' op loom-lower-to-linalg: a matmul of bounded dynamic shape is not lowered yet}}
  %y = loom.matmul %a, %b acc(f32) : tensor<?x4xf32, #loom.bounds<[8, 4]>>, tensor<4x5xf32>
  return %y : tensor<?x5xf32, #loom.bounds<[8, 5]>>
}

// -----

func.func @negative_reshape_rank0(%x: tensor<1xf32>) -> tensor<f32> {
  // expected-error @+1 {{'loom.reshape' op loom-lower-to-linalg: a reshape from or to rank 0 is not lowered yet}}
  %y = loom.reshape %x : tensor<1xf32> -> tensor<f32>
  return %y : tensor<f32>
}

// -----

func.func @negative_bf16_to_int(%x: tensor<4xbf16>) -> tensor<4xi32> {
  // expected-error @+1 {{'loom.cast' op loom-lower-to-linalg: a cast between a 16-bit float and an integer is not lowered yet}}
  %y = loom.cast %x : tensor<4xbf16> to tensor<4xi32>
  return %y : tensor<4xi32>
}
