// RUN: loom-opt %s --split-input-file | loom-opt --split-input-file | FileCheck %s
// RUN: loom-opt %s --split-input-file --mlir-print-op-generic | loom-opt --split-input-file | FileCheck %s

/// Round trip of the contraction family (matmul, linear) in custom and
/// generic form. Returned values pin down the inferred result types.

/// Both transpose flags absent and present: [m, k] x [k, n], [k, m] x [k, n],
/// [m, k] x [n, k], [k, m] x [n, k] all give [m, n] = [4, 8].
// CHECK-LABEL: func.func @matmul_transposes
//       CHECK: %[[A:.*]] = loom.matmul %{{.*}}, %{{.*}} acc(f32) : tensor<4x16xf32>, tensor<16x8xf32>
//       CHECK: %[[B:.*]] = loom.matmul %{{.*}}, %{{.*}} transpose_lhs acc(f32) : tensor<16x4xf32>, tensor<16x8xf32>
//       CHECK: %[[C:.*]] = loom.matmul %{{.*}}, %{{.*}} transpose_rhs acc(f32) : tensor<4x16xf32>, tensor<8x16xf32>
//       CHECK: %[[D:.*]] = loom.matmul %{{.*}}, %{{.*}} transpose_lhs transpose_rhs acc(f32) : tensor<16x4xf32>, tensor<8x16xf32>
//       CHECK: return %[[A]], %[[B]], %[[C]], %[[D]] : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>
func.func @matmul_transposes(%mk: tensor<4x16xf32>, %km: tensor<16x4xf32>, %kn: tensor<16x8xf32>,
                             %nk: tensor<8x16xf32>)
    -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) {
  %0 = loom.matmul %mk, %kn acc(f32) : tensor<4x16xf32>, tensor<16x8xf32>
  %1 = loom.matmul %km, %kn transpose_lhs acc(f32) : tensor<16x4xf32>, tensor<16x8xf32>
  %2 = loom.matmul %mk, %nk transpose_rhs acc(f32) : tensor<4x16xf32>, tensor<8x16xf32>
  %3 = loom.matmul %km, %nk transpose_lhs transpose_rhs acc(f32) : tensor<16x4xf32>, tensor<8x16xf32>
  return %0, %1, %2, %3 : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

/// Batched attention scores: q [8, 64, 16] x k [8, 64, 16]ᵀ in bf16 with f32
/// accumulation.
// CHECK-LABEL: func.func @matmul_batched_bf16
//       CHECK: %[[S:.*]] = loom.matmul %{{.*}}, %{{.*}} transpose_rhs acc(f32) : tensor<8x64x16xbf16>, tensor<8x64x16xbf16>
//       CHECK: return %[[S]] : tensor<8x64x64xbf16>
func.func @matmul_batched_bf16(%q: tensor<8x64x16xbf16>, %k: tensor<8x64x16xbf16>) -> tensor<8x64x64xbf16> {
  %0 = loom.matmul %q, %k transpose_rhs acc(f32) : tensor<8x64x16xbf16>, tensor<8x64x16xbf16>
  return %0 : tensor<8x64x64xbf16>
}

// -----

/// Every element type with an accumulation type that suits it, equal widths
/// included.
// CHECK-LABEL: func.func @matmul_element_types
//       CHECK: loom.matmul %{{.*}}, %{{.*}} acc(f64) : tensor<2x2xf64>, tensor<2x2xf64>
//       CHECK: loom.matmul %{{.*}}, %{{.*}} acc(f32) : tensor<2x2xf32>, tensor<2x2xf32>
//       CHECK: loom.matmul %{{.*}}, %{{.*}} acc(bf16) : tensor<2x2xbf16>, tensor<2x2xbf16>
//       CHECK: loom.matmul %{{.*}}, %{{.*}} acc(f32) : tensor<2x2xf16>, tensor<2x2xf16>
//       CHECK: loom.matmul %{{.*}}, %{{.*}} acc(f16) : tensor<2x2xf16>, tensor<2x2xf16>
//       CHECK: loom.matmul %{{.*}}, %{{.*}} acc(i64) : tensor<2x2xi64>, tensor<2x2xi64>
//       CHECK: loom.matmul %{{.*}}, %{{.*}} acc(i64) : tensor<2x2xi32>, tensor<2x2xi32>
//       CHECK: loom.matmul %{{.*}}, %{{.*}} acc(i32) : tensor<2x2xi8>, tensor<2x2xi8>
func.func @matmul_element_types(%f64: tensor<2x2xf64>, %f32: tensor<2x2xf32>, %bf16: tensor<2x2xbf16>,
                                %f16: tensor<2x2xf16>, %i64: tensor<2x2xi64>, %i32: tensor<2x2xi32>,
                                %i8: tensor<2x2xi8>) {
  %0 = loom.matmul %f64, %f64 acc(f64) : tensor<2x2xf64>, tensor<2x2xf64>
  %1 = loom.matmul %f32, %f32 acc(f32) : tensor<2x2xf32>, tensor<2x2xf32>
  %2 = loom.matmul %bf16, %bf16 acc(bf16) : tensor<2x2xbf16>, tensor<2x2xbf16>
  %3 = loom.matmul %f16, %f16 acc(f32) : tensor<2x2xf16>, tensor<2x2xf16>
  %4 = loom.matmul %f16, %f16 acc(f16) : tensor<2x2xf16>, tensor<2x2xf16>
  %5 = loom.matmul %i64, %i64 acc(i64) : tensor<2x2xi64>, tensor<2x2xi64>
  %6 = loom.matmul %i32, %i32 acc(i64) : tensor<2x2xi32>, tensor<2x2xi32>
  %7 = loom.matmul %i8, %i8 acc(i32) : tensor<2x2xi8>, tensor<2x2xi8>
  return
}

// -----

/// A bounded row count passes from lhs to the result; a bounded n from rhs.
// CHECK-LABEL: func.func @matmul_bounded_m_n
//       CHECK: %[[R:.*]] = loom.matmul %{{.*}}, %{{.*}} acc(f32) : tensor<?x64xf32, #loom.bounds<[512, 64]>>, tensor<64x32xf32>
//       CHECK: %[[C:.*]] = loom.matmul %{{.*}}, %{{.*}} transpose_rhs acc(f32) : tensor<4x64xf32>, tensor<?x64xf32, #loom.bounds<[512, 64]>>
//       CHECK: return %[[R]], %[[C]] : tensor<?x32xf32, #loom.bounds<[512, 32]>>, tensor<4x?xf32, #loom.bounds<[4, 512]>>
func.func @matmul_bounded_m_n(%x: tensor<?x64xf32, #loom.bounds<[512, 64]>>, %w: tensor<64x32xf32>,
                              %q: tensor<4x64xf32>)
    -> (tensor<?x32xf32, #loom.bounds<[512, 32]>>, tensor<4x?xf32, #loom.bounds<[4, 512]>>) {
  %0 = loom.matmul %x, %w acc(f32) : tensor<?x64xf32, #loom.bounds<[512, 64]>>, tensor<64x32xf32>
  %1 = loom.matmul %q, %x transpose_rhs acc(f32) : tensor<4x64xf32>, tensor<?x64xf32, #loom.bounds<[512, 64]>>
  return %0, %1 : tensor<?x32xf32, #loom.bounds<[512, 32]>>, tensor<4x?xf32, #loom.bounds<[4, 512]>>
}

// -----

/// A bounded contraction dim (equal on both sides) leaves a static result; a
/// bounded batch dim stays in the result.
// CHECK-LABEL: func.func @matmul_bounded_k_batch
//       CHECK: %[[K:.*]] = loom.matmul %{{.*}}, %{{.*}} transpose_lhs acc(f32) : tensor<?x4xf32, #loom.bounds<[64, 4]>>, tensor<?x8xf32, #loom.bounds<[64, 8]>>
//       CHECK: %[[B:.*]] = loom.matmul %{{.*}}, %{{.*}} acc(f32) : tensor<?x4x16xf32, #loom.bounds<[6, 4, 16]>>, tensor<?x16x8xf32, #loom.bounds<[6, 16, 8]>>
//       CHECK: return %[[K]], %[[B]] : tensor<4x8xf32>, tensor<?x4x8xf32, #loom.bounds<[6, 4, 8]>>
func.func @matmul_bounded_k_batch(%a: tensor<?x4xf32, #loom.bounds<[64, 4]>>, %b: tensor<?x8xf32, #loom.bounds<[64, 8]>>,
                                  %c: tensor<?x4x16xf32, #loom.bounds<[6, 4, 16]>>, %d: tensor<?x16x8xf32, #loom.bounds<[6, 16, 8]>>)
    -> (tensor<4x8xf32>, tensor<?x4x8xf32, #loom.bounds<[6, 4, 8]>>) {
  %0 = loom.matmul %a, %b transpose_lhs acc(f32) : tensor<?x4xf32, #loom.bounds<[64, 4]>>, tensor<?x8xf32, #loom.bounds<[64, 8]>>
  %1 = loom.matmul %c, %d acc(f32) : tensor<?x4x16xf32, #loom.bounds<[6, 4, 16]>>, tensor<?x16x8xf32, #loom.bounds<[6, 16, 8]>>
  return %0, %1 : tensor<4x8xf32>, tensor<?x4x8xf32, #loom.bounds<[6, 4, 8]>>
}

// -----

/// linear without and with a bias; the weight is [out, in].
// CHECK-LABEL: func.func @linear_bias
//  CHECK-SAME: (%[[X:.*]]: tensor<2x64x64xf32>, %[[W:.*]]: tensor<192x64xf32>, %[[B:.*]]: tensor<192xf32>)
//       CHECK: %[[H:.*]] = loom.linear %[[X]], %[[W]] acc(f32) : tensor<2x64x64xf32>, tensor<192x64xf32>
//       CHECK: %[[O:.*]] = loom.linear %[[X]], %[[W]] bias(%[[B]] : tensor<192xf32>) acc(f32) : tensor<2x64x64xf32>, tensor<192x64xf32>
//       CHECK: return %[[H]], %[[O]] : tensor<2x64x192xf32>, tensor<2x64x192xf32>
func.func @linear_bias(%x: tensor<2x64x64xf32>, %w: tensor<192x64xf32>, %b: tensor<192xf32>)
    -> (tensor<2x64x192xf32>, tensor<2x64x192xf32>) {
  %0 = loom.linear %x, %w acc(f32) : tensor<2x64x64xf32>, tensor<192x64xf32>
  %1 = loom.linear %x, %w bias(%b : tensor<192xf32>) acc(f32) : tensor<2x64x64xf32>, tensor<192x64xf32>
  return %0, %1 : tensor<2x64x192xf32>, tensor<2x64x192xf32>
}

// -----

/// A rank-1 input is a single row.
// CHECK-LABEL: func.func @linear_rank1
//       CHECK: %[[Y:.*]] = loom.linear %{{.*}}, %{{.*}} acc(f64) : tensor<16xf64>, tensor<4x16xf64>
//       CHECK: return %[[Y]] : tensor<4xf64>
func.func @linear_rank1(%x: tensor<16xf64>, %w: tensor<4x16xf64>) -> tensor<4xf64> {
  %0 = loom.linear %x, %w acc(f64) : tensor<16xf64>, tensor<4x16xf64>
  return %0 : tensor<4xf64>
}

// -----

// CHECK-LABEL: func.func @linear_element_types
//       CHECK: loom.linear %{{.*}}, %{{.*}} bias(%{{.*}} : tensor<8xbf16>) acc(f32) : tensor<2x4xbf16>, tensor<8x4xbf16>
//       CHECK: loom.linear %{{.*}}, %{{.*}} acc(f32) : tensor<2x4xf16>, tensor<8x4xf16>
//       CHECK: loom.linear %{{.*}}, %{{.*}} bias(%{{.*}} : tensor<8xi8>) acc(i32) : tensor<2x4xi8>, tensor<8x4xi8>
//       CHECK: loom.linear %{{.*}}, %{{.*}} acc(i64) : tensor<2x4xi32>, tensor<8x4xi32>
//       CHECK: loom.linear %{{.*}}, %{{.*}} acc(i64) : tensor<2x4xi64>, tensor<8x4xi64>
func.func @linear_element_types(%xb: tensor<2x4xbf16>, %wb: tensor<8x4xbf16>, %bb: tensor<8xbf16>,
                                %xh: tensor<2x4xf16>, %wh: tensor<8x4xf16>,
                                %x8: tensor<2x4xi8>, %w8: tensor<8x4xi8>, %b8: tensor<8xi8>,
                                %x32: tensor<2x4xi32>, %w32: tensor<8x4xi32>,
                                %x64: tensor<2x4xi64>, %w64: tensor<8x4xi64>) {
  %0 = loom.linear %xb, %wb bias(%bb : tensor<8xbf16>) acc(f32) : tensor<2x4xbf16>, tensor<8x4xbf16>
  %1 = loom.linear %xh, %wh acc(f32) : tensor<2x4xf16>, tensor<8x4xf16>
  %2 = loom.linear %x8, %w8 bias(%b8 : tensor<8xi8>) acc(i32) : tensor<2x4xi8>, tensor<8x4xi8>
  %3 = loom.linear %x32, %w32 acc(i64) : tensor<2x4xi32>, tensor<8x4xi32>
  %4 = loom.linear %x64, %w64 acc(i64) : tensor<2x4xi64>, tensor<8x4xi64>
  return
}

// -----

/// Bounded leading dims pass through to the result.
// CHECK-LABEL: func.func @linear_bounded
//       CHECK: %[[Y:.*]] = loom.linear %{{.*}}, %{{.*}} bias(%{{.*}} : tensor<32xf32>) acc(f32) : tensor<2x?x64xf32, #loom.bounds<[2, 512, 64]>>, tensor<32x64xf32>
//       CHECK: return %[[Y]] : tensor<2x?x32xf32, #loom.bounds<[2, 512, 32]>>
func.func @linear_bounded(%x: tensor<2x?x64xf32, #loom.bounds<[2, 512, 64]>>, %w: tensor<32x64xf32>, %b: tensor<32xf32>)
    -> tensor<2x?x32xf32, #loom.bounds<[2, 512, 32]>> {
  %0 = loom.linear %x, %w bias(%b : tensor<32xf32>) acc(f32) : tensor<2x?x64xf32, #loom.bounds<[2, 512, 64]>>, tensor<32x64xf32>
  return %0 : tensor<2x?x32xf32, #loom.bounds<[2, 512, 32]>>
}
