// RUN: loom-opt %s --split-input-file | loom-opt --split-input-file | FileCheck %s
// RUN: loom-opt %s --split-input-file --mlir-print-op-generic | loom-opt --split-input-file | FileCheck %s

/// Round trip of the elementwise family (unary, binary, floor_mod, compare,
/// select, cast, broadcast) in custom and generic form.

/// Every unary kind that needs float elements.
// CHECK-LABEL: func.func @unary_float_kinds
//  CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
//       CHECK: loom.unary exp %[[X]] : tensor<4xf32>
//       CHECK: loom.unary log %[[X]] : tensor<4xf32>
//       CHECK: loom.unary log1p %[[X]] : tensor<4xf32>
//       CHECK: loom.unary expm1 %[[X]] : tensor<4xf32>
//       CHECK: loom.unary sqrt %[[X]] : tensor<4xf32>
//       CHECK: loom.unary rsqrt %[[X]] : tensor<4xf32>
//       CHECK: loom.unary reciprocal %[[X]] : tensor<4xf32>
//       CHECK: loom.unary tanh %[[X]] : tensor<4xf32>
//       CHECK: loom.unary sigmoid %[[X]] : tensor<4xf32>
//       CHECK: loom.unary silu %[[X]] : tensor<4xf32>
//       CHECK: loom.unary gelu %[[X]] : tensor<4xf32>
//       CHECK: loom.unary gelu_tanh %[[X]] : tensor<4xf32>
//       CHECK: loom.unary softplus %[[X]] : tensor<4xf32>
//       CHECK: loom.unary sin %[[X]] : tensor<4xf32>
//       CHECK: loom.unary cos %[[X]] : tensor<4xf32>
//       CHECK: loom.unary erf %[[X]] : tensor<4xf32>
//       CHECK: loom.unary floor %[[X]] : tensor<4xf32>
//       CHECK: loom.unary ceil %[[X]] : tensor<4xf32>
func.func @unary_float_kinds(%x: tensor<4xf32>) {
  %0 = loom.unary exp %x : tensor<4xf32>
  %1 = loom.unary log %x : tensor<4xf32>
  %2 = loom.unary log1p %x : tensor<4xf32>
  %3 = loom.unary expm1 %x : tensor<4xf32>
  %4 = loom.unary sqrt %x : tensor<4xf32>
  %5 = loom.unary rsqrt %x : tensor<4xf32>
  %6 = loom.unary reciprocal %x : tensor<4xf32>
  %7 = loom.unary tanh %x : tensor<4xf32>
  %8 = loom.unary sigmoid %x : tensor<4xf32>
  %9 = loom.unary silu %x : tensor<4xf32>
  %10 = loom.unary gelu %x : tensor<4xf32>
  %11 = loom.unary gelu_tanh %x : tensor<4xf32>
  %12 = loom.unary softplus %x : tensor<4xf32>
  %13 = loom.unary sin %x : tensor<4xf32>
  %14 = loom.unary cos %x : tensor<4xf32>
  %15 = loom.unary erf %x : tensor<4xf32>
  %16 = loom.unary floor %x : tensor<4xf32>
  %17 = loom.unary ceil %x : tensor<4xf32>
  return
}

// -----

