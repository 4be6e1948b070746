// RUN: loom-opt %s --split-input-file | loom-opt --split-input-file | FileCheck %s
// RUN: loom-opt %s --split-input-file --mlir-print-op-generic | loom-opt --split-input-file | FileCheck %s

/// Round trip of the reduction family (reduce, argmax, cumsum, top_k, sort,
/// softmax, log_softmax, cross_entropy) in custom and generic form. Returned
/// values pin down the inferred result types.

/// Every reduce kind, without and with keep_dims.
// CHECK-LABEL: func.func @reduce_kinds
//       CHECK: %[[S:.*]] = loom.reduce sum %{{.*}} dims [1] acc(f32) : tensor<4x64xbf16>
//       CHECK: %[[A:.*]] = loom.reduce mean %{{.*}} dims [1] acc(f32) : tensor<4x64xbf16>
//       CHECK: %[[M:.*]] = loom.reduce max %{{.*}} dims [1] keep_dims acc(f32) : tensor<4x64xbf16>
//       CHECK: %[[N:.*]] = loom.reduce min %{{.*}} dims [1] keep_dims acc(bf16) : tensor<4x64xbf16>
//       CHECK: return %[[S]], %[[A]], %[[M]], %[[N]] : tensor<4xbf16>, tensor<4xbf16>, tensor<4x1xbf16>, tensor<4x1xbf16>
func.func @reduce_kinds(%x: tensor<4x64xbf16>)
    -> (tensor<4xbf16>, tensor<4xbf16>, tensor<4x1xbf16>, tensor<4x1xbf16>) {
  %0 = loom.reduce sum %x dims [1] acc(f32) : tensor<4x64xbf16>
  %1 = loom.reduce mean %x dims [1] acc(f32) : tensor<4x64xbf16>
  %2 = loom.reduce max %x dims [1] keep_dims acc(f32) : tensor<4x64xbf16>
  %3 = loom.reduce min %x dims [1] keep_dims acc(bf16) : tensor<4x64xbf16>
  return %0, %1, %2, %3 : tensor<4xbf16>, tensor<4xbf16>, tensor<4x1xbf16>, tensor<4x1xbf16>
}

// -----

/// Several dims at once, down to a scalar.
// CHECK-LABEL: func.func @reduce_several_dims
//       CHECK: %[[A:.*]] = loom.reduce sum %{{.*}} dims [0, 2] acc(f32) : tensor<2x3x4xf32>
//       CHECK: %[[B:.*]] = loom.reduce sum %{{.*}} dims [0, 1, 2] acc(f64) : tensor<2x3x4xf32>
//       CHECK: %[[C:.*]] = loom.reduce sum %{{.*}} dims [0, 2] keep_dims acc(f32) : tensor<2x3x4xf32>
//       CHECK: return %[[A]], %[[B]], %[[C]] : tensor<3xf32>, tensor<f32>, tensor<1x3x1xf32>
func.func @reduce_several_dims(%x: tensor<2x3x4xf32>) -> (tensor<3xf32>, tensor<f32>, tensor<1x3x1xf32>) {
  %0 = loom.reduce sum %x dims [0, 2] acc(f32) : tensor<2x3x4xf32>
  %1 = loom.reduce sum %x dims [0, 1, 2] acc(f64) : tensor<2x3x4xf32>
  %2 = loom.reduce sum %x dims [0, 2] keep_dims acc(f32) : tensor<2x3x4xf32>
  return %0, %1, %2 : tensor<3xf32>, tensor<f32>, tensor<1x3x1xf32>
}

// -----

