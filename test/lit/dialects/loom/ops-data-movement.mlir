// RUN: loom-opt %s --split-input-file | loom-opt --split-input-file | FileCheck %s
// RUN: loom-opt %s --split-input-file --mlir-print-op-generic | loom-opt --split-input-file | FileCheck %s

/// Round trip of the data-movement family (gather, scatter_add, reshape,
/// transpose, slice, concat, iota, constant) in custom and generic form.
/// Returned values pin down the inferred result types.

/// An embedding lookup (axis 0) and a take along a middle axis with scalar,
/// i32 and i64 indices: the result is source[:axis] + indices + source[axis+1:].
// CHECK-LABEL: func.func @gather
//       CHECK: %[[E:.*]] = loom.gather %{{.*}}[%{{.*}}] axis 0 : tensor<260x64xf32>, tensor<2x64xi64>
//       CHECK: %[[M:.*]] = loom.gather %{{.*}}[%{{.*}}] axis 1 : tensor<2x8x4xbf16>, tensor<3xi32>
//       CHECK: %[[S:.*]] = loom.gather %{{.*}}[%{{.*}}] axis 1 : tensor<2x8x4xbf16>, tensor<i64>
//       CHECK: return %[[E]], %[[M]], %[[S]] : tensor<2x64x64xf32>, tensor<2x3x4xbf16>, tensor<2x4xbf16>
func.func @gather(%table: tensor<260x64xf32>, %ids: tensor<2x64xi64>, %x: tensor<2x8x4xbf16>,
                  %i32: tensor<3xi32>, %i: tensor<i64>)
    -> (tensor<2x64x64xf32>, tensor<2x3x4xbf16>, tensor<2x4xbf16>) {
  %0 = loom.gather %table[%ids] axis 0 : tensor<260x64xf32>, tensor<2x64xi64>
  %1 = loom.gather %x[%i32] axis 1 : tensor<2x8x4xbf16>, tensor<3xi32>
  %2 = loom.gather %x[%i] axis 1 : tensor<2x8x4xbf16>, tensor<i64>
  return %0, %1, %2 : tensor<2x64x64xf32>, tensor<2x3x4xbf16>, tensor<2x4xbf16>
}

// -----

/// Every element type of the source.
// CHECK-LABEL: func.func @gather_element_types
//       CHECK: loom.gather %{{.*}}[%{{.*}}] axis 0 : tensor<4xf64>, tensor<2xi64>
//       CHECK: loom.gather %{{.*}}[%{{.*}}] axis 0 : tensor<4xf16>, tensor<2xi64>
//       CHECK: loom.gather %{{.*}}[%{{.*}}] axis 0 : tensor<4xi64>, tensor<2xi64>
//       CHECK: loom.gather %{{.*}}[%{{.*}}] axis 0 : tensor<4xi32>, tensor<2xi64>
//       CHECK: loom.gather %{{.*}}[%{{.*}}] axis 0 : tensor<4xi8>, tensor<2xi64>
//       CHECK: loom.gather %{{.*}}[%{{.*}}] axis 0 : tensor<4xi1>, tensor<2xi64>
func.func @gather_element_types(%f64: tensor<4xf64>, %f16: tensor<4xf16>, %i64: tensor<4xi64>,
                                %i32: tensor<4xi32>, %i8: tensor<4xi8>, %i1: tensor<4xi1>,
                                %ids: tensor<2xi64>) {
  %0 = loom.gather %f64[%ids] axis 0 : tensor<4xf64>, tensor<2xi64>
  %1 = loom.gather %f16[%ids] axis 0 : tensor<4xf16>, tensor<2xi64>
  %2 = loom.gather %i64[%ids] axis 0 : tensor<4xi64>, tensor<2xi64>
  %3 = loom.gather %i32[%ids] axis 0 : tensor<4xi32>, tensor<2xi64>
  %4 = loom.gather %i8[%ids] axis 0 : tensor<4xi8>, tensor<2xi64>
  %5 = loom.gather %i1[%ids] axis 0 : tensor<4xi1>, tensor<2xi64>
  return
}

// -----