/// neg, abs, square and relu take every element type; integer neg and abs
/// wrap.
// CHECK-LABEL: func.func @unary_any_type_kinds
//       CHECK: loom.unary neg %{{.*}} : tensor<4xf64>
//       CHECK: loom.unary abs %{{.*}} : tensor<4xbf16>
//       CHECK: loom.unary square %{{.*}} : tensor<4xf16>
//       CHECK: loom.unary relu %{{.*}} : tensor<4xi64>
//       CHECK: loom.unary neg %{{.*}} : tensor<4xi32>
//       CHECK: loom.unary abs %{{.*}} : tensor<4xi8>
//       CHECK: loom.unary square %{{.*}} : tensor<4xi1>
//       CHECK: loom.unary relu %{{.*}} : tensor<4xf32>
func.func @unary_any_type_kinds(%f64: tensor<4xf64>, %bf16: tensor<4xbf16>, %f16: tensor<4xf16>,
                                %i64: tensor<4xi64>, %i32: tensor<4xi32>, %i8: tensor<4xi8>,
                                %i1: tensor<4xi1>, %f32: tensor<4xf32>) {
  %0 = loom.unary neg %f64 : tensor<4xf64>
  %1 = loom.unary abs %bf16 : tensor<4xbf16>
  %2 = loom.unary square %f16 : tensor<4xf16>
  %3 = loom.unary relu %i64 : tensor<4xi64>
  %4 = loom.unary neg %i32 : tensor<4xi32>
  %5 = loom.unary abs %i8 : tensor<4xi8>
  %6 = loom.unary square %i1 : tensor<4xi1>
  %7 = loom.unary relu %f32 : tensor<4xf32>
  return
}

// -----

/// `not` is bitwise on integers and logical on i1.
// CHECK-LABEL: func.func @unary_not
//       CHECK: loom.unary not %{{.*}} : tensor<4xi1>
//       CHECK: loom.unary not %{{.*}} : tensor<4xi8>
//       CHECK: loom.unary not %{{.*}} : tensor<4xi32>
//       CHECK: loom.unary not %{{.*}} : tensor<4xi64>
func.func @unary_not(%i1: tensor<4xi1>, %i8: tensor<4xi8>, %i32: tensor<4xi32>, %i64: tensor<4xi64>) {
  %0 = loom.unary not %i1 : tensor<4xi1>
  %1 = loom.unary not %i8 : tensor<4xi8>
  %2 = loom.unary not %i32 : tensor<4xi32>
  %3 = loom.unary not %i64 : tensor<4xi64>
  return
}

// -----

/// Float-only kinds on every float type, and a rank-0 operand.
// CHECK-LABEL: func.func @unary_float_types
//       CHECK: loom.unary exp %{{.*}} : tensor<2x3xf64>
//       CHECK: loom.unary exp %{{.*}} : tensor<2x3xbf16>
//       CHECK: loom.unary exp %{{.*}} : tensor<2x3xf16>
//       CHECK: loom.unary exp %{{.*}} : tensor<f32>
func.func @unary_float_types(%f64: tensor<2x3xf64>, %bf16: tensor<2x3xbf16>, %f16: tensor<2x3xf16>,
                             %f32: tensor<f32>) {
  %0 = loom.unary exp %f64 : tensor<2x3xf64>
  %1 = loom.unary exp %bf16 : tensor<2x3xbf16>
  %2 = loom.unary exp %f16 : tensor<2x3xf16>
  %3 = loom.unary exp %f32 : tensor<f32>
  return
}

// -----

/// The result keeps the operand's bounded type.
// CHECK-LABEL: func.func @unary_bounded
//       CHECK: %[[Y:.*]] = loom.unary silu %{{.*}} : tensor<?x64xbf16, #loom.bounds<[512, 64]>>
//       CHECK: return %[[Y]] : tensor<?x64xbf16, #loom.bounds<[512, 64]>>
func.func @unary_bounded(%x: tensor<?x64xbf16, #loom.bounds<[512, 64]>>)
    -> tensor<?x64xbf16, #loom.bounds<[512, 64]>> {
  %0 = loom.unary silu %x : tensor<?x64xbf16, #loom.bounds<[512, 64]>>
  return %0 : tensor<?x64xbf16, #loom.bounds<[512, 64]>>
}

// -----