/// Every element type: floats in a float accumulator, integers in an integer
/// one (i1 is refused: cast it to count).
// CHECK-LABEL: func.func @reduce_element_types
//       CHECK: loom.reduce mean %{{.*}} dims [0] acc(f64) : tensor<4xf64>
//       CHECK: loom.reduce sum %{{.*}} dims [0] acc(f32) : tensor<4xf32>
//       CHECK: loom.reduce mean %{{.*}} dims [0] acc(f32) : tensor<4xf16>
//       CHECK: loom.reduce sum %{{.*}} dims [0] acc(i64) : tensor<4xi64>
//       CHECK: loom.reduce max %{{.*}} dims [0] acc(i32) : tensor<4xi32>
//       CHECK: loom.reduce min %{{.*}} dims [0] acc(i32) : tensor<4xi8>
func.func @reduce_element_types(%f64: tensor<4xf64>, %f32: tensor<4xf32>, %f16: tensor<4xf16>,
                                %i64: tensor<4xi64>, %i32: tensor<4xi32>, %i8: tensor<4xi8>) {
  %0 = loom.reduce mean %f64 dims [0] acc(f64) : tensor<4xf64>
  %1 = loom.reduce sum %f32 dims [0] acc(f32) : tensor<4xf32>
  %2 = loom.reduce mean %f16 dims [0] acc(f32) : tensor<4xf16>
  %3 = loom.reduce sum %i64 dims [0] acc(i64) : tensor<4xi64>
  %4 = loom.reduce max %i32 dims [0] acc(i32) : tensor<4xi32>
  %5 = loom.reduce min %i8 dims [0] acc(i32) : tensor<4xi8>
  return
}

// -----