/// Bounded indices (a run-time token count) give bounded rows; a bounded
/// source dim other than the axis stays in place.
// CHECK-LABEL: func.func @gather_bounded
//       CHECK: %[[A:.*]] = loom.gather %{{.*}}[%{{.*}}] axis 0 : tensor<260x64xf32>, tensor<?xi64, #loom.bounds<[512]>>
//       CHECK: %[[B:.*]] = loom.gather %{{.*}}[%{{.*}}] axis 1 : tensor<?x8xf32, #loom.bounds<[16, 8]>>, tensor<2x3xi32>
//       CHECK: return %[[A]], %[[B]] : tensor<?x64xf32, #loom.bounds<[512, 64]>>, tensor<?x2x3xf32, #loom.bounds<[16, 2, 3]>>
func.func @gather_bounded(%table: tensor<260x64xf32>, %ids: tensor<?xi64, #loom.bounds<[512]>>,
                          %x: tensor<?x8xf32, #loom.bounds<[16, 8]>>, %i: tensor<2x3xi32>)
    -> (tensor<?x64xf32, #loom.bounds<[512, 64]>>, tensor<?x2x3xf32, #loom.bounds<[16, 2, 3]>>) {
  %0 = loom.gather %table[%ids] axis 0 : tensor<260x64xf32>, tensor<?xi64, #loom.bounds<[512]>>
  %1 = loom.gather %x[%i] axis 1 : tensor<?x8xf32, #loom.bounds<[16, 8]>>, tensor<2x3xi32>
  return %0, %1 : tensor<?x64xf32, #loom.bounds<[512, 64]>>, tensor<?x2x3xf32, #loom.bounds<[16, 2, 3]>>
}

// -----

/// The embedding gradient: updates have gather's result shape, the result
/// is the dest's type.
// CHECK-LABEL: func.func @scatter_add
//       CHECK: %[[G:.*]] = loom.scatter_add %{{.*}} into %{{.*}}[%{{.*}}] axis 0 : tensor<2x64x64xf32>, tensor<260x64xf32>, tensor<2x64xi64>
//       CHECK: loom.scatter_add %{{.*}} into %{{.*}}[%{{.*}}] axis 1 : tensor<2x3xi32>, tensor<2x8xi32>, tensor<3xi32>
//       CHECK: loom.scatter_add %{{.*}} into %{{.*}}[%{{.*}}] axis 0 : tensor<bf16>, tensor<4xbf16>, tensor<i64>
//       CHECK: return %[[G]] : tensor<260x64xf32>
func.func @scatter_add(%dy: tensor<2x64x64xf32>, %zeros: tensor<260x64xf32>, %ids: tensor<2x64xi64>,
                       %u: tensor<2x3xi32>, %d: tensor<2x8xi32>, %i: tensor<3xi32>,
                       %s: tensor<bf16>, %v: tensor<4xbf16>, %j: tensor<i64>) -> tensor<260x64xf32> {
  %0 = loom.scatter_add %dy into %zeros[%ids] axis 0 : tensor<2x64x64xf32>, tensor<260x64xf32>, tensor<2x64xi64>
  %1 = loom.scatter_add %u into %d[%i] axis 1 : tensor<2x3xi32>, tensor<2x8xi32>, tensor<3xi32>
  %2 = loom.scatter_add %s into %v[%j] axis 0 : tensor<bf16>, tensor<4xbf16>, tensor<i64>
  return %0 : tensor<260x64xf32>
}

// -----

/// Bounded indices and updates scatter into a static table.
// CHECK-LABEL: func.func @scatter_add_bounded
//       CHECK: %[[G:.*]] = loom.scatter_add %{{.*}} into %{{.*}}[%{{.*}}] axis 0 : tensor<?x64xf32, #loom.bounds<[512, 64]>>, tensor<260x64xf32>, tensor<?xi64, #loom.bounds<[512]>>
//       CHECK: return %[[G]] : tensor<260x64xf32>
func.func @scatter_add_bounded(%dy: tensor<?x64xf32, #loom.bounds<[512, 64]>>, %zeros: tensor<260x64xf32>,
                               %ids: tensor<?xi64, #loom.bounds<[512]>>) -> tensor<260x64xf32> {
  %0 = loom.scatter_add %dy into %zeros[%ids] axis 0
      : tensor<?x64xf32, #loom.bounds<[512, 64]>>, tensor<260x64xf32>, tensor<?xi64, #loom.bounds<[512]>>
  return %0 : tensor<260x64xf32>
}

// -----

/// Static reshapes, to and from rank 0 included.
// CHECK-LABEL: func.func @reshape_static
//       CHECK: loom.reshape %{{.*}} : tensor<2x64x64xf32> -> tensor<2x64x4x16xf32>
//       CHECK: loom.reshape %{{.*}} : tensor<1x1xi64> -> tensor<i64>
//       CHECK: loom.reshape %{{.*}} : tensor<i1> -> tensor<1xi1>
func.func @reshape_static(%x: tensor<2x64x64xf32>, %s: tensor<1x1xi64>, %b: tensor<i1>) {
  %0 = loom.reshape %x : tensor<2x64x64xf32> -> tensor<2x64x4x16xf32>
  %1 = loom.reshape %s : tensor<1x1xi64> -> tensor<i64>
  %2 = loom.reshape %b : tensor<i1> -> tensor<1xi1>
  return
}

// -----

/// Each dynamic result dim takes its size from `sizes`; bounded element counts
/// agree.
// CHECK-LABEL: func.func @reshape_bounded
//  CHECK-SAME: (%[[Y:.*]]: tensor<?x4x16xf32, #loom.bounds<[512, 4, 16]>>, %[[N:.*]]: index, %[[M:.*]]: index)
//       CHECK: loom.reshape %[[Y]] sizes(%[[N]]) : tensor<?x4x16xf32, #loom.bounds<[512, 4, 16]>> -> tensor<?x64xf32, #loom.bounds<[512, 64]>>
//       CHECK: loom.reshape %[[Y]] sizes(%[[N]], %[[M]]) : tensor<?x4x16xf32, #loom.bounds<[512, 4, 16]>> -> tensor<?x?xf32, #loom.bounds<[2048, 16]>>
func.func @reshape_bounded(%y: tensor<?x4x16xf32, #loom.bounds<[512, 4, 16]>>, %n: index, %m: index) {
  %0 = loom.reshape %y sizes(%n) : tensor<?x4x16xf32, #loom.bounds<[512, 4, 16]>>
      -> tensor<?x64xf32, #loom.bounds<[512, 64]>>
  %1 = loom.reshape %y sizes(%n, %m) : tensor<?x4x16xf32, #loom.bounds<[512, 4, 16]>>
      -> tensor<?x?xf32, #loom.bounds<[2048, 16]>>
  return
}

// -----

// CHECK-LABEL: func.func @transpose
//       CHECK: %[[A:.*]] = loom.transpose %{{.*}} perm [0, 2, 1, 3] : tensor<2x64x4x16xf32>
//       CHECK: %[[B:.*]] = loom.transpose %{{.*}} perm [1, 0] : tensor<3x5xi8>
//       CHECK: %[[C:.*]] = loom.transpose %{{.*}} perm [] : tensor<i1>
//       CHECK: return %[[A]], %[[B]], %[[C]] : tensor<2x4x64x16xf32>, tensor<5x3xi8>, tensor<i1>
func.func @transpose(%x: tensor<2x64x4x16xf32>, %i: tensor<3x5xi8>, %b: tensor<i1>)
    -> (tensor<2x4x64x16xf32>, tensor<5x3xi8>, tensor<i1>) {
  %0 = loom.transpose %x perm [0, 2, 1, 3] : tensor<2x64x4x16xf32>
  %1 = loom.transpose %i perm [1, 0] : tensor<3x5xi8>
  %2 = loom.transpose %b perm [] : tensor<i1>
  return %0, %1, %2 : tensor<2x4x64x16xf32>, tensor<5x3xi8>, tensor<i1>
}

// -----

/// A bounded dim moves with its bound.
// CHECK-LABEL: func.func @transpose_bounded
//       CHECK: %[[T:.*]] = loom.transpose %{{.*}} perm [1, 0] : tensor<?x64xbf16, #loom.bounds<[512, 64]>>
//       CHECK: return %[[T]] : tensor<64x?xbf16, #loom.bounds<[64, 512]>>
func.func @transpose_bounded(%x: tensor<?x64xbf16, #loom.bounds<[512, 64]>>) -> tensor<64x?xbf16, #loom.bounds<[64, 512]>> {
  %0 = loom.transpose %x perm [1, 0] : tensor<?x64xbf16, #loom.bounds<[512, 64]>>
  return %0 : tensor<64x?xbf16, #loom.bounds<[64, 512]>>
}

// -----

/// Plain, strided, empty and whole-dim (-1) slices.
// CHECK-LABEL: func.func @slice
//       CHECK: %[[Q:.*]] = loom.slice %{{.*}} offsets [0, 0, 64] sizes [2, 64, 64] strides [1, 1, 1] : tensor<2x64x192xf32>
//       CHECK: %[[E:.*]] = loom.slice %{{.*}} offsets [1, 0] sizes [3, 0] strides [3, 1] : tensor<10x4xi32>
//       CHECK: %[[W:.*]] = loom.slice %{{.*}} offsets [0, 2] sizes [-1, 2] strides [1, 1] : tensor<10x4xi32>
//       CHECK: return %[[Q]], %[[E]], %[[W]] : tensor<2x64x64xf32>, tensor<3x0xi32>, tensor<10x2xi32>
func.func @slice(%qkv: tensor<2x64x192xf32>, %x: tensor<10x4xi32>)
    -> (tensor<2x64x64xf32>, tensor<3x0xi32>, tensor<10x2xi32>) {
  %0 = loom.slice %qkv offsets [0, 0, 64] sizes [2, 64, 64] strides [1, 1, 1] : tensor<2x64x192xf32>
  %1 = loom.slice %x offsets [1, 0] sizes [3, 0] strides [3, 1] : tensor<10x4xi32>
  %2 = loom.slice %x offsets [0, 2] sizes [-1, 2] strides [1, 1] : tensor<10x4xi32>
  return %0, %1, %2 : tensor<2x64x64xf32>, tensor<3x0xi32>, tensor<10x2xi32>
}

// -----

/// A bounded dim is kept whole (size -1) while a static one is sliced.
// CHECK-LABEL: func.func @slice_bounded
//       CHECK: %[[S:.*]] = loom.slice %{{.*}} offsets [0, 64] sizes [-1, 64] strides [1, 1] : tensor<?x192xbf16, #loom.bounds<[512, 192]>>
//       CHECK: return %[[S]] : tensor<?x64xbf16, #loom.bounds<[512, 64]>>
func.func @slice_bounded(%x: tensor<?x192xbf16, #loom.bounds<[512, 192]>>) -> tensor<?x64xbf16, #loom.bounds<[512, 64]>> {
  %0 = loom.slice %x offsets [0, 64] sizes [-1, 64] strides [1, 1] : tensor<?x192xbf16, #loom.bounds<[512, 192]>>
  return %0 : tensor<?x64xbf16, #loom.bounds<[512, 64]>>
}

// -----

/// One, two and three inputs; extents along `dim` add up.
// CHECK-LABEL: func.func @concat
//       CHECK: %[[A:.*]] = loom.concat %{{.*}}, %{{.*}} dim 1 : tensor<2x3xf32>, tensor<2x5xf32>
//       CHECK: %[[B:.*]] = loom.concat %{{.*}}, %{{.*}}, %{{.*}} dim 0 : tensor<1xi64>, tensor<2xi64>, tensor<3xi64>
//       CHECK: %[[C:.*]] = loom.concat %{{.*}} dim 0 : tensor<2xi1>
//       CHECK: return %[[A]], %[[B]], %[[C]] : tensor<2x8xf32>, tensor<6xi64>, tensor<2xi1>
func.func @concat(%a: tensor<2x3xf32>, %b: tensor<2x5xf32>, %x: tensor<1xi64>, %y: tensor<2xi64>,
                  %z: tensor<3xi64>, %m: tensor<2xi1>) -> (tensor<2x8xf32>, tensor<6xi64>, tensor<2xi1>) {
  %0 = loom.concat %a, %b dim 1 : tensor<2x3xf32>, tensor<2x5xf32>
  %1 = loom.concat %x, %y, %z dim 0 : tensor<1xi64>, tensor<2xi64>, tensor<3xi64>
  %2 = loom.concat %m dim 0 : tensor<2xi1>
  return %0, %1, %2 : tensor<2x8xf32>, tensor<6xi64>, tensor<2xi1>
}

// -----

/// A bounded input makes the joined dim dynamic with the sum of the bounds
/// (a BLT patch sequence after a static prefix); a bounded dim other than
/// `dim` must match and is kept.
// CHECK-LABEL: func.func @concat_bounded
//       CHECK: %[[A:.*]] = loom.concat %{{.*}}, %{{.*}} dim 0 : tensor<?x4xf32, #loom.bounds<[8, 4]>>, tensor<3x4xf32>
//       CHECK: %[[B:.*]] = loom.concat %{{.*}}, %{{.*}} dim 0 : tensor<?x4xf32, #loom.bounds<[8, 4]>>, tensor<?x4xf32, #loom.bounds<[8, 4]>>
//       CHECK: %[[C:.*]] = loom.concat %{{.*}}, %{{.*}} dim 1 : tensor<?x4xf32, #loom.bounds<[8, 4]>>, tensor<?x4xf32, #loom.bounds<[8, 4]>>
//       CHECK: return %[[A]], %[[B]], %[[C]] : tensor<?x4xf32, #loom.bounds<[11, 4]>>, tensor<?x4xf32, #loom.bounds<[16, 4]>>, tensor<?x8xf32, #loom.bounds<[8, 8]>>
func.func @concat_bounded(%a: tensor<?x4xf32, #loom.bounds<[8, 4]>>, %b: tensor<3x4xf32>)
    -> (tensor<?x4xf32, #loom.bounds<[11, 4]>>, tensor<?x4xf32, #loom.bounds<[16, 4]>>, tensor<?x8xf32, #loom.bounds<[8, 8]>>) {
  %0 = loom.concat %a, %b dim 0 : tensor<?x4xf32, #loom.bounds<[8, 4]>>, tensor<3x4xf32>
  %1 = loom.concat %a, %a dim 0 : tensor<?x4xf32, #loom.bounds<[8, 4]>>, tensor<?x4xf32, #loom.bounds<[8, 4]>>
  %2 = loom.concat %a, %a dim 1 : tensor<?x4xf32, #loom.bounds<[8, 4]>>, tensor<?x4xf32, #loom.bounds<[8, 4]>>
  return %0, %1, %2 : tensor<?x4xf32, #loom.bounds<[11, 4]>>, tensor<?x4xf32, #loom.bounds<[16, 4]>>, tensor<?x8xf32, #loom.bounds<[8, 8]>>
}

// -----

/// iota counts in every integer type but i1 and in every float type.
// CHECK-LABEL: func.func @iota
//       CHECK: loom.iota dim 1 : tensor<2x64xi64>
//       CHECK: loom.iota dim 0 : tensor<8xi32>
//       CHECK: loom.iota dim 0 : tensor<8xi8>
//       CHECK: loom.iota dim 2 : tensor<2x3x4xf32>
//       CHECK: loom.iota dim 0 : tensor<8xf64>
//       CHECK: loom.iota dim 0 : tensor<8xbf16>
//       CHECK: loom.iota dim 0 : tensor<8xf16>
func.func @iota() {
  %0 = loom.iota dim 1 : tensor<2x64xi64>
  %1 = loom.iota dim 0 : tensor<8xi32>
  %2 = loom.iota dim 0 : tensor<8xi8>
  %3 = loom.iota dim 2 : tensor<2x3x4xf32>
  %4 = loom.iota dim 0 : tensor<8xf64>
  %5 = loom.iota dim 0 : tensor<8xbf16>
  %6 = loom.iota dim 0 : tensor<8xf16>
  return
}

// -----

/// Dynamic dims take their sizes from `sizes`, in order.
// CHECK-LABEL: func.func @iota_bounded
//  CHECK-SAME: (%[[N:.*]]: index, %[[M:.*]]: index)
//       CHECK: loom.iota dim 0 sizes(%[[N]]) : tensor<?xi64, #loom.bounds<[512]>>
//       CHECK: loom.iota dim 1 sizes(%[[N]], %[[M]]) : tensor<?x?xf32, #loom.bounds<[4, 64]>>
func.func @iota_bounded(%n: index, %m: index) {
  %0 = loom.iota dim 0 sizes(%n) : tensor<?xi64, #loom.bounds<[512]>>
  %1 = loom.iota dim 1 sizes(%n, %m) : tensor<?x?xf32, #loom.bounds<[4, 64]>>
  return
}

// -----

/// Splat and non-splat constants of several element types.
// CHECK-LABEL: func.func @constant
//       CHECK: loom.constant dense<1.000000e+00> : tensor<4x8xf32>
//       CHECK: loom.constant dense<[1, 2, 3]> : tensor<3xi64>
//       CHECK: loom.constant dense<[true, false]> : tensor<2xi1>
//       CHECK: loom.constant dense<5.000000e-01> : tensor<bf16>
//       CHECK: loom.constant dense<-3> : tensor<2x2xi8>
func.func @constant() {
  %0 = loom.constant dense<1.0> : tensor<4x8xf32>
  %1 = loom.constant dense<[1, 2, 3]> : tensor<3xi64>
  %2 = loom.constant dense<[true, false]> : tensor<2xi1>
  %3 = loom.constant dense<0.5> : tensor<bf16>
  %4 = loom.constant dense<-3> : tensor<2x2xi8>
  return
}