/// Every binary kind: arithmetic and min/max on any type, div/pow/atan2 on
/// floats, and/or/xor on integers.
// CHECK-LABEL: func.func @binary_kinds
//  CHECK-SAME: (%[[A:.*]]: tensor<4xf32>, %[[B:.*]]: tensor<4xf32>, %[[I:.*]]: tensor<4xi32>)
//       CHECK: loom.binary add %[[A]], %[[B]] : tensor<4xf32>
//       CHECK: loom.binary sub %[[A]], %[[B]] : tensor<4xf32>
//       CHECK: loom.binary mul %[[A]], %[[B]] : tensor<4xf32>
//       CHECK: loom.binary div %[[A]], %[[B]] : tensor<4xf32>
//       CHECK: loom.binary max %[[A]], %[[B]] : tensor<4xf32>
//       CHECK: loom.binary min %[[A]], %[[B]] : tensor<4xf32>
//       CHECK: loom.binary pow %[[A]], %[[B]] : tensor<4xf32>
//       CHECK: loom.binary atan2 %[[A]], %[[B]] : tensor<4xf32>
//       CHECK: loom.binary and %[[I]], %[[I]] : tensor<4xi32>
//       CHECK: loom.binary or %[[I]], %[[I]] : tensor<4xi32>
//       CHECK: loom.binary xor %[[I]], %[[I]] : tensor<4xi32>
func.func @binary_kinds(%a: tensor<4xf32>, %b: tensor<4xf32>, %i: tensor<4xi32>) {
  %0 = loom.binary add %a, %b : tensor<4xf32>
  %1 = loom.binary sub %a, %b : tensor<4xf32>
  %2 = loom.binary mul %a, %b : tensor<4xf32>
  %3 = loom.binary div %a, %b : tensor<4xf32>
  %4 = loom.binary max %a, %b : tensor<4xf32>
  %5 = loom.binary min %a, %b : tensor<4xf32>
  %6 = loom.binary pow %a, %b : tensor<4xf32>
  %7 = loom.binary atan2 %a, %b : tensor<4xf32>
  %8 = loom.binary and %i, %i : tensor<4xi32>
  %9 = loom.binary or %i, %i : tensor<4xi32>
  %10 = loom.binary xor %i, %i : tensor<4xi32>
  return
}

// -----

/// add takes every element type; the bitwise kinds are logical on i1.
// CHECK-LABEL: func.func @binary_element_types
//       CHECK: loom.binary add %{{.*}} : tensor<4xf64>
//       CHECK: loom.binary add %{{.*}} : tensor<4xbf16>
//       CHECK: loom.binary add %{{.*}} : tensor<4xf16>
//       CHECK: loom.binary add %{{.*}} : tensor<4xi64>
//       CHECK: loom.binary add %{{.*}} : tensor<4xi8>
//       CHECK: loom.binary and %{{.*}} : tensor<4xi1>
//       CHECK: loom.binary or %{{.*}} : tensor<4xi64>
//       CHECK: loom.binary xor %{{.*}} : tensor<4xi8>
//       CHECK: loom.binary div %{{.*}} : tensor<4xbf16>
func.func @binary_element_types(%f64: tensor<4xf64>, %bf16: tensor<4xbf16>, %f16: tensor<4xf16>,
                                %i64: tensor<4xi64>, %i8: tensor<4xi8>, %i1: tensor<4xi1>) {
  %0 = loom.binary add %f64, %f64 : tensor<4xf64>
  %1 = loom.binary add %bf16, %bf16 : tensor<4xbf16>
  %2 = loom.binary add %f16, %f16 : tensor<4xf16>
  %3 = loom.binary add %i64, %i64 : tensor<4xi64>
  %4 = loom.binary add %i8, %i8 : tensor<4xi8>
  %5 = loom.binary and %i1, %i1 : tensor<4xi1>
  %6 = loom.binary or %i64, %i64 : tensor<4xi64>
  %7 = loom.binary xor %i8, %i8 : tensor<4xi8>
  %8 = loom.binary div %bf16, %bf16 : tensor<4xbf16>
  return
}

// -----

// CHECK-LABEL: func.func @binary_bounded
//       CHECK: %[[Y:.*]] = loom.binary mul %{{.*}}, %{{.*}} : tensor<?x?xf32, #loom.bounds<[8, 16]>>
//       CHECK: return %[[Y]] : tensor<?x?xf32, #loom.bounds<[8, 16]>>
func.func @binary_bounded(%a: tensor<?x?xf32, #loom.bounds<[8, 16]>>, %b: tensor<?x?xf32, #loom.bounds<[8, 16]>>)
    -> tensor<?x?xf32, #loom.bounds<[8, 16]>> {
  %0 = loom.binary mul %a, %b : tensor<?x?xf32, #loom.bounds<[8, 16]>>
  return %0 : tensor<?x?xf32, #loom.bounds<[8, 16]>>
}