/// Reducing a bounded dim drops it (or keeps it as a static 1); reducing
/// another dim keeps the bounded one.
// CHECK-LABEL: func.func @reduce_bounded
//       CHECK: %[[A:.*]] = loom.reduce sum %{{.*}} dims [0] acc(f32) : tensor<?x64xf32, #loom.bounds<[512, 64]>>
//       CHECK: %[[B:.*]] = loom.reduce sum %{{.*}} dims [0] keep_dims acc(f32) : tensor<?x64xf32, #loom.bounds<[512, 64]>>
//       CHECK: %[[C:.*]] = loom.reduce max %{{.*}} dims [1] acc(f32) : tensor<?x64xf32, #loom.bounds<[512, 64]>>
//       CHECK: %[[D:.*]] = loom.reduce max %{{.*}} dims [1] keep_dims acc(f32) : tensor<?x64xf32, #loom.bounds<[512, 64]>>
//       CHECK: return %[[A]], %[[B]], %[[C]], %[[D]] : tensor<64xf32>, tensor<1x64xf32>, tensor<?xf32, #loom.bounds<[512]>>, tensor<?x1xf32, #loom.bounds<[512, 1]>>
func.func @reduce_bounded(%x: tensor<?x64xf32, #loom.bounds<[512, 64]>>)
    -> (tensor<64xf32>, tensor<1x64xf32>, tensor<?xf32, #loom.bounds<[512]>>, tensor<?x1xf32, #loom.bounds<[512, 1]>>) {
  %0 = loom.reduce sum %x dims [0] acc(f32) : tensor<?x64xf32, #loom.bounds<[512, 64]>>
  %1 = loom.reduce sum %x dims [0] keep_dims acc(f32) : tensor<?x64xf32, #loom.bounds<[512, 64]>>
  %2 = loom.reduce max %x dims [1] acc(f32) : tensor<?x64xf32, #loom.bounds<[512, 64]>>
  %3 = loom.reduce max %x dims [1] keep_dims acc(f32) : tensor<?x64xf32, #loom.bounds<[512, 64]>>
  return %0, %1, %2, %3 : tensor<64xf32>, tensor<1x64xf32>, tensor<?xf32, #loom.bounds<[512]>>, tensor<?x1xf32, #loom.bounds<[512, 1]>>
}

// -----

/// argmax drops its dim and returns i64 for every numeric element type.
// CHECK-LABEL: func.func @argmax
//       CHECK: %[[A:.*]] = loom.argmax %{{.*}} dim 1 : tensor<4x260xf32>
//       CHECK: loom.argmax %{{.*}} dim 0 : tensor<4xf64>
//       CHECK: loom.argmax %{{.*}} dim 0 : tensor<4xbf16>
//       CHECK: loom.argmax %{{.*}} dim 0 : tensor<4xf16>
//       CHECK: loom.argmax %{{.*}} dim 0 : tensor<4xi64>
//       CHECK: loom.argmax %{{.*}} dim 0 : tensor<4xi32>
//       CHECK: %[[B:.*]] = loom.argmax %{{.*}} dim 0 : tensor<4xi8>
//       CHECK: return %[[A]], %[[B]] : tensor<4xi64>, tensor<i64>
func.func @argmax(%logits: tensor<4x260xf32>, %f64: tensor<4xf64>, %bf16: tensor<4xbf16>,
                  %f16: tensor<4xf16>, %i64: tensor<4xi64>, %i32: tensor<4xi32>, %i8: tensor<4xi8>)
    -> (tensor<4xi64>, tensor<i64>) {
  %0 = loom.argmax %logits dim 1 : tensor<4x260xf32>
  %1 = loom.argmax %f64 dim 0 : tensor<4xf64>
  %2 = loom.argmax %bf16 dim 0 : tensor<4xbf16>
  %3 = loom.argmax %f16 dim 0 : tensor<4xf16>
  %4 = loom.argmax %i64 dim 0 : tensor<4xi64>
  %5 = loom.argmax %i32 dim 0 : tensor<4xi32>
  %6 = loom.argmax %i8 dim 0 : tensor<4xi8>
  return %0, %6 : tensor<4xi64>, tensor<i64>
}

// -----

// CHECK-LABEL: func.func @argmax_bounded
//       CHECK: %[[A:.*]] = loom.argmax %{{.*}} dim 1 : tensor<?x260xbf16, #loom.bounds<[64, 260]>>
//       CHECK: %[[B:.*]] = loom.argmax %{{.*}} dim 0 : tensor<?x260xbf16, #loom.bounds<[64, 260]>>
//       CHECK: return %[[A]], %[[B]] : tensor<?xi64, #loom.bounds<[64]>>, tensor<260xi64>
func.func @argmax_bounded(%x: tensor<?x260xbf16, #loom.bounds<[64, 260]>>)
    -> (tensor<?xi64, #loom.bounds<[64]>>, tensor<260xi64>) {
  %0 = loom.argmax %x dim 1 : tensor<?x260xbf16, #loom.bounds<[64, 260]>>
  %1 = loom.argmax %x dim 0 : tensor<?x260xbf16, #loom.bounds<[64, 260]>>
  return %0, %1 : tensor<?xi64, #loom.bounds<[64]>>, tensor<260xi64>
}

// -----

/// exclusive and reverse, absent and present.
// CHECK-LABEL: func.func @cumsum_flags
//       CHECK: loom.cumsum %{{.*}} dim 1 acc(i64) : tensor<2x64xi64>
//       CHECK: loom.cumsum %{{.*}} dim 1 acc(i64) {exclusive} : tensor<2x64xi64>
//       CHECK: loom.cumsum %{{.*}} dim 1 acc(i64) {reverse} : tensor<2x64xi64>
//       CHECK: %[[R:.*]] = loom.cumsum %{{.*}} dim 0 acc(i64) {exclusive, reverse} : tensor<2x64xi64>
//       CHECK: return %[[R]] : tensor<2x64xi64>
func.func @cumsum_flags(%x: tensor<2x64xi64>) -> tensor<2x64xi64> {
  %0 = loom.cumsum %x dim 1 acc(i64) : tensor<2x64xi64>
  %1 = loom.cumsum %x dim 1 acc(i64) {exclusive} : tensor<2x64xi64>
  %2 = loom.cumsum %x dim 1 acc(i64) {reverse} : tensor<2x64xi64>
  %3 = loom.cumsum %x dim 0 acc(i64) {exclusive, reverse} : tensor<2x64xi64>
  return %3 : tensor<2x64xi64>
}

// -----

// CHECK-LABEL: func.func @cumsum_element_types
//       CHECK: loom.cumsum %{{.*}} dim 0 acc(f64) : tensor<8xf64>
//       CHECK: loom.cumsum %{{.*}} dim 0 acc(f32) : tensor<8xf32>
//       CHECK: loom.cumsum %{{.*}} dim 0 acc(f32) : tensor<8xbf16>
//       CHECK: loom.cumsum %{{.*}} dim 0 acc(f32) : tensor<8xf16>
//       CHECK: loom.cumsum %{{.*}} dim 0 acc(i32) : tensor<8xi32>
//       CHECK: loom.cumsum %{{.*}} dim 0 acc(i32) : tensor<8xi8>
func.func @cumsum_element_types(%f64: tensor<8xf64>, %f32: tensor<8xf32>, %bf16: tensor<8xbf16>,
                                %f16: tensor<8xf16>, %i32: tensor<8xi32>, %i8: tensor<8xi8>) {
  %0 = loom.cumsum %f64 dim 0 acc(f64) : tensor<8xf64>
  %1 = loom.cumsum %f32 dim 0 acc(f32) : tensor<8xf32>
  %2 = loom.cumsum %bf16 dim 0 acc(f32) : tensor<8xbf16>
  %3 = loom.cumsum %f16 dim 0 acc(f32) : tensor<8xf16>
  %4 = loom.cumsum %i32 dim 0 acc(i32) : tensor<8xi32>
  %5 = loom.cumsum %i8 dim 0 acc(i32) : tensor<8xi8>
  return
}

// -----

/// A scan along a bounded dim keeps the operand's type.
// CHECK-LABEL: func.func @cumsum_bounded
//       CHECK: %[[Y:.*]] = loom.cumsum %{{.*}} dim 0 acc(i64) : tensor<?x4xi64, #loom.bounds<[128, 4]>>
//       CHECK: return %[[Y]] : tensor<?x4xi64, #loom.bounds<[128, 4]>>
func.func @cumsum_bounded(%x: tensor<?x4xi64, #loom.bounds<[128, 4]>>) -> tensor<?x4xi64, #loom.bounds<[128, 4]>> {
  %0 = loom.cumsum %x dim 0 acc(i64) : tensor<?x4xi64, #loom.bounds<[128, 4]>>
  return %0 : tensor<?x4xi64, #loom.bounds<[128, 4]>>
}

// -----

/// top_k gives values of the input's type and i64 indices, k wide; k may be
/// the whole last dim.
// CHECK-LABEL: func.func @top_k
//       CHECK: %[[V:.*]], %[[I:.*]] = loom.top_k %{{.*}} k 2 : tensor<8x16xf32>
//       CHECK: %[[W:.*]], %{{.*}} = loom.top_k %{{.*}} k 16 : tensor<16xi32>
//       CHECK: loom.top_k %{{.*}} k 1 : tensor<4xbf16>
//       CHECK: return %[[V]], %[[I]], %[[W]] : tensor<8x2xf32>, tensor<8x2xi64>, tensor<16xi32>
func.func @top_k(%scores: tensor<8x16xf32>, %i: tensor<16xi32>, %b: tensor<4xbf16>)
    -> (tensor<8x2xf32>, tensor<8x2xi64>, tensor<16xi32>) {
  %v, %idx = loom.top_k %scores k 2 : tensor<8x16xf32>
  %w:2 = loom.top_k %i k 16 : tensor<16xi32>
  %u:2 = loom.top_k %b k 1 : tensor<4xbf16>
  return %v, %idx, %w#0 : tensor<8x2xf32>, tensor<8x2xi64>, tensor<16xi32>
}

// -----

/// Bounded leading dims pass through; the last dim is static.
// CHECK-LABEL: func.func @top_k_bounded
//       CHECK: %[[V:.*]], %[[I:.*]] = loom.top_k %{{.*}} k 4 : tensor<?x260xf32, #loom.bounds<[64, 260]>>
//       CHECK: return %[[V]], %[[I]] : tensor<?x4xf32, #loom.bounds<[64, 4]>>, tensor<?x4xi64, #loom.bounds<[64, 4]>>
func.func @top_k_bounded(%x: tensor<?x260xf32, #loom.bounds<[64, 260]>>)
    -> (tensor<?x4xf32, #loom.bounds<[64, 4]>>, tensor<?x4xi64, #loom.bounds<[64, 4]>>) {
  %v, %i = loom.top_k %x k 4 : tensor<?x260xf32, #loom.bounds<[64, 260]>>
  return %v, %i : tensor<?x4xf32, #loom.bounds<[64, 4]>>, tensor<?x4xi64, #loom.bounds<[64, 4]>>
}

// -----

/// Ascending and descending; the permutation is i64 of the input's shape.
// CHECK-LABEL: func.func @sort
//       CHECK: %[[S:.*]], %[[P:.*]] = loom.sort %{{.*}} dim 0 : tensor<64xi32>
//       CHECK: loom.sort %{{.*}} dim 1 {descending} : tensor<4x8xf32>
//       CHECK: loom.sort %{{.*}} dim 0 : tensor<8xbf16>
//       CHECK: loom.sort %{{.*}} dim 0 {descending} : tensor<8xi1>
//       CHECK: return %[[S]], %[[P]] : tensor<64xi32>, tensor<64xi64>
func.func @sort(%ids: tensor<64xi32>, %f: tensor<4x8xf32>, %b: tensor<8xbf16>, %m: tensor<8xi1>)
    -> (tensor<64xi32>, tensor<64xi64>) {
  %s, %perm = loom.sort %ids dim 0 : tensor<64xi32>
  %0:2 = loom.sort %f dim 1 {descending} : tensor<4x8xf32>
  %1:2 = loom.sort %b dim 0 : tensor<8xbf16>
  %2:2 = loom.sort %m dim 0 {descending} : tensor<8xi1>
  return %s, %perm : tensor<64xi32>, tensor<64xi64>
}

// -----

/// Sorting along a bounded dim (the run-time count of ids).
// CHECK-LABEL: func.func @sort_bounded
//       CHECK: %[[S:.*]], %[[P:.*]] = loom.sort %{{.*}} dim 0 : tensor<?xi64, #loom.bounds<[4096]>>
//       CHECK: return %[[S]], %[[P]] : tensor<?xi64, #loom.bounds<[4096]>>, tensor<?xi64, #loom.bounds<[4096]>>
func.func @sort_bounded(%x: tensor<?xi64, #loom.bounds<[4096]>>)
    -> (tensor<?xi64, #loom.bounds<[4096]>>, tensor<?xi64, #loom.bounds<[4096]>>) {
  %s, %p = loom.sort %x dim 0 : tensor<?xi64, #loom.bounds<[4096]>>
  return %s, %p : tensor<?xi64, #loom.bounds<[4096]>>, tensor<?xi64, #loom.bounds<[4096]>>
}

// -----

/// softmax and log_softmax on every float type, bounded rows included.
// CHECK-LABEL: func.func @softmax
//       CHECK: loom.softmax %{{.*}} dim 1 acc(f32) : tensor<4x260xbf16>
//       CHECK: loom.softmax %{{.*}} dim 0 acc(f32) : tensor<4x260xf32>
//       CHECK: loom.log_softmax %{{.*}} dim 1 acc(f32) : tensor<4x260xf32>
//       CHECK: loom.log_softmax %{{.*}} dim 1 acc(f64) : tensor<4x8xf64>
//       CHECK: loom.softmax %{{.*}} dim 1 acc(f16) : tensor<4x8xf16>
//       CHECK: %[[P:.*]] = loom.softmax %{{.*}} dim 1 acc(f32) : tensor<?x260xf32, #loom.bounds<[64, 260]>>
//       CHECK: %[[L:.*]] = loom.log_softmax %{{.*}} dim 0 acc(f32) : tensor<?x260xf32, #loom.bounds<[64, 260]>>
//       CHECK: return %[[P]], %[[L]] : tensor<?x260xf32, #loom.bounds<[64, 260]>>, tensor<?x260xf32, #loom.bounds<[64, 260]>>
func.func @softmax(%b: tensor<4x260xbf16>, %f: tensor<4x260xf32>, %d: tensor<4x8xf64>, %h: tensor<4x8xf16>,
                   %r: tensor<?x260xf32, #loom.bounds<[64, 260]>>)
    -> (tensor<?x260xf32, #loom.bounds<[64, 260]>>, tensor<?x260xf32, #loom.bounds<[64, 260]>>) {
  %0 = loom.softmax %b dim 1 acc(f32) : tensor<4x260xbf16>
  %1 = loom.softmax %f dim 0 acc(f32) : tensor<4x260xf32>
  %2 = loom.log_softmax %f dim 1 acc(f32) : tensor<4x260xf32>
  %3 = loom.log_softmax %d dim 1 acc(f64) : tensor<4x8xf64>
  %4 = loom.softmax %h dim 1 acc(f16) : tensor<4x8xf16>
  %5 = loom.softmax %r dim 1 acc(f32) : tensor<?x260xf32, #loom.bounds<[64, 260]>>
  %6 = loom.log_softmax %r dim 0 acc(f32) : tensor<?x260xf32, #loom.bounds<[64, 260]>>
  return %5, %6 : tensor<?x260xf32, #loom.bounds<[64, 260]>>, tensor<?x260xf32, #loom.bounds<[64, 260]>>
}

// -----

/// Without and with weights; ignore_index defaults to -100 (then not
/// printed) and can be set.
// CHECK-LABEL: func.func @cross_entropy
//  CHECK-SAME: (%[[L:.*]]: tensor<128x260xf32>, %[[T:.*]]: tensor<128xi64>, %[[W:.*]]: tensor<128xf32>)
//       CHECK: %[[A:.*]] = loom.cross_entropy %[[L]], %[[T]] acc(f32) : tensor<128x260xf32>, tensor<128xi64>
//   CHECK-NOT: ignore_index
//       CHECK: %[[B:.*]] = loom.cross_entropy %[[L]], %[[T]] weights(%[[W]] : tensor<128xf32>) acc(f32) {ignore_index = 0 : i64} : tensor<128x260xf32>, tensor<128xi64>
//       CHECK: return %[[A]], %[[B]] : tensor<128xf32>, tensor<128xf32>
func.func @cross_entropy(%logits: tensor<128x260xf32>, %targets: tensor<128xi64>, %w: tensor<128xf32>)
    -> (tensor<128xf32>, tensor<128xf32>) {
  %0 = loom.cross_entropy %logits, %targets acc(f32) : tensor<128x260xf32>, tensor<128xi64>
  %1 = loom.cross_entropy %logits, %targets weights(%w : tensor<128xf32>) acc(f32) {ignore_index = 0}
      : tensor<128x260xf32>, tensor<128xi64>
  return %0, %1 : tensor<128xf32>, tensor<128xf32>
}

// -----

/// Every float logits type, i32 targets, and rank-1 logits (one token, a
/// scalar loss).
// CHECK-LABEL: func.func @cross_entropy_element_types
//       CHECK: loom.cross_entropy %{{.*}}, %{{.*}} acc(f32) : tensor<2x8x16xbf16>, tensor<2x8xi32>
//       CHECK: loom.cross_entropy %{{.*}}, %{{.*}} weights(%{{.*}} : tensor<2x8xf16>) acc(f32) : tensor<2x8x16xf16>, tensor<2x8xi64>
//       CHECK: %[[S:.*]] = loom.cross_entropy %{{.*}}, %{{.*}} acc(f64) : tensor<16xf64>, tensor<i64>
//       CHECK: return %[[S]] : tensor<f64>
func.func @cross_entropy_element_types(%lb: tensor<2x8x16xbf16>, %t32: tensor<2x8xi32>, %lh: tensor<2x8x16xf16>,
                                       %t64: tensor<2x8xi64>, %w: tensor<2x8xf16>, %l1: tensor<16xf64>,
                                       %t0: tensor<i64>) -> tensor<f64> {
  %0 = loom.cross_entropy %lb, %t32 acc(f32) : tensor<2x8x16xbf16>, tensor<2x8xi32>
  %1 = loom.cross_entropy %lh, %t64 weights(%w : tensor<2x8xf16>) acc(f32) : tensor<2x8x16xf16>, tensor<2x8xi64>
  %2 = loom.cross_entropy %l1, %t0 acc(f64) : tensor<16xf64>, tensor<i64>
  return %2 : tensor<f64>
}

// -----

/// Bounded tokens: targets, weights and the loss share the bound.
// CHECK-LABEL: func.func @cross_entropy_bounded
//       CHECK: %[[L:.*]] = loom.cross_entropy %{{.*}}, %{{.*}} weights(%{{.*}} : tensor<?xf32, #loom.bounds<[512]>>) acc(f32) : tensor<?x260xf32, #loom.bounds<[512, 260]>>, tensor<?xi64, #loom.bounds<[512]>>
//       CHECK: return %[[L]] : tensor<?xf32, #loom.bounds<[512]>>
func.func @cross_entropy_bounded(%logits: tensor<?x260xf32, #loom.bounds<[512, 260]>>,
                                 %targets: tensor<?xi64, #loom.bounds<[512]>>,
                                 %w: tensor<?xf32, #loom.bounds<[512]>>) -> tensor<?xf32, #loom.bounds<[512]>> {
  %0 = loom.cross_entropy %logits, %targets weights(%w : tensor<?xf32, #loom.bounds<[512]>>) acc(f32)
      : tensor<?x260xf32, #loom.bounds<[512, 260]>>, tensor<?xi64, #loom.bounds<[512]>>
  return %0 : tensor<?xf32, #loom.bounds<[512]>>
}
