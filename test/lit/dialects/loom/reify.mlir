// RUN: loom-opt %s --split-input-file --resolve-ranked-shaped-type-result-dims --canonicalize | FileCheck %s

/// Shape reification: the run-time size of a bounded dynamic result dim is
/// expressed through the operands (ReifyRankedShapedTypeOpInterface), so
/// tensor.dim of a loom result never needs the result itself.

// CHECK-LABEL: func.func @reify_matmul_rows
//  CHECK-SAME: (%[[A:.*]]: tensor<?x16xf32, #loom.bounds<[64, 16]>>, %[[B:.*]]: tensor<16x8xf32>)
//       CHECK: %[[C0:.*]] = arith.constant 0 : index
//       CHECK: %[[D:.*]] = tensor.dim %[[A]], %[[C0]]
//       CHECK: return %[[D]]
func.func @reify_matmul_rows(%a: tensor<?x16xf32, #loom.bounds<[64, 16]>>, %b: tensor<16x8xf32>) -> index {
  %c0 = arith.constant 0 : index
  %m = loom.matmul %a, %b acc(f32) : tensor<?x16xf32, #loom.bounds<[64, 16]>>, tensor<16x8xf32>
  %d = tensor.dim %m, %c0 : tensor<?x8xf32, #loom.bounds<[64, 8]>>
  return %d : index
}

// -----

/// The concatenated extent is the sum of the inputs' extents.
// CHECK-LABEL: func.func @reify_concat
//  CHECK-SAME: (%[[A:.*]]: tensor<?x4xf32, #loom.bounds<[8, 4]>>, %[[B:.*]]: tensor<3x4xf32>)
//       CHECK: %[[D:.*]] = tensor.dim %[[A]]
//       CHECK: %[[S:.*]] = arith.addi %[[D]], %c3
//       CHECK: return %[[S]]
func.func @reify_concat(%a: tensor<?x4xf32, #loom.bounds<[8, 4]>>, %b: tensor<3x4xf32>) -> index {
  %c0 = arith.constant 0 : index
  %c = loom.concat %a, %b dim 0 : tensor<?x4xf32, #loom.bounds<[8, 4]>>, tensor<3x4xf32>
  %d = tensor.dim %c, %c0 : tensor<?x4xf32, #loom.bounds<[11, 4]>>
  return %d : index
}

// -----

/// Sizes given as operands are the reified sizes.
// CHECK-LABEL: func.func @reify_iota
//  CHECK-SAME: (%[[N:.*]]: index)
//       CHECK: return %[[N]]
func.func @reify_iota(%n: index) -> index {
  %c1 = arith.constant 1 : index
  %i = loom.iota dim 1 sizes(%n) : tensor<2x?xi64, #loom.bounds<[2, 64]>>
  %d = tensor.dim %i, %c1 : tensor<2x?xi64, #loom.bounds<[2, 64]>>
  return %d : index
}

// -----

/// A gathered dim comes from the indices; a transposed dim from its source.
// CHECK-LABEL: func.func @reify_gather_transpose
//  CHECK-SAME: (%[[T:.*]]: tensor<260x8xf32>, %[[I:.*]]: tensor<?xi64, #loom.bounds<[32]>>)
//       CHECK: %[[D:.*]] = tensor.dim %[[I]], %c0
//       CHECK: return %[[D]]
func.func @reify_gather_transpose(%t: tensor<260x8xf32>, %i: tensor<?xi64, #loom.bounds<[32]>>) -> index {
  %c1 = arith.constant 1 : index
  %g = loom.gather %t[%i] axis 0 : tensor<260x8xf32>, tensor<?xi64, #loom.bounds<[32]>>
  %t2 = loom.transpose %g perm [1, 0] : tensor<?x8xf32, #loom.bounds<[32, 8]>>
  %d = tensor.dim %t2, %c1 : tensor<8x?xf32, #loom.bounds<[8, 32]>>
  return %d : index
}

// -----

/// Attention rows follow the queries, not the keys.
// CHECK-LABEL: func.func @reify_attention_rows
//  CHECK-SAME: (%[[Q:[^:]*]]: tensor<1x?x4x16xf32
//       CHECK: %[[D:.*]] = tensor.dim %[[Q]], %c1
//       CHECK: return %[[D]]
func.func @reify_attention_rows(%q: tensor<1x?x4x16xf32, #loom.bounds<[1, 64, 4, 16]>>,
                                %k: tensor<1x32x2x16xf32>, %v: tensor<1x32x2x16xf32>,
                                %qp: tensor<1x?xi64, #loom.bounds<[1, 64]>>, %kp: tensor<1x32xi64>,
                                %lo: tensor<1x32xi64>, %hi: tensor<1x32xi64>) -> index {
  %c1 = arith.constant 1 : index
  %o, %lse = loom.attention %q, %k, %v query_positions(%qp) key_positions(%kp) visible(%lo, %hi)
      : tensor<1x?x4x16xf32, #loom.bounds<[1, 64, 4, 16]>>, tensor<1x32x2x16xf32>, tensor<1x32x2x16xf32>,
        tensor<1x?xi64, #loom.bounds<[1, 64]>>, tensor<1x32xi64>
  %d = tensor.dim %o, %c1 : tensor<1x?x4x16xf32, #loom.bounds<[1, 64, 4, 16]>>
  return %d : index
}