// -----

/// floor_mod on integers (BLT's hash buckets), floats and bounded shapes.
// CHECK-LABEL: func.func @floor_mod
//       CHECK: loom.floor_mod %{{.*}}, %{{.*}} : tensor<2x64xi64>
//       CHECK: loom.floor_mod %{{.*}}, %{{.*}} : tensor<2x64xi32>
//       CHECK: loom.floor_mod %{{.*}}, %{{.*}} : tensor<4xf32>
//       CHECK: loom.floor_mod %{{.*}}, %{{.*}} : tensor<?xbf16, #loom.bounds<[32]>>
func.func @floor_mod(%h: tensor<2x64xi64>, %i: tensor<2x64xi32>, %f: tensor<4xf32>,
                     %b: tensor<?xbf16, #loom.bounds<[32]>>) {
  %0 = loom.floor_mod %h, %h : tensor<2x64xi64>
  %1 = loom.floor_mod %i, %i : tensor<2x64xi32>
  %2 = loom.floor_mod %f, %f : tensor<4xf32>
  %3 = loom.floor_mod %b, %b : tensor<?xbf16, #loom.bounds<[32]>>
  return
}

// -----

/// Every compare predicate; the result is i1 of the operands' shape.
// CHECK-LABEL: func.func @compare_predicates
//       CHECK: loom.compare eq %{{.*}}, %{{.*}} : tensor<4xf32>
//       CHECK: loom.compare ne %{{.*}}, %{{.*}} : tensor<4xf32>
//       CHECK: loom.compare lt %{{.*}}, %{{.*}} : tensor<4xf32>
//       CHECK: loom.compare le %{{.*}}, %{{.*}} : tensor<4xf32>
//       CHECK: loom.compare gt %{{.*}}, %{{.*}} : tensor<4xf32>
//       CHECK: %[[GE:.*]] = loom.compare ge %{{.*}}, %{{.*}} : tensor<4xf32>
//       CHECK: return %[[GE]] : tensor<4xi1>
func.func @compare_predicates(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xi1> {
  %0 = loom.compare eq %a, %b : tensor<4xf32>
  %1 = loom.compare ne %a, %b : tensor<4xf32>
  %2 = loom.compare lt %a, %b : tensor<4xf32>
  %3 = loom.compare le %a, %b : tensor<4xf32>
  %4 = loom.compare gt %a, %b : tensor<4xf32>
  %5 = loom.compare ge %a, %b : tensor<4xf32>
  return %5 : tensor<4xi1>
}

// -----

// CHECK-LABEL: func.func @compare_element_types
//       CHECK: loom.compare lt %{{.*}}, %{{.*}} : tensor<4xf64>
//       CHECK: loom.compare lt %{{.*}}, %{{.*}} : tensor<4xbf16>
//       CHECK: loom.compare lt %{{.*}}, %{{.*}} : tensor<4xf16>
//       CHECK: loom.compare lt %{{.*}}, %{{.*}} : tensor<4xi64>
//       CHECK: loom.compare lt %{{.*}}, %{{.*}} : tensor<4xi32>
//       CHECK: loom.compare lt %{{.*}}, %{{.*}} : tensor<4xi8>
//       CHECK: loom.compare eq %{{.*}}, %{{.*}} : tensor<4xi1>
func.func @compare_element_types(%f64: tensor<4xf64>, %bf16: tensor<4xbf16>, %f16: tensor<4xf16>,
                                 %i64: tensor<4xi64>, %i32: tensor<4xi32>, %i8: tensor<4xi8>,
                                 %i1: tensor<4xi1>) {
  %0 = loom.compare lt %f64, %f64 : tensor<4xf64>
  %1 = loom.compare lt %bf16, %bf16 : tensor<4xbf16>
  %2 = loom.compare lt %f16, %f16 : tensor<4xf16>
  %3 = loom.compare lt %i64, %i64 : tensor<4xi64>
  %4 = loom.compare lt %i32, %i32 : tensor<4xi32>
  %5 = loom.compare lt %i8, %i8 : tensor<4xi8>
  %6 = loom.compare eq %i1, %i1 : tensor<4xi1>
  return
}

// -----

/// The i1 result keeps the operands' bounds.
// CHECK-LABEL: func.func @compare_bounded
//       CHECK: %[[M:.*]] = loom.compare lt %{{.*}}, %{{.*}} : tensor<?xi64, #loom.bounds<[64]>>
//       CHECK: return %[[M]] : tensor<?xi1, #loom.bounds<[64]>>
func.func @compare_bounded(%pos: tensor<?xi64, #loom.bounds<[64]>>, %limit: tensor<?xi64, #loom.bounds<[64]>>)
    -> tensor<?xi1, #loom.bounds<[64]>> {
  %0 = loom.compare lt %pos, %limit : tensor<?xi64, #loom.bounds<[64]>>
  return %0 : tensor<?xi1, #loom.bounds<[64]>>
}

// -----

// CHECK-LABEL: func.func @select
//       CHECK: loom.select %{{.*}}, %{{.*}}, %{{.*}} : tensor<4x8xi1>, tensor<4x8xf32>
//       CHECK: loom.select %{{.*}}, %{{.*}}, %{{.*}} : tensor<4x8xi1>, tensor<4x8xi64>
//       CHECK: loom.select %{{.*}}, %{{.*}}, %{{.*}} : tensor<4x8xi1>, tensor<4x8xi1>
func.func @select(%m: tensor<4x8xi1>, %f: tensor<4x8xf32>, %i: tensor<4x8xi64>) {
  %0 = loom.select %m, %f, %f : tensor<4x8xi1>, tensor<4x8xf32>
  %1 = loom.select %m, %i, %i : tensor<4x8xi1>, tensor<4x8xi64>
  %2 = loom.select %m, %m, %m : tensor<4x8xi1>, tensor<4x8xi1>
  return
}

// -----

// CHECK-LABEL: func.func @select_bounded
//       CHECK: %[[Y:.*]] = loom.select %{{.*}}, %{{.*}}, %{{.*}} : tensor<?x64xi1, #loom.bounds<[512, 64]>>, tensor<?x64xbf16, #loom.bounds<[512, 64]>>
//       CHECK: return %[[Y]] : tensor<?x64xbf16, #loom.bounds<[512, 64]>>
func.func @select_bounded(%m: tensor<?x64xi1, #loom.bounds<[512, 64]>>, %x: tensor<?x64xbf16, #loom.bounds<[512, 64]>>)
    -> tensor<?x64xbf16, #loom.bounds<[512, 64]>> {
  %0 = loom.select %m, %x, %x : tensor<?x64xi1, #loom.bounds<[512, 64]>>, tensor<?x64xbf16, #loom.bounds<[512, 64]>>
  return %0 : tensor<?x64xbf16, #loom.bounds<[512, 64]>>
}

// -----

/// Casts between float widths, float and integer, and to and from i1.
// CHECK-LABEL: func.func @cast
//       CHECK: loom.cast %{{.*}} : tensor<4x8xf32> to tensor<4x8xbf16>
//       CHECK: loom.cast %{{.*}} : tensor<4x8xbf16> to tensor<4x8xf32>
//       CHECK: loom.cast %{{.*}} : tensor<4x8xf32> to tensor<4x8xi32>
//       CHECK: loom.cast %{{.*}} : tensor<4x8xf64> to tensor<4x8xf16>
//       CHECK: loom.cast %{{.*}} : tensor<4x8xi64> to tensor<4x8xi1>
//       CHECK: loom.cast %{{.*}} : tensor<4x8xi1> to tensor<4x8xf32>
//       CHECK: loom.cast %{{.*}} : tensor<4x8xi8> to tensor<4x8xi64>
func.func @cast(%f32: tensor<4x8xf32>, %f64: tensor<4x8xf64>, %i64: tensor<4x8xi64>,
                %i1: tensor<4x8xi1>, %i8: tensor<4x8xi8>) {
  %0 = loom.cast %f32 : tensor<4x8xf32> to tensor<4x8xbf16>
  %1 = loom.cast %0 : tensor<4x8xbf16> to tensor<4x8xf32>
  %2 = loom.cast %f32 : tensor<4x8xf32> to tensor<4x8xi32>
  %3 = loom.cast %f64 : tensor<4x8xf64> to tensor<4x8xf16>
  %4 = loom.cast %i64 : tensor<4x8xi64> to tensor<4x8xi1>
  %5 = loom.cast %i1 : tensor<4x8xi1> to tensor<4x8xf32>
  %6 = loom.cast %i8 : tensor<4x8xi8> to tensor<4x8xi64>
  return
}

// -----

// CHECK-LABEL: func.func @cast_bounded
//       CHECK: loom.cast %{{.*}} : tensor<?x64xf32, #loom.bounds<[512, 64]>> to tensor<?x64xbf16, #loom.bounds<[512, 64]>>
func.func @cast_bounded(%x: tensor<?x64xf32, #loom.bounds<[512, 64]>>) {
  %0 = loom.cast %x : tensor<?x64xf32, #loom.bounds<[512, 64]>> to tensor<?x64xbf16, #loom.bounds<[512, 64]>>
  return
}

// -----

/// Static broadcasts: a bias over rows, a scalar to a matrix, a middle dim.
// CHECK-LABEL: func.func @broadcast_static
//       CHECK: loom.broadcast %{{.*}} dims [1] : tensor<64xf32> -> tensor<8x64xf32>
//       CHECK: loom.broadcast %{{.*}} dims [] : tensor<f32> -> tensor<3x4xf32>
//       CHECK: loom.broadcast %{{.*}} dims [0, 2] : tensor<2x4xi64> -> tensor<2x3x4xi64>
func.func @broadcast_static(%bias: tensor<64xf32>, %s: tensor<f32>, %i: tensor<2x4xi64>) {
  %0 = loom.broadcast %bias dims [1] : tensor<64xf32> -> tensor<8x64xf32>
  %1 = loom.broadcast %s dims [] : tensor<f32> -> tensor<3x4xf32>
  %2 = loom.broadcast %i dims [0, 2] : tensor<2x4xi64> -> tensor<2x3x4xi64>
  return
}

// -----

/// A new dynamic dim takes its size from `sizes`; a dynamic dim mapped from
/// the operand keeps the operand's and needs none.
// CHECK-LABEL: func.func @broadcast_bounded
//  CHECK-SAME: (%[[BIAS:.*]]: tensor<64xf32>, %[[N:.*]]: index, %[[X:.*]]: tensor<?xbf16, #loom.bounds<[16]>>)
//       CHECK: loom.broadcast %[[BIAS]] dims [1] sizes(%[[N]]) : tensor<64xf32> -> tensor<?x64xf32, #loom.bounds<[512, 64]>>
//       CHECK: loom.broadcast %[[X]] dims [0] : tensor<?xbf16, #loom.bounds<[16]>> -> tensor<?x4xbf16, #loom.bounds<[16, 4]>>
func.func @broadcast_bounded(%bias: tensor<64xf32>, %n: index, %x: tensor<?xbf16, #loom.bounds<[16]>>) {
  %0 = loom.broadcast %bias dims [1] sizes(%n) : tensor<64xf32> -> tensor<?x64xf32, #loom.bounds<[512, 64]>>
  %1 = loom.broadcast %x dims [0] : tensor<?xbf16, #loom.bounds<[16]>> -> tensor<?x4xbf16, #loom.bounds<[16, 4]>>
  return
}
